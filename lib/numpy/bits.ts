/**
 * numpy's bit packing: `packbits` and `unpackbits` between bool/integer elements and the bits of
 * uint8 bytes, composed from shifts and masks (so `jit` and `vmap` pass through them).
 */
import { Array } from '../core/array.js';
import { isInt } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { array } from './creation.js';
import { rightShift } from './elementwise-more.js';
import { bitwiseAnd, multiply, notEqual } from './math.js';
import { convert, normAxis, sliceAxis } from './promote.js';
import { sum } from './reductions.js';
import { expandDims, pad, ravel, reshape } from './shape.js';
import { type ArrayInput, dataArg } from './input.js';

/** numpy's bit order within a byte: 'big' puts the first element in the most significant bit. */
export type BitOrder = 'big' | 'little';


function bitorderOf(who: string, b: unknown): BitOrder {
  if (b === undefined || b === 'big' || b === 'little') return b ?? 'big';
  throw new TypeError(`${who}: bitorder must be 'big' or 'little', got ${JSON.stringify(b)}`);
}

/** `x` flattened when `axis` is null/undefined (numpy's default), else x and its normalised axis. */
function alongAxis(who: string, x: Array, axis: number | null | undefined): [Array, number] {
  if (axis === undefined || axis === null) return [ravel(x), 0];
  if (x.ndim === 0) throw new ShapeError(`${who}: axis ${axis} given for a 0-d input; pass axis: null to flatten it first`);
  return [x, normAxis(who, axis, x.ndim)];
}

/** A shape of rank `ndim` that is 1 everywhere except `n` at `axis`: a vector set along that axis. */
const along = (n: number, axis: number, ndim: number): number[] => globalThis.Array.from({ length: ndim }, (_, d) => (d === axis ? n : 1));

/**
 * Packs the elements of a bool or integer array into the bits of uint8 bytes (`jnp.packbits`):
 * along `axis` (default null: the flattened array), each run of 8 elements becomes one byte, an
 * element counting as 1 when nonzero; the last run is padded with zeros. `bitorder` 'big' (the
 * default) puts the first element of each run in the most significant bit.
 *
 * @example
 * ```ts
 * np.packbits([1, 0, 1, 1, 0, 0, 0, 1, 1]).js(); // [177, 128]
 * np.packbits(np.array([true, true, false]), { bitorder: 'little' }).js(); // [3]
 * ```
 */
export function packbits(a: ArrayInput, opts: { axis?: number | null; bitorder?: BitOrder } = {}): Array {
  const who = 'np.packbits';
  // JS data of integers (which np.array makes float) packs as numpy's integer lists do.
  const jsInts = !(a instanceof Array) && [a].flat(Infinity as 1).every((v) => typeof v === 'boolean' || Number.isInteger(v));
  const x0 = jsInts ? array(a, { dtype: typeof a === 'boolean' ? 'bool' : 'int32' }) : dataArg(a);
  if (x0.dtype !== 'bool' && !isInt(x0.dtype)) {
    throw new TypeError(`${who}: expected a bool or integer array, got ${avalStr(x0.aval)}; compare first (x.greater(0)) or convert with x.astype('int32')`);
  }
  const order = bitorderOf(who, opts.bitorder);
  const [x, ax] = alongAxis(who, x0, opts.axis);
  const n = x.shape[ax];
  const bytes = Math.ceil(n / 8);
  let bits = convert(notEqual(x, 0), 'int32');
  if (bytes * 8 !== n) bits = pad(bits, x.shape.map((_, d): [number, number] => [0, d === ax ? bytes * 8 - n : 0]));
  const grouped = reshape(bits, [...x.shape.slice(0, ax), bytes, 8, ...x.shape.slice(ax + 1)]);
  const weights = globalThis.Array.from({ length: 8 }, (_, i) => 2 ** (order === 'big' ? 7 - i : i));
  const w = reshape(array(weights, { dtype: 'int32' }), along(8, ax + 1, grouped.ndim));
  return convert(sum(multiply(grouped, w), ax + 1), 'uint8');
}

/**
 * Unpacks the bits of a uint8 array into uint8 zeros and ones (`jnp.unpackbits`), the inverse of
 * `packbits`: along `axis` (default null: the flattened array) each byte becomes 8 elements.
 * `count` keeps the first `count` bits (padding with zeros past the end), or with a negative
 * `count` drops `-count` bits from the end (at most all of them).
 *
 * @example
 * ```ts
 * np.unpackbits(np.array([177], { dtype: 'uint8' })).js(); // [1, 0, 1, 1, 0, 0, 0, 1]
 * np.unpackbits(np.array([3], { dtype: 'uint8' }), { count: 3, bitorder: 'little' }).js(); // [1, 1, 0]
 * ```
 */
export function unpackbits(a: ArrayInput, opts: { axis?: number | null; count?: number | null; bitorder?: BitOrder } = {}): Array {
  const who = 'np.unpackbits';
  const x0 = dataArg(a);
  if (x0.dtype !== 'uint8') throw new TypeError(`${who}: expected a uint8 array, got ${avalStr(x0.aval)}; convert it with x.astype('uint8') (or build it with { dtype: 'uint8' })`);
  const order = bitorderOf(who, opts.bitorder);
  const [x, ax] = alongAxis(who, x0, opts.axis);
  const shifts = globalThis.Array.from({ length: 8 }, (_, i) => (order === 'big' ? 7 - i : i));
  const spread = expandDims(x, ax + 1);
  const s = reshape(array(shifts, { dtype: 'uint8' }), along(8, ax + 1, spread.ndim));
  const n = x.shape[ax] * 8;
  let bits = reshape(bitwiseAnd(rightShift(spread, s), 1), [...x.shape.slice(0, ax), n, ...x.shape.slice(ax + 1)]);
  const count = opts.count ?? null;
  if (count === null) return bits;
  if (!Number.isInteger(count)) throw new TypeError(`${who}: count must be an integer or null, got ${String(count)}`);
  if (count < -n) throw new RangeError(`${who}: count ${count} would drop ${-count} bits, more than the ${n} there are along axis ${ax}`);
  const keep = count >= 0 ? count : n + count;
  if (keep <= n) return sliceAxis(bits, ax, 0, keep);
  bits = pad(bits, bits.shape.map((_, d): [number, number] => [0, d === ax ? keep - n : 0]));
  return bits;
}

