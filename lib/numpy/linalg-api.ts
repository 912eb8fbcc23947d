/**
 * The rest of numpy 2's `np.linalg` namespace (the array API's linalg extension): functions that
 * also live at the top of `np`, here with the array API's conventions — `diagonal` and `trace`
 * act on the last two axes (stacks of matrices), `outer` takes vectors, `matrixNorm` and
 * `vectorNorm` split `norm`'s two jobs.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { cross as npCross, matrixTranspose } from './arrange.js';
import { diagonal as npDiagonal, matmul, norm, outer as npOuter, tensordot, trace as npTrace } from './linalg.js';
import { asArray, normAxes } from './promote.js';
import { vecdot } from './shape-more.js';

/** The diagonals of the last two axes (numpy 2's `linalg.diagonal`; `offset` > 0 above the main). */
export const diagonal = (x: ArrayOrScalar, offset = 0): Array => npDiagonal(x, offset, -2, -1);

/** The traces of the last two axes (numpy 2's `linalg.trace`). */
export const trace = (x: ArrayOrScalar, offset = 0): Array => npTrace(x, offset, -2, -1);

/** The outer product of two vectors (numpy 2's `linalg.outer`, which takes 1-D inputs only). */
export function outer(x1: ArrayOrScalar, x2: ArrayOrScalar): Array {
  const a = asArray(x1), b = asArray(x2);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`np.linalg.outer: inputs must be vectors, got shapes [${a.shape}] and [${b.shape}]; np.outer flattens, np.multiply.outer-style products are np.einsum('i...,j...')`);
  return npOuter(a, b);
}

/** The cross product of 3-vectors along `axis` (numpy 2's `linalg.cross`: 2-vectors are refused). */
export function cross(x1: ArrayOrScalar, x2: ArrayOrScalar, axis = -1): Array {
  const a = asArray(x1), b = asArray(x2);
  const n = (s: readonly number[]) => s[normAxes('np.linalg.cross', axis, s.length)[0]];
  if (n(a.shape) !== 3 || n(b.shape) !== 3) throw new ShapeError(`np.linalg.cross: axis ${axis} must have length 3 in both inputs, got shapes [${a.shape}] and [${b.shape}]; np.cross also takes 2-vectors`);
  return npCross(a, b, axis);
}

/**
 * A matrix norm over the last two axes (numpy 2's `linalg.matrix_norm`): 'fro' (default), 'nuc',
 * 1, -1, 2, -2, Infinity, -Infinity.
 */
export const matrixNorm = (x: ArrayOrScalar, opts: { ord?: number | 'fro' | 'nuc'; keepdims?: boolean } = {}): Array =>
  norm(x, opts.ord ?? 'fro', [-2, -1], { keepdims: opts.keepdims });

/**
 * A vector norm (numpy 2's `linalg.vector_norm`): over all elements when `axis` is null (the
 * default), else over one axis or several (flattened together); `ord` a p, Infinity, -Infinity or 0.
 */
export function vectorNorm(x: ArrayOrScalar, opts: { axis?: number | readonly number[] | null; ord?: number; keepdims?: boolean } = {}): Array {
  const a = asArray(x);
  const axes = normAxes('np.linalg.vectorNorm', opts.axis ?? null, a.ndim);
  const ord = opts.ord ?? 2;
  if (axes.length === 1) return norm(a, ord, axes[0], { keepdims: opts.keepdims });
  // Several axes are one vector: move them last and flatten, then restore kept dims.
  const rest = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const flat = a.transpose([...rest, ...axes]).reshape([...rest.map((i) => a.shape[i]), -1]);
  const r = norm(flat, ord, -1);
  return opts.keepdims ? r.reshape(a.shape.map((d, i) => (axes.includes(i) ? 1 : d))) : r;
}

export { matmul, matrixTranspose, tensordot, vecdot };
