/**
 * More of `jax.lax` by name, each a composition of existing ops (so jit, vmap and grad pass
 * through): exact `approxMaxK`/`approxMinK`, `fft` over np.fft, the complex parts on `np.Complex`,
 * `stack`/`unstack`, `raggedDot`, and the collectives `psumScatter`, `allToAll`, `pbroadcast` over
 * named vmap axes (written with psum/allGather/axisIndex, whose rules batch and transpose), plus
 * `withShardingConstraint`, an identity on one device.
 */
import { Array, type ArrayOrScalar, type Nested } from '../core/array.js';
import { type DType, isFloat, isInt } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { flatten, unflatten } from '../core/pytree.js';
import type { ArrayTree } from '../core/tree-types.js';
import { Complex } from '../numpy/complex.js';
import { array, fullLike, iota, zerosLike } from '../numpy/creation.js';
import * as npfft from '../numpy/fft.js';
import { equal, greaterEqual, less, logicalAnd, multiply, subtract, where } from '../numpy/math.js';
import { matmul } from '../numpy/linalg.js';
import { asArray, convert, sliceAxis } from '../numpy/promote.js';
import { cumsum, sum } from '../numpy/reductions.js';
import { moveaxis, reshape } from '../numpy/shape.js';
import { sortTogether } from '../numpy/sorting.js';
import { allGather, axisIndex, axisSize, psum } from './collectives.js';
import { broadcastInDim, concatenate, dynamicIndexInDim, dynamicSliceInDim, expandDims, indexInDim, squeeze } from './ops.js';

const desc = (x: unknown): string => (x instanceof Array ? avalStr(x.aval) : x instanceof Complex ? `a Complex of shape [${x.shape}]` : x === null ? 'null' : globalThis.Array.isArray(x) ? 'a JS array' : `the JS ${typeof x} ${String(x)}`);

function arrayArg(who: string, x: unknown): Array {
  if (x instanceof Array) return x;
  if (typeof x === 'number' || typeof x === 'boolean') return asArray(x);
  throw new TypeError(`lax.${who}: expected an Array, got ${desc(x)}${globalThis.Array.isArray(x) ? '; wrap JS data with np.array(...)' : ''}`);
}

// ---- approxMaxK, approxMinK ---------------------------------------------------------

/** JAX's approx_max_k/approx_min_k parameters (the approximation ones are accepted and checked). */
export interface ApproxTopKOptions {
  /** The axis searched (default -1, the last). */
  reductionDimension?: number;
  /** JAX's target recall in (0, 1] (default 0.95); the search here is exact, so recall is 1. */
  recallTarget?: number;
  /** JAX's override of the searched length for its recall estimate (default -1); unused by an exact search. */
  reductionInputSizeOverride?: number;
  /** JAX's flag to sort and cut its partial results to k (default true); the result here is always the exact, sorted top k. */
  aggregateToTopk?: boolean;
}

function exactTopK(who: string, operand: unknown, k: number, opts: ApproxTopKOptions, largest: boolean): [Array, Array] {
  const x = arrayArg(who, operand);
  if (x.ndim === 0) throw new ShapeError(`lax.${who}: operand must have rank >= 1, got ${avalStr(x.aval)}`);
  const d = opts.reductionDimension ?? -1;
  if (!Number.isInteger(d) || d < -x.ndim || d >= x.ndim) throw new ShapeError(`lax.${who}: reductionDimension ${d} is out of range for ${avalStr(x.aval)}`);
  const ax = d < 0 ? d + x.ndim : d;
  const n = x.shape[ax];
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ShapeError(`lax.${who}: k must be an integer in [0, ${n}] (axis ${ax} of ${avalStr(x.aval)}), got ${k}`);
  const r = opts.recallTarget ?? 0.95;
  if (typeof r !== 'number' || !(r > 0 && r <= 1)) throw new RangeError(`lax.${who}: recallTarget must be in (0, 1], got ${String(r)}`);
  const idx = iota('int32', x.shape, ax, { device: x.device });
  const [v, i] = sortTogether([x, idx], ax, 1, largest);
  return [sliceAxis(v, ax, 0, k), sliceAxis(i, ax, 0, k)];
}

/**
 * The `k` largest entries of `operand` along `reductionDimension` (default last), largest first,
 * and their int32 indices: `[values, indices]` (`jax.lax.approx_max_k`). JAX's TPU kernel is
 * approximate; this one is exact, so the recall is 1 for any `recallTarget` (an exact top-k is a
 * valid answer of the approximate one). Ties come lowest index first; NaN counts as the largest.
 * The values are differentiable.
 *
 * @example
 * ```ts
 * const [v, i] = lax.approxMaxK(np.array([[1, 5, 3], [4, 0, 2]]), 2); // v: [[5, 3], [4, 2]], i: [[1, 2], [0, 2]]
 * ```
 */
export function approxMaxK(operand: Array, k: number, opts: ApproxTopKOptions = {}): [Array, Array] {
  return exactTopK('approxMaxK', operand, k, opts, true);
}

/**
 * The `k` smallest entries of `operand` along `reductionDimension` (default last), smallest first,
 * and their int32 indices: `[values, indices]` (`jax.lax.approx_min_k`). Exact, so the recall is
 * 1 (see `approxMaxK`). NaN counts as the largest (it comes last).
 *
 * @example
 * ```ts
 * const [v, i] = lax.approxMinK(np.array([3, 1, 2]), 2); // v: [1, 2], i: [1, 2]
 * ```
 */
export function approxMinK(operand: Array, k: number, opts: ApproxTopKOptions = {}): [Array, Array] {
  return exactTopK('approxMinK', operand, k, opts, false);
}

// ---- fft ----------------------------------------------------------------------------

/** XLA's FFT kinds (`jax.lax.FftType`): complex forward/inverse, real-to-complex, complex-to-real. */
export type FftType = 'FFT' | 'IFFT' | 'RFFT' | 'IRFFT';
/** The FftType names as constants (`lax.FftType.RFFT`), as JAX's enum. */
export const FftType = { FFT: 'FFT', IFFT: 'IFFT', RFFT: 'RFFT', IRFFT: 'IRFFT' } as const;

/**
 * XLA's FFT over the trailing `fftLengths.length` axes (`jax.lax.fft`). `fftType` is 'FFT'
 * (Complex → Complex), 'IFFT' (its inverse, divided by the product of the lengths), 'RFFT' (real
 * float Array → Complex, the last axis keeping n/2 + 1 bins) or 'IRFFT' (Complex → real Array; its
 * last input axis holds n/2 + 1 bins); lowercase names are accepted too. As XLA, `fftLengths` must
 * equal the trailing axes of the input (for IRFFT, of the output). A real Array given to FFT/IFFT
 * is read as a Complex with zero imaginary part.
 *
 * @example
 * ```ts
 * lax.fft(np.array([1, 0, 0, 0]), 'RFFT', [4]).js(); // [[1, 0], [1, 0], [1, 0]]
 * ```
 */
export function fft(x: Complex | Array, fftType: FftType | Lowercase<FftType>, fftLengths: readonly number[]): Complex | Array {
  const who = 'lax.fft';
  const type = typeof fftType === 'string' ? fftType.toUpperCase() : fftType;
  if (type !== 'FFT' && type !== 'IFFT' && type !== 'RFFT' && type !== 'IRFFT') {
    throw new TypeError(`${who}: fftType must be 'FFT', 'IFFT', 'RFFT' or 'IRFFT' (or lax.FftType.*), got ${JSON.stringify(fftType)}`);
  }
  if (!(x instanceof Complex) && !(x instanceof Array)) throw new TypeError(`${who}: expected a Complex or an Array, got ${desc(x)}`);
  if (!globalThis.Array.isArray(fftLengths) || fftLengths.length === 0 || fftLengths.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new TypeError(`${who}: fftLengths must be a non-empty JS array of positive integers, got ${JSON.stringify(fftLengths)}`);
  }
  const k = fftLengths.length;
  if (k > x.ndim) throw new ShapeError(`${who}: ${k} fftLengths for an input of rank ${x.ndim} (shape [${x.shape}]); give at most one length per axis`);
  const axes = globalThis.Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const trailing = x.shape.slice(x.ndim - k);
  const want = type === 'IRFFT' ? [...fftLengths.slice(0, -1), Math.floor(fftLengths[k - 1] / 2) + 1] : [...fftLengths];
  if (trailing.join() !== want.join()) {
    throw new ShapeError(`${who}: ${type} with fftLengths [${fftLengths}] needs trailing axes [${want}], got an input of shape [${x.shape}]; pad or slice the input first (np.fft.* pads and truncates for you)`);
  }
  if (type === 'RFFT') {
    if (x instanceof Complex || !isFloat(x.dtype)) throw new TypeError(`${who}: RFFT takes a real float Array, got ${desc(x)}; convert with lax.convertElementType(x, 'float32'), or use 'FFT' for a Complex`);
    return npfft.rfftn(x, fftLengths, axes);
  }
  if (x instanceof Array && !isFloat(x.dtype)) throw new TypeError(`${who}: ${type} takes a Complex (or a real float Array), got ${desc(x)}; convert with lax.convertElementType`);
  if (type === 'FFT') return npfft.fftn(x, fftLengths, axes);
  if (type === 'IFFT') return npfft.ifftn(x, fftLengths, axes);
  return npfft.irfftn(x, fftLengths, axes);
}

// ---- complex, real, imag, conj --------------------------------------------------------

/**
 * The complex number `x + i·y` (`jax.lax.complex`): `x` and `y` are real float Arrays of one shape
 * and dtype (a JS number takes the other's). Differentiable in both parts.
 *
 * @example
 * ```ts
 * lax.complex(np.array([1, 2]), np.array([3, 4])).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function complex(x: ArrayOrScalar, y: ArrayOrScalar): Complex {
  const who = 'lax.complex';
  if (typeof x === 'number' && typeof y === 'number') return new Complex(asArray(x), asArray(y));
  const ref = x instanceof Array ? x : y instanceof Array ? y : null;
  if (!ref) throw new TypeError(`${who}: expected real float Arrays (or one JS number), got ${desc(x)} and ${desc(y)}`);
  const part = (v: unknown): Array => {
    if (typeof v === 'number') return fullLike(ref, v);
    if (!(v instanceof Array)) throw new TypeError(`${who}: expected real float Arrays (or one JS number), got ${desc(v)}`);
    return v;
  };
  const [re, im] = [part(x), part(y)];
  if (!isFloat(re.dtype) || re.dtype !== im.dtype) throw new TypeError(`${who}: the parts must be float Arrays of one dtype, got ${desc(re)} and ${desc(im)}; convert with lax.convertElementType (np.complex promotes for you)`);
  if (re.shape.join() !== im.shape.join()) throw new ShapeError(`${who}: the parts must have one shape, got ${desc(re)} and ${desc(im)}; broadcast with lax.broadcastInDim (np.complex broadcasts for you)`);
  return new Complex(re, im);
}

function complexArg(who: string, z: unknown): Complex {
  if (z instanceof Complex) return z;
  throw new TypeError(`lax.${who}: expected a Complex, got ${desc(z)}; lax.${who} takes complex operands only (np.${who} also takes real arrays)`);
}

/**
 * The real part of a Complex (`jax.lax.real`), a real float Array. Unlike `np.real`, a real input
 * is an error, as in JAX.
 *
 * @example
 * ```ts
 * lax.real(np.complex([1, 2], [3, 4])).js(); // [1, 2]
 * ```
 */
export const real = (z: Complex): Array => complexArg('real', z).re;

/**
 * The imaginary part of a Complex (`jax.lax.imag`), a real float Array. A real input is an error.
 *
 * @example
 * ```ts
 * lax.imag(np.complex([1, 2], [3, 4])).js(); // [3, 4]
 * ```
 */
export const imag = (z: Complex): Array => complexArg('imag', z).im;

/**
 * The complex conjugate `re − i·im` (`jax.lax.conj`). As in JAX, a real float Array is accepted
 * and gives a Complex (with zero imaginary part).
 *
 * @example
 * ```ts
 * lax.conj(np.complex([1], [2])).js(); // [[1, -2]]
 * ```
 */
export function conj(z: Complex | Array): Complex {
  if (z instanceof Complex) return z.conj();
  if (z instanceof Array && isFloat(z.dtype)) return new Complex(z, zerosLike(z));
  throw new TypeError(`lax.conj: expected a Complex or a real float Array, got ${desc(z)}; convert with lax.convertElementType(x, 'float32')`);
}

// ---- stack, unstack ---------------------------------------------------------------

/**
 * Joins arrays of one shape and dtype along a new axis `axis` (`jax.lax.stack`).
 *
 * @example
 * ```ts
 * lax.stack([np.array([1, 2]), np.array([3, 4])], 1).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(operands: readonly ArrayOrScalar[], axis = 0): Array {
  if (!globalThis.Array.isArray(operands) || operands.length === 0) throw new TypeError('lax.stack: operands must be a non-empty JS array of Arrays, e.g. lax.stack([x, y], 0)');
  const xs = operands.map((o) => arrayArg('stack', o));
  const s = xs[0].shape.join();
  if (xs.some((a) => a.shape.join() !== s)) throw new ShapeError(`lax.stack: operands must have the same shape, got ${xs.map((a) => avalStr(a.aval)).join(', ')}; broadcast them first (np.stack does not either)`);
  const nd = xs[0].ndim + 1;
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) throw new ShapeError(`lax.stack: axis ${axis} is out of range for a result of rank ${nd}`);
  const ax = axis < 0 ? axis + nd : axis;
  try {
    return concatenate(xs.map((a) => expandDims(a, [ax])), ax);
  } catch (e) {
    if (e instanceof TypeError) throw new TypeError(e.message.replace(/^lax\.concatenate:/, 'lax.stack:'));
    throw e;
  }
}

/**
 * The slices of `x` along `axis`, that axis removed (`jax.lax.unstack`): the inverse of `stack`.
 *
 * @example
 * ```ts
 * lax.unstack(np.array([[1, 2], [3, 4]]), 1).map((a) => a.js()); // [[1, 3], [2, 4]]
 * ```
 */
export function unstack(x: ArrayOrScalar, axis = 0): Array[] {
  const a = arrayArg('unstack', x);
  if (a.ndim === 0) throw new ShapeError(`lax.unstack: needs an operand of rank >= 1, got ${avalStr(a.aval)}`);
  if (!Number.isInteger(axis) || axis < -a.ndim || axis >= a.ndim) throw new ShapeError(`lax.unstack: axis ${axis} is out of range for ${avalStr(a.aval)}`);
  const ax = axis < 0 ? axis + a.ndim : axis;
  return globalThis.Array.from({ length: a.shape[ax] }, (_, i) => indexInDim(a, i, ax, false));
}

/**
 * `arr` broadcast to the shape of `likeArr` (`jax.lax.broadcast_like`), its axes aligned with the
 * trailing axes of `likeArr` (an axis of size 1 stretches), as `lax.broadcastInDim`.
 *
 * @example
 * ```ts
 * lax.broadcastLike(np.array([1, 2, 3]), np.zeros([2, 3])).js(); // [[1, 2, 3], [1, 2, 3]]
 * ```
 */
export function broadcastLike(arr: ArrayOrScalar, likeArr: Array | Complex): Array {
  const a = arrayArg('broadcastLike', arr);
  const shape = likeArr.shape;
  const lead = shape.length - a.ndim;
  if (lead < 0 || a.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeError(`lax.broadcastLike: cannot broadcast ${avalStr(a.aval)} to the shape [${shape}] of likeArr; its axes must match likeArr's trailing axes (or be 1)`);
  }
  return a.shape.join() === shape.join() ? a : broadcastInDim(a, shape, a.shape.map((_, i) => lead + i));
}

// ---- raggedDot --------------------------------------------------------------------

/**
 * Ragged matrix multiplication (`jax.lax.ragged_dot`): `lhs` [m, k], `rhs` [g, k, n] and integer
 * `groupSizes` [g] give [m, n], the rows of `lhs` taken in consecutive groups (the first
 * `groupSizes[0]` rows, then the next `groupSizes[1]`, ...) and each group multiplied by its
 * `rhs[j]`. Rows past the sum of the sizes give zeros. Differentiable in `lhs` and `rhs`; the sizes
 * may be traced values (jit, vmap). `preferredElementType` converts the result.
 *
 * @example
 * ```ts
 * const lhs = np.array([[1, 2], [3, 4], [5, 6]]);
 * const rhs = np.array([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]); // identity, then 2 × identity
 * lax.raggedDot(lhs, rhs, np.array([1, 2], { dtype: 'int32' })).js(); // [[1, 2], [6, 8], [10, 12]]
 * ```
 */
export function raggedDot(lhs: Array, rhs: Array, groupSizes: Array | readonly number[], opts: { preferredElementType?: DType } = {}): Array {
  const who = 'lax.raggedDot';
  const l = arrayArg('raggedDot', lhs);
  const r = arrayArg('raggedDot', rhs);
  const gs = globalThis.Array.isArray(groupSizes) ? array(groupSizes as Nested, { dtype: 'int32' }) : arrayArg('raggedDot', groupSizes);
  if (l.ndim !== 2 || r.ndim !== 3) throw new ShapeError(`${who}: expected lhs [m, k] and rhs [g, k, n], got ${avalStr(l.aval)} and ${avalStr(r.aval)}`);
  const [m, k] = l.shape;
  const [g, k2] = r.shape;
  if (k !== k2) throw new ShapeError(`${who}: the contracting sizes differ: lhs ${avalStr(l.aval)} has k = ${k}, rhs ${avalStr(r.aval)} has k = ${k2}`);
  if (gs.ndim !== 1 || gs.shape[0] !== g || !isInt(gs.dtype)) throw new TypeError(`${who}: groupSizes must be an integer vector of length g = ${g} (rhs ${avalStr(r.aval)}), got ${avalStr(gs.aval)}`);
  if (l.dtype !== r.dtype) throw new TypeError(`${who}: lhs and rhs must have one dtype, got ${avalStr(l.aval)} and ${avalStr(r.aval)}; convert with lax.convertElementType`);
  const sizes = convert(gs, 'int32');
  const ends = reshape(cumsum(sizes), [g, 1, 1]);
  const starts = subtract(ends, reshape(sizes, [g, 1, 1]));
  const rows = iota('int32', [g, m, 1], 1, { device: l.device });
  const inGroup = logicalAnd(greaterEqual(rows, starts), less(rows, ends)); // [g, m, 1]
  // where, not a 0/1 product: a row outside a group must not carry its inf/NaN into that group.
  const perGroup = where(inGroup, reshape(l, [1, m, k]), 0); // [g, m, k]
  const out = sum(matmul(perGroup, r), 0);
  return opts.preferredElementType ? convert(out, opts.preferredElementType) : out;
}

// ---- collectives over named vmap axes --------------------------------------------

/** The leaves of a pytree argument as Arrays (JS numbers and booleans become arrays), and its structure. */
function leavesOf(x: unknown): [Array[], ReturnType<typeof flatten>[1]] {
  const [ls, def] = flatten(x);
  return [ls.map((l) => (l instanceof Array ? l : asArray(l as number | boolean))), def];
}

function oneName(who: string, axisName: unknown): string {
  if (typeof axisName !== 'string') throw new TypeError(`lax.${who}: axisName must be one axis name (a string) here, got ${desc(axisName)}; nest the call per name`);
  axisSize(axisName); // throws, naming the names in scope, when unbound
  return axisName;
}

function axisOf(who: string, what: string, a: number, ndim: number): number {
  if (!Number.isInteger(a) || a < -ndim || a >= ndim) throw new ShapeError(`lax.${who}: ${what} ${a} is out of range for an example of rank ${ndim}`);
  return a < 0 ? a + ndim : a;
}

/**
 * `psum(x, axisName)` with each example keeping only its own part of the sum
 * (`jax.lax.psum_scatter`): with `tiled` false (the default) axis `scatterDimension` (default 0)
 * must have the axis' size n and example i gets the sum's entry i along it (that axis removed);
 * with `tiled` it must be divisible by n and example i gets the i-th of n equal blocks. Its
 * transpose is allGather, so it is differentiable.
 *
 * @example
 * ```ts
 * // 2 examples, each [2]: the sum is [4, 6]; example 0 keeps 4, example 1 keeps 6.
 * vmap((x: Array) => lax.psumScatter(x, 'i'), 0, 0, { axisName: 'i' })(np.array([[1, 2], [3, 4]])).js(); // [4, 6]
 * ```
 */
export function psumScatter<T>(x: T, axisName: string, opts: { scatterDimension?: number; tiled?: boolean } = {}): ArrayTree<T> {
  const who = 'psumScatter';
  const name = oneName(who, axisName);
  const n = axisSize(name);
  const [ls, def] = leavesOf(x);
  return unflatten(def, ls.map((l) => {
    const d = axisOf(who, 'scatterDimension', opts.scatterDimension ?? 0, l.ndim);
    const len = l.shape[d];
    const s = psum(l, name) as Array;
    const i = axisIndex(name);
    if (!opts.tiled) {
      if (len !== n) throw new ShapeError(`lax.psumScatter: axis ${d} of an example (${avalStr(l.aval)}) must have the size of axis '${name}' (${n}); pass tiled: true to scatter blocks of a multiple of ${n}`);
      return dynamicIndexInDim(s, i, d, false);
    }
    if (len % n !== 0) throw new ShapeError(`lax.psumScatter: axis ${d} of an example (${avalStr(l.aval)}) must be divisible by the size of axis '${name}' (${n}) when tiled`);
    return dynamicSliceInDim(s, multiply(i, len / n), len / n, d);
  }));
}

/** The tiled all_to_all of one example: split `split` into n blocks, block j to example j, received blocks joined along `concat`. */
function tiledAllToAll(x: Array, name: string, n: number, split: number, concat: number): Array {
  const c = x.shape[split] / n;
  const all = allGather(x, name) as Array; // [n, ...x.shape]: every example's x
  const mine = dynamicSliceInDim(all, multiply(axisIndex(name), c), c, split + 1); // block i of every example
  const shape = mine.shape.slice(1);
  const moved = moveaxis(mine, 0, concat); // the sender axis just before `concat`
  return reshape(moved, [...shape.slice(0, concat), n * shape[concat], ...shape.slice(concat + 1)]);
}

/**
 * Materialises the named axis and maps another (`jax.lax.all_to_all`): each example's axis
 * `splitAxis` is split into n parts (n the size of `axisName`), part j sent to example j, and the
 * parts each example receives are placed, in sender order, along `concatAxis`. With `tiled` false
 * (the default) `splitAxis` must have size n and is removed, and a new axis of size n appears at
 * `concatAxis` (a position in the result); so example i's result at position j of `concatAxis` is
 * example j's `x` at index i of `splitAxis`. With `tiled` the axes keep their rank: `splitAxis`
 * shrinks n-fold and `concatAxis` grows n-fold.
 *
 * @example
 * ```ts
 * // Under vmap over axis 'i' of size 2, all_to_all(x, 'i', 0, 0) transposes the stacked [2, 2] array.
 * vmap((x: Array) => lax.allToAll(x, 'i', 0, 0), 0, 0, { axisName: 'i' })(np.array([[1, 2], [3, 4]])).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function allToAll<T>(x: T, axisName: string, splitAxis: number, concatAxis: number, opts: { tiled?: boolean } = {}): ArrayTree<T> {
  const who = 'allToAll';
  const name = oneName(who, axisName);
  const n = axisSize(name);
  const [ls, def] = leavesOf(x);
  return unflatten(def, ls.map((l) => {
    let split = axisOf(who, 'splitAxis', splitAxis, l.ndim);
    let concat = axisOf(who, 'concatAxis', concatAxis, l.ndim);
    const len = l.shape[split];
    if (opts.tiled) {
      if (len % n !== 0) throw new ShapeError(`lax.allToAll: splitAxis ${split} of an example (${avalStr(l.aval)}) must be divisible by the size of axis '${name}' (${n}) when tiled`);
      return tiledAllToAll(l, name, n, split, concat);
    }
    if (len !== n) throw new ShapeError(`lax.allToAll: splitAxis ${split} of an example (${avalStr(l.aval)}) must have the size of axis '${name}' (${n}); pass tiled: true to split it into ${n} blocks`);
    // JAX's reduction of the untiled form to the tiled one: a unit axis at concatAxis, then drop splitAxis.
    let y = l;
    if (split < concat) { concat += 1; y = expandDims(y, [concat]); } else if (split > concat) { y = expandDims(y, [concat]); split += 1; }
    const out = tiledAllToAll(y, name, n, split, concat);
    return split === concat ? out : squeeze(out, [split]);
  }));
}

/**
 * Swaps the named axis with the example's axis `axis` (`jax.lax.pswapaxes`): `allToAll(x,
 * axisName, axis, axis)`, so `axis` must have the size of `axisName`, and example i's entry j
 * along `axis` becomes example j's entry i.
 *
 * @example
 * ```ts
 * vmap((x: Array) => lax.pswapaxes(x, 'i', 0), 0, 0, { axisName: 'i' })(np.array([[1, 2], [3, 4]])).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function pswapaxes<T>(x: T, axisName: string, axis: number): ArrayTree<T> {
  return allToAll(x, axisName, axis, axis);
}

/**
 * Every example receives example `source`'s `x` (`jax.lax.pbroadcast`, XLA's CollectiveBroadcast):
 * `psum(where(axisIndex(axisName) == source, x, 0), axisName)`, written that way, so it is
 * differentiable (the cotangents of all examples go to `source`).
 *
 * @example
 * ```ts
 * vmap((x: Array) => lax.pbroadcast(x, 'i', 2), 0, 0, { axisName: 'i' })(np.array([1, 2, 3])).js(); // [3, 3, 3]
 * ```
 */
export function pbroadcast<T>(x: T, axisName: string, source: number): ArrayTree<T> {
  const name = oneName('pbroadcast', axisName);
  const n = axisSize(name);
  if (!Number.isInteger(source) || source < 0 || source >= n) throw new RangeError(`lax.pbroadcast: source must be an integer in [0, ${n}) (the size of axis '${name}'), got ${String(source)}`);
  const [ls, def] = leavesOf(x);
  const me = equal(axisIndex(name), source);
  return unflatten(def, ls.map((l) => psum(where(me, l, zerosLike(l)), name) as Array));
}

/**
 * `x` unchanged (`jax.lax.with_sharding_constraint`): on one device there is nothing to constrain,
 * so any `shardings` value is accepted and ignored. Kept so JAX code ports unchanged.
 *
 * @example
 * ```ts
 * lax.withShardingConstraint(np.array([1, 2]), null).js(); // [1, 2]
 * ```
 */
export function withShardingConstraint<T>(x: T, shardings?: unknown): T {
  void shardings;
  return x;
}
