/**
 * `cotangent/webgpu`: the WebGPU device's own API. `await init('webgpu')` starts it (in browsers
 * from `navigator.gpu`; in Node from the optional `webgpu` package). `provideVulkan` is for Node
 * processes that start WebGPU in worker threads: call it in the main thread first, since a
 * worker's environment is its own copy and Dawn would not see the Vulkan driver it points to.
 */
import '../register.js';

export { init, backendInfo, devices, defaultDevice } from '../core/backend.js';
export { provideVulkan } from '../backends/webgpu/gpu.js';
export type { AdapterInfo, NodeModules } from '../backends/webgpu/gpu.js';
