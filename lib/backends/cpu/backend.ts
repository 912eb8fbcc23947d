/**
 * The CPU backend: float64-exact reference. Compiles a Jaxpr into a list of kernel steps with a
 * precomputed slot layout, and frees every intermediate right after its last use.
 */
import { type DType, type TypedArray, typedArrayFor } from '../../core/dtype.js';
import { type Aval, type Eqn, Jaxpr, isVar, size } from '../../core/ir.js';
import { traceFlat } from '../../core/trace.js';
import type { ConcreteArray } from '../../core/array.js';
import type { Backend, Buffer, BufferRef, Executable, MemoryStats } from '../../core/backend.js';
import { type CpuContext, type CpuKernel, getKernel } from './kernels.js';
import { type FusedStep, planFusion } from './fuse.js';

/** The accounting side of a CPU buffer: the garbage collector owns the data itself. */
class CpuRef implements BufferRef {
  refs = 1;
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

const bytesOf = (a: TypedArray): number => a.byteLength;

interface Step {
  run: (ins: readonly TypedArray[]) => TypedArray[];
  ins: readonly (number | TypedArray)[]; // slot index, or a literal's data
  outs: readonly number[];
  free: readonly number[]; // intermediate slots whose last use is this step
}

export class CpuBackend implements Backend, CpuContext {
  readonly name = 'cpu';
  readonly dtypes: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
  private readonly mem = new Memory();
  private readonly compiled = new WeakMap<Jaxpr, CpuExecutable>();

  compile(jaxpr: Jaxpr): CpuExecutable {
    let exe = this.compiled.get(jaxpr);
    if (!exe) {
      exe = new CpuExecutable(jaxpr, this);
      this.compiled.set(jaxpr, exe);
    }
    return exe;
  }

  put(data: TypedArray, aval: Aval): CpuBuffer {
    const n = size(aval.shape);
    if (data.length !== n) throw new Error(`cpu.put: ${data.length} elements for shape [${aval.shape}]`);
    const copy = typedArrayFor(aval.dtype, n);
    copy.set(data);
    return this.adopt(copy, aval);
  }

  /** Wraps a freshly allocated array as a buffer (counted as live). */
  adopt(data: TypedArray, aval: Aval): CpuBuffer {
    this.mem.alloc(bytesOf(data));
    return new CpuBuffer(aval, data);
  }

  readSync(buf: Buffer): TypedArray {
    return (buf as CpuBuffer).data.slice();
  }
  async read(buf: Buffer): Promise<TypedArray> {
    return this.readSync(buf);
  }
  retain(ref: BufferRef): void {
    ref.refs++;
  }
  release(ref: BufferRef): void {
    if (--ref.refs === 0) this.mem.free((ref as CpuRef).bytes);
  }
  memory(): MemoryStats {
    return { liveBytes: this.mem.live, peakBytes: this.mem.peak, buffers: this.mem.buffers };
  }
  resetPeakMemory(): void {
    this.mem.peak = this.mem.live;
  }

  /** CpuContext: runs a sub-Jaxpr on raw arrays (consts first), accounting its intermediates. */
  run(jaxpr: Jaxpr, inputs: readonly TypedArray[]): TypedArray[] {
    const outs = this.compile(jaxpr).runRaw(inputs);
    // The calling executable counts kernel outputs itself.
    for (const o of outs) this.untrack(o);
    return outs;
  }

  /** @internal memory accounting for executables */
  track(a: TypedArray): void { this.mem.alloc(bytesOf(a)); }
  untrack(a: TypedArray): void { this.mem.free(bytesOf(a)); }
}

/** A kernel for a primitive without one: its `decompose` rule, traced once into a sub-Jaxpr. */
function decomposed(e: Eqn): CpuKernel {
  const rule = e.primitive.decompose;
  if (!rule) throw new Error(`cpu backend: no kernel for primitive '${e.primitive.name}'`);
  const sub = traceFlat((...xs) => rule(xs, e.params), e.inputs.map((a) => a.aval), { abstractReason: `while lowering ${e.primitive.name}` });
  const j = new Jaxpr([], [...sub.jaxpr.consts, ...sub.jaxpr.inputs], sub.jaxpr.eqns, sub.jaxpr.outputs);
  const consts = sub.consts.map((c) => (c as ConcreteArray).readSync());
  return (ins, _a, _o, _p, ctx) => ctx.run(j, [...consts, ...ins]);
}

export class CpuExecutable implements Executable {
  private readonly steps: Step[] = [];
  private readonly nSlots: number;
  private readonly nIn: number;
  /** Output i: a slot index, or a literal's data. */
  private readonly outs: (number | TypedArray)[];

  constructor(
    readonly jaxpr: Jaxpr,
    private readonly backend: CpuBackend,
  ) {
    const slot = new Map<number, number>();
    let n = 0;
    for (const v of [...jaxpr.consts, ...jaxpr.inputs]) slot.set(v.id, n++);
    this.nIn = n;
    for (const e of jaxpr.eqns) for (const v of e.outputs) slot.set(v.id, n++);
    this.nSlots = n;

    // Last use of each intermediate slot; outputs and inputs are never freed here.
    const last = new Map<number, number>();
    jaxpr.eqns.forEach((e, k) => e.inputs.forEach((a) => isVar(a) && last.set(slot.get(a.id)!, k)));
    const keep = new Set(jaxpr.outputs.filter(isVar).map((v) => slot.get(v.id)!));
    const freeAt: number[][] = jaxpr.eqns.map(() => []);
    for (const [s, k] of last) if (s >= this.nIn && !keep.has(s)) freeAt[k].push(s);
    // Outputs nobody reads are freed right after they are made.
    jaxpr.eqns.forEach((e, k) => e.outputs.forEach((v) => {
      const s = slot.get(v.id)!;
      if (!last.has(s) && !keep.has(s)) freeAt[k].push(s);
    }));

    const literalData = (value: number, dtype: DType): TypedArray => {
      const d = typedArrayFor(dtype, 1);
      d[0] = value;
      return d;
    };
    const fused = new Map(planFusion(jaxpr).map((f) => [f.start, f]));
    const slotted = (s: number, f: FusedStep) => s < this.nIn || f.outputs.some((v) => slot.get(v.id) === s) || f.inputs.some((v) => slot.get(v.id) === s);
    for (let k = 0; k < jaxpr.eqns.length; k++) {
      const f = fused.get(k);
      if (f) {
        // Values made and consumed inside the run never reach the environment.
        const free = freeAt.slice(f.start, f.end).flat().filter((s) => slotted(s, f));
        this.steps.push({ run: f.run, ins: f.inputs.map((v) => slot.get(v.id)!), outs: f.outputs.map((v) => slot.get(v.id)!), free });
        k = f.end - 1;
        continue;
      }
      const e = jaxpr.eqns[k];
      const kernel = getKernel(e.primitive.name) ?? decomposed(e);
      const inAvals = e.inputs.map((a) => a.aval);
      const outAvals = e.outputs.map((v) => v.aval);
      const params = e.params;
      this.steps.push({
        run: (ins) => kernel(ins, inAvals, outAvals, params, backend),
        ins: e.inputs.map((a) => (isVar(a) ? slot.get(a.id)! : literalData(a.value, a.aval.dtype))),
        outs: e.outputs.map((v) => slot.get(v.id)!),
        free: freeAt[k],
      });
    }
    this.outs = jaxpr.outputs.map((a) => (isVar(a) ? slot.get(a.id)! : literalData(a.value, a.aval.dtype)));
  }

  run(inputs: readonly Buffer[]): Buffer[] {
    const raw = inputs.map((b) => (b as CpuBuffer).data);
    const env = this.exec(raw);
    const made = new Map<number, CpuBuffer>();
    return this.outs.map((o, i) => {
      const aval = this.jaxpr.outputs[i].aval;
      if (typeof o !== 'number') return this.backend.adopt(o.slice(), aval);
      if (o < this.nIn) { this.backend.retain(inputs[o].ref); return inputs[o]; }
      const prev = made.get(o);
      if (prev) { this.backend.retain(prev.ref); return prev; }
      // The executable's allocation becomes the buffer's: already counted as live.
      const b = new CpuBuffer(aval, env[o]!);
      made.set(o, b);
      return b;
    });
  }

  /** Runs on raw arrays; outputs that are inputs are copied, so callers own every output. */
  runRaw(inputs: readonly TypedArray[]): TypedArray[] {
    const env = this.exec(inputs);
    const seen = new Set<number>();
    return this.outs.map((o) => {
      if (typeof o !== 'number') { const c = o.slice(); this.backend.track(c); return c; }
      if (o < this.nIn || seen.has(o)) { const c = env[o]!.slice(); this.backend.track(c); return c; }
      seen.add(o);
      return env[o]!;
    });
  }

  private exec(inputs: readonly TypedArray[]): (TypedArray | undefined)[] {
    if (inputs.length !== this.nIn) throw new Error(`cpu executable: expected ${this.nIn} inputs, got ${inputs.length}`);
    const env: (TypedArray | undefined)[] = new Array(this.nSlots);
    for (let i = 0; i < this.nIn; i++) env[i] = inputs[i];
    for (const st of this.steps) {
      const ins = st.ins.map((s) => (typeof s === 'number' ? env[s]! : s));
      const outs = st.run(ins);
      for (let i = 0; i < outs.length; i++) {
        this.backend.track(outs[i]);
        env[st.outs[i]] = outs[i];
      }
      for (const s of st.free) {
        this.backend.untrack(env[s]!);
        env[s] = undefined;
      }
    }
    return env;
  }
}
