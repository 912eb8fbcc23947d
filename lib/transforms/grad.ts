/**
 * Reverse mode as linearize + transpose (JAX's design): the JVP Jaxpr is partially evaluated into
 * a primal Jaxpr that emits residuals and a linear tangent Jaxpr, which is then transposed.
 */
import type { Array } from '../core/array.js';
import { type Aval, avalStr } from '../core/ir.js';
import { isFloat } from '../core/dtype.js';
import { type TreeDef, flatten, treedefStr, unflatten } from '../core/pytree.js';
import { instantiate, lit, zerosOf } from '../primitives/ad-util.js';
import { jvpJaxpr } from './jvp.js';
import { type Tangent, Zero } from '../core/rules.js';
import { partialEval } from './partial-eval.js';
import { transposeEval } from './transpose.js';
import { type Staged, type UserTrace, cached, runStaged, stageFn, traceUser, userArgs } from './api-util.js';
import { checkFn, flattenArrays, floatNumbers, toArray } from './staging.js';
import { asArray } from '../primitives/convert.js';
import type { Arg, Args, ArrayTree, Fn, GradsAt } from '../core/tree-types.js';

interface VjpProgram {
  /** [consts..., xs...] -> [outputs (main + aux)..., residuals...] */
  primal: Staged;
  /** [residuals..., cts of the linear outputs...] -> cts of the differentiated inputs */
  backward: Staged;
  nRes: number;
  /** Which main outputs have a cotangent input in `backward`. */
  outLinear: boolean[];
  outAvals: Aval[];
  diff: boolean[];
}

/** Builds the primal and backward programs of a traced function w.r.t. the leaves in `diff`. */
function vjpProgram(u: UserTrace, diff: readonly boolean[]): VjpProgram {
  const j = u.jaxpr;
  const nOuts = j.outputs.length;
  const jv = jvpJaxpr(j, u.consts, diff);
  const jj = jv.jaxpr;
  // Inputs of the JVP Jaxpr: [captured consts, user consts, xs, tangents]; tangents are unknown.
  const nKnown = jj.consts.length + j.consts.length + j.inputs.length;
  const unknownIns = [...jj.consts, ...jj.inputs].map((_, i) => i >= nKnown);
  const split = partialEval(jj, unknownIns);
  // JVP outputs are [primal outs, tangent outs]; primal outs are always known.
  const tangentUnknown = split.outUnknown.slice(nOuts);
  const knownPre = [...jv.consts, ...jv.pre];
  // The outputs keep their traced weak types; each gradient takes its input's (grad(f)(3) is weak).
  const primal: Staged = { jaxpr: split.known, consts: [], pre: knownPre, outWeak: u.outWeak };
  const resAvals = split.unknown.inputs.slice(0, split.nResiduals).map((v) => v.aval);
  // The linear outputs are the unknown tangent outputs of [main..., aux...]; only the main ones take a
  // cotangent (aux outputs are not differentiated: their cotangents are symbolic zeros).
  const linOrig = tangentUnknown.flatMap((isU, i) => (isU ? [i] : []));
  const linOutAvals = split.unknown.outputs.map((o) => o.aval);
  const mainLinAvals = linOutAvals.filter((_, k) => linOrig[k] < u.nOut);
  const backward = stageFn((ins) => {
    const res = ins.slice(0, split.nResiduals);
    const mainCts = ins.slice(split.nResiduals);
    let m = 0;
    const cts: Tangent[] = linOutAvals.map((a, k) => (linOrig[k] < u.nOut ? mainCts[m++] : new Zero(a)));
    const xcts = transposeEval(split.unknown, split.unknown.inputs.map((_, i) => i >= split.nResiduals), res, cts);
    return xcts.map((c) => instantiate(c));
  }, [...resAvals, ...mainLinAvals]);
  backward.outWeak = u.inWeak.filter((_, i) => diff[i]);
  return {
    primal, backward, nRes: split.nResiduals,
    outLinear: tangentUnknown.slice(0, u.nOut),
    outAvals: j.outputs.slice(0, u.nOut).map((o) => o.aval),
    diff: [...diff],
  };
}

/** Runs the primal program: [outputs (main + aux), residuals]. */
function runPrimal(p: VjpProgram, xs: readonly Array[], nJaxprOuts: number, knownTangentOuts: number): [Array[], Array[]] {
  const res = runStaged(p.primal, xs);
  return [res.slice(0, nJaxprOuts), res.slice(nJaxprOuts + knownTangentOuts)];
}

const knownTangents = (p: VjpProgram, nJaxprOuts: number): number =>
  p.primal.jaxpr.outputs.length - nJaxprOuts - p.nRes;

function checkDiffInputs(who: string, xs: readonly Array[], diff: readonly boolean[], allowInt: boolean): void {
  xs.forEach((x, i) => {
    if (diff[i] && !isFloat(x.dtype) && !allowInt) {
      throw new TypeError(`${who}: differentiating with respect to argument leaf ${i} of dtype ${x.dtype}; only float inputs have gradients. Convert it with astype('float64'), exclude it with argnums, or pass { allowInt: true } to get zeros`);
    }
  });
}

interface Built extends Omit<ReturnType<typeof cached>, 'staged'> { staged: Staged; program: VjpProgram }

function buildVjp(who: string, f: (...a: any[]) => unknown, xs: Array[], inTree: TreeDef, hasAux: boolean, diff: boolean[], extra: unknown): Built {
  return cached(f, who, xs, inTree, extra, () => {
    const u = traceUser(who, f, xs, inTree, hasAux);
    const program = vjpProgram(u, diff.map((d, i) => d && isFloat(xs[i].dtype)));
    return { staged: program.primal, outTree: u.outTree, auxTree: u.auxTree, nOut: u.nOut, valueDependent: u.valueDependent, program } as Built;
  }) as Built;
}

const asArgList = (primals: unknown): unknown[] =>
  globalThis.Array.isArray(primals) ? primals : [primals];

/**
 * `vjp(f, primals, { hasAux })` -> `[out, vjpFn]` (or `[out, vjpFn, aux]`); `vjpFn(ct)` returns one
 * cotangent per primal argument. `primals` is the argument list (a single Array is one argument).
 */
export function vjp<A extends unknown[], R>(f: (...args: A) => R, primals: Primals<A>, opts?: { hasAux?: false }): [ArrayTree<R>, (ct: ArrayTree<R>) => ArrayTree<A>];
export function vjp<A extends unknown[], R, Aux>(f: (...args: A) => readonly [R, Aux], primals: Primals<A>, opts: { hasAux: true }): [ArrayTree<R>, (ct: ArrayTree<R>) => ArrayTree<A>, ArrayTree<Aux>];
export function vjp(f: Fn, primals: unknown, opts?: { hasAux?: boolean }): [unknown, (ct: unknown) => unknown[], unknown?];
export function vjp(f: (...args: any[]) => any, primals: unknown, opts: { hasAux?: boolean } = {}): any {
  checkFn('vjp', f);
  const args = floatNumbers(asArgList(primals));
  const { xs, inTree } = userArgs('vjp', args);
  const diff = xs.map(() => true);
  const b = buildVjp('vjp', f, xs, inTree, !!opts.hasAux, diff, { aux: !!opts.hasAux });
  const p = b.program;
  const [outs, res] = runPrimal(p, xs, b.jaxprOuts, knownTangents(p, b.jaxprOuts));
  const out = unflatten(b.outTree, outs.slice(0, b.nOut));
  const vjpFn = (ct: unknown): unknown[] => {
    const [cts, ctTree] = flattenArrays('vjpFn', ct);
    if (treedefStr(ctTree) !== treedefStr(b.outTree)) {
      throw new TypeError(`vjpFn: the cotangent has structure ${treedefStr(ctTree)} but the output has ${treedefStr(b.outTree)}`);
    }
    cts.forEach((c, i) => {
      const a = p.outAvals[i];
      if (c.aval.shape.join() !== a.shape.join()) throw new TypeError(`vjpFn: cotangent ${i} is ${avalStr(c.aval)} but the output is ${avalStr(a)}; pass one cotangent per output leaf, with that output's shape and dtype`);
    });
    const linCts = cts.filter((_, i) => p.outLinear[i]);
    const xcts = runStaged(p.backward, [...res, ...linCts]);
    return unflatten<unknown[]>(inTree, fillZeros(xs, p.diff, xcts));
  };
  if (opts.hasAux) return [out, vjpFn, unflatten(b.auxTree!, outs.slice(b.nOut))];
  return [out, vjpFn];
}

/**
 * Every leaf's cotangent: its computed one (`diff`: the program's float leaves), or zeros. Leaves
 * not `wanted` (arguments outside argnums, whose gradients no one returns) get `undefined`: zeros
 * of an input batch would be computed, under jit even staged, only to be dropped.
 */
function fillZeros(xs: readonly Array[], diff: readonly boolean[], cts: readonly Array[], wanted?: readonly boolean[]): (Array | undefined)[] {
  let k = 0;
  return xs.map((x, i) => (diff[i] ? cts[k++] : wanted && !wanted[i] ? undefined : zerosOf(x.aval)));
}

/** The argument list of a function taking A, as vjp/linearize take it (a lone Array for one argument). */
export type Primals<A extends unknown[]> = Args<A> | (A extends [infer X] ? Arg<X> : never);

/** GradOptions with argnums `N` and hasAux `H` spelled out, so the result type can follow them. */
export type GradOpts<N, H extends boolean> = {
  /** Which positional argument(s) to differentiate: an index (default 0) or a list of indices, which gives a list of gradients. */
  argnums?: N;
  /** Allow integer and bool arguments among those differentiated; their gradients are zeros (else a TypeError). */
  allowInt?: boolean;
} & (H extends true ? {
  /** `f` returns `[value, aux]`: only `value` is differentiated, and `aux` is returned beside the gradient. */
  hasAux: true;
} : {
  /** `f` returns `[value, aux]`: only `value` is differentiated, and `aux` is returned beside the gradient. */
  hasAux?: false;
});

/** Options of `grad` and `valueAndGrad` (JAX's `argnums`, `has_aux`, `allow_int`). */
export interface GradOptions {
  /** Which positional argument(s) to differentiate: an index (default 0) or a list of indices, which gives a list of gradients. */
  argnums?: number | readonly number[];
  /** `f` returns `[value, aux]`: only `value` is differentiated, and `aux` is returned beside the gradient. */
  hasAux?: boolean;
  /** Allow integer and bool arguments among those differentiated; their gradients are zeros (else a TypeError). */
  allowInt?: boolean;
}

function argnumsMask(who: string, args: unknown[], argnums: number | readonly number[]): { diff: boolean[]; nums: number[] } {
  const nums = (typeof argnums === 'number' ? [argnums] : [...argnums]).map((a) => (a < 0 ? a + args.length : a));
  for (const a of nums) if (a < 0 || a >= args.length) throw new RangeError(`${who}: argnums ${a} is out of range for ${args.length} arguments`);
  const diff = args.flatMap((arg, i) => flatten(arg)[0].map(() => nums.includes(i)));
  return { diff, nums };
}

/** `valueAndGrad(f)(...args)` -> `[value, grads]` (`[[value, aux], grads]` with hasAux). */
export function valueAndGrad<A extends unknown[], R, const N extends number = 0>(f: (...args: A) => R, opts?: GradOpts<N, false>): (...args: Args<A>) => [ArrayTree<R>, ArrayTree<A[N]>];
export function valueAndGrad<A extends unknown[], R, const N extends readonly number[]>(f: (...args: A) => R, opts: GradOpts<N, false> & { argnums: N }): (...args: Args<A>) => [ArrayTree<R>, GradsAt<A, N>];
export function valueAndGrad<A extends unknown[], R, Aux, const N extends number = 0>(f: (...args: A) => readonly [R, Aux], opts: GradOpts<N, true>): (...args: Args<A>) => [[ArrayTree<R>, ArrayTree<Aux>], ArrayTree<A[N]>];
export function valueAndGrad<A extends unknown[], R, Aux, const N extends readonly number[]>(f: (...args: A) => readonly [R, Aux], opts: GradOpts<N, true> & { argnums: N }): (...args: Args<A>) => [[ArrayTree<R>, ArrayTree<Aux>], GradsAt<A, N>];
export function valueAndGrad(f: Fn, opts?: GradOptions): (...args: unknown[]) => [unknown, unknown];
export function valueAndGrad(f: (...args: any[]) => any, opts: GradOptions = {}): (...args: any[]) => any {
  return valueAndGradAs('valueAndGrad', f, opts);
}

/** valueAndGrad, with errors naming the transform the user called. */
function valueAndGradAs(who: string, f: Fn, opts: GradOptions): (...args: unknown[]) => [unknown, unknown] {
  checkFn(who, f);
  // JAX spells grad(f, argnums) positionally; here the options carry it
  if (typeof opts !== 'object' || opts === null || globalThis.Array.isArray(opts)) {
    throw new TypeError(`${who}: the second argument is the options object { argnums, hasAux }, got ${globalThis.Array.isArray(opts) ? `the array [${opts.join(', ')}]` : String(opts)}; write ${who}(f, { argnums: ${globalThis.Array.isArray(opts) ? `[${opts.join(', ')}]` : String(opts)} })`);
  }
  return (...given: unknown[]) => {
    const { diff, nums } = argnumsMask(who, given, opts.argnums ?? 0);
    const args = given.map((a, i) => (nums.includes(i) ? floatNumbers(a) : a));
    const { xs, inTree } = userArgs(who, args);
    checkDiffInputs(who, xs, diff, !!opts.allowInt);
    const b = buildVjp(who, f, xs, inTree, !!opts.hasAux, diff, { argnums: nums, aux: !!opts.hasAux });
    const p = b.program;
    if (p.outAvals.length !== 1 || p.outAvals[0].shape.length !== 0 || !isFloat(p.outAvals[0].dtype)) {
      throw new TypeError(`${who}: the function must return a real scalar, got ${p.outAvals.map(avalStr).join(', ') || 'nothing'}; for vector outputs use jacrev or vjp`);
    }
    const [outs, res] = runPrimal(p, xs, b.jaxprOuts, knownTangents(p, b.jaxprOuts));
    const one = lit(1, p.outAvals[0]);
    const xcts = p.outLinear[0] ? runStaged(p.backward, [...res, one]) : p.backward.jaxpr.outputs.map((o) => zerosOf(o.aval));
    const all = fillZeros(xs, p.diff, xcts, diff);
    // Gradients keep the structure of the differentiated arguments.
    const perArg = unflatten<unknown[]>(inTree, all);
    const grads = typeof opts.argnums === 'object' ? nums.map((i) => perArg[i]) : perArg[nums[0]];
    const value = outs[0];
    return [opts.hasAux ? [value, unflatten(b.auxTree!, outs.slice(b.nOut))] : value, grads];
  };
}

/** `grad(f, { argnums, hasAux, allowInt })`: the gradient of a real scalar function. */
export function grad<A extends unknown[], const N extends number = 0>(f: (...args: A) => unknown, opts?: GradOpts<N, false>): (...args: Args<A>) => ArrayTree<A[N]>;
export function grad<A extends unknown[], const N extends readonly number[]>(f: (...args: A) => unknown, opts: GradOpts<N, false> & { argnums: N }): (...args: Args<A>) => GradsAt<A, N>;
export function grad<A extends unknown[], Aux, const N extends number = 0>(f: (...args: A) => readonly [unknown, Aux], opts: GradOpts<N, true>): (...args: Args<A>) => [ArrayTree<A[N]>, ArrayTree<Aux>];
export function grad<A extends unknown[], Aux, const N extends readonly number[]>(f: (...args: A) => readonly [unknown, Aux], opts: GradOpts<N, true> & { argnums: N }): (...args: Args<A>) => [GradsAt<A, N>, ArrayTree<Aux>];
export function grad(f: Fn, opts?: GradOptions): (...args: unknown[]) => unknown;
export function grad(f: (...args: any[]) => any, opts: GradOptions = {}): (...args: any[]) => any {
  const vg = valueAndGradAs('grad', f, opts);
  return (...args: unknown[]) => {
    const [value, g] = vg(...args);
    return opts.hasAux ? [g, (value as unknown[])[1]] : g;
  };
}

interface LinearizeProgram {
  /** The linear part: [residuals..., tangents...] -> the unknown tangent outputs */
  lin: Staged;
  nKnownOuts: number;
  tangentUnknown: boolean[];
}

/** Traces, differentiates and splits `f` once per signature (a repeated call traces nothing). */
function linearizeProgram(f: Parameters<typeof linearize>[0], xs: Array[], inTree: TreeDef) {
  // `staged` is the known part: [consts..., xs...] -> [outputs..., known tangent outputs..., residuals...]
  return cached<LinearizeProgram>(f, 'linearize', xs, inTree, null, () => {
    const u = traceUser('linearize', f, xs, inTree, false);
    const jv = jvpJaxpr(u.jaxpr, u.consts, xs.map(() => true));
    const nKnown = jv.jaxpr.consts.length + u.jaxpr.consts.length + xs.length;
    const split = partialEval(jv.jaxpr, [...jv.jaxpr.consts, ...jv.jaxpr.inputs].map((_, i) => i >= nKnown));
    return {
      staged: { jaxpr: split.known, consts: [], pre: [...jv.consts, ...jv.pre], outWeak: u.outWeak },
      lin: { jaxpr: split.unknown, consts: [], pre: [], outWeak: u.outWeak.filter((_, i) => split.outUnknown[u.jaxpr.outputs.length + i]) },
      nKnownOuts: split.outUnknown.filter((x) => !x).length,
      tangentUnknown: split.outUnknown.slice(u.jaxpr.outputs.length),
      outTree: u.outTree, nOut: u.nOut, valueDependent: u.valueDependent,
    };
  });
}

/** `linearize(f, primals)` -> `[out, jvpFn]`; `jvpFn(...tangents)` reuses the linearization. */
export function linearize<A extends unknown[], R>(f: (...args: A) => R, primals: Primals<A>): [ArrayTree<R>, (...tangents: Args<A>) => ArrayTree<R>];
export function linearize(f: Fn, primals: unknown): [unknown, (...tangents: unknown[]) => unknown];
export function linearize(f: (...args: any[]) => any, primals: unknown): [any, (...tangents: unknown[]) => any] {
  checkFn('linearize', f);
  const args = floatNumbers(asArgList(primals));
  const { xs, inTree } = userArgs('linearize', args);
  const p = linearizeProgram(f, xs, inTree);
  const known = runStaged(p.staged, xs);
  const out = unflatten(p.outTree, known.slice(0, p.nOut));
  const knownTangentOuts = known.slice(p.nOut, p.nKnownOuts);
  const res = known.slice(p.nKnownOuts);
  const jvpFn = (...tangents: unknown[]) => {
    const [tLeaves, tTree] = flatten(tangents);
    // a JS-number tangent takes its primal's dtype, as in jvp
    const ts = tLeaves.map((t, i) => (typeof t === 'number' && i < xs.length ? asArray(t, xs[i].dtype) : toArray('linearize jvpFn', t, i)));
    if (ts.length !== xs.length) throw new TypeError(`linearize jvpFn: expected ${xs.length} tangent leaves, got ${ts.length}`);
    if (treedefStr(tTree) !== treedefStr(inTree)) {
      throw new TypeError(`linearize jvpFn: the tangents have structure ${treedefStr(tTree)} but the primals have ${treedefStr(inTree)}`);
    }
    ts.forEach((t, i) => {
      if (t.aval.shape.join() !== xs[i].aval.shape.join() || t.dtype !== xs[i].dtype) {
        throw new TypeError(`linearize jvpFn: tangent ${i} is ${avalStr(t.aval)} but its primal is ${avalStr(xs[i].aval)}`);
      }
    });
    const lin = runStaged(p.lin, [...res, ...ts]);
    let a = 0;
    let b = 0;
    const touts = p.tangentUnknown.map((isU) => (isU ? lin[a++] : knownTangentOuts[b++]));
    return unflatten(p.outTree, touts);
  };
  return [out, jvpFn];
}

/** The transpose of a linear function at `primals`: `linearTranspose(f, primals)(ct)` -> an array. */
export function linearTranspose<A extends unknown[], R>(f: (...args: A) => R, primals: Primals<A>): (ct: ArrayTree<R>) => ArrayTree<A>;
export function linearTranspose(f: Fn, primals: unknown): (ct: unknown) => unknown[];
export function linearTranspose(f: (...args: any[]) => any, primals: unknown): (ct: unknown) => unknown[] {
  const args = asArgList(primals);
  const [, vjpFn] = vjp(f, args);
  return (ct: unknown) => vjpFn(ct) as unknown[];
}

