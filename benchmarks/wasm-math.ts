/**
 * Throughput of the vectorised math functions (lib/backends/cpu/wasm/math.ts) over 10^6 elements
 * against Math.* (erf: the CPU backend's float64 JS erf) in a JS loop over the same typed array, printed as ratios (> 1: WASM faster).
 * Both write into a preallocated output; the WASM side includes its copies in and out of the
 * module's memory. `npx tsx benchmarks/wasm-math.ts`
 */
import { mathKernels } from '../lib/backends/cpu/wasm/math-kernels.js';
import { MATH_FUNCTIONS, type MathFunction } from '../lib/backends/cpu/wasm/math.js';
import { erf as erfJs } from '../lib/backends/cpu/special.js';

const N = 1_000_000;

const JS: Record<Exclude<MathFunction, 'pow'>, (x: number) => number> = {
  exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, tanh: Math.tanh,
  logistic: (x) => 1 / (1 + Math.exp(-x)), sin: Math.sin, cos: Math.cos, erf: erfJs,
};

function inputs(fn: MathFunction, K: typeof Float32Array | typeof Float64Array): Float32Array | Float64Array {
  const xs = new K(N);
  for (let i = 0; i < N; i++) {
    const u = (i * 0.6180339887498949) % 1;
    xs[i] = fn === 'log' || fn === 'pow' ? 0.01 + 100 * u : fn === 'log1p' ? -0.9 + 10 * u : -10 + 20 * u;
  }
  return xs;
}

function median(f: () => void, reps = 7): number {
  f();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  return ts[reps >> 1];
}

const k = mathKernels();
console.log(`vectorised math, ${N} elements, median of 7 (ratio = JS time / WASM time)`);
console.log('function   | f64 WASM ms | JS ms  | ratio  | f32 WASM ms | JS ms  | ratio   (JS float32: Math.* stored to a Float32Array)');
for (const fn of MATH_FUNCTIONS) {
  const row: string[] = [fn.padEnd(10)];
  for (const K of [Float64Array, Float32Array] as const) {
    const xs = inputs(fn, K), ys = new K(N).fill(1.37), out = new K(N);
    const wasm = median(() => { k.apply(fn, xs, fn === 'pow' ? ys : undefined, out); });
    const f = fn === 'pow' ? null : JS[fn];
    const js = median(() => {
      if (f === null) for (let i = 0; i < N; i++) out[i] = Math.pow(xs[i], ys[i]);
      else for (let i = 0; i < N; i++) out[i] = f(xs[i]);
    });
    row.push(wasm.toFixed(2).padStart(11), js.toFixed(2).padStart(6), `${(js / wasm).toFixed(2)}x`.padStart(6));
  }
  console.log(row.join(' | '));
}
