/**
 * Pytrees: nested JS arrays and plain objects whose leaves are Arrays (or numbers), and instances
 * of classes registered with `registerPytreeNode` (a model class whose fields are parameters).
 * Object keys are sorted, as JAX sorts dict keys, so structure does not depend on insertion order.
 */

import type { LeafOf, MapLeaves } from './tree-types.js';

/** The structure of a pytree without its leaves (JAX's `PyTreeDef`), as `tree.structure` returns it. */
export type TreeDef =
  | {
    /** A leaf: an Array, a number, or any other value that is not a container. */
    readonly kind: 'leaf';
  }
  | {
    /** `null` or `undefined`: an empty subtree with no leaves. */
    readonly kind: 'none';
  }
  | {
    /** A JS array. */
    readonly kind: 'list';
    /** The structure of each element. */
    readonly children: readonly TreeDef[];
  }
  | {
    /** A plain object. */
    readonly kind: 'dict';
    /** Its keys, sorted. */
    readonly keys: readonly string[];
    /** The structure of each value, in the order of `keys`. */
    readonly children: readonly TreeDef[];
  }
  | {
    /** An instance of a class registered with `tree.registerPytreeNode`. */
    readonly kind: 'node';
    /** The registered class. */
    readonly type: NodeType;
    /** The static data its `flatten` returned. */
    readonly aux: unknown;
    /** `aux` as a string, for comparing structures. */
    readonly auxKey: string;
    /** The structure of each child. */
    readonly children: readonly TreeDef[];
  };

/** A registered class: how an instance splits into children (subtrees) and static aux data. */
export interface NodeType {
  /** The class name as structures print it (suffixed when two registered classes share a name). */
  readonly name: string;
  /** Splits an instance into `[children, aux]`: its subtrees, and static data kept in the structure. */
  flatten(x: object): readonly [readonly unknown[], unknown];
  /** Rebuilds an instance from the aux data and the (possibly transformed) children. */
  unflatten(aux: unknown, children: unknown[]): unknown;
  /** Key-path entries of the children: field names, or their indices. */
  keys(x: object, count: number): readonly (string | number)[];
}

/** A class constructor, whatever its parameters. */
export type Constructor<T extends object = object> = abstract new (...args: never[]) => T;

const nodeTypes = new Map<Constructor, NodeType>();

/** The registered node type of `x` (by its exact class, as JAX), or undefined. */
export function nodeTypeOf(x: unknown): NodeType | undefined {
  if (x === null || typeof x !== 'object' || Array.isArray(x) || nodeTypes.size === 0) return undefined;
  const proto: unknown = Object.getPrototypeOf(x);
  const ctor = proto && typeof proto === 'object' ? (proto as { constructor?: Constructor }).constructor : undefined;
  return ctor ? nodeTypes.get(ctor) : undefined;
}

function register(who: string, cls: Constructor, t: Omit<NodeType, 'name'>): void {
  if (typeof cls !== 'function' || cls === Object || cls === Array) {
    throw new TypeError(`tree.${who}: the first argument must be a class (a constructor other than Object or Array)`);
  }
  if (nodeTypes.has(cls)) throw new TypeError(`tree.${who}: ${cls.name} is already registered as a pytree node`);
  const taken = [...nodeTypes.values()].filter((n) => n.name.split('#')[0] === cls.name).length;
  nodeTypes.set(cls, Object.freeze({ ...t, name: taken ? `${cls.name}#${taken + 1}` : cls.name || 'anonymous' }));
}

/**
 * Makes instances of `cls` pytrees (JAX's `register_pytree_node`): `flatten(x)` returns
 * `[children, aux]` — children are subtrees (their leaves are what transforms see), aux is static
 * data kept in the structure (compared as JSON, so keep it plain) — and `unflatten(aux, children)`
 * rebuilds an instance. Then `grad(loss)(model)` returns a model of gradients, `vmap`, `jit` and
 * `tree.map` see through it.
 */
export function registerPytreeNode<T extends object, A = unknown>(cls: Constructor<T>, flatten: (x: T) => readonly [readonly unknown[], A], unflatten: (aux: A, children: unknown[]) => T): void {
  register('registerPytreeNode', cls, {
    flatten: (x) => flatten(x as T),
    unflatten: (aux, children) => unflatten(aux as A, children),
    keys: (_x, n) => Array.from({ length: n }, (_, i) => i),
  });
}

/**
 * Registers a class whose `dataFields` are children and `metaFields` static (JAX's
 * `register_dataclass`). Instances are rebuilt without calling the constructor (fields assigned
 * onto a new object of the class); key paths use the field names.
 */
export function registerDataclass<T extends object>(cls: Constructor<T>, dataFields: readonly (keyof T & string)[], metaFields: readonly (keyof T & string)[] = []): void {
  const get = (x: object, f: string): unknown => (x as Record<string, unknown>)[f];
  register('registerDataclass', cls, {
    flatten: (x) => [dataFields.map((f) => get(x, f)), metaFields.map((f) => get(x, f))],
    unflatten: (aux, children) => {
      const o = Object.create(cls.prototype as object) as Record<string, unknown>;
      dataFields.forEach((f, i) => { o[f] = children[i]; });
      metaFields.forEach((f, i) => { o[f] = (aux as unknown[])[i]; });
      return o;
    },
    keys: () => dataFields,
  });
}

const auxIds = new WeakMap<object, number>();
let nextAuxId = 0;
/** Aux data as a structure key: its JSON, or an identity for what JSON cannot spell. */
function auxKeyOf(aux: unknown): string {
  if (aux === undefined) return '';
  try {
    const j = JSON.stringify(aux);
    if (j !== undefined) return j;
  } catch { /* cyclic or BigInt: by identity below */ }
  if (aux !== null && (typeof aux === 'object' || typeof aux === 'function')) {
    let id = auxIds.get(aux);
    if (id === undefined) { id = ++nextAuxId; auxIds.set(aux, id); }
    return `#${id}`;
  }
  return String(aux);
}

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
    const node = nodeTypeOf(t);
    if (node) {
      const [children, aux] = node.flatten(t as object);
      return Object.freeze({ kind: 'node', type: node, aux, auxKey: auxKeyOf(aux), children: Object.freeze(children.map(rec)) });
    }
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

/**
 * The leaves of `tree` pushed onto `out`, if `tree` has the structure `def` (what `flatten` would
 * give, with an equal `treedefStr`); false, with `out` partly filled, if not. Checks a repeated
 * call's arguments against the last call's structure without building a new treedef or its string.
 */
export function flattenAs(def: TreeDef, tree: unknown, out: unknown[]): boolean {
  switch (def.kind) {
    case 'none': return tree === null || tree === undefined;
    case 'leaf':
      if (tree === null || tree === undefined || Array.isArray(tree) || isPlainObject(tree) || nodeTypeOf(tree)) return false;
      out.push(tree);
      return true;
    case 'list': {
      if (!Array.isArray(tree) || tree.length !== def.children.length) return false;
      for (let i = 0; i < tree.length; i++) if (!flattenAs(def.children[i], tree[i], out)) return false;
      return true;
    }
    case 'dict': {
      // flatten keys by Object.keys (own, enumerable, string): as many, and each of def's among them
      if (!isPlainObject(tree) || Object.keys(tree).length !== def.keys.length) return false;
      for (let i = 0; i < def.keys.length; i++) {
        const k = def.keys[i];
        if (!Object.prototype.propertyIsEnumerable.call(tree, k) || !flattenAs(def.children[i], tree[k], out)) return false;
      }
      return true;
    }
    case 'node': {
      if (nodeTypeOf(tree) !== def.type) return false;
      const [children, aux] = def.type.flatten(tree as object);
      if (children.length !== def.children.length || auxKeyOf(aux) !== def.auxKey) return false;
      for (let i = 0; i < children.length; i++) if (!flattenAs(def.children[i], children[i], out)) return false;
      return true;
    }
  }
}

export function unflatten<T = unknown>(def: TreeDef, leaves: readonly unknown[]): T {
  let i = 0;
  const rec = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf': return leaves[i++];
      case 'none': return null;
      case 'list': return d.children.map(rec);
      case 'dict': return Object.fromEntries(d.keys.map((k, j) => [k, rec(d.children[j])]));
      case 'node': return d.type.unflatten(d.aux, d.children.map(rec));
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
    case 'node': return `${def.type.name}${def.auxKey ? `<${def.auxKey}>` : ''}(${def.children.map(treedefStr).join(', ')})`;
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
    const node = nodeTypeOf(p);
    if (node && nodeTypeOf(f) === node) {
      const pc = node.flatten(p as object)[0];
      const fc = node.flatten(f as object)[0];
      if (pc.length === fc.length) { pc.forEach((c, i) => rec(c, fc[i], `${path}.${node.keys(p as object, pc.length)[i]}`)); return; }
    }
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
    const node = nodeTypeOf(t);
    if (node) {
      const [children, aux] = node.flatten(t as object);
      return node.unflatten(aux, children.map(rec));
    }
    return t;
  };
  const out = rec(tree) as T;
  if (!found) throw new TypeError('tree.at: `where` must return a node of the tree it is given');
  return out;
}
