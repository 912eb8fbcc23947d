/**
 * scan: a loop over the leading axis of `xs` with a carry, holding its body as a Jaxpr
 * ([consts, carry, x] -> [carry, y]). Reverse mode is a reverse scan over the transposed body;
 * per-iteration residuals are stacked by the forward scan, loop-invariant ones passed as consts.
 * The CPU runs it natively, so a 10⁵-step loop stays one equation.
 */
import type { Array } from '../core/array.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { type Aval, type Eqn, Jaxpr, aval, avalEq, eqn, newVar, type Var } from '../core/ir.js';
import { LinearIn, type Tangent, Zero } from '../core/rules.js';
import { bind, evalJaxpr } from '../core/trace.js';
import { cut, fail, fmt, ok } from '../primitives/util.js';
import { add, instantiate, isZero, zerosOf } from '../primitives/ad-util.js';
import { batchFirst, moveAxis } from '../primitives/batching.js';
import { jvpEval } from '../transforms/jvp.js';
import { transposeEval } from '../transforms/transpose.js';
import { partialEval } from '../transforms/partial-eval.js';
import { vmapEval } from '../transforms/vmap.js';
import { type Closed, closedTrace, pureTrace } from '../transforms/sub.js';

export interface ScanParams {
  readonly [k: string]: unknown;
  readonly jaxpr: Jaxpr;
  readonly nConsts: number;
  readonly nCarry: number;
  readonly length: number;
  readonly reverse: boolean;
}

export const stacked = (a: Aval, n: number): Aval => aval([n, ...a.shape], a.dtype);
export const unstacked = (a: Aval): Aval => aval(a.shape.slice(1), a.dtype);

/** Splits a list laid out as [consts, carry, xs]. */
function split3<T>(xs: readonly T[], nConsts: number, nCarry: number): [T[], T[], T[]] {
  return [xs.slice(0, nConsts), xs.slice(nConsts, nConsts + nCarry), xs.slice(nConsts + nCarry)];
}


/** Binds scan; values the traced body captured become extra leading consts. */
export function bindScan(body: Closed, consts: readonly Array[], carry: readonly Array[], xs: readonly Array[], p: { length: number; reverse: boolean }): Array[] {
  return bind(Scan, [...body.consts, ...consts, ...carry, ...xs], {
    jaxpr: body.jaxpr, nConsts: body.consts.length + consts.length, nCarry: carry.length, length: p.length, reverse: p.reverse,
  });
}

/** Which tangent outputs of `j` are nonzero for the given nonzero inputs. */
function nonzeroOuts(j: Jaxpr, nz: readonly boolean[]): boolean[] {
  let res: boolean[] = [];
  closedTrace((...xs) => {
    const [outs, touts] = jvpEval(j, [], xs, j.inputs.map((v, i) => (nz[i] ? xs[i] : new Zero(v.aval))));
    res = touts.map((t) => !isZero(t));
    return outs;
  }, j.inputs.map((v) => v.aval), 'jvp of a scan body');
  return res;
}

/** Which outputs of `j` are batched for the given batched inputs. */
function batchedOuts(j: Jaxpr, dims: readonly (number | null)[], size: number): boolean[] {
  let res: boolean[] = [];
  closedTrace((...xs) => {
    const [outs, od] = vmapEval(j, [], xs, dims, size);
    res = od.map((d) => d !== null);
    return outs;
  }, j.inputs.map((v, i) => (dims[i] === null ? v.aval : stacked(v.aval, size))), 'vmap of a scan body');
  return res;
}

/** Grows the carry's flags until the body maps flagged carries to flagged carries. */
function carryFixpoint(flags: boolean[], nConsts: number, nCarry: number, outs: (f: boolean[]) => boolean[]): boolean[] {
  for (;;) {
    const o = outs(flags);
    let changed = false;
    for (let i = 0; i < nCarry; i++) if (o[i] && !flags[nConsts + i]) { flags[nConsts + i] = true; changed = true; }
    if (!changed) return flags;
  }
}

export const Scan: Primitive<ScanParams> = definePrimitive<ScanParams>({
  name: 'scan',
  abstractEval: (ins, { jaxpr, nConsts, nCarry, length }) => {
    const b = jaxpr.inputs.map((v) => v.aval);
    const [consts, carry, xs] = split3(ins, nConsts, nCarry);
    if (b.length !== ins.length) return fail(`scan: the body takes ${b.length} inputs but the scan has ${ins.length}`);
    if (xs.some((x) => x.shape[0] !== length)) return fail(`scan: every xs must have leading axis ${length}, got (${fmt(xs)})`);
    const want = [...consts, ...carry, ...xs.map(unstacked)];
    if (want.some((a, i) => !avalEq(a, b[i]))) return fail(`scan: body inputs (${fmt(b)}) do not match consts/carry/x slices (${fmt(want)})`);
    const outs = jaxpr.outAvals;
    if (outs.slice(0, nCarry).some((a, i) => !avalEq(a, carry[i]))) {
      return fail(`scan: the body's carry output (${fmt(outs.slice(0, nCarry))}) differs from its carry input (${fmt(carry)})`);
    }
    return ok(...carry, ...outs.slice(nCarry).map((a) => stacked(a, length)));
  },

  jvp: (ins, tans, p) => {
    const { jaxpr, nConsts, nCarry } = p;
    const nz = carryFixpoint(tans.map((t) => !isZero(t)), nConsts, nCarry, (f) => nonzeroOuts(jaxpr, f));
    const ysNz = nonzeroOuts(jaxpr, nz).slice(nCarry);
    const [c, k, x] = split3(ins, nConsts, nCarry);
    const [dc, dk, dx] = split3(tans.map((t, i) => (nz[i] ? instantiate(t) : null)), nConsts, nCarry).map((l) => l.filter((t): t is Array => t !== null));
    const [nzc, nzk, nzx] = split3(nz, nConsts, nCarry);
    const fill = (vals: Array[], ts: Array[], mask: boolean[]): Tangent[] => { let q = 0; return vals.map((v, i) => (mask[i] ? ts[q++] : new Zero(v.aval))); };
    const body = closedTrace((...zs) => {
      const [bc, bdc, bk, bdk, bx, bdx] = cut(zs, [c.length, dc.length, k.length, dk.length, x.length, dx.length]);
      const [outs, touts] = jvpEval(jaxpr, [], [...bc, ...bk, ...bx], [...fill(bc, bdc, nzc), ...fill(bk, bdk, nzk), ...fill(bx, bdx, nzx)]);
      return [
        ...outs.slice(0, nCarry), ...touts.slice(0, nCarry).filter((_, i) => nzk[i]).map(instantiate),
        ...outs.slice(nCarry), ...touts.slice(nCarry).filter((_, i) => ysNz[i]).map(instantiate),
      ];
    }, [...[...c, ...dc, ...k, ...dk].map((a) => a.aval), ...[...x, ...dx].map((a) => unstacked(a.aval))], 'jvp of a scan body');
    const res = bindScan(body, [...c, ...dc], [...k, ...dk], [...x, ...dx], p);
    const nYs = jaxpr.outputs.length - nCarry;
    const [carry, carryT, ys, ysT] = cut(res, [nCarry, dk.length, nYs, res.length - nCarry - dk.length - nYs]);
    let q = 0;
    let r = 0;
    return [[...carry, ...ys], [
      ...carry.map((v, i) => (nzk[i] ? carryT[q++] : new Zero(v.aval))),
      ...ys.map((v, i) => (ysNz[i] ? ysT[r++] : new Zero(v.aval))),
    ]];
  },

  partialEval: (e, unknownIns) => {
    const { jaxpr, nConsts, nCarry, length, reverse } = e.params;
    const uk = carryFixpoint([...unknownIns], nConsts, nCarry, (f) => partialEval(jaxpr, f).outUnknown);
    const s = partialEval(jaxpr, uk, jaxpr.outputs.map((_, i) => i < nCarry && uk[nConsts + i]));
    const outU = s.outUnknown;
    const nKnownOuts = outU.filter((u) => !u).length;
    const residuals = s.unknown.inputs.slice(0, s.nResiduals);
    // Residuals that are (known) consts of the body are loop-invariant: pass the outer value.
    const constIndex = (r: Var) => jaxpr.inputs.slice(0, nConsts).indexOf(r);
    const invariant = residuals.map((r) => constIndex(r) >= 0);
    const stackedRes = residuals.filter((_, i) => !invariant[i]);
    const knownIns = e.inputs.filter((_, i) => !uk[i]);
    const [kc, kk] = split3(uk, nConsts, nCarry).map((m) => m.filter((u) => !u).length);
    const knownBody = pureTrace((...zs) => {
      const r = evalJaxpr(s.known, [], zs);
      return [...r.slice(0, nKnownOuts), ...r.slice(nKnownOuts).filter((_, i) => !invariant[i])];
    }, s.known.inputs.map((v) => v.aval), 'partial eval of a scan body');
    const resVars = stackedRes.map((r) => newVar(stacked(r.aval, length)));
    const known: Eqn = eqn(Scan, knownIns, [...e.outputs.filter((_, i) => !outU[i]), ...resVars],
      { jaxpr: knownBody, nConsts: kc, nCarry: kk, length, reverse });
    const invAtoms = residuals.filter((_, i) => invariant[i]).map((r) => e.inputs[constIndex(r)]);
    const [uc, ucarry, ux] = split3(e.inputs, nConsts, nCarry).map((l, g) => l.filter((_, i) => uk[[0, nConsts, nConsts + nCarry][g] + i]));
    const stagedBody = pureTrace((...zs) => {
      const [inv, c, k, res, x] = cut(zs, [invAtoms.length, uc.length, ucarry.length, resVars.length, ux.length]);
      let a = 0;
      let b = 0;
      const ordered = invariant.map((isInv) => (isInv ? inv[a++] : res[b++]));
      return evalJaxpr(s.unknown, [], [...ordered, ...c, ...k, ...x]);
    }, [...invAtoms, ...uc, ...ucarry].map((v) => v.aval).concat([...resVars, ...ux].map((v) => unstacked(v.aval))), 'partial eval of a scan body');
    const staged: Eqn = eqn(Scan, [...invAtoms, ...uc, ...ucarry, ...resVars, ...ux], e.outputs.filter((_, i) => outU[i]),
      { jaxpr: stagedBody, nConsts: invAtoms.length + uc.length, nCarry: ucarry.length, length, reverse });
    return { known: [known], staged: [staged], outUnknown: outU };
  },

  // The transpose of a linear scan runs backwards: cotangents of the carry flow as the carry,
  // those of linear consts accumulate, those of linear xs come out as ys.
  transpose: (cts, ins, p) => {
    const { jaxpr, nConsts, nCarry, length, reverse } = p;
    const [c, k, x] = split3(ins, nConsts, nCarry);
    // A known carry input here is an instantiated zero tangent (partial eval moved the whole
    // carry to the linear side): it is treated as linear and its cotangent dropped, as in JAX.
    const linC = c.map((v) => v instanceof LinearIn);
    const linX = x.map((v) => v instanceof LinearIn);
    const cVals = c.filter((v): v is Array => !(v instanceof LinearIn));
    const xVals = x.filter((v): v is Array => !(v instanceof LinearIn));
    const ctK = cts.slice(0, nCarry).map(instantiate);
    const ctY = cts.slice(nCarry).map(instantiate);
    const acc = c.filter((_, i) => linC[i]).map((v) => zerosOf(v.aval));
    const mask = [...linC, ...k.map(() => true), ...linX];
    const body = closedTrace((...zs) => {
      const [nc, a, ck, xr, cy] = cut(zs, [cVals.length, acc.length, ctK.length, xVals.length, ctY.length]);
      const r = transposeEval(jaxpr, mask, [...nc, ...xr], [...ck, ...cy]);
      const [rc, rk, rx] = cut(r, [acc.length, nCarry, r.length - acc.length - nCarry]);
      return [...a.map((v, i) => (isZero(rc[i]) ? v : add(v, rc[i] as Array))), ...rk.map(instantiate), ...rx.map(instantiate)];
    }, [...[...cVals, ...acc, ...ctK].map((v) => v.aval), ...[...xVals, ...ctY].map((v) => unstacked(v.aval))], 'transpose of a scan body');
    const res = bindScan(body, cVals, [...acc, ...ctK], [...xVals, ...ctY], { length, reverse: !reverse });
    const [ra, rk, rx] = cut(res, [acc.length, nCarry, res.length - acc.length - nCarry]);
    let i = 0;
    let j = 0;
    return [...linC.map((l) => (l ? ra[i++] : null)), ...rk.map((ct, q) => (k[q] instanceof LinearIn ? ct : null)), ...linX.map((l) => (l ? rx[j++] : null))];
  },

  vmap: (ins, dims, p, size) => {
    const { jaxpr, nConsts, nCarry } = p;
    const [c, k, x] = split3(ins, nConsts, nCarry);
    const [dc, dk, dx] = split3(dims, nConsts, nCarry);
    // Inside the body a batched x slice has its batch axis first (axis 1 of the stacked x).
    const flags = carryFixpoint(dims.map((d) => d !== null), nConsts, nCarry, (f) =>
      batchedOuts(jaxpr, f.map((b) => (b ? 0 : null)), size));
    const bodyDims = flags.map((b) => (b ? 0 : null));
    const ysB = batchedOuts(jaxpr, bodyDims, size).slice(nCarry);
    const [, fk] = split3(flags, nConsts, nCarry);
    const c2 = c.map((v, i) => (dc[i] === null ? v : moveAxis(v, dc[i]!, 0)));
    const k2 = k.map((v, i) => (fk[i] ? batchFirst(v, dk[i], size) : v));
    const x2 = x.map((v, i) => (dx[i] === null ? v : moveAxis(v, dx[i]!, 1)));
    const body = closedTrace((...zs) => {
      const [o, od] = vmapEval(jaxpr, [], zs, bodyDims, size);
      return o.map((v, i) => ((i < nCarry ? fk[i] : ysB[i - nCarry]) ? batchFirst(v, od[i], size) : v));
    }, [...c2.map((v) => v.aval), ...k2.map((v) => v.aval), ...x2.map((v) => unstacked(v.aval))], 'vmap of a scan body');
    const res = bindScan(body, c2, k2, x2, p);
    return [res, res.map((_, i) => (i < nCarry ? (fk[i] ? 0 : null) : ysB[i - nCarry] ? 1 : null))];
  },
});
