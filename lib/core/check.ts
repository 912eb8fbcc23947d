/** typecheck: re-derives every aval of a Jaxpr from the primitives' shape rules. */
import { type Atom, type Eqn, Jaxpr, avalEq, avalStr, isVar } from './ir.js';
import { ShapeError } from './errors.js';

function eqnStr(e: Eqn): string {
  // Print the equation alone, as a one-equation Jaxpr over its inputs.
  const ins = e.inputs.filter(isVar);
  return new Jaxpr([], [...new Map(ins.map((v) => [v.id, v])).values()], [e], e.outputs).toString();
}

/** The first equation whose avals do not follow its shape rule, as a ShapeError (returned, not thrown); undefined when the Jaxpr checks. */
export function typecheckJaxpr(j: Jaxpr): ShapeError | undefined {
  const defined = new Map<number, Atom>();
  const bad = (msg: string) => (new ShapeError(`typecheck: ${msg}\nin jaxpr:\n${j.toString()}`));
  for (const v of [...j.consts, ...j.inputs]) {
    if (defined.has(v.id)) return bad(`variable bound twice: ${avalStr(v.aval)}`);
    defined.set(v.id, v);
  }
  for (const e of j.eqns) {
    for (const a of e.inputs) {
      if (!isVar(a)) continue;
      const d = defined.get(a.id);
      if (!d) return bad(`an input of ${e.primitive.name} is used before it is defined:\n${eqnStr(e)}`);
      if (!avalEq(d.aval, a.aval)) return bad(`input aval mismatch ${avalStr(d.aval)} vs ${avalStr(a.aval)} in:\n${eqnStr(e)}`);
    }
    for (const p of Object.values(e.params)) {
      if (p instanceof Jaxpr) { const r = typecheckJaxpr(p); if (r) return r; }
      if (Array.isArray(p)) for (const q of p) if (q instanceof Jaxpr) { const r = typecheckJaxpr(q); if (r) return r; }
    }
    const derived = e.primitive.abstractEval(e.inputs.map((a) => a.aval), e.params);
    if (derived instanceof ShapeError) return bad(`${derived.message}\nin:\n${eqnStr(e)}`);
    const outs = derived;
    if (outs.length !== e.outputs.length || outs.some((a, i) => !avalEq(a, e.outputs[i].aval))) {
      return bad(`${e.primitive.name} produces ${outs.map(avalStr).join(', ')} but the equation declares ${e.outputs.map((v) => avalStr(v.aval)).join(', ')}:\n${eqnStr(e)}`);
    }
    for (const v of e.outputs) {
      if (defined.has(v.id)) return bad(`variable bound twice by ${e.primitive.name}`);
      defined.set(v.id, v);
    }
  }
  for (const a of j.outputs) {
    if (isVar(a) && !defined.has(a.id)) return bad(`output ${avalStr(a.aval)} is never defined`);
  }
  return undefined;
}

/** Throws a ShapeError naming the first equation whose avals do not follow its shape rule. */
export function typecheck(j: Jaxpr): Jaxpr {
  const e = typecheckJaxpr(j);
  if (e) throw e;
  return j;
}

// Set COTANGENT_CHECK=1 (the test suite does) to typecheck every Jaxpr a builder produces, so a
// broken rule fails where it is, naming its primitive.
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const checking = env?.COTANGENT_CHECK === '1';

/** `j`, typechecked first when COTANGENT_CHECK=1. */
export function checked(j: Jaxpr): Jaxpr {
  return checking ? typecheck(j) : j;
}
