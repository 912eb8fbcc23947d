/**
 * Asynchronous versions of the numpy-helpers assertions for suites run per backend
 * (tests/backends.ts): values are read only with `await x.data()`. On `cpu` (float64) they are as
 * strict as expectClose / expectExact; on a float32 device the relative and absolute tolerances
 * are raised to float32 ones. An expected dtype of 'float64' means "the default float" and is
 * checked as `b.dtype` (identical on cpu).
 */
import { expect } from 'vitest';
import type { Array } from '../lib/index.js';
import type { BackendCase } from './backends.js';
import { type CloseOpts, type Nested, Ref, expectValues, shapeOf, toNested } from './numpy-helpers.js';

/** float32 tolerances: inputs rounded to float32 and float32 results (eps 1.2e-7). */
export const F32_RTOL = 1e-5;
export const F32_ATOL = 1e-6;

const flat = (x: Nested): (number | boolean)[] => (globalThis.Array.isArray(x) ? x.flatMap(flat) : [x]);

/** The data of `x` as a flat JS list (booleans for bool arrays), awaited. */
export async function readFlat(x: Array): Promise<(number | boolean)[]> {
  const d = globalThis.Array.from((await x.data()) as ArrayLike<number>);
  return x.dtype === 'bool' ? d.map((v) => v !== 0) : d;
}

/** The data of `x` nested like `x.js()`, awaited. */
export async function readNested(x: Array): Promise<Nested> {
  return toNested(x.shape, await readFlat(x));
}

/** The dtype a test written for float64 expects on this backend. */
export const dt = (b: BackendCase, dtype: string): string => (dtype === 'float64' ? b.dtype : dtype);

/** expectClose from numpy-helpers, read asynchronously; float32 tolerances on a float32 device. */
export async function close(b: BackendCase, actual: Array, expected: Nested | Ref, opts: CloseOpts & { f32?: { rtol: number; atol: number } } = {}): Promise<void> {
  let { rtol = 1e-12, atol = 0 } = opts;
  if (b.dtype === 'float32') {
    // `opts.f32` replaces the float32 tolerances where a test needs tighter ones.
    rtol = opts.f32 ? opts.f32.rtol : Math.max(rtol, F32_RTOL);
    atol = opts.f32 ? opts.f32.atol : Math.max(atol, F32_ATOL);
  }
  const exp = expected instanceof Ref ? expected.nested() : expected;
  const shape = opts.shape ?? (expected instanceof Ref ? expected.shape : shapeOf(exp));
  expect(actual.shape).toEqual(shape);
  if (opts.dtype) expect(actual.dtype).toBe(dt(b, opts.dtype));
  expectValues((await readFlat(actual)).map(Number), flat(exp).map(Number), rtol, atol);
}

/** expectExact from numpy-helpers (dtype, shape and nested values equal), read asynchronously. */
export async function exact(b: BackendCase, actual: Array, expected: Nested, dtype?: string): Promise<void> {
  if (dtype) expect(actual.dtype).toBe(dt(b, dtype));
  expect(actual.shape).toEqual(shapeOf(expected));
  expect(await readNested(actual)).toEqual(expected);
}
