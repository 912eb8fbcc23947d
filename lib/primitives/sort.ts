/**
 * sort: XLA's variadic sort. All operands share one shape and are permuted together along
 * `dimension`, ordered lexicographically by the first `numKeys` of them.
 *
 * The order is JAX's total order: for floats -inf < ... < -0 < +0 < ... < inf < NaN (every NaN
 * last, as numpy), false < true for booleans. With `isStable`, equal keys keep their input order.
 */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import type { Array } from '../core/array.js';
import { bind } from '../core/trace.js';
import type { Tangent } from '../core/rules.js';
import { ALL, type ShapeResult, checkAxes, checkDtype, fail, fmt, ok } from './util.js';
import { isZero, zero } from './ad-util.js';
import { batchFirst } from './batching.js';
import { reshape } from './ops.js';
import { Concatenate, Gather, Iota } from './shape.js';

export interface SortParams {
  readonly [k: string]: unknown;
  readonly dimension: number;
  readonly isStable: boolean;
  readonly numKeys: number;
}

function sortShape(avals: readonly Aval[], { dimension, numKeys }: SortParams): ShapeResult {
  if (avals.length === 0) return fail('sort: expected at least one operand');
  const [a] = avals;
  if (!Number.isInteger(numKeys) || numKeys < 1 || numKeys > avals.length) {
    return fail(`sort: numKeys must be between 1 and the number of operands (${avals.length}), got ${numKeys}`);
  }
  for (const b of avals) {
    const e = checkDtype('sort', b, ALL);
    if (e) return fail(e.message);
    if (b.shape.length !== a.shape.length || b.shape.some((d, i) => d !== a.shape[i])) {
      return fail(`sort: all operands must have the same shape, got ${fmt(avals)}; broadcast them first (np.broadcastArrays)`);
    }
  }
  if (a.shape.length === 0) return fail(`sort: operands must have rank >= 1, got ${fmt([a])}; reshape a scalar to [1] first`);
  const e = checkAxes('sort', [dimension], a.shape.length);
  return e ? fail(e.message) : ok(...avals);
}

/**
 * Each output's tangent is its input tangent permuted like the primal: a gather at (iota along
 * every other axis, the sorted positions along `dimension`), which transposes to a scatter-add.
 */
function sortJvp(primals: Array[], tangents: Tangent[], p: SortParams): [Array[], Tangent[]] {
  if (tangents.every(isZero)) {
    const outs = bind(Sort, primals, p);
    return [outs, outs.map((o) => zero(o.aval))];
  }
  const shape = [...primals[0].aval.shape];
  const iota = (d: number): Array => bind(Iota, [], { dtype: 'int32', shape, dimension: d })[0];
  const sorted = bind(Sort, [...primals, iota(p.dimension)], p);
  const perm = sorted.pop() as Array;
  const coords = shape.map((_, d) => reshape(d === p.dimension ? perm : iota(d), [...shape, 1]));
  const idx = bind(Concatenate, coords, { dimension: shape.length })[0];
  const axes = shape.map((_, d) => d);
  return [sorted, tangents.map((t, i) => (isZero(t) ? zero(sorted[i].aval) : bind(Gather, [t, idx], { axes })[0]))];
}

export const Sort: Primitive<SortParams> = definePrimitive<SortParams>({
  name: 'sort',
  abstractEval: sortShape,
  jvp: sortJvp,
  vmap: (args, dims, p, size) => {
    const xs = args.map((a, i) => batchFirst(a, dims[i], size));
    const outs = bind(Sort, xs, { ...p, dimension: p.dimension + 1 });
    return [outs, outs.map(() => 0)];
  },
});
