/**
 * Runs a describe block once per backend, as TF.js's describeWithFlags: on `cpu` in float64
 * with a tight tolerance, and on the test-only `test-f32` device (float32, asynchronous reads
 * only, tiny fusion limit) with a float32 tolerance. Inside the block's tests the device is the
 * default device, so `np.array([...])`, `np.zeros` and JS scalars land there in the device's own
 * default float (float32 on test-f32); the default device is restored after each test. Create arrays inside
 * `it` (or with `b.array`), not in the describe body, which runs before the defaults are set.
 * Read results with `await b.read(x)`: `dataSync` throws on test-f32, which is the point.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Array, defaultDevice, devicePut, devices, getDefaultFloat, jit, np, setDefaultFloat } from '../lib/index.js';
import { TEST_F32 } from './backends/test-f32.js';

export interface BackendCase {
  readonly device: string;
  readonly dtype: 'float64' | 'float32';
  /** Relative tolerance for results computed in `dtype`. */
  readonly tol: number;
  /** The data of `x` (a number for a 0-d array), awaited: no synchronous readback. */
  read(x: Array): Promise<number[] | number>;
  /** A float array of `dtype` on this device. */
  array(values: number | number[] | number[][] | number[][][], shape?: number[]): Array;
  /** `got` within `tol` of `want`, relative to max(1, |want|) elementwise-max. */
  expectClose(got: number[] | number, want: number[] | number, tol?: number, what?: string): void;
  /**
   * `it`, except on the devices named in `knownFailures` (device -> the library bug), where it
   * is `it.fails`: the test documents the bug and starts failing loudly once it is fixed.
   */
  it(knownFailures: Readonly<Record<string, string>>, name: string, fn: () => Promise<void> | void): void;
  /**
   * Runs `fn` compiled for this device and resolves its outputs. Use it for programs whose
   * control flow reads a device value (lax.cond / lax.switch on an array predicate,
   * lax.whileLoop): a device without synchronous readback runs those only asynchronously.
   */
  call<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<R>;
}

export const BACKEND_CASES: readonly Pick<BackendCase, 'device' | 'dtype' | 'tol'>[] = [
  { device: 'cpu', dtype: 'float64', tol: 1e-12 },
  { device: TEST_F32, dtype: 'float32', tol: 1e-4 },
  // Started by tests/setup.ts where an adapter is found (always in CI: REQUIRE_WEBGPU=1).
  ...(devices().includes('webgpu') ? [{ device: 'webgpu', dtype: 'float32', tol: 1e-4 } as const] : []),
];

async function read(x: Array): Promise<number[] | number> {
  const d = globalThis.Array.from((await x.data()) as ArrayLike<number | boolean>, Number);
  return x.ndim === 0 ? d[0] : d;
}

function expectClose(tol: number) {
  return (got: number[] | number, want: number[] | number, t = tol, what = 'value'): void => {
    const g = typeof got === 'number' ? [got] : got;
    const w = typeof want === 'number' ? [want] : want;
    expect(g.length, `${what}: length`).toBe(w.length);
    const scale = Math.max(1, ...w.map(Math.abs));
    const bad = g.findIndex((v, i) => !(Math.abs(v - w[i]) <= t * scale) && !(Number.isNaN(v) && Number.isNaN(w[i])));
    if (bad >= 0) expect.fail(`${what}: element ${bad}: got ${g[bad]}, want ${w[bad]} (rtol ${t}, scale ${scale})`);
  };
}

export function describeEachBackend(name: string, fn: (b: BackendCase) => void): void {
  for (const c of BACKEND_CASES) {
    describe(`${name} [${c.device}]`, () => {
      let prevDevice = 'cpu';
      beforeEach(() => {
        prevDevice = defaultDevice();
        setDefaultFloat(); // each device's own, whatever an earlier test fixed
        defaultDevice(c.device);
        // The device's default float must be the case's: a test-f32 device gets float32 by itself.
        expect(getDefaultFloat()).toBe(c.dtype);
      });
      afterEach(() => {
        setDefaultFloat();
        defaultDevice(prevDevice);
      });
      fn({
        ...c,
        read,
        array: (values, shape) => devicePut(np.array(values, { dtype: c.dtype, device: c.device, ...(shape ? { shape } : {}) }), c.device),
        expectClose: expectClose(c.tol),
        call: (f, ...args) => jit(f).async(...args),
        it: (known, testName, body) => {
          const bug = known[c.device];
          if (bug) it.fails(`${testName} (known failure: ${bug})`, body);
          else it(testName, body);
        },
      });
    });
  }
}
