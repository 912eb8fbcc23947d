/** jvp / vjp / vmap rules of the reduction and linear-algebra primitives, checked numerically. */
import { describe, expect, it } from 'vitest';
import { type Array, np, jvp, vjp, vmap, grad, makeJaxpr, typecheck } from '../lib/index.js';
import { Ref, rng } from './numpy-helpers.js';

type F = (...xs: Array[]) => Array;
const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const mk = (shape: number[], data: number[]): Array => new Ref(shape, data).array('float64');
const rand = (shape: number[], r: () => number): Array => mk(shape, globalThis.Array.from({ length: size(shape) }, () => 2 * r() - 1));
const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as Float64Array, Number);
const axpy = (x: Array, t: Array, h: number): Array => mk([...x.shape], vals(x).map((v, i) => v + h * vals(t)[i]));
const dotv = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

function close(got: number[], want: number[], rtol: number, atol = rtol) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= atol * scale + rtol * Math.abs(want[i]))) {
      throw new Error(`mismatch at ${i}: got ${g}, want ${want[i]} (got [${got}], want [${want}])`);
    }
  });
}

/** Checks jvp against finite differences, vjp against jvp, vmap against a loop, and typechecks. */
function checkRules(f: F, args: Array[], seed: number, opts: { vmap?: boolean } = {}) {
  const r = rng(seed);
  const ts = args.map((a) => rand([...a.shape], r));
  // (a) jvp vs central finite difference.
  const [out, tout] = jvp(f, args, ts) as [Array, Array];
  close(vals(out), vals(f(...args)), 1e-12);
  const h = 1e-6;
  const fp = vals(f(...args.map((a, i) => axpy(a, ts[i], h))));
  const fm = vals(f(...args.map((a, i) => axpy(a, ts[i], -h))));
  close(vals(tout), fp.map((v, i) => (v - fm[i]) / (2 * h)), 1e-6);
  // (b) vjp: <ct, J t> = <J^T ct, t>.
  const [out2, vjpFn] = vjp(f, args) as [Array, (ct: Array) => Array[]];
  close(vals(out2), vals(out), 1e-12);
  const ct = rand([...out.shape], r);
  const cts = vjpFn(ct);
  const lhs = dotv(vals(ct), vals(tout));
  const rhs = cts.reduce((s, c, i) => s + dotv(vals(c), vals(ts[i])), 0);
  close([rhs], [lhs], 1e-10);
  // (c) vmap(f)(xs)[i] == f(xs[i]), all args batched, and only the first batched.
  if (opts.vmap !== false) {
    const B = 3;
    const per = globalThis.Array.from({ length: B }, () => args.map((a) => rand([...a.shape], r)));
    const stacked = args.map((_, j) => np.stack(per.map((p) => p[j])));
    const ys = vmap(f)(...stacked) as Array;
    for (let b = 0; b < B; b++) close(vals(np.take(ys, b, 0)), vals(f(...per[b])), 1e-12);
    if (args.length > 1) {
      const axes = args.map((_, j) => (j === 0 ? 0 : null));
      const ys1 = vmap(f, axes)(stacked[0], ...args.slice(1)) as Array;
      for (let b = 0; b < B; b++) close(vals(np.take(ys1, b, 0)), vals(f(per[b][0], ...args.slice(1))), 1e-12);
      // Only the last argument batched, along its axis 1 (unbatched args are closed over).
      const lastT = np.moveaxis(stacked[args.length - 1], 0, 1);
      const ys2 = vmap((l: Array) => f(...args.slice(0, -1), l), 1)(lastT) as Array;
      for (let b = 0; b < B; b++) close(vals(np.take(ys2, b, 0)), vals(f(...args.slice(0, -1), per[b][args.length - 1])), 1e-12);
    }
  }
  // (d) the staged jvp and grad programs typecheck.
  typecheck(makeJaxpr((...xs: Array[]) => jvp(f, xs, ts)[1])(...args).jaxpr);
  const argnums = args.map((_, i) => i);
  typecheck(makeJaxpr((...xs: Array[]) => grad((...ys: Array[]) => np.sum(f(...ys)), { argnums })(...xs))(...args).jaxpr);
}

describe('reduction rules', () => {
  const r = rng(1);
  it('reduce_sum with axes', () => {
    checkRules((x) => np.sum(x, [0, 2]), [rand([2, 3, 4], r)], 10);
    checkRules((x) => np.sum(x), [rand([3, 4], r)], 11);
  });
  it('reduce_max / reduce_min with ties', () => {
    const x = mk([2, 3], [1, 3, 3, -2, -2, 0.5]);
    checkRules((a) => np.max(a, 1), [rand([3, 4], r)], 12);
    checkRules((a) => np.min(a, 0), [rand([3, 4], r)], 13);
    const g = grad((a: Array) => np.sum(np.max(a, 1)))(x) as Array;
    close(vals(g), [0, 0.5, 0.5, 0, 0, 1], 0);
    const gm = grad((a: Array) => np.sum(np.min(a, 1)))(x) as Array;
    close(vals(gm), [1, 0, 0, 0.5, 0.5, 0], 0);
  });
  it('grad of np.max([1, 3, 3]) splits among ties', () => {
    const g = grad((a: Array) => np.max(a))(np.array([1, 3, 3], { dtype: 'float64' })) as Array;
    close(vals(g), [0, 0.5, 0.5], 0);
  });
  it('reduce_prod', () => {
    checkRules((x) => np.prod(x, 1), [rand([3, 4], r)], 14);
    checkRules((x) => np.prod(x, [0, 2]), [rand([2, 3, 2], r)], 17);
    // Exact at zeros: one zero in a row -> the product of the others; two zeros -> 0.
    const x = mk([3, 3], [2, 0, 3, 0, 0, 5, 1, 2, 4]);
    const g = grad((a: Array) => np.sum(np.prod(a, 1)))(x) as Array;
    close(vals(g), [0, 6, 0, 0, 0, 0, 8, 4, 2], 0);
    const t = jvp((a: Array) => np.prod(a, 1), [x], [np.ones([3, 3], { dtype: 'float64' })])[1] as Array;
    close(vals(t), [6, 0, 14], 0);
  });
  it('argmax / argmin have zero tangents and int outputs', () => {
    const x = rand([3, 4], r);
    const [o, t] = jvp((a: Array) => np.argmax(a, 1), [x], [x]) as [Array, Array];
    expect(o.dtype).toBe('int32');
    expect(vals(t).every((v) => v === 0)).toBe(true);
    const xs = rand([2, 3, 4], r);
    const ys = vmap((a: Array) => np.argmin(a, 1))(xs) as Array;
    for (let b = 0; b < 2; b++) expect(vals(np.take(ys, b, 0))).toEqual(vals(np.argmin(np.take(xs, b, 0), 1)));
  });
  it('cumsum (and reverse)', () => {
    checkRules((x) => np.cumsum(x, 1), [rand([3, 4], r)], 15);
    checkRules((x) => np.cumsum(x, 0, { reverse: true }), [rand([3, 4], r)], 16);
  });
});

describe('linalg rules', () => {
  const r = rng(2);
  it('dot_general via matmul / dot / einsum', () => {
    checkRules((a, b) => np.matmul(a, b), [rand([3, 4], r), rand([4, 2], r)], 20);
    checkRules((a, b) => np.matmul(a, b), [rand([2, 3, 4], r), rand([2, 4, 5], r)], 21);
    checkRules((a, b) => np.dot(a, b), [rand([3, 4], r), rand([4], r)], 22);
    checkRules((a, b) => np.einsum('bij,bkj->bki', a, b), [rand([2, 3, 4], r), rand([2, 5, 4], r)], 23);
    checkRules((a, b) => np.einsum('ij,jk->ki', a, b), [rand([3, 4], r), rand([4, 2], r)], 24);
  });
  const spd = (n: number, batch: number[] = []): Array => {
    const m = rand([...batch, n, n], r);
    return np.add(np.matmul(m, np.swapaxes(m, -1, -2)), np.multiply(np.eye(n, n, { dtype: 'float64' }), n));
  };
  it('cholesky on SPD input (symmetric directions)', () => {
    // Cholesky reads one triangle, so check it through a symmetrised argument.
    const f = (a: Array) => np.linalg.cholesky(np.multiply(np.add(a, np.swapaxes(a, -1, -2)), 0.5));
    checkRules(f, [spd(3)], 30, { vmap: false });
    checkRules(f, [spd(3, [2])], 31, { vmap: false });
    const xs = np.stack([spd(3), spd(3), spd(3)]);
    const ys = vmap((a: Array) => np.linalg.cholesky(a))(xs) as Array;
    for (let b = 0; b < 3; b++) close(vals(np.take(ys, b, 0)), vals(np.linalg.cholesky(np.take(xs, b, 0))), 1e-12);
  });
  it('solve w.r.t. a (lu jvp + triangular_solve in a)', () => {
    const b = rand([3, 2], r);
    const a = np.add(rand([3, 3], r), np.multiply(np.eye(3, 3, { dtype: 'float64' }), 0.3));
    checkRules((m) => np.linalg.solve(m, b), [a], 42);
    const b2 = rand([2, 3, 2], r);
    checkRules((m) => np.linalg.solve(m, b2), [rand([2, 3, 3], r)], 43);
  });
  it('solve w.r.t. a and b together', () => {
    const a = np.add(rand([3, 3], r), np.multiply(np.eye(3, 3, { dtype: 'float64' }), 0.3));
    checkRules((m, b) => np.linalg.solve(m, b), [a, rand([3, 2], r)], 44);
  });
  it('solve w.r.t. b (lu + triangular_solve)', () => {
    const a = spd(3);
    checkRules((b) => np.linalg.solve(a, b), [rand([3, 2], r)], 40);
    checkRules((b) => np.linalg.solve(a, b), [rand([3], r)], 41);
  });
});
