/** `cotangent/numpy`: numpy (`jax.numpy`), importable on its own. */
import '../register.js';

export * from '../numpy/index.js';
