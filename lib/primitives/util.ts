/** Shared helpers for shape rules. */
import { type Aval, aval, avalStr } from '../core/ir.js';
import { ShapeError } from '../core/errors.js';
import type { DType } from '../core/dtype.js';

/** A shape rule's result: the output avals, or the error naming the op, the shapes and the fix. */
export type ShapeResult = Aval[] | ShapeError;

export const ok = (...avals: Aval[]): ShapeResult => avals;
export const fail = (msg: string): ShapeResult => new ShapeError(msg);

export const fmt = (avals: readonly Aval[]): string => avals.map(avalStr).join(', ');

export function checkArity(name: string, avals: readonly Aval[], n: number): ShapeError | undefined {
  return avals.length === n ? undefined : new ShapeError(`${name}: expected ${n} operand(s), got ${avals.length}`);
}

export const FLOATS: readonly DType[] = ['float16', 'float32', 'float64'];
export const INTS: readonly DType[] = ['int8', 'uint8', 'int32', 'uint32'];
export const NUMERIC: readonly DType[] = [...INTS, ...FLOATS];
export const INTEGRAL: readonly DType[] = ['bool', ...INTS];
export const ALL: readonly DType[] = ['bool', ...NUMERIC];

export function checkDtype(name: string, a: Aval, allowed: readonly DType[], fix = ''): ShapeError | undefined {
  if (allowed.includes(a.dtype)) return undefined;
  return new ShapeError(`${name}: operand dtype ${a.dtype} is not supported (expected one of ${allowed.join(', ')})${fix ? `; ${fix}` : ''}`);
}

/** Elementwise operands share one shape; rank-0 operands (scalars, literals) broadcast. */
export function broadcastScalars(name: string, avals: readonly Aval[]): readonly number[] | ShapeError {
  let shape: readonly number[] = [];
  for (const a of avals) {
    if (a.shape.length === 0) continue;
    if (shape.length === 0) { shape = a.shape; continue; }
    if (a.shape.length !== shape.length || a.shape.some((d, i) => d !== shape[i])) {
      return new ShapeError(`${name}: operand shapes must be equal (or rank 0), got ${fmt(avals)}; broadcast first (np.broadcastTo), or use the np.* function, which broadcasts`);
    }
  }
  return shape;
}

export function checkAxes(name: string, axes: readonly number[], ndim: number): ShapeError | undefined {
  const seen = new Set<number>();
  for (const ax of axes) {
    if (!Number.isInteger(ax) || ax < 0 || ax >= ndim) return new ShapeError(`${name}: axis ${ax} is out of range for rank ${ndim}`);
    if (seen.has(ax)) return new ShapeError(`${name}: repeated axis ${ax} in [${axes}]`);
    seen.add(ax);
  }
  return undefined;
}

export const withShape = (a: Aval, shape: readonly number[], dtype: DType = a.dtype): Aval => aval(shape, dtype);

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

/** Cuts `xs` into consecutive groups of the given lengths, plus a last group with the rest. */
export function cut<T>(xs: readonly T[], lens: readonly number[]): T[][] {
  let o = 0;
  const groups = lens.map((n) => xs.slice(o, (o += n)));
  groups.push(xs.slice(o));
  return groups;
}
