/**
 * WGSL routines: what the lowering does not fuse, as compute shaders generated per shape and
 * params (cached by key, then by source in the queue's pipeline cache). A routine returns freshly
 * allocated outputs and never aliases an input. The families live in routines-*.ts; this file
 * holds the registry. Routines missing here run on the host.
 */
import type { Aval } from '../../core/ir.js';
import type { RoutineFn } from '../../lowering/runner.js';
import { type GpuData, type GpuDevice, type GpuRoutine, declare, launch, perPoint } from './routines-common.js';
import { narrow, storageType } from './render-wgsl.js';
import { helperSource } from './wgsl-ops.js';
import { dotGeneral } from './routines-dot.js';
import { REDUCE_ROUTINES } from './routines-reduce.js';
import { RANDOM_ROUTINES } from './routines-random.js';
import { SHAPE_ROUTINES } from './routines-shape.js';
import { LINALG_ROUTINES } from './routines-linalg.js';
import { SORT_ROUTINES } from './routines-sort.js';
import { DECOMPOSITION_ROUTINES } from './routines-decompositions.js';

export type { GpuData, GpuDevice } from './routines-common.js';

export const ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  dot_general: dotGeneral,
  ...SHAPE_ROUTINES,
  ...REDUCE_ROUTINES,
  ...RANDOM_ROUTINES,
  ...LINALG_ROUTINES,
  ...SORT_ROUTINES,
  ...DECOMPOSITION_ROUTINES,
};

export const gpuRoutineNames = (): string[] => Object.keys(ROUTINES);

export function gpuRoutine(name: string, dev: GpuDevice): RoutineFn<GpuData> | undefined {
  const r = ROUTINES[name];
  return r && ((ins, inAvals, outAvals, params) => r(dev, ins, inAvals, outAvals, params as Record<string, unknown>).map((o, i) => narrowed(dev, o, outAvals[i])));
}

/**
 * A routine's output as its narrow dtype holds it: routines compute int8/uint8 in 32-bit
 * integers and float16 in f32, as the fused kernels do between their narrowing steps.
 */
function narrowed(dev: GpuDevice, o: GpuData, a: Aval): GpuData {
  if (a.dtype !== 'int8' && a.dtype !== 'uint8' && a.dtype !== 'float16') return o;
  const t = storageType(a.dtype);
  const line = `  o0[i] = ${narrow('x0[i]', a.dtype)};`;
  const s = perPoint(`narrow|${a.dtype}|${o.n}`, o.n, `${declare([t], [t])}\n${helperSource(line)}`, () => [line]);
  const [out] = launch(dev, s, [o], [a]);
  dev.free(o);
  return out;
}
