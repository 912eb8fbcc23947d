/** grad-check rows of the sort primitive (spread into tests/prim-table.ts's rows). */
import { type Array, primitives } from '../lib/index.js';
import type { Primitive } from '../lib/core/primitive.js';
import { bind } from '../lib/core/trace.js';
import type { Row } from './prim-table.js';

// No value imports from prim-table.ts: it imports this file, so its bindings are not ready yet.
const sortPrim = (): Primitive => {
  const p = primitives().get('sort');
  if (!p) throw new Error("prim-rows-sort: no primitive named 'sort'");
  return p;
};
const row = (name: string, params: Row['params'], shapes: number[][], pick: number): Row => ({
  name, prim: 'sort', params, inputs: shapes.map((shape) => ({ shape })),
  f: (...xs: Array[]) => bind(sortPrim(), xs, params)[pick],
});

// Uniform samples have no ties, so each sort is locally a fixed permutation (smooth).
export const sortRows: Row[] = [
  row('sort dim 1', { dimension: 1, isStable: true, numKeys: 1 }, [[3, 4]], 0),
  row('sort dim 0', { dimension: 0, isStable: true, numKeys: 1 }, [[4, 3]], 0),
  row('sort rank 1', { dimension: 0, isStable: false, numKeys: 1 }, [[5]], 0),
  row('sort key/value (value)', { dimension: 1, isStable: true, numKeys: 1 }, [[2, 5], [2, 5]], 1),
  row('sort key/value (key)', { dimension: 1, isStable: true, numKeys: 1 }, [[2, 5], [2, 5]], 0),
  row('sort two keys (third operand)', { dimension: 0, isStable: true, numKeys: 2 }, [[4, 2], [4, 2], [4, 2]], 2),
];
