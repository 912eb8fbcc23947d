/**
 * An end-to-end optimised analysis in the style of neos / relaxed: choose the cut on a
 * discriminant x that minimises the expected CLs of a μ = 1 signal in a counting experiment with a
 * 10% background normalisation uncertainty (the trade-off between S/√B and systematics). The hard cut and histogram
 * have zero gradient, so they are relaxed (softCut, softHistogram); the expected CLs comes from a
 * profile-likelihood fit of the background normalisation (optimize.minimize), differentiated by the
 * implicit function theorem. Gradients flow cut -> yields -> fit -> q_A -> CLs.
 * Run: npx tsx examples/neos-optimise.ts
 */
import { np, jit, valueAndGrad, random, relax, optimize, scipySpecial } from '../lib/index.js';

const key = random.key(42);
const [ks, kb] = random.split(key);
const xs = random.normal(ks, [2000]).mul(0.6).add(1.0); // signal discriminant
const xb = random.normal(kb, [2000]).mul(1.0).sub(0.5); // background discriminant
const wS = 40 / 2000; // expected signal events per simulated event
const wB = 400 / 2000;
const edges = np.array([-6, 8]); // a counting experiment: one bin holding every event
const bandwidth = 0.15;
const sysB = 0.1; // background normalisation uncertainty (normsys, code 1)

/** Expected per-bin yields of events passing a soft cut at `cut`. */
function yields(cut: np.Array, temperature: number): [np.Array, np.Array] {
  const hist = (x: np.Array, w: number) =>
    relax.softHistogram(x, edges, { bandwidth, weights: relax.softCut(x, cut, { temperature }).mul(w) });
  return [hist(xs, wS), hist(xb, wB)];
}

/** −log L(μ, α | n) for Poisson bins with background scaled by (1 + sysB)^α and α ~ N(0, 1). */
function nll(mu: np.Array | number, alpha: np.Array, n: np.Array, s: np.Array, b: np.Array): np.Array {
  const lam = s.mul(mu).add(b.mul(np.exp(alpha.mul(Math.log1p(sysB)))));
  return lam.sub(n.mul(np.log(lam))).sum().add(alpha.square().mul(0.5));
}

/**
 * Median expected CLs(μ = 1) under the background-only hypothesis (asymptotic, Asimov data n = b):
 * q_A = 2 [min_α NLL(1, α) − NLL(0, 0)] and CLs = 2 (1 − Φ(√q_A)).
 */
export function expectedCls(cut: np.Array, temperature = 0.2): np.Array {
  const [s, b] = yields(cut, temperature);
  const fit = optimize.minimize((a: np.Array, ss: np.Array, bb: np.Array) => nll(1, a.reshape([]), bb, ss, bb), np.zeros([1]), { method: 'newton', args: [s, b] });
  const qA = fit.fun.sub(nll(0, np.array(0), b, s, b)).mul(2);
  return scipySpecial.ndtr(np.sqrt(np.maximum(qA, 1e-12)).neg()).mul(2);
}

/** The same figure of merit with a hard cut and hard histogram, for a brute-force check. */
function hardCls(cut: number): number {
  const count = (x: np.Array, w: number) => {
    const v = x.js() as number[];
    const e = edges.js() as number[];
    return e.slice(0, -1).map((lo, k) => v.filter((t) => t > cut && t >= lo && t < e[k + 1]).length * w);
  };
  const s = count(xs, wS);
  const b = count(xb, wB);
  // Profile α by a dense scan (plain JS), then the same asymptotic formula.
  const nllJs = (mu: number, a: number) => s.reduce((acc, sk, k) => {
    const lam = mu * sk + b[k] * (1 + sysB) ** a;
    return acc + (lam > 0 ? lam - b[k] * Math.log(lam) : 0);
  }, 0) + a * a / 2;
  let best = Infinity;
  for (let a = -3; a <= 3; a += 1e-3) best = Math.min(best, nllJs(1, a));
  const qA = 2 * (best - nllJs(0, 0));
  return 2 * (scipySpecial.ndtr(-Math.sqrt(Math.max(qA, 1e-12))).item() as number);
}

export function run(steps: number, log = console.log): { cut: number; cls: number } {
  const step = jit(valueAndGrad((c: np.Array) => np.log(expectedCls(c))));
  let cut = np.array(-0.5);
  let lr = 0.5;
  let prev = Infinity;
  log('step   cut      expected CLs   d log CLs / d cut');
  for (let i = 0; i <= steps; i++) {
    const [v, g] = step(cut) as [np.Array, np.Array];
    const cls = Math.exp(v.item() as number);
    if (i % Math.max(1, Math.floor(steps / 8)) === 0 || i === steps) log(`${String(i).padStart(4)}  ${(cut.item() as number).toFixed(3).padStart(6)}   ${cls.toExponential(4)}     ${(g.item() as number).toFixed(4)}`);
    if (cls > prev) lr *= 0.5; // simple step-size control
    prev = cls;
    if (i < steps) cut = cut.sub(g.mul(lr));
  }
  return { cut: cut.item() as number, cls: Math.exp(step(cut)[0].item() as number) };
}

if (process.argv[1]?.endsWith('neos-optimise.ts')) {
  const t0 = performance.now();
  const best = run(24);
  console.log(`optimal soft cut ${best.cut.toFixed(3)}, expected CLs ${best.cls.toExponential(3)} (${(performance.now() - t0).toFixed(0)} ms)`);
  // Brute force over hard cuts: the optimised cut should sit near the best hard cut.
  const grid = Array.from({ length: 61 }, (_, i) => -1 + i * 0.05);
  const hard = grid.map((c) => [c, hardCls(c)] as const).reduce((a, b) => (b[1] < a[1] ? b : a));
  console.log(`best hard cut on a grid: ${hard[0].toFixed(3)} with CLs ${hard[1].toExponential(3)}; hard CLs at the optimised cut: ${hardCls(best.cut).toExponential(3)}`);
  if (!(hardCls(best.cut) < 1.5 * hard[1])) { console.error('neos-optimise: the optimised cut is far from the best hard cut'); process.exit(1); }
}
