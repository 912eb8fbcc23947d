/**
 * WGSL arg-reductions and cumulative sums with the CPU's results (lib/backends/cpu/reduce.ts):
 * the first extremum wins and a NaN beats everything (the first NaN). Short lines take one
 * invocation each, walking them in order; long arg-reduction lines take a workgroup that combines
 * its invocations' partial results by a fixed tree. cumsum walks each line in the CPU's order
 * (float32 partials round at each step, as the CPU's column-wise loop does; its row-wise loop
 * keeps them in float64, so along the last axis results may differ in the last bit).
 */
import type { DType } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import type { ArgParams, CumParams } from '../../primitives/reduce.js';
import { WORKGROUP, groupsFor, storageType } from './render-wgsl.js';
import { type GpuRoutine, avalKey, declare, launch, perPoint, shader } from './routines-common.js';

/** [pre, n, post]: the sizes before, along and after `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [size(shape.slice(0, axis)), shape[axis], size(shape.slice(axis + 1))];
}

/** NaN by its bits: SwiftShader folds `x != x` to false. */
const isNan = (v: string): string => `((bitcast<u32>(${v}) & 0x7fffffffu) > 0x7f800000u)`;

/** Lines from this length on get a workgroup each (a line per invocation would run serially). */
const COOPERATIVE_FROM = 256;

/**
 * WGSL `better(v, j, bv, bi)`: whether element j (value v) beats the best so far (bv at bi) —
 * the sequential scan's rule made order-free, so a tree of partial results agrees with it: the
 * first NaN wins, then the extremum, then the smaller index.
 */
function betterFn(d: DType, max: boolean): string {
  const t = storageType(d);
  const cmp = max ? '>' : '<';
  const nan = t === 'f32'
    ? [`  let vn = ${isNan('v')};`, `  if (${isNan('bv')}) { return vn && j < bi; }`, '  if (vn) { return true; }']
    : [];
  return [`fn better(v: ${t}, j: i32, bv: ${t}, bi: i32) -> bool {`, ...nan, `  return v ${cmp} bv || (v == bv && j < bi);`, '}'].join('\n');
}

function argRoutine(max: boolean): GpuRoutine {
  return (dev, ins, [xa], [o], params) => {
    const { axis } = params as ArgParams;
    const [, n, post] = around(xa.shape, axis);
    const d: DType = xa.dtype;
    const key = `arg|${max}|${avalKey([xa])}|${axis}`;
    const decls = `${declare([storageType(d)], ['i32'])}\n${betterFn(d, max)}`;
    const base = `  let base = (p / ${post}i) * ${n * post}i + p % ${post}i;`;
    if (n < COOPERATIVE_FROM) {
      const s = perPoint(key, size(o.shape), decls, () => [
        '  let p = i;',
        base,
        '  var bv = x0[base];',
        '  var bi = 0i;',
        `  for (var j = 1i; j < ${n}i; j++) {`,
        `    let v = x0[base + j * ${post}i];`,
        '    if (better(v, j, bv, bi)) { bv = v; bi = j; }',
        '  }',
        '  o0[i] = bi;',
      ]);
      return launch(dev, s, ins, [o]);
    }
    const count = size(o.shape);
    const s = shader(`${key}|coop`, () => {
      const groups = groupsFor(count);
      const tree: string[] = [];
      for (let w = WORKGROUP / 2; w >= 1; w /= 2) {
        tree.push(`  if (li < ${w}u && better(sv[li + ${w}u], si[li + ${w}u], sv[li], si[li])) { sv[li] = sv[li + ${w}u]; si[li] = si[li + ${w}u]; }`, '  workgroupBarrier();');
      }
      const source = [
        decls,
        'var<private> z_: u32;',
        `var<workgroup> sv: array<${storageType(d)}, ${WORKGROUP}>;`,
        `var<workgroup> si: array<i32, ${WORKGROUP}>;`,
        `@compute @workgroup_size(${WORKGROUP})`,
        'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
        `  let p = i32(wg.y * ${groups[0]}u + wg.x);`,
        // Uniform: the whole workgroup leaves together, so the barriers below stay uniform.
        `  if (p >= ${count}i) { return; }`,
        base,
        // Each invocation scans its own stride in order; n >= WORKGROUP, so none starts empty.
        '  var bi = i32(li);',
        `  var bv = x0[base + bi * ${post}i];`,
        `  for (var j = bi + ${WORKGROUP}i; j < ${n}i; j += ${WORKGROUP}i) {`,
        `    let v = x0[base + j * ${post}i];`,
        '    if (better(v, j, bv, bi)) { bv = v; bi = j; }',
        '  }',
        '  sv[li] = bv;',
        '  si[li] = bi;',
        '  workgroupBarrier();',
        ...tree,
        '  if (li == 0u) { o0[p] = si[0]; }',
        '}',
      ].join('\n');
      return { source, groups };
    });
    return launch(dev, s, ins, [o]);
  };
}

const cumsum: GpuRoutine = (dev, ins, [xa], [o], params) => {
  const { axis, reverse } = params as CumParams;
  const [, n, post] = around(xa.shape, axis);
  const t = storageType(xa.dtype);
  const lines = size(xa.shape) === 0 ? 0 : size(xa.shape) / n;
  const key = `cumsum|${avalKey([xa])}|${axis}|${reverse}`;
  const s = perPoint(key, lines, declare([t], [t]), () => [
    `  let base = (i / ${post}i) * ${n * post}i + i % ${post}i;`,
    `  var acc = ${t}(0);`,
    `  for (var j = 0i; j < ${n}i; j++) {`,
    `    let at = base + ${reverse ? `(${n - 1}i - j)` : 'j'} * ${post}i;`,
    // i32 additions wrap, like the CPU's `| 0`.
    '    acc = acc + x0[at];',
    '    o0[at] = acc;',
    '  }',
  ]);
  return launch(dev, s, ins, [o]);
};

export const REDUCE_ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  argmax: argRoutine(true),
  argmin: argRoutine(false),
  cumsum,
};
