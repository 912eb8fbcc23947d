/** Primitive declarations and the registry: each primitive is declared once with its rules. */
import type { Either } from 'fp-ts/lib/Either.js';
import type { Aval, Params } from './ir.js';
import type { ShapeError } from './errors.js';
import type { JvpRule, PartialEvalRule, TransposeRule, VmapRule } from './rules.js';
import type { Array } from './array.js';

export interface Primitive<P extends Params = any> {
  readonly name: string;
  /** Input avals + params -> output avals, or a ShapeError naming the op, the shapes and the fix. */
  abstractEval(avals: readonly Aval[], params: P): Either<ShapeError, Aval[]>;
  readonly jvp?: JvpRule<P>;
  readonly vmap?: VmapRule<P>;
  /** Linear primitives (in the inputs marked linear by the transform) carry a transpose rule. */
  readonly transpose?: TransposeRule<P>;
  /** Splits the equation for reverse mode (primitives holding sub-Jaxprs). */
  readonly partialEval?: PartialEvalRule;
  /** A lowering into other primitives, used by a backend that has no kernel for this one. */
  readonly decompose?: (args: Array[], params: P) => Array[];
}

const registry = new Map<string, Primitive>();

export function definePrimitive<P extends Params>(p: Primitive<P>): Primitive<P> {
  if (registry.has(p.name)) throw new Error(`definePrimitive: '${p.name}' is already registered`);
  registry.set(p.name, p as Primitive);
  return Object.freeze(p);
}

export const primitives = (): ReadonlyMap<string, Primitive> => registry;

/** Params keys for caches and CSE live with the structural keys of Jaxprs. */
export { paramsKey } from './structural-key.js';
