/**
 * The linear-algebra routines (dot_general, cholesky, lu, triangular_solve) bound directly as
 * primitives, on every backend (tests/backends.ts) in every dtype it holds, read asynchronously.
 */
import { describe, expect, it } from 'vitest';
import '../lib/backends/cpu/index.js';
import { describeEachBackend } from './backends.js';
import { ConcreteArray } from '../lib/core/array.js';
import { bind } from '../lib/core/trace.js';
import { ShapeError } from '../lib/core/errors.js';
import type { DType, TypedArray } from '../lib/core/dtype.js';
import { Cholesky, DotGeneral, Lu, TriangularSolve } from '../lib/primitives/linalg.js';
import { rng } from './rng.js';
import { wasmGemmAvailable } from '../lib/backends/cpu/wasm-gemm.js';

// ---- helpers -------------------------------------------------------------------------

const prod = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

function randData(shape: readonly number[], dtype: DType, r: () => number): TypedArray {
  const n = prod(shape);
  if (dtype === 'int32') {
    const a = new Int32Array(n);
    // full 32-bit range so products and sums wrap
    for (let i = 0; i < n; i++) a[i] = (r() * 4294967296) | 0;
    return a;
  }
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

const arr = (data: TypedArray, shape: readonly number[], dtype: DType) => ConcreteArray.fromData(data, shape, dtype);

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat = Math.floor(flat / shape[d]); }
  return idx;
}
const ravel = (idx: readonly number[], shape: readonly number[]) => idx.reduce((p, v, d) => p * shape[d] + v, 0);

/** Naive dot_general: for every output multi-index, sum over every contracting multi-index. */
function refDot(x: TypedArray, xs: number[], y: TypedArray, ys: number[], ca: number[], cb: number[], ba: number[], bb: number[], dtype: DType) {
  const fa = xs.map((_, i) => i).filter((i) => !ca.includes(i) && !ba.includes(i));
  const fb = ys.map((_, i) => i).filter((i) => !cb.includes(i) && !bb.includes(i));
  const outShape = [...ba.map((i) => xs[i]), ...fa.map((i) => xs[i]), ...fb.map((i) => ys[i])];
  const cShape = ca.map((i) => xs[i]);
  const out: number[] = [];
  for (let o = 0; o < prod(outShape); o++) {
    const oi = unravel(o, outShape);
    const xi = new Array<number>(xs.length);
    const yi = new Array<number>(ys.length);
    ba.forEach((ax, t) => { xi[ax] = oi[t]; yi[bb[t]] = oi[t]; });
    fa.forEach((ax, t) => { xi[ax] = oi[ba.length + t]; });
    fb.forEach((ax, t) => { yi[ax] = oi[ba.length + fa.length + t]; });
    let acc = 0;
    let iacc = 0n;
    for (let c = 0; c < prod(cShape); c++) {
      const ci = unravel(c, cShape);
      ca.forEach((ax, t) => { xi[ax] = ci[t]; yi[cb[t]] = ci[t]; });
      const u = x[ravel(xi, xs)];
      const v = y[ravel(yi, ys)];
      if (dtype === 'int32') iacc += BigInt(u) * BigInt(v);
      else acc += u * v;
    }
    out.push(dtype === 'int32' ? Number(BigInt.asIntN(32, iacc)) : acc);
  }
  return { out, outShape };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol * Math.max(1, Math.abs(want[i])))) {
      throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
    }
  }
}

const TOL: Record<DType, number> = { float64: 1e-12, float32: 2e-6, float16: 1e-3, int32: 0, uint32: 0, int8: 0, uint8: 0, bool: 0 };

// ---- dot_general ---------------------------------------------------------------------

type Case = [string, number[], number[], [number[], number[]], [number[], number[]]];
const cases: Case[] = [
  ['matmul', [5, 7], [7, 6], [[1], [0]], [[], []]],
  ['lhs transposed', [7, 5], [7, 6], [[0], [0]], [[], []]],
  ['rhs transposed', [5, 7], [6, 7], [[1], [1]], [[], []]],
  ['both transposed', [7, 5], [6, 7], [[0], [1]], [[], []]],
  ['batched', [3, 5, 7], [3, 7, 6], [[2], [1]], [[0], [0]]],
  ['batch axis in the middle', [5, 3, 7], [7, 3, 6], [[2], [0]], [[1], [1]]],
  ['batch axis last', [5, 7, 3], [7, 6, 3], [[1], [0]], [[2], [2]]],
  ['two contracting axes, permuted', [2, 3, 4, 5], [5, 6, 3], [[3, 1], [0, 2]], [[], []]],
  ['two batch axes swapped', [2, 3, 4, 5], [3, 2, 5, 6], [[3], [2]], [[0, 1], [1, 0]]],
  ['vector . vector', [9], [9], [[0], [0]], [[], []]],
  ['matrix . vector', [6, 9], [9], [[1], [0]], [[], []]],
  ['transposed matrix . vector', [9, 6], [9], [[0], [0]], [[], []]],
  ['vector . matrix', [9], [9, 6], [[0], [0]], [[], []]],
  ['vector . transposed matrix', [9], [6, 9], [[0], [1]], [[], []]],
  ['batched matvec', [4, 6, 9], [4, 9], [[2], [1]], [[0], [0]]],
  ['outer product', [5], [6], [[], []], [[], []]],
  ['scalar operands', [], [], [[], []], [[], []]],
  ['size-1 axes', [1, 5, 1, 7], [7, 1, 6], [[3, 2], [0, 1]], [[], []]],
  ['gemm with edge tiles and k blocking', [37, 300], [300, 45], [[1], [0]], [[], []]],
  ['batched gemm, lhs transposed', [2, 300, 33], [2, 300, 22], [[1], [1]], [[0], [0]]],
  ['gemm, rhs transposed', [64, 70], [66, 70], [[1], [1]], [[], []]],
  ['gemm over a non-collapsible layout', [6, 40, 5, 9], [9, 30, 5], [[3, 2], [0, 2]], [[], []]],
  ['tall-skinny', [200, 40], [40, 3], [[1], [0]], [[], []]],
  // these reach the WebAssembly SIMD kernel (M·N·K >= 32³): odd and non-multiple-of-4 sizes,
  // more than one k block, batch dims, transposed and strided operands
  ['wasm gemm, odd M, N, K', [33, 65], [65, 35], [[1], [0]], [[], []]],
  ['wasm gemm, N = 4k+2, K over two blocks', [18, 601], [601, 30], [[1], [0]], [[], []]],
  ['batched wasm gemm, odd N', [3, 41, 50], [3, 50, 31], [[2], [1]], [[0], [0]]],
  ['batched wasm gemm, both transposed, batch last', [50, 41, 2], [29, 50, 2], [[0], [1]], [[2], [2]]],
  ['wasm gemm, square 64', [64, 64], [64, 64], [[1], [0]], [[], []]],
  ['zero-size contraction', [3, 0], [0, 4], [[1], [0]], [[], []]],
  ['zero-size free axis', [0, 5], [5, 4], [[1], [0]], [[], []]],
];

/** The dtypes of `all` that a backend of default float `float` holds (float64 only on float64 devices). */
const held = <D extends DType>(all: readonly D[], float: DType): D[] => all.filter((d) => d !== 'float64' || float === 'float64');

describeEachBackend('dot_general', (be) => {
  const dtypes = ['float64', 'float32', 'int32'] as const;
  for (const dtype of held(dtypes, be.dtype)) {
    for (const [ci, [name, xs, ys, [ca, cb], [ba, bb]]] of cases.entries()) {
      it(`${name} (${dtype})`, async () => {
        // The same seed for a case and dtype on every backend.
        const r = rng(1 + dtypes.indexOf(dtype) * cases.length + ci);
        const x = randData(xs, dtype, r);
        const y = randData(ys, dtype, r);
        const [z] = bind(DotGeneral, [arr(x, xs, dtype), arr(y, ys, dtype)], { contracting: [ca, cb], batch: [ba, bb] });
        const { out, outShape } = refDot(x, xs, y, ys, ca, cb, ba, bb, dtype);
        expect(z.shape).toEqual(outShape);
        expect(z.dtype).toBe(dtype);
        const got = await z.data();
        expect(got.constructor).toBe(x.constructor);
        if (dtype === 'int32') expect(Array.from(got)).toEqual(out);
        else expectClose(got, out, TOL[dtype] * (xs.length ? 10 : 1));
      });
    }
  }

  it('is exact on small integers in the device float (float64 on cpu)', async () => {
    const a = arr(typed([1, 2, 3, 4, 5, 6], be.dtype), [2, 3], be.dtype);
    const [y] = bind(DotGeneral, [a, a], { contracting: [[1], [1]], batch: [[], []] });
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(await y.data())).toEqual([14, 32, 32, 77]);
  });

  it('does not modify or alias its inputs', async () => {
    const x = typed(Array.from({ length: 64 * 64 }, (_, i) => i % 7), be.dtype);
    const a = arr(x, [64, 64], be.dtype);
    const before = Array.from(await a.data());
    const [y] = bind(DotGeneral, [a, a], { contracting: [[1], [0]], batch: [[], []] });
    expect(Array.from(await a.data())).toEqual(before);
    expect((await y.data())[0]).toBe(before.slice(0, 64).reduce((s, v, k) => s + v * before[k * 64], 0));
  });

  it('raises a ShapeError for mismatched contracting dimensions', () => {
    const a = arr(typed(new Array<number>(6).fill(0), be.dtype), [2, 3], be.dtype);
    const b = arr(typed(new Array<number>(8).fill(0), be.dtype), [4, 2], be.dtype);
    expect(() => bind(DotGeneral, [a, b], { contracting: [[1], [0]], batch: [[], []] })).toThrow(ShapeError);
    expect(() => bind(DotGeneral, [a, b], { contracting: [[1], [0]], batch: [[], []] })).toThrow(/contracting dimensions differ/);
  });
});

// ---- matrix helpers for the factorizations ---------------------------------------------

/** c = a·b for n x n row-major matrices (plain triple loop). */
function mm(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * n + j];
    c[i * n + j] = s;
  }
  return c;
}
function tr(a: ArrayLike<number>, m: number, n: number): number[] {
  const t = new Array<number>(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** Batch of random SPD matrices G·Gᵀ + n·I. */
function spd(batch: number, n: number, r: () => number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const g = Array.from({ length: n * n }, () => r() * 2 - 1);
    const a = mm(g, tr(g, n, n), n, n, n);
    for (let i = 0; i < n; i++) a[i * n + i] += n;
    out.push(...a);
  }
  return out;
}

const typed = (v: number[], dtype: DType): TypedArray => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));

// ---- cholesky ------------------------------------------------------------------------

// CPU-only: the CPU backend's WebAssembly GEMM kernel.
describe('dot_general on the cpu', () => {
  it('has the WebAssembly SIMD GEMM kernel available', () => {
    expect(wasmGemmAvailable()).toBe(true);
  });
});

describeEachBackend('cholesky', (be) => {
  /** float64 tolerance on float64 devices, a float32 one elsewhere. */
  const exactTol = be.dtype === 'float64' ? 1e-15 : 1e-7;
  for (const dtype of held(['float64', 'float32'] as const, be.dtype)) {
    it(`reconstructs L·Lᵀ = A over batch dims (${dtype})`, async () => {
      const r = rng(11);
      const n = 7;
      const batch = [2, 3];
      const a = typed(spd(6, n, r), dtype);
      const [l] = bind(Cholesky, [arr(a, [...batch, n, n], dtype)]);
      expect(l.shape).toEqual([...batch, n, n]);
      expect(l.dtype).toBe(dtype);
      const L = await l.data();
      for (let b = 0; b < 6; b++) {
        const Lb = Array.from(L.subarray(b * n * n, (b + 1) * n * n));
        for (let i = 0; i < n; i++) {
          expect(Lb[i * n + i]).toBeGreaterThan(0);
          for (let j = i + 1; j < n; j++) expect(Lb[i * n + j]).toBe(0);
        }
        expectClose(mm(Lb, tr(Lb, n, n), n, n, n), Array.from(a.subarray(b * n * n, (b + 1) * n * n)), dtype === 'float64' ? 1e-12 : 1e-5);
      }
    });
  }

  it('reads only the lower triangle', async () => {
    const n = 5;
    const a = spd(1, n, rng(3));
    const garbage = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbage[i * n + j] = 1e6;
    const [l1] = bind(Cholesky, [arr(typed(a, be.dtype), [n, n], be.dtype)]);
    const [l2] = bind(Cholesky, [arr(typed(garbage, be.dtype), [n, n], be.dtype)]);
    expect(Array.from(await l2.data())).toEqual(Array.from(await l1.data()));
  });

  it('fills a non-positive-definite matrix with NaN, leaving the rest of the batch alone', async () => {
    const good = [4, 2, 2, 3];
    const bad = [1, 2, 2, 1]; // eigenvalues 3 and -1
    const [l] = bind(Cholesky, [arr(typed([...good, ...bad], be.dtype), [2, 2, 2], be.dtype)]);
    const L = Array.from(await l.data());
    expectClose(L.slice(0, 4), [2, 0, 1, Math.sqrt(2)], exactTol);
    expect(L.slice(4).every(Number.isNaN)).toBe(true);
  });
});

// ---- lu ------------------------------------------------------------------------------

describeEachBackend('lu', (be) => {
  const exactTol = be.dtype === 'float64' ? 1e-15 : 1e-7;
  it('matches the LAPACK convention on a 2x2 example', async () => {
    const [lu, piv, perm] = bind(Lu, [arr(typed([1, 2, 3, 4], be.dtype), [2, 2], be.dtype)]);
    expectClose(await lu.data(), [3, 4, 1 / 3, 2 / 3], exactTol);
    expect(Array.from(await piv.data())).toEqual([1, 1]);
    expect(Array.from(await perm.data())).toEqual([1, 0]);
    expect(piv.dtype).toBe('int32');
    expect(perm.dtype).toBe('int32');
  });

  it('breaks pivot ties toward the first row, like idamax', async () => {
    const [lu, piv, perm] = bind(Lu, [arr(typed([1, 2, -1, 3], be.dtype), [2, 2], be.dtype)]);
    expect(Array.from(await piv.data())).toEqual([0, 1]);
    expect(Array.from(await perm.data())).toEqual([0, 1]);
    expect(Array.from(await lu.data())).toEqual([1, 2, -1, 5]);
  });

  it('leaves a zero pivot column unscaled on singular input', async () => {
    const [lu, piv] = bind(Lu, [arr(typed([0, 1, 0, 2], be.dtype), [2, 2], be.dtype)]);
    expect(Array.from(await lu.data())).toEqual([0, 1, 0, 2]);
    expect(Array.from(await piv.data())).toEqual([0, 1]);
  });

  for (const dtype of held(['float64', 'float32'] as const, be.dtype)) {
    it(`satisfies A[perm] = L·U with consistent pivots over batch dims (${dtype})`, async () => {
      const r = rng(5);
      const n = 9;
      const batch = [3, 2];
      const count = prod(batch);
      const a = typed(Array.from({ length: count * n * n }, () => r() * 2 - 1), dtype);
      const [lu, piv, perm] = bind(Lu, [arr(a, [...batch, n, n], dtype)]);
      expect(lu.shape).toEqual([...batch, n, n]);
      expect(piv.shape).toEqual([...batch, n]);
      expect(perm.shape).toEqual([...batch, n]);
      const LU = await lu.data();
      const P = await piv.data();
      const Q = await perm.data();
      for (let b = 0; b < count; b++) {
        const f = LU.subarray(b * n * n, (b + 1) * n * n);
        const L = new Array<number>(n * n).fill(0);
        const U = new Array<number>(n * n).fill(0);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          if (j < i) L[i * n + j] = f[i * n + j];
          else U[i * n + j] = f[i * n + j];
          if (i === j) L[i * n + j] = 1;
        }
        // partial pivoting keeps every multiplier at most 1 in magnitude
        expect(L.every((v) => Math.abs(v) <= 1)).toBe(true);
        const order = Array.from({ length: n }, (_, i) => i);
        for (let i = 0; i < n; i++) {
          const p = P[b * n + i];
          expect(p).toBeGreaterThanOrEqual(i);
          expect(p).toBeLessThan(n);
          [order[i], order[p]] = [order[p], order[i]];
        }
        expect(Array.from(Q.subarray(b * n, (b + 1) * n))).toEqual(order);
        const pa: number[] = [];
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pa.push(a[b * n * n + order[i] * n + j]);
        expectClose(mm(L, U, n, n, n), pa, dtype === 'float64' ? 1e-12 : 1e-5);
      }
    });
  }
});

// ---- triangular_solve ------------------------------------------------------------------

describeEachBackend('triangular_solve', (be) => {
  const m = 6;
  const k = 4;
  for (const dtype of held(['float64', 'float32'] as const, be.dtype)) {
    for (let flags = 0; flags < 16; flags++) {
      const leftSide = !!(flags & 1);
      const lower = !!(flags & 2);
      const transposeA = !!(flags & 4);
      const unitDiagonal = !!(flags & 8);
      it(`leftSide=${leftSide} lower=${lower} transposeA=${transposeA} unitDiagonal=${unitDiagonal} (${dtype})`, async () => {
        const r = rng(100 + flags);
        const batch = 2;
        // the unused triangle (and the diagonal when unitDiagonal) hold garbage that must be ignored
        const a: number[] = [];
        for (let t = 0; t < batch; t++) {
          for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
            const used = lower ? j < i : j > i;
            a.push(i === j ? (unitDiagonal ? 1e3 : 2 + r()) : used ? r() - 0.5 : 1e3 * (r() + 1));
          }
        }
        const bShape = leftSide ? [batch, m, k] : [batch, k, m];
        const bv = Array.from({ length: batch * m * k }, () => r() * 2 - 1);
        const [x] = bind(TriangularSolve, [arr(typed(a, dtype), [batch, m, m], dtype), arr(typed(bv, dtype), bShape, dtype)], { leftSide, lower, transposeA, unitDiagonal });
        expect(x.shape).toEqual(bShape);
        expect(x.dtype).toBe(dtype);
        const X = await x.data();
        const A32 = typed(a, dtype); // the values the kernel saw
        for (let t = 0; t < batch; t++) {
          const T = new Array<number>(m * m).fill(0);
          for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
            if (i === j) T[i * m + j] = unitDiagonal ? 1 : A32[t * m * m + i * m + j];
            else if (lower ? j < i : j > i) T[i * m + j] = A32[t * m * m + i * m + j];
          }
          const op = transposeA ? tr(T, m, m) : T;
          const Xt = Array.from(X.subarray(t * m * k, (t + 1) * m * k));
          const Bt = Array.from(typed(bv, dtype).subarray(t * m * k, (t + 1) * m * k));
          const res = leftSide ? mm(op, Xt, m, m, k) : mm(Xt, op, k, m, m);
          expectClose(res, Bt, dtype === 'float64' ? 1e-12 : 1e-5);
        }
      });
    }
  }

  it('solves a lower system exactly on a hand example', async () => {
    const a = arr(typed([2, 0, 1, 4], be.dtype), [2, 2], be.dtype);
    const b = arr(typed([2, 9], be.dtype), [2, 1], be.dtype);
    const [x] = bind(TriangularSolve, [a, b], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false });
    expect(Array.from(await x.data())).toEqual([1, 2]);
  });
});
