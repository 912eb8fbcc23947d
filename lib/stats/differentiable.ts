/**
 * Differentiable inference (the neos workflow): the maximum-likelihood estimate and the median
 * expected CLs as Arrays that grad, jvp and vmap differentiate with respect to the data and to the
 * nominal yields of the samples (e.g. soft-cut histograms of an optimised analysis). The fits are
 * `optimize.minimize`, differentiated by the implicit function theorem; the NLL at the optimum by
 * the envelope theorem.
 */
import type { Array } from '../core/array.js';
import * as np from '../numpy/index.js';
import { minimize } from '../optimize/minimize.js';
import { ndtr } from '../scipy-special/index.js';
import { grad } from '../transforms/grad.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { brent } from './hypotest.js';
import type { ArrayOrNumbers, HistFactoryModel } from './histfactory.js';

export interface MleOptions {
  /** Nominal yields [samples, main bins] replacing the spec's (differentiable). */
  nominal?: Array;
  /** Parameters held at a value, by flat or set name (besides the model's fixed ones). */
  fixed?: Record<string, number>;
  /** Starting point of the free parameters' fit (default: the model's init). */
  init?: readonly number[];
}

/** Free indices and the constant vector holding the fixed parameters' values (zeros elsewhere). */
function layout(model: HistFactoryModel, fixed: Record<string, number> = {}): { free: number[]; base: number[] } {
  const P = model.parameters;
  const base = P.names.map(() => 0);
  const isFixed = [...P.fixed];
  P.init.forEach((v, i) => { if (isFixed[i]) base[i] = v; });
  for (const [name, v] of Object.entries(fixed)) {
    const i = P.names.indexOf(name);
    const set = P.sets.find((s) => s.name === name);
    const idx = i >= 0 ? [i] : set ? globalThis.Array.from({ length: set.size }, (_, k) => set.offset + k) : null;
    if (!idx) throw new Error(`stats.mle: unknown parameter '${name}' (parameters: ${P.names.join(', ')})`);
    for (const j of idx) { isFixed[j] = true; base[j] = v; }
  }
  return { free: P.names.map((_, i) => i).filter((i) => !isFixed[i]), base };
}

/**
 * The maximum-likelihood parameters for `data` (main bins, or main bins + auxdata), differentiable
 * with respect to `data` and `opts.nominal`. Unlike `stats.fit` the fit is unbounded (Newton on
 * the free parameters), so use it where the optimum is inside the bounds.
 */
export function mle(model: HistFactoryModel, data: ArrayOrNumbers, opts: MleOptions = {}): Array {
  const P = model.parameters;
  const { free, base } = layout(model, opts.fixed);
  const d = np.asarray(data as np.ArrayOrScalar).astype('float64');
  // x = E z + c: the free parameters z placed among the fixed values (a constant linear map).
  const E = np.array(P.names.map((_, i) => free.map((j) => (i === j ? 1 : 0))), { dtype: 'float64' });
  const c = np.array(base, { dtype: 'float64' });
  const full = (z: Array): Array => np.add(free.length ? np.matmul(E, z) : np.zeros([P.names.length], { dtype: 'float64' }), c);
  if (!free.length) return full(np.zeros([0], { dtype: 'float64' }));
  const init = opts.init ?? P.init;
  const z0 = free.map((i) => init[i]);
  const args: Array[] = opts.nominal ? [d, opts.nominal] : [d];
  const f = (z: Array, dd: Array, nom?: Array) => model.nll(full(z), dd, nom ? { nominal: nom } : {});
  return full(minimize(f, z0, { args }).x);
}

/**
 * The median expected CLs at POI value `mu` under the background-only hypothesis (asymptotic, q̃):
 * on the Asimov data of the model at its nominal parameters with the POI at 0,
 * q_A = 2 [min_θ NLL(μ, θ) − NLL(0, θ₀)] and CLs = 2 Φ(−√q_A) — differentiable in the nominal
 * yields, as neos optimises an analysis for it. Equals hypotest(mu, asimov, model).expected.
 */
export function expectedCls(model: HistFactoryModel, mu: number, opts: { nominal?: Array } = {}): Array {
  const P = model.parameters;
  if (P.poiIndex < 0) throw new Error('stats.expectedCls: the model has no parameter of interest');
  const pars0 = np.array(P.init.map((v, i) => (i === P.poiIndex ? 0 : v)), { dtype: 'float64' });
  const yields = opts.nominal ? { nominal: opts.nominal } : {};
  const asimov = model.expectedFull(pars0, yields);
  const cond = mle(model, asimov, { nominal: opts.nominal, fixed: { [P.names[P.poiIndex]]: mu } });
  const qA = np.maximum(np.multiply(np.subtract(model.nll(cond, asimov, yields), model.nll(pars0, asimov, yields)), 2), 0);
  return np.multiply(ndtr(np.negative(np.sqrt(qA))), 2);
}

export interface ExpectedLimitOptions {
  /** Nominal yields [samples, main bins] replacing the spec's (differentiable). */
  nominal?: Array;
  /** CLs level (default 0.05: the 95% CL limit). */
  level?: number;
  /** Initial bracket of the POI (default [0, the POI's upper bound]; widened as needed). */
  bracket?: readonly [number, number];
  /** Relative tolerance of the root (default 1e-10). */
  rtol?: number;
}

/**
 * The median expected upper limit on the POI: the root μ* of expectedCls(μ) = level, found by
 * Brent's method, and differentiable in the nominal yields by the implicit function theorem,
 * dμ* / dy = −(∂CLs/∂y) / (∂CLs/∂μ) with ∂CLs/∂μ from the envelope theorem. First derivatives
 * (grad, jvp, vjp); the root is found on values, so not under jit.
 */
export function expectedUpperLimit(model: HistFactoryModel, opts: ExpectedLimitOptions = {}): Array {
  const P = model.parameters;
  if (P.poiIndex < 0) throw new Error('stats.expectedUpperLimit: the model has no parameter of interest');
  const level = opts.level ?? 0.05;
  const nom = opts.nominal ?? np.array(model.nominal, { dtype: 'float64' });
  const fixedNom = stopGradient(nom);
  const clsAt = (mu: number): number => expectedCls(model, mu, { nominal: fixedNom }).item();
  let [lo, hi] = opts.bracket ?? [0, P.bounds[P.poiIndex][1]];
  for (let k = 0; k < 60 && clsAt(hi) > level; k++) hi *= 2;
  if (clsAt(hi) > level) throw new Error(`stats.expectedUpperLimit: the expected CLs stays above ${level} up to μ = ${hi}`);
  if (lo > 0 && clsAt(lo) < level) lo = 0;
  const muStar = brent((mu) => clsAt(mu) - level, lo, hi, opts.rtol ?? 1e-10);
  // ∂CLs/∂μ at the root: CLs = 2Φ(−√q_A), ∂q_A/∂μ = 2 ∂NLL/∂μ at the conditional fit (envelope).
  const pars0 = np.array(P.init.map((v, i) => (i === P.poiIndex ? 0 : v)), { dtype: 'float64' });
  const asimov = model.expectedFull(pars0, { nominal: fixedNom });
  const cond = mle(model, asimov, { nominal: fixedNom, fixed: { [P.names[P.poiIndex]]: muStar } });
  const dNll = (grad((p: Array) => model.nll(p, asimov, { nominal: fixedNom }))(cond).js() as number[])[P.poiIndex];
  const qA = 2 * (model.nll(cond, asimov, { nominal: fixedNom }).item() - model.nll(pars0, asimov, { nominal: fixedNom }).item());
  const dClsDmu = -2 * (Math.exp(-qA / 2) / Math.sqrt(2 * Math.PI)) * (2 * dNll) / (2 * Math.sqrt(qA));
  // μ* + (g(μ*, y) − sg(g))/(−∂g/∂μ): the value is μ*, the derivative the implicit one.
  const g = expectedCls(model, muStar, { nominal: nom });
  return np.add(muStar, np.divide(np.subtract(g, stopGradient(g)), -dClsDmu));
}
