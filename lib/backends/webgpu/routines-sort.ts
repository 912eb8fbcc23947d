/**
 * The WGSL sort: the CPU's results (lib/backends/cpu/sort.ts) by a bitonic network.
 *
 * Each line gets one workgroup, which sorts a permutation of its indices (padded to a power of
 * two P) in place, the workgroup's invocations sharing each stage's compare-exchanges and storage
 * barriers separating the stages. Keys compare as u32 images of JAX's total order (NaN last, -0
 * before +0), then by index: with no two elements equal, the network's unique result is the
 * stable sort. A second shader per operand gathers the values by the permutation, moving bits.
 */
import type { DType } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import type { SortParams } from '../../primitives/sort.js';
import { WORKGROUP } from './render-wgsl.js';
import { type GpuRoutine, avalKey, declare, grid, launch, maxBuffers, perPoint } from './routines-common.js';

/** WGSL: the u32 whose unsigned order is the total order of a key of dtype `d` (its bits in `b`). */
function orderKey(d: DType, b: string): string {
  if (d === 'float32' || d === 'float16') {
    // NaN (whatever its payload) above +inf; negative floats reversed below the positive ones.
    return `select(select(${b} | 0x80000000u, ~${b}, (${b} & 0x80000000u) != 0u), 0xffffffffu, (${b} & 0x7fffffffu) > 0x7f800000u)`;
  }
  return d === 'int32' || d === 'int8' ? `(${b} ^ 0x80000000u)` : b;
}

const sort: GpuRoutine = (dev, ins, inAvals, outAvals, params) => {
  const { dimension, numKeys } = params as SortParams;
  const shape = inAvals[0].shape;
  const n = shape[dimension];
  const post = size(shape.slice(dimension + 1));
  const lines = n === 0 ? 0 : size(shape) / n;
  if (lines === 0) return outAvals.map((a) => dev.alloc(a));
  if (numKeys + 1 > maxBuffers(dev)) {
    throw new Error(`sort: ${numKeys} sort keys need ${numKeys + 1} storage buffers in one shader, more than this WebGPU device allows (${maxBuffers(dev)}); sort on the 'cpu' device`);
  }
  let p = 1;
  while (p < n) p *= 2;
  const keys = inAvals.slice(0, numKeys);
  const base = `(line / ${post}i) * ${n * post}i + line % ${post}i`;
  const less = [
    'fn less(a: i32, b: i32, base: i32) -> bool {',
    `  if (a >= ${n}i) { return false; }`,
    `  if (b >= ${n}i) { return true; }`,
    ...keys.flatMap((k, i) => [
      `  let ka${i} = ${orderKey(k.dtype, `x${i}[base + a * ${post}i]`)};`,
      `  let kb${i} = ${orderKey(k.dtype, `x${i}[base + b * ${post}i]`)};`,
      `  if (ka${i} != kb${i}) { return ka${i} < kb${i}; }`,
    ]),
    '  return a < b;',
    '}',
  ].join('\n');
  const net = grid(`sort|${avalKey(keys)}|${dimension}`, lines, 'workgroup', 'line', `${declare(keys.map(() => 'u32'), ['i32'])}\n${less}`, () => [
    '  let lane = i32(li);',
    `  let base = ${base};`,
    `  let m = line * ${p}i;`,
    `  for (var r = lane; r < ${p}i; r += ${WORKGROUP}i) { o0[m + r] = r; }`,
    '  storageBarrier();',
    `  for (var k = 2i; k <= ${p}i; k <<= 1u) {`,
    '    for (var j = k >> 1u; j > 0i; j >>= 1u) {',
    `      for (var r = lane; r < ${p / 2}i; r += ${WORKGROUP}i) {`,
    '        let i = (r / j) * 2i * j + r % j;',
    '        let a = o0[m + i];',
    '        let b = o0[m + i + j];',
    '        let up = (i & k) == 0i;',
    '        if (select(less(a, b, base), less(b, a, base), up)) { o0[m + i] = b; o0[m + i + j] = a; }',
    '      }',
    '      storageBarrier();',
    '    }',
    '  }',
  ]);
  const [perm] = launch(dev, net, ins.slice(0, numKeys), [{ shape: [lines * p], dtype: 'int32' }]);
  const gather = perPoint(`sort-gather|${avalKey([inAvals[0]])}|${dimension}|${p}`, size(shape), declare(['u32', 'i32'], ['u32']), () => [
    `  let line = (i / ${n * post}i) * ${post}i + i % ${post}i;`,
    `  let q = (i / ${post}i) % ${n}i;`,
    `  let base = ${base};`,
    `  o0[i] = x0[base + x1[line * ${p}i + q] * ${post}i];`,
  ]);
  const outs = ins.map((x, o) => launch(dev, gather, [x, perm], [outAvals[o]])[0]);
  dev.free(perm);
  return outs;
};

export const SORT_ROUTINES: Readonly<Record<string, GpuRoutine>> = { sort };
