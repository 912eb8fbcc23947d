/**
 * dot_general in WGSL. A tiled GEMM (a 32x32 output tile per workgroup in shared memory, 4x4
 * outputs per invocation), or, when one side is a vector, a workgroup per output that reduces
 * along K in a fixed tree. Either takes an elementwise epilogue (bias, activation) from the
 * lowering, applied where the product is still in a register: the product is never stored.
 * A long K with few output tiles is split across workgroups, and the slices added in a fixed
 * order by a second shader (no atomics: results do not depend on timing).
 */
import { type Aval, aval, size } from '../../core/ir.js';
import type { Kernel } from '../../lowering/program.js';
import { WORKGROUP, groupsFor, literal, pointwise, storageType, wgslType } from './render-wgsl.js';
import { helperSource } from './wgsl-ops.js';
import { type GpuData, type GpuDevice, type GpuRoutine, type Shader, avalKey, declare, launch, maxBuffers, shader, strides } from './routines-common.js';

interface DotParams { contracting: readonly [readonly number[], readonly number[]]; batch: readonly [readonly number[], readonly number[]] }

/** An elementwise kernel over the product, whose input `result` is the product itself. */
export interface Epilogue { readonly kernel: Kernel; readonly result: number }

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

interface Dims { B: number; M: number; N: number; K: number }

function dims(xa: Aval, ya: Aval, p: DotParams): Dims {
  const { contracting: [ca, cb], batch: [ba, bb] } = p;
  const freeSize = (a: Aval, used: readonly number[]) => a.shape.reduce((q, d, i) => (used.includes(i) ? q : q * d), 1);
  return {
    B: ba.reduce((q, i) => q * xa.shape[i], 1),
    K: ca.reduce((q, i) => q * xa.shape[i], 1),
    M: freeSize(xa, [...ba, ...ca]),
    N: freeSize(ya, [...bb, ...cb]),
  };
}

/** Bindings and the statement that stores product element (b, m, n) held in `v`. */
function output(o: Aval, d: Dims, ep: Epilogue | undefined, inDtypes: readonly string[]): { decls: string; store: (v: string, pad: string) => string[] } {
  const epIns = ep ? ep.kernel.inputs.map((t, i) => [t, i] as const).filter(([, i]) => i !== ep.result) : [];
  const outs = ep ? ep.kernel.outputs.map((x) => storageType(x.dtype)) : [storageType(o.dtype)];
  const decls = declare([...inDtypes, ...epIns.map(([t]) => storageType(t))], outs);
  const flat = `(b * ${d.M}i + m) * ${d.N}i + n`;
  if (!ep) return { decls, store: (v, pad) => [`${pad}o0[${flat}] = ${v};`] };
  const binding = new Map(epIns.map(([, i], j) => [i, `x${inDtypes.length + j}`]));
  return {
    decls,
    store: (v, pad) => [`${pad}let f = ${flat};`, ...pointwise(ep.kernel, { input: ep.result, value: v }, 'f', (i) => binding.get(i)!, (j) => `o${j}`, pad)],
  };
}

/**
 * The tiled GEMM. With `split`, workgroup z also picks one of `split.S` slices of K (`chunk`
 * long): each writes its partial product to o0 at [s][b][m][n], for `sumSplits` to add up.
 */
function tiled(xa: Aval, ya: Aval, o: Aval, p: DotParams, d: Dims, ep: Epilogue | undefined, split?: { S: number; chunk: number }): Shader {
  const { M, N, K, B } = d;
  const t = wgslType(o.dtype);
  const zero = literal(0, o.dtype);
  // Operands whose tile rows are contiguous runs of whole vec4s load four elements at a time.
  const last = (a: Aval) => a.shape.length - 1;
  // (A vec4 binding needs 16 bytes: an empty contraction leaves the operands a placeholder word.)
  const va = p.contracting[0].length === 1 && p.contracting[0][0] === last(xa) && K % 4 === 0 && K > 0;
  const yFree = ya.shape.map((_, i) => i).filter((i) => !p.batch[1].includes(i) && !p.contracting[1].includes(i));
  const vb = yFree.length === 1 && yFree[0] === last(ya) && N % 4 === 0 && K > 0;
  const ins = [va ? `vec4<${t}>` : storageType(xa.dtype), vb ? `vec4<${t}>` : storageType(ya.dtype)];
  const out = split
    ? { decls: declare(ins, [storageType(o.dtype)]), store: (v: string, pad: string) => [`${pad}o0[((s * ${B}i + b) * ${M}i + m) * ${N}i + n] = ${v};`] }
    : output(o, d, ep, ins);
  const loadA = va
    ? [`    for (var e = i32(li); e < ${(TM * TK) / 4}i; e += ${(TM / R) * (TN / R)}i) {`,
      `      let r = e / ${TK / 4}i;`, `      let c = (e % ${TK / 4}i) * 4i;`, '      let v = ldA(b, m0 + r, k0 + c);',
      `      As[r * ${TK}i + c] = v.x; As[r * ${TK}i + c + 1i] = v.y; As[r * ${TK}i + c + 2i] = v.z; As[r * ${TK}i + c + 3i] = v.w;`, '    }']
    : [`    for (var e = i32(li); e < ${TM * TK}i; e += ${(TM / R) * (TN / R)}i) { As[e] = ldA(b, m0 + e / ${TK}i, k0 + e % ${TK}i); }`];
  const loadB = vb
    ? [`    for (var e = i32(li); e < ${(TK * TN) / 4}i; e += ${(TM / R) * (TN / R)}i) {`,
      `      let r = e / ${TN / 4}i;`, `      let c = (e % ${TN / 4}i) * 4i;`, '      let v = ldB(b, k0 + r, n0 + c);',
      `      Bs[r * ${TN}i + c] = v.x; Bs[r * ${TN}i + c + 1i] = v.y; Bs[r * ${TN}i + c + 2i] = v.z; Bs[r * ${TN}i + c + 3i] = v.w;`, '    }']
    : [`    for (var e = i32(li); e < ${TK * TN}i; e += ${(TM / R) * (TN / R)}i) { Bs[e] = ldB(b, k0 + e / ${TN}i, n0 + e % ${TN}i); }`];
  const source = [
    out.decls,
    'var<private> z_: u32;',
    `var<workgroup> As: array<${t}, ${TM * TK}>;`,
    `var<workgroup> Bs: array<${t}, ${TK * TN}>;`,
    offsetFn('offA', xa.shape, p.batch[0], p.contracting[0]),
    offsetFn('offB', ya.shape, p.batch[1], p.contracting[1]),
    va
      ? `fn ldA(b: i32, m: i32, k: i32) -> vec4<${t}> { if (m < ${M}i && k < ${K}i) { return x0[offA(b, m, k) / 4i]; } return vec4<${t}>(); }`
      : `fn ldA(b: i32, m: i32, k: i32) -> ${t} { if (m < ${M}i && k < ${K}i) { return x0[offA(b, m, k)]; } return ${zero}; }`,
    vb
      ? `fn ldB(b: i32, k: i32, n: i32) -> vec4<${t}> { if (n < ${N}i && k < ${K}i) { return x1[offB(b, n, k) / 4i]; } return vec4<${t}>(); }`
      : `fn ldB(b: i32, k: i32, n: i32) -> ${t} { if (n < ${N}i && k < ${K}i) { return x1[offB(b, n, k)]; } return ${zero}; }`,
    `@compute @workgroup_size(${TN / R}, ${TM / R})`,
    'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
    ...(split
      ? [`  let b = i32(wg.z) / ${split.S}i;`, `  let s = i32(wg.z) % ${split.S}i;`, `  let kBeg = s * ${split.chunk}i;`, `  let kEnd = min(kBeg + ${split.chunk}i, ${K}i);`]
      : ['  let b = i32(wg.z);', '  let kBeg = 0i;', `  let kEnd = ${K}i;`]),
    `  let m0 = i32(wg.y) * ${TM}i;`,
    `  let n0 = i32(wg.x) * ${TN}i;`,
    `  let tm = i32(lid.y) * ${R}i;`,
    `  let tn = i32(lid.x) * ${R}i;`,
    `  var acc: array<${t}, ${R * R}>;`,
    `  for (var k0 = kBeg; k0 < kEnd; k0 += ${TK}i) {`,
    ...loadA,
    ...loadB,
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
    `      if (m < ${M}i && n < ${N}i) {`,
    ...out.store(`acc[i * ${R}i + j]`, '        '),
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');
  return { source: withHelpers(source), groups: [Math.ceil(N / TN), Math.ceil(M / TM), B * (split?.S ?? 1)] };
}

/** Output tiles below which a long K is split across workgroups (too few to fill a GPU). */
const SPLIT_BELOW_TILES = 32;
const SPLIT_MIN_K = 1024;
const MAX_SPLITS = 16;

/** How to split K for this product, if at all (a whole number of TK tiles per slice). */
function splitOf(d: Dims): { S: number; chunk: number } | undefined {
  const tiles = Math.ceil(d.M / TM) * Math.ceil(d.N / TN) * d.B;
  if (tiles >= SPLIT_BELOW_TILES || d.K < SPLIT_MIN_K) return undefined;
  const S = Math.min(MAX_SPLITS, Math.ceil(SPLIT_BELOW_TILES / tiles), Math.floor(d.K / (SPLIT_MIN_K / 4)));
  if (S < 2) return undefined;
  const chunk = Math.ceil(d.K / S / TK) * TK;
  return { S: Math.ceil(d.K / chunk), chunk };
}

/** Adds the K slices' partial products in slice order (deterministic), then stores (or runs the epilogue). */
function sumSplits(o: Aval, d: Dims, ep: Epilogue | undefined, S: number): Shader {
  const n = d.B * d.M * d.N;
  const groups = groupsFor(Math.ceil(n / WORKGROUP));
  const out = output(o, d, ep, [storageType(o.dtype)]);
  const source = [
    out.decls,
    'var<private> z_: u32;',
    `@compute @workgroup_size(${WORKGROUP})`,
    'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
    `  let q = i32((wg.y * ${groups[0]}u + wg.x) * ${WORKGROUP}u + li);`,
    `  if (q >= ${n}i) { return; }`,
    `  let b = q / ${d.M * d.N}i;`,
    `  let m = (q / ${d.N}i) % ${d.M}i;`,
    `  let n = q % ${d.N}i;`,
    `  var acc = x0[q];`,
    `  for (var s = 1i; s < ${S}i; s++) { acc += x0[s * ${n}i + q]; }`,
    ...out.store('acc', '  '),
    '}',
  ].join('\n');
  return { source: withHelpers(source), groups };
}

/**
 * One side a vector: the tile would waste all but one of its rows. A workgroup per output
 * element strides along K and combines its partial sums in a fixed tree (deterministic).
 */
function vector(xa: Aval, ya: Aval, o: Aval, p: DotParams, d: Dims, ep: Epilogue | undefined): Shader {
  const { M, N, K } = d;
  const t = wgslType(o.dtype);
  const out = output(o, d, ep, [storageType(xa.dtype), storageType(ya.dtype)]);
  const n = d.B * M * N;
  const groups = groupsFor(n);
  const tree: string[] = [];
  for (let w = WORKGROUP / 2; w >= 1; w /= 2) tree.push(`  if (li < ${w}u) { s[li] = s[li] + s[li + ${w}u]; }`, '  workgroupBarrier();');
  const source = [
    out.decls,
    'var<private> z_: u32;',
    `var<workgroup> s: array<${t}, ${WORKGROUP}>;`,
    offsetFn('offA', xa.shape, p.batch[0], p.contracting[0]),
    offsetFn('offB', ya.shape, p.batch[1], p.contracting[1]),
    `@compute @workgroup_size(${WORKGROUP})`,
    'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
    `  let q = i32(wg.y * ${groups[0]}u + wg.x);`,
    `  if (q >= ${n}i) { return; }`,
    `  let b = q / ${M * N}i;`,
    `  let m = (q / ${N}i) % ${M}i;`,
    `  let n = q % ${N}i;`,
    `  var acc = ${literal(0, o.dtype)};`,
    `  for (var k = i32(li); k < ${K}i; k += ${WORKGROUP}i) { acc += x0[offA(b, m, k)] * x1[offB(b, n, k)]; }`,
    '  s[li] = acc;',
    '  workgroupBarrier();',
    ...tree,
    '  if (li == 0u) {',
    ...out.store('s[0]', '    '),
    '  }',
    '}',
  ].join('\n');
  return { source: withHelpers(source), groups };
}

/** The math helpers an epilogue calls (WGSL declarations may follow their use). */
const withHelpers = (source: string): string => `${source}\n${helperSource(source)}`;

/** The product (and its epilogue's outputs): one dispatch, or with K split, two. */
function dot(dev: GpuDevice, ins: readonly GpuData[], epIns: readonly GpuData[], inAvals: readonly Aval[], o: Aval, outAvals: readonly Aval[], p: DotParams, ep: Epilogue | undefined): GpuData[] {
  const [xa, ya] = inAvals;
  const key = `dot|${avalKey([xa, ya, o])}|${p.contracting}|${p.batch}|${ep ? `${ep.result}|${ep.kernel.key}` : ''}`;
  const d = dims(xa, ya, p);
  const split = d.M === 1 || d.N === 1 ? undefined : splitOf(d);
  if (!split) {
    const s = shader(key, () => (d.M === 1 || d.N === 1 ? vector(xa, ya, o, p, d, ep) : tiled(xa, ya, o, p, d, ep)));
    return launch(dev, s, [...ins, ...epIns], outAvals);
  }
  const [partial] = launch(dev, shader(`${key}|split`, () => tiled(xa, ya, o, p, d, undefined, split)), ins, [aval([split.S * size(o.shape)], o.dtype)]);
  const outs = launch(dev, shader(`${key}|sum`, () => sumSplits(o, d, ep, split.S)), [partial, ...epIns], outAvals);
  dev.free(partial);
  return outs;
}

export const dotGeneral: GpuRoutine = (dev, ins, inAvals, outAvals, params) =>
  dot(dev, ins, [], inAvals, outAvals[0], outAvals, params as unknown as DotParams, undefined);

/**
 * dot_general with its epilogue in one shader, or undefined when the two would bind more
 * buffers than the device allows (the runner then runs the epilogue as its own kernel).
 * `epIns` are the epilogue's inputs other than the product, in order; outputs are the epilogue's.
 */
export function dotWithEpilogue(dev: GpuDevice, ep: Epilogue, productAval: Aval): ((ins: readonly GpuData[], epIns: readonly GpuData[], inAvals: readonly Aval[], outAvals: readonly Aval[], params: Record<string, unknown>) => GpuData[]) | undefined {
  if (2 + ep.kernel.inputs.length - 1 + ep.kernel.outputs.length > maxBuffers(dev)) return undefined;
  if (size(productAval.shape) !== size(ep.kernel.domain)) return undefined;
  return (ins, epIns, inAvals, outAvals, params) => dot(dev, ins, epIns, inAvals, productAval, outAvals, params as unknown as DotParams, ep);
}
