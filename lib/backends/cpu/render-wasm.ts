/**
 * The WebAssembly renderer of fused kernels: elementwise float kernels whose loads are
 * contiguous runs or broadcast scalars, as f32x4 / f64x2 loops over the vectorised math of
 * wasm/math.ts. Inputs are copied into the module's memory and outputs out, a chunk at a time
 * (the CPU's arrays stay garbage-collected typed arrays). The CPU backend gives a kernel to the
 * JS renderer where this one declines it.
 *
 * Its results are the JS renderer's bit for bit: IEEE arithmetic rounds the same in float32
 * lanes as JS's float64-then-fround, min/max/integer_pow mirror the JS spellings exactly, and
 * the JS renderer calls these same math functions (wasm/scalar-math.ts). So eager and jit, fused
 * and unfused results never depend on which renderer ran; the tests assert identity.
 */
import type { TypedArray } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import { type Expr, topo } from '../../lowering/expr.js';
import type { Kernel } from '../../lowering/program.js';
import type { KernelFn } from '../../lowering/runner.js';
import { contiguousStrides } from '../../lowering/view.js';
import { LRU, onClearCaches } from '../../core/lru.js';
import { ModuleBuilder } from './wasm/asm.js';
import { Lanes, type Val } from './wasm/lanes.js';
import { MATH_IMPORTS, MathLibrary, type MathFunction } from './wasm/math.js';

/** Elements per chunk: each input and output slot of the module's memory holds one chunk. */
const CHUNK = 1 << 14;
const MATH: ReadonlySet<string> = new Set<MathFunction>(['exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'erf', 'pow']);
const ARITH = new Set(['add', 'sub', 'mul', 'div', 'neg', 'abs', 'sqrt', 'max', 'min', 'integer_pow']);

/** How each kernel input is read: a contiguous run from `offset`, or one broadcast element. */
type Read = { kind: 'run'; offset: number } | { kind: 'scalar'; offset: number };

interface Plan { readonly dtype: 'float32' | 'float64'; readonly n: number; readonly reads: readonly Read[] }

/** The kernel's shape of work if this renderer handles it, else undefined. */
function plan(k: Kernel): Plan | undefined {
  if (k.reductions.length || k.nKept !== k.domain.length) return undefined;
  const dtype = k.outputs[0]?.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') return undefined;
  const nodes = topo(k.outputs.map((o) => o.expr));
  const row = contiguousStrides(k.domain);
  const contiguous = (strides: readonly number[]) => strides.every((st, d) => k.domain[d] === 1 || st === row[d]);
  const reads: (Read | undefined)[] = k.inputs.map(() => undefined);
  for (const n of nodes) {
    if (n.dtype !== dtype) return undefined;
    if (n.kind === 'iota' || n.kind === 'red') return undefined;
    if (n.kind === 'op' && !(ARITH.has(n.op) || MATH.has(n.op))) return undefined;
    if (n.kind !== 'load') continue;
    const r: Read | undefined = n.view.strides.every((s) => s === 0) ? { kind: 'scalar', offset: n.view.offset }
      : contiguous(n.view.strides) ? { kind: 'run', offset: n.view.offset } : undefined;
    const prev = reads[n.input];
    if (!r || (prev && (prev.kind !== r.kind || prev.offset !== r.offset))) return undefined;
    reads[n.input] = r;
  }
  if (k.outputs.some((o) => o.loop !== 0 || !contiguous(o.view.strides) || o.view.offset !== 0)) return undefined;
  return { dtype, n: size(k.domain), reads: reads.map((r) => r ?? { kind: 'scalar', offset: 0 }) };
}

interface Compiled { readonly run: (...args: number[]) => void; readonly mem: WebAssembly.Memory; readonly runs: number[] }

function compile(k: Kernel, p: Plan): Compiled {
  const prec = p.dtype === 'float32' ? 'f32' : 'f64';
  const bytes = p.dtype === 'float32' ? 4 : 8;
  const runs = p.reads.map((r, i) => (r.kind === 'run' ? i : -1)).filter((i) => i >= 0);
  const slots = runs.length + k.outputs.length;
  const m = new ModuleBuilder();
  const lib = new MathLibrary(m);
  m.memory({ initial: Math.max(1, Math.ceil((slots * CHUNK * bytes) / 65536)) }).exportMemory('mem');
  const scalars = p.reads.map((r, i) => (r.kind === 'scalar' ? i : -1)).filter((i) => i >= 0);
  // run(byteLength, ...scalar values): slot j of the memory holds run input j, then the outputs.
  m.func({ params: ['i32', ...scalars.map(() => 'f64' as const)], results: [] }, (f) => {
    const L = new Lanes(f, prec);
    const splat = new Map<number, number>();
    scalars.forEach((input, j) => {
      f.get(1 + j);
      if (prec === 'f32') f.op('f32.demote_f64').op('f32x4.splat'); else f.op('f64x2.splat');
      const l = f.local('v128');
      f.set(l);
      splat.set(input, l);
    });
    const i = f.local('i32');
    f.block(() => {
      f.get(0).op('i32.eqz').brIf(0);
      f.loop(() => {
        const val = new Map<number, Val>();
        for (const n of topo(k.outputs.map((o) => o.expr))) {
          if (n.kind === 'load') {
            const sp = splat.get(n.input);
            if (sp !== undefined) { val.set(n.id, sp); continue; }
            f.get(i).mem('v128.load', runs.indexOf(n.input) * CHUNK * bytes);
            val.set(n.id, L.take());
          } else if (n.kind === 'lit') {
            val.set(n.id, L.c(n.value));
          } else if (n.kind === 'op') {
            val.set(n.id, op(L, lib, prec, n, n.args.map((a) => val.get(a.id)!)));
          }
        }
        k.outputs.forEach((o, j) => {
          f.get(i);
          L.push(val.get(o.expr.id)!);
          f.mem('v128.store', (runs.length + j) * CHUNK * bytes);
        });
        f.get(i).i32Const(16).op('i32.add').tee(i).get(0).op('i32.lt_u').brIf(0);
      });
    });
  }, 'run');
  const inst = m.instantiate(MATH_IMPORTS);
  return { run: inst.run as (...args: number[]) => void, mem: inst.mem as WebAssembly.Memory, runs };
}

/** One scalar op over lanes, with the JS renderer's semantics. */
function op(L: Lanes, lib: MathLibrary, prec: 'f32' | 'f64', n: Extract<Expr, { kind: 'op' }>, a: readonly Val[]): number {
  const local = (v: Val): number => (typeof v === 'number' ? v : (L.push(v), L.take()));
  switch (n.op) {
    case 'add': return L.add(a[0], a[1]);
    case 'sub': return L.sub(a[0], a[1]);
    case 'mul': return L.mul(a[0], a[1]);
    case 'div': return L.div(a[0], a[1]);
    case 'neg': return L.neg(a[0]);
    case 'abs': return L.abs(a[0]);
    case 'sqrt': L.push(a[0]); L.f.op(prec === 'f32' ? 'f32x4.sqrt' : 'f64x2.sqrt'); return L.take();
    // JS: a > b || a is NaN ? a : b (which also fixes the sign of a zero result).
    case 'max': return L.sel(L.or(L.gt(a[0], a[1]), L.ne(a[0], a[0])), a[0], a[1]);
    case 'min': return L.sel(L.or(L.lt(a[0], a[1]), L.ne(a[0], a[0])), a[0], a[1]);
    // float32: JS rounds the whole product once, so the lanes compute it in float64 as well
    case 'integer_pow': return prec === 'f64' ? ipow(L, a[0], n.param) : viaF64(L, a[0], (D, x) => ipow(D, x, n.param));
    default: return lib.inline(L.f, n.op as MathFunction, prec, a.map(local));
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
function viaF64(L: Lanes, x: Val, body: (D: Lanes, x: number) => number): number {
  const f = L.f;
  const D = new Lanes(f, 'f64');
  const halves = [false, true].map((high) => {
    L.push(x);
    if (high) { L.push(x); f.shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]); }
    f.op('f64x2.promote_low_f32x4');
    f.get(body(D, D.take())).op('f32x4.demote_f64x2_zero');
    return L.take();
  });
  f.get(halves[0]).get(halves[1]).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  return L.take();
}

const cache = new LRU<string, Compiled>(512);
onClearCaches(() => cache.clear());

/** A kernel function for `k`, or undefined where this renderer does not handle it (yet). */
export function renderWasm(k: Kernel): KernelFn<TypedArray> | undefined {
  const p = plan(k);
  if (!p) return undefined;
  let c = cache.get(k.key);
  if (c === undefined) {
    c = compile(k, p);
    cache.set(k.key, c);
  }
  const { run, mem, runs } = c;
  const Arr = p.dtype === 'float32' ? Float32Array : Float64Array;
  const bytes = Arr.BYTES_PER_ELEMENT;
  return (ins, outs) => {
    const heap = new Arr(mem.buffer);
    const scalars = p.reads.flatMap((r, i) => (r.kind === 'scalar' ? [ins[i][r.offset]] : []));
    for (let s = 0; s < p.n; s += CHUNK) {
      const len = Math.min(CHUNK, p.n - s);
      runs.forEach((input, j) => {
        const off = (p.reads[input] as { offset: number }).offset + s;
        heap.set((ins[input] as Float32Array | Float64Array).subarray(off, off + len), j * CHUNK);
      });
      // Whole vectors: the lanes past `len` compute garbage that is never copied out.
      run(Math.ceil((len * bytes) / 16) * 16, ...scalars);
      outs.forEach((o, j) => o.set(heap.subarray((runs.length + j) * CHUNK, (runs.length + j) * CHUNK + len), s));
    }
  };
}
