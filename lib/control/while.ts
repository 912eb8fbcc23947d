/**
 * while: repeats a body Jaxpr while a cond Jaxpr holds. Forward mode carries tangents through the
 * loop; reverse mode is refused (the trip count is unknown in advance: use lax.scan). Under vmap a
 * batched predicate runs until every example is done, freezing finished ones with a select.
 */
import type { Array } from '../core/array.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Jaxpr, avalEq } from '../core/ir.js';
import { type Tangent, Zero } from '../core/rules.js';
import { bind, bind1, evalJaxpr } from '../core/trace.js';
import { fail, fmt, ok } from '../primitives/util.js';
import { instantiate, isZero } from '../primitives/ad-util.js';
import { batchFirst } from '../primitives/batching.js';
import { Select } from '../primitives/binary.js';
import { ReduceMax } from '../primitives/reduce.js';
import { BroadcastInDim } from '../primitives/shape.js';
import { jvpEval } from '../transforms/jvp.js';
import { vmapEval } from '../transforms/vmap.js';
import { type Closed, closedTrace } from '../transforms/sub.js';

export interface WhileParams {
  readonly [k: string]: unknown;
  /** [condConsts, carry] -> bool scalar */
  readonly cond: Jaxpr;
  /** [bodyConsts, carry] -> carry */
  readonly body: Jaxpr;
  readonly nCondConsts: number;
  readonly nBodyConsts: number;
}

/** Binds while; values the traced cond/body captured become extra consts. */
export function bindWhile(c: Closed, b: Closed, condConsts: readonly Array[], bodyConsts: readonly Array[], carry: readonly Array[]): Array[] {
  return bind(While, [...c.consts, ...condConsts, ...b.consts, ...bodyConsts, ...carry], {
    cond: c.jaxpr, body: b.jaxpr, nCondConsts: c.consts.length + condConsts.length, nBodyConsts: b.consts.length + bodyConsts.length,
  });
}

function parts(ins: readonly Array[], p: WhileParams) {
  const cc = ins.slice(0, p.nCondConsts);
  const bc = ins.slice(p.nCondConsts, p.nCondConsts + p.nBodyConsts);
  return [cc, bc, ins.slice(p.nCondConsts + p.nBodyConsts)] as const;
}

export const While: Primitive<WhileParams> = definePrimitive<WhileParams>({
  name: 'while',
  abstractEval: (ins, { cond, body, nCondConsts, nBodyConsts }) => {
    const carry = ins.slice(nCondConsts + nBodyConsts);
    const cIn = cond.inputs.map((v) => v.aval);
    const bIn = body.inputs.map((v) => v.aval);
    const wantC = [...ins.slice(0, nCondConsts), ...carry];
    const wantB = [...ins.slice(nCondConsts, nCondConsts + nBodyConsts), ...carry];
    if (cIn.length !== wantC.length || cIn.some((a, i) => !avalEq(a, wantC[i]))) return fail(`while: cond takes (${fmt(cIn)}), given (${fmt(wantC)})`);
    if (bIn.length !== wantB.length || bIn.some((a, i) => !avalEq(a, wantB[i]))) return fail(`while: body takes (${fmt(bIn)}), given (${fmt(wantB)})`);
    const co = cond.outAvals;
    if (co.length !== 1 || co[0].dtype !== 'bool' || co[0].shape.length !== 0) return fail(`while: cond must return a bool scalar, got (${fmt(co)})`);
    const bo = body.outAvals;
    if (bo.length !== carry.length || bo.some((a, i) => !avalEq(a, carry[i]))) {
      return fail(`while: the body returns (${fmt(bo)}) but the carry is (${fmt(carry)}); the carry must keep its shapes and dtypes`);
    }
    return ok(...carry);
  },

  // Tangents ride along as extra carries; a carry whose tangent becomes nonzero stays nonzero.
  jvp: (ins, tans, p) => {
    const [cc, bc, carry] = parts(ins, p);
    const nb = p.nBodyConsts;
    const off = p.nCondConsts;
    const nzB = tans.slice(off, off + nb).map((t) => !isZero(t));
    const nzK = tans.slice(off + nb).map((t) => !isZero(t));
    for (;;) {
      let out: boolean[] = [];
      closedTrace((...zs) => {
        const ts = [...bc.map((v, i) => (nzB[i] ? zs[i] : new Zero(v.aval))), ...carry.map((v, i) => (nzK[i] ? zs[nb + i] : new Zero(v.aval)))];
        const [o, to] = jvpEval(p.body, [], zs, ts);
        out = to.map((t) => !isZero(t));
        return o;
      }, p.body.inputs.map((v) => v.aval), 'jvp of a while body');
      const grow = out.map((o, i) => o && !nzK[i]);
      if (!grow.some(Boolean)) break;
      grow.forEach((g, i) => g && (nzK[i] = true));
    }
    const dB = bc.map((_, i) => tans[off + i]).filter((_, i) => nzB[i]).map(instantiate);
    const dK = carry.map((_, i) => tans[off + nb + i]).filter((_, i) => nzK[i]).map(instantiate);
    const nK = carry.length;
    const cj = closedTrace((...zs) => evalJaxpr(p.cond, [], zs.slice(0, cc.length + nK)),
      [...cc, ...carry, ...dK].map((v) => v.aval), 'jvp of a while cond');
    const bj = closedTrace((...zs) => {
      const b = zs.slice(0, bc.length);
      const db = zs.slice(bc.length, bc.length + dB.length);
      const k = zs.slice(bc.length + dB.length, bc.length + dB.length + nK);
      const dk = zs.slice(bc.length + dB.length + nK);
      let q = 0;
      let r = 0;
      const ts: Tangent[] = [...b.map((v, i) => (nzB[i] ? db[q++] : new Zero(v.aval))), ...k.map((v, i) => (nzK[i] ? dk[r++] : new Zero(v.aval)))];
      const [o, to] = jvpEval(p.body, [], [...b, ...k], ts);
      return [...o, ...to.filter((_, i) => nzK[i]).map(instantiate)];
    }, [...bc, ...dB, ...carry, ...dK].map((v) => v.aval), 'jvp of a while body');
    const res = bindWhile(cj, bj, cc, [...bc, ...dB], [...carry, ...dK]);
    let q = 0;
    return [res.slice(0, nK), res.slice(0, nK).map((v, i) => (nzK[i] ? res[nK + q++] : new Zero(v.aval)))];
  },

  partialEval: () => {
    throw new TypeError('Reverse-mode differentiation does not work for lax.whileLoop: its trip count is only known at run time. Use lax.scan (or lax.foriLoop with static bounds, which lowers to scan); forward mode (jvp, jacfwd) does work.');
  },

  vmap: (ins, dims, p, size) => {
    const [cc, bc, carry] = parts(ins, p);
    const nc = cc.length;
    const nb = bc.length;
    const dC = dims.slice(0, nc);
    const dB = dims.slice(nc, nc + nb);
    const flags = dims.slice(nc + nb).map((d) => d !== null);
    // Fixpoint over which carries are batched (through the body and the predicate).
    let predB = false;
    for (;;) {
      let bOut: boolean[] = [];
      closedTrace((...zs) => {
        const [o, od] = vmapEval(p.body, [], zs, [...dB.map((d) => (d === null ? null : 0)), ...flags.map((f) => (f ? 0 : null))], size);
        bOut = od.map((d) => d !== null);
        return o;
      }, [...bc.map((v, i) => (dB[i] === null ? v.aval : batchFirst(v, dB[i], size).aval)), ...carry.map((v, i) => (flags[i] ? batchFirst(v, dims[nc + nb + i], size).aval : v.aval))], 'vmap of a while body');
      closedTrace((...zs) => {
        const [o, od] = vmapEval(p.cond, [], zs, [...dC.map((d) => (d === null ? null : 0)), ...flags.map((f) => (f ? 0 : null))], size);
        predB = od[0] !== null;
        return o;
      }, [...cc.map((v, i) => (dC[i] === null ? v.aval : batchFirst(v, dC[i], size).aval)), ...carry.map((v, i) => (flags[i] ? batchFirst(v, dims[nc + nb + i], size).aval : v.aval))], 'vmap of a while cond');
      const grow = bOut.map((b, i) => (b || predB) && !flags[i]);
      if (!grow.some(Boolean)) break;
      grow.forEach((g, i) => g && (flags[i] = true));
    }
    const cc2 = cc.map((v, i) => (dC[i] === null ? v : batchFirst(v, dC[i], size)));
    const bc2 = bc.map((v, i) => (dB[i] === null ? v : batchFirst(v, dB[i], size)));
    const k2 = carry.map((v, i) => (flags[i] ? batchFirst(v, dims[nc + nb + i], size) : v));
    const cDims = [...dC.map((d) => (d === null ? null : 0)), ...flags.map((f) => (f ? 0 : null))];
    const bDims = [...dB.map((d) => (d === null ? null : 0)), ...flags.map((f) => (f ? 0 : null))];
    const predOf = (zs: Array[]) => { const [o, od] = vmapEval(p.cond, [], zs, cDims, size); return [o[0], od[0]] as const; };
    // Loop while any example's predicate holds.
    const cj = closedTrace((...zs) => {
      const [pr, d] = predOf(zs);
      return [d === null ? pr : bind1(ReduceMax, [pr], { axes: [0] })];
    }, [...cc2, ...k2].map((v) => v.aval), 'vmap of a while cond');
    const bj = closedTrace((...zs) => {
      const bconsts = zs.slice(cc2.length, cc2.length + nb);
      const k = zs.slice(cc2.length + nb);
      const [o, od] = vmapEval(p.body, [], [...bconsts, ...k], bDims, size);
      const next = o.map((v, i) => (flags[i] ? batchFirst(v, od[i], size) : v));
      if (!predB) return next;
      // Finished examples keep their carry.
      const [pr, d] = predOf([...zs.slice(0, cc2.length), ...k]);
      const pb = batchFirst(pr, d, size);
      return next.map((v, i) => bind1(Select, [bind1(BroadcastInDim, [pb], { shape: [...v.aval.shape], broadcastDimensions: [0] }), v, k[i]]));
    }, [...cc2, ...bc2, ...k2].map((v) => v.aval), 'vmap of a while body');
    // The body also reads the cond consts (for the freeze), so they are passed as body consts.
    const res = bindWhile(cj, bj, cc2, [...cc2, ...bc2], k2);
    return [res, flags.map((f) => (f ? 0 : null))];
  },
});
