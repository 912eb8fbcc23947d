/**
 * Primitives that change how derivatives flow: stop_gradient, custom_jvp_call (the user's jvp
 * rule replaces differentiation of the function), custom_vjp_call (fwd/bwd), and custom_lin, the
 * linear map whose transpose is the user's bwd. All evaluate the function's own Jaxpr.
 */
import type { Array } from '../core/array.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Jaxpr, avalEq } from '../core/ir.js';
import { LinearIn } from '../core/rules.js';
import { bind, bind1, evalJaxpr } from '../core/trace.js';
import { cut, fail, fmt, ok } from './util.js';
import { instantiate, isZero, zero } from './ad-util.js';
import { batchFirst, moveAxis } from './batching.js';
import { transposeEval } from '../transforms/transpose.js';
import { vmapEval } from '../transforms/vmap.js';
import { closedTrace, vmapClosed } from '../transforms/sub.js';

/** Identity on values; its tangent is zero, so no derivative flows through it. */
export const StopGradient: Primitive = definePrimitive({
  name: 'stop_gradient',
  abstractEval: ([x]) => ok(x),
  jvp: ([x]) => {
    const out = bind1(StopGradient, [x]);
    return [[out], [zero(out.aval)]];
  },
  vmap: ([x], [d]) => [[bind1(StopGradient, [x])], [d]],
});

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
    return transposeEval(p.bwd, mask, ins.slice(0, k), ins.slice(k)).map(instantiate);
  },
});

