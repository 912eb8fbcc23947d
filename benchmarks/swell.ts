/**
 * Expression swell: equation counts of nested derivatives after the cleanup passes, the program
 * that jit compiles. Reference: jax-js prints 769 lines for grad⁴(tanh); a careful hand
 * derivation of d⁴tanh = (1-t²)·t·(16-24t²) needs about 8 operations.
 */
import { np, grad, makeJaxpr } from '../lib/index.js';
import { simplify } from '../lib/transforms/passes.js';

export function swellRows(): [string, number][] {
  const rows: [string, number][] = [];
  let g: (x: np.Array) => np.Array = (x) => np.tanh(x);
  for (let k = 1; k <= 4; k++) {
    g = grad(g);
    rows.push([`grad^${k}(tanh)`, simplify(makeJaxpr(g)(np.array(0.3)).jaxpr).eqns.length]);
  }
  const mlp = (p: Record<string, np.Array>, x: np.Array) => {
    const h = np.tanh(np.matmul(x, p.w1).add(p.b1));
    return np.matmul(h, p.w2).add(p.b2).square().mean();
  };
  const p = { w1: np.zeros([4, 8]), b1: np.zeros([8]), w2: np.zeros([8, 1]), b2: np.zeros([1]) };
  rows.push(['grad of a 2-layer MLP loss', simplify(makeJaxpr(grad(mlp))(p, np.zeros([16, 4])).jaxpr).eqns.length]);
  return rows;
}
