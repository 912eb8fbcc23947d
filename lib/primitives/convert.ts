/**
 * Conversions of JS values to arrays and between dtypes. They sit below numpy so that the
 * transforms, which must not import numpy, can accept JS numbers too; numpy re-exports them.
 */
import { Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { type DType, type TypeInfo, scalarTypeInfo } from '../core/dtype.js';
import { bind1 } from '../core/trace.js';
import { ConvertElementType } from './shape.js';

/** The dtype and weak bit of an array or a JS scalar (JAX's weak typing of JS numbers). */
export const typeInfo = (x: ArrayOrScalar): TypeInfo =>
  x instanceof Array ? { dtype: x.dtype, weak: x.weakType } : scalarTypeInfo(x);

/** An Array for `x`: JS numbers become weakly typed 0-d arrays (of `dtype` if given). */
export function asArray(x: ArrayOrScalar, dtype?: DType): Array {
  if (x instanceof Array) return dtype && x.dtype !== dtype ? convert(x, dtype, x.weakType) : x;
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new TypeError(`expected an Array, a number or a boolean, got ${describe(x)}; wrap data with np.array(...)`);
  }
  return ConcreteArray.fromScalar(x, dtype ?? scalarTypeInfo(x).dtype, undefined, true);
}

/** A short description of a JS value's type, for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (globalThis.Array.isArray(x)) return 'a JS array';
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}

/** `x` as `dtype` (convert_element_type), or `x` itself when it already has that dtype. */
export function convert(x: Array, dtype: DType, weak = false): Array {
  if (x.dtype === dtype) return x;
  return bind1(ConvertElementType, [x], { newDtype: dtype }, weak);
}
