/** lax on complex values (`np.Complex` pairs): `fft` over np.fft, and `complex`, `real`, `imag`, `conj`. */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { Complex } from '../numpy/complex.js';
import { fullLike, zerosLike } from '../numpy/creation.js';
import * as npfft from '../numpy/fft.js';
import { asArray } from '../numpy/promote.js';
import { desc } from './args.js';


/** XLA's FFT kinds (`jax.lax.FftType`): complex forward/inverse, real-to-complex, complex-to-real. */
export type FftType = 'FFT' | 'IFFT' | 'RFFT' | 'IRFFT';
/** The FftType names as constants (`lax.FftType.RFFT`), as JAX's enum. */
export const FftType = {
  /** Complex → Complex forward transform. */
  FFT: 'FFT',
  /** Complex → Complex inverse transform (divided by the product of the lengths). */
  IFFT: 'IFFT',
  /** Real → Complex forward transform (the last axis keeps n/2 + 1 bins). */
  RFFT: 'RFFT',
  /** Complex → real inverse of RFFT (the last input axis holds n/2 + 1 bins). */
  IRFFT: 'IRFFT'
} as const;

/**
 * XLA's FFT over the trailing `fftLengths.length` axes (`jax.lax.fft`). `fftType` is 'FFT'
 * (Complex → Complex), 'IFFT' (its inverse, divided by the product of the lengths), 'RFFT' (real
 * float Array → Complex, the last axis keeping n/2 + 1 bins) or 'IRFFT' (Complex → real Array; its
 * last input axis holds n/2 + 1 bins); lowercase names are accepted too. As XLA, `fftLengths` must
 * equal the trailing axes of the input (for IRFFT, of the output). A real Array given to FFT/IFFT
 * is read as a Complex with zero imaginary part.
 *
 * @example
 * ```ts
 * lax.fft(np.array([1, 0, 0, 0]), 'RFFT', [4]).js(); // [[1, 0], [1, 0], [1, 0]]
 * ```
 */
export function fft(x: Complex | Array, fftType: FftType | Lowercase<FftType>, fftLengths: readonly number[]): Complex | Array {
  const who = 'lax.fft';
  const type = typeof fftType === 'string' ? fftType.toUpperCase() : fftType;
  if (type !== 'FFT' && type !== 'IFFT' && type !== 'RFFT' && type !== 'IRFFT') {
    throw new TypeError(`${who}: fftType must be 'FFT', 'IFFT', 'RFFT' or 'IRFFT' (or lax.FftType.*), got ${JSON.stringify(fftType)}`);
  }
  if (!(x instanceof Complex) && !(x instanceof Array)) throw new TypeError(`${who}: expected a Complex or an Array, got ${desc(x)}`);
  if (!globalThis.Array.isArray(fftLengths) || fftLengths.length === 0 || fftLengths.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new TypeError(`${who}: fftLengths must be a non-empty JS array of positive integers, got ${JSON.stringify(fftLengths)}`);
  }
  const k = fftLengths.length;
  if (k > x.ndim) throw new ShapeError(`${who}: ${k} fftLengths for an input of rank ${x.ndim} (shape [${x.shape}]); give at most one length per axis`);
  const axes = globalThis.Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const trailing = x.shape.slice(x.ndim - k);
  const want = type === 'IRFFT' ? [...fftLengths.slice(0, -1), Math.floor(fftLengths[k - 1] / 2) + 1] : [...fftLengths];
  if (trailing.join() !== want.join()) {
    throw new ShapeError(`${who}: ${type} with fftLengths [${fftLengths}] needs trailing axes [${want}], got an input of shape [${x.shape}]; pad or slice the input first (np.fft.* pads and truncates for you)`);
  }
  if (type === 'RFFT') {
    if (x instanceof Complex || !isFloat(x.dtype)) throw new TypeError(`${who}: RFFT takes a real float Array, got ${desc(x)}; convert with lax.convertElementType(x, 'float32'), or use 'FFT' for a Complex`);
    return npfft.rfftn(x, fftLengths, axes);
  }
  if (x instanceof Array && !isFloat(x.dtype)) throw new TypeError(`${who}: ${type} takes a Complex (or a real float Array), got ${desc(x)}; convert with lax.convertElementType`);
  if (type === 'FFT') return npfft.fftn(x, fftLengths, axes);
  if (type === 'IFFT') return npfft.ifftn(x, fftLengths, axes);
  return npfft.irfftn(x, fftLengths, axes);
}

// ---- complex, real, imag, conj --------------------------------------------------------

/**
 * The complex number `x + i·y` (`jax.lax.complex`): `x` and `y` are real float Arrays of one shape
 * and dtype (a JS number takes the other's). Differentiable in both parts.
 *
 * @example
 * ```ts
 * lax.complex(np.array([1, 2]), np.array([3, 4])).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function complex(x: ArrayOrScalar, y: ArrayOrScalar): Complex {
  const who = 'lax.complex';
  if (typeof x === 'number' && typeof y === 'number') return new Complex(asArray(x), asArray(y));
  const ref = x instanceof Array ? x : y instanceof Array ? y : null;
  if (!ref) throw new TypeError(`${who}: expected real float Arrays (or one JS number), got ${desc(x)} and ${desc(y)}`);
  const part = (v: unknown): Array => {
    if (typeof v === 'number') return fullLike(ref, v);
    if (!(v instanceof Array)) throw new TypeError(`${who}: expected real float Arrays (or one JS number), got ${desc(v)}`);
    return v;
  };
  const [re, im] = [part(x), part(y)];
  if (!isFloat(re.dtype) || re.dtype !== im.dtype) throw new TypeError(`${who}: the parts must be float Arrays of one dtype, got ${desc(re)} and ${desc(im)}; convert with lax.convertElementType (np.complex promotes for you)`);
  if (re.shape.join() !== im.shape.join()) throw new ShapeError(`${who}: the parts must have one shape, got ${desc(re)} and ${desc(im)}; broadcast with lax.broadcastInDim (np.complex broadcasts for you)`);
  return new Complex(re, im);
}

function complexArg(who: string, z: unknown): Complex {
  if (z instanceof Complex) return z;
  throw new TypeError(`lax.${who}: expected a Complex, got ${desc(z)}; lax.${who} takes complex operands only (np.${who} also takes real arrays)`);
}

/**
 * The real part of a Complex (`jax.lax.real`), a real float Array. Unlike `np.real`, a real input
 * is an error, as in JAX.
 *
 * @example
 * ```ts
 * lax.real(np.complex([1, 2], [3, 4])).js(); // [1, 2]
 * ```
 */
export const real = (z: Complex): Array => complexArg('real', z).re;

/**
 * The imaginary part of a Complex (`jax.lax.imag`), a real float Array. A real input is an error.
 *
 * @example
 * ```ts
 * lax.imag(np.complex([1, 2], [3, 4])).js(); // [3, 4]
 * ```
 */
export const imag = (z: Complex): Array => complexArg('imag', z).im;

/**
 * The complex conjugate `re − i·im` (`jax.lax.conj`). As in JAX, a real float Array is accepted
 * and gives a Complex (with zero imaginary part).
 *
 * @example
 * ```ts
 * lax.conj(np.complex([1], [2])).js(); // [[1, -2]]
 * ```
 */
export function conj(z: Complex | Array): Complex {
  if (z instanceof Complex) return z.conj();
  if (z instanceof Array && isFloat(z.dtype)) return new Complex(z, zerosLike(z));
  throw new TypeError(`lax.conj: expected a Complex or a real float Array, got ${desc(z)}; convert with lax.convertElementType(x, 'float32')`);
}

