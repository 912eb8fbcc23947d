/**
 * The fits' sparse Hessian and Newton step (lib/stats/sparsity.ts): the Hessian assembled from a
 * few Hessian-vector products equals the dense autodiff Hessian, and the solve and inverse that
 * eliminate the per-bin blocks equal dense LU's, on models whose per-bin parameters share bins
 * (staterror and shapesys on one bin, a shapefactor across channels) as well as the benchmark's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hessian, jit, np, stats } from '../lib/index.js';
import { inverse, solve } from '../lib/stats/host-linalg.js';
import { getCompiled } from '../lib/stats/infer.js';
import { factorStructured } from '../lib/stats/sparsity.js';

const F64 = { dtype: 'float64', device: 'cpu' } as const;
const bench = (JSON.parse(readFileSync(new URL('../benchmarks/pyhf/models.json', import.meta.url), 'utf8')) as { models: Record<string, { spec: stats.HistFactorySpec; data: number[] }> }).models;

const ramp = (n: number, a: number, b: number) => Array.from({ length: n }, (_, i) => a + b * ((i * 7) % 5));
/** Per-bin parameters that share bins: staterror, shapesys and a shapefactor (over both channels) on the background. */
const shared = stats.histfactory({
  channels: ['a', 'b'].map((name, ci) => ({
    name,
    samples: [
      { name: 'sig', data: ramp(4, 2 + ci, 1), modifiers: [{ type: 'normfactor' as const, name: 'mu' }] },
      {
        name: 'bkg', data: ramp(4, 40 + 5 * ci, 3), modifiers: [
          { type: 'staterror' as const, name: `stat_${name}`, data: ramp(4, 2, 0.5) },
          ...(name === 'a' ? [{ type: 'shapesys' as const, name: 'shape_a', data: ramp(4, 3, 1) }] : []),
          { type: 'normsys' as const, name: 'norm', data: { hi: 1.08, lo: 0.93 } },
          { type: 'shapefactor' as const, name: 'sf' },
        ],
      },
    ],
  })),
});

const cases: [string, stats.HistFactoryModel, number[]][] = [
  ['shared bins', shared, [...ramp(4, 44, 3), ...ramp(4, 50, 2)]],
  ['benchmark M', stats.histfactory(bench.M.spec), bench.M.data],
];

describe.each(cases)('%s', (_, model, main) => {
  const P = model.parameters;
  const n = P.names.length;
  const p = P.init.map((v, i) => v + 0.013 * ((i % 5) - 2) * (P.fixed[i] ? 0 : 1));
  const d = np.array(model.fullData(main), F64);
  const c = getCompiled(model);
  const out = c.all(np.array(p, F64), d, c.probes).dataSync() as Float64Array;
  const H = c.plan.assemble(out, n + 1);
  const dense = jit(hessian((q: np.Array) => model.nll(q, d)))(np.array(p, F64)).js() as number[][];

  it('needs fewer products than parameters, and assembles the dense Hessian', () => {
    expect(c.plan.dense).toBe(false);
    expect(c.plan.K).toBeLessThan(n / 2);
    const scale = Math.max(...dense.flat().map(Math.abs));
    dense.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(H[i][j] - v), `H[${P.names[i]}][${P.names[j]}]`).toBeLessThanOrEqual(1e-13 * scale)));
  });

  it('solves and inverts as dense LU does, fixed parameters left out', () => {
    const act = P.names.map((_, i) => i).filter((i) => i !== P.poiIndex && !P.fixed[i]);
    const f = factorStructured(H, act, c.plan.block, false)!;
    const b = act.map((_, k) => Math.sin(k + 1));
    const sub = act.map((i) => act.map((j) => H[i][j]));
    const want = solve(sub, b)!;
    f.solve(b).forEach((v, k) => expect(v).toBeCloseTo(want[k], 10));
    const inv = inverse(sub)!;
    f.inverse().forEach((row, k) => row.forEach((v, l) => expect(v).toBeCloseTo(inv[k][l], 10)));
    expect(factorStructured(H, act, c.plan.block, true)!.solve(b).map((v) => +v.toFixed(8))).toEqual(want.map((v) => +v.toFixed(8)));
  });

  it('fit uncertainties and correlations are those of the dense inverse Hessian at the best fit', () => {
    const r = stats.fit(model, main);
    const free = P.names.map((_, i) => i).filter((i) => !P.fixed[i]);
    const inv = inverse(free.map((i) => free.map((j) => r.hessian[i][j])))!;
    free.forEach((i, k) => expect(r.uncertainties[i]).toBeCloseTo(Math.sqrt(inv[k][k]), 10));
    free.forEach((i, k) => free.forEach((j, l) => expect(r.correlation[i][j]).toBeCloseTo(inv[k][l] / Math.sqrt(inv[k][k] * inv[l][l]), 10)));
  });
});

describe('degenerate plans', () => {
  it('a model without parameters fits (no products to take), one with a single parameter as before', () => {
    const none = stats.histfactory({ channels: [{ name: 'c', samples: [{ name: 'b', data: [5, 6], modifiers: [] }] }] });
    const r0 = stats.fit(none, [5, 7]);
    expect(r0.bestfit).toEqual([]);
    expect(r0.nll).toBeCloseTo(3.7231472570805737, 12);
    expect(r0.uncertainties).toEqual([]);
    const one = stats.histfactory({ channels: [{ name: 'c', samples: [{ name: 'b', data: [5, 6], modifiers: [{ type: 'normfactor', name: 'mu' }] }] }] });
    const r1 = stats.fit(one, [5, 7]);
    expect(r1.bestfit[0]).toBeCloseTo(12 / 11, 12); // Σn / Σν
    expect(r1.uncertainties[0]).toBeCloseTo(Math.sqrt(12) / 11, 10);
  });
});
