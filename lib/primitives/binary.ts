/** Elementwise binary primitives, comparisons, logical ops and select. */
import { ShapeError } from '../core/errors.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval, NoParams } from '../core/ir.js';
import { type ShapeResult, ALL, FLOATS, INTEGRAL, NUMERIC, broadcastScalars, checkArity, checkDtype, fail, fmt, withShape } from './util.js';
import { type DType, isFloat } from '../core/dtype.js';
import type { Array } from '../core/array.js';
import type { JvpRule, Tangent, TransposeRule } from '../core/rules.js';
import { LinearIn } from '../core/rules.js';
import { bind1 } from '../core/trace.js';
import { elementwiseBatch } from './batching.js';
import { add, bcast, div, instantiate, isZero, lit, mul, mulT, divT, neg, negT, sub, sumT, unbroadcast, zero } from './ad-util.js';
import { abs, floor, log, sign } from './ops.js';

function binaryEval(name: string, allowed: readonly DType[], outDtype?: DType) {
  return (avals: readonly Aval[]): ShapeResult => {
    const e = checkArity(name, avals, 2) ?? checkDtype(name, avals[0], allowed);
    if (e) return fail(e.message);
    if (avals[0].dtype !== avals[1].dtype) {
      return fail(`${name}: operand dtypes must match, got ${fmt(avals)}; convert with astype, or use the np.* function, which promotes`);
    }
    const shape = broadcastScalars(name, avals);
    return shape instanceof ShapeError ? shape : [withShape(avals[0], shape, outDtype ?? avals[0].dtype)];
  };
}

type Extra = { jvp?: JvpRule<NoParams>; transpose?: TransposeRule<NoParams> };

function binary(name: string, allowed: readonly DType[] = NUMERIC, outDtype?: DType, extra: Extra = {}): Primitive<NoParams> {
  const self: Primitive<NoParams> = definePrimitive({
    name,
    abstractEval: binaryEval(name, allowed, outDtype),
    // Comparisons and logical ops have zero derivative (their outputs are bool/int).
    jvp: extra.jvp ?? ((ps) => { const out = bind1(self, ps); return [[out], [zero(out.aval)]]; }),
    vmap: (a, d, p, size) => elementwiseBatch(self)(a, d, p, size),
    transpose: extra.transpose,
  });
  return self;
}

const outOf = (p: Primitive, ps: Array[]): Array => bind1(p, ps);

/** ct for a linear operand of aval `a` (summing over scalar broadcasting). */
const ctFor = (ct: Tangent, a: LinearIn | Array): Tangent | null => (isZero(ct) ? null : unbroadcast(ct, a.aval));

export const Add: Primitive<NoParams> = binary('add', NUMERIC, undefined, {
  jvp: (ps, [dx, dy]) => { const out = outOf(Add, ps); return [[out], [sumT(out.aval, dx, dy)]]; },
  transpose: ([ct], [x, y]) => [x instanceof LinearIn ? ctFor(ct, x) : null, y instanceof LinearIn ? ctFor(ct, y) : null],
});
export const Sub: Primitive<NoParams> = binary('sub', NUMERIC, undefined, {
  jvp: (ps, [dx, dy]) => { const out = outOf(Sub, ps); return [[out], [sumT(out.aval, dx, negT(dy))]]; },
  transpose: ([ct], [x, y]) => [x instanceof LinearIn ? ctFor(ct, x) : null, y instanceof LinearIn ? ctFor(negT(ct), y) : null],
});
export const Mul: Primitive<NoParams> = binary('mul', NUMERIC, undefined, {
  // d(xy) = dx y + x dy
  jvp: ([x, y], [dx, dy]) => { const out = outOf(Mul, [x, y]); return [[out], [sumT(out.aval, mulT(dx, y), mulT(dy, x))]]; },
  transpose: ([ct], [x, y]) => {
    if (isZero(ct)) return [null, null];
    if (x instanceof LinearIn && y instanceof LinearIn) throw new TypeError('transpose: mul of two linear values is not linear');
    if (x instanceof LinearIn) return [ctFor(mul(ct, y as Array), x), null];
    if (y instanceof LinearIn) return [null, ctFor(mul(ct, x), y)];
    return [null, null];
  },
});
/** Float division; on int32 it truncates toward zero (lax.div). */
export const Div: Primitive<NoParams> = binary('div', NUMERIC, undefined, {
  // d(x/y) = dx/y - dy·out/y
  jvp: ([x, y], [dx, dy]) => {
    const out = outOf(Div, [x, y]);
    return [[out], [sumT(out.aval, divT(dx, y), isZero(dy) ? dy : neg(mul(dy, div(out, y))))]];
  },
  transpose: ([ct], [x, y]) => {
    if (y instanceof LinearIn) throw new TypeError('transpose: division by a linear value is not linear');
    return [x instanceof LinearIn && !isZero(ct) ? ctFor(div(ct, y), x) : null, null];
  },
});
/** Remainder with the sign of the dividend (C fmod, lax.rem). */
export const Rem: Primitive<NoParams> = binary('rem', NUMERIC, undefined, {
  // d rem(x, y) = dx - dy·trunc(x/y)
  jvp: ([x, y], [dx, dy]) => {
    const out = outOf(Rem, [x, y]);
    // Integer remainder has no derivative (and floor is float-only).
    if (!isFloat(out.aval.dtype)) return [[out], [zero(out.aval)]];
    const q = () => { const r = div(x, y); return mul(sign(r), floor(abs(r))); };
    return [[out], [sumT(out.aval, dx, isZero(dy) ? dy : neg(mul(dy, q())))]];
  },
});
export const Pow: Primitive<NoParams> = binary('pow', FLOATS, undefined, {
  // d x^y = y x^(y-1) dx + log(x) x^y dy, with JAX's zero guards at y = 0 and x = 0.
  jvp: ([x, y], [dx, dy]) => {
    const out = outOf(Pow, [x, y]);
    let tx: Tangent = zero(out.aval);
    if (!isZero(dx)) {
      const yz = bind1(Eq, [y, lit(0, y.aval)]);
      const f = bind1(Select, [yz, lit(0, y.aval), mul(y, bind1(Pow, [x, sub(y, 1)]))]);
      tx = mulT(dx, f);
    }
    let ty: Tangent = zero(out.aval);
    if (!isZero(dy)) {
      const xz = bind1(Eq, [x, lit(0, x.aval)]);
      const safe = bind1(Select, [xz, lit(1, x.aval), x]);
      ty = mulT(dy, mul(log(safe), out));
    }
    return [[out], [sumT(out.aval, tx, ty)]];
  },
});
/** maximum: ties split the tangent 0.5/0.5, as in JAX. */
export const Max: Primitive<NoParams> = binary('max', ALL, undefined, { jvp: minmaxJvp(() => Max, () => Gt) });
export const Min: Primitive<NoParams> = binary('min', ALL, undefined, { jvp: minmaxJvp(() => Min, () => Lt) });

function minmaxJvp(self: () => Primitive, wins: () => Primitive): JvpRule<NoParams> {
  return ([x, y], [dx, dy]) => {
    const out = bind1(self(), [x, y]);
    // Integer/bool max/min have no derivative (and 0.5 is not representable there).
    if (!isFloat(out.aval.dtype)) return [[out], [zero(out.aval)]];
    const one = lit(1, out.aval);
    const half = lit(0.5, out.aval);
    const z = lit(0, out.aval);
    const wx = bind1(Select, [bind1(wins(), [x, y]), one, bind1(Select, [bind1(Eq, [x, y]), half, z])]);
    const wy = sub(one, wx);
    return [[out], [sumT(out.aval, mulT(dx, wx), mulT(dy, wy))]];
  };
}

export const Atan2: Primitive<NoParams> = binary('atan2', FLOATS, undefined, {
  // d atan2(x, y) = (y dx - x dy) / (x² + y²)
  jvp: ([x, y], [dx, dy]) => {
    const out = outOf(Atan2, [x, y]);
    const den = add(mul(x, x), mul(y, y));
    return [[out], [sumT(out.aval, mulT(dx, div(y, den)), mulT(dy, neg(div(x, den))))]];
  },
});
/** select(pred, onTrue, onFalse): elementwise choice; pred is bool, rank 0 operands broadcast. */
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
export const Select: Primitive<NoParams> = definePrimitive({
  name: 'select',
  abstractEval: (avals): ShapeResult => {
    const e = checkArity('select', avals, 3);
    if (e) return fail(e.message);
    const [p, t, f] = avals;
    if (p.dtype !== 'bool') return fail(`select: predicate must be bool, got ${p.dtype}`);
    if (t.dtype !== f.dtype) return fail(`select: branch dtypes must match, got ${fmt([t, f])}`);
    const shape = broadcastScalars('select', avals);
    return shape instanceof ShapeError ? shape : [withShape(t, shape)];
  },
  jvp: ([p, t, f], [, dt, df]) => {
    const out = bind1(Select, [p, t, f]);
    if (isZero(dt) && isZero(df)) return [[out], [zero(out.aval)]];
    return [[out], [bind1(Select, [p, bcast(instantiate(dt), out.aval), bcast(instantiate(df), out.aval)])]];
  },
  vmap: (a, d, p, size) => elementwiseBatch(Select)(a, d, p, size),
  // ct flows to the branch the predicate picked.
  transpose: ([ct], [p, t, f]) => {
    if (p instanceof LinearIn) throw new TypeError('transpose: select predicate cannot be linear');
    if (isZero(ct)) return [null, null, null];
    const c = ct;
    const z = lit(0, c.aval);
    return [
      null,
      t instanceof LinearIn ? ctFor(bind1(Select, [p, c, z]), t) : null,
      f instanceof LinearIn ? ctFor(bind1(Select, [p, z, c]), f) : null,
    ];
  },
});
