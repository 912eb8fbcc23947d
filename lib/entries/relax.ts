/** `cotangent/relax`: relax (relaxations of hard cuts, sorting and sampling), importable on its own. */
import '../register.js';

export * from '../relax/index.js';
