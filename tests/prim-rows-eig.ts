/**
 * Grad-check rows of the eig primitive (spread into tests/prim-table.ts's rows). Inputs are a
 * small random perturbation of a matrix with well separated eigenvalues — real ones (diag 4·[1, 2,
 * 3]) or a complex pair (±3i beside 5) — so the eigenvalue order, each eigenvector's pivot entry
 * and the derivatives (which need distinct eigenvalues) do not switch within the difference step.
 */
import { type Array, getDefaultFloat, np, primitives } from '../lib/index.js';
import type { Primitive } from '../lib/core/primitive.js';
import { bind } from '../lib/core/trace.js';
import type { Row } from './prim-table.js';

// No value imports from prim-table.ts: it imports this file, so its bindings are not ready yet.
const eigPrim = (): Primitive => {
  const p = primitives().get('eig');
  if (!p) throw new Error("prim-rows-eig: no primitive named 'eig'");
  return p;
};

/** 0.3·x plus a fixed matrix (broadcast over leading batch axes), made at call time in x's dtype. */
const around = (base: number[][]) => (x: Array): Array =>
  np.add(np.multiply(x, 0.3), np.array(base, { dtype: getDefaultFloat() }));
const REAL = [[4, 0, 0], [0, 8, 0], [0, 0, 12]];
const PAIR = [[0, -3, 0], [3, 0, 0], [0, 0, 5]];

const outputs = ['wr', 'wi', 'vr', 'vi'];
function row(what: string, base: number[][], vectors: boolean, shape: number[], pick: number, extra: Partial<Row> = {}): Row {
  return {
    name: `eig ${outputs[pick]} (${what}${vectors ? '' : ', eigenvalues only'}) [${shape}]`,
    prim: 'eig',
    params: { vectors },
    inputs: [{ shape }],
    f: (x: Array) => bind(eigPrim(), [around(base)(x)], { vectors })[pick],
    ...extra,
  };
}

export const eigRows: Row[] = [
  row('real', REAL, false, [3, 3], 0),
  row('complex pair', PAIR, false, [3, 3], 1),
  ...[0, 1, 2, 3].map((i) => row('real', REAL, true, [3, 3], i)),
  ...[0, 1, 2, 3].map((i) => row('complex pair', PAIR, true, [3, 3], i)),
  row('complex pair', PAIR, true, [2, 3, 3], 3),
];
