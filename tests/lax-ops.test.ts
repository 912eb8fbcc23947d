/**
 * lib/lax/ops.ts: lax functions by name. Expected values are numpy 2.4 / scipy answers pasted as
 * literals; the strictness errors (no broadcasting, no promotion) must name `lax.<fn>` and the fix;
 * gradients are checked against central differences in float64; jit and vmap against eager.
 */
import { describe, expect, it } from 'vitest';
import { type Array, ShapeError, grad, jit, np, vmap } from '../lib/index.js';
import * as lax from '../lib/lax/ops.js';
import { type Deep, f64, i32, near } from './check-values.js';

const f32 = (v: Deep): Array => np.array(v as number[], { dtype: 'float32' });
const b = (v: Deep): Array => np.array(v as boolean[], { dtype: 'bool' });

const same = (a: Array, e: Array) => { expect(a.shape).toEqual(e.shape); expect(a.dtype).toBe(e.dtype); near(a, e.js() as Deep, { tol: 1e-12 }); };

/** Central differences of a scalar function of a float64 array, compared with grad. */
function checkGrad(f: (x: Array) => Array, x: Array, tol = 1e-6): void {
  const g = grad(f)(x) as Array;
  const base = globalThis.Array.from(x.dataSync(), Number);
  const h = 1e-6;
  const at = (k: number, d: number) => {
    const v = [...base];
    v[k] += d;
    return f(np.reshape(f64(v), x.shape)).item();
  };
  const gs = globalThis.Array.from(g.dataSync(), Number);
  base.forEach((_, k) => {
    const fd = (at(k, h) - at(k, -h)) / (2 * h);
    expect(Math.abs(gs[k] - fd), `d/dx[${k}]: ${gs[k]} vs ${fd}`).toBeLessThanOrEqual(tol * (1 + Math.abs(fd)));
  });
}
const total = (y: Array): Array => lax.reduceSum(y, y.shape.map((_, i) => i));

describe('lax elementwise values', () => {
  const x = f64([0.3, -0.7, 1.2]);
  const y = f64([0.5, 2.0, 3.7]);
  it('unary float functions match numpy/scipy', () => {
    const table: [(a: Array) => Array, Array, number[]][] = [
      [lax.exp, x, [1.3498588075760032, 0.4965853037914095, 3.3201169227365472]],
      [lax.exp2, x, [1.2311444133449163, 0.6155722066724582, 2.2973967099940698]],
      [lax.expm1, x, [0.3498588075760031, -0.5034146962085905, 2.3201169227365472]],
      [lax.log1p, x, [0.26236426446749106, -1.203972804325936, 0.7884573603642702]],
      [lax.sin, x, [0.29552020666133955, -0.644217687237691, 0.9320390859672263]],
      [lax.cos, x, [0.955336489125606, 0.7648421872844885, 0.3623577544766736]],
      [lax.tan, x, [0.3093362496096232, -0.8422883804630794, 2.5721516221263188]],
      [lax.asin, x, [0.30469265401539747, -0.775397496610753, NaN]],
      [lax.acos, x, [1.2661036727794992, 2.34619382340565, NaN]],
      [lax.atan, x, [0.2914567944778671, -0.6107259643892086, 0.8760580505981934]],
      [lax.sinh, x, [0.3045202934471426, -0.7585837018395335, 1.5094613554121725]],
      [lax.cosh, x, [1.0453385141288605, 1.255169005630943, 1.8106555673243747]],
      [lax.tanh, x, [0.2913126124515909, -0.6043677771171634, 0.8336546070121552]],
      [lax.asinh, x, [0.29567304756342244, -0.6526665660823557, 1.015973134179692]],
      [lax.atanh, x, [0.3095196042031117, -0.8673005276940531, NaN]],
      [lax.logistic, x, [0.574442516811659, 0.3318122278318339, 0.7685247834990175]],
      [lax.erf, x, [0.3286267594591274, -0.6778011938374184, 0.9103139782296353]],
      [lax.erfc, x, [0.6713732405408726, 1.6778011938374184, 0.08968602177036465]],
      [lax.cbrt, x, [0.6694329500821695, -0.8879040017426006, 1.0626585691826111]],
      [lax.log, y, [-0.6931471805599453, 0.6931471805599453, 1.308332819650179]],
      [lax.sqrt, y, [0.7071067811865476, 1.4142135623730951, 1.9235384061671346]],
      [lax.rsqrt, y, [1.414213562373095, 0.7071067811865475, 0.5198752449100363]],
      [lax.acosh, f64([1.5, 3.0, 4.7]), [0.9624236501192069, 1.762747174039086, 2.2291952476789585]],
      [lax.lgamma, y, [0.5723649429247004, 0.0, 1.4280723266653883]],
      [lax.digamma, y, [-1.9635100260214235, 0.42278433509846713, 1.1671535393615113]],
      [lax.erfInv, f64([0.3, -0.7, 0.95]), [0.2724627147267544, -0.7328690779592169, 1.3859038243496775]],
    ];
    for (const [fn, arg, want] of table) near(fn(arg), want, { tol: 1e-9, dtype: 'float64' });
    near(lax.polygamma(1, y), [4.93480220054468, 0.6449340668482266, 0.31003785767003833], { tol: 1e-9 });
    near(lax.polygamma(0, y), [-1.9635100260214235, 0.42278433509846713, 1.1671535393615113], { tol: 1e-9 });
  });

  it('binary arithmetic, comparisons and int32 semantics', () => {
    near(lax.add(f64([1, 2]), f64([3, 4])), [4, 6]);
    near(lax.sub(f64([1, 2]), f64([3, 5])), [-2, -3]);
    near(lax.mul(i32([2, -3]), i32([4, 5])), [8, -15], { dtype: 'int32' });
    near(lax.div(f64([1, 3]), f64([4, -2])), [0.25, -1.5]);
    near(lax.div(i32([7, -7]), i32([2, 2])), [3, -3], { dtype: 'int32' });
    near(lax.rem(f64([7, -7, 5.5]), f64([3, 3, -2])), [1, -1, 1.5]);
    near(lax.rem(i32([7, -7, 5]), i32([3, 3, -2])), [1, -1, 1], { dtype: 'int32' });
    near(lax.pow(f64([1.5, 2, 0.5]), f64([2, -0.5, 3.3])), [2.25, 0.7071067811865476, 0.10153154954452945]);
    near(lax.atan2(f64([1, -2, 0.5]), f64([-1, 3, 0.25])), [2.356194490192345, -0.5880026035475675, 1.1071487177940904]);
    near(lax.max(f64([1, 5]), f64([3, 2])), [3, 5]);
    near(lax.min(i32([1, 5]), i32([3, 2])), [1, 2], { dtype: 'int32' });
    near(lax.neg(i32([1, -2])), [-1, 2], { dtype: 'int32' });
    near(lax.abs(f64([-1.5, 2])), [1.5, 2]);
    near(lax.sign(f64([-3, 0, 2])), [-1, 0, 1]);
    near(lax.floor(f64([-1.5, 1.5])), [-2, 1]);
    near(lax.ceil(f64([-1.5, 1.5])), [-1, 2]);
    near(lax.integerPow(f64([2, -3]), 3), [8, -27]);
    near(lax.integerPow(i32([2, -3]), 2), [4, 9], { dtype: 'int32' });
    near(lax.square(f64([1.5])), [2.25]);
    near(lax.reciprocal(f64([4, -0.5])), [0.25, -2]);
    near(lax.isFinite(f64([1, Infinity, NaN])), [1, 0, 0], { dtype: 'bool' });
    near(lax.eq(f64([1, 2]), f64([1, 3])), [1, 0], { dtype: 'bool' });
    near(lax.ne(f64([1, 2]), f64([1, 3])), [0, 1], { dtype: 'bool' });
    near(lax.lt(i32([1, 2, 3]), i32([2, 2, 2])), [1, 0, 0], { dtype: 'bool' });
    near(lax.le(i32([1, 2, 3]), i32([2, 2, 2])), [1, 1, 0], { dtype: 'bool' });
    near(lax.gt(i32([1, 2, 3]), i32([2, 2, 2])), [0, 0, 1], { dtype: 'bool' });
    near(lax.ge(i32([1, 2, 3]), i32([2, 2, 2])), [0, 1, 1], { dtype: 'bool' });
  });

  it('round: half away from zero by default, half to even on request', () => {
    const r = f64([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 2.4, -2.6]);
    near(lax.round(r), [1, 2, 3, -1, -3, 0, 2, -3]);
    near(lax.round(r, 'toNearestEven'), [0, 2, 2, -0, -2, 0, 2, -3]);
    near(lax.round(f64([Infinity, NaN])), [Infinity, NaN]);
  });

  it('bitwise ops on bool and int32, shifts on int32', () => {
    near(lax.bitwiseAnd(b([true, true, false]), b([true, false, false])), [1, 0, 0], { dtype: 'bool' });
    near(lax.bitwiseOr(b([true, true, false]), b([true, false, false])), [1, 1, 0], { dtype: 'bool' });
    near(lax.bitwiseXor(b([true, true, false]), b([true, false, false])), [0, 1, 0], { dtype: 'bool' });
    near(lax.bitwiseNot(b([true, false])), [0, 1], { dtype: 'bool' });
    near(lax.bitwiseAnd(i32([12, -1]), i32([10, 7])), [8, 7], { dtype: 'int32' });
    near(lax.bitwiseOr(i32([12, 1]), i32([10, 2])), [14, 3], { dtype: 'int32' });
    near(lax.bitwiseXor(i32([12, 5]), i32([10, 5])), [6, 0], { dtype: 'int32' });
    near(lax.bitwiseNot(i32([0, 5])), [-1, -6], { dtype: 'int32' });
    near(lax.shiftLeft(i32([1, 3]), i32([4, 1])), [16, 6], { dtype: 'int32' });
    near(lax.shiftRightLogical(i32([16, -1]), i32([2, 28])), [4, 15], { dtype: 'int32' });
    expect(() => lax.bitwiseAnd(f64([1]), f64([1]))).toThrow(/lax\.bitwiseAnd: requires bool or an integer dtype, got f64\[1\]/);
  });

  it('select and clamp', () => {
    near(lax.select(b([true, false, true]), f64([1, 2, 3]), f64([10, 20, 30])), [1, 20, 3]);
    near(lax.select(true, f64([1, 2]), f64([3, 4])), [1, 2]);
    near(lax.select(b([true, false]), f64([1, 2]), 0), [1, 0], { dtype: 'float64' });
    near(lax.clamp(0, f64([-1, 0.5, 3]), 1), [0, 0.5, 1], { dtype: 'float64' });
    near(lax.clamp(f64([0, 1, 2]), f64([-1, 5, 2.5]), f64([1, 2, 3])), [0, 2, 2.5]);
    expect(() => lax.select(f64([1, 0]), f64([1, 2]), f64([3, 4]))).toThrow(/lax\.select: pred must be bool, got f64\[2\].*lax\.ne/);
    expect(() => lax.select(b([true, false, true]), f64([1, 2]), f64([3, 4]))).toThrow(/lax\.select: pred bool\[3\].*np\.where/);
    expect(() => lax.clamp(f32([0]), f64([1]), f64([2]))).toThrow(/lax\.clamp: operands must have the same dtype/);
  });
});

describe('lax strictness and weak JS scalars', () => {
  it('rejects shape mismatches, naming the shapes and the fix', () => {
    const e = (() => { try { lax.add(f64([[1, 2, 3], [4, 5, 6]]), f64([1, 2, 3])); } catch (err) { return err; } return null; })();
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as Error).message).toMatch(/lax\.add: operand shapes must be equal, got f64\[2,3\] and f64\[3\].*lax\.broadcastInDim.*np\.add/);
    expect(() => lax.mul(f64([1, 2]), f64([1, 2, 3]))).toThrow(/lax\.mul: .*np\.multiply/);
    expect(() => lax.eq(f64([[1]]), f64([1]))).toThrow(/lax\.eq: operand shapes/);
  });

  it('rejects dtype mismatches, naming the dtypes and the fix', () => {
    const e = (() => { try { lax.add(f32([1, 2]), f64([1, 2])); } catch (err) { return err; } return null; })();
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/lax\.add: operands must have the same dtype, got f32\[2\] and f64\[2\].*lax\.convertElementType.*np\.add/);
    expect(() => lax.sub(i32([1]), f64([1]))).toThrow(/lax\.sub: operands must have the same dtype.*np\.subtract/);
    expect(() => lax.sin(i32([1]))).toThrow(/lax\.sin: requires a floating dtype.*got i32\[1\].*convertElementType/);
    expect(() => lax.pow(i32([2]), i32([2]))).toThrow(/lax\.pow: requires a floating dtype/);
    expect(() => lax.add(f64([1]), [1] as unknown as number)).toThrow(/lax\.add: expected an Array.*np\.array/);
  });

  it('a rank-0 Array broadcasts (as in JAX), but its dtype must still match', () => {
    near(lax.add(f64([1, 2]), np.array(10, { dtype: 'float64' })), [11, 12]);
    expect(() => lax.add(f64([1, 2]), np.array(10, { dtype: 'float32' }))).toThrow(TypeError);
  });

  it('JS numbers take the other operand dtype and broadcast', () => {
    const r = lax.add(f32([1, 2]), 2);
    expect(r.dtype).toBe('float32');
    expect(r.weakType).toBe(false);
    near(r, [3, 4]);
    near(lax.mul(2.5, f64([[1], [2]])), [[2.5], [5]], { dtype: 'float64' });
    near(lax.sub(i32([5, 6]), 1), [4, 5], { dtype: 'int32' });
    near(lax.lt(f32([1, 3]), 2), [1, 0], { dtype: 'bool' });
    near(lax.bitwiseAnd(b([true, false]), true), [1, 0], { dtype: 'bool' });
    expect(() => lax.add(i32([1]), 2.5)).toThrow(/lax\.add: the JS number 2\.5 is not an integer.*int32/);
    const w = lax.add(1, 2);
    expect(w.weakType).toBe(true);
    expect(w.item()).toBe(3);
    const s = lax.sin(0);
    expect(s.weakType).toBe(true);
    expect(s.item()).toBe(0);
  });
});

describe('lax structural ops', () => {
  const a = f64([[0, 1, 2], [3, 4, 5]]);
  it('convertElementType, bitcastConvertType', () => {
    near(lax.convertElementType(f64([1.7, -1.7]), 'int32'), [1, -1], { dtype: 'int32' });
    near(lax.convertElementType(i32([0, 2]), 'bool'), [0, 1], { dtype: 'bool' });
    near(lax.bitcastConvertType(f32([1]), 'int32'), [1065353216], { dtype: 'int32' });
    expect(() => lax.convertElementType(f64([1]), 'int64' as 'int32')).toThrow(/lax\.convertElementType: unknown dtype "int64"/);
  });
  it('broadcastInDim, broadcast, reshape, transpose', () => {
    near(lax.broadcastInDim(f64([1, 2]), [3, 2], [1]), [[1, 2], [1, 2], [1, 2]]);
    near(lax.broadcastInDim(f64([1, 2]), [2, 2], [0]), [[1, 1], [2, 2]]);
    near(lax.broadcastInDim(3, [2], []), [3, 3]);
    expect(() => lax.broadcastInDim(f64([1, 2]), [3, 3], [1])).toThrow(/lax\.broadcastInDim: cannot broadcast f64\[2\] to \[3,3\]/);
    near(lax.broadcast(f64([1, 2]), [2]), [[1, 2], [1, 2]]);
    near(lax.reshape(a, [3, 2]), [[0, 1], [2, 3], [4, 5]]);
    near(lax.reshape(a, [6], [1, 0]), [0, 3, 1, 4, 2, 5]);
    expect(() => lax.reshape(a, [-1])).toThrow(/lax\.reshape: .*no -1/);
    near(lax.transpose(a, [1, 0]), [[0, 3], [1, 4], [2, 5]]);
    expect(() => lax.transpose(a, [0, 0])).toThrow(/lax\.transpose: \[0,0\] is not a permutation/);
  });
  it('squeeze, expandDims, rev', () => {
    near(lax.squeeze(f64([[[1, 2]]]), [0, 1]), [1, 2]);
    near(lax.squeeze(f64([[1], [2]]), [-1]), [1, 2]);
    expect(() => lax.squeeze(a, [0])).toThrow(/lax\.squeeze: axis 0 of f64\[2,3\] has size 2/);
    expect(lax.expandDims(a, [0, 3]).shape).toEqual([1, 2, 3, 1]);
    expect(lax.expandDims(a, [-1]).shape).toEqual([2, 3, 1]);
    near(lax.rev(a, [1]), [[2, 1, 0], [5, 4, 3]]);
    near(lax.rev(a, [0, 1]), [[5, 4, 3], [2, 1, 0]]);
  });
  it('slice, sliceInDim, indexInDim', () => {
    near(lax.slice(a, [0, 1], [2, 3]), [[1, 2], [4, 5]]);
    near(lax.slice(f64([0, 1, 2, 3, 4, 5]), [1], [6], [2]), [1, 3, 5]);
    expect(() => lax.slice(a, [0, -1], [2, 3])).toThrow(/lax\.slice: invalid slice on axis 1.*no negative indices/);
    near(lax.sliceInDim(a, 1, 3, 1, 1), [[1, 2], [4, 5]]);
    near(lax.indexInDim(a, -1, 1, false), [2, 5]);
    near(lax.indexInDim(a, 1, 0), [[3, 4, 5]]);
  });
  it('dynamicSlice, dynamicUpdateSlice and their InDim forms (clamped)', () => {
    near(lax.dynamicSlice(a, [0, 1], [2, 2]), [[1, 2], [4, 5]]);
    near(lax.dynamicSlice(a, [np.array(1, { dtype: 'int32' }), 2], [1, 2]), [[4, 5]]);
    near(lax.dynamicSlice(a, [5, 5], [1, 2]), [[4, 5]]);
    expect(() => lax.dynamicSlice(a, [0], [1, 1])).toThrow(/lax\.dynamicSlice: expected 2 start indices/);
    expect(() => lax.dynamicSlice(a, [f64(0), 0], [1, 1])).toThrow(/lax\.dynamicSlice: start indices must be int32 scalars, got f64\[\]/);
    near(lax.dynamicUpdateSlice(a, f64([[9, 9]]), [1, 0]), [[0, 1, 2], [9, 9, 5]]);
    near(lax.dynamicUpdateSlice(a, f64([[9, 9]]), [1, 7]), [[0, 1, 2], [3, 9, 9]]);
    expect(() => lax.dynamicUpdateSlice(a, f32([[9]]), [0, 0])).toThrow(/lax\.dynamicUpdateSlice: update f32\[1,1\] must have the operand's dtype.*convertElementType/);
    expect(() => lax.dynamicUpdateSlice(a, f64([9]), [0, 0])).toThrow(/lax\.dynamicUpdateSlice: update f64\[1\] must have the operand's rank/);
    near(lax.dynamicSliceInDim(a, 1, 2, 1), [[1, 2], [4, 5]]);
    near(lax.dynamicIndexInDim(a, 1, 0, false), [3, 4, 5]);
    near(lax.dynamicUpdateSliceInDim(a, f64([[7], [8]]), 2, 1), [[0, 1, 7], [3, 4, 8]]);
  });
  it('concatenate, pad, iota, broadcastedIota, full', () => {
    near(lax.concatenate([a, f64([[6, 7, 8]])], 0), [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    near(lax.concatenate([f64([1]), f64([2, 3])], 0), [1, 2, 3]);
    expect(() => lax.concatenate([f64([1]), f32([2])], 0)).toThrow(/lax\.concatenate: operands must have the same dtype.*np\.concatenate/);
    expect(() => lax.concatenate([a, f64([[1, 2]])], 0)).toThrow(/lax\.concatenate: operands must have the same shape except on axis 0/);
    near(lax.pad(f64([1, 2, 3]), 0, [[1, 2, 1]]), [0, 1, 0, 2, 0, 3, 0, 0]);
    near(lax.pad(f64([1, 2, 3]), -1, [[-1, 0, 0]]), [2, 3]);
    near(lax.pad(f64([[1, 2]]), f64(9), [[1, 0, 0], [0, 1, 0]]), [[9, 9, 9], [1, 2, 9]]);
    expect(() => lax.pad(f64([1]), f32(0), [[1, 1, 0]])).toThrow(/lax\.pad: operands must have the same dtype/);
    expect(() => lax.pad(f64([1]), 0, [[1, 1]] as unknown as [number, number, number][])).toThrow(/lax\.pad: paddingConfig needs one \[low, high, interior\]/);
    near(lax.iota('int32', 4), [0, 1, 2, 3], { dtype: 'int32' });
    near(lax.broadcastedIota('float32', [2, 3], 1), [[0, 1, 2], [0, 1, 2]], { dtype: 'float32' });
    near(lax.broadcastedIota('int32', [2, 2], 0), [[0, 0], [1, 1]], { dtype: 'int32' });
    near(lax.full([2], 1.5, 'float64'), [1.5, 1.5], { dtype: 'float64' });
    near(lax.fullLike(i32([1, 2, 3]), 7), [7, 7, 7], { dtype: 'int32' });
    near(lax.fullLike(i32([1, 2, 3]), 0.5, 'float32', [1]), [0.5], { dtype: 'float32' });
  });
  it('collapse, split', () => {
    const x = lax.reshape(lax.iota('float64', 24), [2, 3, 4]);
    expect(lax.collapse(x, 1).shape).toEqual([2, 12]);
    expect(lax.collapse(x, 0, 2).shape).toEqual([6, 4]);
    expect(() => lax.collapse(x, 2, 1)).toThrow(/lax\.collapse: need 0 <= startDimension <= stopDimension <= 3/);
    const [p, q] = lax.split(f64([[0, 1, 2], [3, 4, 5]]), [1, 2], 1);
    near(p, [[0], [3]]);
    near(q, [[1, 2], [4, 5]]);
    expect(() => lax.split(f64([1, 2]), [1, 2])).toThrow(/lax\.split: sizes \[1,2\] must be >= 0 and sum to 2/);
  });
});

describe('lax contractions and reductions', () => {
  const a = f64([[0, 1, 2], [3, 4, 5]]);
  const bm = f64([[-5, -4, -3, -2], [-1, 0, 1, 2], [3, 4, 5, 6]]);
  it('dot, dotGeneral, batchMatmul', () => {
    near(lax.dot(a, bm), [[5, 8, 11, 14], [-4, 8, 20, 32]]);
    near(lax.dot(f64([1, 2, 3]), f64([4, 5, 6])), 32);
    near(lax.dotGeneral(a, bm, [[[1], [0]], [[], []]]), [[5, 8, 11, 14], [-4, 8, 20, 32]]);
    near(lax.dotGeneral(bm, a, [[[0], [1]], [[], []]]), [[5, -4], [8, 8], [11, 20], [14, 32]]);
    const A = f64([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]);
    const Bb = f64([[[0, 0.5], [1, 1.5], [2, 2.5]], [[3, 3.5], [4, 4.5], [5, 5.5]]]);
    const want = [[[5, 6.5], [14, 20]], [[86, 96.5], [122, 137]]];
    near(lax.batchMatmul(A, Bb), want);
    near(lax.dotGeneral(A, Bb, [[[2], [1]], [[0], [0]]]), want);
    expect(() => lax.dot(a, a)).toThrow(/lax\.dot: incompatible shapes f64\[2,3\] and f64\[2,3\].*dotGeneral/);
    expect(() => lax.dot(a, f32([[1], [2], [3]]))).toThrow(/lax\.dot: operands must have the same dtype/);
    expect(() => lax.dotGeneral(a, bm, [[[0], [0]], [[], []]])).toThrow(/lax\.dotGeneral: contracting dimensions must pair up/);
  });
  it('reduceSum/Max/Min/Prod/And/Or, argmax/argmin, cumsum', () => {
    near(lax.reduceSum(a, [1]), [3, 12]);
    near(lax.reduceSum(a, [0, 1]), 15);
    near(lax.reduceMax(a, [0]), [3, 4, 5]);
    near(lax.reduceMin(a, [-1]), [0, 3]);
    near(lax.reduceProd(f64([[1, 2], [3, 4]]), [1]), [2, 12]);
    near(lax.reduceAnd(b([[true, false], [true, true]]), [1]), [0, 1], { dtype: 'bool' });
    near(lax.reduceOr(b([[true, false], [false, false]]), [1]), [1, 0], { dtype: 'bool' });
    expect(() => lax.reduceAnd(i32([1]), [0])).toThrow(/lax\.reduceAnd: requires bool/);
    expect(() => lax.reduceSum(a, [2])).toThrow(/lax\.reduceSum: axis 2 is out of bounds for rank 2/);
    near(lax.argmax(f64([[1, 5, 5], [7, 0, 7]]), 1, 'int32'), [1, 0], { dtype: 'int32' });
    near(lax.argmin(f64([[1, 5, 0], [7, 0, 0]]), 1), [2, 1], { dtype: 'int32' });
    expect(() => lax.argmax(a, 0, 'float32')).toThrow(/lax\.argmax: indexDtype must be 'int32'/);
    near(lax.cumsum(a, 1), [[0, 1, 3], [3, 7, 12]]);
    near(lax.cumsum(a, 1, true), [[3, 3, 2], [12, 9, 5]]);
    near(lax.cumsum(a), [[0, 1, 2], [3, 5, 7]]);
  });
});

describe('lax gradients against central differences', () => {
  const x = f64([0.3, -0.7, 1.2]);
  const y = f64([0.9, 1.4, 0.6]);
  it('elementwise', () => {
    checkGrad((v) => total(lax.add(v, y)), x);
    checkGrad((v) => total(lax.mul(v, lax.mul(v, y))), x);
    checkGrad((v) => total(lax.div(y, lax.add(v, 2))), x);
    checkGrad((v) => total(lax.pow(y, v)), x);
    checkGrad((v) => total(lax.pow(lax.add(v, 2), y)), x);
    checkGrad((v) => total(lax.sin(v)), x);
    checkGrad((v) => total(lax.logistic(v)), x);
    checkGrad((v) => total(lax.select(lax.gt(v, 0), lax.mul(v, v), lax.neg(v))), x);
  });
  it('structural and reductions', () => {
    const m = f64([[0.5, -1.2, 2.0], [0.1, 0.7, -0.3]]);
    const k = f64([[1.0, -0.5], [0.25, 2.0], [-1.5, 0.75]]);
    checkGrad((v) => total(lax.sin(lax.dotGeneral(v, k, [[[1], [0]], [[], []]]))), m);
    checkGrad((v) => total(lax.sin(lax.dotGeneral(m, v, [[[1], [0]], [[], []]]))), k);
    checkGrad((v) => total(lax.mul(lax.dynamicSlice(v, [1, 1], [1, 2]), f64([[2, 3]]))), m);
    checkGrad((v) => total(lax.sin(lax.dynamicUpdateSlice(v, lax.mul(lax.slice(v, [0, 0], [1, 2]), 3), [1, 0]))), m);
    checkGrad((v) => total(lax.sin(lax.pad(v, 0.5, [[1, 0, 1], [0, 2, 0]]))), m);
    checkGrad((v) => total(lax.reduceMax(lax.sin(v), [1])), m);
    checkGrad((v) => total(lax.mul(lax.cumsum(v, 1), f64([[1, 2, 3], [4, 5, 6]]))), m);
  });
});

describe('lax jit and vmap equal eager', () => {
  const x = f64([[0.3, -0.7, 1.2], [2.0, 0.1, -0.4]]);
  const fns: [string, (v: Array) => Array][] = [
    ['elementwise', (v) => lax.add(lax.mul(lax.sin(v), 2), lax.logistic(v))],
    ['select/clamp', (v) => lax.select(lax.gt(v, 0), lax.clamp(-0.5, v, 0.5), lax.round(lax.mul(v, 3)))],
    ['pad/rev/slice', (v) => lax.slice(lax.rev(lax.pad(v, 0, [[1, 1, 1]]), [0]), [1], [6], [2])],
    ['dynamic', (v) => lax.dynamicUpdateSlice(v, lax.dynamicSlice(v, [2], [1]), [0])],
    ['dot', (v) => lax.dot(v, f64([1, 2, 3]))],
    ['reduce/cumsum', (v) => lax.cumsum(lax.broadcastInDim(lax.reduceMax(v, [0]), [2], []), 0, true)],
    ['iota/argmax', (v) => lax.add(lax.convertElementType(lax.argmax(v, 0), 'float64'), lax.iota('float64', 1))],
  ];
  for (const [name, fn] of fns) {
    it(name, () => {
      const rows = [0, 1].map((i) => fn(lax.indexInDim(x, i, 0, false)));
      same(jit(fn)(lax.indexInDim(x, 0, 0, false)) as Array, rows[0]);
      const batched = vmap(fn)(x) as Array;
      [0, 1].forEach((i) => same(lax.indexInDim(batched, i, 0, false), rows[i]));
    });
  }
});
