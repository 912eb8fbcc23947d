/** Jaxpr -> Jaxpr cleanup passes. Every primitive is pure, so unused equations can go. */
import { Jaxpr, isVar } from '../core/ir.js';

/** Dead-code elimination: drops equations none of whose outputs reach an output. */
export function dce(j: Jaxpr): Jaxpr {
  const live = new Set<number>();
  for (const a of j.outputs) if (isVar(a)) live.add(a.id);
  const kept = [];
  for (let k = j.eqns.length - 1; k >= 0; k--) {
    const e = j.eqns[k];
    if (!e.outputs.some((v) => live.has(v.id))) continue;
    kept.push(e);
    for (const a of e.inputs) if (isVar(a)) live.add(a.id);
  }
  if (kept.length === j.eqns.length) return j;
  return new Jaxpr(j.consts, j.inputs, kept.reverse(), j.outputs);
}

/** The cleanup pipeline run on every transformed Jaxpr. */
export function simplify(j: Jaxpr): Jaxpr {
  return dce(j);
}
