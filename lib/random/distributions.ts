/**
 * More `jax.random` samplers, each JAX's own transform of `bits` / `uniform` / `normal` /
 * `gumbel` / `split`, so the streams follow JAX's for the same key (each doc comment gives its
 * formula). Samplers that need a gamma draw (`ball`, `generalizedNormal`, `beta`, ...) are not here.
 */
import { Array as ArrayClass, type Array, type ArrayOrScalar } from '../core/array.js';
import { type DType, getDefaultFloat, isFloat } from '../core/dtype.js';
import { bind1 } from '../core/trace.js';
import * as np from '../numpy/index.js';
import { BitcastConvertType } from '../primitives/random.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { bernoulli, gumbel, normal, rawBits, split, uniform } from './index.js';

import { type Shape, checkKey } from './common.js';
// index.ts keeps shapeOf / floatDtype private: these are small re-implementations.
const shapeOf = (s: Shape): number[] => (typeof s === 'number' ? [s] : [...s]);
const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);


function checkShape(who: string, s: readonly number[]): void {
  if (!s.every((d) => Number.isInteger(d) && d >= 0)) throw new TypeError(`random.${who}: shape must hold non-negative integers, got [${s}]`);
}

function floatDtype(who: string, dtype: DType | undefined): DType {
  const d = dtype ?? getDefaultFloat();
  if (!isFloat(d)) throw new TypeError(`random.${who}: dtype must be 'float32' or 'float64', got ${JSON.stringify(d)}`);
  return d;
}

/** finfo constants of JAX's samplers. */
const finfo = (d: DType) =>
  d === 'float32' ? { eps: 2 ** -23, epsneg: 2 ** -24, tiny: 2 ** -126 } : { eps: 2 ** -52, epsneg: 2 ** -53, tiny: 2 ** -1022 };

const toArray = (x: ArrayOrScalar | readonly number[] | readonly (readonly number[])[]): Array =>
  x instanceof ArrayClass ? x : np.array(x as number | number[]);

const asFloat = (x: ArrayOrScalar | readonly number[], dtype: DType): Array => {
  const a = toArray(x);
  return a.dtype === dtype ? a : a.astype(dtype);
};

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** uint32 bits held in int32 as exact float64 values in [0, 2^32). */
const unsigned64 = (b: Array): Array => {
  const f = b.astype('float64');
  return np.where(np.less(b, 0), np.add(f, 2 ** 32), f);
};

/**
 * Uniform int32 in [minval, maxval) by JAX's `_randint`: two 32-bit words from split(key), the
 * offset (hi % span · (2^16 % span)^2 % span + lo % span) % span in uint32 arithmetic.
 */
export function randint(k: Array, shape: Shape, minval: ArrayOrScalar, maxval: ArrayOrScalar, opts: { dtype?: DType } = {}): Array {
  checkKey('randint', k);
  const s = shapeOf(shape);
  checkShape('randint', s);
  const dtype = opts.dtype ?? 'int32';
  if (dtype !== 'int32') throw new TypeError(`random.randint: dtype must be 'int32', got ${JSON.stringify(dtype)}`);
  // JAX clips the bounds to int32 (not wraps) and widens the span by one when maxval > INT32_MAX.
  const bound = (v: ArrayOrScalar): [Array, boolean] => {
    if (typeof v === 'number' || typeof v === 'boolean') {
      const n = Math.trunc(Number(v));
      return [np.array(Math.min(Math.max(n, INT32_MIN), INT32_MAX), { dtype: 'int32' }), n > INT32_MAX];
    }
    return [v.dtype === 'int32' ? v : v.astype('int32'), false];
  };
  const [lo] = bound(minval);
  const [hi, hiOut] = bound(maxval);
  const ks = split(k);
  const [k1, k2] = [ks.slice(0), ks.slice(1)];
  const higher = unsigned64(rawBits(k1, s));
  const lower = unsigned64(rawBits(k2, s));
  // Exact in float64: every uint32 product below stays under 2^32 except (2^16)^2, which wraps to 0.
  let span = np.subtract(hi.astype('float64'), lo.astype('float64'));
  span = np.where(np.lessEqual(hi, lo), 1, span);
  if (hiOut) span = np.where(np.greater(hi, lo), np.add(span, 1), span);
  span = np.where(np.equal(span, 2 ** 32), 0, span);
  // XLA's unsigned remainder by zero returns the dividend.
  const rem = (a: Array | number, b: Array): Array => np.where(np.equal(b, 0), a, np.fmod(a, np.where(np.equal(b, 0), 1, b)));
  let mult = rem(2 ** 16, span);
  mult = np.multiply(mult, mult);
  mult = rem(np.where(np.equal(mult, 2 ** 32), 0, mult), span);
  const offset = rem(np.add(np.multiply(rem(higher, span), mult), rem(lower, span)), span);
  const out = np.add(lo.astype('float64'), offset);
  // minval + offset < maxval fits int32; the wrapped add of JAX gives the same value.
  return np.where(np.greater(out, INT32_MAX), np.subtract(out, 2 ** 32), out).astype('int32');
}

/** Stable ranks of `keys` along the last axis (ascending; ties keep index order), O(n^2). */
function stableRanks(keys: Array, less: (a: Array, b: Array) => Array): Array {
  const n = keys.shape[keys.ndim - 1];
  const ki = np.expandDims(keys, -1); // [..., i, 1]
  const kj = np.expandDims(keys, -2); // [..., 1, j]
  const idx = np.arange(n);
  const before = np.less(np.expandDims(idx, 0), np.expandDims(idx, 1)); // [i, j]: j < i
  const beats = np.logicalOr(less(kj, ki), np.logicalAnd(np.equal(kj, ki), before));
  return np.sum(beats.astype('int32'), -1);
}

/** Inverts ranks: out[r] = i where rank[i] == r, for r < count (int32 indices). */
function fromRanks(rank: Array, count: number): Array {
  const n = rank.shape[0];
  const hit = np.equal(np.expandDims(np.arange(count), 1), np.expandDims(rank, 0)); // [r, i]
  return np.sum(np.where(hit, np.expandDims(np.arange(n), 0), 0), -1).astype('int32');
}

const SIGN = -(2 ** 31);
const flipSign = (a: Array): Array => np.bitwiseXor(a, np.array(SIGN, { dtype: 'int32' }));
const lessU32 = (a: Array, b: Array): Array => np.less(flipSign(a), flipSign(b));

/** JAX's `_shuffle` of arange(n): ceil(3 ln n / ln(2^32-1)) stable sorts by fresh 32-bit keys. */
function shuffledIndices(k: Array, n: number): Array {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let x = np.arange(n).astype('int32');
  let key = k;
  for (let r = 0; r < rounds; r++) {
    const ks = split(key);
    key = ks.slice(0);
    const sortKeys = rawBits(ks.slice(1), [n]);
    x = np.take(x, fromRanks(stableRanks(sortKeys, lessU32), n));
  }
  return x;
}

/** Options of `random.choice`. */
export interface ChoiceOpts {
  /** The shape of the sample (default `[]`, one draw). */
  shape?: readonly number[];
  /** Draw with replacement (default true); without, at most `n` draws. */
  replace?: boolean;
  /** The probability of each of the `n` entries (default uniform); need not be normalised. */
  p?: Array | readonly number[];
  /** The axis of `a` to draw slices along (default 0). */
  axis?: number;
}

/**
 * Samples from `a` (or arange(a)) as JAX's `choice`: randint with replacement; a shuffle prefix
 * without; with `p`, inverse-CDF search of (1 - u)·sum(p) in cumsum(p), or Gumbel top-k of log p.
 */
export function choice(k: Array, a: number | Array, opts: ChoiceOpts = {}): Array {
  checkKey('choice', k);
  const shape = [...(opts.shape ?? [])];
  checkShape('choice', shape);
  const replace = opts.replace ?? true;
  const arr = typeof a === 'number' ? null : a;
  let axis = opts.axis ?? 0;
  let n: number;
  if (arr === null || arr.ndim === 0) {
    const v = arr === null ? (a as number) : Number(arr.dataSync()[0]);
    if (!Number.isInteger(v)) throw new TypeError(`random.choice: a must be an integer or an array, got ${v}`);
    n = v;
  } else {
    if (!Number.isInteger(axis) || axis < -arr.ndim || axis >= arr.ndim) throw new RangeError(`random.choice: axis ${axis} is out of range for rank ${arr.ndim}`);
    if (axis < 0) axis += arr.ndim;
    n = arr.shape[axis];
  }
  const isPop = arr !== null && arr.ndim > 0;
  const nDraws = prod(shape);
  const outShape = isPop ? [...arr.shape.slice(0, axis), ...shape, ...arr.shape.slice(axis + 1)] : shape;
  if (nDraws === 0) return np.zeros(outShape, { dtype: isPop ? arr.dtype : 'int32' });
  if (n <= 0) throw new RangeError('random.choice: a must be greater than 0 unless no samples are taken');
  if (!replace && nDraws > n) throw new RangeError(`random.choice: cannot take a larger sample (size ${nDraws}) than population (size ${n}) when replace is false`);
  let ind: Array;
  if (opts.p === undefined) {
    ind = replace ? randint(k, shape, 0, n) : shuffledIndices(k, n).slice([0, nDraws]);
  } else {
    let p = toArray(opts.p);
    if (!isFloat(p.dtype)) p = p.astype(getDefaultFloat());
    if (p.ndim !== 1 || p.shape[0] !== n) throw new TypeError(`random.choice: p must be a 1-D vector of length ${n}, got shape [${p.shape}]`);
    if (replace) {
      const cum = np.cumsum(p);
      const r = np.multiply(cum.slice(n - 1), np.subtract(1, uniform(k, shape, { dtype: p.dtype })));
      // searchsorted(cum, r, side='left') = #{j : cum[j] < r} for a sorted cum.
      ind = np.sum(np.less(cum, np.expandDims(r, -1)).astype('int32'), -1);
    } else {
      const g = np.add(gumbel(k, [n], { dtype: p.dtype }), np.log(p));
      // lax.top_k: descending, ties to the lower index.
      ind = fromRanks(stableRanks(g, (x, y) => np.greater(x, y)), nDraws);
    }
  }
  const result = isPop ? np.take(arr, ind, axis) : ind;
  return result.reshape(outShape);
}

/** Exponential(1) samples: -log1p(-u), u uniform in [0, 1) (JAX's `_exponential`). */
export function exponential(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('exponential', k);
  const dtype = floatDtype('exponential', opts.dtype);
  return np.negative(np.log1p(np.negative(uniform(k, shape, { dtype }))));
}

/** Laplace(0, 1) samples: sign(u)·log1p(-|u|), u uniform in [-1 + epsneg, 1) (JAX's `_laplace`). */
export function laplace(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('laplace', k);
  const dtype = floatDtype('laplace', opts.dtype);
  const u = uniform(k, shape, { dtype, minval: -1 + finfo(dtype).epsneg, maxval: 1 });
  return np.multiply(np.sign(u), np.log1p(np.negative(np.abs(u))));
}

/** Standard logistic samples: log(u) - log1p(-u), u uniform in [tiny, 1) (JAX's `_logistic`). */
export function logistic(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('logistic', k);
  const dtype = floatDtype('logistic', opts.dtype);
  const u = uniform(k, shape, { dtype, minval: finfo(dtype).tiny, maxval: 1 });
  return np.subtract(np.log(u), np.log1p(np.negative(u)));
}

/** Standard Cauchy samples: tan(pi·(u - 0.5)), u uniform in [eps, 1) (JAX's `_cauchy`). */
export function cauchy(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('cauchy', k);
  const dtype = floatDtype('cauchy', opts.dtype);
  const u = uniform(k, shape, { dtype, minval: finfo(dtype).eps, maxval: 1 });
  return np.tan(np.multiply(np.array(Math.PI, { dtype }), np.subtract(u, np.array(0.5, { dtype }))));
}

/**
 * ±1 with probability 1/2 each: 2·bernoulli(key, 0.5) - 1 (JAX's `_rademacher`; the bernoulli
 * draws in the default float, as JAX's in its default float). Default dtype int32.
 */
export function rademacher(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('rademacher', k);
  const dtype = opts.dtype ?? 'int32';
  if (dtype === 'bool') throw new TypeError("random.rademacher: dtype must be numeric, got 'bool'");
  const b = bernoulli(k, 0.5, shapeOf(shape)).astype(dtype);
  return np.subtract(np.multiply(b, 2), 1).astype(dtype);
}

/** nextafter(x, +inf) (up) or nextafter(x, -inf) on the bits: the magnitude moves by one ulp. */
function nextToward(x: Array, up: boolean): Array {
  const towardMag = up ? np.greater(x, 0) : np.less(x, 0);
  const zeroBits = up ? 1 : SIGN + 1;
  if (x.dtype === 'float32') {
    const b = bind1(BitcastConvertType, [x], { newDtype: 'int32' });
    let nb = np.where(towardMag, np.add(b, 1), np.subtract(b, 1));
    nb = np.where(np.equal(x, 0), zeroBits, nb);
    return bind1(BitcastConvertType, [nb.astype('int32')], { newDtype: 'float32' });
  }
  const w = bind1(BitcastConvertType, [x], { newDtype: 'int32' }); // [..., 2]: [lo, hi]
  const lo = np.take(w, 0, -1);
  const hi = np.take(w, 1, -1);
  // 64-bit magnitude ±1 on the two words, with carry / borrow.
  const incLo = np.add(lo, 1);
  const incHi = np.where(np.equal(lo, -1), np.add(hi, 1), hi);
  const decLo = np.subtract(lo, 1);
  const decHi = np.where(np.equal(lo, 0), np.subtract(hi, 1), hi);
  const isZero = np.equal(x, 0);
  const nlo = np.where(isZero, 1, np.where(towardMag, incLo, decLo)).astype('int32');
  const nhi = np.where(isZero, up ? 0 : SIGN, np.where(towardMag, incHi, decHi)).astype('int32');
  return bind1(BitcastConvertType, [np.stack([nlo, nhi], x.ndim)], { newDtype: 'float64' });
}

/**
 * Standard normal truncated to (lower, upper): sqrt2·erfinv(u), u uniform in
 * [erf(lower/sqrt2), erf(upper/sqrt2)), clipped inside the open interval (JAX's `_truncated_normal`).
 * Differentiable in the bounds.
 */
export function truncatedNormal(k: Array, lower: ArrayOrScalar, upper: ArrayOrScalar, shape?: Shape, opts: { dtype?: DType } = {}): Array {
  checkKey('truncatedNormal', k);
  const dtype = floatDtype('truncatedNormal', opts.dtype);
  const lo = asFloat(lower, dtype);
  const hi = asFloat(upper, dtype);
  const s = shape === undefined ? np.broadcastShapes(lo.shape, hi.shape) : shapeOf(shape);
  checkShape('truncatedNormal', s);
  const sqrt2 = np.array(Math.SQRT2, { dtype });
  const a = np.erf(np.divide(lo, sqrt2));
  const b = np.erf(np.divide(hi, sqrt2));
  const out = np.multiply(sqrt2, np.erfinv(uniform(k, s, { dtype, minval: a, maxval: b })));
  return np.clip(out, nextToward(stopGradient(lo), true), nextToward(stopGradient(hi), false));
}

/**
 * Multivariate normal samples mean + L·z with L = cholesky(cov) and z = normal(key, shape + [n])
 * (JAX's `_multivariate_normal`, method 'cholesky'). Differentiable in mean and cov.
 */
export function multivariateNormal(k: Array, mean: Array | readonly number[], cov: Array | readonly (readonly number[])[], opts: { shape?: readonly number[]; dtype?: DType; method?: 'cholesky' } = {}): Array {
  checkKey('multivariateNormal', k);
  if ((opts.method ?? 'cholesky') !== 'cholesky') throw new TypeError(`random.multivariateNormal: only method 'cholesky' is supported, got ${String(opts.method)}`);
  let m = toArray(mean);
  let c = toArray(cov);
  const dtype = opts.dtype ?? (isFloat(m.dtype) ? m.dtype : isFloat(c.dtype) ? c.dtype : getDefaultFloat());
  floatDtype('multivariateNormal', dtype);
  if (m.dtype !== dtype) m = m.astype(dtype);
  if (c.dtype !== dtype) c = c.astype(dtype);
  if (m.ndim < 1) throw new TypeError(`random.multivariateNormal: mean must have rank >= 1, got shape [${m.shape}]`);
  const n = m.shape[m.ndim - 1];
  if (c.ndim < 2 || c.shape[c.ndim - 1] !== n || c.shape[c.ndim - 2] !== n) {
    throw new TypeError(`random.multivariateNormal: cov must have shape [..., ${n}, ${n}], got [${c.shape}]`);
  }
  const shape = opts.shape ? [...opts.shape] : np.broadcastShapes(m.shape.slice(0, -1), c.shape.slice(0, -2));
  checkShape('multivariateNormal', shape);
  const factor = np.linalg.cholesky(c);
  const z = normal(k, [...shape, n], { dtype });
  // einsum('...ij,...j->...i', factor, z)
  return np.add(m, np.sum(np.multiply(factor, np.expandDims(z, -2)), -1));
}
