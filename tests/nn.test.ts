import { expect } from 'vitest';
import { type Array, np, grad, jit, vmap, nn } from '../lib/index.js';
import * as sp from '../lib/backends/cpu/special.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { toNested } from './numpy-helpers.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

/** Helpers bound to a backend: float64 keeps the tolerances as written; float32 widens them to b.tol. */
function helpers(b: BackendCase) {
  const tolOf = (t: number) => (b.dtype === 'float64' ? t : Math.max(t, b.tol));
  const closeRel = (a: number, want: number, tol = 1e-14) => expect(Math.abs(a - want), `${a} vs ${want}`).toBeLessThanOrEqual(tolOf(tol) * Math.max(1, Math.abs(want)));
  const num = async (x: Array | number): Promise<number> => (typeof x === 'number' ? x : (await b.read(x)) as number);
  const g1 = async (f: (x: Array) => Array, x: number) => num(grad(f)(np.array(x)) as Array);
  /** The nested JS value of `x`, read asynchronously (what `x.js()` gives). */
  const js = async (x: Array): Promise<unknown> => {
    const d = await b.read(x);
    return typeof d === 'number' ? d : toNested(x.shape, x.dtype === 'bool' ? d.map((v) => v !== 0) : d);
  };
  return { closeRel, num, g1, js };
}

describeEachBackend('activations', (b) => {
  const { closeRel, num, g1, js } = helpers(b);
  b.it({}, "relu, with relu'(0) = 0 as in JAX", async () => {
    expect(await js(nn.relu(np.array([-2, 0, 3])))).toEqual([0, 0, 3]);
    expect(await Promise.all([-1, 0, 2].map((x) => g1(nn.relu, x)))).toEqual([0, 0, 1]);
    expect(await js(vmap(grad((x: Array) => nn.relu(x)))(np.array([-1, 0, 1])) as Array)).toEqual([0, 0, 1]);
  });
  b.it({}, 'sigmoid and silu', async () => {
    for (const x of [-30, -1, 0, 2.5]) {
      closeRel(await num(nn.sigmoid(x)), sig(x));
      closeRel(await num(nn.silu(x)), x * sig(x));
      closeRel(await g1(nn.sigmoid, x), sig(x) * (1 - sig(x)));
      closeRel(await g1(nn.silu, x), sig(x) + x * sig(x) * (1 - sig(x)), 1e-13);
    }
  });
  b.it({}, 'softplus is stable at both ends, with sigmoid as its derivative', async () => {
    expect(await num(nn.softplus(1000))).toBe(1000);
    expect(await num(nn.softplus(-1000))).toBe(0);
    closeRel(await num(nn.softplus(-40)), Math.exp(-40), 1e-14);
    closeRel(await num(nn.softplus(0)), Math.LN2);
    for (const x of [-800, -3, 0, 5, 800]) closeRel(await g1(nn.softplus, x), sig(x));
  });
  b.it({}, 'gelu: tanh approximation by default (as jax.nn.gelu), exact x Φ(x) on request', async () => {
    for (const x of [-5, -1, 0, 0.5, 3]) {
      const approx = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      closeRel(await num(nn.gelu(x)), approx, 1e-14);
      closeRel(await num(nn.gelu(x, { approximate: false })), x * sp.ndtr(x), 1e-14);
      closeRel(await num(nn.gelu(x, false)), x * sp.ndtr(x), 1e-14);
      const exact = (v: number) => v * sp.ndtr(v);
      closeRel(await g1((v) => nn.gelu(v, false), x), fd(exact, x), 1e-8);
      closeRel(await g1((v) => nn.gelu(v, false), x), sp.ndtr(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), 1e-14);
    }
    // The exact form keeps the relative accuracy of the far negative tail.
    closeRel(await num(nn.gelu(-20, false)), -20 * sp.ndtr(-20), 1e-13);
  });
});

describeEachBackend('softmax family', (b) => {
  const { closeRel, js } = helpers(b);
  const x = [[1, 2, 3], [1000, 1000, -Infinity]];
  b.it({}, 'softmax: normalized along the last axis by default, stable for large inputs', async () => {
    const s = await js(nn.softmax(np.array(x))) as number[][];
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    s[0].forEach((v, i) => closeRel(v, e[i] / z));
    expect(s[1]).toEqual([0.5, 0.5, 0]);
    const s0 = await js(nn.softmax(np.array([[1, 2], [3, 5]]), 0)) as number[][];
    closeRel(s0[0][0], 1 / (1 + Math.exp(2)));
    closeRel(s0[1][1], 1 / (1 + Math.exp(-3)));
  });
  b.it({}, 'logSoftmax = x - logsumexp(x), and its gradients', async () => {
    const ls = await js(nn.logSoftmax(np.array([1, 2, 3]))) as number[];
    const lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
    ls.forEach((v, i) => closeRel(v, i + 1 - lse));
    closeRel(await b.read(nn.logsumexp(np.array([1, 2, 3]))) as number, lse);
    expect((await js(nn.logSoftmax(np.array([1000, 0]))) as number[])[1]).toBe(-1000);
    // d/dx_j of logSoftmax(x)_0 = δ_0j - softmax_j.
    const gl = await js(grad((v: Array) => nn.logSoftmax(v).slice(0))(np.array([1, 2, 3])) as Array) as number[];
    const sm = await js(nn.softmax(np.array([1, 2, 3]))) as number[];
    gl.forEach((v, j) => closeRel(v, (j === 0 ? 1 : 0) - sm[j]));
    // d softmax_0 / dx_j = s_0 (δ_0j - s_j).
    const gs = await js(grad((v: Array) => nn.softmax(v).slice(0))(np.array([1, 2, 3])) as Array) as number[];
    gs.forEach((v, j) => closeRel(v, sm[0] * ((j === 0 ? 1 : 0) - sm[j])));
    const jj = await js(jit((v: Array) => nn.softmax(v))(np.array([1, 2, 3])) as Array) as number[];
    jj.forEach((v, j) => closeRel(v, sm[j]));
  });
});

describeEachBackend('oneHot', (b) => {
  const { js } = helpers(b);
  b.it({}, 'encodes along a new last axis; out-of-range gives zeros', async () => {
    expect(await js(nn.oneHot(np.array([0, 2, 5]), 3))).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 0]]);
    expect(nn.oneHot(np.array([[1], [0]]), 2).shape).toEqual([2, 1, 2]);
    const t = nn.oneHot(np.array([1, 0]), 3, { axis: 0 });
    expect(await js(t)).toEqual([[0, 1], [1, 0], [0, 0]]);
    expect(nn.oneHot(np.array([1]), 2, { dtype: 'int32' }).dtype).toBe('int32');
    expect(nn.oneHot(np.array([1]), 2).dtype).toBe(b.dtype);
  });
});
