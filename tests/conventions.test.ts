/**
 * JAX's differentiation conventions (DESIGN §6), including the awkward ones, checked against the
 * numbers JAX gives. Expected values are written by hand, never computed by the library.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jvp, makeJaxpr, np, stopGradient, typecheck, valueAndGrad, vmap } from '../lib/index.js';

const f64 = (v: number | number[]) => np.array(v, { dtype: 'float64' });
const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number | boolean>, Number);

describe('non-smooth points', () => {
  it('grad(abs)(0) = +1, and -1 / +1 away from 0', () => {
    expect(grad(np.abs)(f64(0)).item()).toBe(1);
    expect(grad(np.abs)(f64(-0.0)).item()).toBe(1);
    expect(grad(np.abs)(f64(-2.5)).item()).toBe(-1);
    expect(grad(np.abs)(f64(2.5)).item()).toBe(1);
    expect(vals(vmap(grad(np.abs))(f64([-1, 0, 1])))).toEqual([-1, 1, 1]);
  });

  it('maximum splits a tie 0.5 / 0.5 and sends everything to the larger otherwise', () => {
    const g = grad((x: Array, y: Array) => np.maximum(x, y), { argnums: [0, 1] });
    expect((g(f64(1), f64(1)) as Array[]).map((a) => a.item())).toEqual([0.5, 0.5]);
    expect((g(f64(2), f64(1)) as Array[]).map((a) => a.item())).toEqual([1, 0]);
    expect((g(f64(1), f64(2)) as Array[]).map((a) => a.item())).toEqual([0, 1]);
    const gm = grad((x: Array, y: Array) => np.minimum(x, y), { argnums: [0, 1] });
    expect((gm(f64(-3), f64(-3)) as Array[]).map((a) => a.item())).toEqual([0.5, 0.5]);
    // Forward mode agrees: d max(x, x) along (1, 0) is 0.5.
    const [, t] = jvp((x: Array, y: Array) => np.maximum(x, y), [f64(1), f64(1)], [f64(1), f64(0)]);
    expect((t as Array).item()).toBe(0.5);
  });

  it('a max reduction splits the gradient equally among tied maxima', () => {
    expect(vals(grad((x: Array) => np.max(x))(f64([1, 3, 3, 2])))).toEqual([0, 0.5, 0.5, 0]);
    expect(vals(grad((x: Array) => np.max(x))(f64([5, 5, 5])))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(vals(grad((x: Array) => np.min(x))(f64([2, -1, 0, -1])))).toEqual([0, 0.5, 0, 0.5]);
    // Along an axis: each row splits its own tie.
    const g = grad((x: Array) => np.max(x, 1).sum())(f64([1, 1, 0, 2, 0, 1]).reshape([2, 3]));
    expect(vals(g)).toEqual([0.5, 0.5, 0, 1, 0, 0]);
  });

  it('indexing at argmax sends the whole gradient to the FIRST maximum', () => {
    const g = grad((x: Array) => x.slice(np.argmax(x)))(f64([1, 3, 3, 2]));
    expect(vals(g)).toEqual([0, 1, 0, 0]);
    const g2 = grad((x: Array) => x.slice(np.argmax(x)).mul(2))(f64([7, 1, 7]));
    expect(vals(g2)).toEqual([2, 0, 0]);
  });

  it("sqrt'(0) = +Infinity", () => {
    expect(grad(np.sqrt)(f64(0)).item()).toBe(Infinity);
    expect(grad(np.sqrt)(f64(4)).item()).toBe(0.25);
  });

  it('the where-NaN trap: the untaken branch poisons the gradient (NaN) like JAX; double-where gives 0', () => {
    const naive = (x: Array) => np.where(x.greater(0), np.sqrt(x), 0);
    expect(grad(naive)(f64(0)).item()).toBeNaN();
    expect(grad(naive)(f64(4)).item()).toBe(0.25);
    const safe = (x: Array) => {
      const pos = x.greater(0);
      return np.where(pos, np.sqrt(np.where(pos, x, 1)), 0);
    };
    expect(grad(safe)(f64(0)).item()).toBe(0);
    expect(grad(safe)(f64(-1)).item()).toBe(0);
    expect(grad(safe)(f64(4)).item()).toBe(0.25);
    expect(vals(vmap(grad(safe))(f64([-1, 0, 1, 4])))).toEqual([0, 0, 0.5, 0.25]);
  });
});

describe('grad needs a real scalar output and real inputs', () => {
  it('a non-scalar output throws a TypeError pointing at jacrev / vjp', () => {
    expect(() => grad((x: Array) => x.mul(2))(f64([1, 2]))).toThrow(TypeError);
    expect(() => grad((x: Array) => x.mul(2))(f64([1, 2]))).toThrow(/jacrev|vjp/);
    expect(() => valueAndGrad((x: Array) => x.reshape([1]))(f64(1))).toThrow(/jacrev|vjp/);
  });

  it('an int or bool output throws a TypeError', () => {
    expect(() => grad((x: Array) => x.astype('int32'))(f64(1.5))).toThrow(TypeError);
    expect(() => grad((x: Array) => x.astype('int32'))(f64(1.5))).toThrow(/jacrev|vjp/);
    expect(() => grad((x: Array) => x.greater(0))(f64(1.5))).toThrow(TypeError);
  });

  it('an int input throws a TypeError mentioning astype; allowInt gives zeros', () => {
    const f = (x: Array) => x.astype('float64').mul(2).sum();
    const xi = np.array([3, 4], { dtype: 'int32' });
    expect(() => grad(f)(xi)).toThrow(TypeError);
    expect(() => grad(f)(xi)).toThrow(/astype/);
    // A JS integer is an int32 argument, as a Python int is in JAX.
    expect(() => grad((x: Array) => np.sin(x))(2)).toThrow(/astype/);
    const g = grad(f, { allowInt: true })(xi) as Array;
    expect(g.shape).toEqual([2]);
    expect(g.dtype).toBe('int32');
    expect(vals(g)).toEqual([0, 0]);
    // Mixed: the float argument still gets its gradient.
    const h = grad((x: Array, n: Array) => x.mul(n.astype('float64')).sum(), { argnums: [0, 1], allowInt: true })(f64([1, 2]), xi) as Array[];
    expect(vals(h[0])).toEqual([3, 4]);
    expect(vals(h[1])).toEqual([0, 0]);
    // An int argument not in argnums is fine without allowInt.
    expect(vals(grad((x: Array, n: Array) => x.mul(n.astype('float64')).sum())(f64([1, 2]), xi) as Array)).toEqual([3, 4]);
  });
});

describe('stopGradient and non-differentiable values', () => {
  it('stopGradient blocks the gradient but not the value', () => {
    const f = (x: Array) => x.mul(stopGradient(x)); // value x², derivative x (not 2x)
    const [v, g] = valueAndGrad(f)(f64(3));
    expect((v as Array).item()).toBe(9);
    expect((g as Array).item()).toBe(3);
    expect(grad((x: Array) => stopGradient(np.sin(x)))(f64(1)).item()).toBe(0);
    const [out, t] = jvp((x: Array) => stopGradient(x.mul(x)).add(x), [f64(2)], [f64(1)]);
    expect((out as Array).item()).toBe(6);
    expect((t as Array).item()).toBe(1);
    // Second order: d²/dx² [x · sg(x)²] = 0 through sg, d/dx = sg(x)².
    expect(grad(grad((x: Array) => x.mul(stopGradient(x.mul(x)))))(f64(2)).item()).toBe(0);
  });

  it('int and bool outputs have zero tangents in jvp', () => {
    const [out, t] = jvp((x: Array) => [x.greater(0), x.astype('int32'), x.mul(2)], [f64(1.5)], [f64(1)]) as [Array[], Array[]];
    expect(out.map((o) => o.item())).toEqual([true, 1, 3]);
    expect(vals(t[0])).toEqual([0]);
    expect(vals(t[1])).toEqual([0]);
    expect(t[2].item()).toBe(2);
    const [, tf] = jvp((x: Array) => np.floor(x).add(np.round(x)), [f64(1.3)], [f64(1)]);
    expect((tf as Array).item()).toBe(0);
  });

  it('jaxprs of the convention tests typecheck', () => {
    for (const f of [grad((x: Array) => np.abs(x).sum()), grad((x: Array) => np.max(x)), grad((x: Array) => x.slice(np.argmax(x)))]) {
      const { jaxpr } = makeJaxpr(f)(f64([1, 3, 3]));
      expect(() => typecheck(jaxpr)).not.toThrow();
    }
  });
});
