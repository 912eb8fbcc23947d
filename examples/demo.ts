/**
 * The flagship demo (CPU, float64): arrays, a traced Jaxpr and a jitted function.
 * Run with `npm run demo`. Later issues replace it with the HEP fit.
 */
import { np, jit, makeJaxpr, memoryStats } from '../lib/index.js';

// A binned Poisson negative log-likelihood for signal strength mu over background b.
const s = np.array([2.0, 5.0, 9.0, 5.0, 2.0]);
const b = np.array([50.0, 52.0, 55.0, 51.0, 49.0]);
const n = np.array([53.0, 57.0, 63.0, 55.0, 50.0]);

function nll(mu: np.Array): np.Array {
  const lam = b.add(s.mul(mu));
  return lam.sub(n.mul(np.log(lam))).sum();
}

console.log('observed counts  ', n.toString());
console.log('jaxpr of nll(mu):');
console.log(makeJaxpr(nll)(np.array(1.0)).toString());

const fast = jit(nll);
const mus = np.linspace(0, 2, 9);
let best = { mu: NaN, v: Infinity };
for (const mu of mus.js() as number[]) {
  const v = fast(np.array(mu)).item() as number;
  if (v < best.v) best = { mu, v };
  console.log(`mu = ${mu.toFixed(2)}   nll = ${v.toFixed(6)}`);
}
console.log(`best mu on the grid: ${best.mu}`);

// Check against a plain-JS evaluation of the same likelihood.
const ref = (mu: number) => [0, 1, 2, 3, 4].reduce((acc, i) => {
  const lam = (b.js() as number[])[i] + (s.js() as number[])[i] * mu;
  return acc + lam - (n.js() as number[])[i] * Math.log(lam);
}, 0);
const err = Math.abs((fast(np.array(best.mu)).item() as number) - ref(best.mu));
if (err > 1e-9) throw new Error(`demo: jit result differs from plain JS by ${err}`);
console.log(`matches plain JS to ${err.toExponential(1)}; live bytes ${memoryStats().liveBytes}`);
