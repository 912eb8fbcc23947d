import { describe, expect, it } from 'vitest';
import { np, grad, jvp, jacfwd, jacrev } from '../lib/index.js';
import { poissonLikelihood } from '../benchmarks/modes.js';

describe('forward vs reverse mode on a binned Poisson likelihood', () => {
  it('the JVP (dual-number semantics) equals the reverse-mode gradient dotted with the direction', () => {
    const p = 12;
    const f = poissonLikelihood(p, 16);
    const theta = np.linspace(0.5, 1.5, p);
    const v = np.array(Array.from({ length: p }, (_, i) => Math.cos(3 * i)));
    const [, tangent] = jvp(f, [theta], [v]);
    const dot = (grad(f)(theta) as np.Array).mul(v).sum();
    expect(Math.abs((tangent.item() as number) - (dot.item() as number))).toBeLessThan(1e-9 * Math.abs(dot.item() as number));
    const jf = jacfwd(f)(theta).js() as number[];
    const jr = jacrev(f)(theta).js() as number[];
    jf.forEach((x, i) => expect(Math.abs(x - jr[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(jr[i]))));
    // And the gradient matches central finite differences.
    const h = 1e-6;
    const e0 = np.zeros([p]).at(0).set(h);
    const fd = ((f(theta.add(e0)).item() as number) - (f(theta.sub(e0)).item() as number)) / (2 * h);
    expect(Math.abs(jr[0] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
  });
});
