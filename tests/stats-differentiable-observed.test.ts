/**
 * Differentiable observed inference (lib/stats/differentiable.ts): the observed CLs and the
 * observed upper limit as Arrays, equal to stats.hypotest / stats.upperLimit, with derivatives in
 * the data and the nominal yields checked against central finite differences of re-run fits
 * (hypotest and upperLimit on shifted data or rebuilt models).
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, jvp, np, stats, vmap } from '../lib/index.js';

// Four parameters: the POI, a normsys and a two-bin shapesys (Poisson constraints) on the background.
const spec = (sig: number[], bkg: number[]) => ({ channels: [{ name: 'sr', samples: [
  { name: 'signal', data: sig, modifiers: [{ type: 'normfactor' as const, name: 'mu' }] },
  { name: 'background', data: bkg, modifiers: [
    { type: 'normsys' as const, name: 'bkg_norm', data: { hi: 1.1, lo: 0.9 } },
    { type: 'shapesys' as const, name: 'bkg_shape', data: [5, 6] },
  ] },
] }] });
const sig = [8, 12], bkg = [50, 60];
const model = stats.histfactory(spec(sig, bkg));
const nom = np.array([bkg, sig]); // rows in model.samples' order: background, signal
const f64 = (v: number[]) => np.array(v, { dtype: 'float64' });
// Data: a mild excess (0 < μ̂ < 1), a deficit (μ̂ < 0: q̃'s free fit is the one at μ = 0), a large excess (μ̂ ≈ 3.6).
const excess = [60, 75], deficit = [40, 45], large = [90, 110];

/** |a − b| ≤ tol |b| (+ a floor for derivatives that vanish). */
const near = (a: number, b: number, tol: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.abs(b) + 1e-12);
/** Central difference of `f` in one entry of `v`, the step 1e-4 of that entry. */
function centralDiff(f: (v: number[]) => number, v: readonly number[], k: number): number {
  const h = 1e-4 * Math.abs(v[k]);
  const at = (dd: number) => { const w = [...v]; w[k] += dd; return f(w); };
  return (at(h) - at(-h)) / (2 * h);
}
const clsOf = (obs: number[], mu: number, s = sig) => stats.hypotest(mu, obs, s === sig ? model : stats.histfactory(spec(s, bkg))).cls;

describe('differentiable observed CLs and upper limit', () => {
  expect(model.samples).toEqual(['background', 'signal']);
  expect(model.parameters.names).toEqual(['mu', 'bkg_norm', 'bkg_shape[0]', 'bkg_shape[1]']);

  it('observedCls equals hypotest(...).cls (q̃ and q, every branch, with or without nominal)', () => {
    for (const obs of [excess, deficit, large]) {
      for (const mu of [0, 0.5, 1, 2]) {
        near(stats.observedCls(model, f64(obs), mu).item(), clsOf(obs, mu), 1e-8);
        near(stats.observedCls(model, obs, mu, { testStat: 'q' }).item(), stats.hypotest(mu, obs, model, { testStat: 'q' }).cls, 1e-8);
      }
    }
    near(stats.observedCls(model, excess, 1, { nominal: nom }).item(), clsOf(excess, 1), 1e-8);
    // Main bins + auxdata: the same data.
    near(stats.observedCls(model, model.fullData(excess), 1).item(), clsOf(excess, 1), 1e-8);
    // At μ = 0 the two hypotheses coincide: CLs is exactly 1, as hypotest's.
    expect(stats.observedCls(model, deficit, 0).item()).toBe(1);
    expect(() => stats.observedCls(model, excess, 1, { testStat: 'q0' as 'q' })).toThrow(/testStat must be 'qtilde' or 'q'/);
  }, 60_000);

  it('its gradient in the data and the yields matches finite differences of re-run fits', () => {
    for (const obs of [excess, deficit]) {
      const gd = grad((d: Array) => stats.observedCls(model, d, 1))(f64(obs)).js() as number[];
      const gn = grad((n: Array) => stats.observedCls(model, obs, 1, { nominal: n }))(nom).js() as number[][];
      [0, 1].forEach((b) => {
        near(gd[b], centralDiff((o) => clsOf(o, 1), obs, b), 1e-4);
        // Signal yields: a rebuilt model differs only in them, so hypotest's fits must agree.
        near(gn[1][b], centralDiff((s) => clsOf(obs, 1, s), sig, b), 1e-4);
      });
      // Background yields: the override keeps the spec's shapesys τ (a rebuilt model would rescale
      // them), so the check re-runs observedCls's own fits.
      near(gn[0][1], centralDiff((bk) => stats.observedCls(model, obs, 1, { nominal: f64([...bk, ...sig]).reshape([2, 2]) }).item(), bkg, 1), 1e-4);
      // Forward mode agrees with reverse mode.
      const [v, t] = jvp((d: Array) => stats.observedCls(model, d, 1), [f64(obs)], [f64([1, -2])]) as [Array, Array];
      near(v.item(), clsOf(obs, 1), 1e-8);
      near(t.item(), gd[0] - 2 * gd[1], 1e-10);
    }
    // More signal excludes more (lower CLs); more observed events exclude less.
    const g = grad((n: Array) => stats.observedCls(model, excess, 1, { nominal: n }))(nom).js() as number[][];
    expect(g[1][0]).toBeLessThan(0);
  }, 120_000);

  it('edge cases: μ̂ > μ gives q̃ = 0 and a finite gradient; at μ = 0 CLs ≡ 1 and its gradient is 0', () => {
    // μ̂ ≈ 3.6 > μ = 1: q̃ = 0, so CLs = Φ(0)/Φ(√q_A) = 0.5/Φ(√q_A), which still moves with the
    // Asimov data (the background-only fit of the data) — the q path contributes nothing, not NaN.
    const r = stats.hypotest(1, large, model);
    expect(r.q).toBe(0);
    near(stats.observedCls(model, large, 1).item(), 0.5 / stats.normalCdf(Math.sqrt(r.qAsimov)).item(), 1e-8);
    const gd = grad((d: Array) => stats.observedCls(model, d, 1))(f64(large)).js() as number[];
    const gn = grad((n: Array) => stats.observedCls(model, large, 1, { nominal: n }))(nom).js() as number[][];
    [...gd, ...gn.flat()].forEach((v) => expect(Number.isFinite(v)).toBe(true));
    [0, 1].forEach((b) => {
      near(gd[b], centralDiff((o) => clsOf(o, 1), large, b), 1e-4);
      near(gn[1][b], centralDiff((s) => clsOf(large, 1, s), sig, b), 1e-4);
    });
    for (const obs of [excess, deficit]) {
      const g0 = grad((d: Array) => stats.observedCls(model, d, 0))(f64(obs)).js() as number[];
      expect(g0).toEqual([0, 0]);
      const n0 = grad((n: Array) => stats.observedCls(model, obs, 0, { nominal: n }))(nom).js() as number[][];
      expect(n0.flat()).toEqual([0, 0, 0, 0]);
    }
  }, 120_000);

  it('vmap over a batch of nominal tensors (and of data) equals the loop; jit agrees', () => {
    const noms = np.array([[bkg, sig], [bkg, [10, 14]], [[40, 70], sig]]);
    const f = (n: Array) => stats.observedCls(model, excess, 1, { nominal: n });
    const batched = vmap(f)(noms).js() as number[];
    batched.forEach((v, i) => near(v, f(noms.slice(i)).item(), 1e-9));
    near(jit(f)(noms.slice(1)).item(), batched[1], 1e-9);
    const datas = f64([excess, deficit, large].flat()).reshape([3, 2]);
    const byData = vmap((d: Array) => stats.observedCls(model, d, 1))(datas).js() as number[];
    byData.forEach((v, i) => near(v, clsOf([excess, deficit, large][i], 1), 1e-8));
    // Gradients of the batch: one per candidate analysis.
    const gb = vmap(grad(f))(noms).js() as number[][][];
    near(gb[1][1][0], (grad(f)(noms.slice(1)).js() as number[][])[1][0], 1e-8);
  }, 120_000);

  it('a fit that would leave its bounds is an error, not a CLs different from hypotest\'s', () => {
    // An empty bin with a wide staterror: the unbounded fit puts γ at 1 − σ²/b = −4 (stats.fit holds it at 1e-10).
    const m = stats.histfactory({ channels: [{ name: 'sr', samples: [
      { name: 'signal', data: [10, 0], modifiers: [{ type: 'normfactor' as const, name: 'mu' }] },
      { name: 'background', data: [20, 20], modifiers: [{ type: 'staterror' as const, name: 'stat', data: [2, 10] }] },
    ] }] });
    expect(() => stats.observedCls(m, [25, 0], 1)).toThrow(/observedCls: the unconditional fit puts stat\[1\] = -4\.000 \(bounds \[1e-10, 10\]\) outside its bounds/);
    expect(() => stats.observedUpperLimit(m, [25, 0])).toThrow(/observedUpperLimit: .* outside its bounds/);
    near(stats.observedCls(m, [25, 20], 1).item(), stats.hypotest(1, [25, 20], m).cls, 1e-8);
  }, 60_000);

  it('observedUpperLimit equals upperLimit(...).observed; its implicit gradient matches re-run limits', () => {
    const ul = (o: number[], s = sig) => stats.upperLimit(o, s === sig ? model : stats.histfactory(spec(s, bkg)), { rtol: 1e-12 }).observed;
    const lim = stats.observedUpperLimit(model, f64(excess), { nominal: nom });
    near(lim.item(), ul(excess), 1e-8);
    near(stats.observedUpperLimit(model, deficit).item(), ul(deficit), 1e-8);
    // The limit is where the observed CLs is the level.
    near(stats.observedCls(model, excess, lim.item()).item(), 0.05, 1e-8);
    near(stats.observedUpperLimit(model, excess, { level: 0.1, bracket: [0.5, 1] }).item(), stats.upperLimit(excess, model, { level: 0.1, rtol: 1e-12 }).observed, 1e-8);
    const gd = grad((d: Array) => stats.observedUpperLimit(model, d))(f64(excess)).js() as number[];
    const gn = grad((n: Array) => stats.observedUpperLimit(model, excess, { nominal: n }))(nom).js() as number[][];
    near(gd[1], centralDiff((o) => ul(o), excess, 1), 1e-4);
    near(gn[1][0], centralDiff((s) => ul(excess, s), sig, 0), 1e-4);
    // More signal, a lower limit; more observed events or background, a higher one.
    expect(gn[1][0]).toBeLessThan(0);
    expect(gd[1]).toBeGreaterThan(0);
  }, 180_000);
});
