/**
 * Transposition of a linear Jaxpr: walks the equations backwards, calling each linear primitive's
 * transpose rule and summing cotangents on fan-in. Non-linear equations (on residuals only) are
 * evaluated forward first.
 */
import type { Array } from '../core/array.js';
import { type Atom, Jaxpr, isVar } from '../core/ir.js';
import { LinearIn, type Tangent, Zero } from '../core/rules.js';
import { bind, scalarArray } from '../core/trace.js';
import { addT, isZero } from '../primitives/ad-util.js';

/**
 * Cotangents of the inputs of `lin` marked `linear`, for output cotangents `cts` (Zero allowed);
 * `values` gives the other (residual) inputs, in order.
 */
export function transposeEval(lin: Jaxpr, linear: readonly boolean[], values: readonly Array[], cts: readonly Tangent[]): Tangent[] {
  const linearIds = new Set(lin.inputs.filter((_, i) => linear[i]).map((v) => v.id));
  const vals = new Map<number, Array>();
  let k0 = 0;
  lin.inputs.forEach((v, i) => { if (!linear[i]) vals.set(v.id, values[k0++]); });
  const read = (a: Atom): Array => (isVar(a) ? vals.get(a.id)! : scalarArray(a.value, a.aval));
  const isLinear = (a: Atom) => isVar(a) && linearIds.has(a.id);
  const linearEqns = [];
  for (const e of lin.eqns) {
    if (e.inputs.some(isLinear)) {
      linearEqns.push(e);
      e.outputs.forEach((v) => linearIds.add(v.id));
    } else {
      const outs = bind(e.primitive, e.inputs.map(read), e.params);
      e.outputs.forEach((v, i) => vals.set(v.id, outs[i]));
    }
  }
  const ctEnv = new Map<number, Tangent>();
  const accum = (a: Atom, ct: Tangent | null) => {
    if (!isVar(a) || !linearIds.has(a.id) || isZero(ct)) return;
    const prev = ctEnv.get(a.id);
    ctEnv.set(a.id, prev ? addT(prev, ct!) : ct!);
  };
  lin.outputs.forEach((o, i) => accum(o, cts[i]));
  for (let k = linearEqns.length - 1; k >= 0; k--) {
    const e = linearEqns[k];
    const outCts = e.outputs.map((v) => ctEnv.get(v.id) ?? new Zero(v.aval));
    e.outputs.forEach((v) => ctEnv.delete(v.id));
    if (outCts.every(isZero)) continue;
    const rule = e.primitive.transpose;
    if (!rule) {
      throw new TypeError(`transpose: primitive '${e.primitive.name}' is not linear in its tangent inputs (no transpose rule); it cannot appear in a linearized function`);
    }
    const ins = e.inputs.map((a) => (isLinear(a) ? new LinearIn(a.aval) : read(a)));
    const inCts = rule(outCts, ins, e.params);
    e.inputs.forEach((a, i) => accum(a, inCts[i]));
  }
  return lin.inputs.filter((_, i) => linear[i]).map((v) => ctEnv.get(v.id) ?? new Zero(v.aval));
}
