/** Indexing: x.slice(...) (ints, slices with negative steps, [], null, dynamic and array indices), x.at(...), take. */
import { expect, it } from 'vitest';
import { np } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { close, exact } from './numpy-backend.js';
import { Ref, i32, range } from './numpy-helpers.js';

/** Python's range(*slice(start, stop, step).indices(n)), written out directly. */
function pySlice(n: number, start: number | null, stop: number | null, step: number): number[] {
  const out: number[] = [];
  if (step > 0) {
    let s = start === null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    const e = stop === null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
    for (; s < e; s += step) out.push(s);
  } else {
    let s = start === null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
    const e = stop === null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
    for (; s > e; s += step) out.push(s);
  }
  return out;
}

describeEachBackend('slice on 1-D', (be) => {
  const mk = () => np.arange(10).mul(10);
  const table: [number | null, number | null, number | null][] = [
    [2, 5, null], [null, null, -1], [5, 1, -2], [-3, null, null], [null, -3, null], [8, null, -3], [1, null, 3],
    [-1, -11, -1], [100, null, -1], [-100, 100, 4], [3, 3, null], [5, 1, null], [1, 5, -1], [null, 4, -2], [7, -8, -1],
  ];
  for (const [s, e, st] of table) {
    it(`[${s}, ${e}, ${st}]`, async () => {
      const want = pySlice(10, s, e, st ?? 1).map((i) => 10 * i);
      await exact(be, mk().slice(st === null ? [s, e] : [s, e, st]), want, 'int32');
    });
  }

  it('integers (negative from the end) give 0-d; [] keeps the axis; [start] alone', async () => {
    const x = mk();
    await exact(be, x.slice(3), 30);
    await exact(be, x.slice(-1), 90);
    await exact(be, x.slice(-10), 0);
    await exact(be, x.slice([]), range(10).map((i) => 10 * i));
    await exact(be, x.slice([7] as unknown as [number]), [70, 80, 90]);
  });
});

describeEachBackend('slice on N-D', (be) => {
  const a = Ref.fromFn([4, 5], ([i, j]) => 10 * i + j);
  const b = Ref.fromFn([2, 3, 4], ([i, j, k]) => 100 * i + 10 * j + k);
  const pick2 = (rows: number[], cols: number[]) => rows.map((i) => cols.map((j) => a.at([i, j])));

  it('per-axis combinations of ints, slices and negative steps', async () => {
    const x = a.array();
    await exact(be, x.slice(1), [10, 11, 12, 13, 14]);
    await exact(be, x.slice([], 2), [2, 12, 22, 32]);
    await exact(be, x.slice(-1, [null, null, -1]), [34, 33, 32, 31, 30]);
    await exact(be, x.slice([null, null, -1], [1, 4]), pick2([3, 2, 1, 0], [1, 2, 3]));
    await exact(be, x.slice([3, 0, -2], [4, 0, -3]), pick2([3, 1], [4, 1]));
    await exact(be, x.slice([1, 3], [null, null, 2]), pick2([1, 2], [0, 2, 4]));
    await exact(be, x.slice([0, 4, 3], -2), [3, 33]);
  });

  it('fewer arguments than axes take the rest whole', async () => {
    await exact(be, b.array().slice(1), Ref.fromFn([3, 4], ([j, k]) => b.at([1, j, k])).nested());
    await exact(be, b.array().slice([], -1), Ref.fromFn([2, 4], ([i, k]) => b.at([i, 2, k])).nested());
    await exact(be, b.array().slice([null, null, -1]), Ref.fromFn([2, 3, 4], ([i, j, k]) => b.at([1 - i, j, k])).nested());
  });

  it('null inserts a new axis at its position', async () => {
    const x = a.array();
    expect(x.slice(null).shape).toEqual([1, 4, 5]);
    expect(x.slice([], null).shape).toEqual([4, 1, 5]);
    expect(x.slice([], [], null).shape).toEqual([4, 5, 1]);
    await exact(be, x.slice([], null, 1), [[1], [11], [21], [31]]);
    await exact(be, x.slice(2, null, [1, 3]), [[21, 22]]);
  });

  it('empty selections keep their shape', async () => {
    expect(a.array().slice([2, 2], []).shape).toEqual([0, 5]);
    expect(a.array().slice([], [1, 3, -1]).shape).toEqual([4, 0]);
  });
});

describeEachBackend('dynamic and array indices', (be) => {
  const a = Ref.fromFn([4, 5], ([i, j]) => 10 * i + j);
  const s = (v: number) => np.array(v, { dtype: 'int32' });

  it('a scalar int32 Array indexes like an integer (negative ok)', async () => {
    await exact(be, a.array().slice(s(2)), [20, 21, 22, 23, 24]);
    await exact(be, a.array().slice(s(-1)), [30, 31, 32, 33, 34]);
    await exact(be, a.array().slice([], s(3)), [3, 13, 23, 33]);
    await exact(be, a.array().slice(s(1), s(-2)), 13);
    await exact(be, a.array().slice([1, 3], s(4)), [14, 24]);
  });

  it('an int32 index array gathers (duplicates and negatives ok)', async () => {
    const x = np.arange(10).mul(3);
    await exact(be, x.slice(i32([1, 1, -1, 0])), [3, 3, 27, 0], 'int32');
    await exact(be, x.slice(i32([[0, 2], [4, -2]])), [[0, 6], [12, 24]]);
    await exact(be, a.array().slice(i32([3, 0])), [[30, 31, 32, 33, 34], [0, 1, 2, 3, 4]]);
  });

  it('several index arrays broadcast together and pick points', async () => {
    await exact(be, a.array().slice(i32([0, 1, 3]), i32([4, 0, -1])), [4, 10, 34]);
    await exact(be, a.array().slice(i32([[0], [2]]), i32([1, 3])), [[1, 3], [21, 23]]);
    await exact(be, a.array().slice(i32([1, 2]), 0), [10, 20]);
  });
});

describeEachBackend('index arrays on non-leading axes (numpy placement rules)', (be) => {
  const b = Ref.fromFn([2, 3, 4], ([i, j, k]) => 100 * i + 10 * j + k);
  it('gather: adjacent index axes stay in place, separated ones go first', async () => {
    const x = b.array();
    await exact(be, x.slice([], [], i32([0, 3])), Ref.fromFn([2, 3, 2], ([i, j, p]) => b.at([i, j, [0, 3][p]])).nested());
    await exact(be, x.slice([], i32([2, 0]), [1, 3]), Ref.fromFn([2, 2, 2], ([i, p, q]) => b.at([i, [2, 0][p], 1 + q])).nested());
    await exact(be, x.slice(i32([1, 0]), [], i32([3, -1])), Ref.fromFn([2, 3], ([p, j]) => b.at([[1, 0][p], j, 3])).nested());
    await exact(be, x.slice([], 1, i32([0, 2, 3])), Ref.fromFn([2, 3], ([i, p]) => b.at([i, 1, [0, 2, 3][p]])).nested());
    await exact(be, x.slice(1, [], i32([0, 2])), Ref.fromFn([2, 3], ([p, j]) => b.at([1, j, [0, 2][p]])).nested());
    await exact(be, x.slice([null, null, -1], i32([[0], [2]])), Ref.fromFn([2, 2, 1, 4], ([i, p, , k]) => b.at([1 - i, [0, 2][p], k])).nested());
  });

  it('at: add / set through index arrays on later axes', async () => {
    await exact(be, np.zeros([3, 4]).at([], i32([1, 1, 3])).add(1), [[0, 2, 0, 1], [0, 2, 0, 1], [0, 2, 0, 1]]);
    const vals = Ref.fromFn([2, 3], ([p, j]) => p * 10 + j + 1);
    const got = np.zeros([2, 3, 4]).at(i32([1, 0]), [], i32([3, 0])).set(vals.array());
    await exact(be, got, Ref.fromFn([2, 3, 4], ([i, j, k]) => (i === 1 && k === 3 ? vals.at([0, j]) : i === 0 && k === 0 ? vals.at([1, j]) : 0)).nested());
    const got2 = np.zeros([2, 3, 2]).at([], i32([2, 2, 0])).add(np.ones([2, 3, 2]));
    await exact(be, got2, Ref.fromFn([2, 3, 2], ([, j]) => (j === 2 ? 2 : j === 0 ? 1 : 0)).nested());
  });
});

describeEachBackend('at(...).set / add / get', (be) => {
  it('set at an integer, a row, a column, a slice, a negative-step slice', async () => {
    const x = np.zeros([3, 4]);
    await exact(be, x.at(1, 2).set(5), [[0, 0, 0, 0], [0, 0, 5, 0], [0, 0, 0, 0]]);
    await exact(be, x.at(-1).set(np.array([1, 2, 3, 4])), [[0, 0, 0, 0], [0, 0, 0, 0], [1, 2, 3, 4]]);
    await exact(be, x.at([], 0).set(7), [[7, 0, 0, 0], [7, 0, 0, 0], [7, 0, 0, 0]]);
    await exact(be, x.at([0, 2], [1, 3]).set(np.array([[1, 2], [3, 4]])), [[0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]);
    await exact(be, np.zeros([5]).at([null, null, -2]).set(np.array([1, 2, 3])), [3, 0, 2, 0, 1]);
    await exact(be, x, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]); // functional: x unchanged
  });

  it('add accumulates, including duplicate indices', async () => {
    await exact(be, np.ones([5]).at(i32([1, 1, 3, 1])).add(2), [1, 7, 1, 3, 1]);
    await exact(be, np.zeros([4]).at(i32([0, -1, -1])).add(np.array([1, 2, 3])), [1, 0, 0, 5]);
    await exact(be, np.zeros([3, 2]).at(i32([2, 0, 2])).add(np.array([[1, 2], [3, 4], [5, 6]])), [[3, 4], [0, 0], [6, 8]]);
    await exact(be, i32([1, 2, 3]).at(1).add(10), [1, 12, 3], 'int32');
    await exact(be, np.ones([2, 2]).at([], 1).add(np.array([5, 6])), [[1, 6], [1, 7]]);
  });

  it('set with an index array; dynamic scalar index; get', async () => {
    await exact(be, np.zeros([5]).at(i32([4, 0])).set(np.array([9, 8])), [8, 0, 0, 0, 9]);
    await exact(be, np.zeros([3]).at(np.array(-1, { dtype: 'int32' })).set(2), [0, 0, 2]);
    await exact(be, np.arange(6).reshape(2, 3).at(1, [null, null, -1]).get(), [5, 4, 3]);
  });
});

describeEachBackend('take / takeAlongAxis', (be) => {
  const a = Ref.fromFn([3, 4], ([i, j]) => 10 * i + j);

  it('take on the flattened array by default, with negative indices and JS lists', async () => {
    await exact(be, np.take(a.array(), i32([0, 5, -1])), [0, 11, 23]);
    await exact(be, np.take(a.array(), [11, 4]), [23, 10]);
    await exact(be, np.take(a.array(), 6), 12);
  });

  it('take along axis 0, 1 and -1, with multi-dim indices placed at the axis', async () => {
    await exact(be, np.take(a.array(), i32([2, 0]), 0), [[20, 21, 22, 23], [0, 1, 2, 3]]);
    await exact(be, np.take(a.array(), i32([-1, 1]), 1), [[3, 1], [13, 11], [23, 21]]);
    await exact(be, np.take(a.array(), i32([3]), -1), [[3], [13], [23]]);
    const r = np.take(a.array(), i32([[0, 1], [2, 3]]), 1);
    await exact(be, r, Ref.fromFn([3, 2, 2], ([i, p, q]) => a.at([i, [[0, 1], [2, 3]][p][q]])).nested());
    const b = Ref.fromFn([2, 3, 4], ([i, j, k]) => 100 * i + 10 * j + k);
    const r2 = np.take(b.array(), i32([[2, 0]]), 1);
    await exact(be, r2, Ref.fromFn([2, 1, 2, 4], ([i, , q, k]) => b.at([i, [2, 0][q], k])).nested());
  });

  it('takeAlongAxis picks per row / column (argsort-style)', async () => {
    const x = Ref.random([3, 4], 3);
    // Indices of each row sorted ascending, computed in JS.
    const order = range(3).map((i) => range(4).sort((p, q) => x.at([i, p]) - x.at([i, q])));
    const sorted = np.takeAlongAxis(x.array(), i32(order), 1);
    await close(be, sorted, order.map((o, i) => o.map((j) => x.at([i, j]))));
    await close(be, np.takeAlongAxis(x.array(), i32([[2, -1, 0, 1]]), 0), [[2, 2, 0, 1].map((i, j) => x.at([i, j]))]);
    await close(be, np.takeAlongAxis(x.array(), i32([[0], [3], [-1]]), -1), [[x.at([0, 0])], [x.at([1, 3])], [x.at([2, 3])]]);
  });
});
