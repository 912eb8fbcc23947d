/**
 * Argument checks shared by the numpy, random and transform front ends: a wrong argument is
 * reported where the user passed it, naming the function, what was given and what to write instead,
 * rather than failing later inside a helper with a message about its internals.
 */
import { Array } from '../core/array.js';
import { avalStr } from '../core/ir.js';
import { ShapeError } from '../core/errors.js';

/** A user-facing description of any JS value: `Array f64[2,3]`, `the string "0"`, `undefined`. */
export function describeValue(x: unknown): string {
  if (x instanceof Array) return `Array ${avalStr(x.aval)}`;
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'string') return `the string ${JSON.stringify(x)}`;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return `the ${typeof x} ${String(x)}`;
  if (typeof x === 'function') return 'a function';
  if (globalThis.Array.isArray(x)) return `a JS array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  return typeof x === 'object' ? `${x.constructor?.name === 'Object' ? 'an object' : `a ${x.constructor?.name ?? 'object'}`}` : typeof x;
}

/**
 * A shape argument (`3` or `[2, 3]`) as a fresh array. Something that is not a shape at all is a
 * TypeError; a list with a negative or fractional dimension is a ShapeError.
 */
export function checkShapeArg(who: string, shape: unknown): number[] {
  if (typeof shape === 'number') shape = [shape];
  if (!globalThis.Array.isArray(shape)) {
    const hint = shape instanceof Array ? '; pass an array\'s shape as x.shape' : '';
    throw new TypeError(`${who}: shape must be a non-negative integer or an array of them such as [2, 3], got ${describeValue(shape)}${hint}`);
  }
  const s = shape as unknown[];
  if (!s.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    // a shape from an argument of a jitted function is traced: it has no value at trace time
    const traced = s.some((d) => d instanceof Array);
    const hint = traced ? '; a shape must be known when the function is traced: pass that argument as a static argument, jit(f, { staticArgnums: [i] }), or as a JS number, or take it from an array\'s x.shape' : '';
    throw new ShapeError(`${who}: invalid shape [${s.map((d) => (typeof d === 'number' ? String(d) : describeValue(d))).join(',')}]; dimensions must be non-negative integers${hint}`);
  }
  return [...(s as number[])];
}

/** An axis argument is an integer; a string, float or Array is a TypeError that says how to write it. */
export function checkAxisArg(who: string, axis: unknown, ndim: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    const fix = typeof axis === 'string' && Number.isInteger(Number(axis)) && axis.trim() !== '' ? `; write ${Number(axis)} without quotes` : '';
    throw new TypeError(`${who}: axis must be an integer in [${-ndim}, ${ndim - 1}] for an array of rank ${ndim}, got ${describeValue(axis)}${fix}`);
  }
  return axis;
}

/** An elementwise operand: an Array, a number or a boolean. JS arrays and strings are rejected by name. */
export function checkOperand<T>(who: string, x: T): T {
  if (x instanceof Array || typeof x === 'number' || typeof x === 'boolean') return x;
  const fix = globalThis.Array.isArray(x) ? '; wrap JS data with np.array(...)' : '; pass an Array (np.array(...)), a number or a boolean';
  throw new TypeError(`${who}: expected an Array, a number or a boolean, got ${describeValue(x)}${fix}`);
}

/** A list argument (shape, axes, arrays to join) must be a JS array; an Array or a string is a TypeError. */
export function checkList<T>(who: string, what: string, xs: readonly T[], expected = 'a JS array'): readonly T[] {
  if (globalThis.Array.isArray(xs)) return xs;
  const fix = xs instanceof Array && what === 'the arrays' ? `; pass a JS array of them, e.g. ${who}([x, y])` : xs instanceof Array ? '; pass x.shape to use an array\'s shape' : '';
  throw new TypeError(`${who}: ${what} must be ${expected}, got ${describeValue(xs)}${fix}`);
}
