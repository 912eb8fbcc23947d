/**
 * The rest of jax.tree over the pytrees of ./pytree.ts: all, reduce, transpose, key paths
 * (flattenWithPath, leavesWithPath, mapWithPath, keystr) and structureEqual. `null`/`undefined`
 * are empty subtrees, never leaves, as JAX's None.
 */
import { Array as CtArray } from './array.js';
import { type TreeDef, flatten, isPlainObject, nodeTypeOf, numLeaves, structure, treedefEq, treedefStr, unflatten } from './pytree.js';
import type { LeafOf, MapLeaves } from './tree-types.js';

/** One step of a key path: an object key (string) or a list index (number). */
export type PathKey = string | number;
/** The keys from the root to a leaf, as JAX's key paths (DictKey -> string, SequenceKey -> number). */
export type KeyPath = readonly PathKey[];

/** A path as JAX's keystr writes it: `['a'][0]`; the root is the empty string. */
export const keystr = (path: KeyPath): string =>
  path.map((k) => (typeof k === 'number' ? `[${k}]` : `['${k}']`)).join('');

const where = (path: KeyPath): string => (path.length ? `at ${keystr(path)}` : 'at the root');

/** Python's truthiness for a leaf; an Array of several elements is ambiguous, as in numpy/JAX. */
function truthy(leaf: unknown, path: KeyPath): boolean {
  if (leaf instanceof CtArray) {
    if (leaf.size !== 1) {
      throw new TypeError(`tree.all: the truth value of an Array of shape [${leaf.shape}] ${where(path)} is ambiguous; reduce it first (np.all)`);
    }
    return Boolean(leaf.item());
  }
  return Boolean(leaf);
}

/**
 * `[[path, leaf]...], treedef`: flatten's leaves (in the same order, with the same `isLeaf`), each
 * with the keys that lead to it.
 */
export function flattenWithPath(tree: unknown, isLeaf?: (x: unknown) => boolean): [[KeyPath, unknown][], TreeDef] {
  const out: [KeyPath, unknown][] = [];
  const rec = (t: unknown, path: PathKey[]): void => {
    if (isLeaf?.(t)) { out.push([Object.freeze([...path]), t]); return; }
    if (t === null || t === undefined) return;
    if (Array.isArray(t)) { t.forEach((c, i) => rec(c, [...path, i])); return; }
    const node = nodeTypeOf(t);
    if (node) {
      const children = node.flatten(t as object)[0];
      const keys = node.keys(t as object, children.length);
      children.forEach((c, i) => rec(c, [...path, keys[i]]));
      return;
    }
    if (isPlainObject(t)) { for (const k of Object.keys(t).sort()) rec(t[k], [...path, k]); return; }
    out.push([Object.freeze([...path]), t]);
  };
  rec(tree, []);
  return [out, structure(tree, isLeaf)];
}

/** The leaves of `tree`, each with its key path. */
export const leavesWithPath = (tree: unknown, isLeaf?: (x: unknown) => boolean): [KeyPath, unknown][] => flattenWithPath(tree, isLeaf)[0];

/** Whether every leaf is truthy (JS truthiness; a one-element Array by its value); true for no leaves. */
export function all(tree: unknown, isLeaf?: (x: unknown) => boolean): boolean {
  return leavesWithPath(tree, isLeaf).every(([p, l]) => truthy(l, p));
}

/**
 * Whether every element of `xs` is a leaf (`jax.tree_util.all_leaves`): a leaf flattens to
 * itself alone, so `[1, np.zeros(2)]` is all leaves and `[[1]]` or `[{}]` is not.
 */
export function allLeaves(xs: Iterable<unknown>, isLeaf?: (x: unknown) => boolean): boolean {
  for (const x of xs) {
    const [ls] = flatten(x, isLeaf);
    if (ls.length !== 1 || ls[0] !== x) return false;
  }
  return true;
}

/** Folds `fn` over the leaves in flatten order, from `initializer` (or the first leaf if none is given). */
export function reduce<R, L = unknown>(fn: (acc: R, leaf: L) => R, tree: unknown, initializer: R): R;
export function reduce<L = unknown>(fn: (acc: L, leaf: L) => L, tree: unknown): L;
export function reduce(fn: (acc: never, leaf: never) => unknown, tree: unknown, initializer?: unknown): unknown {
  const ls = flatten(tree)[0] as never[];
  const step = (acc: unknown, l: never): unknown => fn(acc as never, l);
  // arguments.length, not `initializer === undefined`: undefined is a valid initial value.
  if (arguments.length > 2) return ls.reduce<unknown>(step, initializer);
  if (ls.length === 0) throw new TypeError('tree.reduce: the tree has no leaves and no initializer was given');
  return ls.slice(1).reduce<unknown>(step, ls[0]);
}

/** Whether two trees have the same structure (same nesting, list lengths, object keys and empty subtrees). */
export const structureEqual = (a: unknown, b: unknown): boolean => treedefEq(structure(a), structure(b));

/**
 * Maps `fn(path, leaf, ...others)` over the leaves of `tree` and of the `rest` trees, which must
 * share its structure.
 */
export function mapWithPath<T, U>(fn: (path: KeyPath, leaf: NoInfer<LeafOf<T>>, ...others: never[]) => U, tree: T, ...rest: unknown[]): MapLeaves<T, U>;
export function mapWithPath(fn: (...args: never[]) => unknown, tree: unknown, ...rest: unknown[]): never {
  const [pls, def] = flattenWithPath(tree);
  const others = rest.map((r, j) => {
    const [l2, d2] = flatten(r);
    if (!treedefEq(def, d2)) {
      throw new TypeError(`tree.mapWithPath: tree ${j + 1} of rest differs in structure from the first: ${treedefStr(def)} vs ${treedefStr(d2)}`);
    }
    return l2 as never[];
  });
  return unflatten<never>(def, pls.map(([p, l], i) => fn(p as never, l as never, ...others.map((o) => o[i]))));
}

/** The subtrees of `tree` at the leaves of `outer` (outer's leaf order), checked against outer's nodes. */
function flattenUpTo(outer: TreeDef, tree: unknown, who = 'tree.transpose'): unknown[] {
  const subtrees: unknown[] = [];
  const rec = (d: TreeDef, t: unknown, path: PathKey[]): void => {
    switch (d.kind) {
      case 'leaf': subtrees.push(t); return;
      case 'none':
        if (t !== null && t !== undefined) throw new TypeError(`${who}: expected null ${where(path)} (outer treedef ${treedefStr(outer)}), got ${treedefStr(structure(t))}`);
        return;
      case 'list':
        if (!Array.isArray(t) || t.length !== d.children.length) {
          throw new TypeError(`${who}: expected a list of length ${d.children.length} ${where(path)} (outer treedef ${treedefStr(outer)}), got ${treedefStr(structure(t))}`);
        }
        d.children.forEach((c, i) => rec(c, t[i], [...path, i]));
        return;
      case 'dict': {
        const keys = isPlainObject(t) ? Object.keys(t).sort() : null;
        if (!isPlainObject(t) || keys === null || keys.join('\u0000') !== d.keys.join('\u0000')) {
          throw new TypeError(`${who}: expected an object with keys [${d.keys.join(', ')}] ${where(path)} (outer treedef ${treedefStr(outer)}), got ${treedefStr(structure(t))}`);
        }
        d.keys.forEach((k, i) => rec(d.children[i], t[k], [...path, k]));
        return;
      }
      case 'node': {
        const node = nodeTypeOf(t);
        const children = node === d.type ? node.flatten(t as object)[0] : null;
        if (!children || children.length !== d.children.length) {
          throw new TypeError(`${who}: expected a ${d.type.name} ${where(path)} (outer treedef ${treedefStr(outer)}), got ${treedefStr(structure(t))}`);
        }
        const keys = d.type.keys(t as object, children.length);
        d.children.forEach((c, i) => rec(c, children[i], [...path, keys[i]]));
      }
    }
  };
  rec(outer, tree, []);
  return subtrees;
}

/**
 * Turns a tree of structure outer∘inner (an `outer` tree whose every leaf is an `inner` tree) into
 * one of structure inner∘outer, as jax.tree.transpose. With `inner` null it is read from the first
 * outer leaf's subtree.
 */
export function transpose<R = unknown>(outer: TreeDef, inner: TreeDef | null | undefined, tree: unknown): R {
  const subtrees = flattenUpTo(outer, tree);
  let innerDef = inner ?? null;
  if (innerDef === null) {
    if (subtrees.length === 0) throw new TypeError('tree.transpose: cannot infer the inner treedef of a tree whose outer treedef has no leaves; pass it');
    innerDef = structure(subtrees[0]);
  }
  const n = numLeaves(innerDef);
  const columns = subtrees.map((s, i) => {
    const [ls, d] = flatten(s);
    if (!treedefEq(d, innerDef)) {
      throw new TypeError(`tree.transpose: outer leaf ${i} holds a subtree of structure ${treedefStr(d)}, not the inner treedef ${treedefStr(innerDef)}`);
    }
    return ls;
  });
  const rows = Array.from({ length: n }, (_, j) => unflatten(outer, columns.map((c) => c[j])));
  return unflatten<R>(innerDef, rows);
}

/**
 * `prefix` broadcast to the structure of `full` (jax.tree.broadcast): each leaf of the prefix is
 * repeated over every leaf of the matching subtree of `full`.
 */
export function broadcast<R = unknown>(prefix: unknown, full: unknown, isLeaf?: (x: unknown) => boolean): R {
  const [, fullDef] = flatten(full, isLeaf);
  const [pLeaves, pDef] = flatten(prefix, isLeaf);
  const subtrees = flattenUpTo(pDef, full, 'tree.broadcast');
  if (subtrees.length !== pLeaves.length) throw new TypeError(`tree.broadcast: ${treedefStr(pDef)} is not a prefix of ${treedefStr(fullDef)}`);
  return unflatten<R>(fullDef, subtrees.flatMap((t, i) => flatten(t, isLeaf)[0].map(() => pLeaves[i])));
}

/**
 * Folds the leaves with an associative `fn` as a balanced tree (jax.tree.reduce_associative):
 * log-depth, the grouping a parallel reduction uses. An empty tree gives `identity`, or an error.
 */
export function reduceAssociative<L>(fn: (a: L, b: L) => L, tree: unknown, opts: { identity?: L; isLeaf?: (x: unknown) => boolean } = {}): L {
  let level = flatten(tree, opts.isLeaf)[0] as L[];
  if (level.length === 0) {
    if ('identity' in opts) return opts.identity as L;
    throw new TypeError('tree.reduceAssociative: the tree has no leaves and no identity was given');
  }
  while (level.length > 1) {
    const next: L[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(fn(level[i], level[i + 1]));
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}
