import { describe, expect, it } from 'vitest';
import { np, lax, grad, jit, jvp, vmap, checkpoint, checkpointPolicies, makeJaxpr, typecheck, memoryStats, resetPeakMemory, Jaxpr } from '../lib/index.js';
import type { SavePolicy } from '../lib/control/checkpoint.js';
import { finalX } from '../examples/particle-tracking.js';
import { describeEachBackend } from './backends.js';
import { values } from './values.js';

// Peak memory is read from the test's device (memoryStats() of the default device): both the CPU
// and test-f32 count their live and peak buffer bytes.
describeEachBackend('checkpoint', (b) => {
  const { exact, num, vals } = values(b);
  const weights = () => np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9]]);
  const mlpOf = (w: np.Array) => (x: np.Array) => np.tanh(np.matmul(np.tanh(np.matmul(x, w)), w)).sum();
  const input = () => np.array([[1, 2, 3], [-1, 0.5, 2]]);

  b.it({}, 'gives bit-identical gradients under every policy', async () => {
    const mlp = mlpOf(weights());
    const x = input();
    const ref = await vals(grad(mlp)(x));
    for (const [name, policy] of Object.entries(checkpointPolicies)) {
      await exact(grad(checkpoint(mlp, { policy }))(x), ref, name);
    }
    await exact(grad(checkpoint(mlp, { policy: (e) => e.primitive.name === 'tanh' }))(x), ref);
  });

  b.it({}, 'composes with grad of grad, jvp and vmap', async () => {
    const f = checkpoint((y: np.Array) => np.sin(y).mul(y));
    await exact(grad(grad(f))(np.array(0.5)), await num(grad(grad((y: np.Array) => np.sin(y).mul(y)))(np.array(0.5))));
    await exact(jvp(f, [np.array(0.5)], [np.array(1)])[1], await num(grad(f)(np.array(0.5))));
    await exact(vmap(grad(f))(np.array([0.5, 1])), [await num(grad(f)(np.array(0.5))), await num(grad(f)(np.array(1)))]);
    typecheck(makeJaxpr(grad(f))(np.array(0.5)).jaxpr);
  });

  b.it({}, 'saves fewer residuals: a chain of checkpointed blocks needs less peak memory', async () => {
    const block = (z: np.Array) => { for (let i = 0; i < 8; i++) z = np.sin(z).mul(1.1); return z; };
    const run = (bl: (z: np.Array) => np.Array) => (y: np.Array) => { let z = y; for (let k = 0; k < 4; k++) z = bl(z); return z.sum(); };
    const peak = (f: (y: np.Array) => np.Array) => {
      const g = grad(f);
      const y = np.ones([20000]);
      g(y);
      const before = memoryStats().liveBytes;
      resetPeakMemory();
      g(y);
      return memoryStats().peakBytes - before;
    };
    const plain = peak(run(block));
    const ckpt = peak(run(checkpoint(block)));
    // Plain keeps ~32 residual arrays; checkpointed keeps 4 block inputs plus one block's worth.
    expect(ckpt).toBeLessThan(plain * 0.6);
    await exact(grad(run(checkpoint(block)))(np.ones([3])), await vals(grad(run(block))(np.ones([3]))));
  });
});

describeEachBackend('scan checkpointing', (b) => {
  const { num, vals, same } = values(b);
  const step = (c: np.Array, x: np.Array): [np.Array, np.Array] => { const n = np.sin(c).mul(x).add(c.mul(0.5)); return [n, n.mul(n)]; };
  const L = (opts: object) => (c0: np.Array, xs: np.Array) => { const [c, ys] = lax.scan(step, c0, xs, opts); return c.add(ys.sum()); };
  /** Equal to rounding: within 1e-13 in float64, within the backend's tolerance in float32. */
  const near = (got: number[], want: number[]) => {
    if (b.dtype === 'float64') got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-13));
    else b.expectClose(got, want);
  };

  b.it({}, 'gives the same values and gradients for any segment length (to rounding)', async () => {
    const xs = np.linspace(0.1, 1.3, 23);
    const [g0, gx] = grad(L({}), { argnums: [0, 1] })(np.array(0.3), xs) as np.Array[];
    for (const checkpoint of [1, 4, 5, 23, 50, 'sqrt'] as const) {
      for (const reverse of [false, true]) {
        const [r0, rx] = grad(L({ checkpoint, reverse }), { argnums: [0, 1] })(np.array(0.3), xs) as np.Array[];
        const [p0, px] = grad(L({ reverse }), { argnums: [0, 1] })(np.array(0.3), xs) as np.Array[];
        near([await num(r0)], [await num(p0)]);
        const [rv, pv] = [await vals(rx), await vals(px)];
        expect(rv.length).toBe(pv.length);
        near(rv, pv);
      }
    }
    same(await num(L({ checkpoint: 5 })(np.array(0.3), xs)), await num(L({})(np.array(0.3), xs)));
    expect(g0.ndim + gx.ndim).toBe(1);
  });

  b.it({}, 'keeps peak memory of a long simulation gradient near sqrt(N)', () => {
    const peak = (n: number, checkpoint?: 'sqrt') => {
      const g = jit(grad(finalX(n, checkpoint ? { checkpoint } : {})));
      g(np.array(2));
      const before = memoryStats().liveBytes;
      resetPeakMemory();
      g(np.array(2));
      return memoryStats().peakBytes - before;
    };
    const [p1, p4] = [peak(400), peak(1600)];
    const [c1, c4] = [peak(400, 'sqrt'), peak(1600, 'sqrt')];
    expect(p4 / p1).toBeGreaterThan(3.5); // linear in N without checkpointing
    expect(c4 / c1).toBeLessThan(2.6); // ~2 = sqrt(4) with it
    expect(c4).toBeLessThan(p4 / 5);
  });
});

describe('checkpoint policies save what they name', () => {
  const dots = (j: Jaxpr): number => j.eqns.reduce((n, e) => n + (e.primitive.name === 'dot_general' ? 1 : 0)
    + Object.values(e.params).reduce<number>((m, p) => m + (p instanceof Jaxpr ? dots(p) : 0), 0), 0);
  it('dotsSaveable keeps a product an activation\'s residual comes from (not recomputed), with the same gradient', () => {
    const f = (policy: SavePolicy) => (w: np.Array) => checkpoint((v: np.Array, x: np.Array) => np.tanh(np.matmul(x, v)), { policy })(w, np.ones([2, 3])).sum();
    const count = (policy: SavePolicy) => dots(makeJaxpr(grad(f(policy)), { raw: true })(np.ones([3, 3])).jaxpr);
    // forward product + its transpose; nothingSaveable recomputes the product in the backward pass
    expect(count(checkpointPolicies.everythingSaveable)).toBe(2);
    expect(count(checkpointPolicies.dotsSaveable)).toBe(2);
    expect(count(checkpointPolicies.nothingSaveable)).toBe(3);
    const w = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9]]);
    const plain = grad((v: np.Array) => np.tanh(np.matmul(np.ones([2, 3]), v)).sum())(w).dataSync();
    expect(grad(f(checkpointPolicies.dotsSaveable))(w).dataSync()).toEqual(plain);
  });
});
