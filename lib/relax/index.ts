/**
 * `relax`: differentiable relaxations and surrogate gradients for non-differentiable operations
 * (hard maxima, sorting, discrete sampling, cuts and histograms). See each function's TSDoc.
 */
export { smoothMax, smoothMin, softCut, straightThrough } from './smooth.js';
export type { SmoothMaxOptions } from './smooth.js';
export { softSort, softRank } from './sort.js';
export type { SoftSortOptions } from './sort.js';
export { gumbelSoftmax } from './gumbel.js';
export type { GumbelSoftmaxOptions } from './gumbel.js';
export { softHistogram } from './histogram.js';
export type { SoftHistogramOptions } from './histogram.js';
