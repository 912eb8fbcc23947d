import { describe, expect, it } from 'vitest';
import { np, jit, makeJaxpr, memoryStats, resetPeakMemory } from '../lib/index.js';
import { planFusion } from '../lib/backends/cpu/fuse.js';

const chain = (x: np.Array, y: np.Array) => {
  const a = np.tanh(x).mul(y).add(1.5);
  const b = np.where(a.greater(1), np.exp(a.neg()), np.sqrt(np.abs(a))).mul(x.square());
  const c = np.maximum(b, y).sub(np.logistic(x)).div(np.cos(y).add(2));
  return np.sign(c).mul(np.log1p(np.abs(c))).add(b.astype('float32').astype(x.dtype));
};

describe('cpu loop fusion', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`fuses elementwise runs and matches op-by-op evaluation bit for bit (${dtype})`, () => {
      const n = 257;
      const x = np.array(Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3), { dtype });
      const y = np.array(Float64Array.from({ length: n }, (_, i) => Math.cos(0.7 * i) * 2), { dtype });
      const j = makeJaxpr(chain)(x, y).jaxpr;
      const plan = planFusion(j);
      expect(plan.length).toBeGreaterThan(0);
      expect(plan[0].end - plan[0].start).toBeGreaterThan(10);
      expect(Array.from(jit(chain)(x, y).dataSync())).toEqual(Array.from(chain(x, y).dataSync()));
    });
  }

  it('keeps intermediates of a fused run out of memory', () => {
    const x = np.ones([100_000]);
    const long = jit((a: np.Array) => { let z = a; for (let i = 0; i < 10; i++) z = np.sin(z).mul(1.01).add(0.1); return z; });
    long(x);
    const before = memoryStats().liveBytes;
    resetPeakMemory();
    long(x);
    // Only the output is allocated: 800 kB, not 30 intermediates.
    expect(memoryStats().peakBytes - before).toBe(800_000);
  });

  it('does not fuse across shapes or integer ops', () => {
    const f = (x: np.Array, i: np.Array) => [np.sin(x).mul(2).sum().add(1).mul(3), i.add(1).mul(2)];
    const j = makeJaxpr(f)(np.ones([4]), np.array([1, 2], { dtype: 'int32' })).jaxpr;
    for (const step of planFusion(j)) {
      const elementwise = j.eqns.slice(step.start, step.end).filter((e) => !e.primitive.name.startsWith('reduce_'));
      const shapes = elementwise.map((e) => e.outputs[0].aval.shape.join());
      expect(new Set(shapes).size).toBe(1);
      expect(j.eqns.slice(step.start, step.end).every((e) => e.outputs[0].aval.dtype !== 'int32')).toBe(true);
    }
    expect((jit(f)(np.ones([4]), np.array([1, 2], { dtype: 'int32' })) as np.Array[])[1].js()).toEqual([4, 6]);
  });
});

describe('fused reductions', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    for (const n of [2, 5, 8, 1001]) {
      it(`sum/max/min epilogues match the reduce kernel bit for bit (${dtype}, n=${n})`, () => {
        const x = np.array(Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) * 1e3 + 1 / (i + 1)), { dtype });
        const f = (a: np.Array) => [np.tanh(a).mul(a).add(1).sum(), np.sin(a).mul(3).max(), np.cos(a).sub(a).min()];
        const j = makeJaxpr(f)(x).jaxpr;
        expect(planFusion(j).some((s) => j.eqns[s.end - 1].primitive.name === 'reduce_sum')).toBe(true);
        const fused = (jit(f)(x) as np.Array[]).map((r) => r.item());
        const eager = (f(x) as np.Array[]).map((r) => r.item());
        expect(fused).toEqual(eager);
      });
    }
  }

  it('propagates NaN through fused max/min', () => {
    const f = jit((a: np.Array) => [np.abs(a).mul(2).max(), np.abs(a).mul(2).min()]);
    expect((f(np.array([1, NaN, 3])) as np.Array[]).map((r) => r.item())).toEqual([NaN, NaN]);
  });
});
