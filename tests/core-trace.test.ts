import { describe, expect, it } from 'vitest';
import { np, jit, makeJaxpr, evalShape, ConcretizationError, UnexpectedTracerError, ShapeError } from '../lib/index.js';
import { traceFlat } from '../lib/core/trace.js';
import { ConcreteArray } from '../lib/core/array.js';
import { describeEachBackend } from './backends.js';

describeEachBackend('core trace', (b) => {
  const f64 = b.dtype === 'float64';
  /**
   * A value read inside a transform (pathwise semantics: `x.item()`, a JS branch on a traced
   * value). On the cpu it is evaluated on demand; a device without synchronous readback refuses
   * it with a ConcretizationError that names the fixes (by design).
   */
  const noSyncRead = /cannot read synchronously.*await x\.data\(\)/s;

  describe('jit', () => {
    it('matches eager evaluation', async () => {
      const f = (x: np.Array, y: np.Array) => np.tanh(x).mul(y).sum(0).add(np.exp(y.slice(0)));
      const x = np.array([[0.1, -0.2], [0.3, 0.7]]);
      const y = np.array([[1.5, 2], [3, -4]]);
      const got = await b.read(jit(f)(x, y));
      const want = await b.read(f(x, y));
      if (f64) expect(got).toEqual(want);
      else b.expectClose(got, want);
    });

    it('traces once per input signature', async () => {
      let traces = 0;
      const f = jit((x: np.Array) => { traces++; return x.mul(x).sum(); });
      expect(await b.read(f(np.array([1, 2, 3])))).toBe(14);
      expect(await b.read(f(np.array([4, 5, 6])))).toBe(77);
      expect(traces).toBe(1);
      f(np.array([1, 2]));
      expect(traces).toBe(2);
      // Another dtype than the default float: float32 on the cpu, int32 on a float32 device.
      f(np.array([1, 2], { dtype: f64 ? 'float32' : 'int32' }));
      expect(traces).toBe(3);
      f(np.array([7, 8]));
      expect(traces).toBe(3);
    });

    it('handles pytrees in and out, and static arguments', async () => {
      let traces = 0;
      const f = jit((p: { w: np.Array; b: np.Array }, n: number) => {
        traces++;
        return { y: p.w.mul(n).add(p.b), n };
      }, { staticArgnums: [1] });
      const p = { w: np.array([1, 2]), b: np.array([10, 20]) };
      const r = f(p, 3);
      expect(await b.read(r.y)).toEqual([13, 26]);
      expect(await b.read(r.n as unknown as np.Array)).toBe(3);
      f(p, 3);
      expect(traces).toBe(1);
      expect(await b.read(f(p, 4).y)).toEqual([14, 28]);
      expect(traces).toBe(2);
    });

    it('keeps weak types: jit(x => x * 2) of float32 stays float32', () => {
      const f = jit((x: np.Array) => x.mul(2));
      expect(f(np.array([1], { dtype: 'float32' })).dtype).toBe('float32');
      expect(f(np.array([1], { dtype: 'int32' })).dtype).toBe('int32');
    });

    it('inlines into an enclosing trace', () => {
      const inner = jit((x: np.Array) => np.sin(x).mul(3));
      const j = makeJaxpr((x: np.Array) => inner(x).add(1))(np.zeros([2]));
      expect(j.jaxpr.eqns.map((e) => e.primitive.name)).toEqual(['sin', 'mul', 'add']);
    });

    it('runs closures over concrete arrays as constants', async () => {
      const c = np.array([1, 2, 3]);
      const f = jit((x: np.Array) => x.add(c));
      const y = f(np.ones([3]));
      expect(y.device).toBe(b.device);
      expect(await b.read(y)).toEqual([2, 3, 4]);
    });
  });

  describe('concretization', () => {
    it('throws ConcretizationError under jit, naming the staged alternatives', () => {
      const f = jit((x: np.Array) => ((x.sum().item() as number) > 0 ? x : x.neg()));
      expect(() => f(np.array([1, 2]))).toThrow(ConcretizationError);
      expect(() => f(np.array([1, 2]))).toThrow(/lax\.cond.*np\.where|np\.where/s);
    });

    it('reads values computed from constants alone, even under jit (cpu); a clear error without synchronous readback', async () => {
      const c = np.array([1, 2, 3]);
      const f = jit((x: np.Array) => x.mul(c.sum().item() as number));
      if (f64) {
        expect(await b.read(f(np.array([1])))).toEqual([6]);
      } else {
        expect(() => f(np.array([1]))).toThrow(ConcretizationError);
        expect(() => f(np.array([1]))).toThrow(noSyncRead);
      }
    });

    it('throws under makeJaxpr with JS comparison of a tracer', () => {
      expect(() => makeJaxpr((x: np.Array) => (x.greater(0).item() ? x : x))(np.zeros([]))).toThrow(/under makeJaxpr/);
    });

    it('evaluates on demand when concrete inputs exist, and marks the trace value-dependent (cpu); a clear error without synchronous readback', () => {
      const x = np.array([3, -1, 2]);
      const branchy = () => traceFlat((a) => {
        const s = a.mul(a).sum();
        // A JS branch on a traced value: pathwise semantics pick one branch.
        return [(s.item() as number) > 10 ? s.mul(2) : s.neg()];
      }, [x.aval], { inputValues: [x] });
      if (f64) {
        const t = branchy();
        expect(t.valueDependent).toBe(true);
        expect(t.jaxpr.eqns.map((e) => e.primitive.name)).toEqual(['mul', 'reduce_sum', 'mul']);
      } else {
        expect(branchy).toThrow(ConcretizationError);
        expect(branchy).toThrow(noSyncRead);
      }
      const u = traceFlat((a) => [a.mul(2)], [x.aval], { inputValues: [x] });
      expect(u.valueDependent).toBe(false);
    });

    it('evaluates through nested traces (cpu); a clear error without synchronous readback', () => {
      const x = np.array([2]);
      const t = traceFlat((a) => {
        const inner = traceFlat((c) => [c.mul(a).add(c)], [a.aval], { inputValues: [a] });
        return [a.add(inner.jaxpr.eqns.length)];
      }, [x.aval], { inputValues: [x] });
      expect(t.valueDependent).toBe(false);
      let seen = 0;
      const nested = () => traceFlat((a) => {
        traceFlat((c) => { seen = c.mul(a).item() as number; return [c]; }, [a.aval], { inputValues: [a.add(1)] });
        return [a];
      }, [x.aval], { inputValues: [x] });
      if (f64) {
        nested();
        expect(seen).toBe(6);
      } else {
        expect(nested).toThrow(ConcretizationError);
        expect(nested).toThrow(noSyncRead);
        expect(seen).toBe(0);
      }
    });
  });

  describe('escaped tracers', () => {
    it('raises UnexpectedTracerError when a tracer outlives its trace', () => {
      let leaked: np.Array | undefined;
      jit((x: np.Array) => { leaked = x.mul(2); return x; })(np.ones([2]));
      expect(() => leaked!.add(1)).toThrow(UnexpectedTracerError);
      expect(() => leaked!.add(1)).toThrow(/after the trace that created it ended/);
      expect(() => leaked!.js()).toThrow(UnexpectedTracerError);
    });
  });

  describe('evalShape and makeJaxpr', () => {
    it('computes shapes without running', () => {
      const out = evalShape((x: np.Array, y: np.Array) => ({ z: np.matmul(x, y), s: x.sum() }), { shape: [4, 3], dtype: 'float32' }, { shape: [3, 7], dtype: 'float32' });
      expect(out).toEqual({ s: { shape: [], dtype: 'float32' }, z: { shape: [4, 7], dtype: 'float32' } });
    });

    it('reports shape errors at trace time', () => {
      expect(() => evalShape((x: np.Array) => np.matmul(x, x), { shape: [4, 3], dtype: b.dtype })).toThrow(ShapeError);
    });

    it('rejects non-array argument leaves with a clear message', () => {
      expect(() => jit((x: unknown) => x)('hello')).toThrow(/jit: argument leaf 0 is string.*staticArgnums/);
    });
  });

  describe('eager ops', () => {
    it('caches one-primitive executables and computes float32 in float32', async () => {
      const a = np.array([1 / 3], { dtype: 'float32' });
      expect(await a.mul(3).data()).toBeInstanceOf(Float32Array);
      expect(await b.read(a.add(a))).toEqual([Math.fround(Math.fround(1 / 3) * 2)]);
    });

    it('refuses arrays on unknown devices', () => {
      expect(() => np.zeros([2], { device: 'tpu' })).toThrow(/no device 'tpu'/);
    });

    it('concrete arrays are ConcreteArrays', () => {
      expect(np.zeros([2])).toBeInstanceOf(ConcreteArray);
    });
  });
});
