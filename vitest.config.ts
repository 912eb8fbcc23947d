import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'threads',
    // Typecheck every Jaxpr a builder produces (lib/core/check.ts).
    env: { COTANGENT_CHECK: '1' },
  },
});
