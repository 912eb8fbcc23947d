/**
 * The docs cannot rot: every ```ts block of the README and of docs/*.md runs as a module, and
 * every value it shows with `// →` is checked (tests/doc-blocks.ts has the rules).
 */
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultDevice } from '../lib/index.js';
import { docBlocks, instrument, matches } from './doc-blocks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'tests', '.doc-out');
const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f)) : [];
const webgpu = process.env.REQUIRE_WEBGPU === '1';

describe('the checks of doc blocks', () => {
  it('compare values to the precision the docs write them', () => {
    expect(matches('[ 15, 33 ]', '[15, 33]')).toBeUndefined();
    expect(matches('0.9476670455932617', '0.947667')).toBeUndefined();
    expect(matches('0.9476', '0.947667')).toMatch(/value 0/);
    expect(matches('3.7224831', '3.72248…')).toBeUndefined();
    expect(matches('Array([1., 2.], dtype=float64)', '[1, 2]')).toBeUndefined();
    expect(matches('[1, 2, 3]', '[1, 2]')).toMatch(/shows 3 values/);
    expect(matches('true [ 0.5 ]', 'false [0.5]')).toMatch(/value 0/);
    expect(matches('order 1, element 0: expected 1.5537739, got 0.48066', 'expected 1.5537…, got 0.4806…', true)).toBeUndefined();
  });
});

describe.each(['README.md', ...docs])('%s', (file) => {
  const blocks = docBlocks(join(root, file));
  it('has blocks', () => expect(blocks.length).toBeGreaterThan(0));
  for (const b of blocks) {
    it.runIf(!b.webgpu || webgpu)(`block at line ${b.line} runs and shows what the docs say`, async () => {
      mkdirSync(out, { recursive: true });
      const path = join(out, `${file.replace(/[/.]/g, '_')}-${b.line}.ts`);
      writeFileSync(path, instrument(b, '../../lib/index.js', '../doc-blocks.js'));
      try {
        await import(pathToFileURL(path).href);
      } finally {
        // a WebGPU block makes its device the default: the blocks after it run on the CPU again
        if (b.webgpu) defaultDevice('cpu');
      }
    }, 60_000);
  }
});
