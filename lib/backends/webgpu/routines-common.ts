/**
 * What every WGSL routine shares: the device types, the shader cache, dispatch helpers and index
 * arithmetic. Kept apart from routines.ts (the registry) so the routine families can import it
 * without an import cycle.
 */
import type { DType } from '../../core/dtype.js';
import type { Aval } from '../../core/ir.js';
import { LRU, onClearCaches } from '../../core/lru.js';
import type { GpuQueue } from './queue.js';
import { WORKGROUP, groupsFor } from './render-wgsl.js';

/** A device buffer as the runner sees it: `n` elements of `dtype`, 4 bytes each. */
export interface GpuData {
  readonly buffer: GPUBuffer;
  readonly n: number;
  readonly dtype: DType;
}

/** What a routine needs of the backend. */
export interface GpuDevice {
  alloc(a: Aval): GpuData;
  free(b: GpuData): void;
  readonly queue: GpuQueue;
}

export interface Shader { readonly source: string; readonly groups: readonly [number, number] | readonly [number, number, number] }

export type GpuRoutine = (dev: GpuDevice, ins: readonly GpuData[], inAvals: readonly Aval[], outAvals: readonly Aval[], params: Record<string, unknown>) => GpuData[];

const shaders = new LRU<string, Shader>(1024);
onClearCaches(() => shaders.clear());

/** The shader for `key`, built once. */
export function shader(key: string, build: () => Shader): Shader {
  let s = shaders.get(key);
  if (!s) { s = build(); shaders.set(key, s); }
  return s;
}

export const avalKey = (as: readonly Aval[]): string => as.map((a) => `${a.dtype}[${a.shape.join(',')}]`).join(';');

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

/** An i32 literal that stays one token when negative (`a - -3i` reads badly). */
export const int = (v: number): string => (v < 0 ? `(${v}i)` : `${v}i`);

/** Allocates the outputs and dispatches `s` over inputs then outputs. */
export function launch(dev: GpuDevice, s: Shader, ins: readonly GpuData[], outAvals: readonly Aval[]): GpuData[] {
  const outs = outAvals.map((a) => dev.alloc(a));
  if (outs.some((o) => o.n > 0)) dev.queue.dispatch(s.source, [...ins, ...outs].map((b) => b.buffer), s.groups);
  return outs;
}

/**
 * Storage declarations with explicit element types (`u32`, `i32`, `f32`): inputs read-only, then
 * outputs. Routines that only move data bind everything as `u32`, so bits (NaN payloads, -0)
 * travel unchanged and one shader serves every dtype.
 */
export function declare(ins: readonly string[], outs: readonly string[]): string {
  return [
    ...ins.map((t, i) => `@group(0) @binding(${i}) var<storage, read> x${i}: array<${t}>;`),
    ...outs.map((t, i) => `@group(0) @binding(${ins.length + i}) var<storage, read_write> o${i}: array<${t}>;`),
  ].join('\n');
}

/**
 * Statements that use every binding of `decls` that `body` does not: the pipeline's 'auto'
 * layout leaves out unused bindings, and a bind group naming one is then invalid (a gather
 * over no indexed axes never reads its empty index buffer).
 */
export function touchUnused(decls: string, body: readonly string[]): string[] {
  const text = body.join('\n');
  const names = [...decls.matchAll(/var<storage[^>]*>\s+(\w+)\s*:/g)].map((m) => m[1]);
  return names.filter((v) => !new RegExp(`\\b${v}\\b`).test(text)).map((v) => `  _ = arrayLength(&${v});`);
}

/**
 * A shader over `n` units, `unit` an invocation or a whole workgroup, with the unit's index bound
 * to the i32 `name`; `body` is WGSL statements after `decls` (bindings and module-scope helpers).
 * Units past `n` leave at once (for workgroups a uniform exit, as barriers require).
 */
export function grid(key: string, n: number, unit: 'invocation' | 'workgroup', name: string, decls: string, body: () => string[]): Shader {
  return shader(key, () => {
    const groups = groupsFor(unit === 'workgroup' ? n : Math.ceil(n / WORKGROUP));
    const lines = body();
    const group = `wg.y * ${groups[0]}u + wg.x`;
    const source = [
      decls,
      'var<private> z_: u32;',
      `@compute @workgroup_size(${WORKGROUP})`,
      'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
      `  let ${name} = i32(${unit === 'workgroup' ? group : `(${group}) * ${WORKGROUP}u + li`});`,
      `  if (${name} >= ${n}i) { return; }`,
      ...touchUnused(decls, lines),
      ...lines,
      '}',
    ].join('\n');
    return { source, groups };
  });
}

/** One invocation per point `i` of [0, n). */
export const perPoint = (key: string, n: number, decls: string, body: () => string[]): Shader => grid(key, n, 'invocation', 'i', decls, body);

/** Storage buffers one shader may bind (8 on SwiftShader, the WebGPU default). */
export const maxBuffers = (dev: GpuDevice): number => dev.queue.device.limits.maxStorageBuffersPerShaderStage;

/**
 * Scalar operands (dynamic start indices) as one shader sees them: bound one buffer each when
 * the shader has room for `fixed` other bindings plus these, else gathered by copies into one
 * temporary buffer. `at(j)` is the WGSL expression of scalar j when bound from binding `first`.
 */
export interface Scalars {
  readonly bufs: readonly GpuData[];
  readonly types: readonly string[];
  readonly packed: boolean;
  at(j: number): string;
  /** Returns the temporary buffer to the pool (after the dispatch that reads it is encoded). */
  done(): void;
}

export function scalars(dev: GpuDevice, idx: readonly GpuData[], first: number, fixed: number, type = 'i32'): Scalars {
  if (fixed + idx.length <= maxBuffers(dev)) {
    return { bufs: idx, types: idx.map(() => type), packed: false, at: (j) => `x${first + j}[0]`, done: () => {} };
  }
  const q = dev.queue;
  const buffer = q.alloc(idx.length * 4);
  idx.forEach((b, j) => q.copy(b.buffer, 0, buffer, j * 4, 4));
  return {
    bufs: [{ buffer, n: idx.length, dtype: 'int32' }],
    types: [type],
    packed: true,
    at: (j) => `x${first}[${j}]`,
    done: () => q.recycle(buffer),
  };
}
