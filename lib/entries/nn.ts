/** `cotangent/nn`: nn (`jax.nn`), importable on its own. */
import '../register.js';

export * from '../nn/index.js';
