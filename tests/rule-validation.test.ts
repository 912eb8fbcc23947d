/**
 * User-supplied rules and callbacks are checked as JAX checks them: a customJvp/customVjp rule,
 * a customRoot or customLinearSolve solver, and a cond/switch selector of the wrong structure,
 * shape or dtype is a TypeError naming the rule, the expected and the actual aval and the fix;
 * nothing is broadcast or cast silently. Trace-time errors: plain tests on the default device.
 */
import { describe, expect, it } from 'vitest';
import { np, grad, jvp, jit, lax, customJvp, customVjp } from '../lib/index.js';

/** A computation that must keep working after a rejected call. */
function nextStillWorks(): void {
  expect(grad((x: np.Array) => x.mul(x).sum())(np.array([1, 2])).js()).toEqual([2, 4]);
  expect(lax.cond(true, (a: np.Array) => a.mul(2), (a: np.Array) => a, np.array(3)).js()).toBe(6);
}

/** `f` throws a TypeError whose message matches every pattern; then the library still works. */
function rejects(f: () => unknown, ...patterns: RegExp[]): void {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(TypeError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  nextStillWorks();
}

const x3 = () => np.array([1, 2, 3]);

describe('customJvp rule outputs are validated', () => {
  it('rejects a tangent of the wrong shape instead of broadcasting it', () => {
    const f = customJvp((x: np.Array) => x.mul(2), { jvp: ([x]: np.Array[], [t]: np.Array[]) => [x.mul(2), t.sum()] });
    rejects(() => jvp(f, [x3()], [np.ones([3])]), /^customJvp: the rule's tangent output leaf 0 is f64\[\] but must be f64\[3\]/, /nothing is broadcast/, /np\.broadcastTo/);
    rejects(() => grad((x: np.Array) => f(x).sum())(x3()), /tangent output leaf 0 is f64\[\] but must be f64\[3\]/);
  });

  it('rejects a primal output that differs from the function\'s', () => {
    const f = customJvp(function double(x: np.Array) { return x.mul(2); }, { jvp: ([x]: np.Array[], [t]: np.Array[]) => [x.sum(), t.mul(2)] });
    rejects(() => jvp(f, [x3()], [np.ones([3])]), /customJvp: the rule's primal output leaf 0 is f64\[\] but must be f64\[3\]/, /equal to double\(\.\.\.primals\)/);
  });

  it('rejects a tangent of the wrong dtype instead of casting it', () => {
    const f = customJvp((x: np.Array) => x.mul(2), { jvp: ([x]: np.Array[], [t]: np.Array[]) => [x.mul(2), t.mul(2).astype('float32')] });
    rejects(() => jvp(f, [x3()], [np.ones([3])]), /tangent output leaf 0 is f32\[3\] but must be f64\[3\]/, /astype/);
  });

  it('rejects a tangent of another structure and a rule that does not return a pair', () => {
    const f = customJvp((x: np.Array) => [x, x.sum()], { jvp: ([x]: np.Array[], [t]: np.Array[]) => [[x, x.sum()], t] });
    rejects(() => jvp(f, [x3()], [np.ones([3])]), /customJvp: the rule's tangent output has structure \* but must have structure \[\*, \*\]/);
    const g = customJvp((x: np.Array) => x, { jvp: ([x]: np.Array[]) => x });
    rejects(() => jvp(g, [x3()], [np.ones([3])]), /customJvp: the jvp rule of f must return \[out, tangentOut\], got an object/);
  });

  it('accepts a JS number as the tangent of a scalar output (weakly typed, as in JAX)', () => {
    const f = customJvp((x: np.Array) => x.sum(), { jvp: ([x]: np.Array[]) => [x.sum(), 0] });
    const [y, t] = jvp(f, [x3()], [np.ones([3])]) as np.Array[];
    expect([y.js(), t.js(), t.dtype]).toEqual([6, 0, 'float64']);
  });
});

describe('customVjp fwd and bwd outputs are validated', () => {
  const fwdOk = (x: np.Array) => [x.mul(2), null];

  it('rejects a fwd whose output differs from the function\'s', () => {
    const f = customVjp(function twice(x: np.Array) { return x.mul(2); }, { fwd: (x: np.Array) => [x.sum(), null], bwd: (_r: null, ct: np.Array) => [ct.mul(2)] });
    rejects(() => grad((x: np.Array) => f(x).sum())(x3()), /customVjp: fwd's output leaf 0 is f64\[\] but must be f64\[3\]/, /equal to twice\(\.\.\.args\)/);
  });

  it('rejects a cotangent of the wrong shape (smaller, or a scalar that used to be broadcast)', () => {
    const short = customVjp((x: np.Array) => x.mul(2), { fwd: fwdOk, bwd: () => [np.array([1, 2])] });
    rejects(() => grad((x: np.Array) => short(x).sum())(x3()), /customVjp: bwd's cotangent for argument 0 leaf 0 is f64\[2\] but must be f64\[3\]/, /null for a zero cotangent/);
    const scalar = customVjp((x: np.Array) => x.mul(2), { fwd: fwdOk, bwd: (_r: null, ct: np.Array) => [ct.sum()] });
    rejects(() => grad((x: np.Array) => scalar(x).sum())(x3()), /cotangent for argument 0 leaf 0 is f64\[\] but must be f64\[3\]/);
  });

  it('rejects a cotangent of the wrong dtype instead of casting it', () => {
    const f = customVjp((x: np.Array) => x.mul(2), { fwd: fwdOk, bwd: (_r: null, ct: np.Array) => [ct.mul(2).astype('float32')] });
    rejects(() => grad((x: np.Array) => f(x).sum())(x3()), /cotangent for argument 0 leaf 0 is f32\[3\] but must be f64\[3\]/);
  });

  it('names the differentiable arguments when bwd returns the wrong number of cotangents', () => {
    const f = customVjp((k: number, x: np.Array, y: np.Array) => x.mul(y).mul(k), {
      nondiffArgnums: [0], fwd: (k: number, x: np.Array, y: np.Array) => [x.mul(y).mul(k), [x, y]],
      bwd: (k: number, [x, y]: np.Array[], ct: np.Array) => [ct.mul(y).mul(k), ct.mul(x).mul(k), null],
    });
    rejects(() => grad((x: np.Array) => f(2, x, np.array(3)))(np.array(1)), /customVjp: bwd must return an array with one cotangent per differentiable argument \(2\) of f, got 3 cotangents; the differentiable arguments are 1, 2 \(nondiffArgnums 0 get none\)/);
  });

  it('allows null for a zero cotangent', () => {
    const f = customVjp((x: np.Array, y: np.Array) => x.mul(y), { fwd: (x: np.Array, y: np.Array) => [x.mul(y), y], bwd: (y: np.Array, ct: np.Array) => [ct.mul(y), null] });
    expect(grad((x: np.Array, y: np.Array) => f(x, y), { argnums: [0, 1] })(np.array(2), np.array(5)).map((g: np.Array) => g.js())).toEqual([5, 0]);
  });

  it('checks nondiffArgnums against the call', () => {
    const mk = (nd: number[]) => customVjp((k: number, x: np.Array) => x.mul(k), { nondiffArgnums: nd, fwd: (k: number, x: np.Array) => [x.mul(k), null], bwd: (k: number, _r: null, ct: np.Array) => [ct.mul(k)] });
    let err: unknown;
    try { mk([2])(2, np.array(1)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/customVjp: nondiffArgnums 2 is out of range for a call with 2 arguments/);
    rejects(() => mk([0, 0])(2, np.array(1)), /customVjp: nondiffArgnums \[0, 0\] names an argument twice/);
    rejects(() => mk([0.5])(2, np.array(1)), /customVjp: nondiffArgnums must hold integer argument positions, got 0\.5/);
    expect(grad((x: np.Array) => mk([0])(3, x))(np.array(1)).js()).toBe(3);
  });
});

describe('customRoot and customLinearSolve callbacks are validated', () => {
  it('rejects a solve or tangentSolve whose output does not match the guess', () => {
    rejects(() => lax.customRoot((x: np.Array) => x.sub(2), np.array(1.0), () => np.array([2, 2]), (_g: unknown, y: np.Array) => y),
      /lax\.customRoot: solve's output leaf 0 is f64\[2\] but must be f64\[\]/, /solve\(f, guess\) must return/);
    const root = (th: np.Array) => lax.customRoot((x: np.Array) => x.sub(th), np.array(1.0), (_f: unknown, g: np.Array) => g.mul(0).add(th), () => np.array(1.0).astype('float32'));
    rejects(() => grad(root)(np.array(2.0)), /lax\.customRoot: tangentSolve's output leaf 0 is f32\[\] but must be f64\[\]/, /tangentSolve\(g, y\)/);
    rejects(() => lax.customRoot((x: np.Array) => x.sum(), np.array([1.0, 2.0]), (_f: unknown, g: np.Array) => g, (_g: unknown, y: np.Array) => y),
      /lax\.customRoot: f's output leaf 0 is f64\[\] but must be f64\[2\]/);
  });

  it('rejects a solve, transposeSolve or matvec whose output does not match b', () => {
    const b = np.array([1.0, 2.0]);
    const mv = (x: np.Array) => x.mul(2);
    rejects(() => lax.customLinearSolve(mv, b, (_m: unknown, v: np.Array) => v.sum()), /lax\.customLinearSolve: solve's output leaf 0 is f64\[\] but must be f64\[2\]/, /x = A⁻¹b/);
    rejects(() => lax.customLinearSolve(mv, b, (_m: unknown, v: np.Array) => v.div(2).astype('float32')), /solve's output leaf 0 is f32\[2\] but must be f64\[2\]/);
    rejects(() => lax.customLinearSolve(mv, b, (_m: unknown, v: np.Array) => v.div(2), () => np.zeros([3])), /transposeSolve's output leaf 0 is f64\[3\] but must be f64\[2\]/);
    rejects(() => lax.customLinearSolve((x: np.Array) => x.sum(), b, (_m: unknown, v: np.Array) => v), /matvec's output leaf 0 is f64\[\] but must be f64\[2\]/);
    expect(lax.customLinearSolve(mv, b, (_m: unknown, v: np.Array) => v.div(2)).js()).toEqual([0.5, 1]);
  });
});

describe('cond predicates and switch indices follow JAX', () => {
  const neg = (a: np.Array) => a.neg();
  const id = (a: np.Array) => a;

  it('lax.cond takes a boolean or any number (nonzero is true, NaN included), as jax.lax.cond does', () => {
    expect(lax.cond(np.array(0.5), id, neg, np.array(3)).js()).toBe(3);
    expect(lax.cond(0, id, neg, np.array(3)).js()).toBe(-3);
    expect(lax.cond(NaN, id, neg, np.array(3)).js()).toBe(3);
    expect(jit((p: np.Array) => lax.cond(p, id, neg, np.array(3)))(np.array(0.0)).js()).toBe(-3);
  });

  it('lax.cond rejects a predicate that is not a boolean or number scalar', () => {
    rejects(() => lax.cond('yes' as unknown as boolean, id, neg, np.array(3)), /^lax\.cond: the predicate must be a scalar, got string; pass a boolean, a number or a scalar Array/);
    rejects(() => lax.cond(undefined as unknown as boolean, id, neg, np.array(3)), /lax\.cond: the predicate must be a scalar, got undefined/);
  });

  it('lax.switch rejects a fractional, NaN, float or boolean index, eager and traced', () => {
    const sw = (i: unknown) => lax.switch(i as number, [id, neg], np.array(3));
    rejects(() => sw(1.5), /^lax\.switch: the index must be an integer, got 1\.5; round it first/);
    rejects(() => sw(NaN), /lax\.switch: the index must be an integer, got NaN/);
    rejects(() => sw(np.array(1.0)), /lax\.switch: the index must be an integer scalar \(int32\), got f64\[\]; convert it with np\.floor\(i\)\.astype\('int32'\)/);
    rejects(() => sw(true), /got bool\[\].*use lax\.cond for a boolean/);
    rejects(() => jit((i: np.Array) => sw(i))(np.array(1.0)), /lax\.switch: the index must be an integer scalar \(int32\), got f64\[\]/);
    rejects(() => sw('1'), /lax\.switch: the index must be a scalar, got string/);
    expect(sw(1).js()).toBe(-3);
    expect(sw(np.array(5, { dtype: 'int32' })).js()).toBe(-3);
    expect(jit((i: np.Array) => sw(i))(np.array(0, { dtype: 'int32' })).js()).toBe(3);
  });
});
