import { describe, expect, it } from 'vitest';
import { np, lax, grad, jvp, vmap, jit, jacfwd, makeJaxpr, typecheck } from '../lib/index.js';

const close = (a: number, b: number, rtol = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(b)));

describe('lax.cond / lax.switch', () => {
  const f = (x: np.Array) => lax.cond(x.greater(0), (a: np.Array) => np.sin(a).mul(a), (a: np.Array) => a.mul(a).mul(3), x);

  it('takes one branch per predicate, eagerly and under jit, and differentiates the taken branch', () => {
    close(f(np.array(0.5)).item() as number, Math.sin(0.5) * 0.5);
    close(jit(f)(np.array(-2)).item() as number, 12);
    close(grad(f)(np.array(0.5)).item() as number, Math.cos(0.5) * 0.5 + Math.sin(0.5));
    close(grad(f)(np.array(-2)).item() as number, -12);
    close(grad(grad(f))(np.array(0.5)).item() as number, 2 * Math.cos(0.5) - 0.5 * Math.sin(0.5));
  });

  it('turns a batched predicate into a select under vmap', () => {
    const xs = [0.5, -2, 1];
    expect(vmap(f)(np.array(xs)).js()).toEqual(xs.map((x) => (f(np.array(x)).item())));
    const j = makeJaxpr(vmap(f))(np.array(xs)).jaxpr;
    expect(j.eqns.some((e) => e.primitive.name === 'select')).toBe(true);
    typecheck(j);
  });

  it('switch clamps its index and sees closures', () => {
    const g = (i: number, y: np.Array) => lax.switch(i, [(a: np.Array) => a, (a: np.Array) => a.mul(y), (a: np.Array) => a.mul(y).mul(y)], np.array(2));
    expect(g(-5, np.array(3)).item()).toBe(2);
    expect(g(7, np.array(3)).item()).toBe(18);
    expect(grad((y: np.Array) => g(2, y))(np.array(3)).item()).toBe(12);
  });

  it('rejects branches of different types with a clear message', () => {
    expect(() => lax.cond(true, (a: np.Array) => a, (a: np.Array) => a.sum(), np.ones([2]))).toThrow(/lax\.cond: branches must return the same.*falseFn returns \* f64\[\] but trueFn returns \* f64\[2\]/);
    expect(() => lax.cond(np.ones([2]), (a: np.Array) => a, (a: np.Array) => a, 1)).toThrow(/predicate must be a scalar.*np\.where/);
  });
});

describe('lax.scan', () => {
  const step = (c: np.Array, x: np.Array): [np.Array, np.Array] => { const n = np.sin(c).mul(x); return [n, n.mul(2)]; };
  const L = (c0: np.Array, xs: np.Array) => { const [c, ys] = lax.scan(step, c0, xs); return c.add(ys.sum()); };
  const ref = (c0: number, xs: number[]) => { let c = c0; let s = 0; for (const x of xs) { c = Math.sin(c) * x; s += 2 * c; } return c + s; };
  const xs = [0.5, 1.5, -0.7, 2.0];

  it('matches a JS loop and its finite-difference gradient, to second order', () => {
    close(L(np.array(0.3), np.array(xs)).item() as number, ref(0.3, xs), 1e-14);
    const h = 1e-5;
    close(grad(L)(np.array(0.3), np.array(xs)).item() as number, (ref(0.3 + h, xs) - ref(0.3 - h, xs)) / (2 * h), 1e-8);
    const h2 = 1e-4;
    close(grad(grad(L))(np.array(0.3), np.array(xs)).item() as number, (ref(0.3 + h2, xs) - 2 * ref(0.3, xs) + ref(0.3 - h2, xs)) / (h2 * h2), 1e-5);
    close(jvp(L, [np.array(0.3), np.array(xs)], [np.array(1), np.zeros([4])])[1].item() as number, grad(L)(np.array(0.3), np.array(xs)).item() as number, 1e-12);
  });

  it('vmaps over the carry and over xs', () => {
    expect(vmap(L, [0, null])(np.array([0.3, 0.4]), np.array(xs)).js()).toEqual([L(np.array(0.3), np.array(xs)).item(), L(np.array(0.4), np.array(xs)).item()]);
    const batch = np.array([xs, xs.map((x) => -x)]);
    const v = vmap(grad(L))(np.array([0.3, 0.4]), batch).js() as number[];
    close(v[1], grad(L)(np.array(0.4), batch.slice(1)).item() as number, 1e-12);
  });

  it('runs long loops natively as one equation', () => {
    const f = jit((c0: np.Array) => lax.scan((c: np.Array) => [c.mul(0.99999).add(1e-5), null], c0, null, { length: 100_000 })[0]);
    close(f(np.array(0)).item() as number, 1 - 0.99999 ** 100_000, 1e-9);
    expect(makeJaxpr(f)(np.array(0)).jaxpr.eqns.map((e) => e.primitive.name)).toEqual(['scan']);
  });

  it('reverse, map and foriLoop', () => {
    const [, ys] = lax.scan((c: np.Array, x: np.Array) => [c.add(x), c.add(x)], np.array(0), np.array([1, 2, 3]), { reverse: true });
    expect(ys.js()).toEqual([6, 5, 3]);
    expect(lax.map((x: np.Array) => x.mul(x), np.arange(4)).js()).toEqual([0, 1, 4, 9]);
    expect(lax.foriLoop(0, 5, (i: np.Array, acc: np.Array) => acc.add(i), np.array(0.0)).item()).toBe(10);
    // foriLoop with static bounds is a scan, so reverse mode works.
    expect(grad((x: np.Array) => lax.foriLoop(0, 3, (_i: np.Array, a: np.Array) => a.mul(x), np.array(1.0)))(np.array(2)).item()).toBe(12);
    // Traced bounds become a while loop: forward mode and vmap work.
    const upTo = (n: np.Array, x: np.Array) => lax.foriLoop(0, n, (_i: np.Array, a: np.Array) => a.mul(x), np.array(1.0));
    expect(jit(upTo)(np.array(3, { dtype: 'int32' }), np.array(2)).item()).toBe(8);
    expect(jvp((x: np.Array) => upTo(np.array(3, { dtype: 'int32' }), x), [np.array(2)], [np.array(1)])[1].item()).toBe(12);
    expect(vmap(upTo, [0, null])(np.array([1, 2, 3], { dtype: 'int32' }), np.array(2)).js()).toEqual([2, 4, 8]);
  });

  it('explains carry type changes', () => {
    expect(() => lax.scan((c: np.Array, x: np.Array) => [c.add(x), null], 0, np.array([0.5]))).toThrow(/carry output .*f64\[\].* differs from its input .*i32\[\]/);
    expect(() => lax.scan((c: np.Array) => [c, null], np.array(0))).toThrow(/pass \{ length \}/);
  });
});

describe('lax.whileLoop', () => {
  const sqrtNewton = (a: np.Array) => lax.whileLoop((x: np.Array) => np.abs(x.mul(x).sub(a)).greater(1e-12), (x: np.Array) => x.add(a.div(x)).mul(0.5), a);

  it('loops until the predicate fails, under jit and jvp', () => {
    close(sqrtNewton(np.array(2)).item() as number, Math.SQRT2, 1e-12);
    close(jit(sqrtNewton)(np.array(9)).item() as number, 3, 1e-12);
    const [y, t] = jvp(sqrtNewton, [np.array(2)], [np.array(1)]);
    close(y.item() as number, Math.SQRT2, 1e-12);
    close(t.item() as number, 0.5 / Math.SQRT2, 1e-9);
    close((jacfwd(sqrtNewton)(np.array(4)) as np.Array).item() as number, 0.25, 1e-9);
  });

  it('vmaps with per-example trip counts', () => {
    const count = (n: np.Array) => lax.whileLoop(([i]: np.Array[]) => i.less(n), ([i, s]: np.Array[]) => [i.add(1), s.add(i)], [np.array(0, { dtype: 'int32' }), np.array(0, { dtype: 'int32' })]);
    expect(vmap(count)(np.array([3, 5, 0], { dtype: 'int32' }))[1].js()).toEqual([3, 10, 0]);
    expect(vmap(sqrtNewton)(np.array([4, 9])).js()).toEqual([sqrtNewton(np.array(4)).item(), sqrtNewton(np.array(9)).item()]);
  });

  it('produces well-typed jvp and vmap jaxprs', () => {
    typecheck(makeJaxpr((a: np.Array) => jvp(sqrtNewton, [a], [a])[1])(np.array(2)).jaxpr);
    typecheck(makeJaxpr(vmap(sqrtNewton))(np.array([2, 3])).jaxpr);
  });

  it('refuses reverse mode with a pointer to scan', () => {
    expect(() => grad(sqrtNewton)(np.array(2))).toThrow(/whileLoop.*lax\.scan/);
  });
});
