/**
 * Smaller JAX names: numpy 2's np.linalg array-API functions, the real-array complex helpers and
 * unwrap, ix_/maskIndices/place/arrayStr/arrayRepr, random.orthogonal/clone/wrapKeyData/keyImpl,
 * tree.broadcast/reduceAssociative. Expected values are numpy 2.4's answers pasted as literals.
 */
import { describe, expect, it } from 'vitest';
import { type Array, jit, np, random, tree } from '../lib/index.js';
import { checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

describe('np.linalg array-API names', () => {
  const x = np.arange(24, undefined, undefined, { dtype: 'float64' }).reshape([2, 3, 4]);
  const m = f64([[[1, 2], [3, 4]], [[0, 1], [-1, 2]]]);
  it('act on the last axes, as numpy 2', () => {
    near(np.linalg.vectorNorm(x, { axis: [0, 2] }), [27.349588662354687, 36.823905279043935, 47.11687595755899]);
    near(np.linalg.vectorNorm(x), 65.75712889109438, { shape: [] });
    near(np.linalg.vectorNorm(x, { axis: 1, ord: 1, keepdims: true }), [[[12, 15, 18, 21]], [[48, 51, 54, 57]]]);
    near(np.linalg.matrixNorm(m), [5.477225575051661, 2.449489742783178]);
    near(np.linalg.matrixNorm(m, { ord: 1 }), [6, 3]);
    near(np.linalg.matrixNorm(m, { ord: 'nuc' }), [5.8309518948453, 2.82842712474619], { tol: 1e-10 });
    near(np.linalg.diagonal(x), [[0, 5, 10], [12, 17, 22]]);
    near(np.linalg.trace(x, 1), [18, 54]);
    near(np.linalg.cross(f64([1, 2, 3]), f64([4, 5, 6])), [-3, 6, -3]);
    near(np.linalg.outer(f64([1, 2]), f64([3, 4, 5])), [[3, 4, 5], [6, 8, 10]]);
    near(np.linalg.vecdot(f64([[1, 2], [3, 4]]), f64([1, 1])), [3, 7]);
    near(np.linalg.tensordot(np.ones([2, 3]), np.ones([3, 2]), 1), [[3, 3], [3, 3]]);
    near(np.linalg.matmul(f64([[1, 2]]), f64([[3], [4]])), [[11]]);
    near(np.linalg.matrixTranspose(f64([[1, 2]])), [[1], [2]]);
    expect(() => np.linalg.cross(f64([1, 2]), f64([3, 4]))).toThrow(/np.linalg.cross: axis -1 must have length 3.*np.cross also takes 2-vectors/);
    expect(() => np.linalg.outer(m, m)).toThrow(/np.linalg.outer: inputs must be vectors/);
    checkGrad((v) => np.linalg.vectorNorm(v.reshape([2, 2]), { axis: [0, 1] }), [1, -2, 3, 0.5]);
  });
});

describe('complex helpers on real arrays, unwrap', () => {
  it('real/imag/conj/angle/isreal as numpy on real input', () => {
    const v = f64([-1, 0, -0, 2]);
    near(np.real(v), [-1, 0, -0, 2]);
    near(np.imag(v), [0, 0, 0, 0]);
    near(np.conj(v), [-1, 0, -0, 2]);
    near(np.angle(v), [Math.PI, 0, Math.PI, 0]);
    near(np.angle(f64([-1, 2]), true), [180, 0]);
    expect(np.isreal(v).js()).toEqual([true, true, true, true]);
    expect(np.iscomplex(v).js()).toEqual([false, false, false, false]);
    expect([np.isrealobj(v), np.iscomplexobj(v)]).toEqual([true, false]);
  });
  it('unwrap', () => {
    const p = f64([0, 3, 6.5, 0.2, -3, 9.7]);
    near(np.unwrap(p), [0.0, 3.0, 0.21681469282041377, 0.2, 3.2831853071795862, 3.416814692820413]);
    near(np.unwrap(p, { period: 6 }), [0.0, 3.0, 0.5, 0.2, 3.0, 3.6999999999999993]);
    near(np.unwrap(f64([[0, 4, 8], [1, -5, 3]]), { axis: 1 }), [[0.0, -2.2831853071795862, -4.5663706143591725], [1.0, 1.2831853071795862, 3.0]]);
    near(np.unwrap(f64([0, Math.PI, 2 * Math.PI])), [0, Math.PI, 2 * Math.PI]);
    checkGrad((q) => np.unwrap(q), [0, 3, 6.5, 0.2]);
    checkTransforms((q) => np.unwrap(q), f64([[0, 3, 6.5], [1, -5, 3]]));
  });
});

describe('ix_, maskIndices, place, arrayStr, arrayRepr', () => {
  it('match numpy', () => {
    const [r, c] = np.ix_(i32([0, 1]), i32([2, 4]));
    near(r, [[0], [1]]);
    near(c, [[2, 4]]);
    near(np.ix_(np.array([true, false, true]), i32([1, 2]))[0], [[0], [2]]);
    const [mi, mj] = np.maskIndices(3, (a, k) => np.triu(a, k), 1);
    near(mi, [0, 0, 1]);
    near(mj, [1, 2, 2]);
    const a = np.arange(10, undefined, undefined, { dtype: 'float64' }).reshape([2, 5]);
    near(np.place(a, np.greater(a, 3), f64([44, 55])), [[0, 1, 2, 3, 44], [55, 44, 55, 44, 55]]);
    near(jit((x: Array) => np.place(x, np.greater(x, 3), f64([44, 55])))(a), [[0, 1, 2, 3, 44], [55, 44, 55, 44, 55]]);
    expect(() => np.place(a, true, 1, { inplace: true })).toThrow(/np.place: arrays are immutable/);
    expect(np.arrayStr(f64([1.5, 2]))).toBe('[1.5 2. ]');
    expect(np.arrayRepr(f64([1.5, 2]))).toBe('Array([1.5, 2. ], dtype=float64)');
  });
});

describe('random and tree additions', () => {
  it('random.orthogonal is orthogonal, batched, and semi-orthogonal with m', () => {
    const q = random.orthogonal(random.key(0), 4, [2]);
    expect(q.shape).toEqual([2, 4, 4]);
    near(np.matmul(q, np.swapaxes(q, -1, -2)), [0, 1].map(() => [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)))), { tol: 1e-12 });
    const w = random.orthogonal(random.key(1), 2, [], { m: 5 });
    expect(w.shape).toEqual([2, 5]);
    near(np.matmul(w, w.T), [[1, 0], [0, 1]], { tol: 1e-12 });
    const k = random.key(3);
    expect(random.clone(k)).toBe(k);
    expect(random.keyImpl(k)).toBe('threefry2x32');
    expect(random.wrapKeyData(k).js()).toEqual(k.js());
    expect(() => random.wrapKeyData(f64([1, 2]))).toThrow(/random.wrapKeyData: expected uint32 key data of shape \[..., 2\]/);
  });

  it('tree.broadcast repeats prefix leaves; reduceAssociative folds as a balanced tree', () => {
    expect(tree.broadcast([1, { a: 2 }], [[3, 4], { a: { x: 5, y: 6 } }])).toEqual([[1, 1], { a: { x: 2, y: 2 } }]);
    expect(() => tree.broadcast([1, 2], [3])).toThrow(/tree.broadcast: expected a list of length 2/);
    const order: string[] = [];
    const r = tree.reduceAssociative((p: string, q: string) => { order.push(`${p}+${q}`); return `(${p}${q})`; }, ['a', 'b', 'c', 'd', 'e']);
    expect(r).toBe('(((ab)(cd))e)');
    expect(tree.reduceAssociative((p: number, q: number) => p + q, [], { identity: 0 })).toBe(0);
    expect(() => tree.reduceAssociative((p: number, q: number) => p + q, [])).toThrow(/no leaves and no identity/);
  });
});
