/** Shape primitives: broadcasting, reshaping, slicing, padding, gathers/scatters, iota, casts. */
import { definePrimitive } from '../core/primitive.js';
import { type Aval, size } from '../core/ir.js';
import { type ShapeResult, ALL, checkArity, checkAxes, fail, fmt, ok, withShape } from './util.js';
import { type DType, isDType } from '../core/dtype.js';

const shp = (s: readonly number[]) => `[${s.join(',')}]`;
const validShape = (s: readonly number[]) => s.every((d) => Number.isInteger(d) && d >= 0);

export interface BroadcastParams { readonly [k: string]: unknown; readonly shape: readonly number[]; readonly broadcastDimensions: readonly number[] }

/** Operand dim i goes to output dim broadcastDimensions[i]; it must be 1 or equal to it. */
export const BroadcastInDim = definePrimitive<BroadcastParams>({
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
});

export interface ReshapeParams { readonly [k: string]: unknown; readonly newSizes: readonly number[] }

export const Reshape = definePrimitive<ReshapeParams>({
  name: 'reshape',
  abstractEval: ([x], { newSizes }) => {
    if (!validShape(newSizes) || size(newSizes) !== size(x.shape)) {
      return fail(`reshape: cannot reshape array of shape ${shp(x.shape)} (size ${size(x.shape)}) into shape ${shp(newSizes)}`);
    }
    return ok(withShape(x, newSizes));
  },
});

export interface TransposeParams { readonly [k: string]: unknown; readonly permutation: readonly number[] }

export const Transpose = definePrimitive<TransposeParams>({
  name: 'transpose',
  abstractEval: ([x], { permutation: p }) => {
    const e = p.length !== x.shape.length ? `needs one axis per dimension` : checkAxes('transpose', p, x.shape.length)?.message;
    if (e) return fail(`transpose: permutation [${p}] is not a permutation of the ${x.shape.length} axes of shape ${shp(x.shape)}: ${e}`);
    return ok(withShape(x, p.map((i) => x.shape[i])));
  },
});

export interface DimsParams { readonly [k: string]: unknown; readonly dimensions: readonly number[] }

export const Squeeze = definePrimitive<DimsParams>({
  name: 'squeeze',
  abstractEval: ([x], { dimensions }) => {
    const e = checkAxes('squeeze', dimensions, x.shape.length);
    if (e) return fail(e.message);
    const bad = dimensions.find((d) => x.shape[d] !== 1);
    if (bad !== undefined) return fail(`squeeze: cannot squeeze axis ${bad} of shape ${shp(x.shape)}: its size is not 1`);
    return ok(withShape(x, x.shape.filter((_, i) => !dimensions.includes(i))));
  },
});

/** Inserts size-1 axes at `dimensions` (positions in the output). */
export const ExpandDims = definePrimitive<DimsParams>({
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
});

export const Rev = definePrimitive<DimsParams>({
  name: 'rev',
  abstractEval: ([x], { dimensions }) => {
    const e = checkAxes('rev', dimensions, x.shape.length);
    return e ? fail(e.message) : ok(x);
  },
});

export interface SliceParams {
  readonly [k: string]: unknown;
  readonly startIndices: readonly number[];
  readonly limitIndices: readonly number[];
  readonly strides: readonly number[] | null;
}

/** Static slice with positive strides: out[i] = x[start + i*stride], start <= limit <= dim. */
export const Slice = definePrimitive<SliceParams>({
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
});

export interface DynSliceParams { readonly [k: string]: unknown; readonly sliceSizes: readonly number[] }

function checkIndexScalars(name: string, idx: readonly Aval[], n: number): string | undefined {
  if (idx.length !== n) return `${name}: expected ${n} start indices (one per axis), got ${idx.length}`;
  const bad = idx.find((a) => a.shape.length !== 0 || a.dtype !== 'int32');
  return bad ? `${name}: start indices must be int32 scalars, got ${fmt(idx)}` : undefined;
}

/** Slice at traced start indices, clamped so the slice stays in bounds (as in JAX). */
export const DynamicSlice = definePrimitive<DynSliceParams>({
  name: 'dynamic_slice',
  abstractEval: ([x, ...idx], { sliceSizes }) => {
    const e = checkIndexScalars('dynamic_slice', idx, x.shape.length);
    if (e) return fail(e);
    if (sliceSizes.length !== x.shape.length || sliceSizes.some((d, i) => d < 0 || d > x.shape[i])) {
      return fail(`dynamic_slice: sliceSizes [${sliceSizes}] must fit in operand shape ${shp(x.shape)}`);
    }
    return ok(withShape(x, sliceSizes));
  },
});

export const DynamicUpdateSlice = definePrimitive({
  name: 'dynamic_update_slice',
  abstractEval: ([x, upd, ...idx]) => {
    const e = checkIndexScalars('dynamic_update_slice', idx, x.shape.length);
    if (e) return fail(e);
    if (upd.dtype !== x.dtype || upd.shape.length !== x.shape.length || upd.shape.some((d, i) => d > x.shape[i])) {
      return fail(`dynamic_update_slice: update ${fmt([upd])} must have the operand's dtype and rank and fit in it (${fmt([x])})`);
    }
    return ok(x);
  },
});

export interface PadParams { readonly [k: string]: unknown; readonly config: readonly (readonly [number, number, number])[] }

/** Pads each axis with [low, high, interior]; low/high may be negative (cropping). */
export const Pad = definePrimitive<PadParams>({
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
});

export interface ConcatParams { readonly [k: string]: unknown; readonly dimension: number }

export const Concatenate = definePrimitive<ConcatParams>({
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
});

export interface GatherParams { readonly [k: string]: unknown; readonly axes: readonly number[] }

/**
 * Point gather: `indices` has shape [...batch, k] and indexes operand axes `axes` (k of them);
 * the output is [...batch, ...remaining operand axes]. Out-of-range indices are clamped (JAX).
 */
export const Gather = definePrimitive<GatherParams>({
  name: 'gather',
  abstractEval: ([x, idx], { axes }) => gatherShape('gather', x, idx, axes),
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
    if (g._tag === 'Left') return g;
    const want = g.right[0];
    if (upd.dtype !== x.dtype || upd.shape.length !== want.shape.length || upd.shape.some((d, i) => d !== want.shape[i])) {
      return fail(`${name}: updates must be ${fmt([want])} for operand ${fmt([x])} and indices ${fmt([idx])}, got ${fmt([upd])}`);
    }
    return ok(x);
  };
}

/** Transpose of gather: adds updates at the indexed points (duplicates accumulate; out-of-range dropped). */
export const ScatterAdd = definePrimitive<GatherParams>({ name: 'scatter_add', abstractEval: scatterEval('scatter_add') });
/** Sets updates at the indexed points (last write wins; out-of-range dropped). */
export const Scatter = definePrimitive<GatherParams>({ name: 'scatter', abstractEval: scatterEval('scatter') });

export interface IotaParams { readonly [k: string]: unknown; readonly dtype: DType; readonly shape: readonly number[]; readonly dimension: number }

export const Iota = definePrimitive<IotaParams>({
  name: 'iota',
  abstractEval: (avals, { dtype, shape, dimension }) => {
    if (avals.length) return fail('iota: takes no operands');
    if (!isDType(dtype) || !validShape(shape) || checkAxes('iota', [dimension], shape.length)) {
      return fail(`iota: invalid dtype ${dtype}, shape ${shp(shape)} or dimension ${dimension}`);
    }
    return ok({ shape: Object.freeze([...shape]), dtype });
  },
});

export interface ConvertParams { readonly [k: string]: unknown; readonly newDtype: DType }

/** Casts: float->int truncates toward zero (NaN -> 0), x->bool is x != 0. */
export const ConvertElementType = definePrimitive<ConvertParams>({
  name: 'convert_element_type',
  abstractEval: (avals, { newDtype }) => {
    const e = checkArity('convert_element_type', avals, 1);
    if (e) return fail(e.message);
    if (!isDType(newDtype)) return fail(`convert_element_type: unknown dtype ${String(newDtype)}; use one of ${ALL.join(', ')}`);
    return ok(withShape(avals[0], avals[0].shape, newDtype));
  },
});
