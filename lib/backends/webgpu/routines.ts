/**
 * WGSL routines: what the lowering does not fuse, as compute shaders generated per shape and
 * params (cached by key, then by source in the queue's pipeline cache). A routine returns freshly
 * allocated outputs and never aliases an input. The families live in routines-*.ts; this file
 * holds the GEMM and the registry. Routines missing here run on the host.
 */
import type { Aval } from '../../core/ir.js';
import type { RoutineFn } from '../../lowering/runner.js';
import { bindings, literal, wgslType } from './render-wgsl.js';
import { type GpuData, type GpuDevice, type GpuRoutine, avalKey, launch, shader, strides } from './routines-common.js';
import { REDUCE_ROUTINES } from './routines-reduce.js';
import { RANDOM_ROUTINES } from './routines-random.js';
import { SHAPE_ROUTINES } from './routines-shape.js';
import { LINALG_ROUTINES } from './routines-linalg.js';

export type { GpuData, GpuDevice } from './routines-common.js';
export { coords, launch, perElement, shader, strides } from './routines-common.js';

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

export const ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  dot_general: dotGeneral,
  ...SHAPE_ROUTINES,
  ...REDUCE_ROUTINES,
  ...RANDOM_ROUTINES,
  ...LINALG_ROUTINES,
};

export const gpuRoutineNames = (): string[] => Object.keys(ROUTINES);

export function gpuRoutine(name: string, dev: GpuDevice): RoutineFn<GpuData> | undefined {
  const r = ROUTINES[name];
  return r && ((ins, inAvals, outAvals, params) => r(dev, ins, inAvals, outAvals, params as Record<string, unknown>));
}
