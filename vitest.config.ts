import { defineConfig } from 'vitest/config';

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
