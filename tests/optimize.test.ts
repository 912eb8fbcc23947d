import { describe, expect } from 'vitest';
import { np, optimize, grad, jacrev, jacfwd, jit, vmap } from '../lib/index.js';
import { describeEachBackend } from './backends.js';

type Nested = number | Nested[];
const flat = (a: Nested): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a]);
const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
const closeAll = (a: Nested, b: Nested, tol: number) => {
  const fa = flat(a);
  const fb = flat(b);
  expect(fa.length).toBe(fb.length);
  fa.forEach((v, i) => close(v, fb[i], tol));
};

/**
 * optimize.minimize iterates with lax.whileLoop, whose condition reads a device value: every
 * solve runs through `b.call` (compiled for the device, outputs resolved asynchronously). On a
 * float32 device the solver's default tolerance is 1e-5 (explicit float64 tolerances are left
 * out there) and results are compared with float32 tolerances; central differences use a step
 * of 1e-2 (1e-5 in float64) and tolerances to match.
 */
describeEachBackend('optimize.minimize', (b) => {
  const f64 = b.dtype === 'float64';
  /** The cpu tolerance, or a float32 one. */
  const T = (cpu: number, f32: number) => (f64 ? cpu : f32);
  /** An explicit solver tolerance on the cpu; the float32 default elsewhere. */
  const tolOpt = (t: number) => (f64 ? { tol: t } : {});
  const num = async (x: np.Array) => (await b.read(x)) as number;
  /** Values shaped like x (nested lists), read asynchronously. */
  const js = async (x: np.Array): Promise<Nested> => {
    const d = await b.read(x);
    if (typeof d === 'number') return d;
    const nest = (start: number, dims: number[]): Nested => {
      if (dims.length === 0) return d[start];
      const stride = dims.slice(1).reduce((p, n) => p * n, 1);
      return Array.from({ length: dims[0] }, (_, i) => nest(start + i * stride, dims.slice(1)));
    };
    return nest(0, x.shape);
  };
  /** A bool scalar/vector's values as 0/1, checking that it is bool. */
  const bools = async (x: np.Array) => { expect(x.dtype).toBe('bool'); return b.read(x); };

  // 0.5 xᵀAx - bᵀx with A symmetric positive definite: x* = A⁻¹b, dx*/db = A⁻¹.
  const A = () => np.array([[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]]);
  const quad = (x: np.Array, c: np.Array) => x.mul(np.matmul(A(), x)).sum().mul(0.5).sub(x.mul(c).sum());
  const b0 = () => np.array([1, -2, 0.5]);
  const rosen = (x: np.Array) => np.square(np.subtract(1, x.slice(0))).add(np.square(x.slice(1).sub(x.slice(0).square())).mul(100));

  describe('quadratic', () => {
    for (const method of ['newton', 'lbfgs', 'gd'] as const) {
      b.it({}, `${method}: x* = A⁻¹b and dx*/db = A⁻¹`, async () => {
        const opts = { method, learningRate: 0.3 };
        const r = await b.call((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { ...opts, args: [c] }), b0());
        expect(await bools(r.converged)).toBe(1);
        expect(await num(r.iterations)).toBeGreaterThan(0);
        closeAll(await js(r.x), await js(np.linalg.solve(A(), b0())), T(1e-9, 1e-5));
        close(await num(r.fun), -0.5 * await num(np.linalg.solve(A(), b0()).mul(b0()).sum()), T(1e-12, 1e-5));
        const J = await b.call(jacrev((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { ...opts, args: [c] }).x), b0());
        closeAll(await js(J), await js(np.linalg.inv(A())), T(1e-10, 1e-5));
        const Jf = await b.call(jacfwd((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { ...opts, args: [c] }).x), b0());
        closeAll(await js(Jf), await js(np.linalg.inv(A())), T(1e-10, 1e-5));
      });
    }

    b.it({}, 'takes x0 of any shape (flattened internally) and returns x shaped like x0', async () => {
      const f = (x: np.Array, t: np.Array) => np.square(x.sub(t)).sum();
      const t = np.array([[1, 2], [3, 4]]);
      const r = await b.call((tt: np.Array) => optimize.minimize(f, np.zeros([2, 2]), { method: 'lbfgs', args: [tt] }), t);
      expect(r.x.shape).toEqual([2, 2]);
      closeAll(await js(r.x), await js(t), T(1e-9, 1e-5));
    });
  });

  describe('Rosenbrock from (-1.2, 1)', () => {
    for (const method of ['newton', 'lbfgs'] as const) {
      b.it({}, `${method} converges to (1, 1)`, async () => {
        const r = await b.call((x0: np.Array) => optimize.minimize(rosen, x0, { method }), np.array([-1.2, 1]));
        expect(await bools(r.converged)).toBe(1);
        closeAll(await js(r.x), [1, 1], T(1e-8, 1e-4));
        expect(await num(r.fun)).toBeLessThan(T(1e-16, 1e-8));
      });
    }
  });

  describe('Newton where the Hessian is not positive definite', () => {
    b.it({}, 'shifts the Hessian until positive definite and reaches a minimum of a double well (not the saddle)', async () => {
      const f = (x: np.Array) => np.power(x, 4).sum().mul(0.25).sub(np.square(x).sum().mul(0.5)).add(x.slice(1).mul(x.slice(0)).mul(0.1));
      const r = await b.call((x0: np.Array) => optimize.minimize(f, x0, { method: 'newton' }), np.array([0.1, 0.05]));
      expect(await bools(r.converged)).toBe(1);
      const x = (await js(r.x)) as number[];
      expect(Math.abs(x[0])).toBeGreaterThan(0.5);
      // a minimum: gradient 0 and the Hessian there is positive definite (finite Cholesky factor)
      const h = [[3 * x[0] ** 2 - 1, 0.1], [0.1, 3 * x[1] ** 2 - 1]];
      expect(flat(await js(np.linalg.cholesky(np.array(h)))).every(Number.isFinite)).toBe(true);
    });
  });

  describe('Newton in a wide non-convex region, and at its rounding', () => {
    b.it({}, 'crosses the concave flank of a wide well in a few steps (a gradient step of |∇f| ≈ 0.01 would take hundreds)', async () => {
      // f = −exp(−|x|²/200): concave radially beyond |x| = 10, its gradient there at most 0.06.
      const f = (x: np.Array) => np.negative(np.exp(np.square(x).sum().div(-200)));
      const r = await b.call((x0: np.Array) => optimize.minimize(f, x0, { method: 'newton' }), np.array([25, 3]));
      expect(await bools(r.converged)).toBe(1);
      expect(await num(r.iterations)).toBeLessThanOrEqual(25);
      closeAll(await js(r.x), [0, 0], T(1e-6, 1e-3));
    });

    b.it({}, 'stops where its predicted decrease is below f\'s rounding, though |∇f| cannot reach tol', async () => {
      // f = Σ a_i (x − c_i)²/2 with a_i ≈ 1e9: ∇f = Σ a_i (x − c_i), a thousand terms of up to 1e6,
      // carries a rounding of about 1e-9 ≫ 1e-10 at the minimum x = Σ a_i c_i / Σ a_i.
      const a = Array.from({ length: 1000 }, (_, i) => 1e9 * (1 + 0.5 * Math.sin(3 * i)));
      const c = Array.from({ length: 1000 }, (_, i) => Math.PI + 1e-3 * Math.sin(i));
      const f = (x: np.Array, aa: np.Array, cc: np.Array) => aa.mul(np.square(x.sub(cc))).sum().mul(0.5);
      const r = await b.call((aa: np.Array, cc: np.Array) => optimize.minimize(f, np.zeros([1]), { method: 'newton', args: [aa, cc] }), np.array(a), np.array(c));
      expect(await bools(r.converged)).toBe(1);
      expect(await num(r.iterations)).toBeLessThanOrEqual(5);
      close(((await js(r.x)) as number[])[0], a.reduce((p, v, i) => p + v * c[i], 0) / a.reduce((p, v) => p + v, 0), T(1e-12, 1e-5));
    });
  });

  describe('implicit derivatives against re-solved problems', () => {
    // Least-squares fit of y ≈ p0·exp(-p1·t) to data y(θ) = θ0·exp(-θ1 t) + θ2·noise.
    const t = () => np.linspace(0, 3, 12);
    const noise = () => np.array([0.05, -0.03, 0.02, 0.04, -0.05, 0.01, -0.02, 0.03, -0.04, 0.02, 0.01, -0.01]);
    const data = (th: np.Array) => th.slice(0).mul(np.exp(th.slice(1).mul(t()).mul(-1))).add(noise().mul(th.slice(2)));
    const loss = (p: np.Array, th: np.Array) => np.square(p.slice(0).mul(np.exp(p.slice(1).mul(t()).mul(-1))).sub(data(th))).sum().mul(0.5);
    const th0 = [2, 0.7, 1];
    const H = T(1e-5, 1e-2);
    const fd = async (g: (th: number[]) => Promise<number[]>, th: number[], h = H) => {
      const out: number[][] = [];
      for (let j = 0; j < th.length; j++) {
        const up = th.slice(); up[j] += h;
        const dn = th.slice(); dn[j] -= h;
        const [gu, gd] = [await g(up), await g(dn)];
        out.push(gu.map((v, i) => (v - gd[i]) / (2 * h)));
      }
      return out;
    };

    for (const method of ['newton', 'lbfgs'] as const) {
      b.it({}, `${method}: d p*/dθ of an exponential fit matches central differences to 1e-6`, async () => {
        const solveP = (th: np.Array) => optimize.minimize(loss, np.array([1, 1]), { method, args: [th], ...tolOpt(1e-12) }).x;
        const J = (await js(await b.call(jacrev(solveP), np.array(th0)))) as number[][];
        const Jfd = await fd(async (th) => (await js(await b.call(solveP, np.array(th)))) as number[], th0); // Jfd[j][i] = d p_i / d θ_j
        J.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - Jfd[j][i])).toBeLessThan(T(1e-6, 1e-2))));
      });
    }

    b.it({}, 'Σ(x_i - a_i)⁴ + c|x|²: jacobian w.r.t. (a, c) matches FD', async () => {
      const f = (x: np.Array, a: np.Array, c: np.Array) => np.power(x.sub(a), 4).sum().add(c.mul(np.square(x).sum()));
      const sol = (a: np.Array, c: np.Array) => optimize.minimize(f, np.zeros([3]), { args: [a, c], ...tolOpt(1e-13) }).x;
      const solv = async (a: number[], c: number) => (await js(await b.call(sol, np.array(a), np.array(c)))) as number[];
      const a0 = [0.5, -1, 2];
      const [Ja, Jc] = (await b.call(jacrev(sol, { argnums: [0, 1] }), np.array(a0), np.array(0.3))) as np.Array[];
      const ja = (await js(Ja)) as number[][];
      const jc = (await js(Jc)) as number[];
      const h = H;
      for (let j = 0; j < a0.length; j++) {
        const up = a0.slice(); up[j] += h;
        const dn = a0.slice(); dn[j] -= h;
        const [su, sd] = [await solv(up, 0.3), await solv(dn, 0.3)];
        su.map((v, i) => (v - sd[i]) / (2 * h)).forEach((v, i) => expect(Math.abs(ja[i][j] - v)).toBeLessThan(T(1e-6, 1e-2)));
      }
      const [cu, cd] = [await solv(a0, 0.3 + h), await solv(a0, 0.3 - h)];
      cu.map((v, i) => (v - cd[i]) / (2 * h)).forEach((v, i) => expect(Math.abs(jc[i] - v)).toBeLessThan(T(1e-6, 1e-2)));
    });

    b.it({}, 'envelope theorem: d f(x*(a), a)/da = ∂f/∂a at x*', async () => {
      const f = (x: np.Array, a: np.Array) => np.power(x.sub(a), 4).sum().add(np.square(x).sum().mul(0.5)).add(a.mul(x).sum());
      const a0 = [0.3, -0.8];
      const value = (a: np.Array) => optimize.minimize(f, np.zeros([2]), { method: 'newton', args: [a], ...tolOpt(1e-13) }).fun;
      const g = (await js(await b.call(grad(value), np.array(a0)))) as number[];
      const xs = await b.call((a: np.Array) => optimize.minimize(f, np.zeros([2]), { args: [a], ...tolOpt(1e-13) }).x, np.array(a0));
      const partial = (await js(grad(f, { argnums: 1 })(xs, np.array(a0)))) as number[];
      closeAll(g, partial, T(1e-10, 1e-4));
      const h = H;
      for (const j of [0, 1]) {
        const e = j === 0 ? [h, 0] : [0, h];
        const vu = await num(await b.call(value, np.array(a0).add(np.array(e))));
        const vd = await num(await b.call(value, np.array(a0).sub(np.array(e))));
        close(g[j], (vu - vd) / (2 * h), T(1e-7, 1e-3));
      }
    });
  });

  describe('bounds', () => {
    const f = (x: np.Array, c: np.Array) => np.square(x.sub(c)).sum();
    for (const method of ['newton', 'lbfgs'] as const) {
      b.it({}, `${method}: minimum on the boundary is approached; interior optimum unaffected`, async () => {
        // unconstrained minimum (2, -3, 0.5, 4); bounds x0 ∈ [0, 1], x1 ≥ -1, x2 ∈ [-1, 1] (interior), x3 ≤ 3
        const c = np.array([2, -3, 0.5, 4]);
        const r = await b.call((cc: np.Array) => optimize.minimize(f, np.array([0.5, 0, 0, 0]), { method, args: [cc], bounds: [[0, -1, -1, -Infinity], [1, Infinity, 1, 3]], maxIter: 500 }), c);
        const x = (await js(r.x)) as number[];
        close(x[0], 1, T(1e-6, 1e-4)); close(x[1], -1, T(1e-6, 1e-4)); close(x[2], 0.5, T(1e-9, 1e-5)); close(x[3], 3, T(1e-6, 1e-4));
        expect(x[0]).toBeLessThanOrEqual(1); expect(x[1]).toBeGreaterThanOrEqual(-1); expect(x[3]).toBeLessThanOrEqual(3);
      });
    }

    b.it({}, 'an interior optimum with numeric bounds: same x* and same derivatives as unbounded', async () => {
      const solB = (c: np.Array) => optimize.minimize(f, np.array([0.5, 0.5]), { args: [c], bounds: [0, 1] }).x;
      closeAll(await js(await b.call(solB, np.array([0.2, 0.7]))), [0.2, 0.7], T(1e-9, 1e-5));
      closeAll(await js(await b.call(jacrev(solB), np.array([0.2, 0.7]))), [[1, 0], [0, 1]], T(1e-8, 1e-5));
    });

    b.it({}, 'rejects malformed bounds', () => {
      expect(() => optimize.minimize(f, np.array([0.5]), { args: [np.array([1])], bounds: [1, 0] })).toThrow(TypeError);
      expect(() => optimize.minimize(f, np.array([0.5, 0.5]), { args: [np.array([1, 1])], bounds: [[0, 0, 0], 1] })).toThrow(TypeError);
    });
  });

  describe('transforms and errors', () => {
    b.it({}, 'runs under jit (value and gradient)', async () => {
      const solve = jit((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { method: 'lbfgs', args: [c] }).x);
      closeAll(await js(await b.call(solve, b0())), await js(np.linalg.solve(A(), b0())), T(1e-9, 1e-5));
      const gj = jit(grad((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { args: [c] }).fun));
      closeAll(await js(await b.call(gj, b0())), await js(np.linalg.solve(A(), b0()).mul(-1)), T(1e-10, 1e-5));
      const r = await b.call(jit((x0: np.Array) => optimize.minimize(rosen, x0, { method: 'newton' })), np.array([-1.2, 1]));
      closeAll(await js(r.x), [1, 1], T(1e-8, 1e-4));
      expect(await bools(r.converged)).toBe(1);
    });

    b.it({}, 'vmaps over args: a batch of problems', async () => {
      const B = () => np.array([[1, -2, 0.5], [0, 1, 0], [3, 3, -1]]);
      for (const method of ['newton', 'lbfgs'] as const) {
        const sol = await b.call(vmap((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { method, args: [c] }).x), B());
        closeAll(await js(sol), await js(np.linalg.solve(A(), B().transpose()).transpose()), T(1e-9, 1e-5));
      }
      const res = await b.call(vmap((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { args: [c] })), B());
      expect(await bools(res.converged)).toEqual([1, 1, 1]);
      const Jb = await b.call(vmap(jacrev((c: np.Array) => optimize.minimize(quad, np.zeros([3]), { args: [c] }).x)), B());
      expect(Jb.shape).toEqual([3, 3, 3]);
      const inv = await js(np.linalg.inv(A()));
      ((await js(Jb)) as Nested[]).forEach((J) => closeAll(J, inv, T(1e-10, 1e-5)));
    });

    b.it({}, 'non-scalar f and bad options give clear TypeErrors', () => {
      expect(() => optimize.minimize((x: np.Array) => x.square(), np.zeros([3]))).toThrow(TypeError);
      expect(() => optimize.minimize((x: np.Array) => x.square(), np.zeros([3]))).toThrow(/scalar/);
      expect(() => optimize.minimize(rosen, np.zeros([2]), { method: 'bfgs' as never })).toThrow(TypeError);
      expect(() => optimize.minimize(rosen, np.zeros([2]), { method: 'gd', learningRate: -1 })).toThrow(TypeError);
    });

    b.it({}, 'reports non-convergence when maxIter is too small', async () => {
      const r = await b.call((x0: np.Array) => optimize.minimize(rosen, x0, { method: 'gd', learningRate: 1e-3, maxIter: 5 }), np.array([-1.2, 1]));
      expect(await bools(r.converged)).toBe(0);
      expect(await num(r.iterations)).toBe(5);
    });
  });
});
