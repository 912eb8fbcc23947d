/**
 * The WebAssembly assembler (lib/backends/cpu/wasm/asm.ts): encodings, then each op family run
 * in tiny functions and checked against JS.
 */
import { describe, expect, it } from 'vitest';
import {
  ModuleBuilder, cachedModule, f32x4Bytes, f64x2Bytes, i32x4Bytes, i64x2Bytes, sleb, sleb64, uleb,
  wasmSimdAvailable, type FuncBuilder, type NumericOp, type SimdOp, type ValType,
} from '../lib/backends/cpu/wasm/asm.js';
import { type ScalarMath, useScalarMath } from '../lib/backends/cpu/wasm/scalar-math.js';

describe('LEB128', () => {
  it('unsigned', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => uleb(-1)).toThrow();
  });
  it('signed', () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(0x80000000)).toEqual(sleb(-0x80000000));
    expect(sleb64(-(1n << 63n))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
    expect(sleb64((1n << 63n) - 1n)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
  });
});

// ---- scalar ops --------------------------------------------------------------------------

type Scalar = number | bigint;
/** A one-function module computing op over params of the given types. */
function scalarFn(op: NumericOp, params: ValType[], result: ValType): (...a: Scalar[]) => Scalar {
  const m = new ModuleBuilder();
  m.func({ params, results: [result] }, (f) => { params.forEach((_, i) => f.get(i)); f.op(op); }, 'f');
  return m.instantiate().f as (...a: Scalar[]) => Scalar;
}

const i32s = [0, 1, -1, 7, -7, 0x7fffffff, -0x80000000, 123456789, -98765];
const f64s = [0, -0, 1, -1.5, 2.5, 3.5, -2.5, 1e300, -1e-300, 5e-324, Infinity, -Infinity, NaN, Math.PI, 0.49999999999999994];
const i64s = [0n, 1n, -1n, 1n << 62n, -(1n << 63n), 123456789012345n, -7n];
const same = (a: Scalar, b: Scalar) => Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

describe('scalar ops', () => {
  it('i32 arithmetic, bits and comparisons', () => {
    const table: [NumericOp, (a: number, b: number) => number][] = [
      ['i32.add', (a, b) => (a + b) | 0], ['i32.sub', (a, b) => (a - b) | 0], ['i32.mul', (a, b) => Math.imul(a, b)],
      ['i32.and', (a, b) => a & b], ['i32.or', (a, b) => a | b], ['i32.xor', (a, b) => a ^ b],
      ['i32.shl', (a, b) => a << b], ['i32.shr_s', (a, b) => a >> b], ['i32.shr_u', (a, b) => (a >>> b) | 0],
      ['i32.eq', (a, b) => +(a === b)], ['i32.lt_s', (a, b) => +(a < b)], ['i32.lt_u', (a, b) => +(a >>> 0 < b >>> 0)],
      ['i32.ge_u', (a, b) => +(a >>> 0 >= b >>> 0)], ['i32.gt_s', (a, b) => +(a > b)],
    ];
    for (const [op, js] of table) {
      const f = scalarFn(op, ['i32', 'i32'], 'i32');
      for (const a of i32s) for (const b of i32s) expect(f(a, b), `${op}(${a}, ${b})`).toBe(js(a, b));
    }
    const clz = scalarFn('i32.clz', ['i32'], 'i32');
    for (const a of i32s) expect(clz(a)).toBe(Math.clz32(a));
    const divS = scalarFn('i32.div_s', ['i32', 'i32'], 'i32');
    expect(divS(-7, 2)).toBe(-3);
    expect(() => divS(1, 0)).toThrow();
  });

  it('i64 arithmetic and shifts', () => {
    const table: [NumericOp, (a: bigint, b: bigint) => bigint][] = [
      ['i64.add', (a, b) => BigInt.asIntN(64, a + b)], ['i64.sub', (a, b) => BigInt.asIntN(64, a - b)],
      ['i64.mul', (a, b) => BigInt.asIntN(64, a * b)], ['i64.and', (a, b) => a & b], ['i64.xor', (a, b) => a ^ b],
      ['i64.shl', (a, b) => BigInt.asIntN(64, a << (b & 63n))], ['i64.shr_s', (a, b) => a >> (b & 63n)],
      ['i64.shr_u', (a, b) => BigInt.asIntN(64, BigInt.asUintN(64, a) >> (b & 63n))],
    ];
    for (const [op, js] of table) {
      const f = scalarFn(op, ['i64', 'i64'], 'i64');
      for (const a of i64s) for (const b of i64s) expect(f(a, b), `${op}(${a}, ${b})`).toBe(js(a, b));
    }
    const lt = scalarFn('i64.lt_s', ['i64', 'i64'], 'i32');
    expect(lt(-1n, 0n)).toBe(1);
  });

  it('f64 and f32 arithmetic, rounding and conversions', () => {
    const f64: [NumericOp, (a: number, b: number) => number][] = [
      ['f64.add', (a, b) => a + b], ['f64.sub', (a, b) => a - b], ['f64.mul', (a, b) => a * b], ['f64.div', (a, b) => a / b],
      ['f64.copysign', (a, b) => (Math.sign(b) < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a))],
    ];
    for (const [op, js] of f64) {
      const f = scalarFn(op, ['f64', 'f64'], 'f64');
      for (const a of f64s) for (const b of f64s) {
        if (op === 'f64.copysign' && Number.isNaN(b)) continue; // NaN's sign bit is not observable from JS
        expect(same(f(a, b), js(a, b)), `${op}(${a}, ${b})`).toBe(true);
      }
    }
    const unary: [NumericOp, (a: number) => number][] = [
      ['f64.sqrt', Math.sqrt], ['f64.floor', Math.floor], ['f64.ceil', Math.ceil], ['f64.trunc', Math.trunc],
      ['f64.abs', Math.abs], ['f64.neg', (a) => -a],
      ['f64.nearest', (a) => { const r = Math.round(a); return Math.abs(a % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r === 0 ? a * 0 : r; }],
    ];
    for (const [op, js] of unary) {
      const f = scalarFn(op, ['f64'], 'f64');
      for (const a of f64s) expect(same(f(a), js(a)), `${op}(${a})`).toBe(true);
    }
    const f32add = scalarFn('f32.add', ['f32', 'f32'], 'f32');
    expect(f32add(0.1, 0.2)).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    const demote = scalarFn('f32.demote_f64', ['f64'], 'f32');
    for (const a of f64s) expect(same(demote(a), Math.fround(a))).toBe(true);
    const truncSat = scalarFn('i32.trunc_sat_f64_s', ['f64'], 'i32');
    expect([truncSat(1e10), truncSat(-1e10), truncSat(NaN), truncSat(-2.7)]).toEqual([0x7fffffff, -0x80000000, 0, -2]);
    const bits = scalarFn('i64.reinterpret_f64', ['f64'], 'i64');
    expect(bits(1)).toBe(0x3ff0000000000000n);
    const conv = scalarFn('f64.convert_i64_s', ['i64'], 'f64');
    expect(conv(-(1n << 62n))).toBe(-(2 ** 62));
    const ext = scalarFn('i64.extend_i32_u', ['i32'], 'i64');
    expect(ext(-1)).toBe(0xffffffffn);
  });

  it('constants', () => {
    const m = new ModuleBuilder();
    m.func({ params: [], results: ['i32'] }, (f) => { f.i32Const(-123456); }, 'a');
    m.func({ params: [], results: ['i64'] }, (f) => { f.i64Const(-(1n << 63n)); }, 'b');
    m.func({ params: [], results: ['f32'] }, (f) => { f.f32Const(0.1); }, 'c');
    m.func({ params: [], results: ['f64'] }, (f) => { f.f64Const(-0); }, 'd');
    m.func({ params: [], results: ['i32'] }, (f) => { f.i32Const(0xffffffff); }, 'e');
    const e = m.instantiate() as Record<string, () => Scalar>;
    expect([e.a(), e.b(), e.c(), e.d(), e.e()]).toEqual([-123456, -(1n << 63n), Math.fround(0.1), -0, -1]);
  });
});

// ---- control and memory --------------------------------------------------------------

describe('control flow and memory', () => {
  it('loops, br_if, if/else, br_table, select, calls', () => {
    const m = new ModuleBuilder();
    // sum of 1..n by a loop
    const sum = m.func({ params: ['i32'], results: ['i32'] }, (f) => {
      const acc = f.local('i32');
      f.block(() => {
        f.get(0).op('i32.eqz').brIf(0);
        f.loop(() => {
          f.get(acc).get(0).op('i32.add').set(acc);
          f.get(0).i32Const(1).op('i32.sub').tee(0).brIf(0);
        });
      });
      f.get(acc);
    }, 'sum');
    m.func({ params: ['i32'], results: ['i32'] }, (f) => {
      f.get(0).i32Const(0).op('i32.lt_s');
      f.if(() => { f.i32Const(-1); }, () => { f.get(0).call(sum); }, 'i32');
    }, 'sumOrNeg');
    m.func({ params: ['i32'], results: ['i32'] }, (f) => {
      f.block(() => {
        f.block(() => {
          f.block(() => { f.get(0).brTable([0, 1], 2); });
          f.i32Const(10).return();
        });
        f.i32Const(11).return();
      });
      f.i32Const(12);
    }, 'table');
    m.func({ params: ['f64', 'f64', 'i32'], results: ['f64'] }, (f) => { f.get(0).get(1).get(2).select(); }, 'sel');
    const e = m.instantiate() as Record<string, (...a: number[]) => number>;
    expect([e.sum(0), e.sum(1), e.sum(100)]).toEqual([0, 1, 5050]);
    expect([e.sumOrNeg(-3), e.sumOrNeg(4)]).toEqual([-1, 10]);
    expect([0, 1, 2, 7].map((x) => e.table(x))).toEqual([10, 11, 12, 12]);
    expect([e.sel(1, 2, 1), e.sel(1, 2, 0)]).toEqual([1, 2]);
  });

  it('branch depths are checked and blocks must close', () => {
    const m = new ModuleBuilder();
    expect(() => m.func({ params: [], results: [] }, (f) => { f.block(() => { f.br(2); }); })).toThrow(/depth/);
  });

  it('imported memory: loads and stores with offsets, grow and size', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const m = new ModuleBuilder().importMemory('env', 'mem', { initial: 1, maximum: 4 });
    // out[i] = in[i] * 2 over f32, with the out pointer 16 bytes past an offset base
    m.func({ params: ['i32', 'i32', 'i32'], results: [] }, (f) => {
      const i = f.local('i32');
      f.loop(() => {
        f.get(1).get(i).op('i32.add');
        f.get(0).get(i).op('i32.add').mem('f32.load', 4).f32Const(2).op('f32.mul');
        f.mem('f32.store', 16);
        f.get(i).i32Const(4).op('i32.add').tee(i).get(2).op('i32.lt_u').brIf(0);
      });
    }, 'scale');
    m.func({ params: ['i32'], results: ['i32'] }, (f) => { f.get(0).memoryGrow(); }, 'grow');
    m.func({ params: [], results: ['i32'] }, (f) => { f.memorySize(); }, 'size');
    m.func({ params: ['i32'], results: ['i64'] }, (f) => { f.get(0).mem('i64.load8_s'); }, 'ld8');
    const e = m.instantiate({ env: { mem: memory } }) as Record<string, (...a: number[]) => number>;
    const f32 = new Float32Array(memory.buffer);
    f32.set([1, 2, 3, 4, 5], 0);
    e.scale(0, 100, 16);
    expect(Array.from(new Float32Array(memory.buffer, 116, 4))).toEqual([4, 6, 8, 10]);
    new Int8Array(memory.buffer)[300] = -5;
    expect(e.ld8(300)).toBe(-5n);
    expect(e.size()).toBe(1);
    expect(e.grow(1)).toBe(1);
    expect(e.size()).toBe(2);
  });

  it('shared memory import and data segments', () => {
    const m = new ModuleBuilder().importMemory('env', 'mem', { initial: 1, maximum: 2, shared: true });
    m.dataSegment(8, [1, 2, 3, 4]);
    m.func({ params: [], results: ['i32'] }, (f) => { f.i32Const(8).mem('i32.load'); }, 'word');
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const e = m.instantiate({ env: { mem: memory } }) as Record<string, () => number>;
    expect(e.word()).toBe(0x04030201);
    expect(memory.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(() => new ModuleBuilder().importMemory('env', 'mem', { initial: 1, shared: true })).toThrow(/maximum/);
  });

  it('imported functions and the module cache', () => {
    const m = new ModuleBuilder();
    const sin = m.importFunc('js', 'sin', { params: ['f64'], results: ['f64'] });
    m.func({ params: ['f64'], results: ['f64'] }, (f) => { f.get(0).call(sin).f64Const(1).op('f64.add'); }, 'g');
    expect(() => m.importFunc('js', 'cos', { params: ['f64'], results: ['f64'] })).toThrow();
    const e = m.instantiate({ js: { sin: Math.sin } }) as Record<string, (x: number) => number>;
    expect(e.g(0.5)).toBe(Math.sin(0.5) + 1);
    let builds = 0;
    const build = () => { builds++; const b = new ModuleBuilder(); b.func({ params: [], results: [] }, () => {}, 'f'); return b; };
    expect(cachedModule('wasm-asm-test', build)).toBe(cachedModule('wasm-asm-test', build));
    expect(builds).toBe(1);
  });
});

// ---- SIMD ----------------------------------------------------------------------------

/**
 * A function (a, b, c, out) over 16-byte operands in memory: v128.load of each of `arity`
 * operands, `emit`, v128.store to out. Returns a runner over raw bytes.
 */
function simdFn(arity: number, emit: (f: FuncBuilder) => void): (...ops: number[][]) => DataView {
  const m = new ModuleBuilder().memory({ initial: 1 }).exportMemory('mem');
  m.func({ params: [], results: [] }, (f) => {
    f.i32Const(64);
    for (let i = 0; i < arity; i++) f.i32Const(16 * i).mem('v128.load');
    emit(f);
    f.mem('v128.store');
  }, 'f');
  const e = m.instantiate() as { f: () => void; mem: WebAssembly.Memory };
  return (...ops) => {
    const u8 = new Uint8Array(e.mem.buffer);
    ops.forEach((o, i) => u8.set(o, 16 * i));
    e.f();
    return new DataView(e.mem.buffer, 64, 16);
  };
}
const simdOp = (arity: number, op: SimdOp) => simdFn(arity, (f) => { f.op(op); });
const f32Lanes = (d: DataView) => [0, 1, 2, 3].map((i) => d.getFloat32(4 * i, true));
const f64Lanes = (d: DataView) => [0, 1].map((i) => d.getFloat64(8 * i, true));
const i32Lanes = (d: DataView) => [0, 1, 2, 3].map((i) => d.getInt32(4 * i, true));
const i64Lanes = (d: DataView) => [0, 1].map((i) => d.getBigInt64(8 * i, true));
const f = Math.fround;

const fa = [1.5, -2.25, NaN, -0], fb = [0.5, -3, 1, 0];
const da = [1.5, -0], db = [-2.5, 0];

describe.skipIf(!wasmSimdAvailable())('SIMD ops', () => {
  it('f32x4 arithmetic, min/max/pmin/pmax, sqrt/abs/neg, rounding', () => {
    const bin: [SimdOp, (a: number, b: number) => number][] = [
      ['f32x4.add', (a, b) => f(a + b)], ['f32x4.sub', (a, b) => f(a - b)], ['f32x4.mul', (a, b) => f(a * b)],
      ['f32x4.div', (a, b) => f(a / b)], ['f32x4.min', Math.min], ['f32x4.max', Math.max],
      ['f32x4.pmin', (a, b) => (b < a ? b : a)], ['f32x4.pmax', (a, b) => (a < b ? b : a)],
    ];
    for (const [op, js] of bin) {
      const got = f32Lanes(simdOp(2, op)(f32x4Bytes(...fa as [number]), f32x4Bytes(...fb as [number])));
      got.forEach((g, i) => expect(same(g, js(fa[i], fb[i])), `${op} lane ${i}: ${g}`).toBe(true));
    }
    const xs = [2.5, -3.5, 0.3, 16];
    const un: [SimdOp, (a: number) => number][] = [
      ['f32x4.sqrt', (a) => f(Math.sqrt(a))], ['f32x4.abs', Math.abs], ['f32x4.neg', (a) => -a],
      ['f32x4.floor', Math.floor], ['f32x4.ceil', Math.ceil], ['f32x4.trunc', Math.trunc],
      ['f32x4.nearest', (a) => (a === 2.5 ? 2 : a === -3.5 ? -4 : Math.round(a))],
    ];
    for (const [op, js] of un) {
      const got = f32Lanes(simdOp(1, op)(f32x4Bytes(...xs as [number])));
      got.forEach((g, i) => expect(same(g, js(f(xs[i]))), `${op}(${xs[i]}): ${g}`).toBe(true));
    }
  });

  it('f64x2 arithmetic, comparisons, rounding', () => {
    const bin: [SimdOp, (a: number, b: number) => number][] = [
      ['f64x2.add', (a, b) => a + b], ['f64x2.sub', (a, b) => a - b], ['f64x2.mul', (a, b) => a * b],
      ['f64x2.div', (a, b) => a / b], ['f64x2.min', Math.min], ['f64x2.max', Math.max],
      ['f64x2.pmin', (a, b) => (b < a ? b : a)], ['f64x2.pmax', (a, b) => (a < b ? b : a)],
    ];
    for (const [op, js] of bin) {
      const got = f64Lanes(simdOp(2, op)(f64x2Bytes(...da as [number]), f64x2Bytes(...db as [number])));
      got.forEach((g, i) => expect(same(g, js(da[i], db[i])), `${op} lane ${i}`).toBe(true));
    }
    const cmp: [SimdOp, (a: number, b: number) => boolean][] = [
      ['f64x2.eq', (a, b) => a === b], ['f64x2.ne', (a, b) => a !== b], ['f64x2.lt', (a, b) => a < b],
      ['f64x2.le', (a, b) => a <= b], ['f64x2.gt', (a, b) => a > b], ['f64x2.ge', (a, b) => a >= b],
    ];
    const ca = [1, NaN], cb = [2, NaN];
    for (const [op, js] of cmp) {
      const got = i64Lanes(simdOp(2, op)(f64x2Bytes(...ca as [number]), f64x2Bytes(...cb as [number])));
      got.forEach((g, i) => expect(g, `${op} lane ${i}`).toBe(js(ca[i], cb[i]) ? -1n : 0n));
    }
    for (const [op, js] of [['f64x2.floor', Math.floor], ['f64x2.ceil', Math.ceil], ['f64x2.trunc', Math.trunc], ['f64x2.sqrt', Math.sqrt]] as const) {
      expect(f64Lanes(simdOp(1, op)(f64x2Bytes(2.7, -2.7)))).toEqual([js(2.7), js(-2.7)]);
    }
    expect(f64Lanes(simdOp(1, 'f64x2.nearest')(f64x2Bytes(2.5, -3.5)))).toEqual([2, -4]);
  });

  it('integer lanes: arithmetic, comparisons, shifts', () => {
    const a = [5, -7, 0x7fffffff, -0x80000000], b = [3, 3, 1, -1];
    const ia = i32x4Bytes(...a as [number]), ib = i32x4Bytes(...b as [number]);
    expect(i32Lanes(simdOp(2, 'i32x4.add')(ia, ib))).toEqual(a.map((x, i) => (x + b[i]) | 0));
    expect(i32Lanes(simdOp(2, 'i32x4.sub')(ia, ib))).toEqual(a.map((x, i) => (x - b[i]) | 0));
    expect(i32Lanes(simdOp(2, 'i32x4.mul')(ia, ib))).toEqual(a.map((x, i) => Math.imul(x, b[i])));
    expect(i32Lanes(simdOp(2, 'i32x4.min_s')(ia, ib))).toEqual(a.map((x, i) => Math.min(x, b[i])));
    expect(i32Lanes(simdOp(2, 'i32x4.gt_s')(ia, ib))).toEqual(a.map((x, i) => (x > b[i] ? -1 : 0)));
    const shift = (op: SimdOp, n: number) => simdFn(1, (fb) => { fb.i32Const(n).op(op); });
    expect(i32Lanes(shift('i32x4.shl', 3)(ia))).toEqual(a.map((x) => x << 3));
    expect(i32Lanes(shift('i32x4.shr_s', 33)(ia))).toEqual(a.map((x) => x >> 1)); // count mod 32
    expect(i32Lanes(shift('i32x4.shr_u', 4)(ia))).toEqual(a.map((x) => (x >>> 4) | 0));
    const la = [-(1n << 62n), 12345678901n], lb = [3n, -5n];
    const ja = i64x2Bytes(la[0], la[1]), jb = i64x2Bytes(lb[0], lb[1]);
    expect(i64Lanes(simdOp(2, 'i64x2.add')(ja, jb))).toEqual(la.map((x, i) => x + lb[i]));
    expect(i64Lanes(simdOp(2, 'i64x2.sub')(ja, jb))).toEqual(la.map((x, i) => x - lb[i]));
    expect(i64Lanes(simdOp(2, 'i64x2.mul')(ja, jb))).toEqual(la.map((x, i) => BigInt.asIntN(64, x * lb[i])));
    expect(i64Lanes(simdOp(2, 'i64x2.gt_s')(ja, jb))).toEqual([0n, -1n]);
    const shift64 = (op: SimdOp, n: number) => simdFn(1, (fb) => { fb.i32Const(n).op(op); });
    expect(i64Lanes(shift64('i64x2.shl', 52)(ja))).toEqual(la.map((x) => BigInt.asIntN(64, x << 52n)));
    expect(i64Lanes(shift64('i64x2.shr_s', 60)(ja))).toEqual(la.map((x) => x >> 60n));
    expect(i64Lanes(shift64('i64x2.shr_u', 60)(ja))).toEqual(la.map((x) => BigInt.asUintN(64, x) >> 60n));
  });

  it('bitwise ops and bitselect', () => {
    const a = i32x4Bytes(0x0ff0, -1, 0, 0x12345678), b = i32x4Bytes(0x00ff, 0x0f0f0f0f, -1, 0x0f0f0f0f);
    const A = [0x0ff0, -1, 0, 0x12345678], B = [0x00ff, 0x0f0f0f0f, -1, 0x0f0f0f0f];
    expect(i32Lanes(simdOp(2, 'v128.and')(a, b))).toEqual(A.map((x, i) => x & B[i]));
    expect(i32Lanes(simdOp(2, 'v128.or')(a, b))).toEqual(A.map((x, i) => x | B[i]));
    expect(i32Lanes(simdOp(2, 'v128.xor')(a, b))).toEqual(A.map((x, i) => x ^ B[i]));
    expect(i32Lanes(simdOp(2, 'v128.andnot')(a, b))).toEqual(A.map((x, i) => x & ~B[i]));
    expect(i32Lanes(simdOp(1, 'v128.not')(a))).toEqual(A.map((x) => ~x));
    const mask = i32x4Bytes(-1, 0, 0xffff, 0);
    expect(i32Lanes(simdOp(3, 'v128.bitselect')(a, b, mask))).toEqual([0x0ff0, 0x0f0f0f0f, -65536 | 0, 0x0f0f0f0f]);
    const any = simdFn(1, (fb) => { fb.op('v128.any_true').op('i32x4.splat'); });
    expect(i32Lanes(any(i32x4Bytes(0, 0, 0, 0)))[0]).toBe(0);
    expect(i32Lanes(any(i32x4Bytes(0, 0, 8, 0)))[0]).toBe(1);
  });

  it('splat, extract and replace lane, shuffle, constants', () => {
    const m = new ModuleBuilder();
    m.func({ params: ['f64'], results: ['f64'] }, (fb) => { fb.get(0).op('f64x2.splat').f64Const(7).lane('f64x2.replace_lane', 0).lane('f64x2.extract_lane', 1); }, 'a');
    m.func({ params: ['f64'], results: ['f64'] }, (fb) => { fb.get(0).op('f64x2.splat').f64Const(7).lane('f64x2.replace_lane', 1).lane('f64x2.extract_lane', 1); }, 'b');
    m.func({ params: ['f32'], results: ['f32'] }, (fb) => { fb.get(0).op('f32x4.splat').lane('f32x4.extract_lane', 3); }, 'c');
    m.func({ params: ['i32'], results: ['i32'] }, (fb) => { fb.v128Const(i32x4Bytes(1, 2, 3, 4)).get(0).lane('i32x4.replace_lane', 2).lane('i32x4.extract_lane', 2); }, 'd');
    m.func({ params: ['i64'], results: ['i64'] }, (fb) => { fb.get(0).op('i64x2.splat').lane('i64x2.extract_lane', 1); }, 'e');
    m.func({ params: [], results: ['f32'] }, (fb) => { fb.v128Const(f32x4Bytes(1, 2, 3, 4)).lane('f32x4.extract_lane', 2); }, 'g');
    // swap the two f64 halves
    m.func({ params: [], results: ['f64'] }, (fb) => {
      fb.v128Const(f64x2Bytes(1, 2)).v128Const(f64x2Bytes(3, 4));
      fb.shuffle([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]).lane('f64x2.extract_lane', 0);
    }, 'h');
    const e = m.instantiate() as Record<string, (x?: Scalar) => Scalar>;
    expect([e.a(3), e.b(3), e.c(0.5), e.d(9), e.e(-5n), e.g(), e.h()]).toEqual([3, 7, 0.5, 9, -5n, 3, 2]);
    expect(() => m.func({ params: [], results: [] }, (fb) => { fb.lane('f64x2.extract_lane', 2); })).toThrow(/lane/);
  });

  it('conversions between lanes', () => {
    const cv = (op: SimdOp) => simdOp(1, op);
    expect(f32Lanes(cv('f32x4.convert_i32x4_s')(i32x4Bytes(1, -2, 16777217, -0x80000000)))).toEqual([1, -2, 16777216, -2147483648]);
    expect(i32Lanes(cv('i32x4.trunc_sat_f32x4_s')(f32x4Bytes(1.9, -2.9, 1e10, NaN)))).toEqual([1, -2, 0x7fffffff, 0]);
    expect(f64Lanes(cv('f64x2.convert_low_i32x4_s')(i32x4Bytes(-3, 0x7fffffff, 9, 9)))).toEqual([-3, 0x7fffffff]);
    expect(i32Lanes(cv('i32x4.trunc_sat_f64x2_s_zero')(f64x2Bytes(-1e20, 3.99)))).toEqual([-0x80000000, 3, 0, 0]);
    expect(f32Lanes(cv('f32x4.demote_f64x2_zero')(f64x2Bytes(0.1, 1e300)))).toEqual([f(0.1), Infinity, 0, 0]);
    expect(f64Lanes(cv('f64x2.promote_low_f32x4')(f32x4Bytes(0.1, -3, 5, 6)))).toEqual([f(0.1), -3]);
  });

  it('SIMD loads: splat, zero-extend, lanes, widening', () => {
    const m = new ModuleBuilder().memory({ initial: 1 }).exportMemory('mem');
    m.func({ params: [], results: ['f64'] }, (fb) => { fb.i32Const(0).mem('v128.load64_splat', 8).lane('f64x2.extract_lane', 1); }, 'a');
    m.func({ params: [], results: ['i32'] }, (fb) => { fb.i32Const(0).mem('v128.load32_zero', 4).lane('i32x4.extract_lane', 1); }, 'b');
    m.func({ params: [], results: ['i32'] }, (fb) => { fb.i32Const(0).mem('v128.load16x4_s').lane('i32x4.extract_lane', 0); }, 'c');
    m.func({ params: [], results: [] }, (fb) => { fb.i32Const(32).i32Const(0).mem('v128.load').memLane('v128.store64_lane', 0, 1); }, 'd');
    m.func({ params: [], results: ['f64'] }, (fb) => { fb.i32Const(0).v128Const(f64x2Bytes(0, 0)).memLane('v128.load64_lane', 8, 0).lane('f64x2.extract_lane', 0); }, 'g');
    const e = m.instantiate() as { a: () => number; b: () => number; c: () => number; d: () => void; g: () => number; mem: WebAssembly.Memory };
    const dv = new DataView(e.mem.buffer);
    dv.setFloat64(0, -1.25, true);
    dv.setFloat64(8, 6.5, true);
    expect(e.a()).toBe(6.5);
    expect(e.b()).toBe(0);
    dv.setInt16(0, -3, true);
    expect(e.c()).toBe(-3);
    e.d();
    expect(dv.getFloat64(32, true)).toBe(6.5);
    expect(e.g()).toBe(6.5);
  });
});

describe('scalar math for the JS renderer', () => {
  it.skipIf(!wasmSimdAvailable())('builds each function on its first call, which then takes the stub\'s place', () => {
    const t = {} as Record<keyof ScalarMath, (x: number, y: number) => number>;
    useScalarMath(t);
    const [exp, log] = [t.exp64, t.log64];
    const e = t.exp64(1, 0);
    expect(e).toBeCloseTo(Math.E, 15);
    expect(t.exp64).not.toBe(exp);
    expect(t.exp64(1, 0)).toBe(e);
    expect(t.log64).toBe(log); // not built: never called
    expect(t.pow32(2, 10)).toBe(1024);
    expect(t.log64(Math.E, 0)).toBeCloseTo(1, 15);
    // a second target gets the compiled functions of the first
    const u = {} as typeof t;
    useScalarMath(u);
    u.exp64(0, 0);
    expect(u.exp64).toBe(t.exp64);
  });
});
