/**
 * Differentiable inference (lib/stats/differentiable.ts): the MLE and the median expected CLs as
 * Arrays whose derivatives with respect to the data and to the nominal yields are checked against
 * finite differences of re-run fits (stats.fit, stats.hypotest on rebuilt models).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, np, stats, vmap } from '../lib/index.js';

const spec = (sig: number[], bkg: number[]) => ({ channels: [{ name: 'sr', samples: [
  { name: 'signal', data: sig, modifiers: [{ type: 'normfactor' as const, name: 'mu' }] },
  { name: 'background', data: bkg, modifiers: [
    { type: 'normsys' as const, name: 'bkg_norm', data: { hi: 1.1, lo: 0.9 } },
    { type: 'staterror' as const, name: 'stat', data: [3, 4] },
  ] },
] }] });
const sig = [8, 12], bkg = [50, 60];
const model = stats.histfactory(spec(sig, bkg));
const h = 1e-4;
const rel = (a: number, b: number, tol: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b)));

/** pyhf-style expected CLs of a rebuilt model: hypotest on its Asimov data at μ = 0. */
function expectedByRefit(s: number[], b: number[]): number {
  const m = stats.histfactory(spec(s, b));
  const p0 = m.parameters.init.map((v, i) => (i === m.parameters.poiIndex ? 0 : v));
  return stats.hypotest(1, m.expectedFull(p0), m).expected;
}

describe('differentiable inference', () => {
  it('mle equals stats.fit; its gradient in the data matches re-run fits', () => {
    const obs = [60, 75];
    const best = stats.mle(model, np.array(obs)).js() as number[];
    stats.fit(model, obs).bestfit.forEach((v, i) => rel(best[i], v, 1e-8));
    const g = grad((d: Array) => stats.mle(model, d).slice(model.parameters.poiIndex))(np.array(obs)).js() as number[];
    [0, 1].forEach((b) => {
      const at = (dd: number) => { const o = [...obs]; o[b] += dd; return stats.fit(model, o).bestfit[model.parameters.poiIndex]; };
      rel(g[b], (at(h) - at(-h)) / (2 * h), 1e-6);
    });
    const fixedAt = stats.mle(model, np.array(obs), { fixed: { mu: 0.5 } }).js() as number[];
    expect(fixedAt[model.parameters.poiIndex]).toBe(0.5);
  });

  it('expectedCls equals hypotest on the Asimov data; its gradient in the yields matches refits', () => {
    expect(model.samples).toEqual(['background', 'signal']);
    const nom = np.array([bkg, sig]);
    rel(stats.expectedCls(model, 1, { nominal: nom }).item(), expectedByRefit(sig, bkg), 1e-10);
    rel(stats.expectedCls(model, 1).item(), expectedByRefit(sig, bkg), 1e-10);
    const g = grad((n: Array) => stats.expectedCls(model, 1, { nominal: n }))(nom).js() as number[][];
    // Signal yields: a rebuilt model differs only in them, so re-run fits must agree.
    [0, 1].forEach((b) => {
      const s1 = [...sig], s2 = [...sig];
      s1[b] += h; s2[b] -= h;
      rel(g[1][b], (expectedByRefit(s1, bkg) - expectedByRefit(s2, bkg)) / (2 * h), 1e-6);
    });
    // Background yields: the override keeps the spec's staterror widths (a rebuilt model would
    // rescale them), so the check is a finite difference of expectedCls itself.
    [0, 1].forEach((b) => {
      const at = (dd: number) => stats.expectedCls(model, 1, { nominal: nom.at(0, b).add(dd) }).item();
      rel(g[0][b], (at(h) - at(-h)) / (2 * h), 1e-6);
    });
  });

  it('expectedUpperLimit: the root of expectedCls = 0.05, equal to upperLimit on the Asimov data, with implicit gradients', () => {
    const nom = np.array([bkg, sig]);
    const lim = stats.expectedUpperLimit(model, { nominal: nom });
    const p0 = model.parameters.init.map((v, i) => (i === model.parameters.poiIndex ? 0 : v));
    rel(lim.item(), stats.upperLimit(model.expectedFull(p0), model, { rtol: 1e-10 }).expected[2], 1e-9);
    const g = grad((n: Array) => stats.expectedUpperLimit(model, { nominal: n }))(nom).js() as number[][];
    [[0, 1], [1, 0]].forEach(([k, b]) => {
      const at = (dd: number) => stats.expectedUpperLimit(model, { nominal: nom.at(k, b).add(dd) }).item();
      rel(g[k][b], (at(h) - at(-h)) / (2 * h), 1e-5);
    });
    // More signal, a lower limit; more background, a higher one.
    expect(g[1][0]).toBeLessThan(0);
    expect(g[0][1]).toBeGreaterThan(0);
  }, 60_000);

  it('composes with jit and vmap (a batch of candidate analyses)', () => {
    const noms = np.array([[bkg, sig], [bkg, [10, 14]], [[40, 70], sig]]);
    const f = (n: Array) => stats.expectedCls(model, 1, { nominal: n });
    const batched = vmap(f)(noms).js() as number[];
    batched.forEach((v, i) => rel(v, f(noms.slice(i)).item(), 1e-9));
    rel(jit(f)(noms.slice(1)).item(), batched[1], 1e-12);
    expect(() => stats.expectedCls(model, 1, { nominal: np.array([sig]) })).toThrow(/nominal yields must be \[2 samples \(background, signal\), 2 bins\]/);
  });
});

describe('limits under jit', () => {
  it('say that root finding needs values, and what works instead', () => {
    const m = stats.histfactory({ channels: [{ name: 'sr', samples: [
      { name: 'signal', data: [12, 11], modifiers: [{ type: 'normfactor', name: 'mu' }] },
      { name: 'background', data: [50, 52], modifiers: [{ type: 'normsys', name: 'b', data: { hi: 1.1, lo: 0.9 } }] }] }] });
    expect(() => jit((n: np.Array) => stats.expectedUpperLimit(m, { nominal: n }))(np.array(m.nominal)))
      .toThrow(/stats.expectedUpperLimit: the limit is found by root finding on values, so it cannot run under jit or vmap/);
  });
});


/**
 * Two random workspaces of tests/stats-pyhf-fuzz.test.ts (cases.json) where the differentiable
 * fits went wrong silently. fuzz02 (default codes, smooth): Newton from the init crosses a region
 * where the Hessian is not positive definite; a normalised gradient step there left `mle` after
 * 100 iterations at 2·NLL 76.68 against stats.fit's 75.78, and observedCls(μ = 2) at 0.294 against
 * hypotest's (and pyhf's) 0.429. fuzz41 (normsys code1, histosys code0): the fit with μ held stops
 * at a kink, and expectedCls returned a CLs 7e-6 off hypotest's without a word.
 */
describe('differentiable fits on random workspaces', () => {
  const fuzz = (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pyhf', 'fuzz', 'cases.json'), 'utf8')) as { cases: { id: string; workspace: stats.WorkspaceSpec; modifier_settings: stats.ModifierSettings | null; data: number[] }[] }).cases;
  const load = (id: string) => {
    const c = fuzz.find((k) => k.id === id)!;
    return { c, m: stats.workspace(c.workspace).model(c.modifier_settings ? { modifierSettings: c.modifier_settings } : {}) };
  };

  it('mle crosses a non-convex region to stats.fit\'s minimum, and observedCls equals hypotest there (fuzz02)', () => {
    const { c, m } = load('fuzz02');
    const x = stats.mle(m, c.data);
    rel(m.nll(x, c.data).item(), stats.fit(m, c.data).nll, 1e-12);
    rel(stats.observedCls(m, c.data, 2).item(), stats.hypotest(2, c.data, m).cls, 1e-8);
  });

  it('a fit stopped short of a minimum is an error naming the function, not a number (fuzz41, a kink)', () => {
    const { m } = load('fuzz41');
    expect(() => stats.expectedCls(m, 2)).toThrow(/^stats.expectedCls: the fit with mu held did not converge \(Newton's method stopped after \d+ iterations short of a minimum\)\. The differentiable fits need a smooth likelihood/);
  });
});
