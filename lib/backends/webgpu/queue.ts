/**
 * The device side of the WebGPU backend: pooled buffers, compiled pipelines, and one command
 * encoder that collects dispatches and copies until a read or a batch limit submits it.
 */
import { LRU, onClearCaches } from '../../core/lru.js';
import type { GpuContext } from './gpu.js';

/**
 * Dispatches per submitted command buffer. Dawn crashed in 12 of 12 runs that submitted 20 000
 * single dispatches before a read, in none with 64 per command buffer.
 */
const DISPATCHES_PER_SUBMIT = 64;
/** Free buffers kept for reuse; beyond this, freed buffers are destroyed. */
const POOL_BYTES = 256 * 2 ** 20;

export class GpuQueue {
  readonly device: GPUDevice;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private dispatches = 0;
  private readonly pool = new Map<number, GPUBuffer[]>();
  private pooled = 0;
  /** Freed beyond the pool's bound, destroyed once the work that reads them is submitted. */
  private doomed: GPUBuffer[] = [];
  private readonly pipelines = new LRU<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>(1024);
  /** The first validation or out-of-memory error the device reported; thrown at the next read. */
  private error: string | undefined;

  constructor(readonly ctx: GpuContext) {
    this.device = ctx.device;
    this.device.addEventListener('uncapturederror', (ev) => {
      this.error ??= (ev as GPUUncapturedErrorEvent).error.message;
    });
    onClearCaches(() => this.pipelines.clear());
  }

  /** A storage buffer of at least `bytes` (4 at least: WebGPU binds no empty buffer). */
  alloc(bytes: number): GPUBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const free = this.pool.get(size);
    const b = free?.pop();
    if (b) { this.pooled -= size; return b; }
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  /**
   * Back to the pool. Work already encoded that reads it runs first (one queue, in order); only
   * `write`, which the queue runs before encoded but unsubmitted work, needs a flush first.
   */
  recycle(b: GPUBuffer): void {
    if (this.pooled + b.size > POOL_BYTES) {
      // Encoded but unsubmitted work may still read it: destroying it now would fail that submit.
      if (this.encoder) this.doomed.push(b); else b.destroy();
      return;
    }
    const list = this.pool.get(b.size);
    if (list) list.push(b); else this.pool.set(b.size, [b]);
    this.pooled += b.size;
  }

  /** A compute pipeline for `source` (cached by source text). */
  pipeline(source: string): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
    let p = this.pipelines.get(source);
    if (!p) {
      const module = this.device.createShaderModule({ code: source });
      const pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      p = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(source, p);
    }
    return p;
  }

  /** Dispatches `groups` (x, y[, z]) workgroups of `source` over `buffers`, bound in order. */
  dispatch(source: string, buffers: readonly GPUBuffer[], groups: readonly number[]): void {
    if (groups.some((g) => g === 0)) return;
    const { pipeline, layout } = this.pipeline(source);
    const group = this.device.createBindGroup({ layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    if (++this.dispatches >= DISPATCHES_PER_SUBMIT) this.flush();
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.pass?.end();
    this.pass = undefined;
    this.encoder ??= this.device.createCommandEncoder();
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Host data into `b`, after everything encoded so far. */
  write(b: GPUBuffer, data: ArrayBufferView): void {
    this.flush();
    if (data.byteLength) this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  flush(): void {
    this.pass?.end();
    this.pass = undefined;
    if (this.encoder) this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.dispatches = 0;
    // Submitted work keeps what it uses: destroy() only forbids new uses.
    for (const b of this.doomed) b.destroy();
    this.doomed = [];
  }

  /** `bytes` bytes of `b`, once the work encoded before this call is done. */
  async read(b: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const staging = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.copy(b, 0, staging, 0, size);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
      this.check();
      return staging.getMappedRange().slice(0, bytes);
    } catch (e) {
      this.check();
      throw e;
    } finally {
      staging.destroy();
    }
  }

  /** Resolves once everything encoded so far has run on the device. */
  async done(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  /** Rethrows the device's first reported error (a WGSL compile error names the kernel's line). */
  check(): void {
    const e = this.error;
    if (e === undefined) return;
    this.error = undefined;
    throw new Error(`webgpu: the device reported an error: ${e}`);
  }

  /** Bytes held in the pool (freed buffers kept for reuse). */
  get pooledBytes(): number { return this.pooled; }
}
