/**
 * A second core for the WebAssembly GEMM: one worker thread instantiates the same kernel modules
 * over the same shared memories, and each product's row panels are split between the worker and
 * the caller. Every C tile is computed by one thread in the same k order, so results are
 * bit-identical for any thread count.
 *
 * The caller blocks on Atomics.wait, which Node allows on its main thread and browsers do not:
 * the pool runs only in Node (found with process.getBuiltinModule, so bundles for the browser
 * never import worker_threads) where SharedArrayBuffer exists; elsewhere products run on one
 * thread. The worker starts in the background on first use (products run single-threaded until
 * it is ready) and never keeps the process alive.
 */

/** A job's parameters: the kernel's (aPtr, bPtr, cPtr, nP, K) and the worker's share of row panels. */
export interface GemmJob {
  readonly precision: 0 | 1;
  readonly aPtr: number; readonly bPtr: number; readonly cPtr: number;
  readonly nP: number; readonly Kp: number; readonly kc: number;
  readonly p0: number; readonly p1: number;
}

// control words: [job sequence, done sequence, failed, precision, aPtr, bPtr, cPtr, nP, Kp, kc, p0, p1]
const JOB = 0, DONE = 1, FAILED = 2, PARAMS = 3;

/** The worker: instantiates both modules over the shared memories, then runs jobs as they come. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ modules, memories, control, mcPanels }) => {
  const gemms = modules.map((m, i) => new WebAssembly.Instance(m, { env: { mem: memories[i] } }).exports.gemm);
  const ctl = new Int32Array(control);
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${JOB}, seen);
    seen = Atomics.load(ctl, ${JOB});
    try {
      const [precision, aPtr, bPtr, cPtr, nP, Kp, kc, p0, p1] = ctl.subarray(${PARAMS}, ${PARAMS} + 9);
      const size = precision === 1 ? 4 : 8;
      const gemm = gemms[precision];
      for (let k0 = 0; k0 < Kp; k0 += kc) {
        const kb = Math.min(kc, Kp - k0);
        for (let p = p0; p < p1; p += mcPanels) gemm(aPtr + p * Kp * 4 * size, bPtr, cPtr + p * 4 * nP * (32), Math.min(mcPanels, p1 - p), nP, Kp, k0, kb);
      }
    } catch (e) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    Atomics.store(ctl, ${DONE}, seen);
    Atomics.notify(ctl, ${DONE});
  }
});
`;

interface WorkerLike { postMessage(m: unknown): void; unref(): void; on(e: string, f: (x: unknown) => void): void; once(e: string, f: (x: unknown) => void): void }
interface WorkerThreads { Worker: new (src: string, o: { eval: true }) => WorkerLike }

type State = { kind: 'off'; reason: string } | { kind: 'starting' } | { kind: 'ready'; ctl: Int32Array };
let state: State | undefined;
let enabled = true;

/** Runs products on one thread (false) or lets the worker take part again (tests compare the two). */
export function useGemmThreads(on: boolean): void { enabled = on; }

/** Why a second thread cannot take part here (undefined: it can). */
export function gemmThreadsUnsupported(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'no SharedArrayBuffer (a browser page needs cross-origin isolation)';
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  if (!proc?.getBuiltinModule) return 'worker threads are used in Node only (the caller must be able to block on Atomics.wait)';
  return undefined;
}

/**
 * Starts the worker (once) over the modules and their shared memories. `mcPanels` is the row
 * panels per kernel call, as the caller's own loop uses.
 */
export function startGemmThreads(modules: readonly WebAssembly.Module[], memories: readonly WebAssembly.Memory[], mcPanels: number): void {
  if (state) return;
  const why = gemmThreadsUnsupported();
  if (why) { state = { kind: 'off', reason: why }; return; }
  try {
    const { Worker } = (globalThis as unknown as { process: { getBuiltinModule(n: string): WorkerThreads } }).process.getBuiltinModule('node:worker_threads');
    const control = new SharedArrayBuffer(4 * (PARAMS + 9));
    const ctl = new Int32Array(control);
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('error', () => { state = { kind: 'off', reason: 'the worker failed' }; });
    w.once('message', () => { if (state?.kind === 'starting') state = { kind: 'ready', ctl }; });
    w.postMessage({ modules, memories, control, mcPanels });
    // after the listeners (adding one refs the worker's port again)
    w.unref();
    state = { kind: 'starting' };
  } catch (e) {
    state = { kind: 'off', reason: `the worker did not start (${(e as Error).message})` };
  }
}

/**
 * Hands `job` to the worker and returns a function that waits for it (false: the worker failed,
 * and the caller must compute those rows itself); undefined when the worker is not (yet) running.
 */
export function postGemm(job: GemmJob): (() => boolean) | undefined {
  if (state?.kind !== 'ready' || !enabled) return undefined;
  const ctl = state.ctl;
  ctl.set([job.precision, job.aPtr, job.bPtr, job.cPtr, job.nP, job.Kp, job.kc, job.p0, job.p1], PARAMS);
  const seq = (Atomics.load(ctl, JOB) + 1) | 0 || 1;
  Atomics.store(ctl, JOB, seq);
  Atomics.notify(ctl, JOB);
  return () => {
    for (let done = Atomics.load(ctl, DONE); done !== seq; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
    if (!Atomics.load(ctl, FAILED)) return true;
    state = { kind: 'off', reason: 'the worker failed' };
    return false;
  };
}

/** How many threads products run on, and why not more. */
export function gemmThreads(): { threads: number; note?: string } {
  if (!state) return { threads: 1, note: gemmThreadsUnsupported() ?? 'the second thread starts with the first large product' };
  if (state.kind === 'off') return { threads: 1, note: state.reason };
  return { threads: state.kind === 'ready' ? 2 : 1 };
}
