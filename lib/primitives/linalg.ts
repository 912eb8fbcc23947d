/** Linear algebra primitives: dot_general, Cholesky, LU, triangular solve. */
import { definePrimitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import { type ShapeResult, FLOATS, NUMERIC, checkAxes, checkDtype, fail, fmt, ok, withShape } from './util.js';

export interface DotParams {
  readonly [k: string]: unknown;
  /** [lhs axes, rhs axes] contracted pairwise. */
  readonly contracting: readonly [readonly number[], readonly number[]];
  /** [lhs axes, rhs axes] batched pairwise. */
  readonly batch: readonly [readonly number[], readonly number[]];
}

/** General dot: output axes are batch, then lhs free, then rhs free (XLA's DotGeneral). */
export const DotGeneral = definePrimitive<DotParams>({
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
});

function checkSquare(name: string, a: Aval): string | undefined {
  const n = a.shape.length;
  if (n < 2 || a.shape[n - 1] !== a.shape[n - 2]) return `${name}: expected a (batch of) square matrices [..., n, n], got ${fmt([a])}`;
  return checkDtype(name, a, FLOATS, 'convert with astype first')?.message;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (NaNs if it is not). */
export const Cholesky = definePrimitive({
  name: 'cholesky',
  abstractEval: ([a]): ShapeResult => {
    const e = checkSquare('cholesky', a);
    return e ? fail(e) : ok(a);
  },
});

/** LU with partial pivoting: [lu, pivots (i32[..., n]), permutation (i32[..., n])]; P·A = L·U. */
export const Lu = definePrimitive({
  name: 'lu',
  abstractEval: ([a]): ShapeResult => {
    const e = checkSquare('lu', a);
    if (e) return fail(e);
    const batch = a.shape.slice(0, -1);
    return ok(a, withShape(a, batch, 'int32'), withShape(a, batch, 'int32'));
  },
});

export interface TriSolveParams {
  readonly [k: string]: unknown;
  readonly leftSide: boolean;
  readonly lower: boolean;
  readonly transposeA: boolean;
  readonly unitDiagonal: boolean;
}

/** Solves op(A)·X = B (leftSide) or X·op(A) = B, with A triangular; op = transpose if transposeA. */
export const TriangularSolve = definePrimitive<TriSolveParams>({
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
});
