/**
 * optimize.minimize(f, x0, { method, args, tol, maxIter, bounds, learningRate, history }):
 * unconstrained (or box-bounded, by a change of variables) minimisation of a real scalar f(x, ...args).
 *
 * The iteration is a lax.whileLoop on stop-gradient'ed inputs (it runs under jit/vmap and is never
 * differentiated). Its result is then handed to lax.customRoot with the stationarity condition
 * ∇_z f(x(z), ...args) = 0 as the root function and lax.denseSolve as the tangent solve, so the
 * optimum is differentiable with respect to `args` by the implicit function theorem:
 * dz* = -H⁻¹ (∂²f/∂z∂args) dargs (in the unconstrained z-space for bounded problems).
 */
import { Array } from '../core/array.js';
import { getDefaultFloat, isFloat } from '../core/dtype.js';
import * as np from '../numpy/index.js';
import { valueAndGrad, grad } from '../transforms/grad.js';
import { hessian } from '../transforms/jac.js';
import { customRoot, denseSolve } from '../lax/implicit.js';
import { whileLoop } from '../lax/loops.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { callback } from '../control/debug.js';

/** The algorithm of `minimize`: damped Newton with the exact Hessian, L-BFGS, or gradient descent with a fixed step. */
export type Method = 'newton' | 'lbfgs' | 'gd';
/** One side of a box bound: a number for every element, or values shaped like `x0`. */
export type Bound = number | ArrayLikeNum;
/** Numbers as an Array, a JS list or a typed array. */
export type ArrayLikeNum = Array | number[] | readonly number[] | Float64Array | Float32Array;

/** Options of `minimize`. */
export interface MinimizeOptions {
  /** 'newton' (default): damped Newton with exact Hessian; 'lbfgs'; 'gd' (fixed learning rate). */
  method?: Method;
  /** Extra arguments: f(x, ...args). The result is differentiable with respect to these. */
  args?: unknown[];
  /**
   * Convergence: max |∇f| ≤ tol (in the optimisation variable). Default 1e-10 (float64), 1e-5
   * (float32). Newton also stops after two short steps in a row, on a positive-definite Hessian,
   * whose predicted decrease is below 1e-10·|f| (1e-6 in float32): where a gradient summed from
   * large terms carries their rounding and cannot reach tol.
   */
  tol?: number;
  /** Maximum iterations. Defaults: newton 100, lbfgs 1000, gd 10000. */
  maxIter?: number;
  /** `[lo, hi]`: numbers or arrays shaped like x0 (concrete values); ±Infinity for unbounded sides. */
  bounds?: [Bound, Bound];
  /** Step size for 'gd' (default 1e-2). */
  learningRate?: number;
  /** L-BFGS memory (default 10). */
  history?: number;
  /**
   * Called after every iteration with its number, f and max |∇f| there, and x (a host callback
   * inside the compiled loop, as `debug.callback`: under vmap once per example). For progress
   * output and traces of long fits; it cannot change the iteration.
   */
  onStep?: (step: MinimizeStep) => void;
}

/** What `onStep` sees after each iteration. */
export interface MinimizeStep {
  /** The number of iterations done, from 1. */
  iteration: number;
  /** f(x, ...args) at the new point. */
  value: number;
  /** max |∇f| at the new point, in the optimisation variable (what `tol` is compared with). */
  gradNorm: number;
  /** The new point, shaped like x0. */
  x: Array;
}

/** What `minimize` returns (a subset of scipy's `OptimizeResult`). */
export interface MinimizeResult {
  /** The minimiser, shaped like x0; differentiable with respect to `args` (implicit function theorem). */
  x: Array;
  /** f(x, ...args) at the minimiser; differentiable (envelope theorem holds automatically). */
  fun: Array;
  /**
   * bool scalar (no derivative): max |∇f| ≤ tol at the end, or (newton) the last Newton step, on
   * a positive-definite Hessian, predicted a negligible decrease (see `tol`).
   */
  converged: Array;
  /** int32 scalar (no derivative): iterations taken. */
  iterations: Array;
}

const WHO = 'optimize.minimize';
const MAX_LINE_SEARCH = 60;
/** Rungs of the τ ladder of newtonDirection (τ doubles each: far past any Hessian's scale). */
const MAX_SHIFTS = 60;
const ARMIJO_C = 1e-4;

type Obj = (z: Array) => Array;

/** Box constraints as a change of variables x = T(z), T: ℝⁿ → box. */
interface Transform {
  forward: (z: Array) => Array;
  inverse: (x: Array) => Array;
}

function concreteBound(b: Bound, n: number, side: string, shape: readonly number[]): Float64Array {
  if (typeof b === 'number') return new Float64Array(n).fill(b);
  let vals: ArrayLike<number>;
  if (b instanceof Array) {
    let data: ArrayLike<number>;
    try { data = b.dataSync() as ArrayLike<number>; } catch {
      throw new TypeError(`${WHO}: bounds must be concrete (numbers or arrays of values), not traced arrays`);
    }
    if (b.size !== n) throw new TypeError(`${WHO}: ${side} bound has shape [${b.shape}] but x0 has shape [${shape}]`);
    vals = data;
  } else {
    vals = b as ArrayLike<number>;
    if (vals.length !== n) throw new TypeError(`${WHO}: ${side} bound has ${vals.length} entries but x0 has ${n}`);
  }
  return Float64Array.from(vals as ArrayLike<number>);
}

function makeTransform(bounds: [Bound, Bound] | undefined, n: number, shape: readonly number[], dtype: Array['dtype']): Transform | null {
  if (bounds === undefined || bounds === null) return null;
  if (!Array_isPair(bounds)) throw new TypeError(`${WHO}: bounds must be [lo, hi] (numbers or arrays shaped like x0)`);
  const lo = concreteBound(bounds[0], n, 'lower', shape);
  const hi = concreteBound(bounds[1], n, 'upper', shape);
  const kind = new Int32Array(n); // 0 free, 1 two-sided, 2 lower only, 3 upper only
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(lo[i]) || Number.isNaN(hi[i])) throw new TypeError(`${WHO}: bounds contain NaN`);
    if (!(lo[i] < hi[i])) throw new TypeError(`${WHO}: bounds need lo < hi, got lo=${lo[i]}, hi=${hi[i]} at index ${i}`);
    const fl = Number.isFinite(lo[i]);
    const fh = Number.isFinite(hi[i]);
    kind[i] = fl && fh ? 1 : fl ? 2 : fh ? 3 : 0;
    if (!fl) lo[i] = 0;
    if (!fh) hi[i] = 0;
  }
  if (kind.every((k) => k === 0)) return null;
  const loA = np.array(globalThis.Array.from(lo), { dtype });
  const hiA = np.array(globalThis.Array.from(hi), { dtype });
  const kA = np.array(globalThis.Array.from(kind), { dtype: 'int32' });
  const two = np.equal(kA, 1);
  const lower = np.equal(kA, 2);
  const upper = np.equal(kA, 3);
  const span = np.where(two, hiA.sub(loA), 1);
  const softplus = (z: Array) => np.logaddexp(z, 0);
  // log(expm1(u)) for u > 0, stably: u + log(-expm1(-u)).
  const invSoftplus = (u: Array) => u.add(np.log(np.negative(np.expm1(np.negative(u)))));
  const forward = (z: Array): Array =>
    np.where(two, loA.add(span.mul(np.logistic(z))),
      np.where(lower, loA.add(softplus(z)),
        np.where(upper, hiA.sub(softplus(np.negative(z))), z)));
  const inverse = (x: Array): Array => {
    const t = np.clip(x.sub(loA).div(span), 1e-6, 1 - 1e-6);
    const zTwo = np.log(t).sub(np.log1p(np.negative(t)));
    const uLo = np.maximum(x.sub(loA), 1e-8);
    const uHi = np.maximum(hiA.sub(x), 1e-8);
    return np.where(two, zTwo, np.where(lower, invSoftplus(uLo), np.where(upper, np.negative(invSoftplus(uHi)), x)));
  };
  return { forward, inverse };
}

function Array_isPair(b: unknown): b is [Bound, Bound] {
  return globalThis.Array.isArray(b) && b.length === 2;
}

const dot = (a: Array, b: Array): Array => np.sum(a.mul(b));
const maxAbs = (a: Array): Array => np.max(np.abs(a));

/**
 * Backtracking Armijo line search from step 1 along d: the largest t = 2^-j with
 * f(z + t d) ≤ f(z) + c t ∇f·d (+ a round-off allowance so steps at the optimum are not refused).
 * Returns [t, f(z + t d), ok]. Where `whole` holds no backtracking is done: the caller takes the
 * step whole (halving it would cost up to MAX_LINE_SEARCH evaluations for nothing).
 */
function lineSearch(obj: Obj, z: Array, fz: Array, slope: Array, d: Array, t0: Array | number = 1, whole?: Array): [Array, Array, Array] {
  const eps = z.dtype === 'float32' ? 1.2e-7 : 2.3e-16;
  const slack = np.abs(fz).add(1).mul(8 * eps);
  const bad = (t: Array, fn: Array) => np.logicalOr(np.logicalNot(np.isfinite(fn)), fn.greater(fz.add(t.mul(slope).mul(ARMIJO_C)).add(slack)));
  const t1 = np.array(t0, { dtype: z.dtype }).mul(1);
  const f1 = obj(z.add(d.mul(t1)));
  const [t, fn] = whileLoop(
    ([t, fn, j]: Array[]) => np.logicalAnd(np.logicalAnd(bad(t, fn), j.less(MAX_LINE_SEARCH)), whole ? np.logicalNot(whole) : true),
    ([t, , j]: Array[]) => {
      const t2 = t.mul(0.5);
      return [t2, obj(z.add(d.mul(t2))), j.add(1)];
    },
    [t1, f1, np.zeros([], { dtype: 'int32' })],
  ) as Array[];
  return [t, fn, np.logicalNot(bad(t, fn))];
}

export function minimize(f: (x: Array, ...args: never[]) => unknown, x0: Array | number | readonly number[], opts?: MinimizeOptions): MinimizeResult;
export function minimize(userF: (x: Array, ...args: never[]) => unknown, x0: unknown, opts: MinimizeOptions = {}): MinimizeResult {
  if (typeof userF !== 'function') throw new TypeError(`${WHO}: f must be a function`);
  const f = userF as (x: Array, ...args: unknown[]) => unknown;
  const method = opts.method ?? 'newton';
  if (method !== 'newton' && method !== 'lbfgs' && method !== 'gd') {
    throw new TypeError(`${WHO}: method must be 'newton', 'lbfgs' or 'gd', got ${String(method)}`);
  }
  const args = opts.args ?? [];
  if (!globalThis.Array.isArray(args)) throw new TypeError(`${WHO}: args must be an array of extra arguments`);
  let x0a = x0 instanceof Array ? x0 : np.array(x0 as number[]);
  if (!isFloat(x0a.dtype)) x0a = np.astype(x0a, getDefaultFloat());
  const dtype = x0a.dtype;
  const shape = x0a.shape;
  const n = x0a.size;
  if (n === 0) throw new TypeError(`${WHO}: x0 is empty`);
  const tol = opts.tol ?? (dtype === 'float32' ? 1e-5 : 1e-10);
  const maxIter = opts.maxIter ?? (method === 'newton' ? 100 : method === 'lbfgs' ? 1000 : 10000);
  if (!(tol >= 0)) throw new TypeError(`${WHO}: tol must be a non-negative number`);
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new TypeError(`${WHO}: maxIter must be a non-negative integer`);
  const lr = opts.learningRate ?? 1e-2;
  if (!(lr > 0)) throw new TypeError(`${WHO}: learningRate must be positive`);
  const m = opts.history ?? 10;
  if (!Number.isInteger(m) || m < 1) throw new TypeError(`${WHO}: history must be a positive integer`);
  const onStep = opts.onStep;
  if (onStep !== undefined && typeof onStep !== 'function') throw new TypeError(`${WHO}: onStep must be a function`);

  // f must be a real scalar function.
  const probe = f(x0a, ...args);
  if (!(probe instanceof Array) && typeof probe !== 'number') {
    throw new TypeError(`${WHO}: f must return a scalar Array, got ${probe === null ? 'null' : typeof probe}`);
  }
  if (probe instanceof Array) {
    if (probe.ndim !== 0) throw new TypeError(`${WHO}: f must return a scalar (shape []), got shape [${probe.shape}]`);
    if (!isFloat(probe.dtype)) throw new TypeError(`${WHO}: f must return a real floating-point scalar, got ${probe.dtype}`);
  }

  const T = makeTransform(opts.bounds, n, shape, dtype);
  const toX = (z: Array): Array => np.reshape(T ? T.forward(z) : z, shape);
  const objWith = (a: unknown[]): Obj => (z: Array) => np.array(f(toX(z), ...a)).astype(dtype);

  // ---- the solve: a while loop on values with no derivatives ----
  const sgArgs = args.map((a) => (a instanceof Array ? stopGradient(a) : a));
  const obj = objWith(sgArgs);
  const vg = valueAndGrad(obj) as (z: Array) => [Array, Array];
  const xInit = np.reshape(stopGradient(x0a), [n]);
  const z0 = T ? T.inverse(xInit) : xInit;
  const zero = np.zeros([], { dtype: 'int32' });
  const fls = np.array(false);
  /** Reports iteration k's end state to onStep, from inside the loop. */
  const report = (k: Array, fz: Array, g: Array, z: Array): void => {
    if (!onStep) return;
    callback((k1: Array, f1: Array, g1: Array, x1: Array) => onStep({ iteration: k1.item(), value: f1.item(), gradNorm: g1.item(), x: x1 }), k, fz, maxAbs(g), toX(z));
  };

  let zStar: Array;
  let iterations: Array;
  /** Newton only: it ended on a positive-definite step of negligible decrease (converged, whatever |∇f|). */
  let settled: Array = fls;
  if (method === 'gd') {
    const g0 = vgGrad(vg, z0);
    const [z, , k] = whileLoop(
      ([, g, k]: Array[]) => np.logicalAnd(maxAbs(g).greater(tol), k.less(maxIter)),
      ([z, , k]: Array[]) => {
        const z2 = z.sub(vgGrad(vg, z).mul(lr));
        const [f2, g2] = vg(z2);
        report(k.add(1), f2, g2, z2);
        return [z2, g2, k.add(1)];
      },
      [z0, g0, zero],
    ) as Array[];
    zStar = z; iterations = k;
  } else if (method === 'newton') {
    const hess = hessian(obj) as (z: Array) => Array;
    const [f0, g0] = vg(z0);
    // A relative decrease f's values cannot be trusted to resolve: f is often a sum of terms far
    // larger than itself (an NLL of Poisson terms), whose rounding its own eps does not bound.
    const negligibleRel = dtype === 'float32' ? 1e-6 : 1e-10;
    const [z, , , k, , streak] = whileLoop(
      ([, , g, k, stalled, streak]: Array[]) => np.logicalAnd(np.logicalAnd(maxAbs(g).greater(tol), k.less(maxIter)), np.logicalNot(np.logicalOr(stalled, streak.greaterEqual(2)))),
      ([z, fz, g, k, , streak]: Array[]) => {
        const [dN, pd] = newtonDirection(np.reshape(hess(z), [n, n]), g);
        // A (normalised) gradient step where the Hessian is not finite.
        const useN = np.logicalAnd(np.all(np.isfinite(dN)), dot(g, dN).less(0));
        const gn = np.sqrt(dot(g, g));
        const dG = g.div(np.maximum(gn, 1)).mul(-1);
        const d = np.where(useN, dN, dG);
        const slope = dot(g, d);
        // A short Newton step on a positive-definite Hessian whose predicted decrease −slope/2 is
        // negligible against f is taken whole, as a line search on values cannot judge it (f's
        // rounding may exceed the decrease) while the gradient still can; the second in a row is
        // the last, though |∇f| may stay above tol (a gradient summed from large terms carries
        // their rounding). A long one runs along a flat direction (or towards a bound at
        // infinity in z): the values judge it, and the iteration goes on.
        const negligible = np.logicalAnd(np.logicalAnd(useN, pd), np.negative(slope).lessEqual(np.abs(fz).mul(negligibleRel)));
        const whole = np.logicalAnd(negligible, maxAbs(d).lessEqual(maxAbs(z).add(1).mul(Math.sqrt(negligibleRel))));
        const [t, , ok] = lineSearch(obj, z, fz, slope, d, 1, whole);
        const z2 = np.where(whole, z.add(d), np.where(ok, z.add(d.mul(t)), z));
        const [f2, g2] = vg(z2);
        report(k.add(1), f2, g2, z2);
        return [z2, f2, g2, k.add(1), np.logicalNot(np.logicalOr(ok, whole)), np.where(whole, streak.add(1), 0)];
      },
      [z0, f0, g0, zero, fls, zero],
    ) as Array[];
    zStar = z; iterations = k; settled = streak.greater(0);
  } else {
    const [f0, g0] = vg(z0);
    const S0 = np.zeros([m, n], { dtype });
    const R0 = np.zeros([m], { dtype });
    const [z, , , , , , k] = whileLoop(
      ([, , g, , , , k, stalled]: Array[]) => np.logicalAnd(np.logicalAnd(maxAbs(g).greater(tol), k.less(maxIter)), np.logicalNot(stalled)),
      ([z, fz, g, S, Y, rho, k]: Array[]) => {
        // Two-loop recursion; history rows are oldest..newest, unused rows have rho = 0 (no effect).
        let q = g;
        const alphas: Array[] = [];
        for (let i = m - 1; i >= 0; i--) {
          const a = rho.slice(i).mul(dot(S.slice(i, []), q));
          alphas[i] = a;
          q = q.sub(Y.slice(i, []).mul(a));
        }
        const sN = S.slice(m - 1, []);
        const yN = Y.slice(m - 1, []);
        const yy = dot(yN, yN);
        const have = rho.slice(m - 1).greater(0);
        const gamma = np.where(have, dot(sN, yN).div(np.where(have, yy, 1)), np.minimum(1, np.reciprocal(np.maximum(maxAbs(g), 1e-300))));
        let r = q.mul(gamma);
        for (let i = 0; i < m; i++) {
          const b = rho.slice(i).mul(dot(Y.slice(i, []), r));
          r = r.add(S.slice(i, []).mul(alphas[i].sub(b)));
        }
        const dL = np.negative(r);
        const slopeL = dot(g, dL);
        const useL = np.logicalAnd(np.all(np.isfinite(dL)), slopeL.less(0));
        const dG = g.div(np.maximum(maxAbs(g), 1)).mul(-1);
        const d = np.where(useL, dL, dG);
        const [t, , ok] = lineSearch(obj, z, fz, dot(g, d), d);
        const z2 = np.where(ok, z.add(d.mul(t)), z);
        const [f2, g2] = vg(z2);
        const s = z2.sub(z);
        const y = g2.sub(g);
        const sy = dot(s, y);
        const upd = np.logicalAnd(ok, sy.greater(np.sqrt(dot(y, y)).mul(np.sqrt(dot(s, s))).mul(1e-10)));
        const push = (H: Array, v: Array) => np.concatenate([H.slice([1, m], []), np.reshape(v, [1, n])]);
        const S2 = np.where(upd, push(S, s), S);
        const Y2 = np.where(upd, push(Y, y), Y);
        const rho2 = np.where(upd, np.concatenate([rho.slice([1, m]), np.reshape(np.reciprocal(np.where(upd, sy, 1)), [1])]), rho);
        report(k.add(1), f2, g2, z2);
        return [z2, f2, g2, S2, Y2, rho2, k.add(1), np.logicalNot(ok)];
      },
      [z0, f0, g0, S0, S0, R0, zero, fls],
    ) as Array[];
    zStar = z; iterations = k;
  }

  // ---- differentiable optimum: the root of ∇_z f, implicit function theorem for derivatives ----
  const zSg = stopGradient(zStar);
  const residual = (z: Array) => grad(objWith(args))(z) as Array;
  // The loop's answer is the guess and the "solve" returns it: the solver is already done.
  const zRoot = customRoot(residual, zSg, (_f: unknown, guess: Array) => guess, denseSolve) as Array;
  const x = toX(zRoot);
  const fun = np.array(f(x, ...args)).astype(dtype);
  const converged = stopGradient(np.logicalOr(maxAbs(vgGrad(vg, zSg)).lessEqual(tol), settled));
  return { x, fun, converged, iterations: stopGradient(iterations) };
}

/**
 * The Newton direction d of (H + τI) d = −g, and whether τ = 0 (H itself positive definite). τ is
 * the first of 0 (where H's diagonal is positive), β − min H_ii, then doublings (β = 1e-3·max(1,
 * max|H_ii|)), whose Cholesky factor is finite (Nocedal & Wright, Algorithm 3.3): at a saddle point
 * or in a non-convex region d still descends, at the scale of the curvature that is there (a
 * normalised gradient step instead crawled, a hundred iterations short of the minimum).
 */
function newtonDirection(H: Array, g: Array): [d: Array, pd: Array] {
  const n = g.shape[0];
  const diag = np.diagonal(H);
  const beta = np.maximum(maxAbs(diag), 1).mul(1e-3);
  const eye = np.eye(n, undefined, { dtype: H.dtype });
  const factor = (tau: Array) => np.linalg.cholesky(H.add(eye.mul(tau)));
  const notPd = (L: Array) => np.logicalNot(np.all(np.isfinite(L)));
  const minDiag = np.min(diag);
  const tau0 = np.where(minDiag.greater(0), 0, beta.sub(minDiag));
  const [tau] = whileLoop(
    ([tau, L, j]: Array[]) => np.logicalAnd(np.logicalAnd(notPd(L), j.less(MAX_SHIFTS)), np.isfinite(tau)),
    ([tau, , j]: Array[]) => { const t2 = np.maximum(tau.mul(2), beta); return [t2, factor(t2), j.add(1)]; },
    [tau0, factor(tau0), np.zeros([], { dtype: 'int32' })],
  ) as Array[];
  // An LU solve, not the factor's two triangular ones: at τ = 0 exactly the plain Newton step (a
  // quadratic's minimum in one step, to the bit).
  return [np.linalg.solve(H.add(eye.mul(tau)), np.negative(g)), tau.equal(0)];
}

function vgGrad(vg: (z: Array) => [Array, Array], z: Array): Array {
  return vg(z)[1];
}
