/**
 * debug_callback: calls a host function with the values of its operands when the program runs
 * (jax.debug.callback). It has no outputs and is effectful, so the passes keep it and keep it in
 * place. Derivatives see only primal values (its jvp calls it on the primals, and nothing of it
 * reaches a tangent); under vmap it is called once per batch element, as JAX does.
 */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { TypedArray } from '../core/dtype.js';
import type { Aval } from '../core/ir.js';
import { bind } from '../core/trace.js';
import { ok } from './util.js';
import { batchFirst } from './batching.js';

/** One operand as the callback receives it: its data (a copy) and its per-call aval. */
export interface HostValue { readonly data: TypedArray; readonly aval: Aval }

export interface DebugCallbackParams {
  readonly [k: string]: unknown;
  /** Called with one HostValue per operand, once per batch element. */
  readonly callback: (values: readonly HostValue[]) => void;
  /** Leading axes of every operand added by vmap: the callback runs for each index of them. */
  readonly batchDims: number;
}

export const DebugCallback: Primitive<DebugCallbackParams> = definePrimitive<DebugCallbackParams>({
  name: 'debug_callback',
  effectful: true,
  abstractEval: () => ok(),
  jvp: (primals, _tangents, p) => {
    bind(DebugCallback, primals, p);
    return [[], []];
  },
  vmap: (args, dims, p, size) => {
    // Operands not batched are broadcast, so each element's call sees all of its values.
    bind(DebugCallback, args.map((a, i) => batchFirst(a, dims[i], size)), { ...p, batchDims: p.batchDims + 1 });
    return [[], []];
  },
});
