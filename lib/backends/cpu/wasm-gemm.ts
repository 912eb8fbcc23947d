/**
 * WebAssembly SIMD GEMM micro-kernels for the CPU dot_general kernel: f64x2 for float64, f32x4
 * for float32 (computed in float32, four lanes to a vector: twice the f64 rate).
 *
 * The modules are hand-assembled below (no build step) and instantiated synchronously, once, on
 * first use. Operands are packed from JS into the module's memory as 4-row panels of A and
 * W-column panels of B (W = 4 in float64, 8 in float32: one 4x W tile is 8 vectors either way),
 * stored k-major and zero-padded, so the kernel has no edge cases: it computes a padded Mp x Np
 * row-major C and JS copies the live part out.
 */

// ---- a tiny wasm byte emitter ------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

// opcodes
const I32 = 0x7f, V128 = 0x7b;
const LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21;
const I32_CONST = 0x41, I32_EQZ = 0x45, I32_NE = 0x47, I32_LT_U = 0x49, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_SHL = 0x74;
const SIMD = 0xfd;
const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];
const v128Load = (offset: number) => [SIMD, ...uleb(0x00), ...memarg(3, offset)];
const v128Store = (offset: number) => [SIMD, ...uleb(0x0b), ...memarg(3, offset)];
const load64Splat = (offset: number) => [SIMD, ...uleb(0x0a), ...memarg(3, offset)];
const v128Zero = [SIMD, ...uleb(0x0c), ...new Array<number>(16).fill(0)];
const load32Splat = (offset: number) => [SIMD, ...uleb(0x09), ...memarg(2, offset)];

/** What differs between the float64 and float32 kernels. */
interface Precision {
  /** Bytes of one element. */
  readonly size: 8 | 4;
  /** Columns of a B panel (two vectors). */
  readonly width: 4 | 8;
  readonly splat: (offset: number) => number[];
  readonly add: number[];
  readonly mul: number[];
}
const F64: Precision = { size: 8, width: 4, splat: load64Splat, add: [SIMD, ...uleb(0xf0)], mul: [SIMD, ...uleb(0xf2)] };
const F32: Precision = { size: 4, width: 8, splat: load32Splat, add: [SIMD, ...uleb(0xe4)], mul: [SIMD, ...uleb(0xe6)] };
const get = (l: number) => [GET, ...uleb(l)];
const set = (l: number) => [SET, ...uleb(l)];
const i32c = (v: number) => [I32_CONST, ...sleb(v)];

// k steps per kernel loop iteration; packed panels are zero-padded to a multiple of this.
const UNROLL = 1;

/**
 * gemm(aPtr, bPtr, cPtr, mP, nP, K, k0, kc): for every 4x4 tile (p, q) of the padded C,
 * C[tile] += Σ_{k0 <= k < k0+kc} Apanel[p][k] ⊗ Bpanel[q][k]. K is the packed (padded) panel length. Requires mP, nP >= 1 and kc a positive multiple of UNROLL.
 */
function buildModule(pr: Precision): Uint8Array<ArrayBuffer> {
  // Per k: an A panel holds 4 elements, a B panel `width` (32 bytes either way).
  const aShift = pr.size === 8 ? 5 : 4;
  const aStep = 4 * pr.size;
  // params 0..7
  const aPtr = 0, bPtr = 1, cPtr = 2, mP = 3, nP = 4, K = 5, k0 = 6, kc = 7;
  // i32 locals
  const q = 8, p = 9, pa = 10, pb = 11, k = 12, cp = 13, rowBytes = 14;
  // v128 locals
  const acc = [15, 16, 17, 18, 19, 20, 21, 22];
  const b0 = 23, b1 = 24, t = 25;

  const body: number[] = [];
  const e = (...xs: (number | number[])[]) => { for (const x of xs) typeof x === 'number' ? body.push(x) : body.push(...x); };

  // rowBytes = nP * 32
  e(get(nP), i32c(5), I32_SHL, set(rowBytes));
  e(i32c(0), set(q));
  e(LOOP, VOID); // q loop
  e(i32c(0), set(p));
  e(LOOP, VOID); // p loop
  // pa = aPtr + ((p*K + k0) << aShift); pb = bPtr + ((q*K + k0) << 5)
  e(get(aPtr), get(p), get(K), I32_MUL, get(k0), I32_ADD, i32c(aShift), I32_SHL, I32_ADD, set(pa));
  e(get(bPtr), get(q), get(K), I32_MUL, get(k0), I32_ADD, i32c(5), I32_SHL, I32_ADD, set(pb));
  for (const a of acc) e(v128Zero, set(a));
  e(get(kc), set(k));
  e(LOOP, VOID); // k loop, unrolled by UNROLL (kc is a multiple of it)
  for (let u = 0; u < UNROLL; u++) {
    e(get(pb), v128Load(32 * u), set(b0));
    e(get(pb), v128Load(32 * u + 16), set(b1));
    for (let r = 0; r < 4; r++) {
      e(get(pa), pr.splat(aStep * u + pr.size * r), set(t));
      e(get(acc[2 * r]), get(t), get(b0), pr.mul, pr.add, set(acc[2 * r]));
      e(get(acc[2 * r + 1]), get(t), get(b1), pr.mul, pr.add, set(acc[2 * r + 1]));
    }
  }
  e(get(pa), i32c(aStep * UNROLL), I32_ADD, set(pa));
  e(get(pb), i32c(32 * UNROLL), I32_ADD, set(pb));
  e(get(k), i32c(UNROLL), I32_SUB, set(k));
  e(get(k), i32c(0), I32_NE, BR_IF, 0);
  e(END); // k loop
  // cp = cPtr + p*4*rowBytes + q*32
  e(get(cPtr), get(p), i32c(2), I32_SHL, get(rowBytes), I32_MUL, I32_ADD, get(q), i32c(5), I32_SHL, I32_ADD, set(cp));
  // The first k block stores its tile (C needs no zeroing); later blocks add to it.
  e(get(k0), I32_EQZ, IF, VOID);
  for (let r = 0; r < 4; r++) {
    e(get(cp), get(acc[2 * r]), v128Store(0));
    e(get(cp), get(acc[2 * r + 1]), v128Store(16));
    if (r < 3) e(get(cp), get(rowBytes), I32_ADD, set(cp));
  }
  e(ELSE);
  for (let r = 0; r < 4; r++) {
    e(get(cp), get(cp), v128Load(0), get(acc[2 * r]), pr.add, v128Store(0));
    e(get(cp), get(cp), v128Load(16), get(acc[2 * r + 1]), pr.add, v128Store(16));
    if (r < 3) e(get(cp), get(rowBytes), I32_ADD, set(cp));
  }
  e(END);
  e(get(p), i32c(1), I32_ADD, set(p));
  e(get(p), get(mP), I32_LT_U, BR_IF, 0);
  e(END); // p loop
  e(get(q), i32c(1), I32_ADD, set(q));
  e(get(q), get(nP), I32_LT_U, BR_IF, 0);
  e(END); // q loop
  e(END); // function

  const locals = vec([[...uleb(7), I32], [...uleb(11), V128]]);
  const func = [...locals, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array<number[]>(8).fill([I32])), ...vec([])]])), // type
    ...section(3, vec([uleb(0)])), // function
    ...section(5, vec([[0x00, ...uleb(1)]])), // memory: min 1 page, no max
    ...section(7, vec([[...str('gemm'), 0x00, ...uleb(0)], [...str('mem'), 0x02, ...uleb(0)]])), // export
    ...section(10, vec([[...uleb(func.length), ...func]])), // code
  ]);
}

// ---- instance and memory ----------------------------------------------------------------

type GemmFn = (aPtr: number, bPtr: number, cPtr: number, mP: number, nP: number, K: number, k0: number, kc: number) => void;
type Kernel = { gemm: GemmFn; mem: WebAssembly.Memory } | null;
const kernels = new Map<Precision, Kernel>();

function instance(pr: Precision): Kernel {
  let k = kernels.get(pr);
  if (k !== undefined) return k;
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(buildModule(pr)), {});
    k = { gemm: inst.exports.gemm as unknown as GemmFn, mem: inst.exports.mem as WebAssembly.Memory };
  } catch {
    k = null; // no WebAssembly SIMD here: callers fall back to the JS kernel
  }
  kernels.set(pr, k);
  return k;
}

/** Whether the WASM kernels are usable in this runtime. */
export function wasmGemmAvailable(): boolean {
  return instance(F64) !== null;
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
  for (let k0 = 0; k0 < Kp; k0 += KC) {
    const kc = Math.min(KC, Kp - k0);
    for (let p0 = 0; p0 < mP; p0 += MC_PANELS) {
      inst.gemm(p0 * Kp * 4 * pr.size, bPtr, cPtr + p0 * 4 * Np * pr.size, Math.min(MC_PANELS, mP - p0), nP, Kp, k0, kc);
    }
  }
  if (Np === N) out.set(heap.subarray(c0, c0 + M * N), oOff);
  else for (let i = 0; i < M; i++) out.set(heap.subarray(c0 + i * Np, c0 + i * Np + N), oOff + i * N);
  return true;
}
