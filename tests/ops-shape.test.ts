/**
 * Shape primitives, bound eagerly on each backend's kernels, vs. naive multi-index references over
 * seeded-random shapes and params. On test-f32 the dtypes drawn are its own (no float64).
 */
import { describe, expect, it } from 'vitest';
import '../lib/backends/cpu/index.js';
import { ConcreteArray } from '../lib/core/array.js';
import { bind } from '../lib/core/trace.js';
import { ShapeError } from '../lib/core/errors.js';
import { type DType, type TypedArray, typedArrayFor } from '../lib/core/dtype.js';
import type { Primitive } from '../lib/core/primitive.js';
import * as P from '../lib/primitives/shape.js';
import { type Rng, flat, indices, pick, prod, randInt, rng as mulberry32 } from './rng.js';
import { describeEachBackend } from './backends.js';

// ---- helpers -----------------------------------------------------------------------------


/** Random shape; `big` makes some axes long enough to hit the bulk/tiled paths. */
function randShape(r: Rng, maxRank = 4, big = false): number[] {
  const rank = randInt(r, 0, maxRank);
  const s = Array.from({ length: rank }, () => (r() < 0.08 ? 0 : big && r() < 0.5 ? randInt(r, 20, 70) : randInt(r, 1, 4)));
  // Keep the naive references fast: at most ~20k elements.
  for (let k = 0; prod(s) > 20000; k++) s[k % rank] = Math.min(s[k % rank], 4);
  return s;
}

const ALL_DTYPES: DType[] = ['float64', 'float32', 'int32', 'bool'];
/** The dtypes a device holds, in the order the CPU draws them. */
const dtypesOf = (f: DType): DType[] => (f === 'float64' ? ALL_DTYPES : ALL_DTYPES.filter((d) => d !== 'float64'));

function randData(r: Rng, n: number, dtype: DType): TypedArray {
  const a: number[] = [];
  for (let i = 0; i < n; i++) {
    if (dtype === 'bool') a.push(r() < 0.5 ? 1 : 0);
    else if (dtype === 'int32') a.push(randInt(r, -100, 100));
    else a.push(r() < 0.05 ? NaN : Math.round((r() * 20 - 10) * 1000) / 1000);
  }
  const out = typedArrayFor(dtype, a.length);
  out.set(a);
  return out;
}

interface Arr { shape: number[]; dtype: DType; data: TypedArray }
const arr = (shape: number[], dtype: DType, data: TypedArray): Arr => ({ shape, dtype, data });
const randArr = (r: Rng, shape: number[], dtype: DType): Arr => arr(shape, dtype, randData(r, prod(shape), dtype));
const toConcrete = (a: Arr) => ConcreteArray.fromData(a.data, a.shape, a.dtype);
const i32 = (v: number) => ConcreteArray.fromScalar(v, 'int32');

/** Binds `prim` eagerly on the default device and reads the result asynchronously. */
async function run(prim: Primitive, args: (Arr | ConcreteArray)[], params: Record<string, unknown>): Promise<Arr> {
  const [y] = bind(prim, args.map((a) => (a instanceof ConcreteArray ? a : toConcrete(a))), params);
  const c = y.concrete();
  return { shape: [...y.shape], dtype: y.dtype, data: await c.read() };
}

function expectEqual(got: Arr, want: { shape: readonly number[]; dtype: DType; data: ArrayLike<number> }, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual([...want.shape]);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  expect(got.data.length, `${what}: length`).toBe(want.data.length);
  for (let i = 0; i < want.data.length; i++) {
    const a = got.data[i], b = want.data[i];
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) {
      throw new Error(`${what}: element ${i}: got ${a}, want ${b}`);
    }
  }
}

/** Builds a reference output by evaluating `f` at every output multi-index. */
function build(shape: number[], dtype: DType, f: (o: number[]) => number): { shape: number[]; dtype: DType; data: number[] } {
  const data: number[] = [];
  for (const o of indices(shape)) data.push(f(o));
  return { shape, dtype, data };
}
const at = (a: Arr, idx: readonly number[]): number => a.data[flat(idx, a.shape)];

const shuffle = <T>(r: Rng, xs: T[]): T[] => {
  for (let i = xs.length - 1; i > 0; i--) { const j = randInt(r, 0, i); [xs[i], xs[j]] = [xs[j], xs[i]]; }
  return xs;
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const subset = (r: Rng, n: number) => range(n).filter(() => r() < 0.5);

const CASES = 60;
async function cases(seed: number, body: (r: Rng, t: number) => Promise<void>): Promise<void> {
  const r = mulberry32(seed);
  for (let t = 0; t < CASES; t++) await body(r, t);
}

// ---- kernels -----------------------------------------------------------------------------

describeEachBackend('shape kernels', (b) => {
  const DTYPES = dtypesOf(b.dtype);
  const F = b.dtype;
  b.it({}, 'broadcast_in_dim', async () => {
    await cases(1, async (r, t) => {
      const shape = randShape(r, 4, t % 3 === 0);
      const bd = subset(r, shape.length);
      const xs = bd.map((d) => (r() < 0.3 ? 1 : shape[d]));
      const x = randArr(r, xs, pick(r, DTYPES));
      const want = build(shape, x.dtype, (o) => at(x, bd.map((d, i) => (xs[i] === 1 ? 0 : o[d]))));
      expectEqual(await run(P.BroadcastInDim, [x], { shape, broadcastDimensions: bd }), want, `broadcast ${xs}->${shape} bd=${bd}`);
    });
  });

  b.it({}, 'broadcast_in_dim along long trailing axes (bulk fill/copy)', async () => {
    const r = mulberry32(101);
    for (const [xs, shape, bd] of [[[5, 1], [5, 40], [0, 1]], [[5], [5, 40], [0]], [[40], [3, 40], [1]], [[], [2, 50], []]] as const) {
      const x = randArr(r, [...xs], F);
      const want = build([...shape], F, (o) => at(x, bd.map((d, i) => (xs[i] === 1 ? 0 : o[d]))));
      expectEqual(await run(P.BroadcastInDim, [x], { shape, broadcastDimensions: bd }), want, `broadcast ${xs}->${shape}`);
    }
  });

  b.it({}, 'reshape, squeeze, expand_dims keep the data', async () => {
    await cases(2, async (r) => {
      const shape = randShape(r);
      const x = randArr(r, shape, pick(r, DTYPES));
      const newSizes = shuffle(r, [...shape]);
      expectEqual(await run(P.Reshape, [x], { newSizes }), { shape: newSizes, dtype: x.dtype, data: x.data }, 'reshape');
      const e = [...shape];
      const dims = [randInt(r, 0, shape.length)];
      e.splice(dims[0], 0, 1);
      expectEqual(await run(P.ExpandDims, [x], { dimensions: dims }), { shape: e, dtype: x.dtype, data: x.data }, 'expand_dims');
      expectEqual(await run(P.Squeeze, [arr(e, x.dtype, x.data)], { dimensions: dims }), x, 'squeeze');
    });
  });

  b.it({}, 'transpose (including tiled sizes)', async () => {
    await cases(3, async (r, t) => {
      const x = randArr(r, randShape(r, 4, t % 2 === 0), pick(r, DTYPES));
      const p = shuffle(r, range(x.shape.length));
      const shape = p.map((i) => x.shape[i]);
      const want = build(shape, x.dtype, (o) => {
        const idx = new Array<number>(p.length);
        p.forEach((src, j) => { idx[src] = o[j]; });
        return at(x, idx);
      });
      expectEqual(await run(P.Transpose, [x], { permutation: p }), want, `transpose ${x.shape} by ${p}`);
    });
    const m = randArr(mulberry32(33), [130, 77], 'float32');
    const want = build([77, 130], 'float32', ([i, j]) => at(m, [j, i]));
    expectEqual(await run(P.Transpose, [m], { permutation: [1, 0] }), want, 'transpose 2-D');
  });

  b.it({}, 'rev', async () => {
    await cases(4, async (r, t) => {
      const x = randArr(r, randShape(r, 4, t % 2 === 0), pick(r, DTYPES));
      const dims = subset(r, x.shape.length);
      const want = build(x.shape, x.dtype, (o) => at(x, o.map((v, d) => (dims.includes(d) ? x.shape[d] - 1 - v : v))));
      expectEqual(await run(P.Rev, [x], { dimensions: dims }), want, `rev ${x.shape} ${dims}`);
    });
  });

  b.it({}, 'slice with and without strides', async () => {
    await cases(5, async (r, t) => {
      const x = randArr(r, randShape(r, 4, t % 2 === 0), pick(r, DTYPES));
      const start = x.shape.map((d) => randInt(r, 0, d));
      const limit = x.shape.map((d, i) => randInt(r, start[i], d));
      const st = r() < 0.3 ? null : x.shape.map(() => randInt(r, 1, 3));
      const shape = start.map((s, i) => Math.ceil((limit[i] - s) / (st ? st[i] : 1)));
      const want = build(shape, x.dtype, (o) => at(x, o.map((v, i) => start[i] + v * (st ? st[i] : 1))));
      expectEqual(await run(P.Slice, [x], { startIndices: start, limitIndices: limit, strides: st }), want, `slice ${x.shape} ${start}:${limit}:${st}`);
    });
  });

  b.it({}, 'dynamic_slice clamps its starts', async () => {
    await cases(6, async (r, t) => {
      const x = randArr(r, randShape(r, 4, t % 2 === 0), pick(r, DTYPES));
      const sizes = x.shape.map((d) => randInt(r, 0, d));
      const starts = x.shape.map((d) => randInt(r, -3, d + 3));
      const clamped = starts.map((s, i) => Math.min(Math.max(s, 0), x.shape[i] - sizes[i]));
      const want = build(sizes, x.dtype, (o) => at(x, o.map((v, i) => clamped[i] + v)));
      expectEqual(await run(P.DynamicSlice, [x, ...starts.map(i32)], { sliceSizes: sizes }), want, `dynamic_slice ${x.shape} at ${starts}`);
    });
  });

  b.it({}, 'dynamic_update_slice clamps its starts', async () => {
    await cases(7, async (r, t) => {
      const x = randArr(r, randShape(r, 4, t % 2 === 0), pick(r, DTYPES));
      const u = randArr(r, x.shape.map((d) => randInt(r, 0, d)), x.dtype);
      const starts = x.shape.map((d) => randInt(r, -3, d + 3));
      const clamped = starts.map((s, i) => Math.min(Math.max(s, 0), x.shape[i] - u.shape[i]));
      const want = Array.from(x.data);
      for (const ui of indices(u.shape)) want[flat(ui.map((v, i) => v + clamped[i]), x.shape)] = at(u, ui);
      const got = await run(P.DynamicUpdateSlice, [x, u, ...starts.map(i32)], {});
      expectEqual(got, { shape: x.shape, dtype: x.dtype, data: want }, `dus ${u.shape} into ${x.shape} at ${starts}`);
    });
  });

  b.it({}, 'pad with negative and interior padding', async () => {
    await cases(8, async (r, t) => {
      const x = randArr(r, randShape(r, 3, t % 3 === 0), pick(r, DTYPES));
      const config = x.shape.map((d) => {
        const it = randInt(r, 0, 2);
        const full = d === 0 ? 0 : d + (d - 1) * it;
        const lo = randInt(r, -Math.min(full, 3), 3);
        const hi = randInt(r, -Math.min(full + lo, 3), 3);
        return [lo, hi, it] as [number, number, number];
      });
      const shape = x.shape.map((d, i) => {
        const [lo, hi, it] = config[i];
        return d === 0 ? lo + hi : lo + hi + d + (d - 1) * it;
      });
      const pv = x.dtype === 'bool' ? 1 : x.dtype === 'int32' ? -7 : t % 2 ? 0 : 2.5;
      const want = build(shape, x.dtype, (o) => {
        const src: number[] = [];
        for (let i = 0; i < o.length; i++) {
          const [lo, , it] = config[i];
          const p = o[i] - lo;
          if (p < 0 || p % (it + 1) !== 0 || p / (it + 1) >= x.shape[i]) return pv;
          src.push(p / (it + 1));
        }
        return at(x, src);
      });
      const v = ConcreteArray.fromScalar(pv, x.dtype);
      expectEqual(await run(P.Pad, [x, v], { config }), want, `pad ${x.shape} ${JSON.stringify(config)}`);
    });
  });

  b.it({}, 'concatenate', async () => {
    await cases(9, async (r, t) => {
      const base = randShape(r, 4, t % 2 === 0);
      if (base.length === 0) base.push(2);
      const dim = randInt(r, 0, base.length - 1);
      const dtype = pick(r, DTYPES);
      const parts = Array.from({ length: randInt(r, 1, 4) }, () => {
        const s = [...base];
        s[dim] = randInt(r, 0, 5);
        return randArr(r, s, dtype);
      });
      const shape = [...base];
      shape[dim] = parts.reduce((n, p) => n + p.shape[dim], 0);
      const want = build(shape, dtype, (o) => {
        let k = o[dim];
        for (const p of parts) {
          if (k < p.shape[dim]) return at(p, o.map((v, i) => (i === dim ? k : v)));
          k -= p.shape[dim];
        }
        throw new Error('unreachable');
      });
      expectEqual(await run(P.Concatenate, parts, { dimension: dim }), want, `concatenate on ${dim}`);
    });
  });

  /** Random gather/scatter setup: indices include out-of-range values and duplicates. */
  function gatherCase(r: Rng, t: number) {
    const xs = randShape(r, 4, t % 3 === 0);
    if (xs.length === 0) xs.push(3);
    const axes = shuffle(r, subset(r, xs.length));
    const batch = randShape(r, 2);
    const k = axes.length;
    const idxShape = [...batch, k];
    const nb = prod(batch);
    const pool = Array.from({ length: Math.max(1, nb >> 1) }, () => axes.map((a) => randInt(r, -2, xs[a] + 1)));
    const iv: number[] = [];
    for (let b = 0; b < nb; b++) iv.push(...pick(r, pool)); // duplicates on purpose
    const idx = arr(idxShape, 'int32', Int32Array.from(iv));
    const rest = range(xs.length).filter((i) => !axes.includes(i));
    const outShape = [...batch, ...rest.map((i) => xs[i])];
    return { xs, axes, idx, batch, rest, outShape };
  }
  /** Operand multi-index of output index o, or undefined when out of range (mode 'drop'). */
  function pointOf(o: number[], c: ReturnType<typeof gatherCase>, clamp: boolean): number[] | undefined {
    const nb = c.batch.length;
    const bFlat = flat(o.slice(0, nb), c.batch);
    const src = new Array<number>(c.xs.length);
    for (let j = 0; j < c.axes.length; j++) {
      let v = c.idx.data[bFlat * c.axes.length + j];
      const d = c.xs[c.axes[j]];
      if (v < 0 || v >= d) { if (!clamp) return undefined; v = Math.min(Math.max(v, 0), d - 1); }
      src[c.axes[j]] = v;
    }
    c.rest.forEach((a, i) => { src[a] = o[nb + i]; });
    return src;
  }

  b.it({}, 'gather clamps out-of-range indices', async () => {
    await cases(10, async (r, t) => {
      const c = gatherCase(r, t);
      const x = randArr(r, c.xs, pick(r, DTYPES));
      const want = build(c.outShape, x.dtype, (o) => (x.data.length ? at(x, pointOf(o, c, true)!) : 0));
      expectEqual(await run(P.Gather, [x, c.idx], { axes: c.axes }), want, `gather ${c.xs} axes ${c.axes} idx ${c.idx.shape}`);
    });
  });

  b.it({}, 'scatter_add accumulates duplicates and drops out-of-range points', async () => {
    await cases(11, async (r, t) => {
      const c = gatherCase(r, t);
      const dtype = pick(r, DTYPES);
      const x = randArr(r, c.xs, dtype);
      const u = randArr(r, c.outShape, dtype);
      const want = Array.from(x.data);
      for (const o of indices(c.outShape)) {
        const p = pointOf(o, c, false);
        if (!p) continue;
        const f = flat(p, c.xs);
        want[f] = dtype === 'bool' ? +(want[f] || at(u, o)) : want[f] + at(u, o);
      }
      const data = dtype === 'float32' ? Array.from(Float32Array.from(want)) : want;
      const got = await run(P.ScatterAdd, [x, c.idx, u], { axes: c.axes });
      if (dtype === 'float32') {
        // Accumulation order is the same, but float32 rounds each add; allow for that.
        expect(got.shape).toEqual(c.xs);
        got.data.forEach((v, i) => {
          const w = data[i];
          if (!(Number.isNaN(v) ? Number.isNaN(w) : Math.abs(v - w) <= 1e-4 * (1 + Math.abs(w)))) {
            throw new Error(`scatter_add f32 element ${i}: got ${v}, want ${w}`);
          }
        });
      } else {
        expectEqual(got, { shape: c.xs, dtype, data }, `scatter_add ${c.xs} axes ${c.axes}`);
      }
    });
  });

  b.it({}, 'scatter: last write wins, out-of-range dropped', async () => {
    await cases(12, async (r, t) => {
      const c = gatherCase(r, t);
      const x = randArr(r, c.xs, pick(r, DTYPES));
      const u = randArr(r, c.outShape, x.dtype);
      const want = Array.from(x.data);
      for (const o of indices(c.outShape)) {
        const p = pointOf(o, c, false);
        if (p) want[flat(p, c.xs)] = at(u, o);
      }
      expectEqual(await run(P.Scatter, [x, c.idx, u], { axes: c.axes }), { shape: c.xs, dtype: x.dtype, data: want }, 'scatter');
    });
  });

  b.it({}, 'scatter_add of a row block with duplicates', async () => {
    const x = arr([4, 40], F, new (F === 'float64' ? Float64Array : Float32Array)(160));
    const idx = arr([3, 1], 'int32', Int32Array.from([1, 1, 9]));
    const u = arr([3, 40], F, (F === 'float64' ? Float64Array : Float32Array).from(range(120)));
    const got = await run(P.ScatterAdd, [x, idx, u], { axes: [0] });
    const want = build([4, 40], F, ([i, j]) => (i === 1 ? j + (40 + j) : 0));
    expectEqual(got, want, 'scatter_add rows');
  });

  b.it({}, 'iota', async () => {
    await cases(13, async (r) => {
      const shape = randShape(r);
      if (shape.length === 0) shape.push(5);
      const dimension = randInt(r, 0, shape.length - 1);
      const dtype = pick(r, [F, 'float32', 'int32'] as DType[]);
      expectEqual(await run(P.Iota, [], { dtype, shape, dimension }), build(shape, dtype, (o) => o[dimension]), `iota ${shape} ${dimension}`);
    });
  });

  b.it({}, 'convert_element_type', async () => {
    const special = [NaN, Infinity, -Infinity, 0.5, -0.5, 1.5, -1.7, 2 ** 31, -(2 ** 31) - 5, 3e9, -3e9, 1e-40, 0.1, 16777217];
    const ref = (v: number, to: DType): number => {
      if (to === 'bool') return Number.isNaN(v) || v !== 0 ? 1 : 0;
      if (to === 'int32') return Number.isNaN(v) ? 0 : v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
      if (to === 'float32') return Math.fround(v);
      return v;
    };
    await cases(14, async (r) => {
      const from = pick(r, DTYPES), to = pick(r, DTYPES);
      const x = randArr(r, randShape(r), from);
      if (from === 'float64' || from === 'float32') {
        const src = from === 'float32' ? special.map(Math.fround) : special;
        const d = Array.from(x.data);
        for (let i = 0; i < d.length; i++) if (r() < 0.5) d[i] = pick(r, src);
        x.data.set(d);
      }
      const want = { shape: x.shape, dtype: to, data: Array.from(x.data, (v) => ref(v, to)) };
      expectEqual(await run(P.ConvertElementType, [x], { newDtype: to }), want, `convert ${from} -> ${to}`);
    });
  });
});

// Checks the CPU buffer's storage itself: CPU-only machinery.
describe('cpu shape kernels', () => {
  it('outputs never alias inputs', () => {
    const x = arr([2, 3], 'float64', Float64Array.from([1, 2, 3, 4, 5, 6]));
    const c = toConcrete(x);
    const [y] = bind(P.Reshape, [c], { newSizes: [3, 2] });
    expect((y.concrete().buffer as unknown as { data: TypedArray }).data).not.toBe((c.buffer as unknown as { data: TypedArray }).data);
  });
});

describeEachBackend('shape primitives reject bad params', (b) => {
  const F = b.dtype;
  const ctor = F === 'float64' ? Float64Array : Float32Array;
  const x = () => toConcrete(arr([2, 3], F, new ctor(6)));
  const bad: [Primitive, () => ConcreteArray[], Record<string, unknown>][] = [
    [P.Transpose, () => [x()], { permutation: [0, 0] }],
    [P.Reshape, () => [x()], { newSizes: [4] }],
    [P.BroadcastInDim, () => [x()], { shape: [2, 4], broadcastDimensions: [0, 1] }],
    [P.Squeeze, () => [x()], { dimensions: [0] }],
    [P.Slice, () => [x()], { startIndices: [0, 2], limitIndices: [2, 1], strides: null }],
    [P.DynamicSlice, () => [x(), i32(0)], { sliceSizes: [1, 1] }],
    [P.Pad, () => [x(), ConcreteArray.fromScalar(0, F)], { config: [[-3, 0, 0], [0, 0, 0]] }],
    [P.Concatenate, () => [x(), toConcrete(arr([3, 3], F, new ctor(9)))], { dimension: 1 }],
    [P.Gather, () => [x(), toConcrete(arr([2, 2], F, new ctor(4)))], { axes: [0, 1] }],
    [P.Iota, () => [], { dtype: 'int32', shape: [3], dimension: 1 }],
    [P.ConvertElementType, () => [x()], { newDtype: 'int64' }],
  ];
  for (const [prim, args, params] of bad) {
    b.it({}, `${prim.name} ${JSON.stringify(params)}`, () => {
      expect(() => bind(prim, args(), params)).toThrow(ShapeError);
      expect(() => bind(prim, args(), params)).toThrow(prim.name);
    });
  }
});
