/**
 * pyhf's `infer` on HistFactory models: the profile-likelihood test statistics (q0, qμ, q̃μ, tμ,
 * t̃μ), asymptotic hypothesis tests with the expected (Brazil) band, upper limits by a grid scan or
 * by root finding in CLs, fixed-POI fits and profile-likelihood scans. The asymptotic formulas are
 * those of Cowan, Cranmer, Gross, Vitells (arXiv:1007.1727) as pyhf's AsymptoticCalculator
 * evaluates them, in the √q space.
 */
import * as np from '../numpy/index.js';
import { ndtr } from '../scipy-special/index.js';
import { jit } from '../transforms/jit.js';
import type { Array } from '../core/array.js';
import type { ArrayOrNumbers, HistFactoryModel } from './histfactory.js';
import { type FitOptions, type FitResult, HOST, fit, toFullData } from './infer.js';
import { fitBatch, sampleToys } from './toys.js';
import { key, split } from '../random/index.js';

/** pyhf's test statistics for asymptotic hypothesis tests: q̃μ (default), qμ, or q0 (discovery). */
export type TestStat = 'qtilde' | 'q' | 'q0';

function poiIndex(model: HistFactoryModel, who: string): number {
  const i = model.parameters.poiIndex;
  if (i < 0) throw new Error(`stats.${who}: the model has no parameter of interest (no normfactor and no spec.poi); profile-likelihood test statistics need one`);
  return i;
}

/** The fit with the POI held at `mu` (pyhf's fixed_poi_fit). */
export function fixedPoiFit(mu: number, data: ArrayOrNumbers, model: HistFactoryModel, opts: FitOptions = {}): FitResult {
  const i = poiIndex(model, 'fixedPoiFit');
  return fit(model, data, { ...opts, fixed: { ...opts.fixed, [model.parameters.names[i]]: mu } });
}

interface Profile { t: number; muhat: number; free: FitResult; cond: FitResult }

/** 2(NLL(μ, θ̂̂) − NLL(μ̂, θ̂)), clipped at 0 (pyhf's _tmu_like): with a POI lower bound of 0 it is t̃μ. */
/**
 * Per (model, data, options): the unconditional fit, which does not depend on μ. An upper limit
 * tests a dozen μ on the same data (and on the same Asimov data): each then costs its two
 * conditional fits only. Not with `onStep`, whose caller expects every fit's iterations.
 */
const freeFits = new WeakMap<HistFactoryModel, Map<string, FitResult>>();

function freeFit(model: HistFactoryModel, data: ArrayOrNumbers, opts: FitOptions): FitResult {
  if (opts.onStep) return fit(model, data, opts);
  const key = `${JSON.stringify(toFullData(model, data).js())}|${JSON.stringify(opts)}`;
  let m = freeFits.get(model);
  if (!m) freeFits.set(model, (m = new Map()));
  let r = m.get(key);
  if (!r) {
    r = fit(model, data, opts);
    if (m.size > 64) m.clear();
    m.set(key, r);
  }
  return r;
}

function profile(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions): Profile {
  const i = poiIndex(model, 'tmu');
  const free = freeFit(model, data, opts);
  const cond = fixedPoiFit(mu, data, model, opts);
  // A free fit at μ itself (the POI at the bound μ is, say) solves the conditional problem too:
  // t is 0, not the two fits' rounding difference (whose square root CLs would magnify).
  return { t: free.bestfit[i] === mu ? 0 : Math.max(0, 2 * (cond.nll - free.nll)), muhat: free.bestfit[i], free, cond };
}

/** The two-sided profile-likelihood ratio tμ = −2 ln λ(μ) (μ̂ within the POI's bounds). */
export const tmu = (model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): number => profile(model, data, mu, opts).t;

/** t̃μ: tμ with μ̂ ≥ 0 (the POI's lower bound must be 0, as in pyhf's default bounds). */
export function tmuTilde(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): number {
  checkTildeBound(model, opts, 'tmuTilde');
  return profile(model, data, mu, opts).t;
}

/** The one-sided qμ: tμ, but 0 where μ̂ > μ (upper limits); μ̂ may be negative if the bounds allow. */
export function qmu(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): number {
  const r = profile(model, data, mu, opts);
  return r.muhat > mu ? 0 : r.t;
}

/** q̃μ: qμ with μ̂ ≥ 0 (pyhf's default statistic for upper limits). */
export function qmuTilde(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): number {
  checkTildeBound(model, opts, 'qmuTilde');
  return qmu(model, data, mu, opts);
}

/** The discovery statistic q0: t0, but 0 where μ̂ < 0. */
export function q0(model: HistFactoryModel, data: ArrayOrNumbers, opts: FitOptions = {}): number {
  const r = profile(model, data, 0, opts);
  return r.muhat < 0 ? 0 : r.t;
}

function checkTildeBound(model: HistFactoryModel, opts: FitOptions, who: string): void {
  const i = poiIndex(model, who);
  const lo = (opts.bounds ?? model.parameters.bounds)[i][0];
  if (lo !== 0) throw new Error(`stats.${who}: the tilde statistics need the POI's lower bound at 0, got ${lo}; pass bounds with [0, hi] for '${model.parameters.names[i]}', or use ${who === 'qmuTilde' ? 'qmu' : 'tmu'}`);
}

/** Options of `hypotest` (pyhf's `test_stat`, `calctype`, `ntoys`), besides the fits' options. */
export interface HypotestOptions extends FitOptions {
  /** 'qtilde' (default), 'q' or 'q0' (discovery: the result's `cls` is the p-value p0 = CLs+b). */
  testStat?: TestStat;
  /**
   * 'asymptotics' (default: the Wald approximation) or 'toybased': the test statistic's
   * distributions from pseudo-experiments, every toy of a hypothesis fitted in one batched fit.
   */
  calctype?: 'asymptotics' | 'toybased';
  /** Toys per hypothesis (toybased; default 2000, as pyhf). */
  nToys?: number;
  /** The random key of the toys (toybased; default random.key(0)). */
  key?: Array;
  /** Called after each of the four batched toy fits with (done, 4). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A hypothesis test at one POI value (pyhf's `hypotest` with `return_tail_probs`,
 * `return_expected_set`): observed CLs, its tails, the expected band. Probabilities (no unit).
 */
export interface HypotestResult {
  /** CLs = CLs+b / CLb (for q0: the discovery p-value p0). */
  cls: number;
  /** CLs+b = p_s+b: the tested hypothesis' probability of a statistic at least the observed (for q0: p0). */
  clsb: number;
  /** CLb = 1 − p_b: the background-only (for q0: signal) probability of a statistic at least the observed. */
  clb: number;
  /** The median expected CLs (p0 for q0) under the background-only (for q0: signal) hypothesis. */
  expected: number;
  /** The expected band at n_sigma = [2, 1, 0, -1, -2] (pyhf's order, ascending; pyhf labels it −2σ, −1σ, median, +1σ, +2σ): CLs (p0 for q0). */
  expectedSet: number[];
  /** The test statistic on the observed data (q̃μ, qμ or q0, as `testStat`). */
  q: number;
  /** The statistic on the Asimov data (asymptotics; NaN for toybased). */
  qAsimov: number;
  /** The statistic as pyhf's calculator returns it: asymptotics, in √q space (√q − √q_A; q̃ beyond √q_A: (q − q_A)/(2√q_A)); toybased, q. */
  teststat: number;
  /** Which statistic was used: 'qtilde', 'q' or 'q0'. */
  testStat: TestStat;
  /** The statistic of every toy under the tested (s+b) and the background-only hypothesis (toybased). */
  toys?: {
    /** Statistics of the toys at the tested POI value (for q0: at 0), ascending. */
    sb: number[];
    /** Statistics of the background-only toys, POI at 0 (for q0: signal toys, POI at 1), ascending. */
    b: number[];
  };
}

/** Per (model, data): the Asimov data of the background-only (or, for q0, signal) fit, reused across μ. */
const asimovCache = new WeakMap<HistFactoryModel, Map<string, Array>>();

function asimovData(model: HistFactoryModel, full: Array, asimovMu: number, opts: FitOptions): Array {
  const key = `${asimovMu}|${JSON.stringify(full.js())}|${JSON.stringify(opts)}`;
  let m = asimovCache.get(model);
  if (!m) asimovCache.set(model, (m = new Map()));
  let a = m.get(key);
  if (!a) {
    a = model.expectedFull(np.array(fixedPoiFit(asimovMu, full, model, opts).bestfit, HOST));
    if (m.size > 64) m.clear();
    m.set(key, a);
  }
  return a;
}

/** ndtr compiled: the tails of a test are one call, not a dispatch per operation and value. */
const ndtrJit = jit((x: Array) => ndtr(x));

/** CLs+b, CLb and CLs of each √q-space statistic in `ts` when the s+b distribution is shifted by −√q_A. */
function tails(ts: readonly number[], sqA: number): { clsb: number; clb: number; cls: number }[] {
  const p = ndtrJit(np.array(ts.flatMap((t) => [-(t + sqA), -t]), HOST)).dataSync();
  return ts.map((_, k) => ({ clsb: p[2 * k], clb: p[2 * k + 1], cls: p[2 * k] / p[2 * k + 1] }));
}
const N_SIGMA = [2, 1, 0, -1, -2];

/**
 * An asymptotic hypothesis test at POI value `poi` (pyhf's `infer.hypotest`): CLs with CLs+b and
 * CLb, and the expected band. The Asimov data are the expected data of the fit with the POI at 0
 * (1 for q0). At μ equal to the Asimov POI the two distributions coincide and CLs is 1.
 */
export function hypotest(poi: number, data: ArrayOrNumbers, model: HistFactoryModel, opts: HypotestOptions = {}): HypotestResult {
  const testStat = opts.testStat ?? 'qtilde';
  if (testStat !== 'qtilde' && testStat !== 'q' && testStat !== 'q0') throw new Error(`stats.hypotest: testStat must be 'qtilde', 'q' or 'q0', got '${String(testStat)}'`);
  const calctype = opts.calctype ?? 'asymptotics';
  if (calctype !== 'asymptotics' && calctype !== 'toybased') throw new Error(`stats.hypotest: calctype must be 'asymptotics' or 'toybased', got '${String(calctype)}'`);
  const fitOpts: FitOptions = { fixed: opts.fixed, init: opts.init, maxIter: opts.maxIter, bounds: opts.bounds, onStep: opts.onStep };
  const full = toFullData(model, data);
  if (calctype === 'toybased') return toyHypotest(poi, full, model, fitOpts, testStat, opts);
  const stat = (d: ArrayOrNumbers): number => (testStat === 'q0' ? q0(model, d, fitOpts) : testStat === 'qtilde' ? qmuTilde(model, d, poi, fitOpts) : qmu(model, d, poi, fitOpts));
  const q = stat(full);
  // The Asimov fits start from the model's init, as pyhf's: started at the parameters that made
  // the Asimov data they would converge sooner, but where the NLL has several minima (pyhf's
  // 2bin_2channel_coupledhistosys validation case) they can end in another one.
  const qA = stat(asimovData(model, full, testStat === 'q0' ? 1 : 0, fitOpts));
  const sq = Math.sqrt(q), sqA = Math.sqrt(qA);
  // q̃'s second branch is 0/0 when √q_A = 0 (μ at the Asimov POI): pyhf routes that case to the first.
  const t = testStat !== 'qtilde' || sq <= sqA || sqA === 0 ? sq - sqA : (q - qA) / (2 * sqA);
  const [obs, ...band] = tails([t, ...N_SIGMA], sqA);
  const pick = (r: { cls: number; clsb: number }) => (testStat === 'q0' ? r.clsb : r.cls);
  const expectedSet = band.map(pick);
  return { cls: pick(obs), clsb: obs.clsb, clb: obs.clb, expected: expectedSet[2], expectedSet, q, qAsimov: qA, teststat: t, testStat };
}

/** The share of `sorted` (ascending) at or above `v`. */
function tail(sorted: readonly number[], v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] < v) lo = m + 1; else hi = m; }
  return (sorted.length - lo) / sorted.length;
}

/** numpy's percentile with linear interpolation, of values sorted ascending. */
function percentile(sorted: readonly number[], q: number): number {
  const pos = (q / 100) * (sorted.length - 1);
  const i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Normal percentiles of n_sigma = 2, 1, 0, -1, -2 in CLs, ascending as pyhf's ToyCalculator takes them. */
const BAND_PERCENTILES = [2.27501319, 15.86552539, 50.0, 84.13447461, 97.72498681];

/**
 * pyhf's ToyCalculator: toys at the conditional fits of the data with the POI at `poi` (s+b) and
 * at 0 (b; 1 for q0), the statistic of every toy from batched fits, p-values as the share of toys
 * at or above the observed statistic, the band as percentiles of the b-only toys' CLs.
 */
function toyHypotest(poi: number, full: Array, model: HistFactoryModel, fitOpts: FitOptions, testStat: TestStat, opts: HypotestOptions): HypotestResult {
  const nToys = opts.nToys ?? 2000;
  const i = poiIndex(model, 'hypotest');
  const name = model.parameters.names[i];
  const mu = testStat === 'q0' ? 0 : poi;
  let done = 0;
  const step = () => opts.onProgress?.(++done, 4);
  const statOf = (d: Array): number[] => {
    const free = fitBatch(model, d, fitOpts);
    step();
    const cond = fitBatch(model, d, { ...fitOpts, fixed: { ...fitOpts.fixed, [name]: mu } });
    step();
    return free.nll.map((f, t) => {
      const tq = Math.max(0, 2 * (cond.nll[t] - f));
      const muhat = free.bestfit[t][i];
      return testStat === 'q0' ? (muhat < 0 ? 0 : tq) : muhat > mu ? 0 : tq;
    });
  };
  const q = testStat === 'q0' ? q0(model, full, fitOpts) : testStat === 'qtilde' ? qmuTilde(model, full, poi, fitOpts) : qmu(model, full, poi, fitOpts);
  const sbPars = fixedPoiFit(mu, full, model, fitOpts).bestfit;
  const bPars = fixedPoiFit(testStat === 'q0' ? 1 : 0, full, model, fitOpts).bestfit;
  const [kSb, kB] = split(opts.key ?? key(0), 2);
  const sb = statOf(sampleToys(model, kSb, sbPars, nToys)).sort((a, b) => a - b);
  const b = statOf(sampleToys(model, kB, bPars, nToys)).sort((a, c) => a - c);
  const pvals = (v: number) => {
    const clsb = tail(sb, v), clb = tail(b, v);
    return { clsb, clb, cls: clsb / clb };
  };
  const obs = pvals(q);
  const perToy = b.map((v) => { const r = pvals(v); return testStat === 'q0' ? r.clsb : r.cls; }).sort((a, c) => a - c);
  const expectedSet = BAND_PERCENTILES.map((p) => percentile(perToy, p));
  return { cls: testStat === 'q0' ? obs.clsb : obs.cls, clsb: obs.clsb, clb: obs.clb, expected: expectedSet[2], expectedSet, q, qAsimov: NaN, teststat: q, testStat, toys: { sb, b } };
}

/** The asymptotic CLs of `clsAsymptotic` (q̃μ), with the tail probabilities of every point of the expected band. */
export interface ClsResult {
  /** CLs = CLs+b / CLb on the observed data. */
  cls: number;
  /** CLs+b = p_s+b: the tested hypothesis' probability of a statistic at least the observed. */
  clsb: number;
  /** CLb = 1 − p_b: the background-only probability of a statistic at least the observed. */
  clb: number;
  /** q̃μ on the observed data. */
  qmu: number;
  /** q̃μ on the background-only Asimov data (POI at 0). */
  qmuA: number;
  /** Expected band for n_sigma = [2, 1, 0, -1, -2] (pyhf's order: the band's −2σ, −1σ, median, +1σ, +2σ). */
  expected: {
    /** Expected CLs, five values in n_sigma's order. */
    cls: number[];
    /** Expected CLs+b, five values in n_sigma's order. */
    clsb: number[];
    /** Expected CLb, five values in n_sigma's order. */
    clb: number[];
  };
}

/** Asymptotic CLs at `mu` with q̃μ and every tail of the expected band (hypotest with more detail). */
export function clsAsymptotic(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: FitOptions = {}): ClsResult {
  const r = hypotest(mu, data, model, opts);
  const band = tails(N_SIGMA, Math.sqrt(r.qAsimov));
  return {
    cls: r.cls, clsb: r.clsb, clb: r.clb, qmu: r.q, qmuA: r.qAsimov,
    expected: { cls: band.map((b) => b.cls), clsb: band.map((b) => b.clsb), clb: band.map((b) => b.clb) },
  };
}

/** Options of `upperLimit`: a scan grid or the root finding's settings, besides the hypotests' options (testStat, calctype, the fits'). */
export interface UpperLimitOptions extends HypotestOptions {
  /** POI values to scan, interpolating CLs linearly (pyhf's linear_grid_scan); default: root finding. */
  scan?: readonly number[];
  /** CLs level of the limit (default 0.05: 95% CL). */
  level?: number;
  /** Relative tolerance of the root finding (default 1e-4, as pyhf's toms748_scan). */
  rtol?: number;
  /** Initial bracket of the root finding (default: [0, the POI's upper bound]; widened as needed). */
  bracket?: readonly [number, number];
  /** Called after each hypotest of the scan or the root finding, with its POI value and result. */
  onHypotest?: (poi: number, result: HypotestResult) => void;
}

/** Upper limits on the POI (pyhf's `upper_limit`: observed, expected band, and the scan behind them), in POI units. */
export interface UpperLimitResult {
  /** The observed upper limit: the POI value where the observed CLs crosses `level`. */
  observed: number;
  /** Expected limits at n_sigma = [2, 1, 0, -1, -2] in the band's order: -2σ, -1σ, median, +1σ, +2σ of the limit. */
  expected: number[];
  /** The POI values evaluated and their hypotest results (ascending POI). */
  scan: {
    /** The POI values tested, ascending. */
    poi: number[];
    /** The hypotest at each of them. */
    results: HypotestResult[];
  };
}

/** numpy's interp with the grid reversed where CLs falls with μ (pyhf's _interp on [::-1] arrays). */
function interpDescending(level: number, ys: readonly number[], xs: readonly number[]): number {
  const pts = ys.map((y, i) => [y, xs[i]] as const).reverse();
  if (level <= pts[0][0]) return pts[0][1];
  for (let i = 1; i < pts.length; i++) {
    const [y0, x0] = pts[i - 1], [y1, x1] = pts[i];
    if (level <= y1) return y1 === y0 ? x1 : x0 + ((level - y0) * (x1 - x0)) / (y1 - y0);
  }
  return pts[pts.length - 1][1];
}

/**
 * Upper limits on the POI at CLs = `level` (pyhf's `upper_limit`): the observed limit and the
 * expected ±1σ/±2σ band. With `scan`, CLs is interpolated linearly on the grid; without it each
 * limit is a root of CLs(μ) − level found by bisection-safeguarded secant steps (Brent's method)
 * to `rtol`, the bracket widened until it holds every root.
 */
export function upperLimit(data: ArrayOrNumbers, model: HistFactoryModel, opts: UpperLimitOptions = {}): UpperLimitResult {
  const { scan, level = 0.05, rtol = 1e-4, bracket, onHypotest, ...hopts } = opts;
  if (!(level > 0 && level < 1)) throw new Error(`stats.upperLimit: level must be in (0, 1), got ${level}`);
  const cache = new Map<number, HypotestResult>();
  const at = (mu: number): HypotestResult => {
    let r = cache.get(mu);
    if (!r) { r = hypotest(mu, data, model, hopts); cache.set(mu, r); onHypotest?.(mu, r); }
    return r;
  };
  const curves = (r: HypotestResult): number[] => [r.cls, ...r.expectedSet];
  const done = (): UpperLimitResult['scan'] => {
    const poi = [...cache.keys()].sort((a, b) => a - b);
    return { poi, results: poi.map((m) => cache.get(m)!) };
  };
  if (scan) {
    if (scan.length < 2) throw new Error('stats.upperLimit: scan needs at least two POI values');
    const results = scan.map(at);
    const limits = [0, 1, 2, 3, 4, 5].map((k) => interpDescending(level, results.map((r) => curves(r)[k]), scan));
    return { observed: limits[0], expected: limits.slice(1), scan: done() };
  }
  const i = poiIndex(model, 'upperLimit');
  const bound = (opts.bounds ?? model.parameters.bounds)[i][1];
  let [lo, hi] = bracket ?? [0, bound];
  for (let k = 0; k < 60 && curves(at(lo)).some((c) => c < level); k++) lo /= 2;
  hi = bracketAbove((mu) => curves(at(mu)), hi, level, bound, 'upperLimit', CURVES);
  const limits = [0, 1, 2, 3, 4, 5].map((k) => brent((mu) => curves(at(mu))[k] - level, lo, hi, rtol));
  return { observed: limits[0], expected: limits.slice(1), scan: done() };
}

/** The curves of `upperLimit`, in the order of [cls, ...expectedSet]. */
const CURVES = ['observed', 'expected −2σ', 'expected −1σ', 'expected median', 'expected +1σ', 'expected +2σ'];

/**
 * The upper end of a bracket of the limits: `hi` doubled until every curve is at or below `level`.
 * A curve still above it that falls by less than 1% over a doubling past `bound` has levelled off
 * — the signal hardly changes the likelihood, so it has no limit — and stops the widening with an
 * error that names it, instead of hypotests out to μ ≈ 1e19.
 */
export function bracketAbove(curvesAt: (mu: number) => number[], hi: number, level: number, bound: number, who: string, names: readonly string[]): number {
  if (!(hi > 0)) hi = 1;
  let prev = curvesAt(hi);
  for (let k = 0; k < 60; k++) {
    const above = prev.flatMap((c, j) => (c > level ? [j] : []));
    if (!above.length) return hi;
    const next = curvesAt(2 * hi);
    const stalled = above.filter((j) => next[j] > 0.99 * prev[j]);
    if (stalled.length && 2 * hi > bound) {
      const list = (xs: readonly string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : xs[0]);
      const vals = (cs: readonly number[], mu: number) => `${list(stalled.map((j) => fmt(cs[j])))} at μ = ${fmt(mu)}`;
      const one = stalled.length === 1;
      throw new Error(`stats.${who}: the ${list(stalled.map((j) => names[j]))} CLs ${one ? 'stays' : 'stay'} above ${level} (${vals(prev, hi)}; ${vals(next, 2 * hi)}) and no longer ${one ? 'falls' : 'fall'} as μ grows past the POI's upper bound ${fmt(bound)}, so ${one ? 'it has' : 'they have'} no upper limit: the signal hardly changes the likelihood (zero signal yields, or fits that absorb it, e.g. a free normalisation on its bins). Check the signal sample, or use stats.upperLimit with scan: a grid of POI values, for CLs on it (pyhf's linear_grid_scan)`);
    }
    hi *= 2;
    prev = next;
  }
  throw new Error(`stats.${who}: CLs stays above ${level} up to μ = ${fmt(hi)}; the signal may have no effect on the data`);
}

const fmt = (x: number): string => String(Number(x.toPrecision(4)));

/** A root of f in [a, b] (f(a) ≥ 0 ≥ f(b) or the reverse) by Brent's method, to relative tolerance rtol. */
export function brent(f: (x: number) => number, a: number, b: number, rtol: number): number {
  let fa = f(a), fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new Error(`stats.upperLimit: the bracket [${a}, ${b}] does not contain the limit`);
  let c = a, fc = fa, d = b - a, e = d;
  for (let it = 0; it < 200; it++) {
    if (fb * fc > 0) { c = a; fc = fa; d = b - a; e = d; }
    if (Math.abs(fc) < Math.abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
    const tol = 2e-16 * Math.abs(b) + 0.5 * rtol * Math.abs(b) + 1e-12;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number, q: number;
      if (a === c) { p = 2 * m * s; q = 1 - s; } else {
        const qa = fa / fc, r = fb / fc;
        p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) { e = d; d = p / q; } else { d = m; e = d; }
    } else { d = m; e = d; }
    a = b; fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}

/** A profile-likelihood scan (`profileLikelihood`): tμ at each POI value, and the unconditional fit. */
export interface ProfileScan {
  /** The POI values, as given. */
  poi: number[];
  /** tμ = 2(NLL(μ, θ̂̂) − NLL(μ̂, θ̂)) at each POI value. */
  tmu: number[];
  /** The unconditional best fit. */
  bestfit: FitResult;
}

/** Options of `profileLikelihood`: the fits' options and a progress callback. */
export interface ProfileOptions extends FitOptions {
  /** Called after each conditional fit with the number done and the number of POI values. */
  onProgress?: (done: number, total: number) => void;
}

/** The profile-likelihood curve tμ over POI values (one free fit, one conditional fit per value). */
export function profileLikelihood(model: HistFactoryModel, data: ArrayOrNumbers, pois: readonly number[], opts: ProfileOptions = {}): ProfileScan {
  const { onProgress, ...fopts } = opts;
  const best = fit(model, data, fopts);
  const tmu = pois.map((mu, k) => {
    const t = Math.max(0, 2 * (fixedPoiFit(mu, data, model, fopts).nll - best.nll));
    onProgress?.(k + 1, pois.length);
    return t;
  });
  return { poi: [...pois], tmu, bestfit: best };
}
