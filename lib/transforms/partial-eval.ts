/**
 * Partial evaluation: splits a Jaxpr whose inputs are partly known (primals) and partly unknown
 * (tangents) into a known Jaxpr that also emits residuals, and an unknown Jaxpr over
 * [residuals, unknown inputs]. Applied to a JVP Jaxpr, the unknown part is the linearization.
 */
import { type Atom, type Eqn, Jaxpr, type Var, isVar } from '../core/ir.js';
import { checked } from '../core/check.js';

export interface Split {
  /** [known inputs] -> [known outputs..., residuals...] */
  known: Jaxpr;
  /** [residuals..., unknown inputs] -> [unknown outputs] */
  unknown: Jaxpr;
  outUnknown: boolean[];
  nResiduals: number;
}

/**
 * `unknownIns` marks the inputs (consts first, then inputs) that are unknown; `forceUnknown`
 * marks outputs the unknown Jaxpr must produce even when they are known (passed through as
 * residuals), so that several branches can agree on one signature.
 */
export function partialEval(j: Jaxpr, unknownIns: readonly boolean[], forceUnknown?: readonly boolean[]): Split {
  const all = [...j.consts, ...j.inputs];
  const unknown = new Set<number>();
  all.forEach((v, i) => unknownIns[i] && unknown.add(v.id));
  const isUnknown = (a: Atom) => isVar(a) && unknown.has(a.id);
  const knownEqns: Eqn[] = [];
  const unknownEqns: Eqn[] = [];
  const residuals = new Map<number, Var>();
  const addResidual = (a: Atom) => { if (isVar(a) && !unknown.has(a.id)) residuals.set(a.id, a); };
  const stage = (e: Eqn) => {
    unknownEqns.push(e);
    e.inputs.forEach(addResidual);
    e.outputs.forEach((v) => unknown.add(v.id));
  };
  for (const e of j.eqns) {
    const mask = e.inputs.map(isUnknown);
    if (!mask.some(Boolean)) { knownEqns.push(e); continue; }
    const rule = e.primitive.partialEval;
    if (!rule) { stage(e); continue; }
    const r = rule(e, mask);
    knownEqns.push(...r.known);
    r.staged.forEach(stage);
  }
  const outUnknown = j.outputs.map((o, i) => isUnknown(o) || !!forceUnknown?.[i]);
  j.outputs.forEach((o, i) => { if (outUnknown[i] && !isUnknown(o)) addResidual(o); });
  const res = [...residuals.values()];
  const knownIns = all.filter((_, i) => !unknownIns[i]);
  const unknownInVars = all.filter((_, i) => unknownIns[i]);
  const known = new Jaxpr([], knownIns, knownEqns, [...j.outputs.filter((_, i) => !outUnknown[i]), ...res]);
  const unk = new Jaxpr([], [...res, ...unknownInVars], unknownEqns, j.outputs.filter((_, i) => outUnknown[i]));
  return { known: checked(known), unknown: checked(unk), outUnknown, nResiduals: res.length };
}
