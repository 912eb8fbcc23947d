/**
 * Every WGSL scalar op against the CPU backend's float32 semantics (the shared table's JS
 * spelling with the CPU helpers, rounded with Math.fround as the JS renderer rounds), on a real
 * WebGPU device: SwiftShader on a Linux machine without a GPU. Skipped without an adapter unless
 * REQUIRE_WEBGPU=1. (Where Mesa's Vulkan drivers are installed but rejected by Dawn, run with
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json: a test worker cannot set it.)
 *
 * Drivers may flush subnormals (WGSL allows it; SwiftShader does), so a result also passes when
 * it matches the reference at subnormal inputs flushed to zero, and a subnormal reference
 * result also accepts zero. Elsewhere special values (NaN, ±inf, ±0) must match exactly.
 *
 * Measured max ulp on SwiftShader (float32 ops checked by ulp; all others are exact):
 * exp(float32)                            1
 * exp2(float32)                           1
 * log(float32)                            1
 * log1p(float32)                          2
 * expm1(float32)                          1
 * sin(float32)                            2
 * cos(float32)                            2
 * tan(float32)                            2
 * asin(float32)                           1
 * acos(float32)                           1
 * atan(float32)                           1
 * sinh(float32)                           2
 * cosh(float32)                           1
 * tanh(float32)                           2
 * asinh(float32)                          2
 * acosh(float32)                          2
 * atanh(float32)                          2
 * rsqrt(float32)                          1
 * cbrt(float32)                           1
 * logistic(float32)                       2
 * erf(float32)                            1
 * erfc(float32)                           2
 * erf_inv(float32)                        1
 * lgamma(float32)                         3  (83 within abs 0.000002)
 * digamma(float32)                        3  (293 within abs 0.000002)
 * polygamma(float32)[1]                   4
 * polygamma(float32)[1] x < 0             6
 * polygamma(float32)[2]                   6
 * polygamma(float32)[2] x < 0            16  (75 within abs 0.00001)
 * polygamma(float32)[3]                   7
 * polygamma(float32)[3] x < 0             7
 * polygamma(float32)[5]                   8
 * polygamma(float32)[5] x < 0             8
 * integer_pow(float32)[0]                 0
 * integer_pow(float32)[1]                 0
 * integer_pow(float32)[2]                 0
 * integer_pow(float32)[3]                 1
 * integer_pow(float32)[4]                 1
 * integer_pow(float32)[5]                 1
 * integer_pow(float32)[7]                 1
 * integer_pow(float32)[8]                 1
 * integer_pow(float32)[13]                1
 * integer_pow(float32)[-1]                0
 * integer_pow(float32)[-2]                1
 * integer_pow(float32)[-3]                1
 * integer_pow(float32)[-7]                1
 * pow(float32,float32)                    1
 * pow(float32) dense                      1
 * pow(float32) negative base              1
 * atan2(float32,float32)                  1
 * atan2(float32) dense                    1
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DType } from '../lib/core/dtype.js';
import { SCALAR_OPS, jsHelpers, referenceMath } from '../lib/lowering/scalar-ops.js';
import * as sp from '../lib/backends/cpu/special.js';
import { openGpu, type GpuContext } from '../lib/backends/webgpu/gpu.js';
import { WGSL_OPS, helperSource } from '../lib/backends/webgpu/wgsl-ops.js';

async function open(): Promise<GpuContext | undefined> {
  try {
    return await openGpu();
  } catch (e) {
    if (process.env.REQUIRE_WEBGPU === '1') throw e;
    return undefined;
  }
}

const ctx = await open();

// ---- reference ----------------------------------------------------------------------------
const H = { ...jsHelpers, ...referenceMath, erf32: sp.erf, erf64: sp.erf, erfc: sp.erfc, erfInv: sp.erfInv, lgamma: sp.lgamma, digamma: sp.digamma, polygamma: sp.polygamma };
type Ref = (...xs: number[]) => number;
function reference(op: string, ins: readonly DType[], out: DType, param: number): Ref {
  const names = ins.map((_, i) => `x${i}`);
  const body = SCALAR_OPS[op](names, ins[ins.length - 1], out, param);
  const f = new Function('h', ...names, `return ${body};`) as (h: typeof H, ...xs: number[]) => number;
  const round = out === 'float32' ? Math.fround : out === 'int32' ? (v: number) => v | 0 : (v: number) => v;
  return (...xs) => round(f(H, ...xs));
}

// ---- inputs -------------------------------------------------------------------------------
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const f32 = Math.fround;
const MAXF = 3.4028234663852886e38;
const SPECIAL_F = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, -1.5, 10, -10, 100, -100, Infinity, -Infinity, NaN,
  1e-45, -1e-45, 1e-40, -1e-40, 1.1754943508222875e-38, -1.1754943508222875e-38, 1e-30, -1e-30, 1e-7, -1e-7,
  MAXF, -MAXF, 1e30, -1e30, 16777216, -16777216, 2147483648, -2147483648, 2147483520, -2147483904, 0.1, -0.1,
  0.75, -0.75, 1 - 2 ** -24, 1 + 2 ** -23, -1 + 2 ** -24, -1 - 2 ** -23, 88.72283172607422, 88.72283935546875,
  -87.33654022216797, -103.97207641601562, 89.41598510742188, 89.4159927368164, Math.PI, -Math.PI, Math.PI / 2].map(f32);

/** Samples over every binade, both signs, plus dense uniform samples on [lo, hi]. */
function floats(seed: number, dense: readonly (readonly [number, number, number])[] = [[-10, 10, 3000]], binades = 3): number[] {
  const r = rng(seed);
  const out = [...SPECIAL_F];
  for (let e = -149; e <= 127; e++) {
    for (let k = 0; k < binades; k++) {
      const v = f32(2 ** e * (1 + r()));
      out.push(v, -v);
    }
  }
  for (const [lo, hi, n] of dense) for (let i = 0; i < n; i++) out.push(f32(lo + (hi - lo) * r()));
  for (let i = -40; i <= 40; i++) out.push(i, i + 0.5);
  return out;
}
const within = (xs: number[], lo: number, hi: number): number[] => xs.filter((x) => Number.isNaN(x) || !(x < lo || x > hi));
const SPECIAL_I = [0, 1, -1, 2, -2, 3, -3, 7, -7, 31, 32, 100, -100, 46340, 46341, -46341, 65535, 65536, -65536,
  2147483647, -2147483648, -2147483647, 2147483646, 1 << 30, -(1 << 30)];
function ints(seed: number, n = 3000): number[] {
  const r = rng(seed);
  const out = [...SPECIAL_I];
  for (let i = 0; i < n; i++) out.push(Math.floor((r() - 0.5) * 2 ** (1 + Math.floor(r() * 32))) | 0);
  return out;
}
/** All pairs of the specials and n random pairs from the pools. */
function pairs(seed: number, specials: readonly number[], pa: readonly number[], pb: readonly number[], n = 6000): [number[], number[]] {
  const r = rng(seed);
  const a: number[] = [];
  const b: number[] = [];
  for (const x of specials) for (const y of specials) { a.push(x); b.push(y); }
  for (let i = 0; i < n; i++) { a.push(pa[Math.floor(r() * pa.length)]); b.push(pb[Math.floor(r() * pb.length)]); }
  return [a, b];
}

// ---- cases --------------------------------------------------------------------------------
interface Case {
  readonly name: string;
  readonly op: string;
  readonly ins: readonly DType[];
  readonly out: DType;
  readonly param: number;
  readonly args: readonly (readonly number[])[];
  /** Allowed ulp error for float32 results (0: exact); abs: an absolute error also accepted. */
  readonly ulp: number;
  readonly abs?: number;
}
const cases: Case[] = [];
const add = (c: Omit<Case, 'param' | 'ulp' | 'name'> & { param?: number; ulp?: number; name?: string }): void => {
  cases.push({ param: 0, ulp: 0, name: c.name ?? `${c.op}(${c.ins.join(',')})${c.param !== undefined ? `[${c.param}]` : ''}`, ...c });
};
const F32 = 'float32' as const;
const I32 = 'int32' as const;
const BOOL = 'bool' as const;

const gen = floats(1);
const unit = floats(2, [[-1, 1, 6000], [-1e-3, 1e-3, 500]]);
const near = floats(3, [[-10, 10, 4000], [-0.5, 0.5, 2000], [-100, 100, 1000]]);
// Ulp-checked unary float ops: [op, allowed ulp, inputs, abs tolerance].
const UNARY: [string, number, number[], number?][] = [
  ['exp', 2, floats(4, [[-105, 90, 6000], [-1, 1, 2000]])],
  ['exp2', 2, floats(5, [[-152, 129, 6000], [-1, 1, 2000]])],
  ['log', 2, floats(6, [[0, 4, 5000], [0.5, 2, 2000]])],
  ['log1p', 2, floats(7, [[-1, 1, 6000], [-1e-3, 1e-3, 1000], [1, 1e4, 1000]])],
  ['expm1', 2, floats(8, [[-20, 90, 6000], [-1, 1, 3000]])],
  ['sin', 2, within(floats(9, [[-10, 10, 4000], [-1e5, 1e5, 4000]]), -1e5, 1e5)],
  ['cos', 2, within(floats(10, [[-10, 10, 4000], [-1e5, 1e5, 4000]]), -1e5, 1e5)],
  ['tan', 2, within(floats(11, [[-10, 10, 4000], [-1e5, 1e5, 4000]]), -1e5, 1e5)],
  ['asin', 2, unit], ['acos', 2, unit], ['atan', 2, near],
  ['sinh', 2, floats(12, [[-92, 92, 4000], [-2, 2, 2000]])],
  ['cosh', 2, floats(13, [[-92, 92, 4000], [-2, 2, 2000]])],
  ['tanh', 2, floats(14, [[-12, 12, 4000], [-1, 1, 2000]])],
  ['asinh', 2, near], ['acosh', 2, floats(15, [[1, 10, 4000], [1, 1.01, 1000]])], ['atanh', 2, unit],
  ['sqrt', 0, gen], ['rsqrt', 1, gen], ['cbrt', 2, gen],
  ['logistic', 2, floats(16, [[-110, 110, 4000], [-5, 5, 2000]])],
  ['erf', 2, floats(17, [[-7, 7, 5000]])],
  ['erfc', 2, floats(18, [[-7, 11, 6000]])],
  ['erf_inv', 2, unit],
  // Near the zeros of lgamma (x = 1, 2 and between negative poles) and of digamma the result is
  // a small difference of larger terms: an absolute error is accepted there.
  ['lgamma', 3, floats(19, [[-20, 20, 6000], [0, 3, 2000]]), 2e-6],
  ['digamma', 3, floats(20, [[-20, 20, 6000], [0, 3, 2000]]), 2e-6],
];
for (const [op, ulp, xs, abs] of UNARY) add({ op, ins: [F32], out: F32, args: [xs], ulp, abs });
for (const op of ['neg', 'abs', 'floor', 'ceil', 'round', 'sign', 'stop_gradient']) add({ op, ins: [F32], out: F32, args: [gen] });
for (const op of ['neg', 'abs', 'sign']) add({ op, ins: [I32], out: I32, args: [ints(21)] });
add({ op: 'is_finite', ins: [F32], out: BOOL, args: [gen] });
add({ op: 'not', ins: [I32], out: I32, args: [ints(22)] });
add({ op: 'not', ins: [BOOL], out: BOOL, args: [[0, 1]] });
// polygamma sums ~20 + n shifted terms in float32: a few ulp for x > 0. For x < 0 the terms
// change sign across the poles and cancel (the CPU sums the same series in float64): there an
// absolute error of 1e-5 is accepted (terms reach n!/0.5^(n+1), results cross zero).
const pg = floats(23, [[0, 30, 3000], [0, 3, 1000]]).filter((x) => !(x < 0));
const pgNeg = within(floats(24, [[-30, 0, 4000]]), -30, 0).filter((x) => x < 0);
for (const n of [1, 2, 3, 5]) {
  add({ op: 'polygamma', ins: [F32], out: F32, param: n, args: [pg], ulp: 8 });
  add({ op: 'polygamma', name: `polygamma(float32)[${n}] x < 0`, ins: [F32], out: F32, param: n, args: [pgNeg], ulp: 16, abs: 1e-5 });
}
for (const y of [0, 1, 2, 3, 4, 5, 7, 8, 13, -1, -2, -3, -7]) add({ op: 'integer_pow', ins: [F32], out: F32, param: y, args: [near], ulp: 2 });
for (const y of [0, 1, 2, 3, 5, 8, 31]) add({ op: 'integer_pow', ins: [I32], out: I32, param: y, args: [ints(24)] });

const FP = pairs(30, SPECIAL_F, gen, gen);
for (const op of ['add', 'sub', 'mul', 'div', 'rem', 'max', 'min']) add({ op, ins: [F32, F32], out: F32, args: FP });
add({ op: 'rem', name: 'rem(float32) dense', ins: [F32, F32], out: F32, args: pairs(31, [], near, near, 20000) });
for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge']) add({ op, ins: [F32, F32], out: BOOL, args: FP });
const posf = floats(32, [[0, 4, 3000], [0.9, 1.1, 1000]]).filter((x) => x > 0);
const powY = floats(33, [[-40, 40, 3000], [-3, 3, 1000]]);
add({ op: 'pow', ins: [F32, F32], out: F32, args: FP, ulp: 2 });
add({ op: 'pow', name: 'pow(float32) dense', ins: [F32, F32], out: F32, args: pairs(34, [], posf, powY, 30000), ulp: 2 });
add({ op: 'pow', name: 'pow(float32) negative base', ins: [F32, F32], out: F32, args: pairs(35, [], near, Array.from({ length: 61 }, (_, i) => i - 30), 10000), ulp: 2 });
add({ op: 'atan2', ins: [F32, F32], out: F32, args: FP, ulp: 2 });
add({ op: 'atan2', name: 'atan2(float32) dense', ins: [F32, F32], out: F32, args: pairs(36, [], near, near, 20000), ulp: 2 });

const IP = pairs(40, SPECIAL_I, ints(41), ints(42));
for (const op of ['add', 'sub', 'mul', 'div', 'rem', 'max', 'min', 'and', 'or', 'xor']) add({ op, ins: [I32, I32], out: I32, args: IP });
for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge']) add({ op, ins: [I32, I32], out: BOOL, args: IP });
const BP: [number[], number[]] = [[0, 0, 1, 1], [0, 1, 0, 1]];
for (const op of ['and', 'or', 'xor', 'max', 'min']) add({ op, ins: [BOOL, BOOL], out: BOOL, args: BP });
for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge']) add({ op, ins: [BOOL, BOOL], out: BOOL, args: BP });

const sel = (d: DType, xs: readonly number[], ys: readonly number[]): void => {
  const r = rng(50);
  add({ op: 'select', ins: [BOOL, d, d], out: d, args: [xs.map(() => (r() < 0.5 ? 1 : 0)), xs, ys] });
};
sel(F32, FP[0], FP[1]);
sel(I32, IP[0], IP[1]);
sel(BOOL, [0, 1, 0, 1, 1, 0], [1, 1, 0, 0, 0, 1]);
const convs: [DType, DType, readonly number[]][] = [
  [F32, I32, gen], [F32, BOOL, gen], [I32, F32, ints(51)], [I32, BOOL, ints(52)], [BOOL, I32, [0, 1]], [BOOL, F32, [0, 1]], [F32, F32, gen],
];
for (const [from, to, xs] of convs) add({ op: 'convert_element_type', name: `convert(${from}->${to})`, ins: [from], out: to, args: [xs] });

// ---- running ------------------------------------------------------------------------------
const WGSL_TYPE: Partial<Record<DType, string>> = { float32: 'f32', float64: 'f32', int32: 'i32', bool: 'bool' };
const load = (d: DType, e: string): string => (d === 'bool' ? `(${e} != 0u)` : `bitcast<${WGSL_TYPE[d]}>(${e})`);
const store = (d: DType, e: string): string => (d === 'bool' ? `select(0u, 1u, ${e})` : `bitcast<u32>(${e})`);

function shader(c: Case): string {
  // The operand of select whose dtype the spell gets is the branch type (the last input).
  const expr = WGSL_OPS[c.op](c.ins.map((_, i) => `a${i}`), c.ins[c.ins.length - 1], c.out, c.param);
  const binds = c.ins.map((_, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<u32>;`).join('\n');
  const loads = c.ins.map((d, i) => `  let a${i} = ${load(d, `in${i}[i]`)};`).join('\n');
  return `${helperSource(expr)}
${binds}
@group(0) @binding(${c.ins.length}) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= arrayLength(&out)) { return; }
${loads}
  out[i] = ${store(c.out, expr)};
}`;
}

function bits(d: DType, xs: readonly number[]): Uint32Array<ArrayBuffer> {
  if (d === 'float32') return new Uint32Array(new Float32Array(xs).buffer);
  if (d === 'int32') return new Uint32Array(new Int32Array(xs).buffer);
  return new Uint32Array(xs);
}

async function runAll(g: GpuContext, cs: readonly Case[]): Promise<Uint32Array[]> {
  const dev = g.device;
  const jobs = [];
  for (const c of cs) {
    const n = c.args[0].length;
    const module = dev.createShaderModule({ code: shader(c) });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (errors.length) throw new Error(`${c.name}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}\n${shader(c)}`);
    const pipeline = dev.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const ins = c.args.map((xs, i) => {
      const data = bits(c.ins[i], xs);
      const buf = dev.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      dev.queue.writeBuffer(buf, 0, data);
      return buf;
    });
    const out = dev.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const read = dev.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const bind = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [...ins, out].map((buffer, binding) => ({ binding, resource: { buffer } })) });
    jobs.push({ n, pipeline, bind, ins, out, read });
  }
  // Dawn crashes on very long command buffers: a few dispatches per submit.
  for (let s = 0; s < jobs.length; s += 16) {
    const enc = dev.createCommandEncoder();
    for (const j of jobs.slice(s, s + 16)) {
      const pass = enc.beginComputePass();
      pass.setPipeline(j.pipeline);
      pass.setBindGroup(0, j.bind);
      pass.dispatchWorkgroups(Math.ceil(j.n / 64));
      pass.end();
      enc.copyBufferToBuffer(j.out, 0, j.read, 0, j.n * 4);
    }
    dev.queue.submit([enc.finish()]);
  }
  const results: Uint32Array[] = [];
  for (const j of jobs) {
    await j.read.mapAsync(GPUMapMode.READ);
    results.push(new Uint32Array(j.read.getMappedRange().slice(0)));
    j.read.unmap();
    for (const b of [...j.ins, j.out, j.read]) b.destroy();
  }
  return results;
}

// ---- comparing ----------------------------------------------------------------------------
const MIN_NORMAL = 1.1754943508222875e-38;
const isSub = (x: number): boolean => x !== 0 && Math.abs(x) < MIN_NORMAL;
const fbuf = new Float32Array(1);
const ubuf = new Uint32Array(fbuf.buffer);
const asF32 = (u: number): number => { ubuf[0] = u; return fbuf[0]; };
/** Position of a float32 on the number line, in ulps from zero. */
const ord = (x: number): number => { fbuf[0] = x; const u = ubuf[0]; return u >= 0x80000000 ? -(u - 0x80000000) : u; };

/** Ulp error of a float32 result against the reference (Infinity: a special value differs). */
function ulpError(got: number, want: number): number {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got) ? 0 : Infinity;
  // Flushed to zero, or kept; a flushing driver may also flush a result that rounds up to the
  // smallest normal (tininess before rounding), and may return a subnormal operand unflushed.
  const tiny = (v: number): boolean => Math.abs(v) <= MIN_NORMAL;
  if (tiny(want) && tiny(got) && (got === 0 || want === 0 || isSub(got) || isSub(want)) && (got < 0 || Object.is(got, -0)) === (want < 0 || Object.is(want, -0))) return 0;
  if (!Number.isFinite(want) || want === 0 || !Number.isFinite(got)) return Object.is(got, want) ? 0 : Infinity;
  return Math.abs(ord(got) - ord(want));
}

interface Outcome { maxUlp: number; viaAbs: number; failures: string[] }
function compare(c: Case, res: Uint32Array): Outcome {
  const ref = reference(c.op, c.ins, c.out, c.param);
  const flush = (x: number, d: DType): number => (d === 'float32' && isSub(x) ? (x < 0 ? -0 : 0) : x);
  let maxUlp = 0;
  let viaAbs = 0;
  const failures: string[] = [];
  for (let i = 0; i < res.length; i++) {
    const xs = c.args.map((a) => a[i]);
    const wants = [ref(...xs)];
    if (xs.some((x, k) => c.ins[k] === 'float32' && isSub(x))) wants.push(ref(...xs.map((x, k) => flush(x, c.ins[k]))));
    let err: number;
    let got: number;
    if (c.out === 'float32') {
      got = asF32(res[i]);
      err = Math.min(...wants.map((w) => ulpError(got, w)));
      if (err > c.ulp && c.abs !== undefined && wants.some((w) => Math.abs(got - w) <= c.abs!)) { viaAbs++; continue; }
    } else {
      got = c.out === 'int32' ? res[i] | 0 : res[i];
      err = wants.some((w) => w === got) ? 0 : Infinity;
    }
    if (err > maxUlp) maxUlp = err;
    if (err > c.ulp && (failures.length < 2 || err === maxUlp)) failures.push(`${c.name}(${xs.join(', ')}) = ${got}, want ${wants.join(' or ')} (${err} ulp)`);
  }
  return { maxUlp, viaAbs, failures };
}

// ---- tests --------------------------------------------------------------------------------
const table: string[] = [];
describe.skipIf(!ctx)('WGSL scalar ops match the CPU backend in float32', () => {
  afterAll(() => {
    if (table.length) console.log(`max ulp per op (${ctx?.info.description}):\n${table.join('\n')}`);
  });

  it('covers every scalar op', () => {
    expect(Object.keys(SCALAR_OPS).filter((k) => !(k in WGSL_OPS))).toEqual([]);
    expect(Object.keys(SCALAR_OPS).filter((k) => !cases.some((c) => c.op === k))).toEqual([]);
  });

  it('every op, over dense grids with special values', async () => {
    const results = await runAll(ctx!, cases);
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const o = compare(c, results[i]);
      if (c.out === 'float32' && c.ulp > 0) table.push(`  ${c.name.padEnd(36)} ${String(o.maxUlp).padStart(4)}${o.viaAbs ? `  (${o.viaAbs} within abs ${c.abs})` : ''}`);
      failures.push(...o.failures);
    });
    if (failures.length) console.log(failures.join('\n'));
    expect(failures).toEqual([]);
  });
});
