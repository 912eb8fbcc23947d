/** CPU kernels for control flow: sub-Jaxprs run natively (loops never unroll into equations). */
import { typedArrayFor, type TypedArray } from '../../core/dtype.js';
import { type Jaxpr, size } from '../../core/ir.js';
import { registerKernels } from './kernels.js';
import type { ScanParams } from '../../control/scan.js';
import type { WhileParams } from '../../control/while.js';

registerKernels({
  cond: (ins, _in, _out, { branches }: { branches: readonly Jaxpr[] }, ctx) => {
    const i = Math.min(Math.max(ins[0][0], 0), branches.length - 1);
    return ctx.run(branches[i], ins.slice(1));
  },

  scan: (ins, _in, outAvals, { jaxpr, nConsts, nCarry, length, reverse }: ScanParams, ctx) => {
    const consts = ins.slice(0, nConsts);
    let carry: TypedArray[] = ins.slice(nConsts, nConsts + nCarry).map((c) => c.slice());
    const xs = ins.slice(nConsts + nCarry);
    const xStep = xs.map((x) => (length ? x.length / length : 0));
    const ys = outAvals.slice(nCarry).map((a) => typedArrayFor(a.dtype, size(a.shape)));
    const yStep = ys.map((y) => (length ? y.length / length : 0));
    for (let t = 0; t < length; t++) {
      const i = reverse ? length - 1 - t : t;
      const slices = xs.map((x, j) => x.subarray(i * xStep[j], (i + 1) * xStep[j]));
      const outs = ctx.run(jaxpr, [...consts, ...carry, ...slices]);
      carry = outs.slice(0, nCarry);
      for (let j = 0; j < ys.length; j++) ys[j].set(outs[nCarry + j], i * yStep[j]);
    }
    return [...carry, ...ys];
  },
});

registerKernels({
  while: (ins, _in, _out, { cond, body, nCondConsts, nBodyConsts }: WhileParams, ctx) => {
    const cc = ins.slice(0, nCondConsts);
    const bc = ins.slice(nCondConsts, nCondConsts + nBodyConsts);
    let carry: TypedArray[] = ins.slice(nCondConsts + nBodyConsts).map((c) => c.slice());
    while (ctx.run(cond, [...cc, ...carry])[0][0]) carry = ctx.run(body, [...bc, ...carry]);
    return carry;
  },
});
