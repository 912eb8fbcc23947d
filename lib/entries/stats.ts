/** `cotangent/stats`: stats (HistFactory models, fits, limits, toys), importable on its own. */
import '../register.js';

export * from '../stats/index.js';
