/**
 * The scalar-op table in WGSL: the shared table's primitives spelled for the GPU, with helper
 * functions (`h_*`) where a WGSL builtin is not IEEE-exact or differs from the CPU backend's
 * semantics (SwiftShader's log(0) is -88, tanh(inf) NaN, max(NaN, 1) 1, and x != x is false).
 *
 * Types: float32 values are `f32`, int32 `i32`, bool `bool` (stored as u32 in buffers; the
 * renderer converts at loads and stores). A Spell receives operand expressions of the WGSL type
 * of `inDtype` (bool operands of select/and/or/xor/not as `bool`) and returns an expression of
 * the WGSL type of `outDtype`.
 */
import type { Spell } from '../../lowering/scalar-ops.js';

export const WGSL_OPS: Readonly<Record<string, Spell>> = {};

/** Helper sources by name (`h_exp` is HELPERS.exp), each with the helpers it calls. */
export const HELPERS: Readonly<Record<string, { readonly deps: readonly string[]; readonly src: string }>> = {};

/** The WGSL source of every helper `code` calls (`h_name(`), dependencies first. */
export function helperSource(code: string): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const h = HELPERS[n];
    if (!h) throw new Error(`webgpu: no WGSL helper h_${n}`);
    h.deps.forEach(visit);
    out.push(h.src);
  };
  for (const m of code.matchAll(/\bh_(\w+)\(/g)) visit(m[1]);
  return out.join('\n');
}
