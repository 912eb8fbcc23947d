/** Elementwise unary primitives. Each declares its shape rule here; jvp/vmap rules sit beside it. */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import { type ShapeResult, FLOATS, INTEGRAL, NUMERIC, checkArity, checkDtype, fail, ok, withShape } from './util.js';
import type { DType } from '../core/dtype.js';

function unaryEval(name: string, allowed: readonly DType[], outDtype?: DType) {
  return (avals: readonly Aval[]): ShapeResult => {
    const e = checkArity(name, avals, 1) ?? checkDtype(name, avals[0], allowed, allowed === FLOATS ? `convert with astype('float64') first` : '');
    if (e) return fail(e.message);
    return ok(withShape(avals[0], avals[0].shape, outDtype ?? avals[0].dtype));
  };
}

const unary = (name: string, allowed: readonly DType[] = FLOATS, outDtype?: DType): Primitive =>
  definePrimitive({ name, abstractEval: unaryEval(name, allowed, outDtype) });

export const Neg = unary('neg', NUMERIC);
export const Exp = unary('exp');
export const Exp2 = unary('exp2');
export const Log = unary('log');
export const Log1p = unary('log1p');
export const Expm1 = unary('expm1');
export const Sin = unary('sin');
export const Cos = unary('cos');
export const Tan = unary('tan');
export const Asin = unary('asin');
export const Acos = unary('acos');
export const Atan = unary('atan');
export const Sinh = unary('sinh');
export const Cosh = unary('cosh');
export const Tanh = unary('tanh');
export const Asinh = unary('asinh');
export const Acosh = unary('acosh');
export const Atanh = unary('atanh');
export const Sqrt = unary('sqrt');
export const Rsqrt = unary('rsqrt');
export const Cbrt = unary('cbrt');
export const Abs = unary('abs', NUMERIC);
export const Sign = unary('sign', NUMERIC);
export const Floor = unary('floor');
export const Ceil = unary('ceil');
/** Rounds half to even, like numpy and lax.round with ROUND_TO_NEAREST_EVEN. */
export const Round = unary('round');
export const Logistic = unary('logistic');
export const Erf = unary('erf');
export const Erfc = unary('erfc');
export const ErfInv = unary('erf_inv');
export const Lgamma = unary('lgamma');
export const Digamma = unary('digamma');
export const IsFinite = unary('is_finite', FLOATS, 'bool');
/** Logical not on bool, bitwise not on int32. */
export const Not = unary('not', INTEGRAL);

/** x ** y for a static integer y (so x**2 stays exact and cheap). */
export const IntegerPow = definePrimitive<{ y: number }>({
  name: 'integer_pow',
  abstractEval: (avals, { y }) => {
    if (!Number.isInteger(y)) return fail(`integer_pow: exponent must be an integer, got ${y}`);
    if (y < 0 && avals[0].dtype === 'int32') return fail('integer_pow: negative exponent of an int32 operand; convert to float first');
    return unaryEval('integer_pow', NUMERIC)(avals);
  },
});

