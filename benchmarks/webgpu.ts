/**
 * WebGPU benchmarks: float32 matmul (TFLOP/s), fused elementwise bandwidth (GB/s), and an MLP
 * training step (ms and kernels per step). Sizes follow the adapter: the sizes on a GPU,
 * small ones on a software adapter (SwiftShader), where the numbers only show the script runs.
 * `npx tsx benchmarks/webgpu.ts`; also the last section of `npm run bench`.
 */
import { backendInfo, getBackend, init, jit, makeJaxpr, nn, np, valueAndGrad } from '../lib/index.js';
import type { Array } from '../lib/index.js';

/** Mean time of `fn` (which resolves when the device is done) after a warm-up, in ms. */
async function time(fn: () => Promise<unknown>, minMs = 500): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs || n < 3) { await fn(); n++; t = performance.now(); }
  return (t - t0) / n;
}

export async function webgpuRows(): Promise<string[]> {
  try {
    await init('webgpu');
  } catch (e) {
    return [`webgpu: not started (${(e as Error).message.split('.')[0]})`];
  }
  const info = backendInfo('webgpu');
  const software = /software emulation/.test(info.description);
  const rows = [info.description];
  const dev = { device: 'webgpu' } as const;

  // Matmul, float32: 4096^3 on a GPU (the target: >= 5 TFLOP/s on an H100).
  {
    const n = software ? 128 : 4096;
    const a = np.ones([n, n], dev).mul(0.5);
    const mm = jit((x: Array) => np.matmul(x, x));
    const ms = await time(async () => { const y = mm(a); await y.blockUntilReady(); y.dispose(); });
    rows.push(`matmul f32 ${n}^3: ${ms.toFixed(2)} ms, ${(2 * n ** 3 / ms / 1e9).toFixed(3)} TFLOP/s`);
  }

  // Fused elementwise chain, read once and written once: bytes moved per second.
  {
    const n = software ? 1 << 16 : 1 << 26;
    const x = np.linspace(-3, 3, n, dev);
    const f = jit((v: Array) => np.tanh(v.mul(v).add(1)).mul(v));
    const ms = await time(async () => { const y = f(x); await y.blockUntilReady(); y.dispose(); });
    rows.push(`elementwise chain ${n.toExponential(1)} f32: ${ms.toFixed(3)} ms, ${(8 * n / ms / 1e6).toFixed(1)} GB/s`);
  }

  // MLP 784-256-10, batch 128: one valueAndGrad step.
  {
    const [b, i, h, o] = [128, 784, 256, 10];
    const p = { w1: np.ones([i, h], dev).mul(0.01), b1: np.zeros([h], dev), w2: np.ones([h, o], dev).mul(0.01), b2: np.zeros([o], dev) };
    const x = np.ones([b, i], dev).mul(0.1);
    const y = nn.oneHot(np.array(globalThis.Array.from({ length: b }, (_, k) => k % o), { dtype: 'int32', ...dev }), o);
    const loss = (q: typeof p, xs: Array, ys: Array) => {
      const hid = nn.relu(np.matmul(xs, q.w1).add(q.b1));
      return nn.logSoftmax(np.matmul(hid, q.w2).add(q.b2), -1).mul(ys).sum().neg().div(b);
    };
    const step = jit(valueAndGrad(loss));
    const stats = getBackend('webgpu').compile(makeJaxpr(valueAndGrad(loss))(p, x, y).jaxpr).stats;
    const ms = await time(async () => {
      const [l, g] = step(p, x, y) as [Array, Record<string, Array>];
      await l.blockUntilReady();
      l.dispose();
      for (const v of Object.values(g)) v.dispose();
    });
    rows.push(`MLP ${i}-${h}-${o} batch ${b} valueAndGrad: ${ms.toFixed(2)} ms/step, ${stats.kernels} kernels + ${stats.routines} routines`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await webgpuRows()) console.log(r);
}
