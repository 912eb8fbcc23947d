/**
 * Scalar-expression trees, the body of a fused kernel. Nodes are hash-consed by an Interner, so
 * equal subexpressions are one object (the renderer computes each once) and a kernel's
 * structural key never contains variable ids: the same computation on new variables hits the
 * kernel cache.
 */
import type { DType } from '../core/dtype.js';
import { type View, viewKey, viewSpan } from './view.js';

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

interface Node { readonly id: number; readonly dtype: DType }
/** Element `view` of kernel input `input` (a program slot while planning), moved by `gather`. */
export interface Load extends Node { readonly kind: 'load'; readonly input: number; readonly view: View; readonly gather?: Gather }
/**
 * A fused gather's data-dependent term: the load reads `stride · clamp(index, 0, size - 1)`
 * elements past the view's offset, `index` an int32 expression over the same domain. Clamping
 * is JAX's rule for out-of-range gather indices, and keeps every read inside the buffer.
 */
export interface Gather { readonly index: Expr; readonly stride: number; readonly size: number }
/** The flat offset `view` computes, as a value: iota is the identity map read through a view. */
export interface Iota extends Node { readonly kind: 'iota'; readonly view: View }
export interface Lit extends Node { readonly kind: 'lit'; readonly value: number }
/** The result of the kernel's reduction `index` at the current outer point. */
export interface Red extends Node { readonly kind: 'red'; readonly index: number }
export interface Op extends Node {
  readonly kind: 'op';
  readonly op: string;
  readonly args: readonly Expr[];
  /** The operands' dtype (the first non-bool operand's for select). */
  readonly inDtype: DType;
  readonly param: number;
}
export type Expr = Load | Iota | Lit | Red | Op;

export const litStr = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** Hash-conses nodes: structurally equal nodes are the same object. */
export class Interner {
  private readonly table = new Map<string, Expr>();
  private next = 0;

  private intern<E extends Expr>(key: string, make: (id: number) => E): E {
    let e = this.table.get(key);
    if (!e) { e = make(this.next++); this.table.set(key, e); }
    return e as E;
  }
  load(input: number, view: View, dtype: DType, gather?: Gather): Load {
    const g = gather ? `|G${gather.index.id},${gather.stride},${gather.size}` : '';
    return this.intern(`L${input}|${dtype}|${viewKey(view)}${g}`, (id) => (gather ? { kind: 'load', id, input, view, dtype, gather } : { kind: 'load', id, input, view, dtype }));
  }
  iota(view: View, dtype: DType): Iota {
    return this.intern(`I${dtype}|${viewKey(view)}`, (id) => ({ kind: 'iota', id, view, dtype }));
  }
  lit(value: number, dtype: DType): Lit {
    return this.intern(`C${dtype}|${litStr(value)}`, (id) => ({ kind: 'lit', id, value, dtype }));
  }
  red(index: number, dtype: DType): Red {
    return this.intern(`R${index}|${dtype}`, (id) => ({ kind: 'red', id, index, dtype }));
  }
  op(op: string, args: readonly Expr[], inDtype: DType, dtype: DType, param = 0): Op {
    return this.intern(`O${op}|${inDtype}|${dtype}|${litStr(param)}|${args.map((a) => a.id).join(',')}`,
      (id) => ({ kind: 'op', id, op, args, inDtype, dtype, param }));
  }
}

/** A node's operands: an op's arguments, a gathered load's index. */
export const children = (e: Expr): readonly Expr[] => (e.kind === 'op' ? e.args : e.kind === 'load' && e.gather ? [e.gather.index] : []);

/** The distinct nodes under `roots`, children before parents. */
export function topo(roots: readonly Expr[]): Expr[] {
  const seen = new Set<number>();
  const out: Expr[] = [];
  const stack: [Expr, boolean][] = roots.map((r) => [r, false]);
  stack.reverse();
  while (stack.length) {
    const [e, done] = stack.pop()!;
    if (seen.has(e.id)) continue;
    const args = children(e);
    if (done || !args.length) { seen.add(e.id); out.push(e); continue; }
    stack.push([e, true]);
    for (let i = args.length - 1; i >= 0; i--) if (!seen.has(args[i].id)) stack.push([args[i], false]);
  }
  return out;
}

/**
 * Rewrites every leaf of `e` (memoised over the DAG). `leaf` returns the replacement, or
 * undefined when the rewrite is impossible, which makes the whole result undefined. A gathered
 * load is a leaf whose index is rewritten too: `leaf` maps its view (and must return a load),
 * and the rewritten index is attached to what it returns.
 */
export function mapLeaves(e: Expr, it: Interner, leaf: (l: Load | Iota | Red | Lit) => Expr | undefined): Expr | undefined {
  const memo = new Map<number, Expr>();
  for (const n of topo([e])) {
    let r: Expr | undefined;
    if (n.kind === 'op') {
      const args = n.args.map((a) => memo.get(a.id)!);
      r = args.every((a, i) => a === n.args[i]) ? n : it.op(n.op, args, n.inDtype, n.dtype, n.param);
    } else {
      r = leaf(n);
      if (r && n.kind === 'load' && n.gather) {
        if (r.kind !== 'load' || (r.gather && r !== n)) throw new Error('lower: a gathered load must map to a plain load');
        r = it.load(r.input, r.view, r.dtype, { ...n.gather, index: memo.get(n.gather.index.id)! });
      }
    }
    if (!r) return undefined;
    memo.set(n.id, r);
  }
  return memo.get(e.id);
}

/**
 * Per kernel input, the flat offsets [lo, hi) its loads under `roots` can read (a gathered load
 * anywhere in its clamped range); [0, 0) for an input never loaded. A backend that copies inputs
 * can copy just these.
 */
export function readSpans(roots: readonly Expr[], nInputs: number): [number, number][] {
  const spans: [number, number][] = globalThis.Array.from({ length: nInputs }, () => [Infinity, -Infinity]);
  for (const n of topo(roots)) {
    if (n.kind !== 'load') continue;
    let [lo, hi] = viewSpan(n.view);
    if (lo >= hi) continue;
    if (n.gather) { const r = n.gather.stride * (n.gather.size - 1); if (r < 0) lo += r; else hi += r; }
    const s = spans[n.input];
    s[0] = Math.min(s[0], lo); s[1] = Math.max(s[1], hi);
  }
  return spans.map(([lo, hi]) => (lo < hi ? [lo, hi] : [0, 0]));
}

/** 1 + the highest reduction `e` reads (0 when it reads none): the loop that can compute it. */
export function phase(e: Expr): number {
  let p = 0;
  for (const n of topo([e])) if (n.kind === 'red') p = Math.max(p, n.index + 1);
  return p;
}

const nodeCounts = new WeakMap<Expr, number>();
/** The distinct nodes under `e` (nodes are immutable: counted once). */
export function countNodes(e: Expr): number {
  let n = nodeCounts.get(e);
  if (n === undefined) nodeCounts.set(e, (n = topo([e]).length));
  return n;
}
