/**
 * Calling conventions of the transforms (DESIGN §6): argnums, hasAux, vjpFn / linearize /
 * linearTranspose, vmap's axis errors, pytree outputs, and printed jaxprs pinned by snapshots.
 * Expected numbers are worked out by hand.
 */
import { expect } from 'vitest';
import { type Array, grad, hessian, jacfwd, jacrev, jvp, linearTranspose, linearize, makeJaxpr, np, typecheck, valueAndGrad, vjp, vmap } from '../lib/index.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { values } from './values.js';

/** The per-backend helpers: `fa` makes a float array of the backend's float type (float64 on the CPU). */
function helpers(b: BackendCase) {
  const v = values(b);
  return {
    ...v,
    fa: (x: number | number[], shape?: number[]) => np.array(x, { dtype: b.dtype, ...(shape ? { shape } : {}) }),
    /** toBeCloseTo(want, digits) in float64; the float32 tolerance otherwise. */
    closeTo: async (x: unknown, want: number, digits: number) => {
      const got = await v.num(x);
      if (b.dtype === 'float64') expect(got).toBeCloseTo(want, digits);
      else b.expectClose(got, want);
    },
  };
}
const isArr = (x: unknown) => globalThis.Array.isArray(x);

describeEachBackend('argnums', (b) => {
  const { fa, exact, closeTo } = helpers(b);
  // f(x, y, z) = x² y + sin(z): ∂x = 2xy, ∂y = x², ∂z = cos z.
  const f = (x: Array, y: Array, z: Array) => x.mul(x).mul(y).add(np.sin(z));
  const args = [fa(3), fa(2), fa(0.5)] as const;

  b.it({}, 'a number gives one gradient (not wrapped); the default is argnum 0', async () => {
    const g0 = grad(f)(...args);
    expect(isArr(g0)).toBe(false);
    await exact((g0 as Array), 12);
    await exact((grad(f, { argnums: 1 })(...args) as Array), 9);
    await closeTo((grad(f, { argnums: -1 })(...args) as Array), Math.cos(0.5), 13);
  });

  b.it({}, 'a list gives a list in the listed order, even of length 1', async () => {
    const g = grad(f, { argnums: [2, 0] })(...args) as Array[];
    expect(isArr(g)).toBe(true);
    expect(g.length).toBe(2);
    await closeTo(g[0], Math.cos(0.5), 13);
    await exact(g[1], 12);
    const g1 = grad(f, { argnums: [1] })(...args) as Array[];
    expect(isArr(g1)).toBe(true);
    expect(g1.length).toBe(1);
    await exact(g1[0], 9);
  });

  b.it({}, 'out-of-range argnums throw', async () => {
    expect(() => grad(f, { argnums: 3 })(...args)).toThrow(RangeError);
    expect(() => grad(f, { argnums: [0, -4] })(...args)).toThrow(RangeError);
  });

  b.it({}, 'gradients keep the pytree structure of the argument', async () => {
    const loss = (p: { w: Array; b: Array[] }, x: Array) => p.w.mul(x).add(p.b[0]).mul(p.b[1]).sum();
    const p = { w: fa([1, 2]), b: [fa(0.5), fa(3)] };
    const x = fa([4, 5]);
    const g = grad(loss)(p, x) as { w: Array; b: Array[] };
    expect(Object.keys(g).sort()).toEqual(['b', 'w']);
    expect(g.b.length).toBe(2);
    await exact(g.w, [12, 15]); // b1 · x
    await exact(g.b[0], [6]); // 2 · b1
    await exact(g.b[1], [1 * 4 + 0.5 + 2 * 5 + 0.5]);
    const [gp, gx] = grad(loss, { argnums: [0, 1] })(p, x) as [{ w: Array }, Array];
    await exact(gp.w, [12, 15]);
    await exact(gx, [3, 6]); // b1 · w
  });

  b.it({}, 'jacfwd / jacrev follow the same tuple-ness', async () => {
    const h = (x: Array, y: Array) => x.mul(y);
    for (const jac of [jacfwd, jacrev]) {
      const one = jac(h, { argnums: 1 })(fa([1, 2]), fa([3, 4])) as Array;
      expect(isArr(one)).toBe(false);
      expect(one.shape).toEqual([2, 2]);
      await exact(one, [1, 0, 0, 2]);
      const both = jac(h, { argnums: [0, 1] })(fa([1, 2]), fa([3, 4])) as Array[];
      expect(both.length).toBe(2);
      await exact(both[0], [3, 0, 0, 4]);
      await exact(both[1], [1, 0, 0, 2]);
    }
  });
});

describeEachBackend('hasAux', (b) => {
  const { fa, exact } = helpers(b);
  // Main output x² (scalar) and aux {n: x·10 (not differentiated), v: vector}.
  const f = (x: Array) => [x.mul(x), { n: x.mul(10), v: np.stack([x, x]) }];

  b.it({}, 'grad returns [grads, aux]; valueAndGrad returns [[value, aux], grads]', async () => {
    const [g, aux] = grad(f, { hasAux: true })(fa(3)) as [Array, { n: Array; v: Array }];
    await exact(g, 6);
    await exact(aux.n, 30);
    await exact(aux.v, [3, 3]);
    const [[v, aux2], g2] = valueAndGrad(f, { hasAux: true })(fa(3)) as [[Array, { n: Array }], Array];
    await exact(v, 9);
    await exact(aux2.n, 30);
    await exact(g2, 6);
    // Without hasAux the pair is one (non-scalar) output and grad refuses it.
    expect(() => grad(f)(fa(3))).toThrow(TypeError);
  });

  b.it({}, 'vjp returns [out, vjpFn, aux]; jvp returns [out, tangentOut, aux]', async () => {
    const [out, vjpFn, aux] = vjp(f, [fa(3)], { hasAux: true }) as [Array, (c: Array) => Array[], { n: Array }];
    await exact(out, 9);
    await exact(aux.n, 30);
    const cts = vjpFn(fa(2));
    expect(cts.length).toBe(1);
    await exact(cts[0], 12);
    const [o, t, a] = jvp(f, [fa(3)], [fa(0.5)], { hasAux: true }) as [Array, Array, { n: Array; v: Array }];
    await exact(o, 9);
    await exact(t, 3);
    await exact(a.n, 30);
    await exact(a.v, [3, 3]);
  });
});

describeEachBackend('hasAux for Jacobians and edge cases of aux', (b) => {
  const { fa, exact } = helpers(b);
  b.it({}, 'jacfwd / jacrev / hessian with hasAux return [jacobian, aux] and do not differentiate aux', async () => {
    // out = x² elementwise (J = diag(2x)); aux = x + 1 returned as a value.
    const f = (x: Array) => [x.mul(x), x.add(1)];
    for (const jac of [jacfwd, jacrev]) {
      const r = jac(f, { hasAux: true })(fa([1, 2])) as [Array, Array];
      expect(r.length).toBe(2);
      expect(r[0].shape).toEqual([2, 2]);
      await exact(r[0], [2, 0, 0, 4]);
      expect(r[1].shape).toEqual([2]);
      await exact(r[1], [2, 3]);
    }
    // hessian of Σ x³ is diag(6x); aux passes through.
    const [H, aux] = hessian((x: Array) => [x.mul(x).mul(x).sum(), x.mul(10)], { hasAux: true })(fa([1, 2])) as [Array, Array];
    await exact(H, [6, 0, 0, 12]);
    await exact(aux, [10, 20]);
  });

  b.it({}, 'aux that does not depend on the input, and a main output that does not', async () => {
    const [g, aux] = grad((x: Array) => [x.mul(x), fa(7)], { hasAux: true })(fa(3)) as Array[];
    await exact(g, 6);
    await exact(aux, 7);
    const [[v, a], g2] = valueAndGrad((x: Array) => [fa(2), x.mul(5)], { hasAux: true })(fa(3)) as [[Array, Array], Array];
    await exact(v, 2);
    await exact(a, 15);
    await exact(g2, 0);
    // An int aux is fine.
    const [, vjpFn, ai] = vjp((x: Array) => [x.mul(x), x.astype('int32')], [fa(3.5)], { hasAux: true }) as [Array, (c: Array) => Array[], Array];
    await exact(vjpFn(fa(1))[0], 7);
    await exact(ai, 3);
  });

  b.it({}, 'jacrev of an int output throws a TypeError (like JAX)', async () => {
    expect(() => jacrev((x: Array) => x.astype('int32'))(fa([1, 2]))).toThrow(TypeError);
    expect(() => jacfwd((x: Array) => x)(np.array([1, 2], { dtype: 'int32' }))).toThrow(/astype/);
  });
});

describeEachBackend('vjp', (b) => {
  const { fa, exact, f: fs } = helpers(b);
  b.it({}, 'vjpFn returns one cotangent per primal, with the primals\' structure', async () => {
    // f(x, {a, b}) = [x·a, b − x]; ct = [c1, c2] → x̄ = c1 a − c2, ā = c1 x, b̄ = c2.
    const f = (x: Array, p: { a: Array; b: Array }) => [x.mul(p.a), p.b.sub(x)];
    const [out, vjpFn] = vjp(f, [fa([1, 2]), { a: fa([3, 4]), b: fa([5, 6]) }]) as [Array[], (c: unknown) => unknown[]];
    await exact(out[0], [3, 8]);
    const cts = vjpFn([fa([1, 10]), fa([2, 3])]) as [Array, { a: Array; b: Array }];
    expect(cts.length).toBe(2);
    await exact(cts[0], [1 * 3 - 2, 10 * 4 - 3]);
    await exact(cts[1].a, [1, 20]);
    await exact(cts[1].b, [2, 3]);
    // Reuse with another cotangent.
    const cts2 = vjpFn([fa([0, 0]), fa([1, 1])]) as [Array, { a: Array; b: Array }];
    await exact(cts2[0], [-1, -1]);
    await exact(cts2[1].a, [0, 0]);
  });

  b.it({}, 'a single Array primal counts as one argument', async () => {
    const [out, vjpFn] = vjp((x: Array) => x.mul(3), fa([1, 2])) as [Array, (c: Array) => Array[]];
    await exact(out, [3, 6]);
    const cts = vjpFn(fa([1, -1]));
    expect(cts.length).toBe(1);
    await exact(cts[0], [3, -3]);
  });

  b.it({}, 'a cotangent of the wrong structure or shape throws a TypeError', async () => {
    const [, vjpFn] = vjp((x: Array) => [x, x.mul(2)], [fa([1, 2])]) as [unknown, (c: unknown) => unknown];
    expect(() => vjpFn(fa([1, 1]))).toThrow(TypeError);
    expect(() => vjpFn([fa([1, 1])])).toThrow(/structure/);
    expect(() => vjpFn({ a: fa([1, 1]) })).toThrow(/structure/);
    expect(() => vjpFn([fa([1, 1]), fa([1, 1, 1])])).toThrow(TypeError);
    expect(() => vjpFn([fa([1, 1]), fa([1, 1, 1])])).toThrow(new RegExp(`${fs}\\[3\\]`));
    // The right one works: x̄ = c0 + 2 c1.
    await exact((vjpFn([fa([1, 1]), fa([1, 2])]) as Array[])[0], [3, 5]);
  });

  b.it({}, 'an int primal gets a zero cotangent', async () => {
    const [, vjpFn] = vjp((x: Array, n: Array) => x.mul(n.astype(b.dtype)), [fa([1, 2]), np.array([3, 4], { dtype: 'int32' })]) as [unknown, (c: Array) => Array[]];
    const [cx, cn] = vjpFn(fa([1, 1]));
    await exact(cx, [3, 4]);
    await exact(cn, [0, 0]);
  });
});

describeEachBackend('linearize and linearTranspose', (b) => {
  const { fa, exact, closeTo, vals, f: fs } = helpers(b);
  b.it({}, 'jvpFn is reusable with several tangents (positional)', async () => {
    // f(x, y) = [x·y, sin x]: J·(tx, ty) = [tx y + x ty, cos x tx].
    const f = (x: Array, y: Array) => [x.mul(y), np.sin(x)];
    const x = 0.7;
    const y = -2;
    const [out, jvpFn] = linearize(f, [fa(x), fa(y)]);
    await exact((out as Array[])[0], [x * y]);
    await closeTo((out as Array[])[1], Math.sin(x), 13);
    for (const [tx, ty] of [[1, 0], [0, 1], [2, -3], [0.5, 0.25]]) {
      const [t0, t1] = jvpFn(fa(tx), fa(ty)) as Array[];
      await closeTo(t0, tx * y + x * ty, 13);
      await closeTo(t1, Math.cos(x) * tx, 13);
    }
    // @ts-expect-error one tangent per primal: the types catch it too
    expect(() => jvpFn(fa(1))).toThrow(TypeError);
    // Tangents must match the primals' shapes and structure.
    expect(() => jvpFn(fa([1, 2]), fa(0))).toThrow(TypeError);
    const [, jp] = linearize((p: { a: Array; b: Array }) => p.a.mul(p.b), [{ a: fa(2), b: fa(3) }]);
    // @ts-expect-error jp takes one tangent per primal (here one dict)
    expect(() => jp(fa(1), fa(0))).toThrow(/structure/);
    await exact((jp({ a: fa(1), b: fa(0) }) as Array), 3);
    const [, jv] = linearize((x: Array) => x.mul(2), [fa([2, 3])]);
    expect(() => jv(fa([1, 2, 3]))).toThrow(new RegExp(`${fs}\\[3\\]`));
  });

  b.it({}, 'linearize of a vector function equals the analytic Jacobian product', async () => {
    const xs = [0.1, 0.5, -1];
    const [, jvpFn] = linearize((x: Array) => np.exp(x).mul(x), fa(xs));
    const t = [1, 2, 3];
    const got = await vals(jvpFn(fa(t)));
    xs.forEach((x, i) => (b.dtype === 'float64' ? expect(got[i]).toBeCloseTo(Math.exp(x) * (1 + x) * t[i], 13) : b.expectClose(got[i], Math.exp(x) * (1 + x) * t[i])));
  });

  b.it({}, 'linearTranspose of x ↦ A x is ct ↦ Aᵀ ct', async () => {
    const A = [[1, 2, 3], [4, 5, 6]];
    const Aa = fa(A.flat(), [2, 3]);
    const lt = linearTranspose((x: Array) => np.matmul(Aa, x), [fa([0, 0, 0])]);
    const ct = [7, -1];
    const res = lt(fa(ct));
    expect(isArr(res)).toBe(true);
    expect(res.length).toBe(1);
    await exact(res[0], [0, 1, 2].map((j) => A[0][j] * ct[0] + A[1][j] * ct[1]));
    // Matrix input: X ↦ A X with X [3, 2]; transpose is C ↦ Aᵀ C.
    const lt2 = linearTranspose((X: Array) => np.matmul(Aa, X), [np.zeros([3, 2], { dtype: b.dtype })]);
    const C = [[1, 0], [0, 1]];
    const r2 = lt2(fa(C.flat(), [2, 2]))[0] as Array;
    expect(r2.shape).toEqual([3, 2]);
    await exact(r2, [0, 1, 2].flatMap((i) => [0, 1].map((j) => A[0][i] * C[0][j] + A[1][i] * C[1][j])));
  });
});

describeEachBackend('vmap axes', (b) => {
  const { fa, exact, f: fs } = helpers(b);
  b.it({}, 'mapped axes of different sizes throw with both sizes in the message', async () => {
    const f = vmap((a: Array, b: Array) => a.add(b));
    expect(() => f(fa([1, 2, 3]), fa([1, 2, 3, 4]))).toThrow(TypeError);
    expect(() => f(fa([1, 2, 3]), fa([1, 2, 3, 4]))).toThrow(new RegExp(`different sizes.*${fs}\\[3\\].*${fs}\\[4\\]`));
  });

  b.it({}, 'no mapped argument without axisSize throws; axisSize with all-null inAxes broadcasts', async () => {
    expect(() => vmap((a: Array) => a.add(1), null)(fa([1, 2]))).toThrow(/axisSize/);
    const out = vmap((a: Array) => a.add(1), null, 0, { axisSize: 3 })(fa([1, 2])) as Array;
    expect(out.shape).toEqual([3, 2]);
    await exact(out, [2, 3, 2, 3, 2, 3]);
    const outL = vmap((a: Array) => a.mul(2), null, -1, { axisSize: 2 })(fa([1, 2])) as Array;
    expect(outL.shape).toEqual([2, 2]);
    await exact(outL, [2, 2, 4, 4]);
  });

  b.it({}, 'axisSize that disagrees with the mapped size throws', async () => {
    expect(() => vmap((x: Array) => x, 0, 0, { axisSize: 5 })(fa([1, 2]))).toThrow(/axisSize/);
    await exact(vmap((x: Array) => x.mul(2), 0, 0, { axisSize: 2 })(fa([1, 2])), [2, 4]);
  });

  b.it({}, 'out-of-range and ill-structured inAxes throw', async () => {
    expect(() => vmap((x: Array) => x, 1)(fa([1, 2]))).toThrow(RangeError);
    expect(() => vmap((x: Array) => x, -2)(fa([1, 2]))).toThrow(RangeError);
    expect(() => vmap((x: Array, y: Array) => x.add(y), [0])(fa([1, 2]), fa([1, 2]))).toThrow();
    expect(() => vmap((x: Array) => x.sum(), 0, 1)(fa([1, 2]))).toThrow(RangeError);
  });

  b.it({}, 'pytree outputs come back with their structure, each leaf stacked', async () => {
    const f = (x: Array) => ({ sq: x.mul(x), pair: [x.sum(), x.slice(0)] });
    const out = vmap(f)(fa([1, 2, 3, 4], [2, 2])) as { sq: Array; pair: Array[] };
    expect(Object.keys(out).sort()).toEqual(['pair', 'sq']);
    expect(out.sq.shape).toEqual([2, 2]);
    await exact(out.sq, [1, 4, 9, 16]);
    await exact(out.pair[0], [3, 7]);
    await exact(out.pair[1], [1, 3]);
  });
});

describeEachBackend('printed jaxprs of the transforms', (b) => {
  const { fa, f: fs } = helpers(b);
  b.it({}, 'grad(sin): simplified by default, the raw trace on request', async () => {
    const { jaxpr } = makeJaxpr(grad(np.sin))(fa(1));
    typecheck(jaxpr);
    expect(jaxpr.toString()).toBe(`{ lambda a:${fs}[] . let
    b:${fs}[] = cos a
  in ( b ) }`);
    const raw = makeJaxpr(grad(np.sin), { raw: true })(fa(1)).jaxpr;
    typecheck(raw);
    expect(raw.toString()).toBe(`{ lambda a:${fs}[] . let
    b:${fs}[] = sin a
    c:${fs}[] = cos a
    d:${fs}[] = mul 1.0 c
  in ( d ) }`);
  });

  b.it({}, 'jvp(x => x * x)', async () => {
    const { jaxpr } = makeJaxpr((x: Array, t: Array) => jvp((u: Array) => u.mul(u), [x], [t]))(fa(1), fa(1));
    typecheck(jaxpr);
    expect(jaxpr.toString()).toBe(`{ lambda a:${fs}[] b:${fs}[] . let
    c:${fs}[] = mul a a
    d:${fs}[] = mul b a
    e:${fs}[] = add d d
  in ( c e ) }`);
  });

  b.it({}, 'vmap(dot) is one batched dot_general', async () => {
    const { jaxpr } = makeJaxpr(vmap(np.dot))(fa([1, 2, 3, 4, 5, 6], [2, 3]), fa([1, 2, 3, 4, 5, 6], [2, 3]));
    typecheck(jaxpr);
    expect(jaxpr.toString()).toBe(`{ lambda a:${fs}[2,3] b:${fs}[2,3] . let
    c:${fs}[2] = dot_general[contracting=((1), (1)) batch=((0), (0))] a b
  in ( c ) }`);
  });
});
