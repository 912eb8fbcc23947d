/** grad-check rows of the fft primitive (spread into tests/prim-table.ts's rows). */
import { type Array, primitives } from '../lib/index.js';
import type { Primitive } from '../lib/core/primitive.js';
import { bind } from '../lib/core/trace.js';
import type { Row } from './prim-table.js';

// No value imports from prim-table.ts: it imports this file, so its bindings are not ready yet.
const fftPrim = (): Primitive => {
  const p = primitives().get('fft');
  if (!p) throw new Error("prim-rows-fft: no primitive named 'fft'");
  return p;
};
const row = (name: string, sign: -1 | 1, shape: number[], pick: number): Row => ({
  name, prim: 'fft', params: { sign }, inputs: [{ shape }, { shape }],
  f: (...xs: Array[]) => bind(fftPrim(), xs, { sign })[pick],
});

// Lengths cover the CPU's radix-2 path (8, 1) and its Bluestein path (5, 6, 7).
export const fftRows: Row[] = [
  row('fft forward n=8 (real part)', -1, [2, 8], 0),
  row('fft forward n=5 (imaginary part)', -1, [3, 5], 1),
  row('fft inverse n=6 (real part)', 1, [2, 6], 0),
  row('fft inverse n=7 rank 1 (imaginary part)', 1, [7], 1),
  row('fft forward n=1 (real part)', -1, [3, 1], 0),
];
