/** `cotangent/lax`: lax (`jax.lax`), importable on its own. */
import '../register.js';

export * from '../lax/index.js';
