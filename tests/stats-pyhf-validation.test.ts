/**
 * stats.hypotest against pyhf's own published validation numbers: every case of pyhf's
 * tests/test_validation.py that our HistFactory supports (CLs observed and the expected set, at
 * the tolerance pyhf's test uses), test_shapesys_nuisparfilter_validation's workspace, the README's
 * examples, the upper-limit docstring's grid scan, and pyhf's hand-written interpolation tables
 * (tests/test_interpolate.py). The specs are built from the bin contents pyhf ships
 * (tests/fixtures/pyhf/validation/data/, copied from pyhf's validation/data and docs/examples/json)
 * as test_validation.py builds them; tests/fixtures/pyhf/validation/generate.py writes
 * validation.json with each case's spec, the published numbers, and pyhf's own results here
 * (scikit-hep/pyhf b3dc4bb2, numpy backend, float64): with its default SLSQP fits
 * (`pyhf_default`, which reproduce the published numbers) and with a tight tolerance
 * (`pyhf_tight`, scipy_optimizer(tolerance=1e-14)).
 *
 * pyhf's default fits stop early (SLSQP's default tolerance), and several published numbers lie
 * further from the converged value than the tolerance the test allows (up to 3.3e-4 relative, on
 * 1bin_shapesys_q0's expected-set entry at n_sigma = 2). Where they do, that entry is compared with
 * the converged value pyhf computes here with a tight tolerance (`pyhf_tight`) at pyhf's tolerance,
 * and with the published value within 5e-4. Our Newton fits agree with pyhf's converged values
 * within 3e-7 relative on every case. The cases where this happens are listed in TIGHT_FALLBACK
 * below, and the test checks that the list is exact.
 *
 * Not covered: test_import_roundtrip (HistFactory XML: stats has no XML reader).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { np, random, stats } from '../lib/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'pyhf', 'validation', 'validation.json'), 'utf8')) as Fixture;

/** Published numbers (null: an entry pyhf does not publish). */
interface Cls { obs: number; exp: (number | null)[] }
/** pyhf's results here. */
interface Res { obs: number; exp: number[] }
type Tolerance = number | { atol: number; rtol: number };
interface Case {
  name: string;
  spec?: stats.HistFactorySpec;
  workspace?: stats.WorkspaceSpec;
  data?: number[];
  mu: number;
  test_stat: stats.TestStat;
  tolerance: Tolerance | null;
  settings: stats.ModifierSettings;
  calctype?: 'toybased';
  ntoys?: number;
  published: Cls | null;
  pyhf_default: Res;
  pyhf_tight?: Res;
  auxdata: number[];
  par_names: string[];
}
interface Fixture {
  meta: { pyhf_commit: string };
  cases: Case[];
  upperLimit: { scan: number[]; data: number[]; published: Cls; tolerance: Tolerance; pyhf_tight: Res };
  interpolation: { code: stats.InterpCode; histoset: [number, number, number]; alphas: number[]; expected: number[]; kind: string }[];
}

const byName = (n: string): Case => {
  const c = fixture.cases.find((x) => x.name === n);
  if (!c) throw new Error(`no case ${n}`);
  return c;
};

/** pyhf's comparisons: a relative tolerance (test_validation.py) or np.isclose/np.allclose's atol + rtol·|want|. */
const allowed = (tol: Tolerance, want: number): number => (typeof tol === 'number' ? tol * Math.abs(want) : tol.atol + tol.rtol * Math.abs(want));
const within = (got: number, want: number, tol: Tolerance): boolean => Math.abs(got - want) <= allowed(tol, want);

/**
 * The cases and entries ('obs', 'exp0'..'exp4') whose published number is further than pyhf's
 * tolerance from pyhf's converged (tight) value: those are compared with the converged value.
 */
const TIGHT_FALLBACK: Record<string, string[]> = {
  // ROOT-derived references recorded by pyhf with its early-stopping SLSQP fits:
  '1bin_shapesys_mu1': ['obs', 'exp0', 'exp1', 'exp2', 'exp3', 'exp4'],
  '1bin_shapesys_q0_mu1': ['exp0'],
  '1bin_lumi_mu1': ['obs', 'exp0', 'exp1', 'exp2', 'exp3', 'exp4'],
  '1bin_normsys_mu1': ['exp0', 'exp1', 'exp2', 'exp3', 'exp4'],
  '2bin_2channel_mu1': ['obs', 'exp0', 'exp1', 'exp2', 'exp3', 'exp4'],
  '2bin_2channel_couplednorm_mu1': ['obs', 'exp0', 'exp1', 'exp2', 'exp3', 'exp4'],
  '2bin_2channel_coupledhistosys_mu1': ['exp0', 'exp1', 'exp2', 'exp3', 'exp4'],
  // The README's numbers are printed from pyhf's default fits (np.isclose: rtol 1e-5, atol 1e-8).
  readme_2bin_uncorrelated_background: ['obs', 'exp0', 'exp1', 'exp2', 'exp3'],
  // The upper_limit docstring's grid-scan limits (np.isclose), from the same default fits.
  upper_limit: ['exp1', 'exp3'],
};
const LOOSE_PUBLISHED = 5e-4;

function fallbackEntries(c: { published: Cls; pyhf_tight: Res }, tol: Tolerance): string[] {
  const out: string[] = [];
  if (!within(c.pyhf_tight.obs, c.published.obs, tol)) out.push('obs');
  c.published.exp.forEach((v, i) => { if (v !== null && !within(c.pyhf_tight.exp[i], v, tol)) out.push(`exp${i}`); });
  return out;
}

/** Compares with the published value at pyhf's tolerance, or (TIGHT_FALLBACK) with pyhf's converged one. */
function compare(name: string, got: { obs: number; exp: number[] }, c: { published: Cls | null; pyhf_tight: Res; tolerance: Tolerance | null }): void {
  const tol = c.tolerance ?? 1e-6;
  const fallback = TIGHT_FALLBACK[name] ?? [];
  const check = (key: string, g: number, pub: number | null, tight: number) => {
    if (pub === null || fallback.includes(key)) {
      expect(within(g, tight, tol), `${name} ${key}: ${g} vs pyhf converged ${tight} (tolerance ${JSON.stringify(tol)})`).toBe(true);
      if (pub !== null) expect(Math.abs(g - pub), `${name} ${key}: ${g} vs published ${pub}`).toBeLessThanOrEqual(LOOSE_PUBLISHED * Math.abs(pub));
    } else {
      expect(within(g, pub, tol), `${name} ${key}: ${g} vs published ${pub} (tolerance ${JSON.stringify(tol)})`).toBe(true);
    }
  };
  check('obs', got.obs, c.published?.obs ?? null, c.pyhf_tight.obs);
  got.exp.forEach((g, i) => check(`exp${i}`, g, c.published?.exp[i] ?? null, c.pyhf_tight.exp[i]));
}

function modelAndData(c: Case): { model: stats.HistFactoryModel; data: number[] } {
  if (c.workspace) {
    const ws = stats.workspace(c.workspace);
    const model = ws.model({ modifierSettings: c.settings });
    return { model, data: ws.data(model) as number[] };
  }
  const model = stats.histfactory({ ...c.spec!, modifierSettings: c.settings });
  return { model, data: [...c.data!, ...model.auxdata] };
}

function run(c: Case, extra: stats.HypotestOptions = {}): { obs: number; exp: number[] } {
  const { model, data } = modelAndData(c);
  expect(model.parameters.names).toEqual(c.par_names);
  expect(model.auxdata).toEqual(c.auxdata);
  const r = stats.hypotest(c.mu, data, model, { testStat: c.test_stat, ...extra });
  return { obs: r.cls, exp: r.expectedSet };
}

describe(`pyhf validation (scikit-hep/pyhf ${fixture.meta.pyhf_commit.slice(0, 8)})`, () => {
  it('the fixture: pyhf\'s default fits reproduce the published numbers; TIGHT_FALLBACK lists exactly the entries whose published number is off the converged one', () => {
    for (const c of fixture.cases) {
      if (!c.published || c.calctype === 'toybased') continue;
      // The q0 case's published numbers differ from pyhf's own default fit at up to 2.6e-4 (its tolerance is 3e-4).
      expect(fallbackEntries({ published: c.published, pyhf_tight: c.pyhf_default }, c.tolerance!), `${c.name}: pyhf default vs published`).toEqual([]);
      expect(fallbackEntries({ published: c.published, pyhf_tight: c.pyhf_tight! }, c.tolerance!), c.name).toEqual(TIGHT_FALLBACK[c.name] ?? []);
    }
    const ul = fixture.upperLimit;
    expect(fallbackEntries(ul, ul.tolerance)).toEqual(TIGHT_FALLBACK.upper_limit);
  });

  // pyhf tests/test_validation.py::test_validation (normsys code1, histosys code0, test statistic q or q0).
  for (const name of ['1bin_shapesys_mu1', '1bin_shapesys_q0_mu1', '1bin_lumi_mu1', '1bin_normsys_mu1', '2bin_histosys_mu1', '2bin_2channel_mu1', '2bin_2channel_couplednorm_mu1']) {
    it(`test_validation[${name}]`, () => {
      const c = byName(name);
      compare(name, run(c), { published: c.published, pyhf_tight: c.pyhf_tight!, tolerance: c.tolerance });
    });
  }

  it('test_validation[2bin_2channel_coupledhistosys_mu1]: the likelihood has two minima (code0 kink at α = 0); started just above the kink our fits find pyhf\'s', () => {
    const c = byName('2bin_2channel_coupledhistosys_mu1');
    // bkg2's second signal bin (nominal 120, up 55, down 45) peaks at α = 0 under code 0, so the NLL
    // has a local minimum on each side of the kink, both in the free fit (α ≈ −0.19, NLL 15.1426;
    // α ≈ +0.313, NLL 14.6437) and at μ = 1 (α ≈ −0.359, NLL 15.4359; α ≈ +0.481, NLL 15.6876).
    // pyhf (and ROOT, whose numbers pyhf publishes) take the α > 0 branch in both; our Newton
    // steps from the init α = 0 take the gradient of the α < 0 branch and end at the other local
    // minima: CLs 0.256 instead of 0.0797. Neither is wrong as a local fit; from an init just
    // above the kink our fits land where pyhf's do and agree at pyhf's tolerance.
    const { model, data } = modelAndData(c);
    const at0 = stats.hypotest(c.mu, data, model, { testStat: 'q' });
    expect(at0.cls).toBeGreaterThan(0.25);
    const free = stats.fit(model, data, { init: [1e-3, 1] });
    expect(free.bestfit[0]).toBeCloseTo(0.3127, 3);
    expect(2 * free.nll).toBeCloseTo(29.2874096, 6); // pyhf's twice-NLL of its free fit (tight)
    const got = run(c, { init: [1e-3, 1] });
    compare(c.name, got, { published: c.published, pyhf_tight: c.pyhf_tight!, tolerance: c.tolerance });
  });

  // A shapefactor shared by two channels: one parameter per bin, shared by both channels' bins of
  // the same index (pyhf's parameters mu, coupled_shapefactor[0], coupled_shapefactor[1]).
  it('test_validation[2bin_2channel_coupledshapefactor_mu1]', () => {
    const c = byName('2bin_2channel_coupledshapefactor_mu1');
    compare(c.name, run(c), { published: c.published, pyhf_tight: c.pyhf_tight!, tolerance: c.tolerance });
    const { model } = modelAndData(c);
    expect(model.parameters.names).toEqual(['mu', 'coupled_shapefactor[0]', 'coupled_shapefactor[1]']);
    // pyhf at [1, 1.1, 0.9]: [110, 90, 130, 83] (control channel first)
    expect((model.expectedData([1, 1.1, 0.9]).js() as number[]).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([110, 90, 130, 83]);
  });

  it('test_validation[1bin_shapesys_q0_mu1_toys]: toy-based p0 within the Monte-Carlo error of pyhf\'s (2000 toys each)', () => {
    const c = byName('1bin_shapesys_q0_mu1_toys');
    // pyhf's numbers come from numpy's generator (seed 0); ours from random.key: the same
    // distributions, different draws. Two independent estimates of p from n toys each differ by a
    // binomial error √(2p(1−p)/n): 4σ for the observed p0 and the median expected one. The
    // band's outer entries are percentiles of discrete toy p-values that move by more than that
    // between seeds (pyhf's +1σ entry 0.1365 is 0.087…0.119 with our keys 0…2): 0.1 there.
    const n = c.ntoys!;
    const { model, data } = modelAndData(c);
    const r = stats.hypotest(c.mu, data, model, { testStat: 'q0', calctype: 'toybased', nToys: n, key: random.key(0) });
    const sigma = (p: number) => Math.sqrt((2 * Math.max(p, 1 / n) * (1 - p)) / n);
    const pub = c.published!;
    expect(Math.abs(r.cls - pub.obs)).toBeLessThanOrEqual(4 * sigma(pub.obs));
    expect(Math.abs(r.expectedSet[2] - pub.exp[2]!)).toBeLessThanOrEqual(4 * sigma(pub.exp[2]!));
    r.expectedSet.forEach((v, i) => expect(Math.abs(v - pub.exp[i]!), `exp${i}`).toBeLessThanOrEqual(0.1));
    // The asymptotic p0 (pyhf's published 0.003937) lies within the toys' error too.
    expect(Math.abs(r.cls - byName('1bin_shapesys_q0_mu1').published!.obs)).toBeLessThanOrEqual(4 * Math.sqrt((pub.obs * (1 - pub.obs)) / n));
  }, 60_000);

  it('test_shapesys_nuisparfilter_validation: a workspace (ROOT reference; np.allclose atol 1e-4, rtol 1e-5)', () => {
    const c = byName('shapesys_nuisparfilter');
    compare(c.name, run(c), { published: c.published, pyhf_tight: c.pyhf_tight!, tolerance: c.tolerance });
  });
});

describe('pyhf documentation examples', () => {
  it('README: uncorrelated_background(signal=[12, 11], bkg=[50, 52], bkg_uncertainty=[3, 7]), data [51, 48], μ = 1, q̃ (also pyhf.infer.hypotest\'s docstring)', () => {
    const c = byName('readme_2bin_uncorrelated_background');
    compare(c.name, run(c), { published: c.published, pyhf_tight: c.pyhf_tight!, tolerance: c.tolerance });
  });

  it('README: docs/examples/json/2-bin_1-channel.json as a workspace ("Observed: 0.35998409, Expected: 0.35998409")', () => {
    const c = byName('readme_2bin_1channel_workspace');
    compare(c.name, run(c), { published: c.published, pyhf_tight: c.pyhf_tight!, tolerance: c.tolerance });
  });

  it('the hello-world model uncorrelated_background([5, 10], [50, 60], [5, 12]) with data [51, 48], μ = 1 (pyhf computed here)', () => {
    const c = byName('hello_world');
    compare(c.name, run(c), { published: null, pyhf_tight: c.pyhf_tight!, tolerance: 1e-6 });
  });

  it('validation/data/2bin_statex.json: a staterror shared by two backgrounds (pyhf computed here)', () => {
    const c = byName('2bin_statex');
    compare(c.name, run(c), { published: null, pyhf_tight: c.pyhf_tight!, tolerance: 1e-6 });
  });

  it('upper_limit docstring: the linear grid scan np.linspace(0, 5, 21), observed and expected limits (np.isclose)', () => {
    const ul = fixture.upperLimit;
    const model = stats.histfactory(byName('readme_2bin_uncorrelated_background').spec!);
    const r = stats.upperLimit(ul.data, model, { scan: ul.scan });
    compare('upper_limit', { obs: r.observed, exp: r.expected }, { published: ul.published, pyhf_tight: ul.pyhf_tight, tolerance: ul.tolerance });
  });
});

describe('pyhf tests/test_interpolate.py tables', () => {
  // tests/fixtures/pyhf/interpolation.json (stats-histfactory.test.ts) already holds pyhf's codes
  // 0, 1, 2, 4 and 4p on a grid of α; these are pyhf's hand-written tables, on other templates.
  for (const t of fixture.interpolation) {
    it(`code ${t.code}: [${t.histoset}] at α = ${t.alphas.join(', ')}`, () => {
      const [lo, nom, hi] = t.histoset;
      const n = t.alphas.length;
      const r = stats.interpolate(t.code, np.array(t.alphas, { dtype: 'float64' }), Array(n).fill(lo), Array(n).fill(nom), Array(n).fill(hi)).js() as number[];
      const got = r.map((v) => (t.kind === 'nominal + delta' ? nom + v : nom * v));
      got.forEach((g, i) => expect(Math.abs(g - t.expected[i]), `α = ${t.alphas[i]}: ${g} vs ${t.expected[i]}`).toBeLessThanOrEqual(1e-12));
    });
  }
});
