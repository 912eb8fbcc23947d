/** Staged control flow: lax.cond and lax.switch. */
import { type Array, Array as ArrayClass, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { avalStr } from '../core/ir.js';
import { type TreeDef, flatten, treedefStr, unflatten } from '../core/pytree.js';
import { bind, currentBuilder, evalJaxpr } from '../core/trace.js';
import { Cond } from '../control/cond.js';
import { type Closed, closedTrace, unifyBranches } from '../transforms/sub.js';
import { asArray, convert } from '../numpy/promote.js';
import { clip, notEqual } from '../numpy/math.js';
import { flatFn, flattenArrays, hasTracer } from '../transforms/staging.js';
import type { ArrayTree, Fn } from '../core/tree-types.js';
import { jitDisabled } from '../core/config.js';

function traceBranches(who: string, fns: readonly ((...a: any[]) => unknown)[], operands: unknown[], names = fns.map((_, k) => `branch ${k}`)): { closed: Closed[]; xs: Array[]; outTree: TreeDef } {
  const [xs, inTree] = flattenArrays(who, operands);
  let outTree: TreeDef | undefined;
  let first: string | undefined;
  const closed = fns.map((fn, k) => {
    if (typeof fn !== 'function') throw new TypeError(`${who}: ${names[k]} is not a function`);
    const out: { tree?: TreeDef } = {};
    const c = closedTrace(flatFn(fn, inTree, who, out), xs.map((x) => x.aval), `inside a ${who} branch`);
    const sig = `${treedefStr(out.tree!)} ${c.jaxpr.outputs.map((o) => avalStr(o.aval)).join(',')}`;
    if (first === undefined) { first = sig; outTree = out.tree; }
    else if (sig !== first) {
      throw new TypeError(`${who}: branches must return the same structure, shapes and dtypes; ${names[0]} returns ${first} but ${names[k]} returns ${sig} (make them agree, e.g. with reshape, broadcastTo or astype)`);
    }
    return c;
  });
  return { closed, xs, outTree: outTree! };
}

/**
 * Binds cond, except that outside a trace an index known on the host (a JS number, or an array
 * made from one) picks its branch here: eager code never waits for a device to send back a
 * predicate the host already has. Under a trace the cond is staged; the lowering resolves a
 * literal index the same way.
 */
function bindCond(idx: Array, xs: readonly Array[], closed: Closed[]): Array[] {
  const u = unifyBranches(closed);
  const ops = [...xs, ...u.consts];
  if (idx instanceof ConcreteArray && idx.hostScalar !== undefined && !currentBuilder() && !hasTracer(ops)) {
    return evalJaxpr(u.jaxprs[Math.min(Math.max(idx.hostScalar, 0), u.jaxprs.length - 1)], [], ops);
  }
  return bind(Cond, [idx, ...ops], { branches: u.jaxprs });
}

/** Under disableJit, outside a trace and on concrete values: run the chosen branch as JS. */
function eagerOnly(idx: Array, operands: unknown[]): boolean {
  return jitDisabled() && !currentBuilder() && idx instanceof ConcreteArray && !hasTracer(flatten(operands)[0]);
}

/** `x` if it can be a branch selector (an Array, a number or a boolean); a TypeError naming `who` otherwise. */
function checkScalarArg(who: string, what: string, x: unknown): ArrayOrScalar {
  if (x instanceof ArrayClass || typeof x === 'number' || typeof x === 'boolean') return x;
  const got = x === null ? 'null' : x === undefined ? 'undefined' : typeof x === 'function' ? 'a function' : globalThis.Array.isArray(x) ? `a JS list of ${x.length}` : typeof x;
  const fix = what === 'index' ? 'pass an integer or an int32 Array scalar' : 'pass a boolean, a number or a scalar Array (e.g. x.gt(0))';
  throw new TypeError(`${who}: the ${what} must be a scalar, got ${got}; ${fix}`);
}

/**
 * `lax.switch(index, branches, ...operands)`: applies `branches[index]` (index clamped to range).
 * Both the index and the operands may be traced; every branch is traced once, abstractly.
 */
export function switch_<Ops extends unknown[], R>(index: ArrayOrScalar, branches: readonly ((...ops: ArrayTree<Ops>) => R)[], ...operands: Ops): ArrayTree<R>;
export function switch_(index: ArrayOrScalar, branches: readonly Fn[], ...operands: unknown[]): unknown {
  if (!globalThis.Array.isArray(branches) || !branches.length) throw new TypeError('lax.switch(index, branches, ...operands): branches must be a non-empty list of functions');
  const i = asArray(checkScalarArg('lax.switch', 'index', index));
  if (i.ndim !== 0) throw new TypeError(`lax.switch: the index must be a scalar, got shape [${i.shape}]; under vmap the index is batched automatically`);
  // As in JAX, only an integer picks a branch: a fractional or NaN index has no branch to round to.
  if (typeof index === 'number' && !Number.isInteger(index)) {
    throw new TypeError(`lax.switch: the index must be an integer, got ${index}; round it first (Math.floor, Math.round) or use lax.cond for a condition`);
  }
  if (typeof index !== 'number' && i.dtype !== 'int32') {
    throw new TypeError(`lax.switch: the index must be an integer scalar (int32), got ${avalStr(i.aval)}; convert it with np.floor(i).astype('int32') (or np.round), or use lax.cond for a boolean`);
  }
  const idx = clip(convert(i, 'int32'), 0, branches.length - 1);
  if (eagerOnly(idx, operands)) return (branches[idx.item()] as (...ops: unknown[]) => unknown)(...operands);
  const { closed, xs, outTree } = traceBranches('lax.switch', branches, operands);
  return unflatten(outTree, bindCond(convert(idx, 'int32'), xs, closed));
}

/** `lax.cond(pred, trueFn, falseFn, ...operands)`: a staged if/else on a scalar predicate. */
export function cond<Ops extends unknown[], R1, R2>(pred: ArrayOrScalar, trueFn: (...ops: ArrayTree<Ops>) => R1, falseFn: (...ops: ArrayTree<Ops>) => R2, ...operands: Ops): ArrayTree<R1 | R2>;
export function cond(pred: ArrayOrScalar, trueFn: Fn, falseFn: Fn, ...operands: unknown[]): unknown {
  // JAX takes a boolean or any number (nonzero is true, NaN included); nothing else.
  const p = asArray(checkScalarArg('lax.cond', 'predicate', pred));
  if (p.ndim !== 0) throw new TypeError(`lax.cond: the predicate must be a scalar, got shape [${p.shape}]; for elementwise choices use np.where`);
  const idx = convert(p.dtype === 'bool' ? p : notEqual(p, 0), 'int32');
  if (eagerOnly(idx, operands)) return ((idx.item() ? trueFn : falseFn) as (...ops: unknown[]) => unknown)(...operands);
  const { closed, xs, outTree } = traceBranches('lax.cond', [falseFn, trueFn], operands, ['falseFn', 'trueFn']);
  return unflatten(outTree, bindCond(idx, xs, closed));
}
