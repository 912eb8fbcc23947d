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
import { inverse, solve } from './host-linalg.js';
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
  /** Parameters held fixed, by flat name ('mu', 'gamma[1]') or set name (all its components). */
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

export function fixedMask(model: HistFactoryModel, fixed: Record<string, number> = {}): { isFixed: boolean[]; values: (number | undefined)[] } {
  const P = model.parameters;
  const isFixed = [...P.fixed];
  const values: (number | undefined)[] = P.names.map(() => undefined);
  for (const [name, v] of Object.entries(fixed)) {
    const i = P.names.indexOf(name);
    const set = P.sets.find((s) => s.name === name);
    if (i >= 0) { isFixed[i] = true; values[i] = v; } else if (set) {
      for (let k = 0; k < set.size; k++) { isFixed[set.offset + k] = true; values[set.offset + k] = v; }
    } else throw new Error(`stats.fit: unknown parameter '${name}' (parameters: ${P.names.join(', ')})`);
  }
  return { isFixed, values };
}

/** `v` clamped into its bounds. */
export const clip = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * Minimizes the NLL by Newton's method on the free parameters, projected onto the bounds:
 * parameters at a bound whose gradient points outward are held there for the step, and each
 * step is halved until the NLL does not increase.
 */
export function fit(model: HistFactoryModel, data: ArrayOrNumbers, opts: FitOptions = {}): FitResult {
  const P = model.parameters;
  const n = P.names.length;
  const bounds = opts.bounds ?? P.bounds;
  if (bounds.length !== n) throw new Error(`stats.fit: bounds has ${bounds.length} entries, the model ${n} parameters (${P.names.join(', ')})`);
  const { isFixed, values } = fixedMask(model, opts.fixed);
  const d = toFullData(model, data);
  const c = getCompiled(model);
  const { plan } = c;
  let x = (opts.init ?? P.init).map((v, i) => clip(values[i] ?? v, bounds[i]));
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
    const rhs = gAct.map((v) => -v);
    let step = (plan.dense ? null : factorStructured(H, act, plan.block, false)?.solve(rhs)) ?? solve(act.map((i) => act.map((j) => H[i][j])), rhs) ?? [];
    let dec = -step.reduce((s, v, k) => s + v * gAct[k], 0); // Newton decrement² (> 0 for descent)
    if (step.length !== act.length || !(dec > 0) || !step.every(Number.isFinite)) {
      // Not a descent direction (indefinite Hessian): diagonally scaled gradient descent.
      step = act.map((i, k) => -gAct[k] / Math.max(Math.abs(H[i][i]), 1e-8));
      dec = -step.reduce((s, v, k) => s + v * gAct[k], 0);
    }
    // Near the optimum the predicted decrease (dec/2) is below the NLL's rounding noise, so the
    // full Newton step is taken without the descent test.
    const tiny = dec < 1e-10 * (1 + Math.abs(fx));
    let t = 1;
    let accepted = false;
    let xn = x;
    let fn = fx;
    let next: ReturnType<typeof evalAt> | null = null;
    for (let ls = 0; ls < 60; ls++) {
      xn = [...x];
      act.forEach((i, k) => { xn[i] = clip(x[i] + t * step[k], bounds[i]); });
      next = t === 1 ? evalAt(xn) : null;
      fn = next ? next.f : nllAt(xn);
      if (fn <= fx || (tiny && t === 1)) { accepted = true; break; }
      t *= 0.5;
    }
    if (!accepted) { converged = tiny; break; }
    const moved = Math.max(...act.map((i) => Math.abs(xn[i] - x[i]) / (1 + Math.abs(x[i]))));
    x = xn;
    fx = fn;
    cur = next;
    if (moved < 1e-13 || (tiny && moved < 1e-10)) { converged = true; it++; break; }
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
