/**
 * `test-f32`: a test-only device built on the shared lowering and runner with a configuration
 * unlike the CPU's — float32/int32/uint32/bool only, no `readSync`, a `read` that resolves on a later
 * macrotask, opaque buffers, and a fusion limit small enough that kernels get split. It reuses the
 * CPU's JS renderer and routines: the point is not new kernels but to make every synchronous
 * readback and every CPU-only assumption in the library fail loudly before a GPU backend exists.
 * Registered by tests/setup.ts only; lib/ never imports it.
 */
import type { Backend, Buffer, BufferRef, Executable, MemoryStats } from '../../lib/core/backend.js';
import { type DType, type TypedArray, typedArrayFor } from '../../lib/core/dtype.js';
import { type Aval, type Jaxpr, size } from '../../lib/core/ir.js';
import { Programs } from '../../lib/lowering/programs.js';
import type { Program } from '../../lib/lowering/program.js';
import type { Runtime } from '../../lib/lowering/runner.js';
import { ProgramExecutable } from '../../lib/lowering/executable.js';
import { countedRoutine, routineNames } from '../../lib/backends/cpu/routines.js';
import { renderJs } from '../../lib/backends/cpu/render-js.js';

export const TEST_F32 = 'test-f32';
/** Small on purpose: a softmax or an MLP layer's epilogue no longer fits one kernel. */
export const TEST_F32_FUSION_LIMIT = 3;
/** Fewer bindings than any GPU: kernels are cut and split as a GPU's binding limit demands. */
export const TEST_F32_MAX_BUFFERS = 4;

const DTYPES: readonly DType[] = ['float32', 'int32', 'uint32', 'bool'];

function checkDtype(d: DType, where: string): void {
  if (!DTYPES.includes(d)) {
    throw new TypeError(`${TEST_F32}.${where}: device '${TEST_F32}' has no ${d}; convert with astype('float32') or use the 'cpu' device`);
  }
}

class F32Ref implements BufferRef {
  refs = 1;
  constructor(readonly bytes: number) {}
}

/**
 * A device buffer whose data only the backend can reach (a private field): nothing outside can
 * read it synchronously, as with GPU memory.
 */
export class TestF32Buffer implements Buffer {
  readonly ref: F32Ref;
  readonly #data: TypedArray;
  constructor(readonly aval: Aval, data: TypedArray) {
    this.#data = data;
    this.ref = new F32Ref(data.byteLength);
  }
  /** Backend-internal access (static so that it does not appear on instances). */
  static data(b: Buffer): TypedArray {
    if (!(b instanceof TestF32Buffer)) throw new TypeError(`${TEST_F32}: not a ${TEST_F32} buffer`);
    return b.#data;
  }
}

const dataOf = TestF32Buffer.data;

export class TestF32Backend implements Backend {
  readonly name = TEST_F32;
  readonly dtypes = DTYPES;
  private live = 0;
  private peak = 0;
  private count = 0;
  private readonly executables = new WeakMap<Jaxpr, Executable>();
  private readonly programs: Programs<TypedArray>;

  constructor() {
    const runtime: Runtime<TypedArray> = {
      name: TEST_F32,
      alloc: (a) => this.alloc(typedArrayFor(a.dtype, size(a.shape))),
      free: (b) => this.free(b.byteLength),
      // Program constants live on the device for the runner's lifetime, like compiled code.
      upload: (data, a) => {
        checkDtype(a.dtype, 'compile');
        const d = typedArrayFor(a.dtype, size(a.shape));
        d.set(data);
        return d;
      },
      kernel: (k) => {
        if (k.inputs.length + k.outputs.length > TEST_F32_MAX_BUFFERS) {
          throw new Error(`${TEST_F32}: a kernel binds ${k.inputs.length} inputs and ${k.outputs.length} outputs, more than ${TEST_F32_MAX_BUFFERS}`);
        }
        return renderJs(k);
      },
      routine: (name) => countedRoutine(name, (o) => { this.alloc(o); }),
      // No synchronous predicate reads either, as on a GPU: cond and while run only through
      // runAsync (jit(f).async), awaiting each predicate.
      readAsync: async (b) => {
        const v = b.slice();
        await new Promise<void>((r) => setTimeout(r, 0));
        return v;
      },
      slice: (b, offset, a) => b.subarray(offset, offset + size(a.shape)),
      // As a GPU: while loops read their predicate once per chunk of masked steps.
      chunkedWhile: true,
      write: (dst, offset, src) => dst.set(src, offset),
    };
    this.programs = new Programs({ routines: new Set(routineNames()), fusionLimit: TEST_F32_FUSION_LIMIT, maxBuffers: TEST_F32_MAX_BUFFERS }, runtime);
  }

  private alloc<T extends TypedArray>(d: T): T {
    this.live += d.byteLength;
    this.count++;
    if (this.live > this.peak) this.peak = this.live;
    return d;
  }
  private free(bytes: number): void {
    this.live -= bytes;
    this.count--;
  }

  program(j: Jaxpr): Program {
    for (const v of [...j.consts, ...j.inputs]) checkDtype(v.aval.dtype, 'compile');
    const p = this.programs.program(j);
    for (const a of p.slotAvals) checkDtype(a.dtype, 'compile');
    return p;
  }

  compile(jaxpr: Jaxpr): Executable {
    let exe = this.executables.get(jaxpr);
    if (!exe) {
      this.program(jaxpr);
      exe = new ProgramExecutable(this.programs.runner(jaxpr), {
        data: dataOf,
        wrap: (d, a) => this.wrap(d, a),
        copy: (d, a) => this.adopt(d.slice(), a),
        retain: (b) => this.retain(b.ref),
      });
      this.executables.set(jaxpr, exe);
    }
    return exe;
  }

  put(data: TypedArray, aval: Aval): Buffer {
    checkDtype(aval.dtype, 'put');
    const n = size(aval.shape);
    if (data.length !== n) throw new Error(`${TEST_F32}.put: ${data.length} elements for shape [${aval.shape}]`);
    const copy = typedArrayFor(aval.dtype, n);
    copy.set(data);
    return this.adopt(copy, aval);
  }

  /** Wraps freshly allocated data as a buffer and counts it. */
  adopt(data: TypedArray, aval: Aval): TestF32Buffer {
    return new TestF32Buffer(aval, this.alloc(data));
  }

  /** Wraps data the runner already counted. */
  wrap(data: TypedArray, aval: Aval): TestF32Buffer {
    return new TestF32Buffer(aval, data);
  }

  async read(buf: Buffer): Promise<TypedArray> {
    // Snapshot now (the result reflects the buffer at the call), deliver on a later macrotask,
    // as a GPU's mapAsync would: code that forgets to await sees a Promise, not data.
    const copy = dataOf(buf).slice();
    await new Promise<void>((r) => setTimeout(r, 0));
    return copy;
  }
  // No readSync: the point of this device.

  retain(ref: BufferRef): void {
    ref.refs++;
  }
  release(ref: BufferRef): void {
    if (ref.refs <= 0) throw new Error(`${TEST_F32}: a buffer was released more often than retained`);
    if (--ref.refs === 0) this.free((ref as F32Ref).bytes);
  }
  memory(): MemoryStats {
    return { liveBytes: this.live, peakBytes: this.peak, buffers: this.count };
  }
  resetPeakMemory(): void {
    this.peak = this.live;
  }
}
