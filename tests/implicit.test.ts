import { expect } from 'vitest';
import { getDefaultFloat, np, lax, grad, jvp, vmap, jacfwd, jacrev, makeJaxpr, typecheck } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { onCpu, values } from './values.js';

/** Central difference of an (asynchronously evaluated) scalar function; run it on the CPU in float64. */
const fd = async (f: (x: number) => Promise<number>, x: number, h = 1e-6) => ((await f(x + h)) - (await f(x - h))) / (2 * h);

/** Newton's stopping threshold for the float type being traced: float32 cannot reach 1e-14. */
const eps = () => (getDefaultFloat() === 'float64' ? 1e-14 : 1e-4);

/** Newton's method as a customRoot solve: a while loop that is never differentiated. */
const newton = (f: (x: np.Array) => np.Array, x0: np.Array) =>
  lax.whileLoop((x: np.Array) => np.abs(f(x)).greater(eps()), (x: np.Array) => x.sub(f(x).div(grad(f)(x))), x0);

// The solves are while loops that read a device value, so they run through b.call; finite
// differences of re-solved problems are taken on the CPU in float64.
describeEachBackend('lax.customRoot', (b) => {
  const { exact, num } = values(b);
  const close = (a: number, want: number, rtol: number) => expect(Math.abs(a - want)).toBeLessThanOrEqual((b.dtype === 'float64' ? rtol : Math.max(rtol, b.tol)) * Math.max(1, Math.abs(want)));
  const cbrt = (a: np.Array) => lax.customRoot((x: np.Array) => x.mul(x).mul(x).sub(a), np.array(1.0), newton, (g: (v: np.Array) => np.Array, y: np.Array) => y.div(g(np.array(1.0))));
  const at = async (f: (...a: np.Array[]) => unknown, ...args: np.Array[]) => num(await b.call(f, ...args));

  b.it({}, 'differentiates the root of x³ - a by the implicit function theorem', async () => {
    close(await at(cbrt, np.array(8)), 2, 1e-14);
    close(await at(grad(cbrt), np.array(8)), 1 / 12, 1e-13);
    close(await at((a: np.Array, t: np.Array) => jvp(cbrt, [a], [t])[1], np.array(8), np.array(2)), 2 / 12, 1e-13);
    close(await at(grad(grad(cbrt)), np.array(8)), (-2 / 9) * 8 ** (-5 / 3), 1e-12);
    await exact(await b.call(vmap(grad(cbrt)), np.array([1, 27])), [await at(grad(cbrt), np.array(1)), await at(grad(cbrt), np.array(27))]);
    // A batched initial guess too.
    const withGuess = (a: np.Array, g: np.Array) => lax.customRoot((x: np.Array) => x.mul(x).mul(x).sub(a), g, newton, (gg: (v: np.Array) => np.Array, y: np.Array) => y.div(gg(np.array(1.0))));
    await exact(await b.call(vmap(withGuess), np.array([8, 27]), np.array([1.5, 2.5])), [await at(withGuess, np.array(8), np.array(1.5)), await at(withGuess, np.array(27), np.array(2.5))]);
    await exact(await b.call(vmap(grad(withGuess), [0, 0]), np.array([8, 27]), np.array([1.5, 2.5])), [await at(grad(cbrt), np.array(8)), await at(grad(cbrt), np.array(27))]);
    typecheck(makeJaxpr(grad(cbrt))(np.array(8)).jaxpr);
  });

  b.it({}, 'solves a 2-D nonlinear system and matches finite differences of re-solved problems', async () => {
    // x² + y² = r², x = y·p  ->  differentiate w.r.t. (r, p)
    const sol = (r: np.Array, p: np.Array) => lax.customRoot(
      (v: np.Array) => np.stack([v.slice(0).square().add(v.slice(1).square()).sub(r.square()), v.slice(0).sub(v.slice(1).mul(p))]),
      np.array([1, 1]),
      (f: (v: np.Array) => np.Array, v0: np.Array) => lax.foriLoop(0, 30, (_i: np.Array, v: np.Array) => v.sub(np.linalg.solve(jacfwd(f)(v), f(v))), v0),
      lax.denseSolve,
    );
    const L = (r: np.Array, p: np.Array) => sol(r, p).mul(np.array([1, 2])).sum();
    const [gr, gp] = await b.call(grad(L, { argnums: [0, 1] }), np.array(2), np.array(0.5)) as np.Array[];
    const [fr, fp] = await onCpu(async () => [
      await fd(async (r) => num(L(np.array(r), np.array(0.5))), 2),
      await fd(async (p) => num(L(np.array(2), np.array(p))), 0.5),
    ]);
    close(await num(gr), fr, 1e-8);
    close(await num(gp), fp, 1e-8);
  });
});

describeEachBackend('lax.fixedPoint', (b) => {
  const { num, vals } = values(b);
  const close = (a: number, want: number, rtol: number) => expect(Math.abs(a - want)).toBeLessThanOrEqual((b.dtype === 'float64' ? rtol : Math.max(rtol, b.tol)) * Math.max(1, Math.abs(want)));

  b.it({}, 'x = cos(a·x): implicit gradient = FD of re-solved = unrolled iteration to convergence', async () => {
    const fp = (a: np.Array) => lax.fixedPoint((x: np.Array) => np.cos(a.mul(x)), np.array(0.5));
    const unrolled = (a: np.Array) => lax.foriLoop(0, 200, (_i: np.Array, x: np.Array) => np.cos(a.mul(x)), np.array(0.5));
    const x = await num(await b.call(fp, np.array(0.7)));
    close(Math.cos(0.7 * x), x, 1e-12);
    const g = await num(await b.call(grad(fp), np.array(0.7)));
    close(g, await onCpu(() => fd(async (a) => num(fp(np.array(a))), 0.7)), 1e-8);
    close(g, await num(grad(unrolled)(np.array(0.7))), 1e-12);
  });

  b.it({}, 'equilibrium y = tanh(W·y + θ): Jacobians agree forward, reverse, unrolled and by FD', async () => {
    const Wv = [[0.1, -0.3, 0.2], [0.4, 0.1, -0.2], [-0.1, 0.2, 0.3]];
    const eqOf = (W: np.Array) => (t: np.Array) => lax.fixedPoint((y: np.Array) => np.tanh(np.matmul(W, y).add(t)), np.zeros([3]));
    const eq = eqOf(np.array(Wv));
    const W = np.array(Wv);
    const unrolled = (t: np.Array) => lax.foriLoop(0, 100, (_i: np.Array, y: np.Array) => np.tanh(np.matmul(W, y).add(t)), np.zeros([3]));
    const th0 = [0.2, -0.1, 0.5];
    const th = np.array(th0);
    const jf = await vals(await b.call(jacfwd(eq), th));
    const jr = await vals(await b.call(jacrev(eq), th));
    const ju = await vals(jacrev(unrolled)(th));
    // Column j of the Jacobian by central differences of re-solved problems, on the CPU in float64.
    const fdJ = await onCpu(async () => {
      const eq64 = eqOf(np.array(Wv));
      const th64 = np.array(th0);
      const cols: number[][] = [];
      for (let j = 0; j < 3; j++) {
        const col: number[] = [];
        for (let i = 0; i < 3; i++) col.push(await fd(async (s) => (await vals(eq64(th64.at(j).set(s))))[i], th0[j]));
        cols.push(col);
      }
      return cols;
    });
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = jf[3 * i + j];
        close(v, jr[3 * i + j], 1e-13);
        close(v, ju[3 * i + j], 1e-11);
        close(v, fdJ[j][i], 1e-7);
      }
    }
  });
});

describeEachBackend('lax.customLinearSolve', (b) => {
  const { num, vals } = values(b);
  const close = (a: number, want: number, rtol: number) => expect(Math.abs(a - want)).toBeLessThanOrEqual((b.dtype === 'float64' ? rtol : Math.max(rtol, b.tol)) * Math.max(1, Math.abs(want)));
  const viaCG = (M: np.Array, v: np.Array) => lax.cgSolve((x: np.Array) => np.matmul(M, x), v).sum();
  const dense = (M: np.Array, v: np.Array) => np.linalg.solve(M, v).sum();

  b.it({}, 'solves with CG and differentiates w.r.t. the operator and the rhs like a dense solve', async () => {
    const A = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
    const rhs = np.array([1, 2, 3]);
    const [gA, gb] = await b.call(grad(viaCG, { argnums: [0, 1] }), A, rhs) as np.Array[];
    const [rA, rb] = grad(dense, { argnums: [0, 1] })(A, rhs) as np.Array[];
    const [gbv, rbv, gAv, rAv] = [await vals(gb), await vals(rb), await vals(gA), await vals(rA)];
    expect(gA.shape).toEqual([3, 3]);
    gbv.forEach((v, i) => close(v, rbv[i], 1e-10));
    gAv.forEach((v, i) => close(v, rAv[i], 1e-10));
    close(await num(await b.call((v: np.Array, t: np.Array) => jvp((u: np.Array) => viaCG(A, u), [v], [t])[1], rhs, np.array([1, 0, 0]))), rbv[0], 1e-10);
    typecheck(makeJaxpr(grad(viaCG, { argnums: [0, 1] }))(A, rhs).jaxpr);
  });

  b.it({}, 'uses transposeSolve for a non-symmetric operator, and asks for it when missing', async () => {
    const N = np.array([[3, 1], [0, 2]]);
    const solve = (mv: (x: np.Array) => np.Array, v: np.Array) => lax.denseSolve(mv, v);
    const f = (v: np.Array) => lax.customLinearSolve((x: np.Array) => np.matmul(N, x), v, solve, solve).mul(np.array([1, 5])).sum();
    const ref = await vals(grad((v: np.Array) => np.linalg.solve(N, v).mul(np.array([1, 5])).sum())(np.array([1, 1])));
    (await vals(grad(f)(np.array([1, 1])))).forEach((v, i) => close(v, ref[i], 1e-12));
    const noT = (v: np.Array) => lax.customLinearSolve((x: np.Array) => np.matmul(N, x), v, solve).sum();
    expect(() => grad(noT)(np.array([1, 1]))).toThrow(/transposeSolve/);
  });
});
