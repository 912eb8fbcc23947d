/** The kernel `out = pred ? t : f` over one shape, with a scalar predicate (masked loop steps). */
import type { Aval } from '../core/ir.js';
import { LRU, onClearCaches } from '../core/lru.js';
import { Interner } from './expr.js';
import type { Kernel } from './program.js';
import { contiguous } from './view.js';

const made = new LRU<string, Kernel>(256);
onClearCaches(() => made.clear());

export function selectKernel(a: Aval): Kernel {
  const key = `select|${a.dtype}|${a.shape.join('x')}`;
  let k = made.get(key);
  if (!k) {
    const it = new Interner();
    const view = contiguous(a.shape);
    const pred = it.load(0, { shape: a.shape, strides: a.shape.map(() => 0), offset: 0 }, 'bool');
    const expr = it.op('select', [pred, it.load(1, view, a.dtype), it.load(2, view, a.dtype)], a.dtype, a.dtype);
    k = { domain: [...a.shape], nKept: a.shape.length, inputs: ['bool', a.dtype, a.dtype], reductions: [], outputs: [{ expr, view, dtype: a.dtype, loop: 0 }], key };
    made.set(key, k);
  }
  return k;
}
