/**
 * Collectives over named vmap axes (lib/lax/collectives.ts, lib/primitives/collectives.ts): values
 * as JAX defines them under vmap(..., axis_name), nested names, jit/scan inside, gradients through
 * them (psum is its own transpose), and the errors for unbound names.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, lax, np, vmap } from '../lib/index.js';
import { checkGrad, f64, near } from './check-values.js';

const xs = f64([1, 2, 3, 4]);
const overI = <R>(f: (x: Array) => R) => vmap(f, 0, 0, { axisName: 'i' });

describe('collectives under vmap', () => {
  it('psum, pmean, pmax, pmin, axisIndex, axisSize, allGather, ppermute, pshuffle', () => {
    near(overI((x) => x.div(lax.psum(x, 'i')))(xs), [0.1, 0.2, 0.3, 0.4]);
    near(overI((x) => lax.pmean(x, 'i'))(xs), [2.5, 2.5, 2.5, 2.5]);
    near(overI((x) => lax.pmax(x, 'i'))(xs), [4, 4, 4, 4]);
    near(overI((x) => lax.pmin(x, 'i'))(xs), [1, 1, 1, 1]);
    near(overI(() => lax.axisIndex('i'))(xs), [0, 1, 2, 3], { dtype: 'int32' });
    near(overI((x) => x.mul(lax.axisSize('i')))(xs), [4, 8, 12, 16]);
    near(overI((x) => lax.allGather(x, 'i'))(xs), [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]);
    near(overI((x) => lax.allGather(x.reshape([1]), 'i', { tiled: true }))(xs), [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]);
    near(overI((x) => lax.ppermute(x, 'i', [[0, 1], [1, 2], [2, 3], [3, 0]]))(xs), [4, 1, 2, 3]);
    near(overI((x) => lax.ppermute(x, 'i', [[0, 2]]))(xs), [0, 0, 1, 0]);
    near(overI((x) => lax.pshuffle(x, 'i', [3, 2, 1, 0]))(xs), [4, 3, 2, 1]);
    const tree = overI((x) => lax.psum({ a: x, b: [x.mul(2)] }, 'i'))(xs);
    near(tree.a, [10, 10, 10, 10]);
    near(tree.b[0], [20, 20, 20, 20]);
  });

  it('a shared (unmapped) value counts once per example', () => {
    near(vmap((_x: Array, c: Array) => lax.psum(c, 'i'), [0, null], 0, { axisName: 'i' })(xs, f64(2)), [8, 8, 8, 8]);
  });

  it('nested vmaps: each name refers to the vmap that binds it', () => {
    const m = f64([[1, 2], [3, 4]]);
    const nest = (f: (x: Array) => Array) => vmap(vmap(f, 0, 0, { axisName: 'j' }), 0, 0, { axisName: 'i' })(m);
    near(nest((x) => lax.psum(x, 'i')), [[4, 6], [4, 6]]);
    near(nest((x) => lax.psum(x, 'j')), [[3, 3], [7, 7]]);
    near(nest((x) => lax.psum(x, ['i', 'j'])), [[10, 10], [10, 10]]);
    near(nest(() => lax.axisIndex('i').mul(10).add(lax.axisIndex('j'))), [[0, 1], [10, 11]]);
  });

  it('inside jit, scan and whileLoop', () => {
    near(overI(jit((x: Array) => x.div(lax.psum(x, 'i'))))(xs), [0.1, 0.2, 0.3, 0.4]);
    near(overI((x) => lax.scan((c: Array) => [c.add(lax.psum(x, 'i')), null], f64(0), null, { length: 2 })[0] as Array)(xs), [20, 20, 20, 20]);
    near(jit(overI((x) => lax.pmax(x, 'i')))(xs), [4, 4, 4, 4]);
  });

  it('gradients: through psum (its own transpose), pmax (to the maximum), allGather, ppermute', () => {
    checkGrad((v) => overI((x) => x.div(lax.psum(x, 'i')).square())(v), [1, 2, 3, 4]);
    checkGrad((v) => overI((x) => x.mul(lax.pmax(x, 'i')))(v), [1, 5, 3, 4]);
    checkGrad((v) => overI((x) => x.mul(lax.pmin(x, 'i')).add(lax.pmean(x.square(), 'i')))(v), [2, 5, 3, 4]);
    checkGrad((v) => overI((x) => np.sum(lax.allGather(x, 'i').mul(f64([1, 2, 3, 4]))).mul(x))(v), [1, 2, 3, 4]);
    checkGrad((v) => overI((x) => lax.ppermute(x.square(), 'i', [[0, 1], [1, 2], [2, 3]]))(v), [1, 2, 3, 4]);
    // Per example, grad of y·psum(y): psum(y) + psum(y) (the transpose of psum is psum), as in JAX.
    near(overI((x) => grad((y: Array) => y.mul(lax.psum(y, 'i')))(x))(xs), [20, 20, 20, 20]);
  });

  it('errors name the unbound axis and the fix', () => {
    expect(() => lax.psum(xs, 'i')).toThrow(/lax.psum: unbound axis name "i"; no vmap names an axis here. Name one with vmap\(f, inAxes, outAxes, \{ axisName: "i" \}\)/);
    expect(() => overI((x) => lax.psum(x, 'k'))(xs)).toThrow(/lax.psum: unbound axis name "k"; the names in scope are 'i'/);
    expect(() => overI((x) => lax.ppermute(x, 'i', [[0, 1], [2, 1]]))(xs)).toThrow(/lax.ppermute: destination 1 appears twice/);
    expect(() => overI((x) => lax.pshuffle(x, 'i', [0, 1]))(xs)).toThrow(/lax.pshuffle: perm must be a permutation of 0..3/);
    expect(() => vmap((x: Array) => x, 0, 0, { axisName: '' })(xs)).toThrow(/vmap: axisName must be a non-empty string/);
  });
});
