import { describe, expect, it } from 'vitest';
import { np, grad, jvp, vmap, jacfwd, hessian, customJvp, customVjp, makeJaxpr, typecheck, jit } from '../lib/index.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const close = (a: unknown, b: number, rtol = 1e-12) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(b)));

describe('customJvp', () => {
  // log(1 + e^x) overflows at large x under autodiff; the custom rule is stable.
  const softplus = customJvp((x: np.Array) => np.logaddexp(x, 0), { jvp: ([x]: np.Array[], [t]: np.Array[]) => [np.logaddexp(x, 0), t.mul(np.logistic(x))] });

  it('uses the rule in forward and reverse mode, nested and jitted', () => {
    close(grad(softplus)(np.array(1)).item(), sig(1));
    close(jvp(softplus, [np.array(1)], [np.array(2)])[1].item(), 2 * sig(1));
    close(grad(grad(softplus))(np.array(1)).item(), sig(1) * (1 - sig(1)));
    close(jit(grad(softplus))(np.array(800)).item(), 1);
    expect(vmap(grad(softplus))(np.array([0, 1])).js()).toEqual([0.5, grad(softplus)(np.array(1)).item()]);
  });

  it('passes nondiff arguments first to the rule', () => {
    const scale = customJvp((k: number, x: np.Array) => x.mul(k), { nondiffArgnums: [0], jvp: (k: number, [x]: np.Array[], [t]: np.Array[]) => [x.mul(k), t.mul(2 * k)] });
    expect(grad((x: np.Array) => scale(3, x))(np.array(1)).item()).toBe(6);
  });

  it('rejects a rule whose tangent does not match the output', () => {
    const bad = customJvp((x: np.Array) => x.sum(), { jvp: ([x]: np.Array[], [t]: np.Array[]) => [x.sum(), t] });
    expect(() => grad(bad)(np.ones([3]))).toThrow(/customJvp: the rule's tangent output leaf 0 is f64\[3\] but must be f64\[\]/);
  });
});

describe('customVjp', () => {
  const cube = customVjp((x: np.Array) => x.mul(x).mul(x), { fwd: (x: np.Array) => [x.mul(x).mul(x), x], bwd: (x: np.Array, ct: np.Array) => [ct.mul(3).mul(x).mul(x)] });

  it('uses bwd for gradients, under vmap both ways, and nested when bwd is differentiable', () => {
    expect(grad(cube)(np.array(2)).item()).toBe(12);
    expect(grad(grad(cube))(np.array(2)).item()).toBe(12);
    expect(vmap(grad(cube))(np.array([1, 2, 3])).js()).toEqual([3, 12, 27]);
    expect(grad((x: np.Array) => vmap(cube)(x).sum())(np.array([1, 2, 3])).js()).toEqual([3, 12, 27]);
    typecheck(makeJaxpr(grad(grad(cube)))(np.array(2)).jaxpr);
  });

  it('supports forward mode by transposing bwd (beyond JAX)', () => {
    expect((jvp(cube, [np.array(2)], [np.array(1)]) as np.Array[]).map((a) => a.item())).toEqual([8, 12]);
    expect(jacfwd(cube)(np.array([1, 2])).js()).toEqual([[3, 0], [0, 12]]);
    expect(hessian((x: np.Array) => cube(x).sum())(np.array([1, 2])).js()).toEqual([[6, 0], [0, 12]]);
  });

  it('implements a straight-through estimator and gradient clipping', () => {
    const ste = customVjp((x: np.Array) => np.round(x), { fwd: (x: np.Array) => [np.round(x), null], bwd: (_r: null, ct: np.Array) => [ct] });
    expect(grad((x: np.Array) => ste(x).mul(x).sum())(np.array([0.4, 1.6])).js()).toEqual([0.4, 3.6]);
    const clipGrad = customVjp((x: np.Array, _lim: np.Array) => x, { fwd: (x: np.Array, lim: np.Array) => [x, lim], bwd: (lim: np.Array, ct: np.Array) => [np.clip(ct, lim.neg(), lim), null] });
    expect(grad((x: np.Array) => clipGrad(x, np.array(0.5)).mul(3))(np.array(2)).item()).toBe(0.5);
  });

  it('gives nondiff arguments to bwd first and no cotangent', () => {
    const nd = customVjp((n: number, x: np.Array) => x.mul(n), { nondiffArgnums: [0], fwd: (n: number, x: np.Array) => [x.mul(n), null], bwd: (n: number, _r: null, ct: np.Array) => [ct.mul(n)] });
    expect(grad((x: np.Array) => nd(5, x))(np.array(1)).item()).toBe(5);
  });

  it('refuses to differentiate a closed-over value, and checks bwd output', () => {
    const y = np.array(3);
    expect(() => grad((yy: np.Array) => customVjp((x: np.Array) => x.mul(yy), { fwd: (x: np.Array) => [x.mul(yy), null], bwd: (_: null, ct: np.Array) => [ct.mul(yy)] })(np.array(2)))(y))
      .toThrow(/closes over a value that is being differentiated.*pass that value as an argument/);
    const bad = customVjp((x: np.Array) => x, { fwd: (x: np.Array) => [x, null], bwd: () => [] });
    expect(() => grad(bad)(np.array(1))).toThrow(/bwd must return an array with one cotangent per differentiable argument \(1\)/);
  });
});
