/**
 * Zero-aware tangent arithmetic for jvp/transpose rules: a symbolic Zero is never materialised,
 * so unused tangents cost nothing. Rank-0 operands broadcast as in the elementwise primitives.
 */
import type { Array } from '../core/array.js';
import type { Aval } from '../core/ir.js';
import { type Tangent, Zero } from '../core/rules.js';
import { add, broadcastInDim, div, lit, mul, neg, reduceSum } from './ops.js';

export { add, div, lit, mul, neg, sub } from './ops.js';

export const isZero = (t: Tangent | null | undefined): t is Zero | null | undefined => !t || t instanceof Zero;

export const zero = (a: Aval): Zero => new Zero(a);

/** A zero-filled array of `a` (staged as a broadcast of a literal inside traces). */
export function zerosOf(a: Aval): Array {
  const z = lit(0, a);
  return a.shape.length ? broadcastInDim(z, a.shape, []) : z;
}

export function instantiate(t: Tangent): Array {
  return t instanceof Zero ? zerosOf(t.aval) : t;
}

/** Broadcasts a rank-0 value to `a.shape` (elementwise rules mixing scalars and arrays). */
export function bcast(x: Array, a: Aval): Array {
  if (x.aval.shape.length === a.shape.length) return x;
  return broadcastInDim(x, a.shape, []);
}

/** Sums a cotangent down to a rank-0 operand's shape (the transpose of scalar broadcasting). */
export function unbroadcast(ct: Array, a: Aval): Array {
  if (ct.aval.shape.length === a.shape.length) return ct;
  return reduceSum(ct, ct.aval.shape.map((_, i) => i));
}

export function addT(a: Tangent, b: Tangent): Tangent {
  if (a instanceof Zero) return b instanceof Zero ? (a.aval.shape.length >= b.aval.shape.length ? a : b) : b;
  if (b instanceof Zero) return a;
  return add(a, b);
}

/** Adds tangents whose result must have aval `out` (rank-0 tangents are broadcast). */
export function sumT(out: Aval, ...ts: Tangent[]): Tangent {
  let acc: Tangent = zero(out);
  for (const t of ts) acc = addT(acc, t instanceof Zero ? t : bcast(t, out));
  return acc instanceof Zero ? zero(out) : acc;
}

export const negT = (t: Tangent): Tangent => (t instanceof Zero ? t : neg(t));
export const subT = (a: Tangent, b: Tangent): Tangent => addT(a, negT(b));

/** t * factor, Zero-preserving; the result has the broadcast shape of the two. */
export function mulT(t: Tangent, factor: Array): Tangent {
  if (t instanceof Zero) return zero(t.aval.shape.length >= factor.aval.shape.length ? t.aval : { ...t.aval, shape: factor.aval.shape });
  return mul(t, factor);
}

export function divT(t: Tangent, denom: Array): Tangent {
  if (t instanceof Zero) return zero(t.aval.shape.length >= denom.aval.shape.length ? t.aval : { ...t.aval, shape: denom.aval.shape });
  return div(t, denom);
}

/** Applies a linear map to a tangent unless it is Zero (then the result is Zero of `out`). */
export function linearT(t: Tangent, out: Aval, f: (x: Array) => Array): Tangent {
  return t instanceof Zero ? zero(out) : f(t);
}

