import { describe, expect, it } from 'vitest';
import { np, lax, grad, jvp, vmap, jacfwd, jacrev, makeJaxpr, typecheck } from '../lib/index.js';

const close = (a: unknown, b: number, rtol: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(b)));
const fd = (f: (x: number) => number, x: number, h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);
const num = (a: np.Array) => a.item() as number;

/** Newton's method as a customRoot solve: a while loop that is never differentiated. */
const newton = (f: (x: np.Array) => np.Array, x0: np.Array) =>
  lax.whileLoop((x: np.Array) => np.abs(f(x)).greater(1e-14), (x: np.Array) => x.sub(f(x).div(grad(f)(x))), x0);

describe('lax.customRoot', () => {
  const cbrt = (a: np.Array) => lax.customRoot((x: np.Array) => x.mul(x).mul(x).sub(a), np.array(1.0), newton, (g: (v: np.Array) => np.Array, y: np.Array) => y.div(g(np.array(1.0))));

  it('differentiates the root of x³ - a by the implicit function theorem', () => {
    close(num(cbrt(np.array(8))), 2, 1e-14);
    close(num(grad(cbrt)(np.array(8))), 1 / 12, 1e-13);
    close(num(jvp(cbrt, [np.array(8)], [np.array(2)])[1]), 2 / 12, 1e-13);
    close(num(grad(grad(cbrt))(np.array(8))), (-2 / 9) * 8 ** (-5 / 3), 1e-12);
    expect(vmap(grad(cbrt))(np.array([1, 27])).js()).toEqual([num(grad(cbrt)(np.array(1))), num(grad(cbrt)(np.array(27)))]);
    // A batched initial guess too.
    const withGuess = (a: np.Array, g: np.Array) => lax.customRoot((x: np.Array) => x.mul(x).mul(x).sub(a), g, newton, (gg: (v: np.Array) => np.Array, y: np.Array) => y.div(gg(np.array(1.0))));
    expect(vmap(withGuess)(np.array([8, 27]), np.array([1.5, 2.5])).js()).toEqual([withGuess(np.array(8), np.array(1.5)).item(), withGuess(np.array(27), np.array(2.5)).item()]);
    expect(vmap(grad(withGuess), [0, 0])(np.array([8, 27]), np.array([1.5, 2.5])).js()).toEqual([num(grad(cbrt)(np.array(8))), num(grad(cbrt)(np.array(27)))]);
    typecheck(makeJaxpr(grad(cbrt))(np.array(8)).jaxpr);
  });

  it('solves a 2-D nonlinear system and matches finite differences of re-solved problems', () => {
    // x² + y² = r², x = y·p  ->  differentiate w.r.t. (r, p)
    const sol = (r: np.Array, p: np.Array) => lax.customRoot(
      (v: np.Array) => np.stack([v.slice(0).square().add(v.slice(1).square()).sub(r.square()), v.slice(0).sub(v.slice(1).mul(p))]),
      np.array([1, 1]),
      (f: (v: np.Array) => np.Array, v0: np.Array) => lax.foriLoop(0, 30, (_i: np.Array, v: np.Array) => v.sub(np.linalg.solve(jacfwd(f)(v), f(v))), v0),
      lax.denseSolve,
    );
    const L = (r: np.Array, p: np.Array) => sol(r, p).mul(np.array([1, 2])).sum();
    const [gr, gp] = grad(L, { argnums: [0, 1] })(np.array(2), np.array(0.5)) as np.Array[];
    close(num(gr), fd((r) => num(L(np.array(r), np.array(0.5))), 2), 1e-8);
    close(num(gp), fd((p) => num(L(np.array(2), np.array(p))), 0.5), 1e-8);
  });
});

describe('lax.fixedPoint', () => {
  it('x = cos(a·x): implicit gradient = FD of re-solved = unrolled iteration to convergence', () => {
    const fp = (a: np.Array) => lax.fixedPoint((x: np.Array) => np.cos(a.mul(x)), np.array(0.5));
    const unrolled = (a: np.Array) => lax.foriLoop(0, 200, (_i: np.Array, x: np.Array) => np.cos(a.mul(x)), np.array(0.5));
    const x = num(fp(np.array(0.7)));
    close(Math.cos(0.7 * x), x, 1e-12);
    const g = num(grad(fp)(np.array(0.7)));
    close(g, fd((a) => num(fp(np.array(a))), 0.7), 1e-8);
    close(g, num(grad(unrolled)(np.array(0.7))), 1e-12);
  });

  it('equilibrium y = tanh(W·y + θ): Jacobians agree forward, reverse, unrolled and by FD', () => {
    const W = np.array([[0.1, -0.3, 0.2], [0.4, 0.1, -0.2], [-0.1, 0.2, 0.3]]);
    const eq = (t: np.Array) => lax.fixedPoint((y: np.Array) => np.tanh(np.matmul(W, y).add(t)), np.zeros([3]));
    const unrolled = (t: np.Array) => lax.foriLoop(0, 100, (_i: np.Array, y: np.Array) => np.tanh(np.matmul(W, y).add(t)), np.zeros([3]));
    const th = np.array([0.2, -0.1, 0.5]);
    const jf = jacfwd(eq)(th).js() as number[][];
    const jr = jacrev(eq)(th).js() as number[][];
    const ju = jacrev(unrolled)(th).js() as number[][];
    jf.forEach((row, i) => row.forEach((v, j) => {
      close(v, jr[i][j], 1e-13);
      close(v, ju[i][j], 1e-11);
      close(v, fd((s) => (eq(th.at(j).set(s)).js() as number[])[i], [0.2, -0.1, 0.5][j]), 1e-7);
    }));
  });
});

describe('lax.customLinearSolve', () => {
  const A = np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
  const b = np.array([1, 2, 3]);
  const viaCG = (M: np.Array, v: np.Array) => lax.cgSolve((x: np.Array) => np.matmul(M, x), v).sum();
  const dense = (M: np.Array, v: np.Array) => np.linalg.solve(M, v).sum();

  it('solves with CG and differentiates w.r.t. the operator and the rhs like a dense solve', () => {
    const [gA, gb] = grad(viaCG, { argnums: [0, 1] })(A, b) as np.Array[];
    const [rA, rb] = grad(dense, { argnums: [0, 1] })(A, b) as np.Array[];
    (gb.js() as number[]).forEach((v, i) => close(v, (rb.js() as number[])[i], 1e-10));
    (gA.js() as number[][]).forEach((row, i) => row.forEach((v, j) => close(v, (rA.js() as number[][])[i][j], 1e-10)));
    close(num(jvp((v: np.Array) => viaCG(A, v), [b], [np.array([1, 0, 0])])[1]), (rb.js() as number[])[0], 1e-10);
    typecheck(makeJaxpr(grad(viaCG, { argnums: [0, 1] }))(A, b).jaxpr);
  });

  it('uses transposeSolve for a non-symmetric operator, and asks for it when missing', () => {
    const N = np.array([[3, 1], [0, 2]]);
    const solve = (mv: (x: np.Array) => np.Array, v: np.Array) => lax.denseSolve(mv, v);
    const f = (v: np.Array) => lax.customLinearSolve((x: np.Array) => np.matmul(N, x), v, solve, solve).mul(np.array([1, 5])).sum();
    const ref = grad((v: np.Array) => np.linalg.solve(N, v).mul(np.array([1, 5])).sum())(np.array([1, 1])).js() as number[];
    (grad(f)(np.array([1, 1])).js() as number[]).forEach((v, i) => close(v, ref[i], 1e-12));
    const noT = (v: np.Array) => lax.customLinearSolve((x: np.Array) => np.matmul(N, x), v, solve).sum();
    expect(() => grad(noT)(np.array([1, 1]))).toThrow(/transposeSolve/);
  });
});
