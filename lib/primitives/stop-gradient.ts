/** stop_gradient: the identity on values, with a zero derivative. */
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { NoParams } from '../core/ir.js';
import { bind1 } from '../core/trace.js';
import { ok } from './util.js';
import { zero } from './ad-util.js';

/** Identity on values; its tangent is zero, so no derivative flows through it. */
export const StopGradient: Primitive<NoParams> = definePrimitive({
  name: 'stop_gradient',
  abstractEval: ([x]) => ok(x),
  jvp: ([x]) => {
    const out = bind1(StopGradient, [x]);
    return [[out], [zero(out.aval)]];
  },
  vmap: ([x], [d]) => [[bind1(StopGradient, [x])], [d]],
});
