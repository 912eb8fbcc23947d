/** The CPU routine of debug_callback: the host function, once per batch element, on copies of the data. */
import { type Aval, size } from '../../core/ir.js';
import type { DebugCallbackParams } from '../../primitives/debug.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

const debugCallback: CpuRoutine = (ins, inAvals, _outs, { callback, batchDims }: DebugCallbackParams) => {
  const batch = inAvals.length ? inAvals[0].shape.slice(0, batchDims) : [];
  const per: Aval[] = inAvals.map((a) => ({ shape: a.shape.slice(batchDims), dtype: a.dtype }));
  const n = batchDims ? size(batch) : 1;
  for (let b = 0; b < n; b++) {
    callback(ins.map((x, i) => {
      const m = size(per[i].shape);
      return { data: x.slice(b * m, (b + 1) * m), aval: per[i] };
    }));
  }
  return [];
};

registerRoutines({ debug_callback: debugCallback });
