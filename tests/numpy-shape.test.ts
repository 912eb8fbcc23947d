/** np shape ops: reshape, transpose, axes moves, squeeze/expandDims, broadcast, joins, flip, tile, repeat, pad, astype. */
import { describe, expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { close, exact } from './numpy-backend.js';
import { Ref, expectExact, f32, i32, range } from './numpy-helpers.js';

const a234 = Ref.fromFn([2, 3, 4], ([i, j, k]) => 100 * i + 10 * j + k);
const permuted = (perm: number[]) =>
  Ref.fromFn(perm.map((p) => a234.shape[p]), (idx) => {
    const src = [0, 0, 0];
    perm.forEach((p, d) => (src[p] = idx[d]));
    return a234.at(src);
  }).nested();

describeEachBackend('reshape / ravel', (be) => {
  it('keeps row-major order; -1 is inferred', async () => {
    const x = np.arange(12);
    await exact(be, np.reshape(x, [3, 4]), [range(4), range(4, 4), range(4, 8)], 'int32');
    await exact(be, np.reshape(x, [2, -1]), [range(6), range(6, 6)]);
    await exact(be, np.reshape(x, [-1, 3, 2]).reshape(-1), range(12));
    expect(np.reshape(x, [2, 2, -1]).shape).toEqual([2, 2, 3]);
    await exact(be, x.reshape(4, 3), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
    await exact(be, x.reshape([1, 12]).ravel(), range(12));
    await exact(be, np.ravel(a234.array()), a234.data);
    await exact(be, np.reshape(np.array([5]), []), 5);
    expect(np.reshape(np.zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });
});

describeEachBackend('transpose, swapaxes, moveaxis', (be) => {
  it('default reverses axes; explicit and negative permutations', async () => {
    const x = a234.array();
    await exact(be, np.transpose(x), permuted([2, 1, 0]));
    await exact(be, np.transpose(x, [1, 0, 2]), permuted([1, 0, 2]));
    await exact(be, np.transpose(x, [-1, 0, 1]), permuted([2, 0, 1]));
    await exact(be, x.transpose(2, 0, 1), permuted([2, 0, 1]));
    await exact(be, np.array([[1, 2, 3]]).T, [[1], [2], [3]]);
    await exact(be, np.transpose(np.array([1, 2])), [1, 2]);
  });

  it('swapaxes', async () => {
    await exact(be, np.swapaxes(a234.array(), 0, 2), permuted([2, 1, 0]));
    await exact(be, np.swapaxes(a234.array(), -1, 1), permuted([0, 2, 1]));
  });

  it('moveaxis with single and multiple axes', async () => {
    await exact(be, np.moveaxis(a234.array(), 0, -1), permuted([1, 2, 0]));
    await exact(be, np.moveaxis(a234.array(), -1, 0), permuted([2, 0, 1]));
    await exact(be, np.moveaxis(a234.array(), [0, 1], [-1, -2]), permuted([2, 1, 0]));
    await exact(be, np.moveaxis(a234.array(), [2, 0], [0, 1]), permuted([2, 0, 1]));
  });
});

describeEachBackend('squeeze / expandDims / broadcastTo', (be) => {
  it('squeeze all, one, or negative axes', async () => {
    const x = np.arange(6).reshape(1, 2, 1, 3);
    await exact(be, np.squeeze(x), [[0, 1, 2], [3, 4, 5]]);
    expect(np.squeeze(x, 0).shape).toEqual([2, 1, 3]);
    expect(np.squeeze(x, -2).shape).toEqual([1, 2, 3]);
    expect(x.squeeze([0, 2]).shape).toEqual([2, 3]);
    await exact(be, np.squeeze(np.array([[7]])), 7);
  });

  it('expandDims positions refer to the result (negative counts from its end)', async () => {
    const y = np.array([[1, 2, 3], [4, 5, 6]]);
    expect(np.expandDims(y, 0).shape).toEqual([1, 2, 3]);
    expect(np.expandDims(y, 1).shape).toEqual([2, 1, 3]);
    expect(np.expandDims(y, -1).shape).toEqual([2, 3, 1]);
    expect(np.expandDims(y, -2).shape).toEqual([2, 1, 3]);
    expect(np.expandDims(y, [0, -1]).shape).toEqual([1, 2, 3, 1]);
    expect(y.expandDims([1, 3]).shape).toEqual([2, 1, 3, 1]);
    await exact(be, np.expandDims(y, 1), [[[1, 2, 3]], [[4, 5, 6]]]);
  });

  it('broadcastTo prepends and stretches size-1 axes', async () => {
    await exact(be, np.broadcastTo(np.array([1, 2, 3]), [2, 3]), [[1, 2, 3], [1, 2, 3]]);
    await exact(be, np.broadcastTo(i32([[1], [2]]), [2, 2, 3]), [[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]], 'int32');
    await exact(be, np.broadcastTo(np.array(4), [2]), [4, 4]);
    await exact(be, np.array([1, 2]).broadcastTo([1, 2]), [[1, 2]]);
  });
});

describeEachBackend('joining', (be) => {
  const a = Ref.fromFn([2, 3], ([i, j]) => 10 * i + j);
  const b = Ref.fromFn([2, 2], ([i, j]) => 100 + 10 * i + j);
  it('concatenate along each axis, negative axis, and axis=null (flatten)', async () => {
    await exact(be, np.concatenate([a.array(), a.array()], 0), [[0, 1, 2], [10, 11, 12], [0, 1, 2], [10, 11, 12]]);
    await exact(be, np.concatenate([a.array(), b.array()], 1), [[0, 1, 2, 100, 101], [10, 11, 12, 110, 111]]);
    await exact(be, np.concatenate([a.array(), b.array()], -1), [[0, 1, 2, 100, 101], [10, 11, 12, 110, 111]]);
    await exact(be, np.concatenate([a.array(), b.array(), np.array([7])], null), [...a.data, ...b.data, 7]);
    await exact(be, np.concatenate([np.array([1, 2])]), [1, 2]);
  });

  it('concatenate promotes dtypes', async () => {
    await close(be, np.concatenate([i32([1, 2]), np.array([0.5])]), [1, 2, 0.5], { dtype: 'float64' });
    await exact(be, np.concatenate([np.array([true]), i32([3])]), [1, 3], 'int32');
  });

  it('stack along new axes', async () => {
    const u = np.array([1, 2, 3]);
    const v = np.array([4, 5, 6]);
    await exact(be, np.stack([u, v]), [[1, 2, 3], [4, 5, 6]]);
    await exact(be, np.stack([u, v], 1), [[1, 4], [2, 5], [3, 6]]);
    await exact(be, np.stack([u, v], -1), [[1, 4], [2, 5], [3, 6]]);
    expect(np.stack([a.array(), a.array(), a.array()], 1).shape).toEqual([2, 3, 3]);
    await exact(be, np.stack([np.array(1), np.array(2)]), [1, 2]);
  });

  it('vstack / hstack', async () => {
    await exact(be, np.vstack([np.array([1, 2]), np.array([3, 4])]), [[1, 2], [3, 4]]);
    await exact(be, np.vstack([a.array(), np.array([7, 8, 9])]), [[0, 1, 2], [10, 11, 12], [7, 8, 9]]);
    await exact(be, np.hstack([np.array([1, 2]), np.array([3])]), [1, 2, 3]);
    await exact(be, np.hstack([a.array(), b.array()]), [[0, 1, 2, 100, 101], [10, 11, 12, 110, 111]]);
  });
});

describeEachBackend('flip / tile / repeat / pad', (be) => {
  it('flip one, several or all axes', async () => {
    const x = a234.array();
    await exact(be, np.flip(x, 0), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([1 - i, j, k])).nested());
    await exact(be, np.flip(x, -1), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([i, j, 3 - k])).nested());
    await exact(be, np.flip(x, [0, 2]), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([1 - i, j, 3 - k])).nested());
    await exact(be, np.flip(x), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([1 - i, 2 - j, 3 - k])).nested());
  });

  it('tile', async () => {
    await exact(be, np.tile(np.array([1, 2, 3]), 2), [1, 2, 3, 1, 2, 3]);
    await exact(be, np.tile(np.array([[1, 2], [3, 4]]), [2, 3]), Ref.fromFn([4, 6], ([i, j]) => [[1, 2], [3, 4]][i % 2][j % 2]).nested());
    await exact(be, np.tile(i32([1, 2]), [2, 1, 2]), [[[1, 2, 1, 2]], [[1, 2, 1, 2]]], 'int32');
    await exact(be, np.tile(np.array([[1, 2]]), 2), [[1, 2, 1, 2]]);
    expect(np.tile(np.array([1, 2]), 0).shape).toEqual([0]);
  });

  it('repeat flattened and along an axis', async () => {
    await exact(be, np.repeat(np.array([[1, 2], [3, 4]]), 2), [1, 1, 2, 2, 3, 3, 4, 4]);
    await exact(be, np.repeat(np.array([[1, 2], [3, 4]]), 3, 1), [[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]);
    await exact(be, np.repeat(np.array([[1, 2], [3, 4]]), 2, 0), [[1, 2], [1, 2], [3, 4], [3, 4]]);
    await exact(be, np.repeat(i32([5, 6]), 2, -1), [5, 5, 6, 6], 'int32');
  });

  it('pad with constant values', async () => {
    await exact(be, np.pad(i32([1, 2, 3]), 2), [0, 0, 1, 2, 3, 0, 0], 'int32');
    await exact(be, np.pad(np.array([1, 2]), [1, 3], { constantValues: 9 }), [9, 1, 2, 9, 9, 9]);
    const m = Ref.fromFn([2, 2], ([i, j]) => 1 + 2 * i + j);
    const padded = np.pad(m.array(), [[1, 0], [0, 2]], { constantValues: -1 });
    await exact(be, padded, Ref.fromFn([3, 4], ([i, j]) => (i >= 1 && j < 2 ? m.at([i - 1, j]) : -1)).nested());
  });
});

describeEachBackend('astype', (be) => {
  it('float -> int32 truncates toward zero', async () => {
    await exact(be, np.array([1.7, -1.7, 2.5, -0.5, 0.99, -2]).astype('int32'), [1, -1, 2, 0, 0, -2], 'int32');
    await exact(be, f32([3.9, -3.9]).astype('int32'), [3, -3], 'int32');
  });

  it('-> bool is x != 0 (NaN is true, as in numpy)', async () => {
    await exact(be, np.array([0, 0.1, -2, NaN, -0]).astype('bool'), [false, true, true, true, false], 'bool');
    await exact(be, i32([0, 5, -1]).astype('bool'), [false, true, true], 'bool');
  });

  it('bool/int -> float', async () => {
    await exact(be, np.array([true, false]).astype(be.dtype), [1, 0], be.dtype);
    await exact(be, np.array([true, false]).astype('int32'), [1, 0], 'int32');
    await exact(be, i32([-3, 2 ** 30]).astype('float32'), [-3, 2 ** 30], 'float32');
  });

  it('atLeast1d / atLeast2d', async () => {
    expect(np.atLeast1d(np.array(3)).shape).toEqual([1]);
    expect(np.atLeast2d(np.array([1, 2])).shape).toEqual([1, 2]);
    expect(np.atLeast2d(np.array(3)).shape).toEqual([1, 1]);
  });
});

// CPU-only: conversions to and from float64, which only a float64 device holds.
describe('astype (float64)', () => {
  it('bool -> float64, float64 -> float32 rounds, float32 -> float64 is exact', () => {
    expectExact(np.array([true, false]).astype('float64'), [1, 0], 'float64');
    const y = np.array([0.1, 1 / 3]).astype('float32');
    expect(globalThis.Array.from(y.dataSync())).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(np.astype(y, 'float64').dataSync()[0]).toBe(Math.fround(0.1));
  });
});

describe('np.broadcastShapes', () => {
  // It once took an internal label first, so [1, 2] was read as a name and [3, 1] returned.
  it('takes only shapes, as numpy does, and names itself in errors', () => {
    expect(np.broadcastShapes([1, 2], [3, 1])).toEqual([3, 2]);
    expect(np.broadcastShapes([5, 1, 4], [3, 1])).toEqual([5, 3, 4]);
    expect(() => np.broadcastShapes([2], [3])).toThrow(/np\.broadcastShapes: shapes \[2\], \[3\] cannot be broadcast/);
  });
});
