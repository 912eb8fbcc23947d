/**
 * `nn`: jax.nn's activation functions (camelCase), with JAX's conventions (relu'(0) = 0,
 * max-shifted softmax under stopGradient).
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { type DType, getDefaultFloat } from '../core/dtype.js';
import * as np from '../numpy/index.js';
import type { Axis } from '../numpy/reductions.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { logsumexp as lse } from '../scipy-special/index.js';


const asF = (x: ArrayOrScalar): Array => {
  const a = np.asarray(x);
  return a.dtype === 'float32' || a.dtype === 'float64' ? a : a.astype(np.asarray(0.5).dtype);
};

/** max(x, 0); the derivative at 0 is 0 (JAX's convention), since `where` sends it to the 0 branch. */
export const relu = (x: ArrayOrScalar): Array => { const a = asF(x); return np.where(np.greater(a, 0), a, 0); };

/** The logistic function 1 / (1 + e^-x). */
export const sigmoid = (x: ArrayOrScalar): Array => np.logistic(asF(x));

/** log(1 + e^x), stable for large |x| (logaddexp(x, 0)). */
export const softplus = (x: ArrayOrScalar): Array => np.logaddexp(asF(x), 0);

/** x * sigmoid(x) (a.k.a. swish). */
export const silu = (x: ArrayOrScalar): Array => { const a = asF(x); return np.multiply(a, np.logistic(a)); };
/** Alias of `nn.silu`: `x * sigmoid(x)`. */
export const swish = silu;

/**
 * GELU. As in jax.nn.gelu, `approximate` defaults to true (the tanh form
 * 0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))); `approximate: false` is the exact x Φ(x).
 */
export function gelu(x: ArrayOrScalar, approximate: boolean | { approximate?: boolean } = true): Array {
  const approx = typeof approximate === 'boolean' ? approximate : (approximate.approximate ?? true);
  const a = asF(x);
  if (approx) {
    const inner = np.multiply(np.add(a, np.multiply(np.power(a, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return np.multiply(np.multiply(a, 0.5), np.add(np.tanh(inner), 1));
  }
  return np.multiply(np.multiply(a, 0.5), np.erfc(np.multiply(a, -Math.SQRT1_2)));
}

/** exp(x) / sum(exp(x)) along `axis` (default -1), shifted by the max under stopGradient. */
export function softmax(x: ArrayOrScalar, axis: Axis = -1): Array {
  const a = asF(x);
  if (a.size === 0) return a; // nothing to normalise (the max of an empty axis has no value)
  const m = stopGradient(np.max(a, axis, { keepdims: true }));
  const u = np.exp(np.subtract(a, np.where(np.isfinite(m), m, 0)));
  return np.divide(u, np.sum(u, axis, { keepdims: true }));
}

/** x - logsumexp(x) along `axis` (default -1). */
export function logSoftmax(x: ArrayOrScalar, axis: Axis = -1): Array {
  const a = asF(x);
  if (a.size === 0) return a;
  const m = stopGradient(np.max(a, axis, { keepdims: true }));
  const shifted = np.subtract(a, np.where(np.isfinite(m), m, 0));
  return np.subtract(shifted, np.log(np.sum(np.exp(shifted), axis, { keepdims: true })));
}

/** jax.nn.logsumexp (= scipySpecial.logsumexp). */
export const logsumexp = lse;

/**
 * One-hot encoding: `indices[..., None] == arange(numClasses)` as `dtype` (default float);
 * out-of-range indices give all-zero rows, as in JAX.
 */
export function oneHot(indices: ArrayOrScalar, numClasses: number, opts: { dtype?: DType; axis?: number } = {}): Array {
  const idx = np.asarray(indices);
  const axis = opts.axis ?? -1;
  const pos = axis < 0 ? idx.ndim + 1 + axis : axis;
  const classes = np.reshape(np.arange(0, numClasses, 1, { dtype: idx.dtype, device: idx.device }),
    [...globalThis.Array(idx.ndim + 1).keys()].map((i) => (i === pos ? numClasses : 1)));
  const eq = np.equal(np.expandDims(idx, pos), classes);
  return eq.astype(opts.dtype ?? getDefaultFloat(idx.device));
}

export * from './activations.js';
export * as initializers from './initializers.js';
export { dotProductAttention, identity, tanh, type AttentionOpts } from './attention.js';
export { scaledMatmul, scaledDotGeneral, getScaledDotGeneralConfig, type BlockScaleConfig, type ScaledMatmulOpts, type ScaledDotGeneralOpts } from './scaled.js';
