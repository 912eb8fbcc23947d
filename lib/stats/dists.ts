/** Differentiable log-densities and CDFs used by the binned likelihoods. */
import type { Array, ArrayOrScalar } from '../core/array.js';
import * as np from '../numpy/index.js';
import { xlogy, gammaln, ndtr } from '../scipy-special/index.js';

/** ½ log 2π, the normal density's constant. */
export const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Poisson(k | mu) = xlogy(k, mu) - mu - gammaln(k + 1), continuous in k; 0 at k = mu = 0. */
export function poissonLogPmf(k: ArrayOrScalar, mu: ArrayOrScalar): Array {
  return np.subtract(np.subtract(xlogy(k, mu), mu), gammaln(np.add(k, 1)));
}

/** log N(x | loc, scale). */
export function normalLogPdf(x: ArrayOrScalar, loc: ArrayOrScalar = 0, scale: ArrayOrScalar = 1): Array {
  const z = np.divide(np.subtract(x, loc), scale);
  return np.subtract(np.subtract(np.multiply(np.multiply(z, z), -0.5), np.log(scale)), HALF_LN_2PI);
}

/** P(X <= x) for X ~ N(loc, scale), accurate in both tails. */
export function normalCdf(x: ArrayOrScalar, loc: ArrayOrScalar = 0, scale: ArrayOrScalar = 1): Array {
  return ndtr(np.divide(np.subtract(x, loc), scale));
}
