/** The numpy API (`np`): functions over Arrays, mirrored by Array methods. */
import { installArrayOps } from '../core/array.js';
import * as creation from './creation.js';
import * as math from './math.js';
import * as reductions from './reductions.js';
import * as shape from './shape.js';
import * as indexing from './indexing.js';
import * as linalgFns from './linalg.js';
import * as arrayApiLinalg from './linalg-api.js';
import { eig, eigvals } from './linalg-eig.js';

export * from './creation.js';
export * from './math.js';
export * from './reductions.js';
export * from './shape.js';
export * from './indexing.js';
export * from './composite.js';
export * from './arrange.js';
export * from './nan-stats.js';
export * from './indexing-more.js';
export * from './elementwise-more.js';
export * from './shape-more.js';
export * from './sets.js';
export * from './polynomial.js';
export * from './windows.js';
export * from './complex-parts.js';
export * from './dtype-info.js';
export type { ArrayInput } from './input.js';
export { packbits, unpackbits, type BitOrder } from './bits.js';
export { mgrid, ogrid, r_, c_, type GridCount, type RangeSpec, type GridRange, type ConcatItem } from './index-tricks.js';
export { sortComplex, topK } from './sorting-more.js';
export { einsumPath, type EinsumPath, type EinsumOptimize } from './einsum-path.js';
export { Complex, complex, isComplex } from './complex.js';
export type { ComplexDType, ComplexOperand } from './complex.js';
/** `np.fft`: numpy's discrete Fourier transforms, on Complex pairs of real arrays. */
export * as fft from './fft.js';
export { cumulativeSum, cumulativeProd } from './cumulative.js';
export type { CumulativeOptions } from './cumulative.js';
export { convolve, correlate } from './signal.js';
export type { ConvolveMode } from './signal.js';
export {
  sort, argsort, lexsort, partition, argpartition, searchsorted, unique, uniqueAll, uniqueCounts, uniqueInverse, uniqueValues,
  quantile, percentile, median, nanquantile, nanpercentile, nanmedian,
  type SortOpts, type UniqueOpts, type UniqueAll, type QuantileMethod, type QuantileOpts, type Quantiles, type UniqueFlags,
} from './sorting.js';
export { dot, matmul, outer, inner, vdot, tensordot, trace, diagonal, einsum } from './linalg.js';
/** `np.linalg`: numpy's linear algebra, with numpy 2's array-API names (diagonal/trace on the last two axes). */
export const linalg = {
  ...linalgFns.linalg,
  ...arrayApiLinalg,
  /**
   * Eigenvalues and right eigenvectors of a general real square matrix or batch [..., n, n]
   * (numpy.linalg.eig), an EigResult of Complex arrays. Computed on the host in float64; eigenvalue
   * and eigenvector derivatives need distinct eigenvalues.
   */
  eig,
  /**
   * The eigenvalues, a Complex [..., n] in eig's order, of a general real square matrix or batch
   * [..., n, n] (numpy.linalg.eigvals). Differentiable by JAX's rule for distinct eigenvalues.
   */
  eigvals,
};
export type { EigResult } from './linalg-eig.js';
export { roots, type RootsOpts } from './polynomial-roots.js';
export type { EighResult, SvdResult, QrResult, LstsqResult } from './linalg-decomp.js';
export { broadcastShapesOf as broadcastShapes } from './promote.js';
export { Array } from '../core/array.js';
export type { ArrayOrScalar, ArrayOrScalar as ArrayLike } from '../core/array.js';
export type { DType } from '../core/dtype.js';

// Array methods call through this table (core sits below numpy and cannot import it).
installArrayOps({ ...creation, ...math, ...reductions, ...shape, ...indexing, ...linalgFns });
