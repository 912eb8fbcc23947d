/** Shared plain-JS references for the numpy tests (never computed with the library). */
import { expect } from 'vitest';
import { type Array, np } from '../lib/index.js';
export { rng } from './rng.js';
import { rng } from './rng.js';

export type Nested = number | boolean | Nested[];

/** Deterministic PRNG (mulberry32) so failures reproduce. */

/** A plain row-major nd-array used to compute references. */
export class Ref {
  readonly strides: number[];
  constructor(readonly shape: number[], readonly data: number[]) {
    this.strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
    if (data.length !== shape.reduce((p, d) => p * d, 1)) throw new Error(`Ref: ${data.length} values for shape [${shape}]`);
  }
  static fromFn(shape: number[], f: (idx: number[]) => number): Ref {
    const out: number[] = [];
    for (const idx of multiIndices(shape)) out.push(f(idx));
    return new Ref(shape, out);
  }
  static random(shape: number[], seed: number, lo = -1, hi = 1): Ref {
    const r = rng(seed);
    return Ref.fromFn(shape, () => lo + (hi - lo) * r());
  }
  get(idx: readonly number[]): number {
    return idx.reduce((off, i, d) => off + i * this.strides[d], 0);
  }
  at(idx: readonly number[]): number { return this.data[this.get(idx)]; }
  nested(): Nested { return toNested(this.shape, this.data); }
  array(dtype?: 'float32' | 'float64' | 'int32'): Array { return np.array(this.nested(), dtype ? { dtype } : {}); }
}

export function* multiIndices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((p, d) => p * d, 1);
  const idx = shape.map(() => 0);
  for (let k = 0; k < n; k++) {
    yield [...idx];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

export function toNested(shape: readonly number[], flat: readonly (number | boolean)[]): Nested {
  if (shape.length === 0) return flat[0];
  const stride = flat.length / Math.max(shape[0], 1);
  return globalThis.Array.from({ length: shape[0] }, (_, i) => toNested(shape.slice(1), flat.slice(i * stride, (i + 1) * stride)));
}

export function shapeOf(x: Nested): number[] {
  const s: number[] = [];
  let c: Nested = x;
  while (globalThis.Array.isArray(c)) { s.push(c.length); c = c[0]; }
  return s;
}

const flat = (x: Nested): (number | boolean)[] => (globalThis.Array.isArray(x) ? x.flatMap(flat) : [x]);

export interface CloseOpts { rtol?: number; atol?: number; dtype?: string; shape?: number[] }

/** Shape equal and every value within atol + rtol·|expected| (NaN matches NaN, ±inf match exactly). */
export function expectClose(actual: Array, expected: Nested | Ref, opts: CloseOpts = {}): void {
  const { rtol = 1e-12, atol = 0 } = opts;
  const exp = expected instanceof Ref ? expected.nested() : expected;
  const shape = opts.shape ?? (expected instanceof Ref ? expected.shape : shapeOf(exp));
  expect(actual.shape).toEqual(shape);
  if (opts.dtype) expect(actual.dtype).toBe(opts.dtype);
  expectValues(globalThis.Array.from(actual.dataSync() as ArrayLike<number>), flat(exp).map(Number), rtol, atol);
}

/** got ≈ want elementwise (|g - w| <= atol + rtol |w|; NaN and infinities exactly), naming the first misses. */
export function expectValues(got: readonly number[], want: readonly number[], rtol: number, atol: number): void {
  expect(got.length).toBe(want.length);
  const bad: string[] = [];
  want.forEach((w, i) => {
    const g = got[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${g}, want ${w}`);
  });
  expect(bad, `values differ: ${bad.join('; ')}`).toEqual([]);
}

/** Exact equality of dtype, shape and (nested) values. */
export function expectExact(actual: Array, expected: Nested, dtype?: string): void {
  if (dtype) expect(actual.dtype).toBe(dtype);
  expect(actual.shape).toEqual(shapeOf(expected));
  expect(actual.js()).toEqual(expected);
}

export const i32 = (data: Nested): Array => np.array(data, { dtype: 'int32' });
export const f32 = (data: Nested): Array => np.array(data, { dtype: 'float32' });
export const range = (n: number, from = 0): number[] => globalThis.Array.from({ length: n }, (_, i) => i + from);

/** Plain matrix product of row-major nested 2-D arrays. */
export function matmulRef(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}
