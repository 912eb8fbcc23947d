/**
 * The transforms' result types follow the function's types through pytrees (issue 12): these
 * checks are compile-time (`npm run typecheck` fails when one does not hold, and an unused
 * `@ts-expect-error` fails too); the calls also run, so the runtime values are the types' shapes.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { evalShape, grad, hessian, jacfwd, jacrev, jvp, lax, linearize, linearTranspose, np, optimize, tree, valueAndGrad, vjp, vmap, type DType, type Nested } from '../lib/index.js';

type A = np.Array;
interface Params { w: A; b: A }
const p: Params = { w: np.array([0.5, -1]), b: np.array(0.25) };
const x = np.array([1, 2]);
const loss = (q: Params, u: A): A => np.sum(q.w.mul(u).add(q.b).square());
const withAux = (q: Params, u: A) => [loss(q, u), { pred: q.w.mul(u) }] as const;

describe('gradients keep the structure of what they differentiate', () => {
  it('grad and valueAndGrad, with argnums and hasAux', () => {
    const g = grad(loss)(p, x);
    expectTypeOf(g).toEqualTypeOf<{ w: A; b: A }>();
    expect(Object.keys(g).sort()).toEqual(['b', 'w']);
    expectTypeOf(grad(loss, { argnums: 1 })(p, x)).toEqualTypeOf<A>();
    const both = grad(loss, { argnums: [0, 1] })(p, x);
    expectTypeOf(both).toEqualTypeOf<[{ w: A; b: A }, A]>();
    expect(both).toHaveLength(2);
    const [ga, aux] = grad(withAux, { hasAux: true })(p, x);
    expectTypeOf(ga).toEqualTypeOf<{ w: A; b: A }>();
    expectTypeOf(aux).toEqualTypeOf<{ pred: A }>();
    const [[v, aux2], gv] = valueAndGrad(withAux, { hasAux: true })(p, x);
    expectTypeOf(v).toEqualTypeOf<A>();
    expectTypeOf(aux2.pred).toEqualTypeOf<A>();
    expectTypeOf(gv.w).toEqualTypeOf<A>();
    const [v1, g1] = valueAndGrad(loss)(p, x);
    expectTypeOf(v1).toEqualTypeOf<A>();
    expectTypeOf(g1).toEqualTypeOf<{ w: A; b: A }>();
    // @ts-expect-error a gradient is not a string
    const s: string = grad(loss)(p, x);
    expect(typeof s).toBe('object');
  });

  it('JS numbers are accepted where the function takes an Array (weakly typed scalars)', () => {
    const d = grad((u: A) => u.mul(u))(3);
    expectTypeOf(d).toEqualTypeOf<A>();
    expect(d.item()).toBe(6);
    // @ts-expect-error but not strings
    expect(() => grad((u: A) => u.mul(u))('3')).toThrow();
  });
});

describe('forward and reverse mode', () => {
  it('jvp, vjp, linearize and linearTranspose', () => {
    const f = (u: A, w: A) => ({ s: u.mul(w), t: [u.sin()] as [A] });
    const [out, tan] = jvp(f, [x, x], [x, x]);
    expectTypeOf(out).toEqualTypeOf<{ s: A; t: [A] }>();
    expectTypeOf(tan).toEqualTypeOf<{ s: A; t: [A] }>();
    const [o, pullback] = vjp(f, [x, x]);
    expectTypeOf(o.s).toEqualTypeOf<A>();
    const cts = pullback({ s: x, t: [x] });
    expectTypeOf(cts).toEqualTypeOf<[A, A]>();
    expect(cts).toHaveLength(2);
    const [lo, push] = linearize(f, [x, x]);
    expectTypeOf(lo).toEqualTypeOf<{ s: A; t: [A] }>();
    expectTypeOf(push(x, x)).toEqualTypeOf<{ s: A; t: [A] }>();
    const tr = linearTranspose((u: A) => u.mul(2), [x]);
    expectTypeOf(tr(x)).toEqualTypeOf<[A]>();
  });

  it('Jacobians nest the output structure outside the input structure', () => {
    const f = (q: Params) => ({ y: q.w.mul(2), z: q.b });
    const J = jacfwd(f)(p);
    expectTypeOf(J).toEqualTypeOf<{ y: { w: A; b: A }; z: { w: A; b: A } }>();
    expect(J.y.w.shape).toEqual([2, 2]);
    expectTypeOf(jacrev(f)(p)).toEqualTypeOf<{ y: { w: A; b: A }; z: { w: A; b: A } }>();
    expectTypeOf(jacrev(loss, { argnums: [0, 1] })(p, x)).toEqualTypeOf<[{ w: A; b: A }, A]>();
    const H = hessian(loss, { argnums: 1 })(p, x);
    expectTypeOf(H).toEqualTypeOf<A>();
    expect(H.shape).toEqual([2, 2]);
  });
});

describe('vmap and evalShape', () => {
  it('vmap keeps the parameter types and maps the result', () => {
    const per = vmap((q: Params, u: A) => ({ l: loss(q, u) }), [null, 0]);
    expectTypeOf(per).parameters.toEqualTypeOf<[Params, A | number]>();
    const r = per(p, np.ones([3, 2]));
    expectTypeOf(r).toEqualTypeOf<{ l: A }>();
    expect(r.l.shape).toEqual([3]);
    // @ts-expect-error the mapped function keeps f's parameter types
    expect(() => per('p', x)).toThrow();
  });

  it('evalShape gives { shape, dtype } leaves', () => {
    const s = evalShape((u: A) => [u.sum(), u], x);
    expectTypeOf(s).toEqualTypeOf<{ shape: number[]; dtype: DType }[]>();
    expect(s[1].shape).toEqual([2]);
  });
});

describe('readback', () => {
  it('dataSync() is a typed array whose methods TypeScript can call', () => {
    const d = np.array([1, 2, 3]).dataSync();
    expect(d.reduce((a, b) => a + b, 0)).toBe(6);
    expect(d.reduce((a, b) => Math.max(a, b))).toBe(3);
    expect(Array.from(d.map((v) => v * 2))).toEqual([2, 4, 6]);
    const asUnion: Float32Array | Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array = d;
    expect(asUnion).toBeInstanceOf(Float64Array);
  });

  it('item() is a number (a bool array gives 1 or 0), itemBool() a boolean, js() nested numbers', () => {
    const v = np.array([1, 2]).sum().item();
    expectTypeOf(v).toEqualTypeOf<number>();
    expect(v * 2).toBe(6);
    expect(np.array(true).item()).toBe(1);
    expectTypeOf(np.array(true).itemBool()).toEqualTypeOf<boolean>();
    expectTypeOf(np.ones([2]).js()).toEqualTypeOf<Nested>();
    expect(np.ones([2, 1]).js()).toEqual([[1], [1]]);
  });
});

describe('control flow and pytrees', () => {
  it('lax.cond, switch, scan, map, foriLoop and whileLoop type their carries and outputs', () => {
    const c = lax.cond(x.sum().greater(0), (u) => ({ y: u.mul(2) }), (u) => ({ y: u }), x);
    expectTypeOf(c).toEqualTypeOf<{ y: A }>();
    const sw = lax.switch(1, [(u: A) => u, (u: A) => u.neg()], x);
    expectTypeOf(sw).toEqualTypeOf<A>();
    // a carry of JS numbers is traced as Arrays: the body sees Arrays
    const [carry, ys] = lax.scan((cc, xi) => [{ n: cc.n.add(1), s: cc.s.add(xi) }, xi.mul(2)], { n: 0, s: np.zeros([]) }, x);
    expectTypeOf(carry).toEqualTypeOf<{ n: A; s: A }>();
    expectTypeOf(ys).toEqualTypeOf<A>();
    expect(carry.n.item()).toBe(2);
    expectTypeOf(lax.map((xi) => [xi, xi.square()] as const, x)).toEqualTypeOf<[A, A]>();
    const fl = lax.foriLoop(0, 3, (i, cc) => cc.add(i), np.zeros([]));
    expectTypeOf(fl).toEqualTypeOf<A>();
    const w = lax.whileLoop(([k]) => k.less(3), ([k, v]) => [k.add(1), v.mul(2)], [np.array(0), x]);
    expectTypeOf(w).toEqualTypeOf<A[]>();
  });

  it('tree.map replaces the leaves with what the function returns', () => {
    const m = tree.map((l) => l.mul(2), p);
    expectTypeOf(m).toEqualTypeOf<{ w: A; b: A }>();
    const shapes = tree.map((l) => l.shape, { a: [x, x] as [A, A] });
    expectTypeOf(shapes).toEqualTypeOf<{ a: [number[], number[]] }>();
  });

  it('customRoot, customLinearSolve and minimize', () => {
    const r = lax.customRoot((z) => z.square().sub(2), np.array(1.5), (_f, g) => g, (_g, y) => y);
    expectTypeOf(r).toEqualTypeOf<A>();
    const s = lax.customLinearSolve((v) => v.mul(2), x, (_m, b) => b.div(2));
    expectTypeOf(s).toEqualTypeOf<A>();
    const res = optimize.minimize((z: A, d: A) => z.sub(d).square().sum(), np.zeros([2]), { args: [x] });
    expectTypeOf(res.x).toEqualTypeOf<A>();
  });
});
