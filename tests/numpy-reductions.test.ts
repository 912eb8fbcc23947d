/** np reductions: axis / keepdims / negative axes, arg-reductions, cumsum, var/std, all/any, empty arrays. */
import { expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { close, exact } from './numpy-backend.js';
import { Ref, i32, multiIndices } from './numpy-helpers.js';

/** Reduces `x` over `axes` (null = all) with `f` applied to the list of values along them. */
function reduceRef(x: Ref, axis: number | number[] | null, f: (vals: number[]) => number, keepdims = false): Ref {
  const nd = x.shape.length;
  const axes = axis === null ? x.shape.map((_, i) => i) : (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + nd : a));
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const r = Ref.fromFn(outShape, (o) => {
    const vals: number[] = [];
    for (const idx of multiIndices(axes.map((a) => x.shape[a]))) {
      const full = [...o];
      axes.forEach((a, k) => (full[a] = idx[k]));
      vals.push(x.at(full));
    }
    return f(vals);
  });
  return keepdims ? r : new Ref(x.shape.filter((_, i) => !axes.includes(i)), r.data);
}

const sumF = (v: number[]) => v.reduce((a, b) => a + b, 0);
const meanF = (v: number[]) => sumF(v) / v.length;
const prodF = (v: number[]) => v.reduce((a, b) => a * b, 1);
const varF = (ddof: number) => (v: number[]) => {
  const m = meanF(v);
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - ddof);
};

const x = Ref.random([2, 3, 4], 11, -2, 2);
const axesCases: (number | number[] | null)[] = [null, 0, 1, 2, -1, -3, [0, 2], [-1, -2], [0, 1, 2]];

describeEachBackend('sum / mean / prod / max / min over axes', (be) => {
  const fns = [
    ['sum', np.sum, sumF], ['mean', np.mean, meanF], ['prod', np.prod, prodF],
    ['max', np.max, (v: number[]) => Math.max(...v)], ['min', np.min, (v: number[]) => Math.min(...v)],
  ] as const;
  for (const [name, f, ref] of fns) {
    for (const axis of axesCases) {
      for (const keepdims of [false, true]) {
        it(`${name}(axis=${JSON.stringify(axis)}, keepdims=${keepdims})`, async () => {
          await close(be, f(x.array(), axis, { keepdims }), reduceRef(x, axis, ref, keepdims), { rtol: 1e-13, dtype: 'float64' });
        });
      }
    }
  }

  it('larger, odd-sized arrays (blocked kernels)', async () => {
    const big = Ref.random([3, 17, 33], 12, -5, 5);
    for (const axis of [1, [0, 2], -1, null] as (number | number[] | null)[]) {
      await close(be, np.sum(big.array(), axis), reduceRef(big, axis, sumF), { rtol: 1e-12, atol: 1e-12 });
      await close(be, np.max(big.array(), axis), reduceRef(big, axis, (v) => Math.max(...v)));
    }
    // A transposed (non-contiguous in the original layout) input.
    const m = reduceRef(big, 2, meanF);
    await close(be, np.mean(np.transpose(big.array()), 0), Ref.fromFn([17, 3], ([j, i]) => m.at([i, j])), { rtol: 1e-12, atol: 1e-13 });
  });

  it('bool arrays: max/min are any/all, argmax finds the first true', async () => {
    const b = np.array([[false, true, true], [false, false, false]]);
    await exact(be, np.max(b, 1), [true, false], 'bool');
    await exact(be, np.min(b, 0), [false, false, false], 'bool');
    await exact(be, np.argmax(b, 1), [1, 0], 'int32');
  });

  it('methods mirror the functions', async () => {
    const a = x.array();
    await close(be, a.sum(1, { keepdims: true }), reduceRef(x, 1, sumF, true));
    await close(be, a.mean(), reduceRef(x, null, meanF));
    await close(be, a.max(-1), reduceRef(x, -1, (v) => Math.max(...v)));
    await close(be, a.min([0, 1]), reduceRef(x, [0, 1], (v) => Math.min(...v)));
    await close(be, a.prod(0), reduceRef(x, 0, prodF), { rtol: 1e-13 });
  });

  it('int32 and bool inputs: sums stay integer, mean is float', async () => {
    const a = i32([[1, 2, 3], [4, 5, 6]]);
    await exact(be, np.sum(a, 0), [5, 7, 9], 'int32');
    await exact(be, np.prod(a, 1), [6, 120], 'int32');
    await exact(be, np.max(a), 6, 'int32');
    await close(be, np.mean(a, 1), [2, 5], { dtype: 'float64' });
    await exact(be, np.sum(np.array([[true, false, true], [true, true, true]]), 1), [2, 3], 'int32');
  });

  it('max / min propagate NaN', async () => {
    await close(be, np.max(np.array([[1, NaN, 3], [4, 5, 6]]), 1), [NaN, 6]);
    await close(be, np.min(np.array([[1, NaN, 3], [4, 5, 6]]), 1), [NaN, 4]);
  });

  it('ptp', async () => {
    await close(be, np.ptp(x.array(), 1), reduceRef(x, 1, (v) => Math.max(...v) - Math.min(...v)));
  });
});

describeEachBackend('empty arrays', (be) => {
  it('sum is 0, prod is 1, mean is NaN', async () => {
    await close(be, np.sum(np.zeros([0])), 0, { shape: [] });
    await exact(be, np.sum(np.zeros([0], { dtype: 'int32' })), 0, 'int32');
    await close(be, np.prod(np.zeros([0])), 1, { shape: [] });
    await close(be, np.mean(np.zeros([0])), NaN, { shape: [] });
    await close(be, np.sum(np.zeros([2, 0]), 1), [0, 0]);
    await close(be, np.sum(np.zeros([2, 0]), 0), [], { shape: [0] });
  });

  it('max/min of an empty axis throw; over a non-empty axis give an empty result', async () => {
    expect(() => np.max(np.zeros([0]))).toThrow(/np\.max.*zero-size.*\[0\]/);
    expect(() => np.min(np.zeros([3, 0]), 1)).toThrow(/np\.min.*\[3,0\]/);
    expect(np.max(np.zeros([2, 0]), 0).shape).toEqual([0]);
  });

  it('argmax of an empty array throws', async () => {
    expect(() => np.argmax(np.zeros([0]))).toThrow(/argmax.*empty/);
  });
});

describeEachBackend('argmax / argmin', (be) => {
  const argRef = (v: number[], better: (a: number, b: number) => boolean) => {
    let best = 0;
    for (let i = 0; i < v.length; i++) {
      if (Number.isNaN(v[i])) return i;
      if (better(v[i], v[best])) best = i;
    }
    return best;
  };
  const amax = (v: number[]) => argRef(v, (a, b) => a > b);
  const amin = (v: number[]) => argRef(v, (a, b) => a < b);

  it('along each axis and flattened (int32)', async () => {
    for (const axis of [0, 1, 2, -1]) {
      await exact(be, np.argmax(x.array(), axis), reduceRef(x, axis, amax).nested(), 'int32');
      await exact(be, np.argmin(x.array(), axis), reduceRef(x, axis, amin).nested(), 'int32');
    }
    await exact(be, np.argmax(x.array()), amax(x.data), 'int32');
    await exact(be, x.array().argmin(), amin(x.data), 'int32');
  });

  it('keepdims', async () => {
    await exact(be, np.argmax(x.array(), 1, { keepdims: true }), reduceRef(x, 1, amax, true).nested());
    expect(np.argmin(x.array(), null, { keepdims: true }).shape).toEqual([1, 1, 1]);
  });

  it('ties go to the first index', async () => {
    await exact(be, np.argmax(np.array([[1, 5, 5], [7, 7, 2], [3, 3, 3]]), 1), [1, 0, 0]);
    await exact(be, np.argmin(np.array([[1, 5, 1], [7, 2, 2], [3, 3, 3]]), 1), [0, 1, 0]);
    await exact(be, np.argmax(i32([[4, 9], [9, 9]]), 0), [1, 0]);
  });

  it('NaN wins (first NaN), as in numpy', async () => {
    await exact(be, np.argmax(np.array([3, 1, NaN, 9, NaN])), 2);
    await exact(be, np.argmin(np.array([3, 1, NaN, 0, NaN])), 2);
    await exact(be, np.argmax(np.array([[NaN, 1], [0, NaN]]), 1), [0, 1]);
  });
});

describeEachBackend('cumsum', (be) => {
  const cum = (v: number[]) => v.map((_, i) => sumF(v.slice(0, i + 1)));
  it('flattens with no axis', async () => {
    await close(be, np.cumsum(x.array()), cum(x.data), { rtol: 1e-13 });
  });

  it('along an axis, forward and reverse', async () => {
    const a = Ref.random([3, 4], 5);
    const along1 = Ref.fromFn([3, 4], ([i, j]) => sumF(a.data.slice(4 * i, 4 * i + j + 1)));
    await close(be, np.cumsum(a.array(), 1), along1, { rtol: 1e-13 });
    await close(be, np.cumsum(a.array(), -1), along1, { rtol: 1e-13 });
    const rev0 = Ref.fromFn([3, 4], ([i, j]) => sumF([0, 1, 2].filter((k) => k >= i).map((k) => a.at([k, j]))));
    await close(be, np.cumsum(a.array(), 0, { reverse: true }), rev0, { rtol: 1e-13 });
    await close(be, a.array().cumsum(0), Ref.fromFn([3, 4], ([i, j]) => sumF([0, 1, 2].filter((k) => k <= i).map((k) => a.at([k, j])))), { rtol: 1e-13 });
  });

  it('ints stay int32; bools count as int32', async () => {
    await exact(be, np.cumsum(i32([[1, 2], [3, 4]]), 0), [[1, 2], [4, 6]], 'int32');
    await exact(be, np.cumsum(np.array([true, true, false, true])), [1, 2, 2, 3], 'int32');
    await exact(be, np.cumsum(i32([1, 2, 3]), 0, { reverse: true }), [6, 5, 3], 'int32');
  });
});

describeEachBackend('var / std', (be) => {
  for (const ddof of [0, 1]) {
    for (const axis of [null, 0, 2, -2, [0, 2]] as (number | number[] | null)[]) {
      it(`var/std ddof=${ddof} axis=${JSON.stringify(axis)}`, async () => {
        const v = reduceRef(x, axis, varF(ddof));
        await close(be, np.var(x.array(), axis, { ddof }), v, { rtol: 1e-12 });
        await close(be, np.std(x.array(), axis, { ddof }), new Ref(v.shape, v.data.map(Math.sqrt)), { rtol: 1e-12 });
      });
    }
  }

  it('keepdims and int input', async () => {
    await close(be, np.var(x.array(), 1, { keepdims: true }), reduceRef(x, 1, varF(0), true));
    await close(be, np.var(i32([1, 2, 3, 4])), 1.25, { dtype: 'float64', shape: [] });
    await close(be, i32([1, 2, 3, 4]).std(null, { ddof: 1 }), Math.sqrt(5 / 3), { shape: [] });
  });
});

describeEachBackend('all / any', (be) => {
  const mk = () => np.array([[1, 0, 2], [3, 4, 5]]);
  it('numeric input: nonzero is true', async () => {
    const b = mk();
    await exact(be, np.all(b), false, 'bool');
    await exact(be, np.any(b), true, 'bool');
    await exact(be, np.all(b, 1), [false, true], 'bool');
    await exact(be, np.all(b, 0), [true, false, true], 'bool');
    await exact(be, np.any(np.array([[0, 0], [0, 1]]), -1), [false, true], 'bool');
  });

  it('bool input, keepdims, NaN is true', async () => {
    const b = mk();
    await exact(be, np.any(np.array([[false, false], [true, false]]), 0, { keepdims: true }), [[true, false]], 'bool');
    await exact(be, np.all(np.array([[true, true], [true, false]]), [0, 1], { keepdims: true }), [[false]], 'bool');
    await exact(be, np.all(np.array([NaN, 1])), true);
    await exact(be, b.any(1), [true, true]);
  });

  it('empty: all is true, any is false', async () => {
    await exact(be, np.all(np.zeros([0])), true, 'bool');
    await exact(be, np.any(np.zeros([0])), false, 'bool');
  });
});
