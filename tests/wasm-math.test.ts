/**
 * Accuracy of the vectorised math functions (lib/backends/cpu/wasm/math.ts) over each function's
 * whole domain: every binade (log-spaced), random samples, and special values.
 *
 * References: float64 against decimal.js at 40+ digits (inputs converted exactly); float32
 * against float64 Math.* (for erf, the CPU backend's float64 erf), far inside float32's ulp.
 *
 * Measured max error in ulps (this file's samples; limits: float32 2, float64 1):
 *
 * | function | float32 | float64 |
 * |----------|---------|---------|
 * | exp      | 0.81 | 0.80 |
 * | log      | 0.75 | 0.70 |
 * | log1p    | 0.74 | 0.73 |
 * | expm1    | 0.75 | 0.73 |
 * | tanh     | 0.81 | 0.75 |
 * | logistic | 0.81 | 0.78 |
 * | sin      | 0.50 | 0.66 |
 * | cos      | 0.50 | 0.64 |
 * | erf      | 0.50 | 0.70 |
 * | pow      | 0.50 | 0.78 |
 *
 * (float32 sin, cos, erf and pow run in float64 lanes, hence 0.5. Rerun with PRINT_ULP_TABLE=1
 * to print the table and each float64 worst case.)
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { mathKernels } from '../lib/backends/cpu/wasm/math-kernels.js';
import { ModuleBuilder, wasmSimdAvailable } from '../lib/backends/cpu/wasm/asm.js';
import { MATH_FUNCTIONS, MATH_IMPORTS, MathLibrary, type MathFunction } from '../lib/backends/cpu/wasm/math.js';
import { erf as erfJs } from '../lib/backends/cpu/special.js';
import { rng } from './rng.js';

const D = Decimal.clone({ precision: 45 });
const D60 = Decimal.clone({ precision: 60 });

// ---- exact conversions and ulps -------------------------------------------------------

const dv = new DataView(new ArrayBuffer(8));
/** The exact value of a finite double as a decimal (to the clone's precision). */
function exact(C: typeof Decimal, x: number): Decimal {
  if (x === 0 || !Number.isFinite(x)) return new C(x);
  dv.setFloat64(0, x);
  const bits = dv.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mant = e === 0 ? frac : frac | (1n << 52n);
  const v = new C(mant.toString()).times(new C(2).pow((e === 0 ? 1 : e) - 1075));
  return x < 0 ? v.neg() : v;
}

/** The spacing of floats (52 or 23 fraction bits) at |r|'s binade, subnormals included. */
function ulp(r: number, p: 'f32' | 'f64'): number {
  const [frac, emin] = p === 'f64' ? [52, -1022] : [23, -126];
  const a = Math.abs(r);
  if (a === 0) return 2 ** (emin - frac);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return 2 ** (Math.max(e, emin) - frac);
}

const sameValue = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Error of got in ulps of the reference (exact ref given as a decimal; Infinity when a special value differs). */
function ulpErrorD(got: number, ref: Decimal, p: 'f32' | 'f64'): number {
  const rn = ref.toNumber();
  const r = p === 'f32' ? Math.fround(rn) : rn;
  if (!Number.isFinite(r) || !Number.isFinite(got)) return sameValue(got, r) ? 0 : Infinity;
  if (r === 0 && got === 0) return 0;
  if (p === 'f32') return Math.abs(got - rn) / ulp(rn, p);
  return ref.minus(exact(D, got)).abs().div(exact(D, ulp(rn, p))).toNumber();
}
function ulpError32(got: number, ref: number): number {
  const r = Math.fround(ref);
  if (!Number.isFinite(r) || !Number.isFinite(got)) return sameValue(got, r) ? 0 : Infinity;
  if (r === 0 && got === 0) return 0;
  return Math.abs(got - ref) / ulp(ref, 'f32');
}

// ---- sampling -------------------------------------------------------------------------

const rand = rng(Number(process.env.WASM_MATH_SEED ?? 20261207)); // other seeds: WASM_MATH_SEED=…
/** Sample-count multiplier: 3 keeps the file near 15 s. */
const DENSITY = 3;
/** perBinade values in each binade 2^e, e in [lo, hi], with both signs if signed. */
function binades(lo: number, hi: number, perBinade: number, signed: boolean, step = 1): number[] {
  const out: number[] = [];
  for (let e = lo; e <= hi; e += step) {
    for (let i = 0; i < perBinade * DENSITY; i++) {
      const x = 2 ** e * (1 + rand());
      out.push(x);
      if (signed) out.push(-x);
    }
  }
  return out;
}
const uniform = (a: number, b: number, n: number) => Array.from({ length: n * DENSITY }, () => a + (b - a) * rand());
/** float32 arguments nearest multiples of π/2 (the hardest reductions), and beyond the short reduction's range. */
const nearQuadrants = [
  ...Array.from({ length: 200 }, (_, k) => Math.fround((k + 1) * Math.PI / 2)),
  ...Array.from({ length: 400 }, (_, i) => Math.fround(Math.floor(rand() * 2 ** 20) * (i % 2 ? 1 : -1) * Math.PI / 2)),
  1647099.375, 1647100, 1e7, -3.3e9, 1.5e20, 3.4e38,
];
const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1, -1, 0.5, -0.5, 2, -2, Number.MAX_VALUE, -Number.MAX_VALUE];

interface Case {
  readonly fn: MathFunction;
  /** Reference in high precision (decimal), for float64 inputs (and float32 where js is absent). */
  readonly ref: (x: Decimal, C: typeof Decimal) => Decimal;
  /** JS's value (the float64 special-value and 1e-14 reference); absent: no JS counterpart. */
  readonly js?: (x: number) => number;
  /** float64 samples inside the domain. */
  readonly f64: number[];
  readonly f32: number[];
  readonly precision?: typeof Decimal;
}

function erfDec(x: Decimal, C: typeof Decimal): Decimal {
  // Taylor series; terms peak near e^(x²), so |x| <= 6.5 at 60 digits
  if (x.isNaN() || x.isZero()) return x;
  if (x.abs().gt(6.5)) return new C(x.s);
  const x2 = x.times(x);
  let term = x, sum = x;
  for (let n = 1; ; n++) {
    term = term.times(x2).neg().div(n);
    const t = term.div(2 * n + 1);
    sum = sum.plus(t);
    if (t.abs().lte(sum.abs().times('1e-50'))) break;
  }
  return sum.times(2).div(C.acos(-1).sqrt());
}

const sigmoidJs = (x: number) => 1 / (1 + Math.exp(-x));
const cases: Case[] = [
  { fn: 'exp', ref: (x) => x.exp(), js: Math.exp, f64: [...binades(-60, 9, 12, true), ...uniform(-745.2, 709.8, 600), 709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412, -708.3964185322641, -708.4, -744.44007192138126],
    f32: [...binades(-30, 6, 200, true), ...uniform(-104, 88.8, 4000)] },
  { fn: 'log', ref: (x) => x.ln(), js: Math.log, f64: [...binades(-1074, 1023, 1, false), ...uniform(0.5, 2, 300), ...binades(-52, -1, 6, false).flatMap((d) => [1 + d, 1 - d / 2])],
    f32: [...binades(-149, 127, 30, false), ...uniform(0.5, 2, 3000)] },
  // tiny arguments by series: 1 + x would round away x at any fixed precision
  { fn: 'log1p', ref: (x) => (x.abs().lt(1e-12) ? x.minus(x.pow(2).div(2)).plus(x.pow(3).div(3)) : x.plus(1).ln()), js: Math.log1p, f64: [...binades(-1074, 1023, 1, false), ...binades(-60, -1, 12, true), ...uniform(-1, 1, 400)],
    f32: [...binades(-149, 127, 30, false), ...binades(-30, -1, 100, true), ...uniform(-1, 1, 3000)] },
  { fn: 'expm1', ref: (x) => (x.abs().lt(1e-12) ? x.plus(x.pow(2).div(2)).plus(x.pow(3).div(6)) : x.exp().minus(1)), js: Math.expm1, f64: [...binades(-1074, -60, 0.25, true, 4), ...binades(-60, 9, 12, true), ...uniform(-40, 709.7, 500)],
    f32: [...binades(-149, 6, 40, true), ...uniform(-18, 88.7, 4000)] },
  { fn: 'tanh', ref: (x) => x.tanh(), js: Math.tanh, f64: [...binades(-1074, -60, 0.25, true, 4), ...binades(-60, 5, 15, true), ...uniform(-3, 3, 500)],
    f32: [...binades(-149, 5, 40, true), ...uniform(-3, 3, 4000)] },
  { fn: 'logistic', ref: (x, C) => new C(1).div(x.neg().exp().plus(1)), js: sigmoidJs, f64: [...binades(-1074, -60, 0.25, true, 4), ...binades(-60, 9, 12, true), ...uniform(-745, 40, 500)],
    f32: [...binades(-149, 6, 40, true), ...uniform(-104, 20, 4000)] },
  { fn: 'sin', ref: (x) => x.sin(), js: Math.sin, precision: D60, f64: [...binades(-1074, -60, 0.25, true, 4), ...binades(-60, 20, 10, true), ...uniform(-10, 10, 300), ...Array.from({ length: 40 }, (_, k) => k * Math.PI / 2)],
    f32: [...binades(-149, 20, 30, true), ...uniform(-10, 10, 4000), ...nearQuadrants] },
  { fn: 'cos', ref: (x) => x.cos(), js: Math.cos, precision: D60, f64: [...binades(-1074, -60, 0.25, true, 4), ...binades(-60, 20, 10, true), ...uniform(-10, 10, 300), ...Array.from({ length: 40 }, (_, k) => k * Math.PI / 2)],
    f32: [...binades(-149, 20, 30, true), ...uniform(-10, 10, 4000), ...nearQuadrants] },
  // js: the CPU backend's float64 erf (fdlibm's scheme), the reference the WASM one replaces
  { fn: 'erf', ref: erfDec, js: erfJs, precision: D60, f64: [...binades(-1074, -60, 0.25, true, 4), ...binades(-60, 2, 12, true), ...uniform(-6.5, 6.5, 500)],
    f32: [...binades(-149, 2, 4, true), ...uniform(-4, 4, 600)] },
];

const apply = (fn: MathFunction, xs: number[], p: 'f32' | 'f64', ys?: number[]): number[] => {
  const K = p === 'f64' ? Float64Array : Float32Array;
  return Array.from(mathKernels().apply(fn, K.from(xs), ys ? K.from(ys) : undefined));
};

const measured = new Map<string, { f32: number; f64: number }>();
const record = (fn: string, p: 'f32' | 'f64', e: number) => {
  const m = measured.get(fn) ?? { f32: 0, f64: 0 };
  m[p] = Math.max(m[p], e);
  measured.set(fn, m);
};

describe.skipIf(!wasmSimdAvailable())('vectorised math: ulp errors over the domain', () => {
  for (const c of cases) {
    it(`${c.fn} float64 within 1 ulp, special values as Math.*, within 1e-14 of Math.*`, () => {
      const C = c.precision ?? D;
      const got = apply(c.fn, c.f64, 'f64');
      let worst = 0, at = NaN;
      c.f64.forEach((x, i) => {
        const e = ulpErrorD(got[i], c.ref(exact(C, x), C), 'f64');
        if (e > worst) { worst = e; at = x; }
        if (c.js) {
          const j = c.js(x);
          if (Number.isFinite(j) && j !== 0 && Math.abs(j) > 1e-300) expect(Math.abs(got[i] - j) / Math.abs(j), `${c.fn}(${x}) vs Math`).toBeLessThanOrEqual(1e-14);
        }
      });
      record(c.fn, 'f64', worst);
      if (process.env.PRINT_ULP_TABLE) console.log(`${c.fn} float64 worst ${worst} at ${at}`);
      expect(worst, `${c.fn} float64 worst at ${at}`).toBeLessThanOrEqual(1);
      if (c.js) {
        const js = c.js;
        const sp = apply(c.fn, SPECIALS, 'f64');
        SPECIALS.forEach((x, i) => {
          const want = js(x);
          // logistic's JS form loses e^x below −709; ours keeps it (checked against decimals above)
          if (c.fn === 'logistic' && x < -700) return;
          if (!Number.isFinite(want) || want === 0 || Number.isNaN(want) || Math.abs(x) < 1e-300) expect(sameValue(sp[i], want), `${c.fn}(${x}) = ${sp[i]}, Math gives ${want}`).toBe(true);
        });
      }
    });

    it(`${c.fn} float32 within 2 ulp`, () => {
      const xs = c.f32.concat(SPECIALS, [1e-45, -1e-45, 1.1754943508222875e-38]).map(Math.fround);
      const got = apply(c.fn, xs, 'f32');
      let worst = 0, at = NaN;
      xs.forEach((x, i) => {
        const e = c.js ? ulpError32(got[i], c.js(x)) : ulpErrorD(got[i], c.ref(exact(D, x), D), 'f32');
        if (e > worst) { worst = e; at = x; }
      });
      record(c.fn, 'f32', worst);
      expect(worst, `${c.fn} float32 worst at ${at}`).toBeLessThanOrEqual(2);
      if (c.js) {
        const js = c.js;
        const sp = apply(c.fn, SPECIALS.map(Math.fround), 'f32');
        SPECIALS.map(Math.fround).forEach((x, i) => {
          const want = Math.fround(js(x));
          if (c.fn === 'logistic' && x < -100) return;
          if (!Number.isFinite(want) || want === 0 || Math.abs(x) < 1e-37) expect(sameValue(sp[i], want), `float32 ${c.fn}(${x}) = ${sp[i]}, Math gives ${want}`).toBe(true);
        });
      }
    });
  }

  it('sin and cos beyond the Cody–Waite range take the host value in those lanes only', () => {
    // pairs share a vector: one huge lane, one ordinary
    const xs = [1e7, 0.5, 2.5, 1e300, -3e15, 1e-5, 2 ** 20 * Math.PI, -1.25, Infinity, 3, NaN, 1e6];
    for (const fn of ['sin', 'cos'] as const) {
      const js = fn === 'sin' ? Math.sin : Math.cos;
      const got = apply(fn, xs, 'f64');
      xs.forEach((x, i) => {
        if (Math.abs(x) >= 2 ** 20 * Math.PI / 2 || !Number.isFinite(x)) expect(sameValue(got[i], js(x)), `${fn}(${x})`).toBe(true);
        else expect(ulpErrorD(got[i], js === Math.sin ? exact(D60, x).sin() : exact(D60, x).cos(), 'f64'), `${fn}(${x})`).toBeLessThanOrEqual(1);
      });
      const got32 = apply(fn, xs, 'f32');
      xs.forEach((x, i) => { expect(ulpError32(got32[i], js(Math.fround(x))), `float32 ${fn}(${x})`).toBeLessThanOrEqual(2); });
    }
  });

  // pow: log-spaced bases, exponents spread so results cover the range, integer exponents of negatives
  const powPairs = (n: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const x = 2 ** (rand() * 200 - 100);
      const maxY = 700 / Math.abs(Math.log(x));
      out.push([x, (rand() * 2 - 1) * Math.min(maxY, 50)]);
    }
    for (let i = 0; i < n / 8; i++) out.push([-(2 ** (rand() * 20 - 10)), Math.round(rand() * 40 - 20)]);
    for (let i = 0; i < n / 8; i++) out.push([1 + (rand() - 0.5) * 1e-6, (rand() * 2 - 1) * 1e8]);
    for (let i = 0; i < n / 8; i++) out.push([2 ** (rand() * 2046 - 1074), rand() * 2 - 1]);
    return out;
  };
  const POW_SPECIALS = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, Infinity, -Infinity, NaN, 1e-310, 1e308];

  it('pow float64 within 1 ulp; every special-value pair as Math.pow', () => {
    const pairs = powPairs(1200 * DENSITY);
    const got = apply('pow', pairs.map((p) => p[0]), 'f64', pairs.map((p) => p[1]));
    let worst = 0, at = '';
    pairs.forEach(([x, y], i) => {
      const ref = x < 0 ? exact(D, -x).pow(exact(D, y)).times(y % 2 === 0 ? 1 : -1) : exact(D, x).pow(exact(D, y));
      const e = ulpErrorD(got[i], ref, 'f64');
      if (e > worst) { worst = e; at = `${x}^${y}`; }
      const j = Math.pow(x, y);
      if (Number.isFinite(j) && Math.abs(j) > 1e-300) expect(Math.abs(got[i] - j) / Math.abs(j), `pow(${x}, ${y}) vs Math`).toBeLessThanOrEqual(1e-14);
    });
    record('pow', 'f64', worst);
    expect(worst, `pow float64 worst at ${at}`).toBeLessThanOrEqual(1);
    const xs = POW_SPECIALS.flatMap((x) => POW_SPECIALS.map(() => x));
    const ys = POW_SPECIALS.flatMap(() => POW_SPECIALS);
    for (const p of ['f64', 'f32'] as const) {
      const sp = apply('pow', xs, p, ys);
      xs.forEach((x, i) => {
        const want = p === 'f32' ? Math.fround(Math.pow(Math.fround(x), Math.fround(ys[i]))) : Math.pow(x, ys[i]);
        expect(sameValue(sp[i], want) || Math.abs(sp[i] - want) <= 2 * ulp(want, p), `${p} pow(${x}, ${ys[i]}) = ${sp[i]}, Math gives ${want}`).toBe(true);
      });
    }
  });

  it('pow float32 within 2 ulp', () => {
    const pairs = powPairs(6000).map(([x, y]) => [Math.fround(x), Math.fround(y / 8)] as const);
    const got = apply('pow', pairs.map((p) => p[0]), 'f32', pairs.map((p) => p[1]));
    let worst = 0;
    pairs.forEach(([x, y], i) => { worst = Math.max(worst, ulpError32(got[i], Math.pow(x, y))); });
    record('pow', 'f32', worst);
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('inlined bodies give the called functions\' bits', () => {
    const m = new ModuleBuilder();
    const lib = new MathLibrary(m);
    m.memory({ initial: 1 }).exportMemory('mem');
    for (const fn of MATH_FUNCTIONS) {
      for (const p of ['f32', 'f64'] as const) {
        // mem[32..48) = fn(mem[0..16), mem[16..32)) inline, mem[48..64) by call
        m.func({ params: [], results: [] }, (f) => {
          const a = f.local('v128'), b = f.local('v128');
          f.i32Const(0).mem('v128.load').set(a).i32Const(16).mem('v128.load').set(b);
          const r = lib.inline(f, fn, p, fn === 'pow' ? [a, b] : [a]);
          f.i32Const(32).get(r).mem('v128.store');
          f.i32Const(48).get(a);
          if (fn === 'pow') f.get(b);
          f.call(lib.get(fn, p)).mem('v128.store');
        }, `${fn}_${p}`);
      }
    }
    const e = m.instantiate(MATH_IMPORTS) as Record<string, () => void> & { mem: WebAssembly.Memory };
    const u32 = new Uint32Array(e.mem.buffer, 0, 16);
    const f64 = new Float64Array(e.mem.buffer, 0, 4);
    for (const fn of MATH_FUNCTIONS) {
      for (const p of ['f32', 'f64'] as const) {
        for (const [x, y] of [[0.7, 1.3], [-2.5, 3], [1e7, 0.5]]) {
          if (p === 'f64') f64.set([x, -x / 3, y, y], 0);
          else new Float32Array(e.mem.buffer, 0, 8).set([x, -x / 3, x / 7, 3, y, y, 2, 0.5]);
          e[`${fn}_${p}`]();
          expect(Array.from(u32.subarray(8, 12)), `${fn} ${p}`).toEqual(Array.from(u32.subarray(12, 16)));
        }
      }
    }
  });

  it('prints the measured table', () => {
    const rows = [...measured].map(([fn, m]) => `| ${fn} | ${m.f32.toFixed(3)} | ${m.f64.toFixed(3)} |`);
    if (process.env.PRINT_ULP_TABLE) console.log(rows.join('\n'));
    expect(rows.length).toBeGreaterThan(0);
  });
});
