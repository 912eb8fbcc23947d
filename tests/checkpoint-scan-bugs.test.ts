import { describe, expect, it } from 'vitest';
import { np, lax, grad, checkpoint, checkpointPolicies, makeJaxpr, typecheck } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { values } from './values.js';
import { rng } from './rng.js';

const policies = Object.entries(checkpointPolicies);

// Bodies with every control-flow primitive, each differentiable in x (a [2] vector).
const controlFlow: Record<string, (x: np.Array) => np.Array> = {
  scan: (x) => lax.scan((c: np.Array, xi: np.Array) => [c.add(xi), c.mul(xi)], np.array(0.0), x)[1].sum(),
  cond: (x) => lax.cond(np.greater(x.sum(), 0), (y: np.Array) => np.sin(y).mul(y), (y: np.Array) => np.cos(y), x).sum(),
  foriLoop: (x) => lax.foriLoop(0, 3, (_i: np.Array, c: np.Array) => np.sin(c).mul(x), x).sum(),
  map: (x) => lax.map((xi: np.Array) => np.exp(xi).mul(xi), x).sum(),
  // The while loop does not depend on x (reverse mode of a while loop is refused), its result does.
  whileLoop: (x) => {
    const n = lax.whileLoop((c: np.Array) => np.less(c, 5), (c: np.Array) => c.add(2), np.array(0.0));
    return np.tanh(x.mul(n)).sum();
  },
  nested: (x) => lax.scan((c: np.Array, xi: np.Array) => [lax.cond(np.greater(xi, 1.5), (a: np.Array) => a.mul(xi), (a: np.Array) => a.add(xi), c), np.matmul(c.reshape([1, 1]), c.reshape([1, 1])).sum()], np.array(1.0), x)[1].sum(),
};

describeEachBackend('checkpoint over control flow (issue 9, bug 1)', (b) => {
  const { vals, exact } = values(b);
  for (const [name, f] of Object.entries(controlFlow)) {
    b.it({}, `grad of checkpoint(${name}) equals grad without checkpoint under every policy`, async () => {
      const x = np.array([1.0, 2.0]);
      const ref = await vals(await b.call(grad(f), x));
      for (const [pn, policy] of [...policies, ['tanh only', (e: { primitive: { name: string } }) => e.primitive.name === 'tanh'] as const]) {
        await exact(await b.call(grad(checkpoint(f, { policy })), x), ref, `${name} / ${pn}`);
      }
    });
  }

  b.it({}, 'the issue repro gives [2, 1]', async () => {
    await exact(grad(checkpoint(controlFlow.scan, { policy: checkpointPolicies.dotsSaveable }))(np.array([1.0, 2.0])), [2, 1]);
  });
});

describe('checkpoint over control flow: jaxprs and errors', () => {
  it('every policy gives a well-typed gradient Jaxpr', () => {
    for (const f of Object.values(controlFlow)) {
      for (const [, policy] of policies) typecheck(makeJaxpr(grad(checkpoint(f, { policy })))(np.array([1.0, 2.0])).jaxpr);
    }
  });

  it('a while loop depending on x still gives the clear reverse-mode error under every policy', () => {
    const f = (x: np.Array) => lax.whileLoop((c: np.Array) => np.less(c.sum(), 5), (c: np.Array) => c.mul(2), x).sum();
    for (const [, policy] of policies) expect(() => grad(checkpoint(f, { policy }))(np.array([1.0, 2.0]))).toThrow(/lax\.whileLoop.*lax\.scan/s);
  });
});

// Bug 2: the checkpointed body's JVP is simplified like the JVP of the whole function, so the
// transposed programs are the same operations in the same order.
describe('grad(checkpoint(f)) is bit-identical to grad(f) (issue 9, bug 2)', () => {
  const programs: Record<string, (x: np.Array) => np.Array> = {
    expMul: (x) => np.exp(x).mul(x),
    sinCos: (x) => np.sin(x).mul(np.cos(x)).add(x.mul(x)),
    tanhChain: (x) => np.tanh(np.tanh(x.mul(1.3)).mul(x)).mul(np.exp(x.neg())),
    logistic: (x) => np.log1p(np.exp(x)).div(x.mul(x).add(1)),
    matmul: (x) => np.matmul(np.tanh(x.reshape([1, 1])), x.reshape([1, 1]).mul(np.sin(x))).sum(),
  };
  // Where the checkpointed block sits in the differentiated function.
  const contexts: Record<string, (g: (x: np.Array) => np.Array) => (x: np.Array) => np.Array> = {
    whole: (g) => g,
    before: (g) => (x) => { const y = g(x); return np.sin(y).mul(y); },
    composed: (g) => (x) => g(np.sin(x)),
  };

  it('the issue repro: exp(x)·x at x = −1.9135 weighted by 0.1155', () => {
    const f = (x: np.Array) => np.exp(x).mul(x).mul(0.1155);
    const x = np.array(-1.9135);
    for (const [, policy] of policies) expect(grad(checkpoint(f, { policy }))(x).item()).toBe(grad(f)(x).item());
  });

  for (const [pn, g] of Object.entries(programs)) {
    for (const [cn, ctx] of Object.entries(contexts)) {
      it(`${pn} (${cn}) at 100 random points, every policy`, () => {
        const r = rng(pn.length * 31 + cn.length);
        const plain = grad((y: np.Array, w: np.Array) => ctx(g)(y).mul(w));
        const ck = policies.map(([, policy]) => grad((y: np.Array, w: np.Array) => ctx(checkpoint(g, { policy }))(y).mul(w)));
        for (let k = 0; k < 100; k++) {
          const x = np.array((r() - 0.5) * 6);
          const w = np.array(r());
          const want = plain(x, w).item();
          ck.forEach((gc, i) => expect(gc(x, w).item(), `${policies[i][0]} at x=${x.item()}, w=${w.item()}`).toBe(want));
        }
      });
    }
  }

  // The README's one exception: x feeds the block and the rest of the function, and the block's
  // cotangent contributions are summed before they join the others' (addition is not associative).
  it('a value read inside and outside the block: equal to rounding, not always bit for bit', () => {
    const r = rng(9);
    const g = programs.sinCos;
    const outside = (h: (x: np.Array) => np.Array) => (y: np.Array, w: np.Array) => np.log1p(y.mul(y)).mul(y).add(h(y)).mul(w);
    const plain = grad(outside(g));
    const ck = grad(outside(checkpoint(g)));
    let differ = 0;
    for (let k = 0; k < 100; k++) {
      const x = np.array((r() - 0.5) * 6);
      const w = np.array(r());
      const [a, c] = [plain(x, w).item() as number, ck(x, w).item() as number];
      if (a !== c) differ++;
      expect(Math.abs(a - c)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(a)));
    }
    expect(differ).toBeGreaterThan(0);
  });
});

// Bug 3: a checkpointed scan over zero steps, and lengths that cannot be a number of steps.
describeEachBackend('lax.scan lengths (issue 9, bug 3)', (b) => {
  const { vals } = values(b);
  const step = (c: np.Array, x: np.Array): [np.Array, np.Array] => [c.add(x.sum()), x.mul(c)];
  for (const every of [1, 2, 'sqrt'] as const) {
    b.it({}, `zero steps with { checkpoint: ${every} } give ys of shape [0, ...] like the plain scan`, async () => {
      for (const reverse of [false, true]) {
        const [c, ys] = lax.scan(step, np.array(1.5), np.zeros([0, 3]), { checkpoint: every, reverse });
        const [c0, ys0] = lax.scan(step, np.array(1.5), np.zeros([0, 3]), { reverse });
        expect(ys.shape).toEqual([0, 3]);
        expect(ys.dtype).toBe(ys0.dtype);
        expect(await vals(c)).toEqual(await vals(c0));
      }
      const g = grad((x: np.Array) => lax.scan(step, x, np.zeros([0, 3]), { checkpoint: every })[1].sum().add(x));
      expect(await vals(g(np.array(2.0)))).toEqual([1]);
    });
  }
});

describe('lax.scan lengths: errors (issue 9, bug 3)', () => {
  const step = (c: np.Array): [np.Array, np.Array] => [c, c];
  for (const checkpoint of [undefined, 2]) {
    it(`length −1, 1.5 or NaN is a TypeError naming lax.scan (checkpoint: ${checkpoint})`, () => {
      for (const length of [-1, 1.5, NaN]) {
        expect(() => lax.scan(step, np.array(0.0), null, { length, checkpoint })).toThrow(/^lax\.scan: length must be a non-negative integer, got (-1|1\.5|NaN); pass \{ length: n \}/);
      }
      expect(lax.scan(step, np.array(0.0), null, { length: 2 })[1].shape).toEqual([2]);
    });
    it(`a length that differs from xs is a TypeError with both sizes (checkpoint: ${checkpoint})`, () => {
      expect(() => lax.scan((c: np.Array, x: np.Array) => [c, x], np.array(0.0), np.zeros([3]), { length: 2, checkpoint }))
        .toThrow(/lax\.scan: length 2 differs from the leading axis of xs \(f64\[3\]\); leave length out or make it 3/);
    });
  }
});

// Bug 4 (scan and while bodies): what the user's body returns is checked against the carry.
describe('lax.scan and lax.whileLoop validate their bodies (issue 9, bug 4)', () => {
  const xs = () => np.zeros([3]);
  const scanCases: [string, (c: np.Array, x: np.Array) => unknown, RegExp][] = [
    ['a carry of another shape', (c, x) => [c.add(x).reshape([1]), x], /lax\.scan: the body's carry output \* \(f64\[1\]\) differs from its input \* \(f64\[\]\); the carry must keep its structure, shapes and dtypes/],
    ['a carry of another dtype', (c, x) => [c.astype('float32'), x], /lax\.scan: the body's carry output \* \(f32\[\]\) differs from its input \* \(f64\[\]\)/],
    ['a carry of another structure', (c, x) => [[c, c], x], /lax\.scan: the body's carry output \[\*, \*\] \(f64\[\], f64\[\]\) differs from its input \* \(f64\[\]\)/],
    ['a carry that is not an Array', (_c, x) => ['c', x], /lax\.scan: carry leaf 0 returned by the body is .*string.*, but the carry is \* \(f64\[\]\)/],
    ['no [carry, y] pair', (c) => c, /lax\.scan: the body must return \[carry, y\], got an Array f64\[\]; return null as y/],
    ['a y that is not an Array', (c) => [c, 'y'], /lax\.scan: y leaf 0 returned by the body is .*string.*; y must be Arrays/],
  ];
  for (const [what, body, msg] of scanCases) {
    it(`scan: ${what}`, () => {
      expect(() => lax.scan(body as (c: np.Array, x: np.Array) => [unknown, unknown], np.array(0.0), xs())).toThrow(TypeError);
      expect(() => lax.scan(body as (c: np.Array, x: np.Array) => [unknown, unknown], np.array(0.0), xs())).toThrow(msg);
      // The next computation still works.
      expect(lax.scan((c: np.Array, x: np.Array) => [c.add(x), x], np.array(0.0), xs())[1].shape).toEqual([3]);
    });
  }

  const lt3 = (c: np.Array) => np.less(c.sum(), 3);
  const whileCases: [string, (c: np.Array) => unknown, (c: np.Array) => unknown, RegExp][] = [
    ['a body of another shape', lt3, (c) => c.sum(), /lax\.whileLoop: bodyFn returns \* \(f64\[\]\) but the carry is \* \(f64\[2\]\); the carry must keep its structure, shapes and dtypes/],
    ['a body of another dtype', lt3, (c) => c.astype('float32'), /lax\.whileLoop: bodyFn returns \* \(f32\[2\]\) but the carry is \* \(f64\[2\]\)/],
    ['a body of another structure', lt3, (c) => [c], /lax\.whileLoop: bodyFn returns \[\*\] \(f64\[2\]\) but the carry is \* \(f64\[2\]\)/],
    ['a body returning nothing', lt3, () => undefined, /lax\.whileLoop: bodyFn returned undefined; it must return the next carry, \* \(f64\[2\]\)/],
    ['a float predicate', (c) => c.sum().sub(3), (c) => c.add(1), /lax\.whileLoop: condFn must return a bool scalar, got f64\[\]; compare explicitly/],
    ['an int predicate', () => np.array(1, { dtype: 'int32' }), (c) => c.add(1), /lax\.whileLoop: condFn must return a bool scalar, got i32\[\]/],
    ['a vector predicate', (c) => np.less(c, 3), (c) => c.add(1), /lax\.whileLoop: condFn must return a bool scalar, got bool\[2\]; reduce it with np\.all or np\.any/],
    ['a predicate in a list', (c) => [lt3(c)], (c) => c.add(1), /lax\.whileLoop: condFn must return a bool scalar, got .*array.*; return a comparison/],
    ['no predicate', () => undefined, (c) => c.add(1), /lax\.whileLoop: condFn must return a bool scalar, got undefined/],
  ];
  for (const [what, cond, body, msg] of whileCases) {
    it(`whileLoop: ${what}`, () => {
      expect(() => lax.whileLoop(cond, body, np.zeros([2]))).toThrow(TypeError);
      expect(() => lax.whileLoop(cond, body, np.zeros([2]))).toThrow(msg);
      expect(lax.whileLoop(lt3, (c: np.Array) => c.add(1), np.zeros([2])).shape).toEqual([2]);
    });
  }
});
