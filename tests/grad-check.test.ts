/**
 * Every primitive's rules checked numerically from tests/prim-table.ts, on every backend
 * (tests/backends.ts: cpu in float64, test-f32 in float32, read asynchronously):
 * (a) jvp vs central differences, (b) vjp by <ct, J t> = <Jᵀ ct, t>, (c) vmap vs a loop,
 * (d) typecheck of the jvp and vjp/grad jaxprs. No hand-written expected gradients.
 * In float32 the finite-difference step and the tolerances follow float32's epsilon (central
 * differences balance rounding eps/h against truncation h²: h ≈ eps^(1/3)); rows that need
 * float64 itself say why in `f64Only`.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jvp, makeJaxpr, np, primitives, typecheck, vjp, vmap } from '../lib/index.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { type InputSpec, rows } from './prim-table.js';
import { rng } from './rng.js';

const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const data = async (x: Array): Promise<number[]> => globalThis.Array.from((await x.data()) as ArrayLike<number | boolean>, Number);
const datas = (xs: readonly Array[]): Promise<number[][]> => Promise.all(xs.map(data));
const isFloatSpec = (s: InputSpec) => (s.dtype ?? 'float64') === 'float64';

/** Tolerances per float dtype: float64 takes each row's own; float32 those of its epsilon. */
const F32 = { h: 3e-3, tol: 5e-3, vjpTol: 1e-4, vmapTol: 1e-5 };

/** Rows that fail on a device because of a library bug (device -> row name -> the bug). */
const KNOWN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Constant folding once read values on the default device; it runs on the host now.
  'test-f32': {},
};

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

let floatDtype: 'float64' | 'float32' = 'float64';

function make(s: InputSpec, values: number[], batch?: number): Array {
  const shape = batch === undefined ? [...s.shape] : [batch, ...s.shape];
  const dtype = s.dtype ?? floatDtype;
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

describeEachBackend('grad-check', (b: BackendCase) => {
const f32 = b.dtype === 'float32';
const known = KNOWN[b.device] ?? {};
describe.each(rows.map((r, i) => [r.name, r, i] as const))('%s', (_name, row, index) => {
  if (f32 && row.f64Only) {
    // The row needs float64 (${row.f64Only}): the device must refuse it with the dtype error.
    it(`is refused with a dtype error naming the fix (float64 only: ${row.f64Only})`, () => {
      floatDtype = b.dtype;
      const r = rng(1000 + index);
      expect(() => row.f(...row.inputs.map((s) => sample(r, s)))).toThrow(/has no float64.*astype\('float32'\)/);
    });
    return;
  }
  const t = (name: string, fn: () => Promise<void>) => {
    const bug = known[row.name];
    if (bug) it.fails(`${name} (known failure: ${bug})`, async () => { floatDtype = b.dtype; await fn(); });
    else it(name, async () => { floatDtype = b.dtype; await fn(); });
  };
  const seed = 1000 + index;
  // Control flow on a device predicate, host callbacks and routines computed on the host (eig, as
  // JAX's CPU-only eig) run only asynchronously where there is no synchronous readback: such rows
  // evaluate every program through b.call (jit(...).async) there.
  const viaAsync = b.device !== 'cpu' && (row.prim === 'cond' || row.prim === 'while' || row.prim === 'debug_callback' || row.prim === 'eig');
  const ev = <A extends Array[], R>(fn: (...a: A) => R, ...args: A): Promise<R> => (viaAsync ? b.call(fn, ...args) : (async () => fn(...args))());
  const f = (...a: Array[]) => ev(row.f, ...a);
  const jvpOf = (fn: (...a: Array[]) => Array, xs: Array[], ts: Array[]) =>
    ev((...a: Array[]) => jvp(fn, a.slice(0, xs.length), a.slice(xs.length)) as [Array, Array], ...xs, ...ts);
  const vjpOf = (fn: (...a: Array[]) => Array, xs: Array[], ct: Array) =>
    ev((c: Array, ...a: Array[]) => { const [y, back] = vjp(fn, a); return [y as Array, back(c) as Array[]] as const; }, ct, ...xs);
  const floatIdx = row.inputs.map((s, i) => (isFloatSpec(s) ? i : -1)).filter((i) => i >= 0);

  if (row.nondiff) {
    t('jvp tangent is exactly zero', async () => {
      const r = rng(seed);
      const xs = row.inputs.map((s) => sample(r, s));
      const ts = row.inputs.map((s) => tangentFor(r, s));
      const [y, ty] = await jvpOf(row.f, xs, ts);
      expect(ty.shape).toEqual(y.shape);
      expect((await data(ty)).every((v) => v === 0)).toBe(true);
      expect(await data(y)).toEqual(await data(await f(...xs)));
    });
  } else {
    t('jvp matches central differences', async () => {
      const r = rng(seed);
      const xs = row.inputs.map((s) => sample(r, s));
      const ts = row.inputs.map((s) => tangentFor(r, s));
      const [y, ty] = await jvpOf(row.f, xs, ts);
      expect(await data(y)).toEqual(await data(await f(...xs)));
      const h = f32 ? row.h32 ?? Math.max(row.h ?? 0, F32.h) : row.h ?? 1e-6;
      const xv = await datas(xs);
      const tv = await datas(ts);
      const shift = (sgn: number) => xs.map((x, i) => (floatIdx.includes(i) ? make(row.inputs[i], xv[i].map((v, k) => v + sgn * h * tv[i][k])) : x));
      const yp = await data(await f(...shift(1)));
      const ym = await data(await f(...shift(-1)));
      const fd = yp.map((v, k) => (v - ym[k]) / (2 * h));
      expect(ty.shape).toEqual(y.shape);
      expectClose(await data(ty), fd, f32 ? Math.max(row.tol ?? 0, F32.tol) : row.tol ?? 1e-6, 'jvp vs finite differences');
    });

    t('vjp: <ct, J t> = <Jᵀ ct, t>', async () => {
      const r = rng(seed + 1);
      const xs = row.inputs.map((s) => sample(r, s));
      const ts = row.inputs.map((s) => tangentFor(r, s));
      const [y, ty] = await jvpOf(row.f, xs, ts);
      const ct = sample(r, { shape: y.shape });
      if (row.forwardOnly) {
        await expect(vjpOf(row.f, xs, ct)).rejects.toThrow(row.forwardOnly);
        return;
      }
      const [y2, cts] = await vjpOf(row.f, xs, ct);
      expect(await data(y2)).toEqual(await data(y));
      expect(cts.length).toBe(xs.length);
      let rhs = 0;
      floatIdx.forEach((i) => {
        expect(cts[i].shape, `cotangent ${i} shape`).toEqual(xs[i].shape);
      });
      for (const i of floatIdx) rhs += vdot(await data(cts[i]), await data(ts[i]));
      const lhs = vdot(await data(ct), await data(ty));
      const vtol = f32 ? Math.max(row.vjpTol ?? 0, F32.vjpTol) : row.vjpTol ?? 1e-10;
      expect(Math.abs(lhs - rhs), `<ct, J t> = ${lhs}, <Jᵀ ct, t> = ${rhs}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(lhs)));
      // Each float input alone (the others closed over): transposes see non-linear operands.
      if (floatIdx.length > 1) {
        for (const i of floatIdx) {
          const fi = (xi: Array) => row.f(...xs.map((x, k) => (k === i ? xi : x)));
          const [, tyi] = await jvpOf(fi, [xs[i]], [ts[i]]);
          const [, [cti]] = await vjpOf(fi, [xs[i]], ct);
          const l = vdot(await data(ct), await data(tyi));
          const rr = vdot(await data(cti), await data(ts[i]));
          expect(Math.abs(l - rr), `input ${i} alone: <ct, J t> = ${l}, <Jᵀ ct, t> = ${rr}`).toBeLessThanOrEqual(vtol * Math.max(1, Math.abs(l)));
        }
      }
    });
  }

  const B = 3;
  const vmapTol = f32 ? F32.vmapTol : 1e-12;
  t('vmap(f)(xs)[i] == f(xs[i]) (batch axis 0)', async () => {
    const r = rng(seed + 2);
    const exs = globalThis.Array.from({ length: B }, () => row.inputs.map((s) => sample(r, s)));
    const exv = await Promise.all(exs.map(datas));
    const stacked = row.inputs.map((s, i) => make(s, exv.flatMap((e) => e[i]), B));
    const ys = await ev(vmap(row.f) as (...a: Array[]) => Array, ...stacked);
    const per = await Promise.all(exs.map((e) => f(...e)));
    expect(ys.shape).toEqual([B, ...per[0].shape]);
    expect(ys.dtype).toBe(per[0].dtype);
    const perv = (await datas(per)).flat();
    expectClose(await data(ys), perv, vmapTol, 'vmap vs per-example');
    // The same with every batch axis last.
    const last = stacked.map((x) => np.moveaxis(x, 0, x.ndim - 1));
    const ysLast = await ev(vmap(row.f, row.inputs.map((s) => s.shape.length)) as (...a: Array[]) => Array, ...last);
    expectClose(await data(ysLast), perv, vmapTol, 'vmap (batch axes last) vs per-example');
  });

  if (row.inputs.length >= 2) {
    t('vmap with one input unbatched (inAxes null), each in turn', async () => {
      const r = rng(seed + 3);
      for (let u = 0; u < row.inputs.length; u++) {
        const shared = sample(r, row.inputs[u]);
        const exs = globalThis.Array.from({ length: B }, () => row.inputs.map((s, i) => (i === u ? shared : sample(r, s))));
        const exv = await Promise.all(exs.map(datas));
        const args = row.inputs.map((s, i) => (i === u ? shared : make(s, exv.flatMap((e) => e[i]), B)));
        const inAxes = row.inputs.map((_, i) => (i === u ? null : 0));
        const ys = await ev(vmap(row.f, inAxes) as (...a: Array[]) => Array, ...args);
        const per = await Promise.all(exs.map((e) => f(...e)));
        expect(ys.shape).toEqual([B, ...per[0].shape]);
        expectClose(await data(ys), (await datas(per)).flat(), vmapTol, `vmap with input ${u} unbatched`);
      }
    });
  }

  t('typecheck passes on the jvp, vmap and vjp/grad jaxprs', async () => {
    const r = rng(seed + 4);
    const xs = row.inputs.map((s) => sample(r, s));
    const ts = row.inputs.map((s) => tangentFor(r, s));
    typecheck(makeJaxpr((...a: Array[]) => jvp(row.f, a, ts))(...xs).jaxpr);
    typecheck(makeJaxpr(vmap(row.f))(...row.inputs.map((s) => sample(r, s, 2))).jaxpr);
    if (row.nondiff || row.forwardOnly) return;
    const y = await f(...xs);
    const ct = sample(r, { shape: y.shape });
    typecheck(makeJaxpr((...a: Array[]) => (vjp(row.f, a)[1] as (c: Array) => Array[])(ct))(...xs).jaxpr);
    const sumF = (...a: Array[]) => np.sum(np.multiply(row.f(...a), ct));
    typecheck(makeJaxpr(grad(sumF, { argnums: floatIdx }))(...xs).jaxpr);
  });
});
});
