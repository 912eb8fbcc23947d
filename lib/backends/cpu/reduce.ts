/** CPU routines for arg-reductions and cumulative sums (plain reductions are fused kernels). */
import { type TypedArray, isInt } from '../../core/dtype.js';
import { allocate } from './pool.js';
import { size } from '../../core/ir.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

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
function argKernel(max: boolean): CpuRoutine {
  return ([x], [xa], _o, { axis }: { axis: number }) => {
    const [pre, n, post] = around(xa.shape, axis);
    const out = new Int32Array(pre * post);
    if (out.length === 0) return [out];
    if (post === 1) argRows(x, pre, n, max, out);
    else argCols(x, pre, n, post, max, out);
    return [out];
  };
}

const cumsum: CpuRoutine = ([x], [xa], [o], { axis, reverse }: { axis: number; reverse: boolean }) => {
  const out = allocate(o.dtype, x.length);
  if (x.length === 0) return [out];
  const [pre, n, post] = around(xa.shape, axis);
  const int = isInt(xa.dtype);
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

registerRoutines({
  argmax: argKernel(true),
  argmin: argKernel(false),
  cumsum,
});
