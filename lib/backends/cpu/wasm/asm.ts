/**
 * A small typed WebAssembly assembler: modules are built as bytes by the library at run time (no
 * toolchain), then compiled and instantiated synchronously. Encodings follow the core spec
 * (binary format, 2.0) and the fixed-width SIMD proposal; opcode names are the text format's.
 */
import {
  LANE_MEMORY_OPS, LANE_OPS, MEMORY_OPS, NUMERIC_OPS, SIMD_OPS,
  type LaneMemoryOp, type LaneOp, type MemoryOp, type NumericOp, type SimdOp,
} from './opcodes.js';

export type { LaneMemoryOp, LaneOp, MemoryOp, NumericOp, SimdOp } from './opcodes.js';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
/** A block's result: nothing, or one value. */
export type BlockType = ValType | 'void';

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface MemoryLimits {
  /** In 64 KiB pages. */
  readonly initial: number;
  readonly maximum?: number;
  /** Shared memories (threads) must give a maximum. */
  readonly shared?: boolean;
}

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

// ---- encodings ---------------------------------------------------------------------------

/**
 * A growing byte buffer. Modules are built at run time, often in code V8 has not optimised yet
 * (the first kernels of a process): bytes are written in place, not spread through arrays.
 */
export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this { this.reserve(1); this.buf[this.length++] = b; return this; }

  append(bytes: ArrayLike<number> | ByteWriter): this {
    const src = bytes instanceof ByteWriter ? bytes.view() : bytes;
    this.reserve(src.length);
    if (src instanceof Uint8Array) this.buf.set(src, this.length);
    else for (let i = 0; i < src.length; i++) this.buf[this.length + i] = src[i];
    this.length += src.length;
    return this;
  }

  /** Unsigned LEB128 of a u32. */
  u32(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`uleb: ${n} is not a u32`);
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }

  /** Signed LEB128 of an i32 (values in [-2^31, 2^32) are taken mod 2^32, as i32.const does). */
  s32(n: number): this {
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new RangeError(`sleb: ${n} is not an i32`);
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7; // arithmetic: the sign fills in
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /** Signed LEB128 of an i64 (values in [-2^63, 2^64) are taken mod 2^64). */
  s64(v: bigint): this {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n; // arithmetic shift on bigints
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  f32(x: number): this { scratch.setFloat32(0, x, true); return this.append(scratchBytes.subarray(0, 4)); }
  f64(x: number): this { scratch.setFloat64(0, x, true); return this.append(scratchBytes.subarray(0, 8)); }

  /** A length-prefixed name. */
  name(s: string): this { const b = utf8.encode(s); return this.u32(b.length).append(b); }

  /** The bytes written so far (a view: valid until the next write). */
  view(): Uint8Array<ArrayBuffer> { return this.buf.subarray(0, this.length); }
}

const scratch = new DataView(new ArrayBuffer(16));
const scratchBytes = new Uint8Array(scratch.buffer);
const utf8 = new TextEncoder();
const written = (write: (w: ByteWriter) => void): number[] => { const w = new ByteWriter(); write(w); return Array.from(w.view()); };

/** Unsigned LEB128 of a u32. */
export const uleb = (n: number): number[] => written((w) => w.u32(n));
/** Signed LEB128 of an i32 (values in [-2^31, 2^32) are taken mod 2^32, as i32.const does). */
export const sleb = (n: number): number[] => written((w) => w.s32(n));
/** Signed LEB128 of an i64 (values in [-2^63, 2^64) are taken mod 2^64). */
export const sleb64 = (v: bigint): number[] => written((w) => w.s64(v));

const blockType = (t: BlockType) => (t === 'void' ? 0x40 : VALTYPE[t]);
/** A vector: its length, then each item written by `item`. */
function vec<T>(w: ByteWriter, items: readonly T[], item: (w: ByteWriter, x: T) => void): void {
  w.u32(items.length);
  for (const x of items) item(w, x);
}
const valTypes = (w: ByteWriter, ts: readonly ValType[]) => vec(w, ts, (v, t) => v.byte(VALTYPE[t]));

function limits(w: ByteWriter, l: MemoryLimits): void {
  if (l.shared) {
    if (l.maximum === undefined) throw new Error('a shared memory needs a maximum');
    w.byte(0x03).u32(l.initial).u32(l.maximum);
  } else if (l.maximum === undefined) w.byte(0x00).u32(l.initial);
  else w.byte(0x01).u32(l.initial).u32(l.maximum);
}

// v128 constants from lanes, little-endian as wasm lays them out
const lanes16 = (): number[] => Array.from(scratchBytes);
export function f32x4Bytes(a: number, b = a, c = a, d = a): number[] {
  [a, b, c, d].forEach((v, i) => scratch.setFloat32(4 * i, v, true));
  return lanes16();
}
export function f64x2Bytes(a: number, b = a): number[] { scratch.setFloat64(0, a, true); scratch.setFloat64(8, b, true); return lanes16(); }
export function i32x4Bytes(a: number, b = a, c = a, d = a): number[] {
  [a, b, c, d].forEach((v, i) => scratch.setInt32(4 * i, v | 0, true));
  return lanes16();
}
export function i64x2Bytes(a: bigint, b = a): number[] {
  scratch.setBigInt64(0, BigInt.asIntN(64, a), true);
  scratch.setBigInt64(8, BigInt.asIntN(64, b), true);
  return lanes16();
}

// ---- function bodies ---------------------------------------------------------------------

/**
 * A function body under construction. Locals are numbered after the parameters; control helpers
 * take the body as a callback so every block is closed where it opens.
 */
export class FuncBuilder {
  private readonly code = new ByteWriter();
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  constructor(readonly type: FuncType) {}

  /** A new local of type t; its index. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.type.params.length + this.localTypes.length - 1;
  }

  private emit(b: number): this { this.code.byte(b); return this; }
  /** An opcode with a u32 immediate (a prefix byte and its sub-opcode, a local, a label, a function). */
  private emitU(b: number, n: number): this { this.code.byte(b).u32(n); return this; }

  /** A numeric or SIMD instruction without immediates. */
  op(o: NumericOp | SimdOp): this {
    if (o in NUMERIC_OPS) {
      const c: number = NUMERIC_OPS[o as NumericOp];
      return c > 0xff ? this.emitU(0xfc, c & 0xff) : this.emit(c);
    }
    return this.emitU(0xfd, SIMD_OPS[o as SimdOp]);
  }

  get(l: number): this { return this.emitU(0x20, l); }
  set(l: number): this { return this.emitU(0x21, l); }
  tee(l: number): this { return this.emitU(0x22, l); }

  i32Const(v: number): this { this.code.byte(0x41).s32(v); return this; }
  i64Const(v: bigint): this { this.code.byte(0x42).s64(v); return this; }
  f32Const(v: number): this { this.code.byte(0x43).f32(v); return this; }
  f64Const(v: number): this { this.code.byte(0x44).f64(v); return this; }
  /** v128.const of 16 raw little-endian bytes (see f32x4Bytes and friends). */
  v128Const(bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new Error('v128.const takes 16 bytes');
    this.code.byte(0xfd).u32(12).append(bytes);
    return this;
  }

  /** A load or store; align defaults to the natural alignment (a hint only). */
  mem(o: MemoryOp, offset = 0, align?: number): this {
    const [c, natural] = MEMORY_OPS[o];
    if (c > 0xff) this.emitU(0xfd, c & 0xff); else this.emit(c);
    this.code.u32(align ?? natural).u32(offset);
    return this;
  }

  /** v128.loadN_lane / storeN_lane: memarg then the lane. */
  memLane(o: LaneMemoryOp, offset: number, lane: number, align?: number): this {
    const [c, natural, lanes] = LANE_MEMORY_OPS[o];
    if (lane < 0 || lane >= lanes) throw new RangeError(`${o}: lane ${lane}`);
    this.code.byte(0xfd).u32(c).u32(align ?? natural).u32(offset).byte(lane);
    return this;
  }

  /** extract_lane / replace_lane. */
  lane(o: LaneOp, lane: number): this {
    const [c, lanes] = LANE_OPS[o];
    if (!Number.isInteger(lane) || lane < 0 || lane >= lanes) throw new RangeError(`${o}: lane ${lane}`);
    this.code.byte(0xfd).u32(c).byte(lane);
    return this;
  }

  /** i8x16.shuffle: result byte i is byte lanes[i] of a‖b. */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new RangeError('i8x16.shuffle takes 16 lanes in [0, 32)');
    this.code.byte(0xfd).u32(13).append(lanes);
    return this;
  }

  block(body: () => void, t: BlockType = 'void'): this { return this.structured(0x02, t, body); }
  loop(body: () => void, t: BlockType = 'void'): this { return this.structured(0x03, t, body); }
  /** if (the popped i32 is non-zero) then … else … end. */
  if(then: () => void, otherwise?: () => void, t: BlockType = 'void'): this {
    this.emit(0x04).emit(blockType(t));
    this.depth++;
    then();
    if (otherwise) { this.emit(0x05); otherwise(); }
    this.depth--;
    return this.emit(0x0b);
  }
  private structured(op: number, t: BlockType, body: () => void): this {
    this.emit(op).emit(blockType(t));
    this.depth++;
    body();
    this.depth--;
    return this.emit(0x0b);
  }

  /** Branch to the label `depth` blocks out (0: the innermost enclosing block/loop/if). */
  br(depth: number): this { this.checkDepth(depth); return this.emitU(0x0c, depth); }
  brIf(depth: number): this { this.checkDepth(depth); return this.emitU(0x0d, depth); }
  brTable(depths: readonly number[], otherwise: number): this {
    for (const d of [...depths, otherwise]) this.checkDepth(d);
    vec(this.code.byte(0x0e), depths, (w, d) => w.u32(d));
    this.code.u32(otherwise);
    return this;
  }
  private checkDepth(d: number): void {
    // the function body itself is a label, so depth === this.depth branches to its end
    if (!Number.isInteger(d) || d < 0 || d > this.depth) throw new RangeError(`branch depth ${d} outside ${this.depth} open blocks`);
  }
  return(): this { return this.emit(0x0f); }
  call(funcIndex: number): this { return this.emitU(0x10, funcIndex); }
  drop(): this { return this.emit(0x1a); }
  /** select: a if the popped i32 is non-zero, else b (stack: a b cond). */
  select(): this { return this.emit(0x1b); }
  unreachable(): this { return this.emit(0x00); }
  nop(): this { return this.emit(0x01); }
  memorySize(): this { return this.emit(0x3f).emit(0x00); }
  memoryGrow(): this { return this.emit(0x40).emit(0x00); }

  /** Writes the code-section entry: size, run-length-encoded locals, body, end. */
  encode(w: ByteWriter): void {
    if (this.depth !== 0) throw new Error('unclosed block');
    const runs: [number, ValType][] = [];
    for (let i = 0; i < this.localTypes.length;) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      runs.push([j - i, this.localTypes[i]]);
      i = j;
    }
    const locals = new ByteWriter();
    vec(locals, runs, (l, [n, t]) => l.u32(n).byte(VALTYPE[t]));
    w.u32(locals.length + this.code.length + 1).append(locals).append(this.code).byte(0x0b);
  }
}

// ---- modules -----------------------------------------------------------------------------

interface FuncDef { typeIndex: number; builder: FuncBuilder }

/**
 * A module: imports first (their indices come before defined functions'), then functions,
 * exports, an optional memory (imported or own) and active data segments.
 */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: ByteWriter[] = [];
  private importedFuncs = 0;
  private readonly funcs: FuncDef[] = [];
  private readonly exports: ByteWriter[] = [];
  private readonly exportNames = new Set<string>();
  private ownMemory: MemoryLimits | undefined;
  private hasMemory = false;
  private readonly data: ByteWriter[] = [];

  private typeIndex(t: FuncType): number {
    const key = `${t.params.join(',')}>${t.results.join(',')}`;
    let i = this.typeKeys.get(key);
    if (i === undefined) { i = this.types.length; this.types.push(t); this.typeKeys.set(key, i); }
    return i;
  }

  private noFuncsYet(what: string): void {
    if (this.funcs.length > 0) throw new Error(`${what} must come before the first defined function`);
  }

  /** Imports memory 0 (shared: a SharedArrayBuffer-backed WebAssembly.Memory). */
  importMemory(module: string, field: string, l: MemoryLimits): this {
    if (this.hasMemory) throw new Error('one memory per module');
    this.hasMemory = true;
    const w = new ByteWriter().name(module).name(field).byte(0x02);
    limits(w, l);
    this.imports.push(w);
    return this;
  }

  /** Declares memory 0 in the module itself. */
  memory(l: MemoryLimits): this {
    if (this.hasMemory) throw new Error('one memory per module');
    this.hasMemory = true;
    this.ownMemory = l;
    return this;
  }

  /** Imports a function; its index. */
  importFunc(module: string, field: string, t: FuncType): number {
    this.noFuncsYet('importFunc');
    this.imports.push(new ByteWriter().name(module).name(field).byte(0x00).u32(this.typeIndex(t)));
    return this.importedFuncs++;
  }

  /** Defines a function with body emitted by build (params are locals 0..n-1); its index. */
  func(t: FuncType, build: (f: FuncBuilder) => void, exportAs?: string): number {
    const builder = new FuncBuilder(t);
    build(builder);
    const index = this.importedFuncs + this.funcs.length;
    this.funcs.push({ typeIndex: this.typeIndex(t), builder });
    if (exportAs !== undefined) this.exportFunc(exportAs, index);
    return index;
  }

  exportFunc(field: string, index: number): this { return this.addExport(field, 0x00, index); }
  exportMemory(field: string): this {
    if (!this.hasMemory) throw new Error('no memory to export');
    return this.addExport(field, 0x02, 0);
  }
  private addExport(field: string, kind: number, index: number): this {
    if (this.exportNames.has(field)) throw new Error(`duplicate export ${field}`);
    this.exportNames.add(field);
    this.exports.push(new ByteWriter().name(field).byte(kind).u32(index));
    return this;
  }

  /** An active data segment written into memory 0 at instantiation. */
  dataSegment(offset: number, bytes: ArrayLike<number>): this {
    if (!this.hasMemory) throw new Error('a data segment needs a memory');
    this.data.push(new ByteWriter().byte(0x00).byte(0x41).s32(offset).byte(0x0b).u32(bytes.length).append(bytes));
    return this;
  }

  get functionCount(): number { return this.importedFuncs + this.funcs.length; }

  bytes(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter().append([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = <T>(id: number, items: readonly T[], item: (w: ByteWriter, x: T) => void) => {
      if (!items.length) return;
      const body = new ByteWriter();
      vec(body, items, item);
      out.byte(id).u32(body.length).append(body);
    };
    const whole = (w: ByteWriter, b: ByteWriter) => { w.append(b); };
    section(1, this.types, (w, t) => { valTypes(w.byte(0x60), t.params); valTypes(w, t.results); });
    section(2, this.imports, whole);
    section(3, this.funcs, (w, f) => { w.u32(f.typeIndex); });
    section(5, this.ownMemory ? [this.ownMemory] : [], limits);
    section(7, this.exports, whole);
    section(10, this.funcs, (w, f) => f.builder.encode(w));
    section(11, this.data, whole);
    return out.view().slice();
  }

  /** Compiles (synchronously) and instantiates; the instance's exports. */
  instantiate(imports: WebAssembly.Imports = {}): WebAssembly.Exports {
    return new WebAssembly.Instance(new WebAssembly.Module(this.bytes()), imports).exports;
  }
}

// Compiled modules by a structural key: building and compiling is the slow part, instances are cheap.
const compiled = new Map<string, WebAssembly.Module>();

/** The module for key, built and compiled on first use. */
export function cachedModule(key: string, build: () => ModuleBuilder): WebAssembly.Module {
  let m = compiled.get(key);
  if (m === undefined) { m = new WebAssembly.Module(build().bytes()); compiled.set(key, m); }
  return m;
}

let simd: boolean | undefined;
/** Whether this runtime validates fixed-width SIMD (a one-function module using v128). */
export function wasmSimdAvailable(): boolean {
  if (simd === undefined) {
    try {
      const m = new ModuleBuilder();
      m.func({ params: [], results: ['i32'] }, (f) => { f.i32Const(1).op('i32x4.splat').lane('i32x4.extract_lane', 0); });
      simd = WebAssembly.validate(m.bytes());
    } catch {
      simd = false;
    }
  }
  return simd;
}
