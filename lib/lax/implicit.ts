/**
 * Implicit differentiation: lax.customRoot and lax.customLinearSolve (JAX semantics), plus
 * solvers usable as their `solve` / `tangentSolve`: denseSolve, cgSolve and a fixedPoint helper.
 */
import type { Array } from '../core/array.js';
import type { DType } from '../core/dtype.js';
import { type TreeDef, unflatten } from '../core/pytree.js';
import { bind } from '../core/trace.js';
import { CustomRoot, LinearSolve } from '../control/implicit.js';
import { ruleLeaves } from '../control/custom.js';
import { closedTrace } from '../transforms/sub.js';
import { flattenArrays } from '../transforms/staging.js';
import { jvp } from '../transforms/jvp.js';
import { linearTranspose } from '../transforms/grad.js';
import { vmap } from '../transforms/vmap.js';
import { eye, zeros } from '../numpy/creation.js';
import { abs, add, divide, greater, logicalAnd, multiply, less, subtract } from '../numpy/math.js';
import { max, sum } from '../numpy/reductions.js';
import { reshape, transpose } from '../numpy/shape.js';
import { solve as denseLinalgSolve } from '../numpy/linalg.js';
import { whileLoop } from './loops.js';
import type { ArrayTree } from '../core/tree-types.js';

type Fn = (x: any) => any;

/** Leaves of a callback's output, which must have the structure and avals of `like` exactly. */
function leavesOf(who: string, what: string, out: unknown, tree: TreeDef, like: readonly Array[], fix: string): Array[] {
  return ruleLeaves(who, what, out, tree, like.map((l) => l.aval), fix);
}

/**
 * `lax.customRoot(f, initialGuess, solve, tangentSolve)`: x* = solve(f, initialGuess) with
 * f(x*) = 0. Derivatives with respect to what f closes over come from the implicit function
 * theorem: dx* = -tangentSolve(∂f/∂x, ∂f/∂θ·dθ), with `tangentSolve(g, y)` solving g(u) = y for a
 * linear `g`. The solver is never differentiated.
 */
export function customRoot<X>(f: (x: ArrayTree<X>) => unknown, initialGuess: X, solve: (f: (x: ArrayTree<X>) => ArrayTree<X>, guess: ArrayTree<X>) => unknown,
  tangentSolve: (g: (u: ArrayTree<X>) => ArrayTree<X>, y: ArrayTree<X>) => unknown): ArrayTree<X>;
export function customRoot(f: Fn, initialGuess: unknown, solve: (f: Fn, guess: any) => unknown, tangentSolve: (g: Fn, y: any) => unknown): any {
  const who = 'lax.customRoot';
  const [gs, tree] = flattenArrays(who, initialGuess);
  const avals = gs.map((g) => g.aval);
  const asX = (zs: Array[]) => unflatten(tree, zs);
  const fj = closedTrace((...zs) => leavesOf(who, 'f\'s output', f(asX(zs)), tree, gs, 'f(x) must return a residual with the structure, shapes and dtypes of x (the initial guess)'), avals, `inside ${who} f`);
  const sj = closedTrace((...zs) => leavesOf(who, 'solve\'s output', solve(f, asX(zs)), tree, gs, 'solve(f, guess) must return a root x with the structure, shapes and dtypes of the initial guess'), avals, `inside ${who} solve`);
  const tj = closedTrace((...zs) => {
    const x = asX(zs.slice(0, gs.length));
    const g = (v: unknown) => jvp((xx: unknown) => f(xx), [x], [v])[1];
    return leavesOf(who, 'tangentSolve\'s output', tangentSolve(g, asX(zs.slice(gs.length))), tree, gs, 'tangentSolve(g, y) must return the u with g(u) = y, with the structure, shapes and dtypes of y (those of the initial guess)');
  }, [...avals, ...avals], `inside ${who} tangentSolve`);
  return asX(bind(CustomRoot, [...fj.consts, ...sj.consts, ...tj.consts, ...gs], {
    f: fj.jaxpr, solve: sj.jaxpr, tangentSolve: tj.jaxpr, nF: fj.consts.length, nSolve: sj.consts.length, nTangent: tj.consts.length,
  }));
}

/**
 * `lax.customLinearSolve(matvec, b, solve, transposeSolve?, { symmetric })`: x = A⁻¹b for the
 * linear map `matvec`, computed by `solve(matvec, b)` and differentiated implicitly (one more solve
 * per derivative). Reverse mode uses `transposeSolve(vecmat, b)`, or `solve` when symmetric.
 */
export function customLinearSolve<B>(matvec: (x: ArrayTree<B>) => unknown, b: B, solve: (matvec: (x: ArrayTree<B>) => ArrayTree<B>, b: ArrayTree<B>) => unknown,
  transposeSolve?: ((vecmat: (x: ArrayTree<B>) => ArrayTree<B>, b: ArrayTree<B>) => unknown) | null, opts?: { symmetric?: boolean }): ArrayTree<B>;
export function customLinearSolve(matvec: Fn, b: unknown, solve: (matvec: Fn, b: any) => unknown,
  transposeSolve?: ((vecmat: Fn, b: any) => unknown) | null, opts: { symmetric?: boolean } = {}): any {
  const who = 'lax.customLinearSolve';
  const [bs, tree] = flattenArrays(who, b);
  const avals = bs.map((x) => x.aval);
  const asX = (zs: Array[]) => unflatten(tree, zs);
  const mj = closedTrace((...zs) => leavesOf(who, 'matvec\'s output', matvec(asX(zs)), tree, bs, 'matvec(x) must return A·x with the structure, shapes and dtypes of b (a square linear map)'), avals, `inside ${who} matvec`);
  const sj = closedTrace((...zs) => leavesOf(who, 'solve\'s output', solve(matvec, asX(zs)), tree, bs, 'solve(matvec, b) must return x = A⁻¹b with the structure, shapes and dtypes of b'), avals, `inside ${who} solve`);
  const vecmat = (y: unknown) => linearTranspose(matvec, [unflatten(tree, bs.map((x) => zeros(x.shape, { dtype: x.dtype })))])(y)[0];
  const tj = transposeSolve
    ? closedTrace((...zs) => leavesOf(who, 'transposeSolve\'s output', transposeSolve(vecmat, asX(zs)), tree, bs, 'transposeSolve(vecmat, b) must return x = A⁻ᵀb with the structure, shapes and dtypes of b'), avals, `inside ${who} transposeSolve`)
    : null;
  return asX(bind(LinearSolve, [...mj.consts, ...sj.consts, ...(tj?.consts ?? []), ...bs], {
    matvec: mj.jaxpr, solve: sj.jaxpr, transposeSolve: tj?.jaxpr ?? null, symmetric: !!opts.symmetric,
    nMatvec: mj.consts.length, nSolve: sj.consts.length, nTranspose: tj?.consts.length ?? 0,
  }));
}

/**
 * Solves g(u) = y for a linear g on a single array by materialising its matrix (n applications of
 * g under vmap) and an LU solve. For small systems; usable as a tangentSolve in any mode.
 */
export function denseSolve(g: (u: Array) => Array, y: Array): Array {
  const n = y.size;
  if (n === 1) return divide(y, reshape(g(reshape(eye(1, 1, { dtype: y.dtype }), y.shape)), []));
  const cols = vmap((e: Array) => reshape(g(reshape(e, y.shape)), [n]))(eye(n, n, { dtype: y.dtype }));
  return reshape(denseLinalgSolve(transpose(cols), reshape(y, [n])), y.shape);
}

/** The default stopping tolerance: one the dtype can reach (float32 resolves ~1e-7 near 1). */
const defaultTol = (d: DType): number => (d === 'float32' ? 1e-5 : 1e-12);

/** Conjugate gradient for a symmetric positive-definite g, wrapped so it is differentiated implicitly. */
export function cgSolve(g: (u: Array) => Array, y: Array, opts: { tol?: number; maxIter?: number } = {}): Array {
  const tol = opts.tol ?? defaultTol(y.dtype);
  const maxIter = opts.maxIter ?? 10 * y.size + 10;
  const cg = (mv: (u: Array) => Array, b: Array): Array => {
    const bb = sum(multiply(b, b));
    const init = [zeros(b.shape, { dtype: b.dtype }), b, b, bb, zeros([], { dtype: 'int32' })];
    const [x] = whileLoop(
      ([, , , rr, k]: Array[]) => logicalAnd(greater(rr, multiply(tol * tol, bb)), less(k, maxIter)),
      ([x, r, p, rr, k]: Array[]) => {
        const ap = mv(p) as Array;
        const alpha = divide(rr, sum(multiply(p, ap)));
        const x2 = add(x, multiply(alpha, p));
        const r2 = subtract(r, multiply(alpha, ap));
        const rr2 = sum(multiply(r2, r2));
        return [x2, r2, add(r2, multiply(divide(rr2, rr), p)), rr2, add(k, 1)];
      }, init);
    return x as Array;
  };
  return customLinearSolve(g, y, cg, null, { symmetric: true });
}

/**
 * The fixed point x = f(x) by iteration from x0 (until max|x - f(x)| < tol), differentiated
 * implicitly with respect to what f closes over: a customRoot of f(x) - x with a dense tangent solve.
 */
export function fixedPoint(f: (x: Array) => Array, x0: Array, opts: { tol?: number; maxIter?: number } = {}): Array {
  const tol = opts.tol ?? defaultTol(x0.dtype);
  const maxIter = opts.maxIter ?? 1000;
  const iterate = (_res: unknown, guess: Array): Array => {
    const [x] = whileLoop(
      ([x, k]: Array[]) => logicalAnd(greater(max(abs(subtract(f(x), x))), tol), less(k, maxIter)),
      ([x, k]: Array[]) => [f(x), add(k, 1)],
      [guess, zeros([], { dtype: 'int32' })]);
    return x as Array;
  };
  return customRoot((x: Array) => subtract(f(x), x), x0, iterate, denseSolve);
}
