/** Shared plumbing of function transforms: pytree flattening of arguments, cache keys. */
import type { Fn } from '../core/tree-types.js';
import { Array } from '../core/array.js';
import { type Aval, avalStr } from '../core/ir.js';
import { type TreeDef, flatten, isPlainObject, treedefStr, unflatten } from '../core/pytree.js';
import { asArray, describe } from '../primitives/convert.js';
import { Tracer } from '../core/trace.js';
import { getDefaultFloat } from '../core/dtype.js';

/** A `{ shape, dtype }` leaf, accepted by makeJaxpr/evalShape in place of an array. */
export interface ShapeDtype { shape: readonly number[]; dtype: Aval['dtype'] }

export const isShapeDtype = (x: unknown): x is ShapeDtype =>
  isPlainObject(x) && globalThis.Array.isArray(x.shape) && typeof x.dtype === 'string' && Object.keys(x).length === 2;

/**
 * `tree` with its JS-number leaves as weakly typed scalars of the default float: what a number
 * means where a transform differentiates (`grad(f)(3)` is the derivative at the float 3; an int32
 * leaf would have no gradient).
 */
export function floatNumbers<T>(tree: T): T {
  // the common argument, a single Array, needs no walk
  if (tree instanceof Array) return tree;
  const [leaves, def] = flatten(tree);
  if (!leaves.some((l) => typeof l === 'number')) return tree;
  return unflatten<T>(def, leaves.map((l) => (typeof l === 'number' ? asArray(l, getDefaultFloat()) : l)));
}

/** Flattens arguments to arrays (JS numbers become weakly typed scalars). */
/** The function a transform was given, or a TypeError naming the transform (never a crash deep inside). */
export function checkFn<F>(who: string, f: F): F {
  if (typeof f !== 'function') {
    throw new TypeError(`${who}: the first argument must be the function to transform, got ${describe(f)}; write ${who}((x) => ...) or pass a named function`);
  }
  return f;
}

export function flattenArrays(who: string, tree: unknown): [Array[], TreeDef] {
  const [leaves, def] = flatten(tree);
  return [leaves.map((l, i) => toArray(who, l, i)), def];
}

export function toArray(who: string, x: unknown, i = 0): Array {
  if (x instanceof Array) return x;
  if (typeof x === 'number' || typeof x === 'boolean') return asArray(x);
  throw new TypeError(`${who}: argument leaf ${i} is ${describe(x)}; arguments must be Arrays, numbers or nested arrays/objects of them (mark other arguments with staticArgnums)`);
}

const objIds = new WeakMap<object, number>();
let nextObjId = 0;

/** A cache-key fragment for a static argument: its value for plain data, its identity otherwise. */
export function staticKey(v: unknown): string {
  if (v === null || typeof v !== 'object' && typeof v !== 'function') return `${typeof v}:${String(v)}`;
  if (globalThis.Array.isArray(v) || isPlainObject(v)) {
    try { return `json:${JSON.stringify(v)}`; } catch { /* fall through to identity */ }
  }
  let id = objIds.get(v as object);
  if (id === undefined) { id = nextObjId++; objIds.set(v as object, id); }
  return `obj:${id}`;
}

export const avalsKey = (xs: readonly Array[]): string => xs.map((x) => `${avalStr(x.aval)}${x.weakType ? 'w' : ''}`).join(',');

export const treeKey = (def: TreeDef): string => treedefStr(def);

export const hasTracer = (xs: readonly unknown[]): boolean => xs.some((x) => x instanceof Tracer);

/** Wraps `f` over pytrees as a flat function; the output treedef is stored in `out.tree`. */
export function flatFn(
  f: Fn,
  inTree: TreeDef,
  who: string,
  out: { tree?: TreeDef },
  rebuild: (dyn: unknown[]) => unknown[] = (d) => d,
): (...xs: Array[]) => Array[] {
  return (...xs) => {
    const args = unflatten<unknown[]>(inTree, xs);
    const res = (f as (...a: unknown[]) => unknown)(...rebuild(args));
    const [leaves, tree] = flatten(res);
    out.tree = tree;
    return leaves.map((l, i) => {
      if (l instanceof Array) return l;
      if (typeof l === 'number' || typeof l === 'boolean') return asArray(l);
      throw new TypeError(`${who}: output leaf ${i} is ${describe(l)}; a transformed function must return Arrays, numbers or nested arrays/objects of them`);
    });
  };
}

