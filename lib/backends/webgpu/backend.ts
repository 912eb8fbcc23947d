/**
 * The WebGPU backend: pooled GPU buffers, the WGSL renderer for fused kernels, WGSL routines,
 * and the host (CPU) for routines without a kernel here. The shared lowering plans the Program;
 * the shared runner runs it, encoding dispatches that the queue submits in batches. Reads are
 * asynchronous only: there is no `readSync` on a GPU.
 */
import type { Backend, Buffer, BufferRef, Executable, MemoryStats } from '../../core/backend.js';
import type { DType, TypedArray } from '../../core/dtype.js';
import { type Aval, type Jaxpr, size } from '../../core/ir.js';
import { LRU, onClearCaches } from '../../core/lru.js';
import { primitives } from '../../core/primitive.js';
import { Programs } from '../../lowering/programs.js';
import type { Program } from '../../lowering/program.js';
import type { Runtime } from '../../lowering/runner.js';
import { ProgramExecutable } from '../../lowering/executable.js';
import type { Kernel } from '../../lowering/program.js';
import { hostRoutine, routineNames } from '../cpu/routines.js';
import type { GpuContext } from './gpu.js';
import { GpuQueue } from './queue.js';
import { type RenderedKernel, renderWgsl } from './render-wgsl.js';
import { type GpuData, gpuRoutine, gpuRoutineNames } from './routines.js';
import { dotWithEpilogue } from './routines-dot.js';

export const WEBGPU = 'webgpu';
const DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'uint32', 'int8', 'uint8', 'bool'];
/** Bytes per element on the device: bool is stored as u32. */
const ELEMENT = 4;

class GpuRef implements BufferRef {
  refs = 1;
  constructor(readonly data: GpuData) {}
}

export class GpuBuffer implements Buffer {
  readonly ref: GpuRef;
  constructor(readonly aval: Aval, data: GpuData) {
    this.ref = new GpuRef(data);
  }
  get data(): GpuData { return this.ref.data; }
}

/** Host data in the device's layout: one 32-bit word per element (bool and uint8 as u32, int8 as i32). */
function toDevice(data: TypedArray, d: DType): ArrayBufferView {
  if (d === 'bool' || d === 'uint8') return Uint32Array.from(data);
  return d === 'int8' ? Int32Array.from(data) : data;
}

function fromDevice(bytes: ArrayBuffer, d: DType): TypedArray {
  switch (d) {
    case 'bool': case 'uint8': return Uint8Array.from(new Uint32Array(bytes));
    case 'int8': return Int8Array.from(new Int32Array(bytes));
    case 'int32': return new Int32Array(bytes);
    case 'uint32': return new Uint32Array(bytes);
    default: return new Float32Array(bytes); // float32, and float16 held as rounded f32
  }
}

export class WebGpuBackend implements Backend {
  readonly name = WEBGPU;
  readonly dtypes = DTYPES;
  readonly defaultFloat: DType = 'float32';
  readonly queue: GpuQueue;
  readonly description: string;
  private live = 0;
  private peak = 0;
  private count = 0;
  private readonly executables = new WeakMap<Jaxpr, Executable>();
  private readonly programs: Programs<GpuData>;
  private readonly kernels = new LRU<string, RenderedKernel>(2048);

  constructor(readonly ctx: GpuContext) {
    this.queue = new GpuQueue(ctx);
    const i = ctx.info;
    this.description = `WebGPU: ${[i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unnamed adapter'}${i.software ? ' (a software emulation: correct, not fast)' : ''}`;
    onClearCaches(() => this.kernels.clear());
    const runtime: Runtime<GpuData> = {
      name: WEBGPU,
      alloc: (a) => this.alloc(a),
      free: (b) => this.free(b),
      // Program constants live as long as the program, like its pipelines: not counted as live.
      upload: (data, a) => {
        const b = { buffer: this.queue.alloc(size(a.shape) * ELEMENT), n: size(a.shape), dtype: a.dtype };
        this.queue.write(b.buffer, toDevice(data, a.dtype));
        return b;
      },
      kernel: (k) => this.kernel(k),
      routine: (name) => gpuRoutine(name, this),
      fusedRoutine: (name, kernel, result, resultAval) => (name === 'dot_general' ? dotWithEpilogue(this, { kernel, result }, resultAval) : undefined),
      readAsync: (b) => this.readData(b),
      hostRoutine: (name) => hostRoutine(name),
      fromHost: (data, a) => {
        const b = this.alloc(a);
        this.queue.write(b.buffer, toDevice(data, a.dtype));
        return b;
      },
      slice: (b, offset, a) => {
        const s = this.alloc(a);
        this.queue.copy(b.buffer, offset * ELEMENT, s.buffer, 0, s.n * ELEMENT);
        return s;
      },
      dropSlice: (b) => this.free(b),
      chunkedWhile: true,
      write: (dst, offset, src) => this.queue.copy(src.buffer, 0, dst.buffer, offset * ELEMENT, src.n * ELEMENT),
    };
    // Every routine the CPU has: those without a WGSL kernel here run on the host, except those whose
    // primitive decomposes into others (fft), which the lowering then runs on the device.
    const onDevice = (n: string): boolean => gpuRoutineNames().includes(n) || !primitives().get(n)?.decompose;
    this.programs = new Programs({ routines: new Set(routineNames().filter(onDevice)), maxBuffers: ctx.device.limits.maxStorageBuffersPerShaderStage, condAsSelect: true }, runtime);
  }

  /** A new device buffer for `a`, counted as live. */
  alloc(a: Aval): GpuData {
    const n = size(a.shape);
    this.live += n * ELEMENT;
    this.count++;
    if (this.live > this.peak) this.peak = this.live;
    return { buffer: this.queue.alloc(n * ELEMENT), n, dtype: a.dtype };
  }

  free(b: GpuData): void {
    this.live -= b.n * ELEMENT;
    this.count--;
    this.queue.recycle(b.buffer);
  }

  private kernel(k: Kernel): (ins: readonly GpuData[], outs: readonly GpuData[]) => void {
    let r = this.kernels.get(k.key);
    if (!r) {
      r = renderWgsl(k);
      this.kernels.set(k.key, r);
    }
    const { source, groups } = r;
    return (ins, outs) => this.queue.dispatch(source, [...ins, ...outs].map((b) => b.buffer), groups);
  }

  async readData(b: GpuData): Promise<TypedArray> {
    return fromDevice(await this.queue.read(b.buffer, b.n * ELEMENT), b.dtype);
  }

  program(j: Jaxpr): Program {
    return this.programs.program(j);
  }

  compile(jaxpr: Jaxpr): Executable {
    let exe = this.executables.get(jaxpr);
    if (!exe) {
      exe = new ProgramExecutable(this.programs.runner(jaxpr), {
        data: (b: GpuBuffer) => b.data,
        wrap: (d, a) => new GpuBuffer(a, d),
        copy: (d, a) => {
          const c = this.alloc(a);
          this.queue.copy(d.buffer, 0, c.buffer, 0, c.n * ELEMENT);
          return new GpuBuffer(a, c);
        },
        retain: (b) => this.retain(b.ref),
      });
      this.executables.set(jaxpr, exe);
    }
    return exe;
  }

  put(data: TypedArray, aval: Aval): GpuBuffer {
    const n = size(aval.shape);
    if (data.length !== n) throw new Error(`webgpu.put: ${data.length} elements for shape [${aval.shape}]`);
    const b = this.alloc(aval);
    this.queue.write(b.buffer, toDevice(data, aval.dtype));
    return new GpuBuffer(aval, b);
  }

  async read(buf: Buffer): Promise<TypedArray> {
    return this.readData((buf as GpuBuffer).data);
  }

  async ready(): Promise<void> {
    await this.queue.done();
  }

  retain(ref: BufferRef): void {
    ref.refs++;
  }
  release(ref: BufferRef): void {
    if (ref.refs <= 0) throw new Error('webgpu: a buffer was released more often than retained');
    if (--ref.refs === 0) this.free((ref as GpuRef).data);
  }
  memory(): MemoryStats {
    return { liveBytes: this.live, peakBytes: this.peak, buffers: this.count };
  }
  resetPeakMemory(): void {
    this.peak = this.live;
  }
}
