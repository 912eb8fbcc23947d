/**
 * One process's first fit, for the "first fit, fresh process" row of benchmarks/stats.ts: it
 * imports the built package (dist/, as a user's `import 'cotangent'` does, run by plain Node: no
 * TypeScript loader), builds the model of benchmarks/pyhf/models.json named by argv[2] and fits
 * it, and prints the time of the model and its fit as JSON (the import's time beside it). Nothing
 * is compiled or warmed before: this is what the first fit of a user's script costs.
 *   Run: npm run build && node benchmarks/fresh-fit.mjs S
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const size = process.argv[2] ?? 'S';
const spec = JSON.parse(readFileSync(join(root, 'benchmarks/pyhf/models.json'), 'utf8')).models[size];
if (!spec) throw new Error(`fresh-fit: no model '${size}' in benchmarks/pyhf/models.json`);

/** The newest modification time of the files under dir. */
const newest = (dir) => Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
const built = join(root, 'dist/index.js');
let builtAt;
try { builtAt = statSync(built).mtimeMs; } catch { throw new Error('fresh-fit: dist/index.js is missing; run npm run build first (this times the built package, as a user imports it)'); }
if (builtAt < newest(join(root, 'lib'))) throw new Error('fresh-fit: dist/ is older than lib/; run npm run build first (this times the built package, as a user imports it)');

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = performance.now();
const { stats } = await import(built);
const t1 = performance.now(), c1 = cpuNow();
stats.fit(stats.histfactory(spec.spec), spec.data);
console.log(JSON.stringify({ ms: performance.now() - t1, cpuMs: cpuNow() - c1, importMs: t1 - t0 }));
