/** `cotangent/scipy-special`: scipySpecial (`jax.scipy.special`), importable on its own. */
import '../register.js';

export * from '../scipy-special/index.js';
