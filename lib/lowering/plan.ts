/**
 * Jaxpr -> Program. Fusion follows the dataflow graph, not the equation order:
 *
 * - Elementwise ops, movement ops (broadcast, reshape, transpose, slice, rev, squeeze,
 *   expand_dims) and iota build *portable* expressions: trees over loads through Views. They
 *   cost nothing until a value must exist in memory.
 * - A reduction opens a *group* (one kernel) over its input's shape; later ops that read the
 *   reduction (a softmax's subtract-the-max, divide-by-the-sum) join it, and so do further
 *   reductions over the same axes, so softmax is one kernel.
 * - A value is materialized where a routine, a control step or the program's outputs need it,
 *   or where a tree grows past the fusion limit; that closes the group that computes it.
 *
 * Everything else is a routine the backend provides, a control step over lowered sub-Programs,
 * or a decomposition into primitives that are.
 */
import { type DType, typedArrayFor, type TypedArray } from '../core/dtype.js';
import { type Atom, type Aval, type Eqn, type Jaxpr, Jaxpr as JaxprClass, type Var, aval as mkAval, eqn, isVar, literal, newVar } from '../core/ir.js';
import { primitives } from '../core/primitive.js';
import { ConcreteArray } from '../core/array.js';
import { onHost, traceFlat } from '../core/trace.js';
import { type Expr, type ReduceOp, Interner, countNodes, mapLeaves, phase, topo, litStr } from './expr.js';
import { type View, broadcastView, contiguous, isContiguous, reshapeView, revView, sliceView, transposeView, viewKey } from './view.js';
import { SCALAR_OPS } from './scalar-ops.js';
import type { Kernel, Program, Step } from './program.js';
import { fuseEpilogues } from './epilogues.js';
import { memoryPlan } from './memory.js';
import { chunkReductions } from './chunk.js';

/** What a backend declares to the lowering. */
export interface Capabilities {
  /** Primitives the backend runs as named routines (dot_general, cholesky, gather, ...). */
  readonly routines: ReadonlySet<string>;
  /** Largest expression (distinct nodes) one kernel computes per output; bigger trees are split. */
  readonly fusionLimit?: number;
  /**
   * Most buffers (inputs and outputs) one kernel may bind: WebGPU allows 8 storage buffers per
   * shader stage on many adapters. Trees that would read more are cut; kernels with more outputs
   * are split, each part recomputing the reductions it reads.
   */
  readonly maxBuffers?: number;
  /**
   * Lower a `cond` on a device value whose branches are small and elementwise as a select over
   * both branches' results: the predicate then never comes back to the host (on a GPU a readback
   * costs a round trip, and rules out the synchronous call).
   */
  readonly condAsSelect?: boolean;
  /**
   * Reduces over more than this many elements per output point in chunks of about this
   * size (chunk.ts): a fixed order that threads and lanes can share, the same bits for any
   * batching and thread count.
   */
  readonly reductionChunk?: number;
  /**
   * Scalar ops the backend computes one element at a time even where its other kernels are
   * vectorised (the CPU's WebAssembly has no lgamma): a value computed by one is stored by a
   * kernel of its own, so the kernels that read it stay vectorised — a Poisson likelihood's
   * lgamma of the counts no longer holds its sum over the expected yields to scalar code.
   */
  readonly scalarOnly?: ReadonlySet<string>;
}

/** Branches at most this long (in equations) are computed both, for `condAsSelect`. */
const SELECT_COND_MAX_EQNS = 64;

const REDUCE: Readonly<Record<string, ReduceOp>> = { reduce_sum: 'sum', reduce_prod: 'prod', reduce_max: 'max', reduce_min: 'min' };
const MOVEMENT = new Set(['broadcast_in_dim', 'reshape', 'squeeze', 'expand_dims', 'transpose', 'slice', 'rev']);
const CONTROL = new Set(['cond', 'scan', 'while']);
/**
 * Ops a kernel evaluates in a few instructions; every other op (exp, log, sin, pow, erf, …) costs
 * tens. A tree holding those is worth storing before it is broadcast, rather than recomputed at
 * every point of the larger shape.
 */
const CHEAP = new Set(['neg', 'abs', 'add', 'sub', 'mul', 'div', 'max', 'min', 'select', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  'and', 'or', 'xor', 'not', 'convert_element_type', 'stop_gradient', 'sign', 'floor', 'ceil', 'round', 'is_finite',
  'rem', 'integer_pow', 'sqrt', 'rsqrt']);
/** Recomputations (extra points × costly ops) from which a broadcast operand is stored first. */
const RECOMPUTE_LIMIT = 4096;
/**
 * The same for an operand read in place by a gather or concatenation: its reads there cost
 * more, and its transcendentals are as many as its readers' points (a normsys factor per
 * parameter gathered to every bin); a few launches' worth of recomputation is the limit.
 */
const REINDEX_RECOMPUTE_LIMIT = 64;
/** Costly nodes of a tree: ops outside CHEAP, and gathered loads (an index read, a clamp and an indirect read each). */
const costlyOps = (e: Expr): number => topo([e]).filter((n) => (n.kind === 'op' && !CHEAP.has(n.op)) || (n.kind === 'load' && n.gather)).length;
const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The one numeric param a scalar op carries into its kernel. */
const SCALAR_PARAM: Readonly<Record<string, string>> = { integer_pow: 'y', polygamma: 'n' };

type Space = 'full' | 'outer';

/** A value while planning: a portable tree (no group) or a tree bound to a group's reductions. */
interface Val {
  readonly expr: Expr;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly group?: Group;
  readonly space?: Space;
}

/**
 * One kernel in the making: a domain of shape S whose `axes` are reduced. Values live in the full
 * space (shape S) or, after a reduction, in the outer space O (the kept axes of S).
 */
class Group {
  readonly kept: number[];
  readonly O: number[];
  readonly reductions: { op: ReduceOp; expr: Expr; dtype: DType }[] = [];
  readonly outputs: { slot: number; expr: Expr; space: Space; dtype: DType }[] = [];
  /** Group-bound values by variable, materialized at close while still needed. */
  readonly bound: [Var, Val][] = [];
  closed = false;
  constructor(readonly S: readonly number[], readonly axes: readonly number[]) {
    this.kept = S.map((_, d) => d).filter((d) => !axes.includes(d));
    this.O = this.kept.map((d) => S[d]);
  }
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const nonUnit = (s: readonly number[]): number[] => s.filter((d) => d !== 1);

/** `v` (a View over shape `from`) as a View over `to`, when they differ only by size-1 axes or `from` is a scalar. */
function adaptView(v: View, to: readonly number[]): View | undefined {
  if (sameShape(v.shape, to)) return v;
  if (v.shape.length === 0) return { shape: to, strides: to.map(() => 0), offset: v.offset };
  const a = nonUnit(v.shape);
  if (!sameShape(a, nonUnit(to))) return undefined;
  const st = v.strides.filter((_, d) => v.shape[d] !== 1);
  let k = 0;
  return { shape: to, strides: to.map((n) => (n === 1 ? 0 : st[k++])), offset: v.offset };
}

class Planner {
  readonly slotAvals: Aval[] = [];
  readonly steps: Step[] = [];
  readonly constants: { slot: number; data: TypedArray }[] = [];
  readonly it = new Interner();
  private readonly vals = new Map<number, Val>();
  private readonly slotOf = new Map<number, number>();
  private readonly usesLeft = new Map<number, number>();
  /** Values already given a slot (a value may be read through several variables). */
  private readonly materialized = new Map<Val, number>();
  /** Variables a routine or control step reads: made concrete as soon as they are defined. */
  private readonly feedsRoutine = new Set<number>();
  private readonly open: Group[] = [];
  private readonly limit: number;
  /** Most inputs one output's tree may read (one binding is left for the output). */
  private readonly maxInputs: number;

  constructor(readonly caps: Capabilities, readonly sub: (j: Jaxpr) => Program) {
    this.limit = caps.fusionLimit ?? 48;
    this.maxInputs = caps.maxBuffers ? caps.maxBuffers - 1 : Infinity;
  }

  /** Whether computing `e` (with the reductions of `g` it reads) stays within the binding limit. */
  private fits(e: Expr, g?: Group): boolean {
    return this.maxInputs === Infinity || inputsOf(e, g?.reductions ?? []).size <= this.maxInputs;
  }

  slot(a: Aval): number {
    this.slotAvals.push(a);
    return this.slotAvals.length - 1;
  }

  bindSlot(v: Var, s: number): void {
    this.slotOf.set(v.id, s);
  }

  private loadSlot(s: number): Val {
    const a = this.slotAvals[s];
    return { expr: this.it.load(s, contiguous(a.shape), a.dtype), shape: a.shape, dtype: a.dtype };
  }

  private constSlot(data: TypedArray, a: Aval): number {
    const s = this.slot(a);
    this.constants.push({ slot: s, data });
    return s;
  }

  valOf(a: Atom): Val {
    if (!isVar(a)) return { expr: this.it.lit(a.value, a.aval.dtype), shape: [], dtype: a.aval.dtype };
    const s = this.slotOf.get(a.id);
    if (s !== undefined) return this.loadSlot(s);
    const v = this.vals.get(a.id);
    if (!v) throw new Error(`lower: variable ${a.id} is read before it is defined`);
    return v;
  }

  // ---- materialization ----------------------------------------------------

  /** A slot holding `a`'s value; `now` closes the computing group (a routine reads it next). */
  materialize(a: Atom, now: boolean): number {
    if (!isVar(a)) {
      const d = typedArrayFor(a.aval.dtype, 1);
      d[0] = a.value;
      return this.constSlot(d, a.aval);
    }
    const s = this.slotOf.get(a.id);
    return s ?? this.materializeVal(this.valOf(a), now, a);
  }

  /** A slot for `v`, recorded as `owner`'s before its group closes (which would store it again). */
  private materializeVal(v: Val, now: boolean, owner?: Var): number {
    const done = this.materialized.get(v);
    if (done !== undefined) {
      if (owner) this.slotOf.set(owner.id, done);
      return done;
    }
    const e = v.expr;
    if (e.kind === 'load' && !e.gather && isContiguous(e.view) && sameShape(this.slotAvals[e.input].shape, v.shape)) {
      if (owner) this.slotOf.set(owner.id, e.input);
      return e.input;
    }
    const s = this.slot(mkAval(v.shape, v.dtype));
    this.materialized.set(v, s);
    if (owner) this.slotOf.set(owner.id, s);
    if (v.group) {
      v.group.outputs.push({ slot: s, expr: e, space: v.space!, dtype: v.dtype });
      if (now) this.close(v.group);
      return s;
    }
    let g = now ? undefined : this.open.find((o) => sameShape(o.S, v.shape));
    if (!g) {
      g = new Group(v.shape, []);
      this.open.push(g);
    }
    g.outputs.push({ slot: s, expr: e, space: 'full', dtype: v.dtype });
    if (now) this.close(g);
    return s;
  }

  private close(g: Group): void {
    if (g.closed) return;
    g.closed = true;
    this.open.splice(this.open.indexOf(g), 1);
    for (const [v, val] of g.bound) {
      const made = this.materialized.get(val);
      if (made !== undefined && !this.slotOf.has(v.id)) this.slotOf.set(v.id, made);
      if ((this.usesLeft.get(v.id) ?? 0) > 0 && !this.slotOf.has(v.id)) {
        const s = this.slot(v.aval);
        g.outputs.push({ slot: s, expr: val.expr, space: val.space!, dtype: val.dtype });
        this.slotOf.set(v.id, s);
        // An operand read before this close still holds the Val: it must find this slot.
        this.materialized.set(val, s);
      }
    }
    if (g.outputs.length) this.steps.push(...this.finalize(g));
  }

  closeAll(): void {
    while (this.open.length) this.close(this.open[0]);
  }

  // ---- values in a group's spaces ------------------------------------------

  private portable(v: Val): Val {
    return v.group ? this.loadSlot(this.materializeVal(v, true)) : v;
  }

  /** Rewrites a portable tree's views; undefined when a view cannot express it. */
  private moved(v: Val, shape: readonly number[], f: (w: View) => View | undefined): Val | undefined {
    const e = mapLeaves(v.expr, this.it, (l) => {
      if (l.kind === 'lit' || l.kind === 'red') return l;
      const w = f(l.view);
      if (!w) return undefined;
      return l.kind === 'load' ? this.it.load(l.input, w, l.dtype) : this.it.iota(w, l.dtype);
    });
    return e && { expr: e, shape, dtype: v.dtype };
  }

  /** `v` as a tree over group `g`'s full (shape S) or outer (shape O) space. */
  private inSpace(v: Val, g: Group, space: Space): Expr | undefined {
    if (v.group === g) {
      if (v.space === space) return v.expr;
      if (v.space === 'outer' && space === 'full') {
        return mapLeaves(v.expr, this.it, (l) => {
          if (l.kind === 'lit' || l.kind === 'red') return l;
          const w = broadcastView(l.view, g.S, g.kept);
          return l.kind === 'load' ? this.it.load(l.input, w, l.dtype) : this.it.iota(w, l.dtype);
        });
      }
      return undefined;
    }
    if (v.group) return undefined;
    const to = space === 'full' ? g.S : g.O;
    return this.moved(v, to, (w) => adaptView(w, to))?.expr;
  }

  /**
   * `v` itself, or loaded from memory when reading it at every point of `to` (a broadcast) would
   * recompute its transcendentals more than RECOMPUTE_LIMIT times: a Hessian's forward-over-
   * reverse pass broadcasts the primal's values along the tangent axis, which would otherwise
   * evaluate every exp and log once per tangent direction.
   */
  private cheapToRepeat(v: Val, to: readonly number[], limit = RECOMPUTE_LIMIT): Val {
    const extra = count(to) - count(v.shape);
    if (extra <= 0 || v.expr.kind === 'load' || extra * costlyOps(v.expr) < limit) return v;
    return this.loadSlot(this.materializeVal(v, true));
  }

  /** Cuts trees that grew past the fusion limit (one kernel per `limit` operations). */
  private bounded(v: Val): Val {
    if (countNodes(v.expr) <= this.limit) return v;
    return this.loadSlot(this.materializeVal(v, true));
  }

  // ---- equations ---------------------------------------------------------------

  /**
   * Plans `j`'s equations on `ins`. The program's own outputs count as uses; a Jaxpr planned
   * inline (`inline`: a branch, a decomposition) hands its outputs to the caller's variables,
   * whose uses count instead — counting both would store one value twice.
   */
  run(j: Jaxpr, ins: readonly Val[], inline = false): Val[] {
    for (const e of j.eqns) for (const a of e.inputs) if (isVar(a)) this.usesLeft.set(a.id, (this.usesLeft.get(a.id) ?? 0) + 1);
    if (!inline) for (const a of j.outputs) if (isVar(a)) this.usesLeft.set(a.id, (this.usesLeft.get(a.id) ?? 0) + 1);
    for (const e of j.eqns) {
      const name = e.primitive.name;
      if (CONTROL.has(name) || (this.caps.routines.has(name) && !readInPlace(e))) for (const a of e.inputs) if (isVar(a)) this.feedsRoutine.add(a.id);
    }
    [...j.consts, ...j.inputs].forEach((v, i) => this.vals.set(v.id, ins[i]));
    for (const e of j.eqns) {
      this.eqn(e);
      for (const a of e.inputs) if (isVar(a)) this.usesLeft.set(a.id, this.usesLeft.get(a.id)! - 1);
    }
    return j.outputs.map((a) => this.valOf(a));
  }

  private define(v: Var, val: Val): void {
    this.vals.set(v.id, val);
    if (val.group) val.group.bound.push([v, val]);
    // Later trees then load it rather than recompute it (tanh(x) feeding a matmul and its own jvp).
    else if (this.feedsRoutine.has(v.id)) this.materializeVal(val, true, v);
  }

  private eqn(e: Eqn): void {
    const name = e.primitive.name;
    const out = e.outputs[0];
    if (name in SCALAR_OPS) return this.define(out, this.elementwise(e));
    if (MOVEMENT.has(name)) return this.define(out, this.movement(e));
    if (name in REDUCE) return this.define(out, this.reduce(e, REDUCE[name]));
    if (name === 'iota') {
      const { dimension } = e.params as { dimension: number };
      const shape = out.aval.shape;
      const view: View = { shape, strides: shape.map((_, d) => (d === dimension ? 1 : 0)), offset: 0 };
      return this.define(out, { expr: this.it.iota(view, out.aval.dtype), shape, dtype: out.aval.dtype });
    }
    if (CONTROL.has(name)) return this.control(e);
    if (readInPlace(e)) {
      const v = name === 'gather' ? this.gather(e) : name === 'pad' ? this.pad(e) : this.concatenate(e);
      if (v) return this.define(out, v);
    }
    if (this.caps.routines.has(name)) return this.routine(e);
    if (e.primitive.decompose) return this.decompose(e);
    throw new Error(`lower: no kernel, routine or decomposition for primitive '${name}' on this device`);
  }

  private elementwise(e: Eqn): Val {
    const v = this.fusedElementwise(e);
    return this.caps.scalarOnly?.has(e.primitive.name) ? this.loadSlot(this.materializeVal(v, true)) : v;
  }

  private fusedElementwise(e: Eqn): Val {
    const out = e.outputs[0].aval;
    const ins = e.inputs.map((a) => this.valOf(a));
    const inDtype = (ins.find((v) => v.dtype !== 'bool') ?? ins[0]).dtype;
    const param = Number((e.params as Record<string, unknown>)[SCALAR_PARAM[e.primitive.name]] ?? 0);
    const build = (args: Expr[]): Expr => this.it.op(e.primitive.name, args, e.primitive.name === 'select' ? ins[1].dtype : inDtype, out.dtype, param);
    const bound = ins.find((v) => v.group && !v.group.closed);
    if (bound) {
      const g = bound.group!;
      // The op's space: the bound operand's, or full when a reduced scalar meets full-shape data.
      const space: Space | undefined = sameShape(bound.shape, out.shape) ? bound.space
        : bound.space === 'outer' && sameShape(out.shape, g.S) ? 'full' : undefined;
      const args = space && ins.map((v) => this.inSpace(v, g, space));
      const expr = space && args!.every((a) => a) ? build(args as Expr[]) : undefined;
      if (expr && this.fits(expr, g)) return this.bounded({ expr, shape: out.shape, dtype: out.dtype, group: g, space });
    }
    let ps = ins.map((v) => this.cheapToRepeat(this.portable(v), out.shape));
    // (an operand of the output's shape is read as it is: no tree to rewrite)
    const adapt = (vs: readonly Val[]) => build(vs.map((v) => (sameShape(v.shape, out.shape) ? v.expr : this.moved(v, out.shape, (w) => adaptView(w, out.shape))!.expr)));
    let expr = adapt(ps);
    if (!this.fits(expr)) {
      // Too many buffers for one kernel: the operands are computed first, each in its own.
      ps = ps.map((v) => (v.expr.kind === 'load' && !v.expr.gather ? v : this.loadSlot(this.materializeVal(v, true))));
      expr = adapt(ps);
    }
    return this.bounded({ expr, shape: out.shape, dtype: out.dtype });
  }

  private movement(e: Eqn): Val {
    const x = this.valOf(e.inputs[0]);
    const shape = e.outputs[0].aval.shape;
    const p = e.params as Record<string, unknown>;
    const g = x.group;
    if (g && !g.closed && x.space === 'outer') {
      const reshaping = e.primitive.name === 'reshape' || e.primitive.name === 'squeeze' || e.primitive.name === 'expand_dims';
      if (reshaping && sameShape(nonUnit(x.shape), nonUnit(shape))) return { ...x, shape };
      if (e.primitive.name === 'broadcast_in_dim' && sameShape(shape, g.S)) {
        // Broadcasting a reduction back along the reduced axes: its non-unit axes land on the kept ones.
        const bd = p.broadcastDimensions as number[];
        const landed = bd.filter((_, i) => x.shape[i] !== 1);
        const kept = g.kept.filter((d) => g.S[d] !== 1);
        if (sameShape(landed, kept)) {
          const expr = this.inSpace({ ...x }, g, 'full');
          if (expr) return { expr, shape, dtype: x.dtype, group: g, space: 'full' };
        }
      }
    }
    const f = (w: View): View | undefined => {
      switch (e.primitive.name) {
        case 'broadcast_in_dim': return broadcastView(w, shape, p.broadcastDimensions as number[]);
        case 'transpose': return transposeView(w, p.permutation as number[]);
        case 'slice': return sliceView(w, p.startIndices as number[], p.strides as number[] | null, shape);
        case 'rev': return revView(w, p.dimensions as number[]);
        default: return reshapeView(w, shape);
      }
    };
    const px = this.cheapToRepeat(this.portable(x), shape);
    const moved = this.moved(px, shape, f);
    if (moved) return this.bounded(moved);
    // A reshape no View expresses: copy to contiguous memory first, which always reshapes.
    return this.moved(this.loadSlot(this.materializeVal(px, true)), shape, f)!;
  }

  // ---- gathers, concatenations and pads, read in place ----------------------------------

  /**
   * `x`'s tree read at the points of `shape`, where axis `a` of `x` is at `index` (an int32 tree
   * over `shape`, clamped to the axis) and the other axes follow `strides` (a leaf's strides over
   * `shape`, from its strides over `x`). Reads already moved by an index compose (their index is
   * rewritten); undefined where a read would need a second data-dependent term.
   */
  private reindexed(x: Val, a: number, index: Expr, shape: readonly number[], strides: (w: View) => number[]): Expr | undefined {
    const size = x.shape[a];
    const clamped = () => this.it.op('min', [this.it.op('max', [index, this.it.lit(0, 'int32')], 'int32', 'int32'), this.it.lit(size - 1, 'int32')], 'int32', 'int32');
    return mapLeaves(x.expr, this.it, (l) => {
      if (l.kind === 'lit' || l.kind === 'red') return l;
      const w = l.view;
      const view: View = { shape, strides: strides(w), offset: w.offset };
      const st = w.strides[a];
      if (l.kind === 'iota') {
        if (st === 0) return this.it.iota(view, l.dtype);
        if (l.dtype !== 'int32') return undefined;
        return this.it.op('add', [this.it.iota(view, 'int32'), this.it.op('mul', [clamped(), this.it.lit(st, 'int32')], 'int32', 'int32')], 'int32', 'int32');
      }
      if (st === 0) return this.it.load(l.input, view, l.dtype);
      return l.gather ? undefined : this.it.load(l.input, view, l.dtype, { index, stride: st, size });
    });
  }

  /** `reindexed`, from `x` stored first where its reads cannot move again. */
  private reindexedOrStored(x: Val, a: number, index: Expr, shape: readonly number[], strides: (w: View) => number[]): Expr {
    return this.reindexed(x, a, index, shape, strides) ?? this.reindexed(this.loadSlot(this.materializeVal(x, true)), a, index, shape, strides)!;
  }

  /** The int32 position along axis `d` of `shape`, minus `from`. */
  private position(shape: readonly number[], d: number, from = 0): Expr {
    const iota = this.it.iota({ shape, strides: shape.map((_, i) => (i === d ? 1 : 0)), offset: 0 }, 'int32');
    return from === 0 ? iota : this.it.op('sub', [iota, this.it.lit(from, 'int32')], 'int32', 'int32');
  }

  private cmp(op: 'lt' | 'ge', a: Expr, b: number): Expr {
    return this.it.op(op, [a, this.it.lit(b, 'int32')], 'int32', 'bool');
  }

  /** The fused value, or undefined (the routine runs) when one kernel could not bind its buffers. */
  private fitted(expr: Expr, out: Aval): Val | undefined {
    return this.fits(expr) ? this.bounded({ expr, shape: out.shape, dtype: out.dtype }) : undefined;
  }

  /**
   * A gather along one axis (`np.take`, `x[idx]`) read in place: every load of the operand's tree
   * reads at the indexed position (expr.ts Gather), so the gathered values are never stored and
   * what consumes them fuses with what computes them.
   */
  private gather(e: Eqn): Val | undefined {
    const a = (e.params as { axes: readonly number[] }).axes[0];
    const out = e.outputs[0].aval;
    const x = this.cheapToRepeat(this.portable(this.valOf(e.inputs[0])), out.shape, REINDEX_RECOMPUTE_LIMIT);
    const idx = this.portable(this.valOf(e.inputs[1]));
    const batch = idx.shape.slice(0, -1);
    // The index at every output point: [...batch, 1] squeezed, then broadcast over the kept axes.
    const index = this.moved(idx, out.shape, (w) => {
      const r = reshapeView(w, batch);
      return r && broadcastView(r, out.shape, batch.map((_, i) => i));
    })!.expr;
    return this.fitted(this.reindexedOrStored(x, a, index, out.shape, (w) => [...batch.map(() => 0), ...w.strides.filter((_, d) => d !== a)]), out);
  }

  /**
   * A concatenation read in place: at each point, the piece whose range holds its position along
   * the axis, read at the position less the piece's start (a select over clamped reads, so a
   * piece never reads outside itself). Its transpose, slices, are views.
   */
  private concatenate(e: Eqn): Val | undefined {
    const d = (e.params as { dimension: number }).dimension;
    const out = e.outputs[0].aval;
    const pieces: { v: Val; start: number }[] = [];
    let start = 0;
    for (const a of e.inputs) {
      const v = this.valOf(a);
      if (v.shape[d] > 0) pieces.push({ v, start });
      start += v.shape[d];
    }
    let expr: Expr | undefined;
    for (const { v, start } of pieces.reverse()) {
      // A piece is computed at every point of the concatenation: a costly one is stored first.
      const pv = this.cheapToRepeat(this.portable(v), out.shape, REINDEX_RECOMPUTE_LIMIT);
      const read = this.reindexedOrStored(pv, d, this.position(out.shape, d, start), out.shape, (w) => w.strides.map((st, i) => (i === d ? 0 : st)));
      expr = expr ? this.it.op('select', [this.cmp('lt', this.position(out.shape, d), start + v.shape[d]), read, expr], out.dtype, out.dtype) : read;
    }
    return this.fitted(expr!, out);
  }

  /** A pad of one axis (no interior padding) read in place: the operand inside its range, the value outside. */
  private pad(e: Eqn): Val | undefined {
    const config = (e.params as { config: readonly (readonly number[])[] }).config;
    const d = config.findIndex(([lo, hi]) => lo !== 0 || hi !== 0);
    const [lo] = config[d];
    const out = e.outputs[0].aval;
    const x = this.portable(this.valOf(e.inputs[0]));
    const fill = this.moved(this.portable(this.valOf(e.inputs[1])), out.shape, (w) => adaptView(w, out.shape))!.expr;
    const read = this.reindexedOrStored(x, d, this.position(out.shape, d, lo), out.shape, (w) => w.strides.map((st, i) => (i === d ? 0 : st)));
    const at = this.position(out.shape, d);
    const n = x.shape[d];
    const inside = lo === 0 ? this.cmp('lt', at, n)
      : lo + n === out.shape[d] ? this.cmp('ge', at, lo)
        : this.it.op('and', [this.cmp('ge', at, lo), this.cmp('lt', at, lo + n)], 'bool', 'bool');
    return this.fitted(this.it.op('select', [inside, read, fill], out.dtype, out.dtype), out);
  }

  private reduce(e: Eqn, op: ReduceOp): Val {
    const x = this.valOf(e.inputs[0]);
    const axes = [...(e.params as { axes: readonly number[] }).axes].sort((a, b) => a - b);
    const out = e.outputs[0].aval;
    if (axes.length === 0) return x;
    let g = x.group && !x.group.closed && x.space === 'full' && sameShape(x.group.axes, axes) ? x.group : undefined;
    let expr = g ? x.expr : undefined;
    if (!g) {
      const px = this.portable(x);
      g = this.open.find((o) => sameShape(o.S, px.shape) && sameShape(o.axes, axes));
      if (!g) {
        g = new Group(px.shape, axes);
        this.open.push(g);
      }
      expr = px.expr;
    }
    g.reductions.push({ op, expr: expr!, dtype: out.dtype });
    return { expr: this.it.red(g.reductions.length - 1, out.dtype), shape: out.shape, dtype: out.dtype, group: g, space: 'outer' };
  }

  private routine(e: Eqn): void {
    const ins = e.inputs.map((a) => this.materialize(a, true));
    const outs = e.outputs.map((v) => this.slot(v.aval));
    e.outputs.forEach((v, i) => this.slotOf.set(v.id, outs[i]));
    this.steps.push({
      kind: 'routine', name: e.primitive.name, params: e.params,
      inAvals: e.inputs.map((a) => a.aval), outAvals: e.outputs.map((v) => v.aval), ins, outs,
    });
  }

  private control(e: Eqn): void {
    const idx = e.inputs[0];
    if (e.primitive.name === 'cond' && !isVar(idx)) {
      // A literal index (a JS value at trace time): the branch is known now, so no predicate is read back.
      const branches = (e.params as { branches: readonly Jaxpr[] }).branches;
      const k = Math.min(Math.max(idx.value, 0), branches.length - 1);
      const outs = this.run(branches[k], e.inputs.slice(1).map((a) => this.valOf(a)), true);
      e.outputs.forEach((v, i) => this.define(v, outs[i]));
      return;
    }
    if (e.primitive.name === 'cond' && this.caps.condAsSelect && (e.params as { branches: readonly Jaxpr[] }).branches.every(cheapBranch)) {
      return this.condAsSelect(e);
    }
    const ins = e.inputs.map((a) => this.materialize(a, true));
    const outs = e.outputs.map((v) => this.slot(v.aval));
    e.outputs.forEach((v, i) => this.slotOf.set(v.id, outs[i]));
    const p = e.params as Record<string, unknown>;
    if (e.primitive.name === 'cond') {
      this.steps.push({ kind: 'cond', branches: (p.branches as Jaxpr[]).map(this.sub), ins, outs });
    } else if (e.primitive.name === 'scan') {
      this.steps.push({
        kind: 'scan', body: this.sub(p.jaxpr as Jaxpr), nConsts: p.nConsts as number, nCarry: p.nCarry as number,
        length: p.length as number, reverse: !!p.reverse, ins, outs,
      });
    } else {
      this.steps.push({
        kind: 'while', cond: this.sub(p.cond as Jaxpr), body: this.sub(p.body as Jaxpr),
        nCondConsts: p.nCondConsts as number, nBodyConsts: p.nBodyConsts as number, ins, outs,
      });
    }
  }

  /**
   * Every branch planned inline, then each output chosen by the index: out = b[n-1], and for k
   * from n-2 down, select(k == 0 ? idx <= 0 : idx == k, b[k], out) — lax.switch's clamping.
   */
  private condAsSelect(e: Eqn): void {
    const branches = (e.params as { branches: readonly Jaxpr[] }).branches;
    const args = e.inputs.slice(1).map((a) => this.valOf(a));
    const results = branches.map((b) => this.run(b, args, true));
    const prims = primitives();
    const prim = (name: string) => prims.get(name)!;
    const idx = newVar(e.inputs[0].aval);
    const outVars = results.map((r) => r.map((v) => newVar(mkAval(v.shape, v.dtype))));
    const eqns: Eqn[] = [];
    const outs = e.outputs.map((o, i) => {
      let acc: Var = outVars[outVars.length - 1][i];
      for (let k = branches.length - 2; k >= 0; k--) {
        const pred = newVar(mkAval([], 'bool'));
        eqns.push(eqn(prim(k === 0 ? 'le' : 'eq'), [idx, literal(k, 'int32')], [pred], {}));
        const wide = newVar(mkAval(o.aval.shape, 'bool'));
        eqns.push(eqn(prim('broadcast_in_dim'), [pred], [wide], { shape: o.aval.shape, broadcastDimensions: [] }));
        const next = newVar(o.aval);
        eqns.push(eqn(prim('select'), [wide, outVars[k][i], acc], [next], {}));
        acc = next;
      }
      return acc;
    });
    const chooser = new JaxprClass([], [idx, ...outVars.flat()], eqns, outs);
    const chosen = this.run(chooser, [this.valOf(e.inputs[0]), ...results.flat()], true);
    e.outputs.forEach((v, i) => this.define(v, chosen[i]));
  }

  /** A primitive without kernel or routine: its `decompose` rule, traced and planned inline. */
  private decompose(e: Eqn): void {
    const rule = e.primitive.decompose!;
    // Constants the rule makes (np.array of JS values) are made on the host, whose data the
    // lowering reads now whatever device the program is for.
    const t = onHost(() => traceFlat((...xs) => rule(xs, e.params), e.inputs.map((a) => a.aval), { abstractReason: `while lowering ${e.primitive.name}` }));
    const consts = t.consts.map((c, i): Val => {
      const a = t.jaxpr.consts[i].aval;
      if (!(c instanceof ConcreteArray)) throw new Error(`lower: the decomposition of '${e.primitive.name}' captured a traced value`);
      if (c.hostScalar !== undefined) return { expr: this.it.lit(c.hostScalar, a.dtype), shape: [], dtype: a.dtype };
      return this.loadSlot(this.constSlot(c.dataSync(), a));
    });
    const outs = this.run(t.jaxpr, [...consts, ...e.inputs.map((a) => this.valOf(a))], true);
    e.outputs.forEach((v, i) => this.define(v, outs[i]));
  }

  // ---- kernels --------------------------------------------------------------------

  private finalize(g: Group): Step[] {
    const perm = [...g.kept, ...g.axes];
    const domain = perm.map((d) => g.S[d]);
    const inner = g.axes.length;
    const slots: number[] = [];
    const index = new Map<number, number>();
    const toDomain = (space: Space) => (w: View): View => (space === 'full'
      ? transposeView(w, perm)
      : { shape: domain, strides: [...w.strides, ...new globalThis.Array<number>(inner).fill(0)], offset: w.offset });
    const rebase = (x: Expr, space: Space): Expr => mapLeaves(x, this.it, (l) => {
      if (l.kind === 'lit' || l.kind === 'red') return l;
      const w = toDomain(space)(l.view);
      if (l.kind === 'iota') return this.it.iota(w, l.dtype);
      let k = index.get(l.input);
      if (k === undefined) { k = slots.length; index.set(l.input, k); slots.push(l.input); }
      return this.it.load(k, w, l.dtype);
    })!;
    const reductions = g.reductions.map((r) => ({ op: r.op, dtype: r.dtype, expr: rebase(r.expr, 'full') }));
    const outputs = g.outputs.map((o) => {
      const space = g.axes.length === 0 ? 'full' : o.space;
      const expr = rebase(o.expr, space);
      const shape = space === 'full' ? g.S : g.O;
      return { expr, dtype: o.dtype, view: toDomain(space)(contiguous(shape)), loop: space === 'outer' ? -1 : phase(expr) };
    });
    const base = { domain, nKept: g.kept.length, inputs: slots.map((s) => this.slotAvals[s].dtype), reductions, outputs };
    const outs = g.outputs.map((o) => o.slot);
    const steps: Step[] = slots.length + outs.length <= this.maxInputs + 1
      ? [{ kind: 'kernel', kernel: { ...base, key: kernelKey(base) }, ins: slots, outs }]
      : splitKernel(base, slots, outs, this.maxInputs + 1, this.it);
    const chunk = this.caps.reductionChunk;
    if (!chunk) return steps;
    const finish = (b: KernelBody): Kernel => ({ ...b, key: kernelKey(b) });
    return steps.flatMap((st) => (st.kind === 'kernel' && chunkReductions(st.kernel, st.ins, st.outs, chunk, this.it, (a) => this.slot(a), finish)) || [st]);
  }
}

/** Most pieces a concatenation read in place selects between (each is computed at every point). */
const MAX_PIECES = 16;

/**
 * Whether the kernels that consume a gather, concatenation or pad read it in place (Planner.gather,
 * .concatenate, .pad): one gathered axis of nonzero extent (a clamped index needs an element to
 * land on); a concatenation of at most MAX_PIECES nonempty pieces; a pad of one axis, without
 * interior or negative padding, of a nonempty operand.
 */
function readInPlace(e: Eqn): boolean {
  const name = e.primitive.name;
  if (name !== 'gather' && name !== 'concatenate' && name !== 'pad') return false;
  const outSize = count(e.outputs[0].aval.shape);
  if (name === 'gather') {
    const { axes } = e.params as { axes: readonly number[] };
    return axes.length === 1 && e.inputs[0].aval.shape[axes[0]] > 0;
  }
  if (name === 'concatenate') {
    const d = (e.params as { dimension: number }).dimension;
    return outSize > 0 && e.inputs.filter((a) => a.aval.shape[d] > 0).length <= MAX_PIECES;
  }
  const { config } = e.params as { config: readonly (readonly number[])[] };
  const padded = config.filter(([lo, hi, interior]) => lo !== 0 || hi !== 0 || interior !== 0);
  return outSize > 0 && padded.length === 1 && padded[0][0] >= 0 && padded[0][1] >= 0 && padded[0][2] === 0 && count(e.inputs[0].aval.shape) > 0;
}

/** A branch cheap enough to compute whether or not it is taken: short, and fused work only. */
function cheapBranch(j: Jaxpr): boolean {
  return j.eqns.length <= SELECT_COND_MAX_EQNS && j.eqns.every((e) => {
    const n = e.primitive.name;
    return n in SCALAR_OPS || MOVEMENT.has(n) || n in REDUCE || n === 'iota';
  });
}

/** The inputs `e` loads, directly or through the reductions it reads. */
function inputsOf(e: Expr, reductions: readonly { expr: Expr }[]): Set<number> {
  const ins = new Set<number>();
  const seen = new Set<number>();
  const visit = (x: Expr): void => {
    for (const n of topo([x])) {
      if (n.kind === 'load') ins.add(n.input);
      else if (n.kind === 'red' && !seen.has(n.index)) { seen.add(n.index); visit(reductions[n.index].expr); }
    }
  };
  visit(e);
  return ins;
}

type KernelBody = Omit<Kernel, 'key'>;

/**
 * A kernel whose inputs and outputs exceed `max` bindings, as several kernels over the same
 * domain: outputs are packed greedily, each part with the reductions its outputs read
 * (recomputed where two parts read one) and only the inputs it loads.
 */
function splitKernel(k: KernelBody, slots: readonly number[], outSlots: readonly number[], max: number, it: Interner): Step[] {
  const parts: number[][] = [];
  let cur: number[] = [];
  let curIns = new Set<number>();
  k.outputs.forEach((o, i) => {
    const need = inputsOf(o.expr, k.reductions);
    if (need.size + 1 > max) throw new Error(`lower: an output of a kernel reads ${need.size} buffers, more than the device binds (${max})`);
    const merged = new Set([...curIns, ...need]);
    if (cur.length && merged.size + cur.length + 1 > max) { parts.push(cur); cur = []; curIns = new Set(need); } else curIns = merged;
    cur.push(i);
  });
  parts.push(cur);
  return parts.map((outIdx): Step => {
    const used = new Set<number>();
    const visitRed = (e: Expr): void => {
      for (const n of topo([e])) if (n.kind === 'red' && !used.has(n.index)) { used.add(n.index); visitRed(k.reductions[n.index].expr); }
    };
    outIdx.forEach((i) => visitRed(k.outputs[i].expr));
    const redOrder = [...used].sort((a, b) => a - b);
    const redMap = new Map(redOrder.map((r, j) => [r, j]));
    const inputs = new Set<number>();
    outIdx.forEach((i) => inputsOf(k.outputs[i].expr, k.reductions).forEach((x) => inputs.add(x)));
    const inOrder = [...inputs].sort((a, b) => a - b);
    const inMap = new Map(inOrder.map((x, j) => [x, j]));
    const rebase = (e: Expr): Expr => mapLeaves(e, it, (l) => (l.kind === 'red' ? it.red(redMap.get(l.index)!, l.dtype)
      : l.kind === 'load' ? it.load(inMap.get(l.input)!, l.view, l.dtype) : l))!;
    const reductions = redOrder.map((r) => ({ ...k.reductions[r], expr: rebase(k.reductions[r].expr) }));
    const outputs = outIdx.map((i) => {
      const o = k.outputs[i];
      const expr = rebase(o.expr);
      return { ...o, expr, loop: o.loop === -1 ? -1 : phase(expr) };
    });
    const body: KernelBody = { domain: k.domain, nKept: k.nKept, inputs: inOrder.map((x) => k.inputs[x]), reductions, outputs };
    return { kind: 'kernel', kernel: { ...body, key: kernelKey(body) }, ins: inOrder.map((x) => slots[x]), outs: outIdx.map((i) => outSlots[i]) };
  });
}

/** A structural key: node numbering by first appearance, never by variable or slot ids. */
function kernelKey(k: KernelBody): string {
  const roots = [...k.reductions.map((r) => r.expr), ...k.outputs.map((o) => o.expr)];
  const num = new Map<number, number>();
  const parts = [`D${k.domain.join('x')}/${k.nKept}`, `I${k.inputs.join(',')}`];
  for (const n of topo(roots)) {
    num.set(n.id, num.size);
    switch (n.kind) {
      case 'load': parts.push(`l${n.input}:${n.dtype}:${viewKey(n.view)}${n.gather ? `:g${num.get(n.gather.index.id)},${n.gather.stride},${n.gather.size}` : ''}`); break;
      case 'iota': parts.push(`i${n.dtype}:${viewKey(n.view)}`); break;
      case 'lit': parts.push(`c${n.dtype}:${litStr(n.value)}`); break;
      case 'red': parts.push(`r${n.index}`); break;
      case 'op': parts.push(`${n.op}:${n.inDtype}>${n.dtype}:${litStr(n.param)}(${n.args.map((a) => num.get(a.id)).join(',')})`); break;
    }
  }
  k.reductions.forEach((r) => parts.push(`R${r.op}:${r.dtype}=${num.get(r.expr.id)}`));
  k.outputs.forEach((o) => parts.push(`O${o.dtype}@${o.loop}:${viewKey(o.view)}=${num.get(o.expr.id)}`));
  return parts.join(';');
}

/** Lowers a Jaxpr (inputs [...consts, ...inputs]) to a Program for a backend's capabilities. */
export function lower(j: Jaxpr, caps: Capabilities, sub: (j: Jaxpr) => Program): Program {
  const p = new Planner(caps, sub);
  const inSlots = [...j.consts, ...j.inputs].map((v) => p.slot(v.aval));
  [...j.consts, ...j.inputs].forEach((v, i) => p.bindSlot(v, inSlots[i]));
  p.run(j, [...j.consts, ...j.inputs].map((v) => p.valOf(v)));
  const outputs = j.outputs.map((a) => p.materialize(a, false));
  p.closeAll();
  const keep = [...inSlots, ...p.constants.map((c) => c.slot), ...outputs];
  const steps = fuseEpilogues(p.steps, p.slotAvals, keep);
  const plan = memoryPlan(steps, p.slotAvals, keep);
  return { slotAvals: p.slotAvals, inputs: inSlots, constants: p.constants, steps, ...plan, outputs };
}
