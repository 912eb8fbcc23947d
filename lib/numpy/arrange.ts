/**
 * Rearranging and building arrays: roll, rot90, splits, stacks, diagonals, index grids, log-spaced
 * ranges, Vandermonde and Kronecker products, cross products and batched matrix-vector products.
 * Everything composes existing ops, so grad, jit and vmap need no rules of their own.
 */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { getDefaultFloat } from '../core/dtype.js';
import { asArray, broadcastShapes, broadcastTo, normAxis, promote, sliceAxis } from './promote.js';
import { equal, multiply, power, subtract, where } from './math.js';
import { concatenate, expandDims, flip, moveaxis, pad, ravel, reshape, stack, swapaxes, transpose } from './shape.js';
import { array, iota, linspace } from './creation.js';
import { diagonal, matmul } from './linalg.js';
import { checkList } from './validate.js';

const range = (n: number, from = 0): number[] => globalThis.Array.from({ length: n }, (_, i) => i + from);

function checkInt(who: string, name: string, v: unknown, fix: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${who}: ${name} must be an integer, got ${JSON.stringify(v)}; ${fix}`);
  return v;
}

// ---- roll, rot90 -----------------------------------------------------------------

/** Shifts elements cyclically along axes (the flattened array when `axis` is null), as np.roll. */
export function roll(x: ArrayOrScalar, shift: number | readonly number[], axis?: number | readonly number[] | null): Array {
  const a = asArray(x);
  if (axis === null || axis === undefined) return reshape(roll(ravel(a), shift, 0), a.shape);
  const shifts = typeof shift === 'number' ? [shift] : [...checkList('np.roll', 'shift', shift, 'an integer or a JS array of integers')];
  const axes = typeof axis === 'number' ? [axis] : [...checkList('np.roll', 'axis', axis, 'an integer or a JS array of integers')];
  shifts.forEach((s) => checkInt('np.roll', 'shift', s, 'write a whole number of positions such as 1 or -2'));
  // numpy broadcasts shift against axis; a repeated axis adds its shifts.
  if (shifts.length !== axes.length && shifts.length !== 1 && axes.length !== 1) {
    throw new ShapeError(`np.roll: shift [${shifts}] and axis [${axes}] must have the same length (or one of them length 1)`);
  }
  const n = Math.max(shifts.length, axes.length);
  const total = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const ax = normAxis('np.roll', axes.length === 1 ? axes[0] : axes[i], a.ndim);
    total.set(ax, (total.get(ax) ?? 0) + (shifts.length === 1 ? shifts[0] : shifts[i]));
  }
  let r = a;
  for (const [ax, s] of total) {
    const size = a.shape[ax];
    if (size === 0) continue;
    const k = ((s % size) + size) % size;
    if (k === 0) continue;
    r = concatenate([sliceAxis(r, ax, size - k, size), sliceAxis(r, ax, 0, size - k)], ax);
  }
  return r;
}

/** Rotates by 90 degrees `k` times in the plane of `axes`, from the first axis towards the second. */
export function rot90(x: ArrayOrScalar, k = 1, axes: readonly [number, number] = [0, 1]): Array {
  const m = asArray(x);
  checkInt('np.rot90', 'k', k, 'pass the number of quarter turns, such as 1 or -1');
  if (!globalThis.Array.isArray(axes) || axes.length !== 2) throw new ShapeError(`np.rot90: axes must be a pair of two axes such as [0, 1], got ${JSON.stringify(axes)}`);
  if (m.ndim < 2) throw new ShapeError(`np.rot90: the array must be at least 2-D, got shape [${m.shape}]; reshape it or use np.flip for 1-D`);
  const a0 = normAxis('np.rot90', axes[0], m.ndim);
  const a1 = normAxis('np.rot90', axes[1], m.ndim);
  if (a0 === a1) throw new ShapeError(`np.rot90: axes [${axes}] name the same axis of shape [${m.shape}]; pass two different axes`);
  const q = ((k % 4) + 4) % 4;
  if (q === 0) return m;
  if (q === 2) return flip(flip(m, a0), a1);
  const perm = range(m.ndim);
  [perm[a0], perm[a1]] = [perm[a1], perm[a0]];
  return q === 1 ? transpose(flip(m, a1), perm) : flip(transpose(m, perm), a1);
}

// ---- splitting -------------------------------------------------------------------

/** Python slice bounds for one piece of a split: negatives count from the end, then clamp. */
function clampIndex(i: number, n: number): number {
  return Math.min(Math.max(i < 0 ? i + n : i, 0), n);
}

function splitImpl(who: string, x: ArrayOrScalar, sections: number | readonly number[], axis: number, equal: boolean): Array[] {
  const a = asArray(x);
  if (a.ndim === 0) throw new ShapeError(`${who}: cannot split a 0-D array; use np.atLeast1d first`);
  const ax = normAxis(who, axis, a.ndim);
  const n = a.shape[ax];
  let bounds: number[];
  if (typeof sections === 'number') {
    checkInt(who, 'sections', sections, 'pass a positive number of sections or a JS array of split indices');
    if (sections <= 0) throw new ShapeError(`${who}: the number of sections must be larger than 0, got ${sections}`);
    if (equal && n % sections !== 0) {
      throw new ShapeError(`${who}: array split does not result in an equal division: axis ${ax} of size ${n} into ${sections} sections; use np.arraySplit for unequal pieces or pass split indices`);
    }
    // numpy: the first n % sections pieces get one extra element.
    const each = Math.floor(n / sections);
    const extra = n % sections;
    bounds = [0];
    for (let i = 0; i < sections; i++) bounds.push(bounds[i] + each + (i < extra ? 1 : 0));
  } else {
    const idx = checkList(who, 'indices', sections, 'a number of sections or a JS array of split indices such as [2, 5]');
    idx.forEach((i) => checkInt(who, 'each split index', i, 'pass whole-number positions such as [2, 5]'));
    bounds = [0, ...idx, n];
  }
  const out: Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = clampIndex(bounds[i], n);
    const hi = clampIndex(bounds[i + 1], n);
    out.push(sliceAxis(a, ax, lo, Math.max(lo, hi)));
  }
  return out;
}

/** Splits into equal sections (an error when they do not divide the axis) or at the given indices. */
export function split(x: ArrayOrScalar, sections: number | readonly number[], axis = 0): Array[] {
  return splitImpl('np.split', x, sections, axis, true);
}

/** np.array_split: like split, but unequal sections are allowed (the first ones are one longer). */
export function arraySplit(x: ArrayOrScalar, sections: number | readonly number[], axis = 0): Array[] {
  return splitImpl('np.arraySplit', x, sections, axis, false);
}

/** Splits along the second axis (the first for 1-D arrays). */
export function hsplit(x: ArrayOrScalar, sections: number | readonly number[]): Array[] {
  const a = asArray(x);
  if (a.ndim === 0) throw new ShapeError('np.hsplit: only works on arrays of 1 or more dimensions, got a 0-D array');
  return splitImpl('np.hsplit', a, sections, a.ndim > 1 ? 1 : 0, true);
}

/** Splits along the first axis of an array of at least 2 dimensions. */
export function vsplit(x: ArrayOrScalar, sections: number | readonly number[]): Array[] {
  const a = asArray(x);
  if (a.ndim < 2) throw new ShapeError(`np.vsplit: only works on arrays of 2 or more dimensions, got shape [${a.shape}]; use np.split for 1-D`);
  return splitImpl('np.vsplit', a, sections, 0, true);
}

/** Splits along the third axis of an array of at least 3 dimensions. */
export function dsplit(x: ArrayOrScalar, sections: number | readonly number[]): Array[] {
  const a = asArray(x);
  if (a.ndim < 3) throw new ShapeError(`np.dsplit: only works on arrays of 3 or more dimensions, got shape [${a.shape}]; use np.split with an axis`);
  return splitImpl('np.dsplit', a, sections, 2, true);
}

// ---- joining ---------------------------------------------------------------------

/** numpy's atleast_3d: (n) -> (1, n, 1), (m, n) -> (m, n, 1). */
function atLeast3d(a: Array): Array {
  if (a.ndim === 0) return reshape(a, [1, 1, 1]);
  if (a.ndim === 1) return reshape(a, [1, a.shape[0], 1]);
  if (a.ndim === 2) return reshape(a, [...a.shape, 1]);
  return a;
}

/** concatenate, with a shape mismatch reported under the caller's name. */
function joinChecked(who: string, arrs: readonly Array[], axis: number): Array {
  const s0 = arrs[0].shape;
  if (arrs.some((a) => a.ndim !== s0.length || a.shape.some((d, i) => i !== axis && d !== s0[i]))) {
    throw new ShapeError(`${who}: the arrays (as shapes ${arrs.map((a) => `[${a.shape}]`).join(', ')}) must match on every axis but ${axis}; reshape them to agree`);
  }
  return concatenate(arrs, axis);
}

/** Stacks along the third axis, after making every input at least 3-D as numpy does. */
export function dstack(xs: readonly ArrayOrScalar[]): Array {
  const arrs = checkList('np.dstack', 'the arrays', xs);
  if (!arrs.length) throw new ShapeError('np.dstack: need at least one array to stack');
  return joinChecked('np.dstack', arrs.map((x) => atLeast3d(asArray(x))), 2);
}

/** Stacks 1-D arrays as columns of a 2-D array (2-D inputs are joined as they are). */
export function columnStack(xs: readonly ArrayOrScalar[]): Array {
  const arrs = checkList('np.columnStack', 'the arrays', xs);
  if (!arrs.length) throw new ShapeError('np.columnStack: need at least one array to stack');
  return joinChecked('np.columnStack', arrs.map((x) => {
    const a = asArray(x);
    return a.ndim === 0 ? reshape(a, [1, 1]) : a.ndim === 1 ? reshape(a, [a.shape[0], 1]) : a;
  }), 1);
}

/** Appends `values` along `axis`; without an axis both are flattened first, as numpy does. */
export function append(x: ArrayOrScalar, values: ArrayOrScalar, axis?: number | null): Array {
  const a = asArray(x);
  const v = asArray(values);
  if (axis === null || axis === undefined) return concatenate([ravel(a), ravel(v)], 0);
  if (a.ndim !== v.ndim) {
    throw new ShapeError(`np.append: with an axis, x (shape [${a.shape}]) and values (shape [${v.shape}]) must have the same number of dimensions; reshape values, or omit the axis to append to the flattened array`);
  }
  if (a.ndim === 0) throw new ShapeError('np.append: cannot append along an axis of 0-D arrays; omit the axis');
  const ax = normAxis('np.append', axis, a.ndim);
  if (a.shape.some((d, i) => i !== ax && d !== v.shape[i])) {
    throw new ShapeError(`np.append: shapes [${a.shape}] and [${v.shape}] must match except on axis ${ax}; reshape values to match`);
  }
  return concatenate([a, v], ax);
}

// ---- diagonals and index sets ----------------------------------------------------

/** A 1-D array as the k-th diagonal of a square matrix, or the k-th diagonal of a 2-D array. */
export function diag(v: ArrayOrScalar, k = 0): Array {
  const a = asArray(v);
  checkInt('np.diag', 'k', k, 'pass the diagonal offset as an integer');
  if (a.ndim === 2) return diagonal(a, k);
  if (a.ndim !== 1) throw new ShapeError(`np.diag: input must be 1-D or 2-D, got shape [${a.shape}]; use np.diagflat to flatten it first or np.diagonal for stacks of matrices`);
  const n = a.shape[0];
  const rows = iota('int32', [n, n], 0);
  const cols = iota('int32', [n, n], 1);
  const d = where(equal(rows, cols), broadcastTo(reshape(a, [1, n]), [n, n]), asArray(0, a.dtype), a.weakType);
  if (k === 0) return d;
  const s = Math.abs(k);
  return pad(d, k > 0 ? [[0, s], [s, 0]] : [[s, 0], [0, s]]);
}

/** The flattened input as the k-th diagonal of a square matrix. */
export function diagflat(v: ArrayOrScalar, k = 0): Array {
  return diag(ravel(v), k);
}

/** The index arrays of the main diagonal of an n^ndim array: `ndim` copies of 0..n-1 (int32). */
export function diagIndices(n: number, ndim = 2): Array[] {
  checkInt('np.diagIndices', 'n', n, 'pass the size of each axis');
  checkInt('np.diagIndices', 'ndim', ndim, 'pass the number of axes');
  const idx = array(Int32Array.from(range(Math.max(n, 0))));
  return range(ndim).map(() => idx);
}

function triIndices(who: string, n: number, k: number, m: number | undefined, lower: boolean): [Array, Array] {
  checkInt(who, 'n', n, 'pass the number of rows');
  checkInt(who, 'k', k, 'pass the diagonal offset');
  const cols = m ?? n;
  checkInt(who, 'm', cols, 'pass the number of columns');
  const r: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) if (lower ? j - i <= k : j - i >= k) { r.push(i); c.push(j); }
  }
  return [array(Int32Array.from(r)), array(Int32Array.from(c))];
}

/** Row and column indices (int32) of the lower triangle of an n x m matrix, on and below diagonal k. */
export function trilIndices(n: number, k = 0, m?: number): [Array, Array] {
  return triIndices('np.trilIndices', n, k, m, true);
}

/** Row and column indices (int32) of the upper triangle of an n x m matrix, on and above diagonal k. */
export function triuIndices(n: number, k = 0, m?: number): [Array, Array] {
  return triIndices('np.triuIndices', n, k, m, false);
}

// ---- grids -----------------------------------------------------------------------

/** meshgrid's trailing options: 'xy' (Cartesian, the default) or 'ij' (matrix) indexing. */
export interface MeshgridOptions {
  /** 'xy' (default, Cartesian: the first two output axes swapped) or 'ij' (matrix indexing). */
  indexing?: 'xy' | 'ij';
}

// A JS array is data the user forgot to wrap, not options: asArray then names the fix.
function isMeshgridOptions(x: ArrayOrScalar | MeshgridOptions): x is MeshgridOptions {
  return typeof x === 'object' && x !== null && !(x instanceof Array) && !globalThis.Array.isArray(x);
}

/** Coordinate matrices from 1-D coordinate vectors; 'xy' (the default) swaps the first two axes. */
export function meshgrid(...args: (ArrayOrScalar | MeshgridOptions)[]): Array[] {
  const last = args[args.length - 1];
  const opts = last !== undefined && isMeshgridOptions(last) ? last : {};
  const xs = args.filter((x): x is ArrayOrScalar => !isMeshgridOptions(x)).map((x) => ravel(x));
  const indexing = opts.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') throw new TypeError(`np.meshgrid: indexing must be 'xy' or 'ij', got ${JSON.stringify(indexing)}`);
  const shape = xs.map((a) => a.shape[0]);
  const swap = indexing === 'xy' && xs.length > 1;
  if (swap) [shape[0], shape[1]] = [shape[1], shape[0]];
  return xs.map((a, i) => {
    const pos = swap && i < 2 ? 1 - i : i;
    const ones = shape.map((_, d) => (d === pos ? shape[d] : 1));
    return broadcastTo(reshape(a, ones), shape, 'np.meshgrid');
  });
}

/** The grid of indices of an array of shape `dims`: shape [dims.length, ...dims], int32. */
export function indices(dims: readonly number[]): Array {
  const d = [...checkList('np.indices', 'dims', dims, 'a JS array of sizes such as [2, 3]')];
  d.forEach((n) => {
    if (!Number.isInteger(n) || n < 0) throw new ShapeError(`np.indices: dims [${d}] must be non-negative integers`);
  });
  if (!d.length) return array(new Int32Array(0), { shape: [0] });
  return stack(d.map((_, i) => iota('int32', d, i)), 0);
}

// ---- spaced ranges ---------------------------------------------------------------

/** `base ** linspace(start, stop, num)`: numbers evenly spaced on a log scale. */
export function logspace(start: number, stop: number, num = 50, opts: { endpoint?: boolean; base?: number } = {}): Array {
  const y = linspace(start, stop, num, { endpoint: opts.endpoint ?? true });
  return power(asArray(opts.base ?? 10, y.dtype), y);
}

/** Numbers evenly spaced on a log scale between the endpoints themselves (which must share a sign). */
export function geomspace(start: number, stop: number, num = 50, opts: { endpoint?: boolean } = {}): Array {
  if (start === 0 || stop === 0) throw new RangeError(`np.geomspace: a geometric sequence cannot include zero (start ${start}, stop ${stop}); move the endpoint off zero or use np.linspace`);
  if (Math.sign(start) !== Math.sign(stop)) {
    throw new RangeError(`np.geomspace: start ${start} and stop ${stop} have different signs, so the sequence would be complex; use endpoints of one sign`);
  }
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`np.geomspace: num must be a non-negative integer, got ${num}`);
  const endpoint = opts.endpoint ?? true;
  const sgn = Math.sign(start);
  const lo = Math.log10(Math.abs(start));
  const hi = Math.log10(Math.abs(stop));
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (hi - lo) / div : 0;
  const out = range(num).map((i) => sgn * 10 ** (lo + i * step));
  // numpy pins the ends to the inputs exactly, not to 10**log10(x).
  if (num > 0) out[0] = start;
  if (num > 1 && endpoint) out[num - 1] = stop;
  return array(out, { dtype: getDefaultFloat() });
}

// ---- products --------------------------------------------------------------------

/** The Vandermonde matrix of a 1-D array: columns x**(N-1) ... x**0 (increasing: x**0 ... x**(N-1)). */
export function vander(x: ArrayOrScalar, n?: number, opts: { increasing?: boolean } = {}): Array {
  const a = asArray(x);
  if (a.ndim !== 1) throw new ShapeError(`np.vander: x must be 1-D, got shape [${a.shape}]; pass np.ravel(x)`);
  const cols = n ?? a.shape[0];
  if (!Number.isInteger(cols) || cols < 0) throw new ShapeError(`np.vander: N must be a non-negative integer, got ${cols}`);
  if (!cols) return broadcastTo(asArray(0, a.dtype), [a.shape[0], 0]);
  // Repeated products, not power(x, j): x**0 would give a NaN gradient at x = 0.
  const pows: Array[] = [broadcastTo(asArray(1, a.dtype), a.shape)];
  for (let j = 1; j < cols; j++) pows.push(multiply(pows[j - 1], a));
  return stack(opts.increasing ? pows : pows.reverse(), 1);
}

/** The Kronecker product: blocks a[i, j] * b, for operands of every rank (the shorter shape gets leading 1s). */
export function kron(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  let [[a, b]] = promote([x, y]);
  const nd = Math.max(a.ndim, b.ndim);
  a = reshape(a, [...new globalThis.Array<number>(nd - a.ndim).fill(1), ...a.shape]);
  b = reshape(b, [...new globalThis.Array<number>(nd - b.ndim).fill(1), ...b.shape]);
  // a on the even axes of [a0, b0, a1, b1, ...], b on the odd ones.
  const ai = reshape(a, a.shape.flatMap((d) => [d, 1]));
  const bi = reshape(b, b.shape.flatMap((d) => [1, d]));
  return reshape(multiply(ai, bi), a.shape.map((d, i) => d * b.shape[i]));
}

/** Cross product of vectors along `axis`, broadcast over the others; 2-vectors get z = 0 as in numpy 2. */
export function cross(x: ArrayOrScalar, y: ArrayOrScalar, axis = -1): Array {
  let [[a, b]] = promote([x, y]);
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError('np.cross: inputs must be arrays of vectors, got a 0-D array; pass vectors of length 2 or 3');
  a = moveaxis(a, normAxis('np.cross', axis, a.ndim), -1);
  b = moveaxis(b, normAxis('np.cross', axis, b.ndim), -1);
  const na = a.shape[a.ndim - 1];
  const nb = b.shape[b.ndim - 1];
  if ((na !== 2 && na !== 3) || (nb !== 2 && nb !== 3)) {
    throw new ShapeError(`np.cross: incompatible dimensions for cross product: vector lengths ${na} and ${nb} (shapes [${asArray(x).shape}] and [${asArray(y).shape}], axis ${axis}); the dimension must be 2 or 3`);
  }
  const batch = broadcastShapes('np.cross', a.shape.slice(0, -1), b.shape.slice(0, -1));
  const comps = (v: Array, len: number): Array[] => range(3).map((i) => (i < len
    ? broadcastTo(reshape(sliceAxis(v, v.ndim - 1, i, i + 1), v.shape.slice(0, -1)), batch)
    : broadcastTo(asArray(0, v.dtype), batch)));
  const [a0, a1, a2] = comps(a, na);
  const [b0, b1, b2] = comps(b, nb);
  const z = subtract(multiply(a0, b1), multiply(a1, b0));
  // numpy returns only the z component (the vector axis dropped) when both inputs are 2-vectors.
  if (na === 2 && nb === 2) return z;
  const c = stack([subtract(multiply(a1, b2), multiply(a2, b1)), subtract(multiply(a2, b0), multiply(a0, b2)), z], -1);
  return moveaxis(c, -1, normAxis('np.cross', axis, c.ndim));
}

/** Swaps the last two axes (numpy 2's matrix_transpose). */
export function matrixTranspose(x: ArrayOrScalar): Array {
  const a = asArray(x);
  if (a.ndim < 2) throw new ShapeError(`np.matrixTranspose: input must be at least 2-D, got shape [${a.shape}]; use np.expandDims to make a row or column`);
  return swapaxes(a, -1, -2);
}

/** Matrix-vector product over the last axes, batched with broadcasting: (..., m, n) x (..., n) -> (..., m). */
export function matvec(A: ArrayOrScalar, x: ArrayOrScalar): Array {
  const m = asArray(A);
  const v = asArray(x);
  if (m.ndim < 2 || v.ndim < 1) throw new ShapeError(`np.matvec: needs a matrix (at least 2-D) and a vector (at least 1-D), got shapes [${m.shape}] and [${v.shape}]`);
  if (m.shape[m.ndim - 1] !== v.shape[v.ndim - 1]) {
    throw new ShapeError(`np.matvec: the last axis of the matrix (${m.shape[m.ndim - 1]}, shape [${m.shape}]) must equal the vector length (${v.shape[v.ndim - 1]}, shape [${v.shape}])`);
  }
  const r = matmul(m, expandDims(v, -1));
  return reshape(r, r.shape.slice(0, -1));
}

/** Vector-matrix product over the last axes, batched with broadcasting: (..., n) x (..., n, m) -> (..., m). */
export function vecmat(x: ArrayOrScalar, A: ArrayOrScalar): Array {
  const v = asArray(x);
  const m = asArray(A);
  if (m.ndim < 2 || v.ndim < 1) throw new ShapeError(`np.vecmat: needs a vector (at least 1-D) and a matrix (at least 2-D), got shapes [${v.shape}] and [${m.shape}]`);
  if (m.shape[m.ndim - 2] !== v.shape[v.ndim - 1]) {
    throw new ShapeError(`np.vecmat: the vector length (${v.shape[v.ndim - 1]}, shape [${v.shape}]) must equal the second-to-last axis of the matrix (${m.shape[m.ndim - 2]}, shape [${m.shape}])`);
  }
  const r = matmul(expandDims(v, -2), m);
  return reshape(r, [...r.shape.slice(0, -2), r.shape[r.ndim - 1]]);
}
