/** Reductions with numpy's `axis` / `keepdims` conventions. */
import type { Array, ArrayOrScalar } from '../core/array.js';
import type { Primitive } from '../core/primitive.js';
import { bind1 } from '../core/trace.js';
import { accumulationDtype, getDefaultFloat, isFloat } from '../core/dtype.js';
import * as R from '../primitives/reduce.js';
import { Reshape } from '../primitives/shape.js';
import { ShapeError } from '../core/errors.js';
import { asArray, convert, normAxes, normAxis } from './promote.js';
import { divide, multiply, notEqual, sqrt, subtract } from './math.js';

/**
 * The axes a reduction runs over: one axis, a list of axes (negative counts from the end), or
 * `null`/omitted for all of them.
 */
export type Axis = number | readonly number[] | null | undefined;
/** Options of the reductions. */
export interface ReduceOpts {
  /** Keep each reduced axis as size 1, so the result broadcasts against the input (default false). */
  keepdims?: boolean;
}

function keep(r: Array, x: Array, axes: readonly number[], keepdims?: boolean): Array {
  if (!keepdims) return r;
  return bind1(Reshape, [r], { newSizes: x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) }, r.weakType);
}

function reduce(prim: Primitive, who: string, x: Array, axis: Axis, opts?: ReduceOpts): Array {
  const axes = normAxes(who, axis, x.ndim);
  return keep(bind1(prim, [x], { axes }, x.weakType), x, axes, opts?.keepdims);
}

/** Sum (`jnp.sum`); bool and int8 sum as int32, uint8 as uint32 (JAX's integer promotion). */
export function sum(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  return reduce(R.ReduceSum, 'np.sum', accumulating(asArray(x)), axis, opts);
}

const accumulating = (a: Array): Array => (accumulationDtype(a.dtype) === a.dtype ? a : convert(a, accumulationDtype(a.dtype)));

/**
 * The product of the elements over `axis` (`jnp.prod`); bool and int8 multiply as int32, uint8 as uint32. The product of an
 * empty reduction is 1.
 */
export function prod(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  return reduce(R.ReduceProd, 'np.prod', accumulating(asArray(x)), axis, opts);
}

/** The number of elements reduced over `axis`; validates the axes in the name of `who`. */
function count(x: Array, axis: Axis, who: string): number {
  return normAxes(who, axis, x.ndim).reduce((n, i) => n * x.shape[i], 1);
}

/**
 * The arithmetic mean over `axis` (`jnp.mean`); integer and bool input gives the default float
 * dtype. An empty reduction gives NaN.
 */
export function mean(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  const a = asArray(x);
  const n = count(a, axis, 'np.mean');
  const f = isFloat(a.dtype) ? a : convert(a, getDefaultFloat());
  return divide(sum(f, axis, opts), n);
}

function extremum(prim: Primitive, who: string, x: ArrayOrScalar, axis: Axis, opts?: ReduceOpts): Array {
  const a = asArray(x);
  const axes = normAxes(who, axis, a.ndim);
  if (axes.some((i) => a.shape[i] === 0)) {
    throw new ShapeError(`${who}: zero-size array (shape [${a.shape}]) to a reduction with no identity; pass an axis that is not empty`);
  }
  return keep(bind1(prim, [a], { axes }, a.weakType), a, axes, opts?.keepdims);
}

/**
 * The largest element over `axis` (`jnp.max`); NaN if any element is NaN. Throws on an empty
 * reduction, which has no identity.
 */
export const max = (x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array => extremum(R.ReduceMax, 'np.max', x, axis, opts);
/**
 * The smallest element over `axis` (`jnp.min`); NaN if any element is NaN. Throws on an empty
 * reduction, which has no identity.
 */
export const min = (x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array => extremum(R.ReduceMin, 'np.min', x, axis, opts);
/** Alias of `np.max`. */
export const amax = max;
/** Alias of `np.min`. */
export const amin = min;

function argReduce(prim: Primitive, who: string, x: ArrayOrScalar, axis: number | null | undefined, opts?: ReduceOpts): Array {
  let a = asArray(x);
  if (axis === null || axis === undefined) {
    const flat = bind1(Reshape, [a], { newSizes: [a.size] });
    const r = bind1(prim, [flat], { axis: 0 });
    return opts?.keepdims ? bind1(Reshape, [r], { newSizes: a.shape.map(() => 1) }) : r;
  }
  const ax = normAxis(who, axis, a.ndim);
  a = bind1(prim, [a], { axis: ax });
  return keep(a, asArray(x), [ax], opts?.keepdims);
}

/**
 * The int32 index of the first maximum along `axis` (`jnp.argmax`; a NaN counts as the maximum);
 * with no axis, the index into the flattened array.
 */
export const argmax = (x: ArrayOrScalar, axis?: number | null, opts?: ReduceOpts): Array => argReduce(R.Argmax, 'np.argmax', x, axis, opts);
/**
 * The int32 index of the first minimum along `axis` (`jnp.argmin`; a NaN counts as the minimum);
 * with no axis, the index into the flattened array.
 */
export const argmin = (x: ArrayOrScalar, axis?: number | null, opts?: ReduceOpts): Array => argReduce(R.Argmin, 'np.argmin', x, axis, opts);

/** Cumulative sum; with no axis the array is flattened first (numpy). */
export function cumsum(x: ArrayOrScalar, axis?: number | null, opts: { reverse?: boolean } = {}): Array {
  let a = accumulating(asArray(x));
  // numpy flattens for axis=None, and a scalar's cumsum along axis 0 is a 1-element array
  if (axis === null || axis === undefined || a.ndim === 0) {
    if (a.ndim === 0 && axis !== null && axis !== undefined && axis !== 0 && axis !== -1) normAxis('np.cumsum', axis, 1);
    a = bind1(Reshape, [a], { newSizes: [a.size] });
    axis = 0;
  }
  return bind1(R.Cumsum, [a], { axis: normAxis('np.cumsum', axis, a.ndim), reverse: !!opts.reverse }, a.weakType);
}

/** Options of `np.var` and `np.std`. */
export interface VarOpts extends ReduceOpts {
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 0, the population variance; 1 is the sample variance). */
  ddof?: number;
}

/** Variance with numpy's `ddof` (0 by default: the population variance). */
export function var_(x: ArrayOrScalar, axis?: Axis, opts: VarOpts = {}): Array {
  return variance('np.var', x, axis, opts);
}
export { var_ as var };

/** The standard deviation over `axis`, the square root of `np.var` with the same `ddof` (`jnp.std`). */
export const std = (x: ArrayOrScalar, axis?: Axis, opts: VarOpts = {}): Array => sqrt(variance('np.std', x, axis, opts));

function variance(who: string, x: ArrayOrScalar, axis: Axis, opts: VarOpts): Array {
  const a = asArray(x);
  const n = count(a, axis, who);
  const m = mean(a, axis, { keepdims: true });
  const d = subtract(a, m);
  const ss = sum(multiply(d, d), axis, { keepdims: opts.keepdims });
  return divide(ss, Math.max(n - (opts.ddof ?? 0), 0));
}

/** True where every element along the axes is nonzero. */
export function all(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  const a = asArray(x);
  const b = a.dtype === 'bool' ? a : notEqual(a, 0);
  const axes = normAxes('np.all', axis, b.ndim);
  return keep(bind1(R.ReduceMin, [b], { axes }), b, axes, opts?.keepdims);
}

/** True where some element along the axes is nonzero (`jnp.any`): a bool array. */
export function any(x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array {
  const a = asArray(x);
  const b = a.dtype === 'bool' ? a : notEqual(a, 0);
  const axes = normAxes('np.any', axis, b.ndim);
  return keep(bind1(R.ReduceMax, [b], { axes }), b, axes, opts?.keepdims);
}

/** Peak-to-peak range. */
export const ptp = (x: ArrayOrScalar, axis?: Axis, opts?: ReduceOpts): Array => subtract(max(x, axis, opts), min(x, axis, opts));

