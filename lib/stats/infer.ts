/**
 * Maximum-likelihood fits of HistFactory models: bounded Newton iterations on the NLL with its
 * autodiff gradient and Hessian, uncertainties and correlations from the inverse Hessian. The
 * test statistics, hypothesis tests and limits built on them are in hypotest.ts.
 */
import { Array as ArrayClass, type Array } from '../core/array.js';

/** Arrays, numbers, or plain JS number lists. */
import * as np from '../numpy/index.js';
import { valueAndGrad } from '../transforms/grad.js';
import { jit } from '../transforms/jit.js';
import { jvp } from '../transforms/jvp.js';
import { vmap } from '../transforms/vmap.js';
import { type ArrayOrNumbers, type HistFactoryModel, modelLikelihood } from './histfactory.js';
import type { Likelihood } from './likelihood.js';
import { factorSPD, inverse, negativeCurvature } from './host-linalg.js';
import { type HessianPlan, factorStructured, hessianPlan } from './sparsity.js';
import { devicePut } from '../core/device.js';
import type { Pull } from './plots.js';

/**
 * Fits and test statistics are host-side Newton iterations in float64 (pyhf's precision): their
 * arrays live on the CPU whatever the default device, and values are read back every step.
 */
export const HOST = { dtype: 'float64', device: 'cpu' } as const;

/** Options of `fit` and of the fits inside the test statistics, hypotests and limits. */
export interface FitOptions {
  /**
   * Parameters held fixed, by flat name ('mu', 'gamma[1]') or set name (all its components), at
   * the value given, inside their bounds or not (bounds limit where the free parameters move).
   */
  fixed?: Record<string, number>;
  /** Starting point (default: the model's init). */
  init?: readonly number[];
  /** Newton iterations at most (default 100). */
  maxIter?: number;
  /** Bounds of every parameter (default: the model's), as pyhf's par_bounds. */
  bounds?: readonly (readonly [number, number])[];
  /** Called after every Newton iteration of a fit (for progress output of long fits). */
  onStep?: (step: FitStep) => void;
}

/** What `onStep` sees after each iteration: its number, the NLL and the largest free gradient component. */
export interface FitStep {
  /** The iteration's number, from 1. */
  iteration: number;
  /** The NLL (−log L) at the iteration's starting point. */
  nll: number;
  /** max |∂NLL/∂θ_i| over the free parameters not held at a bound (0 when there are none). */
  gradNorm: number;
}
/**
 * A maximum-likelihood fit (pyhf's `infer.mle.fit`). `hessian`, `uncertainties` and `correlation`
 * are computed the first time one of them is read (tests and limits read only `bestfit` and `nll`).
 */
export interface FitResult {
  /** The best-fit parameters (pyhf's `bestfit`), in the model's parameter order (`model.parameters.names`). */
  bestfit: number[];
  /** −log L at the best fit, constraints included (half of pyhf's `twice_nll`). */
  nll: number;
  /** sqrt(diag(H⁻¹)) over the free parameters at the best fit (0 for fixed ones). */
  uncertainties: number[];
  /** Hessian of the NLL at the best fit (all parameters). */
  hessian: number[][];
  /** Correlations of the free parameters from H⁻¹ (1 on the diagonal; 0 for fixed parameters). */
  correlation: number[][];
  /** Whether the fit stopped at an optimum (no free descent direction, or steps below rounding), not at `maxIter` or a failed line search. */
  converged: boolean;
  /** Newton iterations taken. */
  iterations: number;
}

/**
 * The compiled NLL, and its value, gradient and Hessian-vector products along the plan's probes
 * in one call returning one flat array [value, gradient (n), products (K × n)]: of one fit, or
 * (batched) a row per toy. One call and one read per Newton step; the Hessian is the plan's
 * assembly of the products (sparsity.ts).
 */
export interface Compiled { value: (p: Array, d: Array) => Array; all: (p: Array, d: Array, v: Array) => Array; plan: HessianPlan; probes: Array }
type Shared = { value: (p: Array, d: Array, k: Array) => Array; all: (p: Array, d: Array, v: Array, k: Array) => Array; plan: HessianPlan; probes: Array };
// Compiled once per likelihood (shared by every model of its structure), bound per model to its constants.
type Traced = Pick<Likelihood, 'nll'> & { structure: Pick<Likelihood['structure'], 'bins'> };
const shared = { one: new WeakMap<Traced, Shared>(), batched: new WeakMap<Traced, Shared>() };
const bound = { one: new WeakMap<HistFactoryModel, Compiled>(), batched: new WeakMap<HistFactoryModel, Compiled>() };
/** A model made some other way (a copy with edited fields, say): its own `nll`, traced for it alone. */
type Bound = { likelihood: Traced; consts: (like: typeof HOST) => Array };
const ownLikelihood = new WeakMap<HistFactoryModel, Bound>();
let noConsts: Array | undefined;

function sharedOf(l: Traced, batched: boolean): Shared {
  const cache = batched ? shared.batched : shared.one;
  let c = cache.get(l);
  if (!c) {
    const plan = shared.one.get(l)?.plan ?? shared.batched.get(l)?.plan ?? hessianPlan(l.structure.bins);
    // The value and gradient are the primal outputs of the products' jvp: one forward and one
    // backward pass traced, shared by every product (vmap leaves them unbatched until the output).
    const all = (p: Array, d: Array, v: Array, k: Array): Array => {
      const f = (q: Array) => l.nll(q, d, k);
      if (plan.K === 0) { const [val, g] = valueAndGrad(f)(p); return np.concatenate([np.reshape(val, [1]), g]); } // no parameters
      const [[val, g], [, hv]] = vmap((t: Array) => jvp((q: Array) => valueAndGrad(f)(q), [p], [t]))(v) as [[Array, Array], [Array, Array]];
      return np.concatenate([np.reshape(val.slice(0), [1]), g.slice(0), np.ravel(hv)]);
    };
    c = {
      value: jit(batched ? vmap(l.nll, [0, 0, null]) as typeof l.nll : l.nll),
      all: jit(batched ? vmap(all, [0, 0, null, null]) as typeof all : all),
      plan,
      probes: np.array(plan.probes, { ...HOST, shape: [plan.K, plan.n] }),
    };
    cache.set(l, c);
  }
  return c;
}

export function getCompiled(model: HistFactoryModel, batched = false): Compiled {
  const cache = batched ? bound.batched : bound.one;
  let c = cache.get(model);
  if (!c) {
    let ml: Bound | undefined = modelLikelihood.get(model) ?? ownLikelihood.get(model);
    if (!ml) {
      ml = { likelihood: { nll: (p, d) => model.nll(p, d), structure: { bins: model.parameters.bins } }, consts: () => (noConsts ??= np.zeros([0], HOST)) };
      ownLikelihood.set(model, ml);
    }
    const s = sharedOf(ml.likelihood, batched), k = ml.consts(HOST);
    c = { value: (p, d) => s.value(p, d, k), all: (p, d, v) => s.all(p, d, v, k), plan: s.plan, probes: s.probes };
    cache.set(model, c);
  }
  return c;
}

export function toFullData(model: HistFactoryModel, data: ArrayOrNumbers): Array {
  const d = (data instanceof ArrayClass ? devicePut(data, 'cpu') : np.array(data as number[], HOST)).astype('float64');
  if (d.ndim === 1 && d.shape[0] === model.nMain) return np.array(model.fullData(d.js() as number[]), HOST);
  if (d.ndim !== 1 || d.shape[0] !== model.nMain + model.nAux) {
    throw new Error(`stats: data must have ${model.nMain} (main) or ${model.nMain + model.nAux} (main + aux) entries`);
  }
  return d;
}

/**
 * Which parameters are held (the model's fixed ones and `fixed`'s) and the fit's starting point:
 * held ones at their value as given — a bound limits where the fit may move a parameter, not where
 * it may hold one (a hypotest beyond the POI's upper bound holds μ there) — the others at the init
 * clamped into their bounds.
 */
export function startingPoint(model: HistFactoryModel, opts: Pick<FitOptions, 'fixed' | 'init' | 'bounds'>): { isFixed: boolean[]; start: number[] } {
  const P = model.parameters;
  const isFixed = [...P.fixed];
  const start = [...(opts.init ?? P.init)];
  const hold = (i: number, v: number) => { isFixed[i] = true; start[i] = v; };
  for (const [name, v] of Object.entries(opts.fixed ?? {})) {
    const i = P.names.indexOf(name);
    const set = P.sets.find((s) => s.name === name);
    if (i >= 0) hold(i, v); else if (set) {
      for (let k = 0; k < set.size; k++) hold(set.offset + k, v);
    } else throw new Error(`stats.fit: unknown parameter '${name}' (parameters: ${P.names.join(', ')})`);
  }
  const bounds = opts.bounds ?? P.bounds;
  return { isFixed, start: start.map((v, i) => (isFixed[i] ? v : clip(v, bounds[i]))) };
}

/** `v` clamped into its bounds. */
export const clip = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * The Newton step on the free parameters `act` (aligned with it) of H s = −g. A parameter whose
 * step would cross a bound lands on it, and the others are solved again with it held there: the
 * step of the problem with that bound active, where a clipped step need not descend (and lets a
 * parameter creep towards its bound over many iterations). Where H[act][act] is not positive
 * definite (`pd` false: a saddle, a flat direction or a kink) its diagonal is shifted until it is,
 * so the step always descends on the model.
 */
function newtonStep(H: readonly Float64Array[], g: ArrayLike<number>, x: readonly number[], act: readonly number[], bounds: readonly (readonly [number, number])[], plan: HessianPlan): { step: number[]; pd: boolean } {
  const spd = (A: readonly Float64Array[], idx: readonly number[]) => (plan.dense ? factorSPD(idx.map((i) => idx.map((j) => A[i][j]))) : factorStructured(A, idx, plan.block, true));
  let pd = true;
  const factor = (idx: readonly number[]) => {
    const f = spd(H, idx);
    if (f || !idx.length) return f;
    if (idx.length === act.length) pd = false;
    const scale = Math.max(...idx.map((i) => Math.abs(H[i][i])), 1e-12);
    for (let lambda = 1e-10 * scale; lambda < 1e10 * scale; lambda *= 10) {
      const Hs = H.map((r, i) => (idx.includes(i) ? Float64Array.from(r, (v, j) => (i === j ? v + lambda : v)) : r));
      const fs = spd(Hs, idx);
      if (fs) return fs;
    }
    return null;
  };
  const landed = new Map<number, number>(); // parameter -> its move onto the bound
  let free = [...act];
  for (;;) {
    const f = factor(free);
    const s = f ? f.solve(free.map((i) => { let r = -g[i]; for (const [j, d] of landed) r -= H[i][j] * d; return r; })) : free.map(() => 0);
    const crossing = free.filter((i, k) => x[i] + s[k] < bounds[i][0] || x[i] + s[k] > bounds[i][1]);
    if (!crossing.length || !s.every(Number.isFinite)) {
      const at = new Map(free.map((i, k) => [i, s[k]]));
      return { step: act.map((i) => landed.get(i) ?? at.get(i) ?? 0), pd };
    }
    for (const i of crossing) landed.set(i, clip(x[i] + s[free.indexOf(i)], bounds[i]) - x[i]);
    free = free.filter((i) => !landed.has(i));
  }
}

/**
 * Minimizes the NLL by Newton's method on the free parameters within their bounds: parameters at
 * a bound whose gradient points outward are held there for the step, and the step (newtonStep) is
 * halved until the NLL decreases. Where it does not — a kink of a piecewise interpolation (codes
 * 0 and 1 at α = 0), whose derivative is one side's, or a saddle point — the fit searches along a
 * direction of negative curvature, then along each free parameter both ways, and declares
 * convergence only at a point no such search improves.
 */
export function fit(model: HistFactoryModel, data: ArrayOrNumbers, opts: FitOptions = {}): FitResult {
  const P = model.parameters;
  const n = P.names.length;
  const bounds = opts.bounds ?? P.bounds;
  if (bounds.length !== n) throw new Error(`stats.fit: bounds has ${bounds.length} entries, the model ${n} parameters (${P.names.join(', ')})`);
  const { isFixed, start } = startingPoint(model, opts);
  const d = toFullData(model, data);
  const c = getCompiled(model);
  const { plan } = c;
  let x = start;
  const nllAt = (p: number[]) => c.value(np.array(p, HOST), d).item() as number;
  /** NLL, gradient and Hessian at p, from one compiled call. */
  const evalAt = (p: number[]): { f: number; g: Float64Array; H: Float64Array[] } => {
    const out = c.all(np.array(p, HOST), d, c.probes).dataSync() as Float64Array;
    return { f: out[0], g: out.subarray(1, n + 1), H: plan.assemble(out, n + 1) };
  };
  const maxIter = opts.maxIter ?? 100;
  let converged = false;
  let it = 0;
  let fx = Infinity;
  // The derivatives at x: a full Newton step's trial point is evaluated with them, so an accepted
  // full step (the rule near the optimum) costs one compiled call per iteration.
  let cur: ReturnType<typeof evalAt> | null = null;
  /** The Newton decrement² −Σ step·g over `idx` (> 0 for descent). */
  const decrement = (step: readonly number[], g: ArrayLike<number>, idx: readonly number[]) => -step.reduce((acc, v, k) => acc + v * g[idx[k]], 0);
  /** A predicted decrease (dec/2) below the NLL's rounding noise: a descent test cannot resolve it. */
  const negligible = (dec: number) => dec < 1e-10 * (1 + Math.abs(fx));
  /** x + t·dir over `act`, within the bounds. */
  const moveTo = (act: readonly number[], dir: readonly number[], t: number) => {
    const xn = [...x];
    act.forEach((i, k) => { xn[i] = clip(x[i] + t * dir[k], bounds[i]); });
    return xn;
  };
  /** The first of t = t0, t0·ratio, … (down to tMin) where the NLL falls below fx along dir; null if none. */
  const search = (act: readonly number[], dir: readonly number[], tMin: number, t0 = 1, ratio = 0.5) => {
    for (let t = t0; t >= tMin; t *= ratio) {
      const xn = moveTo(act, dir, t);
      const fn = nllAt(xn);
      if (fn < fx) return { xn, fn };
    }
    return null;
  };
  for (; it < maxIter; it++) {
    cur ??= evalAt(x);
    const { g, H } = cur;
    fx = cur.f;
    const act: number[] = [];
    for (let i = 0; i < n; i++) {
      if (isFixed[i]) continue;
      const [lo, hi] = bounds[i];
      if ((x[i] <= lo && g[i] > 0) || (x[i] >= hi && g[i] < 0)) continue;
      act.push(i);
    }
    opts.onStep?.({ iteration: it + 1, nll: fx, gradNorm: Math.max(0, ...act.map((i) => Math.abs(g[i]))) });
    if (!act.length) { converged = true; break; }
    const gAct = act.map((i) => g[i]);
    let { step, pd } = newtonStep(H, g, x, act, bounds, plan);
    let dec = decrement(step, g, act);
    if (!(dec > 0) || !step.every(Number.isFinite)) {
      // Not a descent direction: diagonally scaled gradient descent.
      step = act.map((i, k) => -gAct[k] / Math.max(Math.abs(H[i][i]), 1e-8));
      dec = decrement(step, g, act);
    }
    // Near a minimum the predicted decrease (dec/2) is below the NLL's rounding noise, so the full
    // Newton step is taken without the descent test.
    const tiny = pd && negligible(dec);
    let xn = moveTo(act, step, 1);
    let next: ReturnType<typeof evalAt> | null = evalAt(xn);
    let fn = next.f;
    let settled = false;
    if (!(fn < fx || tiny)) {
      next = null;
      const found = kinkPoint(act, step) ?? search(act, step, 2 ** -30, 0.5) ?? pinned(act) ?? escape(act, pd, H, gAct);
      // No move lowers the NLL: a minimum (at a kink, its gradient is one side's and not small).
      if (!found) { converged = Number.isFinite(fx); break; }
      ({ xn, fn } = found);
      settled = 'settled' in found && !!found.settled;
    }
    const moved = Math.max(...act.map((i) => Math.abs(xn[i] - x[i]) / (1 + Math.abs(x[i]))));
    x = xn;
    fx = fn;
    cur = next;
    if ((tiny || settled) && moved < 1e-10) { converged = true; it++; break; }
  }
  /**
   * Interpolation codes 0 and 1 join two pieces at α = 0, where the NLL has a kink: a step that
   * crosses 0 is tried up to the crossing, landing exactly on 0, before it is halved (halving alone
   * would approach the kink by halves, an iteration each).
   */
  function kinkPoint(act: readonly number[], dir: readonly number[]) {
    const ts = act.map((i, k) => (x[i] !== 0 && Math.sign(x[i]) !== Math.sign(x[i] + dir[k]) ? -x[i] / dir[k] : NaN)).filter((t) => t > 0 && t < 1).sort((a, b) => b - a);
    for (const t of ts) {
      const xn = moveTo(act, dir, t);
      act.forEach((i, k) => { if (Math.abs(x[i] + t * dir[k]) <= 1e-12 * Math.max(1, Math.abs(x[i]))) xn[i] = 0; });
      const fn = nllAt(xn);
      if (fn < fx) return { xn, fn };
    }
    return null;
  }
  /**
   * The Newton step of the other parameters with those at 0 (within 1e-9) held there (a kink's
   * derivatives are one side's, so a step moving them can fail where the rest can still descend).
   */
  function pinned(act: readonly number[]): { xn: number[]; fn: number; settled?: boolean } | null {
    const rest = act.filter((i) => !(Math.abs(x[i]) <= 1e-9));
    if (rest.length === act.length || !rest.length || !cur) return null;
    const { g } = cur;
    const { step, pd } = newtonStep(cur.H, g, x, rest, bounds, plan);
    // Their optimum to within the NLL's rounding (which a descent test cannot resolve): taken whole.
    if (pd && negligible(decrement(step, g, rest))) {
      const xn = moveTo(rest, step, 1);
      return { xn, fn: nllAt(xn), settled: true };
    }
    return search(rest, step, 2 ** -30);
  }
  /**
   * Where the step's line search fails: along a direction of negative curvature (a saddle), then
   * along each free parameter, both ways, from a tenth of its scale down to 1e-9 of it (a kink,
   * where the gradient is one side's). Null: no such move lowers the NLL (a minimum, if a kinked one).
   */
  function escape(act: readonly number[], pd: boolean, H: readonly Float64Array[], gAct: readonly number[]) {
    if (!pd) {
      const nc = negativeCurvature(act.map((i) => act.map((j) => H[i][j])));
      if (nc) {
        const sign = nc.v.reduce((s, v, k) => s + v * gAct[k], 0) > 0 ? -1 : 1;
        const found = search(act, nc.v.map((v) => sign * v), 2 ** -30) ?? search(act, nc.v.map((v) => -sign * v), 2 ** -30);
        if (found) return found;
      }
    }
    const order = act.map((_, k) => k).sort((a, b) => Math.abs(gAct[b]) - Math.abs(gAct[a]));
    for (const k of order) {
      const i = act[k];
      const scale = Math.max(1, Math.abs(x[i])) * 0.1;
      for (const sgn of [gAct[k] > 0 ? -1 : 1, gAct[k] > 0 ? 1 : -1]) {
        const dir = act.map((_, l) => (l === k ? sgn * scale : 0));
        const found = search(act, dir, 1e-8, 1, 0.1); // nine probes a way: it runs at every kinked minimum
        if (found) return found;
      }
    }
    return null;
  }
  const best = x;
  const free = P.names.map((_, i) => i).filter((i) => !isFixed[i]);
  // The Hessian at the best fit and what follows from it are computed when first read: tests and
  // limits read only the best fit and its NLL.
  let post: { H: number[][]; unc: number[]; correlation: number[][] } | undefined;
  const posterior = () => {
    if (post) return post;
    const Hf = (cur ?? evalAt(best)).H;
    const unc = P.names.map(() => 0);
    const correlation: number[][] = P.names.map((_, i) => P.names.map((__, j) => (i === j ? 1 : 0)));
    if (free.length) {
      const inv = (plan.dense ? null : factorStructured(Hf, free, plan.block, false)?.inverse()) ?? inverse(free.map((i) => free.map((j) => Hf[i][j])));
      if (inv && inv.every((r) => r.every(Number.isFinite))) {
        free.forEach((i, k) => { unc[i] = Math.sqrt(inv[k][k]); });
        free.forEach((i, k) => free.forEach((j, l) => { correlation[i][j] = inv[k][l] / Math.sqrt(inv[k][k] * inv[l][l]); }));
      } else {
        free.forEach((i) => { unc[i] = NaN; }); // singular Hessian: not identifiable
      }
    }
    return (post = { H: Hf.map((r) => globalThis.Array.from(r)), unc, correlation });
  };
  if (maxIter <= 0) fx = nllAt(best);
  const result = { bestfit: best, nll: fx, converged, iterations: it } as FitResult;
  Object.defineProperties(result, {
    hessian: { get: () => posterior().H, enumerable: true },
    uncertainties: { get: () => posterior().unc, enumerable: true },
    correlation: { get: () => posterior().correlation, enumerable: true },
  });
  return result;
}

/**
 * Pulls of the constrained parameters after a fit, for stats.plots.pulls: (θ̂ − θ₀)/σ₀ with the
 * post-fit uncertainty σ̂/σ₀, where θ₀ and σ₀ are the constraint's centre and width (Gaussian:
 * auxdata and sigma; Poisson (shapesys γ): 1 and 1/√τ). Fixed parameters are left out.
 */
export function pulls(model: HistFactoryModel, result: FitResult): Pull[] {
  const P = model.parameters;
  const out: Pull[] = [];
  let k = 0;
  P.names.forEach((name, i) => {
    if (!P.constrained[i]) return;
    const c = model.auxConstraints[k];
    const aux = model.auxdata[k++];
    if (P.fixed[i]) return;
    const [centre, width] = c.kind === 'poisson' ? [1, 1 / Math.sqrt(aux)] : [aux, c.sigma];
    out.push({ name, pull: (result.bestfit[i] - centre) / width, error: result.uncertainties[i] / width });
  });
  return out;
}
