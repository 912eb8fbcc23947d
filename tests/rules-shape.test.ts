/** jvp / vjp / vmap rules of the shape primitives, checked numerically through the np functions. */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jvp, makeJaxpr, np, typecheck, vjp, vmap } from '../lib/index.js';
import { rng } from './rng.js';


const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const f64 = (data: number[], shape: number[]): Array => np.array(data, { dtype: 'float64', shape });
const i32 = (data: number[] | number, shape?: number[]): Array => np.array(data, { dtype: 'int32', ...(shape ? { shape } : {}) });
const randn = (r: () => number, shape: number[]): Array => f64(globalThis.Array.from({ length: sizeOf(shape) }, () => 2 * r() - 1), shape);
const data = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number>);
const dot = (a: Array, b: Array) => data(a).reduce((s, v, i) => s + v * data(b)[i], 0);

function expectClose(got: number[], want: number[], rtol: number) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rtol * scale));
}

type Fn = (x: Array) => Array;

/** (a) jvp vs central differences, (b) vjp dot-product identity, (c) vmap exactness, (d) typecheck. */
function checkAll(f: Fn, shape: number[], seed = 0, opts: { vmap?: boolean } = {}) {
  const r = rng(seed);
  const x = randn(r, shape);
  const t = randn(r, shape);
  // (a)
  const [y, ty] = jvp(f, [x], [t]) as [Array, Array];
  const h = 1e-6;
  const xp = f(f64(data(x).map((v, i) => v + h * data(t)[i]), shape));
  const xm = f(f64(data(x).map((v, i) => v - h * data(t)[i]), shape));
  const fd = data(xp).map((v, i) => (v - data(xm)[i]) / (2 * h));
  expectClose(data(ty), fd, 1e-6);
  expect(data(y)).toEqual(data(f(x)));
  // (b)
  const ct = randn(r, y.shape);
  const [, fn] = vjp(f, [x]);
  const [xct] = fn(ct) as Array[];
  expect(xct.shape).toEqual(shape);
  const lhs = dot(ct, ty);
  const rhs = dot(xct, t);
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(lhs)));
  // (c)
  if (opts.vmap !== false) {
    const B = 3;
    const exs = globalThis.Array.from({ length: B }, () => randn(r, shape));
    const xs = f64(exs.flatMap(data), [B, ...shape]);
    const ys = vmap(f)(xs) as Array;
    const per = exs.map((e) => data(f(e)));
    expect(ys.shape).toEqual([B, ...f(exs[0]).shape]);
    expect(data(ys)).toEqual(per.flat());
    if (shape.length) {
      // batch axis last
      const xsT = np.transpose(xs, [...shape.map((_, i) => i + 1), 0]);
      expect(data(vmap(f, shape.length)(xsT) as Array)).toEqual(per.flat());
    }
  }
  // (d)
  const w = randn(r, y.shape);
  typecheck(makeJaxpr((u: Array) => (jvp(f, [u], [u]) as Array[])[1])(x).jaxpr);
  typecheck(makeJaxpr(grad((u: Array) => np.sum(np.multiply(f(u), w))))(x).jaxpr);
}

const prims = (f: Fn, x: Array): string[] => makeJaxpr(f)(x).jaxpr.eqns.map((e: { primitive: { name: string } }) => e.primitive.name);

describe('shape primitive rules', () => {
  const cases: [string, string, Fn, number[]][] = [
    ['broadcast_in_dim', 'broadcastTo', (x) => np.broadcastTo(x, [2, 3, 4]), [3, 1]],
    ['broadcast_in_dim', 'broadcastTo rank-0', (x) => np.broadcastTo(x, [2, 3]), []],
    ['reshape', 'reshape', (x) => np.reshape(x, [6, 4]), [2, 3, 4]],
    ['transpose', 'transpose', (x) => np.transpose(x, [2, 0, 1]), [2, 3, 4]],
    ['squeeze', 'squeeze', (x) => np.squeeze(x, 1), [3, 1, 4]],
    ['expand_dims', 'expandDims', (x) => np.expandDims(x, [0, 2]), [3, 4]],
    ['slice', 'slice with steps', (x) => x.slice([1, 6, 2], [0, 5, 3]), [7, 5]],
    ['slice', 'slice with a negative step', (x) => x.slice([6, 0, -2]), [7, 2]],
    ['concatenate', 'concatenate', (x) => np.concatenate([x, f64([1, 2, 3, 4], [1, 4]), x.slice([0, 2])], 0), [3, 4]],
    ['pad', 'pad', (x) => np.pad(x, [[1, 2], [0, 3]], { constantValues: 1.5 }), [3, 4]],
    ['rev', 'flip', (x) => np.flip(x, 1), [3, 4]],
    ['gather', 'take', (x) => np.take(x, i32([2, 0, 2, 1]), 1), [3, 4]],
    ['gather', 'takeAlongAxis', (x) => np.takeAlongAxis(x, i32([0, 2, 2, 1, 0, 0], [2, 3]), 1), [2, 3]],
    ['scatter_add', 'at().add', (x) => x.at(i32([0, 2, 0])).add(np.multiply(x.slice([0, 3]), x.slice([1, 4]))), [4, 3]],
    ['scatter', 'at().set', (x) => x.at(i32([3, 1])).set(np.multiply(x.slice([0, 2]), x.slice([2, 4]))), [4, 3]],
    ['scatter', 'at().set with duplicate indices', (x) => x.at(i32([3, 1, 3])).set(np.multiply(x.slice([0, 3]), x.slice([1, 4]))), [4, 3]],
    ['dynamic_slice', 'slice at an int32 index', (x) => x.slice(i32(2)), [4, 3]],
    ['dynamic_update_slice', 'the vjp of a dynamic slice', (c) => (vjp((u: Array) => u.slice(i32(2)), [np.zeros([4, 3], { dtype: 'float64' })])[1](c) as Array[])[0], [3]],
  ];
  for (const [prim, what, f, shape] of cases) {
    it(`${prim} via ${what}`, () => {
      const r = rng(42);
      const names = prims(f, randn(r, shape));
      expect(names).toContain(prim);
      checkAll(f, shape, 7);
    });
  }

  it('convert_element_type: float->float converts the tangent, float->int has zero tangent', () => {
    const r = rng(3);
    const x = randn(r, [3, 4]);
    const t = randn(r, [3, 4]);
    const [, t32] = jvp((u: Array) => u.astype('float32'), [x], [t]) as Array[];
    expect(t32.dtype).toBe('float32');
    expect(data(t32)).toEqual(data(t.astype('float32')));
    const g = (u: Array) => np.add(np.multiply(u, u), np.multiply(u, u.astype('int32').astype('float64')));
    expect(prims(g, x)).toContain('convert_element_type');
    checkAll(g, [3, 4], 11);
    const [, back] = vjp((u: Array) => u.astype('float32'), [x]);
    const [c] = back(t32) as Array[];
    expect(c.dtype).toBe('float64');
    expect(data(c)).toEqual(data(t32.astype('float64')));
  });

  it('pad with interior padding and negative edges (transpose of a strided slice, twice)', () => {
    const r = rng(5);
    const x = randn(r, [7, 5]);
    const sl: Fn = (u) => u.slice([1, 6, 2], [0, 5, 3]);
    // the transpose of the strided slice is an interior pad; it is linear, so check it like the others
    const padT: Fn = (c) => (vjp(sl, [x])[1](c) as Array[])[0];
    const names = prims(padT, randn(r, [3, 2]));
    expect(names).toContain('pad');
    checkAll(padT, [3, 2], 13);
    // negative padding crops
    const crop: Fn = (u) => np.pad(u, [[2, 2], [0, 0]]).slice([3, 8]);
    checkAll(crop, [5, 3], 17);
  });

  it('gather and scatter_add with batched indices under vmap', () => {
    const r = rng(9);
    const x = randn(r, [4, 3]);
    const idx = i32([0, 3, 1, 2, 2, 2, 3, 0, 1], [3, 3]);
    const ys = vmap((i: Array) => np.take(x, i, 0))(idx) as Array;
    const per = [0, 1, 2].map((b) => data(np.take(x, idx.slice(b), 0)));
    expect(data(ys)).toEqual(per.flat());
    const u = randn(r, [3, 3, 3]);
    const zs = vmap((i: Array, v: Array) => x.at(i).add(v))(idx, u) as Array;
    const per2 = [0, 1, 2].map((b) => data(x.at(idx.slice(b)).add(u.slice(b))));
    expect(data(zs)).toEqual(per2.flat());
  });

  it('dynamic_slice / dynamic_update_slice with batched (clamped) start indices under vmap', () => {
    const r = rng(21);
    const x = randn(r, [5, 4]);
    const is = i32([0, 4, 2, -1]);
    const f = (i: Array) => x.slice(i);
    const per = [0, 1, 2, 3].map((b) => data(f(i32([0, 4, 2, -1][b]))));
    expect(data(vmap(f)(is) as Array)).toEqual(per.flat());
    const g = (xx: Array, i: Array) => (vjp((u: Array) => u.slice([1, 3], i), [xx])[1](np.ones([2], { dtype: 'float64' })) as Array[])[0];
    const js = i32([0, 3, 1, 2]);
    const xs = randn(r, [4, 5, 4]);
    const ys = vmap(g)(xs, js) as Array;
    const per2 = [0, 1, 2, 3].map((b) => data(g(xs.slice(b), i32([0, 3, 1, 2][b]))));
    expect(data(ys)).toEqual(per2.flat());
    const names = makeJaxpr((u: Array) => g(u, i32(1)))(x).jaxpr.eqns.map((e: { primitive: { name: string } }) => e.primitive.name);
    expect(names).toContain('dynamic_update_slice');
  });

  it('iota has a zero tangent', () => {
    const f = (x: Array) => np.add(x, np.arange(4).astype('float64'));
    checkAll(f, [4], 19);
  });
});
