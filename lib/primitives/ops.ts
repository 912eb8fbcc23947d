/**
 * The op layer: the few operations that rules of one primitive family call on another family's
 * primitives (tangent arithmetic, select, broadcast, reduce_sum ...), each a typed `bind` of a
 * primitive looked up in the registry by its printed name.
 *
 * Why: rules are mutually recursive across families (the transpose of broadcast_in_dim is
 * reduce_sum, whose transpose is broadcast_in_dim; abs's derivative uses select, pow's uses log),
 * while modules must load in one order. So the files of lib/primitives/ form an acyclic graph:
 *
 *   util            shape-rule helpers (imports only core)
 *   ops             this file: typed binds of primitives looked up by name
 *   ad-util         Zero-aware tangent arithmetic (on ops)
 *   batching        batch-axis helpers (on ops)
 *   elementwise, binary, reduce, shape, random, stop-gradient
 *                   the families: each declares its primitives with every rule beside them;
 *                   within a family rules refer to its primitives directly, across families
 *                   only through ops
 *   linalg, convert build on shape and binary
 *   index           loads every family (the registry is complete once it has loaded)
 *
 * A lookup happens when a rule first runs, never while modules load, and is cached; by then every
 * family has registered (lib/index.ts loads them all). A test checks that each op's primitive is
 * the one its family exports.
 */
import type { Array } from '../core/array.js';
import type { Params } from '../core/ir.js';
import { type Primitive, primitives } from '../core/primitive.js';
import { bind1, scalarArray } from '../core/trace.js';
import type { AxesParams } from './reduce.js';
import type { BroadcastParams, ReshapeParams, TransposeParams } from './shape.js';

/** The primitive registered as `name`, resolved on first use. */
function late<P extends Params>(name: string): () => Primitive<P> {
  let p: Primitive<P> | undefined;
  return () => {
    if (p) return p;
    const q = primitives().get(name);
    if (!q) throw new Error(`internal: primitive '${name}' is not registered; load lib/primitives/index.ts first`);
    return (p = q as Primitive<P>);
  };
}

type None = Params;

/** The primitives behind the ops, by printed name (exported for the test that checks them). */
export const opPrimitives = {
  add: late<None>('add'),
  sub: late<None>('sub'),
  mul: late<None>('mul'),
  div: late<None>('div'),
  max: late<None>('max'),
  min: late<None>('min'),
  eq: late<None>('eq'),
  ge: late<None>('ge'),
  gt: late<None>('gt'),
  lt: late<None>('lt'),
  select: late<None>('select'),
  neg: late<None>('neg'),
  log: late<None>('log'),
  abs: late<None>('abs'),
  sign: late<None>('sign'),
  floor: late<None>('floor'),
  broadcast_in_dim: late<BroadcastParams>('broadcast_in_dim'),
  reshape: late<ReshapeParams>('reshape'),
  transpose: late<TransposeParams>('transpose'),
  reduce_sum: late<AxesParams>('reduce_sum'),
};

const P = opPrimitives;

/** A rank-0 array of `like`'s dtype. */
export function lit(value: number, like: { readonly dtype: Array['dtype'] }): Array {
  return scalarArray(value, { shape: [], dtype: like.dtype });
}

/** An operand of the arithmetic ops: an array, or a JS number taking the other operand's dtype. */
export type Op = Array | number;
const pair = (a: Op, b: Op): [Array, Array] => {
  if (typeof a === 'number') { const y = b as Array; return [lit(a, y.aval), y]; }
  if (typeof b === 'number') return [a, lit(b, a.aval)];
  return [a, b];
};

export const add = (a: Op, b: Op): Array => bind1(P.add(), pair(a, b));
export const sub = (a: Op, b: Op): Array => bind1(P.sub(), pair(a, b));
export const mul = (a: Op, b: Op): Array => bind1(P.mul(), pair(a, b));
export const div = (a: Op, b: Op): Array => bind1(P.div(), pair(a, b));
export const max = (a: Op, b: Op): Array => bind1(P.max(), pair(a, b));
export const min = (a: Op, b: Op): Array => bind1(P.min(), pair(a, b));
export const eq = (a: Op, b: Op): Array => bind1(P.eq(), pair(a, b));
export const ge = (a: Op, b: Op): Array => bind1(P.ge(), pair(a, b));
export const gt = (a: Op, b: Op): Array => bind1(P.gt(), pair(a, b));
export const lt = (a: Op, b: Op): Array => bind1(P.lt(), pair(a, b));
export const select = (pred: Array, onTrue: Array, onFalse: Array): Array => bind1(P.select(), [pred, onTrue, onFalse]);
export const neg = (a: Array): Array => bind1(P.neg(), [a]);
export const log = (a: Array): Array => bind1(P.log(), [a]);
export const abs = (a: Array): Array => bind1(P.abs(), [a]);
export const sign = (a: Array): Array => bind1(P.sign(), [a]);
export const floor = (a: Array): Array => bind1(P.floor(), [a]);

/** broadcast_in_dim: operand axis i becomes output axis `dims[i]`. */
export const broadcastInDim = (x: Array, shape: readonly number[], dims: readonly number[]): Array =>
  bind1(P.broadcast_in_dim(), [x], { shape: [...shape], broadcastDimensions: [...dims] });

/** Sums over `axes` (none: `x` itself). */
export const reduceSum = (x: Array, axes: readonly number[]): Array =>
  (axes.length ? bind1(P.reduce_sum(), [x], { axes: [...axes] }) : x);

/** `x` with shape `shape` (`x` itself when it already has it). */
export const reshape = (x: Array, shape: readonly number[]): Array =>
  (x.aval.shape.length === shape.length && x.aval.shape.every((d, i) => d === shape[i]) ? x : bind1(P.reshape(), [x], { newSizes: [...shape] }));

export const transpose = (x: Array, permutation: readonly number[]): Array =>
  bind1(P.transpose(), [x], { permutation: [...permutation] });
