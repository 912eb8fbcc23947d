/**
 * numpy.fft (and jax.numpy.fft) on the `fft` primitive, with numpy's signatures and defaults in
 * camelCase. Complex values are `Complex` pytrees of two real arrays (lib/numpy/complex.ts); a
 * real input is a complex one with a zero imaginary part. Every transform runs along the last
 * axis of the primitive, so other axes are moved there and back; `n` (or `s`) zero-pads or
 * truncates first, as numpy.
 *
 * `norm` scales as numpy: 'backward' (default) divides the inverse by n, 'ortho' both directions by
 * √n, 'forward' the forward transform by n.
 */
import { Array, type ArrayOrScalar, type Nested } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { bind } from '../core/trace.js';
import { Fft } from '../primitives/fft.js';
import { Complex } from './complex.js';
import { array, zerosLike } from './creation.js';
import { multiply } from './math.js';
import { describe, normAxis, sliceAxis, toFloat } from './promote.js';
import { concatenate, moveaxis, pad } from './shape.js';

/** numpy's normalisation modes (`undefined`/`null` is 'backward'). */
export type FftNorm = 'backward' | 'ortho' | 'forward';

/** What the complex transforms take: a Complex, a real Array, a JS number or nested JS numbers. */
export type FftInput = Complex | ArrayOrScalar | Nested;

/** What the real-input transforms (rfft, rfftn, ihfft) take. */
export type RealFftInput = ArrayOrScalar | Nested;

/** A real or complex value that fftshift rolls. */
export type ShiftInput = Complex | ArrayOrScalar | Nested;

const isNested = (x: unknown): x is Nested => globalThis.Array.isArray(x);

/** A float Array: JS values through np.array, ints (as JAX) the default float; bool is refused. */
function realInput(who: string, a: unknown): Array {
  let x: Array;
  if (a instanceof Array) x = a;
  else if (typeof a === 'number' || isNested(a)) x = array(a);
  else if (a instanceof Complex) throw new TypeError(`${who}: takes a real input, got a Complex of shape [${a.shape}]; pass z.real (numpy discards the imaginary part) or use the complex transform`);
  else throw new TypeError(`${who}: expected an Array, a JS number array or a Complex, got ${describe(a)}`);
  if (x.dtype === 'bool') throw new TypeError(`${who}: got a bool array of shape [${x.shape}]; convert it first, e.g. x.astype('float64')`);
  // JAX converts integer inputs to its float type; so do we.
  return toFloat(x);
}

/** Real and imaginary parts as float Arrays of one shape and dtype. */
function complexInput(who: string, a: unknown): Complex {
  if (a instanceof Complex) {
    for (const p of [a.re, a.im]) {
      if (p.dtype !== 'float32' && p.dtype !== 'float64') throw new TypeError(`${who}: a Complex's parts must be float arrays, got ${p.dtype}; build it with complex(re, im), which converts`);
    }
    if (a.re.dtype !== a.im.dtype || a.re.shape.join() !== a.im.shape.join()) {
      throw new ShapeError(`${who}: a Complex's parts must have one shape and dtype, got ${a.re.dtype}[${a.re.shape}] and ${a.im.dtype}[${a.im.shape}]; build it with complex(re, im), which promotes and broadcasts`);
    }
    return a;
  }
  const re = realInput(who, a);
  return new Complex(re, zerosLike(re));
}

function checkLength(who: string, n: unknown, what = 'n'): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`${who}: invalid number of data points ${what} = ${String(n)}; it must be a positive integer (the transform length after padding or truncation)`);
  }
  return n;
}

function scaleOf(who: string, norm: FftNorm | null | undefined, n: number, inverse: boolean): number {
  const mode = norm ?? 'backward';
  if (mode === 'backward') return inverse ? 1 / n : 1;
  if (mode === 'ortho') return 1 / Math.sqrt(n);
  if (mode === 'forward') return inverse ? 1 : 1 / n;
  throw new TypeError(`${who}: norm must be 'backward', 'ortho' or 'forward', got ${JSON.stringify(norm)}`);
}

/** numpy's hfft/ihfft run the opposite direction's normalisation. */
function swapNorm(who: string, norm: FftNorm | null | undefined): FftNorm {
  scaleOf(who, norm, 1, false);
  return norm === 'forward' ? 'backward' : norm === 'ortho' ? 'ortho' : 'forward';
}

/** `x` zero-padded or truncated to length n along its last axis. */
function resizeLast(x: Array, n: number): Array {
  const ax = x.ndim - 1;
  const len = x.shape[ax];
  if (n <= len) return sliceAxis(x, ax, 0, n);
  return pad(x, x.shape.map((_, i): [number, number] => [0, i === ax ? n - len : 0]));
}

/**
 * The 1-D transform of `z` along `axis` with length `n`: moved to the last axis, resized, the
 * primitive applied with `sign`, scaled by `scale(n)`, moved back.
 */
function transform(who: string, z: Complex, n: number | null | undefined, axis: number, sign: -1 | 1, norm: FftNorm | null | undefined): Complex {
  if (z.ndim === 0) throw new ShapeError(`${who}: got a 0-d input; the transform needs at least one axis (reshape a scalar to [1])`);
  const ax = normAxis(who, axis, z.ndim);
  const len = checkLength(who, n ?? z.shape[ax]);
  const scale = scaleOf(who, norm, len, sign === 1);
  const re = resizeLast(moveaxis(z.re, ax, -1), len);
  const im = resizeLast(moveaxis(z.im, ax, -1), len);
  let [yr, yi] = bind(Fft, [re, im], { sign });
  if (scale !== 1) [yr, yi] = [multiply(yr, scale), multiply(yi, scale)];
  return new Complex(moveaxis(yr, -1, ax), moveaxis(yi, -1, ax));
}

/** The 1-D discrete Fourier transform along `axis` (numpy.fft.fft); `n` pads with zeros or truncates. */
export function fft(a: FftInput, n?: number | null, axis = -1, norm?: FftNorm | null): Complex {
  return transform('np.fft.fft', complexInput('np.fft.fft', a), n, axis, -1, norm);
}

/** The inverse of `fft` (numpy.fft.ifft): divides by n under the default norm. */
export function ifft(a: FftInput, n?: number | null, axis = -1, norm?: FftNorm | null): Complex {
  return transform('np.fft.ifft', complexInput('np.fft.ifft', a), n, axis, 1, norm);
}

/** The transform of a real input: its first n/2 + 1 bins (the rest are their conjugates). */
export function rfft(a: RealFftInput, n?: number | null, axis = -1, norm?: FftNorm | null): Complex {
  const who = 'np.fft.rfft';
  const x = realInput(who, a);
  const z = transform(who, new Complex(x, zerosLike(x)), n, axis, -1, norm);
  const ax = normAxis(who, axis, z.ndim);
  const half = Math.floor(z.shape[ax] / 2) + 1;
  return new Complex(sliceAxis(z.re, ax, 0, half), sliceAxis(z.im, ax, 0, half));
}

/**
 * The inverse of `rfft`: a real Array of length n (default 2(m − 1) for m input bins). The input
 * is read as the first n/2 + 1 bins of a Hermitian spectrum (padded or truncated to that), so the
 * imaginary parts of the DC bin and, for even n, of the Nyquist bin are ignored, as numpy.
 */
export function irfft(a: FftInput, n?: number | null, axis = -1, norm?: FftNorm | null): Array {
  const who = 'np.fft.irfft';
  const z = complexInput(who, a);
  if (z.ndim === 0) throw new ShapeError(`${who}: got a 0-d input; the transform needs at least one axis (reshape a scalar to [1])`);
  const ax = normAxis(who, axis, z.ndim);
  const m = z.shape[ax];
  if (n === undefined || n === null) {
    if (m < 2) throw new RangeError(`${who}: an input of ${m} bin(s) gives the default output length 2(m − 1) = ${2 * (m - 1)}; pass n explicitly`);
  }
  const len = checkLength(who, n ?? 2 * (m - 1));
  const scale = scaleOf(who, norm, len, true);
  const h = Math.floor(len / 2);
  // Bins k and len − k (0 < k < len/2) are conjugates, and Re(X e^{iθ}) + Re(conj(X) e^{−iθ}) =
  // 2 Re(X e^{iθ}): the real part of the transform of the half spectrum with those bins doubled
  // is the transform of the whole one. The real part also drops Im of the DC and Nyquist bins.
  const weights = globalThis.Array.from({ length: h + 1 }, (_, k) => (k === 0 || (len % 2 === 0 && k === h) ? 1 : 2));
  const w = array(weights, { dtype: z.dtype });
  const half = (x: Array): Array => resizeLast(multiply(resizeLast(moveaxis(x, ax, -1), h + 1), w), len);
  const [yr] = bind(Fft, [half(z.re), half(z.im)], { sign: 1 });
  return moveaxis(multiply(yr, scale), -1, ax);
}

/** The transform of a Hermitian-symmetric signal given by its first half: a real Array (numpy.fft.hfft). */
export function hfft(a: FftInput, n?: number | null, axis = -1, norm?: FftNorm | null): Array {
  return irfft(complexInput('np.fft.hfft', a).conj(), n, axis, swapNorm('np.fft.hfft', norm));
}

/** The inverse of `hfft` for a real input: n/2 + 1 bins (numpy.fft.ihfft). */
export function ihfft(a: RealFftInput, n?: number | null, axis = -1, norm?: FftNorm | null): Complex {
  return rfft(realInput('np.fft.ihfft', a), n, axis, swapNorm('np.fft.ihfft', norm)).conj();
}

/**
 * numpy's `_cook_nd_args`: the axes (default: the last len(s), or all) and the length per axis
 * (default: the input's; -1 also means the input's, as numpy 2; for irfftn the last one is 2(m − 1)).
 */
function cookNd(who: string, shape: readonly number[], s: readonly number[] | null | undefined, axes: readonly number[] | null | undefined, realInverse = false): { s: number[]; axes: number[] } {
  if (s !== undefined && s !== null && !globalThis.Array.isArray(s)) throw new TypeError(`${who}: s must be a JS array of lengths, got ${describe(s)}`);
  if (axes !== undefined && axes !== null && !globalThis.Array.isArray(axes)) throw new TypeError(`${who}: axes must be a JS array of axes, got ${describe(axes)}`);
  const nd = shape.length;
  const ax = axes ?? (s ? shape.map((_, i) => i).slice(nd - s.length) : shape.map((_, i) => i));
  if (s && s.length > nd && !axes) throw new ShapeError(`${who}: s has ${s.length} lengths for an input of rank ${nd}; pass at most one per axis`);
  if (s && s.length !== ax.length) throw new ShapeError(`${who}: s and axes must have the same length, got s = [${s}] and axes = [${ax}]`);
  const norm = ax.map((a) => normAxis(who, a, nd));
  if (norm.length === 0) throw new ShapeError(`${who}: no axes to transform (the input is 0-d or axes is empty)`);
  const lens = norm.map((a, i) => {
    const given = s?.[i];
    if (given === undefined || given === -1) return realInverse && i === norm.length - 1 ? 2 * (shape[a] - 1) : shape[a];
    return checkLength(who, given, `s[${i}]`);
  });
  return { s: lens, axes: norm };
}

/** The n-D transform over `axes` (default all, or the last len(s)); `s` pads or truncates each. */
export function fftn(a: FftInput, s?: readonly number[] | null, axes?: readonly number[] | null, norm?: FftNorm | null): Complex {
  const who = 'np.fft.fftn';
  let z = complexInput(who, a);
  const c = cookNd(who, z.shape, s, axes);
  for (let i = c.axes.length - 1; i >= 0; i--) z = transform(who, z, c.s[i], c.axes[i], -1, norm);
  return z;
}

/** The inverse of `fftn`. */
export function ifftn(a: FftInput, s?: readonly number[] | null, axes?: readonly number[] | null, norm?: FftNorm | null): Complex {
  const who = 'np.fft.ifftn';
  let z = complexInput(who, a);
  const c = cookNd(who, z.shape, s, axes);
  for (let i = c.axes.length - 1; i >= 0; i--) z = transform(who, z, c.s[i], c.axes[i], 1, norm);
  return z;
}

/** The n-D transform of a real input: rfft over the last of `axes`, then fft over the others. */
export function rfftn(a: RealFftInput, s?: readonly number[] | null, axes?: readonly number[] | null, norm?: FftNorm | null): Complex {
  const who = 'np.fft.rfftn';
  const x = realInput(who, a);
  const c = cookNd(who, x.shape, s, axes);
  const last = c.axes.length - 1;
  let z = rfft(x, c.s[last], c.axes[last], norm);
  for (let i = last - 1; i >= 0; i--) z = transform(who, z, c.s[i], c.axes[i], -1, norm);
  return z;
}

/** The inverse of `rfftn`: ifft over all but the last of `axes`, then irfft over it (default length 2(m − 1)). */
export function irfftn(a: FftInput, s?: readonly number[] | null, axes?: readonly number[] | null, norm?: FftNorm | null): Array {
  const who = 'np.fft.irfftn';
  let z = complexInput(who, a);
  const c = cookNd(who, z.shape, s, axes, true);
  const last = c.axes.length - 1;
  for (let i = 0; i < last; i++) z = transform(who, z, c.s[i], c.axes[i], 1, norm);
  return irfft(z, c.s[last], c.axes[last], norm);
}

/** The 2-D transform over `axes` (default the last two). */
export const fft2 = (a: FftInput, s?: readonly number[] | null, axes: readonly number[] = [-2, -1], norm?: FftNorm | null): Complex => fftn(a, s, axes, norm);
/** The inverse of `fft2`. */
export const ifft2 = (a: FftInput, s?: readonly number[] | null, axes: readonly number[] = [-2, -1], norm?: FftNorm | null): Complex => ifftn(a, s, axes, norm);
/** The 2-D transform of a real input over `axes` (default the last two). */
export const rfft2 = (a: RealFftInput, s?: readonly number[] | null, axes: readonly number[] = [-2, -1], norm?: FftNorm | null): Complex => rfftn(a, s, axes, norm);
/** The inverse of `rfft2`. */
export const irfft2 = (a: FftInput, s?: readonly number[] | null, axes: readonly number[] = [-2, -1], norm?: FftNorm | null): Array => irfftn(a, s, axes, norm);

function checkSpacing(who: string, n: unknown, d: unknown): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new RangeError(`${who}: n must be a positive integer (the window length), got ${String(n)}`);
  if (typeof d !== 'number' || !Number.isFinite(d) || d === 0) throw new RangeError(`${who}: d must be a finite nonzero sample spacing, got ${String(d)}`);
}

/**
 * The sample frequencies of an n-point fft with spacing d: [0, 1, ..., ⌈n/2⌉ − 1, −⌊n/2⌋, ..., −1] / (d·n),
 * in the default float (or `dtype`).
 */
export function fftfreq(n: number, d = 1, opts: { dtype?: 'float32' | 'float64' } = {}): Array {
  checkSpacing('np.fft.fftfreq', n, d);
  // numpy multiplies by the reciprocal, which these values then match bit for bit.
  const val = 1 / (n * d);
  const pos = Math.floor((n - 1) / 2) + 1;
  return array(globalThis.Array.from({ length: n }, (_, i) => (i < pos ? i : i - n) * val), opts);
}

/** The sample frequencies of an n-point rfft with spacing d: [0, 1, ..., ⌊n/2⌋] / (d·n). */
export function rfftfreq(n: number, d = 1, opts: { dtype?: 'float32' | 'float64' } = {}): Array {
  checkSpacing('np.fft.rfftfreq', n, d);
  const val = 1 / (n * d);
  return array(globalThis.Array.from({ length: Math.floor(n / 2) + 1 }, (_, i) => i * val), opts);
}

/** Rolls every axis in `axes` (default all) by `shift(len)`: out[i] = x[(i − shift) mod len]. */
function shiftAxes<T extends Array | Complex>(who: string, x: T, axes: number | readonly number[] | null | undefined, shift: (len: number) => number): T {
  const list = axes === undefined || axes === null ? x.shape.map((_, i) => i) : typeof axes === 'number' ? [axes] : axes;
  const roll = (a: Array): Array => list.reduce((acc: Array, ax0) => {
    const ax = normAxis(who, ax0, acc.ndim);
    const len = acc.shape[ax];
    const k = ((shift(len) % len) + len) % len;
    if (len === 0 || k === 0) return acc;
    return concatenate([sliceAxis(acc, ax, len - k, len), sliceAxis(acc, ax, 0, len - k)], ax);
  }, a);
  return (x instanceof Complex ? new Complex(roll(x.re), roll(x.im)) : roll(x)) as T;
}

function shiftInput(who: string, x: ShiftInput): Array | Complex {
  if (x instanceof Complex || x instanceof Array) return x;
  if (typeof x === 'number' || typeof x === 'boolean' || isNested(x)) return array(x);
  throw new TypeError(`${who}: expected an Array, a Complex or a JS number array, got ${describe(x)}`);
}

/** Moves the zero-frequency bin to the centre of each axis in `axes` (default all). */
export function fftshift<T extends ShiftInput>(x: T, axes?: number | readonly number[] | null): T extends Complex ? Complex : Array;
export function fftshift(x: ShiftInput, axes?: number | readonly number[] | null): Array | Complex {
  return shiftAxes('np.fft.fftshift', shiftInput('np.fft.fftshift', x), axes, (len) => Math.floor(len / 2));
}

/** The inverse of `fftshift` (they differ for odd lengths). */
export function ifftshift<T extends ShiftInput>(x: T, axes?: number | readonly number[] | null): T extends Complex ? Complex : Array;
export function ifftshift(x: ShiftInput, axes?: number | readonly number[] | null): Array | Complex {
  return shiftAxes('np.fft.ifftshift', shiftInput('np.fft.ifftshift', x), axes, (len) => -Math.floor(len / 2));
}
