/**
 * WGSL arg-reductions and cumulative sums, one invocation per line along the axis, walking it in
 * order as the CPU does (lib/backends/cpu/reduce.ts): the first extremum wins, a NaN beats
 * everything (the first NaN), and cumsum adds in the CPU's order (float32 partials round at each
 * step, as the CPU's column-wise loop does; its row-wise loop keeps them in float64).
 */
import type { DType } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import type { ArgParams, CumParams } from '../../primitives/reduce.js';
import { storageType } from './render-wgsl.js';
import { type GpuRoutine, avalKey, declare, launch, perPoint } from './routines-common.js';

/** [pre, n, post]: the sizes before, along and after `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [size(shape.slice(0, axis)), shape[axis], size(shape.slice(axis + 1))];
}

/** NaN by its bits: SwiftShader folds `x != x` to false. */
const isNan = (v: string): string => `((bitcast<u32>(${v}) & 0x7fffffffu) > 0x7f800000u)`;

function argRoutine(max: boolean): GpuRoutine {
  return (dev, ins, [xa], [o], params) => {
    const { axis } = params as ArgParams;
    const [, n, post] = around(xa.shape, axis);
    const d: DType = xa.dtype;
    const cmp = max ? '>' : '<';
    const key = `arg|${max}|${avalKey([xa])}|${axis}`;
    const s = perPoint(key, size(o.shape), declare([storageType(d)], ['i32']), () => [
      `  let base = (i / ${post}i) * ${n * post}i + i % ${post}i;`,
      '  var bv = x0[base];',
      '  var bi = 0i;',
      ...(d === 'float32'
        ? [
          `  if (!${isNan('bv')}) {`,
          `    for (var j = 1i; j < ${n}i; j++) {`,
          `      let v = x0[base + j * ${post}i];`,
          `      if (${isNan('v')}) { bi = j; break; }`,
          `      if (v ${cmp} bv) { bv = v; bi = j; }`,
          '    }',
          '  }',
        ]
        : [
          `  for (var j = 1i; j < ${n}i; j++) {`,
          `    let v = x0[base + j * ${post}i];`,
          `    if (v ${cmp} bv) { bv = v; bi = j; }`,
          '  }',
        ]),
      '  o0[i] = bi;',
    ]);
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
