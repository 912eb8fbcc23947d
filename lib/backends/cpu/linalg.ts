/**
 * CPU kernels for dot_general, cholesky, lu and triangular_solve.
 *
 * Float work runs in float64 (float32 operands are widened on the way in and rounded once on
 * the way out), so one monomorphic code path serves both float dtypes and V8 keeps the hot
 * loops on Float64Array only. Float GEMMs of at least WASM_MIN multiply-adds run in the
 * WebAssembly SIMD kernels of wasm-gemm.ts (f64x2 for float64; f32x4 for float32, which there
 * accumulates in float32), with the JS kernel below as the fallback where WebAssembly SIMD is
 * unavailable.
 */
import { type DType, type TypedArray, isInt, typedArrayFor } from '../../core/dtype.js';
import { allocate } from './pool.js';
import { type Aval, size } from '../../core/ir.js';
import type { DotParams, TriSolveParams } from '../../primitives/linalg.js';
import { strides } from '../../primitives/util.js';
import { type CpuRoutine, registerRoutines } from './routines.js';
import { wasmGemm } from './wasm-gemm.js';

// ---- dot_general: operand views ----------------------------------------------------------

/** An operand seen as [B, F, K] (batch, free, contracting) through three strides. */
interface View {
  readonly data: TypedArray;
  readonly sB: number;
  readonly sF: number;
  readonly sK: number;
}

/**
 * The single stride that walks a group of axes as one flattened axis, or -1 when their memory
 * layout does not allow it. Size-1 axes never move the pointer, so they are ignored.
 */
function groupStride(shape: readonly number[], st: readonly number[], axes: readonly number[]): number {
  let s = 0;
  let prev = -1;
  for (const ax of axes) {
    if (shape[ax] === 1) continue;
    if (prev >= 0 && st[prev] !== st[ax] * shape[ax]) return -1;
    prev = ax;
    s = st[ax];
  }
  return s;
}

/** A contiguous copy of x with its axes reordered by perm. */
function transpose(x: TypedArray, dtype: DType, shape: readonly number[], perm: readonly number[]): TypedArray {
  const n = perm.length;
  const total = size(shape);
  const out = typedArrayFor(dtype, total);
  if (total === 0) return out;
  if (n === 0) { out[0] = x[0]; return out; }
  const st = strides(shape);
  const os = perm.map((p) => shape[p]);
  const ost = perm.map((p) => st[p]);
  const len = os[n - 1];
  const s = ost[n - 1];
  const idx = new Array<number>(n).fill(0);
  let src = 0;
  for (let o = 0; o < total; o += len) {
    for (let t = 0; t < len; t++) out[o + t] = x[src + t * s];
    for (let d = n - 2; d >= 0; d--) {
      src += ost[d];
      if (++idx[d] < os[d]) break;
      src -= ost[d] * os[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Views x as [B, F, K]; copies only when a group of axes cannot be walked with one stride. */
function view(x: TypedArray, a: Aval, batch: readonly number[], contract: readonly number[]): View {
  const shape = a.shape;
  const free: number[] = [];
  for (let i = 0; i < shape.length; i++) if (!batch.includes(i) && !contract.includes(i)) free.push(i);
  const st = strides(shape);
  const sB = groupStride(shape, st, batch);
  const sF = groupStride(shape, st, free);
  const sK = groupStride(shape, st, contract);
  if (sB >= 0 && sF >= 0 && sK >= 0) return { data: x, sB, sF, sK };
  const F = free.reduce((p, i) => p * shape[i], 1);
  const K = contract.reduce((p, i) => p * shape[i], 1);
  return { data: transpose(x, a.dtype, shape, [...batch, ...free, ...contract]), sB: F * K, sF: K, sK: 1 };
}

// ---- dot_general: GEMM -------------------------------------------------------------------

// Blocking: a packed KC x 4 panel of B (8 KiB) stays in L1 while it sweeps an MC x KC block of
// packed A (128 KiB, L2); NC bounds the packed B block (and so the retained scratch) to 4 MiB.
const KC = 256;
const MC = 64;
const NC = 2048;

let scratchA = new Float64Array(0);
let scratchB = new Float64Array(0);
/**
 * matvec's vector and accumulator, reused: a fresh Float64Array of more than 8 elements costs
 * µs (its ArrayBuffer), more than a small product itself. Up to SCRATCH_MAX elements are kept.
 */
const SCRATCH_MAX = 1 << 16;
let scratchV = new Float64Array(8);
let scratchAcc = new Float64Array(8);
function vecScratch(which: 'V' | 'Acc', n: number): Float64Array {
  if (n > SCRATCH_MAX) return new Float64Array(n);
  if (which === 'V') return scratchV.length >= n ? scratchV : (scratchV = new Float64Array(n));
  return scratchAcc.length >= n ? scratchAcc : (scratchAcc = new Float64Array(n));
}
function scratch(which: 'A' | 'B', n: number): Float64Array {
  if (which === 'A') return scratchA.length >= n ? scratchA : (scratchA = new Float64Array(n));
  return scratchB.length >= n ? scratchB : (scratchB = new Float64Array(n));
}

/**
 * Packs rows [r0, r0+rows) x cols [k0, k0+kc) of a strided matrix into 4-row panels, each
 * stored k-major (4 consecutive values per k), zero-padded to a multiple of 4 rows, so the
 * micro-kernel streams both operands linearly.
 */
function pack(x: TypedArray, off: number, sR: number, sC: number, r0: number, rows: number, k0: number, kc: number, dst: Float64Array): void {
  const panels = (rows + 3) >> 2;
  let o = 0;
  for (let p = 0; p < panels; p++) {
    const base = r0 + p * 4;
    const live = Math.min(4, rows - p * 4);
    for (let k = 0; k < kc; k++) {
      const src = off + base * sR + (k0 + k) * sC;
      for (let r = 0; r < 4; r++) dst[o++] = r < live ? x[src + r * sR] : 0;
    }
  }
}

const edge = new Float64Array(16);

/** c[M, N] (row stride N, from cOff) += A·B with A, B given as [F, K] views at offsets. */
function gemm(a: View, aOff: number, b: View, bOff: number, c: Float64Array, cOff: number, M: number, N: number, K: number): void {
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    const nPanels = (nc + 3) >> 2;
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      const bp = scratch('B', nPanels * 4 * kc);
      pack(b.data, bOff, b.sF, b.sK, j0, nc, k0, kc, bp);
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        const mPanels = (mc + 3) >> 2;
        const ap = scratch('A', mPanels * 4 * kc);
        pack(a.data, aOff, a.sF, a.sK, i0, mc, k0, kc, ap);
        for (let q = 0; q < nPanels; q++) {
          const bb = q * kc * 4;
          const j = j0 + q * 4;
          for (let p = 0; p < mPanels; p++) {
            let pa = p * kc * 4;
            let pb = bb;
            // 16 accumulators: each k step does 8 loads for 16 multiply-adds.
            let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (let k = 0; k < kc; k++) {
              const a0 = ap[pa], a1 = ap[pa + 1], a2 = ap[pa + 2], a3 = ap[pa + 3];
              const b0 = bp[pb], b1 = bp[pb + 1], b2 = bp[pb + 2], b3 = bp[pb + 3];
              c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
              c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
              c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
              c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
              pa += 4;
              pb += 4;
            }
            const i = i0 + p * 4;
            if (i + 4 <= M && j + 4 <= j0 + nc) {
              let o = cOff + i * N + j;
              c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += N;
              c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += N;
              c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += N;
              c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
            } else {
              edge[0] = c00; edge[1] = c01; edge[2] = c02; edge[3] = c03;
              edge[4] = c10; edge[5] = c11; edge[6] = c12; edge[7] = c13;
              edge[8] = c20; edge[9] = c21; edge[10] = c22; edge[11] = c23;
              edge[12] = c30; edge[13] = c31; edge[14] = c32; edge[15] = c33;
              const rows = Math.min(4, M - i);
              const cols = Math.min(4, j0 + nc - j);
              for (let r = 0; r < rows; r++) {
                for (let s = 0; s < cols; s++) c[cOff + (i + r) * N + j + s] += edge[r * 4 + s];
              }
            }
          }
        }
      }
    }
  }
}

// ---- dot_general: small and degenerate shapes ------------------------------------------------

/** out[i] = Σ_k A[i, k]·x[k]; picks the loop order that walks A contiguously. */
function matvec(a: TypedArray, aOff: number, sM: number, sK: number, M: number, K: number, x: Float64Array, out: TypedArray, oOff: number): void {
  if (sK === 1 || sM !== 1) {
    const K4 = K - (K & 3);
    for (let i = 0; i < M; i++) {
      const row = aOff + i * sM;
      // four partial sums break the add dependency chain
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k < K4; k += 4) {
        const p = row + k * sK;
        s0 += a[p] * x[k];
        s1 += a[p + sK] * x[k + 1];
        s2 += a[p + 2 * sK] * x[k + 2];
        s3 += a[p + 3 * sK] * x[k + 3];
      }
      for (; k < K; k++) s0 += a[row + k * sK] * x[k];
      out[oOff + i] = s0 + s1 + (s2 + s3);
    }
    return;
  }
  const acc = vecScratch('Acc', M).fill(0, 0, M);
  const M4 = M - (M & 3);
  for (let k = 0; k < K; k++) {
    const xk = x[k];
    const col = aOff + k * sK;
    let i = 0;
    for (; i < M4; i += 4) {
      acc[i] += a[col + i] * xk;
      acc[i + 1] += a[col + i + 1] * xk;
      acc[i + 2] += a[col + i + 2] * xk;
      acc[i + 3] += a[col + i + 3] * xk;
    }
    for (; i < M; i++) acc[i] += a[col + i] * xk;
  }
  for (let i = 0; i < M; i++) out[oOff + i] = acc[i];
}

function smallDot(a: View, aOff: number, b: View, bOff: number, out: TypedArray, oOff: number, M: number, N: number, K: number): void {
  const { data: ad, sF: aM, sK: aK } = a;
  const { data: bd, sF: bN, sK: bK } = b;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let pa = aOff + i * aM;
      let pb = bOff + j * bN;
      for (let k = 0; k < K; k++, pa += aK, pb += bK) s += ad[pa] * bd[pb];
      out[oOff + i * N + j] = s;
    }
  }
}

function intDot(a: View, aOff: number, b: View, bOff: number, out: TypedArray, oOff: number, M: number, N: number, K: number): void {
  const { data: ad, sF: aM, sK: aK } = a;
  const { data: bd, sF: bN, sK: bK } = b;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let pa = aOff + i * aM;
      let pb = bOff + j * bN;
      for (let k = 0; k < K; k++, pa += aK, pb += bK) s = (s + Math.imul(ad[pa], bd[pb])) | 0;
      out[oOff + i * N + j] = s;
    }
  }
}

// Below this many multiply-adds per matrix, packing costs more than it saves.
const SMALL = 512;
// From this many multiply-adds per matrix the WebAssembly SIMD kernel beats the JS one (measured: 16³).
const WASM_MIN = 16 * 16 * 16;

/** The product of `shape` over `axes`. */
function sizeOver(shape: readonly number[], axes: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < axes.length; i++) p *= shape[axes[i]];
  return p;
}

/** The product of `shape` over the axes in neither `batch` nor `contract`. */
function freeSize(shape: readonly number[], batch: readonly number[], contract: readonly number[]): number {
  let p = 1;
  for (let i = 0; i < shape.length; i++) if (!batch.includes(i) && !contract.includes(i)) p *= shape[i];
  return p;
}

// Tiny products (a fit's per-step programs) cost more in this set-up than in arithmetic: it is
// written without destructuring, spreads or closures per call.
const dotGeneral: CpuRoutine = (ins, inAvals, outAvals, params: DotParams) => {
  const x = ins[0], y = ins[1], xa = inAvals[0], ya = inAvals[1], o = outAvals[0];
  const ca = params.contracting[0], cb = params.contracting[1], ba = params.batch[0], bb = params.batch[1];
  const out = allocate(o.dtype, size(o.shape));
  const B = sizeOver(xa.shape, ba);
  const K = sizeOver(xa.shape, ca);
  const M = freeSize(xa.shape, ba, ca);
  const N = freeSize(ya.shape, bb, cb);
  if (out.length === 0 || K === 0) return [out];
  const a = view(x, xa, ba, ca);
  const b = view(y, ya, bb, cb);
  const MN = M * N;
  if (isInt(o.dtype)) {
    for (let t = 0; t < B; t++) intDot(a, t * a.sB, b, t * b.sB, out, t * MN, M, N, K);
    return [out];
  }
  if (M === 1 || N === 1) {
    // [1,K]·[K,N] is [N,K]·[K] with the rhs read transposed
    const mat = N === 1 ? a : b, vec = N === 1 ? b : a, rows = N === 1 ? M : N;
    const xv = vecScratch('V', K);
    for (let t = 0; t < B; t++) {
      const vo = t * vec.sB;
      for (let k = 0; k < K; k++) xv[k] = vec.data[vo + k * vec.sK];
      matvec(mat.data, t * mat.sB, mat.sF, mat.sK, rows, K, xv, out, t * MN);
    }
    return [out];
  }
  if (M * N * K < SMALL || M < 4 || N < 4) {
    for (let t = 0; t < B; t++) smallDot(a, t * a.sB, b, t * b.sB, out, t * MN, M, N, K);
    return [out];
  }
  if (M * N * K >= WASM_MIN && (out instanceof Float64Array || out instanceof Float32Array)) {
    let done = true;
    for (let t = 0; t < B && done; t++) done = wasmGemm(a, t * a.sB, b, t * b.sB, out, t * MN, M, N, K);
    if (done) return [out];
  }
  // float32 sums stay in float64 across k blocks and are rounded once at the end
  const c = out instanceof Float64Array ? out : new Float64Array(MN);
  for (let t = 0; t < B; t++) {
    if (c !== out) c.fill(0);
    gemm(a, t * a.sB, b, t * b.sB, c, c === out ? t * MN : 0, M, N, K);
    if (c !== out) out.set(c, t * MN);
  }
  return [out];
};

// ---- factorizations and solves -----------------------------------------------------------

/** Widens each n x n matrix of a batch into a float64 work array, one at a time. */
function matrices(x: TypedArray, n: number): { count: number; load: (t: number, w: Float64Array) => void } {
  const nn = n * n;
  return {
    count: nn === 0 ? 0 : x.length / nn,
    load: (t, w) => { for (let i = 0; i < nn; i++) w[i] = x[t * nn + i]; },
  };
}

/** Writes L into w (upper triangle zeroed) from A's lower triangle; false if A is not PD. */
function choleskyInPlace(w: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = w[rj + j];
    for (let k = 0; k < j; k++) d -= w[rj + k] * w[rj + k];
    // also rejects NaN
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    w[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = w[ri + j];
      for (let k = 0; k < j; k++) s -= w[ri + k] * w[rj + k];
      w[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) w[rj + k] = 0;
  }
  return true;
}

const cholesky: CpuRoutine = ([x], [xa], [o]) => {
  const n = xa.shape[xa.shape.length - 1];
  const nn = n * n;
  const out = allocate(o.dtype, x.length);
  const w = new Float64Array(nn);
  const { count, load } = matrices(x, n);
  for (let t = 0; t < count; t++) {
    load(t, w);
    if (choleskyInPlace(w, n)) out.set(w, t * nn);
    else out.fill(NaN, t * nn, (t + 1) * nn);
  }
  return [out];
};

/** Unblocked right-looking getrf on a row-major matrix; row swaps move whole rows. */
function luInPlace(w: Float64Array, n: number, piv: Int32Array, perm: Int32Array, off: number): void {
  for (let i = 0; i < n; i++) perm[off + i] = i;
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    let p = k;
    let best = Math.abs(w[rk + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(w[i * n + k]);
      if (v > best) { best = v; p = i; }
    }
    piv[off + k] = p;
    if (p !== k) {
      const rp = p * n;
      for (let j = 0; j < n; j++) { const tmp = w[rk + j]; w[rk + j] = w[rp + j]; w[rp + j] = tmp; }
      const tp = perm[off + k]; perm[off + k] = perm[off + p]; perm[off + p] = tp;
    }
    const d = w[rk + k];
    // LAPACK leaves a zero pivot's column unscaled (the matrix is singular; U shows it)
    if (d === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const l = (w[ri + k] /= d);
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) w[ri + j] -= l * w[rk + j];
    }
  }
}

const lu: CpuRoutine = ([x], [xa], [o, po, qo]) => {
  const n = xa.shape[xa.shape.length - 1];
  const out = allocate(o.dtype, x.length);
  const piv = new Int32Array(size(po.shape));
  const perm = new Int32Array(size(qo.shape));
  const w = new Float64Array(n * n);
  const { count, load } = matrices(x, n);
  for (let t = 0; t < count; t++) {
    load(t, w);
    luInPlace(w, n, piv, perm, t * n);
    out.set(w, t * n * n);
  }
  return [out, piv, perm];
};

/**
 * Solves S·X = rhs in place for a lower (forward) or upper (backward) triangular S, where
 * rhs is m x k row-major; row operations keep every inner loop contiguous.
 */
function solveRows(s: Float64Array, m: number, x: Float64Array, k: number, lowerS: boolean): void {
  for (let step = 0; step < m; step++) {
    const i = lowerS ? step : m - 1 - step;
    const ri = i * k;
    const j0 = lowerS ? 0 : i + 1;
    const j1 = lowerS ? i : m;
    for (let j = j0; j < j1; j++) {
      const f = s[i * m + j];
      if (f === 0) continue;
      const rj = j * k;
      for (let c = 0; c < k; c++) x[ri + c] -= f * x[rj + c];
    }
    const d = s[i * m + i];
    for (let c = 0; c < k; c++) x[ri + c] /= d;
  }
}

/** Solves S·x = r for each row r of an rows x m matrix, in place (dot-product form). */
function solveEachRow(s: Float64Array, m: number, x: Float64Array, rows: number, lowerS: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    for (let step = 0; step < m; step++) {
      const i = lowerS ? step : m - 1 - step;
      const j0 = lowerS ? 0 : i + 1;
      const j1 = lowerS ? i : m;
      let acc = x[o + i];
      for (let j = j0; j < j1; j++) acc -= s[i * m + j] * x[o + j];
      x[o + i] = acc / s[i * m + i];
    }
  }
}

const triangularSolve: CpuRoutine = ([ax, bx], [aa, ba], [o], { leftSide, lower, transposeA, unitDiagonal }: TriSolveParams) => {
  const r = aa.shape.length;
  const m = aa.shape[r - 1];
  const rows = ba.shape[r - 2];
  const cols = ba.shape[r - 1];
  const out = allocate(o.dtype, bx.length);
  const mm = m * m;
  const bsz = rows * cols;
  if (bx.length === 0) return [out];
  const count = bx.length / bsz;
  // X·op(A) = B is op(A)ᵀ·Xᵀ = Bᵀ, so both sides reduce to S·(...) with S = op(A) or op(A)ᵀ;
  // S is stored row-major with the ignored triangle zeroed and the unit diagonal made explicit.
  const flip = transposeA !== !leftSide;
  const lowerS = (lower !== transposeA) === leftSide;
  const s = new Float64Array(mm);
  const x = new Float64Array(bsz);
  for (let t = 0; t < count; t++) {
    const ao = t * mm;
    s.fill(0);
    for (let i = 0; i < m; i++) {
      const j0 = lowerS ? 0 : i;
      const j1 = lowerS ? i + 1 : m;
      for (let j = j0; j < j1; j++) s[i * m + j] = flip ? ax[ao + j * m + i] : ax[ao + i * m + j];
      if (unitDiagonal) s[i * m + i] = 1;
    }
    for (let i = 0; i < bsz; i++) x[i] = bx[t * bsz + i];
    if (leftSide) solveRows(s, m, x, cols, lowerS);
    else solveEachRow(s, m, x, rows, lowerS);
    out.set(x, t * bsz);
  }
  return [out];
};

registerRoutines({
  dot_general: dotGeneral,
  cholesky,
  lu,
  triangular_solve: triangularSolve,
});
