/**
 * The WebAssembly renderer of fused kernels. Two shapes of code:
 *
 * - streaming: elementwise float kernels whose loads are contiguous runs or broadcast scalars, in
 *   f32x4 / f64x2 loops over a chunk at a time of inputs copied into the module's own memory (the
 *   CPU's arrays stay garbage-collected typed arrays; memory stays bounded for any size);
 * - strided: every other kernel whose ops have lanes (wasm/kernel-loops.ts), over whole buffers
 *   copied into one shared arena (kernels that would need more than ARENA_MAX go to JS). A large
 *   one splits its outermost loop with the worker thread (threads.ts), which runs the same
 *   module over the same (shared) arena; a large streaming kernel takes this form once the worker
 *   runs, so both cores compute it.
 *
 * Its results are the JS renderer's bit for bit: IEEE arithmetic rounds the same in float32
 * lanes as JS's float64-then-fround, the other ops mirror the JS spellings exactly, reductions
 * accumulate each output point in the JS order, and the JS renderer calls these same math
 * functions (wasm/scalar-math.ts). So eager and jit, fused and unfused results never depend on
 * which renderer ran; the tests assert identity.
 */
import type { TypedArray } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import { readSpans, topo } from '../../lowering/expr.js';
import type { Kernel } from '../../lowering/program.js';
import type { KernelFn } from '../../lowering/runner.js';
import { contiguousStrides } from '../../lowering/view.js';
import { LRU, onClearCaches } from '../../core/lru.js';
import { ModuleBuilder } from './wasm/asm.js';
import { MATH_FUNCTIONS, MATH_IMPORTS, MathLibrary } from './wasm/math.js';
import { KernelOps, isMathOp, sincosArgs } from './wasm/kernel-ops.js';
import { type Strided, type StridedPlan, compileStrided, stridedPlan } from './wasm/kernel-loops.js';
import { post, share, startThreads, threadsReady, threadsUnsupported, unshare } from './threads.js';

/** Elements per chunk: each input and output slot of a streaming module's memory holds one chunk. */
const CHUNK = 1 << 14;
const STREAM_OPS = new Set(['add', 'sub', 'mul', 'div', 'neg', 'abs', 'sqrt', 'max', 'min', 'integer_pow', ...MATH_FUNCTIONS]);
/** The strided arena's bound; beyond, kernels run in JS (the arena is never shrunk). */
const ARENA_MAX = 64 << 20;
/** Below this many points a strided kernel without transcendentals is faster in JS (call and copy overhead). */
const SMALL = 256;
/**
 * The same for a streaming kernel, math counting 8× (its fixed cost is lower: about 80 ns a call
 * and copy, against JS's 2 ns an element, or 20-40 with transcendentals; crossovers measured in
 * Node 20 near 48 elements, and 4-8 with math).
 */
const STREAM_SMALL = 48;

/** How each kernel input is read: a contiguous run from `offset`, or one broadcast element. */
type Read = { kind: 'run'; offset: number } | { kind: 'scalar'; offset: number };

interface StreamPlan { readonly dtype: 'float32' | 'float64'; readonly n: number; readonly reads: readonly Read[]; readonly math: boolean }

/** The streaming shape of k, if it has one. */
function streamPlan(k: Kernel): StreamPlan | undefined {
  if (k.reductions.length || k.nKept !== k.domain.length) return undefined;
  const dtype = k.outputs[0]?.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') return undefined;
  const nodes = topo(k.outputs.map((o) => o.expr));
  const row = contiguousStrides(k.domain);
  const contiguous = (strides: readonly number[]) => strides.every((st, d) => k.domain[d] === 1 || st === row[d]);
  const reads: (Read | undefined)[] = k.inputs.map(() => undefined);
  let math = false;
  for (const n of nodes) {
    if (n.dtype !== dtype) return undefined;
    if (n.kind === 'iota' || n.kind === 'red' || (n.kind === 'load' && n.gather)) return undefined;
    if (n.kind === 'op' && !STREAM_OPS.has(n.op)) return undefined;
    if (n.kind === 'op' && isMathOp(n.op)) math = true;
    if (n.kind !== 'load') continue;
    const r: Read | undefined = n.view.strides.every((s) => s === 0) ? { kind: 'scalar', offset: n.view.offset }
      : contiguous(n.view.strides) ? { kind: 'run', offset: n.view.offset } : undefined;
    const prev = reads[n.input];
    if (!r || (prev && (prev.kind !== r.kind || prev.offset !== r.offset))) return undefined;
    reads[n.input] = r;
  }
  if (k.outputs.some((o) => o.dtype !== dtype || o.loop !== 0 || !contiguous(o.view.strides) || o.view.offset !== 0)) return undefined;
  return { dtype, n: size(k.domain), reads: reads.map((r) => r ?? { kind: 'scalar', offset: 0 }), math };
}

interface Streaming { readonly run: (...args: number[]) => void; readonly mem: WebAssembly.Memory; readonly runs: number[] }

function compileStreaming(k: Kernel, p: StreamPlan): Streaming {
  const bytes = p.dtype === 'float32' ? 4 : 8;
  const runs = p.reads.map((r, i) => (r.kind === 'run' ? i : -1)).filter((i) => i >= 0);
  const slots = runs.length + k.outputs.length;
  const m = new ModuleBuilder();
  const lib = new MathLibrary(m);
  m.memory({ initial: Math.max(1, Math.ceil((slots * CHUNK * bytes) / 65536)) }).exportMemory('mem');
  const scalars = p.reads.map((r, i) => (r.kind === 'scalar' ? i : -1)).filter((i) => i >= 0);
  // run(byteLength, ...scalar values): slot j of the memory holds run input j, then the outputs.
  m.func({ params: ['i32', ...scalars.map(() => 'f64' as const)], results: [] }, (f) => {
    const E = new KernelOps(f, p.dtype, lib, sincosArgs(topo(k.outputs.map((o) => o.expr))));
    const splat = new Map<number, number>();
    scalars.forEach((input, j) => {
      f.get(1 + j);
      if (p.dtype === 'float32') f.op('f32.demote_f64').op('f32x4.splat'); else f.op('f64x2.splat');
      splat.set(input, E.take());
    });
    const i = f.local('i32');
    f.block(() => {
      f.get(0).op('i32.eqz').brIf(0);
      f.loop(() => {
        const val = new Map<number, number | readonly number[]>();
        for (const n of topo(k.outputs.map((o) => o.expr))) {
          if (n.kind === 'load') {
            const sp = splat.get(n.input);
            if (sp !== undefined) { val.set(n.id, sp); continue; }
            f.get(i).mem('v128.load', runs.indexOf(n.input) * CHUNK * bytes);
            val.set(n.id, E.take());
          } else if (n.kind === 'lit') {
            val.set(n.id, E.lit(n.value, n.dtype));
          } else if (n.kind === 'op') {
            val.set(n.id, E.op(n, n.args.map((a) => val.get(a.id)!)));
          }
        }
        k.outputs.forEach((o, j) => {
          f.get(i);
          E.push(val.get(o.expr.id)!);
          f.mem('v128.store', (runs.length + j) * CHUNK * bytes);
        });
        f.get(i).i32Const(16).op('i32.add').tee(i).get(0).op('i32.lt_u').brIf(0);
      });
    });
  }, 'run');
  const inst = m.instantiate(MATH_IMPORTS);
  return { run: inst.run as (...args: number[]) => void, mem: inst.mem as WebAssembly.Memory, runs };
}

function streaming(k: Kernel, p: StreamPlan): KernelFn<TypedArray> {
  let c = streamCache.get(k.key);
  if (c === undefined) {
    c = compileStreaming(k, p);
    streamCache.set(k.key, c);
  }
  const { run, mem, runs } = c;
  const Arr = p.dtype === 'float32' ? Float32Array : Float64Array;
  const bytes = Arr.BYTES_PER_ELEMENT;
  const scalarReads = p.reads.flatMap((r, i) => (r.kind === 'scalar' ? [[i, r.offset] as const] : []));
  const runOffsets = runs.map((input) => (p.reads[input] as { offset: number }).offset);
  // The module's memory never grows, so its views are made once (and again only if its buffer
  // changed); a small kernel's call otherwise spends more on typed-array views than on its loop.
  let heap: Float32Array | Float64Array | undefined;
  let outViews: (Float32Array | Float64Array)[] = [];
  const view = (): Float32Array | Float64Array => {
    if (heap === undefined || heap.buffer !== mem.buffer) {
      const h = heap = new Arr(mem.buffer);
      const len = Math.min(CHUNK, p.n);
      outViews = k.outputs.map((_, j) => h.subarray((runs.length + j) * CHUNK, (runs.length + j) * CHUNK + len));
    }
    return heap;
  };
  return (ins, outs) => {
    const heap = view();
    const scalars: number[] = [];
    for (const [i, off] of scalarReads) scalars.push(ins[i][off]);
    for (let s = 0; s < p.n; s += CHUNK) {
      const len = Math.min(CHUNK, p.n - s);
      for (let j = 0; j < runs.length; j++) {
        const x = ins[runs[j]] as Float32Array | Float64Array;
        const off = runOffsets[j] + s;
        heap.set(off === 0 && x.length === len ? x : x.subarray(off, off + len), j * CHUNK);
      }
      // Whole vectors: the lanes past `len` compute garbage that is never copied out.
      const vecBytes = Math.ceil((len * bytes) / 16) * 16;
      if (scalars.length === 0) run(vecBytes); else run(vecBytes, ...scalars);
      for (let j = 0; j < outs.length; j++) {
        outs[j].set(s === 0 && len === outViews[j].length ? outViews[j] : heap.subarray((runs.length + j) * CHUNK, (runs.length + j) * CHUNK + len), s);
      }
    }
  };
}

let arena: WebAssembly.Memory | undefined;

/** The strided arena: shared where a worker thread can take part of a kernel. */
function theArena(): WebAssembly.Memory {
  arena ??= new WebAssembly.Memory(threadsUnsupported() === undefined
    ? { initial: 16, maximum: Math.ceil(ARENA_MAX / 65536) + 16, shared: true } : { initial: 16 });
  return arena;
}

/** Work (points × inner points, math counting 8×) from which a kernel splits its outer loop with the worker. */
const SPLIT_WORK = 1 << 16;

interface StridedEntry extends Strided { workerId?: number }

function strided(k: Kernel, p: StridedPlan, fallback: () => KernelFn<TypedArray>): KernelFn<TypedArray> {
  const mem = theArena();
  let c = stridedCache.get(k.key);
  if (c === undefined) {
    c = compileStrided(k, p, mem);
    stridedCache.set(k.key, c);
  }
  const entry: StridedEntry = c;
  const points = size(k.domain);
  const split = entry.range > 1 && points * (p.math ? 8 : 1) >= SPLIT_WORK
    ? Math.ceil(entry.range / 2 / entry.step) * entry.step : 0;
  // Each input is copied in over the offsets the kernel reads, and its pointer moved back by the
  // span's start (the kernel's address arithmetic is i32, so a pointer below 0 wraps to the
  // right place): a kernel reading a slice of a long buffer copies the slice.
  const spans = readSpans([...k.reductions.map((r) => r.expr), ...k.outputs.map((o) => o.expr)], k.inputs.length);
  const nIn = k.inputs.length, nOut = k.outputs.length;
  const ptrs = new globalThis.Array<number>(nIn + nOut).fill(0), args = ptrs.slice(), from = ptrs.slice(0, nIn), to = from.slice();
  let js: KernelFn<TypedArray> | undefined;
  return (ins, outs) => {
    // each buffer 16-byte aligned with 16 spare bytes after it
    let total = 0, read = 0;
    for (let i = 0; i < nIn; i++) {
      const b = ins[i];
      const lo = Math.max(0, spans[i][0]), hi = Math.max(lo, Math.min(b.length, spans[i][1]));
      const bytes = (hi - lo) * b.BYTES_PER_ELEMENT;
      from[i] = lo; to[i] = hi; ptrs[i] = total; read += bytes;
      total += ((bytes + 31) >> 4) << 4;
    }
    for (let j = 0; j < nOut; j++) { ptrs[nIn + j] = total; total += ((outs[j].byteLength + 31) >> 4) << 4; }
    // a kernel reading a few elements of large buffers would spend its time copying them
    if (total > ARENA_MAX || read > 64 * points * 8 + 65536) return (js ??= fallback())(ins, outs);
    if (mem.buffer.byteLength < total) mem.grow(Math.ceil((total - mem.buffer.byteLength) / 65536));
    for (let i = 0; i < nIn; i++) {
      const b = ins[i], lo = from[i], e = b.BYTES_PER_ELEMENT;
      copyIn(arenaView(mem, b), ptrs[i] / e, b, lo, to[i]);
      args[i] = (ptrs[i] - lo * e) | 0;
    }
    for (let j = 0; j < nOut; j++) args[nIn + j] = ptrs[nIn + j];
    let wait: (() => boolean) | undefined;
    if (split > 0 && split < entry.range) {
      startThreads();
      if (threadsReady()) {
        entry.workerId ??= share(entry.module, mem, 'run', 'call');
        if (entry.workerId !== undefined) wait = post(entry.workerId, [...args, split, entry.range]);
      }
    }
    entry.run(...args, 0, wait ? split : entry.range);
    if (wait && !wait()) entry.run(...args, split, entry.range);
    for (let j = 0; j < nOut; j++) {
      const b = outs[j];
      copyOut(b, arenaView(mem, b), ptrs[nIn + j] / b.BYTES_PER_ELEMENT);
    }
  };
}

/**
 * Typed views of the arena, one per element type, remade only when it grows: a kernel call makes
 * no view of its own (Node takes longer to create a typed array than a small kernel runs).
 */
let arenaBuffer: ArrayBufferLike | undefined;
const arenaViews = new Map<unknown, TypedArray>();
function arenaView(mem: WebAssembly.Memory, like: TypedArray): TypedArray {
  if (mem.buffer !== arenaBuffer) { arenaBuffer = mem.buffer; arenaViews.clear(); }
  let v = arenaViews.get(like.constructor);
  if (!v) arenaViews.set(like.constructor, v = new (like.constructor as new (b: ArrayBufferLike) => TypedArray)(arenaBuffer));
  return v;
}
/**
 * Below this many elements a copy is a loop: subarray() would create a view. Not for float32,
 * whose elements pass through a float64 number: a signaling NaN (a bitcast's payload) would come
 * out quieted; float64 and integer elements keep their bits.
 */
const COPY_LOOP = 64;
const loopCopies = (b: TypedArray, n: number): boolean => n <= COPY_LOOP && !(b instanceof Float32Array);
function copyIn(heap: TypedArray, at: number, b: TypedArray, lo: number, hi: number): void {
  if (lo === 0 && hi === b.length) heap.set(b as never, at);
  else if (loopCopies(b, hi - lo)) for (let j = lo; j < hi; j++) heap[at + j - lo] = b[j];
  else heap.set(b.subarray(lo, hi) as never, at);
}
function copyOut(b: TypedArray, heap: TypedArray, at: number): void {
  const n = b.length;
  if (loopCopies(b, n)) for (let j = 0; j < n; j++) b[j] = heap[at + j];
  else b.set(heap.subarray(at, at + n) as never);
}

const streamCache = new LRU<string, Streaming>(512);
// A dropped entry may still be held by a kernel function: it shares its module again on next use.
const stridedCache = new LRU<string, StridedEntry>(1024, (_, e) => {
  if (e.workerId !== undefined) unshare(e.workerId);
  e.workerId = undefined;
});
onClearCaches(() => { streamCache.clear(); stridedCache.clear(); });

/**
 * A kernel function for `k`, or undefined where the JS renderer should take it (ops without
 * lanes here, or small kernels where calling into WebAssembly costs more than it saves).
 * `fallback` is the JS function, used for calls whose buffers would overflow the arena.
 */
export function renderWasm(k: Kernel, fallback: () => KernelFn<TypedArray>): KernelFn<TypedArray> | undefined {
  const sp = streamPlan(k);
  const p = stridedPlan(k);
  if (sp) {
    if (sp.n * (sp.math ? 8 : 1) < STREAM_SMALL) return undefined;
    const stream = streaming(k, sp);
    if (!p || threadsUnsupported() !== undefined || sp.n * (p.math ? 8 : 1) < SPLIT_WORK) return stream;
    // large: the strided form over the shared arena, split with the worker once it runs (same bits)
    let par: KernelFn<TypedArray> | undefined;
    return (ins, outs) => {
      startThreads();
      if (!threadsReady()) stream(ins, outs);
      else (par ??= strided(k, p, fallback))(ins, outs);
    };
  }
  if (!p || size(k.domain) < (p.math ? 16 : SMALL)) return undefined;
  return strided(k, p, fallback);
}
