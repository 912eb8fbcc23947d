/**
 * More of numpy's shape functions and array queries: atleast1d/2d/3d, broadcastArrays, fliplr,
 * flipud, rollaxis, unstack, block, resize, trimZeros, insert, delete, fillDiagonal, the
 * *IndicesFrom helpers, ndim/shape/size, isscalar, iterable, copy, emptyLike, concat and vecdot.
 * All are compositions of existing ops; only trimZeros reads data (eager only).
 */
import { Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import type { DType } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { diagIndices, trilIndices, triuIndices } from './arrange.js';
import { array, zeros } from './creation.js';
import { take } from './indexing.js';
import { multiply } from './math.js';
import { put } from './indexing-more.js';
import { asArray, broadcastShapes, broadcastTo, convert, normAxis, promote, sliceAxis } from './promote.js';
import { sum } from './reductions.js';
import { concatenate, flip, moveaxis, ravel, reshape, transpose } from './shape.js';
import { checkOperand, describeValue } from './validate.js';

const operand = (who: string, x: ArrayOrScalar): Array => asArray(checkOperand(who, x));
/** A static JS list of indices as an int32 Array. */
const ints = (v: readonly number[]): Array => array([...v], { dtype: 'int32' });

function atleast(who: string, xs: readonly ArrayOrScalar[], f: (a: Array) => Array): Array | Array[] {
  const out = xs.map((x) => f(operand(who, x)));
  return out.length === 1 ? out[0] : out;
}

/** Each input with at least one axis: one array in gives one array out, several give a JS array. */
export function atleast1d(x: ArrayOrScalar): Array;
export function atleast1d(...xs: ArrayOrScalar[]): Array[];
export function atleast1d(...xs: ArrayOrScalar[]): Array | Array[] {
  return atleast('np.atleast1d', xs, (a) => (a.ndim >= 1 ? a : reshape(a, [1])));
}

/** Each input with at least two axes ([N] becomes [1, N]); one in, one out; several in, a JS array out. */
export function atleast2d(x: ArrayOrScalar): Array;
export function atleast2d(...xs: ArrayOrScalar[]): Array[];
export function atleast2d(...xs: ArrayOrScalar[]): Array | Array[] {
  return atleast('np.atleast2d', xs, (a) => (a.ndim >= 2 ? a : reshape(a, a.ndim === 1 ? [1, a.shape[0]] : [1, 1])));
}

/** Each input with at least three axes ([N] becomes [1, N, 1], [M, N] becomes [M, N, 1]), as numpy. */
export function atleast3d(x: ArrayOrScalar): Array;
export function atleast3d(...xs: ArrayOrScalar[]): Array[];
export function atleast3d(...xs: ArrayOrScalar[]): Array | Array[] {
  return atleast('np.atleast3d', xs, (a) => {
    if (a.ndim >= 3) return a;
    return reshape(a, a.ndim === 0 ? [1, 1, 1] : a.ndim === 1 ? [1, a.shape[0], 1] : [a.shape[0], a.shape[1], 1]);
  });
}

/** The inputs broadcast to their common shape (each keeps its dtype). */
export function broadcastArrays(...xs: ArrayOrScalar[]): Array[] {
  const arrs = xs.map((x) => operand('np.broadcastArrays', x));
  const shape = broadcastShapes('np.broadcastArrays', ...arrs.map((a) => a.shape));
  return arrs.map((a) => broadcastTo(a, shape, 'np.broadcastArrays'));
}

/** Reverses axis 1 (left/right); needs at least 2 axes. */
export function fliplr(x: ArrayOrScalar): Array {
  const a = operand('np.fliplr', x);
  if (a.ndim < 2) throw new ShapeError(`np.fliplr: the input must be at least 2-D, got shape [${a.shape}]; use np.flip for 1-D arrays`);
  return flip(a, 1);
}

/** Reverses axis 0 (up/down); needs at least 1 axis. */
export function flipud(x: ArrayOrScalar): Array {
  const a = operand('np.flipud', x);
  if (a.ndim < 1) throw new ShapeError('np.flipud: the input must be at least 1-D, got a 0-d array');
  return flip(a, 0);
}

/** Moves `axis` so that it comes before position `start` (numpy's rollaxis; prefer moveaxis). */
export function rollaxis(x: ArrayOrScalar, axis: number, start = 0): Array {
  const who = 'np.rollaxis';
  const a = operand(who, x);
  const n = a.ndim;
  const ax = normAxis(who, axis, n);
  let s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || s < 0 || s > n) throw new ShapeError(`${who}: start=${start} must be in [${-n}, ${n}] for an array of rank ${n}`);
  if (ax < s) s -= 1;
  if (ax === s) return a;
  const axes = globalThis.Array.from({ length: n }, (_, i) => i).filter((i) => i !== ax);
  axes.splice(s, 0, ax);
  return transpose(a, axes);
}

/** The slices of `x` along `axis` (0), as a JS array of arrays with that axis removed. */
export function unstack(x: ArrayOrScalar, axis = 0): Array[] {
  const who = 'np.unstack';
  const a = operand(who, x);
  if (a.ndim === 0) throw new ShapeError(`${who}: the input must be at least 1-D, got a 0-d array`);
  const ax = normAxis(who, axis, a.ndim);
  const rest = a.shape.filter((_, i) => i !== ax);
  return globalThis.Array.from({ length: a.shape[ax] }, (_, i) => reshape(sliceAxis(a, ax, i, i + 1), rest));
}

/** A nested JS list of arrays for `block`. */
export type BlockNested = ArrayOrScalar | readonly BlockNested[];

/** Assembles an array from nested lists of blocks: the innermost lists join along the last axis, outer ones along earlier axes. */
export function block(arrays: BlockNested): Array {
  const who = 'np.block';
  const depthOf = (b: BlockNested, path: string): number => {
    if (!globalThis.Array.isArray(b)) return 0;
    const list = b as readonly BlockNested[];
    if (list.length === 0) throw new ShapeError(`${who}: the list at arrays${path} is empty; lists must hold at least one block`);
    const ds = list.map((c, i) => depthOf(c, `${path}[${i}]`));
    if (ds.some((d) => d !== ds[0])) throw new ShapeError(`${who}: list depths are mismatched at arrays${path} (depths ${ds.join(', ')}); nest every block equally deep`);
    return ds[0] + 1;
  };
  const depth = depthOf(arrays, '');
  const leaves: Array[] = [];
  const collect = (b: BlockNested): void => {
    if (globalThis.Array.isArray(b)) (b as readonly BlockNested[]).forEach(collect);
    else leaves.push(operand(who, b as ArrayOrScalar));
  };
  collect(arrays);
  const rank = Math.max(depth, ...leaves.map((l) => l.ndim));
  const [promoted] = promote(leaves);
  let next = 0;
  const build = (b: BlockNested, level: number): Array => {
    if (!globalThis.Array.isArray(b)) {
      const a = promoted[next++];
      return reshape(a, [...globalThis.Array.from({ length: rank - a.ndim }, () => 1), ...a.shape]);
    }
    const parts = (b as readonly BlockNested[]).map((c) => build(c, level + 1));
    return concatenate(parts, rank - (depth - level));
  };
  return build(arrays, 0);
}

/** An array of `newShape` filled with the elements of `a` (flattened) repeated in order, as numpy's resize. */
export function resize(a: ArrayOrScalar, newShape: number | readonly number[]): Array {
  const who = 'np.resize';
  const x = ravel(operand(who, a));
  const shape = typeof newShape === 'number' ? [newShape] : [...newShape];
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`${who}: newShape must hold non-negative integers, got [${shape}]`);
  const total = shape.reduce((p, d) => p * d, 1);
  if (x.size === 0) return zeros(shape, { dtype: x.dtype });
  const reps = Math.ceil(total / x.size);
  const tiled = reps === 0 ? sliceAxis(x, 0, 0, 0) : reshape(broadcastTo(reshape(x, [1, x.size]), [reps, x.size]), [reps * x.size]);
  return reshape(sliceAxis(tiled, 0, 0, total), shape);
}

/**
 * The 1-D `filt` without its leading ('f'), trailing ('b') or both ('fb') zeros. The output size
 * depends on the values, so this needs a concrete array (it cannot run under jit/vmap).
 */
export function trimZeros(filt: ArrayOrScalar, trim: 'f' | 'b' | 'fb' | 'bf' = 'fb'): Array {
  const who = 'np.trimZeros';
  const a = operand(who, filt);
  if (a.ndim !== 1) throw new ShapeError(`${who}: filt must be 1-D, got shape [${a.shape}]`);
  if (!['f', 'b', 'fb', 'bf'].includes(trim)) throw new TypeError(`${who}: trim must be 'f', 'b' or 'fb', got ${describeValue(trim)}`);
  if (!(a instanceof ConcreteArray)) {
    throw new ShapeError(`${who}: the output size depends on the values of filt, which are traced (jit/vmap); call it outside jit, or mask the zeros instead`);
  }
  const v = globalThis.Array.from(a.dataSync(), Number);
  let lo = 0;
  let hi = v.length;
  if (trim.includes('f')) while (lo < hi && v[lo] === 0) lo++;
  if (trim.includes('b')) while (hi > lo && v[hi - 1] === 0) hi--;
  return sliceAxis(a, 0, lo, hi);
}

/** A static index (or list) along an axis of length n, checked and made non-negative. */
function staticIndices(who: string, index: number | readonly number[], n: number, inclusive: boolean): number[] {
  const list = typeof index === 'number' ? [index] : globalThis.Array.isArray(index) ? [...index] : null;
  if (list === null || list.some((i) => !Number.isInteger(i))) throw new TypeError(`${who}: the index must be a static integer or a JS array of them, got ${describeValue(index)}`);
  const hi = inclusive ? n : n - 1;
  return list.map((i) => {
    if (i < -n || i > hi) throw new RangeError(`${who}: index ${i} is out of bounds for an axis of size ${n}`);
    return i < 0 ? i + n : i;
  });
}

/**
 * `arr` with `values` inserted before `index` (a static int, or a JS array of them) along `axis`
 * (the flattened array by default), as numpy's insert. Values are cast to arr's dtype.
 */
export function insert(arr: ArrayOrScalar, index: number | readonly number[], values: ArrayOrScalar, axis?: number | null): Array {
  const who = 'np.insert';
  const x0 = operand(who, arr);
  const x = axis === null || axis === undefined ? ravel(x0) : x0;
  const ax = axis === null || axis === undefined ? 0 : normAxis(who, axis, x.ndim);
  const n = x.shape[ax];
  let v = convert(operand(who, values), x.dtype);
  const idx = staticIndices(who, index, n, true);
  const shapeWith = (k: number): number[] => x.shape.map((d, i) => (i === ax ? k : d));
  if (typeof index === 'number') {
    // numpy: values get arr's rank (leading 1s), then their first axis moves to `axis`.
    v = reshape(v, [...globalThis.Array.from({ length: Math.max(x.ndim - v.ndim, 0) }, () => 1), ...v.shape]);
    v = moveaxis(v, 0, ax);
    const k = v.shape[ax];
    const vb = broadcastTo(v, shapeWith(k), who);
    return concatenate([sliceAxis(x, ax, 0, idx[0]), vb, sliceAxis(x, ax, idx[0], n)], ax);
  }
  const k = idx.length;
  const vb = broadcastTo(v, shapeWith(k), who);
  // Where each output slice comes from: the stable order of the insertion points, then numpy's shift.
  const order = idx.map((p, j) => [p, j] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const newPos = new globalThis.Array<number>(k);
  order.forEach(([p, j], r) => { newPos[j] = p + r; });
  const src = new globalThis.Array<number>(n + k).fill(-1);
  newPos.forEach((p, j) => { src[p] = n + j; });
  let old = 0;
  for (let i = 0; i < n + k; i++) if (src[i] < 0) src[i] = old++;
  return take(concatenate([x, vb], ax), ints(src), ax);
}

/** `arr` without the slices at `index` (a static int, or a JS array of them) along `axis` (the flattened array by default). */
export function delete_(arr: ArrayOrScalar, index: number | readonly number[], axis?: number | null): Array {
  const who = 'np.delete';
  const x0 = operand(who, arr);
  const x = axis === null || axis === undefined ? ravel(x0) : x0;
  if (x.ndim === 0) throw new ShapeError(`${who}: cannot delete from a 0-d array`);
  const ax = axis === null || axis === undefined ? 0 : normAxis(who, axis, x.ndim);
  const n = x.shape[ax];
  const drop = new Set(staticIndices(who, index, n, false));
  const keep = globalThis.Array.from({ length: n }, (_, i) => i).filter((i) => !drop.has(i));
  return take(x, ints(keep), ax);
}
export { delete_ as delete };

/** Options of fillDiagonal: wrap tall matrices after n columns, and inplace (false only: arrays are immutable). */
export interface FillDiagonalOpts {
  /** For a tall 2-d matrix, restart the diagonal every `ncols + 1` rows, as numpy's `wrap=True` (default false). */
  wrap?: boolean;
  /** Must be false or omitted: arrays are immutable, so the result is a new array. */
  inplace?: boolean;
}

/** `a` with its main diagonal set to `val` (repeated cyclically), as a new array. */
export function fillDiagonal(a: ArrayOrScalar, val: ArrayOrScalar, opts: FillDiagonalOpts = {}): Array {
  const who = 'np.fillDiagonal';
  if (opts.inplace !== undefined && opts.inplace !== false) {
    throw new TypeError(`${who}: arrays are immutable, so inplace=true is not possible; pass { inplace: false } and use the returned array`);
  }
  const x = operand(who, a);
  if (x.ndim < 2) throw new ShapeError(`${who}: the array must be at least 2-D, got shape [${x.shape}]`);
  let step: number;
  let end = x.size;
  if (x.ndim === 2) {
    step = x.shape[1] + 1;
    if (!opts.wrap) end = Math.min(end, x.shape[1] * x.shape[1]);
  } else {
    if (x.shape.some((d) => d !== x.shape[0])) throw new ShapeError(`${who}: all dimensions of input must be of equal length, got shape [${x.shape}]`);
    step = 1 + x.shape.slice(0, -1).reduce((acc, _, i) => acc + x.shape.slice(0, i + 1).reduce((p, d) => p * d, 1), 0);
  }
  const pos: number[] = [];
  for (let p = 0; p < end; p += step) pos.push(p);
  return put(x, ints(pos), val);
}

/** The index arrays of the main diagonal of `arr` (all axes of equal length). */
export function diagIndicesFrom(arr: ArrayOrScalar): Array[] {
  const x = operand('np.diagIndicesFrom', arr);
  if (x.ndim < 2) throw new ShapeError(`np.diagIndicesFrom: input array must be at least 2-d, got shape [${x.shape}]`);
  if (x.shape.some((d) => d !== x.shape[0])) throw new ShapeError(`np.diagIndicesFrom: all dimensions of input must be of equal length, got shape [${x.shape}]`);
  return diagIndices(x.shape[0], x.ndim);
}

function matrixOf(who: string, arr: ArrayOrScalar): Array {
  const x = operand(who, arr);
  if (x.ndim !== 2) throw new ShapeError(`${who}: input array must be 2-d, got shape [${x.shape}]`);
  return x;
}

/** The indices of the lower triangle (diagonal offset k) of the 2-D `arr`. */
export function trilIndicesFrom(arr: ArrayOrScalar, k = 0): [Array, Array] {
  const x = matrixOf('np.trilIndicesFrom', arr);
  return trilIndices(x.shape[0], k, x.shape[1]);
}

/** The indices of the upper triangle (diagonal offset k) of the 2-D `arr`. */
export function triuIndicesFrom(arr: ArrayOrScalar, k = 0): [Array, Array] {
  const x = matrixOf('np.triuIndicesFrom', arr);
  return triuIndices(x.shape[0], k, x.shape[1]);
}

/** The number of axes of `a`. */
export function ndim(a: ArrayOrScalar): number {
  return operand('np.ndim', a).ndim;
}

/** The shape of `a`, as a fresh JS array. */
export function shape(a: ArrayOrScalar): number[] {
  return [...operand('np.shape', a).shape];
}

/** The number of elements of `a`, or the length of `axis`. */
export function size(a: ArrayOrScalar, axis?: number | null): number {
  const x = operand('np.size', a);
  return axis === null || axis === undefined ? x.size : x.shape[normAxis('np.size', axis, x.ndim)];
}

/** Whether `x` is a scalar: a number, a boolean, or (as in JAX) a 0-d Array. */
export function isscalar(x: unknown): boolean {
  return typeof x === 'number' || typeof x === 'boolean' || (x instanceof Array && x.ndim === 0);
}

/** Whether `x` can be iterated: a JS array, or an Array with at least one axis. */
export function iterable(x: unknown): boolean {
  return globalThis.Array.isArray(x) || (x instanceof Array && x.ndim > 0);
}

/** A copy of `a` (arrays are immutable, so this is `a` as an Array of its own dtype). */
export function copy(a: ArrayOrScalar): Array {
  const x = operand('np.copy', a);
  return reshape(x, x.shape);
}

/** An array shaped (and typed) like `a`; since arrays are immutable it is filled with zeros. */
export function emptyLike(a: ArrayOrScalar, opts: { dtype?: DType; shape?: readonly number[] } = {}): Array {
  const x = operand('np.emptyLike', a);
  return zeros([...(opts.shape ?? x.shape)], { dtype: opts.dtype ?? x.dtype });
}

/** numpy 2's name for `concatenate`. */
export const concat = concatenate;

/** The dot product of x1 and x2 along `axis` (-1), broadcasting the other axes (numpy 2's `vecdot`, real). */
export function vecdot(x1: ArrayOrScalar, x2: ArrayOrScalar, axis = -1): Array {
  const who = 'np.vecdot';
  const [[a, b]] = promote([checkOperand(who, x1), checkOperand(who, x2)]);
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`${who}: both inputs must be at least 1-D, got shapes [${a.shape}] and [${b.shape}]`);
  const shp = broadcastShapes(who, a.shape, b.shape);
  const ax = normAxis(who, axis, shp.length);
  const la = a.shape[a.ndim - shp.length + ax];
  const lb = b.shape[b.ndim - shp.length + ax];
  if (la !== lb) throw new ShapeError(`${who}: x1 (shape [${a.shape}]) and x2 (shape [${b.shape}]) must have the same length along axis ${axis}, got ${la} and ${lb}`);
  return sum(multiply(a, b), ax);
}

/** numpy's `array_str`: the array as `str` prints it. */
export const arrayStr = (a: ArrayOrScalar): string => asArray(a).toString();
/** numpy's `array_repr`, as JAX spells it: `Array([1., 2.], dtype=float64)`. */
export const arrayRepr = (a: ArrayOrScalar): string => asArray(a).repr();
