/**
 * Functions whose derivatives the user gives, and the primitives holding them: custom_jvp_call (the
 * user's jvp rule replaces differentiation of the function), custom_vjp_call (fwd/bwd), and
 * custom_lin, the linear map whose transpose is the user's bwd. All evaluate the function's own
 * Jaxpr. The function and its rules are traced into Jaxprs held by the primitive, so they compose
 * with every transform.
 */
import type { Array } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Aval, type Jaxpr, avalEq, avalStr } from '../core/ir.js';
import { type TreeDef, flatten, treedefStr, unflatten } from '../core/pytree.js';
import { LinearIn } from '../core/rules.js';
import { bind, evalJaxpr } from '../core/trace.js';
import { cut, fail, fmt, ok } from '../primitives/util.js';
import { instantiate, isZero, zero, zerosOf } from '../primitives/ad-util.js';
import { convert } from '../primitives/convert.js';
import { batchFirst, moveAxis } from '../primitives/batching.js';
import { transposeEval } from '../transforms/transpose.js';
import { vmapEval } from '../transforms/vmap.js';
import { closedTrace, vmapClosed } from '../transforms/sub.js';
import { flattenArrays, toArray } from '../transforms/staging.js';
import type { Fn } from '../core/tree-types.js';

const closureError = (who: string) =>
  new TypeError(`${who}: the function closes over a value that is being differentiated; custom rules only see explicit arguments, so pass that value as an argument (or wrap it in stopGradient if no derivative is wanted)`);

// ---- custom_jvp_call: inputs [funConsts, jvpConsts, xs] ----

export interface CustomJvpParams {
  readonly [k: string]: unknown;
  /** [funConsts, xs] -> outs */
  readonly fun: Jaxpr;
  /** [jvpConsts, xs, tangents] -> [outs, tangent outs] */
  readonly jvp: Jaxpr;
  readonly nFunConsts: number;
  readonly nJvpConsts: number;
}

export const CustomJvpCall: Primitive<CustomJvpParams> = definePrimitive<CustomJvpParams>({
  name: 'custom_jvp_call',
  abstractEval: (ins, { fun, nFunConsts, nJvpConsts }) => {
    const want = [...ins.slice(0, nFunConsts), ...ins.slice(nFunConsts + nJvpConsts)];
    const got = fun.inputs.map((v) => v.aval);
    if (want.length !== got.length || want.some((a, i) => !avalEq(a, got[i]))) return fail(`custom_jvp_call: function takes (${fmt(got)}), given (${fmt(want)})`);
    return ok(...fun.outAvals);
  },
  jvp: (ins, tans, p) => {
    const nc = p.nFunConsts + p.nJvpConsts;
    if (tans.slice(0, p.nFunConsts).some((t) => !isZero(t))) throw closureError('customJvp');
    const xs = ins.slice(nc);
    const r = evalJaxpr(p.jvp, [], [...ins.slice(p.nFunConsts, nc), ...xs, ...tans.slice(nc).map(instantiate)]);
    const n = p.fun.outputs.length;
    return [r.slice(0, n), r.slice(n)];
  },
  vmap: (ins, dims, p, size) => {
    const nf = p.nFunConsts;
    const nc = nf + p.nJvpConsts;
    const fc = [...ins.slice(0, nf), ...ins.slice(nc)];
    const f = vmapClosed(p.fun, fc, [...dims.slice(0, nf), ...dims.slice(nc)], size, 'custom_jvp function');
    const jIns = [...ins.slice(nf, nc), ...ins.slice(nc), ...ins.slice(nc)];
    const jDims = [...dims.slice(nf, nc), ...dims.slice(nc), ...dims.slice(nc)];
    const j = vmapClosed(p.jvp, jIns, jDims, size, 'custom_jvp rule');
    const xs = f.moved.slice(nf);
    const outs = bind(CustomJvpCall, [...f.closed.consts, ...f.moved.slice(0, nf), ...j.closed.consts, ...j.moved.slice(0, nc - nf), ...xs], {
      fun: f.closed.jaxpr, jvp: j.closed.jaxpr,
      nFunConsts: f.closed.consts.length + nf, nJvpConsts: j.closed.consts.length + nc - nf,
    });
    return [outs, outs.map(() => 0)];
  },
  decompose: (ins, p) => evalJaxpr(p.fun, [], [...ins.slice(0, p.nFunConsts), ...ins.slice(p.nFunConsts + p.nJvpConsts)]),
});

// ---- custom_vjp_call: inputs [funConsts, fwdConsts, bwdConsts, xs] ----

export interface CustomVjpParams {
  readonly [k: string]: unknown;
  /** [funConsts, xs] -> outs */
  readonly fun: Jaxpr;
  /** [fwdConsts, xs] -> [outs, residuals] */
  readonly fwd: Jaxpr;
  /** [bwdConsts, residuals, cts] -> one cotangent per x */
  readonly bwd: Jaxpr;
  readonly nFunConsts: number;
  readonly nFwdConsts: number;
  readonly nBwdConsts: number;
}

function vjpParts<T>(ins: readonly T[], p: CustomVjpParams) {
  const [fc, wc, bc, xs] = cut(ins, [p.nFunConsts, p.nFwdConsts, p.nBwdConsts]);
  return { fc, wc, bc, xs };
}

export const CustomVjpCall: Primitive<CustomVjpParams> = definePrimitive<CustomVjpParams>({
  name: 'custom_vjp_call',
  abstractEval: (ins, p) => {
    const { fc, xs } = vjpParts(ins, p);
    const want = [...fc, ...xs];
    const got = p.fun.inputs.map((v) => v.aval);
    if (want.length !== got.length || want.some((a, i) => !avalEq(a, got[i]))) return fail(`custom_vjp_call: function takes (${fmt(got)}), given (${fmt(want)})`);
    return ok(...p.fun.outAvals);
  },
  // The primal comes from fwd (for its residuals); the tangent map is custom_lin, whose
  // transpose is bwd.
  jvp: (ins, tans, p) => {
    const { wc, bc, xs } = vjpParts(ins, p);
    const nc = ins.length - xs.length;
    if (tans.slice(0, p.nFunConsts + p.nFwdConsts).some((t) => !isZero(t))) throw closureError('customVjp');
    const r = evalJaxpr(p.fwd, [], [...wc, ...xs]);
    const n = p.fun.outputs.length;
    const outs = r.slice(0, n);
    const res = r.slice(n);
    const ts = tans.slice(nc);
    if (ts.every(isZero)) return [outs, outs.map((o) => zero(o.aval))];
    const touts = bind(CustomLin, [...bc, ...res, ...ts.map(instantiate)], { bwd: p.bwd, nBwdConsts: bc.length, nRes: res.length, outAvals: p.fun.outAvals });
    return [outs, touts];
  },
  vmap: (ins, dims, p, size) => {
    const { fc, wc, bc, xs } = vjpParts(ins, p);
    const d = vjpParts(dims, p);
    const f = vmapClosed(p.fun, [...fc, ...xs], [...d.fc, ...d.xs], size, 'customVjp function');
    const w = vmapClosed(p.fwd, [...wc, ...xs], [...d.wc, ...d.xs], size, 'customVjp fwd');
    // Residuals and cotangents come out of the batched fwd/outputs with their batch axis first.
    const resAvals = p.fwd.outputs.slice(p.fun.outputs.length).map((o) => o.aval);
    const bIns = [...bc, ...resAvals.map((a) => zeroLike(a, size)), ...p.fun.outAvals.map((a) => zeroLike(a, size))];
    const b = vmapClosed(p.bwd, bIns, [...d.bc, ...resAvals.map(() => 0), ...p.fun.outAvals.map(() => 0)], size, 'customVjp bwd');
    const xsM = f.moved.slice(fc.length);
    const outs = bind(CustomVjpCall, [
      ...f.closed.consts, ...f.moved.slice(0, fc.length),
      ...w.closed.consts, ...w.moved.slice(0, wc.length),
      ...b.closed.consts, ...b.moved.slice(0, bc.length),
      ...xsM,
    ], {
      fun: f.closed.jaxpr, fwd: w.closed.jaxpr, bwd: b.closed.jaxpr,
      nFunConsts: f.closed.consts.length + fc.length, nFwdConsts: w.closed.consts.length + wc.length, nBwdConsts: b.closed.consts.length + bc.length,
    });
    return [outs, outs.map(() => 0)];
  },
  decompose: (ins, p) => {
    const { fc, xs } = vjpParts(ins, p);
    return evalJaxpr(p.fun, [], [...fc, ...xs]);
  },
});

/** A placeholder batched value of aval `a` (only its aval matters when tracing a rule). */
function zeroLike(a: { shape: readonly number[]; dtype: Array['dtype'] }, size: number): Array {
  return { aval: { shape: [size, ...a.shape], dtype: a.dtype } } as unknown as Array;
}

// ---- custom_lin: inputs [bwdConsts, residuals, tangents] ----

export interface CustomLinParams {
  readonly [k: string]: unknown;
  readonly bwd: Jaxpr;
  readonly nBwdConsts: number;
  readonly nRes: number;
  readonly outAvals: readonly { shape: readonly number[]; dtype: Array['dtype'] }[];
}

/** The linear map t -> J·t of a customVjp function, defined as the transpose of its bwd. */
export const CustomLin: Primitive<CustomLinParams> = definePrimitive<CustomLinParams>({
  name: 'custom_lin',
  abstractEval: (_ins, { outAvals }) => ok(...outAvals.map((a) => ({ shape: a.shape, dtype: a.dtype }))),
  // Reverse mode: the cotangent map is the user's bwd, exactly.
  transpose: (cts, ins, p) => {
    const k = p.nBwdConsts + p.nRes;
    if (ins.slice(0, k).some((v) => v instanceof LinearIn)) throw new TypeError('transpose: customVjp residuals cannot be linear');
    const r = evalJaxpr(p.bwd, [], [...(ins.slice(0, k) as Array[]), ...cts.map(instantiate)]);
    return [...ins.slice(0, k).map(() => null), ...r];
  },
  // Forward mode (beyond JAX): bwd is linear in the cotangent, so J·t is its transpose applied to t.
  jvp: (ins, tans, p) => {
    const k = p.nBwdConsts + p.nRes;
    if (tans.slice(0, k).some((t) => !isZero(t))) {
      throw new TypeError('customVjp: a second forward-mode derivative through the residuals of a customVjp function is not supported; use reverse mode (grad of grad) instead');
    }
    const outs = bind(CustomLin, ins, p);
    const touts = bind(CustomLin, [...ins.slice(0, k), ...tans.slice(k).map(instantiate)], p);
    return [outs, touts];
  },
  vmap: (ins, dims, p, size) => {
    const moved = ins.map((x, i) => (dims[i] === null ? x : moveAxis(x, dims[i]!, 0)));
    const d0 = dims.map((d) => (d === null ? null : 0));
    const k = p.nBwdConsts + p.nRes;
    const b = closedTrace((...zs) => {
      const [o, od] = vmapEval(p.bwd, [], zs, [...d0.slice(0, k), ...p.outAvals.map(() => 0)], size);
      return o.map((v, i) => batchFirst(v, od[i], size));
    }, [...moved.slice(0, k).map((x) => x.aval), ...p.outAvals.map((a) => ({ shape: [size, ...a.shape], dtype: a.dtype }))], 'vmap of a customVjp bwd');
    const tans = moved.slice(k).map((t, i) => (d0[k + i] === null ? batchFirst(t, null, size) : t));
    const outs = bind(CustomLin, [...b.consts, ...moved.slice(0, k), ...tans], {
      bwd: b.jaxpr, nBwdConsts: b.consts.length + p.nBwdConsts, nRes: p.nRes, outAvals: p.outAvals.map((a) => ({ shape: [size, ...a.shape], dtype: a.dtype })),
    });
    return [outs, outs.map(() => 0)];
  },
  decompose: (ins, p) => {
    const k = p.nBwdConsts + p.nRes;
    const mask = p.bwd.inputs.map((_, i) => i >= k);
    try {
      return transposeEval(p.bwd, mask, ins.slice(0, k), ins.slice(k)).map(instantiate);
    } catch (e) {
      if (!(e instanceof TypeError) || !/^transpose:/.test(e.message)) throw e;
      throw new TypeError(`customVjp: forward mode (jvp, jacfwd, hessian) of a customVjp function runs its bwd transposed, so bwd must be linear in the cotangent ct, and this one is not (${e.message}). Give the function a customJvp rule for forward mode, or differentiate it in reverse mode (grad, vjp, jacrev)`);
    }
  },
});

// ---- the function-level API ----

// A user function or rule (Fn): called here with arrays and pytrees, whatever its declared
// parameter types (every function type is assignable to it).
const call = (f: Fn, args: readonly unknown[]): unknown => (f as (...a: readonly unknown[]) => unknown)(...args);

const describeValue = (v: unknown): string => (v === null ? 'null'
  : globalThis.Array.isArray(v) ? `a list of ${v.length}` : typeof v === 'object' ? `an object (${v.constructor?.name ?? 'Object'})` : typeof v);

/** How messages name the user's function: its own name when it has one. */
const fnName = (f: Fn): string => (f.name && f.name !== 'anonymous' ? f.name : 'f');

/** Splits arguments into the static (nondiff) ones and the rest, and rebuilds the full list. */
function splitArgs(who: string, args: unknown[], nondiff?: readonly number[]) {
  const nd = checkNondiff(who, nondiff, args.length);
  const ndVals = nd.map((i) => args[i]);
  const diff = args.filter((_, i) => !nd.includes(i));
  const diffPos = args.map((_, i) => i).filter((i) => !nd.includes(i));
  const rebuild = (d: unknown[]): unknown[] => {
    let k = 0;
    return args.map((a, i) => (nd.includes(i) ? a : d[k++]));
  };
  return { ndVals, diff, diffPos, rebuild };
}


/**
 * Leaves of a user rule's output `tree`, which must have `likeTree`'s structure and exactly the
 * avals `like` (JAX's check): a broadcast or a cast here would silently change the derivative. Only
 * a weakly typed leaf (a JS number) of the right shape takes the dtype it stands for.
 */
export function ruleLeaves(who: string, what: string, tree: unknown, likeTree: TreeDef, like: readonly Aval[], fix: string): Array[] {
  const [ls, t] = flatten(tree);
  if (treedefStr(t) !== treedefStr(likeTree)) throw new TypeError(`${who}: ${what} has structure ${treedefStr(t)} but must have structure ${treedefStr(likeTree)}; ${fix}`);
  return ls.map((l, i) => {
    const a = like[i];
    const x = toArray(who, l, i);
    const sameShape = x.shape.length === a.shape.length && x.shape.every((d, k) => d === a.shape[k]);
    if (sameShape && x.dtype === a.dtype) return x;
    if (sameShape && x.weakType && (isFloat(a.dtype) || !isFloat(x.dtype))) return convert(x, a.dtype);
    throw new TypeError(`${who}: ${what} leaf ${i} is ${avalStr(x.aval)} but must be ${avalStr(a)} (nothing is broadcast or cast); ${fix}`);
  });
}

/** Checks nondiffArgnums: distinct integer positions (negative from the end) among the call's `n` arguments. */
function checkNondiff(who: string, nondiff: readonly number[] | undefined, n: number): number[] {
  if (nondiff === undefined) return [];
  if (!globalThis.Array.isArray(nondiff)) throw new TypeError(`${who}: nondiffArgnums must be an array of argument positions, got ${typeof nondiff}`);
  const nd = nondiff.map((i) => {
    if (!Number.isInteger(i)) throw new TypeError(`${who}: nondiffArgnums must hold integer argument positions, got ${String(i)}`);
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) throw new RangeError(`${who}: nondiffArgnums ${i} is out of range for a call with ${n} argument${n === 1 ? '' : 's'}; pass that argument, or drop ${i} from nondiffArgnums`);
    return j;
  });
  if (new Set(nd).size !== nd.length) throw new TypeError(`${who}: nondiffArgnums [${nondiff.join(', ')}] names an argument twice (for ${n} arguments); list each position once`);
  return nd;
}

/** Options of `customJvp` (JAX's `custom_jvp` with its `defjvp` rule). */
export interface CustomJvpOptions {
  /** `jvp(...nondiffArgs, primals, tangents) -> [out, tangentOut]` (primals/tangents: argument arrays). */
  jvp: Fn;
  /** Positions of arguments that are not differentiated (any JS values: flags, functions); `jvp` gets them first. */
  nondiffArgnums?: readonly number[];
}

/** `customJvp(f, { jvp })`: `f` whose forward (and, by transposition, reverse) derivative is `jvp`. */
export function customJvp<F extends Fn>(f: F, opts: CustomJvpOptions): F {
  if (typeof f !== 'function' || typeof opts?.jvp !== 'function') throw new TypeError('customJvp(f, { jvp }): f and jvp must be functions; jvp(primals, tangents) returns [out, tangentOut]');
  // A rule may call the function itself (`[exp(x), t.mul(exp(x))]`): inside its own rule the
  // function is plain f, so tracing the rule does not trace the rule again forever.
  let inRule = 0;
  const custom = (...args: unknown[]) => {
    if (inRule > 0) return call(f, args);
    const { ndVals, diff, rebuild } = splitArgs('customJvp', args, opts.nondiffArgnums);
    const fname = fnName(f);
    const [xs, inTree] = flattenArrays('customJvp', diff);
    const avals = xs.map((x) => x.aval);
    let outTree: TreeDef | undefined;
    let outs: Array[] = [];
    const fun = closedTrace((...zs) => {
      const [o, t] = flattenArrays('customJvp', call(f, rebuild(unflatten(inTree, zs))));
      outTree = t;
      outs = o;
      return o;
    }, avals, 'inside a customJvp function');
    const rule = closedTrace((...zs) => {
      const ps = unflatten<unknown[]>(inTree, zs.slice(0, xs.length));
      const ts = unflatten<unknown[]>(inTree, zs.slice(xs.length));
      inRule++;
      let r: unknown;
      try { r = call(opts.jvp, [...ndVals, ps, ts]); } finally { inRule--; }
      if (!globalThis.Array.isArray(r) || r.length !== 2) throw new TypeError(`customJvp: the jvp rule of ${fname} must return [out, tangentOut], got ${describeValue(r)}`);
      const outAvals = outs.map((o) => o.aval);
      const o = ruleLeaves('customJvp', 'the rule\'s primal output', r[0], outTree!, outAvals,
        `the jvp rule must return [out, tangentOut] with out equal to ${fname}(...primals): the same structure, shapes and dtypes`);
      const t = ruleLeaves('customJvp', 'the rule\'s tangent output', r[1], outTree!, outAvals,
        `each tangent must have the shape and dtype of ${fname}'s output at its place; broadcast (np.broadcastTo) or cast (astype) inside the rule if that is what you mean`);
      return [...o, ...t];
    }, [...avals, ...avals], 'inside a customJvp rule');
    const res = bind(CustomJvpCall, [...fun.consts, ...rule.consts, ...xs], {
      fun: fun.jaxpr, jvp: rule.jaxpr, nFunConsts: fun.consts.length, nJvpConsts: rule.consts.length,
    });
    return unflatten(outTree!, res);
  };
  return custom as unknown as F;
}

/** Options of `customVjp` (JAX's `custom_vjp` with its `defvjp` rules). */
export interface CustomVjpOptions {
  /** `fwd(...args) -> [out, residuals]` (residuals: any pytree of arrays). */
  fwd: Fn;
  /** `bwd(...nondiffArgs, residuals, ct) -> one cotangent per (differentiable) argument; null = zero`. */
  bwd: Fn;
  /** Positions of arguments that are not differentiated (any JS values: flags, functions); `bwd` gets them first. */
  nondiffArgnums?: readonly number[];
}

/**
 * `customVjp(f, { fwd, bwd })`: `f` whose reverse derivative is `bwd`. Works under vmap and nested
 * grad (when bwd is differentiable); jvp/jacfwd work too, by transposing bwd (linear in ct).
 */
export function customVjp<F extends Fn>(f: F, opts: CustomVjpOptions): F {
  if (typeof f !== 'function' || typeof opts?.fwd !== 'function' || typeof opts?.bwd !== 'function') {
    throw new TypeError('customVjp(f, { fwd, bwd }): fwd(...args) returns [out, residuals]; bwd(residuals, ct) returns one cotangent per argument');
  }
  const custom = (...args: unknown[]) => {
    const { ndVals, diff, diffPos, rebuild } = splitArgs('customVjp', args, opts.nondiffArgnums);
    const fname = fnName(f);
    const [xs, inTree] = flattenArrays('customVjp', diff);
    const avals = xs.map((x) => x.aval);
    let outTree: TreeDef | undefined;
    let outs: Array[] = [];
    const fun = closedTrace((...zs) => {
      const [o, t] = flattenArrays('customVjp', call(f, rebuild(unflatten(inTree, zs))));
      outTree = t;
      outs = o;
      return o;
    }, avals, 'inside a customVjp function');
    let resTree: TreeDef | undefined;
    let nRes = 0;
    const fwd = closedTrace((...zs) => {
      const r = call(opts.fwd, rebuild(unflatten(inTree, zs)));
      if (!globalThis.Array.isArray(r) || r.length !== 2) throw new TypeError(`customVjp: fwd of ${fname} must return [out, residuals], got ${describeValue(r)}`);
      const o = ruleLeaves('customVjp', 'fwd\'s output', r[0], outTree!, outs.map((x) => x.aval),
        `fwd must return [out, residuals] with out equal to ${fname}(...args): the same structure, shapes and dtypes`);
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
      const cts = call(opts.bwd, [...ndVals, res, ct]);
      if (!globalThis.Array.isArray(cts) || cts.length !== nArgs) {
        const got = globalThis.Array.isArray(cts) ? `${cts.length} cotangent${cts.length === 1 ? '' : 's'}` : describeValue(cts);
        const nd = args.length - nArgs;
        const which = nd ? `the differentiable arguments are ${diffPos.join(', ')} (nondiffArgnums ${args.map((_, i) => i).filter((i) => !diffPos.includes(i)).join(', ')} get none); ` : '';
        throw new TypeError(`customVjp: bwd must return an array with one cotangent per differentiable argument (${nArgs}) of ${fname}, got ${got}; ${which}use null for a zero cotangent`);
      }
      let off = 0;
      return cts.flatMap((c, k) => {
        const n = flatten(diff[k])[0].length;
        const like = xs.slice(off, off + n);
        off += n;
        if (c === null || c === undefined) return like.map((x) => zerosOf(x.aval));
        return ruleLeaves('customVjp', `bwd's cotangent for argument ${diffPos[k]}`, c, argTrees[k], like.map((x) => x.aval),
          `bwd must return one cotangent per differentiable argument of ${fname}, with exactly that argument's shape and dtype (null for a zero cotangent)`);
      });
    }, [...resAvals, ...outs.map((o) => o.aval)], 'inside a customVjp bwd');
    const res = bind(CustomVjpCall, [...fun.consts, ...fwd.consts, ...bwd.consts, ...xs], {
      fun: fun.jaxpr, fwd: fwd.jaxpr, bwd: bwd.jaxpr,
      nFunConsts: fun.consts.length, nFwdConsts: fwd.consts.length, nBwdConsts: bwd.consts.length,
    });
    return unflatten(outTree!, res);
  };
  return custom as unknown as F;
}
