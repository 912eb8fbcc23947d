/**
 * Helpers for primitives that hold sub-Jaxprs: tracing closed sub-Jaxprs (captured values become
 * explicit leading inputs) and giving several branches one common signature.
 */
import type { Array } from '../core/array.js';
import { type Aval, Jaxpr, newVar } from '../core/ir.js';
import { traceFlat } from '../core/trace.js';

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
