/** Elementwise math: arithmetic with promotion and broadcasting, transcendental functions, logic. */
import type { Array, ArrayOrScalar } from '../core/array.js';
import type { Primitive } from '../core/primitive.js';
import { bind1 } from '../core/trace.js';
import { getDefaultFloat, isFloat, promoteTypes } from '../core/dtype.js';
import * as B from '../primitives/binary.js';
import * as U from '../primitives/elementwise.js';
import { asArray, broadcastArrays, convert, promote, typeInfo } from './promote.js';
import { checkOperand } from './validate.js';

function binop(prim: Primitive, name: string, x: ArrayOrScalar, y: ArrayOrScalar, minFloat = false): Array {
  const [[a, b], t] = promote([checkOperand(`np.${name}`, x), checkOperand(`np.${name}`, y)], minFloat);
  const [a2, b2] = broadcastArrays(`np.${name}`, [a, b]);
  return bind1(prim, [a2, b2], {}, t.weak);
}

function cmp(prim: Primitive, name: string, x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b]] = promote([checkOperand(`np.${name}`, x), checkOperand(`np.${name}`, y)]);
  const [a2, b2] = broadcastArrays(`np.${name}`, [a, b]);
  return bind1(prim, [a2, b2]);
}

/** Float-only functions promote integer/bool input to the default float (as numpy does). */
function floatUnary(prim: Primitive, name: string) {
  return (x: ArrayOrScalar): Array => {
    const a = asArray(checkOperand(`np.${name}`, x));
    const f = isFloat(a.dtype) ? a : convert(a, getDefaultFloat(), a.weakType);
    return bind1(prim, [f], {}, f.weakType);
  };
}

const sameUnary = (prim: Primitive, name: string) => (x: ArrayOrScalar): Array => {
  const a = asArray(checkOperand(`np.${name}`, x));
  return bind1(prim, [a], {}, a.weakType);
};

// ---- arithmetic ----
/** On bools, add is logical or and multiply logical and (numpy and JAX). */
const boolAware = (prim: Primitive, boolPrim: Primitive, name: string) => (x: ArrayOrScalar, y: ArrayOrScalar): Array => {
  const t = [checkOperand(`np.${name}`, x), checkOperand(`np.${name}`, y)].map(typeInfo).reduce(promoteTypes);
  return binop(t.dtype === 'bool' ? boolPrim : prim, name, x, y);
};

export const add = boolAware(B.Add, B.Or, 'add');
export function subtract(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  if (typeInfo(x).dtype === 'bool' && typeInfo(y).dtype === 'bool') {
    throw new TypeError('np.subtract: boolean subtract is not supported (as in numpy); use np.logicalXor, or cast with astype');
  }
  return binop(B.Sub, 'subtract', x, y);
}
export const multiply = boolAware(B.Mul, B.And, 'multiply');
/** True division: integer operands give floats. */
export const divide = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Div, 'divide', x, y, true);
export const trueDivide = divide;
export const maximum = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Max, 'maximum', x, y);
export const minimum = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Min, 'minimum', x, y);
export const arctan2 = (y: ArrayOrScalar, x: ArrayOrScalar): Array => binop(B.Atan2, 'arctan2', y, x, true);
export const atan2 = arctan2;

/** Floor division (numpy `//`): rounds toward -inf for ints and floats. */
export function floorDivide(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b], t] = promote([x, y]);
  if (isFloat(a.dtype)) return floor(binop(B.Div, 'floorDivide', a, b));
  const q = binop(B.Div, 'floorDivide', a, b);
  const r = binop(B.Rem, 'floorDivide', a, b);
  // Truncation rounds toward zero; step down when the remainder and divisor disagree in sign.
  const adjust = logicalAnd(notEqual(r, 0), notEqual(less(r, 0), less(b, 0)));
  return where(adjust, subtract(q, 1), q, t.weak);
}

/** numpy's remainder/mod: the result has the sign of the divisor. */
export function remainder(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b], t] = promote([x, y]);
  const r = binop(B.Rem, 'remainder', a, b);
  const adjust = logicalAnd(notEqual(r, 0), notEqual(less(r, 0), less(b, 0)));
  return where(adjust, add(r, b), r, t.weak);
}
export const mod = remainder;
/** C-style remainder with the sign of the dividend (lax.rem). */
export const fmod = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Rem, 'fmod', x, y);

/** `x ** y`; a JS integer exponent stays exact (integer_pow), as jnp does for Python ints. */
export function power(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  if (typeof y === 'number' && Number.isInteger(y) && Math.abs(y) <= 64) {
    const a = asArray(x);
    const base = y < 0 && !isFloat(a.dtype) ? convert(a, getDefaultFloat(), a.weakType) : a;
    return bind1(U.IntegerPow, [base], { y }, base.weakType);
  }
  const [[a, b], t] = promote([x, y]);
  if (!isFloat(a.dtype)) {
    const f = getDefaultFloat();
    return convert(binop(B.Pow, 'power', convert(a, f), convert(b, f)), a.dtype, t.weak);
  }
  return binop(B.Pow, 'power', a, b);
}
export const pow = power;

export const negative = sameUnary(U.Neg, 'negative');
export const positive = (x: ArrayOrScalar): Array => asArray(x);
export const abs = sameUnary(U.Abs, 'abs');
export const absolute = abs;
export const sign = sameUnary(U.Sign, 'sign');
export const square = (x: ArrayOrScalar): Array => power(x, 2);
export const reciprocal = (x: ArrayOrScalar): Array => divide(1, x);

// ---- transcendental ----
export const exp = floatUnary(U.Exp, 'exp');
export const exp2 = floatUnary(U.Exp2, 'exp2');
export const expm1 = floatUnary(U.Expm1, 'expm1');
export const log = floatUnary(U.Log, 'log');
export const log1p = floatUnary(U.Log1p, 'log1p');
export const log2 = (x: ArrayOrScalar): Array => multiply(log(x), 1 / Math.LN2);
export const log10 = (x: ArrayOrScalar): Array => multiply(log(x), 1 / Math.LN10);
export const sqrt = floatUnary(U.Sqrt, 'sqrt');
export const rsqrt = floatUnary(U.Rsqrt, 'rsqrt');
export const cbrt = floatUnary(U.Cbrt, 'cbrt');
export const sin = floatUnary(U.Sin, 'sin');
export const cos = floatUnary(U.Cos, 'cos');
export const tan = floatUnary(U.Tan, 'tan');
export const arcsin = floatUnary(U.Asin, 'arcsin');
export const arccos = floatUnary(U.Acos, 'arccos');
export const arctan = floatUnary(U.Atan, 'arctan');
export const sinh = floatUnary(U.Sinh, 'sinh');
export const cosh = floatUnary(U.Cosh, 'cosh');
export const tanh = floatUnary(U.Tanh, 'tanh');
export const arcsinh = floatUnary(U.Asinh, 'arcsinh');
export const arccosh = floatUnary(U.Acosh, 'arccosh');
export const arctanh = floatUnary(U.Atanh, 'arctanh');
export { arcsin as asin, arccos as acos, arctan as atan, arcsinh as asinh, arccosh as acosh, arctanh as atanh };
export const floor = floatUnary(U.Floor, 'floor');
export const ceil = floatUnary(U.Ceil, 'ceil');
/** Rounds half to even, like numpy. */
export const round = (x: ArrayOrScalar, decimals = 0): Array => {
  if (decimals === 0) return floatUnary(U.Round, 'round')(x);
  const s = 10 ** decimals;
  return divide(floatUnary(U.Round, 'round')(multiply(x, s)), s);
};
export const rint = (x: ArrayOrScalar): Array => round(x);
export const trunc = (x: ArrayOrScalar): Array => multiply(sign(x), floor(abs(x)));
export const logistic = floatUnary(U.Logistic, 'logistic');
export const erf = floatUnary(U.Erf, 'erf');
export const erfc = floatUnary(U.Erfc, 'erfc');
export const erfinv = floatUnary(U.ErfInv, 'erfinv');
export const lgamma = floatUnary(U.Lgamma, 'lgamma');
export const digamma = floatUnary(U.Digamma, 'digamma');

/** sqrt(x² + y²) without overflow: scale by the larger magnitude; inf if either is infinite (even with NaN). */
export function hypot(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b]] = promote([x, y], true);
  const ax = abs(a);
  const ay = abs(b);
  const hi = maximum(ax, ay);
  const lo = minimum(ax, ay);
  const safe = where(equal(hi, 0), 1, hi);
  const r = divide(lo, safe);
  const h = where(equal(hi, 0), 0, multiply(hi, sqrt(add(1, multiply(r, r)))));
  return where(logicalOr(equal(ax, Infinity), equal(ay, Infinity)), Infinity, h);
}

/**
 * log(exp(x) + exp(y)) without overflow, accurate near 0: max + log1p(exp(min - max)); x + y where
 * min - max is NaN (equal infinities, NaN). Written with max/min (not |x - y|) so that the derivative
 * at x == y is 1/2 each under the tie-splitting rules of maximum/minimum.
 */
export function logaddexp(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b]] = promote([x, y], true);
  const hi = maximum(a, b);
  const delta = subtract(minimum(a, b), hi);
  return where(isnan(delta), add(a, b), add(hi, log1p(exp(delta))));
}

export const deg2rad = (x: ArrayOrScalar): Array => multiply(x, Math.PI / 180);
export const rad2deg = (x: ArrayOrScalar): Array => multiply(x, 180 / Math.PI);
export const radians = deg2rad;
export const degrees = rad2deg;

// ---- predicates and comparisons ----
export function isfinite(x: ArrayOrScalar): Array {
  const a = asArray(x);
  return isFloat(a.dtype) ? bind1(U.IsFinite, [a]) : notEqual(a, a).equal(false);
}
export const isnan = (x: ArrayOrScalar): Array => notEqual(x, x);
export const isinf = (x: ArrayOrScalar): Array => logicalAnd(logicalNot(isfinite(x)), logicalNot(isnan(x)));

export const equal = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Eq, 'equal', x, y);
export const notEqual = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Ne, 'notEqual', x, y);
export const less = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Lt, 'less', x, y);
export const lessEqual = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Le, 'lessEqual', x, y);
export const greater = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Gt, 'greater', x, y);
export const greaterEqual = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Ge, 'greaterEqual', x, y);

const toBool = (x: ArrayOrScalar): Array => {
  const a = asArray(x);
  return a.dtype === 'bool' ? a : bind1(B.Ne, [a, asArray(0, a.dtype)]);
};
export const logicalNot = (x: ArrayOrScalar): Array => bind1(U.Not, [toBool(x)]);
export const logicalAnd = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.And, 'logicalAnd', toBool(x), toBool(y));
export const logicalOr = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Or, 'logicalOr', toBool(x), toBool(y));
export const logicalXor = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Xor, 'logicalXor', toBool(x), toBool(y));
export const bitwiseAnd = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.And, 'bitwiseAnd', x, y);
export const bitwiseOr = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Or, 'bitwiseOr', x, y);
export const bitwiseXor = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Xor, 'bitwiseXor', x, y);
export const invert = (x: ArrayOrScalar): Array => sameUnary(U.Not, 'invert')(x);

/** Elementwise choice: `where(cond, x, y)` broadcasts all three; cond is cast to bool. */
export function where(cond: ArrayOrScalar, x: ArrayOrScalar, y: ArrayOrScalar, weak?: boolean): Array {
  const c = toBool(cond);
  const [[a, b], t] = promote([x, y]);
  const [c2, a2, b2] = broadcastArrays('np.where', [c, a, b]);
  return bind1(B.Select, [c2, a2, b2], {}, weak ?? t.weak);
}

/** Clips to [lo, hi]; either bound may be null. */
export function clip(x: ArrayOrScalar, lo: ArrayOrScalar | null, hi: ArrayOrScalar | null): Array {
  let r = asArray(checkOperand('np.clip', x));
  if (lo !== null && lo !== undefined) r = maximum(r, checkOperand('np.clip', lo));
  if (hi !== null && hi !== undefined) r = minimum(r, checkOperand('np.clip', hi));
  return r;
}
