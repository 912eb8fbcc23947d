/**
 * nn.scaledMatmul, nn.scaledDotGeneral and nn.getScaledDotGeneralConfig (jax.nn's block-scaled
 * products). scaledMatmul is checked against a plain loop over the dequantised operands;
 * scaledDotGeneral's emulated mxfp8 / nvfp4 quantisation against JAX's algorithm run in numpy with
 * ml_dtypes' float8_e4m3fn / float4_e2m1fn / float8_e8m0fnu (values pasted); derivatives against
 * central differences (scaledMatmul) and the unquantised product (scaledDotGeneral's
 * straight-through estimator).
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, lax, nn, np, vmap } from '../lib/index.js';
import { checkGrad, near } from './check-values.js';

/** ((i·a) mod 101 − 50)/16 over a shape: exact in binary, the same data numpy was given. */
function data(shape: number[], a: number): Array {
  const n = shape.reduce((p, d) => p * d, 1);
  return np.array(globalThis.Array.from({ length: n }, (_, i) => (((i * a) % 101) - 50) / 16), { dtype: 'float64', shape });
}

/** out[b, m, n] = Σ_k lhs[b, m, k]·ls[b, m, k div bs]·rhs[b, n, k]·rs[b, n, k div bs], by loops. */
function reference(lhs: number[][][], rhs: number[][][], ls: number[][][], rs: number[][][]): number[][][] {
  const K = lhs[0][0].length;
  const bs = K / ls[0][0].length;
  return lhs.map((lb, b) => lb.map((row, m) => rhs[b].map((col, n) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += row[k] * ls[b][m][Math.floor(k / bs)] * col[k] * rs[b][n][Math.floor(k / bs)];
    return s;
  })));
}

describe('nn.scaledMatmul', () => {
  const lhs = data([2, 3, 8], 37);
  const rhs = data([2, 5, 8], 53);
  const ls = np.add(np.abs(data([2, 3, 4], 29)), 0.25);
  const rs = np.add(np.abs(data([2, 5, 4], 31)), 0.5);
  type T3 = number[][][];

  it('is the einsum of the dequantised operands (blocks of 2 and of 8)', () => {
    const out = nn.scaledMatmul(lhs, rhs, ls, rs);
    expect(out.shape).toEqual([2, 3, 5]);
    expect(out.dtype).toBe('float64');
    near(out, reference(lhs.js() as T3, rhs.js() as T3, ls.js() as T3, rs.js() as T3));
    const ls1 = ls.slice([], [], [0, 1]);
    const rs1 = rs.slice([], [], [0, 1]);
    near(nn.scaledMatmul(lhs, rhs, ls1, rs1), reference(lhs.js() as T3, rhs.js() as T3, ls1.js() as T3, rs1.js() as T3));
    // Unit scales: a plain batched product with both operands contracting their last axis.
    const ones = np.ones([2, 3, 2], { dtype: 'float64' });
    near(nn.scaledMatmul(lhs, rhs, ones, np.ones([2, 5, 2], { dtype: 'float64' })), np.einsum('bmk,bnk->bmn', lhs, rhs).js() as T3);
  });

  it('preferredElementType sets the compute and result dtype', () => {
    const out = nn.scaledMatmul(lhs, rhs, ls, rs, { preferredElementType: 'float32' });
    expect(out.dtype).toBe('float32');
    near(out, reference(lhs.js() as T3, rhs.js() as T3, ls.js() as T3, rs.js() as T3), { tol: 1e-6 });
    expect(() => nn.scaledMatmul(lhs, rhs, ls, rs, { preferredElementType: 'int32' })).toThrow(/nn\.scaledMatmul: preferredElementType must be a float dtype/);
  });

  it('differentiates in every argument; jit and vmap agree', () => {
    const flat = (x: Array): number[] => globalThis.Array.from(x.dataSync(), Number);
    checkGrad((x) => nn.scaledMatmul(x, rhs, ls, rs), flat(lhs), [2, 3, 8], 1e-7);
    checkGrad((x) => nn.scaledMatmul(lhs, x, ls, rs), flat(rhs), [2, 5, 8], 1e-7);
    checkGrad((s) => nn.scaledMatmul(lhs, rhs, s, rs), flat(ls), [2, 3, 4], 1e-7);
    checkGrad((s) => nn.scaledMatmul(lhs, rhs, ls, s), flat(rs), [2, 5, 4], 1e-7);
    const f = (x: Array): Array => nn.scaledMatmul(x, rhs, ls, rs);
    near(jit(f)(lhs), f(lhs).js() as T3, { tol: 1e-14 });
    const xs = np.stack([lhs, np.multiply(lhs, 2)]);
    const vb = vmap(f)(xs);
    near(vb.slice(1), f(np.multiply(lhs, 2)).js() as T3, { tol: 1e-14 });
  });

  it('errors name the function, the shapes and the fix', () => {
    expect(() => nn.scaledMatmul(np.ones([3, 8]), rhs, ls, rs)).toThrow(/nn\.scaledMatmul: lhs \[B, M, K\] must have rank 3, got shape \[3,8\]/);
    expect(() => nn.scaledMatmul(lhs, np.ones([2, 8, 5]), ls, rs)).toThrow(/nn\.scaledMatmul: lhs is \[2,3,8\] \[B, M, K\] but rhs is \[2,8,5\].*swapaxes/);
    expect(() => nn.scaledMatmul(lhs, rhs, np.ones([2, 3, 3]), np.ones([2, 5, 3]))).toThrow(/multiple of the scales' last axis \(3 blocks\)/);
    expect(() => nn.scaledMatmul(lhs, rhs, ls, np.ones([2, 5, 2]))).toThrow(/nn\.scaledMatmul: scales must be lhsScales \[2, 3, K\/blockSize\]/);
  });
});

describe('nn.scaledDotGeneral', () => {
  const lhs = data([2, 4, 64], 37);
  const rhs = data([2, 3, 64], 53);
  const dn = [[[2], [2]], [[0], [0]]] as const;
  // JAX's quantize + scaled_matmul, in numpy with ml_dtypes.
  const MXFP8 = [[[38.2265625, 5.08203125, 14.80859375], [-10.1484375, 4.37890625, -17.546875], [7.38671875, -0.48046875, 33.32421875], [8.5234375, -11.7109375, -31.71875]], [[18.6875, 9.453125, -23.2109375], [13.0625, -19.53515625, 36.1015625], [12.90625, -26.578125, -22.1015625], [-29.33984375, 40.8125, -7.19921875]]];
  const NVFP4_HALF = [[[46.1875, 3.4765625, 15.3984375], [-10.25, 2.1328125, -23.046875], [11.1875, 1.03515625, 44.5610351562], [9.4375, -14.0234375, -34.46875]], [[23.375, 10.29296875, -28.875], [15.703125, -22.40625, 48.0], [17.859375, -27.3671875, -25.4375], [-37.09765625, 46.0078125, -9.328125]]];

  it('without configs is lax.dotGeneral', () => {
    near(nn.scaledDotGeneral(lhs, rhs, dn), lax.dotGeneral(lhs, rhs, dn).js() as number[][][]);
  });

  it('mxfp8 and nvfp4 match JAX\'s quantisation (numpy + ml_dtypes)', () => {
    const mx = nn.getScaledDotGeneralConfig('mxfp8');
    near(nn.scaledDotGeneral(lhs, rhs, dn, { configs: [mx, mx, mx] }), MXFP8, { tol: 1e-12 });
    const nv = nn.getScaledDotGeneralConfig('nvfp4', np.array([0.5], { dtype: 'float32' }));
    near(nn.scaledDotGeneral(lhs, rhs, dn, { configs: [nv, nv, nv] }), NVFP4_HALF, { tol: 1e-10 });
    // Another layout: lhs [K, M, B] (contracting axis 0, batch axis 2), rhs [B, K, N].
    const l2 = np.transpose(lhs, [2, 1, 0]);
    const r2 = np.transpose(rhs, [0, 2, 1]);
    const out = nn.scaledDotGeneral(l2, r2, [[[0], [1]], [[2], [0]]], { configs: [mx, mx, mx], preferredElementType: 'float32' });
    expect(out.dtype).toBe('float32');
    near(out, MXFP8, { tol: 1e-6 });
  });

  it('the derivative is the unquantised product\'s (straight-through)', () => {
    const mx = nn.getScaledDotGeneralConfig('mxfp8');
    const w = np.cos(np.arange(24).reshape([2, 4, 3]));
    const gq = grad((x: Array) => np.sum(np.multiply(nn.scaledDotGeneral(x, rhs, dn, { configs: [mx, mx, mx] }), w)))(lhs);
    const ge = grad((x: Array) => np.sum(np.multiply(lax.dotGeneral(x, rhs, dn), w)))(lhs);
    near(gq, ge.js() as number[][][], { tol: 1e-12 });
  });

  it('configs and errors', () => {
    const mx = nn.getScaledDotGeneralConfig('mxfp8');
    expect(mx).toMatchObject({ mode: 'mxfp8', blockSize: 32, dataType: 'float8_e4m3fn', scaleType: 'float8_e8m0fnu', globalScale: null, inferOnly: false });
    const nv = nn.getScaledDotGeneralConfig('nvfp4');
    expect(nv).toMatchObject({ mode: 'nvfp4', blockSize: 16, dataType: 'float4_e2m1fn', scaleType: 'float8_e4m3fn' });
    expect(nv.globalScale?.js()).toEqual([1]);
    expect(() => nn.getScaledDotGeneralConfig('fp4' as 'mxfp8')).toThrow(/mode must be 'mxfp8' or 'nvfp4'/);
    expect(() => nn.scaledDotGeneral(data([2, 4, 48], 3), data([2, 3, 48], 5), dn, { configs: [mx, mx, mx] })).toThrow(/nn\.scaledDotGeneral: the contracting size 48 must be a positive multiple of the mxfp8 block size 32/);
    expect(() => nn.scaledDotGeneral(lhs, rhs, dn, { configs: [mx, nv, mx] })).toThrow(/one mode/);
  });
});
