/**
 * lib/numpy/nan-stats.ts: NaN-ignoring reductions, cumulative products and static-size binning.
 * Expected values are numpy 2.4's answers, pasted as literals; gradients are checked against
 * central differences in float64, and jit and vmap against the eager call.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, np, vmap } from '../lib/index.js';
import {
  bincount, cumprod, digitize, gradient, histogram, interp, isin, nanargmax, nanargmin, nancumprod, nancumsum,
  nanmax, nanmean, nanmin, nanprod, nanstd, nansum, nanvar,
} from '../lib/numpy/nan-stats.js';
import { checkGrad as checkGradAll, checkTransforms, f64, i32, near } from './check-values.js';


const list = (r: np.Array | np.Array[]): np.Array[] => (Array.isArray(r) ? r : [r]);
const one = (r: np.Array | np.Array[]): np.Array => {
  if (Array.isArray(r)) throw new Error('expected one Array');
  return r;
};

/** checkGrad with NaN outputs (all-NaN slices) left out of the loss. */
const checkGrad = (f: (x: np.Array) => np.Array, x0: readonly number[], shape?: readonly number[], tol?: number): void =>
  checkGradAll(f, x0, shape, tol, true);

const x = f64([[1, NaN, 3, -2], [NaN, NaN, NaN, NaN], [0.5, 4, NaN, 4]]);
const xFlat = [1, NaN, 3, -2, NaN, NaN, NaN, NaN, 0.5, 4, NaN, 4];
const x2 = f64([[1, NaN, 3, -2], [0.5, 4, NaN, 4]]);

describe('nansum, nanprod, nanmean', () => {
  it('match numpy over all axes, one axis, negative axes and keepdims', () => {
    near(nansum(x), 10.5, { dtype: 'float64' });
    near(nansum(x, 0), [1.5, 4, 3, 2]);
    near(nansum(x, 1, { keepdims: true }), [[2], [0], [8.5]]);
    near(nansum(x, -1), [2, 0, 8.5]);
    near(nanprod(x, 1), [-6, 1, 8]);
    near(nanmean(x, 1), [0.6666666666666666, NaN, 2.8333333333333335]);
    near(nanmean(x, 0), [0.75, 4, 3, 1]);
    near(nanmean(x), 1.75);
    near(nanmean(x, [0, 1]), 1.75);
    near(nanmean(x, -2, { keepdims: true }), [[0.75, 4, 3, 1]]);
  });

  it('keep ints as numpy does, and handle empty arrays', () => {
    near(nansum(i32([[1, 2], [3, 4]]), 0), [4, 6], { dtype: 'int32' });
    near(nanmean(i32([1, 2, 4])), 2.3333333333333335, { dtype: 'float64' });
    near(nansum(np.zeros([0])), 0);
    near(nanprod(np.zeros([0])), 1);
    near(nanmean(np.zeros([0])), NaN);
    near(nansum(np.zeros([2, 0]), 1), [0, 0]);
    const h = np.array([1.5, NaN, 2.5], { dtype: 'float32' });
    near(nanmean(h), 2, { dtype: 'float32' });
    near(nansum(h), 4, { dtype: 'float32' });
  });

  it('are differentiable (zero gradient at NaN), and jit/vmap agree', () => {
    checkGrad((a) => nansum(a, 1), xFlat, [3, 4]);
    checkGrad((a) => nanmean(a, 1), xFlat, [3, 4]);
    checkGrad((a) => nanmean(a), xFlat, [3, 4]);
    near(grad((a: np.Array) => nansum(a))(f64([1, NaN, 2])), [1, 0, 1]);
    checkTransforms((a) => nansum(a, 0), x2);
    checkTransforms((a) => nanmean(a), x);
    checkTransforms((a) => nanprod(a), x);
  });

  it('reject a bad axis, naming the function', () => {
    expect(() => nansum(x, 2)).toThrow(/np\.sum|axis 2/);
    expect(() => nanmean(x, 3)).toThrow(/np\.nanmean: axis 3 is out of bounds/);
  });
});

describe('nanvar and nanstd', () => {
  it('match numpy with ddof; NaN where the count is at most ddof', () => {
    near(nanvar(x, 1), [4.222222222222222, NaN, 2.7222222222222228]);
    near(nanvar(x, 1, { ddof: 1 }), [6.333333333333334, NaN, 4.083333333333334]);
    near(nanvar(x, 0, { ddof: 1 }), [0.125, NaN, NaN, 18]);
    near(nanvar(x, 1, { ddof: 3 }), [NaN, NaN, NaN]);
    near(nanstd(x, 1), [2.0548046676563256, NaN, 1.649915822768611]);
    near(nanstd(x, null, { ddof: 1 }), 2.361143790623519);
    near(nanvar(x, -1, { keepdims: true }), [[4.222222222222222], [NaN], [2.7222222222222228]]);
    near(nanvar(i32([1, 2, 4])), 1.5555555555555556, { dtype: 'float64' });
  });

  it('are differentiable (zero gradient at NaN), and jit/vmap agree', () => {
    checkGrad((a) => nanvar(a, 1), xFlat, [3, 4]);
    checkGrad((a) => nanvar(a, 0, { ddof: 1 }), xFlat, [3, 4]);
    checkGrad((a) => nanstd(a, 1), xFlat, [3, 4]);
    checkTransforms((a) => nanvar(a, undefined, { ddof: 1 }), x2);
    checkTransforms((a) => nanstd(a), x);
  });

  it('reject a bad ddof, naming the function', () => {
    expect(() => nanvar(x, 0, { ddof: Number.NaN })).toThrow(/np\.nanvar: ddof/);
    expect(() => nanstd(x, 5)).toThrow(/np\.nanstd: axis 5/);
  });
});

describe('nanmax, nanmin, nanargmax, nanargmin', () => {
  it('match numpy; all-NaN slices give NaN', () => {
    near(nanmax(x, 1), [3, NaN, 4]);
    near(nanmin(x, 0), [0.5, 4, 3, -2]);
    near(nanmax(x), 4);
    near(nanmin(x, -1, { keepdims: true }), [[-2], [NaN], [0.5]]);
    near(nanmax(i32([[1, 7], [3, 4]]), 1), [7, 4], { dtype: 'int32' });
    near(nanmax(f64([NaN, -Infinity])), -Infinity);
  });

  it('arg versions match numpy (first on ties), and give -1 for all-NaN slices as JAX', () => {
    near(nanargmax(x2, 1), [2, 1], { dtype: 'int32' });
    near(nanargmin(x2, 0), [1, 1, 0, 0]);
    near(nanargmax(x), 9);
    near(nanargmin(x), 3);
    near(nanargmax(f64([-Infinity, NaN])), 0);
    near(nanargmax(x, 1), [2, -1, 1]);
    near(nanargmin(x, -1, { keepdims: true }), [[3], [-1], [0]]);
    near(nanargmax(f64([NaN, NaN])), -1);
    near(nanargmax(i32([3, 9, 9])), 1);
    near(nanargmax(x, null, { keepdims: true }), [[9]]);
  });

  it('nanmax and nanmin are differentiable away from ties, and jit/vmap agree', () => {
    checkGrad((a) => nanmax(a, 1), xFlat.map((v, i) => (Number.isNaN(v) ? v : v + 0.01 * i)), [3, 4]);
    checkGrad((a) => nanmin(a, 0), xFlat.map((v, i) => (Number.isNaN(v) ? v : v + 0.01 * i)), [3, 4]);
    checkTransforms((a) => nanmax(a), x);
    checkTransforms((a) => nanmin(a, 0), x2);
    checkTransforms((a) => nanargmax(a), x);
    checkTransforms((a) => nanargmin(a), x);
  });

  it('reject empty slices, naming the function', () => {
    expect(() => nanmax(np.zeros([0]))).toThrow(/np\.nanmax: zero-size array/);
    expect(() => nanmin(np.zeros([2, 0]), 1)).toThrow(/np\.nanmin: zero-size array/);
    expect(() => nanargmax(np.zeros([0]))).toThrow(/np\.nanargmax: attempt to get argmax of an empty sequence/);
    expect(() => nanargmin(np.zeros([2, 0]), 1)).toThrow(/np\.nanargmin/);
    expect(() => nanargmin(x, 2)).toThrow(/np\.nanargmin: axis 2 is out of bounds/);
  });
});

describe('nancumsum, nancumprod, cumprod', () => {
  const c = f64([[2, -1, 0, 3, -0.5], [1.5, 2, -2, 0.5, 4]]);
  it('match numpy along axes and flattened', () => {
    near(nancumsum(x, 1), [[1, 1, 4, 2], [0, 0, 0, 0], [0.5, 4.5, 4.5, 8.5]]);
    near(nancumsum(x), [1, 1, 4, 2, 2, 2, 2, 2, 2.5, 6.5, 6.5, 10.5]);
    near(nancumprod(x, 0), [[1, 1, 3, -2], [1, 1, 3, -2], [0.5, 4, 3, -8]]);
    near(nancumprod(x), [1, 1, 3, -6, -6, -6, -6, -6, -3, -12, -12, -48]);
    near(cumprod(c, 1), [[2, -2, -0, -0, 0], [1.5, 3, -6, -3, -12]]);
    near(cumprod(c, -2), [[2, -1, 0, 3, -0.5], [3, -2, -0, 1.5, -2]]);
    near(cumprod(c), [2, -2, -0, -0, 0, 0, 0, -0, -0, -0]);
    near(cumprod(i32([1, 2, 3, -4, 5, 6, 7, 1, 2])), [1, 2, 6, -24, -120, -720, -5040, -5040, -10080], { dtype: 'int32' });
    near(cumprod(np.array([true, true, false, true])), [1, 1, 0, 0], { dtype: 'int32' });
    near(cumprod(f64(3)), [3]);
    near(cumprod(np.zeros([0])), [], { shape: [0] });
    near(cumprod(np.zeros([2, 0]), 1), [[], []], { shape: [2, 0] });
  });

  it('keeps signs of zero exactly as numpy', () => {
    const r = Array.from(cumprod(c, 1).dataSync());
    expect(Object.is(r[2], -0)).toBe(true);
    expect(Object.is(r[4], 0)).toBe(true);
  });

  it('are differentiable (cumprod through a zero entry), and jit/vmap agree', () => {
    checkGrad((a) => nancumsum(a, 1), xFlat, [3, 4]);
    checkGrad((a) => cumprod(a), [2, -1, 0, 3, -0.5, 1.5, 0.7]);
    checkGrad((a) => cumprod(a, 0), [2, -1, 0, 3, -0.5, 1.5, 2, -2, 0.5, 4], [2, 5]);
    checkGrad((a) => nancumprod(a, 1), xFlat, [3, 4]);
    checkTransforms((a) => cumprod(a), c);
    checkTransforms((a) => nancumprod(a), x);
    checkTransforms((a) => nancumsum(a), x);
  });

  it('reject a bad axis, naming the function', () => {
    expect(() => cumprod(c, 2)).toThrow(/np\.cumprod: axis 2 is out of bounds/);
    expect(() => nancumprod(c, -3)).toThrow(/np\.nancumprod/);
  });
});

describe('digitize', () => {
  const xs = f64([-1, 0, 0.5, 1, 2.5, 3, 4, NaN, Infinity]);
  const b = f64([0, 1, 2.5, 3]);
  it('matches numpy for increasing and decreasing bins, values on edges, NaN and inf', () => {
    near(digitize(xs, b), [0, 1, 1, 2, 3, 4, 4, 4, 4], { dtype: 'int32' });
    near(digitize(xs, b, true), [0, 0, 1, 1, 2, 3, 4, 4, 4]);
    near(digitize(xs, f64([3, 2.5, 1, 0])), [4, 3, 3, 2, 1, 0, 0, 0, 0]);
    near(digitize(xs, f64([3, 2.5, 1, 0]), true), [4, 4, 3, 3, 2, 1, 0, 0, 0]);
    near(digitize(i32([[1, 5], [3, 0]]), i32([1, 2, 3])), [[1, 3], [3, 0]]);
    near(digitize(f64([0, 1, 2, 3]), f64([0, 1, 1, 2])), [1, 3, 4, 4]);
  });

  it('jit and vmap agree, with traced x or traced bins', () => {
    checkTransforms((v) => digitize(v, b), f64([[-1, 0, 0.5], [3, NaN, 2.5]]));
    checkTransforms((bb) => digitize(xs, bb), f64([[0, 1, 2.5, 3], [3, 2.5, 1, 0]]));
  });

  it('rejects non-monotonic or non-1-D bins, naming np.digitize', () => {
    expect(() => digitize(xs, f64([0, 2, 1]))).toThrow(/np\.digitize: bins must be monotonically increasing or decreasing/);
    expect(() => digitize(xs, f64([[0, 1]]))).toThrow(/np\.digitize: bins must be 1-D/);
  });
});

describe('bincount', () => {
  const v = i32([0, 1, 1, 3, 2, 1, 7]);
  const w = f64([0.3, 0.5, 0.2, 0.7, 1, -0.6, 2]);
  it('matches numpy with weights, minlength and empty input', () => {
    near(bincount(v), [1, 3, 1, 1, 0, 0, 0, 1], { dtype: 'int32' });
    near(bincount(v, { weights: w }), [0.3, 0.09999999999999998, 1, 0.7, 0, 0, 0, 2], { dtype: 'float64', tol: 1e-15 });
    near(bincount(i32([0, 1, 1]), { minlength: 5 }), [1, 2, 0, 0, 0]);
    near(bincount(i32([])), [], { shape: [0] });
    near(bincount(i32([]), { minlength: 3 }), [0, 0, 0]);
    near(bincount(np.array([true, false, true])), [1, 2]);
  });

  it('with a static length drops values past it; jit and vmap need that length', () => {
    near(bincount(v, { length: 3 }), [1, 3, 1]);
    const f = (a: np.Array): np.Array => bincount(a, { length: 5 });
    checkTransforms(f, i32([[0, 1, 1, 4], [2, 2, 2, 0]]));
    checkTransforms((ww) => bincount(v, { weights: ww }), np.stack([w, np.multiply(w, 2)]));
    expect(() => jit((a: np.Array) => bincount(a))(v)).toThrow(/np\.bincount: .*pass a static length/);
    expect(() => vmap((a: np.Array) => bincount(a))(i32([[0, 1], [1, 1]]))).toThrow(/np\.bincount: .*length/);
  });

  it('is differentiable in the weights', () => {
    checkGrad((ww) => bincount(v, { weights: ww }), [0.3, 0.5, 0.2, 0.7, 1, -0.6, 2]);
  });

  it('rejects negative values, floats and mismatched weights, naming np.bincount', () => {
    expect(() => bincount(i32([0, -1]))).toThrow(/np\.bincount: x must have no negative elements/);
    expect(() => bincount(f64([0, 1]))).toThrow(/np\.bincount: x must hold non-negative integers/);
    expect(() => bincount(v, { weights: f64([1, 2]) })).toThrow(/np\.bincount: weights of shape \[2\]/);
    expect(() => bincount(i32([[0, 1]]))).toThrow(/np\.bincount: x must be 1-D/);
    expect(() => bincount(v, { minlength: -1 })).toThrow(/np\.bincount: minlength/);
  });
});

describe('histogram', () => {
  const a = f64([1, 2, 2, 3, 4, 5, 5, 5, 0, 10]);
  it('matches numpy: data range, given range, edges; the last bin is closed', () => {
    const [c3, e3] = histogram(a, { bins: 3 });
    near(c3, [5, 4, 1], { dtype: 'int32' });
    near(e3, [0, 3.3333333333333335, 6.666666666666667, 10], { tol: 0 });
    const [cr, er] = histogram(a, { bins: 4, range: [0, 5] });
    near(cr, [2, 2, 1, 4]);
    near(er, [0, 1.25, 2.5, 3.75, 5]);
    const [ce, ee] = histogram(a, { bins: f64([0, 1, 2.5, 5, 10]) });
    near(ce, [1, 3, 2, 4]);
    near(ee, [0, 1, 2.5, 5, 10]);
    const [cd, ed] = histogram(f64([0.1, 0.25, 0.3, 0.37, 0.55, 0.6, 0.9, 1.7, 2, 2]));
    near(cd, [2, 2, 2, 0, 1, 0, 0, 0, 1, 2]);
    near(ed, [0.1, 0.29000000000000004, 0.48, 0.67, 0.86, 1.05, 1.2400000000000002, 1.4300000000000002, 1.62, 1.81, 2], { tol: 0 });
  });

  it('matches numpy for weights, density, constant, empty, 2-D, int and NaN input', () => {
    near(histogram(a, { bins: 4, range: [0, 8], weights: np.multiply(np.arange(10, undefined, 1, { dtype: 'float64' }), 0.5) })[0], [4, 3, 11, 0]);
    near(histogram(a, { bins: f64([0, 1, 2.5, 5, 10]), density: true })[0], [0.1, 0.2, 0.08, 0.08]);
    // numpy's positional bins: a count, edges as an Array or a JS list, then the options.
    near(histogram(a, f64([0, 1, 2.5, 5, 10]), { density: true })[0], [0.1, 0.2, 0.08, 0.08]);
    near(histogram(a, [0, 1, 2.5, 5, 10], { density: true })[0], [0.1, 0.2, 0.08, 0.08]);
    near(histogram(a, 4, { range: [0, 8], weights: np.multiply(np.arange(10, undefined, 1, { dtype: 'float64' }), 0.5) })[0], [4, 3, 11, 0]);
    const [cc, ec] = histogram(f64([3, 3, 3]), { bins: 4 });
    near(cc, [0, 0, 3, 0]);
    near(ec, [2.5, 2.75, 3, 3.25, 3.5]);
    const [c0, e0] = histogram(np.zeros([0]), { bins: 2 });
    near(c0, [0, 0]);
    near(e0, [0, 0.5, 1]);
    near(histogram(f64([[0.1, 0.7], [0.3, 0.99]]), { bins: 2, range: [0, 1] })[0], [2, 2]);
    const [ci, ei] = histogram(i32([1, 2, 2, 3]), { bins: 2 });
    near(ci, [1, 3]);
    near(ei, [1, 2, 3], { dtype: 'float64' });
    near(histogram(f64([1, NaN, 2]), { bins: 2, range: [0, 2] })[0], [0, 2]);
  });

  it('jit and vmap agree (the range from the data is traced), and weights are differentiable', () => {
    checkTransforms((v) => histogram(v, { bins: 3 })[0], f64([[1, 2, 2, 3, 4], [0, 0.5, 5, 5, 1]]));
    checkTransforms((v) => histogram(v, { bins: 3 })[1], f64([[1, 2, 2, 3, 4], [0, 0.5, 5, 5, 1]]));
    checkTransforms((v) => histogram(v, { bins: f64([0, 1, 2.5, 5]) })[0], f64([[1, 2, 2, 3, 5], [0, 0.5, 5, 6, 1]]));
    checkGrad((ww) => histogram(a, { bins: 3, weights: ww })[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('rejects bad bins, ranges and weights, naming np.histogram', () => {
    expect(() => histogram(a, { bins: 0 })).toThrow(/np\.histogram: bins must be a positive integer/);
    expect(() => histogram(a, { bins: f64([0, 2, 1]) })).toThrow(/np\.histogram: bins must be monotonically increasing/);
    expect(() => histogram(a, { range: [2, 1] })).toThrow(/np\.histogram: range \[2, 1\] must have max >= min/);
    expect(() => histogram(f64([1, NaN]))).toThrow(/np\.histogram: the range taken from the data is not finite/);
    expect(() => histogram(a, { weights: f64([1]) })).toThrow(/np\.histogram: weights of size 1/);
  });
});

describe('isin', () => {
  it('matches numpy, NaN never matching', () => {
    near(isin(i32([[1, 2], [3, 4]]), i32([4, 2, 9])), [[false, true], [false, true]], { dtype: 'bool' });
    near(isin(i32([[1, 2], [3, 4]]), i32([4, 2, 9]), { invert: true }), [[true, false], [true, false]]);
    near(isin(f64([1, NaN, 2.5]), f64([NaN, 2.5])), [false, false, true]);
    near(isin(f64([1, 2]), np.zeros([0])), [false, false]);
    near(isin(f64([1, 2]), f64([[2, 5], [7, 1]])), [true, true]);
  });

  it('jit and vmap agree', () => {
    checkTransforms((v) => isin(v, f64([4, 2, 9])), f64([[1, 2, 4], [9, 9, 0]]));
  });
});

describe('interp', () => {
  const xp = f64([0, 1, 2.5, 4]);
  const fp = f64([1, 3, -2, 0.5]);
  const xi = f64([-1, 0, 0.3, 1, 2, 2.5, 3.9, 4, 5, NaN]);
  it('matches numpy at knots, between them, outside xp and at NaN', () => {
    near(interp(xi, xp, fp), [1, 1, 1.6, 3, -0.3333333333333335, -2, 0.3333333333333335, 0.5, 0.5, NaN], { dtype: 'float64', tol: 1e-15 });
    near(interp(xi, xp, fp, { left: -10, right: 10 }), [-10, 1, 1.6, 3, -0.3333333333333335, -2, 0.3333333333333335, 0.5, 10, NaN], { tol: 1e-15 });
    near(interp(f64([-1, 2, 3]), f64([2]), f64([7])), [7, 7, 7]);
    near(interp(f64([0.5, 1, 1.5, 2]), f64([0, 1, 1, 2]), f64([0, 1, 5, 6])), [0.5, 5, 5.5, 6]);
    near(interp(f64([0.5, 1, 1.5]), f64([0, 1, 2]), f64([0, Infinity, Infinity])), [Infinity, Infinity, Infinity]);
    near(interp(2, xp, fp), -0.3333333333333335, { shape: [] });
    near(interp(i32([1, 3]), i32([0, 2, 4]), i32([0, 4, 0])), [2, 2], { dtype: 'float64' });
  });

  it('is differentiable in x and in fp, and jit/vmap agree', () => {
    checkGrad((v) => interp(v, xp, fp), [-1, 0.3, 0.7, 2, 3.9, 5]);
    checkGrad((f) => interp(xi, xp, f), [1, 3, -2, 0.5]);
    checkGrad((f) => interp(xi, xp, f, { left: -10, right: 10 }), [1, 3, -2, 0.5]);
    checkTransforms((v) => interp(v, xp, fp), f64([[-1, 0.3, 2.5], [4, 5, NaN]]));
    const dInterp = (v: np.Array): np.Array => grad((u: np.Array) => np.sum(interp(u, xp, fp)))(v);
    near(jit(dInterp)(f64([-1, 0.3, 2, 5])), dInterp(f64([-1, 0.3, 2, 5])).js());
    near(dInterp(f64([-1, 0.3, 2, 5])), [0, 2, -3.3333333333333335, 0], { tol: 1e-14 });
    checkTransforms((f) => interp(xi, xp, f), f64([[1, 3, -2, 0.5], [0, 1, 4, 9]]));
  });

  it('rejects mismatched or empty sample points, naming np.interp', () => {
    expect(() => interp(xi, xp, f64([1, 2]))).toThrow(/np\.interp: fp and xp are not of the same length/);
    expect(() => interp(xi, np.zeros([0]), np.zeros([0]))).toThrow(/np\.interp: xp is empty/);
    expect(() => interp(xi, f64([[0, 1]]), f64([[0, 1]]))).toThrow(/np\.interp: xp must be 1-D/);
  });
});

describe('gradient', () => {
  const f = f64([1, 2, 4, 7, 11, 16]);
  const F = f64([[1, 2, 6], [3, 4, 5], [0, -1, 7], [2, 2, 2]]);
  it('matches numpy for scalar spacing, coordinates and both edge orders', () => {
    near(one(gradient(f)), [1, 1.5, 2.5, 3.5, 4.5, 5]);
    near(one(gradient(f, 2)), [0.5, 0.75, 1.25, 1.75, 2.25, 2.5]);
    near(one(gradient(f, { edgeOrder: 2 })), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    const co = f64([0, 1, 1.5, 3.5, 4, 6]);
    near(one(gradient(f, co)), [1, 2.9999999999999996, 3.5, 6.700000000000001, 6.899999999999999, 2.5], { tol: 1e-14 });
    near(one(gradient(f, co, { edgeOrder: 2 })), [-1, 2.9999999999999996, 3.5, 6.700000000000001, 6.899999999999999, -1.8999999999999968], { tol: 1e-14 });
    near(one(gradient(f, f64([0, 0.5, 1, 1.5, 2, 2.5]))), [2, 3, 5, 7, 9, 10]);
    near(one(gradient(i32([1, 4, 9, 16]))), [3, 4, 6, 7], { dtype: 'float64' });
    near(one(gradient(f64([1, 3]))), [2, 2]);
  });

  it('gives a list for several axes, one Array for one axis (negative axes too)', () => {
    const g = list(gradient(F));
    expect(g.length).toBe(2);
    near(g[0], [[2, 2, -1], [-0.5, -1.5, 0.5], [-0.5, -1, -1.5], [2, 3, -5]]);
    near(g[1], [[1, 2.5, 4], [1, 1, 1], [-1, 3.5, 8], [0, 0, 0]]);
    near(one(gradient(F, { axis: -1 })), [[1, 2.5, 4], [1, 1, 1], [-1, 3.5, 8], [0, 0, 0]]);
    const h = list(gradient(F, 2, f64([0, 1, 3]), { edgeOrder: 2 }));
    near(h[0], [[2.25, 2.75, -1.25], [-0.25, -0.75, 0.25], [-0.25, -0.5, -0.75], [2.25, 3.5, -4.25]]);
    near(h[1], [[0.6666666666666667, 1.3333333333333335, 2.6666666666666665], [1.1666666666666667, 0.8333333333333333, 0.16666666666666696],
      [-2.6666666666666665, 0.6666666666666665, 7.333333333333334], [1.6653345369377348e-16, 5.551115123125783e-17, 0]], { tol: 1e-14 });
  });

  it('is differentiable in f and in the coordinates, and jit/vmap agree', () => {
    checkGrad((v) => one(gradient(v, { edgeOrder: 2 })), [1, 2, 4, 7, 11, 16]);
    checkGrad((v) => one(gradient(v, 0.5, { axis: 0 })), [1, 2, 6, 3, 4, 5, 0, -1, 7, 2, 2, 2], [4, 3]);
    checkGrad((c) => one(gradient(f, c, { edgeOrder: 2 })), [0, 1, 1.5, 3.5, 4, 6]);
    checkTransforms((v) => one(gradient(v)), f64([[1, 2, 4, 7], [0, -1, 3, 3]]));
    checkTransforms((v) => one(gradient(v, f64([0, 1, 1.5, 3.5]), { edgeOrder: 2 })), f64([[1, 2, 4, 7], [0, -1, 3, 3]]));
    checkTransforms((c) => one(gradient(f64([1, 2, 4, 7]), c)), f64([[0, 1, 1.5, 3.5], [0, 2, 3, 7]]));
  });

  it('rejects too few points, bad spacings and edge orders, naming np.gradient', () => {
    expect(() => gradient(f64([1, 2]), { edgeOrder: 2 })).toThrow(/np\.gradient: axis 0 .* too small/);
    expect(() => gradient(F, 1, 2, 3)).toThrow(/np\.gradient: got 3 spacings for 2 axes/);
    expect(() => gradient(f, f64([0, 1]))).toThrow(/np\.gradient: coordinates of length 2 do not match axis 0/);
    expect(() => gradient(f, { edgeOrder: 3 as 2 })).toThrow(/np\.gradient: edgeOrder must be 1 or 2/);
    expect(() => gradient(F, { axis: 2 })).toThrow(/np\.gradient: axis 2 is out of bounds/);
  });
});
