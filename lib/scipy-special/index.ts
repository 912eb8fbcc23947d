/**
 * `scipySpecial`: jax.scipy.special's functions (camelCase), built from numpy ops and the
 * special-function primitives, all differentiable.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import * as np from '../numpy/index.js';
import type { Axis } from '../numpy/reductions.js';
import { broadcastShapes } from '../numpy/promote.js';
import { customJvp } from '../control/custom.js';
import { stopGradient } from '../transforms/stop-gradient.js';


const SQRT1_2 = Math.SQRT1_2;
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

const asF = (x: ArrayOrScalar): Array => {
  const a = np.asarray(x);
  return a.dtype === 'float32' || a.dtype === 'float64' ? a : a.astype(np.asarray(0.5).dtype);
};

/** Options of `logsumexp`. */
export interface LogsumexpOptions {
  /** Keep the reduced axes as size 1 (default false). */
  keepdims?: boolean;
  /** Scale factors inside the sum, `log(sum(b * exp(x)))`, broadcast against `x` (default 1). */
  b?: ArrayOrScalar;
}

/**
 * log(sum(b * exp(x))) over `axis`, stably: the maximum is subtracted under stopGradient (as in
 * JAX), and an infinite maximum is replaced by 0 so all -inf inputs give -inf, not NaN.
 */
export function logsumexp(x: ArrayOrScalar, axis?: Axis, opts: LogsumexpOptions = {}): Array {
  const a = asF(x);
  const keepdims = opts.keepdims ?? false;
  const amaxRaw = stopGradient(np.max(a, axis, { keepdims: true }));
  const amax = np.where(np.isfinite(amaxRaw), amaxRaw, 0);
  let e = np.exp(np.subtract(a, amax));
  if (opts.b !== undefined) e = np.multiply(e, opts.b);
  const s = np.sum(e, axis, { keepdims: true });
  let out = np.add(np.log(s), amax);
  if (!keepdims) {
    const nd = out.ndim;
    const axes = axis === null || axis === undefined ? [...globalThis.Array(nd).keys()]
      : (typeof axis === 'number' ? [axis] : [...axis]).map((ax) => (ax < 0 ? ax + nd : ax));
    out = axes.length ? np.squeeze(out, axes) : out;
  }
  return out;
}

/** x * log(y), 0 where x == 0; JAX's derivative convention: d/dx = log(y), d/dy = x / y. */
// The rules cannot call the customJvp functions themselves (rules are traced when the function is
// called), so they use the plain forms, whose own derivatives serve for higher orders.
const xlogyPlain = (x: Array, y: Array): Array => np.where(np.notEqual(x, 0), np.multiply(x, np.log(y)), 0);
const xlog1pyPlain = (x: Array, y: Array): Array => np.where(np.notEqual(x, 0), np.multiply(x, np.log1p(y)), 0);
const xlogyCJ: (x: Array, y: Array) => Array = customJvp(
  xlogyPlain,
  {
    jvp: ([x, y]: Array[], [tx, ty]: Array[]) => [
      xlogyPlain(x, y),
      np.add(np.multiply(tx, np.log(y)), np.divide(np.multiply(ty, x), y)),
    ],
  },
) as never;

/** x * log1p(y), 0 where x == 0; d/dx = log1p(y), d/dy = x / (1 + y) (JAX's convention). */
const xlog1pyCJ: (x: Array, y: Array) => Array = customJvp(
  xlog1pyPlain,
  {
    jvp: ([x, y]: Array[], [tx, ty]: Array[]) => [
      xlog1pyPlain(x, y),
      np.add(np.multiply(tx, np.log1p(y)), np.divide(np.multiply(ty, x), np.add(y, 1))),
    ],
  },
) as never;

/** Wraps a two-argument customJvp so plain numbers are accepted (promoted to float arrays). */
function floatArgs2(f: (x: Array, y: Array) => Array): (x: ArrayOrScalar, y: ArrayOrScalar) => Array {
  return (x, y) => {
    const [a, b] = [asF(x), asF(y)];
    const dt = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : a.dtype;
    const shape = broadcastShapes('xlogy', a.shape, b.shape);
    const cast = (v: Array) => np.broadcastTo(v.dtype === dt ? v : v.astype(dt), shape);
    return f(cast(a), cast(b));
  };
}
/**
 * `x * log(y)`, elementwise and broadcast, with 0 where `x == 0` (even where `y == 0`);
 * `jax.scipy.special.xlogy`. Derivatives follow JAX: d/dx = log(y), d/dy = x / y.
 */
export const xlogy = floatArgs2(xlogyCJ);
/**
 * `x * log1p(y)`, elementwise and broadcast, with 0 where `x == 0`; `jax.scipy.special.xlog1py`.
 * Derivatives follow JAX: d/dx = log1p(y), d/dy = x / (1 + y).
 */
export const xlog1py = floatArgs2(xlog1pyCJ);

/** `log |Γ(x)|`, elementwise (`jax.scipy.special.gammaln`); integers are promoted to float. */
export const gammaln = (x: ArrayOrScalar): Array => np.lgamma(asF(x));
/** The digamma function ψ(x) = d/dx log Γ(x), elementwise (`jax.scipy.special.digamma`). */
export const digamma = (x: ArrayOrScalar): Array => np.digamma(asF(x));
/** The error function, elementwise (`jax.scipy.special.erf`). */
export const erf = (x: ArrayOrScalar): Array => np.erf(asF(x));
/** The complementary error function `1 - erf(x)`, accurate for large `x` (`jax.scipy.special.erfc`). */
export const erfc = (x: ArrayOrScalar): Array => np.erfc(asF(x));
/** The inverse error function on (-1, 1), elementwise (`jax.scipy.special.erfinv`). */
export const erfinv = (x: ArrayOrScalar): Array => np.erfinv(asF(x));
/** The logistic sigmoid `1 / (1 + exp(-x))`, elementwise (`jax.scipy.special.expit`). */
export const expit = (x: ArrayOrScalar): Array => np.logistic(asF(x));
/** `log(x / (1 - x))`, the inverse of `expit`, elementwise (`jax.scipy.special.logit`). */
export const logit = (x: ArrayOrScalar): Array => { const a = asF(x); return np.log(np.divide(a, np.subtract(1, a))); };

/**
 * The standard normal CDF, accurate (relatively) in both tails: 0.5 erfc(-x/√2) has no
 * cancellation for x < 0, and for x > 0 the result is near 1 where absolute accuracy suffices.
 */
export const ndtr = (x: ArrayOrScalar): Array => np.multiply(np.erfc(np.multiply(asF(x), -SQRT1_2)), 0.5);

/**
 * log ndtr(x) where erfc does not underflow; the asymptotic series below that: x < -37 in float64,
 * x < -13 in float32 (where ndtr leaves float32's normal range; ten terms of the series are
 * exact to ~1e-13 there).
 */
function logNdtrImpl(x: Array): Array {
  const cut = x.dtype === 'float32' ? -13 : -37;
  // x > 0: log1p of the small upper tail. cut <= x <= 0: log of the (relatively accurate) CDF.
  const upper = np.log1p(np.multiply(np.erfc(np.multiply(np.maximum(x, 0), SQRT1_2)), -0.5));
  const xm = np.clip(x, cut, 0);
  const mid = np.log(np.multiply(np.erfc(np.multiply(xm, -SQRT1_2)), 0.5));
  // x < cut: -x²/2 - log(-x) - log√(2π) + log(1 + Σ_k (-1)^k (2k-1)!! / x^(2k)).
  const xl = np.minimum(x, cut);
  const x2 = np.multiply(xl, xl);
  let term: Array = np.onesLike(xl);
  let sum: Array = np.zerosLike(xl);
  for (let k = 1; k <= 10; k++) {
    term = np.multiply(term, np.divide(-(2 * k - 1), x2));
    sum = np.add(sum, term);
  }
  const low = np.add(np.subtract(np.subtract(np.multiply(x2, -0.5), np.log(np.negative(xl))), HALF_LN_2PI), np.log1p(sum));
  return np.where(np.greater(x, 0), upper, np.where(np.less(x, cut), low, mid));
}

/** log of the normal CDF, accurate for all x; d/dx = φ(x)/Φ(x) = exp(-x²/2 - log√(2π) - logNdtr(x)). */
const logNdtrCJ = customJvp((x: Array) => logNdtrImpl(x), {
  jvp: ([x]: Array[], [t]: Array[]) => {
    const y = logNdtrImpl(x);
    const d = np.exp(np.subtract(np.subtract(np.multiply(np.multiply(x, x), -0.5), HALF_LN_2PI), y));
    return [y, np.multiply(t, d)];
  },
});
/** The log of the standard normal CDF, accurate in both tails (`jax.scipy.special.log_ndtr`). */
export const logNdtr = (x: ArrayOrScalar): Array => logNdtrCJ(asF(x)) as Array;

// Acklam's rational approximation to the normal quantile (relative error ~1.2e-9): the seed.
const ACK_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACK_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1, 1];
const ACK_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACK_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416, 1];
function horner(c: readonly number[], x: Array): Array {
  let r: Array = np.fullLike(x, c[0]);
  for (let i = 1; i < c.length; i++) r = np.add(np.multiply(r, x), c[i]);
  return r;
}

/**
 * ndtri for 0 < q <= 0.5 (so the result is <= 0): Acklam's seed, then Newton steps on
 * log Φ(x) = log q, which stays well scaled down to q ~ 1e-300 (each step squares the
 * relative error; the seed's 1e-9 needs two).
 */
function ndtriLower(q: Array): Array {
  const qs = np.clip(q, 1e-320, 0.5); // keep the unselected branches finite
  const central = (() => {
    const c = np.subtract(qs, 0.5);
    const r = np.multiply(c, c);
    return np.divide(np.multiply(horner(ACK_A, r), c), horner(ACK_B, r));
  })();
  const tail = (() => {
    const s = np.sqrt(np.multiply(np.log(np.minimum(qs, 0.02425)), -2));
    return np.divide(horner(ACK_C, s), horner(ACK_D, s));
  })();
  let x = np.where(np.less(qs, 0.02425), tail, central);
  const logq = np.log(qs);
  for (let i = 0; i < 3; i++) {
    const ln = logNdtrImpl(x);
    // Φ(x)/φ(x) = exp(logΦ + x²/2 + log√(2π)), formed in log space so nothing underflows.
    const ratio = np.exp(np.add(np.add(ln, np.multiply(np.multiply(x, x), 0.5)), HALF_LN_2PI));
    x = np.subtract(x, np.multiply(np.subtract(ln, logq), ratio));
  }
  return x;
}

function ndtriImpl(p: Array): Array {
  const upper = np.greater(p, 0.5);
  const q = np.where(upper, np.subtract(1, p), p); // 1 - p is exact for p in [0.5, 1]
  const xl = ndtriLower(q);
  let x = np.where(upper, np.negative(xl), xl);
  x = np.where(np.equal(p, 0), -Infinity, x);
  x = np.where(np.equal(p, 1), Infinity, x);
  return np.where(np.logicalOr(np.less(p, 0), np.greater(p, 1)), NaN, x);
}

/** Inverse of the normal CDF; d/dp = 1/φ(ndtri(p)) = √(2π) exp(x²/2). Accurate down to p ~ 1e-300. */
const ndtriCJ = customJvp((p: Array) => ndtriImpl(p), {
  jvp: ([p]: Array[], [t]: Array[]) => {
    const x = ndtriImpl(p);
    return [x, np.multiply(t, np.exp(np.add(np.multiply(np.multiply(x, x), 0.5), HALF_LN_2PI)))];
  },
});
/**
 * The inverse of the standard normal CDF (`jax.scipy.special.ndtri`): -∞ at 0, +∞ at 1, NaN outside
 * [0, 1]; accurate down to p ~ 1e-300.
 */
export const ndtri = (p: ArrayOrScalar): Array => ndtriCJ(asF(p)) as Array;
