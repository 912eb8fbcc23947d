/**
 * Declares the `webgpu` device, started by `await init('webgpu')`. Nothing GPU-related loads
 * before that: the backend's modules, and in Node the `webgpu` package, are imported only when
 * the device starts.
 */
import { registerDeviceStarter } from '../../core/backend.js';

registerDeviceStarter('webgpu', async () => {
  const [{ WebGpuBackend }, { openGpu }] = await Promise.all([import('./backend.js'), import('./gpu.js')]);
  return new WebGpuBackend(await openGpu());
});
