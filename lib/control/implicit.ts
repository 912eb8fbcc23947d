/**
 * Implicit differentiation. custom_root: x* = solve(f, guess) with f(x*, θ) = 0; its derivative is
 * dx* = -(∂f/∂x)⁻¹ ∂f/∂θ dθ via the user's tangent solve (the solver is never differentiated).
 * linear_solve: x = A⁻¹b for a matrix-free A (matvec); jvp dx = A⁻¹(db - dA·x), transpose via the
 * transposed solve. Both evaluate the solver's own Jaxpr.
 */
import type { Array } from '../core/array.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Aval, type Jaxpr, avalEq } from '../core/ir.js';
import { LinearIn, type Tangent, Zero } from '../core/rules.js';
import { bind, evalJaxpr } from '../core/trace.js';
import { cut, fail, fmt, ok } from '../primitives/util.js';
import { instantiate, isZero, neg, sub } from '../primitives/ad-util.js';
import { batchFirst } from '../primitives/batching.js';
import { jvpEval } from '../transforms/jvp.js';
import { transposeEval } from '../transforms/transpose.js';
import { closedTrace, vmapClosed } from '../transforms/sub.js';

const sameAvals = (a: readonly Aval[], b: readonly Aval[]) => a.length === b.length && a.every((x, i) => avalEq(x, b[i]));

// ---- custom_root: inputs [fConsts, solveConsts, tangentConsts, guess] ----

export interface RootParams {
  readonly [k: string]: unknown;
  /** [fConsts, x] -> residual (shaped like x) */
  readonly f: Jaxpr;
  /** [solveConsts, guess] -> x* */
  readonly solve: Jaxpr;
  /** [tangentConsts, x*, rhs] -> the solution of (∂f/∂x at x*)·u = rhs */
  readonly tangentSolve: Jaxpr;
  readonly nF: number;
  readonly nSolve: number;
  readonly nTangent: number;
}

function rootParts<T>(ins: readonly T[], p: RootParams) {
  const [fc, sc, tc, guess] = cut(ins, [p.nF, p.nSolve, p.nTangent]);
  return { fc, sc, tc, guess };
}

export const CustomRoot: Primitive<RootParams> = definePrimitive<RootParams>({
  name: 'custom_root',
  abstractEval: (ins, p) => {
    const { guess } = rootParts(ins, p);
    const out = p.solve.outAvals;
    if (!sameAvals(out, guess)) return fail(`custom_root: solve returns (${fmt(out)}) but the guess is (${fmt(guess)})`);
    if (!sameAvals(p.f.outAvals, guess)) return fail(`custom_root: f must return a residual shaped like x (${fmt(guess)}), got (${fmt(p.f.outAvals)})`);
    return ok(...out);
  },
  // dx* = -tangentSolve(∂f/∂x, ∂f/∂θ·dθ); guess and solver tangents do not matter.
  jvp: (ins, tans, p) => {
    const { fc, tc } = rootParts(ins, p);
    const x = bind(CustomRoot, ins, p);
    const fTans = tans.slice(0, p.nF);
    if (fTans.every(isZero)) return [x, x.map((v) => new Zero(v.aval))];
    const [, rhs] = jvpEval(p.f, [], [...fc, ...x], [...fTans, ...x.map((v) => new Zero(v.aval))]);
    const u = evalJaxpr(p.tangentSolve, [], [...tc, ...x, ...rhs.map(instantiate)]);
    return [x, u.map((v) => neg(v))];
  },
  vmap: (ins, dims, p, size) => {
    const { fc, sc, tc, guess } = rootParts(ins, p);
    const d = rootParts(dims, p);
    const xAvals = p.solve.outAvals; // per-example avals of the solution
    const ph = (a: { shape: readonly number[]; dtype: Array['dtype'] }) => ({ aval: { shape: [size, ...a.shape], dtype: a.dtype } }) as unknown as Array;
    const f = vmapClosed(p.f, [...fc, ...xAvals.map(ph)], [...d.fc, ...xAvals.map(() => 0)], size, 'customRoot f');
    // The solution is batched whenever anything is: give the solve a batched guess.
    const g = guess.map((v, i) => batchFirst(v, d.guess[i], size));
    const s = vmapClosed(p.solve, [...sc, ...g], [...d.sc, ...g.map(() => 0)], size, 'customRoot solve');
    const t = vmapClosed(p.tangentSolve, [...tc, ...xAvals.map(ph), ...xAvals.map(ph)], [...d.tc, ...xAvals.map(() => 0), ...xAvals.map(() => 0)], size, 'customRoot tangentSolve');
    const out = bind(CustomRoot, [
      ...f.closed.consts, ...f.moved.slice(0, fc.length), ...s.closed.consts, ...s.moved.slice(0, sc.length), ...t.closed.consts, ...t.moved.slice(0, tc.length), ...g,
    ], {
      f: f.closed.jaxpr, solve: s.closed.jaxpr, tangentSolve: t.closed.jaxpr,
      nF: f.closed.consts.length + fc.length, nSolve: s.closed.consts.length + sc.length, nTangent: t.closed.consts.length + tc.length,
    });
    return [out, out.map(() => 0)];
  },
  decompose: (ins, p) => {
    const { sc, guess } = rootParts(ins, p);
    return evalJaxpr(p.solve, [], [...sc, ...guess]);
  },
});


// ---- linear_solve: inputs [matvecConsts, solveConsts, transposeConsts, b] ----

export interface LinearSolveParams {
  readonly [k: string]: unknown;
  /** [matvecConsts, x] -> A·x */
  readonly matvec: Jaxpr;
  /** [solveConsts, b] -> A⁻¹b */
  readonly solve: Jaxpr;
  /** [transposeConsts, b] -> A⁻ᵀb, or null (then reverse mode needs `symmetric`). */
  readonly transposeSolve: Jaxpr | null;
  readonly symmetric: boolean;
  readonly nMatvec: number;
  readonly nSolve: number;
  readonly nTranspose: number;
}

function lsParts<T>(ins: readonly T[], p: LinearSolveParams) {
  const [mc, sc, tc, rhs] = cut(ins, [p.nMatvec, p.nSolve, p.nTranspose]);
  return { mc, sc, tc, rhs };
}

export const LinearSolve: Primitive<LinearSolveParams> = definePrimitive<LinearSolveParams>({
  name: 'linear_solve',
  abstractEval: (ins, p) => {
    const { rhs } = lsParts(ins, p);
    if (!sameAvals(p.solve.outAvals, rhs)) return fail(`linear_solve: solve returns (${fmt(p.solve.outAvals)}) for b of (${fmt(rhs)}); x must be shaped like b`);
    return ok(...rhs);
  },
  // dx = A⁻¹(db - dA·x): one more solve with the same operator.
  jvp: (ins, tans, p) => {
    const { mc, rhs } = lsParts(ins, p);
    const x = bind(LinearSolve, ins, p);
    const mTans = tans.slice(0, p.nMatvec);
    const bTans = tans.slice(ins.length - rhs.length);
    let r: Tangent[] = bTans;
    if (!mTans.every(isZero)) {
      const [, dAx] = jvpEval(p.matvec, [], [...mc, ...x], [...mTans, ...x.map((v) => new Zero(v.aval))]);
      r = r.map((t, i) => (isZero(dAx[i]) ? t : isZero(t) ? neg(dAx[i] as Array) : sub(t as Array, dAx[i] as Array)));
    }
    if (r.every(isZero)) return [x, x.map((v) => new Zero(v.aval))];
    const dx = bind(LinearSolve, [...ins.slice(0, ins.length - rhs.length), ...r.map(instantiate)], p);
    return [x, dx];
  },
  // Linear in b: the cotangent is A⁻ᵀ·ct, with matvec replaced by its transpose (vecmat).
  transpose: (cts, ins, p) => {
    const { mc, tc, rhs } = lsParts(ins, p);
    if (ins.slice(0, ins.length - rhs.length).some((v) => v instanceof LinearIn)) throw new TypeError('transpose: linear_solve is linear only in b');
    const tSolve = p.symmetric ? p.solve : p.transposeSolve;
    if (!tSolve) throw new TypeError('lax.customLinearSolve: reverse mode needs transposeSolve (or { symmetric: true })');
    const vecmat = closedTrace((...zs) => {
      const c = zs.slice(0, mc.length);
      return transposeEval(p.matvec, p.matvec.inputs.map((_, i) => i >= mc.length), c, zs.slice(mc.length)).map(instantiate);
    }, [...mc, ...rhs].map((v) => v.aval), 'transpose of a linear_solve matvec');
    // The transposed system: matvec -> vecmat, solve -> transposeSolve (and back).
    const sc = lsParts(ins, p).sc as Array[];
    const newSolveConsts = (p.symmetric ? sc : tc) as Array[];
    const ctb = bind(LinearSolve, [...vecmat.consts, ...(mc as Array[]), ...newSolveConsts, ...sc, ...cts.map(instantiate)], {
      matvec: vecmat.jaxpr, solve: tSolve, transposeSolve: p.solve, symmetric: p.symmetric,
      nMatvec: vecmat.consts.length + mc.length, nSolve: newSolveConsts.length, nTranspose: sc.length,
    });
    return [...ins.slice(0, ins.length - rhs.length).map(() => null), ...ctb];
  },
  vmap: (ins, dims, p, size) => {
    const { mc, sc, tc, rhs } = lsParts(ins, p);
    const d = lsParts(dims, p);
    const bs = rhs.map((v, i) => batchFirst(v, d.rhs[i], size));
    const mv = vmapClosed(p.matvec, [...mc, ...bs], [...d.mc, ...bs.map(() => 0)], size, 'linear_solve matvec');
    const so = vmapClosed(p.solve, [...sc, ...bs], [...d.sc, ...bs.map(() => 0)], size, 'linear_solve solve');
    const tr = p.transposeSolve ? vmapClosed(p.transposeSolve, [...tc, ...bs], [...d.tc, ...bs.map(() => 0)], size, 'linear_solve transposeSolve') : null;
    const out = bind(LinearSolve, [
      ...mv.closed.consts, ...mv.moved.slice(0, mc.length), ...so.closed.consts, ...so.moved.slice(0, sc.length),
      ...(tr ? [...tr.closed.consts, ...tr.moved.slice(0, tc.length)] : []), ...bs,
    ], {
      matvec: mv.closed.jaxpr, solve: so.closed.jaxpr, transposeSolve: tr?.closed.jaxpr ?? null, symmetric: p.symmetric,
      nMatvec: mv.closed.consts.length + mc.length, nSolve: so.closed.consts.length + sc.length, nTranspose: tr ? tr.closed.consts.length + tc.length : 0,
    });
    return [out, out.map(() => 0)];
  },
  decompose: (ins, p) => {
    const { sc, rhs } = lsParts(ins, p);
    return evalJaxpr(p.solve, [], [...sc, ...rhs]);
  },
});
