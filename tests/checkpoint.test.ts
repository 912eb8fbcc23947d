import { describe, expect, it } from 'vitest';
import { np, lax, grad, jit, jvp, vmap, checkpoint, checkpointPolicies, makeJaxpr, typecheck, memoryStats, resetPeakMemory } from '../lib/index.js';
import { finalX } from '../examples/particle-tracking.js';

describe('checkpoint', () => {
  const w = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9]]);
  const mlp = (x: np.Array) => np.tanh(np.matmul(np.tanh(np.matmul(x, w)), w)).sum();
  const x = np.array([[1, 2, 3], [-1, 0.5, 2]]);

  it('gives bit-identical gradients under every policy', () => {
    const ref = grad(mlp)(x).js();
    for (const [name, policy] of Object.entries(checkpointPolicies)) {
      expect(grad(checkpoint(mlp, { policy }))(x).js(), name).toEqual(ref);
    }
    expect(grad(checkpoint(mlp, { policy: (e) => e.primitive.name === 'tanh' }))(x).js()).toEqual(ref);
  });

  it('composes with grad of grad, jvp and vmap', () => {
    const f = checkpoint((y: np.Array) => np.sin(y).mul(y));
    expect(grad(grad(f))(np.array(0.5)).item()).toBe(grad(grad((y: np.Array) => np.sin(y).mul(y)))(np.array(0.5)).item());
    expect(jvp(f, [np.array(0.5)], [np.array(1)])[1].item()).toBe(grad(f)(np.array(0.5)).item());
    expect(vmap(grad(f))(np.array([0.5, 1])).js()).toEqual([grad(f)(np.array(0.5)).item(), grad(f)(np.array(1)).item()]);
    typecheck(makeJaxpr(grad(f))(np.array(0.5)).jaxpr);
  });

  it('saves fewer residuals: a chain of checkpointed blocks needs less peak memory', () => {
    const block = (z: np.Array) => { for (let i = 0; i < 8; i++) z = np.sin(z).mul(1.1); return z; };
    const run = (b: (z: np.Array) => np.Array) => (y: np.Array) => { let z = y; for (let k = 0; k < 4; k++) z = b(z); return z.sum(); };
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
    expect(grad(run(checkpoint(block)))(np.ones([3])).js()).toEqual(grad(run(block))(np.ones([3])).js());
  });
});

describe('scan checkpointing', () => {
  const step = (c: np.Array, x: np.Array): [np.Array, np.Array] => { const n = np.sin(c).mul(x).add(c.mul(0.5)); return [n, n.mul(n)]; };
  const L = (opts: object) => (c0: np.Array, xs: np.Array) => { const [c, ys] = lax.scan(step, c0, xs, opts); return c.add(ys.sum()); };
  const xs = np.linspace(0.1, 1.3, 23);

  it('gives the same values and gradients for any segment length (to rounding)', () => {
    const [g0, gx] = grad(L({}), { argnums: [0, 1] })(np.array(0.3), xs) as np.Array[];
    for (const checkpoint of [1, 4, 5, 23, 50, 'sqrt'] as const) {
      for (const reverse of [false, true]) {
        const [r0, rx] = grad(L({ checkpoint, reverse }), { argnums: [0, 1] })(np.array(0.3), xs) as np.Array[];
        const [p0, px] = grad(L({ reverse }), { argnums: [0, 1] })(np.array(0.3), xs) as np.Array[];
        expect(Math.abs((r0.item() as number) - (p0.item() as number))).toBeLessThan(1e-13);
        (rx.js() as number[]).forEach((v, i) => expect(Math.abs(v - (px.js() as number[])[i])).toBeLessThan(1e-13));
      }
    }
    expect(L({ checkpoint: 5 })(np.array(0.3), xs).item()).toBe(L({})(np.array(0.3), xs).item());
    expect(g0.ndim + gx.ndim).toBe(1);
  });

  it('keeps peak memory of a long simulation gradient near sqrt(N)', () => {
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
