/** Array creation: from JS data, constants, ranges and identity matrices. */
import { Array, ConcreteArray } from '../core/array.js';
import { type DType, type TypedArray, ARRAY_TYPE, convertScalar, intRange, isInt, unknownDtype, dtypeOfTypedArray, getDefaultFloat, isDType, typedArrayFor, castScalar } from '../core/dtype.js';
import { bindSource } from '../core/trace.js';
import { Iota } from '../primitives/shape.js';
import { getBackend } from '../core/backend.js';
import { ShapeError } from '../core/errors.js';
import { asArray, broadcastTo, convert, describe } from './promote.js';
import { checkShapeArg, describeValue } from './validate.js';
import { lessEqual, subtract } from './math.js';

/** Options of the creation functions. */
export interface DTypeOpt {
  /** The element type; each function says its default (usually the default float, float64 on the CPU). */
  dtype?: DType;
  /** The device to create the array on (`'cpu'`, `'webgpu'`, ...); the default device if omitted. */
  device?: string;
}

function checkDtype(who: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) throw unknownDtype(who, dtype);
  return dtype;
}

function checkShape(who: string, shape: number | readonly number[]): number[] {
  return checkShapeArg(who, shape);
}

// V8's cap on a typed array's length (2^32 elements on 64-bit Node 20; measured, not configurable).
const MAX_ELEMENTS = 2 ** 32;

function fmtBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${b} bytes (${v.toFixed(v < 10 && u > 0 ? 1 : 0)} ${units[u]})`;
}

/**
 * A host buffer for `shape`; a size past the typed-array limit or a failed allocation becomes an error
 * naming the function, shape and bytes instead of V8's bare RangeError.
 */
function allocate(who: string, dtype: DType, shape: readonly number[]): TypedArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const bytes = n * ARRAY_TYPE[dtype].BYTES_PER_ELEMENT;
  if (n > MAX_ELEMENTS) {
    throw new RangeError(`${who}: shape [${shape}] (${dtype}) has ${n} elements, ${fmtBytes(bytes)}; a host array holds at most ${MAX_ELEMENTS} elements (2^32, the JavaScript typed-array limit); use a smaller shape or split the work`);
  }
  try {
    return typedArrayFor(dtype, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new RangeError(`${who}: could not allocate shape [${shape}] (${dtype}), ${fmtBytes(bytes)}: the host is out of memory (${e.message}); the limit is the machine's free memory (at most ${MAX_ELEMENTS} elements per array); use a smaller shape or a smaller dtype`);
  }
}

/** castScalar, except that an integer that would wrap is an error (JAX raises OverflowError too). */
function castChecked(who: string, v: number | boolean, dtype: DType): number {
  if (isInt(dtype) && typeof v === 'number' && !Number.isNaN(v)) {
    const [lo, hi] = intRange(dtype);
    if (Math.trunc(v) < lo || Math.trunc(v) > hi) {
      const wider = dtype === 'int32' ? "{ dtype: 'float64' } (exact integers up to 2^53) or 'float32'" : dtype === 'uint32' ? "{ dtype: 'float64' }" : "{ dtype: 'int32' }";
      throw new RangeError(`${who}: value ${v} does not fit in ${dtype} (range [${lo}, ${hi}]); it would wrap around silently; use ${wider}`);
    }
  }
  return castScalar(v, dtype);
}

/** The shape of nested JS arrays; throws on ragged nesting. */
function nestedShape(data: unknown, who: string): number[] {
  const shape: number[] = [];
  let cur = data;
  while (globalThis.Array.isArray(cur)) { shape.push(cur.length); cur = cur[0]; }
  const check = (x: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (globalThis.Array.isArray(x)) throw new ShapeError(`${who}: ragged nested array: ${path} has more levels than the first element`);
      if (typeof x !== 'number' && typeof x !== 'boolean') throw new TypeError(`${who}: element ${path || '(root)'} is ${describe(x)}; expected numbers or booleans`);
      return;
    }
    if (!globalThis.Array.isArray(x) || x.length !== shape[dim]) {
      throw new ShapeError(`${who}: ragged nested array: ${path || 'the root'} should have ${shape[dim]} elements (inferred shape [${shape}]), found ${globalThis.Array.isArray(x) ? x.length : describe(x)}`);
    }
    x.forEach((y, i) => check(y, dim + 1, `${path}[${i}]`));
  };
  check(data, 0, '');
  return shape;
}

/**
 * `np.array(data, { dtype })`: nested JS arrays of numbers/booleans (numbers get the default float,
 * float64 on CPU), typed arrays (keep their dtype), or an existing Array (copied/cast).
 */
export function array(data: unknown, opts: DTypeOpt & { shape?: number[] } = {}): Array {
  const dtype = checkDtype('np.array', opts.dtype);
  const backend = getBackend(opts.device, 'np.array');
  if (data instanceof Array) return dtype ? convert(data, dtype) : data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const src = dtypeOfTypedArray(data);
    if (!src) throw new TypeError(`np.array: unsupported typed array ${describe(data)}; use Float32Array, Float64Array, Int32Array, Uint32Array, Int8Array or Uint8Array`);
    const shape = opts.shape ?? [(data as TypedArray).length];
    if (!dtype || dtype === src) return ConcreteArray.fromData(data as TypedArray, shape, src, backend);
    // cast on the host: the device may not have the source's dtype (a Uint8Array mask on WebGPU)
    const buf = allocate('np.array', dtype, shape);
    for (let i = 0; i < buf.length; i++) buf[i] = convertScalar((data as TypedArray)[i], src, dtype);
    return ConcreteArray.fromData(buf, shape, dtype, backend);
  }
  const shape = nestedShape(data, 'np.array');
  const flat = (shape.length ? (data as unknown[]).flat(Infinity) : [data]) as (number | boolean)[];
  const dt = dtype ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : getDefaultFloat(opts.device));
  // A lone number placed on no device in particular is a host scalar, like JAX's uncommitted
  // arrays: it joins its operands on whatever device they live on.
  if (shape.length === 0 && opts.device === undefined && opts.shape === undefined) {
    return ConcreteArray.fromScalar(castChecked('np.array', flat[0], dt), dt, backend, typeof data === 'number' && !dtype);
  }
  const buf = allocate('np.array', dt, shape);
  for (let i = 0; i < flat.length; i++) buf[i] = castChecked('np.array', flat[i], dt);
  // As jnp.array(2.5): a lone JS number without a dtype stays weakly typed, so it adapts to the
  // float32 arrays it meets (lists and explicit dtypes are strong).
  return ConcreteArray.fromData(buf, opts.shape ?? shape, dt, backend, typeof data === 'number' && !dtype);
}

/** Alias of `np.array` (`jnp.asarray`). */
export const asarray = array;

/**
 * An array of `shape` filled with `value` (`jnp.full`). The dtype is `opts.dtype`, else the
 * value's: bool for a boolean, the default float for a number, an Array's own dtype (an Array value
 * is broadcast to `shape`).
 *
 * @example
 * ```ts
 * np.full([2, 3], 7).js(); // [[7, 7, 7], [7, 7, 7]]
 * ```
 */
export function full(shape: number | readonly number[], value: number | boolean | Array, opts: DTypeOpt = {}): Array {
  return fullImpl('np.full', shape, value, opts);
}

function fullImpl(who: string, shape: number | readonly number[], value: number | boolean | Array, opts: DTypeOpt): Array {
  const s = checkShape(who, shape);
  if (!(value instanceof Array) && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`${who}: the fill value must be a number, a boolean or an Array, got ${describeValue(value)}`);
  }
  const dtype = checkDtype(who, opts.dtype) ?? (value instanceof Array ? value.dtype : typeof value === 'boolean' ? 'bool' : getDefaultFloat(opts.device));
  if (value instanceof Array) return broadcastTo(convert(value, dtype), s, who);
  const buf = allocate(who, dtype, s);
  buf.fill(castChecked(who, value, dtype));
  return ConcreteArray.fromData(buf, s, dtype, getBackend(opts.device, who));
}

/**
 * An array of zeros of `shape` (`jnp.zeros`), in the default float dtype unless `opts.dtype` is
 * given.
 */
export const zeros = (shape: number | readonly number[], opts: DTypeOpt = {}): Array => fullImpl('np.zeros', shape, 0, opts);
/**
 * An array of ones of `shape` (`jnp.ones`), in the default float dtype unless `opts.dtype` is
 * given.
 */
export const ones = (shape: number | readonly number[], opts: DTypeOpt = {}): Array => fullImpl('np.ones', shape, 1, opts);
// `*Like` takes the prototype's dtype and device, as JAX's does.
/**
 * Zeros with the shape, dtype and device of `x` (`jnp.zeros_like`); `opts` overrides the dtype or
 * device.
 */
export const zerosLike = (x: Array, opts: DTypeOpt = {}): Array => fullImpl('np.zerosLike', x.shape, 0, { dtype: x.dtype, device: x.device, ...opts });
/**
 * Ones with the shape, dtype and device of `x` (`jnp.ones_like`); `opts` overrides the dtype or
 * device.
 */
export const onesLike = (x: Array, opts: DTypeOpt = {}): Array => fullImpl('np.onesLike', x.shape, 1, { dtype: x.dtype, device: x.device, ...opts });
/**
 * An array filled with `v`, with the shape, dtype and device of `x` (`jnp.full_like`); `opts`
 * overrides the dtype or device.
 */
export const fullLike = (x: Array, v: number | boolean, opts: DTypeOpt = {}): Array => fullImpl('np.fullLike', x.shape, v, { dtype: x.dtype, device: x.device, ...opts });
/**
 * Same as `np.zeros`: arrays are immutable, so an uninitialised one has no use (`jnp.empty` also
 * gives zeros).
 */
export const empty = zeros;

/** `arange(stop)`, `arange(start, stop, step?)`; integer arguments give int32, like numpy. */
export function arange(start: number, stop?: number, step = 1, opts: DTypeOpt = {}): Array {
  if (stop === undefined) { stop = start; start = 0; }
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`np.arange: ${name} must be a finite number, got ${describeValue(v)}; write np.arange(stop) or np.arange(start, stop, step)`);
  }
  if (step === 0) throw new RangeError('np.arange: step must not be zero');
  const allInt = [start, stop, step].every(Number.isInteger);
  const dtype = checkDtype('np.arange', opts.dtype) ?? (allInt ? 'int32' : getDefaultFloat(opts.device));
  const n = Math.max(0, Math.ceil((stop - start) / step));
  // The range is monotone, so checking its two ends covers every element.
  if (n > 0) { castChecked('np.arange', start, dtype); castChecked('np.arange', start + (n - 1) * step, dtype); }
  const buf = allocate('np.arange', dtype, [n]);
  for (let i = 0; i < n; i++) buf[i] = castScalar(start + i * step, dtype);
  return ConcreteArray.fromData(buf, [n], dtype, getBackend(opts.device, 'np.arange'));
}

/**
 * `num` evenly spaced values from `start` to `stop` (`jnp.linspace`), inclusive unless
 * `opts.endpoint` is false; default float dtype unless `opts.dtype` is given.
 *
 * @example
 * ```ts
 * np.linspace(0, 1, 5).js(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num = 50, opts: DTypeOpt & { endpoint?: boolean } = {}): Array {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`np.linspace: num must be a non-negative integer, got ${num}`);
  const dtype = checkDtype('np.linspace', opts.dtype) ?? getDefaultFloat(opts.device);
  const endpoint = opts.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const buf = allocate('np.linspace', dtype, [num]);
  if (num > 0) { castChecked('np.linspace', start, dtype); castChecked('np.linspace', stop, dtype); }
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) buf[i] = castScalar(start + i * step, dtype);
  if (endpoint && num > 1) buf[num - 1] = castScalar(stop, dtype);
  return ConcreteArray.fromData(buf, [num], dtype, getBackend(opts.device, 'np.linspace'));
}

/** Values along `dimension` of `shape` (lax.iota broadcast), staged when inside a trace. */
export function iota(dtype: DType, shape: readonly number[], dimension = 0, opts: { device?: string } = {}): Array {
  return bindSource(Iota, { dtype, shape: [...shape], dimension }, opts.device);
}

/**
 * An `n` × `m` matrix (`m` defaults to `n`) with ones on the `opts.k`-th diagonal (0 the main,
 * positive above) and zeros elsewhere (`jnp.eye`); default float dtype unless `opts.dtype` is
 * given.
 */
export function eye(n: number, m?: number, opts: DTypeOpt & { k?: number } = {}): Array {
  const [, cols] = checkShape('np.eye', [n, m ?? n]);
  const k = opts.k ?? 0;
  const dtype = checkDtype('np.eye', opts.dtype) ?? getDefaultFloat(opts.device);
  const buf = allocate('np.eye', dtype, [n, cols]);
  for (let i = 0; i < n; i++) { const j = i + k; if (j >= 0 && j < cols) buf[i * cols + j] = 1; }
  return ConcreteArray.fromData(buf, [n, cols], dtype, getBackend(opts.device, 'np.eye'));
}

/** The `n` × `n` identity matrix (`jnp.identity`). */
export const identity = (n: number, opts: DTypeOpt = {}): Array => eye(n, n, opts);

/** 1 on and below the k-th diagonal, 0 above (numpy's tri). */
export function tri(n: number, m?: number, k = 0, opts: DTypeOpt = {}): Array {
  const cols = m ?? n;
  const rows = iota('int32', [n, cols], 0);
  const c = iota('int32', [n, cols], 1);
  const mask = lessEqual(subtract(c, rows), k);
  return opts.dtype ? convert(mask, opts.dtype) : convert(mask, getDefaultFloat());
}

export { asArray };
