/**
 * Jacobians and Hessians of functions of any input/output shapes and pytrees:
 * jacfwd pushes a basis of input tangents through jvp under vmap; jacrev pulls a basis of output
 * cotangents through vjp under vmap. The result's leaf for (output o, input i) has shape
 * [...o.shape, ...i.shape]. Each compiles once per (function, options, argument shapes), like grad.
 */
import type { Array } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { flatten, unflatten } from '../core/pytree.js';
import type { DType } from '../core/dtype.js';
import { bind1 } from '../core/trace.js';
import { Iota, Reshape, Slice } from '../primitives/shape.js';
import { Eq } from '../primitives/binary.js';
import { convert } from '../primitives/convert.js';
import { jvp } from './jvp.js';
import { vjp } from './grad.js';
import { vmap } from './vmap.js';
import { userArgs } from './api-util.js';
import { checkFn } from './staging.js';
import { stagedApply } from './staged-apply.js';
import type { Args, ArrayTree, Fn, Jacobian, Selected } from '../core/tree-types.js';

/** Options of `jacfwd`, `jacrev` and `hessian`. */
export interface JacOptions {
  /** Which positional argument(s) to differentiate: an index (default 0) or a list of indices, which gives a list of Jacobians. */
  argnums?: number | readonly number[];
  /** `f` returns `[output, aux]`: only `output` is differentiated, and `aux` is returned beside the Jacobian. */
  hasAux?: boolean;
}

const nums = (argnums: number | readonly number[] | undefined, n: number): number[] =>
  (typeof argnums === 'number' ? [argnums] : argnums ? [...argnums] : [0]).map((a) => (a < 0 ? a + n : a));

function checkFloat(who: string, xs: readonly Array[]): void {
  xs.forEach((x, i) => {
    if (!isFloat(x.dtype)) throw new TypeError(`${who}: argument leaf ${i} has dtype ${x.dtype}; Jacobians need float inputs (convert with astype)`);
  });
}

const reshape = (x: Array, shape: readonly number[]): Array => bind1(Reshape, [x], { newSizes: [...shape] });

/** The n×n identity matrix (iota == iota). */
function eye(n: number, dtype: DType): Array {
  const iota = (dimension: number) => bind1(Iota, [], { dtype: 'int32', shape: [n, n], dimension });
  return convert(bind1(Eq, [iota(0), iota(1)]), dtype);
}

/** `x[..., start:stop, ...]` on one axis. */
function sliceAxis(x: Array, axis: number, start: number, stop: number): Array {
  const s = x.aval.shape;
  return bind1(Slice, [x], {
    startIndices: s.map((_, i) => (i === axis ? start : 0)),
    limitIndices: s.map((d, i) => (i === axis ? stop : d)),
    strides: null,
  });
}

/** One-hot basis over `n` leaves with total size N: N stacked tangents, one leaf at a time. */
function basis(xs: readonly Array[]): Array[] {
  const total = xs.reduce((t, x) => t + x.size, 0);
  const I = eye(total, xs[0]?.dtype ?? 'float64');
  let off = 0;
  return xs.map((x) => {
    const cols = sliceAxis(I, 1, off, off + x.size);
    off += x.size;
    return reshape(convert(cols, x.dtype), [total, ...x.shape]);
  });
}

/** Splits the leading basis axis [N, ...o] into one block [..., ...x.shape] per selected leaf. */
function blocks(t: Array, xs: readonly Array[], leadingBasis: boolean): Array[] {
  let off = 0;
  return xs.map((x) => {
    const n = x.size;
    const part = sliceAxis(t, leadingBasis ? 0 : t.ndim - 1, off, off + n);
    off += n;
    return part;
  });
}

function selectArgs(who: string, f: (...a: any[]) => any, args: unknown[], argnums: number[]) {
  for (const a of argnums) if (a < 0 || a >= args.length) throw new RangeError(`${who}: argnums ${a} is out of range for ${args.length} arguments`);
  const sel = argnums.map((i) => args[i]);
  const g = (...s: unknown[]) => f(...args.map((a, i) => (argnums.includes(i) ? s[argnums.indexOf(i)] : a)));
  return { sel, g };
}

function auxPair(who: string, r: unknown): [unknown, unknown] {
  if (!globalThis.Array.isArray(r) || r.length !== 2) throw new TypeError(`${who}: with hasAux the function must return a pair [output, aux]`);
  return [r[0], r[1]];
}

/** The user's function, typed as the public API takes it. */
type UserFn = Parameters<typeof jacfwd>[0];

/** The options as part of a cache key (argnums normalised; a one-element list still returns a list). */
const optsKey = (opts: JacOptions, an: readonly number[]) => ({ argnums: an, list: typeof opts.argnums === 'object', aux: !!opts.hasAux });

/** Forward-mode Jacobian (efficient for few inputs, many outputs). */
export function jacfwd<A extends unknown[], R, const N extends number | readonly number[] = 0>(f: (...args: A) => R, opts?: { argnums?: N; hasAux?: false }): (...args: Args<A>) => Jacobian<R, Selected<A, N>>;
export function jacfwd<A extends unknown[], R, Aux, const N extends number | readonly number[] = 0>(f: (...args: A) => readonly [R, Aux], opts: { argnums?: N; hasAux: true }): (...args: Args<A>) => [Jacobian<R, Selected<A, N>>, ArrayTree<Aux>];
export function jacfwd(f: Fn, opts?: JacOptions): (...args: unknown[]) => unknown;
export function jacfwd(f: (...args: any[]) => any, opts: JacOptions = {}): (...args: any[]) => any {
  checkFn('jacfwd', f);
  return (...args: unknown[]) => {
    const an = nums(opts.argnums, args.length);
    return stagedApply('jacfwd', f, optsKey(opts, an), args, an, (a) => jacfwdAt(f, opts, an, a));
  };
}

/** Reverse-mode Jacobian (efficient for many inputs, few outputs). */
export function jacrev<A extends unknown[], R, const N extends number | readonly number[] = 0>(f: (...args: A) => R, opts?: { argnums?: N; hasAux?: false }): (...args: Args<A>) => Jacobian<R, Selected<A, N>>;
export function jacrev<A extends unknown[], R, Aux, const N extends number | readonly number[] = 0>(f: (...args: A) => readonly [R, Aux], opts: { argnums?: N; hasAux: true }): (...args: Args<A>) => [Jacobian<R, Selected<A, N>>, ArrayTree<Aux>];
export function jacrev(f: Fn, opts?: JacOptions): (...args: unknown[]) => unknown;
export function jacrev(f: (...args: any[]) => any, opts: JacOptions = {}): (...args: any[]) => any {
  checkFn('jacrev', f);
  return (...args: unknown[]) => {
    const an = nums(opts.argnums, args.length);
    return stagedApply('jacrev', f, optsKey(opts, an), args, an, (a) => jacrevAt(f, opts, an, a));
  };
}

/** The Jacobian of `f` at `args` by forward mode (traced once by jacfwd). */
function jacfwdAt(f: UserFn, opts: JacOptions, an: number[], args: unknown[]): unknown {
  const { sel, g } = selectArgs('jacfwd', f, args, an);
  const { xs, inTree } = userArgs('jacfwd', sel);
  checkFloat('jacfwd', xs);
  const B = basis(xs);
  // Each basis tangent gives one column: out[o][k] = d out_o / d x_k.
  // With hasAux, f returns [out, aux]: only out is differentiated; aux comes back as it is.
  const main = opts.hasAux ? (...s: unknown[]) => auxPair('jacfwd', g(...s))[0] : g;
  const push = (...ts: Array[]) => jvp(main, sel, unflatten<unknown[]>(inTree, ts))[1];
  const cols = vmap(push, 0, -1)(...B);
  const full = g(...sel);
  const [out, aux] = opts.hasAux ? auxPair('jacfwd', full) : [full, undefined];
  const [outLeaves, outTree] = flatten(out);
  const [colLeaves] = flatten(cols);
  const res = (colLeaves as Array[]).map((c, i) => {
    const o = outLeaves[i] as Array;
    const per = blocks(c, xs, false).map((p, k) => reshape(p, [...o.shape, ...xs[k].shape]));
    return unflatten(inTree, per);
  });
  const shaped = unflatten(outTree, res.map((r) => (typeof opts.argnums === 'object' ? r : (r as unknown[])[0])));
  return opts.hasAux ? [shaped, aux] : shaped;
}

/** The Jacobian of `f` at `args` by reverse mode (traced once by jacrev). */
function jacrevAt(f: UserFn, opts: JacOptions, an: number[], args: unknown[]): unknown {
  const { sel, g } = selectArgs('jacrev', f, args, an);
  const { xs, inTree } = userArgs('jacrev', sel);
  checkFloat('jacrev', xs);
  const [out, vjpFn, aux] = vjp(g, sel, { hasAux: !!opts.hasAux });
  const [outLeaves, outTree] = flatten(out);
  const os = outLeaves as Array[];
  os.forEach((o, i) => {
    if (!isFloat(o.dtype)) throw new TypeError(`jacrev: output leaf ${i} has dtype ${o.dtype}; jacrev needs float outputs (use jacfwd, or convert with astype)`);
  });
  const B = basis(os);
  // Each basis cotangent gives one row of the Jacobian.
  const pull = (...cts: Array[]) => vjpFn(unflatten(outTree, cts));
  const rows = vmap(pull)(...B) as unknown[];
  const [rowLeaves] = flatten(rows);
  // rowLeaves[k]: [N_out, ...x_k.shape]; split the leading axis per output leaf.
  const perIn = (rowLeaves as Array[]).map((r) => blocks(r, os, true));
  const res = os.map((o, i) => unflatten(inTree, xs.map((x, k) => reshape(perIn[k][i], [...o.shape, ...x.shape]))));
  const jac = unflatten(outTree, res.map((r) => (typeof opts.argnums === 'object' ? r : (r as unknown[])[0])));
  return opts.hasAux ? [jac, aux] : jac;
}

/** Hessian = jacfwd(jacrev(f)): forward-over-reverse (with hasAux, jacrev's [jac, aux] is jacfwd's [out, aux]). */
export function hessian<A extends unknown[], R, const N extends number | readonly number[] = 0>(f: (...args: A) => R, opts?: { argnums?: N; hasAux?: false }): (...args: Args<A>) => Jacobian<Jacobian<R, Selected<A, N>>, Selected<A, N>>;
export function hessian<A extends unknown[], R, Aux, const N extends number | readonly number[] = 0>(f: (...args: A) => readonly [R, Aux], opts: { argnums?: N; hasAux: true }): (...args: Args<A>) => [Jacobian<Jacobian<R, Selected<A, N>>, Selected<A, N>>, ArrayTree<Aux>];
export function hessian(f: Fn, opts?: JacOptions): (...args: unknown[]) => unknown;
export function hessian(f: (...args: any[]) => any, opts: JacOptions = {}): (...args: any[]) => any {
  checkFn('hessian', f);
  return jacfwd(jacrev(f, opts), opts);
}

