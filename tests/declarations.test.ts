/**
 * The published type declarations (the bundled .d.ts a user's editor reads) have no `any` in a
 * public signature (issue 12): results are inferred or `unknown`, never silently untyped. The
 * declarations are built here, as `npm run build` bundles them, into a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('the bundled index.d.ts has no any outside comments', () => {
  const out = mkdtempSync(join(tmpdir(), 'cotangent-dts-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js'), 'lib/index.ts', '--dts-only', '--format', 'esm', '--out-dir', out, '--no-config', '--external', 'webgpu'],
      { cwd: root, stdio: 'pipe', timeout: 120_000 });
    const dts = readFileSync(join(out, 'index.d.ts'), 'utf8');
    expect(dts).toMatch(/declare function grad</);
    const code = dts.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    // np.any is a function named any: its declaration and re-exports are names, not types
    const uses = code.split('\n').filter((l) => /\bany\b/.test(l.replace(/\btypeof any\b|\b(function|as|_any|\$\d*_any) any\b|\bany\(|\bindex\$\d+_any\b|\bany as any\b/g, '')));
    expect(uses).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
