import { describe, expect, it } from 'vitest';
import { np, grad, jit, vmap, scipySpecial as ss } from '../lib/index.js';
import * as sp from '../lib/backends/cpu/special.js';
import { describeEachBackend } from './backends.js';

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
/** Central finite difference of a scalar function. */
const fd = (f: (x: number) => number, x: number, h = 1e-6 * Math.max(1, Math.abs(x))) => (f(x + h) - f(x - h)) / (2 * h);

/**
 * On the cpu (float64) every check is relative with the tolerance written at the call; on a
 * float32 device relative with `f32Tol` (float32 has ~6e-8 relative precision, and transcendental
 * kernels lose a few ulps), and the points are
 * restricted to where float32 can represent the inputs and results (the float64-only tails of
 * ndtr/logNdtr/ndtri/erfc are checked on the cpu only).
 */
describeEachBackend('scipy.special', (b) => {
  const f64 = b.dtype === 'float64';
  const F32 = 2e-5;
  const closeRel = (a: number, want: number, tol: number, f32Tol = F32) => {
    if (f64) expect(rel(a, want), `${a} vs ${want}`).toBeLessThanOrEqual(tol);
    // Relative, except for references below float32's smallest normal (~1.2e-38), which it rounds to 0.
    else expect(Math.abs(want) < 2 ** -126 ? Math.abs(a) : rel(a, want), `${a} vs ${want}`).toBeLessThanOrEqual(f32Tol);
  };
  const num = async (x: np.Array) => (await b.read(x)) as number;
  const vec = async (x: np.Array) => (await b.read(x)) as number[];
  const d1 = (f: (x: np.Array) => np.Array) => (x: number) => num(grad(f)(np.array(x)));
  const val = (f: (x: np.Array) => np.Array) => (x: number) => num(f(np.array(x)));
  /** The cpu's points, or on float32 those for which `ok` holds. */
  const pts = (xs: number[], ok: (x: number) => boolean) => (f64 ? xs : xs.filter(ok));

  describe('logsumexp', () => {
    const x = [[1, 2, 3], [-1000, 1000, 999]];
    const ref = (r: number[]) => { const m = Math.max(...r); return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0)); };
    it('is stable and matches plain JS over axes, with keepdims and b', async () => {
      const out = await vec(ss.logsumexp(np.array(x), 1));
      out.forEach((v, i) => closeRel(v, ref(x[i]), 1e-15));
      expect(ss.logsumexp(np.array(x), 1, { keepdims: true }).shape).toEqual([2, 1]);
      expect(ss.logsumexp(np.array(x)).shape).toEqual([]);
      closeRel(await num(ss.logsumexp(np.array(x))), ref(x.flat()), 1e-15);
      closeRel(await num(ss.logsumexp(np.array([0, Math.log(2)]), -1, { b: np.array([2, 0.5]) })), Math.log(3), 1e-15);
      expect(await num(ss.logsumexp(np.array([-Infinity, -Infinity])))).toBe(-Infinity);
    });
    it('has the softmax as its gradient, even for huge inputs', async () => {
      const g = await vec(grad((v: np.Array) => ss.logsumexp(v))(np.array([1000, 1000 + Math.log(3)])));
      // 1000 + log 3 is rounded to ulp(1000) ~ 1e-13 (float32: ~6e-5), so the split is exact only to that.
      closeRel(g[0], 0.25, 1e-12, 1e-4);
      closeRel(g[1], 0.75, 1e-12, 1e-4);
    });
  });

  describe('xlogy and xlog1py', () => {
    it('are 0 where x == 0 and x log y elsewhere', async () => {
      expect(await num(ss.xlogy(0, 0))).toBe(0);
      const got = await vec(ss.xlogy(np.array([0, 2, 3]), np.array([0, 3, 0.5])));
      const want = [0, 2 * Math.log(3), 3 * Math.log(0.5)];
      if (f64) expect(got).toEqual(want);
      else b.expectClose(got, want, F32);
      expect(await num(ss.xlog1py(0, -1))).toBe(0);
      closeRel(await num(ss.xlog1py(2, 1e-20)), 2e-20, 1e-15);
    });
    it("follow JAX's derivative convention: d/dx = log y, d/dy = x / y", async () => {
      const gx = (x: number, y: number) => num(grad((a: np.Array) => ss.xlogy(a, y))(np.array(x)));
      const gy = (x: number, y: number) => num(grad((c: np.Array) => ss.xlogy(x, c))(np.array(y)));
      closeRel(await gx(2, 3), Math.log(3), 1e-15);
      closeRel(await gy(2, 3), 2 / 3, 1e-15);
      closeRel(await gx(0, 2), Math.log(2), 1e-15);
      expect(await gy(0, 2)).toBe(0);
      expect(await gx(0, 0)).toBe(-Infinity); // log(0), as in jax.scipy.special.xlogy
      closeRel(await num(grad((c: np.Array) => ss.xlog1py(2, c))(np.array(0.5))), 2 / 1.5, 1e-15);
      closeRel(await num(grad((a: np.Array) => ss.xlog1py(a, 0.5))(np.array(0))), Math.log1p(0.5), 1e-15);
      // Second derivative in y: -x / y^2.
      closeRel(await num(grad(grad((c: np.Array) => ss.xlogy(2, c)))(np.array(3))), -2 / 9, 1e-14);
    });
    it('broadcast their arguments', async () => {
      const got = await vec(ss.xlogy(np.array([1, 2]), Math.E));
      if (f64) expect(got).toEqual([1, 2]);
      else b.expectClose(got, [1, 2], F32);
      const g = await num(grad((y: np.Array) => ss.xlogy(np.array([1, 2]), y).sum())(np.array(2)));
      closeRel(g, 1.5, 1e-15);
    });
  });

  describe('special functions vs the accurate scalar references', () => {
    const xs = [-4.5, -0.5, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 123.4];
    it('gammaln and digamma, with gradients', async () => {
      for (const x of xs) {
        closeRel(await val(ss.gammaln)(x), sp.lgamma(x), 1e-14, 1e-4);
        closeRel(await val(ss.digamma)(x), sp.digamma(x), 1e-13, 1e-4);
        closeRel(await d1(ss.gammaln)(x), sp.digamma(x), 1e-13, 1e-4);
        if (x > 0) closeRel(await d1(ss.gammaln)(x), fd(sp.lgamma, x), 1e-7, 1e-4);
      }
      expect(await val(ss.gammaln)(1)).toBe(0);
    });
    it('erf and erfc', async () => {
      for (const x of [-6, -2, -0.3, 0, 1e-10, 0.7, 3, 20]) {
        closeRel(await val(ss.erf)(x), sp.erf(x), 1e-15);
        // erfc(20) ~ 5e-176 underflows float32.
        if (f64 || x < 9) closeRel(await val(ss.erfc)(x), sp.erfc(x), 1e-14);
        closeRel(await d1(ss.erf)(x), (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), 1e-14);
      }
    });
    // Rounding x/√2 costs a relative ~x²·ε/2 in the tails (the scalar reference splits x² exactly).
    const tailTol = (x: number) => 2e-14 * Math.max(1, x * x / 20);
    it('ndtr is relatively accurate in both tails', async () => {
      // float32: Φ(x) underflows below x ~ -13, so the lower-tail points are cpu-only.
      for (const x of pts([-38, -30, -20, -10, -5, -1.5, -1, -0.2, 0, 0.2, 1, 1.5, 5, 8, 40], (v) => v > -13)) closeRel(await val(ss.ndtr)(x), sp.ndtr(x), tailTol(x));
      // scipy.special.ndtr(-10) = 7.61985302416047e-24 (not 0, as 1 - ndtr(10) would give).
      closeRel(await val(ss.ndtr)(-10), 7.61985302416047e-24, 1e-13);
      for (const x of [-7, -1, 0, 2]) closeRel(await d1(ss.ndtr)(x), Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), 1e-14);
    });
    it('logNdtr matches the reference everywhere, with d/dx = φ/Φ', async () => {
      for (const x of [-1e3, -60, -38, -37.5, -36, -20, -3, -1, 0, 1, 5, 10, 30]) closeRel(await val(ss.logNdtr)(x), sp.logNdtr(x), x > 0 ? tailTol(x) : 1e-14);
      for (const x of [-50, -10, -1, 0, 2, 6]) {
        const ref = Math.exp(-x * x / 2 - 0.5 * Math.log(2 * Math.PI) - sp.logNdtr(x));
        // float32: exp(-x²/2 - logNdtr(x)) cancels two terms of ~x²/2 (ulp(1250) ~ 1.2e-4 at x = -50).
        closeRel(await d1(ss.logNdtr)(x), ref, 1e-12, 1e-3);
      }
      closeRel(await d1(ss.logNdtr)(-3), fd(sp.logNdtr, -3), 1e-8, 1e-4);
    });
    b.it({},
      'logNdtr between -37 and -13 (where erfc underflows in float32)', async () => {
        for (const x of [-36, -30, -20, -14]) closeRel(await val(ss.logNdtr)(x), sp.logNdtr(x), 1e-14);
      });
  });

  describe('ndtri', () => {
    // float32: probabilities below its smallest normal (~1.2e-38) and 1 - 1e-10 (== 1) are cpu-only.
    const f32p = (p: number) => p > 1e-37 && p < 1 - 1e-7;
    it('is accurate from the centre down to p = 1e-300 and in the upper tail', async () => {
      // scipy.special.ndtri(1e-10) = -6.361340902404056
      closeRel(await val(ss.ndtri)(1e-10), -6.361340902404056, 1e-12);
      for (const p of pts([1e-300, 1e-200, 1e-100, 1e-30, 1e-10, 1e-5, 0.001, 0.02, 0.0243, 0.1, 0.25, 0.3, 0.49, 0.5, 0.51, 0.75, 0.9, 0.99, 1 - 1e-10], f32p)) {
        const v = await val(ss.ndtri)(p);
        const ref = sp.ndtri(p);
        if (ref === 0) expect(Math.abs(v)).toBeLessThan(1e-16);
        else closeRel(v, ref, 1e-14);
      }
      // Round trip through ndtr in relative terms, deep in the lower tail.
      for (const p of pts([1e-300, 1e-50, 1e-10, 0.2], f32p)) closeRel(sp.ndtr(await val(ss.ndtri)(p)), p, 1e-13, 1e-4);
      expect(await vec(ss.ndtri(np.array([0, 1, -0.5, 2])))).toEqual([-Infinity, Infinity, NaN, NaN]);
    });
    it('has d/dp = 1/φ(ndtri(p)) and the matching second derivative', async () => {
      for (const p of pts([1e-200, 1e-10, 0.05, 0.3, 0.5, 0.8], f32p)) {
        const x = sp.ndtri(p);
        const phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
        closeRel(await d1(ss.ndtri)(p), 1 / phi, 1e-12, 1e-4);
      }
      closeRel(await d1(ss.ndtri)(0.3), fd(sp.ndtri, 0.3, 1e-6), 1e-8, 1e-4);
      const x = sp.ndtri(0.3);
      const phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
      closeRel(await num(grad(grad((p: np.Array) => ss.ndtri(p)))(np.array(0.3))), x / (phi * phi), 1e-8, 1e-4);
    });
    it('works under jit and vmap', async () => {
      const ps = [1e-10, 0.5, 0.975];
      const j = await vec(jit((p: np.Array) => ss.ndtri(p))(np.array(ps)));
      const v = await vec(vmap(grad((p: np.Array) => ss.ndtri(p)))(np.array(ps)));
      ps.forEach((p, i) => {
        closeRel(j[i], sp.ndtri(p), 1e-14);
        closeRel(v[i], Math.sqrt(2 * Math.PI) * Math.exp(sp.ndtri(p) ** 2 / 2), 1e-12, 1e-4);
      });
    });
  });
});
