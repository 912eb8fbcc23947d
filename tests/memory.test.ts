import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { np, jit, grad, memoryStats, scope, disposeTree } from '../lib/index.js';
import { describeEachBackend } from './backends.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/sync-loop.ts', import.meta.url));

describe('memory ownership', () => {
  // A user's loop runs in a fresh process (the test runner's own heap would blur RSS). Before
  // finalizers stopped pinning buffer data, 1500 eager iterations reached 2.4 GB.
  const loop = (mode: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, mode, '10000'], { cwd: root })
    .then(({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!) as { growthMB: number; value: number });
  // y_n = y_0 a^n + b (a^n - 1) / (a - 1), after 50 warm-up and 10^4 measured steps.
  const expected = 1e-9 * (1.0000001 ** 10_050 - 1) / 1e-7;

  it('a synchronous loop keeps RSS flat, eager and under jit (10^4 iterations on 10^5 float64, no await)', async () => {
    const [eager, jitted] = await Promise.all([loop('eager'), loop('jit')]);
    for (const r of [eager, jitted]) {
      expect(r.growthMB).toBeLessThan(100);
      expect(Math.abs(r.value / expected - 1)).toBeLessThan(1e-9);
    }
  }, 180_000);
});

// Explicit lifetimes matter most where the garbage collector cannot see device memory: every
// rule below holds on each backend, counted by that device's own memoryStats.
describeEachBackend('memory ownership', (b) => {
  const bytes = (n: number) => n * (b.dtype === 'float64' ? 8 : 4);
  const live = () => memoryStats(b.device).liveBytes;

  it('dispose releases the buffer at once and later use names the cause', async () => {
    live(); // the CPU counts arrays made after the first memoryStats()
    const x = np.ones([1000]);
    const before = live();
    x.dispose();
    expect(live()).toBe(before - bytes(1000));
    x.dispose(); // idempotent
    expect(live()).toBe(before - bytes(1000));
    expect(() => x.add(1)).toThrow(/was disposed/);
    await expect(x.data()).rejects.toThrow(/x\.dispose\(\)/);
  });

  it('`using` disposes at the end of the block', async () => {
    const before = live();
    let total = 0;
    {
      using x = np.ones([500]);
      expect(live()).toBe(before + bytes(500));
      total = (await b.read(x.sum())) as number;
    }
    expect(total).toBe(500);
    // x.sum()'s scalar result is still awaiting collection; x itself is gone.
    expect(live()).toBeLessThanOrEqual(before + bytes(1));
  });

  it('scope frees what it created except what it returns, and nests', async () => {
    const a = np.ones([100]);
    const before = live();
    let inner: np.Array | undefined;
    const [kept, obj] = scope(() => {
      const t = a.mul(2).add(1);
      const r = scope(() => { inner = t.mul(3); return { z: inner.add(1), n: 3 }; });
      expect(inner!.isDisposed).toBe(true);
      return [t.sum(), r] as const;
    });
    expect(await b.read(kept)).toBe(300);
    expect(((await b.read(obj.z)) as number[])[0]).toBe(10);
    expect(obj.n).toBe(3);
    expect(a.isDisposed).toBe(false);
    // Only the two returned arrays stay live.
    expect(live() - before).toBe(bytes(1) + bytes(100));
    disposeTree(obj);
    expect(obj.z.isDisposed).toBe(true);
  });

  it('scope disposes on throw and refuses async functions', () => {
    let t: np.Array | undefined;
    expect(() => scope(() => { t = np.ones([10]); throw new Error('boom'); })).toThrow('boom');
    expect(t!.isDisposed).toBe(true);
    expect(() => scope(async () => np.ones([2]))).toThrow(/scope must be synchronous/);
  });

  it('a scoped jit training loop keeps live device bytes flat', async () => {
    const loss = (w: np.Array) => w.mul(w).sum();
    const step = jit((w: np.Array) => w.sub(grad(loss)(w).mul(0.1)));
    let w = np.ones([1000]);
    w = scope(() => step(w));
    const before = live();
    for (let i = 0; i < 100; i++) {
      const next = scope(() => step(w));
      w.dispose();
      w = next;
    }
    expect(live()).toBe(before);
    b.expectClose(((await b.read(w)) as number[])[0], 0.8 ** 101, b.dtype === 'float64' ? 1e-12 : 1e-5);
  });
});
