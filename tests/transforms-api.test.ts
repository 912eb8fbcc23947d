/**
 * Calling conventions of the transforms (DESIGN §6): argnums, hasAux, vjpFn / linearize /
 * linearTranspose, vmap's axis errors, pytree outputs, and printed jaxprs pinned by snapshots.
 * Expected numbers are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, hessian, jacfwd, jacrev, jvp, linearTranspose, linearize, makeJaxpr, np, typecheck, valueAndGrad, vjp, vmap } from '../lib/index.js';

const f64 = (v: number | number[], shape?: number[]) => np.array(v, { dtype: 'float64', ...(shape ? { shape } : {}) });
const vals = (x: unknown): number[] => globalThis.Array.from((x as Array).dataSync() as ArrayLike<number>, Number);
const isArr = (x: unknown) => globalThis.Array.isArray(x);

describe('argnums', () => {
  // f(x, y, z) = x² y + sin(z): ∂x = 2xy, ∂y = x², ∂z = cos z.
  const f = (x: Array, y: Array, z: Array) => x.mul(x).mul(y).add(np.sin(z));
  const args = [f64(3), f64(2), f64(0.5)] as const;

  it('a number gives one gradient (not wrapped); the default is argnum 0', () => {
    const g0 = grad(f)(...args);
    expect(isArr(g0)).toBe(false);
    expect((g0 as Array).item()).toBe(12);
    expect((grad(f, { argnums: 1 })(...args) as Array).item()).toBe(9);
    expect((grad(f, { argnums: -1 })(...args) as Array).item()).toBeCloseTo(Math.cos(0.5), 13);
  });

  it('a list gives a list in the listed order, even of length 1', () => {
    const g = grad(f, { argnums: [2, 0] })(...args) as Array[];
    expect(isArr(g)).toBe(true);
    expect(g.length).toBe(2);
    expect(g[0].item()).toBeCloseTo(Math.cos(0.5), 13);
    expect(g[1].item()).toBe(12);
    const g1 = grad(f, { argnums: [1] })(...args) as Array[];
    expect(isArr(g1)).toBe(true);
    expect(g1.length).toBe(1);
    expect(g1[0].item()).toBe(9);
  });

  it('out-of-range argnums throw', () => {
    expect(() => grad(f, { argnums: 3 })(...args)).toThrow(RangeError);
    expect(() => grad(f, { argnums: [0, -4] })(...args)).toThrow(RangeError);
  });

  it('gradients keep the pytree structure of the argument', () => {
    const loss = (p: { w: Array; b: Array[] }, x: Array) => p.w.mul(x).add(p.b[0]).mul(p.b[1]).sum();
    const p = { w: f64([1, 2]), b: [f64(0.5), f64(3)] };
    const x = f64([4, 5]);
    const g = grad(loss)(p, x) as { w: Array; b: Array[] };
    expect(Object.keys(g).sort()).toEqual(['b', 'w']);
    expect(g.b.length).toBe(2);
    expect(vals(g.w)).toEqual([12, 15]); // b1 · x
    expect(vals(g.b[0])).toEqual([6]); // 2 · b1
    expect(vals(g.b[1])).toEqual([1 * 4 + 0.5 + 2 * 5 + 0.5]);
    const [gp, gx] = grad(loss, { argnums: [0, 1] })(p, x) as [{ w: Array }, Array];
    expect(vals(gp.w)).toEqual([12, 15]);
    expect(vals(gx)).toEqual([3, 6]); // b1 · w
  });

  it('jacfwd / jacrev follow the same tuple-ness', () => {
    const h = (x: Array, y: Array) => x.mul(y);
    for (const jac of [jacfwd, jacrev]) {
      const one = jac(h, { argnums: 1 })(f64([1, 2]), f64([3, 4])) as Array;
      expect(isArr(one)).toBe(false);
      expect(one.shape).toEqual([2, 2]);
      expect(vals(one)).toEqual([1, 0, 0, 2]);
      const both = jac(h, { argnums: [0, 1] })(f64([1, 2]), f64([3, 4])) as Array[];
      expect(both.length).toBe(2);
      expect(vals(both[0])).toEqual([3, 0, 0, 4]);
      expect(vals(both[1])).toEqual([1, 0, 0, 2]);
    }
  });
});

describe('hasAux', () => {
  // Main output x² (scalar) and aux {n: x·10 (not differentiated), v: vector}.
  const f = (x: Array) => [x.mul(x), { n: x.mul(10), v: np.stack([x, x]) }];

  it('grad returns [grads, aux]; valueAndGrad returns [[value, aux], grads]', () => {
    const [g, aux] = grad(f, { hasAux: true })(f64(3)) as [Array, { n: Array; v: Array }];
    expect(g.item()).toBe(6);
    expect(aux.n.item()).toBe(30);
    expect(vals(aux.v)).toEqual([3, 3]);
    const [[v, aux2], g2] = valueAndGrad(f, { hasAux: true })(f64(3)) as [[Array, { n: Array }], Array];
    expect(v.item()).toBe(9);
    expect(aux2.n.item()).toBe(30);
    expect(g2.item()).toBe(6);
    // Without hasAux the pair is one (non-scalar) output and grad refuses it.
    expect(() => grad(f)(f64(3))).toThrow(TypeError);
  });

  it('vjp returns [out, vjpFn, aux]; jvp returns [out, tangentOut, aux]', () => {
    const [out, vjpFn, aux] = vjp(f, [f64(3)], { hasAux: true }) as [Array, (c: Array) => Array[], { n: Array }];
    expect(out.item()).toBe(9);
    expect(aux.n.item()).toBe(30);
    const cts = vjpFn(f64(2));
    expect(cts.length).toBe(1);
    expect(cts[0].item()).toBe(12);
    const [o, t, a] = jvp(f, [f64(3)], [f64(0.5)], { hasAux: true }) as [Array, Array, { n: Array; v: Array }];
    expect(o.item()).toBe(9);
    expect(t.item()).toBe(3);
    expect(a.n.item()).toBe(30);
    expect(vals(a.v)).toEqual([3, 3]);
  });
});

describe('hasAux for Jacobians and edge cases of aux', () => {
  it('jacfwd / jacrev / hessian with hasAux return [jacobian, aux] and do not differentiate aux', () => {
    // out = x² elementwise (J = diag(2x)); aux = x + 1 returned as a value.
    const f = (x: Array) => [x.mul(x), x.add(1)];
    for (const jac of [jacfwd, jacrev]) {
      const r = jac(f, { hasAux: true })(f64([1, 2])) as [Array, Array];
      expect(r.length).toBe(2);
      expect(r[0].shape).toEqual([2, 2]);
      expect(vals(r[0])).toEqual([2, 0, 0, 4]);
      expect(r[1].shape).toEqual([2]);
      expect(vals(r[1])).toEqual([2, 3]);
    }
    // hessian of Σ x³ is diag(6x); aux passes through.
    const [H, aux] = hessian((x: Array) => [x.mul(x).mul(x).sum(), x.mul(10)], { hasAux: true })(f64([1, 2])) as [Array, Array];
    expect(vals(H)).toEqual([6, 0, 0, 12]);
    expect(vals(aux)).toEqual([10, 20]);
  });

  it('aux that does not depend on the input, and a main output that does not', () => {
    const [g, aux] = grad((x: Array) => [x.mul(x), f64(7)], { hasAux: true })(f64(3)) as Array[];
    expect(g.item()).toBe(6);
    expect(aux.item()).toBe(7);
    const [[v, a], g2] = valueAndGrad((x: Array) => [f64(2), x.mul(5)], { hasAux: true })(f64(3)) as [[Array, Array], Array];
    expect(v.item()).toBe(2);
    expect(a.item()).toBe(15);
    expect(g2.item()).toBe(0);
    // An int aux is fine.
    const [, vjpFn, ai] = vjp((x: Array) => [x.mul(x), x.astype('int32')], [f64(3.5)], { hasAux: true }) as [Array, (c: Array) => Array[], Array];
    expect(vjpFn(f64(1))[0].item()).toBe(7);
    expect(ai.item()).toBe(3);
  });

  it('jacrev of an int output throws a TypeError (like JAX)', () => {
    expect(() => jacrev((x: Array) => x.astype('int32'))(f64([1, 2]))).toThrow(TypeError);
    expect(() => jacfwd((x: Array) => x)(np.array([1, 2], { dtype: 'int32' }))).toThrow(/astype/);
  });
});

describe('vjp', () => {
  it('vjpFn returns one cotangent per primal, with the primals\' structure', () => {
    // f(x, {a, b}) = [x·a, b − x]; ct = [c1, c2] → x̄ = c1 a − c2, ā = c1 x, b̄ = c2.
    const f = (x: Array, p: { a: Array; b: Array }) => [x.mul(p.a), p.b.sub(x)];
    const [out, vjpFn] = vjp(f, [f64([1, 2]), { a: f64([3, 4]), b: f64([5, 6]) }]) as [Array[], (c: unknown) => unknown[]];
    expect(vals(out[0])).toEqual([3, 8]);
    const cts = vjpFn([f64([1, 10]), f64([2, 3])]) as [Array, { a: Array; b: Array }];
    expect(cts.length).toBe(2);
    expect(vals(cts[0])).toEqual([1 * 3 - 2, 10 * 4 - 3]);
    expect(vals(cts[1].a)).toEqual([1, 20]);
    expect(vals(cts[1].b)).toEqual([2, 3]);
    // Reuse with another cotangent.
    const cts2 = vjpFn([f64([0, 0]), f64([1, 1])]) as [Array, { a: Array; b: Array }];
    expect(vals(cts2[0])).toEqual([-1, -1]);
    expect(vals(cts2[1].a)).toEqual([0, 0]);
  });

  it('a single Array primal counts as one argument', () => {
    const [out, vjpFn] = vjp((x: Array) => x.mul(3), f64([1, 2])) as [Array, (c: Array) => Array[]];
    expect(vals(out)).toEqual([3, 6]);
    const cts = vjpFn(f64([1, -1]));
    expect(cts.length).toBe(1);
    expect(vals(cts[0])).toEqual([3, -3]);
  });

  it('a cotangent of the wrong structure or shape throws a TypeError', () => {
    const [, vjpFn] = vjp((x: Array) => [x, x.mul(2)], [f64([1, 2])]) as [unknown, (c: unknown) => unknown];
    expect(() => vjpFn(f64([1, 1]))).toThrow(TypeError);
    expect(() => vjpFn([f64([1, 1])])).toThrow(/structure/);
    expect(() => vjpFn({ a: f64([1, 1]) })).toThrow(/structure/);
    expect(() => vjpFn([f64([1, 1]), f64([1, 1, 1])])).toThrow(TypeError);
    expect(() => vjpFn([f64([1, 1]), f64([1, 1, 1])])).toThrow(/f64\[3\]/);
    // The right one works: x̄ = c0 + 2 c1.
    expect(vals((vjpFn([f64([1, 1]), f64([1, 2])]) as Array[])[0])).toEqual([3, 5]);
  });

  it('an int primal gets a zero cotangent', () => {
    const [, vjpFn] = vjp((x: Array, n: Array) => x.mul(n.astype('float64')), [f64([1, 2]), np.array([3, 4], { dtype: 'int32' })]) as [unknown, (c: Array) => Array[]];
    const [cx, cn] = vjpFn(f64([1, 1]));
    expect(vals(cx)).toEqual([3, 4]);
    expect(vals(cn)).toEqual([0, 0]);
  });
});

describe('linearize and linearTranspose', () => {
  it('jvpFn is reusable with several tangents (positional)', () => {
    // f(x, y) = [x·y, sin x]: J·(tx, ty) = [tx y + x ty, cos x tx].
    const f = (x: Array, y: Array) => [x.mul(y), np.sin(x)];
    const x = 0.7;
    const y = -2;
    const [out, jvpFn] = linearize(f, [f64(x), f64(y)]);
    expect(vals((out as Array[])[0])).toEqual([x * y]);
    expect((out as Array[])[1].item()).toBeCloseTo(Math.sin(x), 13);
    for (const [tx, ty] of [[1, 0], [0, 1], [2, -3], [0.5, 0.25]]) {
      const [t0, t1] = jvpFn(f64(tx), f64(ty)) as Array[];
      expect(t0.item()).toBeCloseTo(tx * y + x * ty, 13);
      expect(t1.item()).toBeCloseTo(Math.cos(x) * tx, 13);
    }
    expect(() => jvpFn(f64(1))).toThrow(TypeError);
    // Tangents must match the primals' shapes and structure.
    expect(() => jvpFn(f64([1, 2]), f64(0))).toThrow(TypeError);
    const [, jp] = linearize((p: { a: Array; b: Array }) => p.a.mul(p.b), [{ a: f64(2), b: f64(3) }]);
    expect(() => jp(f64(1), f64(0))).toThrow(/structure/);
    expect((jp({ a: f64(1), b: f64(0) }) as Array).item()).toBe(3);
    const [, jv] = linearize((x: Array) => x.mul(2), [f64([2, 3])]);
    expect(() => jv(f64([1, 2, 3]))).toThrow(/f64\[3\]/);
  });

  it('linearize of a vector function equals the analytic Jacobian product', () => {
    const xs = [0.1, 0.5, -1];
    const [, jvpFn] = linearize((x: Array) => np.exp(x).mul(x), f64(xs));
    const t = [1, 2, 3];
    const got = vals(jvpFn(f64(t)));
    xs.forEach((x, i) => expect(got[i]).toBeCloseTo(Math.exp(x) * (1 + x) * t[i], 13));
  });

  it('linearTranspose of x ↦ A x is ct ↦ Aᵀ ct', () => {
    const A = [[1, 2, 3], [4, 5, 6]];
    const Aa = f64(A.flat(), [2, 3]);
    const lt = linearTranspose((x: Array) => np.matmul(Aa, x), [f64([0, 0, 0])]);
    const ct = [7, -1];
    const res = lt(f64(ct));
    expect(isArr(res)).toBe(true);
    expect(res.length).toBe(1);
    expect(vals(res[0])).toEqual([0, 1, 2].map((j) => A[0][j] * ct[0] + A[1][j] * ct[1]));
    // Matrix input: X ↦ A X with X [3, 2]; transpose is C ↦ Aᵀ C.
    const lt2 = linearTranspose((X: Array) => np.matmul(Aa, X), [np.zeros([3, 2], { dtype: 'float64' })]);
    const C = [[1, 0], [0, 1]];
    const r2 = lt2(f64(C.flat(), [2, 2]))[0] as Array;
    expect(r2.shape).toEqual([3, 2]);
    expect(vals(r2)).toEqual([0, 1, 2].flatMap((i) => [0, 1].map((j) => A[0][i] * C[0][j] + A[1][i] * C[1][j])));
  });
});

describe('vmap axes', () => {
  it('mapped axes of different sizes throw with both sizes in the message', () => {
    const f = vmap((a: Array, b: Array) => a.add(b));
    expect(() => f(f64([1, 2, 3]), f64([1, 2, 3, 4]))).toThrow(TypeError);
    expect(() => f(f64([1, 2, 3]), f64([1, 2, 3, 4]))).toThrow(/different sizes.*f64\[3\].*f64\[4\]/);
  });

  it('no mapped argument without axisSize throws; axisSize with all-null inAxes broadcasts', () => {
    expect(() => vmap((a: Array) => a.add(1), null)(f64([1, 2]))).toThrow(/axisSize/);
    const out = vmap((a: Array) => a.add(1), null, 0, { axisSize: 3 })(f64([1, 2])) as Array;
    expect(out.shape).toEqual([3, 2]);
    expect(vals(out)).toEqual([2, 3, 2, 3, 2, 3]);
    const outL = vmap((a: Array) => a.mul(2), null, -1, { axisSize: 2 })(f64([1, 2])) as Array;
    expect(outL.shape).toEqual([2, 2]);
    expect(vals(outL)).toEqual([2, 2, 4, 4]);
  });

  it('axisSize that disagrees with the mapped size throws', () => {
    expect(() => vmap((x: Array) => x, 0, 0, { axisSize: 5 })(f64([1, 2]))).toThrow(/axisSize/);
    expect(vals(vmap((x: Array) => x.mul(2), 0, 0, { axisSize: 2 })(f64([1, 2])))).toEqual([2, 4]);
  });

  it('out-of-range and ill-structured inAxes throw', () => {
    expect(() => vmap((x: Array) => x, 1)(f64([1, 2]))).toThrow(RangeError);
    expect(() => vmap((x: Array) => x, -2)(f64([1, 2]))).toThrow(RangeError);
    expect(() => vmap((x: Array, y: Array) => x.add(y), [0])(f64([1, 2]), f64([1, 2]))).toThrow();
    expect(() => vmap((x: Array) => x.sum(), 0, 1)(f64([1, 2]))).toThrow(RangeError);
  });

  it('pytree outputs come back with their structure, each leaf stacked', () => {
    const f = (x: Array) => ({ sq: x.mul(x), pair: [x.sum(), x.slice(0)] });
    const out = vmap(f)(f64([1, 2, 3, 4], [2, 2])) as { sq: Array; pair: Array[] };
    expect(Object.keys(out).sort()).toEqual(['pair', 'sq']);
    expect(out.sq.shape).toEqual([2, 2]);
    expect(vals(out.sq)).toEqual([1, 4, 9, 16]);
    expect(vals(out.pair[0])).toEqual([3, 7]);
    expect(vals(out.pair[1])).toEqual([1, 3]);
  });
});

describe('printed jaxprs of the transforms', () => {
  it('grad(sin)', () => {
    const { jaxpr } = makeJaxpr(grad(np.sin))(f64(1));
    typecheck(jaxpr);
    expect(jaxpr.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f64[] . let
          b:f64[] = sin a
          c:f64[] = cos a
          d:f64[] = mul 1.0 c
        in ( d ) }"
    `);
  });

  it('jvp(x => x * x)', () => {
    const { jaxpr } = makeJaxpr((x: Array, t: Array) => jvp((u: Array) => u.mul(u), [x], [t]))(f64(1), f64(1));
    typecheck(jaxpr);
    expect(jaxpr.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f64[] b:f64[] . let
          c:f64[] = mul a a
          d:f64[] = mul b a
          e:f64[] = add d d
        in ( c e ) }"
    `);
  });

  it('vmap(dot) is one batched dot_general', () => {
    const { jaxpr } = makeJaxpr(vmap(np.dot))(f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([1, 2, 3, 4, 5, 6], [2, 3]));
    typecheck(jaxpr);
    expect(jaxpr.toString()).toMatchInlineSnapshot(`
      "{ lambda a:f64[2,3] b:f64[2,3] . let
          c:f64[2] = dot_general[contracting=((1), (1)) batch=((0), (0))] a b
        in ( c ) }"
    `);
  });
});
