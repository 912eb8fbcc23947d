/** Registers the CPU backend and all of its routines. */
import { registerBackend } from '../../core/backend.js';
import './reduce.js';
import './shape.js';
import './linalg.js';
import './random.js';
import { CpuBackend } from './backend.js';

export const cpu = new CpuBackend();
registerBackend(cpu);
export { CpuBackend };
