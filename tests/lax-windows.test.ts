/**
 * lib/lax/windows.ts: lax.reduceWindow (sum / product / max / min pooling with strides, padding
 * modes, base and window dilation) and reduceWindowShapeTuple. Expected values come from an
 * explicit-loop numpy reference of XLA's reduce_window, and max-pooling gradients from a loop
 * written after XLA's select-and-scatter (the first maximum of each window gets the cotangent),
 * pasted as literals; other gradients are checked against central differences in float64, and jit
 * and vmap against the eager call.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, lax, np } from '../lib/index.js';
import { type Deep, checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);
/** The data of the Python reference: ((((i + seed) * 37) % 23) - 11) / 8, exact in binary. */
const genData = (shape: readonly number[], seed = 0): number[] => globalThis.Array.from({ length: prod(shape) }, (_, i) => ((((i + seed) * 37) % 23) - 11) / 8);
const gen = (shape: readonly number[], seed = 0): Array => f64(genData(shape, seed)).reshape([...shape]);
/** Distinct values, so central differences see no ties. */
const distinct = (n: number, seed = 0): number[] => globalThis.Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + seed) + 0.01 * i);
/** The cotangent checkGrad's loss uses: cos(1.3 i + 0.4). */
const weights = (shape: readonly number[]): Array => f64(globalThis.Array.from({ length: prod(shape) }, (_, i) => Math.cos(1.3 * i + 0.4))).reshape([...shape]);

type WindowCase = [string, number[], number, number, lax.WindowReducerName, number[], number[], lax.Padding, lax.ReduceWindowOptions, Deep];
const WINDOW_CASES: WindowCase[] = [
  ['max 2x2 stride 2 VALID', [4, 5], 0, -Infinity, 'max', [2, 2], [2, 2], "VALID", {}, [[0.5, 1.125], [0.75, 1.375]]],
  ['max 3x3 stride 2 SAME', [4, 5], 1, -Infinity, 'max', [3, 3], [2, 2], "SAME", {}, [[0.625, 1.25, 0.125], [0.75, 1.375, 0.25]]],
  ['max SAME_LOWER', [4, 5], 2, -Infinity, 'max', [2, 2], [1, 1], "SAME_LOWER", {}, [[-0.75, 1.0, 1.0, -0.125, 0.5], [-0.625, 1.125, 1.125, 0.0, 0.625], [-0.5, 1.25, 1.25, 0.125, 0.75], [-0.375, 1.375, 1.375, 0.25, 0.875]]],
  ['min explicit padding', [4, 5], 3, Infinity, 'min', [2, 3], [1, 2], [[1, 0], [0, 2]], {}, [[-1.25, -1.25, -0.625], [-1.25, -1.25, -0.625], [-1.125, -1.125, -0.5], [-1.0, -1.0, -0.375]]],
  ['sum with base and window dilation', [3, 4], 4, 0.0, 'add', [2, 2], [1, 1], "VALID", {"baseDilation": [2, 1], "windowDilation": [1, 2]}, [[0.375, -1.875], [0.0, 0.625], [0.0, 0.625], [-0.375, 0.25]]],
  ['sum SAME stride 2', [5, 4], 5, 0.0, 'add', [3, 2], [2, 2], "SAME", {}, [[-1.875, 0.625], [1.25, -0.75], [1.625, -1.625]]],
  ['product', [3, 4], 6, 1.0, 'mul', [1, 2], [1, 1], "VALID", {}, [[-0.3125, -0.703125, 0.0], [-0.703125, -0.3125, -0.625], [-0.125, -0.75, -0.28125]]],
  ['sum with non-identity init', [3, 4], 7, 1.0, 'add', [2, 2], [1, 1], "VALID", {}, [[1.625, 2.875, 1.25], [0.875, 2.125, 3.375]]],
  ['max with non-identity init and padding', [3, 4], 8, 0.5, 'max', [2, 2], [1, 1], "SAME", {}, [[1.25, 1.25, 0.625, 0.625], [1.25, 1.375, 1.375, 0.5], [0.75, 1.375, 1.375, 0.5]]],
  ['NCHW max pooling', [2, 2, 4, 4], 9, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], "VALID", {}, [[[[1.25, 0.75], [1.375, 0.375]], [[1.0, 1.125], [0.625, 1.25]]], [[[1.375, 0.875], [1.125, 0.5]], [[0.75, 1.375], [0.375, 1.0]]]]],
  ['3-D max pooling', [3, 4, 4], 10, -Infinity, 'max', [2, 2, 2], [1, 2, 2], "SAME", {}, [[[1.125, 1.25], [1.375, 1.375]], [[1.125, 1.0], [1.125, 1.375]], [[0.375, 1.0], [1.125, 0.625]]]],
  ['1-D sum, negative padding', [7], 11, 0.0, 'add', [3], [2], [[-1, 1]], {}, [0.875, -0.125, 0.375]],
  ['max with window dilation and base dilation', [4, 3], 12, -Infinity, 'max', [2, 2], [1, 2], [[0, 1], [1, 0]], {"baseDilation": [1, 2], "windowDilation": [2, 1]}, [[1.375, 1.25, 0.125], [0.875, 0.75, -0.375], [1.375, 0.25, -0.875]]],
];
const TIE_X = [[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 1.0, 3.0], [0.0, 3.0, 3.0, 2.0]];
const TIE_GRAD = [[0.0, 0.79221649970736, -0.98999249660045, 0.0], [-0.40079917207997, 0.0, 0.0, 0.81572510012536], [0.0, 0.77556587851025, 0.0, 0.0]];
const TIE_GRAD_MIN = [[0.92106099400289, 0.0, 0.0, -0.98999249660045], [0.0, 0.0, 1.46244648434008, 0.0], [-0.40079917207997, 0.0, 0.0, 0.0]];
const SAME_GRAD = [[0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0], [0.92106099400289, 0.0, 0.0, -1.11883699089597, 0.0], [-0.40079917207997, 0.0, 0.0, 1.59129097863561, 0.0]];
const INT_X = [[3, -6, 8, -1], [-10, 4, -5, 9], [0, -9, 5, -4]];
const INT_MAX = [[4, 8, 9, 9], [4, 5, 9, 9], [0, 5, 5, -4]];

describe('lax.reduceWindow values', () => {
  it.each(WINDOW_CASES)('%s', (_name, shape, seed, init, op, win, strides, padding, opts, want) => {
    const out = lax.reduceWindow(gen(shape, seed), init, op, win, strides, padding, opts);
    near(out, want, { tol: 1e-12, dtype: 'float64' });
    expect(lax.reduceWindowShapeTuple(shape, win, strides, padding, opts.baseDilation, opts.windowDilation)).toEqual(out.shape);
  });

  it('recognises lax.add / max / min / mul and np.add / maximum / minimum / multiply', () => {
    const x = gen([4, 5], 1);
    const ref = (op: lax.WindowReducerName, init: number) => lax.reduceWindow(x, init, op, [2, 2], [1, 2], 'SAME').js() as Deep;
    near(lax.reduceWindow(x, 0, lax.add, [2, 2], [1, 2], 'SAME'), ref('add', 0));
    near(lax.reduceWindow(x, -Infinity, lax.max, [2, 2], [1, 2], 'SAME'), ref('max', -Infinity));
    near(lax.reduceWindow(x, Infinity, lax.min, [2, 2], [1, 2], 'SAME'), ref('min', Infinity));
    near(lax.reduceWindow(x, 1, lax.mul, [2, 2], [1, 2], 'SAME'), ref('mul', 1));
    near(lax.reduceWindow(x, 0, np.add, [2, 2], [1, 2], 'SAME'), ref('add', 0));
    near(lax.reduceWindow(x, -Infinity, np.maximum, [2, 2], [1, 2], 'SAME'), ref('max', -Infinity));
    near(lax.reduceWindow(x, Infinity, np.minimum, [2, 2], [1, 2], 'SAME'), ref('min', Infinity));
    near(lax.reduceWindow(x, 1, np.multiply, [2, 2], [1, 2], 'SAME'), ref('mul', 1));
  });

  it('pools int32 (±Infinity init means the int32 extremes) and takes an Array init value', () => {
    near(lax.reduceWindow(i32(INT_X), -Infinity, 'max', [2, 2], [1, 1], 'SAME'), INT_MAX, { dtype: 'int32' });
    near(lax.reduceWindow(i32(INT_X), 0, 'add', [1, 4], [1, 1], 'VALID'), [[4], [-2], [-8]], { dtype: 'int32' });
    near(lax.reduceWindow(gen([3, 4], 7), f64(1), 'add', [2, 2], [1, 1], 'VALID'), WINDOW_CASES[7][9], { tol: 1e-12 });
  });

  it('gives the init value for empty windows and an empty output when nothing fits', () => {
    near(lax.reduceWindow(gen([2, 3]), 0, 'add', [0, 1], [1, 1], 'VALID'), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(lax.reduceWindow(gen([2, 3]), -Infinity, 'max', [3, 1], [1, 1], 'VALID').shape).toEqual([0, 3]);
  });
});

describe('lax.reduceWindow derivatives and transforms', () => {
  it('max/min pooling send the cotangent to the first extremum of each window (select-and-scatter)', () => {
    const x = f64(TIE_X);
    const pool = (op: 'max' | 'min') => (a: Array) => np.sum(np.multiply(lax.reduceWindow(a, op === 'max' ? -Infinity : Infinity, op, [2, 2], [1, 1], 'VALID'), weights([2, 3])));
    near(grad(pool('max'))(x), TIE_GRAD, { tol: 1e-12 });
    near(grad(pool('min'))(x), TIE_GRAD_MIN, { tol: 1e-12 });
    const x2 = gen([4, 5], 3);
    const same = (a: Array) => np.sum(np.multiply(lax.reduceWindow(a, -Infinity, lax.max, [3, 3], [2, 2], 'SAME'), weights([2, 3])));
    near(grad(same)(x2), SAME_GRAD, { tol: 1e-12 });
  });

  it('gradients match central differences', () => {
    checkGrad((a) => lax.reduceWindow(a, -Infinity, 'max', [2, 3], [2, 1], 'SAME'), distinct(20), [4, 5]);
    checkGrad((a) => lax.reduceWindow(a, Infinity, 'min', [2, 2], [1, 2], [[1, 0], [0, 1]], { windowDilation: [2, 1] }), distinct(20, 1), [4, 5]);
    checkGrad((a) => lax.reduceWindow(a, 0, 'add', [2, 2], [1, 1], 'SAME', { baseDilation: [2, 1] }), distinct(12, 2), [3, 4]);
    checkGrad((a) => lax.reduceWindow(a, 1, 'mul', [2, 1], [1, 1], 'VALID'), distinct(12, 3), [3, 4]);
    checkGrad((a) => lax.reduceWindow(a, 0.25, 'max', [2, 2], [1, 1], 'SAME'), distinct(12, 4), [3, 4]);
    checkGrad((a) => lax.reduceWindow(a, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID'), distinct(32, 5), [2, 1, 4, 4]);
  });

  it('jit and vmap agree with eager', () => {
    checkTransforms((a) => lax.reduceWindow(a, -Infinity, 'max', [2, 2], [2, 1], 'SAME'), gen([3, 4, 5], 2));
    checkTransforms((a) => lax.reduceWindow(a, 0, 'add', [3, 1], [1, 1], [[1, 1], [0, 0]], { baseDilation: [1, 2] }), gen([2, 4, 3], 4));
    checkTransforms((a) => lax.reduceWindow(a, Infinity, 'min', [2], [1], 'VALID', { windowDilation: [2] }), gen([3, 6], 6));
  });
});

describe('lax.reduceWindow errors', () => {
  const x = gen([4, 5]);
  it('names the function, the argument and the fix', () => {
    expect(() => lax.reduceWindow(x, 0, lax.sub, [2, 2], [1, 1], 'VALID')).toThrow(/lax\.reduceWindow: computation must be lax\.add, lax\.max, lax\.min or lax\.mul .*got the function/);
    expect(() => lax.reduceWindow(x, 0, 'sum' as 'add', [2, 2], [1, 1], 'VALID')).toThrow(/computation must be/);
    expect(() => lax.reduceWindow(x, 0, 'add', [2], [1, 1], 'VALID')).toThrow(/windowDimensions must be a JS array of 2 integers/);
    expect(() => lax.reduceWindow(x, 0, 'add', [2, 2], [0, 1], 'VALID')).toThrow(/windowStrides must be a JS array of 2 integers >= 1/);
    expect(() => lax.reduceWindow(x, 0, 'add', [2, 2], [1, 1], 'SMAE' as 'SAME')).toThrow(/unknown padding/);
    expect(() => lax.reduceWindow(x, 0, 'add', [2, 2], [1, 1], [[0, 0]])).toThrow(/2 integer \[low, high\] pairs/);
    expect(() => lax.reduceWindow(x, np.array([0, 1]), 'add', [2, 2], [1, 1], 'VALID')).toThrow(/initValue .* must be a scalar of the operand's dtype/);
    expect(() => lax.reduceWindow(np.array([true, false]), 0, 'add', [2], [1], 'VALID')).toThrow(/add needs a numeric operand/);
    expect(() => lax.reduceWindow([1, 2] as unknown as Array, 0, 'add', [2], [1], 'VALID')).toThrow(/operand must be an Array/);
  });
});
