/**
 * SVG plots of lib/stats/plots.ts: well-formed XML (a tag-balance check), the elements each plot
 * promises (bands, curves, points, the CLs level and limit, the 1σ and 95% CL lines, one row per
 * pull), and coordinates that follow the data.
 */
import { describe, expect, it } from 'vitest';
import { stats } from '../lib/index.js';

const model = stats.histfactory({ channels: [{ name: 'singlechannel', samples: [
  { name: 'signal', data: [12, 11], modifiers: [{ type: 'normfactor', name: 'mu' }] },
  { name: 'background', data: [50, 52], modifiers: [{ type: 'shapesys', name: 'uncorr_bkguncrt', data: [3, 7] }] },
] }] });
const obs = [51, 48];

/** Tags open and close in order (self-closing ones excepted): the document is well formed. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) { if (stack.pop() !== name) return false; } else stack.push(name);
  }
  return stack.length === 0 && svg.trimStart().startsWith('<svg');
}

describe('stats.plots', () => {
  it('brazil: bands, observed points, the level and the limit', () => {
    const limit = stats.upperLimit(obs, model, { scan: Array.from({ length: 11 }, (_, i) => i * 0.5) });
    const svg = stats.plots.brazil(limit);
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/<circle/g)?.length).toBe(11);
    expect(svg).toContain('fill="#66bb6a"');
    expect(svg).toContain('fill="#fff176"');
    expect(svg).toContain('CLs = 0.05 (95% CL)');
    expect(svg).toContain(`observed limit ${limit.observed.toPrecision(4)}`);
    // The limit's vertical line (at 1.018) sits between the ticks at 1 and 2 (x grows with μ).
    const x = (v: number) => Number(new RegExp(`<line x1="([\\d.]+)"[^>]*/><text[^>]*>${v}</text>`).exec(svg)?.[1]);
    const lim = Number(/<line x1="([\d.]+)" y1="\d+" x2="[\d.]+" y2="\d+" stroke="#d32f2f" stroke-dasharray/.exec(svg)?.[1]);
    expect(lim).toBeGreaterThan(x(1));
    expect(lim).toBeLessThan(x(1) + 0.1 * (x(2) - x(1)));
    expect(wellFormed(stats.plots.brazil(limit, { logY: true, title: 'a < b & c' }))).toBe(true);
    expect(() => stats.plots.brazil({ ...limit, scan: { poi: [1], results: limit.scan.results.slice(0, 1) } })).toThrow(/fewer than two/);
  });

  it('profile: the curve with the 68.3% (1σ) and 95% (3.84) lines', () => {
    const scan = stats.profileLikelihood(model, obs, [0, 0.25, 0.5, 0.75, 1, 1.5, 2]);
    const svg = stats.plots.profile(scan, { poiIndex: model.parameters.poiIndex });
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('tμ = 1: 68.3% CL (1σ)');
    expect(svg).toContain('tμ = 3.84: 95% CL');
    expect(svg).toContain('best fit');
  });

  it('pulls: one row per parameter, inside the ±1σ/±2σ bands', () => {
    const svg = stats.plots.pulls([{ name: 'alpha_jes', pull: 0.3, error: 0.8 }, { name: 'gamma<1>', pull: -1.2, error: 0.5 }]);
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/<circle/g)?.length).toBe(2);
    expect(svg).toContain('gamma&lt;1&gt;');
    expect(() => stats.plots.pulls([])).toThrow(/no pulls/);
    // From a fit: the shapesys γ's pulls against their Poisson constraints (centre 1, width 1/√τ).
    const fit = stats.fit(model, obs);
    const ps = stats.pulls(model, fit);
    expect(ps.map((p) => p.name)).toEqual(['uncorr_bkguncrt[0]', 'uncorr_bkguncrt[1]']);
    const tau = model.auxdata;
    ps.forEach((p, k) => {
      expect(p.pull).toBeCloseTo((fit.bestfit[1 + k] - 1) * Math.sqrt(tau[k]), 12);
      expect(p.error).toBeCloseTo(fit.uncertainties[1 + k] * Math.sqrt(tau[k]), 12);
    });
    expect(wellFormed(stats.plots.pulls(ps))).toBe(true);
  });
});
