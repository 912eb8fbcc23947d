/**
 * Indices of data and index-driven updates: nonzero, argwhere, extract, compress, unravelIndex,
 * ravelMultiIndex, put, putAlongAxis, choose, piecewise, applyAlongAxis, applyOverAxes and
 * fromfunction, composed from existing ops (no new primitives) so grad, jit and vmap apply. Where
 * the output size depends on the data they take JAX's `size`/`fillValue`.
 */
import { Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { type DType, getDefaultFloat, isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { vmap } from '../transforms/vmap.js';
import { array, iota } from './creation.js';
import { at, type ScatterMode, take } from './indexing.js';
import { cumsum } from './reductions.js';
import { add, clip, equal, floorDivide, less, logicalAnd, mod, multiply, notEqual, where } from './math.js';
import { asArray, broadcastArrays, broadcastShapes, broadcastTo, convert, normAxis, promote, sliceAxis } from './promote.js';
import { expandDims, moveaxis, ravel, reshape, stack, transpose } from './shape.js';
import { compactRows, staticCount } from './compact.js';
import { checkOperand, describeValue } from './validate.js';

const operand = (who: string, x: ArrayOrScalar): Array => asArray(checkOperand(who, x));

/** JAX's options for outputs whose size depends on the data: a static `size` and the `fillValue` of missing entries. */
export interface SizeOpts {
  /** The static length of the result, required under jit/vmap: extra entries are dropped, missing ones filled. */
  size?: number;
  /** The value of the entries past the data when `size` is larger (default 0). */
  fillValue?: ArrayOrScalar;
}

/** An integer (or bool) operand as int32; floats are refused with the fix. */
function intIndex(who: string, what: string, x: ArrayOrScalar): Array {
  const a = operand(who, x);
  if (isFloat(a.dtype)) throw new TypeError(`${who}: ${what} must be integers, got dtype ${a.dtype}; cast with astype('int32')`);
  return convert(a, 'int32');
}

/** Options of nonzero/flatnonzero/argwhere: a static `size`, and `fillValue` (0) as one number or one per axis. */
export interface NonzeroOpts {
  /** The static number of indices to return, required under jit/vmap: extra ones are dropped, missing ones filled. */
  size?: number;
  /** The index used past the last nonzero element when `size` is larger (default 0): one number, or one per axis. */
  fillValue?: ArrayOrScalar | readonly number[];
}

/** The values of a concrete Array, or null when traced. */
const known = (a: Array): number[] | null => (a instanceof ConcreteArray ? globalThis.Array.from(a.dataSync(), Number) : null);

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const s = shape.map(() => 1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/** Per-axis coordinates (int32) of the non-negative flat index `i` into `shape`. */
function coordsOf(i: Array, shape: readonly number[]): Array[] {
  const st = strides(shape);
  return shape.map((n, d) => (d === 0 ? floorDivide(i, st[0]) : mod(floorDivide(i, st[d]), n)));
}

/**
 * The indices of the nonzero elements, one int32 array per axis (numpy's `nonzero`). Without
 * `size` the count comes from the data (eager only); with it, missing entries are `fillValue` (0),
 * a number or one per axis.
 */
export function nonzero(a: ArrayOrScalar, opts: NonzeroOpts = {}): Array[] {
  const who = 'np.nonzero';
  const x = operand(who, a);
  if (x.ndim === 0) throw new ShapeError(`${who}: calling nonzero on a 0-d array is not allowed (numpy 2); use np.atleast1d(x) first`);
  const mask = ravel(x.dtype === 'bool' ? x : notEqual(x, 0));
  const k = staticCount(who, mask, opts.size, 'nonzero elements');
  const coords = coordsOf(iota('int32', [mask.size]), x.shape);
  const fill = opts.fillValue ?? 0;
  const fillRow: ArrayOrScalar = fill instanceof Array || typeof fill === 'number' || typeof fill === 'boolean' ? fill : array([...fill], { dtype: 'int32' });
  const r = compactRows(mask, stack(coords, 1), k, fillRow);
  return x.shape.map((_, d) => reshape(sliceAxis(r, 1, d, d + 1), [k]));
}

/** Indices of the nonzero elements of the flattened array (int32), with `size`/`fillValue` as nonzero. */
export function flatnonzero(a: ArrayOrScalar, opts: NonzeroOpts = {}): Array {
  return nonzero(ravel(operand('np.flatnonzero', a)), opts)[0];
}

/** The indices of the nonzero elements as rows: shape [count, ndim] (int32), with `size`/`fillValue` as nonzero. */
export function argwhere(a: ArrayOrScalar, opts: NonzeroOpts = {}): Array {
  const x = operand('np.argwhere', a);
  if (x.ndim === 0) {
    // numpy: a 0-d input gives one (or no) row with no columns.
    const r = stack(nonzero(reshape(x, [1]), opts), 1);
    return sliceAxis(r, 1, 0, 0);
  }
  return stack(nonzero(x, opts), 1);
}

/**
 * The slices of `a` along `axis` (the flattened array by default) where the 1-D `condition` is
 * true. A shorter condition selects from the leading slices; a longer one may only be false past
 * the end. Without `size` the count comes from the data (eager only); missing slices are `fillValue` (0).
 */
export function compress(condition: ArrayOrScalar, a: ArrayOrScalar, axis?: number | null, opts: SizeOpts = {}): Array {
  return compressImpl('np.compress', condition, a, axis ?? null, opts);
}

function compressImpl(who: string, condition: ArrayOrScalar, a: ArrayOrScalar, axis: number | null, opts: SizeOpts): Array {
  let c = operand(who, condition);
  if (c.ndim !== 1) throw new ShapeError(`${who}: condition must be 1-D, got shape [${c.shape}]`);
  c = c.dtype === 'bool' ? c : notEqual(c, 0);
  const x0 = operand(who, a);
  const ax = axis === null ? null : normAxis(who, axis, x0.ndim);
  let x = ax === null ? ravel(x0) : moveaxis(x0, ax, 0);
  const m = x.shape[0];
  if (c.shape[0] > m) {
    const extra = known(sliceAxis(c, 0, m, c.shape[0]));
    if (extra !== null && extra.some((v) => v !== 0)) {
      throw new ShapeError(`${who}: condition of length ${c.shape[0]} selects entries past the end of the axis (length ${m}); shorten it`);
    }
    c = sliceAxis(c, 0, 0, m);
  } else if (c.shape[0] < m) {
    x = sliceAxis(x, 0, 0, c.shape[0]);
  }
  const k = staticCount(who, c, opts.size, 'selected entries');
  const r = compactRows(c, x, k, opts.fillValue ?? 0);
  return ax === null ? r : moveaxis(r, 0, ax);
}

/** The elements of `arr` (flattened) where `condition` (flattened) is nonzero, with `size`/`fillValue` as compress. */
export function extract(condition: ArrayOrScalar, arr: ArrayOrScalar, opts: SizeOpts = {}): Array {
  return compressImpl('np.extract', ravel(operand('np.extract', condition)), ravel(operand('np.extract', arr)), null, opts);
}

/** A static shape argument, checked. */
function dimsArg(who: string, dims: readonly number[]): number[] {
  if (!globalThis.Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${who}: the shape must be a JS array of non-negative integers such as [2, 3], got ${describeValue(dims)}`);
  }
  return [...dims];
}

/**
 * The coordinates, one int32 array per axis of `shape`, of the flat indices `indices`. As in JAX,
 * negative indices count from the end and indices out of range are clipped (numpy raises).
 */
export function unravelIndex(indices: ArrayOrScalar, shape: readonly number[]): Array[] {
  const who = 'np.unravelIndex';
  const dims = dimsArg(who, shape);
  const i = intIndex(who, 'indices', indices);
  const total = dims.reduce((p, d) => p * d, 1);
  if (dims.length === 0) return [];
  const norm = clip(where(less(i, 0), add(i, total), i), 0, Math.max(total - 1, 0));
  return coordsOf(norm, dims);
}

/** Options of ravelMultiIndex: out-of-range handling ('raise', the default, needs concrete indices; 'wrap'; 'clip'). */
export interface RavelOpts {
  /** Out-of-range indices: 'raise' (default; throws, needs concrete indices), 'wrap' (modulo the dimension) or 'clip'. */
  mode?: 'raise' | 'wrap' | 'clip';
}

/** The flat (row-major) indices of per-axis coordinates `multiIndex` into an array of shape `dims` (int32). */
export function ravelMultiIndex(multiIndex: readonly ArrayOrScalar[], dims: readonly number[], opts: RavelOpts = {}): Array {
  const who = 'np.ravelMultiIndex';
  const shape = dimsArg(who, dims);
  if (!globalThis.Array.isArray(multiIndex) || multiIndex.length !== shape.length) {
    throw new ShapeError(`${who}: pass one index array per dimension: got ${describeValue(multiIndex)} for dims [${shape}]`);
  }
  const mode = opts.mode ?? 'raise';
  if (mode !== 'raise' && mode !== 'wrap' && mode !== 'clip') throw new TypeError(`${who}: mode must be 'raise', 'wrap' or 'clip', got ${describeValue(mode)}`);
  const idx = broadcastArrays(who, multiIndex.map((m) => intIndex(who, 'multiIndex', m)));
  const st = strides(shape);
  const parts = idx.map((i, d) => {
    if (mode === 'wrap') return mod(i, shape[d]);
    if (mode === 'clip') return clip(i, 0, Math.max(shape[d] - 1, 0));
    const v = known(i);
    if (v === null) throw new TypeError(`${who}: mode 'raise' needs concrete indices to check them; under jit/vmap pass { mode: 'wrap' } or { mode: 'clip' }, as in JAX`);
    const bad = v.find((e) => e < 0 || e >= shape[d]);
    if (bad !== undefined) throw new RangeError(`${who}: invalid entry ${bad} in multiIndex for dimension ${d} of size ${shape[d]}; pass mode 'wrap' or 'clip' to allow it`);
    return i;
  });
  return parts.reduce((acc: Array, p, d) => add(acc, multiply(p, st[d])), asArray(0, 'int32'));
}

/** JAX arrays are immutable: `inplace` must be false (or left out); the new array is returned. */
function checkInplace(who: string, inplace: boolean | undefined): void {
  if (inplace !== undefined && inplace !== false) {
    throw new TypeError(`${who}: arrays are immutable, so inplace=true is not possible; pass { inplace: false } and use the returned array`);
  }
}

/** Options of put: out-of-range handling ('drop', the default, also called 'fill'; 'clip'; 'wrap') and inplace (false only). */
export interface PutOpts {
  /** Out-of-range indices: 'drop' (default; also spelled 'fill'), 'clip' or 'wrap'. */
  mode?: 'drop' | 'fill' | 'clip' | 'wrap';
  /** Must be false or omitted: arrays are immutable, so the result is a new array. */
  inplace?: boolean;
}

/** `a` with the flat positions `ind` set to `v` (repeated cyclically as numpy's), as a new array. */
export function put(a: ArrayOrScalar, ind: ArrayOrScalar, v: ArrayOrScalar, opts: PutOpts = {}): Array {
  const who = 'np.put';
  checkInplace(who, opts.inplace);
  const x = operand(who, a);
  const flat = ravel(x);
  let idx = ravel(intIndex(who, 'ind', ind));
  const mode = opts.mode ?? 'drop';
  if (!['drop', 'fill', 'clip', 'wrap'].includes(mode)) throw new TypeError(`${who}: mode must be 'drop', 'fill', 'clip' or 'wrap', got ${describeValue(mode)}`);
  if (mode === 'wrap') idx = mod(idx, Math.max(flat.size, 1));
  const vals = ravel(operand(who, v));
  if (vals.size === 0 && idx.size > 0) throw new ShapeError(`${who}: v is empty but ind has ${idx.size} entries; pass values to put`);
  const reps = idx.size === 0 ? 0 : Math.ceil(idx.size / vals.size);
  const cyc = reps === 0 ? sliceAxis(vals, 0, 0, 0) : sliceAxis(reshape(stack(globalThis.Array.from({ length: reps }, () => vals), 0), [reps * vals.size]), 0, 0, idx.size);
  const scatterMode: ScatterMode = mode === 'clip' ? 'clip' : 'drop';
  return reshape(at(flat, [idx]).set(cyc, { mode: scatterMode }), x.shape);
}

/** Options of putAlongAxis: out-of-range handling of the scatter and inplace (false only). */
export interface PutAlongAxisOpts {
  /** Out-of-range indices: 'drop' (default), 'clip' or 'promise_in_bounds'. */
  mode?: ScatterMode;
  /** Must be false or omitted: arrays are immutable, so the result is a new array. */
  inplace?: boolean;
}

/** `arr` with `values` written at `indices` along `axis` (numpy's put_along_axis; `indices` has arr's rank), as a new array. */
export function putAlongAxis(arr: ArrayOrScalar, indices: ArrayOrScalar, values: ArrayOrScalar, axis: number | null, opts: PutAlongAxisOpts = {}): Array {
  const who = 'np.putAlongAxis';
  checkInplace(who, opts.inplace);
  const x0 = operand(who, arr);
  let ind = intIndex(who, 'indices', indices);
  const x = axis === null ? ravel(x0) : x0;
  if (axis === null) ind = ravel(ind);
  const ax = normAxis(who, axis ?? 0, x.ndim);
  if (ind.ndim !== x.ndim) throw new ShapeError(`${who}: indices (shape [${ind.shape}]) must have arr's rank ${x.ndim} (shape [${x.shape}]); add axes with np.expandDims`);
  const coords = x.shape.map((n, d) => (d === ax ? ind : reshape(iota('int32', [n]), x.shape.map((_, e) => (e === d ? n : 1)))));
  broadcastShapes(who, ...coords.map((c) => c.shape));
  const r = at(x, coords).set(values, { mode: opts.mode ?? 'drop' });
  return axis === null ? reshape(r, x0.shape) : r;
}

/** Options of choose: out-of-range handling ('raise', the default, needs concrete indices; 'wrap'; 'clip'). */
export interface ChooseOpts {
  /** Out-of-range choice indices: 'raise' (default; throws, needs concrete indices), 'wrap' or 'clip'. */
  mode?: 'raise' | 'wrap' | 'clip';
}

/** Elementwise choices[a] (a, the choices and the result broadcast together), numpy's `choose`. */
export function choose(a: ArrayOrScalar, choices: readonly ArrayOrScalar[] | Array, opts: ChooseOpts = {}): Array {
  const who = 'np.choose';
  let idx = intIndex(who, 'a', a);
  const list: ArrayOrScalar[] = choices instanceof Array
    ? globalThis.Array.from({ length: choices.shape[0] ?? 0 }, (_, i) => reshape(sliceAxis(choices, 0, i, i + 1), choices.shape.slice(1)))
    : [...checkChoices(who, choices)];
  const n = list.length;
  if (n === 0) throw new ShapeError(`${who}: choices must not be empty`);
  const [cs] = promote(list);
  const shape = broadcastShapes(who, idx.shape, ...cs.map((c) => c.shape));
  const mode = opts.mode ?? 'raise';
  if (mode === 'wrap') idx = mod(idx, n);
  else if (mode === 'clip') idx = clip(idx, 0, n - 1);
  else if (mode === 'raise') {
    const v = known(idx);
    if (v === null) throw new TypeError(`${who}: mode 'raise' needs concrete indices to check them; under jit/vmap pass { mode: 'wrap' } or { mode: 'clip' }, as in JAX`);
    const bad = v.find((e) => e < 0 || e >= n);
    if (bad !== undefined) throw new RangeError(`${who}: index ${bad} is out of range for ${n} choices; pass mode 'wrap' or 'clip' to allow it`);
  } else throw new TypeError(`${who}: mode must be 'raise', 'wrap' or 'clip', got ${describeValue(mode)}`);
  let r = cs[n - 1];
  for (let i = n - 2; i >= 0; i--) r = where(equal(idx, i), cs[i], r);
  return broadcastTo(r, shape, who);
}

function checkChoices(who: string, c: unknown): readonly ArrayOrScalar[] {
  if (!globalThis.Array.isArray(c)) throw new TypeError(`${who}: choices must be a JS array of Arrays or an Array, got ${describeValue(c)}`);
  return c as readonly ArrayOrScalar[];
}

/** A piece of piecewise: a function of x, or a constant. */
export type Piece = ((x: Array) => ArrayOrScalar) | number | boolean;

/**
 * numpy's piecewise: where condlist[i] holds, `funclist[i](x)` (or the constant); one extra function
 * applies where no condition holds, else 0. Every function sees all of x (as in JAX), and the
 * result keeps x's dtype.
 */
export function piecewise(x: ArrayOrScalar, condlist: readonly ArrayOrScalar[], funclist: readonly Piece[]): Array {
  const who = 'np.piecewise';
  const xa = operand(who, x);
  if (!globalThis.Array.isArray(condlist) || !globalThis.Array.isArray(funclist)) {
    throw new TypeError(`${who}: condlist and funclist must be JS arrays, got ${describeValue(condlist)} and ${describeValue(funclist)}`);
  }
  const n = condlist.length;
  if (funclist.length !== n && funclist.length !== n + 1) {
    throw new ShapeError(`${who}: with ${n} condition(s) funclist must have ${n} or ${n + 1} entries, got ${funclist.length}`);
  }
  const conds = condlist.map((c) => {
    const b = operand(who, c);
    broadcastShapes(who, b.shape, xa.shape);
    return b.dtype === 'bool' ? b : notEqual(b, 0);
  });
  const value = (f: Piece): Array => convert(asArray(typeof f === 'function' ? f(xa) : f), xa.dtype);
  let y: Array = convert(multiply(xa, 0), xa.dtype);
  if (funclist.length === n + 1) {
    const none = conds.reduce((acc: Array, c) => logicalAnd(acc, notEqual(c, true)), asArray(true));
    y = where(none, value(funclist[n]), y);
  }
  // Later conditions win, as numpy assigns them in order.
  conds.forEach((c, i) => { y = where(c, value(funclist[i]), y); });
  return y;
}

/** Applies `func1d` to the 1-D slices of `arr` along `axis` (vmapped over the other axes); its output axes replace `axis`. */
export function applyAlongAxis(func1d: (slice: Array) => ArrayOrScalar, axis: number, arr: ArrayOrScalar): Array {
  const who = 'np.applyAlongAxis';
  if (typeof func1d !== 'function') throw new TypeError(`${who}: func1d must be a function, got ${describeValue(func1d)}`);
  const x = operand(who, arr);
  if (x.ndim === 0) throw new ShapeError(`${who}: arr must be at least 1-D, got a 0-d array`);
  const ax = normAxis(who, axis, x.ndim);
  let f = (s: Array): Array => asArray(func1d(s));
  for (let i = 0; i < x.ndim - 1; i++) f = vmap(f) as (s: Array) => Array;
  const out = f(moveaxis(x, ax, -1));
  const lead = x.ndim - 1;
  const k = out.ndim - lead;
  const others = globalThis.Array.from({ length: lead }, (_, i) => i);
  const outs = globalThis.Array.from({ length: k }, (_, i) => lead + i);
  return transpose(out, [...others.slice(0, ax), ...outs, ...others.slice(ax)]);
}

/** Applies `func(a, axis)` for each axis in turn; a result with one axis fewer gets it back (size 1). */
export function applyOverAxes(func: (a: Array, axis: number) => ArrayOrScalar, a: ArrayOrScalar, axes: number | readonly number[]): Array {
  const who = 'np.applyOverAxes';
  let x = operand(who, a);
  for (const axis of typeof axes === 'number' ? [axes] : axes) {
    const ax = normAxis(who, axis, x.ndim);
    const r = asArray(func(x, ax));
    if (r.ndim === x.ndim) x = r;
    else if (r.ndim === x.ndim - 1) x = expandDims(r, ax);
    else throw new ShapeError(`${who}: func returned shape [${r.shape}] for an input of shape [${x.shape}]; it must keep the rank or drop one axis`);
  }
  return x;
}

/** `fn(i0, i1, ...)` called once with the index grids of `shape` (of `dtype`, the default float), as numpy. */
export function fromfunction<R>(fn: (...indices: Array[]) => R, shape: readonly number[], opts: { dtype?: DType } = {}): R {
  const who = 'np.fromfunction';
  if (typeof fn !== 'function') throw new TypeError(`${who}: fn must be a function, got ${describeValue(fn)}`);
  const dims = dimsArg(who, shape);
  const dtype = opts.dtype ?? getDefaultFloat();
  return fn(...dims.map((_, d) => iota(dtype, dims, d)));
}

/**
 * Open-mesh index arrays from N sequences (numpy's `ix_`): the i-th result has its sequence on
 * axis i and length 1 elsewhere, so `x.slice`-style gathers broadcast them into a cross product.
 * Boolean sequences become the indices of their true entries (eagerly: that count is data).
 */
export function ix_(...args: readonly ArrayOrScalar[]): Array[] {
  const n = args.length;
  return args.map((s, i) => {
    let a = operand('np.ix_', s);
    if (a.ndim !== 1) throw new ShapeError(`np.ix_: each argument must be 1-D, argument ${i} has shape [${a.shape}]`);
    if (a.dtype === 'bool') a = nonzero(a)[0];
    else if (isFloat(a.dtype)) throw new TypeError(`np.ix_: argument ${i} must hold integers or booleans, got dtype ${a.dtype}`);
    return reshape(a, globalThis.Array.from({ length: n }, (_, d) => (d === i ? a.shape[0] : 1)));
  });
}

/**
 * The (row, column) indices where `maskFunc(ones([n, n]), k)` is nonzero (numpy's `mask_indices`,
 * e.g. `maskIndices(3, np.triu)`); `size` as nonzero's under jit.
 */
export function maskIndices(n: number, maskFunc: (a: Array, k: number) => Array, k = 0, opts: NonzeroOpts = {}): Array[] {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`np.maskIndices: n must be a non-negative integer, got ${n}`);
  return nonzero(maskFunc(array(globalThis.Array.from({ length: n }, () => globalThis.Array.from({ length: n }, () => 1)), { dtype: 'int32' }), k), opts);
}

/**
 * `arr` with the entries where `mask` holds replaced by `vals` in order, repeated cyclically
 * (numpy's `place`; arrays are immutable, so this returns the new array: JAX's inplace=false).
 */
export function place(arr: ArrayOrScalar, mask: ArrayOrScalar, vals: ArrayOrScalar, opts: { inplace?: boolean } = {}): Array {
  if (opts.inplace) throw new TypeError('np.place: arrays are immutable, so inplace=true is not possible; use the returned array (JAX: inplace=False)');
  const a = operand('np.place', arr);
  const m = ravel(convert(broadcastTo(operand('np.place', mask), a.shape), 'bool'));
  const v = ravel(convert(operand('np.place', vals), a.dtype));
  if (v.size === 0) throw new ShapeError('np.place: vals must not be empty');
  // The j-th selected entry takes vals[j mod len(vals)]: j is the running count of the mask.
  const j = mod(add(cumsum(convert(m, 'int32')), -1), v.size);
  return reshape(where(m, take(v, j), ravel(a)), a.shape);
}
