/**
 * Matrix decompositions: eigh (symmetric eigendecomposition), qr and svd, each batched over
 * leading axes, with JAX's derivative rules (jax/_src/lax/linalg.py: eigh_jvp_rule,
 * qr_jvp_rule, _svd_jvp_rule), written with the primitives of linalg.ts, shape.ts and binary.ts.
 */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import type { Array } from '../core/array.js';
import { type ShapeResult, FLOATS, checkDtype, fail, fmt, ok, withShape } from './util.js';
import { bind, bind1 } from '../core/trace.js';
import { moveAxis } from './batching.js';
import { add, div, isZero, mul, sub, zero } from './ad-util.js';
import { broadcastInDim, reduceSum } from './ops.js';
import { Eq, Ge, Gt, Le, Lt } from './binary.js';
import { TriangularSolve, mT, mm, triMask as mask } from './linalg.js';

const range = (a: number, b: number): number[] => globalThis.Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);


/** The diagonal of a batch of square matrices: [..., n, n] -> [..., n]. */
function diagOf(x: Array): Array {
  return reduceSum(mul(x, mask(x.aval, Eq)), [x.aval.shape.length - 1]);
}

/** A vector batch [..., k] spread along the columns (s[..., j] at [i, j]) of a [..., rows, k] matrix. */
export function alongCols(s: Array, rows: number): Array {
  const sh = s.aval.shape;
  const nb = sh.length - 1;
  return broadcastInDim(s, [...sh.slice(0, nb), rows, sh[nb]], [...range(0, nb), nb + 1]);
}

/** A vector batch [..., k] spread along the rows (s[..., i] at [i, j]) of a [..., k, k] matrix. */
export function alongRows(s: Array): Array {
  const sh = s.aval.shape;
  const nb = sh.length - 1;
  return broadcastInDim(s, [...sh.slice(0, nb), sh[nb], sh[nb]], range(0, nb + 1));
}

/** 1/x off the diagonal and 0 on it, for the [..., k, k] matrix x whose diagonal is 0. */
function offDiagReciprocal(x: Array): Array {
  const eye = mask(x.aval, Eq);
  return sub(div(1, add(x, eye)), eye);
}

/** Checks a [..., m, n] (square when `square`) float operand of `name`. */
function checkMatrix(name: string, a: Aval, square: boolean): string | undefined {
  const r = a.shape.length;
  if (r < 2) return `${name}: expected a (batch of) matrices [..., ${square ? 'n, n' : 'm, n'}], got ${fmt([a])}; a vector must be reshaped into a matrix first (e.g. x.reshape([1, -1]))`;
  if (square && a.shape[r - 1] !== a.shape[r - 2]) return `${name}: expected a (batch of) square matrices [..., n, n], got ${fmt([a])}; pass a square (symmetric) matrix`;
  return checkDtype(name, a, FLOATS, 'convert with astype first (e.g. x.astype("float64"))')?.message;
}

export interface EighParams {
  readonly [k: string]: unknown;
  /** Read the lower triangle (true) or the upper one (false); the other is ignored. */
  readonly lower: boolean;
}

/**
 * Eigendecomposition of a symmetric matrix read from one triangle: outputs [v, w] with
 * A = v·diag(w)·vᵀ, eigenvalues w ascending and eigenvectors as the columns of v.
 */
export const Eigh: Primitive<EighParams> = definePrimitive<EighParams>({
  name: 'eigh',
  abstractEval: ([a]): ShapeResult => {
    const e = checkMatrix('eigh', a, true);
    return e ? fail(e) : ok(a, withShape(a, a.shape.slice(0, -1)));
  },
  // JAX's eigh_jvp_rule: with S = vᵀ·dA·v, dw = diag(S), dv = v·(F ∘ S), F[i, j] = 1/(w_j − w_i)
  // off the diagonal and 0 on it. dA is the symmetric matrix the read triangle stands for.
  jvp: ([a], [da], p) => {
    const [v, w] = bind(Eigh, [a], p);
    if (isZero(da)) return [[v, w], [zero(v.aval), zero(w.aval)]];
    // lower: tril(dA) + tril(dA, −1)ᵀ; upper: triu(dA) + triu(dA, 1)ᵀ.
    const dSym = add(mul(da, mask(da.aval, p.lower ? Ge : Le)), mT(mul(da, mask(da.aval, p.lower ? Gt : Lt))));
    const s = mm(mm(mT(v), dSym), v);
    const n = w.aval.shape[w.aval.shape.length - 1];
    const f = offDiagReciprocal(sub(alongCols(w, n), alongRows(w)));
    return [[v, w], [mm(v, mul(f, s)), diagOf(s)]];
  },
  vmap: ([a], [d], p) => [bind(Eigh, [moveAxis(a, d!, 0)], p), [0, 0]],
});

export interface QrParams {
  readonly [k: string]: unknown;
  /** q is [..., m, m] and r [..., m, n] (true), or q [..., m, k] and r [..., k, n], k = min(m, n). */
  readonly fullMatrices: boolean;
}

/** QR decomposition by Householder reflections (LAPACK's signs): outputs [q, r], A = q·r. */
export const Qr: Primitive<QrParams> = definePrimitive<QrParams>({
  name: 'qr',
  abstractEval: ([a], { fullMatrices }): ShapeResult => {
    const e = checkMatrix('qr', a, false);
    if (e) return fail(e);
    const r = a.shape.length;
    const [m, n] = [a.shape[r - 2], a.shape[r - 1]];
    const k = fullMatrices ? m : Math.min(m, n);
    const batch = a.shape.slice(0, -2);
    return ok(withShape(a, [...batch, m, k]), withShape(a, [...batch, k, n]));
  },
  // JAX's qr_jvp_rule (m >= n): with X = dA·R⁻¹ and C = Qᵀ·X, Ω = tril(C, −1) − tril(C, −1)ᵀ,
  // dQ = Q·(Ω − C) + X and dR = (C − Ω)·R.
  jvp: ([a], [da], p) => {
    const [q, r] = bind(Qr, [a], p);
    if (isZero(da)) return [[q, r], [zero(q.aval), zero(r.aval)]];
    const rank = a.aval.shape.length;
    const [m, n] = [a.aval.shape[rank - 2], a.aval.shape[rank - 1]];
    if (m < n || (p.fullMatrices && m !== n)) {
      throw new Error(`qr: the derivative is implemented only for m >= n with fullMatrices=false (or a square matrix), as in JAX; got ${fmt([a.aval])} with fullMatrices=${p.fullMatrices}; for a wide matrix differentiate through the QR of its transpose, or use reduced mode`);
    }
    const x = bind1(TriangularSolve, [r, da], { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
    const c = mm(mT(q), x);
    const low = mul(c, mask(c.aval, Gt));
    const omega = sub(low, mT(low));
    return [[q, r], [add(mm(q, sub(omega, c)), x), mm(sub(c, omega), r)]];
  },
  vmap: ([a], [d], p) => [bind(Qr, [moveAxis(a, d!, 0)], p), [0, 0]],
});

export interface SvdParams {
  readonly [k: string]: unknown;
  /** u is [..., m, m] and vt [..., n, n] (true), or u [..., m, k] and vt [..., k, n]. */
  readonly fullMatrices: boolean;
  /** Outputs [s, u, vt] (true) or [s] alone. */
  readonly computeUv: boolean;
}

/**
 * Singular value decomposition: outputs [s] or [s, u, vt] with A = u·diag(s)·vt (reduced), s
 * descending and non-negative.
 */
export const Svd: Primitive<SvdParams> = definePrimitive<SvdParams>({
  name: 'svd',
  abstractEval: ([a], { fullMatrices, computeUv }): ShapeResult => {
    const e = checkMatrix('svd', a, false);
    if (e) return fail(e);
    const r = a.shape.length;
    const [m, n] = [a.shape[r - 2], a.shape[r - 1]];
    const k = Math.min(m, n);
    const batch = a.shape.slice(0, -2);
    const s = withShape(a, [...batch, k]);
    if (!computeUv) return ok(s);
    return ok(s, withShape(a, [...batch, m, fullMatrices ? m : k]), withShape(a, [...batch, fullMatrices ? n : k, n]));
  },
  // JAX's _svd_jvp_rule: with dS = uᵀ·dA·v, ds = diag(dS); F[i, j] = 1/(s_j² − s_i²) off the
  // diagonal; du = u·(F ∘ (dS·S + S·dSᵀ)), dv = v·(F ∘ (S·dS + dSᵀ·S)), plus the parts of dA·v
  // (dAᵀ·u) outside span(u) (span(v)) divided by s when A is tall (wide).
  jvp: ([a], [da], p) => {
    const outs = bind(Svd, [a], p);
    if (isZero(da)) return [outs, outs.map((o) => zero(o.aval))];
    const rank = a.aval.shape.length;
    const [m, n] = [a.aval.shape[rank - 2], a.aval.shape[rank - 1]];
    if (p.computeUv && p.fullMatrices && m !== n) {
      throw new Error(`svd: the derivative with fullMatrices=true is not implemented for a non-square matrix (${fmt([a.aval])}), as in JAX; use fullMatrices=false (np.linalg.svd(a, false)) or differentiate only the singular values (np.linalg.svdvals)`);
    }
    const [s, u, vt] = bind(Svd, [a], { fullMatrices: false, computeUv: true });
    const v = mT(vt);
    const dS = mm(mm(mT(u), da), v);
    const ds = diagOf(dS);
    if (!p.computeUv) return [[s], [ds]];
    const k = Math.min(m, n);
    const sj = alongCols(s, k);
    const si = alongRows(s);
    const f = offDiagReciprocal(mul(add(sj, si), sub(sj, si)));
    const dSS = mul(sj, dS);
    const SdS = mul(si, dS);
    // For real matrices ½(dS − dSᵀ)·diag(1/s) has a zero diagonal, so JAX's dUdV_diag term vanishes.
    let du = mm(u, mul(f, add(dSS, mT(dSS))));
    let dv = mm(v, mul(f, add(SdS, mT(SdS))));
    if (m > n) {
      const dav = mm(da, v);
      du = add(du, div(sub(dav, mm(u, mm(mT(u), dav))), alongCols(s, m)));
    }
    if (n > m) {
      const dau = mm(mT(da), u);
      dv = add(dv, div(sub(dau, mm(v, mm(vt, dau))), alongCols(s, n)));
    }
    return [[s, u, vt], [ds, du, mT(dv)]];
  },
  vmap: ([a], [d], p) => {
    const outs = bind(Svd, [moveAxis(a, d!, 0)], p);
    return [outs, outs.map(() => 0)];
  },
});
