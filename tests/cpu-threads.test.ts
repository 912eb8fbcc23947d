/**
 * The CPU's second thread for matrix products: a worker takes half of each large product's row
 * panels over shared WebAssembly memory. Results are bit-identical to one thread (each C tile is
 * computed by one thread in the same k order), the worker never keeps a process alive, and
 * backendInfo says how many threads run products.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendInfo, jit, np } from '../lib/index.js';
import { gemmThreads, gemmThreadsUnsupported, useGemmThreads } from '../lib/backends/cpu/gemm-threads.js';
import { wasmGemmAvailable } from '../lib/backends/cpu/wasm-gemm.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const mat = (r: number, c: number, dtype: 'float32' | 'float64', seed: number) =>
  np.array(Array.from({ length: r * c }, (_, i) => Math.sin(i * 0.37 + seed) * (1 + (i % 7))), { dtype }).reshape([r, c]);

async function threadsReady(): Promise<void> {
  for (let i = 0; i < 200 && gemmThreads().threads < 2; i++) await new Promise((r) => setTimeout(r, 10));
}

describe.runIf(wasmGemmAvailable() && gemmThreadsUnsupported() === undefined)('matrix products on two threads', () => {
  // odd sizes: partial row panels, partial column panels, k blocks of several lengths
  const shapes: [number, number, number][] = [[263, 301, 517], [128, 784, 256], [517, 70, 129]];

  it('start on the first large product and give the one-thread bits, float32 and float64', async () => {
    const f = jit((a: np.Array, b: np.Array) => np.matmul(a, b));
    const g = jit((a: np.Array, b: np.Array) => np.einsum('bij,bkj->bik', a, b)); // batched, transposed operand
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [m, k, n] of shapes) {
        const [a, b] = [mat(m, k, dtype, 1), mat(k, n, dtype, 2)];
        f(a, b).dispose(); // starts the worker
        await threadsReady();
        expect(gemmThreads().threads).toBe(2);
        useGemmThreads(false);
        const one = f(a, b).dataSync();
        useGemmThreads(true);
        const two = f(a, b).dataSync();
        expect(two.every((v, i) => Object.is(v, one[i]))).toBe(true);
        // against a plain triple loop in float64 (float32: within its rounding)
        const [ad, bd] = [a.dataSync(), b.dataSync()];
        for (const [i, j] of [[0, 0], [m - 1, n - 1], [m >> 1, n >> 1], [m - 1, 0]]) {
          let s = 0;
          for (let t = 0; t < k; t++) s += ad[i * k + t] * bd[t * n + j];
          expect(Math.abs(two[i * n + j] - s)).toBeLessThanOrEqual((dtype === 'float64' ? 1e-12 : 1e-4) * Math.max(1, Math.abs(s)));
        }
      }
      const [a3, b3] = [mat(2 * 140, 300, dtype, 3).reshape([2, 140, 300]), mat(2 * 150, 300, dtype, 4).reshape([2, 150, 300])];
      useGemmThreads(false);
      const g1 = g(a3, b3).dataSync();
      useGemmThreads(true);
      expect(g(a3, b3).dataSync().every((v, i) => Object.is(v, g1[i]))).toBe(true);
    }
    expect(backendInfo('cpu').description).toMatch(/matrix products on 2 threads/);
  });

  it('never keeps a process alive', () => {
    const script = "import { np } from './lib/index.ts'; const a = np.ones([512, 512]); np.matmul(a, a).dataSync(); setTimeout(() => np.matmul(a, a).dataSync(), 200);";
    const t0 = Date.now();
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 30_000 });
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
