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
  packFunctions(m, pr);
  return m.bytes();
}

/** Shuffle bytes picking `lanes` of `bytes`-wide lanes from two vectors (first: 0.., second: 16/bytes..). */
const laneBytes = (lanes: readonly number[], bytes: number): number[] => lanes.flatMap((l) => Array.from({ length: bytes }, (_, b) => l * bytes + b));

/**
 * Packing inside the module, from operands copied in whole (one memcpy) — JS element by element
 * costs ~1 ns per element, a third of a 784x256 layer's product. Full panels only; JS packs a
 * partial last panel and the k tail.
 *
 * packA(src, dst, panels, K4, rowBytes, panelBytes): 4-row panels of an A whose rows are
 * contiguous (stride rowBytes), K4 k's (a multiple of the lanes per vector), transposed four rows
 * by one vector at a time. packB(src, dst, panels, K, rowBytes): 32-byte-wide panels of a
 * row-major B, one row's 32 bytes per k.
 */
function packFunctions(m: ModuleBuilder, pr: Precision): void {
  m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, (f) => {
    const [src, dst, panels, K4, rowBytes, panelBytes] = [0, 1, 2, 3, 4, 5];
    const [p, k, r0, d] = Array.from({ length: 4 }, () => f.local('i32'));
    const v = Array.from({ length: 4 }, () => f.local('v128'));
    const [t0, t1, t2, t3] = Array.from({ length: 4 }, () => f.local('v128'));
    f.i32Const(0).set(p);
    f.loop(() => {
      f.get(src).get(p).get(rowBytes).op('i32.mul').i32Const(2).op('i32.shl').op('i32.add').set(r0);
      f.get(dst).get(p).get(panelBytes).op('i32.mul').op('i32.add').set(d);
      f.i32Const(0).set(k);
      f.loop(() => {
        for (let r = 0; r < 4; r++) {
          f.get(r0).get(k).op('i32.add');
          if (r) f.get(rowBytes).i32Const(r).op('i32.mul').op('i32.add');
          f.mem('v128.load', 0, 0).set(v[r]);
        }
        if (pr.size === 4) {
          // 4x4 transpose: out[j] = [v0[j], v1[j], v2[j], v3[j]]
          f.get(v[0]).get(v[1]).shuffle(laneBytes([0, 4, 1, 5], 4)).set(t0);
          f.get(v[2]).get(v[3]).shuffle(laneBytes([0, 4, 1, 5], 4)).set(t1);
          f.get(v[0]).get(v[1]).shuffle(laneBytes([2, 6, 3, 7], 4)).set(t2);
          f.get(v[2]).get(v[3]).shuffle(laneBytes([2, 6, 3, 7], 4)).set(t3);
          [[t0, t1, [0, 1, 4, 5]], [t0, t1, [2, 3, 6, 7]], [t2, t3, [0, 1, 4, 5]], [t2, t3, [2, 3, 6, 7]]].forEach(([x, y, lanes], j) => {
            f.get(d).get(x as number).get(y as number).shuffle(laneBytes(lanes as number[], 4)).mem('v128.store', 16 * j, 0);
          });
        } else {
          // two k's per vector: k = [v0[0], v1[0]], [v2[0], v3[0]]; k + 1 the same with lane 1
          [[0, 1, [0, 2]], [2, 3, [0, 2]], [0, 1, [1, 3]], [2, 3, [1, 3]]].forEach(([x, y, lanes], j) => {
            f.get(d).get(v[x as number]).get(v[y as number]).shuffle(laneBytes(lanes as number[], 8)).mem('v128.store', 16 * j, 0);
          });
        }
        f.get(d).i32Const(64).op('i32.add').set(d);
        f.get(k).i32Const(16).op('i32.add').tee(k).get(K4).i32Const(pr.size === 4 ? 2 : 3).op('i32.shl');
        f.op('i32.lt_u').brIf(0);
      });
      f.get(p).i32Const(1).op('i32.add').tee(p).get(panels).op('i32.lt_u').brIf(0);
    });
  }, 'packA');
  m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, (f) => {
    const [src, dst, panels, K, rowBytes] = [0, 1, 2, 3, 4];
    const [p, k, s, d] = Array.from({ length: 4 }, () => f.local('i32'));
    f.get(dst).set(d);
    f.i32Const(0).set(p);
    f.loop(() => {
      f.get(src).get(p).i32Const(5).op('i32.shl').op('i32.add').set(s);
      f.get(K).set(k);
      f.loop(() => {
        f.get(d).get(s).mem('v128.load', 0, 0).mem('v128.store', 0, 0);
        f.get(d).get(s).mem('v128.load', 16, 0).mem('v128.store', 16, 0);
        f.get(d).i32Const(32).op('i32.add').set(d);
        f.get(s).get(rowBytes).op('i32.add').set(s);
        f.get(k).i32Const(1).op('i32.sub').tee(k).brIf(0);
      });
      f.get(p).i32Const(1).op('i32.add').tee(p).get(panels).op('i32.lt_u').brIf(0);
    });
  }, 'packB');
}

// ---- instance and memory ----------------------------------------------------------------

type GemmFn = (aPtr: number, bPtr: number, cPtr: number, mP: number, nP: number, K: number, k0: number, kc: number) => void;
type PackFn = (...args: number[]) => void;
type Kernel = { gemm: GemmFn; packA: PackFn; packB: PackFn; mem: WebAssembly.Memory; module: WebAssembly.Module; sharedId?: number } | null;
const kernels = new Map<Precision, Kernel>();
const shared = threadsUnsupported() === undefined;

function instance(pr: Precision): Kernel {
  let k = kernels.get(pr);
  if (k !== undefined) return k;
  try {
    const module = new WebAssembly.Module(buildModule(pr, shared));
    const mem = new WebAssembly.Memory(shared ? { initial: 1, maximum: MAX_PAGES, shared: true } : { initial: 1 });
    const inst = new WebAssembly.Instance(module, { env: { mem } });
    const e = inst.exports as Record<string, unknown>;
    k = { gemm: e.gemm as GemmFn, packA: e.packA as PackFn, packB: e.packB as PackFn, mem, module };
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
    } else if (live === w && sR === 1) {
      // a full panel of contiguous rows (a row-major B): w elements straight from each row
      for (let k = 0, c = base; k < K; k++, c += sC) {
        for (let r = 0; r < w; r++) dst[o + r] = x[c + r];
        o += w;
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
  // operands packed inside the module are first copied in whole to a staging area after C
  const Arr = pr === F32 ? Float32Array : Float64Array;
  const lanes = 16 / pr.size;
  const aSpan = a.sK === 1 && a.sF >= 0 && a.data instanceof Arr && M >= 4 && K >= lanes && Kp === K ? (M - 1) * a.sF + K : 0;
  const bSpan = b.sF === 1 && b.sK >= 0 && b.data instanceof Arr && N >= W && Kp === K ? (K - 1) * b.sK + N : 0;
  const stage = aLen + bLen + cLen;
  const bytes = (stage + Math.max(aSpan, bSpan)) * pr.size + 16;
  if (bytes > MAX_BYTES) return false;
  const have = inst.mem.buffer.byteLength;
  if (have < bytes) inst.mem.grow(Math.ceil((bytes - have) / 65536));
  const heap = pr === F32 ? new Float32Array(inst.mem.buffer) : new Float64Array(inst.mem.buffer);
  const bPtr = aLen * pr.size, cPtr = (aLen + bLen) * pr.size;
  if (aSpan) {
    heap.set((a.data as Float32Array).subarray(aOff, aOff + aSpan), stage);
    const full = M >> 2, K4 = K - (K % lanes);
    inst.packA(stage * pr.size, 0, full, K4, a.sF * pr.size, Kp * 4 * pr.size);
    for (let p = 0; p < full; p++) {
      for (let k = K4; k < K; k++) for (let r = 0; r < 4; r++) heap[(p * Kp + k) * 4 + r] = a.data[aOff + (p * 4 + r) * a.sF + k];
    }
    if (M > full * 4) pack(a.data, aOff + full * 4 * a.sF, a.sF, a.sK, M - full * 4, K, Kp, 4, heap, full * 4 * Kp);
  } else {
    pack(a.data, aOff, a.sF, a.sK, M, K, Kp, 4, heap, 0);
  }
  if (bSpan) {
    heap.set((b.data as Float32Array).subarray(bOff, bOff + bSpan), stage);
    const full = Math.floor(N / W);
    inst.packB(stage * pr.size, bPtr, full, K, b.sK * pr.size);
    if (N > full * W) pack(b.data, bOff + full * W, b.sF, b.sK, N - full * W, K, Kp, W, heap, aLen + full * W * Kp);
  } else {
    pack(b.data, bOff, b.sF, b.sK, N, K, Kp, W, heap, aLen);
  }
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
