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
