/** A device's lowered Programs and their runners, each made once (per Jaxpr, per Program). */
import type { Jaxpr } from '../core/ir.js';
import { type Capabilities, lower } from './plan.js';
import type { Program } from './program.js';
import { ProgramRunner, type Runtime } from './runner.js';

export class Programs<B> {
  private readonly programs = new WeakMap<Jaxpr, Program>();
  private readonly runners = new WeakMap<Program, ProgramRunner<B>>();

  constructor(private readonly caps: Capabilities, private readonly runtime: Runtime<B>) {}

  /** The Program of `j` (sub-Jaxprs of control flow are lowered and cached alike). */
  program(j: Jaxpr): Program {
    let p = this.programs.get(j);
    if (!p) {
      p = lower(j, this.caps, (s) => this.program(s));
      this.programs.set(j, p);
    }
    return p;
  }

  runner(j: Jaxpr): ProgramRunner<B> {
    return this.runnerOf(this.program(j));
  }

  private runnerOf(p: Program): ProgramRunner<B> {
    let r = this.runners.get(p);
    if (!r) {
      r = new ProgramRunner(p, this.runtime, (s) => this.runnerOf(s));
      this.runners.set(p, r);
    }
    return r;
  }
}
