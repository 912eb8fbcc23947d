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

/**
 * `x + y`, elementwise with broadcasting and dtype promotion (`jnp.add`); on two bool arrays,
 * logical or.
 */
export const add = boolAware(B.Add, B.Or, 'add');
/**
 * `x - y`, elementwise with broadcasting and dtype promotion (`jnp.subtract`). Two bool operands
 * throw, as in numpy.
 */
export function subtract(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  if (typeInfo(x).dtype === 'bool' && typeInfo(y).dtype === 'bool') {
    throw new TypeError('np.subtract: boolean subtract is not supported (as in numpy); use np.logicalXor, or cast with astype');
  }
  return binop(B.Sub, 'subtract', x, y);
}
/**
 * `x * y`, elementwise with broadcasting and dtype promotion (`jnp.multiply`); on two bool arrays,
 * logical and.
 */
export const multiply = boolAware(B.Mul, B.And, 'multiply');
/** True division: integer operands give floats. */
export const divide = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Div, 'divide', x, y, true);
/** Alias of `np.divide`: true division. */
export const trueDivide = divide;
/**
 * The elementwise larger of `x` and `y`, broadcast and promoted (`jnp.maximum`); NaN if either is
 * NaN.
 */
export const maximum = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Max, 'maximum', x, y);
/**
 * The elementwise smaller of `x` and `y`, broadcast and promoted (`jnp.minimum`); NaN if either is
 * NaN.
 */
export const minimum = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Min, 'minimum', x, y);
/**
 * The angle of the point `(x, y)` in radians, in [-π, π], elementwise (`jnp.arctan2`); note the
 * argument order `(y, x)`. Integers are promoted to float.
 */
export const arctan2 = (y: ArrayOrScalar, x: ArrayOrScalar): Array => binop(B.Atan2, 'arctan2', y, x, true);
/** Alias of `np.arctan2`. */
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
/** Alias of `np.remainder`: the result has the sign of the divisor. */
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
/** Alias of `np.power`. */
export const pow = power;

/** `-x`, elementwise (`jnp.negative`); keeps the dtype. */
export const negative = sameUnary(U.Neg, 'negative');
/** `+x`: returns `x` as an array, unchanged (`jnp.positive`). */
export const positive = (x: ArrayOrScalar): Array => asArray(x);
/** The absolute value, elementwise (`jnp.abs`); keeps the dtype. */
export const abs = sameUnary(U.Abs, 'abs');
/** Alias of `np.abs`. */
export const absolute = abs;
/** -1, 0 or 1 by the sign of each element (`jnp.sign`), in the input's dtype; NaN stays NaN. */
export const sign = sameUnary(U.Sign, 'sign');
/** `x * x`, elementwise (`jnp.square`); keeps the dtype. */
export const square = (x: ArrayOrScalar): Array => power(x, 2);
/** `1 / x`, elementwise (`jnp.reciprocal`); integers give floats (true division). */
export const reciprocal = (x: ArrayOrScalar): Array => divide(1, x);

// ---- transcendental ----
/** `e^x`, elementwise (`jnp.exp`); integer and bool input becomes the default float dtype. */
export const exp = floatUnary(U.Exp, 'exp');
/** `2^x`, elementwise (`jnp.exp2`); integer and bool input becomes the default float dtype. */
export const exp2 = floatUnary(U.Exp2, 'exp2');
/**
 * `e^x - 1`, accurate for small `x`, elementwise (`jnp.expm1`); integer and bool input becomes the
 * default float dtype.
 */
export const expm1 = floatUnary(U.Expm1, 'expm1');
/** The natural logarithm, elementwise (`jnp.log`); integer and bool input becomes the default float dtype. */
export const log = floatUnary(U.Log, 'log');
/**
 * `log(1 + x)`, accurate for small `x`, elementwise (`jnp.log1p`); integer and bool input becomes
 * the default float dtype.
 */
export const log1p = floatUnary(U.Log1p, 'log1p');
/**
 * The base-2 logarithm, elementwise (`jnp.log2`); integer and bool input gives the default float
 * dtype.
 */
export const log2 = (x: ArrayOrScalar): Array => multiply(log(x), 1 / Math.LN2);
/**
 * The base-10 logarithm, elementwise (`jnp.log10`); integer and bool input gives the default float
 * dtype.
 */
export const log10 = (x: ArrayOrScalar): Array => multiply(log(x), 1 / Math.LN10);
/** The square root, elementwise (`jnp.sqrt`); integer and bool input becomes the default float dtype. */
export const sqrt = floatUnary(U.Sqrt, 'sqrt');
/** `1 / sqrt(x)`, elementwise (`lax.rsqrt`); integer and bool input becomes the default float dtype. */
export const rsqrt = floatUnary(U.Rsqrt, 'rsqrt');
/**
 * The real cube root, negative for negative `x`, elementwise (`jnp.cbrt`); integer and bool input
 * becomes the default float dtype.
 */
export const cbrt = floatUnary(U.Cbrt, 'cbrt');
/**
 * The sine of an angle in radians, elementwise (`jnp.sin`); integer and bool input becomes the
 * default float dtype.
 */
export const sin = floatUnary(U.Sin, 'sin');
/**
 * The cosine of an angle in radians, elementwise (`jnp.cos`); integer and bool input becomes the
 * default float dtype.
 */
export const cos = floatUnary(U.Cos, 'cos');
/**
 * The tangent of an angle in radians, elementwise (`jnp.tan`); integer and bool input becomes the
 * default float dtype.
 */
export const tan = floatUnary(U.Tan, 'tan');
/**
 * The inverse sine, in radians, elementwise (`jnp.arcsin`); integer and bool input becomes the
 * default float dtype.
 */
export const arcsin = floatUnary(U.Asin, 'arcsin');
/**
 * The inverse cosine, in radians, elementwise (`jnp.arccos`); integer and bool input becomes the
 * default float dtype.
 */
export const arccos = floatUnary(U.Acos, 'arccos');
/**
 * The inverse tangent, in radians, elementwise (`jnp.arctan`); integer and bool input becomes the
 * default float dtype.
 */
export const arctan = floatUnary(U.Atan, 'arctan');
/** The hyperbolic sine, elementwise (`jnp.sinh`); integer and bool input becomes the default float dtype. */
export const sinh = floatUnary(U.Sinh, 'sinh');
/**
 * The hyperbolic cosine, elementwise (`jnp.cosh`); integer and bool input becomes the default float
 * dtype.
 */
export const cosh = floatUnary(U.Cosh, 'cosh');
/**
 * The hyperbolic tangent, elementwise (`jnp.tanh`); integer and bool input becomes the default
 * float dtype.
 */
export const tanh = floatUnary(U.Tanh, 'tanh');
/**
 * The inverse hyperbolic sine, elementwise (`jnp.arcsinh`); integer and bool input becomes the
 * default float dtype.
 */
export const arcsinh = floatUnary(U.Asinh, 'arcsinh');
/**
 * The inverse hyperbolic cosine, elementwise (`jnp.arccosh`); integer and bool input becomes the
 * default float dtype.
 */
export const arccosh = floatUnary(U.Acosh, 'arccosh');
/**
 * The inverse hyperbolic tangent, elementwise (`jnp.arctanh`); integer and bool input becomes the
 * default float dtype.
 */
export const arctanh = floatUnary(U.Atanh, 'arctanh');
export { arcsin as asin, arccos as acos, arctan as atan, arcsinh as asinh, arccosh as acosh, arctanh as atanh };
/**
 * The largest integer value not above `x`, elementwise (`jnp.floor`); integer and bool input
 * becomes the default float dtype.
 */
export const floor = floatUnary(U.Floor, 'floor');
/**
 * The smallest integer value not below `x`, elementwise (`jnp.ceil`); integer and bool input
 * becomes the default float dtype.
 */
export const ceil = floatUnary(U.Ceil, 'ceil');
/** Rounds half to even, like numpy. */
export const round = (x: ArrayOrScalar, decimals = 0): Array => {
  if (decimals === 0) return floatUnary(U.Round, 'round')(x);
  const s = 10 ** decimals;
  return divide(floatUnary(U.Round, 'round')(multiply(x, s)), s);
};
/**
 * Rounds to the nearest integer value, half to even (`jnp.rint`); integers give the default float
 * dtype.
 */
export const rint = (x: ArrayOrScalar): Array => round(x);
/** Rounds toward zero, elementwise (`jnp.trunc`); integers give the default float dtype. */
export const trunc = (x: ArrayOrScalar): Array => multiply(sign(x), floor(abs(x)));
/**
 * The logistic sigmoid `1 / (1 + e^-x)`, elementwise (`lax.logistic`); integer and bool input
 * becomes the default float dtype.
 */
export const logistic = floatUnary(U.Logistic, 'logistic');
/**
 * The error function, elementwise (`jax.scipy.special.erf`); integer and bool input becomes the
 * default float dtype.
 */
export const erf = floatUnary(U.Erf, 'erf');
/**
 * The complementary error function `1 - erf(x)`, accurate for large `x`, elementwise
 * (`jax.scipy.special.erfc`); integer and bool input becomes the default float dtype.
 */
export const erfc = floatUnary(U.Erfc, 'erfc');
/**
 * The inverse error function on (-1, 1), elementwise (`jax.scipy.special.erfinv`); integer and bool
 * input becomes the default float dtype.
 */
export const erfinv = floatUnary(U.ErfInv, 'erfinv');
/** `log |Γ(x)|`, elementwise (`lax.lgamma`); integer and bool input becomes the default float dtype. */
export const lgamma = floatUnary(U.Lgamma, 'lgamma');
/**
 * The digamma function ψ(x), the derivative of `lgamma`, elementwise (`lax.digamma`); integer and
 * bool input becomes the default float dtype.
 */
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

/** Converts degrees to radians, elementwise (`jnp.deg2rad`). */
export const deg2rad = (x: ArrayOrScalar): Array => multiply(x, Math.PI / 180);
/** Converts radians to degrees, elementwise (`jnp.rad2deg`). */
export const rad2deg = (x: ArrayOrScalar): Array => multiply(x, 180 / Math.PI);
/** Alias of `np.deg2rad`. */
export const radians = deg2rad;
/** Alias of `np.rad2deg`. */
export const degrees = rad2deg;

// ---- predicates and comparisons ----
/**
 * A bool array, true where `x` is neither infinite nor NaN (`jnp.isfinite`); always true for
 * integers.
 */
export function isfinite(x: ArrayOrScalar): Array {
  const a = asArray(x);
  return isFloat(a.dtype) ? bind1(U.IsFinite, [a]) : notEqual(a, a).equal(false);
}
/** A bool array, true where `x` is NaN (`jnp.isnan`). */
export const isnan = (x: ArrayOrScalar): Array => notEqual(x, x);
/** A bool array, true where `x` is +∞ or -∞ (`jnp.isinf`). */
export const isinf = (x: ArrayOrScalar): Array => logicalAnd(logicalNot(isfinite(x)), logicalNot(isnan(x)));

/** `x == y`, elementwise with broadcasting (`jnp.equal`): a bool array. */
export const equal = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Eq, 'equal', x, y);
/**
 * `x != y`, elementwise with broadcasting (`jnp.not_equal`): a bool array. True where either is
 * NaN.
 */
export const notEqual = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Ne, 'notEqual', x, y);
/** `x < y`, elementwise with broadcasting (`jnp.less`): a bool array. */
export const less = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Lt, 'less', x, y);
/** `x <= y`, elementwise with broadcasting (`jnp.less_equal`): a bool array. */
export const lessEqual = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Le, 'lessEqual', x, y);
/** `x > y`, elementwise with broadcasting (`jnp.greater`): a bool array. */
export const greater = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Gt, 'greater', x, y);
/** `x >= y`, elementwise with broadcasting (`jnp.greater_equal`): a bool array. */
export const greaterEqual = (x: ArrayOrScalar, y: ArrayOrScalar): Array => cmp(B.Ge, 'greaterEqual', x, y);

const toBool = (x: ArrayOrScalar): Array => {
  const a = asArray(x);
  return a.dtype === 'bool' ? a : bind1(B.Ne, [a, asArray(0, a.dtype)]);
};
/** Logical not (`jnp.logical_not`): a bool array, true where `x` is zero or false. */
export const logicalNot = (x: ArrayOrScalar): Array => bind1(U.Not, [toBool(x)]);
/**
 * Logical and of the truth values (nonzero is true), broadcast (`jnp.logical_and`): a bool array.
 */
export const logicalAnd = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.And, 'logicalAnd', toBool(x), toBool(y));
/** Logical or of the truth values (nonzero is true), broadcast (`jnp.logical_or`): a bool array. */
export const logicalOr = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Or, 'logicalOr', toBool(x), toBool(y));
/**
 * Logical exclusive or of the truth values (nonzero is true), broadcast (`jnp.logical_xor`): a bool
 * array.
 */
export const logicalXor = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Xor, 'logicalXor', toBool(x), toBool(y));
/** Bitwise and of integer or bool arrays, broadcast (`jnp.bitwise_and`). */
export const bitwiseAnd = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.And, 'bitwiseAnd', x, y);
/** Bitwise or of integer or bool arrays, broadcast (`jnp.bitwise_or`). */
export const bitwiseOr = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Or, 'bitwiseOr', x, y);
/** Bitwise exclusive or of integer or bool arrays, broadcast (`jnp.bitwise_xor`). */
export const bitwiseXor = (x: ArrayOrScalar, y: ArrayOrScalar): Array => binop(B.Xor, 'bitwiseXor', x, y);
/** Bitwise not (`jnp.invert`, numpy's `~`): `~x` for integers, logical not for bool. */
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
