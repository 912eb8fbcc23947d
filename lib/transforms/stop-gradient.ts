/** stopGradient: the value of x, with no derivative flowing back through it (pytrees allowed). */
import { Array } from '../core/array.js';
import { bind1 } from '../core/trace.js';
import { map } from '../core/pytree.js';
import { StopGradient } from '../primitives/stop-gradient.js';
import { asArray } from '../primitives/convert.js';

/**
 * `x` unchanged, with no derivative flowing back through it: its tangent and cotangent are zero
 * (`jax.lax.stop_gradient`). Applies to every leaf of a pytree.
 */
export function stopGradient<T>(x: T): T {
  return map((l: unknown) => {
    const a = l instanceof Array ? l : asArray(l as number);
    return bind1(StopGradient, [a], {}, a.weakType);
  }, x as unknown) as T;
}
