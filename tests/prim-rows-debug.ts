/** The grad-check row of debug_callback (spread into tests/prim-table.ts's rows). */
import { type Array, primitives } from '../lib/index.js';
import { bind } from '../lib/core/trace.js';
import type { Row } from './prim-table.js';

// No value imports from prim-table.ts: it imports this file, so its bindings are not ready yet.
const params = { callback: () => {}, batchDims: 0 };
const prim = (name: string) => {
  const p = primitives().get(name);
  if (!p) throw new Error(`prim-rows-debug: no primitive named '${name}'`);
  return p;
};

export const debugRows: Row[] = [{
  name: 'debug_callback (an effect beside sin)',
  prim: 'debug_callback',
  params,
  inputs: [{ shape: [3, 4] }],
  f: (x: Array) => {
    bind(prim('debug_callback'), [x], params);
    return bind(prim('sin'), [x], {})[0];
  },
}];
