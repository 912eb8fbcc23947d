/**
 * Control flow primitives holding sub-Jaxprs. `cond` picks one of its branches by an int32 index;
 * its rules transform every branch (jvp, transpose, partial eval, vmap) so it composes with all
 * transforms. Under vmap a batched index turns into a select over all branches.
 */
import type { Array } from '../core/array.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Eqn, Jaxpr, avalEq, eqn, newVar } from '../core/ir.js';
import { LinearIn, Zero } from '../core/rules.js';
import { bind, bind1, evalJaxpr } from '../core/trace.js';
import { fail, fmt, ok } from '../primitives/util.js';
import { instantiate, isZero, lit, zerosOf } from '../primitives/ad-util.js';
import { batchFirst } from '../primitives/batching.js';
import { Eq, Select } from '../primitives/binary.js';
import { BroadcastInDim } from '../primitives/shape.js';
import { jvpEval } from '../transforms/jvp.js';
import { transposeEval } from '../transforms/transpose.js';
import { partialEval } from '../transforms/partial-eval.js';
import { vmapEval } from '../transforms/vmap.js';
import { closedTrace, pureTrace, unifyBranches } from '../transforms/sub.js';

export interface CondParams { readonly [k: string]: unknown; readonly branches: readonly Jaxpr[] }

const inAvals = (j: Jaxpr) => j.inputs.map((v) => v.aval);

/** Binds cond over closed branches (their consts appended to the operands). */
function bindCond(idx: Array, ops: readonly Array[], branches: ReturnType<typeof closedTrace>[]): Array[] {
  const u = unifyBranches(branches);
  return bind(Cond, [idx, ...ops, ...u.consts], { branches: u.jaxprs });
}

export const Cond: Primitive<CondParams> = definePrimitive<CondParams>({
  name: 'cond',
  abstractEval: ([idx, ...ops], { branches }) => {
    if (!idx || idx.dtype !== 'int32' || idx.shape.length !== 0) return fail(`cond: the branch index must be an int32 scalar, got ${idx ? fmt([idx]) : 'nothing'}`);
    if (!branches.length) return fail('cond: needs at least one branch');
    for (const b of branches) {
      const ins = inAvals(b);
      if (ins.length !== ops.length || ins.some((a, i) => !avalEq(a, ops[i]))) {
        return fail(`cond: a branch takes (${fmt(ins)}) but the operands are (${fmt(ops)})`);
      }
      const outs = b.outAvals;
      const first = branches[0].outAvals;
      if (outs.length !== first.length || outs.some((a, i) => !avalEq(a, first[i]))) {
        return fail(`cond: branches return different types: (${fmt(first)}) vs (${fmt(outs)}); make both branches return the same shapes and dtypes`);
      }
    }
    return ok(...branches[0].outAvals);
  },

  jvp: ([idx, ...ops], [, ...dops], { branches }) => {
    const nz = dops.map((t) => !isZero(t));
    const tans = dops.filter((t): t is Array => !isZero(t));
    const jb = branches.map((b) => closedTrace((...xs) => {
      const ps = xs.slice(0, ops.length);
      let k = ops.length;
      const ts = ops.map((o, i) => (nz[i] ? xs[k++] : new Zero(o.aval)));
      const [outs, touts] = jvpEval(b, [], ps, ts);
      return [...outs, ...touts.map(instantiate)];
    }, [...ops.map((o) => o.aval), ...tans.map((t) => t.aval)], 'jvp of a cond branch'));
    const res = bindCond(idx, [...ops, ...tans], jb);
    const n = branches[0].outputs.length;
    return [res.slice(0, n), res.slice(n)];
  },

  // The index and residual operands are known; cotangents flow back through the chosen branch.
  transpose: (cts, [idx, ...ops], { branches }) => {
    if (idx instanceof LinearIn) throw new TypeError('transpose: the cond index cannot be linear');
    const linear = ops.map((o) => o instanceof LinearIn);
    const vals = ops.filter((o): o is Array => !(o instanceof LinearIn));
    const ctArrays = cts.map(instantiate);
    const tb = branches.map((b) => closedTrace((...xs) => {
      const v = xs.slice(0, vals.length);
      const c = xs.slice(vals.length);
      return transposeEval(b, linear, v, c).map(instantiate);
    }, [...vals.map((v) => v.aval), ...ctArrays.map((c) => c.aval)], 'transpose of a cond branch'));
    const res = bindCond(idx, [...vals, ...ctArrays], tb);
    let k = 0;
    return [null, ...ops.map((_, i) => (linear[i] ? res[k++] : null))];
  },

  partialEval: (e, unknownIns) => {
    const { branches } = e.params;
    if (unknownIns[0]) return { known: [], staged: [e], outUnknown: e.outputs.map(() => true) };
    const opsU = unknownIns.slice(1);
    const outU = branches.map((b) => partialEval(b, opsU).outUnknown).reduce((a, b) => a.map((x, i) => x || b[i]));
    const splits = branches.map((b) => partialEval(b, opsU, outU));
    const nKnownOut = outU.filter((u) => !u).length;
    const resAvals = splits.map((s) => s.known.outputs.slice(nKnownOut).map((o) => o.aval));
    const allRes = resAvals.flat();
    const knownOps = e.inputs.slice(1).filter((_, i) => !opsU[i]);
    const unknownOps = e.inputs.slice(1).filter((_, i) => opsU[i]);
    // Every known branch returns all branches' residual slots, zeros in the others'.
    const knownBranches = splits.map((s, i) => pureTrace((...kops) => {
      const r = evalJaxpr(s.known, [], kops);
      const slots = resAvals.flatMap((avs, k) => (k === i ? r.slice(nKnownOut) : avs.map(zerosOf)));
      return [...r.slice(0, nKnownOut), ...slots];
    }, knownOps.map((a) => a.aval), 'partial eval of a cond branch'));
    let off = 0;
    const stagedBranches = splits.map((s, i) => {
      const start = off;
      off += resAvals[i].length;
      return pureTrace((...xs) => {
        const res = xs.slice(start, start + resAvals[i].length);
        return evalJaxpr(s.unknown, [], [...res, ...xs.slice(allRes.length)]);
      }, [...allRes, ...unknownOps.map((a) => a.aval)], 'partial eval of a cond branch');
    });
    const resVars = allRes.map(newVar);
    const known: Eqn = eqn(Cond, [e.inputs[0], ...knownOps], [...e.outputs.filter((_, i) => !outU[i]), ...resVars], { branches: knownBranches });
    const staged: Eqn = eqn(Cond, [e.inputs[0], ...resVars, ...unknownOps], e.outputs.filter((_, i) => outU[i]), { branches: stagedBranches });
    return { known: [known], staged: [staged], outUnknown: outU };
  },

  vmap: ([idx, ...ops], [di, ...dops], { branches }, size) => {
    if (di !== null) {
      // A batched index: every example may take another branch, so run all and select.
      const idx0 = batchFirst(idx, di, size);
      const outs = branches.map((b) => {
        const [o, od] = vmapEval(b, [], ops, dops, size);
        return o.map((x, i) => batchFirst(x, od[i], size));
      });
      let res = outs[0];
      for (let k = 1; k < outs.length; k++) {
        res = res.map((r, i) => {
          const hit = bind1(Eq, [idx0, lit(k, idx0.aval)]);
          const p = bind1(BroadcastInDim, [hit], { shape: [...r.aval.shape], broadcastDimensions: [0] });
          return bind1(Select, [p, outs[k][i], r]);
        });
      }
      return [res, res.map(() => 0)];
    }
    const vb = branches.map((b) => closedTrace((...xs) => {
      const [o, od] = vmapEval(b, [], xs, dops, size);
      return o.map((x, i) => batchFirst(x, od[i], size));
    }, ops.map((o) => o.aval), 'vmap of a cond branch'));
    const res = bindCond(idx, ops, vb);
    return [res, res.map(() => 0)];
  },
});

