/** The README's table of JAX names and which exist (tests/fixtures/api-coverage.ts) stays current. */
import { expect, it } from 'vitest';
import { coverageMarkdown, readmeSection } from './fixtures/api-coverage.js';

it('the README lists JAX\'s names as they are today (npx tsx tests/fixtures/api-coverage.ts --write)', () => {
  expect(readmeSection()).toBe(coverageMarkdown());
});
