/**
 * CPU kernels for shape primitives. Nearly all of them are one strided copy: each output axis
 * reads the input at some stride (0 = broadcast, negative = reversed, k = strided slice), so
 * one well-optimized copy routine serves broadcast, transpose, rev, slice, pad and concatenate.
 */
import type { TypedArray } from '../../core/dtype.js';
import { allocate } from './pool.js';
import { size } from '../../core/ir.js';
import type { ConcatParams, DynSliceParams, GatherParams, PadParams } from '../../primitives/shape.js';
import { strides } from '../../primitives/util.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

/** Below this run length a plain loop beats set()/fill(), whose call overhead dominates. */
const MIN_BULK = 32;
/** Square tile for transposing copies: 32x32 doubles fit comfortably in L1. */
const TILE = 32;

/**
 * dst[dOff + Σ i_k dStr_k] = src[sOff + Σ i_k sStr_k] for every multi-index i of `shape`.
 * Size-1 axes are dropped and axes that are contiguous in both arrays are merged first, so a
 * "strided" copy of contiguous data collapses to one set() call.
 */
export function copyStrided(
  src: TypedArray, sOff: number, sStr: readonly number[], shape: readonly number[],
  dst: TypedArray, dOff: number, dStr: readonly number[],
): void {
  const sh: number[] = [];
  const ss: number[] = [];
  const ds: number[] = [];
  for (let k = 0; k < shape.length; k++) {
    const n = shape[k];
    if (n === 0) return;
    if (n === 1) continue;
    const m = sh.length - 1;
    if (m >= 0 && ss[m] === sStr[k] * n && ds[m] === dStr[k] * n) {
      sh[m] *= n;
      ss[m] = sStr[k];
      ds[m] = dStr[k];
    } else {
      sh.push(n);
      ss.push(sStr[k]);
      ds.push(dStr[k]);
    }
  }
  const r = sh.length;
  if (r === 0) { dst[dOff] = src[sOff]; return; }
  // A transposing copy reads one axis contiguously but writes along another: walking it in
  // square tiles keeps both sides in cache. Axis order is free in a copy, so move the
  // source-contiguous axis next to the innermost one.
  const k = ss.indexOf(1);
  if (r >= 2 && k >= 0 && k < r - 1 && sh[k] >= 8 && sh[r - 1] >= 8 && ds[r - 1] === 1) {
    for (const a of [sh, ss, ds]) a.push(a.splice(k, 1)[0], a.splice(r - 2, 1)[0]);
    tiledCopy(src, sOff, sh, ss, dst, dOff, ds);
  } else {
    rowCopy(src, sOff, sh, ss, dst, dOff, ds);
  }
}

/** Odometer over all axes but the last; each step copies one row. */
function rowCopy(src: TypedArray, s: number, sh: number[], ss: number[], dst: TypedArray, d: number, ds: number[]): void {
  const last = sh.length - 1;
  const n = sh[last], si = ss[last], di = ds[last];
  let outer = 1;
  for (let k = 0; k < last; k++) outer *= sh[k];
  const idx = new Int32Array(last);
  const bulkCopy = si === 1 && di === 1 && n >= MIN_BULK;
  const bulkFill = si === 0 && di === 1 && n >= MIN_BULK;
  for (let o = 0; o < outer; o++) {
    if (bulkCopy) dst.set(src.subarray(s, s + n), d);
    else if (bulkFill) dst.fill(src[s], d, d + n);
    else for (let i = 0, a = s, b = d; i < n; i++, a += si, b += di) dst[b] = src[a];
    for (let k = last - 1; k >= 0; k--) {
      if (++idx[k] < sh[k]) { s += ss[k]; d += ds[k]; break; }
      idx[k] = 0;
      s -= ss[k] * (sh[k] - 1);
      d -= ds[k] * (sh[k] - 1);
    }
  }
}

/** Like rowCopy, but the last two axes are walked in TILE x TILE blocks. */
function tiledCopy(src: TypedArray, s: number, sh: number[], ss: number[], dst: TypedArray, d: number, ds: number[]): void {
  const r = sh.length, A = r - 2, B = r - 1;
  const na = sh[A], nb = sh[B], sa = ss[A], sb = ss[B], da = ds[A], db = ds[B];
  let outer = 1;
  for (let k = 0; k < A; k++) outer *= sh[k];
  const idx = new Int32Array(A);
  for (let o = 0; o < outer; o++) {
    for (let a0 = 0; a0 < na; a0 += TILE) {
      const a1 = Math.min(a0 + TILE, na);
      for (let b0 = 0; b0 < nb; b0 += TILE) {
        const b1 = Math.min(b0 + TILE, nb);
        for (let a = a0; a < a1; a++) {
          let p = s + a * sa + b0 * sb;
          let q = d + a * da + b0 * db;
          for (let b = b0; b < b1; b++, p += sb, q += db) dst[q] = src[p];
        }
      }
    }
    for (let k = A - 1; k >= 0; k--) {
      if (++idx[k] < sh[k]) { s += ss[k]; d += ds[k]; break; }
      idx[k] = 0;
      s -= ss[k] * (sh[k] - 1);
      d -= ds[k] * (sh[k] - 1);
    }
  }
}

/** Offset (in the operand) of each element of the sub-array spanned by `shape` at `str`, row-major. */
function offsets(shape: readonly number[], str: readonly number[]): Int32Array {
  const n = size(shape);
  const out = new Int32Array(n);
  const r = shape.length;
  const idx = new Int32Array(r);
  let off = 0;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) { off += str[k]; break; }
      idx[k] = 0;
      off -= str[k] * (shape[k] - 1);
    }
  }
  return out;
}


/** Start index of a dynamic slice, clamped so the slice fits (JAX semantics). */
const clampStart = (i: number, dim: number, sz: number): number => Math.min(Math.max(i, 0), dim - sz);

/**
 * Shared gather/scatter indexing: for indices [...batch, k] over `axes`, the operand offset of
 * every batch point (-1 where the point is out of range and `clamp` is off), and the offsets
 * of the remaining (non-indexed) axes, which every point spans as a block.
 */
function pointOffsets(
  xShape: readonly number[], idx: TypedArray, nb: number, axes: readonly number[], clamp: boolean,
): { base: Float64Array; rest: Int32Array; contiguous: boolean } {
  const xs = strides(xShape);
  const k = axes.length;
  const lim = axes.map((a) => xShape[a] - 1);
  const ast = axes.map((a) => xs[a]);
  const base = new Float64Array(nb);
  for (let b = 0, p = 0; b < nb; b++) {
    let off = 0;
    for (let j = 0; j < k; j++, p++) {
      let t = idx[p];
      if (t < 0 || t > lim[j]) {
        if (!clamp) { off = -1; p += k - j; break; }
        t = t < 0 ? 0 : lim[j];
      }
      off += t * ast[j];
    }
    base[b] = off;
  }
  const restAxes = xShape.map((_, i) => i).filter((i) => !axes.includes(i));
  const rest = offsets(restAxes.map((i) => xShape[i]), restAxes.map((i) => xs[i]));
  // Row-major offsets are increasing from 0, so they are 0..R-1 exactly when the last is R-1.
  const contiguous = rest.length === 0 || rest[rest.length - 1] === rest.length - 1;
  return { base, rest, contiguous };
}

/**
 * Adds updates [nb, ...other axes] into `out` at index idx[b] of axis `a` (out-of-range points
 * dropped): the transpose of a one-axis gather, which the lowering fuses, so every derivative of
 * a gathered value comes through here.
 */
function scatterAddAxis(out: TypedArray, shape: readonly number[], idx: TypedArray, upd: TypedArray, a: number, nb: number): void {
  const n = shape[a];
  let inner = 1;
  for (let d = a + 1; d < shape.length; d++) inner *= shape[d];
  const outerN = out.length / (n * inner);
  const len = out.length;
  for (let b = 0, u = 0; b < nb; b++) {
    const t = idx[b];
    if (t < 0 || t >= n) { u += outerN * inner; continue; }
    if (inner === 1) {
      for (let p = t; p < len; p += n) out[p] += upd[u++];
      continue;
    }
    for (let o = 0; o < outerN; o++) {
      const p = (o * n + t) * inner;
      for (let i = 0; i < inner; i++) out[p + i] += upd[u++];
    }
  }
}

function scatterKernel(add: boolean): CpuRoutine {
  return ([x, idx, upd], [xa, ia], _o, { axes }: { axes: readonly number[] }) => {
    // (from the pool: a fresh array of a few kilobytes costs microseconds to create in Node)
    const out = allocate(xa.dtype, x.length);
    out.set(x);
    const nb = size(ia.shape.slice(0, -1));
    const R = nb === 0 ? 0 : upd.length / nb;
    if (R === 0 || x.length === 0) return [out];
    if (add && axes.length === 1 && xa.dtype !== 'bool') {
      scatterAddAxis(out, xa.shape, idx, upd, axes[0], nb);
      return [out];
    }
    const { base, rest, contiguous } = pointOffsets(xa.shape, idx, nb, axes, false);
    // XLA adds booleans with OR; keeps the result a valid bool.
    const or = add && xa.dtype === 'bool';
    for (let b = 0; b < nb; b++) {
      const p = base[b];
      if (p < 0) continue;
      const u = b * R;
      if (!add) {
        if (contiguous && R >= MIN_BULK) out.set(upd.subarray(u, u + R), p);
        else for (let r = 0; r < R; r++) out[p + rest[r]] = upd[u + r];
      } else if (or) {
        for (let r = 0; r < R; r++) out[p + rest[r]] |= upd[u + r];
      } else {
        for (let r = 0; r < R; r++) out[p + rest[r]] += upd[u + r];
      }
    }
    return [out];
  };
}


registerRoutines({
  dynamic_slice: ([x, ...idx], [xa], [o], { sliceSizes }: DynSliceParams) => {
    const out = allocate(o.dtype, size(sliceSizes));
    const xs = strides(xa.shape);
    let off = 0;
    for (let i = 0; i < xs.length; i++) off += clampStart(idx[i][0], xa.shape[i], sliceSizes[i]) * xs[i];
    copyStrided(x, off, xs, sliceSizes, out, 0, strides(sliceSizes));
    return [out];
  },

  dynamic_update_slice: ([x, upd, ...idx], [xa, ua]) => {
    const out = x.slice();
    const xs = strides(xa.shape);
    let off = 0;
    for (let i = 0; i < xs.length; i++) off += clampStart(idx[i][0], xa.shape[i], ua.shape[i]) * xs[i];
    copyStrided(upd, 0, strides(ua.shape), ua.shape, out, off, xs);
    return [out];
  },

  pad: ([x, v], [xa], [o], { config }: PadParams) => {
    const out = allocate(o.dtype, size(o.shape));
    if (!Object.is(v[0], 0)) out.fill(v[0]);
    const xs = strides(xa.shape), os = strides(o.shape);
    const cnt: number[] = [], ds: number[] = [];
    let sOff = 0, dOff = 0;
    for (let i = 0; i < xs.length; i++) {
      const [lo, , interior] = config[i];
      const step = interior + 1;
      // Operand elements land at lo + j*step; keep those inside [0, outDim) (negative pads crop).
      const j0 = lo < 0 ? Math.ceil(-lo / step) : 0;
      const j1 = Math.min(xa.shape[i], Math.ceil((o.shape[i] - lo) / step));
      cnt.push(Math.max(0, j1 - j0));
      ds.push(step * os[i]);
      sOff += j0 * xs[i];
      dOff += (lo + j0 * step) * os[i];
    }
    copyStrided(x, sOff, xs, cnt, out, dOff, ds);
    return [out];
  },

  concatenate: (ins, avals, [o], { dimension: dim }: ConcatParams) => {
    const out = allocate(o.dtype, size(o.shape));
    const os = strides(o.shape);
    let at = 0;
    for (let k = 0; k < ins.length; k++) {
      const sh = avals[k].shape;
      copyStrided(ins[k], 0, strides(sh), sh, out, at * os[dim], os);
      at += sh[dim];
    }
    return [out];
  },

  gather: ([x, idx], [xa, ia], [o], { axes }: GatherParams) => {
    const out = allocate(o.dtype, size(o.shape));
    const nb = size(ia.shape.slice(0, -1));
    const R = nb === 0 ? 0 : out.length / nb;
    // An empty indexed axis has nothing to clamp to; the output stays zero.
    if (R === 0 || x.length === 0) return [out];
    const { base, rest, contiguous } = pointOffsets(xa.shape, idx, nb, axes, true);
    for (let b = 0; b < nb; b++) {
      const p = base[b], u = b * R;
      if (contiguous && R >= MIN_BULK) out.set(x.subarray(p, p + R), u);
      else for (let r = 0; r < R; r++) out[u + r] = x[p + rest[r]];
    }
    return [out];
  },

  scatter_add: scatterKernel(true),
  scatter: scatterKernel(false),

});
