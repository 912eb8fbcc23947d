/**
 * Resources of a user's training loop: an MLP trained by `valueAndGrad` op by op, under `jit`,
 * and with per-example gradients from `vmap(grad)`, in plain synchronous loops (no await).
 * CI runs 2000 steps per loop; LONG_RESOURCES=1 runs 10 000.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { disposeTree, memoryStats, scope } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { batch, initParams, makeStep, type Mode } from './fixtures/mlp.js';

const LONG = process.env.LONG_RESOURCES === '1';
const STEPS = LONG ? 10_000 : 2_000;
const MODES: readonly Mode[] = ['eager', 'jit', 'vmap'];

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/mlp-loop.ts', import.meta.url));

interface LoopResult {
  mode: Mode; scoped: boolean; steps: number; ms: number;
  rssGrowthMB: number; finalizerHeapMB: number;
  /** Measured only for scoped loops (null otherwise), which turn on the CPU's per-array accounting. */
  live0: number | null; liveEnd: number | null; live1: number | null;
  loss0: number; loss: number; rssTrace: number[];
}

// Each loop runs in a fresh process (the test runner's heap would blur RSS), as a user runs it:
// without the suite's typecheck-every-Jaxpr mode.
function loop(mode: Mode, scoped: boolean): Promise<LoopResult> {
  const env = { ...process.env };
  delete env.COTANGENT_CHECK;
  const args = ['--expose-gc', '--import', 'tsx', fixture, mode, String(STEPS), ...(scoped ? ['scope'] : [])];
  return promisify(execFile)(process.execPath, args, { cwd: root, env })
    .then(({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!) as LoopResult);
}

let runs: Promise<LoopResult[]> | undefined;
const allRuns = () => (runs ??= Promise.all(MODES.flatMap((m) => [loop(m, false), loop(m, true)])));
const run = async (mode: Mode, scoped: boolean) => (await allRuns()).find((r) => r.mode === mode && r.scoped === scoped)!;
const TIMEOUT = LONG ? 600_000 : 120_000;

describe(`resources: ${STEPS} synchronous MLP training steps in a fresh process (cpu)`, () => {
  it('eager, jit and vmap(grad) loops train, agree, and end with the live bytes they started with', async () => {
    const jitted = await run('jit', false);
    for (const r of await allRuns()) {
      const what = `${r.mode}${r.scoped ? ' (scoped)' : ''}`;
      // The parameters, the data and the last loss are the only arrays held before and after.
      if (r.scoped) expect(r.live1, `${what}: live bytes after collection`).toBe(r.live0);
      expect(r.loss, what).toBeLessThan(r.loss0 / 10);
      // Op-by-op evaluation and jit are the same arithmetic, scoped or not; the mean of
      // per-example gradients is the batch gradient summed in another order.
      if (r.mode === 'vmap') expect(Math.abs(r.loss / jitted.loss - 1), `${what} vs jit`).toBeLessThan(1e-12);
      else expect(r.loss, `${what} vs jit`).toBe(jitted.loss);
    }
  }, TIMEOUT);

  it('RSS stays flat within a fixed bound, scoped or not', async () => {
    for (const r of await allRuns()) {
      const what = `${r.mode}${r.scoped ? ' (scoped)' : ''}: RSS trace ${r.rssTrace} MB`;
      // The bound is V8 sizing its heap for the first steps' garbage; nothing else grows
      // (10 000 steps measured 40-70 MB, the curve flat after the first 3000). A finalizer per
      // Array once added ~170 B a step's Array until the event loop turned: 185 MB at 10 000.
      expect(r.rssGrowthMB, what).toBeLessThan(120);
      // Scoped loops release every buffer at the step's end: the count is flat during the loop.
      if (r.scoped) expect(r.liveEnd, `${r.mode}: live bytes at the end of the loop`).toBe(r.live0);
    }
  }, TIMEOUT);

  // A plain loop asks for no memory statistics, so the CPU registers no finalizer per Array:
  // nothing waits for the event loop to turn (this held ~170 B per Array before).
  it('an unscoped synchronous CPU loop holds no heap for pending finalizers', async () => {
    for (const mode of MODES) expect((await run(mode, false)).finalizerHeapMB, mode).toBeLessThan(1);
  }, TIMEOUT);
});

// In process, on every device: where the garbage collector cannot see device memory (test-f32),
// scope() and dispose are what keep it flat, so the count must not move by a single byte.
describeEachBackend('resources: scoped MLP training loop', (b) => {
  const steps = LONG ? 10_000 : 300;
  for (const mode of MODES) {
    it(`${mode}: ${steps} steps keep live bytes exactly flat`, async () => {
      memoryStats(b.device); // the CPU counts arrays made after the first memoryStats()
      const raw = makeStep(mode);
      const [x, y] = batch();
      let [p, loss] = scope(() => raw(initParams(), x, y));
      const loss0 = (await b.read(loss)) as number;
      const live0 = memoryStats(b.device).liveBytes;
      let moved = 0;
      for (let i = 0; i < steps; i++) {
        const next = scope(() => raw(p, x, y));
        disposeTree(p);
        loss.dispose();
        [p, loss] = next;
        if (memoryStats(b.device).liveBytes !== live0) moved++;
      }
      expect(moved, 'steps after which the live bytes differed from the start').toBe(0);
      expect((await b.read(loss)) as number).toBeLessThan(loss0 / 5);
      disposeTree([p, loss, x, y]);
    });
  }
});
