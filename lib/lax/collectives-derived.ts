/**
 * Collectives over named vmap axes written with psum, allGather and axisIndex (whose rules batch
 * and transpose): `psumScatter`, `allToAll`, `pswapaxes`, `pbroadcast`; and `withShardingConstraint`,
 * an identity on one device.
 */
import { Array } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { flatten, unflatten } from '../core/pytree.js';
import type { ArrayTree } from '../core/tree-types.js';
import { zerosLike } from '../numpy/creation.js';
import { equal, multiply, where } from '../numpy/math.js';
import { asArray } from '../numpy/promote.js';
import { moveaxis, reshape } from '../numpy/shape.js';
import { allGather, axisIndex, axisSize, psum } from './collectives.js';
import { dynamicIndexInDim, dynamicSliceInDim, expandDims, squeeze } from './ops.js';
import { desc } from './args.js';


/** The leaves of a pytree argument as Arrays (JS numbers and booleans become arrays), and its structure. */
function leavesOf(x: unknown): [Array[], ReturnType<typeof flatten>[1]] {
  const [ls, def] = flatten(x);
  return [ls.map((l) => (l instanceof Array ? l : asArray(l as number | boolean))), def];
}

function oneName(who: string, axisName: unknown): string {
  if (typeof axisName !== 'string') throw new TypeError(`lax.${who}: axisName must be one axis name (a string) here, got ${desc(axisName)}; nest the call per name`);
  axisSize(axisName); // throws, naming the names in scope, when unbound
  return axisName;
}

function axisOf(who: string, what: string, a: number, ndim: number): number {
  if (!Number.isInteger(a) || a < -ndim || a >= ndim) throw new ShapeError(`lax.${who}: ${what} ${a} is out of range for an example of rank ${ndim}`);
  return a < 0 ? a + ndim : a;
}

/**
 * `psum(x, axisName)` with each example keeping only its own part of the sum
 * (`jax.lax.psum_scatter`): with `tiled` false (the default) axis `scatterDimension` (default 0)
 * must have the axis' size n and example i gets the sum's entry i along it (that axis removed);
 * with `tiled` it must be divisible by n and example i gets the i-th of n equal blocks. Its
 * transpose is allGather, so it is differentiable.
 *
 * @example
 * ```ts
 * // 2 examples, each [2]: the sum is [4, 6]; example 0 keeps 4, example 1 keeps 6.
 * vmap((x: Array) => lax.psumScatter(x, 'i'), 0, 0, { axisName: 'i' })(np.array([[1, 2], [3, 4]])).js(); // [4, 6]
 * ```
 */
export function psumScatter<T>(x: T, axisName: string, opts: { scatterDimension?: number; tiled?: boolean } = {}): ArrayTree<T> {
  const who = 'psumScatter';
  const name = oneName(who, axisName);
  const n = axisSize(name);
  const [ls, def] = leavesOf(x);
  return unflatten(def, ls.map((l) => {
    const d = axisOf(who, 'scatterDimension', opts.scatterDimension ?? 0, l.ndim);
    const len = l.shape[d];
    const s = psum(l, name) as Array;
    const i = axisIndex(name);
    if (!opts.tiled) {
      if (len !== n) throw new ShapeError(`lax.psumScatter: axis ${d} of an example (${avalStr(l.aval)}) must have the size of axis '${name}' (${n}); pass tiled: true to scatter blocks of a multiple of ${n}`);
      return dynamicIndexInDim(s, i, d, false);
    }
    if (len % n !== 0) throw new ShapeError(`lax.psumScatter: axis ${d} of an example (${avalStr(l.aval)}) must be divisible by the size of axis '${name}' (${n}) when tiled`);
    return dynamicSliceInDim(s, multiply(i, len / n), len / n, d);
  }));
}

/** The tiled all_to_all of one example: split `split` into n blocks, block j to example j, received blocks joined along `concat`. */
function tiledAllToAll(x: Array, name: string, n: number, split: number, concat: number): Array {
  const c = x.shape[split] / n;
  const all = allGather(x, name) as Array; // [n, ...x.shape]: every example's x
  const mine = dynamicSliceInDim(all, multiply(axisIndex(name), c), c, split + 1); // block i of every example
  const shape = mine.shape.slice(1);
  const moved = moveaxis(mine, 0, concat); // the sender axis just before `concat`
  return reshape(moved, [...shape.slice(0, concat), n * shape[concat], ...shape.slice(concat + 1)]);
}

/**
 * Materialises the named axis and maps another (`jax.lax.all_to_all`): each example's axis
 * `splitAxis` is split into n parts (n the size of `axisName`), part j sent to example j, and the
 * parts each example receives are placed, in sender order, along `concatAxis`. With `tiled` false
 * (the default) `splitAxis` must have size n and is removed, and a new axis of size n appears at
 * `concatAxis` (a position in the result); so example i's result at position j of `concatAxis` is
 * example j's `x` at index i of `splitAxis`. With `tiled` the axes keep their rank: `splitAxis`
 * shrinks n-fold and `concatAxis` grows n-fold.
 *
 * @example
 * ```ts
 * // Under vmap over axis 'i' of size 2, all_to_all(x, 'i', 0, 0) transposes the stacked [2, 2] array.
 * vmap((x: Array) => lax.allToAll(x, 'i', 0, 0), 0, 0, { axisName: 'i' })(np.array([[1, 2], [3, 4]])).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function allToAll<T>(x: T, axisName: string, splitAxis: number, concatAxis: number, opts: { tiled?: boolean } = {}): ArrayTree<T> {
  const who = 'allToAll';
  const name = oneName(who, axisName);
  const n = axisSize(name);
  const [ls, def] = leavesOf(x);
  return unflatten(def, ls.map((l) => {
    let split = axisOf(who, 'splitAxis', splitAxis, l.ndim);
    let concat = axisOf(who, 'concatAxis', concatAxis, l.ndim);
    const len = l.shape[split];
    if (opts.tiled) {
      if (len % n !== 0) throw new ShapeError(`lax.allToAll: splitAxis ${split} of an example (${avalStr(l.aval)}) must be divisible by the size of axis '${name}' (${n}) when tiled`);
      return tiledAllToAll(l, name, n, split, concat);
    }
    if (len !== n) throw new ShapeError(`lax.allToAll: splitAxis ${split} of an example (${avalStr(l.aval)}) must have the size of axis '${name}' (${n}); pass tiled: true to split it into ${n} blocks`);
    // JAX's reduction of the untiled form to the tiled one: a unit axis at concatAxis, then drop splitAxis.
    let y = l;
    if (split < concat) { concat += 1; y = expandDims(y, [concat]); } else if (split > concat) { y = expandDims(y, [concat]); split += 1; }
    const out = tiledAllToAll(y, name, n, split, concat);
    return split === concat ? out : squeeze(out, [split]);
  }));
}

/**
 * Swaps the named axis with the example's axis `axis` (`jax.lax.pswapaxes`): `allToAll(x,
 * axisName, axis, axis)`, so `axis` must have the size of `axisName`, and example i's entry j
 * along `axis` becomes example j's entry i.
 *
 * @example
 * ```ts
 * vmap((x: Array) => lax.pswapaxes(x, 'i', 0), 0, 0, { axisName: 'i' })(np.array([[1, 2], [3, 4]])).js(); // [[1, 3], [2, 4]]
 * ```
 */
export function pswapaxes<T>(x: T, axisName: string, axis: number): ArrayTree<T> {
  return allToAll(x, axisName, axis, axis);
}

/**
 * Every example receives example `source`'s `x` (`jax.lax.pbroadcast`, XLA's CollectiveBroadcast):
 * `psum(where(axisIndex(axisName) == source, x, 0), axisName)`, written that way, so it is
 * differentiable (the cotangents of all examples go to `source`).
 *
 * @example
 * ```ts
 * vmap((x: Array) => lax.pbroadcast(x, 'i', 2), 0, 0, { axisName: 'i' })(np.array([1, 2, 3])).js(); // [3, 3, 3]
 * ```
 */
export function pbroadcast<T>(x: T, axisName: string, source: number): ArrayTree<T> {
  const name = oneName('pbroadcast', axisName);
  const n = axisSize(name);
  if (!Number.isInteger(source) || source < 0 || source >= n) throw new RangeError(`lax.pbroadcast: source must be an integer in [0, ${n}) (the size of axis '${name}'), got ${String(source)}`);
  const [ls, def] = leavesOf(x);
  const me = equal(axisIndex(name), source);
  return unflatten(def, ls.map((l) => psum(where(me, l, zerosLike(l)), name) as Array));
}

/**
 * `x` unchanged (`jax.lax.with_sharding_constraint`): on one device there is nothing to constrain,
 * so any `shardings` value is accepted and ignored. Kept so JAX code ports unchanged.
 *
 * @example
 * ```ts
 * lax.withShardingConstraint(np.array([1, 2]), null).js(); // [1, 2]
 * ```
 */
export function withShardingConstraint<T>(x: T, shardings?: unknown): T {
  void shardings;
  return x;
}

