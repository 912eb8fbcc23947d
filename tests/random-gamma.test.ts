/**
 * The gamma family of random samplers (lib/random/gamma.ts, continuous.ts, discrete.ts), CPU,
 * float64 unless stated. JAX cannot run here, so the stream is checked by re-running JAX's
 * `_gamma_one` in plain JS over this library's split / normal / uniform (themselves checked against
 * JAX values in tests/random.test.ts); the distributions by empirical CDFs at quantiles that scipy
 * 1.17 computed (pasted literals); gradients against scipy finite differences of gammaincinv and by
 * unbiasedness (mean of the per-sample gradients = d E[x] / d parameter).
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, np, random, vmap } from '../lib/index.js';
import { gammaSampleGrad } from '../lib/random/gamma.js';

const { key, split, normal, uniform } = random;
const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number>, Number);
const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;

/** Empirical CDF at each quantile within `tol` of its probability. */
function ecdf(x: Array, quantiles: readonly number[], probs: readonly number[] = [0.1, 0.25, 0.5, 0.75, 0.9], tol = 0.035): void {
  const v = vals(x);
  quantiles.forEach((q, i) => {
    const f = v.filter((s) => s <= q).length / v.length;
    expect(Math.abs(f - probs[i]), `F(${q}) = ${f} vs ${probs[i]}`).toBeLessThanOrEqual(tol);
  });
}

/** JAX's `_gamma_one` in plain JS over the library's split / normal / uniform. */
function jaxGammaOne(k: Array, alpha: number): number {
  const boost = alpha >= 1;
  const al = boost ? alpha : alpha + 1;
  const d = al - 1 / 3;
  const c = 1 / 3 / Math.sqrt(d);
  const s = split(k);
  let kk = s.slice(0);
  let X = 0; let V = 1; let U = 2;
  while (U >= 1 - 0.0331 * X * X && Math.log(U) >= X * 0.5 + d * (1 - V + Math.log(V))) {
    const ks = split(kk, 3);
    kk = ks.slice(0);
    let xk = ks.slice(1);
    let x = 0; let v = -1;
    while (v <= 0) {
      const ss = split(xk);
      xk = ss.slice(0);
      x = normal(ss.slice(1)).item();
      v = 1 + x * c;
    }
    X = x * x; V = v * v * v;
    U = uniform(ks.slice(2)).item();
  }
  const u = 1 - uniform(s.slice(1)).item();
  return d * V * (boost ? 1 : u ** (1 / alpha));
}

describe('gamma: JAX stream and algorithm', () => {
  it('one key per element, split(key, size); each element is _gamma_one (Marsaglia–Tsang, boost for a < 1)', () => {
    const k = key(11);
    const a = [0.3, 1.7, 40, 1, 0.05];
    const got = vals(random.gamma(k, a));
    const keys = split(k, a.length);
    a.forEach((al, i) => expect(got[i], `a = ${al}`).toBeCloseTo(jaxGammaOne(keys.slice(i), al), 12));
  });
  it('loggamma matches log(gamma) and stays finite where gamma underflows', () => {
    const k = key(3);
    const a = np.array([0.5, 2, 7]);
    const g = vals(random.gamma(k, a));
    vals(random.loggamma(k, a)).forEach((l, i) => expect(l).toBeCloseTo(Math.log(g[i]), 10));
    const tiny = vals(random.loggamma(k, np.full([200], 1e-3)));
    expect(tiny.every(Number.isFinite)).toBe(true);
    expect(Math.min(...tiny)).toBeLessThan(-745); // exp of it underflows in float64
  });
  it('deterministic, shapes, dtypes and broadcasting', () => {
    const k = key(0);
    expect(vals(random.gamma(k, 2, [5]))).toEqual(vals(random.gamma(k, 2, [5])));
    const g = random.gamma(k, np.array([1, 2, 3]), [2, 3]);
    expect(g.shape).toEqual([2, 3]);
    expect(g.dtype).toBe('float64');
    expect(random.gamma(k, 2, [4], { dtype: 'float32' }).dtype).toBe('float32');
    expect(random.gamma(k, 2, [0]).shape).toEqual([0]);
    expect(random.gamma(k, 2).shape).toEqual([]);
  });
  it('distribution: empirical CDF at scipy quantiles (a = 0.5, 2.5), float64 and float32', () => {
    ecdf(random.gamma(key(1), 0.5, [3000]), [0.00789538704671561, 0.05076552213381078, 0.227468211559786, 0.6616518484657332, 1.352771727047702]);
    ecdf(random.gamma(key(2), 2.5, [3000], { dtype: 'float32' }), [0.8051539934811613, 1.3373014047160818, 2.175730095547763, 3.3128398819146234, 4.618178449890562]);
  });
  it('bad input names the sampler and the fix', () => {
    expect(() => random.gamma(key(0), np.array([1, 2]), [3])).toThrow(/random\.gamma: shape \[3\] is not broadcast-compatible/);
    expect(() => random.gamma(key(0), 1, [2], { dtype: 'int32' })).toThrow(/random\.gamma: dtype must be/);
    expect(() => random.gamma(np.array([1, 2, 3]), 1)).toThrow(/random\.gamma: the first argument must be a single key/);
  });
});

describe('gamma: implicit reparameterisation gradient', () => {
  it('dx/da = -(dP/da)/(dP/dx) against scipy finite differences of gammaincinv(a, P(a, x))', () => {
    const a = [0.1, 0.5, 1, 3, 100, 2];
    const x = [0.01, 0.3, 2, 3, 110, 5];
    // scipy 1.17: (gammaincinv(a + h, u) - gammaincinv(a - h, u)) / 2h with u = gammainc(a, x).
    const want = [0.42279343825425697, 1.009801945783817, 1.6316914623892842, 1.0570269658819835, 1.0501606212898196, 1.6580687283163087];
    vals(gammaSampleGrad(np.array(a), np.array(x))).forEach((g, i) => expect(Math.abs(g - want[i]), `a=${a[i]} x=${x[i]}`).toBeLessThan(1e-7 * (1 + Math.abs(want[i]))));
  });
  it('grad(a => gamma(key, a).sum()) is the implicit gradient at the samples', () => {
    const k = key(5);
    const a = np.array([0.4, 1.5, 6]);
    const g = vals(grad((aa: Array) => random.gamma(k, aa).sum())(a));
    const want = vals(gammaSampleGrad(a, random.gamma(k, a)));
    g.forEach((v, i) => expect(v).toBeCloseTo(want[i], 10));
  });
  it('unbiased: the mean gradient of gamma samples is d E[x]/da = 1; of loggamma, d digamma(a)/da = trigamma(a)', () => {
    const k = key(8);
    const ga = grad((aa: Array) => random.gamma(k, np.broadcastTo(aa, [4000])).mean())(np.array(2.0));
    expect(ga.item()).toBeCloseTo(1, 1);
    const gl = grad((aa: Array) => random.loggamma(k, np.broadcastTo(aa, [4000])).mean())(np.array(0.7));
    expect(Math.abs(gl.item() - 2.8340491566946113)).toBeLessThan(0.1); // E[log x] = digamma(a); scipy polygamma(1, 0.7)
  });
  it('beta: mean gradient = d/da a/(a+b) = b/(a+b)^2; dirichlet: d E[x_j]/d alpha_i', () => {
    const k = key(9);
    const gb = grad((aa: Array) => random.beta(k, np.broadcastTo(aa, [4000]), 3).mean())(np.array(2.0));
    expect(Math.abs(gb.item() - 3 / 25)).toBeLessThan(0.01);
    const alpha = np.array([1, 2, 3]);
    const gd = vals(grad((al: Array) => random.dirichlet(k, al, [3000]).slice([], 0).mean())(alpha));
    // E[x_0] = a_0 / S: d/da_0 = (S - a_0)/S^2 = 5/36, d/da_j = -a_0/S^2 = -1/36.
    [5 / 36, -1 / 36, -1 / 36].forEach((w, i) => expect(Math.abs(gd[i] - w)).toBeLessThan(0.012));
  });
});

describe('gamma: jit and vmap', () => {
  it('jit agrees with eager', () => {
    const k = key(4);
    const a = np.array([0.3, 2, 9]);
    expect(vals(jit((kk: Array, aa: Array) => random.gamma(kk, aa))(k, a))).toEqual(vals(random.gamma(k, a)));
  });
  it('vmap over keys and over parameters agrees with eager', () => {
    const ks = split(key(6), 3);
    const a = np.array([0.5, 1, 4]);
    const byKey = vmap((kk: Array) => random.gamma(kk, a))(ks);
    [0, 1, 2].forEach((i) => expect(vals(byKey.slice(i))).toEqual(vals(random.gamma(ks.slice(i), a))));
    const k = key(7);
    const byA = vmap((aa: Array) => random.gamma(k, aa, [2]))(a);
    [0, 1, 2].forEach((i) => expect(vals(byA.slice(i))).toEqual(vals(random.gamma(k, a.slice(i), [2]))));
  });
  it('grad under vmap and jit', () => {
    const ks = split(key(12), 2);
    const f = (kk: Array) => grad((aa: Array) => random.gamma(kk, aa).sum())(np.array([0.8, 3]));
    const batched = vmap(f)(ks);
    [0, 1].forEach((i) => expect(vals(batched.slice(i))).toEqual(vals(f(ks.slice(i)))));
    expect(vals(jit(f)(ks.slice(0)))).toEqual(vals(f(ks.slice(0))));
  });
});

const Q = [0.1, 0.25, 0.5, 0.75, 0.9];
describe('distributions built on gamma, normal and uniform (scipy quantiles)', () => {
  it('beta, chisquare, f, t, generalizedNormal', () => {
    ecdf(random.beta(key(20), 2, 3, [3000]), [0.14255931671003072, 0.24302208375607628, 0.3857275681323895, 0.5436782854190803, 0.6795394162781817]);
    ecdf(random.chisquare(key(21), 3, [3000]), [0.5843743741551835, 1.2125329030456686, 2.3659738843753377, 4.108344935632312, 6.251388631170325]);
    ecdf(random.f(key(22), 5, 10, [3000]), [0.30326908902107147, 0.5291416855678216, 0.931933160851048, 1.5853232593846145, 2.521640686209624]);
    ecdf(random.t(key(23), 5, [3000]), [-1.4758840488244813, -0.7266868438004226, 0, 0.7266868438004226, 1.4758840488244815]);
    ecdf(random.generalizedNormal(key(24), 1.5, [3000]), [-1.063896807102332, -0.5214584655370088, 0, 0.5214584655370088, 1.0638968071023323]);
  });
  it('pareto, lognormal, maxwell, weibullMin, rayleigh, wald, triangular', () => {
    ecdf(random.pareto(key(30), 3, [3000]), [1.0357441686512863, 1.100642416298209, 1.2599210498948732, 1.5874010519681994, 2.154434690031884]);
    ecdf(random.lognormal(key(31), 0.5, [3000]), [0.5268835182960365, 0.713734042808158, 1, 1.4010821118543542, 1.8979527073347104]);
    ecdf(random.maxwell(key(32), [3000]), [0.7644438332246415, 1.101150717679314, 1.5381722544550522, 2.026905260645478, 2.5002777108094065]);
    ecdf(random.weibullMin(key(33), 2, 1.5, [3000]), [0.4461510512738342, 0.8715758634060475, 1.5664395375493025, 2.486567769750343, 3.4874430271928234]);
    ecdf(random.rayleigh(key(34), 2, [3000]), [0.9180872100528416, 1.5170552328818643, 2.3548200450309493, 3.3302184446307908, 4.291932052578694]);
    ecdf(random.wald(key(35), 2, [3000]), [0.28766587297950064, 0.5012268362300395, 1.0284597845843717, 2.284173981456663, 4.716522083752241]);
    ecdf(random.triangular(key(36), 0, 1, 3, [3000]), [0.5477225575051661, 0.8660254037844386, 1.2679491924311224, 1.775255128608411, 2.2254033307585166]);
  });
  it('dirichlet rows sum to 1 with mean alpha / sum(alpha); ball points lie in the unit ball', () => {
    const d = random.dirichlet(key(40), [1, 2, 3], [2000]);
    expect(d.shape).toEqual([2000, 3]);
    vals(np.sum(d, -1)).forEach((s) => expect(s).toBeCloseTo(1, 12));
    vals(np.mean(d, 0)).forEach((m, i) => expect(Math.abs(m - [1, 2, 3][i] / 6)).toBeLessThan(0.02));
    const b = random.ball(key(41), 3, 2, [1000]);
    expect(b.shape).toEqual([1000, 3]);
    const r = vals(np.sqrt(np.sum(np.multiply(b, b), -1)));
    expect(Math.max(...r)).toBeLessThanOrEqual(1);
    // Uniform in the 3-ball: P(r <= 0.5) = 1/8.
    expect(Math.abs(r.filter((v) => v <= 0.5).length / 1000 - 0.125)).toBeLessThan(0.035);
  });
  it('doubleSidedMaxwell: shape + param shape, symmetric about loc', () => {
    const x = random.doubleSidedMaxwell(key(42), 1, 2, [3000]);
    expect(x.shape).toEqual([3000]);
    expect(Math.abs(mean(vals(x)) - 1)).toBeLessThan(0.2);
    expect(random.doubleSidedMaxwell(key(42), np.array([0, 1]), 1, [5]).shape).toEqual([5, 2]);
  });
  it('stream layout follows JAX (keys from split(key) in JAX order)', () => {
    const k = key(50);
    const [k0, k1] = [split(k).slice(0), split(k).slice(1)];
    const n = vals(normal(k0, [4]));
    const g = vals(random.gamma(k1, 2.5, [4]));
    vals(random.t(k, 5, [4])).forEach((v, i) => expect(v).toBeCloseTo(n[i] * Math.sqrt(2.5 / g[i]), 12));
    const u = vals(uniform(k, [4]));
    vals(random.pareto(k, 3, [4])).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(-Math.log1p(-u[i]) / 3), 12));
    vals(random.triangular(k, 0, 1, 3, [4])).forEach((v, i) => expect(v).toBeCloseTo(u[i] < 1 / 3 ? Math.sqrt(u[i] * 3) : 3 - Math.sqrt((1 - u[i]) * 6), 12));
  });
});

describe('discrete samplers', () => {
  const cdfCheck = (x: Array, ks: readonly number[], cdf: readonly number[]): void => ecdf(x, ks, cdf);
  it('poisson: Knuth (lam 3) and rejection (lam 50) against scipy CDFs; int32; lam 0 gives 0', () => {
    const p3 = random.poisson(key(60), 3, [3000]);
    expect(p3.dtype).toBe('int32');
    cdfCheck(p3, [0, 1, 2, 3, 4, 5], [0.04978706836786395, 0.1991482734714558, 0.42319008112684364, 0.6472318887822313, 0.8152632445237722, 0.9160820579686966]);
    cdfCheck(random.poisson(key(61), 50, [3000]), [40, 45, 50, 55, 60], [0.08607000011796094, 0.2668664740596442, 0.5375166908531476, 0.7844704006939497, 0.927839820186743]);
    expect(vals(random.poisson(key(62), np.array([0, 0, 20])).slice([0, 2]))).toEqual([0, 0]);
  });
  it('binomial: inversion (10, 0.3) and BTRS (100, 0.6); NaN for invalid p', () => {
    cdfCheck(random.binomial(key(63), 10, 0.3, [3000]), [0, 1, 2, 3, 4, 5], [0.028247524900000005, 0.14930834589999992, 0.3827827863999998, 0.6496107184000002, 0.8497316674000001, 0.9526510126000001]);
    cdfCheck(random.binomial(key(64), 100, 0.6, [3000]), [50, 55, 60, 65, 70], [0.027099197757009065, 0.17890163272310555, 0.5379246591140368, 0.8696634710889978, 0.9852246817692689]);
    expect(Number.isNaN(random.binomial(key(65), 5, -0.1).item())).toBe(true);
  });
  it('geometric against scipy CDF; multinomial counts sum to n with mean n p', () => {
    const g = random.geometric(key(66), 0.3, [3000]);
    expect(g.dtype).toBe('int32');
    cdfCheck(g, [1, 2, 3, 4, 5], [0.3, 0.51, 0.6569999999999999, 0.7598999999999999, 0.83193]);
    const m = random.multinomial(key(67), 20, [0.2, 0.3, 0.5], { shape: [500, 3] });
    expect(m.shape).toEqual([500, 3]);
    vals(np.sum(m, -1)).forEach((s) => expect(s).toBe(20));
    vals(np.mean(m, 0)).forEach((v, i) => expect(Math.abs(v - 20 * [0.2, 0.3, 0.5][i])).toBeLessThan(0.3));
  });
  it('poisson and binomial under jit and vmap agree with eager', () => {
    const k = key(70);
    const lam = np.array([2, 30]);
    expect(vals(jit((kk: Array) => random.poisson(kk, lam))(k))).toEqual(vals(random.poisson(k, lam)));
    const ks = split(k, 3);
    const vb = vmap((kk: Array) => random.binomial(kk, 20, 0.4, [2]))(ks);
    [0, 1, 2].forEach((i) => expect(vals(vb.slice(i))).toEqual(vals(random.binomial(ks.slice(i), 20, 0.4, [2]))));
  });
  it('permutation: of n, of rows, independent; a permutation each time, deterministic', () => {
    const k = key(80);
    const p = vals(random.permutation(k, 10));
    expect([...p].sort((a, b) => a - b)).toEqual([...globalThis.Array(10).keys()]);
    expect(vals(random.permutation(k, 10))).toEqual(p);
    const x = np.arange(12).reshape([4, 3]);
    const rows = random.permutation(k, x);
    expect(vals(rows.slice([], 0)).map((v) => v / 3)).toEqual(vals(random.permutation(k, 4)));
    const ind = random.permutation(k, x, 1, true);
    expect(ind.shape).toEqual([4, 3]);
    vals(np.sort(ind, 1)).forEach((v, i) => expect(v).toBe(i));
    expect(Q.length).toBe(5);
  });
});
