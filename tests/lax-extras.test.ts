/**
 * lib/lax/extras.ts: approxMaxK/approxMinK (exact), lax.fft, complex/real/imag/conj, stack/unstack,
 * raggedDot, and the collectives psumScatter/allToAll/pbroadcast under vmap's named axes, checked
 * against references computed by hand (JS loops over the stacked array) or numpy's answers pasted
 * as literals.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, lax, np, vmap } from '../lib/index.js';
import { checkGrad, f64, i32, near } from './check-values.js';

type N2 = number[][];
type N3 = number[][][];
const overI = <R>(f: (x: Array) => R) => vmap(f, 0, 0, { axisName: 'i' });
/** A nested JS array of `shape` with value f(index). */
const build = (shape: number[], f: (ix: number[]) => number, pre: number[] = []): number | unknown[] =>
  shape.length === 0 ? f(pre) : globalThis.Array.from({ length: shape[0] }, (_, i) => build(shape.slice(1), f, [...pre, i]));

describe('lax.approxMaxK / approxMinK (exact: recall 1)', () => {
  const x = f64([[1, 5, 3, 5], [4, 0, 2, -1]]);
  it('values and int32 indices along the reduction dimension', () => {
    const [v, i] = lax.approxMaxK(x, 2);
    near(v, [[5, 5], [4, 2]]);
    near(i, [[1, 3], [0, 2]], { dtype: 'int32' });
    const [v2, i2] = lax.approxMinK(x, 3);
    near(v2, [[1, 3, 5], [-1, 0, 2]]);
    near(i2, [[0, 2, 1], [3, 1, 2]]);
    const [v3, i3] = lax.approxMaxK(x, 1, { reductionDimension: 0, recallTarget: 0.5, aggregateToTopk: false });
    near(v3, [[4, 5, 3, 5]]);
    near(i3, [[1, 0, 0, 0]]);
    const [v4] = lax.approxMinK(f64([2, NaN, 1]), 3);
    near(v4, [1, 2, NaN]);
  });

  it('are differentiable and batch', () => {
    checkGrad((a) => lax.approxMaxK(a.reshape([2, 3]), 2)[0], [1, 4, 2, -3, 0.5, 7]);
    checkGrad((a) => lax.approxMinK(a.reshape([2, 3]), 2, { reductionDimension: 0 })[0], [1, 4, 2, -3, 0.5, 7]);
    near(vmap((r: Array) => lax.approxMaxK(r, 1)[1])(x), [[1], [0]]);
    near(jit((r: Array) => lax.approxMinK(r, 1)[0])(x), [[1], [-1]]);
  });

  it('errors name k, the dimension and recallTarget', () => {
    expect(() => lax.approxMaxK(x, 5)).toThrow(/lax.approxMaxK: k must be an integer in \[0, 4\] \(axis 1 of f64\[2,4\]\), got 5/);
    expect(() => lax.approxMinK(x, 1, { reductionDimension: 2 })).toThrow(/lax.approxMinK: reductionDimension 2 is out of range for f64\[2,4\]/);
    expect(() => lax.approxMaxK(x, 1, { recallTarget: 0 })).toThrow(/lax.approxMaxK: recallTarget must be in \(0, 1\], got 0/);
  });
});

describe('lax.fft', () => {
  const z = np.complex(f64([[1, 2, 0], [-1, 3, 4]]), f64([[0, 1, 0], [2, 0, -1]]));
  it('FFT, IFFT, RFFT and IRFFT over the trailing axes, as numpy computes them', () => {
    const f = lax.fft(z, 'FFT', [2, 3]) as np.Complex;
    near(f.re, [[9.0, -2.767949192431, -6.232050807569], [-3.0, 4.5, 4.5]], { tol: 1e-11 });
    near(f.im, [[2.0, 1.133974596216, 2.866025403784], [0.0, -5.598076211353, -0.401923788647]], { tol: 1e-11 });
    const g = lax.fft(z, lax.FftType.IFFT, [3]) as np.Complex;
    near(g.re, [[1.0, -0.288675134595, 0.288675134595], [2.0, -1.788675134595, -1.211324865405]], { tol: 1e-11 });
    near(g.im, [[0.333333333333, 0.410683602523, -0.744016935856], [0.333333333333, 0.544658198739, 1.122008467928]], { tol: 1e-11 });
    const r = lax.fft(f64([[1, 2, 0, 5], [-1, 3, 4, 2]]), 'rfft', [2, 4]) as np.Complex;
    near(r.re, [[16, -4, -8], [0, 6, -4]], { tol: 1e-12 });
    near(r.im, [[0, 2, 0], [0, 4, 0]], { tol: 1e-12 });
    const ir = lax.fft(np.complex(f64([[1, 2, 3], [0, 0, -1]]), f64([[0, -1, 0], [0, 1, 0]])), 'IRFFT', [2, 4]) as Array;
    near(ir, [[0.875, -0.125, -0.125, -0.125], [1.125, 0.125, 0.125, -0.875]], { tol: 1e-12 });
    // a real Array given to FFT is a Complex with zero imaginary part: [10, -2+2i, -2, -2-2i] by hand
    const h = lax.fft(f64([1, 2, 3, 4]), 'FFT', [4]) as np.Complex;
    near(h.re, [10, -2, -2, -2], { tol: 1e-12 });
    near(h.im, [0, 2, 0, -2], { tol: 1e-12 });
  });

  it('is differentiable (through the fft primitive)', () => {
    checkGrad((a) => (lax.fft(a, 'RFFT', [4]) as np.Complex).re, [1, -2, 0.5, 3]);
    checkGrad((a) => lax.fft(np.complex(a, a.mul(0.5)), 'IRFFT', [4]) as Array, [1, -2, 0.5]);
  });

  it('errors name the type, the lengths and the shape', () => {
    expect(() => lax.fft(z, 'DCT' as 'FFT', [3])).toThrow(/lax.fft: fftType must be 'FFT', 'IFFT', 'RFFT' or 'IRFFT'/);
    expect(() => lax.fft(z, 'FFT', [4])).toThrow(/lax.fft: FFT with fftLengths \[4\] needs trailing axes \[4\], got an input of shape \[2,3\]; pad or slice/);
    expect(() => lax.fft(z, 'IRFFT', [3])).toThrow(/lax.fft: IRFFT with fftLengths \[3\] needs trailing axes \[2\]/);
    expect(() => lax.fft(z, 'RFFT', [3])).toThrow(/lax.fft: RFFT takes a real float Array, got a Complex of shape \[2,3\]/);
    expect(() => lax.fft(z, 'FFT', [])).toThrow(/lax.fft: fftLengths must be a non-empty JS array of positive integers/);
  });
});

describe('lax.complex, real, imag, conj', () => {
  it('build and take apart Complex values', () => {
    const z = lax.complex(f64([1, 2]), f64([3, 4]));
    near(lax.real(z), [1, 2]);
    near(lax.imag(z), [3, 4]);
    near(lax.imag(lax.conj(z)), [-3, -4]);
    near(lax.complex(f64([1, 2]), 0).im, [0, 0]);
    const c = lax.conj(f64([1, -2]));
    near(c.re, [1, -2]);
    near(c.im, [0, 0]);
  });

  it('are differentiable in both parts', () => {
    // |z|² of complex(x, 2x) = 5x², derivative 10x (by hand)
    near(grad((x: Array) => np.sum(lax.complex(x, x.mul(2)).abs().square()))(f64([1, -3])), [10, -30]);
    checkGrad((a) => lax.imag(lax.conj(lax.complex(a, a.square()))), [1, 2, -0.5]);
  });

  it('errors say what lax takes and where numpy is looser', () => {
    expect(() => lax.real(f64([1]) as unknown as np.Complex)).toThrow(/lax.real: expected a Complex, got f64\[1\]; lax.real takes complex operands only \(np.real also takes real arrays\)/);
    expect(() => lax.complex(f64([1]), np.array([1], { dtype: 'float32' }))).toThrow(/lax.complex: the parts must be float Arrays of one dtype, got f64\[1\] and f32\[1\]/);
    expect(() => lax.complex(f64([1, 2]), f64([1]))).toThrow(/lax.complex: the parts must have one shape/);
    expect(() => lax.conj(i32([1]))).toThrow(/lax.conj: expected a Complex or a real float Array, got i32\[1\]/);
  });
});

describe('lax.stack / lax.unstack', () => {
  it('as JAX\'s docs show', () => {
    near(lax.stack([i32([1, 2]), i32([3, 4])], 0), [[1, 2], [3, 4]], { dtype: 'int32' });
    near(lax.stack([i32([1, 2]), i32([3, 4])], 1), [[1, 3], [2, 4]]);
    near(lax.stack([i32([1, 2]), i32([3, 4])], -1), [[1, 3], [2, 4]]);
    const parts = lax.unstack(i32([[1, 2], [3, 4]]), 1);
    expect(parts.map((p) => p.js())).toEqual([[1, 3], [2, 4]]);
    expect(lax.unstack(i32([[1, 2], [3, 4]])).map((p) => p.js())).toEqual([[1, 2], [3, 4]]);
    checkGrad((a) => lax.stack(lax.unstack(a.reshape([2, 2]), 1).map((p) => p.square()), 0), [1, 2, 3, 4]);
  });
  it('errors', () => {
    expect(() => lax.stack([f64([1]), f64([1, 2])])).toThrow(/lax.stack: operands must have the same shape, got f64\[1\], f64\[2\]/);
    expect(() => lax.stack([f64([1]), i32([1])])).toThrow(/lax.stack: operands must have the same dtype/);
    expect(() => lax.stack([])).toThrow(/lax.stack: operands must be a non-empty JS array/);
    expect(() => lax.unstack(f64(1))).toThrow(/lax.unstack: needs an operand of rank >= 1, got f64\[\]/);
  });
});

describe('lax.broadcastLike', () => {
  it('broadcasts to the other array\'s shape, axes aligned at the end', () => {
    near(lax.broadcastLike(i32([1, 2, 3]), np.zeros([2, 3])), [[1, 2, 3], [1, 2, 3]], { dtype: 'int32' });
    near(lax.broadcastLike(f64([[1], [2]]), np.zeros([2, 2, 3])), [[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
    checkGrad((a) => lax.broadcastLike(a, np.zeros([3, 2])).square(), [1, -2]);
    expect(() => lax.broadcastLike(f64([1, 2]), np.zeros([2, 3]))).toThrow(/lax.broadcastLike: cannot broadcast f64\[2\] to the shape \[2,3\] of likeArr/);
  });
});

describe('lax.raggedDot', () => {
  const m = 5, k = 3, n = 2, g = 3;
  const lhsV = build([m, k], ([r, c]) => Math.sin(r + 2 * c) + r) as N2;
  const rhsV = build([g, k, n], ([q, r, c]) => Math.cos(q * 3 + r + c * 0.5)) as N3;
  /** By hand: row r of lhs times rhs[group of r]; rows past the groups give 0. */
  const reference = (sizes: number[]): N2 => lhsV.map((row, r) => {
    let q = 0, end = sizes[0];
    while (q < sizes.length && r >= end) end += sizes[++q] ?? 0;
    return globalThis.Array.from({ length: n }, (_, c) => (q >= sizes.length ? 0 : row.reduce((s, v, j) => s + v * rhsV[q][j][c], 0)));
  });

  it('multiplies each group of rows by its matrix', () => {
    for (const sizes of [[2, 1, 2], [0, 5, 0], [1, 1, 1], [5, 0, 0]]) {
      near(lax.raggedDot(f64(lhsV), f64(rhsV), i32(sizes)), reference(sizes), { tol: 1e-12 });
    }
    near(lax.raggedDot(f64(lhsV), f64(rhsV), [2, 1, 2], { preferredElementType: 'float32' }), reference([2, 1, 2]), { tol: 1e-6, dtype: 'float32' });
  });

  it('is differentiable in lhs and rhs, and takes traced sizes', () => {
    const sizes = i32([2, 1, 2]);
    checkGrad((a) => lax.raggedDot(a.reshape([m, k]), f64(rhsV), sizes), lhsV.flat());
    checkGrad((b) => lax.raggedDot(f64(lhsV), b.reshape([g, k, n]), sizes), rhsV.flat(2));
    near(jit((s: Array) => lax.raggedDot(f64(lhsV), f64(rhsV), s))(i32([1, 3, 1])), reference([1, 3, 1]), { tol: 1e-12 });
    const batched = vmap((s: Array) => lax.raggedDot(f64(lhsV), f64(rhsV), s))(i32([[2, 1, 2], [0, 5, 0]]));
    near(batched, [reference([2, 1, 2]), reference([0, 5, 0])], { tol: 1e-12 });
  });

  it('errors name the shapes', () => {
    expect(() => lax.raggedDot(f64(lhsV), f64(rhsV).slice([], [0, 2]), i32([1, 2, 2]))).toThrow(/lax.raggedDot: the contracting sizes differ: lhs f64\[5,3\] has k = 3, rhs f64\[3,2,2\] has k = 2/);
    expect(() => lax.raggedDot(f64(lhsV), f64(rhsV), i32([1, 2]))).toThrow(/lax.raggedDot: groupSizes must be an integer vector of length g = 3/);
    expect(() => lax.raggedDot(f64([1, 2]), f64(rhsV), i32([1, 1, 0]))).toThrow(/lax.raggedDot: expected lhs \[m, k\] and rhs \[g, k, n\], got f64\[2\]/);
  });
});

describe('collectives under vmap: psumScatter, allToAll, pbroadcast, withShardingConstraint', () => {
  it('psumScatter: example i keeps part i of the sum', () => {
    // stacked X [3, 3, 2]; untiled along axis 0: Y[i] = Σ_j X[j][i]
    const X = build([3, 3, 2], ([a, b, c]) => a * 10 + b * 3 + c) as N3;
    const want = [0, 1, 2].map((i) => [0, 1].map((c) => X.reduce((s, xj) => s + xj[i][c], 0)));
    near(overI((x) => lax.psumScatter(x, 'i'))(f64(X)), want);
    // along axis 1 (size 2 = the axis size? no: 3 examples) — tiled blocks of axis 0 instead: [2, 4] per example, 2 examples
    const Y = build([2, 4, 3], ([a, b, c]) => a * 7 - b + c * c) as N3;
    const wantT = [0, 1].map((i) => [0, 1].map((r) => [0, 1, 2].map((c) => Y[0][2 * i + r][c] + Y[1][2 * i + r][c])));
    near(overI((x) => lax.psumScatter(x, 'i', { tiled: true }))(f64(Y)), wantT);
    const wantD1 = [0, 1].map((i) => [0, 1, 2, 3].map((r) => Y[0][r][i] + Y[1][r][i]));
    near(overI((x) => lax.psumScatter(x.slice([], [0, 2]), 'i', { scatterDimension: 1 }))(f64(Y)), wantD1);
    checkGrad((v) => overI((x) => lax.psumScatter(x.reshape([3]).square(), 'i'))(v.reshape([3, 3])), [1, 2, 3, -1, 0.5, 2, 4, -2, 1]);
  });

  it('allToAll: untiled and tiled, against the stacked array by hand', () => {
    // A: n = 2, x [2, 3], split 0, concat 1 -> [3, 2]: Y[i][c][j] = X[j][i][c]
    const A = build([2, 2, 3], ([j, r, c]) => 100 * j + 10 * r + c) as N3;
    near(overI((x) => lax.allToAll(x, 'i', 0, 1))(f64(A)), build([2, 3, 2], ([i, c, j]) => A[j][i][c]) as N3);
    // B: n = 3, x [4, 3], split 1, concat 0 -> [3, 4]: Y[i][j][r] = X[j][r][i]
    const B = build([3, 4, 3], ([j, r, c]) => 100 * j + 10 * r + c) as N3;
    near(overI((x) => lax.allToAll(x, 'i', 1, 0))(f64(B)), build([3, 3, 4], ([i, j, r]) => B[j][r][i]) as N3);
    // C: split = concat = 1, x [2, 3], n = 3: Y[i][r][j] = X[j][r][i]
    const C = build([3, 2, 3], ([j, r, c]) => 100 * j + 10 * r + c) as N3;
    near(overI((x) => lax.allToAll(x, 'i', 1, 1))(f64(C)), build([3, 2, 3], ([i, r, j]) => C[j][r][i]) as N3);
    // D: tiled, n = 2, x [4, 3], split 0, concat 1 -> [2, 6]: Y[i][r][3j + c] = X[j][2i + r][c]
    const D = build([2, 4, 3], ([j, r, c]) => 100 * j + 10 * r + c) as N3;
    near(overI((x) => lax.allToAll(x, 'i', 0, 1, { tiled: true }))(f64(D)), build([2, 2, 6], ([i, r, q]) => D[Math.floor(q / 3)][2 * i + r][q % 3]) as N3);
    // E: tiled, n = 2, x [2, 4], split 1, concat 0 -> [4, 2]: Y[i][2j + r][c] = X[j][r][2i + c]
    const E = build([2, 2, 4], ([j, r, c]) => 100 * j + 10 * r + c) as N3;
    near(overI((x) => lax.allToAll(x, 'i', 1, 0, { tiled: true }))(f64(E)), build([2, 4, 2], ([i, q, c]) => E[Math.floor(q / 2)][q % 2][2 * i + c]) as N3);
    // pytrees map over their leaves; jit inside; gradients flow back to the senders
    const t = overI((x) => lax.allToAll({ a: x, b: [x.mul(2)] }, 'i', 0, 0))(f64([[1, 2], [3, 4]]));
    near(t.a, [[1, 3], [2, 4]]);
    near(t.b[0], [[2, 6], [4, 8]]);
    near(overI(jit((x: Array) => lax.allToAll(x, 'i', 0, 0)))(f64([[1, 2], [3, 4]])), [[1, 3], [2, 4]]);
    checkGrad((v) => overI((x) => lax.allToAll(x.square(), 'i', 0, 1))(v.reshape([2, 2, 3])), A.flat(2).map((q) => q / 50));
  });

  it('pswapaxes is allToAll(x, name, axis, axis)', () => {
    const C = build([3, 2, 3], ([j, r, c]) => 100 * j + 10 * r + c) as N3;
    near(overI((x) => lax.pswapaxes(x, 'i', 1))(f64(C)), build([3, 2, 3], ([i, r, j]) => C[j][r][i]) as N3);
  });

  it('pbroadcast: every example gets the source\'s value', () => {
    near(overI((x) => lax.pbroadcast(x, 'i', 2))(f64([1, 2, 3])), [3, 3, 3]);
    near(overI((x) => lax.pbroadcast(x, 'i', 0))(f64([[1, 2], [3, 4]])), [[1, 2], [1, 2]]);
    // d/dx of Σ_i x_src·w_i goes only to the source: grad of sum is [0, 3, 0] for source 1 (by hand)
    near(grad((v: Array) => np.sum(overI((x) => lax.pbroadcast(x, 'i', 1))(v)))(f64([5, 6, 7])), [0, 3, 0]);
  });

  it('withShardingConstraint is the identity', () => {
    const x = f64([1, 2]);
    expect(lax.withShardingConstraint(x, { spec: ['data'] })).toBe(x);
    near(jit((y: Array) => lax.withShardingConstraint(y.mul(2), null))(x), [2, 4]);
  });

  it('errors name the axis and the sizes', () => {
    expect(() => overI((x) => lax.psumScatter(x, 'i'))(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(/lax.psumScatter: axis 0 of an example \(f64\[3\]\) must have the size of axis 'i' \(2\); pass tiled: true/);
    expect(() => overI((x) => lax.allToAll(x, 'i', 0, 0))(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(/lax.allToAll: splitAxis 0 of an example \(f64\[3\]\) must have the size of axis 'i' \(2\)/);
    expect(() => overI((x) => lax.allToAll(x, 'i', 0, 0, { tiled: true }))(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(/must be divisible by the size of axis 'i' \(2\) when tiled/);
    expect(() => overI((x) => lax.pbroadcast(x, 'i', 5))(f64([1, 2]))).toThrow(/lax.pbroadcast: source must be an integer in \[0, 2\)/);
    expect(() => lax.psumScatter(f64([1]), 'j')).toThrow(/unbound axis name "j"/);
  });
});
