/**
 * NaN-ignoring statistics, cumulative products and static-size binning (digitize, bincount,
 * histogram, isin, interp, gradient), composed from existing ops (no new primitives), so grad, jit
 * and vmap apply to them unchanged. Binning avoids sorting: it compares against every bin edge.
 */
import { Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { arange, array, full } from './creation.js';
import { take } from './indexing.js';
import {
  add, divide, equal, greater, greaterEqual, isnan, less, lessEqual, logicalAnd, logicalNot, logicalOr,
  multiply, negative, sqrt, subtract, where,
} from './math.js';
import { asArray, convert, normAxes, normAxis, promote, sliceAxis, toFloat } from './promote.js';
import { all, any, argmax, argmin, cumsum, max, min, prod, sum, type Axis, type ReduceOpts } from './reductions.js';
import { concatenate, expandDims, pad, ravel, reshape } from './shape.js';
import { checkOperand, describeValue } from './validate.js';

const operand = (who: string, x: ArrayOrScalar): Array => asArray(checkOperand(who, x));
/** NaN replaced by `v` (floats only: other dtypes hold no NaN). */
const fillNan = (a: Array, v: number): Array => (isFloat(a.dtype) ? where(isnan(a), v, a, a.weakType) : a);
/** The number of non-NaN elements over `axis`, as a float of a's dtype. */
const countValid = (a: Array, axis: Axis, keepdims?: boolean): Array => convert(sum(logicalNot(isnan(a)), axis, { keepdims }), toFloat(a).dtype);
/**
 * The values of an Array known now, or null under jit/vmap and on devices that read back only
 * asynchronously (the checks these feed are then skipped, as for traced values).
 */
function known(a: Array): ArrayLike<number> | null {
  if (!(a instanceof ConcreteArray)) return null;
  try {
    return globalThis.Array.from(a.dataSync(), Number);
  } catch {
    return null;
  }
}

/** Sum ignoring NaN (0 for an all-NaN or empty slice). */
export function nansum(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  return sum(fillNan(operand('np.nansum', x), 0), axis, opts);
}

/** Product ignoring NaN (1 for an all-NaN or empty slice). */
export function nanprod(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  return prod(fillNan(operand('np.nanprod', x), 1), axis, opts);
}

/** Mean of the non-NaN elements; NaN for an all-NaN or empty slice; ints give floats. */
export function nanmean(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  const a = toFloat(operand('np.nanmean', x));
  normAxes('np.nanmean', axis, a.ndim);
  return divide(sum(fillNan(a, 0), axis, opts), countValid(a, axis, opts?.keepdims));
}

/** Options of nanvar/nanstd: the divisor is (non-NaN count - ddof), and keepdims. */
export interface NanVarOpts extends ReduceOpts {
  /** Delta degrees of freedom: the divisor is the non-NaN count minus `ddof` (default 0). */
  ddof?: number;
}

function nanVariance(who: string, x: ArrayOrScalar, axis: Axis, opts: NanVarOpts): Array {
  const a = toFloat(operand(who, x));
  normAxes(who, axis, a.ndim);
  const ddof = opts.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) throw new TypeError(`${who}: ddof must be a number, got ${describeValue(ddof)}`);
  const valid = logicalNot(isnan(a));
  const m = divide(sum(fillNan(a, 0), axis, { keepdims: true }), countValid(a, axis, true));
  // The masked deviations are 0, not NaN, so NaN entries get a zero (not NaN) gradient.
  const d = where(valid, subtract(a, m), 0);
  const dof = subtract(countValid(a, axis, opts.keepdims), ddof);
  // numpy gives NaN (not inf) where the degrees of freedom are <= 0; the divisor is made safe
  // there too, so the unused branch's 0/0 does not turn the gradient into NaN.
  const bad = lessEqual(dof, 0);
  return where(bad, NaN, divide(sum(multiply(d, d), axis, { keepdims: opts.keepdims }), where(bad, 1, dof)));
}

/** Variance of the non-NaN elements with numpy's `ddof`; NaN where count - ddof <= 0. */
export function nanvar(x: ArrayOrScalar, axis?: Axis, opts: NanVarOpts = {}): Array {
  return nanVariance('np.nanvar', x, axis, opts);
}

/** Standard deviation of the non-NaN elements with numpy's `ddof` (the root of nanvar). */
export function nanstd(x: ArrayOrScalar, axis?: Axis, opts: NanVarOpts = {}): Array {
  return sqrt(nanVariance('np.nanstd', x, axis, opts));
}

function nanExtremum(who: string, fill: number, reduce: typeof max, x: ArrayOrScalar, axis: Axis, opts?: ReduceOpts): Array {
  const a = operand(who, x);
  const axes = normAxes(who, axis, a.ndim);
  if (axes.some((i) => a.shape[i] === 0)) {
    throw new ShapeError(`${who}: zero-size array (shape [${a.shape}]) to a reduction with no identity; pass an axis that is not empty`);
  }
  if (!isFloat(a.dtype)) return reduce(a, axis, opts);
  const r = reduce(fillNan(a, fill), axis, opts);
  return where(all(isnan(a), axis, opts), NaN, r, a.weakType);
}

/** Maximum ignoring NaN; NaN for an all-NaN slice (numpy warns); an empty slice is an error. */
export const nanmax = (x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array => nanExtremum('np.nanmax', -Infinity, max, x, axis, opts);
/** Minimum ignoring NaN; NaN for an all-NaN slice (numpy warns); an empty slice is an error. */
export const nanmin = (x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array => nanExtremum('np.nanmin', Infinity, min, x, axis, opts);

function nanArg(who: string, fill: number, reduce: typeof argmax, x: ArrayOrScalar, axis: number | null | undefined, opts?: ReduceOpts): Array {
  const a = operand(who, x);
  if (axis !== null && axis !== undefined) {
    const ax = normAxis(who, axis, a.ndim);
    if (a.shape[ax] === 0) throw new ShapeError(`${who}: attempt to get ${who.slice(6)} of an empty sequence (axis ${axis} of shape [${a.shape}])`);
  } else if (a.size === 0) {
    throw new ShapeError(`${who}: attempt to get ${who.slice(6)} of an empty sequence (shape [${a.shape}])`);
  }
  if (!isFloat(a.dtype)) return reduce(a, axis, opts);
  const r = reduce(fillNan(a, fill), axis, opts);
  const allNan = axis === null || axis === undefined
    ? reshape(all(isnan(a)), opts?.keepdims ? a.shape.map(() => 1) : [])
    : all(isnan(a), axis, opts);
  return where(allNan, -1, r);
}

/** Index of the maximum ignoring NaN (first on ties); an all-NaN slice gives -1 as JAX (numpy raises, which jit cannot). */
export const nanargmax = (x: ArrayOrScalar, axis?: number | null, opts?: ReduceOpts): Array => nanArg('np.nanargmax', -Infinity, argmax, x, axis, opts);
/** Index of the minimum ignoring NaN (first on ties); an all-NaN slice gives -1 as JAX (numpy raises, which jit cannot). */
export const nanargmin = (x: ArrayOrScalar, axis?: number | null, opts?: ReduceOpts): Array => nanArg('np.nanargmin', Infinity, argmin, x, axis, opts);

/** Cumulative sum treating NaN as 0; with no axis the array is flattened first. */
export function nancumsum(x: ArrayOrScalar, axis?: number | null): Array {
  return cumsum(fillNan(operand('np.nancumsum', x), 0), axis);
}

/** Cumulative product along `axis` by log-depth doubling; null or undefined flattens first. */
function cumulativeProduct(who: string, a0: Array, axis: number | null | undefined): Array {
  let a = a0.dtype === 'bool' ? convert(a0, 'int32') : a0;
  if (axis === null || axis === undefined || a.ndim === 0) {
    if (a.ndim === 0 && axis !== null && axis !== undefined) normAxis(who, axis, 1);
    a = ravel(a);
    axis = 0;
  }
  const ax = normAxis(who, axis, a.ndim);
  const n = a.shape[ax];
  // Hillis-Steele doubling: after the step with shift k, y[i] holds the product of a[i-2k+1..i].
  // Unlike exp(cumsum(log x)) it is exact for signs and zeros and its gradient stays finite at 0;
  // unlike lax.scan it needs ceil(log2 n) wide multiplies of static shape and no control flow.
  for (let k = 1; k < n; k *= 2) {
    const shifted = pad(sliceAxis(a, ax, 0, n - k), a.shape.map((_, i): [number, number] => (i === ax ? [k, 0] : [0, 0])), { constantValues: 1 });
    a = multiply(a, shifted);
  }
  return a;
}

/** Cumulative product along `axis` (numpy); null or undefined flattens first. */
export function cumprod(x: ArrayOrScalar, axis?: number | null): Array {
  return cumulativeProduct('np.cumprod', operand('np.cumprod', x), axis);
}

/** Cumulative product treating NaN as 1; with no axis the array is flattened first. */
export function nancumprod(x: ArrayOrScalar, axis?: number | null): Array {
  return cumulativeProduct('np.nancumprod', fillNan(operand('np.nancumprod', x), 1), axis);
}

/** A 1-D operand (or the error naming `who` and `what`). */
function vector(who: string, what: string, x: ArrayOrScalar): Array {
  const a = operand(who, x);
  if (a.ndim !== 1) throw new ShapeError(`${who}: ${what} must be 1-D, got shape [${a.shape}]`);
  return a;
}

/** Throws unless the known values `v` never decrease (or, with `either`, never increase). */
function checkMonotonic(who: string, what: string, v: ArrayLike<number> | null, either: boolean): void {
  if (v === null || v.length < 2) return;
  let up = true;
  let down = true;
  for (let i = 1; i < v.length; i++) {
    if (v[i] < v[i - 1]) up = false;
    if (v[i] > v[i - 1]) down = false;
  }
  if (!(up || (either && down))) {
    throw new RangeError(`${who}: ${what} must be monotonically ${either ? 'increasing or decreasing' : 'increasing'}, got [${globalThis.Array.from(v).join(', ')}]`);
  }
}

/** Bin indices: i with bins[i-1] <= x < bins[i] (right: bins[i-1] < x <= bins[i]), as numpy; int32. */
export function digitize(x: ArrayOrScalar, bins: ArrayOrScalar, right = false): Array {
  const who = 'np.digitize';
  const b = vector(who, 'bins', bins);
  checkMonotonic(who, 'bins', known(b), true);
  const [[xa, ba]] = promote([operand(who, x), b]);
  const xe = expandDims(xa, -1);
  const n = ba.shape[0];
  // Counting edges below x is searchsorted without a sort. Decreasing bins count the edges above
  // x instead; the direction is read from the ends, as JAX does, so traced bins work too.
  const incr = sum(right ? less(ba, xe) : lessEqual(ba, xe), -1);
  const decr = sum(right ? greaterEqual(ba, xe) : greater(ba, xe), -1);
  const up = n === 0 ? true : greaterEqual(take(ba, n - 1), take(ba, 0));
  // NaN sorts last in numpy: index n for increasing bins, 0 for decreasing ones.
  return where(up, where(isnan(xa), n, incr), decr);
}

/** Options of bincount: per-element weights, the least output length, and the static length under jit. */
export interface BincountOpts {
  /** One weight per element of `x`: the result sums the weights instead of counting (float). */
  weights?: ArrayOrScalar | null;
  /** The least length of the result (default 0). */
  minlength?: number;
  /** The exact length of the result, required under jit/vmap where it cannot depend on the data; larger values are dropped. */
  length?: number;
}

/** Counts (or weight sums) of each value 0..n-1 of a non-negative int array; under jit/vmap pass a static `length`. */
export function bincount(x: ArrayOrScalar, opts: BincountOpts = {}): Array {
  const who = 'np.bincount';
  let a = vector(who, 'x', x);
  if (a.dtype === 'bool') a = convert(a, 'int32');
  if (isFloat(a.dtype)) throw new TypeError(`${who}: x must hold non-negative integers, got dtype ${a.dtype}; cast with astype('int32')`);
  const minlength = opts.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) throw new RangeError(`${who}: minlength must be a non-negative integer, got ${describeValue(minlength)}`);
  let length = opts.length;
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) throw new RangeError(`${who}: length must be a non-negative integer, got ${describeValue(length)}`);
  const v = known(a);
  if (v !== null) {
    let hi = -1;
    for (let i = 0; i < v.length; i++) {
      if (v[i] < 0) throw new RangeError(`${who}: x must have no negative elements, got ${v[i]} at index ${i}`);
      hi = Math.max(hi, v[i]);
    }
    length ??= Math.max(hi + 1, minlength);
  }
  if (length === undefined) {
    throw new TypeError(`${who}: the output size depends on the values of x, which are traced (jit/vmap); pass a static length, e.g. bincount(x, { length: 10 })`);
  }
  // One-hot rows: onehot[i, k] = (x[i] == k); static shape [n, length], so jit and vmap apply.
  // Traced x is not checked: as JAX, negatives count at 0 and values >= length are dropped.
  const onehot = equal(expandDims(where(less(a, 0), 0, a), -1), arange(0, length, 1, { dtype: 'int32' }));
  if (opts.weights === undefined || opts.weights === null) return sum(onehot, 0);
  const w = operand(who, opts.weights);
  if (w.ndim !== 1 || w.shape[0] !== a.shape[0]) {
    throw new ShapeError(`${who}: weights of shape [${w.shape}] do not match x of shape [${a.shape}]; pass one weight per element`);
  }
  return sum(where(onehot, expandDims(toFloat(w), -1), 0), 0);
}

/** Options of histogram: a bin count (10) or edges, the [min, max] range, weights, density. */
export interface HistogramOpts {
  /** The number of equal-width bins (default 10), or the monotonically increasing bin edges. */
  bins?: number | ArrayOrScalar;
  /** The `[min, max]` the equal-width bins span (default: the data's minimum and maximum); values outside are not counted. */
  range?: readonly [number, number] | null;
  /** One weight per element of `a`: each bin sums the weights instead of counting. */
  weights?: ArrayOrScalar | null;
  /** Normalise the counts to a probability density: each count divided by the total and by its bin's width. */
  density?: boolean;
}

/**
 * Counts of `a` (flattened) in bins [e_i, e_{i+1}), the last bin closed, and the edges: [counts,
 * edges]. `bins` (a count or the edges) may come second as in numpy, `histogram(x, edges, { weights })`,
 * or inside the options.
 */
export function histogram(a: ArrayOrScalar, opts?: HistogramOpts): [Array, Array];
export function histogram(a: ArrayOrScalar, bins: number | Array | readonly number[], opts?: Omit<HistogramOpts, 'bins'>): [Array, Array];
export function histogram(a: ArrayOrScalar, second: HistogramOpts | number | Array | readonly number[] = {}, third: Omit<HistogramOpts, 'bins'> = {}): [Array, Array] {
  const positional = typeof second === 'number' || second instanceof Array || globalThis.Array.isArray(second);
  const opts: HistogramOpts = positional
    ? { ...third, bins: globalThis.Array.isArray(second) ? array([...(second as readonly number[])], { dtype: 'float64' }) : (second as number | Array) }
    : (second as HistogramOpts);
  const who = 'np.histogram';
  let x = toFloat(ravel(operand(who, a)));
  const bins = opts.bins ?? 10;
  let edges: Array;
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`${who}: bins must be a positive integer or an array of edges, got ${describeValue(bins)}`);
    let lo: Array;
    let hi: Array;
    if (opts.range !== undefined && opts.range !== null) {
      const [r0, r1] = opts.range;
      if (!(Number.isFinite(r0) && Number.isFinite(r1))) throw new RangeError(`${who}: range [${r0}, ${r1}] is not finite`);
      if (r0 > r1) throw new RangeError(`${who}: range [${r0}, ${r1}] must have max >= min`);
      lo = full([], r0 === r1 ? r0 - 0.5 : r0, { dtype: x.dtype });
      hi = full([], r0 === r1 ? r1 + 0.5 : r1, { dtype: x.dtype });
    } else if (x.size === 0) {
      lo = full([], 0, { dtype: x.dtype });
      hi = full([], 1, { dtype: x.dtype });
    } else {
      const v = known(x);
      if (v !== null && globalThis.Array.from(v).some((e) => !Number.isFinite(e))) {
        throw new RangeError(`${who}: the range taken from the data is not finite (a holds NaN or inf); pass range: [min, max]`);
      }
      const mn = min(x);
      const mx = max(x);
      const same = equal(mn, mx);
      lo = where(same, subtract(mn, 0.5), mn);
      hi = where(same, add(mx, 0.5), mx);
    }
    // numpy's linspace: i * ((hi - lo) / n) + lo, with the last edge exactly hi.
    const step = divide(subtract(hi, lo), bins);
    const inner = add(multiply(arange(0, bins, 1, { dtype: x.dtype }), step), lo);
    edges = concatenate([inner, reshape(hi, [1])]);
  } else {
    edges = toFloat(vector(who, 'bins', bins));
    if (edges.shape[0] < 1) throw new ShapeError(`${who}: bins must hold at least one edge`);
    checkMonotonic(who, 'bins', known(edges), false);
    [[edges, x]] = promote([edges, x]);
  }
  const nb = edges.shape[0] - 1;
  const xe = expandDims(x, -1);
  const lower = sliceAxis(edges, 0, 0, nb);
  const upper = sliceAxis(edges, 0, 1, nb + 1);
  const isLast = equal(arange(0, nb, 1, { dtype: 'int32' }), nb - 1);
  // in[i, k]: e_k <= x < e_{k+1}, or x <= e_{k+1} for the last bin (numpy closes it).
  const inBin = logicalAnd(greaterEqual(xe, lower), logicalOr(less(xe, upper), logicalAnd(isLast, lessEqual(xe, upper))));
  let counts: Array;
  if (opts.weights === undefined || opts.weights === null) {
    counts = sum(inBin, 0);
  } else {
    const w = ravel(operand(who, opts.weights));
    if (w.size !== x.size) throw new ShapeError(`${who}: weights of size ${w.size} do not match a of size ${x.size}; pass weights of a's shape`);
    counts = sum(where(inBin, expandDims(w, -1), 0), 0);
  }
  if (opts.density) {
    const c = toFloat(counts);
    counts = divide(divide(c, subtract(upper, lower)), sum(c));
  }
  return [counts, edges];
}

/** Whether each element of `element` occurs in `testElements` (shape of element; NaN never matches). */
export function isin(element: ArrayOrScalar, testElements: ArrayOrScalar, opts: { invert?: boolean } = {}): Array {
  const who = 'np.isin';
  const [[e, t]] = promote([operand(who, element), ravel(operand(who, testElements))]);
  const hit = any(equal(expandDims(e, -1), t), -1);
  return opts.invert ? logicalNot(hit) : hit;
}

/** Values used by interp left of xp[0] and right of xp[-1] (fp[0] and fp[-1] by default). */
export interface InterpOpts {
  /** The value for `x < xp[0]` (default `fp[0]`). */
  left?: ArrayOrScalar | null;
  /** The value for `x > xp[-1]` (default `fp[-1]`). */
  right?: ArrayOrScalar | null;
}

/** Piecewise-linear interpolation of (xp, fp) at x, xp increasing; left/right outside, as numpy. */
export function interp(x: ArrayOrScalar, xp: ArrayOrScalar, fp: ArrayOrScalar, opts: InterpOpts = {}): Array {
  const who = 'np.interp';
  const xpa = vector(who, 'xp', xp);
  const fpa = vector(who, 'fp', fp);
  if (xpa.shape[0] !== fpa.shape[0]) throw new ShapeError(`${who}: fp and xp are not of the same length (${fpa.shape[0]} and ${xpa.shape[0]})`);
  const n = xpa.shape[0];
  if (n === 0) throw new ShapeError(`${who}: xp is empty; pass at least one sample point`);
  const [[xIn, xs, fs]] = promote([operand(who, x), xpa, fpa], true);
  // NaN x is swapped for xp[0] and restored at the end: NaN kept out of the arithmetic keeps the
  // gradients of the other entries (and of fp) finite.
  const xNan = isnan(xIn);
  const xa = where(xNan, take(xs, 0), xIn);
  const first = take(fs, 0);
  const last = take(fs, n - 1);
  const leftV = opts.left ?? first;
  const rightV = opts.right ?? last;
  if (n === 1) return where(xNan, NaN, where(less(xa, take(xs, 0)), leftV, where(greater(xa, take(xs, 0)), rightV, first)));
  // jr = (number of xp <= x) - 1: xp[jr] <= x < xp[jr+1], the index numpy's binary search finds.
  const jr = subtract(sum(lessEqual(xs, expandDims(xa, -1)), -1), 1);
  const atEnd = equal(jr, n - 1);
  const j = where(less(jr, 0), 0, where(atEnd, n - 2, jr));
  const x0 = take(xs, j, 0, { mode: 'clip' });
  const x1 = take(xs, add(j, 1), 0, { mode: 'clip' });
  const f0 = take(fs, j, 0, { mode: 'clip' });
  const f1 = take(fs, add(j, 1), 0, { mode: 'clip' });
  const dx = subtract(x1, x0);
  // dx is 0 only on the clipped ends (repeated end points); there the anchor makes the slope moot.
  const slope = divide(subtract(f1, f0), where(equal(dx, 0), 1, dx));
  // At x == xp[-1] anchor on the last point so the value is exactly fp[-1], as numpy.
  const xa0 = where(atEnd, x1, x0);
  const fa0 = where(atEnd, f1, f0);
  let r = add(multiply(slope, subtract(xa, xa0)), fa0);
  // numpy's fallbacks for infinite fp: an exact hit gives fp[j]; then the right end; then a flat run.
  r = where(logicalAnd(isnan(r), equal(xa, xa0)), fa0, r);
  r = where(isnan(r), add(multiply(slope, subtract(xa, x1)), f1), r);
  r = where(logicalAnd(isnan(r), equal(f0, f1)), f0, r);
  return where(xNan, NaN, where(less(xa, take(xs, 0)), leftV, where(greater(xa, take(xs, n - 1)), rightV, r)));
}

/** Options of gradient: the axes (all by default) and the order of the one-sided edge differences. */
export interface GradientOpts {
  /** The axis or axes to differentiate along (default all); several axes give a list with one array each. */
  axis?: number | readonly number[] | null;
  /** The accuracy order of the one-sided differences at the edges: 1 (default) or 2. */
  edgeOrder?: 1 | 2;
}

function isGradientOpts(x: ArrayOrScalar | GradientOpts): x is GradientOpts {
  return typeof x === 'object' && x !== null && !(x instanceof Array) && !globalThis.Array.isArray(x);
}

/** True when the known coordinates `v` are evenly spaced (numpy then uses the scalar formulas). */
function evenlySpaced(v: ArrayLike<number> | null): number | null {
  if (v === null || v.length < 2) return null;
  const d0 = v[1] - v[0];
  for (let i = 2; i < v.length; i++) if (v[i] - v[i - 1] !== d0) return null;
  return d0;
}

/** numpy's gradient: central differences inside, one-sided (edgeOrder 1 or 2) at the edges; a list for several axes. */
export function gradient(f: ArrayOrScalar, ...args: (ArrayOrScalar | GradientOpts)[]): Array | Array[] {
  const who = 'np.gradient';
  const last = args[args.length - 1];
  const opts: GradientOpts = last !== undefined && isGradientOpts(last) ? last : {};
  const spacing = args.filter((s): s is ArrayOrScalar => !isGradientOpts(s));
  const y = toFloat(operand(who, f));
  const edgeOrder = opts.edgeOrder ?? 1;
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new RangeError(`${who}: edgeOrder must be 1 or 2, got ${describeValue(edgeOrder)}`);
  const axes = opts.axis === null || opts.axis === undefined
    ? y.shape.map((_, i) => i)
    : (typeof opts.axis === 'number' ? [normAxis(who, opts.axis, y.ndim)] : opts.axis.map((a) => normAxis(who, a, y.ndim)));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`${who}: repeated axis in [${axes}]; name each axis once`);
  let steps: ArrayOrScalar[];
  if (spacing.length === 0) steps = axes.map(() => 1);
  else if (spacing.length === 1 && operand(who, spacing[0]).ndim === 0) steps = axes.map(() => spacing[0]);
  else if (spacing.length === axes.length) steps = spacing;
  else throw new TypeError(`${who}: got ${spacing.length} spacings for ${axes.length} axes; pass none, one scalar, or one per axis`);
  const out = axes.map((ax, k) => {
    const n = y.shape[ax];
    if (n < edgeOrder + 1) {
      throw new ShapeError(`${who}: axis ${ax} of shape [${y.shape}] is too small for a numerical gradient; at least edgeOrder + 1 = ${edgeOrder + 1} elements are required`);
    }
    const s = operand(who, steps[k]);
    // part(i, j): f[i : n + j] along the axis.
    const part = (i: number, j: number): Array => sliceAxis(y, ax, i, n + j);
    const line = (v: Array): Array => reshape(v, y.shape.map((d, i) => (i === ax ? v.shape[0] : 1)));
    let h: Array | null = null;
    let dxs: Array | null = null;
    if (s.ndim === 0) h = toFloat(s);
    else {
      if (s.ndim !== 1) throw new ShapeError(`${who}: spacing ${k} must be a scalar or 1-D coordinates, got shape [${s.shape}]`);
      if (s.shape[0] !== n) throw new ShapeError(`${who}: coordinates of length ${s.shape[0]} do not match axis ${ax} of f (shape [${y.shape}], length ${n})`);
      const even = evenlySpaced(known(toFloat(s)));
      if (even !== null) h = full([], even, { dtype: y.dtype });
      else {
        const c = toFloat(s);
        dxs = subtract(sliceAxis(c, 0, 1, n), sliceAxis(c, 0, 0, n - 1));
      }
    }
    let mid: Array;
    let lo: Array;
    let hi: Array;
    if (h !== null) {
      mid = divide(subtract(part(2, 0), part(0, -2)), multiply(h, 2));
      if (edgeOrder === 1) {
        lo = divide(subtract(part(1, -n + 2), part(0, -n + 1)), h);
        hi = divide(subtract(part(n - 1, 0), part(n - 2, -1)), h);
      } else {
        // numpy: a·f0 + b·f1 + c·f2 with (a, b, c) = (-1.5, 2, -0.5)/h, mirrored at the far edge.
        lo = add(add(multiply(divide(-1.5, h), part(0, -n + 1)), multiply(divide(2, h), part(1, -n + 2))), multiply(divide(-0.5, h), part(2, -n + 3)));
        hi = add(add(multiply(divide(0.5, h), part(n - 3, -2)), multiply(divide(-2, h), part(n - 2, -1))), multiply(divide(1.5, h), part(n - 1, 0)));
      }
    } else {
      const d = dxs as Array;
      const d1 = line(sliceAxis(d, 0, 0, n - 2));
      const d2 = line(sliceAxis(d, 0, 1, n - 1));
      const a = divide(negative(d2), multiply(d1, add(d1, d2)));
      const b = divide(subtract(d2, d1), multiply(d1, d2));
      const c = divide(d1, multiply(d2, add(d1, d2)));
      mid = add(add(multiply(a, part(0, -2)), multiply(b, part(1, -1))), multiply(c, part(2, 0)));
      const e = (i: number): Array => take(d, i);
      if (edgeOrder === 1) {
        lo = divide(subtract(part(1, -n + 2), part(0, -n + 1)), e(0));
        hi = divide(subtract(part(n - 1, 0), part(n - 2, -1)), e(n - 2));
      } else {
        const [p1, p2] = [e(0), e(1)];
        const la = divide(negative(add(multiply(p1, 2), p2)), multiply(p1, add(p1, p2)));
        const lb = divide(add(p1, p2), multiply(p1, p2));
        const lc = divide(negative(p1), multiply(p2, add(p1, p2)));
        lo = add(add(multiply(la, part(0, -n + 1)), multiply(lb, part(1, -n + 2))), multiply(lc, part(2, -n + 3)));
        const [q1, q2] = [e(n - 3), e(n - 2)];
        const ha = divide(q2, multiply(q1, add(q1, q2)));
        const hb = divide(negative(add(q2, q1)), multiply(q1, q2));
        const hc = divide(add(multiply(q2, 2), q1), multiply(q2, add(q1, q2)));
        hi = add(add(multiply(ha, part(n - 3, -2)), multiply(hb, part(n - 2, -1))), multiply(hc, part(n - 1, 0)));
      }
    }
    return concatenate([lo, mid, hi], ax);
  });
  return out.length === 1 ? out[0] : out;
}
