/**
 * A 784-256-10 MLP (relu, log-softmax cross-entropy against one-hot labels), batch 128, written
 * once per library the way its documentation writes it: the training step `jit(valueAndGrad)`,
 * per-example gradients (`vmap(grad)` and a loop of `grad` calls) and the first call of a fresh
 * `jit(valueAndGrad)`. TF.js has no jit and no vmap: its rows are eager `valueAndGrads`/`grads`.
 */
import * as jax from '@jax-js/jax';
import * as tf from '@tensorflow/tfjs-core';
import { jit, grad, valueAndGrad, vmap, nn, np } from '../../lib/index.js';
import type { Entry, Workload } from '../harness.js';
import { det, ctDone, jaxDone, CT32, JAX, TFW, TFC } from './common.js';

const [B, DIN, DH, DOUT] = [128, 784, 256, 10];
const data = {
  w1: det(DIN * DH, 1, 1 / Math.sqrt(DIN)), b1: det(DH, 2, 0.1),
  w2: det(DH * DOUT, 3, 1 / Math.sqrt(DH)), b2: det(DOUT, 4, 0.1),
  x: det(B * DIN, 5),
  y: Float32Array.from({ length: B * DOUT }, (_, i) => (i % DOUT === (Math.floor(i / DOUT) * 7) % DOUT ? 1 : 0)),
};
// Forward + backward of the two matmuls dominate: 2·B·(DIN·DH + DH·DOUT) forward, twice that backward.
const STEP_FLOPS = 3 * 2 * B * (DIN * DH + DH * DOUT);

// ---- cotangent ----
interface CtParams { w1: np.Array; b1: np.Array; w2: np.Array; b2: np.Array }
const ctParams = (): CtParams => ({
  w1: np.array(data.w1, { shape: [DIN, DH], dtype: 'float32' }), b1: np.array(data.b1, { dtype: 'float32' }),
  w2: np.array(data.w2, { shape: [DH, DOUT], dtype: 'float32' }), b2: np.array(data.b2, { dtype: 'float32' }),
});
/** Mean cross-entropy; x is [B, DIN] or a single example [DIN] (then y is [DOUT]). */
function ctLoss(p: CtParams, x: np.Array, y: np.Array): np.Array {
  const h = nn.relu(np.add(np.matmul(x, p.w1), p.b1));
  const logits = np.add(np.matmul(h, p.w2), p.b2);
  return np.negative(np.mean(np.sum(np.multiply(nn.logSoftmax(logits), y), -1)));
}
const ctX = () => np.array(data.x, { shape: [B, DIN], dtype: 'float32' });
const ctY = () => np.array(data.y, { shape: [B, DOUT], dtype: 'float32' });

// ---- jax-js (arguments are consumed: `.ref` keeps a value for the next call) ----
interface JaxParams { w1: jax.Array; b1: jax.Array; w2: jax.Array; b2: jax.Array }
const jn = jax.numpy;
const jaxParams = (): JaxParams => ({
  w1: jn.array(data.w1, { shape: [DIN, DH] }), b1: jn.array(data.b1),
  w2: jn.array(data.w2, { shape: [DH, DOUT] }), b2: jn.array(data.b2),
});
function jaxLoss(p: JaxParams, x: jax.Array, y: jax.Array): jax.Array {
  const h = jax.nn.relu(jn.add(jn.matmul(x, p.w1), p.b1));
  const logits = jn.add(jn.matmul(h, p.w2), p.b2);
  return jn.negative(jn.mean(jn.sum(jn.multiply(jax.nn.logSoftmax(logits), y), -1)));
}
const jaxX = () => jn.array(data.x, { shape: [B, DIN] });
const jaxY = () => jn.array(data.y, { shape: [B, DOUT] });

// ---- TF.js (tensors stay with the backend active when they were made) ----
type TfParams = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
const tfParams = (): TfParams => [tf.tensor2d(data.w1, [DIN, DH]), tf.tensor1d(data.b1), tf.tensor2d(data.w2, [DH, DOUT]), tf.tensor1d(data.b2)];
const tfLoss = (x: tf.Tensor, y: tf.Tensor) => (w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor): tf.Scalar => {
  const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
  const logits = tf.add(tf.matMul(h, w2), b2);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), y), -1))) as tf.Scalar;
};
const tfStep = (): (() => void) => {
  const p = tfParams();
  const vg = tf.valueAndGrads(tfLoss(tf.tensor2d(data.x, [B, DIN]), tf.tensor2d(data.y, [B, DOUT])));
  return () => tf.tidy(() => { vg(p); }); // TF.js cpu/wasm kernels run synchronously: done on return
};

export function mlpStep(): Workload {
  const entries: Entry[] = [
    { lib: CT32, make: () => {
      const [p, x, y] = [ctParams(), ctX(), ctY()];
      const step = jit(valueAndGrad(ctLoss));
      return () => ctDone(step(p, x, y));
    } },
    { lib: JAX, make: () => {
      const [p, x, y] = [jaxParams(), jaxX(), jaxY()];
      const step = jax.jit(jax.valueAndGrad(jaxLoss));
      return () => jaxDone(step(jax.tree.ref(p), x.ref, y.ref));
    } },
    { lib: TFW, make: tfStep },
    { lib: TFC, make: tfStep },
  ];
  return { name: 'MLP 784-256-10 b128 valueAndGrad step', flops: STEP_FLOPS, entries };
}

/** A fresh closure each call, so nothing is found in a per-function cache (shared kernel caches may hit). */
export function mlpFirstCall(): Workload {
  const entries: Entry[] = [
    { lib: CT32, make: () => {
      const [p, x, y] = [ctParams(), ctX(), ctY()];
      return () => ctDone(jit(valueAndGrad((q: CtParams, a: np.Array, b: np.Array) => ctLoss(q, a, b)))(p, x, y));
    } },
    { lib: JAX, make: () => {
      const [p, x, y] = [jaxParams(), jaxX(), jaxY()];
      return async () => {
        const step = jax.jit(jax.valueAndGrad((q: JaxParams, a: jax.Array, b: jax.Array) => jaxLoss(q, a, b)));
        await jaxDone(step(jax.tree.ref(p), x.ref, y.ref));
        step.dispose();
      };
    } },
    { lib: TFW, make: tfStep, },
    { lib: TFC, make: tfStep },
  ];
  return { name: 'first call of a fresh jit(valueAndGrad)', firstCall: true, entries };
}

/** Gradients of each example's loss: [B, ...] per parameter. */
export function mlpPerExample(): Workload[] {
  const noVmap = 'no vmap in TF.js';
  const vm: Entry[] = [
    { lib: CT32, make: () => {
      const [p, x, y] = [ctParams(), ctX(), ctY()];
      const pe = jit(vmap(grad(ctLoss), [null, 0, 0]));
      return () => ctDone(pe(p, x, y));
    } },
    { lib: JAX, make: () => {
      const [p, x, y] = [jaxParams(), jaxX(), jaxY()];
      const pe = jax.jit(jax.vmap(jax.grad(jaxLoss), [null, 0, 0]));
      return () => jaxDone(pe(jax.tree.ref(p), x.ref, y.ref));
    } },
    { lib: TFW, na: noVmap },
    { lib: TFC, na: noVmap },
  ];
  const loop: Entry[] = [
    { lib: CT32, make: () => {
      const [p, x, y] = [ctParams(), ctX(), ctY()];
      const xs = Array.from({ length: B }, (_, i) => x.slice(i));
      const ys = Array.from({ length: B }, (_, i) => y.slice(i));
      const g = jit(grad(ctLoss));
      return async () => { for (let i = 0; i < B; i++) await ctDone(g(p, xs[i], ys[i])); };
    } },
    { lib: JAX, make: () => {
      const p = jaxParams();
      const xs = Array.from({ length: B }, (_, i) => jn.array(data.x.subarray(i * DIN, (i + 1) * DIN)));
      const ys = Array.from({ length: B }, (_, i) => jn.array(data.y.subarray(i * DOUT, (i + 1) * DOUT)));
      const g = jax.jit(jax.grad(jaxLoss));
      return async () => { for (let i = 0; i < B; i++) await jaxDone(g(jax.tree.ref(p), xs[i].ref, ys[i].ref)); };
    } },
    ...[TFW, TFC].map((lib): Entry => ({ lib, make: () => {
      const p = tfParams();
      const gs = Array.from({ length: B }, (_, i) =>
        tf.grads(tfLoss(tf.tensor2d(data.x.subarray(i * DIN, (i + 1) * DIN), [1, DIN]), tf.tensor2d(data.y.subarray(i * DOUT, (i + 1) * DOUT), [1, DOUT]))));
      return () => { for (const g of gs) tf.tidy(() => { g(p); }); };
    } })),
  ];
  return [
    { name: `per-example grads vmap(grad) b${B}`, entries: vm },
    { name: `per-example grads, loop of ${B} grad`, entries: loop },
  ];
}

/** The loss and the sum of its gradient, per library: the rows above compare the same computation. */
export async function mlpAgreement(activate: (lib: string) => Promise<void>): Promise<Record<string, [number, number]>> {
  const out: Record<string, [number, number]> = {};
  const [lc, gc] = valueAndGrad(ctLoss)(ctParams(), ctX(), ctY()) as [np.Array, CtParams];
  out[CT32] = [lc.item() as number, np.sum(gc.w1).item() as number];
  const [lj, gj] = jax.valueAndGrad(jaxLoss)(jaxParams(), jaxX(), jaxY());
  const { w1, ...rest } = gj;
  out[JAX] = [lj.dataSync()[0], jn.sum(w1).dataSync()[0]];
  jax.tree.dispose(rest);
  for (const lib of [TFW, TFC]) {
    await activate(lib);
    out[lib] = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(tfLoss(tf.tensor2d(data.x, [B, DIN]), tf.tensor2d(data.y, [B, DOUT])))(tfParams());
      return [value.dataSync()[0], tf.sum(grads[0]).dataSync()[0]] as [number, number];
    });
  }
  return out;
}
