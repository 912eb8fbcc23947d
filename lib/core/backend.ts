/** The pluggable backend contract and the device registry. Core never imports a concrete backend. */
import type { DType, TypedArray } from './dtype.js';
import type { Aval, Jaxpr } from './ir.js';

/**
 * What an Array's finalizer holds to release a buffer: a reference count and whatever the device
 * needs to free it, never the data itself (a held value that pins host data would keep it alive
 * until the event loop turns).
 */
export interface BufferRef {
  refs: number;
}

/** A device buffer; reference-counted (through `ref`) so arrays and executables can share it. */
export interface Buffer {
  readonly aval: Aval;
  readonly ref: BufferRef;
}

/** What a compiled program consists of (for tests and profiles). */
export interface ExecutableStats {
  /** Fused kernels, routine calls and control steps at the top level of the program. */
  readonly kernels: number;
  readonly routines: number;
  readonly controls: number;
}

export interface Executable {
  readonly stats: ExecutableStats;
  /** Runs on buffers for `[...jaxpr.consts, ...jaxpr.inputs]`; returns one new reference per output. */
  run(inputs: readonly Buffer[]): Buffer[];
}

export interface MemoryStats {
  liveBytes: number;
  peakBytes: number;
  buffers: number;
}

export interface Backend {
  readonly name: string;
  readonly dtypes: readonly DType[];
  compile(jaxpr: Jaxpr): Executable;
  /** Copies host data into a new buffer (one reference, owned by the caller). */
  put(data: TypedArray, aval: Aval): Buffer;
  read(buf: Buffer): Promise<TypedArray>;
  /** Synchronous readback, where the device allows it. */
  readSync?(buf: Buffer): TypedArray;
  retain(ref: BufferRef): void;
  /** Drops one reference; the device frees the buffer when none is left. */
  release(ref: BufferRef): void;
  memory(): MemoryStats;
  resetPeakMemory(): void;
}

const backends = new Map<string, Backend>();
let current: string | undefined;

export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
  current ??= b.name;
}

/** The names of the registered devices, default first. */
export function devices(): string[] {
  const names = [...backends.keys()];
  return current ? [current, ...names.filter((n) => n !== current)] : names;
}

export function getBackend(name?: string): Backend {
  const n = name ?? current;
  const b = n === undefined ? undefined : backends.get(n);
  if (!b) {
    throw new Error(`getBackend: no device '${String(n)}' is registered; available: ${[...backends.keys()].join(', ') || 'none'}`);
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

export function resetPeakMemory(device?: string): void {
  getBackend(device).resetPeakMemory();
}
