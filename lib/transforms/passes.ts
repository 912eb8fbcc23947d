/**
 * Jaxpr -> Jaxpr cleanup passes, run on every transformed Jaxpr so nested derivatives do not
 * swell: algebraic identities (x*1, x+0, neg(neg x), a transposed product as the swapped
 * product ...), constant folding of scalar literals,
 * common-subexpression elimination and dead-code elimination. Every primitive is pure except the
 * effectful ones (host callbacks), which are neither removed nor merged.
 */
import { type Atom, type Eqn, Jaxpr, type Var, avalEq, eqn, hasEffects, isVar, literal } from '../core/ir.js';
import { paramsKey } from '../core/primitive.js';
import { checked } from '../core/check.js';
import { literalKey } from '../core/structural-key.js';
import { hostEval, scalarArray } from '../core/trace.js';
import { hostBackend } from '../core/backend.js';

/** Dead-code elimination: drops equations none of whose outputs reach an output (effects stay). */
export function dce(j: Jaxpr): Jaxpr {
  const live = new Set<number>();
  for (const a of j.outputs) if (isVar(a)) live.add(a.id);
  const kept = [];
  for (let k = j.eqns.length - 1; k >= 0; k--) {
    const e = j.eqns[k];
    if (!e.outputs.some((v) => live.has(v.id)) && !hasEffects(e)) continue;
    kept.push(e);
    for (const a of e.inputs) if (isVar(a)) live.add(a.id);
  }
  if (kept.length === j.eqns.length) return j;
  return new Jaxpr(j.consts, j.inputs, kept.reverse(), j.outputs);
}

const isLit = (a: Atom, v: number): boolean => !isVar(a) && a.value === v;

/** An atom equal to the equation's single output by an algebraic identity, if one applies. */
function identity(e: Eqn, def: Map<number, Eqn>): Atom | undefined {
  if (e.outputs.length !== 1) return undefined;
  const out = e.outputs[0].aval;
  const [a, b] = e.inputs;
  const same = (x: Atom | undefined) => (x && avalEq(x.aval, out) ? x : undefined);
  switch (e.primitive.name) {
    case 'add': return (isLit(b, 0) && same(a)) || (isLit(a, 0) && same(b)) || undefined;
    case 'sub': return (isLit(b, 0) && same(a)) || undefined;
    case 'mul': return (isLit(b, 1) && same(a)) || (isLit(a, 1) && same(b)) || undefined;
    case 'div': return (isLit(b, 1) && same(a)) || undefined;
    case 'neg': {
      const inner = isVar(a) ? def.get(a.id) : undefined;
      return inner?.primitive.name === 'neg' ? same(inner.inputs[0]) : undefined;
    }
    case 'integer_pow': return e.params.y === 1 ? same(a) : undefined;
    case 'select': return e.inputs[1] === e.inputs[2] || (isVar(e.inputs[1]) && isVar(e.inputs[2]) && e.inputs[1].id === e.inputs[2].id) ? same(e.inputs[1]) : undefined;
    case 'transpose':
      return (e.params.permutation as number[]).every((p, i) => p === i) ? same(a) : undefined;
    case 'convert_element_type':
    case 'reshape':
    case 'broadcast_in_dim': // same rank and shape: the dimensions map one to one
      return same(a);
    default: return undefined;
  }
}

/** Folds an equation whose inputs are all scalar literals into a literal. */
function fold(e: Eqn): Atom | undefined {
  if (e.outputs.length !== 1 || e.outputs[0].aval.shape.length !== 0 || !e.inputs.every((a) => !isVar(a))) return undefined;
  if (e.inputs.length === 0) return undefined;
  // On the host: folding needs the value in JS now, which the default device may not give.
  const host = hostBackend().name;
  const ins = e.inputs.map((a) => scalarArray((a as { value: number }).value, a.aval, host));
  const [r] = hostEval(e.primitive, ins, e.params);
  return literal(r.readSync()[0], r.dtype);
}

/**
 * `transpose(dot_general(a, b))` that only swaps the two free groups of the product (batch axes
 * first, as dot_general orders them) is `dot_general(b, a)`: the transpose rule of a matmul makes
 * this shape, and the swapped product writes its result in place instead of in a second pass.
 */
function swappedDot(e: Eqn, def: Map<number, Eqn>, uses: () => Map<number, number>): Eqn | undefined {
  const [x] = e.inputs;
  const d = e.primitive.name === 'transpose' && isVar(x) ? def.get(x.id) : undefined;
  if (d?.primitive.name !== 'dot_general' || uses().get((x as Var).id) !== 1) return undefined;
  const { contracting: [ca, cb], batch: [ba, bb] } = d.params as { contracting: readonly [readonly number[], readonly number[]]; batch: readonly [readonly number[], readonly number[]] };
  const nb = ba.length;
  const nl = d.inputs[0].aval.shape.length - nb - ca.length;
  const nr = d.inputs[1].aval.shape.length - nb - cb.length;
  const want = [...Array.from({ length: nb }, (_, i) => i), ...Array.from({ length: nr }, (_, i) => nb + nl + i), ...Array.from({ length: nl }, (_, i) => nb + i)];
  const perm = e.params.permutation as readonly number[];
  if (nl === 0 || nr === 0 || perm.length !== want.length || perm.some((v, i) => v !== want[i])) return undefined;
  return eqn(d.primitive, [d.inputs[1], d.inputs[0]], e.outputs, { ...d.params, contracting: [cb, ca], batch: [bb, ba] });
}

// Literals by literalKey: `mul x 0` and `mul x -0` differ (the sign of a zero product).
const atomKey = (a: Atom): string => (isVar(a) ? `v${a.id}` : `l${literalKey(a)}`);

/** One forward pass of identities, constant folding and CSE, then DCE. */
export function simplify(j: Jaxpr): Jaxpr {
  const subst = new Map<number, Atom>();
  const def = new Map<number, Eqn>();
  const seen = new Map<string, readonly Var[]>();
  const read = (a: Atom): Atom => (isVar(a) ? subst.get(a.id) ?? a : a);
  // Uses of each variable, for swappedDot only: counted when a transpose first asks.
  let counted: Map<number, number> | undefined;
  const uses = (): Map<number, number> => {
    if (!counted) {
      counted = new Map();
      const count = (a: Atom) => { if (isVar(a)) counted!.set(a.id, (counted!.get(a.id) ?? 0) + 1); };
      for (const e of j.eqns) e.inputs.forEach(count);
      j.outputs.forEach(count);
    }
    return counted;
  };
  const eqns: Eqn[] = [];
  for (const e0 of j.eqns) {
    const ins = e0.inputs.map(read);
    const e1 = ins.every((a, i) => a === e0.inputs[i]) ? e0 : eqn(e0.primitive, ins, e0.outputs, e0.params);
    const e = swappedDot(e1, def, uses) ?? e1;
    const alias = identity(e, def) ?? fold(e);
    if (alias) { subst.set(e.outputs[0].id, alias); continue; }
    // Two prints of one value are two prints: effects are never merged.
    const key = hasEffects(e) ? `effect|${eqns.length}` : `${e.primitive.name}|${paramsKey(e.params)}|${ins.map(atomKey).join(',')}`;
    const prev = seen.get(key);
    if (prev) { e.outputs.forEach((v, i) => subst.set(v.id, prev[i])); continue; }
    seen.set(key, e.outputs);
    e.outputs.forEach((v) => def.set(v.id, e));
    eqns.push(e);
  }
  return checked(dce(new Jaxpr(j.consts, j.inputs, eqns, j.outputs.map(read))));
}
