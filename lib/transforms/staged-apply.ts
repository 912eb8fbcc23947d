/**
 * Compile-once for transforms built from other transforms (jacfwd, jacrev, hessian): the whole
 * computation is traced into one Jaxpr on the first call and cached like grad, per (function,
 * options, argument avals and structure); later calls with the same shapes run the compiled
 * program and trace nothing. Called with Tracers, the program is inlined into the outer trace.
 */
import { Array } from '../core/array.js';
import { flatten, treedefStr, unflatten } from '../core/pytree.js';
import { numberKey } from '../core/structural-key.js';
import { cached, runStaged, traceUser, userArgs } from './api-util.js';
import { simplify } from './passes.js';

/**
 * Whether a non-differentiated argument can be a traced input: a pytree of Arrays only. Anything
 * else (a JS number, a string, a config object) is passed to the function unchanged, as before.
 */
const isDynamic = (arg: unknown): boolean => {
  const [leaves, def] = flatten(arg);
  return leaves.length > 0 && leaves.every((l) => l instanceof Array) && !treedefStr(def).includes('null');
};

/** A cache key for a static argument made of JS primitives; undefined when it holds objects. */
function primitiveKey(arg: unknown): string | undefined {
  const [leaves, def] = flatten(arg);
  const parts: string[] = [];
  for (const l of leaves) {
    if (typeof l === 'number') parts.push(`n${numberKey(l)}`);
    else if (typeof l === 'string' || typeof l === 'boolean' || typeof l === 'bigint') parts.push(`${typeof l}:${JSON.stringify(String(l))}`);
    else return undefined; // objects and functions may change behind an identity: never cache them
  }
  return `${treedefStr(def)}<${parts.join(',')}>`;
}

/**
 * `body(args)` run as one staged program. The arguments at `selected` are always traced (numbers
 * become arrays, as the differentiated arguments of grad do); the others are traced when they are
 * pytrees of Arrays and passed through unchanged otherwise (part of the cache key when they are
 * JS primitives; a call with other static values is traced anew, never cached). Value-dependent
 * traces (a concrete value read inside) are not cached either.
 */
export function stagedApply(who: string, f: object, opts: unknown, args: readonly unknown[], selected: readonly number[], body: (args: unknown[]) => unknown): unknown {
  const dynamic = args.map((a, i) => selected.includes(i) || isDynamic(a));
  const statics = args.map((a, i) => (dynamic[i] ? '' : primitiveKey(a)));
  const reusable = statics.every((s) => s !== undefined);
  const { xs, inTree } = userArgs(who, args.filter((_, i) => dynamic[i]));
  const rebuild = (dyn: unknown[]): unknown[] => {
    let k = 0;
    return args.map((a, i) => (dynamic[i] ? dyn[k++] : a));
  };
  const entry = cached(f, who, xs, inTree, { opts, dynamic, statics }, () => {
    const u = traceUser(who, (...dyn: unknown[]) => body(rebuild(dyn)), xs, inTree, false);
    return {
      staged: { jaxpr: simplify(u.jaxpr), consts: u.consts, pre: [], outWeak: u.outWeak },
      outTree: u.outTree, nOut: u.nOut, valueDependent: u.valueDependent || !reusable,
    };
  });
  return unflatten(entry.outTree, runStaged(entry.staged, xs));
}
