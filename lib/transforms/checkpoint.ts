/** checkpoint(f, { policy }): f whose intermediates are recomputed in the backward pass. */
import type { Eqn } from '../core/ir.js';
import { type TreeDef, unflatten } from '../core/pytree.js';
import { bind } from '../core/trace.js';
import { Checkpoint, type SavePolicy } from '../primitives/checkpoint.js';
import { closedTrace } from './sub.js';
import { flattenArrays } from './staging.js';

/** What a checkpointed function may keep for the backward pass (JAX's jax.checkpoint_policies). */
export const checkpointPolicies = {
  /** Save nothing: recompute every intermediate (the default; least memory). */
  nothingSaveable: ((): boolean => false) as SavePolicy,
  /** Save everything: no recomputation (the same as no checkpoint). */
  everythingSaveable: ((): boolean => true) as SavePolicy,
  /** Save the results of matrix products, recompute the cheap elementwise work around them. */
  dotsSaveable: ((e: Eqn): boolean => e.primitive.name === 'dot_general') as SavePolicy,
};

export interface CheckpointOptions {
  /** One of `checkpointPolicies`, or a predicate over equations: may its outputs be saved? */
  policy?: SavePolicy;
}

/** `checkpoint(f, { policy })`: the same function; its gradient recomputes what it does not save. */
export function checkpoint<F extends (...args: any[]) => any>(f: F, opts: CheckpointOptions = {}): F {
  const policy = opts.policy ?? checkpointPolicies.nothingSaveable;
  if (typeof policy !== 'function') throw new TypeError('checkpoint: policy must be one of checkpointPolicies or a predicate (eqn) => boolean');
  return ((...args: unknown[]) => {
    const [xs, inTree] = flattenArrays('checkpoint', args);
    let outTree: TreeDef | undefined;
    const body = closedTrace((...zs) => {
      const [o, t] = flattenArrays('checkpoint', f(...unflatten<unknown[]>(inTree, zs)));
      outTree = t;
      return o;
    }, xs.map((x) => x.aval), 'inside a checkpointed function');
    return unflatten(outTree!, bind(Checkpoint, [...body.consts, ...xs], { jaxpr: body.jaxpr, policy }));
  }) as F;
}

/** JAX's other name for checkpoint. */
export const remat = checkpoint;
