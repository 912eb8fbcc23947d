/** vmap: evaluates a Jaxpr on batched values with each primitive's batching rule. */
import type { Array } from '../core/array.js';
import { type Atom, type Jaxpr, isVar } from '../core/ir.js';
import { bind, scalarArray } from '../core/trace.js';
import { broadcastPrefix, unflatten } from '../core/pytree.js';
import { moveAxis, batchFirst } from '../primitives/batching.js';
import { type Staged, cached, runStaged, stageUser, traceUser, userArgs } from './api-util.js';
import { type Aval, avalStr } from '../core/ir.js';
import { withAxis } from '../core/axis-env.js';
import { bindsHere } from '../primitives/collectives.js';
import { ShapeError } from '../core/errors.js';
import { isPlainObject, nodeTypeOf } from '../core/pytree.js';
import type { Args, ArrayTree, Fn } from '../core/tree-types.js';

type Dim = number | null;

/**
 * Runs `j` on values whose batch axis is `dims[i]` (null = shared by every example). `axisName`
 * names this batch axis for the collectives (lax.psum ...); left out, as by the batching rules of
 * control flow, the enclosing vmap's axis is meant.
 */
export function vmapEval(j: Jaxpr, consts: readonly Array[], args: readonly Array[], dims: readonly Dim[], size: number, axisName?: string | null): [Array[], Dim[]] {
  if (axisName !== undefined) return withAxis({ name: axisName, size }, () => vmapEval(j, consts, args, dims, size));
  const env = new Map<number, [Array, Dim]>();
  j.consts.forEach((v, i) => env.set(v.id, [consts[i], null]));
  j.inputs.forEach((v, i) => env.set(v.id, [args[i], dims[i]]));
  const read = (a: Atom): [Array, Dim] => (isVar(a) ? env.get(a.id)! : [scalarArray(a.value, a.aval), null]);
  for (const e of j.eqns) {
    const ins = e.inputs.map(read);
    let outs: Array[];
    let odims: Dim[];
    // A collective over this axis acts even on unbatched values (psum of a shared x is n·x).
    if (ins.every(([, d]) => d === null) && !bindsHere(e.params.axisName)) {
      outs = bind(e.primitive, ins.map(([x]) => x), e.params);
      odims = outs.map(() => null);
    } else {
      const rule = e.primitive.vmap;
      if (!rule) throw new TypeError(`vmap: primitive '${e.primitive.name}' has no batching rule`);
      try {
        [outs, odims] = rule(ins.map(([x]) => x), ins.map(([, d]) => d), e.params, size);
      } catch (err) {
        // The user's function was already traced per example, so a shape error here comes from the
        // batching rule itself; describe it in the shapes the user wrote, with the batched ones after.
        if (!(err instanceof ShapeError) || err.message.startsWith('vmap:')) throw err;
        const perExample = ins.map(([x, d]) => avalStr({ shape: d === null ? x.aval.shape : x.aval.shape.filter((_, k) => k !== d), dtype: x.dtype }));
        throw new ShapeError(`vmap: '${e.primitive.name}' on per-example inputs (${perExample.join(', ')}) failed when batched over ${size} examples (batch axes ${JSON.stringify(ins.map(([, d]) => d))}): ${err.message}`, { cause: err });
      }
    }
    e.outputs.forEach((v, i) => env.set(v.id, [outs[i], odims[i]]));
  }
  const res = j.outputs.map(read);
  return [res.map(([x]) => x), res.map(([, d]) => d)];
}

const isAxisSpec = (x: unknown) => x === null || typeof x === 'number';

/** A leaf that shows the per-example aval the user's function produced (not the batched one). */
class PerExample { constructor(readonly aval: Aval) {} }

/** A pytree spelled out with its leaves' avals, as the user would write it: `(f64[3], {a: f64[3]})`. */
function describeTree(x: unknown): string {
  if (globalThis.Array.isArray(x)) return `[${x.map(describeTree).join(', ')}]`;
  if (isPlainObject(x)) return `{${Object.keys(x).sort().map((k) => `${k}: ${describeTree(x[k])}`).join(', ')}}`;
  const node = nodeTypeOf(x);
  if (node) return `${node.name}(${node.flatten(x as object)[0].map(describeTree).join(', ')})`;
  if (x !== null && typeof x === 'object' && 'aval' in x) return `Array ${avalStr((x as { aval: Aval }).aval)}`;
  return typeof x === 'number' ? `the number ${x}` : String(x);
}

/**
 * One axis per leaf of `tree` from the prefix `spec`. A mismatch names the user's structure in words
 * (entry counts, keys, avals) instead of an abstract treedef.
 */
function axesPrefix(spec: unknown, tree: unknown, what: 'inAxes' | 'outAxes', items: 'arguments' | 'outputs', shown: unknown = tree): Dim[] {
  const top = what === 'inAxes' ? `f takes ${(tree as unknown[]).length} ${items}: (${(shown as unknown[]).map(describeTree).join(', ')})` : `f returns ${describeTree(shown)}`;
  if (what === 'inAxes' && globalThis.Array.isArray(spec) && spec.length !== (tree as unknown[]).length) {
    throw new TypeError(`vmap: inAxes has ${spec.length} entries but ${top}; give one entry per argument (a number, null, or a pytree matching that argument)`);
  }
  const bad = firstMismatch(spec, tree, shown, '');
  if (bad) {
    const where = bad.path ? `${what}${bad.path} is ${JSON.stringify(bad.spec)}, but the ${what === 'inAxes' ? 'argument' : 'output'} there is ${describeTree(bad.shown)}` : `${what} is ${JSON.stringify(spec)}`;
    throw new TypeError(`vmap: ${where}; ${top}. Each entry of ${what} must be a number, null, or a pytree with the same keys/length as the value it describes`);
  }
  return broadcastPrefix<Dim>(spec, tree, `vmap ${what}`, isAxisSpec);
}

/** Where the axis spec stops being a prefix of the tree: its path, the spec there and the user's value there. */
function firstMismatch(spec: unknown, tree: unknown, shown: unknown, path: string): { path: string; spec: unknown; shown: unknown } | null {
  if (isAxisSpec(spec)) return null;
  if (globalThis.Array.isArray(spec) && globalThis.Array.isArray(tree) && spec.length === tree.length) {
    for (let i = 0; i < spec.length; i++) {
      const m = firstMismatch(spec[i], tree[i], (shown as unknown[])[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  const node = nodeTypeOf(spec);
  if (node && nodeTypeOf(tree) === node) {
    const [sc, tc, shc] = [spec, tree, shown].map((x) => node.flatten(x as object)[0]);
    if (sc.length === tc.length) {
      const keys = node.keys(tree as object, tc.length);
      for (let i = 0; i < sc.length; i++) {
        const m = firstMismatch(sc[i], tc[i], shc[i], `${path}.${keys[i]}`);
        if (m) return m;
      }
      return null;
    }
  }
  if (isPlainObject(spec) && isPlainObject(tree) && Object.keys(spec).sort().join() === Object.keys(tree).sort().join()) {
    for (const k of Object.keys(spec).sort()) {
      const m = firstMismatch(spec[k], tree[k], (shown as Record<string, unknown>)[k], `${path}.${k}`);
      if (m) return m;
    }
    return null;
  }
  return { path, spec, shown };
}

/** Options of `vmap`. */
export interface VmapOptions {
  /** The number of examples when no argument is mapped. */
  axisSize?: number;
  /** Names the mapped axis for collectives inside f: lax.psum(x, name), lax.axisIndex(name), ... */
  axisName?: string;
}

/**
 * `vmap(f, inAxes = 0, outAxes = 0, { axisSize })`: maps `f` over an axis of its arguments.
 * Axes are pytree prefixes of the arguments/outputs; null = not mapped; negative axes count from the end.
 *
 * @example
 * ```ts
 * const dot = (a: Array, b: Array) => np.sum(np.multiply(a, b));
 * vmap(dot, [0, null])(np.ones([4, 3]), np.ones([3])).shape; // [4]
 * ```
 */
export function vmap<A extends unknown[], R>(f: (...args: A) => R, inAxes?: unknown, outAxes?: unknown, opts?: VmapOptions): (...args: Args<A>) => ArrayTree<R>;
/** The untyped form: `f` of any arguments. */
export function vmap(f: Fn, inAxes?: unknown, outAxes?: unknown, opts?: VmapOptions): (...args: unknown[]) => unknown;
export function vmap(f: Fn, inAxes: unknown = 0, outAxes: unknown = 0, opts: VmapOptions = {}): (...args: unknown[]) => unknown {
  if (typeof f !== 'function') throw new TypeError(`vmap: the first argument must be the function to map, got ${typeof f}; write vmap(f, inAxes)(...args)`);
  const name = opts.axisName ?? null;
  if (name !== null && (typeof name !== 'string' || name === '')) throw new TypeError(`vmap: axisName must be a non-empty string, got ${JSON.stringify(name)}`);
  return (...args: unknown[]) => {
    const { xs, inTree } = userArgs('vmap', args);
    const axes = (isAxisSpec(inAxes) ? xs.map(() => inAxes) : axesPrefix(inAxes, args, 'inAxes', 'arguments')) as Dim[];
    const dims = axes.map((a, i) => {
      if (a === null) return null;
      const nd = xs[i].ndim;
      if (!Number.isInteger(a) || a < -nd || a >= nd) throw new RangeError(`vmap: inAxes ${a} is out of range for argument leaf ${i} of shape [${xs[i].shape}]; valid axes are ${-nd} to ${nd - 1}, or null to share it unmapped across examples`);
      return a < 0 ? a + nd : a;
    });
    const sizes = new Set(dims.flatMap((d, i) => (d === null ? [] : [xs[i].shape[d]])));
    if (sizes.size > 1) {
      throw new TypeError(`vmap: mapped axes have different sizes: ${dims.flatMap((d, i) => (d === null ? [] : [`leaf ${i} ${avalStr(xs[i].aval)} axis ${d}`])).join(', ')}; every mapped axis must have the same size (use null in inAxes for arguments shared by all examples)`);
    }
    if (sizes.size && opts.axisSize !== undefined && !sizes.has(opts.axisSize)) {
      throw new TypeError(`vmap: axisSize ${opts.axisSize} does not match the mapped axes' size ${[...sizes][0]}`);
    }
    const size = sizes.size ? [...sizes][0] : opts.axisSize;
    if (size === undefined) throw new TypeError('vmap: no argument is mapped; pass { axisSize } to say how many examples to make');
    const entry = cached(f, 'vmap', xs, inTree, { dims, size, outAxes: JSON.stringify(outAxes), name }, () => withAxis({ name, size }, () => {
      // The per-example function, traced abstractly: a mapped value has no single concrete value.
      const exAvals = xs.map((x, i) => (dims[i] === null ? x : { aval: { shape: x.aval.shape.filter((_, k) => k !== dims[i]), dtype: x.dtype }, weakType: x.weakType, device: x.device }));
      const u = traceUser('vmap', f, exAvals as Array[], inTree, false, 'under vmap (each example has its own value)');
      const staged: Staged = stageUser(u.jaxpr, u.consts, (cs, ins) => {
        const [outs, od] = vmapEval(u.jaxpr, cs, ins, dims, size, name);
        const want = (isAxisSpec(outAxes) ? outs.map(() => outAxes) : axesPrefix(outAxes, unflatten(u.outTree, outs), 'outAxes', 'outputs', unflatten(u.outTree, u.jaxpr.outputs.map((v) => new PerExample(v.aval))))) as Dim[];
        return outs.map((o, k) => {
          const w = want[k];
          if (w === null) {
            if (od[k] !== null) throw new TypeError(`vmap: outAxes is null for output leaf ${k}, but it depends on the mapped inputs`);
            return o;
          }
          const b = batchFirst(o, od[k], size);
          const nd = b.ndim;
          const to = w < 0 ? w + nd : w;
          if (to < 0 || to >= nd) throw new RangeError(`vmap: outAxes ${w} is out of range for an output of rank ${nd}`);
          return moveAxis(b, 0, to);
        });
      }, xs.map((x) => x.aval));
      staged.outWeak = u.outWeak;
      return { staged, outTree: u.outTree, nOut: u.nOut, valueDependent: u.valueDependent };
    }));
    return unflatten(entry.outTree, runStaged(entry.staged, xs));
  };
}

