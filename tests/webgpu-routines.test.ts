/**
 * The WebGPU routines (lib/backends/webgpu/routines*.ts) against the CPU's, primitive by
 * primitive: each case binds one primitive under jit, runs it on 'cpu' and on 'webgpu' with the
 * same float32/int32/bool inputs, and compares (bitwise for data movement, integers and bits;
 * float32 tolerance for linear algebra, which the CPU computes in float64). Every case runs the
 * synchronous jit(f)(x) on the GPU, which throws if a routine ran on the host, and checks the
 * compiled program's hostRoutines too. Skips without a WebGPU adapter unless REQUIRE_WEBGPU=1.
 * Sizes stay small: SwiftShader emulates the GPU on the CPU. (Where Mesa's Vulkan drivers are
 * installed but rejected by Dawn, run with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json:
 * a vitest worker thread cannot set it for Dawn, whose getenv sees the process environment.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Array, devicePut, getBackend, getDefaultFloat, grad, init, jit, lax, makeJaxpr, np, random, setDefaultFloat } from '../lib/index.js';
import { ConcreteArray } from '../lib/core/array.js';
import type { DType, TypedArray } from '../lib/core/dtype.js';
import type { Params } from '../lib/core/ir.js';
import type { Primitive } from '../lib/core/primitive.js';
import { bind } from '../lib/core/trace.js';
import { Argmax, Argmin, Cumsum } from '../lib/primitives/reduce.js';
import { BitcastConvertType, ShiftLeft, ShiftRightLogical, Threefry2x32 } from '../lib/primitives/random.js';
import { Concatenate, DynamicSlice, DynamicUpdateSlice, Gather, Pad, Scatter, ScatterAdd } from '../lib/primitives/shape.js';
import { Cholesky, Lu, TriangularSolve } from '../lib/primitives/linalg.js';
import { Eigh, Qr, Svd } from '../lib/primitives/decompositions.js';
import { Sort } from '../lib/primitives/sort.js';
import { rng } from './rng.js';
import { routineNames } from '../lib/backends/cpu/routines.js';
import { gpuRoutineNames } from '../lib/backends/webgpu/routines.js';

const required = process.env.REQUIRE_WEBGPU === '1';
let ready = false;
let why = '';
try {
  await init('webgpu');
  ready = true;
} catch (e) {
  why = (e as Error).message;
}

// ---- inputs and comparison -------------------------------------------------------------------

interface Input { readonly data: TypedArray; readonly shape: readonly number[]; readonly dtype: DType }

const prod = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
const f32 = (shape: readonly number[], values?: readonly number[], seed = 1): Input => {
  const r = rng(seed);
  return { data: Float32Array.from(values ?? globalThis.Array.from({ length: prod(shape) }, () => Math.round((r() * 20 - 10) * 8) / 8)), shape, dtype: 'float32' };
};
const i32 = (shape: readonly number[], values: readonly number[]): Input => ({ data: Int32Array.from(values), shape, dtype: 'int32' });
const bool = (shape: readonly number[], values: readonly number[]): Input => ({ data: Uint8Array.from(values), shape, dtype: 'bool' });
const scalar = (v: number): Input => i32([], [v]);
/** Random uint32 words in int32 (the full range, so arithmetic wraps). */
const words = (shape: readonly number[], seed: number): Input => {
  const r = rng(seed);
  return i32(shape, globalThis.Array.from({ length: prod(shape) }, () => (r() * 4294967296) | 0));
};

const array = (x: Input): Array => ConcreteArray.fromData(x.data.slice(), x.shape, x.dtype);

/** Bits of a float32 value, so that NaN payloads and -0 compare exactly. */
const bits = (d: TypedArray): number[] => (d instanceof Float32Array ? globalThis.Array.from(new Int32Array(d.buffer, d.byteOffset, d.length)) : globalThis.Array.from(d, Number));

/**
 * `prim` bound to `inputs` with `params`, under jit, on the CPU and on WebGPU; outputs compared
 * bitwise (`tol` undefined) or within `tol` relative to the largest magnitude.
 */
async function check<P extends Params>(prim: Primitive<P>, inputs: readonly Input[], params: P, tol?: number): Promise<void> {
  const f = (...xs: Array[]) => bind(prim, xs, params);
  const cpu = jit(f)(...inputs.map(array)) as Array[];
  const gpuIns = inputs.map((x) => devicePut(array(x), 'webgpu'));
  // Synchronous: throws if any routine ran on the host (its inputs would need a readback).
  const gpu = jit(f)(...gpuIns) as Array[];
  const exe = getBackend('webgpu').compile(makeJaxpr(f)(...gpuIns).jaxpr);
  expect(exe.stats.hostRoutines ?? []).toEqual([]);
  // (a one-axis gather, a small concatenation or a one-axis pad is read in place by a kernel instead)
  expect(exe.stats.routines + exe.stats.kernels).toBeGreaterThan(0);
  expect(gpu.length).toBe(cpu.length);
  for (let k = 0; k < cpu.length; k++) {
    expect(gpu[k].shape).toEqual(cpu[k].shape);
    expect(gpu[k].dtype).toBe(cpu[k].dtype);
    const want = await cpu[k].data();
    const got = await gpu[k].data();
    if (tol === undefined) {
      expect(bits(got), `${prim.name} output ${k}`).toEqual(bits(want));
      continue;
    }
    const w = globalThis.Array.from(want, Number);
    const g = globalThis.Array.from(got, Number);
    const scale = Math.max(1, ...w.filter(Number.isFinite).map(Math.abs));
    const bad = g.findIndex((v, i) => !(Math.abs(v - w[i]) <= tol * scale) && !(Number.isNaN(v) && Number.isNaN(w[i])));
    if (bad >= 0) expect.fail(`${prim.name} output ${k}, element ${bad}: got ${g[bad]}, want ${w[bad]} (rtol ${tol}, scale ${scale})`);
  }
}

it.runIf(required && !ready)('REQUIRE_WEBGPU=1 needs a WebGPU adapter', () => {
  throw new Error(`REQUIRE_WEBGPU=1, but init('webgpu') failed: ${why}`);
});

describe.skipIf(!ready)('webgpu routines', () => {
  beforeAll(() => { expect(getBackend('webgpu').name).toBe('webgpu'); });

  it('has a WGSL routine for every routine the lowering may emit (the CPU table)', () => {
    // debug_callback calls JS with the values: a host routine by nature (read back, then called).
    // fft has no WGSL routine: the backend lowers it through its decomposition instead.
    // eig runs on the host, as JAX's (CPU only): a sequential QR iteration with no decomposition.
    expect(routineNames().filter((n) => !gpuRoutineNames().includes(n) && n !== 'debug_callback' && n !== 'fft' && n !== 'eig')).toEqual([]);
  });

  describe('shape', () => {
    it('dynamic_slice: in range, clamped past either end, per dtype', async () => {
      const x = f32([4, 5]);
      for (const [a, b] of [[1, 2], [-3, 9], [7, -1], [0, 0]]) await check(DynamicSlice, [x, scalar(a), scalar(b)], { sliceSizes: [2, 3] });
      await check(DynamicSlice, [i32([6], [1, 2, 3, 4, 5, 6]), scalar(4)], { sliceSizes: [3] });
      await check(DynamicSlice, [bool([5], [1, 0, 1, 1, 0]), scalar(-2)], { sliceSizes: [2] });
      await check(DynamicSlice, [f32([3, 2]), scalar(1), scalar(0)], { sliceSizes: [0, 2] });
      await check(DynamicSlice, [f32([], [2.5])], { sliceSizes: [] });
    });

    it('dynamic_slice of rank 7: the start indices exceed the binding limit and are packed', async () => {
      const shape = [2, 2, 2, 2, 2, 2, 3];
      const starts = [1, 0, 5, -1, 1, 0, 1].map(scalar);
      await check(DynamicSlice, [f32(shape), ...starts], { sliceSizes: [1, 2, 1, 1, 2, 1, 2] });
      await check(DynamicUpdateSlice, [f32(shape), f32([1, 2, 1, 1, 2, 1, 2], undefined, 3), ...starts], {});
    });

    it('dynamic_update_slice: in range and clamped', async () => {
      const x = f32([4, 5]);
      const u = f32([2, 3], undefined, 2);
      for (const [a, b] of [[1, 1], [3, 4], [-5, -5], [2, 2]]) await check(DynamicUpdateSlice, [x, u, scalar(a), scalar(b)], {});
      await check(DynamicUpdateSlice, [i32([5], [1, 2, 3, 4, 5]), i32([2], [-7, -8]), scalar(9)], {});
      await check(DynamicUpdateSlice, [f32([0, 3]), f32([0, 2]), scalar(0), scalar(1)], {});
    });

    it('pad: low/high, negative (cropping), interior, and a NaN padding value', async () => {
      const x = f32([3, 4]);
      await check(Pad, [x, f32([], [0])], { config: [[1, 2, 0], [0, 1, 0]] });
      await check(Pad, [x, f32([], [-1.5])], { config: [[-1, 1, 1], [2, -2, 2]] });
      await check(Pad, [x, f32([], [NaN])], { config: [[0, 0, 3], [-3, -1, 0]] });
      await check(Pad, [i32([3], [4, 5, 6]), i32([], [-2147483648])], { config: [[-2, -1, 2]] });
      await check(Pad, [f32([0, 2]), f32([], [7])], { config: [[1, 1, 2], [0, 0, 0]] });
      await check(Pad, [bool([2, 2], [1, 0, 0, 1]), bool([], [1])], { config: [[0, 1, 1], [1, 0, 0]] });
    });

    it('concatenate: along each axis, with empty operands, and 11 operands (several dispatches)', async () => {
      await check(Concatenate, [f32([2, 3]), f32([1, 3], undefined, 2), f32([0, 3]), f32([3, 3], undefined, 3)], { dimension: 0 });
      await check(Concatenate, [f32([2, 1, 2]), f32([2, 3, 2], undefined, 2)], { dimension: 1 });
      await check(Concatenate, [i32([2, 1], [1, 2]), i32([2, 2], [3, 4, 5, 6])], { dimension: 1 });
      const many = globalThis.Array.from({ length: 11 }, (_, k) => f32([2, 1 + (k % 3)], undefined, k + 5));
      await check(Concatenate, many, { dimension: 1 });
    });

    it('gather: clamped indices, several axes, batch dims', async () => {
      const x = f32([4, 3, 2]);
      await check(Gather, [x, i32([5, 1], [0, 3, -2, 9, 1])], { axes: [0] });
      await check(Gather, [x, i32([2, 2, 2], [0, 1, 3, 2, -1, 5, 2, 0])], { axes: [0, 1] });
      await check(Gather, [x, i32([3, 1], [1, 0, 7])], { axes: [2] });
      await check(Gather, [i32([5], [10, 20, 30, 40, 50]), i32([4, 1], [4, 0, 2, 2])], { axes: [0] });
      await check(Gather, [f32([0, 2]), i32([3, 1], [0, 1, 2])], { axes: [0] });
      // No indexed axes: every batch point takes the whole operand.
      await check(Gather, [f32([2, 2]), i32([3, 0], [])], { axes: [] });
    });

    it('scatter and scatter_add: repeated indices (last wins / accumulate in order), dropped out-of-range', async () => {
      const x = f32([4, 3]);
      const idx = i32([5, 1], [1, 3, 1, -1, 4]);
      const upd = f32([5, 3], undefined, 9);
      await check(Scatter, [x, idx, upd], { axes: [0] });
      await check(ScatterAdd, [x, idx, upd], { axes: [0] });
      const idx2 = i32([4, 2], [0, 2, 3, 1, 0, 2, 2, 5]);
      await check(Scatter, [x, idx2, f32([4], [1, 2, 3, 4])], { axes: [0, 1] });
      await check(ScatterAdd, [x, idx2, f32([4], [0.1, 0.2, 0.3, 0.4])], { axes: [0, 1] });
      await check(ScatterAdd, [i32([3], [1, 2, 2147483647]), i32([3, 1], [2, 2, 0]), i32([3], [1, 5, -3])], { axes: [0] });
      await check(ScatterAdd, [bool([3], [0, 1, 0]), i32([2, 1], [2, 0]), bool([2], [1, 1])], { axes: [0] });
      await check(Scatter, [bool([3], [0, 1, 0]), i32([2, 1], [1, 1]), bool([2], [1, 0])], { axes: [0] });
      await check(Scatter, [f32([2, 2]), i32([3, 0], []), f32([3, 2, 2], undefined, 4)], { axes: [] });
      await check(ScatterAdd, [f32([2, 2]), i32([3, 0], []), f32([3, 2, 2], undefined, 4)], { axes: [] });
      // Indexing the middle axis: updates are [batch, rows, cols].
      await check(ScatterAdd, [f32([2, 3, 2]), i32([4, 1], [2, 0, 2, 3]), f32([4, 2, 2], undefined, 6)], { axes: [1] });
    });
  });

  describe('reductions', () => {
    it('argmax/argmin: ties take the first, NaN wins, every axis, int and bool', async () => {
      const x = f32([3, 4], [1, 5, 5, 2, 7, NaN, 3, NaN, -1, -1, -4, -4]);
      for (const p of [Argmax, Argmin]) {
        await check(p, [x], { axis: 0 });
        await check(p, [x], { axis: 1 });
        await check(p, [f32([2, 3, 4])], { axis: 1 });
        await check(p, [f32([2], [NaN, 1])], { axis: 0 });
        await check(p, [i32([2, 3], [3, -2147483648, 3, 2147483647, 0, 2147483647])], { axis: 1 });
        await check(p, [bool([2, 2], [0, 1, 1, 1])], { axis: 1 });
      }
    });

    it('argmax/argmin over long lines (a workgroup per line): ties across invocations, NaN, columns', async () => {
      // Values from a few levels, so extrema repeat at indices owned by different invocations.
      const n = 300;
      const lines = 4;
      const r = rng(11);
      const v = globalThis.Array.from({ length: lines * n }, () => Math.floor(r() * 5));
      v[1 * n + 250] = NaN;
      v[1 * n + 260] = NaN;
      v[2 * n + 299] = NaN;
      const x = f32([lines, n], v);
      const xt = f32([n, lines], globalThis.Array.from({ length: lines * n }, (_, e) => v[(e % lines) * n + Math.floor(e / lines)]));
      const ints = i32([2, n], v.slice(0, 2 * n).map((t) => (Number.isNaN(t) ? 7 : t)));
      for (const p of [Argmax, Argmin]) {
        await check(p, [x], { axis: 1 });
        await check(p, [xt], { axis: 0 });
        await check(p, [ints], { axis: 1 });
      }
    });

    it('cumsum: forward and reverse along each axis; int32 wraps', async () => {
      const x = f32([3, 4]);
      for (const axis of [0, 1]) for (const reverse of [false, true]) await check(Cumsum, [x], { axis, reverse }, 1e-6);
      // Along a non-trailing axis the CPU rounds every partial to float32 as the GPU does: exact.
      await check(Cumsum, [f32([5, 2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1])], { axis: 0, reverse: false });
      await check(Cumsum, [i32([4], [2147483647, 1, 5, -3])], { axis: 0, reverse: false });
      await check(Cumsum, [i32([2, 3], [1, 2, 3, 4, 5, 6])], { axis: 0, reverse: true });
    });
  });

  describe('sort', () => {
    const stable = { isStable: true, numKeys: 1 };
    it('the total order bitwise: NaN last, -0 before +0, infinities, ties kept in input order', async () => {
      const special = [3, NaN, -0, 0, -Infinity, 1.5, Infinity, -0, NaN, 0, -2, 1.5];
      await check(Sort, [f32([12], special)], { dimension: 0, ...stable });
      await check(Sort, [f32([12], special), i32([12], special.map((_, i) => i))], { dimension: 0, ...stable });
      await check(Sort, [i32([6], [5, -2147483648, 2147483647, 0, -1, 5])], { dimension: 0, ...stable });
      await check(Sort, [bool([5], [1, 0, 1, 0, 0]), i32([5], [0, 1, 2, 3, 4])], { dimension: 0, ...stable });
    });

    it('along each axis, lines longer than a workgroup and not a power of two, several keys', async () => {
      const x = f32([3, 5, 4]);
      for (const dimension of [0, 1, 2]) await check(Sort, [x, f32([3, 5, 4], undefined, 9)], { dimension, ...stable });
      // Coarse values (multiples of 1/8 in [-10, 10]) repeat, so ties and the second key matter.
      await check(Sort, [f32([2, 300]), f32([2, 300], undefined, 4), f32([2, 300], undefined, 5)], { dimension: 1, isStable: true, numKeys: 2 });
      await check(Sort, [f32([1, 0])], { dimension: 1, ...stable });
    });
  });

  describe('bits', () => {
    it('threefry2x32: the cipher bitwise, with scalar keys broadcast', async () => {
      await check(Threefry2x32, [words([7], 1), words([7], 2), words([7], 3), words([7], 4)], {});
      await check(Threefry2x32, [words([], 5), words([], 6), words([2, 3], 7), words([2, 3], 8)], {});
      // The Random123 known-answer vector for zero key and counter.
      await check(Threefry2x32, [scalar(0), scalar(0), scalar(0), scalar(0)], {});
    });

    it('shift_left / shift_right_logical: amounts outside [0, 32) give 0', async () => {
      const x = i32([8], [1, -1, 0x40000000, -2147483648, 12345, -7, 3, 99]);
      const s = i32([8], [0, 1, 31, 31, 32, -1, 100, 4]);
      await check(ShiftLeft, [x, s], {});
      await check(ShiftRightLogical, [x, s], {});
      await check(ShiftRightLogical, [x, scalar(3)], {});
      await check(ShiftLeft, [scalar(-1), s], {});
    });

    it('bitcast_convert_type between float32 and int32', async () => {
      await check(BitcastConvertType, [f32([5], [1, -0, NaN, Infinity, -2.5])], { newDtype: 'int32' });
      await check(BitcastConvertType, [i32([4], [0x3f800000, -1, 0x7f800001, 0])], { newDtype: 'float32' });
    });
  });

  describe('linear algebra (float32)', () => {
    /** Symmetric positive definite: M·Mᵀ + n·I, per batch entry. */
    const spd = (batch: number, n: number, seed: number): Input => {
      const m = f32([batch, n, n], undefined, seed).data;
      const out = new Float32Array(batch * n * n);
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = i === j ? 10 * n : 0;
            for (let k = 0; k < n; k++) s += m[b * n * n + i * n + k] * m[b * n * n + j * n + k];
            out[b * n * n + i * n + j] = s / 100;
          }
        }
      }
      return { data: out, shape: batch === 1 ? [n, n] : [batch, n, n], dtype: 'float32' };
    };

    it('cholesky: batched, and a non-PD matrix gives NaN', async () => {
      await check(Cholesky, [spd(1, 5, 1)], {}, 1e-5);
      await check(Cholesky, [spd(3, 4, 2)], {}, 1e-5);
      await check(Cholesky, [f32([2, 2, 2], [4, 2, 2, 3, 1, 2, 2, 1])], {}, 1e-5);
      await check(Cholesky, [spd(1, 70, 3)], {}, 1e-4);
    });

    it('lu: pivots and permutation exactly, factors to float32 accuracy; batched and singular', async () => {
      await check(Lu, [f32([4, 4], undefined, 4)], {}, 1e-5);
      await check(Lu, [f32([3, 3, 3], undefined, 5)], {}, 1e-5);
      await check(Lu, [f32([3, 3], [1, 2, 3, 2, 4, 6, 0, 0, 1])], {}, 1e-5);
      await check(Lu, [f32([2, 2], [0, 0, 0, 0])], {}, 0);
      await check(Lu, [f32([70, 70], undefined, 6)], {}, 1e-4);
    });

    it('triangular_solve: every combination of leftSide, lower, transposeA, unitDiagonal; batched', async () => {
      const n = 4;
      // Well conditioned: a dominant diagonal in both triangles.
      const a = f32([2, n, n], undefined, 7);
      for (let e = 0; e < a.data.length; e++) {
        const [i, j] = [Math.floor(e / n) % n, e % n];
        a.data[e] = i === j ? 4 + i : a.data[e] / 10;
      }
      for (const leftSide of [true, false]) {
        const rhs = f32(leftSide ? [2, n, 3] : [2, 3, n], undefined, 8);
        for (const lower of [true, false]) {
          for (const transposeA of [true, false]) {
            for (const unitDiagonal of [true, false]) {
              await check(TriangularSolve, [a, rhs], { leftSide, lower, transposeA, unitDiagonal }, 1e-5);
            }
          }
        }
      }
    });
  });

  describe('decompositions (float32)', () => {
    /** Symmetric: (M + Mᵀ)/2 per batch entry (random entries give distinct eigenvalues). */
    const sym = (shape: readonly number[], seed: number): Input => {
      const x = f32(shape, undefined, seed);
      const n = shape[shape.length - 1];
      const d = x.data;
      for (let b = 0; b < d.length; b += n * n) {
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) d[b + i * n + j] = d[b + j * n + i] = (d[b + i * n + j] + d[b + j * n + i]) / 2;
      }
      return x;
    };

    it('eigh: either triangle, batched, 1 x 1, and NaN input gives NaN', async () => {
      await check(Eigh, [sym([4, 4], 11)], { lower: true }, 1e-4);
      // A non-symmetric input: only the named triangle is read.
      await check(Eigh, [f32([5, 5], undefined, 12)], { lower: true }, 1e-4);
      await check(Eigh, [f32([5, 5], undefined, 12)], { lower: false }, 1e-4);
      await check(Eigh, [sym([3, 6, 6], 13)], { lower: false }, 1e-4);
      await check(Eigh, [f32([1, 1], [-2.5])], { lower: true }, 1e-6);
      await check(Eigh, [sym([20, 20], 14)], { lower: true }, 1e-3);
      await check(Eigh, [f32([2, 3, 3], [1, 2, 3, 2, 5, 6, 3, 6, 9, 1, NaN, 0, NaN, 1, 0, 0, 0, 1])], { lower: true }, 1e-4);
    });

    it('qr: tall, wide and square, reduced and full, batched', async () => {
      for (const fullMatrices of [false, true]) {
        await check(Qr, [f32([5, 3], undefined, 21)], { fullMatrices }, 1e-4);
        await check(Qr, [f32([3, 5], undefined, 22)], { fullMatrices }, 1e-4);
        await check(Qr, [f32([4, 4], undefined, 23)], { fullMatrices }, 1e-4);
        await check(Qr, [f32([2, 3, 6, 4], undefined, 24)], { fullMatrices }, 1e-4);
      }
      await check(Qr, [f32([12, 8], undefined, 25)], { fullMatrices: false }, 1e-4);
      // NaN flows through the reflections as on the CPU.
      await check(Qr, [f32([3, 3], [1, 2, 3, 4, NaN, 6, 7, 8, 10])], { fullMatrices: true }, 1e-4);
      // A column already zero below the diagonal: the identity reflection, r keeps its sign.
      await check(Qr, [f32([3, 3], [-2, 1, 4, 0, 3, 5, 0, 1, 6])], { fullMatrices: false }, 1e-5);
    });

    it('svd: tall, wide and square, values only, full (square), batched; NaN input gives NaN', async () => {
      for (const computeUv of [false, true]) {
        await check(Svd, [f32([6, 4], undefined, 31)], { fullMatrices: false, computeUv }, 1e-4);
        await check(Svd, [f32([3, 5], undefined, 32)], { fullMatrices: false, computeUv }, 1e-4);
        await check(Svd, [f32([4, 4], undefined, 33)], { fullMatrices: true, computeUv }, 1e-4);
        await check(Svd, [f32([2, 3, 4, 3], undefined, 34)], { fullMatrices: false, computeUv }, 1e-4);
        await check(Svd, [f32([2, 3, 3, 4], undefined, 35)], { fullMatrices: false, computeUv }, 1e-4);
      }
      await check(Svd, [f32([12, 7], undefined, 36)], { fullMatrices: false, computeUv: true }, 1e-3);
      await check(Svd, [f32([7, 12], undefined, 37)], { fullMatrices: false, computeUv: true }, 1e-3);
      // Rank-deficient (column 3 = 2·column 1 + column 2): u's last column is completed to a basis.
      await check(Svd, [f32([3, 3], [1, 2, 4, 2, 4, 8, 1, 0, 2])], { fullMatrices: true, computeUv: true }, 1e-4);
      await check(Svd, [f32([2, 2, 2], [1, NaN, 3, 4, 1, 2, 3, 5])], { fullMatrices: false, computeUv: true }, 1e-4);
    });
  });

  describe('inside lax.scan', () => {
    it('a routine in a scan body runs natively and synchronously', async () => {
      const xs = f32([3, 4]);
      const f = (x: Array) => lax.scan((c: Array, row: Array) => [c, bind(Cumsum, [row], { axis: 0, reverse: true })[0]], x, x)[1] as Array;
      const want = await (jit(f)(array(xs)) as Array).data();
      const got = await (jit(f)(devicePut(array(xs), 'webgpu')) as Array).data();
      expect(bits(got)).toEqual(bits(want));
    });
  });

  /**
   * Public functions whose programs mix routines with fused elementwise kernels. A case whose
   * kernel needs a scalar op the WGSL table lacks yet (lib/backends/webgpu/wgsl-ops.ts, filled
   * in separately) is skipped, not failed; every other error fails.
   */
  describe('through the public API (float32)', () => {
    let before = getDefaultFloat();
    beforeAll(() => { before = getDefaultFloat(); });
    const spdA = () => np.array([[4, 1, 0], [1, 3, 1], [0, 1, 2]], { dtype: 'float32' });
    const cases: [string, (...xs: Array[]) => Array, () => Array[]][] = [
      ['random.normal', (k) => random.normal(k, [3, 4]), () => [random.key(42)]],
      ['random.uniform', (k) => random.uniform(k, [5]), () => [random.key(1)]],
      ['linalg.solve', (a, b) => np.linalg.solve(a, b), () => [spdA(), np.array([1, 2, 3], { dtype: 'float32' })]],
      ['linalg.inv', (a) => np.linalg.inv(a), () => [spdA()]],
      ['linalg.det', (a) => np.linalg.det(a), () => [spdA()]],
      ['linalg.cholesky', (a) => np.linalg.cholesky(a), () => [spdA()]],
      ['cumsum', (x) => np.cumsum(x.mul(2), 0), () => [np.array([[1, 2], [3, 4]], { dtype: 'float32' })]],
      ['argmax', (x) => np.argmax(x.add(1), 1), () => [np.array([[1, 5, 2], [7, 0, 7]], { dtype: 'float32' })]],
      ['concatenate', (x, y) => np.concatenate([x, y.mul(2), x], 0), () => [np.array([1, 2], { dtype: 'float32' }), np.array([3], { dtype: 'float32' })]],
      ['grad of a gather (scatter_add)', (x, i) => grad((y: Array) => y.slice(i).sum())(x), () => [np.array([1, 2, 3, 4], { dtype: 'float32' }), np.array([0, 2, 2, 7, -1], { dtype: 'int32' })]],
      ['at().set (dynamic_update_slice)', (x, i) => x.at(i).set(np.array(9, { dtype: 'float32' })), () => [np.array([1, 2, 3, 4], { dtype: 'float32' }), np.array(2, { dtype: 'int32' })]],
    ];
    for (const [name, f, args] of cases) {
      it(name, async (ctx) => {
        setDefaultFloat('float32');
        try {
          const xs = args();
          const want = await (jit(f)(...xs) as Array).data();
          let got;
          try {
            got = await (jit(f)(...xs.map((x) => devicePut(x, 'webgpu'))) as Array).data();
          } catch (e) {
            if (/no WGSL spelling/.test((e as Error).message)) ctx.skip(`${(e as Error).message} (the WGSL op table is still being filled in)`);
            throw e;
          }
          const w = globalThis.Array.from(want, Number);
          const g = globalThis.Array.from(got, Number);
          const scale = Math.max(1, ...w.map(Math.abs));
          g.forEach((v, k) => expect(Math.abs(v - w[k]), `${name} element ${k}: ${v} vs ${w[k]}`).toBeLessThanOrEqual(1e-5 * scale));
        } finally {
          setDefaultFloat(before);
        }
      });
    }
  });
});
