/**
 * `lax.reduceWindow`: sum / product / max / min pooling with JAX's semantics, built from existing
 * primitives (no new rules): the operand is padded and base-dilated with the init value by one
 * `pad`, each window tap is one strided `slice`, the taps are stacked on a new leading axis and
 * reduced. Max/min pick one tap per window (the first extremum in row-major window order, by
 * argmax/argmin) and select it, so the gradient goes wholly to that element, as JAX's
 * select-and-scatter does, rather than being split among tied maxima.
 */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { type DType, isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { add as npAdd, maximum as npMaximum, minimum as npMinimum, multiply as npMultiply } from '../numpy/math.js';
import { type Padding, resolvePadding } from './conv.js';
import {
  add, argmax, argmin, broadcastInDim, broadcastedIota, concatenate, convertElementType, eq, expandDims, full, max, min, mul, pad,
  reduceMax, reduceMin, reduceProd, reduceSum, select, slice,
} from './ops.js';

/** The monoids reduceWindow supports, by name. */
export type WindowReducerName = 'add' | 'max' | 'min' | 'mul';
/** A reducer: lax.add / lax.max / lax.min / lax.mul (or np.add / maximum / minimum / multiply), or its name. */
export type WindowReducer = WindowReducerName | ((x: ArrayOrScalar, y: ArrayOrScalar) => Array);

/** Options of {@link reduceWindow}. */
export interface ReduceWindowOptions {
  /** Dilation of the operand per axis (holes hold the init value); default 1. */
  baseDilation?: readonly number[] | null;
  /** Dilation of the window per axis; default 1. */
  windowDilation?: readonly number[] | null;
}

const shp = (s: readonly number[]): string => `[${s.join(',')}]`;
const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
const dilateDim = (d: number, r: number): number => (d === 0 ? 0 : 1 + r * (d - 1));

function reducerName(who: string, c: unknown): WindowReducerName {
  if (c === 'add' || c === add || c === npAdd) return 'add';
  if (c === 'max' || c === max || c === npMaximum) return 'max';
  if (c === 'min' || c === min || c === npMinimum) return 'min';
  if (c === 'mul' || c === mul || c === npMultiply) return 'mul';
  throw new TypeError(`${who}: computation must be lax.add, lax.max, lax.min or lax.mul (or 'add' | 'max' | 'min' | 'mul'), got ${typeof c === 'function' ? `the function ${c.name || '(anonymous)'}` : JSON.stringify(c)}; other reducers are not supported: write the window reduction with lax.slice and your function`);
}

function intSeq(who: string, what: string, xs: unknown, n: number, min0: number, fallback: number | null): number[] {
  if ((xs === undefined || xs === null) && fallback !== null) return new globalThis.Array<number>(n).fill(fallback);
  if (!globalThis.Array.isArray(xs) || xs.length !== n || !xs.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min0)) {
    throw new TypeError(`${who}: ${what} must be a JS array of ${n} integers >= ${min0} (one per operand axis), got ${JSON.stringify(xs)}`);
  }
  return [...(xs as number[])];
}

/** The init value as a rank-0 array of `dtype`; ±Infinity on int32 / bool become the dtype's extremes. */
function initArray(who: string, v: ArrayOrScalar, dtype: DType): Array {
  if (v instanceof Array) {
    if (v.ndim !== 0 || v.dtype !== dtype) throw new TypeError(`${who}: initValue ${avalStr(v.aval)} must be a scalar of the operand's dtype ${dtype}; convert it with lax.convertElementType`);
    return v;
  }
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`${who}: initValue must be a number, a boolean or a rank-0 Array, got ${typeof v}`);
  let n: number | boolean = v;
  if (dtype === 'int32' && typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v)) n = v > 0 ? 2147483647 : -2147483648;
  if (dtype === 'bool' && typeof v === 'number') n = v > 0;
  return convertElementType(full([], n), dtype);
}

function identity(name: WindowReducerName, dtype: DType): number | boolean {
  if (name === 'add') return dtype === 'bool' ? false : 0;
  if (name === 'mul') return dtype === 'bool' ? true : 1;
  if (dtype === 'bool') return name === 'min';
  if (dtype === 'int32') return name === 'max' ? -2147483648 : 2147483647;
  return name === 'max' ? -Infinity : Infinity;
}

/** Output shape of a window reduction, as JAX's `reduce_window_shape_tuple` (padding may also be a mode name). */
export function reduceWindowShapeTuple(operandShape: readonly number[], windowDimensions: readonly number[], windowStrides: readonly number[], padding: Padding, baseDilation?: readonly number[] | null, windowDilation?: readonly number[] | null): number[] {
  return plan('lax.reduceWindowShapeTuple', operandShape, windowDimensions, windowStrides, padding, { baseDilation, windowDilation }).out;
}

interface Plan { win: number[]; strides: number[]; pads: [number, number][]; baseDil: number[]; winDil: number[]; out: number[] }

function plan(who: string, shape: readonly number[], windowDimensions: unknown, windowStrides: unknown, padding: unknown, opts: ReduceWindowOptions): Plan {
  const n = shape.length;
  const win = intSeq(who, 'windowDimensions', windowDimensions, n, 0, null);
  const strides = intSeq(who, 'windowStrides', windowStrides, n, 1, null);
  const baseDil = intSeq(who, 'baseDilation', opts.baseDilation, n, 1, 1);
  const winDil = intSeq(who, 'windowDilation', opts.windowDilation, n, 1, 1);
  const effW = win.map((w, i) => dilateDim(w, winDil[i]));
  const pads = resolvePadding(who, padding, shape, effW, strides);
  const P = shape.map((d, i) => dilateDim(d, baseDil[i]) + pads[i][0] + pads[i][1]);
  const bad = P.findIndex((d) => d < 0);
  if (bad >= 0) throw new ShapeError(`${who}: padding ${JSON.stringify(pads)} crops axis ${bad} of shape ${shp(shape)} below size 0; crop less`);
  const out = P.map((d, i) => Math.max(0, Math.floor((d - effW[i]) / strides[i]) + 1));
  return { win, strides, pads, baseDil, winDil, out };
}

/**
 * Reduces each window of `operand` with `computation` (lax.add / max / min / mul, or its name),
 * starting from `initValue`, with JAX's `reduce_window` semantics: `padding` ('SAME' | 'VALID' |
 * 'SAME_LOWER', or [low, high] pairs per axis) and base-dilation holes hold `initValue`, and every
 * window reduction also folds in `initValue` (so pass the identity: 0 for add, -Infinity for max,
 * Infinity for min, 1 for mul; on int32, ±Infinity mean the int32 extremes).
 *
 * Gradients: sum pooling spreads the cotangent over the window; max/min pooling sends it to the
 * first maximum (minimum) of each window in row-major window order, as JAX's select-and-scatter
 * does on CPU. Differs from JAX only when a window's maximum is the init value itself and sits in
 * the padding (JAX then drops that window's cotangent; here it may reach a real element equal to
 * the init value, e.g. -Infinity).
 *
 * @example
 * lax.reduceWindow(x, -Infinity, lax.max, [1, 1, 2, 2], [1, 1, 2, 2], 'VALID') // 2x2 max pooling of NCHW
 */
export function reduceWindow(operand: Array, initValue: ArrayOrScalar, computation: WindowReducer, windowDimensions: readonly number[], windowStrides: readonly number[], padding: Padding, opts: ReduceWindowOptions = {}): Array {
  const who = 'lax.reduceWindow';
  if (!(operand instanceof Array)) throw new TypeError(`${who}: operand must be an Array, got ${globalThis.Array.isArray(operand) ? 'a JS array; wrap it with np.array(...)' : typeof operand}`);
  const name = reducerName(who, computation);
  const a = operand;
  if ((name === 'add' || name === 'mul') && a.dtype === 'bool') {
    throw new TypeError(`${who}: ${name} needs a numeric operand, got ${avalStr(a.aval)}; convert with lax.convertElementType(x, 'int32')`);
  }
  const init = initArray(who, initValue, a.dtype);
  const p = plan(who, a.shape, windowDimensions, windowStrides, padding, opts);
  const ident = identity(name, a.dtype);
  const isIdentity = !(initValue instanceof Array) && (initValue === ident || (typeof ident === 'number' && a.dtype === 'int32' && initValue === (ident > 0 ? Infinity : -Infinity)));
  const nWin = prod(p.win);
  if (nWin === 0 || prod(p.out) === 0) return broadcastInDim(init, p.out, []);

  const xp = pad(a, init, a.shape.map((_, i) => [p.pads[i][0], p.pads[i][1], p.baseDil[i] - 1] as [number, number, number]));
  const taps: Array[] = [];
  for (let t = 0; t < nWin; t++) {
    let r = t;
    const idx = new globalThis.Array<number>(a.ndim);
    for (let j = a.ndim - 1; j >= 0; j--) { idx[j] = r % p.win[j]; r = Math.floor(r / p.win[j]); }
    const start = idx.map((q, j) => q * p.winDil[j]);
    const limit = start.map((s0, j) => s0 + (p.out[j] - 1) * p.strides[j] + 1);
    taps.push(expandDims(slice(xp, start, limit, p.strides), [0]));
  }
  const stacked = taps.length === 1 ? taps[0] : concatenate(taps, 0); // [window taps, ...out]
  let out: Array;
  if (name === 'add') out = reduceSum(stacked, [0]);
  else if (name === 'mul') out = reduceProd(stacked, [0]);
  else if (!isFloat(a.dtype)) out = name === 'max' ? reduceMax(stacked, [0]) : reduceMin(stacked, [0]);
  else {
    // One tap per window (the first extremum), selected so the cotangent reaches only that tap.
    const which = name === 'max' ? argmax(stacked, 0) : argmin(stacked, 0);
    const dims = p.out.map((_, i) => i + 1);
    const hit = eq(broadcastedIota('int32', stacked.shape, 0), broadcastInDim(which, stacked.shape, dims));
    out = reduceSum(select(hit, stacked, full(stacked.shape, 0, a.dtype)), [0]);
  }
  if (isIdentity) return out;
  const initB = broadcastInDim(init, out.shape, []);
  return name === 'add' ? add(out, initB) : name === 'mul' ? mul(out, initB) : name === 'max' ? max(out, initB) : min(out, initB);
}
