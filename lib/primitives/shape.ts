/**
 * Shape primitives: broadcasting, reshaping, slicing, padding, gathers/scatters, iota, casts; each
 * declared once with its jvp, vmap and transpose rules (JAX semantics).
 */
import { ShapeError } from '../core/errors.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Array } from '../core/array.js';
import { type JvpRule, type Tangent, type VmapRule, LinearIn } from '../core/rules.js';
import { bind1 } from '../core/trace.js';
import { instantiate, isZero, linearT, lit, zero, zerosOf, add, mul, sub } from './ad-util.js';
import { batchFirst, moveAxis } from './batching.js';
import { eq, max, min, reduceSum, select } from './ops.js';
import { type Aval, type NoParams, type Params, size } from '../core/ir.js';
import { type ShapeResult, ALL, FLOATS, checkArity, checkAxes, fail, fmt, ok, withShape } from './util.js';
import { type DType, isDType } from '../core/dtype.js';

const shp = (s: readonly number[]) => `[${s.join(',')}]`;
const validShape = (s: readonly number[]) => s.every((d) => Number.isInteger(d) && d >= 0);

type Dim = number | null;

const I32: Aval = { shape: [], dtype: 'int32' };
const isLin = (x: Array | LinearIn): x is LinearIn => x instanceof LinearIn;
const avalOf = (x: Array | LinearIn): Aval => x.aval;

/** jvp of a primitive linear in its single operand: the same primitive applied to the tangent. */
function linear1<P extends Params>(prim: () => Primitive<P>): JvpRule<P> {
  return ([x], [t], p) => {
    const out = bind1(prim(), [x], p);
    return [[out], [linearT(t, out.aval, (u) => bind1(prim(), [u], p))]];
  };
}

/** vmap of a unary op whose params are rewritten for a leading batch axis. */
function unaryBatch<P extends Params>(prim: () => Primitive<P>, fix: (p: P, size: number, x: Array) => P): VmapRule<P> {
  return ([x], [d], p, size) => {
    const xb = moveAxis(x, d!, 0);
    return [[bind1(prim(), [xb], fix(p, size, xb))], [0]];
  };
}

const reshape = (x: Array, shape: readonly number[]): Array =>
  x.aval.shape.length === shape.length && x.aval.shape.every((d, i) => d === shape[i]) ? x : bind1(Reshape, [x], { newSizes: [...shape] });

const shiftDims = (p: DimsParams): DimsParams => ({ dimensions: p.dimensions.map((d) => d + 1) });

/** Batches a gather/scatter: operand and indices batched first, an iota batch column prepended. */
function batchIndexed(x: Array, dx: Dim, idx: Array, di: Dim, axes: readonly number[], size: number): [Array, Array, number[]] {
  const xb = batchFirst(x, dx, size);
  const ib = batchFirst(idx, di, size);
  const s = ib.aval.shape;
  const col = bind1(Iota, [], { dtype: 'int32', shape: [...s.slice(0, -1), 1], dimension: 0 });
  const idx2 = bind1(Concatenate, [col, ib], { dimension: s.length - 1 });
  return [xb, idx2, [0, ...axes.map((a) => a + 1)]];
}

function scatterVmap(prim: () => Primitive<GatherParams>): VmapRule<GatherParams> {
  return ([x, idx, u], [dx, di, du], { axes }, size) => {
    if (di === null) {
      // Shared indices: the batch axis is one more kept operand axis (see the gather rule).
      const nb = idx.aval.shape.length - 1;
      const ub = moveAxis(batchFirst(u, du, size), 0, nb);
      return [[bind1(prim(), [batchFirst(x, dx, size), idx, ub], { axes: axes.map((a) => a + 1) })], [0]];
    }
    const [xb, ib, ax] = batchIndexed(x, dx, idx, di, axes, size);
    return [[bind1(prim(), [xb, ib, batchFirst(u, du, size)], { axes: ax })], [0]];
  };
}

function scatterJvp(prim: () => Primitive<GatherParams>): JvpRule<GatherParams> {
  return ([x, idx, u], [tx, , tu], p) => {
    const out = bind1(prim(), [x, idx, u], p);
    if (isZero(tx) && isZero(tu)) return [[out], [zero(out.aval)]];
    return [[out], [bind1(prim(), [instantiate(tx), idx, instantiate(tu)], p)]];
  };
}

/**
 * Batched start indices: the (clamped, as in dynamic_slice) window of every example as explicit
 * point indices of shape [B, ...sizes, rank+1] (batch coordinate first) for a point gather/scatter.
 */
function windowIndices(dims: readonly number[], starts: Array[], sdims: Dim[], sizes: readonly number[], B: number): Array {
  const full = [B, ...sizes];
  const col = (a: Array) => reshape(a, [...full, 1]);
  const cols = [col(bind1(Iota, [], { dtype: 'int32', shape: full, dimension: 0 }))];
  starts.forEach((st, d) => {
    const sb = batchFirst(st, sdims[d], B);
    const c = max(min(sb, dims[d] - sizes[d]), 0);
    const cb = bind1(BroadcastInDim, [c], { shape: full, broadcastDimensions: [0] });
    cols.push(col(add(cb, bind1(Iota, [], { dtype: 'int32', shape: full, dimension: d + 1 }))));
  });
  return bind1(Concatenate, cols, { dimension: full.length });
}

export interface BroadcastParams { readonly [k: string]: unknown; readonly shape: readonly number[]; readonly broadcastDimensions: readonly number[] }

/** Operand dim i goes to output dim broadcastDimensions[i]; it must be 1 or equal to it. */
export const BroadcastInDim: Primitive<BroadcastParams> = definePrimitive<BroadcastParams>({
  name: 'broadcast_in_dim',
  abstractEval: ([x], { shape, broadcastDimensions: bd }) => {
    if (!validShape(shape)) return fail(`broadcast_in_dim: invalid target shape ${shp(shape)}`);
    if (bd.length !== x.shape.length) return fail(`broadcast_in_dim: broadcastDimensions [${bd}] must have one entry per operand axis (shape ${shp(x.shape)})`);
    for (let i = 0; i < bd.length; i++) {
      if (i > 0 && bd[i] <= bd[i - 1]) return fail(`broadcast_in_dim: broadcastDimensions [${bd}] must be strictly increasing`);
      const d = x.shape[i];
      if (bd[i] < 0 || bd[i] >= shape.length || (d !== 1 && d !== shape[bd[i]])) {
        return fail(`broadcast_in_dim: cannot broadcast operand shape ${shp(x.shape)} to ${shp(shape)} with broadcastDimensions [${bd}]`);
      }
    }
    return ok(withShape(x, shape));
  },
  jvp: linear1(() => BroadcastInDim),
  vmap: unaryBatch(() => BroadcastInDim, (p, size) => ({ shape: [size, ...p.shape], broadcastDimensions: [0, ...p.broadcastDimensions.map((b) => b + 1)] })),
  transpose: ([ct], [x], { shape, broadcastDimensions: bd }) => {
    if (isZero(ct)) return [null];
    const xs = avalOf(x).shape;
    const axes = shape.map((_, i) => i).filter((i) => {
      const k = bd.indexOf(i);
      return k < 0 || (xs[k] === 1 && shape[i] !== 1);
    });
    return [reshape(reduceSum(ct, axes), xs)];
  },
});

export interface ReshapeParams { readonly [k: string]: unknown; readonly newSizes: readonly number[] }

export const Reshape: Primitive<ReshapeParams> = definePrimitive<ReshapeParams>({
  name: 'reshape',
  abstractEval: ([x], { newSizes }) => {
    if (!validShape(newSizes) || size(newSizes) !== size(x.shape)) {
      return fail(`reshape: cannot reshape array of shape ${shp(x.shape)} (size ${size(x.shape)}) into shape ${shp(newSizes)}`);
    }
    return ok(withShape(x, newSizes));
  },
  jvp: linear1(() => Reshape),
  vmap: unaryBatch(() => Reshape, (p, size) => ({ newSizes: [size, ...p.newSizes] })),
  transpose: ([ct], [x]) => [isZero(ct) ? null : reshape(ct, avalOf(x).shape)],
});

export interface TransposeParams { readonly [k: string]: unknown; readonly permutation: readonly number[] }

export const Transpose: Primitive<TransposeParams> = definePrimitive<TransposeParams>({
  name: 'transpose',
  abstractEval: ([x], { permutation: p }) => {
    const e = p.length !== x.shape.length ? `needs one axis per dimension` : checkAxes('transpose', p, x.shape.length)?.message;
    if (e) return fail(`transpose: permutation [${p}] is not a permutation of the ${x.shape.length} axes of shape ${shp(x.shape)}: ${e}`);
    return ok(withShape(x, p.map((i) => x.shape[i])));
  },
  jvp: linear1(() => Transpose),
  vmap: unaryBatch(() => Transpose, (p) => ({ permutation: [0, ...p.permutation.map((i) => i + 1)] })),
  transpose: ([ct], _x, { permutation: p }) => {
    if (isZero(ct)) return [null];
    const inv = p.map(() => 0);
    p.forEach((a, i) => { inv[a] = i; });
    return [bind1(Transpose, [ct], { permutation: inv })];
  },
});

export interface DimsParams { readonly [k: string]: unknown; readonly dimensions: readonly number[] }

export const Squeeze: Primitive<DimsParams> = definePrimitive<DimsParams>({
  name: 'squeeze',
  abstractEval: ([x], { dimensions }) => {
    const e = checkAxes('squeeze', dimensions, x.shape.length);
    if (e) return fail(e.message);
    const bad = dimensions.find((d) => x.shape[d] !== 1);
    if (bad !== undefined) return fail(`squeeze: cannot squeeze axis ${bad} of shape ${shp(x.shape)}: its size is not 1`);
    return ok(withShape(x, x.shape.filter((_, i) => !dimensions.includes(i))));
  },
  jvp: linear1(() => Squeeze),
  vmap: unaryBatch(() => Squeeze, shiftDims),
  transpose: ([ct], [x]) => [isZero(ct) ? null : reshape(ct, avalOf(x).shape)],
});

/** Inserts size-1 axes at `dimensions` (positions in the output). */
export const ExpandDims: Primitive<DimsParams> = definePrimitive<DimsParams>({
  name: 'expand_dims',
  abstractEval: ([x], { dimensions }) => {
    const rank = x.shape.length + dimensions.length;
    const e = checkAxes('expand_dims', dimensions, rank);
    if (e) return fail(e.message);
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(dimensions.includes(i) ? 1 : x.shape[j++]);
    return ok(withShape(x, out));
  },
  jvp: linear1(() => ExpandDims),
  vmap: unaryBatch(() => ExpandDims, shiftDims),
  transpose: ([ct], [x]) => [isZero(ct) ? null : reshape(ct, avalOf(x).shape)],
});

export const Rev: Primitive<DimsParams> = definePrimitive<DimsParams>({
  name: 'rev',
  abstractEval: ([x], { dimensions }) => {
    const e = checkAxes('rev', dimensions, x.shape.length);
    return e ? fail(e.message) : ok(x);
  },
  jvp: linear1(() => Rev),
  vmap: unaryBatch(() => Rev, shiftDims),
  transpose: ([ct], _x, p) => [isZero(ct) ? null : bind1(Rev, [ct], p)],
});

export interface SliceParams {
  readonly [k: string]: unknown;
  readonly startIndices: readonly number[];
  readonly limitIndices: readonly number[];
  readonly strides: readonly number[] | null;
}

/** Static slice with positive strides: out[i] = x[start + i*stride], start <= limit <= dim. */
export const Slice: Primitive<SliceParams> = definePrimitive<SliceParams>({
  name: 'slice',
  abstractEval: ([x], { startIndices: s, limitIndices: l, strides: st }) => {
    const n = x.shape.length;
    if (s.length !== n || l.length !== n || (st && st.length !== n)) {
      return fail(`slice: startIndices [${s}], limitIndices [${l}] and strides must have one entry per axis of shape ${shp(x.shape)}`);
    }
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const stride = st ? st[i] : 1;
      if (!(s[i] >= 0 && s[i] <= l[i] && l[i] <= x.shape[i] && stride >= 1)) {
        return fail(`slice: invalid slice on axis ${i}: start ${s[i]}, limit ${l[i]}, stride ${stride} for dimension ${x.shape[i]}`);
      }
      out.push(Math.ceil((l[i] - s[i]) / stride));
    }
    return ok(withShape(x, out));
  },
  jvp: linear1(() => Slice),
  vmap: unaryBatch(() => Slice, (p, size) => ({
    startIndices: [0, ...p.startIndices],
    limitIndices: [size, ...p.limitIndices],
    strides: p.strides ? [1, ...p.strides] : null,
  })),
  transpose: ([ct], [x], { startIndices: s, strides: st }) => {
    if (isZero(ct)) return [null];
    const c = ct;
    const xs = avalOf(x).shape;
    const config = xs.map((dim, i): [number, number, number] => {
      const stride = st ? st[i] : 1;
      const n = c.aval.shape[i];
      if (n === 0) return [s[i], dim - s[i], 0];
      return [s[i], dim - (s[i] + (n - 1) * stride + 1), stride - 1];
    });
    return [bind1(Pad, [c, lit(0, c.aval)], { config })];
  },
});

export interface DynSliceParams { readonly [k: string]: unknown; readonly sliceSizes: readonly number[] }

function checkIndexScalars(name: string, idx: readonly Aval[], n: number): string | undefined {
  if (idx.length !== n) return `${name}: expected ${n} start indices (one per axis), got ${idx.length}`;
  const bad = idx.find((a) => a.shape.length !== 0 || a.dtype !== 'int32');
  return bad ? `${name}: start indices must be int32 scalars, got ${fmt(idx)}` : undefined;
}

/** Slice at traced start indices, clamped so the slice stays in bounds (as in JAX). */
export const DynamicSlice: Primitive<DynSliceParams> = definePrimitive<DynSliceParams>({
  name: 'dynamic_slice',
  abstractEval: ([x, ...idx], { sliceSizes }) => {
    const e = checkIndexScalars('dynamic_slice', idx, x.shape.length);
    if (e) return fail(e);
    if (sliceSizes.length !== x.shape.length || sliceSizes.some((d, i) => d < 0 || d > x.shape[i])) {
      return fail(`dynamic_slice: sliceSizes [${sliceSizes}] must fit in operand shape ${shp(x.shape)}`);
    }
    return ok(withShape(x, sliceSizes));
  },
  jvp: ([x, ...idx], [t], p) => {
    const out = bind1(DynamicSlice, [x, ...idx], p);
    return [[out], [linearT(t, out.aval, (u) => bind1(DynamicSlice, [u, ...idx], p))]];
  },
  vmap: ([x, ...idx], [dx, ...di], { sliceSizes }, size) => {
    const xb = batchFirst(x, dx, size);
    if (di.some((d) => d !== null)) {
      const ix = windowIndices(x.aval.shape.filter((_, i) => i !== dx), idx, di, sliceSizes, size);
      return [[bind1(Gather, [xb, ix], { axes: xb.aval.shape.map((_, i) => i) })], [0]];
    }
    return [[bind1(DynamicSlice, [xb, lit(0, I32), ...idx], { sliceSizes: [size, ...sliceSizes] })], [0]];
  },
  transpose: ([ct], [x, ...idx]) => {
    if (isZero(ct) || !isLin(x)) return [null, ...idx.map(() => null)];
    return [bind1(DynamicUpdateSlice, [zerosOf(x.aval), ct, ...(idx as Array[])]), ...idx.map(() => null)];
  },
});

export const DynamicUpdateSlice: Primitive<NoParams> = definePrimitive({
  name: 'dynamic_update_slice',
  abstractEval: ([x, upd, ...idx]) => {
    const e = checkIndexScalars('dynamic_update_slice', idx, x.shape.length);
    if (e) return fail(e);
    if (upd.dtype !== x.dtype || upd.shape.length !== x.shape.length || upd.shape.some((d, i) => d > x.shape[i])) {
      return fail(`dynamic_update_slice: update ${fmt([upd])} must have the operand's dtype and rank and fit in it (${fmt([x])})`);
    }
    return ok(x);
  },
  jvp: ([x, u, ...idx], [tx, tu]) => {
    const out = bind1(DynamicUpdateSlice, [x, u, ...idx]);
    if (isZero(tx) && isZero(tu)) return [[out], [zero(out.aval)]];
    return [[out], [bind1(DynamicUpdateSlice, [instantiate(tx), instantiate(tu), ...idx])]];
  },
  vmap: ([x, u, ...idx], [dx, du, ...di], _p, size) => {
    const xb = batchFirst(x, dx, size);
    const ub = batchFirst(u, du, size);
    if (di.some((d) => d !== null)) {
      const ix = windowIndices(xb.aval.shape.slice(1), idx, di, ub.aval.shape.slice(1), size);
      return [[bind1(Scatter, [xb, ix, ub], { axes: xb.aval.shape.map((_, i) => i) })], [0]];
    }
    return [[bind1(DynamicUpdateSlice, [xb, ub, lit(0, I32), ...idx])], [0]];
  },
  transpose: ([ct], [x, u, ...idx]) => {
    const nulls = idx.map(() => null);
    if (isZero(ct)) return [null, null, ...nulls];
    const c = ct;
    const ix = idx as Array[];
    const us = avalOf(u);
    return [
      isLin(x) ? bind1(DynamicUpdateSlice, [c, zerosOf(us), ...ix]) : null,
      isLin(u) ? bind1(DynamicSlice, [c, ...ix], { sliceSizes: [...us.shape] }) : null,
      ...nulls,
    ];
  },
});

export interface PadParams { readonly [k: string]: unknown; readonly config: readonly (readonly [number, number, number])[] }

/** Pads each axis with [low, high, interior]; low/high may be negative (cropping). */
export const Pad: Primitive<PadParams> = definePrimitive<PadParams>({
  name: 'pad',
  abstractEval: ([x, v], { config }) => {
    if (!v || v.shape.length !== 0 || v.dtype !== x.dtype) return fail(`pad: padding value must be a scalar of dtype ${x.dtype}, got ${v ? fmt([v]) : 'none'}`);
    if (config.length !== x.shape.length) return fail(`pad: config needs one [low, high, interior] per axis of shape ${shp(x.shape)}`);
    const out = x.shape.map((d, i) => {
      const [lo, hi, interior] = config[i];
      return d === 0 ? lo + hi : lo + hi + d + Math.max(0, d - 1) * interior;
    });
    if (config.some(([, , it]) => it < 0) || out.some((d) => d < 0)) {
      return fail(`pad: config ${JSON.stringify(config)} gives a negative size for shape ${shp(x.shape)}`);
    }
    return ok(withShape(x, out));
  },
  jvp: ([x, v], [tx, tv], p) => {
    const out = bind1(Pad, [x, v], p);
    if (isZero(tx) && isZero(tv)) return [[out], [zero(out.aval)]];
    return [[out], [bind1(Pad, [instantiate(tx), instantiate(tv)], p)]];
  },
  vmap: ([x, v], [dx, dv], p, size) => {
    const xb = batchFirst(x, dx, size);
    const config = [[0, 0, 0] as const, ...p.config];
    if (dv === null) return [[bind1(Pad, [xb, v], { config })], [0]];
    // Batched padding value: pad with 0, then add (pad of zeros with 1) * v.
    const z = lit(0, v.aval);
    const padded = bind1(Pad, [xb, z], { config });
    const mask = bind1(Pad, [zerosOf(xb.aval), lit(1, v.aval)], { config });
    const vb = bind1(BroadcastInDim, [moveAxis(v, dv, 0)], { shape: [...padded.aval.shape], broadcastDimensions: [0] });
    return [[add(padded, mul(mask, vb))], [0]];
  },
  transpose: ([ct], [x, v], { config }) => {
    if (isZero(ct)) return [null, null];
    const c = ct;
    const unpad = config.map(([lo, hi]): [number, number, number] => [-lo, -hi, 0]);
    const unpadded = bind1(Pad, [c, lit(0, c.aval)], { config: unpad });
    const tx = bind1(Slice, [unpadded], {
      startIndices: config.map(() => 0),
      limitIndices: [...unpadded.aval.shape],
      strides: config.map(([, , it]) => it + 1),
    });
    const all = (a: Array) => reduceSum(a, a.aval.shape.map((_, i) => i));
    return [isLin(x) ? tx : null, isLin(v) ? sub(all(c), all(tx)) : null];
  },
});

export interface ConcatParams { readonly [k: string]: unknown; readonly dimension: number }

export const Concatenate: Primitive<ConcatParams> = definePrimitive<ConcatParams>({
  name: 'concatenate',
  abstractEval: (avals, { dimension: d }) => {
    if (!avals.length) return fail('concatenate: needs at least one operand');
    const [x] = avals;
    const e = checkAxes('concatenate', [d], x.shape.length);
    if (e) return fail(e.message);
    for (const a of avals) {
      if (a.dtype !== x.dtype || a.shape.length !== x.shape.length || a.shape.some((s, i) => i !== d && s !== x.shape[i])) {
        return fail(`concatenate: operands must have the same dtype and shape except on axis ${d}, got ${fmt(avals)}`);
      }
    }
    return ok(withShape(x, x.shape.map((s, i) => (i === d ? avals.reduce((n, a) => n + a.shape[d], 0) : s))));
  },
  jvp: (ps, ts, p) => {
    const out = bind1(Concatenate, ps, p);
    if (ts.every(isZero)) return [[out], [zero(out.aval)]];
    return [[out], [bind1(Concatenate, ts.map(instantiate), p)]];
  },
  vmap: (args, dims, { dimension }, size) => [[bind1(Concatenate, args.map((a, i) => batchFirst(a, dims[i], size)), { dimension: dimension + 1 })], [0]],
  transpose: ([ct], ins, { dimension: d }) => {
    if (isZero(ct)) return ins.map(() => null);
    const c = ct;
    let off = 0;
    return ins.map((x) => {
      const xs = avalOf(x).shape;
      const start = off;
      off += xs[d];
      if (!isLin(x)) return null;
      return bind1(Slice, [c], {
        startIndices: xs.map((_, i) => (i === d ? start : 0)),
        limitIndices: c.aval.shape.map((n, i) => (i === d ? start + xs[d] : n)),
        strides: null,
      });
    });
  },
});

export interface GatherParams { readonly [k: string]: unknown; readonly axes: readonly number[] }

/**
 * Point gather: `indices` has shape [...batch, k] and indexes operand axes `axes` (k of them);
 * the output is [...batch, ...remaining operand axes]. Out-of-range indices are clamped (JAX).
 */
export const Gather: Primitive<GatherParams> = definePrimitive<GatherParams>({
  name: 'gather',
  abstractEval: ([x, idx], { axes }) => gatherShape('gather', x, idx, axes),
  jvp: ([x, idx], [t], p) => {
    const out = bind1(Gather, [x, idx], p);
    return [[out], [linearT(t, out.aval, (u) => bind1(Gather, [u, idx], p))]];
  },
  vmap: ([x, idx], [dx, di], { axes }, size) => {
    // Indices shared by the batch (a constant index list) gather the same points from every
    // example: the batch axis stays a kept operand axis, after the index axes, so the gather
    // keeps its axes (and stays one the lowering fuses) rather than growing an iota column.
    if (di === null) return [[bind1(Gather, [moveAxis(x, dx!, 0), idx], { axes: axes.map((a) => a + 1) })], [idx.aval.shape.length - 1]];
    const [xb, ib, ax] = batchIndexed(x, dx, idx, di, axes, size);
    return [[bind1(Gather, [xb, ib], { axes: ax })], [0]];
  },
  transpose: ([ct], [x, idx], p) => {
    if (isZero(ct) || !isLin(x)) return [null, null];
    return [bind1(ScatterAdd, [zerosOf(x.aval), idx as Array, ct], p), null];
  },
});

function gatherShape(name: string, x: Aval, idx: Aval, axes: readonly number[]): ShapeResult {
  const e = checkAxes(name, axes, x.shape.length);
  if (e) return fail(e.message);
  if (idx.dtype !== 'int32' || idx.shape.length < 1 || idx.shape[idx.shape.length - 1] !== axes.length) {
    return fail(`${name}: indices must be int32 of shape [..., ${axes.length}] for axes [${axes}], got ${fmt([idx])}`);
  }
  return ok(withShape(x, [...idx.shape.slice(0, -1), ...x.shape.filter((_, i) => !axes.includes(i))]));
}

function scatterEval(name: string) {
  return ([x, idx, upd]: readonly Aval[], { axes }: GatherParams): ShapeResult => {
    const g = gatherShape(name, x, idx, axes);
    if (g instanceof ShapeError) return g;
    const want = g[0];
    if (upd.dtype !== x.dtype || upd.shape.length !== want.shape.length || upd.shape.some((d, i) => d !== want.shape[i])) {
      return fail(`${name}: updates must be ${fmt([want])} for operand ${fmt([x])} and indices ${fmt([idx])}, got ${fmt([upd])}`);
    }
    return ok(x);
  };
}

/** Transpose of gather: adds updates at the indexed points (duplicates accumulate; out-of-range dropped). */
export const ScatterAdd: Primitive<GatherParams> = definePrimitive<GatherParams>({
  name: 'scatter_add',
  abstractEval: scatterEval('scatter_add'),
  jvp: scatterJvp(() => ScatterAdd),
  vmap: scatterVmap(() => ScatterAdd),
  transpose: ([ct], [x, idx, u], p) => {
    if (isZero(ct)) return [null, null, null];
    return [isLin(x) ? ct : null, null, isLin(u) ? bind1(Gather, [ct, idx as Array], p) : null];
  },
});
/**
 * scatter (last write wins) is not linear in its operands as a whole, but with the winning
 * updates known it is: out = select(untouched, x, 0) + scatter_add(0, idx, select(wins, u, 0)).
 * The winners are found by scattering unique update ids (as in JAX's non-unique scatter jvp).
 */
function scatterJvpRule([x, idx, u]: Array[], [tx, , tu]: Tangent[], p: GatherParams): [Array[], Tangent[]] {
  const out = bind1(Scatter, [x, idx, u], p);
  if (isZero(tx) && isZero(tu)) return [[out], [zero(out.aval)]];
  const bshape = idx.aval.shape.slice(0, -1);
  const n = bshape.reduce((a, b) => a * b, 1);
  const flat = add(bind1(Iota, [], { dtype: 'int32', shape: [n], dimension: 0 }), 1);
  const ids = bind1(BroadcastInDim, [reshape(flat, bshape)], { shape: [...u.aval.shape], broadcastDimensions: bshape.map((_, i) => i) });
  const zi = zerosOf({ shape: x.aval.shape, dtype: 'int32' });
  const scattered = bind1(Scatter, [zi, idx, ids], p);
  const untouched = eq(scattered, zi);
  const wins = eq(ids, bind1(Gather, [scattered, idx], p));
  const tOut = add(
    select(untouched, instantiate(tx), zerosOf(x.aval)),
    bind1(ScatterAdd, [zerosOf(x.aval), idx, select(wins, instantiate(tu), zerosOf(u.aval))], p),
  );
  return [[out], [tOut]];
}

/** Sets updates at the indexed points (last write wins; out-of-range dropped). */
export const Scatter: Primitive<GatherParams> = definePrimitive<GatherParams>({
  name: 'scatter',
  abstractEval: scatterEval('scatter'),
  jvp: scatterJvpRule,
  vmap: scatterVmap(() => Scatter),
});

export interface IotaParams { readonly [k: string]: unknown; readonly dtype: DType; readonly shape: readonly number[]; readonly dimension: number }

export const Iota: Primitive<IotaParams> = definePrimitive<IotaParams>({
  name: 'iota',
  abstractEval: (avals, { dtype, shape, dimension }) => {
    if (avals.length) return fail('iota: takes no operands');
    if (!isDType(dtype) || !validShape(shape) || checkAxes('iota', [dimension], shape.length)) {
      return fail(`iota: invalid dtype ${dtype}, shape ${shp(shape)} or dimension ${dimension}`);
    }
    return ok({ shape: Object.freeze([...shape]), dtype });
  },
  jvp: (_ps, _ts, p) => {
    const out = bind1(Iota, [], p);
    return [[out], [zero(out.aval)]];
  },
});

export interface ConvertParams { readonly [k: string]: unknown; readonly newDtype: DType }

/** Casts: float->int truncates toward zero (NaN -> 0), x->bool is x != 0. */
export const ConvertElementType: Primitive<ConvertParams> = definePrimitive<ConvertParams>({
  name: 'convert_element_type',
  abstractEval: (avals, { newDtype }) => {
    const e = checkArity('convert_element_type', avals, 1);
    if (e) return fail(e.message);
    if (!isDType(newDtype)) return fail(`convert_element_type: unknown dtype ${String(newDtype)}; use one of ${ALL.join(', ')}`);
    return ok(withShape(avals[0], avals[0].shape, newDtype));
  },
  jvp: ([x], [t], p) => {
    const out = bind1(ConvertElementType, [x], p);
    if (!FLOATS.includes(p.newDtype) || !FLOATS.includes(x.aval.dtype)) return [[out], [zero(out.aval)]];
    return [[out], [linearT(t, out.aval, (u) => bind1(ConvertElementType, [u], p))]];
  },
  vmap: ([x], [d], p) => [[bind1(ConvertElementType, [x], p)], [d]],
  transpose: ([ct], [x]) => [isZero(ct) ? null : bind1(ConvertElementType, [ct], { newDtype: avalOf(x).dtype })],
});

