/** dot, matmul, outer, einsum (explicit subscripts) and np.linalg, all lowered to dot_general & co. */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { bind, bind1 } from '../core/trace.js';
import { ShapeError } from '../core/errors.js';
import { DotGeneral, Cholesky, Lu, TriangularSolve } from '../primitives/linalg.js';
import { Svd } from '../primitives/decompositions.js';
import { eigh, eigvalsh, svd, svdvals, qr, lstsq, pinv, matrixRank, cond } from './linalg-decomp.js';
import { asArray, broadcastShapes, broadcastTo, convert, normAxes, normAxis, promote } from './promote.js';
import { abs, add, equal, less, lessEqual, log, multiply, negative, notEqual, power, sign, sqrt, subtract } from './math.js';
import { customJvp } from '../control/custom.js';
import { max, min, prod, sum } from './reductions.js';
import { expandDims, moveaxis, reshape, transpose, ravel } from './shape.js';
import { eye, iota } from './creation.js';
import { takeAlongAxis } from './indexing.js';
import { getDefaultFloat, isFloat } from '../core/dtype.js';

const range = (n: number, from = 0) => globalThis.Array.from({ length: n }, (_, i) => i + from);

function dotGeneral(a: Array, b: Array, contracting: [number[], number[]], batch: [number[], number[]], weak: boolean): Array {
  return bind1(DotGeneral, [a, b], { contracting, batch }, weak);
}

/** numpy dot: inner product over the last axis of `a` and the second-to-last of `b`. */
export function dot(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b], t] = promote([x, y]);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  const cb = b.ndim === 1 ? 0 : b.ndim - 2;
  if (a.shape[a.ndim - 1] !== b.shape[cb]) {
    throw new ShapeError(`np.dot: shapes [${a.shape}] and [${b.shape}] not aligned: ${a.shape[a.ndim - 1]} (axis ${a.ndim - 1}) != ${b.shape[cb]} (axis ${cb}); the last axis of the first must equal the ${b.ndim === 1 ? 'length of the second' : 'second-to-last axis of the second'}`);
  }
  return dotGeneral(a, b, [[a.ndim - 1], [cb]], [[], []], t.weak);
}

/** numpy matmul: batched over leading axes (broadcast), 1-D operands promoted then squeezed. */
export function matmul(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  let [[a, b], t] = promote([x, y]);
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError('np.matmul: operands must be at least 1-D; use np.multiply for scalars');
  const va = a.ndim === 1;
  const vb = b.ndim === 1;
  // Errors quote these, the shapes the user passed, not the promoted [1,k] / [k,1] operands.
  const sa = `[${a.shape}]`;
  const sb = `[${b.shape}]`;
  if (va) a = expandDims(a, 0);
  if (vb) b = expandDims(b, -1);
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) {
    const second = vb ? 'the length of the second (a vector)' : 'the second-to-last axis of the second';
    throw new ShapeError(`np.matmul: contraction mismatch: ${sa} @ ${sb} (${k} != ${k2}); the last axis of the first must equal ${second}; transpose an operand or use np.dot/np.einsum to contract other axes`);
  }
  let batch: number[];
  try {
    batch = broadcastShapes('np.matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError(`np.matmul: batch axes of [${asArray(x).shape}] and [${asArray(y).shape}] cannot be broadcast together ([${a.shape.slice(0, -2)}] vs [${b.shape.slice(0, -2)}]); the axes before the last two must broadcast`);
  }
  a = broadcastTo(a, [...batch, m, k]);
  b = broadcastTo(b, [...batch, k, n]);
  const nb = batch.length;
  let r = dotGeneral(a, b, [[nb + 1], [nb]], [range(nb), range(nb)], t.weak);
  // Drop the axes that the 1-D operands were promoted with: m = 1 (a) and n = 1 (b).
  const out = [...r.shape];
  if (va) out.splice(out.length - 2, 1);
  if (vb) out.splice(out.length - 1, 1);
  return va || vb ? reshape(r, out) : r;
}

/** numpy outer: both inputs are flattened first, so every rank gives an [a.size, b.size] matrix. */
export function outer(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const a = ravel(x);
  const b = ravel(y);
  return multiply(expandDims(a, 1), expandDims(b, 0));
}

/** Inner product over the last axes. */
export function inner(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const [[a, b], t] = promote([x, y]);
  if (a.ndim === 0 || b.ndim === 0) return multiply(a, b);
  return dotGeneral(a, b, [[a.ndim - 1], [b.ndim - 1]], [[], []], t.weak);
}

/**
 * numpy vdot: the dot product of the two inputs flattened (they must hold as many elements), a 0-D
 * array in their promoted dtype. Inputs are real, so unlike numpy's vdot nothing is conjugated.
 */
export const vdot = (x: ArrayOrScalar, y: ArrayOrScalar): Array => inner(ravel(x), ravel(y));

/** Contracts `axes` (a count of trailing/leading axes, or explicit lists) like numpy.tensordot. */
export function tensordot(x: ArrayOrScalar, y: ArrayOrScalar, axes: number | [number[], number[]] = 2): Array {
  const [[a, b], t] = promote([x, y]);
  const [ca, cb] = typeof axes === 'number'
    ? [range(axes, a.ndim - axes), range(axes)]
    : [axes[0].map((c) => normAxis('np.tensordot', c, a.ndim)), axes[1].map((c) => normAxis('np.tensordot', c, b.ndim))];
  if (ca.length !== cb.length || ca.length > a.ndim || cb.length > b.ndim || ca.some((c, i) => a.shape[c] !== b.shape[cb[i]])) {
    throw new ShapeError(`np.tensordot: cannot contract axes [${ca}] of [${a.shape}] with axes [${cb}] of [${b.shape}]: sizes [${ca.map((c) => a.shape[c])}] vs [${cb.map((c) => b.shape[c])}]`);
  }
  return dotGeneral(a, b, [ca, cb], [[], []], t.weak);
}

/**
 * Sum along a diagonal of the plane (axis1, axis2), axes 0 and 1 by default as in numpy; the other
 * axes stay, in order. For a batch of matrices pass the last two: trace(x, 0, -2, -1).
 */
export function trace(x: ArrayOrScalar, offset = 0, axis1?: number, axis2?: number): Array {
  return sum(diagonal(x, offset, axis1, axis2), -1);
}

/**
 * The diagonal of the plane (axis1, axis2), axes 0 and 1 by default as in numpy, as the last axis
 * of the result (numpy's layout). For a batch of matrices pass the last two: diagonal(x, 0, -2, -1).
 */
export function diagonal(x: ArrayOrScalar, offset = 0, axis1?: number, axis2?: number): Array {
  let a = asArray(x);
  if (a.ndim < 2) throw new ShapeError(`np.diagonal: needs at least 2-D input, got shape [${a.shape}]`);
  if (!Number.isInteger(offset)) throw new ShapeError(`np.diagonal: offset must be an integer, got ${offset}`);
  const ax1 = normAxis('np.diagonal', axis1 ?? 0, a.ndim);
  const ax2 = normAxis('np.diagonal', axis2 ?? 1, a.ndim);
  if (ax1 === ax2) throw new ShapeError(`np.diagonal: axis1 and axis2 name the same axis (${ax1}) of shape [${a.shape}]; pass two different axes`);
  if (ax1 !== a.ndim - 2 || ax2 !== a.ndim - 1) a = moveaxis(a, [ax1, ax2], [-2, -1]);
  const [n, m] = a.shape.slice(-2);
  const len = Math.max(0, Math.min(n, m - offset, n + offset, m));
  const rows = iota('int32', [len], 0);
  const r0 = offset < 0 ? -offset : 0;
  const c0 = offset > 0 ? offset : 0;
  const rowIdx = broadcastTo(reshape(rows.add(r0), [len, 1]), [...a.shape.slice(0, -2), len, 1]);
  const picked = takeAlongAxis(a, broadcastTo(rowIdx, [...a.shape.slice(0, -2), len, m]), -2, { mode: 'promise_in_bounds' });
  const colIdx = broadcastTo(reshape(rows.add(c0), [len, 1]), [...a.shape.slice(0, -2), len, 1]);
  return reshape(takeAlongAxis(picked, colIdx, -1, { mode: 'promise_in_bounds' }), [...a.shape.slice(0, -2), len]);
}

// ---- einsum ----------------------------------------------------------------------

/**
 * einsum, e.g. einsum('bij,bjk->bik', a, b); pairwise dot_generals. Without '->' the output is, as in
 * numpy, the labels that appear exactly once, in alphabetical (ASCII) order: 'ij,jk' is 'ij,jk->ik'.
 */
export function einsum(subscripts: string, ...operands: ArrayOrScalar[]): Array {
  const { ins, out } = parseEinsum('np.einsum', subscripts, operands.length);
  const [arrs, t] = promote(operands);
  const sizes = new Map<string, number>();
  let terms = arrs.map((a, k) => {
    const labels = ins[k].split('');
    if (labels.length !== a.ndim) throw new ShapeError(`np.einsum: operand ${k} has rank ${a.ndim} but subscripts '${ins[k]}'`);
    labels.forEach((l, i) => {
      const s = sizes.get(l);
      if (s !== undefined && s !== a.shape[i] && s !== 1 && a.shape[i] !== 1) throw new ShapeError(`np.einsum: label '${l}' has sizes ${s} and ${a.shape[i]} in '${subscripts}' (operand shapes ${arrs.map((o) => `[${o.shape}]`).join(', ')})`);
      sizes.set(l, Math.max(s ?? 1, a.shape[i]));
    });
    return { a, labels };
  });
  for (const l of out) if (!sizes.has(l)) throw new ShapeError(`np.einsum: output label '${l}' does not appear in the inputs`);
  // Repeated labels within one operand take a diagonal (mask with identity, then sum one copy).
  terms = terms.map(({ a, labels }) => {
    let cur = a;
    let ls = [...labels];
    for (;;) {
      const dup = ls.findIndex((l, i) => ls.indexOf(l) !== i);
      if (dup < 0) break;
      const first = ls.indexOf(ls[dup]);
      const n = cur.shape[first];
      const shape = cur.shape.map((_, i) => (i === first || i === dup ? n : 1));
      const mask = reshape(eye(n, n, { dtype: cur.dtype, device: cur.device }), shape);
      cur = sum(multiply(cur, mask), dup);
      ls = ls.filter((_, i) => i !== dup);
    }
    return { a: cur, labels: ls };
  });
  const needed = (k: number) => new Set([...out, ...terms.slice(k + 1).flatMap((x) => x.labels)]);
  const sumUnused = (term: { a: Array; labels: string[] }, keep: Set<string>) => {
    const drop = term.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
    return drop.length ? { a: sum(term.a, drop), labels: term.labels.filter((_, i) => !drop.includes(i)) } : term;
  };
  let acc = sumUnused(terms[0], new Set([...needed(0)]));
  for (let k = 1; k < terms.length; k++) {
    const rhs = sumUnused(terms[k], new Set([...needed(k), ...acc.labels]));
    const keep = needed(k);
    const shared = acc.labels.filter((l) => rhs.labels.includes(l));
    const batchL = shared.filter((l) => keep.has(l));
    const contr = shared.filter((l) => !keep.has(l));
    const a = broadcastShared(acc, rhs);
    const b = broadcastShared(rhs, acc);
    const r = dotGeneral(a, b,
      [contr.map((l) => acc.labels.indexOf(l)), contr.map((l) => rhs.labels.indexOf(l))],
      [batchL.map((l) => acc.labels.indexOf(l)), batchL.map((l) => rhs.labels.indexOf(l))], t.weak);
    const freeA = acc.labels.filter((l) => !shared.includes(l));
    const freeB = rhs.labels.filter((l) => !shared.includes(l));
    acc = { a: r, labels: [...batchL, ...freeA, ...freeB] };
  }
  acc = sumUnused(acc, new Set(out));
  return transpose(acc.a, out.split('').map((l) => acc.labels.indexOf(l)));
}

/**
 * The input and output labels of einsum `subscripts` for `n` operands (also np.einsumPath's):
 * without '->' the output is numpy's implicit one.
 */
export function parseEinsum(who: string, subscripts: string, n: number): { ins: string[]; out: string } {
  const spec = subscripts.replace(/\s+/g, '');
  const arrow = spec.indexOf('->');
  const ins = (arrow < 0 ? spec : spec.slice(0, arrow)).split(',');
  const out = arrow < 0 ? implicitOutput(ins) : spec.slice(arrow + 2);
  if (ins.length !== n) throw new ShapeError(`${who}: '${subscripts}' names ${ins.length} operands, got ${n}`);
  if (/[^a-zA-Z]/.test(ins.join('') + out)) throw new ShapeError(`${who}: subscripts must be letters (no ellipsis), got '${subscripts}'`);
  return { ins, out };
}

/** numpy's implicit einsum output: labels used exactly once over all inputs, sorted. */
function implicitOutput(ins: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of ins.join('')) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort().join('');
}

/** Broadcasts size-1 axes of `x` that are shared with `y` (einsum allows them). */
function broadcastShared(x: { a: Array; labels: string[] }, y: { a: Array; labels: string[] }): Array {
  const shape = x.labels.map((l, i) => {
    const j = y.labels.indexOf(l);
    return j >= 0 && x.a.shape[i] === 1 ? y.a.shape[j] : x.a.shape[i];
  });
  return broadcastTo(x.a, shape);
}

// ---- np.linalg -----------------------------------------------------------------------

function asFloatMatrix(who: string, x: ArrayOrScalar): Array {
  const a = asArray(x);
  const f = isFloat(a.dtype) ? a : convert(a, getDefaultFloat());
  if (f.ndim < 2 || f.shape[f.ndim - 1] !== f.shape[f.ndim - 2]) {
    throw new ShapeError(`${who}: expected a square matrix (or a batch [..., n, n]), got shape [${f.shape}]`);
  }
  return f;
}

function luFactor(a: Array): [Array, Array, Array] {
  const [lu, piv, perm] = bind(Lu, [a]);
  return [lu, piv, perm];
}

/** Solves a·x = b; b is [n] (a vector) or [..., n, k] (numpy 2 semantics). */
export function solve(aIn: ArrayOrScalar, bIn: ArrayOrScalar): Array {
  const a = asFloatMatrix('np.linalg.solve', aIn);
  let [[, b]] = promote([a, bIn]);
  b = convert(b, a.dtype);
  const n = a.shape[a.ndim - 1];
  const vec = b.ndim === 1; // numpy 2: only a 1-D b is a vector
  if (vec) b = expandDims(b, -1);
  if (b.shape[b.ndim - 2] !== n) throw new ShapeError(`np.linalg.solve: a is [${a.shape}] but b is [${asArray(bIn).shape}]; b needs ${n} rows`);
  const batch = broadcastShapes('np.linalg.solve', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const a2 = broadcastTo(a, [...batch, n, n]);
  b = broadcastTo(b, [...batch, n, b.shape[b.ndim - 1]]);
  const [lu, , perm] = luFactor(a2);
  const pb = takeAlongAxis(b, broadcastTo(expandDims(perm, -1), b.shape), -2, { mode: 'promise_in_bounds' });
  const y = bind1(TriangularSolve, [lu, pb], { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  const x = bind1(TriangularSolve, [lu, y], { leftSide: true, lower: false, transposeA: false, unitDiagonal: false });
  return vec ? reshape(x, x.shape.slice(0, -1)) : x;
}

/**
 * The inverse of a square matrix or batch [..., n, n], as solve(a, I) (LU with partial pivoting);
 * integers become the default float. A singular matrix gives inf/NaN entries, not numpy's error.
 */
export function inv(x: ArrayOrScalar): Array {
  const a = asFloatMatrix('np.linalg.inv', x);
  const n = a.shape[a.ndim - 1];
  return solve(a, broadcastTo(eye(n, n, { dtype: a.dtype, device: a.device }), a.shape));
}

function pivotSign(piv: Array): Array {
  const n = piv.shape[piv.ndim - 1];
  const swaps = sum(notEqual(piv, iota('int32', [n], 0)), -1);
  return subtract(1, multiply(2, swaps.mod(2)));
}

function detFromLu(lu: Array, piv: Array): Array {
  return multiply(prod(diagonal(lu, 0, -2, -1), -1), convert(pivotSign(piv), lu.dtype));
}

/** A [n] float one-hot vector at k. */
const oneHot = (n: number, k: number, like: Array): Array => convert(equal(iota('int32', [n], 0, { device: like.device }), k), like.dtype);

/**
 * adj(U) of an upper-triangular U by bordering, k = 0..n-1:
 * adj([[U, v], [0, d]]) = [[d·adj(U), −adj(U)·v], [0, det U]]. It never divides, so a zero pivot
 * (a singular matrix) gives the exact adjugate where det·U⁻¹ would give NaN.
 */
function adjUpper(u: Array): Array {
  const n = u.shape[u.ndim - 1];
  const batch = u.shape.slice(0, -2);
  const whole = batch.map((): [] => []);
  const rows = iota('int32', [n], 0, { device: u.device });
  let m = broadcastTo(convert(asArray(0), u.dtype), u.shape);
  let d = broadcastTo(convert(asArray(1), u.dtype), batch);
  for (let k = 0; k < n; k++) {
    const v = multiply(u.slice(...whole, [], k), convert(less(rows, k), u.dtype));
    const c = negative(reshape(matmul(m, expandDims(v, -1)), [...batch, n]));
    const ek = oneHot(n, k, u);
    const ukk = u.slice(...whole, k, k);
    const col = add(c, multiply(expandDims(d, -1), ek));
    m = add(multiply(m, expandDims(ukk, [-1, -2])), multiply(expandDims(col, -1), ek));
    d = multiply(d, ukk);
  }
  return m;
}

/**
 * The cofactor matrix adj(A)ᵀ = ∂det/∂A, finite at singular A. With P·A = L·U,
 * adj(A) = adj(U)·adj(L)·adj(Pᵀ) = sign(P)·adj(U)·L⁻¹·P; L is unit-triangular even when a pivot is 0.
 */
function cofactor(a: Array): Array {
  const [lu, piv, perm] = luFactor(a);
  const n = a.shape[a.ndim - 1];
  const rows = iota('int32', [n, n], 0, { device: a.device });
  const cols = iota('int32', [n, n], 1, { device: a.device });
  const u = multiply(lu, convert(lessEqual(rows, cols), a.dtype));
  const p = convert(equal(expandDims(perm, -1), cols), a.dtype);
  const linvP = bind1(TriangularSolve, [lu, broadcastTo(p, a.shape)], { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  const adj = multiply(matmul(adjUpper(u), linvP), expandDims(convert(pivotSign(piv), a.dtype), [-1, -2]));
  return transpose(adj, [...range(a.ndim - 2), a.ndim - 1, a.ndim - 2]);
}

// d det(A) = tr(adj(A)·dA) (Jacobi's formula), with the adjugate taken from LU without dividing by
// the pivots, so the gradient at a singular matrix is the adjugate (JAX's answer), not NaN.
const detWithJvp = customJvp((a: Array): Array => detFromLu(...(luFactor(a).slice(0, 2) as [Array, Array])), {
  jvp: ([a]: Array[], [da]: Array[]): [Array, Array] => {
    const [lu, piv] = luFactor(a);
    return [detFromLu(lu, piv), sum(multiply(cofactor(a), da), [-2, -1])];
  },
});

/**
 * The determinant of a square matrix or batch [..., n, n], from LU (integers become the default
 * float). Differentiable by Jacobi's formula, with a gradient that stays finite at singular a.
 */
export function det(x: ArrayOrScalar): Array {
  return detWithJvp(asFloatMatrix('np.linalg.det', x)) as Array;
}

/** [sign, log|det|], stable for large or tiny determinants. */
export function slogdet(x: ArrayOrScalar): [Array, Array] {
  const a = asFloatMatrix('np.linalg.slogdet', x);
  const [lu, piv] = luFactor(a);
  const d = diagonal(lu, 0, -2, -1);
  const s = multiply(prod(sign(d), -1), convert(pivotSign(piv), a.dtype));
  return [s, sum(log(abs(d)), -1)];
}

/**
 * The lower Cholesky factor L (a = L·Lᵀ) of a symmetric positive-definite matrix or batch
 * [..., n, n]. Only the lower triangle is read; a matrix that is not positive-definite gives NaNs
 * where numpy raises. The derivative symmetrises dA, as JAX.
 */
export function cholesky(x: ArrayOrScalar): Array {
  return bind1(Cholesky, [asFloatMatrix('np.linalg.cholesky', x)]);
}

/** Vector p-norms (default 2) and matrix 'fro' / 'nuc' / 2 / -2 / 1 / -1 / inf / -inf norms (2, -2, 'nuc' from the singular values). */
export function norm(x: ArrayOrScalar, ord?: number | 'fro' | 'nuc' | null, axis?: number | readonly number[] | null, opts: { keepdims?: boolean } = {}): Array {
  const a = asArray(x);
  const f = isFloat(a.dtype) ? a : convert(a, getDefaultFloat());
  const hasOrd = ord !== undefined && ord !== null;
  if ((axis === null || axis === undefined) && hasOrd && f.ndim > 2) {
    throw new ShapeError(`np.linalg.norm: an ord (${ord}) with no axis needs a vector or a matrix, got shape [${f.shape}]; name the axes, e.g. norm(x, ord, [0, 1])`);
  }
  // A matrix norm's axis pair keeps its order (rows, columns): ord=1 and ord=inf differ by it.
  const axes = axis === null || axis === undefined ? (hasOrd && f.ndim === 2 ? [0, 1] : null)
    : globalThis.Array.isArray(axis) && axis.length === 2 ? orderedPair(axis as readonly number[], f.ndim)
      : normAxes('np.linalg.norm', axis, f.ndim);
  const kd = { keepdims: opts.keepdims };
  if (axes === null || axes.length === 1) {
    if (ord === 'fro' || ord === 'nuc') throw new ShapeError(`np.linalg.norm: ord='${ord}' needs a matrix (2 axes)`);
    const ax = axes ?? null;
    const p = ord ?? 2;
    if (p === 2) return sqrt(sum(multiply(f, f), ax, kd));
    if (p === Infinity) return max(abs(f), ax, kd);
    if (p === -Infinity) return min(abs(f), ax, kd);
    if (p === 1) return sum(abs(f), ax, kd);
    if (p === 0) return sum(convert(notEqual(f, 0), f.dtype), ax, kd);
    return power(sum(power(abs(f), p), ax, kd), 1 / p);
  }
  if (axes.length !== 2) throw new ShapeError(`np.linalg.norm: axis must name 1 or 2 axes, got [${axes}]`);
  const [r, c] = axes;
  if (ord === undefined || ord === null || ord === 'fro') return sqrt(sum(multiply(f, f), axes, kd));
  if (ord === 1 || ord === -1) {
    const colSums = sum(abs(f), r, { keepdims: true });
    const red = ord === 1 ? max(colSums, c, { keepdims: true }) : min(colSums, c, { keepdims: true });
    return kd.keepdims ? red : reshape(red, f.shape.filter((_, i) => i !== r && i !== c));
  }
  if (ord === Infinity || ord === -Infinity) {
    const rowSums = sum(abs(f), c, { keepdims: true });
    const red = ord === Infinity ? max(rowSums, r, { keepdims: true }) : min(rowSums, r, { keepdims: true });
    return kd.keepdims ? red : reshape(red, f.shape.filter((_, i) => i !== r && i !== c));
  }
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    // Singular values of the [r, c] matrices, moved to the last two axes.
    const s = bind(Svd, [moveaxis(f, [r, c], [-2, -1])], { fullMatrices: false, computeUv: false })[0];
    const red = ord === 2 ? max(s, -1) : ord === -2 ? min(s, -1) : sum(s, -1);
    return kd.keepdims ? expandDims(red, [r, c].sort((i, j) => i - j)) : red;
  }
  throw new ShapeError(`np.linalg.norm: matrix ord ${ord} is not supported; use 'fro', 'nuc', 2, -2, 1, -1, Infinity or -Infinity`);
}

function orderedPair(axis: readonly number[], ndim: number): number[] {
  const pair = axis.map((a) => normAxis('np.linalg.norm', a, ndim));
  if (pair[0] === pair[1]) throw new ShapeError(`np.linalg.norm: repeated axis in [${axis}] (rank ${ndim}); a matrix norm names two different axes`);
  return pair;
}

// ---- matrix powers, chains and tensor systems ----------------------------------------

/** a raised to the integer power n (n < 0 inverts first, 0 gives the identity), batched over leading axes. */
export function matrixPower(x: ArrayOrScalar, n: number): Array {
  const a = asArray(x);
  if (!Number.isInteger(n)) throw new ShapeError(`np.linalg.matrixPower: n must be an integer, got ${n}; use scipy-style expm/logm for fractional powers`);
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) {
    throw new ShapeError(`np.linalg.matrixPower: expected a square matrix (or a batch [..., m, m]), got shape [${a.shape}]`);
  }
  const m = a.shape[a.ndim - 1];
  if (n === 0) return broadcastTo(eye(m, m, { dtype: a.dtype, device: a.device }), a.shape);
  // Repeated squaring: a^n = Π a^(2^k) over the set bits k of |n|, about 2·log2|n| matmuls.
  let base = n < 0 ? inv(a) : a;
  let k = Math.abs(n);
  let result: Array | undefined;
  for (;;) {
    if (k & 1) result = result === undefined ? base : matmul(result, base);
    k = Math.floor(k / 2);
    if (k === 0) break;
    base = matmul(base, base);
  }
  return result ?? base;
}

/** Dot of 2+ arrays in the cheapest order (numpy's dynamic programme on shapes); a 1-D first/last is a row/column vector. */
export function multiDot(arrays: readonly ArrayOrScalar[]): Array {
  const n = arrays.length;
  if (n < 2) throw new ShapeError(`np.linalg.multiDot: needs at least 2 arrays, got ${n}; use np.dot or the array itself`);
  if (n === 2) return dot(arrays[0], arrays[1]);
  const [arrs] = promote([...arrays]);
  const first = arrs[0].ndim === 1;
  const last = arrs[n - 1].ndim === 1;
  const ms = arrs.map((a, i) => (i === 0 && first ? expandDims(a, 0) : i === n - 1 && last ? expandDims(a, 1) : a));
  ms.forEach((a, i) => {
    if (a.ndim !== 2) throw new ShapeError(`np.linalg.multiDot: array ${i} has shape [${arrs[i].shape}]; the first and last may be 1-D, the others must be 2-D`);
    if (i > 0 && ms[i - 1].shape[1] !== a.shape[0]) {
      throw new ShapeError(`np.linalg.multiDot: arrays ${i - 1} and ${i} are not aligned: [${arrs[i - 1].shape}] and [${arrs[i].shape}] (${ms[i - 1].shape[1]} != ${a.shape[0]})`);
    }
  });
  // p[i], p[i+1] are the rows/columns of matrix i; cost[i][j] is the fewest scalar multiplies for
  // the chain i..j and split[i][j] where it splits (the first cheapest k on ties, as numpy).
  const p = [ms[0].shape[0], ...ms.map((a) => a.shape[1])];
  const cost = ms.map(() => ms.map(() => 0));
  const split = ms.map(() => ms.map(() => 0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
        if (c < cost[i][j]) { cost[i][j] = c; split[i][j] = k; }
      }
    }
  }
  const chain = (i: number, j: number): Array => (i === j ? ms[i] : dot(chain(i, split[i][j]), chain(split[i][j] + 1, j)));
  const r = chain(0, n - 1);
  const shape = [...(first ? [] : [r.shape[0]]), ...(last ? [] : [r.shape[1]])];
  return first || last ? reshape(r, shape) : r;
}

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** x with tensordot(a, x, x.ndim) = b; `axes` of a move to the end first, as numpy.linalg.tensorsolve. */
export function tensorsolve(aIn: ArrayOrScalar, bIn: ArrayOrScalar, axes?: readonly number[]): Array {
  let a = asArray(aIn);
  const b = asArray(bIn);
  if (axes !== undefined) {
    const ax = axes.map((k) => normAxis('np.linalg.tensorsolve', k, a.ndim));
    a = transpose(a, [...range(a.ndim).filter((i) => !ax.includes(i)), ...ax]);
  }
  const xShape = a.shape.slice(b.ndim);
  const m = size(xShape);
  if (b.ndim > a.ndim || size(a.shape.slice(0, b.ndim)) !== m || size(b.shape) !== m) {
    throw new ShapeError(`np.linalg.tensorsolve: a [${a.shape}] and b [${b.shape}] do not make a square system: a's leading axes must match b and hold as many elements (${size(b.shape)}) as its trailing axes [${xShape}] (${m})`);
  }
  return reshape(solve(reshape(a, [m, m]), ravel(b)), xShape);
}

/** The inverse of a as a tensor for tensordot over `ind` axes: shape a.shape[ind:] + a.shape[:ind]. */
export function tensorinv(aIn: ArrayOrScalar, ind = 2): Array {
  const a = asArray(aIn);
  if (!Number.isInteger(ind) || ind <= 0 || ind > a.ndim) throw new ShapeError(`np.linalg.tensorinv: ind must be a positive integer at most the rank ${a.ndim}, got ${ind}`);
  const rows = size(a.shape.slice(0, ind));
  if (size(a.shape.slice(ind)) !== rows) {
    throw new ShapeError(`np.linalg.tensorinv: a [${a.shape}] is not square for ind=${ind}: the first ${ind} axes hold ${rows} elements, the rest ${size(a.shape.slice(ind))}; pick ind so they match`);
  }
  return reshape(inv(reshape(a, [rows, rows])), [...a.shape.slice(ind), ...a.shape.slice(0, ind)]);
}

/** The np.linalg functions defined here and in linalg-decomp.ts (index.ts adds the array-API ones and eig). */
export const linalg = {
  /**
   * Solves a·x = b (numpy.linalg.solve) by LU with partial pivoting: a [..., n, n], b [n] (one
   * vector) or [..., n, k], batch axes broadcast as numpy 2. Integer a becomes the default float; b
   * takes a's dtype.
   */
  solve,
  /** The inverse of a square matrix or batch [..., n, n] (numpy.linalg.inv), as solve(a, I); a singular a gives inf/NaN entries. */
  inv,
  /**
   * The determinant of a square matrix or batch [..., n, n] (numpy.linalg.det), from LU. Its
   * gradient is the cofactor matrix (Jacobi's formula), finite at singular matrices as in JAX.
   */
  det,
  /**
   * `[sign, logabsdet]` of a square matrix or batch [..., n, n] (numpy.linalg.slogdet), from LU:
   * stable where det would overflow or underflow. A singular matrix gives sign 0 and -Infinity.
   */
  slogdet,
  /**
   * The lower Cholesky factor L, a = L·Lᵀ, of a symmetric positive-definite matrix or batch
   * [..., n, n] (numpy.linalg.cholesky). Only the lower triangle is read; a matrix that is not
   * positive-definite gives NaNs instead of numpy's error. The derivative symmetrises dA, as JAX.
   */
  cholesky,
  /**
   * Vector and matrix norms (numpy.linalg.norm), in a float dtype (integers become the default
   * float). With no `axis`: the 2-norm of all elements, or the `ord` norm of a 1-D or 2-D x. One
   * axis: vector norms (any p, Infinity, -Infinity, 0). Two axes: matrix norms ('fro', 'nuc', 1, -1,
   * 2, -2, Infinity, -Infinity; 2, -2 and 'nuc' from the singular values).
   */
  norm,
  /**
   * a raised to the integer power n (numpy.linalg.matrix_power) for a square matrix or batch
   * [..., m, m], by repeated squaring: n = 0 gives the identity, n < 0 inverts first.
   */
  matrixPower,
  /**
   * The product of two or more arrays (numpy.linalg.multi_dot), multiplied in the order with the
   * fewest scalar multiplications. The first and last may be 1-D (a row and a column vector, whose
   * axes leave the result); the others must be 2-D.
   */
  multiDot,
  /**
   * Solves tensordot(a, x, x.ndim) = b for x (numpy.linalg.tensorsolve): x has shape
   * a.shape[b.ndim:], and the axes of a named in `axes` are moved to the end first.
   */
  tensorsolve,
  /**
   * The inverse of a for tensordot over `ind` axes (numpy.linalg.tensorinv, ind = 2 by default), of
   * shape a.shape[ind:] + a.shape[:ind]; the first ind axes must hold as many elements as the rest.
   */
  tensorinv,
  /**
   * Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix or batch [..., n, n]
   * (numpy.linalg.eigh), an EighResult. As JAX the input is symmetrised first (`symmetrizeInput:
   * false` reads only the `UPLO` triangle, as numpy); each eigenvector's largest-magnitude entry is positive.
   */
  eigh,
  /** The eigenvalues [..., n], ascending, of a symmetric matrix or batch [..., n, n] (numpy.linalg.eigvalsh). */
  eigvalsh,
  /**
   * The singular value decomposition a = U·diag(S)·Vh of a matrix or batch [..., m, n]
   * (numpy.linalg.svd), an SvdResult with S descending; `computeUv` false returns S alone.
   * `fullMatrices` (default true) makes U and Vh square. Derivatives of U and Vh need
   * `fullMatrices` false or a square a, as JAX.
   */
  svd,
  /** The singular values [..., min(m, n)], descending, of a matrix or batch [..., m, n] (numpy.linalg.svdvals). */
  svdvals,
  /**
   * The QR decomposition a = Q·R of a matrix or batch [..., m, n] (numpy.linalg.qr), a QrResult;
   * mode 'reduced' (default), 'complete', or 'r' for R alone. Derivatives need m >= n (and
   * 'reduced' unless m == n), as JAX.
   */
  qr,
  /**
   * The least-squares solution of a·x = b (numpy.linalg.lstsq) for a 2-D a [m, n] and b [m] or
   * [m, k], via the SVD: `[x, residuals, rank, s]`. Singular values below rcond·s_max count as zero
   * (default eps·max(m, n)); residuals are always computed, as JAX.
   */
  lstsq,
  /**
   * The Moore-Penrose pseudo-inverse [..., n, m] of a matrix or batch [..., m, n] (numpy.linalg.pinv)
   * via the SVD, dropping singular values at most rtol·s_max (default 10·max(m, n)·eps, JAX's).
   * Differentiable by JAX's rule where the rank is locally constant; `hermitian` is ignored.
   */
  pinv,
  /**
   * The rank (int32) of a matrix or batch [..., m, n] (numpy.linalg.matrix_rank): the number of
   * singular values above rtol·s_max (default max(m, n)·eps); a 1-D or 0-D input has rank 1 unless all zero.
   */
  matrixRank,
  /**
   * The condition number of a matrix or batch (numpy.linalg.cond): for p None, 2 or -2 a ratio of
   * singular values (any [..., m, n]); for 'fro', 'nuc', 1, -1, Infinity, -Infinity
   * norm(a, p)·norm(inv(a), p) (square only). A singular matrix gives Infinity, as numpy.
   */
  cond,
};

