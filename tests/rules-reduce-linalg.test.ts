/** jvp / vjp / vmap rules of the reduction and linear-algebra primitives, checked numerically. */
import { expect } from 'vitest';
import { type Array, np, jvp, vjp, vmap, grad, makeJaxpr, typecheck } from '../lib/index.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { Ref, rng } from './numpy-helpers.js';

type F = (...xs: Array[]) => Array;
const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
/** In the default float dtype: float64 on cpu, float32 on test-f32. */
const mk = (shape: number[], data: number[]): Array => new Ref(shape, data).array();
const rand = (shape: number[], r: () => number): Array => mk(shape, globalThis.Array.from({ length: size(shape) }, () => 2 * r() - 1));
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

/** The checks, bound to a backend; values are read only asynchronously. */
function checks(b: BackendCase) {
  const vals = async (x: Array): Promise<number[]> => { const d = await b.read(x); return typeof d === 'number' ? [d] : d; };
  const axpy = async (x: Array, t: Array, h: number): Promise<Array> => { const [xv, tv] = [await vals(x), await vals(t)]; return mk([...x.shape], xv.map((v, i) => v + h * tv[i])); };
  // float32 cannot take a 1e-6 central-difference step: 1e-3 balances rounding (eps/h) against
  // truncation (h^2), and leaves the difference quotient about 1e-3 accurate.
  const h = b.dtype === 'float64' ? 1e-6 : 1e-3;
  const fdTol = b.dtype === 'float64' ? 1e-6 : 1e-3;
  const vjpTol = Math.max(1e-10, b.tol);
  /** Same computation two ways (jvp primal vs f, vmap vs a loop). */
  const exact = Math.max(1e-12, b.tol);

  /** Checks jvp against finite differences, vjp against jvp, vmap against a loop, and typechecks. */
  async function checkRules(f: F, args: Array[], seed: number, opts: { vmap?: boolean } = {}) {
    const r = rng(seed);
    const ts = args.map((a) => rand([...a.shape], r));
    // (a) jvp vs central finite difference.
    const [out, tout] = jvp(f, args, ts) as [Array, Array];
    close(await vals(out), await vals(f(...args)), exact);
    const fp = await vals(f(...(await Promise.all(args.map((a, i) => axpy(a, ts[i], h))))));
    const fm = await vals(f(...(await Promise.all(args.map((a, i) => axpy(a, ts[i], -h))))));
    close(await vals(tout), fp.map((v, i) => (v - fm[i]) / (2 * h)), fdTol);
    // (b) vjp: <ct, J t> = <J^T ct, t>.
    const [out2, vjpFn] = vjp(f, args) as [Array, (ct: Array) => Array[]];
    close(await vals(out2), await vals(out), exact);
    const ct = rand([...out.shape], r);
    const cts = vjpFn(ct);
    const lhs = dotv(await vals(ct), await vals(tout));
    let rhs = 0;
    for (let i = 0; i < cts.length; i++) rhs += dotv(await vals(cts[i]), await vals(ts[i]));
    close([rhs], [lhs], vjpTol);
    // (c) vmap(f)(xs)[i] == f(xs[i]), all args batched, and only the first batched.
    if (opts.vmap !== false) {
      const B = 3;
      const per = globalThis.Array.from({ length: B }, () => args.map((a) => rand([...a.shape], r)));
      const stacked = args.map((_, j) => np.stack(per.map((p) => p[j])));
      const ys = vmap(f)(...stacked) as Array;
      for (let b = 0; b < B; b++) close(await vals(np.take(ys, b, 0)), await vals(f(...per[b])), exact);
      if (args.length > 1) {
        const axes = args.map((_, j) => (j === 0 ? 0 : null));
        const ys1 = vmap(f, axes)(stacked[0], ...args.slice(1)) as Array;
        for (let b = 0; b < B; b++) close(await vals(np.take(ys1, b, 0)), await vals(f(per[b][0], ...args.slice(1))), exact);
        // Only the last argument batched, along its axis 1 (unbatched args are closed over).
        const lastT = np.moveaxis(stacked[args.length - 1], 0, 1);
        const ys2 = vmap((l: Array) => f(...args.slice(0, -1), l), 1)(lastT) as Array;
        for (let b = 0; b < B; b++) close(await vals(np.take(ys2, b, 0)), await vals(f(...args.slice(0, -1), per[b][args.length - 1])), exact);
      }
    }
    // (d) the staged jvp and grad programs typecheck.
    typecheck(makeJaxpr((...xs: Array[]) => jvp(f, xs, ts)[1])(...args).jaxpr);
    const argnums = args.map((_, i) => i);
    typecheck(makeJaxpr((...xs: Array[]) => grad((...ys: Array[]) => np.sum(f(...ys)), { argnums })(...xs))(...args).jaxpr);
  }
  return { vals, checkRules };
}

describeEachBackend('reduction rules', (b) => {
  const { vals, checkRules } = checks(b);
  const r = rng(1);
  b.it({}, 'reduce_sum with axes', async () => {
    await checkRules((x) => np.sum(x, [0, 2]), [rand([2, 3, 4], r)], 10);
    await checkRules((x) => np.sum(x), [rand([3, 4], r)], 11);
  });
  b.it({}, 'reduce_max / reduce_min with ties', async () => {
    const x = mk([2, 3], [1, 3, 3, -2, -2, 0.5]);
    await checkRules((a) => np.max(a, 1), [rand([3, 4], r)], 12);
    await checkRules((a) => np.min(a, 0), [rand([3, 4], r)], 13);
    const g = grad((a: Array) => np.sum(np.max(a, 1)))(x) as Array;
    close(await vals(g), [0, 0.5, 0.5, 0, 0, 1], 0);
    const gm = grad((a: Array) => np.sum(np.min(a, 1)))(x) as Array;
    close(await vals(gm), [1, 0, 0, 0.5, 0.5, 0], 0);
  });
  b.it({}, 'grad of np.max([1, 3, 3]) splits among ties', async () => {
    const g = grad((a: Array) => np.max(a))(np.array([1, 3, 3])) as Array;
    close(await vals(g), [0, 0.5, 0.5], 0);
  });
  b.it({}, 'reduce_prod', async () => {
    await checkRules((x) => np.prod(x, 1), [rand([3, 4], r)], 14);
    await checkRules((x) => np.prod(x, [0, 2]), [rand([2, 3, 2], r)], 17);
    // Exact at zeros: one zero in a row -> the product of the others; two zeros -> 0.
    const x = mk([3, 3], [2, 0, 3, 0, 0, 5, 1, 2, 4]);
    const g = grad((a: Array) => np.sum(np.prod(a, 1)))(x) as Array;
    close(await vals(g), [0, 6, 0, 0, 0, 0, 8, 4, 2], 0);
    const t = jvp((a: Array) => np.prod(a, 1), [x], [np.ones([3, 3])])[1] as Array;
    close(await vals(t), [6, 0, 14], 0);
  });
  b.it({}, 'argmax / argmin have zero tangents and int outputs', async () => {
    const x = rand([3, 4], r);
    const [o, t] = jvp((a: Array) => np.argmax(a, 1), [x], [x]) as [Array, Array];
    expect(o.dtype).toBe('int32');
    expect((await vals(t)).every((v) => v === 0)).toBe(true);
    const xs = rand([2, 3, 4], r);
    const ys = vmap((a: Array) => np.argmin(a, 1))(xs) as Array;
    for (let b = 0; b < 2; b++) expect(await vals(np.take(ys, b, 0))).toEqual(await vals(np.argmin(np.take(xs, b, 0), 1)));
  });
  b.it({}, 'cumsum (and reverse)', async () => {
    await checkRules((x) => np.cumsum(x, 1), [rand([3, 4], r)], 15);
    await checkRules((x) => np.cumsum(x, 0, { reverse: true }), [rand([3, 4], r)], 16);
  });
});

describeEachBackend('linalg rules', (bk) => {
  const { vals, checkRules } = checks(bk);
  const r = rng(2);
  bk.it({}, 'dot_general via matmul / dot / einsum', async () => {
    await checkRules((a, b) => np.matmul(a, b), [rand([3, 4], r), rand([4, 2], r)], 20);
    await checkRules((a, b) => np.matmul(a, b), [rand([2, 3, 4], r), rand([2, 4, 5], r)], 21);
    await checkRules((a, b) => np.dot(a, b), [rand([3, 4], r), rand([4], r)], 22);
    await checkRules((a, b) => np.einsum('bij,bkj->bki', a, b), [rand([2, 3, 4], r), rand([2, 5, 4], r)], 23);
    await checkRules((a, b) => np.einsum('ij,jk->ki', a, b), [rand([3, 4], r), rand([4, 2], r)], 24);
  });
  const spd = (n: number, batch: number[] = []): Array => {
    const m = rand([...batch, n, n], r);
    return np.add(np.matmul(m, np.swapaxes(m, -1, -2)), np.multiply(np.eye(n, n), n));
  };
  bk.it({}, 'cholesky on SPD input (symmetric directions)', async () => {
    // Cholesky reads one triangle, so check it through a symmetrised argument.
    const f = (a: Array) => np.linalg.cholesky(np.multiply(np.add(a, np.swapaxes(a, -1, -2)), 0.5));
    await checkRules(f, [spd(3)], 30, { vmap: false });
    await checkRules(f, [spd(3, [2])], 31, { vmap: false });
    const xs = np.stack([spd(3), spd(3), spd(3)]);
    const ys = vmap((a: Array) => np.linalg.cholesky(a))(xs) as Array;
    for (let b = 0; b < 3; b++) close(await vals(np.take(ys, b, 0)), await vals(np.linalg.cholesky(np.take(xs, b, 0))), Math.max(1e-12, bk.tol));
  });
  bk.it({}, 'solve w.r.t. a (lu jvp + triangular_solve in a)', async () => {
    const b = rand([3, 2], r);
    const a = np.add(rand([3, 3], r), np.multiply(np.eye(3, 3), 0.3));
    await checkRules((m) => np.linalg.solve(m, b), [a], 42);
    const b2 = rand([2, 3, 2], r);
    await checkRules((m) => np.linalg.solve(m, b2), [rand([2, 3, 3], r)], 43);
  });
  bk.it({}, 'solve w.r.t. a and b together', async () => {
    const a = np.add(rand([3, 3], r), np.multiply(np.eye(3, 3), 0.3));
    await checkRules((m, b) => np.linalg.solve(m, b), [a, rand([3, 2], r)], 44);
  });
  bk.it({}, 'solve w.r.t. b (lu + triangular_solve)', async () => {
    const a = spd(3);
    await checkRules((b) => np.linalg.solve(a, b), [rand([3, 2], r)], 40);
    await checkRules((b) => np.linalg.solve(a, b), [rand([3], r)], 41);
  });
});
