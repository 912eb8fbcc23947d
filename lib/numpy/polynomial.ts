/**
 * numpy's polynomial functions on coefficient vectors, highest degree first: poly (from roots),
 * polyadd, polysub, polymul, polydiv, polyder, polyint and polyfit (least squares through
 * np.linalg.lstsq). All are compositions of existing ops, so grad, jit and vmap apply.
 * `roots` (via the companion matrix's eigenvalues) is in polynomial-roots.ts.
 */
import { Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { arange, full } from './creation.js';
import { take } from './indexing.js';
import { lstsq } from './linalg-decomp.js';
import { eigvals } from './linalg-eig.js';
import type { Complex } from './complex.js';
import { add, divide, multiply, sqrt, subtract } from './math.js';
import { asArray, convert, promote, sliceAxis, toFloat } from './promote.js';
import { sum } from './reductions.js';
import { concatenate, expandDims, pad, reshape } from './shape.js';
import { convolve } from './signal.js';
import { checkOperand, describeValue } from './validate.js';

/** Polynomial coefficients: an Array, a number, or a JS array of numbers (highest degree first). */
export type PolyLike = ArrayOrScalar | readonly number[];

/** Coefficients as a 1-D Array (a scalar is a constant polynomial). */
function coeffs(who: string, p: PolyLike): Array {
  const a = globalThis.Array.isArray(p) ? fromList(who, p as readonly number[]) : asArray(checkOperand(who, p as ArrayOrScalar));
  if (a.ndim > 1) throw new ShapeError(`${who}: coefficients must be 1-D (highest degree first), got shape [${a.shape}]`);
  return a.ndim === 0 ? reshape(a, [1]) : a;
}

/** A JS list of numbers as a 1-D Array: int32 when every entry is an integer, else the default float. */
function fromList(who: string, p: readonly number[]): Array {
  if (p.some((v) => typeof v !== 'number')) throw new TypeError(`${who}: coefficients must be numbers, got ${describeValue(p)}; wrap other data with np.array`);
  const allInt = p.every((v) => Number.isInteger(v));
  return p.length ? concatenate(p.map((v) => full([1], v, { dtype: allInt ? 'int32' : undefined }))) : full([0], 0, { dtype: 'int32' });
}

/**
 * The coefficients of the monic polynomial with the given (real) roots, highest degree first; for
 * a square matrix, its characteristic polynomial (from np.linalg.eigvals, real as numpy's).
 */
export function poly(seqOfZeros: PolyLike): Array {
  const who = 'np.poly';
  const r0 = globalThis.Array.isArray(seqOfZeros) ? fromList(who, seqOfZeros as readonly number[]) : asArray(checkOperand(who, seqOfZeros as ArrayOrScalar));
  if (r0.ndim === 2) {
    if (r0.shape[0] !== r0.shape[1] || r0.shape[0] === 0) throw new ShapeError(`${who}: input must be 1-D roots or a non-empty square matrix, got shape [${r0.shape}]`);
    return charPoly(eigvals(toFloat(r0)));
  }
  if (r0.ndim > 1) throw new ShapeError(`${who}: input must be 1-D roots, got shape [${r0.shape}]`);
  const r = toFloat(r0.ndim === 0 ? reshape(r0, [1]) : r0);
  if (r.shape[0] === 0) return full([], 1, { dtype: r.dtype }); // numpy: no roots give the constant 1.0
  let c: Array = full([1], 1, { dtype: r.dtype });
  // Multiply by (x - r_i) one root at a time: c·x - r_i·c.
  for (let i = 0; i < r.shape[0]; i++) {
    c = subtract(concatenate([c, full([1], 0, { dtype: r.dtype })]), multiply(take(r, i), concatenate([full([1], 0, { dtype: r.dtype }), c])));
  }
  return c;
}

/** The real part of Π (x − w_i) over complex roots w (conjugate pairs make it real). */
function charPoly(w: Complex): Array {
  const dt = w.dtype;
  const zero = full([1], 0, { dtype: dt });
  let cr: Array = full([1], 1, { dtype: dt });
  let ci: Array = full([1], 0, { dtype: dt });
  // (c_re + i·c_im)·x − (w_re + i·w_im)·(c_re + i·c_im), one root at a time.
  for (let i = 0; i < w.shape[0]; i++) {
    const [wr, wi] = [take(w.re, i), take(w.im, i)];
    const [sr, si] = [concatenate([zero, cr]), concatenate([zero, ci])];
    [cr, ci] = [
      subtract(concatenate([cr, zero]), subtract(multiply(wr, sr), multiply(wi, si))),
      subtract(concatenate([ci, zero]), add(multiply(wr, si), multiply(wi, sr))),
    ];
  }
  return cr;
}

/** Two coefficient vectors promoted and left-padded with zeros to the same length. */
function aligned(who: string, a1: PolyLike, a2: PolyLike): [Array, Array] {
  const [[a, b]] = promote([coeffs(who, a1), coeffs(who, a2)]);
  const n = Math.max(a.shape[0], b.shape[0]);
  return [pad(a, [[n - a.shape[0], 0]]), pad(b, [[n - b.shape[0], 0]])];
}

/** The sum of two polynomials. */
export function polyadd(a1: PolyLike, a2: PolyLike): Array {
  const [a, b] = aligned('np.polyadd', a1, a2);
  return add(a, b);
}

/** The difference a1 - a2 of two polynomials. */
export function polysub(a1: PolyLike, a2: PolyLike): Array {
  const [a, b] = aligned('np.polysub', a1, a2);
  return subtract(a, b);
}

/** The product of two polynomials (a full convolution of the coefficients). */
export function polymul(a1: PolyLike, a2: PolyLike): Array {
  const [[a, b]] = promote([coeffs('np.polymul', a1), coeffs('np.polymul', a2)]);
  return convolve(a, b, 'full');
}

/** Options of polydiv: drop the remainder's leading zeros (numpy's answer; needs concrete values). */
export interface PolydivOpts {
  /** Trim the remainder's leading zeros as numpy does (needs concrete values); by default it keeps `u`'s length, as JAX. */
  trimLeadingZeros?: boolean;
}

/**
 * `[quotient, remainder]` of u / v by long division (floats). As JAX, the remainder keeps u's
 * length (leading zeros included) unless `trimLeadingZeros` is set, which trims numpy's way and
 * needs concrete values.
 */
export function polydiv(u: PolyLike, v: PolyLike, opts: PolydivOpts = {}): [Array, Array] {
  const who = 'np.polydiv';
  const [[ua, va]] = promote([coeffs(who, u), coeffs(who, v)], true);
  const m = ua.shape[0] - 1;
  const n = va.shape[0] - 1;
  if (n < 0) throw new ShapeError(`${who}: the divisor v must have at least one coefficient`);
  const scale = divide(1, take(va, 0));
  let r = ua;
  const q: Array[] = [];
  for (let k = 0; k <= m - n; k++) {
    const d = multiply(scale, take(r, k));
    q.push(reshape(d, [1]));
    // r[k : k+n+1] -= d·v, written as a subtraction of v shifted to position k.
    r = subtract(r, multiply(d, pad(va, [[k, m - n - k]])));
  }
  const quotient = q.length ? concatenate(q) : full([1], 0, { dtype: ua.dtype });
  if (!opts.trimLeadingZeros) return [quotient, r];
  if (!(r instanceof ConcreteArray)) throw new ShapeError(`${who}: trimLeadingZeros makes the remainder's length depend on its values, which are traced (jit/vmap); leave it off`);
  const vals = globalThis.Array.from(r.dataSync(), Number);
  let lo = 0;
  // numpy: drop leading entries that are 0 within allclose(r[0], 0, rtol=1e-14), i.e. |r[0]| <= 1e-8.
  while (lo < vals.length - 1 && Math.abs(vals[lo]) <= 1e-8) lo++;
  return [quotient, sliceAxis(r, 0, lo, vals.length)];
}

/** The m-th derivative (m >= 0) of a polynomial; empty once every coefficient is gone, as numpy. */
export function polyder(p: PolyLike, m = 1): Array {
  const who = 'np.polyder';
  if (!Number.isInteger(m) || m < 0) throw new RangeError(`${who}: order of derivative must be a non-negative integer, got ${describeValue(m)}`);
  let c = coeffs(who, p);
  for (let i = 0; i < m; i++) {
    if (c.shape[0] === 0) return c;
    const n = c.shape[0] - 1;
    c = multiply(sliceAxis(c, 0, 0, n), arange(n, 0, -1, { dtype: c.dtype === 'bool' ? 'int32' : c.dtype }));
  }
  return c;
}

/** The m-th antiderivative of a polynomial, integration constants `k` (one, or one per integration; first used first). */
export function polyint(p: PolyLike, m = 1, k: number | readonly number[] | Array = 0): Array {
  const who = 'np.polyint';
  if (!Number.isInteger(m) || m < 0) throw new RangeError(`${who}: order of integral must be a non-negative integer, got ${describeValue(m)}`);
  let c = toFloat(coeffs(who, p));
  const ks = k instanceof Array ? reshape(k, [-1]) : fromList(who, typeof k === 'number' ? [k] : [...k]);
  const nk = ks.shape[0];
  if (nk !== 1 && nk !== m) throw new ShapeError(`${who}: k must be a scalar or a list of length m=${m}, got ${nk} constants`);
  for (let i = 0; i < m; i++) {
    const n = c.shape[0];
    const ki = convert(take(ks, nk === 1 ? 0 : i), c.dtype);
    c = concatenate([divide(c, arange(n, 0, -1, { dtype: c.dtype })), reshape(ki, [1])]);
  }
  return c;
}

/** Options of polyfit: per-point weights `w` (applied to the residuals) and lstsq's `rcond`. */
export interface PolyfitOpts {
  /** One weight per point, multiplying the residuals (for Gaussian noise, 1/σ). */
  w?: ArrayOrScalar;
  /** The relative cutoff for small singular values, as `np.linalg.lstsq`'s. */
  rcond?: number;
}

/**
 * Least-squares polynomial of degree `deg` through (x, y), highest degree first; a 2-D y fits each
 * column (result [deg + 1, k]). Solved by np.linalg.lstsq on the column-scaled Vandermonde
 * matrix, as numpy.
 */
export function polyfit(x: ArrayOrScalar, y: ArrayOrScalar, deg: number, opts: PolyfitOpts = {}): Array {
  const who = 'np.polyfit';
  if (!Number.isInteger(deg) || deg < 0) throw new RangeError(`${who}: deg must be a non-negative integer, got ${describeValue(deg)}`);
  const [[xa, ya]] = promote([checkOperand(who, x), checkOperand(who, y)], true);
  if (xa.ndim !== 1) throw new ShapeError(`${who}: x must be 1-D, got shape [${xa.shape}]`);
  if (xa.shape[0] === 0) throw new ShapeError(`${who}: x must not be empty`);
  if (ya.ndim < 1 || ya.ndim > 2) throw new ShapeError(`${who}: y must be 1-D or 2-D, got shape [${ya.shape}]`);
  if (ya.shape[0] !== xa.shape[0]) throw new ShapeError(`${who}: x and y must have the same number of points, got ${xa.shape[0]} and ${ya.shape[0]}`);
  const order = deg + 1;
  // Vandermonde columns x^deg ... x^0.
  let lhs = concatenate(globalThis.Array.from({ length: order }, (_, j) => expandDims(powInt(xa, deg - j), 1)), 1);
  let rhs = ya;
  if (opts.w !== undefined) {
    const w = toFloat(asArray(checkOperand(who, opts.w)));
    if (w.ndim !== 1 || w.shape[0] !== xa.shape[0]) throw new ShapeError(`${who}: w must be 1-D with one weight per point (${xa.shape[0]}), got shape [${w.shape}]`);
    lhs = multiply(lhs, expandDims(w, 1));
    rhs = multiply(rhs, ya.ndim === 2 ? expandDims(w, 1) : w);
  }
  // Scaling the columns to unit norm improves the conditioning; the solution is scaled back.
  const scale = sqrt(sum(multiply(lhs, lhs), 0));
  const c = lstsq(divide(lhs, scale), rhs, opts.rcond)[0];
  return divide(c, ya.ndim === 2 ? expandDims(scale, 1) : scale);
}

/** x^k for a static integer k >= 0 by repeated multiplication (exact for small k, differentiable at 0). */
function powInt(x: Array, k: number): Array {
  let r: Array = add(multiply(x, 0), 1);
  for (let i = 0; i < k; i++) r = multiply(r, x);
  return r;
}
