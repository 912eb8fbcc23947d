/**
 * More of `jax.lax` by name, composed from the existing lax functions (no new primitives): integer
 * bit tricks (arithmetic shift, population count, leading zeros, mulhi), nextafter and
 * reducePrecision on the float bits, selectN, shape helpers, the monoid `reduce`, and the lax
 * special functions (re-exported from ./special.ts). lax's strictness holds throughout: operands of
 * one dtype, no implicit broadcasting (rank-0 Arrays broadcast, as in JAX), JS numbers as weak
 * scalars of the other operand's dtype.
 */
import { Array, type ArrayOrScalar } from '../core/array.js';
import { type DType, isDType, isFloat, isInt, scalarTypeInfo, unknownDtype } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { customJvp } from '../control/custom.js';
import { nextafter as npNextafter } from '../numpy/elementwise-more.js';
import { take } from '../numpy/indexing.js';
import { stack } from '../numpy/shape.js';
import {
  add, bitcastConvertType, bitwiseAnd, bitwiseNot, bitwiseOr, bitwiseXor, broadcast, broadcastInDim, concatenate,
  convertElementType, dynamicUpdateSliceInDim, eq, expandDims, full, lt, max, min, mul, ne, reduceAnd, reduceMax,
  reduceMin, reduceOr, reduceProd, reduceSum, reshape, select, shiftLeft, shiftRightLogical, sliceInDim, sub, transpose,
} from './ops.js';

export { igamma, igammac, igammaGradA, randomGammaGrad, betainc, zeta, besselI0e, besselI1e } from './special.js';

const shp = (s: readonly number[]): string => `[${s.join(',')}]`;
const desc = (x: unknown): string => (x instanceof Array ? avalStr(x.aval) : x === null ? 'null' : `the JS ${typeof x} ${String(x)}`);

/** x as an Array: a JS number or boolean becomes a weak scalar of its own type. */
function arrayArg(who: string, x: unknown): Array {
  if (x instanceof Array) return x;
  if (typeof x === 'number' || typeof x === 'boolean') return convertElementType(x, scalarTypeInfo(x).dtype);
  const fix = globalThis.Array.isArray(x) ? '; wrap JS data with np.array(...)' : '; pass an Array, a number or a boolean';
  throw new TypeError(`lax.${who}: expected an Array, a number or a boolean, got ${desc(x)}${fix}`);
}

/** Runs `f`, renaming the lax function its errors name (`lax.<inner>:`) to `lax.<who>:`, the function called. */
function asLax<T>(who: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && /^lax\.\w+:/.test(e.message)) {
      const E = e instanceof ShapeError ? ShapeError : TypeError;
      throw new E(e.message.replace(/^lax\.\w+:/, `lax.${who}:`));
    }
    throw e;
  }
}

/** An int32 operand (refusing other dtypes with the fix). */
function int32Arg(who: string, x: unknown): Array {
  const a = intArg(who, x);
  if (a.dtype !== 'int32') throw new TypeError(`lax.${who}: requires an int32 operand, got ${desc(a)}; convert it with lax.convertElementType(x, 'int32')`);
  return a;
}

/** An integer operand of any integer dtype, a JS integer as int32. */
function intArg(who: string, x: unknown): Array {
  const a = typeof x === 'number' && Number.isInteger(x) ? convertElementType(x, 'int32') : arrayArg(who, x);
  if (!isInt(a.dtype)) throw new TypeError(`lax.${who}: requires an integer operand, got ${desc(a)}; convert it with lax.convertElementType(x, 'int32')`);
  return a;
}

/**
 * An integer operand's bits as an int32 (zero-extended from 8 bits), its width, and the way back
 * to its dtype: the bit counts below are written once, on int32.
 */
function asBits(who: string, x: unknown): { bits: Array; width: number; back: (r: Array) => Array } {
  const a = intArg(who, x);
  const width = a.dtype === 'int8' || a.dtype === 'uint8' ? 8 : 32;
  const wide = a.dtype === 'int32' ? a : convertElementType(a, 'int32');
  return { bits: width === 8 ? bitwiseAnd(wide, 0xff) : wide, width, back: (r) => (a.dtype === 'int32' ? r : convertElementType(r, a.dtype)) };
}

function intList(who: string, what: string, xs: unknown): number[] {
  if (!globalThis.Array.isArray(xs) || !xs.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw new TypeError(`lax.${who}: ${what} must be a JS array of integers, got ${xs instanceof Array ? `Array ${avalStr(xs.aval)}` : JSON.stringify(xs)}`);
  }
  return [...(xs as number[])];
}

function axisIn(who: string, d: unknown, rank: number): number {
  if (typeof d !== 'number' || !Number.isInteger(d) || d < -rank || d >= rank) {
    throw new ShapeError(`lax.${who}: axis ${String(d)} is out of bounds for rank ${rank}; valid axes are ${-rank} to ${rank - 1}`);
  }
  return d < 0 ? d + rank : d;
}

// ---- bits and integers ----

/**
 * x >> y with sign fill (JAX's shift_right_arithmetic; on unsigned dtypes the same as the logical
 * shift); shifts outside [0, bit width) give 0 or -1. A JS number takes the Array operand's dtype.
 */
export function shiftRightArithmetic(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const other = [x, y].find((v): v is Array => v instanceof Array && isInt(v.dtype));
  const operand = (v: ArrayOrScalar): Array => (other && typeof v === 'number' ? convertElementType(v, other.dtype) : intArg('shiftRightArithmetic', v));
  const a = operand(x);
  const s = operand(y);
  // lax.shiftRightLogical checks the shapes. For negative x, ~x >= 0, so ~((~x) >>> s) fills ones.
  const logical = asLax('shiftRightArithmetic', () => shiftRightLogical(a, s));
  return select(lt(a, 0), bitwiseNot(shiftRightLogical(bitwiseNot(a), s)), logical);
}

/** The number of 1 bits in each integer's two's complement pattern (same dtype; int32 -1 gives 32). */
export function populationCount(x: ArrayOrScalar): Array {
  const { bits: a, back } = asBits('populationCount', x);
  // SWAR on the low 31 bits (non-negative, so no intermediate overflows), plus the sign bit.
  let v = bitwiseAnd(a, 0x7fffffff);
  v = sub(v, bitwiseAnd(shiftRightLogical(v, 1), 0x55555555));
  v = add(bitwiseAnd(v, 0x33333333), bitwiseAnd(shiftRightLogical(v, 2), 0x33333333));
  v = bitwiseAnd(add(v, shiftRightLogical(v, 4)), 0x0f0f0f0f);
  v = add(v, shiftRightLogical(v, 8));
  v = bitwiseAnd(add(v, shiftRightLogical(v, 16)), 0x3f);
  return back(add(v, select(lt(a, 0), 1, 0)));
}

/** The number of leading zero bits of each integer in its dtype's width (int32: 32 for 0, 0 for negative values), JAX's clz. */
export function clz(x: ArrayOrScalar): Array {
  const { bits: a, width, back } = asBits('clz', x);
  // Binary search on the top bits: whenever the top `s` bits are all zero, count them and shift them out.
  let n = mul(a, 0);
  let y = a;
  for (const s of [16, 8, 4, 2, 1]) {
    const zero = eq(shiftRightLogical(y, 32 - s), 0);
    n = add(n, select(zero, s, 0));
    y = select(zero, shiftLeft(y, s), y);
  }
  return back(sub(select(eq(a, 0), 32, n), 32 - width));
}

/** The high 32 bits of the signed 64-bit product of two int32s (JAX's mulhi on int32). */
export function mulhi(x: ArrayOrScalar, y: ArrayOrScalar): Array {
  const a = int32Arg('mulhi', x);
  const b = int32Arg('mulhi', y);
  asLax('mulhi', () => mul(a, b)); // checks the shapes
  // Unsigned 32x32 -> high 32 from 16-bit limbs (Hacker's Delight mulhu), with int32 arithmetic
  // wrapping mod 2^32; then the signed correction mulhs = mulhu - (a < 0 ? b : 0) - (b < 0 ? a : 0).
  const lo = (v: Array): Array => bitwiseAnd(v, 0xffff);
  const hi = (v: Array): Array => shiftRightLogical(v, 16);
  const t = mul(lo(a), lo(b));
  const w1 = add(mul(hi(a), lo(b)), hi(t));
  const w2 = add(mul(lo(a), hi(b)), lo(w1));
  const hu = add(add(mul(hi(a), hi(b)), hi(w1)), hi(w2));
  return sub(sub(hu, select(lt(a, 0), b, 0)), select(lt(b, 0), a, 0));
}

/** The next representable float after x1 towards x2 (float32 or float64, same dtype; exact, on the bits). */
export function nextafter(x1: ArrayOrScalar, x2: ArrayOrScalar): Array {
  // lax.sub checks same dtype and shape (JS numbers weak); the float check follows.
  const d = asLax('nextafter', () => sub(x1, x2));
  if (d.dtype !== 'float32' && d.dtype !== 'float64') {
    throw new TypeError(`lax.nextafter: requires float32 or float64 operands, got ${desc(x1)} and ${desc(x2)}; convert with lax.convertElementType(x, 'float32')`);
  }
  const [a, b] = [x1, x2].map((v) => (v instanceof Array ? v : convertElementType(v, d.dtype)));
  return npNextafter(a, b);
}

/** Elementwise xor of int32 or bool x over `axes`. */
export function reduceXor(x: ArrayOrScalar, axes: readonly number[]): Array {
  const a = arrayArg('reduceXor', x);
  if (a.dtype !== 'int32' && a.dtype !== 'bool') throw new TypeError(`lax.reduceXor: requires a bool or int32 operand, got ${avalStr(a.aval)}`);
  return foldAxes('reduceXor', a, axes, bitwiseXor, a.dtype === 'bool' ? false : 0);
}

/**
 * Reduces `axes` of a by a binary elementwise monoid `op` with identity `unit`: the axes move last
 * and are flattened, then halves are combined pairwise (log2 n steps), padding odd lengths with the unit.
 */
function foldAxes(who: string, a: Array, axes: readonly number[], op: (u: Array, v: Array) => Array, unit: number | boolean): Array {
  const ax = intList(who, 'axes', axes).map((d) => axisIn(who, d, a.ndim));
  if (new Set(ax).size !== ax.length) throw new ShapeError(`lax.${who}: repeated axis in [${ax}]; name each axis once`);
  const keep = a.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const outShape = keep.map((i) => a.shape[i]);
  let n = ax.reduce((p, i) => p * a.shape[i], 1);
  let v = reshape(transpose(a, [...keep, ...ax]), [...outShape, n]);
  const last = outShape.length;
  if (n === 0) return full(outShape, unit, a.dtype);
  while (n > 1) {
    if (n % 2) { v = concatenate([v, full([...outShape, 1], unit, a.dtype)], last); n += 1; }
    v = op(sliceInDim(v, 0, n / 2, 1, last), sliceInDim(v, n / 2, n, 1, last));
    n /= 2;
  }
  return reshape(v, outShape);
}

// ---- selection and shapes ----

/**
 * cases[which] elementwise (JAX's select_n): `which` is bool (with one or two cases) or int32 in
 * [0, cases.length); it has the cases' shape or rank 0. The cases share one dtype and shape.
 */
export function selectN(which: ArrayOrScalar, ...cases: ArrayOrScalar[]): Array {
  const w = arrayArg('selectN', which);
  if (cases.length === 0) throw new TypeError('lax.selectN: needs at least one case, e.g. lax.selectN(which, x0, x1)');
  if (w.dtype !== 'bool' && w.dtype !== 'int32') throw new TypeError(`lax.selectN: which must be bool or int32, got ${avalStr(w.aval)}; convert with lax.convertElementType(which, 'int32')`);
  if (w.dtype === 'bool' && cases.length > 2) throw new TypeError(`lax.selectN: a bool which selects between at most 2 cases, got ${cases.length}; use an int32 which`);
  if (cases.length === 1) {
    const c = arrayArg('selectN', cases[0]);
    if (w.ndim && c.ndim && shp(w.shape) !== shp(c.shape)) throw new ShapeError(`lax.selectN: which ${avalStr(w.aval)} must be rank 0 or have the cases' shape ${shp(c.shape)}`);
    return c;
  }
  // Checks dtypes and shapes of all cases at once (lax.select's own errors name the fix).
  return asLax('selectN', () => {
    let out = select(w.dtype === 'bool' ? w : eq(w, 1), cases[1], cases[0]);
    for (let i = 2; i < cases.length; i++) out = select(eq(w, i), cases[i], out);
    return out;
  });
}

/** Adds leading size-1 axes to x until it has rank `rank` (JAX's broadcast_to_rank). */
export function broadcastToRank(x: ArrayOrScalar, rank: number): Array {
  const a = arrayArg('broadcastToRank', x);
  if (!Number.isInteger(rank) || rank < a.ndim) throw new ShapeError(`lax.broadcastToRank: rank must be an integer >= the rank of ${avalStr(a.aval)}, got ${String(rank)}`);
  return rank === a.ndim ? a : broadcast(a, new globalThis.Array<number>(rank - a.ndim).fill(1));
}

/** The numpy broadcast of shapes (right-aligned; size 1 stretches), as a JS array. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const ss = shapes.map((s) => intList('broadcastShapes', 'each shape', s));
  const n = Math.max(0, ...ss.map((s) => s.length));
  const out = new globalThis.Array<number>(n).fill(1);
  for (const s of ss) {
    s.forEach((d, i) => {
      const k = n - s.length + i;
      if (d < 0 || (d !== 1 && out[k] !== 1 && out[k] !== d)) {
        throw new ShapeError(`lax.broadcastShapes: shapes ${ss.map(shp).join(', ')} do not broadcast: axis ${k} has sizes ${out[k]} and ${d}; sizes must be equal or 1`);
      }
      if (d !== 1) out[k] = d;
    });
  }
  return out;
}

/** x repeated reps[i] times along each axis (reps may be longer than x's rank: x gets leading axes). */
export function tile(x: ArrayOrScalar, reps: readonly number[]): Array {
  let a = arrayArg('tile', x);
  const r = intList('tile', 'reps', reps);
  if (r.some((d) => d < 0)) throw new ShapeError(`lax.tile: reps [${r}] must be >= 0`);
  if (r.length < a.ndim) throw new ShapeError(`lax.tile: reps [${r}] needs one entry per axis of ${avalStr(a.aval)}; pad it with leading 1s`);
  a = broadcastToRank(a, r.length);
  // [r0, d0, r1, d1, ...] by broadcasting, then merge each pair.
  const b = broadcastInDim(a, a.shape.flatMap((d, i) => [r[i], d]), a.shape.map((_, i) => 2 * i + 1));
  return reshape(b, a.shape.map((d, i) => d * r[i]));
}

/** An array of `shape` and `dtype` (zeros: XLA leaves it unspecified, this fills it with 0). */
export function empty(shape: readonly number[], dtype: DType): Array {
  if (!isDType(dtype)) throw unknownDtype('lax.empty', dtype);
  return full(intList('empty', 'shape', shape), dtype === 'bool' ? false : 0, dtype);
}

/** The dtype name of an Array, a JS value (numbers: int32 if integral, else the default float) or a dtype name. */
export function dtype(x: ArrayOrScalar | DType): DType {
  if (x instanceof Array) return x.dtype;
  if (typeof x === 'number' || typeof x === 'boolean') return scalarTypeInfo(x).dtype;
  if (isDType(x)) return x;
  throw new TypeError(`lax.dtype: expected an Array, a JS number or boolean, or a dtype name, got ${desc(x)}`);
}

/**
 * Writes `update` into operand at a (traced) index along `axis`; update has operand's shape without
 * that axis (or with it, of size 1). The index is clamped into range, as dynamicUpdateSlice's.
 */
export function dynamicUpdateIndexInDim(operand: ArrayOrScalar, update: ArrayOrScalar, index: ArrayOrScalar, axis: number): Array {
  const a = arrayArg('dynamicUpdateIndexInDim', operand);
  const ax = axisIn('dynamicUpdateIndexInDim', axis, a.ndim);
  let u = update instanceof Array ? update : convertElementType(update, a.dtype);
  if (u.ndim === a.ndim - 1) u = expandDims(u, [ax]);
  if (u.ndim !== a.ndim || u.shape.some((d, i) => d !== (i === ax ? 1 : a.shape[i]))) {
    throw new ShapeError(`lax.dynamicUpdateIndexInDim: update ${avalStr(u.aval)} must have operand ${avalStr(a.aval)}'s shape without axis ${ax} (or with it of size 1)`);
  }
  return dynamicUpdateSliceInDim(a, u, index, ax);
}

/**
 * src gathered at the index arrays `idxs` (one int32 rank-1 array of a common length N per axis in
 * `axes`; negative indices wrap): shape [N, ...the other axes of src], JAX's index_take.
 */
export function indexTake(src: ArrayOrScalar, idxs: readonly ArrayOrScalar[], axes: readonly number[]): Array {
  const who = 'indexTake';
  const a = arrayArg(who, src);
  const ax = intList(who, 'axes', axes).map((d) => axisIn(who, d, a.ndim));
  if (new Set(ax).size !== ax.length) throw new ShapeError(`lax.indexTake: repeated axis in [${ax}]; name each axis once`);
  if (!globalThis.Array.isArray(idxs) || idxs.length !== ax.length) throw new ShapeError(`lax.indexTake: give one index array per axis in [${ax}], got ${globalThis.Array.isArray(idxs) ? idxs.length : desc(idxs)}`);
  const is = idxs.map((i) => int32Arg(who, i));
  if (is.some((i) => i.ndim !== 1 || i.shape[0] !== is[0].shape[0])) throw new ShapeError(`lax.indexTake: index arrays must be rank 1 of one length, got ${is.map((i) => avalStr(i.aval)).join(', ')}`);
  const rest = a.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const sizes = ax.map((i) => a.shape[i]);
  if (sizes.some((d) => d === 0) && is.length && is[0].shape[0] > 0) throw new ShapeError(`lax.indexTake: cannot index an empty axis of ${avalStr(a.aval)}`);
  const flatSrc = reshape(transpose(a, [...ax, ...rest]), [sizes.reduce((p, d) => p * d, 1), ...rest.map((i) => a.shape[i])]);
  // Row-major flat index over the indexed axes; negatives wrap once, like Python indexing.
  let flat = convertElementType(0, 'int32');
  is.forEach((i, k) => {
    const wrapped = select(lt(i, 0), add(i, sizes[k]), i);
    flat = add(mul(flat, sizes[k]), wrapped);
  });
  if (ax.length === 0) return broadcast(a, [0]);
  return take(flatSrc, flat, 0);
}

/** Identity on a pytree (JAX's optimization_barrier; this library has no pass it would block). */
export function optimizationBarrier<T>(tree: T): T {
  return tree;
}

// ---- reducePrecision ----

/** A 64-bit pattern as [lo, hi] int32 words. */
const words = (v: bigint): [number, number] => [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];

/** Unsigned a < b on int32 bit patterns. */
const ult = (a: Array, b: Array): Array => lt(bitwiseXor(a, -0x80000000), bitwiseXor(b, -0x80000000));

/** 64-bit two's complement a + b on [lo, hi] int32 words (wrapping), with the carry out of the low word. */
function add64([aLo, aHi]: [Array, Array], [bLo, bHi]: [ArrayOrScalar, ArrayOrScalar]): [Array, Array] {
  const lo = add(aLo, bLo);
  return [lo, add(add(aHi, bHi), select(ult(lo, aLo), 1, 0))];
}

/**
 * x rounded to a float with `exponentBits` exponent bits and `mantissaBits` mantissa bits, exactly
 * as XLA's ReducePrecision: round to nearest even on the mantissa, then values past the reduced
 * range become ±inf and values at or below its smallest normal exponent flush to ±0 (the reduced
 * format has no subnormals); NaN stays NaN while mantissaBits > 0. E.g. (8, 7) is bfloat16, (5, 10)
 * float16 (without its subnormals). Differentiable with derivative 1 (JAX also rounds the tangent).
 */
export function reducePrecision(x: ArrayOrScalar, exponentBits: number, mantissaBits: number): Array {
  const a = arrayArg('reducePrecision', x);
  // The derivative passes straight through (JAX rounds the tangent too; rounding on the bits is
  // not linear, so it could not be transposed for reverse mode here).
  const f = customJvp((v: Array): Array => reducePrecisionBits(v, exponentBits, mantissaBits), {
    jvp: ([v]: Array[], [t]: Array[]) => [reducePrecisionBits(v, exponentBits, mantissaBits), t],
  });
  return isFloat(a.dtype) ? f(a) : reducePrecisionBits(a, exponentBits, mantissaBits);
}

function reducePrecisionBits(a: Array, exponentBits: number, mantissaBits: number): Array {
  const dt = a.dtype;
  if (dt !== 'float32' && dt !== 'float64') throw new TypeError(`lax.reducePrecision: requires a float32 or float64 operand, got ${avalStr(a.aval)}; convert with lax.convertElementType(x, 'float32')`);
  const [E, M] = dt === 'float32' ? [8, 23] : [11, 52];
  if (!Number.isInteger(exponentBits) || exponentBits < 1 || !Number.isInteger(mantissaBits) || mantissaBits < 0) {
    throw new TypeError(`lax.reducePrecision: exponentBits must be an integer >= 1 and mantissaBits an integer >= 0, got ${String(exponentBits)} and ${String(mantissaBits)}`);
  }
  const eb = Math.min(exponentBits, E);
  const mb = Math.min(mantissaBits, M);
  // The work happens on the high word (float64: bits 32..63; float32: the only word) and, for
  // float64, the low word, as 64-bit arithmetic with an explicit carry.
  const bits = bitcastConvertType(a, 'int32');
  let lo = dt === 'float64' ? take(bits, 0, -1) : null;
  let hi = dt === 'float64' ? take(bits, 1, -1) : bits;
  if (mb < M) {
    const shift = M - mb;
    const lastBit = 1n << BigInt(shift);
    // base = 2^(shift-1) - 1; adding base + (the last kept bit) then truncating rounds half to even.
    const [bLo, bHi] = words((lastBit >> 1n) - 1n);
    const [tLo, tHi] = words(~(lastBit - 1n) & 0xffffffffffffffffn);
    if (lo === null) {
      const kept = bitwiseAnd(shiftRightLogical(hi, shift), 1);
      hi = bitwiseAnd(add(hi, add(kept, bLo)), tLo);
    } else {
      const kept = shift >= 32 ? bitwiseAnd(shiftRightLogical(hi, shift - 32), 1) : bitwiseAnd(shiftRightLogical(lo, shift), 1);
      const [biasLo, biasHi] = add64([kept, mul(kept, 0)], [bLo, bHi]);
      const [rLo, rHi] = add64([lo, hi], [biasLo, biasHi]);
      lo = bitwiseAnd(rLo, tLo);
      hi = bitwiseAnd(rHi, tHi);
    }
  }
  if (eb < E) {
    const mHi = dt === 'float64' ? M - 32 : M; // mantissa bits held in the high word
    const expMask = ((1 << E) - 1) << mHi;
    const bias = (1 << (E - 1)) - 1;
    const rbias = (1 << (eb - 1)) - 1;
    const e = bitwiseAnd(hi, expMask);
    const over = lt((bias + rbias) << mHi, e);
    const under = lt(e, ((bias - rbias) << mHi) + 1);
    const signed0 = bitwiseAnd(hi, -0x80000000);
    hi = select(over, bitwiseOr(signed0, expMask), select(under, signed0, hi));
    if (lo !== null) lo = select(bitwiseOr(over, under), 0, lo);
  }
  const out = lo === null ? bitcastConvertType(hi, 'float32') : bitcastConvertType(stack([lo, hi], -1), 'float64');
  return mb > 0 ? select(ne(a, a), a, out) : out;
}

// ---- reduce ----

/** The monoids `lax.reduce` knows by name. */
export type MonoidName = 'add' | 'mul' | 'max' | 'min' | 'bitwiseAnd' | 'bitwiseOr' | 'bitwiseXor';
/** A reduction computation lax.reduce recognises: one of these lax functions, or its name. */
export type ReduceComputation = MonoidName | ((x: ArrayOrScalar, y: ArrayOrScalar) => Array);

const MONOIDS: readonly (readonly [MonoidName, (x: ArrayOrScalar, y: ArrayOrScalar) => Array])[] = [
  ['add', add], ['mul', mul], ['max', max], ['min', min], ['bitwiseAnd', bitwiseAnd], ['bitwiseOr', bitwiseOr], ['bitwiseXor', bitwiseXor],
];

function reduceOne(name: MonoidName, op: (x: ArrayOrScalar, y: ArrayOrScalar) => Array, x: Array, init: ArrayOrScalar, dims: readonly number[]): Array {
  const who = 'reduce';
  const bool = x.dtype === 'bool';
  if ((name === 'add' || name === 'mul') && bool) throw new TypeError(`lax.reduce: lax.${name} needs a numeric operand, got ${avalStr(x.aval)}; use lax.bitwiseOr / lax.bitwiseAnd for bool`);
  if (name.startsWith('bitwise') && x.dtype !== 'int32' && !bool) throw new TypeError(`lax.reduce: lax.${name} needs a bool or int32 operand, got ${avalStr(x.aval)}`);
  let r: Array;
  if (name === 'add') r = reduceSum(x, dims);
  else if (name === 'mul') r = reduceProd(x, dims);
  else if (name === 'max') r = reduceMax(x, dims);
  else if (name === 'min') r = reduceMin(x, dims);
  else if (name === 'bitwiseAnd') r = bool ? reduceAnd(x, dims) : foldAxes(who, x, dims, bitwiseAnd, -1);
  else if (name === 'bitwiseOr') r = bool ? reduceOr(x, dims) : foldAxes(who, x, dims, bitwiseOr, 0);
  else r = foldAxes(who, x, dims, bitwiseXor, bool ? false : 0);
  if (typeof init === 'number' && x.dtype === 'int32' && !Number.isInteger(init)) throw new TypeError(`lax.reduce: the init value ${init} is not an integer, so it cannot take the int32 dtype of the operand`);
  const iv = init instanceof Array ? init : convertElementType(init, x.dtype);
  if (iv.ndim !== 0) throw new ShapeError(`lax.reduce: each init value must be a scalar, got ${avalStr(iv.aval)}`);
  if (iv.dtype !== x.dtype) throw new TypeError(`lax.reduce: init value ${avalStr(iv.aval)} must have the operand's dtype ${x.dtype}; convert it with lax.convertElementType(init, '${x.dtype}')`);
  // The init value is the monoid's identity in JAX's uses; folding it in once keeps empty reductions right.
  return op(r, iv);
}

/**
 * Reduces operand(s) over `dimensions` with a monoid computation (lax.add, lax.mul, lax.max,
 * lax.min, lax.bitwiseAnd, lax.bitwiseOr, lax.bitwiseXor, or their names), folding in initValues
 * (normally the identity: 0, 1, -inf, ...). A list of operands (with a list of init values) reduces
 * each with the same computation. Other computations are refused: there is no general reduce primitive.
 */
export function reduce(operands: ArrayOrScalar, initValues: ArrayOrScalar, computation: ReduceComputation, dimensions: readonly number[]): Array;
export function reduce(operands: readonly ArrayOrScalar[], initValues: readonly ArrayOrScalar[], computation: ReduceComputation, dimensions: readonly number[]): Array[];
export function reduce(operands: ArrayOrScalar | readonly ArrayOrScalar[], initValues: ArrayOrScalar | readonly ArrayOrScalar[], computation: ReduceComputation, dimensions: readonly number[]): Array | Array[] {
  const m = MONOIDS.find(([n, f]) => computation === n || computation === f);
  if (!m) {
    const what = typeof computation === 'function' ? `the function ${computation.name || '(anonymous)'}` : desc(computation);
    throw new TypeError(`lax.reduce: computation must be one of lax.add, lax.mul, lax.max, lax.min, lax.bitwiseAnd, lax.bitwiseOr, lax.bitwiseXor (or their names), got ${what}; other reductions have no primitive here: write them with lax.scan or lax.associativeScan`);
  }
  const dims = intList('reduce', 'dimensions', dimensions);
  if (globalThis.Array.isArray(operands)) {
    if (!globalThis.Array.isArray(initValues) || initValues.length !== operands.length) throw new TypeError(`lax.reduce: a list of ${operands.length} operands needs one init value per operand, in a list`);
    const xs = (operands as readonly ArrayOrScalar[]).map((o) => arrayArg('reduce', o));
    if (xs.some((x) => shp(x.shape) !== shp(xs[0].shape))) throw new ShapeError(`lax.reduce: operands must have one shape, got ${xs.map((x) => avalStr(x.aval)).join(', ')}`);
    return xs.map((x, i) => reduceOne(m[0], m[1], x, (initValues as readonly ArrayOrScalar[])[i], dims));
  }
  if (globalThis.Array.isArray(initValues)) throw new TypeError('lax.reduce: a single operand takes a single init value, not a list');
  return reduceOne(m[0], m[1], arrayArg('reduce', operands), initValues as ArrayOrScalar, dims);
}

/** Not provided: JAX's rng_uniform is stateful and not reproducible. Always throws; use random.uniform(key, shape, { minval, maxval }). */
export function rngUniform(a: ArrayOrScalar, b: ArrayOrScalar, shape: readonly number[]): never {
  void a; void b; void shape;
  throw new TypeError('lax.rngUniform: not provided, because JAX\'s rng_uniform draws from hidden device state and is not reproducible; use random.uniform(key, shape, { minval: a, maxval: b }) with an explicit key from random.key(seed)');
}
