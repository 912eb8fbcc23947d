/**
 * Progress on long work: `optimize.minimize`'s onStep (a host callback from inside the compiled
 * loop), `stats.fit`'s onStep, and the onProgress / onHypotest callbacks of scans and toy fits.
 */
import { describe, expect, it } from 'vitest';
import { jit, np, optimize, random, stats, vmap } from '../lib/index.js';
import type { Array } from '../lib/index.js';

const rosen = (x: Array): Array => {
  const a = x.slice(0), b = x.slice(1);
  return np.square(np.subtract(1, a)).add(np.square(b.sub(np.square(a))).mul(100));
};

const model = stats.histfactory({ channels: [{ name: 'sr', samples: [
  { name: 'signal', data: [12, 11], modifiers: [{ type: 'normfactor', name: 'mu' }] },
  { name: 'background', data: [50, 52], modifiers: [{ type: 'shapesys', name: 'bkg', data: [3, 7] }] },
] }] });

describe('optimize.minimize onStep', () => {
  for (const method of ['newton', 'lbfgs', 'gd'] as const) {
    it(`reports every ${method} iteration, in order, with f falling to the optimum`, () => {
      const steps: { iteration: number; value: number; gradNorm: number; x: number[] }[] = [];
      const opts = method === 'gd' ? { maxIter: 50, learningRate: 1e-3 } : {};
      const r = optimize.minimize(rosen, [-1.2, 1], { method, ...opts, onStep: (s) => steps.push({ ...s, x: s.x.js() as number[] }) });
      const k = r.iterations.item();
      expect(steps.map((s) => s.iteration)).toEqual(globalThis.Array.from({ length: k }, (_, i) => i + 1));
      steps.slice(1).forEach((s, i) => expect(s.value).toBeLessThanOrEqual(steps[i].value + 1e-12));
      const last = steps[steps.length - 1];
      expect(last.x).toEqual(r.x.js());
      expect(last.value).toBe(r.fun.item());
      if (method !== 'gd') expect(last.gradNorm).toBeLessThanOrEqual(1e-10);
    });
  }

  it('calls back from inside jit, and once per example under vmap', () => {
    const seen: number[][] = [];
    const solve = (c: Array) => optimize.minimize((x: Array, cc: Array) => np.sum(np.square(x.sub(cc))), np.zeros([2]), { args: [c], onStep: (s) => seen.push(s.x.js() as number[]) }).x;
    const x = jit(solve)(np.array([1, 2]));
    expect(x.js()).toEqual([1, 2]);
    expect(seen[seen.length - 1]).toEqual([1, 2]);
    seen.length = 0;
    vmap(solve)(np.array([[1, 2], [3, 4]]));
    expect(seen.map((s) => s.join(','))).toEqual(expect.arrayContaining(['1,2', '3,4']));
  });

  it('rejects a callback that is not a function, naming the option', () => {
    expect(() => optimize.minimize(rosen, [0, 0], { onStep: 3 as unknown as () => void })).toThrow(/optimize.minimize: onStep must be a function/);
  });
});

describe('progress of statistics jobs', () => {
  it('stats.fit reports each Newton iteration with a falling NLL', () => {
    const steps: { iteration: number; nll: number; gradNorm: number }[] = [];
    const r = stats.fit(model, [51, 48], { onStep: (s) => steps.push(s) });
    expect(steps[0].iteration).toBe(1);
    steps.forEach((s, i) => expect(s.iteration).toBe(i + 1));
    steps.slice(1).forEach((s, i) => expect(s.nll).toBeLessThanOrEqual(steps[i].nll + 1e-12));
    expect(steps[steps.length - 1].nll).toBeCloseTo(r.nll, 9);
    expect(steps[0].gradNorm).toBeGreaterThan(steps[steps.length - 1].gradNorm);
  });

  it('profileLikelihood counts its conditional fits; upperLimit reports each hypotest', () => {
    const calls: [number, number][] = [];
    stats.profileLikelihood(model, [51, 48], [0, 0.5, 1, 1.5], { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
    const tested: number[] = [];
    const grid = [0, 0.5, 1, 1.5, 2, 3];
    const lim = stats.upperLimit([51, 48], model, { scan: grid, onHypotest: (mu, r) => { tested.push(mu); expect(r.cls).toBeGreaterThan(0); } });
    expect(tested).toEqual(grid);
    expect(lim.scan.poi).toEqual(grid);
  });

  it('fitBatch reports how many toys have converged after each batched iteration', () => {
    const toys = stats.sampleToys(model, random.key(3), [1, 1, 1], 20);
    const calls: [number, number][] = [];
    const r = stats.fitBatch(model, toys, { onProgress: (c, t) => calls.push([c, t]) });
    expect(calls.length).toBe(r.iterations);
    calls.slice(1).forEach(([c], i) => expect(c).toBeGreaterThanOrEqual(calls[i][0]));
    expect(calls[calls.length - 1]).toEqual([r.converged.filter(Boolean).length, 20]);
  });
});
