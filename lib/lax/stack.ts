/** `lax.stack`, `lax.unstack` and `lax.broadcastLike`. */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { Complex } from '../numpy/complex.js';
import { broadcastInDim, concatenate, expandDims, indexInDim } from './ops.js';
import { arrayArg } from './args.js';


/**
 * Joins arrays of one shape and dtype along a new axis `axis` (`jax.lax.stack`).
 *
 * @example
 * ```ts
 * lax.stack([np.array([1, 2]), np.array([3, 4])], 1).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(operands: readonly ArrayOrScalar[], axis = 0): Array {
  if (!globalThis.Array.isArray(operands) || operands.length === 0) throw new TypeError('lax.stack: operands must be a non-empty JS array of Arrays, e.g. lax.stack([x, y], 0)');
  const xs = operands.map((o) => arrayArg('stack', o));
  const s = xs[0].shape.join();
  if (xs.some((a) => a.shape.join() !== s)) throw new ShapeError(`lax.stack: operands must have the same shape, got ${xs.map((a) => avalStr(a.aval)).join(', ')}; broadcast them first (np.stack does not either)`);
  const nd = xs[0].ndim + 1;
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) throw new ShapeError(`lax.stack: axis ${axis} is out of range for a result of rank ${nd}`);
  const ax = axis < 0 ? axis + nd : axis;
  try {
    return concatenate(xs.map((a) => expandDims(a, [ax])), ax);
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(e.message.replace(/^lax\.concatenate:/, 'lax.stack:'));
    throw e;
  }
}

/**
 * The slices of `x` along `axis`, that axis removed (`jax.lax.unstack`): the inverse of `stack`.
 *
 * @example
 * ```ts
 * lax.unstack(np.array([[1, 2], [3, 4]]), 1).map((a) => a.js()); // [[1, 3], [2, 4]]
 * ```
 */
export function unstack(x: ArrayOrScalar, axis = 0): Array[] {
  const a = arrayArg('unstack', x);
  if (a.ndim === 0) throw new ShapeError(`lax.unstack: needs an operand of rank >= 1, got ${avalStr(a.aval)}`);
  if (!Number.isInteger(axis) || axis < -a.ndim || axis >= a.ndim) throw new ShapeError(`lax.unstack: axis ${axis} is out of range for ${avalStr(a.aval)}`);
  const ax = axis < 0 ? axis + a.ndim : axis;
  return globalThis.Array.from({ length: a.shape[ax] }, (_, i) => indexInDim(a, i, ax, false));
}

/**
 * `arr` broadcast to the shape of `likeArr` (`jax.lax.broadcast_like`), its axes aligned with the
 * trailing axes of `likeArr` (an axis of size 1 stretches), as `lax.broadcastInDim`.
 *
 * @example
 * ```ts
 * lax.broadcastLike(np.array([1, 2, 3]), np.zeros([2, 3])).js(); // [[1, 2, 3], [1, 2, 3]]
 * ```
 */
export function broadcastLike(arr: ArrayOrScalar, likeArr: Array | Complex): Array {
  const a = arrayArg('broadcastLike', arr);
  const shape = likeArr.shape;
  const lead = shape.length - a.ndim;
  if (lead < 0 || a.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeError(`lax.broadcastLike: cannot broadcast ${avalStr(a.aval)} to the shape [${shape}] of likeArr; its axes must match likeArr's trailing axes (or be 1)`);
  }
  return a.shape.join() === shape.join() ? a : broadcastInDim(a, shape, a.shape.map((_, i) => lead + i));
}

