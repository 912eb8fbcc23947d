/**
 * eig: eigenvalues and right eigenvectors of a general (nonsymmetric) real square matrix, batched
 * over leading axes (JAX's lax.linalg.eig). Complex results are pairs of real arrays: outputs
 * [wr, wi] (eigenvalues w = wr + i·wi, [..., n]) and, with `vectors`, [vr, vi] ([..., n, n], the
 * eigenvector of w[j] in column j). Eigenvalues come in the order of the Hessenberg QR iteration
 * (complex pairs adjacent, positive imaginary part first); each eigenvector has unit 2-norm and its
 * largest-modulus entry real and positive (lib/backends/cpu/eig.ts).
 *
 * Derivatives, with C = V⁻¹·dA·V (complex; V⁻¹ through the real 2n×2n form [[Vr, −Vi], [Vi, Vr]]):
 *   dw = diag(C)                                        (JAX's eig_jvp_rule, eqn 4.60 of
 *                                                        arXiv:1701.00392)
 *   dV = V·(F ∘ C) + V·diag(c),  F[i, j] = 1/(w_j − w_i) off the diagonal, 0 on it,
 * where the per-column c keeps the normalisation: Re c_j = −Re(v_jᴴ·u_j) (unit norm) and
 * Im c_j = −Im(u_kj)/v_kj (the pivot entry k stays real), u = V·(F ∘ C). JAX itself stops at the
 * eigenvalues; the eigenvector rule needs distinct eigenvalues, as eigh's.
 */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Array } from '../core/array.js';
import { bind, bind1 } from '../core/trace.js';
import { type ShapeResult, FLOATS, checkDtype, fail, fmt, ok, withShape } from './util.js';
import { moveAxis } from './batching.js';
import { add, div, isZero, mul, sub, zero } from './ad-util.js';
import { broadcastInDim, reduceSum } from './ops.js';
import { Eq, Ge } from './binary.js';
import { Argmax, ReduceMax } from './reduce.js';
import { Concatenate, ConvertElementType, Iota, Slice } from './shape.js';
import { Lu, TriangularSolve, mm, triMask } from './linalg.js';
import { alongCols, alongRows } from './decompositions.js';

/** Relative slack in the choice of each eigenvector's pivot: the first entry whose squared modulus is within it of the largest. */
export const EIG_PIVOT_SLACK = 1e-6;

export interface EigParams {
  readonly [k: string]: unknown;
  /** Also compute the right eigenvectors (outputs [wr, wi, vr, vi]; else [wr, wi]). */
  readonly vectors: boolean;
}

const range = (a: number, b: number): number[] => globalThis.Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

/** A complex array as its real and imaginary parts. */
interface Cx { readonly re: Array; readonly im: Array }

const cmm = (p: Cx, q: Cx): Cx => ({ re: sub(mm(p.re, q.re), mm(p.im, q.im)), im: add(mm(p.re, q.im), mm(p.im, q.re)) });
const cmul = (p: Cx, q: Cx): Cx => ({ re: sub(mul(p.re, q.re), mul(p.im, q.im)), im: add(mul(p.re, q.im), mul(p.im, q.re)) });

/** x[..., r0:r1, :] of a [..., rows, cols] batch. */
function rows(x: Array, r0: number, r1: number): Array {
  const sh = x.aval.shape;
  const r = sh.length;
  return bind1(Slice, [x], { startIndices: sh.map((_, i) => (i === r - 2 ? r0 : 0)), limitIndices: sh.map((d, i) => (i === r - 2 ? r1 : d)), strides: null });
}


/** The diagonal of a batch [..., n, n] -> [..., n]. */
const diagOf = (x: Array): Array => reduceSum(mul(x, triMask(x.aval, Eq)), [x.aval.shape.length - 1]);

/** X with A·X = B for square A [..., m, m] and B [..., m, k], by LU with partial pivoting (P·A = L·U). */
function solve(a: Array, b: Array): Array {
  const [lu, , perm] = bind(Lu, [a]);
  const av = lu.aval;
  const nb = av.shape.length - 2;
  const permB = broadcastInDim(perm, av.shape, range(0, nb + 1));
  const cols = bind1(Iota, [], { dtype: 'int32', shape: [...av.shape], dimension: nb + 1 });
  const pm = bind1(ConvertElementType, [bind1(Eq, [permB, cols])], { newDtype: av.dtype });
  const y = bind1(TriangularSolve, [lu, mm(pm, b)], { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  return bind1(TriangularSolve, [lu, y], { leftSide: true, lower: false, transposeA: false, unitDiagonal: false });
}

/** Concatenation along axis `d` (negative counts from the end). */
function concat(xs: Array[], d: number): Array {
  const r = xs[0].aval.shape.length;
  return bind1(Concatenate, xs, { dimension: d < 0 ? r + d : d });
}

/** C = V⁻¹·dA·V for complex V and real dA, through the real form [[Vr, −Vi], [Vi, Vr]]. */
function similarity(v: Cx, da: Array): Cx {
  const n = v.re.aval.shape[v.re.aval.shape.length - 1];
  const m = concat([concat([v.re, mul(v.im, -1)], -1), concat([v.im, v.re], -1)], -2);
  const x = solve(m, concat([mm(da, v.re), mm(da, v.im)], -2));
  return { re: rows(x, 0, n), im: rows(x, n, 2 * n) };
}

/** The one-hot [..., n, n] float mask of each column's pivot row (see EIG_PIVOT_SLACK). */
function pivotMask(v: Cx): Array {
  const sh = v.re.aval.shape;
  const r = sh.length;
  const mod2 = add(mul(v.re, v.re), mul(v.im, v.im));
  const best = alongCols(bind1(ReduceMax, [mod2], { axes: [r - 2] }), sh[r - 2]);
  const near = bind1(ConvertElementType, [bind1(Ge, [mod2, mul(best, 1 - EIG_PIVOT_SLACK)])], { newDtype: v.re.aval.dtype });
  const k = alongCols(bind1(Argmax, [near], { axis: r - 2 }), sh[r - 2]);
  const rowIdx = bind1(Iota, [], { dtype: 'int32', shape: [...sh], dimension: r - 2 });
  return bind1(ConvertElementType, [bind1(Eq, [rowIdx, k])], { newDtype: v.re.aval.dtype });
}

/** dV = V·(F ∘ C) + V·diag(c) (see the module comment). */
function eigenvectorTangent(wr: Array, wi: Array, v: Cx, c: Cx): Cx {
  const sh = v.re.aval.shape;
  const r = sh.length;
  const n = sh[r - 1];
  // F = 1/(w_j − w_i) off the diagonal: conj(D)/|D|², with the diagonal's 0/0 avoided.
  const eye = triMask(v.re.aval, Eq);
  const dr = sub(alongCols(wr, n), alongRows(wr));
  const di = sub(alongCols(wi, n), alongRows(wi));
  const den = add(add(mul(dr, dr), mul(di, di)), eye);
  const off = sub(1, eye);
  const f: Cx = { re: mul(div(dr, den), off), im: mul(div(mul(di, -1), den), off) };
  const u = cmm(v, cmul(f, c));
  // Re c_j = −Re(v_jᴴ·u_j); Im c_j = −Im(u_kj)/v_kj at the pivot row k.
  const cRe = mul(reduceSum(add(mul(v.re, u.re), mul(v.im, u.im)), [r - 2]), -1);
  const piv = pivotMask(v);
  const vk = reduceSum(mul(v.re, piv), [r - 2]);
  const cIm = mul(reduceSum(mul(u.im, piv), [r - 2]), div(-1, vk));
  const cr = alongCols(cRe, n);
  const ci = alongCols(cIm, n);
  return { re: add(u.re, sub(mul(v.re, cr), mul(v.im, ci))), im: add(u.im, add(mul(v.re, ci), mul(v.im, cr))) };
}

/** Eigen-decomposition of a general real square matrix (batch): outputs [wr, wi] or [wr, wi, vr, vi]. */
export const Eig: Primitive<EigParams> = definePrimitive<EigParams>({
  name: 'eig',
  abstractEval: ([a], { vectors }): ShapeResult => {
    const r = a.shape.length;
    if (r < 2 || a.shape[r - 1] !== a.shape[r - 2]) {
      return fail(`eig: expected a (batch of) square matrices [..., n, n], got ${fmt([a])}; np.linalg.eig needs a square matrix`);
    }
    const e = checkDtype('eig', a, FLOATS, 'convert with astype first (e.g. x.astype("float64"))');
    if (e) return fail(e.message);
    const w = withShape(a, a.shape.slice(0, -1));
    return vectors ? ok(w, w, a, a) : ok(w, w);
  },
  jvp: ([a], [da], p) => {
    const [wr, wi, vr, vi] = bind(Eig, [a], { vectors: true });
    const outs = p.vectors ? [wr, wi, vr, vi] : [wr, wi];
    // (An empty matrix has empty, hence zero, tangents.)
    if (isZero(da) || a.aval.shape[a.aval.shape.length - 1] === 0) return [outs, outs.map((o) => zero(o.aval))];
    const v: Cx = { re: vr, im: vi };
    const c = similarity(v, da);
    const dw = [diagOf(c.re), diagOf(c.im)];
    if (!p.vectors) return [outs, dw];
    const dv = eigenvectorTangent(wr, wi, v, c);
    return [outs, [...dw, dv.re, dv.im]];
  },
  vmap: ([a], [d], p) => {
    const outs = bind(Eig, [moveAxis(a, d!, 0)], p);
    return [outs, outs.map(() => 0)];
  },
});
