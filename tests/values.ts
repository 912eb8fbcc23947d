/**
 * Value checks for suites that run on every backend (tests/backends.ts), read only asynchronously.
 * On a float64 backend an exact check stays exact (`toEqual`) and a tolerance stays as written; on
 * a float32 backend both become the backend's float32 tolerance (or the written one if looser).
 */
import { expect } from 'vitest';
import { type Array, defaultDevice, getDefaultFloat, setDefaultFloat } from '../lib/index.js';
import type { BackendCase } from './backends.js';

export interface Values {
  /** The flat data of `x` as numbers (a 0-d array gives a one-element list). */
  vals(x: unknown): Promise<number[]>;
  /** The value of a 0-d (or one-element) array. */
  num(x: unknown): Promise<number>;
  /** `x`'s data equals `want`: bit for bit in float64, within `b.tol` in float32. */
  exact(x: unknown, want: number | number[], what?: string): Promise<void>;
  /** `x`'s data within `tol` of `want`, each element relative to max(1, |want[i]|); at least `b.tol` in float32. */
  close(x: unknown, want: number | number[], tol: number, what?: string): Promise<void>;
  /** `got` equals `want` (both numbers read already): exact in float64, within `b.tol` in float32. */
  same(got: number | number[], want: number | number[], what?: string): void;
  /** The short dtype name of the backend's float type as printed in jaxprs and errors (f64 / f32). */
  readonly f: 'f64' | 'f32';
}

export function values(b: BackendCase): Values {
  const vals = async (x: unknown): Promise<number[]> => {
    const r = await b.read(x as Array);
    return typeof r === 'number' ? [r] : r;
  };
  const same = (got: number | number[], want: number | number[], what?: string): void => {
    if (b.dtype === 'float64') return expect(got, what).toEqual(want);
    const [g, w] = [typeof got === 'number' ? [got] : got, typeof want === 'number' ? [want] : want];
    // Infinities and NaNs stay exact; finite values within the float32 tolerance.
    expect(g.map((v, i) => (Number.isFinite(w[i]) ? 0 : v)), what).toEqual(w.map((v) => (Number.isFinite(v) ? 0 : v)));
    b.expectClose(g.map((v, i) => (Number.isFinite(w[i]) ? v : 0)), w.map((v) => (Number.isFinite(v) ? v : 0)), b.tol, what);
  };
  return {
    vals,
    num: async (x) => {
      const v = await vals(x);
      expect(v.length, 'one value').toBe(1);
      return v[0];
    },
    exact: async (x, want, what) => {
      const g = await vals(x);
      same(g, typeof want === 'number' ? [want] : want, what);
    },
    close: async (x, want, tol, what = 'value') => {
      const g = await vals(x);
      const w = typeof want === 'number' ? [want] : want;
      const t = b.dtype === 'float64' ? tol : Math.max(tol, b.tol);
      expect(g.length, `${what}: length`).toBe(w.length);
      g.forEach((v, i) => {
        if (!(Math.abs(v - w[i]) <= t * Math.max(1, Math.abs(w[i])))) expect.fail(`${what}[${i}]: got ${v}, want ${w[i]} (rtol ${t})`);
      });
    },
    same,
    f: b.dtype === 'float64' ? 'f64' : 'f32',
  };
}

/**
 * Runs `f` with the CPU in float64 as the default device and float, whatever the test's backend:
 * for references such as finite differences, which float32 cannot take. Arrays `f` uses must be
 * created inside it.
 */
export async function onCpu<T>(f: () => Promise<T> | T): Promise<T> {
  const [d, fl] = [defaultDevice(), getDefaultFloat()];
  defaultDevice('cpu');
  setDefaultFloat('float64');
  try { return await f(); } finally { defaultDevice(d); setDefaultFloat(fl); }
}
