/**
 * The vectorised math functions of math.ts one element at a time, for JavaScript callers: each
 * export splats its argument, runs the same f32x4 / f64x2 function and returns lane 0. Lanes are
 * independent, so these give the SIMD kernels' bits exactly, which is what lets the JS renderer
 * and the WebAssembly renderer share every transcendental (eager, fused and jit results agree
 * bit for bit whichever renderer computes a kernel).
 */
import { ModuleBuilder, cachedModule } from './asm.js';
import { MATH_FUNCTIONS, MATH_IMPORTS, MathLibrary, type MathFunction } from './math.js';

export type ScalarMath = Readonly<Record<`${MathFunction}${32 | 64}`, (x: number, y?: number) => number>>;

function build(): ModuleBuilder {
  const m = new ModuleBuilder();
  const lib = new MathLibrary(m);
  for (const fn of MATH_FUNCTIONS) {
    const arity = fn === 'pow' ? 2 : 1;
    for (const p of ['f32', 'f64'] as const) {
      const g = lib.get(fn, p);
      m.func({ params: new Array<'f64'>(arity).fill('f64'), results: ['f64'] }, (f) => {
        for (let a = 0; a < arity; a++) {
          f.get(a);
          if (p === 'f32') f.op('f32.demote_f64').op('f32x4.splat'); else f.op('f64x2.splat');
        }
        f.call(g);
        if (p === 'f32') f.lane('f32x4.extract_lane', 0).op('f64.promote_f32'); else f.lane('f64x2.extract_lane', 0);
      }, `${fn}${p === 'f32' ? 32 : 64}`);
    }
  }
  return m;
}

let instance: ScalarMath | undefined;

/** The shared instance (compiled once per process). */
export function scalarMath(): ScalarMath {
  instance ??= new WebAssembly.Instance(cachedModule('scalar-math', build), MATH_IMPORTS).exports as unknown as ScalarMath;
  return instance;
}
