/**
 * lib/lax/cumulative.ts and lib/numpy/cumulative.ts: lax.cumprod / cummax / cummin /
 * cumlogsumexp, lax.associativeScan over pytrees, and numpy 2's cumulativeSum / cumulativeProd.
 * Expected values are numpy 2.4's (ufunc.accumulate), pasted as literals; the cummax/cummin
 * gradients at ties come from a transliteration of JAX's associative_scan with lax.max's
 * tie-splitting derivative; other gradients are checked against central differences in float64,
 * and jit and vmap against the eager call.
 */
import { describe, expect, it } from 'vitest';
import { type Array, ShapeError, grad, lax, np } from '../lib/index.js';
import { type Deep, checkGrad, checkTransforms, f64, i32, near } from './check-values.js';

const weights = (n: number): Array => f64(globalThis.Array.from({ length: n }, (_, i) => Math.cos(1.3 * i + 0.4)));
const CX = [[-0.75, 1.0, -0.125, -1.25, 0.5], [-0.625, 1.125, 0.0, -1.125, 0.625], [-0.5, 1.25, 0.125, -1.0, 0.75]];
const CUMPROD = {"0,0": [[-0.75, 1.0, -0.125, -1.25, 0.5], [0.46875, 1.125, -0.0, 1.40625, 0.3125], [-0.234375, 1.40625, -0.0, -1.40625, 0.234375]], "0,1": [[-0.234375, 1.40625, -0.0, -1.40625, 0.234375], [0.3125, 1.40625, 0.0, 1.125, 0.46875], [-0.5, 1.25, 0.125, -1.0, 0.75]], "1,0": [[-0.75, -0.75, 0.09375, -0.1171875, -0.05859375], [-0.625, -0.703125, -0.0, 0.0, 0.0], [-0.5, -0.625, -0.078125, 0.078125, 0.05859375]], "1,1": [[-0.05859375, 0.078125, 0.078125, -0.625, 0.5], [0.0, -0.0, -0.0, -0.703125, 0.625], [0.05859375, -0.1171875, -0.09375, -0.75, 0.75]]};
const CUMMAX = {"0,0": [[-0.75, 1.0, -0.125, -1.25, 0.5], [-0.625, 1.125, 0.0, -1.125, 0.625], [-0.5, 1.25, 0.125, -1.0, 0.75]], "0,1": [[-0.5, 1.25, 0.125, -1.0, 0.75], [-0.5, 1.25, 0.125, -1.0, 0.75], [-0.5, 1.25, 0.125, -1.0, 0.75]], "1,0": [[-0.75, 1.0, 1.0, 1.0, 1.0], [-0.625, 1.125, 1.125, 1.125, 1.125], [-0.5, 1.25, 1.25, 1.25, 1.25]], "1,1": [[1.0, 1.0, 0.5, 0.5, 0.5], [1.125, 1.125, 0.625, 0.625, 0.625], [1.25, 1.25, 0.75, 0.75, 0.75]]};
const CUMMIN = {"0,0": [[-0.75, 1.0, -0.125, -1.25, 0.5], [-0.75, 1.0, -0.125, -1.25, 0.5], [-0.75, 1.0, -0.125, -1.25, 0.5]], "0,1": [[-0.75, 1.0, -0.125, -1.25, 0.5], [-0.625, 1.125, 0.0, -1.125, 0.625], [-0.5, 1.25, 0.125, -1.0, 0.75]], "1,0": [[-0.75, -0.75, -0.75, -1.25, -1.25], [-0.625, -0.625, -0.625, -1.125, -1.125], [-0.5, -0.5, -0.5, -1.0, -1.0]], "1,1": [[-1.25, -1.25, -1.25, -1.25, 0.5], [-1.125, -1.125, -1.125, -1.125, 0.625], [-1.0, -1.0, -1.0, -1.0, 0.75]]};
const CUMLOGSUMEXP = {"0,0": [[-0.75, 1.0, -0.125, -1.25, 0.5], [0.0075990353172, 1.7575990353172, 0.6325990353172, -0.4924009646828, 1.2575990353172], [0.478813855583, 2.228813855583, 1.103813855583, -0.021186144417, 1.728813855583]], "0,1": [[0.478813855583, 2.228813855583, 1.103813855583, -0.021186144417, 1.728813855583], [0.1325990353172, 1.8825990353172, 0.7575990353172, -0.3674009646828, 1.3825990353172], [-0.5, 1.25, 0.125, -1.0, 0.75]], "1,0": [[-0.75, 1.1602241504381, 1.4044154979993, 1.4723917974074, 1.7931537220299], [-0.625, 1.2852241504381, 1.5294154979993, 1.5973917974074, 1.9181537220299], [-0.5, 1.4102241504381, 1.6544154979993, 1.7223917974074, 2.0431537220299]], "1,1": [[1.7931537220299, 1.7112730851148, 1.0359291013853, 0.6602241504381, 0.5], [1.9181537220299, 1.8362730851148, 1.1609291013853, 0.7852241504381, 0.625], [2.0431537220299, 1.9612730851148, 1.2859291013853, 0.9102241504381, 0.75]]};
const TIES = [1, 5, 5, 4, 3, 5, 2];
const CUMMAX_TIE_GRAD = [0.9210609940029, -0.3173148295952, -0.1884703352997, 0.0, 0.0, 0.2382851195708, 0.0];
const CUMMAX_TIE_GRAD_REV = [0.0, 0.1980541249268, -0.2969421233734, 0.0, 0.0, 1.0916038081091, -0.3391548609838];
const CUMMIN_TIE_GRAD = [0.9210609940029, -0.4264175839768, -0.2975730896813, 0.0, 0.7956454893178, 0.0, -0.3391548609838];
const REC_H = [1.0, 0.5, 0.5, 3.125, 3.25, -0.9375];
const REC_A = [0.5, -0.75, -1.5, -0.375, -0.375, 0.28125];

type Cum = (x: Array, axis?: number, reverse?: boolean) => Array;
const TABLE: [string, Cum, Record<string, Deep>][] = [
  ['cumprod', lax.cumprod, CUMPROD], ['cummax', lax.cummax, CUMMAX], ['cummin', lax.cummin, CUMMIN], ['cumlogsumexp', lax.cumlogsumexp, CUMLOGSUMEXP],
];

describe('lax cumulative reductions', () => {
  it.each(TABLE)('%s matches numpy along each axis, forward and reversed', (_name, fn, want) => {
    for (const axis of [0, 1]) {
      for (const reverse of [false, true]) {
        near(fn(f64(CX), axis, reverse), want[`${axis},${Number(reverse)}`], { tol: 1e-12, dtype: 'float64' });
      }
    }
    near(fn(f64(CX), -1), want['1,0'], { tol: 1e-12 });
    near(fn(f64(CX)), want['0,0'], { tol: 1e-12 });
  });

  it('handles int32, bool, infinities, lengths 1 and 0, and odd and even lengths', () => {
    near(lax.cumprod(i32([2, -3, 1, 4, 2])), [2, -6, -6, -24, -48], { dtype: 'int32' });
    near(lax.cummax(i32([2, -3, 5, 4, 7, 1])), [2, 2, 5, 5, 7, 7], { dtype: 'int32' });
    near(lax.cummin(np.array([true, true, false, true])), [true, true, false, false], { dtype: 'bool' });
    near(lax.cumlogsumexp(f64([-Infinity, -Infinity, 0, Infinity, 1])), [-Infinity, -Infinity, 0, Infinity, Infinity]);
    near(lax.cumlogsumexp(f64([1000, 1000, -1000])), [1000, 1000.6931471805599, 1000.6931471805599], { tol: 1e-14 });
    near(lax.cummax(f64([3])), [3]);
    expect(lax.cumprod(f64([])).shape).toEqual([0]);
    for (let n = 2; n <= 9; n++) {
      const xs = globalThis.Array.from({ length: n }, (_, i) => ((i * 5) % 7) - 3);
      let m = -Infinity;
      near(lax.cummax(f64(xs)), xs.map((v) => (m = Math.max(m, v))));
    }
  });

  it('cummax / cummin gradients at ties follow JAX (associative_scan of lax.max / lax.min)', () => {
    const loss = (fn: Cum, reverse = false) => (x: Array) => np.sum(np.multiply(fn(x, 0, reverse), weights(7)));
    near(grad(loss(lax.cummax))(f64(TIES)), CUMMAX_TIE_GRAD, { tol: 1e-12 });
    near(grad(loss(lax.cummax, true))(f64(TIES)), CUMMAX_TIE_GRAD_REV, { tol: 1e-12 });
    near(grad(loss(lax.cummin))(f64([3, 1, 1, 2, 1, 4, 0])), CUMMIN_TIE_GRAD, { tol: 1e-12 });
  });

  it('gradients match central differences', () => {
    const x0 = [0.7, -1.3, 2.1, 0.4, -0.9, 1.6, 0.2, -2.2, 1.1, 0.5, -0.6, 1.9];
    for (const [, fn] of TABLE) {
      checkGrad((x) => fn(x, 1), x0, [3, 4]);
      checkGrad((x) => fn(x, 0, true), x0, [3, 4]);
    }
    checkGrad((x) => lax.cumprod(x), [2, 0, 3, -1, 0.5]); // exact at a zero
  });

  it('jit and vmap agree with eager', () => {
    const xs = f64([CX, CX.map((r) => r.map((v) => 0.5 - v))]);
    for (const [, fn] of TABLE) {
      checkTransforms((x) => fn(x, 1, true), xs);
      checkTransforms((x) => fn(x, 0), xs);
    }
  });

  it('rejects bad input by name', () => {
    expect(() => lax.cumprod(np.array([true, false]))).toThrow(/lax\.cumprod: requires a numeric dtype/);
    expect(() => lax.cumlogsumexp(i32([1, 2]))).toThrow(/lax\.cumlogsumexp: requires a floating dtype.*convertElementType/);
    expect(() => lax.cummax(f64([1, 2]), 1)).toThrow(/lax\.cummax: axis 1 is out of bounds for .*2/);
    expect(() => lax.cummin(f64(3))).toThrow(ShapeError);
    expect(() => lax.cumprod([1, 2] as unknown as Array)).toThrow(/lax\.cumprod: operand must be an Array.*np\.array/);
  });
});

describe('lax.associativeScan', () => {
  it('scans a single array like cumsum', () => {
    const x = f64(CX);
    near(lax.associativeScan(lax.add, x, { axis: 1 }), lax.cumsum(x, 1).js() as Deep, { tol: 1e-14 });
    near(lax.associativeScan(lax.add, x, { reverse: true }), lax.cumsum(x, 0, true).js() as Deep, { tol: 1e-14 });
  });

  it('scans pytrees: a linear recurrence h_t = a_t h_(t-1) + b_t as a tuple and as a dict', () => {
    const a = f64([0.5, -1.5, 2.0, 0.25, 1.0, -0.75]);
    const b = f64([1.0, 2.0, -0.5, 3.0, 0.125, 1.5]);
    const [pa, h] = lax.associativeScan(([a1, b1]: Array[], [a2, b2]: Array[]) => [np.multiply(a1, a2), np.add(np.multiply(a2, b1), b2)], [a, b]);
    near(h, REC_H, { tol: 1e-14 });
    near(pa, REC_A, { tol: 1e-14 });
    type AB = { a: Array; b: Array };
    const out = lax.associativeScan((u: AB, v: AB): AB => ({ a: np.multiply(u.a, v.a), b: np.add(np.multiply(v.a, u.b), v.b) }), { a, b });
    near(out.b, REC_H, { tol: 1e-14 });
  });

  it('differentiates and batches through the scan', () => {
    const b = f64([1.0, 2.0, -0.5, 3.0, 0.125, 1.5, -2]);
    const rec = (a: Array): Array => lax.associativeScan(([a1, b1]: Array[], [a2, b2]: Array[]) => [np.multiply(a1, a2), np.add(np.multiply(a2, b1), b2)], [a, b])[1];
    checkGrad(rec, [0.5, -1.5, 2.0, 0.25, 1.0, -0.75, 0.3]);
    checkTransforms(rec, f64([[0.5, -1.5, 2.0, 0.25, 1.0, -0.75, 0.3], [1, 2, 3, -1, -2, 0.5, 0.25]]));
  });

  it('rejects bad input by name', () => {
    expect(() => lax.associativeScan((u: Array[], v: Array[]) => [np.add(u[0], v[0]), np.add(u[1], v[1])], [f64([1, 2]), f64([1, 2, 3])])).toThrow(/lax\.associativeScan: every leaf needs the same size along axis 0/);
    expect(() => lax.associativeScan(lax.add, f64([1, 2]), { axis: 2 })).toThrow(/axis 2 is out of bounds/);
    expect(() => lax.associativeScan((u: Array[]) => u[0] as unknown as Array[], [f64([1, 2]), f64([3, 4])])).toThrow(/fn must return a pytree of Arrays with the structure of elems/);
    expect(() => lax.associativeScan((u: Array) => np.sum(u), f64([1, 2, 3]))).toThrow(/fn must act elementwise/);
    expect(() => lax.associativeScan(lax.add, [[1, 2]] as unknown as Array)).toThrow(/leaf 0 of elems is number/);
  });
});

describe('np.cumulativeSum and np.cumulativeProd (numpy 2)', () => {
  it('match numpy, with includeInitial, dtype and axis', () => {
    near(np.cumulativeSum(f64([1, 5, 2])), [1, 6, 8]);
    near(np.cumulativeSum(f64([1, 5, 2]), { includeInitial: true }), [0, 1, 6, 8]);
    near(np.cumulativeSum(np.array([true, false, true]), { includeInitial: true }), [0, 1, 1, 2], { dtype: 'int32' });
    near(np.cumulativeProd(i32([1, 2, 3]), { dtype: 'float32', includeInitial: true }), [1, 1, 2, 6], { dtype: 'float32' });
    near(np.cumulativeSum(f64([[1, 2, 3], [4, 5, 6]]), { axis: 1, includeInitial: true }), [[0, 1, 3, 6], [0, 4, 9, 15]]);
    near(np.cumulativeProd(f64([[1, 2, 3], [4, 5, 6]]), { axis: 0, includeInitial: true }), [[1, 1, 1], [1, 2, 3], [4, 10, 18]]);
    near(np.cumulativeSum(f64([[1, 2, 3], [4, 5, 6]]), { axis: -2 }), [[1, 2, 3], [5, 7, 9]]);
    near(np.cumulativeSum(f64(3)), [3]);
  });
  it('differentiates and batches', () => {
    checkGrad((x) => np.cumulativeProd(x, { axis: 1, includeInitial: true }), [0.5, -2, 1.5, 3, 0.25, -1], [2, 3]);
    checkGrad((x) => np.cumulativeSum(x, { includeInitial: true }), [0.5, -2, 1.5]);
    checkTransforms((x) => np.cumulativeSum(x, { includeInitial: true }), f64([[1, 2, 3], [4, 5, 6]]));
  });
  it('asks for axis on arrays of more than one dimension', () => {
    expect(() => np.cumulativeSum(f64([[1, 2], [3, 4]]))).toThrow(/np\.cumulativeSum: x has shape \[2,2\]; .* pass axis/);
    expect(() => np.cumulativeProd(f64([1, 2]), { axis: 1 })).toThrow(/np\.cumulativeProd/);
    expect(() => np.cumulativeSum(f64([1, 2]), { dtype: 'int64' as 'int32' })).toThrow(/unknown dtype "int64"; use .int32./);
  });
});
