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
      const [a, c] = [plain(x, w).item(), ck(x, w).item()];
      if (a !== c) differ++;
      expect(Math.abs(a - c)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(a)));
    }
    expect(differ).toBeGreaterThan(0);
  });
});
