/**
 * Side by side with the peers, in one run: cotangent (CPU, float64 and float32), jax-js (wasm
 * backend, float32) and TensorFlow.js (cpu backend, float32; its Node bundle has no gradients
 * registered, so it sits out the gradient row). Times are per call after warm-up;
 * ratios are peer / cotangent-float32 (> 1: cotangent is faster).   Run: npx tsx benchmarks/peers.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as jax from '@jax-js/jax';
import { np, jit, grad } from '../lib/index.js';

(globalThis as unknown as { navigator?: object }).navigator ??= {}; // jax-js probes navigator.gpu
const J = jax as unknown as { numpy: any; jit: any; grad: any; init: () => Promise<unknown>; defaultDevice: (d: string) => void };

async function time(fn: () => Promise<unknown> | unknown, minMs = 400): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) { await fn(); n++; }
  return (performance.now() - t0) / n;
}

const N = 1_000_000;
const M = 256;
const data = Float64Array.from({ length: N }, (_, i) => Math.sin(i));
const mat = Float64Array.from({ length: M * M }, (_, i) => Math.cos(i) / M);
const B = 64;
const [DIN, DH] = [32, 64];
const xs = Float64Array.from({ length: B * DIN }, (_, i) => Math.sin(0.3 * i));
const w1 = Float64Array.from({ length: DIN * DH }, (_, i) => Math.cos(0.7 * i) / 8);
const w2 = Float64Array.from({ length: DH }, (_, i) => Math.sin(1.1 * i) / 8);

export async function peerRows(): Promise<[string, number, number, number, number][]> {
  await J.init();
  J.defaultDevice('wasm');
  await tf.setBackend('cpu');
  const rows: [string, number, number, number, number][] = [];

  // 1. Elementwise chain with a reduction.
  {
    const chain = (a: np.Array) => np.tanh(a).mul(a).add(1).sum();
    const [x64, x32] = [np.array(data), np.array(data, { dtype: 'float32' })];
    const f = jit(chain);
    const jf = J.jit((a: any) => J.numpy.tanh(a.ref).mul(a).add(1).sum());
    const jx = J.numpy.array(Array.from(data));
    const tx = tf.tensor1d(Float32Array.from(data));
    rows.push(['tanh(x)·x+1, sum (1e6)',
      await time(() => f(x64).dataSync()), await time(() => f(x32).dataSync()),
      await time(async () => jf(jx.ref).data()),
      await time(() => tf.tidy(() => tf.sum(tf.add(tf.mul(tf.tanh(tx), tx), 1))).dataSync())]);
  }
  // 2. Matmul.
  {
    const f = jit((a: np.Array) => np.matmul(a, a));
    const [a64, a32] = [np.array(mat, { shape: [M, M] }), np.array(mat, { shape: [M, M], dtype: 'float32' })];
    const jf = J.jit((a: any) => J.numpy.matmul(a.ref, a));
    const ja = J.numpy.array(Array.from(mat)).reshape([M, M]);
    const ta = tf.tensor2d(Float32Array.from(mat), [M, M]);
    rows.push([`matmul ${M}x${M}`,
      await time(() => f(a64).dataSync()), await time(() => f(a32).dataSync()),
      await time(async () => jf(ja.ref).data()),
      await time(() => tf.tidy(() => tf.matMul(ta, ta)).dataSync())]);
  }
  // 3. Gradient of a small MLP loss w.r.t. its first layer.
  {
    const loss = (W1: np.Array, W2: np.Array, X: np.Array) => np.tanh(np.matmul(X, W1)).matmul(W2).square().mean();
    const g = jit(grad(loss));
    const args64 = [np.array(w1, { shape: [DIN, DH] }), np.array(w2, { shape: [DH] }), np.array(xs, { shape: [B, DIN] })];
    const args32 = args64.map((a) => a.astype('float32'));
    const jl = (W1: any, W2: any, X: any) => J.numpy.square(J.numpy.matmul(J.numpy.tanh(J.numpy.matmul(X, W1)), W2)).mean();
    const jg = J.jit(J.grad(jl));
    const jargs = [J.numpy.array(Array.from(w1)).reshape([DIN, DH]), J.numpy.array(Array.from(w2)), J.numpy.array(Array.from(xs)).reshape([B, DIN])];
    rows.push(['grad of an MLP loss (64x32x64)',
      await time(() => (g(...args64) as np.Array).dataSync()), await time(() => (g(...args32) as np.Array).dataSync()),
      await time(async () => jg(jargs[0].ref, jargs[1].ref, jargs[2].ref).data()), NaN]);
  }
  return rows;
}

if (process.argv[1]?.endsWith('peers.ts')) {
  const rows = await peerRows();
  console.log('benchmark'.padEnd(32), 'ours f64'.padStart(9), 'ours f32'.padStart(9), 'jax-js'.padStart(9), 'tfjs'.padStart(9), '  jax-js/ours  tfjs/ours   (ms; ratio > 1: we are faster)');
  for (const [name, a, b, c, d] of rows) {
    const f = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(3)).padStart(9);
    const r = (v: number) => (Number.isNaN(v) ? 'n/a' : (v / b).toFixed(2)).padStart(10);
    console.log(name.padEnd(32), ...[a, b, c, d].map(f), `  ${r(c)} ${r(d)}`);
  }
}
