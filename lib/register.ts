/**
 * What every entry point loads first: the CPU backend (the default device), the `webgpu` device's
 * starter (its code loads only in `init('webgpu')`) and the primitives' registrations.
 */
import './backends/cpu/index.js';
import './backends/webgpu/index.js';
import './primitives/index.js';
