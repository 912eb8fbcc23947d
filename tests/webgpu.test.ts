/**
 * The webgpu device itself: starting it, its errors, its memory, and the Dawn limits it designs
 * around (batched submits). Numerical parity with the CPU runs in every describeEachBackend file.
 * Skipped where no adapter starts, unless REQUIRE_WEBGPU=1 (CI), where tests/setup.ts fails first.
 */
import { describe, expect, it } from 'vitest';
import {
  backendInfo, defaultDevice, devicePut, devices, disposeTree, getBackend, init, jit, makeJaxpr, memoryStats, nn, np, random, scope, valueAndGrad,
} from '../lib/index.js';
import type { Array } from '../lib/index.js';
import { registerDeviceStarter } from '../lib/core/backend.js';

const gpu = devices().includes('webgpu');

describe('device start-up', () => {
  it('a device that starts asynchronously is an error until init, which names it', async () => {
    registerDeviceStarter('late-device', async () => { throw new Error('no adapter here; install one'); });
    expect(() => defaultDevice('late-device')).toThrow(/device 'late-device' is not started; call 'await init\("late-device"\)' first/);
    expect(() => np.zeros([2], { device: 'late-device' })).toThrow(/await init/);
    await expect(init('late-device')).rejects.toThrow(/no adapter here/);
    await expect(init('no-such-device')).rejects.toThrow(/init: no device 'no-such-device' to start; the devices that init starts are .*'webgpu'/);
  });
});

describe.runIf(gpu)('webgpu device', () => {
  it('init is idempotent and backendInfo describes the adapter', async () => {
    expect(await init('webgpu')).toContain('webgpu');
    const info = backendInfo('webgpu');
    expect(info).toMatchObject({ name: 'webgpu', defaultFloat: 'float32', syncReadback: false, dtypes: ['float32', 'float16', 'int32', 'uint32', 'int8', 'uint8', 'bool'] });
    expect(info.description).toMatch(/^WebGPU: /);
    expect(backendInfo('cpu')).toMatchObject({ defaultFloat: 'float64', syncReadback: true });
  });

  it('float64 and synchronous reads are errors that name the fix', async () => {
    expect(() => np.zeros([2], { dtype: 'float64', device: 'webgpu' })).toThrow(/device 'webgpu' has no float64.*astype\('float32'\).*'cpu' device/);
    expect(() => devicePut(np.array([1.5]), 'webgpu')).toThrow(/has no float64.*astype\('float32'\)/);
    const x = np.array([1, 2], { device: 'webgpu' });
    expect(x.dtype).toBe('float32');
    expect(() => x.dataSync()).toThrow(/cannot read f32\[2\] synchronously; read it with 'await x.data\(\)'/);
    expect(() => x.sum().item()).toThrow(/await x/);
    expect(await x.jsAsync()).toEqual([1, 2]);
    const y = x.mul(3);
    expect(await y.blockUntilReady()).toBe(y);
    expect(await np.array([1]).blockUntilReady()).toBeDefined();
    expect(await x.sum().itemAsync()).toBe(3);
  });

  it('helpers that make index arrays make them on their operand\'s device, not the default one', async () => {
    const h = nn.oneHot(np.array([0, 2], { dtype: 'int32', device: 'webgpu' }), 3);
    expect([h.device, h.dtype]).toEqual(['webgpu', 'float32']);
    expect(await h.jsAsync()).toEqual([[1, 0, 0], [0, 0, 1]]);
  });

  it('20 000 eager ops in a row are batched into few submits (Dawn crashes on one dispatch per submit)', async () => {
    let x = np.zeros([4], { device: 'webgpu' });
    for (let i = 0; i < 20_000; i++) {
      const y = x.add(1);
      x.dispose();
      x = y;
    }
    expect(globalThis.Array.from(await x.data())).toEqual([20_000, 20_000, 20_000, 20_000]);
  });

  it('a fused gradient program: kernel counts, and every kernel within the binding limit', () => {
    const f = (w: Array, x: Array) => nn.logSoftmax(np.tanh(np.matmul(x, w)), -1).sum();
    const w = np.ones([6, 3], { device: 'webgpu' });
    const x = np.ones([5, 6], { device: 'webgpu' });
    const j = makeJaxpr(valueAndGrad(f))(w, x).jaxpr;
    const exe = getBackend('webgpu').compile(j);
    expect(exe.stats.hostRoutines).toEqual([]);
    // Two matrix products (forward, and the weight gradient); the elementwise work around them fuses.
    expect(exe.stats.routines).toBe(2);
    expect(exe.stats.kernels).toBeLessThanOrEqual(5);
  });

  it('matrix products in every shape of GEMM: tiled (scalar and vec4 loads), vector, split along a long K, with and without an epilogue', async () => {
    const cases: [number[], number[]][] = [[[40, 70], [70, 33]], [[40, 68], [68, 36]], [[2, 33, 64], [2, 64, 12]], [[1, 300], [300, 20]], [[20, 300], [300, 1]], [[8, 4096], [4096, 8]], [[3, 6, 2048], [3, 2048, 5]]];
    for (const [sa, sb] of cases) {
      const a = np.sin(np.arange(sa.reduce((p, d) => p * d, 1)).reshape(sa).astype('float32'));
      const b = np.cos(np.arange(sb.reduce((p, d) => p * d, 1)).reshape(sb).astype('float32'));
      const bias = np.linspace(-1, 1, sb[sb.length - 1], { dtype: 'float32' });
      for (const f of [(x: Array, y: Array) => np.matmul(x, y), (x: Array, y: Array) => np.tanh(np.matmul(x, y).add(bias))]) {
        const want = await jit(f)(a, b).data();
        const got = await jit(f)(devicePut(a, 'webgpu'), devicePut(b, 'webgpu')).data();
        const scale = Math.sqrt(sa[sa.length - 1]);
        got.forEach((v, i) => expect(Math.abs(v - want[i]), `[${sa}]x[${sb}] element ${i}`).toBeLessThan(1e-5 * scale));
      }
    }
  });

  it('a jit-compiled training loop keeps device memory flat (1000 steps, no await)', async () => {
    defaultDevice('webgpu');
    try {
      const loss = (p: { w: Array; b: Array }, x: Array, y: Array) => np.square(np.tanh(np.matmul(x, p.w).add(p.b)).sub(y)).mean();
      const step = jit((p: { w: Array; b: Array }, x: Array, y: Array) => {
        const [l, g] = valueAndGrad(loss)(p, x, y);
        return { p: { w: p.w.sub(g.w.mul(0.1)), b: p.b.sub(g.b.mul(0.1)) }, l };
      });
      const x = np.linspace(-1, 1, 32).reshape([8, 4]);
      const y = np.sin(np.linspace(0, 3, 16)).reshape([8, 2]);
      let p = { w: np.full([4, 2], 0.1), b: np.zeros([2]) };
      let first = 0;
      let live = 0;
      for (let i = 0; i < 1000; i++) {
        const out = step(p, x, y);
        disposeTree(p);
        p = out.p;
        if (i === 9) { live = memoryStats('webgpu').liveBytes; first = (await out.l.itemAsync()) as number; }
        out.l.dispose();
        // At most what it was (garbage of earlier tests may be finalized meanwhile), never growing.
        if (i === 999) expect(memoryStats('webgpu').liveBytes).toBeLessThanOrEqual(live);
      }
      const last = await scope(() => loss(p, x, y)).itemAsync();
      expect(last).toBeLessThan(first);
    } finally {
      defaultDevice('cpu');
    }
  });

  it('random follows its key onto the device: the same streams as on the CPU', async () => {
    const k = devicePut(random.key(7), 'webgpu');
    const u = random.uniform(k, [5], { dtype: 'float32' });
    expect(u.device).toBe('webgpu');
    expect(globalThis.Array.from(await u.data())).toEqual(globalThis.Array.from(random.uniform(random.key(7), [5], { dtype: 'float32' }).dataSync()));
    expect(globalThis.Array.from(await random.split(k, 3).data())).toEqual(globalThis.Array.from(random.split(random.key(7), 3).dataSync()));
    const kf = random.foldIn(k, 3);
    expect(kf.device).toBe('webgpu');
    expect(globalThis.Array.from(await kf.data())).toEqual(globalThis.Array.from(random.foldIn(random.key(7), 3).dataSync()));
    // a lone number without a device joins its operands' device, as JAX's uncommitted arrays
    expect(np.add(u, np.array(1, { dtype: 'float32' })).device).toBe('webgpu');
  });
});
