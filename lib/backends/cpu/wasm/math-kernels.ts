/**
 * Elementwise array maps over the vectorised math functions: one module holding every function in
 * both precisions and a loop per function. The tests and the micro-benchmark use it; fused
 * kernels will call the MathLibrary functions directly instead.
 */
import { ModuleBuilder, cachedModule } from './asm.js';
import { MATH_FUNCTIONS, MATH_IMPORTS, MathLibrary, type MathFunction, type Precision } from './math.js';

type MapFn = (a: number, b: number, out: number, bytes: number) => void;

/** Elements per call: the module's three buffers at float64. */
const CHUNK = 1 << 16;

function build(): ModuleBuilder {
  const m = new ModuleBuilder();
  const lib = new MathLibrary(m);
  m.memory({ initial: Math.ceil((3 * CHUNK * 8) / 65536) }).exportMemory('mem');
  for (const fn of MATH_FUNCTIONS) {
    for (const p of ['f32', 'f64'] as const) {
      const g = lib.get(fn, p);
      // out[i] = fn(a[i], b[i]) for 16-byte steps i < bytes
      m.func({ params: ['i32', 'i32', 'i32', 'i32'], results: [] }, (f) => {
        const i = f.local('i32');
        f.block(() => {
          f.get(3).op('i32.eqz').brIf(0);
          f.loop(() => {
            f.get(2).get(i).op('i32.add');
            f.get(0).get(i).op('i32.add').mem('v128.load');
            if (fn === 'pow') f.get(1).get(i).op('i32.add').mem('v128.load');
            f.call(g).mem('v128.store');
            f.get(i).i32Const(16).op('i32.add').tee(i).get(3).op('i32.lt_u').brIf(0);
          });
        });
      }, `${fn}_${p}`);
    }
  }
  return m;
}

export interface MathKernels {
  /** fn over xs (and ys for pow) elementwise, into out (a new array if omitted). */
  apply<T extends Float32Array | Float64Array>(fn: MathFunction, xs: T, ys?: T, out?: T): T;
}

let kernels: MathKernels | undefined;

/** The shared instance (compiled once per process). */
export function mathKernels(): MathKernels {
  if (kernels) return kernels;
  const inst = new WebAssembly.Instance(cachedModule('math-kernels', build), MATH_IMPORTS);
  const mem = inst.exports.mem as WebAssembly.Memory;
  const fns = inst.exports as Record<string, MapFn>;
  kernels = {
    apply<T extends Float32Array | Float64Array>(fn: MathFunction, xs: T, ys?: T, out?: T): T {
      const p: Precision = xs instanceof Float32Array ? 'f32' : 'f64';
      const size = p === 'f64' ? 8 : 4;
      const n = xs.length;
      const res = out ?? (new (xs.constructor as new (n: number) => T)(n));
      const run = fns[`${fn}_${p}`];
      const a = 0, b = CHUNK * 8, o = 2 * CHUNK * 8;
      const view = (off: number, len: number) => (p === 'f64' ? new Float64Array(mem.buffer, off, len) : new Float32Array(mem.buffer, off, len));
      for (let s = 0; s < n; s += CHUNK) {
        const len = Math.min(CHUNK, n - s);
        const padded = Math.ceil((len * size) / 16) * 16; // whole vectors; the pad lanes are ignored
        view(a, padded / size).fill(0).set(xs.subarray(s, s + len));
        if (ys) view(b, padded / size).fill(0).set(ys.subarray(s, s + len));
        run(a, b, o, padded);
        res.set(view(o, len), s);
      }
      return res;
    },
  };
  return kernels;
}
