/**
 * fft: the unnormalised discrete Fourier transform along the last axis of a complex array held as
 * two real arrays (re, im), batched over every leading axis:
 *
 *   X_k = Σ_j x_j · exp(sign · 2πi · jk / n),   sign = -1 (forward) or +1 (inverse).
 *
 * Normalisation, padding, other axes and real-input transforms are built above it (np.fft).
 */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import type { Array } from '../core/array.js';
import { bind, bind1 } from '../core/trace.js';
import { type ShapeResult, FLOATS, checkArity, checkDtype, fail, fmt, ok } from './util.js';
import { instantiate, isZero, zero } from './ad-util.js';
import { batchFirst } from './batching.js';
import { add, lit, mul, sub } from './ops.js';
import { Rem } from './binary.js';
import { Cos, Sin } from './elementwise.js';
import { ConvertElementType, Iota } from './shape.js';
import { DotGeneral } from './linalg.js';

export interface FftParams {
  readonly [k: string]: unknown;
  /** The sign of the exponent: -1 for the forward transform, +1 for the (unnormalised) inverse. */
  readonly sign: -1 | 1;
}

function fftShape(avals: readonly Aval[], { sign }: FftParams): ShapeResult {
  const e = checkArity('fft', avals, 2);
  if (e) return fail(`${e.message} (the real and imaginary parts)`);
  const [re, im] = avals;
  if (sign !== -1 && sign !== 1) return fail(`fft: sign must be -1 (forward) or +1 (inverse), got ${String(sign)}`);
  for (const a of avals) {
    const d = checkDtype('fft', a, FLOATS, "convert with astype('float64') first (np.fft converts integer inputs itself)");
    if (d) return fail(d.message);
  }
  if (re.dtype !== im.dtype || re.shape.length !== im.shape.length || re.shape.some((d, i) => d !== im.shape[i])) {
    return fail(`fft: the real and imaginary parts must have one shape and dtype, got ${fmt(avals)}; broadcast or convert them first`);
  }
  if (re.shape.length === 0) return fail(`fft: operands must have rank >= 1 (the transform runs along the last axis), got ${fmt([re])}; reshape a scalar to [1]`);
  return ok(re, im);
}

/**
 * The DFT as two real matrix products: with C = cos(2π·jk/n) and S = sin(2π·jk/n), W = C + i·sign·S,
 * so Re X = xr·C − sign·xi·S and Im X = xi·C + sign·xr·S. jk is reduced mod n in int32 first,
 * so every angle is computed from an exact integer below n (accurate for every n whose n² fits
 * in int32, n <= 46340, far beyond what O(n²) work and memory allow).
 */
function fftDecompose([re, im]: Array[], { sign }: FftParams): Array[] {
  const r = re.aval.shape.length;
  const n = re.aval.shape[r - 1];
  const dtype = re.aval.dtype;
  const idx = (d: number): Array => bind1(Iota, [], { dtype: 'int32', shape: [n, n], dimension: d });
  const jk = bind1(Rem, [mul(idx(0), idx(1)), lit(n, { dtype: 'int32' })]);
  const angle = mul(bind1(ConvertElementType, [jk], { newDtype: dtype }), (2 * Math.PI) / n);
  const c = bind1(Cos, [angle]);
  const s = bind1(Sin, [angle]);
  const dot = (x: Array, m: Array): Array => bind1(DotGeneral, [x, m], { contracting: [[r - 1], [0]], batch: [[], []] });
  const signed = (x: Array): Array => (sign < 0 ? mul(x, -1) : x);
  return [sub(dot(re, c), signed(dot(im, s))), add(dot(im, c), signed(dot(re, s)))];
}

export const Fft: Primitive<FftParams> = definePrimitive<FftParams>({
  name: 'fft',
  abstractEval: fftShape,
  // Linear: the tangent of the transform is the transform of the tangents.
  jvp: (primals, [dre, dim], p) => {
    const outs = bind(Fft, primals, p);
    if (isZero(dre) && isZero(dim)) return [outs, outs.map((o) => zero(o.aval))];
    return [outs, bind(Fft, [instantiate(dre), instantiate(dim)], p)];
  },
  // As a real-linear map of (re, im) the matrix is [[C, −sS], [sS, C]]; C and S are symmetric, so
  // its transpose [[C, sS], [−sS, C]] is the same transform with the opposite sign.
  transpose: ([ctRe, ctIm], _inputs, p) => {
    if (isZero(ctRe) && isZero(ctIm)) return [null, null];
    return bind(Fft, [instantiate(ctRe), instantiate(ctIm)], { sign: p.sign === -1 ? 1 : -1 });
  },
  // Batch axes go first: the transform runs along the last axis, over all leading ones.
  vmap: (args, dims, p, size) => {
    const xs = args.map((a, i) => batchFirst(a, dims[i], size));
    return [bind(Fft, xs, p), [0, 0]];
  },
  decompose: fftDecompose,
});
