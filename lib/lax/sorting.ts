/** `lax.sort`, `lax.sortKeyVal` and `lax.topK`: the `sort` primitive by name. */
import { topKOf } from '../numpy/sorting-more.js';
import { Array } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { sortTogether } from '../numpy/sorting.js';

function operandsOf(who: string, xs: readonly unknown[]): Array[] {
  const arrays = xs.map((x) => {
    if (x instanceof Array) return x;
    throw new TypeError(`lax.${who}: operands must be Arrays, got ${x === null ? 'null' : typeof x}; wrap JS data with np.array(...)`);
  });
  if (arrays.length === 0) throw new ShapeError(`lax.${who}: needs at least one operand`);
  const s = arrays[0].shape.join(',');
  if (arrays.some((a) => a.shape.join(',') !== s)) throw new ShapeError(`lax.${who}: operands must have the same shape, got ${arrays.map((a) => avalStr(a.aval)).join(', ')}; broadcast them first with lax.broadcastInDim`);
  if (arrays[0].ndim === 0) throw new ShapeError(`lax.${who}: operands must have rank >= 1, got ${avalStr(arrays[0].aval)}`);
  return arrays;
}

function dimensionOf(who: string, dimension: number, ndim: number): number {
  if (!Number.isInteger(dimension) || dimension < -ndim || dimension >= ndim) throw new ShapeError(`lax.${who}: dimension ${dimension} is out of range for rank ${ndim}`);
  return dimension < 0 ? dimension + ndim : dimension;
}

/**
 * Sorts along `dimension` (default last). Several operands are permuted together, ordered
 * lexicographically by the first `numKeys`. NaN sorts last, -0 before +0 (JAX's total order).
 */
export function sort(operand: Array, dimension?: number, isStable?: boolean, numKeys?: number): Array;
export function sort(operand: readonly Array[], dimension?: number, isStable?: boolean, numKeys?: number): Array[];
export function sort(operand: Array | readonly Array[], dimension = -1, isStable = true, numKeys = 1): Array | Array[] {
  const ops = operandsOf('sort', operand instanceof Array ? [operand] : operand);
  if (!Number.isInteger(numKeys) || numKeys < 1 || numKeys > ops.length) throw new ShapeError(`lax.sort: numKeys must be between 1 and ${ops.length} (the number of operands), got ${numKeys}`);
  const out = sortTogether(ops, dimensionOf('sort', dimension, ops[0].ndim), numKeys, false, isStable);
  return operand instanceof Array ? out[0] : out;
}

/** `keys` sorted along `dimension`, with `values` permuted the same way: `[keys, values]`. */
export function sortKeyVal(keys: Array, values: Array, dimension = -1, isStable = true): [Array, Array] {
  const [k, v] = sort([keys, values], dimension, isStable, 1);
  return [k, v];
}

/**
 * The `k` largest entries along the last axis, largest first, and their int32 indices: `[values,
 * indices]`. Equal values come lowest index first; NaN counts as the largest.
 */
export function topK(operand: Array, k: number): [Array, Array] {
  const [x] = operandsOf('topK', [operand]);
  return topKOf('lax.topK', x, k);
}
