import { describe, expect, it } from 'vitest';
import { np, grad, jvp, vmap, jacfwd, hessian, customJvp, customVjp, makeJaxpr, typecheck, jit } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { values } from './values.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

describeEachBackend('customJvp', (b) => {
  const { close: closeTol, exact, num, f } = values(b);
  const close = (a: np.Array, want: number, rtol = 1e-12) => closeTol(a, want, rtol);
  // log(1 + e^x) overflows at large x under autodiff; the custom rule is stable.
  const softplus = customJvp((x: np.Array) => np.logaddexp(x, 0), { jvp: ([x]: np.Array[], [t]: np.Array[]) => [np.logaddexp(x, 0), t.mul(np.logistic(x))] });

  b.it({}, 'uses the rule in forward and reverse mode, nested and jitted', async () => {
    await close(grad(softplus)(np.array(1)), sig(1));
    await close(jvp(softplus, [np.array(1)], [np.array(2)])[1], 2 * sig(1));
    await close(grad(grad(softplus))(np.array(1)), sig(1) * (1 - sig(1)));
    await close(jit(grad(softplus))(np.array(800)), 1);
    await exact(vmap(grad(softplus))(np.array([0, 1])), [0.5, await num(grad(softplus)(np.array(1)))]);
  });

  b.it({}, 'passes nondiff arguments first to the rule', async () => {
    const scale = customJvp((k: number, x: np.Array) => x.mul(k), { nondiffArgnums: [0], jvp: (k: number, [x]: np.Array[], [t]: np.Array[]) => [x.mul(k), t.mul(2 * k)] });
    await exact(grad((x: np.Array) => scale(3, x))(np.array(1)), 6);
  });

  b.it({}, 'rejects a rule whose tangent does not match the output', () => {
    const bad = customJvp((x: np.Array) => x.sum(), { jvp: ([x]: np.Array[], [t]: np.Array[]) => [x.sum(), t] });
    expect(() => grad(bad)(np.ones([3]))).toThrow(new RegExp(`customJvp: the rule's tangent output leaf 0 is ${f}\\[3\\] but must be ${f}\\[\\]`));
  });
});

describeEachBackend('customVjp', (b) => {
  const { exact, num } = values(b);
  const cube = customVjp((x: np.Array) => x.mul(x).mul(x), { fwd: (x: np.Array) => [x.mul(x).mul(x), x], bwd: (x: np.Array, ct: np.Array) => [ct.mul(3).mul(x).mul(x)] });

  b.it({}, 'uses bwd for gradients, under vmap both ways, and nested when bwd is differentiable', async () => {
    await exact(grad(cube)(np.array(2)), 12);
    await exact(grad(grad(cube))(np.array(2)), 12);
    await exact(vmap(grad(cube))(np.array([1, 2, 3])), [3, 12, 27]);
    await exact(grad((x: np.Array) => vmap(cube)(x).sum())(np.array([1, 2, 3])), [3, 12, 27]);
    typecheck(makeJaxpr(grad(grad(cube)))(np.array(2)).jaxpr);
  });

  b.it({}, 'supports forward mode by transposing bwd (beyond JAX)', async () => {
    const [y, t] = jvp(cube, [np.array(2)], [np.array(1)]) as np.Array[];
    await exact(y, 8);
    await exact(t, 12);
    const J = jacfwd(cube)(np.array([1, 2]));
    expect(J.shape).toEqual([2, 2]);
    await exact(J, [3, 0, 0, 12]);
    const H = hessian((x: np.Array) => cube(x).sum())(np.array([1, 2]));
    expect(H.shape).toEqual([2, 2]);
    await exact(H, [6, 0, 0, 12]);
  });

  b.it({}, 'implements a straight-through estimator and gradient clipping', async () => {
    const ste = customVjp((x: np.Array) => np.round(x), { fwd: (x: np.Array) => [np.round(x), null], bwd: (_r: null, ct: np.Array) => [ct] });
    await exact(grad((x: np.Array) => ste(x).mul(x).sum())(np.array([0.4, 1.6])), [0.4, 3.6]);
    const clipGrad = customVjp((x: np.Array, _lim: np.Array) => x, { fwd: (x: np.Array, lim: np.Array) => [x, lim], bwd: (lim: np.Array, ct: np.Array) => [np.clip(ct, lim.neg(), lim), null] });
    await exact(grad((x: np.Array) => clipGrad(x, np.array(0.5)).mul(3))(np.array(2)), 0.5);
  });

  b.it({}, 'gives nondiff arguments to bwd first and no cotangent', async () => {
    const nd = customVjp((n: number, x: np.Array) => x.mul(n), { nondiffArgnums: [0], fwd: (n: number, x: np.Array) => [x.mul(n), null], bwd: (n: number, _r: null, ct: np.Array) => [ct.mul(n)] });
    expect(await num(grad((x: np.Array) => nd(5, x))(np.array(1)))).toBe(5);
  });

  b.it({}, 'refuses to differentiate a closed-over value, and checks bwd output', () => {
    const y = np.array(3);
    expect(() => grad((yy: np.Array) => customVjp((x: np.Array) => x.mul(yy), { fwd: (x: np.Array) => [x.mul(yy), null], bwd: (_: null, ct: np.Array) => [ct.mul(yy)] })(np.array(2)))(y))
      .toThrow(/closes over a value that is being differentiated.*pass that value as an argument/);
    const bad = customVjp((x: np.Array) => x, { fwd: (x: np.Array) => [x, null], bwd: () => [] });
    expect(() => grad(bad)(np.array(1))).toThrow(/bwd must return an array with one cotangent per differentiable argument \(1\)/);
  });
});

describe('a customJvp rule that calls the function itself', () => {
  // The common pattern `exp.defjvp(lambda p, t: (exp(x), t * exp(x)))`: once recursed forever.
  it('evaluates, differentiates to any order and composes with jvp', () => {
    const exp: (x: np.Array) => np.Array = customJvp((x: np.Array) => np.exp(x), {
      jvp: ([x]: np.Array[], [t]: np.Array[]) => [exp(x), t.mul(exp(x))],
    });
    const e = Math.exp(0.5);
    expect(exp(np.array(0.5)).item()).toBe(e);
    expect(grad(exp)(np.array(0.5)).item()).toBe(e);
    expect(grad(grad(exp))(np.array(0.5)).item()).toBe(e);
    expect((jvp(exp, [np.array(0.5)], [np.array(2)])[1] as np.Array).item()).toBe(2 * e);
  });
});
