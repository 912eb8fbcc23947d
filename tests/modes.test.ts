import { expect } from 'vitest';
import { np, grad, jvp, jacfwd, jacrev } from '../lib/index.js';
import { poissonLikelihood } from '../benchmarks/modes.js';
import { describeEachBackend } from './backends.js';
import { onCpu, values } from './values.js';

describeEachBackend('forward vs reverse mode on a binned Poisson likelihood', (b) => {
  const { num, vals } = values(b);
  // float64 holds these to 1e-9; float32 sums of ~16 bins agree to its own rounding.
  const rtol = b.dtype === 'float64' ? 1e-9 : 1e-4;

  b.it({}, 'the JVP (dual-number semantics) equals the reverse-mode gradient dotted with the direction', async () => {
    const p = 12;
    const f = poissonLikelihood(p, 16);
    const theta = np.linspace(0.5, 1.5, p);
    const v = np.array(Array.from({ length: p }, (_, i) => Math.cos(3 * i)));
    const [, tangent] = jvp(f, [theta], [v]);
    const dot = await num((grad(f)(theta) as np.Array).mul(v).sum());
    expect(Math.abs((await num(tangent)) - dot)).toBeLessThan(rtol * Math.abs(dot));
    const jf = await vals(jacfwd(f)(theta));
    const jr = await vals(jacrev(f)(theta));
    jf.forEach((x, i) => expect(Math.abs(x - jr[i])).toBeLessThan(rtol * Math.max(1, Math.abs(jr[i]))));
    // And the gradient matches central finite differences (taken in float64 on the CPU).
    const fd = await onCpu(async () => {
      const h = 1e-6;
      const f = poissonLikelihood(p, 16);
      const th = np.linspace(0.5, 1.5, p);
      const e0 = np.zeros([p]).at(0).set(h);
      return ((await num(f(th.add(e0)))) - (await num(f(th.sub(e0))))) / (2 * h);
    });
    expect(Math.abs(jr[0] - fd)).toBeLessThan((b.dtype === 'float64' ? 1e-5 : 1e-3) * Math.max(1, Math.abs(fd)));
  });
});
