/**
 * Sorting and what builds on it: sort, argsort, lexsort, partition, searchsorted, unique and the
 * order statistics (median, quantile, percentile and their NaN-ignoring forms). Everything is the
 * `sort` primitive plus gathers, so grad, jit and vmap apply unchanged: the gradient of a sorted
 * value flows to the element it came from.
 *
 * The order is JAX's: NaN sorts last (as numpy), -0 before +0, and sorts are stable by default.
 */
import { type Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { bind, bind1, bindSource } from '../core/trace.js';
import * as S from '../primitives/shape.js';
import { Sort } from '../primitives/sort.js';
import { array, full, zeros } from './creation.js';
import { take, takeAlongAxis } from './indexing.js';
import {
  add, equal, floor, isnan, less, lessEqual, logicalAnd, logicalNot, logicalOr, multiply, notEqual, round, subtract, where,
} from './math.js';
import { asArray, convert, normAxes, normAxis, sliceAxis, toFloat } from './promote.js';
import { any, cumsum, sum, type Axis } from './reductions.js';
import { concatenate, expandDims, moveaxis, ravel, reshape, transpose } from './shape.js';
import { checkOperand } from './validate.js';

/** Options of `np.sort` and `np.argsort`. */
export interface SortOpts {
  /** Keep equal elements in their input order (default true; JAX's sort is always stable). */
  stable?: boolean;
  /** Largest first (equal elements still keep their input order when stable). */
  descending?: boolean;
  /** numpy's algorithm choice: accepted and ignored, as in JAX. */
  kind?: 'quicksort' | 'mergesort' | 'heapsort' | 'stable';
}

const operand = (who: string, x: ArrayOrScalar): Array => asArray(checkOperand(who, x));

/** The operands flattened when `axis` is null, with the axis to sort along. */
function along(who: string, a: Array, axis: number | null): [Array, number] {
  if (axis === null) return [ravel(a), 0];
  if (a.ndim === 0) throw new ShapeError(`${who}: cannot sort a rank-0 array along axis ${axis}; pass axis: null to flatten, or reshape to [1]`);
  return [a, normAxis(who, axis, a.ndim)];
}

/**
 * `ops` sorted together along `axis` by their first `numKeys`. Descending keeps stability by
 * sorting the reversed operands and reversing back: equal keys then come out in input order.
 */
export function sortTogether(ops: readonly Array[], axis: number, numKeys: number, descending = false, stable = true): Array[] {
  const rev = (xs: readonly Array[]): Array[] => xs.map((x) => bind1(S.Rev, [x], { dimensions: [axis] }, x.weakType));
  const run = (xs: readonly Array[]): Array[] => bind(Sort, xs, { dimension: axis, isStable: stable, numKeys }, xs.every((x) => x.weakType));
  return descending ? rev(run(rev(ops))) : run(ops);
}

const iotaLike = (a: Array, axis: number): Array => bindSource(S.Iota, { dtype: 'int32', shape: [...a.shape], dimension: axis }, a.device);

/** The sorted copy of `a` along `axis` (default last; null flattens). numpy's `np.sort`. */
export function sort(a: ArrayOrScalar, axis: number | null = -1, opts: SortOpts = {}): Array {
  const [x, ax] = along('np.sort', operand('np.sort', a), axis);
  return sortTogether([x], ax, 1, opts.descending, opts.stable ?? true)[0];
}

/** Indices (int32) that sort `a` along `axis` (default last; null flattens). numpy's `np.argsort`. */
export function argsort(a: ArrayOrScalar, axis: number | null = -1, opts: SortOpts = {}): Array {
  const [x, ax] = along('np.argsort', operand('np.argsort', a), axis);
  return sortTogether([x, iotaLike(x, ax)], ax, 1, opts.descending, opts.stable ?? true)[1];
}

/**
 * Indices (int32) that sort by several keys: the last key is the primary one, as numpy. `keys` is a
 * list of equal-shape arrays, or one array whose leading axis lists the keys.
 */
export function lexsort(keys: readonly ArrayOrScalar[] | Array, axis = -1): Array {
  const list = globalThis.Array.isArray(keys) ? keys.map((k) => operand('np.lexsort', k)) : unstackKeys(keys as Array);
  if (list.length === 0) throw new ShapeError('np.lexsort: need at least one key');
  const shape = list[0].shape;
  if (list.some((k) => k.shape.length !== shape.length || k.shape.some((d, i) => d !== shape[i]))) {
    throw new ShapeError(`np.lexsort: all keys must have the same shape, got ${list.map((k) => `[${k.shape}]`).join(', ')}`);
  }
  const [, ax] = along('np.lexsort', list[0], axis);
  const ordered = [...list].reverse();
  return sortTogether([...ordered, iotaLike(list[0], ax)], ax, ordered.length)[ordered.length];
}

function unstackKeys(k: Array): Array[] {
  if (k.ndim === 0) throw new ShapeError('np.lexsort: keys must be a list of arrays or an array of rank >= 1');
  return globalThis.Array.from({ length: k.shape[0] }, (_, i) => reshape(take(k, i, 0), k.shape.slice(1)));
}

/**
 * `a` rearranged so the element at `kth` is where a full sort puts it, with no larger element
 * before it and no smaller one after. This returns the fully sorted array, which satisfies that
 * contract (numpy's own arrangement within the two sides is unspecified).
 */
export function partition(a: ArrayOrScalar, kth: number, axis = -1): Array {
  const x = operand('np.partition', a);
  checkKth('np.partition', x, kth, axis);
  return sort(x, axis);
}

/** Indices that partition `a` at `kth` (see `partition`: these indices fully sort it). */
export function argpartition(a: ArrayOrScalar, kth: number, axis = -1): Array {
  const x = operand('np.argpartition', a);
  checkKth('np.argpartition', x, kth, axis);
  return argsort(x, axis);
}

function checkKth(who: string, x: Array, kth: number, axis: number): void {
  const [, ax] = along(who, x, axis);
  const n = x.shape[ax];
  if (!Number.isInteger(kth) || kth < -n || kth >= n) throw new ShapeError(`${who}: kth=${kth} is out of range for axis ${axis} of length ${n}`);
}

// ---- searchsorted ---------------------------------------------------------------------------

/** x < y in the sort order (NaN after every number). */
function lessTotal(x: Array, y: Array): Array {
  if (!isFloat(x.dtype)) return less(x, y);
  return logicalOr(less(x, y), logicalAnd(isnan(y), logicalNot(isnan(x))));
}

/**
 * Where to insert `v` into the sorted 1-D `a` to keep it sorted (int32, shape of `v`): the first
 * such index with side 'left', the last with 'right'. `sorter` holds indices that sort `a`. A
 * binary search of ceil(log2(n + 1)) steps, unrolled at trace time.
 */
export function searchsorted(a: ArrayOrScalar, v: ArrayOrScalar, side: 'left' | 'right' = 'left', sorter?: ArrayOrScalar): Array {
  let s = operand('np.searchsorted', a);
  if (s.ndim !== 1) throw new ShapeError(`np.searchsorted: a must be 1-D, got shape [${s.shape}]; for a batch of sorted rows use vmap`);
  if (side !== 'left' && side !== 'right') throw new ShapeError(`np.searchsorted: side must be 'left' or 'right', got '${String(side)}'`);
  if (sorter !== undefined) s = take(s, sorter);
  const q = operand('np.searchsorted', v);
  const n = s.shape[0];
  let lo = zeros(q.shape, { dtype: 'int32' });
  let hi = full(q.shape, n, { dtype: 'int32' });
  // Compare in one dtype so an int query against a float table is not truncated.
  const dt = isFloat(s.dtype) || isFloat(q.dtype) ? toFloat(isFloat(s.dtype) ? s : q).dtype : s.dtype;
  const table = convert(s, dt);
  const query = convert(q, dt);
  for (let w = n; w > 0; w >>= 1) {
    const mid = convert(floor(multiply(add(lo, hi), 0.5)), 'int32');
    const at = take(table, mid, 0, { mode: 'clip' });
    // left: the answer is <= mid when v <= a[mid]; right: when v < a[mid].
    const goLeft = side === 'left' ? logicalNot(lessTotal(at, query)) : lessTotal(query, at);
    const active = less(lo, hi);
    hi = where(logicalAnd(active, goLeft), mid, hi);
    lo = where(logicalAnd(active, logicalNot(goLeft)), add(mid, 1), lo);
  }
  return lo;
}

// ---- unique ---------------------------------------------------------------------------------

/** Options of `np.unique` and the `unique*` functions. */
export interface UniqueOpts {
  /** Also return the index of each unique value's first occurrence. */
  returnIndex?: boolean;
  /** Also return, for each input element, the index of its unique value. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  returnCounts?: boolean;
  /** Unique slices along this axis instead of unique elements of the flattened array. */
  axis?: number | null;
  /** NaNs count as one value (default true, as numpy). */
  equalNan?: boolean;
  /**
   * The number of unique values to return, required under jit/vmap where it cannot depend on the
   * data (JAX's `size`): extra values are dropped, missing ones filled with `fillValue`.
   */
  size?: number;
  /** Fills the values past the last unique one when `size` is larger (default: the smallest value). */
  fillValue?: ArrayOrScalar;
}

/** Which extra results `unique` returns. */
export type UniqueFlags =
  | {
    /** Return the index of each unique value's first occurrence. */
    returnIndex: true;
  }
  | {
    /** Return, for each input element, the index of its unique value. */
    returnInverse: true;
  }
  | {
    /** Return how often each unique value occurs. */
    returnCounts: true;
  };

/** numpy 2's `unique_all` result. */
export interface UniqueAll {
  /** The sorted unique values (or slices along `axis`). */
  values: Array;
  /** The int32 index of the first occurrence of each unique value in the input. */
  indices: Array;
  /** For each input element, the int32 index of its unique value (shaped like the input when flattening). */
  inverseIndices: Array;
  /** How often each unique value occurs (int32). */
  counts: Array;
}

/** Sorted unique elements of `a` (numpy's `np.unique`); with return flags, `[values, index?, inverse?, counts?]`. */
export function unique(a: ArrayOrScalar, opts: UniqueOpts & UniqueFlags): Array[];
export function unique(a: ArrayOrScalar, opts?: UniqueOpts): Array;
export function unique(a: ArrayOrScalar, opts: UniqueOpts = {}): Array | Array[] {
  const r = uniqueAll(a, opts);
  const extra = [opts.returnIndex && r.indices, opts.returnInverse && r.inverseIndices, opts.returnCounts && r.counts].filter((x): x is Array => !!x);
  return extra.length ? [r.values, ...extra] : r.values;
}

/** numpy 2's `np.unique_values`. */
export const uniqueValues = (a: ArrayOrScalar, opts: Pick<UniqueOpts, 'size' | 'fillValue'> = {}): Array => uniqueAll(a, opts).values;
/** numpy 2's `np.unique_counts`: `{ values, counts }`. */
export function uniqueCounts(a: ArrayOrScalar, opts: Pick<UniqueOpts, 'size' | 'fillValue'> = {}): {
  /** The sorted unique values. */
  values: Array;
  /** How often each unique value occurs (int32). */
  counts: Array;
} {
  const { values, counts } = uniqueAll(a, opts);
  return { values, counts };
}
/** numpy 2's `np.unique_inverse`: `{ values, inverseIndices }` (inverse indices shaped like `a`). */
export function uniqueInverse(a: ArrayOrScalar, opts: Pick<UniqueOpts, 'size' | 'fillValue'> = {}): {
  /** The sorted unique values. */
  values: Array;
  /** For each element of `a`, the int32 index of its unique value; shaped like `a`. */
  inverseIndices: Array;
} {
  const { values, inverseIndices } = uniqueAll(a, opts);
  return { values, inverseIndices };
}

/**
 * numpy 2's `np.unique_all`: the sorted unique values, the first index of each, the inverse map
 * and the counts. Without `size` the count of unique values is read from the data, which needs a
 * concrete array (outside jit/vmap).
 */
export function uniqueAll(a: ArrayOrScalar, opts: UniqueOpts = {}): UniqueAll {
  const who = 'np.unique';
  const x0 = operand(who, a);
  const axis = opts.axis ?? null;
  // Slices along `axis` become rows of `rows` (n, m), compared as keys column by column.
  const ax = axis === null ? null : normAxis(who, axis, x0.ndim);
  const moved = ax === null ? ravel(x0) : moveaxis(x0, ax, 0);
  const n = moved.shape[0] ?? 1;
  const m = moved.ndim <= 1 ? 1 : moved.size / Math.max(n, 1);
  const rows = reshape(moved, [n, m]);
  if (n === 0) {
    const e = zeros([0], { dtype: 'int32' });
    return { values: moved, indices: e, inverseIndices: reshape(e, ax === null ? x0.shape : [0]), counts: e };
  }
  const cols = globalThis.Array.from({ length: m }, (_, j) => reshape(take(rows, j, 1), [n]));
  const sorted = sortTogether([...cols, bindSource(S.Iota, { dtype: 'int32', shape: [n], dimension: 0 }, x0.device)], 0, m);
  const perm = sorted[m];
  const sortedCols = sorted.slice(0, m);
  // A sorted row starts a new group where some key differs from the previous row's.
  const differs = sortedCols.map((c) => {
    const prev = sliceAxis(c, 0, 0, n - 1), next = sliceAxis(c, 0, 1, n);
    const ne = notEqual(prev, next);
    return isFloat(c.dtype) && (opts.equalNan ?? true) ? logicalAnd(ne, logicalNot(logicalAnd(isnan(prev), isnan(next)))) : ne;
  }).reduce((p, q) => logicalOr(p, q));
  const isNew = concatenate([full([1], true, { dtype: 'bool' }), differs]);
  const group = subtract(cumsum(convert(isNew, 'int32')), 1);
  let size = opts.size;
  if (size === undefined) {
    if (!(group instanceof ConcreteArray)) {
      throw new ShapeError(`${who}: the number of unique values depends on the data, so under jit/vmap pass { size } (and optionally fillValue), as in JAX`);
    }
    size = Number(group.dataSync()[n - 1]) + 1;
  }
  if (!Number.isInteger(size) || size < 0) throw new ShapeError(`${who}: size must be a non-negative integer, got ${size}`);
  // Scatter each group's first row to its slot; rows of later duplicates go out of range (dropped).
  const slot = reshape(where(isNew, group, size), [n, 1]);
  const scatterTo = (init: Array, upd: Array): Array => bind1(S.Scatter, [init, slot, upd], { axes: [0] }, init.weakType);
  const sortedRows = take(rows, perm, 0);
  const firstRow = reshape(take(sortedRows, 0, 0), [1, m]);
  const fill = opts.fillValue === undefined ? firstRow : convert(asArray(opts.fillValue), rows.dtype);
  const valuesRows = scatterTo(add(zeros([size, m], { dtype: rows.dtype }), fill), sortedRows);
  const values = ax === null ? reshape(valuesRows, [size]) : moveaxis(reshape(valuesRows, [size, ...moved.shape.slice(1)]), 0, ax);
  const indices = scatterTo(zeros([size], { dtype: 'int32' }), perm);
  const counts = bind1(S.ScatterAdd, [zeros([size], { dtype: 'int32' }), reshape(group, [n, 1]), full([n], 1, { dtype: 'int32' })], { axes: [0] });
  const inv = bind1(S.Scatter, [zeros([n], { dtype: 'int32' }), reshape(perm, [n, 1]), group], { axes: [0] });
  return { values, indices, inverseIndices: ax === null ? reshape(inv, x0.shape) : inv, counts };
}

// ---- order statistics -----------------------------------------------------------------------

/**
 * How `np.quantile`/`np.percentile` pick a value between the two nearest sorted elements:
 * `'linear'` (default) interpolates, `'lower'`/`'higher'` take the one below/above, `'midpoint'`
 * their mean, `'nearest'` the closer one (half to even).
 */
export type QuantileMethod = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
/** The fraction(s) asked for: an Array, a number or a JS list of numbers. */
export type Quantiles = ArrayOrScalar | readonly number[];
/** Options of `np.quantile`, `np.percentile` and their NaN-ignoring forms. */
export interface QuantileOpts {
  /** How to pick a value between two sorted elements (default `'linear'`). */
  method?: QuantileMethod;
  /** Keep the reduced axes as size 1 (default false). */
  keepdims?: boolean;
}

/** `a` with the reduced axes moved last and merged into one; the shape kept for keepdims. */
function gatherAxes(who: string, a: Array, axis: Axis): [Array, number[]] {
  const axes = normAxes(who, axis, a.ndim);
  const rest = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const t = transpose(a, [...rest, ...axes]);
  const keptShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return [reshape(t, [...rest.map((i) => a.shape[i]), axes.reduce((p, i) => p * a.shape[i], 1)]), keptShape];
}

/**
 * numpy's quantile of the sorted last axis of `s` at fractions `q`, with `count` valid (non-NaN)
 * elements per row. Linear interpolation uses numpy's two-sided formula, exact at both ends.
 */
function interpolate(s: Array, q: Array, count: Array, method: QuantileMethod): Array {
  const last = s.ndim - 1;
  const qs = reshape(q, [...s.shape.slice(0, -1).map(() => 1), q.size]);
  const pos = multiply(qs, subtract(expandDims(count, -1), 1));
  const lo = floor(pos);
  const idx = (p: Array): Array => {
    const i = convert(p, 'int32');
    return takeAlongAxis(s, add(zeros([...s.shape.slice(0, -1), q.size], { dtype: 'int32' }), i), last, { mode: 'clip' });
  };
  const clampHi = (p: Array): Array => where(less(p, subtract(expandDims(count, -1), 1)), add(p, 1), p);
  const below = idx(lo);
  switch (method) {
    case 'lower': return below;
    case 'higher': return idx(where(less(lo, pos), clampHi(lo), lo));
    case 'nearest': return idx(round(pos));
    case 'midpoint': return multiply(add(below, idx(where(less(lo, pos), clampHi(lo), lo))), 0.5);
    case 'linear': {
      const above = idx(clampHi(lo));
      const t = subtract(pos, lo);
      const d = subtract(above, below);
      return where(lessEqual(0.5, t), subtract(above, multiply(d, subtract(1, t))), add(below, multiply(d, t)));
    }
    default: throw new ShapeError(`np.quantile: method must be one of linear, lower, higher, midpoint, nearest; got '${String(method)}'`);
  }
}

const isList = (q: Quantiles): q is readonly number[] => globalThis.Array.isArray(q);

function quantileImpl(who: string, a0: ArrayOrScalar, q0: Quantiles, axis: Axis, opts: QuantileOpts, ignoreNan: boolean, scale = 1): Array {
  const a = toFloat(operand(who, a0));
  const qa = isList(q0) ? array([...q0]) : operand(who, q0);
  const q = scale === 1 ? convert(qa, a.dtype) : multiply(convert(qa, a.dtype), 1 / scale);
  if (qa instanceof ConcreteArray) {
    const bad = globalThis.Array.from(q.dataSync(), Number).find((v) => !(v >= 0 && v <= 1));
    if (bad !== undefined) throw new ShapeError(`${who}: q must be in [0, ${scale}], got ${bad * scale}`);
  }
  const [flat, keptShape] = gatherAxes(who, a, axis);
  if (flat.shape[flat.ndim - 1] === 0) throw new ShapeError(`${who}: cannot take a quantile over an empty axis (shape [${a.shape}])`);
  const s = sort(flat, -1);
  const nan = isnan(flat);
  const n = flat.shape[flat.ndim - 1];
  const count = ignoreNan ? sum(logicalNot(nan), -1) : full(flat.shape.slice(0, -1), n, { dtype: 'int32' });
  let r = interpolate(s, q, convert(count, a.dtype), opts.method ?? 'linear');
  // numpy: a NaN in a slice makes its quantile NaN; nan-variants give NaN for all-NaN slices.
  const poison = ignoreNan ? equal(count, 0) : any(nan, -1);
  r = where(expandDims(poison, -1), NaN, r);
  // r is [...kept, nq]: the q axes go first, as numpy.
  const outer = opts.keepdims ? keptShape : flat.shape.slice(0, -1);
  r = moveaxis(reshape(r, [...flat.shape.slice(0, -1), qa.size]), -1, 0);
  return reshape(r, [...qa.shape, ...outer]);
}

/** The q-th quantile(s) (q in [0, 1]) over `axis` (default all), numpy's `np.quantile`. */
export const quantile = (a: ArrayOrScalar, q: Quantiles, axis?: Axis, opts: QuantileOpts = {}): Array => quantileImpl('np.quantile', a, q, axis, opts, false);
/** The q-th percentile(s) (q in [0, 100]), numpy's `np.percentile`. */
export const percentile = (a: ArrayOrScalar, q: Quantiles, axis?: Axis, opts: QuantileOpts = {}): Array => quantileImpl('np.percentile', a, q, axis, opts, false, 100);
/** The median over `axis` (default all), numpy's `np.median`. */
export const median = (a: ArrayOrScalar, axis?: Axis, opts: Pick<QuantileOpts, 'keepdims'> = {}): Array => quantileImpl('np.median', a, 0.5, axis, opts, false);
/** `quantile` ignoring NaNs (NaN for an all-NaN slice). */
export const nanquantile = (a: ArrayOrScalar, q: Quantiles, axis?: Axis, opts: QuantileOpts = {}): Array => quantileImpl('np.nanquantile', a, q, axis, opts, true);
/** `percentile` ignoring NaNs. */
export const nanpercentile = (a: ArrayOrScalar, q: Quantiles, axis?: Axis, opts: QuantileOpts = {}): Array => quantileImpl('np.nanpercentile', a, q, axis, opts, true, 100);
/** `median` ignoring NaNs. */
export const nanmedian = (a: ArrayOrScalar, axis?: Axis, opts: Pick<QuantileOpts, 'keepdims'> = {}): Array => quantileImpl('np.nanmedian', a, 0.5, axis, opts, true);
