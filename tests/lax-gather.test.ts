/**
 * lax.gather / lax.scatter* with XLA dimension numbers (lib/lax/gather.ts): values against the
 * numpy indexing each configuration spells, JAX's modes, duplicates in the combining scatters,
 * and derivatives against finite differences.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, lax, np, vmap } from '../lib/index.js';
import type { Array } from '../lib/index.js';

const x = np.arange(20).astype('float64').reshape([4, 5]);
const rowDn = { offsetDims: [1], collapsedSliceDims: [0], startIndexMap: [0] };
const winDn = { offsetDims: [1, 2], collapsedSliceDims: [], startIndexMap: [0, 1] };
const i32 = (v: number[][]): Array => np.array(v, { dtype: 'int32' });

describe('lax.gather', () => {
  it('takes rows (x[idx]) and 2×2 windows (x[r:r+2, c:c+2])', () => {
    expect(lax.gather(x, i32([[1], [3]]), rowDn, [1, 5]).js()).toEqual([[5, 6, 7, 8, 9], [15, 16, 17, 18, 19]]);
    expect(lax.gather(x, i32([[0, 1], [2, 3]]), winDn, [2, 2]).js()).toEqual([[[1, 2], [6, 7]], [[13, 14], [18, 19]]]);
    // the window axes may sit anywhere in the output: here before the batch axis
    expect(lax.gather(x, i32([[1], [3]]), { ...rowDn, offsetDims: [0] }, [1, 5]).shape).toEqual([5, 2]);
    expect(lax.gather(x, i32([[1], [3]]), { ...rowDn, offsetDims: [0] }, [1, 5]).js()).toEqual(np.array([[5, 6, 7, 8, 9], [15, 16, 17, 18, 19]]).T.js());
  });

  it('fills windows that leave the operand (default), or clamps their start', () => {
    const far = i32([[3, 4], [1, 1]]);
    const filled = lax.gather(x, far, winDn, [2, 2]).js() as number[][][];
    expect(filled[0].flat().every(Number.isNaN)).toBe(true);
    expect(filled[1]).toEqual([[6, 7], [11, 12]]);
    expect(lax.gather(x, far, winDn, [2, 2], { fillValue: -1 }).js()).toEqual([[[-1, -1], [-1, -1]], [[6, 7], [11, 12]]]);
    expect(lax.gather(x, far, winDn, [2, 2], { mode: 'clip' }).js()).toEqual([[[13, 14], [18, 19]], [[6, 7], [11, 12]]]);
    expect(lax.gather(x.astype('int32'), far, winDn, [2, 2]).js()).toEqual([[[-2147483648, -2147483648], [-2147483648, -2147483648]], [[6, 7], [11, 12]]]);
  });

  it('pairs batching axes (take_along_axis with one index per row)', () => {
    const idx = i32([[4], [0], [2], [1]]);
    const dn = { offsetDims: [], collapsedSliceDims: [1], startIndexMap: [1], operandBatchingDims: [0], startIndicesBatchingDims: [0] };
    expect(lax.gather(x, idx, dn, [1, 1]).js()).toEqual([4, 5, 12, 16]);
  });

  it('differentiates: the cotangent of a gather is the scatter-add of its windows', () => {
    const idx = i32([[0, 1], [1, 2], [0, 1]]);
    const w = np.arange(12).astype('float64').reshape([3, 2, 2]);
    const g = grad((a: Array) => np.sum(lax.gather(a, idx, winDn, [2, 2]).mul(w)))(x).js() as number[][];
    const want = globalThis.Array.from({ length: 4 }, () => new globalThis.Array<number>(5).fill(0));
    [[0, 1], [1, 2], [0, 1]].forEach(([r, c], b) => { for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) want[r + i][c + j] += 4 * b + 2 * i + j; });
    expect(g).toEqual(want);
    const batched = vmap((a: Array) => lax.gather(a, i32([[1], [3]]), rowDn, [1, 5]))(np.stack([x, x.mul(2)])).js() as number[][][];
    expect(batched[1]).toEqual((lax.gather(x.mul(2), i32([[1], [3]]), rowDn, [1, 5]).js()));
  });

  it('names the function, the shapes and the fix on bad dimension numbers', () => {
    expect(() => lax.gather(x, i32([[1], [3]]), rowDn, [2, 5])).toThrow(/lax.gather: collapsed and batching axes need slice size 1, but axis 0 has 2/);
    expect(() => lax.gather(x, i32([[1, 2]]), rowDn, [1, 5])).toThrow(/lax.gather: indices of shape \[1, 2\] hold index vectors of length 2, but the start index map \[0\] has 1/);
    expect(() => lax.gather(x, np.array([[1]]), rowDn, [1, 5])).toThrow(/lax.gather: indices must be int32, got float64/);
  });
});

describe('lax.scatter family', () => {
  const dn = { updateWindowDims: [1], insertedWindowDims: [0], scatterDimsToOperandDims: [0] };
  const rows = i32([[1], [3], [1]]);
  const upd = np.array([[1, 2, 3, 4, 5], [10, 20, 30, 40, 50], [-2, 7, 1, 0.5, 100]]);

  it('adds, subtracts, multiplies and takes min/max over duplicate targets', () => {
    const base = x.js() as number[][];
    const u = upd.js() as number[][];
    const apply = (f: (a: number, b: number) => number): number[][] => {
      const out = base.map((r) => [...r]);
      [1, 3, 1].forEach((r, k) => { out[r] = out[r].map((v, j) => f(v, u[k][j])); });
      return out;
    };
    expect(lax.scatterAdd(x, rows, upd, dn).js()).toEqual(apply((a, b) => a + b));
    expect(lax.scatterSub(x, rows, upd, dn).js()).toEqual(apply((a, b) => a - b));
    expect(lax.scatterMul(x, rows, upd, dn).js()).toEqual(apply((a, b) => a * b));
    expect(lax.scatterMin(x, rows, upd, dn).js()).toEqual(apply(Math.min));
    expect(lax.scatterMax(x, rows, upd, dn).js()).toEqual(apply(Math.max));
    const once = lax.scatter(x, i32([[2], [0]]), upd.slice([0, 2]), dn).js() as number[][];
    expect(once[2]).toEqual([1, 2, 3, 4, 5]);
    expect(once[0]).toEqual([10, 20, 30, 40, 50]);
    expect(once[1]).toEqual(base[1]);
  });

  it('drops windows that leave the operand (default) and clamps them with clip', () => {
    const far = i32([[7], [2]]);
    const two = upd.slice([0, 2]);
    const dropped = lax.scatterAdd(x, far, two, dn).js() as number[][];
    expect(dropped[3]).toEqual([15, 16, 17, 18, 19]);
    expect(dropped[2]).toEqual([20, 31, 42, 53, 64]);
    expect((lax.scatter(x, far, two, dn).js() as number[][])[3]).toEqual([15, 16, 17, 18, 19]);
    expect((lax.scatter(x, far, two, dn, { mode: 'clip' }).js() as number[][])[3]).toEqual([1, 2, 3, 4, 5]);
    expect((lax.scatterMax(x, far, two.mul(0).add(99), dn).js() as number[][])[3]).toEqual([15, 16, 17, 18, 19]);
  });

  it('differentiates scatterMul and scatterMax against finite differences, under jit', () => {
    const loss = (a: Array, u: Array) => np.sum(np.sin(lax.scatterMul(a, rows, u, dn)).add(np.square(lax.scatterMax(a, rows, u, dn))));
    const a0 = x.mul(0.1).add(0.3), u0 = upd.mul(0.05);
    const [ga, gu] = jit(grad(loss, { argnums: [0, 1] }))(a0, u0);
    const h = 1e-6;
    const fd = (which: 0 | 1, i: number, j: number): number => {
      const bump = (s: number) => {
        const arr = (which === 0 ? a0 : u0).js() as number[][];
        arr[i][j] += s;
        const v = np.array(arr);
        return loss(which === 0 ? v : a0, which === 0 ? u0 : v).item();
      };
      return (bump(h) - bump(-h)) / (2 * h);
    };
    for (const [i, j] of [[1, 0], [1, 3], [3, 2], [0, 4]]) expect((ga.js() as number[][])[i][j]).toBeCloseTo(fd(0, i, j), 6);
    for (const [i, j] of [[0, 0], [2, 1], [1, 4]]) expect((gu.js() as number[][])[i][j]).toBeCloseTo(fd(1, i, j), 6);
  });

  it('scatterApply applies a function to the touched elements only', () => {
    const out = lax.scatterApply(x, i32([[0], [2]]), (v) => v.mul(-1), dn, { updateShape: [2, 5] }).js() as number[][];
    expect(out[0]).toEqual([-0, -1, -2, -3, -4]);
    expect(out[1]).toEqual([5, 6, 7, 8, 9]);
    expect(out[2]).toEqual([-10, -11, -12, -13, -14]);
  });
});

describe('a JAX habit', () => {
  it('grad(f, [0, 1]) (JAX\'s positional argnums) names the options object to use', () => {
    const f = (a: Array, b: Array) => np.sum(a.mul(b));
    expect(() => (grad as unknown as (f: unknown, o: unknown) => (...a: Array[]) => unknown)(f, [0, 1])(x, x)).toThrow(/grad: the second argument is the options object \{ argnums, hasAux \}, got the array \[0, 1\]; write grad\(f, \{ argnums: \[0, 1\] \}\)/);
    expect(() => (grad as unknown as (f: unknown, o: unknown) => (...a: Array[]) => unknown)(f, 1)(x, x)).toThrow(/write grad\(f, \{ argnums: 1 \}\)/);
  });
});
