/**
 * Indexing: `x.slice(...)` (one argument per axis, jax-js convention), functional updates
 * `x.at(...).set/add`, `take` and `takeAlongAxis`.
 */
import { Array, type ArrayOrScalar, ConcreteArray, type Index } from '../core/array.js';
import { bind1, bindSource } from '../core/trace.js';
import { ShapeError } from '../core/errors.js';
import * as S from '../primitives/shape.js';
import { asArray, asIndex, broadcastShapes, broadcastTo, convert, normAxis } from './promote.js';
import { add, clip, greaterEqual, less, logicalAnd, logicalNot, mod, where } from './math.js';
import { any } from './reductions.js';
import { concatenate, expandDims, moveaxis, reshape, squeeze, stack, flip, ravel, transpose } from './shape.js';
import { type DType, isInt } from '../core/dtype.js';

/**
 * Out-of-range index handling, JAX's modes: `fill` returns a fill value for reads, `drop` skips
 * writes, `clip` clamps to the nearest valid index, `wrap` takes the index modulo the axis size,
 * `promise_in_bounds` skips every check (an out-of-range index then reads a clamped element).
 * Negative indices in [-n, 0) count from the end in every mode but `wrap`.
 */
export type GatherMode = 'fill' | 'clip' | 'wrap' | 'promise_in_bounds';
/**
 * How `x.at(...).set/add` and the scatter functions treat out-of-range indices: `'drop'` skips the
 * update (JAX's default), `'clip'` clamps the index into range, `'promise_in_bounds'` assumes every
 * index is in range and skips the checks.
 */
export type ScatterMode = 'drop' | 'clip' | 'promise_in_bounds';

function checkMode<M extends string>(who: string, mode: unknown, allowed: readonly M[]): M {
  if (!allowed.includes(mode as M)) throw new TypeError(`${who}: unknown mode ${JSON.stringify(mode)}; use one of ${allowed.map((m) => `'${m}'`).join(', ')}`);
  return mode as M;
}

/** JAX's default fill for out-of-range reads: NaN for floats, the most negative int32, true for bool. */
function defaultFill(dtype: DType): number | boolean {
  return dtype === 'int32' ? -(2 ** 31) : dtype === 'bool' ? true : NaN;
}

/** Indices into an axis of size n, made valid by `mode`, and the mask of those that were in range. */
function modeIndex(i: Array, n: number, mode: GatherMode | ScatterMode): { idx: Array; valid: Array | null } {
  const ii = convert(i, 'int32');
  const known = hostIndex(ii, n, mode);
  if (known) return { idx: known, valid: null };
  if (mode === 'wrap') return { idx: mod(ii, n), valid: null };
  const norm = where(less(ii, 0), add(ii, n), ii);
  if (mode === 'promise_in_bounds') return { idx: norm, valid: null };
  const clamped = clip(norm, 0, Math.max(n - 1, 0));
  if (mode === 'clip') return { idx: clamped, valid: null };
  return { idx: clamped, valid: logicalAnd(greaterEqual(norm, 0), less(norm, n)) };
}

/**
 * Indices that are data already (a constant on the host, not a traced value), normalised on the
 * host, so a compiled program gathers with them directly; undefined when they are traced, on
 * another device, or (mode 'fill') some fall out of range.
 */
function hostIndex(ii: Array, n: number, mode: GatherMode | ScatterMode): Array | undefined {
  if (!(ii instanceof ConcreteArray) || ii.device !== 'cpu' || n === 0) return undefined;
  const v = Int32Array.from(ii.dataSync() as Int32Array);
  for (let k = 0; k < v.length; k++) {
    let j = mode === 'wrap' ? ((v[k] % n) + n) % n : v[k] < 0 ? v[k] + n : v[k];
    if (j < 0 || j >= n) {
      if (mode === 'fill' || mode === 'drop') return undefined;
      if (mode === 'clip') j = j < 0 ? 0 : n - 1;
    }
    v[k] = j;
  }
  return ConcreteArray.fromData(v, ii.shape, 'int32', ii.backend);
}

/** One resolved per-axis index. */
type AxisIndex =
  | { kind: 'int'; i: number }
  | { kind: 'dyn'; i: Array }
  | { kind: 'adv'; i: Array }
  | { kind: 'slice'; start: number; stop: number; step: number };

interface Resolved { axes: AxisIndex[]; newAxes: number[] }

function isIntArray(x: unknown): x is Array {
  return x instanceof Array && (isInt(x.dtype) || x.dtype === 'bool');
}

/** Python's slice.indices(n): clamps start/stop for the step's direction. */
function sliceIndices(n: number, start: number | null, stop: number | null, step: number): [number, number, number] {
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  if (step > 0) return [start === null ? 0 : norm(start, 0, n), stop === null ? n : norm(stop, 0, n), step];
  return [start === null ? n - 1 : norm(start, -1, n - 1), stop === null ? -1 : norm(stop, -1, n - 1), step];
}

function resolve(who: string, x: Array, index: readonly (Index | Array)[], oob: 'raise' | ScatterMode = 'raise'): Resolved {
  const consumed = index.filter((e) => e !== null).length;
  if (consumed > x.ndim) throw new ShapeError(`${who}: too many indices for an array of rank ${x.ndim} (shape [${x.shape}]; got ${consumed})`);
  const axes: AxisIndex[] = [];
  const newAxes: number[] = [];
  let pos = 0;
  for (const e of index) {
    const d = axes.length;
    const n = x.shape[d];
    if (e === null) { newAxes.push(pos++); continue; }
    if (typeof e === 'number') {
      if (!Number.isInteger(e)) throw new ShapeError(`${who}: index ${e} is not an integer (axis ${d}, shape [${x.shape}])`);
      if ((e < -n || e >= n) && (oob === 'raise' || n === 0)) throw new ShapeError(`${who}: index ${e} is out of bounds for axis ${d} with size ${n} (shape [${x.shape}])`);
      const ie = e < 0 ? e + n : e;
      // Under `drop` the out-of-range int stays as it is, so that the update is skipped below.
      axes.push({ kind: 'int', i: oob === 'drop' ? (e < -n || e >= n ? e : ie) : oob === 'clip' ? Math.min(Math.max(ie, 0), n - 1) : ie });
    } else if (e instanceof Array) {
      if (!isIntArray(e) || e.dtype === 'bool') throw new TypeError(`${who}: array indices must be integers, got ${e.dtype} for axis ${d}; convert with astype('int32')`);
      const i = asIndex(e);
      axes.push(i.ndim === 0 ? { kind: 'dyn', i } : { kind: 'adv', i });
      if (e.ndim !== 0) pos++;
    } else if (globalThis.Array.isArray(e)) {
      if (e.length > 3) throw new ShapeError(`${who}: a slice is [start, stop] or [start, stop, step], got ${JSON.stringify(e)} for axis ${d}`);
      const [s0, s1, s2] = e as (number | null)[];
      const step = s2 ?? 1;
      if (step === 0 || !Number.isInteger(step)) throw new ShapeError(`${who}: slice step must be a nonzero integer, got ${step}`);
      const [start, stop] = e.length === 0 ? [0, n] : sliceIndices(n, s0 ?? null, e.length >= 2 ? (s1 ?? null) : null, step);
      axes.push({ kind: 'slice', start, stop, step: e.length === 0 ? 1 : step });
      pos++;
    } else {
      throw new TypeError(`${who}: unsupported index ${JSON.stringify(e)} for axis ${d}; use an integer, [start, stop, step], [] or null`);
    }
  }
  while (axes.length < x.ndim) { axes.push({ kind: 'slice', start: 0, stop: x.shape[axes.length], step: 1 }); }
  return { axes, newAxes };
}

const sliceLen = (s: { start: number; stop: number; step: number }) => Math.max(0, Math.ceil((s.stop - s.start) / s.step));

/** `x.slice(...)`: basic indexing; scalar int32 Arrays index dynamically; int arrays gather. */
export function sliceIndex(x: Array, index: readonly (Index | Array)[]): Array {
  const { axes, newAxes } = resolve('slice', x, index);
  if (axes.some((a) => a.kind === 'adv')) return advancedGather(x, axes, newAxes);
  const r = basicIndex(x, axes);
  return newAxes.length ? expandDims(r, newAxes) : r;
}

/** Applies int / dynamic / slice axes (no index arrays); int and dynamic axes are dropped. */
function basicIndex(x: Array, axes: AxisIndex[]): Array {
  let r = x;
  // Negative steps: reverse those axes, then take a positive-stride slice.
  const revDims = axes.flatMap((a, d) => (a.kind === 'slice' && a.step < 0 ? [d] : []));
  if (revDims.length) r = flip(r, revDims);
  const start: number[] = [];
  const limit: number[] = [];
  const strides: number[] = [];
  axes.forEach((a, d) => {
    const n = x.shape[d];
    if (a.kind === 'int') { start.push(a.i); limit.push(a.i + 1); strides.push(1); }
    else if (a.kind === 'slice') {
      const len = sliceLen(a);
      const s0 = a.step > 0 ? a.start : n - 1 - a.start;
      const st = Math.abs(a.step);
      start.push(len ? s0 : 0); limit.push(len ? s0 + (len - 1) * st + 1 : 0); strides.push(st);
    } else { start.push(0); limit.push(n); strides.push(1); }
  });
  const trivial = start.every((s, d) => s === 0 && limit[d] === x.shape[d] && strides[d] === 1);
  if (!trivial) {
    r = bind1(S.Slice, [r], { startIndices: start, limitIndices: limit, strides: strides.every((s) => s === 1) ? null : strides }, r.weakType);
  }
  const dyn = axes.flatMap((a, d) => (a.kind === 'dyn' ? [d] : []));
  if (dyn.length) {
    const starts = axes.map((a, d) => (a.kind === 'dyn' ? normIndex(a.i, x.shape[d]) : asArray(0, 'int32')));
    r = bind1(S.DynamicSlice, [r, ...starts], { sliceSizes: r.shape.map((n, d) => (dyn.includes(d) ? 1 : n)) }, r.weakType);
  }
  const drop = axes.flatMap((a, d) => (a.kind === 'int' || a.kind === 'dyn' ? [d] : []));
  return drop.length ? squeeze(r, drop) : r;
}

/** Negative indices count from the end (normalised with a select when traced). */
function normIndex(i: Array, n: number): Array {
  const ii = convert(i, 'int32');
  return where(less(ii, 0), add(ii, n), ii);
}

/**
 * Advanced indexing (numpy's rules): the index axes (int arrays, and ints alongside them) broadcast
 * together into `nb` result axes, which go where the index axes were when those are adjacent, else first.
 * `perm` brings the index axes to the front so that one gather/scatter over axes [0, k) does the work.
 */
interface AdvPlan { coords: Array; k: number; nb: number; pos: number; perm: number[]; sliceAxes: number[] }

function advancedPlan(x: Array, axes: AxisIndex[], who: string, normalize = true): AdvPlan {
  const idxAxes = axes.flatMap((a, d) => (a.kind === 'slice' ? [] : [d]));
  const sliceAxes = axes.flatMap((a, d) => (a.kind === 'slice' ? [d] : []));
  const idx = idxAxes.map((d) => {
    const a = axes[d];
    const i = a.kind === 'int' ? asArray(a.i, 'int32') : (a as { i: Array }).i;
    // Raw indices for a moded scatter, which normalises them itself and must see the out-of-range ones.
    return normalize ? normIndex(i, x.shape[d]) : convert(i, 'int32');
  });
  const shape = broadcastShapes(who, ...idx.map((i) => i.shape));
  const coords = stack(idx.map((i) => broadcastTo(i, shape)), -1);
  const adjacent = idxAxes.every((d, j) => d === idxAxes[0] + j);
  return { coords, k: idxAxes.length, nb: shape.length, pos: adjacent ? idxAxes[0] : 0, perm: [...idxAxes, ...sliceAxes], sliceAxes };
}

const iotaList = (n: number, from = 0): number[] => globalThis.Array.from({ length: n }, (_, i) => i + from);

function advancedGather(x: Array, axes: AxisIndex[], newAxes: number[]): Array {
  if (newAxes.length) throw new ShapeError(`slice: null (new axis) cannot be combined with integer-array indices (shape [${x.shape}])`);
  const plan = advancedPlan(x, axes, 'slice');
  // Slices first (index axes kept whole), then index axes to the front and one gather.
  const full = (d: number): AxisIndex => ({ kind: 'slice', start: 0, stop: x.shape[d], step: 1 });
  const r = transpose(basicIndex(x, axes.map((a, d) => (a.kind === 'slice' ? a : full(d)))), plan.perm);
  const g = bind1(S.Gather, [r, plan.coords], { axes: iotaList(plan.k) }, x.weakType);
  return plan.pos > 0 && plan.nb > 0 ? moveaxis(g, iotaList(plan.nb), iotaList(plan.nb, plan.pos)) : g;
}

/** Coordinates [...selected shape, ndim] of the elements a basic index selects. */
function basicCoords(x: Array, axes: AxisIndex[], normalize = true): Array {
  const cols = axes.map((a, d) => {
    if (a.kind === 'int') return [a.i];
    if (a.kind === 'slice') return globalThis.Array.from({ length: sliceLen(a) }, (_, j) => a.start + j * a.step);
    return [0];
  });
  const shape = cols.map((c) => c.length);
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Int32Array(n * x.ndim);
  for (let flat = 0; flat < n; flat++) {
    let rem = flat;
    for (let d = x.ndim - 1; d >= 0; d--) {
      data[flat * x.ndim + d] = cols[d][rem % shape[d]];
      rem = Math.floor(rem / shape[d]);
    }
  }
  let coords = arrayOf(data, [...shape, x.ndim]);
  if (axes.some((a) => a.kind === 'dyn')) {
    const offs = axes.map((a, d) => (a.kind === 'dyn' ? (normalize ? normIndex(a.i, x.shape[d]) : convert(a.i, 'int32')) : asArray(0, 'int32')));
    coords = add(coords, stack(offs));
  }
  return coords;
}

/** A static int index clamped into its axis (only the shape of what it selects is needed). */
function clampStatic(x: Array, index: readonly (Index | Array)[], j: number, e: number): number {
  const axis = index.slice(0, j).filter((f) => f !== null).length;
  const n = x.shape[axis];
  if (n === undefined || n === 0) return e;
  const ie = e < 0 ? e + n : e;
  return Math.min(Math.max(ie, 0), n - 1);
}

const arrayOf = (data: Int32Array, shape: number[]): Array => ConcreteArray.fromData(data, shape, 'int32');

/** Options of `x.at(...).set` and `.add`. */
export interface AtOptions {
  /** Out-of-range indices: `'drop'` (default), `'clip'` or `'promise_in_bounds'`. */
  mode?: ScatterMode;
}

/**
 * What `x.at(...index)` returns: functional updates of the indexed elements, each giving a new
 * array (JAX's `x.at[...]`).
 */
export interface AtRef {
  /** The indexed elements: the same as `x.slice(...index)`. */
  get(): Array;
  /** Out-of-range updates are dropped (JAX's default); `{ mode: 'clip' }` clamps them instead. */
  set(v: ArrayOrScalar, opts?: AtOptions): Array;
  /**
   * A copy of `x` with `v` (broadcast, cast to `x`'s dtype) added to the indexed elements; repeated
   * indices accumulate.
   */
  add(v: ArrayOrScalar, opts?: AtOptions): Array;
}

/**
 * Scatter with out-of-range coordinates: every coordinate row with an invalid component is sent
 * to an extra slot appended to axis 0, which is cut off afterwards, so no valid entry is touched.
 */
function scatterModed(prim: typeof S.Scatter, x: Array, coords: Array, u: Array, mode: ScatterMode, weak: boolean): Array {
  const k = coords.shape[coords.ndim - 1];
  if (mode === 'promise_in_bounds' || x.shape[0] === 0) return bind1(prim, [x, coords, u], { axes: iotaList(k) }, weak);
  const cols = iotaList(k).map((d) => modeIndex(takeLast(coords, d), x.shape[d], mode));
  let c = stack(cols.map((m) => m.idx), -1);
  // (constant coordinates all in range have no validity mask: nothing to drop)
  const masks = cols.flatMap((m) => (m.valid ? [m.valid] : []));
  if (mode === 'clip' || !masks.length) return bind1(prim, [x, c, u], { axes: iotaList(k) }, weak);
  const bad = any(stack(masks.map((v) => logicalNot(v)), -1), -1);
  const dump = stack(iotaList(k).map((d) => where(bad, d === 0 ? x.shape[0] : 0, takeLast(c, d))), -1);
  c = dump;
  const padded = concatenate([x, sliceIndex(x, [[0, 1]])], 0);
  const out = bind1(prim, [padded, c, u], { axes: iotaList(k) }, weak);
  return sliceIndex(out, [[0, x.shape[0]]]);
}

/** coords[..., d] as an int32 array of the batch shape. */
function takeLast(coords: Array, d: number): Array {
  return sliceIndex(coords, [...coords.shape.slice(0, -1).map((): [] => []), d]);
}

/** Scatter for index arrays: the index axes go in front of x and of the values, then back. */
function advancedScatter(x: Array, axes: AxisIndex[], vals: Array, scatterAdd: boolean, mode: ScatterMode): Array {
  const plan = advancedPlan(x, axes, 'at', mode === 'promise_in_bounds');
  const partial = plan.sliceAxes.find((d) => {
    const a = axes[d] as { start: number; stop: number; step: number };
    return !(a.start === 0 && a.stop === x.shape[d] && a.step === 1);
  });
  if (partial !== undefined) {
    throw new ShapeError(`at: integer-array indices combined with a partial slice (axis ${partial} of shape [${x.shape}]) are not supported; index that axis with [] or apply the slice separately`);
  }
  const u = plan.pos > 0 && plan.nb > 0 ? moveaxis(vals, iotaList(plan.nb, plan.pos), iotaList(plan.nb)) : vals;
  const out = scatterModed(scatterAdd ? S.ScatterAdd : S.Scatter, transpose(x, plan.perm), plan.coords, u, mode, x.weakType);
  return transpose(out, plan.perm.map((_, d) => plan.perm.indexOf(d)));
}

/** JAX's `x.at[idx]`: functional updates returning a new array. */
export function at(x: Array, index: readonly (Index | Array)[]): AtRef {
  const update = (v: ArrayOrScalar, scatterAdd: boolean, opts: AtOptions = {}): Array => {
    const who = scatterAdd ? 'at(...).add' : 'at(...).set';
    const mode = checkMode(who, opts.mode ?? 'drop', ['drop', 'clip', 'promise_in_bounds'] as const);
    const { axes, newAxes } = resolve('at', x, index, mode);
    const isAdv = axes.some((a) => a.kind === 'adv');
    // The target's shape, with static ints clamped so that an out-of-range one still has a shape.
    const shapeIndex = index.map((e, j) => (typeof e === 'number' ? clampStatic(x, index, j, e) : e));
    const target = sliceIndex(x, shapeIndex);
    const vals = broadcastTo(convert(asArray(v), x.dtype), target.shape, 'at');
    if (isAdv) return advancedScatter(x, axes, vals, scatterAdd, mode);
    const prim = scatterAdd ? S.ScatterAdd : S.Scatter;
    const ints = axes.flatMap((a, d) => (a.kind === 'int' ? [[a.i, x.shape[d]]] : []));
    // A static int out of range selects nothing, so the whole update is dropped.
    if (ints.some(([i, n]) => i < 0 || i >= n)) return x;
    const coords = basicCoords(x, axes, mode === 'promise_in_bounds');
    const u = reshape(newAxes.length ? squeeze(vals, newAxes) : vals, coords.shape.slice(0, -1));
    if (!axes.some((a) => a.kind === 'dyn')) return bind1(prim, [x, coords, u], { axes: iotaList(x.ndim) }, x.weakType);
    return scatterModed(prim, x, coords, u, mode, x.weakType);
  };
  return {
    get: () => sliceIndex(x, index),
    set: (v, opts) => update(v, false, opts),
    add: (v, opts) => update(v, true, opts),
  };
}

/** Options of `np.take` and `np.takeAlongAxis`. */
export interface TakeOptions {
  /** Out-of-range indices: `'fill'` (default, as JAX), `'clip'`, `'wrap'` or `'promise_in_bounds'`. */
  mode?: GatherMode;
  /** The value `'fill'` gives for out-of-range indices (default NaN for floats, true for bool, -2³¹ for int32). */
  fillValue?: number | boolean;
}

/** Gathered values where `valid`, the mode's fill value elsewhere (whose cotangent is zero). */
function fillInvalid(g: Array, valid: Array | null, opts: TakeOptions): Array {
  if (!valid) return g;
  const v = broadcastTo(valid, g.shape);
  return where(v, g, convert(asArray(opts.fillValue ?? defaultFill(g.dtype)), g.dtype));
}

/**
 * `take(x, indices, axis, { mode, fillValue })`: elements along `axis` (the flattened array by
 * default). Out-of-range indices follow `mode`: 'fill' (default, as in JAX: NaN for floats, the most
 * negative int32 for ints, true for bool, or `fillValue`), 'clip', 'wrap' or 'promise_in_bounds'.
 */
export function take(x: ArrayOrScalar, indices: ArrayOrScalar | readonly number[], axis?: number | null, opts: TakeOptions = {}): Array {
  const mode = checkMode('np.take', opts.mode ?? 'fill', ['fill', 'clip', 'wrap', 'promise_in_bounds'] as const);
  let a = asArray(x);
  if (axis === null || axis === undefined) { a = ravel(a); axis = 0; }
  const ax = normAxis('np.take', axis, a.ndim);
  const idx = indices instanceof Array ? indices : typeof indices === 'number' ? asArray(indices, 'int32') : arrayOf(Int32Array.from(indices as number[]), [(indices as number[]).length]);
  if (!isInt(idx.dtype)) throw new TypeError(`np.take: indices must be integers, got ${idx.dtype}; convert with astype('int32')`);
  const { idx: norm, valid } = modeIndex(asIndex(idx), a.shape[ax], mode);
  let g = bind1(S.Gather, [a, expandDims(norm, -1)], { axes: [ax] }, a.weakType);
  if (valid) g = fillInvalid(g, reshape(valid, [...valid.shape, ...g.shape.slice(valid.ndim).map(() => 1)]), opts);
  // gather puts the index dims first; numpy puts them where `axis` was.
  if (ax === 0 || idx.ndim === 0) return g;
  const src = [...globalThis.Array(idx.ndim).keys()];
  return moveaxis(g, src, src.map((i) => i + ax));
}

/** numpy's take_along_axis: `indices` has x's rank and picks along `axis`; out-of-range indices as in `take`. */
export function takeAlongAxis(x: ArrayOrScalar, indices: Array, axis: number, opts: TakeOptions = {}): Array {
  const mode = checkMode('np.takeAlongAxis', opts.mode ?? 'fill', ['fill', 'clip', 'wrap', 'promise_in_bounds'] as const);
  const a = asArray(x);
  if (indices.ndim !== a.ndim) throw new ShapeError(`np.takeAlongAxis: indices (shape [${indices.shape}]) must have the same rank as x (shape [${a.shape}])`);
  const ax = normAxis('np.takeAlongAxis', axis, a.ndim);
  const shape = broadcastShapes('np.takeAlongAxis', a.shape.map((d, i) => (i === ax ? 1 : d)), indices.shape.map((d, i) => (i === ax ? 1 : d)));
  shape[ax] = indices.shape[ax];
  const { idx, valid } = modeIndex(broadcastTo(indices, shape), a.shape[ax], mode);
  const coords = shape.map((_, d) => (d === ax ? idx : bindSource(S.Iota, { dtype: 'int32', shape, dimension: d }, a.device)));
  return fillInvalid(bind1(S.Gather, [a, stack(coords, -1)], { axes: a.shape.map((_, i) => i) }, a.weakType), valid, opts);
}
