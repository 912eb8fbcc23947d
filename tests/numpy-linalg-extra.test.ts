/**
 * lib/numpy/linalg.ts additions: implicit einsum output, diagonal/trace over any axis pair, outer of
 * any rank, and np.linalg.matrixPower / multiDot / tensorsolve / tensorinv. Expected values are
 * numpy 2.4's answers, pasted as literals; gradients are checked against central differences in
 * float64, and jit and vmap against the eager call.
 */
import { describe, expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

const A = f64([[1.5, -2, 0.5], [3, 1, -1], [0.25, 2, 4]]);
const B = f64([[2, -1], [0.5, 3], [-1.5, 1]]);
const v = f64([1, -2, 3]);
const w = f64([0.5, 4, -1]);
const T = f64([[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]);

describe('einsum with implicit output', () => {
  it('keeps the labels used once, sorted, as numpy', () => {
    near(np.einsum('ij,jk', A, B), [[1.25, -7.0], [8.0, -1.0], [-4.5, 9.75]]);
    near(np.einsum('i,i', v, w), -10.5, { shape: [] });
    near(np.einsum('ii', A), 6.5, { shape: [] });
    near(np.einsum('ij', A), [[1.5, -2.0, 0.5], [3.0, 1.0, -1.0], [0.25, 2.0, 4.0]]);
    near(np.einsum('ji', A), [[1.5, 3.0, 0.25], [-2.0, 1.0, 2.0], [0.5, -1.0, 4.0]]);
    near(np.einsum('ba', B), [[2.0, 0.5, -1.5], [-1.0, 3.0, 1.0]]);
    near(np.einsum('aB', B), [[2.0, 0.5, -1.5], [-1.0, 3.0, 1.0]]); // ASCII order: 'B' before 'a'
    near(np.einsum('ij,i', A, v), [-3.75, 2.0, 14.5]);
    near(np.einsum('i,j', v, w), [[0.5, 4.0, -1.0], [-1.0, -8.0, 2.0], [1.5, 12.0, -3.0]]);
    near(np.einsum('ij,ij', A, A), 37.5625, { shape: [] });
    near(np.einsum(' ij , jk ', A, B), np.einsum('ij,jk->ik', A, B).js());
  });

  it('explicit output still works', () => {
    near(np.einsum('ij,jk->ki', A, B), [[1.25, 8.0, -4.5], [-7.0, -1.0, 9.75]]);
    near(np.einsum('ii->i', A), [1.5, 1, 4]);
  });

  it('differentiates, and jit/vmap agree with eager', () => {
    checkGrad((x) => np.einsum('ij,jk', x, B), [1.5, -2, 0.5, 3, 1, -1, 0.25, 2, 4], [3, 3]);
    checkGrad((x) => np.einsum('ij,ij', x, x), [1.5, -2, 0.5, 3, 1, -1], [2, 3]);
    checkGrad((x) => np.einsum('ii', x), [1.5, -2, 3, 1], [2, 2]);
    checkTransforms((x) => np.einsum('ij,jk', x, B), np.stack([A, np.multiply(A, 2)]));
    checkTransforms((x) => np.einsum('ii', x), np.stack([A, np.negative(A)]));
  });
});

describe('diagonal and trace over an axis pair', () => {
  it('2-D input matches numpy with offsets and negative axes', () => {
    near(np.diagonal(A), [1.5, 1, 4]);
    near(np.diagonal(A, 1), [-2, -1]);
    near(np.diagonal(A, -2), [0.25]);
    near(np.diagonal(A, 0, 1, 0), [1.5, 1, 4]);
    near(np.diagonal(A, 1, -1, -2), [3, 2]); // axis1 = columns: numpy's A.diagonal(1, 1, 0)
    near(np.trace(A, -1, 0, 1), 5, { shape: [] });
    near(np.trace(A, 5), 0, { shape: [] });
  });

  it('3-D input with explicit axes, offsets and negative axes', () => {
    near(np.diagonal(T, 0, 0, 1), [[0.0, 16.0], [1.0, 17.0], [2.0, 18.0], [3.0, 19.0]]);
    near(np.diagonal(T, 1, 1, 2), [[1.0, 6.0, 11.0], [13.0, 18.0, 23.0]]);
    near(np.diagonal(T, -1, -1, 0), [[1.0, 14.0], [5.0, 18.0], [9.0, 22.0]]);
    near(np.diagonal(T, 0, 0, 2), [[0.0, 13.0], [4.0, 17.0], [8.0, 21.0]]);
    near(np.diagonal(T, 1, 2, 0), [[12.0], [16.0], [20.0]]);
    near(np.trace(T, 0, 0, 1), [16.0, 18.0, 20.0, 22.0]);
    near(np.trace(T, 1, 1, 2), [18.0, 54.0]);
    near(np.trace(T, -1, -1, -3), [15.0, 23.0, 31.0]);
    near(np.trace(T, 2, -2, -1), [9.0, 33.0]);
  });

  it('omitted axes are numpy\'s 0 and 1 (a batch of matrices names -2, -1)', () => {
    near(np.diagonal(T), [[0, 16], [1, 17], [2, 18], [3, 19]]);
    near(np.trace(T, 1), [24, 26, 28, 30]);
    near(np.trace(T, 1, -2, -1), [18, 54]);
    near(np.trace(i32([[1, 2], [3, 4]])), 5, { dtype: 'int32' });
  });

  it('reports bad axes', () => {
    expect(() => np.diagonal(T, 0, 1, -2)).toThrow(/np\.diagonal.*same axis/);
    expect(() => np.diagonal(T, 0, 0, 3)).toThrow(/np\.diagonal/);
    expect(() => np.trace(T, 0.5)).toThrow(/np\.diagonal: offset/);
  });

  it('differentiates, and jit/vmap agree with eager', () => {
    checkGrad((x) => np.trace(x, 1, 0, 2), Array.from({ length: 12 }, (_, i) => i * 0.5 - 2), [3, 2, 2]);
    checkTransforms((x) => np.diagonal(x, 1, 1, 0), T);
  });
});

describe('outer', () => {
  it('flattens inputs of any rank', () => {
    near(np.outer(f64([[1, 2], [3, 4]]), f64([[1, -1, 0.5]])), [[1.0, -1.0, 0.5], [2.0, -2.0, 1.0], [3.0, -3.0, 1.5], [4.0, -4.0, 2.0]]);
    near(np.outer(f64([[[0, 1]], [[2, 3]]]), f64([2, -3])), [[0.0, -0.0], [2.0, -3.0], [4.0, -6.0], [6.0, -9.0]]);
    near(np.outer(5, f64([1, 2])), [[5, 10]]);
  });
});

describe('np.linalg.matrixPower', () => {
  const M = f64([[1, 2], [3, 4]]);
  const Mb = f64([[[1, 2], [3, 4]], [[0.5, -1], [2, 1.5]], [[2, 0], [1, -1]]]);
  it('matches numpy for n = -2..3', () => {
    near(np.linalg.matrixPower(M, -2), [[5.499999999999997, -2.499999999999999], [-3.7499999999999987, 1.7499999999999996]], { tol: 1e-13 });
    near(np.linalg.matrixPower(M, -1), [[-1.9999999999999996, 0.9999999999999998], [1.4999999999999998, -0.4999999999999999]], { tol: 1e-14 });
    near(np.linalg.matrixPower(M, 0), [[1.0, 0.0], [0.0, 1.0]], { dtype: 'float64' });
    near(np.linalg.matrixPower(M, 1), [[1.0, 2.0], [3.0, 4.0]]);
    near(np.linalg.matrixPower(M, 2), [[7.0, 10.0], [15.0, 22.0]]);
    near(np.linalg.matrixPower(M, 3), [[37.0, 54.0], [81.0, 118.0]]);
  });

  it('batches over leading axes and keeps int32 for n >= 0', () => {
    near(np.linalg.matrixPower(Mb, -1), [[[-1.9999999999999996, 0.9999999999999998], [1.4999999999999998, -0.4999999999999999]], [[0.5454545454545454, 0.36363636363636365], [-0.7272727272727273, 0.18181818181818182]], [[0.5, 0.0], [0.5, -1.0]]], { tol: 1e-14 });
    near(np.linalg.matrixPower(Mb, 0), [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]);
    near(np.linalg.matrixPower(Mb, 3), [[[37.0, 54.0], [81.0, 118.0]], [[-4.875, -1.25], [2.5, -3.625]], [[8.0, 0.0], [3.0, -1.0]]]);
    near(np.linalg.matrixPower(Mb, 5), [[[1069.0, 1558.0], [2337.0, 3406.0]], [[3.53125, 9.4375], [-18.875, -5.90625]], [[32.0, 0.0], [11.0, -1.0]]]);
    near(np.linalg.matrixPower(i32([[1, 1], [1, 0]]), 10), [[89, 55], [55, 34]], { dtype: 'int32' });
  });

  it('reports a non-integer power and a non-square input', () => {
    expect(() => np.linalg.matrixPower(M, 0.5)).toThrow(/matrixPower: n must be an integer/);
    expect(() => np.linalg.matrixPower(f64([[1, 2, 3]]), 2)).toThrow(/matrixPower: expected a square matrix.*\[1,3\]/);
  });

  it('differentiates (n = 3 and -1), and jit/vmap agree with eager', () => {
    checkGrad((x) => np.linalg.matrixPower(x, 3), [1, 2, 3, 4], [2, 2]);
    checkGrad((x) => np.linalg.matrixPower(x, -1), [1, 2, 3, 4], [2, 2]);
    checkTransforms((x) => np.linalg.matrixPower(x, 3), Mb);
    checkTransforms((x) => np.linalg.matrixPower(x, -2), Mb);
  });
});

describe('np.linalg.multiDot', () => {
  const va = f64([0.5, 1.59, 1.1]);
  const Ma = f64([[-1.1, -0.8, 1.49, -1.98], [1.28, 1.19, -0.13, -0.79], [-0.89, -0.98, -0.22, 0.02]]);
  const Mc = f64([[0.21, 1.98], [1.17, 0.49], [1.96, -1.14], [-1.36, 0.45]]);
  const wa = f64([-1.82, -1.86]);
  it('treats a 1-D first or last array as a vector, as numpy', () => {
    near(np.linalg.multiDot([va, Ma, Mc, wa]), -7.389105740000002, { shape: [] });
    near(np.linalg.multiDot([va, Ma, Mc]), [4.196323000000001, -0.13344200000000028]);
    near(np.linalg.multiDot([Ma, Mc, wa]), [1.5047720000000009, -9.927846, 6.948894]);
    near(np.linalg.multiDot([Ma, Mc]), np.dot(Ma, Mc).js());
  });

  it('multiplies 4 matrices in numpy\'s order M0(M1(M2M3))', () => {
    // Scaled so that left-to-right and (M0M1)(M2M3) overflow to inf; numpy's cheapest order does not.
    const M0 = np.multiply(f64([[0.69, 1.25, 1.4], [0.54, 0.72, 1.89], [0.61, 0.69, 1.92], [1.43, 1.05, 1.27]]), 1e200);
    const M1 = np.multiply(f64([[1.49, 0.91, 0.71, 1.68], [1.51, 1.27, 1.73, 1.32], [1.97, 0.81, 1.33, 1.23]]), 1e200);
    const M2 = np.multiply(f64([[1.03, 1.39, 0.85, 1.7], [1.8, 0.69, 1.2, 0.92], [0.62, 1.84, 1.14, 0.72], [1.51, 0.8, 1.85, 0.83]]), 1e-200);
    const M3 = f64([[0.55], [0.8], [1.02], [1.2]]);
    near(np.linalg.multiDot([M0, M1, M2, M3]), [[7.603944311999999e+201], [7.122785255999999e+201], [7.260749072e+201], [8.334359612e+201]]);
  });

  it('reports misaligned and wrong-rank arrays', () => {
    expect(() => np.linalg.multiDot([Ma, Ma, Mc])).toThrow(/multiDot: arrays 0 and 1 are not aligned/);
    expect(() => np.linalg.multiDot([Ma, va, Mc])).toThrow(/multiDot: array 1 has shape \[3\]/);
    expect(() => np.linalg.multiDot([Ma])).toThrow(/multiDot: needs at least 2 arrays/);
  });

  it('differentiates, and jit/vmap agree with eager', () => {
    checkGrad((x) => np.linalg.multiDot([va, x, Mc, wa]), [-1.1, -0.8, 1.49, -1.98, 1.28, 1.19, -0.13, -0.79, -0.89, -0.98, -0.22, 0.02], [3, 4]);
    checkGrad((x) => np.linalg.multiDot([Ma, Mc, x, Mc.T]), [1, 2, -0.5, 0.25], [2, 2]);
    checkTransforms((x) => np.linalg.multiDot([x, Ma, Mc, wa]), f64([[0.5, 1.59, 1.1], [-1, 2, 0.25]]));
  });
});

describe('np.linalg.tensorsolve and tensorinv', () => {
  const a = f64([[[[2.17, -0.53, 0.6], [0.16, -0.81, -0.13]], [[-0.04, 2.32, 0.47], [-0.77, -0.22, 0.03]], [[-0.14, 0.17, 3.48], [0.91, -0.43, 0.3]]], [[[0.39, -0.41, -1.0], [3.95, -0.4, -0.37]], [[0.78, 0.17, -0.06], [0.55, 2.06, 0.41]], [[-0.25, -0.82, 0.32], [0.86, -0.59, 3.26]]]]);
  const b = f64([[-0.4, 0.48, 0.44], [-0.56, 0.66, 0.32]]);
  const t = f64([[[2.37, 0.64, -0.14, 0.52, 0.76, -0.8], [0.7, 1.79, -0.04, -0.71, 0.4, -0.42], [0.74, -0.45, 2.12, -0.2, 0.23, -0.61]], [[-0.64, 0.49, 0.5, 2.13, 0.84, -0.59], [0.7, -0.66, 0.93, 0.25, 2.21, 0.94], [0.57, 0.58, -0.89, -0.26, -0.83, 1.3900000000000001]]]);
  const tInv = [[[0.3545728596306117, -0.13098203806108866, 0.12265026420301885], [-0.09576519117705777, -0.00627267023856376, 0.18191175547658955]], [[-0.1347754911041718, 0.47011988136403066, 0.06024131505589241], [0.22792436001685096, -0.048774916266871755, 0.22064816775140386]], [[-0.1946195024997727, 0.09723514341337179, 0.5004800257415298], [0.1488246863409002, 0.012643348295696025, 0.19162431041676833]], [[0.13177651924321482, -0.24590431217745018, 0.037976619368220256], [0.3951803400753538, -0.06788890921014686, 0.23185548014147767]], [[-0.0040853307512157015, 0.17740210717039526, -0.2735298221552661], [-0.0455774609623387, 0.34647755321300944, -0.32244041229649467]], [[-0.1915662099957553, -0.020260333865557832, 0.08879192678322992], [0.0861594221765478, 0.22521058001877417, 0.5262855258878757]]];

  it('tensorsolve matches numpy and round-trips through tensordot', () => {
    const x = np.linalg.tensorsolve(a, b);
    near(x, [[-0.0518064280910947, 0.19206898919000362, 0.14384953821585195], [-0.03214564313474382, 0.2989202917304806, 0.19095746536834968]], { tol: 1e-13 });
    near(np.tensordot(a, x, 2), b.js(), { tol: 1e-13 });
    const x2 = np.linalg.tensorsolve(np.transpose(a, [2, 0, 1, 3]), b, [0]);
    near(x2, [[-0.05180642809109468, -0.032145643134743815], [0.1920689891900036, 0.2989202917304807], [0.14384953821585197, 0.19095746536834968]], { tol: 1e-13 });
  });

  it('tensorinv matches numpy for ind = 2 and 1 and round-trips', () => {
    const ti = np.linalg.tensorinv(t, 2);
    near(ti, tInv, { tol: 1e-13 });
    near(np.tensordot(ti, t, 2), np.eye(6).js(), { tol: 1e-13 });
    near(np.tensordot(t, ti, 1), np.eye(6).reshape([2, 3, 2, 3]).js(), { tol: 1e-13 });
    const ti1 = np.linalg.tensorinv(t.reshape([6, 2, 3]), 1);
    near(ti1, np.array(tInv).reshape([2, 3, 6]).js(), { tol: 1e-13 });
    const y = f64([[1, -2, 0.5], [0.25, 3, -1]]);
    near(np.linalg.tensorsolve(t, y), np.tensordot(ti, y, 2).js(), { tol: 1e-13 });
  });

  it('reports non-square systems', () => {
    expect(() => np.linalg.tensorsolve(a, f64([1, 2]))).toThrow(/tensorsolve: a \[2,3,2,3\] and b \[2\]/);
    expect(() => np.linalg.tensorinv(t, 1)).toThrow(/tensorinv: a \[2,3,6\] is not square for ind=1/);
  });

  it('tensorsolve differentiates in a and b, and jit/vmap agree with eager', () => {
    const aFlat = np.ravel(a).js() as number[];
    checkGrad((x) => np.linalg.tensorsolve(x, b), aFlat, [2, 3, 2, 3]);
    checkGrad((y) => np.linalg.tensorsolve(a, y), [-0.4, 0.48, 0.44, -0.56, 0.66, 0.32], [2, 3]);
    checkTransforms((y) => np.linalg.tensorsolve(a, y), np.stack([b, np.multiply(b, -3)]));
    checkTransforms((x) => np.linalg.tensorinv(x, 2), np.stack([t, np.multiply(t, 2)]));
  });
});
