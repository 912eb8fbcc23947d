/**
 * Declares the `webgpu` device, started by `await init('webgpu')`. Nothing GPU-related loads
 * before that: the `webgpu` package (Node) is imported only when the device starts.
 */
import { registerDeviceStarter } from '../../core/backend.js';
import { WEBGPU, WebGpuBackend } from './backend.js';
import { openGpu } from './gpu.js';

registerDeviceStarter(WEBGPU, async () => new WebGpuBackend(await openGpu()));
