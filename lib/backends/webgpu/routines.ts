/**
 * WGSL routines: what the lowering does not fuse, as compute shaders generated per shape and
 * params (cached by key, then by source in the queue's pipeline cache). A routine returns freshly
 * allocated outputs and never aliases an input. The families live in routines-*.ts; this file
 * holds the registry. Routines missing here run on the host.
 */
import type { RoutineFn } from '../../lowering/runner.js';
import type { GpuData, GpuDevice, GpuRoutine } from './routines-common.js';
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
  return r && ((ins, inAvals, outAvals, params) => r(dev, ins, inAvals, outAvals, params as Record<string, unknown>));
}
