/**
 * The one Program runner every backend uses. A backend supplies a Runtime (allocation, its
 * rendered kernels, its routines, copies); the runner walks the steps, follows the memory plan
 * (frees dead buffers, hands them to later kernels of equal size), and runs control steps over
 * sub-Programs.
 */
import type { TypedArray } from '../core/dtype.js';
import { type Aval, aval as mkAval, size } from '../core/ir.js';
import type { Params } from '../core/ir.js';
import type { Kernel, Program, Step } from './program.js';
import { selectKernel } from './select-kernel.js';

/** The longest chunk of a chunked while loop (steps per predicate read). */
const MAX_CHUNK = 64;

export type KernelFn<B> = (ins: readonly B[], outs: readonly B[]) => void;
/** Returns freshly allocated outputs (never an alias of an input). */
export type RoutineFn<B> = (ins: readonly B[], inAvals: readonly Aval[], outAvals: readonly Aval[], params: Params) => B[];

/** A routine and its epilogue as one step: `epIns` are the epilogue's inputs other than the routine's result. */
export type FusedFn<B> = (ins: readonly B[], epIns: readonly B[], inAvals: readonly Aval[], outAvals: readonly Aval[], params: Params) => B[];

export interface Runtime<B> {
  readonly name: string;
  /** A new buffer, counted as live device memory. */
  alloc(a: Aval): B;
  /** Releases a buffer the runner allocated (or a routine returned). */
  free(b: B): void;
  upload(data: TypedArray, a: Aval): B;
  kernel(k: Kernel): KernelFn<B>;
  routine(name: string): RoutineFn<B> | undefined;
  /**
   * The routine with its elementwise epilogue (input `result` of `kernel` is the routine's
   * result, of `resultAval`) as one step, where the device has such a form; outputs are the
   * epilogue's. Without it the runner runs the epilogue as a kernel after the routine.
   */
  fusedRoutine?(name: string, kernel: Kernel, result: number, resultAval: Aval): FusedFn<B> | undefined;
  /**
   * The data of `b` on the host, synchronously, where the device can (it may be `b`'s own memory:
   * the runner only reads it before the next step). Without it, programs that read a device value
   * on the host (cond and while predicates, host routines) run only through `runAsync`.
   */
  readSync?(b: B): TypedArray;
  readAsync(b: B): Promise<TypedArray>;
  /**
   * Routines the device runs on the host, its inputs read back and its outputs uploaded (a GPU
   * without a kernel for them). Consulted when `routine` has none.
   */
  hostRoutine?(name: string): RoutineFn<TypedArray> | undefined;
  /** A new buffer holding `data`, counted as live device memory like `alloc`. */
  fromHost?(data: TypedArray, a: Aval): B;
  /** `n` elements of `b` from element `offset` (a view, or a copy), for scan's per-step slices. */
  slice(b: B, offset: number, a: Aval): B;
  /** Releases what `slice` returned, after the step that read it (devices whose slices are copies). */
  dropSlice?(b: B): void;
  /**
   * Run `while` loops in chunks (devices whose reads are round trips): a chunk of k steps reads
   * the predicate once; its later steps are masked (the carry is kept where the predicate is
   * false), and k doubles up to 64 each chunk.
   */
  readonly chunkedWhile?: boolean;
  /** Copies all of `src` into `dst` from element `offset`. */
  write(dst: B, offset: number, src: B): void;
}

/** Outputs of a run: `owned[i]` false means outs[i] is one of the run's inputs or constants. */
export interface RunResult<B> { outs: B[]; owned: boolean[] }

/**
 * A step. Steps that read device values on the host are generators: they yield the buffer they
 * need (a predicate, a host routine's input) and resume with its data, so one runner serves the
 * synchronous and the asynchronous driver alike.
 */
type Reads<B, T> = Generator<B, T, TypedArray>;
type Exec<B> = (env: B[], owned: boolean[]) => void | Reads<B, void>;

export class ProgramRunner<B> {
  private readonly consts: B[];
  private readonly execs: Exec<B>[];
  /** Kernels and routines only: run as a plain loop, without a generator per call. */
  private readonly straight: boolean;
  /** Per output: whether it is the first output of its slot (a repeated slot is owned once). */
  private readonly firstOut: readonly boolean[];

  constructor(readonly program: Program, private readonly rt: Runtime<B>, private readonly sub: (p: Program) => ProgramRunner<B>) {
    this.consts = program.constants.map((c) => rt.upload(c.data, program.slotAvals[c.slot]));
    this.execs = program.steps.map((st, i) => this.prepare(st, i));
    this.straight = program.steps.every((st) => st.kind === 'kernel' || (st.kind === 'routine' && !!rt.routine(st.name)));
    this.firstOut = program.outputs.map((s, i) => program.outputs.indexOf(s) === i);
  }

  /** Runs synchronously; data-dependent control flow needs `readScalar`. */
  run(inputs: readonly B[]): RunResult<B> {
    if (this.straight) return this.runStraight(inputs);
    const g = this.steps(inputs);
    let r = g.next();
    while (!r.done) {
      if (!this.rt.readSync) {
        throw new Error(`${this.rt.name}: this program reads a value of device '${this.rt.name}' on the host (${this.hostReads()}), which this device cannot do synchronously; run it with 'await jit(f).async(...args)', or on the 'cpu' device`);
      }
      r = g.next(this.rt.readSync(r.value));
    }
    return r.value;
  }

  /** Whether this device runs routines it lacks on the host (a GPU) rather than not at all. */
  get hostFallback(): boolean { return this.rt.hostRoutine !== undefined; }

  /** Routines of this program (top level) that the device runs on the host. */
  get hostRoutines(): string[] {
    return [...new Set(this.program.steps.flatMap((st) => (st.kind === 'routine' && !this.rt.routine(st.name) ? [st.name] : [])))];
  }

  /** What makes this program read device values on the host, for the error above. */
  private hostReads(): string {
    const why = [
      ...this.hostRoutines.map((n) => `${n}, which runs on the host on this device`),
      ...(this.program.steps.some((st) => st.kind === 'cond' || st.kind === 'while') ? ['a predicate of lax.cond, lax.switch or lax.whileLoop'] : []),
    ];
    return why.join('; ') || 'in a lax.scan body';
  }

  /** Runs, awaiting each predicate the device reads back. */
  async runAsync(inputs: readonly B[]): Promise<RunResult<B>> {
    const g = this.steps(inputs);
    let r = g.next();
    while (!r.done) r = g.next(await this.rt.readAsync(r.value));
    return r.value;
  }

  *steps(inputs: readonly B[]): Reads<B, RunResult<B>> {
    if (this.straight) return this.runStraight(inputs);
    const [env, owned] = this.begin(inputs);
    for (let i = 0; i < this.execs.length; i++) {
      const g = this.execs[i](env, owned);
      if (g) yield* g;
      this.freeAfter(i, env, owned);
    }
    return this.result(env, owned);
  }

  private runStraight(inputs: readonly B[]): RunResult<B> {
    const [env, owned] = this.begin(inputs);
    for (let i = 0; i < this.execs.length; i++) {
      this.execs[i](env, owned);
      this.freeAfter(i, env, owned);
    }
    return this.result(env, owned);
  }

  private begin(inputs: readonly B[]): [B[], boolean[]] {
    const p = this.program;
    if (inputs.length !== p.inputs.length) throw new Error(`${this.rt.name} program: expected ${p.inputs.length} inputs, got ${inputs.length}`);
    const env = new globalThis.Array<B>(p.slotAvals.length);
    const owned = new globalThis.Array<boolean>(p.slotAvals.length).fill(false);
    for (let i = 0; i < p.inputs.length; i++) env[p.inputs[i]] = inputs[i];
    for (let i = 0; i < p.constants.length; i++) env[p.constants[i].slot] = this.consts[i];
    return [env, owned];
  }

  private freeAfter(i: number, env: B[], owned: boolean[]): void {
    const dead = this.program.free[i];
    for (let k = 0; k < dead.length; k++) {
      const s = dead[k];
      if (owned[s]) this.rt.free(env[s]);
      owned[s] = false;
      env[s] = undefined as B;
    }
  }

  private result(env: B[], owned: boolean[]): RunResult<B> {
    const p = this.program;
    const outs: B[] = [], own: boolean[] = [];
    for (let i = 0; i < p.outputs.length; i++) {
      const s = p.outputs[i];
      outs.push(env[s]);
      own.push(owned[s] && this.firstOut[i]);
    }
    return { outs, owned: own };
  }

  /** An owned result: borrowed buffers (inputs passed through a sub-run) are copied. */
  private own(r: RunResult<B>, avals: readonly Aval[]): B[] {
    return r.outs.map((b, i) => {
      if (r.owned[i]) return b;
      const c = this.rt.alloc(avals[i]);
      this.rt.write(c, 0, b);
      return c;
    });
  }

  /**
   * A routine the device runs on the host: its inputs are read back (yielded, so the async driver
   * awaits them), its outputs uploaded. The epilogue, if any, runs on the device after.
   */
  private hostRoutine(st: Extract<Step, { kind: 'routine' }>): Exec<B> {
    const rt = this.rt;
    const fn = rt.hostRoutine?.(st.name);
    if (!fn || !rt.fromHost) throw new Error(`${rt.name}: no routine '${st.name}' on this device`);
    const fromHost = rt.fromHost.bind(rt);
    const ep = st.epilogue;
    const kernel = ep && rt.kernel(ep.kernel);
    const avals = this.program.slotAvals;
    return function* (env: B[], owned: boolean[]): Reads<B, void> {
      const data: TypedArray[] = [];
      for (const s of st.ins) data.push((yield env[s]).slice());
      const res = fn(data, st.inAvals, st.outAvals, st.params).map((d, i) => fromHost(d, st.outAvals[i]));
      let outs = res;
      if (kernel) {
        outs = st.outs.map((s) => rt.alloc(avals[s]));
        kernel(ep.ins.map((s) => (s === 'result' ? res[0] : env[s])), outs);
        rt.free(res[0]);
      }
      st.outs.forEach((s, i) => { env[s] = outs[i]; owned[s] = true; });
    };
  }

  private prepare(st: Step, i: number): Exec<B> {
    const rt = this.rt;
    const avals = this.program.slotAvals;
    const outAvals = st.outs.map((s) => avals[s]);
    const bindOuts = (env: B[], owned: boolean[], outs: readonly B[]) => {
      for (let k = 0; k < st.outs.length; k++) { env[st.outs[k]] = outs[k]; owned[st.outs[k]] = true; }
    };
    /** The buffers of `slots` (plain loops: these run per step of every call). */
    const read = (env: readonly B[], slots: readonly number[]): B[] => {
      const bs: B[] = [];
      for (let k = 0; k < slots.length; k++) bs.push(env[slots[k]]);
      return bs;
    };
    switch (st.kind) {
      case 'kernel': {
        const fn = rt.kernel(st.kernel);
        const reuse = this.program.reuse[i];
        return (env, owned) => {
          // A buffer taken over from a dead slot keeps its allocation (and its accounting).
          const outs: B[] = [];
          for (let k = 0; k < outAvals.length; k++) {
            const d = reuse[k];
            if (d < 0 || !owned[d]) { outs.push(rt.alloc(outAvals[k])); continue; }
            outs.push(env[d]);
            owned[d] = false;
            env[d] = undefined as B;
          }
          fn(read(env, st.ins), outs);
          bindOuts(env, owned, outs);
        };
      }
      case 'routine': {
        const fn = rt.routine(st.name);
        if (!fn) return this.hostRoutine(st);
        const ep = st.epilogue;
        if (!ep) return (env, owned) => bindOuts(env, owned, fn(read(env, st.ins), st.inAvals, st.outAvals, st.params));
        const fused = rt.fusedRoutine?.(st.name, ep.kernel, ep.ins.indexOf('result'), st.outAvals[0]);
        if (fused) {
          const epIns = ep.ins.filter((s): s is number => s !== 'result');
          return (env, owned) => bindOuts(env, owned, fused(read(env, st.ins), read(env, epIns), st.inAvals, outAvals, st.params));
        }
        // A backend without a fused form runs the epilogue right after, while the result is hot.
        const kernel = rt.kernel(ep.kernel);
        return (env, owned) => {
          const [res] = fn(read(env, st.ins), st.inAvals, st.outAvals, st.params);
          const outs = outAvals.map((a) => rt.alloc(a));
          kernel(ep.ins.map((s) => (s === 'result' ? res : env[s])), outs);
          rt.free(res);
          bindOuts(env, owned, outs);
        };
      }
      case 'cond': {
        const branches = st.branches.map(this.sub);
        const self = this;
        return function* (env: B[], owned: boolean[]): Reads<B, void> {
          const i = Math.min(Math.max((yield env[st.ins[0]])[0], 0), branches.length - 1);
          bindOuts(env, owned, self.own(yield* branches[i].steps(st.ins.slice(1).map((s) => env[s])), outAvals));
        };
      }
      case 'scan': {
        const body = this.sub(st.body);
        const { nConsts, nCarry, length, reverse } = st;
        const xAvals = st.ins.slice(nConsts + nCarry).map((s) => avals[s]);
        const xSlice = xAvals.map((a) => mkAval(a.shape.slice(1), a.dtype));
        const yAvals = outAvals.slice(nCarry);
        const carryAvals = outAvals.slice(0, nCarry);
        const self = this;
        return function* (env: B[], owned: boolean[]): Reads<B, void> {
          const consts = st.ins.slice(0, nConsts).map((s) => env[s]);
          let carry = st.ins.slice(nConsts, nConsts + nCarry).map((s) => env[s]);
          let mine = carry.map(() => false);
          const xs = st.ins.slice(nConsts + nCarry).map((s) => env[s]);
          const ys = yAvals.map((a) => rt.alloc(a));
          for (let t = 0; t < length; t++) {
            const i = reverse ? length - 1 - t : t;
            const slices = xs.map((x, j) => rt.slice(x, i * size(xSlice[j].shape), xSlice[j]));
            const r = yield* body.steps([...consts, ...carry, ...slices]);
            const next = self.own({ outs: r.outs.slice(0, nCarry), owned: r.owned.slice(0, nCarry) }, carryAvals);
            carry.forEach((c, j) => { if (mine[j]) rt.free(c); });
            carry = next;
            mine = carry.map(() => true);
            ys.forEach((y, j) => {
              const v = r.outs[nCarry + j];
              rt.write(y, i * size(yAvals[j].shape.slice(1)), v);
              if (r.owned[nCarry + j]) rt.free(v);
            });
            // Copies of this step's slices die once the body's results are owned or copied out.
            if (rt.dropSlice) slices.forEach((x) => rt.dropSlice!(x));
          }
          const out = carry.map((c, j) => (mine[j] ? c : self.own({ outs: [c], owned: [false] }, [carryAvals[j]])[0]));
          bindOuts(env, owned, [...out, ...ys]);
        };
      }
      case 'while': {
        const cond = this.sub(st.cond);
        const body = this.sub(st.body);
        const { nCondConsts: nc, nBodyConsts: nb } = st;
        const self = this;
        const selects = rt.chunkedWhile ? outAvals.map((a) => rt.kernel(selectKernel(a))) : [];
        return function* (env: B[], owned: boolean[]): Reads<B, void> {
          const cc = st.ins.slice(0, nc).map((s) => env[s]);
          const bc = st.ins.slice(nc, nc + nb).map((s) => env[s]);
          let carry = st.ins.slice(nc + nb).map((s) => env[s]);
          let mine = carry.map(() => false);
          const step = function* (): Reads<B, void> {
            const next = self.own(yield* body.steps([...bc, ...carry]), outAvals);
            carry.forEach((b, j) => { if (mine[j]) rt.free(b); });
            carry = next;
            mine = carry.map(() => true);
          };
          // A step whose predicate stays on the device: the carry moves only where it holds.
          const masked = function* (): Reads<B, void> {
            const c = yield* cond.steps([...cc, ...carry]);
            const next = self.own(yield* body.steps([...bc, ...carry]), outAvals);
            const kept = next.map((b, j) => {
              const out = rt.alloc(outAvals[j]);
              selects[j]([c.outs[0], b, carry[j]], [out]);
              rt.free(b);
              return out;
            });
            if (c.owned[0]) rt.free(c.outs[0]);
            carry.forEach((b, j) => { if (mine[j]) rt.free(b); });
            carry = kept;
            mine = carry.map(() => true);
          };
          for (let chunk = 1; ; chunk = Math.min(2 * chunk, MAX_CHUNK)) {
            const c = yield* cond.steps([...cc, ...carry]);
            const go = (yield c.outs[0])[0];
            if (c.owned[0]) rt.free(c.outs[0]);
            if (!go) break;
            yield* step();
            if (rt.chunkedWhile) for (let i = 1; i < chunk; i++) yield* masked();
          }
          bindOuts(env, owned, carry.map((b, j) => (mine[j] ? b : self.own({ outs: [b], owned: [false] }, [outAvals[j]])[0])));
        };
      }
    }
  }
}
