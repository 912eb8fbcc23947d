/** Registers the CPU backend and all of its routines. */
import { registerHost } from '../../core/backend.js';
import './reduce.js';
import './shape.js';
import './linalg.js';
import './decompositions.js';
import './eig.js';
import './sort.js';
import './fft.js';
import './debug.js';
import './random.js';
import { CpuBackend } from './backend.js';

export const cpu = new CpuBackend();
// The CPU is the default device and the host that constant folding and value reads run on.
registerHost(cpu);
export { CpuBackend };
