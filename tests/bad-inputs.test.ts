/**
 * The bad-input catalogue: wrong calls a new user makes, one row each. Every row asserts the error
 * class, that the message names the function, the offending shapes/dtypes/structure and the fix,
 * and that the library still works afterwards (a failed call must leave no trace, cache entry or
 * half-built state behind).
 */
import { describe, expect, it } from 'vitest';
import {
  type Array, ConcretizationError, customVjp, ShapeError, UnexpectedTracerError, devicePut, grad, jacrev, jit, jvp, lax, np, random, vjp, vmap,
} from '../lib/index.js';
import { TEST_F32 } from './backends/test-f32.js';
import { definePrimitive } from '../lib/core/primitive.js';
import { bind1 } from '../lib/core/trace.js';
import { shapeStr } from '../lib/core/errors.js';

type ErrorClass = new (...args: never[]) => Error;

interface Case {
  /** What the user wrote, as they wrote it. */
  readonly call: string;
  readonly run: () => unknown;
  readonly error: ErrorClass;
  /** The function's name, the offending shapes/dtypes/structure, and the fix, each a pattern. */
  readonly says: readonly RegExp[];
}

// Untyped callers (JS, or values from JSON) reach the API with wrong types; the casts stand for them.
const loose = <T>(x: unknown): T => x as T;
const x3 = () => np.array([1, 2, 3]);
const m23 = () => np.zeros([2, 3]);
let leaked: Array | undefined;

const CASES: readonly Case[] = [
  // creation
  { call: 'np.full([2], undefined)', run: () => np.full([2], loose(undefined)), error: TypeError, says: [/np\.full/, /fill value/, /got undefined/] },
  { call: 'np.arange(undefined)', run: () => np.arange(loose(undefined)), error: TypeError, says: [/np\.arange/, /stop must be a finite number/, /got undefined/] },
  { call: 'np.arange(0, Infinity)', run: () => np.arange(0, Infinity), error: TypeError, says: [/np\.arange/, /Infinity/, /np\.arange\(start, stop, step\)/] },
  { call: 'np.zeros(undefined)', run: () => np.zeros(loose(undefined)), error: TypeError, says: [/np\.zeros/, /got undefined/, /\[2, 3\]/] },
  { call: 'np.zeros(x)', run: () => np.zeros(loose(x3())), error: TypeError, says: [/np\.zeros/, /Array f64\[3\]/, /x\.shape/] },
  { call: "np.ones('3')", run: () => np.ones(loose('3')), error: TypeError, says: [/np\.ones/, /string "3"/, /non-negative integer/] },
  { call: 'np.ones([2, -1])', run: () => np.ones([2, -1]), error: ShapeError, says: [/np\.ones/, /\[2,-1\]/, /non-negative integers/] },
  { call: 'np.full([1.5], 0)', run: () => np.full([1.5], 0), error: ShapeError, says: [/np\.full/, /\[1\.5\]/, /non-negative integers/] },
  { call: "np.zeros([2], { dtype: 'int64' })", run: () => np.zeros([2], { dtype: loose('int64') }), error: TypeError, says: [/np\.zeros/, /int64/, /'int32'/] },
  { call: 'np.array([[1, 2], [3]])', run: () => np.array([[1, 2], [3]]), error: ShapeError, says: [/np\.array/, /ragged/, /\[2,2\]/, /\[1\]/] },
  { call: "np.array([['a']])", run: () => np.array([['a']]), error: TypeError, says: [/np\.array/, /string/, /numbers or booleans/] },
  { call: 'np.arange(0, 5, 0)', run: () => np.arange(0, 5, 0), error: RangeError, says: [/np\.arange/, /step/, /zero/] },
  { call: 'np.linspace(0, 1, -1)', run: () => np.linspace(0, 1, -1), error: RangeError, says: [/np\.linspace/, /-1/, /non-negative integer/] },
  { call: 'np.eye(-1)', run: () => np.eye(-1), error: ShapeError, says: [/np\.eye/, /-1/, /non-negative/] },
  // math
  { call: 'np.add(zeros([2, 3]), zeros([4]))', run: () => np.add(m23(), np.zeros([4])), error: ShapeError, says: [/np\.add/, /\[2,3\]/, /\[4\]/, /np\.expandDims/] },
  { call: 'np.subtract(bools, bools)', run: () => np.subtract(np.array([true]), np.array([false])), error: TypeError, says: [/np\.subtract/, /bool/, /logicalXor|astype/] },
  { call: 'np.add([1, 2], 1)', run: () => np.add(loose([1, 2]), 1), error: TypeError, says: [/np\.add/, /a JS array of length 2/, /np\.array/] },
  { call: "np.sin('x')", run: () => np.sin(loose('x')), error: TypeError, says: [/np\.sin/, /string "x"/, /np\.array/] },
  { call: "np.clip(x, 'a', 1)", run: () => np.clip(x3(), loose('a'), 1), error: TypeError, says: [/np\.clip/, /string "a"/, /np\.array/] },
  { call: 'np.where(zeros([2]), zeros([3]), 1)', run: () => np.where(np.zeros([2]), np.zeros([3]), 1), error: ShapeError, says: [/np\.where/, /\[2\]/, /\[3\]/] },
  // reductions
  { call: "x.sum('0')", run: () => x3().sum(loose('0')), error: TypeError, says: [/np\.sum/, /string "0"/, /rank 1/, /write 0 without quotes/] },
  { call: 'np.mean(x, 1.5)', run: () => np.mean(m23(), 1.5), error: TypeError, says: [/np\.mean/, /1\.5/, /integer in \[-2, 1\]/] },
  { call: 'np.sum(zeros([2, 3]), 2)', run: () => np.sum(m23(), 2), error: ShapeError, says: [/np\.sum/, /axis 2/, /rank 2/, /-2 to 1|\[-2, 1\]/] },
  { call: 'np.sum(x, [0, -2])', run: () => np.sum(m23(), [0, -2]), error: ShapeError, says: [/np\.sum/, /repeated axis/, /\[0,-2\]/, /name each axis once/] },
  { call: 'np.argmax(x, 5)', run: () => np.argmax(m23(), 5), error: ShapeError, says: [/np\.argmax/, /axis 5/, /rank 2/] },
  { call: "np.cumsum(x, 'a')", run: () => np.cumsum(m23(), loose('a')), error: TypeError, says: [/np\.cumsum/, /string "a"/, /integer/] },
  // shape
  { call: 'np.reshape(zeros([2, 3]), [4, 2])', run: () => np.reshape(m23(), [4, 2]), error: ShapeError, says: [/np\.reshape/, /\[2,3\]/, /\[4,2\]/] },
  { call: "np.reshape(x, '6')", run: () => np.reshape(m23(), loose('6')), error: TypeError, says: [/np\.reshape/, /string "6"/, /\[2, -1\]/] },
  { call: 'np.reshape(x, undefined)', run: () => np.reshape(m23(), loose(undefined)), error: TypeError, says: [/np\.reshape/, /got undefined/, /integer or a JS array/] },
  { call: "np.transpose(x, '10')", run: () => np.transpose(m23(), loose('10')), error: TypeError, says: [/np\.transpose/, /string "10"/, /\[1, 0\]/] },
  { call: 'np.concatenate(x)', run: () => np.concatenate(loose(m23())), error: TypeError, says: [/np\.concatenate/, /Array f64\[2,3\]/, /np\.concatenate\(\[x, y\]\)/] },
  { call: 'np.transpose(zeros([2, 3]), [0])', run: () => np.transpose(m23(), [0]), error: ShapeError, says: [/np\.transpose/, /\[2,3\]/, /\[0\]/] },
  { call: 'np.concatenate([zeros([2, 3]), zeros([2, 4])])', run: () => np.concatenate([m23(), np.zeros([2, 4])]), error: ShapeError, says: [/np\.concatenate/, /\[2,3\]/, /\[2,4\]/] },
  { call: 'np.stack([zeros([2]), zeros([3])])', run: () => np.stack([np.zeros([2]), np.zeros([3])]), error: ShapeError, says: [/np\.stack/, /\[2\]/, /\[3\]/] },
  { call: 'np.squeeze(zeros([2, 3]), 0)', run: () => np.squeeze(m23(), 0), error: ShapeError, says: [/np\.squeeze/, /axis 0/, /\[2,3\]|size 2/] },
  { call: 'np.expandDims(zeros([2, 3]), 3)', run: () => np.expandDims(m23(), 3), error: ShapeError, says: [/np\.expandDims/, /axis 3/] },
  // indexing
  { call: 'x.slice(5)', run: () => x3().slice(5), error: ShapeError, says: [/slice/, /index 5/, /size 3/] },
  { call: 'np.take(x, [0.5])', run: () => np.take(x3(), np.array([0.5])), error: TypeError, says: [/np\.take/, /int/] },
  // linalg
  { call: 'np.matmul(zeros([2]), zeros([3, 3]))', run: () => np.matmul(np.zeros([2]), np.zeros([3, 3])), error: ShapeError, says: [/np\.matmul/, /\[2\] @ \[3,3\]/, /2 != 3/, /transpose/] },
  { call: 'np.dot(zeros([2]), zeros([3]))', run: () => np.dot(np.zeros([2]), np.zeros([3])), error: ShapeError, says: [/np\.dot/, /\[2\]/, /\[3\]/, /must equal the length of the second/] },
  { call: 'np.linalg.inv(zeros([2, 3]))', run: () => np.linalg.inv(m23()), error: ShapeError, says: [/inv/, /\[2,3\]/, /square/] },
  { call: 'np.linalg.cholesky(zeros([3]))', run: () => np.linalg.cholesky(np.zeros([3])), error: ShapeError, says: [/cholesky/, /\[3\]/] },
  { call: "np.einsum('ij,jk->ik', zeros([2, 3]), zeros([2, 3]))", run: () => np.einsum('ij,jk->ik', m23(), m23()), error: ShapeError, says: [/np\.einsum/, /j/, /3/, /2/] },
  // transforms
  { call: 'grad(x => x.mul(2))(x)', run: () => grad((x: Array) => x.mul(2))(x3()), error: TypeError, says: [/^grad:/, /f64\[3\]/, /scalar/, /jacrev or vjp/] },
  { call: 'grad(3)', run: () => grad(loose(3)), error: TypeError, says: [/^grad: the first argument must be the function/, /got number/] },
  { call: 'jit(3)', run: () => jit(loose(3)), error: TypeError, says: [/^jit: the first argument must be the function/, /got number/] },
  { call: "jacrev('f')", run: () => jacrev(loose('f')), error: TypeError, says: [/^jacrev: the first argument must be the function/, /got string/] },
  { call: "grad(f)(int32 x)", run: () => grad((x: Array) => x.sum())(np.array([1], { dtype: 'int32' })), error: TypeError, says: [/grad/, /int32/, /allowInt/] },
  { call: "grad(x => 'a')(x)", run: () => grad(loose<(x: Array) => Array>(() => 'a'))(x3()), error: TypeError, says: [/grad/i, /string/, /return Arrays/] },
  { call: 'vmap(f, [0, 0, 0])(a, {a, b})', run: () => vmap((a: Array, _b: unknown) => a, [0, 0, 0])(x3(), { a: x3(), b: x3() }), error: TypeError, says: [/vmap/, /inAxes has 3 entries but f takes 2 arguments/, /\(Array f64\[3\], \{a: Array f64\[3\], b: Array f64\[3\]\}\)/, /one entry per argument/] },
  { call: 'vmap(f, [0, { a: 0 }])(a, {a, b})', run: () => vmap((a: Array, _b: unknown) => a, [0, { a: 0 }])(x3(), { a: x3(), b: x3() }), error: TypeError, says: [/vmap/, /inAxes\[1\] is \{"a":0\}, but the argument there is \{a: Array f64\[3\], b: Array f64\[3\]\}/, /same keys/] },
  { call: 'vmap(f, 0, [0, 0, 0])(x) with two outputs', run: () => vmap((a: Array) => [a, a], 0, [0, 0, 0])(x3()), error: TypeError, says: [/vmap/, /outAxes is \[0,0,0\]/, /f returns \[Array f64\[\], Array f64\[\]\]/, /same keys\/length/] },
  { call: 'vmap(add)(zeros([3]), zeros([4]))', run: () => vmap(np.add)(np.zeros([3]), np.zeros([4])), error: TypeError, says: [/vmap/, /different sizes/, /f64\[3\]/, /f64\[4\]/, /null in inAxes/] },
  { call: 'vmap(f, 2)(zeros([3]))', run: () => vmap((a: Array) => a, 2)(np.zeros([3])), error: RangeError, says: [/vmap/, /inAxes 2/, /\[3\]/, /valid axes are -1 to 0/] },
  { call: 'vmap(3)', run: () => vmap(loose(3))(x3()), error: TypeError, says: [/vmap/, /number/, /vmap\(f, inAxes\)/] },
  { call: 'vmap(f, null)(x)', run: () => vmap((a: Array) => a, null)(x3()), error: TypeError, says: [/vmap/, /no argument is mapped/, /axisSize/] },
  { call: 'vmap(a => matmul(a, zeros([3, 3])))(zeros([4, 2]))', run: () => vmap((a: Array) => np.matmul(a, np.zeros([3, 3])))(np.zeros([4, 2])), error: ShapeError, says: [/np\.matmul/, /\[2\] @ \[3,3\]/] },
  { call: 'jit(x => x.sum() > 0 ? ...)', run: () => jit((x: Array) => (Number(x.sum().item()) > 0 ? x : x.neg()))(x3()), error: ConcretizationError, says: [/jit/, /lax\.cond/] },
  { call: 'jit(x => x.dataSync())', run: () => jit((x: Array) => np.array(x.dataSync()))(x3()), error: ConcretizationError, says: [/jit/, /f64\[3\]/] },
  { call: 'a leaked tracer used after jit', run: () => { jit((x: Array) => { leaked = x; return x; })(x3()); return np.add(leaked!, 1); }, error: UnexpectedTracerError, says: [/Tracer f64\[3\]/, /leaked/, /Return it as an output/] },
  { call: 'jvp(f, [x], [zeros([2])])', run: () => jvp((x: Array) => x.sin(), [x3()], [np.zeros([2])]), error: TypeError, says: [/jvp/, /f64\[3\]/, /f64\[2\]/] },
  { call: "jvp(f, [x], [int32 t])", run: () => jvp((x: Array) => x.sin(), [x3()], [np.zeros([3], { dtype: 'int32' })]), error: TypeError, says: [/jvp/, /i32\[3\]/, /f64\[3\]/, /must match/] },
  { call: 'vjp(f, [x])[1](zeros([2]))', run: () => vjp((x: Array) => x.sin(), [x3()])[1](np.zeros([2])), error: TypeError, says: [/vjp/, /f64\[3\]/, /f64\[2\]/] },
  // lax control flow
  { call: 'lax.cond(p, () => zeros([2]), () => zeros([3]))', run: () => jit((p: Array) => lax.cond(p, () => np.zeros([2]), () => np.zeros([3])))(np.array(true)), error: TypeError, says: [/lax\.cond/, /f64\[2\]/, /f64\[3\]/] },
  { call: 'lax.scan(body that grows the carry)', run: () => lax.scan((c: Array, xi: Array) => [np.concatenate([c, xi.reshape([1])]), xi], np.zeros([1]), x3()), error: TypeError, says: [/lax\.scan/, /carry/, /f64\[1\]/, /f64\[2\]/] },
  { call: 'lax.scan over xs of different lengths', run: () => lax.scan((c: Array, [a, b]: Array[]) => [c, a.add(b)], np.zeros([]), [np.zeros([3]), np.zeros([4])]), error: TypeError, says: [/lax\.scan/, /3/, /4/] },
  { call: 'grad(lax.whileLoop ...)', run: () => grad((x: Array) => lax.whileLoop((c: Array) => np.less(c, 10), (c: Array) => c.mul(2), x))(np.array(1.0)), error: TypeError, says: [/whileLoop/, /scan|foriLoop/] },
  { call: 'lax.foriLoop(body changing dtype)', run: () => lax.foriLoop(0, 3, (_i: Array, c: Array) => c.astype('int32'), np.zeros([2])), error: TypeError, says: [/^lax\.foriLoop:/, /f64\[2\]/, /i32\[2\]/] },
  { call: "np.zeros([2], { device: 'tpu' })", run: () => np.zeros([2], { device: 'tpu' }), error: Error, says: [/^np\.zeros: no device 'tpu'/, /'cpu'/, /devices\(\)/] },
  { call: "devicePut(float64 x, 'test-f32')", run: () => devicePut(x3(), TEST_F32), error: TypeError, says: [/^devicePut: device 'test-f32' has no float64/, /astype\('float32'\)/] },
  // random keys
  { call: "random.key('a')", run: () => random.key(loose('a')), error: TypeError, says: [/random\.key/, /string "a"/, /random\.key\(0\)/] },
  { call: "random.foldIn(key, 'a')", run: () => random.foldIn(random.key(0), loose('a')), error: TypeError, says: [/random\.foldIn/, /string "a"/, /integer scalar/] },
  { call: 'random.normal(0, [2])', run: () => random.normal(loose(0), [2]), error: TypeError, says: [/random\.normal/, /the number 0/, /random\.key\(seed\)/] },
  { call: 'random.uniform(np.array([0, 0]), [2])', run: () => random.uniform(np.array([0, 0]), [2]), error: TypeError, says: [/random\.uniform/, /Array f64\[2\]/, /random\.key\(seed\)/] },
  { call: 'random.normal(split(key, 3), [2])', run: () => random.normal(random.split(random.key(0), 3), [2]), error: TypeError, says: [/random\.normal/, /\[3,2\]/, /vmap/] },
  { call: "random.uniform(key, [2], { dtype: 'int32' })", run: () => random.uniform(random.key(0), [2], { dtype: 'int32' }), error: TypeError, says: [/random\.uniform/, /int32/, /'float32' or 'float64'/, /random\.bits/] },
  { call: "random.normal(key, '3')", run: () => random.normal(random.key(0), loose('3')), error: TypeError, says: [/random\.normal/, /string "3"/, /\[2, 3\]/] },
  { call: 'random.split(key, -1)', run: () => random.split(random.key(0), -1), error: ShapeError, says: [/random\.split/, /-1/, /non-negative/] },
  // devices and dtypes
  { call: "x.astype('complex64')", run: () => x3().astype(loose('complex64')), error: TypeError, says: [/astype/, /complex64/, /float32/] },
  { call: "np.zeros([2], { device: 'tpu' })", run: () => np.zeros([2], { device: 'tpu' }), error: Error, says: [/tpu/, /cpu/] },
  { call: "devicePut(float64 x, 'test-f32')", run: () => devicePut(x3(), TEST_F32), error: TypeError, says: [/float64/, /test-f32/, /astype\('float32'\)/] },
  { call: 'x used after x.dispose()', run: () => { const x = np.array([1, 2], { device: TEST_F32, dtype: 'float32' }); x.dispose(); return x.add(1); }, error: ReferenceError, says: [/f32\[2\]/, /disposed/, /scope/] },
];

function messageOf(run: () => unknown): unknown {
  try { run(); } catch (e) { return e; }
  return undefined;
}

describe('bad-input catalogue', () => {
  it('has at least 40 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES.map((c) => [c.call, c] as const))('%s', (_call, c) => {
    const err = messageOf(c.run);
    expect(err, `${c.call} should throw`).toBeInstanceOf(c.error);
    const msg = (err as Error).message;
    for (const p of c.says) expect(msg, `${c.call}: ${msg}`).toMatch(p);
    // The next computation still works, eagerly and under a transform.
    expect(np.add(np.array([1, 2]), 1).dataSync()).toEqual(Float64Array.of(2, 3));
    expect(grad((v: Array) => v.mul(v).sum())(np.array([3])).dataSync()).toEqual(Float64Array.of(6));
    expect(jit((v: Array) => v.mul(2))(np.array([1, 2])).dataSync()).toEqual(Float64Array.of(2, 4));
  });
});

describe('errors raised inside vmap describe per-example shapes', () => {
  // A primitive whose batching rule rejects its batched operand, as a buggy rule would: the
  // user only ever wrote per-example values, so those are what the message must show first.
  const Picky = definePrimitive({
    name: 'bad_inputs_picky',
    abstractEval: (avals) => [avals[0]],
    vmap: ([x]) => { throw new ShapeError(`picky: rank-1 operands only, got ${shapeStr(x.shape)}`); },
  });

  it('re-describes a ShapeError from a batching rule with the per-example avals', () => {
    let err: unknown;
    try { vmap((x: Array) => bind1(Picky, [x]))(np.zeros([4, 2])); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ShapeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^vmap: 'bad_inputs_picky' on per-example inputs \(f64\[2\]\) failed when batched over 4 examples/);
    expect(msg).toMatch(/got \[4,2\]/);
    expect((err as Error).cause).toBeInstanceOf(ShapeError);
    expect(vmap((x: Array) => x.mul(2))(np.array([1, 2])).dataSync()).toEqual(Float64Array.of(2, 4));
  });
});

describe('errors found by writing the guides', () => {
  it('jvp of a customVjp whose bwd is not linear names the rule and the way out', () => {
    const f = customVjp((x: np.Array) => x.mul(x), { fwd: (x: np.Array) => [x.mul(x), x], bwd: (x: np.Array, ct: np.Array) => [np.clip(ct, -1, 1).mul(x)] });
    expect(() => jvp(f, [np.array(2)], [np.array(1)])).toThrow(/customVjp: forward mode \(jvp, jacfwd, hessian\) .* bwd must be linear in the cotangent ct.*'min'.*customJvp/);
  });

  it('a traced argument used as a shape points to staticArgnums', () => {
    const g = jit((x: np.Array, n: np.Array) => np.zeros([n as unknown as number]).add(x.sum()));
    expect(() => g(np.ones([2]), 3 as unknown as np.Array)).toThrow(/np.zeros: invalid shape .*staticArgnums/);
  });

  it('a collective outside vmap names itself', () => {
    expect(() => lax.pmean(np.ones([2]), 'p')).toThrow(/^lax.pmean: unbound axis name "p"; no vmap names an axis here/);
  });
});
