/**
 * The suite runs with COTANGENT_CHECK=1 (vitest.config.ts): every Jaxpr a builder produces is
 * typechecked, so a rule that builds a wrong equation fails where it is, naming its primitive.
 */
import { describe, expect, it } from 'vitest';
import '../lib/index.js';
import type { Primitive } from '../lib/core/primitive.js';
import type { NoParams } from '../lib/core/ir.js';
import { aval } from '../lib/core/ir.js';
import { bind1, traceFlat } from '../lib/core/trace.js';

describe('typecheck-everything mode', () => {
  it('is on in the test suite', () => {
    expect(process.env.COTANGENT_CHECK).toBe('1');
  });

  it('rejects a traced Jaxpr whose equation does not follow its shape rule', () => {
    // A shape rule that answers differently the second time: the equation recorded while tracing
    // no longer matches what typecheck re-derives. (Not registered: bind does not need it.)
    let calls = 0;
    const flaky: Primitive<NoParams> = {
      name: 'flaky',
      abstractEval: ([x]) => [calls++ === 0 ? x : aval([7], x.dtype)],
    };
    expect(() => traceFlat((x) => [bind1(flaky, [x])], [aval([3], 'float64')])).toThrow(/typecheck: flaky produces f64\[7\]/);
  });
});
