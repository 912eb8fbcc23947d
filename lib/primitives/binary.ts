/** Elementwise binary primitives, comparisons, logical ops and select. */
import * as E from 'fp-ts/lib/Either.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import { type ShapeResult, ALL, FLOATS, INTEGRAL, NUMERIC, broadcastScalars, checkArity, checkDtype, fail, fmt, withShape } from './util.js';
import type { DType } from '../core/dtype.js';

function binaryEval(name: string, allowed: readonly DType[], outDtype?: DType) {
  return (avals: readonly Aval[]): ShapeResult => {
    const e = checkArity(name, avals, 2) ?? checkDtype(name, avals[0], allowed);
    if (e) return fail(e.message);
    if (avals[0].dtype !== avals[1].dtype) {
      return fail(`${name}: operand dtypes must match, got ${fmt(avals)}; convert with astype, or use the np.* function, which promotes`);
    }
    return E.map((shape: readonly number[]) => [withShape(avals[0], shape, outDtype ?? avals[0].dtype)])(broadcastScalars(name, avals));
  };
}

const binary = (name: string, allowed: readonly DType[] = NUMERIC, outDtype?: DType): Primitive =>
  definePrimitive({ name, abstractEval: binaryEval(name, allowed, outDtype) });

export const Add = binary('add');
export const Sub = binary('sub');
export const Mul = binary('mul');
/** Float division; on int32 it truncates toward zero (lax.div). */
export const Div = binary('div');
/** Remainder with the sign of the dividend (C fmod, lax.rem). */
export const Rem = binary('rem');
export const Pow = binary('pow', FLOATS);
export const Max = binary('max', ALL);
export const Min = binary('min', ALL);
export const Atan2 = binary('atan2', FLOATS);
export const And = binary('and', INTEGRAL);
export const Or = binary('or', INTEGRAL);
export const Xor = binary('xor', INTEGRAL);
export const Eq = binary('eq', ALL, 'bool');
export const Ne = binary('ne', ALL, 'bool');
export const Lt = binary('lt', ALL, 'bool');
export const Le = binary('le', ALL, 'bool');
export const Gt = binary('gt', ALL, 'bool');
export const Ge = binary('ge', ALL, 'bool');

/** select(pred, onTrue, onFalse): elementwise choice; pred is bool, rank 0 operands broadcast. */
export const Select = definePrimitive({
  name: 'select',
  abstractEval: (avals): ShapeResult => {
    const e = checkArity('select', avals, 3);
    if (e) return fail(e.message);
    const [p, t, f] = avals;
    if (p.dtype !== 'bool') return fail(`select: predicate must be bool, got ${p.dtype}`);
    if (t.dtype !== f.dtype) return fail(`select: branch dtypes must match, got ${fmt([t, f])}`);
    return E.map((shape: readonly number[]) => [withShape(t, shape)])(broadcastScalars('select', avals));
  },
});

