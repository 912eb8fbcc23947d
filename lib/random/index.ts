/**
 * `random`: JAX's counter-based PRNG (threefry2x32), bit-compatible with `jax.random` for the
 * same seed. A key is a uint32 array of shape [2] holding JAX's raw (legacy `PRNGKey`) uint32
 * words. Functions take one key; batch over keys with `vmap`.
 *
 * Stream layout: by default this follows `jax_threefry_partitionable=True`, JAX's default since
 * JAX 0.5.0 (random bits, split and fold_in all hash the row-major element index as a 64-bit
 * counter). `setThreefryPartitionable(false)` reproduces the values of JAX < 0.5.0.
 */
import { Array as ArrayClass, type Array, type ArrayOrScalar } from '../core/array.js';
import { checkShapeArg, describeValue } from '../numpy/validate.js';
import { type DType, getDefaultFloat, isFloat, isInt } from '../core/dtype.js';
import { bind, bind1 } from '../core/trace.js';
import * as np from '../numpy/index.js';
import { BitcastConvertType, ShiftLeft, ShiftRightLogical, Threefry2x32 } from '../primitives/random.js';

let partitionable = true;

/** Chooses JAX's `jax_threefry_partitionable` stream layout (default true, as in JAX >= 0.5.0). */
export function setThreefryPartitionable(on: boolean): void { partitionable = on; }
/** Whether the `jax_threefry_partitionable` stream layout is on (see `setThreefryPartitionable`). */
export const getThreefryPartitionable = (): boolean => partitionable;

import type { Shape } from './common.js';

export type { Shape, Param } from './common.js';
const shapeOf = (s: Shape): number[] => (typeof s === 'number' ? [s] : globalThis.Array.isArray(s) ? [...s] : (s as unknown as number[]));
const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** An int32 constant on `device` (the key's: counters and shift amounts live where the key does). */
const i32 = (v: number | Int32Array, shape?: readonly number[], device?: string): Array =>
  np.array(typeof v === 'number' ? v | 0 : v, { dtype: 'int32', ...(shape ? { shape: [...shape] } : {}), ...(device ? { device } : {}) });

function checkShape(who: string, shape: readonly number[]): void {
  checkShapeArg(`random.${who}`, shape);
}

/** Key data: uint32 words, as JAX's raw keys; int32 words (the same bits) are accepted too. */
const isKeyDtype = (d: DType): boolean => d === 'uint32' || d === 'int32';
/** A key's (or counter's) words as int32, the bits threefry works on. */
const asWords = (k: Array): Array => (k.dtype === 'int32' ? k : k.astype('int32'));
/** int32 words as a key (uint32, as JAX's raw keys print). */
const asKey = (w: Array): Array => w.astype('uint32');

/**
 * Checks a single raw key: uint32 of shape [2]. Typed callers always pass an Array,
 * but a seed passed where the key goes (`normal(0, [3])`) is the common slip, so anything is checked.
 */
function checkKey(who: string, key: unknown): asserts key is Array {
  const make = `make one with random.key(seed) and derive more with random.split(key)`;
  if (!(key instanceof ArrayClass)) {
    throw new TypeError(`random.${who}: the first argument must be a key (uint32 array of shape [2]), got ${describeValue(key)}; ${make}`);
  }
  if (!isKeyDtype(key.dtype) || key.ndim === 0 || key.shape[key.ndim - 1] !== 2) {
    throw new TypeError(`random.${who}: expected a key (uint32 array of shape [2]), got ${describeValue(key)}; ${make}`);
  }
  if (key.ndim !== 1) {
    throw new TypeError(`random.${who}: takes a single key, got a key array of shape [${key.shape}]; batch over keys with vmap`);
  }
}

const halves = (key: Array): [Array, Array] => {
  const w = asWords(key);
  return [w.slice(0), w.slice(1)];
};

/**
 * A key from an integer seed (JAX's `threefry_seed`): [hi, lo] words of the seed. By default this
 * follows JAX's default 32-bit mode, where the seed is first wrapped to int32, so the key is
 * [0, seed mod 2^32] (seed -1 -> [0, 0xffffffff]). With `{ x64: true }` (JAX with
 * `jax_enable_x64`) the 64-bit two's complement is kept: -1 -> [0xffffffff, 0xffffffff],
 * 2^32 + 5 -> [1, 5]. Pass a bigint for exact 64-bit seeds beyond 2^53.
 *
 * The seed may be an integer scalar Array, also a traced one: `vmap(random.key)(np.arange(3))`
 * gives three keys, [0, seed as uint32 bits] each, as JAX's for 32-bit seeds.
 */
export function key(seed: number | bigint | Array, opts: { x64?: boolean } = {}): Array {
  if (seed instanceof ArrayClass) {
    if (!isInt(seed.dtype) || seed.ndim !== 0) {
      throw new TypeError(`random.key: an Array seed must be an integer scalar, got ${describeValue(seed)}; convert with astype('int32'), or map over seeds with vmap`);
    }
    const lo = seed.astype('uint32');
    return np.stack([np.zerosLike(lo), lo]);
  }
  if ((typeof seed !== 'number' || !Number.isInteger(seed)) && typeof seed !== 'bigint') {
    throw new TypeError(`random.key: seed must be an integer or a bigint, got ${describeValue(seed)}; e.g. random.key(0)`);
  }
  const s = BigInt(seed);
  if (s < -(2n ** 63n) || s >= 2n ** 64n) throw new RangeError(`random.key: seed ${s} does not fit in 64 bits`);
  const u = BigInt.asUintN(64, s);
  const hi = opts.x64 ? Number(u >> 32n) : 0;
  const lo = Number(u & 0xffffffffn);
  return np.array(Uint32Array.of(hi, lo));
}
/** JAX's legacy name for `key` (our keys are always raw uint32 words). */
export const PRNGKey = key;

/** A key for another use (JAX's `clone`, for new-style keys that may be consumed once): keys here are plain values, so the same key. */
export const clone = (k: Array): Array => k;
/** The key whose raw words are `data` (uint32 [..., 2], or int32 bits; JAX's `wrap_key_data`), checked. */
export function wrapKeyData(data: Array, opts: { impl?: 'threefry2x32' } = {}): Array {
  if (opts.impl !== undefined && opts.impl !== 'threefry2x32') throw new TypeError(`random.wrapKeyData: the only implementation is 'threefry2x32', got '${String(opts.impl)}'`);
  if (!(data instanceof ArrayClass) || !isKeyDtype(data.dtype) || data.ndim < 1 || data.shape[data.ndim - 1] !== 2) {
    throw new TypeError(`random.wrapKeyData: expected uint32 key data of shape [..., 2] (as random.keyData gives), got ${data instanceof ArrayClass ? `${data.dtype}[${data.shape}]` : describeValue(data)}`);
  }
  return data.dtype === 'uint32' ? data : asKey(data);
}
/** The PRNG implementation of a key (JAX's `key_impl`): always 'threefry2x32' here. */
export function keyImpl(k: Array): 'threefry2x32' {
  checkKey('keyImpl', k);
  return 'threefry2x32';
}

/** The raw words of a key as unsigned numbers (what JAX prints for `key_data`). */
export function keyData(k: Array): number[] {
  return globalThis.Array.from(k.dataSync(), (v) => v >>> 0);
}

/**
 * JAX's `threefry_2x32(key, count)`: hashes a counter array (uint32, or int32 bits) of any shape,
 * into the counter's dtype. The flat counter is padded to even length and split in halves that
 * form the (x0, x1) pairs; the two output halves are concatenated back.
 */
export function threefry2x32(k: Array, count: Array): Array {
  checkKey('threefry2x32', k);
  if (!isKeyDtype(count.dtype)) throw new TypeError(`random.threefry2x32: count must be uint32 (or int32 bits), got ${count.dtype}`);
  if (count.dtype === 'uint32') return threefry2x32(k, asWords(count)).astype('uint32');
  const n = count.size;
  if (n === 0) return count;
  let flat = count.reshape([n]);
  if (n % 2) flat = np.concatenate([flat, i32(0, [1], count.device)]);
  const h = flat.size / 2;
  const [k0, k1] = halves(k);
  const [y0, y1] = bind(Threefry2x32, [k0, k1, flat.slice([0, h]), flat.slice([h, 2 * h])]);
  let out = np.concatenate([y0, y1]);
  if (n % 2) out = out.slice([0, n]);
  return out.reshape(count.shape);
}

/** threefry over the 64-bit row-major index of `shape` (JAX's `iota_2x32_shape` counters). */
function hashIota(k: Array, shape: readonly number[]): [Array, Array] {
  const n = prod(shape);
  if (n >= 2 ** 32) throw new RangeError(`random: ${n} values need counters beyond 2^32, which are not supported`);
  const lo = new Int32Array(n);
  for (let i = 0; i < n; i++) lo[i] = i | 0;
  const [k0, k1] = halves(k);
  const [b0, b1] = bind(Threefry2x32, [k0, k1, i32(0, [], k.device), i32(lo, shape, k.device)]);
  return [b0, b1];
}

const iota = (n: number, device: string): Array => {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i | 0;
  return i32(a, [n], device);
};

/** `num` new keys, shape [num, 2] (or [...num, 2] for a shape). */
export function split(k: Array, num: Shape = 2): Array {
  checkKey('split', k);
  const shape = shapeOf(num);
  checkShape('split', shape);
  if (partitionable) {
    const [b0, b1] = hashIota(k, shape);
    return asKey(np.stack([b0, b1], shape.length));
  }
  return asKey(threefry2x32(k, iota(2 * prod(shape), k.device)).reshape([...shape, 2]));
}

/** A new key from `key` and integer data (as uint32): threefry of the counter [0, data]. */
export function foldIn(k: Array, data: number | Array): Array {
  checkKey('foldIn', k);
  let d: Array;
  if (!(data instanceof ArrayClass) && typeof data !== 'number') {
    throw new TypeError(`random.foldIn: data must be an integer or an integer scalar Array, got ${describeValue(data)}`);
  }
  if (typeof data === 'number') {
    if (!Number.isInteger(data)) throw new TypeError(`random.foldIn: data must be an integer, got ${data}`);
    d = i32(Number(BigInt.asUintN(32, BigInt(data))) | 0, [], k.device);
  } else {
    if (data.ndim !== 0) throw new TypeError(`random.foldIn: data must be a scalar, got shape [${data.shape}]`);
    d = data.dtype === 'int32' ? data : data.astype('int32');
  }
  return asKey(threefry2x32(k, np.stack([i32(0, [], k.device), d])));
}

/** 32 random bits per element as uint32, JAX's `random.bits(key, shape)`. */
export function bits(k: Array, shape: Shape = []): Array {
  return rawBits(k, shape, 'bits').astype('uint32');
}

/** @internal `bits` as int32 (the same bits), which the samplers compute on. */
export function rawBits(k: Array, shape: Shape = [], who = 'bits'): Array {
  checkKey(who, k);
  const s = shapeOf(shape);
  checkShape(who, s);
  if (partitionable) {
    const [b0, b1] = hashIota(k, s);
    return np.bitwiseXor(b0, b1);
  }
  return threefry2x32(k, iota(prod(s), k.device)).reshape(s);
}

/** 64 random bits per element as [hi, lo] uint32 words (JAX's `_random_bits(key, 64, shape)`). */
export function bits64(k: Array, shape: Shape = []): [Array, Array] {
  checkKey('bits64', k);
  const s = shapeOf(shape);
  checkShape('bits64', s);
  if (partitionable) return hashIota(k, s);
  const n = prod(s);
  const all = threefry2x32(k, iota(2 * n, k.device));
  return [all.slice([0, n]).reshape(s), all.slice([n, 2 * n]).reshape(s)];
}

const shr = (x: Array, s: number): Array => bind1(ShiftRightLogical, [x, i32(s, [], x.device)]);
const shl = (x: Array, s: number): Array => bind1(ShiftLeft, [x, i32(s, [], x.device)]);

function floatDtype(who: string, dtype: DType | undefined): DType {
  const d = dtype ?? getDefaultFloat();
  if (!isFloat(d)) throw new TypeError(`random.${who}: dtype must be 'float32' or 'float64', got ${JSON.stringify(d)}; for random integers use random.bits or floor a uniform sample`);
  return d;
}

const asDtype = (x: ArrayOrScalar, dtype: DType): Array =>
  typeof x === 'number' || typeof x === 'boolean' ? np.array(Number(x), { dtype }) : x.dtype === dtype ? x : x.astype(dtype);

/**
 * Floats in [0, 1) from random mantissa bits with exponent 0 (JAX's bit trick): float32 takes
 * bits >>> 9 | 0x3f800000 (1.0's bits) minus 1; float64 takes the top 52 of 64 bits the same way.
 */
function unitFloats(k: Array, shape: readonly number[], dtype: DType): Array {
  if (dtype === 'float32') {
    const f = np.bitwiseOr(shr(rawBits(k, shape), 32 - 23), 0x3f800000);
    return np.subtract(bind1(BitcastConvertType, [f], { newDtype: 'float32' }), 1);
  }
  const [hi, lo] = bits64(k, shape);
  // (hi:lo) >>> 12 | 0x3ff0000000000000, done on the two words.
  const newHi = np.bitwiseOr(shr(hi, 12), 0x3ff00000);
  const newLo = np.bitwiseOr(shr(lo, 12), shl(hi, 20));
  const words = np.stack([newLo, newHi], shape.length);
  return np.subtract(bind1(BitcastConvertType, [words], { newDtype: 'float64' }), 1);
}

/** Options of `random.uniform`. */
export interface UniformOpts {
  /** The float dtype of the samples (default: the default float). */
  dtype?: DType;
  /** The lower bound, inclusive (default 0); broadcast against the shape. */
  minval?: ArrayOrScalar;
  /** The upper bound, exclusive (default 1); broadcast against the shape. */
  maxval?: ArrayOrScalar;
}

/** Uniform floats in [minval, maxval); differentiable in minval and maxval (JAX's algorithm). */
export function uniform(k: Array, shape: Shape = [], opts: UniformOpts = {}): Array {
  checkKey('uniform', k);
  const s = shapeOf(shape);
  checkShape('uniform', s);
  const dtype = floatDtype('uniform', opts.dtype);
  const lo = asDtype(opts.minval ?? 0, dtype);
  const hi = asDtype(opts.maxval ?? 1, dtype);
  const u = unitFloats(k, s, dtype);
  return np.maximum(lo, np.add(np.multiply(u, np.subtract(hi, lo)), lo));
}

/** Standard normal samples: sqrt(2)·erfinv(u) with u uniform in (-1, 1), as JAX does. */
export function normal(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('normal', k);
  checkShape('normal', shapeOf(shape));
  const dtype = floatDtype('normal', opts.dtype);
  // nextafter(-1, 0) in the dtype, so erfinv never sees -1.
  const lo = dtype === 'float32' ? -1 + 2 ** -24 : -1 + 2 ** -53;
  const u = uniform(k, shape, { dtype, minval: lo, maxval: 1 });
  return np.multiply(np.array(Math.SQRT2, { dtype }), np.erfinv(u));
}

/** Standard Gumbel samples: -log(-log(u)), u uniform in [tiny, 1). */
export function gumbel(k: Array, shape: Shape = [], opts: { dtype?: DType } = {}): Array {
  checkKey('gumbel', k);
  checkShape('gumbel', shapeOf(shape));
  const dtype = floatDtype('gumbel', opts.dtype);
  const tiny = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
  return np.negative(np.log(np.negative(np.log(uniform(k, shape, { dtype, minval: tiny, maxval: 1 })))));
}

/**
 * Samples category indices from unnormalized log-probabilities by the Gumbel-max trick:
 * argmax(logits + gumbel) along `axis`. `shape` must end with the batch shape (logits' shape
 * without `axis`); leading axes draw independent samples.
 */
export function categorical(k: Array, logits: ArrayOrScalar, opts: { axis?: number; shape?: Shape; replace?: boolean } = {}): Array {
  checkKey('categorical', k);
  let l = typeof logits === 'number' || typeof logits === 'boolean' ? np.array(Number(logits)) : logits;
  if (!isFloat(l.dtype)) l = l.astype(getDefaultFloat());
  if (l.ndim === 0) throw new TypeError('random.categorical: logits must have at least one axis');
  let axis = opts.axis ?? -1;
  if (!Number.isInteger(axis) || axis < -l.ndim || axis >= l.ndim) throw new RangeError(`random.categorical: axis ${axis} is out of range for logits of rank ${l.ndim}`);
  if (axis >= 0) axis -= l.ndim;
  const ax = axis + l.ndim;
  const batch = l.shape.filter((_, i) => i !== ax);
  const shape = opts.shape === undefined ? batch : shapeOf(opts.shape);
  checkShape('categorical', shape);
  const tail = shape.slice(shape.length - batch.length);
  if (shape.length < batch.length || tail.some((d, i) => d !== batch[i])) {
    throw new TypeError(`random.categorical: shape [${shape}] must end with the batch shape [${batch}] (logits [${l.shape}] without axis ${ax})`);
  }
  const prefix = shape.slice(0, shape.length - batch.length);
  if (opts.replace !== undefined && typeof opts.replace !== 'boolean') throw new TypeError(`random.categorical: replace must be true or false, got ${String(opts.replace)}`);
  if (opts.replace === false) return withoutReplacement(k, l, ax, prefix, batch);
  const logitsShape = [...tail];
  logitsShape.splice(ax, 0, l.shape[ax]);
  const g = gumbel(k, [...prefix, ...logitsShape], { dtype: l.dtype });
  const lb = prefix.length ? np.expandDims(l, prefix.map((_, i) => i)) : l;
  return np.argmax(np.add(g, lb), axis);
}

/**
 * categorical's `replace: false`, as JAX: the Gumbel-top-k trick. One Gumbel draw perturbs the
 * logits (their own shape); the prod(prefix) largest along the axis, in descending order, are the
 * samples, laid out as [...prefix, ...batch]. Taken categories rank below every untaken one, even
 * those of logit −inf, so the samples are always distinct.
 */
function withoutReplacement(k: Array, l: Array, ax: number, prefix: readonly number[], batch: readonly number[]): Array {
  const count = prefix.reduce((a, b) => a * b, 1);
  const n = l.shape[ax];
  if (count > n) {
    throw new RangeError(`random.categorical: ${count} samples without replacement (shape prefix [${prefix}]) exceed the ${n} categories along axis ${ax} of logits [${l.shape}]`);
  }
  let p = np.maximum(np.add(gumbel(k, l.shape, { dtype: l.dtype }), l), -Number.MAX_VALUE);
  const cats = np.arange(n).reshape(l.shape.map((d, i) => (i === ax ? d : 1)));
  const picks: Array[] = [];
  for (let i = 0; i < count; i++) {
    const pick = np.argmax(p, ax);
    picks.push(pick);
    p = np.where(np.equal(cats, np.expandDims(pick, ax)), -Infinity, p);
  }
  return np.reshape(np.stack(picks, 0), [...prefix, ...batch]);
}

/**
 * Booleans that are true with probability p: uniform(key, shape) < p. A JS-number `p` takes
 * `opts.dtype` or the default float (JAX's default is float32: pass `{ dtype: 'float32' }` to
 * reproduce its bits).
 */
export function bernoulli(k: Array, p: ArrayOrScalar = 0.5, shape?: Shape, opts: { dtype?: DType } = {}): Array {
  checkKey('bernoulli', k);
  const isArr = typeof p !== 'number' && typeof p !== 'boolean';
  const dtype = isArr && isFloat((p as Array).dtype) ? (p as Array).dtype : floatDtype('bernoulli', opts.dtype);
  const pa = asDtype(p, dtype);
  const s = shape === undefined ? pa.shape : shapeOf(shape);
  return np.less(uniform(k, s, { dtype }), pa);
}
export { randint, choice, exponential, laplace, logistic, cauchy, rademacher, truncatedNormal, multivariateNormal, type ChoiceOpts } from './distributions.js';
export { gamma, loggamma, type GammaOpts } from './gamma.js';
export { beta, dirichlet, chisquare, f, t, generalizedNormal, ball, pareto, lognormal, maxwell, doubleSidedMaxwell, weibullMin, rayleigh, wald, triangular, orthogonal } from './continuous.js';
export { poisson, geometric, binomial, multinomial, permutation, shuffleArray as shuffle } from './discrete.js';
