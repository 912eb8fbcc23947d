/**
 * JAX's differentiation conventions (DESIGN §6), including the awkward ones, checked against the
 * numbers JAX gives. Expected values are written by hand, never computed by the library.
 */
import { expect } from 'vitest';
import { type Array, grad, jvp, makeJaxpr, np, stopGradient, typecheck, valueAndGrad, vmap } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { values } from './values.js';

describeEachBackend('non-smooth points', (b) => {
  const { exact, num, same } = values(b);
  const nums = async (xs: Array[]) => Promise.all(xs.map(num));
  /** A float array of the backend's float type (float64 on the CPU). */
  const fa = (v: number | number[]) => np.array(v, { dtype: b.dtype });

  b.it({}, 'grad(abs)(0) = +1, and -1 / +1 away from 0', async () => {
    await exact(grad(np.abs)(fa(0)), 1);
    await exact(grad(np.abs)(fa(-0.0)), 1);
    await exact(grad(np.abs)(fa(-2.5)), -1);
    await exact(grad(np.abs)(fa(2.5)), 1);
    await exact(vmap(grad(np.abs))(fa([-1, 0, 1])), [-1, 1, 1]);
  });

  b.it({}, 'maximum splits a tie 0.5 / 0.5 and sends everything to the larger otherwise', async () => {
    const g = grad((x: Array, y: Array) => np.maximum(x, y), { argnums: [0, 1] });
    same(await nums(g(fa(1), fa(1)) as Array[]), [0.5, 0.5]);
    same(await nums(g(fa(2), fa(1)) as Array[]), [1, 0]);
    same(await nums(g(fa(1), fa(2)) as Array[]), [0, 1]);
    const gm = grad((x: Array, y: Array) => np.minimum(x, y), { argnums: [0, 1] });
    same(await nums(gm(fa(-3), fa(-3)) as Array[]), [0.5, 0.5]);
    // Forward mode agrees: d max(x, x) along (1, 0) is 0.5.
    const [, t] = jvp((x: Array, y: Array) => np.maximum(x, y), [fa(1), fa(1)], [fa(1), fa(0)]);
    await exact(t as Array, 0.5);
  });

  b.it({}, 'a max reduction splits the gradient equally among tied maxima', async () => {
    await exact(grad((x: Array) => np.max(x))(fa([1, 3, 3, 2])), [0, 0.5, 0.5, 0]);
    await exact(grad((x: Array) => np.max(x))(fa([5, 5, 5])), [1 / 3, 1 / 3, 1 / 3]);
    await exact(grad((x: Array) => np.min(x))(fa([2, -1, 0, -1])), [0, 0.5, 0, 0.5]);
    // Along an axis: each row splits its own tie.
    const g = grad((x: Array) => np.max(x, 1).sum())(fa([1, 1, 0, 2, 0, 1]).reshape([2, 3]));
    await exact(g, [0.5, 0.5, 0, 1, 0, 0]);
  });

  b.it({}, 'indexing at argmax sends the whole gradient to the FIRST maximum', async () => {
    const g = grad((x: Array) => x.slice(np.argmax(x)))(fa([1, 3, 3, 2]));
    await exact(g, [0, 1, 0, 0]);
    const g2 = grad((x: Array) => x.slice(np.argmax(x)).mul(2))(fa([7, 1, 7]));
    await exact(g2, [2, 0, 0]);
  });

  b.it({}, "sqrt'(0) = +Infinity", async () => {
    await exact(grad(np.sqrt)(fa(0)), Infinity);
    await exact(grad(np.sqrt)(fa(4)), 0.25);
  });

  b.it({}, 'the where-NaN trap: the untaken branch poisons the gradient (NaN) like JAX; double-where gives 0', async () => {
    const naive = (x: Array) => np.where(x.greater(0), np.sqrt(x), 0);
    expect(await num(grad(naive)(fa(0)))).toBeNaN();
    await exact(grad(naive)(fa(4)), 0.25);
    const safe = (x: Array) => {
      const pos = x.greater(0);
      return np.where(pos, np.sqrt(np.where(pos, x, 1)), 0);
    };
    await exact(grad(safe)(fa(0)), 0);
    await exact(grad(safe)(fa(-1)), 0);
    await exact(grad(safe)(fa(4)), 0.25);
    await exact(vmap(grad(safe))(fa([-1, 0, 1, 4])), [0, 0, 0.5, 0.25]);
  });
});

describeEachBackend('grad needs a real scalar output and real inputs', (b) => {
  const { exact, num } = values(b);
  /** A float array of the backend's float type (float64 on the CPU). */
  const fa = (v: number | number[]) => np.array(v, { dtype: b.dtype });

  b.it({}, 'a non-scalar output throws a TypeError pointing at jacrev / vjp', async () => {
    expect(() => grad((x: Array) => x.mul(2))(fa([1, 2]))).toThrow(TypeError);
    expect(() => grad((x: Array) => x.mul(2))(fa([1, 2]))).toThrow(/jacrev|vjp/);
    expect(() => valueAndGrad((x: Array) => x.reshape([1]))(fa(1))).toThrow(/jacrev|vjp/);
  });

  b.it({}, 'an int or bool output throws a TypeError', async () => {
    expect(() => grad((x: Array) => x.astype('int32'))(fa(1.5))).toThrow(TypeError);
    expect(() => grad((x: Array) => x.astype('int32'))(fa(1.5))).toThrow(/jacrev|vjp/);
    expect(() => grad((x: Array) => x.greater(0))(fa(1.5))).toThrow(TypeError);
  });

  b.it({}, 'an int input throws a TypeError mentioning astype; allowInt gives zeros', async () => {
    const f = (x: Array) => x.astype(b.dtype).mul(2).sum();
    const xi = np.array([3, 4], { dtype: 'int32' });
    expect(() => grad(f)(xi)).toThrow(TypeError);
    expect(() => grad(f)(xi)).toThrow(/astype/);
    // A JS number where grad differentiates is a weakly typed float, integral or not (DESIGN §6:
    // grad(f)(3) is the derivative at the float 3, as in jax-js; JAX rejects a Python int there).
    const d2 = grad((x: Array) => np.sin(x))(2);
    expect(Math.abs((await num(d2)) - Math.cos(2))).toBeLessThan(1e-6);
    const g = grad(f, { allowInt: true })(xi) as Array;
    expect(g.shape).toEqual([2]);
    expect(g.dtype).toBe('int32');
    await exact(g, [0, 0]);
    // Mixed: the float argument still gets its gradient.
    const h = grad((x: Array, n: Array) => x.mul(n.astype(b.dtype)).sum(), { argnums: [0, 1], allowInt: true })(fa([1, 2]), xi) as Array[];
    await exact(h[0], [3, 4]);
    await exact(h[1], [0, 0]);
    // An int argument not in argnums is fine without allowInt.
    await exact(grad((x: Array, n: Array) => x.mul(n.astype(b.dtype)).sum())(fa([1, 2]), xi) as Array, [3, 4]);
  });
});

describeEachBackend('stopGradient and non-differentiable values', (b) => {
  const { exact, num, same } = values(b);
  const nums = async (xs: Array[]) => Promise.all(xs.map(num));
  /** A float array of the backend's float type (float64 on the CPU). */
  const fa = (v: number | number[]) => np.array(v, { dtype: b.dtype });

  b.it({}, 'stopGradient blocks the gradient but not the value', async () => {
    const f = (x: Array) => x.mul(stopGradient(x)); // value x², derivative x (not 2x)
    const [v, g] = valueAndGrad(f)(fa(3));
    await exact(v as Array, 9);
    await exact(g as Array, 3);
    await exact(grad((x: Array) => stopGradient(np.sin(x)))(fa(1)), 0);
    const [out, t] = jvp((x: Array) => stopGradient(x.mul(x)).add(x), [fa(2)], [fa(1)]);
    await exact(out as Array, 6);
    await exact(t as Array, 1);
    // Second order: d²/dx² [x · sg(x)²] = 0 through sg, d/dx = sg(x)².
    await exact(grad(grad((x: Array) => x.mul(stopGradient(x.mul(x)))))(fa(2)), 0);
  });

  b.it({}, 'int and bool outputs have zero tangents in jvp', async () => {
    const [out, t] = jvp((x: Array) => [x.greater(0), x.astype('int32'), x.mul(2)], [fa(1.5)], [fa(1)]) as [Array[], Array[]];
    expect(out.map((o) => o.dtype)).toEqual(['bool', 'int32', b.dtype]);
    same(await nums(out), [1, 1, 3]); // true, 1, 3
    await exact(t[0], [0]);
    await exact(t[1], [0]);
    await exact(t[2], 2);
    const [, tf] = jvp((x: Array) => np.floor(x).add(np.round(x)), [fa(1.3)], [fa(1)]);
    await exact(tf as Array, 0);
  });

  b.it({}, 'jaxprs of the convention tests typecheck', async () => {
    for (const f of [grad((x: Array) => np.abs(x).sum()), grad((x: Array) => np.max(x)), grad((x: Array) => x.slice(np.argmax(x)))]) {
      const { jaxpr } = makeJaxpr(f)(fa([1, 3, 3]));
      expect(() => typecheck(jaxpr)).not.toThrow();
    }
  });
});
