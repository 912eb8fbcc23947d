/**
 * lib/core/tree-util.ts: jax.tree's all, reduce, transpose, key paths and structureEqual over the
 * pytrees of lib/core/pytree.ts (sorted object keys, null as an empty subtree).
 */
import { describe, expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { flatten, structure, treedefStr } from '../lib/core/pytree.js';
import {
  all, flattenWithPath, keystr, leavesWithPath, mapWithPath, reduce, structureEqual, transpose,
} from '../lib/core/tree-util.js';

const nested = { b: [1, { c: 2, a: 3 }], a: 4, n: null, e: [] };

describe('flattenWithPath and leavesWithPath', () => {
  it('pairs each leaf with its keys, in flatten\'s order (sorted keys, null and [] empty)', () => {
    const [pls, def] = flattenWithPath(nested);
    expect(pls).toEqual([[['a'], 4], [['b', 0], 1], [['b', 1, 'a'], 3], [['b', 1, 'c'], 2]]);
    expect(pls.map(([, l]) => l)).toEqual(flatten(nested)[0]);
    expect(treedefStr(def)).toBe(treedefStr(structure(nested)));
    expect(leavesWithPath(nested)).toEqual(pls);
  });

  it('gives the empty path for a bare leaf and nothing for null', () => {
    expect(leavesWithPath(7)).toEqual([[[], 7]]);
    expect(leavesWithPath(null)).toEqual([]);
    expect(leavesWithPath([null, [undefined, 5]])).toEqual([[[1, 1], 5]]);
  });

  it('keeps Arrays whole and honours isLeaf', () => {
    const w = np.ones([2]);
    const pls = leavesWithPath({ w, l: [w] });
    expect(pls.map(([p]) => p)).toEqual([['l', 0], ['w']]);
    pls.forEach(([, l]) => expect(l).toBe(w));
    const isPair = (x: unknown): boolean => Array.isArray(x) && x.length === 2;
    expect(leavesWithPath({ p: [1, 2], q: [[3, 4]] }, isPair)).toEqual([[['p'], [1, 2]], [['q', 0], [3, 4]]]);
  });

  it('keystr writes paths as JAX does', () => {
    expect(keystr(['b', 1, 'a'])).toBe("['b'][1]['a']");
    expect(keystr([])).toBe('');
  });
});

describe('mapWithPath', () => {
  it('passes the path, the leaf and the leaves of the other trees', () => {
    expect(mapWithPath((p, x: number) => `${keystr(p)}=${x}`, { x: [1, 2], y: 3 })).toEqual({ x: ["['x'][0]=1", "['x'][1]=2"], y: "['y']=3" });
    expect(mapWithPath((p, x: number, y: number) => x * 10 + y + p.length, { a: 1, b: [2, null] }, { b: [5, null], a: 6 }))
      .toEqual({ a: 17, b: [27, null] });
  });

  it('rejects trees of another structure, naming both', () => {
    expect(() => mapWithPath((_, x: number) => x, [1, 2], [1, 2, 3])).toThrow('tree.mapWithPath: tree 1 of rest differs in structure from the first: [*, *] vs [*, *, *]');
    expect(() => mapWithPath((_, x: number) => x, { a: 1 }, { a: 1 }, { b: 1 })).toThrow(/tree 2 of rest .*\{a: \*\} vs \{b: \*\}/);
    expect(() => mapWithPath((_, x: number) => x, { a: null }, { a: 1 })).toThrow(/\{a: null\} vs \{a: \*\}/);
  });
});

describe('all', () => {
  it('is true when every leaf is truthy, and for no leaves', () => {
    expect(all({ a: [1, true], b: 'x' })).toBe(true);
    expect(all({ a: [1, 0] })).toBe(false);
    expect(all([null, {}, []])).toBe(true);
    expect(all(false)).toBe(false);
  });

  it('reads one-element Arrays by value and rejects larger ones as ambiguous', () => {
    expect(all([np.array(true), np.array([1])])).toBe(true);
    expect(all({ ok: np.array(0) })).toBe(false);
    expect(() => all({ a: [np.array([true, true])] })).toThrow("tree.all: the truth value of an Array of shape [2] at ['a'][0] is ambiguous");
  });
});

describe('reduce', () => {
  it('folds in flatten order, with or without an initializer', () => {
    expect(reduce((acc: number, x: number) => acc + x, { b: [1, 2], a: 3 })).toBe(6);
    expect(reduce((acc: string, x: number) => acc + String(x), { b: [1, 2], a: 3 }, '>')).toBe('>312');
    expect(reduce((acc: number, x: number) => acc * x, [null, [2, [3]]], 10)).toBe(60);
    expect(reduce((acc: number, x: number) => acc + x, [5])).toBe(5);
    expect(reduce((acc: unknown[] | undefined, x: number) => [...(acc ?? []), x], [1, 2], undefined)).toEqual([1, 2]);
  });

  it('returns the initializer for no leaves, and throws without one', () => {
    expect(reduce((acc: number, x: number) => acc + x, { a: null, b: [] }, 0)).toBe(0);
    expect(() => reduce((acc: number, x: number) => acc + x, [] as number[])).toThrow('tree.reduce: the tree has no leaves and no initializer was given');
  });

  it('reduces Arrays', () => {
    const r = reduce((acc: np.Array, x: np.Array) => np.add(acc, x), [np.array([1, 2]), { k: np.array([10, 20]) }]);
    expect(Array.from(r.dataSync())).toEqual([11, 22]);
  });
});

describe('structureEqual', () => {
  it('compares nesting, lengths, keys and null, not leaf values or key order', () => {
    expect(structureEqual({ x: 1, y: [2, null] }, { y: [np.ones([3]), null], x: 'a' })).toBe(true);
    expect(structureEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(structureEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(structureEqual([1, null], [1, 2])).toBe(false);
    expect(structureEqual([1, [2]], [1, 2])).toBe(false);
    expect(structureEqual(null, undefined)).toBe(true);
    expect(structureEqual(1, [1])).toBe(false);
  });
});

describe('transpose', () => {
  it('turns a list of objects into an object of lists, and back', () => {
    const t = [{ a: 1, b: [2, 3] }, { a: 4, b: [5, 6] }, { a: 7, b: [8, 9] }];
    const outer = structure([0, 0, 0]);
    const inner = structure({ a: 0, b: [0, 0] });
    const tt = transpose(outer, inner, t);
    expect(tt).toEqual({ a: [1, 4, 7], b: [[2, 5, 8], [3, 6, 9]] });
    expect(transpose(inner, outer, tt)).toEqual(t);
  });

  it('infers the inner treedef from the first outer leaf when none is given', () => {
    expect(transpose(structure({ x: 0, y: 0 }), null, { x: [1, 2], y: [3, 4] })).toEqual([{ x: 1, y: 3 }, { x: 2, y: 4 }]);
  });

  it('keeps null subtrees and handles outer trees with no leaves', () => {
    expect(transpose(structure([0, null, 0]), structure([0, 0]), [[1, 2], null, [3, 4]])).toEqual([[1, null, 3], [2, null, 4]]);
    expect(transpose(structure([]), structure({ p: 0, q: 0 }), [])).toEqual({ p: [], q: [] });
    expect(() => transpose(structure([]), null, [])).toThrow(/cannot infer the inner treedef/);
  });

  it('moves Arrays without copying them', () => {
    const w = np.ones([2]);
    const out = transpose<{ m: np.Array[] }>(structure([0]), structure({ m: 0 }), [{ m: w }]);
    expect(out.m[0]).toBe(w);
  });

  it('reports where the tree departs from the outer or inner treedef', () => {
    const outer = structure({ a: 0, b: [0, 0] });
    const inner = structure([0, 0]);
    expect(() => transpose(outer, inner, { a: [1, 2], b: [[1, 2]] }))
      .toThrow("tree.transpose: expected a list of length 2 at ['b'] (outer treedef {a: *, b: [*, *]}), got [[*, *]]");
    expect(() => transpose(outer, inner, { a: [1, 2], c: [[1, 2], [3, 4]] }))
      .toThrow('tree.transpose: expected an object with keys [a, b] at the root');
    expect(() => transpose(outer, inner, { a: [1, 2], b: [[1, 2], [3]] }))
      .toThrow('tree.transpose: outer leaf 2 holds a subtree of structure [*], not the inner treedef [*, *]');
    expect(() => transpose(structure([null]), inner, [[1, 2]])).toThrow(/expected null at \[0\]/);
  });
});
