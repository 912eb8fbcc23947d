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
    const data: B[] = [];
    for (const w of ws) data.push(this.kind.data(w));
    return this.outputs(ws, this.runner.run(data));
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
    // An owned result is a buffer the run allocated, the first output holding it: neither an
    // input nor an earlier output, so it is wrapped without a search or a map (the common case).
    const out: W[] = [];
    for (let i = 0; i < r.outs.length; i++) {
      const d = r.outs[i];
      if (r.owned[i]) { out.push(this.kind.wrap(d, this.outAvals[i])); continue; }
      const j = r.outs.indexOf(d);
      const given = j < i ? out[j] : inputs.find((w) => this.kind.data(w) === d);
      if (given) { this.kind.retain(given); out.push(given); continue; }
      out.push(this.kind.copy(d, this.outAvals[i]));
    }
    return out;
  }
}
