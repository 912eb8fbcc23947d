/**
 * The WebAssembly renderer of fused kernels against the JS renderer: whole programs run through
 * the shared runner twice, once with every kernel in JS and once with the CPU backend's choice
 * (WebAssembly wherever it takes the kernel), and every output must agree bit for bit (NaN for
 * NaN), since the backend picks a renderer per kernel. The programs cover both code shapes
 * (streaming elementwise; strided with broadcasts, transposes, reductions, iota, int32 and bool),
 * sizes with partial vectors, and special values. The math's own accuracy is tested in
 * wasm-math.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { grad, makeJaxpr, nn, np } from '../lib/index.js';
import type { Array } from '../lib/index.js';
import { type TypedArray, typedArrayFor } from '../lib/core/dtype.js';
import { size } from '../lib/core/ir.js';
import { Programs } from '../lib/lowering/programs.js';
import type { Kernel } from '../lib/lowering/program.js';
import type { KernelFn, Runtime } from '../lib/lowering/runner.js';
import { getRoutine, routineNames } from '../lib/backends/cpu/routines.js';
import { renderJs } from '../lib/backends/cpu/render-js.js';
import { renderWasm } from '../lib/backends/cpu/render-wasm.js';
import { REDUCTION_CHUNK } from '../lib/backends/cpu/backend.js';

function runtime(kernel: (k: Kernel) => KernelFn<TypedArray>): Runtime<TypedArray> {
  return {
    name: 'render-test',
    alloc: (a) => typedArrayFor(a.dtype, size(a.shape)),
    free: () => {},
    upload: (d) => d.slice(),
    kernel,
    routine: (name) => getRoutine(name),
    readSync: (b) => b,
    readAsync: async (b) => b,
    slice: (b, o, a) => b.subarray(o, o + size(a.shape)),
    write: (dst, o, src) => dst.set(src, o),
  };
}

/** The outputs of f on args with all kernels in JS, and with WebAssembly where it renders; and how many it rendered. */
function both(f: (...xs: Array[]) => Array | Array[], args: Array[]): { js: TypedArray[]; wasm: TypedArray[]; rendered: number } {
  const { jaxpr, consts } = makeJaxpr(f)(...args);
  const ins = [...consts, ...args].map((a) => a.dataSync());
  let rendered = 0;
  const caps = { routines: new Set(routineNames()), reductionChunk: REDUCTION_CHUNK };
  const js = new Programs(caps, runtime(renderJs)).runner(jaxpr).run(ins).outs;
  const wasm = new Programs(caps, runtime((k) => {
    const w = renderWasm(k, () => renderJs(k));
    if (w) rendered++;
    return w ?? renderJs(k);
  })).runner(jaxpr).run(ins).outs;
  return { js, wasm, rendered };
}

function expectIdentical(got: TypedArray[], want: TypedArray[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, j) => {
    const bad = globalThis.Array.from(g).findIndex((v, i) => !Object.is(v, want[j][i]) && !(Number.isNaN(v) && Number.isNaN(want[j][i])));
    if (bad >= 0) expect.fail(`output ${j}, element ${bad}: wasm ${g[bad]}, js ${want[j][bad]}`);
  });
}

/** Values with sign changes, ties at .5, zeros of both signs, and (special) infinities and NaN. */
function data(shape: number[], dtype: 'float32' | 'float64', seed: number, special = false): Array {
  const n = size(shape);
  const v = globalThis.Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 0.731 + seed) * 3 * 4) / 4 + Math.cos(i * 1.37 + 2 * seed) * 0.01 * (i % 3));
  if (special) [NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e300].forEach((s, j) => { if (j * 5 < n) v[j * 5] = s; });
  return np.array(v, { dtype }).reshape(shape);
}

type Program = [string, (...xs: Array[]) => Array | Array[], number[][]];

const PROGRAMS: Program[] = [
  ['tanh(sin(x)·x + 1), streaming over several chunks', (x) => np.tanh(np.sin(x).mul(x).add(1)), [[40_003]]],
  ['exp, log1p, abs, max', (x, y) => np.exp(x.mul(0.5)).add(np.log1p(np.abs(y))).sub(np.maximum(x, y)), [[999], [999]]],
  ['pow, cos, erf, logistic, expm1, log, sqrt', (x, y) => np.power(np.abs(x).add(0.1), y).mul(np.cos(x)).add(nn.sigmoid(y)).mul(np.erf(x)).add(np.expm1(y.mul(0.3))).add(np.log(np.sqrt(np.abs(y).add(1)))), [[1001], [1001]]],
  ['integer powers', (x, y) => np.power(x, 3).add(np.power(y, -2)).sub(np.power(x.add(y), 5)), [[515], [515]]],
  ['a broadcast scalar operand', (x, y) => np.tanh(x.mul(y)).add(2.5), [[333], []]],
  ['softmax over the last axis', (x) => nn.softmax(x, -1), [[37, 13]]],
  ['logsumexp over axis 0, and max/min reductions', (x) => [nn.logsumexp(x, 0), np.max(x, 1), np.min(x.T, 1), np.prod(x.mul(0.1).add(1), 0)], [[41, 19]]],
  ['a full reduction to a scalar', (x) => np.sum(np.exp(x.mul(0.1))).add(np.mean(x)), [[1003]]],
  ['full reductions over strided axes, float and int32', (x) => [np.sum(np.tanh(x.T.mul(x.T))), np.max(x), np.min(x.T.add(1)), np.prod(x.mul(0.01).add(1)), np.sum(x.mul(10).astype('int32')), np.max(x.mul(3).astype('int32'))], [[37, 23]]],
  ['chunked reductions: a full sum and a logsumexp over 10⁵, row sums of 3 × 20 000', (x, y) => [np.sum(np.tanh(x)), nn.logsumexp(x), np.sum(y.mul(y), 1), np.max(y, 1)], [[100_000], [3, 20_000]]],
  ['chunked softmax over 30 000 (an output after both reductions)', (x) => nn.softmax(x.mul(3)), [[30_000]]],
  ['a full sum of terms spread over e^±28 (its order shows)', (x) => np.sum(np.exp(np.sin(np.arange(4001).astype(x.dtype)).mul(28)).mul(x)), [[4001]]],
  ['sin and cos of one argument, in a reduction and beside it', (x) => [np.sum(np.sin(x).mul(np.cos(x)), 1), np.cos(x).sub(np.sin(x)), np.sin(x.mul(2)), np.max(np.cos(x).sub(np.sin(x)), 1)], [[37, 29]]],
  ['the gradient of sum(tanh(sin(x)·x + 1)): sin and cos of x in one kernel', (x) => grad((u: Array) => np.sum(np.tanh(np.sin(u).mul(u).add(1))))(x), [[2053]]],
  ['relu backward: where(x > 0, g, 0)', (x, g) => np.where(np.greater(x, 0), g, 0), [[65, 130], [65, 130]]],
  ['column sums (bias gradient)', (g) => np.sum(g, 0), [[129, 257]]],
  ['a transpose through tanh', (x, y) => np.tanh(x.T).mul(y), [[23, 17], [17, 23]]],
  ['an outer broadcast with sin', (x, y) => np.sin(x.reshape([-1, 1]).add(y.reshape([1, -1]))), [[31], [29]]],
  ['one-hot rows from iota', (x, l) => np.equal(np.arange(10).reshape([1, 10]), np.floor(np.abs(l)).reshape([-1, 1])).astype(x.dtype).mul(x), [[33, 10], [33]]],
  ['int32 arithmetic, sign, and, compare, int sums', (x, y) => {
    const i = x.mul(100).astype('int32');
    const j = y.mul(7).astype('int32');
    return [i.mul(3).add(j).sub(np.maximum(i, j)).add(np.abs(np.minimum(i, j))).add(np.sign(j)), np.sum(i.mul(j), 0), np.bitwiseAnd(i, j).astype(x.dtype), np.less(i, j)];
  }, [[50, 9], [50, 9]]],
  ['bool outputs and bool logic', (x, y) => [np.greater(x, y), np.logicalAnd(np.isfinite(x), np.lessEqual(y, 0.5)), np.logicalNot(np.equal(x, y)).astype(x.dtype).add(y)], [[301], [301]]],
  ['variance, floor/ceil/round/sign', (x) => [np.var(x, 1), np.floor(x).add(np.ceil(x.mul(1.5))).add(np.round(x.mul(2))).add(np.sign(x))], [[24, 35]]],
  ['gathers: along the vector axis (lane by lane), along another (one row move), of bools, nested, and a concatenation', (x, y, m) => {
    const i = np.floor(np.abs(y).mul(7)).astype('int32');
    const rows = np.take(m, i.slice([0, 40]), 0, { mode: 'clip' });
    return [np.take(np.tanh(x), i, 0, { mode: 'clip' }).mul(y), rows.mul(rows), np.take(np.greater(x, 0), i, 0, { mode: 'clip' }),
      np.take(np.take(x, i, 0, { mode: 'clip' }).add(1), i.slice([10, 60]), 0, { mode: 'clip' }), np.concatenate([x.slice([3, 40]), np.sin(y), x.slice([0, 2])]).mul(2)];
  }, [[129], [257], [33, 10]]],
  ['slices of a long buffer (copied in over the span they read): a tail, a reversed run, a column, a gather from a slice', (x, y, m) => {
    const i = np.floor(np.abs(y).mul(9)).astype('int32');
    return [np.tanh(x.slice([4900, 4964]).reshape([8, 8])).add(y.slice([0, 8]).reshape([8, 1])), np.flip(x.slice([1000, 1064])).reshape([8, 8]).mul(y.slice([8, 16])),
      np.sin(m.slice([0, 40], [3, 4]).reshape([40])).mul(y.slice([0, 40])), np.take(x.slice([4000, 4050]), i, 0, { mode: 'clip' }).mul(np.cos(y))];
  }, [[5003], [64], [40, 7]]],
  ['clip, square, divide, max and min of signed zeros', (x, y) => [np.clip(x, -0.5, 0.5).add(np.square(x)).div(y.mul(y).add(1)), np.maximum(x, np.negative(x)), np.minimum(np.negative(x), x)], [[770], [770]]],
];

describe('the WebAssembly renderer agrees with the JS renderer bit for bit', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, f, shapes] of PROGRAMS) {
      for (const special of [false, true]) {
        it(`${name} (${dtype}${special ? ', with inf, NaN, -0 and subnormals' : ''})`, () => {
          const args = shapes.map((s, i) => data(s, dtype, i + 1, special && i === 0));
          const { js, wasm, rendered } = both(f, args);
          expect(rendered).toBeGreaterThan(0);
          expectIdentical(wasm, js);
        });
      }
    }
  }

  it('leaves small kernels without transcendentals to JS, and takes every op spelled in lanes', () => {
    expect(both((a) => a.mul(2).add(1).sum(0), [np.ones([4, 4])]).rendered).toBe(0);
    expect(both((a) => np.exp(a).sum(0), [np.ones([4, 4])]).rendered).toBe(1);
  });
});
