import { describe, expect, it } from 'vitest';
import { np, grad, jit, vmap, scipySpecial as ss } from '../lib/index.js';
import * as sp from '../lib/backends/cpu/special.js';

const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
const closeRel = (a: number, b: number, tol: number) => expect(rel(a, b), `${a} vs ${b}`).toBeLessThanOrEqual(tol);
/** Central finite difference of a scalar function. */
const fd = (f: (x: number) => number, x: number, h = 1e-6 * Math.max(1, Math.abs(x))) => (f(x + h) - f(x - h)) / (2 * h);
const d1 = (f: (x: np.Array) => np.Array) => (x: number) => grad(f)(np.array(x)).item() as number;
const val = (f: (x: np.Array) => np.Array) => (x: number) => f(np.array(x)).item() as number;

describe('logsumexp', () => {
  const x = [[1, 2, 3], [-1000, 1000, 999]];
  const ref = (r: number[]) => { const m = Math.max(...r); return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0)); };
  it('is stable and matches plain JS over axes, with keepdims and b', () => {
    const out = ss.logsumexp(np.array(x), 1).js() as number[];
    out.forEach((v, i) => closeRel(v, ref(x[i]), 1e-15));
    expect(ss.logsumexp(np.array(x), 1, { keepdims: true }).shape).toEqual([2, 1]);
    expect(ss.logsumexp(np.array(x)).shape).toEqual([]);
    closeRel(ss.logsumexp(np.array(x)).item() as number, ref(x.flat()), 1e-15);
    closeRel(ss.logsumexp(np.array([0, Math.log(2)]), -1, { b: np.array([2, 0.5]) }).item() as number, Math.log(3), 1e-15);
    expect(ss.logsumexp(np.array([-Infinity, -Infinity])).item()).toBe(-Infinity);
  });
  it('has the softmax as its gradient, even for huge inputs', () => {
    const g = grad((v: np.Array) => ss.logsumexp(v))(np.array([1000, 1000 + Math.log(3)])).js() as number[];
    // 1000 + log 3 is rounded to ulp(1000) ~ 1e-13, so the split is exact only to that.
    closeRel(g[0], 0.25, 1e-12);
    closeRel(g[1], 0.75, 1e-12);
  });
});

describe('xlogy and xlog1py', () => {
  it('are 0 where x == 0 and x log y elsewhere', () => {
    expect(ss.xlogy(0, 0).item()).toBe(0);
    expect(ss.xlogy(np.array([0, 2, 3]), np.array([0, 3, 0.5])).js()).toEqual([0, 2 * Math.log(3), 3 * Math.log(0.5)]);
    expect(ss.xlog1py(0, -1).item()).toBe(0);
    closeRel(ss.xlog1py(2, 1e-20).item() as number, 2e-20, 1e-15);
  });
  it("follow JAX's derivative convention: d/dx = log y, d/dy = x / y", () => {
    const gx = (x: number, y: number) => grad((a: np.Array) => ss.xlogy(a, y))(np.array(x)).item() as number;
    const gy = (x: number, y: number) => grad((b: np.Array) => ss.xlogy(x, b))(np.array(y)).item() as number;
    closeRel(gx(2, 3), Math.log(3), 1e-15);
    closeRel(gy(2, 3), 2 / 3, 1e-15);
    closeRel(gx(0, 2), Math.log(2), 1e-15);
    expect(gy(0, 2)).toBe(0);
    expect(gx(0, 0)).toBe(-Infinity); // log(0), as in jax.scipy.special.xlogy
    closeRel(grad((b: np.Array) => ss.xlog1py(2, b))(np.array(0.5)).item() as number, 2 / 1.5, 1e-15);
    closeRel(grad((a: np.Array) => ss.xlog1py(a, 0.5))(np.array(0)).item() as number, Math.log1p(0.5), 1e-15);
    // Second derivative in y: -x / y^2.
    closeRel(grad(grad((b: np.Array) => ss.xlogy(2, b)))(np.array(3)).item() as number, -2 / 9, 1e-14);
  });
  it('broadcast their arguments', () => {
    expect(ss.xlogy(np.array([1, 2]), Math.E).js()).toEqual([1, 2]);
    const g = grad((y: np.Array) => ss.xlogy(np.array([1, 2]), y).sum())(np.array(2)).item() as number;
    closeRel(g, 1.5, 1e-15);
  });
});

describe('special functions vs the accurate scalar references', () => {
  const xs = [-4.5, -0.5, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 123.4];
  it('gammaln and digamma, with gradients', () => {
    for (const x of xs) {
      closeRel(val(ss.gammaln)(x), sp.lgamma(x), 1e-14);
      closeRel(val(ss.digamma)(x), sp.digamma(x), 1e-13);
      closeRel(d1(ss.gammaln)(x), sp.digamma(x), 1e-13);
      if (x > 0) closeRel(d1(ss.gammaln)(x), fd(sp.lgamma, x), 1e-7);
    }
    expect(val(ss.gammaln)(1)).toBe(0);
  });
  it('erf and erfc', () => {
    for (const x of [-6, -2, -0.3, 0, 1e-10, 0.7, 3, 20]) {
      closeRel(val(ss.erf)(x), sp.erf(x), 1e-15);
      closeRel(val(ss.erfc)(x), sp.erfc(x), 1e-14);
      closeRel(d1(ss.erf)(x), (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), 1e-14);
    }
  });
  // Rounding x/√2 costs a relative ~x²·ε/2 in the tails (the scalar reference splits x² exactly).
  const tailTol = (x: number) => 2e-14 * Math.max(1, x * x / 20);
  it('ndtr is relatively accurate in both tails', () => {
    for (const x of [-38, -30, -20, -10, -5, -1.5, -1, -0.2, 0, 0.2, 1, 1.5, 5, 8, 40]) closeRel(val(ss.ndtr)(x), sp.ndtr(x), tailTol(x));
    // scipy.special.ndtr(-10) = 7.61985302416047e-24 (not 0, as 1 - ndtr(10) would give).
    closeRel(val(ss.ndtr)(-10), 7.61985302416047e-24, 1e-13);
    for (const x of [-7, -1, 0, 2]) closeRel(d1(ss.ndtr)(x), Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), 1e-14);
  });
  it('logNdtr matches the reference everywhere, with d/dx = φ/Φ', () => {
    for (const x of [-1e3, -60, -38, -37.5, -36, -20, -3, -1, 0, 1, 5, 10, 30]) closeRel(val(ss.logNdtr)(x), sp.logNdtr(x), x > 0 ? tailTol(x) : 1e-14);
    for (const x of [-50, -10, -1, 0, 2, 6]) {
      const ref = Math.exp(-x * x / 2 - 0.5 * Math.log(2 * Math.PI) - sp.logNdtr(x));
      closeRel(d1(ss.logNdtr)(x), ref, 1e-12);
    }
    closeRel(d1(ss.logNdtr)(-3), fd(sp.logNdtr, -3), 1e-8);
  });
});

describe('ndtri', () => {
  it('is accurate from the centre down to p = 1e-300 and in the upper tail', () => {
    // scipy.special.ndtri(1e-10) = -6.361340902404056
    closeRel(val(ss.ndtri)(1e-10), -6.361340902404056, 1e-12);
    for (const p of [1e-300, 1e-200, 1e-100, 1e-30, 1e-10, 1e-5, 0.001, 0.02, 0.0243, 0.1, 0.25, 0.3, 0.49, 0.5, 0.51, 0.75, 0.9, 0.99, 1 - 1e-10]) {
      const v = val(ss.ndtri)(p);
      const ref = sp.ndtri(p);
      if (ref === 0) expect(Math.abs(v)).toBeLessThan(1e-16);
      else closeRel(v, ref, 1e-14);
    }
    // Round trip through ndtr in relative terms, deep in the lower tail.
    for (const p of [1e-300, 1e-50, 1e-10, 0.2]) closeRel(sp.ndtr(val(ss.ndtri)(p)), p, 1e-13);
    expect(ss.ndtri(np.array([0, 1, -0.5, 2])).js()).toEqual([-Infinity, Infinity, NaN, NaN]);
  });
  it('has d/dp = 1/φ(ndtri(p)) and the matching second derivative', () => {
    for (const p of [1e-200, 1e-10, 0.05, 0.3, 0.5, 0.8]) {
      const x = sp.ndtri(p);
      const phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
      closeRel(d1(ss.ndtri)(p), 1 / phi, 1e-12);
    }
    closeRel(d1(ss.ndtri)(0.3), fd(sp.ndtri, 0.3, 1e-6), 1e-8);
    const x = sp.ndtri(0.3);
    const phi = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    closeRel(grad(grad((p: np.Array) => ss.ndtri(p)))(np.array(0.3)).item() as number, x / (phi * phi), 1e-8);
  });
  it('works under jit and vmap', () => {
    const ps = [1e-10, 0.5, 0.975];
    const j = jit((p: np.Array) => ss.ndtri(p))(np.array(ps)).js() as number[];
    const v = vmap(grad((p: np.Array) => ss.ndtri(p)))(np.array(ps)).js() as number[];
    ps.forEach((p, i) => {
      closeRel(j[i], sp.ndtri(p), 1e-14);
      closeRel(v[i], Math.sqrt(2 * Math.PI) * Math.exp(sp.ndtri(p) ** 2 / 2), 1e-12);
    });
  });
});
