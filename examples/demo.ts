/**
 * The flagship demo (`npm run demo`, CPU, float64): a HistFactory fit with CLs and a profile scan,
 * then a short end-to-end optimisation of an analysis cut through the fit.
 */
console.log('=== 1. Binned likelihood fit (examples/hep-fit.ts) ===');
await import('./hep-fit.js');

console.log('\n=== 2. Differentiable analysis: optimise a cut through the fit (examples/neos-optimise.ts) ===');
const { run } = await import('./neos-optimise.js');
const best = run(12);
console.log(`optimised cut ${best.cut.toFixed(3)}, expected CLs ${best.cls.toExponential(3)}`);
