/** vmap: evaluates a Jaxpr on batched values with each primitive's batching rule. */
import type { Array } from '../core/array.js';
import { type Atom, type Jaxpr, isVar } from '../core/ir.js';
import { bind, scalarArray } from '../core/trace.js';
import { broadcastPrefix, unflatten } from '../core/pytree.js';
import { moveAxis, batchFirst } from '../primitives/batching.js';
import { type Staged, cached, runStaged, stageUser, traceUser, userArgs } from './api-util.js';
import { avalStr } from '../core/ir.js';

type Dim = number | null;

/** Runs `j` on values whose batch axis is `dims[i]` (null = shared by every example). */
export function vmapEval(j: Jaxpr, consts: readonly Array[], args: readonly Array[], dims: readonly Dim[], size: number): [Array[], Dim[]] {
  const env = new Map<number, [Array, Dim]>();
  j.consts.forEach((v, i) => env.set(v.id, [consts[i], null]));
  j.inputs.forEach((v, i) => env.set(v.id, [args[i], dims[i]]));
  const read = (a: Atom): [Array, Dim] => (isVar(a) ? env.get(a.id)! : [scalarArray(a.value, a.aval), null]);
  for (const e of j.eqns) {
    const ins = e.inputs.map(read);
    let outs: Array[];
    let odims: Dim[];
    if (ins.every(([, d]) => d === null)) {
      outs = bind(e.primitive, ins.map(([x]) => x), e.params);
      odims = outs.map(() => null);
    } else {
      const rule = e.primitive.vmap;
      if (!rule) throw new TypeError(`vmap: primitive '${e.primitive.name}' has no batching rule`);
      [outs, odims] = rule(ins.map(([x]) => x), ins.map(([, d]) => d), e.params, size);
    }
    e.outputs.forEach((v, i) => env.set(v.id, [outs[i], odims[i]]));
  }
  const res = j.outputs.map(read);
  return [res.map(([x]) => x), res.map(([, d]) => d)];
}

const isAxisSpec = (x: unknown) => x === null || typeof x === 'number';

/**
 * `vmap(f, inAxes = 0, outAxes = 0, { axisSize })`: maps `f` over an axis of its arguments.
 * Axes are pytree prefixes of the arguments/outputs; null = not mapped; negative axes count from the end.
 */
export function vmap(f: (...args: any[]) => any, inAxes: unknown = 0, outAxes: unknown = 0, opts: { axisSize?: number } = {}): (...args: any[]) => any {
  return (...args: unknown[]) => {
    const { xs, inTree } = userArgs('vmap', args);
    const axes = (isAxisSpec(inAxes) ? xs.map(() => inAxes) : broadcastPrefix<Dim>(inAxes, args, 'vmap inAxes', isAxisSpec)) as Dim[];
    if (axes.length !== xs.length) throw new TypeError(`vmap: inAxes ${JSON.stringify(inAxes)} does not match the ${xs.length} argument leaves`);
    const dims = axes.map((a, i) => {
      if (a === null) return null;
      const nd = xs[i].ndim;
      if (!Number.isInteger(a) || a < -nd || a >= nd) throw new RangeError(`vmap: inAxes ${a} is out of range for argument leaf ${i} of shape [${xs[i].shape}]`);
      return a < 0 ? a + nd : a;
    });
    const sizes = new Set(dims.flatMap((d, i) => (d === null ? [] : [xs[i].shape[d]])));
    if (sizes.size > 1) {
      throw new TypeError(`vmap: mapped axes have different sizes: ${dims.flatMap((d, i) => (d === null ? [] : [`leaf ${i} ${avalStr(xs[i].aval)} axis ${d}`])).join(', ')}`);
    }
    if (sizes.size && opts.axisSize !== undefined && !sizes.has(opts.axisSize)) {
      throw new TypeError(`vmap: axisSize ${opts.axisSize} does not match the mapped axes' size ${[...sizes][0]}`);
    }
    const size = sizes.size ? [...sizes][0] : opts.axisSize;
    if (size === undefined) throw new TypeError('vmap: no argument is mapped; pass { axisSize } to say how many examples to make');
    const entry = cached(f, 'vmap', xs, inTree, { dims, size, outAxes: JSON.stringify(outAxes) }, () => {
      // The per-example function, traced abstractly: a mapped value has no single concrete value.
      const exAvals = xs.map((x, i) => (dims[i] === null ? x : { aval: { shape: x.aval.shape.filter((_, k) => k !== dims[i]), dtype: x.dtype }, weakType: x.weakType, device: x.device }));
      const u = traceUser('vmap', f, exAvals as Array[], inTree, false, 'under vmap (each example has its own value)');
      const staged: Staged = stageUser(u.jaxpr, u.consts, (cs, ins) => {
        const [outs, od] = vmapEval(u.jaxpr, cs, ins, dims, size);
        const want = (isAxisSpec(outAxes) ? outs.map(() => outAxes) : broadcastPrefix<Dim>(outAxes, unflatten(u.outTree, outs), 'vmap outAxes', isAxisSpec)) as Dim[];
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
      return { staged, outTree: u.outTree, nOut: u.nOut, valueDependent: u.valueDependent };
    });
    return unflatten(entry.outTree, runStaged(entry.staged, xs));
  };
}

