/**
 * Vitest setup (every test file): registers the test-only `test-f32` device beside `cpu`. The
 * library is imported first so that `cpu` registers first and stays the default device.
 */
import '../lib/index.js';
import { registerBackend } from '../lib/core/backend.js';
import { TestF32Backend } from './backends/test-f32.js';

registerBackend(new TestF32Backend());
