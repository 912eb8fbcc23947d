/**
 * Periodic checkpointing of a long simulation: the gradient of N Boris-pusher steps of a charged
 * particle in a magnetic field, with respect to the field strength, with and without
 * `lax.scan(..., { checkpoint: 'sqrt' })`. Prints peak bytes (memoryStats), time, and the relative
 * difference of the gradients: the same numbers, summed in segments, so they agree to rounding.
 * Run: npx tsx benchmarks/checkpoint.ts [N ...]
 */
import { np, lax, grad, jit, memoryStats, resetPeakMemory } from '../lib/index.js';
import type { ScanOptions } from '../lib/lax/loops.js';

const cross = (a: np.Array, b: np.Array): np.Array => {
  const [a0, a1, a2] = [a.slice(0), a.slice(1), a.slice(2)];
  const [b0, b1, b2] = [b.slice(0), b.slice(1), b.slice(2)];
  return np.stack([a1.mul(b2).sub(a2.mul(b1)), a2.mul(b0).sub(a0.mul(b2)), a0.mul(b1).sub(a1.mul(b0))]);
};

/** Final x-position after n Boris steps in B = (0, 0, bz), for unit charge/mass. */
export function finalX(n: number, opts: ScanOptions, dt = 1e-3) {
  return (bz: np.Array): np.Array => {
    const B = np.stack([np.array(0), np.array(0), bz]);
    const t = B.mul(dt / 2);
    const s = t.mul(2).div(np.sum(t.mul(t)).add(1));
    const step = ([x, v]: np.Array[]): [np.Array[], null] => {
      const vPrime = v.add(cross(v, t));
      const vPlus = v.add(cross(vPrime, s));
      return [[x.add(vPlus.mul(dt)), vPlus], null];
    };
    const [[x]] = lax.scan(step, [np.array([0, 0, 0]), np.array([1, 0, 0.1])], null, { length: n, ...opts });
    return x.slice(0);
  };
}

export function measure(n: number, opts: ScanOptions): { grad: number; peak: number; ms: number } {
  const g = jit(grad(finalX(n, opts)));
  g(np.array(2.0)); // compile
  const before = memoryStats().liveBytes;
  resetPeakMemory();
  const t0 = performance.now();
  const out = g(np.array(2.0)).item() as number;
  const ms = performance.now() - t0;
  return { grad: out, peak: memoryStats().peakBytes - before, ms };
}

const isMain = process.argv[1]?.endsWith('checkpoint.ts');
if (isMain) {
  const ns = process.argv.slice(2).map(Number).filter((x) => x > 0);
  console.log('N'.padStart(7), 'plain peak B'.padStart(14), 'sqrt-ckpt peak B'.padStart(17), 'ratio'.padStart(7), 'plain ms'.padStart(10), 'ckpt ms'.padStart(9), '  gradient, rel. diff');
  for (const n of ns.length ? ns : [1_000, 10_000, 100_000]) {
    const a = measure(n, {});
    const b = measure(n, { checkpoint: 'sqrt' });
    console.log(String(n).padStart(7), String(a.peak).padStart(14), String(b.peak).padStart(17), (a.peak / b.peak).toFixed(1).padStart(7),
      a.ms.toFixed(0).padStart(10), b.ms.toFixed(0).padStart(9), `  ${a.grad.toPrecision(12)}, ${(Math.abs(a.grad - b.grad) / Math.abs(a.grad)).toExponential(1)}`);
  }
}
