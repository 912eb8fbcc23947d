/**
 * The same computations on every backend (tests/backends.ts), read only asynchronously, and
 * compared with the CPU float64 result within the backend's tolerance. On `test-f32` (no
 * synchronous readback, float32, fusion limit 3) any synchronous read inside the library during
 * a transform surfaces as an error here.
 */
import { expect, it } from 'vitest';
import { type Array, defaultDevice, getDefaultFloat, grad, jit, lax, nn, np, random, setDefaultFloat, vmap } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { rng } from './rng.js';

type Values = number | number[];

/** Runs `f` on the CPU in float64 (the reference), whatever the test's default device is. */
function onCpu<T>(f: () => T): T {
  const [d, fl] = [defaultDevice(), getDefaultFloat()];
  defaultDevice('cpu');
  setDefaultFloat('float64');
  try { return f(); } finally { defaultDevice(d); setDefaultFloat(fl); }
}
const cpuRead = (x: Array): Values => {
  const d = globalThis.Array.from(x.dataSync() as ArrayLike<number | boolean>, Number);
  return x.ndim === 0 ? d[0] : d;
};

const randn = (seed: number, n: number, lo = -1, hi = 1): number[] => {
  const r = rng(seed);
  return globalThis.Array.from({ length: n }, () => lo + (hi - lo) * r());
};

describeEachBackend('backend parity', (b) => {
  /** `f` over arrays made from `inputs` on this backend and on the CPU reference, compared. */
  async function parity(f: (...xs: Array[]) => Array, inputs: [number[], number[]][], tol = b.tol, viaCall = false): Promise<void> {
    const ins = inputs.map(([v, s]) => b.array(v, s));
    const got = await b.read(viaCall ? await b.call(f, ...ins) : f(...ins));
    const want = onCpu(() => cpuRead(f(...inputs.map(([v, s]) => np.array(v, { dtype: 'float64', shape: s, device: 'cpu' })))));
    b.expectClose(got, want, tol, b.device);
  }

  it('creates arrays on the device in its float dtype', async () => {
    const x = b.array([1, 2, 3]);
    expect(x.device).toBe(b.device);
    expect(x.dtype).toBe(b.dtype);
    expect(np.zeros([2]).dtype).toBe(b.dtype);
    expect(await b.read(np.add(x, 1))).toEqual([2, 3, 4]);
  });

  it('elementwise math', async () => {
    const s = [3, 5];
    await parity((x, y) => np.add(np.multiply(np.exp(np.sin(x)), y), np.divide(np.tanh(x), np.add(1, np.square(y)))), [[randn(1, 15), s], [randn(2, 15), s]]);
    await parity((x, y) => np.add(np.sqrt(np.abs(x)), np.log1p(np.multiply(y, y))), [[randn(3, 15), s], [randn(4, 15), s]]);
    await parity((x, y) => np.where(np.greater(x, y), np.maximum(x, 0.2), np.minimum(y, -0.1)), [[randn(5, 15), s], [randn(6, 15), s]]);
    // Broadcasting a row against a matrix, and a chain longer than the fusion limit.
    await parity((x, r) => np.cos(np.add(np.multiply(np.exp(np.negative(np.square(x))), r), np.sin(r))), [[randn(7, 15), s], [randn(8, 5), [5]]]);
  });

  it('reductions over various axes', async () => {
    const x: [number[], number[]] = [randn(10, 60), [3, 4, 5]];
    await parity((a) => np.sum(a), [x]);
    await parity((a) => np.sum(a, 0), [x]);
    await parity((a) => np.sum(a, 1), [x]);
    await parity((a) => np.sum(a, [0, 2]), [x]);
    await parity((a) => np.mean(a, -1, { keepdims: true }), [x]);
    await parity((a) => np.max(a, 1), [x]);
    await parity((a) => np.min(a, [0, 1]), [x]);
    await parity((a) => np.prod(np.add(a, 1.5), 2), [x]);
    await parity((a) => np.argmax(a, 2), [x]);
  });

  it('softmax and logsumexp', async () => {
    const x: [number[], number[]] = [randn(11, 80, -3, 3), [8, 10]];
    await parity((a) => nn.softmax(a), [x]);
    await parity((a) => nn.softmax(a, 0), [x]);
    await parity((a) => nn.logSoftmax(a), [x]);
  });

  it('matmul (plain, batched, vector)', async () => {
    await parity((a, c) => np.matmul(a, c), [[randn(12, 35), [5, 7]], [randn(13, 21), [7, 3]]]);
    await parity((a, c) => np.matmul(a, c), [[randn(14, 2 * 4 * 6), [2, 4, 6]], [randn(15, 2 * 6 * 3), [2, 6, 3]]]);
    await parity((a, c) => np.dot(a, c), [[randn(16, 6), [6]], [randn(17, 6), [6]]]);
  });

  /** A two-layer MLP's squared-error loss over a batch. */
  const mlpLoss = (w1: Array, b1: Array, w2: Array, x: Array, y: Array): Array => {
    const h = np.tanh(np.add(np.matmul(x, w1), b1));
    const out = np.matmul(h, w2);
    return np.mean(np.square(np.subtract(out, y)));
  };
  const mlpInputs: [number[], number[]][] = [
    [randn(20, 4 * 8), [4, 8]], [randn(21, 8), [8]], [randn(22, 8 * 2), [8, 2]], [randn(23, 6 * 4), [6, 4]], [randn(24, 6 * 2), [6, 2]],
  ];

  it('grad of an MLP loss (each parameter)', async () => {
    for (const argnum of [0, 1, 2]) await parity((...a) => (grad(mlpLoss, { argnums: argnum }) as (...x: unknown[]) => unknown)(...a) as Array, mlpInputs);
  });

  // test-f32: simplify's constant folding reads a folded constant with dataSync on the default
  // device (lib/transforms/passes.ts fold; host-evaluator work in progress elsewhere).
  b.it({}, 'jit of an MLP loss and of its gradient', async () => {
    await parity(jit(mlpLoss), mlpInputs);
    const g = jit(grad(mlpLoss));
    await parity((...a) => (g as (...x: unknown[]) => unknown)(...a) as Array, mlpInputs);
  });

  // test-f32: vmap's staging runs simplify, whose constant folding calls dataSync (as above).
  b.it({}, 'vmap of per-example MLP gradients', async () => {
    const perEx = (w1: Array, b1: Array, w2: Array, x: Array, y: Array): Array =>
      vmap((xi: Array, yi: Array) => grad(mlpLoss)(w1, b1, w2, np.expandDims(xi, 0), np.expandDims(yi, 0)) as Array, [0, 0])(x, y) as Array;
    await parity(perEx, mlpInputs);
  });

  it('scan (cumulative product and sum, reverse)', async () => {
    const xs: [number[], number[]] = [randn(30, 12, 0.5, 1.5), [6, 2]];
    await parity((a) => lax.scan((c: Array, x: Array) => { const n = np.multiply(c, x); return [n, np.add(n, 1)]; }, np.ones([2]), a)[1] as Array, [xs]);
    await parity((a) => lax.scan((c: Array, x: Array) => [np.add(c, x), c], np.zeros([2]), a, { reverse: true })[0] as Array, [xs]);
    await parity((a) => grad((z: Array) => np.sum(lax.scan((c: Array, x: Array) => [np.sin(np.multiply(c, x)), c], np.ones([2]), z)[0] as Array))(a) as Array, [xs]);
  });

  // Without synchronous readback a device predicate is awaited: the synchronous call names
  // the asynchronous form, which gives the same values.
  const syncControl = b.device !== 'cpu';

  it('cond on a device predicate (eager, jit, grad)', async () => {
    const f = (x: Array): Array => lax.cond(np.greater(np.sum(x), 0), (v: Array) => np.sin(v), (v: Array) => np.multiply(v, 3), x) as Array;
    const pos: [number[], number[]] = [[0.5, 0.25, -0.1], [3]];
    const neg: [number[], number[]] = [[-0.5, 0.25, -0.1], [3]];
    // webgpu lowers a cond with short elementwise branches to a select: nothing is read back.
    const readsBack = syncControl && b.device !== 'webgpu';
    for (const x of [pos, neg]) {
      if (readsBack) expect(() => jit(f)(b.array(...x))).toThrow(/a predicate of lax.cond.*cannot do synchronously; run it with 'await jit\(f\)\.async/);
      await parity(f, [x], b.tol, syncControl);
      await parity(jit(f), [x], b.tol, syncControl);
      await parity((v) => grad((z: Array) => np.sum(f(z)))(v) as Array, [x], b.tol, syncControl);
    }
  });

  it('while loop with a data-dependent trip count', async () => {
    // Doubles until the sum exceeds 100: the trip count depends on the data.
    const f = (x: Array): Array => lax.whileLoop((v: Array) => np.less(np.sum(v), 100), (v: Array) => np.multiply(v, 2), x) as Array;
    if (syncControl) expect(() => f(b.array([0.5, 1.25, 0.3], [3]))).toThrow(/reads a value of device '[a-z0-9-]+' on the host \(a predicate of lax\.cond, lax\.switch or lax\.whileLoop\)/);
    await parity(f, [[[0.5, 1.25, 0.3], [3]]], b.tol, syncControl);
    await parity(jit(f), [[[0.5, 1.25, 0.3], [3]]], b.tol, syncControl);
    await parity((x) => lax.foriLoop(0, 5, (i: Array, c: Array) => np.add(np.multiply(c, 0.5), i), x) as Array, [[[1, 2], [2]]]);
  });

  it('random.uniform', async () => {
    const u = random.uniform(random.key(0), [1000]);
    expect(u.dtype).toBe(b.dtype);
    const got = (await b.read(u)) as number[];
    expect(Math.min(...got)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...got)).toBeLessThan(1);
    const mean = got.reduce((s, v) => s + v, 0) / got.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    // Bit-identical to the CPU's generator in the same dtype (float32 and float64 draw
    // different mantissa bits, as in JAX, so the reference is the CPU in b.dtype).
    const want = onCpu(() => cpuRead(random.uniform(random.key(0), [1000], { dtype: b.dtype }))) as number[];
    expect(got).toEqual(want);
  });
});

describeEachBackend('asynchronous readback', (b) => {
  it('jsAsync and itemAsync read any device, as js() and item() read the CPU', async () => {
    const x = np.array([[1, 2], [3, 4]]).mul(0.5);
    expect(await x.jsAsync()).toEqual([[0.5, 1], [1.5, 2]]);
    expect(await x.sum().itemAsync()).toBe(5);
    expect(await x.greater(1).jsAsync()).toEqual([[false, false], [true, true]]);
    expect(await np.array([true]).itemAsync()).toBe(1);
    await expect(x.itemAsync()).rejects.toThrow(/itemAsync: only size-1 arrays convert to a scalar, got shape \[2,2\]/);
    if (b.device !== 'cpu') expect(() => x.js()).toThrow(/x\.jsAsync\(\)/);
  });
});
