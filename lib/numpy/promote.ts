/** JAX type promotion and numpy broadcasting; the conversions of JS values are re-exported here. */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { type TypeInfo, getDefaultFloat, isFloat, promoteTypes } from '../core/dtype.js';
import { bind1 } from '../core/trace.js';
import { BroadcastInDim, Slice } from '../primitives/shape.js';
import { Min } from '../primitives/binary.js';
import { asArray, convert, typeInfo } from '../primitives/convert.js';
import { ShapeError } from '../core/errors.js';
import { checkAxisArg } from './validate.js';

export { asArray, convert, describe, typeInfo } from '../primitives/convert.js';

/** Converts all operands to their promoted dtype; returns them and the result's weak bit. */
export function promote(xs: readonly ArrayOrScalar[], minFloat = false): [Array[], TypeInfo] {
  let t = xs.map(typeInfo).reduce(promoteTypes);
  if (minFloat && !isFloat(t.dtype)) t = { dtype: getDefaultFloat(), weak: t.weak };
  return [xs.map((x) => asArray(x, t.dtype)), t];
}

/** numpy's `broadcast_shapes(...shapes)`: the shape all of them broadcast to. */
export const broadcastShapesOf = (...shapes: (readonly number[])[]): number[] => broadcastShapes('np.broadcastShapes', ...shapes);

export function broadcastShapes(who: string, ...shapes: (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new globalThis.Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i;
      const d = s[i];
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new ShapeError(`${who}: shapes ${shapes.map((x) => `[${x}]`).join(', ')} cannot be broadcast together (axis ${j - n} has sizes ${out[j]} and ${d}); trailing axes must be equal or 1: reshape or np.expandDims an operand to line them up`);
      }
    }
  }
  return out;
}

/** numpy broadcasting of `x` to `shape`. */
export function broadcastTo(x: ArrayOrScalar, shape: readonly number[], who = 'broadcastTo'): Array {
  const a = asArray(x);
  const s = a.aval.shape;
  if (s.length === shape.length && s.every((d, i) => d === shape[i])) return a;
  const full = broadcastShapes(who, s, shape);
  if (full.length !== shape.length || full.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${who}: cannot broadcast shape [${s}] to [${shape}]`);
  }
  const off = shape.length - s.length;
  return bind1(BroadcastInDim, [a], { shape: [...shape], broadcastDimensions: s.map((_, i) => i + off) }, a.weakType);
}

/** Broadcasts operands to a common shape; rank-0 operands stay scalar (primitives broadcast them). */
export function broadcastArrays(who: string, xs: readonly Array[]): Array[] {
  const shape = broadcastShapes(who, ...xs.map((x) => x.aval.shape));
  return xs.map((x) => (x.ndim === 0 ? x : broadcastTo(x, shape, who)));
}

/** Normalises a possibly negative axis; throws a ShapeError naming `who` when out of range. */
export function normAxis(who: string, axis: number, ndim: number): number {
  checkAxisArg(who, axis, ndim);
  if (axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${who}: axis ${axis} is out of bounds for an array of rank ${ndim}; valid axes are ${-ndim} to ${ndim - 1}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** `null`/`undefined` = all axes; otherwise normalised, sorted, unique. */
export function normAxes(who: string, axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axis === null || axis === undefined) return [...globalThis.Array(ndim).keys()];
  // Checked here, not by the types alone: `x.sum('0')` from untyped callers must not reach `.map`.
  const list: readonly unknown[] = globalThis.Array.isArray(axis) ? axis : [checkAxisArg(who, axis, ndim)];
  const out = list.map((a) => normAxis(who, checkAxisArg(who, a, ndim), ndim));
  if (new Set(out).size !== out.length) throw new ShapeError(`${who}: repeated axis in [${list}] (rank ${ndim}); name each axis once`);
  return out.sort((a, b) => a - b);
}

/** The static slice [start, stop) of axis `ax` (both in range). */
export function sliceAxis(a: Array, ax: number, start: number, stop: number): Array {
  if (start === 0 && stop === a.shape[ax]) return a;
  const lo = a.shape.map((_, i) => (i === ax ? start : 0));
  const hi = a.shape.map((d, i) => (i === ax ? stop : d));
  return bind1(Slice, [a], { startIndices: lo, limitIndices: hi, strides: null }, a.weakType);
}

/** `a` as a floating-point Array: ints and bools become the default float, keeping weak typing. */
/**
 * Integer indices as int32, which the gather and scatter primitives take: int8/uint8 convert
 * exactly; uint32 beyond 2^31 - 1 saturates there (still out of range) rather than wrapping
 * to a negative index.
 */
export function asIndex(a: Array): Array {
  if (a.dtype === 'int32') return a;
  const v = a.dtype === 'uint32' ? bind1(Min, [a, asArray(2147483647, 'uint32')]) : a;
  return convert(v, 'int32');
}

export const toFloat = (a: Array): Array => (isFloat(a.dtype) ? a : convert(a, getDefaultFloat(), a.weakType));
