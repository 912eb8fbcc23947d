import { expect } from 'vitest';
import { np, lax, grad, jvp, vmap, jit, jacfwd, makeJaxpr, typecheck } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { values } from './values.js';

// Programs whose control flow reads a device value (cond on an array predicate, whileLoop, foriLoop
// with traced bounds) run through b.call: a device without synchronous readback runs them only
// asynchronously.
describeEachBackend('lax.cond / lax.switch', (b) => {
  const { exact, num, f: fd } = values(b);
  const close = (a: number, want: number, rtol = 1e-9) => expect(Math.abs(a - want)).toBeLessThanOrEqual((b.dtype === 'float64' ? rtol : Math.max(rtol, b.tol)) * Math.max(1, Math.abs(want)));
  const f = (x: np.Array) => lax.cond(x.greater(0), (a: np.Array) => np.sin(a).mul(a), (a: np.Array) => a.mul(a).mul(3), x);

  b.it({}, 'takes one branch per predicate, eagerly and under jit, and differentiates the taken branch', async () => {
    close(await num(await b.call(f, np.array(0.5))), Math.sin(0.5) * 0.5);
    close(await num(await b.call(jit(f), np.array(-2))), 12);
    close(await num(await b.call(grad(f), np.array(0.5))), Math.cos(0.5) * 0.5 + Math.sin(0.5));
    close(await num(await b.call(grad(f), np.array(-2))), -12);
    close(await num(await b.call(grad(grad(f)), np.array(0.5))), 2 * Math.cos(0.5) - 0.5 * Math.sin(0.5));
  });

  b.it({}, 'turns a batched predicate into a select under vmap', async () => {
    const xs = [0.5, -2, 1];
    const each: number[] = [];
    for (const x of xs) each.push(await num(await b.call(f, np.array(x))));
    await exact(vmap(f)(np.array(xs)), each);
    const j = makeJaxpr(vmap(f))(np.array(xs)).jaxpr;
    expect(j.eqns.some((e) => e.primitive.name === 'select')).toBe(true);
    typecheck(j);
  });

  b.it({}, 'switch clamps its index and sees closures', async () => {
    const g = (i: number, y: np.Array) => lax.switch(i, [(a: np.Array) => a, (a: np.Array) => a.mul(y), (a: np.Array) => a.mul(y).mul(y)], np.array(2));
    await exact(g(-5, np.array(3)), 2);
    await exact(g(7, np.array(3)), 18);
    await exact(grad((y: np.Array) => g(2, y))(np.array(3)), 12);
  });

  b.it({}, 'rejects branches of different types with a clear message', () => {
    expect(() => lax.cond(true, (a: np.Array) => a, (a: np.Array) => a.sum(), np.ones([2]))).toThrow(new RegExp(`lax\\.cond: branches must return the same.*falseFn returns \\* ${fd}\\[\\] but trueFn returns \\* ${fd}\\[2\\]`));
    expect(() => lax.cond(np.ones([2]), (a: np.Array) => a, (a: np.Array) => a, 1)).toThrow(/predicate must be a scalar.*np\.where/);
  });
});

describeEachBackend('lax.scan', (b) => {
  const { exact, num, f: fd } = values(b);
  const close = (a: number, want: number, rtol = 1e-9) => expect(Math.abs(a - want)).toBeLessThanOrEqual((b.dtype === 'float64' ? rtol : Math.max(rtol, b.tol)) * Math.max(1, Math.abs(want)));
  const step = (c: np.Array, x: np.Array): [np.Array, np.Array] => { const n = np.sin(c).mul(x); return [n, n.mul(2)]; };
  const L = (c0: np.Array, xs: np.Array) => { const [c, ys] = lax.scan(step, c0, xs); return c.add(ys.sum()); };
  const ref = (c0: number, xs: number[]) => { let c = c0; let s = 0; for (const x of xs) { c = Math.sin(c) * x; s += 2 * c; } return c + s; };
  const xs = [0.5, 1.5, -0.7, 2.0];

  b.it({}, 'matches a JS loop and its finite-difference gradient, to second order', async () => {
    close(await num(L(np.array(0.3), np.array(xs))), ref(0.3, xs), 1e-14);
    const h = 1e-5;
    close(await num(grad(L)(np.array(0.3), np.array(xs))), (ref(0.3 + h, xs) - ref(0.3 - h, xs)) / (2 * h), 1e-8);
    const h2 = 1e-4;
    close(await num(grad(grad(L))(np.array(0.3), np.array(xs))), (ref(0.3 + h2, xs) - 2 * ref(0.3, xs) + ref(0.3 - h2, xs)) / (h2 * h2), 1e-5);
    close(await num(jvp(L, [np.array(0.3), np.array(xs)], [np.array(1), np.zeros([4])])[1]), await num(grad(L)(np.array(0.3), np.array(xs))), 1e-12);
  });

  b.it({}, 'vmaps over the carry and over xs', async () => {
    await exact(vmap(L, [0, null])(np.array([0.3, 0.4]), np.array(xs)), [await num(L(np.array(0.3), np.array(xs))), await num(L(np.array(0.4), np.array(xs)))]);
    const batch = np.array([xs, xs.map((x) => -x)]);
    const v = await values(b).vals(vmap(grad(L))(np.array([0.3, 0.4]), batch));
    close(v[1], await num(grad(L)(np.array(0.4), batch.slice(1))), 1e-12);
  });

  b.it({}, 'runs long loops natively as one equation', async () => {
    const f = jit((c0: np.Array) => lax.scan((c: np.Array) => [c.mul(0.99999).add(1e-5), null], c0, null, { length: 100_000 })[0]);
    // In float32 the 10⁵ rounded steps drift from the float64 closed form by ~5e-4 (relative): the
    // reference is then the same recurrence rounded to float32 at each step.
    let r = 0;
    for (let i = 0; i < 100_000; i++) r = Math.fround(Math.fround(r * Math.fround(0.99999)) + Math.fround(1e-5));
    close(await num(f(np.array(0))), b.dtype === 'float64' ? 1 - 0.99999 ** 100_000 : r, 1e-9);
    expect(makeJaxpr(f)(np.array(0)).jaxpr.eqns.map((e) => e.primitive.name)).toEqual(['scan']);
  });

  b.it({}, 'reverse, map and foriLoop', async () => {
    const [, ys] = lax.scan((c: np.Array, x: np.Array) => [c.add(x), c.add(x)], np.array(0), np.array([1, 2, 3]), { reverse: true });
    await exact(ys, [6, 5, 3]);
    await exact(lax.map((x: np.Array) => x.mul(x), np.arange(4)), [0, 1, 4, 9]);
    await exact(lax.foriLoop(0, 5, (i: np.Array, acc: np.Array) => acc.add(i), np.array(0.0)), 10);
    // foriLoop with static bounds is a scan, so reverse mode works.
    await exact(grad((x: np.Array) => lax.foriLoop(0, 3, (_i: np.Array, a: np.Array) => a.mul(x), np.array(1.0)))(np.array(2)), 12);
    // Traced bounds become a while loop: forward mode and vmap work.
    const upTo = (n: np.Array, x: np.Array) => lax.foriLoop(0, n, (_i: np.Array, a: np.Array) => a.mul(x), np.array(1.0));
    await exact(await b.call(jit(upTo), np.array(3, { dtype: 'int32' }), np.array(2)), 8);
    await exact(await b.call((x: np.Array, t: np.Array) => jvp((u: np.Array) => upTo(np.array(3, { dtype: 'int32' }), u), [x], [t])[1], np.array(2), np.array(1)), 12);
    await exact(await b.call(vmap(upTo, [0, null]), np.array([1, 2, 3], { dtype: 'int32' }), np.array(2)), [2, 4, 8]);
  });

  b.it({}, 'explains carry type changes', () => {
    expect(() => lax.scan((c: np.Array, x: np.Array) => [c.add(x), null], 0, np.array([0.5]))).toThrow(new RegExp(`carry output .*${fd}\\[\\].* differs from its input .*i32\\[\\]`));
    expect(() => lax.scan((c: np.Array) => [c, null], np.array(0))).toThrow(/pass \{ length \}/);
  });
});

describeEachBackend('lax.whileLoop', (b) => {
  const { exact, num } = values(b);
  const close = (a: number, want: number, rtol = 1e-9) => expect(Math.abs(a - want)).toBeLessThanOrEqual((b.dtype === 'float64' ? rtol : Math.max(rtol, b.tol)) * Math.max(1, Math.abs(want)));
  // Newton's stopping threshold: float32 cannot bring x² - a below 1e-12.
  const eps = () => (b.dtype === 'float64' ? 1e-12 : 1e-5);
  const sqrtNewton = (a: np.Array) => lax.whileLoop((x: np.Array) => np.abs(x.mul(x).sub(a)).greater(eps()), (x: np.Array) => x.add(a.div(x)).mul(0.5), a);

  b.it({}, 'loops until the predicate fails, under jit and jvp', async () => {
    close(await num(await b.call(sqrtNewton, np.array(2))), Math.SQRT2, 1e-12);
    close(await num(await b.call(jit(sqrtNewton), np.array(9))), 3, 1e-12);
    const [y, t] = await b.call((a: np.Array, ta: np.Array) => jvp(sqrtNewton, [a], [ta]), np.array(2), np.array(1));
    close(await num(y), Math.SQRT2, 1e-12);
    close(await num(t), 0.5 / Math.SQRT2, 1e-9);
    close(await num(await b.call(jacfwd(sqrtNewton), np.array(4))), 0.25, 1e-9);
  });

  b.it({}, 'vmaps with per-example trip counts', async () => {
    const count = (n: np.Array) => lax.whileLoop(([i]: np.Array[]) => i.less(n), ([i, s]: np.Array[]) => [i.add(1), s.add(i)], [np.array(0, { dtype: 'int32' }), np.array(0, { dtype: 'int32' })]);
    const [, s] = await b.call(vmap(count), np.array([3, 5, 0], { dtype: 'int32' }));
    expect(await values(b).vals(s)).toEqual([3, 10, 0]);
    await exact(await b.call(vmap(sqrtNewton), np.array([4, 9])), [await num(await b.call(sqrtNewton, np.array(4))), await num(await b.call(sqrtNewton, np.array(9)))]);
  });

  b.it({}, 'produces well-typed jvp and vmap jaxprs', () => {
    typecheck(makeJaxpr((a: np.Array) => jvp(sqrtNewton, [a], [a])[1])(np.array(2)).jaxpr);
    typecheck(makeJaxpr(vmap(sqrtNewton))(np.array([2, 3])).jaxpr);
  });

  b.it({}, 'refuses reverse mode with a pointer to scan', () => {
    expect(() => grad(sqrtNewton)(np.array(2))).toThrow(/whileLoop.*lax\.scan/);
  });
});
