/**
 * Elementwise arithmetic that numpy has and the primitives do not name: divmod, modf, frexp,
 * ldexp, nextafter, spacing, gcd/lcm, shifts, population count and the modified Bessel function
 * i0. Everything is composed from existing ops (float bits through lax.bitcastConvertType), so
 * grad, jit and vmap apply unchanged.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { customJvp } from '../control/custom.js';
import { bitcastConvertType, shiftLeft, shiftRightLogical } from '../lax/ops.js';
import { take } from './indexing.js';
import {
  abs, add, bitwiseAnd, divide, equal, exp, floorDivide, greater, invert, isinf, isnan, less,
  logicalAnd, logicalOr, mod, multiply, notEqual, power, round, sign, sqrt, subtract, trunc, where,
} from './math.js';
import { asArray, broadcastArrays, broadcastShapes, broadcastTo, convert, promote, toFloat } from './promote.js';
import { all } from './reductions.js';
import { stack } from './shape.js';
import { checkOperand } from './validate.js';
import { I0_LARGE, I0_SMALL, I1_LARGE, I1_SMALL, chebyshev } from './bessel.js';

const operand = (who: string, x: ArrayOrScalar): Array => asArray(checkOperand(who, x));

/** Two operands promoted together (to a float with `minFloat`) and broadcast, named by `who`. */
function pair(who: string, a: ArrayOrScalar, b: ArrayOrScalar, minFloat = false): [Array, Array] {
  const [[x, y]] = promote([checkOperand(who, a), checkOperand(who, b)], minFloat);
  broadcastShapes(who, x.shape, y.shape);
  return [x, y];
}

/** An int32 operand (bools become int32); floats are refused with the fix. */
function intOperand(who: string, x: ArrayOrScalar): Array {
  const a = operand(who, x);
  if (isFloat(a.dtype)) throw new TypeError(`${who}: requires integer or bool operands, got dtype ${a.dtype}; cast with astype('int32')`);
  return a.dtype === 'bool' ? convert(a, 'int32') : a;
}

/** Euler–Mascheroni constant γ. */
export const eulerGamma = 0.5772156649015329;

/** numpy's `around`: an alias of `round` (half to even, `decimals` digits). */
export const around = round;
/** Bitwise NOT of ints, logical NOT of bools: an alias of `invert`. */
export const bitwiseNot = invert;
/** Bitwise NOT of ints, logical NOT of bools: an alias of `invert` (numpy 2's name). */
export const bitwiseInvert = invert;

/** `[floorDivide(x, y), mod(x, y)]`, numpy's `divmod`. */
export function divmod(x: ArrayOrScalar, y: ArrayOrScalar): [Array, Array] {
  const [a, b] = pair('np.divmod', x, y);
  return [floorDivide(a, b), mod(a, b)];
}

/** `[fractional, integral]` parts, both with the sign of x; ±inf gives ±0 and ±inf, as numpy. */
export function modf(x: ArrayOrScalar): [Array, Array] {
  const a = toFloat(operand('np.modf', x));
  const whole = trunc(a);
  const frac = subtract(a, whole);
  // 1/±inf is ±0, the signed zero numpy gives; the inner where keeps 1/a finite elsewhere.
  return [where(isinf(a), divide(1, where(isinf(a), a, 1)), frac), whole];
}

/** 2^k for int32 k in the normal exponent range of `dtype`, exactly, from its bit pattern. */
function pow2(k: Array, dtype: 'float32' | 'float64'): Array {
  if (dtype === 'float32') return bitcastConvertType(shiftLeft(add(k, 127), 23), 'float32');
  const hi = shiftLeft(add(k, 1023), 20);
  return bitcastConvertType(stack([multiply(hi, 0), hi], -1), 'float64');
}

/** x · 2^n (n int32) exactly, for every n: the power is split in three factors that never overflow. */
export function ldexp(x: ArrayOrScalar, n: ArrayOrScalar): Array {
  const who = 'np.ldexp';
  const a = toFloat(operand(who, x));
  const e = operand(who, n);
  if (isFloat(e.dtype)) throw new TypeError(`${who}: the exponent must be an integer array, got dtype ${e.dtype}; cast it with astype('int32')`);
  broadcastShapes(who, a.shape, e.shape);
  const dt = a.dtype === 'float32' ? 'float32' : 'float64';
  const lim = dt === 'float32' ? 350 : 2200; // past these the result is 0 or inf anyway
  const k = where(less(e, -lim), -lim, where(greater(e, lim), lim, convert(e, 'int32')));
  const q = floorDivide(k, 3);
  return multiply(multiply(multiply(a, pow2(q, dt)), pow2(q, dt)), pow2(subtract(k, multiply(q, 2)), dt));
}

/** The unbiased binary exponent e (int32) with |x| = m·2^e, 0.5 <= m < 1, from the float's bits. */
function exponentOf(a: Array): Array {
  const f32 = a.dtype === 'float32';
  const tinyNormal = f32 ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const boost = f32 ? 24 : 54;
  // Subnormals are scaled into the normal range first, then the exponent is corrected.
  const sub = logicalAnd(less(abs(a), tinyNormal), notEqual(a, 0));
  const scaled = where(sub, multiply(a, 2 ** boost), a);
  const field = f32
    ? bitwiseAnd(shiftRightLogical(bitcastConvertType(scaled, 'int32'), 23), 0xff)
    : bitwiseAnd(shiftRightLogical(take(bitcastConvertType(scaled, 'int32'), 1, -1), 20), 0x7ff);
  return subtract(field, where(sub, (f32 ? 126 : 1022) + boost, f32 ? 126 : 1022));
}

/** `[mantissa, exponent]` with x = m·2^e, 0.5 <= |m| < 1 and e int32; 0, ±inf and NaN give [x, 0]. */
export function frexp(x: ArrayOrScalar): [Array, Array] {
  const a = toFloat(operand('np.frexp', x));
  const special = logicalOr(equal(a, 0), logicalOr(isnan(a), isinf(a)));
  const e = where(special, 0, exponentOf(where(special, 1, a)));
  return [ldexp(a, subtract(0, e)), e];
}

/** `x ** y` in floating point (ints are promoted to the default float), numpy's `float_power`. */
export function floatPower(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [a, b] = pair('np.floatPower', x, y, true);
  return power(a, b);
}

/** |x| as a float (ints become the default float), numpy's `fabs`. */
export function fabs(x: ArrayOrScalar): Array {
  return abs(toFloat(operand('np.fabs', x)));
}

/** True where x is -inf (false for ints and bools). */
export function isneginf(x: ArrayOrScalar): Array {
  const a = operand('np.isneginf', x);
  return isFloat(a.dtype) ? equal(a, -Infinity) : notEqual(a, a);
}

/** True where x is +inf (false for ints and bools). */
export function isposinf(x: ArrayOrScalar): Array {
  const a = operand('np.isposinf', x);
  return isFloat(a.dtype) ? equal(a, Infinity) : notEqual(a, a);
}

/** The next representable float after x1 towards x2 (x2 where they are equal; NaN if either is). */
export function nextafter(x1: ArrayOrScalar, x2: ArrayOrScalar): Array {
  const [a, b] = pair('np.nextafter', x1, x2, true);
  // Floats are sign-magnitude: moving away from zero adds one to the magnitude bits, towards it subtracts one.
  const away = equal(greater(b, a), greater(a, 0));
  const full = broadcastTo(a, broadcastShapes('np.nextafter', a.shape, b.shape), 'np.nextafter');
  let stepped: Array;
  let tiny: number;
  if (a.dtype === 'float32') {
    const bits = bitcastConvertType(full, 'int32');
    stepped = bitcastConvertType(add(bits, where(away, 1, -1)), 'float32');
    tiny = 1.401298464324817e-45;
  } else {
    const w = bitcastConvertType(full, 'int32');
    const lo = take(w, 0, -1);
    const hi = take(w, 1, -1);
    // 64-bit increment/decrement on two int32 words; the wrap of the low word is written out, so
    // no int32 overflow is relied on.
    const intMin = asArray(-2147483648, 'int32'); // a JS literal this large would promote to float
    const loUp = where(equal(lo, 2147483647), intMin, add(lo, 1));
    const hiUp = where(equal(lo, -1), add(hi, 1), hi);
    const loDown = where(equal(lo, intMin), 2147483647, subtract(lo, 1));
    const hiDown = where(equal(lo, 0), subtract(hi, 1), hi);
    stepped = bitcastConvertType(stack([where(away, loUp, loDown), where(away, hiUp, hiDown)], -1), 'float64');
    tiny = 5e-324;
  }
  const fromZero = where(greater(b, 0), tiny, -tiny);
  return where(logicalOr(isnan(a), isnan(b)), NaN, where(equal(a, b), b, where(equal(a, 0), fromZero, stepped)));
}

/** The distance from x to the next float away from zero (negative for negative x), numpy's `spacing`. */
export function spacing(x: ArrayOrScalar): Array {
  const a = toFloat(operand('np.spacing', x));
  // The sign of -0 counts: its spacing is the negative smallest subnormal, as numpy.
  const neg = logicalOr(less(a, 0), logicalAnd(equal(a, 0), less(divide(1, a), 0)));
  return subtract(nextafter(a, where(neg, -Infinity, Infinity)), a);
}

/** Greatest common divisor of |x1| and |x2| (int32; gcd(0, 0) = 0), by a fixed-length Euclid loop. */
export function gcd(x1: ArrayOrScalar, x2: ArrayOrScalar): Array {
  let [a, b] = broadcastArrays('np.gcd', [abs(intOperand('np.gcd', x1)), abs(intOperand('np.gcd', x2))]);
  // Euclid on int32 takes at most 46 steps (consecutive Fibonacci numbers are the worst case).
  for (let i = 0; i < 47; i++) {
    const done = equal(b, 0);
    const r = mod(a, where(done, 1, b));
    a = where(done, a, b);
    b = where(done, 0, r);
  }
  return a;
}

/** Least common multiple of |x1| and |x2| (int32; 0 if either is 0). */
export function lcm(x1: ArrayOrScalar, x2: ArrayOrScalar): Array {
  const a = abs(intOperand('np.lcm', x1));
  const b = abs(intOperand('np.lcm', x2));
  const g = gcd(a, b);
  return where(equal(g, 0), 0, abs(multiply(floorDivide(a, where(equal(g, 0), 1, g)), b)));
}

/** Two integer operands promoted and broadcast together, for the shifts (bools shift as int32). */
function shiftOperands(who: string, x: ArrayOrScalar, s: ArrayOrScalar): [Array, Array] {
  const [[p0, q0]] = promote([intOperand(who, x), intOperand(who, s)]);
  const a = intOperand(who, p0);
  const b = intOperand(who, q0);
  // lax broadcasts rank-0 operands itself.
  const [p, q] = broadcastArrays(who, [a, b]);
  return [p, q];
}

/** x << s on integers (bools become int32); shifts outside [0, bit width) give 0, as numpy. */
export function leftShift(x: ArrayOrScalar, s: ArrayOrScalar): Array {
  const [a, b] = shiftOperands('np.leftShift', x, s);
  return shiftLeft(a, b);
}

/** x >> s on integers (sign-filling on signed dtypes); shifts outside [0, bit width) give 0 or -1, as numpy. */
export function rightShift(x: ArrayOrScalar, s: ArrayOrScalar): Array {
  const [a, b] = shiftOperands('np.rightShift', x, s);
  // A negative x shifts as ~((~x) >>> s): the complement is non-negative, so logical = arithmetic.
  return where(less(a, 0), invert(shiftRightLogical(invert(a), b)), shiftRightLogical(a, b));
}

/** numpy 2's name for `leftShift`. */
export const bitwiseLeftShift = leftShift;
/** numpy 2's name for `rightShift`. */
export const bitwiseRightShift = rightShift;

/** The number of 1 bits in |x| (int32 result; bools count 1 for true), numpy's `bitwise_count`. */
export function bitwiseCount(x: ArrayOrScalar): Array {
  let v = abs(intOperand('np.bitwiseCount', x));
  const srl = (a: Array, k: number): Array => shiftRightLogical(a, k);
  // SWAR popcount without a multiply: 2-, 4-, 8-bit partial sums, then the bytes are added.
  v = subtract(v, bitwiseAnd(srl(v, 1), 0x55555555));
  v = add(bitwiseAnd(v, 0x33333333), bitwiseAnd(srl(v, 2), 0x33333333));
  v = bitwiseAnd(add(v, srl(v, 4)), 0x0f0f0f0f);
  v = add(v, srl(v, 8));
  v = add(v, srl(v, 16));
  return bitwiseAnd(v, 0x3f);
}

/** Whether a and b broadcast together and are equal everywhere (a bool 0-d Array), numpy's `array_equiv`. */
export function arrayEquiv(a1: ArrayOrScalar, a2: ArrayOrScalar): Array {
  const a = operand('np.arrayEquiv', a1);
  const b = operand('np.arrayEquiv', a2);
  try {
    broadcastShapes('np.arrayEquiv', a.shape, b.shape);
  } catch (err) {
    if (err instanceof ShapeError) return asArray(false);
    throw err;
  }
  return all(equal(a, b));
}

// ---- modified Bessel functions I0, I1 ---------------------------------------------------------
/** I_0 (order 0) or I_1 (order 1) of a float array. */
function besselI(x: Array, order: 0 | 1): Array {
  const ax = abs(x);
  const small = less(ax, 8);
  // Double where: each branch only sees arguments in its own range, so neither produces inf/NaN.
  const xs = where(small, ax, 8);
  const xl = where(small, 8, ax);
  const vs = multiply(exp(xs), chebyshev(order === 0 ? I0_SMALL : I1_SMALL, subtract(divide(xs, 4), 1)));
  // exp(x/2) twice: finite up to where I_n itself overflows.
  const half = exp(divide(xl, 2));
  const vl = multiply(multiply(half, divide(chebyshev(order === 0 ? I0_LARGE : I1_LARGE, subtract(divide(16, xl), 1)), sqrt(xl))), half);
  const v = where(small, vs, vl);
  return order === 0 ? v : multiply(sign(x), v);
}

// d I0 / dx = I1.
const i0WithJvp = customJvp((x: Array): Array => besselI(x, 0), {
  jvp: ([x]: Array[], [dx]: Array[]): [Array, Array] => [besselI(x, 0), multiply(dx, besselI(x, 1))],
});

/** The modified Bessel function of the first kind of order 0 (float; derivative I1), numpy's `i0`. */
export function i0(x: ArrayOrScalar): Array {
  const a = toFloat(operand('np.i0', x));
  return i0WithJvp(a) as Array;
}
