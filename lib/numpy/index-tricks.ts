/**
 * numpy's index tricks as functions: `mgrid`, `ogrid`, `r_` and `c_` (Python's `jnp.mgrid[0:5, 0:3]`
 * has no JS syntax, so ranges are written as data).
 *
 * Range spelling shared by `mgrid`, `ogrid`, `r_` and `c_` — numpy's slice `start:stop:step`:
 * - `{ start?, stop, step? }` is `start:stop:step` (start 0, step 1 by default): `np.arange`'s values;
 * - `{ start?, stop, num }` is numpy's complex step `start:stop:numj`: `num` points from `start` to
 *   `stop` inclusive (`np.linspace`), always float.
 * `mgrid` and `ogrid` also take the tuples `[start, stop]` and `[start, stop, step]`, with
 * `{ num }` in the step's place: `np.mgrid([0, 1, { num: 5 }])` is `np.mgrid[0:1:5j]`.
 */
import { Array } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { Complex } from './complex.js';
import { arange, array, linspace } from './creation.js';
import { meshgrid } from './arrange.js';
import { asArray, describe, normAxis, promote } from './promote.js';
import { concatenate, reshape, stack, transpose } from './shape.js';
import { type ArrayInput, dataArg } from './input.js';

/** A shape of rank `ndim` that is 1 everywhere except `n` at `axis`. */
const along = (n: number, axis: number, ndim: number): number[] => globalThis.Array.from({ length: ndim }, (_, d) => (d === axis ? n : 1));


/** numpy's complex step `numj`: that many points, end point included. */
export interface GridCount {
  /** The number of points, from start to stop inclusive (np.linspace's num). */
  readonly num: number;
}

/** numpy's slice `start:stop:step` as an object; `num` in place of `step` is numpy's `start:stop:numj`. */
export type RangeSpec =
  | {
    /** The first value (default 0). */
    readonly start?: number;
    /** The end, excluded (as np.arange). */
    readonly stop: number;
    /** The spacing (default 1; not 0). */
    readonly step?: number;
  }
  | {
    /** The first value (default 0). */
    readonly start?: number;
    /** The last value, included (as np.linspace). */
    readonly stop: number;
    /** The number of points (numpy's `numj`). */
    readonly num: number;
  };

/** A range for mgrid/ogrid: a RangeSpec, or the tuple `[start, stop]` / `[start, stop, step | { num }]`. */
export type GridRange = RangeSpec | readonly [number, number] | readonly [number, number, number | GridCount];

const isRangeSpec = (x: unknown): x is RangeSpec =>
  typeof x === 'object' && x !== null && !(x instanceof Array) && !(x instanceof Complex) && !globalThis.Array.isArray(x) && 'stop' in x;

/** The 1-D values of one range: np.arange for a step, np.linspace (end point included) for a count. */
function rangeValues(who: string, r: unknown, k: number): Array {
  let start: unknown, stop: unknown, step: unknown, num: unknown;
  if (globalThis.Array.isArray(r) && (r.length === 2 || r.length === 3)) {
    [start, stop, step] = r as unknown[];
    if (typeof step === 'object' && step !== null && 'num' in step) { num = (step as GridCount).num; step = undefined; }
  } else if (isRangeSpec(r)) {
    start = r.start; stop = r.stop;
    if ('num' in r) num = r.num; else step = r.step;
  } else {
    throw new TypeError(`${who}: range ${k} must be [start, stop], [start, stop, step], [start, stop, { num }] or { start, stop, step | num }, got ${describe(r)}`);
  }
  start ??= 0;
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step ?? 1]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${who}: range ${k}: ${name} must be a finite number, got ${String(v)}`);
  }
  if (num !== undefined) {
    if (typeof num !== 'number' || !Number.isInteger(num) || num < 0) throw new TypeError(`${who}: range ${k}: num must be a non-negative integer (numpy's complex step numj), got ${String(num)}`);
    return linspace(start as number, stop as number, num);
  }
  if (step === 0) throw new RangeError(`${who}: range ${k}: step must not be zero`);
  return arange(start as number, stop as number, (step as number | undefined) ?? 1);
}

function grid(who: string, ranges: readonly GridRange[], sparse: boolean): Array | Array[] {
  if (ranges.length === 0) throw new TypeError(`${who}: give at least one range, e.g. ${who}([0, 5], [0, 3])`);
  const [vals] = promote(ranges.map((r, k) => rangeValues(who, r, k)));
  if (vals.length === 1) return vals[0];
  const n = vals.length;
  if (sparse) return vals.map((v, k) => reshape(v, along(v.shape[0], k, n)));
  return stack(meshgrid(...vals, { indexing: 'ij' }), 0);
}

/**
 * The dense coordinate grid of the given ranges (`jnp.mgrid[r0, r1, ...]`, written
 * `np.mgrid(r0, r1, ...)`): shape `[ranges, ...lengths]`, entry `[k, i0, i1, ...]` the `ik`-th value
 * of range k. One range gives its 1-D values. A range is `[start, stop]`, `[start, stop, step]` or
 * `[start, stop, { num }]` (numpy's complex step: `num` points, the end included), or the object
 * form `{ start, stop, step }` / `{ start, stop, num }`; integer ranges give int32, and all ranges
 * are promoted to one dtype.
 *
 * @example
 * ```ts
 * np.mgrid([0, 2], [0, 3]).js(); // [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]
 * np.mgrid([0, 1, { num: 3 }]).js(); // [0, 0.5, 1]
 * ```
 */
export function mgrid(...ranges: GridRange[]): Array {
  return grid('np.mgrid', ranges, false) as Array;
}

/**
 * The open (sparse) coordinate grid of the given ranges (`jnp.ogrid[r0, r1, ...]`, written
 * `np.ogrid(r0, r1, ...)`): one array per range, of shape `[1, ..., n_k, ..., 1]`, which broadcast
 * together to `mgrid`'s. One range gives its 1-D values (an Array, as numpy). Ranges as in `mgrid`.
 *
 * @example
 * ```ts
 * const [i, j] = np.ogrid([0, 2], [0, 3]); // i: [[0], [1]], j: [[0, 1, 2]]
 * ```
 */
export function ogrid(range: GridRange): Array;
export function ogrid(...ranges: GridRange[]): Array[];
export function ogrid(...ranges: GridRange[]): Array[] | Array {
  return grid('np.ogrid', ranges, true);
}

/** An item of `r_`/`c_`: data (as np.array takes), a range object, or (first only) a directive string. */
export type ConcatItem = ArrayInput | RangeSpec | string;

/**
 * numpy's AxisConcatenator (r_ and c_): items become arrays of at least `ndmin` axes (ranges through
 * arange/linspace, scalars and data through np.array), those with fewer axes than `ndmin` have
 * their axes moved as `trans1d` says, all are promoted to one dtype and concatenated along `axis`.
 */
function axisConcat(who: string, items: readonly ConcatItem[], defaults: { axis: number; ndmin: number; trans1d: number }): Array {
  let { axis, ndmin, trans1d } = defaults;
  let rest = items;
  if (typeof items[0] === 'string') {
    const d = items[0].trim();
    rest = items.slice(1);
    if (d === 'r' || d === 'c') throw new TypeError(`${who}: numpy's matrix directive '${d}' is not supported (there is no matrix class; reshape the result instead)`);
    const parts = d.split(',').map((p) => p.trim());
    const nums = parts.map(Number);
    if (parts.length > 3 || nums.some((v) => !Number.isInteger(v)) || parts.some((p) => p === '')) {
      throw new TypeError(`${who}: unknown directive ${JSON.stringify(d)}; it must be 'axis', 'axis,ndmin' or 'axis,ndmin,trans1d' (integers), e.g. '-1' or '0,2,0'`);
    }
    [axis, ndmin = ndmin, trans1d = trans1d] = nums;
    if (ndmin < 0) throw new TypeError(`${who}: ndmin must be >= 0, got ${ndmin} in directive ${JSON.stringify(d)}`);
  }
  const arrs = rest.map((item, k) => {
    if (typeof item === 'string') throw new TypeError(`${who}: a directive string must be the first item, got ${JSON.stringify(item)} later`);
    if (isRangeSpec(item)) {
      let v = rangeValues(who, item, k);
      // numpy: a range is made ndmin-dimensional, then its last axis swapped to trans1d.
      if (ndmin > 1) {
        v = reshape(v, [...globalThis.Array.from({ length: ndmin - 1 }, () => 1), v.shape[0]]);
        if (trans1d !== -1) v = swap(v, -1, trans1d);
      }
      return v;
    }
    if (item instanceof Complex) throw new TypeError(`${who}: Complex items are not supported; concatenate the real and imaginary parts separately`);
    const isData = item instanceof Array || typeof item === 'number' || typeof item === 'boolean' || globalThis.Array.isArray(item);
    if (!isData) throw new TypeError(`${who}: item ${k} must be an Array, a number, a boolean, nested JS arrays or a range { start, stop, step | num }, got ${describe(item)}`);
    const scalar = !(item instanceof Array) && !globalThis.Array.isArray(item);
    // JS numbers stay weak (numpy's Python scalars do not up-cast the others).
    let v = scalar ? asArray(item) : dataArg(item);
    const nd = v.ndim;
    if (nd < ndmin) {
      v = reshape(v, [...globalThis.Array.from({ length: ndmin - nd }, () => 1), ...v.shape]);
      if (trans1d !== -1) {
        const k2 = ndmin - nd;
        const k1 = trans1d < 0 ? trans1d + k2 + 1 : trans1d;
        const def = globalThis.Array.from({ length: ndmin }, (_, i) => i);
        v = transpose(v, [...def.slice(0, k1), ...def.slice(k2), ...def.slice(k1, k2)]);
      }
    }
    return v;
  });
  if (arrs.length === 0) return array([]);
  const [promoted] = promote(arrs);
  const nd = promoted[0].ndim;
  if (promoted.some((a) => a.ndim !== nd)) throw new ShapeError(`${who}: all items must have the same number of axes after ndmin ${ndmin}, got ${promoted.map((a) => avalStr(a.aval)).join(', ')}`);
  return concatenate(promoted, normAxis(who, axis, nd));
}

const swap = (v: Array, a: number, b: number): Array => {
  const perm = v.shape.map((_, i) => i);
  const [i, j] = [a < 0 ? a + v.ndim : a, b < 0 ? b + v.ndim : b];
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(v, perm);
};

/**
 * Concatenates arrays, scalars and ranges along the first axis (`jnp.r_[...]`, written
 * `np.r_(...)`): scalars become 1-element arrays, a range `{ start, stop, step }` or
 * `{ start, stop, num }` its values (numpy's `start:stop:step` and `start:stop:numj`; a JS array
 * is data, never a range). A first string item is numpy's directive: `'axis'`, `'axis,ndmin'` or
 * `'axis,ndmin,trans1d'` (e.g. `'-1'`, `'0,2'`, `'1,2,0'`); the matrix directives 'r' and 'c' are
 * not supported.
 *
 * @example
 * ```ts
 * np.r_(np.array([1, 2, 3]), 0, 0, np.array([4, 5, 6])).js(); // [1, 2, 3, 0, 0, 4, 5, 6]
 * np.r_({ start: -1, stop: 1, num: 5 }, 0).js(); // [-1, -0.5, 0, 0.5, 1, 0]
 * np.r_('0,2', [1, 2, 3], [4, 5, 6]).js(); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export function r_(...items: ConcatItem[]): Array {
  return axisConcat('np.r_', items, { axis: 0, ndmin: 1, trans1d: -1 });
}

/**
 * Concatenates along the last axis with every item made at least 2-D, 1-D items as columns
 * (`jnp.c_[...]`, written `np.c_(...)`): numpy's `r_['-1,2,0', ...]`. Items and directives as in `r_`.
 *
 * @example
 * ```ts
 * np.c_(np.array([1, 2, 3]), np.array([4, 5, 6])).js(); // [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export function c_(...items: ConcatItem[]): Array {
  return axisConcat('np.c_', items, { axis: -1, ndmin: 2, trans1d: 0 });
}
