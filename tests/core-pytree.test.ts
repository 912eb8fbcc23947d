import { describe, expect, it } from 'vitest';
import { np, tree, memoryStats, resetPeakMemory, devices, defaultDevice, jit } from '../lib/index.js';

describe('tree', () => {
  it('flattens nested arrays and objects with sorted keys', () => {
    const t = { b: [1, { c: 2, a: 3 }], a: 4, n: null };
    const [leaves, def] = tree.flatten(t);
    expect(leaves).toEqual([4, 1, 3, 2]);
    expect(tree.unflatten(def, leaves)).toEqual({ a: 4, b: [1, { a: 3, c: 2 }], n: null });
    expect(tree.leaves([1, [2, [3]]])).toEqual([1, 2, 3]);
    expect(tree.structure({ x: 1, y: [2] })).toEqual(tree.structure({ y: [5], x: 9 }));
  });

  it('maps over several trees and rejects mismatched structures', () => {
    expect(tree.map((a: number, b: number) => a + b, { x: 1, y: [2, 3] }, { x: 10, y: [20, 30] })).toEqual({ x: 11, y: [22, 33] });
    expect(() => tree.map((a: number) => a, [1], [1, 2])).toThrow(/structures differ/);
    const [, def] = tree.flatten([1, 2]);
    expect(() => tree.unflatten(def, [1])).toThrow(/2 leaves but 1/);
  });

  it('treats Arrays and class instances as leaves; tree.at replaces a subtree', () => {
    const w = np.ones([2]);
    expect(tree.leaves({ w, d: new Date(0) })).toHaveLength(2);
    const model = { layers: [{ w: 1, b: 2 }, { w: 3, b: 4 }] };
    const m2 = tree.at(model, (m) => m.layers[1], { w: 0, b: 0 });
    expect(m2).toEqual({ layers: [{ w: 1, b: 2 }, { w: 0, b: 0 }] });
    expect(model.layers[1].w).toBe(3);
  });
});

describe('devices and memory', () => {
  it('lists the cpu device as the default', () => {
    expect(devices()[0]).toBe('cpu');
    expect(defaultDevice()).toBe('cpu');
    expect(np.zeros([1]).device).toBe('cpu');
  });

  it('tracks live and peak bytes; intermediates are freed after their last use', () => {
    const x = np.zeros([1000]);
    const f = jit((a: np.Array) => {
      let y = a;
      for (let i = 0; i < 10; i++) y = np.sin(y);
      return y;
    });
    f(x);
    resetPeakMemory();
    const before = memoryStats().liveBytes;
    const y = f(x);
    const s = memoryStats();
    // One output stays live; at most two 8000-byte arrays were alive at once inside the chain.
    expect(s.liveBytes - before).toBe(8000);
    expect(s.peakBytes - before).toBeLessThanOrEqual(16000);
    expect(y.shape).toEqual([1000]);
  });
});

describe('iteration', () => {
  it('iterates over the first axis, also on tracers, and refuses 0-d arrays', () => {
    const [a, b] = np.array([[1, 2], [3, 4]]);
    expect(a.js()).toEqual([1, 2]);
    expect(b.js()).toEqual([3, 4]);
    expect(jit((x: np.Array) => { const [p, q] = x; return p.add(q); })(np.array([5, 6])).item()).toBe(11);
    expect(() => [...np.array(1)]).toThrow(/0-d array/);
  });
});
