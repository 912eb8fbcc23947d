/**
 * Private helpers of the gamma-family samplers (gamma.ts, continuous.ts, discrete.ts): argument
 * checks that name the sampler, and parameter casting/broadcasting as JAX's `_check_shape`.
 */
import { Array as ArrayClass, type Array, type ArrayOrScalar } from '../core/array.js';
import { type DType, getDefaultFloat, isFloat } from '../core/dtype.js';
import * as np from '../numpy/index.js';
import { describeValue } from '../numpy/validate.js';

/** The shape of a sample: a length for a 1-d sample, or the sizes of the axes. */
export type Shape = number | readonly number[];
/** A sampler parameter: a JS number, a (nested) list of numbers or an Array. */
export type Param = ArrayOrScalar | readonly number[] | readonly (readonly number[])[];

export const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** `shape` as a list, checked: non-negative integers only. */
export function shapeArg(who: string, s: Shape): number[] {
  const out = typeof s === 'number' ? [s] : globalThis.Array.isArray(s) ? [...s] : null;
  if (out === null || !out.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`random.${who}: shape must be a non-negative integer or a list of them, got ${describeValue(s)}; e.g. [3, 2]`);
  }
  return out;
}

/** A single raw key: uint32 (or int32 bits) of shape [2]. */
export function checkKey(who: string, k: unknown): asserts k is Array {
  if (!(k instanceof ArrayClass) || (k.dtype !== 'uint32' && k.dtype !== 'int32') || k.ndim !== 1 || k.shape[0] !== 2) {
    throw new TypeError(`random.${who}: the first argument must be a single key (uint32 array of shape [2]), got ${describeValue(k)}; make one with random.key(seed), batch over keys with vmap`);
  }
}

/** The float dtype of a sampler (default: the default float). */
export function floatDtype(who: string, dtype: DType | undefined): DType {
  const d = dtype ?? getDefaultFloat();
  if (!isFloat(d)) throw new TypeError(`random.${who}: dtype must be 'float32' or 'float64', got ${JSON.stringify(d)}`);
  return d;
}

/** A parameter as an Array of `dtype`. */
export function param(who: string, name: string, x: Param, dtype: DType): Array {
  let a: Array;
  if (x instanceof ArrayClass) a = x;
  else if (typeof x === 'number' || typeof x === 'boolean' || globalThis.Array.isArray(x)) a = np.array(x as number | number[], { dtype });
  else throw new TypeError(`random.${who}: ${name} must be a number, a list of numbers or an Array, got ${describeValue(x)}`);
  return a.dtype === dtype ? a : a.astype(dtype);
}

/**
 * The sample shape: `shape` if given (every parameter must broadcast to it, JAX's `_check_shape`),
 * else the parameters' broadcast shape.
 */
export function sampleShape(who: string, shape: Shape | undefined, params: readonly (readonly [string, Array])[]): number[] {
  const shapes = params.map(([, p]) => p.shape);
  let joint: number[];
  try { joint = np.broadcastShapes(...shapes); } catch {
    throw new TypeError(`random.${who}: the parameters ${params.map(([n, p]) => `${n} [${p.shape}]`).join(', ')} do not broadcast together; make their shapes broadcast-compatible`);
  }
  if (shape === undefined) return joint;
  const s = shapeArg(who, shape);
  let ok = joint.length <= s.length;
  if (ok) { try { ok = np.broadcastShapes(s, joint).every((d, i) => d === s[i]); } catch { ok = false; } }
  if (!ok) {
    throw new TypeError(`random.${who}: shape [${s}] is not broadcast-compatible with the parameter shapes ${params.map(([n, p]) => `${n} [${p.shape}]`).join(', ')}; pass a shape those broadcast to, or leave it out`);
  }
  return s;
}

/** finfo constants. */
export const finfo = (d: DType): { eps: number; tiny: number } =>
  d === 'float32' ? { eps: 2 ** -23, tiny: 2 ** -126 } : { eps: 2 ** -52, tiny: 2 ** -1022 };

export const scalar = (v: number, dtype: DType): Array => np.array(v, { dtype });

/** True where some element of the mask is true (a bool scalar, for loop predicates). */
export const someTrue = (m: Array): Array => np.logicalNot(np.all(np.logicalNot(m)));
