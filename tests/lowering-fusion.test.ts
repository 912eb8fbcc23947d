import { describe, expect, it } from 'vitest';
import { np, nn, lax, jit, makeJaxpr, memoryStats, resetPeakMemory, getBackend, type Jaxpr } from '../lib/index.js';
import { renderedKernels } from '../lib/backends/cpu/render-js.js';
import type { Program } from '../lib/lowering/program.js';
import { topo } from '../lib/lowering/expr.js';
import { describeEachBackend } from './backends.js';

const stats = (j: Jaxpr) => getBackend('cpu').compile(j).stats;

const chain = (x: np.Array, y: np.Array) => {
  const a = np.tanh(x).mul(y).add(1.5);
  const b = np.where(a.greater(1), np.exp(a.neg()), np.sqrt(np.abs(a))).mul(x.square());
  const c = np.maximum(b, y).sub(np.logistic(x)).div(np.cos(y).add(2));
  return np.sign(c).mul(np.log1p(np.abs(c))).add(b.astype('float32').astype(x.dtype));
};

describe('fusion follows the dataflow graph', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`compiles an elementwise chain to one kernel, bit for bit equal to op-by-op evaluation (${dtype})`, () => {
      const n = 257;
      const x = np.array(Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3), { dtype });
      const y = np.array(Float64Array.from({ length: n }, (_, i) => Math.cos(0.7 * i) * 2), { dtype });
      const j = makeJaxpr(chain)(x, y).jaxpr;
      expect(j.eqns.length).toBeGreaterThan(20);
      expect(stats(j)).toEqual({ kernels: 1, routines: 0, controls: 0 });
      expect(Array.from(jit(chain)(x, y).dataSync())).toEqual(Array.from(chain(x, y).dataSync()));
    });
  }

  it('stores a transcendental tree before broadcasting it, and fuses cheap trees through the broadcast', () => {
    const x = np.array(Float64Array.from({ length: 200 }, (_, i) => Math.sin(i)));
    const y = np.array(Float64Array.from({ length: 300 }, (_, i) => Math.cos(i)));
    const costly = (a: np.Array, b: np.Array) => np.exp(np.log1p(np.abs(a))).reshape([200, 1]).mul(b);
    const cheap = (a: np.Array, b: np.Array) => a.mul(2).add(1).reshape([200, 1]).mul(b);
    // exp and log1p once per element of x (a kernel of its own), not once per element of the product
    expect(stats(makeJaxpr(costly)(x, y).jaxpr)).toEqual({ kernels: 2, routines: 0, controls: 0 });
    expect(stats(makeJaxpr(cheap)(x, y).jaxpr)).toEqual({ kernels: 1, routines: 0, controls: 0 });
    // a small broadcast recomputes less than a kernel launch costs: still one kernel
    const [xs, ys] = [x.slice([0, 3]), y.slice([0, 4])];
    expect(stats(makeJaxpr((a: np.Array, b: np.Array) => np.exp(a).reshape([3, 1]).mul(b))(xs, ys).jaxpr).kernels).toBe(1);
    expect(Array.from(jit(costly)(x, y).dataSync())).toEqual(Array.from(costly(x, y).dataSync()));
  });

  it('keeps intermediates of a fused chain out of memory', () => {
    const x = np.ones([100_000]);
    const long = jit((a: np.Array) => { let z = a; for (let i = 0; i < 10; i++) z = np.sin(z).mul(1.01).add(0.1); return z; });
    long(x);
    const before = memoryStats().liveBytes;
    resetPeakMemory();
    long(x);
    // Only the output is allocated: 800 kB, not 30 intermediates.
    expect(memoryStats().peakBytes - before).toBe(800_000);
  });

  it('frees each intermediate after its last reader and hands dead buffers to later kernels', () => {
    const w = np.array(Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) / 100), { shape: [100, 100] });
    // Centring after each layer keeps the activation a kernel of its own (a reduction is no epilogue).
    const f = (x: np.Array) => { let a = x; for (let i = 0; i < 6; i++) { a = np.tanh(np.matmul(a, w)).mul(2); a = a.sub(a.mean()); } return a; };
    const peak = (fn: (x: np.Array) => np.Array) => {
      const g = jit(fn);
      const x = np.ones([100, 100]);
      g(x);
      const before = memoryStats().liveBytes;
      resetPeakMemory();
      g(x);
      return memoryStats().peakBytes - before;
    };
    // Each mean of 10⁴ elements is chunked (partials, fold), then the centring kernel reads it.
    expect(stats(makeJaxpr(f)(np.ones([100, 100])).jaxpr)).toEqual({ kernels: 18, routines: 6, controls: 0 });
    // Twelve 80 kB results, at most two alive at once: a product and the activation it feeds
    // (beside them, at most the chunked mean's partials, 4 × 8 B, and its result, 8 B).
    const p = peak(f);
    expect(p).toBeGreaterThanOrEqual(160_000);
    expect(p).toBeLessThanOrEqual(160_040);
    // With the activation as the product's epilogue the CPU runs it after the GEMM: three at once.
    expect(peak((x) => { let a = x; for (let i = 0; i < 6; i++) a = np.tanh(np.matmul(a, w)).mul(2); return a; })).toBe(240_000);
  });

  it('stores lgamma by a kernel of its own (WebAssembly has no lgamma), so the Poisson sum that reads it stays vectorised', () => {
    const nll = (mu: np.Array, n: np.Array) => np.sum(n.mul(np.log(mu)).sub(mu).sub(lax.lgamma(n.add(1))));
    const mu = np.array(Float64Array.from({ length: 300 }, (_, i) => 5 + Math.sin(i)));
    const n = np.array(Float64Array.from({ length: 300 }, (_, i) => Math.round(5 + 3 * Math.cos(i))));
    const j = makeJaxpr(nll)(mu, n).jaxpr;
    const p = (getBackend('cpu') as unknown as { program(j: Jaxpr): Program }).program(j);
    const ops = (k: number) => { const st = p.steps[k]; return st.kind === 'kernel' ? st.kernel.outputs.flatMap((o) => topo([o.expr, ...st.kernel.reductions.map((r) => r.expr)])).flatMap((e) => (e.kind === 'op' ? [e.op] : [])) : []; };
    expect(p.steps.length).toBe(2);
    expect(ops(0)).toContain('lgamma');
    expect(ops(1)).not.toContain('lgamma');
    // the same bits as op by op: the stored values are the ones the fused kernel would compute
    expect(jit(nll)(mu, n).item()).toBe(nll(mu, n).item());
  });

  it('materializes a value once, however many readers and variables reach it', () => {
    // e is bound to the max-reduction's kernel; its transpose and the output both need it in memory.
    const f = (x: np.Array) => { const e = x.sub(x.max(1, { keepdims: true })); return [e, e.transpose().mul(2)]; };
    const p = (getBackend('cpu') as unknown as { program(j: Jaxpr): Program }).program(makeJaxpr(f)(np.ones([3, 4])).jaxpr);
    expect(p.steps.map((st) => st.outs.length)).toEqual([1, 1]);
  });

  it('gives dot_general its elementwise epilogue (bias + activation): the product is never a buffer', () => {
    const x = np.array(Float64Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i)), { shape: [64, 32] });
    const W = np.array(Float64Array.from({ length: 32 * 16 }, (_, i) => Math.cos(i) / 4), { shape: [32, 16] });
    const b = np.array(Float64Array.from({ length: 16 }, (_, i) => i / 16));
    const layer = (x: np.Array, W: np.Array, b: np.Array) => np.tanh(np.matmul(x, W).add(b));
    const j = makeJaxpr(layer)(x, W, b).jaxpr;
    expect(stats(j)).toEqual({ kernels: 0, routines: 1, controls: 0 });
    const p = (getBackend('cpu') as unknown as { program(j: Jaxpr): Program }).program(j);
    expect(p.steps[0].kind === 'routine' && p.steps[0].epilogue?.kernel.outputs.length).toBe(1);
    expect(Array.from(jit(layer)(x, W, b).dataSync())).toEqual(Array.from(layer(x, W, b).dataSync()));
    // A product read twice keeps its buffer: the epilogue is only for a sole reader.
    const twice = (x: np.Array, W: np.Array) => { const y = np.matmul(x, W); return [np.tanh(y), y.sum()]; };
    expect(stats(makeJaxpr(twice)(x, W).jaxpr)).toEqual({ kernels: 1, routines: 1, controls: 0 });
  });

  it('fuses softmax over the last axis of [128, 10] (broadcasts and two reductions) into one kernel', () => {
    const x = np.array(Float64Array.from({ length: 1280 }, (_, i) => Math.sin(i) * 5), { shape: [128, 10] });
    const j = makeJaxpr((a: np.Array) => nn.softmax(a))(x).jaxpr;
    expect(j.eqns.length).toBeGreaterThan(8);
    expect(stats(j).kernels).toBeLessThanOrEqual(2);
    const got = jit((a: np.Array) => nn.softmax(a))(x).js() as number[][];
    const rows = x.js() as number[][];
    rows.forEach((r, i) => {
      const m = Math.max(...r);
      const e = r.map((v) => Math.exp(v - m));
      const s = e.reduce((p, v) => p + v, 0);
      e.forEach((v, k) => expect(got[i][k]).toBeCloseTo(v / s, 15));
    });
  });

  it('fuses broadcasts, transposes and slices of inputs into the kernel that reads them', () => {
    const f = (a: np.Array, b: np.Array) => a.transpose().mul(b.slice([], [1, 4])).add(np.sum(a, 1)).exp();
    const a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).mul(0.1);
    const b = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]).mul(0.01);
    const j = makeJaxpr(f)(a, b).jaxpr;
    expect(stats(j).kernels).toBeLessThanOrEqual(2);
    const A = a.js() as number[][], B = b.js() as number[][];
    const got = jit(f)(a, b).js() as number[][];
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) {
      expect(got[i][k]).toBeCloseTo(Math.exp(A[k][i] * B[i][k + 1] + (A[k][0] + A[k][1] + A[k][2])), 14);
    }
  });

  it('keeps integer and bool arithmetic exact when fused', () => {
    const f = (x: np.Array, i: np.Array) => [np.sin(x).mul(2).sum().add(1).mul(3), i.add(2147483647).mul(3), i.greater(1).astype('int32').add(i)];
    const [s, w, g] = jit(f)(np.ones([4]), np.array([1, 2], { dtype: 'int32' })) as np.Array[];
    expect(s.item()).toBeCloseTo((Math.sin(1) * 2 * 4 + 1) * 3, 13);
    expect(w.js()).toEqual([((1 + 2147483647) | 0) * 3 | 0, Math.imul((2 + 2147483647) | 0, 3)]);
    expect(g.js()).toEqual([1, 3]);
  });

  it('caches kernels by structure: the same computation traced again compiles nothing new', () => {
    const make = () => jit((a: np.Array) => np.tanh(a).mul(a).add(1).sum());
    const x = np.ones([33]);
    make()(x);
    const n = renderedKernels();
    for (let i = 0; i < 5; i++) make()(x);
    expect(renderedKernels()).toBe(n);
  });
});

describe('control steps', () => {
  it('jit(f).async runs cond and while nested in scan, as the synchronous call does', async () => {
    const body = (c: np.Array, x: np.Array): [np.Array, np.Array] => {
      const n = lax.cond(x.greater(0), (v: np.Array) => v.add(x), (v: np.Array) => v.mul(0.5), c) as np.Array;
      const m = lax.whileLoop((v: np.Array) => v.less(10), (v: np.Array) => v.mul(2), n.add(1)) as np.Array;
      return [n, m];
    };
    const f = jit((c: np.Array, xs: np.Array) => lax.scan(body, c, xs));
    const xs = np.array([1, -2, 3, 0.5, -1]);
    const [c1, ys1] = f(np.array(0.25), xs) as np.Array[];
    const [c2, ys2] = await f.async(np.array(0.25), xs) as np.Array[];
    expect(c2.item()).toBe(c1.item());
    expect(ys2.js()).toEqual(ys1.js());
    expect(stats(makeJaxpr((c: np.Array, x: np.Array) => lax.scan(body, c, x))(np.array(0.25), xs).jaxpr)).toEqual({ kernels: 0, routines: 0, controls: 1 });
  });
});

describe('static branches', () => {
  it('a cond on a JS value picks its branch while lowering: no control step, no predicate read', () => {
    const f = (x: np.Array) => lax.switch(1, [(v: np.Array) => v.neg(), (v: np.Array) => v.mul(3), (v: np.Array) => v.exp()], x) as np.Array;
    const j = makeJaxpr(f)(np.ones([4])).jaxpr;
    expect(j.eqns.map((e) => e.primitive.name)).toContain('cond');
    expect(stats(j)).toEqual({ kernels: 1, routines: 0, controls: 0 });
    expect(jit(f)(np.array([1, 2])).js()).toEqual([3, 6]);
    expect(f(np.array([1, 2])).js()).toEqual([3, 6]);
  });
});

describe('fused reductions', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const n of [2, 5, 8, 1001]) {
      it(`three reductions of one input share one kernel and match eager evaluation bit for bit (${dtype}, n=${n})`, () => {
        const x = np.array(Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * 1e3 + 1 / (i + 1)), { dtype });
        const f = (a: np.Array) => [np.tanh(a).mul(a).add(1).sum(), np.sin(a).mul(3).max(), np.cos(a).sub(a).min()];
        expect(stats(makeJaxpr(f)(x).jaxpr).kernels).toBe(1);
        const fused = (jit(f)(x) as np.Array[]).map((r) => r.item());
        const eager = (f(x) as np.Array[]).map((r) => r.item());
        expect(fused).toEqual(eager);
      });
    }
  }

  it('reduces over any axes of a transposed, broadcast operand', () => {
    const x = np.array(Float64Array.from({ length: 24 }, (_, i) => Math.cos(i)), { shape: [2, 3, 4] });
    const X = x.js() as number[][][];
    const f = (a: np.Array) => [a.transpose([2, 0, 1]).sum([0, 2]), a.max(1), np.broadcastTo(a.sum(0), [5, 3, 4]).sum(0)];
    const [s02, m1, b] = jit(f)(x) as np.Array[];
    for (let i = 0; i < 2; i++) expect((s02.js() as number[])[i]).toBeCloseTo(X[i].flat().reduce((p, v) => p + v, 0), 14);
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) expect((m1.js() as number[][])[i][k]).toBe(Math.max(X[i][0][k], X[i][1][k], X[i][2][k]));
    for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect((b.js() as number[][])[j][k]).toBeCloseTo(5 * (X[0][j][k] + X[1][j][k]), 14);
  });

  it('propagates NaN through fused max/min', () => {
    const f = jit((a: np.Array) => [np.abs(a).mul(2).max(), np.abs(a).mul(2).min()]);
    expect((f(np.array([1, NaN, 3])) as np.Array[]).map((r) => r.item())).toEqual([NaN, NaN]);
  });
});

// The same programs on every backend: on test-f32 a fusion limit of three operations splits
// these kernels, and splitting must not change a bit either.
describeEachBackend('fused and split kernels agree with op-by-op evaluation', (b) => {
  const data = async (x: np.Array) => Array.from(await x.data());
  const vec = (n: number, f: (i: number) => number) => np.array(Array.from({ length: n }, (_, i) => f(i)));

  it('an elementwise chain, bit for bit', async () => {
    const x = vec(257, (i) => Math.sin(i) * 3);
    const y = vec(257, (i) => Math.cos(0.7 * i) * 2);
    expect(await data(jit(chain)(x, y))).toEqual(await data(chain(x, y)));
  });

  it('three reductions of one input, bit for bit', async () => {
    const x = vec(1001, (i) => Math.sin(i * 1.3) * 1e3 + 1 / (i + 1));
    const f = (a: np.Array) => [np.tanh(a).mul(a).add(1).sum(), np.sin(a).mul(3).max(), np.cos(a).sub(a).min()];
    const fused = await Promise.all((jit(f)(x) as np.Array[]).map(data));
    const eager = await Promise.all((f(x) as np.Array[]).map(data));
    expect(fused).toEqual(eager);
  });

  it('softmax and a matmul with its bias and activation, bit for bit', async () => {
    const x = np.array(Array.from({ length: 1280 }, (_, i) => Math.sin(i) * 5)).reshape([128, 10]);
    expect(await data(jit((a: np.Array) => nn.softmax(a))(x))).toEqual(await data(nn.softmax(x)));
    const W = np.array(Array.from({ length: 160 }, (_, i) => Math.cos(i) / 4)).reshape([10, 16]);
    const bias = vec(16, (i) => i / 16);
    const layer = (a: np.Array, w: np.Array, c: np.Array) => np.tanh(np.matmul(a, w).add(c));
    expect(await data(jit(layer)(x, W, bias))).toEqual(await data(layer(x, W, bias)));
  });

  it('reductions over any axes of transposed and broadcast operands', async () => {
    const X = Array.from({ length: 24 }, (_, i) => Math.cos(i));
    const at = (i: number, j: number, k: number) => X[i * 12 + j * 4 + k];
    const f = (a: np.Array) => [a.transpose([2, 0, 1]).sum([0, 2]), a.max(1), np.broadcastTo(a.sum(0), [5, 3, 4]).sum(0)];
    const [s02, m1, bs] = await Promise.all((jit(f)(np.array(X).reshape([2, 3, 4])) as np.Array[]).map(data));
    for (let i = 0; i < 2; i++) b.expectClose(s02[i], [0, 1, 2].reduce((p, j) => p + [0, 1, 2, 3].reduce((q, k) => q + at(i, j, k), 0), 0));
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) b.expectClose(m1[i * 4 + k], Math.max(at(i, 0, k), at(i, 1, k), at(i, 2, k)));
    for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) b.expectClose(bs[j * 4 + k], 5 * (at(0, j, k) + at(1, j, k)));
  });

  it('cond and while nested in scan, and a switch on a JS value', async () => {
    const body = (c: np.Array, x: np.Array): [np.Array, np.Array] => {
      const n = lax.cond(x.greater(0), (v: np.Array) => v.add(x), (v: np.Array) => v.mul(0.5), c) as np.Array;
      return [n, lax.whileLoop((v: np.Array) => v.less(10), (v: np.Array) => v.mul(2), n.add(1)) as np.Array];
    };
    const xs = [1, -2, 3, 0.5, -1];
    const [c, ys] = await b.call((c0: np.Array, x: np.Array) => lax.scan(body, c0, x), np.array(0.25), np.array(xs));
    let cr = 0.25;
    const yr = xs.map((x) => { cr = x > 0 ? cr + x : cr * 0.5; let m = cr + 1; while (m < 10) m *= 2; return m; });
    b.expectClose(await b.read(c), cr);
    b.expectClose(await b.read(ys), yr);
    const sw = (x: np.Array) => lax.switch(1, [(v: np.Array) => v.neg(), (v: np.Array) => v.mul(3)], x) as np.Array;
    expect(await data(sw(np.array([1, 2])))).toEqual([3, 6]);
  });
});
