/**
 * The published type declarations (per module, as `npm run build` writes them with tsc) have no
 * `any` in a public signature (issue 12): results are inferred or `unknown`, never silently
 * untyped. Being per module, they keep the sources' names: nothing a bundler would rename
 * (`sin$1`, `ArrayLike$2`) reaches a user's hover or error text.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('the declarations have no any outside comments, and the sources\' names', () => {
  const out = mkdtempSync(join(tmpdir(), 'cotangent-dts-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out, '--declarationMap', 'false'],
      { cwd: root, stdio: 'pipe', timeout: 170_000 });
    const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.d.ts'));
    expect(files).toContain('index.d.ts');
    expect(readFileSync(join(out, 'transforms/grad.d.ts'), 'utf8')).toMatch(/export declare function grad</);
    const uses: string[] = [];
    const mangled: string[] = [];
    for (const f of files) {
      const code = readFileSync(join(out, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      // np.any is a function named any: its declaration and re-exports are names, not types
      for (const l of code.split('\n')) {
        if (/\bany\b/.test(l.replace(/\btypeof any\b|\bfunction any\b|\bany\(|\bas any\b|\bany as\b|\{ any\b|, any\b(?=[,} ])/g, ''))) uses.push(`${f}: ${l.trim()}`);
        if (/\b[A-Za-z_]\w*\$\d+\b/.test(l)) mangled.push(`${f}: ${l.trim()}`);
      }
    }
    expect(uses).toEqual([]);
    expect(mangled).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
