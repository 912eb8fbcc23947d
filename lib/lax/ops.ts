/**
 * `lax.*` by name: thin wrappers that bind the existing primitives with lax semantics. Unlike
 * `np.*` there is no rank broadcasting and no promotion between two Arrays: operands must have the
 * same dtype and shape (a rank-0 Array broadcasts, as in JAX). JS numbers and booleans are weakly
 * typed scalars that take the other operand's dtype, as Python scalars do in lax.
 */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { type DType, unknownDtype, getDefaultFloat, isDType, isFloat, promoteTypes, scalarTypeInfo } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import type { Params } from '../core/ir.js';
import type { Primitive } from '../core/primitive.js';
import { bind1 } from '../core/trace.js';
import * as B from '../primitives/binary.js';
import * as U from '../primitives/elementwise.js';
import * as R from '../primitives/reduce.js';
import * as S from '../primitives/shape.js';
import { DotGeneral } from '../primitives/linalg.js';
import { BitcastConvertType, ShiftLeft, ShiftRightLogical } from '../primitives/random.js';
import { asArray } from '../primitives/convert.js';
import { ALL, FLOATS, INTEGRAL, INTS, NUMERIC } from '../primitives/util.js';

type Kind = readonly DType[];
const shp = (s: readonly number[]): string => `[${s.join(',')}]`;
const desc = (x: ArrayOrScalar): string => (x instanceof Array ? avalStr(x.aval) : `the JS ${typeof x} ${String(x)}`);
const KIND_NAME = new Map<Kind, string>([[FLOATS, 'a floating dtype (float16, float32 or float64)'], [NUMERIC, 'a numeric dtype (an integer or a float)'], [INTEGRAL, 'bool or an integer dtype'], [INTS, 'an integer dtype (int8, uint8, int32 or uint32)'], [ALL, 'any dtype']]);

function checkValue(who: string, x: unknown): ArrayOrScalar {
  if (x instanceof Array || typeof x === 'number' || typeof x === 'boolean') return x;
  const fix = globalThis.Array.isArray(x) ? '; wrap JS data with np.array(...)' : '; pass an Array, a number or a boolean';
  throw new TypeError(`lax.${who}: expected an Array, a number or a boolean, got ${x === null ? 'null' : typeof x}${fix}`);
}

function checkKind(who: string, a: Array, kind: Kind): Array {
  if (kind.includes(a.dtype)) return a;
  const fix = kind === FLOATS ? `; convert first with lax.convertElementType(x, 'float32')` : kind === INTEGRAL ? '; bitwise ops take bool or integer operands' : '';
  throw new TypeError(`lax.${who}: requires ${KIND_NAME.get(kind) ?? kind.join(', ')}, got ${avalStr(a.aval)}${fix}`);
}

/** A JS scalar as a weak 0-d array of `dtype`, refusing values that dtype cannot hold. */
function weakScalar(who: string, v: number | boolean, dtype: DType): Array {
  if (dtype === 'int32' && typeof v === 'number' && !Number.isInteger(v)) {
    throw new TypeError(`lax.${who}: the JS number ${v} is not an integer, so it cannot take the int32 dtype of the other operand; convert the Array with lax.convertElementType(x, 'float32')`);
  }
  if (dtype === 'bool' && typeof v === 'number' && v !== 0 && v !== 1) {
    throw new TypeError(`lax.${who}: the JS number ${v} cannot take the bool dtype of the other operand; pass true or false`);
  }
  return asArray(v, dtype);
}

/** One operand alone: a JS scalar becomes weak (float-only ops take the default float). */
function single(who: string, x: unknown, kind: Kind): Array {
  const v = checkValue(who, x);
  if (v instanceof Array) return checkKind(who, v, kind);
  const t = scalarTypeInfo(v);
  const dtype = kind === FLOATS && !isFloat(t.dtype) ? getDefaultFloat() : t.dtype;
  return checkKind(who, asArray(v, dtype), kind);
}

/** Operands of an n-ary elementwise op: same dtype, same shape or rank 0; JS scalars adapt. */
function operands(who: string, xs: readonly unknown[], kind: Kind, fix: string, shapes = true): [Array[], boolean] {
  const vs = xs.map((x) => checkValue(who, x));
  const arrays = vs.filter((v): v is Array => v instanceof Array);
  let dtype: DType;
  if (arrays.length) {
    dtype = arrays[0].dtype;
    const bad = arrays.find((a) => a.dtype !== dtype);
    if (bad) {
      throw new TypeError(`lax.${who}: operands must have the same dtype, got ${vs.map(desc).join(' and ')}; lax does not promote: convert one with lax.convertElementType(x, '${bad.dtype}')${fix ? `, or ${fix}, which promotes` : ''}`);
    }
    const shaped = arrays.filter((a) => a.ndim > 0);
    const mismatch = shaped.find((a) => shp(a.shape) !== shp(shaped[0].shape));
    if (shapes && mismatch) {
      throw new ShapeError(`lax.${who}: operand shapes must be equal, got ${vs.map(desc).join(' and ')}; lax does no implicit broadcasting: use lax.broadcastInDim to line them up${fix ? `, or ${fix} for numpy broadcasting` : ''}`);
    }
  } else {
    dtype = vs.map((v) => scalarTypeInfo(v as number | boolean)).reduce(promoteTypes).dtype;
    if (kind === FLOATS && !isFloat(dtype)) dtype = getDefaultFloat();
  }
  const out = vs.map((v) => (v instanceof Array ? v : weakScalar(who, v, dtype)));
  out.forEach((a) => checkKind(who, a, kind));
  return [out, out.every((a) => a.weakType)];
}

const binary = (prim: Primitive, who: string, kind: Kind, np?: string) => (x: ArrayOrScalar, y: ArrayOrScalar): Array => {
  const [args, weak] = operands(who, [x, y], kind, np ? `np.${np}` : '');
  return bind1(prim, args, {}, weak && prim !== B.Eq && prim !== B.Ne && prim !== B.Lt && prim !== B.Le && prim !== B.Gt && prim !== B.Ge);
};

const unary = (prim: Primitive, who: string, kind: Kind = FLOATS) => (x: ArrayOrScalar): Array => {
  const a = single(who, x, kind);
  return bind1(prim, [a], {}, a.weakType && prim !== U.IsFinite);
};

// ---- elementwise arithmetic ----
/** x + y elementwise (same dtype and shape). */
export const add = binary(B.Add, 'add', NUMERIC, 'add');
/** x - y elementwise. */
export const sub = binary(B.Sub, 'sub', NUMERIC, 'subtract');
/** x * y elementwise. */
export const mul = binary(B.Mul, 'mul', NUMERIC, 'multiply');
/** x / y elementwise; on int32 it rounds toward zero. */
export const div = binary(B.Div, 'div', NUMERIC, 'divide');
/** Remainder with the sign of the dividend (C fmod). */
export const rem = binary(B.Rem, 'rem', NUMERIC, 'fmod');
/** x ** y elementwise for floating operands of the same dtype. */
export const pow = binary(B.Pow, 'pow', FLOATS, 'power');
/** Elementwise maximum (ties split the gradient evenly). */
export const max = binary(B.Max, 'max', ALL, 'maximum');
/** Elementwise minimum (ties split the gradient evenly). */
export const min = binary(B.Min, 'min', ALL, 'minimum');
/** atan2(x, y) elementwise, the angle of the point (y, x). */
export const atan2 = binary(B.Atan2, 'atan2', FLOATS, 'arctan2');
/** Elementwise x == y (bool result). */
export const eq = binary(B.Eq, 'eq', ALL, 'equal');
/** Elementwise x != y (bool result). */
export const ne = binary(B.Ne, 'ne', ALL, 'notEqual');
/** Elementwise x < y (bool result). */
export const lt = binary(B.Lt, 'lt', ALL, 'less');
/** Elementwise x <= y (bool result). */
export const le = binary(B.Le, 'le', ALL, 'lessEqual');
/** Elementwise x > y (bool result). */
export const gt = binary(B.Gt, 'gt', ALL, 'greater');
/** Elementwise x >= y (bool result). */
export const ge = binary(B.Ge, 'ge', ALL, 'greaterEqual');
/** Logical and on bool, bitwise and on int32. */
export const bitwiseAnd = binary(B.And, 'bitwiseAnd', INTEGRAL, 'bitwiseAnd');
/** Logical or on bool, bitwise or on int32. */
export const bitwiseOr = binary(B.Or, 'bitwiseOr', INTEGRAL, 'bitwiseOr');
/** Logical xor on bool, bitwise xor on int32. */
export const bitwiseXor = binary(B.Xor, 'bitwiseXor', INTEGRAL, 'bitwiseXor');
/** x << y on an integer dtype's bits; shifts outside [0, bit width) give 0. */
export const shiftLeft = binary(ShiftLeft, 'shiftLeft', INTS, '');
/** x >>> y on an integer dtype's bits (zero fill); shifts outside [0, bit width) give 0. */
export const shiftRightLogical = binary(ShiftRightLogical, 'shiftRightLogical', INTS, '');

/** -x elementwise. */
export const neg = unary(U.Neg, 'neg', NUMERIC);
/** |x| elementwise. */
export const abs = unary(U.Abs, 'abs', NUMERIC);
/** -1, 0 or 1 by the sign of x. */
export const sign = unary(U.Sign, 'sign', NUMERIC);
/** Largest integer <= x. */
export const floor = unary(U.Floor, 'floor');
/** Smallest integer >= x. */
export const ceil = unary(U.Ceil, 'ceil');
/** e**x. */
export const exp = unary(U.Exp, 'exp');
/** 2**x. */
export const exp2 = unary(U.Exp2, 'exp2');
/** e**x - 1, accurate near 0. */
export const expm1 = unary(U.Expm1, 'expm1');
/** Natural logarithm. */
export const log = unary(U.Log, 'log');
/** log(1 + x), accurate near 0. */
export const log1p = unary(U.Log1p, 'log1p');
/** Square root. */
export const sqrt = unary(U.Sqrt, 'sqrt');
/** 1 / sqrt(x). */
export const rsqrt = unary(U.Rsqrt, 'rsqrt');
/** Cube root (real, odd). */
export const cbrt = unary(U.Cbrt, 'cbrt');
/** Sine. */
export const sin = unary(U.Sin, 'sin');
/** Cosine. */
export const cos = unary(U.Cos, 'cos');
/** Tangent. */
export const tan = unary(U.Tan, 'tan');
/** Inverse sine. */
export const asin = unary(U.Asin, 'asin');
/** Inverse cosine. */
export const acos = unary(U.Acos, 'acos');
/** Inverse tangent. */
export const atan = unary(U.Atan, 'atan');
/** Hyperbolic sine. */
export const sinh = unary(U.Sinh, 'sinh');
/** Hyperbolic cosine. */
export const cosh = unary(U.Cosh, 'cosh');
/** Hyperbolic tangent. */
export const tanh = unary(U.Tanh, 'tanh');
/** Inverse hyperbolic sine. */
export const asinh = unary(U.Asinh, 'asinh');
/** Inverse hyperbolic cosine. */
export const acosh = unary(U.Acosh, 'acosh');
/** Inverse hyperbolic tangent. */
export const atanh = unary(U.Atanh, 'atanh');
/** The logistic sigmoid 1 / (1 + e**-x). */
export const logistic = unary(U.Logistic, 'logistic');
/** The error function. */
export const erf = unary(U.Erf, 'erf');
/** 1 - erf(x), accurate for large x. */
export const erfc = unary(U.Erfc, 'erfc');
/** Inverse of erf on (-1, 1). */
export const erfInv = unary(U.ErfInv, 'erfInv');
/** log |Γ(x)|. */
export const lgamma = unary(U.Lgamma, 'lgamma');
/** ψ(x) = d/dx lgamma(x). */
export const digamma = unary(U.Digamma, 'digamma');
/** True where x is neither infinite nor NaN (bool result). */
export const isFinite = unary(U.IsFinite, 'isFinite');
/** Logical not on bool, bitwise not on int32. */
export const bitwiseNot = unary(U.Not, 'bitwiseNot', INTEGRAL);

/** Rounds to an integer: half away from zero (lax's default) or half to even. */
export function round(x: ArrayOrScalar, roundingMethod: 'awayFromZero' | 'toNearestEven' = 'awayFromZero'): Array {
  const a = single('round', x, FLOATS);
  if (roundingMethod === 'toNearestEven') return bind1(U.Round, [a], {}, a.weakType);
  if (roundingMethod !== 'awayFromZero') {
    throw new TypeError(`lax.round: roundingMethod must be 'awayFromZero' or 'toNearestEven', got ${String(roundingMethod)}`);
  }
  // trunc(x), then step one away from zero when the (exact) fractional part is at least a half.
  const s = bind1(U.Sign, [a]);
  const t = bind1(B.Mul, [s, bind1(U.Floor, [bind1(U.Abs, [a])])]);
  const frac = bind1(U.Abs, [bind1(B.Sub, [a, t])]);
  return bind1(B.Select, [bind1(B.Ge, [frac, asArray(0.5, a.dtype)]), bind1(B.Add, [t, s]), t], {}, a.weakType);
}

/** x ** y for a static integer y. */
export function integerPow(x: ArrayOrScalar, y: number): Array {
  const a = single('integerPow', x, NUMERIC);
  if (!Number.isInteger(y)) throw new TypeError(`lax.integerPow: the exponent must be a JS integer, got ${String(y)}; use lax.pow for real exponents`);
  if (y < 0 && a.dtype === 'int32') throw new TypeError(`lax.integerPow: negative exponent ${y} of an int32 operand; convert first with lax.convertElementType(x, 'float32')`);
  return bind1(U.IntegerPow, [a], { y }, a.weakType);
}
/** x * x. */
export const square = (x: ArrayOrScalar): Array => integerPow(x, 2);
/** 1 / x (floating operands). */
export const reciprocal = (x: ArrayOrScalar): Array => integerPow(single('reciprocal', x, FLOATS), -1);

/** ψ⁽ᵐ⁾(x) for a static integer order m >= 0 (m = 0 is digamma). */
export function polygamma(m: number, x: ArrayOrScalar): Array {
  const a = single('polygamma', x, FLOATS);
  if (!Number.isInteger(m) || m < 0) throw new TypeError(`lax.polygamma: the order m must be a JS integer >= 0, got ${String(m)}; traced orders are not supported`);
  return m === 0 ? bind1(U.Digamma, [a], {}, a.weakType) : bind1(U.Polygamma, [a], { n: m }, a.weakType);
}

/** Elementwise pred ? onTrue : onFalse; pred is bool, of the cases' shape or rank 0. */
export function select(pred: ArrayOrScalar, onTrue: ArrayOrScalar, onFalse: ArrayOrScalar): Array {
  const p = checkValue('select', pred);
  const pa = p instanceof Array ? p : weakScalar('select', p, 'bool');
  if (pa.dtype !== 'bool') throw new TypeError(`lax.select: pred must be bool, got ${avalStr(pa.aval)}; compare first, e.g. lax.ne(pred, 0)`);
  const [[t, f], weak] = operands('select', [onTrue, onFalse], ALL, 'np.where');
  const caseShape = t.ndim ? t.shape : f.shape;
  if (pa.ndim && shp(pa.shape) !== shp(caseShape) && (t.ndim || f.ndim)) {
    throw new ShapeError(`lax.select: pred ${avalStr(pa.aval)} must be rank 0 or have the cases' shape ${shp(caseShape)}; broadcast it with lax.broadcastInDim, or use np.where for numpy broadcasting`);
  }
  return bind1(B.Select, [pa, t, f], {}, weak);
}

/** min(max(x, lo), hi) elementwise; lo/hi are rank 0 or x's shape and dtype (at a tie the gradient splits 0.5/0.5; JAX gives 0). */
export function clamp(lo: ArrayOrScalar, x: ArrayOrScalar, hi: ArrayOrScalar): Array {
  const [[l, a, h], weak] = operands('clamp', [lo, x, hi], ALL, 'np.clip');
  return bind1(B.Min, [bind1(B.Max, [a, l], {}, weak), h], {}, weak);
}

// ---- dtypes ----
function checkDtypeArg(who: string, d: unknown): DType {
  if (isDType(d)) return d;
  throw unknownDtype(`lax.${who}`, d);
}
/** Casts x to newDtype (float -> int truncates toward zero). */
export function convertElementType(x: ArrayOrScalar, newDtype: DType): Array {
  const a = single('convertElementType', x, ALL);
  const d = checkDtypeArg('convertElementType', newDtype);
  return a.dtype === d && !a.weakType ? a : bind1(S.ConvertElementType, [a], { newDtype: d });
}
/** Reinterprets the bits of x as newDtype (int32 <-> float32; float64 <-> int32[..., 2]). */
export function bitcastConvertType(x: Array, newDtype: DType): Array {
  return bind1(BitcastConvertType, [single('bitcastConvertType', x, ALL)], { newDtype: checkDtypeArg('bitcastConvertType', newDtype) });
}

// ---- shapes ----
function intList(who: string, what: string, xs: unknown): number[] {
  if (!globalThis.Array.isArray(xs) || !xs.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw new TypeError(`lax.${who}: ${what} must be a JS array of integers, got ${xs instanceof Array ? `Array ${avalStr(xs.aval)}` : JSON.stringify(xs)}`);
  }
  return [...(xs as number[])];
}
function axisIn(who: string, d: number, rank: number): number {
  if (d < -rank || d >= rank) throw new ShapeError(`lax.${who}: axis ${d} is out of bounds for rank ${rank}; valid axes are ${-rank} to ${rank - 1}`);
  return d < 0 ? d + rank : d;
}
function axesIn(who: string, ds: unknown, rank: number): number[] {
  const out = intList(who, 'dimensions', ds).map((d) => axisIn(who, d, rank));
  if (new Set(out).size !== out.length) throw new ShapeError(`lax.${who}: repeated axis in [${out}]; name each axis once`);
  return out;
}
function arr(who: string, x: unknown): Array {
  return single(who, x, ALL);
}

/** Broadcasts x to `shape`, operand axis i going to output axis broadcastDimensions[i]. */
export function broadcastInDim(x: ArrayOrScalar, shape: readonly number[], broadcastDimensions: readonly number[]): Array {
  const a = arr('broadcastInDim', x);
  const s = intList('broadcastInDim', 'shape', shape);
  const bd = intList('broadcastInDim', 'broadcastDimensions', broadcastDimensions);
  const okDims = bd.length === a.ndim && bd.every((b, i) => b >= 0 && b < s.length && (i === 0 || b > bd[i - 1]) && (a.shape[i] === 1 || a.shape[i] === s[b]));
  if (!okDims || s.some((d) => d < 0)) {
    throw new ShapeError(`lax.broadcastInDim: cannot broadcast ${avalStr(a.aval)} to ${shp(s)} with broadcastDimensions [${bd}]; give one strictly increasing output axis per operand axis, whose size equals the operand's (or the operand's is 1)`);
  }
  return bind1(S.BroadcastInDim, [a], { shape: s, broadcastDimensions: bd }, a.weakType);
}
/** Adds leading axes of `sizes` to x. */
export function broadcast(x: ArrayOrScalar, sizes: readonly number[]): Array {
  const a = arr('broadcast', x);
  const s = intList('broadcast', 'sizes', sizes);
  return broadcastInDim(a, [...s, ...a.shape], a.shape.map((_, i) => i + s.length));
}
/** Reshapes x (after transposing by `dimensions`, if given) to newSizes; sizes must match. */
export function reshape(x: ArrayOrScalar, newSizes: readonly number[], dimensions?: readonly number[]): Array {
  let a = arr('reshape', x);
  const n = intList('reshape', 'newSizes', newSizes);
  if (dimensions !== undefined) a = transpose(a, dimensions);
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  if (n.some((d) => d < 0) || size(n) !== size(a.shape)) {
    throw new ShapeError(`lax.reshape: cannot reshape ${avalStr(a.aval)} (size ${size(a.shape)}) into ${shp(n)}; lax.reshape takes no -1, give every size`);
  }
  return bind1(S.Reshape, [a], { newSizes: n }, a.weakType);
}
/** Permutes the axes of x: output axis i is input axis permutation[i]. */
export function transpose(x: ArrayOrScalar, permutation: readonly number[]): Array {
  const a = arr('transpose', x);
  const p = intList('transpose', 'permutation', permutation);
  if (p.length !== a.ndim || [...p].sort((u, v) => u - v).some((d, i) => d !== i)) {
    throw new ShapeError(`lax.transpose: [${p}] is not a permutation of the ${a.ndim} axes of ${avalStr(a.aval)}; list each of 0..${a.ndim - 1} once`);
  }
  return bind1(S.Transpose, [a], { permutation: p }, a.weakType);
}
/** Removes the size-1 axes `dimensions`. */
export function squeeze(x: ArrayOrScalar, dimensions: readonly number[]): Array {
  const a = arr('squeeze', x);
  const ds = axesIn('squeeze', dimensions, a.ndim);
  const bad = ds.find((d) => a.shape[d] !== 1);
  if (bad !== undefined) throw new ShapeError(`lax.squeeze: axis ${bad} of ${avalStr(a.aval)} has size ${a.shape[bad]}, not 1; only size-1 axes can be squeezed`);
  return bind1(S.Squeeze, [a], { dimensions: ds.sort((u, v) => u - v) }, a.weakType);
}
/** Inserts size-1 axes at `dimensions` (positions in the output). */
export function expandDims(x: ArrayOrScalar, dimensions: readonly number[]): Array {
  const a = arr('expandDims', x);
  const ds = axesIn('expandDims', dimensions, a.ndim + intList('expandDims', 'dimensions', dimensions).length);
  return bind1(S.ExpandDims, [a], { dimensions: ds.sort((u, v) => u - v) }, a.weakType);
}
/** Reverses x along `dimensions`. */
export function rev(x: ArrayOrScalar, dimensions: readonly number[]): Array {
  const a = arr('rev', x);
  return bind1(S.Rev, [a], { dimensions: axesIn('rev', dimensions, a.ndim) }, a.weakType);
}
/** Static slice x[start:limit:stride] on every axis. */
export function slice(x: ArrayOrScalar, startIndices: readonly number[], limitIndices: readonly number[], strides?: readonly number[] | null): Array {
  const a = arr('slice', x);
  const s = intList('slice', 'startIndices', startIndices);
  const l = intList('slice', 'limitIndices', limitIndices);
  const st = strides ? intList('slice', 'strides', strides) : null;
  const n = a.ndim;
  if (s.length !== n || l.length !== n || (st && st.length !== n)) {
    throw new ShapeError(`lax.slice: startIndices [${s}], limitIndices [${l}]${st ? ` and strides [${st}]` : ''} need one entry per axis of ${avalStr(a.aval)}`);
  }
  a.shape.forEach((d, i) => {
    if (!(s[i] >= 0 && s[i] <= l[i] && l[i] <= d && (!st || st[i] >= 1))) {
      throw new ShapeError(`lax.slice: invalid slice on axis ${i} of ${avalStr(a.aval)}: start ${s[i]}, limit ${l[i]}${st ? `, stride ${st[i]}` : ''}; need 0 <= start <= limit <= ${d} and stride >= 1 (no negative indices in lax)`);
    }
  });
  return bind1(S.Slice, [a], { startIndices: s, limitIndices: l, strides: st }, a.weakType);
}
/** slice along one axis: x[..., start:limit:stride, ...]. */
export function sliceInDim(x: ArrayOrScalar, startIndex: number, limitIndex: number, stride = 1, axis = 0): Array {
  const a = arr('sliceInDim', x);
  const ax = axisIn('sliceInDim', axis, a.ndim);
  return slice(a, a.shape.map((_, i) => (i === ax ? startIndex : 0)), a.shape.map((d, i) => (i === ax ? limitIndex : d)), a.shape.map((_, i) => (i === ax ? stride : 1)));
}
/** x[..., index, ...] along `axis`, keeping the axis when keepdims. */
export function indexInDim(x: ArrayOrScalar, index: number, axis = 0, keepdims = true): Array {
  const a = arr('indexInDim', x);
  const ax = axisIn('indexInDim', axis, a.ndim);
  const i = index < 0 ? index + a.shape[ax] : index;
  const out = sliceInDim(a, i, i + 1, 1, ax);
  return keepdims ? out : bind1(S.Squeeze, [out], { dimensions: [ax] }, a.weakType);
}

function startIdx(who: string, idx: unknown, rank: number): Array[] {
  if (!globalThis.Array.isArray(idx)) throw new TypeError(`lax.${who}: startIndices must be a JS array of int32 scalars or integers, one per axis`);
  if (idx.length !== rank) throw new ShapeError(`lax.${who}: expected ${rank} start indices (one per axis), got ${idx.length}`);
  return (idx as unknown[]).map((i) => {
    const v = checkValue(who, i);
    const a = v instanceof Array ? v : weakScalar(who, v, 'int32');
    if (a.dtype !== 'int32' || a.ndim !== 0) throw new TypeError(`lax.${who}: start indices must be int32 scalars, got ${avalStr(a.aval)}; convert with lax.convertElementType(i, 'int32')`);
    return a;
  });
}
/** Slice of sliceSizes at (traced) startIndices, clamped to stay in bounds. */
export function dynamicSlice(x: ArrayOrScalar, startIndices: readonly ArrayOrScalar[], sliceSizes: readonly number[]): Array {
  const a = arr('dynamicSlice', x);
  const idx = startIdx('dynamicSlice', startIndices, a.ndim);
  const ss = intList('dynamicSlice', 'sliceSizes', sliceSizes);
  if (ss.length !== a.ndim || ss.some((d, i) => d < 0 || d > a.shape[i])) {
    throw new ShapeError(`lax.dynamicSlice: sliceSizes [${ss}] must have one entry per axis and fit in ${avalStr(a.aval)}`);
  }
  return bind1(S.DynamicSlice, [a, ...idx], { sliceSizes: ss }, a.weakType);
}
/** Writes update into x at (traced) startIndices, clamped to stay in bounds. */
export function dynamicUpdateSlice(x: ArrayOrScalar, update: ArrayOrScalar, startIndices: readonly ArrayOrScalar[]): Array {
  const a = arr('dynamicUpdateSlice', x);
  const u0 = checkValue('dynamicUpdateSlice', update);
  const u = u0 instanceof Array ? u0 : weakScalar('dynamicUpdateSlice', u0, a.dtype);
  if (u.dtype !== a.dtype) throw new TypeError(`lax.dynamicUpdateSlice: update ${avalStr(u.aval)} must have the operand's dtype (${avalStr(a.aval)}); convert it with lax.convertElementType(update, '${a.dtype}')`);
  if (u.ndim !== a.ndim || u.shape.some((d, i) => d > a.shape[i])) {
    throw new ShapeError(`lax.dynamicUpdateSlice: update ${avalStr(u.aval)} must have the operand's rank and fit in ${avalStr(a.aval)}; reshape it with lax.expandDims`);
  }
  return bind1(S.DynamicUpdateSlice, [a, u, ...startIdx('dynamicUpdateSlice', startIndices, a.ndim)], {}, a.weakType && u.weakType);
}
const zeroIdx = (n: number, ax: number, i: ArrayOrScalar): ArrayOrScalar[] => globalThis.Array.from({ length: n }, (_, k) => (k === ax ? i : 0));
/** dynamicSlice along one axis: sliceSize entries from a (traced) start. */
export function dynamicSliceInDim(x: ArrayOrScalar, startIndex: ArrayOrScalar, sliceSize: number, axis = 0): Array {
  const a = arr('dynamicSliceInDim', x);
  const ax = axisIn('dynamicSliceInDim', axis, a.ndim);
  return dynamicSlice(a, zeroIdx(a.ndim, ax, startIndex), a.shape.map((d, i) => (i === ax ? sliceSize : d)));
}
/** x[..., index, ...] along `axis` at a (traced) index, keeping the axis when keepdims. */
export function dynamicIndexInDim(x: ArrayOrScalar, index: ArrayOrScalar, axis = 0, keepdims = true): Array {
  const a = arr('dynamicIndexInDim', x);
  const ax = axisIn('dynamicIndexInDim', axis, a.ndim);
  const out = dynamicSliceInDim(a, index, 1, ax);
  return keepdims ? out : bind1(S.Squeeze, [out], { dimensions: [ax] }, a.weakType);
}
/** dynamicUpdateSlice along one axis at a (traced) start. */
export function dynamicUpdateSliceInDim(x: ArrayOrScalar, update: ArrayOrScalar, startIndex: ArrayOrScalar, axis: number): Array {
  const a = arr('dynamicUpdateSliceInDim', x);
  return dynamicUpdateSlice(a, update, zeroIdx(a.ndim, axisIn('dynamicUpdateSliceInDim', axis, a.ndim), startIndex));
}
/** Joins arrays of one dtype along `dimension`; other axes must match. */
export function concatenate(operands: readonly ArrayOrScalar[], dimension: number): Array {
  if (!globalThis.Array.isArray(operands) || operands.length === 0) throw new TypeError('lax.concatenate: operands must be a non-empty JS array of Arrays, e.g. lax.concatenate([x, y], 0)');
  const xs = operands.map((o) => arr('concatenate', o));
  const [x] = xs;
  if (x.ndim === 0) throw new ShapeError('lax.concatenate: cannot concatenate rank-0 arrays; expand them first with lax.expandDims(x, [0])');
  const d = axisIn('concatenate', dimension, x.ndim);
  if (xs.some((a) => a.dtype !== x.dtype)) {
    throw new TypeError(`lax.concatenate: operands must have the same dtype, got ${xs.map((a) => avalStr(a.aval)).join(', ')}; convert with lax.convertElementType, or use np.concatenate, which promotes`);
  }
  if (xs.some((a) => a.ndim !== x.ndim || a.shape.some((s, i) => i !== d && s !== x.shape[i]))) {
    throw new ShapeError(`lax.concatenate: operands must have the same shape except on axis ${d}, got ${xs.map((a) => avalStr(a.aval)).join(', ')}`);
  }
  return bind1(S.Concatenate, xs, { dimension: d }, xs.every((a) => a.weakType));
}
/** Pads x with paddingValue; paddingConfig holds [low, high, interior] per axis (low/high may be negative). */
export function pad(x: ArrayOrScalar, paddingValue: ArrayOrScalar, paddingConfig: readonly (readonly [number, number, number])[]): Array {
  const [[a, v], weak] = operands('pad', [x, paddingValue], ALL, '');
  if (v.ndim !== 0) throw new ShapeError(`lax.pad: paddingValue must be a scalar, got ${avalStr(v.aval)}`);
  if (!globalThis.Array.isArray(paddingConfig) || paddingConfig.length !== a.ndim || !paddingConfig.every((c) => globalThis.Array.isArray(c) && c.length === 3 && c.every(Number.isInteger))) {
    throw new ShapeError(`lax.pad: paddingConfig needs one [low, high, interior] integer triple per axis of ${avalStr(a.aval)}, got ${JSON.stringify(paddingConfig)}`);
  }
  const out = a.shape.map((d, i) => { const [lo, hi, it] = paddingConfig[i]; return lo + hi + d + Math.max(0, d - 1) * it; });
  if (paddingConfig.some(([, , it]) => it < 0) || out.some((d) => d < 0)) {
    throw new ShapeError(`lax.pad: paddingConfig ${JSON.stringify(paddingConfig)} gives a negative size for ${avalStr(a.aval)}; interior must be >= 0 and cropping cannot exceed the axis`);
  }
  return bind1(S.Pad, [a, v], { config: paddingConfig.map((c) => [c[0], c[1], c[2]] as const) }, weak);
}
/** [0, 1, ..., size - 1] of `dtype`. */
export function iota(dtype: DType, size: number): Array {
  return broadcastedIota(dtype, [size], 0);
}
/** An array of `shape` whose entries are their index along `dimension`. */
export function broadcastedIota(dtype: DType, shape: readonly number[], dimension: number): Array {
  const d = checkDtypeArg('broadcastedIota', dtype);
  const s = intList('broadcastedIota', 'shape', shape);
  if (s.some((n) => n < 0)) throw new ShapeError(`lax.broadcastedIota: invalid shape ${shp(s)}; sizes must be >= 0`);
  return bind1(S.Iota, [], { dtype: d, shape: s, dimension: axisIn('broadcastedIota', dimension, s.length) });
}
/** An array of `shape` filled with fillValue (dtype from the value unless given). */
export function full(shape: readonly number[], fillValue: ArrayOrScalar, dtype?: DType): Array {
  let v = arr('full', fillValue);
  if (v.ndim !== 0) throw new ShapeError(`lax.full: fillValue must be a scalar, got ${avalStr(v.aval)}; use lax.broadcastInDim for arrays`);
  if (dtype !== undefined) v = convertElementType(v, dtype);
  return broadcastInDim(v, shape, []);
}

/** An array like x (its shape and dtype unless given) filled with fillValue. */
export function fullLike(x: Array, fillValue: ArrayOrScalar, dtype?: DType, shape?: readonly number[]): Array {
  const a = arr('fullLike', x);
  return full(shape ?? a.shape, fillValue, dtype ?? a.dtype);
}
/** Merges axes [startDimension, stopDimension) of x into one. */
export function collapse(x: ArrayOrScalar, startDimension: number, stopDimension?: number): Array {
  const a = arr('collapse', x);
  const stop = stopDimension ?? a.ndim;
  if (!Number.isInteger(startDimension) || !Number.isInteger(stop) || startDimension < 0 || startDimension > stop || stop > a.ndim) {
    throw new ShapeError(`lax.collapse: need 0 <= startDimension <= stopDimension <= ${a.ndim} for ${avalStr(a.aval)}, got ${startDimension} and ${stop}`);
  }
  const merged = a.shape.slice(startDimension, stop).reduce((p, d) => p * d, 1);
  return reshape(a, [...a.shape.slice(0, startDimension), merged, ...a.shape.slice(stop)]);
}
/** Splits x along `axis` into pieces of the given sizes (which must sum to the axis). */
export function split(x: ArrayOrScalar, sizes: readonly number[], axis = 0): Array[] {
  const a = arr('split', x);
  const ax = axisIn('split', axis, a.ndim);
  const ss = intList('split', 'sizes', sizes);
  if (ss.some((d) => d < 0) || ss.reduce((p, d) => p + d, 0) !== a.shape[ax]) {
    throw new ShapeError(`lax.split: sizes [${ss}] must be >= 0 and sum to ${a.shape[ax]}, the size of axis ${ax} of ${avalStr(a.aval)}`);
  }
  let start = 0;
  return ss.map((d) => { start += d; return sliceInDim(a, start - d, start, 1, ax); });
}

// ---- contractions ----
/** Contracting and batch axes: [[lhsContract, rhsContract], [lhsBatch, rhsBatch]]. */
export type DotDimensionNumbers = readonly [readonly [readonly number[], readonly number[]], readonly [readonly number[], readonly number[]]];

/** General dot product; output axes are batch, then lhs free, then rhs free. */
export function dotGeneral(lhs: Array, rhs: Array, dimensionNumbers: DotDimensionNumbers): Array {
  const [[a, b]] = operands('dotGeneral', [lhs, rhs], NUMERIC, '', false);
  const [[lc, rc], [lb, rb]] = dimensionNumbers;
  const norm = (ds: readonly number[], n: number) => intList('dotGeneral', 'dimension numbers', ds).map((d) => axisIn('dotGeneral', d, n));
  const [lcn, rcn, lbn, rbn] = [norm(lc, a.ndim), norm(rc, b.ndim), norm(lb, a.ndim), norm(rb, b.ndim)];
  if (new Set([...lcn, ...lbn]).size !== lcn.length + lbn.length || new Set([...rcn, ...rbn]).size !== rcn.length + rbn.length) {
    throw new ShapeError(`lax.dotGeneral: an axis is named twice in ${JSON.stringify(dimensionNumbers)}`);
  }
  const pairs = (x: number[], y: number[], what: string) => {
    if (x.length !== y.length || x.some((d, i) => a.shape[d] !== b.shape[y[i]])) {
      throw new ShapeError(`lax.dotGeneral: ${what} dimensions must pair up with equal sizes, got lhs ${avalStr(a.aval)} axes [${x}] and rhs ${avalStr(b.aval)} axes [${y}]`);
    }
  };
  pairs(lcn, rcn, 'contracting');
  pairs(lbn, rbn, 'batch');
  return bind1(DotGeneral, [a, b], { contracting: [lcn, rcn], batch: [lbn, rbn] });
}
/** Vector/matrix product of rank-1 or rank-2 operands, contracting lhs's last axis with rhs's first. */
export function dot(lhs: Array, rhs: Array): Array {
  const [[a, b]] = operands('dot', [lhs, rhs], NUMERIC, '', false);
  if (a.ndim < 1 || a.ndim > 2 || b.ndim < 1 || b.ndim > 2 || a.shape[a.ndim - 1] !== b.shape[0]) {
    throw new ShapeError(`lax.dot: incompatible shapes ${avalStr(a.aval)} and ${avalStr(b.aval)}; lax.dot takes rank 1 or 2 operands with lhs's last axis equal to rhs's first: use lax.dotGeneral or np.matmul otherwise`);
  }
  return bind1(DotGeneral, [a, b], { contracting: [[a.ndim - 1], [0]], batch: [[], []] });
}
/** Batched matrix product of [..., m, k] and [..., k, n] operands of equal rank >= 2 (no broadcasting). */
export function batchMatmul(lhs: Array, rhs: Array): Array {
  const [[a, b]] = operands('batchMatmul', [lhs, rhs], NUMERIC, '', false);
  const n = a.ndim;
  if (n < 2 || b.ndim !== n || a.shape.slice(0, -2).some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`lax.batchMatmul: operands need equal rank >= 2 and equal batch axes, got ${avalStr(a.aval)} and ${avalStr(b.aval)}; use np.matmul for broadcasting`);
  }
  const batch = a.shape.slice(0, -2).map((_, i) => i);
  return dotGeneral(a, b, [[[n - 1], [n - 2]], [batch, batch]]);
}

// ---- reductions ----
const reducer = <P extends Params>(prim: Primitive<P>, who: string, kind: Kind) => (x: ArrayOrScalar, axes: readonly number[]): Array => {
  const a = single(who, x, kind);
  const ax = axesIn(who, axes, a.ndim).sort((u, v) => u - v);
  return bind1(prim as Primitive, [a], { axes: ax }, a.weakType);
};
/** Sums x over `axes`. */
export const reduceSum = reducer(R.ReduceSum, 'reduceSum', NUMERIC);
/** Multiplies x over `axes`. */
export const reduceProd = reducer(R.ReduceProd, 'reduceProd', NUMERIC);
/** Maximum of x over `axes`. */
export const reduceMax = reducer(R.ReduceMax, 'reduceMax', ALL);
/** Minimum of x over `axes`. */
export const reduceMin = reducer(R.ReduceMin, 'reduceMin', ALL);
/** Logical and of a bool x over `axes`. */
export const reduceAnd = reducer(R.ReduceMin, 'reduceAnd', ['bool']);
/** Logical or of a bool x over `axes`. */
export const reduceOr = reducer(R.ReduceMax, 'reduceOr', ['bool']);

const arg = (prim: Primitive<R.ArgParams>, who: string) => (x: ArrayOrScalar, axis: number, indexDtype: DType = 'int32'): Array => {
  const a = single(who, x, ALL);
  if (indexDtype !== 'int32') throw new TypeError(`lax.${who}: indexDtype must be 'int32' (the only integer dtype), got ${String(indexDtype)}`);
  const ax = axisIn(who, axis, a.ndim);
  if (a.shape[ax] === 0) throw new ShapeError(`lax.${who}: axis ${ax} of ${avalStr(a.aval)} is empty`);
  return bind1(prim, [a], { axis: ax });
};
/** Index of the first maximum along `axis`. */
export const argmax = arg(R.Argmax, 'argmax');
/** Index of the first minimum along `axis`. */
export const argmin = arg(R.Argmin, 'argmin');

/** Cumulative sum along `axis` (from the end when reverse). */
export function cumsum(x: ArrayOrScalar, axis = 0, reverse = false): Array {
  const a = single('cumsum', x, NUMERIC);
  return bind1(R.Cumsum, [a], { axis: axisIn('cumsum', axis, a.ndim), reverse }, a.weakType);
}
