/**
 * A HistFactory-style binned fit, as a physicist would run it with pyhf:
 *   1. pyhf's two-bin "simple" model, whose observed CLs at μ = 1 pyhf publishes (0.0525);
 *   2. a four-bin model with a signal strength μ, a background normalisation (normsys, code 4) and
 *      per-bin background uncertainties (shapesys): the maximum-likelihood fit, μ̂ ± σ from the
 *      inverse Hessian, CLs at μ = 1, and the profile-likelihood scan q(μ), written as an SVG.
 * Run: npx tsx examples/hep-fit.ts   (the plot goes to examples/out/hep-fit-scan.svg)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from '../lib/index.js';

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

// Profile-likelihood scan: q(μ) = 2 [ NLL(μ, θ̂̂(μ)) − NLL(μ̂, θ̂) ].
const [g0, g1] = [Math.max(0, muHat - 2.5 * sigma), muHat + 2.5 * sigma];
const grid = Array.from({ length: 41 }, (_, i) => g0 + (i * (g1 - g0)) / 40);
const scan = grid.map((m) => 2 * (stats.fit(model, observed, { fixed: { mu: m } }).nll - fit.nll));
const qMin = Math.min(...scan);
if (qMin < -1e-6) fail(`the scan went below the global minimum (q = ${qMin})`);
// The q = 1 crossings give the profile interval; it should be close to μ̂ ± σ for this model.
const cross = (side: -1 | 1): number => {
  for (let i = 1; i < grid.length; i++) {
    const [a, b] = [scan[i - 1], scan[i]];
    const inside = side < 0 ? grid[i] <= muHat : grid[i - 1] >= muHat;
    if (inside && (a - 1) * (b - 1) <= 0) return grid[i - 1] + ((1 - a) / (b - a)) * (grid[i] - grid[i - 1]);
  }
  return NaN;
};
const [lo, hi] = [cross(-1), cross(1)];
console.log(`  profile interval (q = 1): [${lo.toFixed(3)}, ${hi.toFixed(3)}]`);
if (!(Math.abs(hi - lo - 2 * sigma) < 0.2 * 2 * sigma)) fail(`profile interval width ${hi - lo} is far from 2σ = ${2 * sigma}`);

const svg = plotScan(grid, scan, muHat, [lo, hi]);
const out = join(dirname(fileURLToPath(import.meta.url)), 'out', 'hep-fit-scan.svg');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, svg);
console.log(`  profile-likelihood scan written to ${out}`);

/** A small SVG line plot of q(μ) with the q = 1 line and the interval marked. */
function plotScan(xs: number[], ys: number[], best: number, interval: [number, number]): string {
  const W = 560;
  const H = 380;
  const m = { l: 60, r: 20, t: 30, b: 50 };
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const y1 = Math.max(4, Math.ceil(Math.max(...ys)));
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - (y / y1) * (H - m.t - m.b);
  const path = xs.map((x, i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(ys[i]).toFixed(1)}`).join(' ');
  const xt = Array.from({ length: 6 }, (_, i) => x0 + (i * (x1 - x0)) / 5);
  const yt = Array.from({ length: y1 + 1 }, (_, i) => i);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">Profile likelihood scan of the signal strength</text>
${xt.map((t) => `<line x1="${sx(t)}" y1="${H - m.b}" x2="${sx(t)}" y2="${H - m.b + 5}" stroke="black"/><text x="${sx(t)}" y="${H - m.b + 18}" text-anchor="middle">${t.toFixed(2)}</text>`).join('\n')}
${yt.map((t) => `<line x1="${m.l - 5}" y1="${sy(t)}" x2="${m.l}" y2="${sy(t)}" stroke="black"/><text x="${m.l - 8}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`).join('\n')}
<rect x="${sx(interval[0])}" y="${m.t}" width="${sx(interval[1]) - sx(interval[0])}" height="${H - m.t - m.b}" fill="#4a90d9" opacity="0.15"/>
<line x1="${m.l}" y1="${sy(1)}" x2="${W - m.r}" y2="${sy(1)}" stroke="#999" stroke-dasharray="5,4"/>
<text x="${m.l + 6}" y="${sy(1) - 5}" fill="#666">q = 1 (68% CL)</text>
<line x1="${m.l}" y1="${sy(4)}" x2="${W - m.r}" y2="${sy(4)}" stroke="#bbb" stroke-dasharray="2,4"/>
<text x="${m.l + 6}" y="${sy(4) - 5}" fill="#888">q = 4 (95% CL)</text>
<path d="${path}" fill="none" stroke="#c0392b" stroke-width="2"/>
<line x1="${sx(best)}" y1="${m.t}" x2="${sx(best)}" y2="${H - m.b}" stroke="#333" stroke-dasharray="2,3"/>
<text x="${sx(best) + 4}" y="${m.t + 14}">μ̂ = ${best.toFixed(3)}</text>
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>
<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>
<text x="${W / 2}" y="${H - 12}" text-anchor="middle">signal strength μ</text>
<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">q(μ) = −2 ln λ(μ)</text>
</svg>
`;
}
