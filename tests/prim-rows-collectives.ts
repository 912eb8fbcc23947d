/**
 * grad-check rows of the collectives (spread into tests/prim-table.ts's rows): each binds its
 * primitive inside a vmap that names the axis, which is where a collective can run.
 */
import { type Array, lax, np, vmap } from '../lib/index.js';
import type { Row } from './prim-table.js';

// No value imports from prim-table.ts: it imports this file, so its bindings are not ready yet.
const named = (f: (e: Array) => Array) => (x: Array): Array => vmap(f, 0, 0, { axisName: 'i' })(x);
const row = (name: string, prim: string, shape: number[], f: (e: Array) => Array, extra: Partial<Row> = {}): Row =>
  ({ name, prim, params: {}, inputs: [{ shape }], f: named(f), ...extra });

export const collectiveRows: Row[] = [
  row('psum over a named vmap axis', 'psum', [3, 4], (e) => lax.psum(e, 'i')),
  row('psum inside a product (transpose of psum)', 'psum', [3, 2], (e) => e.mul(lax.psum(e.square(), 'i'))),
  // Uniform samples have no ties, so the extremum is attained by one example.
  row('pmax over a named vmap axis', 'pmax', [4, 3], (e) => lax.pmax(e, 'i')),
  row('pmin over a named vmap axis', 'pmin', [4, 3], (e) => lax.pmin(e, 'i')),
  row('all_gather stacked', 'all_gather', [3, 2], (e) => lax.allGather(e, 'i').mul(np.arange(6).reshape([3, 2]).astype(e.dtype))),
  row('all_gather tiled on axis 0', 'all_gather', [3, 2], (e) => lax.allGather(e, 'i', { tiled: true })),
  row('axis_index', 'axis_index', [3], () => lax.axisIndex('i'), { nondiff: true }),
  row('ppermute (a partial permutation)', 'ppermute', [3, 2], (e) => lax.ppermute(e, 'i', [[0, 1], [1, 2]])),
];
