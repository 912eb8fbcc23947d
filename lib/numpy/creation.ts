/** Array creation: from JS data, constants, ranges and identity matrices. */
import { Array, ConcreteArray } from '../core/array.js';
import { type DType, type TypedArray, dtypeOfTypedArray, getDefaultFloat, isDType, typedArrayFor, castScalar } from '../core/dtype.js';
import { bindSource } from '../core/trace.js';
import { Iota } from '../primitives/shape.js';
import { getBackend } from '../core/backend.js';
import { ShapeError } from '../core/errors.js';
import { asArray, broadcastTo, convert, describe } from './promote.js';
import { checkShapeArg, describeValue } from './validate.js';
import { lessEqual, subtract } from './math.js';

export interface DTypeOpt { dtype?: DType; device?: string }

function checkDtype(who: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) throw new TypeError(`${who}: unknown dtype ${JSON.stringify(dtype)}; use 'float32', 'float64', 'int32' or 'bool'`);
  return dtype;
}

function checkShape(who: string, shape: number | readonly number[]): number[] {
  return checkShapeArg(who, shape);
}

// V8's cap on a typed array's length (2^32 elements on 64-bit Node 20; measured, not configurable).
const MAX_ELEMENTS = 2 ** 32;
const ITEM_BYTES: Record<DType, number> = { float64: 8, float32: 4, int32: 4, bool: 1 };

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
  const bytes = n * ITEM_BYTES[dtype];
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

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** castScalar, except that an int32 that would wrap is an error (JAX raises OverflowError too). */
function castChecked(who: string, v: number | boolean, dtype: DType): number {
  if (dtype === 'int32' && typeof v === 'number' && !Number.isNaN(v) && (Math.trunc(v) < INT32_MIN || Math.trunc(v) > INT32_MAX)) {
    throw new RangeError(`${who}: value ${v} does not fit in int32 (range [${INT32_MIN}, ${INT32_MAX}]); it would wrap around silently; use { dtype: 'float64' } (exact integers up to 2^53) or 'float32'`);
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
    if (!src) throw new TypeError(`np.array: unsupported typed array ${describe(data)}; use Float32Array, Float64Array, Int32Array or Uint8Array`);
    const shape = opts.shape ?? [(data as TypedArray).length];
    const a = ConcreteArray.fromData(data as TypedArray, shape, src, backend);
    return dtype && dtype !== src ? convert(a, dtype) : a;
  }
  const shape = nestedShape(data, 'np.array');
  const flat = (shape.length ? (data as unknown[]).flat(Infinity) : [data]) as (number | boolean)[];
  const dt = dtype ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : getDefaultFloat(opts.device));
  const buf = allocate('np.array', dt, shape);
  for (let i = 0; i < flat.length; i++) buf[i] = castChecked('np.array', flat[i], dt);
  // As jnp.array(2.5): a lone JS number without a dtype stays weakly typed, so it adapts to the
  // float32 arrays it meets (lists and explicit dtypes are strong).
  return ConcreteArray.fromData(buf, opts.shape ?? shape, dt, backend, typeof data === 'number' && !dtype);
}

export const asarray = array;

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

export const zeros = (shape: number | readonly number[], opts: DTypeOpt = {}): Array => fullImpl('np.zeros', shape, 0, opts);
export const ones = (shape: number | readonly number[], opts: DTypeOpt = {}): Array => fullImpl('np.ones', shape, 1, opts);
// `*Like` takes the prototype's dtype and device, as JAX's does.
export const zerosLike = (x: Array, opts: DTypeOpt = {}): Array => fullImpl('np.zerosLike', x.shape, 0, { dtype: x.dtype, device: x.device, ...opts });
export const onesLike = (x: Array, opts: DTypeOpt = {}): Array => fullImpl('np.onesLike', x.shape, 1, { dtype: x.dtype, device: x.device, ...opts });
export const fullLike = (x: Array, v: number | boolean, opts: DTypeOpt = {}): Array => fullImpl('np.fullLike', x.shape, v, { dtype: x.dtype, device: x.device, ...opts });
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

export function eye(n: number, m?: number, opts: DTypeOpt & { k?: number } = {}): Array {
  const [, cols] = checkShape('np.eye', [n, m ?? n]);
  const k = opts.k ?? 0;
  const dtype = checkDtype('np.eye', opts.dtype) ?? getDefaultFloat(opts.device);
  const buf = allocate('np.eye', dtype, [n, cols]);
  for (let i = 0; i < n; i++) { const j = i + k; if (j >= 0 && j < cols) buf[i * cols + j] = 1; }
  return ConcreteArray.fromData(buf, [n, cols], dtype, getBackend(opts.device, 'np.eye'));
}

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
