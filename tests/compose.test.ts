/**
 * Every pair of transforms composed, checked against independent numbers: derivatives worked out by
 * hand, central finite differences in float64, and per-example loops. Every composed function's
 * jaxpr is also typechecked.
 */
import { expect } from 'vitest';
import { type Array, grad, hessian, jacfwd, jacrev, jit, jvp, makeJaxpr, np, typecheck, valueAndGrad, vjp, vmap } from '../lib/index.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { values } from './values.js';

/**
 * The per-backend helpers: `fa` makes a float array of the backend's float type (float64 on the
 * CPU); `await closeA(x, want, tol)` checks each element within `tol` relative to max(1, |want|) (at
 * least the float32 tolerance on a float32 backend); `close` does the same for numbers.
 */
function helpers(b: BackendCase) {
  const v = values(b);
  return {
    ...v,
    fa: (x: number | number[] | number[][], shape?: number[]) => np.array(x as number[], { dtype: b.dtype, ...(shape ? { shape } : {}) }),
    closeA: (got: unknown, want: number[], tol = 1e-9, what = '') => v.close(got, want, tol, what),
    close: (got: number[], want: number[], tol = 1e-9, what = '') => {
      const t = b.dtype === 'float64' ? tol : Math.max(tol, b.tol);
      expect(got.length, `${what} length`).toBe(want.length);
      got.forEach((g, i) => {
        const w = want[i];
        if (!(Math.abs(g - w) <= t * Math.max(1, Math.abs(w)))) expect.fail(`${what}[${i}]: got ${g}, want ${w}`);
      });
    },
  };
}

/** Typechecks the jaxpr of `f` at `args`. */
function checks(f: (...a: any[]) => unknown, ...args: unknown[]) {
  const { jaxpr } = makeJaxpr(f)(...args);
  expect(() => typecheck(jaxpr)).not.toThrow();
  return jaxpr;
}

/** Central difference of a JS scalar function in float64. */
const fd = (f: (x: number) => number, x: number, h = 1e-5) => (f(x + h) - f(x - h)) / (2 * h);

// f(x) = x³ sin x and its derivatives, by hand.
const F = (x: Array) => x.mul(x).mul(x).mul(np.sin(x));
const F1 = (x: number) => 3 * x * x * Math.sin(x) + x ** 3 * Math.cos(x);
const F2 = (x: number) => 6 * x * Math.sin(x) + 6 * x * x * Math.cos(x) - x ** 3 * Math.sin(x);
const XS = [-1.3, -0.2, 0.4, 1.1, 2.5];

describeEachBackend('pairs of transforms', (b) => {
  const { fa, closeA } = helpers(b);
  b.it({}, 'hand derivatives agree with finite differences (sanity of the references)', async () => {
    for (const x of XS) {
      expect(Math.abs(fd((v) => v ** 3 * Math.sin(v), x) - F1(x))).toBeLessThan(1e-7);
      expect(Math.abs(fd(F1, x) - F2(x))).toBeLessThan(1e-7);
    }
  });

  b.it({}, 'grad ∘ vmap: gradient of the sum of a vmapped function', async () => {
    const xs = fa(XS);
    const loss = (w: Array) => vmap((x: Array) => np.sin(x.mul(w)))(xs).sum();
    const w = 0.7;
    await closeA(grad(loss)(fa(w)), [XS.reduce((s, x) => s + x * Math.cos(w * x), 0)]);
    checks(grad(loss), fa(w));
    // Gradient with respect to the mapped input as well.
    const g2 = grad((v: Array) => vmap(F)(v).sum())(xs);
    await closeA(g2, XS.map(F1));
  });

  b.it({}, 'vmap ∘ grad: per-example gradients equal a loop', async () => {
    const g = vmap(grad(F))(fa(XS));
    await closeA(g, XS.map(F1));
    checks(vmap(grad(F)), fa(XS));
    // In-axis 1 on a matrix of examples; per-example gradient of a vector function's sum.
    const M = fa([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3]); // columns are the examples
    const gm = vmap(grad((c: Array) => np.sin(c).mul(c.slice(0)).sum()), 1)(M) as Array;
    expect(gm.shape).toEqual([3, 2]);
    const want: number[] = [];
    for (let j = 0; j < 3; j++) {
      const a = 0.1 + 0.1 * j, b = 0.4 + 0.1 * j; // c = [a, b]; s = a sin a + a sin b
      want.push(Math.sin(a) + a * Math.cos(a) + Math.sin(b), a * Math.cos(b));
    }
    await closeA(gm, want);
  });

  b.it({}, 'jvp ∘ grad: f″(x)·t', async () => {
    for (const x of XS) {
      const [g, t] = jvp(grad(F), [fa(x)], [fa(0.5)]) as Array[];
      await closeA(g, [F1(x)]);
      await closeA(t, [0.5 * F2(x)]);
    }
    checks((x: Array) => jvp(grad(F), [x], [fa(1)]), fa(0.3));
  });

  b.it({}, 'grad ∘ jvp: d/dx of the directional derivative', async () => {
    const dd = (x: Array) => (jvp(F, [x], [fa(1)]) as Array[])[1];
    for (const x of XS) await closeA(grad(dd)(fa(x)), [F2(x)]);
    checks(grad(dd), fa(0.3));
  });

  b.it({}, 'vmap ∘ jvp == jvp ∘ vmap == the per-example loop', async () => {
    const xs = fa(XS);
    const ts = fa([1, -2, 0.5, 3, 0]);
    const a = vmap((x: Array, t: Array) => jvp(F, [x], [t]))(xs, ts) as Array[];
    const b = jvp(vmap(F), [xs], [ts]) as Array[];
    const wantOut = XS.map((x) => x ** 3 * Math.sin(x));
    const wantT = XS.map((x, i) => F1(x) * [1, -2, 0.5, 3, 0][i]);
    await closeA(a[0], wantOut);
    await closeA(a[1], wantT);
    await closeA(b[0], wantOut);
    await closeA(b[1], wantT);
    checks((x: Array, t: Array) => vmap((u: Array, v: Array) => jvp(F, [u], [v]))(x, t), xs, ts);
    checks((x: Array, t: Array) => jvp(vmap(F), [x], [t]), xs, ts);
  });

  b.it({}, 'vmap ∘ vmap: an outer product with a nonlinear term, against a double loop', async () => {
    const xs = [0.5, -1, 2];
    const ys = [1, 2, 3, 4];
    const f = (x: Array, y: Array) => x.mul(y).add(np.sin(x).mul(y.mul(y)));
    const out = vmap(vmap(f, [null, 0]), [0, null])(fa(xs), fa(ys)) as Array;
    expect(out.shape).toEqual([3, 4]);
    await closeA(out, xs.flatMap((x) => ys.map((y) => x * y + Math.sin(x) * y * y)));
    // Inner mapped over the outer's axis 1, output transposed by outAxes.
    const outT = vmap(vmap(f, [null, 0]), [0, null], 1)(fa(xs), fa(ys)) as Array;
    expect(outT.shape).toEqual([4, 3]);
    await closeA(outT, ys.flatMap((y) => xs.map((x) => x * y + Math.sin(x) * y * y)));
    checks(vmap(vmap(f, [null, 0]), [0, null]), fa(xs), fa(ys));
  });

  b.it({}, 'grad ∘ jit and jit ∘ grad', async () => {
    const jf = jit(F);
    const a = grad(jf);
    const b = jit(grad(F));
    for (const x of XS) {
      await closeA(a(fa(x)), [F1(x)]);
      await closeA(b(fa(x)), [F1(x)]);
    }
    // A second call with another value reuses the compiled function and still gives the right number.
    await closeA(b(fa(0.9)), [F1(0.9)]);
    await closeA(grad(grad(jf))(fa(0.9)), [F2(0.9)]);
    checks(a, fa(0.3));
    checks(b, fa(0.3));
  });

  b.it({}, 'vmap ∘ jit and jit ∘ vmap', async () => {
    await closeA(vmap(jit(F))(fa(XS)), XS.map((x) => x ** 3 * Math.sin(x)));
    await closeA(jit(vmap(grad(F)))(fa(XS)), XS.map(F1));
    checks(vmap(jit(F)), fa(XS));
  });

  b.it({}, 'jvp of vjp (forward-over-reverse)', async () => {
    // f(x) = x sin x elementwise; vjp(ct) = ct f′(x); its jvp along t is ct f″(x) t.
    const f = (x: Array) => x.mul(np.sin(x));
    const d1 = (x: number) => Math.sin(x) + x * Math.cos(x);
    const d2 = (x: number) => 2 * Math.cos(x) - x * Math.sin(x);
    const xs = [0.3, -1.2, 2];
    const ct = fa([1, 2, -1]);
    const t = fa([0.5, 1, 3]);
    const pull = (x: Array) => (vjp(f, [x])[1] as (c: unknown) => Array[])(ct)[0];
    const [p, tp] = jvp(pull, [fa(xs)], [t]) as Array[];
    await closeA(p, xs.map((x, i) => [1, 2, -1][i] * d1(x)));
    await closeA(tp, xs.map((x, i) => [1, 2, -1][i] * d2(x) * [0.5, 1, 3][i]));
    checks((x: Array) => jvp(pull, [x], [t]), fa(xs));
  });
});

describeEachBackend('higher order', (b) => {
  const { fa, closeA, close, vals } = helpers(b);
  b.it({}, 'grad⁴ of tanh = (1 − t²)·t·(16 − 24t²)', async () => {
    const g4 = grad(grad(grad(grad(np.tanh))));
    for (const x of [-1.5, -0.3, 0, 0.2, 0.8, 2]) {
      const t = Math.tanh(x);
      await closeA(g4(fa(x)), [(1 - t * t) * t * (16 - 24 * t * t)], 1e-9, `x=${x}`);
    }
    checks(g4, fa(0.5));
  });

  b.it({}, '4th derivative of sin·exp = −4 eˣ sin x (by grad and by jvp)', async () => {
    const h = (x: Array) => np.sin(x).mul(np.exp(x));
    const g4 = grad(grad(grad(grad(h))));
    const d1 = (f: (x: Array) => Array) => (x: Array) => (jvp(f, [x], [fa(1)]) as Array[])[1];
    const j4 = d1(d1(d1(d1(h))));
    for (const x of [-1, 0.3, 1.7]) {
      const want = -4 * Math.exp(x) * Math.sin(x);
      await closeA(g4(fa(x)), [want], 1e-9, `grad x=${x}`);
      await closeA(j4(fa(x)), [want], 1e-9, `jvp x=${x}`);
    }
    // Mixed: reverse over forward over reverse over forward.
    await closeA(grad(d1(grad(d1(h))))(fa(0.3)), [-4 * Math.exp(0.3) * Math.sin(0.3)]);
    checks(g4, fa(0.5));
    checks(j4, fa(0.5));
  });

  // Rosenbrock in n dimensions and its Hessian by hand.
  const rosen = (x: Array) => {
    const n = x.shape[0];
    const a = x.slice([0, n - 1]);
    const b = x.slice([1, n]);
    return b.sub(a.mul(a)).square().mul(100).add(np.square(a.mul(-1).add(1))).sum();
  };
  const rosenH = (x: number[]): number[][] => {
    const n = x.length;
    const H = x.map(() => x.map(() => 0));
    for (let i = 0; i < n; i++) {
      if (i < n - 1) H[i][i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2;
      if (i > 0) H[i][i] += 200;
      if (i < n - 1) H[i][i + 1] = H[i + 1][i] = -400 * x[i];
    }
    return H;
  };
  const POINTS = [[1, 1, 1], [-1.2, 1, 0.5], [0.3, -0.7, 2.1, 0.9], [0, 0]];

  b.it({}, 'Rosenbrock Hessian at several points (analytic), hessian == jacfwd(jacrev) == jacrev(jacfwd)', async () => {
    for (const p of POINTS) {
      const want = rosenH(p).flat();
      const H = hessian(rosen)(fa(p)) as Array;
      expect(H.shape).toEqual([p.length, p.length]);
      await closeA(H, want, 1e-9, `hessian at ${p}`);
      await closeA(jacfwd(jacrev(rosen))(fa(p)), want, 1e-9, `jacfwd∘jacrev at ${p}`);
      await closeA(jacrev(jacfwd(rosen))(fa(p)), want, 1e-9, `jacrev∘jacfwd at ${p}`);
      await closeA(jacrev(jacrev(rosen))(fa(p)), want, 1e-9, `jacrev∘jacrev at ${p}`);
    }
    checks(hessian(rosen), fa([0.3, -0.7, 2.1]));
  });

  b.it({}, 'Hessian-vector products: jvp(grad f) == hessian(f)·v == analytic H·v', async () => {
    for (const p of POINTS) {
      const v = p.map((_, i) => (i % 2 ? -1 : 1) * (0.5 + i));
      const H = rosenH(p);
      const want = H.map((row) => row.reduce((s, h, j) => s + h * v[j], 0));
      const [, hvp] = jvp(grad(rosen), [fa(p)], [fa(v)]) as Array[];
      await closeA(hvp, want, 1e-9, `jvp∘grad at ${p}`);
      const Hl = hessian(rosen)(fa(p)) as Array;
      await closeA(np.matmul(Hl, fa(v)), want, 1e-9, `hessian·v at ${p}`);
      // Reverse-over-reverse HVP: grad of <grad f, v>.
      await closeA(grad((x: Array) => (grad(rosen)(x) as Array).mul(fa(v)).sum())(fa(p)), want, 1e-9, `grad∘grad at ${p}`);
    }
    checks((x: Array, v: Array) => jvp(grad(rosen), [x], [v]), fa([1, 2, 3]), fa([1, 0, 0]));
  });

  b.it({}, 'Hessian of a matrix-input function has shape [...x.shape, ...x.shape]', async () => {
    // f(X) = sum(X²·X₀₀) ... use f(X) = (Σ X_ij²)² : H = 8 X⊗X + 4 S I with S = Σ X².
    const X = [0.5, -1, 2, 0.25];
    const S = X.reduce((s, v) => s + v * v, 0);
    const H = hessian((x: Array) => np.square(x.mul(x).sum()))(fa(X, [2, 2])) as Array;
    expect(H.shape).toEqual([2, 2, 2, 2]);
    await closeA(H, X.flatMap((a, i) => X.map((b, j) => 8 * a * b + (i === j ? 4 * S : 0))));
    checks(hessian((x: Array) => np.square(x.mul(x).sum())), fa(X, [2, 2]));
  });

  b.it({}, 'jacfwd == jacrev == analytic on a vector function R³ → R⁴', async () => {
    const f = (x: Array) => np.stack([x.slice(0).mul(x.slice(1)), np.sin(x.slice(2)), x.slice(0).square().add(x.slice(2)), np.exp(x.slice(1)).mul(x.slice(2))]);
    const [a, b, c] = [0.4, -0.9, 1.3];
    const want = [
      [b, a, 0],
      [0, 0, Math.cos(c)],
      [2 * a, 0, 1],
      [0, Math.exp(b) * c, Math.exp(b)],
    ].flat();
    const Jf = jacfwd(f)(fa([a, b, c])) as Array;
    const Jr = jacrev(f)(fa([a, b, c])) as Array;
    expect(Jf.shape).toEqual([4, 3]);
    expect(Jr.shape).toEqual([4, 3]);
    await closeA(Jf, want);
    await closeA(Jr, want);
    // Finite-difference check of one column as an independent third opinion.
    const fx = (x: number[]) => [x[0] * x[1], Math.sin(x[2]), x[0] ** 2 + x[2], Math.exp(x[1]) * x[2]];
    const h = 1e-6;
    const col1 = fx([a, b + h, c]).map((v, i) => (v - fx([a, b - h, c])[i]) / (2 * h));
    const jr = await vals(Jr);
    close([1, 4, 7, 10].map((k) => jr[k]), col1, 1e-6);
    checks(jacfwd(f), fa([a, b, c]));
    checks(jacrev(f), fa([a, b, c]));
  });

  b.it({}, 'jacfwd / jacrev over pytrees: dict in, tuple out', async () => {
    // out = [x·y (scalar), x * s (vector)] with inputs {x: [2], s: scalar}; y fixed.
    const y = fa([2, -1]);
    const f = (p: { x: Array; s: Array }) => [p.x.mul(y).sum(), p.x.mul(p.s)];
    const p = { x: fa([0.5, 3]), s: fa(1.5) };
    for (const J of [jacfwd(f)(p), jacrev(f)(p)] as { x: Array; s: Array }[][]) {
      expect(J[0].x.shape).toEqual([2]);
      expect(J[0].s.shape).toEqual([]);
      expect(J[1].x.shape).toEqual([2, 2]);
      expect(J[1].s.shape).toEqual([2]);
      await closeA(J[0].x, [2, -1]);
      await closeA(J[0].s, [0]);
      await closeA(J[1].x, [1.5, 0, 0, 1.5]);
      await closeA(J[1].s, [0.5, 3]);
    }
    checks(jacfwd(f), p);
    checks(jacrev(f), p);
  });
});

describeEachBackend('vmap over pytrees and outAxes', (b) => {
  const { fa, closeA } = helpers(b);
  b.it({}, 'dict and array pytrees with per-leaf inAxes', async () => {
    const f = (p: { a: Array; b: Array }, c: Array[]) => ({ s: p.a.add(p.b.sum()), m: [c[0].mul(p.a), c[1]] });
    const a = fa([1, 2, 3]);
    const b = fa([1, 2, 3, 4, 5, 6], [2, 3]); // mapped along axis 1 (3 examples of length 2)
    const c0 = fa(10);
    const c1 = fa([7, 8, 9]);
    const out = vmap(f, [{ a: 0, b: 1 }, [null, 0]])({ a, b }, [c0, c1]) as { s: Array; m: Array[] };
    await closeA(out.s, [1 + 1 + 4, 2 + 2 + 5, 3 + 3 + 6]);
    await closeA(out.m[0], [10, 20, 30]);
    await closeA(out.m[1], [7, 8, 9]);
    checks(vmap(f, [{ a: 0, b: 1 }, [null, 0]]), { a, b }, [c0, c1]);
  });

  b.it({}, 'negative in/out axes and per-leaf outAxes', async () => {
    const X = fa([1, 2, 3, 4, 5, 6], [2, 3]);
    // Map over the last axis (3 examples of length 2); outputs stacked on the last axis.
    const out = vmap((x: Array) => x.mul(2), -1, -1)(X) as Array;
    expect(out.shape).toEqual([2, 3]);
    await closeA(out, [2, 4, 6, 8, 10, 12]);
    const out0 = vmap((x: Array) => x.mul(2), -1, 0)(X) as Array;
    expect(out0.shape).toEqual([3, 2]);
    await closeA(out0, [2, 8, 4, 10, 6, 12]);
    // Per-leaf outAxes over a dict output.
    const o = vmap((x: Array) => ({ u: np.outer(x, x), v: x.sum() }), 0, { u: -1, v: 0 })(X) as { u: Array; v: Array };
    expect(o.u.shape).toEqual([3, 3, 2]);
    expect(o.v.shape).toEqual([2]);
    await closeA(o.v, [6, 15]);
    // u[i, j, n] = X[n, i] X[n, j]
    const want: number[] = [];
    const Xr = [[1, 2, 3], [4, 5, 6]];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let n = 0; n < 2; n++) want.push(Xr[n][i] * Xr[n][j]);
    await closeA(o.u, want);
    checks(vmap((x: Array) => ({ u: np.outer(x, x), v: x.sum() }), 0, { u: -1, v: 0 }), X);
    checks(vmap((x: Array) => x.mul(2), -1, -1), X);
  });

  b.it({}, 'null out axes for unbatched outputs; a batched output with null outAxes throws', async () => {
    const w = fa([1, 2]);
    const f = (x: Array) => [x.mul(w.sum()), w.mul(3)];
    const [a, b] = vmap(f, 0, [0, null])(fa([1, 2, 3])) as Array[];
    await closeA(a, [3, 6, 9]);
    expect(b.shape).toEqual([2]);
    await closeA(b, [3, 6]);
    expect(() => vmap(f, 0, [null, null])(fa([1, 2, 3]))).toThrow();
    // An unbatched output with a numeric out axis is broadcast along it.
    const [, bb] = vmap(f, 0, [0, 1])(fa([1, 2, 3])) as Array[];
    expect(bb.shape).toEqual([2, 3]);
    await closeA(bb, [3, 3, 3, 6, 6, 6]);
    checks(vmap(f, 0, [0, null]), fa([1, 2, 3]));
    checks(vmap(f, 0, [0, 1]), fa([1, 2, 3]));
  });
});

describeEachBackend('closures and perturbation confusion', (b) => {
  const { fa, closeA, exact } = helpers(b);
  b.it({}, 'grad(x => x · grad(y => x + y)(1))(2) is 1 (the inner derivative is 1, not dependent on x)', async () => {
    // d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1. A confused implementation gives 2.
    await exact(grad((x: Array) => x.mul(grad((y: Array) => x.add(y))(fa(1))))(fa(2)), 1);
    // d/dx [x · d/dy (x y)] = d/dx [x · x] = 2x = 4.
    await exact(grad((x: Array) => x.mul(grad((y: Array) => x.mul(y))(fa(1))))(fa(2)), 4);
    // Forward mode version of the same (Siskind & Pearlmutter).
    const D = (f: (x: Array) => Array) => (x: Array) => (jvp(f, [x], [fa(1)]) as Array[])[1];
    await exact(D((x: Array) => x.mul(D((y: Array) => x.add(y))(fa(1))))(fa(2)), 1);
    checks(grad((x: Array) => x.mul(grad((y: Array) => x.add(y))(fa(1)))), fa(2));
  });

  b.it({}, 'vmap of a function closing over an outer vmap tracer, and grad inside vmap closing over x', async () => {
    const xs = [1, 2, 3];
    const ys = [10, 20];
    const out = vmap((x: Array) => vmap((y: Array) => x.mul(y).add(x))(fa(ys)))(fa(xs)) as Array;
    expect(out.shape).toEqual([3, 2]);
    await closeA(out, xs.flatMap((x) => ys.map((y) => x * y + x)));
    // d/dy (x y²) at y = 1 is 2x, with x the per-example value.
    await closeA(vmap((x: Array) => grad((y: Array) => x.mul(y).mul(y))(fa(1)))(fa(xs)), [2, 4, 6]);
    // grad w.r.t. a closed-over parameter used inside a vmap: Σ_i cos(w x_i) x_i.
    const w = 0.3;
    const g = grad((wv: Array) => vmap((x: Array) => np.sin(wv.mul(x)))(fa(xs)).sum())(fa(w));
    await closeA(g, [xs.reduce((s, x) => s + Math.cos(w * x) * x, 0)]);
    // value and gradient of a per-example closure inside grad.
    const [v, gg] = valueAndGrad((wv: Array) => vmap((x: Array) => vmap((y: Array) => wv.mul(x).mul(y))(fa(ys)))(fa(xs)).sum())(fa(w));
    await closeA(v, [w * 6 * 30]);
    await closeA(gg, [180]);
    checks(vmap((x: Array) => grad((y: Array) => x.mul(y).mul(y))(fa(1))), fa(xs));
    checks(grad((wv: Array) => vmap((x: Array) => np.sin(wv.mul(x)))(fa(xs)).sum()), fa(w));
    checks((x: Array) => vmap((u: Array) => vmap((y: Array) => u.mul(y))(fa(ys)))(x), fa(xs));
  });
});
