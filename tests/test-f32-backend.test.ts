/** The test-only device itself (tests/backends/test-f32.ts): its contract, so the parity tests mean something. */
import { describe, expect, it } from 'vitest';
import { defaultDevice, devicePut, devices, getDefaultFloat, setDefaultFloat, getBackend, jit, makeJaxpr, memoryStats, np, resetPeakMemory } from '../lib/index.js';
import { TEST_F32, TEST_F32_FUSION_LIMIT, type TestF32Backend } from './backends/test-f32.js';

const dev = TEST_F32;

describe('test-f32 device', () => {
  it('is registered by the test setup, beside cpu, which stays the default', () => {
    // webgpu follows where an adapter starts.
    expect(devices().slice(0, 2)).toEqual(['cpu', dev]);
  });

  it('has no synchronous readback; read resolves on a later macrotask', async () => {
    const x = np.array([1, 2, 3], { dtype: 'float32', device: dev });
    expect(getBackend(dev).readSync).toBeUndefined();
    expect(() => x.dataSync()).toThrow(/cannot read f32\[3\] synchronously; read it with 'await x.data\(\)'/);
    let resolved = false;
    const p = x.data().then((d) => { resolved = true; return d; });
    await Promise.resolve();
    expect(resolved).toBe(false);
    expect(Array.from(await p)).toEqual([1, 2, 3]);
  });

  it('rejects dtypes it lacks at put and compile, naming the fix', () => {
    expect(() => np.array([1, 2], { dtype: 'float64', device: dev })).toThrow(/test-f32.*float64.*astype\('float32'\)/);
    const j = makeJaxpr((v: import('../lib/index.js').Array) => np.sin(v))(np.zeros([2], { dtype: 'float64' })).jaxpr;
    expect(() => getBackend(dev).compile(j)).toThrow(/no float64/);
  });

  it('splits kernels at its small fusion limit', () => {
    const f = (v: import('../lib/index.js').Array) => np.cos(np.sin(np.exp(np.tanh(np.sqrt(np.abs(v))))));
    const j = makeJaxpr(f)(np.zeros([8], { dtype: 'float32' })).jaxpr;
    const b = getBackend(dev) as TestF32Backend;
    const cpu = getBackend('cpu');
    expect(cpu.compile(j).stats.kernels).toBe(1);
    expect(b.compile(j).stats.kernels).toBeGreaterThanOrEqual(Math.ceil(6 / TEST_F32_FUSION_LIMIT));
  });

  it('keeps memory accounting truthful', async () => {
    const before = memoryStats(dev);
    resetPeakMemory(dev);
    const x = np.ones([1000], { dtype: 'float32', device: dev });
    const f = jit((v: import('../lib/index.js').Array) => np.exp(np.add(np.sin(v), np.cos(v))));
    const y = f(x);
    expect(memoryStats(dev).liveBytes - before.liveBytes).toBeGreaterThanOrEqual(8000);
    expect(memoryStats(dev).peakBytes).toBeGreaterThanOrEqual(memoryStats(dev).liveBytes);
    expect((await y.data()).length).toBe(1000);
    x.dispose();
    y.dispose();
    // Compiled constants stay with the executable; everything the call made is released.
    expect(memoryStats(dev).liveBytes).toBe(before.liveBytes);
  });

  it('reads a scalar folded from JS numbers synchronously: its value is on the host, not only the device', () => {
    const prev = defaultDevice();
    defaultDevice(dev);
    try {
      const s = np.multiply(2, 3.5);
      expect(s.device).toBe(dev);
      expect(s.item()).toBe(7);
      expect(() => np.array([2.5], { dtype: 'float32' }).item()).toThrow(/cannot read f32\[1\] synchronously/);
    } finally { defaultDevice(prev); }
  });

  it('devicePut off the device names the host copy, which works', async () => {
    const x = np.array([1, 2], { dtype: 'float32', device: dev });
    expect(() => devicePut(x, 'cpu')).toThrow(/cannot be copied to 'cpu' now; copy it through the host: np\.array\(await x\.data\(\)/);
    const y = np.array(await x.data(), { shape: x.shape, dtype: x.dtype, device: 'cpu' });
    expect(y.device).toBe('cpu');
    expect(y.js()).toEqual([1, 2]);
  });
});

describe('the default float follows the default device', () => {
  it('float32 on a device without float64, float64 on the cpu; setDefaultFloat fixes it for all', () => {
    const prev = defaultDevice();
    try {
      defaultDevice(dev);
      expect(getDefaultFloat()).toBe('float32');
      expect(np.array([1.5]).dtype).toBe('float32');
      defaultDevice('cpu');
      expect(np.array([1.5]).dtype).toBe('float64');
      setDefaultFloat('float32');
      expect(np.array([1.5]).dtype).toBe('float32');
      defaultDevice(dev);
      expect(getDefaultFloat()).toBe('float32');
      setDefaultFloat();
      defaultDevice('cpu');
      expect(getDefaultFloat()).toBe('float64');
    } finally { setDefaultFloat(); defaultDevice(prev); }
  });
});
