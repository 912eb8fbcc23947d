/**
 * Stationary field configuration of a 1-D φ⁴ lattice, differentiated by the implicit function theorem.
 *
 *   S(φ; J, λ) = Σ_i [ (φ_{i+1} - φ_i)²/2 + m² φ_i²/2 + λ φ_i⁴/4 - J_i φ_i ]    (open chain)
 *
 * φ*(J, λ) solves ∇_φ S = 0; it is found by Newton's method inside optimize.minimize (a lax.whileLoop
 * that is never differentiated) and its derivatives come from lax.customRoot:
 * dφ* = -(∇²S)⁻¹ ∂(∇S)/∂θ dθ. They are compared with central finite differences of re-solved problems.
 *
 * Run: npx tsx examples/equilibrium.ts   (exits 1 if any derivative disagrees by more than 1e-6)
 */
import { np, optimize, jacfwd, jacrev, grad } from '../lib/index.js';

const N = 12;
const m2 = -0.3; // a double well: the source J selects the φ > 0 vacuum
const idx = np.arange(N);
const J0 = np.add(0.2, np.sin(idx.astype('float64')).mul(0.1));
const lambda0 = 1.0;

function action(phi: np.Array, J: np.Array, lambda: np.Array): np.Array {
  const dphi = phi.slice([1, N]).sub(phi.slice([0, N - 1]));
  const kinetic = np.square(dphi).sum().mul(0.5);
  const potential = np.square(phi).mul(m2 / 2).add(np.power(phi, 4).mul(lambda).mul(0.25)).sub(J.mul(phi)).sum();
  return kinetic.add(potential);
}

const solve = (J: np.Array, lambda: np.Array) =>
  optimize.minimize(action, np.ones([N]), { method: 'newton', args: [J, lambda], tol: 1e-13 });
const field = (J: np.Array, lambda: np.Array) => solve(J, lambda).x;

const t0 = Date.now();
const sol = solve(J0, np.array(lambda0));
const phi = sol.x.js() as number[];
const residual = Math.max(...(grad(action)(sol.x, J0, np.array(lambda0)).js() as number[]).map(Math.abs));
console.log(`Newton: converged=${sol.converged.itemBool()} after ${sol.iterations.item()} iterations, max|∇S| = ${residual.toExponential(2)}`);
console.log(`φ*   = [${phi.map((v) => v.toFixed(5)).join(', ')}]`);
console.log(`S(φ*) = ${(sol.fun.item() as number).toFixed(10)}`);

let worst = 0;
const h = 1e-5;

// dφ*/dλ: implicit (forward mode) vs central differences.
const dPhiDLambda = jacfwd((l: np.Array) => field(J0, l))(np.array(lambda0)).js() as number[];
const fdLambda = (field(J0, np.array(lambda0 + h)).js() as number[]).map((v, i) => (v - (field(J0, np.array(lambda0 - h)).js() as number[])[i]) / (2 * h));
console.log('\ndφ*_i/dλ       implicit            finite diff.        |diff|');
dPhiDLambda.forEach((v, i) => {
  const d = Math.abs(v - fdLambda[i]);
  worst = Math.max(worst, d);
  console.log(`  i=${String(i).padStart(2)}   ${v.toFixed(12).padStart(18)}  ${fdLambda[i].toFixed(12).padStart(18)}   ${d.toExponential(1)}`);
});

// dφ*/dJ: the full N×N response (the lattice propagator), reverse mode, vs central differences column by column.
const dPhiDJ = jacrev((J: np.Array) => field(J, np.array(lambda0)))(J0).js() as number[][];
let worstJ = 0;
for (let j = 0; j < N; j++) {
  const e = np.zeros([N]).at(j).set(h);
  const up = field(J0.add(e), np.array(lambda0)).js() as number[];
  const dn = field(J0.sub(e), np.array(lambda0)).js() as number[];
  up.forEach((v, i) => { worstJ = Math.max(worstJ, Math.abs(dPhiDJ[i][j] - (v - dn[i]) / (2 * h))); });
}
worst = Math.max(worst, worstJ);
console.log(`\ndφ*/dJ (${N}×${N} response): diagonal = [${dPhiDJ.map((r, i) => r[i].toFixed(5)).join(', ')}]`);
console.log(`  max |implicit - finite difference| over all ${N * N} entries: ${worstJ.toExponential(2)}`);

// Envelope theorem: dS(φ*(λ), λ)/dλ = Σ φ*⁴/4.
const dS = grad((l: np.Array) => solve(J0, l).fun)(np.array(lambda0)).item() as number;
const envelope = phi.reduce((s, v) => s + v ** 4 / 4, 0);
console.log(`\ndS*/dλ: implicit ${dS.toFixed(12)}, Σφ*⁴/4 = ${envelope.toFixed(12)}, |diff| = ${Math.abs(dS - envelope).toExponential(1)}`);
worst = Math.max(worst, Math.abs(dS - envelope));

console.log(`\nmax disagreement ${worst.toExponential(2)} (tolerance 1e-6), ${Date.now() - t0} ms`);
if (!(worst <= 1e-6) || !sol.converged.itemBool()) {
  console.error('FAILED: implicit derivatives disagree with finite differences');
  process.exit(1);
}
console.log('OK');
