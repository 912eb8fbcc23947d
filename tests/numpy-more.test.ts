/**
 * lib/numpy/{more,bits,shape-more,sets,polynomial,windows}.ts: more of jax.numpy composed from
 * existing ops. Expected values are numpy 2.4's answers (scipy 1.17 for I1), pasted as literals;
 * gradients are checked against central differences in float64, jit and vmap against the eager call,
 * and data-dependent sizes against the `size` error under jit.
 */
import { describe, expect, it } from 'vitest';
import { getDefaultFloat, grad, jit, np, vmap } from '../lib/index.js';
import { checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

const js = (a: np.Array): number[] => Array.from(a.dataSync(), Number);

describe('indices of data', () => {
  const x = i32([[0, 2, 0], [3, 0, -1]]);
  it('nonzero, flatnonzero and argwhere match numpy', () => {
    const [r, c] = np.nonzero(x);
    near(r, [0, 1, 1], { dtype: 'int32' });
    near(c, [1, 0, 2], { dtype: 'int32' });
    near(np.flatnonzero(x), [1, 3, 5], { dtype: 'int32' });
    near(np.argwhere(x), [[0, 1], [1, 0], [1, 2]], { dtype: 'int32' });
    expect(np.argwhere(np.array(5)).shape).toEqual([1, 0]);
    expect(np.argwhere(np.array(0)).shape).toEqual([0, 0]);
    near(np.nonzero(np.array([true, false, true]))[0], [0, 2]);
  });

  it('take size and fillValue (a number or one per axis), as JAX', () => {
    const [r, c] = np.nonzero(x, { size: 5, fillValue: [-1, -2] });
    near(r, [0, 1, 1, -1, -1]);
    near(c, [1, 0, 2, -2, -2]);
    near(np.flatnonzero(x, { size: 2 }), [1, 3]);
    near(np.argwhere(x, { size: 4 }), [[0, 1], [1, 0], [1, 2], [0, 0]]);
    near(np.extract(f64([1, 0, 1]), f64([4, 5, 6]), { size: 3, fillValue: 9 }), [4, 6, 9]);
  });

  it('extract and compress match numpy', () => {
    near(np.extract(i32([[1, 0, 1], [0, 1, 1]]), f64([[1.5, 2, 3], [4, 5, 6]])), [1.5, 3, 5, 6]);
    const a = i32([[1, 2, 3], [4, 5, 6]]);
    near(np.compress(np.array([true, false, true]), a, 1), [[1, 3], [4, 6]]);
    near(np.compress(np.array([false, true]), a, 0), [[4, 5, 6]]);
    near(np.compress(i32([1, 0, 1, 1]), i32([[1, 2], [3, 4]])), [1, 3, 4]);
    near(np.compress(np.array([true, false, true]), a, 1, { size: 3, fillValue: -1 }), [[1, 3, -1], [4, 6, -1]]);
    expect(() => np.compress(i32([1, 0, 0, 0, 1]), i32([1, 2, 3]))).toThrow(/np\.compress: condition of length 5 selects entries past the end/);
  });

  it('under jit and vmap, a data-dependent size needs { size }', () => {
    expect(() => jit((a: np.Array) => np.nonzero(a)[0])(x)).toThrow(/np\.nonzero: .*pass a static \{ size \}/);
    expect(() => jit((a: np.Array) => np.extract(np.greater(a, 0), a))(x)).toThrow(/np\.extract: .*size/);
    expect(() => vmap((a: np.Array) => np.flatnonzero(a))(x)).toThrow(/np\.nonzero: .*size/);
    checkTransforms((a) => np.flatnonzero(a, { size: 3, fillValue: -1 }), f64([[0, 1, 2, 0], [3, 0, 0, 0], [0, 0, 0, 0]]));
    checkTransforms((a) => np.compress(np.greater(a, 0.5), a, 0, { size: 2 }), f64([[0, 1, 2, 0], [3, 0, 0, 0]]));
  });

  it('extract is differentiable in the selected values', () => {
    checkGrad((a) => np.extract(np.array([true, false, true, true]), a, { size: 4 }), [1, 2, 3, 4]);
  });

  it('unravelIndex and ravelMultiIndex match numpy', () => {
    const [r, c] = np.unravelIndex(i32([22, 41, 37, 0]), [7, 6]);
    near(r, [3, 6, 6, 0]);
    near(c, [4, 5, 1, 0]);
    near(np.ravelMultiIndex([i32([3, 6, 6]), i32([4, 5, 1])], [7, 6]), [22, 41, 37], { dtype: 'int32' });
    near(np.ravelMultiIndex([i32([3, 6, 6]), i32([4, 5, 1])], [4, 6], { mode: 'clip' }), [22, 23, 19]);
    near(np.ravelMultiIndex([i32([3, 6, 6]), i32([4, 5, 1])], [4, 4], { mode: 'wrap' }), [12, 9, 9]);
    expect(() => np.ravelMultiIndex([i32([3, 6, 6]), i32([4, 5, 1])], [4, 6])).toThrow(/np\.ravelMultiIndex: invalid entry 6 .*mode 'wrap' or 'clip'/);
    expect(() => jit((a: np.Array) => np.ravelMultiIndex([a, a], [9, 9]))(i32([1]))).toThrow(/mode 'raise' needs concrete indices.*'wrap'/);
    near(jit((a: np.Array) => np.ravelMultiIndex([a, a], [9, 9], { mode: 'wrap' }))(i32([1, 10])), [10, 10]);
  });
});

describe('index-driven updates and selection', () => {
  it('put matches numpy for each mode and refuses inplace=true', () => {
    near(np.put(np.arange(6, undefined, 1, { dtype: 'float64' }).reshape([2, 3]), i32([0, -1, 4]), f64([10, 20])), [[10, 1, 2], [3, 10, 20]]);
    near(np.put(f64([[0, 1, 2], [3, 4, 5]]), i32([7, 1]), f64([10, 20]), { mode: 'clip' }), [[0, 20, 2], [3, 4, 10]]);
    near(np.put(f64([[0, 1, 2], [3, 4, 5]]), i32([7, 2]), f64([10, 20]), { mode: 'wrap' }), [[0, 10, 20], [3, 4, 5]]);
    expect(() => np.put(f64([1]), 0, 1, { inplace: true })).toThrow(/np\.put: arrays are immutable.*inplace: false/);
  });

  it('putAlongAxis matches numpy', () => {
    const a = f64([[10, 30, 20], [60, 40, 50]]);
    near(np.putAlongAxis(a, np.argmax(a, 1, { keepdims: true }), 99, 1), [[10, 99, 20], [99, 40, 50]]);
    near(np.putAlongAxis(a, i32([[0, 2]]), f64([[-1, -2]]), 1, { inplace: false }), [[-1, 30, -2], [-1, 40, -2]]);
    checkGrad((v) => np.putAlongAxis(v, i32([[1], [0]]), 0, 1), [1, 2, 3, 4], [2, 2]);
  });

  it('choose matches numpy in every mode, and needs a mode under jit', () => {
    const ch = [i32([0, 1, 2, 3]), i32([10, 11, 12, 13]), i32([20, 21, 22, 23]), i32([30, 31, 32, 33])];
    near(np.choose(i32([2, 3, 1, 0]), ch), [20, 31, 12, 3]);
    near(np.choose(i32([2, 4, 1, 0]), ch, { mode: 'clip' }), [20, 31, 12, 3]);
    near(np.choose(i32([2, 4, 1, -1]), ch, { mode: 'wrap' }), [20, 1, 12, 33]);
    near(np.choose(i32([[1, 0, 1], [0, 1, 0]]), [-10, f64([1.5, 2.5, 3.5])]), [[1.5, -10, 3.5], [-10, 2.5, -10]]);
    expect(() => np.choose(i32([4]), ch)).toThrow(/np\.choose: index 4 is out of range for 4 choices/);
    expect(() => jit((i: np.Array) => np.choose(i, ch))(i32([1]))).toThrow(/np\.choose: mode 'raise' needs concrete/);
  });

  it('piecewise matches numpy with functions and constants, and is differentiable', () => {
    const xx = f64([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
    near(np.piecewise(xx, [np.less(xx, 0), np.greaterEqual(xx, 0)], [(v) => np.negative(v), (v) => np.square(v)]), [2.5, 1.5, 0.5, 0.25, 2.25, 6.25]);
    near(np.piecewise(xx, [np.less(xx, -1), np.greater(xx, 1)], [0, (v) => np.multiply(v, 2), (v) => np.add(v, 100)]), [0, 0, 99.5, 100.5, 3, 5]);
    checkGrad((v) => np.piecewise(v, [np.less(v, 0)], [(u) => np.sin(u), (u) => np.multiply(u, u)]), [-1.2, -0.3, 0.4, 2]);
    expect(() => np.piecewise(xx, [np.less(xx, 0)], [1, 2, 3])).toThrow(/np\.piecewise: with 1 condition\(s\) funclist must have 1 or 2 entries/);
  });

  it('applyAlongAxis (vmapped) and applyOverAxes match numpy', () => {
    const b = f64([[8, 1, 7], [4, 3, 9], [5, 2, 6]]);
    near(np.applyAlongAxis((v) => np.multiply(np.add(v.slice(0), v.slice(-1)), 0.5), 0, b), [6.5, 1.5, 6.5]);
    near(np.applyAlongAxis((v) => np.sort(v), 1, b), [[1, 7, 8], [3, 4, 9], [2, 5, 6]]);
    near(np.applyAlongAxis((v) => np.diag(v), -1, b.slice([0, 2])), [[[8, 0, 0], [0, 1, 0], [0, 0, 7]], [[4, 0, 0], [0, 3, 0], [0, 0, 9]]]);
    near(np.applyOverAxes((a, ax) => np.sum(a, ax), np.arange(24, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 4]), [0, 2]), [[[60], [92], [124]]]);
    checkGrad((v) => np.applyAlongAxis((r) => np.sum(np.square(r)), 1, v), [1, 2, 3, 4, 5, 6], [2, 3]);
  });

  it('fromfunction passes index grids of the default float', () => {
    near(np.fromfunction((i, j) => np.add(np.multiply(i, 10), j), [2, 3], { dtype: 'float64' }), [[0, 1, 2], [10, 11, 12]], { dtype: 'float64' });
  });
});

describe('arithmetic', () => {
  it('divmod and modf match numpy (modf(±inf) = ±0, ±inf)', () => {
    const [q, r] = np.divmod(f64([7, -7, 7.5, -0.5]), f64([2, 2, -2, 0.3]));
    near(q, [3, -4, -4, -2]);
    near(r, [1, 1, -0.5, 0.09999999999999998]);
    const [qi, ri] = np.divmod(i32([7, -7, 9]), i32([2, 2, -4]));
    near(qi, [3, -4, -3], { dtype: 'int32' });
    near(ri, [1, 1, -3], { dtype: 'int32' });
    const [f, w] = np.modf(f64([3.25, -2.5, 0, Infinity, -Infinity]));
    near(f, [0.25, -0.5, 0, 0, -0]);
    near(w, [3, -2, 0, Infinity, -Infinity]);
    expect(Object.is(js(f)[4], -0)).toBe(true);
  });

  it('frexp and ldexp are exact, subnormals and extremes included', () => {
    const v = f64([0, 1, -3.5, 5e-324, 1e-310, 1.7976931348623157e308, 6, 0.1, -1e-300]);
    const [m, e] = np.frexp(v);
    near(m, [0, 0.5, -0.875, 0.5, 0.5752618031559393, 0.9999999999999999, 0.75, 0.8, -0.6696928794914171], { tol: 0 });
    near(e, [0, 1, 2, -1073, -1029, 1024, 3, -3, -996], { dtype: 'int32' });
    const [m32, e32] = np.frexp(f64([0, 1, -3.5, 6, 0.1]).astype('float32'));
    near(m32, [0, 0.5, -0.875, 0.75, 0.800000011920929], { tol: 0, dtype: 'float32' });
    near(e32, [0, 1, 2, 3, -3]);
    const [mi, ei] = np.frexp(f64([Infinity, NaN]));
    near(mi, [Infinity, NaN]);
    near(ei, [0, 0]);
    near(np.ldexp(f64([1, 3, 0.5, -1.5, 1e-300]), i32([1024, -1074, 5, -2, 600])), [Infinity, 1.5e-323, 16, -0.375, 4.149515568880993e-120], { tol: 0 });
    checkGrad((a) => np.ldexp(a, i32([3, -2])), [0.7, -1.3]);
    checkGrad((a) => np.modf(a)[0], [0.7, -1.3, 2.25]);
    checkTransforms((a) => np.frexp(a)[0], f64([[1.5, 1e-310], [-8, 3]]));
    expect(() => np.ldexp(f64([1]), f64([2]))).toThrow(/np\.ldexp: the exponent must be an integer array/);
  });

  it('nextafter and spacing match numpy in float64 and float32', () => {
    const u = f64([0, 1, -1, 1e-310, -0, 1.7976931348623157e308, Infinity, NaN, 2.5]);
    const to = f64([1, 2, 0, -1, -1, Infinity, 0, 1, -Infinity]);
    near(np.nextafter(u, to), [5e-324, 1.0000000000000002, -0.9999999999999999, 9.9999999999995e-311, -5e-324, Infinity, 1.7976931348623157e308, NaN, 2.4999999999999996], { tol: 0 });
    near(np.nextafter(u.astype('float32'), to.astype('float32')), [1.401298464324817e-45, 1.0000001192092896, -0.9999999403953552, -1.401298464324817e-45, -1.401298464324817e-45, Infinity, 3.4028234663852886e38, NaN, 2.499999761581421], { tol: 0 });
    near(np.spacing(f64([1, -1, 0, 1e10, 5e-324, -2.5, Infinity])), [2.220446049250313e-16, -2.220446049250313e-16, 5e-324, 1.9073486328125e-6, 5e-324, -4.440892098500626e-16, NaN], { tol: 0 });
    near(np.spacing(f64([1, -1, 1e10, -2.5]).astype('float32')), [1.1920928955078125e-7, -1.1920928955078125e-7, 1024, -2.384185791015625e-7], { tol: 0 });
    checkTransforms((a) => np.nextafter(a, 0), f64([[1, -2], [1e-310, 3]]));
  });

  it('floatPower, fabs, isneginf, isposinf, around, aliases and eulerGamma', () => {
    near(np.floatPower(i32([2, 3, 4]), f64([0.5, -1, 2])), [1.4142135623730951, 0.3333333333333333, 16]);
    near(np.fabs(i32([-1, 2, -3])), [1, 2, 3]);
    expect(np.fabs(i32([1])).dtype).toBe(getDefaultFloat());
    const w = f64([1, -Infinity, Infinity, NaN, 0]);
    near(np.isneginf(w), [false, true, false, false, false], { dtype: 'bool' });
    near(np.isposinf(w), [false, false, true, false, false]);
    near(np.isposinf(i32([1])), [false]);
    near(np.around(f64([0.5, 1.5, 2.5, -0.5])), [0, 2, 2, -0]);
    near(np.around(f64([1.234567]), 2), [1.23]);
    near(np.bitwiseNot(i32([0, 5, -1])), [-1, -6, 0]);
    near(np.bitwiseInvert(i32([0, 5, -1])), [-1, -6, 0]);
    expect(np.eulerGamma).toBe(0.5772156649015329);
  });

  it('gcd and lcm match numpy, and jit agrees', () => {
    near(np.gcd(i32([12, -18, 0, 0, 7, 1071]), i32([8, 12, 5, 0, 13, 462])), [4, 6, 5, 0, 1, 21], { dtype: 'int32' });
    near(np.lcm(i32([12, -18, 0, 4, 7, 21]), i32([8, 12, 5, -6, 13, 6])), [24, 36, 0, 12, 91, 42], { dtype: 'int32' });
    near(jit((a: np.Array) => np.gcd(a, 1134903170))(i32([1836311903, 6])), [1, 2]);
    expect(() => np.gcd(f64([1.5]), 2)).toThrow(/np\.gcd: requires integer or bool operands, got dtype float64/);
  });

  it('shifts and bitwiseCount match numpy on int32', () => {
    const s = i32([5, -8, 0, 255, -2147483648, 2147483647, 1023]);
    near(np.leftShift(s, i32([1, 2, 3, 4, 1, 1, 33])), [10, -32, 0, 4080, 0, -2, 0], { dtype: 'int32' });
    near(np.rightShift(s, i32([1, 2, 3, 4, 31, 40, 3])), [2, -2, 0, 15, -1, 0, 127]);
    near(np.bitwiseLeftShift(i32([1, 2]), 3), [8, 16]);
    near(np.bitwiseRightShift(-17, i32([1, 2])), [-9, -5]);
    near(np.bitwiseCount(s), [2, 1, 0, 8, 1, 31, 10], { dtype: 'int32' });
    checkTransforms((a) => np.bitwiseCount(np.rightShift(np.astype(a, 'int32'), 1)), f64([[5, -8, 255], [7, 1023, -1]]));
  });

  it('arrayEquiv broadcasts', () => {
    near(np.arrayEquiv(i32([1, 2]), i32([[1, 2], [1, 2]])), true, { dtype: 'bool' });
    near(np.arrayEquiv(i32([1, 2]), i32([[1, 2], [1, 3]])), false, { dtype: 'bool' });
    near(np.arrayEquiv(i32([1, 2]), i32([[1, 2, 1, 2]])), false, { dtype: 'bool' });
  });

  it('i0 matches numpy to 1e-15 (relative) and its derivative is I1', () => {
    const t = f64([0, 1e-5, 0.5, 1, -2.5, 7.99, 8, 8.01, 15, 30, 100, 500, 700]);
    near(np.i0(t), [1, 1.0000000000249996, 1.0634833707413234, 1.2660658777520082, 3.289839144050123, 423.58420367467363, 427.56411572180474, 431.58178605209235, 339649.3732979138, 781672297823.9775, 1.0737517071310738e42, 2.504809476570078e215, 1.5295933476718735e302], { tol: 1e-15 });
    const i1 = [0, 5.000000000062499e-6, 0.25789430539089636, 0.5651591039924851, -2.5167162452886984, 396.11522620740095, 399.8731367825599, 403.66693999770416, 328124.92197020643, 768532038938.9569, 1.0683693903381625e42, 2.5023034121760998e215, 1.5285003902339006e302];
    const g = jit((a: np.Array) => np.multiply(np.i0(a), 1))(t);
    near(g, js(np.i0(t)), { tol: 1e-15 });
    const d = vmap((a: np.Array) => np.i0(a))(t);
    near(d, js(np.i0(t)), { tol: 1e-15 });
    // d/dx i0 = i1, checked per element against scipy's I1.
    const gr = js(grad((a: np.Array) => np.sum(np.i0(a)))(t));
    gr.forEach((v, k) => expect(Math.abs(v - i1[k])).toBeLessThanOrEqual(1e-15 * (1 + Math.abs(i1[k]))));
    checkGrad((a) => np.i0(a), [0.3, -1.7, 9.5, 4]);
    near(np.i0(f64([0, 0.5, 1, -2.5, 7.99]).astype('float32')), [1, 1.0634833574295044, 1.2660658359527588, 3.289839029312134, 423.5841064453125], { tol: 1e-6, dtype: 'float32' });
  });
});

describe('shapes', () => {
  it('atleast1d/2d/3d: one in one out, several in a list out', () => {
    expect(np.atleast3d(np.ones([4])).shape).toEqual([1, 4, 1]);
    expect(np.atleast3d(np.ones([2, 3])).shape).toEqual([2, 3, 1]);
    expect(np.atleast3d(5).shape).toEqual([1, 1, 1]);
    expect(np.atleast2d(np.ones([3])).shape).toEqual([1, 3]);
    const [a, b] = np.atleast1d(2, np.ones([2, 2]));
    expect([a.shape, b.shape]).toEqual([[1], [2, 2]]);
  });

  it('broadcastArrays, fliplr, flipud, rollaxis, unstack', () => {
    const [p, q] = np.broadcastArrays(f64([1, 2, 3]), f64([[1], [2]]));
    expect([p.shape, q.shape]).toEqual([[2, 3], [2, 3]]);
    near(np.fliplr(f64([[1, 2], [3, 4]])), [[2, 1], [4, 3]]);
    near(np.flipud(f64([[1, 2], [3, 4]])), [[3, 4], [1, 2]]);
    expect(() => np.fliplr(f64([1, 2]))).toThrow(/np\.fliplr: the input must be at least 2-D/);
    const z = np.zeros([3, 4, 5, 6]);
    expect(np.rollaxis(z, 3, 1).shape).toEqual([3, 6, 4, 5]);
    expect(np.rollaxis(z, 2).shape).toEqual([5, 3, 4, 6]);
    expect(np.rollaxis(z, 1, 4).shape).toEqual([3, 5, 6, 4]);
    const parts = np.unstack(f64([[1, 2], [3, 4], [5, 6]]), 1);
    near(parts[1], [2, 4, 6]);
  });

  it('block assembles nested lists as numpy', () => {
    const A = f64([[1, 2], [3, 4]]);
    near(np.block([[A, f64([[5], [6]])], [f64([[7, 8, 9]])]]), [[1, 2, 5], [3, 4, 6], [7, 8, 9]]);
    near(np.block([1, 2, i32([3, 4])]), [1, 2, 3, 4]);
    expect(np.block([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
    expect(() => np.block([[A], A])).toThrow(/np\.block: list depths are mismatched/);
    checkGrad((a) => np.block([[a, a], [np.ones([1, 2]), np.zeros([1, 2])]]), [1, 2], [1, 2]);
  });

  it('resize, trimZeros (eager only), insert and delete match numpy', () => {
    near(np.resize(i32([[0, 1], [2, 3]]), [2, 3]), [[0, 1, 2], [3, 0, 1]]);
    near(np.resize(i32([1, 2, 3]), 5), [1, 2, 3, 1, 2]);
    const t = i32([0, 0, 0, 1, 2, 3, 0, 2, 1, 0]);
    near(np.trimZeros(t), [1, 2, 3, 0, 2, 1]);
    near(np.trimZeros(t, 'b'), [0, 0, 0, 1, 2, 3, 0, 2, 1]);
    near(np.trimZeros(i32([0, 0])), [], { shape: [0] });
    expect(() => jit((a: np.Array) => np.trimZeros(a))(t)).toThrow(/np\.trimZeros: the output size depends on the values/);
    const a = i32([[1, 1], [2, 2], [3, 3]]);
    near(np.insert(a, 1, 5), [1, 5, 1, 2, 2, 3, 3]);
    near(np.insert(a, 1, 5, 1), [[1, 5, 1], [2, 5, 2], [3, 5, 3]]);
    near(np.insert(a, [1], i32([[1], [2], [3]]), 1), [[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
    near(np.insert(a, 1, i32([1, 2, 3]), 1), [[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
    near(np.insert(np.arange(8), [1, 5, 5, -1], i32([10, 20, 30, 40])), [0, 10, 1, 2, 3, 4, 20, 30, 5, 6, 40, 7]);
    near(np.insert(a, [2, 0], i32([[7, 8], [9, 10]]), 0), [[9, 10], [1, 1], [2, 2], [7, 8], [3, 3]]);
    const arr = np.arange(12).reshape([3, 4]);
    near(np.delete(arr, 1, 0), [[0, 1, 2, 3], [8, 9, 10, 11]]);
    near(np.delete(arr, [1, 3, -4], 1), [[2], [6], [10]]);
    near(np.delete(arr, [1, 3, 5]), [0, 2, 4, 6, 7, 8, 9, 10, 11]);
    expect(() => np.delete(arr, 3, 0)).toThrow(/np\.delete: index 3 is out of bounds for an axis of size 3/);
    checkGrad((v) => np.insert(v, [0, 2], np.multiply(v.slice([0, 2]), 3)), [1, 2, 3]);
  });

  it('fillDiagonal, diagIndicesFrom, trilIndicesFrom, triuIndicesFrom', () => {
    near(np.fillDiagonal(np.zeros([3, 3]), 5, { inplace: false }), [[5, 0, 0], [0, 5, 0], [0, 0, 5]]);
    near(np.fillDiagonal(np.zeros([5, 3]), f64([1, 2]), { wrap: true }), [[1, 0, 0], [0, 2, 0], [0, 0, 1], [0, 0, 0], [2, 0, 0]]);
    near(np.fillDiagonal(np.zeros([5, 3]), 4), [[4, 0, 0], [0, 4, 0], [0, 0, 4], [0, 0, 0], [0, 0, 0]]);
    near(np.fillDiagonal(np.zeros([2, 2, 2]), 7), [[[7, 0], [0, 0]], [[0, 0], [0, 7]]]);
    expect(() => np.fillDiagonal(np.zeros([2, 2]), 1, { inplace: true })).toThrow(/np\.fillDiagonal: arrays are immutable/);
    near(np.diagIndicesFrom(np.ones([3, 3]))[1], [0, 1, 2]);
    const [r, c] = np.trilIndicesFrom(np.ones([3, 4]), 1);
    near(r, [0, 0, 1, 1, 1, 2, 2, 2, 2]);
    near(c, [0, 1, 0, 1, 2, 0, 1, 2, 3]);
    const [r2, c2] = np.triuIndicesFrom(np.ones([3, 2]));
    near(r2, [0, 0, 1]);
    near(c2, [0, 1, 1]);
  });

  it('queries, copy, emptyLike, concat and vecdot', () => {
    const a = f64([[1, 2, 3], [4, 5, 6]]);
    expect([np.ndim(a), np.shape(a), np.size(a), np.size(a, 1), np.ndim(3)]).toEqual([2, [2, 3], 6, 3, 0]);
    expect([np.isscalar(3), np.isscalar(np.array(2)), np.isscalar(a), np.iterable(a), np.iterable(3), np.iterable([1])]).toEqual([true, true, false, true, false, true]);
    near(np.copy(a), [[1, 2, 3], [4, 5, 6]]);
    expect(np.emptyLike(a, { dtype: 'int32' }).dtype).toBe('int32');
    near(np.concat([f64([1]), f64([2, 3])]), [1, 2, 3]);
    near(np.vecdot(a, f64([0, 1, 2])), [8, 17]);
    near(np.vecdot(f64([[1, 2], [3, 4]]), f64([[5, 6], [7, 8]]), 0), [26, 44]);
    expect(() => np.vecdot(a, f64([1, 2]))).toThrow(/np\.vecdot: .*cannot be broadcast|np\.vecdot: .*same length/);
    checkGrad((v) => np.vecdot(v, f64([[1, -2], [0.5, 3]])), [1, 2, 3, 4], [2, 2]);
  });
});

describe('sets', () => {
  const a1 = i32([5, 7, 1, 3, 7, 1, 9]);
  const b1 = i32([7, 3, 3, 8, 1, 0]);
  it('intersect1d (with indices), union1d, setdiff1d, setxor1d match numpy', () => {
    near(np.intersect1d(a1, b1), [1, 3, 7], { dtype: 'int32' });
    const [v, i1, i2] = np.intersect1d(a1, b1, { returnIndices: true });
    near(v, [1, 3, 7]);
    near(i1, [2, 3, 1]);
    near(i2, [4, 1, 0]);
    near(np.union1d(a1, b1), [0, 1, 3, 5, 7, 8, 9]);
    near(np.setdiff1d(a1, b1), [5, 9]);
    near(np.setdiff1d(i32([5, 2, 9, 1]), i32([2, 7]), { assumeUnique: true }), [5, 9, 1]);
    near(np.setxor1d(a1, b1), [0, 5, 8, 9]);
  });

  it('treat NaN as numpy does', () => {
    const fa = f64([1.5, NaN, 0.5, 2]);
    const fb = f64([2, NaN, 3]);
    near(np.intersect1d(fa, fb), [2]);
    near(np.union1d(fa, fb), [0.5, 1.5, 2, 3, NaN]);
    near(np.setdiff1d(fa, fb), [0.5, 1.5, NaN]);
    near(np.setxor1d(fa, fb), [0.5, 1.5, 3, NaN, NaN]);
    near(np.setxor1d(fa, f64([2])), [0.5, 1.5, NaN]);
  });

  it('take size/fillValue, work under jit and vmap with size, and name size without it', () => {
    near(np.intersect1d(a1, b1, { size: 5 }), [1, 3, 7, 1, 1]);
    near(np.setdiff1d(a1, b1, { size: 4, fillValue: -1 }), [5, 9, -1, -1]);
    near(np.union1d(a1, b1, { size: 3 }), [0, 1, 3]);
    const f = jit((a: np.Array, b: np.Array) => np.setxor1d(a, b, { size: 6, fillValue: 0 }));
    near(f(a1, b1), [0, 5, 8, 9, 0, 0]);
    const rows = i32([[1, 2, 3, 4], [3, 4, 5, 6]]);
    near(vmap((r: np.Array) => np.intersect1d(r, i32([2, 3, 9]), { size: 2, fillValue: -1 }))(rows), [[2, 3], [3, -1]]);
    for (const fn of [np.intersect1d, np.union1d, np.setdiff1d, np.setxor1d]) {
      expect(() => jit((a: np.Array) => fn(a, b1))(a1)).toThrow(new RegExp(`np\\.${fn.name}: .*size`));
    }
  });

  it('are differentiable in the values they keep', () => {
    // Membership is piecewise constant, so only values whose membership a small step keeps are checked.
    checkGrad((a) => np.setdiff1d(a, f64([100]), { size: 3 }), [2, 0.5, 3]);
    checkGrad((a) => np.union1d(a, f64([9]), { size: 4 }), [2, 0.5, 3]);
  });
});

describe('polynomials', () => {
  it('poly, polyadd, polysub, polymul match numpy', () => {
    near(np.poly(f64([1, 2, 3])), [1, -6, 11, -6]);
    near(np.poly([0.5, -1.5]), [1, 1, -0.75]);
    near(np.polyadd([1, 2], [9, 5, 4]), [9, 6, 6], { dtype: 'int32' });
    near(np.polysub(f64([1, 2]), [9, 5, 4]), [-9, -4, -2]);
    near(np.polymul([1, 2, 3], [9, 5, 1]), [9, 23, 38, 17, 3]);
    near(np.polymul([1.5, -2], [0.5, 0, 3]), [0.75, -1, 4.5, -6]);
    // A square matrix gives its characteristic polynomial (numpy: [1, -2, 0] for ones((2, 2))).
    near(np.poly(np.ones([2, 2])), [1, -2, 0], { tol: 1e-14 });
    expect(() => np.poly(np.ones([2, 3]))).toThrow(/np\.poly: input must be 1-D roots or a non-empty square matrix/);
  });

  it('polydiv keeps the remainder length (JAX) unless asked to trim (numpy)', () => {
    const [q, r] = np.polydiv([1, -3, 0, 4], [1, 2]);
    near(q, [1, -5, 10]);
    near(r, [0, 0, 0, -16]);
    near(np.polydiv([1, -3, 0, 4], [1, 2], { trimLeadingZeros: true })[1], [-16]);
    const [q2, r2] = np.polydiv([3, 5, 2], [2, 1], { trimLeadingZeros: true });
    near(q2, [1.5, 1.75]);
    near(r2, [0.25]);
    const [q3, r3] = np.polydiv([1, 2], [1, 0, 3], { trimLeadingZeros: true });
    near(q3, [0]);
    near(r3, [1, 2]);
    checkGrad((u) => np.concatenate(np.polydiv(u, f64([2, 1]))), [3, 5, 2]);
  });

  it('polyder and polyint match numpy', () => {
    near(np.polyder([1, 1, 1, 1]), [3, 2, 1]);
    near(np.polyder([1, 1, 1, 1], 2), [6, 2]);
    near(np.polyder([3, 2, 1], 5), [], { shape: [0] });
    near(np.polyder([2.5, 1], 0), [2.5, 1]);
    near(np.polyint([1, 1, 1]), [0.3333333333333333, 0.5, 1, 0]);
    near(np.polyint([6, 2], 2, [3, 5]), [1, 1, 3, 5]);
    near(np.polyint([4], 3, 2), [0.6666666666666666, 1, 2, 2]);
  });

  it('polyfit matches numpy (weights and 2-D y), and is differentiable in y', () => {
    const x = f64([0, 1, 2, 3, 4, 5]);
    const y = f64([0, 0.8, 0.9, 0.1, -0.8, -1]);
    near(np.polyfit(x, y, 3), [0.08703703703703655, -0.8134920634920602, 1.6931216931216868, -0.0396825396825359], { tol: 1e-12 });
    near(np.polyfit(x, y, 1, { w: f64([1, 2, 1, 2, 1, 2]) }), [-0.38113207547169814, 1.0471698113207555], { tol: 1e-12 });
    near(np.polyfit(x, np.stack([y, np.add(np.multiply(y, 2), 1)], 1), 2), [[-0.16071428571428578, -0.32142857142857134], [0.5007142857142857, 1.0014285714285707], [0.22142857142857125, 1.442857142857142]], { tol: 1e-12 });
    checkGrad((v) => np.polyfit(x, v, 2), [0, 0.8, 0.9, 0.1, -0.8, -1], [6], 1e-5);
  });
});

describe('windows and histograms', () => {
  it('windows match numpy', () => {
    near(np.hamming(5), [0.08000000000000002, 0.54, 1, 0.54, 0.08000000000000002], { tol: 1e-15 });
    near(np.hanning(6), [0, 0.34549150281252633, 0.9045084971874737, 0.9045084971874737, 0.34549150281252633, 0], { tol: 1e-15 });
    near(np.blackman(5), [-1.3877787807814457e-17, 0.34, 0.9999999999999999, 0.34, -1.3877787807814457e-17], { tol: 1e-15 });
    near(np.bartlett(6), [0, 0.4, 0.8, 0.8, 0.4, 0], { tol: 1e-15 });
    near(np.kaiser(6, 5), [0.036710892271286676, 0.4149036392433668, 0.9138124838692001, 0.9138124838692001, 0.4149036392433668, 0.036710892271286676], { tol: 1e-14 });
    near(np.kaiser(5, 0), [1, 1, 1, 1, 1]);
    near(np.hamming(1), [1]);
    near(np.hamming(0), [], { shape: [0] });
    checkGrad((b) => np.kaiser(5, np.reshape(b, [])), [3.5]);
  });

  it('histogramBinEdges, histogram2d and histogramdd match numpy', () => {
    near(np.histogramBinEdges(f64([1, 2, 2, 3, 7]), 3), [1, 3, 5, 7]);
    near(np.histogramBinEdges(f64([1, 2, 2, 3, 7]), 4, { range: [0, 8] }), [0, 2, 4, 6, 8]);
    const hx = f64([0.1, 0.5, 0.9, 0.4, 0.8, 0.2, 1.0, 0.0]);
    const hy = f64([1.0, 2.5, 2.0, 0.5, 3.0, 1.5, 2.2, 0.0]);
    const [H, ex, ey] = np.histogram2d(hx, hy, [2, 3]);
    near(H, [[2, 2, 0], [0, 0, 4]]);
    near(ex, [0, 0.5, 1]);
    near(ey, [0, 1, 2, 3]);
    const [Hw] = np.histogram2d(hx, hy, 2, { range: [[0, 1], [0, 2]], weights: np.arange(8, undefined, 1, { dtype: 'float64' }), density: true });
    near(Hw, [[1.1764705882352942, 0.5882352941176471], [0, 0.23529411764705882]], { tol: 1e-14 });
    near(np.histogram2d(hx, hy, [f64([0, 0.5, 1]), f64([0, 1, 4])])[0], [[2, 2], [0, 4]]);
    const [Hd, edges] = np.histogramdd(np.stack([hx, hy, np.multiply(hx, hy)], 1), [2, 2, 3]);
    near(Hd, [[[3, 0, 0], [1, 0, 0]], [[0, 0, 0], [0, 1, 3]]]);
    near(edges[2], [0, 0.8000000000000002, 1.6000000000000003, 2.4000000000000004], { tol: 1e-15 });
    checkGrad((w) => np.histogram2d(hx, hy, 2, { range: [[0, 1], [0, 3]], weights: w })[0], [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('jit and vmap agree with the eager call', () => {
  const rows = f64([[0.5, -1.5, 2, 3.25], [4, 0, -2.5, 1]]);
  it('elementwise and shape functions', () => {
    checkTransforms((a) => np.i0(a), rows);
    checkTransforms((a) => np.modf(a)[1], rows);
    checkTransforms((a) => np.spacing(a), rows);
    checkTransforms((a) => np.ldexp(a, i32([1, -3, 700, -1100])), rows);
    checkTransforms((a) => np.piecewise(a, [np.less(a, 0)], [(v) => np.negative(v), 7]), rows);
    checkTransforms((a) => np.choose(i32([0, 1, 2, 5]), [a, np.multiply(a, 2), 1], { mode: 'wrap' }), rows);
    checkTransforms((a) => np.insert(a, [1, 4], 9), rows);
    checkTransforms((a) => np.delete(a, [0, 2]), rows);
    checkTransforms((a) => np.put(a, i32([3, 0]), f64([7, 8])), rows);
    checkTransforms((a) => np.resize(a, [3, 3]), rows);
    checkTransforms((a) => np.block([[a, a], [np.fliplr(np.atleast2d(a)), a]]), rows);
    checkTransforms((a) => np.stack(np.unravelIndex(np.astype(np.abs(a), 'int32'), [2, 3]), 0), rows);
  });

  it('sets with size, polynomials and histograms', () => {
    checkTransforms((a) => np.union1d(a, f64([2, 9]), { size: 6, fillValue: -1 }), rows);
    checkTransforms((a) => np.setdiff1d(a, f64([2, 0]), { size: 4 }), rows);
    checkTransforms((a) => np.polyfit(f64([0, 1, 2, 3]), a, 2), rows);
    checkTransforms((a) => np.polymul(a, f64([1, -1])), rows);
    checkTransforms((a) => np.polydiv(a, f64([2, 1]))[1], rows);
    checkTransforms((a) => np.polyint(np.polyder(a)), rows);
    checkTransforms((a) => np.histogram2d(a, f64([1, 2, 3, 4]), 2, { range: [[-3, 5], [0, 5]] })[0], rows);
    checkTransforms((a) => np.histogramdd(np.stack([a, a], 1), [2, 3], { range: [[-3, 5], [-3, 5]], density: true })[0], rows);
  });
});

describe('bad input is reported by name, with the fix', () => {
  it('names the function, the shapes and what to pass', () => {
    expect(() => np.nonzero(np.array(3))).toThrow(/np\.nonzero: .*0-d.*atleast1d/);
    expect(() => np.unravelIndex(i32([1]), [2, -1])).toThrow(/np\.unravelIndex: the shape must be a JS array of non-negative integers/);
    expect(() => np.block([])).toThrow(/np\.block: the list at arrays is empty/);
    expect(() => np.polyder([1, 2], -1)).toThrow(/np\.polyder: order of derivative must be a non-negative integer/);
    expect(() => np.polyfit(f64([1, 2]), f64([1, 2, 3]), 1)).toThrow(/np\.polyfit: x and y must have the same number of points/);
    expect(() => np.hamming(2.5)).toThrow(/np\.hamming: M must be an integer/);
    expect(() => np.kaiser(4, f64([1, 2]))).toThrow(/np\.kaiser: beta must be a scalar/);
    expect(() => np.histogramdd(np.zeros([4, 2]), [2, 2, 2])).toThrow(/np\.histogramdd: bins has 3 entries but the sample has 2 dimensions/);
    expect(() => np.histogram2d(f64([1, 2]), f64([1]))).toThrow(/np\.histogram2d: x and y must be 1-D of the same length/);
    expect(() => np.insert(f64([1, 2]), 5, 0)).toThrow(/np\.insert: index 5 is out of bounds for an axis of size 2/);
    expect(() => np.putAlongAxis(f64([[1, 2]]), i32([0]), 1, 1)).toThrow(/np\.putAlongAxis: indices \(shape \[1\]\) must have arr's rank 2/);
    expect(() => np.leftShift(f64([1]), 2)).toThrow(/np\.leftShift: requires integer or bool operands/);
    expect(() => np.applyAlongAxis((v) => v, 0, np.array(2))).toThrow(/np\.applyAlongAxis: arr must be at least 1-D/);
    expect(() => np.polydiv(f64([1, 2]), f64([1]), { trimLeadingZeros: true }) && jit((a: np.Array) => np.polydiv(a, f64([1]), { trimLeadingZeros: true })[1])(f64([1, 2]))).toThrow(/np\.polydiv: trimLeadingZeros .*traced/);
  });
});
