/**
 * The CPU routines: what the lowering does not fuse (matrix products, linear algebra, gathers
 * and scatters, cumulative and arg reductions, random bits), keyed by primitive name.
 */
import { type TypedArray, ARRAY_TYPE, f16round, typedArrayFor } from '../../core/dtype.js';
import type { Aval, Params } from '../../core/ir.js';
import type { RoutineFn } from '../../lowering/runner.js';

/**
 * A method's parameters are bivariant, so a routine declared with its own primitive's params type
 * (`{ contracting, batch }: DotParams`) is a CpuRoutine: the lowering hands each routine the
 * params of the equation it runs.
 */
interface RoutineSignature {
  run(ins: readonly TypedArray[], inAvals: readonly Aval[], outAvals: readonly Aval[], params: Params): TypedArray[];
}
/** Reads input arrays, returns freshly allocated outputs (never aliases an input). */
export type CpuRoutine = RoutineSignature['run'];

const routines = new Map<string, CpuRoutine>();

export function registerRoutines(table: Record<string, CpuRoutine>): void {
  for (const [name, k] of Object.entries(table)) routines.set(name, k);
}

export const getRoutine = (name: string): CpuRoutine | undefined => routines.get(name);
export const routineNames = (): string[] => [...routines.keys()];

/** The routine `name` as a runner routine whose every output is passed to `count` (a device's accounting). */
export function countedRoutine(name: string, count: (out: TypedArray) => void): RoutineFn<TypedArray> | undefined {
  const k = routines.get(name);
  return k && ((ins, inAvals, outAvals, params) => {
    const outs = k(ins, inAvals, outAvals, params).map((o, i) => storedAs(o, outAvals[i]));
    outs.forEach(count);
    return outs;
  });
}

/** The routine `name` for a host that runs it for another device: outputs as countedRoutine's, uncounted. */
export const hostRoutine = (name: string): RoutineFn<TypedArray> | undefined => countedRoutine(name, () => undefined);

/**
 * A routine's output as its dtype stores it. Integer routines compute modulo 2^32 into whatever
 * integer array they allocate; copying into the dtype's own array wraps the values as storing
 * them would (uint8 and int8 results of int32 arithmetic, uint32 bits held in an Int32Array). float16 results,
 * computed in float32 or float64, are rounded to half precision.
 */
function storedAs(o: TypedArray, a: Aval): TypedArray {
  let out = o;
  if (out.constructor !== ARRAY_TYPE[a.dtype]) (out = typedArrayFor(a.dtype, o.length)).set(o);
  if (a.dtype === 'float16') for (let i = 0; i < out.length; i++) out[i] = f16round(out[i]);
  return out;
}
