/**
 * An emitter of straight-line SIMD arithmetic over one lane precision: f32x4 with i32x4 bit
 * views, or f64x2 with i64x2 ones. Every result goes to a fresh v128 local (the engine's register
 * allocator sees SSA anyway), constants are inlined as v128.const, so the math reads as formulas.
 */
import { f32x4Bytes, f64x2Bytes, i32x4Bytes, i64x2Bytes, type FuncBuilder, type SimdOp } from './asm.js';
import { SIMD_OPS } from './opcodes.js';

export type Precision = 'f32' | 'f64';

/** A v128 local, or the 16 bytes of a constant. */
export type Val = number | readonly number[];

function simd(name: string): SimdOp {
  if (!(name in SIMD_OPS)) throw new Error(`no SIMD op ${name}`);
  return name as SimdOp;
}

export class Lanes {
  readonly fx: 'f32x4' | 'f64x2';
  readonly ix: 'i32x4' | 'i64x2';
  /** Bits in the significand field, exponent bias, bit width. */
  readonly mant: number;
  readonly bias: number;
  readonly bits: number;

  constructor(readonly f: FuncBuilder, readonly p: Precision) {
    const d = p === 'f64';
    this.fx = d ? 'f64x2' : 'f32x4';
    this.ix = d ? 'i64x2' : 'i32x4';
    this.mant = d ? 52 : 23;
    this.bias = d ? 1023 : 127;
    this.bits = d ? 64 : 32;
  }

  push(v: Val): void {
    if (typeof v === 'number') this.f.get(v);
    else this.f.v128Const(v);
  }
  /** Stores the v128 on the stack into a new local. */
  take(): number { const l = this.f.local('v128'); this.f.set(l); return l; }
  private apply(op: string, ...xs: Val[]): number {
    for (const x of xs) this.push(x);
    this.f.op(simd(op));
    return this.take();
  }

  /** A float constant in every lane (rounded to the lane precision). */
  c(x: number): Val { return this.p === 'f64' ? f64x2Bytes(x) : f32x4Bytes(x); }
  /** An integer constant in every lane (the bit pattern, for the integer view). */
  ic(n: number | bigint): Val { return this.p === 'f64' ? i64x2Bytes(BigInt(n)) : i32x4Bytes(Number(BigInt.asIntN(32, BigInt(n)))); }
  /** The sign bit of every lane. */
  get signBit(): Val { return this.p === 'f64' ? i64x2Bytes(-(1n << 63n)) : i32x4Bytes(-0x80000000); }

  add(a: Val, b: Val): number { return this.apply(`${this.fx}.add`, a, b); }
  sub(a: Val, b: Val): number { return this.apply(`${this.fx}.sub`, a, b); }
  mul(a: Val, b: Val): number { return this.apply(`${this.fx}.mul`, a, b); }
  div(a: Val, b: Val): number { return this.apply(`${this.fx}.div`, a, b); }
  /** NaN-propagating min/max (wasm's, unlike pmin/pmax). */
  min(a: Val, b: Val): number { return this.apply(`${this.fx}.min`, a, b); }
  max(a: Val, b: Val): number { return this.apply(`${this.fx}.max`, a, b); }
  abs(a: Val): number { return this.apply(`${this.fx}.abs`, a); }
  neg(a: Val): number { return this.apply(`${this.fx}.neg`, a); }
  trunc(a: Val): number { return this.apply(`${this.fx}.trunc`, a); }
  lt(a: Val, b: Val): number { return this.apply(`${this.fx}.lt`, a, b); }
  le(a: Val, b: Val): number { return this.apply(`${this.fx}.le`, a, b); }
  gt(a: Val, b: Val): number { return this.apply(`${this.fx}.gt`, a, b); }
  ge(a: Val, b: Val): number { return this.apply(`${this.fx}.ge`, a, b); }
  eq(a: Val, b: Val): number { return this.apply(`${this.fx}.eq`, a, b); }
  ne(a: Val, b: Val): number { return this.apply(`${this.fx}.ne`, a, b); }

  and(a: Val, b: Val): number { return this.apply('v128.and', a, b); }
  or(a: Val, b: Val): number { return this.apply('v128.or', a, b); }
  xor(a: Val, b: Val): number { return this.apply('v128.xor', a, b); }
  not(a: Val): number { return this.apply('v128.not', a); }
  /** Lanewise mask ? a : b (mask lanes all-ones or all-zeros). */
  sel(mask: Val, a: Val, b: Val): number { return this.apply('v128.bitselect', a, b, mask); }

  iadd(a: Val, b: Val): number { return this.apply(`${this.ix}.add`, a, b); }
  isub(a: Val, b: Val): number { return this.apply(`${this.ix}.sub`, a, b); }
  ilt(a: Val, b: Val): number { return this.apply(`${this.ix}.lt_s`, a, b); }
  private shift(op: string, a: Val, n: number): number {
    this.push(a);
    this.f.i32Const(n).op(simd(`${this.ix}.${op}`));
    return this.take();
  }
  shl(a: Val, n: number): number { return this.shift('shl', a, n); }
  shrS(a: Val, n: number): number { return this.shift('shr_s', a, n); }
  shrU(a: Val, n: number): number { return this.shift('shr_u', a, n); }

  /** c[0] + x·(c[1] + x·(…)). */
  horner(x: Val, c: readonly number[]): number {
    let acc: Val = this.c(c[c.length - 1]);
    for (let i = c.length - 2; i >= 0; i--) acc = this.add(this.mul(acc, x), this.c(c[i]));
    return typeof acc === 'number' ? acc : this.add(acc, this.c(0));
  }

  // ---- error-free transformations (no FMA in wasm SIMD: Dekker's product) ------------------

  /** a + b = s + e exactly, for any a, b (Knuth's TwoSum). */
  twoSum(a: Val, b: Val): [number, number] {
    const s = this.add(a, b);
    const bb = this.sub(s, a);
    const e = this.add(this.sub(a, this.sub(s, bb)), this.sub(b, bb));
    return [s, e];
  }
  /** a + b = s + e exactly, given |a| >= |b| or a = 0. */
  fastTwoSum(a: Val, b: Val): [number, number] {
    const s = this.add(a, b);
    return [s, this.sub(b, this.sub(s, a))];
  }
  private split(a: Val): [number, number] {
    const t = this.mul(a, this.c(this.p === 'f64' ? 134217729 : 4097)); // 2^ceil(p/2) + 1
    const hi = this.sub(t, this.sub(t, a));
    return [hi, this.sub(a, hi)];
  }
  /** a·b = p + e exactly (barring overflow and underflow). */
  twoProd(a: Val, b: Val): [number, number] {
    const p = this.mul(a, b);
    const [ah, al] = this.split(a);
    const [bh, bl] = this.split(b);
    const e = this.add(this.add(this.add(this.sub(this.mul(ah, bh), p), this.mul(ah, bl)), this.mul(al, bh)), this.mul(al, bl));
    return [p, e];
  }

  // ---- exponent manipulation ----------------------------------------------------------------

  /** Round-to-nearest integer of |v| < 2^(mant-1), as a float and as an integer lane. */
  roundInt(v: Val): [number, number] {
    // adding 1.5·2^mant leaves the integer in the low significand bits
    const magic = 1.5 * 2 ** this.mant;
    const t = this.add(v, this.c(magic));
    const kf = this.sub(t, this.c(magic));
    const ki = this.isub(t, this.ic(this.p === 'f64' ? 0x4338000000000000n : 0x4b400000));
    return [kf, ki];
  }
  /** 2^k for integer lanes k in the normal exponent range. */
  pow2(ki: Val): number { return this.shl(this.iadd(ki, this.ic(this.bias)), this.mant); }
  /** y·2^k for |k| up to about twice the exponent range: two normal factors, so one rounding. */
  scale(y: Val, ki: Val): number {
    const k1 = this.shrS(ki, 1);
    return this.mul(this.mul(y, this.pow2(k1)), this.pow2(this.isub(ki, k1)));
  }
}
