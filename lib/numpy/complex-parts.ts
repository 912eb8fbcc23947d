/**
 * numpy's complex-number helpers on real arrays. There is no complex dtype yet, so every array is
 * real: `real` is the array, `imag` zeros, `conj` the array, `angle` 0 or π by sign; `unwrap`
 * (phase unwrapping of real angle sequences) is fully meaningful.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { full, zerosLike } from './creation.js';
import { abs, add, equal, greater, less, logicalAnd, mod, multiply, subtract, where } from './math.js';
import { signbit } from './composite.js';
import { asArray, normAxis, sliceAxis, toFloat } from './promote.js';
import { cumsum } from './reductions.js';
import { concatenate } from './shape.js';

/** The real part: the array itself (every dtype here is real). */
export const real = (x: ArrayOrScalar): Array => asArray(x);
/** The imaginary part: zeros of the array's shape and dtype. */
export const imag = (x: ArrayOrScalar): Array => zerosLike(asArray(x));
/** The complex conjugate: the array itself. */
export const conj = (x: ArrayOrScalar): Array => asArray(x);
/** Alias of `conj`. */
export const conjugate = conj;
/** Whether each element has no imaginary part: all true. */
export const isreal = (x: ArrayOrScalar): Array => full(asArray(x).shape, true, { dtype: 'bool' });
/** Whether each element has an imaginary part: all false. */
export const iscomplex = (x: ArrayOrScalar): Array => full(asArray(x).shape, false, { dtype: 'bool' });
/** Whether `x` has a real dtype: always true. */
export const isrealobj = (x: unknown): boolean => (void x, true);
/** Whether `x` has a complex dtype: always false. */
export const iscomplexobj = (x: unknown): boolean => (void x, false);

/** The argument of each element: 0 for x >= +0, π for x < 0 or -0 (numpy's arctan2(0, x)); degrees with `deg`. */
export function angle(z: ArrayOrScalar, deg = false): Array {
  const x = toFloat(asArray(z));
  const a = where(signbit(x), Math.PI, 0);
  return deg ? multiply(a, 180 / Math.PI) : a;
}

/**
 * Unwraps a sequence of phases along `axis`: jumps larger than `discont` (default period/2) are
 * replaced by their `period`-complement (numpy's `unwrap`, default period 2π).
 */
export function unwrap(p: ArrayOrScalar, opts: { discont?: number; axis?: number; period?: number } = {}): Array {
  const x = toFloat(asArray(p));
  const ax = normAxis('np.unwrap', opts.axis ?? -1, x.ndim);
  const n = x.shape[ax];
  if (n < 2) return x;
  const period = opts.period ?? 2 * Math.PI;
  const discont = Math.max(opts.discont ?? period / 2, period / 2);
  const half = period / 2;
  const dd = subtract(sliceAxis(x, ax, 1, n), sliceAxis(x, ax, 0, n - 1));
  // numpy: ddmod = mod(dd + half, period) - half, with +half kept for positive jumps of exactly half.
  let ddmod = subtract(mod(add(dd, half), period), half);
  ddmod = where(logicalAnd(equal(ddmod, -half), greater(dd, 0)), half, ddmod);
  const correct = where(less(abs(dd), discont), 0, subtract(ddmod, dd));
  const head = sliceAxis(x, ax, 0, 1);
  return concatenate([head, add(sliceAxis(x, ax, 1, n), cumsum(correct, ax))], ax);
}
