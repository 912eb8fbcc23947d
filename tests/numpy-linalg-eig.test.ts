/**
 * np.linalg.eig, np.linalg.eigvals and np.roots (the `eig` primitive, lib/backends/cpu/eig.ts).
 * Expected values are numpy 2.4's answers pasted as literals; numpy's eigenvectors are pasted
 * after our normalisation (each column rotated so its largest-modulus entry is real and positive).
 * Invariants (A·v = λ·v, unit norms) are checked for random, batched, 1x1, 0x0 and float32
 * inputs; derivatives (eigenvalues and eigenvectors) against central differences in float64 for a
 * matrix with distinct real eigenvalues and one with a complex pair; jit and vmap against eager.
 */
import { describe, expect, it } from 'vitest';
import { type Array, ConcretizationError, grad, jit, jvp, lax, np, vjp, vmap } from '../lib/index.js';
import { describeEachBackend } from './backends.js';
import { f64, near } from './check-values.js';
import { rng } from './rng.js';

type Complex = ReturnType<typeof np.linalg.eigvals>;

/** A 4x4 with eigenvalues 5.199, 1.433 ± 1.827i, -4.066 (numpy's order). */
const A4 = [[4, -2, 1, 3], [1, 1, 0, -2], [2, 5, -3, 1], [0.5, -1, 2, 2]];
const A4_W: [number, number][] = [[5.19920188347225, 0], [1.4334800775894472, 1.8268968519542634], [1.4334800775894472, -1.8268968519542634], [-4.06616203865115, 0]];
const A4_V: [number, number][][] = [
  [[0.9011173380007881, 0], [-0.050718517068123935, 0.43310381319593816], [-0.050718517068123935, -0.43310381319593816], [-0.025213659523233137, 0]],
  [[0.06869827972850494, 0], [0.5668031116461816, 0.11344210679924814], [0.5668031116461816, -0.11344210679924814], [-0.12416806812450955, 0]],
  [[0.2990590798567414, 0], [0.6062943340235428, 0], [0.6062943340235428, 0], [0.9364451460551669, 0]],
  [[0.3063196961867727, 0], [-0.04458467304592261, -0.32578095020280035], [-0.04458467304592261, 0.32578095020280035], [-0.32713460633413666, 0]],
];
/** Distinct real eigenvalues. */
const B3 = [[1, 2, 3], [4, 5, 6], [7, 8, 10]];
const B3_W = [16.707493316124747, -0.9057401795217577, 0.1982468633970094];
const B3_V = [[0.22351335772785177, 0.8658457814289262, -0.27829648598057233], [0.5039456275263902, -0.08565120135087373, 0.8318468022052949], [0.8343144391740167, -0.49292489741225726, -0.48018950795669213]];

const random = (shape: number[], seed: number): Array => {
  const r = rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return np.array(globalThis.Array.from({ length: n }, () => 2 * r() - 1), { dtype: 'float64', shape });
};

/** Pairs [re, im] of a Complex's elements, flattened. */
const pairs = (z: Complex): [number, number][] => {
  const re = globalThis.Array.from(z.re.dataSync(), Number);
  const im = globalThis.Array.from(z.im.dataSync(), Number);
  return re.map((r, i) => [r, im[i]]);
};
const byValue = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** max |A·v − v·diag(w)| and max |‖v_j‖ − 1| over a (batch of) decompositions, with the pivot convention. */
function residuals(a: Array, w: Complex, v: Complex): { eq: number; norm: number; pivot: boolean } {
  const lhs = new np.Complex(np.matmul(a, v.re), np.matmul(a, v.im));
  const rhs = v.mul(new np.Complex(np.expandDims(w.re, -2), np.expandDims(w.im, -2)));
  const d = lhs.sub(rhs).abs();
  const norms = np.sqrt(np.sum(np.add(np.square(v.re), np.square(v.im)), -2));
  // The largest-modulus entry of each column is real and positive.
  const mod = v.abs();
  const k = np.argmax(mod, -2);
  const atK = (x: Array): Array => np.squeeze(np.takeAlongAxis(x, np.expandDims(k, -2), -2), -2);
  const pivot = v.size === 0 || (Boolean(np.all(np.equal(atK(v.im), 0)).item()) && Boolean(np.all(np.greater(atK(v.re), 0)).item()));
  return {
    eq: d.size ? np.max(d).item() : 0,
    norm: norms.size ? np.max(np.abs(np.subtract(norms, 1))).item() : 0,
    pivot,
  };
}

describe('np.linalg.eig', () => {
  it('matches numpy: values in order, normalised vectors, a complex pair; a named tuple of Complex', () => {
    const res = np.linalg.eig(f64(A4));
    const [w, v] = res;
    expect(res.eigenvalues).toBe(w);
    expect(res.eigenvectors).toBe(v);
    expect(w).toBeInstanceOf(np.Complex);
    expect(w.shape).toEqual([4]);
    expect(v.shape).toEqual([4, 4]);
    near(w.re, A4_W.map((p) => p[0]), { tol: 1e-13 });
    near(w.im, A4_W.map((p) => p[1]), { tol: 1e-13 });
    near(v.re, A4_V.map((r) => r.map((p) => p[0])), { tol: 1e-12 });
    near(v.im, A4_V.map((r) => r.map((p) => p[1])), { tol: 1e-12 });
    const [wb, vb] = np.linalg.eig(f64(B3));
    near(wb.re, B3_W, { tol: 1e-13 });
    near(wb.im, [0, 0, 0]);
    near(vb.re, B3_V, { tol: 1e-12 });
    near(vb.im, [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });

  it('eigvals equals eig\'s eigenvalues; integers become float64', () => {
    const w = np.linalg.eigvals(np.array(B3, { dtype: 'int32' }));
    expect(w.dtype).toBe('float64');
    near(w.re, B3_W, { tol: 1e-13 });
    const [we] = np.linalg.eig(f64(A4));
    near(np.linalg.eigvals(f64(A4)).re, we.re.js() as number[], { tol: 1e-15 });
  });

  it('analytic cases: a rotation, triangular matrices, a permutation cycle, repeated eigenvalues, a Jordan block', () => {
    const t = 0.7;
    const [wr, vr] = np.linalg.eig(f64([[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]]));
    expect(pairs(wr)).toEqual([[expect.closeTo(Math.cos(t), 14), expect.closeTo(Math.sin(t), 14)], [expect.closeTo(Math.cos(t), 14), expect.closeTo(-Math.sin(t), 14)]]);
    // Eigenvectors of a rotation: (1, ∓i)/√2, rotated so the first entry is real.
    near(vr.re, [[Math.SQRT1_2, Math.SQRT1_2], [0, 0]], { tol: 1e-14 });
    near(vr.im, [[0, 0], [-Math.SQRT1_2, Math.SQRT1_2]], { tol: 1e-14 });
    // Triangular: the diagonal (numpy orders the lower-triangular one [6, 3, 1]; compare sets).
    for (const m of [[[1, 2, 3], [0, 4, 5], [0, 0, 6]], [[1, 0, 0], [2, 3, 0], [4, 5, 6]]]) {
      const w = np.linalg.eigvals(f64(m));
      expect(pairs(w).sort(byValue)).toEqual([[1, 0], [expect.closeTo(m[1][1], 13), 0], [expect.closeTo(6, 13), 0]].sort(byValue as never));
    }
    // The 3-cycle (plain Francis shifts stall on it; the exceptional shifts break the cycle).
    const wc = pairs(np.linalg.eigvals(f64([[0, 0, 1], [1, 0, 0], [0, 1, 0]])));
    const s3 = Math.sqrt(3) / 2;
    [[-0.5, s3], [-0.5, -s3], [1, 0]].forEach(([re, im], i) => {
      expect(wc[i][0]).toBeCloseTo(re, 13);
      expect(wc[i][1]).toBeCloseTo(im, 13);
    });
    // Repeated eigenvalues with a full set of eigenvectors, and a defective Jordan block.
    const [wi, vi] = np.linalg.eig(np.multiply(np.eye(3, 3, { dtype: 'float64' }), 2));
    near(wi.re, [2, 2, 2]);
    near(vi.re, np.eye(3).js());
    const [wj, vj] = np.linalg.eig(f64([[3, 1], [0, 3]]));
    near(wj.re, [3, 3]);
    near(wj.im, [0, 0]);
    const r = residuals(f64([[3, 1], [0, 3]]), wj, vj);
    expect(r.eq).toBeLessThan(1e-14);
    expect(r.norm).toBeLessThan(1e-15);
  });

  it('A·v = λ·v with unit, pivot-normalised vectors: random, batched, 1x1, 0x0, zero, large', () => {
    for (const [shape, seed] of [[[6, 6], 1], [[3, 5, 5], 2], [[1, 1], 3], [[12, 12], 4], [[2, 2, 3, 3], 5], [[30, 30], 6]] as [number[], number][]) {
      const a = random(shape, seed);
      const [w, v] = np.linalg.eig(a);
      expect(w.shape).toEqual(shape.slice(0, -1));
      expect(v.shape).toEqual(shape);
      const r = residuals(a, w, v);
      expect(r.eq, `shape [${shape}]`).toBeLessThan(1e-12);
      expect(r.norm).toBeLessThan(1e-14);
      expect(r.pivot).toBe(true);
      // Complex eigenvalues come in adjacent conjugate pairs, the positive imaginary part first.
      const ws = pairs(w);
      for (let i = 0; i < ws.length; i++) {
        if (ws[i][1] > 0) {
          expect(ws[i + 1][0]).toBe(ws[i][0]);
          expect(ws[i + 1][1]).toBe(-ws[i][1]);
          i++;
        }
      }
    }
    const [w0, v0] = np.linalg.eig(np.zeros([0, 0], { dtype: 'float64' }));
    expect(w0.shape).toEqual([0]);
    expect(v0.shape).toEqual([0, 0]);
    const [wz, vz] = np.linalg.eig(np.zeros([3, 3], { dtype: 'float64' }));
    near(wz.re, [0, 0, 0]);
    expect(residuals(np.zeros([3, 3], { dtype: 'float64' }), wz, vz).norm).toBeLessThan(1e-15);
    // Badly scaled: balancing keeps the relative accuracy of the eigenvalues.
    const s = f64([[1, 1e8, 0], [1e-8, 2, 1e8], [0, 1e-8, 3]]);
    const ws = pairs(np.linalg.eigvals(s)).sort(byValue);
    const want = [2 - Math.sqrt(3), 2, 2 + Math.sqrt(3)]; // those of the similar [[1,1,0],[1,2,1],[0,1,3]]
    ws.forEach(([re, im], i) => {
      expect(re).toBeCloseTo(want[i], 12);
      expect(im).toBe(0);
    });
  });

  it('float32 in, float32 out (computed in float64, rounded once)', () => {
    const [w, v] = np.linalg.eig(f64(A4).astype('float32'));
    expect(w.dtype).toBe('float32');
    expect(v.dtype).toBe('float32');
    near(w.re, A4_W.map((p) => p[0]), { tol: 1e-6 });
    near(v.im, A4_V.map((r) => r.map((p) => p[1])), { tol: 1e-6 });
  });

  it('NaN or Inf input gives NaN outputs (no hang)', () => {
    for (const bad of [NaN, Infinity]) {
      const [w, v] = np.linalg.eig(f64([[1, 2, 0], [bad, 1, 0], [0, 0, 1]]));
      for (const x of [w.re, w.im, v.re, v.im]) expect(globalThis.Array.from(x.dataSync()).every(Number.isNaN)).toBe(true);
    }
    // Only the bad matrix of a batch.
    const w = np.linalg.eigvals(f64([[[1, NaN], [0, 1]], [[2, 0], [0, 3]]]));
    expect(globalThis.Array.from(w.re.dataSync()).slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(globalThis.Array.from(w.re.dataSync()).slice(2)).toEqual([2, 3]);
  });

  it('errors name the function, the shape and the fix', () => {
    expect(() => np.linalg.eig(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(/np\.linalg\.eig: expected a square matrix \(\.\.\., n, n\), got shape \[2,3\]/);
    expect(() => np.linalg.eigvals(f64([1, 2]))).toThrow(/np\.linalg\.eigvals: expected a square matrix .*shape \[2\].*reshape/);
    expect(() => np.linalg.eig(np.complex(f64([[1, 0], [0, 1]]), 1))).toThrow(/np\.linalg\.eig: complex input .* not supported/);
    expect(() => np.linalg.eig(np.array([[true, false], [false, true]]))).toThrow(/np\.linalg\.eig: got a bool array/);
  });

  it('lax.linalg.eig: [w, vr] or [w] as Complex; left eigenvectors refused with the fix', () => {
    const [w, v] = lax.linalg.eig(f64(A4));
    near(w.im, A4_W.map((p) => p[1]), { tol: 1e-13 });
    near(v.re, A4_V.map((r) => r.map((p) => p[0])), { tol: 1e-12 });
    const only = lax.linalg.eig(f64(A4), { computeRightEigenvectors: false });
    expect(only.length).toBe(1);
    near(only[0].re, A4_W.map((p) => p[0]), { tol: 1e-13 });
    expect(() => lax.linalg.eig(f64(A4), { computeLeftEigenvectors: true })).toThrow(/lax\.linalg\.eig: computeLeftEigenvectors is not supported; compute the right eigenvectors of the transpose/);
    expect(() => lax.linalg.eig(f64([[1, 2]]))).toThrow(/eig: expected a \(batch of\) square matrices \[\.\.\., n, n\], got f64\[1,2\]/);
  });

  it('jit and vmap agree with eager', () => {
    const xs = random([3, 4, 4], 11);
    const f = (a: Array): Array => {
      const [w, v] = np.linalg.eig(a);
      return np.concatenate([np.stack([w.re, w.im]), v.re, v.im]);
    };
    const eager = [0, 1, 2].map((i) => f(xs.slice(i)));
    const jf = jit(f);
    const batched = vmap(f)(xs);
    const batchedLast = vmap(f, 2, 0)(np.moveaxis(xs, 0, 2));
    eager.forEach((e, i) => {
      near(jf(xs.slice(i)), e.js() as number[][], { tol: 1e-14 });
      near(batched.slice(i), e.js() as number[][], { tol: 1e-14 });
      near(batchedLast.slice(i), e.js() as number[][], { tol: 1e-14 });
    });
  });
});

describe('eig derivatives (float64, against central differences)', () => {
  const dA = f64([[0.3, -0.1, 0.2, 0.5], [0.7, -0.4, 0.1, 0.2], [-0.2, 0.6, 0.3, -0.5], [0.1, 0.2, -0.3, 0.4]]);
  const parts = (a: Array): Array[] => {
    const [w, v] = np.linalg.eig(a);
    return [w.re, w.im, v.re, v.im];
  };
  const fd = (f: (a: Array) => Array[], a: Array, d: Array, h = 1e-6): Array[] => {
    const p = f(np.add(a, np.multiply(d, h)));
    const m = f(np.subtract(a, np.multiply(d, h)));
    return p.map((x, i) => np.divide(np.subtract(x, m[i]), 2 * h));
  };
  const maxDiff = (x: Array, y: Array): number => np.max(np.abs(np.subtract(x, y))).item();

  for (const [name, a0] of [['distinct real eigenvalues', B3], ['a complex pair', A4]] as const) {
    it(`jvp of eigenvalues and eigenvectors: ${name}`, () => {
      const a = f64(a0);
      const d = dA.slice([0, a0.length], [0, a0.length]);
      const [, tangents] = jvp((x: Array) => parts(x), [a], [d]);
      const want = fd(parts, a, d);
      (tangents as Array[]).forEach((t, i) => expect(maxDiff(t, want[i]), `output ${i}`).toBeLessThan(1e-7));
      // eigvals alone (the vectors: false primitive) gives the same eigenvalue tangents.
      const [, tw] = jvp((x: Array) => { const w = np.linalg.eigvals(x); return [w.re, w.im]; }, [a], [d]);
      (tw as Array[]).forEach((t, i) => expect(maxDiff(t, want[i])).toBeLessThan(1e-7));
    });

    it(`grad of real functions of eigenvalues and eigenvectors, and the vjp identity: ${name}`, () => {
      const a = f64(a0);
      const n = a0.length;
      const wts = np.array(globalThis.Array.from({ length: n * n }, (_, i) => Math.cos(1.3 * i + 0.4)), { dtype: 'float64', shape: [n, n] });
      const loss = (x: Array): Array => {
        const [w, v] = np.linalg.eig(x);
        return np.add(np.add(np.sum(np.multiply(w.re, np.arange(1, n + 1))), np.sum(np.square(w.im))), np.sum(np.multiply(np.add(v.re, np.multiply(v.im, 2)), wts)));
      };
      const g = grad(loss)(a);
      const h = 1e-6;
      const gv = g.js() as number[][];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const e = np.array(globalThis.Array.from({ length: n * n }, (_, k) => (k === i * n + j ? h : 0)), { dtype: 'float64', shape: [n, n] });
          const num = (loss(np.add(a, e)).item() - loss(np.subtract(a, e)).item()) / (2 * h);
          expect(Math.abs(gv[i][j] - num), `d/dA[${i},${j}]`).toBeLessThan(1e-7 * (1 + Math.abs(num)));
        }
      }
      // <ct, J t> = <Jᵀ ct, t> for all four outputs.
      const d = dA.slice([0, n], [0, n]);
      const [outs, pull] = vjp((x: Array) => parts(x), [a]);
      const cts = (outs as Array[]).map((o, i) => np.cos(np.add(np.arange(o.size).reshape(o.shape), i)));
      const [ctA] = pull(cts) as Array[];
      const [, tans] = jvp((x: Array) => parts(x), [a], [d]);
      const lhs = (tans as Array[]).reduce((s, t, i) => s + np.sum(np.multiply(t, cts[i])).item(), 0);
      expect(lhs).toBeCloseTo(np.sum(np.multiply(ctA, d)).item(), 10);
    });
  }

  it('1x1 and 0x0: dλ = dA, unit vectors do not move, empty tangents', () => {
    const f = (x: Array): Array[] => { const [w, v] = np.linalg.eig(x); return [w.re, w.im, v.re, v.im]; };
    const [, t1] = jvp(f, [f64([[3]])], [f64([[0.5]])]);
    expect((t1 as Array[]).map((t) => t.js())).toEqual([[0.5], [0], [[0]], [[0]]]);
    const [, t0] = jvp(f, [np.zeros([0, 0], { dtype: 'float64' })], [np.zeros([0, 0], { dtype: 'float64' })]);
    expect((t0 as Array[]).map((t) => t.shape)).toEqual([[0], [0], [0, 0], [0, 0]]);
    near(grad((x: Array) => np.sum(np.linalg.eigvals(x).re))(f64([[3]])), [[1]]);
  });

  it('grad through vmap of eigvals and the second derivative of an eigenvalue', () => {
    const xs = np.stack([f64(B3), np.add(f64(B3), f64([[0, 1, 0], [0, 0, 1], [1, 0, 0]]))]);
    const f = (x: Array): Array => np.sum(vmap((m: Array) => np.linalg.eigvals(m).re)(x).slice([], 0));
    const g = grad(f)(xs);
    const g0 = grad((m: Array) => np.linalg.eigvals(m).re.slice(0))(xs.slice(0));
    near(g.slice(0), g0.js() as number[][], { tol: 1e-12 });
    // d²λ/dA² along a direction, against differences of the first derivative.
    const d = dA.slice([0, 3], [0, 3]);
    const first = (m: Array): Array => jvp((y: Array) => np.linalg.eigvals(y).re, [m], [d])[1] as Array;
    const [, second] = jvp(first, [f64(B3)], [d]);
    const h = 1e-5;
    const want = np.divide(np.subtract(first(np.add(f64(B3), np.multiply(d, h))), first(np.subtract(f64(B3), np.multiply(d, h)))), 2 * h);
    expect(maxDiff(second as Array, want)).toBeLessThan(1e-6);
  });
});

describe('np.roots', () => {
  it('matches numpy: real and complex roots, leading and trailing zeros, constants', () => {
    const r1 = pairs(np.roots([1, -6, 11, -6]));
    expect(r1.map((p) => p[0])).toEqual([expect.closeTo(3, 13), expect.closeTo(2, 13), expect.closeTo(1, 13)]);
    expect(r1.map((p) => p[1])).toEqual([0, 0, 0]);
    const want = [[-1.2878154795576484, 0.8578967583284913], [-1.2878154795576484, -0.8578967583284913], [0.2878154795576478, 1.416093080171908], [0.2878154795576478, -1.416093080171908]];
    const r2 = pairs(np.roots(f64([1, 2, 3, 4, 5]))).sort(byValue);
    want.sort(byValue as never).forEach(([re, im], i) => {
      expect(r2[i][0]).toBeCloseTo(re, 13);
      expect(r2[i][1]).toBeCloseTo(im, 13);
    });
    // numpy: [0, 0, 2, -4, 0, 0] -> [2, 0, 0] (exact zeros at the end).
    expect(pairs(np.roots([0, 0, 2, -4, 0, 0]))).toEqual([[2, 0], [0, 0], [0, 0]]);
    const z3 = pairs(np.roots([1, 0, 0, -1])).sort(byValue);
    expect(z3[2]).toEqual([expect.closeTo(1, 14), 0]);
    expect(z3[0][1]).toBeCloseTo(-Math.sqrt(3) / 2, 14);
    expect(np.roots([3]).shape).toEqual([0]);
    expect(np.roots([0, 0]).shape).toEqual([0]);
    expect(np.roots(5).shape).toEqual([0]);
    expect(pairs(np.roots([2, -1]))).toEqual([[0.5, 0]]);
  });

  it('dtypes: integers become float64, float32 stays', () => {
    expect(np.roots([1, -3, 2]).dtype).toBe('float64');
    const r = np.roots(f64([1, -3, 2]).astype('float32'));
    expect(r.dtype).toBe('float32');
    expect(pairs(r).map((p) => p[0]).sort()).toEqual([expect.closeTo(1, 5), expect.closeTo(2, 5)]);
  });

  it('differentiates simple roots with respect to the coefficients; stripZeros: false traces under jit', () => {
    // d r / d p_k = −r^(n−k) / p'(r) for a root r of p.
    const p0 = [2, -3, -5, 6]; // 2(x − 1)(x + 1.5)(x − 2)
    const g = grad((p: Array) => np.sum(np.multiply(np.roots(p).re, f64([1, 10, 100]))))(f64(p0));
    const r = pairs(np.roots(p0)).map((q) => q[0]);
    const dp = (x: number): number => 6 * x * x - 6 * x - 5;
    const want = [3, 2, 1, 0].map((pow) => r.reduce((s, x, i) => s - [1, 10, 100][i] * x ** pow / dp(x), 0));
    near(g, want, { tol: 1e-12 });
    const jr = jit((p: Array) => np.roots(p, { stripZeros: false }).re)(f64(p0));
    near(jr, r, { tol: 1e-14 });
    expect(() => jit((p: Array) => np.roots(p).re)(f64(p0))).toThrow(ConcretizationError);
    expect(() => jit((p: Array) => np.roots(p).re)(f64(p0))).toThrow(/np\.roots: .*stripZeros: false/);
    expect(() => np.roots(f64([[1, 2]]))).toThrow(/np\.roots: coefficients must be a 1-D array.*\[1,2\]/);
  });
});

describe('np.poly of a matrix', () => {
  it('is the characteristic polynomial (numpy), real even with a complex pair, and the inverse of roots', () => {
    near(np.poly(f64(A4)), [1, -3.9999999999999947, -12.500000000000007, 54.499999999999986, -113.99999999999979], { tol: 1e-13 });
    near(np.poly(f64(B3)), np.poly(f64(B3_W)).js() as number[], { tol: 1e-13 });
    const p = f64([2, -3, -5, 6]);
    near(np.multiply(np.poly(np.linalg.eigvals(f64([[1.5, 2.5, -3], [1, 0, 0], [0, 1, 0]])).re), 2), p.js() as number[], { tol: 1e-13 });
    expect(() => np.poly(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(/np\.poly: input must be 1-D roots or a non-empty square matrix, got shape \[2,3\]/);
  });
});

describeEachBackend('eig on each device', (b) => {
  // eig runs on the host on every device (as JAX's, CPU only); a device without synchronous
  // readback runs it inside an asynchronous program (jit(f).async), which b.call does.
  b.it({}, 'eigenvalues and eigenvectors of a matrix with a complex pair; roots', async () => {
    const [wr, wi, vr] = await b.call((a: Array) => {
      const [w, v] = np.linalg.eig(a);
      return [w.re, w.im, v.re];
    }, b.array(A4));
    expect(wr.dtype).toBe(b.dtype);
    b.expectClose(await b.read(wr) as number[], A4_W.map((p) => p[0]));
    b.expectClose(await b.read(wi) as number[], A4_W.map((p) => p[1]));
    b.expectClose(await b.read(vr) as number[], A4_V.flat().map((p) => p[0]));
    const r = await b.call((p: Array) => np.roots(p, { stripZeros: false }).re, b.array([1, -6, 11, -6]));
    b.expectClose(await b.read(r) as number[], [3, 2, 1]);
  });
});
