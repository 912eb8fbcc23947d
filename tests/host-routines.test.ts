/**
 * The runner's host-routine path: a device without a kernel for a routine runs it on the host,
 * its inputs read back asynchronously and its outputs uploaded (WebGPU today has kernels for
 * every routine, so this runtime stands in for one that lacks them).
 */
import { describe, expect, it } from 'vitest';
import { makeJaxpr, np } from '../lib/index.js';
import { type TypedArray, typedArrayFor } from '../lib/core/dtype.js';
import { size } from '../lib/core/ir.js';
import { Programs } from '../lib/lowering/programs.js';
import type { Runtime } from '../lib/lowering/runner.js';
import { getRoutine, routineNames } from '../lib/backends/cpu/routines.js';
import { renderJs } from '../lib/backends/cpu/render-js.js';

function hostOnly(): { runtime: Runtime<TypedArray>; reads: number[] } {
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
