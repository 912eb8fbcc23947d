/**
 * numpy 2's `cumulative_sum` / `cumulative_prod`: cumsum / cumprod with an `includeInitial` option
 * (prepend the identity) and an explicit `dtype`; `axis` may be left out only for 1-D input.
 * Composed from np.cumsum / np.cumprod, so grad, jit and vmap apply unchanged.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { type DType, accumulationDtype, isDType, unknownDtype } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { full } from './creation.js';
import { cumprod } from './nan-stats.js';
import { asArray, convert, normAxis } from './promote.js';
import { cumsum } from './reductions.js';
import { concatenate, reshape } from './shape.js';
import { checkOperand } from './validate.js';

/** Options of {@link cumulativeSum} and {@link cumulativeProd}. */
export interface CumulativeOptions {
  /** The scanned axis; may be left out only when x is 0-D or 1-D. */
  axis?: number | null;
  /** Accumulate and return in this dtype (default: x's dtype, bool becomes int32). */
  dtype?: DType | null;
  /** Prepend the identity (0 for sums, 1 for products), so the result is one longer along axis. */
  includeInitial?: boolean;
}

function cumulative(who: string, x: ArrayOrScalar, opts: CumulativeOptions, identity: number, scan: (a: Array, axis: number) => Array): Array {
  let a = asArray(checkOperand(who, x));
  if (opts.dtype !== undefined && opts.dtype !== null) {
    if (!isDType(opts.dtype)) throw unknownDtype(who, opts.dtype);
    a = convert(a, opts.dtype, a.weakType);
  } else if (accumulationDtype(a.dtype) !== a.dtype) {
    a = convert(a, accumulationDtype(a.dtype));
  }
  if (a.ndim === 0) a = reshape(a, [1]);
  let axis = opts.axis;
  if (axis === undefined || axis === null) {
    if (a.ndim > 1) throw new ShapeError(`${who}: x has shape [${a.shape}]; for arrays of more than one dimension pass axis, e.g. ${who}(x, { axis: 0 })`);
    axis = 0;
  }
  const ax = normAxis(who, axis, a.ndim);
  const out = scan(a, ax);
  if (!opts.includeInitial) return out;
  const first = full(a.shape.map((d, i) => (i === ax ? 1 : d)), identity, { dtype: out.dtype });
  return concatenate([first, out], ax);
}

/** Cumulative sum (numpy 2's `cumulative_sum`): `includeInitial` prepends a 0. */
export function cumulativeSum(x: ArrayOrScalar, opts: CumulativeOptions = {}): Array {
  return cumulative('np.cumulativeSum', x, opts, 0, (a, ax) => cumsum(a, ax));
}

/** Cumulative product (numpy 2's `cumulative_prod`): `includeInitial` prepends a 1. */
export function cumulativeProd(x: ArrayOrScalar, opts: CumulativeOptions = {}): Array {
  return cumulative('np.cumulativeProd', x, opts, 1, (a, ax) => cumprod(a, ax));
}
