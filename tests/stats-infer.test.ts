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
