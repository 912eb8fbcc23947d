/**
 * The demo's analysis, shared by the page and its test: a counting experiment above a cut on an
 * observable x ∈ [0, 5] in 20 bins — a Gaussian signal at x = 2.2 over a falling background with
 * a 10% normalisation uncertainty. At a hard cut it is a one-bin pyhf model (fit, CLs, limits);
 * with a soft cut (relax.softCut's logistic weights) the expected CLs is a smooth function of the
 * cut, which gradient descent optimises through the fit (implicit function theorem).
 *
 * The optimisation works as a physicist's would at scale: the soft-cut yields are sums over
 * simulated events (the event-level work, in float32 on whichever device is given: WebGPU in the
 * browser where there is one), and the fit is the small float64 part on the CPU. The derivative
 * crosses devices by the chain rule: d log CLs/d cut = Σ_s ∂ log CLs/∂ν_s · dν_s/d cut, with
 * dν/d cut a forward-mode `jvp` over the events and ∂ log CLs/∂ν a reverse-mode `grad` through
 * the fit.
 */
import { type Array, devicePut, grad, jit, jvp, np, random, relax, scipySpecial, stats } from '../lib/index.js';

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

/** Simulated events per sample. */
export const EVENTS = 200_000;
const SOFTNESS = 0.15;
const total = (xs: readonly number[]): number => xs.reduce((a, v) => a + v, 0);

/** Simulated events: positions x and weights, one row per sample in the model's order. */
export interface Events { readonly x: Array; readonly weights: Array }

/** EVENTS draws of x from a sample's shape truncated to [0, 5], by inverse CDF of uniforms. */
const draw = jit((key: Array, isSignal: boolean): Array => {
  const u = random.uniform(key, [EVENTS], { dtype: 'float32' });
  if (!isSignal) return np.multiply(-1.2, np.log1p(np.multiply(-(1 - Math.exp(-5 / 1.2)), u)));
  const pa = phi(-2.2 / 0.4), pb = phi((5 - 2.2) / 0.4);
  return np.add(2.2, np.multiply(0.4, scipySpecial.ndtri(np.add(pa, np.multiply(pb - pa, u)))));
}, { staticArgnums: [1] });

/**
 * Events of both samples on `device`, in float32 (the same key, so the same events on every
 * device), each weighted so a sample's weights sum to its template's total.
 */
export function simulate(device: string): Events {
  const names = softModel().samples;
  const keys = random.split(devicePut(random.key(7), device), names.length);
  const rows = names.map((name, i) => draw(keys.slice(i), name === 'signal'));
  const weights = names.map((name) => np.full([EVENTS], total(name === 'signal' ? signal : background) / EVENTS, { dtype: 'float32', device }));
  return { x: np.stack(rows), weights: np.stack(weights) };
}

/** The soft-cut yields ν (one per sample) of the events at `cut`, and dν/d cut: one forward-mode pass. */
const yieldsAndSlope = jit((x: Array, w: Array, cut: Array): Array[] =>
  jvp((c: Array) => np.sum(w.mul(relax.softCut(x, c, { temperature: SOFTNESS })), 1), [cut], [np.onesLike(cut)]));

export function eventYields(ev: Events, cut: number): [Array, Array] {
  const [y, dy] = yieldsAndSlope(ev.x, ev.weights, np.array(cut, { dtype: 'float32', device: ev.x.device }));
  return [y, dy];
}

/** log of the median expected CLs of μ = 1 at yields ν (float64, CPU), and its gradient in ν. */
let model0: stats.HistFactoryModel | undefined;
/** One model for every soft-cut evaluation: its compiled fit is cached per model. */
const softModel = (): stats.HistFactoryModel => (model0 ??= countingModel(0).model);
const logClsOfYields = (nu: Array): Array => np.log(stats.expectedCls(softModel(), 1, { nominal: nu.reshape([-1, 1]) }));
const gradLogCls = grad(logClsOfYields);

/**
 * One step of gradient descent on the soft expected CLs of the events, in log space (CLs spans
 * decades): the events' yields and their derivative come from their device (read back
 * asynchronously, as WebGPU requires), the rest is float64 on the CPU.
 */
export async function cutStep(ev: Events, cut: number, rate = 0.1): Promise<{ cut: number; cls: number }> {
  const [y, dy] = eventYields(ev, cut);
  const nu = np.array(globalThis.Array.from(await y.data()));
  const dnu = globalThis.Array.from(await dy.data());
  const g = gradLogCls(nu).js() as number[];
  const next = Math.min(4.5, Math.max(0, cut - rate * g.reduce((a, gi, i) => a + gi * dnu[i], 0)));
  return { cut: next, cls: await softCls(ev, next) };
}

/** The soft-cut surrogate: the median expected CLs of μ = 1 at the events' soft-cut yields. */
export async function softCls(ev: Events, cut: number): Promise<number> {
  const [y] = eventYields(ev, cut);
  return Math.exp(logClsOfYields(np.array(globalThis.Array.from(await y.data()))).item());
}

/** `steps` of cutStep from `start` on the events of `device`. */
export async function optimiseCut(start: number, steps: number, device = 'cpu', onStep?: (cut: number, cls: number) => void): Promise<number> {
  const ev = simulate(device);
  let cut = start;
  for (let k = 0; k < steps; k++) {
    const s = await cutStep(ev, cut);
    cut = s.cut;
    onStep?.(cut, s.cls);
  }
  return cut;
}
