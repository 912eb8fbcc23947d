/** An Executable over the shared runner: the part of every backend's Executable that is the same. */
import type { Buffer, Executable, ExecutableStats } from '../core/backend.js';
import type { Aval } from '../core/ir.js';
import { type Program, programStats } from './program.js';
import type { ProgramRunner, RunResult } from './runner.js';

/** How a backend's Buffers (W) hold the runner's buffers (B). */
export interface BufferKind<B, W extends Buffer> {
  data(w: W): B;
  /** A Buffer for a result the run allocated (its memory is already counted). */
  wrap(d: B, a: Aval): W;
  /** A Buffer holding a new copy of `d` (a program constant passed out). */
  copy(d: B, a: Aval): W;
  retain(w: W): void;
}

export class ProgramExecutable<B, W extends Buffer> implements Executable {
  readonly stats: ExecutableStats;
  private readonly outAvals: readonly Aval[];

  constructor(private readonly runner: ProgramRunner<B>, private readonly kind: BufferKind<B, W>) {
    const p = runner.program;
    // Only devices with a host fallback report which routines take it.
    this.stats = { ...programStats(p), ...(runner.hostFallback ? { hostRoutines: runner.hostRoutines } : {}) };
    this.outAvals = p.outputs.map((s) => p.slotAvals[s]);
  }

  get program(): Program { return this.runner.program; }

  run(inputs: readonly Buffer[]): W[] {
    const ws = inputs as readonly W[];
    return this.outputs(ws, this.runner.run(ws.map((w) => this.kind.data(w))));
  }

  async runAsync(inputs: readonly Buffer[]): Promise<W[]> {
    const ws = inputs as readonly W[];
    return this.outputs(ws, await this.runner.runAsync(ws.map((w) => this.kind.data(w))));
  }

  /**
   * One new reference per output. An output that is one of the inputs (or repeats an earlier
   * output) shares that Buffer and is retained; an owned result is wrapped as it is; a constant
   * of the program is copied out.
   */
  private outputs(inputs: readonly W[], r: RunResult<B>): W[] {
    const made = new Map<B, W>();
    return r.outs.map((d, i) => {
      const given = made.get(d) ?? inputs.find((w) => this.kind.data(w) === d);
      if (given) { this.kind.retain(given); return given; }
      const w = r.owned[i] ? this.kind.wrap(d, this.outAvals[i]) : this.kind.copy(d, this.outAvals[i]);
      made.set(d, w);
      return w;
    });
  }
}
