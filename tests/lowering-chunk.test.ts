/**
 * Chunked reductions (lib/lowering/chunk.ts): a large reduction sums fixed chunks in order, then
 * the chunk partials in order. The chunks depend only on the reduced extents, so batching, jit,
 * fusion and the thread count never change a bit; the order is checked against a reference
 * written out here in plain JavaScript.
 */
import { describe, expect, it } from 'vitest';
import { jit, makeJaxpr, nn, np, vmap } from '../lib/index.js';
import type { Jaxpr } from '../lib/index.js';
import { chunkSplit } from '../lib/lowering/chunk.js';
import { type Program, programStats } from '../lib/lowering/program.js';
import { REDUCTION_CHUNK } from '../lib/backends/cpu/backend.js';
import { getBackend } from '../lib/core/backend.js';
import { threadInfo, threadsUnsupported, useThreads } from '../lib/backends/cpu/threads.js';

const C = REDUCTION_CHUNK;
const program = (j: Jaxpr): Program => (getBackend('cpu') as unknown as { program(j: Jaxpr): Program }).program(j);
const wave = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.7311 + seed) * Math.exp(Math.cos(i * 0.013) * 5));
const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/** The documented order: chunks of `size` from 0, in order; then the partials from 0, in order. */
function chunkedSum(xs: readonly number[], size: number, round: (v: number) => number = (v) => v): number {
  let total = 0;
  for (let c = 0; c < xs.length; c += size) {
    let p = 0;
    for (let i = c; i < Math.min(xs.length, c + size); i++) p += xs[i];
    total += round(p);
  }
  return round(total);
}

describe('chunkSplit: the chunks are a function of the reduced extents', () => {
  it('cuts the outermost axis that does not fit, at its largest divisor that does', () => {
    expect(chunkSplit([C], C)).toBeUndefined();
    expect(chunkSplit([1_000_000], C)).toEqual({ j: 0, d: 4000, size: 4000 });
    expect(chunkSplit([1000, 1000], C)).toEqual({ j: 0, d: 4, size: 4000 });
    expect(chunkSplit([3, 5000], C)).toEqual({ j: 1, d: 2500, size: 2500 });
    expect(chunkSplit([7, 4096], C)).toEqual({ j: 0, d: 1, size: 4096 });
    // a prime extent has no useful divisor: one sequential reduction, as below one chunk
    expect(chunkSplit([1_000_003], C)).toBeUndefined();
  });
});

describe('chunked reductions on the CPU', () => {
  const xs = wave(1_000_000, 1);
  const x = np.array(xs);

  it('sum float64 and float32 in the documented order', () => {
    expect(np.sum(x).item()).toBe(chunkedSum(xs, 4000));
    expect(jit((a: np.Array) => np.sum(a))(x).item()).toBe(chunkedSum(xs, 4000));
    const x32 = x.astype('float32');
    const f32 = Array.from(x32.dataSync());
    // float32 accumulates in float64 within a kernel and rounds what it stores: each partial, then the total
    expect(np.sum(x32).item()).toBe(chunkedSum(f32, 4000, Math.fround));
    // and a partial fold is closer to the exact sum than the plain left-to-right float64 loop
    const exact = xs.reduce((a, b) => a + b, 0);
    expect(Math.abs(np.sum(x).item() - exact)).toBeLessThan(1e-9 * Math.abs(exact) + 1e-6);
  });

  it('lowers a large sum to a partials kernel and a fold, and leaves small ones alone', () => {
    expect(programStats(program(makeJaxpr((a: np.Array) => np.sum(a))(np.ones([C])).jaxpr)).kernels).toBe(1);
    expect(programStats(program(makeJaxpr((a: np.Array) => np.sum(a))(np.ones([C + 1000])).jaxpr)).kernels).toBe(2);
    // softmax: two reductions (partials + fold each) and the normalisation over the whole domain
    expect(programStats(program(makeJaxpr((a: np.Array) => nn.softmax(a))(np.ones([20_000])).jaxpr)).kernels).toBe(5);
  });

  it('gives vmap(f)(xs)[i] == f(xs[i]) bit for bit, whichever axis is batched', () => {
    const rows = [wave(30_000, 2), wave(30_000, 3), wave(30_000, 4)];
    const f = (a: np.Array) => np.sum(np.tanh(a).mul(a));
    const single = rows.map((r) => jit(f)(np.array(r)).item());
    expect(same(vmap(f)(np.array(rows)).dataSync(), single)).toBe(true);
    expect(same(vmap(f, 1)(np.array(rows).T).dataSync(), single)).toBe(true);
    // a reduction over two axes: batched in the middle, its reduced axes no longer merge in memory
    const g = (a: np.Array) => nn.logsumexp(a);
    const m = rows.map((r) => np.array(r).reshape([100, 300]));
    const one = m.map((a) => jit(g)(a).item());
    expect(same(vmap(g, 1)(np.stack(m, 1)).dataSync(), one)).toBe(true);
    expect(same(vmap(g)(np.stack(m)).dataSync(), one)).toBe(true);
  });

  it('agrees with float64 references for every reduction op and for integers', () => {
    const v = np.array(xs.slice(0, 50_000));
    expect(np.max(v).item()).toBe(Math.max(...xs.slice(0, 50_000)));
    expect(np.min(v).item()).toBe(Math.min(...xs.slice(0, 50_000)));
    const withNan = xs.slice(0, 50_000);
    withNan[45_000] = NaN;
    expect(np.max(np.array(withNan)).item()).toBeNaN();
    expect(np.min(np.array(withNan)).item()).toBeNaN();
    const p = np.prod(np.array(xs.slice(0, 20_000).map((t) => 1 + t * 1e-4))).item();
    expect(p).toBeCloseTo(xs.slice(0, 20_000).reduce((a, t) => a * (1 + t * 1e-4), 1), 10);
    // int32 sums wrap exactly as one loop would, in any order
    const ints = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 65_536);
    let want = 0;
    for (const t of ints) want = (want + t * 1000) | 0;
    expect(np.sum(np.array(ints, { dtype: 'int32' }).mul(1000)).item()).toBe(want);
    expect(np.any(np.array(ints.map((t) => t === 12_345))).item()).toBe(1);
    expect(np.all(np.array(ints.map((t) => t < 65_536))).item()).toBe(1);
    const lse = nn.logsumexp(v).item();
    const mx = Math.max(...xs.slice(0, 50_000));
    expect(lse).toBeCloseTo(mx + Math.log(xs.slice(0, 50_000).reduce((a, t) => a + Math.exp(t - mx), 0)), 10);
  });

  it.runIf(threadsUnsupported() === undefined)('gives the same bits on one thread and two', async () => {
    const f = jit((a: np.Array) => [np.sum(np.tanh(np.sin(a).mul(a).add(1))), nn.logsumexp(a), np.sum(a.reshape([1000, 1000]), 0)]);
    for (const dtype of ['float64', 'float32'] as const) {
      const a = x.astype(dtype);
      f(a);
      for (let i = 0; i < 200 && threadInfo().threads < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(threadInfo().threads).toBe(2);
      useThreads(false);
      const one = f(a).map((t) => t.dataSync());
      useThreads(true);
      const two = f(a).map((t) => t.dataSync());
      one.forEach((o, i) => expect(same(two[i], o)).toBe(true));
    }
  });
});
