/**
 * Models of one structure share their traced and compiled programs (lib/stats/likelihood.ts): a
 * model's numbers (nominal yields, interpolation terms, constraint widths, auxdata) are an input
 * of the programs, not constants inside them. Each model must still get exactly its own numbers:
 * every result of a model built after another of its structure is compared bit for bit with the
 * same model built alone after clearCaches().
 */
import { describe, expect, it } from 'vitest';
import { clearCaches, np, stats } from '../lib/index.js';
import { modelLikelihood } from '../lib/stats/histfactory.js';
import { getCompiled } from '../lib/stats/infer.js';

interface Numbers { sig: number[]; bkg: number[]; unc: number[]; hi: number; lo: number; shift: number; lumiSigma: number }
const spec = (n: Numbers, extra = false): stats.HistFactorySpec => ({
  channels: [
    {
      name: 'SR',
      samples: [
        { name: 'signal', data: n.sig, modifiers: [{ name: 'mu', type: 'normfactor', data: null }, { name: 'lumi', type: 'lumi', data: null }] },
        {
          name: 'bkg', data: n.bkg, modifiers: [
            { name: 'unc', type: 'shapesys', data: n.unc },
            { name: 'norm', type: 'normsys', data: { hi: n.hi, lo: n.lo } },
            { name: 'shape', type: 'histosys', data: { hi_data: n.bkg.map((b) => b + n.shift), lo_data: n.bkg.map((b) => b - n.shift / 2) } },
            ...(extra ? [{ name: 'stat', type: 'staterror' as const, data: n.unc.map((u) => u / 2) }] : []),
          ],
        },
      ],
    },
    { name: 'CR', samples: [{ name: 'bkg', data: [50, 60], modifiers: [{ name: 'norm', type: 'normsys', data: { hi: n.hi, lo: n.lo } }] }] },
  ],
  parameters: [{ name: 'lumi', auxdata: [1], sigmas: [n.lumiSigma], bounds: [[0.5, 1.5]] }],
});
const A: Numbers = { sig: [5, 10, 3], bkg: [50, 52, 40], unc: [3, 7, 2], hi: 1.1, lo: 0.85, shift: 2, lumiSigma: 0.02 };
const B: Numbers = { sig: [7.5, 2, 11], bkg: [30, 45, 61], unc: [5, 1, 6], hi: 1.3, lo: 0.95, shift: 4.5, lumiSigma: 0.05 };
const data = [60, 58, 49, 52, 61];

/** What a model computes: NLL and expected data at a few points, the fit, a hypotest. */
function results(m: stats.HistFactoryModel): number[] {
  const P = m.parameters;
  const points = [P.init, P.init.map((v, i) => v + 0.1 * ((i % 3) - 1)), P.init.map((v, i) => v * (1 + 0.05 * i))];
  const out: number[] = [];
  for (const p of points) {
    const pa = np.array(p, { dtype: 'float64' });
    out.push(m.nll(pa, m.fullData(data)).item() as number, ...(m.expectedFull(pa).js() as number[]));
  }
  const f = stats.fit(m, data);
  out.push(f.nll, ...f.bestfit, ...f.uncertainties);
  const h = stats.hypotest(1, data, m, { testStat: 'qtilde' });
  out.push(h.cls, ...h.expectedSet);
  return out;
}
const expectSameBits = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Object.is(g, want[i]), `entry ${i}: ${g} vs ${want[i]}`).toBe(true));
};

describe('models of one structure share compiled programs', () => {
  it('a model met after another of its structure reuses its programs and computes exactly its own numbers', () => {
    clearCaches();
    const aliceAlone = results(stats.histfactory(spec(A)));
    clearCaches();
    const bobAlone = results(stats.histfactory(spec(B)));
    clearCaches();
    const alice = stats.histfactory(spec(A)), bob = stats.histfactory(spec(B));
    expect(modelLikelihood.get(alice)!.likelihood).toBe(modelLikelihood.get(bob)!.likelihood);
    expect(getCompiled(alice).probes).toBe(getCompiled(bob).probes); // one compiled fit program
    const a = results(alice), b = results(bob);
    expectSameBits(a, aliceAlone);
    expectSameBits(b, bobAlone);
    expectSameBits(results(alice), aliceAlone); // and alice's numbers stayed hers
    expect(Math.abs(b[3] - a[3])).toBeGreaterThan(1); // the two models differ (SR bin 0; CR comes first)
  });

  it('structures differ by shapes, modifiers, interpolation codes and index lists, not by numbers', () => {
    const of = (s: stats.HistFactorySpec) => modelLikelihood.get(stats.histfactory(s))!.likelihood;
    const base = of(spec(A));
    expect(of(spec(B))).toBe(base);
    expect(of(spec(A, true))).not.toBe(base); // one modifier more
    expect(of({ ...spec(A), modifierSettings: { normsys: { interpcode: 'code1' }, histosys: { interpcode: 'code4p' } } })).not.toBe(base);
    expect(of(spec({ ...A, sig: [1, 2, 3, 4], bkg: [5, 6, 7, 8], unc: [1, 1, 1, 1] }))).not.toBe(base);
    // A Gaussian width of 1 everywhere skips a product: that is structure too.
    expect(of(spec({ ...A, lumiSigma: 1 }))).not.toBe(base);
  });

  it('a model copied with edited fields fits by its own nll, as the original', () => {
    const m = stats.histfactory(spec(B));
    const copy: stats.HistFactoryModel = { ...m, parameters: { ...m.parameters, init: m.parameters.init.map((v, i) => (i === m.parameters.poiIndex ? 0.5 : v)) } };
    const a = stats.fit(m, data), b = stats.fit(copy, data);
    expect(b.converged).toBe(true);
    b.bestfit.forEach((v, i) => expect(Math.abs(v - a.bestfit[i])).toBeLessThan(1e-6));
    expect(Math.abs(b.nll - a.nll)).toBeLessThan(1e-9);
  });

  it('the constants follow the parameters\' dtype', () => {
    const m = stats.histfactory(spec(B));
    const p64 = np.array(m.parameters.init, { dtype: 'float64' });
    const n64 = m.nll(p64, m.fullData(data)).item() as number;
    const n32 = m.nll(p64.astype('float32'), m.fullData(data));
    expect(n32.dtype).toBe('float32');
    expect(Math.abs((n32.item() as number) - n64)).toBeLessThan(1e-4 * Math.abs(n64));
  });
});
