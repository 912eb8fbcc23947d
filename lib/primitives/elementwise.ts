/** Elementwise unary primitives, each declared with its shape, jvp and vmap rules. */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval, NoParams } from '../core/ir.js';
import type { Array } from '../core/array.js';
import type { JvpRule, TransposeRule } from '../core/rules.js';
import { bind1 } from '../core/trace.js';
import { elementwiseBatch } from './batching.js';
import { add, div, isZero, lit, mul, mulT, neg, negT, sub, zero } from './ad-util.js';
import { ge, select } from './ops.js';
import { type ShapeResult, FLOATS, INTEGRAL, NUMERIC, checkArity, checkDtype, fail, ok, withShape } from './util.js';
import type { DType } from '../core/dtype.js';

function unaryEval(name: string, allowed: readonly DType[], outDtype?: DType) {
  return (avals: readonly Aval[]): ShapeResult => {
    const e = checkArity(name, avals, 1) ?? checkDtype(name, avals[0], allowed, allowed === FLOATS ? `convert with astype('float64') first` : '');
    if (e) return fail(e.message);
    return ok(withShape(avals[0], avals[0].shape, outDtype ?? avals[0].dtype));
  };
}

/** d out = dx · f'(x, out): the derivative factor is computed from the primal input and output. */
type Deriv = (x: Array, out: Array) => Array;

function unary(name: string, allowed: readonly DType[] = FLOATS, d?: Deriv | 'zero', extra: { transpose?: TransposeRule<NoParams> } = {}): Primitive<NoParams> {
  const jvp: JvpRule<NoParams> = ([x], [dx]) => {
    const out = bind1(self, [x]);
    if (d === undefined || d === 'zero' || isZero(dx)) return [[out], [zero(out.aval)]];
    return [[out], [mulT(dx, d(x, out))]];
  };
  const self: Primitive<NoParams> = definePrimitive({
    name,
    abstractEval: unaryEval(name, allowed, name === 'is_finite' ? 'bool' : undefined),
    jvp,
    vmap: (args, dims, params, size) => elementwiseBatch(self)(args, dims, params, size),
    ...extra,
  });
  return self;
}

const u = (p: Primitive) => (x: Array) => bind1(p, [x]);
const sq = (x: Array) => mul(x, x);

export const Neg: Primitive<NoParams> = definePrimitive({
  name: 'neg',
  abstractEval: unaryEval('neg', NUMERIC),
  jvp: ([x], [dx]) => [[neg(x)], [negT(dx)]],
  vmap: (a, d, p, n) => elementwiseBatch(Neg)(a, d, p, n),
  transpose: ([ct]) => [negT(ct)],
});
export const Exp = unary('exp', FLOATS, (_x, out) => out);
export const Exp2 = unary('exp2', FLOATS, (_x, out) => mul(out, Math.LN2));
export const Log = unary('log', FLOATS, (x) => div(1, x));
export const Log1p = unary('log1p', FLOATS, (x) => div(1, add(x, 1)));
export const Expm1 = unary('expm1', FLOATS, (_x, out) => add(out, 1));
export const Sin = unary('sin', FLOATS, (x) => u(Cos)(x));
export const Cos = unary('cos', FLOATS, (x) => neg(u(Sin)(x)));
export const Tan = unary('tan', FLOATS, (_x, out) => add(1, sq(out)));
export const Asin = unary('asin', FLOATS, (x) => u(Rsqrt)(sub(1, sq(x))));
export const Acos = unary('acos', FLOATS, (x) => neg(u(Rsqrt)(sub(1, sq(x)))));
export const Atan = unary('atan', FLOATS, (x) => div(1, add(1, sq(x))));
export const Sinh = unary('sinh', FLOATS, (x) => u(Cosh)(x));
export const Cosh = unary('cosh', FLOATS, (x) => u(Sinh)(x));
export const Tanh = unary('tanh', FLOATS, (_x, out) => sub(1, sq(out)));
export const Asinh = unary('asinh', FLOATS, (x) => u(Rsqrt)(add(sq(x), 1)));
export const Acosh = unary('acosh', FLOATS, (x) => u(Rsqrt)(mul(sub(x, 1), add(x, 1))));
export const Atanh = unary('atanh', FLOATS, (x) => div(1, sub(1, sq(x))));
/** sqrt'(0) = inf, as in JAX. */
export const Sqrt = unary('sqrt', FLOATS, (_x, out) => div(0.5, out));
export const Rsqrt = unary('rsqrt', FLOATS, (x, out) => mul(div(out, x), -0.5));
export const Cbrt = unary('cbrt', FLOATS, (_x, out) => div(1 / 3, sq(out)));
/** abs'(0) = +1 (JAX's convention: select(x >= 0, dx, -dx)). */
export const Abs = unary('abs', NUMERIC, (x) => select(ge(x, 0), lit(1, x.aval), lit(-1, x.aval)));
export const Sign = unary('sign', NUMERIC, 'zero');
export const Floor = unary('floor', FLOATS, 'zero');
export const Ceil = unary('ceil', FLOATS, 'zero');
/** Rounds half to even, like numpy and lax.round with ROUND_TO_NEAREST_EVEN. */
export const Round = unary('round', FLOATS, 'zero');
export const Logistic = unary('logistic', FLOATS, (_x, out) => mul(out, sub(1, out)));
export const Erf = unary('erf', FLOATS, (x) => mul(u(Exp)(neg(sq(x))), 2 / Math.sqrt(Math.PI)));
export const Erfc = unary('erfc', FLOATS, (x) => mul(u(Exp)(neg(sq(x))), -2 / Math.sqrt(Math.PI)));
export const ErfInv = unary('erf_inv', FLOATS, (_x, out) => mul(u(Exp)(sq(out)), Math.sqrt(Math.PI) / 2));
export const Lgamma = unary('lgamma', FLOATS, (x) => u(Digamma)(x));
export const Digamma = unary('digamma', FLOATS, (x) => bind1(Polygamma, [x], { n: 1 }));
export const IsFinite = unary('is_finite', FLOATS, 'zero');
/** Logical not on bool, bitwise not on int32. */
export const Not = unary('not', INTEGRAL, 'zero');

export interface PolygammaParams { readonly [k: string]: unknown; readonly n: number }

/** ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n >= 1). */
export const Polygamma: Primitive<PolygammaParams> = definePrimitive<PolygammaParams>({
  name: 'polygamma',
  abstractEval: (avals, { n }) => (Number.isInteger(n) && n >= 1 ? unaryEval('polygamma', FLOATS)(avals) : fail(`polygamma: order must be an integer >= 1, got ${n}`)),
  jvp: ([x], [dx], { n }) => {
    const out = bind1(Polygamma, [x], { n });
    return [[out], [mulT(dx, bind1(Polygamma, [x], { n: n + 1 }))]];
  },
  vmap: (a, d, p, size) => elementwiseBatch(Polygamma)(a, d, p, size),
});

export interface IntegerPowParams { readonly [k: string]: unknown; readonly y: number }

/** x ** y for a static integer y (so x**2 stays exact and cheap). */
export const IntegerPow: Primitive<IntegerPowParams> = definePrimitive<IntegerPowParams>({
  name: 'integer_pow',
  abstractEval: (avals, { y }) => {
    if (!Number.isInteger(y)) return fail(`integer_pow: exponent must be an integer, got ${y}`);
    if (y < 0 && avals[0].dtype === 'int32') return fail('integer_pow: negative exponent of an int32 operand; convert to float first');
    return unaryEval('integer_pow', NUMERIC)(avals);
  },
  // d x^y = y x^(y-1) dx
  jvp: ([x], [dx], { y }) => {
    const out = bind1(IntegerPow, [x], { y });
    if (y === 0 || isZero(dx)) return [[out], [zero(out.aval)]];
    const factor = y === 1 ? lit(1, x.aval) : mul(bind1(IntegerPow, [x], { y: y - 1 }), y);
    return [[out], [mulT(dx, factor)]];
  },
  vmap: (a, d, p, size) => elementwiseBatch(IntegerPow)(a, d, p, size),
});


