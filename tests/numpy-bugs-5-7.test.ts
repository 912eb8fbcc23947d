/**
 * Issue 9, bugs 5–7: grad(det) at singular matrices is the adjugate; allocation and int32 overflow
 * at creation are clear errors; out-of-range indices follow JAX's modes (take fills, at() drops).
 */
import { describe, expect, it } from 'vitest';
import { grad, hessian, jit, np, vmap } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { close, readFlat } from './numpy-backend.js';
import { rng } from './rng.js';

/** The cofactor matrix by its definition (signed minors), float64 on the host. */
function cofactorRef(m: number[][]): number[][] {
  const detRef = (a: number[][]): number => (a.length === 0 ? 1 : a[0].reduce((s, v, j) => s + (j % 2 ? -1 : 1) * v * detRef(a.slice(1).map((r) => r.filter((_, c) => c !== j))), 0));
  return m.map((_, i) => m.map((__, j) => ((i + j) % 2 ? -1 : 1) * detRef(m.filter((_r, r) => r !== i).map((r) => r.filter((_c, c) => c !== j)))));
}

describeEachBackend('grad(np.linalg.det) (bug 5)', (be) => {
  it('is the adjugate at singular matrices, as in JAX', async () => {
    await close(be, grad(np.linalg.det)(np.array([[1, 2], [2, 4]])), [[4, -2], [-2, 1]]);
    await close(be, grad(np.linalg.det)(np.zeros([2, 2])), [[0, 0], [0, 0]]);
    // Zero pivots in the first column, and two zero pivots with rank n−1: still the exact cofactors.
    await close(be, grad(np.linalg.det)(np.array([[0, 1], [0, 1]])), [[1, 0], [-1, 0]]);
    await close(be, grad(np.linalg.det)(np.array([[0, 1], [0, 0]])), [[0, 0], [-1, 0]]);
    await close(be, grad(np.linalg.det)(np.array([[1, 2, 3], [2, 4, 6], [1, 1, 1]])), cofactorRef([[1, 2, 3], [2, 4, 6], [1, 1, 1]]));
  });

  it('matches the cofactors on random singular and regular batches, under vmap and jit', async () => {
    const r = rng(9);
    const mats: number[][][] = [];
    for (let b = 0; b < 6; b++) {
      const n = 3;
      const m = Array.from({ length: n }, () => Array.from({ length: n }, () => Math.round(r() * 8 - 4)));
      // Half of them singular: the last row a small-integer combination of the first two (exact in floats).
      if (b % 2 === 0) m[n - 1] = m[0].map((v, j) => 2 * v - m[1][j]);
      mats.push(m);
    }
    const want = mats.map(cofactorRef);
    await close(be, vmap(grad(np.linalg.det))(np.array(mats)), want, { atol: 1e-9, f32: { rtol: 1e-4, atol: 1e-4 } });
    await close(be, jit(vmap(grad(np.linalg.det)))(np.array(mats)), want, { atol: 1e-9, f32: { rtol: 1e-4, atol: 1e-4 } });
  });
});

describe('grad(np.linalg.det) vs finite differences (float64)', () => {
  it('first and second derivatives at regular matrices', () => {
    const r = rng(5);
    const a = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => r() * 2 - 1));
    const f = (m: number[][]) => np.linalg.det(np.array(m)).item() as number;
    const g = grad(np.linalg.det)(np.array(a)).js() as number[][];
    const h = 1e-6;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      const p = a.map((row) => [...row]); p[i][j] += h;
      const m = a.map((row) => [...row]); m[i][j] -= h;
      expect(g[i][j]).toBeCloseTo((f(p) - f(m)) / (2 * h), 6);
    }
    // Hessian of det at a 2×2 [[a, b], [c, d]] = ad − bc: ∂²/∂a∂d = 1, ∂²/∂b∂c = −1, others 0.
    const H = hessian(np.linalg.det)(np.array([[2, 1], [1, 3]])).js() as number[][][][];
    expect(H[0][0][1][1]).toBeCloseTo(1, 12);
    expect(H[0][1][1][0]).toBeCloseTo(-1, 12);
    expect(H[0][0][0][0]).toBeCloseTo(0, 12);
    // Hessian-vector products via jvp of grad agree with differences of the gradient.
    const hv = (m: number[][]) => grad(np.linalg.det)(np.array(m)).js() as number[][];
    const H4 = hessian(np.linalg.det)(np.array(a)).js() as number[][][][];
    const p = a.map((row) => [...row]); p[1][2] += h;
    const m = a.map((row) => [...row]); m[1][2] -= h;
    const gp = hv(p); const gm = hv(m);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(H4[i][j][1][2]).toBeCloseTo((gp[i][j] - gm[i][j]) / (2 * h), 5);
  });
});

describe('creation errors (bug 6)', () => {
  it('allocations past the limit name the function, shape, bytes and limit', () => {
    expect(() => np.zeros([1e10])).toThrow(/np\.zeros: shape \[10000000000\] \(float64\).*80000000000 bytes.*4294967296 elements/);
    expect(() => np.ones([5e9], { dtype: 'bool' })).toThrow(/np\.ones: shape \[5000000000\].*4294967296/);
    expect(() => np.full([3e9, 2], 1)).toThrow(/np\.full: shape \[3000000000,2\]/);
  });

  it('int32 overflow at creation is an error naming the value, the dtype and the fix', () => {
    expect(() => np.array([3e9], { dtype: 'int32' })).toThrow(/np\.array: value 3000000000 does not fit in int32.*float64/);
    expect(() => np.array([-3e9], { dtype: 'int32' })).toThrow(/-3000000000/);
    expect(() => np.arange(2 ** 31 - 2, 2 ** 31 + 2)).toThrow(/np\.arange: value 2147483649 .*int32.*float64/);
    expect(() => np.full([2], 2 ** 31, { dtype: 'int32' })).toThrow(/np\.full: value 2147483648/);
    expect(np.arange(2 ** 31 - 3, 2 ** 31 - 1).js()).toEqual([2 ** 31 - 3, 2 ** 31 - 2]);
    expect(np.array([-(2 ** 31), 2 ** 31 - 1], { dtype: 'int32' }).js()).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(np.arange(2 ** 31 - 2, 2 ** 31 + 2, 1, { dtype: 'float64' }).js()).toEqual([2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1]);
  });
});

describeEachBackend('out-of-range indices (bug 7)', (be) => {
  // Created per test, on the backend under test.
  const ix = () => np.array([0, 5, -1, -4], { dtype: 'int32' });

  it("take / takeAlongAxis default to mode 'fill' (NaN for floats, int32 min for ints)", async () => {
    const v = await readFlat(np.take(np.array([1, 2, 3]), ix()));
    expect(v[0]).toBe(1); expect(Number.isNaN(v[1])).toBe(true); expect(v[2]).toBe(3); expect(Number.isNaN(v[3])).toBe(true);
    expect(await readFlat(np.take(np.array([1, 2, 3], { dtype: 'int32' }), ix()))).toEqual([1, -(2 ** 31), 3, -(2 ** 31)]);
    expect(await readFlat(np.take(np.array([1, 2, 3]), ix(), null, { fillValue: -7 }))).toEqual([1, -7, 3, -7]);
    const t = await readFlat(np.takeAlongAxis(np.array([[1, 2], [3, 4]]), np.array([[0, 2], [1, -1]], { dtype: 'int32' }), 1));
    expect(t[0]).toBe(1); expect(Number.isNaN(t[1])).toBe(true); expect(t.slice(2)).toEqual([4, 4]);
  });

  it("'clip' and 'wrap' modes", async () => {
    expect(await readFlat(np.take(np.array([1, 2, 3]), ix(), null, { mode: 'clip' }))).toEqual([1, 3, 3, 1]);
    expect(await readFlat(np.take(np.array([1, 2, 3]), ix(), null, { mode: 'wrap' }))).toEqual([1, 3, 3, 3]);
    expect(await readFlat(np.takeAlongAxis(np.array([[1, 2], [3, 4]]), np.array([[3], [-3]], { dtype: 'int32' }), 1, { mode: 'wrap' }))).toEqual([2, 4]);
    expect(() => np.take(np.array([1]), [0], null, { mode: 'raise' as never })).toThrow(/np\.take: unknown mode "raise"/);
  });

  it('grad through a filled take gives zero cotangent to the filled entries', async () => {
    const g = grad((x: ReturnType<typeof np.array>) => np.take(x, [0, 5, 0, -9]).mul(np.array([1, 2, 3, 4])).sum());
    await close(be, g(np.array([1, 2, 3])), [4, 0, 0]);
  });

  it("x.at(i).set/add drop out-of-range updates by default; { mode: 'clip' } clamps", async () => {
    const x = np.array([1, 2, 3]);
    await close(be, x.at(5).set(9), [1, 2, 3]);
    await close(be, x.at(-4).add(9), [1, 2, 3]);
    await close(be, x.at(5).set(9, { mode: 'clip' }), [1, 2, 9]);
    await close(be, x.at(-1).add(9), [1, 2, 12]);
    const i = np.array([0, 5, -1, -4, 1], { dtype: 'int32' });
    await close(be, x.at(i).set(np.array([10, 20, 30, 40, 50])), [10, 50, 30]);
    await close(be, x.at(i).add(1), [2, 3, 4]);
    await close(be, x.at(i).add(1, { mode: 'clip' }), [3, 3, 5]);
    await close(be, np.zeros([2, 3]).at(1, np.array([0, 5, -1], { dtype: 'int32' })).set(np.array([1, 2, 3])), [[0, 0, 0], [1, 0, 3]]);
    // A traced scalar index out of range: dropped inside jit as well.
    const setAt = jit((a: typeof x, j: typeof x) => a.at(j).set(7));
    await close(be, setAt(x, np.array(5, { dtype: 'int32' })), [1, 2, 3]);
    await close(be, setAt(x, np.array(-1, { dtype: 'int32' })), [1, 2, 7]);
  });

  it('gradients of a dropping scatter reach only the valid updates', async () => {
    const f = (v: ReturnType<typeof np.array>) => np.array([1, 2, 3]).at(np.array([0, 7, 2], { dtype: 'int32' })).add(v).mul(np.array([1, 10, 100])).sum();
    await close(be, grad(f)(np.array([1, 1, 1])), [1, 0, 100]);
  });
});
