/**
 * np.linalg functions built on the eigh, qr and svd primitives: eigh, eigvalsh, svd, svdvals, qr,
 * lstsq, pinv, matrixRank, cond. Results that numpy returns as named tuples are JS tuples that
 * also carry numpy's field names (`const [w, v] = eigh(a)` or `eigh(a).eigenvalues`).
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { bind } from '../core/trace.js';
import { ShapeError } from '../core/errors.js';
import { type DType, getDefaultFloat, isFloat } from '../core/dtype.js';
import { Eigh, Qr, Svd } from '../primitives/decompositions.js';
import { asArray, convert, promote } from './promote.js';
import { add, divide, greater, greaterEqual, isnan, logicalAnd, logicalNot, multiply, notEqual, subtract, where } from './math.js';
import { max, sum } from './reductions.js';
import { expandDims, reshape, swapaxes } from './shape.js';
import { inv, matmul, norm } from './linalg.js';
import { customJvp } from '../control/custom.js';

/** np.linalg.eigh's result: `[eigenvalues, eigenvectors]`, also readable by name. */
export type EighResult = readonly [eigenvalues: Array, eigenvectors: Array] & {
  /** The eigenvalues [..., n], ascending, in the input's float dtype. */
  readonly eigenvalues: Array;
  /** The orthonormal eigenvectors [..., n, n] as columns: column j belongs to eigenvalue j. */
  readonly eigenvectors: Array;
};
/** np.linalg.svd's result: `[U, S, Vh]`, also readable by name. */
export type SvdResult = readonly [U: Array, S: Array, Vh: Array] & {
  /** The left singular vectors as columns: [..., m, m] with fullMatrices, else [..., m, k], k = min(m, n). */
  readonly U: Array;
  /** The singular values [..., k], k = min(m, n): non-negative, descending. */
  readonly S: Array;
  /** The right singular vectors as rows: [..., n, n] with fullMatrices, else [..., k, n]. */
  readonly Vh: Array;
};
/** np.linalg.qr's result in 'reduced' and 'complete' modes: `[Q, R]`, also readable by name. */
export type QrResult = readonly [Q: Array, R: Array] & {
  /** Orthonormal columns: [..., m, k] ('reduced', k = min(m, n)) or [..., m, m] ('complete'). */
  readonly Q: Array;
  /** Upper triangular: [..., k, n] ('reduced') or [..., m, n] ('complete'). */
  readonly R: Array;
};
/** np.linalg.lstsq's result: `[x, residuals, rank, s]`. */
export type LstsqResult = readonly [x: Array, residuals: Array, rank: Array, s: Array];

const EPS: Record<DType, number> = { float64: 2.220446049250313e-16, float32: 1.1920928955078125e-7, float16: 0.0009765625, int32: 0, uint32: 0, int8: 0, uint8: 0, bool: 0 };

/** `x` as a float [..., m, n] array (integers become the default float, as numpy does). */
function asFloatStack(who: string, x: ArrayOrScalar, square: boolean): Array {
  const a = asArray(x);
  const f = isFloat(a.dtype) ? a : convert(a, getDefaultFloat());
  if (f.ndim < 2) throw new ShapeError(`${who}: expected a matrix (or a batch [..., ${square ? 'n, n' : 'm, n'}]), got shape [${f.shape}]; reshape a vector into a matrix first, e.g. x.reshape([1, -1])`);
  if (square && f.shape[f.ndim - 1] !== f.shape[f.ndim - 2]) {
    throw new ShapeError(`${who}: expected a square matrix (or a batch [..., n, n]), got shape [${f.shape}]; pass a square symmetric matrix`);
  }
  return f;
}

/** Swaps the last two axes. */
const mT = (x: Array): Array => swapaxes(x, -1, -2);

/** The first entry along the last axis, kept as a size-1 axis: s[..., 0:1]. */
const firstKeep = (s: Array): Array => s.slice(...s.shape.slice(0, -1).map((): [] => []), [0, 1]);

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix or batch [..., n, n].
 * As JAX (jnp.linalg.eigh, symmetrizeInput=true) the input is first symmetrised, (a + aᵀ)/2, so
 * its gradient is symmetric; with `symmetrizeInput: false` only the `UPLO` triangle is read, as
 * numpy does. Eigenvectors are unique up to sign: each is scaled so its largest-magnitude entry
 * is positive (numpy's LAPACK signs may differ).
 */
export function eigh(a: ArrayOrScalar, UPLO: 'L' | 'U' = 'L', opts: { symmetrizeInput?: boolean } = {}): EighResult {
  if (UPLO !== 'L' && UPLO !== 'U') throw new ShapeError(`np.linalg.eigh: UPLO must be 'L' or 'U', got ${JSON.stringify(UPLO)}`);
  let x = asFloatStack('np.linalg.eigh', a, true);
  if (opts.symmetrizeInput ?? true) x = multiply(add(x, mT(x)), 0.5);
  const [v, w] = bind(Eigh, [x], { lower: UPLO === 'L' });
  return Object.assign([w, v] as const, { eigenvalues: w, eigenvectors: v });
}

/** Eigenvalues (ascending) of a symmetric matrix or batch [..., n, n]; see {@link eigh}. */
export function eigvalsh(a: ArrayOrScalar, UPLO: 'L' | 'U' = 'L'): Array {
  return eigh(a, UPLO).eigenvalues;
}

/**
 * Singular value decomposition a = U·diag(S)·Vh of a matrix or batch [..., m, n]: S descending,
 * non-negative. `fullMatrices` (default true) makes U [..., m, m] and Vh [..., n, n], otherwise
 * [..., m, k] and [..., k, n] with k = min(m, n). With `computeUv` false only S is returned.
 * Singular vectors are unique up to sign: each row of Vh has its largest-magnitude entry positive.
 * Derivatives of U and Vh need `fullMatrices` false (or a square a), as in JAX.
 */
export function svd(a: ArrayOrScalar, fullMatrices?: boolean, computeUv?: true): SvdResult;
export function svd(a: ArrayOrScalar, fullMatrices: boolean, computeUv: false): Array;
export function svd(a: ArrayOrScalar, fullMatrices = true, computeUv = true): SvdResult | Array {
  const x = asFloatStack('np.linalg.svd', a, false);
  if (!computeUv) return bind(Svd, [x], { fullMatrices, computeUv })[0];
  const [s, u, vt] = bind(Svd, [x], { fullMatrices, computeUv });
  return Object.assign([u, s, vt] as const, { U: u, S: s, Vh: vt });
}

/** Singular values (descending) of a matrix or batch [..., m, n]. */
export function svdvals(x: ArrayOrScalar): Array {
  return bind(Svd, [asFloatStack('np.linalg.svdvals', x, false)], { fullMatrices: false, computeUv: false })[0];
}

/**
 * QR decomposition a = Q·R of a matrix or batch [..., m, n] by Householder reflections, with
 * LAPACK's (numpy's) signs. mode 'reduced' (default): Q [..., m, k], R [..., k, n], k = min(m, n);
 * 'complete': Q [..., m, m], R [..., m, n]; 'r': R alone (reduced). Derivatives need m >= n
 * (and 'reduced' unless m == n), as in JAX.
 */
export function qr(a: ArrayOrScalar, mode?: 'reduced' | 'complete'): QrResult;
export function qr(a: ArrayOrScalar, mode: 'r'): Array;
export function qr(a: ArrayOrScalar, mode: 'reduced' | 'complete' | 'r' = 'reduced'): QrResult | Array {
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new ShapeError(`np.linalg.qr: mode must be 'reduced', 'complete' or 'r', got ${JSON.stringify(mode)}`);
  }
  const x = asFloatStack('np.linalg.qr', a, false);
  const [q, r] = bind(Qr, [x], { fullMatrices: mode === 'complete' });
  if (mode === 'r') return r;
  return Object.assign([q, r] as const, { Q: q, R: r });
}

/**
 * Least-squares solution of a·x = b for a [m, n] and b [m] or [m, k], via the SVD as JAX:
 * returns [x, residuals, rank, s]. Singular values below `rcond`·s_max are treated as zero
 * (default eps·max(m, n); a negative rcond means eps). As JAX's default, residuals are always
 * the squared 2-norms of the columns of b − a·x (numpy returns an empty array when rank < n or
 * m <= n).
 */
export function lstsq(a: ArrayOrScalar, b: ArrayOrScalar, rcond?: number | null): LstsqResult {
  const [[a0, b0]] = promote([a, b], true);
  const x0 = asFloatStack('np.linalg.lstsq', a0, false);
  if (x0.ndim !== 2) throw new ShapeError(`np.linalg.lstsq: a must be a 2-D matrix, got shape [${x0.shape}]; batch with vmap`);
  const vec = b0.ndim === 1;
  const bm = vec ? expandDims(b0, 1) : b0;
  if (bm.ndim !== 2) throw new ShapeError(`np.linalg.lstsq: b must be 1-D or 2-D, got shape [${b0.shape}]`);
  const [m, n] = x0.shape;
  if (bm.shape[0] !== m) throw new ShapeError(`np.linalg.lstsq: a is [${x0.shape}] but b is [${b0.shape}]; b needs ${m} rows (the rows of a)`);
  const dt = x0.dtype;
  const eps = EPS[dt];
  const tol = rcond === undefined || rcond === null ? eps * Math.max(m, n) : rcond < 0 ? eps : rcond;
  const [s, u, vt] = bind(Svd, [x0], { fullMatrices: false, computeUv: true });
  const k = Math.min(m, n);
  let x: Array;
  let rank: Array;
  if (k === 0) {
    x = multiply(matmul(mT(x0), convert(bm, dt)), 0);
    rank = convert(asArray(0), 'int32');
  } else {
    const keep = greaterEqual(s, multiply(firstKeep(s), tol));
    rank = sum(convert(keep, 'int32'));
    const sInv = where(keep, divide(1, where(keep, s, 1)), 0);
    x = matmul(mT(vt), multiply(expandDims(sInv, 1), matmul(mT(u), convert(bm, dt))));
  }
  const r = subtract(convert(bm, dt), matmul(x0, x));
  const resid = sum(multiply(r, r), 0);
  return [vec ? reshape(x, [n]) : x, resid, rank, s];
}

/** JAX's pinv: drops singular values at most rtol·s_max (s → ∞ there). */
function pinvImpl(x: Array, rtol: number): Array {
  const [s, u, vt] = bind(Svd, [x], { fullMatrices: false, computeUv: true });
  if (s.shape[s.ndim - 1] === 0) return mT(multiply(x, 0));
  const cutoff = multiply(firstKeep(s), rtol);
  const sk = where(greater(s, cutoff), s, Infinity);
  return matmul(mT(vt), divide(mT(u), expandDims(sk, -1)));
}

/**
 * Moore-Penrose pseudo-inverse of a matrix or batch [..., m, n] via the SVD: singular values at
 * most `rtol`·s_max count as zero (default 10·max(m, n)·eps, JAX's; numpy's default is 1e-15).
 * Its derivative is JAX's custom rule (Golub and Pereyra), well defined where the rank is
 * locally constant. `hermitian` is accepted for numpy compatibility and ignored (the SVD is used).
 */
export function pinv(a: ArrayOrScalar, rtol?: number | null, hermitian = false): Array {
  void hermitian;
  const x = asFloatStack('np.linalg.pinv', a, false);
  const [m, n] = x.shape.slice(-2);
  const tol = rtol === undefined || rtol === null ? 10 * Math.max(m, n) * EPS[x.dtype] : rtol;
  const f = customJvp((y: Array): Array => pinvImpl(y, tol), {
    // dP = −P·dA·P + (P·Pᵀ)·dAᵀ·(I − A·P) + (I − P·A)·dAᵀ·(Pᵀ·P)
    jvp: ([y]: Array[], [dy]: Array[]): [Array, Array] => {
      const p = pinvImpl(y, tol);
      const dyT = mT(dy);
      const pT = mT(p);
      let dp: Array;
      if (m >= n) {
        const s = matmul(matmul(p, pT), dyT);
        const t = matmul(matmul(dyT, pT), p);
        dp = add(subtract(add(subtract(s, matmul(matmul(s, y), p)), t), matmul(matmul(p, y), t)), multiply(matmul(matmul(p, dy), p), -1));
      } else {
        const s = matmul(p, matmul(pT, dyT));
        const t = matmul(dyT, matmul(pT, p));
        dp = add(subtract(add(subtract(s, matmul(s, matmul(y, p))), t), matmul(p, matmul(y, t))), multiply(matmul(p, matmul(dy, p)), -1));
      }
      return [p, dp];
    },
  });
  return f(x);
}

/**
 * Rank of a matrix or batch [..., m, n] (int32): the number of singular values above
 * `rtol`·s_max (default max(m, n)·eps), as numpy 2's rtol. A 1-D or 0-D input has rank 1
 * unless it is all zeros.
 */
export function matrixRank(a: ArrayOrScalar, rtol?: number | null): Array {
  const x0 = asArray(a);
  const x = isFloat(x0.dtype) ? x0 : convert(x0, getDefaultFloat());
  if (x.ndim < 2) return convert(greater(sum(convert(notEqual(x, 0), 'int32')), 0), 'int32');
  const [m, n] = x.shape.slice(-2);
  const r = rtol === undefined || rtol === null ? Math.max(m, n) * EPS[x.dtype] : rtol;
  const s = svdvals(x);
  if (s.shape[s.ndim - 1] === 0) return convert(sum(s, -1), 'int32');
  const tol = multiply(max(s, -1, { keepdims: true }), r);
  return sum(convert(greater(s, tol), 'int32'), -1);
}

/**
 * Condition number of a matrix or batch [..., n, n] in the norm `p`: None/2 (s_max/s_min) and
 * -2 (s_min/s_max) from the singular values (also for [..., m, n] with m != n); 'fro', 'nuc', 1, -1, Infinity,
 * -Infinity as norm(x, p)·norm(inv(x), p). As numpy, a singular matrix gives Infinity (NaN only
 * where x holds a NaN).
 */
export function cond(x: ArrayOrScalar, p?: number | 'fro' | 'nuc' | null): Array {
  let r: Array;
  let a: Array;
  if (p === undefined || p === null || p === 2 || p === -2) {
    a = asFloatStack('np.linalg.cond', x, false);
    const s = svdvals(a);
    const k = s.shape[s.ndim - 1];
    const whole = s.shape.slice(0, -1).map((): [] => []);
    const first = s.slice(...whole, 0);
    const last = s.slice(...whole, k - 1);
    r = p === -2 ? divide(last, first) : divide(first, last);
  } else {
    if (![1, -1, Infinity, -Infinity, 'fro', 'nuc'].includes(p)) throw new ShapeError(`np.linalg.cond: p must be None, 2, -2, 1, -1, Infinity, -Infinity, 'fro' or 'nuc', got ${String(p)}`);
    a = asFloatStack('np.linalg.cond', x, true);
    const ax = [a.ndim - 2, a.ndim - 1];
    r = multiply(norm(a, p, ax), norm(inv(a), p, ax));
  }
  const nanInX = greater(sum(convert(isnan(a), 'int32'), [-2, -1]), 0);
  return where(logicalAnd(isnan(r), logicalNot(nanInX)), Infinity, r);
}

