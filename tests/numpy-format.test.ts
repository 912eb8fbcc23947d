/** x.toString() prints like numpy's repr body (the strings below are numpy's output). */
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { jit, np } from '../lib/index.js';
import { i32 } from './numpy-helpers.js';

// CPU-only: toString reads the data synchronously, which a device without synchronous readback
// (test-f32, a GPU) rejects by design; formatting itself is host code, independent of the device.
describe('toString', () => {
  it('0-d arrays print the bare value', () => {
    expect(np.array(3.5).toString()).toBe('3.5');
    expect(np.array(2).toString()).toBe('2.0');
    expect(np.array(1e20).toString()).toBe('1e+20');
    expect(np.array(1e-5).toString()).toBe('1e-05');
    expect(np.array(1.5e-5).toString()).toBe('1.5e-05');
    expect(np.array(0.0001).toString()).toBe('0.0001');
    expect(np.array(123456789.25).toString()).toBe('123456789.25');
    expect(np.array(-0).toString()).toBe('-0.0');
    expect(np.array(0.1, { dtype: 'float32' }).toString()).toBe('0.1');
    expect(np.array(0.1 + 0.2).toString()).toBe('0.30000000000000004');
    expect(np.array(7, { dtype: 'int32' }).toString()).toBe('7');
    expect(np.array(true).toString()).toBe('True');
    expect(String(np.array(false))).toBe('False');
  });

  it('1-D floats, ints, bools', () => {
    expect(np.array([1, 2, 3]).toString()).toBe('[1. 2. 3.]');
    expect(np.array([-1, 2]).toString()).toBe('[-1.  2.]');
    expect(np.array([NaN, 1, Infinity]).toString()).toBe('[nan  1. inf]');
    expect(i32([1, -20, 300]).toString()).toBe('[  1 -20 300]');
    expect(np.array([true, false, true]).toString()).toBe('[ True False  True]');
    expect(np.zeros([0]).toString()).toBe('[]');
  });

  it('2-D and 3-D nest with numpy line breaks and indentation', () => {
    expect(i32([[1, 2], [30, 4]]).toString()).toBe('[[ 1  2]\n [30  4]]');
    expect(np.array([[1, 2], [3, 4]]).toString()).toBe('[[1. 2.]\n [3. 4.]]');
    expect(np.array([[true, false], [false, true]]).toString()).toBe('[[ True False]\n [False  True]]');
    expect(np.arange(8).reshape(2, 2, 2).toString()).toBe('[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]');
  });

  // numpy pads floats so the decimal points line up (integer part left-padded, fraction right-padded).
  it('floats with differing fraction lengths align on the decimal point (1-D)', () => {
    expect(np.array([1.5, 2, -3]).toString()).toBe('[ 1.5  2.  -3. ]');
  });
  it('floats with differing fraction lengths align on the decimal point (fraction only)', () => {
    expect(np.array([0.1, 0.25]).toString()).toBe('[0.1  0.25]');
  });
  it('floats with differing fraction lengths align on the decimal point (2-D)', () => {
    expect(np.array([[1.5, 2], [3, -4]]).toString()).toBe('[[ 1.5  2. ]\n [ 3.  -4. ]]');
  });
});

// numpy's repr strings (np.array(...) printed in a REPL), spelled Array(..., dtype=...) as JAX does
describe('console.log and util.inspect', () => {
  it('print numpy\'s repr, not the object\'s internals', () => {
    expect(inspect(np.array([[1, 2], [3, 4.5]]))).toBe('Array([[1. , 2. ],\n       [3. , 4.5]], dtype=float64)');
    expect(inspect({ a: np.array([1, 2]), b: np.array(3, { dtype: 'int32' }) })).toBe('{ a: Array([1., 2.], dtype=float64), b: Array(3, dtype=int32) }');
    expect(inspect(np.array([true, false]))).toBe('Array([ True, False], dtype=bool)');
    expect(inspect(np.ones([2, 2, 1]))).toBe('Array([[[1.],\n        [1.]],\n\n       [[1.],\n        [1.]]], dtype=float64)');
  });

  it('summarize past 1000 elements, as numpy does, without formatting them all', () => {
    expect(inspect(np.arange(2000).reshape([2, 1000]))).toBe('Array([[   0,    1,    2, ...,  997,  998,  999],\n       [1000, 1001, 1002, ..., 1997, 1998, 1999]], dtype=int32)');
    expect(np.arange(1001).toString()).toBe('[   0    1    2 ...  998  999 1000]');
    expect(np.arange(1000).toString()).toMatch(/^\[  0   1   2   3 /);
  });

  it('show a traced value\'s type and a disposed array as disposed', () => {
    let seen = '';
    jit((x: np.Array) => { seen = inspect(x); return x; })(np.ones([2]));
    expect(seen).toBe('Traced<f64[2]>');
    const d = np.ones([3]);
    d.dispose();
    expect(inspect(d)).toBe('Array(<disposed> f64[3])');
  });
});
