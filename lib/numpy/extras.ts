/**
 * The last of numpy's names that JavaScript can spell: bit packing (`packbits`, `unpackbits`), the
 * index-trick builders as functions (`mgrid`, `ogrid`, `r_`, `c_`: Python's `jnp.mgrid[0:5, 0:3]`
 * has no JS syntax, so ranges are written as data), `sortComplex`, `einsumPath` (numpy's
 * contraction-order search) and `topK`. All are compositions of existing ops, so `jit`, `vmap` and
 * (where the values are real floats) `grad` pass through them.
 *
 * Range spelling shared by `mgrid`, `ogrid`, `r_` and `c_` — numpy's slice `start:stop:step`:
 * - `{ start?, stop, step? }` is `start:stop:step` (start 0, step 1 by default): `np.arange`'s values;
 * - `{ start?, stop, num }` is numpy's complex step `start:stop:numj`: `num` points from `start` to
 *   `stop` inclusive (`np.linspace`), always float.
 * `mgrid` and `ogrid` also take the tuples `[start, stop]` and `[start, stop, step]`, with
 * `{ num }` in the step's place: `np.mgrid([0, 1, { num: 5 }])` is `np.mgrid[0:1:5j]`.
 */
import { Array, type ArrayOrScalar, type Nested } from '../core/array.js';
import { isFloat, isInt } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { bindSource } from '../core/trace.js';
import * as S from '../primitives/shape.js';
import { Complex } from './complex.js';
import { arange, array, linspace, zerosLike } from './creation.js';
import { meshgrid } from './arrange.js';
import { rightShift } from './elementwise-more.js';
import { parseEinsum } from './linalg.js';
import { bitwiseAnd, multiply, notEqual } from './math.js';
import { asArray, convert, describe, normAxis, promote, sliceAxis, toFloat } from './promote.js';
import { sum } from './reductions.js';
import { sortTogether } from './sorting.js';
import { concatenate, expandDims, pad, ravel, reshape, stack, transpose } from './shape.js';

/** numpy's bit order within a byte: 'big' puts the first element in the most significant bit. */
export type BitOrder = 'big' | 'little';

/** An input that np.array accepts: an Array, a JS number or boolean, or nested JS arrays of them. */
export type ArrayInput = ArrayOrScalar | Nested;

const dataArg = (x: ArrayInput): Array => (x instanceof Array ? x : globalThis.Array.isArray(x) ? array(x) : asArray(x));

function bitorderOf(who: string, b: unknown): BitOrder {
  if (b === undefined || b === 'big' || b === 'little') return b ?? 'big';
  throw new TypeError(`${who}: bitorder must be 'big' or 'little', got ${JSON.stringify(b)}`);
}

/** `x` flattened when `axis` is null/undefined (numpy's default), else x and its normalised axis. */
function alongAxis(who: string, x: Array, axis: number | null | undefined): [Array, number] {
  if (axis === undefined || axis === null) return [ravel(x), 0];
  if (x.ndim === 0) throw new ShapeError(`${who}: axis ${axis} given for a 0-d input; pass axis: null to flatten it first`);
  return [x, normAxis(who, axis, x.ndim)];
}

/** A shape of rank `ndim` that is 1 everywhere except `n` at `axis`: a vector set along that axis. */
const along = (n: number, axis: number, ndim: number): number[] => globalThis.Array.from({ length: ndim }, (_, d) => (d === axis ? n : 1));

/**
 * Packs the elements of a bool or integer array into the bits of uint8 bytes (`jnp.packbits`):
 * along `axis` (default null: the flattened array), each run of 8 elements becomes one byte, an
 * element counting as 1 when nonzero; the last run is padded with zeros. `bitorder` 'big' (the
 * default) puts the first element of each run in the most significant bit.
 *
 * @example
 * ```ts
 * np.packbits([1, 0, 1, 1, 0, 0, 0, 1, 1]).js(); // [177, 128]
 * np.packbits(np.array([true, true, false]), { bitorder: 'little' }).js(); // [3]
 * ```
 */
export function packbits(a: ArrayInput, opts: { axis?: number | null; bitorder?: BitOrder } = {}): Array {
  const who = 'np.packbits';
  // JS data of integers (which np.array makes float) packs as numpy's integer lists do.
  const jsInts = !(a instanceof Array) && [a].flat(Infinity as 1).every((v) => typeof v === 'boolean' || Number.isInteger(v));
  const x0 = jsInts ? array(a, { dtype: typeof a === 'boolean' ? 'bool' : 'int32' }) : dataArg(a);
  if (x0.dtype !== 'bool' && !isInt(x0.dtype)) {
    throw new TypeError(`${who}: expected a bool or integer array, got ${avalStr(x0.aval)}; compare first (x.greater(0)) or convert with x.astype('int32')`);
  }
  const order = bitorderOf(who, opts.bitorder);
  const [x, ax] = alongAxis(who, x0, opts.axis);
  const n = x.shape[ax];
  const bytes = Math.ceil(n / 8);
  let bits = convert(notEqual(x, 0), 'int32');
  if (bytes * 8 !== n) bits = pad(bits, x.shape.map((_, d): [number, number] => [0, d === ax ? bytes * 8 - n : 0]));
  const grouped = reshape(bits, [...x.shape.slice(0, ax), bytes, 8, ...x.shape.slice(ax + 1)]);
  const weights = globalThis.Array.from({ length: 8 }, (_, i) => 2 ** (order === 'big' ? 7 - i : i));
  const w = reshape(array(weights, { dtype: 'int32' }), along(8, ax + 1, grouped.ndim));
  return convert(sum(multiply(grouped, w), ax + 1), 'uint8');
}

/**
 * Unpacks the bits of a uint8 array into uint8 zeros and ones (`jnp.unpackbits`), the inverse of
 * `packbits`: along `axis` (default null: the flattened array) each byte becomes 8 elements.
 * `count` keeps the first `count` bits (padding with zeros past the end), or with a negative
 * `count` drops `-count` bits from the end (at most all of them).
 *
 * @example
 * ```ts
 * np.unpackbits(np.array([177], { dtype: 'uint8' })).js(); // [1, 0, 1, 1, 0, 0, 0, 1]
 * np.unpackbits(np.array([3], { dtype: 'uint8' }), { count: 3, bitorder: 'little' }).js(); // [1, 1, 0]
 * ```
 */
export function unpackbits(a: ArrayInput, opts: { axis?: number | null; count?: number | null; bitorder?: BitOrder } = {}): Array {
  const who = 'np.unpackbits';
  const x0 = dataArg(a);
  if (x0.dtype !== 'uint8') throw new TypeError(`${who}: expected a uint8 array, got ${avalStr(x0.aval)}; convert it with x.astype('uint8') (or build it with { dtype: 'uint8' })`);
  const order = bitorderOf(who, opts.bitorder);
  const [x, ax] = alongAxis(who, x0, opts.axis);
  const shifts = globalThis.Array.from({ length: 8 }, (_, i) => (order === 'big' ? 7 - i : i));
  const spread = expandDims(x, ax + 1);
  const s = reshape(array(shifts, { dtype: 'uint8' }), along(8, ax + 1, spread.ndim));
  const n = x.shape[ax] * 8;
  let bits = reshape(bitwiseAnd(rightShift(spread, s), 1), [...x.shape.slice(0, ax), n, ...x.shape.slice(ax + 1)]);
  const count = opts.count ?? null;
  if (count === null) return bits;
  if (!Number.isInteger(count)) throw new TypeError(`${who}: count must be an integer or null, got ${String(count)}`);
  if (count < -n) throw new RangeError(`${who}: count ${count} would drop ${-count} bits, more than the ${n} there are along axis ${ax}`);
  const keep = count >= 0 ? count : n + count;
  if (keep <= n) return sliceAxis(bits, ax, 0, keep);
  bits = pad(bits, bits.shape.map((_, d): [number, number] => [0, d === ax ? keep - n : 0]));
  return bits;
}

// ---- mgrid, ogrid, r_, c_ --------------------------------------------------------

/** numpy's complex step `numj`: that many points, end point included. */
export interface GridCount { readonly num: number }

/** numpy's slice `start:stop:step` as an object; `num` in place of `step` is numpy's `start:stop:numj`. */
export type RangeSpec =
  | { readonly start?: number; readonly stop: number; readonly step?: number }
  | { readonly start?: number; readonly stop: number; readonly num: number };

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

// ---- sortComplex, topK -----------------------------------------------------------

/**
 * A sorted copy of a complex array along its last axis, by real part, then by imaginary part
 * (`jnp.sort_complex`); a real input is sorted and returned as a Complex with zero imaginary part.
 * NaN parts sort last.
 *
 * @example
 * ```ts
 * np.sortComplex(np.complex([1, 1, 0], [2, -1, 5])).js(); // [[0, 5], [1, -1], [1, 2]]
 * ```
 */
export function sortComplex(z: Complex | ArrayInput): Complex {
  const who = 'np.sortComplex';
  const x = z instanceof Complex ? z.re : toFloat(dataArg(z));
  const c = z instanceof Complex ? z : new Complex(x, zerosLike(x));
  if (c.ndim === 0) throw new ShapeError(`${who}: cannot sort a 0-d value; reshape it to [1] first`);
  if (!isFloat(c.re.dtype) || c.re.dtype !== c.im.dtype) throw new TypeError(`${who}: a Complex's parts must be float arrays of one dtype, got ${c.re.dtype} and ${c.im.dtype}; build it with np.complex(re, im)`);
  const [re, im] = sortTogether([c.re, c.im], c.ndim - 1, 2);
  return new Complex(re, im);
}

/**
 * The `k` largest entries along the last axis, largest first, and their int32 indices:
 * `[values, indices]` (`jnp.top_k`, an alias of `lax.topK`). Equal values come lowest index first;
 * NaN counts as the largest.
 *
 * @example
 * ```ts
 * const [v, i] = np.topK(np.array([3, 1, 4, 1, 5]), 2); // v: [5, 4], i: [4, 2]
 * ```
 */
export function topK(operand: ArrayInput, k: number): [Array, Array] {
  const x = dataArg(operand);
  if (x.ndim === 0) throw new ShapeError(`np.topK: operand must have rank >= 1, got ${avalStr(x.aval)}`);
  const ax = x.ndim - 1;
  const n = x.shape[ax];
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ShapeError(`np.topK: k must be an integer in [0, ${n}] (the last axis of ${avalStr(x.aval)}), got ${k}`);
  const iota = bindSource(S.Iota, { dtype: 'int32', shape: [...x.shape], dimension: ax }, x.device);
  const [v, i] = sortTogether([x, iota], ax, 1, true);
  return [sliceAxis(v, ax, 0, k), sliceAxis(i, ax, 0, k)];
}

// ---- einsumPath ------------------------------------------------------------------

/** numpy's path: the head 'einsum_path', then the operand positions contracted at each step. */
export type EinsumPath = ['einsum_path', ...number[][]];

/** How einsumPath searches: numpy's 'greedy' (also `true`) or 'optimal', `false` (one step), [name, memoryLimit], or a given path. */
export type EinsumOptimize = 'greedy' | 'optimal' | boolean | readonly ['greedy' | 'optimal', number] | EinsumPath;

type Sets = Set<string>[];

const sizeOf = (labels: Iterable<string>, dims: Map<string, number>): number => {
  let p = 1;
  for (const l of labels) p *= dims.get(l)!;
  return p;
};

function flopCount(contract: Set<string>, inner: boolean, terms: number, dims: Map<string, number>): number {
  return sizeOf(contract, dims) * (Math.max(1, terms - 1) + (inner ? 1 : 0));
}

/** numpy's _find_contraction: the result labels, the remaining terms (result last), removed and involved labels. */
function findContraction(positions: readonly number[], inputs: Sets, output: Set<string>): [Set<string>, Sets, Set<string>, Set<string>] {
  const contract = new Set<string>();
  const remain = new Set(output);
  const remaining: Sets = [];
  inputs.forEach((s, i) => {
    if (positions.includes(i)) for (const l of s) contract.add(l);
    else { remaining.push(s); for (const l of s) remain.add(l); }
  });
  const result = new Set([...contract].filter((l) => remain.has(l)));
  const removed = new Set([...contract].filter((l) => !result.has(l)));
  remaining.push(result);
  return [result, remaining, removed, contract];
}

function* pairs(n: number): Generator<[number, number]> {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) yield [i, j];
}

function optimalPath(inputs: Sets, output: Set<string>, dims: Map<string, number>, memoryLimit: number): number[][] {
  let full: [number, number[][], Sets][] = [[0, [], inputs]];
  for (let it = 0; it < inputs.length - 1; it++) {
    const next: [number, number[][], Sets][] = [];
    for (const [cost, positions, remaining] of full) {
      for (const con of pairs(inputs.length - it)) {
        const [result, rest, removed, contract] = findContraction(con, remaining, output);
        if (sizeOf(result, dims) > memoryLimit) continue;
        next.push([cost + flopCount(contract, removed.size > 0, 2, dims), [...positions, con], rest]);
      }
    }
    if (next.length) full = next;
    else {
      const best = full.reduce((a, b) => (b[0] < a[0] ? b : a));
      return [...best[1], globalThis.Array.from({ length: inputs.length - it }, (_, i) => i)];
    }
  }
  if (full.length === 0) return [globalThis.Array.from({ length: inputs.length }, (_, i) => i)];
  return full.reduce((a, b) => (b[0] < a[0] ? b : a))[1];
}

type Candidate = [[number, number], [number, number], Sets];

function greedyPath(inputs0: Sets, output: Set<string>, dims: Map<string, number>, memoryLimit: number): number[][] {
  let inputs = inputs0;
  if (inputs.length === 1) return [[0]];
  if (inputs.length === 2) return [[0, 1]];
  const [, , removedAll, contractAll] = findContraction(inputs.map((_, i) => i), inputs, output);
  const naiveCost = flopCount(contractAll, removedAll.size > 0, inputs.length, dims);
  const parse = (pos: [number, number], pathCost: number): Candidate | null => {
    const [result, rest, removed, contract] = findContraction(pos, inputs, output);
    const newSize = sizeOf(result, dims);
    if (newSize > memoryLimit) return null;
    const removedSize = sizeOf(inputs[pos[0]], dims) + sizeOf(inputs[pos[1]], dims) - newSize;
    const cost = flopCount(contract, removed.size > 0, 2, dims);
    if (pathCost + cost > naiveCost) return null;
    return [[-removedSize, cost], pos, rest];
  };
  const less = (a: Candidate, b: Candidate): boolean => a[0][0] < b[0][0] || (a[0][0] === b[0][0] && a[0][1] < b[0][1]);
  let known: Candidate[] = [];
  let combos: Iterable<[number, number]> = pairs(inputs.length);
  let pathCost = 0;
  const path: number[][] = [];
  for (let it = 0; it < inputs0.length - 1; it++) {
    for (const pos of combos) {
      if (![...inputs[pos[0]]].some((l) => inputs[pos[1]].has(l))) continue;
      const r = parse(pos, pathCost);
      if (r) known.push(r);
    }
    if (known.length === 0) {
      for (const pos of pairs(inputs.length)) {
        const r = parse(pos, pathCost);
        if (r) known.push(r);
      }
      if (known.length === 0) {
        path.push(inputs.map((_, i) => i));
        break;
      }
    }
    const best = known.reduce((a, b) => (less(b, a) ? b : a));
    // numpy's _update_other_results: drop candidates that used the contracted terms, reindex the rest.
    const [bx, by] = best[1];
    known = known.flatMap(([cost, [x, y], sets]): Candidate[] => {
      if (x === bx || x === by || y === bx || y === by) return [];
      const s = [...sets];
      s.splice(by - Number(by > x) - Number(by > y), 1);
      s.splice(bx - Number(bx > x) - Number(bx > y), 1);
      s.splice(s.length - 1, 0, best[2][best[2].length - 1]);
      return [[cost, [x - Number(x > bx) - Number(x > by), y - Number(y > bx) - Number(y > by)], s]];
    });
    inputs = best[2];
    const last = inputs.length - 1;
    combos = globalThis.Array.from({ length: last }, (_, i): [number, number] => [i, last]);
    path.push([...best[1]]);
    pathCost += best[0][1];
  }
  return path;
}

/** Python's `%.3e`: three decimals and an exponent of at least two digits. */
const sci = (v: number): string => v.toExponential(3).replace(/e([+-])(\d)$/, 'e$10$2');

/**
 * The contraction order numpy's einsum would use, and a report of its cost (`jnp.einsum_path`):
 * `[path, report]`, with `path` in numpy's form `['einsum_path', [0, 1], [0, 1], ...]` (each step
 * contracts the listed positions of the current operand list and appends the result) and `report`
 * numpy's printed table (FLOP counts, largest intermediate, each step's subscripts). `optimize` is
 * numpy's: 'greedy' (the default, or `true`), 'optimal' (exhaustive), `false` (one step), a
 * `[name, memoryLimit]` pair, or an explicit path to report on. Only the operands' shapes are read,
 * so Arrays, Complex values or JS data all serve. (JAX returns opt_einsum's path without the
 * 'einsum_path' head and a PathInfo object; the steps are the same algorithm's.)
 *
 * @example
 * ```ts
 * const [path] = np.einsumPath('ij,jk,kl->il', np.ones([2, 3]), np.ones([3, 4]), np.ones([4, 5]));
 * path; // ['einsum_path', [1, 2], [0, 1]]  (contract the 3x4 and 4x5 first)
 * ```
 */
export function einsumPath(subscripts: string, ...args: (ArrayInput | Complex | { optimize?: EinsumOptimize })[]): [EinsumPath, string] {
  const who = 'np.einsumPath';
  const last = args[args.length - 1];
  const isOpts = (x: unknown): x is { optimize?: EinsumOptimize } =>
    typeof x === 'object' && x !== null && !(x instanceof Array) && !(x instanceof Complex) && !globalThis.Array.isArray(x);
  const opts = isOpts(last) ? last : {};
  const operands = (isOpts(last) ? args.slice(0, -1) : args).map((o, k) => {
    if (isOpts(o)) throw new TypeError(`${who}: the options object must be the last argument (operand ${k} is an object)`);
    return o instanceof Complex ? o.shape : dataArg(o as ArrayInput).shape;
  });
  if (typeof subscripts !== 'string') throw new TypeError(`${who}: subscripts must be a string such as 'ij,jk->ik', got ${describe(subscripts)}`);
  const { ins, out } = parseEinsum(who, subscripts, operands.length);
  let optimize: unknown = opts.optimize ?? 'greedy';
  if (optimize === true) optimize = 'greedy';
  let memoryLimit: number | undefined;
  let explicit: number[][] | undefined;
  if (globalThis.Array.isArray(optimize) && optimize[0] === 'einsum_path') {
    explicit = (optimize.slice(1) as unknown[]).map((p) => {
      if (!globalThis.Array.isArray(p) || p.some((v) => !Number.isInteger(v))) throw new TypeError(`${who}: a path step must be a JS array of operand positions, got ${JSON.stringify(p)}`);
      return [...p] as number[];
    });
  } else if (globalThis.Array.isArray(optimize) && optimize.length === 2 && typeof optimize[1] === 'number') {
    memoryLimit = Math.trunc(optimize[1]);
    optimize = optimize[0];
  }
  if (!explicit && optimize !== false && optimize !== 'greedy' && optimize !== 'optimal') {
    throw new TypeError(`${who}: optimize must be 'greedy', 'optimal', true, false, [name, memoryLimit] or ['einsum_path', ...steps], got ${JSON.stringify(optimize)}`);
  }
  const dims = new Map<string, number>();
  ins.forEach((term, t) => {
    const sh = operands[t];
    if (sh.length !== term.length) throw new ShapeError(`${who}: operand ${t} has rank ${sh.length} ([${sh}]) but subscripts '${term}'`);
    [...term].forEach((l, c) => {
      const d = dims.get(l);
      if (d === undefined || d === 1) dims.set(l, sh[c]);
      else if (sh[c] !== 1 && sh[c] !== d) throw new ShapeError(`${who}: label '${l}' has size ${sh[c]} in operand ${t} but ${d} before (shapes ${operands.map((s) => `[${s}]`).join(', ')})`);
    });
  });
  for (const l of out) if (!dims.has(l)) throw new ShapeError(`${who}: output label '${l}' does not appear in the inputs`);
  let inputSets: Sets = ins.map((t) => new Set(t));
  const outSet = new Set(out);
  const indices = new Set(ins.join(''));
  const maxSize = Math.max(...[...ins, out].map((t) => sizeOf(t, dims)));
  const memArg = memoryLimit ?? maxSize;
  const all = ins.map((_, i) => i);
  let path: number[][];
  if (explicit) path = explicit;
  else if (optimize === false || ins.length <= 2 || [...indices].every((l) => outSet.has(l))) path = [all];
  else if (optimize === 'greedy') path = greedyPath(inputSets, outSet, dims, memArg);
  else path = optimalPath(inputSets, outSet, dims, memArg);

  const costs: number[] = [], scales: number[] = [], sizes: number[] = [];
  const steps: [string, string[]][] = [];
  const inputList = [...ins];
  path.forEach((step, c) => {
    const inds = [...step].sort((a, b) => b - a);
    if (inds.some((i) => i < 0 || i >= inputList.length) || new Set(inds).size !== inds.length) {
      throw new TypeError(`${who}: path step ${c} [${step}] must name distinct positions among the ${inputList.length} operands left`);
    }
    const [result, rest, removed, contract] = findContraction(inds, inputSets, outSet);
    inputSets = rest;
    costs.push(flopCount(contract, removed.size > 0, inds.length, dims));
    scales.push(contract.size);
    sizes.push(sizeOf(result, dims));
    const taken = inds.map((i) => inputList.splice(i, 1)[0]);
    // numpy names an intermediate's labels by (size, label); the last step writes the output.
    const res = c === path.length - 1 ? out : [...result].sort((a, b) => dims.get(a)! - dims.get(b)! || (a < b ? -1 : a > b ? 1 : 0)).join('');
    inputList.push(res);
    steps.push([`${taken.join(',')}->${res}`, [...inputList]]);
  });
  if (inputList.length !== 1) throw new TypeError(`${who}: invalid path: ${inputList.length - 1} more operand(s) would still have to be contracted`);

  const inner = ins.reduce((p, t) => p + new Set(t).size, 0) - indices.size > 0;
  const naive = flopCount(indices, inner, ins.length, dims);
  const opt = costs.reduce((a, b) => a + b, 0) + 1;
  const lines = [
    `  Complete contraction:  ${ins.join(',')}->${out}`,
    `         Naive scaling:  ${indices.size}`,
    `     Optimized scaling:  ${Math.max(...scales)}`,
    `      Naive FLOP count:  ${sci(naive)}`,
    `  Optimized FLOP count:  ${sci(opt)}`,
    `   Theoretical speedup:  ${(naive / opt).toFixed(3)}`,
    `  Largest intermediate:  ${sci(Math.max(...sizes))} elements`,
    '-'.repeat(74),
    `${'scaling'.padStart(6)} ${'current'.padStart(24)} ${'remaining'.padStart(40)}`,
    '-'.repeat(74),
    ...steps.map(([s, rem], n) => `${String(scales[n]).padStart(4)}    ${s.padStart(24)} ${`${rem.join(',')}->${out}`.padStart(40)}`),
  ];
  return [['einsum_path', ...path.map((p) => [...p])], lines.join('\n')];
}
