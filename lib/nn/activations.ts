/**
 * The rest of jax.nn's activations (camelCase), composed from existing ops so grad, jit and vmap
 * apply unchanged. Each follows JAX's definition, so derivatives at kinks are JAX's: a `where`
 * sends the kink to the branch JAX's `where` sends it to, `maximum`/`minimum` (and so `clip`)
 * split ties 0.5/0.5, and relu6 and log1mexp carry JAX's custom jvp rules.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { customJvp } from '../control/custom.js';
import * as np from '../numpy/index.js';
import { normAxis, toFloat } from '../numpy/promote.js';
import type { Axis } from '../numpy/reductions.js';
import { logsumexp } from '../scipy-special/index.js';
import { softplus } from './index.js';

/** Integers and booleans become the default float (JAX promotes them to inexact). */
const asF = (x: ArrayOrScalar): Array => toFloat(np.asarray(x));

/** x for x > 0, alpha (e^x - 1) otherwise; elu'(0) = alpha (the kink goes to the exp branch). */
export function elu(x: ArrayOrScalar, alpha: ArrayOrScalar = 1): Array {
  const a = asF(x);
  const pos = np.greater(a, 0);
  // Double where: expm1 never sees a large positive x, so its unused gradient cannot overflow.
  return np.where(pos, a, np.multiply(alpha, np.expm1(np.where(pos, 0, a))));
}

/** max(x, 0) + alpha (e^(min(x, 0)/alpha) - 1); continuously differentiable, celu'(0) = 1. */
export function celu(x: ArrayOrScalar, alpha: ArrayOrScalar = 1): Array {
  const a = asF(x);
  return np.add(np.maximum(a, 0), np.multiply(alpha, np.expm1(np.divide(np.minimum(a, 0), alpha))));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale · elu(x, alpha) with the self-normalising constants; selu'(0) = scale · alpha. */
export const selu = (x: ArrayOrScalar): Array => np.multiply(elu(x, SELU_ALPHA), SELU_SCALE);

/** x for x >= 0, negativeSlope · x otherwise; the derivative at 0 is 1 (x >= 0 takes the kink). */
export function leakyRelu(x: ArrayOrScalar, negativeSlope: ArrayOrScalar = 0.01): Array {
  const a = asF(x);
  return np.where(np.greaterEqual(a, 0), a, np.multiply(negativeSlope, a));
}

/** log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
export const logSigmoid = (x: ArrayOrScalar): Array => np.negative(softplus(np.negative(asF(x))));

/** x / (|x| + 1). */
export function softSign(x: ArrayOrScalar): Array {
  const a = asF(x);
  return np.divide(a, np.add(np.abs(a), 1));
}

/** Clamps to [-1, 1]; the derivative at ±1 is 1 (the kinks belong to the identity branch). */
export function hardTanh(x: ArrayOrScalar): Array {
  const a = asF(x);
  return np.where(np.greater(a, 1), 1, np.where(np.less(a, -1), -1, a));
}

// JAX's custom jvp: the tangent passes only strictly inside (0, 6), so relu6'(0) = relu6'(6) = 0.
const relu6Plain = (x: Array): Array => np.minimum(np.maximum(x, 0), 6);
const relu6CJ: (x: Array) => Array = customJvp(relu6Plain, {
  jvp: ([x]: Array[], [tx]: Array[]) => [
    relu6Plain(x),
    np.where(np.logicalAnd(np.greater(x, 0), np.less(x, 6)), tx, np.zerosLike(tx)),
  ],
}) as never;

/** min(max(x, 0), 6); the derivative is 0 at both kinks 0 and 6 (JAX's custom jvp). */
export const relu6 = (x: ArrayOrScalar): Array => relu6CJ(asF(x));

/** relu6(x + 3) / 6; the derivative is 0 at -3 and 3. */
export const hardSigmoid = (x: ArrayOrScalar): Array => np.divide(relu6(np.add(asF(x), 3)), 6);

/** x · hardSigmoid(x); the derivative is 0 at -3 and 1 at 3. */
export function hardSilu(x: ArrayOrScalar): Array {
  const a = asF(x);
  return np.multiply(a, hardSigmoid(a));
}
/** Alias of hardSilu, as jax.nn.hard_swish. */
export const hardSwish = hardSilu;

/**
 * Gated linear unit: the first half of `axis` times the sigmoid of the second half; the axis
 * (default -1) must have even length.
 */
export function glu(x: ArrayOrScalar, axis = -1): Array {
  const a = asF(x);
  if (a.ndim === 0) throw new ShapeError('nn.glu: x must be at least one dimensional, got a 0-d array');
  const ax = normAxis('nn.glu', axis, a.ndim);
  if (a.shape[ax] % 2 !== 0) {
    throw new ShapeError(`nn.glu: axis ${axis} of x (shape [${a.shape}]) has odd length ${a.shape[ax]}; it must split into two equal halves`);
  }
  const [x1, x2] = np.split(a, 2, ax);
  return np.multiply(x1, np.logistic(x2));
}

/** x · tanh(softplus(x)). */
export function mish(x: ArrayOrScalar): Array {
  const a = asF(x);
  return np.multiply(a, np.tanh(softplus(a)));
}

// Mächler's split at log 2: log(-expm1(-x)) below, log1p(-exp(-x)) above.
const LN2 = Math.LN2;
const log1mexpPlain = (x: Array): Array => {
  const lo = np.less(x, LN2);
  return np.where(lo, np.log(np.negative(np.expm1(np.negative(x)))), np.log1p(np.negative(np.exp(np.negative(x)))));
};
const log1mexpCJ: (x: Array) => Array = customJvp(log1mexpPlain, {
  // d/dx log(1 - e^-x) = 1 / (e^x - 1), as JAX's rule (inf at 0).
  jvp: ([x]: Array[], [tx]: Array[]) => [log1mexpPlain(x), np.divide(tx, np.expm1(x))],
}) as never;

/** log(1 - e^-x), accurate for all x >= 0 (undefined, NaN, for x < 0); its derivative is 1 / expm1(x). */
export const log1mexp = (x: ArrayOrScalar): Array => log1mexpCJ(asF(x));

/** (x + √(x² + b)) / 2, a smooth relu. */
export function squareplus(x: ArrayOrScalar, b: ArrayOrScalar = 4): Array {
  const a = asF(x);
  return np.divide(np.add(a, np.sqrt(np.add(np.multiply(a, a), b))), 2);
}

/** 0 for x <= -1, (x + 1)²/4 on (-1, 1), x for x >= 1; continuously differentiable. */
export function sparsePlus(x: ArrayOrScalar): Array {
  const a = asF(x);
  const mid = np.divide(np.square(np.add(a, 1)), 4);
  return np.where(np.lessEqual(a, -1), 0, np.where(np.greaterEqual(a, 1), a, mid));
}

/** clip((x + 1) / 2, 0, 1), the derivative of sparsePlus; at ±1 the tie gives 1/4, as JAX's clip. */
export const sparseSigmoid = (x: ArrayOrScalar): Array => np.multiply(np.clip(np.add(asF(x), 1), 0, 2), 0.5);

/** log(mean(exp(x))) over `axis` (all axes by default) = logsumexp(x) - log(n), stably. */
export function logmeanexp(x: ArrayOrScalar, axis?: Axis, opts: { keepdims?: boolean } = {}): Array {
  const a = asF(x);
  const axes = axis === null || axis === undefined ? [...a.shape.keys()]
    : (typeof axis === 'number' ? [axis] : [...axis]).map((ax) => normAxis('nn.logmeanexp', ax, a.ndim));
  const count = axes.reduce((n, ax) => n * a.shape[ax], 1);
  return np.subtract(logsumexp(a, axis, { keepdims: opts.keepdims ?? false }), Math.log(count));
}

/** Options of standardize: a given mean and variance (else computed over `axis`), and epsilon. */
export interface StandardizeOpts {
  /** A precomputed mean, broadcast against `x` (default: the mean over `axis`). */
  mean?: ArrayOrScalar;
  /** A precomputed variance, broadcast against `x` (default: the variance over `axis`). */
  variance?: ArrayOrScalar;
  /** Added to the variance before the square root (default 1e-5). */
  epsilon?: number;
  /** 'fast' (JAX's default): mean(x²) - mean(x)², clipped at 0; 'stable': mean((x - mean)²). */
  algorithm?: 'fast' | 'stable';
}

/** (x - mean) / √(variance + epsilon) along `axis` (default -1; null for all axes). */
export function standardize(x: ArrayOrScalar, axis: Axis = -1, opts: StandardizeOpts = {}): Array {
  const a = asF(x);
  const { epsilon = 1e-5, algorithm = 'fast' } = opts;
  if (algorithm !== 'fast' && algorithm !== 'stable') {
    throw new RangeError(`nn.standardize: unknown algorithm '${String(algorithm)}'; expected 'fast' or 'stable'`);
  }
  const mean = opts.mean ?? np.mean(a, axis, { keepdims: true });
  let variance = opts.variance;
  if (variance === undefined) {
    variance = algorithm === 'stable'
      ? np.mean(np.square(np.subtract(a, mean)), axis, { keepdims: true })
      // The one-pass form can round below 0; clip it, as JAX does, so rsqrt stays finite.
      : np.clip(np.subtract(np.mean(np.square(a), axis, { keepdims: true }), np.square(mean)), 0, null);
  }
  return np.multiply(np.subtract(a, mean), np.rsqrt(np.add(variance, epsilon)));
}
