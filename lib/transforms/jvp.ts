/** Forward mode: evaluates a Jaxpr on (primal, tangent) pairs with each primitive's jvp rule. */
import type { Array } from '../core/array.js';
import { type Atom, Jaxpr, avalStr, isVar } from '../core/ir.js';
import { type Tangent, Zero } from '../core/rules.js';
import { bind, scalarArray } from '../core/trace.js';
import { instantiate } from '../primitives/ad-util.js';
import { type Staged, cached, runStaged, stageUser, traceUser, userArgs } from './api-util.js';
import { checkFn, floatNumbers, toArray } from './staging.js';
import { asArray } from '../primitives/convert.js';
import { type TreeDef, flatten, treedefStr, unflatten } from '../core/pytree.js';
import type { Args, ArrayTree, Fn } from '../core/tree-types.js';

/** Pushes tangents through `j` (consts first, with Zero tangents unless given). */
export function jvpEval(j: Jaxpr, consts: readonly Array[], primals: readonly Array[], tangents: readonly Tangent[], constTangents?: readonly Tangent[]): [Array[], Tangent[]] {
  const penv = new Map<number, Array>();
  const tenv = new Map<number, Tangent>();
  j.consts.forEach((v, i) => { penv.set(v.id, consts[i]); tenv.set(v.id, constTangents?.[i] ?? new Zero(v.aval)); });
  j.inputs.forEach((v, i) => { penv.set(v.id, primals[i]); tenv.set(v.id, tangents[i]); });
  const read = (a: Atom): Array => (isVar(a) ? penv.get(a.id)! : scalarArray(a.value, a.aval));
  const readT = (a: Atom): Tangent => (isVar(a) ? tenv.get(a.id)! : new Zero(a.aval));
  for (const e of j.eqns) {
    const ps = e.inputs.map(read);
    const ts = e.inputs.map(readT);
    let outs: Array[];
    let touts: Tangent[];
    if (ts.every((t) => t instanceof Zero)) {
      outs = bind(e.primitive, ps, e.params);
      touts = outs.map((o) => new Zero(o.aval));
    } else {
      const rule = e.primitive.jvp;
      if (!rule) throw new TypeError(`jvp: primitive '${e.primitive.name}' has no differentiation rule`);
      [outs, touts] = rule(ps, ts, e.params);
    }
    e.outputs.forEach((v, i) => { penv.set(v.id, outs[i]); tenv.set(v.id, touts[i]); });
  }
  return [j.outputs.map(read), j.outputs.map(readT)];
}

/** The JVP Jaxpr: inputs [consts, primals, tangents of `nonzero` inputs] -> [outs, tangent outs]. */
export function jvpJaxpr(j: Jaxpr, consts: readonly Array[], nonzero: readonly boolean[]): Staged {
  return stageUser(j, consts, (cs, rest) => {
    const ps = rest.slice(0, j.inputs.length);
    let k = j.inputs.length;
    const ts = j.inputs.map((v, i) => (nonzero[i] ? rest[k++] : new Zero(v.aval)));
    const [outs, touts] = jvpEval(j, cs, ps, ts);
    return [...outs, ...touts.map(instantiate)];
  }, [...j.inputs.map((v) => v.aval), ...j.inputs.filter((_, i) => nonzero[i]).map((v) => v.aval)]);
}

/** Options of `jvp`. */
export interface AuxOpt {
  /** `f` returns `[output, aux]`: only `output` is differentiated, and `aux` is returned as a third result. */
  hasAux?: boolean;
}

/**
 * `jvp(f, primals, tangents)` -> `[f(...primals), J·tangents]`; primals and tangents are arrays of
 * arguments (pytrees) with matching structure, shapes and dtypes.
 */
export function jvp<A extends unknown[], R>(f: (...args: A) => R, primals: Args<A>, tangents: Args<A>, opts?: { hasAux?: false }): [ArrayTree<R>, ArrayTree<R>];
export function jvp<A extends unknown[], R, Aux>(f: (...args: A) => readonly [R, Aux], primals: Args<A>, tangents: Args<A>, opts: { hasAux: true }): [ArrayTree<R>, ArrayTree<R>, ArrayTree<Aux>];
export function jvp(f: Fn, primals: readonly unknown[], tangents: readonly unknown[], opts?: AuxOpt): [unknown, unknown, unknown?];
export function jvp(f: (...args: any[]) => any, primals: readonly unknown[], tangents: readonly unknown[], opts: AuxOpt = {}): any {
  checkFn('jvp', f);
  if (!globalThis.Array.isArray(primals) || !globalThis.Array.isArray(tangents)) {
    throw new TypeError('jvp: primals and tangents must be arrays of arguments, e.g. jvp(f, [x], [t])');
  }
  const { xs, inTree } = userArgs('jvp', floatNumbers(primals));
  const [tLeaves, tTree] = flatten(tangents);
  if (treedefStr(tTree) !== treedefStr(inTree)) {
    throw new TypeError(`jvp: tangents have structure ${treedefStr(tTree)} but primals have ${treedefStr(inTree)}`);
  }
  // a JS-number tangent takes its primal's dtype (jvp(f, [x32], [1]) is a float32 tangent)
  const ts = tLeaves.map((t, i) => (typeof t === 'number' ? asArray(t, xs[i].dtype) : toArray('jvp', t, i)));
  xs.forEach((x, i) => {
    const t = ts[i];
    if (t.aval.shape.join() !== x.aval.shape.join() || t.dtype !== x.dtype) {
      throw new TypeError(`jvp: tangent ${i} is ${avalStr(t.aval)} but its primal is ${avalStr(x.aval)}; tangents must match their primals' shape and dtype`);
    }
  });
  const st = cached(f, 'jvp', xs, inTree, opts.hasAux, () => {
    const u = traceUser('jvp', f, xs, inTree, !!opts.hasAux);
    // Tangents are weak where their primal outputs are (JAX: a tangent has its primal's type).
    const s: Staged = { ...jvpJaxpr(u.jaxpr, u.consts, xs.map(() => true)), outWeak: [...u.outWeak, ...u.outWeak] };
    return { staged: s, outTree: u.outTree, auxTree: u.auxTree, valueDependent: u.valueDependent, nOut: u.nOut };
  });
  const res = runStaged(st.staged, [...xs, ...ts]);
  const n = st.nOut;
  const outs = unflatten(st.outTree, res.slice(0, n));
  const touts = unflatten(st.outTree, res.slice(st.jaxprOuts, st.jaxprOuts + n));
  if (opts.hasAux) return [outs, touts, unflatten(st.auxTree as TreeDef, res.slice(n, st.jaxprOuts))];
  return [outs, touts];
}
