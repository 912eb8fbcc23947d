/**
 * Dense linear algebra on JS numbers for the fits' host-side Newton steps. The systems are the
 * free parameters' Hessian (a few to a few hundred rows), solved once per iteration: on the host
 * they cost microseconds, where eager Array operations would dispatch a program per step.
 */

type Matrix = readonly (ArrayLike<number>)[];

/** The LU factors of A with partial pivoting (rows permuted by `perm`), or null when A is singular. */
function lu(A: Matrix): { LU: Float64Array[]; perm: number[] } | null {
  const n = A.length;
  const LU = A.map((row) => Float64Array.from(row));
  const perm = A.map((_, i) => i);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(LU[i][k]) > Math.abs(LU[p][k])) p = i;
    if (!(Math.abs(LU[p][k]) > 0) || !Number.isFinite(LU[p][k])) return null;
    if (p !== k) { [LU[p], LU[k]] = [LU[k], LU[p]]; [perm[p], perm[k]] = [perm[k], perm[p]]; }
    const piv = LU[k][k];
    for (let i = k + 1; i < n; i++) {
      const f = (LU[i][k] /= piv);
      if (f !== 0) for (let j = k + 1; j < n; j++) LU[i][j] -= f * LU[k][j];
    }
  }
  return { LU, perm };
}

function luSolve({ LU, perm }: { LU: Float64Array[]; perm: number[] }, b: readonly number[]): number[] {
  const n = LU.length;
  const x = perm.map((p) => b[p]);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) x[i] -= LU[i][j] * x[j];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) x[i] -= LU[i][j] * x[j];
    x[i] /= LU[i][i];
  }
  return x;
}

/** x with A x = b (LU with partial pivoting, as np.linalg.solve), or null when A is singular. */
export function solve(A: Matrix, b: readonly number[]): number[] | null {
  const f = lu(A);
  return f && luSolve(f, b);
}

/** A⁻¹, or null when A is singular. */
export function inverse(A: Matrix): number[][] | null {
  const f = lu(A);
  if (!f) return null;
  const cols = A.map((_, j) => luSolve(f, A.map((__, i) => (i === j ? 1 : 0))));
  return A.map((_, i) => cols.map((c) => c[i]));
}

/** A factored matrix: solutions and the inverse from one factorization. */
export interface Factor { solve(b: readonly number[]): number[]; inverse(): number[][] }

const withInverse = (n: number, solve: (b: readonly number[]) => number[]): Factor => ({
  solve,
  inverse() {
    const cols = globalThis.Array.from({ length: n }, (_, j) => solve(globalThis.Array.from({ length: n }, (__, i) => (i === j ? 1 : 0))));
    return cols.map((_, i) => cols.map((c) => c[i]));
  },
});

/** The LU factors of A (partial pivoting, as np.linalg.solve), or null when A is singular. */
export function factorLU(A: Matrix): Factor | null {
  const f = lu(A);
  return f && withInverse(A.length, (b) => luSolve(f, b));
}

/** The Cholesky factors of a symmetric positive-definite A, or null when A is not. */
export function factorSPD(A: Matrix): Factor | null {
  const n = A.length;
  const L = cholesky(A);
  return L && withInverse(n, (b) => cholSolve(L, b));
}

function cholesky(A: Matrix): Float64Array[] | null {
  const n = A.length;
  const L = A.map(() => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    let d = A[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    if (!(d > 0)) return null;
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  return L;
}

function cholSolve(L: readonly Float64Array[], b: readonly number[]): number[] {
  const n = b.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = b[i]; for (let k = 0; k < i; k++) s -= L[i][k] * y[k]; y[i] = s / L[i][i]; }
  const x = new globalThis.Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k]; x[i] = s / L[i][i]; }
  return x;
}

/** x with A x = b for a symmetric positive-definite A (Cholesky), or null when A is not. */
export function solveSPD(A: Matrix, b: readonly number[]): number[] | null {
  const L = cholesky(A);
  return L && cholSolve(L, b);
}

/**
 * A direction of negative curvature of the symmetric A, or null when A is positive semidefinite
 * within `tol` (relative to its largest diagonal entry). Cholesky with diagonal pivoting: once no
 * remaining pivot is positive, the trailing Schur complement S holds either a negative diagonal
 * entry S_pp or, all of them near 0, an entry S_pq that makes a 2 × 2 block indefinite; a vector u
 * in the trailing space lifts to v = [−L₁₁⁻ᵀ L₂₁ᵀ u; u] with vᵀ A v = uᵀ S u. Scaled to max |v_i| = 1.
 * Cost: n³/6, for the rare step where a fit meets an indefinite Hessian (a saddle, or a kink).
 */
export function negativeCurvature(A: Matrix, tol = 1e-9): { v: number[]; curvature: number } | null {
  const n = A.length;
  if (!n) return null;
  const eps = tol * Math.max(...A.map((r, i) => Math.abs(r[i]))) || tol;
  const S = A.map((r) => Float64Array.from(r)); // the trailing Schur complement, in place
  const order = A.map((_, i) => i); // pivot order: order[0..k) factored
  const L = A.map(() => new Float64Array(n)); // L[i][k]: column k of the factor, by original index
  let k = 0;
  for (; k < n; k++) {
    let p = k;
    for (let q = k + 1; q < n; q++) if (S[order[q]][order[q]] > S[order[p]][order[p]]) p = q;
    [order[k], order[p]] = [order[p], order[k]];
    const j = order[k], d = S[j][j];
    if (!(d > eps)) break;
    const r = Math.sqrt(d);
    for (let q = k + 1; q < n; q++) L[order[q]][k] = S[order[q]][j] / r;
    for (let q = k + 1; q < n; q++) {
      const a = order[q], la = L[a][k];
      for (let t = k + 1; t < n; t++) S[a][order[t]] -= la * L[order[t]][k];
    }
    L[j][k] = r;
  }
  if (k === n) return null;
  const rest = order.slice(k);
  // u in the trailing space: e_p (S_pp < 0), or e_p − sign(S_pq) e_q (S_pp + S_qq − 2|S_pq| < 0).
  let u: Map<number, number> | null = null;
  let best = -eps;
  for (const a of rest) if (S[a][a] < best) { best = S[a][a]; u = new Map([[a, 1]]); }
  for (const a of rest) {
    for (const b of rest) {
      if (a >= b) continue;
      const c = S[a][a] + S[b][b] - 2 * Math.abs(S[a][b]);
      if (c < best) { best = c; u = new Map([[a, 1], [b, -Math.sign(S[a][b])]]); }
    }
  }
  if (!u) return null;
  // v's factored part: solve L₁₁ᵀ w = −L₂₁ᵀ u (L₁₁ lower triangular over the pivot order).
  const v = new globalThis.Array<number>(n).fill(0);
  for (const [a, x] of u) v[a] = x;
  for (let c = k - 1; c >= 0; c--) {
    let s = 0;
    for (let q = c + 1; q < n; q++) s += L[order[q]][c] * v[order[q]];
    v[order[c]] = -s / L[order[c]][c];
  }
  const m = Math.max(...v.map(Math.abs));
  const w = v.map((x) => x / m);
  let curvature = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) curvature += w[i] * A[i][j] * w[j];
  return { v: w, curvature };
}
