/** CPU kernels for control flow: sub-Jaxprs run natively (loops never unroll into equations). */
import type { Jaxpr } from '../../core/ir.js';
import { registerKernels } from './kernels.js';

registerKernels({
  cond: (ins, _in, _out, { branches }: { branches: readonly Jaxpr[] }, ctx) => {
    const i = Math.min(Math.max(ins[0][0], 0), branches.length - 1);
    return ctx.run(branches[i], ins.slice(1));
  },
});
