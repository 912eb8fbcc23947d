/** `lax`: staged control flow, implicit differentiation and the primitives by name. */
export { cond, switch_ as switch } from './control.js';
export { scan, map, foriLoop, whileLoop } from './loops.js';
export type { ScanOptions } from './loops.js';
export { customRoot, customLinearSolve, denseSolve, cgSolve, fixedPoint } from './implicit.js';
export { stopGradient } from '../transforms/stop-gradient.js';
export * as linalg from './linalg.js';
export * from './ops.js';
export {
  conv, convGeneralDilated, convWithGeneralPadding, convTranspose, convGeneralDilatedPatches, convGeneralDilatedLocal,
  convDimensionNumbers, convGeneralPermutations, convGeneralShapeTuple, convShapeTuple, convTransposeShapeTuple, padtypeToPads,
} from './conv.js';
export type { ConvDimensionNumbers, ConvGeneralDilatedDimensionNumbers, ConvGeneralDilatedOptions, ConvPatchesOptions, ConvTransposeOptions, Padding, PaddingType } from './conv.js';
export { reduceWindow, reduceWindowShapeTuple } from './windows.js';
export type { ReduceWindowOptions, WindowReducer, WindowReducerName } from './windows.js';
export { associativeScan, cumprod, cummax, cummin, cumlogsumexp } from './cumulative.js';
export type { AssociativeScanOptions } from './cumulative.js';
export { sort, sortKeyVal, topK } from './sorting.js';
export { gather, scatter, scatterAdd, scatterSub, scatterMul, scatterMin, scatterMax, scatterApply } from './gather.js';
export type { GatherDimensionNumbers, ScatterDimensionNumbers, GatherScatterMode, GatherOptions, ScatterOptions } from './gather.js';
export * from './more.js';
export { psum, pmean, pmax, pmin, axisIndex, axisSize, allGather, ppermute, pshuffle } from './collectives.js';
export type { AxisNames } from './collectives.js';
export { approxMaxK, approxMinK, type ApproxTopKOptions } from './approx-top-k.js';
export { fft, FftType, complex, real, imag, conj } from './complex.js';
export { stack, unstack, broadcastLike } from './stack.js';
export { raggedDot } from './ragged.js';
export { psumScatter, allToAll, pswapaxes, pbroadcast, withShardingConstraint } from './collectives-derived.js';
export type { Num } from './special.js';
