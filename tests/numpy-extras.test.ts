/**
 * lib/numpy/extras.ts: packbits/unpackbits, mgrid/ogrid, r_/c_, sortComplex, topK, einsumPath.
 * Expected values are numpy 2.4's answers pasted as literals (einsumPath's paths and report text
 * included), or written by hand where the comment says so.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, np, vmap } from '../lib/index.js';
import { checkGrad, f64, i32, near } from './check-values.js';

const u8 = (data: number[] | number[][]): Array => np.array(data, { dtype: 'uint8' });

describe('np.packbits / np.unpackbits', () => {
  const a = i32([[[1, 0, 1, 1, 0, 0, 1, 0, 1, 1], [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]], [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]]]);

  it('packs along an axis or flattened, big or little bit order, padding the last byte', () => {
    near(np.packbits(a, { axis: -1 }), [[[178, 192], [1, 128]], [[255, 192], [85, 64]]], { dtype: 'uint8' });
    near(np.packbits(a, { axis: -1, bitorder: 'little' }), [[[77, 3], [128, 1]], [[255, 3], [170, 2]]], { dtype: 'uint8' });
    near(np.packbits(a), [178, 192, 111, 253, 85], { dtype: 'uint8' });
    near(np.packbits(i32([[1, 0, 1], [0, 1, 1]]), { axis: 0 }), [[128, 64, 192]]);
    near(np.packbits(np.array([[true, false, true], [false, true, true]]), { axis: 1 }), [[160], [96]]);
    // any nonzero counts as 1; JS integer data packs as numpy's integer lists do
    near(np.packbits(i32([0, -3, 7, 0, 0, 0, 0, 0, 2])), [96, 128]);
    near(np.packbits([1, 0, 1, 1, 0, 0, 0, 1, 1]), [177, 128], { dtype: 'uint8' });
  });

  it('unpacks uint8 along an axis, with count and bit order', () => {
    const b = u8([[5, 200], [255, 16]]);
    near(np.unpackbits(b, { axis: 0 }), [[0, 1], [0, 1], [0, 0], [0, 0], [0, 1], [1, 0], [0, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 1], [1, 0], [1, 0], [1, 0], [1, 0]], { dtype: 'uint8' });
    near(np.unpackbits(b, { axis: 1, bitorder: 'little' }), [[1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0]]);
    near(np.unpackbits(b, { count: 20 }), [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    near(np.unpackbits(u8([[2], [7]]), { axis: 1, count: -2 }), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]]);
    expect(np.unpackbits(u8([[2], [7]]), { axis: 0, count: 18 }).shape).toEqual([18, 1]);
    expect(np.unpackbits(b, { axis: 1, count: 0 }).shape).toEqual([2, 0]);
    near(np.unpackbits(np.packbits(a, { axis: -1 }), { axis: -1, count: 10 }), a.js() as number[][][]);
  });

  it('run under jit and vmap', () => {
    const pack = (x: Array) => np.packbits(x, { axis: 0 });
    near(jit(pack)(i32([1, 1, 0, 0, 0, 0, 0, 1, 1])), [193, 128]);
    near(vmap(pack)(i32([[1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1]])), [[128], [1]]);
    near(vmap((x: Array) => np.unpackbits(x, { count: 4 }))(u8([[240], [15]])), [[1, 1, 1, 1], [0, 0, 0, 0]]);
  });

  it('errors name the function, the dtype and the fix', () => {
    expect(() => np.packbits(f64([1.5, 0]))).toThrow(/np.packbits: expected a bool or integer array, got f64\[2\]; compare first/);
    expect(() => np.unpackbits(i32([1]))).toThrow(/np.unpackbits: expected a uint8 array, got i32\[1\]; convert it with x.astype\('uint8'\)/);
    expect(() => np.packbits(i32([1]), { bitorder: 'middle' as 'big' })).toThrow(/np.packbits: bitorder must be 'big' or 'little', got "middle"/);
    expect(() => np.unpackbits(u8([1]), { count: -9 })).toThrow(/np.unpackbits: count -9 would drop 9 bits, more than the 8/);
    expect(() => np.packbits(i32(1), { axis: 0 })).toThrow(/np.packbits: axis 0 given for a 0-d input; pass axis: null/);
  });
});

describe('np.mgrid / np.ogrid', () => {
  it('dense grids with numpy values and dtypes', () => {
    near(np.mgrid([0, 2], [0, 3]), [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]], { dtype: 'int32' });
    near(np.mgrid([5, 0, -2], [0, 2]), [[[5, 5], [3, 3], [1, 1]], [[0, 1], [0, 1], [0, 1]]]);
    near(np.mgrid([0, 2], [0, 1, { num: 3 }]), [[[0, 0, 0], [1, 1, 1]], [[0, 0.5, 1], [0, 0.5, 1]]], { dtype: 'float64' });
    near(np.mgrid([0, 1, { num: 3 }]), [0, 0.5, 1]);
    near(np.mgrid([-1, 1, { num: 1 }]), [-1]);
    near(np.mgrid([0, 1, 0.25]), [0, 0.25, 0.5, 0.75]);
    near(np.mgrid({ start: 0, stop: 3, step: 0.5 }), [0, 0.5, 1, 1.5, 2, 2.5]);
    near(np.mgrid({ stop: 3 }, { start: 0, stop: 1, num: 2 }), [[[0, 0], [1, 1], [2, 2]], [[0, 1], [0, 1], [0, 1]]], { dtype: 'float64' });
  });

  it('open grids broadcast to the dense one', () => {
    const [i, j] = np.ogrid([0, 1, 0.5], [0, 3]);
    near(i, [[0], [0.5]]);
    near(j, [[0, 1, 2]]);
    near(np.add(i, j), [[0, 1, 2], [0.5, 1.5, 2.5]]);
    near(np.ogrid([0, 3]), [0, 1, 2]);
  });

  it('errors say how to write a range', () => {
    expect(() => np.mgrid()).toThrow(/np.mgrid: give at least one range, e.g. np.mgrid\(\[0, 5\], \[0, 3\]\)/);
    expect(() => np.mgrid([0, 1, 0])).toThrow(/np.mgrid: range 0: step must not be zero/);
    expect(() => np.mgrid(5 as unknown as [number, number])).toThrow(/np.mgrid: range 0 must be \[start, stop\], \[start, stop, step\], \[start, stop, \{ num \}\]/);
    expect(() => np.ogrid([0, 1, { num: 2.5 }])).toThrow(/np.ogrid: range 0: num must be a non-negative integer \(numpy's complex step numj\)/);
  });
});

describe('np.r_ / np.c_', () => {
  it('concatenate along the first axis, with ranges, scalars and directives', () => {
    near(np.r_(np.array([1, 2, 3]), 0, 0, np.array([4, 5, 6])), [1, 2, 3, 0, 0, 4, 5, 6]);
    near(np.r_({ start: -1, stop: 1, num: 5 }, 0), [-1, -0.5, 0, 0.5, 1, 0]);
    near(np.r_({ stop: 3 }, 2.5), [0, 1, 2, 2.5]);
    near(np.r_(1, 2.5, true), [1, 2.5, 1]);
    near(np.r_(i32([[1, 2]]), [[3, 4]]), [[1, 2], [3, 4]]);
    near(np.r_('0,2', [1, 2, 3], [4, 5, 6]), [[1, 2, 3], [4, 5, 6]]);
    near(np.r_('-1', i32([[1, 2], [3, 4]]), i32([[5], [6]])), [[1, 2, 5], [3, 4, 6]]);
    near(np.r_('1', i32([[1], [2]]), i32([[3], [4]])), [[1, 3], [2, 4]]);
    near(np.r_('0,2,0', [1, 2, 3], [4, 5, 6]), [[1], [2], [3], [4], [5], [6]]);
    near(np.r_('1,2,0', [1, 2, 3], [4, 5, 6]), [[1, 4], [2, 5], [3, 6]]);
    near(np.r_('0,2,1', [1, 2, 3], [4, 5, 6]), [[1, 2, 3], [4, 5, 6]]);
    expect(np.r_('0,3,1', [1, 2]).shape).toEqual([1, 2, 1]);
    expect(np.r_('0,3,-1', [1, 2]).shape).toEqual([1, 1, 2]);
    expect(np.r_('0,4,1', np.ones([2, 3])).shape).toEqual([1, 2, 3, 1]);
    expect(np.r_(i32([1]), 2).dtype).toBe('int32'); // a JS number does not up-cast
  });

  it('c_ stacks 1-D items as columns', () => {
    near(np.c_(np.array([1, 2, 3]), np.array([4, 5, 6])), [[1, 4], [2, 5], [3, 6]]);
    near(np.c_(i32([[1, 2, 3]]), 0, 0, i32([[4, 5, 6]])), [[1, 2, 3, 0, 0, 4, 5, 6]]);
    near(np.c_({ start: 0, stop: 3 }, { start: 3, stop: 6 }), [[0, 3], [1, 4], [2, 5]]);
  });

  it('are differentiable and run under jit', () => {
    checkGrad((x) => np.r_(x, 2, x.mul(x)), [1, -2, 0.5]);
    checkGrad((x) => np.c_(x, x.mul(3)), [1, -2, 0.5]);
    near(jit((x: Array) => np.c_(x, x.mul(2)))(f64([1, 2])), [[1, 2], [2, 4]]);
    near(vmap((x: Array) => np.r_(x, 0))(f64([[1, 2], [3, 4]])), [[1, 2, 0], [3, 4, 0]]);
  });

  it('errors name the directive or item', () => {
    expect(() => np.r_('r', [1])).toThrow(/np.r_: numpy's matrix directive 'r' is not supported/);
    expect(() => np.r_('a,b', [1])).toThrow(/np.r_: unknown directive "a,b"; it must be 'axis', 'axis,ndmin' or 'axis,ndmin,trans1d'/);
    expect(() => np.c_([1], '0')).toThrow(/np.c_: a directive string must be the first item/);
    expect(() => np.r_(f64([[1, 2]]), f64([3]))).toThrow(/np.r_: all items must have the same number of axes/);
  });
});

describe('np.sortComplex, np.topK', () => {
  it('sortComplex sorts by real part, then imaginary part, along the last axis', () => {
    const z = np.sortComplex(np.complex([[3, 1, 1], [2, 2, -5]], [[1, 2, 1], [0, -1, 9]]));
    near(z.re, [[1, 1, 3], [-5, 2, 2]]);
    near(z.im, [[1, 2, 1], [9, -1, 0]]);
    const r = np.sortComplex(i32([5, 3, 6, 2, 1]));
    near(r.re, [1, 2, 3, 5, 6], { dtype: 'float64' });
    near(r.im, [0, 0, 0, 0, 0]);
    expect(() => np.sortComplex(f64(1))).toThrow(/np.sortComplex: cannot sort a 0-d value; reshape it to \[1\] first/);
  });

  it('sortComplex is differentiable in both parts (a permutation), away from ties', () => {
    checkGrad((x) => { const z = np.sortComplex(np.complex(x.slice([0, 3]), x.slice([3, 6]))); return np.concatenate([z.re, z.im]); }, [2, 1, 3, 0.5, 3, -1]);
  });

  it('topK is lax.topK: largest first, ties lowest index first', () => {
    const [v, i] = np.topK(f64([[3, 1, 4, 1, 5], [2, 2, 0, 7, 2]]), 3);
    near(v, [[5, 4, 3], [7, 2, 2]]);
    near(i, [[4, 2, 0], [3, 0, 1]], { dtype: 'int32' });
    expect(() => np.topK(f64([1, 2]), 3)).toThrow(/np.topK: k must be an integer in \[0, 2\]/);
    checkGrad((x) => np.topK(x, 2)[0], [0.5, 3, -1, 2]);
    near(grad((x: Array) => np.sum(np.topK(x, 1)[0]))(f64([1, 9, 3])), [0, 1, 0]);
  });
});

describe('np.einsumPath', () => {
  const ones = (...shapes: number[][]): Array[] => shapes.map((s) => np.ones(s));

  it('greedy and optimal paths are numpy\'s', () => {
    expect(np.einsumPath('ij,jk,kl->il', ...ones([2, 3], [3, 4], [4, 5]))[0]).toEqual(['einsum_path', [1, 2], [0, 1]]);
    expect(np.einsumPath('ea,fb,abcd,gc,hd->efgh', ...ones([10, 10], [10, 10], [10, 10, 10, 10], [10, 10], [10, 10]))[0]).toEqual(['einsum_path', [0, 2], [0, 3], [0, 2], [0, 1]]);
    expect(np.einsumPath('ea,fb,abcd,gc,hd->efgh', ...ones([10, 10], [10, 10], [10, 10, 10, 10], [10, 10], [10, 10]), { optimize: 'optimal' })[0]).toEqual(['einsum_path', [0, 2], [0, 3], [0, 2], [0, 1]]);
    expect(np.einsumPath('abd,ac,bdc', ...ones([1, 2, 4], [1, 3], [2, 4, 3]), { optimize: 'optimal' })[0]).toEqual(['einsum_path', [0, 2], [0, 1]]);
    expect(np.einsumPath('ab,bc,cd,de', ...ones([5, 30], [30, 2], [2, 40], [40, 3]), { optimize: 'optimal' })[0]).toEqual(['einsum_path', [0, 1], [0, 1], [0, 1]]);
    expect(np.einsumPath('ij,jk->ik', ...ones([2, 3], [3, 4]))[0]).toEqual(['einsum_path', [0, 1]]);
    expect(np.einsumPath('i,i,i', ...ones([3], [3], [3]))[0]).toEqual(['einsum_path', [0, 1], [0, 1]]);
    expect(np.einsumPath('ij,jk,kl->il', ...ones([2, 3], [3, 4], [4, 5]), { optimize: false })[0]).toEqual(['einsum_path', [0, 1, 2]]);
    // a memory limit of 10 elements forbids every intermediate: one step
    expect(np.einsumPath('ab,cd,bc->ad', ...ones([4, 50], [60, 3], [50, 60]), { optimize: ['greedy', 10] })[0]).toEqual(['einsum_path', [0, 1, 2]]);
    expect(np.einsumPath('ab,cd,bc->ad', ...ones([4, 50], [60, 3], [50, 60]), { optimize: 'optimal' })[0]).toEqual(['einsum_path', [1, 2], [0, 1]]);
  });

  it('the report is numpy\'s text', () => {
    const [path, report] = np.einsumPath('ij,jk,kl->il', ...ones([2, 3], [3, 4], [4, 5]), { optimize: ['einsum_path', [0, 1], [0, 1]] });
    expect(path).toEqual(['einsum_path', [0, 1], [0, 1]]);
    expect(report).toBe([
      '  Complete contraction:  ij,jk,kl->il',
      '         Naive scaling:  4',
      '     Optimized scaling:  3',
      '      Naive FLOP count:  3.600e+02',
      '  Optimized FLOP count:  1.290e+02',
      '   Theoretical speedup:  2.791',
      '  Largest intermediate:  1.000e+01 elements',
      '--------------------------------------------------------------------------',
      'scaling                  current                                remaining',
      '--------------------------------------------------------------------------',
      '   3                   jk,ij->ik                                kl,ik->il',
      '   3                   ik,kl->il                                   il->il',
    ].join('\n'));
    const [, greedy] = np.einsumPath('ea,fb,abcd,gc,hd->efgh', ...ones([10, 10], [10, 10], [10, 10, 10, 10], [10, 10], [10, 10]));
    expect(greedy.split('\n').slice(3, 7)).toEqual(['      Naive FLOP count:  5.000e+08', '  Optimized FLOP count:  8.000e+05', '   Theoretical speedup:  624.999', '  Largest intermediate:  1.000e+04 elements']);
    expect(greedy.split('\n').slice(10)).toEqual([
      '   5               abcd,ea->bcde                      fb,gc,hd,bcde->efgh',
      '   5               bcde,fb->cdef                         gc,hd,cdef->efgh',
      '   5               cdef,gc->defg                            hd,defg->efgh',
      '   5               defg,hd->efgh                               efgh->efgh',
    ]);
  });

  it('the path contracts to np.einsum\'s value', () => {
    // by hand: contracting pairwise in the path's order gives the same product
    const [a, b, c] = [f64([[1, 2, 3], [4, 5, 6]]), f64([[1, 0], [0, 1], [1, 1]]), f64([[2, -1], [0, 3]])];
    const [path] = np.einsumPath('ij,jk,kl->il', a, b, c);
    expect(path).toEqual(['einsum_path', [0, 1], [0, 1]]);
    near(np.einsum('ij,jk,kl->il', a, b, c), [[8, 11], [20, 23]]);
  });

  it('errors name the subscripts and shapes', () => {
    expect(() => np.einsumPath('ij,jk', np.ones([2, 3]))).toThrow(/np.einsumPath: 'ij,jk' names 2 operands, got 1/);
    expect(() => np.einsumPath('ij,jk', np.ones([2, 3]), np.ones([4, 2]))).toThrow(/np.einsumPath: label 'j' has size 4 in operand 1 but 3 before/);
    expect(() => np.einsumPath('ij,jk', np.ones([2, 3]), np.ones([3, 2]), { optimize: 'best' as 'greedy' })).toThrow(/np.einsumPath: optimize must be 'greedy', 'optimal'/);
    expect(() => np.einsumPath('ij,jk,kl', ...ones([2, 3], [3, 4], [4, 5]), { optimize: ['einsum_path', [0, 1]] })).toThrow(/np.einsumPath: invalid path: 1 more operand/);
  });
});
