/**
 * Differentiable inference (the neos workflow): the maximum-likelihood estimate, the median
 * expected and the observed CLs as Arrays that grad, jvp and vmap differentiate with respect to the
 * data and to the nominal yields of the samples (e.g. soft-cut histograms of an optimised
 * analysis), and the expected and observed upper limits with their first derivatives. The fits are
 * `optimize.minimize`, differentiated by the implicit function theorem; the NLL at the optimum by
 * the envelope theorem.
 */
import { Array as ArrayClass, type Array } from '../core/array.js';
import { ConcretizationError } from '../core/errors.js';
import * as np from '../numpy/index.js';
import { minimize } from '../optimize/minimize.js';
import { ndtr } from '../scipy-special/index.js';
import { grad } from '../transforms/grad.js';
import { jit } from '../transforms/jit.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { bracketAbove, brent } from './hypotest.js';
import type { ArrayOrNumbers, HistFactoryModel } from './histfactory.js';
import { HOST } from './infer.js';

/**
 * Data as a float64 Array on the CPU, as the fits run there (JS numbers would otherwise be made on
 * the default device, which may hold no float64).
 */
const asData = (data: ArrayOrNumbers): Array => (data instanceof ArrayClass ? data.astype('float64') : np.array(data as number[], HOST));

/** Options of `mle`, the differentiable maximum-likelihood fit. */
export interface MleOptions {
  /** Nominal yields [samples, main bins] replacing the spec's (differentiable). */
  nominal?: Array;
  /**
   * Parameters held at a value, by flat or set name (besides the model's fixed ones). A value may
   * be a scalar Array: the fit is then differentiable in it too (dθ̂ / dμ of a conditional fit).
   */
  fixed?: Record<string, number | Array>;
  /** Starting point of the free parameters' fit (default: the model's init). */
  init?: readonly number[];
}

/**
 * Free indices, the constant vector holding the model's fixed parameters' values (zeros
 * elsewhere), and the indices each name of `held` holds (a parameter or every one of a set).
 */
function layout(model: HistFactoryModel, held: readonly string[]): { free: number[]; base: number[]; groups: number[][] } {
  const P = model.parameters;
  const base = P.names.map(() => 0);
  const isFixed = [...P.fixed];
  P.init.forEach((v, i) => { if (isFixed[i]) base[i] = v; });
  const groups = held.map((name) => {
    const i = P.names.indexOf(name);
    const set = P.sets.find((s) => s.name === name);
    const idx = i >= 0 ? [i] : set ? globalThis.Array.from({ length: set.size }, (_, k) => set.offset + k) : null;
    if (!idx) throw new Error(`stats.mle: unknown parameter '${name}' (parameters: ${P.names.join(', ')})`);
    for (const j of idx) { isFixed[j] = true; base[j] = 0; }
    return idx;
  });
  return { free: P.names.map((_, i) => i).filter((i) => !isFixed[i]), base, groups };
}

/** The fit's parameters, whether it converged and its iterations (bool and int32 scalars, no derivatives). */
type Fitter = (d: Array, nom: Array, z0: Array, vals: Array[], held: readonly string[]) => [Array, Array, Array];
/**
 * Per model, the fit as one jitted function of (data, nominal, start, held values), traced once per
 * set of held names and data shape: the Newton loop then runs compiled instead of dispatching its
 * ops one by one (tens of times faster), and inside grad, vmap or jit its Jaxpr is inlined.
 */
const fitters = new WeakMap<HistFactoryModel, Fitter>();

function fitterOf(model: HistFactoryModel): Fitter {
  let fitter = fitters.get(model);
  if (fitter) return fitter;
  const P = model.parameters;
  const f64 = (v: number[] | number[][]) => np.array(v, HOST);
  fitter = jit((d: Array, nom: Array, z0: Array, vals: Array[], held: readonly string[]): [Array, Array, Array] => {
    const { free, base, groups } = layout(model, held);
    // x = E z + c + Σ_k m_k v_k: the free parameters z placed among the fixed values (linear in z and v).
    const E = f64(P.names.map((_, i) => free.map((j) => (i === j ? 1 : 0))));
    const masks = groups.map((idx) => f64(P.names.map((_, i) => (idx.includes(i) ? 1 : 0))));
    const full = (z: Array, vs: Array[]): Array => vs.reduce((x, v, k) => np.add(x, np.multiply(masks[k], v)),
      np.add(free.length ? np.matmul(E, z) : np.zeros([P.names.length], HOST), f64(base)));
    if (!free.length) return [full(z0, vals), np.array(true, { device: 'cpu' }), np.array(0, { dtype: 'int32', device: 'cpu' })];
    const f = (z: Array, dd: Array, nn: Array, ...vs: Array[]) => model.nll(full(z, vs), dd, { nominal: nn });
    const r = minimize(f, z0, { args: [d, nom, ...vals] });
    return [full(r.x, vals), r.converged, r.iterations];
  }, { staticArgnums: [4] }) as Fitter;
  fitters.set(model, fitter);
  return fitter;
}

/**
 * The maximum-likelihood parameters for `data` (main bins, or main bins + auxdata), differentiable
 * with respect to `data`, `opts.nominal` and Array values of `opts.fixed` (the implicit function
 * theorem through `optimize.minimize`). Unlike `stats.fit` the fit is unbounded (Newton on the free
 * parameters), so use it where the optimum is inside the bounds, and on a smooth likelihood: the
 * kinks of interpolation codes 0 and 1 at α = 0 can stop it there (stats.fit handles them). Where
 * its result can be read (not under jit or vmap), a fit that stops short of a minimum throws.
 */
export function mle(model: HistFactoryModel, data: ArrayOrNumbers, opts: MleOptions = {}): Array {
  return fitFor('mle', model, data, opts);
}

/**
 * `mle` for the function `who`: where its result can be read (not under jit or vmap), a fit that
 * did not converge is an error naming `who`, not parameters silently short of the optimum.
 */
function fitFor(who: string, model: HistFactoryModel, data: ArrayOrNumbers, opts: MleOptions = {}): Array {
  const held = Object.keys(opts.fixed ?? {});
  const { free } = layout(model, held);
  const d = asData(data);
  const nom = opts.nominal ?? np.array(model.nominal, HOST);
  const init = opts.init ?? model.parameters.init;
  const vals = held.map((name) => asData(opts.fixed![name] as ArrayOrNumbers));
  const [x, converged, iterations] = fitterOf(model)(d, nom, np.array(free.map((i) => init[i]), HOST), vals, held);
  const ok = valuesOf<boolean | number>(converged);
  if (ok !== null && !ok) {
    const what = held.length ? `the fit with ${held.join(', ')} held` : 'the fit';
    const out = outOfBounds(model, valuesOf(x) ?? [], model.parameters.poiIndex);
    const where = out.length ? `, with ${out.join(', ')} outside its bounds (the differentiable fits are unbounded)` : '';
    throw new Error(`stats.${who}: ${what} did not converge (Newton's method stopped after ${valuesOf(iterations)} iterations short of a minimum${where}). The differentiable fits need a smooth likelihood with its minimum inside the bounds: interpolation codes 0 and 1 have a kink at α = 0 that can stop them (use codes 4/4p, or stats.fit, stats.hypotest and stats.upperLimit for the values)`);
  }
  return x;
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
  const pars0 = np.array(P.init.map((v, i) => (i === P.poiIndex ? 0 : v)), HOST);
  const yields = opts.nominal ? { nominal: opts.nominal } : {};
  const asimov = model.expectedFull(pars0, yields);
  const cond = fitFor('expectedCls', model, asimov, { nominal: opts.nominal, fixed: { [P.names[P.poiIndex]]: mu } });
  const qA = np.maximum(np.multiply(np.subtract(model.nll(cond, asimov, yields), model.nll(pars0, asimov, yields)), 2), 0);
  return np.multiply(ndtr(np.negative(np.sqrt(qA))), 2);
}

/** Options of `expectedUpperLimit` (and, through ObservedLimitOptions, of `observedUpperLimit`). */
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

function poiOf(model: HistFactoryModel, who: string): number {
  const i = model.parameters.poiIndex;
  if (i < 0) throw new Error(`stats.${who}: the model has no parameter of interest`);
  return i;
}

/**
 * The root μ* of cls(μ) = level by Brent's method on values: the bracket [lo, hi] (default
 * [0, `upper`]) has hi doubled until cls(hi) ≤ level, and lo set to 0 if cls(lo) < level.
 */
function limitRoot(clsAtValue: (mu: number) => number, upper: number, opts: ExpectedLimitOptions, who: string, what: string): number {
  const clsAt = (mu: number): number => {
    try {
      return clsAtValue(mu);
    } catch (e) {
      if (!(e instanceof ConcretizationError)) throw e;
      throw new ConcretizationError(`stats.${who}: the limit is found by root finding on values, so it cannot run under jit or vmap (its inputs are abstract there); call it outside jit — grad, jvp and vjp of it work, by the implicit function theorem. (${e.message})`);
    }
  };
  const level = opts.level ?? 0.05;
  if (!(level > 0 && level < 1)) throw new Error(`stats.${who}: level must be in (0, 1), got ${level}`);
  let [lo, hi] = opts.bracket ?? [0, upper];
  hi = bracketAbove((mu) => [clsAt(mu)], hi, level, upper, who, [what]);
  if (lo > 0 && clsAt(lo) < level) lo = 0;
  return brent((mu) => clsAt(mu) - level, lo, hi, opts.rtol ?? 1e-10);
}

/**
 * μ* + (g − sg(g)) / (−∂g/∂μ): the value is the root μ* of g(μ, y) = level, its derivative the
 * implicit one, dμ* / dy = −(∂g/∂y) / (∂g/∂μ), with g evaluated at μ* carrying the y-derivatives.
 */
function implicitRoot(muStar: number, g: Array, dgDmu: number): Array {
  return np.add(muStar, np.divide(np.subtract(g, stopGradient(g)), -dgDmu));
}

/**
 * The median expected upper limit on the POI: the root μ* of expectedCls(μ) = level, found by
 * Brent's method, and differentiable in the nominal yields by the implicit function theorem,
 * dμ* / dy = −(∂CLs/∂y) / (∂CLs/∂μ) with ∂CLs/∂μ from the envelope theorem. First derivatives
 * (grad, jvp, vjp); the root is found on values, so not under jit.
 */
export function expectedUpperLimit(model: HistFactoryModel, opts: ExpectedLimitOptions = {}): Array {
  const P = model.parameters;
  const i = poiOf(model, 'expectedUpperLimit');
  const nom = opts.nominal ?? np.array(model.nominal, HOST);
  const fixedNom = stopGradient(nom);
  const clsAt = (mu: number): number => expectedCls(model, mu, { nominal: fixedNom }).item();
  const muStar = limitRoot(clsAt, P.bounds[i][1], opts, 'expectedUpperLimit', 'expected');
  // ∂CLs/∂μ at the root: CLs = 2Φ(−√q_A), ∂q_A/∂μ = 2 ∂NLL/∂μ at the conditional fit (envelope).
  const pars0 = np.array(P.init.map((v, k) => (k === i ? 0 : v)), HOST);
  const asimov = model.expectedFull(pars0, { nominal: fixedNom });
  const cond = fitFor('expectedUpperLimit', model, asimov, { nominal: fixedNom, fixed: { [P.names[i]]: muStar } });
  const dNll = (grad((p: Array) => model.nll(p, asimov, { nominal: fixedNom }))(cond).js() as number[])[i];
  const qA = 2 * (model.nll(cond, asimov, { nominal: fixedNom }).item() - model.nll(pars0, asimov, { nominal: fixedNom }).item());
  const dClsDmu = -2 * (Math.exp(-qA / 2) / Math.sqrt(2 * Math.PI)) * (2 * dNll) / (2 * Math.sqrt(qA));
  return implicitRoot(muStar, expectedCls(model, muStar, { nominal: nom }), dClsDmu);
}

/** The observed CLs's test statistic: q̃μ (default; the POI's lower bound must be 0) or qμ. */
export type ObservedTestStat = 'qtilde' | 'q';

/** Options of `observedCls`. */
export interface ObservedClsOptions {
  /** Nominal yields [samples, main bins] replacing the spec's (differentiable). */
  nominal?: Array;
  /** 'qtilde' (default) or 'q', as hypotest's testStat. */
  testStat?: ObservedTestStat;
}

/**
 * The fits of the observed data that do not depend on the tested μ: the unconditional one (its POI
 * unbounded) and the one with the POI at its lower bound, which replaces it where μ̂ falls below
 * that bound (q̃; null where the POI has no finite lower bound). Both are held (no derivatives):
 * the NLL at an optimum is differentiated at fixed parameters (envelope theorem).
 */
interface HeldFits { free: Array; low: Array | null; lo: number }

function heldFits(model: HistFactoryModel, d: Array, nom: Array | undefined, testStat: ObservedTestStat, who: string): HeldFits {
  const i = poiOf(model, who);
  const P = model.parameters;
  const lo = P.bounds[i][0];
  if (testStat !== 'qtilde' && testStat !== 'q') throw new Error(`stats.${who}: testStat must be 'qtilde' or 'q', got '${String(testStat)}'`);
  if (testStat === 'qtilde' && lo !== 0) throw new Error(`stats.${who}: q̃ needs the POI's lower bound at 0, got ${lo}; use testStat 'q'`);
  const [dS, nS] = [stopGradient(d), nom && stopGradient(nom)];
  const free = stopGradient(fitFor(who, model, dS, { nominal: nS }));
  const low = Number.isFinite(lo) ? stopGradient(fitFor(who, model, dS, { nominal: nS, fixed: { [P.names[i]]: lo } })) : null;
  // Below the bound the unconditional fit is replaced (and its nuisance parameters do not matter).
  if (!(low && (valuesOf(free)?.[i] ?? lo) < lo)) checkInBounds(model, free, who, 'unconditional');
  if (low) checkInBounds(model, low, who, `conditional (${P.names[i]} = ${lo})`);
  return { free, low, lo };
}

/**
 * The background-only fit of the observed data (POI at 0), whose expected data are the Asimov
 * data: it carries the derivatives of the implicit function theorem, as the Asimov data move
 * with the data and the nominal yields through it.
 */
function backgroundFit(model: HistFactoryModel, d: Array, nom: Array | undefined, who: string): Array {
  const bkg = fitFor(who, model, d, { nominal: nom, fixed: { [model.parameters.names[model.parameters.poiIndex]]: 0 } });
  checkInBounds(model, stopGradient(bkg), who, 'background-only');
  return bkg;
}

/** `pars` with the POI set to `mu`: an Array's tangent reaches the NLL as ∂/∂μ at fixed θ. */
function atPoi(pars: Array, i: number, mu: Array | number): Array {
  return np.where(np.array(globalThis.Array.from({ length: pars.shape[0] }, (_, k) => k === i), { device: 'cpu' }), mu, pars);
}

/** √x for x ≥ 0 with the derivative 0 (not ∞ · 0 = NaN) where x = 0. */
function safeSqrt(x: Array): Array {
  const pos = np.greater(x, 0);
  return np.where(pos, np.sqrt(np.where(pos, x, 1)), 0);
}

/** The values of `a` where they can be read: eagerly and under grad or jvp, not under vmap or jit. */
function valuesOf<T = number[]>(a: Array): T | null {
  try { return a.js() as T; } catch (e) { if (e instanceof ConcretizationError) return null; throw e; }
}

/** The parameters of `x` but `skip` outside their bounds, as "name = value (bounds [lo, hi])". */
function outOfBounds(model: HistFactoryModel, x: readonly number[], skip: number): string[] {
  const P = model.parameters;
  return x.flatMap((v, i) => (i !== skip && !(v >= P.bounds[i][0] && v <= P.bounds[i][1]) ? [`${P.names[i]} = ${v.toPrecision(4)} (bounds [${P.bounds[i].join(', ')}])`] : []));
}

/**
 * The differentiable fits are unbounded: where their values can be read (eagerly and under grad or
 * jvp, not under vmap or jit), a nuisance parameter outside its bounds — where stats.fit would
 * hold it at the bound — is an error rather than a CLs silently different from hypotest's.
 */
function checkInBounds(model: HistFactoryModel, pars: Array, who: string, what: string): void {
  const x = valuesOf(pars);
  if (!x) return;
  const out = outOfBounds(model, x, model.parameters.poiIndex);
  if (out.length) throw new Error(`stats.${who}: the ${what} fit puts ${out.join(', ')} outside its bounds; the differentiable fits are unbounded (as stats.mle), so they need optima inside the bounds — stats.hypotest and stats.upperLimit give the values with bounded fits`);
}

/**
 * The observed CLs at the tested POI value `mu` (fits at that value) with the POI of the NLL set to
 * `muT` (the same value; an Array to differentiate in μ), as hypotest's asymptotic formulas:
 * q = 2(NLL(μ, θ̂̂) − NLL(μ̂, θ̂)) clipped at 0 and 0 where μ̂ > μ, μ̂ clamped to the POI's lower
 * bound; q_A the same on the Asimov data of the background-only fit (whose unconditional fit is
 * that fit itself); t = √q − √q_A, or (q − q_A)/(2√q_A) for q̃ where √q > √q_A > 0;
 * CLs = Φ(−(t + √q_A)) / Φ(−t).
 */
function observedClsAt(model: HistFactoryModel, d: Array, mu: number, muT: Array | number, nom: Array | undefined, testStat: ObservedTestStat, held: HeldFits, bkg: Array, who: string): Array {
  const i = model.parameters.poiIndex;
  const fixed = { [model.parameters.names[i]]: mu };
  const y = nom ? { nominal: nom } : {};
  const nS = nom && stopGradient(nom);
  const nll = (p: Array, data: Array) => model.nll(p, data, y);
  const twice = (a: Array, b: Array) => np.maximum(np.multiply(np.subtract(a, b), 2), 0);
  const muhat = held.free.slice(i);
  let nllFree = nll(held.free, d);
  if (held.low) nllFree = np.where(np.less(muhat, held.lo), nll(held.low, d), nllFree);
  // At μ on the lower bound (on 0 for the Asimov data) the conditional fit is the one already
  // done: q (q_A) is then exactly 0 where μ̂ is below the bound, not the fits' round-off.
  const cond = mu === held.lo && held.low ? held.low : stopGradient(fitFor(who, model, stopGradient(d), { nominal: nS, fixed }));
  checkInBounds(model, cond, who, 'conditional');
  const q = np.where(np.greater(muhat, mu), 0, twice(nll(atPoi(cond, i, muT), d), nllFree));
  const asimov = model.expectedFull(bkg, y);
  const condA = mu === 0 ? stopGradient(bkg) : stopGradient(fitFor(who, model, stopGradient(asimov), { nominal: nS, fixed }));
  checkInBounds(model, condA, who, 'conditional Asimov');
  const qA = twice(nll(atPoi(condA, i, muT), asimov), nll(stopGradient(bkg), asimov));
  const sq = safeSqrt(q), sqA = safeSqrt(qA);
  let t = np.subtract(sq, sqA);
  if (testStat === 'qtilde') {
    const far = np.logicalAnd(np.greater(sq, sqA), np.greater(sqA, 0));
    t = np.where(far, np.divide(np.subtract(q, qA), np.multiply(np.where(far, sqA, 1), 2)), t);
  }
  return np.divide(ndtr(np.negative(np.add(t, sqA))), ndtr(np.negative(t)));
}



/**
 * The observed CLs at POI value `mu` (asymptotic; equals `hypotest(mu, data, model, { testStat }).cls`):
 * the statistic q̃μ (or qμ) of `data` from the unconditional and the conditional fit, q_A from the
 * Asimov data of the background-only fit of `data`, CLs = CLs+b / CLb. A probability (no unit).
 *
 * Differentiable (grad, jvp, vjp, and under vmap and jit) with respect to `data` (main bins, or
 * main bins + auxdata) and `opts.nominal` ([samples, main bins]); `mu` is a number. The NLL values
 * at the fits' optima are differentiated at fixed parameters (envelope theorem); the Asimov data
 * through the background-only fit's parameters (implicit function theorem). Where μ̂ > μ, q = 0
 * and its derivative is 0 (CLs = 0.5 / Φ(√q_A) then still moves with q_A). The fits are
 * unbounded Newton fits (as `mle`) except for the POI's lower bound, so the nuisance parameters'
 * optima must be inside their bounds: where the values can be read (not under vmap or jit) a fit
 * outside them throws.
 */
export function observedCls(model: HistFactoryModel, data: ArrayOrNumbers, mu: number, opts: ObservedClsOptions = {}): Array {
  const testStat = opts.testStat ?? 'qtilde';
  const d = asData(data);
  const held = heldFits(model, d, opts.nominal, testStat, 'observedCls');
  return observedClsAt(model, d, mu, mu, opts.nominal, testStat, held, backgroundFit(model, d, opts.nominal, 'observedCls'), 'observedCls');
}

/** Options of `observedUpperLimit`: the expected limit's options and the test statistic. */
export interface ObservedLimitOptions extends ExpectedLimitOptions {
  /** 'qtilde' (default) or 'q', as hypotest's testStat. */
  testStat?: ObservedTestStat;
}

/**
 * The observed upper limit on the POI (in POI units, e.g. signal strength): the root μ* of
 * observedCls(μ) = level (default 0.05: 95% CL), found by Brent's method on values to `rtol`
 * (default 1e-10) in `bracket` (default [0, the POI's upper bound], widened as needed); equals
 * `upperLimit(data, model).observed` at the same tolerance. Its first derivatives (grad, jvp, vjp)
 * with respect to `data` and `opts.nominal` come from the implicit function theorem at the root,
 * dμ* / dy = −(∂CLs/∂y) / (∂CLs/∂μ), with ∂CLs/∂μ at fixed fitted parameters (envelope theorem).
 * The root is found on values, so not under jit or vmap.
 */
export function observedUpperLimit(model: HistFactoryModel, data: ArrayOrNumbers, opts: ObservedLimitOptions = {}): Array {
  const who = 'observedUpperLimit';
  const testStat = opts.testStat ?? 'qtilde';
  const i = poiOf(model, who);
  const d = asData(data);
  const nom = opts.nominal;
  const [dS, nS] = [stopGradient(d), nom && stopGradient(nom)];
  const held = heldFits(model, d, nom, testStat, who);
  const bkgS = stopGradient(backgroundFit(model, dS, nS, who));
  const at = (mu: number, muT: Array | number) => observedClsAt(model, dS, mu, muT, nS, testStat, held, bkgS, who);
  const muStar = limitRoot((mu) => at(mu, mu).item(), model.parameters.bounds[i][1], opts, who, 'observed');
  const slope = (grad((m: Array) => at(muStar, m))(np.array(muStar, HOST)) as Array).item();
  return implicitRoot(muStar, observedClsAt(model, d, muStar, muStar, nom, testStat, held, backgroundFit(model, d, nom, who), who), slope);
}
