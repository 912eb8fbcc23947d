/** Bad inputs to np functions throw errors that name the function and the offending shapes/values. */
import { expect, it } from 'vitest';
import { ShapeError, np } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { i32 } from './numpy-helpers.js';

/** Asserts `f` throws an instance of `type` whose message matches every pattern. */
function expectError(f: () => unknown, type: new (...args: never[]) => Error, ...patterns: RegExp[]): void {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err, 'expected a throw').toBeInstanceOf(type);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
}

describeEachBackend('broadcasting and elementwise', (be) => {
  it('incompatible shapes name the function and both shapes', () => {
    expectError(() => np.add(np.zeros([2, 3]), np.zeros([4])), ShapeError, /np\.add/, /\[2,3\]/, /\[4\]/);
    expectError(() => np.multiply(np.zeros([2, 3]), np.zeros([3, 2])), ShapeError, /np\.multiply/, /\[2,3\]/, /\[3,2\]/);
    expectError(() => np.zeros([2, 3]).add(np.zeros([2])), ShapeError, /np\.add/, /\[2,3\]/, /\[2\]/);
    expectError(() => np.where(np.zeros([2]), np.zeros([3]), 1), ShapeError, /np\.where/, /\[2\]/, /\[3\]/);
    expectError(() => np.less(np.zeros([5]), np.zeros([4])), ShapeError, /np\.less/, /\[5\]/, /\[4\]/);
  });

  it('boolean subtract is a TypeError (as in numpy)', () => {
    expectError(() => np.subtract(np.array([true]), np.array([false])), TypeError, /np\.subtract/, /bool/);
  });

  it('non-array operands', () => {
    expectError(() => np.add([1, 2] as never, 1), TypeError, /np\.array/);
  });
});

describeEachBackend('creation', (be) => {
  it('ragged nested arrays', () => {
    expectError(() => np.array([[1, 2], [3]]), ShapeError, /np\.array/, /ragged/, /\[2,2\]/);
    expectError(() => np.array([[1, 2], 3] as never), ShapeError, /np\.array/, /ragged/);
    expectError(() => np.array([1, [2]] as never), ShapeError, /np\.array/, /ragged/);
    expectError(() => np.array([['a']] as never), TypeError, /np\.array/, /string/);
  });

  it('unknown dtypes name the function and the dtype', () => {
    expectError(() => np.zeros([2], { dtype: 'int64' as never }), TypeError, /np\.zeros/, /int64/, /'int32'/);
    expectError(() => np.ones([2], { dtype: 'int16' as never }), TypeError, /np\.ones/, /int16/, /'int32'/);
    expectError(() => np.array([1], { dtype: 'int64' as never }), TypeError, /np\.array/, /int64/);
    expectError(() => np.arange(3, undefined, 1, { dtype: 'uint16' as never }), TypeError, /np\.arange/, /uint16/, /'uint32'/);
    expectError(() => np.zeros([2]).astype('complex64' as never), TypeError, /astype/, /complex64/);
  });

  it('invalid shapes and ranges', () => {
    expectError(() => np.zeros([2, -1]), ShapeError, /np\.zeros/, /\[2,-1\]/);
    expectError(() => np.full([1.5], 0), ShapeError, /np\.full/, /\[1\.5\]/);
    expectError(() => np.arange(0, 5, 0), RangeError, /np\.arange/, /step/);
    expectError(() => np.linspace(0, 1, -1), RangeError, /np\.linspace/, /-1/);
    expectError(() => np.tril(np.zeros([3])), ShapeError, /np\.tril/, /\[3\]/);
  });
});

describeEachBackend('shape ops', (be) => {
  it('reshape size mismatch', () => {
    expectError(() => np.reshape(np.zeros([2, 3]), [4, 2]), ShapeError, /np\.reshape/, /\[2,3\]/, /\[4,2\]/);
    expectError(() => np.zeros([2, 3]).reshape(4, -1), ShapeError, /np\.reshape/, /\[2,3\]/, /\[4,-1\]/);
    expectError(() => np.reshape(np.zeros([6]), [-1, -1]), ShapeError, /np\.reshape/, /\[-1,-1\]/);
  });

  it('axis out of range names the function, the axis and the rank', () => {
    expectError(() => np.sum(np.zeros([2, 3]), 2), ShapeError, /np\.sum/, /axis 2/, /rank 2/);
    expectError(() => np.mean(np.zeros([2, 3]), -3), ShapeError, /np\.mean/, /axis -3/);
    expectError(() => np.var(np.zeros([2, 3]), 2), ShapeError, /np\.var/, /axis 2/);
    expectError(() => np.std(np.zeros([2, 3]), [0, 4]), ShapeError, /np\.std/, /axis 4/);
    expectError(() => np.argmax(np.zeros([2, 3]), 5), ShapeError, /np\.argmax/, /axis 5/);
    expectError(() => np.cumsum(np.zeros([2, 3]), 2), ShapeError, /np\.cumsum/, /axis 2/);
    expectError(() => np.concatenate([np.zeros([2, 3]), np.zeros([2, 3])], 2), ShapeError, /np\.concatenate/, /axis 2/);
    expectError(() => np.expandDims(np.zeros([2, 3]), 3), ShapeError, /np\.expandDims/, /axis 3/);
    expectError(() => np.moveaxis(np.zeros([2, 3]), 0, 2), ShapeError, /np\.moveaxis/, /axis 2/);
    expectError(() => np.flip(np.zeros([2, 3]), -3), ShapeError, /np\.flip/, /axis -3/);
    expectError(() => np.sum(np.zeros([2, 3]), [0, -2]), ShapeError, /np\.sum/, /repeated axis/);
  });

  it('transpose with a bad permutation', () => {
    expectError(() => np.transpose(np.zeros([2, 3]), [0]), ShapeError, /np\.transpose/, /\[2,3\]/);
    expectError(() => np.transpose(np.zeros([2, 3]), [1, 1]), ShapeError, /np\.transpose/, /\[1,1\]/);
  });

  it('joining, squeezing and broadcasting mismatches', () => {
    expectError(() => np.concatenate([np.zeros([2, 3]), np.zeros([2, 4])]), ShapeError, /np\.concatenate/, /\[2,3\]/, /\[2,4\]/);
    expectError(() => np.stack([np.zeros([2]), np.zeros([3])]), ShapeError, /np\.stack/, /\[2\]/, /\[3\]/);
    expectError(() => np.squeeze(np.zeros([2, 3]), 0), ShapeError, /np\.squeeze/, /\[2,3\]/);
    expectError(() => np.broadcastTo(np.zeros([3]), [2, 4]), ShapeError, /np\.broadcastTo/, /\[3\]/, /\[2,4\]/);
    expectError(() => np.broadcastTo(np.zeros([2, 3]), [3]), ShapeError, /np\.broadcastTo/, /\[2,3\]/, /\[3\]/);
    expectError(() => np.pad(np.zeros([3]), [[1, 1], [1, 1]]), ShapeError, /np\.pad/);
  });
});

describeEachBackend('reductions', (be) => {
  it('max / min / argmax of empty arrays', () => {
    expectError(() => np.max(np.zeros([0])), ShapeError, /np\.max/, /\[0\]/);
    expectError(() => np.min(np.zeros([2, 0]), 1), ShapeError, /np\.min/, /\[2,0\]/);
    expectError(() => np.argmax(np.zeros([0])), ShapeError, /argmax/, /empty/);
  });

  it('item on a non-scalar', () => {
    expectError(() => np.zeros([2]).item(), TypeError, /item/, /\[2\]/);
  });
});

describeEachBackend('indexing', (be) => {
  it('too many indices names the rank and the shape', () => {
    expectError(() => np.zeros([2, 3]).slice(0, 1, 2), ShapeError, /slice/, /too many indices/, /\[2,3\]/);
    expectError(() => np.zeros([2]).at(0, 1).set(1), ShapeError, /at/, /too many indices/, /\[2\]/);
  });

  it('integer index out of bounds (positive and negative)', () => {
    expectError(() => np.zeros([2, 3]).slice(0, 3), ShapeError, /slice/, /index 3/, /axis 1/, /\[2,3\]/);
    expectError(() => np.zeros([2, 3]).slice(-3), ShapeError, /slice/, /index -3/, /axis 0/, /\[2,3\]/);
  });

  it('bad slices and index dtypes', () => {
    expectError(() => np.zeros([5]).slice([0, 4, 0]), ShapeError, /slice/, /step/);
    expectError(() => np.zeros([5]).slice(np.array([1]) as never), TypeError, /slice/, /int32/, new RegExp(be.dtype));
    expectError(() => np.take(np.zeros([3]), np.array([1])), TypeError, /np\.take/, /int32/);
    expectError(() => np.zeros([3, 4]).at([0, 2], i32([1])).set(1), ShapeError, /at/, /partial slice/, /\[3,4\]/);
    expectError(() => np.zeros([3, 4]).slice(null, i32([1])), ShapeError, /slice/, /new axis/, /\[3,4\]/);
    expectError(() => np.zeros([3, 4]).slice(i32([0, 1]), i32([0, 1, 2])), ShapeError, /slice/, /\[2\]/, /\[3\]/);
    expectError(() => np.takeAlongAxis(np.zeros([3, 2]), i32([1]), 0), ShapeError, /np\.takeAlongAxis/, /\[1\]/, /\[3,2\]/);
  });
});

describeEachBackend('linear algebra', (be) => {
  it('matmul / dot / tensordot contraction mismatches', () => {
    expectError(() => np.matmul(np.zeros([2, 3]), np.zeros([4, 5])), ShapeError, /np\.matmul/, /\[2,3\]/, /\[4,5\]/);
    expectError(() => np.matmul(np.zeros([2, 2, 3]), np.zeros([3, 3, 5])), ShapeError, /np\.matmul/, /\[2,2,3\]/, /\[3,3,5\]/);
    expectError(() => np.matmul(np.zeros([3]), np.zeros([4])), ShapeError, /np\.matmul/);
    expectError(() => np.matmul(np.array(1), np.zeros([2])), ShapeError, /np\.matmul/, /1-D/);
    expectError(() => np.dot(np.zeros([2, 3]), np.zeros([4])), ShapeError, /np\.dot/, /\[2,3\]/, /\[4\]/);
    expectError(() => np.tensordot(np.zeros([2, 3]), np.zeros([4, 5]), 1), ShapeError, /np\.tensordot/, /\[2,3\]/, /\[4,5\]/);
  });

  it('einsum mistakes', () => {
    expectError(() => np.einsum('ij,jk->ik', np.zeros([2, 3]), np.zeros([4, 5])), ShapeError, /np\.einsum/, /'j'/, /\[2,3\]/, /\[4,5\]/);
    expectError(() => np.einsum('ij->i', np.zeros([2])), ShapeError, /np\.einsum/, /rank 1/);
    expectError(() => np.einsum('ij,jk->ik', np.zeros([2, 3])), ShapeError, /np\.einsum/, /2 operands/);
    expectError(() => np.einsum('ij->k', np.zeros([2, 3])), ShapeError, /np\.einsum/, /'k'/);
  });

  it('np.linalg needs square matrices and matching right-hand sides', () => {
    expectError(() => np.linalg.solve(np.zeros([2, 3]), np.zeros([2])), ShapeError, /np\.linalg\.solve/, /\[2,3\]/);
    expectError(() => np.linalg.solve(np.eye(3), np.zeros([2])), ShapeError, /np\.linalg\.solve/, /\[3,3\]/, /\[2\]/);
    expectError(() => np.linalg.inv(np.zeros([3])), ShapeError, /np\.linalg\.inv/, /\[3\]/);
    expectError(() => np.linalg.det(np.zeros([2, 3])), ShapeError, /np\.linalg\.det/, /\[2,3\]/);
    expectError(() => np.linalg.cholesky(np.zeros([2, 3])), ShapeError, /np\.linalg\.cholesky/, /\[2,3\]/);
    expectError(() => np.linalg.norm(np.zeros([2, 2]), 3), ShapeError, /np\.linalg\.norm/, /ord 3/);
    expectError(() => np.diagonal(np.zeros([3])), ShapeError, /np\.diagonal/, /\[3\]/);
  });
});
