/**
 * `npm run build`: dist/ from scratch. tsup writes the ESM modules (one per source file) and the
 * CommonJS bundles (dist/cjs); tsc writes the declarations per module for both, so hover and
 * error text show the sources' names. dist/cjs/package.json makes TypeScript read the CommonJS
 * copy as CommonJS (a `require` of an ESM-typed declaration is an error under node16 resolution).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const tsc = ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'];

rmSync('dist', { recursive: true, force: true });
run(process.execPath, ['node_modules/tsup/dist/cli-default.js']);
run(process.execPath, tsc);
run(process.execPath, [...tsc, '--outDir', 'dist/cjs']);
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
// tsup's CommonJS splitting maps through an intermediate file, which its maps name by absolute
// path (the build machine's): name it relative to the map, as every other source is
for (const f of readdirSync('dist/cjs').filter((n) => n.endsWith('.map'))) {
  const path = join('dist/cjs', f);
  const map = JSON.parse(readFileSync(path, 'utf8'));
  map.sources = map.sources.map((s) => (isAbsolute(s) ? relative('dist/cjs', s) : s));
  writeFileSync(path, JSON.stringify(map));
}
