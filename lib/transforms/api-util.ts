/**
 * Plumbing shared by the function-level transforms: tracing the user's function (pathwise, with
 * concrete values on demand), staging a rewritten Jaxpr, caching per input signature, and running
 * it — compiled on concrete inputs, inlined into the enclosing trace on Tracers.
 */
import type { Fn } from '../core/tree-types.js';
import { type Array, ConcreteArray } from '../core/array.js';
import { type Aval, Jaxpr } from '../core/ir.js';
import { type TreeDef, flatten, numLeaves as countLeaves, unflatten } from '../core/pytree.js';
import { bind1, commonDevice, evalJaxpr, traceFlat } from '../core/trace.js';
import { ConvertElementType } from '../primitives/shape.js';
import { type Executable, getBackend } from '../core/backend.js';
import { compileShared } from '../core/compile-cache.js';
import { debugNansOn, jitDisabled } from '../core/config.js';
import { LRU, onClearCaches } from '../core/lru.js';
import { asArray, describe } from '../primitives/convert.js';
import { avalsKey, flattenArrays, hasTracer, treeKey } from './staging.js';
import { simplify } from './passes.js';

/** A closed Jaxpr: `consts` bind jaxpr.consts; `pre` are leading inputs fixed at staging time. */
export interface Staged {
  jaxpr: Jaxpr;
  consts: Array[];
  pre: Array[];
  exe?: Executable;
  /** Which outputs are weakly typed (JAX's weak_type: a JS number's gradient stays weak). */
  outWeak?: readonly boolean[];
}

/** Flattens the argument list of a transformed call. */
export function userArgs(who: string, args: readonly unknown[]): { xs: Array[]; inTree: TreeDef } {
  const [xs, inTree] = flattenArrays(who, [...args]);
  return { xs, inTree };
}

export interface UserTrace {
  jaxpr: Jaxpr;
  consts: Array[];
  outTree: TreeDef;
  auxTree?: TreeDef;
  /** Leaves of the main output (the aux leaves follow them in jaxpr.outputs). */
  nOut: number;
  valueDependent: boolean;
  /** Weak types of the traced outputs, as ops propagated them from the inputs'. */
  outWeak: boolean[];
  inWeak: boolean[];
}

function toOutLeaves(who: string, tree: unknown): [Array[], TreeDef] {
  const [leaves, def] = flatten(tree);
  return [leaves.map((l, i) => {
    if (typeof l === 'number' || typeof l === 'boolean') return asArray(l);
    if (l && typeof l === 'object' && 'aval' in l) return l as Array;
    throw new TypeError(`${who}: output leaf ${i} is ${describe(l)}; a transformed function must return Arrays or pytrees of them`);
  }), def];
}

/** Traces `f` at `xs` (pathwise: concrete values may be read when `xs` have them). */
export function traceUser(who: string, f: Fn, xs: readonly Array[], inTree: TreeDef, hasAux: boolean, abstract?: string): UserTrace {
  let outTree: TreeDef | undefined;
  let auxTree: TreeDef | undefined;
  let nOut = 0;
  const t = traceFlat((...ins) => {
    const args = unflattenArgs(inTree, ins);
    let res = (f as (...a: unknown[]) => unknown)(...args);
    let aux: unknown;
    if (hasAux) {
      if (!globalThis.Array.isArray(res) || res.length !== 2) throw new TypeError(`${who}: with hasAux, the function must return [output, aux]`);
      [res, aux] = res as [unknown, unknown];
    }
    const [outs, od] = toOutLeaves(who, res);
    outTree = od;
    nOut = outs.length;
    if (!hasAux) return outs;
    const [auxs, ad] = toOutLeaves(who, aux);
    auxTree = ad;
    return [...outs, ...auxs];
  }, xs.map((x) => x.aval), {
    device: commonDevice(xs, who),
    inputValues: abstract ? undefined : xs,
    abstractReason: abstract ?? `under ${who}`,
    inWeak: xs.map((x) => x.weakType),
  });
  return { jaxpr: t.jaxpr, consts: t.consts, outTree: outTree!, auxTree, nOut, valueDependent: t.valueDependent, outWeak: t.outWeak, inWeak: xs.map((x) => x.weakType) };
}

const unflattenArgs = (def: TreeDef, xs: Array[]): unknown[] => unflatten<unknown[]>(def, xs);

/**
 * Stages `body` as a Jaxpr over [the consts of `j` (as inputs), ...rest]: the rewrite of one
 * Jaxpr into another. The consts' values ride along as `pre` inputs.
 */
export function stageUser(j: Jaxpr, consts: readonly Array[], body: (consts: Array[], rest: Array[]) => Array[], restAvals: readonly Aval[]): Staged {
  const n = j.consts.length;
  const t = traceFlat((...ins) => body(ins.slice(0, n), ins.slice(n)), [...j.consts.map((v) => v.aval), ...restAvals], {
    abstractReason: 'while transforming a traced function',
  });
  return { jaxpr: simplify(t.jaxpr), consts: t.consts, pre: [...consts] };
}

/** Stages a function of plain inputs (no leading consts). */
export function stageFn(body: (ins: Array[]) => Array[], avals: readonly Aval[]): Staged {
  const t = traceFlat((...ins) => body(ins), avals, { abstractReason: 'while transforming a traced function' });
  return { jaxpr: simplify(t.jaxpr), consts: t.consts, pre: [] };
}

/**
 * Runs a staged Jaxpr: compiled on concrete inputs, inlined into the enclosing trace otherwise.
 * Under debugNans or disableJit it runs op by op, so each primitive's result is checked or seen.
 */
export function runStaged(st: Staged, args: readonly Array[]): Array[] {
  const ins = [...st.pre, ...args];
  if (hasTracer(ins) || hasTracer(st.consts) || debugNansOn() || jitDisabled()) {
    return evalJaxpr(st.jaxpr, st.consts, ins).map((o, i) => (st.outWeak?.[i] && !o.weakType ? weakened(o) : o));
  }
  const device = commonDevice([...st.consts, ...ins], 'transform');
  const backend = getBackend(device);
  st.exe ??= compileShared(backend, st.jaxpr);
  const bufs = st.exe.run([...st.consts, ...ins].map((a) => (a as ConcreteArray).onDevice(backend).buffer));
  return bufs.map((b, i) => new ConcreteArray(b, backend, st.outWeak?.[i] ?? false));
}

/** `x` marked weakly typed (an identity conversion the passes remove; only the type flag stays). */
const weakened = (x: Array): Array => bind1(ConvertElementType, [x], { newDtype: x.dtype }, true);

export interface Entry {
  staged: Staged;
  outTree: TreeDef;
  auxTree?: TreeDef;
  nOut: number;
  /** Outputs of the user's Jaxpr (main + aux leaves). */
  jaxprOuts: number;
  valueDependent: boolean;
}

/** Signatures kept per function: a function called with ever-new shapes must not grow without bound. */
export const PER_FUNCTION = 64;
let caches = new WeakMap<object, LRU<string, Entry>>();
onClearCaches(() => { caches = new WeakMap(); });

/**
 * Looks up (or builds and, when reusable, stores) the staged program for this signature; `X` is
 * what a transform keeps beside it (one `tag` always builds the same shape of entry).
 */
export function cached<X extends object = object>(
  f: object,
  tag: string,
  xs: readonly Array[],
  inTree: TreeDef,
  extra: unknown,
  build: () => Omit<Entry, 'jaxprOuts'> & { jaxprOuts?: number } & X,
): Entry & X {
  let m = caches.get(f);
  if (!m) { m = new LRU(PER_FUNCTION); caches.set(f, m); }
  const key = `${tag}|${commonDevice(xs, tag)}|${treeKey(inTree)}|${avalsKey(xs)}|${JSON.stringify(extra ?? null)}`;
  const hit = m.get(key);
  if (hit) return hit as Entry & X;
  const b = build();
  const entry: Entry & X = { ...b, jaxprOuts: b.jaxprOuts ?? b.nOut + (b.auxTree ? countLeaves(b.auxTree) : 0) };
  // Value-dependent traces are specific to these inputs; closures over Tracers to their trace.
  if (!entry.valueDependent && !hasTracer(entry.staged.consts) && !hasTracer(entry.staged.pre)) m.set(key, entry);
  return entry;
}

