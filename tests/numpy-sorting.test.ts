/**
 * lib/numpy/sorting.ts and lib/lax/sorting.ts: sort, argsort, lexsort, searchsorted, unique, the
 * order statistics, lax.sort / sortKeyVal / topK. Expected values are numpy 2.4's answers pasted
 * as literals; gradients are checked against central differences in float64, jit and vmap against
 * the eager call.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, lax, makeJaxpr, np, vmap } from '../lib/index.js';
import { checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

const X = f64([3, 1, NaN, -0, 0, 2, -Infinity, 1]);
const M = f64([[3, 1, 2], [9, 7, 8], [4, 4, 0]]);
const A = f64([[10, 7, 4], [3, 2, 1]]);
const B = np.mod(np.power(np.arange(24, undefined, undefined, { dtype: 'float64' }).reshape([2, 3, 4]), 1.5), 7);
const signBits = (a: np.Array): boolean[] => Array.from(a.dataSync(), (v) => Object.is(v, -0));

describe('sort and argsort', () => {
  it('orders as numpy: NaN last, -0 before +0, stable', () => {
    near(np.sort(X), [-Infinity, -0, 0, 1, 1, 2, 3, NaN]);
    expect(signBits(np.sort(X)).slice(1, 3)).toEqual([true, false]);
    near(np.argsort(X), [6, 3, 4, 1, 7, 5, 0, 2], { dtype: 'int32' });
    near(np.sort(M, 0), [[3, 1, 0], [4, 4, 2], [9, 7, 8]]);
    near(np.argsort(M, 0), [[0, 0, 2], [2, 2, 0], [1, 1, 1]]);
    near(np.sort(M, null), [0, 1, 2, 3, 4, 4, 7, 8, 9]);
    near(np.argsort(i32([2, 1, 2, 1, 0])), [4, 1, 3, 0, 2]);
    near(np.sort(np.array([true, false, true])), [0, 1, 1], { dtype: 'bool' });
  });

  it('descending keeps equal elements in input order (JAX)', () => {
    near(np.sort(X, -1, { descending: true }), [NaN, 3, 2, 1, 1, 0, -0, -Infinity]);
    near(np.argsort(i32([2, 1, 2, 1, 0]), -1, { descending: true }), [0, 2, 1, 3, 4]);
  });

  it('lexsort: the last key is the primary one', () => {
    const a = i32([1, 5, 1, 4, 3, 4, 4]), b = i32([9, 4, 0, 4, 0, 2, 1]);
    near(np.lexsort([a, b]), [2, 4, 6, 5, 3, 1, 0]);
    near(np.lexsort(i32([[1, 5, 1, 4, 3, 4, 4], [9, 4, 0, 4, 0, 2, 1]])), [2, 4, 6, 5, 3, 1, 0]);
  });

  it('partition/argpartition put the kth element in place', () => {
    const p = np.partition(f64([5, 1, 4, 2, 3]), 2);
    expect(p.js()).toEqual([1, 2, 3, 4, 5]);
    expect(() => np.partition(f64([1, 2]), 2)).toThrow(/np.partition: kth=2 is out of range/);
  });

  it('gradients flow to where each sorted value came from; jit and vmap agree', () => {
    checkGrad((x) => np.sort(x), [0.3, -1.2, 2.5, 0.7]);
    checkGrad((x) => np.sort(x, 0, { descending: true }), [0.3, -1.2, 2.5, 0.7, 1.1, -0.4], [3, 2]);
    checkTransforms((x) => np.sort(x), f64([[3, 1, 2], [0, -5, 9]]));
    checkTransforms((x) => np.argsort(x), f64([[3, 1, 2], [0, -5, 9]]));
    expect(vmap((x: np.Array) => np.sort(x), 1)(f64([[3, 1], [2, 0]])).js()).toEqual([[2, 3], [0, 1]]);
  });

  it('errors name the function and the fix', () => {
    expect(() => np.sort(f64(3))).toThrow(/np.sort: cannot sort a rank-0 array.*axis: null/);
    expect(() => np.sort(M, 2)).toThrow(/np.sort/);
  });
});

describe('searchsorted', () => {
  const a = f64([1, 2, 2, 3, 5.5]);
  const v = f64([-10, 10, 2, 3, 2.5, NaN, 5.5]);
  it('left and right, NaN after everything, sorter', () => {
    near(np.searchsorted(a, v), [0, 5, 1, 3, 3, 5, 4], { dtype: 'int32' });
    near(np.searchsorted(a, v, 'right'), [0, 5, 3, 4, 3, 5, 5]);
    near(np.searchsorted(f64([1, NaN]), f64([NaN, 1, 2])), [1, 0, 1]);
    near(np.searchsorted(f64([3, 1, 2]), f64([2, 0, 4]), 'left', i32([1, 2, 0])), [1, 0, 3]);
    near(np.searchsorted(i32([1, 3, 5]), 4), 2, { shape: [] });
    near(np.searchsorted(f64([]), f64([1, 2])), [0, 0]);
  });
  it('runs under jit and vmap; rejects a non-1-D table', () => {
    const f = (q: np.Array) => np.searchsorted(a, q);
    expect(jit(f)(v).js()).toEqual(f(v).js());
    checkTransforms(f, f64([[0, 2, 9], [2.5, 3, 1]]));
    expect(() => np.searchsorted(M, 1)).toThrow(/np.searchsorted: a must be 1-D.*vmap/);
  });
});

describe('unique', () => {
  it('values, first indices, inverse and counts as numpy', () => {
    near(np.unique(f64([1, 1, 2, 2, 3, 3, NaN, NaN])), [1, 2, 3, NaN]);
    const [u, idx, inv, cnt] = np.unique(i32([3, 1, 2, 1, 3, 3]), { returnIndex: true, returnInverse: true, returnCounts: true });
    near(u, [1, 2, 3]);
    near(idx, [1, 2, 0]);
    near(inv, [2, 0, 1, 0, 2, 2]);
    near(cnt, [2, 1, 3]);
    const all = np.uniqueAll(i32([[1, 0, 0], [1, 0, 0], [2, 3, 4], [0, 9, 9]]), { axis: 0 });
    near(all.values, [[0, 9, 9], [1, 0, 0], [2, 3, 4]]);
    near(all.indices, [3, 0, 2]);
    near(all.inverseIndices, [1, 1, 2, 0]);
    near(all.counts, [1, 2, 1]);
    const cols = np.uniqueInverse(i32([[1, 0, 1], [1, 0, 1]]), { size: undefined });
    near(cols.values, [0, 1]);
    near(np.unique(i32([[1, 0, 1], [1, 0, 1]]), { axis: 1 }), [[0, 1], [0, 1]]);
    near(np.uniqueCounts(f64([2, 2, 5])).counts, [2, 1]);
    near(np.unique(f64([NaN, NaN]), { equalNan: false }), [NaN, NaN]);
    near(np.unique(f64([])), []);
  });

  it('needs a size under jit, then pads with fillValue (default: the smallest value)', () => {
    const f = (x: np.Array) => np.unique(x, { size: 4 });
    near(jit(f)(f64([3, 1, 3, 1, 1])), [1, 3, 1, 1]);
    near(jit((x: np.Array) => np.unique(x, { size: 4, fillValue: -1 }))(f64([3, 1, 3])), [1, 3, -1, -1]);
    near(jit((x: np.Array) => np.unique(x, { size: 1 }))(f64([3, 1, 3])), [1]);
    checkTransforms(f, f64([[3, 1, 3, 1, 1], [0, 0, 0, 0, 0]]));
    expect(() => jit((x: np.Array) => np.unique(x))(f64([1, 2]))).toThrow(/np.unique: the number of unique values depends on the data.*size/);
  });

  it('differentiates the unique values (each from its first occurrence; the fill from the smallest)', () => {
    // Distinct inputs: a finite difference at a tie would split it into two values.
    checkGrad((x) => np.unique(x, { size: 4 }), [0.5, -1, 2]);
    expect(grad((x: np.Array) => np.sum(np.unique(x, { size: 2 })))(f64([0.5, 2, 0.5])).js()).toEqual([1, 1, 0]);
  });
});

describe('quantile, percentile, median', () => {
  it('match numpy for every method, axes and keepdims', () => {
    near(np.median(A), 3.5, { shape: [] });
    near(np.median(A, 0), [6.5, 4.5, 2.5]);
    near(np.median(A, 1, { keepdims: true }), [[7], [2]]);
    const q = [0.1, 0.3, 0.5, 0.7, 0.9];
    const v = f64([1, 2, 3, 4, 10]);
    near(np.quantile(v, [0, 0.1, 0.5, 0.9, 1]), [1.0, 1.4, 3.0, 7.6000000000000005, 10.0]);
    near(np.quantile(v, q, undefined, { method: 'lower' }), [1.0, 2.0, 3.0, 3.0, 4.0]);
    near(np.quantile(v, q, undefined, { method: 'higher' }), [2.0, 3.0, 3.0, 4.0, 10.0]);
    near(np.quantile(v, q, undefined, { method: 'midpoint' }), [1.5, 2.5, 3.0, 3.5, 7.0]);
    near(np.quantile(v, q, undefined, { method: 'nearest' }), [1.0, 2.0, 3.0, 4.0, 10.0]);
    near(np.percentile(A, [25, 75], 1), [[5.5, 1.5], [8.5, 2.5]]);
    near(np.percentile(A, 40, [0, 1]), 3.0, { shape: [] });
    near(np.percentile(A, [10, 90], 0, { keepdims: true }), [[[3.7, 2.5, 1.3]], [[9.3, 6.5, 3.7]]]);
    near(np.quantile(B, np.array([0.2, 0.65]), [0, 2]), [[1.4379000772445012, 0.8181630740194414, 2.4255608394552306], [4.202133156243355, 4.3672954969732, 5.272609087238589]]);
    near(np.quantile(B, 0.35, 1, { keepdims: true }), [[[0.7, 3.2262379212492642, 2.1889805243320537, 3.6090432323893125]], [[4.1099033699941145, 3.438355297372371, 4.647363725731365, 4.341312583268158]]]);
    near(np.median(i32([1, 2, 4, 7])), 3, { dtype: 'float64' });
  });

  it('NaN: poisons the plain forms, skipped by the nan* forms (NaN for an all-NaN slice)', () => {
    near(np.median(f64([1, NaN])), NaN, { shape: [] });
    near(np.nanmedian(f64([[NaN, 7, 4], [3, NaN, NaN]]), 1), [5.5, 3.0]);
    near(np.nanquantile(f64([[NaN, 1, 2, 5], [NaN, NaN, NaN, NaN]]), 0.3, 1), [1.6, NaN]);
    near(np.nanpercentile(f64([NaN, 1, 3]), 50), 2, { shape: [] });
  });

  it('gradients (with respect to the data and to q) and jit/vmap', () => {
    checkGrad((x) => np.median(x), [0.3, -1.2, 2.5, 0.7]);
    checkGrad((x) => np.quantile(x, f64([0.15, 0.8]), 1), [0.3, -1.2, 2.5, 0.7, 1.5, -3, 4, 0.25], [2, 4]);
    checkGrad((x) => np.nanmedian(x), [0.3, NaN, 2.5, 0.7], [4], 1e-6, true);
    checkGrad((q) => np.quantile(f64([1, 2, 4, 8]), q), [0.2, 0.55]);
    checkTransforms((x) => np.percentile(x, [10, 50]), f64([[3, 1, 2, 8], [0, -5, 9, 1]]));
    expect(() => np.quantile(A, 1.5)).toThrow(/np.quantile: q must be in \[0, 1\], got 1.5/);
    expect(() => np.percentile(A, -1)).toThrow(/np.percentile: q must be in \[0, 100\], got -1/);
  });
});

describe('lax.sort, sortKeyVal, topK', () => {
  const x = f64([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]]);
  it('sort several operands by the first numKeys', () => {
    near(lax.sort(x), [[1, 1, 3, 4, 5], [2, 3, 5, 6, 9]]);
    const [k, v] = lax.sort([f64([2, 1, 2, 0]), f64([10, 20, 30, 40])]);
    near(k, [0, 1, 2, 2]);
    near(v, [40, 20, 10, 30]);
    const [, second, w] = lax.sort([i32([1, 1, 0, 0]), i32([5, 2, 7, 1]), i32([0, 1, 2, 3])], 0, true, 2);
    near(second, [1, 7, 2, 5]);
    near(w, [3, 2, 1, 0]);
    const [ks, vs] = lax.sortKeyVal(f64([2, 1, 2, 0]), f64([10, 20, 30, 40]));
    near(ks, [0, 1, 2, 2]);
    near(vs, [40, 20, 10, 30]);
    expect(makeJaxpr((a: np.Array) => lax.sort(a))(x).jaxpr.toString()).toContain('sort');
  });

  it('topK: largest first, lowest index first among equals; differentiable; vmap', () => {
    const [v, i] = lax.topK(x, 3);
    near(v, [[5, 4, 3], [9, 6, 5]]);
    near(i, [[4, 2, 0], [0, 2, 3]], { dtype: 'int32' });
    near(lax.topK(f64([1, 2, 2, 1]), 3)[1], [1, 2, 0]);
    near(lax.topK(f64([1, NaN, 2]), 1)[0], [NaN]);
    expect(grad((r: np.Array) => np.sum(lax.topK(r, 2)[0]))(f64([3, 1, 4, 1, 5])).js()).toEqual([0, 0, 1, 0, 1]);
    checkTransforms((r) => lax.topK(r, 2)[0], x);
  });

  it('errors', () => {
    expect(() => lax.topK(x, 6)).toThrow(/lax.topK: k must be an integer in \[0, 5\]/);
    expect(() => lax.sort([x, f64([1, 2])])).toThrow(/lax.sort: operands must have the same shape/);
    expect(() => lax.sort(x, 0, true, 2)).toThrow(/lax.sort: numKeys must be between 1 and 1/);
  });
});
