/**
 * debug.print and debug.callback (lib/control/debug.ts, the debug_callback primitive): values at
 * run time under jit, one call per example under vmap, primal values under grad, every step of a
 * loop; the passes keep the effect; formatting as Python's str.format.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Array, debug, devicePut, grad, init, jit, lax, makeJaxpr, np, vmap } from '../lib/index.js';

// The WebGPU case runs where an adapter exists (CI sets REQUIRE_WEBGPU=1, so there it must).
let gpu = process.env.REQUIRE_WEBGPU === '1';
try { await init('webgpu'); gpu = true; } catch { /* no adapter: the case is skipped */ }

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.map(String).join(' ')); });
});
afterEach(() => { vi.restoreAllMocks(); });

const f = (x: Array) => {
  debug.print('x = {}', x);
  const y = np.sin(x);
  debug.print('y[{1}] = {0}', y, 'all');
  return np.sum(y);
};

describe('debug.print', () => {
  it('prints values eagerly and under jit, each call, in program order', () => {
    f(np.array([1, 2]));
    const jf = jit(f);
    jf(np.array([1, 2]));
    jf(np.array([0, 0]));
    expect(lines).toEqual([
      'x = [1. 2.]', 'y[all] = [0.84147098 0.90929743]',
      'x = [1. 2.]', 'y[all] = [0.84147098 0.90929743]',
      'x = [0. 0.]', 'y[all] = [0. 0.]',
    ]);
  });

  it('survives the passes: an unused value is still printed, and two equal prints print twice', () => {
    const g = jit((x: Array) => { debug.print('{}', np.exp(x)); debug.print('{}', np.exp(x)); return x; });
    g(np.array(0));
    expect(lines).toEqual(['1.0', '1.0']);
    const { jaxpr } = makeJaxpr((x: Array) => { debug.print('v {}', x.mul(2)); return x; })(np.array(1));
    expect(jaxpr.toString()).toContain('debug_callback[callback=<function print "v {}"> batchDims=0]');
  });

  it('under vmap prints once per example; under grad the primal values, once', () => {
    vmap(f)(np.array([[1, 2], [3, 4]]));
    expect(lines).toEqual(['x = [1. 2.]', 'x = [3. 4.]', 'y[all] = [0.84147098 0.90929743]', 'y[all] = [ 0.14112001 -0.7568025 ]']);
    lines = [];
    vmap(vmap((x: Array) => { debug.print('{}', x); return x; }))(np.array([[1, 2], [3, 4]]));
    expect(lines).toEqual(['1.0', '2.0', '3.0', '4.0']);
    lines = [];
    const g = grad(f)(np.array([1, 2]));
    expect(g.js()).toEqual([Math.cos(1), Math.cos(2)]);
    expect(lines).toEqual(['x = [1. 2.]', 'y[all] = [0.84147098 0.90929743]']);
    lines = [];
    vmap((x: Array, y: Array) => { debug.print('{} {}', x, y); return x; }, [0, null])(np.array([1, 2]), np.array(5));
    expect(lines).toEqual(['1.0 5.0', '2.0 5.0']);
  });

  it('runs at every step of scan and whileLoop, also under jit, vmap and grad', () => {
    const body = (c: Array, x: Array): [Array, null] => { debug.print('c={} x={}', c, x); return [c.add(x), null]; };
    lax.scan(body, np.array(0), np.array([1, 2]));
    jit((xs: Array) => lax.scan(body, np.array(0), xs))(np.array([1, 2]));
    expect(lines).toEqual(['c=0.0 x=1.0', 'c=1.0 x=2.0', 'c=0.0 x=1.0', 'c=1.0 x=2.0']);
    lines = [];
    grad((xs: Array) => lax.scan((c: Array, x: Array) => { debug.print('{}', c); return [c.mul(x), null]; }, np.array(1), xs)[0] as Array)(np.array([2, 3]));
    expect(lines).toEqual(['1.0', '2.0']);
    lines = [];
    vmap((xs: Array) => lax.scan(body, np.array(0), xs)[0])(np.array([[1, 2], [10, 20]]));
    expect(lines).toEqual(['c=0.0 x=1.0', 'c=0.0 x=10.0', 'c=1.0 x=2.0', 'c=10.0 x=20.0']);
    lines = [];
    jit((x: Array) => lax.whileLoop((v: Array) => np.less(v, 5), (v: Array) => { debug.print('w={}', v); return v.mul(2); }, x))(np.array(1));
    expect(lines).toEqual(['w=1.0', 'w=2.0', 'w=4.0']);
  });

  it('formats as str.format; errors name the problem', () => {
    debug.print('{{literal}} {1} {0} {}', 'a', 'b');
    debug.print('tree {}', { w: np.array([1]), n: 3 });
    expect(lines).toEqual(['{literal} b a a', 'tree {w: [1.], n: 3}']);
    expect(() => debug.print('{} {}', np.array(1))).toThrow(/debug.print: the format '\{\} \{\}' asks for argument 1, but 1 were given/);
    expect(() => debug.print(np.array(1) as unknown as string)).toThrow(/debug.print: the first argument must be a format string/);
  });
});

describe('debug.callback', () => {
  it('passes concrete Arrays in the argument pytrees and other leaves as they are', () => {
    const seen: unknown[] = [];
    const g = jit((x: Array) => { debug.callback((t: { a: Array; tag: string }) => { seen.push([t.a.js(), t.tag]); }, { a: x.mul(2), tag: 'k' }); return x; });
    g(np.array([1, 2]));
    debug.callback((a: Array) => { seen.push(a.item()); }, np.array(7));
    expect(seen).toEqual([[[2, 4], 'k'], 7]);
    expect(() => debug.callback(3 as unknown as () => void)).toThrow(/debug.callback: the first argument must be a function/);
  });

  it.runIf(gpu)('on WebGPU the values are read back: async calls print, sync ones say so', async () => {
    const g = jit((x: Array) => { debug.print('gpu {}', x); return x.mul(2); });
    const x = devicePut(np.array([1, 2], { dtype: 'float32' }), 'webgpu');
    expect(() => g(x)).toThrow(/debug_callback, which runs on the host on this device.*async/);
    await g.async(x);
    expect(lines).toEqual(['gpu [1. 2.]']);
  });
});
