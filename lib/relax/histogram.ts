/** Kernel-density (soft) histograms. */
import * as np from '../numpy/index.js';
import type { Array, ArrayOrScalar } from '../core/array.js';
import { asFloat } from './util.js';

/** Options of `relax.softHistogram`. */
export interface SoftHistogramOptions {
  /** Gaussian kernel bandwidth h > 0 (a number or a differentiable scalar Array). */
  bandwidth: number | Array;
  /** Per-event weights, shape [n] (differentiable). Default 1. */
  weights?: ArrayOrScalar;
}

/**
 * Soft (kernel-density) histogram: each event is smeared by a Gaussian of width h, and bin k
 * gets the probability mass falling between its edges,
 * `Σ_i w_i [Φ((e_{k+1} − x_i)/h) − Φ((e_k − x_i)/h)]`, with Φ the standard normal CDF
 * (`0.5·erfc(−z/√2)`, accurate in the tails). `x` has shape [n], `edges` shape [nBins + 1]
 * (increasing); the result has shape [nBins]. Differentiable in `x`, `edges`, `bandwidth` and
 * `weights`; as h → 0 it tends to the hard histogram (events farther than a few h from every
 * edge are counted exactly). Mass smeared beyond the outer edges is lost, as with a hard
 * histogram's overflow. Use `vmap` for batches.
 */
export function softHistogram(x: ArrayOrScalar, edges: ArrayOrScalar, opts: SoftHistogramOptions): Array {
  const xs = asFloat(x);
  const e = asFloat(edges);
  if (xs.ndim !== 1) throw new TypeError(`relax.softHistogram: x must have shape [n], got [${xs.shape}]`);
  if (e.ndim !== 1 || e.shape[0] < 2) throw new TypeError(`relax.softHistogram: edges must have shape [nBins + 1] with at least 2 edges, got [${e.shape}]`);
  const h = opts?.bandwidth;
  if (h === undefined) throw new TypeError('relax.softHistogram: pass { bandwidth } (the Gaussian kernel width, > 0)');
  if (typeof h === 'number' && !(h > 0)) throw new RangeError(`relax.softHistogram: bandwidth must be > 0, got ${h}`);
  const z = np.divide(np.expandDims(e, 0).sub(np.expandDims(xs, 1)), h); // [n, nBins + 1]
  const cdf = np.erfc(z.mul(-Math.SQRT1_2)).mul(0.5);
  const nb = e.shape[0] - 1;
  const mass = cdf.slice([], [1, nb + 1]).sub(cdf.slice([], [0, nb])); // [n, nBins]
  if (opts.weights === undefined) return np.sum(mass, 0);
  const w = asFloat(opts.weights);
  if (w.shape.join() !== xs.shape.join()) throw new TypeError(`relax.softHistogram: weights must have the shape of x [${xs.shape}], got [${w.shape}]`);
  return np.sum(mass.mul(np.expandDims(w, 1)), 0);
}
