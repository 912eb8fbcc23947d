/**
 * The WebAssembly renderer of fused kernels against the JS renderer, on the kernels the CPU
 * lowering makes of elementwise programs: bit for bit (NaN for NaN), since the backend picks
 * either per kernel. Sizes span several chunks and end off a vector boundary. The math's own
 * accuracy is tested in wasm-math.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { getBackend, makeJaxpr, nn, np } from '../lib/index.js';
import type { Array } from '../lib/index.js';
import { renderWasm } from '../lib/backends/cpu/render-wasm.js';
import { renderJs } from '../lib/backends/cpu/render-js.js';
import type { Kernel, Program } from '../lib/lowering/program.js';

const kernelsOf = (f: (x: Array, y: Array) => Array, x: Array, y: Array): Kernel[] =>
  (getBackend('cpu') as unknown as { program(j: unknown): Program }).program(makeJaxpr(f)(x, y).jaxpr).steps.flatMap((s) => (s.kind === 'kernel' ? [s.kernel] : []));

const PROGRAMS: [string, (x: Array, y: Array) => Array][] = [
  ['tanh(sin(x)·x + 1)', (x) => np.tanh(np.sin(x).mul(x).add(1))],
  ['exp, log1p, abs, max', (x, y) => np.exp(x.mul(0.5)).add(np.log1p(np.abs(y))).sub(np.maximum(x, y))],
  ['pow and cos', (x, y) => np.power(np.abs(x).add(0.1), y).mul(np.cos(x))],
  ['clip, square, divide', (x, y) => np.minimum(np.maximum(x, -0.5), 0.5).add(np.square(x)).div(y.mul(y).add(1))],
  ['logistic, expm1, erf, log, sqrt', (x, y) => nn.sigmoid(x).add(np.expm1(y.mul(0.3))).mul(np.erf(x)).add(np.log(np.sqrt(np.abs(y).add(1))))],
  // y is a 0-d array in this one: a broadcast operand.
  ['a broadcast scalar operand', (x, y) => np.tanh(x.mul(y)).add(2.5)],
  ['integer powers', (x, y) => np.power(x, 3).add(np.power(y, -2)).sub(np.power(x.add(y), 5)).add(np.power(x, 0))],
];

describe('the WebAssembly renderer', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const [name, f] of PROGRAMS) {
      it(`agrees with the JS renderer: ${name} (${dtype})`, () => {
        const n = 40_003;
        const x = np.sin(np.arange(n)).mul(3).astype(dtype);
        const y = name.includes('scalar') ? np.array(0.3, { dtype }) : np.cos(np.arange(n).mul(0.7)).mul(2).astype(dtype);
        let rendered = 0;
        for (const k of kernelsOf(f, x, y)) {
          const w = renderWasm(k);
          if (!w || k.outputs.length !== 1) continue;
          rendered++;
          const ins = [x.dataSync(), y.dataSync()].slice(0, k.inputs.length);
          const want = new (dtype === 'float64' ? Float64Array : Float32Array)(n);
          const got = want.slice();
          renderJs(k)(ins, [want]);
          w(ins, [got]);
          const bad = globalThis.Array.from(got).findIndex((v, i) => !Object.is(v, want[i]) && !(Number.isNaN(v) && Number.isNaN(want[i])));
          if (bad >= 0) expect.fail(`element ${bad}: wasm ${got[bad]}, js ${want[bad]}`);
        }
        expect(rendered).toBeGreaterThan(0);
      });
    }
  }

  it('declines what it does not render yet (reductions, integers)', () => {
    const x = np.ones([64]);
    const red = kernelsOf((a) => a.mul(2).sum(), x, x);
    expect(red.every((k) => renderWasm(k) === undefined)).toBe(true);
    const ints = kernelsOf((a) => a.astype('int32').add(1), x, x);
    expect(ints.every((k) => renderWasm(k) === undefined)).toBe(true);
  });
});
