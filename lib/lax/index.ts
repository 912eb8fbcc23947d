/** `lax`: staged control flow and the primitives by name. */
export { cond, switch_ as switch } from './control.js';
export { scan, map, foriLoop, whileLoop } from './loops.js';
export type { ScanOptions } from './loops.js';
export { stopGradient } from '../transforms/stop-gradient.js';
