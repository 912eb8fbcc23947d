import { describe, expect, it } from 'vitest';
import '../lib/backends/cpu/index.js';
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

const TOL: Record<DType, number> = { float64: 1e-12, float32: 2e-6, int32: 0, bool: 0 };

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

describe('dot_general', () => {
  let seed = 1;
  for (const dtype of ['float64', 'float32', 'int32'] as const) {
    for (const [name, xs, ys, [ca, cb], [ba, bb]] of cases) {
      it(`${name} (${dtype})`, () => {
        const r = rng(seed++);
        const x = randData(xs, dtype, r);
        const y = randData(ys, dtype, r);
        const [z] = bind(DotGeneral, [arr(x, xs, dtype), arr(y, ys, dtype)], { contracting: [ca, cb], batch: [ba, bb] });
        const { out, outShape } = refDot(x, xs, y, ys, ca, cb, ba, bb, dtype);
        expect(z.shape).toEqual(outShape);
        expect(z.dtype).toBe(dtype);
        const got = z.dataSync();
        expect(got.constructor).toBe(x.constructor);
        if (dtype === 'int32') expect(Array.from(got)).toEqual(out);
        else expectClose(got, out, TOL[dtype] * (xs.length ? 10 : 1));
      });
    }
  }

  it('has the WebAssembly SIMD GEMM kernel available', () => {
    expect(wasmGemmAvailable()).toBe(true);
  });

  it('is exact on small integers in float64', () => {
    const a = arr(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3], 'float64');
    const [y] = bind(DotGeneral, [a, a], { contracting: [[1], [1]], batch: [[], []] });
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual([14, 32, 32, 77]);
  });

  it('does not modify or alias its inputs', () => {
    const x = new Float64Array(64 * 64).map((_, i) => i % 7);
    const a = arr(x, [64, 64], 'float64');
    const before = Array.from(a.dataSync());
    const [y] = bind(DotGeneral, [a, a], { contracting: [[1], [0]], batch: [[], []] });
    expect(Array.from(a.dataSync())).toEqual(before);
    expect(y.dataSync()[0]).toBe(before.slice(0, 64).reduce((s, v, k) => s + v * before[k * 64], 0));
  });

  it('raises a ShapeError for mismatched contracting dimensions', () => {
    const a = arr(new Float64Array(6), [2, 3], 'float64');
    const b = arr(new Float64Array(8), [4, 2], 'float64');
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

describe('cholesky', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`reconstructs L·Lᵀ = A over batch dims (${dtype})`, () => {
      const r = rng(11);
      const n = 7;
      const batch = [2, 3];
      const a = typed(spd(6, n, r), dtype);
      const [l] = bind(Cholesky, [arr(a, [...batch, n, n], dtype)]);
      expect(l.shape).toEqual([...batch, n, n]);
      expect(l.dtype).toBe(dtype);
      const L = l.dataSync();
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

  it('reads only the lower triangle', () => {
    const n = 5;
    const a = spd(1, n, rng(3));
    const garbage = a.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbage[i * n + j] = 1e6;
    const [l1] = bind(Cholesky, [arr(Float64Array.from(a), [n, n], 'float64')]);
    const [l2] = bind(Cholesky, [arr(Float64Array.from(garbage), [n, n], 'float64')]);
    expect(Array.from(l2.dataSync())).toEqual(Array.from(l1.dataSync()));
  });

  it('fills a non-positive-definite matrix with NaN, leaving the rest of the batch alone', () => {
    const good = [4, 2, 2, 3];
    const bad = [1, 2, 2, 1]; // eigenvalues 3 and -1
    const [l] = bind(Cholesky, [arr(Float64Array.from([...good, ...bad]), [2, 2, 2], 'float64')]);
    const L = Array.from(l.dataSync());
    expectClose(L.slice(0, 4), [2, 0, 1, Math.sqrt(2)], 1e-15);
    expect(L.slice(4).every(Number.isNaN)).toBe(true);
  });
});

// ---- lu ------------------------------------------------------------------------------

describe('lu', () => {
  it('matches the LAPACK convention on a 2x2 example', () => {
    const [lu, piv, perm] = bind(Lu, [arr(Float64Array.from([1, 2, 3, 4]), [2, 2], 'float64')]);
    expectClose(lu.dataSync(), [3, 4, 1 / 3, 2 / 3], 1e-15);
    expect(Array.from(piv.dataSync())).toEqual([1, 1]);
    expect(Array.from(perm.dataSync())).toEqual([1, 0]);
    expect(piv.dtype).toBe('int32');
    expect(perm.dtype).toBe('int32');
  });

  it('breaks pivot ties toward the first row, like idamax', () => {
    const [lu, piv, perm] = bind(Lu, [arr(Float64Array.from([1, 2, -1, 3]), [2, 2], 'float64')]);
    expect(Array.from(piv.dataSync())).toEqual([0, 1]);
    expect(Array.from(perm.dataSync())).toEqual([0, 1]);
    expect(Array.from(lu.dataSync())).toEqual([1, 2, -1, 5]);
  });

  it('leaves a zero pivot column unscaled on singular input', () => {
    const [lu, piv] = bind(Lu, [arr(Float64Array.from([0, 1, 0, 2]), [2, 2], 'float64')]);
    expect(Array.from(lu.dataSync())).toEqual([0, 1, 0, 2]);
    expect(Array.from(piv.dataSync())).toEqual([0, 1]);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`satisfies A[perm] = L·U with consistent pivots over batch dims (${dtype})`, () => {
      const r = rng(5);
      const n = 9;
      const batch = [3, 2];
      const count = prod(batch);
      const a = typed(Array.from({ length: count * n * n }, () => r() * 2 - 1), dtype);
      const [lu, piv, perm] = bind(Lu, [arr(a, [...batch, n, n], dtype)]);
      expect(lu.shape).toEqual([...batch, n, n]);
      expect(piv.shape).toEqual([...batch, n]);
      expect(perm.shape).toEqual([...batch, n]);
      const LU = lu.dataSync();
      const P = piv.dataSync();
      const Q = perm.dataSync();
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

describe('triangular_solve', () => {
  const m = 6;
  const k = 4;
  for (const dtype of ['float64', 'float32'] as const) {
    for (let flags = 0; flags < 16; flags++) {
      const leftSide = !!(flags & 1);
      const lower = !!(flags & 2);
      const transposeA = !!(flags & 4);
      const unitDiagonal = !!(flags & 8);
      it(`leftSide=${leftSide} lower=${lower} transposeA=${transposeA} unitDiagonal=${unitDiagonal} (${dtype})`, () => {
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
        const X = x.dataSync();
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

  it('solves a lower system exactly on a hand example', () => {
    const a = arr(Float64Array.from([2, 0, 1, 4]), [2, 2], 'float64');
    const b = arr(Float64Array.from([2, 9]), [2, 1], 'float64');
    const [x] = bind(TriangularSolve, [a, b], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false });
    expect(Array.from(x.dataSync())).toEqual([1, 2]);
  });
});
