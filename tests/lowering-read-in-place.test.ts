/**
 * Gathers along one axis, small concatenations and one-axis pads are read in place by the
 * kernels that consume them (lowering/plan.ts Planner.gather / .concatenate / .pad, expr.ts
 * Gather): their values are never stored. Results are checked against plain-JS indexing, on every
 * backend, and the programs' step counts pin the fusion.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, grad, jit, makeJaxpr, np, type Array as NpArray, type Jaxpr } from '../lib/index.js';
import { bind1 } from '../lib/core/trace.js';
import { Gather } from '../lib/primitives/shape.js';
import { describeEachBackend } from './backends.js';

/** The gather primitive itself along `axis` (np.take normalises and clips indices before it). */
const gatherAt = (x: NpArray, i: NpArray, axis = 0): NpArray => bind1(Gather, [x, i.reshape([...i.shape, 1])], { axes: [axis] });

const stats = (j: Jaxpr) => getBackend('cpu').compile(j).stats;
const clampAt = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);
const idxArray = (v: number[], shape?: number[]) => np.array(v, { dtype: 'int32', ...(shape ? { shape } : {}) });

describe('gathers fuse into the kernels that read them', () => {
  it('exp(x)[idx] * 2 + y is one kernel, with the indices clamped as JAX clamps them', () => {
    const xs = [0.5, -1, 2, 0.25, 3];
    const idx = [4, 0, 0, 2, -3, 9, 1];
    const ys = idx.map((_, i) => i / 10);
    const f = (x: np.Array, i: np.Array, y: np.Array) => np.take(np.exp(x), i, null, { mode: 'clip' }).mul(2).add(y);
    const x = np.array(xs), i = idxArray(idx), y = np.array(ys);
    expect(stats(makeJaxpr(f)(x, i, y).jaxpr)).toEqual({ kernels: 1, routines: 0, controls: 0 });
    // The primitive clamps out-of-range indices (JAX's gather rule), which keeps the fused read in bounds.
    const g = (x: np.Array, i: np.Array, y: np.Array) => gatherAt(np.exp(x), i).mul(2).add(y);
    const want = idx.map((k, n) => Math.exp(xs[clampAt(k, xs.length)]) * 2 + ys[n]);
    const got = Array.from(jit(g)(x, i, y).dataSync() as Float64Array);
    got.forEach((v, n) => expect(v).toBeCloseTo(want[n], 14));
  });

  it('gathers rows and columns of a matrix, with batched index shapes', () => {
    const A = Array.from({ length: 4 }, (_, r) => Array.from({ length: 3 }, (_, c) => 10 * r + c + 0.5));
    const a = np.array(A);
    const rows = [[3, 1], [0, 7]];
    const cols = [2, -1, 0, 1];
    const byRow = jit((m: np.Array, i: np.Array) => np.take(m.mul(m), i, 0, { mode: 'clip' }))(a, idxArray(rows.flat(), [2, 2]));
    expect(byRow.shape).toEqual([2, 2, 3]);
    expect(byRow.js()).toEqual(rows.map((rr) => rr.map((r) => A[clampAt(r, 4)].map((v) => v * v))));
    const byCol = jit((m: np.Array, i: np.Array) => gatherAt(m.add(1), i, 1))(a, idxArray(cols));
    expect(byCol.shape).toEqual([4, 4]);
    expect(byCol.js()).toEqual(cols.map((c) => A.map((row) => row[clampAt(c, 3)] + 1)));
    // np.take puts the index axis where `axis` was, reading negative indices from the end
    const taken = jit((m: np.Array, i: np.Array) => np.take(m.add(1), i, 1, { mode: 'clip' }))(a, idxArray(cols));
    expect(taken.js()).toEqual(A.map((row) => cols.map((c) => row[clampAt(c < 0 ? c + 3 : c, 3)] + 1)));
  });

  it('gathers a reduction, gathers with a computed index, and gathers a gather', () => {
    const xs = Array.from({ length: 12 }, (_, i) => Math.sin(3 * i));
    const x = np.array(xs, { shape: [3, 4] });
    // the row sums, gathered (the operand is bound to a reduction's kernel)
    const sums = [0, 1, 2].map((r) => xs.slice(4 * r, 4 * r + 4).reduce((s, v) => s + v, 0));
    const f = (x: np.Array, i: np.Array) => np.take(x.sum(1), i, null, { mode: 'clip' }).mul(3);
    const got = Array.from(jit(f)(x, idxArray([2, 2, 0, 1])).dataSync() as Float64Array);
    got.forEach((v, n) => expect(v).toBeCloseTo(sums[[2, 2, 0, 1][n]] * 3, 13));
    // the index is the argmax of each row, computed in the same program
    const am = [0, 1, 2].map((r) => { const row = xs.slice(4 * r, 4 * r + 4); return row.indexOf(Math.max(...row)); });
    const g = (x: np.Array) => np.take(x.reshape([12]), np.argmax(x, 1).add(np.array([0, 4, 8], { dtype: 'int32' })), null, { mode: 'clip' });
    expect(Array.from(jit(g)(x).dataSync() as Float64Array)).toEqual(am.map((c, r) => xs[4 * r + c]));
    // x[i][j]: the inner gather is stored, the outer reads it in place
    const i = [5, 1, 11, 0], j = [3, 3, 0, 2, 1];
    const h = (x: np.Array, i: np.Array, j: np.Array) => np.take(np.take(x.reshape([12]), i, null, { mode: 'clip' }).neg(), j, null, { mode: 'clip' });
    expect(Array.from(jit(h)(x, idxArray(i), idxArray(j)).dataSync() as Float64Array)).toEqual(j.map((k) => -xs[i[k]]));
  });

  it('differentiates through a fused gather (its transpose is a scatter-add)', () => {
    const xs = [0.3, -0.7, 1.1];
    const idx = [2, 0, 2, 1, 2];
    const f = (x: np.Array) => np.take(np.sin(x), idxArray(idx), null, { mode: 'clip' }).square().sum();
    const g = Array.from(jit(grad(f))(np.array(xs)).dataSync() as Float64Array);
    const want = xs.map((v, k) => idx.filter((i) => i === k).length * 2 * Math.sin(v) * Math.cos(v));
    g.forEach((v, k) => expect(v).toBeCloseTo(want[k], 14));
  });
});

describe('concatenations and pads fuse into the kernels that read them', () => {
  const xs = [0.5, -1.25, 2, 0.75];
  const ys = [3, -0.5];

  it('concatenates an exp tree, a broadcast scalar and a slice into one kernel', () => {
    const f = (x: NpArray, y: NpArray) => np.concatenate([np.exp(x), np.broadcastTo(y.slice([1, 2]), [3]), x.slice([1, 3])]).mul(2).sub(1);
    const want = [...xs.map(Math.exp), ys[1], ys[1], ys[1], xs[1], xs[2]].map((v) => v * 2 - 1);
    const [x, y] = [np.array(xs), np.array(ys)];
    expect(stats(makeJaxpr(f)(x, y).jaxpr)).toEqual({ kernels: 1, routines: 0, controls: 0 });
    const got = Array.from(jit(f)(x, y).dataSync() as Float64Array);
    got.forEach((v, k) => expect(v).toBeCloseTo(want[k], 14));
  });

  it('concatenates along a later axis, and a concatenation of concatenations', () => {
    const a = np.array(xs, { shape: [2, 2] }), c = np.array(ys, { shape: [2, 1] });
    const f = (a: NpArray, c: NpArray) => np.concatenate([a, c.mul(10), np.concatenate([c, a.neg()], 1)], 1);
    const want = [[xs[0], xs[1], ys[0] * 10, ys[0], -xs[0], -xs[1]], [xs[2], xs[3], ys[1] * 10, ys[1], -xs[2], -xs[3]]];
    expect(stats(makeJaxpr(f)(a, c).jaxpr)).toEqual({ kernels: 1, routines: 0, controls: 0 });
    expect(jit(f)(a, c).js()).toEqual(want);
  });

  it('pads one axis with a traced value, and differentiates a slice (its transpose is a pad)', () => {
    const f = (x: NpArray, v: NpArray) => np.pad(x.mul(3), [[2, 1]], { constantValues: v }).add(1);
    const want = [0, 0, ...xs.map((t) => 3 * t), 0].map((t, k) => (k < 2 || k === 6 ? ys[0] : t) + 1);
    const x = np.array(xs), v = np.array(ys[0]);
    expect(stats(makeJaxpr(f)(x, v).jaxpr)).toEqual({ kernels: 1, routines: 0, controls: 0 });
    const got = Array.from(jit(f)(x, v).dataSync() as Float64Array);
    got.forEach((t, k) => expect(t).toBeCloseTo(want[k], 14));
    const g = (x: NpArray) => np.sin(x.slice([1, 3])).sum();
    expect(stats(makeJaxpr(grad(g))(x).jaxpr).routines).toBe(0);
    expect(Array.from(jit(grad(g))(x).dataSync() as Float64Array)).toEqual(xs.map((t, k) => (k === 1 || k === 2 ? Math.cos(t) : 0)));
  });
});

describeEachBackend('fused reads agree with JS indexing', (b) => {
  it('a gathered tree, a reduction over it and a clamped index', async () => {
    const xs = [1.5, -2, 0.75, 4, -0.5, 2.25];
    const idx = [5, 0, 3, 3, -1, 8, 2, 1];
    const f = (x: np.Array, i: np.Array) => {
      const g = gatherAt(x.mul(x).add(1), i);
      return [g, g.mul(np.arange(8).astype(g.dtype)).sum()];
    };
    const [g, s] = await b.call(f, b.array(xs), idxArray(idx));
    const want = idx.map((k) => xs[clampAt(k, 6)] ** 2 + 1);
    b.expectClose(await b.read(g), want);
    b.expectClose(await b.read(s), want.reduce((t, v, n) => t + v * n, 0));
  });

  it('a concatenation of a gathered tree and a pad', async () => {
    const xs = [1.5, -2, 0.75];
    const f = (x: NpArray, i: NpArray) => np.concatenate([gatherAt(x.add(1), i), np.pad(x.mul(2), [[1, 0]])]).mul(x.sum());
    const idx = [2, 0, 9];
    const s = xs.reduce((a, v) => a + v, 0);
    const want = [...idx.map((k) => xs[clampAt(k, 3)] + 1), 0, ...xs.map((v) => 2 * v)].map((v) => v * s);
    b.expectClose(await b.read(await b.call(f, b.array(xs), idxArray(idx))), want);
  });
});
