/**
 * Weak types through the transforms (JAX's weak_type): a JS number's gradient, tangent and
 * batched results stay weak, so they adapt to the float32 arrays they meet; strong inputs give
 * strong results.
 */
import { expect, it } from 'vitest';
import { type Array, grad, jit, jvp, linearize, np, valueAndGrad, vjp, vmap } from '../lib/index.js';

const sq = (x: Array) => x.mul(x);
const f32 = np.array([1], { dtype: 'float32' });

it('grad, valueAndGrad, jvp, vjp and linearize keep a JS number weak', () => {
  const g = grad(sq)(3);
  expect(g.weakType).toBe(true);
  expect(g.add(f32).dtype).toBe('float32');
  const [v, gv] = valueAndGrad(sq)(3);
  expect([v.weakType, gv.weakType]).toEqual([true, true]);
  const [y, t] = jvp(sq, [3], [1]);
  expect([y.weakType, t.weakType]).toEqual([true, true]);
  const [yl, lin] = linearize(sq, 3);
  expect([yl.weakType, lin(1).weakType, lin(1).item()]).toEqual([true, true, 6]);
  const [yv, back] = vjp(sq, 3);
  expect([yv.weakType, (back(np.array(1)) as Array[])[0].weakType]).toEqual([true, true]);
  expect(jit(grad(sq))(3.5).weakType).toBe(true);
});

it('strong inputs give strong results', () => {
  expect(grad(sq)(np.array([2], { dtype: 'float64' }).reshape([])).weakType).toBe(false);
  expect(vmap(grad(sq))(np.array([1, 2])).weakType).toBe(false);
  expect(grad(sq)(np.array(2, { dtype: 'float32' })).add(np.array([1], { dtype: 'float64' })).dtype).toBe('float64');
});
