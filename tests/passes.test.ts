import { expect } from 'vitest';
import { np, grad, jit, makeJaxpr, typecheck } from '../lib/index.js';
import { dce, simplify } from '../lib/transforms/passes.js';
import { describeEachBackend } from './backends.js';
import { values } from './values.js';

const names = (j: { eqns: readonly { primitive: { name: string } }[] }) => j.eqns.map((e) => e.primitive.name);

describeEachBackend('passes', (b) => {
  const { exact, f } = values(b);

  b.it({}, 'eliminates dead code and common subexpressions', () => {
    const j = makeJaxpr((x: np.Array) => {
      np.exp(x); // dead
      return np.sin(x).add(np.sin(x));
    }, { raw: true })(np.zeros([3])).jaxpr;
    expect(names(dce(j))).toEqual(['sin', 'sin', 'add']);
    expect(names(simplify(j))).toEqual(['sin', 'add']);
    typecheck(simplify(j));
  });

  b.it({}, 'applies identities only when they preserve values', async () => {
    const j = makeJaxpr((x: np.Array) => np.negative(np.negative(x.mul(1).add(0))).transpose().reshape(2, 2))(np.zeros([2, 2])).jaxpr;
    // x*1, x+0, neg(neg) and the same-shape reshape go; a square transpose stays (it moves values).
    expect(names(simplify(j))).toEqual(['transpose']);
    const a = np.array([[1, 2], [3, 4]]);
    const t = jit((x: np.Array) => x.transpose().mul(1))(a);
    expect(t.shape).toEqual([2, 2]);
    await exact(t, [1, 3, 2, 4]);
  });

  b.it({}, 'a transposed product becomes the swapped product (batched or not), only where the product has no other use', async () => {
    const cases: [number[], number[], (x: np.Array, y: np.Array) => np.Array, (p: np.Array) => np.Array][] = [
      [[3, 4], [4, 5], (x, y) => np.matmul(x, y).transpose(), (p) => p.transpose()],
      [[2, 3, 4], [2, 4, 5], (x, y) => np.matmul(x, y).transpose([0, 2, 1]), (p) => p.transpose([0, 2, 1])],
    ];
    for (const [sx, sy, f, t] of cases) {
      const x = np.sin(np.arange(sx.reduce((p, d) => p * d, 1)).reshape(sx));
      const y = np.cos(np.arange(sy.reduce((p, d) => p * d, 1)).reshape(sy));
      const j = simplify(makeJaxpr(f)(x, y).jaxpr);
      expect(names(j)).toEqual(['dot_general']);
      typecheck(j);
      b.expectClose(await b.read(jit(f)(x, y)), await b.read(t(np.matmul(x, y))));
    }
    // The product is also an output: transposing it stays a transpose (no second product).
    const both = simplify(makeJaxpr((x: np.Array, y: np.Array) => { const p = np.matmul(x, y); return [p, p.transpose()]; })(np.zeros([3, 4]), np.zeros([4, 5])).jaxpr);
    expect(names(both)).toEqual(['dot_general', 'transpose']);
  });

  b.it({}, 'folds scalar literal arithmetic', () => {
    const j = makeJaxpr((x: np.Array) => x.mul(np.multiply(2, 3.5)))(np.zeros([]));
    expect(j.toString()).toBe(`{ lambda a:${f}[] . let\n    b:${f}[] = mul a 7.0\n  in ( b ) }`);
  });

  b.it({}, 'keeps nested derivatives small: grad^2(tanh) is the hand derivation', () => {
    const g2 = grad(grad((x: np.Array) => np.tanh(x)));
    const j = simplify(makeJaxpr(g2)(np.array(0.3)).jaxpr);
    expect(j.toString()).toBe(
      `{ lambda a:${f}[] . let
    b:${f}[] = tanh a
    c:${f}[] = mul b b
    d:${f}[] = sub 1.0 c
    e:${f}[] = mul -2.0 b
    f:${f}[] = mul e d
  in ( f ) }`,
    );
    let g: (x: np.Array) => np.Array = (x) => np.tanh(x);
    for (let i = 0; i < 4; i++) g = grad(g);
    expect(simplify(makeJaxpr(g)(np.array(0.3)).jaxpr).eqns.length).toBeLessThanOrEqual(25);
  });
});
