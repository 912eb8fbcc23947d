/** The epilogue pass: elementwise kernels folded into the routine whose result they alone read. */
import type { Aval } from '../core/ir.js';
import { topo } from './expr.js';
import { type Step, stepReads } from './program.js';
import { contiguous, viewKey } from './view.js';

/** Routines that take an elementwise epilogue. */
const EPILOGUE_ROUTINES = new Set(['dot_general']);

/**
 * Folds an elementwise kernel into the matmul before it when the kernel is the only reader of the
 * product, reads it element for element, and needs nothing the matmul's position lacks: the
 * product never exists as a buffer of its own (bias + activation ride on the GEMM).
 */
export function fuseEpilogues(steps: readonly Step[], avals: readonly Aval[], keep: readonly number[]): Step[] {
  const made = new Map<number, number>();
  steps.forEach((st, i) => st.outs.forEach((o) => made.set(o, i)));
  const readers = new Map<number, number[]>();
  steps.forEach((st, i) => stepReads(st).forEach((s) => readers.set(s, [...(readers.get(s) ?? []), i])));
  const out: (Step | undefined)[] = [...steps];
  steps.forEach((r, i) => {
    if (r.kind !== 'routine' || !EPILOGUE_ROUTINES.has(r.name) || r.outs.length !== 1 || r.epilogue) return;
    const res = r.outs[0];
    const rd = readers.get(res) ?? [];
    if (keep.includes(res) || rd.length !== 1) return;
    const k = steps[rd[0]];
    if (k.kind !== 'kernel' || k.kernel.reductions.length || k.kernel.nKept !== k.kernel.domain.length) return;
    const shape = avals[res].shape;
    if (k.kernel.domain.length !== shape.length || k.kernel.domain.some((d, j) => d !== shape[j])) return;
    const at = k.ins.indexOf(res);
    const elementwise = topo([...k.kernel.outputs.map((o) => o.expr)]).every((n) => n.kind !== 'load' || n.input !== at || (!n.gather && viewKey(n.view) === viewKey(contiguous(shape))));
    if (!elementwise || k.ins.some((s) => s !== res && (made.get(s) ?? -1) > i)) return;
    out[i] = { ...r, outs: k.outs, epilogue: { kernel: k.kernel, ins: k.ins.map((s) => (s === res ? 'result' : s)) } };
    out[rd[0]] = undefined;
  });
  return out.filter((st): st is Step => st !== undefined);
}
