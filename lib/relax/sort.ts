/** Differentiable sorting and ranking by entropic optimal transport (Sinkhorn; Cuturi et al. 2019). */
import * as np from '../numpy/index.js';
import type { Array, ArrayOrScalar } from '../core/array.js';
import { scan } from '../lax/loops.js';
import { asFloat, lse, softmax } from './util.js';

/** Options of `relax.softSort` and `relax.softRank`. */
export interface SoftSortOptions {
  /**
   * Entropic regularisation ε > 0 (dimensionless: the cost is measured on standardised inputs,
   * see {@link softSort}). Smaller is closer to the hard sort and needs more iterations. Default 0.1.
   */
  epsilon?: number;
  /** Number of (log-domain) Sinkhorn iterations, a fixed count so reverse mode works. Default 50. */
  iterations?: number;
  /** Sort in descending order (rank 1 = largest). Default false. */
  descending?: boolean;
}

function checkOpts(who: string, x: Array, opts: SoftSortOptions) {
  const eps = opts.epsilon ?? 0.1;
  const iters = opts.iterations ?? 50;
  if (!(eps > 0)) throw new RangeError(`${who}: epsilon must be > 0, got ${eps}`);
  if (!Number.isInteger(iters) || iters < 1) throw new RangeError(`${who}: iterations must be a positive integer, got ${iters}`);
  if (x.ndim === 0) throw new TypeError(`${who}: x must have at least one axis (the last axis is sorted), got a scalar`);
  return { eps, iters };
}

/**
 * Log-domain Sinkhorn between the n points `x` (last axis) and n increasing anchors, uniform
 * marginals, cost (z_i - y_j)² with z = standardised x and y = standardised 0..n-1. Returns the
 * final potential g (over anchors) and the cost matrix; log P_ij = (f_i + g_j - C_ij)/ε.
 */
function sinkhorn(x: Array, eps: number, iters: number): { f: Array; g: Array; cost: Array; n: number } {
  const n = x.shape[x.ndim - 1];
  const mean = np.mean(x, -1, { keepdims: true });
  const v = np.var(x, -1, { keepdims: true });
  const safeV = np.where(np.greater(v, 0), v, 1); // double-where: no NaN gradient for constant rows
  const z = x.sub(mean).div(np.sqrt(safeV));
  const ySd = n > 1 ? Math.sqrt((n * n - 1) / 12) : 1;
  const y = np.arange(n, undefined, 1, { dtype: x.dtype, device: x.device }).sub((n - 1) / 2).div(ySd);
  const cost = np.square(np.expandDims(z, -1).sub(y)); // [..., i, j]
  const logW = -Math.log(n);
  const zeros = np.zerosLike(z);
  const step = (g: Array): [Array, Array] => {
    // f_i = ε log a_i − ε LSE_j((g_j − C_ij)/ε);  g_j = ε log b_j − ε LSE_i((f_i − C_ij)/ε)
    const f = lse(np.expandDims(g, -2).sub(cost).div(eps), -1).mul(-eps).add(eps * logW);
    const g2 = lse(np.expandDims(f, -1).sub(cost).div(eps), -2).mul(-eps).add(eps * logW);
    return [f, g2];
  };
  const [g] = scan((g: Array) => [step(g)[1], null], zeros, null, { length: iters });
  const [f] = step(g);
  return { f, g, cost, n };
}

/**
 * Soft sort along the last axis: a differentiable relaxation of sorting by entropic optimal
 * transport (the "Sinkhorn sort" of Cuturi, Teboul & Vert, 2019).
 *
 * The inputs are standardised (z = (x − mean)/std, so ε is dimensionless and the result is
 * equivariant under shifts and positive scalings of x) and transported, with uniform marginals
 * and cost (z_i − y_j)², onto n evenly spaced, standardised anchors y_0 < … < y_{n−1}. The
 * transport plan P is computed with `iterations` log-domain Sinkhorn steps (a `lax.scan`, so
 * `grad`, `vmap`, `jit` and nested `grad` all work), and the j-th sorted value is the barycentre
 * `Σ_i P_ij x_i / Σ_i P_ij`. As ε → 0 (with enough iterations) P tends to the sorting permutation
 * and the result to the hard sort. Leading axes are batch axes.
 *
 * @example relax.softSort(np.array([3, 1, 2]), { epsilon: 1e-3, iterations: 200 })  // ≈ [1, 2, 3]
 */
export function softSort(x: ArrayOrScalar, opts: SoftSortOptions = {}): Array {
  const a = asFloat(x);
  const { eps, iters } = checkOpts('relax.softSort', a, opts);
  if (opts.descending) return np.negative(softSort(np.negative(a), { ...opts, descending: false }));
  const { f, g, cost } = sinkhorn(a, eps, iters);
  // Column-normalised plan: weights over i for anchor j (they sum to 1 exactly).
  const logP = np.expandDims(f, -1).add(np.expandDims(g, -2)).sub(cost).div(eps);
  const w = softmax(logP, -2);
  return np.sum(w.mul(np.expandDims(a, -1)), -2);
}

/**
 * Soft ranks along the last axis, 1-based like `scipy.stats.rankdata` (the smallest value has
 * rank ≈ 1, the largest ≈ n; with `descending` the largest has rank ≈ 1). Rank i is the
 * expected anchor position `Σ_j P_ij (j + 1) / Σ_j P_ij` under the Sinkhorn plan of
 * {@link softSort}; as ε → 0 it approaches the hard rank. Same options and transforms as softSort.
 */
export function softRank(x: ArrayOrScalar, opts: SoftSortOptions = {}): Array {
  const a = asFloat(x);
  const { eps, iters } = checkOpts('relax.softRank', a, opts);
  if (opts.descending) return softRank(np.negative(a), { ...opts, descending: false });
  const { g, cost, n } = sinkhorn(a, eps, iters);
  // Row-normalised plan: weights over anchors j for point i.
  const w = softmax(np.expandDims(g, -2).sub(cost).div(eps), -1);
  const pos = np.arange(1, n + 1, 1, { dtype: a.dtype, device: a.device });
  return np.sum(w.mul(pos), -1);
}
