/**
 * Issue 12, "bugs found by a peer's test suite": each case as the peer wrote it, against numpy's
 * (or JAX's) answer.
 */
import { describe, expect, it } from 'vitest';
import { jit, jvp, nn, np, random } from '../lib/index.js';

const x3 = np.array(Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) - 5)).reshape([2, 3, 4]);
const at = (i: number, j: number, k: number): number => ((((i * 12 + j * 4 + k) * 7) % 11) - 5);

describe('np.linalg.norm', () => {
  it('uses a matrix norm\'s axis pair in the given order (rows first)', () => {
    // numpy: ord=1 is the max over the column axis of sums over the row axis
    const one20 = [0, 1, 2].map((j) => Math.max(...[0, 1].map((i) => [0, 1, 2, 3].reduce((s, k) => s + Math.abs(at(i, j, k)), 0))));
    const one02 = [0, 1, 2].map((j) => Math.max(...[0, 1, 2, 3].map((k) => [0, 1].reduce((s, i) => s + Math.abs(at(i, j, k)), 0))));
    expect(np.linalg.norm(x3, 1, [2, 0]).js()).toEqual(one20);
    expect(np.linalg.norm(x3, 1, [0, 2]).js()).toEqual(one02);
    // and ord=inf is ord=1 with the pair swapped
    expect(np.linalg.norm(x3, Infinity, [0, 2]).js()).toEqual(one20);
    expect(np.linalg.norm(x3, Infinity, [2, 0]).js()).toEqual(one02);
    expect(() => np.linalg.norm(x3, 1, [1, 1])).toThrow(/repeated axis/);
  });

  it('rejects an ord with no axis on a 3-D array, as numpy does', () => {
    expect(() => np.linalg.norm(x3, 2)).toThrow(/np\.linalg\.norm: an ord \(2\) with no axis needs a vector or a matrix, got shape \[2,3,4\]/);
    expect(np.linalg.norm(x3).item()).toBeCloseTo(Math.sqrt(Array.from(x3.dataSync()).reduce((s, v) => s + v * v, 0)), 12);
  });
});

describe('small shapes', () => {
  it('nn.softmax and nn.logSoftmax of an empty array are empty', () => {
    for (const shape of [[0], [2, 0], [0, 3]]) {
      expect(nn.softmax(np.zeros(shape)).shape).toEqual(shape);
      expect(nn.logSoftmax(np.zeros(shape)).shape).toEqual(shape);
      expect(jit((a: np.Array) => nn.softmax(a))(np.zeros(shape)).shape).toEqual(shape);
    }
  });

  it('np.cumsum of a scalar is a one-element array', () => {
    expect(np.cumsum(np.array(5), 0).js()).toEqual([5]);
    expect(np.cumsum(np.array(5)).js()).toEqual([5]);
    expect(np.cumsum(np.array(5), -1).js()).toEqual([5]);
    expect(() => np.cumsum(np.array(5), 1)).toThrow(/axis 1 is out of bounds/);
  });

  it('np.pad applies a single [before, after] pair to every axis', () => {
    const p = np.pad(np.ones([1, 2, 3]), [[0, 1]]);
    expect(p.shape).toEqual([2, 3, 4]);
    expect(np.sum(p).item()).toBe(6);
  });

  it('np.hstack takes scalars as 1-D arrays', () => {
    expect(np.hstack([1, 2, 3]).js()).toEqual([1, 2, 3]);
    expect(np.hstack([np.array(1), np.array([2, 3])]).js()).toEqual([1, 2, 3]);
    expect(np.hstack([np.array([[1], [2]]), np.array([[3], [4]])]).js()).toEqual([[1, 3], [2, 4]]);
  });
});

describe('random.categorical without replacement', () => {
  const logits = np.log(np.array([0.5, 0.3, 0.15, 0.05]));

  it('draws distinct categories, laid out as shape', () => {
    const draw = jit((k: np.Array) => random.categorical(k, logits, { shape: [3], replace: false }));
    const first = [0, 0, 0, 0];
    const keys = random.split(random.key(0), 400);
    for (let t = 0; t < 400; t++) {
      const s = draw(keys.slice(t)).js() as number[];
      expect(new Set(s).size).toBe(3);
      first[s[0]]++;
    }
    // the first sample is an ordinary categorical draw: frequencies near the probabilities
    [0.5, 0.3, 0.15, 0.05].forEach((p, i) => expect(Math.abs(first[i] / 400 - p)).toBeLessThan(0.08));
    const grid = random.categorical(random.key(1), np.zeros([2, 5]), { shape: [5, 2], replace: false });
    expect(grid.shape).toEqual([5, 2]);
    for (const col of [0, 1]) expect(new Set((grid.js() as number[][]).map((r) => r[col])).size).toBe(5);
  });

  it('keeps draws distinct among categories of probability zero', () => {
    const s = random.categorical(random.key(2), np.array([0, -Infinity, -Infinity]), { shape: [3], replace: false }).js() as number[];
    expect([...s].sort()).toEqual([0, 1, 2]);
    expect(s[0]).toBe(0);
  });

  it('one draw is the with-replacement draw; too many draws are an error', () => {
    const k = random.key(3);
    expect(random.categorical(k, logits, { replace: false }).item()).toBe(random.categorical(k, logits).item());
    expect(() => random.categorical(k, logits, { shape: [5], replace: false })).toThrow(/5 samples without replacement .* exceed the 4 categories/);
  });
});

describe('transforms', () => {
  it('JS numbers as primals are weak floats; as tangents they take the primal\'s dtype', () => {
    const x32 = np.array(2, { dtype: 'float32' });
    const [y, t] = jvp((u: np.Array) => u.mul(u), [x32], [1]);
    expect(t.dtype).toBe('float32');
    expect(t.item()).toBe(4);
    expect(y.item()).toBe(4);
    const [, t2] = jvp((u: np.Array) => np.sin(u), [3], [1]);
    expect(t2.item()).toBeCloseTo(Math.cos(3), 12);
  });

  it('jvp(undefined, ...) says f is not a function', () => {
    const f = undefined as unknown as (x: np.Array) => np.Array;
    expect(() => jvp(f, [np.array(1)], [np.array(1)])).toThrow(/jvp: the first argument must be the function to transform, got undefined/);
  });
});
