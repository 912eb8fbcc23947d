/**
 * np.linalg.eig and np.linalg.eigvals (jnp.linalg.eig / eigvals) on the `eig` primitive: the
 * eigen-decomposition of general (nonsymmetric) real square matrices, with complex results as
 * `Complex` pairs of real arrays (lib/numpy/complex.ts), and np.roots on top of them.
 */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { getDefaultFloat, isFloat } from '../core/dtype.js';
import { bind } from '../core/trace.js';
import { Eig } from '../primitives/eig.js';
import { Complex } from './complex.js';
import { asArray, convert } from './promote.js';

/** np.linalg.eig's result: `[eigenvalues, eigenvectors]` (both Complex), also readable by name. */
export type EigResult = readonly [eigenvalues: Complex, eigenvectors: Complex] & {
  /** The eigenvalues, a Complex [..., n]; conjugate pairs adjacent, positive imaginary part first. */
  readonly eigenvalues: Complex;
  /** The right eigenvectors, a Complex [..., n, n]: column j, of unit 2-norm, belongs to eigenvalue j. */
  readonly eigenvectors: Complex;
};

/** `a` as a float square matrix or batch [..., n, n] (integers become the default float, as numpy). */
function asSquareFloat(who: string, a: ArrayOrScalar | Complex): Array {
  if (a instanceof Complex) {
    throw new TypeError(`${who}: complex input (a Complex of shape [${a.shape}]) is not supported; only real matrices are — for a Hermitian matrix use np.linalg.eigh on a real symmetric one, or pass a.real`);
  }
  const x = asArray(a);
  if (x.dtype === 'bool') throw new TypeError(`${who}: got a bool array of shape [${x.shape}]; convert it first, e.g. a.astype('float64')`);
  const f = isFloat(x.dtype) ? x : convert(x, getDefaultFloat());
  if (f.ndim < 2 || f.shape[f.ndim - 1] !== f.shape[f.ndim - 2]) {
    throw new ShapeError(`${who}: expected a square matrix (..., n, n), got shape [${f.shape}]; pass a square matrix or a batch of them${f.ndim < 2 ? ' (reshape a vector, e.g. a.reshape([1, 1]) for one element)' : ''}`);
  }
  return f;
}

/**
 * Eigenvalues and right eigenvectors of a general real square matrix or batch [..., n, n]
 * (numpy's `np.linalg.eig`, JAX's `jnp.linalg.eig`): `A·v[:, j] = w[j]·v[:, j]`.
 *
 * Returns `[eigenvalues, eigenvectors]` (also `.eigenvalues`, `.eigenvectors`), both `Complex`
 * (shapes [..., n] and [..., n, n], the eigenvector of `w[j]` in column j; parts in the input's
 * float dtype, integers becoming the default float), even when every eigenvalue is real — read
 * `.re` then. Eigenvalues come in the order of the Hessenberg QR iteration, as LAPACK's geev
 * (numpy's order for most inputs; it may differ where LAPACK's balancing permutes, e.g. for
 * triangular matrices), complex conjugate pairs adjacent with the positive imaginary part first.
 * Each eigenvector has unit 2-norm and its largest-modulus entry real and positive (LAPACK makes
 * that entry real with either sign, so a vector may differ from numpy's by a sign).
 *
 * Computed on the host in float64 (as JAX, which computes eig on the CPU only; on WebGPU the
 * kernel runs on the host too). Derivatives: eigenvalues as JAX (dw = diag(V⁻¹·dA·V)), and —
 * beyond JAX, which raises — eigenvectors, consistent with the normalisation above; both need
 * distinct eigenvalues (a repeated one gives inf/NaN eigenvector derivatives).
 *
 * @example
 * const [w, v] = np.linalg.eig(np.array([[0, -1], [1, 0]]));  // a rotation by 90°
 * w.im.js();  // [1, -1]: eigenvalues ±i
 */
export function eig(a: ArrayOrScalar | Complex): EigResult {
  const x = asSquareFloat('np.linalg.eig', a);
  const [wr, wi, vr, vi] = bind(Eig, [x], { vectors: true });
  const w = new Complex(wr, wi);
  const v = new Complex(vr, vi);
  return Object.assign([w, v] as const, { eigenvalues: w, eigenvectors: v });
}

/**
 * Eigenvalues of a general real square matrix or batch [..., n, n] (numpy's
 * `np.linalg.eigvals`, JAX's `jnp.linalg.eigvals`), as a `Complex` [..., n], in the order of
 * {@link eig}. Differentiable (JAX's rule dw = diag(V⁻¹·dA·V), for distinct eigenvalues).
 *
 * @example
 * np.linalg.eigvals(np.array([[2, 1], [0, 3]])).re.js();  // [2, 3]
 */
export function eigvals(a: ArrayOrScalar | Complex): Complex {
  const x = asSquareFloat('np.linalg.eigvals', a);
  const [wr, wi] = bind(Eig, [x], { vectors: false });
  return new Complex(wr, wi);
}
