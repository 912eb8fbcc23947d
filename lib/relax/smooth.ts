/** Smooth maxima/minima, soft cuts and the straight-through estimator. */
import * as np from '../numpy/index.js';
import { broadcastShapes } from '../numpy/promote.js';
import type { Array, ArrayOrScalar } from '../core/array.js';
import { customJvp } from '../control/custom.js';
import { type Axis, asFloat, lse } from './util.js';

/** Options of `relax.smoothMax` and `relax.smoothMin`. */
export interface SmoothMaxOptions {
  /** τ > 0; as τ → 0 the result approaches the hard max (from above, by at most τ·log n). Default 1. */
  temperature?: number | Array;
  /** Axis or axes to reduce; `null` reduces all axes. Default -1. */
  axis?: Axis;
  /** Keep the reduced axes with size 1. Default false. */
  keepdims?: boolean;
}

/**
 * Smooth maximum `τ·log Σ exp(x/τ)` (LogSumExp at temperature τ) along `axis`.
 *
 * Computed stably as JAX's `logsumexp`: the maximum of `x/τ` is subtracted under `stopGradient`,
 * so inputs of size 1e3 (or 1e300 with a small τ) give no overflow. The gradient with respect
 * to `x` is the softmax weights `softmax(x/τ)`, a smooth version of the one-hot gradient of
 * `max`; `smoothMax ≥ max` with equality as τ → 0. Differentiable to any order, also in τ.
 *
 * @example relax.smoothMax(np.array([1, 2, 3]), { temperature: 0.1 })  // ≈ 3.0000045
 */
export function smoothMax(x: ArrayOrScalar, opts: SmoothMaxOptions = {}): Array {
  const a = asFloat(x);
  const tau = opts.temperature ?? 1;
  if (typeof tau === 'number' && !(tau > 0)) throw new RangeError(`relax.smoothMax: temperature must be > 0, got ${tau}`);
  const axis = opts.axis === undefined ? -1 : opts.axis;
  if (a.ndim === 0) return a;
  return np.multiply(lse(np.divide(a, tau), axis, opts.keepdims ?? false), tau);
}

/** Smooth minimum `-τ·log Σ exp(-x/τ)` = `-smoothMax(-x)`; see {@link smoothMax}. */
export function smoothMin(x: ArrayOrScalar, opts: SmoothMaxOptions = {}): Array {
  return np.negative(smoothMax(np.negative(asFloat(x)), opts));
}

/**
 * Soft cut (a relaxed `x > threshold` selection): `sigmoid((x - threshold)/τ)`, a weight in
 * (0, 1) whose gradient with respect to the threshold is non-zero (a hard cut's is 0 almost
 * everywhere). As τ → 0 it approaches the step function (0.5 exactly at the threshold).
 */
export function softCut(x: ArrayOrScalar, threshold: ArrayOrScalar, opts: { temperature?: number | Array } = {}): Array {
  const tau = opts.temperature ?? 1;
  if (typeof tau === 'number' && !(tau > 0)) throw new RangeError(`relax.softCut: temperature must be > 0, got ${tau}`);
  return np.logistic(np.divide(np.subtract(asFloat(x), threshold), tau));
}

const passThrough = customJvp((hard: Array, _surrogate: Array) => hard, {
  jvp: ([hard]: Array[], [, tSurrogate]: Array[]) => [hard, tSurrogate],
});

/**
 * Straight-through estimator: returns exactly (bit for bit) the value of `hard`, with the
 * derivative of `surrogate` (and none flowing into `hard`). Implemented as a custom-JVP identity
 * `(hard, surrogate) ↦ hard` whose tangent is the surrogate's tangent, so it works in forward and
 * reverse mode, under `vmap`, `jit` and nested `grad` (higher derivatives are the surrogate's).
 *
 * `hard` and `surrogate` are broadcast to a common shape; `hard` is cast to the surrogate's
 * (float) dtype, which is exact for bools, ints and one-hots.
 *
 * @example straightThrough(np.round(x), x)     // rounding with an identity gradient
 * @example straightThrough(oneHot, softSample) // hard Gumbel-softmax
 */
export function straightThrough(hard: ArrayOrScalar, surrogate: ArrayOrScalar): Array {
  const s = asFloat(surrogate);
  let h = np.asarray(hard);
  const shape = broadcastShapes('relax.straightThrough', h.shape, s.shape);
  if (h.dtype !== s.dtype) h = h.astype(s.dtype);
  return passThrough(np.broadcastTo(h, shape), np.broadcastTo(s, shape));
}
