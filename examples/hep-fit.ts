/**
 * A HistFactory-style binned fit, as a physicist would run it with pyhf:
 *   1. pyhf's two-bin "simple" model, whose observed CLs at μ = 1 pyhf publishes (0.0525);
 *   2. a four-bin model with a signal strength μ, a background normalisation (normsys, code 4) and
 *      per-bin background uncertainties (shapesys): the maximum-likelihood fit, μ̂ ± σ from the
 *      inverse Hessian, CLs at μ = 1, the profile-likelihood scan tμ and the 95% CL upper limit
 *      with its expected band, written as SVG plots.
 * Run: npx tsx examples/hep-fit.ts   (plots in examples/out/hep-fit-scan.svg and hep-fit-brazil.svg)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from '../lib/index.js';
import { progressBar } from './progress.js';

const fail = (msg: string): never => { console.error(`hep-fit: ${msg}`); process.exit(1); };

// ---- 1. pyhf's "simple" model (pyhf README / hello-world notebook) --------------------------
const simple = stats.histfactory({
  channels: [{
    name: 'singlechannel',
    samples: [
      { name: 'signal', data: [12, 11], modifiers: [{ type: 'normfactor', name: 'mu' }] },
      { name: 'background', data: [50, 52], modifiers: [{ type: 'shapesys', name: 'uncorr_bkguncrt', data: [3, 7] }] },
    ],
  }],
});
const simpleCls = stats.clsAsymptotic(simple, [51, 48], 1).cls;
console.log(`pyhf "simple" model: observed CLs(μ=1) = ${simpleCls.toFixed(6)}   (pyhf: 0.052516)`);
if (Math.abs(simpleCls - 0.0525155) > 1e-5) fail('CLs of the simple model differs from pyhf');

// ---- 2. A four-bin search -----------------------------------------------------------------------
const model = stats.histfactory({
  channels: [{
    name: 'signal_region',
    samples: [
      { name: 'signal', data: [3, 9, 14, 6], modifiers: [{ type: 'normfactor', name: 'mu' }] },
      {
        name: 'background', data: [60, 45, 30, 15],
        modifiers: [
          { type: 'normsys', name: 'bkg_norm', data: { hi: 1.08, lo: 0.93 } },
          { type: 'shapesys', name: 'bkg_stat', data: [5, 4, 3, 2] },
        ],
      },
    ],
  }],
});
const observed = [64, 52, 41, 20];
const P = model.parameters;
const fit = stats.fit(model, observed);
if (!fit.converged) fail('the fit did not converge');
const mu = P.poiIndex;
const muHat = fit.bestfit[mu];
const sigma = fit.uncertainties[mu];
console.log(`\nfour-bin search: observed ${JSON.stringify(observed)}`);
for (const [i, name] of P.names.entries()) {
  console.log(`  ${name.padEnd(12)} = ${fit.bestfit[i].toFixed(4).padStart(8)} ± ${fit.uncertainties[i].toFixed(4)}`);
}
console.log(`  -> signal strength μ̂ = ${muHat.toFixed(3)} ± ${sigma.toFixed(3)} (Cramér–Rao, inverse Hessian)`);

const cls = stats.clsAsymptotic(model, observed, 1);
console.log(`  CLs(μ=1) = ${cls.cls.toFixed(4)} (CLs+b ${cls.clsb.toFixed(4)}, CLb ${cls.clb.toFixed(4)}); expected median ${cls.expected.cls[2].toFixed(4)}`);
console.log(`  μ = 1 is ${cls.cls < 0.05 ? 'excluded' : 'not excluded'} at 95% CL`);

// Profile-likelihood scan: tμ = 2 [ NLL(μ, θ̂̂(μ)) − NLL(μ̂, θ̂) ].
const [g0, g1] = [Math.max(0, muHat - 2.5 * sigma), muHat + 2.5 * sigma];
const grid = Array.from({ length: 41 }, (_, i) => g0 + (i * (g1 - g0)) / 40);
const profile = stats.profileLikelihood(model, observed, grid, { onProgress: progressBar('profile scan') });
const scan = profile.tmu;
// The tμ = 1 crossings give the 68.3% CL interval; it should be close to μ̂ ± σ for this model.
const cross = (side: -1 | 1): number => {
  for (let i = 1; i < grid.length; i++) {
    const [a, b] = [scan[i - 1], scan[i]];
    const inside = side < 0 ? grid[i] <= muHat : grid[i - 1] >= muHat;
    if (inside && (a - 1) * (b - 1) <= 0) return grid[i - 1] + ((1 - a) / (b - a)) * (grid[i] - grid[i - 1]);
  }
  return NaN;
};
const [lo, hi] = [cross(-1), cross(1)];
console.log(`  profile interval (tμ = 1, 68.3% CL): [${lo.toFixed(3)}, ${hi.toFixed(3)}]`);
if (!(Math.abs(hi - lo - 2 * sigma) < 0.2 * 2 * sigma)) fail(`profile interval width ${hi - lo} is far from 2σ = ${2 * sigma}`);

// Upper limit at 95% CL (CLs = 0.05) on a grid, as pyhf's upper_limit, with its Brazil band.
const limit = stats.upperLimit(observed, model, { scan: Array.from({ length: 31 }, (_, i) => i * 0.1) });
const e = limit.expected.map((v) => v.toFixed(3));
console.log(`  95% CL upper limit on μ: observed ${limit.observed.toFixed(3)}, expected ${e[2]} (±1σ [${e[1]}, ${e[3]}], ±2σ [${e[0]}, ${e[4]}])`);
if (!(limit.expected[0] < limit.expected[2] && limit.expected[2] < limit.expected[4])) fail('the expected band is not ordered');

const outDir = join(dirname(fileURLToPath(import.meta.url)), 'out');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'hep-fit-scan.svg'), stats.plots.profile(profile, { poiIndex: mu }));
writeFileSync(join(outDir, 'hep-fit-brazil.svg'), stats.plots.brazil(limit));
console.log(`  profile-likelihood scan and Brazil plot written to ${outDir}/hep-fit-{scan,brazil}.svg`);
