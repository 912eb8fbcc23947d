/**
 * Periodic checkpointing of a long simulation: the gradient of N Boris-pusher steps of a charged
 * particle in a magnetic field, with respect to the field strength, with and without
 * `lax.scan(..., { checkpoint: 'sqrt' })`. Prints peak bytes (memoryStats), time, and the relative
 * difference of the gradients: the same numbers, summed in segments, so they agree to rounding.
 * Run: npx tsx benchmarks/checkpoint.ts [N ...]
 */
import type { ScanOptions } from '../lib/lax/loops.js';
import { gradientAndPeak } from '../examples/particle-tracking.js';

const measure = (n: number, opts: ScanOptions) => gradientAndPeak(n, 2.0, opts);

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
