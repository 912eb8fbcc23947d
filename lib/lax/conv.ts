/**
 * `lax.convGeneralDilated` and friends with JAX's semantics, built from existing primitives so that
 * jvp, grad, vmap and jit need no new rules: the lhs is dilated and padded by one `pad` (interior
 * padding dilates, negative padding crops), each kernel tap is one strided `slice` (im2col), the
 * taps are stacked by `concatenate`, and a single `dot_general` contracts channels and taps (with
 * feature or batch groups as a dot batch axis). Like JAX it is a cross-correlation: no kernel flip.
 */
import { Array } from '../core/array.js';
import type { DType } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { concatenate, convertElementType, dotGeneral, expandDims, full, pad, reshape, rev, slice, transpose } from './ops.js';

/** A padding mode by name (case-insensitive, as in JAX). */
export type PaddingType = 'SAME' | 'VALID' | 'SAME_LOWER' | 'same' | 'valid' | 'same_lower';
/** Padding: a mode by name, or explicit [low, high] pairs, one per spatial axis (negative crops). */
export type Padding = PaddingType | readonly (readonly [number, number])[];

/**
 * Axis positions of the canonical layouts: `lhsSpec` = [batch, feature, ...spatial] axes of the
 * lhs, `rhsSpec` = [out feature, in feature, ...spatial] axes of the kernel, `outSpec` = [batch,
 * feature, ...spatial] axes of the output (JAX's ConvDimensionNumbers).
 */
export interface ConvDimensionNumbers {
  /** The lhs axes holding [batch, feature, ...spatial]. */
  readonly lhsSpec: readonly number[];
  /** The kernel axes holding [out feature, in feature, ...spatial]. */
  readonly rhsSpec: readonly number[];
  /** The output axes holding [batch, feature, ...spatial]. */
  readonly outSpec: readonly number[];
}
/** Dimension numbers as JAX takes them: strings like ['NCHW', 'OIHW', 'NCHW'], a spec object, or null for the default. */
export type ConvGeneralDilatedDimensionNumbers = readonly [string, string, string] | ConvDimensionNumbers | null;

/** Options of {@link convGeneralDilated}. */
export interface ConvGeneralDilatedOptions {
  /** Dilation of the lhs per spatial axis (a transposed convolution); default 1. */
  lhsDilation?: readonly number[] | null;
  /** Dilation of the kernel per spatial axis (atrous convolution); default 1. */
  rhsDilation?: readonly number[] | null;
  /** Layouts of lhs, kernel and output; default batch/feature/spatial for all three. */
  dimensionNumbers?: ConvGeneralDilatedDimensionNumbers;
  /** Split the lhs features into this many groups, each convolved with its own kernel slice (depthwise: = in features). */
  featureGroupCount?: number;
  /** Split the lhs batch into this many groups (as in the kernel-gradient of a grouped convolution). */
  batchGroupCount?: number;
  /** Compute and return in this dtype (both operands are converted to it first). */
  preferredElementType?: DType | null;
}

/** Options of {@link convTranspose}. */
export interface ConvTransposeOptions {
  /** Dilation of the kernel per spatial axis; default 1. */
  rhsDilation?: readonly number[] | null;
  /** Layouts; default ('NC', 'IO', 'NC'), ('NHC', 'HIO', 'NHC'), ('NHWC', 'HWIO', 'NHWC') or ('NHWDC', 'HWDIO', 'NHWDC') by rank. */
  dimensionNumbers?: ConvGeneralDilatedDimensionNumbers;
  /** Flip the kernel's spatial axes and swap its in/out feature axes (the gradient of a forward conv); default false. */
  transposeKernel?: boolean;
  /** Compute and return in this dtype. */
  preferredElementType?: DType | null;
}

const shp = (s: readonly number[]): string => `[${s.join(',')}]`;
const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** A list of n integers >= min; a missing list means all `fallback` (or is an error when fallback is null). */
function intSeq(who: string, what: string, xs: unknown, n: number, min: number, fallback: number | null): number[] {
  if ((xs === undefined || xs === null) && fallback !== null) return new globalThis.Array<number>(n).fill(fallback);
  if (!globalThis.Array.isArray(xs) || xs.length !== n || !xs.every((v) => isInt(v) && v >= min)) {
    throw new TypeError(`${who}: ${what} must be a JS array of ${n} integers >= ${min} (one per spatial axis), got ${JSON.stringify(xs)}`);
  }
  return [...(xs as number[])];
}

function operandArray(who: string, what: string, x: unknown): Array {
  if (x instanceof Array) return x;
  throw new TypeError(`${who}: ${what} must be an Array, got ${globalThis.Array.isArray(x) ? 'a JS array; wrap it with np.array(...)' : typeof x}`);
}

/**
 * [low, high] padding per spatial axis for a padding mode, as JAX's `padtype_to_pads`: 'VALID' pads
 * nothing; 'SAME' pads so that the output has ceil(in / stride) entries, the odd one at the end;
 * 'SAME_LOWER' puts the odd one at the start.
 */
export function padtypeToPads(inShape: readonly number[], windowShape: readonly number[], windowStrides: readonly number[], padding: PaddingType): [number, number][] {
  const who = 'lax.padtypeToPads';
  const n = inShape.length;
  if (windowShape.length !== n || windowStrides.length !== n) {
    throw new ShapeError(`${who}: inShape ${shp(inShape)}, windowShape ${shp(windowShape)} and windowStrides ${shp(windowStrides)} must have the same length`);
  }
  const mode = typeof padding === 'string' ? padding.toUpperCase() : '';
  if (mode === 'VALID') return inShape.map(() => [0, 0]);
  if (mode !== 'SAME' && mode !== 'SAME_LOWER') {
    throw new TypeError(`${who}: unknown padding ${JSON.stringify(padding)}; use 'SAME', 'VALID', 'SAME_LOWER' or explicit [low, high] pairs`);
  }
  return inShape.map((d, i) => {
    const out = Math.ceil(d / windowStrides[i]);
    const size = Math.max(0, (out - 1) * windowStrides[i] + windowShape[i] - d);
    const half = Math.floor(size / 2);
    return mode === 'SAME' ? [half, size - half] : [size - half, half];
  });
}

/** Explicit [low, high] pairs from a padding argument (names resolved against `inShape` and the dilated window). */
export function resolvePadding(who: string, padding: unknown, inShape: readonly number[], windowShape: readonly number[], strides: readonly number[]): [number, number][] {
  if (typeof padding === 'string') return padtypeToPads(inShape, windowShape, strides, padding as PaddingType);
  const n = inShape.length;
  if (!globalThis.Array.isArray(padding) || padding.length !== n
    || !padding.every((p) => globalThis.Array.isArray(p) && p.length === 2 && isInt(p[0]) && isInt(p[1]))) {
    throw new TypeError(`${who}: padding must be 'SAME', 'VALID', 'SAME_LOWER' or ${n} integer [low, high] pairs (one per spatial axis), got ${JSON.stringify(padding)}`);
  }
  return padding.map((p) => [p[0], p[1]] as [number, number]);
}

const dilateDim = (d: number, r: number): number => (d === 0 ? 0 : 1 + r * (d - 1));

function specPerms(who: string, dn: readonly [string, string, string]): ConvDimensionNumbers {
  const pairs: [string, string][] = [['N', 'C'], ['O', 'I'], ['N', 'C']];
  dn.forEach((spec, i) => {
    const [a, b] = pairs[i];
    const count = (c: string) => spec.split('').filter((s) => s === c).length;
    if (typeof spec !== 'string' || count(a) !== 1 || count(b) !== 1 || new Set(spec).size !== spec.length) {
      throw new TypeError(`${who}: dimension spec ${JSON.stringify(spec)} must name ${a} and ${b} once each and repeat no letter, e.g. ${['NCHW', 'OIHW', 'NCHW'][i]}`);
    }
  });
  const [lhs, rhs, out] = dn;
  const spatial = (s: string, p: [string, string]) => [...s].filter((c) => !p.includes(c)).sort().join('');
  if (spatial(lhs, pairs[0]) !== spatial(rhs, pairs[1]) || spatial(rhs, pairs[1]) !== spatial(out, pairs[2])) {
    throw new TypeError(`${who}: the spatial letters of ${JSON.stringify(dn)} differ; lhs, rhs and out specs must name the same spatial axes`);
  }
  const perm = (spec: string, p: [string, string]): number[] => {
    let sp = [...spec].map((c, i) => [c, i] as const).filter(([c]) => !p.includes(c));
    if (spec !== rhs) sp = sp.sort((u, v) => rhs.indexOf(u[0]) - rhs.indexOf(v[0]));
    return [spec.indexOf(p[0]), spec.indexOf(p[1]), ...sp.map(([, i]) => i)];
  };
  return { lhsSpec: perm(lhs, pairs[0]), rhsSpec: perm(rhs, pairs[1]), outSpec: perm(out, pairs[2]) };
}

/**
 * Normalises dimension numbers to axis specs, as JAX's `conv_dimension_numbers`: null gives the
 * default [0, 1, 2, ...] layouts; strings like ['NHWC', 'HWIO', 'NHWC'] give permutations whose
 * spatial axes follow the kernel spec's letter order.
 */
export function convDimensionNumbers(lhsShape: readonly number[], rhsShape: readonly number[], dimensionNumbers: ConvGeneralDilatedDimensionNumbers = null): ConvDimensionNumbers {
  const who = 'lax.convDimensionNumbers';
  return dimNumbers(who, lhsShape, rhsShape, dimensionNumbers);
}

function dimNumbers(who: string, lhsShape: readonly number[], rhsShape: readonly number[], dn: ConvGeneralDilatedDimensionNumbers | undefined): ConvDimensionNumbers {
  const n = lhsShape.length;
  if (rhsShape.length !== n) throw new ShapeError(`${who}: lhs ${shp(lhsShape)} and rhs ${shp(rhsShape)} must have the same rank`);
  if (dn === null || dn === undefined) {
    const iota = lhsShape.map((_, i) => i);
    return { lhsSpec: iota, rhsSpec: iota, outSpec: iota };
  }
  let specs: ConvDimensionNumbers;
  if (globalThis.Array.isArray(dn)) {
    if (dn.length !== 3 || !dn.every((s) => typeof s === 'string')) {
      throw new TypeError(`${who}: dimensionNumbers must be three layout strings like ['NCHW', 'OIHW', 'NCHW'], got ${JSON.stringify(dn)}`);
    }
    const strs = dn as readonly [string, string, string];
    if (strs.some((s) => s.length !== n)) {
      throw new ShapeError(`${who}: dimensionNumbers ${JSON.stringify(strs)} must have one letter per axis of the rank-${n} operands ${shp(lhsShape)} and ${shp(rhsShape)}`);
    }
    specs = specPerms(who, strs);
  } else {
    const o = dn as ConvDimensionNumbers;
    specs = { lhsSpec: [...o.lhsSpec], rhsSpec: [...o.rhsSpec], outSpec: [...o.outSpec] };
  }
  const isPerm = (p: readonly number[]) => p.length === n && [...p].sort((u, v) => u - v).every((d, i) => d === i);
  if (!isPerm(specs.lhsSpec) || !isPerm(specs.rhsSpec) || !isPerm(specs.outSpec)) {
    throw new ShapeError(`${who}: dimension specs ${JSON.stringify(specs)} must each be a permutation of the ${n} axes`);
  }
  return specs;
}

/** Output shape [N, O, ...spatial] of a convolution of canonical-layout shapes, as JAX's `conv_shape_tuple`. */
export function convShapeTuple(lhsShape: readonly number[], rhsShape: readonly number[], strides: readonly number[], padding: Padding, batchGroupCount = 1): number[] {
  const who = 'lax.convShapeTuple';
  const k = lhsShape.length - 2;
  const st = intSeq(who, 'strides', strides, k, 1, 1);
  const pads = resolvePadding(who, padding, lhsShape.slice(2), rhsShape.slice(2), st);
  const space = lhsShape.slice(2).map((d, i) => {
    const padded = d + pads[i][0] + pads[i][1];
    if (padded < 0) throw new ShapeError(`${who}: padding ${JSON.stringify(pads)} crops spatial axis ${i} of ${shp(lhsShape)} below size 0`);
    return Math.max(0, Math.floor((padded - rhsShape[i + 2]) / st[i]) + 1);
  });
  return [batchGroupCount > 1 ? lhsShape[0] / batchGroupCount : lhsShape[0], rhsShape[0], ...space];
}

/** Output shape of a convolution in the layouts of `dimensionNumbers`, as JAX's `conv_general_shape_tuple`. */
export function convGeneralShapeTuple(lhsShape: readonly number[], rhsShape: readonly number[], windowStrides: readonly number[], padding: Padding, dimensionNumbers: ConvGeneralDilatedDimensionNumbers): number[] {
  const dn = dimNumbers('lax.convGeneralShapeTuple', lhsShape, rhsShape, dimensionNumbers);
  const out = convShapeTuple(dn.lhsSpec.map((a) => lhsShape[a]), dn.rhsSpec.map((a) => rhsShape[a]), windowStrides, padding);
  const res = new globalThis.Array<number>(out.length);
  dn.outSpec.forEach((axis, j) => { res[axis] = out[j]; });
  return res;
}

/**
 * General N-d convolution (cross-correlation, no kernel flip) with JAX's `conv_general_dilated`
 * semantics. With default dimension numbers the lhs is [N, C, ...spatial], the kernel (rhs)
 * [O, C / featureGroupCount, ...window] and the output [N / batchGroupCount, O, ...spatial'].
 * `padding` is 'SAME' | 'VALID' | 'SAME_LOWER' (resolved against the undilated lhs and the dilated
 * kernel, as JAX) or [low, high] pairs applied after lhs dilation (negative pairs crop).
 *
 * @example
 * lax.convGeneralDilated(x, w, [1, 1], 'SAME', { dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] })
 */
export function convGeneralDilated(lhs: Array, rhs: Array, windowStrides: readonly number[], padding: Padding, opts: ConvGeneralDilatedOptions = {}): Array {
  return convImpl('lax.convGeneralDilated', lhs, rhs, windowStrides, padding, opts);
}

/** Everything a convolution needs besides the kernel: the lhs in [N, C, ...S] layout, resolved padding and output sizes. */
interface ConvSetup {
  x: Array; dn: ConvDimensionNumbers; k: number; strides: number[]; lhsDil: number[]; rhsDil: number[];
  pads: [number, number][]; K: number[]; outSp: number[];
}

/**
 * Validates and canonicalises the lhs side; `rhsShape` is the kernel's shape in its own layout, or
 * with `filterShape` (spatial sizes in canonical order) only a rank for the dimension numbers.
 */
function setup(who: string, lhs0: Array, rhsShape: readonly number[], windowStrides: readonly number[] | null | undefined, padding: Padding, opts: ConvGeneralDilatedOptions, filterShape?: readonly number[]): ConvSetup {
  let lhs = operandArray(who, 'lhs', lhs0);
  if (lhs.ndim < 2 || rhsShape.length !== lhs.ndim) {
    throw new ShapeError(`${who}: lhs ${avalStr(lhs.aval)} and rhs ${shp(rhsShape)} must have the same rank >= 2 (batch and feature axes, then spatial axes)`);
  }
  const pref = opts.preferredElementType;
  if (pref !== undefined && pref !== null && pref !== lhs.dtype) lhs = convertElementType(lhs, pref);
  if (lhs.dtype === 'bool') throw new TypeError(`${who}: lhs ${avalStr(lhs.aval)} is bool; convolve numbers: convert with lax.convertElementType(x, 'float32')`);
  const dn = dimNumbers(who, lhs.shape, rhsShape, opts.dimensionNumbers);
  const k = lhs.ndim - 2;
  const strides = intSeq(who, 'windowStrides', windowStrides, k, 1, 1);
  const lhsDil = intSeq(who, 'lhsDilation', opts.lhsDilation, k, 1, 1);
  const rhsDil = intSeq(who, 'rhsDilation', opts.rhsDilation, k, 1, 1);
  const x = transpose(lhs, dn.lhsSpec);
  const S = x.shape.slice(2);
  const K = filterShape ? [...filterShape] : dn.rhsSpec.slice(2).map((a) => rhsShape[a]);
  const effK = K.map((d, i) => dilateDim(d, rhsDil[i]));
  const pads = resolvePadding(who, padding, S, effK, strides);
  const P = S.map((d, i) => pads[i][0] + pads[i][1] + dilateDim(d, lhsDil[i]));
  const bad = P.findIndex((d) => d < 0);
  if (bad >= 0) {
    throw new ShapeError(`${who}: padding ${JSON.stringify(pads)} crops spatial axis ${bad} (size ${dilateDim(S[bad], lhsDil[bad])} after lhs dilation) below size 0; crop less`);
  }
  const outSp = P.map((d, i) => Math.max(0, Math.floor((d - effK[i]) / strides[i]) + 1));
  return { x, dn, k, strides, lhsDil, rhsDil, pads, K, outSp };
}

/**
 * im2col: [N, C, prod(K), ...out] where tap t (row-major over the window) of output position p is
 * the dilated, padded lhs at p * stride + tap * rhsDilation; null when there is nothing to read.
 */
function patchesOf(c: ConvSetup): Array | null {
  const { x, k, K, outSp, strides, rhsDil, pads, lhsDil } = c;
  const [N, C] = x.shape;
  const Kt = prod(K);
  if (Kt === 0 || prod(outSp) === 0 || N === 0 || C === 0) return null;
  // Dilate (interior padding) and pad (negative pads crop) the spatial axes.
  const xp = pad(x, full([], 0, x.dtype), [[0, 0, 0], [0, 0, 0], ...pads.map(([lo, hi], i) => [lo, hi, lhsDil[i] - 1] as [number, number, number])]);
  const taps: Array[] = [];
  for (let t = 0; t < Kt; t++) {
    let r = t;
    const idx = new globalThis.Array<number>(k);
    for (let j = k - 1; j >= 0; j--) { idx[j] = r % K[j]; r = Math.floor(r / K[j]); }
    const start = idx.map((q, j) => q * rhsDil[j]);
    const limit = start.map((s0, j) => s0 + (outSp[j] - 1) * strides[j] + 1);
    taps.push(expandDims(slice(xp, [0, 0, ...start], [N, C, ...limit], [1, 1, ...strides]), [2]));
  }
  return taps.length === 1 ? taps[0] : concatenate(taps, 2);
}

function convImpl(who: string, lhs0: Array, rhs0: Array, windowStrides: readonly number[] | null | undefined, padding: Padding, opts: ConvGeneralDilatedOptions): Array {
  const lhs = operandArray(who, 'lhs', lhs0);
  let rhs = operandArray(who, 'rhs', rhs0);
  const desc = `lhs ${avalStr(lhs.aval)} and rhs ${avalStr(rhs.aval)}`;
  if (lhs.ndim < 2 || rhs.ndim !== lhs.ndim) {
    throw new ShapeError(`${who}: ${desc} must have the same rank >= 2 (batch and feature axes, then spatial axes)`);
  }
  if (lhs.dtype !== rhs.dtype) {
    throw new TypeError(`${who}: ${desc} must have the same dtype; lax does not promote: convert one with lax.convertElementType(x, '${lhs.dtype}')`);
  }
  const pref = opts.preferredElementType;
  if (pref !== undefined && pref !== null && pref !== rhs.dtype) rhs = convertElementType(rhs, pref);
  const G = opts.featureGroupCount ?? 1;
  const Bg = opts.batchGroupCount ?? 1;
  if (!isInt(G) || G < 1 || !isInt(Bg) || Bg < 1) {
    throw new TypeError(`${who}: featureGroupCount and batchGroupCount must be integers >= 1, got ${String(G)} and ${String(Bg)}`);
  }
  if (G > 1 && Bg > 1) throw new TypeError(`${who}: at most one of featureGroupCount (${G}) and batchGroupCount (${Bg}) may exceed 1`);
  const c = setup(who, lhs, rhs.shape, windowStrides, padding, opts);
  const { x, dn, k, outSp } = c;
  const w = transpose(rhs, dn.rhsSpec);
  const [N, C] = x.shape;
  const [O, I, ...K] = w.shape;
  const canon = `lhs [N=${N}, C=${C}, spatial ${shp(x.shape.slice(2))}] and rhs [O=${O}, I=${I}, window ${shp(K)}]`;
  if (C !== I * G) {
    throw new ShapeError(`${who}: ${canon}: the lhs features C must equal rhs in-features I times featureGroupCount (${I} * ${G} = ${I * G}); check dimensionNumbers, or set featureGroupCount = C / I`);
  }
  if (O % G !== 0) throw new ShapeError(`${who}: ${canon}: the rhs out-features O must be divisible by featureGroupCount ${G}`);
  if (N % Bg !== 0 || O % Bg !== 0) {
    throw new ShapeError(`${who}: ${canon}: the lhs batch N and rhs out-features O must both be divisible by batchGroupCount ${Bg}`);
  }
  const canonOut = [N / Bg, O, ...outSp];
  const invOut = inverse(dn.outSpec);
  const patches = O === 0 ? null : patchesOf(c); // [N, C, Kt, ...out]
  if (!patches) return transpose(full(canonOut, 0, x.dtype), invOut);
  const Kt = prod(K);
  const sp = outSp.map((_, i) => i);
  let res: Array;
  if (G === 1 && Bg === 1) {
    const y = dotGeneral(patches, reshape(w, [O, I, Kt]), [[[1, 2], [1, 2]], [[], []]]); // [N, ...out, O]
    res = transpose(y, [0, k + 1, ...sp.map((i) => i + 1)]);
  } else if (G > 1) {
    // Feature group g reads lhs features [g C/G, (g+1) C/G) and writes out-features [g O/G, (g+1) O/G).
    const pg = reshape(patches, [N, G, C / G, Kt, ...outSp]);
    const wg = reshape(w, [G, O / G, I, Kt]);
    const y = dotGeneral(pg, wg, [[[2, 3], [2, 3]], [[1], [0]]]); // [G, N, ...out, O/G]
    res = reshape(transpose(y, [1, 0, k + 2, ...sp.map((i) => i + 2)]), canonOut);
  } else {
    // Batch group g reads lhs batch [g N/B, (g+1) N/B) and writes out-features [g O/B, (g+1) O/B).
    const pb = reshape(patches, [Bg, N / Bg, C, Kt, ...outSp]);
    const wb = reshape(w, [Bg, O / Bg, I, Kt]);
    const y = dotGeneral(pb, wb, [[[2, 3], [2, 3]], [[0], [0]]]); // [B, N/B, ...out, O/B]
    res = reshape(transpose(y, [1, 0, k + 2, ...sp.map((i) => i + 2)]), canonOut);
  }
  return transpose(res, invOut);
}

/** Options of {@link convGeneralDilatedPatches} and {@link convGeneralDilatedLocal}. */
export interface ConvPatchesOptions {
  /** Dilation of the lhs per spatial axis; default 1. */
  lhsDilation?: readonly number[] | null;
  /** Dilation of the filter window per spatial axis; default 1. */
  rhsDilation?: readonly number[] | null;
  /** Layouts (the rhs spec only orders the spatial axes); default batch/feature/spatial. */
  dimensionNumbers?: ConvGeneralDilatedDimensionNumbers;
  /** Compute and return in this dtype. */
  preferredElementType?: DType | null;
}

/**
 * The patches a convolution with a `filterShape` window would read, as JAX's
 * `conv_general_dilated_patches`: output [N, C * prod(filterShape), ...out] (in the out spec's
 * layout), feature c * prod(filterShape) + t holding lhs feature c at window tap t (row-major).
 * Here it is the im2col step itself rather than a convolution with an identity kernel.
 */
export function convGeneralDilatedPatches(lhs: Array, filterShape: readonly number[], windowStrides: readonly number[], padding: Padding, opts: ConvPatchesOptions = {}): Array {
  const who = 'lax.convGeneralDilatedPatches';
  const a = operandArray(who, 'lhs', lhs);
  const fs = intSeq(who, 'filterShape', filterShape, Math.max(0, a.ndim - 2), 0, null);
  const c = setup(who, a, [1, 1, ...fs], windowStrides, padding, opts, fs);
  const [N, C] = c.x.shape;
  const canonOut = [N, C * prod(c.K), ...c.outSp];
  const p = patchesOf(c);
  return transpose(p ? reshape(p, canonOut) : full(canonOut, 0, c.x.dtype), inverse(c.dn.outSpec));
}

/**
 * Locally connected ("unshared") convolution, as JAX's `conv_general_dilated_local`: like
 * convGeneralDilated, but the kernel differs at every output position. `rhs` has, in its spec's
 * layout, out-features O, in-features C * prod(filterShape) (ordered as the patches of
 * {@link convGeneralDilatedPatches}) and the output's spatial sizes.
 */
export function convGeneralDilatedLocal(lhs: Array, rhs: Array, windowStrides: readonly number[], padding: Padding, filterShape: readonly number[], opts: Omit<ConvPatchesOptions, 'preferredElementType'> = {}): Array {
  const who = 'lax.convGeneralDilatedLocal';
  const a = operandArray(who, 'lhs', lhs);
  const w0 = operandArray(who, 'rhs', rhs);
  if (a.dtype !== w0.dtype) throw new TypeError(`${who}: lhs ${avalStr(a.aval)} and rhs ${avalStr(w0.aval)} must have the same dtype; convert one with lax.convertElementType(x, '${a.dtype}')`);
  const fs = intSeq(who, 'filterShape', filterShape, Math.max(0, a.ndim - 2), 0, null);
  const c = setup(who, a, [1, 1, ...fs], windowStrides, padding, opts, fs);
  if (w0.ndim !== a.ndim) throw new ShapeError(`${who}: rhs ${avalStr(w0.aval)} must have the lhs's rank ${a.ndim}`);
  const w = transpose(w0, c.dn.rhsSpec);
  const [N, C] = c.x.shape;
  const F = C * prod(c.K);
  const [O, I, ...R] = w.shape;
  if (I !== F || shp(R) !== shp(c.outSp)) {
    throw new ShapeError(`${who}: rhs [O=${O}, I=${I}, spatial ${shp(R)}] (in its spec's canonical order) needs I = C * prod(filterShape) = ${F} and the output's spatial sizes ${shp(c.outSp)}`);
  }
  const k = c.k;
  const invOut = inverse(c.dn.outSpec);
  const p = patchesOf(c);
  if (!p || O === 0) return transpose(full([N, O, ...c.outSp], 0, c.x.dtype), invOut);
  const sp = c.outSp.map((_, i) => i + 2);
  const y = dotGeneral(reshape(p, [N, F, ...c.outSp]), w, [[[1], [1]], [sp, sp]]); // [...out, N, O]
  return transpose(transpose(y, [k, k + 1, ...sp.map((i) => i - 2)]), invOut);
}

/** [lhsPerm, rhsPerm, outPerm] of string dimension numbers, as JAX's `conv_general_permutations`. */
export function convGeneralPermutations(dimensionNumbers: readonly [string, string, string]): [number[], number[], number[]] {
  const who = 'lax.convGeneralPermutations';
  if (!globalThis.Array.isArray(dimensionNumbers) || dimensionNumbers.length !== 3 || !dimensionNumbers.every((d) => typeof d === 'string')) {
    throw new TypeError(`${who}: dimensionNumbers must be three layout strings like ['NCHW', 'OIHW', 'NCHW'], got ${JSON.stringify(dimensionNumbers)}`);
  }
  const d = specPerms(who, dimensionNumbers);
  return [[...d.lhsSpec], [...d.rhsSpec], [...d.outSpec]];
}

/**
 * Output shape of {@link convTranspose} as JAX's `conv_transpose_shape_tuple` computes it (for the
 * string layouts of `dimensionNumbers`; 'SAME' / 'VALID' or [low, high] pairs).
 */
export function convTransposeShapeTuple(lhsShape: readonly number[], rhsShape: readonly number[], windowStrides: readonly number[], padding: Padding, dimensionNumbers: ConvGeneralDilatedDimensionNumbers): number[] {
  const who = 'lax.convTransposeShapeTuple';
  const dn = dimNumbers(who, lhsShape, rhsShape, dimensionNumbers);
  const l = dn.lhsSpec.map((a) => lhsShape[a]);
  const r = dn.rhsSpec.map((a) => rhsShape[a]);
  const st = intSeq(who, 'windowStrides', windowStrides, l.length - 2, 1, 1);
  const mode = typeof padding === 'string' ? padding.toUpperCase() : '';
  let pads: [number, number][];
  if (mode === 'SAME' || mode === 'VALID') pads = r.slice(2).map((kk, i) => convTransposePadding(kk, st[i], mode));
  else pads = resolvePadding(who, padding, l.slice(2), r.slice(2), st);
  const space = l.slice(2).map((d, i) => (d - 1) * st[i] - r[i + 2] + 2 + pads[i][0] + pads[i][1]);
  const out = [l[0], r[0], ...space];
  const res = new globalThis.Array<number>(out.length);
  dn.outSpec.forEach((axis, j) => { res[axis] = out[j]; });
  return res;
}

function inverse(p: readonly number[]): number[] {
  const inv = new globalThis.Array<number>(p.length);
  p.forEach((a, j) => { inv[a] = j; });
  return inv;
}

/** A convolution with default layouts, no dilation and no groups: `convGeneralDilated(lhs, rhs, windowStrides, padding)`. */
export function conv(lhs: Array, rhs: Array, windowStrides: readonly number[], padding: Padding): Array {
  return convImpl('lax.conv', lhs, rhs, windowStrides, padding, {});
}

/** A convolution with default layouts and explicit padding and dilations (JAX's `conv_with_general_padding`). */
export function convWithGeneralPadding(lhs: Array, rhs: Array, windowStrides: readonly number[], padding: Padding, lhsDilation?: readonly number[] | null, rhsDilation?: readonly number[] | null): Array {
  return convImpl('lax.convWithGeneralPadding', lhs, rhs, windowStrides, padding, { lhsDilation, rhsDilation });
}

/** JAX's `_conv_transpose_padding`: the [low, high] padding that makes a dilated conv the transpose of a strided one. */
function convTransposePadding(k: number, s: number, padding: 'SAME' | 'VALID'): [number, number] {
  let padLen: number;
  let padA: number;
  if (padding === 'SAME') {
    padLen = k + s - 2;
    padA = s > k - 1 ? k - 1 : Math.ceil(padLen / 2);
  } else {
    padLen = k + s - 2 + Math.max(k - s, 0);
    padA = k - 1;
  }
  return [padA, padLen - padA];
}

/**
 * Transposed convolution with JAX's `conv_transpose` semantics: the lhs is dilated by `strides`
 * and convolved with stride 1 ('SAME' / 'VALID' give the padding that inverts a strided conv's
 * shape; explicit pairs and 'SAME_LOWER' are passed on as in JAX). Default layouts are
 * channels-last: ('NHC', 'HIO', 'NHC'), ('NHWC', 'HWIO', 'NHWC'), ('NHWDC', 'HWDIO', 'NHWDC').
 * With `transposeKernel` the kernel is flipped spatially and its in/out axes swapped, which makes
 * this the gradient of `convGeneralDilated` with the same kernel.
 */
export function convTranspose(lhs: Array, rhs: Array, strides: readonly number[], padding: Padding, opts: ConvTransposeOptions = {}): Array {
  const who = 'lax.convTranspose';
  const a = operandArray(who, 'lhs', lhs);
  let w = operandArray(who, 'rhs', rhs);
  const n = a.ndim;
  if (n < 2 || w.ndim !== n) throw new ShapeError(`${who}: lhs ${avalStr(a.aval)} and rhs ${avalStr(w.aval)} must have the same rank >= 2`);
  const defaults: Record<number, readonly [string, string, string]> = {
    2: ['NC', 'IO', 'NC'], 3: ['NHC', 'HIO', 'NHC'], 4: ['NHWC', 'HWIO', 'NHWC'], 5: ['NHWDC', 'HWDIO', 'NHWDC'],
  };
  const given = opts.dimensionNumbers ?? defaults[n];
  if (!given) throw new ShapeError(`${who}: no default dimensionNumbers for rank ${n} operands ${avalStr(a.aval)}; pass dimensionNumbers`);
  const dn = dimNumbers(who, a.shape, w.shape, given);
  const k = n - 2;
  const st = intSeq(who, 'strides', strides, k, 1, 1);
  const rd = intSeq(who, 'rhsDilation', opts.rhsDilation, k, 1, 1);
  const mode = typeof padding === 'string' ? padding.toUpperCase() : '';
  let pads: Padding = padding;
  if (mode === 'SAME' || mode === 'VALID') {
    const kS = dn.rhsSpec.slice(2).map((ax, i) => dilateDim(w.shape[ax], rd[i]));
    pads = kS.map((kk, i) => convTransposePadding(kk, st[i], mode));
  }
  if (opts.transposeKernel) {
    w = rev(w, dn.rhsSpec.slice(2));
    const perm = w.shape.map((_, i) => i);
    perm[dn.rhsSpec[0]] = dn.rhsSpec[1];
    perm[dn.rhsSpec[1]] = dn.rhsSpec[0];
    w = transpose(w, perm);
  }
  return convImpl(who, a, w, st.map(() => 1), pads, { lhsDilation: st, rhsDilation: rd, dimensionNumbers: dn, preferredElementType: opts.preferredElementType });
}
