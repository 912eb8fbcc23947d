/** `lax`: staged control flow, implicit differentiation and the primitives by name. */
export { cond, switch_ as switch } from './control.js';
export { scan, map, foriLoop, whileLoop } from './loops.js';
export type { ScanOptions } from './loops.js';
export { customRoot, customLinearSolve, denseSolve, cgSolve, fixedPoint } from './implicit.js';
export { stopGradient } from '../transforms/stop-gradient.js';
export * as linalg from './linalg.js';
export * from './ops.js';
export { sort, sortKeyVal, topK } from './sorting.js';
