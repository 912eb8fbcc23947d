/** np shape ops: reshape, transpose, axes moves, squeeze/expandDims, broadcast, joins, flip, tile, repeat, pad, astype. */
import { describe, expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { Ref, expectClose, expectExact, f32, i32, range } from './numpy-helpers.js';

const a234 = Ref.fromFn([2, 3, 4], ([i, j, k]) => 100 * i + 10 * j + k);
const permuted = (perm: number[]) =>
  Ref.fromFn(perm.map((p) => a234.shape[p]), (idx) => {
    const src = [0, 0, 0];
    perm.forEach((p, d) => (src[p] = idx[d]));
    return a234.at(src);
  }).nested();

describe('reshape / ravel', () => {
  it('keeps row-major order; -1 is inferred', () => {
    const x = np.arange(12);
    expectExact(np.reshape(x, [3, 4]), [range(4), range(4, 4), range(4, 8)], 'int32');
    expectExact(np.reshape(x, [2, -1]), [range(6), range(6, 6)]);
    expectExact(np.reshape(x, [-1, 3, 2]).reshape(-1), range(12));
    expect(np.reshape(x, [2, 2, -1]).shape).toEqual([2, 2, 3]);
    expectExact(x.reshape(4, 3), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
    expectExact(x.reshape([1, 12]).ravel(), range(12));
    expectExact(np.ravel(a234.array()), a234.data);
    expectExact(np.reshape(np.array([5]), []), 5);
    expect(np.reshape(np.zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });
});

describe('transpose, swapaxes, moveaxis', () => {
  it('default reverses axes; explicit and negative permutations', () => {
    const x = a234.array();
    expectExact(np.transpose(x), permuted([2, 1, 0]));
    expectExact(np.transpose(x, [1, 0, 2]), permuted([1, 0, 2]));
    expectExact(np.transpose(x, [-1, 0, 1]), permuted([2, 0, 1]));
    expectExact(x.transpose(2, 0, 1), permuted([2, 0, 1]));
    expectExact(np.array([[1, 2, 3]]).T, [[1], [2], [3]]);
    expectExact(np.transpose(np.array([1, 2])), [1, 2]);
  });

  it('swapaxes', () => {
    expectExact(np.swapaxes(a234.array(), 0, 2), permuted([2, 1, 0]));
    expectExact(np.swapaxes(a234.array(), -1, 1), permuted([0, 2, 1]));
  });

  it('moveaxis with single and multiple axes', () => {
    expectExact(np.moveaxis(a234.array(), 0, -1), permuted([1, 2, 0]));
    expectExact(np.moveaxis(a234.array(), -1, 0), permuted([2, 0, 1]));
    expectExact(np.moveaxis(a234.array(), [0, 1], [-1, -2]), permuted([2, 1, 0]));
    expectExact(np.moveaxis(a234.array(), [2, 0], [0, 1]), permuted([2, 0, 1]));
  });
});

describe('squeeze / expandDims / broadcastTo', () => {
  const x = np.arange(6).reshape(1, 2, 1, 3);
  it('squeeze all, one, or negative axes', () => {
    expectExact(np.squeeze(x), [[0, 1, 2], [3, 4, 5]]);
    expect(np.squeeze(x, 0).shape).toEqual([2, 1, 3]);
    expect(np.squeeze(x, -2).shape).toEqual([1, 2, 3]);
    expect(x.squeeze([0, 2]).shape).toEqual([2, 3]);
    expectExact(np.squeeze(np.array([[7]])), 7);
  });

  it('expandDims positions refer to the result (negative counts from its end)', () => {
    const y = np.array([[1, 2, 3], [4, 5, 6]]);
    expect(np.expandDims(y, 0).shape).toEqual([1, 2, 3]);
    expect(np.expandDims(y, 1).shape).toEqual([2, 1, 3]);
    expect(np.expandDims(y, -1).shape).toEqual([2, 3, 1]);
    expect(np.expandDims(y, -2).shape).toEqual([2, 1, 3]);
    expect(np.expandDims(y, [0, -1]).shape).toEqual([1, 2, 3, 1]);
    expect(y.expandDims([1, 3]).shape).toEqual([2, 1, 3, 1]);
    expectExact(np.expandDims(y, 1), [[[1, 2, 3]], [[4, 5, 6]]]);
  });

  it('broadcastTo prepends and stretches size-1 axes', () => {
    expectExact(np.broadcastTo(np.array([1, 2, 3]), [2, 3]), [[1, 2, 3], [1, 2, 3]]);
    expectExact(np.broadcastTo(i32([[1], [2]]), [2, 2, 3]), [[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]], 'int32');
    expectExact(np.broadcastTo(np.array(4), [2]), [4, 4]);
    expectExact(np.array([1, 2]).broadcastTo([1, 2]), [[1, 2]]);
  });
});

describe('joining', () => {
  const a = Ref.fromFn([2, 3], ([i, j]) => 10 * i + j);
  const b = Ref.fromFn([2, 2], ([i, j]) => 100 + 10 * i + j);
  it('concatenate along each axis, negative axis, and axis=null (flatten)', () => {
    expectExact(np.concatenate([a.array(), a.array()], 0), [[0, 1, 2], [10, 11, 12], [0, 1, 2], [10, 11, 12]]);
    expectExact(np.concatenate([a.array(), b.array()], 1), [[0, 1, 2, 100, 101], [10, 11, 12, 110, 111]]);
    expectExact(np.concatenate([a.array(), b.array()], -1), [[0, 1, 2, 100, 101], [10, 11, 12, 110, 111]]);
    expectExact(np.concatenate([a.array(), b.array(), np.array([7])], null), [...a.data, ...b.data, 7]);
    expectExact(np.concatenate([np.array([1, 2])]), [1, 2]);
  });

  it('concatenate promotes dtypes', () => {
    expectClose(np.concatenate([i32([1, 2]), np.array([0.5])]), [1, 2, 0.5], { dtype: 'float64' });
    expectExact(np.concatenate([np.array([true]), i32([3])]), [1, 3], 'int32');
  });

  it('stack along new axes', () => {
    const u = np.array([1, 2, 3]);
    const v = np.array([4, 5, 6]);
    expectExact(np.stack([u, v]), [[1, 2, 3], [4, 5, 6]]);
    expectExact(np.stack([u, v], 1), [[1, 4], [2, 5], [3, 6]]);
    expectExact(np.stack([u, v], -1), [[1, 4], [2, 5], [3, 6]]);
    expect(np.stack([a.array(), a.array(), a.array()], 1).shape).toEqual([2, 3, 3]);
    expectExact(np.stack([np.array(1), np.array(2)]), [1, 2]);
  });

  it('vstack / hstack', () => {
    expectExact(np.vstack([np.array([1, 2]), np.array([3, 4])]), [[1, 2], [3, 4]]);
    expectExact(np.vstack([a.array(), np.array([7, 8, 9])]), [[0, 1, 2], [10, 11, 12], [7, 8, 9]]);
    expectExact(np.hstack([np.array([1, 2]), np.array([3])]), [1, 2, 3]);
    expectExact(np.hstack([a.array(), b.array()]), [[0, 1, 2, 100, 101], [10, 11, 12, 110, 111]]);
  });
});

describe('flip / tile / repeat / pad', () => {
  it('flip one, several or all axes', () => {
    const x = a234.array();
    expectExact(np.flip(x, 0), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([1 - i, j, k])).nested());
    expectExact(np.flip(x, -1), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([i, j, 3 - k])).nested());
    expectExact(np.flip(x, [0, 2]), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([1 - i, j, 3 - k])).nested());
    expectExact(np.flip(x), Ref.fromFn([2, 3, 4], ([i, j, k]) => a234.at([1 - i, 2 - j, 3 - k])).nested());
  });

  it('tile', () => {
    expectExact(np.tile(np.array([1, 2, 3]), 2), [1, 2, 3, 1, 2, 3]);
    expectExact(np.tile(np.array([[1, 2], [3, 4]]), [2, 3]), Ref.fromFn([4, 6], ([i, j]) => [[1, 2], [3, 4]][i % 2][j % 2]).nested());
    expectExact(np.tile(i32([1, 2]), [2, 1, 2]), [[[1, 2, 1, 2]], [[1, 2, 1, 2]]], 'int32');
    expectExact(np.tile(np.array([[1, 2]]), 2), [[1, 2, 1, 2]]);
    expect(np.tile(np.array([1, 2]), 0).shape).toEqual([0]);
  });

  it('repeat flattened and along an axis', () => {
    expectExact(np.repeat(np.array([[1, 2], [3, 4]]), 2), [1, 1, 2, 2, 3, 3, 4, 4]);
    expectExact(np.repeat(np.array([[1, 2], [3, 4]]), 3, 1), [[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]);
    expectExact(np.repeat(np.array([[1, 2], [3, 4]]), 2, 0), [[1, 2], [1, 2], [3, 4], [3, 4]]);
    expectExact(np.repeat(i32([5, 6]), 2, -1), [5, 5, 6, 6], 'int32');
  });

  it('pad with constant values', () => {
    expectExact(np.pad(i32([1, 2, 3]), 2), [0, 0, 1, 2, 3, 0, 0], 'int32');
    expectExact(np.pad(np.array([1, 2]), [1, 3], { constantValues: 9 }), [9, 1, 2, 9, 9, 9]);
    const m = Ref.fromFn([2, 2], ([i, j]) => 1 + 2 * i + j);
    const padded = np.pad(m.array(), [[1, 0], [0, 2]], { constantValues: -1 });
    expectExact(padded, Ref.fromFn([3, 4], ([i, j]) => (i >= 1 && j < 2 ? m.at([i - 1, j]) : -1)).nested());
  });
});

describe('astype', () => {
  it('float -> int32 truncates toward zero', () => {
    expectExact(np.array([1.7, -1.7, 2.5, -0.5, 0.99, -2]).astype('int32'), [1, -1, 2, 0, 0, -2], 'int32');
    expectExact(f32([3.9, -3.9]).astype('int32'), [3, -3], 'int32');
  });

  it('-> bool is x != 0 (NaN is true, as in numpy)', () => {
    expectExact(np.array([0, 0.1, -2, NaN, -0]).astype('bool'), [false, true, true, true, false], 'bool');
    expectExact(i32([0, 5, -1]).astype('bool'), [false, true, true], 'bool');
  });

  it('bool/int -> float, float64 -> float32 rounds', () => {
    expectExact(np.array([true, false]).astype('float64'), [1, 0], 'float64');
    expectExact(np.array([true, false]).astype('int32'), [1, 0], 'int32');
    expectExact(i32([-3, 2 ** 30]).astype('float32'), [-3, 2 ** 30], 'float32');
    const y = np.array([0.1, 1 / 3]).astype('float32');
    expect(globalThis.Array.from(y.dataSync())).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(np.astype(y, 'float64').dataSync()[0]).toBe(Math.fround(0.1));
  });

  it('atLeast1d / atLeast2d', () => {
    expect(np.atLeast1d(np.array(3)).shape).toEqual([1]);
    expect(np.atLeast2d(np.array([1, 2])).shape).toEqual([1, 2]);
    expect(np.atLeast2d(np.array(3)).shape).toEqual([1, 1]);
  });
});
