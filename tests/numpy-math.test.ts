/** Elementwise np math: broadcasting, JAX type promotion, division conventions, transcendental functions. */
import { expect, it } from 'vitest';
import { type Array, grad, np } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { close, dt, exact, readFlat } from './numpy-backend.js';
import { Ref, f32, i32 } from './numpy-helpers.js';

describeEachBackend('broadcasting', (be) => {
  it('[3,1] + [1,4] -> [3,4]', async () => {
    const a = Ref.fromFn([3, 1], ([i]) => 10 * i);
    const b = Ref.fromFn([1, 4], ([, j]) => j + 0.5);
    await close(be, np.add(a.array(), b.array()), Ref.fromFn([3, 4], ([i, j]) => 10 * i + j + 0.5));
  });

  it('[2,3,4] * [3,1] and [4] - [2,1,1]', async () => {
    const a = Ref.random([2, 3, 4], 1);
    const b = Ref.random([3, 1], 2);
    const c = Ref.random([2, 1, 1], 3);
    await close(be, np.multiply(a.array(), b.array()), Ref.fromFn([2, 3, 4], ([i, j, k]) => a.at([i, j, k]) * b.at([j, 0])));
    const v = Ref.random([4], 4);
    await close(be, np.subtract(v.array(), c.array()), Ref.fromFn([2, 1, 4], ([i, , k]) => v.at([k]) - c.at([i, 0, 0])));
  });

  it('JS scalars and 0-d arrays broadcast on either side', async () => {
    await close(be, np.subtract(10, np.array([1, 2.5])), [9, 7.5]);
    await close(be, np.array([[1], [2]]).div(4), [[0.25], [0.5]]);
    await close(be, np.add(np.array(1.5), np.array([1, 2, 3])), [2.5, 3.5, 4.5]);
    await close(be, np.multiply(np.array(2), np.array(3.5)), 7, { shape: [] });
  });
});

describeEachBackend('JAX type promotion', (be) => {
  it('int32 with weak JS numbers', async () => {
    await exact(be, i32([1, 2, 3]).mul(2), [2, 4, 6], 'int32');
    await exact(be, i32([1, -2]).add(-7), [-6, -9], 'int32');
    await close(be, i32([1, 2]).mul(2.5), [2.5, 5], { dtype: 'float64' }); // the default float
    await close(be, np.add(0.25, i32([1])), [1.25], { dtype: 'float64' });
  });

  it('float32 stays float32 with weak JS numbers (float arithmetic rounded to f32)', async () => {
    const x = f32([1.1, 3]).mul(2.5);
    expect(x.dtype).toBe('float32');
    expect(await readFlat(x)).toEqual([Math.fround(Math.fround(1.1) * 2.5), 7.5]);
    expect(f32([1]).add(1e-9).dtype).toBe('float32');
    expect(f32([1]).add(2).dtype).toBe('float32');
  });

  it('strong dtypes promote along bool < int32 < float32 < float64', async () => {
    expect(np.add(i32([1]), f32([1])).dtype).toBe('float32');
    // float64 arrays exist only on float64 devices; elsewhere np.array gives the default float32.
    expect(np.add(f32([1]), np.array([1])).dtype).toBe(be.dtype);
    expect(np.add(i32([1]), np.array([true])).dtype).toBe('int32');
    await exact(be, np.add(np.array([true, false]), i32([5, 5])), [6, 5], 'int32');
    await close(be, np.multiply(i32([3]), np.array([0.5])), [1.5], { dtype: 'float64' });
  });

  it('weak results stay weak; np.array of a lone JS number is weak, as jnp.array(2.5)', async () => {
    const w = i32([1, 2]).mul(2.5); // int32 * weak float -> weak float64
    expect(np.multiply(w, f32([2, 2])).dtype).toBe('float32');
    expect(np.multiply(np.array(2.5), f32([1])).dtype).toBe('float32');
    expect(np.array(2.5).weakType).toBe(true);
    // An explicit dtype, a list or a boolean makes a strong array (JAX: jnp.array(2.5, float64), jnp.array([2.5])).
    expect(np.multiply(np.array(2.5, { dtype: dt(be, 'float64') as np.DType }), f32([1])).dtype).toBe(dt(be, 'float64'));
    expect(np.multiply(np.array([2.5]), f32([1])).dtype).toBe(dt(be, 'float64'));
    expect(np.array(true).weakType).toBe(false);
    expect(np.add(np.array(2, { dtype: 'int32' }), f32([1])).dtype).toBe('float32');
    expect(np.add(np.array(1, { dtype: 'int32' }), 1.5).dtype).toBe(dt(be, 'float64'));
    await close(be, np.multiply(w, f32([2, 2])), [5, 10]);
  });

  it('float32 arithmetic rounds to float32', async () => {
    const s = np.add(f32([0.1]), f32([0.2]));
    expect(s.dtype).toBe('float32');
    expect((await readFlat(s))[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(np.sum(f32([1, 2])).dtype).toBe('float32');
    expect(np.mean(f32([1, 2])).dtype).toBe('float32');
    expect((await readFlat(np.sqrt(f32([2]))))[0]).toBe(Math.fround(Math.SQRT2));
  });

  it('bool + bool is logical or, bool * bool logical and (stays bool)', async () => {
    const a = np.array([true, true, false, false]);
    const b = np.array([true, false, true, false]);
    await exact(be, np.add(a, b), [true, true, true, false], 'bool');
    await exact(be, np.multiply(a, b), [true, false, false, false], 'bool');
  });

  it('bool with a weak int scalar becomes int32; a weak scalar then defers to float32', async () => {
    const x = np.add(np.array([true, false]), 1);
    await exact(be, x, [2, 1], 'int32');
    expect(np.multiply(x, f32([1, 1])).dtype).toBe('float32');
  });

  it('divide is true division: ints give float64', async () => {
    await close(be, np.divide(i32([7, -7, 1]), i32([2, 2, 3])), [3.5, -3.5, 1 / 3], { dtype: 'float64' });
    await close(be, np.divide(np.array([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
    expect(np.divide(f32([1]), 3).dtype).toBe('float32');
  });
});

describeEachBackend('floorDivide, remainder, fmod sign conventions', (be) => {
  const a = [7, -7, 7, -7, 6, -6, 0];
  const b = [2, 2, -2, -2, 3, 3, 5];
  // Python's // and % (floor toward -inf; remainder has the divisor's sign).
  const floorDiv = [3, -4, -4, 3, 2, -2, 0];
  const pyMod = [1, 1, -1, -1, 0, 0, 0];
  const cFmod = [1, -1, 1, -1, 0, 0, 0];

  it('int32', async () => {
    await exact(be, np.floorDivide(i32(a), i32(b)), floorDiv, 'int32');
    await exact(be, np.remainder(i32(a), i32(b)), pyMod, 'int32');
    await exact(be, np.mod(i32(a), i32(b)), pyMod, 'int32');
    await exact(be, np.fmod(i32(a), i32(b)), cFmod, 'int32');
    await exact(be, i32(a).mod(3), a.map((v) => ((v % 3) + 3) % 3), 'int32');
    await exact(be, np.floorDivide(i32(a), -3), a.map((v) => Math.floor(v / -3) | 0), 'int32');
  });

  it('float64', async () => {
    const x = [7.5, -7.5, 7.5, -7.5, 1e-3, -0.25];
    const y = [2, 2, -2, -2, 0.5, 0.1];
    await close(be, np.floorDivide(np.array(x), np.array(y)), [3, -4, -4, 3, 0, -3]);
    await close(be, np.remainder(np.array(x), np.array(y)), [1.5, 0.5, -0.5, -1.5, 1e-3, -0.25 - Math.floor(-0.25 / 0.1) * 0.1]);
    await close(be, np.fmod(np.array(x), np.array(y)), x.map((v, i) => v % y[i]));
  });
});

describeEachBackend('power', (be) => {
  it('integer exponents are exact and keep int32', async () => {
    await exact(be, i32([2, 3, -2, 0]).pow(3), [8, 27, -8, 0], 'int32');
    await exact(be, np.power(i32([2, 3, -2]), i32([3, 2, 3])), [8, 9, -8], 'int32');
    await exact(be, np.square(i32([-4, 5])), [16, 25], 'int32');
    await exact(be, np.power(i32([-3, 7]), 0), [1, 1], 'int32');
  });

  it('float bases with integer and float exponents', async () => {
    const x = [0.5, 2, 3.7, 10];
    await close(be, np.power(np.array(x), 2), x.map((v) => v * v));
    await close(be, np.power(np.array(x), -2), x.map((v) => 1 / (v * v)));
    await close(be, np.power(np.array(x), 0.5), x.map(Math.sqrt));
    await close(be, np.power(np.array(x), 2.5), x.map((v) => v ** 2.5));
    await close(be, np.power(2, np.array([0.5, -1, 3, 0])), [Math.SQRT2, 0.5, 8, 1]);
    await close(be, np.power(np.array([-8, 0, -2]), np.array([1 / 3, 0, 2])), [NaN, 1, 4]);
  });

  it('float32 ** 2.5 stays float32', async () => {
    const x = f32([1.5, 4]).pow(2.5);
    expect(x.dtype).toBe('float32');
    await close(be, x, [1.5 ** 2.5, 32], { rtol: 1e-6 });
  });
});

describeEachBackend('unary functions', (be) => {
  const xs = Ref.random([17], 7, -3, 3);
  const pos = Ref.random([17], 8, 0.01, 5);
  const unit = Ref.random([17], 9, -0.99, 0.99);
  const cases: [string, (a: ReturnType<Ref['array']>) => ReturnType<Ref['array']>, (v: number) => number, Ref][] = [
    ['exp', np.exp, Math.exp, xs], ['expm1', np.expm1, Math.expm1, xs], ['log', np.log, Math.log, pos],
    ['log1p', np.log1p, Math.log1p, pos], ['log2', np.log2, Math.log2, pos], ['log10', np.log10, Math.log10, pos],
    ['sqrt', np.sqrt, Math.sqrt, pos], ['cbrt', np.cbrt, Math.cbrt, xs], ['sin', np.sin, Math.sin, xs],
    ['cos', np.cos, Math.cos, xs], ['tan', np.tan, Math.tan, unit], ['arcsin', np.arcsin, Math.asin, unit],
    ['arccos', np.arccos, Math.acos, unit], ['arctan', np.arctan, Math.atan, xs], ['sinh', np.sinh, Math.sinh, xs],
    ['cosh', np.cosh, Math.cosh, xs], ['tanh', np.tanh, Math.tanh, xs], ['arcsinh', np.arcsinh, Math.asinh, xs],
    ['arctanh', np.arctanh, Math.atanh, unit], ['abs', np.abs, Math.abs, xs], ['negative', np.negative, (v) => -v, xs],
    ['floor', np.floor, Math.floor, xs], ['ceil', np.ceil, Math.ceil, xs], ['trunc', np.trunc, Math.trunc, xs],
    ['sign', np.sign, Math.sign, xs], ['reciprocal', np.reciprocal, (v) => 1 / v, pos],
  ];
  for (const [name, f, ref, data] of cases) {
    it(`${name} matches Math`, async () => {
      await close(be, f(data.array()), data.data.map(ref), { rtol: 2e-15, atol: 1e-15, dtype: 'float64' });
    });
  }

  it('float functions promote int32 to float64; abs/sign/negative keep int32', async () => {
    await close(be, np.sqrt(i32([4, 2])), [2, Math.SQRT2], { dtype: 'float64' });
    await close(be, np.exp(i32([0, 1])), [1, Math.E], { dtype: 'float64' });
    await exact(be, np.abs(i32([-3, 4])), [3, 4], 'int32');
    await exact(be, np.sign(i32([-3, 0, 4])), [-1, 0, 1], 'int32');
    await exact(be, np.negative(i32([-3, 4])), [3, -4], 'int32');
  });

  it('edge values: tiny arguments, NaN domains, round half to even', async () => {
    // Tiny arguments: no absolute slack (float32 rounds the argument 1e-10 by ~3e-8 relative).
    await close(be, np.expm1(np.array([1e-10])), [1.00000000005e-10], { rtol: 1e-14, f32: { rtol: 1e-7, atol: 0 } });
    await close(be, np.log1p(np.array([1e-10])), [9.9999999995e-11], { rtol: 1e-14, f32: { rtol: 1e-7, atol: 0 } });
    await close(be, np.sqrt(np.array([-1, 0, Infinity])), [NaN, 0, Infinity]);
    await close(be, np.log(np.array([0, -1])), [-Infinity, NaN]);
    await close(be, np.round(np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, -2.6])), [0, 2, 2, -0, -2, 2, -3]);
    await close(be, np.round(np.array([1.234, -5.678]), 2), [1.23, -5.68]);
    await close(be, np.erf(np.array([0, 0.5, -1])), [0, 0.5204998778130465, -0.8427007929497149], { rtol: 1e-13 });
  });
});

describeEachBackend('binary helpers', (be) => {
  it('maximum / minimum propagate NaN', async () => {
    await close(be, np.maximum(np.array([NaN, 1, 3]), np.array([0, NaN, 2])), [NaN, NaN, 3]);
    await close(be, np.minimum(np.array([NaN, 1, 3]), np.array([0, NaN, 2])), [NaN, NaN, 2]);
    await exact(be, np.maximum(i32([1, 5]), 3), [3, 5], 'int32');
  });

  it('arctan2 covers all quadrants', async () => {
    const y = [1, 1, -1, -1, 0];
    const x = [1, -1, 1, -1, -1];
    await close(be, np.arctan2(np.array(y), np.array(x)), y.map((v, i) => Math.atan2(v, x[i])));
  });

  it('hypot does not overflow or underflow', async () => {
    // Magnitudes whose squares over/underflow the device's float (1e200 is out of float32's range).
    const [big, t3, t4, t5] = be.dtype === 'float64' ? [1e200, 3e-200, 4e-200, 5e-200] : [1e30, 3e-30, 4e-30, 5e-30];
    await close(be, np.hypot(np.array([3, big, t3, 0, -5]), np.array([4, big, t4, 0, 12])), [5, Math.SQRT2 * big, t5, 0, 13], { f32: { rtol: 1e-6, atol: 0 } });
    await close(be, np.hypot(i32([3]), i32([4])), [5], { dtype: 'float64' });
    // C99 / numpy / JAX: an infinite leg gives inf even when the other is inf or NaN.
    await close(be, np.hypot(np.array([Infinity, Infinity, -Infinity, NaN]), np.array([NaN, Infinity, 1, 2])), [Infinity, Infinity, Infinity, NaN]);
  });

  it('logaddexp at large magnitudes and infinities', async () => {
    const ref = (a: number, b: number) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
    await close(be, np.logaddexp(np.array([1000, -1000, 1000, 0, 5]), np.array([1000, -1000, 0, -40, 3])),
      [1000 + Math.LN2, -1000 + Math.LN2, 1000, ref(0, -40), ref(5, 3)]);
    await close(be, np.logaddexp(np.array([0, -Infinity, Infinity, Infinity]), np.array([-Infinity, -Infinity, 1, Infinity])),
      [0, -Infinity, Infinity, Infinity]);
  });
});

describeEachBackend('derivatives of the composite functions', (be) => {
  it('logaddexp splits 1/2 each at x == y and gives the softmax weight elsewhere', async () => {
    const g = async (x0: number, y0: number) => (await be.read(grad((x: Array) => np.logaddexp(x, y0))(np.array(x0)) as Array)) as number;
    const f64 = be.dtype === 'float64';
    expect(await g(2, 2)).toBeCloseTo(0.5, f64 ? 15 : 7);
    expect(Math.abs((await g(1, 0)) - 1 / (1 + Math.exp(-1)))).toBeLessThan(f64 ? 1e-15 : 1e-7);
    expect(Math.abs(await g(-3, 1000))).toBeLessThan(1e-300);
  });

  it('hypot', async () => {
    expect(await be.read(grad((x: Array) => np.hypot(x, 4))(np.array(3)) as Array)).toBeCloseTo(0.6, be.dtype === 'float64' ? 15 : 7);
  });
});

describeEachBackend('comparisons, logic, predicates', (be) => {
  it('comparisons broadcast and give bool; NaN compares false except !=', async () => {
    const a = np.array([[1], [2], [NaN]]);
    const b = np.array([1, 2]);
    await exact(be, np.less(a, b), [[false, true], [false, false], [false, false]], 'bool');
    await exact(be, np.lessEqual(a, b), [[true, true], [false, true], [false, false]], 'bool');
    await exact(be, np.greater(a, b), [[false, false], [true, false], [false, false]], 'bool');
    await exact(be, np.greaterEqual(a, b), [[true, false], [true, true], [false, false]], 'bool');
    await exact(be, np.equal(a, b), [[true, false], [false, true], [false, false]], 'bool');
    await exact(be, np.notEqual(a, b), [[false, true], [true, false], [true, true]], 'bool');
    await exact(be, i32([1, 2, 3]).greater(1.5), [false, true, true], 'bool');
  });

  it('where broadcasts cond, x, y and promotes x/y', async () => {
    const c = np.array([[true], [false]]);
    await close(be, np.where(c, i32([1, 2, 3]), 2.5), [[1, 2, 3], [2.5, 2.5, 2.5]], { dtype: 'float64' });
    await exact(be, np.where(i32([0, 3, -1]), i32([1, 1, 1]), i32([7, 8, 9])), [7, 1, 1], 'int32');
  });

  it('clip with one or both bounds', async () => {
    await exact(be, np.clip(i32([1, 5, 9]), 2, 6), [2, 5, 6], 'int32');
    await close(be, np.clip(np.array([-2, 0.5, 3]), null, 1), [-2, 0.5, 1]);
    await close(be, np.clip(np.array([-2, 0.5, 3]), 0, null), [0, 0.5, 3]);
    await close(be, np.clip(np.array([[-2], [3]]), np.array([-1, 0]), np.array([1, 2])), [[-1, 0], [1, 2]]);
  });

  it('logical ops treat nonzero as true', async () => {
    const a = np.array([0, 1, 2, 0]);
    const b = np.array([true, true, false, false]);
    await exact(be, np.logicalAnd(a, b), [false, true, false, false], 'bool');
    await exact(be, np.logicalOr(a, b), [true, true, true, false], 'bool');
    await exact(be, np.logicalXor(a, b), [true, false, true, false], 'bool');
    await exact(be, np.logicalNot(a), [true, false, false, true], 'bool');
  });

  it('isnan, isinf, isfinite', async () => {
    // The largest finite value checked is near the top of the device float's range.
    const x = np.array([NaN, Infinity, -Infinity, 0, -1.5, be.dtype === 'float64' ? 1e308 : 3e38]);
    await exact(be, np.isnan(x), [true, false, false, false, false, false], 'bool');
    await exact(be, np.isinf(x), [false, true, true, false, false, false], 'bool');
    await exact(be, np.isfinite(x), [false, false, false, true, true, true], 'bool');
    await exact(be, np.isfinite(i32([1, -2])), [true, true], 'bool');
    await exact(be, np.isinf(i32([1, -2])), [false, false], 'bool');
  });
});
