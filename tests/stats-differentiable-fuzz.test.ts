/**
 * The differentiable CLs functions against hypotest on the random workspaces of
 * tests/stats-pyhf-fuzz.test.ts (cases.json; those with the POI's lower bound at 0, less the 5
 * with several local minima): at μ = 0.5 and 2, expectedCls equals hypotest's median expected CLs
 * on the nominal Asimov data and observedCls hypotest's CLs, to 1e-8 — or they throw, naming the
 * function (a fit outside the bounds, which their unbounded fits cannot respect, or a fit stopped
 * short of a minimum: a kink of codes 0/1, a flat direction). Never a different number: before
 * optimize.minimize shifted indefinite Hessians and the fits' convergence was checked, 13 of these
 * 37 workspaces gave a CLs off hypotest's, by up to 0.23, without a word.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stats } from '../lib/index.js';

interface Case { id: string; workspace: stats.WorkspaceSpec; modifier_settings: stats.ModifierSettings | null; data: number[] }
const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pyhf', 'fuzz');
const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
const skipped = new Set((JSON.parse(readFileSync(join(dir, 'limits.json'), 'utf8')) as { meta: { skipped: { id: string }[] } }).meta.skipped.map((s) => s.id));
const ERROR = /^stats\.(expectedCls|observedCls): .*(outside its bounds|did not converge)/;

/** The value, or the error's message where it throws. */
const attempt = (f: () => number): number | string => { try { return f(); } catch (e) { return (e as Error).message; } };

describe('differentiable CLs on random workspaces: equal to hypotest, or an error', () => {
  const rows = cases.filter((c) => !skipped.has(c.id)).map((c) => {
    const m = stats.workspace(c.workspace).model(c.modifier_settings ? { modifierSettings: c.modifier_settings } : {});
    return [c.id, c, m] as const;
  }).filter(([, , m]) => m.parameters.bounds[m.parameters.poiIndex][0] === 0);

  it('covers the cases with the POI bounded below by 0', () => expect(rows.length).toBeGreaterThanOrEqual(30));

  it.each(rows)('%s', (_, c, m) => {
    const i = m.parameters.poiIndex;
    const asimov = m.expectedFull(m.parameters.init.map((v, k) => (k === i ? 0 : v))).js() as number[];
    for (const mu of [0.5, 2]) {
      const checks: [string, number | string, () => number][] = [
        ['expectedCls', attempt(() => stats.expectedCls(m, mu).item() as number), () => stats.hypotest(mu, asimov, m).expected],
        ['observedCls', attempt(() => stats.observedCls(m, c.data, mu).item() as number), () => stats.hypotest(mu, c.data, m).cls],
      ];
      for (const [who, got, want] of checks) {
        if (typeof got === 'string') expect(got, `${who} at μ = ${mu}`).toMatch(ERROR);
        else expect(Math.abs(got - want()), `${who} at μ = ${mu}: ${got} vs hypotest ${want()}`).toBeLessThanOrEqual(1e-8);
      }
    }
  });
});
