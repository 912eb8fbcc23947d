/**
 * Index maps for movement ops: a View reads element `idx` of a logical array of `shape` at flat
 * offset `offset + Σ idx[d]·strides[d]` of a buffer. Broadcast, transpose, slice, rev, squeeze,
 * expand_dims and most reshapes compose into a View, so fused kernels read through them without
 * copying.
 */
import { size } from '../core/ir.js';

export interface View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new globalThis.Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = shape[d] === 1 ? 0 : s; s *= shape[d]; }
  return st;
}

export const contiguous = (shape: readonly number[]): View => ({ shape: [...shape], strides: contiguousStrides(shape), offset: 0 });

/** Strides of size-1 axes never matter: normalise them to 0 so equal maps compare equal. */
const norm = (v: View): View => ({ shape: v.shape, strides: v.strides.map((s, d) => (v.shape[d] === 1 ? 0 : s)), offset: v.offset });

/** The flat offsets [lo, hi) that `v` reads over its whole shape (empty for an empty view). */
export function viewSpan(v: View): [number, number] {
  if (v.shape.some((n) => n === 0)) return [v.offset, v.offset];
  let lo = v.offset, hi = v.offset;
  v.shape.forEach((n, d) => { const r = (n - 1) * v.strides[d]; if (r < 0) lo += r; else hi += r; });
  return [lo, hi + 1];
}

export function isContiguous(v: View): boolean {
  if (v.offset !== 0) return false;
  const c = contiguousStrides(v.shape);
  return v.strides.every((s, d) => v.shape[d] === 1 || s === c[d]);
}

export function broadcastView(v: View, shape: readonly number[], dims: readonly number[]): View {
  const st = new globalThis.Array<number>(shape.length).fill(0);
  dims.forEach((d, i) => { if (v.shape[i] === shape[d]) st[d] = v.strides[i]; });
  return norm({ shape: [...shape], strides: st, offset: v.offset });
}

export const transposeView = (v: View, perm: readonly number[]): View =>
  ({ shape: perm.map((p) => v.shape[p]), strides: perm.map((p) => v.strides[p]), offset: v.offset });

export function sliceView(v: View, start: readonly number[], step: readonly number[] | null | undefined, shape: readonly number[]): View {
  let offset = v.offset;
  start.forEach((s, d) => { offset += s * v.strides[d]; });
  return norm({ shape: [...shape], strides: v.strides.map((s, d) => s * (step?.[d] ?? 1)), offset });
}

export function revView(v: View, dims: readonly number[]): View {
  let offset = v.offset;
  const st = [...v.strides];
  for (const d of dims) {
    if (v.shape[d] > 0) offset += (v.shape[d] - 1) * st[d];
    st[d] = -st[d];
  }
  return norm({ shape: v.shape, strides: st, offset });
}

/**
 * The View of `v` reshaped to `shape`, when one exists: each run of old axes that merges into (or
 * splits from) a run of new axes must be evenly strided. Otherwise undefined (the caller copies).
 */
export function reshapeView(v: View, shape: readonly number[]): View | undefined {
  if (size(shape) !== size(v.shape)) return undefined;
  if (size(shape) === 0) return contiguous(shape);
  const old = v.shape.map((n, d) => [n, v.strides[d]] as const).filter(([n]) => n !== 1);
  const st = new globalThis.Array<number>(shape.length).fill(0);
  const tgt = shape.map((n, d) => [n, d] as const).filter(([n]) => n !== 1);
  let i = 0;
  let j = 0;
  while (i < old.length && j < tgt.length) {
    // Grow the smaller side until both runs cover the same number of elements.
    let oi = i + 1, tj = j + 1;
    let np = old[i][0], tp = tgt[j][0];
    while (np !== tp) {
      if (np < tp) np *= old[oi++][0];
      else tp *= tgt[tj++][0];
    }
    for (let k = i; k < oi - 1; k++) if (old[k][1] !== old[k + 1][1] * old[k + 1][0]) return undefined;
    // The run is one evenly strided block with the innermost stride: split it along the new axes.
    let s = old[oi - 1][1];
    for (let k = tj - 1; k >= j; k--) { st[tgt[k][1]] = s; s *= tgt[k][0]; }
    i = oi;
    j = tj;
  }
  return { shape: [...shape], strides: st, offset: v.offset };
}

export const viewKey = (v: View): string => `${v.shape.join('x')}:${v.strides.join(',')}+${v.offset}`;
