/**
 * Internal helper (not re-exported): the rows of an array where a mask holds, packed to the front
 * of a static-size output and padded with a fill value. This is how functions whose output size
 * depends on the data (nonzero, compress, the set operations) take JAX's `size`/`fill_value`:
 * without `size` the count is read from a concrete mask, and under jit/vmap it must be given.
 */
import { type Array, type ArrayOrScalar, ConcreteArray } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { at } from './indexing.js';
import { subtract, where } from './math.js';
import { asArray, broadcastTo, convert } from './promote.js';
import { cumsum, sum } from './reductions.js';
import { describeValue } from './validate.js';

/**
 * The output size: `size` when given (checked), else the number of true entries of a concrete 1-D
 * `mask`; under jit/vmap without `size`, an error naming `who`, `what` is counted and the fix.
 */
export function staticCount(who: string, mask: Array, size: number | undefined, what: string): number {
  if (size !== undefined) {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new TypeError(`${who}: size must be a non-negative integer, got ${describeValue(size)}`);
    }
    return size;
  }
  if (!(mask instanceof ConcreteArray)) {
    throw new ShapeError(`${who}: the number of ${what} depends on the data, so under jit/vmap pass a static { size } (and optionally fillValue), as in JAX`);
  }
  return mask.size === 0 ? 0 : Number(sum(convert(mask, 'int32')).item());
}

/**
 * rows[i] for the i with mask[i] true, in order, in an array of `size` rows (extra ones dropped,
 * missing ones set to `fill`, which broadcasts against one row). `rows` has shape [n, ...].
 */
export function compactRows(mask: Array, rows: Array, size: number, fill: ArrayOrScalar): Array {
  const rest = rows.shape.slice(1);
  const init = broadcastTo(convert(asArray(fill), rows.dtype), [size, ...rest], 'fillValue');
  const n = mask.shape[0];
  if (n === 0 || size === 0) return init;
  const m = convert(mask, 'bool');
  const pos = subtract(cumsum(convert(m, 'int32')), 1);
  // Rows that are not selected go to slot `size`, out of range, and are dropped by the scatter.
  const slot = where(m, pos, size);
  return at(init, [slot]).set(rows);
}
