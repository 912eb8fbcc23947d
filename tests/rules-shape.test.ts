/** jvp / vjp / vmap rules of the shape primitives, checked numerically through the np functions. */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jvp, makeJaxpr, np, typecheck, vjp, vmap } from '../lib/index.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { rng } from './rng.js';


const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
/** A float array in the default float dtype (float64 on cpu, float32 on test-f32). */
const fl = (data: number[], shape: number[]): Array => np.array(data, { shape });
const i32 = (data: number[] | number, shape?: number[]): Array => np.array(data, { dtype: 'int32', ...(shape ? { shape } : {}) });
const randn = (r: () => number, shape: number[]): Array => fl(globalThis.Array.from({ length: sizeOf(shape) }, () => 2 * r() - 1), shape);

function expectClose(got: number[], want: number[], rtol: number) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rtol * scale));
}

type Fn = (x: Array) => Array;

/** The checks, bound to a backend; values are read only asynchronously. */
function checks(b: BackendCase) {
  const data = async (x: Array): Promise<number[]> => { const d = await b.read(x); return typeof d === 'number' ? [d] : d; };
  const dot = async (x: Array, y: Array) => { const [u, v] = [await data(x), await data(y)]; return u.reduce((s, e, i) => s + e * v[i], 0); };
  // float32 cannot take a 1e-6 central-difference step; 1e-2 is exact for the linear maps here
  // and for quadratics, up to float32 rounding.
  const h = b.dtype === 'float64' ? 1e-6 : 1e-2;
  const fdTol = Math.max(1e-6, b.tol);
  const vjpTol = Math.max(1e-10, b.tol);

  /** (a) jvp vs central differences, (b) vjp dot-product identity, (c) vmap exactness, (d) typecheck. */
  async function checkAll(f: Fn, shape: number[], seed = 0, opts: { vmap?: boolean } = {}) {
    const r = rng(seed);
    const x = randn(r, shape);
    const t = randn(r, shape);
    const [xd, td] = [await data(x), await data(t)];
    // (a)
    const [y, ty] = jvp(f, [x], [t]) as [Array, Array];
    const xp = await data(f(fl(xd.map((v, i) => v + h * td[i]), shape)));
    const xm = await data(f(fl(xd.map((v, i) => v - h * td[i]), shape)));
    const fd = xp.map((v, i) => (v - xm[i]) / (2 * h));
    expectClose(await data(ty), fd, fdTol);
    expect(await data(y)).toEqual(await data(f(x)));
    // (b)
    const ct = randn(r, y.shape);
    const [, fn] = vjp(f, [x]);
    const [xct] = fn(ct) as Array[];
    expect(xct.shape).toEqual(shape);
    const lhs = await dot(ct, ty);
    const rhs = await dot(xct, t);
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(vjpTol * Math.max(1, Math.abs(lhs)));
    // (c)
    if (opts.vmap !== false) {
      const B = 3;
      const exs = globalThis.Array.from({ length: B }, () => randn(r, shape));
      const exd = await Promise.all(exs.map(data));
      const xs = fl(exd.flat(), [B, ...shape]);
      const ys = vmap(f)(xs) as Array;
      const per = await Promise.all(exs.map((e) => data(f(e))));
      expect(ys.shape).toEqual([B, ...f(exs[0]).shape]);
      expect(await data(ys)).toEqual(per.flat());
      if (shape.length) {
        // batch axis last
        const xsT = np.transpose(xs, [...shape.map((_, i) => i + 1), 0]);
        expect(await data(vmap(f, shape.length)(xsT) as Array)).toEqual(per.flat());
      }
    }
    // (d)
    const w = randn(r, y.shape);
    typecheck(makeJaxpr((u: Array) => (jvp(f, [u], [u]) as Array[])[1])(x).jaxpr);
    typecheck(makeJaxpr(grad((u: Array) => np.sum(np.multiply(f(u), w))))(x).jaxpr);
  }
  return { data, checkAll };
}

const prims = (f: Fn, x: Array): string[] => makeJaxpr(f)(x).jaxpr.eqns.map((e: { primitive: { name: string } }) => e.primitive.name);

describeEachBackend('shape primitive rules', (b) => {
  const { data, checkAll } = checks(b);
  const cases: [string, string, Fn, number[]][] = [
    ['broadcast_in_dim', 'broadcastTo', (x) => np.broadcastTo(x, [2, 3, 4]), [3, 1]],
    ['broadcast_in_dim', 'broadcastTo rank-0', (x) => np.broadcastTo(x, [2, 3]), []],
    ['reshape', 'reshape', (x) => np.reshape(x, [6, 4]), [2, 3, 4]],
    ['transpose', 'transpose', (x) => np.transpose(x, [2, 0, 1]), [2, 3, 4]],
    ['squeeze', 'squeeze', (x) => np.squeeze(x, 1), [3, 1, 4]],
    ['expand_dims', 'expandDims', (x) => np.expandDims(x, [0, 2]), [3, 4]],
    ['slice', 'slice with steps', (x) => x.slice([1, 6, 2], [0, 5, 3]), [7, 5]],
    ['slice', 'slice with a negative step', (x) => x.slice([6, 0, -2]), [7, 2]],
    ['concatenate', 'concatenate', (x) => np.concatenate([x, fl([1, 2, 3, 4], [1, 4]), x.slice([0, 2])], 0), [3, 4]],
    ['pad', 'pad', (x) => np.pad(x, [[1, 2], [0, 3]], { constantValues: 1.5 }), [3, 4]],
    ['rev', 'flip', (x) => np.flip(x, 1), [3, 4]],
    ['gather', 'take', (x) => np.take(x, i32([2, 0, 2, 1]), 1), [3, 4]],
    ['gather', 'takeAlongAxis', (x) => np.takeAlongAxis(x, i32([0, 2, 2, 1, 0, 0], [2, 3]), 1), [2, 3]],
    ['scatter_add', 'at().add', (x) => x.at(i32([0, 2, 0])).add(np.multiply(x.slice([0, 3]), x.slice([1, 4]))), [4, 3]],
    ['scatter', 'at().set', (x) => x.at(i32([3, 1])).set(np.multiply(x.slice([0, 2]), x.slice([2, 4]))), [4, 3]],
    ['scatter', 'at().set with duplicate indices', (x) => x.at(i32([3, 1, 3])).set(np.multiply(x.slice([0, 3]), x.slice([1, 4]))), [4, 3]],
    ['dynamic_slice', 'slice at an int32 index', (x) => x.slice(i32(2)), [4, 3]],
    ['dynamic_update_slice', 'the vjp of a dynamic slice', (c) => (vjp((u: Array) => u.slice(i32(2)), [np.zeros([4, 3])])[1](c) as Array[])[0], [3]],
  ];
  for (const [prim, what, f, shape] of cases) {
    b.it({}, `${prim} via ${what}`, async () => {
      const r = rng(42);
      const names = prims(f, randn(r, shape));
      expect(names).toContain(prim);
      await checkAll(f, shape, 7);
    });
  }

  b.it({}, 'convert_element_type: float->int has zero tangent', async () => {
    const r = rng(3);
    const x = randn(r, [3, 4]);
    const g = (u: Array) => np.add(np.multiply(u, u), np.multiply(u, u.astype('int32').astype(b.dtype)));
    expect(prims(g, x)).toContain('convert_element_type');
    await checkAll(g, [3, 4], 11);
  });

  b.it({}, 'pad with interior padding and negative edges (transpose of a strided slice, twice)', async () => {
    const r = rng(5);
    const x = randn(r, [7, 5]);
    const sl: Fn = (u) => u.slice([1, 6, 2], [0, 5, 3]);
    // the transpose of the strided slice is an interior pad; it is linear, so check it like the others
    const padT: Fn = (c) => (vjp(sl, [x])[1](c) as Array[])[0];
    const names = prims(padT, randn(r, [3, 2]));
    expect(names).toContain('pad');
    await checkAll(padT, [3, 2], 13);
    // negative padding crops
    const crop: Fn = (u) => np.pad(u, [[2, 2], [0, 0]]).slice([3, 8]);
    await checkAll(crop, [5, 3], 17);
  });

  b.it({}, 'gather and scatter_add with batched indices under vmap', async () => {
    const r = rng(9);
    const x = randn(r, [4, 3]);
    const idx = i32([0, 3, 1, 2, 2, 2, 3, 0, 1], [3, 3]);
    const ys = vmap((i: Array) => np.take(x, i, 0))(idx) as Array;
    const per = await Promise.all([0, 1, 2].map((k) => data(np.take(x, idx.slice(k), 0))));
    expect(await data(ys)).toEqual(per.flat());
    const u = randn(r, [3, 3, 3]);
    const zs = vmap((i: Array, v: Array) => x.at(i).add(v))(idx, u) as Array;
    const per2 = await Promise.all([0, 1, 2].map((k) => data(x.at(idx.slice(k)).add(u.slice(k)))));
    expect(await data(zs)).toEqual(per2.flat());
  });

  b.it({}, 'dynamic_slice / dynamic_update_slice with batched (clamped) start indices under vmap', async () => {
    const r = rng(21);
    const x = randn(r, [5, 4]);
    const is = i32([0, 4, 2, -1]);
    const f = (i: Array) => x.slice(i);
    const per = await Promise.all([0, 1, 2, 3].map((k) => data(f(i32([0, 4, 2, -1][k])))));
    expect(await data(vmap(f)(is) as Array)).toEqual(per.flat());
    const g = (xx: Array, i: Array) => (vjp((u: Array) => u.slice([1, 3], i), [xx])[1](np.ones([2])) as Array[])[0];
    const js = i32([0, 3, 1, 2]);
    const xs = randn(r, [4, 5, 4]);
    const ys = vmap(g)(xs, js) as Array;
    const per2 = await Promise.all([0, 1, 2, 3].map((k) => data(g(xs.slice(k), i32([0, 3, 1, 2][k])))));
    expect(await data(ys)).toEqual(per2.flat());
    // a traced index (a JS-number scalar would be a literal, and the slice static)
    const names = makeJaxpr((u: Array, i: Array) => g(u, i))(x, i32([1]).reshape([])).jaxpr.eqns.map((e: { primitive: { name: string } }) => e.primitive.name);
    expect(names).toContain('dynamic_update_slice');
  });

  b.it({}, 'iota has a zero tangent', async () => {
    const f = (x: Array) => np.add(x, np.arange(4).astype(b.dtype));
    await checkAll(f, [4], 19);
  });
});

// float64 -> float32 conversion of tangents and cotangents: test-f32 has no float64.
describe('shape primitive rules [cpu, float64 only]', () => {
  const data = async (x: Array): Promise<number[]> => globalThis.Array.from((await x.data()) as ArrayLike<number>, Number);
  it('convert_element_type: float->float converts the tangent', async () => {
    const r = rng(3);
    const x = randn(r, [3, 4]);
    const t = randn(r, [3, 4]);
    expect(x.dtype).toBe('float64');
    const [, t32] = jvp((u: Array) => u.astype('float32'), [x], [t]) as Array[];
    expect(t32.dtype).toBe('float32');
    expect(await data(t32)).toEqual(await data(t.astype('float32')));
    const [, back] = vjp((u: Array) => u.astype('float32'), [x]);
    const [c] = back(t32) as Array[];
    expect(c.dtype).toBe('float64');
    expect(await data(c)).toEqual(await data(t32.astype('float64')));
  });
});
