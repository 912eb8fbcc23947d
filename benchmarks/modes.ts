/**
 * Forward vs reverse mode (the brief's rule of thumb): for a scalar binned Poisson log-likelihood
 * of P parameters, jacfwd needs P forward passes and jacrev one reverse pass, so their cost ratio
 * grows with P.   Run: npx tsx benchmarks/modes.ts
 */
import { np, jit, jacfwd, jacrev } from '../lib/index.js';

/** log L(θ) = Σ_b n_b log λ_b - λ_b - log Γ(n_b + 1), λ = θ·T for P templates over B bins. */
export function poissonLikelihood(p: number, bins = 64) {
  const t = Array.from({ length: p * bins }, (_, i) => 1 + Math.sin(i) ** 2);
  // Plain number lists, so the arrays take the default float type and device (as in the tests).
  const templates = np.array(t, { shape: [p, bins] });
  const counts = np.array(Array.from({ length: bins }, (_, b) => Math.round(p * (1.5 + Math.cos(b)))));
  return (theta: np.Array): np.Array => {
    const lam = np.matmul(theta, templates);
    return counts.mul(np.log(lam)).sub(lam).sub(np.lgamma(counts.add(1))).sum();
  };
}

function time(fn: () => void, minMs = 200): number {
  fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) { fn(); n++; }
  return (performance.now() - t0) / n;
}

export function modeRows(ps: readonly number[] = [4, 16, 64, 256]): [number, number, number][] {
  return ps.map((p) => {
    const f = poissonLikelihood(p);
    const theta = np.ones([p]);
    const fwd = jit(jacfwd(f));
    const rev = jit(jacrev(f));
    return [p, time(() => fwd(theta).dataSync()), time(() => rev(theta).dataSync())];
  });
}

if (process.argv[1]?.endsWith('modes.ts')) {
  console.log('params'.padStart(7), 'jacfwd ms'.padStart(10), 'jacrev ms'.padStart(10), 'fwd/rev'.padStart(8));
  for (const [p, a, b] of modeRows()) console.log(String(p).padStart(7), a.toFixed(3).padStart(10), b.toFixed(3).padStart(10), (a / b).toFixed(1).padStart(8));
}
