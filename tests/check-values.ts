/**
 * Value and derivative checks shared by the numpy, nn and lax test files: elementwise closeness to
 * literal expectations (numpy's answers pasted in), gradients against central differences in
 * float64, and jit/vmap against the eager call.
 */
import { expect } from 'vitest';
import { grad, jit, np, vmap } from '../lib/index.js';

export type Deep = number | boolean | readonly Deep[];
const isList = (v: Deep): v is readonly Deep[] => globalThis.Array.isArray(v);
export const flat = (v: Deep): number[] => (isList(v) ? v.flatMap(flat) : [Number(v)]);
export const shapeOf = (v: Deep): number[] => (isList(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]) : [])] : []);

/** Same shape, and elementwise equal within `tol` (relative to 1 + |expected|); NaN matches NaN. */
export function near(actual: np.Array, expected: Deep, opts: { tol?: number; dtype?: np.DType; shape?: number[] } = {}): void {
  const tol = opts.tol ?? 1e-12;
  expect(actual.shape).toEqual(opts.shape ?? shapeOf(expected));
  if (opts.dtype) expect(actual.dtype).toBe(opts.dtype);
  const got = Array.from(actual.dataSync(), Number);
  const want = flat(expected);
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i];
    if (Number.isNaN(w)) expect(g, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `element ${i}`).toBe(w);
    else expect(Math.abs(g - w), `element ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
  });
}

export const f64 = (data: Deep): np.Array => np.array(data, { dtype: 'float64' });
export const i32 = (data: Deep): np.Array => np.array(data, { dtype: 'int32' });

/**
 * grad of sum(f(x)·w) for a fixed w, against a central difference in every coordinate. With
 * `ignoreNan`, NaN outputs (all-NaN slices) are left out of the loss and NaN inputs expect 0.
 */
export function checkGrad(f: (x: np.Array) => np.Array, x0: readonly number[], shape: readonly number[] = [x0.length], tol = 1e-6, ignoreNan = false): void {
  const loss = (x: np.Array): np.Array => {
    const y = f(x);
    const w = np.array(Array.from({ length: y.size }, (_, i) => Math.cos(1.3 * i + 0.4)), { dtype: 'float64' }).reshape(y.shape);
    const yw = np.multiply(y, w);
    return np.sum(ignoreNan ? np.where(np.isnan(y), 0, yw) : yw);
  };
  const at = (v: readonly number[]): np.Array => np.array([...v], { dtype: 'float64' }).reshape([...shape]);
  const g = grad(loss)(at(x0));
  expect(g.dtype).toBe('float64');
  const gv = Array.from(g.dataSync());
  const h = 1e-6;
  x0.forEach((_, i) => {
    const plus = x0.map((v, j) => (j === i ? v + h : v));
    const minus = x0.map((v, j) => (j === i ? v - h : v));
    const fd = ignoreNan && Number.isNaN(x0[i]) ? 0 : (loss(at(plus)).item() - loss(at(minus)).item()) / (2 * h);
    expect(Math.abs(gv[i] - fd), `d/dx[${i}]: grad ${gv[i]} vs fd ${fd}`).toBeLessThanOrEqual(tol * (1 + Math.abs(fd)));
  });
}

/** jit(f)(x) and vmap(f)(xs) agree with the eager f on each row of the batch `xs`. */
export function checkTransforms(f: (x: np.Array) => np.Array, xs: np.Array): void {
  const rows = Array.from({ length: xs.shape[0] }, (_, i) => xs.slice(i));
  const eager = rows.map((r) => f(r));
  const jf = jit(f);
  rows.forEach((r, i) => near(jf(r), eager[i].js(), { tol: 1e-14 }));
  const batched = vmap(f)(xs);
  expect(batched.shape).toEqual([xs.shape[0], ...eager[0].shape]);
  rows.forEach((_, i) => near(batched.slice(i), eager[i].js(), { tol: 1e-14 }));
}
