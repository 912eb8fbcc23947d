/**
 * Registered pytree nodes (lib/core/pytree.ts): class instances as pytrees through flatten/unflatten,
 * key paths, tree.map/transpose, and the transforms (grad returns the class, jit caches on aux,
 * vmap takes an instance as an axis prefix, scan carries one).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Array, grad, jit, lax, np, tree, vmap } from '../lib/index.js';

class Linear {
  constructor(readonly w: Array, readonly b: Array, readonly act: string) {}
  apply(x: Array): Array {
    const y = np.matmul(x, this.w).add(this.b);
    return this.act === 'tanh' ? np.tanh(y) : y;
  }
}
tree.registerPytreeNode(Linear, (m) => [[m.w, m.b], m.act] as const, (act, [w, b]) => new Linear(w as Array, b as Array, act));

class Point { x!: Array; y!: Array; label!: string }
tree.registerDataclass(Point, ['x', 'y'], ['label']);
const point = (x: number, y: number, label: string): Point => Object.assign(new Point(), { x: np.array(x), y: np.array(y), label });

const model = new Linear(np.array([[1, 2], [3, 4]]), np.array([0.5, -0.5]), 'tanh');
const xs = np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]]);

describe('registered classes are pytrees', () => {
  it('flatten, unflatten, structure and key paths', () => {
    const [leaves, def] = tree.flatten(model);
    expect(leaves.length).toBe(2);
    expect(leaves[0]).toBe(model.w);
    expect(leaves[1]).toBe(model.b);
    const back = tree.unflatten<Linear>(def, leaves);
    expect(back).toBeInstanceOf(Linear);
    expect(back.act).toBe('tanh');
    expect(tree.structureEqual(model, new Linear(np.zeros([1]), np.zeros([1]), 'tanh'))).toBe(true);
    expect(tree.structureEqual(model, new Linear(np.zeros([1]), np.zeros([1]), 'relu'))).toBe(false);
    expect(tree.leavesWithPath({ layer: model }).map(([p]) => tree.keystr(p))).toEqual(["['layer'][0]", "['layer'][1]"]);
    expect(tree.leavesWithPath(point(1, 2, 'a')).map(([p]) => tree.keystr(p))).toEqual(["['x']", "['y']"]);
  });

  it('tree.map and tree.at keep the class; transpose reads through it', () => {
    const doubled = tree.map((a: Array) => a.mul(2), model);
    expect(doubled).toBeInstanceOf(Linear);
    expect(doubled.w.js()).toEqual([[2, 4], [6, 8]]);
    // Point has no methods, so its type-level leaves include the string field: narrow in the callback.
    const p = tree.map((a) => (a as Array).add(1), point(1, 2, 'q'));
    expect(p).toBeInstanceOf(Point);
    expect([p.x.item(), p.y.item(), p.label]).toEqual([2, 3, 'q']);
    const t = tree.transpose<Point[]>(tree.structure(point(0, 0, 'z')), tree.structure([0, 0]), Object.assign(new Point(), { x: [1, 2], y: [3, 4], label: 'z' }));
    expect(t.map((q: Point) => [q.x, q.y, q.label])).toEqual([[1, 3, 'z'], [2, 4, 'z']]);
  });

  it('grad returns gradients in the class; jit and vmap see through it', () => {
    const loss = (m: Linear, x: Array) => np.sum(np.square(m.apply(x)));
    const g = grad(loss)(model, xs);
    expect(g).toBeInstanceOf(Linear);
    expectTypeOf(g).toEqualTypeOf<Linear>();
    expect(g.act).toBe('tanh');
    // Finite difference in one weight.
    const h = 1e-6;
    const bump = (d: number) => loss(new Linear(model.w.at(0, 1).add(d), model.b, 'tanh'), xs).item();
    expect((g.w.js() as number[][])[0][1]).toBeCloseTo((bump(h) - bump(-h)) / (2 * h), 6);
    const jf = jit(loss);
    expect(jf(model, xs).item()).toBeCloseTo(loss(model, xs).item(), 12);
    // The aux data is part of the cache key: a different activation retraces.
    const relu = new Linear(model.w, model.b, 'none');
    expect(jf(relu, xs).item()).toBeCloseTo(loss(relu, xs).item(), 12);
    const perRow = vmap((m: Linear, x: Array) => m.apply(x), [null, 0])(model, xs);
    expect(perRow.shape).toEqual([3, 2]);
    const ensemble = new Linear(np.stack([model.w, model.w.mul(2)]), np.stack([model.b, model.b]), 'tanh');
    const spec = new Linear(0 as unknown as Array, 0 as unknown as Array, 'tanh');
    expect(vmap((m: Linear, x: Array) => m.apply(x), [spec, null])(ensemble, xs).shape).toEqual([2, 3, 2]);
  });

  it('a scan carries an instance; duplicate registration is an error', () => {
    const [last] = lax.scan((m: Linear, x: Array) => [new Linear(m.w, m.b.add(x), m.act), null], model, xs);
    expect(last).toBeInstanceOf(Linear);
    expect(last.b.js()).toEqual([0.5 + 0.1 + 0.3 + 0.5, -0.5 + 0.2 - 0.4 + 0.6].map((v) => expect.closeTo(v, 12)));
    expect(() => tree.registerPytreeNode(Linear, (m) => [[m.w], null] as const, () => model)).toThrow(/tree.registerPytreeNode: Linear is already registered/);
  });
});
