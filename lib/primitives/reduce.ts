/** Reductions over a set of axes, arg-reductions and cumulative sums. */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import { type ShapeResult, ALL, NUMERIC, checkArity, checkAxes, checkDtype, fail, ok, withShape } from './util.js';
import { type DType, isFloat } from '../core/dtype.js';
import type { Array } from '../core/array.js';
import { LinearIn, type Tangent, type VmapRule } from '../core/rules.js';
import { bind1 } from '../core/trace.js';
import { moveAxis } from './batching.js';
import { div, isZero, lit, mul, zero } from './ad-util.js';
import { broadcastInDim, eq, select } from './ops.js';

/** Broadcasts a reduced array back to `shape`, re-inserting the reduced `axes`. */
function unreduce(y: Array, shape: readonly number[], axes: readonly number[]): Array {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return broadcastInDim(y, shape, kept);
}

/** Reductions batch by moving the batch axis first and shifting `axes` by one. */
const reduceBatch = (prim: () => Primitive): VmapRule<AxesParams> => ([x], [d], { axes }) =>
  [[bind1(prim(), [moveAxis(x, d!, 0)], { axes: axes.map((a) => a + 1) })], [0]];

/** Arg-reductions / cumulative ops batch the same way, with `axis` shifted by one. */
const axisBatch = <P extends { readonly [k: string]: unknown; readonly axis: number }>(prim: () => Primitive): VmapRule<P> => ([x], [d], params) =>
  [[bind1(prim(), [moveAxis(x, d!, 0)], { ...params, axis: params.axis + 1 })], [0]];

/** max/min: the tangent is split equally among the tied extrema (JAX's convention). */
function extremumJvp(prim: () => Primitive) {
  return ([x]: Array[], [dx]: Tangent[], { axes }: AxesParams): [Array[], Tangent[]] => {
    const out = bind1(prim(), [x], { axes });
    // Integer/bool extrema (np.any/np.all) have no derivative; the mask arithmetic needs a float.
    if (isZero(dx) || !isFloat(x.aval.dtype)) return [[out], [zero(out.aval)]];
    const hit = eq(x, unreduce(out, x.aval.shape, axes));
    const mask = select(hit, lit(1, x.aval), lit(0, x.aval));
    const count = bind1(ReduceSum, [mask], { axes });
    const t = div(bind1(ReduceSum, [mul(dx, mask)], { axes }), count);
    return [[out], [t]];
  };
}

export interface AxesParams { readonly [k: string]: unknown; readonly axes: readonly number[] }

function reduceEval(name: string, allowed: readonly DType[]) {
  return (avals: readonly Aval[], { axes }: AxesParams): ShapeResult => {
    const [x] = avals;
    const e = checkArity(name, avals, 1) ?? checkDtype(name, x, allowed) ?? checkAxes(name, axes, x.shape.length);
    if (e) return fail(e.message);
    return ok(withShape(x, x.shape.filter((_, i) => !axes.includes(i))));
  };
}

export const ReduceSum: Primitive<AxesParams> = definePrimitive<AxesParams>({
  name: 'reduce_sum',
  abstractEval: reduceEval('reduce_sum', NUMERIC),
  jvp: ([x], [dx], { axes }) => {
    const out = bind1(ReduceSum, [x], { axes });
    return [[out], [isZero(dx) ? zero(out.aval) : bind1(ReduceSum, [dx], { axes })]];
  },
  vmap: reduceBatch(() => ReduceSum),
  // Transpose: broadcast the cotangent back over the reduced axes.
  transpose: ([ct], [x], { axes }) => [isZero(ct) || !(x instanceof LinearIn) ? null : unreduce(ct, x.aval.shape, axes)],
});
/**
 * d prod(x) = sum(dx * prod(others)). The product of the other elements is out/x away from zeros;
 * at a zero it is the product of the nonzero elements when that zero is the only one in its group
 * (and 0 when there are several), so the derivative is exact at zeros too.
 */
export const ReduceProd: Primitive<AxesParams> = definePrimitive<AxesParams>({
  name: 'reduce_prod',
  abstractEval: reduceEval('reduce_prod', NUMERIC),
  jvp: ([x], [dx], { axes }) => {
    const out = bind1(ReduceProd, [x], { axes });
    if (isZero(dx)) return [[out], [zero(out.aval)]];
    const shape = x.aval.shape;
    const isz = eq(x, lit(0, x.aval));
    const one = lit(1, x.aval);
    const z = lit(0, x.aval);
    const safe = select(isz, one, x);
    const nzeros = bind1(ReduceSum, [select(isz, one, z)], { axes });
    const pnz = bind1(ReduceProd, [safe], { axes });
    const atZero = select(eq(nzeros, lit(1, x.aval)), pnz, z);
    const others = select(isz, unreduce(atZero, shape, axes), div(unreduce(out, shape, axes), safe));
    return [[out], [bind1(ReduceSum, [mul(dx, others)], { axes })]];
  },
  vmap: reduceBatch(() => ReduceProd),
});
/** Max/min also reduce bool arrays (np.any / np.all). */
export const ReduceMax: Primitive<AxesParams> = definePrimitive<AxesParams>({
  name: 'reduce_max',
  abstractEval: reduceEval('reduce_max', ALL),
  jvp: extremumJvp(() => ReduceMax),
  vmap: reduceBatch(() => ReduceMax),
});
export const ReduceMin: Primitive<AxesParams> = definePrimitive<AxesParams>({
  name: 'reduce_min',
  abstractEval: reduceEval('reduce_min', ALL),
  jvp: extremumJvp(() => ReduceMin),
  vmap: reduceBatch(() => ReduceMin),
});

export interface ArgParams { readonly [k: string]: unknown; readonly axis: number }

function argEval(name: string) {
  return (avals: readonly Aval[], { axis }: ArgParams): ShapeResult => {
    const [x] = avals;
    const e = checkArity(name, avals, 1) ?? checkDtype(name, x, ALL) ?? checkAxes(name, [axis], x.shape.length);
    if (e) return fail(e.message);
    if (x.shape[axis] === 0) return fail(`${name}: attempt to get ${name} of an empty axis ${axis} (shape [${x.shape}])`);
    return ok(withShape(x, x.shape.filter((_, i) => i !== axis), 'int32'));
  };
}

/** Index of the first maximum along `axis` (NaN counts as the maximum, as in numpy). */
export const Argmax: Primitive<ArgParams> = definePrimitive<ArgParams>({
  name: 'argmax',
  abstractEval: argEval('argmax'),
  jvp: ([x], _t, p) => { const out = bind1(Argmax, [x], p); return [[out], [zero(out.aval)]]; },
  vmap: axisBatch<ArgParams>(() => Argmax),
});
export const Argmin: Primitive<ArgParams> = definePrimitive<ArgParams>({
  name: 'argmin',
  abstractEval: argEval('argmin'),
  jvp: ([x], _t, p) => { const out = bind1(Argmin, [x], p); return [[out], [zero(out.aval)]]; },
  vmap: axisBatch<ArgParams>(() => Argmin),
});

export interface CumParams { readonly [k: string]: unknown; readonly axis: number; readonly reverse: boolean }

export const Cumsum: Primitive<CumParams> = definePrimitive<CumParams>({
  name: 'cumsum',
  abstractEval: (avals, { axis }) => {
    const [x] = avals;
    const e = checkArity('cumsum', avals, 1) ?? checkDtype('cumsum', x, NUMERIC) ?? checkAxes('cumsum', [axis], x.shape.length);
    return e ? fail(e.message) : ok(x);
  },
  jvp: ([x], [dx], p) => {
    const out = bind1(Cumsum, [x], p);
    return [[out], [isZero(dx) ? zero(out.aval) : bind1(Cumsum, [dx], p)]];
  },
  vmap: axisBatch<CumParams>(() => Cumsum),
  // The transpose of a (forward) cumulative sum is the reverse cumulative sum.
  transpose: ([ct], [x], p) => [isZero(ct) || !(x instanceof LinearIn) ? null : bind1(Cumsum, [ct], { ...p, reverse: !p.reverse })],
});
