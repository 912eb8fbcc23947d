/**
 * Cumulative reductions (`cumprod`, `cummax`, `cummin`, `cumlogsumexp`) and `associativeScan`, the
 * parallel prefix scan of JAX's `lax.associative_scan` written with strided slices, concatenation
 * and reshapes, so jvp, grad, vmap and jit need no new rules. As in JAX, the cumulative reductions
 * are the associative scan of their combiner and their derivatives are the scan's derivatives:
 * cummax / cummin route the cotangent through lax.max / lax.min, which split a tie evenly between
 * the two operands of each combine (JAX's `_balanced_eq` rule), so ties match JAX's gradients.
 * (`lax.cumsum` is its own primitive, in ./ops.ts.)
 */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { flatten, treedefStr, unflatten } from '../core/pytree.js';
import { add, concatenate, exp, expandDims, log1p, max, min, mul, ne, reshape, rev, select, sliceInDim, sub } from './ops.js';

/** Options of {@link associativeScan}. */
export interface AssociativeScanOptions {
  /** Scan from the end (the result equals rev(scan(rev(elems)))); default false. */
  reverse?: boolean;
  /** The scanned axis of every leaf; default 0. */
  axis?: number;
}

const shp = (s: readonly number[]): string => `[${s.join(',')}]`;

/** a[0], b[0], a[1], b[1], ... along `axis` (a has as many entries as b, or one more), without arithmetic. */
function interleave(a: Array, b: Array, axis: number): Array {
  const na = a.shape[axis];
  const nb = b.shape[axis];
  if (nb === 0) return a;
  const head = na === nb ? a : sliceInDim(a, 0, nb, 1, axis);
  const pairs = concatenate([expandDims(head, [axis + 1]), expandDims(b, [axis + 1])], axis + 1);
  const merged = reshape(pairs, a.shape.map((d, i) => (i === axis ? 2 * nb : d)));
  return na === nb ? merged : concatenate([merged, sliceInDim(a, nb, na, 1, axis)], axis);
}

/**
 * Inclusive scan of the associative `fn` along `axis` of every leaf of the pytree `elems`, with
 * JAX's `associative_scan` algorithm (O(log n) depth: combine pairs, scan the half, fill in the
 * evens). `fn(a, b)` gets pytrees like `elems` whose leaves are slices along `axis` (a comes
 * before b) and must return that structure, elementwise.
 *
 * @example
 * lax.associativeScan(lax.add, x)  // same as lax.cumsum(x)
 */
export function associativeScan<T>(fn: (a: T, b: T) => T, elems: T, opts: AssociativeScanOptions = {}): T {
  const who = 'lax.associativeScan';
  if (typeof fn !== 'function') throw new TypeError(`${who}: fn must be a function (a, b) => combined, got ${typeof fn}`);
  const [leaves0, def] = flatten(elems);
  if (leaves0.length === 0) throw new TypeError(`${who}: elems has no leaves; pass an Array or a pytree of Arrays`);
  const leaves = leaves0.map((l, i) => {
    if (!(l instanceof Array)) throw new TypeError(`${who}: leaf ${i} of elems is ${typeof l}, not an Array; wrap data with np.array(...)`);
    return l;
  });
  const axis0 = opts.axis ?? 0;
  const r0 = leaves[0].ndim;
  if (!Number.isInteger(axis0) || axis0 < -r0 || axis0 >= r0) {
    throw new ShapeError(`${who}: axis ${String(axis0)} is out of bounds for ${avalStr(leaves[0].aval)}; valid axes are ${-r0} to ${r0 - 1}`);
  }
  const axis = axis0 < 0 ? axis0 + r0 : axis0;
  const n = leaves[0].shape[axis];
  const off = leaves.find((l) => l.ndim <= axis || l.shape[axis] !== n);
  if (off) throw new ShapeError(`${who}: every leaf needs the same size along axis ${axis}, got ${leaves.map((l) => avalStr(l.aval)).join(', ')}`);

  const combine = (a: Array[], b: Array[]): Array[] => {
    const [c, cdef] = flatten(fn(unflatten<T>(def, a), unflatten<T>(def, b)));
    if (treedefStr(cdef) !== treedefStr(def) || !c.every((x) => x instanceof Array)) {
      throw new TypeError(`${who}: fn must return a pytree of Arrays with the structure of elems (${treedefStr(def)}), got ${treedefStr(cdef)}`);
    }
    const out = c as Array[];
    out.forEach((x, i) => {
      if (shp(x.shape) !== shp(a[i].shape)) throw new ShapeError(`${who}: fn must act elementwise: combining leaves of shape ${shp(a[i].shape)} gave ${shp(x.shape)}`);
    });
    return out;
  };
  const scan = (xs: Array[]): Array[] => {
    const m = xs[0].shape[axis];
    if (m < 2) return xs;
    // Combine adjacent pairs, scan those, then fill in the even positions.
    const reduced = combine(xs.map((e) => sliceInDim(e, 0, m - 1, 2, axis)), xs.map((e) => sliceInDim(e, 1, m, 2, axis)));
    const odd = scan(reduced);
    // Position 2j (j >= 1) is the scan up to 2j - 1 (odd[j - 1]) combined with xs[2j]; position 0 is xs[0].
    const nEven = Math.ceil(m / 2) - 1;
    const even = nEven === 0 ? null : combine(odd.map((e) => sliceInDim(e, 0, nEven, 1, axis)), xs.map((e) => sliceInDim(e, 2, m, 2, axis)));
    return xs.map((e, i) => {
      const first = sliceInDim(e, 0, 1, 1, axis);
      return interleave(even ? concatenate([first, even[i]], axis) : first, odd[i], axis);
    });
  };
  const flip = (xs: Array[]): Array[] => xs.map((e) => rev(e, [axis]));
  const out = opts.reverse ? flip(scan(flip(leaves))) : scan(leaves);
  return unflatten<T>(def, out);
}

function operand(who: string, x: unknown): Array {
  if (x instanceof Array) return x;
  throw new TypeError(`lax.${who}: operand must be an Array, got ${globalThis.Array.isArray(x) ? 'a JS array; wrap it with np.array(...)' : typeof x}`);
}

function cumulative(who: string, combine: (a: Array, b: Array) => Array, x: Array, axis: number, reverse: boolean, check: (a: Array) => void): Array {
  const a = operand(who, x);
  check(a);
  if (a.ndim === 0) throw new ShapeError(`lax.${who}: operand ${avalStr(a.aval)} has no axis to scan; reshape it to [1]`);
  if (!Number.isInteger(axis) || axis < -a.ndim || axis >= a.ndim) {
    throw new ShapeError(`lax.${who}: axis ${String(axis)} is out of bounds for ${avalStr(a.aval)}; valid axes are ${-a.ndim} to ${a.ndim - 1}`);
  }
  return associativeScan<Array>(combine, a, { axis, reverse });
}

const numeric = (who: string) => (a: Array): void => {
  if (a.dtype === 'bool') throw new TypeError(`lax.${who}: requires a numeric dtype (int32, float32 or float64), got ${avalStr(a.aval)}; convert with lax.convertElementType(x, 'int32')`);
};
const floating = (who: string) => (a: Array): void => {
  if (a.dtype !== 'float32' && a.dtype !== 'float64') throw new TypeError(`lax.${who}: requires a floating dtype (float32 or float64), got ${avalStr(a.aval)}; convert with lax.convertElementType(x, 'float32')`);
};

/** Cumulative product along `axis` (from the end when reverse). */
export function cumprod(operand: Array, axis = 0, reverse = false): Array {
  return cumulative('cumprod', mul, operand, axis, reverse, numeric('cumprod'));
}
/** Running maximum along `axis`; the gradient follows lax.max's (ties split evenly at each combine, as JAX). */
export function cummax(operand: Array, axis = 0, reverse = false): Array {
  return cumulative('cummax', max, operand, axis, reverse, () => undefined);
}
/** Running minimum along `axis`; the gradient follows lax.min's (ties split evenly at each combine, as JAX). */
export function cummin(operand: Array, axis = 0, reverse = false): Array {
  return cumulative('cummin', min, operand, axis, reverse, () => undefined);
}

/**
 * log(exp(a) + exp(b)) without overflow: max + log1p(exp(min - max)). NaN differences (both
 * infinite of one sign) give a + b, as JAX's logaddexp; they are masked so the gradient stays finite.
 */
function logaddexp(a: ArrayOrScalar, b: ArrayOrScalar): Array {
  const hi = max(a, b);
  const lo = min(a, b);
  const d = sub(lo, hi);
  const bad = ne(d, d);
  const safe = select(bad, 0, d);
  return select(bad, add(a, b), add(hi, log1p(exp(safe))));
}

/** Running log-sum-exp along `axis`: log(cumsum(exp(x))) computed stably (floating operands). */
export function cumlogsumexp(operand: Array, axis = 0, reverse = false): Array {
  return cumulative('cumlogsumexp', logaddexp, operand, axis, reverse, floating('cumlogsumexp'));
}
