/**
 * Pytrees: nested JS arrays and plain objects whose leaves are Arrays (or numbers).
 * Object keys are sorted, as JAX sorts dict keys, so structure does not depend on insertion order.
 */

import type { LeafOf, MapLeaves } from './tree-types.js';

export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'dict'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

const LEAF: TreeDef = Object.freeze({ kind: 'leaf' });
const NONE: TreeDef = Object.freeze({ kind: 'none' });

export const isPlainObject = (x: unknown): x is Record<string, unknown> => {
  if (x === null || typeof x !== 'object') return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
};

/** `flatten(t)` -> `[leaves, treedef]`; `isLeaf` marks extra subtrees to keep whole. */
export function flatten(tree: unknown, isLeaf?: (x: unknown) => boolean): [unknown[], TreeDef] {
  const leaves: unknown[] = [];
  const rec = (t: unknown): TreeDef => {
    if (isLeaf?.(t)) { leaves.push(t); return LEAF; }
    if (t === null || t === undefined) return NONE;
    if (Array.isArray(t)) return Object.freeze({ kind: 'list', children: Object.freeze(t.map(rec)) });
    if (isPlainObject(t)) {
      const keys = Object.keys(t).sort();
      return Object.freeze({ kind: 'dict', keys: Object.freeze(keys), children: Object.freeze(keys.map((k) => rec(t[k]))) });
    }
    leaves.push(t);
    return LEAF;
  };
  const def = rec(tree);
  return [leaves, def];
}

export function unflatten<T = unknown>(def: TreeDef, leaves: readonly unknown[]): T {
  let i = 0;
  const rec = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf': return leaves[i++];
      case 'none': return null;
      case 'list': return d.children.map(rec);
      case 'dict': return Object.fromEntries(d.keys.map((k, j) => [k, rec(d.children[j])]));
    }
  };
  const out = rec(def);
  if (i !== leaves.length) {
    throw new TypeError(`tree.unflatten: the treedef has ${i} leaves but ${leaves.length} were given`);
  }
  return out as T;
}

export function numLeaves(def: TreeDef): number {
  switch (def.kind) {
    case 'leaf': return 1;
    case 'none': return 0;
    default: return def.children.reduce((n, c) => n + numLeaves(c), 0);
  }
}

export function treedefStr(def: TreeDef): string {
  switch (def.kind) {
    case 'leaf': return '*';
    case 'none': return 'null';
    case 'list': return `[${def.children.map(treedefStr).join(', ')}]`;
    case 'dict': return `{${def.keys.map((k, i) => `${k}: ${treedefStr(def.children[i])}`).join(', ')}}`;
  }
}

export const treedefEq = (a: TreeDef, b: TreeDef): boolean => treedefStr(a) === treedefStr(b);

export const leaves = (tree: unknown, isLeaf?: (x: unknown) => boolean): unknown[] => flatten(tree, isLeaf)[0];
export const structure = (tree: unknown, isLeaf?: (x: unknown) => boolean): TreeDef => flatten(tree, isLeaf)[1];

/** Maps `fn` over the leaves of `tree` and of the `rest` trees, which must share its structure. */
export function map<T, U>(fn: (leaf: NoInfer<LeafOf<T>>, ...others: never[]) => U, tree: T, ...rest: unknown[]): MapLeaves<T, U>;
export function map(fn: (...xs: any[]) => unknown, tree: unknown, ...rest: unknown[]): any {
  const [ls, def] = flatten(tree);
  const others = rest.map((r) => {
    const [l2, d2] = flatten(r);
    if (!treedefEq(def, d2)) {
      throw new TypeError(`tree.map: structures differ: ${treedefStr(def)} vs ${treedefStr(d2)}`);
    }
    return l2;
  });
  return unflatten(def, ls.map((l, i) => fn(l, ...others.map((o) => o[i]))));
}

/**
 * Broadcasts a prefix tree (e.g. vmap's inAxes) to the leaves of `full`: each leaf of the prefix
 * applies to every leaf beneath the matching subtree of `full`.
 */
export function broadcastPrefix<T>(prefix: unknown, full: unknown, what: string, isPrefixLeaf: (x: unknown) => boolean): T[] {
  const out: T[] = [];
  const rec = (p: unknown, f: unknown, path: string): void => {
    if (isPrefixLeaf(p)) { for (let i = 0; i < leaves(f).length; i++) out.push(p as T); return; }
    if (Array.isArray(p) && Array.isArray(f) && p.length === f.length) { p.forEach((c, i) => rec(c, f[i], `${path}[${i}]`)); return; }
    if (isPlainObject(p) && isPlainObject(f)) {
      const pk = Object.keys(p).sort();
      const fk = Object.keys(f).sort();
      if (pk.join() === fk.join()) { pk.forEach((k) => rec(p[k], f[k], `${path}.${k}`)); return; }
    }
    throw new TypeError(`${what}: the spec at ${path || 'the root'} (${JSON.stringify(p)}) is not a prefix of the argument's structure ${treedefStr(structure(f))}`);
  };
  rec(prefix, full, '');
  return out;
}

/** Equinox-style surgery: a copy of `tree` with the subtree chosen by `where` replaced by `value`. */
export function at<T>(tree: T, where: (t: T) => unknown, value: unknown): T {
  const target = where(tree);
  let found = false;
  const rec = (t: unknown): unknown => {
    if (t === target) { found = true; return value; }
    if (Array.isArray(t)) return t.map(rec);
    if (isPlainObject(t)) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, rec(v)]));
    return t;
  };
  const out = rec(tree) as T;
  if (!found) throw new TypeError('tree.at: `where` must return a node of the tree it is given');
  return out;
}
