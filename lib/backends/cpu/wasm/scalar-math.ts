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

type Name = keyof ScalarMath;

/** One function's module: `name` splats its argument(s), runs the lane function, returns lane 0. */
function build(name: Name): ModuleBuilder {
  const fn = name.slice(0, -2) as MathFunction;
  const p = name.endsWith('32') ? 'f32' : 'f64';
  const arity = fn === 'pow' ? 2 : 1;
  const m = new ModuleBuilder();
  const g = new MathLibrary(m).get(fn, p);
  m.func({ params: new Array<'f64'>(arity).fill('f64'), results: ['f64'] }, (f) => {
    for (let a = 0; a < arity; a++) {
      f.get(a);
      if (p === 'f32') f.op('f32.demote_f64').op('f32x4.splat'); else f.op('f64x2.splat');
    }
    f.call(g);
    if (p === 'f32') f.lane('f32x4.extract_lane', 0).op('f64.promote_f32'); else f.lane('f64x2.extract_lane', 0);
  }, name);
  return m;
}

const made = new Map<Name, ScalarMath[Name]>();

/**
 * Puts the scalar math functions on `target`, each built and compiled on its first call (a module
 * of its own), which then replaces it there: a program pays for the functions it uses, not for
 * all twenty (about 60 ms in a process's cold code). The object keeps its shape.
 */
export function useScalarMath(target: Record<Name, (x: number, y: number) => number>): void {
  for (const fn of MATH_FUNCTIONS) {
    for (const bits of [32, 64] as const) {
      const name: Name = `${fn}${bits}`;
      target[name] = (x, y) => {
        let f = made.get(name);
        if (!f) {
          f = new WebAssembly.Instance(cachedModule(`scalar-math:${name}`, () => build(name)), MATH_IMPORTS).exports[name] as ScalarMath[Name];
          made.set(name, f);
        }
        target[name] = f;
        return f(x, y);
      };
    }
  }
}
