/**
 * Collectives over named vmap axes (JAX's lax.psum, pmean, pmax, pmin, allGather, axisIndex,
 * axisSize, ppermute, pshuffle): inside `vmap(f, inAxes, outAxes, { axisName: 'i' })`, `f` sees one
 * example, and `lax.psum(x, 'i')` the sum of x over all examples. They compose with jit, grad and
 * nested vmaps (each name refers to the vmap that binds it).
 */
import { Array as ArrayClass, type Array } from '../core/array.js';
import { boundAxisNames, boundAxisSize } from '../core/axis-env.js';
import { flatten, unflatten } from '../core/pytree.js';
import { bind, bind1 } from '../core/trace.js';
import { AllGather, AxisIndex, Pmax, Pmin, Ppermute, Psum } from '../primitives/collectives.js';
import { asArray } from '../numpy/promote.js';
import { divide } from '../numpy/math.js';
import type { ArrayTree } from '../core/tree-types.js';

/** One named vmap axis, or several (their examples taken together). */
export type AxisNames = string | readonly string[];

/** The names as a list, each checked to be bound by an enclosing vmap. */
function bound(who: string, names: AxisNames): string[] {
  const list = typeof names === 'string' ? [names] : [...names];
  if (list.length === 0) throw new TypeError(`lax.${who}: give at least one axis name`);
  for (const n of list) {
    if (typeof n !== 'string' || boundAxisSize(n) === undefined) {
      const inScope = boundAxisNames();
      throw new TypeError(`lax.${who}: unbound axis name ${JSON.stringify(n)}; ${inScope.length ? `the names in scope are ${inScope.map((s) => `'${s}'`).join(', ')}` : 'no vmap names an axis here'}. Name one with vmap(f, inAxes, outAxes, { axisName: ${JSON.stringify(n)} })`);
    }
  }
  return list;
}

/** The leaves of a pytree argument as Arrays (JS numbers become arrays), and its structure. */
function leaves(x: unknown): [Array[], ReturnType<typeof flatten>[1]] {
  const [ls, def] = flatten(x);
  return [ls.map((l) => (l instanceof ArrayClass ? l : asArray(l as number | boolean))), def];
}

/** The number of examples along the named axes (their product). */
export function axisSize(axisName: AxisNames): number {
  return sizeOf('axisSize', axisName);
}

/** axisSize for the collective `who` (its errors name `who`). */
const sizeOf = (who: string, axisName: AxisNames): number => bound(who, axisName).reduce((p, n) => p * boundAxisSize(n)!, 1);

/** The sum of `x` (a pytree) over all examples of the named axes: the same in every example. */
export function psum<T>(x: T, axisName: AxisNames): ArrayTree<T> {
  const names = bound('psum', axisName);
  const [ls, def] = leaves(x);
  return unflatten(def, ls.length ? bind(Psum, ls, { axisName: names }) : []);
}

/** The mean of `x` over all examples of the named axes. */
export function pmean<T>(x: T, axisName: AxisNames): ArrayTree<T> {
  const n = sizeOf('pmean', axisName);
  const [ls, def] = leaves(psum(x, axisName));
  return unflatten(def, ls.map((l) => divide(l, n)));
}

/** The elementwise maximum over all examples; its derivative goes to the examples attaining it (ties share). */
export function pmax<T>(x: T, axisName: AxisNames): ArrayTree<T> {
  const [ls, def] = leaves(x);
  return unflatten(def, ls.length ? bind(Pmax, ls, { axisName: bound('pmax', axisName) }) : []);
}

/** The elementwise minimum over all examples; its derivative goes to the examples attaining it (ties share). */
export function pmin<T>(x: T, axisName: AxisNames): ArrayTree<T> {
  const [ls, def] = leaves(x);
  return unflatten(def, ls.length ? bind(Pmin, ls, { axisName: bound('pmin', axisName) }) : []);
}

/** This example's position along the named axis (int32 scalar). */
export function axisIndex(axisName: string): Array {
  bound('axisIndex', axisName);
  return bind1(AxisIndex, [], { axisName });
}

/**
 * Every example's `x` stacked along a new axis `axis` (default 0), or concatenated along `axis`
 * with `tiled`; the same in every example.
 */
export function allGather<T>(x: T, axisName: string, opts: { axis?: number; tiled?: boolean } = {}): ArrayTree<T> {
  bound('allGather', axisName);
  const [ls, def] = leaves(x);
  const axisSizeN = boundAxisSize(axisName)!;
  return unflatten(def, ls.map((l) => {
    const nd = l.ndim + (opts.tiled ? 0 : 1);
    const a = opts.axis ?? 0;
    if (!Number.isInteger(a) || a < -nd || a >= nd) throw new RangeError(`lax.allGather: axis ${a} is out of range for an example of rank ${l.ndim}`);
    return bind1(AllGather, [l], { axisName, axisSize: axisSizeN, axis: a < 0 ? a + nd : a, tiled: !!opts.tiled });
  }));
}

/**
 * Sends values between examples: for each pair [from, to] of `perm`, example `to` receives the
 * `x` of example `from`; examples that no pair reaches receive zeros (JAX's ppermute).
 */
export function ppermute<T>(x: T, axisName: string, perm: readonly (readonly [number, number])[]): ArrayTree<T> {
  bound('ppermute', axisName);
  const n = boundAxisSize(axisName)!;
  const seen = [new Set<number>(), new Set<number>()];
  for (const pair of perm) {
    if (!globalThis.Array.isArray(pair) || pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 0 || v >= n)) {
      throw new TypeError(`lax.ppermute: each pair must be [from, to] with indices in [0, ${n}), got ${JSON.stringify(pair)}`);
    }
    pair.forEach((v, k) => {
      if (seen[k].has(v)) throw new TypeError(`lax.ppermute: ${k ? 'destination' : 'source'} ${v} appears twice; perm must be a partial permutation`);
      seen[k].add(v);
    });
  }
  const [ls, def] = leaves(x);
  return unflatten(def, ls.map((l) => bind1(Ppermute, [l], { axisName, perm: perm.map(([a, b]) => [a, b] as const) })));
}

/** Example i receives the `x` of example perm[i] (JAX's pshuffle: ppermute with pairs [perm[i], i]). */
export function pshuffle<T>(x: T, axisName: string, perm: readonly number[]): ArrayTree<T> {
  const n = sizeOf('pshuffle', axisName);
  if (perm.length !== n || new Set(perm).size !== n) throw new TypeError(`lax.pshuffle: perm must be a permutation of 0..${n - 1}, got [${perm}]`);
  return ppermute(x, axisName, perm.map((from, to) => [from, to] as const));
}
