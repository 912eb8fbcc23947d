/**
 * lib/lax/conv.ts and lib/numpy/signal.ts: convGeneralDilated, conv, convWithGeneralPadding,
 * convTranspose, the shape helpers, and np.convolve / np.correlate. Expected values come from an
 * explicit-loop numpy reference of XLA's convolution semantics (checked against
 * scipy.signal.correlate) and from numpy 2.4, pasted as literals; gradients are checked against
 * central differences in float64, and jit and vmap against the eager call.
 */
import { describe, expect, it } from 'vitest';
import { type Array, ShapeError, lax, np, vjp } from '../lib/index.js';
import { type Deep, checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
/** The data of the Python reference: ((((i + seed) * 37) % 23) - 11) / 8, exact in binary. */
const genData = (shape: readonly number[], seed = 0): number[] => globalThis.Array.from({ length: prod(shape) }, (_, i) => ((((i + seed) * 37) % 23) - 11) / 8);
const gen = (shape: readonly number[], seed = 0): Array => f64(genData(shape, seed)).reshape([...shape]);

type ConvCase = [string, number[], number[], number[], lax.Padding, lax.ConvGeneralDilatedOptions, Deep];
const CONV_CASES: ConvCase[] = [
  ['1-D stride 2 VALID', [2, 3, 7], [2, 3, 3], [2], "VALID", {}, [[[3.1875, 3.1875, -1.84375], [-0.5, -3.90625, 0.234375]], [[-1.84375, 3.1875, 3.1875], [1.828125, -0.5, -3.90625]]]],
  ['1-D stride 2 SAME', [2, 3, 7], [2, 3, 3], [2], "SAME", {}, [[[-3.5, -0.40625, -1.84375, 1.84375], [1.4375, 2.46875, 1.9375, 0.265625]], [[1.84375, -1.84375, -0.40625, -3.5], [-3.40625, 0.125, 2.46875, 3.0625]]]],
  ['1-D stride 2 SAME_LOWER, even kernel', [2, 3, 7], [2, 3, 4], [2], "SAME_LOWER", {}, [[[-0.546875, 1.796875, 1.71875, 3.1875], [1.84375, -2.0, 0.53125, -3.265625]], [[-0.421875, -2.796875, 1.796875, 2.6875], [0.84375, 1.578125, -2.0, -0.0625]]]],
  ['1-D stride 2 SAME, even kernel', [2, 3, 7], [2, 3, 4], [2], "SAME", {}, [[[1.21875, -2.375, -2.8125, 0.609375], [-3.21875, 1.78125, 1.4375, -0.65625]], [[-0.140625, 3.09375, -2.375, -2.3125], [0.921875, -3.625, 1.78125, -0.03125]]]],
  ['1-D explicit padding', [2, 3, 7], [2, 3, 3], [1], [[2, 1]], {}, [[[1.71875, -3.5, 3.1875, -0.40625, 3.1875, -1.84375, -1.84375, 1.84375], [-1.21875, 1.4375, -0.5, 2.46875, -3.90625, 1.9375, 0.234375, 0.265625]], [[0.234375, 1.84375, -1.84375, -1.84375, 3.1875, -0.40625, 3.1875, -3.5], [0.46875, -3.40625, 1.828125, 0.125, -0.5, 2.46875, -3.90625, 3.0625]]]],
  ['1-D negative padding crops', [2, 3, 7], [2, 3, 3], [1], [[-1, 2]], {}, [[[-0.40625, 3.1875, -1.84375, -1.84375, 1.84375, 0.234375], [2.46875, -3.90625, 1.9375, 0.234375, 0.265625, 0.359375]], [[-1.84375, 3.1875, -0.40625, 3.1875, -3.5, 1.71875], [0.125, -0.5, 2.46875, -3.90625, 3.0625, -1.453125]]]],
  ['2-D strides, SAME, rhs dilation', [1, 2, 5, 4], [3, 2, 2, 3], [2, 1], "SAME", {"rhsDilation": [1, 2]}, [[[[-0.28125, -1.234375, -0.171875, -0.109375], [1.4375, 2.640625, -3.625, 1.828125], [-2.359375, 0.53125, 1.03125, 0.296875]], [[-3.75, 1.4375, 1.390625, -0.671875], [0.015625, 1.609375, -0.015625, -2.4375], [2.59375, -0.96875, -0.484375, 0.59375]], [[-0.75, 2.3125, -0.28125, -1.234375], [-3.203125, -1.21875, 1.4375, 2.640625], [2.515625, 0.765625, -2.359375, 0.53125]]]]],
  ['2-D lhs dilation, explicit padding', [1, 2, 5, 4], [3, 2, 2, 3], [1, 1], [[1, 1], [0, 2]], {"lhsDilation": [2, 1]}, [[[[-1.875, -1.375, 0.5, 0.953125], [1.078125, -2.515625, 1.96875, -2.109375], [0.84375, -1.890625, 0.8125, -0.71875], [1.078125, 1.078125, -0.25, 0.703125], [1.40625, 0.828125, -2.46875, 0.84375], [-2.515625, 1.078125, 0.765625, -0.078125], [0.890625, 1.390625, 0.71875, -1.1875], [2.515625, -2.515625, -0.015625, 0.9375], [-1.421875, 0.875, 0.671875, 0.375], [-2.515625, 2.515625, -2.59375, 0.15625]], [[1.046875, 1.390625, 1.453125, -2.25], [2.5625, -1.1875, 1.484375, 1.515625], [-1.890625, 0.96875, 0.03125, 0.421875], [-3.09375, 2.5, -2.46875, 0.40625], [-1.234375, -1.96875, 0.765625, 0.578125], [1.671875, -3.15625, 2.5625, -1.78125], [0.859375, -1.3125, -0.296875, 0.375], [1.046875, 1.609375, -2.46875, 1.0625], [1.15625, 0.78125, -2.078125, 0.53125], [-1.375, 0.984375, 1.484375, -1.125]], [[0.734375, 0.921875, -1.90625, 1.375], [-0.265625, 0.859375, -2.59375, 1.1875], [0.40625, 0.59375, -0.390625, 0.125], [0.28125, -0.03125, -0.015625, -0.25], [1.15625, 0.265625, 0.765625, -1.125], [0.46875, 0.515625, 0.765625, -0.25], [-2.40625, 1.015625, 0.125, 0.5], [-2.21875, 0.703125, -0.25, -0.25], [0.5, -2.546875, 1.28125, -0.75], [1.5625, -1.984375, 1.96875, -0.25]]]]],
  ['2-D lhs and rhs dilation, strides', [2, 1, 4, 4], [2, 1, 3, 2], [2, 3], [[2, 1], [1, 1]], {"lhsDilation": [2, 2], "rhsDilation": [1, 2]}, [[[[0.0, 0.84375, 0.0], [0.0, -1.40625, 0.0], [0.0, 3.078125, 0.0], [0.0, -0.703125, 0.0]], [[0.0, -0.9375, 0.0], [0.0, 2.234375, 0.0], [0.0, -1.875, 0.0], [0.0, -0.59375, 0.0]]], [[[0.0, -1.546875, 0.0], [0.0, 1.4375, 0.0], [0.0, -2.34375, 0.0], [0.0, 2.140625, 0.0]], [[0.0, 1.40625, 0.0], [0.0, -1.984375, 0.0], [0.0, 2.171875, 0.0], [0.0, -1.9375, 0.0]]]]],
  ['3-D explicit padding', [1, 2, 4, 3, 3], [2, 2, 2, 2, 2], [1, 1, 1], [[1, 0], [0, 1], [1, 1]], {}, [[[[[2.109375, 0.484375, -1.328125, -0.0625], [-0.5625, 0.796875, 1.5, 0.40625], [-0.21875, -0.59375, 0.265625, -0.328125]], [[1.71875, -0.84375, 0.671875, -1.0], [2.46875, -3.84375, 3.0625, 1.359375], [-0.3125, -0.421875, -0.265625, -0.078125]], [[-2.140625, 2.734375, -2.9375, -0.390625], [-2.828125, 4.40625, -0.546875, 0.890625], [-0.90625, -0.453125, -0.296875, -0.59375]], [[2.984375, -0.515625, -0.4375, -0.859375], [2.296875, -3.875, 3.03125, 1.5], [-0.421875, -0.484375, -0.328125, -0.03125]]], [[[-0.90625, -0.734375, 1.6875, 1.15625], [1.15625, -2.453125, 0.328125, -1.1875], [0.65625, -1.828125, 3.125, -1.828125]], [[-0.53125, -2.90625, 2.765625, 1.265625], [-1.8125, 4.40625, -3.21875, -0.5625], [-2.0625, 4.484375, -3.703125, 2.40625]], [[1.734375, -1.453125, -0.8125, 1.890625], [1.171875, -3.84375, 1.46875, -1.015625], [1.484375, -3.796875, 4.546875, -2.234375]], [[-1.390625, 1.4375, -0.4375, 1.4375], [-1.953125, 4.4375, -3.1875, -0.390625], [-2.15625, 4.453125, -3.734375, 2.46875]]]]]],
  ['3-D strides SAME', [1, 2, 4, 3, 3], [2, 2, 2, 2, 2], [2, 1, 2], "SAME", {}, [[[[[-0.84375, -1.0], [-3.84375, 1.359375], [-0.421875, -0.078125]], [[-0.515625, -0.859375], [-3.875, 1.5], [-0.484375, -0.03125]]], [[[-2.90625, 1.265625], [4.40625, -0.5625], [4.484375, 2.40625]], [[1.4375, 1.4375], [4.4375, -0.390625], [4.453125, 2.46875]]]]]],
  ['feature groups', [2, 4, 6], [4, 2, 3], [1], "VALID", {"featureGroupCount": 2}, [[[1.671875, -2.171875, 4.046875, -1.234375], [-0.453125, 0.65625, -1.828125, 0.71875], [1.171875, -1.75, 0.359375, 0.671875], [3.5, -1.65625, -1.78125, 4.5625]], [[-2.171875, 4.046875, -1.234375, -1.484375], [0.65625, -1.828125, 0.71875, 0.03125], [-1.75, 0.359375, 0.671875, -1.53125], [-1.65625, -1.78125, 4.5625, -2.75]]]],
  ['depthwise 2-D', [1, 3, 4, 4], [6, 1, 2, 2], [1, 1], "SAME", {"featureGroupCount": 3}, [[[[0.578125, 0.5, 0.421875, -0.859375], [-1.171875, 0.546875, 0.46875, 0.390625], [0.3125, -1.203125, 0.515625, -0.15625], [1.25, -1.5, -0.65625, 1.25]], [[0.125, -0.1875, -0.5, -0.390625], [2.109375, 0.0, -0.3125, 0.390625], [-0.9375, 1.984375, -0.125, -0.625], [-1.40625, -0.140625, 1.125, 0.0]], [[2.421875, -1.359375, 0.96875, 1.6875], [-1.921875, 2.5625, -1.578125, -1.59375], [2.0, -1.78125, 2.703125, -1.28125], [-1.5, 0.546875, -0.640625, 1.40625]], [[-1.78125, 2.46875, 0.96875, -0.4375], [2.28125, -1.734375, -1.4375, 0.484375], [-1.921875, 2.328125, -1.6875, 0.328125], [1.15625, -1.046875, 1.78125, -0.421875]], [[-1.390625, -1.6875, 2.328125, -1.46875], [2.09375, -1.4375, -1.734375, 1.859375], [-1.96875, 0.96875, 2.46875, -1.28125], [0.828125, 0.125, -1.296875, 0.328125]], [[-1.4375, 2.703125, -1.78125, 0.28125], [-2.484375, -1.578125, 2.5625, -0.453125], [1.859375, 0.96875, -1.359375, 0.609375], [-0.90625, -1.1875, 1.40625, -0.28125]]]]],
  ['batch groups', [4, 2, 5], [4, 2, 2], [1], "VALID", {"batchGroupCount": 2}, [[[3.25, -1.859375, 3.09375, -2.015625], [-1.453125, 1.46875, -2.078125, 0.84375], [0.515625, -0.03125, -1.296875, -0.046875], [0.46875, -0.3125, -0.734375, 0.28125]], [[3.1875, -1.921875, 3.03125, -2.078125], [-1.703125, 1.21875, -2.328125, 0.59375], [0.796875, 0.25, -1.015625, 0.234375], [0.5625, -0.21875, -0.640625, 0.375]]]],
  ['batch groups, strides', [6, 2, 5], [3, 2, 2], [2], "SAME", {"batchGroupCount": 3}, [[[3.25, 3.09375, 0.15625], [-1.953125, 2.09375, 0.3125], [-1.078125, -0.734375, 0.09375]], [[3.1875, 3.03125, -0.3125], [-2.203125, 1.84375, 0.46875], [-1.15625, -0.453125, 0.15625]]]],
];
const NHWC_OUT = [[[[-0.171875, -1.84375, -1.71875], [0.984375, 1.015625, -0.03125]], [[-4.09375, -0.34375, -0.90625], [3.9375, 1.953125, -3.265625]], [[-1.546875, -2.4375, 2.78125], [3.65625, -0.34375, -1.46875]], [[-2.234375, 0.5, 3.234375], [-0.21875, -1.203125, -1.46875]], [[-1.515625, 2.015625, 1.953125], [-1.953125, 0.375, -1.609375]]]];
const NCWH_OUT = [[[[0.515625, -0.796875, -2.46875], [0.5, -0.9375, -2.375]], [[0.65625, -0.96875, 2.078125], [0.640625, -1.109375, 2.171875]], [[0.796875, -0.421875, -0.203125], [0.78125, -0.5625, -0.109375]], [[-3.375, 3.359375, 0.03125], [-3.390625, 3.21875, 0.125]]]];
const CT_1D_SAME = [[[0.1875, -1.5625, -0.4375], [-0.8125, 0.3125, -1.4375], [1.546875, -0.84375, 0.0], [-0.34375, -0.625, -0.1875], [3.203125, -1.640625, -0.375], [-0.234375, 1.3125, -1.09375], [-0.890625, 0.078125, 1.765625], [0.234375, 0.375, 0.15625]]];
const CT_1D_VALID = [[[0.1875, -1.5625, -0.4375], [-0.8125, 0.3125, -1.4375], [1.546875, -0.84375, 0.0], [-0.34375, -0.625, -0.1875], [3.203125, -1.640625, -0.375], [-0.234375, 1.3125, -1.09375], [-0.890625, 0.078125, 1.765625], [0.234375, 0.375, 0.15625], [-1.328125, 0.25, 0.390625]]];
const CT_2D_SAME = [[[[0.984375, -1.84375], [-1.71875, 0.484375], [0.4375, -2.0], [-2.03125, 0.5625]], [[0.609375, -2.21875], [-2.09375, 0.109375], [0.53125, -1.90625], [-1.9375, 0.65625]], [[0.484375, 2.796875], [3.09375, -0.703125], [0.328125, 1.625], [1.609375, 0.390625]], [[-0.265625, 0.921875], [1.09375, -0.953125], [-0.34375, 1.234375], [1.25, -0.40625]], [[-1.625, 1.890625], [1.921875, -1.75], [0.375, -2.15625], [-2.078125, 0.0625]], [[-0.421875, 1.546875], [1.40625, 0.140625], [0.578125, -2.09375], [-2.03125, 0.328125]]]];
const CT_2D_DIL = [[[[0.984375, -1.84375], [-1.28125, -1.515625], [-2.03125, 0.5625]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.859375, -0.78125], [-0.25, -0.953125], [-0.640625, 0.296875]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[-0.875, 3.40625], [4.609375, -1.828125], [-0.28125, 0.859375]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[-1.203125, 2.3125], [2.53125, -3.671875], [-2.265625, -0.125]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [[0.0, -1.265625], [-1.015625, 1.515625], [1.015625, 0.140625]]]];
const CT_2D_TK = [[[[1.90625, 1.28125], [-0.421875, -1.046875], [1.4375, 1.59375], [-1.125, -0.96875]], [[-1.671875, 1.65625], [1.03125, -0.671875], [-0.8125, 1.5], [1.65625, -1.0625]], [[-1.765625, 0.703125], [2.8125, 0.25], [-1.84375, 0.390625], [2.265625, -0.53125]], [[-0.3125, -0.8125], [-1.671875, 1.0625], [0.546875, -0.96875], [-1.046875, 0.671875]], [[-1.203125, -1.0], [-1.15625, 2.28125], [2.3125, 0.484375], [-1.703125, -0.296875]], [[1.40625, -1.125], [-0.421875, 0.28125], [-1.328125, 1.59375], [1.28125, -0.828125]]]];
const CT_1D_EXPLICIT = [[[-0.8125, 0.3125, -1.4375], [2.140625, -0.6875, 0.4375], [-0.59375, -0.15625, -0.4375], [-0.34375, -0.625, -0.1875], [2.0625, -0.375, -0.65625], [1.140625, -1.265625, 0.28125], [-0.234375, 1.3125, -1.09375], [-1.25, -0.0625, 1.484375], [0.359375, 0.140625, 0.28125], [0.234375, 0.375, 0.15625], [-1.328125, 0.25, 0.390625]]];
const INT_OUT = [[[152, -94, 97, -34]]];
// xi [[[-11, 3, -6, 8, -1, -10]]] wi [[[-10, 4, -5]]]

describe('lax.convGeneralDilated values', () => {
  it.each(CONV_CASES)('%s', (_name, ls, rs, strides, padding, opts, want) => {
    const out = lax.convGeneralDilated(gen(ls, 0), gen(rs, 5), strides, padding, opts);
    expect(out.dtype).toBe('float64');
    near(out, want, { tol: 1e-12 });
  });

  it('takes NHWC / HWIO dimension numbers', () => {
    const out = lax.convGeneralDilated(gen([1, 5, 4, 2]), gen([2, 3, 2, 3], 5), [1, 2], 'SAME', { dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] });
    near(out, NHWC_OUT, { tol: 1e-12 });
    // the same as the default layouts with transposes around it
    const ref = lax.convGeneralDilated(gen([1, 5, 4, 2]).transpose([0, 3, 1, 2]), gen([2, 3, 2, 3], 5).transpose([3, 2, 0, 1]), [1, 2], 'SAME');
    near(out, ref.transpose([0, 2, 3, 1]).js() as Deep, { tol: 1e-12 });
  });

  it('orders spatial axes by the kernel spec, as JAX', () => {
    const dn = lax.convDimensionNumbers([1, 2, 4, 5], [3, 2, 2, 3], ['NCWH', 'OIHW', 'NHWC']);
    expect(dn).toEqual({ lhsSpec: [0, 1, 3, 2], rhsSpec: [0, 1, 2, 3], outSpec: [0, 3, 1, 2] });
    near(lax.convGeneralDilated(gen([1, 2, 4, 5]), gen([3, 2, 2, 3], 5), [1, 1], 'VALID', { dimensionNumbers: ['NCWH', 'OIHW', 'NHWC'] }), NCWH_OUT, { tol: 1e-12 });
    // spec objects pass through
    near(lax.convGeneralDilated(gen([1, 2, 4, 5]), gen([3, 2, 2, 3], 5), [1, 1], 'VALID', { dimensionNumbers: dn }), NCWH_OUT, { tol: 1e-12 });
    expect(lax.convDimensionNumbers([1, 2, 3], [4, 2, 1])).toEqual({ lhsSpec: [0, 1, 2], rhsSpec: [0, 1, 2], outSpec: [0, 1, 2] });
  });

  it('conv and convWithGeneralPadding are convGeneralDilated with defaults', () => {
    const x = gen([2, 3, 7]);
    const w = gen([2, 3, 3], 5);
    near(lax.conv(x, w, [2], 'VALID'), CONV_CASES[0][6], { tol: 1e-12 });
    near(lax.convWithGeneralPadding(gen([1, 2, 5, 4]), gen([3, 2, 2, 3], 5), [1, 1], [[1, 1], [0, 2]], [2, 1], null), CONV_CASES[7][6], { tol: 1e-12 });
    near(lax.conv(x, w, [1], 'same'), lax.conv(x, w, [1], 'SAME').js() as Deep); // mode names are case-insensitive
  });

  it('convolves int32 exactly and converts with preferredElementType', () => {
    const xi = i32([[[-11, 3, -6, 8, -1, -10]]]);
    const wi = i32([[[-10, 4, -5]]]);
    near(lax.convGeneralDilated(xi, wi, [1], 'VALID'), INT_OUT, { dtype: 'int32' });
    near(lax.convGeneralDilated(xi, wi, [1], 'VALID', { preferredElementType: 'float64' }), INT_OUT, { dtype: 'float64' });
  });

  it('gives an empty output when the window does not fit', () => {
    const out = lax.conv(gen([1, 1, 2]), gen([1, 1, 3]), [1], 'VALID');
    expect(out.shape).toEqual([1, 1, 0]);
  });

  it('shape helpers match JAX', () => {
    expect(lax.padtypeToPads([7], [4], [2], 'SAME')).toEqual([[1, 2]]);
    expect(lax.padtypeToPads([7], [4], [2], 'SAME_LOWER')).toEqual([[2, 1]]);
    expect(lax.padtypeToPads([7, 5], [3, 3], [1, 2], 'VALID')).toEqual([[0, 0], [0, 0]]);
    expect(lax.convShapeTuple([2, 3, 7], [2, 3, 3], [2], 'VALID')).toEqual([2, 2, 3]);
    expect(lax.convShapeTuple([4, 2, 5], [4, 2, 2], [1], [[1, 0]], 2)).toEqual([2, 4, 5]);
    expect(lax.convGeneralShapeTuple([1, 5, 4, 2], [2, 3, 2, 3], [1, 2], 'SAME', ['NHWC', 'HWIO', 'NHWC'])).toEqual([1, 5, 2, 3]);
  });
});

describe('lax.convTranspose', () => {
  it('matches JAX conv_transpose for SAME, VALID, dilation and explicit padding', () => {
    near(lax.convTranspose(gen([1, 4, 2]), gen([3, 2, 3], 5), [2], 'SAME'), CT_1D_SAME, { tol: 1e-12 });
    near(lax.convTranspose(gen([1, 4, 2]), gen([3, 2, 3], 5), [2], 'VALID'), CT_1D_VALID, { tol: 1e-12 });
    near(lax.convTranspose(gen([1, 3, 2, 2]), gen([3, 2, 2, 2], 5), [2, 2], 'SAME'), CT_2D_SAME, { tol: 1e-12 });
    near(lax.convTranspose(gen([1, 3, 2, 2]), gen([3, 2, 2, 2], 5), [2, 1], 'VALID', { rhsDilation: [2, 1] }), CT_2D_DIL, { tol: 1e-12 });
    near(lax.convTranspose(gen([1, 3, 2, 2]), gen([3, 2, 2, 2], 5), [2, 2], 'SAME', { transposeKernel: true }), CT_2D_TK, { tol: 1e-12 });
    near(lax.convTranspose(gen([1, 4, 2]), gen([3, 2, 3], 5), [3], [[1, 2]]), CT_1D_EXPLICIT, { tol: 1e-12 });
    expect(lax.convTranspose(gen([1, 4, 4, 2]), gen([3, 3, 2, 5], 5), [2, 2], 'SAME').shape).toEqual([1, 8, 8, 5]);
  });

  it('with transposeKernel it is the input gradient of a strided conv', () => {
    const dimensionNumbers = ['NHC', 'HIO', 'NHC'] as const;
    const w = gen([3, 2, 3], 5);
    const x = gen([1, 7, 2], 1);
    const ct = gen([1, 3, 3], 9);
    const [, back] = vjp((a: Array) => lax.convGeneralDilated(a, w, [2], 'VALID', { dimensionNumbers }), [x]);
    const [gx] = back(ct) as Array[];
    near(lax.convTranspose(ct, w, [2], 'VALID', { dimensionNumbers, transposeKernel: true }), gx.js() as Deep, { tol: 1e-12 });
  });
});

const PATCHES = [[[[0.0, 0.0, -1.375, 0.375], [0.0, 0.0, 1.125, 0.0], [0.0, 0.0, 0.75, -0.375]], [[-1.375, 0.375, -0.75, 1.0], [1.125, 0.0, -1.125, 0.625], [0.75, -0.375, 1.375, 0.25]], [[-0.75, 1.0, 0.0, 0.0], [-1.125, 0.625, 0.0, 0.0], [1.375, 0.25, 0.0, 0.0]], [[0.0, 0.0, -0.125, -1.25], [0.0, 0.0, -0.5, 1.25], [0.0, 0.0, 0.0, 0.0]], [[-0.125, -1.25, 0.5, -0.625], [-0.5, 1.25, 0.125, -1.0], [0.0, 0.0, 0.0, 0.0]], [[0.5, -0.625, 0.0, 0.0], [0.125, -1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], [[0.0, 0.0, -0.875, 0.875], [0.0, 0.0, -1.25, 0.5], [0.0, 0.0, 1.25, 0.125]], [[-0.875, 0.875, -0.25, -1.375], [-1.25, 0.5, -0.625, 1.125], [1.25, 0.125, -1.0, 0.75]], [[-0.25, -1.375, 0.0, 0.0], [-0.625, 1.125, 0.0, 0.0], [-1.0, 0.75, 0.0, 0.0]], [[0.0, 0.0, 0.375, -0.75], [0.0, 0.0, 0.0, -1.125], [0.0, 0.0, 0.0, 0.0]], [[0.375, -0.75, 1.0, -0.125], [0.0, -1.125, 0.625, -0.5], [0.0, 0.0, 0.0, 0.0]], [[1.0, -0.125, 0.0, 0.0], [0.625, -0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]];
const LOCAL = [[[[1.4375, 0.984375], [2.484375, 0.796875], [2.875, -2.203125], [-1.703125, 3.484375]], [[-1.734375, 0.34375], [0.8125, 1.65625], [-0.171875, -2.0], [0.703125, -1.640625]], [[-2.390625, -0.296875], [0.9375, -1.078125], [3.609375, 1.078125], [1.3125, -2.453125]]], [[[4.453125, 0.921875], [0.78125, -1.46875], [0.046875, -2.359375], [0.8125, -2.109375]], [[-3.484375, -2.328125], [1.890625, 1.09375], [2.65625, -0.453125], [2.40625, -1.578125]], [[5.109375, 2.328125], [-3.46875, 0.421875], [-1.921875, -0.703125], [-0.671875, -2.484375]]]];

describe('patches, locally connected convs and the remaining shape helpers', () => {
  it('convGeneralDilatedPatches matches a conv with an identity kernel, in every layout', () => {
    const p = lax.convGeneralDilatedPatches(gen([1, 2, 5, 4]), [2, 3], [2, 1], 'SAME', { rhsDilation: [1, 2] });
    near(p, PATCHES, { tol: 1e-14 });
    const nhwc = lax.convGeneralDilatedPatches(gen([1, 2, 5, 4]).transpose([0, 2, 3, 1]), [2, 3], [2, 1], 'SAME', { rhsDilation: [1, 2], dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] });
    near(nhwc, p.transpose([0, 2, 3, 1]).js() as Deep, { tol: 1e-14 });
    checkGrad((x) => lax.convGeneralDilatedPatches(x, [2, 2], [1, 2], [[1, 0], [0, 1]], { lhsDilation: [2, 1] }), genData([1, 2, 3, 3], 4), [1, 2, 3, 3]);
  });

  it('convGeneralDilatedLocal uses one kernel per output position', () => {
    const w = gen([3, 12, 4, 2], 5);
    near(lax.convGeneralDilatedLocal(gen([2, 2, 5, 4]), w, [1, 1], 'VALID', [2, 3]), LOCAL, { tol: 1e-12 });
    const nhwc = lax.convGeneralDilatedLocal(gen([2, 2, 5, 4]).transpose([0, 2, 3, 1]), w.transpose([2, 3, 1, 0]), [1, 1], 'VALID', [2, 3], { dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] });
    near(nhwc, np.array(LOCAL).transpose([0, 2, 3, 1]).js() as Deep, { tol: 1e-12 });
    checkGrad((k) => lax.convGeneralDilatedLocal(gen([1, 1, 3, 3]), k, [1, 1], 'VALID', [2, 2]), genData([2, 4, 2, 2], 1), [2, 4, 2, 2]);
    expect(() => lax.convGeneralDilatedLocal(gen([2, 2, 5, 4]), gen([3, 12, 4, 3]), [1, 1], 'VALID', [2, 3])).toThrow(/lax\.convGeneralDilatedLocal: rhs .* needs I = C \* prod\(filterShape\) = 12 and the output's spatial sizes \[4,2\]/);
  });

  it('convGeneralPermutations and convTransposeShapeTuple match JAX', () => {
    expect(lax.convGeneralPermutations(['NHWC', 'HWIO', 'NHWC'])).toEqual([[0, 3, 1, 2], [3, 2, 0, 1], [0, 3, 1, 2]]);
    expect(lax.convGeneralPermutations(['NCWH', 'OIHW', 'NHWC'])).toEqual([[0, 1, 3, 2], [0, 1, 2, 3], [0, 3, 1, 2]]);
    const dn = ['NHWC', 'HWIO', 'NHWC'] as const;
    expect(lax.convTransposeShapeTuple([1, 4, 4, 2], [3, 3, 2, 5], [2, 2], 'SAME', dn)).toEqual([1, 8, 8, 5]);
    for (const [pad, strides] of [['VALID', [2, 1]], ['SAME', [3, 2]], [[[1, 2], [0, 1]], [2, 2]]] as [lax.Padding, number[]][]) {
      const out = lax.convTranspose(gen([1, 4, 3, 2]), gen([3, 2, 2, 5], 5), strides, pad);
      expect(lax.convTransposeShapeTuple([1, 4, 3, 2], [3, 2, 2, 5], strides, pad, dn)).toEqual(out.shape);
    }
  });
});

describe('batch groups agree with JAX\'s use of them', () => {
  it('the kernel gradient of a feature-grouped conv is the batch-grouped conv of JAX\'s transpose rule', () => {
    // jax/_src/lax/convolution.py, _conv_general_dilated_transpose_rhs: swap batch and feature in every
    // spec and turn featureGroupCount into batchGroupCount (VALID, stride 1: zero padding).
    const x = gen([2, 4, 6], 1);
    const w = gen([6, 2, 3], 5);
    const ct = gen([2, 6, 4], 9);
    const [, back] = vjp((k: Array) => lax.convGeneralDilated(x, k, [1], 'VALID', { featureGroupCount: 2 }), [w]);
    const [gw] = back(ct) as Array[];
    const spec = [1, 0, 2];
    const viaBatchGroups = lax.convGeneralDilated(x, ct, [1], [[0, 0]], { dimensionNumbers: { lhsSpec: spec, rhsSpec: spec, outSpec: spec }, batchGroupCount: 2 });
    near(viaBatchGroups, gw.js() as Deep, { tol: 1e-12 });
  });
});

describe('convolution derivatives and transforms', () => {
  const lhsGrad = (ls: number[], rs: number[], strides: number[], padding: lax.Padding, opts: lax.ConvGeneralDilatedOptions = {}) => {
    const w = gen(rs, 5);
    checkGrad((x) => lax.convGeneralDilated(x, w, strides, padding, opts), genData(ls, 2).map((v, i) => v + 0.01 * i), ls);
  };
  const rhsGrad = (ls: number[], rs: number[], strides: number[], padding: lax.Padding, opts: lax.ConvGeneralDilatedOptions = {}) => {
    const x = gen(ls, 1);
    checkGrad((w) => lax.convGeneralDilated(x, w, strides, padding, opts), genData(rs, 3), rs);
  };
  it('1-D strided and padded', () => {
    lhsGrad([2, 3, 7], [2, 3, 3], [2], 'SAME');
    rhsGrad([2, 3, 7], [2, 3, 3], [2], [[-1, 2]]);
  });
  it('2-D with lhs and rhs dilation', () => {
    lhsGrad([1, 2, 4, 3], [2, 2, 2, 2], [2, 1], [[2, 1], [1, 0]], { lhsDilation: [2, 1], rhsDilation: [1, 2] });
    rhsGrad([1, 2, 4, 3], [2, 2, 2, 2], [2, 1], [[2, 1], [1, 0]], { lhsDilation: [2, 1], rhsDilation: [1, 2] });
  });
  it('feature and batch groups, NHWC', () => {
    lhsGrad([1, 3, 3, 4], [2, 2, 2, 4], [1, 1], 'SAME', { featureGroupCount: 2, dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] });
    rhsGrad([1, 4, 5], [4, 2, 2], [1], 'VALID', { featureGroupCount: 2 });
    lhsGrad([4, 2, 5], [4, 2, 2], [2], 'SAME', { batchGroupCount: 2 });
    rhsGrad([4, 2, 5], [4, 2, 2], [2], 'SAME', { batchGroupCount: 2 });
  });
  it('3-D', () => {
    lhsGrad([1, 1, 3, 3, 2], [2, 1, 2, 2, 2], [1, 2, 1], 'SAME');
    rhsGrad([1, 1, 3, 3, 2], [2, 1, 2, 2, 2], [1, 2, 1], 'SAME');
  });
  it('convTranspose', () => {
    const w = gen([3, 2, 3], 5);
    checkGrad((x) => lax.convTranspose(x, w, [2], 'SAME'), genData([1, 4, 2], 2), [1, 4, 2]);
  });
  it('jit and vmap agree with eager', () => {
    const w = gen([3, 2, 2, 3], 5);
    checkTransforms((x) => lax.convGeneralDilated(x, w, [2, 1], 'SAME', { rhsDilation: [1, 2] }), gen([3, 1, 2, 5, 4]));
    checkTransforms((x) => lax.convGeneralDilated(x, w, [1, 1], 'VALID', { dimensionNumbers: ['NHWC', 'OIHW', 'NCHW'] }), gen([2, 1, 4, 5, 2]));
    const x0 = gen([1, 4, 5]);
    checkTransforms((k) => lax.convGeneralDilated(x0, k, [1], 'VALID', { featureGroupCount: 2 }), gen([3, 4, 2, 2], 1));
    checkTransforms((x) => lax.convTranspose(x, gen([3, 2, 3], 5), [2], 'SAME'), gen([2, 1, 4, 2]));
  });
});

describe('convolution errors', () => {
  const x = gen([1, 2, 5]);
  const w = gen([3, 2, 2]);
  it('names the function, the shapes and the fix', () => {
    expect(() => lax.convGeneralDilated(x, np.astype(w, 'float32'), [1], 'VALID')).toThrow(/lax\.convGeneralDilated: .*same dtype.*convertElementType/);
    expect(() => lax.convGeneralDilated(x, gen([3, 2]), [1], 'VALID')).toThrow(ShapeError);
    expect(() => lax.convGeneralDilated(x, gen([3, 3, 2]), [1], 'VALID')).toThrow(/C=2.*I=3.*featureGroupCount/);
    expect(() => lax.convGeneralDilated(x, w, [1, 1], 'VALID')).toThrow(/windowStrides must be a JS array of 1 integers/);
    expect(() => lax.convGeneralDilated(x, w, [0], 'VALID')).toThrow(/windowStrides/);
    expect(() => lax.convGeneralDilated(x, w, [1], 'FULL' as lax.PaddingType)).toThrow(/unknown padding "FULL"/);
    expect(() => lax.convGeneralDilated(x, w, [1], [[1, 1], [0, 0]])).toThrow(/padding must be .* 1 integer \[low, high\] pairs/);
    expect(() => lax.convGeneralDilated(x, w, [1], [[-4, -3]])).toThrow(/crops spatial axis 0/);
    expect(() => lax.convGeneralDilated(x, w, [1], 'VALID', { dimensionNumbers: ['NCH', 'OIW', 'NCH'] })).toThrow(/spatial letters/);
    expect(() => lax.convGeneralDilated(x, w, [1], 'VALID', { dimensionNumbers: ['NCHW', 'OIHW', 'NCHW'] })).toThrow(/one letter per axis/);
    expect(() => lax.convGeneralDilated(x, w, [1], 'VALID', { dimensionNumbers: ['NXH', 'OIH', 'NCH'] })).toThrow(/must name N and C once/);
    expect(() => lax.convGeneralDilated(x, w, [1], 'VALID', { featureGroupCount: 0 })).toThrow(/featureGroupCount/);
    expect(() => lax.convGeneralDilated(gen([2, 4, 5]), gen([4, 2, 2]), [1], 'VALID', { featureGroupCount: 2, batchGroupCount: 2 })).toThrow(/at most one/);
    expect(() => lax.convGeneralDilated(gen([3, 2, 5]), gen([4, 2, 2]), [1], 'VALID', { batchGroupCount: 2 })).toThrow(/divisible by batchGroupCount 2/);
    expect(() => lax.convGeneralDilated([[1, 2]] as unknown as Array, w, [1], 'VALID')).toThrow(/lhs must be an Array.*np\.array/);
    expect(() => lax.convTranspose(gen([1, 2, 3, 4, 5, 6]), gen([1, 2, 3, 4, 5, 6]), [1, 1, 1, 1], 'SAME')).toThrow(/no default dimensionNumbers/);
    expect(() => lax.convGeneralDilated(np.array([[[true, false]]]), np.array([[[true]]]), [1], 'VALID')).toThrow(/bool/);
  });
});

describe('np.convolve and np.correlate', () => {
  const a = [1.5, -2, 0.5, 3, 1];
  const v = [0.25, 2, -1];
  const v4 = [1, -0.5, 2, 0.75];
  it('match numpy in every mode, also with the shorter sequence first', () => {
    near(np.convolve(f64(a), f64(v)), [0.375, 2.5, -5.375, 3.75, 5.75, -1.0, -1.0]);
    near(np.convolve(f64(a), f64(v4), 'full'), [1.5, -2.75, 4.5, -0.125, -1.0, 5.875, 4.25, 0.75]);
    near(np.convolve(f64(v4), f64(a), 'full'), [1.5, -2.75, 4.5, -0.125, -1.0, 5.875, 4.25, 0.75]);
    near(np.convolve(f64(a), f64(v), 'same'), [2.5, -5.375, 3.75, 5.75, -1.0]);
    near(np.convolve(f64(a), f64(v4), 'same'), [-2.75, 4.5, -0.125, -1.0, 5.875]);
    near(np.convolve(f64(v4), f64(a), 'same'), [-2.75, 4.5, -0.125, -1.0, 5.875]);
    near(np.convolve(f64(a), f64(v), 'valid'), [-5.375, 3.75, 5.75]);
    near(np.convolve(f64(v4), f64(a), 'valid'), [-0.125, -1.0]);
    near(np.correlate(f64(a), f64(v)), [-4.125, -2.5, 5.125]);
    near(np.correlate(f64(a), f64(v4), 'valid'), [5.75, 4.5]);
    near(np.correlate(f64(v4), f64(a), 'valid'), [4.5, 5.75]);
    near(np.correlate(f64(a), f64(v), 'same'), [5.0, -4.125, -2.5, 5.125, 2.75]);
    near(np.correlate(f64(a), f64(v4), 'same'), [1.5, -4.375, 5.75, 4.5, 1.0]);
    near(np.correlate(f64(v4), f64(a), 'same'), [1.0, 4.5, 5.75, -4.375, 1.5]);
    near(np.correlate(f64(a), f64(v), 'full'), [-1.5, 5.0, -4.125, -2.5, 5.125, 2.75, 0.25]);
    near(np.correlate(f64(v4), f64(a), 'full'), [1.0, 2.5, 1.0, 4.5, 5.75, -4.375, 1.5, 1.125]);
  });
  it('promotes integers to the default float', () => {
    const out = np.convolve(i32([1, 2, 3]), i32([4, 5]));
    expect(out.dtype).toBe(np.array([0.5]).dtype);
    near(out, [4, 13, 22, 15]);
    near(np.correlate(f64([2]), f64([1, 2, 3]), 'full'), [6, 4, 2]);
  });
  it('differentiates in both arguments and batches', () => {
    checkGrad((x) => np.convolve(x, f64(v4), 'same'), a);
    checkGrad((x) => np.correlate(f64(a), x, 'full'), v4);
    checkTransforms((x) => np.convolve(x, f64(v), 'valid'), f64([a, a.map((t) => t * 2 - 1)]));
  });
  it('rejects bad input by name', () => {
    expect(() => np.convolve(f64([[1, 2]]), f64([1]))).toThrow(/np\.convolve: a and v must be 1-D, got shapes \[1,2\] and \[1\]/);
    expect(() => np.correlate(f64([]), f64([1]))).toThrow(/np\.correlate: a and v cannot be empty/);
    expect(() => np.convolve(f64([1, 2]), f64([1]), 'middle' as 'same')).toThrow(/mode must be 'full', 'same' or 'valid'/);
  });
});
