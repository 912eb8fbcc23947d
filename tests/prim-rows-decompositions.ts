/**
 * Grad-check rows for eigh, qr and svd (tests/grad-check.test.ts). Inputs are made well
 * conditioned (a random perturbation of a diagonal with well separated entries), so eigenvalues
 * and singular values are distinct, R's diagonal stays away from zero, and each vector's
 * sign convention (largest-magnitude entry positive; LAPACK's signs for qr) does not switch
 * within the finite-difference step.
 */
import { type Array, getDefaultFloat, np, primitives } from '../lib/index.js';
import type { Primitive } from '../lib/core/primitive.js';
import type { Params } from '../lib/core/ir.js';
import { bind } from '../lib/core/trace.js';
import type { InputSpec, Row } from './prim-table.js';

function P(name: string): Primitive {
  const p = primitives().get(name);
  if (!p) throw new Error(`prim-rows-decompositions: no primitive named '${name}'`);
  return p;
}

const F = (shape: number[]): InputSpec => ({ shape });

/** A [rows, cols] float constant with diag(scale·[1, 2, 3, ...]) (made at call time). */
function diag(rows: number, cols: number, scale: number): Array {
  const data: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data.push(i === j ? scale * (i + 1) : 0);
  return np.array(data, { dtype: getDefaultFloat(), shape: [rows, cols] });
}

/** x plus a separated diagonal (broadcast over a leading batch axis). */
const wellCond = (x: Array, scale = 4): Array => np.add(x, diag(x.shape[x.ndim - 2], x.shape[x.ndim - 1], scale));
/** A symmetric x + xᵀ plus a separated diagonal. */
const sym = (x: Array): Array => wellCond(np.add(x, np.swapaxes(x, -1, -2)), 5);

const out = (prim: string, params: Params, x: Array, i: number): Array => bind(P(prim), [x], params)[i];

function row(name: string, prim: string, params: Params, shape: number[], f: (x: Array) => Array, extra: Partial<Row> = {}): Row {
  return { name, prim, params, inputs: [F(shape)], f, ...extra };
}

const lo = { lower: true };
const up = { lower: false };

export const decompositionRows: Row[] = [
  // ---- eigh: eigenvalues, sign-fixed eigenvectors, the reconstruction v·diag(w)·vᵀ
  row('eigh eigenvalues', 'eigh', lo, [3, 3], (x) => out('eigh', lo, sym(x), 1)),
  row('eigh eigenvectors', 'eigh', lo, [3, 3], (x) => out('eigh', lo, sym(x), 0)),
  row('eigh eigenvectors, lower triangle of a non-symmetric input', 'eigh', lo, [3, 3], (x) => out('eigh', lo, wellCond(x, 5), 0)),
  row('eigh upper', 'eigh', up, [3, 3], (x) => out('eigh', up, wellCond(x, 5), 0)),
  row('eigh v·diag(w)·vᵀ', 'eigh', lo, [4, 4], (x) => {
    const [v, w] = bind(P('eigh'), [sym(x)], lo);
    return np.matmul(np.multiply(v, np.expandDims(w, 0)), np.swapaxes(v, 0, 1));
  }),
  row('eigh batched [2,3,3]', 'eigh', lo, [2, 3, 3], (x) => np.add(out('eigh', lo, sym(x), 0), np.expandDims(out('eigh', lo, sym(x), 1), 1))),
  // ---- qr: q and r separately (reduced tall, square, complete square)
  row('qr q (tall, reduced)', 'qr', { fullMatrices: false }, [4, 3], (x) => out('qr', { fullMatrices: false }, wellCond(x), 0)),
  row('qr r (tall, reduced)', 'qr', { fullMatrices: false }, [4, 3], (x) => out('qr', { fullMatrices: false }, wellCond(x), 1)),
  row('qr q square full', 'qr', { fullMatrices: true }, [3, 3], (x) => out('qr', { fullMatrices: true }, wellCond(x), 0)),
  row('qr r square full', 'qr', { fullMatrices: true }, [3, 3], (x) => out('qr', { fullMatrices: true }, wellCond(x), 1)),
  row('qr batched [2,4,3] q + r', 'qr', { fullMatrices: false }, [2, 4, 3], (x) => {
    const [q, r] = bind(P('qr'), [wellCond(x)], { fullMatrices: false });
    return np.add(np.sum(q, -2), np.sum(r, -2));
  }),
  // ---- svd: s, sign-fixed u and vt, for tall, wide and square inputs
  row('svd s only', 'svd', { fullMatrices: false, computeUv: false }, [4, 3], (x) => out('svd', { fullMatrices: false, computeUv: false }, wellCond(x), 0)),
  ...([[4, 3], [3, 4], [3, 3]] as const).flatMap(([m, n]) => {
    const p = { fullMatrices: false, computeUv: true };
    return ['s', 'u', 'vt'].map((what, i) => row(`svd ${what} [${m},${n}]`, 'svd', p, [m, n], (x) => out('svd', p, wellCond(x), i)));
  }),
  row('svd u square full', 'svd', { fullMatrices: true, computeUv: true }, [3, 3], (x) => out('svd', { fullMatrices: true, computeUv: true }, wellCond(x), 1)),
  row('svd batched [2,4,3] u·diag(s)·vt', 'svd', { fullMatrices: false, computeUv: true }, [2, 4, 3], (x) => {
    const [s, u, vt] = bind(P('svd'), [wellCond(x)], { fullMatrices: false, computeUv: true });
    return np.add(np.matmul(np.multiply(u, np.expandDims(s, -2)), vt), np.expandDims(np.sum(u, -1), -1));
  }),
];
