/**
 * The CPU sort routine. Each line along the sort dimension is copied out, ordered, and written
 * back: a lone operand with the typed arrays' own sort (its default order is already JAX's total
 * order: -0 before +0, NaN last), several operands through a permutation ordered by the keys with
 * Array.prototype.sort, which is stable in every engine since ES2019.
 */
import type { TypedArray } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import type { SortParams } from '../../primitives/sort.js';
import { allocate } from './pool.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

/** JAX's total order on one key: NaN after everything, -0 before +0. */
function compare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a !== 0) return 0;
    const an = Object.is(a, -0), bn = Object.is(b, -0);
    return an === bn ? 0 : an ? -1 : 1;
  }
  const an = a !== a, bn = b !== b;
  return an === bn ? 0 : an ? 1 : -1;
}

const sort: CpuRoutine = (ins, [xa], outAvals, { dimension, numKeys }: SortParams) => {
  const shape = xa.shape;
  const n = shape[dimension];
  const post = size(shape.slice(dimension + 1));
  const lines = n === 0 ? 0 : size(shape) / n;
  const outs = outAvals.map((o) => allocate(o.dtype, size(shape)));
  const startOf = (l: number): number => Math.floor(l / post) * n * post + (l % post);
  if (ins.length === 1) {
    const line = ins[0].slice(0, n);
    for (let l = 0; l < lines; l++) {
      const s = startOf(l);
      for (let j = 0; j < n; j++) line[j] = ins[0][s + j * post];
      line.sort();
      for (let j = 0; j < n; j++) outs[0][s + j * post] = line[j];
    }
    return outs;
  }
  const keys: TypedArray[] = ins.slice(0, numKeys).map((x) => x.slice(0, n));
  const perm: number[] = new globalThis.Array<number>(n);
  const byKeys = (i: number, j: number): number => {
    for (const k of keys) {
      const c = compare(k[i], k[j]);
      if (c !== 0) return c;
    }
    return 0;
  };
  for (let l = 0; l < lines; l++) {
    const s = startOf(l);
    for (const [k, key] of keys.entries()) for (let j = 0; j < n; j++) key[j] = ins[k][s + j * post];
    for (let j = 0; j < n; j++) perm[j] = j;
    perm.sort(byKeys);
    for (const [o, x] of ins.entries()) for (let j = 0; j < n; j++) outs[o][s + j * post] = x[s + perm[j] * post];
  }
  return outs;
};

registerRoutines({ sort });
