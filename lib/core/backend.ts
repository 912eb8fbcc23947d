/** The pluggable backend contract and the device registry. Core never imports a concrete backend. */
import { type DType, type TypedArray, setDeviceFloat } from './dtype.js';
import type { Aval, Jaxpr } from './ir.js';
import { Jaxpr as JaxprClass } from './ir.js';

/**
 * What an Array's finalizer holds to release a buffer: a reference count and whatever the device
 * needs to free it, never the data itself (a held value that pins host data would keep it alive
 * until the event loop turns).
 */
export interface BufferRef {
  /** How many holders (Arrays, executables) share the buffer; the device frees it at 0. */
  refs: number;
}

/** A device buffer; reference-counted (through `ref`) so arrays and executables can share it. */
export interface Buffer {
  /** The shape and dtype of the data. */
  readonly aval: Aval;
  /** The reference count, shared by everything that holds this buffer. */
  readonly ref: BufferRef;
}

/** What a compiled program consists of (for tests and profiles). */
export interface ExecutableStats {
  /** Fused kernels, routine calls and control steps at the top level of the program. */
  readonly kernels: number;
  /** Calls of named routines (GEMM, linalg, sort, ...) at the top level of the program. */
  readonly routines: number;
  /** Control-flow steps (loops, conditionals) at the top level of the program. */
  readonly controls: number;
  /** Routines this device runs on the host, its inputs read back (a GPU without their kernels). */
  readonly hostRoutines?: readonly string[];
}

/** A Jaxpr compiled by a backend for its device: what `Backend.compile` returns. */
export interface Executable {
  /** What the compiled program consists of. */
  readonly stats: ExecutableStats;
  /** Runs on buffers for `[...jaxpr.consts, ...jaxpr.inputs]`; returns one new reference per output. */
  run(inputs: readonly Buffer[]): Buffer[];
  /**
   * The same, awaiting what the device must read back on the way: predicates of data-dependent
   * control flow on a device without synchronous reads. `run` throws there, naming this.
   */
  runAsync(inputs: readonly Buffer[]): Promise<Buffer[]>;
}

/** A device's buffer memory, as `memoryStats()` reports it. */
export interface MemoryStats {
  /** Bytes held by live buffers now. */
  liveBytes: number;
  /** The most bytes held at once since tracking began or `resetPeakMemory()` was last called. */
  peakBytes: number;
  /** The number of live buffers. */
  buffers: number;
}

/**
 * The contract a device implements (CPU, WebGPU, ...): buffers, compilation of Jaxprs to
 * executables, readback and memory accounting. Register one with `registerBackend`.
 */
export interface Backend {
  /** The device name users pass as `device` (`'cpu'`, `'webgpu'`). */
  readonly name: string;
  /** What the device is (the GPU adapter's name, whether it is a software emulation). */
  readonly description?: string;
  /** The dtypes the device supports; core rejects others before they reach it. */
  readonly dtypes: readonly DType[];
  /** The float dtype of JS numbers and `np.array([1.5])` while this is the default device (float64 if unset). */
  readonly defaultFloat?: DType;
  /** Compiles a Jaxpr into an executable for this device. */
  compile(jaxpr: Jaxpr): Executable;
  /** Copies host data into a new buffer (one reference, owned by the caller). */
  put(data: TypedArray, aval: Aval): Buffer;
  /** Reads a buffer back to the host, asynchronously. */
  read(buf: Buffer): Promise<TypedArray>;
  /** Synchronous readback, where the device allows it. */
  readSync?(buf: Buffer): TypedArray;
  /** Resolves once the work that computes `buf` is done (devices that run asynchronously). */
  ready?(buf: Buffer): Promise<void>;
  /**
   * Called when an Array takes `buf`. True: the Array releases it (dispose, or its finalizer once
   * collected). False: the garbage collector owns the memory from now on and the device stops
   * counting it, so no finalizer is registered — one costs ~300 bytes that a synchronous loop
   * only gets back when the event loop turns. Devices without it track every buffer.
   */
  trackHeld?(buf: Buffer): boolean;
  /** Adds one reference to a buffer. */
  retain(ref: BufferRef): void;
  /**
   * Drops one reference; the device frees the buffer when none is left. `buf` is given when an
   * Array releases it explicitly (dispose, `using`, a scope's end): the device may reuse its memory
   * at once. An untracked Array (trackHeld false) still releases explicitly.
   */
  release(ref: BufferRef, buf?: Buffer): void;
  /** The live and peak bytes of this device's buffers. */
  memory(): MemoryStats;
  /** Restarts peak tracking from the current live bytes. */
  resetPeakMemory(): void;
}

const backends = new Map<string, Backend>();
/** Devices that start asynchronously (a GPU): started by `init(name)`. */
const starters = new Map<string, () => Promise<Backend>>();
const starting = new Map<string, Promise<Backend>>();
let current: string | undefined;
let host: Backend | undefined;

setDeviceFloat((name) => {
  const n = name ?? current;
  const b = n === undefined ? undefined : backends.get(n);
  return b?.defaultFloat ?? (b && !b.dtypes.includes('float64') ? 'float32' : 'float64');
});

/**
 * Adds a device to the registry under `b.name` (replacing one of that name); the first registered
 * becomes the default device.
 */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
  current ??= b.name;
}

/**
 * Registers `b` (if it is not yet) and makes it the host device: the one that constant folding,
 * value reads while tracing and other host-side work run on, whatever the default device is.
 * The CPU backend calls this when it loads; core cannot import it (core imports no backend).
 */
export function registerHost(b: Backend): void {
  if (backends.get(b.name) !== b) registerBackend(b);
  host = b;
}

/** The host device (the CPU): host-side work runs here, never on the default device. */
export function hostBackend(): Backend {
  if (!host) throw new Error("hostBackend: no host device is registered; import the library from its entry point, which registers the 'cpu' backend as the host");
  return host;
}

/**
 * Rejects a dtype that `b` does not declare in `dtypes`: checked where core hands data (`put`) or
 * a program (`compile`) to a device, so no backend has to check, and a float64 array never
 * reaches a float32-only device to fail later inside a kernel.
 */
export function checkDtype(b: Backend, dtype: DType, who: string): void {
  if (b.dtypes.includes(dtype)) return;
  const alt = dtype === 'float64' && b.dtypes.includes('float32') ? "convert with x.astype('float32') first, or " : '';
  const cpu = host && host !== b && host.dtypes.includes(dtype) ? `the '${host.name}' device` : 'a device that has it';
  throw new TypeError(`${who}: device '${b.name}' has no ${dtype} (it has ${b.dtypes.join(', ')}); ${alt}use ${cpu}`);
}

/** `checkDtype` over every variable and literal of `jaxpr` and of the sub-Jaxprs in its params. */
export function checkJaxprDtypes(b: Backend, jaxpr: Jaxpr, who: string): void {
  const seen = new Set<DType>();
  const visit = (j: Jaxpr): void => {
    for (const v of [...j.consts, ...j.inputs, ...j.outputs]) seen.add(v.aval.dtype);
    for (const e of j.eqns) {
      for (const a of [...e.inputs, ...e.outputs]) seen.add(a.aval.dtype);
      for (const p of Object.values(e.params)) {
        if (p instanceof JaxprClass) visit(p);
        else if (globalThis.Array.isArray(p)) for (const q of p) if (q instanceof JaxprClass) visit(q);
      }
    }
  };
  visit(jaxpr);
  for (const d of seen) checkDtype(b, d, who);
}

/** The names of the registered devices, default first. */
export function devices(): string[] {
  const names = [...backends.keys()];
  return current ? [current, ...names.filter((n) => n !== current)] : names;
}

/**
 * Declares a device that `init(name)` starts (asynchronously: a GPU adapter is requested with a
 * promise). Until then the device is not in `devices()`, and naming it is an error naming `init`.
 */
export function registerDeviceStarter(name: string, start: () => Promise<Backend>): void {
  starters.set(name, start);
}

/**
 * Starts the devices named (all declared ones when none is named) and resolves to `devices()`.
 * `await init('webgpu')` before `defaultDevice('webgpu')`. Starting a device twice starts it once;
 * a device that cannot start rejects with why (no adapter, a missing package) and how to fix it.
 */
export async function init(...names: string[]): Promise<string[]> {
  const want = names.length ? names : [...starters.keys()];
  await Promise.all(want.map((n) => {
    if (backends.has(n)) return undefined;
    const start = starters.get(n);
    if (!start) throw new Error(`init: no device '${n}' to start; the devices that init starts are ${[...starters.keys()].map((k) => `'${k}'`).join(', ') || 'none'}`);
    let p = starting.get(n);
    if (!p) {
      p = start().then((b) => { registerBackend(b); return b; });
      starting.set(n, p);
      // A failed start may succeed later (after installing what the error names).
      p.catch(() => starting.delete(n));
    }
    return p;
  }));
  return devices();
}

/** What a device is, for logs and bug reports. */
export interface BackendInfo {
  /** The device name. */
  readonly name: string;
  /** What the device is (the GPU adapter's name, whether it is emulated); the name if the device gives none. */
  readonly description: string;
  /** The dtypes the device supports. */
  readonly dtypes: readonly DType[];
  /** The dtype of JS numbers and float data while this is the default device. */
  readonly defaultFloat: DType;
  /** Whether arrays on it can be read synchronously (`dataSync`, `item`, `js`). */
  readonly syncReadback: boolean;
}

/**
 * What the device named `name` (default: the default device) is: name, description, dtypes, default
 * float and whether it reads back synchronously.
 */
export function backendInfo(name?: string): BackendInfo {
  const b = getBackend(name, 'backendInfo');
  return {
    name: b.name,
    description: b.description ?? b.name,
    dtypes: b.dtypes,
    defaultFloat: b.defaultFloat ?? (b.dtypes.includes('float64') ? 'float64' : 'float32'),
    syncReadback: !!b.readSync,
  };
}

/** The device named `name` (the default device when unset); `who` names the caller in errors. */
export function getBackend(name?: string, who = 'getBackend'): Backend {
  const n = name ?? current;
  const b = n === undefined ? undefined : backends.get(n);
  if (!b && n !== undefined && starters.has(n)) {
    throw new Error(`${who}: device '${n}' is not started; call 'await init(${JSON.stringify(n)})' first`);
  }
  if (!b) {
    throw new Error(`${who}: no device '${String(n)}' is registered; the devices are ${[...backends.keys()].map((k) => `'${k}'`).join(', ') || 'none'}; devices() lists them`);
  }
  return b;
}

/** Sets the default device (`defaultDevice('cpu')`) or, with no argument, returns its name. */
export function defaultDevice(name?: string): string {
  if (name !== undefined) { getBackend(name); current = name; }
  return getBackend().name;
}

/** `memoryStats(device?)`: live and peak bytes of a device's buffers. */
export function memoryStats(device?: string): MemoryStats {
  return getBackend(device).memory();
}

/**
 * Restarts a device's `peakBytes` (see `memoryStats`) from its current live bytes; the default
 * device when none is named.
 */
export function resetPeakMemory(device?: string): void {
  getBackend(device).resetPeakMemory();
}
