/**
 * Vitest setup (every test file): registers the test-only `test-f32` device beside `cpu`, and
 * starts `webgpu` where an adapter is found (SwiftShader on machines without a GPU). With
 * REQUIRE_WEBGPU=1 (CI) a device that does not start fails every file instead of being skipped.
 * The library is imported first so that `cpu` registers first and stays the default device.
 */
import '../lib/index.js';
import { init, registerBackend } from '../lib/core/backend.js';
import { TestF32Backend } from './backends/test-f32.js';

registerBackend(new TestF32Backend());

try {
  await init('webgpu');
} catch (e) {
  if (process.env.REQUIRE_WEBGPU === '1') throw new Error(`REQUIRE_WEBGPU=1, but the webgpu device did not start: ${(e as Error).message}`);
}
