/** np linear algebra: dot, matmul, outer, inner, tensordot, einsum, trace, diagonal, np.linalg.*. */
import { expect } from 'vitest';
import { type Array, np } from '../lib/index.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { type CloseOpts, type Nested, Ref, i32, matmulRef, multiIndices, range, toNested } from './numpy-helpers.js';
import { close as closeOn, exact as exactOn } from './numpy-backend.js';

/** out[outIdx] = sum over `sumShape` of f(outIdx, sumIdx). */
const contract = (outShape: number[], sumShape: number[], f: (o: number[], s: number[]) => number): Ref =>
  Ref.fromFn(outShape, (o) => {
    let acc = 0;
    for (const s of multiIndices(sumShape)) acc += f(o, s);
    return acc;
  });

// ---- plain-JS dense linear algebra references ----
const mat = (r: Ref, b = 0): number[][] => {
  const [n, m] = r.shape.slice(-2);
  return range(n).map((i) => range(m).map((j) => r.data[b * n * m + i * m + j]));
};
function solveRef(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const M = a.map((row, i) => [...row, ...b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k < M[r].length; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row.slice(n).map((v) => v / M[i][i]));
}
/** det by Laplace expansion (independent of any elimination). */
const detRef = (a: number[][]): number =>
  a.length === 1 ? a[0][0] : a[0].reduce((s, v, j) => s + (j % 2 ? -1 : 1) * v * detRef(a.slice(1).map((r) => r.filter((_, k) => k !== j))), 0);
const eyeRef = (n: number) => range(n).map((i) => range(n).map((j) => (i === j ? 1 : 0)));
function cholRef(a: number[][]): number[][] {
  const n = a.length;
  const L = range(n).map(() => new globalThis.Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] ** 2;
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / L[j][j];
    }
  }
  return L;
}
/** A well-conditioned random matrix: random plus n on the diagonal. */
const wellCond = (n: number, seed: number) => Ref.fromFn([n, n], ([i, j]) => Ref.random([n * n], seed).data[i * n + j] + (i === j ? n : 0));
const spd = (n: number, seed: number) => {
  const m = mat(Ref.random([n, n], seed));
  return matmulRef(m, m.map((_, i) => m.map((r) => r[i]))).map((row, i) => row.map((v, j) => v + (i === j ? n : 0)));
};

/**
 * numpy-backend's close and exact; on a float32 device linear algebra's tolerances widen to
 * b.tol (rtol and atol), the float dtype expected being the device's default float.
 */
function checks(b: BackendCase) {
  const f32 = b.dtype !== 'float64';
  return {
    close: (actual: Array, expected: Nested | Ref, opts: CloseOpts = {}): Promise<void> =>
      closeOn(b, actual, expected, f32 ? { ...opts, f32: { rtol: Math.max(opts.rtol ?? 1e-12, b.tol), atol: Math.max(opts.atol ?? 0, b.tol) } } : opts),
    exact: (actual: Array, expected: Nested, dtype?: string): Promise<void> => exactOn(b, actual, expected, dtype),
  };
}

describeEachBackend('dot / matmul / outer / inner / tensordot', (bk) => {
  const { close, exact } = checks(bk);
  const a = Ref.random([3, 4], 1);
  const b = Ref.random([4, 5], 2);
  const v = Ref.random([4], 3);
  const w = Ref.random([4], 4);

  bk.it({}, 'dot of 1-D·1-D, 2-D·1-D, 1-D·2-D, 2-D·2-D', async () => {
    await close(np.dot(v.array(), w.array()), v.data.reduce((s, x, i) => s + x * w.data[i], 0), { shape: [] });
    await close(np.dot(a.array(), v.array()), contract([3], [4], ([i], [k]) => a.at([i, k]) * v.at([k])));
    await close(np.dot(v.array(), b.array()), contract([5], [4], ([j], [k]) => v.at([k]) * b.at([k, j])));
    await close(np.dot(a.array(), b.array()), matmulRef(mat(a), mat(b)));
    await close(a.array().dot(b.array()), matmulRef(mat(a), mat(b)));
    await exact(np.dot(i32([1, 2]), i32([[3], [4]])), [11], 'int32');
    await close(np.dot(np.array(2), v.array()), v.data.map((x) => 2 * x));
  });

  bk.it({}, 'N-D dot sums the last axis of a with the second-to-last of b', async () => {
    const x = Ref.random([2, 3, 4], 5);
    const y = Ref.random([5, 4, 2], 6);
    const want = contract([2, 3, 5, 2], [4], ([i, j, p, q], [k]) => x.at([i, j, k]) * y.at([p, k, q]));
    await close(np.dot(x.array(), y.array()), want, { rtol: 1e-13 });
  });

  bk.it({}, 'matmul broadcasts batch axes and promotes/squeezes 1-D operands', async () => {
    const x = Ref.random([2, 1, 3, 4], 7);
    const y = Ref.random([5, 4, 2], 8);
    const want = contract([2, 5, 3, 2], [4], ([i, j, m, n], [k]) => x.at([i, 0, m, k]) * y.at([j, k, n]));
    await close(np.matmul(x.array(), y.array()), want, { rtol: 1e-13 });
    const z = Ref.random([2, 4, 3], 9);
    await close(np.matmul(v.array(), z.array()), contract([2, 3], [4], ([bb, j], [k]) => v.at([k]) * z.at([bb, k, j])));
    const t = Ref.random([2, 3, 4], 10);
    await close(np.matmul(t.array(), v.array()), contract([2, 3], [4], ([bb, i], [k]) => t.at([bb, i, k]) * v.at([k])));
    await close(np.matmul(v.array(), w.array()), v.data.reduce((s, x, i) => s + x * w.data[i], 0), { shape: [] });
    await close(a.array().matmul(b.array()), matmulRef(mat(a), mat(b)));
    await exact(np.matmul(i32([[1, 2], [3, 4]]), i32([[5], [6]])), [[17], [39]], 'int32');
  });

  bk.it({}, 'outer, inner, vdot', async () => {
    await close(np.outer(v.array(), np.array([1, -2, 0.5])), v.data.map((x) => [x, -2 * x, 0.5 * x]));
    await close(np.outer(np.array([[1, 2], [3, 4]]), np.array([1, 10])), [[1, 10], [2, 20], [3, 30], [4, 40]]);
    const p = Ref.random([2, 4], 11);
    await close(np.inner(a.array(), p.array()), contract([3, 2], [4], ([i, j], [k]) => a.at([i, k]) * p.at([j, k])));
    await close(np.inner(v.array(), w.array()), v.data.reduce((s, x, i) => s + x * w.data[i], 0), { shape: [] });
    await close(np.vdot(a.array(), a.array()), a.data.reduce((s, x) => s + x * x, 0), { shape: [] });
  });

  bk.it({}, 'tensordot with an axis count and explicit axes', async () => {
    const x = Ref.random([2, 3, 4], 12);
    const y = Ref.random([3, 4, 5], 13);
    await close(np.tensordot(x.array(), y.array()), contract([2, 5], [3, 4], ([i, l], [j, k]) => x.at([i, j, k]) * y.at([j, k, l])), { rtol: 1e-13 });
    const y1 = Ref.random([4, 2], 14);
    await close(np.tensordot(x.array(), y1.array(), 1), contract([2, 3, 2], [4], ([i, j, l], [k]) => x.at([i, j, k]) * y1.at([k, l])));
    const y2 = Ref.random([4, 6, 2], 15);
    await close(np.tensordot(x.array(), y2.array(), [[2, 0], [0, 2]]), contract([3, 6], [4, 2], ([j, m], [k, i]) => x.at([i, j, k]) * y2.at([k, m, i])));
    await close(np.tensordot(v.array(), w.array(), 0), v.data.map((p) => w.data.map((q) => p * q)));
  });
});

describeEachBackend('einsum, trace, diagonal', (bk) => {
  const { close, exact } = checks(bk);
  const a = Ref.random([3, 4], 21);
  const b = Ref.random([4, 2], 22);
  const sq = Ref.random([3, 3], 23);
  const v = Ref.random([5], 24);

  bk.it({}, 'matrix product, transpose, diagonal, trace, dot', async () => {
    await close(np.einsum('ij,jk->ik', a.array(), b.array()), matmulRef(mat(a), mat(b)));
    await close(np.einsum('ij->ji', a.array()), Ref.fromFn([4, 3], ([i, j]) => a.at([j, i])));
    await close(np.einsum('ii->i', sq.array()), [0, 1, 2].map((i) => sq.at([i, i])));
    await close(np.einsum('ii->', sq.array()), [0, 1, 2].reduce((s, i) => s + sq.at([i, i]), 0), { shape: [] });
    await close(np.einsum('i,i->', v.array(), v.array()), v.data.reduce((s, x) => s + x * x, 0), { shape: [] });
    await close(np.einsum('ij->', a.array()), a.data.reduce((s, x) => s + x, 0), { shape: [], rtol: 1e-13 });
    await close(np.einsum('i,j->ij', v.array(), np.array([1, 2])), v.data.map((x) => [x, 2 * x]));
  });

  bk.it({}, 'batched matmul and three operands', async () => {
    const x = Ref.random([2, 3, 4], 25);
    const y = Ref.random([2, 4, 5], 26);
    await close(np.einsum('bij,bjk->bik', x.array(), y.array()), contract([2, 3, 5], [4], ([bb, i, k], [j]) => x.at([bb, i, j]) * y.at([bb, j, k])));
    const c = Ref.random([2, 6], 27);
    await close(np.einsum('ij,jk,kl->il', a.array(), b.array(), c.array()), matmulRef(matmulRef(mat(a), mat(b)), mat(c)), { rtol: 1e-13 });
    const u = Ref.random([3], 28);
    await close(np.einsum('i,ij,j->', u.array(), a.array(), Ref.fromFn([4], ([j]) => j - 1).array()),
      contract([], [3, 4], (_, [i, j]) => u.at([i]) * a.at([i, j]) * (j - 1)), { shape: [], rtol: 1e-13 });
    await close(np.einsum('bij->bji', x.array()), Ref.fromFn([2, 4, 3], ([bb, i, j]) => x.at([bb, j, i])));
  });

  bk.it({}, 'trace and diagonal with offsets and batches', async () => {
    const r = Ref.random([3, 4], 29);
    await close(np.trace(r.array()), r.at([0, 0]) + r.at([1, 1]) + r.at([2, 2]), { shape: [] });
    await close(np.trace(r.array(), 1), r.at([0, 1]) + r.at([1, 2]) + r.at([2, 3]), { shape: [] });
    await close(np.trace(r.array(), -1), r.at([1, 0]) + r.at([2, 1]), { shape: [] });
    await close(np.diagonal(r.array()), [r.at([0, 0]), r.at([1, 1]), r.at([2, 2])]);
    await close(np.diagonal(r.array(), 2), [r.at([0, 2]), r.at([1, 3])]);
    await close(np.diagonal(r.array(), -2), [r.at([2, 0])]);
    expect(np.diagonal(r.array(), 4).shape).toEqual([0]);
    const t = Ref.random([2, 3, 3], 30);
    // numpy's defaults are axes 0 and 1: the diagonal of the first two axes, last in the result
    await close(np.diagonal(t.array()), Ref.fromFn([3, 2], ([k, d]) => t.at([d, d, k])));
    await close(np.trace(t.array()), [0, 1, 2].map((k) => [0, 1].reduce((s, d) => s + t.at([d, d, k]), 0)));
    // a batch of matrices names its last two axes
    await close(np.diagonal(t.array(), 0, -2, -1), Ref.fromFn([2, 3], ([bb, i]) => t.at([bb, i, i])));
    await close(np.trace(t.array(), 0, -2, -1), [0, 1].map((bb) => [0, 1, 2].reduce((s, i) => s + t.at([bb, i, i]), 0)));
    await exact(np.trace(i32([[1, 2], [3, 4]])), 5, 'int32');
  });
});

describeEachBackend('np.linalg', (bk) => {
  const { close } = checks(bk);
  const A = wellCond(4, 31);
  bk.it({}, 'solve with a vector rhs, a matrix rhs, and a batch', async () => {
    const bv = Ref.random([4], 32);
    await close(np.linalg.solve(A.array(), bv.array()), solveRef(mat(A), bv.data.map((x) => [x])).map((r) => r[0]), { rtol: 1e-12, atol: 1e-15 });
    const bm = Ref.random([4, 3], 33);
    const x = np.linalg.solve(A.array(), bm.array());
    await close(x, solveRef(mat(A), mat(bm)), { rtol: 1e-12, atol: 1e-15 });
    await close(np.matmul(A.array(), x), mat(bm), { rtol: 1e-12, atol: 1e-15 });
    const As = Ref.fromFn([2, 3, 3], ([bb, i, j]) => (bb + 1) * (i === j ? 4 : 0) + Math.sin(7 * bb + 3 * i + j));
    const bs = Ref.random([2, 3], 34);
    // numpy 2 / JAX: only a 1-D b is a vector; a batch of vectors is [..., n, 1].
    const xs = np.linalg.solve(As.array(), bs.array().reshape(2, 3, 1));
    await close(xs, [0, 1].map((bb) => solveRef(mat(As, bb), bs.data.slice(3 * bb, 3 * bb + 3).map((q) => [q]))), { atol: 1e-15 });
    // A 1-D b broadcasts against every matrix of the batch.
    const xv = np.linalg.solve(As.array(), bv.array().slice([0, 3]));
    await close(xv, [0, 1].map((bb) => solveRef(mat(As, bb), bv.data.slice(0, 3).map((q) => [q])).map((r) => r[0])), { atol: 1e-14 });
    // Pivoting: a zero leading entry.
    await close(np.linalg.solve(np.array([[0, 1], [2, 3]]), np.array([4, 5])), [-3.5, 4]);
  });

  bk.it({}, 'inv', async () => {
    const ai = np.linalg.inv(A.array());
    await close(ai, solveRef(mat(A), eyeRef(4)), { rtol: 1e-12, atol: 1e-15 });
    await close(np.matmul(ai, A.array()), eyeRef(4), { atol: 1e-14 });
    await close(np.linalg.inv(np.array([[4, 7], [2, 6]])), [[0.6, -0.7], [-0.2, 0.4]]);
  });

  bk.it({}, 'det, including negative, singular and batched', async () => {
    await close(np.linalg.det(A.array()), detRef(mat(A)), { shape: [] });
    await close(np.linalg.det(np.array([[0, 1], [1, 0]])), -1, { shape: [] });
    await close(np.linalg.det(np.array([[1, 2, 3], [4, 5, 6], [7, 8, 10]])), -3, { shape: [] });
    await close(np.linalg.det(np.array([[1, 2], [2, 4]])), 0, { shape: [], atol: 1e-15 });
    const B = Ref.random([3, 3, 3], 35);
    await close(np.linalg.det(B.array()), [0, 1, 2].map((bb) => detRef(mat(B, bb))), { rtol: 1e-11 });
    await close(np.linalg.det(i32([[2, 1], [1, 3]])), 5, { dtype: 'float64', shape: [] });
  });

  bk.it({}, 'slogdet: sign and log|det|, stable when det overflows', async () => {
    const M = np.array([[0, 2, 1], [3, 0, 1], [1, 1, 2]]);
    const d = detRef([[0, 2, 1], [3, 0, 1], [1, 1, 2]]);
    expect(d).toBe(-7);
    const [s, l] = np.linalg.slogdet(M);
    await close(s, -1, { shape: [] });
    await close(l, Math.log(Math.abs(d)), { shape: [] });
    // det = big^3 overflows the dtype (float32 cannot hold 1e200 itself, so it takes 1e20).
    const big = bk.dtype === 'float64' ? 1e200 : 1e20;
    const [s2, l2] = np.linalg.slogdet(np.eye(3).mul(big));
    await close(s2, 1, { shape: [] });
    await close(l2, 3 * Math.log(big), { shape: [] });
    const [s3, l3] = np.linalg.slogdet(A.array());
    await close(np.multiply(s3, np.exp(l3)), detRef(mat(A)), { shape: [] });
  });

  bk.it({}, 'cholesky', async () => {
    const S = spd(4, 36);
    const L = np.linalg.cholesky(np.array(S));
    await close(L, cholRef(S), { atol: 1e-15 });
    const Lj = toNested([4, 4], (await bk.read(L)) as number[]) as number[][];
    expect(Lj.every((row, i) => row.every((v, j) => j <= i || v === 0))).toBe(true);
    await close(np.matmul(L, L.T), S, { rtol: 1e-12 });
    await close(np.linalg.cholesky(np.array([[4, 2], [2, 3]])), [[2, 0], [1, Math.SQRT2]]);
  });

  bk.it({}, 'vector norms: ord 2 (default), 1, inf, -inf, 3, 0', async () => {
    const x = [3, -4, 0, 1.5];
    const xa = np.array(x);
    await close(np.linalg.norm(xa), Math.hypot(...x), { shape: [] });
    await close(np.linalg.norm(xa, 1), 8.5, { shape: [] });
    await close(np.linalg.norm(xa, Infinity), 4, { shape: [] });
    await close(np.linalg.norm(xa, -Infinity), 0, { shape: [] });
    await close(np.linalg.norm(xa, 3), (27 + 64 + 1.5 ** 3) ** (1 / 3), { shape: [] });
    await close(np.linalg.norm(xa, 0), 3, { shape: [] });
  });

  bk.it({}, 'matrix norms: fro, 1, inf, -1, -inf; axis and keepdims', async () => {
    const m = [[1, -2, 3], [-4, 5, -6]];
    const ma = np.array(m);
    await close(np.linalg.norm(ma), Math.sqrt(91), { shape: [] });
    await close(np.linalg.norm(ma, 'fro'), Math.sqrt(91), { shape: [] });
    await close(np.linalg.norm(ma, 1), 9, { shape: [] }); // max column abs sum
    await close(np.linalg.norm(ma, -1), 5, { shape: [] });
    await close(np.linalg.norm(ma, Infinity), 15, { shape: [] }); // max row abs sum
    await close(np.linalg.norm(ma, -Infinity), 6, { shape: [] });
    await close(np.linalg.norm(ma, 2, 1), [Math.sqrt(14), Math.sqrt(77)]);
    await close(np.linalg.norm(ma, 1, 0), [5, 7, 9]);
    await close(np.linalg.norm(ma, null, -1, { keepdims: true }), [[Math.sqrt(14)], [Math.sqrt(77)]]);
    await close(np.linalg.norm(ma, 1, [0, 1], { keepdims: true }), [[9]]);
  });
});
