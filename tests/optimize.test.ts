import { describe, expect, it } from 'vitest';
import { np, optimize, grad, jacrev, jacfwd, jit, vmap } from '../lib/index.js';

const num = (a: np.Array) => a.item() as number;
const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
const closeAll = (a: unknown, b: unknown, tol: number) => {
  const fa = (a as number[]).flat(3) as number[];
  const fb = (b as number[]).flat(3) as number[];
  expect(fa.length).toBe(fb.length);
  fa.forEach((v, i) => close(v, fb[i], tol));
};

// 0.5 xᵀAx - bᵀx with A symmetric positive definite: x* = A⁻¹b, dx*/db = A⁻¹.
const A = np.array([[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]]);
const quad = (x: np.Array, b: np.Array) => x.mul(np.matmul(A, x)).sum().mul(0.5).sub(x.mul(b).sum());
const b0 = np.array([1, -2, 0.5]);
const rosen = (x: np.Array) => np.square(np.subtract(1, x.slice(0))).add(np.square(x.slice(1).sub(x.slice(0).square())).mul(100));

describe('optimize.minimize: quadratic', () => {
  for (const method of ['newton', 'lbfgs', 'gd'] as const) {
    it(`${method}: x* = A⁻¹b and dx*/db = A⁻¹`, () => {
      const opts = { method, learningRate: 0.3 };
      const r = optimize.minimize(quad, np.zeros([3]), { ...opts, args: [b0] });
      expect(r.converged.item()).toBe(true);
      expect(num(r.iterations)).toBeGreaterThan(0);
      closeAll(r.x.js(), np.linalg.solve(A, b0).js(), 1e-9);
      close(num(r.fun), -0.5 * num(np.linalg.solve(A, b0).mul(b0).sum()), 1e-12);
      const J = jacrev((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { ...opts, args: [b] }).x)(b0);
      closeAll(J.js(), np.linalg.inv(A).js(), 1e-10);
      const Jf = jacfwd((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { ...opts, args: [b] }).x)(b0);
      closeAll(Jf.js(), np.linalg.inv(A).js(), 1e-10);
    });
  }

  it('takes x0 of any shape (flattened internally) and returns x shaped like x0', () => {
    const f = (x: np.Array, t: np.Array) => np.square(x.sub(t)).sum();
    const t = np.array([[1, 2], [3, 4]]);
    const r = optimize.minimize(f, np.zeros([2, 2]), { method: 'lbfgs', args: [t] });
    expect(r.x.shape).toEqual([2, 2]);
    closeAll(r.x.js(), t.js(), 1e-9);
  });
});

describe('optimize.minimize: Rosenbrock from (-1.2, 1)', () => {
  for (const method of ['newton', 'lbfgs'] as const) {
    it(`${method} converges to (1, 1)`, () => {
      const r = optimize.minimize(rosen, np.array([-1.2, 1]), { method });
      expect(r.converged.item()).toBe(true);
      closeAll(r.x.js(), [1, 1], 1e-8);
      expect(num(r.fun)).toBeLessThan(1e-16);
    });
  }
});

describe('optimize.minimize: Newton where the Hessian is not positive definite', () => {
  it('falls back to a gradient step and reaches a minimum of a double well (not the saddle)', () => {
    const f = (x: np.Array) => np.power(x, 4).sum().mul(0.25).sub(np.square(x).sum().mul(0.5)).add(x.slice(1).mul(x.slice(0)).mul(0.1));
    const r = optimize.minimize(f, np.array([0.1, 0.05]), { method: 'newton' });
    expect(r.converged.item()).toBe(true);
    const x = r.x.js() as number[];
    expect(Math.abs(x[0])).toBeGreaterThan(0.5);
    // a minimum: gradient 0 and the Hessian there is positive definite (finite Cholesky factor)
    const h = [[3 * x[0] ** 2 - 1, 0.1], [0.1, 3 * x[1] ** 2 - 1]];
    expect((np.linalg.cholesky(np.array(h)).js() as number[][]).flat().every(Number.isFinite)).toBe(true);
  });
});

describe('optimize.minimize: implicit derivatives against re-solved problems', () => {
  // Least-squares fit of y ≈ p0·exp(-p1·t) to data y(θ) = θ0·exp(-θ1 t) + θ2·noise.
  const t = np.linspace(0, 3, 12);
  const noise = np.array([0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02, 0.03, -0.04, 0.02, 0.01, -0.01]);
  const data = (th: np.Array) => th.slice(0).mul(np.exp(th.slice(1).mul(t).mul(-1))).add(noise.mul(th.slice(2)));
  const loss = (p: np.Array, th: np.Array) => np.square(p.slice(0).mul(np.exp(p.slice(1).mul(t).mul(-1))).sub(data(th))).sum().mul(0.5);
  const th0 = [2, 0.7, 1];
  const fd = (g: (th: number[]) => number[], th: number[], h = 1e-5) => th.map((_, j) => {
    const up = th.slice(); up[j] += h;
    const dn = th.slice(); dn[j] -= h;
    return g(up).map((v, i) => (v - g(dn)[i]) / (2 * h));
  });

  for (const method of ['newton', 'lbfgs'] as const) {
    it(`${method}: d p*/dθ of an exponential fit matches central differences to 1e-6`, () => {
      const solveP = (th: np.Array) => optimize.minimize(loss, np.array([1, 1]), { method, args: [th], tol: 1e-12 }).x;
      const J = jacrev(solveP)(np.array(th0)).js() as number[][];
      const Jfd = fd((th) => solveP(np.array(th)).js() as number[], th0); // Jfd[j][i] = d p_i / d θ_j
      J.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - Jfd[j][i])).toBeLessThan(1e-6)));
    });
  }

  it('Σ(x_i - a_i)⁴ + c|x|²: jacobian w.r.t. (a, c) matches FD', () => {
    const f = (x: np.Array, a: np.Array, c: np.Array) => np.power(x.sub(a), 4).sum().add(c.mul(np.square(x).sum()));
    const sol = (a: np.Array, c: np.Array) => optimize.minimize(f, np.zeros([3]), { args: [a, c], tol: 1e-13 }).x;
    const a0 = [0.5, -1, 2];
    const [Ja, Jc] = jacrev(sol, { argnums: [0, 1] })(np.array(a0), np.array(0.3)) as np.Array[];
    const h = 1e-5;
    a0.forEach((_, j) => {
      const up = a0.slice(); up[j] += h;
      const dn = a0.slice(); dn[j] -= h;
      const col = (sol(np.array(up), np.array(0.3)).js() as number[]).map((v, i) => (v - (sol(np.array(dn), np.array(0.3)).js() as number[])[i]) / (2 * h));
      col.forEach((v, i) => expect(Math.abs((Ja.js() as number[][])[i][j] - v)).toBeLessThan(1e-6));
    });
    const colC = (sol(np.array(a0), np.array(0.3 + h)).js() as number[]).map((v, i) => (v - (sol(np.array(a0), np.array(0.3 - h)).js() as number[])[i]) / (2 * h));
    colC.forEach((v, i) => expect(Math.abs((Jc.js() as number[])[i] - v)).toBeLessThan(1e-6));
  });

  it('envelope theorem: d f(x*(a), a)/da = ∂f/∂a at x*', () => {
    const f = (x: np.Array, a: np.Array) => np.power(x.sub(a), 4).sum().add(np.square(x).sum().mul(0.5)).add(a.mul(x).sum());
    const a0 = np.array([0.3, -0.8]);
    const value = (a: np.Array) => optimize.minimize(f, np.zeros([2]), { method: 'newton', args: [a], tol: 1e-13 }).fun;
    const g = grad(value)(a0).js() as number[];
    const xs = optimize.minimize(f, np.zeros([2]), { args: [a0], tol: 1e-13 }).x;
    const partial = grad(f, { argnums: 1 })(xs, a0).js() as number[];
    closeAll(g, partial, 1e-10);
    const h = 1e-5;
    [0, 1].forEach((j) => {
      const e = np.array(j === 0 ? [h, 0] : [0, h]);
      close(g[j], (num(value(a0.add(e))) - num(value(a0.sub(e)))) / (2 * h), 1e-7);
    });
  });
});

describe('optimize.minimize: bounds', () => {
  const f = (x: np.Array, c: np.Array) => np.square(x.sub(c)).sum();
  for (const method of ['newton', 'lbfgs'] as const) {
    it(`${method}: minimum on the boundary is approached; interior optimum unaffected`, () => {
      // unconstrained minimum (2, -3, 0.5, 4); bounds x0 ∈ [0, 1], x1 ≥ -1, x2 ∈ [-1, 1] (interior), x3 ≤ 3
      const c = np.array([2, -3, 0.5, 4]);
      const r = optimize.minimize(f, np.array([0.5, 0, 0, 0]), { method, args: [c], bounds: [[0, -1, -1, -Infinity], [1, Infinity, 1, 3]], maxIter: 500 });
      const x = r.x.js() as number[];
      close(x[0], 1, 1e-6); close(x[1], -1, 1e-6); close(x[2], 0.5, 1e-9); close(x[3], 3, 1e-6);
      expect(x[0]).toBeLessThanOrEqual(1); expect(x[1]).toBeGreaterThanOrEqual(-1); expect(x[3]).toBeLessThanOrEqual(3);
    });
  }

  it('an interior optimum with numeric bounds: same x* and same derivatives as unbounded', () => {
    const c0 = np.array([0.2, 0.7]);
    const solB = (c: np.Array) => optimize.minimize(f, np.array([0.5, 0.5]), { args: [c], bounds: [0, 1] }).x;
    closeAll(solB(c0).js(), [0.2, 0.7], 1e-9);
    closeAll(jacrev(solB)(c0).js(), [[1, 0], [0, 1]], 1e-8);
  });

  it('rejects malformed bounds', () => {
    expect(() => optimize.minimize(f, np.array([0.5]), { args: [np.array([1])], bounds: [1, 0] })).toThrow(TypeError);
    expect(() => optimize.minimize(f, np.array([0.5, 0.5]), { args: [np.array([1, 1])], bounds: [[0, 0, 0], 1] })).toThrow(TypeError);
  });
});

describe('optimize.minimize: transforms and errors', () => {
  it('runs under jit (value and gradient)', () => {
    const solve = jit((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { method: 'lbfgs', args: [b] }).x);
    closeAll(solve(b0).js(), np.linalg.solve(A, b0).js(), 1e-9);
    const gj = jit(grad((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { args: [b] }).fun));
    closeAll(gj(b0).js(), np.linalg.solve(A, b0).mul(-1).js(), 1e-10);
    const r = jit((b: np.Array) => optimize.minimize(rosen, b, { method: 'newton' }))(np.array([-1.2, 1]));
    closeAll(r.x.js(), [1, 1], 1e-8);
    expect(r.converged.item()).toBe(true);
  });

  it('vmaps over args: a batch of problems', () => {
    const B = np.array([[1, -2, 0.5], [0, 1, 0], [3, 3, -1]]);
    for (const method of ['newton', 'lbfgs'] as const) {
      const sol = vmap((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { method, args: [b] }).x)(B);
      closeAll(sol.js(), np.linalg.solve(A, B.transpose()).transpose().js(), 1e-9);
    }
    const res = vmap((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { args: [b] }))(B);
    expect(res.converged.js()).toEqual([true, true, true]);
    const Jb = vmap(jacrev((b: np.Array) => optimize.minimize(quad, np.zeros([3]), { args: [b] }).x))(B);
    expect(Jb.shape).toEqual([3, 3, 3]);
    (Jb.js() as number[][][]).forEach((J) => closeAll(J, np.linalg.inv(A).js(), 1e-10));
  });

  it('non-scalar f and bad options give clear TypeErrors', () => {
    expect(() => optimize.minimize((x: np.Array) => x.square(), np.zeros([3]))).toThrow(TypeError);
    expect(() => optimize.minimize((x: np.Array) => x.square(), np.zeros([3]))).toThrow(/scalar/);
    expect(() => optimize.minimize(rosen, np.zeros([2]), { method: 'bfgs' as never })).toThrow(TypeError);
    expect(() => optimize.minimize(rosen, np.zeros([2]), { method: 'gd', learningRate: -1 })).toThrow(TypeError);
  });

  it('reports non-convergence when maxIter is too small', () => {
    const r = optimize.minimize(rosen, np.array([-1.2, 1]), { method: 'gd', learningRate: 1e-3, maxIter: 5 });
    expect(r.converged.item()).toBe(false);
    expect(num(r.iterations)).toBe(5);
  });
});
