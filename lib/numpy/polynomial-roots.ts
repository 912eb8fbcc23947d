/**
 * np.roots (jnp.roots): the roots of a polynomial as the eigenvalues of its companion matrix
 * (np.linalg.eigvals), beside lib/numpy/polynomial.ts's coefficient functions.
 */
import type { ArrayOrScalar } from '../core/array.js';
import { ConcretizationError, ShapeError } from '../core/errors.js';
import { Complex } from './complex.js';
import { array, eye, zeros } from './creation.js';
import { eigvals } from './linalg-eig.js';
import { divide, negative } from './math.js';
import { asArray, sliceAxis, toFloat } from './promote.js';
import { concatenate, expandDims, reshape } from './shape.js';
import type { PolyLike } from './polynomial.js';

/** Options of {@link roots}. */
export interface RootsOpts {
  /**
   * Strip leading zero coefficients and turn trailing ones into exact zero roots, as numpy (and
   * JAX's default); reads the coefficients' values, so it fails under `jit`/`vmap` (default true).
   * With false, nothing is read (traceable): `p[0]` must be nonzero — a leading zero gives NaN roots
   * (all of them, where JAX's keeps the others).
   */
  stripZeros?: boolean;
}

/**
 * The roots of the polynomial p[0]·xⁿ + … + p[n] (coefficients highest degree first), numpy's
 * `np.roots`, JAX's `jnp.roots`: the eigenvalues of the companion matrix, whose first row is
 * −p[1:]/p[0] and whose subdiagonal is ones. Returns a `Complex` of shape [k] — always, even when
 * every root is real (numpy returns real roots then; read `.re`) — with parts in p's float dtype
 * (integers become the default float). Roots come in the eigenvalue order of
 * `np.linalg.eigvals`; trailing zero coefficients add exact zero roots at the end; a constant (or
 * all-zero) p has no roots. Differentiable with respect to p for simple roots.
 *
 * @example
 * np.roots([1, -3, 2]).re.js();   // [2, 1]: x² − 3x + 2 = (x − 1)(x − 2)
 * np.roots([1, 0, 1]).im.js();    // [1, -1]: ±i
 */
export function roots(p: PolyLike, opts: RootsOpts = {}): Complex {
  const who = 'np.roots';
  if (p instanceof Complex) throw new TypeError(`${who}: complex coefficients (a Complex of shape [${p.shape}]) are not supported; pass real coefficients`);
  const raw = globalThis.Array.isArray(p) ? array(p as readonly number[]) : asArray(p as ArrayOrScalar);
  if (raw.dtype === 'bool') throw new TypeError(`${who}: got bool coefficients; convert them first, e.g. p.astype('float64')`);
  let c = toFloat(raw.ndim === 0 ? reshape(raw, [1]) : raw);
  if (c.ndim !== 1) throw new ShapeError(`${who}: coefficients must be a 1-D array (highest degree first), got shape [${raw.shape}]`);
  let trailing = 0;
  if (opts.stripZeros ?? true) {
    let v: number[];
    try {
      v = globalThis.Array.from(c.dataSync(), Number);
    } catch (e) {
      const why = `${who}: stripping zero coefficients reads their values, which cannot be read here; pass { stripZeros: false } (p[0] must then be nonzero)`;
      if (e instanceof ConcretizationError) throw new ConcretizationError(`${why}, or call np.roots outside jit/vmap. ${e.message}`);
      throw new Error(`${why}. ${e instanceof Error ? e.message : String(e)}`);
    }
    let lo = 0;
    let hi = v.length;
    while (lo < hi && v[lo] === 0) lo++;
    while (hi > lo && v[hi - 1] === 0) hi--;
    trailing = lo === hi ? 0 : v.length - hi;
    c = sliceAxis(c, 0, lo, hi);
  }
  const n = c.shape[0];
  const dt = c.dtype;
  let r: Complex;
  if (n < 2) {
    r = new Complex(zeros([0], { dtype: dt }), zeros([0], { dtype: dt }));
  } else {
    const first = expandDims(divide(negative(sliceAxis(c, 0, 1, n)), sliceAxis(c, 0, 0, 1)), 0);
    const companion = n === 2 ? first : concatenate([first, eye(n - 2, n - 1, { dtype: dt })], 0);
    r = eigvals(companion);
  }
  if (trailing === 0) return r;
  const z = zeros([trailing], { dtype: dt });
  return new Complex(concatenate([r.re, z]), concatenate([r.im, z]));
}
