/** typecheck: re-derives every aval of a Jaxpr from the primitives' shape rules. */
import * as E from 'fp-ts/lib/Either.js';
import { type Atom, type Eqn, Jaxpr, avalEq, avalStr, isVar } from './ir.js';
import { ShapeError, orThrow } from './errors.js';

function eqnStr(e: Eqn): string {
  // Print the equation alone, as a one-equation Jaxpr over its inputs.
  const ins = e.inputs.filter(isVar);
  return new Jaxpr([], [...new Map(ins.map((v) => [v.id, v])).values()], [e], e.outputs).toString();
}

/** Either the Jaxpr (when every equation's avals match its shape rule) or the first mismatch. */
export function typecheckJaxpr(j: Jaxpr): E.Either<ShapeError, Jaxpr> {
  const defined = new Map<number, Atom>();
  const bad = (msg: string) => E.left(new ShapeError(`typecheck: ${msg}\nin jaxpr:\n${j.toString()}`));
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
      if (p instanceof Jaxpr) { const r = typecheckJaxpr(p); if (E.isLeft(r)) return r; }
      if (Array.isArray(p)) for (const q of p) if (q instanceof Jaxpr) { const r = typecheckJaxpr(q); if (E.isLeft(r)) return r; }
    }
    const derived = e.primitive.abstractEval(e.inputs.map((a) => a.aval), e.params);
    if (E.isLeft(derived)) return bad(`${derived.left.message}\nin:\n${eqnStr(e)}`);
    const outs = derived.right;
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
  return E.right(j);
}

/** Throws a ShapeError naming the first equation whose avals do not follow its shape rule. */
export function typecheck(j: Jaxpr): Jaxpr {
  return orThrow(typecheckJaxpr(j));
}

// Set COTANGENT_CHECK=1 (the test suite does) to typecheck every Jaxpr a builder produces, so a
// broken rule fails where it is, naming its primitive.
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const checking = env?.COTANGENT_CHECK === '1';

/** `j`, typechecked first when COTANGENT_CHECK=1. */
export function checked(j: Jaxpr): Jaxpr {
  return checking ? typecheck(j) : j;
}
