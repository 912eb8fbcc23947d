/** `cotangent/optimize`: optimize (differentiable minimisation), importable on its own. */
import '../register.js';

export * from '../optimize/index.js';
