/** Staged loops: lax.scan, lax.map, lax.foriLoop (static bounds become a scan) and lax.whileLoop. */
import type { Array } from '../core/array.js';
import { avalStr } from '../core/ir.js';
import { type TreeDef, flatten, treedefStr, unflatten } from '../core/pytree.js';
import { bindScan, unstacked } from '../control/scan.js';
import { closedTrace } from '../transforms/sub.js';
import { flattenArrays, hasTracer } from '../transforms/staging.js';
import { currentBuilder } from '../core/trace.js';
import { jitDisabled } from '../core/config.js';
import { asArray, convert, describe } from '../numpy/promote.js';
import { arange } from '../numpy/creation.js';
import { concatenate, flip, reshape, stack } from '../numpy/shape.js';
import { checkpoint } from '../control/checkpoint.js';
import { add, less } from '../numpy/math.js';
import { bindWhile } from '../control/while.js';
import type { ArrayTree } from '../core/tree-types.js';

/** Options of `lax.scan`. */
export interface ScanOptions {
  /** Number of steps; required when `xs` is null. */
  length?: number;
  /** Iterate from the end of `xs` (ys are still stacked in `xs` order). */
  reverse?: boolean;
  /** Accepted for JAX compatibility; the CPU backend always runs the loop natively. */
  unroll?: number | boolean;
  /**
   * Periodic checkpointing for reverse mode: store every k-th carry and recompute each segment of
   * k steps in the backward pass ('sqrt': k = √length), so memory is O(S·(N/k + k)) for N steps.
   */
  checkpoint?: number | 'sqrt';
}

const sig = (tree: TreeDef, xs: readonly Array[]) => `${treedefStr(tree)} (${xs.map((x) => avalStr(x.aval)).join(', ')})`;

/**
 * `lax.scan(f, init, xs, { length, reverse })` -> `[carry, ys]` with `f(carry, x) -> [carry, y]`:
 * a loop over the leading axis of `xs` (pytrees allowed), fully differentiable.
 */
export function scan<C, X, Y>(f: (carry: ArrayTree<C>, x: ArrayTree<X>) => readonly [unknown, Y], init: C, xs: X, opts?: ScanOptions): [ArrayTree<C>, ArrayTree<Y>];
export function scan<C, Y>(f: (carry: ArrayTree<C>, x: null) => readonly [unknown, Y], init: C, xs?: null, opts?: ScanOptions): [ArrayTree<C>, ArrayTree<Y>];
export function scan(f: ScanBody, init: unknown, xs: unknown = null, opts: ScanOptions = {}): [unknown, unknown] {
  if (eagerOnly(init, xs)) return scanAs('lax.scan', f, init, xs, opts);
  if (opts.checkpoint !== undefined) return checkpointedScan(f, init, xs, opts);
  return scanAs('lax.scan', f, init, xs, opts);
}

/** A scan body, whatever its parameter types (it is called with pytrees of tracers). */
type ScanBody = (carry: never, x: never) => readonly [unknown, unknown];

/** scan, with errors naming the loop the user wrote (lax.foriLoop and lax.map are scans). */
function scanAs(who: string, userBody: ScanBody, init: unknown, xs: unknown, opts: ScanOptions): [unknown, unknown] {
  const f = userBody as (carry: unknown, x: unknown) => readonly [unknown, unknown];
  const [carry, carryTree] = flattenArrays(who, init);
  const [xLeaves, xTree] = flattenArrays(who, xs);
  const length = scanLength(xLeaves, opts.length);
  if (length > 0 && eagerOnly(init, xs)) return eagerScan(f, init, xTree, xLeaves, length, !!opts.reverse);
  let yTree: TreeDef | undefined;
  const body = closedTrace((...zs) => {
    const c = unflatten(carryTree, zs.slice(0, carry.length));
    const x = unflatten(xTree, zs.slice(carry.length));
    const res = f(c, x);
    if (!globalThis.Array.isArray(res) || res.length !== 2) throw new TypeError(`${who}: the body must return [carry, y], got ${res !== null && typeof res === 'object' && 'aval' in res ? `an Array ${avalStr((res as unknown as Array).aval)}` : describe(res)}; return null as y when there is no per-step output`);
    const carryLeaves = flatten(res[0])[0];
    const bad = carryLeaves.findIndex((l) => !(l && typeof l === 'object' && 'aval' in l) && typeof l !== 'number' && typeof l !== 'boolean');
    if (bad >= 0) throw new TypeError(`${who}: carry leaf ${bad} returned by the body is ${describe(carryLeaves[bad])}, but the carry is ${sig(carryTree, carry)}; return Arrays of the same structure, shapes and dtypes`);
    const [newCarry, cTree] = flattenArrays(who, res[0]);
    if (sig(cTree, newCarry) !== sig(carryTree, carry)) {
      throw new TypeError(`${who}: the body's carry output ${sig(cTree, newCarry)} differs from its input ${sig(carryTree, carry)}; the carry must keep its structure, shapes and dtypes (use np.array(0.0) or astype for the initial value)`);
    }
    const [ys, yt] = flatten(res[1]);
    yTree = yt;
    return [...newCarry, ...ys.map((y, i) => {
      if (typeof y === 'number' || typeof y === 'boolean') return asArray(y);
      if (y && typeof y === 'object' && 'aval' in y) return y as Array;
      throw new TypeError(`${who}: y leaf ${i} returned by the body is ${describe(y)}; y must be Arrays, numbers or pytrees of them (null for none)`);
    })];
  }, [...carry.map((c) => c.aval), ...xLeaves.map((x) => unstacked(x.aval))], 'inside a lax.scan body');
  const res = bindScan(body, [], carry, xLeaves, { length, reverse: !!opts.reverse });
  return [unflatten(carryTree, res.slice(0, carry.length)), unflatten(yTree!, res.slice(carry.length))];
}

/** Under disableJit, outside a trace and on concrete values, loops run as JS loops. */
function eagerOnly(...trees: unknown[]): boolean {
  return jitDisabled() && !currentBuilder() && !hasTracer(trees.flatMap((t) => flatten(t)[0]));
}

/** lax.scan as a JS loop (disableJit): ys are stacked in xs order, as the staged scan does. */
function eagerScan(f: (carry: unknown, x: unknown) => readonly [unknown, unknown], init: unknown, xTree: TreeDef, xLeaves: readonly Array[], length: number, reverse: boolean): [unknown, unknown] {
  let carry = init;
  const ys: unknown[] = new globalThis.Array(length);
  for (let k = 0; k < length; k++) {
    const i = reverse ? length - 1 - k : k;
    const [c, y] = f(carry, unflatten(xTree, xLeaves.map((x) => x.slice(i))));
    carry = c;
    ys[i] = y;
  }
  const [first, yTree] = flatten(ys[0]);
  const cols = first.map((_, j) => stack(ys.map((y) => asArray(flatten(y)[0][j] as Array | number | boolean))));
  return [carry, unflatten(yTree, cols)];
}

/** The number of steps: `length` if given (checked against xs), else xs's common leading axis. */
function scanLength(xLeaves: readonly Array[], length: number | undefined): number {
  if (length !== undefined && (typeof length !== 'number' || !Number.isInteger(length) || length < 0)) {
    throw new TypeError(`lax.scan: length must be a non-negative integer, got ${String(length)}; pass { length: n } with n the number of steps (the leading axis of xs), or leave it out when xs is given`);
  }
  if (xLeaves.some((x) => x.ndim === 0)) throw new TypeError(`lax.scan: every leaf of xs must have a leading axis to scan over, got (${xLeaves.map((x) => avalStr(x.aval)).join(', ')}); stack the per-step values along axis 0`);
  const lengths = new Set(xLeaves.map((x) => x.shape[0]));
  if (lengths.size > 1) throw new TypeError(`lax.scan: xs leaves have different leading sizes: ${xLeaves.map((x) => avalStr(x.aval)).join(', ')}; every leaf of xs must have the same number of steps on axis 0`);
  const n = length ?? (lengths.size ? [...lengths][0] : undefined);
  if (n === undefined) throw new TypeError('lax.scan: pass { length } when xs is null');
  if (lengths.size && [...lengths][0] !== n) throw new TypeError(`lax.scan: length ${n} differs from the leading axis of xs (${xLeaves.map((x) => avalStr(x.aval)).join(', ')}); leave length out or make it ${[...lengths][0]}`);
  return n;
}

/** `lax.map(f, xs)`: f over the leading axis of xs, as a scan without a carry. */
export function map<X, R>(f: (x: ArrayTree<X>) => R, xs: X): ArrayTree<R>;
export function map(f: (x: any) => unknown, xs: unknown): any {
  return scanAs('lax.map', (c: unknown, x: unknown) => [c, f(x)], null, xs, {})[1];
}

/**
 * `lax.foriLoop(lower, upper, body, init)`: `body(i, carry)` for i in [lower, upper). Static (JS
 * number) bounds lower to a scan, so the loop is reverse-differentiable; traced bounds lower to a
 * while loop (forward mode and vmap only), as in JAX.
 */
export function foriLoop<C>(lower: number | Array, upper: number | Array, body: (i: Array, carry: ArrayTree<C>) => unknown, init: C): ArrayTree<C>;
export function foriLoop(lower: number | Array, upper: number | Array, body: (i: Array, carry: any) => unknown, init: unknown): any {
  if (typeof lower === 'number' && typeof upper === 'number') {
    if (!Number.isInteger(lower) || !Number.isInteger(upper)) throw new TypeError(`lax.foriLoop: bounds must be integers, got ${lower} and ${upper}`);
    const n = Math.max(0, upper - lower);
    return scanAs('lax.foriLoop', (c: unknown, i: Array) => [body(i, c), null], init, arange(lower, lower + n), { length: n })[0];
  }
  const lo = convert(asArray(lower), 'int32');
  const hi = convert(asArray(upper), 'int32');
  const [, out] = whileLoop(([i]: [Array, unknown]) => less(i, hi), ([i, c]: [Array, unknown]) => [add(i, 1), body(i, c)], [lo, init]);
  return out;
}

/**
 * `lax.whileLoop(condFn, bodyFn, init)`: repeats `bodyFn` while `condFn(carry)` holds. Works under
 * jvp and vmap; reverse mode raises an error pointing to lax.scan (the trip count is dynamic).
 */
export function whileLoop<C>(condFn: (carry: ArrayTree<C>) => unknown, bodyFn: (carry: ArrayTree<C>) => unknown, init: C): ArrayTree<C>;
export function whileLoop(condFn: (carry: any) => unknown, bodyFn: (carry: any) => unknown, init: unknown): any {
  if (eagerOnly(init)) {
    let c = init;
    while (asArray(condFn(c) as Array | boolean).item()) c = bodyFn(c);
    return c;
  }
  const [carry, tree] = flattenArrays('lax.whileLoop', init);
  const avals = carry.map((c) => c.aval);
  const c = closedTrace((...zs) => {
    const p = condFn(unflatten(tree, zs));
    // As in JAX, the predicate is a bool scalar: a float one (NaN, or 0.1 read as true) is an error.
    const isArray = p !== null && typeof p === 'object' && 'aval' in p;
    if (!isArray && typeof p !== 'boolean') {
      throw new TypeError(`lax.whileLoop: condFn must return a bool scalar, got ${describe(p)}; return a comparison such as np.less(i, n)`);
    }
    const pa = isArray ? (p as Array) : asArray(p);
    if (pa.ndim !== 0 || pa.dtype !== 'bool') {
      throw new TypeError(`lax.whileLoop: condFn must return a bool scalar, got ${avalStr(pa.aval)}; ${pa.ndim !== 0 ? 'reduce it with np.all or np.any' : 'compare explicitly, e.g. np.notEqual(x, 0) or np.less(i, n)'}`);
    }
    return [pa];
  }, avals, 'inside a lax.whileLoop cond');
  const b = closedTrace((...zs) => {
    const out = bodyFn(unflatten(tree, zs));
    if (out === undefined) throw new TypeError(`lax.whileLoop: bodyFn returned undefined; it must return the next carry, ${sig(tree, carry)}`);
    const [next, t2] = flattenArrays('lax.whileLoop', out);
    if (sig(t2, next) !== sig(tree, carry)) {
      throw new TypeError(`lax.whileLoop: bodyFn returns ${sig(t2, next)} but the carry is ${sig(tree, carry)}; the carry must keep its structure, shapes and dtypes (cast with astype, or start from an init of the body's shapes and dtypes)`);
    }
    return next;
  }, avals, 'inside a lax.whileLoop body');
  return unflatten(tree, bindWhile(c, b, [], [], carry));
}

/** Scan in segments of k steps, each a checkpointed inner scan (see ScanOptions.checkpoint). */
function checkpointedScan(f: ScanBody, init: unknown, xs: unknown, opts: ScanOptions): [unknown, unknown] {
  const { checkpoint: every, ...rest } = opts;
  const [xLeaves, xTree] = flattenArrays('lax.scan', xs);
  const length = scanLength(xLeaves, opts.length);
  const k = every === 'sqrt' ? Math.max(1, Math.round(Math.sqrt(length))) : every!;
  if (!Number.isInteger(k) || k < 1) throw new TypeError(`lax.scan: checkpoint must be a positive integer or 'sqrt', got ${String(every)}`);
  // No step to checkpoint; the plain scan still gives ys their [0, ...] shapes from the body.
  if (length === 0) return scanAs('lax.scan', f, init, xs, { ...rest, length });
  if (rest.reverse) {
    // A reverse scan is a forward scan over the flipped xs, with its ys flipped back.
    const flip = (t: unknown) => unflatten(xTree, flattenArrays('lax.scan', t)[0].map((x) => flipAxis0(x)));
    const [c, ys] = checkpointedScan(f, init, xs === null ? null : flip(xs), { ...rest, reverse: false, checkpoint: k, length });
    return [c, mapLeaves(ys, flipAxis0)];
  }
  const nSeg = Math.floor(length / k);
  const tail = length - nSeg * k;
  const segment = checkpoint((c: unknown, xseg: unknown) => scanAs('lax.scan', f, c, xseg, { length: k }));
  const seg = (x: Array) => reshape(x.slice([0, nSeg * k]), [nSeg, k, ...x.shape.slice(1)]);
  const segXs = xs === null ? null : unflatten(xTree, xLeaves.map(seg));
  let [carry, ys] = nSeg ? scanAs('lax.scan', (c: unknown, xseg: unknown) => segment(c, xseg) as [unknown, unknown], init, segXs, { length: nSeg }) : [init, null];
  if (nSeg) ys = mapLeaves(ys, (y) => reshape(y, [nSeg * k, ...y.shape.slice(2)]));
  if (tail) {
    const tailXs = xs === null ? null : unflatten(xTree, xLeaves.map((x) => x.slice([nSeg * k, length])));
    const [c2, ys2] = checkpoint((c: unknown, xt: unknown) => scanAs('lax.scan', f, c, xt, { length: tail }))(carry, tailXs) as [unknown, unknown];
    carry = c2;
    ys = nSeg ? mapLeaves2(ys, ys2, (a, b) => concatenate([a, b])) : ys2;
  }
  return [carry, ys];
}

const flipAxis0 = (x: Array): Array => flip(x, 0);
const mapLeaves = (t: unknown, fn: (x: Array) => Array): unknown => unflatten(flatten(t)[1], flatten(t)[0].map((l) => fn(l as Array)));
const mapLeaves2 = (a: unknown, b: unknown, fn: (x: Array, y: Array) => Array): unknown => {
  const [la, ta] = flatten(a);
  const [lb] = flatten(b);
  return unflatten(ta, la.map((l, i) => fn(l as Array, lb[i] as Array)));
};
