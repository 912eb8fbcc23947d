/**
 * random distributions (lib/random/distributions.ts), CPU, float64 unless stated. JAX cannot run
 * here, so bit-compatibility is checked by re-deriving each sampler's JAX formula in plain JS from
 * this library's `bits` / `uniform` / `normal` / `gumbel` outputs (themselves checked against
 * published JAX values in tests/random.test.ts). Then moments (5 sigma), ranges, jit/vmap, grads.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, jvp, np, random, vmap } from '../lib/index.js';
import { cauchy, choice, exponential, laplace, logistic, multivariateNormal, rademacher, randint, truncatedNormal } from '../lib/random/distributions.js';

const { key, split, bits, uniform, normal, gumbel, bernoulli } = random;

const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number>, Number);
const u32 = (x: Array): number[] => vals(x).map((v) => v >>> 0);
const meanVar = (x: number[]): [number, number] => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return [m, x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length];
};
const f32 = Math.fround;

/** JAX's `_randint` in uint32 JS arithmetic (Math.imul wraps like XLA's u32 multiply). */
function jaxRandint(k: Array, n: number, minval: number, maxval: number): number[] {
  const ks = split(k);
  const hi = u32(bits(ks.slice(0), [n]));
  const lo = u32(bits(ks.slice(1), [n]));
  let span = (maxval - minval) >>> 0;
  if (maxval <= minval) span = 1;
  // XLA: unsigned x % 0 == x.
  const rem = (a: number, b: number) => (b === 0 ? a : (a >>> 0) % b);
  let mult = rem(2 ** 16, span);
  mult = rem(Math.imul(mult, mult) >>> 0, span);
  return hi.map((h, i) => {
    const off = rem((Math.imul(rem(h, span), mult) + rem(lo[i], span)) >>> 0, span);
    return (minval + off) | 0;
  });
}

describe('bit-compatibility with JAX formulas (re-derived from uniform/bits)', () => {
  it('randint: JAX _randint (two words from split(key), span/multiplier trick)', () => {
    const k = key(42);
    for (const [lo, hi] of [[0, 10], [-5, 7], [3, 3], [0, 65536], [0, 70001], [-(2 ** 31), 2 ** 31 - 1], [10, 2]]) {
      const got = randint(k, [64], lo, hi);
      expect(got.dtype).toBe('int32');
      expect(vals(got), `[${lo}, ${hi})`).toEqual(jaxRandint(k, 64, lo, hi));
    }
  });
  it('randint with maxval 2^31 (beyond int32): span widens by one, as JAX', () => {
    const k = key(5);
    const got = vals(randint(k, [32], -(2 ** 31), 2 ** 31));
    // span = 2^32 wraps to 0, so the offset is the low word: minval + lo.
    const lo = u32(bits(split(k).slice(1), [32]));
    expect(got).toEqual(lo.map((l) => (-(2 ** 31) + l) | 0));
  });
  it('randint with array bounds broadcasts them against the shape, per element as JAX', () => {
    const k = key(15);
    const got = vals(randint(k, [2, 3], np.array([0, -10, 5], { dtype: 'int32' }), np.array([[4], [1000]], { dtype: 'int32' })));
    const lo = [0, -10, 5];
    const hi = [4, 1000];
    // Same two words per element; only span and minval vary.
    const want = [0, 1].flatMap((r) => lo.map((l, c) => jaxRandint(k, 6, l, hi[r])[3 * r + c]));
    expect(got).toEqual(want);
  });
  it('exponential: -log1p(-u), u = uniform(key)', () => {
    const k = key(1);
    expect(vals(exponential(k, [50]))).toEqual(vals(uniform(k, [50])).map((u) => -Math.log1p(-u)));
  });
  it('laplace: sign(u) log1p(-|u|), u = uniform(key, minval=-1+epsneg, maxval=1)', () => {
    const k = key(2);
    const u = vals(uniform(k, [50], { minval: -1 + 2 ** -53, maxval: 1 }));
    expect(vals(laplace(k, [50]))).toEqual(u.map((v) => Math.sign(v) * Math.log1p(-Math.abs(v))));
  });
  it('logistic: log(u) - log1p(-u), u = uniform(key, minval=tiny, maxval=1)', () => {
    const k = key(3);
    const u = vals(uniform(k, [50], { minval: 2 ** -1022, maxval: 1 }));
    expect(vals(logistic(k, [50]))).toEqual(u.map((v) => Math.log(v) - Math.log1p(-v)));
  });
  it('cauchy: tan(pi (u - 0.5)), u = uniform(key, minval=eps, maxval=1)', () => {
    const k = key(4);
    const u = vals(uniform(k, [50], { minval: 2 ** -52, maxval: 1 }));
    expect(vals(cauchy(k, [50]))).toEqual(u.map((v) => Math.tan(Math.PI * (v - 0.5))));
  });
  it('float32: exponential and laplace derive from the float32 uniform (fround per op)', () => {
    const k = key(6);
    const u = vals(uniform(k, [50], { dtype: 'float32' }));
    const e = vals(exponential(k, [50], { dtype: 'float32' }));
    // float32 log1p may differ from the correctly-rounded value by an ulp.
    e.forEach((x, i) => expect(Math.abs(x - f32(-Math.log1p(-u[i])))).toBeLessThanOrEqual(2 ** -22 * Math.max(1, Math.abs(x))));
    expect(exponential(k, [2], { dtype: 'float32' }).dtype).toBe('float32');
  });
  it('rademacher: 2 bernoulli(key, 0.5) - 1', () => {
    const k = key(7);
    const r = rademacher(k, [64]);
    expect(r.dtype).toBe('int32');
    expect(vals(r)).toEqual(vals(bernoulli(k, 0.5, [64])).map((b) => 2 * b - 1));
  });
  it('truncatedNormal: sqrt2 erfinv(uniform(key, minval=erf(l/sqrt2), maxval=erf(u/sqrt2)))', () => {
    const k = key(8);
    const [l, h] = [-0.5, 1.5];
    const s2 = np.array(Math.SQRT2);
    const a = np.erf(np.divide(np.array(l), s2));
    const b = np.erf(np.divide(np.array(h), s2));
    const want = vals(np.multiply(s2, np.erfinv(uniform(k, [50], { minval: a, maxval: b }))));
    expect(vals(truncatedNormal(k, l, h, [50]))).toEqual(want.map((v) => Math.min(Math.max(v, l), h)));
  });
  it('truncatedNormal clips into the open interval by nextafter (float64 and float32)', () => {
    const next = (x: number, dir: 1 | -1, bytes: 4 | 8): number => {
      const dv = new DataView(new ArrayBuffer(8));
      if (bytes === 8) { dv.setFloat64(0, x); dv.setBigInt64(0, dv.getBigInt64(0) + BigInt(dir * Math.sign(x))); return dv.getFloat64(0); }
      dv.setFloat32(0, x); dv.setInt32(0, dv.getInt32(0) + dir * Math.sign(x)); return dv.getFloat32(0);
    };
    for (const [lo, bytes] of [[1, 8], [-2, 8], [1, 4], [-2, 4]] as const) {
      // An interval two ulps wide holds exactly one value of the open interval.
      const hi = next(next(lo, 1, bytes), 1, bytes);
      const dtype = bytes === 8 ? 'float64' : 'float32';
      const x = vals(truncatedNormal(key(9), lo, hi, [8], { dtype }));
      expect(x, `${dtype} ${lo}`).toEqual(globalThis.Array(8).fill(next(lo, 1, bytes)));
    }
    // Zero bounds: the smallest subnormal on either side.
    const tiny = vals(truncatedNormal(key(9), -(2 ** -1074) * 2, 0, [4]));
    expect(tiny).toEqual(globalThis.Array(4).fill(-(2 ** -1074)));
    const tiny32 = vals(truncatedNormal(key(9), 0, 2 * 2 ** -149, [4], { dtype: 'float32' }));
    expect(tiny32).toEqual(globalThis.Array(4).fill(2 ** -149));
  });
  it('choice with replacement is randint(key, shape, 0, n); over an array it takes along axis', () => {
    const k = key(10);
    expect(vals(choice(k, 7, { shape: [20] }))).toEqual(vals(randint(k, [20], 0, 7)));
    const a = np.arange(12).reshape([3, 4]);
    const c = choice(k, a, { shape: [5], axis: 1 });
    expect(c.shape).toEqual([3, 5]);
    const idx = vals(randint(k, [5], 0, 4));
    expect(vals(c)).toEqual([0, 1, 2].flatMap((r) => idx.map((j) => 4 * r + j)));
  });
  it('choice without replacement: JAX permutation (stable sort of arange by bits(split(key)[1])), first n_draws', () => {
    const k = key(11);
    const n = 30;
    const sortKeys = u32(bits(split(k).slice(1), [n]));
    const perm = globalThis.Array.from({ length: n }, (_, i) => i).sort((i, j) => sortKeys[i] - sortKeys[j] || i - j);
    expect(vals(choice(k, n, { shape: [10], replace: false }))).toEqual(perm.slice(0, 10));
    expect(vals(choice(k, n, { shape: [2, 3], replace: false }))).toEqual(perm.slice(0, 6));
  });
  it('choice with p and replacement: searchsorted(cumsum p, cumsum(p)[-1] (1 - uniform(key)))', () => {
    const k = key(12);
    const p = [0.1, 0.4, 0.2, 0.3];
    const cum = p.reduce<number[]>((acc, v) => [...acc, (acc.at(-1) ?? 0) + v], []);
    const u = vals(uniform(k, [40]));
    const want = u.map((v) => cum.filter((c) => c < cum[3] * (1 - v)).length);
    expect(vals(choice(k, 4, { shape: [40], p: np.array(p) }))).toEqual(want);
  });
  it('choice with p without replacement: top_k(gumbel(key, (n,)) + log p)', () => {
    const k = key(13);
    const p = [0.05, 0.3, 0.1, 0.2, 0.25, 0.1];
    const g = vals(gumbel(k, [6])).map((v, i) => v + Math.log(p[i]));
    const order = [0, 1, 2, 3, 4, 5].sort((i, j) => g[j] - g[i] || i - j);
    expect(vals(choice(k, 6, { shape: [4], replace: false, p }))).toEqual(order.slice(0, 4));
  });
  it('multivariateNormal: mean + cholesky(cov) @ normal(key, shape + [n])', () => {
    const k = key(14);
    const mean = [1, -2, 0.5];
    const cov = [[2, 0.3, 0.1], [0.3, 1, -0.2], [0.1, -0.2, 0.5]];
    const L = vals(np.linalg.cholesky(np.array(cov)));
    const z = vals(normal(k, [4, 3]));
    const x = vals(multivariateNormal(k, mean, cov, { shape: [4] }));
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 3; i++) {
        let want = mean[i];
        for (let j = 0; j < 3; j++) want += L[3 * i + j] * z[3 * s + j];
        expect(Math.abs(x[3 * s + i] - want)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('moments (5 sigma) and ranges', () => {
  const n = 40_000;
  const check = (got: number, want: number, sd: number) => expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThan(5 * sd);
  it('randint: within [minval, maxval), uniform mean and variance', () => {
    const x = vals(randint(key(20), [n], -3, 9));
    expect(Math.min(...x)).toBe(-3);
    expect(Math.max(...x)).toBe(8);
    const [m, v] = meanVar(x);
    const w = 12;
    check(m, 2.5, Math.sqrt((w * w - 1) / 12 / n));
    check(v, (w * w - 1) / 12, Math.sqrt((((w * w - 1) * (3 * w * w - 7)) / 240 - ((w * w - 1) / 12) ** 2) / n));
  });
  it('exponential: mean 1, variance 1, x >= 0', () => {
    const x = vals(exponential(key(21), [n]));
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    const [m, v] = meanVar(x);
    check(m, 1, Math.sqrt(1 / n));
    check(v, 1, Math.sqrt(8 / n));
  });
  it('laplace: mean 0, variance 2', () => {
    const [m, v] = meanVar(vals(laplace(key(22), [n])));
    check(m, 0, Math.sqrt(2 / n));
    check(v, 2, Math.sqrt(20 / n));
  });
  it('logistic: mean 0, variance pi^2/3', () => {
    const [m, v] = meanVar(vals(logistic(key(23), [n])));
    const s2 = Math.PI ** 2 / 3;
    check(m, 0, Math.sqrt(s2 / n));
    check(v, s2, s2 * Math.sqrt(3.2 / n));
  });
  it('cauchy: median 0 and quartiles -1, 1 (no moments)', () => {
    const x = vals(cauchy(key(24), [n]));
    const frac = (f: (v: number) => boolean) => x.filter(f).length / n;
    check(frac((v) => v < 0), 0.5, Math.sqrt(0.25 / n));
    check(frac((v) => Math.abs(v) < 1), 0.5, Math.sqrt(0.25 / n));
    check(frac((v) => v < -1), 0.25, Math.sqrt(0.1875 / n));
  });
  it('rademacher: values in {-1, 1}, mean 0', () => {
    const x = vals(rademacher(key(25), [n]));
    expect(x.every((v) => v === 1 || v === -1)).toBe(true);
    check(meanVar(x)[0], 0, Math.sqrt(1 / n));
    expect(vals(rademacher(key(25), [3], { dtype: 'float32' })).every((v) => Math.abs(v) === 1)).toBe(true);
  });
  it('truncatedNormal: within (lower, upper), truncated-normal mean and variance', () => {
    const [a, b] = [-1, 2];
    const x = vals(truncatedNormal(key(26), a, b, [n]));
    expect(x.every((v) => v > a && v < b)).toBe(true);
    const phi = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
    const [ea, eb] = vals(np.erf(np.array([a / Math.SQRT2, b / Math.SQRT2])));
    const z = (eb - ea) / 2;
    const mu = (phi(a) - phi(b)) / z;
    const s2 = 1 + (a * phi(a) - b * phi(b)) / z - mu * mu;
    const [m, v] = meanVar(x);
    check(m, mu, Math.sqrt(s2 / n));
    check(v, s2, s2 * Math.sqrt(2 / n));
  });
  it('truncatedNormal broadcasts array bounds to the shape', () => {
    const lo = np.array([-1, 0, 1]);
    const x = truncatedNormal(key(27), lo, np.array([0, 1, 2]));
    expect(x.shape).toEqual([3]);
    const v = vals(x);
    v.forEach((t, i) => { expect(t).toBeGreaterThan(i - 1); expect(t).toBeLessThan(i); });
  });
  it('multivariateNormal: sample mean and covariance', () => {
    const mean = [1, -1];
    const cov = [[2, 0.6], [0.6, 1]];
    const x = vals(multivariateNormal(key(28), mean, cov, { shape: [n] }));
    const col = (i: number) => x.filter((_, j) => j % 2 === i);
    const [c0, c1] = [col(0), col(1)];
    const [m0, v0] = meanVar(c0);
    const [m1, v1] = meanVar(c1);
    check(m0, 1, Math.sqrt(2 / n));
    check(m1, -1, Math.sqrt(1 / n));
    check(v0, 2, Math.sqrt(2 * 4 / n));
    check(v1, 1, Math.sqrt(2 / n));
    const c01 = c0.reduce((s, v, i) => s + (v - m0) * (c1[i] - m1), 0) / n;
    check(c01, 0.6, Math.sqrt((2 * 1 + 0.36) / n));
  });
  it('choice: uniform and weighted frequencies; without replacement gives distinct elements', () => {
    const counts = (x: number[], k: number) => x.reduce((c, v) => { c[v]++; return c; }, new globalThis.Array<number>(k).fill(0));
    const u = counts(vals(choice(key(29), 5, { shape: [n] })), 5);
    u.forEach((c) => check(c / n, 0.2, Math.sqrt(0.16 / n)));
    const p = [0.1, 0.6, 0.3];
    const w = counts(vals(choice(key(30), 3, { shape: [n], p })), 3);
    w.forEach((c, i) => check(c / n, p[i], Math.sqrt(p[i] * (1 - p[i]) / n)));
    for (let s = 0; s < 20; s++) {
      const d = vals(choice(key(100 + s), 12, { shape: [12], replace: false }));
      expect(new Set(d).size).toBe(12);
      const dp = vals(choice(key(100 + s), 6, { shape: [5], replace: false, p: [0.5, 0.2, 0.1, 0.1, 0.05, 0.05] }));
      expect(new Set(dp).size).toBe(5);
    }
    expect(() => choice(key(0), 3, { shape: [4], replace: false })).toThrow(/larger sample/);
  });
});

describe('transforms', () => {
  const samplers: [string, (k: Array) => Array][] = [
    ['randint', (k) => randint(k, [5], -4, 100)],
    ['exponential', (k) => exponential(k, [5])],
    ['laplace', (k) => laplace(k, [5])],
    ['logistic', (k) => logistic(k, [5])],
    ['cauchy', (k) => cauchy(k, [5], { dtype: 'float32' })],
    ['rademacher', (k) => rademacher(k, [5])],
    ['truncatedNormal', (k) => truncatedNormal(k, -0.5, 2, [5])],
    ['truncatedNormal f32', (k) => truncatedNormal(k, -0.5, 2, [5], { dtype: 'float32' })],
    ['multivariateNormal', (k) => multivariateNormal(k, [0, 1], [[1, 0.5], [0.5, 2]], { shape: [3] })],
    ['choice', (k) => choice(k, 9, { shape: [4] })],
    ['choice no replace', (k) => choice(k, 9, { shape: [4], replace: false })],
    ['choice p', (k) => choice(k, 3, { shape: [4], p: [0.2, 0.5, 0.3] })],
    ['choice p no replace', (k) => choice(k, 3, { shape: [2], p: [0.2, 0.5, 0.3], replace: false })],
  ];
  it.each(samplers)('%s: jit and vmap over split keys equal eager', (_, f) => {
    const ks = split(key(31), 3);
    const eager = [0, 1, 2].map((i) => vals(f(ks.slice(i))));
    expect(vals(jit(f)(ks.slice(0)))).toEqual(eager[0]);
    expect(vals(vmap(f)(ks) as Array)).toEqual(eager.flat());
  });

  const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);
  it('grad of truncatedNormal w.r.t. lower and upper matches central differences', () => {
    const k = key(32);
    const f = (lo: Array, hi: Array) => np.sum(np.square(truncatedNormal(k, lo, hi, [16])));
    const [gl, gh] = grad(f, { argnums: [0, 1] })(np.array(-0.7), np.array(1.2)) as Array[];
    const at = (lo: number, hi: number) => vals(f(np.array(lo), np.array(hi)))[0];
    expect(Math.abs(vals(gl)[0] - fd((l) => at(l, 1.2), -0.7))).toBeLessThan(1e-6);
    expect(Math.abs(vals(gh)[0] - fd((h) => at(-0.7, h), 1.2))).toBeLessThan(1e-6);
  });
  it('grad of multivariateNormal w.r.t. mean, and jvp w.r.t. cov along a symmetric direction, match central differences', () => {
    const k = key(33);
    const cov0 = [[2, 0.3], [0.3, 1]];
    const f = (m: Array, c: Array) => np.sum(np.sin(multivariateNormal(k, m, c, { shape: [4] })));
    const m0 = np.array([0.5, -0.5]);
    const gm = vals(grad((m: Array) => f(m, np.array(cov0)))(m0) as Array);
    for (let i = 0; i < 2; i++) {
      const at = (t: number) => vals(f(np.add(m0, np.array(i === 0 ? [t, 0] : [0, t])), np.array(cov0)))[0];
      expect(Math.abs(gm[i] - fd(at, 0))).toBeLessThan(1e-6);
    }
    const D = [[0.4, -0.2], [-0.2, 0.3]];
    const [, t] = jvp((c: Array) => f(m0, c), [np.array(cov0)], [np.array(D)]) as Array[];
    const at = (s: number) => vals(f(m0, np.add(np.array(cov0), np.multiply(np.array(D), s))))[0];
    expect(Math.abs(vals(t)[0] - fd(at, 0))).toBeLessThan(1e-6);
  });
});
