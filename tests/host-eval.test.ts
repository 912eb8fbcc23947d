/**
 * Host-side work (constant folding, scalar literal folding, value reads while tracing) runs on the
 * host device, the CPU, never through the default device; and a device's declared dtypes are
 * checked where core hands it data (`put`) or a program (`compile`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Backend, type Buffer, type Executable, type MemoryStats,
  np, grad, jit, makeJaxpr, defaultDevice, devicePut, devices, registerBackend,
} from '../lib/index.js';
import { CpuBackend } from '../lib/backends/cpu/index.js';
import type { DType, TypedArray } from '../lib/core/dtype.js';
import type { Aval, Jaxpr } from '../lib/core/ir.js';
import type { BufferRef } from '../lib/core/backend.js';

/** A device like an asynchronous GPU: it computes through a private CPU, but has no `readSync`. */
class FakeDevice implements Backend {
  private readonly cpu = new CpuBackend();
  compiled = 0;
  constructor(readonly name: string, readonly dtypes: readonly DType[]) {}
  compile(jaxpr: Jaxpr): Executable {
    this.compiled++;
    return this.cpu.compile(jaxpr);
  }
  put(data: TypedArray, aval: Aval): Buffer { return this.cpu.put(data, aval); }
  read(buf: Buffer): Promise<TypedArray> { return this.cpu.read(buf); }
  retain(ref: BufferRef): void { this.cpu.retain(ref); }
  release(ref: BufferRef): void { this.cpu.release(ref); }
  memory(): MemoryStats { return this.cpu.memory(); }
  resetPeakMemory(): void { this.cpu.resetPeakMemory(); }
}

const fake = new FakeDevice('fake-async', ['float32', 'float64', 'int32', 'bool']);
const f32 = new FakeDevice('fake-f32', ['float32']);
registerBackend(fake);
registerBackend(f32);

afterAll(() => { defaultDevice('cpu'); });

describe('host evaluator', () => {
  it('registering a device does not change the default', () => {
    expect(defaultDevice()).toBe('cpu');
    expect(devices()).toEqual(expect.arrayContaining(['cpu', 'fake-async', 'fake-f32']));
  });

  it('folds scalar literals on the host when the default device cannot read synchronously', async () => {
    defaultDevice('fake-async');
    try {
      const x = np.array([1, 2, 3]);
      expect(x.device).toBe('fake-async');
      const f = (v: np.Array) => v.mul(np.multiply(2, 3.5));
      const y = jit(f)(x);
      expect(y.device).toBe('fake-async');
      expect(Array.from(await y.data())).toEqual([7, 14, 21]);
      // Folded: one multiplication by the literal 7, no equation on the two scalars.
      const j = makeJaxpr(f)(x).jaxpr;
      expect(j.eqns.map((e) => e.primitive.name)).toEqual(['mul']);
      expect(j.toString()).toContain('7');
      // A trace on the device whose scalars fold (inside simplify) and whose gradient runs there.
      const g = jit(grad((v: np.Array) => v.mul(np.add(1, 2)).sum()))(x);
      expect(Array.from(await g.data())).toEqual([3, 3, 3]);
    } finally {
      defaultDevice('cpu');
    }
  });

  it('eager scalar folding lands on the default device', async () => {
    defaultDevice('fake-async');
    try {
      const s = np.multiply(2, 3.5);
      expect(s.device).toBe('fake-async');
      expect(Array.from(await s.data())).toEqual([7]);
    } finally {
      defaultDevice('cpu');
    }
  });

  it('value reads while tracing run on the host for host-readable values', () => {
    defaultDevice('fake-async');
    try {
      // The inputs live on the CPU; the branch reads a value computed from them.
      const x = np.array([1, -2, 3], { device: 'cpu' });
      const f = (v: np.Array) => ((v.sum().item() as number) > 0 ? v.mul(v).sum() : v.sum());
      expect(Array.from(grad(f)(x).dataSync())).toEqual([2, -4, 6]);
    } finally {
      defaultDevice('cpu');
    }
  });

  it('a value read while tracing on a device without readSync names the fix', () => {
    const x = devicePut(np.array([1, -2, 3]), 'fake-async');
    const f = (v: np.Array) => ((v.sum().item() as number) > 0 ? v.mul(v).sum() : v.sum());
    expect(() => grad(f)(x)).toThrow(/'fake-async' cannot read synchronously.*await x\.data\(\).*'cpu' device/);
    expect(() => x.dataSync()).toThrow(/dataSync: device 'fake-async' cannot read f64\[3\] synchronously; read it with 'await x\.data\(\)'/);
  });
});

describe('dtype capabilities', () => {
  it('put rejects a dtype the device lacks, naming device, dtype and fix', () => {
    expect(() => np.array([1.5, 2], { dtype: 'float64', device: 'fake-f32' })).toThrow(
      "put: device 'fake-f32' has no float64 (it has float32); convert with x.astype('float32') first, or use the 'cpu' device",
    );
    expect(() => devicePut(np.array([1.5, 2]), 'fake-f32')).toThrow(/device 'fake-f32' has no float64/);
    expect(() => devicePut(np.array([1, 2], { dtype: 'int32' }), 'fake-f32')).toThrow(/device 'fake-f32' has no int32 .* use the 'cpu' device/);
  });

  it('accepts declared dtypes and weak JS scalars', async () => {
    const x = devicePut(np.array([1.5, 2]).astype('float32'), 'fake-f32');
    expect(x.device).toBe('fake-f32');
    const y = x.mul(2.5).add(1);
    expect(y.dtype).toBe('float32');
    expect(Array.from(await y.data())).toEqual([4.75, 6]);
    expect(Array.from(await jit((v: np.Array) => v.mul(2))(x).data())).toEqual([3, 4]);
  });

  it('compile rejects a program that uses a dtype the device lacks', () => {
    const x = devicePut(np.array([1.5, 2]).astype('float32'), 'fake-f32');
    const before = f32.compiled;
    expect(() => jit((v: np.Array) => v.astype('float64').mul(2))(x)).toThrow(
      /compile: device 'fake-f32' has no float64 .*astype\('float32'\).*'cpu' device/,
    );
    expect(() => x.astype('float64')).toThrow(/convert_element_type: device 'fake-f32' has no float64/);
    expect(f32.compiled).toBe(before);
  });
});
