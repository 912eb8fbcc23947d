/**
 * jit, makeJaxpr and evalShape. A jitted function traces once per (input avals, pytree structure,
 * static arguments), compiles the Jaxpr on the inputs' device and re-runs the executable.
 * Called with Tracers (inside another transform) it inlines its Jaxpr into the outer trace.
 */
import { FloatingPointError, debugNansOn, disableJit, jitDisabled } from '../core/config.js';
import { type Array, ConcreteArray } from '../core/array.js';
import { type Aval, Jaxpr, aval, avalEq } from '../core/ir.js';
import { type TreeDef, flatten, flattenAs, unflatten } from '../core/pytree.js';
import { commonDevice, evalJaxpr, hasNan, traceFlat } from '../core/trace.js';
import { type Backend, type Buffer, type Executable, getBackend } from '../core/backend.js';
import { compileShared } from '../core/compile-cache.js';
import { LRU, cacheGeneration } from '../core/lru.js';
import { PER_FUNCTION } from './api-util.js';
import { isDType } from '../core/dtype.js';
import { simplify } from './passes.js';
import { avalsKey, checkFn, flatFn, flattenArrays, hasTracer, isShapeDtype, staticKey, treeKey } from './staging.js';
import type { Args, Fn, ShapeTree } from '../core/tree-types.js';

/** Options of `jit`. */
export interface JitOptions {
  /** Positions of arguments that are compile-time constants (any JS value; part of the cache key). */
  staticArgnums?: readonly number[];
}

interface Entry {
  jaxpr: Jaxpr;
  consts: Array[];
  outTree: TreeDef;
  outWeak: boolean[];
  exe?: Executable;
}

/**
 * The signature a jitted function last ran compiled with. A loop calls it with arguments of the
 * same structure and shapes: checking them against this (flattenAs, aval by aval) finds the entry
 * without flattening into a new treedef and spelling the cache key, which cost more than running
 * a small program.
 */
interface LastCall {
  def: TreeDef;
  avals: readonly Aval[];
  weak: readonly boolean[];
  device: string;
  /** The entry's cache key: looking it up again keeps the LRU's recency (and sees an eviction). */
  key: string;
  entry: Entry;
}

function splitStatic(who: string, args: unknown[], staticArgnums: readonly number[]): { dyn: unknown[]; key: string; rebuild: (d: unknown[]) => unknown[] } {
  const statics = staticArgnums.map((i) => (i < 0 ? i + args.length : i));
  for (const i of statics) if (i < 0 || i >= args.length) throw new RangeError(`${who}: staticArgnums entry ${i} is out of range for ${args.length} arguments`);
  const dyn = args.filter((_, i) => !statics.includes(i));
  const key = statics.map((i) => `${i}=${staticKey(args[i])}`).join(';');
  const rebuild = (d: unknown[]) => {
    const full: unknown[] = [];
    let k = 0;
    for (let i = 0; i < args.length; i++) full.push(statics.includes(i) ? args[i] : d[k++]);
    return full;
  };
  return { dyn, key, rebuild };
}

/**
 * A jitted function. `f.async(...args)` runs the same compiled program and resolves when every
 * value its control flow reads back is in: the way to run data-dependent `lax.cond`,
 * `lax.switch` and `lax.whileLoop` on a device without synchronous readback (WebGPU).
 *
 * @typeParam F - The type of the function that was jitted; the jitted function has the same signature.
 */
export type Jitted<F extends (...args: never[]) => unknown> = F & {
  /** Runs the compiled program, resolving once every value its control flow reads back is in. */
  async(...args: Parameters<F>): Promise<ReturnType<F>>;
};

/**
 * Compiles `f` for each new input signature; later calls with the same shapes skip tracing.
 *
 * @typeParam F - The type of `f`; the jitted function has the same signature.
 * @example
 * ```ts
 * const f = jit((x: Array) => np.sum(np.sin(x)));
 * f(np.arange(3)).item(); // sin(0) + sin(1) + sin(2) ≈ 1.7508
 * ```
 */
export function jit<F extends (...args: never[]) => unknown>(f: F, opts: JitOptions = {}): Jitted<F> {
  checkFn('jit', f);
  const cache = new LRU<string, Entry>(PER_FUNCTION);
  let generation = cacheGeneration();
  const staticArgnums = opts.staticArgnums ?? [];
  let last: LastCall | undefined;
  /** Buffers for `[...consts, ...xs]` on `backend`. */
  const inputs = (entry: Entry, backend: Backend, xs: readonly Array[]): Buffer[] => {
    const ins: Buffer[] = [];
    for (const a of entry.consts) ins.push((a as ConcreteArray).onDevice(backend).buffer);
    for (const a of xs) ins.push((a as ConcreteArray).onDevice(backend).buffer);
    return ins;
  };
  /** The last call's program, when these arguments have its signature (arrays only, no statics). */
  const repeat = (args: unknown[]): { entry: Entry; backend: Backend; ins: Buffer[] } | undefined => {
    if (last === undefined || staticArgnums.length) return undefined;
    const xs: unknown[] = [];
    if (!flattenAs(last.def, args, xs)) return undefined;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      // numbers and Tracers take the full path (numbers become arrays; Tracers inline)
      if (!(x instanceof ConcreteArray) || x.weakType !== last.weak[i] || !avalEq(x.aval, last.avals[i])) return undefined;
    }
    const arrays = xs as ConcreteArray[];
    if (commonDevice(arrays, 'jit') !== last.device || cache.get(last.key) !== last.entry) return undefined;
    const backend = getBackend(last.device);
    return { entry: last.entry, backend, ins: inputs(last.entry, backend, arrays) };
  };
  /** The compiled program for these arguments, or the result itself when it was inlined into a trace. */
  const prepare = (args: unknown[]): { done: unknown } | { entry: Entry; backend: Backend; ins: Buffer[] } => {
    // clearCaches() cannot reach this closure; it moves the generation instead.
    if (generation !== cacheGeneration()) { cache.clear(); last = undefined; generation = cacheGeneration(); }
    const again = repeat(args);
    if (again) return again;
    const { dyn, key: sKey, rebuild } = splitStatic('jit', args, staticArgnums);
    const [xs, inTree] = flattenArrays('jit', dyn);
    const device = commonDevice(xs, 'jit');
    const key = `${device}|${treeKey(inTree)}|${avalsKey(xs)}|${sKey}`;
    let entry = cache.get(key);
    if (!entry) {
      const out: { tree?: TreeDef } = {};
      const t = traceFlat(flatFn(f, inTree, 'jit', out, rebuild), xs.map((x) => x.aval), {
        device, abstractReason: 'under jit', inWeak: xs.map((x) => x.weakType),
      });
      entry = { jaxpr: simplify(t.jaxpr), consts: t.consts, outTree: out.tree!, outWeak: t.outWeak };
      // Jaxprs that close over Tracers of an enclosing trace are only valid within that trace.
      if (!hasTracer(t.consts)) cache.set(key, entry);
    }
    if (hasTracer(xs) || hasTracer(entry.consts)) {
      return { done: unflatten(entry.outTree, evalJaxpr(entry.jaxpr, entry.consts, xs)) };
    }
    const backend = getBackend(device);
    entry.exe ??= compileShared(backend, entry.jaxpr);
    if (cache.get(key) === entry) last = { def: inTree, avals: xs.map((x) => x.aval), weak: xs.map((x) => x.weakType), device, key, entry };
    return { entry, backend, ins: inputs(entry, backend, xs) };
  };
  const finish = (e: Entry, backend: Backend, bufs: Buffer[]): unknown => {
    const outs: ConcreteArray[] = [];
    for (let i = 0; i < bufs.length; i++) outs.push(new ConcreteArray(bufs[i], backend, e.outWeak[i]));
    return unflatten(e.outTree, outs);
  };
  const call = (...args: unknown[]): unknown => (f as unknown as (...a: unknown[]) => unknown)(...args);
  /** debugNans: a NaN out of the compiled program is found again op by op, which names its primitive. */
  const checked = (out: unknown, args: unknown[]): unknown => {
    if (!debugNansOn() || !flatten(out)[0].some((l) => l instanceof ConcreteArray && hasNan(l))) return out;
    disableJit(() => call(...args));
    throw new FloatingPointError('debugNans: the jitted function returned NaN, but running it op by op did not (a fused kernel differs from the primitives in floating point)');
  };
  const jitted = (...args: unknown[]) => {
    if (jitDisabled()) return call(...args);
    const p = prepare(args);
    return 'done' in p ? p.done : checked(finish(p.entry, p.backend, p.entry.exe!.run(p.ins)), args);
  };
  jitted.async = async (...args: unknown[]) => {
    if (jitDisabled()) return call(...args);
    const p = prepare(args);
    return 'done' in p ? p.done : checked(finish(p.entry, p.backend, await p.entry.exe!.runAsync(p.ins)), args);
  };
  return jitted as unknown as Jitted<F>;
}

/** The result of makeJaxpr: the traced Jaxpr, its constants and the output structure. */
export interface ClosedJaxpr {
  /** The traced program; its `consts` inputs come first. */
  jaxpr: Jaxpr;
  /** The values of `jaxpr.consts`: arrays the function captured. */
  consts: Array[];
  /** The structure of `f`'s output; its leaves are `jaxpr.outputs`. */
  outTree: TreeDef;
  /** The Jaxpr printed in JAX's style. */
  toString(): string;
}

function abstractLeaves(who: string, tree: unknown): [Aval[], boolean[], TreeDef] {
  const [leaves, def] = flatten(tree, isShapeDtype);
  const avals = leaves.map((l, i) => {
    if (isShapeDtype(l)) {
      if (!isDType(l.dtype)) throw new TypeError(`${who}: unknown dtype ${JSON.stringify(l.dtype)} in argument leaf ${i}`);
      return aval(l.shape, l.dtype);
    }
    return flattenArrays(who, l)[0][0].aval;
  });
  const weak = leaves.map((l) => !isShapeDtype(l) && flattenArrays(who, l)[0][0].weakType);
  return [avals, weak, def];
}

function traceAbstract(who: string, f: (...args: any[]) => unknown, args: unknown[], staticArgnums: readonly number[]) {
  const { dyn, rebuild } = splitStatic(who, args, staticArgnums);
  const [avals, weak, inTree] = abstractLeaves(who, dyn);
  const out: { tree?: TreeDef } = {};
  const t = traceFlat(flatFn(f, inTree, who, out, rebuild), avals, { abstractReason: `under ${who}`, inWeak: weak });
  return { ...t, outTree: out.tree! };
}

/** Options of `makeJaxpr`. */
export interface MakeJaxprOptions extends JitOptions {
  /** The trace as recorded, before the cleanup passes (identities, constant folding, CSE, DCE). */
  raw?: boolean;
}

/**
 * `makeJaxpr(f)(...args)`: the Jaxpr of `f` at these argument shapes (arrays or {shape, dtype}),
 * simplified by the passes jit runs before compiling, so it shows the program that runs;
 * `{ raw: true }` gives the trace as recorded.
 */
export function makeJaxpr(f: Fn, opts?: MakeJaxprOptions): (...args: unknown[]) => ClosedJaxpr;
export function makeJaxpr(f: Fn, opts: MakeJaxprOptions = {}): (...args: unknown[]) => ClosedJaxpr {
  return (...args) => {
    const t = traceAbstract('makeJaxpr', f, args, opts.staticArgnums ?? []);
    const jaxpr = opts.raw ? t.jaxpr : simplify(t.jaxpr);
    return { jaxpr, consts: t.consts, outTree: t.outTree, toString: () => jaxpr.toString() };
  };
}

/** Output shapes and dtypes of `f`, as a pytree of `{ shape, dtype }`, without running it. */
export function evalShape<A extends unknown[], R>(f: (...args: A) => R, ...args: Args<A>): ShapeTree<R>;
export function evalShape(f: Fn, ...args: unknown[]): unknown;
export function evalShape(f: (...args: any[]) => unknown, ...args: unknown[]): any {
  const t = traceAbstract('evalShape', f, args, []);
  return unflatten(t.outTree, t.jaxpr.outputs.map((o) => ({ shape: [...o.aval.shape], dtype: o.aval.dtype })));
}
