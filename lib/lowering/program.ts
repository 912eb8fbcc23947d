/**
 * A Program: what the lowering makes of a Jaxpr and every backend runs. Values live in numbered
 * slots; steps read and write slots; the memory plan says which slots die after each step.
 */
import type { DType, TypedArray } from '../core/dtype.js';
import type { Aval, Params } from '../core/ir.js';
import type { Expr, ReduceOp } from './expr.js';
import type { View } from './view.js';

/**
 * A fused kernel over an index domain: the first `nKept` axes are iterated once per output
 * point, the rest are reduced. Per outer point, loop k < reductions.length computes reduction k
 * (and writes the outputs whose `loop` is k); loop `reductions.length` writes the remaining
 * full-domain outputs; outputs with `loop: -1` are written once per outer point, after the
 * reductions. Load nodes number the kernel's inputs; views are over the domain.
 */
export interface Kernel {
  readonly domain: readonly number[];
  readonly nKept: number;
  readonly inputs: readonly DType[];
  readonly reductions: readonly { readonly op: ReduceOp; readonly expr: Expr; readonly dtype: DType }[];
  readonly outputs: readonly { readonly expr: Expr; readonly view: View; readonly dtype: DType; readonly loop: number }[];
  /** Structural: equal keys, equal kernels. */
  readonly key: string;
}

/** An epilogue's input: a program slot, or the routine's own result. */
export type Input = number | 'result';

export type Step =
  | { readonly kind: 'kernel'; readonly kernel: Kernel; readonly ins: readonly number[]; readonly outs: readonly number[] }
  | {
    readonly kind: 'routine'; readonly name: string; readonly params: Params;
    readonly inAvals: readonly Aval[]; readonly outAvals: readonly Aval[];
    readonly ins: readonly number[]; readonly outs: readonly number[];
    /**
     * An elementwise kernel over the routine's single result (a matmul's bias and activation):
     * `outs` are then the epilogue's outputs, and the result itself is never a slot of the
     * program. A backend may run both as one kernel; otherwise the runner runs them in turn.
     */
    readonly epilogue?: { readonly kernel: Kernel; readonly ins: readonly Input[] };
  }
  | { readonly kind: 'cond'; readonly branches: readonly Program[]; readonly ins: readonly number[]; readonly outs: readonly number[] }
  | {
    readonly kind: 'scan'; readonly body: Program; readonly nConsts: number; readonly nCarry: number;
    readonly length: number; readonly reverse: boolean; readonly ins: readonly number[]; readonly outs: readonly number[];
  }
  | {
    readonly kind: 'while'; readonly cond: Program; readonly body: Program; readonly nCondConsts: number;
    readonly nBodyConsts: number; readonly ins: readonly number[]; readonly outs: readonly number[];
  };

export interface Program {
  readonly slotAvals: readonly Aval[];
  /** Slots bound to the Jaxpr's [...consts, ...inputs], in order. */
  readonly inputs: readonly number[];
  /** Slots holding constant data (literals read by routines, constants of decompositions). */
  readonly constants: readonly { readonly slot: number; readonly data: TypedArray }[];
  readonly steps: readonly Step[];
  /** Intermediate slots whose last reader is step i and whose buffer no later step takes: freed after it. */
  readonly free: readonly (readonly number[])[];
  /** For each output of step i (kernels only): the dead slot whose buffer it takes over, or -1. */
  readonly reuse: readonly (readonly number[])[];
  readonly outputs: readonly number[];
}

/** The slots a step reads. */
export function stepReads(st: Step): number[] {
  if (st.kind === 'routine' && st.epilogue) return [...st.ins, ...st.epilogue.ins.filter((s): s is number => s !== 'result')];
  return [...st.ins];
}

/** Counts for tests and profiles. */
export interface ProgramStats { kernels: number; routines: number; controls: number }

export function programStats(p: Program): ProgramStats {
  const s = { kernels: 0, routines: 0, controls: 0 };
  for (const st of p.steps) {
    if (st.kind === 'kernel') s.kernels++;
    else if (st.kind === 'routine') s.routines++;
    else s.controls++;
  }
  return s;
}
