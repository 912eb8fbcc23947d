/**
 * Every primitive's rules checked numerically from tests/prim-table.ts, in float64:
 * (a) jvp vs central differences, (b) vjp by <ct, J t> = <Jᵀ ct, t>, (c) vmap vs a loop,
 * (d) typecheck of the jvp and vjp/grad jaxprs. No hand-written expected gradients.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jvp, makeJaxpr, np, primitives, typecheck, vjp, vmap } from '../lib/index.js';
import { type InputSpec, rows } from './prim-table.js';
import { rng } from './rng.js';


const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const data = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number | boolean>, Number);
const isFloatSpec = (s: InputSpec) => (s.dtype ?? 'float64') === 'float64';

/** Samples `count` values of one input from its domain. */
function sampleValues(r: () => number, s: InputSpec, count: number): number[] {
  const lo = s.lo ?? -1;
  const hi = s.hi ?? 1;
  return globalThis.Array.from({ length: count }, () => {
    if (s.dtype === 'bool') return r() < 0.5 ? 1 : 0;
    if (s.dtype === 'int32' && s.absMin !== undefined) return (r() < 0.5 ? -1 : 1) * (s.absMin + Math.floor(r() * (hi - s.absMin + 1)));
    if (s.dtype === 'int32') return Math.floor(r() * 11) - 5;
    if (s.absMin !== undefined) return (r() < 0.5 ? -1 : 1) * (s.absMin + r() * (hi - s.absMin));
    return lo + r() * (hi - lo);
  });
}

function make(s: InputSpec, values: number[], batch?: number): Array {
  const shape = batch === undefined ? [...s.shape] : [batch, ...s.shape];
  const dtype = s.dtype ?? 'float64';
  return np.array(dtype === 'bool' ? values.map((v) => v !== 0) : values, { dtype, shape });
}

const sample = (r: () => number, s: InputSpec, batch?: number): Array =>
  make(s, sampleValues(r, s, sizeOf(s.shape) * (batch ?? 1)), batch);

/** A random tangent for a float input; an exact zero tangent for int/bool inputs. */
const tangentFor = (r: () => number, s: InputSpec): Array =>
  isFloatSpec(s) ? make(s, sampleValues(r, { shape: s.shape }, sizeOf(s.shape))) : make(s, new globalThis.Array(sizeOf(s.shape)).fill(0));

function expectClose(got: number[], want: number[], rtol: number, what: string) {
  expect(got.length, what).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  const bad = got.findIndex((g, i) => !(Math.abs(g - want[i]) <= rtol * scale));
  if (bad >= 0) expect.fail(`${what}: element ${bad}: got ${got[bad]}, want ${want[bad]} (rtol ${rtol}, scale ${scale})`);
}

const vdot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('prim-table completeness', () => {
  it('every registered primitive has at least one row', () => {
    const covered = new Set(rows.map((r) => r.prim));
    const missing = [...primitives().keys()].filter((n) => !covered.has(n));
    expect(missing, `primitives without a row in tests/prim-table.ts: ${missing.join(', ')}`).toEqual([]);
  });
  it('row names are unique and name registered primitives', () => {
    const names = rows.map((r) => r.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(rows.filter((r) => !primitives().has(r.prim)).map((r) => r.prim)).toEqual([]);
  });
});

describe.each(rows.map((r, i) => [r.name, r, i] as const))('%s', (_name, row, index) => {
  const seed = 1000 + index;
  const floatIdx = row.inputs.map((s, i) => (isFloatSpec(s) ? i : -1)).filter((i) => i >= 0);

  if (row.nondiff) {
    it('jvp tangent is exactly zero', () => {
      const r = rng(seed);
      const xs = row.inputs.map((s) => sample(r, s));
      const ts = row.inputs.map((s) => tangentFor(r, s));
      const [y, ty] = jvp(row.f, xs, ts) as [Array, Array];
      expect(ty.shape).toEqual(y.shape);
      expect(data(ty).every((v) => v === 0)).toBe(true);
      expect(data(y)).toEqual(data(row.f(...xs)));
    });
  } else {
    it('jvp matches central differences', () => {
      const r = rng(seed);
      const xs = row.inputs.map((s) => sample(r, s));
      const ts = row.inputs.map((s) => tangentFor(r, s));
      const [y, ty] = jvp(row.f, xs, ts) as [Array, Array];
      expect(data(y)).toEqual(data(row.f(...xs)));
      const h = row.h ?? 1e-6;
      const shift = (sgn: number) => xs.map((x, i) => (floatIdx.includes(i) ? make(row.inputs[i], data(x).map((v, k) => v + sgn * h * data(ts[i])[k])) : x));
      const yp = data(row.f(...shift(1)));
      const ym = data(row.f(...shift(-1)));
      const fd = yp.map((v, k) => (v - ym[k]) / (2 * h));
      expect(ty.shape).toEqual(y.shape);
      expectClose(data(ty), fd, row.tol ?? 1e-6, 'jvp vs finite differences');
    });

    it('vjp: <ct, J t> = <Jᵀ ct, t>', () => {
      const r = rng(seed + 1);
      const xs = row.inputs.map((s) => sample(r, s));
      const ts = row.inputs.map((s) => tangentFor(r, s));
      const [y, ty] = jvp(row.f, xs, ts) as [Array, Array];
      const ct = sample(r, { shape: y.shape });
      if (row.forwardOnly) {
        expect(() => (vjp(row.f, xs)[1] as (c: Array) => Array[])(ct)).toThrow(row.forwardOnly);
        return;
      }
      const [y2, fn] = vjp(row.f, xs);
      expect(data(y2 as Array)).toEqual(data(y));
      const cts = fn(ct) as Array[];
      expect(cts.length).toBe(xs.length);
      let rhs = 0;
      floatIdx.forEach((i) => {
        expect(cts[i].shape, `cotangent ${i} shape`).toEqual(xs[i].shape);
        rhs += vdot(data(cts[i]), data(ts[i]));
      });
      const lhs = vdot(data(ct), data(ty));
      const vtol = row.vjpTol ?? 1e-10;
      expect(Math.abs(lhs - rhs), `<ct, J t> = ${lhs}, <Jᵀ ct, t> = ${rhs}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(lhs)));
      // Each float input alone (the others closed over): transposes see non-linear operands.
      if (floatIdx.length > 1) {
        for (const i of floatIdx) {
          const fi = (xi: Array) => row.f(...xs.map((x, k) => (k === i ? xi : x)));
          const [, tyi] = jvp(fi, [xs[i]], [ts[i]]) as [Array, Array];
          const [, fni] = vjp(fi, [xs[i]]);
          const [cti] = fni(ct) as Array[];
          const l = vdot(data(ct), data(tyi));
          const rr = vdot(data(cti), data(ts[i]));
          expect(Math.abs(l - rr), `input ${i} alone: <ct, J t> = ${l}, <Jᵀ ct, t> = ${rr}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(l)));
        }
      }
    });
  }

  const B = 3;
  it('vmap(f)(xs)[i] == f(xs[i]) (batch axis 0)', () => {
    const r = rng(seed + 2);
    const exs = globalThis.Array.from({ length: B }, () => row.inputs.map((s) => sample(r, s)));
    const stacked = row.inputs.map((s, i) => make(s, exs.flatMap((e) => data(e[i])), B));
    const ys = vmap(row.f)(...stacked) as Array;
    const per = exs.map((e) => row.f(...e));
    expect(ys.shape).toEqual([B, ...per[0].shape]);
    expect(ys.dtype).toBe(per[0].dtype);
    expectClose(data(ys), per.flatMap(data), 1e-12, 'vmap vs per-example');
    // The same with every batch axis last.
    const last = stacked.map((x) => np.moveaxis(x, 0, x.ndim - 1));
    const ysLast = vmap(row.f, row.inputs.map((s) => s.shape.length))(...last) as Array;
    expectClose(data(ysLast), per.flatMap(data), 1e-12, 'vmap (batch axes last) vs per-example');
  });

  if (row.inputs.length >= 2) {
    it('vmap with one input unbatched (inAxes null), each in turn', () => {
      const r = rng(seed + 3);
      for (let u = 0; u < row.inputs.length; u++) {
        const shared = sample(r, row.inputs[u]);
        const exs = globalThis.Array.from({ length: B }, () => row.inputs.map((s, i) => (i === u ? shared : sample(r, s))));
        const args = row.inputs.map((s, i) => (i === u ? shared : make(s, exs.flatMap((e) => data(e[i])), B)));
        const inAxes = row.inputs.map((_, i) => (i === u ? null : 0));
        const ys = vmap(row.f, inAxes)(...args) as Array;
        const per = exs.map((e) => row.f(...e));
        expect(ys.shape).toEqual([B, ...per[0].shape]);
        expectClose(data(ys), per.flatMap(data), 1e-12, `vmap with input ${u} unbatched`);
      }
    });
  }

  it('typecheck passes on the jvp, vmap and vjp/grad jaxprs', () => {
    const r = rng(seed + 4);
    const xs = row.inputs.map((s) => sample(r, s));
    const ts = row.inputs.map((s) => tangentFor(r, s));
    typecheck(makeJaxpr((...a: Array[]) => jvp(row.f, a, ts))(...xs).jaxpr);
    typecheck(makeJaxpr(vmap(row.f))(...row.inputs.map((s) => sample(r, s, 2))).jaxpr);
    if (row.nondiff || row.forwardOnly) return;
    const y = row.f(...xs);
    const ct = sample(r, { shape: y.shape });
    typecheck(makeJaxpr((...a: Array[]) => (vjp(row.f, a)[1] as (c: Array) => Array[])(ct))(...xs).jaxpr);
    const sumF = (...a: Array[]) => np.sum(np.multiply(row.f(...a), ct));
    typecheck(makeJaxpr(grad(sumF, { argnums: floatIdx }))(...xs).jaxpr);
  });
});
