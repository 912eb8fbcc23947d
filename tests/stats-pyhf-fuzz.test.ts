/**
 * A randomized differential test of stats against pyhf: seeded random workspaces (1-3 channels
 * listed out of name order, 1-6 bins, 1-4 samples, every modifier type, modifiers shared across
 * samples and channels, measurement configs, modifier_settings) and what pyhf computes for them
 * (tests/fixtures/pyhf/fuzz/generate.py writes cases.json; scikit-hep/pyhf b3dc4bb2, numpy backend,
 * float64, scipy SLSQP at tolerance 1e-14). Each case compares the parameter layout (par_order,
 * par_names, suggested init, bounds and fixed, POI index, channels, auxdata), the workspace's data,
 * expected_data and logpdf at the init and two random points, the MLE fit, and (POI lower bound 0)
 * the asymptotic q̃ hypotest at μ = 1 with its expected set.
 *
 * Cases fuzz00-29 use pyhf's default interpolation codes (normsys 4, histosys 4p: smooth in α);
 * fuzz30-50 use normsys code1 and histosys code0 (a kink at α = 0), pyhf's code2 (discontinuous at
 * |α| = 1, scikit-hep/pyhf#2729, reproduced as pyhf has it) and partial modifier_settings. The
 * cases where stats and pyhf disagree are listed in KNOWN with the difference, and run as it.fails.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stats } from '../lib/index.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Point { pars: number[]; expected_data: number[]; logpdf: number }
interface Case {
  id: string;
  features: string[];
  workspace: stats.WorkspaceSpec;
  modifier_settings: stats.ModifierSettings | null;
  par_order: string[];
  par_names: string[];
  suggested_init: number[];
  suggested_bounds: [number, number][];
  suggested_fixed: boolean[];
  poi_index: number;
  /** Smallest/largest singular value of the normfactors' and shapefactors' Fisher information at the init (0: a flat direction). */
  conditioning: number;
  channels: string[];
  auxdata: number[];
  data: number[];
  points: Point[];
  fit: { bestfit: number[]; twice_nll: number };
  /** pyhf's CLs and the twice-NLLs of the five fits behind them. */
  hypotest?: { mu: number; cls_obs: number; cls_exp: number[]; twice_nll: Record<'free_data' | 'cond1_data' | 'cond0_data' | 'free_asimov' | 'cond1_asimov', number> };
}
interface Fixture { meta: { pyhf_commit: string; generated: number; kept: number; skipped: { id: string; why: string; error: string }[] }; cases: Case[] }

const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'pyhf', 'fuzz', 'cases.json'), 'utf8')) as Fixture;

/** Expected data relative; logpdf relative or absolute; fit parameters absolute (+1e-4 σ, below); twice-NLL relative; CLs absolute. */
const TOL = { expected: 1e-12, logpdfRel: 1e-10, logpdfAbs: 1e-9, bestfit: 1e-5, twiceNll: 1e-9, cls: 1e-6 };

/**
 * The cases where stats and pyhf disagree, and why: all of them are likelihoods with several local
 * minima — kinks of codes 0/1 at α = 0 and code 2's jump at |α| = 1 make the NLL non-convex — where
 * the two fitters, each converged, end in different ones (sometimes ours is the lower, sometimes
 * pyhf's). Each entry gives 2·NLL (ours − pyhf's) of the fits that differ. Everything the model
 * computes agrees in these cases too.
 */
const KNOWN: Record<string, string> = {
  fuzz08: 'default codes; μ = 0 fit: ours 0.96 lower (pyhf\'s SLSQP ends at a saddle point); CLs 2e-2 off',
  fuzz30: 'code0 kinks; free and μ = 1 fits: ours 0.19 lower; μ = 1 Asimov fit: pyhf\'s 0.21 lower; CLs 8e-3 off',
  fuzz34: 'code0 kinks; μ = 0 fit: ours 0.063 lower; CLs 6e-3 off',
  fuzz39: 'code0/code1 kinks; free fit: pyhf\'s 0.016 lower, μ = 0 fit: pyhf\'s 0.26 lower; CLs 7e-2 off',
  fuzz44: 'histosys code2 (discontinuous at |α| = 1, pyhf#2729); μ = 1 fits of the data and of the Asimov data: pyhf\'s 2.0 and 1.1 lower; CLs 0.23 off',
};

const close = (got: number, want: number, rtol: number, atol = 0): boolean => Math.abs(got - want) <= atol + rtol * Math.abs(want);

/** Every disagreement of one case, as lines naming what differs (empty: the case agrees). */
function compare(c: Case): string[] {
  const bad: string[] = [];
  const ws = stats.workspace(c.workspace);
  const model = ws.model(c.modifier_settings ? { modifierSettings: c.modifier_settings } : {});
  const P = model.parameters;
  const same = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${what}: cotangent ${JSON.stringify(got)}, pyhf ${JSON.stringify(want)}`);
  };
  const near = (what: string, got: readonly number[], want: readonly number[], rtol: number, atol = 0) => {
    if (got.length !== want.length) { bad.push(`${what}: ${got.length} entries, pyhf ${want.length}`); return; }
    got.forEach((g, i) => { if (!close(g, want[i], rtol, atol)) bad.push(`${what}[${i}]: cotangent ${g}, pyhf ${want[i]} (diff ${g - want[i]})`); });
  };
  same('par_order', P.sets.map((s) => s.name), c.par_order);
  same('par_names', P.names, c.par_names);
  same('suggested_init', P.init, c.suggested_init);
  same('suggested_bounds', P.bounds, c.suggested_bounds);
  same('suggested_fixed', P.fixed, c.suggested_fixed);
  same('poi_index', P.poiIndex, c.poi_index);
  same('channels', model.channels, c.channels);
  if (bad.length) return bad; // the rest compares vectors in parameter order
  near('auxdata', model.auxdata, c.auxdata, 1e-12);
  const data = ws.data(model);
  near('data', data, c.data, 1e-12);
  c.points.forEach((pt, k) => {
    near(`expected_data@point${k}`, model.expectedFull(pt.pars).js() as number[], pt.expected_data, TOL.expected);
    const lp = model.logpdf(pt.pars, c.data).item() as number;
    if (!close(lp, pt.logpdf, TOL.logpdfRel, TOL.logpdfAbs)) bad.push(`logpdf@point${k}: cotangent ${lp}, pyhf ${pt.logpdf} (diff ${lp - pt.logpdf})`);
  });
  const f = stats.fit(model, c.data);
  if (!f.converged) bad.push(`fit: not converged after ${f.iterations} iterations`);
  // pyhf's tightly converged fit bounds the minimum from above: ours a little lower (up to 1e-5 in
  // 2·NLL) is where SLSQP stopped early, at a kink or along a shallow valley (fuzz50: 1.2e-6 lower,
  // parameters 1e-3 apart); its parameters are then not compared.
  const lower = 2 * f.nll < c.fit.twice_nll && 2 * f.nll > c.fit.twice_nll - 1e-5;
  if (!lower && !close(2 * f.nll, c.fit.twice_nll, TOL.twiceNll)) bad.push(`fit twice_nll: cotangent ${2 * f.nll}, pyhf ${c.fit.twice_nll} (diff ${2 * f.nll - c.fit.twice_nll})`);
  // Best-fit parameters where the likelihood determines them (no flat direction), within what
  // SLSQP's finite-difference convergence supports: 2·ΔNLL ~ 1e-9 moves a parameter by ~5e-5 σ.
  if (c.conditioning > 1e-6 && !(lower && !close(2 * f.nll, c.fit.twice_nll, TOL.twiceNll))) {
    const sigma = f.uncertainties;
    f.bestfit.forEach((g, i) => {
      const tol = TOL.bestfit + 1e-4 * (Number.isFinite(sigma[i]) ? sigma[i] : 0);
      if (!(Math.abs(g - c.fit.bestfit[i]) <= tol)) bad.push(`fit bestfit[${i}] (${P.names[i]}): cotangent ${g}, pyhf ${c.fit.bestfit[i]} (diff ${g - c.fit.bestfit[i]}, allowed ${tol.toExponential(1)})`);
    });
  }
  if (c.hypotest) {
    const h = stats.hypotest(c.hypotest.mu, c.data, model, { testStat: 'qtilde' });
    const before = bad.length;
    near('hypotest CLs_obs', [h.cls], [c.hypotest.cls_obs], 0, TOL.cls);
    near('hypotest CLs_exp', h.expectedSet, c.hypotest.cls_exp, 0, TOL.cls);
    if (bad.length > before) {
      // Which of the five fits differs (the Asimov data are each side's own, from its μ = 0 fit).
      const poi = P.names[P.poiIndex];
      const cond0 = stats.fit(model, c.data, { fixed: { [poi]: 0 } });
      const asimov = model.expectedFull(cond0.bestfit).js() as number[];
      const ours = {
        free_data: f, cond1_data: stats.fit(model, c.data, { fixed: { [poi]: c.hypotest.mu } }), cond0_data: cond0,
        free_asimov: stats.fit(model, asimov), cond1_asimov: stats.fit(model, asimov, { fixed: { [poi]: c.hypotest.mu } }),
      };
      for (const [k, r] of Object.entries(ours)) {
        const want = c.hypotest.twice_nll[k as keyof typeof ours];
        if (!close(2 * r.nll, want, TOL.twiceNll)) bad.push(`  hypotest's ${k} fit: twice_nll cotangent ${2 * r.nll} (converged ${r.converged}, ${r.iterations} iterations), pyhf ${want}`);
      }
    }
  }
  return bad;
}

describe(`stats vs pyhf, random workspaces (scikit-hep/pyhf ${fixture.meta.pyhf_commit.slice(0, 8)})`, () => {
  it('the fixture: most generated cases are kept; those left out are the ones pyhf rejects', () => {
    expect(fixture.cases.length).toBe(fixture.meta.kept);
    expect(fixture.cases.length).toBeGreaterThanOrEqual(40);
    for (const s of fixture.meta.skipped) expect(s.why, `${s.id}: ${s.error}`).toBe('pyhf rejects');
    for (const id of Object.keys(KNOWN)) expect(fixture.cases.some((c) => c.id === id), id).toBe(true);
  });

  const rows = fixture.cases.map((c) => [`${c.id} [${c.features.join(' ')}]`, c] as const);
  const agree = rows.filter(([, c]) => !(c.id in KNOWN));
  const differ = rows.filter(([, c]) => c.id in KNOWN);
  it.each(agree)('%s', (_, c) => {
    const bad = compare(c);
    expect(bad, `${c.id}:\n${bad.join('\n')}`).toEqual([]);
  });
  // Known differences (KNOWN above): each must still differ; one that starts agreeing fails here.
  it.fails.each(differ)('%s: known difference', (_, c) => {
    const bad = compare(c);
    expect(bad, `${c.id} (${KNOWN[c.id]}):\n${bad.join('\n')}`).toEqual([]);
  });
});
