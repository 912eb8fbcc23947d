/**
 * The runner on a device whose reads are asynchronous round trips, through a stand-in runtime
 * that counts them: routines run on the host (inputs read back, outputs uploaded; WebGPU today
 * has kernels for every routine, so this runtime stands in for one that lacks them), and while
 * loops read their predicate once per chunk.
 */
import { describe, expect, it } from 'vitest';
import { lax, makeJaxpr, np } from '../lib/index.js';
import { type TypedArray, typedArrayFor } from '../lib/core/dtype.js';
import { size } from '../lib/core/ir.js';
import { Programs } from '../lib/lowering/programs.js';
import type { Runtime } from '../lib/lowering/runner.js';
import { getRoutine, routineNames } from '../lib/backends/cpu/routines.js';
import { renderJs } from '../lib/backends/cpu/render-js.js';

function hostOnly(chunkedWhile = false): { runtime: Runtime<TypedArray>; reads: number[] } {
  const reads: number[] = [];
  const runtime: Runtime<TypedArray> = {
    name: 'host-routines',
    alloc: (a) => typedArrayFor(a.dtype, size(a.shape)),
    free: () => {},
    upload: (d) => d.slice(),
    kernel: renderJs,
    routine: () => undefined,
    hostRoutine: (name) => getRoutine(name),
    fromHost: (d) => d.slice(),
    readAsync: async (b) => { reads.push(b.length); await new Promise((r) => setTimeout(r, 0)); return b.slice(); },
    slice: (b, o, a) => b.subarray(o, o + size(a.shape)),
    write: (dst, o, src) => dst.set(src, o),
    chunkedWhile,
  };
  return { runtime, reads };
}

describe('routines on the host', () => {
  it('run through runAsync (inputs read back, outputs uploaded), and the synchronous run names that form', async () => {
    const f = (x: np.Array) => np.tanh(np.cumsum(x.mul(2), 0)).add(1);
    const x = np.array([0.1, 0.2, 0.3, 0.4]);
    const { jaxpr } = makeJaxpr(f)(x);
    const { runtime, reads } = hostOnly();
    const runner = new Programs({ routines: new Set(routineNames()) }, runtime).runner(jaxpr);
    const { outs } = await runner.runAsync([x.dataSync()]);
    expect(Array.from(outs[0])).toEqual(Array.from(f(x).dataSync()));
    expect(reads).toEqual([4]);
    expect(() => runner.run([x.dataSync()])).toThrow(/cumsum, which runs on the host on this device.*await jit\(f\)\.async/);
  });
});

describe('while loops on an asynchronous device', () => {
  const count = (x: np.Array, s: np.Array) => lax.whileLoop((c: np.Array[]) => np.less(c[0], 100), (c: np.Array[]) => [c[0].add(1), c[1].add(c[0])], [x, s]) as np.Array[];

  it('read the predicate once per chunk of masked steps (chunks double to 64), with the same result', async () => {
    const x = np.array(0);
    const { jaxpr } = makeJaxpr(count)(x, x);
    for (const chunked of [false, true]) {
      const { runtime, reads } = hostOnly(chunked);
      const { outs } = await new Programs({ routines: new Set(routineNames()) }, runtime).runner(jaxpr).runAsync([x.dataSync(), x.dataSync()]);
      expect([outs[0][0], outs[1][0]]).toEqual([100, 4950]);
      // 100 steps: one read per step plus the last; in chunks 1, 2, 4, ..., 64, 7 reads and the last.
      expect(reads.length).toBe(chunked ? 8 : 101);
    }
  });
});
