/**
 * The integer and half dtypes beside float32/float64/int32/bool: uint32, int8, uint8 and float16.
 * References are computed independently: integer results with BigInt modular arithmetic, float16
 * roundings from the 65 536 half bit patterns decoded by hand, promotions from JAX's table
 * (`jnp.promote_types` without x64). Fused (jit) and unfused (eager) results must agree bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, lax, np, random, tree, vmap, type Array } from '../lib/index.js';
import { type DType, f16round, promoteTypes } from '../lib/core/dtype.js';
import { devices } from '../lib/core/backend.js';

const INTS = ['int8', 'uint8', 'int32', 'uint32'] as const;
const BITS = { int8: 8, uint8: 8, int32: 32, uint32: 32 } as const;
/** v reduced modulo 2^bits into the dtype's range, with BigInt so nothing rounds. */
function wrap(v: bigint, d: (typeof INTS)[number]): number {
  const bits = BigInt(BITS[d]);
  const m = 1n << bits;
  let r = ((v % m) + m) % m;
  if (d === 'int8' || d === 'int32') if (r >= m / 2n) r -= m;
  return Number(r);
}
const read = (a: Array): number[] => globalThis.Array.from(a.dataSync());

describe('promotion follows JAX without x64', () => {
  const strong = (dtype: DType) => ({ dtype, weak: false });
  const cases: [DType, DType, DType][] = [
    ['uint8', 'int8', 'int32'], // int16 in JAX: the nearest we have
    ['uint8', 'uint32', 'uint32'], ['int8', 'int32', 'int32'], ['uint32', 'int32', 'int32'], // int64 -> int32
    ['uint8', 'int32', 'int32'], ['bool', 'uint8', 'uint8'], ['bool', 'int8', 'int8'],
    ['float16', 'int8', 'float16'], ['float16', 'uint32', 'float16'], ['float16', 'float32', 'float32'],
    ['float16', 'float64', 'float64'], ['uint32', 'float32', 'float32'],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} + ${b} -> ${want}`, () => {
      expect(promoteTypes(strong(a), strong(b)).dtype).toBe(want);
      expect(promoteTypes(strong(b), strong(a)).dtype).toBe(want);
      expect(np.add(np.zeros([1], { dtype: a }), np.zeros([1], { dtype: b })).dtype).toBe(want);
    });
  }
  it('JS numbers are weak: they take an integer or float16 operand\'s dtype', () => {
    expect(np.add(np.array([1], { dtype: 'uint8' }), 1).dtype).toBe('uint8');
    expect(np.add(np.array([1], { dtype: 'float16' }), 2.5).dtype).toBe('float16');
    expect(np.add(np.array([1], { dtype: 'uint32' }), 2.5).dtype).toBe('float64'); // a weak float over an integer
  });
});

describe('integer arithmetic wraps as stored (eager and fused agree)', () => {
  const xs = [0, 1, 5, 100, 127, 200, 255, 3_000_000_000, 4_294_967_295, -1, -128, -2_147_483_648];
  const ys = [3, 7, 255, 1, 2, 9, 250, 5, 2, 6, 1, 3];
  const ops: [string, (a: Array, b: Array) => Array, (a: bigint, b: bigint) => bigint][] = [
    ['add', np.add, (a, b) => a + b], ['subtract', np.subtract, (a, b) => a - b], ['multiply', np.multiply, (a, b) => a * b],
    ['bitwiseXor', np.bitwiseXor, (a, b) => a ^ b], ['bitwiseAnd', np.bitwiseAnd, (a, b) => a & b],
  ];
  for (const d of INTS) {
    const x = np.array(xs.map((v) => wrap(BigInt(v), d)), { dtype: d });
    const y = np.array(ys.map((v) => wrap(BigInt(v), d)), { dtype: d });
    const xv = read(x).map(BigInt);
    const yv = read(y).map(BigInt);
    it(`${d}: np.array refuses a value that would wrap, naming the range`, () => {
      expect(() => np.array([BITS[d] === 8 ? 256 : 2 ** 32], { dtype: d })).toThrow(new RegExp(`np\\.array: value \\d+ does not fit in ${d}`));
    });
    for (const [name, f, ref] of ops) {
      it(`${d} ${name}`, () => {
        const want = xv.map((a, i) => wrap(ref(a, yv[i]), d));
        expect(read(f(x, y))).toEqual(want);
        // fused into one kernel with a second op: the intermediate is wrapped too
        expect(read(jit((a: Array, b: Array) => np.add(f(a, b), a))(x, y))).toEqual(want.map((w, i) => wrap(BigInt(w) + xv[i], d)));
      });
    }
    it(`${d}: negation, division and remainder`, () => {
      expect(read(np.negative(x))).toEqual(xv.map((a) => wrap(-a, d)));
      // truncating division of the stored values (all divisors here are positive)
      expect(read(lax.div(x, y))).toEqual(xv.map((a, i) => wrap(a / yv[i], d)));
      expect(read(lax.rem(x, y))).toEqual(xv.map((a, i) => wrap(a % yv[i], d)));
    });
    it(`${d}: comparisons, max/min and sort use the dtype's order`, () => {
      const order = [...read(x)].sort((a, b) => a - b);
      expect(read(np.sort(x))).toEqual(order);
      expect(np.max(x).item()).toBe(order[order.length - 1]);
      expect(np.min(x).item()).toBe(order[0]);
      expect(np.argmax(x).item()).toBe(read(x).indexOf(order[order.length - 1]));
      expect(read(np.less(x, y))).toEqual(xv.map((a, i) => (a < yv[i] ? 1 : 0)));
      expect(read(jit((a: Array) => np.max(np.multiply(a, 1)))(x))).toEqual([order[order.length - 1]]);
    });
    it(`${d}: shifts on the dtype's ${BITS[d]} bits`, () => {
      const s = np.array([0, 1, 3, BITS[d] - 1, BITS[d], 2, 1, 0, 4, 1, 7, 5].map((v) => Math.min(v, BITS[d])), { dtype: d });
      const sv = read(s).map(BigInt);
      const mask = (1n << BigInt(BITS[d])) - 1n;
      expect(read(lax.shiftLeft(x, s))).toEqual(xv.map((a, i) => (sv[i] >= BigInt(BITS[d]) ? 0 : wrap(a << sv[i], d))));
      expect(read(lax.shiftRightLogical(x, s))).toEqual(xv.map((a, i) => (sv[i] >= BigInt(BITS[d]) ? 0 : wrap((a & mask) >> sv[i], d))));
    });
  }
  it('sums and products of small integers accumulate as JAX does: int8 -> int32, uint8 -> uint32', () => {
    const u8 = np.array([250, 3, 7], { dtype: 'uint8' });
    expect(np.sum(u8).dtype).toBe('uint32');
    expect(np.sum(u8).item()).toBe(260);
    expect(np.sum(np.array([-100, -100], { dtype: 'int8' })).item()).toBe(-200);
    expect(read(np.cumsum(np.array([200, 100], { dtype: 'uint8' })))).toEqual([200, 300]);
    expect(np.sum(np.array([4_000_000_000, 400_000_000], { dtype: 'uint32' })).item()).toBe(wrap(4_400_000_000n, 'uint32'));
  });
  it('matrix products and cumulative sums of uint32 are exact modulo 2^32', () => {
    const a = np.array([[4_000_000_000, 3], [5, 4_294_967_295]], { dtype: 'uint32' });
    const want = [[4_000_000_000n * 4_000_000_000n + 15n, 4_000_000_000n * 3n + 3n * 4_294_967_295n], [5n * 4_000_000_000n + 5n * 4_294_967_295n, 15n + 4_294_967_295n ** 2n]];
    expect(read(np.matmul(a, a))).toEqual(want.flat().map((v) => wrap(v, 'uint32')));
    expect(read(lax.cumsum(np.array([4_294_967_295, 4_294_967_295, 7], { dtype: 'uint32' })))).toEqual([4_294_967_295, 4_294_967_294, 5]);
    expect(read(np.matmul(np.array([[100, 100]], { dtype: 'int8' }), np.array([[2], [3]], { dtype: 'int8' })))).toEqual([wrap(500n, 'int8')]);
  });
  it('conversions: float -> integer saturates (NaN -> 0), integer -> integer keeps the low bits', () => {
    const f = np.array([-1.5, 3.7, 300, 5e9, NaN, -5e9]);
    expect(read(f.astype('uint8'))).toEqual([0, 3, 255, 255, 0, 0]);
    expect(read(f.astype('int8'))).toEqual([-1, 3, 127, 127, 0, -128]);
    expect(read(f.astype('uint32'))).toEqual([0, 3, 300, 4_294_967_295, 0, 0]);
    const i = np.array([-1, 256, 300, -129], { dtype: 'int32' });
    expect(read(i.astype('uint8'))).toEqual([255, 0, 44, 127]);
    expect(read(i.astype('int8'))).toEqual([-1, 0, 44, 127]);
    expect(read(i.astype('uint32'))).toEqual([4_294_967_295, 256, 300, 4_294_967_167]);
    expect(read(np.array([4_294_967_295], { dtype: 'uint32' }).astype('int32'))).toEqual([-1]);
    expect(read(np.array([4_294_967_295], { dtype: 'uint32' }).astype('float64'))).toEqual([4_294_967_295]);
  });
  it('typed arrays keep their dtype; items read back as numbers', () => {
    expect(np.array(new Uint32Array([1, 4_000_000_000])).dtype).toBe('uint32');
    expect(np.array(new Int8Array([-3])).dtype).toBe('int8');
    expect(np.array(new Uint8Array([3])).dtype).toBe('uint8');
    expect(np.array(new Uint32Array([4_000_000_000])).reshape([]).item()).toBe(4_000_000_000);
    expect(np.array([4_000_000_000], { dtype: 'uint32' }).js()).toEqual([4_000_000_000]);
  });
  it('print as numpy prints them', () => {
    expect(np.array([1, 4_000_000_000], { dtype: 'uint32' }).toString()).toBe('[         1 4000000000]');
    expect(np.array([-5, 7], { dtype: 'int8' }).toString()).toBe('[-5  7]');
  });
  it('vmap of integer ops equals the loop', () => {
    const x = np.array([[250, 10], [3, 255]], { dtype: 'uint8' });
    const f = (r: Array): Array => np.multiply(np.add(r, 7), 3);
    const batched = read(vmap(f)(x));
    expect(batched).toEqual([...read(f(x.slice(0))), ...read(f(x.slice(1)))]);
  });
});

describe('float16', () => {
  /** Every finite half, decoded from its bits. */
  const halves: number[] = [];
  for (let b = 0; b < 0x7c00; b++) {
    const e = b >> 10, m = b & 1023;
    halves.push(e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
  }
  it('f16round: every half is fixed, midpoints round to even, beyond 65520 to infinity', () => {
    let bad = 0;
    for (let i = 0; i < halves.length; i++) {
      if (f16round(halves[i]) !== halves[i] || f16round(-halves[i]) !== -halves[i]) bad++;
      if (i + 1 < halves.length) {
        const mid = (halves[i] + halves[i + 1]) / 2;
        if (f16round(mid) !== (i % 2 === 0 ? halves[i] : halves[i + 1])) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(f16round(65519.99)).toBe(65504);
    expect(f16round(65520)).toBe(Infinity);
    expect(f16round(2 ** -25)).toBe(0); // the tie below the smallest subnormal goes to even (zero)
  });
  it('stores and computes in half precision after every op, eager and fused alike', () => {
    const x = np.array([2048, 0.1, 1000.3], { dtype: 'float16' });
    expect(read(x)).toEqual([2048, f16round(0.1), 1000.5]);
    expect(read(np.add(x, 1))).toEqual([2048, f16round(f16round(0.1) + 1), 1001.5]); // 2049 is not a half
    const f = (a: Array): Array => np.multiply(np.add(a, 1), 3);
    const want = read(x).map((v) => f16round(f16round(v + 1) * 3));
    expect(read(f(x))).toEqual(want);
    expect(read(jit(f)(x))).toEqual(want);
    expect(np.exp(np.array([12], { dtype: 'float16' })).item()).toBe(Infinity); // e^12 > 65504
  });
  it('prints with the digits a half needs (numpy)', () => {
    expect(np.array([0.1, 1000.5, 70000], { dtype: 'float16' }).toString()).toBe('[   0.1 1000.5    inf]');
    expect(np.array(0.1, { dtype: 'float16' }).toString()).toBe('0.1');
  });
  it('differentiates: grad of a float16 function is float16 and rounded', () => {
    const g = grad((a: Array) => np.sum(np.sin(a)))(np.array([1, 2], { dtype: 'float16' }));
    expect(g.dtype).toBe('float16');
    expect(read(g)).toEqual([Math.cos(1), Math.cos(2)].map((v) => f16round(v)));
  });
});

describe('PRNG keys are uint32 (JAX raw keys)', () => {
  it('key, split and foldIn return uint32 words; bits are uint32', () => {
    const k = random.key(42);
    expect(k.dtype).toBe('uint32');
    expect(read(random.key(-1))).toEqual([0, 4_294_967_295]);
    // jax.random.split(jax.random.PRNGKey(42))
    expect(read(random.split(k))).toEqual([1832780943, 270669613, 64467757, 2916123636]);
    expect(random.foldIn(k, 3).dtype).toBe('uint32');
    expect(random.bits(k, [2]).dtype).toBe('uint32');
    expect(random.split(k).toString()).toBe('[[1832780943  270669613]\n [  64467757 2916123636]]');
  });
  it('random.key takes a traced integer seed: vmap over seeds equals a loop of keys', () => {
    const seeds = np.array([0, 1, -1, 42], { dtype: 'int32' });
    expect(read(vmap((s: Array) => random.key(s))(seeds))).toEqual([0, 0, 0, 1, 0, 4_294_967_295, 0, 42]);
    const draws = vmap((s: Array) => random.uniform(random.key(s), [2]))(seeds);
    expect(read(draws)).toEqual([0, 1, -1, 42].flatMap((s) => read(random.uniform(random.key(s), [2]))));
    expect(() => random.key(np.array([1, 2], { dtype: 'int32' }))).toThrow(/random\.key: an Array seed must be an integer scalar/);
  });
});

describe.skipIf(!devices().includes('webgpu'))('uint32 on webgpu agrees with the CPU', () => {
  it('arithmetic, comparisons, conversion, reductions and sort', async () => {
    const xs = [0, 1, 3_000_000_000, 4_294_967_295, 77, 2_147_483_648];
    const ys = [5, 2, 7, 3, 77, 1];
    const f = (a: Array, b: Array, s: Array): Array[] => [
      np.add(a, b), np.multiply(a, b), lax.div(a, b), lax.rem(a, b), np.negative(a), np.less(a, b).astype('uint32'),
      np.max(a).reshape([1]), np.min(a).reshape([1]), np.sort(a), np.array(a).astype('float32').astype('uint32'),
      lax.shiftRightLogical(a, s), np.sign(a),
    ];
    const ss = [1, 2, 3, 31, 32, 0];
    const onCpu = f(np.array(xs, { dtype: 'uint32' }), np.array(ys, { dtype: 'uint32' }), np.array(ss, { dtype: 'uint32' })).map(read);
    const [x, y, s] = [xs, ys, ss].map((v) => np.array(v, { dtype: 'uint32', device: 'webgpu' }));
    const readAll = async (as: Array[]): Promise<number[][]> => Promise.all(as.map(async (a) => globalThis.Array.from(await a.data())));
    expect(await readAll(f(x, y, s))).toEqual(onCpu);
    expect(await readAll(jit(f)(x, y, s))).toEqual(onCpu);
  });
});

describe('np.iinfo and np.finfo', () => {
  it('report numpy\'s limits', () => {
    expect(np.iinfo('uint8')).toEqual({ dtype: 'uint8', bits: 8, min: 0, max: 255 });
    expect(np.iinfo(np.zeros([1], { dtype: 'int32' }))).toMatchObject({ min: -2147483648, max: 2147483647, bits: 32 });
    expect(np.iinfo('uint32').max).toBe(4294967295);
    expect(np.finfo('float16')).toMatchObject({ eps: 0.0009765625, max: 65504, tiny: 6.103515625e-5, smallestSubnormal: 5.960464477539063e-8, precision: 3, resolution: 0.001 });
    expect(np.finfo('float32')).toMatchObject({ eps: 1.1920928955078125e-7, max: 3.4028234663852886e38, tiny: 1.1754943508222875e-38 });
    expect(np.finfo('float64').eps).toBe(Number.EPSILON);
    expect(() => np.iinfo('float32')).toThrow(/np\.iinfo: float32 is not an integer dtype; use np\.finfo/);
    expect(() => np.finfo('int64' as never)).toThrow(/np\.finfo: unknown dtype "int64"; use 'int32'/);
  });
  it('np.nanToNum uses the dtype\'s largest finite value (float16: 65504)', () => {
    expect(read(np.nanToNum(np.array([Infinity, -Infinity, NaN], { dtype: 'float16' })))).toEqual([65504, -65504, 0]);
  });
});

describe.skipIf(!devices().includes('webgpu'))('int8, uint8 and float16 on webgpu (one 32-bit word each) agree with the CPU', () => {
  const readAll = async (as: Array[]): Promise<number[][]> => Promise.all(as.map(async (a) => globalThis.Array.from(await a.data())));
  for (const d of ['int8', 'uint8'] as const) {
    it(`${d}: wrapping arithmetic, shifts, conversions, reductions, sort, gather`, async () => {
      const xs = d === 'int8' ? [-128, -1, 0, 1, 100, 127] : [0, 1, 100, 128, 200, 255];
      const ys = d === 'int8' ? [3, 7, -5, 1, 100, 2] : [3, 7, 255, 1, 100, 2];
      const f = (a: Array, b: Array, s: Array, fl: Array): Array[] => [
        np.add(a, b), np.multiply(a, b), np.subtract(a, b), np.negative(a), lax.div(a, b), lax.rem(a, b),
        lax.shiftLeft(a, s), lax.shiftRightLogical(a, s), fl.astype(d), a.astype('float32'), np.sort(a),
        lax.reduceMax(a, [0]).reshape([1]), np.take(a, np.array([5, 0], { dtype: 'int32', device: a.device })), np.cumsum(a), np.sum(a).reshape([1]),
      ];
      const fs = [-1e9, -3.7, 0.5, 127.9, 300, NaN];
      const ss = [0, 1, 3, 7, 8, 2];
      const on = (device: 'cpu' | 'webgpu'): [Array, Array, Array, Array] => [
        np.array(xs, { dtype: d, device }), np.array(ys, { dtype: d, device }), np.array(ss, { dtype: d, device }), np.array(fs, { dtype: 'float32', device }),
      ];
      const onCpu = f(...on('cpu')).map(read);
      expect(await readAll(f(...on('webgpu')))).toEqual(onCpu);
      expect(await readAll(jit(f)(...on('webgpu')))).toEqual(onCpu);
    });
  }
  it('float16: rounded after every op, in kernels and routines', async () => {
    const xs = [2048, 0.1, 1000.3, -65504, 6e-8, 3e-5];
    const f = (a: Array): Array[] => [np.add(a, 1), np.multiply(a, 3), np.exp(np.multiply(a, 1e-3)), np.sort(a), np.matmul(a.reshape([2, 3]), a.reshape([3, 2])), np.sum(a).reshape([1])];
    const onCpu = f(np.array(xs, { dtype: 'float16' })).map(read);
    const got = await readAll(f(np.array(xs, { dtype: 'float16', device: 'webgpu' })));
    got.forEach((g, i) => g.forEach((v, j) => {
      expect(f16round(v)).toBe(v); // every value is a half
      const want = onCpu[i][j];
      if (!Number.isFinite(want)) expect(v).toBe(want);
      else expect(Math.abs(v - want)).toBeLessThanOrEqual(Math.abs(want) * 2e-3 + 1e-7); // an f32 intermediate may round once differently
    }));
    expect(got.slice(0, 2)).toEqual(onCpu.slice(0, 2)); // exact where one op rounds once
  });
});

describe('random.shuffle and tree.allLeaves (names from the issue list)', () => {
  it('random.shuffle is permutation with independent fibres', () => {
    const k = random.key(3);
    const x = np.arange(12).reshape([3, 4]);
    expect(read(random.shuffle(k, x, 1))).toEqual(read(random.permutation(k, x, 1, true)));
    expect([...read(random.shuffle(k, np.arange(10)))].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => random.shuffle(k, np.array(1))).toThrow(/random\.shuffle: x must be an array of rank >= 1/);
  });
  it('tree.allLeaves', () => {
    expect(tree.allLeaves([1, np.zeros([2]), null === null])).toBe(true);
    expect(tree.allLeaves([[1]])).toBe(false);
    expect(tree.allLeaves([{ a: 1 }])).toBe(false);
    expect(tree.allLeaves([{ a: 1 }], (x) => typeof x === 'object' && x !== null && 'a' in x)).toBe(true);
  });
});
