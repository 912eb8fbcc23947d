/**
 * Set operations on 1-D arrays (inputs are flattened): intersect1d, union1d, setdiff1d, setxor1d.
 * Built from a stable sort, isin and searchsorted, then packed to a static size (JAX's `size` and
 * `fillValue`): without `size` the count comes from the data, which needs a concrete array; under
 * jit/vmap `size` must be given. Results are sorted unique values, as numpy's.
 */
import { type Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { full, iota } from './creation.js';
import { take } from './indexing.js';
import { add, equal, isnan, less, logicalAnd, logicalNot, logicalOr, notEqual, subtract, where } from './math.js';
import { isin } from './nan-stats.js';
import { asArray, convert, promote, sliceAxis } from './promote.js';
import { all, sum } from './reductions.js';
import { concatenate, ravel } from './shape.js';
import { argsort, searchsorted, unique } from './sorting.js';
import { compactRows, staticCount } from './compact.js';
import { checkOperand } from './validate.js';

/** The size options of the set functions: JAX's static output `size`, and the `fillValue` past the last result (default: the smallest result, or 0). */
export interface SetSizeOpts {
  /** The static number of values to return, required under jit/vmap: extra values are dropped, missing ones filled. */
  size?: number;
  /** The value past the last result when `size` is larger (default: the smallest result, or 0 if there is none). */
  fillValue?: ArrayOrScalar;
}

/** Both inputs flattened and promoted to one dtype. */
function flatPair(who: string, a: ArrayOrScalar, b: ArrayOrScalar): [Array, Array] {
  const [[x, y]] = promote([ravel(asArray(checkOperand(who, a))), ravel(asArray(checkOperand(who, b)))]);
  return [x, y];
}

/** `x` sorted (stably), the permutation, and where each run of equal values (NaNs together) starts. */
function sortedRuns(x: Array): { s: Array; perm: Array; isNew: Array } {
  const perm = argsort(x, 0);
  const s = take(x, perm, 0);
  const n = s.shape[0];
  if (n === 0) return { s, perm, isNew: full([0], true, { dtype: 'bool' }) };
  const prev = sliceAxis(s, 0, 0, n - 1);
  const next = sliceAxis(s, 0, 1, n);
  let differs = notEqual(prev, next);
  if (isFloat(s.dtype)) differs = logicalAnd(differs, logicalNot(logicalAnd(isnan(prev), isnan(next))));
  return { s, perm, isNew: concatenate([full([1], true, { dtype: 'bool' }), differs]) };
}

/** Whether some element of the bool array `m` is true. */
const someTrue = (m: Array): Array => logicalNot(all(logicalNot(m)));

/** Whether each element of `e` occurs in `t`, NaN matching NaN. */
function member(e: Array, t: Array): Array {
  const hit = isin(e, t);
  if (!isFloat(e.dtype) || t.shape[0] === 0) return hit;
  return logicalOr(hit, logicalAnd(isnan(e), someTrue(isnan(t))));
}

/** The entries of `v` where `keep`, packed into `size` slots; the rest is fillValue or the first result. */
function pack(who: string, keep: Array, v: Array, opts: SetSizeOpts): [Array, Array, number] {
  const k = staticCount(who, keep, opts.size, 'values in the result');
  const count = keep.shape[0] === 0 ? asArray(0, 'int32') : sum(keep);
  const valid = less(iota('int32', [k]), count);
  if (opts.fillValue !== undefined) return [compactRows(keep, v, k, opts.fillValue), valid, k];
  const r = compactRows(keep, v, k, 0);
  return [k === 0 ? r : where(valid, r, where(equal(count, 0), 0, take(r, 0))), valid, k];
}

/** Options of intersect1d: whether the inputs are known unique, and whether to return the indices of the common values. */
export interface Intersect1dOpts extends SetSizeOpts {
  /** Accepted for numpy's signature; the result is the same either way. */
  assumeUnique?: boolean;
  /** Also return the index of the first occurrence of each common value in `a` and in `b`. */
  returnIndices?: boolean;
}

/**
 * The sorted unique values found in both `a` and `b`; with `returnIndices`, also the index of the
 * first occurrence of each in `a` and in `b` (int32; 0 past the result).
 */
export function intersect1d(a: ArrayOrScalar, b: ArrayOrScalar, opts: Intersect1dOpts & { returnIndices: true }): [Array, Array, Array];
export function intersect1d(a: ArrayOrScalar, b: ArrayOrScalar, opts?: Intersect1dOpts): Array;
export function intersect1d(a: ArrayOrScalar, b: ArrayOrScalar, opts: Intersect1dOpts = {}): Array | [Array, Array, Array] {
  const who = 'np.intersect1d';
  const [x, y] = flatPair(who, a, b);
  const { s, perm, isNew } = sortedRuns(x);
  // NaN never matches (numpy's answer: NaN is not in an intersection).
  const keep = logicalAnd(isNew, isin(s, y));
  const [values, valid, k] = pack(who, keep, s, opts);
  if (!opts.returnIndices) return values;
  const ind1 = where(valid, compactRows(keep, perm, k, 0), 0);
  const permY = argsort(y, 0);
  const sy = take(y, permY, 0);
  // The first position of each value in the stably sorted b is its first occurrence in b.
  const pos = y.shape[0] === 0 ? values : searchsorted(sy, values, 'left');
  const ind2 = y.shape[0] === 0 ? where(valid, 0, 0) : where(valid, take(permY, pos, 0, { mode: 'clip' }), 0);
  return [values, ind1, ind2];
}

/** The sorted unique values found in `a` or `b`. */
export function union1d(a: ArrayOrScalar, b: ArrayOrScalar, opts: SetSizeOpts = {}): Array {
  const who = 'np.union1d';
  const [x, y] = flatPair(who, a, b);
  const both = concatenate([x, y]);
  if (opts.size === undefined && !(both instanceof ConcreteArray)) {
    throw new ShapeError(`${who}: the number of values in the result depends on the data, so under jit/vmap pass a static { size } (and optionally fillValue), as in JAX`);
  }
  return unique(both, { size: opts.size, fillValue: opts.fillValue });
}

/** Options of setdiff1d and setxor1d: whether the inputs are known unique (setdiff1d then keeps a's order). */
export interface SetOpts extends SetSizeOpts {
  /** `setdiff1d`: `a` holds no repeated values, so its values not in `b` are returned in `a`'s order, unsorted. `setxor1d` ignores it. */
  assumeUnique?: boolean;
}

/** The sorted unique values of `a` not in `b`; with assumeUnique, a's values not in b in a's order. */
export function setdiff1d(a: ArrayOrScalar, b: ArrayOrScalar, opts: SetOpts = {}): Array {
  const who = 'np.setdiff1d';
  const [x, y] = flatPair(who, a, b);
  if (opts.assumeUnique) return pack(who, logicalNot(isin(x, y)), x, opts)[0];
  const { s, isNew } = sortedRuns(x);
  return pack(who, logicalAnd(isNew, logicalNot(isin(s, y))), s, opts)[0];
}

/** The sorted unique values in exactly one of `a` and `b`. */
export function setxor1d(a: ArrayOrScalar, b: ArrayOrScalar, opts: SetOpts = {}): Array {
  const who = 'np.setxor1d';
  const [x, y] = flatPair(who, a, b);
  const { s, isNew } = sortedRuns(concatenate([x, y]));
  let keep = logicalAnd(isNew, notEqual(member(s, x), member(s, y)));
  if (isFloat(s.dtype) && s.shape[0] > 0) {
    // numpy compares NaN != NaN here, so each input holding a NaN contributes one NaN to the result.
    const nan = isnan(s);
    const nanCount = add(convert(someTrue(isnan(x)), 'int32'), convert(someTrue(isnan(y)), 'int32'));
    const firstNan = sum(logicalNot(nan));
    keep = where(nan, less(subtract(iota('int32', [s.shape[0]]), firstNan), nanCount), keep);
  }
  return pack(who, keep, s, opts)[0];
}

