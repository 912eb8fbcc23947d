/**
 * numpy's complex-number helpers. Complex values are `Complex` pairs of real arrays (complex.ts);
 * on a real array `real` is the array, `imag` zeros, `conj` the array and `angle` 0 or π by sign.
 * `unwrap` (phase unwrapping of real angle sequences) is fully meaningful.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { Complex } from './complex.js';
import { full, zerosLike } from './creation.js';
import { abs, add, equal, greater, less, logicalAnd, mod, multiply, notEqual, subtract, where } from './math.js';
import { signbit } from './composite.js';
import { asArray, normAxis, sliceAxis, toFloat } from './promote.js';
import { cumsum } from './reductions.js';
import { concatenate } from './shape.js';

/** The real part: a Complex's `re`, a real array itself. */
export const real = (x: ArrayOrScalar | Complex): Array => (x instanceof Complex ? x.re : asArray(x));
/** The imaginary part: a Complex's `im`, zeros for a real array. */
export const imag = (x: ArrayOrScalar | Complex): Array => (x instanceof Complex ? x.im : zerosLike(asArray(x)));
/** The complex conjugate (a real array is its own). */
export function conj(x: Complex): Complex;
export function conj(x: ArrayOrScalar): Array;
export function conj(x: ArrayOrScalar | Complex): Array | Complex { return x instanceof Complex ? x.conj() : asArray(x); }
/** Alias of `conj`. */
export const conjugate = conj;
/** Whether each element has no imaginary part. */
export const isreal = (x: ArrayOrScalar | Complex): Array => (x instanceof Complex ? equal(x.im, 0) : full(asArray(x).shape, true, { dtype: 'bool' }));
/** Whether each element has an imaginary part. */
export const iscomplex = (x: ArrayOrScalar | Complex): Array => (x instanceof Complex ? notEqual(x.im, 0) : full(asArray(x).shape, false, { dtype: 'bool' }));
/** Whether `x` is real (not a Complex). */
export const isrealobj = (x: unknown): boolean => !(x instanceof Complex);
/** Whether `x` is a Complex. */
export const iscomplexobj = (x: unknown): boolean => x instanceof Complex;

/** The argument of each element (numpy's arctan2(im, re)); degrees with `deg`. */
export function angle(z: ArrayOrScalar | Complex, deg = false): Array {
  if (z instanceof Complex) return z.angle(deg);
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
