/** np creation functions: array, zeros/ones/full(+Like), arange, linspace, eye, tri/tril/triu. */
import { describe, expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { close, dt, exact, readFlat, readNested } from './numpy-backend.js';
import { Ref, i32, range } from './numpy-helpers.js';

describeEachBackend('np.array', (be) => {
  it('nested JS numbers become the default float (float64 on cpu) with the nested shape', async () => {
    const x = np.array([[1, 2, 3], [4, 5, 6.5]]);
    expect(x.dtype).toBe(dt(be, 'float64'));
    expect(x.shape).toEqual([2, 3]);
    expect(x.ndim).toBe(2);
    expect(x.size).toBe(6);
    expect(await readNested(x)).toEqual([[1, 2, 3], [4, 5, 6.5]]);
    expect(await readFlat(x)).toEqual([1, 2, 3, 4, 5, 6.5]);
  });

  it('3-D nesting keeps row-major order', async () => {
    const data = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]];
    const x = np.array(data);
    expect(x.shape).toEqual([3, 2, 2]);
    expect(await readNested(x)).toEqual(data);
    expect(await readFlat(x)).toEqual(range(12, 1));
  });

  it('a JS number gives a 0-d array that reads back as the number', async () => {
    const x = np.array(3.25);
    expect(x.shape).toEqual([]);
    expect(await be.read(x)).toBe(3.25);
    expect(await readNested(x)).toBe(3.25);
  });

  it('an empty list gives shape [0] of the default float (float64 on cpu)', async () => {
    const x = np.array([]);
    expect(x.shape).toEqual([0]);
    expect(x.dtype).toBe(dt(be, 'float64'));
    expect(await readNested(x)).toEqual([]);
  });

  it('booleans become bool and read back as booleans', async () => {
    const x = np.array([[true, false], [false, true]]);
    await exact(be, x, [[true, false], [false, true]], 'bool');
    expect(await readNested(np.array(true))).toBe(true);
  });

  it('typed arrays keep their dtype', async () => {
    const f32 = np.array(new Float32Array([0.1, 2.5, -3]));
    expect(f32.dtype).toBe('float32');
    expect(await readFlat(f32)).toEqual([Math.fround(0.1), 2.5, -3]);
    expect(await f32.data()).toBeInstanceOf(Float32Array);
    await exact(be, np.array(new Int32Array([7, -8, 2 ** 31 - 1])), [7, -8, 2 ** 31 - 1], 'int32');
    // A Float64Array needs a float64 device.
    if (be.dtype === 'float64') await exact(be, np.array(new Float64Array([0.1, 1e300])), [0.1, 1e300], 'float64');
    await exact(be, np.array(new Uint8Array([1, 0, 1]), { dtype: 'bool' }), [true, false, true], 'bool');
  });

  it('the dtype option casts: float -> int32 truncates toward zero, numbers -> bool is != 0', async () => {
    await exact(be, np.array([1.7, -1.7, 2.5, -0.5, 0], { dtype: 'int32' }), [1, -1, 2, 0, 0], 'int32');
    await exact(be, np.array([0, 0.5, -2], { dtype: 'bool' }), [false, true, true], 'bool');
    const x = np.array([0.1, 1 / 3], { dtype: 'float32' });
    expect(x.dtype).toBe('float32');
    expect(await readFlat(x)).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    // int32 -> the device's float (float64 on cpu).
    await exact(be, np.array(new Int32Array([1, 2]), { dtype: be.dtype }), [1, 2], be.dtype);
  });

  it('NaN becomes true under the bool dtype option, as with astype', async () => {
    await exact(be, np.array([NaN, 0], { dtype: 'bool' }), [true, false], 'bool');
  });

  it('an existing Array with a new dtype is converted', async () => {
    await exact(be, np.array(np.array([2.9, -2.9]), { dtype: 'int32' }), [2, -2], 'int32');
  });
});

describeEachBackend('zeros, ones, full and *Like', (be) => {
  it('zeros / ones default to the default float (float64 on cpu), accept a number shape', async () => {
    await exact(be, np.zeros([2, 3]), [[0, 0, 0], [0, 0, 0]], 'float64');
    await exact(be, np.ones(4), [1, 1, 1, 1], 'float64');
    await exact(be, np.ones([2, 1], { dtype: 'int32' }), [[1], [1]], 'int32');
    await exact(be, np.zeros([3], { dtype: 'bool' }), [false, false, false], 'bool');
    expect(np.zeros([2, 0, 3]).shape).toEqual([2, 0, 3]);
    expect(np.zeros([]).shape).toEqual([]);
    expect(await be.read(np.zeros([]))).toBe(0);
  });

  it('full takes the value dtype (bool for booleans) unless given', async () => {
    await exact(be, np.full([2, 2], 7.5), [[7.5, 7.5], [7.5, 7.5]], 'float64');
    await exact(be, np.full([3], true), [true, true, true], 'bool');
    await exact(be, np.full([2], 7.9, { dtype: 'int32' }), [7, 7], 'int32');
    await exact(be, np.full([2], -1, { dtype: 'float32' }), [-1, -1], 'float32');
  });

  it('full broadcasts an Array value', async () => {
    await exact(be, np.full([2, 3], np.array([1, 2, 3])), [[1, 2, 3], [1, 2, 3]], 'float64');
  });

  it('zerosLike / onesLike keep shape and dtype', async () => {
    const x = i32([[5, 6, 7]]);
    await exact(be, np.zerosLike(x), [[0, 0, 0]], 'int32');
    await exact(be, np.onesLike(x), [[1, 1, 1]], 'int32');
    await exact(be, np.onesLike(np.array([true, false])), [true, true], 'bool');
    await exact(be, np.zerosLike(x, { dtype: 'float32' }), [[0, 0, 0]], 'float32');
  });
});

describeEachBackend('np.arange', (be) => {
  it('integer arguments give int32', async () => {
    await exact(be, np.arange(5), [0, 1, 2, 3, 4], 'int32');
    await exact(be, np.arange(2, 10, 3), [2, 5, 8], 'int32');
    await exact(be, np.arange(5, 0, -1), [5, 4, 3, 2, 1], 'int32');
    await exact(be, np.arange(-3, 3, 2), [-3, -1, 1], 'int32');
    await exact(be, np.arange(3, 3), [], 'int32');
    await exact(be, np.arange(5, 1), [], 'int32');
  });

  it('float arguments give the default float (float64 on cpu) with ceil((stop - start) / step) elements', async () => {
    await close(be, np.arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75], { dtype: 'float64' });
    await close(be, np.arange(0.5, 3), [0.5, 1.5, 2.5], { dtype: 'float64' });
    await close(be, np.arange(1, 0, -0.3), [1, 0.7, 0.4, 0.1], { dtype: 'float64' });
    const x = np.arange(0, 1, 0.1);
    await close(be, x, range(10).map((i) => i * 0.1));
    await close(be, np.arange(2.5), [0, 1, 2]);
  });

  it('an explicit dtype wins', async () => {
    await exact(be, np.arange(0, 4, 1, { dtype: 'float32' }), [0, 1, 2, 3], 'float32');
  });
});

describeEachBackend('np.linspace', (be) => {
  it('includes the endpoint by default', async () => {
    await close(be, np.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], { dtype: 'float64' });
    await close(be, np.linspace(-1, 2, 7), range(7).map((i) => -1 + i * 0.5));
    const x = await readFlat(np.linspace(0, 0.3, 4));
    expect(x[3]).toBe(be.dtype === 'float64' ? 0.3 : Math.fround(0.3)); // exactly stop
  });

  it('endpoint: false and degenerate counts', async () => {
    await close(be, np.linspace(0, 1, 4, { endpoint: false }), [0, 0.25, 0.5, 0.75]);
    await close(be, np.linspace(3, 7, 1), [3]);
    await close(be, np.linspace(3, 7, 0), [], { shape: [0] });
    await close(be, np.linspace(10, 0, 3), [10, 5, 0]);
  });

  it('dtype option', async () => {
    const x = np.linspace(0, 1, 3, { dtype: 'float32' });
    expect(x.dtype).toBe('float32');
    await close(be, x, [0, 0.5, 1]);
  });
});

describeEachBackend('eye, identity, tri, tril, triu', (be) => {
  const eyeRef = (n: number, m: number, k: number) => Ref.fromFn([n, m], ([i, j]) => (j - i === k ? 1 : 0)).nested();

  it('eye with rectangular shapes and diagonal offsets', async () => {
    await exact(be, np.eye(3), eyeRef(3, 3, 0), 'float64');
    await exact(be, np.eye(3, 4, { k: 1 }), eyeRef(3, 4, 1));
    await exact(be, np.eye(4, 3, { k: -2 }), eyeRef(4, 3, -2));
    await exact(be, np.eye(2, 2, { k: 5 }), eyeRef(2, 2, 5));
    await exact(be, np.eye(3, undefined, { dtype: 'int32' }), eyeRef(3, 3, 0), 'int32');
    await exact(be, np.identity(2), [[1, 0], [0, 1]], 'float64');
  });

  it('tri: ones on and below the k-th diagonal', async () => {
    const triRef = (n: number, m: number, k: number) => Ref.fromFn([n, m], ([i, j]) => (j <= i + k ? 1 : 0)).nested();
    await exact(be, np.tri(3), triRef(3, 3, 0), 'float64');
    await exact(be, np.tri(3, 4, 1), triRef(3, 4, 1));
    await exact(be, np.tri(4, 3, -1), triRef(4, 3, -1));
    await exact(be, np.tri(2, 2, 0, { dtype: 'int32' }), [[1, 0], [1, 0 + 1]], 'int32');
  });

  it('tril / triu keep dtype and zero the other triangle', async () => {
    const a = Ref.fromFn([3, 4], ([i, j]) => 10 * i + j + 1);
    for (const k of [-1, 0, 2]) {
      await exact(be, np.tril(a.array('int32'), k), Ref.fromFn([3, 4], ([i, j]) => (j <= i + k ? a.at([i, j]) : 0)).nested(), 'int32');
      await exact(be, np.triu(a.array(), k), Ref.fromFn([3, 4], ([i, j]) => (j >= i + k ? a.at([i, j]) : 0)).nested(), 'float64');
    }
  });

  it('tril / triu act on the last two axes of a batch', async () => {
    const a = Ref.fromFn([2, 3, 3], ([b, i, j]) => 100 * b + 10 * i + j + 1);
    await exact(be, np.tril(a.array()), Ref.fromFn([2, 3, 3], ([b, i, j]) => (j <= i ? a.at([b, i, j]) : 0)).nested());
    await exact(be, np.triu(a.array(), 1), Ref.fromFn([2, 3, 3], ([b, i, j]) => (j >= i + 1 ? a.at([b, i, j]) : 0)).nested());
  });
});

// CPU-only: the synchronous readers (js, item, dataSync), which a device without synchronous
// readback (test-f32, a GPU) rejects by design; the tests above read the same values with await.
describe('synchronous readers', () => {
  it('js / dataSync / item on creation results', () => {
    const x = np.array([[1, 2, 3], [4, 5, 6.5]]);
    expect(x.js()).toEqual([[1, 2, 3], [4, 5, 6.5]]);
    expect(globalThis.Array.from(x.dataSync())).toEqual([1, 2, 3, 4, 5, 6.5]);
    const data = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]];
    expect(np.array(data).js()).toEqual(data);
    expect(globalThis.Array.from(np.array(data).dataSync())).toEqual(range(12, 1));
    expect(np.array(3.25).item()).toBe(3.25);
    expect(np.array(3.25).js()).toBe(3.25);
    expect(np.array([]).js()).toEqual([]);
    expect(np.array(true).item()).toBe(1);
    expect(np.array(true).itemBool()).toBe(true);
    expect(np.array(false).itemBool()).toBe(false);
    expect(np.array(2.5).itemBool()).toBe(true);
    const f32 = np.array(new Float32Array([0.1, 2.5, -3]));
    expect(globalThis.Array.from(f32.dataSync())).toEqual([Math.fround(0.1), 2.5, -3]);
    expect(f32.dataSync()).toBeInstanceOf(Float32Array);
    expect(globalThis.Array.from(np.array([0.1, 1 / 3], { dtype: 'float32' }).dataSync())).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    expect(np.zeros([]).item()).toBe(0);
    expect(np.linspace(0, 0.3, 4).dataSync()[3]).toBe(0.3);
  });
});
