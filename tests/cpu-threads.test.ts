/**
 * The CPU's second thread: a worker takes half of each large product's row panels, and half of
 * each large fused kernel's outer loop, over shared WebAssembly memory. Results are bit-identical
 * to one thread (each output element is computed by one thread with the same instructions), the
 * worker never keeps a process alive, and backendInfo says how many threads run.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendInfo, clearCaches, jit, nn, np, valueAndGrad } from '../lib/index.js';
import { threadInfo, threadJobs, threadsUnsupported, useThreads } from '../lib/backends/cpu/threads.js';
import { wasmSimdAvailable } from '../lib/backends/cpu/wasm/asm.js';
import { wasmGemmAvailable } from '../lib/backends/cpu/wasm-gemm.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const mat = (r: number, c: number, dtype: 'float32' | 'float64', seed: number) =>
  np.array(Array.from({ length: r * c }, (_, i) => Math.sin(i * 0.37 + seed) * (1 + (i % 7))), { dtype }).reshape([r, c]);

async function threadsReady(): Promise<void> {
  for (let i = 0; i < 200 && threadInfo().threads < 2; i++) await new Promise((r) => setTimeout(r, 10));
}

describe.runIf(wasmGemmAvailable() && threadsUnsupported() === undefined)('matrix products on two threads', () => {
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
        expect(threadInfo().threads).toBe(2);
        useThreads(false);
        const one = f(a, b).dataSync();
        useThreads(true);
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
      useThreads(false);
      const g1 = g(a3, b3).dataSync();
      useThreads(true);
      expect(g(a3, b3).dataSync().every((v, i) => Object.is(v, g1[i]))).toBe(true);
    }
    expect(backendInfo('cpu').description).toMatch(/matrix products and large fused kernels on 2 threads/);
  });

  it('takes part in a synchronous program that never yields to the event loop', () => {
    const script = "import { jit, np } from './lib/index.js'; import { threadJobs } from './lib/backends/cpu/threads.js';" +
      " const f = jit((u) => np.exp(np.sin(u))); const x = np.ones([1000000]); const t0 = Date.now();" +
      " while (Date.now() - t0 < 1500 && threadJobs() === 0) f(x).dispose(); console.log(threadJobs());";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 30_000 });
    expect(Number(out.toString().trim())).toBeGreaterThan(0);
  });

  it('never keeps a process alive', () => {
    const script = "import { np } from './lib/index.ts'; const a = np.ones([512, 512]); np.matmul(a, a).dataSync(); setTimeout(() => { np.matmul(a, a).dataSync(); np.sin(np.ones([1000000])).dataSync(); }, 200);";
    const t0 = Date.now();
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 30_000 });
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});

describe.runIf(wasmSimdAvailable() && threadsUnsupported() === undefined)('fused kernels on two threads', () => {
  const vec = (n: number, dtype: 'float32' | 'float64' | 'int32', seed: number) =>
    np.array(Array.from({ length: n }, (_, i) => (dtype === 'int32' ? (i * 7919 + seed) % 1000 - 500 : Math.sin(i * 0.37 + seed) * 4)), { dtype });
  // every split shape: the vector axis alone (odd lengths, both lane widths), outer axes with
  // reductions inside, transposed and broadcast reads, int32 and bool values, several outputs
  const programs: [string, (dtype: 'float32' | 'float64') => () => np.Array | np.Array[]][] = [
    ['chain, odd length', (dt) => { const x = vec(100_003, dt, 1); const f = jit((u: np.Array) => np.tanh(np.add(np.multiply(np.sin(u), u), 1))); return () => f(x); }],
    ['row sums and their gradient', (dt) => { const x = vec(203 * 409, dt, 2).reshape([203, 409]); const g = jit(valueAndGrad((u: np.Array) => np.sum(np.square(np.sum(np.multiply(np.sin(u), np.exp(np.cos(u))), 1))))); return () => { const [v, d] = g(x); return [v, d]; }; }],
    ['softmax rows', (dt) => { const x = vec(301 * 517, dt, 3).reshape([301, 517]); const f = jit((u: np.Array) => nn.softmax(u, -1)); return () => f(x); }],
    ['column sums of a transpose', (dt) => { const x = vec(257 * 1031, dt, 4).reshape([257, 1031]); const f = jit((u: np.Array) => np.sum(np.exp(np.transpose(u)), 0)); return () => f(x); }],
    ['broadcast outer sum', (dt) => { const [a, b] = [vec(701, dt, 5), vec(503, dt, 6)]; const f = jit((u: np.Array, v: np.Array) => np.log1p(np.abs(np.add(u.reshape([701, 1]), v)))); return () => f(a, b); }],
    ['int32 and bool', (dt) => { const [i, x] = [vec(300_001, 'int32', 7), vec(300_001, dt, 8)]; const f = jit((k: np.Array, u: np.Array) => [np.where(np.greater(np.multiply(k, 3), 100), np.sin(u), u), np.greater(np.add(k, 1), 0)]); return () => f(i, x); }],
  ];
  for (const [name, make] of programs) {
    it(`${name}: the one-thread bits, float32 and float64`, async () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const run = make(dtype);
        const out = (): (Float32Array | Float64Array | Int32Array | Uint8Array)[] => {
          const r = run();
          return (Array.isArray(r) ? r : [r]).map((a) => a.dataSync() as Float32Array);
        };
        out(); // starts the worker
        await threadsReady();
        useThreads(false);
        const one = out();
        useThreads(true);
        const before = threadJobs();
        const two = out();
        expect(threadJobs()).toBeGreaterThan(before);
        two.forEach((t, j) => expect(t.every((v, i) => Object.is(v, one[j][i]))).toBe(true));
      }
    });
  }

  it('keeps splitting a compiled function after clearCaches() drops the kernels it holds', async () => {
    const x = vec(100_003, 'float32', 9);
    const f = jit((u: np.Array) => np.exp(np.sin(u)));
    const want = f(x).dataSync();
    await threadsReady();
    clearCaches();
    for (let i = 0; i < 3; i++) {
      const before = threadJobs();
      expect(f(x).dataSync()).toEqual(want);
      expect(threadJobs()).toBeGreaterThan(before);
    }
    expect(threadInfo().threads).toBe(2);
  });
});
