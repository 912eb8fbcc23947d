/**
 * Maximum-likelihood fits of HistFactory models: bounded Newton iterations on the NLL with its
 * autodiff gradient and Hessian, uncertainties and correlations from the inverse Hessian. The
 * test statistics, hypothesis tests and limits built on them are in hypotest.ts.
 */
import { Array as ArrayClass, type Array } from '../core/array.js';

/** Arrays, numbers, or plain JS number lists. */
import * as np from '../numpy/index.js';
import { valueAndGrad } from '../transforms/grad.js';
import { hessian } from '../transforms/jac.js';
import { jit } from '../transforms/jit.js';
import { vmap } from '../transforms/vmap.js';
import type { ArrayOrNumbers, HistFactoryModel } from './histfactory.js';
import { inverse, solve } from './host-linalg.js';
import { devicePut } from '../core/device.js';
import type { Pull } from './plots.js';

/**
 * Fits and test statistics are host-side Newton iterations in float64 (pyhf's precision): their
 * arrays live on the CPU whatever the default device, and values are read back every step.
 */
export const HOST = { dtype: 'float64', device: 'cpu' } as const;

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
export interface FitStep { iteration: number; nll: number; gradNorm: number }
export interface FitResult {
  bestfit: number[];
  nll: number;
  /** sqrt(diag(H⁻¹)) over the free parameters at the best fit (0 for fixed ones). */
  uncertainties: number[];
  /** Hessian of the NLL at the best fit (all parameters). */
  hessian: number[][];
  /** Correlations of the free parameters from H⁻¹ (1 on the diagonal; 0 for fixed parameters). */
  correlation: number[][];
  converged: boolean;
  iterations: number;
}

/** The compiled NLL, its value and gradient, and its Hessian: of one fit, or (batched) of a row per toy. */
export interface Compiled { value: (p: Array, d: Array) => Array; vg: (p: Array, d: Array) => [Array, Array]; hess: (p: Array, d: Array) => Array }
const compiled = { one: new WeakMap<HistFactoryModel, Compiled>(), batched: new WeakMap<HistFactoryModel, Compiled>() };
export function getCompiled(model: HistFactoryModel, batched = false): Compiled {
  const cache = batched ? compiled.batched : compiled.one;
  let c = cache.get(model);
  if (!c) {
    const f = (p: Array, d: Array) => model.nll(p, d);
    const over = <F extends (p: Array, d: Array) => unknown>(g: F): F => (batched ? vmap(g) as unknown as F : g);
    c = { value: jit(over(f)) as Compiled['value'], vg: jit(over(valueAndGrad(f))) as Compiled['vg'], hess: jit(over(hessian(f))) as Compiled['hess'] };
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
  let x = (opts.init ?? P.init).map((v, i) => clip(values[i] ?? v, bounds[i]));
  const nllAt = (p: number[]) => c.value(np.array(p, HOST), d).item() as number;
  const maxIter = opts.maxIter ?? 100;
  let converged = false;
  let it = 0;
  let fx = Infinity;
  for (; it < maxIter; it++) {
    const pa = np.array(x, HOST);
    const [v, gA] = c.vg(pa, d);
    fx = v.item() as number;
    const g = gA.js() as number[];
    const H = c.hess(pa, d).js() as number[][];
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
    let step = solve(act.map((i) => act.map((j) => H[i][j])), gAct.map((v) => -v)) ?? [];
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
    for (let ls = 0; ls < 60; ls++) {
      xn = [...x];
      act.forEach((i, k) => { xn[i] = clip(x[i] + t * step[k], bounds[i]); });
      fn = nllAt(xn);
      if (fn <= fx || (tiny && t === 1)) { accepted = true; break; }
      t *= 0.5;
    }
    if (!accepted) { converged = tiny; break; }
    const moved = Math.max(...act.map((i) => Math.abs(xn[i] - x[i]) / (1 + Math.abs(x[i]))));
    x = xn;
    fx = fn;
    if (moved < 1e-13 || (tiny && moved < 1e-10)) { converged = true; it++; break; }
  }
  const pa = np.array(x, HOST);
  const H = c.hess(pa, d).js() as number[][];
  const free = P.names.map((_, i) => i).filter((i) => !isFixed[i]);
  const unc = P.names.map(() => 0);
  const correlation: number[][] = P.names.map((_, i) => P.names.map((__, j) => (i === j ? 1 : 0)));
  if (free.length) {
    const inv = inverse(free.map((i) => free.map((j) => H[i][j])));
    if (inv) {
      free.forEach((i, k) => { unc[i] = Math.sqrt(inv[k][k]); });
      free.forEach((i, k) => free.forEach((j, l) => { correlation[i][j] = inv[k][l] / Math.sqrt(inv[k][k] * inv[l][l]); }));
    } else {
      free.forEach((i) => { unc[i] = NaN; }); // singular Hessian: not identifiable
    }
  }
  return { bestfit: x, nll: nllAt(x), uncertainties: unc, hessian: H, correlation, converged, iterations: it };
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
