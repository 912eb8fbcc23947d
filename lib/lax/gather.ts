/**
 * XLA's gather and scatter with dimension numbers (`lax.gather`, `lax.scatter`, `scatterAdd`,
 * `scatterSub`, `scatterMul`, `scatterMin`, `scatterMax`, `scatterApply`), composed from the point
 * gather and scatter primitives: every window of the operation becomes its points' coordinates, so
 * derivatives, vmap and every backend come from those primitives' rules.
 *
 * Modes, as JAX's: 'fill' / 'drop' (the default) fills a gathered window that leaves the operand
 * with `fillValue` and drops a scattered one; 'clip' clamps each window's start into the operand;
 * 'promise_in_bounds' clamps too (the caller promises it never has to).
 */
import type { Array } from '../core/array.js';
import { bind1 } from '../core/trace.js';
import { ShapeError } from '../core/errors.js';
import { isFloat } from '../core/dtype.js';
import * as S from '../primitives/shape.js';
import * as np from '../numpy/index.js';
import { broadcastedIota } from './ops.js';
import { sort } from './sorting.js';
import { associativeScan } from './cumulative.js';

/**
 * How windows that leave the operand are handled (JAX's `GatherScatterMode`): `'fill'` and `'drop'`
 * (one mode, the default) read `fillValue` in a gather and skip the update in a scatter; `'clip'`
 * clamps each window's start into the operand; `'promise_in_bounds'` clamps too, the caller
 * promising it never has to.
 */
export type GatherScatterMode = 'fill' | 'drop' | 'clip' | 'promise_in_bounds';

/** jax.lax.GatherDimensionNumbers, camelCased. */
export interface GatherDimensionNumbers {
  /** Output axes that hold the window (the operand axes not collapsed and not batching, in order). */
  offsetDims: readonly number[];
  /** Operand axes whose window size is 1 and that do not appear in the output. */
  collapsedSliceDims: readonly number[];
  /** Which operand axis each component of an index vector (the last axis of startIndices) starts. */
  startIndexMap: readonly number[];
  /** Operand axes indexed by the matching batch axes of startIndices. */
  operandBatchingDims?: readonly number[];
  /** Axes of startIndices that batch with `operandBatchingDims`, in the same order. */
  startIndicesBatchingDims?: readonly number[];
}

/** jax.lax.ScatterDimensionNumbers, camelCased. */
export interface ScatterDimensionNumbers {
  /** Axes of `updates` that hold the window. */
  updateWindowDims: readonly number[];
  /** Operand axes of window size 1 that do not appear in `updates`. */
  insertedWindowDims: readonly number[];
  /** Which operand axis each component of an index vector starts. */
  scatterDimsToOperandDims: readonly number[];
  /** Operand axes indexed by the matching batch axes of scatterIndices. */
  operandBatchingDims?: readonly number[];
  /** Axes of scatterIndices that batch with `operandBatchingDims`, in the same order. */
  scatterIndicesBatchingDims?: readonly number[];
}

/** Options of `lax.gather`. */
export interface GatherOptions {
  /** Out-of-range windows: `'fill'` (default; also `'drop'`), `'clip'` or `'promise_in_bounds'`. */
  mode?: GatherScatterMode;
  /** The value of out-of-range windows in `'fill'` mode (default NaN for floats, true for bool, -2³¹ for int32). */
  fillValue?: number | boolean;
}
/** Options of the `lax.scatter*` functions. */
export interface ScatterOptions {
  /** Out-of-range windows: dropped (`'fill'` or `'drop'`, the default), `'clip'`ped into range, or `'promise_in_bounds'`. */
  mode?: GatherScatterMode;
}

const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/**
 * The coordinates of every point of every window: [...batch, ...window, rank], and whether each
 * window lies inside the operand ([...batch]).
 */
function windows(
  who: string, shape: readonly number[], idx: Array, startMap: readonly number[],
  opBatch: readonly number[], idxBatch: readonly number[], windowDims: readonly number[], size: readonly number[],
): { coords: Array; inBounds: Array; batch: number[]; window: number[] } {
  const nd = shape.length;
  if (idx.dtype !== 'int32') throw new ShapeError(`${who}: indices must be int32, got ${idx.dtype}; convert with astype('int32')`);
  if (idx.ndim < 1) throw new ShapeError(`${who}: indices need an index-vector axis (the last), got a scalar; reshape to [..., ${startMap.length}]`);
  const batch = idx.shape.slice(0, -1);
  const nb = batch.length;
  const K = idx.shape[nb];
  const dims = (name: string, ds: readonly number[], n: number): void => {
    if (ds.some((d) => !Number.isInteger(d) || d < 0 || d >= n) || new Set(ds).size !== ds.length) throw new ShapeError(`${who}: ${name} ${list(ds)} must be distinct axes below ${n}`);
  };
  dims('the start index map', startMap, nd);
  dims('the operand batching dims', opBatch, nd);
  dims('the indices batching dims', idxBatch, nb);
  if (startMap.length !== K) throw new ShapeError(`${who}: indices of shape ${list(idx.shape)} hold index vectors of length ${K}, but the start index map ${list(startMap)} has ${startMap.length}`);
  if (opBatch.length !== idxBatch.length) throw new ShapeError(`${who}: ${opBatch.length} operand batching dims but ${idxBatch.length} indices batching dims; they pair up`);
  opBatch.forEach((d, i) => {
    if (shape[d] !== batch[idxBatch[i]]) throw new ShapeError(`${who}: operand batching axis ${d} (size ${shape[d]}) pairs with indices axis ${idxBatch[i]} (size ${batch[idxBatch[i]]}); their sizes must match`);
  });
  size.forEach((s, d) => {
    if (!Number.isInteger(s) || s < 0 || s > shape[d]) throw new ShapeError(`${who}: window size ${s} of operand axis ${d} must be between 0 and its size ${shape[d]}`);
  });
  const window = windowDims.map((d) => size[d]);
  const ones = (n: number): number[] => new globalThis.Array<number>(n).fill(1);
  const full = [...batch, ...window];
  let inBounds: Array = np.ones(batch, { dtype: 'bool' });
  const coord = shape.map((n, d) => {
    let start: Array = np.zeros(batch, { dtype: 'int32' });
    const k = startMap.indexOf(d);
    const b = opBatch.indexOf(d);
    if (k >= 0) {
      const s = np.take(idx, k, -1);
      const hi = n - size[d];
      inBounds = np.logicalAnd(inBounds, np.logicalAnd(np.greaterEqual(s, 0), np.lessEqual(s, hi)));
      start = np.clip(s, 0, Math.max(hi, 0));
    } else if (b >= 0) {
      start = broadcastedIota('int32', batch, idxBatch[b]);
    }
    const j = windowDims.indexOf(d);
    const point = np.reshape(start, [...batch, ...ones(window.length)]);
    return j < 0 ? np.broadcastTo(point, full) : np.add(point, broadcastedIota('int32', full, nb + j));
  });
  return { coords: np.stack(coord, -1), inBounds, batch, window };
}

/** The operand axes that form a window: neither collapsed (inserted) nor batching, in order. */
function windowAxes(nd: number, dropped: readonly number[], opBatch: readonly number[]): number[] {
  return globalThis.Array.from({ length: nd }, (_, d) => d).filter((d) => !dropped.includes(d) && !opBatch.includes(d));
}

const allAxes = (n: number): number[] => globalThis.Array.from({ length: n }, (_, d) => d);

function modeOf(who: string, mode: unknown): GatherScatterMode {
  const m = mode ?? 'fill';
  if (m !== 'fill' && m !== 'drop' && m !== 'clip' && m !== 'promise_in_bounds') throw new ShapeError(`${who}: unknown mode ${String(m)}; use 'fill' (or 'drop'), 'clip' or 'promise_in_bounds'`);
  return m;
}

/**
 * jax.lax.gather: windows of `operand` of `sliceSizes`, starting at the index vectors of
 * `startIndices` (its last axis), laid out as `dimensionNumbers` says.
 */
export function gather(operand: Array, startIndices: Array, dimensionNumbers: GatherDimensionNumbers, sliceSizes: readonly number[], opts: GatherOptions = {}): Array {
  const who = 'lax.gather';
  const mode = modeOf(who, opts.mode);
  const nd = operand.ndim;
  const { offsetDims, collapsedSliceDims, startIndexMap } = dimensionNumbers;
  const opBatch = dimensionNumbers.operandBatchingDims ?? [];
  const idxBatch = dimensionNumbers.startIndicesBatchingDims ?? [];
  if (sliceSizes.length !== nd) throw new ShapeError(`${who}: sliceSizes ${list(sliceSizes)} must give a size for each of the operand's ${nd} axes (shape ${list(operand.shape)})`);
  for (const d of [...collapsedSliceDims, ...opBatch]) {
    if (sliceSizes[d] !== 1 && d >= 0 && d < nd) throw new ShapeError(`${who}: collapsed and batching axes need slice size 1, but axis ${d} has ${sliceSizes[d]}`);
  }
  const wd = windowAxes(nd, collapsedSliceDims, opBatch);
  const outRank = startIndices.ndim - 1 + wd.length;
  if (offsetDims.length !== wd.length || offsetDims.some((d, i) => d < 0 || d >= outRank || (i > 0 && d <= offsetDims[i - 1]))) {
    throw new ShapeError(`${who}: offsetDims ${list(offsetDims)} must be ${wd.length} ascending output axes below ${outRank} (one per window axis ${list(wd)})`);
  }
  const { coords, inBounds, batch, window } = windows(who, operand.shape, startIndices, startIndexMap, opBatch, idxBatch, wd, sliceSizes);
  let out = bind1(S.Gather, [operand, coords], { axes: allAxes(nd) });
  if (mode === 'fill' || mode === 'drop') {
    const fill = opts.fillValue ?? (isFloat(operand.dtype) ? NaN : operand.dtype === 'bool' ? true : -2147483648);
    const mask = np.reshape(inBounds, [...batch, ...window.map(() => 1)]);
    out = np.where(mask, out, np.astype(np.array(fill), operand.dtype));
  }
  // [...batch, ...window] -> the output order, the window axes at offsetDims
  const batchPos = allAxes(outRank).filter((p) => !offsetDims.includes(p));
  const perm = allAxes(outRank).map((p) => (offsetDims.includes(p) ? batch.length + offsetDims.indexOf(p) : batchPos.indexOf(p)));
  return np.transpose(out, perm);
}

type Combine = 'set' | 'add' | 'mul' | 'min' | 'max';

/** Points [...batch, ...window] of a scatter's updates, their coordinates, and which windows stay. */
function scatterPoints(who: string, operand: Array, indices: Array, updates: Array, dn: ScatterDimensionNumbers, mode: GatherScatterMode) {
  const nd = operand.ndim;
  const { updateWindowDims, insertedWindowDims, scatterDimsToOperandDims } = dn;
  const opBatch = dn.operandBatchingDims ?? [];
  const idxBatch = dn.scatterIndicesBatchingDims ?? [];
  if (updates.dtype !== operand.dtype) throw new ShapeError(`${who}: updates (${updates.dtype}) must have the operand's dtype (${operand.dtype}); convert with astype`);
  const wd = windowAxes(nd, insertedWindowDims, opBatch);
  const nb = indices.ndim - 1;
  if (updateWindowDims.length !== wd.length || updates.ndim !== nb + wd.length || updateWindowDims.some((d, i) => d < 0 || d >= updates.ndim || (i > 0 && d <= updateWindowDims[i - 1]))) {
    throw new ShapeError(`${who}: updates of shape ${list(updates.shape)} need ${nb} scatter axes (indices ${list(indices.shape)}) and ${wd.length} window axes at updateWindowDims ${list(updateWindowDims)} (ascending), one per operand axis ${list(wd)}`);
  }
  const scatterPos = allAxes(updates.ndim).filter((p) => !updateWindowDims.includes(p));
  scatterPos.forEach((p, i) => {
    if (updates.shape[p] !== indices.shape[i]) throw new ShapeError(`${who}: updates axis ${p} (size ${updates.shape[p]}) must match indices axis ${i} (size ${indices.shape[i]})`);
  });
  const size = allAxes(nd).map((d) => (wd.includes(d) ? updates.shape[updateWindowDims[wd.indexOf(d)]] : 1));
  const { coords, inBounds, batch, window } = windows(who, operand.shape, indices, scatterDimsToOperandDims, opBatch, idxBatch, wd, size);
  const u = np.transpose(updates, [...scatterPos, ...updateWindowDims]);
  const keep = mode === 'fill' || mode === 'drop' ? np.broadcastTo(np.reshape(inBounds, [...batch, ...window.map(() => 1)]), [...batch, ...window]) : undefined;
  return { coords, u, keep };
}

const IDENTITY: Record<'mul' | 'min' | 'max', (float: boolean) => number> = {
  mul: () => 1, min: (f) => (f ? Infinity : 2147483647), max: (f) => (f ? -Infinity : -2147483648),
};

function scatterWith(combine: Combine, who: string, operand: Array, indices: Array, updates: Array, dn: ScatterDimensionNumbers, opts: ScatterOptions): Array {
  const mode = modeOf(who, opts.mode);
  const { coords, u, keep } = scatterPoints(who, operand, indices, updates, dn, mode);
  const nd = operand.ndim;
  const n = u.size;
  const flatCoords = np.reshape(coords, [n, nd]);
  const flatU = np.reshape(u, [n]);
  if (combine === 'add') {
    const v = keep ? np.where(np.reshape(keep, [n]), flatU, np.zerosLike(flatU)) : flatU;
    return bind1(S.ScatterAdd, [operand, flatCoords, v], { axes: allAxes(nd) });
  }
  // a dropped point goes to a row past the operand's end, cut off afterwards
  const pad = keep !== undefined && nd > 0;
  const target = pad ? np.concatenate([operand, np.zerosLike(operand.slice([0, 1]))], 0) : operand;
  const place = (c: Array, k: Array | undefined): Array => (k ? np.where(np.expandDims(k, -1), c, np.array(allAxes(nd).map((d) => (d === 0 ? operand.shape[0] : 0)), { dtype: 'int32' })) : c);
  const unpad = (x: Array): Array => (pad ? x.slice([0, operand.shape[0]]) : x);
  if (combine === 'set') return unpad(bind1(S.Scatter, [target, place(flatCoords, keep && np.reshape(keep, [n])), flatU], { axes: allAxes(nd) }));
  // mul, min, max: points sorted by target, combined within each run of equal targets by a
  // segmented scan, and the last of each run written once (no two writes share a target)
  const strides = allAxes(nd).map((d) => operand.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const flat = strides.reduce<Array>((acc, s, d) => np.add(acc, np.multiply(np.take(flatCoords, d, 1), s)), np.zeros([n], { dtype: 'int32' }));
  const kept = keep ? np.reshape(keep, [n]) : np.ones([n], { dtype: 'bool' });
  const key = np.where(kept, flat, operand.size);
  const [sortedKey, sortedU] = sort([key, flatU], 0, true, 1);
  const op = combine === 'mul' ? np.multiply : combine === 'min' ? np.minimum : np.maximum;
  const [, runs] = associativeScan(
    ([ka, va]: Array[], [kb, vb]: Array[]) => [kb, np.where(np.equal(ka, kb), op(va, vb), vb)],
    [sortedKey, sortedU],
  );
  const next = np.concatenate([sortedKey.slice([1, n]), np.array([-1], { dtype: 'int32' })]);
  const last = np.logicalAnd(np.notEqual(sortedKey, next), np.less(sortedKey, operand.size));
  const flatTarget = np.reshape(operand, [operand.size]);
  const padded = np.concatenate([np.fullLike(flatTarget, IDENTITY[combine](isFloat(operand.dtype))), np.zeros([1], { dtype: operand.dtype })]);
  const dest = np.expandDims(np.where(last, sortedKey, operand.size), -1);
  const written = bind1(S.Scatter, [padded, dest, runs], { axes: [0] });
  const combined = written.slice([0, operand.size]);
  return np.reshape(op(flatTarget, combined), operand.shape);
}

/** jax.lax.scatter: writes each window of `updates` into `operand` (where windows overlap, one of them wins). */
export const scatter = (operand: Array, scatterIndices: Array, updates: Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Array =>
  scatterWith('set', 'lax.scatter', operand, scatterIndices, updates, dimensionNumbers, opts);
/** jax.lax.scatter_add: adds each window of `updates` into `operand` (overlaps accumulate). */
export const scatterAdd = (operand: Array, scatterIndices: Array, updates: Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Array =>
  scatterWith('add', 'lax.scatterAdd', operand, scatterIndices, updates, dimensionNumbers, opts);
/** jax.lax.scatter_sub: subtracts each window of `updates` from `operand`. */
export const scatterSub = (operand: Array, scatterIndices: Array, updates: Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Array =>
  scatterWith('add', 'lax.scatterSub', operand, scatterIndices, np.negative(updates), dimensionNumbers, opts);
/** jax.lax.scatter_mul: multiplies `operand` by each window of `updates`. */
export const scatterMul = (operand: Array, scatterIndices: Array, updates: Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Array =>
  scatterWith('mul', 'lax.scatterMul', operand, scatterIndices, updates, dimensionNumbers, opts);
/** jax.lax.scatter_min: the elementwise minimum of `operand` and every window of `updates` on it. */
export const scatterMin = (operand: Array, scatterIndices: Array, updates: Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Array =>
  scatterWith('min', 'lax.scatterMin', operand, scatterIndices, updates, dimensionNumbers, opts);
/** jax.lax.scatter_max: the elementwise maximum of `operand` and every window of `updates` on it. */
export const scatterMax = (operand: Array, scatterIndices: Array, updates: Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions = {}): Array =>
  scatterWith('max', 'lax.scatterMax', operand, scatterIndices, updates, dimensionNumbers, opts);

/**
 * jax.lax.scatter_apply: applies `func` to the operand's elements that the windows of an
 * `updateShape`-shaped update would touch (each once), leaving the others.
 */
export function scatterApply(operand: Array, scatterIndices: Array, func: (x: Array) => Array, dimensionNumbers: ScatterDimensionNumbers, opts: ScatterOptions & { updateShape?: readonly number[] } = {}): Array {
  const shape = opts.updateShape ?? scatterIndices.shape.slice(0, -1);
  const touched = scatter(np.zeros(operand.shape, { dtype: 'bool' }), scatterIndices, np.ones(shape, { dtype: 'bool' }), dimensionNumbers, opts);
  return np.where(touched, func(operand), operand);
}

