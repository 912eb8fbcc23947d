/**
 * random: threefry2x32 known-answer tests, bit-compatibility with published JAX values (both
 * `jax_threefry_partitionable` layouts), statistics, determinism, split/foldIn streams, vmap
 * over keys, the reparameterization trick under grad, and the bit primitives' rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Array, grad, jit, jvp, makeJaxpr, np, random, typecheck, vmap } from '../lib/index.js';
import { bind, bind1 } from '../lib/core/trace.js';
import { BitcastConvertType, ShiftLeft, ShiftRightLogical, Threefry2x32 } from '../lib/primitives/random.js';
import { describeEachBackend } from './backends.js';

const { key, keyData, split, foldIn, bits, bits64, uniform, normal, gumbel, categorical, bernoulli, threefry2x32, setThreefryPartitionable } = random;

const u32 = (xs: number[], shape?: number[]): Array => np.array(xs.map((x) => x | 0), { dtype: 'int32', ...(shape ? { shape } : {}) });
/** Synchronous reads, for the CPU-only blocks. */
const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number>, Number);
/** Awaited reads, for the blocks that run on every backend: the data, and a key's uint32 words. */
const read = async (x: Array): Promise<number[]> => globalThis.Array.from((await x.data()) as ArrayLike<number | boolean>, Number);
const kd = async (k: Array): Promise<number[]> => (await read(k)).map((v) => v >>> 0);
const f32 = (xs: number[]): number[] => xs.map(Math.fround);

function expectClose(got: number[], want: number[], atol: number) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `element ${i}: got ${g}, want ${want[i]}`).toBeLessThanOrEqual(atol));
}

/** Seeds of JAX's RandomValuesCase: zlib.adler32(name + impl). */
function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const c of new TextEncoder().encode(s)) { a = (a + c) % 65521; b = (b + a) % 65521; }
  return ((b << 16) | a) >>> 0;
}

afterEach(() => setThreefryPartitionable(true));

// Bit-exact on every backend: keys and bits are int32 (uint32 words), the JAX values float32.
describeEachBackend('random', (b) => {
  const f64 = b.dtype === 'float64';

  describe('threefry2x32 known-answer tests', () => {
    // Random123 kat_vectors, threefry2x32_20 (also JAX's testThreefry2x32, which cites
    // DEShawResearch/Random123-Boost libs/random/test/test_threefry.cpp#L30-L32).
    const kats: [number[], number[], number[]][] = [
      [[0, 0], [0, 0], [0x6b200159, 0x99ba4efe]],
      [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
      [[0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3], [0xc4923a9c, 0x483df7a0]],
    ];
    it.each(kats)('key %j counter %j', async (k, ctr, want) => {
      const [y0, y1] = bind(Threefry2x32, [u32([k[0]]), u32([k[1]]), u32([ctr[0]]), u32([ctr[1]])]);
      expect(y0.device).toBe(b.device);
      expect([...await kd(y0), ...await kd(y1)]).toEqual(want);
      // JAX's threefry_2x32(key, count): the count [x0, x1] is split into halves.
      expect(await kd(threefry2x32(u32(k), u32(ctr)))).toEqual(want);
    });
    it('is elementwise with rank-0 keys broadcast', async () => {
      const n = 7;
      const x0 = u32(globalThis.Array.from({ length: n }, () => 0x243f6a88));
      const x1 = u32(globalThis.Array.from({ length: n }, () => 0x85a308d3));
      const [y0, y1] = bind(Threefry2x32, [u32([0x13198a2e], []), u32([0x03707344], []), x0, x1]);
      expect(await kd(y0)).toEqual(globalThis.Array(n).fill(0xc4923a9c));
      expect(await kd(y1)).toEqual(globalThis.Array(n).fill(0x483df7a0));
    });
  });

  describe('key(seed): JAX threefry_seed', () => {
    // JAX tests/random_test.py test_prng_seeds_and_keys: [seed, X32 key, x64 key].
    const cases: [number | bigint, number[], number[]][] = [
      [0, [0, 0], [0, 0]],
      [1, [0, 1], [0, 1]],
      [-1, [0, 4294967295], [4294967295, 4294967295]],
      [-3, [0, 4294967293], [4294967295, 4294967293]],
      [2 ** 31 - 1 + 100, [0, 2147483747], [0, 2147483747]],
      [-(2 ** 31) - 100, [0, 2147483548], [4294967295, 2147483548]],
      [2 ** 32 + 5, [0, 5], [1, 5]],
      [2n ** 63n - 1n, [0, 4294967295], [2147483647, 4294967295]],
    ];
    it.each(cases)('seed %s', async (seed, x32, x64) => {
      expect(key(seed).device).toBe(b.device);
      expect(await kd(key(seed))).toEqual(x32);
      expect(await kd(key(seed, { x64: true }))).toEqual(x64);
    });
    it('rejects non-integer and out-of-range seeds', () => {
      expect(() => key(1.5)).toThrow(TypeError);
      expect(() => key(2n ** 64n)).toThrow(RangeError);
    });
  });

  describe('JAX values, jax_threefry_partitionable=True (the default since JAX 0.5.0)', () => {
    it('split(key(0))', async () => {
      // Row 0 is threefry(key [0,0], counter [0,0]), the Random123 zero KAT; the counter of row i is [0, i].
      expect(await kd(split(key(0)))).toEqual([1797259609, 2579123966, 928981903, 3453687069]);
    });
    it('uniform(key(0)) and uniform(split(key(0))[1]) (docs.jax.dev/en/latest/jax.random.html)', async () => {
      // ">>> random.uniform(key)  Array(0.947667, dtype=float32)" and after
      // "key, subkey = random.split(key)": ">>> random.uniform(subkey)  Array(0.00729382, dtype=float32)".
      expectClose(await read(uniform(key(0), [], { dtype: 'float32' })), [0.947667], 5e-7);
      expectClose(await read(uniform(split(key(0)).slice(1), [], { dtype: 'float32' })), [0.00729382], 5e-9);
    });
    it('foldIn(key, i) equals split(key, 3)[i] (JAX test_threefry_split_fold_in_symmetry)', async () => {
      const k = key(72);
      const s = split(k, 3);
      for (let i = 0; i < 3; i++) expect(await kd(foldIn(k, i))).toEqual(await kd(s.slice(i)));
    });
    it('bits are the xor of the two threefry words of counter [0, i]', async () => {
      const k = key(1701);
      const [hi, lo] = bits64(k, [4]);
      const l = await kd(lo);
      const want = (await kd(hi)).map((h, i) => (h ^ l[i]) >>> 0);
      expect(await kd(bits(k, [4]))).toEqual(want);
    });
  });

  describe('JAX values, jax_threefry_partitionable=False (JAX < 0.5.0)', () => {
    it('split, foldIn (tests/random_test.py testPRNGValues, and the old docs)', async () => {
      setThreefryPartitionable(false);
      expect(await kd(split(key(0)))).toEqual([4146024105, 967050713, 2718843009, 1272950319]);
      expect(await kd(split(key(0), 4))).toEqual([2285895361, 1501764800, 1518642379, 4090693311, 433833334, 4221794875, 839183663, 3740430601]);
      expect(await kd(foldIn(key(0), 4))).toEqual([2285895361, 433833334]);
    });
    it('uniform(key(0)) and of its split subkey (jax.readthedocs.io jax.random module, pre-0.5)', async () => {
      setThreefryPartitionable(false);
      expect(await read(uniform(key(0), [], { dtype: 'float32' }))).toEqual(f32([0.41845703]));
      expectClose(await read(uniform(split(key(0)).slice(1), [], { dtype: 'float32' })), [0.10536897], 5e-8);
    });
    it('random bits of key(1701) (tests/random_test.py testRngRandomBits)', async () => {
      setThreefryPartitionable(false);
      expect(await kd(bits(key(1701), [3]))).toEqual([56197195, 4200222568, 961309823]);
      const [hi, lo] = bits64(key(1701), [3]);
      const l = await kd(lo);
      const b64 = (await kd(hi)).map((h, i) => (BigInt(h) << 32n) | BigInt(l[i]));
      expect(b64).toEqual([3982329540505020460n, 16822122385914693683n, 7882654074788531506n]);
    });
    it('distribution values (tests/random_test.py _RANDOM_VALUES_CASES, threefry2x32, float32)', async () => {
      setThreefryPartitionable(false);
      const k = (name: string) => key(adler32(`${name}threefry2x32`));
      expectClose(await read(uniform(k('uniform'), [5], { dtype: 'float32' })), [0.298671, 0.073213, 0.873356, 0.260549, 0.412797], 1e-6);
      // erfinv/log in float32 may differ from XLA's by an ulp or two: atol 2e-6.
      expectClose(await read(normal(k('normal'), [5], { dtype: 'float32' })), [-1.173234, -1.511662, 0.070593, -0.099764, 1.052845], 2e-6);
      expectClose(await read(gumbel(k('gumbel'), [5], { dtype: 'float32' })), [2.06701, 0.911726, 0.145736, 0.185427, -0.00711], 2e-6);
      expect(await read(bernoulli(k('bernoulli'), 0.5, [5], { dtype: 'float32' }))).toEqual([0, 1, 1, 1, 0]);
    });
    it('normal(key(123), (3,)) and of split(key(123), 1)[0] (F. Chollet, Deep Learning with Python 3rd ed., §3.5.3)', async () => {
      setThreefryPartitionable(false);
      expectClose(await read(normal(key(123), [3], { dtype: 'float32' })), [-0.1470326, 0.5524756, 1.648498], 2e-6);
      expectClose(await read(normal(split(key(123), 1).slice(0), [3], { dtype: 'float32' })), [0.5362355, -1.1920372, 2.450225], 2e-6);
    });
  });

  describe('uniform in the default float', () => {
    it('scales to [minval, maxval)', async () => {
      const u = uniform(key(3), [1000], { minval: -2, maxval: 5 });
      expect(u.dtype).toBe(b.dtype);
      const x = await read(u);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...x)).toBeLessThan(5);
    });
  });

  describe('statistics (5 sigma)', () => {
    const n = 100_000;
    const meanVar = (x: number[]) => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      return [m, x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length];
    };
    // float64 only where the device has it (the cpu).
    const dtypes = f64 ? ['float32', 'float64'] as const : ['float32'] as const;
    it.each(dtypes)('uniform %s', async (dtype) => {
      const [m, v] = meanVar(await read(uniform(key(11), [n], { dtype })));
      expect(Math.abs(m - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
      expect(Math.abs(v - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
    });
    it.each(dtypes)('normal %s', async (dtype) => {
      const x = await read(normal(key(12), [n], { dtype }));
      const [m, v] = meanVar(x);
      expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
      expect(x.every(Number.isFinite)).toBe(true);
    });
    it('gumbel mean is the Euler-Mascheroni constant, variance pi^2/6', async () => {
      const [m, v] = meanVar(await read(gumbel(key(13), [n])));
      const sd = Math.PI / Math.sqrt(6);
      expect(Math.abs(m - 0.5772156649)).toBeLessThan(5 * sd / Math.sqrt(n));
      expect(Math.abs(v - sd * sd)).toBeLessThan(0.1);
    });
    it('bernoulli frequency', async () => {
      const p = 0.3;
      const x = bernoulli(key(14), p, [n]);
      expect(x.dtype).toBe('bool');
      const f = (await read(x)).reduce((s, v) => s + v, 0) / n;
      expect(Math.abs(f - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
    it('categorical frequencies match softmax(logits)', async () => {
      const logits = [0.5, -1, 1.5, 0];
      const z = logits.reduce((s, l) => s + Math.exp(l), 0);
      const probs = logits.map((l) => Math.exp(l) / z);
      const s = categorical(key(15), np.array(logits), { shape: [n] });
      expect(s.dtype).toBe('int32');
      expect(s.shape).toEqual([n]);
      const counts = [0, 0, 0, 0];
      for (const v of await read(s)) counts[v]++;
      counts.forEach((c, i) => expect(Math.abs(c / n - probs[i])).toBeLessThan(5 * Math.sqrt((probs[i] * (1 - probs[i])) / n)));
    });
  });

  describe('keys and streams', () => {
    it('is deterministic', async () => {
      expect(await read(normal(key(5), [10]))).toEqual(await read(normal(key(5), [10])));
      expect(await read(uniform(key(5), [10]))).not.toEqual(await read(uniform(key(6), [10])));
    });
    it('split and foldIn give distinct keys and streams', async () => {
      for (const part of [true, false]) {
        setThreefryPartitionable(part);
        const k = key(0);
        const ks = split(k, 5);
        expect(ks.shape).toEqual([5, 2]);
        const rows = [await kd(k)];
        for (let i = 0; i < 5; i++) rows.push(await kd(ks.slice(i)));
        rows.push(await kd(foldIn(k, 1)), await kd(foldIn(k, 2)));
        if (part) rows.splice(6, 2); // foldIn(k, i) == split(k, n)[i] in this layout
        expect(new Set(rows.map((r) => r.join(','))).size).toBe(rows.length);
        const a = await read(uniform(ks.slice(0), [8]));
        const c = await read(uniform(ks.slice(1), [8]));
        expect(a).not.toEqual(c);
      }
      expect(split(key(0), [2, 3]).shape).toEqual([2, 3, 2]);
    });
    it('foldIn accepts an int32 scalar array and wraps data to uint32', async () => {
      expect(await kd(foldIn(key(1), np.array(7, { dtype: 'int32' })))).toEqual(await kd(foldIn(key(1), 7)));
      expect(await kd(foldIn(key(1), -1))).toEqual(await kd(foldIn(key(1), 2 ** 32 - 1)));
    });
    it('rejects bad keys with a pointer to vmap', () => {
      expect(() => uniform(split(key(0), 3), [2])).toThrow(/vmap/);
      expect(() => uniform(np.array([0, 0]), [2])).toThrow(/int32/);
      expect(() => uniform(key(0), [2], { dtype: 'int32' })).toThrow(/float/);
    });
    it('categorical: axis and a sample-shape prefix', async () => {
      const logits = np.array([[0, 100, 0], [100, 0, 0]]); // [2, 3]: near-certain picks
      expect(await read(categorical(key(1), logits))).toEqual([1, 0]);
      expect(await read(categorical(key(1), logits.transpose(), { axis: 0 }))).toEqual([1, 0]);
      const s = categorical(key(1), logits, { shape: [4, 2] });
      expect(s.shape).toEqual([4, 2]);
      expect(await read(s)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
      expect(() => categorical(key(1), logits, { shape: [4, 3] })).toThrow(/batch shape/);
    });
    it('bernoulli takes its shape from an array p', async () => {
      const p = np.array([0, 1, 0, 1]);
      expect(await read(bernoulli(key(2), p))).toEqual([0, 1, 0, 1]);
    });
  });

  describe('transforms', () => {
    it('vmap over keys equals stacking per-key results', async () => {
      for (const part of [true, false]) {
        setThreefryPartitionable(part);
        const ks = split(key(0), 4);
        for (const f of [(k: Array) => normal(k, [3]), (k: Array) => uniform(k, [3], { dtype: 'float32' }), (k: Array) => split(k, 3), (k: Array) => foldIn(k, 9), (k: Array) => gumbel(k, [2, 2])]) {
          const batched = vmap(f)(ks) as Array;
          const loop = np.stack(globalThis.Array.from({ length: 4 }, (_, i) => f(ks.slice(i))));
          expect(batched.shape).toEqual(loop.shape);
          expect(await read(batched)).toEqual(await read(loop));
        }
      }
    });
    it('vmap over keys with in_axes 1', async () => {
      const ks = split(key(3), 3);
      const batched = vmap((k: Array) => bits(k, [2]), 1)(ks.transpose()) as Array;
      expect(await read(batched)).toEqual(await read(np.stack([0, 1, 2].map((i) => bits(ks.slice(i), [2])))));
    });
    it('jit gives the eager values', async () => {
      const f = jit((k: Array) => normal(k, [5]));
      expect(await read(f(key(4)))).toEqual(await read(normal(key(4), [5])));
    });
    it('grad of a Monte-Carlo mean E[(mu + sigma eps)^2] (reparameterization)', async () => {
      const k = key(21);
      const n = 20_000;
      const f = (mu: Array, sigma: Array) => np.mean(np.square(normal(k, [n]).mul(sigma).add(mu)));
      const mu = np.array(0.7);
      const sigma = np.array(1.3);
      const [gmu, gsig] = grad(f, { argnums: [0, 1] })(mu, sigma) as Array[];
      const eps = await read(normal(k, [n]));
      // The reference sums in float64: a float32 mean of 2e4 terms is good to ~1e-5 relative.
      const [m0, s0] = f64 ? [0.7, 1.3] : [Math.fround(0.7), Math.fround(1.3)];
      const y = eps.map((e) => m0 + s0 * e);
      const wantMu = (2 * y.reduce((s, v) => s + v, 0)) / n;
      const wantSig = (2 * y.reduce((s, v, i) => s + v * eps[i], 0)) / n;
      const [gm, gs] = [(await read(gmu)) as number[], (await read(gsig)) as number[]];
      expectClose([...gm, ...gs], [wantMu, wantSig], f64 ? 1e-12 : 1e-4);
      // And the Monte-Carlo estimates approach the analytic 2 mu and 2 sigma.
      expect(Math.abs(gm[0] - 1.4)).toBeLessThan(0.1);
      expect(Math.abs(gs[0] - 2.6)).toBeLessThan(0.15);
    });
    it('grad through uniform in minval/maxval and through a vmap over keys', async () => {
      const k = key(8);
      const g = grad((lo: Array, hi: Array) => np.sum(uniform(k, [4], { minval: lo, maxval: hi })), { argnums: [0, 1] })(np.array(-1), np.array(2)) as Array[];
      const u = await read(uniform(k, [4]));
      // d/dlo sum(u (hi - lo) + lo) = sum(1 - u), d/dhi = sum(u).
      expectClose([...await read(g[0]), ...await read(g[1])], [u.reduce((s, v) => s + 1 - v, 0), u.reduce((s, v) => s + v, 0)], f64 ? 1e-12 : 1e-6);
      const ks = split(key(9), 3);
      const h = grad((mu: Array) => np.sum(vmap((kk: Array) => normal(kk, [2]).add(mu))(ks) as Array))(np.array(0.5)) as Array;
      expect(await read(h)).toEqual([6]);
    });
    it('random primitives have zero tangents and typecheck', async () => {
      const [out, t] = jvp((x: Array) => np.add(uniform(key(1), [3]), x), [np.array([1, 2, 3])], [np.array([1, 1, 1])]) as Array[];
      expect(out.shape).toEqual([3]);
      expect(await read(t)).toEqual([1, 1, 1]);
      const { jaxpr } = makeJaxpr((k: Array) => normal(k, [3]))(key(0));
      typecheck(jaxpr);
      expect(jaxpr.toString()).toContain('threefry2x32');
      expect(jaxpr.toString()).toContain('bitcast_convert_type');
    });
  });

  describe('bit primitives', () => {
    it('shifts are logical on uint32 bits; amounts >= 32 give 0', async () => {
      const x = u32([0x80000001, -1, 5]);
      expect(await kd(bind1(ShiftRightLogical, [x, u32([1], [])]))).toEqual([0x40000000, 0x7fffffff, 2]);
      expect(await kd(bind1(ShiftLeft, [x, u32([1], [])]))).toEqual([2, 0xfffffffe, 10]);
      expect(await kd(bind1(ShiftRightLogical, [x, u32([32, 0, 40])]))).toEqual([0, 0xffffffff, 0]);
      expect(await kd(bind1(ShiftLeft, [x, u32([32, 31, -1])]))).toEqual([0, 0x80000000, 0]);
    });
    it('bitcast_convert_type reinterprets int32 bits as float32 and back', async () => {
      const f = bind1(BitcastConvertType, [u32([0x3f800000, 0x40490fdb])], { newDtype: 'float32' });
      expect(await read(f)).toEqual([1, Math.fround(Math.PI)]);
      const back = bind1(BitcastConvertType, [f], { newDtype: 'int32' });
      expect(await kd(back)).toEqual([0x3f800000, 0x40490fdb]);
    });
    it('vmap of the bit primitives (float32 bitcast)', async () => {
      const xs = u32([1, 2, 3, 4, 5, 6], [3, 2]);
      const f = (x: Array) => bind1(BitcastConvertType, [bind1(ShiftLeft, [x, u32([3], [])])], { newDtype: 'float32' });
      const batched = vmap(f)(xs) as Array;
      const loop = np.stack([0, 1, 2].map((i) => f(xs.slice(i))));
      expect(await read(batched)).toEqual(await read(loop));
    });
    it('abstractEval errors name the op and the fix', () => {
      expect(() => bind(Threefry2x32, [np.array([1.5]), u32([0]), u32([0]), u32([0])])).toThrow(/threefry2x32: operands must be int32/);
      expect(() => bind(Threefry2x32, [u32([0, 1]), u32([0]), u32([0, 1, 2]), u32([0])])).toThrow(/threefry2x32/);
      expect(() => bind1(BitcastConvertType, [u32([1, 2, 3])], { newDtype: 'float64' })).toThrow(/trailing axis of 2/);
      expect(() => bind1(BitcastConvertType, [u32([1])], { newDtype: 'bool' })).toThrow(/bitcast_convert_type/);
    });
  });
});

// float64 results: the 52-bit mantissa construction and int32-word <-> float64 bitcasts need a
// float64 device (the cpu).
describe('float64 uniform (cpu)', () => {
  it('is the top 52 of 64 random bits over 2^52', () => {
    for (const part of [true, false]) {
      setThreefryPartitionable(part);
      const k = key(7);
      const [hi, lo] = bits64(k, [6]);
      const h = keyData(hi);
      const l = keyData(lo);
      const want = h.map((x, i) => (x * 2 ** 20 + (l[i] >>> 12)) / 2 ** 52);
      const got = uniform(k, [6]);
      expect(got.dtype).toBe('float64');
      expect(vals(got)).toEqual(want);
    }
  });
});

describe('float64 bitcasts (cpu)', () => {
  it('bitcast_convert_type: little-endian int32 words for float64', () => {
    const d = bind1(BitcastConvertType, [u32([0x54442d18, 0x400921fb], [1, 2])], { newDtype: 'float64' });
    expect(d.shape).toEqual([1]);
    expect(vals(d)).toEqual([Math.PI]);
    expect(keyData(bind1(BitcastConvertType, [d], { newDtype: 'int32' }))).toEqual([0x54442d18, 0x400921fb]);
  });
  it('vmap of the bit primitives', () => {
    const xs = u32([1, 2, 3, 4, 5, 6], [3, 2]);
    const f = (x: Array) => bind1(BitcastConvertType, [bind1(ShiftLeft, [x, u32([3], [])])], { newDtype: 'float64' });
    const batched = vmap(f)(xs) as Array;
    const loop = np.stack([0, 1, 2].map((i) => f(xs.slice(i))));
    expect(vals(batched)).toEqual(vals(loop));
  });
});
