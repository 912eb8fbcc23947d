/**
 * Debugging switches (lib/core/config.ts): debugNans names the primitive that made the first NaN,
 * eagerly and under jit; disableJit runs jitted functions and lax control flow as plain JS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FloatingPointError, config, disableJit, grad, jit, lax, np } from '../lib/index.js';

afterEach(() => {
  config.update('debugNans', false);
  config.update('disableJit', false);
});

describe('debugNans', () => {
  it('is off by default: NaN flows through', () => {
    expect(config.read('debugNans')).toBe(false);
    expect(np.log(np.array(-1)).item()).toBeNaN();
  });

  it('names the primitive that produced the NaN, eagerly', () => {
    config.update('debugNans', true);
    expect(() => np.log(np.array([1, -1]))).toThrow(FloatingPointError);
    expect(() => np.log(np.array([1, -1]))).toThrow(/debugNans: invalid value \(NaN\) encountered in 'log' \(output 0: f64\[2\]/);
    expect(() => np.sqrt(np.array([4, 1]))).not.toThrow();
    expect(() => np.add(np.array([NaN]), 1)).toThrow(/in 'add'.*inputs already held NaN.*check the data/);
  });

  it('under jit, re-runs op by op to name the primitive', () => {
    const f = jit((x: np.Array) => np.sum(np.multiply(np.sqrt(np.subtract(x, 2)), 3)));
    expect(f(np.array([3, 4])).item()).toBeGreaterThan(0);
    config.update('debugNans', true);
    expect(() => f(np.array([3, 1]))).toThrow(/encountered in 'sqrt'/);
    expect(f(np.array([3, 6])).item()).toBeCloseTo(9, 12);
  });

  it('finds a NaN made in the backward pass of grad', () => {
    config.update('debugNans', true);
    // d/dx sqrt(x) at 0 is inf; times 0 (from the zero-weighted sum) gives NaN in 'mul'.
    const g = jit(grad((x: np.Array) => np.sum(np.multiply(np.sqrt(x), np.array([0, 1])))));
    expect(() => g(np.array([0, 1]))).toThrow(/debugNans: invalid value \(NaN\) encountered in '(mul|div)'/);
  });

  it('accepts JAX flag names and rejects unknown ones', () => {
    config.update('jax_debug_nans', true);
    expect(config.read('debugNans')).toBe(true);
    expect(() => config.update('debug_nan' as 'debugNans', true)).toThrow(/config.update: unknown flag 'debug_nan'; the flags are debugNans, disableJit/);
  });
});

describe('disableJit', () => {
  it('runs a jitted function as plain JS: values are concrete inside', () => {
    const seen: number[] = [];
    const f = jit((x: np.Array) => { seen.push(np.sum(x).item()); return np.multiply(x, 2); });
    expect(() => f(np.array([1, 2]))).toThrow(/item|concrete/i);
    const y = disableJit(() => f(np.array([1, 2])));
    expect(y.js()).toEqual([2, 4]);
    expect(seen).toEqual([3]);
    expect(config.read('disableJit')).toBe(false);
  });

  it('runs lax control flow as JS on concrete values, with the same results', () => {
    const body = (x: np.Array) => {
      const [c, ys] = lax.scan((carry: np.Array, v: np.Array) => [np.add(carry, v), np.multiply(carry, v)], np.array(0), x, { reverse: true });
      const w = lax.whileLoop((s: np.Array) => np.less(s, 100), (s: np.Array) => np.multiply(s, 3), np.add(c, 1));
      const k = lax.foriLoop(0, 3, (i: np.Array, a: np.Array) => np.add(a, i), np.array(0));
      const b = lax.cond(np.greater(c, 5), (a: np.Array) => np.negative(a), (a: np.Array) => a, x);
      const s = lax.switch(2, [(a: np.Array) => a, (a: np.Array) => np.add(a, 1), (a: np.Array) => np.add(a, 2)], x);
      return [c, ys, w, k, b, s, lax.map((v: np.Array) => np.square(v), x)];
    };
    const x = np.array([1, 2, 3, 4]);
    const staged = (jit(body)(x) as np.Array[]).map((a) => a.js());
    const inside: unknown[] = [];
    const eager = disableJit(() => lax.scan((c: np.Array, v: np.Array) => { inside.push(v.item()); return [np.add(c, v), null]; }, np.array(0), x));
    expect(inside).toEqual([1, 2, 3, 4]);
    expect((eager[0] as np.Array).item()).toBe(10);
    config.update('disableJit', true);
    expect((jit(body)(x) as np.Array[]).map((a) => a.js())).toEqual(staged);
  });

  it('leaves transforms working (grad through an eager scan)', () => {
    const f = (x: np.Array) => lax.scan((c: np.Array, v: np.Array) => [np.multiply(c, v), null], np.array(1), x)[0] as np.Array;
    const want = grad(f)(np.array([2, 3, 4])).js();
    expect(disableJit(() => grad(f)(np.array([2, 3, 4]))).js()).toEqual(want);
  });
});
