/**
 * WebAssembly SIMD GEMM micro-kernels for the CPU dot_general kernel: f64x2 for float64, f32x4
 * for float32 (computed in float32, four lanes to a vector: twice the f64 rate).
 *
 * The modules are assembled below with wasm/asm.ts (no build step) and instantiated synchronously,
 * once, on first use. Operands are packed from JS into the module's memory as 4-row panels of A and
 * W-column panels of B (W = 4 in float64, 8 in float32: one 4x W tile is 8 vectors either way),
 * stored k-major and zero-padded, so the kernel has no edge cases: it computes a padded Mp x Np
 * row-major C and JS copies the live part out.
 */

import { ModuleBuilder } from './wasm/asm.js';
import { post, share, startThreads, threadsUnsupported } from './threads.js';
import type { MemoryOp, SimdOp } from './wasm/asm.js';

// k steps per kernel loop iteration; packed panels are zero-padded to a multiple of this.
const UNROLL = 1;

/** What differs between the float64 and float32 kernels. */
interface Precision {
  /** Bytes of one element. */
  readonly size: 8 | 4;
  /** Columns of a B panel (two vectors). */
  readonly width: 4 | 8;
  readonly splat: MemoryOp;
  readonly add: SimdOp;
  readonly mul: SimdOp;
}
const F64: Precision = { size: 8, width: 4, splat: 'v128.load64_splat', add: 'f64x2.add', mul: 'f64x2.mul' };
const F32: Precision = { size: 4, width: 8, splat: 'v128.load32_splat', add: 'f32x4.add', mul: 'f32x4.mul' };

/**
 * gemm(aPtr, bPtr, cPtr, mP, nP, K, k0, kc): for every 4 x width tile (p, q) of the padded C,
 * C[tile] (+)= Σ_{k0 <= k < k0+kc} Apanel[p][k] ⊗ Bpanel[q][k]: the first k block (k0 = 0)
 * stores, later ones add, so C is never zeroed. K is the packed (padded) panel length.
 * Requires mP, nP >= 1 and kc a positive multiple of UNROLL.
 */
function buildModule(pr: Precision, shared: boolean): Uint8Array<ArrayBuffer> {
  // Per k: an A panel holds 4 elements, a B panel `width` (32 bytes either way).
  const aShift = pr.size === 8 ? 5 : 4;
  const aStep = 4 * pr.size;
  // the memory is the caller's: shared where a worker thread can take half the rows
  const m = new ModuleBuilder().importMemory('env', 'mem', shared ? { initial: 1, maximum: MAX_PAGES, shared: true } : { initial: 1 });
  m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, (f) => {
    const aPtr = 0, bPtr = 1, cPtr = 2, mP = 3, nP = 4, K = 5, k0 = 6, kc = 7;
    const [q, p, pa, pb, k, cp, rowBytes] = Array.from({ length: 7 }, () => f.local('i32'));
    const acc = Array.from({ length: 8 }, () => f.local('v128'));
    const [b0, b1, t] = Array.from({ length: 3 }, () => f.local('v128'));
    /** The tile's four rows into C: stored, or added to what is there. */
    const writeTile = (add: boolean) => {
      for (let r = 0; r < 4; r++) {
        for (const h of [0, 1]) {
          f.get(cp);
          if (add) f.get(cp).mem('v128.load', 16 * h, 3).get(acc[2 * r + h]).op(pr.add);
          else f.get(acc[2 * r + h]);
          f.mem('v128.store', 16 * h, 3);
        }
        if (r < 3) f.get(cp).get(rowBytes).op('i32.add').set(cp);
      }
    };

    f.get(nP).i32Const(5).op('i32.shl').set(rowBytes); // rowBytes = nP * 32
    f.i32Const(0).set(q);
    f.loop(() => { // q loop
      f.i32Const(0).set(p);
      f.loop(() => { // p loop
        // pa = aPtr + ((p*K + k0) << aShift); pb = bPtr + ((q*K + k0) << 5)
        f.get(aPtr).get(p).get(K).op('i32.mul').get(k0).op('i32.add').i32Const(aShift).op('i32.shl').op('i32.add').set(pa);
        f.get(bPtr).get(q).get(K).op('i32.mul').get(k0).op('i32.add').i32Const(5).op('i32.shl').op('i32.add').set(pb);
        for (const a of acc) f.v128Const(new Array<number>(16).fill(0)).set(a);
        f.get(kc).set(k);
        f.loop(() => { // k loop, unrolled by UNROLL (kc is a multiple of it)
          for (let u = 0; u < UNROLL; u++) {
            f.get(pb).mem('v128.load', 32 * u, 3).set(b0);
            f.get(pb).mem('v128.load', 32 * u + 16, 3).set(b1);
            for (let r = 0; r < 4; r++) {
              f.get(pa).mem(pr.splat, aStep * u + pr.size * r).set(t);
              f.get(acc[2 * r]).get(t).get(b0).op(pr.mul).op(pr.add).set(acc[2 * r]);
              f.get(acc[2 * r + 1]).get(t).get(b1).op(pr.mul).op(pr.add).set(acc[2 * r + 1]);
            }
          }
          f.get(pa).i32Const(aStep * UNROLL).op('i32.add').set(pa);
          f.get(pb).i32Const(32 * UNROLL).op('i32.add').set(pb);
          f.get(k).i32Const(UNROLL).op('i32.sub').set(k);
          f.get(k).i32Const(0).op('i32.ne').brIf(0);
        });
        // cp = cPtr + p*4*rowBytes + q*32
        f.get(cPtr).get(p).i32Const(2).op('i32.shl').get(rowBytes).op('i32.mul').op('i32.add').get(q).i32Const(5).op('i32.shl').op('i32.add').set(cp);
        f.get(k0).op('i32.eqz').if(() => writeTile(false), () => writeTile(true));
        f.get(p).i32Const(1).op('i32.add').set(p);
        f.get(p).get(mP).op('i32.lt_u').brIf(0);
      });
      f.get(q).i32Const(1).op('i32.add').set(q);
      f.get(q).get(nP).op('i32.lt_u').brIf(0);
    });
  }, 'gemm');
  return m.bytes();
}

// ---- instance and memory ----------------------------------------------------------------

type GemmFn = (aPtr: number, bPtr: number, cPtr: number, mP: number, nP: number, K: number, k0: number, kc: number) => void;
type Kernel = { gemm: GemmFn; mem: WebAssembly.Memory; module: WebAssembly.Module; sharedId?: number } | null;
const kernels = new Map<Precision, Kernel>();
const shared = threadsUnsupported() === undefined;

function instance(pr: Precision): Kernel {
  let k = kernels.get(pr);
  if (k !== undefined) return k;
  try {
    const module = new WebAssembly.Module(buildModule(pr, shared));
    const mem = new WebAssembly.Memory(shared ? { initial: 1, maximum: MAX_PAGES, shared: true } : { initial: 1 });
    const inst = new WebAssembly.Instance(module, { env: { mem } });
    k = { gemm: inst.exports.gemm as unknown as GemmFn, mem, module };
  } catch {
    k = null; // no WebAssembly SIMD here: callers fall back to the JS kernel
  }
  kernels.set(pr, k);
  return k;
}

/** The worker's id for this precision's module (undefined until the worker runs). */
function workerId(inst: NonNullable<Kernel>): number | undefined {
  startThreads();
  return (inst.sharedId ??= share(inst.module, inst.mem, 'gemm', 'gemmRows'));
}

/** Whether the WASM kernels are usable in this runtime. */
export function wasmGemmAvailable(): boolean {
  return instance(F64) !== null;
}

// wasm32 addresses: keep the working set well under 4 GiB
const MAX_BYTES = 1 << 30;
const MAX_PAGES = MAX_BYTES / 65536;
/** Multiply-adds below which a product stays on one thread (a hand-off costs a few microseconds). */
const SPLIT_WORK = 1 << 20;
const KC = 256;
const MC_PANELS = 16;

interface Operand {
  readonly data: ArrayLike<number>;
  readonly sF: number;
  readonly sK: number;
}

/** Packs rows [0, rows) x cols [0, K) of a strided matrix into zero-padded `w`-row k-major panels. */
function pack(x: ArrayLike<number>, off: number, sR: number, sC: number, rows: number, K: number, Kp: number, w: number, dst: Float64Array | Float32Array, d0: number): void {
  const panels = Math.ceil(rows / w);
  let o = d0;
  for (let p = 0; p < panels; p++, o += w * (Kp - K)) {
    dst.fill(0, o + w * K, o + w * Kp);
    const base = off + p * w * sR;
    const live = Math.min(w, rows - p * w);
    if (live === 4 && w === 4) {
      const s1 = base + sR, s2 = base + 2 * sR, s3 = base + 3 * sR;
      for (let k = 0, c = 0; k < K; k++, c += sC) {
        dst[o] = x[base + c]; dst[o + 1] = x[s1 + c]; dst[o + 2] = x[s2 + c]; dst[o + 3] = x[s3 + c];
        o += 4;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const src = base + k * sC;
        for (let r = 0; r < w; r++) dst[o++] = r < live ? x[src + r * sR] : 0;
      }
    }
  }
}

/**
 * out[oOff + i*N + j] = Σ_k A[i, k]·B[k, j] for t = one matrix pair, with A seen as [M, K]
 * (strides a.sF, a.sK from aOff) and B as [N, K] (strides b.sF, b.sK from bOff). Returns false
 * (writing nothing) when the kernel is unavailable or the problem does not fit in wasm32 memory.
 */
export function wasmGemm(a: Operand, aOff: number, b: Operand, bOff: number, out: Float64Array | Float32Array, oOff: number, M: number, N: number, K: number): boolean {
  const pr = out instanceof Float32Array ? F32 : F64;
  const inst = instance(pr);
  if (inst === null) return false;
  const W = pr.width;
  const mP = (M + 3) >> 2, nP = Math.ceil(N / W);
  const Mp = mP * 4, Np = nP * W;
  const Kp = Math.ceil(K / UNROLL) * UNROLL;
  const aLen = Mp * Kp, bLen = Np * Kp, cLen = Mp * Np;
  const bytes = (aLen + bLen + cLen) * pr.size;
  if (bytes > MAX_BYTES) return false;
  const have = inst.mem.buffer.byteLength;
  if (have < bytes) inst.mem.grow(Math.ceil((bytes - have) / 65536));
  const heap = pr === F32 ? new Float32Array(inst.mem.buffer) : new Float64Array(inst.mem.buffer);
  const bPtr = aLen * pr.size, cPtr = (aLen + bLen) * pr.size;
  pack(a.data, aOff, a.sF, a.sK, M, K, Kp, 4, heap, 0);
  pack(b.data, bOff, b.sF, b.sK, N, K, Kp, W, heap, aLen);
  const c0 = aLen + bLen;
  // k blocks keep a B panel in L1; MC-row blocks keep the A panels they reuse in L2
  const rows = (p0: number, p1: number): void => {
    for (let k0 = 0; k0 < Kp; k0 += KC) {
      const kc = Math.min(KC, Kp - k0);
      for (let p = p0; p < p1; p += MC_PANELS) {
        inst.gemm(p * Kp * 4 * pr.size, bPtr, cPtr + p * 4 * Np * pr.size, Math.min(MC_PANELS, p1 - p), nP, Kp, k0, kc);
      }
    }
  };
  // the worker takes the lower half of the row panels (every tile keeps its k order: same bits)
  let split = mP;
  let wait: (() => boolean) | undefined;
  if (mP >= 2 * MC_PANELS && M * N * K >= SPLIT_WORK) {
    const id = workerId(inst);
    split = Math.ceil(mP / 2);
    wait = id === undefined ? undefined : post(id, [pr.size, 0, bPtr, cPtr, nP, Kp, KC, split, mP, MC_PANELS]);
    if (!wait) split = mP;
  }
  rows(0, split);
  if (wait && !wait()) rows(split, mP);
  if (Np === N) out.set(heap.subarray(c0, c0 + M * N), oOff);
  else for (let i = 0; i < M; i++) out.set(heap.subarray(c0 + i * Np, c0 + i * Np + N), oOff + i * N);
  return true;
}
