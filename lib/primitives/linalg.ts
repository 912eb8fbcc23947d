/** Linear algebra primitives: dot_general, Cholesky, LU, triangular solve. */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval, NoParams } from '../core/ir.js';
import { type ShapeResult, FLOATS, NUMERIC, checkAxes, checkDtype, fail, fmt, ok, withShape } from './util.js';
import type { Array } from '../core/array.js';
import { LinearIn, type Tangent } from '../core/rules.js';
import { bind, bind1 } from '../core/trace.js';
import { batchFirst, moveAxis } from './batching.js';
import { add, isZero, lit, mul, sub, sumT, zero } from './ad-util.js';
import { BroadcastInDim, Transpose, Iota, ConvertElementType } from './shape.js';
import { Ge, Gt, Le, Lt, Eq } from './binary.js';

function range(a: number, b: number): number[] { const r: number[] = []; for (let i = a; i < b; i++) r.push(i); return r; }
const argsort = (xs: readonly number[]): number[] => xs.map((_, i) => i).sort((i, j) => xs[i] - xs[j]);

/** Swaps the last two axes. */
export function mT(x: Array): Array {
  const n = x.aval.shape.length;
  return bind1(Transpose, [x], { permutation: [...range(0, n - 2), n - 1, n - 2] });
}

/** Batched matrix product p·q over the leading axes. */
export function mm(p: Array, q: Array): Array {
  const r = p.aval.shape.length;
  const b = range(0, r - 2);
  return bind1(DotGeneral, [p, q], { contracting: [[r - 1], [r - 2]], batch: [b, b] });
}

/** A [..., r, c] float mask: 1 where keep(row, col), else 0 (staged with iota). */
export function triMask(like: Aval, keep: Primitive): Array {
  const shape = [...like.shape];
  const n = shape.length;
  const rows = bind1(Iota, [], { dtype: 'int32', shape, dimension: n - 2 });
  const cols = bind1(Iota, [], { dtype: 'int32', shape, dimension: n - 1 });
  return bind1(ConvertElementType, [bind1(keep, [rows, cols])], { newDtype: like.dtype });
}

export interface DotParams {
  readonly [k: string]: unknown;
  /** [lhs axes, rhs axes] contracted pairwise. */
  readonly contracting: readonly [readonly number[], readonly number[]];
  /** [lhs axes, rhs axes] batched pairwise. */
  readonly batch: readonly [readonly number[], readonly number[]];
}

/** General dot: output axes are batch, then lhs free, then rhs free (XLA's DotGeneral). */
export const DotGeneral: Primitive<DotParams> = definePrimitive<DotParams>({
  name: 'dot_general',
  abstractEval: ([a, b], { contracting: [ca, cb], batch: [ba, bb] }) => {
    const e = checkDtype('dot_general', a, NUMERIC) ?? checkAxes('dot_general', [...ca, ...ba], a.shape.length) ?? checkAxes('dot_general', [...cb, ...bb], b.shape.length);
    if (e) return fail(e.message);
    if (a.dtype !== b.dtype) return fail(`dot_general: operand dtypes must match, got ${fmt([a, b])}`);
    if (ca.length !== cb.length || ba.length !== bb.length) return fail('dot_general: contracting/batch axis lists must pair up');
    for (let i = 0; i < ca.length; i++) {
      if (a.shape[ca[i]] !== b.shape[cb[i]]) {
        return fail(`dot_general: contracting dimensions differ: lhs ${fmt([a])} axis ${ca[i]} vs rhs ${fmt([b])} axis ${cb[i]}`);
      }
    }
    for (let i = 0; i < ba.length; i++) {
      if (a.shape[ba[i]] !== b.shape[bb[i]]) return fail(`dot_general: batch dimensions differ: ${fmt([a, b])}`);
    }
    const free = (s: readonly number[], used: readonly number[]) => s.filter((_, i) => !used.includes(i));
    return ok(withShape(a, [...ba.map((i) => a.shape[i]), ...free(a.shape, [...ca, ...ba]), ...free(b.shape, [...cb, ...bb])]));
  },
  // Bilinear: d(x·y) = dx·y + x·dy.
  jvp: ([x, y], [dx, dy], p) => {
    const out = bind1(DotGeneral, [x, y], p);
    const tx: Tangent = isZero(dx) ? zero(out.aval) : bind1(DotGeneral, [dx, y], p);
    const ty: Tangent = isZero(dy) ? zero(out.aval) : bind1(DotGeneral, [x, dy], p);
    return [[out], [sumT(out.aval, tx, ty)]];
  },
  transpose: ([ct], [x, y], p) => {
    if (isZero(ct)) return [null, null];
    const g = ct;
    if (x instanceof LinearIn && y instanceof LinearIn) throw new TypeError('transpose: dot_general of two linear values is not linear');
    if (x instanceof LinearIn) return [dotTransposeLhs(g, x.aval, (y as Array).aval.shape.length, y as Array, p, false), null];
    if (y instanceof LinearIn) {
      const sw: DotParams = { contracting: [p.contracting[1], p.contracting[0]], batch: [p.batch[1], p.batch[0]] };
      return [null, dotTransposeLhs(g, y.aval, (x as Array).aval.shape.length, x as Array, sw, true)];
    }
    return [null, null];
  },
  vmap: ([x, y], [dx, dy], { contracting: [ca, cb], batch: [ba, bb] }) => {
    const sh = (a: readonly number[]) => a.map((i) => i + 1);
    if (dx !== null && dy !== null) {
      const xs = moveAxis(x, dx, 0);
      const ys = moveAxis(y, dy, 0);
      return [[bind1(DotGeneral, [xs, ys], { contracting: [sh(ca), sh(cb)], batch: [[0, ...sh(ba)], [0, ...sh(bb)]] })], [0]];
    }
    if (dx !== null) {
      const xs = moveAxis(x, dx, 0);
      return [[bind1(DotGeneral, [xs, y], { contracting: [sh(ca), cb], batch: [sh(ba), bb] })], [ba.length]];
    }
    if (dy !== null) {
      const ys = moveAxis(y, dy, 0);
      const lhsFree = x.aval.shape.length - ca.length - ba.length;
      return [[bind1(DotGeneral, [x, ys], { contracting: [ca, sh(cb)], batch: [ba, sh(bb)] })], [ba.length + lhsFree]];
    }
    return [[bind1(DotGeneral, [x, y], { contracting: [ca, cb], batch: [ba, bb] })], [null]];
  },
});

/** JAX's _dot_general_transpose_lhs: the cotangent of the lhs (aval `xa`) of dot(x, y) given g. */
function dotTransposeLhs(g: Array, xa: Aval, yNdim: number, y: Array, p: DotParams, swapAns: boolean): Array {
  const [xc, yc] = p.contracting;
  const [xb, yb] = p.batch;
  const xNdim = xa.shape.length;
  const xKept = range(0, xNdim).filter((i) => !xc.includes(i) && !xb.includes(i));
  const yKept = range(0, yNdim).filter((i) => !yc.includes(i) && !yb.includes(i));
  const nb = xb.length;
  const ansBatch = range(0, nb);
  const ansY = swapAns ? range(nb, nb + yKept.length) : range(nb + xKept.length, nb + xKept.length + yKept.length);
  const dims: DotParams = { contracting: [ansY, yKept], batch: [ansBatch, [...yb]] };
  const ycOrder = argsort(yc);
  const xcSortedByY = ycOrder.map((i) => xc[i]);
  const outAxes = argsort([...xb, ...xKept, ...xcSortedByY]);
  return bind1(Transpose, [bind1(DotGeneral, [g, y], dims)], { permutation: outAxes });
}

function checkSquare(name: string, a: Aval): string | undefined {
  const n = a.shape.length;
  if (n < 2 || a.shape[n - 1] !== a.shape[n - 2]) return `${name}: expected a (batch of) square matrices [..., n, n], got ${fmt([a])}`;
  return checkDtype(name, a, FLOATS, 'convert with astype first')?.message;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (NaNs if it is not). */
export const Cholesky: Primitive<NoParams> = definePrimitive({
  name: 'cholesky',
  abstractEval: ([a]): ShapeResult => {
    const e = checkSquare('cholesky', a);
    return e ? fail(e) : ok(a);
  },
  // dL = L·Φ(L⁻¹ sym(dA) L⁻ᵀ), Φ = lower triangle with halved diagonal (dA is symmetrised, as in JAX).
  jvp: ([a], [da]) => {
    const l = bind1(Cholesky, [a]);
    if (isZero(da)) return [[l], [zero(l.aval)]];
    const d = da;
    const sym = mul(add(d, mT(d)), lit(0.5, d.aval));
    const s1 = bind1(TriangularSolve, [l, sym], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false });
    const s2 = bind1(TriangularSolve, [l, s1], { leftSide: false, lower: true, transposeA: true, unitDiagonal: false });
    const phi = mul(s2, add(triMask(l.aval, Gt), mul(triMask(l.aval, Eq), lit(0.5, l.aval))));
    return [[l], [mm(l, phi)]];
  },
  vmap: ([a], [d]) => [[bind1(Cholesky, [moveAxis(a, d!, 0)])], [0]],
});

/** LU with partial pivoting: [lu, pivots (i32[..., n]), permutation (i32[..., n])]; P·A = L·U. */
export const Lu: Primitive<NoParams> = definePrimitive({
  name: 'lu',
  abstractEval: ([a]): ShapeResult => {
    const e = checkSquare('lu', a);
    if (e) return fail(e);
    const batch = a.shape.slice(0, -1);
    return ok(a, withShape(a, batch, 'int32'), withShape(a, batch, 'int32'));
  },
  // JAX's lu_jvp_rule (square case): with L, U the factors and P the row permutation,
  // X = L⁻¹ P dA U⁻¹, dL = L·strict_tril(X), dU = triu(X)·U.
  jvp: ([a], [da]) => {
    const [lu, piv, perm] = bind(Lu, [a]);
    const outs = [lu, piv, perm];
    if (isZero(da)) return [outs, outs.map((o) => zero(o.aval))];
    const av = lu.aval;
    const nb = av.shape.length - 2;
    // One-hot permutation matrix Pm[..., i, j] = (perm[..., i] == j).
    const permB = bind1(BroadcastInDim, [perm], { shape: [...av.shape], broadcastDimensions: range(0, nb + 1) });
    const cols = bind1(Iota, [], { dtype: 'int32', shape: [...av.shape], dimension: nb + 1 });
    const pm = bind1(ConvertElementType, [bind1(Eq, [permB, cols])], { newDtype: av.dtype });
    const eye = triMask(av, Eq);
    const l = add(mul(lu, triMask(av, Gt)), eye);
    const u = mul(lu, triMask(av, Le));
    const la = bind1(TriangularSolve, [l, mm(pm, da)], { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
    const lau = bind1(TriangularSolve, [u, la], { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
    const dlu = add(mm(l, mul(lau, triMask(av, Gt))), mm(mul(lau, triMask(av, Le)), u));
    return [outs, [dlu, zero(piv.aval), zero(perm.aval)]];
  },
  vmap: ([a], [d]) => [bind(Lu, [moveAxis(a, d!, 0)]), [0, 0, 0]],
});

export interface TriSolveParams {
  readonly [k: string]: unknown;
  readonly leftSide: boolean;
  readonly lower: boolean;
  readonly transposeA: boolean;
  readonly unitDiagonal: boolean;
}

/** Solves op(A)·X = B (leftSide) or X·op(A) = B, with A triangular; op = transpose if transposeA. */
export const TriangularSolve: Primitive<TriSolveParams> = definePrimitive<TriSolveParams>({
  name: 'triangular_solve',
  abstractEval: ([a, b], { leftSide }) => {
    const e = checkSquare('triangular_solve', a);
    if (e) return fail(e);
    const n = a.shape.length;
    const m = a.shape[n - 1];
    const ok2 = b.dtype === a.dtype && b.shape.length === n && b.shape.slice(0, -2).every((d, i) => d === a.shape[i]) && b.shape[leftSide ? n - 2 : n - 1] === m;
    if (!ok2) return fail(`triangular_solve: b ${fmt([b])} does not match a ${fmt([a])} (leftSide=${leftSide}); b must be [..., ${leftSide ? `${m}, k` : `k, ${m}`}]`);
    return ok(b);
  },
  // Linear in b; w.r.t. a: op(A)·X = B gives dX = solve(op(A), dB - op(dA)·X) (right side: dB - X·op(dA)).
  jvp: ([a, b], [da, db], p) => {
    const x = bind1(TriangularSolve, [a, b], p);
    if (isZero(da) && isZero(db)) return [[x], [zero(x.aval)]];
    let rhs: Array | null = isZero(db) ? null : db;
    if (!isZero(da)) {
      // Only the triangle that is read counts (a may hold both factors of an LU).
      const keep = p.lower ? (p.unitDiagonal ? Gt : Ge) : (p.unitDiagonal ? Lt : Le);
      let dA = mul(da, triMask(da.aval, keep));
      if (p.transposeA) dA = mT(dA);
      const prod = p.leftSide ? mm(dA, x) : mm(x, dA);
      rhs = rhs ? sub(rhs, prod) : mul(prod, lit(-1, prod.aval));
    }
    return [[x], [bind1(TriangularSolve, [a, rhs!], p)]];
  },
  transpose: ([ct], [a, b], p) => {
    if (a instanceof LinearIn) throw new TypeError('transpose: triangular_solve is not linear in a');
    if (isZero(ct) || !(b instanceof LinearIn)) return [null, null];
    return [null, bind1(TriangularSolve, [a, ct], { ...p, transposeA: !p.transposeA })];
  },
  vmap: ([a, b], [da, db], p, size) => {
    return [[bind1(TriangularSolve, [batchFirst(a, da, size), batchFirst(b, db, size)], p)], [0]];
  },
});
