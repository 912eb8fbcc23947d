/**
 * Relaxations of non-differentiable operations (`relax`), each printed next to its exact
 * counterpart. Run with `npx tsx examples/relaxations.ts`; exits non-zero if a check fails.
 */
import { np, grad, random, relax } from '../lib/index.js';

let failed = 0;
function check(name: string, ok: boolean, detail: string) {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  if (!ok) failed++;
}
const fmt = (v: number) => v.toFixed(6).padStart(11);
const vec = (a: np.Array) => Array.from(a.dataSync() as Float64Array);
const num = (a: np.Array) => a.item() as number;
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
const jsSoftmax = (l: number[]) => { const m = Math.max(...l); const e = l.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };

// 1. A hard cut x > t versus a soft cut sigmoid((x - t)/τ) on N(0, 1) events.
{
  console.log('1. Cut efficiency on N(0,1) events and its derivative w.r.t. the threshold t');
  const N = 200_000, t = 0.8, tau = 0.05;
  const x = random.normal(random.key(0), [N]);
  const hardEff = (th: np.Array) => np.where(np.greater(x, th), 1, 0).mean();
  const softEff = (th: np.Array) => relax.softCut(x, th, { temperature: tau }).mean();
  const exactEff = 0.5 * erfcJs(t / Math.SQRT2);
  const exactGrad = -phi(t);
  const hE = num(hardEff(np.array(t))), sE = num(softEff(np.array(t)));
  const hG = num(grad(hardEff)(np.array(t))), sG = num(grad(softEff)(np.array(t)));
  console.log(`     efficiency   hard ${fmt(hE)}   soft ${fmt(sE)}   exact 1-Φ(t) ${fmt(exactEff)}`);
  console.log(`     d eff / dt   hard ${fmt(hG)}   soft ${fmt(sG)}   exact -φ(t)  ${fmt(exactGrad)}`);
  const se = Math.sqrt(exactEff * (1 - exactEff) / N);
  check('hard efficiency', Math.abs(hE - exactEff) < 5 * se, `|Δ| = ${Math.abs(hE - exactEff).toExponential(2)} (5σ = ${(5 * se).toExponential(2)})`);
  check('soft efficiency', Math.abs(sE - exactEff) < 5 * se + 2e-3, `|Δ| = ${Math.abs(sE - exactEff).toExponential(2)}`);
  check('hard cut has no threshold gradient', hG === 0, `${hG}`);
  check('soft cut gradient ≈ -φ(t)', Math.abs(sG - exactGrad) < 0.03 * Math.abs(exactGrad), `rel. error ${(Math.abs(sG / exactGrad - 1)).toExponential(2)}`);
}

// 2. Sinkhorn soft sort / soft rank versus a JS sort.
{
  console.log('2. Sinkhorn soft sort vs sort');
  const xs = [2.4, -0.7, 1.1, 5.0, 0.2, 3.3];
  const hard = [...xs].sort((a, b) => a - b);
  const ranks = xs.map((v) => 1 + xs.filter((u) => u < v).length);
  const soft = vec(relax.softSort(np.array(xs), { epsilon: 0.1 }));
  const sharp = vec(relax.softSort(np.array(xs), { epsilon: 1e-3, iterations: 300 }));
  const softR = vec(relax.softRank(np.array(xs), { epsilon: 1e-3, iterations: 300 }));
  console.log(`     sort           ${hard.map(fmt).join('')}`);
  console.log(`     soft ε=0.1     ${soft.map(fmt).join('')}`);
  console.log(`     soft ε=1e-3    ${sharp.map(fmt).join('')}`);
  console.log(`     rank           ${ranks.map(fmt).join('')}`);
  console.log(`     soft rank 1e-3 ${softR.map(fmt).join('')}`);
  const g = vec(grad((v: np.Array) => relax.softSort(v).slice(-1).sum())(np.array(xs)));
  console.log(`     ∂(soft max)/∂x ${g.map(fmt).join('')}   (hard: one-hot at x=5)`);
  check('ε → 0 gives the sort', sharp.every((v, i) => Math.abs(v - hard[i]) < 1e-6), `max |Δ| = ${Math.max(...sharp.map((v, i) => Math.abs(v - hard[i]))).toExponential(2)}`);
  check('ε → 0 gives the ranks', softR.every((v, i) => Math.abs(v - ranks[i]) < 1e-6), `max |Δ| = ${Math.max(...softR.map((v, i) => Math.abs(v - ranks[i]))).toExponential(2)}`);
  check('soft sort is increasing', soft.every((v, i) => i === 0 || v > soft[i - 1]), 'yes');
}

// 3. Gumbel-softmax versus categorical sampling.
{
  console.log('3. Gumbel-softmax argmax frequencies vs softmax(logits) and random.categorical');
  const logits = [1, 0.5, -1, 2];
  const p = jsSoftmax(logits);
  const N = 20_000;
  const L = np.broadcastTo(np.array(logits), [N, logits.length]);
  const hardSamples = relax.gumbelSoftmax(random.key(1), L, { temperature: 0.5, hard: true });
  const freq = vec(hardSamples.mean(0));
  const cat = random.categorical(random.key(2), np.array(logits), { shape: [N] }).dataSync();
  const catFreq = logits.map((_, k) => Array.from(cat).filter((c) => c === k).length / N);
  const softMean = vec(relax.gumbelSoftmax(random.key(1), L, { temperature: 0.5 }).mean(0));
  console.log(`     softmax(logits)    ${p.map(fmt).join('')}`);
  console.log(`     gumbel-softmax     ${freq.map(fmt).join('')}   (hard one-hots, mean over ${N})`);
  console.log(`     random.categorical ${catFreq.map(fmt).join('')}`);
  console.log(`     mean soft sample   ${softMean.map(fmt).join('')}   (τ = 0.5: biased toward uniform)`);
  const z = Math.max(...p.map((pk, k) => Math.abs(freq[k] - pk) / Math.sqrt(pk * (1 - pk) / N)));
  const zc = Math.max(...p.map((pk, k) => Math.abs(catFreq[k] - pk) / Math.sqrt(pk * (1 - pk) / N)));
  check('gumbel-softmax frequencies', z < 5, `max pull ${z.toFixed(2)}σ`);
  check('categorical frequencies', zc < 5, `max pull ${zc.toFixed(2)}σ`);
  check('hard samples are one-hot', vec(hardSamples.sum(1)).every((s) => s === 1) && vec(hardSamples).every((v) => v === 0 || v === 1), 'yes');
}

// 4. A straight-through estimator: exact rounding forward, identity gradient backward.
{
  console.log('4. Straight-through rounding: f(w) = Σ c·round(w)');
  const w = np.array([0.3, 1.7, -2.4, 3.5]);
  const c = np.array([1, -2, 0.5, 3]);
  const f = (v: np.Array) => relax.straightThrough(np.round(v), v).mul(c).sum();
  const exact = vec(np.round(w)).reduce((s, r, i) => s + r * vec(c)[i], 0);
  const g = vec(grad(f)(w));
  const gHard = vec(grad((v: np.Array) => np.round(v).mul(c).sum())(w));
  console.log(`     value         STE ${fmt(num(f(w)))}   exact Σ c·round(w) ${fmt(exact)}`);
  console.log(`     gradient      STE ${g.map(fmt).join('')}   (surrogate: c)`);
  console.log(`     true gradient     ${gHard.map(fmt).join('')}   (round is flat)`);
  check('STE forward value is exact', num(f(w)) === exact, `${num(f(w))}`);
  check('STE gradient is the surrogate\'s', g.every((v, i) => v === vec(c)[i]), g.join(', '));
}

// 5. The reparameterisation trick: ∇ E_{z~N(μ,σ²)}[z²] = (2μ, 2σ).
{
  console.log('5. Reparameterisation-trick gradient of E[z²], z = μ + σ·ε, ε ~ N(0,1)');
  const N = 100_000, mu = 0.7, sigma = 1.3;
  const eps = random.normal(random.key(3), [N]);
  const loss = (m: np.Array, s: np.Array) => m.add(s.mul(eps)).square().mean();
  const [gm, gs] = (grad(loss, { argnums: [0, 1] })(np.array(mu), np.array(sigma)) as np.Array[]).map(num);
  console.log(`     ∂/∂μ  estimate ${fmt(gm)}   exact 2μ ${fmt(2 * mu)}`);
  console.log(`     ∂/∂σ  estimate ${fmt(gs)}   exact 2σ ${fmt(2 * sigma)}`);
  // Standard errors: ∂/∂μ = mean(2(μ+σε)) has sd 2σ/√N; ∂/∂σ = mean(2(μ+σε)ε) has sd 2·√(μ² + 2σ²)/√N.
  const seM = (2 * sigma) / Math.sqrt(N), seS = (2 * Math.sqrt(mu * mu + 2 * sigma * sigma)) / Math.sqrt(N);
  check('∂/∂μ within 5σ', Math.abs(gm - 2 * mu) < 5 * seM, `pull ${((gm - 2 * mu) / seM).toFixed(2)}σ`);
  check('∂/∂σ within 5σ', Math.abs(gs - 2 * sigma) < 5 * seS, `pull ${((gs - 2 * sigma) / seS).toFixed(2)}σ`);
}

// 6. smoothMax and softHistogram at a glance.
{
  console.log('6. smoothMax and a KDE histogram');
  const xs = [1000, 999, -1000];
  const sm = num(relax.smoothMax(np.array(xs), { temperature: 0.1 }));
  console.log(`     smoothMax τ=0.1 ${fmt(sm)}   max ${fmt(1000)}   (no overflow at |x| = 1e3)`);
  check('smoothMax within τ·log n of max', sm >= 1000 && sm - 1000 <= 0.1 * Math.log(3), `${sm}`);
  const ev = [0.2, 0.25, 1.4, 2.6, 2.9, 3.1];
  const edges = [0, 1, 2, 3, 4];
  const soft = vec(relax.softHistogram(np.array(ev), np.array(edges), { bandwidth: 1e-3 }));
  const hard = edges.slice(0, -1).map((lo, k) => ev.filter((v) => v >= lo && v < edges[k + 1]).length);
  console.log(`     soft hist h=1e-3 ${soft.map(fmt).join('')}`);
  console.log(`     hard hist        ${hard.map(fmt).join('')}`);
  check('h → 0 gives the hard histogram', soft.every((v, i) => Math.abs(v - hard[i]) < 1e-9), 'yes');
}

/** erfc in JS (continued fraction/series, double precision) for the exact efficiency. */
function erfcJs(x: number): number {
  // erf by its Taylor series for |x| < 3 (enough here), erfc = 1 - erf.
  let sum = x, term = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return 1 - (2 / Math.sqrt(Math.PI)) * sum;
}

if (failed) {
  console.error(`${failed} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
