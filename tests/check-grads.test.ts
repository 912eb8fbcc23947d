/**
 * checkGrads (JAX's check_grads): passes on correct derivatives up to third order, over pytrees
 * and custom rules, and catches a wrong customJvp / customVjp rule at the order and mode where it
 * is wrong, with the expected and actual values in the message.
 */
import { describe, expect, it } from 'vitest';
import { type Array, checkGrads, customJvp, customVjp, devicePut, GradCheckError, np, stopGradient } from '../lib/index.js';
import { TEST_F32 } from './backends/test-f32.js';

describe('checkGrads', () => {
  it('passes on built-in derivatives to order 3 in both modes', () => {
    expect(() => checkGrads((x: Array) => np.sin(x).mul(x).sum(), [np.array([0.3, -1.2, 2])], { order: 3 })).not.toThrow();
    expect(() => checkGrads((x: Array, y: Array) => np.matmul(x, np.tanh(y)), [np.array([[1, 2.0]]), np.array([[0.5], [-0.25]])])).not.toThrow();
  });

  it('takes pytree arguments and outputs', () => {
    const f = (a: { x: Array; y: Array }, b: Array) => ({ p: a.x.mul(b), q: [np.exp(a.y).sum()] });
    expect(() => checkGrads(f, [{ x: np.array([1, 2.0]), y: np.array([[3.0]]) }, np.array(0.5)], { order: 2 })).not.toThrow();
  });

  it('passes on a correct customJvp and customVjp rule', () => {
    const sin = customJvp((x: Array) => np.sin(x), { jvp: ([x]: Array[], [t]: Array[]) => [np.sin(x), t.mul(np.cos(x))] });
    const exp = customVjp((x: Array) => np.exp(x), { fwd: (x: Array) => [np.exp(x), np.exp(x)], bwd: (e: Array, ct: Array) => [ct.mul(e)] });
    expect(() => checkGrads(sin, [np.array([0.3, 1.1])], { order: 2 })).not.toThrow();
    // A second forward derivative through customVjp residuals is a documented limitation: rev over rev only.
    expect(() => checkGrads(exp, [np.array([0.3, 1.1])], { order: 2, modes: ['rev'] })).not.toThrow();
    expect(() => checkGrads(exp, [np.array([0.3, 1.1])], { order: 1, modes: ['fwd'] })).not.toThrow();
  });

  it('catches a wrong customJvp rule in fwd and rev mode, naming order, mode and values', () => {
    // The rule says d sin = sin · t (it should be cos · t).
    const bad = customJvp((x: Array) => np.sin(x), { jvp: ([x]: Array[], [t]: Array[]) => [np.sin(x), t.mul(np.sin(x))] });
    const x = np.array([0.3, 1.1]);
    expect(() => checkGrads(bad, [x], { order: 1, modes: ['fwd'] })).toThrow(GradCheckError);
    expect(() => checkGrads(bad, [x], { order: 1, modes: ['fwd'] })).toThrow(/order 1, mode 'fwd' \(jvp\): jvp tangent vs central differences: output leaf 0, element 0: expected [-0-9.]+, got [-0-9.]+/);
    expect(() => checkGrads(bad, [x], { order: 1, modes: ['rev'] })).toThrow(/order 1, mode 'rev' \(vjp\): <ct, J t> by central differences is [-0-9.]+ but <vjp\(ct\), t> is [-0-9.]+/);
  });

  it('catches a rule that is right at first order and wrong at second, in the nested check', () => {
    // d(x³) = 3x² t, but with x² behind stopGradient the rule's own derivative in x is lost.
    const cube = customJvp((x: Array) => x.mul(x).mul(x), {
      jvp: ([x]: Array[], [t]: Array[]) => [x.mul(x).mul(x), t.mul(stopGradient(x.mul(x))).mul(3)],
    });
    const x = np.array([0.7, -1.3]);
    expect(() => checkGrads(cube, [x], { order: 1 })).not.toThrow();
    expect(() => checkGrads(cube, [x], { order: 2, modes: ['fwd'] })).toThrow(/order 2, mode 'fwd' of the jvp \(jvp\): jvp tangent vs central differences/);
    expect(() => checkGrads(cube, [x], { order: 2, modes: ['rev'] })).toThrow(/order 2, mode 'rev' of the vjp \(vjp\)/);
  });

  it('rejects bad options and non-float arguments with a clear error', () => {
    const f = (x: Array) => x.mul(2);
    expect(() => checkGrads(f, [np.array([1, 2], { dtype: 'int32' })])).toThrow(/checkGrads: argument leaf 0 is int32\[2\]; checkGrads differentiates float arguments only/);
    expect(() => checkGrads(f, [np.array([1.0])], { order: 0 })).toThrow(/order must be a positive integer, got 0/);
    expect(() => checkGrads(f, np.array([1.0]) as unknown as Array[])).toThrow(/args must be the argument list/);
  });

  it('checks float32 arguments with float32 tolerances, on the CPU and moved from test-f32', async () => {
    const x = np.array([0.3, 1.1], { dtype: 'float32' });
    expect(() => checkGrads((v: Array) => np.tanh(v).mul(v), [x])).not.toThrow();
    const onDevice = devicePut(x, TEST_F32);
    expect(() => checkGrads((v: Array) => v.mul(v), [onDevice])).toThrow(/cannot read .* synchronously/);
    const back = np.array(await onDevice.data(), { shape: onDevice.shape, dtype: onDevice.dtype });
    expect(() => checkGrads((v: Array) => v.mul(v), [back])).not.toThrow();
  });
});
