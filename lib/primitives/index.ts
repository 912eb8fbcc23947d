/**
 * The first-order primitives: loading this module registers every family. The module graph of
 * this folder and why rules reach other families through ops.ts are described in ops.ts.
 */
import './elementwise.js';
import './binary.js';
import './reduce.js';
import './shape.js';
import './linalg.js';
import './decompositions.js';
import './eig.js';
import './sort.js';
import './fft.js';
import './debug.js';
import './collectives.js';
import './random.js';
import './stop-gradient.js';
