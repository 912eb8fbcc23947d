/**
 * Discrete `jax.random` samplers: poisson (Knuth below λ = 10, Hörmann's transformed rejection
 * above), binomial (inversion for n·q ≤ 10, BTRS above), geometric and multinomial, each JAX's own
 * algorithm and key use, so streams follow JAX's. The rejection loops are whole-array
 * lax.whileLoops (as JAX's), so they run under jit and vmap.
 */
import { Array as ArrayClass, type Array } from '../core/array.js';
import type { DType } from '../core/dtype.js';
import { isFloat } from '../core/dtype.js';
import { scan } from '../lax/loops.js';
import { whileLoop } from '../lax/loops.js';
import * as np from '../numpy/index.js';
import { rawBits, split, uniform } from './index.js';
import { type Param, type Shape, checkKey, floatDtype, param, sampleShape, scalar, shapeArg, someTrue } from './common.js';

const INT32_MAX = 2 ** 31 - 1;
const i32 = (v: number): Array => np.array(v, { dtype: 'int32' });
const bcast = (x: Array, s: readonly number[]): Array => (x.shape.length === s.length && x.shape.every((d, i) => d === s[i]) ? x : np.broadcastTo(x, s));

/** A float parameter keeps its dtype; anything else takes the default float (JAX's promote_dtypes_inexact). */
const paramFloat = (who: string, p: Param): DType =>
  p instanceof ArrayClass && isFloat(p.dtype) ? p.dtype : floatDtype(who, undefined);

function intDtype(who: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'int32';
  if (d !== 'int32') throw new TypeError(`random.${who}: dtype must be 'int32', got ${JSON.stringify(d)}`);
  return d;
}

type Knuth = [Array, Array, Array, Array];
/** Knuth: count uniforms until their product drops below e^-λ (float32 uniforms, as JAX). */
function poissonKnuth(k: Array, lam: Array, s: readonly number[]): Array {
  const neg = np.negative(lam);
  const [, kk] = whileLoop(([i, , , lp]: Knuth) => np.logicalAnd(someTrue(np.greater(lp, neg)), np.less(i, INT32_MAX)), ([i, kc, rng, lp]: Knuth): Knuth => {
    const ks = split(rng);
    const kn = np.where(np.greater(lp, neg), np.add(kc, i32(1)), kc);
    const u = uniform(ks.slice(1), s, { dtype: 'float32' });
    return [np.add(i, i32(1)), kn, ks.slice(0), np.add(lp, np.log(u))];
  }, [i32(0), np.zeros(s, { dtype: 'int32' }), k, np.zeros(s, { dtype: 'float32' })] as Knuth) as Knuth;
  return np.subtract(kk, i32(1));
}

type Rej = [Array, Array, Array, Array];
/** Hörmann's transformed rejection (PTRS) for large λ. */
function poissonRejection(k: Array, lam: Array, s: readonly number[]): Array {
  const c = (v: number): Array => scalar(v, lam.dtype);
  const logLam = np.log(lam);
  const b = np.add(c(0.931), np.multiply(c(2.53), np.sqrt(lam)));
  const a = np.add(c(-0.059), np.multiply(c(0.02483), b));
  const invAlpha = np.add(c(1.1239), np.divide(c(1.1328), np.subtract(b, c(3.4))));
  const vr = np.subtract(c(0.9277), np.divide(c(3.6224), np.subtract(b, c(2))));
  const [, kOut] = whileLoop(([i, , acc]: Rej) => np.logicalAnd(someTrue(np.logicalNot(acc)), np.less(i, INT32_MAX)), ([i, kOut, acc, rng]: Rej): Rej => {
    const ks = split(rng, 3);
    const u = np.subtract(uniform(ks.slice(1), s, { dtype: lam.dtype }), c(0.5));
    const v = uniform(ks.slice(2), s, { dtype: lam.dtype });
    const us = np.subtract(c(0.5), np.abs(u));
    const kk = np.floor(np.add(np.add(np.multiply(np.add(np.divide(np.multiply(c(2), a), us), b), u), lam), c(0.43)));
    const sLog = np.log(np.divide(np.multiply(v, invAlpha), np.add(np.divide(a, np.multiply(us, us)), b)));
    const tt = np.subtract(np.add(np.negative(lam), np.multiply(kk, logLam)), np.lgamma(np.add(kk, c(1))));
    const accept1 = np.logicalAnd(np.greaterEqual(us, c(0.07)), np.lessEqual(v, vr));
    const reject = np.logicalOr(np.less(kk, c(0)), np.logicalAnd(np.less(us, c(0.013)), np.greater(v, us)));
    const accept = np.logicalOr(accept1, np.logicalAnd(np.logicalNot(reject), np.lessEqual(sLog, tt)));
    return [np.add(i, i32(1)), np.where(accept, kk, kOut), np.logicalOr(acc, accept), ks.slice(0)];
  }, [i32(0), np.full(s, -1, { dtype: lam.dtype }), np.zeros(s, { dtype: 'bool' }), k] as Rej) as Rej;
  return kOut.astype('int32');
}

/**
 * Poisson(lam) samples (int32) by JAX's `_poisson`: lam is cast to float32; Knuth's algorithm
 * where lam < 10 (or NaN), transformed rejection elsewhere, both run on the same key; lam = 0
 * gives 0. `shape` defaults to lam's shape.
 */
export function poisson(k: Array, lam: Param, shape?: Shape, opts: { dtype?: DType } = {}): Array {
  checkKey('poisson', k);
  intDtype('poisson', opts.dtype);
  const l0 = param('poisson', 'lam', lam, 'float32');
  const s = sampleShape('poisson', shape, [['lam', l0]]);
  const l = bcast(l0, s);
  const useKnuth = np.logicalOr(np.isnan(l), np.less(l, 10));
  const lk = np.where(useKnuth, l, scalar(0, 'float32'));
  const lr = np.where(useKnuth, scalar(1e5, 'float32'), l);
  const res = np.where(useKnuth, poissonKnuth(k, lk, s), poissonRejection(k, lr, s));
  return np.where(np.equal(l, 0), i32(0), res).astype('int32');
}

/**
 * Geometric(p) samples (int32, support 1, 2, ...): floor(log u / log1p(-p)) + 1 with u = 0 mapped
 * to 1 (JAX's `_geometric`).
 */
export function geometric(k: Array, p: Param, shape?: Shape, opts: { dtype?: DType } = {}): Array {
  checkKey('geometric', k);
  intDtype('geometric', opts.dtype);
  const p0 = param('geometric', 'p', p, paramFloat('geometric', p));
  const s = sampleShape('geometric', shape, [['p', p0]]);
  let u = uniform(k, s, { dtype: p0.dtype });
  u = np.where(np.equal(u, 0), scalar(1, p0.dtype), u);
  const g = np.add(np.floor(np.divide(np.log(u), bcast(np.log1p(np.negative(p0)), s))), scalar(1, p0.dtype));
  return g.astype('int32');
}

/** Stirling's series tail log k! - (k + 1/2) log(k + 1) + (k + 1) - log√(2π), tabled for k ≤ 9. */
function stirlingTail(k: Array): Array {
  const table = np.array([0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
    0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287], { dtype: k.dtype });
  const c = (v: number): Array => scalar(v, k.dtype);
  const small = np.lessEqual(k, c(9));
  const kc = np.clip(k, c(0), c(9));
  const kp1sq = np.multiply(np.add(kc, c(1)), np.add(kc, c(1)));
  const approx = np.divide(np.subtract(c(1 / 12), np.divide(np.subtract(c(1 / 360), np.divide(c(1 / 1260), kp1sq)), kp1sq)), np.add(kc, c(1)));
  return np.where(small, np.take(table, np.floor(kc).astype('int32')), approx);
}

/** Inversion by sums of geometric waiting times (n·q ≤ 10). */
function binomialInversion(k: Array, count: Array, prob: Array, s: readonly number[]): Array {
  const log1mp = np.log1p(np.negative(prob));
  type St = [Array, Array, Array, Array];
  const [, num] = whileLoop(([i, , gs]: St) => np.logicalAnd(someTrue(np.lessEqual(gs, count)), np.less(i, INT32_MAX)), ([i, ng, gs, rng]: St): St => {
    const ks = split(rng);
    const ngOut = np.where(np.lessEqual(gs, count), np.add(ng, scalar(1, prob.dtype)), ng);
    const u = uniform(ks.slice(0), s, { dtype: prob.dtype });
    return [np.add(i, i32(1)), ngOut, np.add(gs, np.ceil(np.divide(np.log(u), log1mp))), ks.slice(1)];
  }, [i32(0), np.zeros(s, { dtype: prob.dtype }), np.zeros(s, { dtype: prob.dtype }), k] as St) as St;
  return np.subtract(num, scalar(1, prob.dtype));
}

/** BTRS, Hörmann's transformed rejection with squeeze for the binomial (n·q > 10). */
function btrs(k: Array, count: Array, prob: Array, s: readonly number[]): Array {
  const c = (v: number): Array => scalar(v, prob.dtype);
  const sd = np.sqrt(np.multiply(np.multiply(count, prob), np.subtract(c(1), prob)));
  const b = np.add(c(1.15), np.multiply(c(2.53), sd));
  const a = np.add(np.add(c(-0.0873), np.multiply(c(0.0248), b)), np.multiply(c(0.01), prob));
  const cc = np.add(np.multiply(count, prob), c(0.5));
  const vr = np.subtract(c(0.92), np.divide(c(4.2), b));
  const r = np.divide(prob, np.subtract(c(1), prob));
  const alpha = np.multiply(np.add(c(2.83), np.divide(c(5.1), b)), sd);
  const m = np.floor(np.multiply(np.add(count, c(1)), prob));
  type St = [Array, Array, Array, Array];
  const [, kOut] = whileLoop(([i, , acc]: St) => np.logicalAnd(someTrue(np.logicalNot(acc)), np.less(i, INT32_MAX)), ([i, kOut, acc, rng]: St): St => {
    const ks = split(rng, 3);
    const u = np.subtract(uniform(ks.slice(1), s, { dtype: prob.dtype }), c(0.5));
    const v0 = uniform(ks.slice(2), s, { dtype: prob.dtype });
    const us = np.subtract(c(0.5), np.abs(u));
    const accept1 = np.logicalAnd(np.greaterEqual(us, c(0.07)), np.lessEqual(v0, vr));
    const kk = np.floor(np.add(np.multiply(np.add(np.divide(np.multiply(c(2), a), us), b), u), cc));
    const reject = np.logicalOr(np.less(kk, c(0)), np.greater(kk, count));
    const v = np.log(np.divide(np.multiply(v0, alpha), np.add(np.divide(a, np.multiply(us, us)), b)));
    const nk1 = np.add(np.subtract(count, kk), c(1));
    let ub = np.multiply(np.add(m, c(0.5)), np.log(np.divide(np.add(m, c(1)), np.multiply(r, np.add(np.subtract(count, m), c(1))))));
    ub = np.add(ub, np.multiply(np.add(count, c(1)), np.log(np.divide(np.add(np.subtract(count, m), c(1)), nk1))));
    ub = np.add(ub, np.multiply(np.add(kk, c(0.5)), np.log(np.divide(np.multiply(r, nk1), np.add(kk, c(1))))));
    ub = np.add(np.add(ub, stirlingTail(m)), stirlingTail(np.subtract(count, m)));
    ub = np.subtract(np.subtract(ub, stirlingTail(kk)), stirlingTail(np.subtract(count, kk)));
    const accept = np.logicalOr(accept1, np.logicalAnd(np.logicalNot(reject), np.lessEqual(v, ub)));
    return [np.add(i, i32(1)), np.where(accept, kk, kOut), np.logicalOr(acc, accept), ks.slice(0)];
  }, [i32(0), np.full(s, -1, { dtype: prob.dtype }), np.zeros(s, { dtype: 'bool' }), k] as St) as St;
  return kOut;
}

/**
 * Binomial(n, p) samples as floats (JAX's `_binomial`): with q = min(p, 1 - p), inversion where
 * n·q ≤ 10 and BTRS elsewhere, both on the same key, mirrored back (n - x) when p ≥ 1/2. NaN p,
 * p < 0, NaN or negative n give NaN; n = +inf gives inf. A float n is floored.
 */
export function binomial(k: Array, n: Param, p: Param, shape?: Shape, opts: { dtype?: DType } = {}): Array {
  checkKey('binomial', k);
  const dtype = floatDtype('binomial', opts.dtype);
  const p0 = param('binomial', 'p', p, paramFloat('binomial', p));
  const n0 = param('binomial', 'n', n, p0.dtype);
  const s = sampleShape('binomial', shape, [['n', n0], ['p', p0]]);
  const c = (v: number): Array => scalar(v, p0.dtype);
  let count = bcast(n0, s);
  const prob = bcast(p0, s);
  const pLtHalf = np.less(prob, c(0.5));
  let q = np.where(pLtHalf, prob, np.subtract(c(1), prob));
  const countBad = np.logicalOr(np.isnan(count), np.less(count, c(0)));
  const countInf = np.isinf(count);
  const qNan = np.isnan(q);
  const qNeg = np.less(q, c(0));
  q = np.where(np.logicalOr(qNan, qNeg), c(0.01), q);
  const useInv = np.logicalOr(countBad, np.lessEqual(np.multiply(count, q), c(10)));
  count = np.floor(count);
  const countInv = np.where(useInv, count, c(0));
  const countBtrs = np.where(useInv, c(1e4), count);
  const qBtrs = np.where(useInv, c(0.5), q);
  let out = np.where(useInv, binomialInversion(k, countInv, q, s), btrs(k, countBtrs, qBtrs, s)).astype(dtype);
  const invalid = np.logicalOr(np.logicalOr(qNeg, qNan), countBad);
  out = np.where(invalid, scalar(NaN, dtype), out);
  out = np.where(np.logicalAnd(countInf, np.logicalNot(invalid)), scalar(Infinity, dtype), out);
  const keep = np.logicalOr(np.logicalOr(pLtHalf, countBad), np.logicalOr(qNan, countInf));
  return np.where(keep, out, np.subtract(count.astype(dtype), out));
}

/**
 * Multinomial(n, p) counts (floats) along p's last axis, by JAX's chain of conditional binomials:
 * a scan over the categories with keys split(key, K), each drawing binomial(remainder, p_i / Σ_{j≥i} p_j).
 * `shape` (default p's shape) is the full result shape, ending with K.
 */
export function multinomial(k: Array, n: Param, p: Param, opts: { shape?: Shape; dtype?: DType } = {}): Array {
  checkKey('multinomial', k);
  const dtype = floatDtype('multinomial', opts.dtype);
  const pDtype = paramFloat('multinomial', p);
  let pp = param('multinomial', 'p', p, pDtype);
  let nn = param('multinomial', 'n', n, pDtype);
  if (pp.ndim < 1) throw new TypeError(`random.multinomial: p must have at least one axis (the outcomes), got shape [${pp.shape}]`);
  const s = opts.shape === undefined ? pp.shape : shapeArg('multinomial', opts.shape);
  if (s.length < 1) throw new TypeError('random.multinomial: shape must end with the number of outcomes');
  sampleShape('multinomial', s, [['p', pp]]);
  sampleShape('multinomial', s.slice(0, -1), [['n', nn]]);
  nn = bcast(nn, s.slice(0, -1));
  pp = np.moveaxis(bcast(pp, s), -1, 0);
  const remaining = np.cumsum(pp, 0, { reverse: true });
  const ratios = np.divide(pp, np.where(np.equal(remaining, 0), scalar(1, pDtype), remaining));
  const keys = split(k, ratios.shape[0]);
  const [, counts] = scan((rem: Array, [ratio, kk]: Array[]) => {
    const cnt = binomial(kk, rem, np.clip(ratio, 0, 1), undefined, { dtype: rem.dtype });
    return [np.subtract(rem, cnt), cnt];
  }, nn, [ratios, keys] as Array[]);
  return np.moveaxis(counts as Array, 0, -1).astype(dtype);
}

/**
 * JAX's `_shuffle`: ceil(3 ln(size) / ln(2^32 - 1)) rounds, each sorting `x` along `axis` by
 * fresh 32-bit keys (key, subkey = split(key); bits(subkey, x.shape)), compared as uint32.
 */
function shuffle(k: Array, x: Array, axis: number): Array {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, x.size))) / Math.log(2 ** 32 - 1));
  let key = k;
  let out = x;
  for (let r = 0; r < rounds; r++) {
    const ks = split(key);
    key = ks.slice(0);
    // uint32 order = int32 order after flipping the sign bit.
    const sortKeys = np.bitwiseXor(rawBits(ks.slice(1), out.shape), i32(-(2 ** 31)));
    out = np.takeAlongAxis(out, np.argsort(sortKeys, axis), axis);
  }
  return out;
}

/**
 * `x` shuffled along `axis`, each 1-D fibre independently (JAX's deprecated `random.shuffle`,
 * which is `permutation(key, x, axis, true)`; the same stream as JAX's for the same key).
 */
export function shuffleArray(k: Array, x: Array, axis = 0): Array {
  checkKey('shuffle', k);
  if (!(x instanceof ArrayClass) || x.ndim === 0) throw new TypeError(`random.shuffle: x must be an array of rank >= 1, got ${x instanceof ArrayClass ? 'a scalar' : typeof x}; for a permutation of range(n) use random.permutation(key, n)`);
  return permutation(k, x, axis, true);
}

/**
 * A random permutation (JAX's `permutation`): of arange(x) for an integer x; of a 1-D array; of
 * the slices of `x` along `axis` (one shuffled index vector, applied with take); or, with
 * `independent: true`, of each 1-D fibre along `axis` separately. Same key, same permutation as JAX.
 */
export function permutation(k: Array, x: number | Array, axis = 0, independent = false): Array {
  checkKey('permutation', k);
  if (typeof x === 'number' || x.ndim === 0) {
    const n = typeof x === 'number' ? x : Number(x.item());
    if (!Number.isInteger(n) || n < 0 || (typeof x !== 'number' && isFloat(x.dtype))) {
      throw new TypeError(`random.permutation: x must be a non-negative integer or an array of rank >= 1, got ${typeof x === 'number' ? x : `a ${x.dtype} scalar`}; e.g. permutation(key, 10)`);
    }
    return shuffle(k, np.arange(n).astype('int32'), 0);
  }
  if (!Number.isInteger(axis) || axis < -x.ndim || axis >= x.ndim) throw new RangeError(`random.permutation: axis ${axis} is out of range for x of shape [${x.shape}]`);
  const ax = axis < 0 ? axis + x.ndim : axis;
  if (independent || x.ndim === 1) return shuffle(k, x, ax);
  const ind = shuffle(k, np.arange(x.shape[ax]).astype('int32'), 0);
  return np.take(x, ind, ax);
}
