/**
 * The CPU backend, the float64-exact reference: an allocator (garbage-collected typed arrays,
 * counted, with dead ones reused through pool.ts), two renderers of fused kernels that agree bit
 * for bit (WebAssembly SIMD where it takes the kernel, JavaScript otherwise), and routines for what
 * is not elementwise. The shared lowering plans the Program; the shared runner runs it.
 */
import { type DType, type TypedArray, DTYPES } from '../../core/dtype.js';
import { type Aval, type Jaxpr, size } from '../../core/ir.js';
import type { Backend, Buffer, BufferRef, Executable, MemoryStats } from '../../core/backend.js';
import { Programs } from '../../lowering/programs.js';
import type { Program } from '../../lowering/program.js';
import type { Runtime } from '../../lowering/runner.js';
import { ProgramExecutable } from '../../lowering/executable.js';
import { countedRoutine, routineNames } from './routines.js';
import { renderJs } from './render-js.js';
import { allocate, recycle } from './pool.js';
import { threadInfo } from './threads.js';
import { renderWasm } from './render-wasm.js';
import { wasmSimdAvailable } from './wasm/asm.js';

/**
 * Elements per chunk of a large reduction: chunks of a few thousand keep a single sum's partials
 * in L1 and give a million-element sum hundreds of chunks to share between lanes and threads.
 */
export const REDUCTION_CHUNK = 4096;

/** The accounting side of a CPU buffer: the garbage collector owns the data itself. */
class CpuRef implements BufferRef {
  refs = 1;
  /** Handed to the garbage collector: no longer counted, whatever happens to the refs. */
  untracked = false;
  constructor(readonly bytes: number) {}
}

export class CpuBuffer implements Buffer {
  readonly ref: CpuRef;
  constructor(
    readonly aval: Aval,
    readonly data: TypedArray,
  ) {
    this.ref = new CpuRef(data.byteLength);
  }
}

class Memory {
  live = 0;
  peak = 0;
  buffers = 0;
  alloc(bytes: number): void {
    this.live += bytes;
    this.buffers++;
    if (this.live > this.peak) this.peak = this.live;
  }
  free(bytes: number): void {
    this.live -= bytes;
    this.buffers--;
  }
}

/** Costly special functions the WebAssembly renderer has no lanes for (see Capabilities.scalarOnly). */
const SCALAR_ONLY: ReadonlySet<string> = new Set(['lgamma', 'digamma', 'polygamma', 'erf_inv', 'erfc']);

export class CpuBackend implements Backend {
  readonly name = 'cpu';
  /** What runs the kernels, and on how many threads (and why not more). */
  get description(): string {
    if (!wasmSimdAvailable()) return 'cpu: JavaScript kernels (no WebAssembly SIMD here), 1 thread';
    const { threads, note } = threadInfo();
    return `cpu: WebAssembly SIMD kernels; matrix products and large fused kernels on ${threads} thread${threads > 1 ? 's' : ''}${note ? ` (${note})` : ''}`;
  }
  readonly dtypes: readonly DType[] = DTYPES;
  private readonly mem = new Memory();
  /**
   * Per-array accounting starts with the first memoryStats() or resetPeakMemory() on this device:
   * before, arrays' buffers belong to the garbage collector alone (no finalizer per array, which
   * would hold ~300 bytes each until the event loop turns). Program-internal memory is always counted.
   */
  private tracking = false;
  private readonly executables = new WeakMap<Jaxpr, Executable>();
  private readonly programs: Programs<TypedArray>;

  constructor() {
    const mem = this.mem;
    const runtime: Runtime<TypedArray> = {
      name: 'cpu',
      alloc: (a) => {
        const d = allocate(a.dtype, size(a.shape));
        mem.alloc(d.byteLength);
        return d;
      },
      free: (b) => { mem.free(b.byteLength); recycle(b); },
      upload: (data, a) => {
        const d = allocate(a.dtype, size(a.shape));
        d.set(data);
        return d;
      },
      // The two renderers agree bit for bit, so which one takes a kernel is only a matter of speed.
      kernel: wasmSimdAvailable() ? (k) => renderWasm(k, () => renderJs(k)) ?? renderJs(k) : renderJs,
      routine: (name) => countedRoutine(name, (o) => mem.alloc(o.byteLength)),
      readSync: (b) => b,
      readAsync: async (b) => b,
      slice: (b, offset, a) => b.subarray(offset, offset + size(a.shape)),
      write: (dst, offset, src) => dst.set(src, offset),
    };
    this.programs = new Programs({ routines: new Set(routineNames()), reductionChunk: REDUCTION_CHUNK, scalarOnly: wasmSimdAvailable() ? SCALAR_ONLY : undefined }, runtime);
  }

  /** The lowered Program of a Jaxpr (cached per Jaxpr). */
  program(j: Jaxpr): Program {
    return this.programs.program(j);
  }

  compile(jaxpr: Jaxpr): Executable {
    let exe = this.executables.get(jaxpr);
    if (!exe) {
      exe = new ProgramExecutable(this.programs.runner(jaxpr), {
        data: (b: CpuBuffer) => b.data,
        wrap: (d, a) => new CpuBuffer(a, d),
        copy: (d, a) => this.adopt(d.slice(), a),
        retain: (b) => this.retain(b.ref),
      });
      this.executables.set(jaxpr, exe);
    }
    return exe;
  }

  put(data: TypedArray, aval: Aval): CpuBuffer {
    const n = size(aval.shape);
    if (data.length !== n) throw new Error(`cpu.put: ${data.length} elements for shape [${aval.shape}]`);
    const copy = allocate(aval.dtype, n);
    copy.set(data);
    return this.adopt(copy, aval);
  }

  /** Wraps a freshly allocated array as a buffer (counted as live). */
  adopt(data: TypedArray, aval: Aval): CpuBuffer {
    this.mem.alloc(data.byteLength);
    return new CpuBuffer(aval, data);
  }

  readSync(buf: Buffer): TypedArray {
    return (buf as CpuBuffer).data.slice();
  }
  async read(buf: Buffer): Promise<TypedArray> {
    return this.readSync(buf);
  }
  trackHeld(buf: Buffer): boolean {
    if (this.tracking) return true;
    const r = (buf as CpuBuffer).ref;
    if (!r.untracked) {
      r.untracked = true;
      this.mem.free(r.bytes);
    }
    return false;
  }
  retain(ref: BufferRef): void {
    ref.refs++;
  }
  release(ref: BufferRef, buf?: Buffer): void {
    if (--ref.refs !== 0) return;
    if (!(ref as CpuRef).untracked) this.mem.free((ref as CpuRef).bytes);
    // released explicitly, with no other reference: nothing can read it again
    if (buf) recycle((buf as CpuBuffer).data);
  }
  memory(): MemoryStats {
    this.tracking = true;
    return { liveBytes: this.mem.live, peakBytes: this.mem.peak, buffers: this.mem.buffers };
  }
  resetPeakMemory(): void {
    this.tracking = true;
    this.mem.peak = this.mem.live;
  }
}
