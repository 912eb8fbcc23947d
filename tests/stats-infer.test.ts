/**
 * pyhf's `infer` API on the model of pyhf's documentation examples
 * (simplemodels.uncorrelated_background(signal=[12, 11], bkg=[50, 52], bkg_uncertainty=[3, 7])):
 * the test statistics, hypotest with its expected band, upper limits by scan and by root finding,
 * against the numbers in pyhf's docstrings (scikit-hep/pyhf b3dc4bb2: src/pyhf/infer/
 * test_statistics.py, calculators.py, intervals/upper_limits.py). pyhf's SLSQP fits stop at about
 * 1e-6 relative, so the comparisons allow 2e-5; our Newton fits converge tighter.
 */
import { describe, expect, it } from 'vitest';
import { stats } from '../lib/index.js';

const model = stats.histfactory({ channels: [{ name: 'singlechannel', samples: [
  { name: 'signal', data: [12, 11], modifiers: [{ type: 'normfactor', name: 'mu' }] },
  { name: 'background', data: [50, 52], modifiers: [{ type: 'shapesys', name: 'uncorr_bkguncrt', data: [3, 7] }] },
] }] });
const obs = [51, 48];
const wide = model.parameters.bounds.map((b, i) => (i === model.parameters.poiIndex ? [-10, 10] as [number, number] : b));

const rel = (got: number, want: number, tol = 2e-5) => expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(tol * Math.abs(want));

describe('test statistics (pyhf docstrings)', () => {
  it('q0, qmu, qmuTilde, tmu, tmuTilde', () => {
    rel(stats.q0(model, [60, 65]), 2.98339447);
    rel(stats.qmu(model, obs, 1, { bounds: wide }), 3.9549891);
    rel(stats.qmuTilde(model, obs, 1), 3.93824492);
    rel(stats.tmu(model, obs, 1, { bounds: wide }), 3.9549891);
    rel(stats.tmuTilde(model, obs, 1), 3.93824492);
    expect(stats.qmu(model, [80, 80], 0.5)).toBe(0); // μ̂ > μ
    expect(() => stats.qmuTilde(model, obs, 1, { bounds: wide })).toThrow(/stats.qmuTilde: the tilde statistics need the POI's lower bound at 0, got -10/);
  });
});

describe('hypotest', () => {
  it('CLs, CLs+b, CLb and the expected band as pyhf', () => {
    const r = stats.hypotest(1, obs, model);
    rel(r.clsb, 0.02332502);
    rel(r.clb, 0.4441594);
    rel(r.cls, 0.05251497);
    // The far tail moves most with the Asimov fit's convergence (pyhf stops early): 1e-4 there.
    [0.00260626, 0.01382005, 0.06445321, 0.23525644, 0.57303621].forEach((v, i) => rel(r.expectedSet[i], v, 1e-4));
    expect(r.expected).toBe(r.expectedSet[2]);
    expect(stats.hypotest(1, model.fullData(obs), model).cls).toBeCloseTo(r.cls, 12);
  });

  it('CLs is 1 at μ = 0 with q̃ (pyhf #2722), not 0/0', () => {
    const r = stats.hypotest(0, obs, model);
    expect(r.cls).toBe(1);
    expect(stats.clsAsymptotic(model, obs, 0).cls).toBe(1);
  });

  it('q0: the discovery p-value and its expected band', () => {
    const r = stats.hypotest(0, [60, 65], model, { testStat: 'q0' });
    expect(r.cls).toBe(r.clsb);
    rel(r.cls, 0.5 * (1 - erf(Math.sqrt(2.98339447) / Math.SQRT2)), 1e-5);
    expect(r.expectedSet.every((p, i) => i === 0 || p > r.expectedSet[i - 1])).toBe(true);
    expect(() => stats.hypotest(1, obs, model, { testStat: 'z' as 'q' })).toThrow(/testStat must be 'qtilde', 'q' or 'q0'/);
  });
});

describe('upper limits', () => {
  it('a linear grid scan as pyhf.infer.intervals.upper_limits.upper_limit', () => {
    const r = stats.upperLimit(obs, model, { scan: Array.from({ length: 21 }, (_, i) => i * 0.25) });
    rel(r.observed, 1.01764089);
    [0.59576921, 0.76169166, 1.08504773, 1.50170482, 2.06654952].forEach((v, i) => rel(r.expected[i], v));
    expect(r.scan.poi.length).toBe(21);
  });

  it('root finding as toms748_scan (pyhf checks its values at rtol 0.01)', () => {
    const r = stats.upperLimit(obs, model, { bracket: [0, 5] });
    rel(r.observed, 1.01156939, 0.01);
    [0.5600747, 0.75702605, 1.06234693, 1.50116923, 2.05078912].forEach((v, i) => rel(r.expected[i], v, 0.01));
    // Each limit is a root: CLs there is the level, to the tolerance.
    expect(Math.abs(stats.hypotest(r.observed, obs, model).cls - 0.05)).toBeLessThan(1e-4);
    expect(Math.abs(stats.hypotest(r.expected[2], obs, model).expected - 0.05)).toBeLessThan(1e-4);
  });
});

describe('limits and fits beyond the POI\'s upper bound', () => {
  it('a held POI is held at its value past the bound (not clamped to it), so CLs keeps falling there', () => {
    const [, hi] = model.parameters.bounds[model.parameters.poiIndex];
    expect(stats.fixedPoiFit(1.5 * hi, obs, model).bestfit[model.parameters.poiIndex]).toBe(1.5 * hi);
    const at = (mu: number) => stats.hypotest(mu, obs, model).expected;
    expect(at(1.5 * hi)).toBeLessThan(at(hi));
  });

  it('a curve that stops falling past the bound has no limit: an error naming it, after a few hypotests', () => {
    const flat = stats.histfactory({ channels: [{ name: 'SR', samples: [
      { name: 'signal', data: [0, 0], modifiers: [{ type: 'normfactor', name: 'mu' }] },
      { name: 'background', data: [50, 40], modifiers: [{ type: 'normsys', name: 'bkg_norm', data: { hi: 1.1, lo: 0.9 } }] },
    ] }] });
    let n = 0;
    expect(() => stats.upperLimit([52, 41], flat, { onHypotest: () => n++ })).toThrow(
      /stats.upperLimit: the observed, expected −2σ, expected −1σ, expected median, expected \+1σ and expected \+2σ CLs stay above 0.05 \(1, 1, 1, 1, 1 and 1 at μ = 10; .* at μ = 20\) and no longer fall as μ grows past the POI's upper bound 10, so they have no upper limit: .* Check the signal sample/);
    expect(n).toBe(3);
    expect(() => stats.expectedUpperLimit(flat)).toThrow(/stats.expectedUpperLimit: the expected CLs stays above 0.05 \(1 at μ = 10; 1 at μ = 20\)/);
  });
});

describe('fits and scans', () => {
  it('fixedPoiFit, profileLikelihood and the correlation matrix', () => {
    const f = stats.fixedPoiFit(0.5, obs, model);
    expect(f.bestfit[model.parameters.poiIndex]).toBe(0.5);
    const scan = stats.profileLikelihood(model, obs, [0, 0.5, 1]);
    rel(scan.tmu[2], 3.93824492);
    expect(scan.tmu[0]).toBe(0); // μ̂ is at the bound 0
    const c = stats.fit(model, obs).correlation;
    expect(c.every((row, i) => Math.abs(row[i] - 1) < 1e-12 && row.every((v, j) => Math.abs(v - c[j][i]) < 1e-12 && Math.abs(v) <= 1 + 1e-12))).toBe(true);
  });
});

/** erf by its Taylor series (|x| < 3 suffices here), independent of the library. */
function erf(x: number): number {
  let term = x, sum = x;
  for (let n = 1; n < 80; n++) { term *= (-x * x) / n; sum += term / (2 * n + 1); }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

// Small workspaces where Newton's method alone went wrong (found by tests/stats-pyhf-fuzz.test.ts);
// the references are pyhf's fits at SLSQP tolerance 1e-14 (scikit-hep/pyhf b3dc4bb2).
describe('fits across kinks, bounds and saddle points', () => {
  const ws = (channels: unknown[], observations: unknown[]) => stats.workspace({
    channels, observations, measurements: [{ name: 'meas', config: { poi: 'mu', parameters: [] } }], version: '1.0.0',
  } as stats.WorkspaceSpec);

  it('a histosys code 0 kink at α = 0: the fit leaves it or stays on it, and is not stopped by it', () => {
    const w = ws([{ name: 'SR', samples: [
      { name: 'bkg', data: [18, 67], modifiers: [{ name: 'k_bkg', type: 'normfactor', data: null }, { name: 'jes', type: 'histosys', data: { hi_data: [20, 81], lo_data: [13, 53] } }] },
      { name: 'signal', data: [18, 12], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] }] }],
    [{ name: 'SR', data: [149, 154] }]);
    const model = w.model({ modifierSettings: { normsys: { interpcode: 'code1' }, histosys: { interpcode: 'code0' } } });
    const f = stats.fit(model, w.data(model), { fixed: { mu: 0 } });
    expect(f.converged).toBe(true);
    // jes stays on its kink; k_bkg then matches the total count exactly (303 / 85)
    expect(Math.abs(f.bestfit[0])).toBeLessThan(1e-8);
    expect(f.bestfit[1]).toBeCloseTo(303 / 85, 7);
    expect(2 * f.nll).toBeCloseTo(131.46260240185202, 6); // pyhf; ours is lower by 1e-7
    expect(2 * f.nll).toBeLessThanOrEqual(131.46260240185202);
  });

  it('a parameter whose Newton step crosses its bound lands on it (no creeping towards it)', () => {
    const w = ws([{ name: 'SR', samples: [
      { name: 'bkg', data: [80], modifiers: [{ name: 'k_bkg', type: 'normfactor', data: null }, { name: 'bkg_shape', type: 'shapesys', data: [16] }] },
      { name: 'signal', data: [16], modifiers: [{ name: 'mu', type: 'normfactor', data: null }, { name: 'sig_xsec', type: 'normsys', data: { hi: 1.17, lo: 0.9 } }] }] }],
    [{ name: 'SR', data: [169] }]);
    const model = w.model();
    const f = stats.fit(model, w.data(model));
    expect(f.converged).toBe(true);
    expect(f.iterations).toBeLessThan(20);
    expect(2 * f.nll).toBeCloseTo(13.870058242436006, 9);
  });

  it('a saddle point of the NLL is left along its direction of negative curvature', () => {
    const w = ws([
      { name: 'SR_high', samples: [{ name: 'zz', data: [55], modifiers: [{ name: 'sys_a', type: 'normsys', data: { hi: 0.95, lo: 1.19 } }] }] },
      { name: 'CR_ttbar', samples: [{ name: 'diboson', data: [77], modifiers: [{ name: 'jer', type: 'histosys', data: { hi_data: [95], lo_data: [64] } }] }] },
      { name: 'VR', samples: [
        { name: 'diboson', data: [80], modifiers: [{ name: 'k_diboson', type: 'normfactor', data: null }, { name: 'uncorr_VR_diboson', type: 'shapesys', data: [15] }, { name: 'jer', type: 'histosys', data: { hi_data: [61], lo_data: [82.5] } }] },
        { name: 'signal', data: [8], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
        { name: 'Wjets', data: [95.5], modifiers: [] }] }],
    [{ name: 'SR_high', data: [230] }, { name: 'CR_ttbar', data: [233] }, { name: 'VR', data: [211] }]);
    const model = w.model();
    // Newton alone converged (gradient 1e-10) to 2NLL 273.66 at jer = 80/19, where the VR diboson
    // yield vanishes and k_diboson has no effect: a saddle (the Hessian has a negative eigenvalue).
    const f = stats.fit(model, w.data(model), { fixed: { mu: 0 } });
    expect(f.converged).toBe(true);
    expect(2 * f.nll).toBeCloseTo(177.21347333688777, 7);
    const H = f.hessian;
    const free = [0, 1, 4]; // jer, k_diboson (at its bound 10: held), γ; sys_a sits at its bound −5
    expect(free.map((i) => H[i][i]).every((v) => v > 0)).toBe(true);
  });
});
