/**
 * CPU kernels for eigh, qr and svd.
 *
 * Each matrix of a batch is widened to float64, factored, and rounded once into the output
 * (float32 outputs round once). Methods are chosen for accuracy over speed:
 * - eigh: cyclic Jacobi on the symmetric matrix read from one triangle; eigenvalues come out
 *   with high relative accuracy (about 1e-15·‖A‖), ascending.
 * - qr: Householder reflections with LAPACK's conventions (dgeqr2 + dorg2r), so r carries the
 *   signs numpy's qr gives: r[k, k] = -sign(x₀)·‖x‖ unless the column below the diagonal is
 *   already zero (then the reflection is the identity and r[k, k] keeps its value).
 * - svd: one-sided Jacobi (Hestenes) on the columns of A (of Aᵀ when A is wide); singular
 *   values descending, non-negative.
 *
 * Sign convention (eigh and svd): each eigenvector, and each right singular vector (row of vt,
 * with the matching column of u), is scaled so that its entry of largest magnitude (the first
 * such on ties) is positive. This is continuous under small perturbations wherever that entry
 * is unique, which holds for generic matrices. LAPACK (so numpy) uses no such rule, so vectors
 * may differ from numpy's by a sign.
 *
 * Non-finite input gives NaN outputs; Jacobi sweeps are capped so nothing can hang.
 */
import type { TypedArray } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import type { EighParams, QrParams, SvdParams } from '../../primitives/decompositions.js';
import { allocate } from './pool.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

const MAX_SWEEPS = 80;
const EPS = 2.220446049250313e-16;

function hasNonFinite(x: TypedArray, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (!Number.isFinite(x[off + i])) return true;
  return false;
}

/** Negates column j of the n-column row-major `v` (rows rows) if its largest-|entry| is negative. */
function fixColumnSign(v: Float64Array, rows: number, cols: number, j: number): boolean {
  let best = -1;
  let val = 0;
  for (let i = 0; i < rows; i++) {
    const a = Math.abs(v[i * cols + j]);
    if (a > best) { best = a; val = v[i * cols + j]; }
  }
  if (val >= 0) return false;
  for (let i = 0; i < rows; i++) v[i * cols + j] = -v[i * cols + j];
  return true;
}

// ---- eigh --------------------------------------------------------------------------------

/**
 * Cyclic Jacobi on the symmetric n x n matrix a (row-major, both triangles filled): on return
 * a's diagonal holds the eigenvalues and v (row-major) the eigenvectors as columns.
 */
/** A Givens rotation of two strided runs of `x`: (x₁, x₂) ← (c x₁ − s x₂, s x₁ + c x₂). */
function rotate(x: Float64Array, o1: number, o2: number, len: number, c: number, s: number, stride = 1): void {
  for (let i = 0, k = 0; i < len; i++, k += stride) {
    const a = x[o1 + k], b = x[o2 + k];
    x[o1 + k] = c * a - s * b;
    x[o2 + k] = s * a + c * b;
  }
}

function jacobiEigh(a: Float64Array, v: Float64Array, n: number): void {
  v.fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Negligible next to both diagonal entries: set to zero (perturbs eigenvalues by < eps·|a|).
        if (Math.abs(apq) <= EPS * 0.5 * Math.sqrt(Math.abs(app * aqq)) || Math.abs(apq) < 1e-300) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        rotated = true;
        // Rutishauser's rotation: t = tan θ, the smaller root, annihilates a[p, q].
        const theta = (aqq - app) / (2 * apq);
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let r = 0; r < n; r++) {
          if (r === p || r === q) continue;
          const arp = a[r * n + p];
          const arq = a[r * n + q];
          const np = c * arp - s * arq;
          const nq = s * arp + c * arq;
          a[r * n + p] = np; a[p * n + r] = np;
          a[r * n + q] = nq; a[q * n + r] = nq;
        }
        rotate(v, p, q, n, c, s, n);
      }
    }
    if (!rotated) return;
  }
}

const eigh: CpuRoutine = ([x], [xa], [vo, wo], { lower }: EighParams) => {
  const n = xa.shape[xa.shape.length - 1];
  const nn = n * n;
  const vOut = allocate(vo.dtype, size(vo.shape));
  const wOut = allocate(wo.dtype, size(wo.shape));
  if (nn === 0) return [vOut, wOut];
  const count = x.length / nn;
  const a = new Float64Array(nn);
  const v = new Float64Array(nn);
  const vs = new Float64Array(nn);
  const w = new Float64Array(n);
  const order = new Array<number>(n);
  for (let t = 0; t < count; t++) {
    const off = t * nn;
    // Read one triangle and mirror it.
    let bad = false;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const val = lower ? x[off + i * n + j] : x[off + j * n + i];
        if (!Number.isFinite(val)) bad = true;
        a[i * n + j] = val;
        a[j * n + i] = val;
      }
    }
    if (bad) {
      vOut.fill(NaN, off, off + nn);
      wOut.fill(NaN, t * n, (t + 1) * n);
      continue;
    }
    jacobiEigh(a, v, n);
    for (let i = 0; i < n; i++) { w[i] = a[i * n + i]; order[i] = i; }
    order.sort((i, j) => w[i] - w[j] || i - j);
    for (let k = 0; k < n; k++) {
      const j = order[k];
      wOut[t * n + k] = w[j];
      for (let i = 0; i < n; i++) vs[i * n + k] = v[i * n + j];
    }
    for (let k = 0; k < n; k++) fixColumnSign(vs, n, n, k);
    vOut.set(vs, off);
  }
  return [vOut, wOut];
};

// ---- qr ----------------------------------------------------------------------------------

const qr: CpuRoutine = ([x], [xa], [qo, ro], { fullMatrices }: QrParams) => {
  const r0 = xa.shape.length;
  const m = xa.shape[r0 - 2];
  const n = xa.shape[r0 - 1];
  const k = Math.min(m, n);
  const qc = fullMatrices ? m : k;
  const rr = fullMatrices ? m : k;
  const qOut = allocate(qo.dtype, size(qo.shape));
  const rOut = allocate(ro.dtype, size(ro.shape));
  const count = size(xa.shape.slice(0, -2));
  const a = new Float64Array(m * n);
  const tau = new Float64Array(k);
  const q = new Float64Array(m * qc);
  for (let t = 0; t < count; t++) {
    const off = t * m * n;
    for (let i = 0; i < m * n; i++) a[i] = x[off + i];
    // dgeqr2: column j's reflector H = I - τ·v·vᵀ, v = [1, a[j+1:, j]], maps a[j:, j] to β·e₀.
    for (let j = 0; j < k; j++) {
      const alpha = a[j * n + j];
      let xnorm = 0;
      for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, a[i * n + j]);
      if (xnorm === 0 && !Number.isNaN(alpha)) { tau[j] = 0; continue; }
      const nrm = Math.hypot(alpha, xnorm);
      const beta = alpha >= 0 || Number.isNaN(alpha) ? -nrm : nrm;
      tau[j] = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = j + 1; i < m; i++) a[i * n + j] *= scale;
      a[j * n + j] = beta;
      // Apply H to the trailing columns.
      for (let c = j + 1; c < n; c++) {
        let dot = a[j * n + c];
        for (let i = j + 1; i < m; i++) dot += a[i * n + j] * a[i * n + c];
        dot *= tau[j];
        a[j * n + c] -= dot;
        for (let i = j + 1; i < m; i++) a[i * n + c] -= dot * a[i * n + j];
      }
    }
    // r: the upper triangle of the first rr rows.
    const ro2 = t * rr * n;
    for (let i = 0; i < rr; i++) {
      for (let c = 0; c < n; c++) rOut[ro2 + i * n + c] = c >= i && i < m ? a[i * n + c] : 0;
    }
    // dorg2r: Q = H₀·H₁·…·H_{k-1} applied to the first qc columns of I, accumulated backwards.
    q.fill(0);
    for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1;
    for (let j = k - 1; j >= 0; j--) {
      if (tau[j] === 0) continue;
      for (let c = 0; c < qc; c++) {
        let dot = q[j * qc + c];
        for (let i = j + 1; i < m; i++) dot += a[i * n + j] * q[i * qc + c];
        dot *= tau[j];
        q[j * qc + c] -= dot;
        for (let i = j + 1; i < m; i++) q[i * qc + c] -= dot * a[i * n + j];
      }
    }
    qOut.set(q, t * m * qc);
  }
  return [qOut, rOut];
};

// ---- svd ---------------------------------------------------------------------------------

/**
 * One-sided Jacobi on the columns of a rows x cols matrix (rows >= cols), stored column-major in
 * g (column j at g[j·rows ..]) so every inner loop is contiguous: rotates column pairs until every
 * pair is orthogonal to working precision, accumulating the rotations in v (cols x cols, also
 * column-major). Then g = U·diag(s) and A = g·vᵀ.
 */
function hestenes(g: Float64Array, rows: number, cols: number, v: Float64Array): void {
  v.fill(0);
  for (let i = 0; i < cols; i++) v[i * cols + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      const op = p * rows;
      for (let q = p + 1; q < cols; q++) {
        const oq = q * rows;
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < rows; i++) {
          const gp = g[op + i];
          const gq = g[oq + i];
          alpha += gp * gp;
          beta += gq * gq;
          gamma += gp * gq;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.abs(zeta) > 1e150 ? 1 / (2 * zeta) : Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(g, op, oq, rows, c, s);
        rotate(v, p * cols, q * cols, cols, c, s);
      }
    }
    if (!rotated) return;
  }
}

/**
 * Fills columns [from, to) of the row-major rows x ncol matrix u with unit vectors orthogonal to
 * all earlier columns: each is the standard basis vector e_i that keeps the most after projecting
 * out the columns so far (the smallest row norm of u), orthogonalised twice (Gram-Schmidt).
 */
function completeBasis(u: Float64Array, rows: number, ncol: number, from: number, to: number): void {
  if (from >= to) return;
  // rowSq[i] = Σ_c u[i, c]² over the columns filled so far: ‖(I − UUᵀ)e_i‖² = 1 − rowSq[i].
  const rowSq = new Float64Array(rows);
  for (let i = 0; i < rows; i++) for (let c = 0; c < from; c++) rowSq[i] += u[i * ncol + c] ** 2;
  const cand = new Float64Array(rows);
  for (let j = from; j < to; j++) {
    let e = 0;
    for (let i = 1; i < rows; i++) if (rowSq[i] < rowSq[e]) e = i;
    cand.fill(0);
    cand[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c < j; c++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += u[i * ncol + c] * cand[i];
        for (let i = 0; i < rows; i++) cand[i] -= d * u[i * ncol + c];
      }
    }
    let nrm = 0;
    for (let i = 0; i < rows; i++) nrm += cand[i] * cand[i];
    const inv = 1 / Math.sqrt(nrm);
    for (let i = 0; i < rows; i++) {
      const val = cand[i] * inv;
      u[i * ncol + j] = val;
      rowSq[i] += val * val;
    }
  }
}

const svd: CpuRoutine = ([x], [xa], outAvals, { fullMatrices, computeUv }: SvdParams) => {
  const r0 = xa.shape.length;
  const m = xa.shape[r0 - 2];
  const n = xa.shape[r0 - 1];
  const k = Math.min(m, n);
  const outs = outAvals.map((o) => allocate(o.dtype, size(o.shape)));
  const [sOut, uOut, vtOut] = outs;
  const count = size(xa.shape.slice(0, -2));
  const ucols = fullMatrices ? m : k;
  const vrows = fullMatrices ? n : k;
  // Work on the tall one of A (rows = max(m, n)) and swap the factors back for a wide A.
  const wide = m < n;
  const rows = wide ? n : m;
  const cols = k;
  const g = new Float64Array(rows * cols);
  const v = new Float64Array(cols * cols);
  const s = new Float64Array(cols);
  const order = new Array<number>(cols);
  // Left vectors of the tall problem (rows x lc) and right ones (cols x cols), row-major.
  const lc = fullMatrices ? rows : cols;
  const left = new Float64Array(rows * lc);
  const right = new Float64Array(cols * cols);
  for (let t = 0; t < count; t++) {
    const off = t * m * n;
    if (hasNonFinite(x, off, m * n)) {
      for (const o of outs) {
        const per = o.length / Math.max(count, 1);
        o.fill(NaN, t * per, (t + 1) * per);
      }
      continue;
    }
    // Column-major copy of the tall matrix: A's columns (tall) or A's rows (wide, Aᵀ's columns).
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        if (wide) g[i * rows + j] = x[off + i * n + j];
        else g[j * rows + i] = x[off + i * n + j];
      }
    }
    hestenes(g, rows, cols, v);
    for (let j = 0; j < cols; j++) {
      // Scaled sum of squares, so huge or tiny columns neither overflow nor underflow.
      let big = 0;
      for (let i = 0; i < rows; i++) big = Math.max(big, Math.abs(g[j * rows + i]));
      let ss = 0;
      if (big > 0) for (let i = 0; i < rows; i++) { const r = g[j * rows + i] / big; ss += r * r; }
      s[j] = big * Math.sqrt(ss);
      order[j] = j;
    }
    order.sort((i, j) => s[j] - s[i] || i - j);
    // A column whose norm is at roundoff level of the largest (or subnormal) carries no
    // direction: its left vector is completed to an orthonormal basis instead of normalised.
    const tiny = Math.max(s[order[0]] * EPS, 1e-290);
    let rank = 0;
    left.fill(0);
    for (let kk = 0; kk < cols; kk++) {
      const j = order[kk];
      sOut[t * k + kk] = s[j];
      if (s[j] > tiny) rank = kk + 1;
      for (let i = 0; i < cols; i++) right[i * cols + kk] = v[j * cols + i];
      if (s[j] > tiny) for (let i = 0; i < rows; i++) left[i * lc + kk] = g[j * rows + i] / s[j];
    }
    if (!computeUv) continue;
    completeBasis(left, rows, lc, rank, lc);
    // Sign: the largest-|entry| of each right vector of A (a row of vt) is positive.
    for (let kk = 0; kk < cols; kk++) {
      const flipped = wide ? fixColumnSign(left, rows, lc, kk) : fixColumnSign(right, cols, cols, kk);
      if (!flipped) continue;
      if (wide) for (let i = 0; i < cols; i++) right[i * cols + kk] = -right[i * cols + kk];
      else for (let i = 0; i < rows; i++) left[i * lc + kk] = -left[i * lc + kk];
    }
    // Tall: u = left (m x ucols), vt = rightᵀ. Wide: u = right (m x m), vt = leftᵀ (vrows x n).
    const uo = t * m * ucols;
    const vo = t * vrows * n;
    if (!wide) {
      uOut.set(left, uo);
      for (let i = 0; i < vrows; i++) for (let j = 0; j < n; j++) vtOut[vo + i * n + j] = right[j * cols + i];
    } else {
      for (let i = 0; i < m; i++) for (let j = 0; j < ucols; j++) uOut[uo + i * ucols + j] = right[i * cols + j];
      for (let i = 0; i < vrows; i++) for (let j = 0; j < n; j++) vtOut[vo + i * n + j] = left[j * lc + i];
    }
  }
  return outs;
};

registerRoutines({ eigh, qr, svd });
