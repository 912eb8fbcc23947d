/**
 * customJvp and customVjp: functions whose derivatives are given by the user. The function and
 * its rules are traced into Jaxprs held by a primitive, so they compose with every transform.
 */
import type { Array } from '../core/array.js';
import { type Aval, avalStr } from '../core/ir.js';
import { type TreeDef, flatten, treedefStr, unflatten } from '../core/pytree.js';
import { bind } from '../core/trace.js';
import { CustomJvpCall, CustomVjpCall } from '../primitives/custom.js';
import { closedTrace } from './sub.js';
import { flattenArrays, toArray } from './staging.js';
import { convert } from '../primitives/convert.js';
import { bcast, zerosOf } from '../primitives/ad-util.js';

type Fn = (...args: any[]) => any;

/** Splits arguments into the static (nondiff) ones and the rest, and rebuilds the full list. */
function splitArgs(who: string, args: unknown[], nondiff: readonly number[] = []) {
  const nd = nondiff.map((i) => (i < 0 ? i + args.length : i));
  for (const i of nd) if (i < 0 || i >= args.length) throw new RangeError(`${who}: nondiffArgnums ${i} is out of range for ${args.length} arguments`);
  const ndVals = nd.map((i) => args[i]);
  const diff = args.filter((_, i) => !nd.includes(i));
  const rebuild = (d: unknown[]): unknown[] => {
    let k = 0;
    return args.map((a, i) => (nd.includes(i) ? a : d[k++]));
  };
  return { ndVals, diff, rebuild };
}


/** Leaves of `tree` as arrays matching `like` (numbers broadcast; dtype follows `like`). */
function leavesLike(who: string, what: string, tree: unknown, likeTree: TreeDef, like: readonly { aval: Aval }[]): Array[] {
  const [ls, t] = flatten(tree);
  if (treedefStr(t) !== treedefStr(likeTree)) throw new TypeError(`${who}: ${what} has structure ${treedefStr(t)} but must match ${treedefStr(likeTree)}`);
  return ls.map((l, i) => {
    const a = like[i].aval;
    const x = toArray(who, l, i);
    if (x.ndim === 0 && a.shape.length) return bcast(convert(x, a.dtype), a);
    if (x.shape.join() !== a.shape.join()) throw new TypeError(`${who}: ${what} leaf ${i} is ${avalStr(x.aval)} but must be ${avalStr(a)}`);
    return x.dtype === a.dtype ? x : convert(x, a.dtype);
  });
}

export interface CustomJvpOptions {
  /** `jvp(...nondiffArgs, primals, tangents) -> [out, tangentOut]` (primals/tangents: argument arrays). */
  jvp: Fn;
  nondiffArgnums?: readonly number[];
}

/** `customJvp(f, { jvp })`: `f` whose forward (and, by transposition, reverse) derivative is `jvp`. */
export function customJvp(f: Fn, opts: CustomJvpOptions): Fn {
  if (typeof f !== 'function' || typeof opts?.jvp !== 'function') throw new TypeError('customJvp(f, { jvp }): f and jvp must be functions; jvp(primals, tangents) returns [out, tangentOut]');
  return (...args: unknown[]) => {
    const { ndVals, diff, rebuild } = splitArgs('customJvp', args, opts.nondiffArgnums);
    const [xs, inTree] = flattenArrays('customJvp', diff);
    const avals = xs.map((x) => x.aval);
    let outTree: TreeDef | undefined;
    let outs: Array[] = [];
    const fun = closedTrace((...zs) => {
      const [o, t] = flattenArrays('customJvp', f(...rebuild(unflatten(inTree, zs))));
      outTree = t;
      outs = o;
      return o;
    }, avals, 'inside a customJvp function');
    const rule = closedTrace((...zs) => {
      const ps = unflatten<unknown[]>(inTree, zs.slice(0, xs.length));
      const ts = unflatten<unknown[]>(inTree, zs.slice(xs.length));
      const r = opts.jvp(...ndVals, ps, ts);
      if (!globalThis.Array.isArray(r) || r.length !== 2) throw new TypeError('customJvp: the jvp rule must return [out, tangentOut]');
      const o = leavesLike('customJvp', 'the rule\'s primal output', r[0], outTree!, outs);
      const t = leavesLike('customJvp', 'the rule\'s tangent output', r[1], outTree!, outs);
      return [...o, ...t];
    }, [...avals, ...avals], 'inside a customJvp rule');
    const res = bind(CustomJvpCall, [...fun.consts, ...rule.consts, ...xs], {
      fun: fun.jaxpr, jvp: rule.jaxpr, nFunConsts: fun.consts.length, nJvpConsts: rule.consts.length,
    });
    return unflatten(outTree!, res);
  };
}

export interface CustomVjpOptions {
  /** `fwd(...args) -> [out, residuals]` (residuals: any pytree of arrays). */
  fwd: Fn;
  /** `bwd(...nondiffArgs, residuals, ct) -> one cotangent per (differentiable) argument; null = zero`. */
  bwd: Fn;
  nondiffArgnums?: readonly number[];
}

/**
 * `customVjp(f, { fwd, bwd })`: `f` whose reverse derivative is `bwd`. Works under vmap and nested
 * grad (when bwd is differentiable); jvp/jacfwd work too, by transposing bwd (linear in ct).
 */
export function customVjp(f: Fn, opts: CustomVjpOptions): Fn {
  if (typeof f !== 'function' || typeof opts?.fwd !== 'function' || typeof opts?.bwd !== 'function') {
    throw new TypeError('customVjp(f, { fwd, bwd }): fwd(...args) returns [out, residuals]; bwd(residuals, ct) returns one cotangent per argument');
  }
  return (...args: unknown[]) => {
    const { ndVals, diff, rebuild } = splitArgs('customVjp', args, opts.nondiffArgnums);
    const [xs, inTree] = flattenArrays('customVjp', diff);
    const avals = xs.map((x) => x.aval);
    let outTree: TreeDef | undefined;
    let outs: Array[] = [];
    const fun = closedTrace((...zs) => {
      const [o, t] = flattenArrays('customVjp', f(...rebuild(unflatten(inTree, zs))));
      outTree = t;
      outs = o;
      return o;
    }, avals, 'inside a customVjp function');
    let resTree: TreeDef | undefined;
    let nRes = 0;
    const fwd = closedTrace((...zs) => {
      const r = opts.fwd(...rebuild(unflatten(inTree, zs)));
      if (!globalThis.Array.isArray(r) || r.length !== 2) throw new TypeError('customVjp: fwd must return [out, residuals]');
      const o = leavesLike('customVjp', 'fwd\'s output', r[0], outTree!, outs);
      const [res, rt] = flattenArrays('customVjp residuals', r[1]);
      resTree = rt;
      nRes = res.length;
      return [...o, ...res];
    }, avals, 'inside a customVjp fwd');
    const resAvals = fwd.jaxpr.outputs.slice(outs.length).map((o) => o.aval);
    const nArgs = diff.length;
    const argTrees = diff.map((a) => flatten(a)[1]);
    const bwd = closedTrace((...zs) => {
      const res = unflatten(resTree!, zs.slice(0, nRes));
      const ct = unflatten(outTree!, zs.slice(nRes));
      const cts = opts.bwd(...ndVals, res, ct);
      if (!globalThis.Array.isArray(cts) || cts.length !== nArgs) {
        throw new TypeError(`customVjp: bwd must return an array with one cotangent per differentiable argument (${nArgs}), got ${globalThis.Array.isArray(cts) ? cts.length : typeof cts}`);
      }
      let off = 0;
      return cts.flatMap((c, k) => {
        const n = flatten(diff[k])[0].length;
        const like = xs.slice(off, off + n);
        off += n;
        if (c === null || c === undefined) return like.map((x) => zerosOf(x.aval));
        return leavesLike('customVjp', `bwd's cotangent for argument ${k}`, c, argTrees[k], like);
      });
    }, [...resAvals, ...outs.map((o) => o.aval)], 'inside a customVjp bwd');
    const res = bind(CustomVjpCall, [...fun.consts, ...fwd.consts, ...bwd.consts, ...xs], {
      fun: fun.jaxpr, fwd: fwd.jaxpr, bwd: bwd.jaxpr,
      nFunConsts: fun.consts.length, nFwdConsts: fwd.consts.length, nBwdConsts: bwd.consts.length,
    });
    return unflatten(outTree!, res);
  };
}

