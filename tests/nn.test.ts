import { describe, expect, it } from 'vitest';
import { np, grad, jit, vmap, nn } from '../lib/index.js';
import * as sp from '../lib/backends/cpu/special.js';

const closeRel = (a: number, b: number, tol = 1e-14) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const g1 = (f: (x: np.Array) => np.Array, x: number) => grad(f)(np.array(x)).item() as number;
const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

describe('activations', () => {
  it("relu, with relu'(0) = 0 as in JAX", () => {
    expect(nn.relu(np.array([-2, 0, 3])).js()).toEqual([0, 0, 3]);
    expect([-1, 0, 2].map((x) => g1(nn.relu, x))).toEqual([0, 0, 1]);
    expect(vmap(grad((x: np.Array) => nn.relu(x)))(np.array([-1, 0, 1])).js()).toEqual([0, 0, 1]);
  });
  it('sigmoid and silu', () => {
    for (const x of [-30, -1, 0, 2.5]) {
      closeRel(nn.sigmoid(x).item() as number, sig(x));
      closeRel(nn.silu(x).item() as number, x * sig(x));
      closeRel(g1(nn.sigmoid, x), sig(x) * (1 - sig(x)));
      closeRel(g1(nn.silu, x), sig(x) + x * sig(x) * (1 - sig(x)), 1e-13);
    }
  });
  it('softplus is stable at both ends, with sigmoid as its derivative', () => {
    expect(nn.softplus(1000).item()).toBe(1000);
    expect(nn.softplus(-1000).item()).toBe(0);
    closeRel(nn.softplus(-40).item() as number, Math.exp(-40), 1e-14);
    closeRel(nn.softplus(0).item() as number, Math.LN2);
    for (const x of [-800, -3, 0, 5, 800]) closeRel(g1(nn.softplus, x), sig(x));
  });
  it('gelu: tanh approximation by default (as jax.nn.gelu), exact x Φ(x) on request', () => {
    for (const x of [-5, -1, 0, 0.5, 3]) {
      const approx = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      closeRel(nn.gelu(x).item() as number, approx, 1e-14);
      closeRel(nn.gelu(x, { approximate: false }).item() as number, x * sp.ndtr(x), 1e-14);
      closeRel(nn.gelu(x, false).item() as number, x * sp.ndtr(x), 1e-14);
      const exact = (v: number) => v * sp.ndtr(v);
      closeRel(g1((v) => nn.gelu(v, false), x), fd(exact, x), 1e-8);
      closeRel(g1((v) => nn.gelu(v, false), x), sp.ndtr(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), 1e-14);
    }
    // The exact form keeps the relative accuracy of the far negative tail.
    closeRel(nn.gelu(-20, false).item() as number, -20 * sp.ndtr(-20), 1e-13);
  });
});

describe('softmax family', () => {
  const x = [[1, 2, 3], [1000, 1000, -Infinity]];
  it('softmax: normalized along the last axis by default, stable for large inputs', () => {
    const s = nn.softmax(np.array(x)).js() as number[][];
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    s[0].forEach((v, i) => closeRel(v, e[i] / z));
    expect(s[1]).toEqual([0.5, 0.5, 0]);
    const s0 = nn.softmax(np.array([[1, 2], [3, 5]]), 0).js() as number[][];
    closeRel(s0[0][0], 1 / (1 + Math.exp(2)));
    closeRel(s0[1][1], 1 / (1 + Math.exp(-3)));
  });
  it('logSoftmax = x - logsumexp(x), and its gradients', () => {
    const ls = nn.logSoftmax(np.array([1, 2, 3])).js() as number[];
    const lse = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
    ls.forEach((v, i) => closeRel(v, i + 1 - lse));
    closeRel(nn.logsumexp(np.array([1, 2, 3])).item() as number, lse);
    expect((nn.logSoftmax(np.array([1000, 0])).js() as number[])[1]).toBe(-1000);
    // d/dx_j of logSoftmax(x)_0 = δ_0j - softmax_j.
    const gl = grad((v: np.Array) => nn.logSoftmax(v).slice(0))(np.array([1, 2, 3])).js() as number[];
    const sm = nn.softmax(np.array([1, 2, 3])).js() as number[];
    gl.forEach((v, j) => closeRel(v, (j === 0 ? 1 : 0) - sm[j]));
    // d softmax_0 / dx_j = s_0 (δ_0j - s_j).
    const gs = grad((v: np.Array) => nn.softmax(v).slice(0))(np.array([1, 2, 3])).js() as number[];
    gs.forEach((v, j) => closeRel(v, sm[0] * ((j === 0 ? 1 : 0) - sm[j])));
    const jj = jit((v: np.Array) => nn.softmax(v))(np.array([1, 2, 3])).js() as number[];
    jj.forEach((v, j) => closeRel(v, sm[j]));
  });
});

describe('oneHot', () => {
  it('encodes along a new last axis; out-of-range gives zeros', () => {
    expect(nn.oneHot(np.array([0, 2, 5]), 3).js()).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 0]]);
    expect(nn.oneHot(np.array([[1], [0]]), 2).shape).toEqual([2, 1, 2]);
    const t = nn.oneHot(np.array([1, 0]), 3, { axis: 0 });
    expect(t.js()).toEqual([[0, 1], [1, 0], [0, 0]]);
    expect(nn.oneHot(np.array([1]), 2, { dtype: 'int32' }).dtype).toBe('int32');
    expect(nn.oneHot(np.array([1]), 2).dtype).toBe('float64');
  });
});
