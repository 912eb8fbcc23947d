/** `cotangent/random`: random (`jax.random`), importable on its own. */
import '../register.js';

export * from '../random/index.js';
