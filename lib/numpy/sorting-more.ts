/** Sorting with numpy names beyond `sort`/`argsort`: `sortComplex` and `topK`. */
import { Array } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { bindSource } from '../core/trace.js';
import * as S from '../primitives/shape.js';
import { Complex } from './complex.js';
import { zerosLike } from './creation.js';
import { sliceAxis, toFloat } from './promote.js';
import { sortTogether } from './sorting.js';
import { type ArrayInput, dataArg } from './input.js';


/**
 * A sorted copy of a complex array along its last axis, by real part, then by imaginary part
 * (`jnp.sort_complex`); a real input is sorted and returned as a Complex with zero imaginary part.
 * NaN parts sort last.
 *
 * @example
 * ```ts
 * np.sortComplex(np.complex([1, 1, 0], [2, -1, 5])).js(); // [[0, 5], [1, -1], [1, 2]]
 * ```
 */
export function sortComplex(z: Complex | ArrayInput): Complex {
  const who = 'np.sortComplex';
  const x = z instanceof Complex ? z.re : toFloat(dataArg(z));
  const c = z instanceof Complex ? z : new Complex(x, zerosLike(x));
  if (c.ndim === 0) throw new ShapeError(`${who}: cannot sort a 0-d value; reshape it to [1] first`);
  if (!isFloat(c.re.dtype) || c.re.dtype !== c.im.dtype) throw new TypeError(`${who}: a Complex's parts must be float arrays of one dtype, got ${c.re.dtype} and ${c.im.dtype}; build it with np.complex(re, im)`);
  const [re, im] = sortTogether([c.re, c.im], c.ndim - 1, 2);
  return new Complex(re, im);
}

/**
 * The `k` largest entries along the last axis, largest first, and their int32 indices:
 * `[values, indices]` (`jnp.top_k`, an alias of `lax.topK`). Equal values come lowest index first;
 * NaN counts as the largest.
 *
 * @example
 * ```ts
 * const [v, i] = np.topK(np.array([3, 1, 4, 1, 5]), 2); // v: [5, 4], i: [4, 2]
 * ```
 */
export function topK(operand: ArrayInput, k: number): [Array, Array] {
  const x = dataArg(operand);
  if (x.ndim === 0) throw new ShapeError(`np.topK: operand must have rank >= 1, got ${avalStr(x.aval)}`);
  return topKOf('np.topK', x, k);
}

/** The top `k` along the last axis of `x` (rank >= 1), for np.topK and lax.topK (named by `who`). */
export function topKOf(who: string, x: Array, k: number): [Array, Array] {
  const ax = x.ndim - 1;
  const n = x.shape[ax];
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ShapeError(`${who}: k must be an integer in [0, ${n}] (the last axis of ${avalStr(x.aval)}), got ${k}`);
  const iota = bindSource(S.Iota, { dtype: 'int32', shape: [...x.shape], dimension: ax }, x.device);
  const [v, i] = sortTogether([x, iota], ax, 1, true);
  return [sliceAxis(v, ax, 0, k), sliceAxis(i, ax, 0, k)];
}
