/**
 * `lax.linalg`: the linear-algebra primitives with JAX's lax.linalg signatures (options objects
 * in camelCase). Unlike np.linalg these do not convert integer inputs: pass float arrays.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { bind, bind1 } from '../core/trace.js';
import { Cholesky, Lu, TriangularSolve } from '../primitives/linalg.js';
import { Eigh, Qr, Svd } from '../primitives/decompositions.js';
import { Eig } from '../primitives/eig.js';
import { Complex } from '../numpy/complex.js';
import { asArray } from '../numpy/promote.js';
import { isFloat } from '../core/dtype.js';
import { add, multiply } from '../numpy/math.js';
import { swapaxes } from '../numpy/shape.js';

/**
 * (x + xᵀ)/2 over the last two axes when asked; an input the primitive will refuse (not float,
 * not a batch of square matrices) passes unchanged so that the primitive's error names the fix.
 */
function symmetrize(x: Array, yes: boolean | undefined): Array {
  const ok = (yes ?? true) && isFloat(x.dtype) && x.ndim >= 2 && x.shape[x.ndim - 1] === x.shape[x.ndim - 2];
  return ok ? multiply(add(x, swapaxes(x, -1, -2)), 0.5) : x;
}

/**
 * Lower Cholesky factor of a symmetric positive-definite matrix or batch [..., n, n] (NaN where
 * it is not positive definite). With `symmetrizeInput` (default true) x is first replaced by
 * (x + xᵀ)/2, as JAX does.
 */
export function cholesky(x: ArrayOrScalar, opts: { symmetrizeInput?: boolean } = {}): Array {
  const a = asArray(x);
  return bind1(Cholesky, [symmetrize(a, opts.symmetrizeInput)]);
}

/**
 * Eigendecomposition of a symmetric matrix or batch [..., n, n]: returns `[v, w]` (JAX's order)
 * with the eigenvectors as the columns of v and the eigenvalues w ascending, x = v·diag(w)·vᵀ.
 * `lower` (default true) picks the triangle read; `symmetrizeInput` (default true) first
 * replaces x by (x + xᵀ)/2. `sortEigenvalues` must be true (the only order computed).
 */
export function eigh(x: ArrayOrScalar, opts: { lower?: boolean; symmetrizeInput?: boolean; sortEigenvalues?: boolean } = {}): [v: Array, w: Array] {
  if (opts.sortEigenvalues === false) throw new Error('lax.linalg.eigh: sortEigenvalues=false is not supported; eigenvalues always come out ascending');
  const a = asArray(x);
  const [v, w] = bind(Eigh, [symmetrize(a, opts.symmetrizeInput)], { lower: opts.lower ?? true });
  return [v, w];
}

/**
 * Eigenvalues and right eigenvectors of a general real square matrix or batch [..., n, n]
 * (JAX's lax.linalg.eig): returns `[w]` or `[w, vr]` as `Complex` (see np.linalg.eig for the
 * order and normalisation). Left eigenvectors are not computed: for them take the right
 * eigenvectors of xᵀ (conjugated), pairing eigenvalues by value.
 *
 * @example
 * const [w, v] = lax.linalg.eig(np.array([[2, 1], [1, 2]]));  // w.re: [3, 1]
 */
export function eig(x: ArrayOrScalar, opts: { computeLeftEigenvectors?: boolean; computeRightEigenvectors?: boolean } = {}): Complex[] {
  if (opts.computeLeftEigenvectors) {
    throw new Error('lax.linalg.eig: computeLeftEigenvectors is not supported; compute the right eigenvectors of the transpose (lax.linalg.eig(swapaxes(x, -1, -2))) and conjugate them, pairing eigenvalues by value');
  }
  const vectors = opts.computeRightEigenvectors ?? true;
  const [wr, wi, vr, vi] = bind(Eig, [asArray(x)], { vectors });
  return vectors ? [new Complex(wr, wi), new Complex(vr, vi)] : [new Complex(wr, wi)];
}

/**
 * LU decomposition with partial pivoting of a square matrix or batch [..., n, n]: returns
 * `[lu, pivots, permutation]` (int32 pivots and permutation) with P·x = L·U, L unit lower
 * triangular (below lu's diagonal) and U upper triangular.
 */
export function lu(x: ArrayOrScalar): [lu: Array, pivots: Array, permutation: Array] {
  const [a, p, q] = bind(Lu, [asArray(x)]);
  return [a, p, q];
}

/**
 * QR decomposition of a matrix or batch [..., m, n]: returns `[q, r]`. `fullMatrices` (default
 * true, as JAX) gives q [..., m, m] and r [..., m, n]; false gives q [..., m, k], r [..., k, n].
 * Derivatives need m >= n and fullMatrices false (or m == n), as in JAX.
 */
export function qr(x: ArrayOrScalar, opts: { fullMatrices?: boolean; pivoting?: boolean } = {}): [q: Array, r: Array] {
  if (opts.pivoting === true) throw new Error('lax.linalg.qr: pivoting=true (column-pivoted QR) is not supported; use pivoting=false');
  const [q, r] = bind(Qr, [asArray(x)], { fullMatrices: opts.fullMatrices ?? true });
  return [q, r];
}

/**
 * Singular value decomposition of a matrix or batch [..., m, n]. As JAX's lax.linalg.svd it
 * returns `[u, s, vt]` (computeUv, the default) or `s` alone, with x = u·diag(s)·vt and s
 * descending. `fullMatrices` (default true) gives u [..., m, m] and vt [..., n, n].
 * (The svd primitive itself outputs [s, u, vt].)
 */
export function svd(x: ArrayOrScalar, opts?: { fullMatrices?: boolean; computeUv?: true }): [u: Array, s: Array, vt: Array];
export function svd(x: ArrayOrScalar, opts: { fullMatrices?: boolean; computeUv: false }): Array;
export function svd(x: ArrayOrScalar, opts: { fullMatrices?: boolean; computeUv?: boolean } = {}): [u: Array, s: Array, vt: Array] | Array {
  const computeUv = opts.computeUv ?? true;
  const outs = bind(Svd, [asArray(x)], { fullMatrices: opts.fullMatrices ?? true, computeUv });
  return computeUv ? [outs[1], outs[0], outs[2]] : outs[0];
}

/**
 * Solves op(a)·x = b (leftSide) or x·op(a) = b for x, with a triangular [..., m, m] and b
 * [..., m, k] (leftSide) or [..., k, m]; op(a) = aᵀ when `transposeA`. Options as JAX's
 * (defaults: leftSide false, lower false, transposeA false, unitDiagonal false); `conjugateA`
 * is a no-op for real arrays.
 */
export function triangularSolve(a: ArrayOrScalar, b: ArrayOrScalar, opts: { leftSide?: boolean; lower?: boolean; transposeA?: boolean; conjugateA?: boolean; unitDiagonal?: boolean } = {}): Array {
  return bind1(TriangularSolve, [asArray(a), asArray(b)], {
    leftSide: opts.leftSide ?? false,
    lower: opts.lower ?? false,
    transposeA: opts.transposeA ?? false,
    unitDiagonal: opts.unitDiagonal ?? false,
  });
}
