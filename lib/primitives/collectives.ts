/**
 * Collectives over a named vmap axis (JAX's psum, pmax, pmin, all_gather, axis_index, ppermute):
 * per example they look like ordinary ops, and the batching rule of the vmap that binds the name
 * performs the communication as an op along the batch axis (a sum, a stack, a gather). Under a
 * vmap that does not bind the name they batch like elementwise ops and wait for the outer one.
 * With no vmap binding the name at all they cannot run: their `decompose` says so.
 */
import { type Array, ConcreteArray } from '../core/array.js';
import { currentAxis } from '../core/axis-env.js';
import type { Aval } from '../core/ir.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { bind, bind1 } from '../core/trace.js';
import { type Tangent } from '../core/rules.js';
import { div, isZero, lit, mul, zero, zerosOf } from './ad-util.js';
import { batchFirst, moveAxis } from './batching.js';
import { broadcastInDim, eq, reshape, select } from './ops.js';
import { ReduceMax, ReduceMin, ReduceSum } from './reduce.js';
import { Concatenate, DynamicSlice, Gather, Iota } from './shape.js';
import { ALL, NUMERIC, type ShapeResult, checkDtype, fail, ok, withShape } from './util.js';

export interface ReduceAxisParams { readonly [k: string]: unknown; readonly axisName: readonly string[] }
export interface AllGatherParams { readonly [k: string]: unknown; readonly axisName: string; readonly axisSize: number; readonly axis: number; readonly tiled: boolean }
export interface AxisIndexParams { readonly [k: string]: unknown; readonly axisName: string }
export interface PpermuteParams { readonly [k: string]: unknown; readonly axisName: string; readonly perm: readonly (readonly [number, number])[] }

/** Whether the vmap now batching binds one of `names`: the collective is its to perform. */
export function bindsHere(names: unknown): boolean {
  const here = currentAxis()?.name;
  if (here === null || here === undefined) return false;
  return typeof names === 'string' ? names === here : globalThis.Array.isArray(names) && names.includes(here);
}

const unbound = (who: string, names: unknown) => (): never => {
  throw new TypeError(`lax.${who}: axis name ${JSON.stringify(names)} is not bound here; collectives run inside vmap(f, inAxes, outAxes, { axisName }) (the jitted function that holds this one was traced under such a vmap but is now called outside it)`);
};

function checked(who: string, kinds: readonly Aval['dtype'][]) {
  return (avals: readonly Aval[]): ShapeResult => {
    for (const a of avals) {
      const e = checkDtype(who, a, kinds);
      if (e) return fail(e.message);
    }
    return ok(...avals);
  };
}

/**
 * A reduction over the axis (psum / pmax / pmin): along the batch axis where it is bound, then
 * over the names that remain; an unbatched operand is the same in every example.
 */
function reduceAxis(prim: () => Primitive<ReduceAxisParams>, along: Primitive<{ readonly [k: string]: unknown; readonly axes: readonly number[] }>, unbatched: (x: Array, size: number) => Array) {
  return (args: Array[], dims: (number | null)[], p: ReduceAxisParams, size: number): [Array[], (number | null)[]] => {
    if (!bindsHere(p.axisName)) return [bind(prim(), args.map((x, i) => batchFirst(x, dims[i], size)), p), args.map(() => 0)];
    const rest = p.axisName.filter((n) => n !== currentAxis()!.name);
    const outs = args.map((x, i) => {
      const d = dims[i];
      const r = d === null ? unbatched(x, size) : bind1(along, [x], { axes: [d] });
      return rest.length ? bind1(prim(), [r], { axisName: rest }) : r;
    });
    return [outs, outs.map(() => null)];
  };
}

const onesOf = (a: Aval): Array => (a.shape.length ? broadcastInDim(lit(1, a), a.shape, []) : lit(1, a));

export const Psum: Primitive<ReduceAxisParams> = definePrimitive<ReduceAxisParams>({
  name: 'psum',
  abstractEval: checked('psum', NUMERIC),
  // Linear: the tangent of a sum over examples is the sum of the tangents; its transpose is itself.
  jvp: (xs, ts, p) => [bind(Psum, xs, p), ts.map((t, i) => (isZero(t) ? zero(xs[i].aval) : bind1(Psum, [t], p)))],
  transpose: (cts, _xs, p) => cts.map((c) => (isZero(c) ? null : bind1(Psum, [c], p))),
  vmap: reduceAxis(() => Psum, ReduceSum, (x, n) => mul(x, lit(n, x.aval))),
  decompose: (_a, p) => unbound('psum', p.axisName)(),
});

/**
 * The tangent of a maximum (minimum) over examples: the tangents of the examples that attain it,
 * averaged over ties, as reduce_max's rule splits them. Linear in the tangent (a psum of a
 * select), so reverse mode works too — JAX leaves pmax undifferentiated.
 */
function extremumJvp(prim: () => Primitive<ReduceAxisParams>) {
  return (xs: Array[], ts: Tangent[], p: ReduceAxisParams): [Array[], Tangent[]] => {
    const ys = bind(prim(), xs, p);
    return [ys, ts.map((t, i) => {
      if (isZero(t)) return zero(ys[i].aval);
      const hit = eq(xs[i], ys[i]);
      const count = bind1(Psum, [select(hit, onesOf(ys[i].aval), zerosOf(ys[i].aval))], p);
      return div(bind1(Psum, [select(hit, t, zerosOf(ys[i].aval))], p), count);
    })];
  };
}

/** pmax / pmin: the elementwise extremum over the examples, reduced by `along` where bound. */
function extremum(name: 'pmax' | 'pmin', along: typeof ReduceMax): Primitive<ReduceAxisParams> {
  const self: Primitive<ReduceAxisParams> = definePrimitive<ReduceAxisParams>({
    name,
    abstractEval: checked(name, NUMERIC),
    jvp: extremumJvp(() => self),
    vmap: reduceAxis(() => self, along, (x) => x),
    decompose: (_a, p) => unbound(name, p.axisName)(),
  });
  return self;
}

export const Pmax: Primitive<ReduceAxisParams> = extremum('pmax', ReduceMax);
export const Pmin: Primitive<ReduceAxisParams> = extremum('pmin', ReduceMin);

/** The example's position along the axis (int32 scalar). */
export const AxisIndex: Primitive<AxisIndexParams> = definePrimitive<AxisIndexParams>({
  name: 'axis_index',
  abstractEval: () => ok({ shape: [], dtype: 'int32' }),
  jvp: (_x, _t, p) => { const i = bind1(AxisIndex, [], p); return [[i], [zero(i.aval)]]; },
  vmap: (_args, _dims, p, size) => {
    if (!bindsHere(p.axisName)) return [[bind1(AxisIndex, [], p)], [null]];
    return [[bind1(Iota, [], { dtype: 'int32', shape: [size], dimension: 0 })], [0]];
  },
  decompose: (_a, p) => unbound('axisIndex', p.axisName)(),
});

/** Every example's value stacked along `axis` (concatenated when tiled), the same in every example. */
export const AllGather: Primitive<AllGatherParams> = definePrimitive<AllGatherParams>({
  name: 'all_gather',
  abstractEval: ([x], { axis, axisSize, tiled }) => {
    const e = checkDtype('all_gather', x, ALL);
    if (e) return fail(e.message);
    if (!Number.isInteger(axis) || axis < 0 || axis > x.shape.length - (tiled ? 1 : 0)) return fail(`all_gather: axis ${axis} is out of range for an operand of rank ${x.shape.length}`);
    const s = [...x.shape];
    if (tiled) s[axis] *= axisSize;
    else s.splice(axis, 0, axisSize);
    return ok(withShape(x, s));
  },
  jvp: ([x], [t], p) => {
    const y = bind1(AllGather, [x], p);
    return [[y], [isZero(t) ? zero(y.aval) : bind1(AllGather, [t], p)]];
  },
  // y = the stack of every x_j in every example, so x̄_j = (Σ_i ȳ_i)[j]: this example's slice of the summed cotangent.
  transpose: ([ct], [x], p) => {
    if (isZero(ct)) return [null];
    const total = bind1(Psum, [ct as Array], { axisName: [p.axisName] });
    const xa = x.aval;
    const chunk = p.tiled ? xa.shape[p.axis] : 1;
    const at = mul(bind1(AxisIndex, [], { axisName: p.axisName }), lit(chunk, { dtype: 'int32' }));
    const starts = total.aval.shape.map((_, d) => (d === p.axis ? at : lit(0, { dtype: 'int32' })));
    const sizes = total.aval.shape.map((n, d) => (d === p.axis ? chunk : n));
    return [reshape(bind1(DynamicSlice, [total, ...starts], { sliceSizes: sizes }), xa.shape)];
  },
  vmap: ([x], [d], p, size) => {
    if (!bindsHere(p.axisName)) return [[bind1(AllGather, [batchFirst(x, d, size)], { ...p, axis: p.axis + 1 })], [0]];
    const s = x.aval.shape;
    const stacked = d === null ? broadcastInDim(x, [size, ...s], s.map((_, i) => i + 1)) : moveAxis(x, d, 0);
    const per = stacked.aval.shape.slice(1);
    let y = moveAxis(stacked, 0, p.axis);
    if (p.tiled) y = reshape(y, per.map((n, i) => (i === p.axis ? n * size : n)));
    return [[y], [null]];
  },
  decompose: (_a, p) => unbound('allGather', p.axisName)(),
});

/** Sends each example's value to another (`perm` pairs [from, to]); examples no pair reaches get zeros. */
export const Ppermute: Primitive<PpermuteParams> = definePrimitive<PpermuteParams>({
  name: 'ppermute',
  abstractEval: checked('ppermute', ALL),
  jvp: ([x], [t], p) => {
    const y = bind1(Ppermute, [x], p);
    return [[y], [isZero(t) ? zero(y.aval) : bind1(Ppermute, [t], p)]];
  },
  transpose: ([ct], _x, p) => [isZero(ct) ? null : bind1(Ppermute, [ct as Array], { ...p, perm: p.perm.map(([a, b]) => [b, a] as const) })],
  vmap: ([x], [d], p, size) => {
    if (!bindsHere(p.axisName)) return [[bind1(Ppermute, [batchFirst(x, d, size)], p)], [0]];
    const xb = batchFirst(x, d, size);
    // Row `to` of the result is row `from` of x; rows no pair reaches read the appended zero row.
    const src = globalThis.Array.from({ length: size }, () => size);
    for (const [from, to] of p.perm) src[to] = from;
    const zeroRow = broadcastInDim(lit(0, xb.aval), [1, ...xb.aval.shape.slice(1)], []);
    const padded = bind1(Concatenate, [xb, zeroRow], { dimension: 0 });
    const idx = ConcreteArray.fromData(Int32Array.from(src), [size, 1], 'int32');
    return [[bind1(Gather, [padded, idx], { axes: [0] })], [0]];
  },
  decompose: (_a, p) => unbound('ppermute', p.axisName)(),
});
