/** `lax.raggedDot`: one matrix product per group of consecutive rows. */
import { Array, type Nested } from '../core/array.js';
import { type DType, isInt } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { array, iota } from '../numpy/creation.js';
import { greaterEqual, less, logicalAnd, subtract, where } from '../numpy/math.js';
import { matmul } from '../numpy/linalg.js';
import { convert } from '../numpy/promote.js';
import { cumsum, sum } from '../numpy/reductions.js';
import { reshape } from '../numpy/shape.js';
import { arrayArg } from './args.js';


/**
 * Ragged matrix multiplication (`jax.lax.ragged_dot`): `lhs` [m, k], `rhs` [g, k, n] and integer
 * `groupSizes` [g] give [m, n], the rows of `lhs` taken in consecutive groups (the first
 * `groupSizes[0]` rows, then the next `groupSizes[1]`, ...) and each group multiplied by its
 * `rhs[j]`. Rows past the sum of the sizes give zeros. Differentiable in `lhs` and `rhs`; the sizes
 * may be traced values (jit, vmap). `preferredElementType` converts the result.
 *
 * @example
 * ```ts
 * const lhs = np.array([[1, 2], [3, 4], [5, 6]]);
 * const rhs = np.array([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]); // identity, then 2 × identity
 * lax.raggedDot(lhs, rhs, np.array([1, 2], { dtype: 'int32' })).js(); // [[1, 2], [6, 8], [10, 12]]
 * ```
 */
export function raggedDot(lhs: Array, rhs: Array, groupSizes: Array | readonly number[], opts: { preferredElementType?: DType } = {}): Array {
  const who = 'lax.raggedDot';
  const l = arrayArg('raggedDot', lhs);
  const r = arrayArg('raggedDot', rhs);
  const gs = globalThis.Array.isArray(groupSizes) ? array(groupSizes as Nested, { dtype: 'int32' }) : arrayArg('raggedDot', groupSizes);
  if (l.ndim !== 2 || r.ndim !== 3) throw new ShapeError(`${who}: expected lhs [m, k] and rhs [g, k, n], got ${avalStr(l.aval)} and ${avalStr(r.aval)}`);
  const [m, k] = l.shape;
  const [g, k2] = r.shape;
  if (k !== k2) throw new ShapeError(`${who}: the contracting sizes differ: lhs ${avalStr(l.aval)} has k = ${k}, rhs ${avalStr(r.aval)} has k = ${k2}`);
  if (gs.ndim !== 1 || gs.shape[0] !== g || !isInt(gs.dtype)) throw new TypeError(`${who}: groupSizes must be an integer vector of length g = ${g} (rhs ${avalStr(r.aval)}), got ${avalStr(gs.aval)}`);
  if (l.dtype !== r.dtype) throw new TypeError(`${who}: lhs and rhs must have one dtype, got ${avalStr(l.aval)} and ${avalStr(r.aval)}; convert with lax.convertElementType`);
  const sizes = convert(gs, 'int32');
  const ends = reshape(cumsum(sizes), [g, 1, 1]);
  const starts = subtract(ends, reshape(sizes, [g, 1, 1]));
  const rows = iota('int32', [g, m, 1], 1, { device: l.device });
  const inGroup = logicalAnd(greaterEqual(rows, starts), less(rows, ends)); // [g, m, 1]
  // where, not a 0/1 product: a row outside a group must not carry its inf/NaN into that group.
  const perGroup = where(inGroup, reshape(l, [1, m, k]), 0); // [g, m, k]
  const out = sum(matmul(perGroup, r), 0);
  return opts.preferredElementType ? convert(out, opts.preferredElementType) : out;
}

