/** Primitive declarations and the registry: each primitive is declared once with its rules. */
import type { Aval, Eqn, Params } from './ir.js';
import type { ShapeError } from './errors.js';
import type { LinearIn, Tangent } from './rules.js';
import type { Array } from './array.js';

/**
 * A primitive with params of type `P`, declared once with its rules.
 * The rules are methods, so a `Primitive<P>` also serves where any primitive is expected (an
 * equation in a Jaxpr): each rule reads the params its own primitive was bound with.
 */
export interface Primitive<P extends Params = Params> {
  /** The printed name, snake_case as JAX's (`reduce_sum`); unique in the registry. */
  readonly name: string;
  /** Input avals + params -> output avals, or (returned, not thrown) a ShapeError naming the op, the shapes and the fix. */
  abstractEval(avals: readonly Aval[], params: P): Aval[] | ShapeError;
  /** primals + tangents -> [primal outs, tangent outs], written with ordinary ops. */
  jvp?(primals: Array[], tangents: Tangent[], params: P): [Array[], Tangent[]];
  /** Inputs and their batch dims -> outputs and their batch dims. */
  vmap?(args: Array[], dims: (number | null)[], params: P, axisSize: number): [Array[], (number | null)[]];
  /** Linear primitives (in the inputs marked linear by the transform) carry a transpose rule. */
  transpose?(cts: Tangent[], inputs: (Array | LinearIn)[], params: P): (Tangent | null)[];
  /** Splits the equation for reverse mode (primitives holding sub-Jaxprs). */
  partialEval?(e: Eqn<P>, unknownIns: readonly boolean[]): {
    /** Equations computable from the known inputs now (the forward pass). */
    known: Eqn[];
    /** Equations that wait for the unknown inputs (the staged, later pass). */
    staged: Eqn[];
    /** Per output of `e`: whether it is unknown (computed by `staged`). */
    outUnknown: boolean[];
  };
  /** A lowering into other primitives, used by a backend that has no kernel for this one. */
  decompose?(args: Array[], params: P): Array[];
  /**
   * Has an effect beyond its outputs (a host callback): never removed as dead code nor merged with
   * an equal equation, and it keeps its place in program order.
   */
  readonly effectful?: boolean;
}

const registry = new Map<string, Primitive>();

export function definePrimitive<P extends Params>(p: Primitive<P>): Primitive<P> {
  if (registry.has(p.name)) throw new Error(`definePrimitive: '${p.name}' is already registered`);
  registry.set(p.name, p);
  return Object.freeze(p);
}

/** Every registered primitive, by name: the built-in ones and those made at runtime (custom rules). */
export const primitives = (): ReadonlyMap<string, Primitive> => registry;

/** Params keys for caches and CSE live with the structural keys of Jaxprs. */
export { paramsKey } from './structural-key.js';
