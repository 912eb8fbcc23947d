/**
 * One process's first fit, for the "first fit, fresh process" row of benchmarks/stats.ts: it
 * imports cotangent, builds the model of benchmarks/pyhf/models.json named by argv[2] and fits
 * it, and prints the time of the model and its fit as JSON (the import's time beside it). Nothing
 * is compiled or warmed before: this is what the first fit of a user's script costs.
 *   Run: npx tsx benchmarks/fresh-fit.ts S
 */
import { readFileSync } from 'node:fs';

const size = process.argv[2] ?? 'S';
const spec = JSON.parse(readFileSync(new URL('./pyhf/models.json', import.meta.url), 'utf8')).models[size];
if (!spec) throw new Error(`fresh-fit: no model '${size}' in benchmarks/pyhf/models.json`);
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t0 = performance.now();
const { stats } = await import('../lib/index.js');
const t1 = performance.now(), c1 = cpuNow();
stats.fit(stats.histfactory(spec.spec), spec.data);
console.log(JSON.stringify({ ms: performance.now() - t1, cpuMs: cpuNow() - c1, importMs: t1 - t0 }));
