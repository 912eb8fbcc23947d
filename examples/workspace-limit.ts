/**
 * A published likelihood, as a physicist would use it: a pyhf workspace (examples/data/
 * search-workspace.json: three channels, every modifier type) is loaded, fitted, tested and
 * limited, then the expected limit is differentiated with respect to an analysis cut.
 *   1. the fit table and the pulls of the nuisance parameters (SVG);
 *   2. the observed and expected 95% CL upper limits on μ with the Brazil plot (SVG);
 *   3. a toy-based CLs at μ = 1 beside the asymptotic one (all toys fitted in one batched fit);
 *   4. d(expected limit)/d(cut): the signal region's signal and W+jets yields come from simulated
 *      events passing a cut, relaxed into a soft cut so the derivative exists.
 * Run: npx tsx examples/workspace-limit.ts   (plots in examples/out/workspace-*.svg)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Array, grad, np, random, relax, stats } from '../lib/index.js';
import { progressBar } from './progress.js';

const here = dirname(fileURLToPath(import.meta.url));
const fail = (msg: string): never => { console.error(`workspace-limit: ${msg}`); process.exit(1); };

// ---- 1. Load, fit, pulls ------------------------------------------------------------------------
const ws = stats.workspace(readFileSync(join(here, 'data', 'search-workspace.json'), 'utf8'));
const model = ws.model({ measurementName: 'search' });
const data = ws.data(model);
const P = model.parameters;
console.log(`workspace: channels ${model.channels.join(', ')}; ${P.names.length} parameters; POI '${P.poi}'`);
const fit = stats.fit(model, data);
if (!fit.converged) fail('the fit did not converge');
for (const name of ['mu', 'mu_ttbar', 'lumi', 'jes', 'sig_theory', 'wjets_xsec']) {
  const i = P.names.indexOf(name);
  console.log(`  ${name.padEnd(11)} = ${fit.bestfit[i].toFixed(3).padStart(7)} ± ${fit.uncertainties[i].toFixed(3)}`);
}
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'workspace-pulls.svg'), stats.plots.pulls(stats.pulls(model, fit)));

// ---- 2. Upper limit with its Brazil band --------------------------------------------------------
const grid = globalThis.Array.from({ length: 25 }, (_, i) => i * 0.125);
const scanned = progressBar('upper-limit scan');
let tests = 0;
const limit = stats.upperLimit(data, model, { scan: grid, onHypotest: () => scanned(++tests, grid.length) });
const e = limit.expected.map((v) => v.toFixed(2));
console.log(`95% CL upper limit on μ: observed ${limit.observed.toFixed(3)}, expected ${e[2]} (±1σ ${e[1]}–${e[3]}, ±2σ ${e[0]}–${e[4]})`);
if (!(limit.expected[0] < limit.expected[2] && limit.expected[2] < limit.expected[4])) fail('the expected band is not ordered');
writeFileSync(join(outDir, 'workspace-brazil.svg'), stats.plots.brazil(limit));

// ---- 3. Toys ------------------------------------------------------------------------------------
// 300 toys per hypothesis keep CI short; TOYS=10000 runs 10⁴ (about two minutes on two cores)
const nToys = Number(process.env.TOYS ?? 300);
const t0 = Date.now();
const toy = stats.hypotest(1, data, model, { calctype: 'toybased', nToys, key: random.key(2024), onProgress: progressBar(`toy fits (${nToys} per hypothesis)`) });
const asym = stats.hypotest(1, data, model);
console.log(`CLs(μ = 1): asymptotic ${asym.cls.toFixed(4)}, from ${nToys} + ${nToys} toys ${toy.cls.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(1)} s; CLb ${toy.clb.toFixed(3)} vs ${asym.clb.toFixed(3)})`);
if (!(Math.abs(toy.clb - asym.clb) < 0.15)) fail('toy and asymptotic CLb differ by more than their statistical spread');

// ---- 4. The expected limit against a cut ------------------------------------------------------
// Simulated events in the high-mass signal region: a mass bin (3 bins) and a discriminant y that
// the analysis cuts on. Yields are the sums of event weights in each bin above the cut.
const [km, ky, kwm, kwy] = random.split(random.key(7), 4);
const nSim = 4000;
const sig = { m: random.uniform(km, [nSim], { minval: 0, maxval: 3 }), y: random.normal(ky, [nSim]).mul(0.5).add(1), w: 14.1 / nSim };
const wjets = { m: random.uniform(kwm, [nSim], { minval: 0, maxval: 3 }), y: random.normal(kwy, [nSim]).sub(0.5), w: 11.7 / nSim };
const edges = np.array([0, 1, 2, 3]);
const temperature = 0.1;
const soft = (ev: typeof sig, cut: Array) => relax.softHistogram(ev.m, edges, { bandwidth: 0.02, weights: relax.softCut(ev.y, cut, { temperature }).mul(ev.w) });
const hard = (ev: typeof sig, cut: number) => np.histogram(ev.m, { bins: edges, weights: np.greater(ev.y, cut).astype('float64').mul(ev.w) })[0];

// The nominal yields [samples, bins] of the workspace, with the SR_high rows of signal and W+jets
// replaced by the cut-dependent ones.
const srHigh = model.channels.indexOf('SR_high');
const binStart = model.channels.slice(0, srHigh).reduce((n, c) => n + (ws.spec.observations.find((o) => o.name === c)?.data.length ?? 0), 0);
const base = np.array(model.nominal);
const nominalAt = (cut: Array) => base
  .at(model.samples.indexOf('signal'), [binStart, binStart + 3]).set(soft(sig, cut))
  .at(model.samples.indexOf('wjets'), [binStart, binStart + 3]).set(soft(wjets, cut));
const expectedLimit = (cut: Array) => stats.expectedUpperLimit(model, { nominal: nominalAt(cut) });

console.log('expected 95% CL limit against the cut (soft-cut yields are the differentiable surrogate; hard-cut yields shown beside them):');
for (const c of [-0.5, 0, 0.5]) {
  const cut = np.array(c);
  const lim = expectedLimit(cut).item();
  const dLim = grad(expectedLimit)(cut).item();
  const sSoft = np.sum(soft(sig, cut)).item(), sHard = np.sum(hard(sig, c)).item();
  console.log(`  cut ${c.toFixed(1).padStart(4)}: limit ${lim.toFixed(4)}, d limit/d cut ${dLim.toFixed(4)}  (signal yield: soft ${sSoft.toFixed(2)}, hard ${sHard.toFixed(2)})`);
  if (c === 0) {
    const h = 1e-3;
    const fd = (expectedLimit(np.array(c + h)).item() - expectedLimit(np.array(c - h)).item()) / (2 * h);
    if (!(Math.abs(fd - dLim) < 1e-3 * (1 + Math.abs(fd)))) fail(`the gradient ${dLim} disagrees with the finite difference ${fd}`);
  }
}
console.log(`plots written to ${outDir}/workspace-{pulls,brazil}.svg`);
