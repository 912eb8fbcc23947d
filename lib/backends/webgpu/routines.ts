/**
 * WGSL routines: what the lowering does not fuse, as compute shaders generated per shape and
 * params (cached by key, then by source in the queue's pipeline cache). A routine returns freshly
 * allocated outputs and never aliases an input. Routines missing here run on the host.
 */
import type { DType } from '../../core/dtype.js';
import { type Aval, size } from '../../core/ir.js';
import { LRU, onClearCaches } from '../../core/lru.js';
import type { RoutineFn } from '../../lowering/runner.js';
import type { GpuQueue } from './queue.js';
import { WORKGROUP, bindings, groupsFor, literal, wgslType } from './render-wgsl.js';

/** A device buffer as the runner sees it: `n` elements of `dtype`, 4 bytes each. */
export interface GpuData {
  readonly buffer: GPUBuffer;
  readonly n: number;
  readonly dtype: DType;
}

/** What a routine needs of the backend. */
export interface GpuDevice {
  alloc(a: Aval): GpuData;
  readonly queue: GpuQueue;
}

interface Shader { readonly source: string; readonly groups: readonly [number, number] | readonly [number, number, number] }

type GpuRoutine = (dev: GpuDevice, ins: readonly GpuData[], inAvals: readonly Aval[], outAvals: readonly Aval[], params: Record<string, unknown>) => GpuData[];

const shaders = new LRU<string, Shader>(1024);
onClearCaches(() => shaders.clear());

/** The shader for `key`, built once. */
export function shader(key: string, build: () => Shader): Shader {
  let s = shaders.get(key);
  if (!s) { s = build(); shaders.set(key, s); }
  return s;
}

const avalKey = (as: readonly Aval[]): string => as.map((a) => `${a.dtype}[${a.shape.join(',')}]`).join(';');

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const st = new globalThis.Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) { st[d] = s; s *= shape[d]; }
  return st;
}

/** WGSL lines binding `i0 .. i{r-1}` to the coordinates of flat index `flat` in `shape`. */
export function coords(shape: readonly number[], flat: string, prefix = 'i'): string[] {
  const st = strides(shape);
  return shape.map((n, d) => `  let ${prefix}${d} = (${flat} / ${st[d]}i) % ${Math.max(n, 1)}i;`);
}

/** Allocates the outputs and dispatches `s` over inputs then outputs. */
export function launch(dev: GpuDevice, s: Shader, ins: readonly GpuData[], outAvals: readonly Aval[]): GpuData[] {
  const outs = outAvals.map((a) => dev.alloc(a));
  if (outs.some((o) => o.n > 0)) dev.queue.dispatch(s.source, [...ins, ...outs].map((b) => b.buffer), s.groups);
  return outs;
}

/**
 * One invocation per element of the (first) output, flat index `i`: `body` is WGSL statements
 * that write `o0[i]` (and any other output).
 */
export function perElement(key: string, inAvals: readonly Aval[], outAvals: readonly Aval[], body: () => string[]): Shader {
  return shader(key, () => {
    const n = size(outAvals[0].shape);
    const groups = groupsFor(Math.ceil(n / WORKGROUP));
    const source = [
      bindings(inAvals.map((a) => a.dtype), outAvals.map((a) => a.dtype)),
      'var<private> z_: u32;',
      `@compute @workgroup_size(${WORKGROUP})`,
      'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
      `  let i = i32((wg.y * ${groups[0]}u + wg.x) * ${WORKGROUP}u + li);`,
      `  if (i >= ${n}i) { return; }`,
      ...body(),
      '}',
    ].join('\n');
    return { source, groups };
  });
}

// ---- dot_general: tiled GEMM ---------------------------------------------------------------

interface DotParams { contracting: readonly [readonly number[], readonly number[]]; batch: readonly [readonly number[], readonly number[]] }

/** Output tile per workgroup (TM x TN), reduction tile TK, outputs per invocation (R x R). */
const TM = 32, TN = 32, TK = 16, R = 4;

/**
 * WGSL computing the offset of element (batch b, free f, contracted k) of an operand. Groups of
 * axes that merge into one evenly strided run take one multiply; others decompose the index.
 */
function offsetFn(name: string, shape: readonly number[], batch: readonly number[], contract: readonly number[]): string {
  const st = strides(shape);
  const free = shape.map((_, i) => i).filter((i) => !batch.includes(i) && !contract.includes(i));
  const group = (axes: readonly number[], v: string): string => {
    if (!axes.length) return '0i';
    const merged = axes.every((a, j) => j === axes.length - 1 || st[a] === st[axes[j + 1]] * shape[axes[j + 1]]);
    if (merged) return `${v} * ${st[axes[axes.length - 1]]}i`;
    let below = 1;
    const terms: string[] = [];
    for (let j = axes.length - 1; j >= 0; j--) {
      terms.push(`((${v} / ${below}i) % ${shape[axes[j]]}i) * ${st[axes[j]]}i`);
      below *= shape[axes[j]];
    }
    return terms.join(' + ');
  };
  return `fn ${name}(b: i32, f: i32, k: i32) -> i32 { return ${group(batch, 'b')} + ${group(free, 'f')} + ${group(contract, 'k')}; }`;
}

const dotGeneral: GpuRoutine = (dev, ins, inAvals, outAvals, params) => {
  const { contracting: [ca, cb], batch: [ba, bb] } = params as unknown as DotParams;
  const [xa, ya] = inAvals;
  const o = outAvals[0];
  const B = ba.reduce((p, i) => p * xa.shape[i], 1);
  const K = ca.reduce((p, i) => p * xa.shape[i], 1);
  const freeSize = (a: Aval, used: readonly number[]) => a.shape.reduce((p, d, i) => (used.includes(i) ? p : p * d), 1);
  const M = freeSize(xa, [...ba, ...ca]);
  const N = freeSize(ya, [...bb, ...cb]);
  const t = wgslType(o.dtype);
  const key = `dot|${avalKey([xa, ya, o])}|${ca}|${cb}|${ba}|${bb}`;
  const s = shader(key, () => {
    const zero = literal(0, o.dtype);
    const source = [
      bindings([xa.dtype, ya.dtype], [o.dtype]),
      'var<private> z_: u32;',
      `var<workgroup> As: array<${t}, ${TM * TK}>;`,
      `var<workgroup> Bs: array<${t}, ${TK * TN}>;`,
      offsetFn('offA', xa.shape, ba, ca),
      offsetFn('offB', ya.shape, bb, cb),
      `fn ldA(b: i32, m: i32, k: i32) -> ${t} { if (m < ${M}i && k < ${K}i) { return x0[offA(b, m, k)]; } return ${zero}; }`,
      `fn ldB(b: i32, k: i32, n: i32) -> ${t} { if (n < ${N}i && k < ${K}i) { return x1[offB(b, n, k)]; } return ${zero}; }`,
      `@compute @workgroup_size(${TN / R}, ${TM / R})`,
      'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
      '  let b = i32(wg.z);',
      `  let m0 = i32(wg.y) * ${TM}i;`,
      `  let n0 = i32(wg.x) * ${TN}i;`,
      `  let tm = i32(lid.y) * ${R}i;`,
      `  let tn = i32(lid.x) * ${R}i;`,
      `  var acc: array<${t}, ${R * R}>;`,
      `  for (var k0 = 0i; k0 < ${K}i; k0 += ${TK}i) {`,
      `    for (var e = i32(li); e < ${TM * TK}i; e += ${(TM / R) * (TN / R)}i) {`,
      `      As[e] = ldA(b, m0 + e / ${TK}i, k0 + e % ${TK}i);`,
      `      Bs[e] = ldB(b, k0 + e / ${TN}i, n0 + e % ${TN}i);`,
      '    }',
      '    workgroupBarrier();',
      `    for (var kk = 0i; kk < ${TK}i; kk++) {`,
      `      var a: array<${t}, ${R}>;`,
      `      var v: array<${t}, ${R}>;`,
      `      for (var r = 0i; r < ${R}i; r++) { a[r] = As[(tm + r) * ${TK}i + kk]; v[r] = Bs[kk * ${TN}i + tn + r]; }`,
      `      for (var i = 0i; i < ${R}i; i++) { for (var j = 0i; j < ${R}i; j++) { acc[i * ${R}i + j] += a[i] * v[j]; } }`,
      '    }',
      '    workgroupBarrier();',
      '  }',
      `  for (var i = 0i; i < ${R}i; i++) {`,
      `    for (var j = 0i; j < ${R}i; j++) {`,
      '      let m = m0 + tm + i;',
      '      let n = n0 + tn + j;',
      `      if (m < ${M}i && n < ${N}i) { o0[(b * ${M}i + m) * ${N}i + n] = acc[i * ${R}i + j]; }`,
      '    }',
      '  }',
      '}',
    ].join('\n');
    return { source, groups: [Math.ceil(N / TN), Math.ceil(M / TM), B] as const };
  });
  return launch(dev, s, ins, outAvals);
};

const ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  dot_general: dotGeneral,
};

export const gpuRoutineNames = (): string[] => Object.keys(ROUTINES);

export function gpuRoutine(name: string, dev: GpuDevice): RoutineFn<GpuData> | undefined {
  const r = ROUTINES[name];
  return r && ((ins, inAvals, outAvals, params) => r(dev, ins, inAvals, outAvals, params as Record<string, unknown>));
}
