/**
 * The CPU's second thread: one worker instantiates the same WebAssembly modules over the same
 * shared memories, and a caller hands it a share of one call at a time — half of a large product's
 * row panels (wasm-gemm.ts), half of a large fused kernel's outer loop (render-wasm.ts). Every
 * output element is computed by exactly one thread with the same instructions in the same order,
 * so results are bit-identical for any thread count.
 *
 * The caller blocks on Atomics.wait, which Node allows on its main thread and browsers do not:
 * the worker runs only in Node (found with process.getBuiltinModule, so bundles for the browser
 * never import worker_threads) where SharedArrayBuffer exists; elsewhere everything runs on one
 * thread. The worker starts in the background on first use (calls run on one thread until it is
 * ready) and never keeps the process alive. Nothing waits for the caller's event loop: the worker
 * says it is ready in the shared control words (a synchronous program that never awaits gets its
 * second thread too), and modules reach it through a MessagePort that it drains synchronously
 * (receiveMessageOnPort) before each job, since its own loop never yields either.
 */

/** How the worker runs a module's export: a plain call, or the GEMM's loop over k blocks and row panels. */
export type Driver = 'call' | 'gemmRows';

// control words: [job sequence, done sequence, failed, ready, module id, argument count, arguments...]
const JOB = 0, DONE = 1, FAILED = 2, READY = 3, ID = 4, COUNT = 5, ARGS = 6;
/** How long either side polls the other's control word before it sleeps on it (milliseconds). */
const SPIN_MS = 0.5;
/** The most arguments a job passes (a kernel's buffer pointers and its loop range). */
export const MAX_ARGS = 64;

const WORKER_SOURCE = `
const { parentPort, receiveMessageOnPort } = require('node:worker_threads');
const drivers = {
  call: (fn, a) => fn(...a),
  // a: [itemBytes, aPtr, bPtr, cPtr, nP, Kp, kc, p0, p1, mcPanels], as wasm-gemm's own loop (C rows of nP·32 bytes)
  gemmRows: (gemm, [size, aPtr, bPtr, cPtr, nP, Kp, kc, p0, p1, mc]) => {
    for (let k0 = 0; k0 < Kp; k0 += kc) {
      const kb = Math.min(kc, Kp - k0);
      for (let p = p0; p < p1; p += mc) gemm(aPtr + p * Kp * 4 * size, bPtr, cPtr + p * 4 * nP * 32, Math.min(mc, p1 - p), nP, Kp, k0, kb);
    }
  },
};
parentPort.once('message', ({ control, port }) => {
  const ctl = new Int32Array(control);
  const fns = new Map();
  const imports = { math: { sin: Math.sin, cos: Math.cos } };
  const drain = () => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const { id, module, memory, entry, driver } = m.message;
      if (module === undefined) { fns.delete(id); continue; }
      const inst = new WebAssembly.Instance(module, { env: { mem: memory }, ...imports });
      fns.set(id, [drivers[driver], inst.exports[entry]]);
    }
  };
  Atomics.store(ctl, ${READY}, 1);
  let seen = 0;
  for (;;) {
    // a job often follows within a millisecond (the next product of a training step): poll the
    // job word for a moment before sleeping, since waking a sleeper costs the caller a futex call
    const until = performance.now() + ${SPIN_MS};
    while (Atomics.load(ctl, ${JOB}) === seen && performance.now() < until);
    Atomics.wait(ctl, ${JOB}, seen);
    seen = Atomics.load(ctl, ${JOB});
    try {
      drain();
      const e = fns.get(ctl[${ID}]);
      e[0](e[1], Array.from(ctl.subarray(${ARGS}, ${ARGS} + ctl[${COUNT}])));
    } catch (e) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    Atomics.store(ctl, ${DONE}, seen);
    Atomics.notify(ctl, ${DONE});
  }
});
`;

interface PortLike { postMessage(m: unknown): void; close(): void }
interface WorkerLike { postMessage(m: unknown, transfer?: unknown[]): void; unref(): void; on(e: string, f: (x: unknown) => void): void }
interface WorkerThreads {
  Worker: new (src: string, o: { eval: true; execArgv: string[] }) => WorkerLike;
  MessageChannel: new () => { port1: PortLike & { unref(): void }; port2: PortLike };
}

type State = { kind: 'off'; reason: string } | { kind: 'starting' | 'ready'; ctl: Int32Array; port: PortLike };
let state: State | undefined;
let enabled = true;
let nextId = 1;
let jobs = 0;

/** Runs everything on one thread (false) or lets the worker take part again (tests compare the two). */
export function useThreads(on: boolean): void { enabled = on; }

/** Why a second thread cannot take part here (undefined: it can). */
export function threadsUnsupported(): string | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return 'no SharedArrayBuffer (a browser page needs cross-origin isolation)';
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  if (!proc?.getBuiltinModule) return 'worker threads are used in Node only (the caller must be able to block on Atomics.wait)';
  return undefined;
}

/** Starts the worker (once, in the background). */
export function startThreads(): void {
  if (state) return;
  const why = threadsUnsupported();
  if (why) { state = { kind: 'off', reason: why }; return; }
  try {
    const wt = (globalThis as unknown as { process: { getBuiltinModule(n: string): WorkerThreads } }).process.getBuiltinModule('node:worker_threads');
    const control = new SharedArrayBuffer(4 * (ARGS + MAX_ARGS));
    const ctl = new Int32Array(control);
    const { port1, port2 } = new wt.MessageChannel();
    // no inherited flags: the source is CommonJS whatever --input-type the caller ran with, and
    // loader hooks (tsx, coverage) have nothing to do in it
    const w = new wt.Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    w.on('error', () => { state = { kind: 'off', reason: 'the worker failed' }; });
    w.postMessage({ control, port: port2 }, [port2]);
    // after the listener (adding one refs the worker's port again)
    w.unref();
    port1.unref();
    state = { kind: 'starting', ctl, port: port1 };
  } catch (e) {
    state = { kind: 'off', reason: `the worker did not start (${(e as Error).message})` };
  }
}

/** Whether a job posted now would run on the worker. */
export function threadsReady(): boolean {
  if (state?.kind === 'starting' && Atomics.load(state.ctl, READY) === 1) state = { ...state, kind: 'ready' };
  return state?.kind === 'ready' && enabled;
}

/**
 * Gives the worker its own instance of `module` over the shared `memory`; jobs then name the
 * returned id. Undefined while the worker is not running.
 */
export function share(module: WebAssembly.Module, memory: WebAssembly.Memory, entry: string, driver: Driver): number | undefined {
  if (state?.kind !== 'ready' && state?.kind !== 'starting') return undefined;
  const id = nextId++;
  state.port.postMessage({ id, module, memory, entry, driver });
  return id;
}

/** Drops the worker's instance `id` (its module left the caller's cache). */
export function unshare(id: number): void {
  if (state?.kind === 'ready' || state?.kind === 'starting') state.port.postMessage({ id });
}

/**
 * Hands the worker a call of module `id` with `args` and returns a function that waits for it
 * (false: the worker failed, and the caller must do that share itself); undefined when the worker
 * is not running.
 */
export function post(id: number, args: readonly number[]): (() => boolean) | undefined {
  if (!threadsReady() || state?.kind !== 'ready' || args.length > MAX_ARGS) return undefined;
  const ctl = state.ctl;
  ctl[ID] = id;
  ctl[COUNT] = args.length;
  for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i];
  jobs++;
  const seq = (Atomics.load(ctl, JOB) + 1) | 0 || 1;
  Atomics.store(ctl, JOB, seq);
  Atomics.notify(ctl, JOB);
  return () => {
    // the caller has nothing else to do: poll first (the worker is usually finishing), then sleep
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, DONE) !== seq && performance.now() < until);
    for (let done = Atomics.load(ctl, DONE); done !== seq; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done);
    if (!Atomics.load(ctl, FAILED)) return true;
    state = { kind: 'off', reason: 'the worker failed' };
    return false;
  };
}

/** Jobs handed to the worker so far (tests check that a split happened). */
export const threadJobs = (): number => jobs;

/** How many threads run the CPU's kernels, and why not more. */
export function threadInfo(): { threads: number; note?: string } {
  if (!state) return { threads: 1, note: threadsUnsupported() ?? 'the second thread starts with the first large product or kernel' };
  if (state.kind === 'off') return { threads: 1, note: state.reason };
  return { threads: threadsReady() || state.kind === 'ready' ? 2 : 1 };
}
