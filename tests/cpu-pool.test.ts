/**
 * The CPU's buffer pool: memory the library knows is dead (a program's freed intermediates,
 * arrays released by dispose / using / scope) is reused, zeroed, by later allocations of the
 * same size; nothing live is ever handed out again, and the pool stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, np, scope } from '../lib/index.js';
import { allocate, pooledBytes, recycle } from '../lib/backends/cpu/pool.js';
import { clearCaches } from '../lib/core/lru.js';

const N = 1 << 15; // 128 KB of float32, above the pool's minimum

describe('the CPU buffer pool', () => {
  it('reuses a disposed array\'s memory, zeroed, for the next result of its size', () => {
    clearCaches();
    const x = np.ones([N], { dtype: 'float32' }).mul(7);
    const before = pooledBytes();
    x.dispose();
    expect(pooledBytes()).toBe(before + 4 * N);
    const z = np.zeros([N], { dtype: 'float32' });
    expect(pooledBytes()).toBe(before);
    expect(z.dataSync().every((v) => v === 0)).toBe(true);
    // routines that accumulate into their output (scatter-add) see zeros too
    const d = np.ones([N], { dtype: 'float32' }).mul(3);
    d.dispose();
    const idx = np.arange(N).astype('int32');
    const s = np.zeros([N], { dtype: 'float32' }).at(idx).add(1);
    expect(s.dataSync().every((v) => v === 1)).toBe(true);
  });

  it('never hands out a buffer another array still holds', () => {
    clearCaches();
    const x = np.arange(N).astype('float32');
    const want = x.dataSync();
    const y = jit((a: np.Array) => a)(x); // the output is the input's buffer
    y.dispose();
    const others = Array.from({ length: 4 }, () => np.full([N], -1, { dtype: 'float32' }));
    expect(x.dataSync()).toEqual(want);
    expect(others[3].dataSync()[0]).toBe(-1);
    x.dispose();
    x.dispose(); // idempotent: released once
    expect(pooledBytes()).toBe(4 * N);
  });

  it('takes arrays released by scope, and intermediates a program frees', () => {
    clearCaches();
    const kept = scope(() => {
      const t = np.ones([N], { dtype: 'float32' }).mul(2);
      return t.add(1);
    });
    expect(pooledBytes()).toBeGreaterThanOrEqual(4 * N);
    expect(kept.dataSync()[N - 1]).toBe(3);
    clearCaches();
    // the cumulative sum is a routine, so its operand and result are materialized intermediates
    const f = jit(grad((a: np.Array) => np.sum(np.tanh(np.cumsum(np.sin(a).mul(a))).mul(np.cos(a)))));
    const a = np.linspace(-2, 2, N, { dtype: 'float64' });
    const g1 = f(a).dataSync();
    expect(pooledBytes()).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) f(a).dispose();
    expect(f(a).dataSync()).toEqual(g1);
  });

  it('skips views and arrays on the JS heap, and stays bounded', () => {
    clearCaches();
    const big = new Float64Array(N);
    recycle(big.subarray(1));
    recycle(new Float64Array(8)); // 64 bytes: on the JS heap, not pooled
    expect(pooledBytes()).toBe(0);
    big.fill(5);
    recycle(big);
    recycle(big); // twice: held once
    expect(pooledBytes()).toBe(8 * N);
    expect(allocate('float64', N)).toBe(big);
    expect(big.every((v) => v === 0)).toBe(true);
    expect(allocate('float64', N)).not.toBe(big);
    const small = new Float64Array(16).fill(3); // 128 bytes, off the heap: pooled (its backing store costs µs to make)
    recycle(small);
    expect(allocate('float64', 16)).toBe(small);
    expect(small.every((v) => v === 0)).toBe(true);
    for (let i = 0; i < 300; i++) recycle(new Float64Array(1 << 17)); // 1 MB each
    expect(pooledBytes()).toBeLessThanOrEqual(256 << 20);
    clearCaches();
    expect(pooledBytes()).toBe(0);
  });
});
