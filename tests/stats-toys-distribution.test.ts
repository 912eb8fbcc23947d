/**
 * The toy machinery against the asymptotic formulas of Cowan, Cranmer, Gross, Vitells
 * (arXiv:1007.1727) on a high-statistics model (two bins, background ~1000 each, a 5% normsys),
 * where the asymptotic approximation holds:
 *  (a) the distribution of q̃_μ from 10⁴ toys (stats.sampleToys + stats.fitBatch), under the
 *      tested hypothesis μ and under the background-only one, against the asymptotic CDF
 *      F(q̃_μ|μ′) of the paper (for μ′ = μ a half chi-square mixture: an atom of 1/2 at 0, Φ(√q̃)
 *      up to q̃_μ,A, a shifted normal beyond), by the Kolmogorov–Smirnov distance at α = 0.01;
 *  (b) the toy-based CLs, CLs+b and CLb of stats.hypotest({ calctype: 'toybased' }) with 10⁴ toys
 *      per hypothesis against the asymptotic ones, within 4σ of their binomial Monte-Carlo error.
 * Timings on the 2-core CPU machine this was written on: sampling and the two batched fits of 10⁴
 * toys take 3–5 s per hypothesis, a 10⁴-toy hypotest 7–14 s, the file's tests 23–36 s (by load).
 * The asymptotic formulas are approximations: over five keys the toy CLs+b of the first dataset
 * sat 1σ above the asymptotic value on average (pulls −0.2…2.6σ), within the 4σ allowed.
 */
import { describe, expect, it } from 'vitest';
import { random, stats } from '../lib/index.js';

const model = stats.histfactory({ channels: [{ name: 'sr', samples: [
  { name: 'signal', data: [60, 80], modifiers: [{ type: 'normfactor', name: 'mu' }] },
  { name: 'background', data: [1000, 1200], modifiers: [{ type: 'normsys', name: 'bkg_norm', data: { hi: 1.05, lo: 0.95 } }] },
] }] });
const N = 10_000;
const MU = 1;
/** Kolmogorov's asymptotic critical value at α = 0.01: P(√n·D > 1.628) = 0.01 (conservative where F has an atom). */
const KS_CRIT = 1.628 / Math.sqrt(N);

const erf = (x: number): number => {
  // The Taylor series to |x| ≤ 3, erfc's continued fraction beyond (|error| < 1e-12 either way).
  const ax = Math.abs(x);
  if (ax <= 3) { let term = x, sum = x; for (let n = 1; n < 200; n++) { term *= (-x * x) / n; sum += term / (2 * n + 1); } return (2 / Math.sqrt(Math.PI)) * sum; }
  let f = 0;
  for (let k = 60; k >= 1; k--) f = (k / 2) / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
};
const Phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));

/** q̃_μ,A: the statistic on the background-only Asimov data, μ²/σ² in the formulas. */
const qA = stats.qmuTilde(model, model.expectedFull([0, 0]), MU);

/**
 * The asymptotic CDF F(q̃_μ|μ') of q̃_μ when the true signal strength is μ' (Cowan et al.): with
 * s = √q̃_μ,A = μ/σ (σ from the background-only Asimov data, as pyhf and stats.hypotest take it)
 * and δ = (μ − μ')/σ,
 *   F(q̃) = Φ(√q̃ − δ)                              for 0 ≤ q̃ ≤ s²,
 *   F(q̃) = Φ((q̃ − (2sδ − s²)) / (2s))              for q̃ > s²,
 * and at 0 the atom P(μ̂ > μ) = Φ(−δ) (1/2 for μ' = μ).
 */
function cdf(q: number, muTrue: number): number {
  const s = Math.sqrt(qA);
  const delta = ((MU - muTrue) / MU) * s;
  return q <= qA ? Phi(Math.sqrt(q) - delta) : Phi((q - (2 * s * delta - qA)) / (2 * s));
}

/** q̃_μ of every toy: free fit with μ ∈ [0, 10] (so μ̂ ≥ 0) and the fit at μ; 0 where μ̂ > μ. */
function qtildeToys(pars: number[], key: number): { q: number[]; muhat: number[] } {
  const toys = stats.sampleToys(model, random.key(key), pars, N);
  const free = stats.fitBatch(model, toys);
  const cond = stats.fitBatch(model, toys, { fixed: { mu: MU } });
  expect(free.converged.every(Boolean) && cond.converged.every(Boolean)).toBe(true);
  const muhat = free.bestfit.map((p) => p[0]);
  const q = free.nll.map((f, t) => (muhat[t] > MU ? 0 : Math.max(0, 2 * (cond.nll[t] - f))));
  return { q, muhat };
}

/**
 * The Kolmogorov–Smirnov distance sup |F_n − F| of the sample from the CDF `F`, which is
 * continuous except for an atom at 0 (F(0⁻) = 0). Between sample values F_n is constant and F
 * rises, so the supremum is one of the gaps at each distinct value x (ties grouped as i ≤ k < j):
 * |F_n(x) − F(x)| = |j/n − F(x)| and |F_n(x⁻) − F(x⁻)| = |i/n − F(x⁻)|.
 */
function ksDistance(sample: number[], F: (q: number) => number): number {
  const xs = [...sample].sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && xs[j] === xs[i]) j++;
    const f = F(xs[i]);
    const fMinus = xs[i] === 0 ? 0 : f;
    d = Math.max(d, Math.abs(j / n - f), Math.abs(i / n - fMinus));
    i = j;
  }
  return d;
}

const binom = (p: number, n = N) => Math.sqrt((p * (1 - p)) / n);

describe('q̃_μ from 10⁴ toys follows the asymptotic distribution (high statistics)', () => {
  it('the model is in the asymptotic regime the test needs: √q̃_μ,A ≈ 1.18, so μ̂ < 0 under μ in ~12% of toys', () => {
    expect(Math.sqrt(qA)).toBeGreaterThan(1.1);
    expect(Math.sqrt(qA)).toBeLessThan(1.3);
  });

  it('under the tested hypothesis (μ\' = μ = 1): KS distance below the α = 0.01 critical value; the atom at 0 and the q̃ > q̃_A tail (μ̂ < 0) at their asymptotic rates', () => {
    const { q, muhat } = qtildeToys([MU, 0], 11);
    const d = ksDistance(q, (x) => cdf(x, MU));
    expect(d, `KS distance ${d} vs ${KS_CRIT}`).toBeLessThan(KS_CRIT);
    const zeros = q.filter((v) => v === 0).length / N;
    expect(Math.abs(zeros - 0.5)).toBeLessThan(4 * binom(0.5));
    // μ̂ < 0 would be μ̂ = 0 with the bound: the tilde branch of the formula (q̃ > q̃_A).
    const pNeg = Phi(-Math.sqrt(qA));
    const atBound = muhat.filter((m) => m === 0).length / N;
    expect(Math.abs(atBound - pNeg), `${atBound} vs ${pNeg}`).toBeLessThan(4 * binom(pNeg));
    const tail = q.filter((v) => v > qA).length / N;
    expect(Math.abs(tail - (1 - cdf(qA, MU)))).toBeLessThan(4 * binom(1 - cdf(qA, MU)));
  }, 120_000);

  it('under the background-only hypothesis (μ\' = 0): KS distance below the α = 0.01 critical value; the atom at 0 is Φ(−√q̃_A)', () => {
    const { q } = qtildeToys([0, 0], 12);
    const d = ksDistance(q, (x) => cdf(x, 0));
    expect(d, `KS distance ${d} vs ${KS_CRIT}`).toBeLessThan(KS_CRIT);
    const atom = Phi(-Math.sqrt(qA));
    expect(Math.abs(q.filter((v) => v === 0).length / N - atom)).toBeLessThan(4 * binom(atom));
    // Against the s+b distribution the b-only sample is far off: the KS check separates the two.
    expect(ksDistance(q, (x) => cdf(x, MU))).toBeGreaterThan(10 * KS_CRIT);
  }, 120_000);
});

describe('toy-based CLs equals the asymptotic CLs within Monte-Carlo error (10⁴ toys per hypothesis)', () => {
  for (const [obs, key] of [[[1030, 1215], 21], [[975, 1165], 22]] as const) {
    it(`data [${obs}]`, () => {
      const asym = stats.hypotest(MU, [...obs], model);
      const toy = stats.hypotest(MU, [...obs], model, { calctype: 'toybased', nToys: N, key: random.key(key) });
      // The observed statistic is the same fit either way.
      expect(toy.q).toBeCloseTo(asym.q, 9);
      expect(toy.toys!.sb.length).toBe(N);
      const sSb = binom(asym.clsb), sB = binom(asym.clb);
      // CLs = CLs+b / CLb from independent toy sets: relative errors add in quadrature.
      const sCls = asym.cls * Math.sqrt((sSb / asym.clsb) ** 2 + (sB / asym.clb) ** 2);
      expect(Math.abs(toy.clsb - asym.clsb), `CLs+b ${toy.clsb} vs ${asym.clsb} ± ${sSb}`).toBeLessThan(4 * sSb);
      expect(Math.abs(toy.clb - asym.clb), `CLb ${toy.clb} vs ${asym.clb} ± ${sB}`).toBeLessThan(4 * sB);
      expect(Math.abs(toy.cls - asym.cls), `CLs ${toy.cls} vs ${asym.cls} ± ${sCls}`).toBeLessThan(4 * sCls);
    }, 120_000);
  }
});
