/** Reductions over a set of axes, arg-reductions and cumulative sums. */
import { definePrimitive } from '../core/primitive.js';
import type { Aval } from '../core/ir.js';
import { type ShapeResult, ALL, NUMERIC, checkArity, checkAxes, checkDtype, fail, ok, withShape } from './util.js';
import type { DType } from '../core/dtype.js';

export interface AxesParams { readonly [k: string]: unknown; readonly axes: readonly number[] }

function reduceEval(name: string, allowed: readonly DType[]) {
  return (avals: readonly Aval[], { axes }: AxesParams): ShapeResult => {
    const [x] = avals;
    const e = checkArity(name, avals, 1) ?? checkDtype(name, x, allowed) ?? checkAxes(name, axes, x.shape.length);
    if (e) return fail(e.message);
    return ok(withShape(x, x.shape.filter((_, i) => !axes.includes(i))));
  };
}

export const ReduceSum = definePrimitive<AxesParams>({ name: 'reduce_sum', abstractEval: reduceEval('reduce_sum', NUMERIC) });
export const ReduceProd = definePrimitive<AxesParams>({ name: 'reduce_prod', abstractEval: reduceEval('reduce_prod', NUMERIC) });
/** Max/min also reduce bool arrays (np.any / np.all). */
export const ReduceMax = definePrimitive<AxesParams>({ name: 'reduce_max', abstractEval: reduceEval('reduce_max', ALL) });
export const ReduceMin = definePrimitive<AxesParams>({ name: 'reduce_min', abstractEval: reduceEval('reduce_min', ALL) });

export interface ArgParams { readonly [k: string]: unknown; readonly axis: number }

function argEval(name: string) {
  return (avals: readonly Aval[], { axis }: ArgParams): ShapeResult => {
    const [x] = avals;
    const e = checkArity(name, avals, 1) ?? checkDtype(name, x, ALL) ?? checkAxes(name, [axis], x.shape.length);
    if (e) return fail(e.message);
    if (x.shape[axis] === 0) return fail(`${name}: attempt to get ${name} of an empty axis ${axis} (shape [${x.shape}])`);
    return ok(withShape(x, x.shape.filter((_, i) => i !== axis), 'int32'));
  };
}

/** Index of the first maximum along `axis` (NaN counts as the maximum, as in numpy). */
export const Argmax = definePrimitive<ArgParams>({ name: 'argmax', abstractEval: argEval('argmax') });
export const Argmin = definePrimitive<ArgParams>({ name: 'argmin', abstractEval: argEval('argmin') });

export interface CumParams { readonly [k: string]: unknown; readonly axis: number; readonly reverse: boolean }

export const Cumsum = definePrimitive<CumParams>({
  name: 'cumsum',
  abstractEval: (avals, { axis }) => {
    const [x] = avals;
    const e = checkArity('cumsum', avals, 1) ?? checkDtype('cumsum', x, NUMERIC) ?? checkAxes('cumsum', [axis], x.shape.length);
    return e ? fail(e.message) : ok(x);
  },
});
