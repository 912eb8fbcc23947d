/**
 * `checkGrads(f, args, opts)`: JAX's `jax.test_util.check_grads` for users writing custom rules.
 * Forward mode is checked against central differences along a random direction; reverse mode by
 * the inner-product identity <ct, J t> = <Jᵀ ct, t>, with J t from central differences, so a
 * vjp is never trusted because it agrees with a jvp that is wrong in the same way. Higher orders
 * recurse as JAX does: the jvp and the vjp are themselves functions whose derivatives are checked.
 * The numbers are compared on the host in float64, so a device that cannot read back
 * synchronously needs its arguments moved to 'cpu' first.
 */
import { type Array, ConcreteArray } from '../core/array.js';
import { getBackend } from '../core/backend.js';
import { type DType, isFloat, typedArrayFor } from '../core/dtype.js';
import { shapeStr } from '../core/errors.js';
import { flatten, unflatten } from '../core/pytree.js';
import type { Fn } from '../core/tree-types.js';
import { jvp } from './jvp.js';
import { vjp } from './grad.js';
import { userArgs } from './api-util.js';

/** A differentiation mode `checkGrads` checks: `'fwd'` (jvp) or `'rev'` (vjp). */
export type GradMode = 'fwd' | 'rev';

/** Options of `checkGrads`. */
export interface CheckGradsOptions {
  /** Highest derivative order to check (default 2). */
  order?: number;
  /** Which modes to check (default both). */
  modes?: readonly GradMode[];
  /** Central-difference step (default 1e-4 in float64, 3e-3 if any float leaf is float32). */
  eps?: number;
  /** Absolute tolerance (default 1e-5 in float64, 2e-2 with float32 leaves). */
  atol?: number;
  /** Relative tolerance (default 1e-5 in float64, 2e-2 with float32 leaves). */
  rtol?: number;
  /** Seed of the random directions (default 0): the same call checks the same directions. */
  seed?: number;
}

/** Raised by `checkGrads` when a derivative disagrees with its numerical check. */
export class GradCheckError extends Error {
  /** Always `'GradCheckError'`. */
  override name = 'GradCheckError';
}

const call = (f: Fn, args: readonly unknown[]): unknown => (f as (...a: readonly unknown[]) => unknown)(...args);

interface Resolved { eps: number; atol: number; rtol: number; next: () => number }

/** A seeded standard-normal generator (mulberry32 + Box-Muller), so failures reproduce. */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const hostOf = (x: Array): Float64Array => Float64Array.from(x.dataSync() as ArrayLike<number>, Number);

function arrayLike(x: Array, values: ArrayLike<number>): Array {
  const data = typedArrayFor(x.dtype, x.size);
  for (let i = 0; i < values.length; i++) data[i] = values[i];
  return ConcreteArray.fromData(data, x.shape, x.dtype, getBackend(x.device));
}

/** Output leaves of `f` at `xs` (an argument list), as Arrays. */
function outLeaves(who: string, out: unknown): Array[] {
  return flatten(out)[0].map((o, i) => {
    if (typeof o === 'number') throw new TypeError(`checkGrads: ${who} returned a JS number at output leaf ${i}; return an Array`);
    return o as Array;
  });
}

function floatOnly(what: string, xs: readonly Array[]): void {
  xs.forEach((x, i) => {
    if (!isFloat(x.dtype)) {
      throw new TypeError(`checkGrads: ${what} leaf ${i} is ${x.dtype}${shapeStr(x.shape)}; checkGrads differentiates float arguments only (close over the others or convert with astype)`);
    }
  });
}

const dot = (a: readonly Float64Array[], b: readonly Float64Array[]): number =>
  a.reduce((s, x, k) => x.reduce((t, v, i) => t + v * b[k][i], s), 0);

/** Elementwise |got - want| <= atol + rtol |want| over every leaf, or a GradCheckError naming the first miss. */
function assertClose(what: string, got: readonly Float64Array[], want: readonly Float64Array[], r: Resolved): void {
  for (let k = 0; k < want.length; k++) {
    for (let i = 0; i < want[k].length; i++) {
      const g = got[k][i];
      const w = want[k][i];
      if (Number.isNaN(g) && Number.isNaN(w)) continue;
      if (!(Math.abs(g - w) <= r.atol + r.rtol * Math.abs(w))) {
        throw new GradCheckError(`checkGrads: ${what}: output leaf ${k}, element ${i}: expected ${w}, got ${g} ` +
          `(difference ${Math.abs(g - w)}, atol ${r.atol}, rtol ${r.rtol}, eps ${r.eps})\n  expected leaf ${k}: [${[...want[k]].join(', ')}]\n  actual leaf ${k}:   [${[...got[k]].join(', ')}]`);
      }
    }
  }
}

/** (f(x + eps t) - f(x - eps t)) / 2 eps for every float output leaf. */
function numericalJvp(f: Fn, args: readonly unknown[], xs: readonly Array[], ts: readonly Float64Array[], r: Resolved): Float64Array[] {
  const { inTree } = userArgs('checkGrads', args);
  const at = (sign: number) => {
    const moved = xs.map((x, k) => { const h = hostOf(x); return arrayLike(x, h.map((v, i) => v + sign * r.eps * ts[k][i])); });
    return outLeaves('the function', call(f, unflatten<unknown[]>(inTree, moved))).filter((o) => isFloat(o.dtype)).map(hostOf);
  };
  const plus = at(1);
  const minus = at(-1);
  return plus.map((p, k) => p.map((v, i) => (v - minus[k][i]) / (2 * r.eps)));
}

function checkJvp(f: Fn, args: readonly unknown[], what: string, r: Resolved): void {
  const { xs, inTree } = userArgs('checkGrads', args);
  floatOnly('argument', xs);
  const ts = xs.map((x) => Float64Array.from({ length: x.size }, r.next));
  const tArrays = xs.map((x, k) => arrayLike(x, ts[k]));
  const [out, tOut] = jvp(f, args, unflatten<unknown[]>(inTree, tArrays));
  const outs = outLeaves('jvp', out);
  const want = outLeaves('the function', call(f, args)).filter((o) => isFloat(o.dtype)).map(hostOf);
  assertClose(`${what}: primal output of jvp vs f`, outs.filter((o) => isFloat(o.dtype)).map(hostOf), want, r);
  const tOuts = outLeaves('jvp', tOut).filter((_, i) => isFloat(outs[i].dtype)).map(hostOf);
  assertClose(`${what}: jvp tangent vs central differences`, tOuts, numericalJvp(f, args, xs, ts, r), r);
}

function checkVjp(f: Fn, args: readonly unknown[], what: string, r: Resolved): void {
  const { xs } = userArgs('checkGrads', args);
  floatOnly('argument', xs);
  const [out, vjpFn] = vjp(f, [...args]) as [unknown, (ct: unknown) => unknown[]];
  const [oLeaves, oTree] = flatten(out);
  const os = oLeaves as Array[];
  floatOnly('output', os);
  const cts = os.map((o) => Float64Array.from({ length: o.size }, r.next));
  const ctIn = flatten(vjpFn(unflatten(oTree, os.map((o, k) => arrayLike(o, cts[k])))))[0].map((c) => hostOf(c as Array));
  const ts = xs.map((x) => Float64Array.from({ length: x.size }, r.next));
  const jt = numericalJvp(f, args, xs, ts, r);
  const ip = dot(jt, cts);
  const ipExpected = dot(ts, ctIn);
  // One scalar: the tolerance scales with the sizes of the terms, not only with their sum.
  const scale = jt.reduce((s, a, k) => a.reduce((t, v, i) => t + Math.abs(v * cts[k][i]), s), 0);
  if (!(Math.abs(ip - ipExpected) <= r.atol + r.rtol * Math.max(Math.abs(ipExpected), scale))) {
    throw new GradCheckError(`checkGrads: ${what}: <ct, J t> by central differences is ${ip} but <vjp(ct), t> is ${ipExpected} ` +
      `(difference ${Math.abs(ip - ipExpected)}, atol ${r.atol}, rtol ${r.rtol}, eps ${r.eps})`);
  }
}

function checkAt(f: Fn, args: readonly unknown[], order: number, modes: readonly GradMode[], path: string, r: Resolved): void {
  const n = args.length;
  const depth = path ? path.split(' of ').length + 1 : 1;
  const label = (m: GradMode) => `order ${depth}, mode '${m}'${path ? ` of the ${path}` : ''}`;
  if (modes.includes('fwd')) {
    checkJvp(f, args, `${label('fwd')} (jvp)`, r);
    if (order > 1) {
      const fJvp = (...pt: unknown[]) => jvp(f, pt.slice(0, n), pt.slice(n)) as unknown;
      checkAt(fJvp, [...args, ...args], order - 1, modes, path ? `jvp of ${path}` : 'jvp', r);
    }
  }
  if (modes.includes('rev')) {
    checkVjp(f, args, `${label('rev')} (vjp)`, r);
    if (order > 1) {
      const fVjp = (...xs: unknown[]) => { const [out, pull] = vjp(f, xs) as [unknown, (ct: unknown) => unknown[]]; return pull(out); };
      checkAt(fVjp, args, order - 1, modes, path ? `vjp of ${path}` : 'vjp', r);
    }
  }
}

/**
 * Checks `f`'s derivatives at `args` (an argument list of pytrees of float Arrays) numerically, up
 * to `order` (default 2) in `modes` (default both): 'fwd' compares jvp with central differences,
 * 'rev' checks vjp by the inner-product identity against central differences. Throws a
 * `GradCheckError` naming the order, the mode and the expected and actual values; returns nothing
 * when every check passes. For users writing `customJvp` / `customVjp` rules.
 */
export function checkGrads(f: Fn, args: readonly unknown[], opts: CheckGradsOptions = {}): void {
  if (!globalThis.Array.isArray(args)) throw new TypeError('checkGrads: args must be the argument list, e.g. checkGrads(f, [x])');
  const order = opts.order ?? 2;
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`checkGrads: order must be a positive integer, got ${order}`);
  const modes = opts.modes ?? ['fwd', 'rev'];
  for (const m of modes) if (m !== 'fwd' && m !== 'rev') throw new TypeError(`checkGrads: modes must be 'fwd' and/or 'rev', got '${String(m)}'`);
  const { xs } = userArgs('checkGrads', args);
  const f32 = xs.some((x) => x.dtype === ('float32' satisfies DType));
  checkAt(f, args, order, modes, '', {
    eps: opts.eps ?? (f32 ? 3e-3 : 1e-4),
    atol: opts.atol ?? (f32 ? 2e-2 : 1e-5),
    rtol: opts.rtol ?? (f32 ? 2e-2 : 1e-5),
    next: normals(opts.seed ?? 0),
  });
}
