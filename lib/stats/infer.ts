/**
 * Inference on HistFactory models: bounded Newton fits of the NLL (autodiff gradient and Hessian),
 * the profile-likelihood test statistic q̃_μ, and asymptotic CLs (Cowan, Cranmer, Gross, Vitells,
 * arXiv:1007.1727), following pyhf's AsymptoticCalculator with its default 'qtilde' statistic.
 */
import { Array as ArrayClass, type Array } from '../core/array.js';

/** Arrays, numbers, or plain JS number lists. */
import * as np from '../numpy/index.js';
import { valueAndGrad } from '../transforms/grad.js';
import { hessian } from '../transforms/jac.js';
import { jit } from '../transforms/jit.js';
import { ndtr } from '../scipy-special/index.js';
import type { ArrayOrNumbers, HistFactoryModel } from './histfactory.js';
import { devicePut } from '../core/device.js';

/**
 * Fits and test statistics are host-side Newton iterations in float64 (pyhf's precision): their
 * arrays live on the CPU whatever the default device, and values are read back every step.
 */
const HOST = { dtype: 'float64', device: 'cpu' } as const;

export interface FitOptions {
  /** Parameters held fixed, by flat name ('mu', 'gamma[1]') or set name (all its components). */
  fixed?: Record<string, number>;
  /** Starting point (default: the model's init). */
  init?: readonly number[];
  /** Newton iterations at most (default 100). */
  maxIter?: number;
}
export interface FitResult {
  bestfit: number[];
  nll: number;
  /** sqrt(diag(H⁻¹)) over the free parameters at the best fit (0 for fixed ones). */
  uncertainties: number[];
  /** Hessian of the NLL at the best fit (all parameters). */
  hessian: number[][];
  converged: boolean;
  iterations: number;
}

interface Compiled { value: (p: Array, d: Array) => Array; vg: (p: Array, d: Array) => [Array, Array]; hess: (p: Array, d: Array) => Array }
const compiled = new WeakMap<HistFactoryModel, Compiled>();
function getCompiled(model: HistFactoryModel): Compiled {
  let c = compiled.get(model);
  if (!c) {
    const f = (p: Array, d: Array) => model.nll(p, d);
    c = { value: jit(f) as Compiled['value'], vg: jit(valueAndGrad(f)) as Compiled['vg'], hess: jit(hessian(f)) as Compiled['hess'] };
    compiled.set(model, c);
  }
  return c;
}

function toFullData(model: HistFactoryModel, data: ArrayOrNumbers): Array {
  const d = (data instanceof ArrayClass ? devicePut(data, 'cpu') : np.array(data as number[], HOST)).astype('float64');
  if (d.ndim === 1 && d.shape[0] === model.nMain) return np.array(model.fullData(d.js() as number[]), HOST);
  if (d.ndim !== 1 || d.shape[0] !== model.nMain + model.nAux) {
    throw new Error(`stats: data must have ${model.nMain} (main) or ${model.nMain + model.nAux} (main + aux) entries`);
  }
  return d;
}

function fixedMask(model: HistFactoryModel, fixed: Record<string, number> = {}): { isFixed: boolean[]; values: (number | undefined)[] } {
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

const clip = (v: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * Minimizes the NLL by Newton's method on the free parameters, projected onto the bounds:
 * parameters at a bound whose gradient points outward are held there for the step, and each
 * step is halved until the NLL does not increase.
 */
export function fit(model: HistFactoryModel, data: ArrayOrNumbers, opts: FitOptions = {}): FitResult {
  const P = model.parameters;
  const n = P.names.length;
  const { isFixed, values } = fixedMask(model, opts.fixed);
  const d = toFullData(model, data);
  const c = getCompiled(model);
  let x = (opts.init ?? P.init).map((v, i) => clip(values[i] ?? v, P.bounds[i]));
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
      const [lo, hi] = P.bounds[i];
      if ((x[i] <= lo && g[i] > 0) || (x[i] >= hi && g[i] < 0)) continue;
      act.push(i);
    }
    if (!act.length) { converged = true; break; }
    const gAct = act.map((i) => g[i]);
    let step: number[];
    try {
      step = (np.linalg.solve(np.array(act.map((i) => act.map((j) => H[i][j])), HOST), np.array(gAct.map((v) => -v), HOST)).js() as number[]);
    } catch {
      step = [];
    }
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
      act.forEach((i, k) => { xn[i] = clip(x[i] + t * step[k], P.bounds[i]); });
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
  if (free.length) {
    try {
      const inv = np.linalg.inv(np.array(free.map((i) => free.map((j) => H[i][j])), HOST)).js() as number[][];
      free.forEach((i, k) => { unc[i] = Math.sqrt(inv[k][k]); });
    } catch {
      free.forEach((i) => { unc[i] = NaN; }); // singular Hessian: not identifiable
    }
  }
  return { bestfit: x, nll: nllAt(x), uncertainties: unc, hessian: H, converged, iterations: it };
}

function poiName(model: HistFactoryModel): string {
  const P = model.parameters;
  if (P.poiIndex < 0) throw new Error('stats: the model has no parameter of interest (no normfactor and no spec.poi)');
  return P.names[P.poiIndex];
}

/**
 * pyhf's q̃_μ: 2 (NLL(μ, θ̂̂) − NLL(μ̂, θ̂)) with μ̂ fitted inside the POI's bounds (lower bound 0),
 * and 0 when μ̂ > μ (one-sided, for upper limits); clipped at 0.
 */
export function qmu(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): number {
  return qmuDetail(model, data, mu, opts).q;
}

function qmuDetail(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions): { q: number; muhat: number } {
  const poi = poiName(model);
  const free = fit(model, data, opts);
  const cond = fit(model, data, { ...opts, fixed: { ...opts.fixed, [poi]: mu } });
  const muhat = free.bestfit[model.parameters.poiIndex];
  const q = Math.max(0, 2 * (cond.nll - free.nll));
  return { q: muhat > mu ? 0 : q, muhat };
}

export interface ClsResult {
  cls: number;
  clsb: number;
  clb: number;
  /** q̃_μ on the observed data and on the background-only Asimov data. */
  qmu: number;
  qmuA: number;
  /** Expected CLs band for n_sigma = [2, 1, 0, -1, -2] (pyhf's order). */
  expected: { cls: number[]; clsb: number[]; clb: number[] };
}

/**
 * Asymptotic CLs at signal strength `mu` with the q̃_μ statistic, as pyhf's
 * `hypotest(mu, data, model, test_stat="qtilde")`: the Asimov data are the expected main and
 * auxiliary data at the μ = 0 conditional fit to `data`; in the √q space the statistic is
 * t = √q − √q_A if √q < √q_A, else (q − q_A)/(2√q_A), and CLs+b = Φ(−(t + √q_A)), CLb = Φ(−t).
 */
export function clsAsymptotic(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): ClsResult {
  const poi = poiName(model);
  const full = toFullData(model, data);
  const bonly = fit(model, full, { ...opts, fixed: { ...opts.fixed, [poi]: 0 } });
  const asimov = model.expectedFull(np.array(bonly.bestfit, HOST));
  const q = qmuDetail(model, full, mu, opts).q;
  const qA = qmuDetail(model, asimov, mu, opts).q;
  const sq = Math.sqrt(q);
  const sqA = Math.sqrt(qA);
  const t = sq < sqA ? sq - sqA : (q - qA) / (2 * sqA);
  const pvals = (ts: number) => {
    const clsb = ndtr(np.array(-(ts + sqA), HOST)).item() as number;
    const clb = ndtr(np.array(-ts, HOST)).item() as number;
    return { clsb, clb, cls: clsb / clb };
  };
  const obs = pvals(t);
  const exp = [2, 1, 0, -1, -2].map(pvals);
  return {
    ...obs,
    qmu: q,
    qmuA: qA,
    expected: { cls: exp.map((e) => e.cls), clsb: exp.map((e) => e.clsb), clb: exp.map((e) => e.clb) },
  };
}
