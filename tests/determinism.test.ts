/**
 * Determinism: the same program gives the same bits every time — across repeated calls, between
 * op-by-op evaluation and jit, and across processes. The CPU backend runs every kernel and
 * routine on one thread today, so "thread counts" has one value: the bit-identity between eager
 * and jit and across repeated calls below is what a multi-threaded CPU backend (worker-split
 * kernels or GEMM) must keep, and these tests are where it will be checked.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Array, jit, tree } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { PROGRAMS, hexOf, runAll } from './fixtures/programs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/programs.ts', import.meta.url));

describe('determinism across processes', () => {
  const child = () => promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], { cwd: root, maxBuffer: 1 << 24 })
    .then(({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string[]>);

  it('two fresh processes and this one produce bit-identical outputs (MLP grad, softmax, scan with cond, random.normal, solve)', async () => {
    const [a, b] = await Promise.all([child(), child()]);
    const here = runAll();
    expect(Object.keys(a)).toHaveLength(PROGRAMS.length * 4);
    // Compared per key, so a failure names the program and the mode.
    for (const k of Object.keys(here)) {
      expect(a[k], `process 1: ${k}`).toEqual(here[k]);
      expect(b[k], `process 2: ${k}`).toEqual(here[k]);
    }
  }, 120_000);
});

// On every device: repeated calls and (where the device reads values synchronously, as the
// programs' eager control flow needs) op-by-op evaluation agree with jit to the bit.
describeEachBackend('determinism', (b) => {
  const bytes = async (out: unknown): Promise<string[]> => {
    const ls = tree.leaves(out) as Array[];
    const data = await Promise.all(ls.map((x) => x.data()));
    return hexOf(out, (x) => data[ls.indexOf(x)] as ArrayBufferView);
  };

  for (const p of PROGRAMS) {
    it(`${p.name}: repeated calls and eager vs jit are bit-identical`, async () => {
      const jitted = jit(p.fn);
      const first = await bytes(await b.call(p.fn, ...p.args()));
      for (let rep = 0; rep < 3; rep++) {
        expect(await bytes(await b.call(p.fn, ...p.args())), `jit call ${rep + 2}`).toEqual(first);
      }
      if (!p.readsValues || b.device === 'cpu') {
        expect(await bytes(jitted(...p.args())), 'jit (synchronous)').toEqual(first);
        expect(await bytes(p.fn(...p.args())), 'eager').toEqual(first);
        expect(await bytes(p.fn(...p.args())), 'eager, again').toEqual(first);
      }
    });
  }
});
