import fs from 'node:fs';
import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { provideVulkan } from './lib/backends/webgpu/gpu.js';

// Test files run in worker threads, whose process.env Dawn never sees: the Vulkan driver for the
// webgpu device (SwiftShader on machines without a GPU) is chosen here, in the main thread.
provideVulkan({ fs, os, isMainThread: true });

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'threads',
    // Registers the test-only 'test-f32' device (tests/backends/test-f32.ts) in every file.
    setupFiles: ['tests/setup.ts'],
    // Typecheck every Jaxpr a builder produces (lib/core/check.ts).
    env: { COTANGENT_CHECK: '1' },
  },
});
