/** Internal helpers shared by the relaxations (kept here so `relax` has no dependency on `nn`). */
import * as np from '../numpy/index.js';
import type { Axis } from '../numpy/reductions.js';
import type { Array, ArrayOrScalar } from '../core/array.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { isFloat, getDefaultFloat } from '../core/dtype.js';

export type { Axis } from '../numpy/reductions.js';

/** `x` as a floating-point Array (ints and bools become the default float). */
export function asFloat(x: ArrayOrScalar): Array {
  const a = np.asarray(x);
  return isFloat(a.dtype) ? a : a.astype(getDefaultFloat());
}

/**
 * Stable log-sum-exp along `axis` (null = all axes), as JAX's: the maximum is subtracted under
 * `stopGradient` (the result does not depend on it) and a non-finite maximum is replaced by 0.
 */
export function lse(x: Array, axis: Axis, keepdims = false): Array {
  const ax = axis === null ? null : (axis as number | number[]);
  const m0 = stopGradient(np.max(x, ax, { keepdims: true }));
  const m = np.where(np.isfinite(m0), m0, 0);
  const s = np.log(np.sum(np.exp(x.sub(m)), ax, { keepdims: true })).add(m);
  return keepdims ? s : (ax === null ? s.reshape([]) : np.squeeze(s, normAxes(ax, x.ndim)));
}

/** Stable softmax along one axis. */
export function softmax(x: Array, axis = -1): Array {
  return np.exp(x.sub(lse(x, axis, true)));
}

/** Non-negative, sorted axes. */
export function normAxes(axis: number | readonly number[], ndim: number): number[] {
  const axes = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) throw new RangeError(`relax: axis ${a} is out of range for an array of rank ${ndim}`);
    return a < 0 ? a + ndim : a;
  });
  return axes.sort((p, q) => p - q);
}
