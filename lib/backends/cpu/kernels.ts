/** The CPU kernel registry: machine facts for each primitive, keyed by its name. */
import type { TypedArray } from '../../core/dtype.js';
import type { Aval, Jaxpr } from '../../core/ir.js';

/** Runs a sub-Jaxpr on the CPU (for control-flow kernels). */
export interface CpuContext {
  run(jaxpr: Jaxpr, inputs: readonly TypedArray[]): TypedArray[];
}

/** Reads input arrays, returns freshly allocated outputs (never aliases an input). */
export type CpuKernel = (
  ins: readonly TypedArray[],
  inAvals: readonly Aval[],
  outAvals: readonly Aval[],
  params: any,
  ctx: CpuContext,
) => TypedArray[];

const kernels = new Map<string, CpuKernel>();

export function registerKernel(name: string, k: CpuKernel): void {
  kernels.set(name, k);
}

export function registerKernels(table: Record<string, CpuKernel>): void {
  for (const [name, k] of Object.entries(table)) kernels.set(name, k);
}

export const getKernel = (name: string): CpuKernel | undefined => kernels.get(name);
export const kernelNames = (): string[] => [...kernels.keys()];
