/** Moving arrays between devices. */
import { Array, ConcreteArray } from './array.js';
import { checkDtype, getBackend } from './backend.js';

/** A copy of `x` on `device` (the same array when it is already there). */
export function devicePut(x: Array, device?: string): Array {
  const backend = getBackend(device, 'devicePut');
  checkDtype(backend, x.dtype, 'devicePut');
  if (x instanceof ConcreteArray) return x.onDevice(backend);
  if (x.device !== backend.name) throw new Error(`devicePut: cannot move a traced array from '${x.device}' to '${backend.name}' inside a transform; move it before calling the transformed function`);
  return x;
}
