/** optimize: minimisation whose optimum is differentiable with respect to f's extra arguments. */
export { minimize } from './minimize.js';
export type { Method, Bound, MinimizeOptions, MinimizeResult, MinimizeStep, ArrayLikeNum } from './minimize.js';
