/**
 * Reduction primitives, bound eagerly on each backend's kernels, vs. naive multi-index references
 * over seeded-random shapes. On test-f32 the dtypes drawn are its own (no float64).
 */
import { expect } from 'vitest';
import '../lib/backends/cpu/index.js';
import { ConcreteArray } from '../lib/core/array.js';
import { bind } from '../lib/core/trace.js';
import { ShapeError } from '../lib/core/errors.js';
import type { DType, TypedArray } from '../lib/core/dtype.js';
import type { Primitive } from '../lib/core/primitive.js';
import * as R from '../lib/primitives/reduce.js';
import { type Rng, flat, indices, pick, prod, randInt, rng as mulberry32 } from './rng.js';
import { describeEachBackend } from './backends.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);


function randShape(r: Rng, big: boolean): number[] {
  const rank = randInt(r, 0, 4);
  const s = Array.from({ length: rank }, () => (r() < 0.08 ? 0 : big && r() < 0.5 ? randInt(r, 10, 60) : randInt(r, 1, 5)));
  for (let k = 0; prod(s) > 20000; k++) s[k % rank] = Math.min(s[k % rank], 4);
  return s;
}

interface Arr { shape: number[]; dtype: DType; data: TypedArray }
const CTOR = { float64: Float64Array, float32: Float32Array, float16: Float32Array, int32: Int32Array, uint32: Uint32Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array };

/** Random data; `wide` int32 values make sums and products wrap. */
function randArr(r: Rng, shape: number[], dtype: DType, nanRate = 0.03, wide = false): Arr {
  const a = range(prod(shape)).map(() => {
    if (dtype === 'bool') return r() < 0.5 ? 1 : 0;
    if (dtype === 'int32') return wide ? randInt(r, -(2 ** 31), 2 ** 31 - 1) : randInt(r, -6, 6);
    if (r() < nanRate) return NaN;
    return r() < 0.1 ? randInt(r, -3, 3) : (r() * 4 - 2); // repeated integers make ties
  });
  return { shape, dtype, data: CTOR[dtype].from(a) };
}

/** Binds `prim` eagerly on the default device and reads the result asynchronously. */
async function run(prim: Primitive, x: Arr, params: Record<string, unknown>): Promise<Arr> {
  const [y] = bind(prim, [ConcreteArray.fromData(x.data, x.shape, x.dtype)], params);
  return { shape: [...y.shape], dtype: y.dtype, data: await y.concrete().read() };
}

/** The dtypes of `ds` a device whose float is `f` holds (float32 devices have no float64). */
const onDevice = (f: DType, ds: DType[]): DType[] => (f === 'float64' ? ds : ds.filter((d) => d !== 'float64'));


function expectClose(got: Arr, shape: number[], dtype: DType, want: number[], tol: number, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(shape);
  expect(got.dtype, `${what}: dtype`).toBe(dtype);
  expect(got.data.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got.data[i], b = want[i];
    const ok = Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b));
    if (!ok) throw new Error(`${what}: element ${i}: got ${a}, want ${b}`);
  }
}

const tolFor = (d: DType) => (d === 'float32' ? 1e-5 : d === 'float64' ? 1e-12 : 0);

type Red = 'sum' | 'prod' | 'max' | 'min';
const PRIM: Record<Red, Primitive> = { sum: R.ReduceSum, prod: R.ReduceProd, max: R.ReduceMax, min: R.ReduceMin };

/** Reference reduction: collect each output's values, then fold them independently. */
function refReduce(op: Red, x: Arr, axes: number[]): { shape: number[]; data: number[] } {
  const keep = range(x.shape.length).filter((i) => !axes.includes(i));
  const shape = keep.map((i) => x.shape[i]);
  const groups: number[][] = range(prod(shape)).map(() => []);
  for (const idx of indices(x.shape)) groups[flat(keep.map((i) => idx[i]), shape)].push(x.data[flat(idx, x.shape)]);
  const int = x.dtype === 'int32', bool = x.dtype === 'bool';
  const data = groups.map((g) => {
    switch (op) {
      case 'sum': return int ? Number(BigInt.asIntN(32, g.reduce((a, v) => a + BigInt(v), 0n))) : g.reduce((a, v) => a + v, 0);
      case 'prod': return int ? Number(BigInt.asIntN(32, g.reduce((a, v) => a * BigInt(v), 1n))) : g.reduce((a, v) => a * v, 1);
      case 'max': return g.length ? Math.max(...g) : bool ? 0 : int ? -(2 ** 31) : -Infinity;
      case 'min': return g.length ? Math.min(...g) : bool ? 1 : int ? 2 ** 31 - 1 : Infinity;
    }
  });
  return { shape, data: x.dtype === 'float32' ? Array.from(Float32Array.from(data)) : data };
}

const CASES = 80;

describeEachBackend('reductions', (b) => {
  const F = b.dtype;
  for (const op of ['sum', 'prod', 'max', 'min'] as Red[]) {
    b.it({}, `reduce_${op} over random axes`, async () => {
      const r = mulberry32(op.length * 7 + op.charCodeAt(1));
      const dts: DType[] = onDevice(F, op === 'sum' || op === 'prod' ? ['float64', 'float32', 'int32'] : ['float64', 'float32', 'int32', 'bool']);
      for (let t = 0; t < CASES; t++) {
        const dtype = pick(r, dts);
        const x = randArr(r, randShape(r, t % 2 === 0), dtype, t % 4 === 0 ? 0.3 : 0.02, t % 3 === 0);
        const axes = range(x.shape.length).filter(() => r() < 0.5);
        if (r() < 0.5) axes.reverse(); // order of `axes` must not matter
        const want = refReduce(op, x, axes);
        // Products of many floats under/overflow differently per order; keep them short-ish.
        const tol = op === 'prod' ? tolFor(dtype) * 100 : tolFor(dtype) * Math.max(1, prod(x.shape) / 100);
        expectClose(await run(PRIM[op], x, { axes }), want.shape, dtype, want.data, tol, `reduce_${op} ${dtype}${JSON.stringify(x.shape)} axes ${axes}`);
      }
    });
  }

  b.it({}, 'empty reductions give the identity', async () => {
    const cases: [Red, DType, number][] = [
      ['sum', F, 0], ['prod', 'int32', 1], ['max', 'float32', -Infinity], ['max', 'int32', -(2 ** 31)],
      ['max', 'bool', 0], ['min', F, Infinity], ['min', 'int32', 2 ** 31 - 1], ['min', 'bool', 1],
    ];
    for (const [op, dtype, v] of cases) {
      const got = await run(PRIM[op], { shape: [3, 0], dtype, data: new CTOR[dtype](0) }, { axes: [1] });
      expectClose(got, [3], dtype, [v, v, v], 0, `empty reduce_${op} ${dtype}`);
    }
  });

  b.it({}, 'reduce_max / reduce_min propagate NaN wherever it is', async () => {
    for (const pos of [0, 1, 5, 6]) {
      const d = new CTOR[F]([1, 2, 3, 4, 5, 6, 7]);
      d[pos] = NaN;
      for (const op of ['max', 'min'] as Red[]) {
        expectClose(await run(PRIM[op], { shape: [7], dtype: F, data: d }, { axes: [0] }), [], F, [NaN], 0, `${op} NaN@${pos}`);
        // Column-wise (leading axis reduced) takes the elementwise-accumulate path.
        const col = { shape: [7, 2], dtype: F as DType, data: CTOR[F].from([...d].flatMap((v) => [v, -v])) };
        expectClose(await run(PRIM[op], col, { axes: [0] }), [2], F, [NaN, NaN], 0, `${op} column NaN@${pos}`);
      }
    }
  });

  b.it({}, 'int32 sums and products wrap', async () => {
    const x: Arr = { shape: [2, 3], dtype: 'int32', data: Int32Array.from([2 ** 31 - 1, 1, 1, 65536, 65536, 3]) };
    expectClose(await run(R.ReduceSum, x, { axes: [1] }), [2], 'int32', [-(2 ** 31) + 1, 131075], 0, 'sum wrap');
    expectClose(await run(R.ReduceProd, x, { axes: [1] }), [2], 'int32', [2 ** 31 - 1, 0], 0, 'prod wrap');
    expectClose(await run(R.ReduceSum, x, { axes: [0] }), [3], 'int32', [-2147418113, 65537, 4], 0, 'sum wrap columns');
  });
});

/** numpy argmax/argmin: the first NaN if any, else the first extremum. */
function refArg(x: Arr, axis: number, max: boolean): { shape: number[]; data: number[] } {
  const shape = x.shape.filter((_, i) => i !== axis);
  const data = [...indices(shape)].map((o) => {
    let best = 0;
    let bv = NaN;
    for (let j = 0; j < x.shape[axis]; j++) {
      const idx = [...o.slice(0, axis), j, ...o.slice(axis)];
      const v = x.data[flat(idx, x.shape)];
      if (Number.isNaN(v)) return j;
      if (j === 0 || (max ? v > bv : v < bv)) { best = j; bv = v; }
    }
    return best;
  });
  return { shape, data };
}

describeEachBackend('arg-reductions and cumsum', (b) => {
  const F = b.dtype;
  for (const [name, prim, max] of [['argmax', R.Argmax, true], ['argmin', R.Argmin, false]] as const) {
    b.it({}, `${name}: first extremum, first NaN wins`, async () => {
      const r = mulberry32(max ? 41 : 42);
      for (let t = 0; t < CASES; t++) {
        const shape = randShape(r, t % 2 === 0);
        if (shape.length === 0) shape.push(3);
        const axis = randInt(r, 0, shape.length - 1);
        if (shape[axis] === 0) shape[axis] = 2;
        const x = randArr(r, shape, pick(r, onDevice(F, ['float64', 'float32', 'int32', 'bool'])), t % 3 === 0 ? 0.2 : 0);
        const want = refArg(x, axis, max);
        expectClose(await run(prim, x, { axis }), want.shape, 'int32', want.data, 0, `${name} ${x.dtype}${JSON.stringify(shape)} axis ${axis}`);
      }
      const nan: Arr = { shape: [5], dtype: F, data: CTOR[F].from([1, 9, NaN, 9, NaN]) };
      expectClose(await run(prim, nan, { axis: 0 }), [], 'int32', [2], 0, `${name} first NaN`);
    });
  }

  b.it({}, 'cumsum forward and reverse', async () => {
    const r = mulberry32(51);
    for (let t = 0; t < CASES; t++) {
      const shape = randShape(r, t % 2 === 0);
      if (shape.length === 0) shape.push(4);
      const axis = randInt(r, 0, shape.length - 1);
      const reverse = r() < 0.5;
      const dtype = pick(r, onDevice(F, ['float64', 'float32', 'int32']));
      const x = randArr(r, shape, dtype, 0.01, t % 5 === 0);
      const want = [...indices(shape)].map((o) => {
        let s = dtype === 'int32' ? 0n : 0;
        for (let j = 0; j < shape[axis]; j++) {
          if (reverse ? j < o[axis] : j > o[axis]) continue;
          const v = x.data[flat(o.map((v2, i) => (i === axis ? j : v2)), shape)];
          s = typeof s === 'bigint' ? s + BigInt(v) : s + v;
        }
        return typeof s === 'bigint' ? Number(BigInt.asIntN(32, s)) : s;
      });
      const tol = tolFor(dtype) * Math.max(1, shape[axis] ?? 1);
      expectClose(await run(R.Cumsum, x, { axis, reverse }), shape, dtype, want, tol, `cumsum ${dtype}${JSON.stringify(shape)} axis ${axis} rev ${reverse}`);
    }
  });
});

describeEachBackend('reduce primitives reject bad params', (bk) => {
  const F = bk.dtype;
  const f: Arr = { shape: [2, 3], dtype: F, data: new CTOR[F](6) };
  const b: Arr = { shape: [2, 3], dtype: 'bool', data: new Uint8Array(6) };
  const e: Arr = { shape: [2, 0], dtype: F, data: new CTOR[F](0) };
  const bad: [Primitive, Arr, Record<string, unknown>][] = [
    [R.ReduceSum, f, { axes: [2] }],
    [R.ReduceSum, b, { axes: [0] }],
    [R.ReduceProd, f, { axes: [0, 0] }],
    [R.ReduceMax, f, { axes: [-1] }],
    [R.Argmax, e, { axis: 1 }],
    [R.Argmin, f, { axis: 5 }],
    [R.Cumsum, b, { axis: 0, reverse: false }],
    [R.Cumsum, f, { axis: 2, reverse: false }],
  ];
  for (const [prim, x, params] of bad) {
    bk.it({}, `${prim.name} ${x.dtype} ${JSON.stringify(params)}`, async () => {
      await expect(run(prim, x, params)).rejects.toThrow(ShapeError);
      await expect(run(prim, x, params)).rejects.toThrow(prim.name);
    });
  }
});
