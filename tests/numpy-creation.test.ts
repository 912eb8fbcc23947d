/** np creation functions: array, zeros/ones/full(+Like), arange, linspace, eye, tri/tril/triu. */
import { describe, expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { Ref, expectClose, expectExact, i32, range } from './numpy-helpers.js';

describe('np.array', () => {
  it('nested JS numbers become float64 with the nested shape', () => {
    const x = np.array([[1, 2, 3], [4, 5, 6.5]]);
    expect(x.dtype).toBe('float64');
    expect(x.shape).toEqual([2, 3]);
    expect(x.ndim).toBe(2);
    expect(x.size).toBe(6);
    expect(x.js()).toEqual([[1, 2, 3], [4, 5, 6.5]]);
    expect(globalThis.Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6.5]);
  });

  it('3-D nesting keeps row-major order', () => {
    const data = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]];
    const x = np.array(data);
    expect(x.shape).toEqual([3, 2, 2]);
    expect(x.js()).toEqual(data);
    expect(globalThis.Array.from(x.dataSync())).toEqual(range(12, 1));
  });

  it('a JS number gives a 0-d array; item() reads it', () => {
    const x = np.array(3.25);
    expect(x.shape).toEqual([]);
    expect(x.item()).toBe(3.25);
    expect(x.js()).toBe(3.25);
  });

  it('an empty list gives shape [0] float64', () => {
    const x = np.array([]);
    expect(x.shape).toEqual([0]);
    expect(x.dtype).toBe('float64');
    expect(x.js()).toEqual([]);
  });

  it('booleans become bool and read back as booleans', () => {
    const x = np.array([[true, false], [false, true]]);
    expectExact(x, [[true, false], [false, true]], 'bool');
    expect(np.array(true).item()).toBe(true);
  });

  it('typed arrays keep their dtype', () => {
    const f32 = np.array(new Float32Array([0.1, 2.5, -3]));
    expect(f32.dtype).toBe('float32');
    expect(globalThis.Array.from(f32.dataSync())).toEqual([Math.fround(0.1), 2.5, -3]);
    expect(f32.dataSync()).toBeInstanceOf(Float32Array);
    expectExact(np.array(new Int32Array([7, -8, 2 ** 31 - 1])), [7, -8, 2 ** 31 - 1], 'int32');
    expectExact(np.array(new Float64Array([0.1, 1e300])), [0.1, 1e300], 'float64');
    expectExact(np.array(new Uint8Array([1, 0, 1])), [true, false, true], 'bool');
  });

  it('the dtype option casts: float -> int32 truncates toward zero, numbers -> bool is != 0', () => {
    expectExact(np.array([1.7, -1.7, 2.5, -0.5, 0], { dtype: 'int32' }), [1, -1, 2, 0, 0], 'int32');
    expectExact(np.array([0, 0.5, -2], { dtype: 'bool' }), [false, true, true], 'bool');
    const x = np.array([0.1, 1 / 3], { dtype: 'float32' });
    expect(x.dtype).toBe('float32');
    expect(globalThis.Array.from(x.dataSync())).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expectExact(np.array(new Int32Array([1, 2]), { dtype: 'float64' }), [1, 2], 'float64');
  });

  it('NaN becomes true under the bool dtype option, as with astype', () => {
    expectExact(np.array([NaN, 0], { dtype: 'bool' }), [true, false], 'bool');
  });

  it('an existing Array with a new dtype is converted', () => {
    expectExact(np.array(np.array([2.9, -2.9]), { dtype: 'int32' }), [2, -2], 'int32');
  });
});

describe('zeros, ones, full and *Like', () => {
  it('zeros / ones default to float64, accept a number shape', () => {
    expectExact(np.zeros([2, 3]), [[0, 0, 0], [0, 0, 0]], 'float64');
    expectExact(np.ones(4), [1, 1, 1, 1], 'float64');
    expectExact(np.ones([2, 1], { dtype: 'int32' }), [[1], [1]], 'int32');
    expectExact(np.zeros([3], { dtype: 'bool' }), [false, false, false], 'bool');
    expect(np.zeros([2, 0, 3]).shape).toEqual([2, 0, 3]);
    expect(np.zeros([]).shape).toEqual([]);
    expect(np.zeros([]).item()).toBe(0);
  });

  it('full takes the value dtype (bool for booleans) unless given', () => {
    expectExact(np.full([2, 2], 7.5), [[7.5, 7.5], [7.5, 7.5]], 'float64');
    expectExact(np.full([3], true), [true, true, true], 'bool');
    expectExact(np.full([2], 7.9, { dtype: 'int32' }), [7, 7], 'int32');
    expectExact(np.full([2], -1, { dtype: 'float32' }), [-1, -1], 'float32');
  });

  it('full broadcasts an Array value', () => {
    expectExact(np.full([2, 3], np.array([1, 2, 3])), [[1, 2, 3], [1, 2, 3]], 'float64');
  });

  it('zerosLike / onesLike keep shape and dtype', () => {
    const x = i32([[5, 6, 7]]);
    expectExact(np.zerosLike(x), [[0, 0, 0]], 'int32');
    expectExact(np.onesLike(x), [[1, 1, 1]], 'int32');
    expectExact(np.onesLike(np.array([true, false])), [true, true], 'bool');
    expectExact(np.zerosLike(x, { dtype: 'float32' }), [[0, 0, 0]], 'float32');
  });
});

describe('np.arange', () => {
  it('integer arguments give int32', () => {
    expectExact(np.arange(5), [0, 1, 2, 3, 4], 'int32');
    expectExact(np.arange(2, 10, 3), [2, 5, 8], 'int32');
    expectExact(np.arange(5, 0, -1), [5, 4, 3, 2, 1], 'int32');
    expectExact(np.arange(-3, 3, 2), [-3, -1, 1], 'int32');
    expectExact(np.arange(3, 3), [], 'int32');
    expectExact(np.arange(5, 1), [], 'int32');
  });

  it('float arguments give float64 with ceil((stop - start) / step) elements', () => {
    expectClose(np.arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75], { dtype: 'float64' });
    expectClose(np.arange(0.5, 3), [0.5, 1.5, 2.5], { dtype: 'float64' });
    expectClose(np.arange(1, 0, -0.3), [1, 0.7, 0.4, 0.1], { dtype: 'float64' });
    const x = np.arange(0, 1, 0.1);
    expectClose(x, range(10).map((i) => i * 0.1));
    expectClose(np.arange(2.5), [0, 1, 2]);
  });

  it('an explicit dtype wins', () => {
    expectExact(np.arange(0, 4, 1, { dtype: 'float32' }), [0, 1, 2, 3], 'float32');
  });
});

describe('np.linspace', () => {
  it('includes the endpoint by default', () => {
    expectClose(np.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], { dtype: 'float64' });
    expectClose(np.linspace(-1, 2, 7), range(7).map((i) => -1 + i * 0.5));
    const x = np.linspace(0, 0.3, 4).dataSync();
    expect(x[3]).toBe(0.3); // exactly stop
  });

  it('endpoint: false and degenerate counts', () => {
    expectClose(np.linspace(0, 1, 4, { endpoint: false }), [0, 0.25, 0.5, 0.75]);
    expectClose(np.linspace(3, 7, 1), [3]);
    expectClose(np.linspace(3, 7, 0), [], { shape: [0] });
    expectClose(np.linspace(10, 0, 3), [10, 5, 0]);
  });

  it('dtype option', () => {
    const x = np.linspace(0, 1, 3, { dtype: 'float32' });
    expect(x.dtype).toBe('float32');
    expectClose(x, [0, 0.5, 1]);
  });
});

describe('eye, identity, tri, tril, triu', () => {
  const eyeRef = (n: number, m: number, k: number) => Ref.fromFn([n, m], ([i, j]) => (j - i === k ? 1 : 0)).nested();

  it('eye with rectangular shapes and diagonal offsets', () => {
    expectExact(np.eye(3), eyeRef(3, 3, 0), 'float64');
    expectExact(np.eye(3, 4, { k: 1 }), eyeRef(3, 4, 1));
    expectExact(np.eye(4, 3, { k: -2 }), eyeRef(4, 3, -2));
    expectExact(np.eye(2, 2, { k: 5 }), eyeRef(2, 2, 5));
    expectExact(np.eye(3, undefined, { dtype: 'int32' }), eyeRef(3, 3, 0), 'int32');
    expectExact(np.identity(2), [[1, 0], [0, 1]], 'float64');
  });

  it('tri: ones on and below the k-th diagonal', () => {
    const triRef = (n: number, m: number, k: number) => Ref.fromFn([n, m], ([i, j]) => (j <= i + k ? 1 : 0)).nested();
    expectExact(np.tri(3), triRef(3, 3, 0), 'float64');
    expectExact(np.tri(3, 4, 1), triRef(3, 4, 1));
    expectExact(np.tri(4, 3, -1), triRef(4, 3, -1));
    expectExact(np.tri(2, 2, 0, { dtype: 'int32' }), [[1, 0], [1, 0 + 1]], 'int32');
  });

  it('tril / triu keep dtype and zero the other triangle', () => {
    const a = Ref.fromFn([3, 4], ([i, j]) => 10 * i + j + 1);
    for (const k of [-1, 0, 2]) {
      expectExact(np.tril(a.array('int32'), k), Ref.fromFn([3, 4], ([i, j]) => (j <= i + k ? a.at([i, j]) : 0)).nested(), 'int32');
      expectExact(np.triu(a.array(), k), Ref.fromFn([3, 4], ([i, j]) => (j >= i + k ? a.at([i, j]) : 0)).nested(), 'float64');
    }
  });

  it('tril / triu act on the last two axes of a batch', () => {
    const a = Ref.fromFn([2, 3, 3], ([b, i, j]) => 100 * b + 10 * i + j + 1);
    expectExact(np.tril(a.array()), Ref.fromFn([2, 3, 3], ([b, i, j]) => (j <= i ? a.at([b, i, j]) : 0)).nested());
    expectExact(np.triu(a.array(), 1), Ref.fromFn([2, 3, 3], ([b, i, j]) => (j >= i + 1 ? a.at([b, i, j]) : 0)).nested());
  });
});
