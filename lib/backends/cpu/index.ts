/** Registers the CPU backend and all of its kernels. */
import { registerBackend } from '../../core/backend.js';
import { CpuBackend } from './backend.js';
import './elementwise.js';
import './reduce.js';
import './shape.js';
import './linalg.js';
import './control.js';
import './random.js';

export const cpu = new CpuBackend();
registerBackend(cpu);
export { CpuBackend };
