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

/** Unsigned LEB128 of a u32. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`uleb: ${n} is not a u32`);
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of an i32 (values in [-2^31, 2^32) are taken mod 2^32, as i32.const does). */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new RangeError(`sleb: ${n} is not an i32`);
  return sleb64(BigInt(n | 0));
}

/** Signed LEB128 of an i64 (values in [-2^63, 2^64) are taken mod 2^64). */
export function sleb64(v: bigint): number[] {
  v = BigInt.asIntN(64, v);
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n; // arithmetic shift on bigints
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const scratch = new DataView(new ArrayBuffer(16));

function f32Bytes(x: number): number[] {
  scratch.setFloat32(0, x, true);
  return [0, 1, 2, 3].map((i) => scratch.getUint8(i));
}
function f64Bytes(x: number): number[] {
  scratch.setFloat64(0, x, true);
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => scratch.getUint8(i));
}

const utf8 = new TextEncoder();
const name = (s: string) => { const b = utf8.encode(s); return [...uleb(b.length), ...b]; };
const vec = (items: readonly (readonly number[])[]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: readonly number[]) => [id, ...uleb(body.length), ...body];
const blockType = (t: BlockType) => (t === 'void' ? 0x40 : VALTYPE[t]);
const funcTypeBytes = (t: FuncType) => [0x60, ...vec(t.params.map((p) => [VALTYPE[p]])), ...vec(t.results.map((r) => [VALTYPE[r]]))];

function limits(l: MemoryLimits): number[] {
  if (l.shared) {
    if (l.maximum === undefined) throw new Error('a shared memory needs a maximum');
    return [0x03, ...uleb(l.initial), ...uleb(l.maximum)];
  }
  return l.maximum === undefined ? [0x00, ...uleb(l.initial)] : [0x01, ...uleb(l.initial), ...uleb(l.maximum)];
}

// v128 constants from lanes, little-endian as wasm lays them out
export function f32x4Bytes(a: number, b = a, c = a, d = a): number[] { return [a, b, c, d].flatMap(f32Bytes); }
export function f64x2Bytes(a: number, b = a): number[] { return [a, b].flatMap(f64Bytes); }
export function i32x4Bytes(a: number, b = a, c = a, d = a): number[] {
  return [a, b, c, d].flatMap((v) => { scratch.setInt32(0, v | 0, true); return [0, 1, 2, 3].map((i) => scratch.getUint8(i)); });
}
export function i64x2Bytes(a: bigint, b = a): number[] {
  return [a, b].flatMap((v) => { scratch.setBigInt64(0, BigInt.asIntN(64, v), true); return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => scratch.getUint8(i)); });
}

// ---- function bodies ---------------------------------------------------------------------

/**
 * A function body under construction. Locals are numbered after the parameters; control helpers
 * take the body as a callback so every block is closed where it opens.
 */
export class FuncBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  constructor(readonly type: FuncType) {}

  /** A new local of type t; its index. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.type.params.length + this.localTypes.length - 1;
  }

  private emit(...bytes: number[]): this { for (const b of bytes) this.code.push(b); return this; }

  /** A numeric or SIMD instruction without immediates. */
  op(o: NumericOp | SimdOp): this {
    if (o in NUMERIC_OPS) {
      const c: number = NUMERIC_OPS[o as NumericOp];
      return c > 0xff ? this.emit(0xfc, ...uleb(c & 0xff)) : this.emit(c);
    }
    return this.emit(0xfd, ...uleb(SIMD_OPS[o as SimdOp]));
  }

  get(l: number): this { return this.emit(0x20, ...uleb(l)); }
  set(l: number): this { return this.emit(0x21, ...uleb(l)); }
  tee(l: number): this { return this.emit(0x22, ...uleb(l)); }

  i32Const(v: number): this { return this.emit(0x41, ...sleb(v)); }
  i64Const(v: bigint): this { return this.emit(0x42, ...sleb64(v)); }
  f32Const(v: number): this { return this.emit(0x43, ...f32Bytes(v)); }
  f64Const(v: number): this { return this.emit(0x44, ...f64Bytes(v)); }
  /** v128.const of 16 raw little-endian bytes (see f32x4Bytes and friends). */
  v128Const(bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new Error('v128.const takes 16 bytes');
    return this.emit(0xfd, ...uleb(12), ...bytes);
  }

  /** A load or store; align defaults to the natural alignment (a hint only). */
  mem(o: MemoryOp, offset = 0, align?: number): this {
    const [c, natural] = MEMORY_OPS[o];
    const arg = [...uleb(align ?? natural), ...uleb(offset)];
    return c > 0xff ? this.emit(0xfd, ...uleb(c & 0xff), ...arg) : this.emit(c, ...arg);
  }

  /** v128.loadN_lane / storeN_lane: memarg then the lane. */
  memLane(o: LaneMemoryOp, offset: number, lane: number, align?: number): this {
    const [c, natural, lanes] = LANE_MEMORY_OPS[o];
    if (lane < 0 || lane >= lanes) throw new RangeError(`${o}: lane ${lane}`);
    return this.emit(0xfd, ...uleb(c), ...uleb(align ?? natural), ...uleb(offset), lane);
  }

  /** extract_lane / replace_lane. */
  lane(o: LaneOp, lane: number): this {
    const [c, lanes] = LANE_OPS[o];
    if (!Number.isInteger(lane) || lane < 0 || lane >= lanes) throw new RangeError(`${o}: lane ${lane}`);
    return this.emit(0xfd, ...uleb(c), lane);
  }

  /** i8x16.shuffle: result byte i is byte lanes[i] of a‖b. */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new RangeError('i8x16.shuffle takes 16 lanes in [0, 32)');
    return this.emit(0xfd, ...uleb(13), ...lanes);
  }

  block(body: () => void, t: BlockType = 'void'): this { return this.structured(0x02, t, body); }
  loop(body: () => void, t: BlockType = 'void'): this { return this.structured(0x03, t, body); }
  /** if (the popped i32 is non-zero) then … else … end. */
  if(then: () => void, otherwise?: () => void, t: BlockType = 'void'): this {
    this.emit(0x04, blockType(t));
    this.depth++;
    then();
    if (otherwise) { this.emit(0x05); otherwise(); }
    this.depth--;
    return this.emit(0x0b);
  }
  private structured(op: number, t: BlockType, body: () => void): this {
    this.emit(op, blockType(t));
    this.depth++;
    body();
    this.depth--;
    return this.emit(0x0b);
  }

  /** Branch to the label `depth` blocks out (0: the innermost enclosing block/loop/if). */
  br(depth: number): this { this.checkDepth(depth); return this.emit(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { this.checkDepth(depth); return this.emit(0x0d, ...uleb(depth)); }
  brTable(depths: readonly number[], otherwise: number): this {
    for (const d of [...depths, otherwise]) this.checkDepth(d);
    return this.emit(0x0e, ...vec(depths.map((d) => uleb(d))), ...uleb(otherwise));
  }
  private checkDepth(d: number): void {
    // the function body itself is a label, so depth === this.depth branches to its end
    if (!Number.isInteger(d) || d < 0 || d > this.depth) throw new RangeError(`branch depth ${d} outside ${this.depth} open blocks`);
  }
  return(): this { return this.emit(0x0f); }
  call(funcIndex: number): this { return this.emit(0x10, ...uleb(funcIndex)); }
  drop(): this { return this.emit(0x1a); }
  /** select: a if the popped i32 is non-zero, else b (stack: a b cond). */
  select(): this { return this.emit(0x1b); }
  unreachable(): this { return this.emit(0x00); }
  nop(): this { return this.emit(0x01); }
  memorySize(): this { return this.emit(0x3f, 0x00); }
  memoryGrow(): this { return this.emit(0x40, 0x00); }

  /** The code-section entry: size, run-length-encoded locals, body, end. */
  encode(): number[] {
    if (this.depth !== 0) throw new Error('unclosed block');
    const runs: number[][] = [];
    for (let i = 0; i < this.localTypes.length;) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      runs.push([...uleb(j - i), VALTYPE[this.localTypes[i]]]);
      i = j;
    }
    const body = [...vec(runs), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
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
  private readonly imports: number[][] = [];
  private importedFuncs = 0;
  private readonly funcs: FuncDef[] = [];
  private readonly exports: number[][] = [];
  private readonly exportNames = new Set<string>();
  private ownMemory: MemoryLimits | undefined;
  private hasMemory = false;
  private readonly data: number[][] = [];

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
    this.imports.push([...name(module), ...name(field), 0x02, ...limits(l)]);
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
    this.imports.push([...name(module), ...name(field), 0x00, ...uleb(this.typeIndex(t))]);
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
    this.exports.push([...name(field), kind, ...uleb(index)]);
    return this;
  }

  /** An active data segment written into memory 0 at instantiation. */
  dataSegment(offset: number, bytes: ArrayLike<number>): this {
    if (!this.hasMemory) throw new Error('a data segment needs a memory');
    this.data.push([0x00, 0x41, ...sleb(offset), 0x0b, ...uleb(bytes.length), ...Array.from(bytes)]);
    return this;
  }

  get functionCount(): number { return this.importedFuncs + this.funcs.length; }

  bytes(): Uint8Array<ArrayBuffer> {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const add = (id: number, body: readonly number[]) => { for (const b of section(id, body)) out.push(b); };
    if (this.types.length) add(1, vec(this.types.map(funcTypeBytes)));
    if (this.imports.length) add(2, vec(this.imports));
    if (this.funcs.length) add(3, vec(this.funcs.map((f) => uleb(f.typeIndex))));
    if (this.ownMemory) add(5, vec([limits(this.ownMemory)]));
    if (this.exports.length) add(7, vec(this.exports));
    if (this.funcs.length) add(10, vec(this.funcs.map((f) => f.builder.encode())));
    if (this.data.length) add(11, vec(this.data));
    return new Uint8Array(out);
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
