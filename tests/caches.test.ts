/**
 * Bounded caches: caches keyed by structure hit across traces, stay bounded under ever-new keys,
 * and compiled transforms (jacfwd, jacrev, hessian, linearize) trace nothing on a repeated call.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type Array, clearCaches, grad, hessian, jacfwd, jacrev, jit, lax, linearize, makeJaxpr, np } from '../lib/index.js';
import { traceCount } from '../lib/core/trace.js';
import { LRU } from '../lib/core/lru.js';
import { jaxprKey, paramsKey } from '../lib/core/structural-key.js';
import { PER_FUNCTION } from '../lib/transforms/api-util.js';

const f64 = (v: number | number[]) => np.array(v, { dtype: 'float64' });

// vitest's workers do not expose gc; the flag can be set at run time and the function fetched
// from a fresh context. Without a collection, heap numbers would measure garbage, not caches.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Heap growth (MB) of `n` more calls of `step`, after a warm-up. The event loop turns before each
 * reading so pending finalizers run: this measures what caches keep, not collectable arrays.
 */
async function heapGrowth(step: (i: number) => void, n = 2000): Promise<number> {
  const settle = async () => {
    for (let k = 0; k < 3; k++) { gc(); await new Promise((r) => setTimeout(r, 5)); }
    return process.memoryUsage().heapUsed;
  };
  for (let i = 0; i < 100; i++) step(i);
  const before = await settle();
  for (let i = 0; i < n; i++) step(i);
  return ((await settle()) - before) / 2 ** 20;
}

describe('LRU', () => {
  it('evicts the least recently used entry, and a hit refreshes an entry', () => {
    const c = new LRU<string, number>(2);
    c.set('a', 1).set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3);
    expect([...c.keys()]).toEqual(['a', 'c']);
    expect(c.get('b')).toBeUndefined();
    c.set('a', 10); // an update refreshes too
    c.set('d', 4);
    expect([...c.keys()]).toEqual(['a', 'd']);
    expect(c.size).toBe(2);
    c.clear();
    expect(c.size).toBe(0);
    expect(() => new LRU(0)).toThrow(/capacity/);
  });
});

describe('structural keys', () => {
  const key = (f: (...a: Array[]) => Array, ...args: Array[]) => jaxprKey(makeJaxpr(f)(...args).jaxpr);
  const x = f64([1, 2, 3]);

  it('two traces of the same function give equal keys (new variable ids)', () => {
    const f = (v: Array) => np.sin(v).mul(2).add(v.sum());
    const a = makeJaxpr(f)(x).jaxpr;
    const b = makeJaxpr(f)(x).jaxpr;
    expect(a.inputs[0].id).not.toBe(b.inputs[0].id);
    expect(jaxprKey(a)).toBe(jaxprKey(b));
  });

  it('a different literal, literal dtype, shape, primitive or wiring gives a different key', () => {
    const base = key((v) => v.mul(2), x);
    expect(key((v) => v.mul(3), x)).not.toBe(base);
    expect(key((v) => v.mul(2), f64([1, 2]))).not.toBe(base);
    expect(key((v) => v.mul(2), np.array([1, 2, 3], { dtype: 'float32' }))).not.toBe(base);
    expect(key((v) => v.add(2), x)).not.toBe(base);
    expect(key((v) => v.mul(0), x)).not.toBe(key((v) => v.mul(-0), x));
    expect(key((v) => v.mul(NaN), x)).not.toBe(key((v) => v.mul(Infinity), x));
    expect(key((v) => v.mul(Infinity), x)).not.toBe(key((v) => v.mul(-Infinity), x));
    expect(key((a, b) => a.sub(b), x, x)).not.toBe(key((a, b) => b.sub(a), x, x));
  });

  it('params key sub-Jaxprs by structure, including their literals', () => {
    const condKey = (c: number) => {
      const j = makeJaxpr((p: Array, v: Array) => lax.cond(p, (u: Array) => u.mul(c), (u: Array) => u, v))(np.array(true), x).jaxpr;
      const e = j.eqns.find((q) => q.primitive.name === 'cond')!;
      return paramsKey(e.params);
    };
    expect(condKey(2)).toBe(condKey(2));
    expect(condKey(2)).not.toBe(condKey(3));
    expect(paramsKey({ y: -0 })).not.toBe(paramsKey({ y: 0 }));
    expect(paramsKey({ f: () => 1 })).not.toBe(paramsKey({ f: () => 1 }));
  });
});

describe('caches stay bounded', () => {
  const x = f64([1, 2, 3]);

  it('2000 eager lax.cond calls keep heap growth under 10 MB', async () => {
    const mb = await heapGrowth((i) => lax.cond(np.array(i % 2 === 0), (v: Array) => np.sin(v).mul(2).add(1), (v: Array) => np.cos(v).sub(v.sum()), x));
    expect(mb).toBeLessThan(10);
  });

  it('2000 retracing grad calls keep heap growth under 10 MB', async () => {
    // A small loss (a dozen elementwise ops), retraced two ways: through a fresh closure per call
    // (a new cache owner each time) and through a value-dependent trace (never cached).
    const loss = (v: Array, w: Array) => np.tanh(np.sin(v.mul(w)).mul(v).add(np.cos(v.sub(w))).div(w.add(3))).sub(np.exp(v.mul(-0.5))).square().sum();
    const vd = grad((v: Array) => ((v.sum().item() as number) > 0 ? loss(v, v) : loss(v.neg(), v)));
    const mb = await heapGrowth((i) => {
      if (i % 2) vd(x);
      else { const w = f64([0.5, 0.25, 2]); grad((v: Array) => loss(v, w))(x); }
    });
    expect(mb).toBeLessThan(10);
  });

  it('a function called with ever-new shapes keeps a bounded number of signatures', () => {
    let traces = 0;
    const f = jit((v: Array) => { traces++; return v.mul(2); });
    for (let n = 1; n <= PER_FUNCTION + 1; n++) f(np.zeros([n]));
    expect(traces).toBe(PER_FUNCTION + 1);
    f(np.zeros([PER_FUNCTION + 1])); // recent: still cached
    expect(traces).toBe(PER_FUNCTION + 1);
    f(np.zeros([1])); // the oldest was evicted
    expect(traces).toBe(PER_FUNCTION + 2);
  });
});

describe('compiled once per signature', () => {
  const f = (v: Array) => np.sin(v).mul(v.sum());
  const x = f64([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);

  it.each([
    ['jacfwd', jacfwd(f)],
    ['jacrev', jacrev(f)],
    ['hessian', hessian((v: Array) => f(v).sum())],
  ] as const)('a repeated %s call traces nothing and gives the same result', (_name, t) => {
    const first = (t(x) as Array).js();
    const n = traceCount();
    const again = (t(x) as Array).js();
    expect(traceCount()).toBe(n);
    expect(again).toEqual(first);
    // New values, same shapes: still no tracing, and the right answer for the new point.
    const y = f64([1, 2, 3, 4, 5, 6, 7, 8]);
    const atY = t(y) as Array;
    expect(traceCount()).toBe(n);
    const fresh = _name === 'hessian' ? hessian((v: Array) => f(v).sum())(y) : (_name === 'jacfwd' ? jacfwd : jacrev)((v: Array) => f(v))(y);
    expect(atY.js()).toEqual((fresh as Array).js());
  });

  it('jit tells a repeated signature from a changed one (structure, keys, shape, dtype, weak type)', () => {
    let traces = 0;
    const g = jit((t: { a: Array; b?: Array } | Array[]) => { traces++; return globalThis.Array.isArray(t) ? t[0].add(1) : t.a.mul(t.b ?? 2); });
    const a = f64([1, 2]), b = f64([3, 4]);
    const calls: [unknown, number[]][] = [
      [{ a, b }, [3, 8]], [{ a: b, b: a }, [3, 8]], [{ a, c: b }, [2, 4]], [{ a }, [2, 4]], [[a], [2, 3]], [[a, b], [2, 3]],
      [{ a, b: f64([3, 4, 5]).slice([0, 2]) }, [3, 8]], [{ a: f64([1, 2, 3]), b: f64([1, 1, 1]) }, [1, 2, 3]],
      [{ a: np.array([1, 2], { dtype: 'float32' }), b }, [3, 8]], [{ a, b: 2 }, [2, 4]], [{ a, b }, [3, 8]],
    ];
    const counts = calls.map(([args, want]) => {
      expect((g as (t: unknown) => Array)(args).js()).toEqual(want);
      return traces;
    });
    // keys, list lengths, shapes and dtypes retrace; {a, b: 2} differs from {a, b} by b's weak type;
    // a signature seen before (not the last one) is found in the cache, untraced
    expect(counts).toEqual([1, 1, 2, 3, 4, 5, 5, 6, 7, 8, 8]);
  });

  it('a repeated linearize call traces nothing', () => {
    const [out0, jvp0] = linearize(f, [x]);
    const t = f64([1, 0, 0, 0, 0, 0, 0, 1]);
    const n = traceCount();
    const [out1, jvp1] = linearize(f, [x]);
    expect((jvp1(t) as Array).js()).toEqual((jvp0(t) as Array).js());
    expect((out1 as Array).js()).toEqual((out0 as Array).js());
    expect(traceCount()).toBe(n);
  });

  it('value-dependent Jacobians retrace and follow the branch taken', () => {
    const g = jacrev((v: Array) => ((v.sum().item() as number) > 0 ? v.mul(2) : v.mul(-3)));
    expect((g(f64([1, 2])) as Array).js()).toEqual([[2, 0], [0, 2]]);
    const n = traceCount();
    // (JSON drops the sign of the zeros: 0 · -3 is -0.)
    expect(JSON.parse(JSON.stringify((g(f64([-1, -2])) as Array).js()))).toEqual([[-3, 0], [0, -3]]);
    expect(traceCount()).toBeGreaterThan(n);
  });

  it('non-array arguments pass through unchanged: primitives are part of the key', () => {
    const g = jacfwd((v: Array, k: number, mode: string) => (mode === 'sq' ? v.mul(v).mul(k) : v.mul(k)), { argnums: 0 });
    expect((g(f64([1, 2]), 3, 'sq') as Array).js()).toEqual([[6, 0], [0, 12]]);
    expect((g(f64([1, 2]), 5, 'sq') as Array).js()).toEqual([[10, 0], [0, 20]]);
    expect((g(f64([1, 2]), 5, 'lin') as Array).js()).toEqual([[5, 0], [0, 5]]);
    const n = traceCount();
    g(f64([3, 4]), 5, 'lin');
    expect(traceCount()).toBe(n);
    // An object argument may change behind its identity: traced on every call, never stale.
    const cfg = { scale: 2 };
    const h = jacrev((v: Array, c: { scale: number }) => v.mul(c.scale), { argnums: 0 });
    expect((h(f64([1]), cfg) as Array).js()).toEqual([[2]]);
    cfg.scale = 7;
    expect((h(f64([1]), cfg) as Array).js()).toEqual([[7]]);
  });
});

describe('clearCaches', () => {
  it('drops compiled programs: the next call traces again and still computes the same', () => {
    const j = jit((v: Array) => v.mul(3));
    const g = grad((v: Array) => np.sin(v).sum());
    const h = jacrev((v: Array) => v.mul(v));
    const x = f64([1, 2]);
    const before = [j(x).js(), (g(x) as Array).js(), (h(x) as Array).js()];
    lax.cond(np.array(true), (v: Array) => v, (v: Array) => v.neg(), x);
    const n = traceCount();
    j(x); g(x); h(x);
    expect(traceCount()).toBe(n);
    clearCaches();
    const after = [j(x).js(), (g(x) as Array).js(), (h(x) as Array).js()];
    expect(traceCount()).toBeGreaterThanOrEqual(n + 3);
    expect(after).toEqual(before);
    const m = traceCount();
    j(x); g(x); h(x);
    expect(traceCount()).toBe(m);
  });
});
