/**
 * CPU kernels for reductions, arg-reductions and cumulative sums.
 *
 * Reductions read the input once in row-major order. Adjacent axes of the same kind (kept or
 * reduced) are merged, so the innermost run is either reduced to a scalar (reducing trailing
 * axes) or accumulated elementwise into a contiguous run of the output (reducing leading
 * axes); both are cache-friendly, and no transpose is ever materialized.
 */
import { type DType, type TypedArray, typedArrayFor } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import { type CpuKernel, registerKernels } from './kernels.js';

const enum Op { Sum, Prod, Max, Min }

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

function identity(op: Op, dtype: DType): number {
  switch (op) {
    case Op.Sum: return 0;
    case Op.Prod: return 1;
    case Op.Max: return dtype === 'bool' ? 0 : dtype === 'int32' ? INT_MIN : -Infinity;
    case Op.Min: return dtype === 'bool' ? 1 : dtype === 'int32' ? INT_MAX : Infinity;
  }
}

/** Reduces x[s .. s+n) into `init`. Max/min return the first NaN they meet (NaN propagates). */
function reduceRow(op: Op, int: boolean, x: TypedArray, s: number, n: number, init: number): number {
  const e = s + n;
  switch (op) {
    case Op.Sum: {
      if (int) {
        let a = init;
        for (let i = s; i < e; i++) a = (a + x[i]) | 0;
        return a;
      }
      // Four independent partial sums break the add-latency chain.
      let a0 = init, a1 = 0, a2 = 0, a3 = 0;
      let i = s;
      for (; i + 3 < e; i += 4) { a0 += x[i]; a1 += x[i + 1]; a2 += x[i + 2]; a3 += x[i + 3]; }
      for (; i < e; i++) a0 += x[i];
      return (a0 + a1) + (a2 + a3);
    }
    case Op.Prod: {
      let a = init;
      if (int) for (let i = s; i < e; i++) a = Math.imul(a, x[i]);
      else for (let i = s; i < e; i++) a *= x[i];
      return a;
    }
    case Op.Max: {
      let a = init;
      for (let i = s; i < e; i++) {
        const v = x[i];
        if (v > a) a = v;
        else if (v !== v) return v;
      }
      return a;
    }
    case Op.Min: {
      let a = init;
      for (let i = s; i < e; i++) {
        const v = x[i];
        if (v < a) a = v;
        else if (v !== v) return v;
      }
      return a;
    }
  }
}

/** acc[d+j] = acc[d+j] op x[s+j] for j < n. A NaN already in acc stays (v > NaN is false). */
function accumRow(op: Op, int: boolean, x: TypedArray, s: number, n: number, acc: TypedArray, d: number): void {
  switch (op) {
    case Op.Sum:
      // Int32Array stores wrap mod 2^32, and the double sum of two int32s is exact.
      for (let j = 0; j < n; j++) acc[d + j] += x[s + j];
      return;
    case Op.Prod:
      if (int) for (let j = 0; j < n; j++) acc[d + j] = Math.imul(acc[d + j], x[s + j]);
      else for (let j = 0; j < n; j++) acc[d + j] *= x[s + j];
      return;
    case Op.Max:
      for (let j = 0; j < n; j++) {
        const v = x[s + j];
        if (v > acc[d + j] || v !== v) acc[d + j] = v;
      }
      return;
    case Op.Min:
      for (let j = 0; j < n; j++) {
        const v = x[s + j];
        if (v < acc[d + j] || v !== v) acc[d + j] = v;
      }
      return;
  }
}

function reduceKernel(op: Op): CpuKernel {
  return ([x], [xa], [o], { axes }: { axes: readonly number[] }) => {
    const dt = xa.dtype;
    const init = identity(op, dt);
    const out = typedArrayFor(o.dtype, size(o.shape));
    // Merge runs of same-kind axes; size-1 axes are irrelevant to the walk.
    const sh: number[] = [];
    const red: boolean[] = [];
    for (let k = 0; k < xa.shape.length; k++) {
      const n = xa.shape[k];
      if (n === 0) { out.fill(init); return [out]; }
      if (n === 1) continue;
      const r = axes.includes(k);
      if (sh.length && red[red.length - 1] === r) sh[sh.length - 1] *= n;
      else { sh.push(n); red.push(r); }
    }
    if (sh.length === 0) { out[0] = x[0]; return [out]; }
    const int = dt === 'int32';
    // float32 sums and products keep their partials in float64 and round once at the end.
    const acc = dt === 'float32' && (op === Op.Sum || op === Op.Prod) ? new Float64Array(out.length) : out;
    acc.fill(init);
    const r = sh.length, last = r - 1, n = sh[last];
    // Output strides of the merged axes (0 on reduced ones).
    const os = new Array<number>(r);
    for (let k = last, st = 1; k >= 0; k--) {
      os[k] = red[k] ? 0 : st;
      if (!red[k]) st *= sh[k];
    }
    const outer = x.length / n;
    const idx = new Int32Array(last);
    const rowReduce = red[last];
    for (let q = 0, s = 0, d = 0; q < outer; q++, s += n) {
      if (rowReduce) acc[d] = reduceRow(op, int, x, s, n, acc[d]);
      else accumRow(op, int, x, s, n, acc, d);
      for (let k = last - 1; k >= 0; k--) {
        if (++idx[k] < sh[k]) { d += os[k]; break; }
        idx[k] = 0;
        d -= os[k] * (sh[k] - 1);
      }
    }
    if (acc !== out) out.set(acc);
    return [out];
  };
}

/** Shape as [pre, n, post] around `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [size(shape.slice(0, axis)), shape[axis], size(shape.slice(axis + 1))];
}

/** argmax/argmin of each contiguous row of length n. A NaN beats everything; the first wins. */
function argRows(x: TypedArray, pre: number, n: number, max: boolean, out: Int32Array): void {
  for (let p = 0, base = 0; p < pre; p++, base += n) {
    let bi = 0;
    let bv = x[base];
    if (bv === bv) {
      for (let j = 1; j < n; j++) {
        const v = x[base + j];
        if (max ? v > bv : v < bv) { bv = v; bi = j; }
        else if (v !== v) { bi = j; break; }
      }
    }
    out[p] = bi;
  }
}

/**
 * argmax/argmin along a non-trailing axis: whole rows are compared against a running best
 * row, so the input is still read contiguously. Separate max/min loops keep the hot loop
 * free of a per-element branch on the op.
 */
function argCols(x: TypedArray, pre: number, n: number, post: number, max: boolean, out: Int32Array): void {
  const best = new Float64Array(post);
  for (let p = 0; p < pre; p++) {
    const base = p * n * post, o = p * post;
    for (let q = 0; q < post; q++) best[q] = x[base + q];
    for (let j = 1, row = base + post; j < n; j++, row += post) {
      if (max) {
        for (let q = 0; q < post; q++) {
          const v = x[row + q];
          if (v > best[q] || (v !== v && best[q] === best[q])) { best[q] = v; out[o + q] = j; }
        }
      } else {
        for (let q = 0; q < post; q++) {
          const v = x[row + q];
          if (v < best[q] || (v !== v && best[q] === best[q])) { best[q] = v; out[o + q] = j; }
        }
      }
    }
  }
}

/** Index of the first extremum along `axis`; the first NaN wins (numpy). */
function argKernel(max: boolean): CpuKernel {
  return ([x], [xa], _o, { axis }: { axis: number }) => {
    const [pre, n, post] = around(xa.shape, axis);
    const out = new Int32Array(pre * post);
    if (out.length === 0) return [out];
    if (post === 1) argRows(x, pre, n, max, out);
    else argCols(x, pre, n, post, max, out);
    return [out];
  };
}

const cumsum: CpuKernel = ([x], [xa], [o], { axis, reverse }: { axis: number; reverse: boolean }) => {
  const out = typedArrayFor(o.dtype, x.length);
  if (x.length === 0) return [out];
  const [pre, n, post] = around(xa.shape, axis);
  const int = xa.dtype === 'int32';
  const line = n * post;
  if (post === 1) {
    // A scalar running sum: float32 partials stay in float64, rounded only on store.
    for (let p = 0, base = 0; p < pre; p++, base += n) {
      const from = reverse ? base + n - 1 : base, dir = reverse ? -1 : 1;
      let s = 0;
      if (int) for (let j = 0, i = from; j < n; j++, i += dir) { s = (s + x[i]) | 0; out[i] = s; }
      else for (let j = 0, i = from; j < n; j++, i += dir) { s += x[i]; out[i] = s; }
    }
    return [out];
  }
  // Whole rows at a time: row j = row j-1 + x row j (Int32Array stores wrap like int32 adds).
  const step = reverse ? -post : post;
  for (let p = 0; p < pre; p++) {
    let row = p * line + (reverse ? (n - 1) * post : 0);
    out.set(x.subarray(row, row + post), row);
    for (let j = 1; j < n; j++) {
      const prev = row;
      row += step;
      for (let q = 0; q < post; q++) out[row + q] = out[prev + q] + x[row + q];
    }
  }
  return [out];
};

registerKernels({
  reduce_sum: reduceKernel(Op.Sum),
  reduce_prod: reduceKernel(Op.Prod),
  reduce_max: reduceKernel(Op.Max),
  reduce_min: reduceKernel(Op.Min),
  argmax: argKernel(true),
  argmin: argKernel(false),
  cumsum,
});
