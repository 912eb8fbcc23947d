/**
 * checkpoint (remat): holds a body Jaxpr whose intermediates are not kept for the backward pass.
 * Partial evaluation saves only the residuals the policy allows; the staged (linear) part
 * recomputes the others from the body's inputs, inside the backward pass. `checkpoint(f, { policy })`
 * is the function-level API.
 */
import type { Array } from '../core/array.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Eqn, Jaxpr, type Var, avalEq, eqn, newVar } from '../core/ir.js';
import { type TreeDef, unflatten } from '../core/pytree.js';
import { LinearIn, Zero } from '../core/rules.js';
import { bind, evalJaxpr } from '../core/trace.js';
import { fail, fmt, ok } from '../primitives/util.js';
import { instantiate } from '../primitives/ad-util.js';
import { jvpEval } from '../transforms/jvp.js';
import { transposeEval } from '../transforms/transpose.js';
import { partialEval } from '../transforms/partial-eval.js';
import { dce, simplify } from '../transforms/passes.js';
import { closedTrace, pureTrace, vmapClosed } from '../transforms/sub.js';
import { flattenArrays } from '../transforms/staging.js';

/** Which equations' outputs may be saved for the backward pass. */
export type SavePolicy = (e: Eqn) => boolean;

export interface CheckpointParams {
  readonly [k: string]: unknown;
  readonly jaxpr: Jaxpr;
  readonly policy: SavePolicy;
}

export const Checkpoint: Primitive<CheckpointParams> = definePrimitive<CheckpointParams>({
  name: 'checkpoint',
  abstractEval: (ins, { jaxpr }) => {
    const want = jaxpr.inputs.map((v) => v.aval);
    if (want.length !== ins.length || want.some((a, i) => !avalEq(a, ins[i]))) return fail(`checkpoint: body takes (${fmt(want)}), given (${fmt(ins)})`);
    return ok(...jaxpr.outAvals);
  },
  jvp: (ins, tans, p) => {
    const nz = tans.map((t) => !(t instanceof Zero));
    const tIn = tans.filter((_, i) => nz[i]).map(instantiate);
    const n = p.jaxpr.outputs.length;
    const body = closedTrace((...zs) => {
      let k = ins.length;
      const ts = ins.map((x, i) => (nz[i] ? zs[k++] : new Zero(x.aval)));
      const [o, t] = jvpEval(p.jaxpr, [], zs.slice(0, ins.length), ts);
      return [...o, ...t.map(instantiate)];
    }, [...ins, ...tIn].map((x) => x.aval), 'jvp of a checkpoint');
    // The JVP Jaxpr of a function without checkpoint is simplified as a whole (jvpJaxpr); CSE there
    // merges equal tangent terms (the dx·eˣ of exp's rule and of the product rule), so the transpose
    // sums their cotangents before it multiplies. The body gets the same pass, or its gradient would
    // round differently.
    const res = bind(Checkpoint, [...body.consts, ...ins, ...tIn], { jaxpr: simplify(body.jaxpr), policy: p.policy });
    return [res.slice(0, n), res.slice(n)];
  },
  partialEval: (e, unknownIns) => {
    const { jaxpr, policy } = e.params;
    const s = partialEval(jaxpr, unknownIns);
    const nKnownOut = s.outUnknown.filter((u) => !u).length;
    const residuals = s.unknown.inputs.slice(0, s.nResiduals);
    // Producers are looked up in the known Jaxpr, not the body: a nested loop's partial-eval rule
    // makes new equations (the known scan stacking its residuals) that the body does not hold.
    const producer = new Map<number, Eqn>();
    for (const q of s.known.eqns) for (const v of q.outputs) producer.set(v.id, q);
    // A residual is a known input of the body (read again in the backward pass), saved by the
    // policy, or recomputed from the known inputs.
    const knownInVars = jaxpr.inputs.filter((_, i) => !unknownIns[i]);
    const kindOf = (r: Var): 'input' | 'saved' | 'recompute' => {
      if (knownInVars.includes(r)) return 'input';
      const q = producer.get(r.id);
      return q && policy(q) ? 'saved' : 'recompute';
    };
    const kind = residuals.map(kindOf);
    const recomputed = residuals.filter((_, i) => kind[i] === 'recompute');
    // The values the policy saves are not only residuals: the recomputation of the others stops
    // at any value the policy saves (dotsSaveable keeps a product that an activation's residual is
    // recomputed from), which is then saved too.
    const savedRes = residuals.filter((_, i) => kind[i] === 'saved');
    const seen = new Set<number>(savedRes.map((r) => r.id));
    const stack = [...recomputed];
    while (stack.length) {
      const v = stack.pop()!;
      const q = producer.get(v.id);
      if (!q || knownInVars.includes(v)) continue;
      for (const a of q.inputs) {
        if (a.kind !== 'var' || seen.has(a.id)) continue;
        seen.add(a.id);
        const qa = producer.get(a.id);
        if (qa && policy(qa)) savedRes.push(a); else stack.push(a);
      }
    }
    const knownBody = dce(new Jaxpr([], s.known.inputs, s.known.eqns, [...s.known.outputs.slice(0, nKnownOut), ...savedRes]));
    const savedVars = savedRes.map((r) => newVar(r.aval));
    const known = eqn(Checkpoint, e.inputs.filter((_, i) => !unknownIns[i]), [...e.outputs.filter((_, i) => !s.outUnknown[i]), ...savedVars], { jaxpr: knownBody, policy });
    // The recomputation starts from the known inputs and the saved values: an equation whose
    // outputs are all saved is not run again (dotsSaveable keeps the products themselves).
    const saved = new Set(savedRes.map((r) => r.id));
    const rerun = s.known.eqns.filter((q) => !q.outputs.every((v) => saved.has(v.id)));
    const recompute = dce(new Jaxpr([], [...s.known.inputs, ...savedRes], rerun, recomputed));
    const outerKnown = e.inputs.filter((_, i) => !unknownIns[i]);
    const outerUnknown = e.inputs.filter((_, i) => unknownIns[i]);
    const stagedBody = pureTrace((...zs) => {
      const sv = zs.slice(0, savedVars.length);
      const kin = zs.slice(savedVars.length, savedVars.length + outerKnown.length);
      const uin = zs.slice(savedVars.length + outerKnown.length);
      const rc = evalJaxpr(recompute, [], [...kin, ...sv]);
      let a = 0;
      let b = 0;
      const res = residuals.map((r, i) => (kind[i] === 'input' ? kin[knownInVars.indexOf(r)] : kind[i] === 'saved' ? sv[a++] : rc[b++]));
      return evalJaxpr(s.unknown, [], [...res, ...uin]);
    }, [...savedVars, ...outerKnown, ...outerUnknown].map((v) => v.aval), 'partial eval of a checkpoint');
    const staged = eqn(Checkpoint, [...savedVars, ...outerKnown, ...outerUnknown], e.outputs.filter((_, i) => s.outUnknown[i]), { jaxpr: stagedBody, policy });
    return { known: [known], staged: [staged], outUnknown: s.outUnknown };
  },
  // Runs in the backward pass: the non-linear (recomputed) part is evaluated right here.
  transpose: (cts, ins, p) => {
    const linear = ins.map((x) => x instanceof LinearIn);
    const vals = ins.filter((x): x is Array => !(x instanceof LinearIn));
    const r = transposeEval(p.jaxpr, linear, vals, cts);
    let k = 0;
    return linear.map((l) => (l ? r[k++] : null));
  },
  vmap: (ins, dims, p, size) => {
    const { closed, moved } = vmapClosed(p.jaxpr, ins, dims, size, 'checkpoint');
    const res = bind(Checkpoint, [...closed.consts, ...moved], { jaxpr: closed.jaxpr, policy: p.policy });
    return [res, res.map(() => 0)];
  },
  decompose: (ins, p) => evalJaxpr(p.jaxpr, [], ins),
});

// ---- the function-level API ----

/** What a checkpointed function may keep for the backward pass (JAX's jax.checkpoint_policies). */
export const checkpointPolicies = {
  /** Save nothing: recompute every intermediate (the default; least memory). */
  nothingSaveable: ((): boolean => false) as SavePolicy,
  /** Save everything: no recomputation (the same as no checkpoint). */
  everythingSaveable: ((): boolean => true) as SavePolicy,
  /** Save the results of matrix products, recompute the cheap elementwise work around them. */
  dotsSaveable: ((e: Eqn): boolean => e.primitive.name === 'dot_general') as SavePolicy,
};

/** Options of `checkpoint`. */
export interface CheckpointOptions {
  /** One of `checkpointPolicies`, or a predicate over equations: may its outputs be saved? */
  policy?: SavePolicy;
}

/**
 * `checkpoint(f, { policy })`: the same function; its gradient recomputes what it does not save
 * (`jax.checkpoint`), trading compute for the memory of the residuals.
 *
 * @typeParam F - The type of `f`; the result has the same signature.
 */
export function checkpoint<F extends (...args: never[]) => unknown>(f: F, opts: CheckpointOptions = {}): F {
  const policy = opts.policy ?? checkpointPolicies.nothingSaveable;
  if (typeof policy !== 'function') throw new TypeError('checkpoint: policy must be one of checkpointPolicies or a predicate (eqn) => boolean');
  // Called with the arrays and pytrees it is given, whatever its declared parameter types.
  const user = f as (...args: never[]) => unknown as (...args: readonly unknown[]) => unknown;
  return ((...args: unknown[]) => {
    const [xs, inTree] = flattenArrays('checkpoint', args);
    let outTree: TreeDef | undefined;
    const body = closedTrace((...zs) => {
      const [o, t] = flattenArrays('checkpoint', user(...unflatten<unknown[]>(inTree, zs)));
      outTree = t;
      return o;
    }, xs.map((x) => x.aval), 'inside a checkpointed function');
    return unflatten(outTree!, bind(Checkpoint, [...body.consts, ...xs], { jaxpr: body.jaxpr, policy }));
  }) as unknown as F;
}

/** JAX's other name for checkpoint. */
export const remat = checkpoint;
