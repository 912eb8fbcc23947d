/**
 * Helpers for primitives that hold sub-Jaxprs: tracing closed sub-Jaxprs (captured values become
 * explicit leading inputs) and giving several branches one common signature.
 */
import type { Array } from '../core/array.js';
import { type Aval, Jaxpr, newVar } from '../core/ir.js';
import { traceFlat } from '../core/trace.js';
import { batchFirst, moveAxis } from '../primitives/batching.js';
import { vmapEval } from './vmap.js';

export interface Closed {
  /** Inputs are [...captured consts, ...the traced function's inputs]. */
  jaxpr: Jaxpr;
  consts: Array[];
}

/** Traces `fn` into a Jaxpr without consts: captured values become leading inputs. */
export function closedTrace(fn: (...xs: Array[]) => Array[], avals: readonly Aval[], reason: string): Closed {
  const t = traceFlat(fn, avals, { abstractReason: reason });
  const j = t.jaxpr;
  return { jaxpr: new Jaxpr([], [...j.consts, ...j.inputs], j.eqns, j.outputs), consts: t.consts };
}

/**
 * Gives closed branches one signature [...base inputs, ...consts of branch 0, ...of branch 1, ...]:
 * each branch ignores the other branches' consts. Returns the branches and all consts in order.
 */
export function unifyBranches(branches: readonly Closed[]): { jaxprs: Jaxpr[]; consts: Array[] } {
  const consts = branches.flatMap((b) => b.consts);
  const jaxprs = branches.map((b, i) => {
    const nc = b.consts.length;
    const own = b.jaxpr.inputs.slice(0, nc);
    const base = b.jaxpr.inputs.slice(nc);
    const slots = branches.flatMap((o, k) => (k === i ? own : o.jaxpr.inputs.slice(0, o.consts.length).map((v) => newVar(v.aval))));
    return new Jaxpr([], [...base, ...slots], b.jaxpr.eqns, b.jaxpr.outputs);
  });
  return { jaxprs, consts };
}

/** A closed trace that must not capture anything (used when building equations directly). */
export function pureTrace(fn: (...xs: Array[]) => Array[], avals: readonly Aval[], reason: string): Jaxpr {
  const c = closedTrace(fn, avals, reason);
  if (c.consts.length) throw new Error(`${reason}: internal error: a sub-Jaxpr captured ${c.consts.length} constant(s)`);
  return c.jaxpr;
}

/** Moves batch dims to 0 and traces `j` batched, every output batched at 0 (for rules of
 * primitives that hold sub-Jaxprs). Returns the closed batched Jaxpr and the moved inputs. */
export function vmapClosed(j: Jaxpr, ins: readonly Array[], dims: readonly (number | null)[], size: number, what: string): { closed: Closed; moved: Array[] } {
  const moved = ins.map((x, i) => (dims[i] === null ? x : moveAxis(x, dims[i]!, 0)));
  const d0 = dims.map((d) => (d === null ? null : 0));
  const closed = closedTrace((...zs) => {
    const [o, od] = vmapEval(j, [], zs, d0, size);
    return o.map((v, i) => batchFirst(v, od[i], size));
  }, moved.map((x) => x.aval), `vmap of a ${what}`);
  return { closed, moved };
}
