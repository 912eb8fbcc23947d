import { describe, expect, it } from 'vitest';
import { np, grad, vmap, jit, jvp, random, relax } from '../lib/index.js';
import { describeEachBackend } from './backends.js';

// ---- plain-JS (float64) references ----------------------------------------------------------
const logsumexp = (xs: number[]) => { const m = Math.max(...xs); return m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0)); };
const jsSoftmax = (xs: number[]) => { const l = logsumexp(xs); return xs.map((v) => Math.exp(v - l)); };
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const sortAsc = (xs: number[]) => [...xs].sort((a, b) => a - b);
const rankdata = (xs: number[]) => xs.map((v) => 1 + xs.filter((u) => u < v).length); // distinct values
/** Standard normal CDF by composite Simpson integration of the density (independent of erf/erfc). */
function normCdf(z: number): number {
  if (z < -12) return 0;
  if (z > 12) return 1;
  const n = 4000, a = Math.min(0, z), b = Math.max(0, z), h = (b - a) / n;
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = pdf(a) + pdf(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * pdf(a + i * h);
  const integral = (s * h) / 3;
  return z >= 0 ? 0.5 + integral : 0.5 - integral;
}
/** Central finite differences of a scalar function of a JS vector. */
function fdGrad(f: (v: number[]) => number, x: number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const p = [...x], m = [...x];
    p[i] += h; m[i] -= h;
    return (f(p) - f(m)) / (2 * h);
  });
}
function closeCheck(actual: number[] | number, expected: number[] | number, ok: (v: number, e: number) => boolean, what: string) {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (!ok(v, e[i])) {
      throw new Error(`element ${i}: got ${v}, expected ${e[i]} (${what})\n actual ${JSON.stringify(a)}\n expected ${JSON.stringify(e)}`);
    }
  });
}
/** Async central differences of a scalar function (evaluated on the device) of a JS vector. */
async function fdGradAsync(f: (v: number[]) => Promise<number>, x: number[], h: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const p = [...x], m = [...x];
    p[i] += h; m[i] -= h;
    out.push(((await f(p)) - (await f(m))) / (2 * h));
  }
  return out;
}

const X = [0.3, -1.2, 2.5, 0.9, 1.7, -0.4];

/**
 * On the cpu every check is as written (float64: atol/rtol down to 1e-15, exact equalities). On
 * a float32 device a value also passes within `f32` (default 1e-5) relative to max(1, |want|),
 * exact equalities compare with float32-rounded expectations or within that tolerance, and the
 * central differences of device-evaluated functions use a step of 1e-2 (float32 cannot resolve
 * 1e-5 steps) with a tolerance of 1e-3.
 */
describeEachBackend('relax', (b) => {
  const f64 = b.dtype === 'float64';
  const num = async (a: np.Array) => (await b.read(a)) as number;
  const vec = async (a: np.Array) => { const d = await b.read(a); return typeof d === 'number' ? [d] : d; };
  const rows = async (a: np.Array) => { const d = await vec(a); const n = a.shape[a.ndim - 1]; return Array.from({ length: d.length / n }, (_, i) => d.slice(i * n, (i + 1) * n)); };
  function expectClose(actual: number[] | number, expected: number[] | number, atol: number, rtol = 0, f32 = 1e-5) {
    closeCheck(actual, expected, (v, e) => Math.abs(v - e) <= atol + rtol * Math.abs(e) || (!f64 && Math.abs(v - e) <= f32 * Math.max(1, Math.abs(e))), f64 ? `atol ${atol}, rtol ${rtol}` : `atol ${atol}, rtol ${rtol}, float32 ${f32}`);
  }
  /** toEqual on the cpu; on float32 within its tolerance. */
  const expectEqual = (got: number[], want: number[], f32 = 1e-6) => (f64 ? expect(got).toEqual(want) : expectClose(got, want, 0, 0, f32));
  const H = f64 ? 1e-5 : 1e-2;
  const FD = 1e-3;
  /** d/ds g at s: the central difference with step H on the cpu; on float32 the five-point stencil (truncation O(H⁴)). */
  const deriv = async (g: (s: number) => Promise<number>, s: number) => (f64
    ? ((await g(s + H)) - (await g(s - H))) / (2 * H)
    : (-(await g(s + 2 * H)) + 8 * (await g(s + H)) - 8 * (await g(s - H)) + (await g(s - 2 * H))) / (12 * H));

  describe('relax.smoothMax / smoothMin', () => {
    it('equals τ·logsumexp(x/τ) computed in float64 by hand, over axes', async () => {
      for (const tau of [1, 0.3, 5]) {
        expectClose(await num(relax.smoothMax(np.array(X), { temperature: tau })), tau * logsumexp(X.map((v) => v / tau)), 1e-13, 1e-13);
        expectClose(await num(relax.smoothMin(np.array(X), { temperature: tau })), -tau * logsumexp(X.map((v) => -v / tau)), 1e-13, 1e-13);
      }
      const M = [[1, 2, 3], [-4, 0.5, 7]];
      const m = np.array(M);
      expectClose(await vec(relax.smoothMax(m)), M.map((r) => logsumexp(r)), 1e-13, 1e-13);
      expectClose(await vec(relax.smoothMax(m, { axis: 0 })), [0, 1, 2].map((j) => logsumexp([M[0][j], M[1][j]])), 1e-13, 1e-13);
      expectClose(await num(relax.smoothMax(m, { axis: null })), logsumexp(M.flat()), 1e-13, 1e-13);
      expect(relax.smoothMax(m, { axis: 1, keepdims: true }).shape).toEqual([2, 1]);
      expect(relax.smoothMax(m, { axis: null, keepdims: true }).shape).toEqual([1, 1]);
    });

    it('is stable at |x| ~ 1e3 and approaches max/min as τ → 0', async () => {
      const big = [1000, 999, -1000, 998.5];
      const v = await num(relax.smoothMax(np.array(big)));
      expect(Number.isFinite(v)).toBe(true);
      expectClose(v, logsumexp(big), 1e-12, 1e-14);
      const vmin = await num(relax.smoothMin(np.array(big.map((x) => -x))));
      expectClose(vmin, -logsumexp(big), 1e-12, 1e-14);
      const g = await vec(grad((x: np.Array) => relax.smoothMax(x))(np.array(big)));
      expect(g.every(Number.isFinite)).toBe(true);
      expectClose(g, jsSoftmax(big), 1e-13);
      // All very negative, and a tiny temperature with O(1) inputs: x/τ ~ 1e6.
      expectClose(await num(relax.smoothMax(np.array([-1000, -1001]))), logsumexp([-1000, -1001]), 1e-12);
      // float32: the max itself is rounded (X's entries are not float32 numbers).
      const mx = f64 ? Math.max(...X) : Math.fround(Math.max(...X));
      const mn = f64 ? Math.min(...X) : Math.fround(Math.min(...X));
      for (const tau of [1e-2, 1e-4, 1e-6]) {
        const sm = await num(relax.smoothMax(np.array(X), { temperature: tau }));
        expect(sm).toBeGreaterThanOrEqual(mx);
        expect(sm - mx).toBeLessThanOrEqual(tau * Math.log(X.length) + (f64 ? 1e-15 : 1e-6));
        const t = await num(relax.smoothMin(np.array(X), { temperature: tau }));
        expect(mn - t).toBeLessThanOrEqual(tau * Math.log(X.length) + (f64 ? 1e-15 : 1e-6));
      }
    });

    it('has the softmax weights as gradient, matching finite differences, also in τ', async () => {
      for (const tau of [1, 0.25]) {
        const g = await vec(grad((x: np.Array) => relax.smoothMax(x, { temperature: tau }))(np.array(X)));
        expectClose(g, jsSoftmax(X.map((v) => v / tau)), 1e-14);
        expectClose(g, fdGrad((v) => tau * logsumexp(v.map((u) => u / tau)), X), 1e-8);
        const gmin = await vec(grad((x: np.Array) => relax.smoothMin(x, { temperature: tau }))(np.array(X)));
        expectClose(gmin, jsSoftmax(X.map((v) => -v / tau)), 1e-14);
      }
      const gTau = await num(grad((t: np.Array) => relax.smoothMax(np.array(X), { temperature: t }))(np.array(0.7)));
      expectClose(gTau, fdGrad(([t]) => t * logsumexp(X.map((v) => v / t)), [0.7])[0], 1e-8);
    });

    it('composes with vmap, jit and nested grad', async () => {
      const xs = np.array([X, X.map((v) => v * 2 - 1), X.map((v) => -v)]);
      const f = (x: np.Array) => relax.smoothMax(x, { temperature: 0.5 });
      const batched = await vec(vmap(f)(xs));
      for (const i of [0, 1, 2]) expectClose(batched[i], await num(f(xs.slice(i))), 1e-14);
      expectClose(await vec(jit(f)(xs)), batched, 1e-14);
      // d²/ds² smoothMax(x + s·d): grad(grad) vs finite differences of grad.
      const d = np.array([1, -2, 0.5, 0.3, -1, 2]);
      const h = (s: np.Array) => relax.smoothMax(np.array(X).add(d.mul(s)), { temperature: 0.5 });
      const g2 = await num(grad(grad(h))(np.array(0.1)));
      const g1 = (s: number) => num(grad(h)(np.array(s)));
      expectClose(g2, await deriv(g1, 0.1), 1e-6, 1e-6, FD);
    });
  });

  describe('relax.softSort / softRank', () => {
    it('approaches the hard sort and rank (1-based) as ε → 0', async () => {
      const x = np.array(X);
      const opts = { epsilon: 1e-3, iterations: 300 };
      expectClose(await vec(relax.softSort(x, opts)), sortAsc(X), 1e-9);
      expectClose(await vec(relax.softSort(x, { ...opts, descending: true })), sortAsc(X).reverse(), 1e-9);
      expectClose(await vec(relax.softRank(x, opts)), rankdata(X), 1e-9);
      expectClose(await vec(relax.softRank(x, { ...opts, descending: true })), rankdata(X.map((v) => -v)), 1e-9);
      // A shuffled, unevenly spaced vector (gaps in [0.1, 1.1], spread over [0, ~7]).
      let seed = 12345;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const sorted: number[] = [];
      for (let i = 0, v = -3; i < 12; i++) sorted.push((v += 0.1 + rnd()));
      const r = sorted.map((v) => [rnd(), v]).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
      expectClose(await vec(relax.softSort(np.array(r), { epsilon: 1e-3, iterations: 500 })), sortAsc(r), 1e-6);
      expectClose(await vec(relax.softRank(np.array(r), { epsilon: 1e-3, iterations: 500 })), rankdata(r), 1e-5);
      // Errors decrease with ε.
      const err = async (eps: number) => (await vec(relax.softSort(x, { epsilon: eps, iterations: 200 }))).reduce((s, v, i) => s + Math.abs(v - sortAsc(X)[i]), 0);
      expect(await err(0.3)).toBeGreaterThan(await err(0.1));
      expect(await err(0.1)).toBeGreaterThan(await err(0.03));
    });

    it('gives soft values inside [min, max], increasing, and is shift/scale equivariant', async () => {
      const s = await vec(relax.softSort(np.array(X)));
      for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
      const lo = f64 ? Math.min(...X) : Math.fround(Math.min(...X));
      const hi = f64 ? Math.max(...X) : Math.fround(Math.max(...X));
      expect(Math.min(...s)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...s)).toBeLessThanOrEqual(hi);
      const s2 = await vec(relax.softSort(np.array(X.map((v) => 3 * v - 7))));
      expectClose(s2, s.map((v) => 3 * v - 7), 1e-12);
      const r = await vec(relax.softRank(np.array(X)));
      r.forEach((v) => { expect(v).toBeGreaterThanOrEqual(1); expect(v).toBeLessThanOrEqual(X.length); });
      expectClose(r.reduce((p, q) => p + q, 0), (X.length * (X.length + 1)) / 2, 0.05);
      // Constant inputs give finite values and gradients.
      expectClose(await vec(relax.softSort(np.array([2, 2, 2]))), [2, 2, 2], 1e-12);
      expect((await vec(grad((v: np.Array) => relax.softSort(v).sum())(np.array([2, 2, 2])))).every(Number.isFinite)).toBe(true);
    });

    it('has gradients matching central finite differences', async () => {
      const w = np.array([1, -0.5, 2, 0.3, -1, 0.7]);
      const fs = (v: np.Array) => relax.softSort(v, { epsilon: 0.2, iterations: 30 }).mul(w).sum();
      const fr = (v: np.Array) => relax.softRank(v, { epsilon: 0.2, iterations: 30 }).mul(w).sum();
      for (const f of [fs, fr]) {
        const g = await vec(grad(f)(np.array(X)));
        expectClose(g, await fdGradAsync((v) => num(f(np.array(v))), X, H), 1e-7, 1e-6, FD);
        expect(g.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      }
      // Forward mode agrees with reverse mode.
      const t = np.array([0.2, 1, -0.3, 0.5, 0, 1.1]);
      const [, tan] = jvp(fs, [np.array(X)], [t]);
      const gs = await vec(grad(fs)(np.array(X)));
      const tv = await vec(t);
      expectClose(await num(tan), gs.reduce((s, gi, i) => s + gi * tv[i], 0), 1e-12, 1e-10);
    });

    it('composes with vmap (and batches leading axes) and nested grad', async () => {
      const rs = [X, X.map((v) => -2 * v + 1), X.map((v, i) => v * v - i)];
      const xs = np.array(rs);
      for (const f of [relax.softSort, relax.softRank]) {
        const g = (v: np.Array) => f(v, { epsilon: 0.1, iterations: 40 });
        const bt = await rows(vmap(g)(xs));
        const direct = await rows(g(xs));
        const jitted = await rows(jit(g)(xs));
        for (let i = 0; i < rs.length; i++) {
          const one = await vec(g(np.array(rs[i])));
          expectClose(bt[i], one, 1e-12);
          expectClose(direct[i], one, 1e-12);
          expectClose(jitted[i], one, 1e-12);
        }
      }
      const d = np.array([1, -2, 0.5, 0.3, -1, 2]);
      const w = np.array([1, -0.5, 2, 0.3, -1, 0.7]);
      const h = (s: np.Array) => relax.softSort(np.array(X).add(d.mul(s)), { epsilon: 0.2, iterations: 20 }).mul(w).sum();
      const g2 = await num(grad(grad(h))(np.array(0.1)));
      const g1 = (s: number) => num(grad(h)(np.array(s)));
      expectClose(g2, await deriv(g1, 0.1), 1e-6, 1e-5, FD);
      const hr = (s: np.Array) => relax.softRank(np.array(X).add(d.mul(s)), { epsilon: 0.2, iterations: 20 }).mul(w).sum();
      const gr2 = await num(grad(grad(hr))(np.array(0.1)));
      const gr1 = (s: number) => num(grad(hr)(np.array(s)));
      expectClose(gr2, await deriv(gr1, 0.1), 1e-6, 1e-5, FD);
    });
  });

  describe('relax.straightThrough', () => {
    it('returns hard bit for bit with the surrogate gradient', async () => {
      // Values where surrogate + (hard − surrogate) is not exact in float64.
      const s = [0.1, 1e-17, 3.3333333333333335, -7.77, 1e20];
      const hardVals = [0.7, 1, 0.30000000000000004, 123456.789, 1];
      // Bit for bit in the device's float: float64 on the cpu, the float32 roundings elsewhere.
      const want = f64 ? hardVals : hardVals.map(Math.fround);
      const out = await vec(relax.straightThrough(np.array(hardVals), np.array(s)));
      expect(out).toEqual(want);
      expect(Object.is(out[0], want[0])).toBe(true);
      // Naive s + (h - s) would not be exact for at least one of these.
      expect(s.some((v, i) => v + (hardVals[i] - v) !== hardVals[i])).toBe(true);
      // Gradient: surrogate's, and none into hard.
      const f = (h: np.Array, v: np.Array) => relax.straightThrough(h, v.mul(v)).mul(np.array([1, 2, 3, 4, 5])).sum();
      const [gh, gv] = grad(f, { argnums: [0, 1] })(np.array(hardVals), np.array([1, 2, 3, 4, 5])) as np.Array[];
      expect(await vec(gh)).toEqual([0, 0, 0, 0, 0]);
      expectClose(await vec(gv), [2, 8, 18, 32, 50], 1e-14);
    });

    it('works for a rounding STE under grad, jit, vmap, jvp and nested grad', async () => {
      const ste = (x: np.Array) => relax.straightThrough(np.round(x), x);
      const x = np.array([0.4, 1.6, -2.2]);
      expect(await vec(ste(x))).toEqual([0, 2, -2]);
      expect(await vec(jit(ste)(x))).toEqual([0, 2, -2]);
      expectEqual(await vec(grad((v: np.Array) => ste(v).mul(v).sum())(x)), [0.4, 3.6, -4.2]); // round(x) + x
      expect(await vec(vmap(ste)(x))).toEqual([0, 2, -2]);
      expect(await vec(vmap(grad((v: np.Array) => ste(v).square()))(x))).toEqual([0, 4, -4]); // 2·round(x)·1
      expectClose(await num(jvp((v: np.Array) => ste(v).sum(), [x], [np.array([1, 2, 3])])[1]), 6, 0, 0, 0);
      // Higher derivatives are the surrogate's: d²/dx² of ST(round(x³), x³) = 6x.
      const cube = (v: np.Array) => relax.straightThrough(np.round(v.mul(v).mul(v)), v.mul(v).mul(v));
      expectClose(await num(grad(grad(cube))(np.array(0.7))), 4.2, 1e-12);
      // bool hard values are cast exactly, and shapes broadcast.
      expect(await vec(relax.straightThrough(np.array([true, false]), np.array([0.3, 0.6])))).toEqual([1, 0]);
    });
  });

  describe('relax.gumbelSoftmax', () => {
    const logits = () => np.array([[0.5, -1, 2, 0.1, 0], [3, 3, -2, 1, 0.2], [0, 0, 0, 0, 0], [-5, 1, 1.5, 2, -0.3]]);

    it('samples lie on the simplex; hard gives exact one-hots of the same argmax as random.categorical', async () => {
      const k = random.key(42);
      for (const tau of [1, 0.1, 10]) {
        const y = await rows(relax.gumbelSoftmax(k, logits(), { temperature: tau }));
        y.forEach((r) => { expectClose(r.reduce((p, q) => p + q, 0), 1, 1e-14); r.forEach((v) => expect(v).toBeGreaterThanOrEqual(0)); });
      }
      const soft = await rows(relax.gumbelSoftmax(k, logits()));
      const hard = await rows(relax.gumbelSoftmax(k, logits(), { hard: true }));
      const cat = await vec(random.categorical(k, logits()));
      hard.forEach((r, i) => {
        const am = soft[i].indexOf(Math.max(...soft[i]));
        expect(r).toEqual(r.map((_, j) => (j === am ? 1 : 0)));
        expect(am).toBe(cat[i]);
      });
      // axis = 0 samples columns.
      const c = await vec(relax.gumbelSoftmax(k, logits(), { axis: 0 }).sum(0));
      expectClose(c, [1, 1, 1, 1, 1], 1e-14);
      // τ → 0: soft samples approach the one-hots.
      const cold = await rows(relax.gumbelSoftmax(k, logits(), { temperature: 1e-4 }));
      cold.forEach((r, i) => expectClose(r, hard[i], 1e-6));
    });

    it('hard samples carry the soft sample\'s gradient; soft gradients match finite differences', async () => {
      const k = random.key(7);
      const c = np.array([1, -2, 0.5, 3, 0.2]);
      const fh = (l: np.Array) => relax.gumbelSoftmax(k, l, { hard: true, temperature: 0.5 }).mul(c).sum();
      const fs = (l: np.Array) => relax.gumbelSoftmax(k, l, { temperature: 0.5 }).mul(c).sum();
      expectClose(await vec(grad(fh)(logits())), await vec(grad(fs)(logits())), 0, 0, 0);
      expect((await vec(grad(fh)(logits()))).some((v) => Math.abs(v) > 1e-3)).toBe(true);
      const L = await vec(logits());
      expectClose(await vec(grad(fs)(logits())), await fdGradAsync((v) => num(fs(np.array(v).reshape([4, 5]))), L, H), 1e-8, 1e-6, FD);
      // Temperature gradient.
      const ft = (t: np.Array) => relax.gumbelSoftmax(k, logits(), { temperature: t }).mul(c).sum();
      const ht = f64 ? 1e-6 : 1e-2;
      expectClose(await num(grad(ft)(np.array(0.8))), ((await num(ft(np.array(0.8 + ht)))) - (await num(ft(np.array(0.8 - ht))))) / (2 * ht), 1e-7, 1e-6, FD);
    });

    it('vmap over keys equals per-key calls', async () => {
      const keys = random.split(random.key(1), 3);
      const l = logits().slice(0);
      const bt = await rows(vmap((kk: np.Array) => relax.gumbelSoftmax(kk, l, { temperature: 0.7 }))(keys));
      for (const i of [0, 1, 2]) expectClose(bt[i], await vec(relax.gumbelSoftmax(keys.slice(i), l, { temperature: 0.7 })), 1e-14);
    });

    it('argmax frequencies over many draws match softmax(logits) (5σ)', async () => {
      const lg = [0.5, -1, 2, 0.1, 0];
      const p = jsSoftmax(lg);
      const N = 20000;
      const y = relax.gumbelSoftmax(random.key(2024), np.broadcastTo(np.array(lg), [N, lg.length]), { temperature: 0.3 });
      const idx = await vec(np.argmax(y, -1));
      const counts = lg.map(() => 0);
      for (const i of idx) counts[i]++;
      p.forEach((pk, k) => {
        const sigma = Math.sqrt(N * pk * (1 - pk));
        expect(Math.abs(counts[k] - N * pk)).toBeLessThan(5 * sigma);
      });
      // The mean soft sample's hard counterpart: hard samples average to the same frequencies.
      const hm = await vec(relax.gumbelSoftmax(random.key(2024), np.broadcastTo(np.array(lg), [N, lg.length]), { hard: true }).mean(0));
      p.forEach((pk, k) => expect(Math.abs(hm[k] - pk)).toBeLessThan(5 * Math.sqrt(pk * (1 - pk) / N)));
    });
  });

  describe('relax.softCut', () => {
    it('equals the sigmoid, has a threshold gradient, and approaches the hard cut as τ → 0', async () => {
      const thr = 0.5;
      for (const tau of [1, 0.2]) {
        expectClose(await vec(relax.softCut(np.array(X), thr, { temperature: tau })), X.map((v) => sigmoid((v - thr) / tau)), 1e-15);
        const eff = (t: np.Array) => relax.softCut(np.array(X), t, { temperature: tau }).mean();
        const g = await num(grad(eff)(np.array(thr)));
        const exact = -X.reduce((s, v) => s + sigmoid((v - thr) / tau) * (1 - sigmoid((v - thr) / tau)) / tau, 0) / X.length;
        expectClose(g, exact, 1e-15, 1e-12);
        expectClose(g, fdGrad(([t]) => X.reduce((s, v) => s + sigmoid((v - t) / tau), 0) / X.length, [thr])[0], 1e-9);
        // x-gradient
        expectClose(await vec(grad((v: np.Array) => relax.softCut(v, thr, { temperature: tau }).sum())(np.array(X))), X.map((v) => sigmoid((v - thr) / tau) * (1 - sigmoid((v - thr) / tau)) / tau), 1e-15);
      }
      expect(await vec(relax.softCut(np.array(X), thr, { temperature: 1e-4 }))).toEqual(X.map((v) => (v > thr ? 1 : 0)));
      expect(await num(relax.softCut(np.array(0.5), 0.5))).toBe(0.5);
      // Stable for large arguments.
      expect(await vec(relax.softCut(np.array([1e3, -1e3]), 0, { temperature: 1e-3 }))).toEqual([1, 0]);
      const bt = vmap((t: np.Array) => relax.softCut(np.array(X), t).sum())(np.array([0, 1]));
      expectClose(await vec(bt), [0, 1].map((t) => X.reduce((s, v) => s + sigmoid(v - t), 0)), 1e-14);
    });
  });

  describe('relax.softHistogram', () => {
    const xs = [0.3, -1.2, 2.5, 0.9, 1.7, -0.4, 0.15, 2.95];
    const edges = [-2, -1, 0, 1, 2, 3];
    const wts = [1, 0.5, 2, 1.5, 1, 0.25, 3, 0.7];
    const ref = (x: number[], e: number[], h: number, w: number[]) =>
      e.slice(0, -1).map((lo, k) => x.reduce((s, xi, i) => s + w[i] * (normCdf((e[k + 1] - xi) / h) - normCdf((lo - xi) / h)), 0));
    const hardHist = (x: number[], e: number[], w: number[]) =>
      e.slice(0, -1).map((lo, k) => x.reduce((s, xi, i) => s + (xi >= lo && xi < e[k + 1] ? w[i] : 0), 0));

    it('equals the Gaussian-KDE bin masses and tends to the hard histogram as h → 0', async () => {
      for (const h of [0.3, 1]) {
        expectClose(await vec(relax.softHistogram(np.array(xs), np.array(edges), { bandwidth: h })), ref(xs, edges, h, xs.map(() => 1)), 1e-10);
        expectClose(await vec(relax.softHistogram(np.array(xs), np.array(edges), { bandwidth: h, weights: np.array(wts) })), ref(xs, edges, h, wts), 1e-10);
      }
      expectClose(await vec(relax.softHistogram(np.array(xs), np.array(edges), { bandwidth: 1e-3 })), hardHist(xs, edges, xs.map(() => 1)), 1e-12);
      expectClose(await vec(relax.softHistogram(np.array(xs), np.array(edges), { bandwidth: 1e-3, weights: np.array(wts) })), hardHist(xs, edges, wts), 1e-12);
      expect(hardHist(xs, edges, xs.map(() => 1))).toEqual([1, 1, 3, 1, 2]);
      // Mass is conserved when every event is far inside the edges.
      const tot = (await vec(relax.softHistogram(np.array(xs), np.array([-10, -1, 0, 1, 2, 13]), { bandwidth: 0.5 }))).reduce((p, q) => p + q, 0);
      expectClose(tot, xs.length, 1e-12);
    });

    it('is differentiable in x, edges, bandwidth and weights (vs finite differences)', async () => {
      const f = (x: np.Array, e: np.Array, h: np.Array, w: np.Array) =>
        relax.softHistogram(x, e, { bandwidth: h, weights: w }).mul(np.array([1, -2, 3, 0.5, -1])).sum();
      const args = [xs, edges, [0.4], wts];
      const gs = grad(f, { argnums: [0, 1, 2, 3] })(np.array(xs), np.array(edges), np.array(0.4), np.array(wts)) as np.Array[];
      const toArgs = (a: number[][]) => [np.array(a[0]), np.array(a[1]), np.array(a[2][0]), np.array(a[3])] as const;
      for (let k = 0; k < args.length; k++) {
        const fd = await fdGradAsync((v) => { const c = [...args]; c[k] = v; return num(f(...toArgs(c))); }, args[k], H);
        expectClose(k === 2 ? [await num(gs[k])] : await vec(gs[k]), fd, 1e-8, 1e-6, FD);
      }
    });

    it('composes with vmap and nested grad', async () => {
      const batch = [xs, xs.map((v) => v * 0.5 + 0.2)];
      const f = (x: np.Array) => relax.softHistogram(x, np.array(edges), { bandwidth: 0.3 });
      const bt = await rows(vmap(f)(np.array(batch)));
      for (let i = 0; i < batch.length; i++) expectClose(bt[i], await vec(f(np.array(batch[i]))), 1e-14);
      const h = (bw: np.Array) => relax.softHistogram(np.array(xs), np.array(edges), { bandwidth: bw }).mul(np.array([1, -2, 3, 0.5, -1])).sum();
      const g2 = await num(grad(grad(h))(np.array(0.4)));
      const g1 = (s: number) => num(grad(h)(np.array(s)));
      expectClose(g2, await deriv(g1, 0.4), 1e-6, 1e-5, FD);
    });
  });
});
