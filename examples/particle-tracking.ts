/**
 * A charged particle in a uniform magnetic field B = (0, 0, b), integrated with the Boris pusher
 * for 10⁵ steps, differentiated with respect to the field strength b — once storing every step
 * for the backward pass and once with periodic checkpointing (lax.scan { checkpoint: 'sqrt' }).
 * Prints the gradient and peak memory of each and checks them against finite differences of
 * re-run simulations in plain JS.   Run: npx tsx examples/particle-tracking.ts
 */
import { np, lax, grad, jit, memoryStats, resetPeakMemory } from '../lib/index.js';
import type { ScanOptions } from '../lib/lax/loops.js';

const cross = (a: np.Array, b: np.Array): np.Array => {
  const [a0, a1, a2] = a;
  const [b0, b1, b2] = b;
  return np.stack([a1.mul(b2).sub(a2.mul(b1)), a2.mul(b0).sub(a0.mul(b2)), a0.mul(b1).sub(a1.mul(b0))]);
};

/** x-position after n Boris steps (unit charge and mass, no electric field). */
export function finalX(n: number, opts: ScanOptions = {}, dt = 1e-3) {
  return (b: np.Array): np.Array => {
    const t = np.stack([np.array(0), np.array(0), b]).mul(dt / 2);
    const s = t.mul(2).div(np.sum(t.mul(t)).add(1));
    const step = ([x, v]: np.Array[]): [np.Array[], null] => {
      const vPrime = v.add(cross(v, t));
      const vPlus = v.add(cross(vPrime, s));
      return [[x.add(vPlus.mul(dt)), vPlus], null];
    };
    const [[x]] = lax.scan(step, [np.zeros([3]), np.array([1, 0, 0.1])], null, { length: n, ...opts });
    return x.slice(0);
  };
}

/** The same integration in plain JS, for the finite-difference check. */
function finalXRef(n: number, b: number, dt = 1e-3): number {
  const t = (b * dt) / 2;
  const s = (2 * t) / (1 + t * t);
  let [x, vx, vy] = [0, 1, 0];
  for (let i = 0; i < n; i++) {
    const px = vx + vy * t;
    const py = vy - vx * t;
    vx += py * s;
    vy -= px * s;
    x += vx * dt;
  }
  return x;
}

export function gradientAndPeak(n: number, b: number, opts: ScanOptions): { grad: number; peak: number; ms: number } {
  const g = jit(grad(finalX(n, opts)));
  g(np.array(b));
  const before = memoryStats().liveBytes;
  resetPeakMemory();
  const t0 = performance.now();
  const value = g(np.array(b)).item() as number;
  return { grad: value, peak: memoryStats().peakBytes - before, ms: performance.now() - t0 };
}

if (process.argv[1]?.endsWith('particle-tracking.ts')) {
  const n = 100_000;
  const b = 2.0;
  const h = 1e-5;
  const fd = (finalXRef(n, b + h) - finalXRef(n, b - h)) / (2 * h);
  console.log(`Boris pusher, ${n} steps of dt = 1e-3 in B = (0, 0, ${b}); final x = ${finalXRef(n, b).toFixed(9)}`);
  console.log(`finite difference dx/db       = ${fd.toFixed(9)}`);
  for (const [label, opts] of [['stored every step', {}], ["checkpoint: 'sqrt'", { checkpoint: 'sqrt' }]] as const) {
    const r = gradientAndPeak(n, b, opts);
    console.log(`grad, ${label.padEnd(18)} = ${r.grad.toFixed(9)}   peak ${(r.peak / 1024).toFixed(1).padStart(8)} KiB   ${r.ms.toFixed(0)} ms`);
    if (Math.abs(r.grad - fd) > 1e-5 * Math.max(1, Math.abs(fd))) {
      console.error(`gradient disagrees with finite differences: ${r.grad} vs ${fd}`);
      process.exit(1);
    }
  }
}
