/**
 * A WebAssembly SIMD (f64x2) GEMM micro-kernel for the CPU dot_general kernel.
 *
 * The module is assembled below with wasm/asm.ts (no build step) and instantiated synchronously, once, on
 * first use. Operands are packed from JS into the module's memory as 4-row / 4-column panels
 * stored k-major (4 consecutive values per k), zero-padded to multiples of 4, so the kernel has
 * no edge cases: it computes a padded Mp x Np row-major C and JS copies the live part out.
 * float32 operands are widened on the way in and rounded once on the way out, exactly as the
 * JS kernel does, so both dtypes share one float64 code path.
 */

import { ModuleBuilder } from './wasm/asm.js';

// k steps per kernel loop iteration; packed panels are zero-padded to a multiple of this.
const UNROLL = 1;

/**
 * gemm(aPtr, bPtr, cPtr, mP, nP, K, k0, kc): for every 4x4 tile (p, q) of the padded C,
 * C[tile] += Σ_{k0 <= k < k0+kc} Apanel[p][k] ⊗ Bpanel[q][k]. K is the packed (padded) panel length. Requires mP, nP >= 1 and kc a positive multiple of UNROLL.
 */
function buildModule(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder().memory({ initial: 1 });
  m.func({ params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], results: [] }, (f) => {
    const aPtr = 0, bPtr = 1, cPtr = 2, mP = 3, nP = 4, K = 5, k0 = 6, kc = 7;
    const [q, p, pa, pb, k, cp, rowBytes] = Array.from({ length: 7 }, () => f.local('i32'));
    const acc = Array.from({ length: 8 }, () => f.local('v128'));
    const [b0, b1, t] = Array.from({ length: 3 }, () => f.local('v128'));

    f.get(nP).i32Const(5).op('i32.shl').set(rowBytes); // rowBytes = nP * 32
    f.i32Const(0).set(q);
    f.loop(() => { // q loop
      f.i32Const(0).set(p);
      f.loop(() => { // p loop
        // pa = aPtr + ((p*K + k0) << 5); pb = bPtr + ((q*K + k0) << 5)
        f.get(aPtr).get(p).get(K).op('i32.mul').get(k0).op('i32.add').i32Const(5).op('i32.shl').op('i32.add').set(pa);
        f.get(bPtr).get(q).get(K).op('i32.mul').get(k0).op('i32.add').i32Const(5).op('i32.shl').op('i32.add').set(pb);
        for (const a of acc) f.v128Const(new Array<number>(16).fill(0)).set(a);
        f.get(kc).set(k);
        f.loop(() => { // k loop, unrolled by UNROLL (kc is a multiple of it)
          for (let u = 0; u < UNROLL; u++) {
            f.get(pb).mem('v128.load', 32 * u, 3).set(b0);
            f.get(pb).mem('v128.load', 32 * u + 16, 3).set(b1);
            for (let r = 0; r < 4; r++) {
              f.get(pa).mem('v128.load64_splat', 32 * u + 8 * r).set(t);
              f.get(acc[2 * r]).get(t).get(b0).op('f64x2.mul').op('f64x2.add').set(acc[2 * r]);
              f.get(acc[2 * r + 1]).get(t).get(b1).op('f64x2.mul').op('f64x2.add').set(acc[2 * r + 1]);
            }
          }
          f.get(pa).i32Const(32 * UNROLL).op('i32.add').set(pa);
          f.get(pb).i32Const(32 * UNROLL).op('i32.add').set(pb);
          f.get(k).i32Const(UNROLL).op('i32.sub').set(k);
          f.get(k).i32Const(0).op('i32.ne').brIf(0);
        });
        // cp = cPtr + p*4*rowBytes + q*32
        f.get(cPtr).get(p).i32Const(2).op('i32.shl').get(rowBytes).op('i32.mul').op('i32.add').get(q).i32Const(5).op('i32.shl').op('i32.add').set(cp);
        for (let r = 0; r < 4; r++) {
          f.get(cp).get(cp).mem('v128.load', 0, 3).get(acc[2 * r]).op('f64x2.add').mem('v128.store', 0, 3);
          f.get(cp).get(cp).mem('v128.load', 16, 3).get(acc[2 * r + 1]).op('f64x2.add').mem('v128.store', 16, 3);
          if (r < 3) f.get(cp).get(rowBytes).op('i32.add').set(cp);
        }
        f.get(p).i32Const(1).op('i32.add').set(p);
        f.get(p).get(mP).op('i32.lt_u').brIf(0);
      });
      f.get(q).i32Const(1).op('i32.add').set(q);
      f.get(q).get(nP).op('i32.lt_u').brIf(0);
    });
  }, 'gemm');
  m.exportMemory('mem');
  return m.bytes();
}

// ---- instance and memory ----------------------------------------------------------------

type GemmFn = (aPtr: number, bPtr: number, cPtr: number, mP: number, nP: number, K: number, k0: number, kc: number) => void;
let kernel: { gemm: GemmFn; mem: WebAssembly.Memory } | null | undefined;

function instance(): { gemm: GemmFn; mem: WebAssembly.Memory } | null {
  if (kernel !== undefined) return kernel;
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(buildModule()), {});
    kernel = { gemm: inst.exports.gemm as unknown as GemmFn, mem: inst.exports.mem as WebAssembly.Memory };
  } catch {
    kernel = null; // no WebAssembly SIMD here: callers fall back to the JS kernel
  }
  return kernel;
}

/** Whether the WASM kernel is usable in this runtime. */
export function wasmGemmAvailable(): boolean {
  return instance() !== null;
}

// wasm32 addresses: keep the working set well under 4 GiB
const MAX_BYTES = 1 << 30;
const KC = 256;
const MC_PANELS = 16;

interface Operand {
  readonly data: ArrayLike<number>;
  readonly sF: number;
  readonly sK: number;
}

/** Packs rows [0, rows) x cols [0, K) of a strided matrix into zero-padded 4-row k-major panels. */
function pack(x: ArrayLike<number>, off: number, sR: number, sC: number, rows: number, K: number, Kp: number, dst: Float64Array, d0: number): void {
  const panels = (rows + 3) >> 2;
  let o = d0;
  for (let p = 0; p < panels; p++, o += 4 * (Kp - K)) {
    dst.fill(0, o + 4 * K, o + 4 * Kp);
    const base = off + p * 4 * sR;
    const live = Math.min(4, rows - p * 4);
    if (live === 4) {
      const s1 = base + sR, s2 = base + 2 * sR, s3 = base + 3 * sR;
      for (let k = 0, c = 0; k < K; k++, c += sC) {
        dst[o] = x[base + c]; dst[o + 1] = x[s1 + c]; dst[o + 2] = x[s2 + c]; dst[o + 3] = x[s3 + c];
        o += 4;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const src = base + k * sC;
        for (let r = 0; r < 4; r++) dst[o++] = r < live ? x[src + r * sR] : 0;
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
  const inst = instance();
  if (inst === null) return false;
  const mP = (M + 3) >> 2, nP = (N + 3) >> 2;
  const Mp = mP * 4, Np = nP * 4;
  const Kp = Math.ceil(K / UNROLL) * UNROLL;
  const aLen = Mp * Kp, bLen = Np * Kp, cLen = Mp * Np;
  const bytes = (aLen + bLen + cLen) * 8;
  if (bytes > MAX_BYTES) return false;
  const have = inst.mem.buffer.byteLength;
  if (have < bytes) inst.mem.grow(Math.ceil((bytes - have) / 65536));
  const heap = new Float64Array(inst.mem.buffer);
  const bPtr = aLen * 8, cPtr = (aLen + bLen) * 8;
  pack(a.data, aOff, a.sF, a.sK, M, K, Kp, heap, 0);
  pack(b.data, bOff, b.sF, b.sK, N, K, Kp, heap, aLen);
  const c0 = aLen + bLen;
  heap.fill(0, c0, c0 + cLen);
  // k blocks keep a B panel in L1; MC-row blocks keep the A panels they reuse in L2
  for (let k0 = 0; k0 < Kp; k0 += KC) {
    const kc = Math.min(KC, Kp - k0);
    for (let p0 = 0; p0 < mP; p0 += MC_PANELS) {
      inst.gemm(p0 * Kp * 32, bPtr, cPtr + p0 * 4 * Np * 8, Math.min(MC_PANELS, mP - p0), nP, Kp, k0, kc);
    }
  }
  if (Np === N) out.set(heap.subarray(c0, c0 + M * N), oOff);
  else for (let i = 0; i < M; i++) out.set(heap.subarray(c0 + i * Np, c0 + i * Np + N), oOff + i * N);
  return true;
}
