/**
 * The scalar ops of a fused kernel over SIMD lanes, with the JS renderer's semantics bit for bit
 * (render-js.ts spells them from lowering/scalar-ops.ts). A kernel computes W points at once: W = 2
 * when it holds float64 values, else 4. Each dtype has one layout in a v128:
 *
 *   float32 / float64  f32x4 / f64x2 (a kernel holds one float width);
 *   int32              i32x4 (with W = 2, lanes 0 and 1 hold the points);
 *   bool               a mask of the float lane width: i32x4 lanes when W = 4, i64x2 when W = 2.
 *
 * An op this does not spell makes `supported` false, and the kernel goes to the JS renderer.
 */
import type { DType } from '../../../core/dtype.js';
import type { Expr } from '../../../lowering/expr.js';
import type { FuncBuilder } from './asm.js';
import { i32x4Bytes, i64x2Bytes } from './asm.js';
import { Lanes, type Val } from './lanes.js';
import { MATH_FUNCTIONS, MathLibrary, type MathFunction } from './math.js';

type Op = Extract<Expr, { kind: 'op' }>;

const MATH: ReadonlySet<string> = new Set(MATH_FUNCTIONS);

/** Whether the op is one of the vectorised math functions (the kernel's module then needs them). */
export const isMathOp = (op: string): boolean => MATH.has(op);
const FLOAT_OPS = new Set(['add', 'sub', 'mul', 'div', 'neg', 'abs', 'sqrt', 'max', 'min', 'integer_pow', 'floor', 'ceil', 'round', 'sign',
  'select', 'stop_gradient', 'convert_element_type', ...MATH]);
const INT_OPS = new Set(['add', 'sub', 'mul', 'neg', 'abs', 'max', 'min', 'integer_pow', 'sign', 'and', 'or', 'xor', 'not', 'select',
  'stop_gradient', 'convert_element_type']);
const BOOL_OPS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'xor', 'not', 'select', 'is_finite', 'stop_gradient',
  'convert_element_type']);

/**
 * The one float width of a kernel's dtypes (undefined: no floats), or false where the kernel mixes
 * widths or has a dtype without lanes here (float16, int8, uint8, uint32 kernels run in JS).
 */
export function floatOf(dtypes: Iterable<DType>): 'float32' | 'float64' | undefined | false {
  let f: 'float32' | 'float64' | undefined;
  for (const d of dtypes) {
    if (d === 'int32' || d === 'bool') continue;
    if (d !== 'float32' && d !== 'float64') return false;
    if (f && f !== d) return false;
    f = d;
  }
  return f;
}

/** The nodes whose sin and cos a kernel both takes (float32: one reduction serves both). */
export function sincosArgs(nodes: readonly Expr[]): Set<number> {
  const seen = new Map<number, number>();
  for (const n of nodes) {
    if (n.kind !== 'op' || n.dtype !== 'float32' || (n.op !== 'sin' && n.op !== 'cos')) continue;
    const id = n.args[0].id;
    seen.set(id, (seen.get(id) ?? 0) | (n.op === 'sin' ? 1 : 2));
  }
  return new Set([...seen].filter(([, m]) => m === 3).map(([id]) => id));
}

/** Whether the op node has a lane spelling here (its operands' dtypes included). */
export function supported(n: Op): boolean {
  const ops = n.dtype === 'int32' ? INT_OPS : n.dtype === 'bool' ? BOOL_OPS : FLOAT_OPS;
  if (!ops.has(n.op)) return false;
  if (n.op === 'select') return n.args[0].dtype === 'bool';
  return true;
}

export class KernelOps {
  /** Points per vector. */
  readonly W: 2 | 4;
  /** Lanes of the kernel's float width (f32 for a kernel without floats: unused then). */
  readonly L: Lanes;
  private readonly math: MathLibrary | undefined;

  /** float32 sin and cos already computed together, by argument node. */
  private readonly trig = new Map<number, [number, number]>();

  /**
   * `both`: the argument nodes whose sin and cos the kernel takes (sincosArgs), computed from one
   * reduction.
   */
  constructor(readonly f: FuncBuilder, readonly float: 'float32' | 'float64' | undefined, math: MathLibrary | undefined,
    private readonly both: ReadonlySet<number> = new Set()) {
    this.W = float === 'float64' ? 2 : 4;
    this.L = new Lanes(f, float === 'float64' ? 'f64' : 'f32');
    this.math = math;
  }

  /** Starts a block of code whose values are computed afresh (earlier blocks' locals are stale there). */
  block(): void { this.trig.clear(); }

  private get fx(): 'f32x4' | 'f64x2' { return this.L.fx; }
  take(): number { return this.L.take(); }
  push(v: Val): void { this.L.push(v); }
  private simd(name: Parameters<FuncBuilder['op']>[0], ...xs: Val[]): number {
    for (const x of xs) this.push(x);
    this.f.op(name);
    return this.take();
  }

  /** A constant of dtype d in its layout (bool: the mask). */
  lit(value: number, d: DType): Val {
    if (d === 'int32') return i32x4Bytes(value | 0);
    if (d === 'bool') return this.W === 2 ? i64x2Bytes(value ? -1n : 0n) : i32x4Bytes(value ? -1 : 0);
    return this.L.c(value);
  }

  /** int32 lane results as bool masks of the kernel's lane width. */
  private intMask(m: number): number {
    return this.W === 2 ? this.simd('i64x2.extend_low_i32x4_s', m) : m;
  }
  /** bool masks as int32 lanes (-1 / 0). */
  maskInt(m: Val): number {
    if (this.W === 4) return typeof m === 'number' ? m : this.simd('v128.or', m, i32x4Bytes(0));
    this.push(m);
    this.push(m);
    this.f.shuffle([0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]);
    return this.take();
  }
  /** int32 lanes (W = 2: lanes 0 and 1) converted to the float width, as JS's exact or rounded conversion. */
  private intToFloat(v: Val): number {
    return this.simd(this.fx === 'f64x2' ? 'f64x2.convert_low_i32x4_s' : 'f32x4.convert_i32x4_s', v);
  }
  /** JS's toInt at the int32 bounds (NaN -> 0, saturating): exactly the saturating truncation. */
  private floatToInt(v: Val): number {
    return this.simd(this.fx === 'f64x2' ? 'i32x4.trunc_sat_f64x2_s_zero' : 'i32x4.trunc_sat_f32x4_s', v);
  }

  /** The op over lanes; args are the operand values in their dtypes' layouts. */
  op(n: Op, a: readonly Val[]): number {
    if (n.op === 'stop_gradient') return typeof a[0] === 'number' ? a[0] : this.L.add(a[0], this.L.c(0));
    if (n.op === 'select') return this.L.sel(n.dtype === 'int32' ? this.maskInt(a[0]) : a[0], a[1], a[2]);
    if (n.op === 'convert_element_type') return this.convert(a[0], n.inDtype, n.dtype);
    if (n.dtype === 'bool') return this.boolOp(n, a);
    if (n.dtype === 'int32') return this.intOp(n, a);
    return this.floatOp(n, a);
  }

  /** convert_element_type's lanes (JS: exact, rounded to float32, toInt, or `!== 0`). */
  convert(v: Val, from: DType, to: DType): number {
    const L = this.L;
    const keep = (): number => (typeof v === 'number' ? v : L.add(v, L.c(0)));
    if (from === to) return keep();
    if (to === 'bool') return from === 'int32' ? this.intMask(this.simd('i32x4.ne', v, i32x4Bytes(0))) : L.ne(v, L.c(0));
    if (to === 'int32') return from === 'bool' ? L.and(this.maskInt(v), i32x4Bytes(1)) : this.floatToInt(v);
    return from === 'bool' ? L.sel(v, L.c(1), L.c(0)) : this.intToFloat(v);
  }

  private floatOp(n: Op, a: readonly Val[]): number {
    const L = this.L;
    switch (n.op) {
      case 'add': return L.add(a[0], a[1]);
      case 'sub': return L.sub(a[0], a[1]);
      case 'mul': return L.mul(a[0], a[1]);
      case 'div': return L.div(a[0], a[1]);
      case 'neg': return L.neg(a[0]);
      case 'abs': return L.abs(a[0]);
      case 'sqrt': return this.simd(`${this.fx}.sqrt`, a[0]);
      case 'floor': return this.simd(`${this.fx}.floor`, a[0]);
      case 'ceil': return this.simd(`${this.fx}.ceil`, a[0]);
      // roundEven: ties to even, as nearest
      case 'round': return this.simd(`${this.fx}.nearest`, a[0]);
      // h.sign: NaN and ±0 stay themselves
      case 'sign': return L.sel(L.gt(a[0], L.c(0)), L.c(1), L.sel(L.lt(a[0], L.c(0)), L.c(-1), a[0]));
      // h.max: a > b || a is NaN ? a : b (which also fixes the sign of a zero result)
      case 'max': return L.sel(L.or(L.gt(a[0], a[1]), L.ne(a[0], a[0])), a[0], a[1]);
      case 'min': return L.sel(L.or(L.lt(a[0], a[1]), L.ne(a[0], a[0])), a[0], a[1]);
      // float32: JS rounds the whole product once, so the lanes compute it in float64 as well
      case 'integer_pow': return L.p === 'f64' ? ipow(L, a[0], n.param) : viaF64(L, a[0], (D, x) => ipow(D, x, n.param));
      default: {
        const local = (v: Val): number => (typeof v === 'number' ? v : (L.push(v), L.take()));
        if (!this.math) throw new Error(`kernel-ops: ${n.op} needs the math library`);
        const arg = n.args[0].id;
        if ((n.op === 'sin' || n.op === 'cos') && L.p === 'f32' && this.both.has(arg)) {
          let sc = this.trig.get(arg);
          if (!sc) this.trig.set(arg, (sc = this.math.sincosF32(this.f, local(a[0]))));
          return sc[n.op === 'sin' ? 0 : 1];
        }
        return this.math.inline(this.f, n.op as MathFunction, L.p, a.map(local));
      }
    }
  }

  private intOp(n: Op, a: readonly Val[]): number {
    switch (n.op) {
      case 'add': return this.simd('i32x4.add', a[0], a[1]);
      case 'sub': return this.simd('i32x4.sub', a[0], a[1]);
      case 'mul': return this.simd('i32x4.mul', a[0], a[1]);
      case 'neg': return this.simd('i32x4.neg', a[0]);
      case 'abs': return this.simd('i32x4.abs', a[0]);
      case 'max': return this.simd('i32x4.max_s', a[0], a[1]);
      case 'min': return this.simd('i32x4.min_s', a[0], a[1]);
      case 'and': return this.L.and(a[0], a[1]);
      case 'or': return this.L.or(a[0], a[1]);
      case 'xor': return this.L.xor(a[0], a[1]);
      case 'not': return this.L.not(a[0]);
      case 'sign': return this.L.or(this.simd('i32x4.lt_s', a[0], i32x4Bytes(0)), this.L.and(this.simd('i32x4.gt_s', a[0], i32x4Bytes(0)), i32x4Bytes(1)));
      case 'integer_pow': {
        let acc: Val = i32x4Bytes(1);
        let base: Val = a[0];
        for (let k = n.param; k > 0; k >>>= 1) {
          if (k & 1) acc = this.simd('i32x4.mul', acc, base);
          if (k > 1) base = this.simd('i32x4.mul', base, base);
        }
        return typeof acc === 'number' ? acc : this.simd('i32x4.add', acc, i32x4Bytes(0));
      }
      default: throw new Error(`kernel-ops: no int32 lanes for ${n.op}`);
    }
  }

  private boolOp(n: Op, a: readonly Val[]): number {
    const L = this.L;
    const from = n.inDtype;
    switch (n.op) {
      case 'and': return L.and(a[0], a[1]);
      case 'or': return L.or(a[0], a[1]);
      case 'xor': return L.xor(a[0], a[1]);
      case 'not': return L.not(a[0]);
      case 'is_finite': return from === 'int32' || from === 'bool' ? (L.push(this.lit(1, 'bool')), L.take()) : L.lt(L.abs(a[0]), L.c(Infinity));
    }
    if (from === 'bool') {
      // 0/1 compared as numbers
      const [x, y] = a;
      switch (n.op) {
        case 'eq': return L.not(L.xor(x, y));
        case 'ne': return L.xor(x, y);
        case 'lt': return this.simd('v128.andnot', y, x);
        case 'gt': return this.simd('v128.andnot', x, y);
        case 'le': return L.or(L.not(x), y);
        default: return L.or(x, L.not(y)); // ge
      }
    }
    if (from === 'int32') {
      const [x, y] = a;
      const cmp = { eq: 'i32x4.eq', ne: 'i32x4.ne', lt: 'i32x4.lt_s', le: 'i32x4.le_s', gt: 'i32x4.gt_s', ge: 'i32x4.ge_s' } as const;
      return this.intMask(this.simd(cmp[n.op as keyof typeof cmp], x, y));
    }
    switch (n.op) {
      case 'eq': return L.eq(a[0], a[1]);
      case 'ne': return L.ne(a[0], a[1]);
      case 'lt': return L.lt(a[0], a[1]);
      case 'le': return L.le(a[0], a[1]);
      case 'gt': return L.gt(a[0], a[1]);
      default: return L.ge(a[0], a[1]);
    }
  }
}

/** scalar-ops' ipow (repeated squaring, 1/acc for negative powers), in the same order. */
function ipow(L: Lanes, x: Val, y: number): number {
  let acc: Val | undefined;
  let base: Val = x;
  for (let k = Math.abs(y); k > 0; k >>>= 1) {
    if (k & 1) acc = acc === undefined ? base : L.mul(acc, base);
    if (k > 1) base = L.mul(base, base);
  }
  const r = acc ?? L.c(1);
  return y < 0 ? L.div(L.c(1), r) : typeof r === 'number' ? r : L.add(r, L.c(0));
}

/** body over the f32x4 value x's lanes promoted to float64 (two f64x2 halves), demoted back. */
function viaF64(L: Lanes, x: Val, body: (D: Lanes, half: number) => number): number {
  const D = new Lanes(L.f, 'f64');
  const [lo, hi] = promoteHalves(L, x);
  return joinHalves(L, body(D, lo), body(D, hi));
}

/** An f32x4 value as two f64x2 locals (lanes 0–1, lanes 2–3). */
export function promoteHalves(L: Lanes, x: Val): [number, number] {
  const f = L.f;
  return [false, true].map((high) => {
    L.push(x);
    if (high) { L.push(x); f.shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]); }
    f.op('f64x2.promote_low_f32x4');
    return L.take();
  }) as [number, number];
}

/** Two f64x2 values demoted and joined into one f32x4. */
export function joinHalves(L: Lanes, lo: Val, hi: Val): number {
  const f = L.f;
  L.push(lo);
  f.op('f32x4.demote_f64x2_zero');
  L.push(hi);
  f.op('f32x4.demote_f64x2_zero');
  f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  return L.take();
}
