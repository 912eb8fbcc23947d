/** `lax.approxMaxK` / `lax.approxMinK`, computed exactly (recall 1) by a sort. */
import { Array } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { iota } from '../numpy/creation.js';
import { sliceAxis } from '../numpy/promote.js';
import { sortTogether } from '../numpy/sorting.js';
import { arrayArg } from './args.js';


/** JAX's approx_max_k/approx_min_k parameters (the approximation ones are accepted and checked). */
export interface ApproxTopKOptions {
  /** The axis searched (default -1, the last). */
  reductionDimension?: number;
  /** JAX's target recall in (0, 1] (default 0.95); the search here is exact, so recall is 1. */
  recallTarget?: number;
  /** JAX's override of the searched length for its recall estimate (default -1); unused by an exact search. */
  reductionInputSizeOverride?: number;
  /** JAX's flag to sort and cut its partial results to k (default true); the result here is always the exact, sorted top k. */
  aggregateToTopk?: boolean;
}

function exactTopK(who: string, operand: unknown, k: number, opts: ApproxTopKOptions, largest: boolean): [Array, Array] {
  const x = arrayArg(who, operand);
  if (x.ndim === 0) throw new ShapeError(`lax.${who}: operand must have rank >= 1, got ${avalStr(x.aval)}`);
  const d = opts.reductionDimension ?? -1;
  if (!Number.isInteger(d) || d < -x.ndim || d >= x.ndim) throw new ShapeError(`lax.${who}: reductionDimension ${d} is out of range for ${avalStr(x.aval)}`);
  const ax = d < 0 ? d + x.ndim : d;
  const n = x.shape[ax];
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ShapeError(`lax.${who}: k must be an integer in [0, ${n}] (axis ${ax} of ${avalStr(x.aval)}), got ${k}`);
  const r = opts.recallTarget ?? 0.95;
  if (typeof r !== 'number' || !(r > 0 && r <= 1)) throw new RangeError(`lax.${who}: recallTarget must be in (0, 1], got ${String(r)}`);
  const idx = iota('int32', x.shape, ax, { device: x.device });
  const [v, i] = sortTogether([x, idx], ax, 1, largest);
  return [sliceAxis(v, ax, 0, k), sliceAxis(i, ax, 0, k)];
}

/**
 * The `k` largest entries of `operand` along `reductionDimension` (default last), largest first,
 * and their int32 indices: `[values, indices]` (`jax.lax.approx_max_k`). JAX's TPU kernel is
 * approximate; this one is exact, so the recall is 1 for any `recallTarget` (an exact top-k is a
 * valid answer of the approximate one). Ties come lowest index first; NaN counts as the largest.
 * The values are differentiable.
 *
 * @example
 * ```ts
 * const [v, i] = lax.approxMaxK(np.array([[1, 5, 3], [4, 0, 2]]), 2); // v: [[5, 3], [4, 2]], i: [[1, 2], [0, 2]]
 * ```
 */
export function approxMaxK(operand: Array, k: number, opts: ApproxTopKOptions = {}): [Array, Array] {
  return exactTopK('approxMaxK', operand, k, opts, true);
}

/**
 * The `k` smallest entries of `operand` along `reductionDimension` (default last), smallest first,
 * and their int32 indices: `[values, indices]` (`jax.lax.approx_min_k`). Exact, so the recall is
 * 1 (see `approxMaxK`). NaN counts as the largest (it comes last).
 *
 * @example
 * ```ts
 * const [v, i] = lax.approxMinK(np.array([3, 1, 2]), 2); // v: [1, 2], i: [1, 2]
 * ```
 */
export function approxMinK(operand: Array, k: number, opts: ApproxTopKOptions = {}): [Array, Array] {
  return exactTopK('approxMinK', operand, k, opts, false);
}

