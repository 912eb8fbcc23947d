/**
 * The demo's analysis, shared by the page and its test: a counting experiment above a cut on an
 * observable x ∈ [0, 5] in 20 bins — a Gaussian signal at x = 2.2 over a falling background with
 * a 10% normalisation uncertainty. At a hard cut it is a one-bin pyhf model (fit, CLs, limits);
 * with a soft cut (relax.softCut's logistic weights) the expected CLs is a smooth function of the
 * cut, which gradient descent optimises through the fit (implicit function theorem).
 */
import { type Array, grad, np, relax, stats } from '../lib/index.js';

const BINS = 20;
const edges = globalThis.Array.from({ length: BINS + 1 }, (_, i) => (5 * i) / BINS);
export const centers = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);
const phi = (z: number): number => 0.5 * (1 + erf(z / Math.SQRT2));
function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for a test; this series converges for |x| < 4
  let term = x, sum = x;
  for (let n = 1; n < 120; n++) { term *= (-x * x) / n; sum += term / (2 * n + 1); }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
/** Expected signal and background per bin (the templates). */
export const signal = edges.slice(0, -1).map((e, i) => 40 * (phi((edges[i + 1] - 2.2) / 0.4) - phi((e - 2.2) / 0.4)));
export const background = edges.slice(0, -1).map((e, i) => 400 * (Math.exp(-e / 1.2) - Math.exp(-edges[i + 1] / 1.2)));
/** The observed counts: signal plus background, with a fixed scatter of about half a Poisson width. */
export const observed = signal.map((s, i) => Math.max(0, Math.round(s + background[i] + 0.5 * Math.sqrt(s + background[i]) * Math.sin(2.3 * i + 0.7))));

const sumAbove = (xs: readonly number[], cut: number): number => xs.reduce((a, v, i) => a + (centers[i] > cut ? v : 0), 0);

/** The one-bin model at a hard cut, with its observed count. */
export function countingModel(cut: number): { model: stats.HistFactoryModel; data: number[] } {
  const model = stats.histfactory({ channels: [{ name: 'sr', samples: [
    { name: 'signal', data: [sumAbove(signal, cut)], modifiers: [{ type: 'normfactor', name: 'mu' }] },
    { name: 'background', data: [sumAbove(background, cut)], modifiers: [{ type: 'normsys', name: 'bkg_norm', data: { hi: 1.1, lo: 0.9 } }] },
  ] }] });
  return { model, data: [sumAbove(observed, cut), ...model.auxdata] };
}

export interface Summary { cut: number; nObs: number; s: number; b: number; muHat: number; sigma: number; cls: number; observedLimit: number; expectedLimit: number[] }

/** Fit, CLs at μ = 1 and the 95% CL limits at a hard cut. */
export function summary(cut: number): Summary & { limit: stats.UpperLimitResult; profile: stats.ProfileScan } {
  const { model, data } = countingModel(cut);
  const fit = stats.fit(model, data);
  const mu = model.parameters.poiIndex;
  const muHat = fit.bestfit[mu], sigma = fit.uncertainties[mu];
  const limit = stats.upperLimit(data, model, { scan: globalThis.Array.from({ length: 31 }, (_, i) => i * 0.1) });
  const grid = globalThis.Array.from({ length: 41 }, (_, i) => Math.max(0, muHat - 2.5 * sigma) + (i * 5 * sigma) / 40);
  return {
    cut, nObs: data[0], s: sumAbove(signal, cut), b: sumAbove(background, cut), muHat, sigma,
    cls: stats.hypotest(1, data, model).cls, observedLimit: limit.observed, expectedLimit: limit.expected, limit,
    profile: stats.profileLikelihood(model, data, grid),
  };
}

/**
 * The median expected CLs of μ = 1 as a function of a soft cut (temperature 0.15), with the
 * background-only Asimov fit inside: `stats.expectedCls` with the soft-cut yields as `nominal`.
 */
export function softExpectedCls(cut: Array): Array {
  const { model } = countingModel(0);
  const x = np.array(centers);
  const w = relax.softCut(x, cut, { temperature: 0.15 });
  const yields = model.samples.map((name) => np.sum(w.mul(np.array(name === 'signal' ? signal : background))).reshape([1]));
  return stats.expectedCls(model, 1, { nominal: np.stack(yields) });
}

/** Steps of gradient descent on the soft expected CLs, in log space (CLs spans decades). */
export function optimiseCut(start: number, steps: number, rate = 0.1, onStep?: (cut: number, cls: number) => void): number {
  const logCls = (c: Array) => np.log(softExpectedCls(c));
  const g = grad(logCls);
  let cut = start;
  for (let k = 0; k < steps; k++) {
    const c = np.array(cut);
    cut = Math.min(4.5, Math.max(0, cut - rate * g(c).item()));
    onStep?.(cut, softExpectedCls(np.array(cut)).item());
  }
  return cut;
}
