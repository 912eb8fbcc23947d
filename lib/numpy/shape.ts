/** Shape manipulation: reshape, transpose, axes, broadcasting, joining, tiling and padding. */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { bind1, bindSource } from '../core/trace.js';
import type { DType } from '../core/dtype.js';
import { isDType } from '../core/dtype.js';
import * as S from '../primitives/shape.js';
import { ShapeError } from '../core/errors.js';
import { asArray, broadcastTo as bcastTo, convert, normAxes, normAxis, promote } from './promote.js';
import { greaterEqual, lessEqual, subtract, where } from './math.js';
import { checkList } from './validate.js';

/**
 * The same elements in row-major order, with a new shape (`jnp.reshape`); one entry may be -1,
 * inferred from the size.
 *
 * @example
 * ```ts
 * np.reshape(np.arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: ArrayOrScalar, shape: number | readonly number[]): Array {
  const a = asArray(x);
  const s = typeof shape === 'number' ? [shape] : [...checkList('np.reshape', 'shape', shape, 'an integer or a JS array of integers such as [2, -1]')];
  const unknown = s.filter((d) => d === -1).length;
  if (unknown > 1 || s.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError(`np.reshape: invalid target shape [${s}]; use non-negative sizes and at most one -1`);
  }
  if (unknown) {
    const known = s.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || a.size % known !== 0) {
      throw new ShapeError(`np.reshape: cannot reshape array of size ${a.size} (shape [${a.shape}]) into shape [${s}]`);
    }
    s[s.indexOf(-1)] = a.size / known;
  }
  if (s.reduce((p, d) => p * d, 1) !== a.size) {
    throw new ShapeError(`np.reshape: cannot reshape array of size ${a.size} (shape [${a.shape}]) into shape [${s}]`);
  }
  if (s.length === a.ndim && s.every((d, i) => d === a.shape[i])) return a;
  return bind1(S.Reshape, [a], { newSizes: s }, a.weakType);
}

/** Permutes axes; the default reverses them. */
export function transpose(x: ArrayOrScalar, axes?: readonly number[]): Array {
  const a = asArray(x);
  const perm = axes ? checkList('np.transpose', 'axes', axes, 'a JS array permuting the axes, such as [1, 0]').map((ax) => normAxis('np.transpose', ax, a.ndim)) : a.shape.map((_, i) => a.ndim - 1 - i);
  if (perm.length !== a.ndim || new Set(perm).size !== perm.length) {
    throw new ShapeError(`np.transpose: axes [${axes}] are not a permutation of the ${a.ndim} axes of shape [${a.shape}]`);
  }
  if (perm.every((p, i) => p === i) && perm.length === a.ndim) return a;
  return bind1(S.Transpose, [a], { permutation: perm }, a.weakType);
}

/** Alias of `np.transpose` (`jnp.permute_dims`). */
export const permuteDims = transpose;

/** Exchanges axes `a1` and `a2` (`jnp.swapaxes`); negative axes count from the end. */
export function swapaxes(x: ArrayOrScalar, a1: number, a2: number): Array {
  const a = asArray(x);
  const perm = a.shape.map((_, i) => i);
  const i = normAxis('np.swapaxes', a1, a.ndim);
  const j = normAxis('np.swapaxes', a2, a.ndim);
  [perm[i], perm[j]] = [perm[j], perm[i]];
  return transpose(a, perm);
}

/** Moves the `source` axes to the `destination` positions, keeping the other axes in order (`jnp.moveaxis`). */
export function moveaxis(x: ArrayOrScalar, source: number | readonly number[], destination: number | readonly number[]): Array {
  const a = asArray(x);
  const src = (typeof source === 'number' ? [source] : source).map((s) => normAxis('np.moveaxis', s, a.ndim));
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) => normAxis('np.moveaxis', d, a.ndim));
  if (src.length !== dst.length) throw new ShapeError('np.moveaxis: source and destination must have the same number of axes');
  const rest = a.shape.map((_, i) => i).filter((i) => !src.includes(i));
  const perm: number[] = new globalThis.Array(a.ndim);
  dst.forEach((d, k) => (perm[d] = src[k]));
  let r = 0;
  for (let i = 0; i < a.ndim; i++) if (perm[i] === undefined) perm[i] = rest[r++];
  return transpose(a, perm);
}

/** Removes size-1 axes (all of them by default). */
export function squeeze(x: ArrayOrScalar, axis?: number | readonly number[]): Array {
  const a = asArray(x);
  const dims = axis === undefined ? a.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normAxes('np.squeeze', axis, a.ndim);
  const bad = dims.find((d) => a.shape[d] !== 1);
  if (bad !== undefined) throw new ShapeError(`np.squeeze: cannot select an axis to squeeze out which has size not equal to one (axis ${bad} of shape [${a.shape}])`);
  return dims.length ? bind1(S.Squeeze, [a], { dimensions: dims }, a.weakType) : a;
}

/** Inserts size-1 axes at the given positions of the result. */
export function expandDims(x: ArrayOrScalar, axis: number | readonly number[]): Array {
  const a = asArray(x);
  const list = typeof axis === 'number' ? [axis] : axis;
  const dims = normAxes('np.expandDims', list, a.ndim + list.length);
  return bind1(S.ExpandDims, [a], { dimensions: dims }, a.weakType);
}

/**
 * `x` broadcast to `shape` by numpy's rules: size-1 and missing leading axes are repeated
 * (`jnp.broadcast_to`); throws if the shapes are incompatible.
 */
export const broadcastTo = (x: ArrayOrScalar, shape: readonly number[]): Array => bcastTo(x, shape, 'np.broadcastTo');

/**
 * `x` converted to `dtype` (`jnp.astype`): float to integer truncates toward zero (saturating;
 * NaN gives 0), nonzero to bool is true.
 */
export function astype(x: ArrayOrScalar, dtype: DType): Array {
  if (!isDType(dtype)) throw new TypeError(`astype: unknown dtype ${JSON.stringify(dtype)}; use 'float32', 'float64', 'int32' or 'bool'`);
  return convert(asArray(x), dtype);
}

/** The elements as a 1-d array in row-major order (`jnp.ravel`). */
export function ravel(x: ArrayOrScalar): Array { return reshape(x, [-1]); }

/** Joins arrays along an existing axis (dtypes are promoted). */
export function concatenate(xs: readonly ArrayOrScalar[], axis: number | null = 0): Array {
  if (!checkList('np.concatenate', 'the arrays', xs).length) throw new ShapeError('np.concatenate: need at least one array to concatenate');
  let [arrs, t] = promote(xs);
  if (axis === null) { arrs = arrs.map((a) => ravel(a)); axis = 0; }
  const nd = arrs[0].ndim;
  if (nd === 0) throw new ShapeError('np.concatenate: zero-dimensional arrays cannot be concatenated; use np.stack');
  const ax = normAxis('np.concatenate', axis, nd);
  if (arrs.length === 1) return arrs[0];
  for (const a of arrs) {
    if (a.ndim !== nd || a.shape.some((d, i) => i !== ax && d !== arrs[0].shape[i])) {
      throw new ShapeError(`np.concatenate: all shapes must match except on axis ${ax}, got ${arrs.map((b) => `[${b.shape}]`).join(', ')}`);
    }
  }
  return bind1(S.Concatenate, arrs, { dimension: ax }, t.weak);
}

/** Joins arrays along a new axis. */
export function stack(xs: readonly ArrayOrScalar[], axis = 0): Array {
  if (!checkList('np.stack', 'the arrays', xs).length) throw new ShapeError('np.stack: need at least one array to stack');
  const arrs = xs.map((x) => asArray(x));
  const s = arrs[0].shape;
  if (arrs.some((a) => a.ndim !== s.length || a.shape.some((d, i) => d !== s[i]))) {
    throw new ShapeError(`np.stack: all input arrays must have the same shape, got ${arrs.map((b) => `[${b.shape}]`).join(', ')}`);
  }
  const ax = normAxis('np.stack', axis, s.length + 1);
  return concatenate(arrs.map((a) => expandDims(a, ax)), ax);
}

/** Joins arrays along the first axis, after making each at least 2-d (1-d `[n]` becomes `[1, n]`) (`jnp.vstack`). */
export const vstack = (xs: readonly ArrayOrScalar[]): Array => concatenate(xs.map((x) => atLeast2d(x)), 0);
/** Joins along the second axis (the first for 1-D inputs); scalars count as 1-D, as in numpy. */
export const hstack = (xs: readonly ArrayOrScalar[]): Array => {
  const arrs = checkList('np.hstack', 'the arrays', xs).map((x) => atLeast1d(x));
  return concatenate(arrs, arrs[0]?.ndim === 1 ? 0 : 1);
};

/** `x` as an array with at least one axis: a scalar becomes shape `[1]` (`jnp.atleast_1d`). */
export function atLeast1d(x: ArrayOrScalar): Array { const a = asArray(x); return a.ndim >= 1 ? a : reshape(a, [1]); }
/**
 * `x` as an array with at least two axes: a scalar becomes `[1, 1]`, a 1-d `[n]` becomes `[1, n]`
 * (`jnp.atleast_2d`).
 */
export function atLeast2d(x: ArrayOrScalar): Array {
  const a = asArray(x);
  return a.ndim >= 2 ? a : reshape(a, a.ndim === 1 ? [1, a.shape[0]] : [1, 1]);
}

/** Reverses the order of elements along the given axes (all by default). */
export function flip(x: ArrayOrScalar, axis?: number | readonly number[] | null): Array {
  const a = asArray(x);
  const dims = normAxes('np.flip', axis, a.ndim);
  return dims.length ? bind1(S.Rev, [a], { dimensions: dims }, a.weakType) : a;
}

/** Repeats the whole array `reps` times along each axis. */
export function tile(x: ArrayOrScalar, reps: number | readonly number[]): Array {
  let a = asArray(x);
  const r = typeof reps === 'number' ? [reps] : [...reps];
  if (r.some((n) => !Number.isInteger(n) || n < 0)) throw new ShapeError(`np.tile: reps must be non-negative integers, got [${r}]`);
  const nd = Math.max(a.ndim, r.length);
  while (r.length < nd) r.unshift(1);
  a = reshape(a, [...new globalThis.Array(nd - a.ndim).fill(1), ...a.shape]);
  // Broadcast to [r0, d0, r1, d1, ...] and merge each pair.
  const inter = a.shape.flatMap((d, i) => [r[i], d]);
  const b = bind1(S.BroadcastInDim, [a], { shape: inter, broadcastDimensions: a.shape.map((_, i) => 2 * i + 1) }, a.weakType);
  return reshape(b, a.shape.map((d, i) => d * r[i]));
}

/** Repeats each element `repeats` times along `axis` (the flattened array when no axis). */
export function repeat(x: ArrayOrScalar, repeats: number, axis?: number | null): Array {
  let a = asArray(x);
  if (!Number.isInteger(repeats) || repeats < 0) throw new ShapeError(`np.repeat: repeats must be a non-negative integer, got ${repeats}`);
  if (axis === null || axis === undefined) { a = ravel(a); axis = 0; }
  const ax = normAxis('np.repeat', axis, a.ndim);
  const inter = [...a.shape.slice(0, ax + 1), repeats, ...a.shape.slice(ax + 1)];
  const dims = a.shape.map((_, i) => (i <= ax ? i : i + 1));
  const b = bind1(S.BroadcastInDim, [a], { shape: inter, broadcastDimensions: dims }, a.weakType);
  return reshape(b, a.shape.map((d, i) => (i === ax ? d * repeats : d)));
}

/**
 * Padding widths for `np.pad`: `n` on both sides of every axis, one `[before, after]` pair for
 * every axis, or one pair per axis.
 */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

/**
 * Constant padding (numpy's default mode); `padWidth` as numpy: n, [before, after] or per axis.
 * `constantValues`: a number, or a 0-d Array (which may be traced, as in JAX).
 */
export function pad(x: ArrayOrScalar, padWidth: PadWidth, opts: { mode?: 'constant'; constantValues?: ArrayOrScalar } = {}): Array {
  const a = asArray(x);
  if (opts.mode && opts.mode !== 'constant') throw new Error(`np.pad: mode '${opts.mode}' is not supported; only 'constant'`);
  let widths: (readonly [number, number])[];
  if (typeof padWidth === 'number') widths = a.shape.map(() => [padWidth, padWidth] as const);
  else if (typeof padWidth[0] === 'number') widths = a.shape.map(() => padWidth as readonly [number, number]);
  else widths = [...(padWidth as readonly (readonly [number, number])[])];
  // one [before, after] pair in a list applies to every axis (numpy broadcasts it)
  if (widths.length === 1 && a.ndim > 1) widths = a.shape.map(() => widths[0]);
  if (widths.length !== a.ndim || widths.some(([lo, hi]) => !(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= 0))) {
    throw new ShapeError(`np.pad: padWidth ${JSON.stringify(padWidth)} must give non-negative [before, after] for each of the ${a.ndim} axes`);
  }
  return bind1(S.Pad, [a, asArray(opts.constantValues ?? 0, a.dtype)], { config: widths.map(([lo, hi]) => [lo, hi, 0] as const) }, a.weakType);
}

/** Lower triangle of the last two axes (zeroing above the k-th diagonal). */
export function tril(x: ArrayOrScalar, k = 0): Array { return triMask(x, k, true); }
/**
 * Upper triangle of the last two axes, zeroing below the `k`-th diagonal (`jnp.triu`); `k` > 0 is
 * above the main diagonal.
 */
export function triu(x: ArrayOrScalar, k = 0): Array { return triMask(x, k, false); }

function triMask(x: ArrayOrScalar, k: number, lower: boolean): Array {
  const a = asArray(x);
  if (a.ndim < 2) throw new ShapeError(`np.${lower ? 'tril' : 'triu'}: input must be at least 2-D, got shape [${a.shape}]`);
  const [n, m] = a.shape.slice(-2);
  const rows = bindSource(S.Iota, { dtype: 'int32', shape: [n, m], dimension: 0 }, a.device);
  const cols = bindSource(S.Iota, { dtype: 'int32', shape: [n, m], dimension: 1 }, a.device);
  const diff = subtract(cols, rows);
  const mask = lower ? lessEqual(diff, k) : greaterEqual(diff, k);
  return where(mask, a, asArray(0, a.dtype));
}
