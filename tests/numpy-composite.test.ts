/**
 * lib/numpy/composite.ts: numpy functions composed from existing ops. Expected values are numpy 2.4's
 * answers, pasted as literals; gradients are checked against central differences in float64, and
 * jit and vmap against the eager call.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, np, vmap } from '../lib/index.js';
import {
  allclose, arrayEqual, average, copysign, corrcoef, countNonzero, cov, diff, e, ediff1d, fmax, fmin,
  heaviside, inf, isclose, logaddexp2, nan, nanToNum, newaxis, pi, polyval, select, signbit, sinc, trapezoid,
} from '../lib/numpy/composite.js';
import { checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

describe('constants', () => {
  it('pi, e, inf, nan and newaxis are numpy\'s', () => {
    expect(pi).toBe(3.141592653589793);
    expect(e).toBe(2.718281828459045);
    expect(inf).toBe(Infinity);
    expect(nan).toBeNaN();
    expect(newaxis).toBeNull();
    expect(f64([1, 2]).slice(newaxis, []).shape).toEqual([1, 2]);
  });
});

describe('diff and ediff1d', () => {
  const x = f64([[1, 4, 9, 16], [2, -1, 0.5, 3]]);
  it('matches numpy for orders 0 to 5 and every axis spelling', () => {
    near(diff(x), [[3, 5, 7], [-3, 1.5, 2.5]], { dtype: 'float64' });
    near(diff(x, 2), [[2, 2], [4.5, 1]]);
    near(diff(x, 1, 0), [[1, -5, -8.5, -13]]);
    near(diff(x, 1, -2), [[1, -5, -8.5, -13]]);
    near(diff(x, 0), [[1, 4, 9, 16], [2, -1, 0.5, 3]]);
    near(diff(x, 5), [[], []], { shape: [2, 0] });
  });

  it('keeps int32, uses !== on bools, and follows IEEE for NaN and infinities', () => {
    near(diff(i32([1, 5, 2, 8])), [4, -3, 6], { dtype: 'int32' });
    near(diff(np.array([true, false, false, true])), [true, false, true], { dtype: 'bool' });
    near(diff(f64([1, NaN, Infinity, Infinity, -Infinity])), [NaN, NaN, NaN, -Infinity]);
    near(diff(np.zeros([2, 0])), [[], []], { shape: [2, 0] });
    near(diff(f64([3])), [], { shape: [0] });
  });

  it('ediff1d flattens first', () => {
    near(ediff1d(i32([[1, 2], [4, 7]])), [1, 2, 3], { dtype: 'int32' });
    near(ediff1d(f64([1.5, 0.5, -2])), [-1, -2.5]);
  });

  it('is differentiable, and jit/vmap agree', () => {
    checkGrad((a) => diff(a, 2), [1, 4, -2, 0.5, 3]);
    checkGrad((a) => diff(a, 1, 0), [1, 2, 3, 4, 5, 6], [3, 2]);
    checkTransforms((a) => diff(a, 2), f64([[1, 4, 9, 16], [2, -1, 0.5, 3]]));
  });

  it('rejects a negative order, a 0-d input and a bad axis, naming np.diff', () => {
    expect(() => diff(x, -1)).toThrow(/np\.diff: order n must be a non-negative integer/);
    expect(() => diff(x, 1.5)).toThrow(/np\.diff/);
    expect(() => diff(np.array(3))).toThrow(/np\.diff: .*at least one dimensional/);
    expect(() => diff(x, 1, 2)).toThrow(/np\.diff: axis 2 is out of bounds/);
  });
});

describe('trapezoid', () => {
  const y = f64([[1, 2, 4, 8], [0, 1, 0, -1]]);
  it('matches numpy with dx, x (1-D and full), and axes', () => {
    near(trapezoid(y), [10.5, 0.5]);
    near(trapezoid(y, null, { dx: 0.5 }), [5.25, 0.25]);
    near(trapezoid(y, undefined, { axis: 0 }), [0.5, 1.5, 2, 3.5]);
    near(trapezoid(y, f64([0, 1, 3, 6])), [25.5, 0]);
    near(trapezoid(y, f64([[0, 1, 3, 6], [0, 0.5, 1, 1.5]])), [25.5, 0.25]);
    near(trapezoid(y, f64([1, 3]), { axis: 0 }), [1, 3, 4, 7]);
    near(trapezoid(y, f64([1, 3]), { axis: -2 }), [1, 3, 4, 7]);
  });

  it('gives a float for int input, and 0 for one or no samples', () => {
    near(trapezoid(i32([1, 2, 3])), 4, { dtype: 'float64' });
    near(trapezoid(f64([5])), 0);
    near(trapezoid(np.zeros([0])), 0);
  });

  it('is differentiable in y and in x, and jit/vmap agree', () => {
    checkGrad((a) => trapezoid(a, f64([0, 1, 3, 6])), [1, 2, 4, 8]);
    checkGrad((t) => trapezoid(f64([1, 2, 4, 8]), t), [0, 1, 3, 6]);
    checkGrad((a) => trapezoid(a, null, { dx: 0.3, axis: 0 }), [1, 2, 3, 4, 5, 6], [3, 2]);
    checkTransforms((a) => trapezoid(a, f64([0, 1, 3, 6])), y);
  });

  it('rejects sample points that do not fit, naming np.trapezoid', () => {
    expect(() => trapezoid(y, f64([0, 1, 2]))).toThrow(/np\.trapezoid: x of shape \[3\] does not match axis 1/);
    expect(() => trapezoid(y, np.zeros([2, 2, 4]))).toThrow(/np\.trapezoid/);
    expect(() => trapezoid(np.array(1))).toThrow(/np\.trapezoid/);
  });
});

describe('isclose, allclose, arrayEqual', () => {
  const a = f64([1, 1.00001, 1e10, 1e-8, NaN, Infinity, Infinity, -Infinity, 0]);
  const b = f64([1, 1, 1.00001e10, 0, NaN, Infinity, -Infinity, -Infinity, 1e-9]);
  it('isclose matches numpy, infinities and NaN included', () => {
    near(isclose(a, b), [true, true, true, true, false, true, false, true, true], { dtype: 'bool' });
    near(isclose(a, b, { equalNan: true }), [true, true, true, true, true, true, false, true, true]);
    near(isclose(a, b, { rtol: 0, atol: 1e-3 }), [true, true, false, true, false, true, false, true, true]);
    near(isclose(i32([1, 2, 3]), 2), [false, true, false]);
  });

  it('isclose is asymmetric: the tolerance scales with |b|', () => {
    near(isclose(10, 11, { rtol: 0.095, atol: 0 }), true);
    near(isclose(11, 10, { rtol: 0.095, atol: 0 }), false);
  });

  it('allclose and arrayEqual return bool scalars', () => {
    const r = allclose(f64([1e10, 1e-7]), f64([1.00001e10, 1e-8]));
    near(r, false, { dtype: 'bool' });
    near(allclose(f64([1e10, 1e-8]), f64([1.00001e10, 1e-9])), true);
    near(allclose(f64([1, NaN]), f64([1, NaN])), false);
    near(allclose(f64([1, NaN]), f64([1, NaN]), { equalNan: true }), true);
    near(arrayEqual(i32([1, 2]), i32([1, 2])), true, { dtype: 'bool' });
    near(arrayEqual(i32([1, 2]), i32([1, 2, 3])), false, { dtype: 'bool' });
    near(arrayEqual(i32([[1, 2]]), i32([1, 2])), false);
    near(arrayEqual(f64([1, NaN]), f64([1, NaN])), false);
    near(arrayEqual(f64([1, NaN]), f64([1, NaN]), { equalNan: true }), true);
    near(arrayEqual(i32([1, 2]), i32([1, 3])), false);
  });

  it('jit and vmap agree', () => {
    checkTransforms((x) => isclose(x, f64([1, 2, 3])), f64([[1, 2.0000001, 4], [NaN, 2, 3]]));
    checkTransforms((x) => allclose(x, f64([1, 2, 3])), f64([[1, 2.0000001, 3], [NaN, 2, 3]]));
    checkTransforms((x) => arrayEqual(x, f64([1, 2, 3])), f64([[1, 2, 3], [1, 2, 4]]));
  });

  it('rejects shapes that do not broadcast, naming np.isclose', () => {
    expect(() => isclose(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.isclose: shapes \[2\], \[3\] cannot be broadcast/);
    expect(() => allclose(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.isclose/);
  });
});

describe('countNonzero', () => {
  const c = i32([[0, 1, 7, 0], [3, 0, 2, 19]]);
  it('matches numpy over all axes and along one (as int32)', () => {
    near(countNonzero(c), 5, { dtype: 'int32' });
    near(countNonzero(c, 0), [1, 1, 2, 1], { dtype: 'int32' });
    near(countNonzero(c, -1), [2, 3]);
    near(countNonzero(f64([0, -0, NaN, 1e-300])), 2);
    near(countNonzero(np.array([true, false, true])), 2);
    checkTransforms((x) => countNonzero(x), c);
    expect(() => countNonzero(c, 2)).toThrow(/np\.sum|axis 2/);
  });
});

describe('signbit and copysign', () => {
  it('signbit sees -0 and -inf (numpy)', () => {
    near(signbit(f64([-1, 0, -0, 2, -Infinity, Infinity, NaN])), [true, false, true, false, true, false, false], { dtype: 'bool' });
    near(signbit(i32([-3, 0, 4])), [true, false, false]);
    checkTransforms((x) => signbit(x), f64([[-0, 0], [1, -1]]));
  });

  it('copysign matches numpy, with -0 as negative; ints become floats', () => {
    const r = copysign(f64([1, -2, 3, 0, Infinity, NaN, 5]), f64([-1, 1, -0, -3, -1, -1, 0]));
    near(r, [-1, 2, -3, -0, -Infinity, NaN, 5]);
    expect(Object.is(r.dataSync()[3], -0)).toBe(true);
    near(copysign(i32([3, -4]), i32([-1, 1])), [-3, 4], { dtype: 'float64' });
  });

  it('copysign is differentiable in its magnitude, and jit/vmap agree', () => {
    const s = f64([-1, 2, -0.5, 3]);
    checkGrad((a) => copysign(a, s), [1.5, -2, 0.7, -0.3]);
    checkTransforms((a) => copysign(a, s), f64([[1, -2, 3, 4], [-0.5, 0.5, -7, 7]]));
  });

  it('rejects shapes that do not broadcast, naming np.copysign', () => {
    expect(() => copysign(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.copysign/);
  });
});

describe('fmax and fmin', () => {
  const a = f64([1, NaN, 3, NaN, -Infinity, 0]);
  const b = f64([2, 5, NaN, NaN, 1, -0]);
  it('ignore NaN unless both are NaN (numpy)', () => {
    near(fmax(a, b), [2, 5, 3, NaN, 1, 0]);
    near(fmin(a, b), [1, 5, 3, NaN, -Infinity, 0]);
    near(fmax(i32([1, 5]), i32([3, 2])), [3, 5], { dtype: 'int32' });
    near(fmin(i32([1, 5]), i32([3, 2])), [1, 2], { dtype: 'int32' });
    near(fmin(f64([NaN, 2]), 1), [1, 1]);
  });

  it('are differentiable, including next to a NaN, and jit/vmap agree', () => {
    const other = f64([0.5, NaN, 3, -1]);
    checkGrad((x) => fmax(x, other), [1, 2, -4, 0.25]);
    checkGrad((x) => fmin(x, other), [1, 2, -4, 0.25]);
    checkGrad((x) => fmax(other, x), [1, 2, -4, 0.25]);
    const g = grad((x: np.Array) => np.sum(fmax(x, other)))(f64([1, 2, -4, 0.25]));
    near(g, [1, 1, 0, 1]);
    checkTransforms((x) => fmax(x, other), f64([[1, 2, 3, 4], [NaN, -1, 5, -2]]));
    checkTransforms((x) => fmin(x, other), f64([[1, 2, 3, 4], [NaN, -1, 5, -2]]));
  });

  it('reject shapes that do not broadcast, naming the function', () => {
    expect(() => fmax(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.fmax/);
    expect(() => fmin(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.fmin/);
  });
});

describe('sinc', () => {
  it('matches numpy, 1 at 0, NaN at ±inf', () => {
    near(sinc(f64([0, 0.5, 1, -1.5, 2.25, 1e-5, -1e-4, 3])),
      [1, 0.6366197723675814, 3.8981718325193755e-17, -0.2122065907891938, 0.10003514623967844, 0.9999999998355066, 0.9999999835506593, 3.8981718325193755e-17],
      { tol: 1e-15 });
    near(sinc(i32([0, 1, 2])), [1, 3.8981718325193755e-17, -3.8981718325193755e-17], { tol: 1e-15, dtype: 'float64' });
    near(sinc(f64([Infinity, -Infinity, NaN])), [NaN, NaN, NaN]);
  });

  it('has derivative 0 at 0 (and the right second derivative), finite everywhere', () => {
    near(grad((x: np.Array) => sinc(x))(np.array(0, { dtype: 'float64' })), 0);
    // d²/dx² sinc(x) at 0 = -π²/3
    near(grad(grad((x: np.Array) => sinc(x)))(np.array(0, { dtype: 'float64' })), -(Math.PI ** 2) / 3, { tol: 1e-9 });
    near(jit(grad((x: np.Array) => sinc(x)))(np.array(0, { dtype: 'float64' })), 0);
    near(vmap(grad((x: np.Array) => sinc(x)))(f64([0, 0.5, 1])), [0, -1.2732395447351628, -1]);
    checkGrad((x) => sinc(x), [0, 1e-4, -2e-3, 0.5, 1, -1.7, 3.2]);
    checkTransforms((x) => sinc(x), f64([[0, 0.5, 1], [-1e-5, 2, NaN]]));
  });
});

describe('logaddexp2', () => {
  it('matches numpy, infinities and overflow included', () => {
    near(logaddexp2(f64([1, 0, -Infinity, Infinity, Infinity, 1000, -1e3, NaN]), f64([1, 3, -Infinity, Infinity, -Infinity, 999, 2, 0])),
      [2, 3.169925001442312, -Infinity, Infinity, Infinity, 1000.5849625007212, 2, NaN]);
    near(logaddexp2(i32([1, 2]), 3), [3.321928094887362, 3.584962500721156], { dtype: 'float64' });
  });

  it('is differentiable (1/2 each at a tie), and jit/vmap agree', () => {
    checkGrad((x) => logaddexp2(x, f64([1, -3, 40, 0.5])), [1, 2, -4, 0.25]);
    near(grad((x: np.Array) => logaddexp2(x, 2))(np.array(2, { dtype: 'float64' })), 0.5);
    checkTransforms((x) => logaddexp2(x, f64([1, 2, 3])), f64([[1, 2, 3], [-Infinity, 1000, 0]]));
    expect(() => logaddexp2(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.logaddexp2/);
  });
});

describe('heaviside', () => {
  it('matches numpy: h0 at ±0, NaN for NaN, floats for ints', () => {
    near(heaviside(f64([-1.5, 0, 2, NaN, -0, Infinity]), 0.5), [0, 0.5, 1, NaN, 0.5, 1]);
    near(heaviside(f64([0, 0, -1]), f64([0, 1, 7])), [0, 1, 0]);
    near(heaviside(i32([-2, 0, 3]), 1), [0, 1, 1], { dtype: 'float64' });
    checkTransforms((x) => heaviside(x, 0.5), f64([[0, -1, 2], [NaN, -0, 3]]));
    expect(() => heaviside(f64([1, 2]), f64([1, 2, 3]))).toThrow(/np\.heaviside/);
  });
});

describe('nanToNum', () => {
  const x = f64([1, NaN, Infinity, -Infinity, -2]);
  it('matches numpy, with the dtype\'s finite extremes by default', () => {
    near(nanToNum(x), [1, 0, 1.7976931348623157e308, -1.7976931348623157e308, -2], { dtype: 'float64' });
    near(nanToNum(x, { nan: -1, posinf: 100, neginf: -100 }), [1, -1, 100, -100, -2]);
    near(nanToNum(np.array([1, NaN, Infinity, -Infinity, -2], { dtype: 'float32' })), [1, 0, 3.4028234663852886e38, -3.4028234663852886e38, -2], { dtype: 'float32', tol: 0 });
    near(nanToNum(i32([1, 2])), [1, 2], { dtype: 'int32' });
  });

  it('passes gradients through finite entries only, and jit/vmap agree', () => {
    // The non-finite values come from a constant, so the masked entries' partials are finite (d(x + c)/dx = 1).
    const c = f64([0, NaN, Infinity, -Infinity]);
    checkGrad((a) => nanToNum(np.add(a, c), { posinf: 10, neginf: -10 }), [1.5, -2, 3, 0.5]);
    near(grad((a: np.Array) => np.sum(nanToNum(np.add(a, c))))(f64([1, 2, 3, 4])), [1, 0, 0, 0]);
    checkTransforms((a) => nanToNum(a, { posinf: 7 }), f64([[1, NaN, Infinity], [-Infinity, 0, 2]]));
  });
});

describe('average', () => {
  const a = f64([[1, 2, 3], [4, 5, 9]]);
  it('matches numpy with and without weights', () => {
    near(average(a), 4);
    near(average(a, 0), [2.5, 3.5, 6]);
    near(average(a, -1), [2, 6]);
    near(average(a, 1, { weights: f64([3, 1, 0.5]) }), [1.4444444444444444, 4.777777777777778]);
    near(average(a, 0, { weights: f64([1, 3]) }), [3.25, 4.25, 7.5]);
    near(average(a, null, { weights: f64([[1, 2, 3], [0, 1, 1]]) }), 3.5);
    near(average(a, 0, { weights: f64([[1, 2, 3], [0, 1, 1]]) }), [1, 3, 4.5]);
    near(average(i32([1, 2, 4])), 2.3333333333333335, { dtype: 'float64' });
    near(average(i32([1, 2, 4]), 0, { weights: i32([1, 0, 3]) }), 3.25, { dtype: 'float64' });
  });

  it('is differentiable in x and in the weights, and jit/vmap agree', () => {
    const w = f64([3, 1, 0.5]);
    checkGrad((x) => average(x, 1, { weights: w }), [1, 2, 3, 4, 5, 9], [2, 3]);
    checkGrad((ww) => average(a, 1, { weights: ww }), [3, 1, 0.5]);
    checkGrad((x) => average(x, 0), [1, 2, 3, 4, 5, 9], [2, 3]);
    checkTransforms((x) => average(x, -1, { weights: w }), a);
  });

  it('rejects weights of the wrong shape, naming np.average', () => {
    expect(() => average(a, 1, { weights: f64([1, 2]) })).toThrow(/np\.average: weights of length 2 do not fit axis 1/);
    expect(() => average(a, null, { weights: f64([1, 2, 3]) })).toThrow(/np\.average: .*pass an axis/);
    expect(() => average(a, 1, { weights: f64([[1, 2, 3]]) })).toThrow(/np\.average: weights of shape \[1,3\] must be 1-D/);
  });
});

describe('cov and corrcoef', () => {
  const m = f64([[1, 2, 4, 7], [0, 1, -1, 3], [2, 2, 5, 1]]);
  const mFlat = [1, 2, 4, 7, 0, 1, -1, 3, 2, 2, 5, 1];
  it('cov matches numpy for rowvar, ddof and bias', () => {
    const c = [[7, 2.833333333333333, -0.6666666666666666], [2.833333333333333, 2.9166666666666665, -2.5], [-0.6666666666666666, -2.5, 3]];
    near(cov(m), c);
    near(cov(m, { rowvar: false }), [[1, 0.5, 3, -1], [0.5, 0.3333333333333333, 1.8333333333333333, 0.33333333333333337],
      [3, 1.8333333333333333, 10.333333333333334, 0.3333333333333335], [-1, 0.33333333333333337, 0.3333333333333335, 9.333333333333334]]);
    const c0 = [[5.25, 2.125, -0.5], [2.125, 2.1875, -1.875], [-0.5, -1.875, 2.25]];
    near(cov(m, { ddof: 0 }), c0);
    near(cov(m, { bias: true }), c0);
    near(cov(m, { ddof: 3 }), [[21, 8.5, -2], [8.5, 8.75, -7.5], [-2, -7.5, 9]]);
  });

  it('cov edge cases: 1-D is one variable (0-d result), one row with rowvar false, one observation', () => {
    near(cov(f64([1, 3, 4, 8])), 8.666666666666666, { shape: [] });
    near(cov(f64([1, 3, 4, 8]), { rowvar: false }), 8.666666666666666, { shape: [] });
    near(cov(i32([[1, 2, 3], [3, 1, 0]])), [[1, -1.5], [-1.5, 2.3333333333333335]], { dtype: 'float64' });
    // numpy 2 transposes any 2-D input when rowvar is false: three variables of one observation.
    near(cov(f64([[1, 2, 5]]), { rowvar: false }), [[NaN, NaN, NaN], [NaN, NaN, NaN], [NaN, NaN, NaN]]);
    near(cov(f64([[1], [2]])), [[NaN, NaN], [NaN, NaN]]);
  });

  it('corrcoef matches numpy, NaN for a constant variable', () => {
    near(corrcoef(m), [[0.9999999999999998, 0.6270544465288198, -0.14547859349066158], [0.6270544465288198, 1, -0.8451542547285167],
      [-0.14547859349066158, -0.8451542547285167, 1]], { tol: 1e-14 });
    near(corrcoef(m, { rowvar: false }), [[1, 0.8660254037844387, 0.9332565252573827, -0.32732683535398854],
      [0.8660254037844387, 1, 0.9878291611472619, 0.18898223650461363], [0.9332565252573827, 0.9878291611472619, 1, 0.033942211665106546],
      [-0.32732683535398854, 0.18898223650461363, 0.033942211665106546, 1]], { tol: 1e-14 });
    near(corrcoef(f64([1, 3, 4, 8])), 1, { shape: [] });
    near(corrcoef(i32([[1, 2, 3], [3, 1, 0]])), [[1, -0.9819805060619656], [-0.9819805060619656, 1]], { tol: 1e-14, dtype: 'float64' });
    near(corrcoef(f64([[1, 1, 1], [1, 2, 3]])), [[NaN, NaN], [NaN, 1]]);
  });

  it('are differentiable, and jit/vmap agree', () => {
    checkGrad((x) => cov(x), mFlat, [3, 4]);
    checkGrad((x) => cov(x, { rowvar: false, ddof: 0 }), mFlat, [3, 4]);
    checkGrad((x) => corrcoef(x), mFlat, [3, 4]);
    checkGrad((x) => corrcoef(x, { rowvar: false }), mFlat, [3, 4]);
    const batch = np.stack([m, np.multiply(m, m), np.sin(m)]);
    checkTransforms((x) => cov(x), batch);
    checkTransforms((x) => corrcoef(x), batch);
  });

  it('reject more than two dimensions, naming the function', () => {
    expect(() => cov(np.zeros([2, 2, 2]))).toThrow(/np\.cov: m must be 1-D or 2-D/);
    expect(() => corrcoef(np.zeros([2, 2, 2]))).toThrow(/np\.cov/);
  });
});

describe('polyval', () => {
  it('matches numpy (Horner, highest degree first)', () => {
    near(polyval(f64([3, 0, -2, 1]), f64([0, 1, -2, 0.5])), [1, 2, -19, 0.375]);
    near(polyval([1, 2], 3), 5);
    near(polyval(i32([1, -1, 2]), i32([2, 3])), [4, 8], { dtype: 'int32' });
    near(polyval(np.zeros([0]), f64([1, 2])), [0, 0]);
    near(polyval([4], f64([1, 2])), [4, 4]);
  });

  it('is differentiable in x and in p, and jit/vmap agree', () => {
    checkGrad((x) => polyval(f64([3, 0, -2, 1]), x), [0, 1, -2, 0.5]);
    checkGrad((p) => polyval(p, f64([0, 1, -2, 0.5])), [3, 0, -2, 1]);
    checkTransforms((x) => polyval(f64([3, 0, -2, 1]), x), f64([[0, 1, -2], [0.5, 3, -1]]));
    checkTransforms((p) => polyval(p, f64([0, 1, -2])), f64([[1, 2, 3], [0.5, 3, -1]]));
  });

  it('rejects a p that is not 1-D, naming np.polyval', () => {
    expect(() => polyval(np.zeros([2, 2]), f64([1]))).toThrow(/np\.polyval: p must be 1-D/);
  });
});

describe('select', () => {
  const x = np.subtract(np.arange(6, undefined, 1, { dtype: 'float64' }), 2);
  it('matches numpy: the first true condition wins, else the default', () => {
    near(select([np.less(x, 0), np.less(x, 2)], [np.multiply(x, 10), np.square(x)], 42), [-20, -10, 0, 1, 42, 42]);
    near(select([np.greater(x, 100)], [x]), [0, 0, 0, 0, 0, 0]);
    near(select([np.greater(x, 0), np.greater(x, 1)], [np.ones([6]), np.full([6], 2)], -1), [-1, -1, -1, 1, 1, 1]);
    const k = np.arange(5, undefined, 1, { dtype: 'int32' });
    near(select([np.less(k, 2), np.greater(k, 3)], [np.multiply(k, 10), np.negative(k)]), [0, 10, 0, 0, -4], { dtype: 'int32' });
  });

  it('is differentiable in the choices and the default, and jit/vmap agree', () => {
    const c = [np.less(x, 0), np.less(x, 2)];
    checkGrad((v) => select(c, [np.multiply(v, 10), np.square(v)], np.sin(v)), [-2, -1, 0, 1, 2, 3]);
    checkTransforms((v) => select([np.less(v, 0), np.less(v, 2)], [np.multiply(v, 10), np.square(v)], 42), f64([[-2, -1, 0], [1, 2, 3]]));
  });

  it('rejects mismatched lists, non-bool conditions and unbroadcastable shapes, naming np.select', () => {
    expect(() => select([np.less(x, 0)], [x, x])).toThrow(/np\.select: condlist has 1 entries but choicelist has 2/);
    expect(() => select([], [])).toThrow(/np\.select: select with an empty condition list/);
    expect(() => select([x], [x])).toThrow(/np\.select: invalid entry 0 in condlist/);
    expect(() => select([np.less(x, 0)], [f64([1, 2])])).toThrow(/np\.select: shapes/);
  });
});
