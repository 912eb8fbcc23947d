/**
 * Benchmarks, in one run: cotangent side by side with its peers (jax-js wasm, TensorFlow.js wasm
 * and cpu; writes benchmarks/results.json), the statistics section against pyhf (benchmarks/
 * stats.ts; adds "stats" to results.json), then ratios against plain JS, then structural
 * measures (swell, checkpointing, modes), WebGPU last. `npm run bench`.
 */
import { np, jit } from '../lib/index.js';
import { swellRows } from './swell.js';
import { gradientAndPeak } from '../examples/particle-tracking.js';
import { modeRows } from './modes.js';
import { peerTable, printPeerTable, writeResults } from './peers.js';
import { webgpuRows } from './webgpu.js';
import { printStatsTable, statsTable, writeStatsResults } from './stats.js';
import { progressBar } from '../examples/progress.js';

function time(fn: () => void, minMs = 300): number {
  for (let i = 0; i < 3; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) { fn(); n++; t = performance.now(); }
  return (t - t0) / n;
}

console.log('peers: cotangent vs jax-js (wasm), TF.js (wasm, cpu)');
const table = await peerTable(undefined, progressBar('peer workloads'));
printPeerTable(table);
writeResults(table);
console.log('(written to benchmarks/results.json)\n');

console.log('statistics: cotangent stats vs pyhf (numpy backend, scipy SLSQP; its times from benchmarks/pyhf/results.json, made by benchmarks/pyhf/run.py)');
const st = statsTable(undefined, undefined, progressBar('statistics (S, M, L, 15 parameters)'));
printStatsTable(st);
writeStatsResults(st);
console.log('(added to benchmarks/results.json as "stats")\n');

const rows: [string, number, number][] = [];
function bench(name: string, ours: () => void, baseline: () => void): void {
  const a = time(ours);
  const b = time(baseline);
  rows.push([name, a, b]);
}

// Elementwise chain: y = sum(tanh(x) * x + 1), n = 1e6, float64.
{
  const n = 1_000_000;
  const data = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  const x = np.array(data);
  const f = jit((a: np.Array) => np.tanh(a).mul(a).add(1).sum());
  bench('elementwise chain 1e6 (jit)', () => f(x).item(), () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.tanh(data[i]) * data[i] + 1;
    if (Number.isNaN(s)) throw new Error();
  });
}

// Matmul 256x256 float64.
{
  const m = 256;
  const A = Float64Array.from({ length: m * m }, (_, i) => Math.cos(i));
  const a = np.array(A, { shape: [m, m] });
  const f = jit((x: np.Array) => np.matmul(x, x));
  bench('matmul 256x256 f64 (jit)', () => f(a), () => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) {
      const v = A[i * m + k];
      for (let j = 0; j < m; j++) C[i * m + j] += v * A[k * m + j];
    }
  });
}

console.log('benchmark'.padEnd(34), 'cotangent ms'.padStart(13), 'plain JS ms'.padStart(12), 'ratio'.padStart(8));
for (const [name, a, b] of rows) {
  console.log(name.padEnd(34), a.toFixed(3).padStart(13), b.toFixed(3).padStart(12), (a / b).toFixed(2).padStart(8));
}

console.log('\nexpression swell (equations after passes; jax-js: 769 for grad^4(tanh))');
for (const [name, n] of swellRows()) console.log(name.padEnd(34), String(n).padStart(6));

console.log('\ncheckpointing: gradient of N Boris steps w.r.t. B (peak bytes; plain vs scan checkpoint: sqrt)');
for (const n of [1_000, 10_000, 100_000]) {
  const a = gradientAndPeak(n, 2.0, {});
  const b = gradientAndPeak(n, 2.0, { checkpoint: 'sqrt' });
  console.log(`N=${String(n).padEnd(7)} plain ${String(a.peak).padStart(9)} B ${a.ms.toFixed(0).padStart(6)} ms | sqrt ${String(b.peak).padStart(7)} B ${b.ms.toFixed(0).padStart(6)} ms | memory ${(a.peak / b.peak).toFixed(1)}x less, time ${(b.ms / a.ms).toFixed(2)}x`);
}

console.log('\nforward vs reverse: Jacobian of a binned Poisson log-likelihood (scalar) with P parameters');
for (const [p, f, r] of modeRows()) console.log(`P=${String(p).padEnd(5)} jacfwd ${f.toFixed(3).padStart(8)} ms  jacrev ${r.toFixed(3).padStart(7)} ms  fwd/rev ${(f / r).toFixed(1)}`);

console.log('\nwebgpu (SwiftShader sizes on a software adapter: those numbers only show that it runs)');
for (const r of await webgpuRows()) console.log(r);
