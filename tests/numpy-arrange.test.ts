/**
 * lib/numpy/arrange.ts against numpy 2.4: every expected array below was printed by numpy and pasted
 * here; gradients are checked against central differences in float64, jit and vmap against eager.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, np, vmap } from '../lib/index.js';
import type { Array as Arr } from '../lib/index.js';
import {
  append, arraySplit, columnStack, cross, diag, diagIndices, diagflat, dsplit, dstack, geomspace, hsplit, indices, kron,
  logspace, matrixTranspose, matvec, meshgrid, roll, rot90, split, trilIndices, triuIndices, vander, vecmat, vsplit,
} from '../lib/numpy/arrange.js';

const x34 = np.arange(12).astype('float64').reshape(3, 4);
const y234 = np.arange(24).reshape(2, 3, 4);
/** Reproducible, non-integer test values of a given shape (float64). */
const vals = (shape: number[], seed = 1): Arr => {
  const n = shape.reduce((p, d) => p * d, 1);
  return np.array(Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 1.7 + i * 0.9) + 0.3 * seed), { shape });
};

function expectClose(got: Arr, want: number[], tol = 1e-12): void {
  const g = Array.from(got.dataSync());
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
}

/** grad of a weighted sum of f(x), compared entry by entry with a central difference. */
function checkGrad(f: (x: Arr) => Arr, x: Arr): void {
  const w = vals(f(x).shape, 7);
  const loss = (z: Arr): Arr => np.sum(np.multiply(f(z), w));
  const g = Array.from((grad(loss)(x) as Arr).dataSync());
  const base = Float64Array.from(x.dataSync());
  const eps = 1e-6;
  const at = (i: number, d: number): number => {
    const b = Float64Array.from(base);
    b[i] += d;
    return loss(np.array(b, { shape: [...x.shape] })).item();
  };
  expect(g.length).toBe(base.length);
  for (let i = 0; i < base.length; i++) {
    const fd = (at(i, eps) - at(i, -eps)) / (2 * eps);
    expect(Math.abs(g[i] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
  }
}

/** jit(f)(x) equals f(x), and vmap(f) over a stack of inputs equals f of each. */
function checkJitVmap(f: (x: Arr) => Arr, x: Arr): void {
  const eager = f(x);
  const jitted = jit(f)(x) as Arr;
  expect(jitted.shape).toEqual(eager.shape);
  expectClose(jitted, Array.from(eager.dataSync()));
  const xs = np.stack([x, np.multiply(x, 2), np.subtract(x, 1)]);
  const batched = vmap(f)(xs) as Arr;
  const each = np.stack([f(x), f(np.multiply(x, 2)), f(np.subtract(x, 1))]);
  expect(batched.shape).toEqual(each.shape);
  expectClose(batched, Array.from(each.dataSync()));
}

const transformsHold = (f: (x: Arr) => Arr, x: Arr): void => { checkGrad(f, x); checkJitVmap(f, x); };

describe('roll', () => {
  it('matches numpy for flat, per-axis, negative, multiple and repeated shifts', () => {
    expect(roll(np.arange(5), 2).js()).toEqual([3, 4, 0, 1, 2]);
    expect(roll(np.arange(5), -7).js()).toEqual([2, 3, 4, 0, 1]);
    expect(roll(x34, 5).js()).toEqual([[7, 8, 9, 10], [11, 0, 1, 2], [3, 4, 5, 6]]);
    expect(roll(x34, -1, -1).js()).toEqual([[1, 2, 3, 0], [5, 6, 7, 4], [9, 10, 11, 8]]);
    expect(roll(x34, [1, -2], [0, 1]).js()).toEqual([[10, 11, 8, 9], [2, 3, 0, 1], [6, 7, 4, 5]]);
    // a repeated axis adds its shifts (1 + 2 = 3 = -1 mod 4)
    expect(roll(x34, [1, 2], [1, 1]).js()).toEqual([[1, 2, 3, 0], [5, 6, 7, 4], [9, 10, 11, 8]]);
    // a list of shifts with no axis rolls the flattened array by their sum
    expect(roll(x34, [1, 2]).js()).toEqual([[9, 10, 11, 0], [1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(roll(np.zeros([0, 3]), 2, 0).shape).toEqual([0, 3]);
    expect(roll(x34, 4, 1).js()).toEqual(x34.js());
  });
  it('is differentiable, jittable and vmappable', () => {
    transformsHold((x) => roll(x, [1, -2], [0, 1]), vals([3, 4]));
    transformsHold((x) => roll(x, 5), vals([3, 4]));
  });
  it('rejects bad axes and mismatched shift/axis lists', () => {
    expect(() => roll(x34, 1, 2)).toThrow(/np\.roll: axis 2 is out of bounds.*valid axes are -2 to 1/);
    expect(() => roll(x34, [1, 2, 3], [0, 1])).toThrow(/np\.roll: shift \[1,2,3\] and axis \[0,1\] must have the same length/);
    expect(() => roll(x34, 1.5, 0)).toThrow(/np\.roll: shift must be an integer.*whole number/);
  });
});

describe('rot90', () => {
  it('matches numpy for k = 1, 2, 3, -1 and other axes', () => {
    expect(rot90(x34).js()).toEqual([[3, 7, 11], [2, 6, 10], [1, 5, 9], [0, 4, 8]]);
    expect(rot90(x34, 2).js()).toEqual([[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]);
    const k3 = [[8, 4, 0], [9, 5, 1], [10, 6, 2], [11, 7, 3]];
    expect(rot90(x34, 3).js()).toEqual(k3);
    expect(rot90(x34, -1).js()).toEqual(k3);
    expect(rot90(x34, 4).js()).toEqual(x34.js());
    expect(rot90(y234, 1, [2, 0]).js()).toEqual([[[12, 0], [16, 4], [20, 8]], [[13, 1], [17, 5], [21, 9]], [[14, 2], [18, 6], [22, 10]], [[15, 3], [19, 7], [23, 11]]]);
    expect(rot90(y234, 1, [-1, 1]).js()).toEqual([[[8, 4, 0], [9, 5, 1], [10, 6, 2], [11, 7, 3]], [[20, 16, 12], [21, 17, 13], [22, 18, 14], [23, 19, 15]]]);
  });
  it('is differentiable, jittable and vmappable', () => {
    transformsHold((x) => rot90(x), vals([2, 3]));
    transformsHold((x) => rot90(x, 3, [1, 0]), vals([2, 3]));
  });
  it('rejects equal axes, 1-D input and bad axes', () => {
    expect(() => rot90(x34, 1, [1, -1])).toThrow(/np\.rot90: axes \[1,-1\] name the same axis.*two different axes/);
    expect(() => rot90(np.arange(3))).toThrow(/np\.rot90: the array must be at least 2-D.*np\.flip/);
    expect(() => rot90(x34, 1, [0, 2])).toThrow(/np\.rot90: axis 2 is out of bounds/);
  });
});

describe('split, arraySplit, hsplit, vsplit, dsplit', () => {
  const js = (xs: Arr[]) => xs.map((a) => a.js());
  it('split into equal sections or at indices (empty and negative pieces as numpy)', () => {
    expect(js(split(np.arange(6), 3))).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(js(split(np.arange(8), [3, 5, 6, 10]))).toEqual([[0, 1, 2], [3, 4], [5], [6, 7], []]);
    expect(js(split(np.arange(8), [-3, 2]))).toEqual([[0, 1, 2, 3, 4], [], [2, 3, 4, 5, 6, 7]]);
    expect(js(split(x34, 2, -1))).toEqual([[[0, 1], [4, 5], [8, 9]], [[2, 3], [6, 7], [10, 11]]]);
  });
  it('arraySplit gives the first pieces one extra element, and empty pieces past the end', () => {
    expect(js(arraySplit(np.arange(7), 3))).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
    expect(js(arraySplit(np.arange(2), 4))).toEqual([[0], [1], [], []]);
    expect(js(arraySplit(x34, 3, 1))).toEqual([[[0, 1], [4, 5], [8, 9]], [[2], [6], [10]], [[3], [7], [11]]]);
  });
  it('hsplit, vsplit and dsplit pick axes 1 (0 for 1-D), 0 and 2', () => {
    expect(js(hsplit(np.arange(6), 2))).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(js(hsplit(x34, [1, 3]))).toEqual([[[0], [4], [8]], [[1, 2], [5, 6], [9, 10]], [[3], [7], [11]]]);
    expect(js(vsplit(np.arange(12).reshape(4, 3), 2))).toEqual([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]);
    expect(js(dsplit(y234, [1, 3]))).toEqual([
      [[[0], [4], [8]], [[12], [16], [20]]],
      [[[1, 2], [5, 6], [9, 10]], [[13, 14], [17, 18], [21, 22]]],
      [[[3], [7], [11]], [[15], [19], [23]]],
    ]);
  });
  it('is differentiable, jittable and vmappable', () => {
    const f = (x: Arr) => { const [a, b, c] = arraySplit(x, 3, 1); return np.concatenate([np.multiply(a, 2), np.sin(b), np.multiply(c, c)], 1); };
    transformsHold(f, vals([2, 4]));
    transformsHold((x) => { const [a, b] = split(x, [1], 0); return np.add(np.sum(a), np.multiply(b, 3)); }, vals([3, 2]));
  });
  it('rejects unequal division, zero sections, bad axes and low ranks', () => {
    expect(() => split(np.arange(7), 3)).toThrow(/np\.split: array split does not result in an equal division.*size 7 into 3.*np\.arraySplit/);
    expect(() => arraySplit(np.arange(7), 0)).toThrow(/np\.arraySplit: the number of sections must be larger than 0/);
    expect(() => split(x34, 2, 2)).toThrow(/np\.split: axis 2 is out of bounds/);
    expect(() => vsplit(np.arange(4), 2)).toThrow(/np\.vsplit: only works on arrays of 2 or more dimensions.*np\.split/);
    expect(() => dsplit(x34, 2)).toThrow(/np\.dsplit: only works on arrays of 3 or more dimensions/);
    expect(() => hsplit(np.array(1), 1)).toThrow(/np\.hsplit: only works on arrays of 1 or more dimensions/);
  });
});

describe('dstack, columnStack, append', () => {
  it('dstack makes inputs 3-D as numpy atleast_3d does', () => {
    expect(dstack([np.array([1, 2, 3]), np.array([4, 5, 6])]).js()).toEqual([[[1, 4], [2, 5], [3, 6]]]);
    expect(dstack([np.array([[1], [2]]), np.array([[3], [4]])]).js()).toEqual([[[1, 3]], [[2, 4]]]);
    expect(dstack([np.ones([2, 2, 1]), np.zeros([2, 2, 2])]).shape).toEqual([2, 2, 3]);
    expect(dstack([1, 2]).js()).toEqual([[[1, 2]]]);
  });
  it('columnStack turns 1-D inputs into columns', () => {
    expect(columnStack([np.array([1, 2, 3]), np.array([[4, 5], [6, 7], [8, 9]])]).js()).toEqual([[1, 4, 5], [2, 6, 7], [3, 8, 9]]);
  });
  it('append flattens without an axis and joins along one with it', () => {
    expect(append(np.array([1, 2, 3]), np.array([[4, 5, 6], [7, 8, 9]])).js()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(append(np.array([[1, 2, 3], [4, 5, 6]]), np.array([[7, 8, 9]]), 0).js()).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(append(np.array([[1, 2, 3], [4, 5, 6]]), np.array([[7], [8]]), -1).js()).toEqual([[1, 2, 3, 7], [4, 5, 6, 8]]);
  });
  it('is differentiable, jittable and vmappable', () => {
    const other = vals([2, 3], 3);
    transformsHold((x) => dstack([x, np.multiply(other, x)]), vals([2, 3]));
    transformsHold((x) => append(np.multiply(x, x), other, 0), vals([1, 3]));
    transformsHold((x) => append(x, other), vals([4]));
    checkJitVmap((x) => columnStack([x, np.sin(x)]), vals([3]));
  });
  it('rejects mismatched ranks and shapes naming the fix', () => {
    expect(() => append(x34, np.arange(4), 0)).toThrow(/np\.append: with an axis.*same number of dimensions.*omit the axis/);
    expect(() => append(x34, np.zeros([1, 3]), 0)).toThrow(/np\.append: shapes \[3,4\] and \[1,3\] must match except on axis 0/);
    expect(() => append(x34, x34, 2)).toThrow(/np\.append: axis 2 is out of bounds/);
    expect(() => dstack([])).toThrow(/np\.dstack: need at least one array/);
    expect(() => dstack([np.zeros([2, 2]), np.zeros([3, 2])])).toThrow(/np\.dstack: the arrays \(as shapes \[2,2,1\], \[3,2,1\]\) must match on every axis but 2/);
    expect(() => columnStack([np.zeros([2]), np.zeros([3])])).toThrow(/np\.columnStack: .*\[2,1\], \[3,1\].*must match on every axis but 1/);
  });
});

describe('diag, diagflat, diagIndices, trilIndices, triuIndices', () => {
  it('diag builds a matrix from a vector, with k offsets', () => {
    expect(diag(np.array([1, 2, 3])).js()).toEqual([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    expect(diag(np.array([1, 2]), 1).js()).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(diag(np.array([1, 2]), -2).js()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0]]);
    expect(diag(np.array([1, 2], { dtype: 'int32' })).dtype).toBe('int32');
  });
  it('diag takes a diagonal of a (non-square) matrix', () => {
    expect(diag(x34).js()).toEqual([0, 5, 10]);
    expect(diag(x34, 1).js()).toEqual([1, 6, 11]);
    expect(diag(x34, -1).js()).toEqual([4, 9]);
    expect(diag(x34, 5).js()).toEqual([]);
  });
  it('diagflat flattens first', () => {
    expect(diagflat(np.array([[1, 2], [3, 4]])).js()).toEqual([[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]);
    expect(diagflat(np.array([1, 2]), -1).js()).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
  });
  it('index helpers return int32 arrays as numpy (which uses int64)', () => {
    expect(diagIndices(3).map((a) => a.js())).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(diagIndices(2, 3).map((a) => a.js())).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(diagIndices(2)[0].dtype).toBe('int32');
    expect(trilIndices(3).map((a) => a.js())).toEqual([[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]);
    expect(trilIndices(3, -1, 4).map((a) => a.js())).toEqual([[1, 2, 2], [0, 0, 1]]);
    expect(trilIndices(2, 1, 4).map((a) => a.js())).toEqual([[0, 0, 1, 1, 1], [0, 1, 0, 1, 2]]);
    expect(triuIndices(3).map((a) => a.js())).toEqual([[0, 0, 0, 1, 1, 2], [0, 1, 2, 1, 2, 2]]);
    expect(triuIndices(3, 1, 4).map((a) => a.js())).toEqual([[0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3]]);
    expect(triuIndices(4, -1, 2).map((a) => a.js())).toEqual([[0, 0, 1, 1, 2], [0, 1, 0, 1, 1]]);
    expect(triuIndices(3)[1].dtype).toBe('int32');
  });
  it('is differentiable, jittable and vmappable', () => {
    transformsHold((v) => diag(v, 1), vals([3]));
    transformsHold((v) => diag(v, -1), vals([3]));
    transformsHold((m) => diag(m, 1), vals([3, 4]));
    checkJitVmap((v) => diagflat(v, 1), vals([2, 2]));
  });
  it('rejects 3-D input naming np.diagflat', () => {
    expect(() => diag(np.zeros([2, 2, 2]))).toThrow(/np\.diag: input must be 1-D or 2-D, got shape \[2,2,2\].*np\.diagflat/);
  });
});

describe('meshgrid, indices', () => {
  it("meshgrid: 'xy' swaps the first two axes, 'ij' does not", () => {
    const xs = np.array([1, 2, 3]);
    const ys = np.array([4, 5]);
    expect(meshgrid(xs, ys).map((a) => a.js())).toEqual([[[1, 2, 3], [1, 2, 3]], [[4, 4, 4], [5, 5, 5]]]);
    expect(meshgrid(xs, ys, { indexing: 'ij' }).map((a) => a.js())).toEqual([[[1, 1], [2, 2], [3, 3]], [[4, 5], [4, 5], [4, 5]]]);
    expect(meshgrid(xs, ys, np.arange(4)).map((a) => a.shape)).toEqual([[2, 3, 4], [2, 3, 4], [2, 3, 4]]);
    expect(meshgrid(np.array([1, 2]), np.array([3, 4, 5]), np.array([6, 7])).map((a) => a.js())).toEqual([
      [[[1, 1], [2, 2]], [[1, 1], [2, 2]], [[1, 1], [2, 2]]],
      [[[3, 3], [3, 3]], [[4, 4], [4, 4]], [[5, 5], [5, 5]]],
      [[[6, 7], [6, 7]], [[6, 7], [6, 7]], [[6, 7], [6, 7]]],
    ]);
    expect(meshgrid(xs).map((a) => a.js())).toEqual([[1, 2, 3]]);
  });
  it('indices stacks one index grid per axis', () => {
    expect(indices([2, 3]).js()).toEqual([[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]);
    expect(indices([2, 0, 3]).shape).toEqual([3, 2, 0, 3]);
    expect(indices([2, 3]).dtype).toBe('int32');
  });
  it('meshgrid is differentiable (its gradient sums the copies), jittable and vmappable', () => {
    const f = (x: Arr) => { const [a, b] = meshgrid(x, np.multiply(x, x)); return np.multiply(a, b); };
    transformsHold(f, vals([3]));
  });
  it('rejects an unknown indexing and unwrapped JS data', () => {
    expect(() => meshgrid(np.arange(2), { indexing: 'yx' as 'xy' })).toThrow(/np\.meshgrid: indexing must be 'xy' or 'ij', got "yx"/);
    expect(() => meshgrid(np.arange(2), [1, 2] as unknown as Arr)).toThrow(/wrap data with np\.array/);
    expect(() => indices([2, -1])).toThrow(/np\.indices: dims \[2,-1\] must be non-negative integers/);
  });
});

describe('logspace, geomspace', () => {
  it('logspace is base ** linspace', () => {
    expectClose(logspace(0, 3, 4), [1.0, 10.0, 100.0, 1000.0]);
    expectClose(logspace(0, 3, 4, { base: 2, endpoint: false }), [1.0, 1.681792830507429, 2.8284271247461903, 4.756828460010884]);
    expectClose(logspace(-1, 1, 5), [0.1, 0.31622776601683794, 1.0, 3.1622776601683795, 10.0]);
    expect(logspace(0, 1).shape).toEqual([50]);
  });
  it('geomspace pins the endpoints and keeps a shared negative sign', () => {
    expect(Array.from(geomspace(1, 1000, 4).dataSync())).toEqual([1, 10, 100, 1000]);
    expectClose(geomspace(1, 256, 4, { endpoint: false }), [1.0, 4.0, 16.0, 63.999999999999986]);
    expect(Array.from(geomspace(-1000, -1, 4).dataSync())).toEqual([-1000, -100, -10, -1]);
    expectClose(geomspace(2, 3, 5), [2.0, 2.213363839400643, 2.449489742783178, 2.7108060108295344, 3.0]);
  });
  it('geomspace rejects zero and mixed signs', () => {
    expect(() => geomspace(0, 1)).toThrow(/np\.geomspace: a geometric sequence cannot include zero.*np\.linspace/);
    expect(() => geomspace(-1, 1)).toThrow(/np\.geomspace: start -1 and stop 1 have different signs.*one sign/);
  });
});

describe('vander, kron', () => {
  it('vander: decreasing powers by default, N columns, increasing', () => {
    expect(vander(np.array([1, 2, 3, 5])).js()).toEqual([[1, 1, 1, 1], [8, 4, 2, 1], [27, 9, 3, 1], [125, 25, 5, 1]]);
    expect(vander(np.array([1, 2, 3, 5]), 3, { increasing: true }).js()).toEqual([[1, 1, 1], [1, 2, 4], [1, 3, 9], [1, 5, 25]]);
    const vi = vander(np.array([2, 3], { dtype: 'int32' }), 4);
    expect(vi.js()).toEqual([[8, 4, 2, 1], [27, 9, 3, 1]]);
    expect(vi.dtype).toBe('int32');
    expect(vander(np.array([1, 2]), 0).shape).toEqual([2, 0]);
  });
  it('kron: vectors, matrices, mixed ranks and rectangles', () => {
    expect(kron(np.array([1, 10, 100]), np.array([5, 6, 7])).js()).toEqual([5, 6, 7, 50, 60, 70, 500, 600, 700]);
    expect(kron(np.eye(2), np.array([[1, 2], [3, 4]])).js()).toEqual([[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]);
    expect(kron(np.array([[1, 2]]), np.array([[[1], [2]]])).js()).toEqual([[[1, 2], [2, 4]]]);
    expect(kron(np.arange(6).reshape(2, 3), np.array([[1, -1]], { dtype: 'int32' })).js()).toEqual([[0, 0, 1, -1, 2, -2], [3, -3, 4, -4, 5, -5]]);
  });
  it('is differentiable (a zero in x included), jittable and vmappable', () => {
    transformsHold((x) => vander(x), np.array([0, 0.5, -1.2, 2]));
    transformsHold((x) => vander(x, 3, { increasing: true }), vals([3]));
    const b = vals([2, 3], 2);
    transformsHold((a) => kron(a, b), vals([2, 2]));
    transformsHold((bb) => kron(np.array([[1, 2], [3, 4]]), bb), vals([1, 3]));
  });
  it('vander rejects non-1-D input', () => {
    expect(() => vander(x34)).toThrow(/np\.vander: x must be 1-D, got shape \[3,4\].*np\.ravel/);
  });
});

describe('cross', () => {
  it('3-vectors, batches, broadcasting and another axis', () => {
    expect(cross(np.array([1, 2, 3]), np.array([4, 5, 6])).js()).toEqual([-3, 6, -3]);
    expect(cross(np.array([[1, 2, 3], [4, 5, 6]]), np.array([[4, 5, 6], [1, 2, 3]])).js()).toEqual([[-3, 6, -3], [3, -6, 3]]);
    expect(cross(np.array([[1, 2, 3], [4, 5, 6]]), np.array([0, 0, 1])).js()).toEqual([[2, -1, 0], [5, -4, 0]]);
    expect(cross(np.array([[1, 4], [2, 5], [3, 6]]), np.array([[4, 1], [5, 2], [6, 3]]), 0).js()).toEqual([[-3, 3], [6, -6], [-3, 3]]);
  });
  it('2-vectors have z = 0 (numpy 2, deprecated there): two of them give the z component alone', () => {
    expect(cross(np.array([1, 2]), np.array([3, 4])).js()).toEqual(-2);
    expect(cross(np.array([1, 2]), np.array([3, 4, 5])).js()).toEqual([10, -5, -2]);
    expect(cross(np.array([[1, 2], [0, 1]]), np.array([[3, 4], [1, 0]])).js()).toEqual([-2, -1]);
  });
  it('is differentiable, jittable and vmappable', () => {
    const b = vals([2, 3], 5);
    transformsHold((a) => cross(a, b), vals([2, 3]));
    transformsHold((bb) => cross(np.array([1, -2, 0.5]), bb), vals([3]));
    transformsHold((a) => cross(a, vals([3, 2], 4), 0), vals([3, 2]));
  });
  it('rejects vectors that are not 2 or 3 long', () => {
    expect(() => cross(np.arange(4), np.arange(4))).toThrow(/np\.cross: incompatible dimensions for cross product: vector lengths 4 and 4.*must be 2 or 3/);
    expect(() => cross(x34, x34, 1)).toThrow(/np\.cross: .*vector lengths 4 and 4/);
    expect(() => cross(np.zeros([2, 3]), np.zeros([3, 3]))).toThrow(/np\.cross: shapes \[2\], \[3\] cannot be broadcast/);
  });
});

describe('matrixTranspose, matvec, vecmat', () => {
  it('matrixTranspose swaps the last two axes', () => {
    expect(matrixTranspose(y234).js()).toEqual([[[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]], [[12, 16, 20], [13, 17, 21], [14, 18, 22], [15, 19, 23]]]);
    expect(() => matrixTranspose(np.arange(3))).toThrow(/np\.matrixTranspose: input must be at least 2-D.*np\.expandDims/);
  });
  const A = np.arange(6).astype('float64').reshape(2, 3);
  const Ab = np.arange(12).astype('float64').reshape(2, 2, 3);
  it('matvec: (..., m, n) x (..., n) -> (..., m) with broadcast batches', () => {
    expect(matvec(A, np.array([1, 2, 3])).js()).toEqual([8, 26]);
    expect(matvec(Ab, np.array([[1, 0, 1], [2, 1, 0]])).js()).toEqual([[2, 8], [19, 28]]);
    expect(matvec(A, np.array([[1, 0, 1], [2, 1, 0], [0, 0, 1]])).js()).toEqual([[2, 8], [1, 10], [2, 5]]);
  });
  it('vecmat: (..., n) x (..., n, m) -> (..., m) with broadcast batches', () => {
    expect(vecmat(np.array([1, 2]), A).js()).toEqual([6, 9, 12]);
    expect(vecmat(np.array([[1, 0], [2, 1]]), Ab).js()).toEqual([[0, 1, 2], [21, 24, 27]]);
    expect(vecmat(np.array([[1, 0], [2, 1], [1, 1]]), A).js()).toEqual([[0, 1, 2], [3, 6, 9], [3, 5, 7]]);
  });
  it('is differentiable, jittable and vmappable', () => {
    const M = vals([2, 2, 3], 2);
    transformsHold((v) => matvec(M, v), vals([3]));
    transformsHold((m) => matvec(m, vals([2, 3], 3)), vals([2, 3]));
    transformsHold((v) => vecmat(v, M), vals([2]));
    transformsHold((m) => vecmat(vals([4, 2], 3), m), vals([2, 3]));
  });
  it('rejects mismatched lengths naming the axes', () => {
    expect(() => matvec(A, np.arange(2))).toThrow(/np\.matvec: the last axis of the matrix \(3, shape \[2,3\]\) must equal the vector length \(2/);
    expect(() => vecmat(np.arange(3), A)).toThrow(/np\.vecmat: the vector length \(3, shape \[3\]\) must equal the second-to-last axis of the matrix \(2/);
    expect(() => matvec(np.arange(3), np.arange(3))).toThrow(/np\.matvec: needs a matrix \(at least 2-D\)/);
  });
});
