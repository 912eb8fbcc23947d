/**
 * Kernel-bound rows: matmul 512×512 (float32 for all; float64 for cotangent, the peers have none
 * on the CPU), the elementwise chain tanh(sin(x)·x + 1) on 10⁶ float32 values (forward, and the
 * gradient of its sum, whose ratio to the forward says what reverse mode costs), and the compiled
 * fourth derivative of tanh at a scalar (per-call overhead and expression swell).
 */
import * as jax from '@jax-js/jax';
import * as tf from '@tensorflow/tfjs-core';
import { jit, grad, np } from '../../lib/index.js';
import type { Entry, Workload } from '../harness.js';
import { det, ctDone, jaxDone, CT32, CT64, JAX, TFW, TFC } from './common.js';

const jn = jax.numpy;
const TF_LIBS = [TFW, TFC];

export function matmulRows(): Workload[] {
  const n = 512;
  const [a, b] = [det(n * n, 6, 1), det(n * n, 7, 1)];
  const ct = (dtype: 'float32' | 'float64'): Entry['make'] => () => {
    const [x, y] = [np.array(a, { shape: [n, n], dtype }), np.array(b, { shape: [n, n], dtype })];
    const f = jit((u: np.Array, v: np.Array) => np.matmul(u, v));
    return () => ctDone(f(x, y));
  };
  const flops = 2 * n ** 3;
  return [
    { name: `matmul ${n}x${n} f32`, flops, entries: [
      { lib: CT32, make: ct('float32') },
      { lib: JAX, make: () => {
        const [x, y] = [jn.array(a, { shape: [n, n] }), jn.array(b, { shape: [n, n] })];
        const f = jax.jit((u: jax.Array, v: jax.Array) => jn.matmul(u, v));
        return () => jaxDone(f(x.ref, y.ref));
      } },
      ...TF_LIBS.map((lib): Entry => ({ lib, make: () => {
        const [x, y] = [tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])];
        return () => tf.tidy(() => { tf.matMul(x, y); });
      } })),
    ] },
    { name: `matmul ${n}x${n} f64`, flops, entries: [
      { lib: CT64, make: ct('float64') },
      { lib: JAX, na: 'no float64 on wasm' },
      ...TF_LIBS.map((lib) => ({ lib, na: 'no float64 in TF.js' })),
    ] },
  ];
}

/** Forward and gradient of the chain; the second row's time over the first is reverse mode's cost. */
export function chainRows(): [Workload, Workload] {
  const N = 1_000_000;
  const xs = det(N, 8, 2);
  const ctF = (x: np.Array): np.Array => np.tanh(np.add(np.multiply(np.sin(x), x), 1));
  const jaxF = (x: jax.Array): jax.Array => jn.tanh(jn.add(jn.multiply(jn.sin(x.ref), x), 1));
  const tfF = (x: tf.Tensor): tf.Tensor => tf.tanh(tf.add(tf.mul(tf.sin(x), x), 1));
  const ct = (g: boolean): Entry => ({ lib: CT32, make: () => {
    const x = np.array(xs, { dtype: 'float32' });
    const f = jit(g ? grad((u: np.Array) => np.sum(ctF(u))) : ctF);
    return () => ctDone(f(x));
  } });
  const jx = (g: boolean): Entry => ({ lib: JAX, make: () => {
    const x = jn.array(xs);
    const f = jax.jit(g ? jax.grad((u: jax.Array) => jn.sum(jaxF(u))) : jaxF);
    return () => jaxDone(f(x.ref));
  } });
  const tfs = (g: boolean): Entry[] => TF_LIBS.map((lib) => ({ lib, make: () => {
    const x = tf.tensor1d(xs);
    const f = g ? tf.grad((u: tf.Tensor) => tf.sum(tfF(u))) : tfF;
    return () => tf.tidy(() => { f(x); });
  } }));
  // No GFLOP/s here: the time goes to two transcendentals per element, which a flop count hides.
  return [
    { name: 'tanh(sin(x)*x+1) 1e6 f32 forward', entries: [ct(false), jx(false), ...tfs(false)] },
    { name: 'grad of sum(that chain) 1e6 f32', entries: [ct(true), jx(true), ...tfs(true)] },
  ];
}

export function tanh4Row(): Workload {
  const x0 = 0.3;
  type F<T> = (x: T) => T;
  const ctG: F<np.Array> = grad(grad(grad(grad((x: np.Array) => np.tanh(x)))));
  return { name: 'grad^4(tanh) compiled call', entries: [
    { lib: CT32, make: () => {
      const [x, f] = [np.array(x0, { dtype: 'float32' }), jit(ctG)];
      return () => ctDone(f(x));
    } },
    { lib: JAX, make: () => {
      const d = (f: F<jax.Array>): F<jax.Array> => jax.grad(f);
      const f = jax.jit(d(d(d(d((x: jax.Array) => jn.tanh(x))))));
      const x = jn.array(x0);
      return () => jaxDone(f(x.ref));
    } },
    // tf.grad(tf.grad(tf.tanh)) already throws ("Cannot compute gradient of y=f(x)"): TF.js's
    // tanh gradient is not itself differentiable (x² stops at order 3, x³ at order 4).
    ...TF_LIBS.map((lib) => ({ lib, na: "TF.js's tanh gradient is not differentiable (grad(grad(tanh)) throws)" })),
  ] };
}
