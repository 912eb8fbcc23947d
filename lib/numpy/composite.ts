/**
 * numpy functions built by composing existing ops (no new primitives), so grad, jit and vmap apply
 * to them unchanged: differences and integrals, tolerant comparisons, NaN-aware elementwise math,
 * weighted statistics, polynomials and multi-way selection.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { full, zerosLike } from './creation.js';
import { sliceIndex } from './indexing.js';
import { finfo } from './dtype-info.js';
import { diagonal, matmul } from './linalg.js';
import {
  abs, add, clip, divide, equal, exp2, greater, isfinite, isnan, less, lessEqual, log1p, logicalAnd,
  logicalOr, maximum, minimum, multiply, negative, notEqual, sin, sqrt, subtract, where,
} from './math.js';
import { asArray, broadcastShapes, convert, normAxis, promote, sliceAxis, toFloat } from './promote.js';
import { all, mean, sum } from './reductions.js';
import { atLeast2d, ravel, reshape, squeeze, transpose } from './shape.js';
import { checkOperand, describeValue } from './validate.js';

/** π. */
export const pi = Math.PI;
/** Euler's number e. */
export const e = Math.E;
/** Positive infinity. */
export const inf = Infinity;
/** Not a number. */
export const nan = NaN;
/** `null`: an index entry that inserts a new axis of size 1, as `np.newaxis`. */
export const newaxis = null;


function operand(who: string, x: ArrayOrScalar): Array {
  return asArray(checkOperand(who, x));
}

/** Two operands promoted together; shapes that do not broadcast are reported in the name of `who`. */
function pair(who: string, a: ArrayOrScalar, b: ArrayOrScalar, minFloat = false): [Array, Array] {
  const [[x, y]] = promote([checkOperand(who, a), checkOperand(who, b)], minFloat);
  broadcastShapes(who, x.shape, y.shape);
  return [x, y];
}

/** The n-th discrete difference along `axis`; booleans differ by `!==`, as numpy's diff does. */
export function diff(x: ArrayOrScalar, n = 1, axis = -1): Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`np.diff: order n must be a non-negative integer, got ${describeValue(n)}`);
  let a = operand('np.diff', x);
  if (a.ndim === 0) throw new ShapeError('np.diff: diff requires input that is at least one dimensional, got a 0-d array; wrap it with np.atLeast1d');
  const ax = normAxis('np.diff', axis, a.ndim);
  for (let i = 0; i < n; i++) {
    const len = a.shape[ax];
    const hi = sliceAxis(a, ax, Math.min(1, len), len);
    const lo = sliceAxis(a, ax, 0, Math.max(len - 1, 0));
    a = a.dtype === 'bool' ? notEqual(hi, lo) : subtract(hi, lo);
  }
  return a;
}

/** Differences between consecutive elements of the flattened array. */
export function ediff1d(x: ArrayOrScalar): Array {
  return diff(ravel(operand('np.ediff1d', x)), 1, 0);
}

/** Options of trapezoid: the sample spacing `dx` (1) when no `x` is given, and the `axis` (-1). */
export interface TrapezoidOpts {
  /** The spacing between samples when no `x` is given (default 1). */
  dx?: number;
  /** The axis to integrate along (default -1, the last). */
  axis?: number;
}

/** Integral of `y` along `axis` by the trapezoidal rule, at sample points `x` or spacing `dx`. */
export function trapezoid(y: ArrayOrScalar, x?: ArrayOrScalar | null, opts: TrapezoidOpts = {}): Array {
  const ya = operand('np.trapezoid', y);
  if (ya.ndim === 0) throw new ShapeError('np.trapezoid: y must be at least one dimensional, got a 0-d array');
  const ax = normAxis('np.trapezoid', opts.axis ?? -1, ya.ndim);
  let d: ArrayOrScalar = opts.dx ?? 1;
  if (x !== undefined && x !== null) {
    const xa = operand('np.trapezoid', x);
    if (xa.ndim === 1) {
      if (xa.shape[0] !== ya.shape[ax]) {
        throw new ShapeError(`np.trapezoid: x of shape [${xa.shape}] does not match axis ${ax} of y (shape [${ya.shape}]); pass one sample point per element of that axis`);
      }
      // A 1-D x lies along `axis`: give its differences that axis and size-1 axes elsewhere.
      d = reshape(diff(xa), ya.shape.map((s, i) => (i === ax ? Math.max(s - 1, 0) : 1)));
    } else {
      if (xa.ndim !== ya.ndim) {
        throw new ShapeError(`np.trapezoid: x of shape [${xa.shape}] must be 1-D or have y's rank (y has shape [${ya.shape}])`);
      }
      d = diff(xa, 1, ax);
    }
  }
  const len = ya.shape[ax];
  const mid = add(sliceAxis(ya, ax, Math.min(1, len), len), sliceAxis(ya, ax, 0, Math.max(len - 1, 0)));
  return sum(divide(multiply(d, mid), 2), ax);
}

/** Tolerances of isclose/allclose (numpy's defaults 1e-5 and 1e-8), and whether NaN equals NaN. */
export interface CloseOpts {
  /** The relative tolerance, a multiple of `|b|` (default 1e-5). */
  rtol?: number;
  /** The absolute tolerance (default 1e-8). */
  atol?: number;
  /** Count NaN as close to NaN (default false). */
  equalNan?: boolean;
}

/** Elementwise `|a - b| <= atol + rtol·|b|` (asymmetric in b, as numpy); infinities must be equal. */
export function isclose(a: ArrayOrScalar, b: ArrayOrScalar, opts: CloseOpts = {}): Array {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = opts;
  const [x, y] = pair('np.isclose', a, b, true);
  const finite = logicalAnd(isfinite(x), isfinite(y));
  const near = lessEqual(abs(subtract(x, y)), add(atol, multiply(rtol, abs(y))));
  const r = where(finite, near, equal(x, y));
  return equalNan ? logicalOr(r, logicalAnd(isnan(x), isnan(y))) : r;
}

/** Whether every element of `a` is close to `b` (see isclose); a bool 0-d Array. */
export function allclose(a: ArrayOrScalar, b: ArrayOrScalar, opts: CloseOpts = {}): Array {
  return all(isclose(a, b, opts));
}

/** Whether `a` and `b` have the same shape and elements (NaN equal to NaN only with equalNan); a bool 0-d Array. */
export function arrayEqual(a: ArrayOrScalar, b: ArrayOrScalar, opts: { equalNan?: boolean } = {}): Array {
  const x = operand('np.arrayEqual', a);
  const y = operand('np.arrayEqual', b);
  if (x.ndim !== y.ndim || x.shape.some((s, i) => s !== y.shape[i])) return full([], false, { dtype: 'bool' });
  const eq = equal(x, y);
  return all(opts.equalNan ? logicalOr(eq, logicalAnd(isnan(x), isnan(y))) : eq);
}

/** The number of nonzero elements, over all axes or along `axis` (int32). */
export function countNonzero(x: ArrayOrScalar, axis?: number | readonly number[] | null): Array {
  const a = operand('np.countNonzero', x);
  return sum(convert(notEqual(a, 0), 'int32'), axis);
}

/** True where the sign bit is set: negative numbers and -0 (NaN's sign bit is not observable here). */
export function signbit(x: ArrayOrScalar): Array {
  const a = operand('np.signbit', x);
  if (!isFloat(a.dtype)) return less(a, 0);
  // -0 == 0, so it is told apart by the sign of its reciprocal, -inf.
  return logicalOr(less(a, 0), logicalAnd(equal(a, 0), less(divide(1, a), 0)));
}

/** The magnitude of `a` with the sign of `b` (-0 counts as negative); integers become floats. */
export function copysign(a: ArrayOrScalar, b: ArrayOrScalar): Array {
  const [x, y] = pair('np.copysign', a, b, true);
  const m = abs(x);
  return where(signbit(y), negative(m), m);
}

/** Elementwise maximum that ignores NaN: NaN only where both are NaN. */
export function fmax(a: ArrayOrScalar, b: ArrayOrScalar): Array {
  const [x, y] = pair('np.fmax', a, b);
  return where(isnan(y), x, where(isnan(x), y, maximum(x, y)));
}

/** Elementwise minimum that ignores NaN: NaN only where both are NaN. */
export function fmin(a: ArrayOrScalar, b: ArrayOrScalar): Array {
  const [x, y] = pair('np.fmin', a, b);
  return where(isnan(y), x, where(isnan(x), y, minimum(x, y)));
}

/** Normalized sinc, sin(πx)/(πx), equal to 1 at 0. */
export function sinc(x: ArrayOrScalar): Array {
  const a = toFloat(operand('np.sinc', x));
  const y = multiply(a, Math.PI);
  // Double where: the quotient never sees y == 0, so its derivative stays finite; near 0 the
  // Taylor series 1 - y²/6 + y⁴/120 is exact to rounding and gives correct first and second derivatives.
  const small = less(abs(y), 1e-3);
  const safe = where(small, 1, y);
  const y2 = multiply(y, y);
  const series = add(1, multiply(y2, add(-1 / 6, multiply(y2, 1 / 120))));
  return where(small, series, divide(sin(safe), safe));
}

/** log2(2^a + 2^b) without overflow; a + b where the difference is NaN (equal infinities, NaN). */
export function logaddexp2(a: ArrayOrScalar, b: ArrayOrScalar): Array {
  const [x, y] = pair('np.logaddexp2', a, b, true);
  const hi = maximum(x, y);
  const delta = subtract(minimum(x, y), hi);
  return where(isnan(delta), add(x, y), add(hi, multiply(log1p(exp2(delta)), 1 / Math.LN2)));
}

/** Heaviside step: 0 for x < 0, `h0` at 0, 1 for x > 0, NaN for NaN; integers become floats. */
export function heaviside(x: ArrayOrScalar, h0: ArrayOrScalar): Array {
  const [a, h] = pair('np.heaviside', x, h0, true);
  return where(isnan(a), NaN, where(less(a, 0), 0, where(greater(a, 0), 1, h)));
}


/** Replacements for NaN, +inf and -inf in nanToNum. */
export interface NanToNumOpts {
  /** The replacement for NaN (default 0). */
  nan?: number;
  /** The replacement for +∞ (default the dtype's largest finite value). */
  posinf?: number;
  /** The replacement for -∞ (default the dtype's most negative finite value). */
  neginf?: number;
}

/** Replaces NaN with `nan` (0) and ±inf with `posinf`/`neginf` (the dtype's largest finite values). */
export function nanToNum(x: ArrayOrScalar, opts: NanToNumOpts = {}): Array {
  const a = operand('np.nanToNum', x);
  if (!isFloat(a.dtype)) return a;
  const big = finfo(a.dtype).max;
  const { nan: nanValue = 0, posinf = big, neginf = -big } = opts;
  const w = a.weakType;
  return where(isnan(a), nanValue, where(equal(a, Infinity), posinf, where(equal(a, -Infinity), neginf, a, w), w), w);
}

/** The (weighted) mean along `axis`: sum(x·w) / sum(w). */
export function average(x: ArrayOrScalar, axis?: number | null, opts: { weights?: ArrayOrScalar } = {}): Array {
  const a = operand('np.average', x);
  if (opts.weights === undefined) return mean(a, axis);
  let w = operand('np.average', opts.weights);
  const same = w.ndim === a.ndim && w.shape.every((s, i) => s === a.shape[i]);
  if (!same) {
    if (axis === null || axis === undefined) {
      throw new ShapeError(`np.average: weights of shape [${w.shape}] differ from x's shape [${a.shape}]; pass an axis for 1-D weights, or weights of x's shape`);
    }
    const ax = normAxis('np.average', axis, a.ndim);
    if (w.ndim !== 1) throw new ShapeError(`np.average: weights of shape [${w.shape}] must be 1-D or have x's shape [${a.shape}]`);
    if (w.shape[0] !== a.shape[ax]) {
      throw new ShapeError(`np.average: weights of length ${w.shape[0]} do not fit axis ${axis} of x (shape [${a.shape}], length ${a.shape[ax]})`);
    }
    w = reshape(w, a.shape.map((s, i) => (i === ax ? s : 1)));
  }
  return divide(sum(multiply(toFloat(a), w), axis), sum(toFloat(w), axis));
}

/** Options of cov: variables in rows (true) or columns, and the divisor n - ddof (ddof 1, or 0 with bias). */
export interface CovOpts {
  /** Each row is a variable and each column an observation (default true); false swaps them. */
  rowvar?: boolean;
  /** Divide by `n` instead of `n - 1` (default false); ignored when `ddof` is given. */
  bias?: boolean;
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 1, or 0 with `bias`). */
  ddof?: number | null;
}

/** Covariance matrix of variables in rows (columns with rowvar false); 0-d for a single variable. */
export function cov(m: ArrayOrScalar, opts: CovOpts = {}): Array {
  const { rowvar = true, bias = false } = opts;
  const a = operand('np.cov', m);
  if (a.ndim > 2) throw new ShapeError(`np.cov: m must be 1-D or 2-D, got shape [${a.shape}]`);
  let v = toFloat(atLeast2d(a));
  // A 1-D m is one variable whatever rowvar says; a 2-D m is transposed, even with one row.
  if (!rowvar && a.ndim !== 1) v = transpose(v);
  if (v.shape[0] === 0) return reshape(v, [0, 0]);
  const ddof = opts.ddof ?? (bias ? 0 : 1);
  const centered = subtract(v, mean(v, 1, { keepdims: true }));
  // numpy divides by max(n - ddof, 0), so too few observations give inf/NaN rather than an error.
  const c = divide(matmul(centered, transpose(centered)), Math.max(v.shape[1] - ddof, 0));
  return squeeze(c);
}

/** Pearson correlation coefficients (cov normalised by the standard deviations), clipped to [-1, 1]. */
export function corrcoef(x: ArrayOrScalar, opts: { rowvar?: boolean } = {}): Array {
  const c = cov(x, { rowvar: opts.rowvar });
  if (c.ndim === 0) return divide(c, c); // numpy's answer for a single variable: 1 (NaN if constant)
  const s = sqrt(diagonal(c));
  const r = divide(divide(c, reshape(s, [-1, 1])), reshape(s, [1, -1]));
  return clip(r, -1, 1);
}

/** The polynomial with coefficients `p` (highest degree first) at `x`, by Horner's rule. */
export function polyval(p: ArrayOrScalar | readonly ArrayOrScalar[], x: ArrayOrScalar): Array {
  const xa = operand('np.polyval', x);
  let coeffs: ArrayOrScalar[];
  if (globalThis.Array.isArray(p)) coeffs = [...(p as readonly ArrayOrScalar[])];
  else {
    const pa = operand('np.polyval', p as ArrayOrScalar);
    if (pa.ndim !== 1) throw new ShapeError(`np.polyval: p must be 1-D (coefficients, highest degree first), got shape [${pa.shape}]`);
    coeffs = globalThis.Array.from({ length: pa.shape[0] }, (_, i) => sliceIndex(pa, [i]));
  }
  let y = zerosLike(xa);
  for (const c of coeffs) y = add(multiply(y, xa), checkOperand('np.polyval', c));
  return y;
}

/** Picks, elementwise, the choice of the first true condition, else `default`. */
export function select(condlist: readonly ArrayOrScalar[], choicelist: readonly ArrayOrScalar[], default_: ArrayOrScalar = 0): Array {
  if (!globalThis.Array.isArray(condlist) || !globalThis.Array.isArray(choicelist)) {
    throw new TypeError(`np.select: condlist and choicelist must be JS arrays of Arrays, got ${describeValue(condlist)} and ${describeValue(choicelist)}`);
  }
  if (condlist.length !== choicelist.length) {
    throw new ShapeError(`np.select: condlist has ${condlist.length} entries but choicelist has ${choicelist.length}; pass one choice per condition`);
  }
  if (condlist.length === 0) throw new ShapeError('np.select: select with an empty condition list is not possible');
  const conds = condlist.map((c, i) => {
    const a = operand('np.select', c);
    if (a.dtype !== 'bool') throw new TypeError(`np.select: invalid entry ${i} in condlist: should be a bool Array, got dtype ${a.dtype}; compare it (e.g. x > 0) or cast with astype('bool')`);
    return a;
  });
  const choices = choicelist.map((c) => operand('np.select', c));
  let r = operand('np.select', default_);
  broadcastShapes('np.select', ...conds.map((c) => c.shape), ...choices.map((c) => c.shape), r.shape);
  // Later conditions are applied first so that the first true condition wins.
  for (let i = conds.length - 1; i >= 0; i--) r = where(conds[i], choices[i], r);
  return r;
}
