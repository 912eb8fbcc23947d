/**
 * np.fft (lib/numpy/fft.ts), the fft primitive (lib/primitives/fft.ts), its CPU routine
 * (lib/backends/cpu/fft.ts: radix 2 and Bluestein) and its decomposition, and the Complex pytree
 * (lib/numpy/complex.ts). Values against numpy.fft from tests/fixtures/fft/numpy-fft.json (made by
 * generate.py beside it) on every backend; derivatives against central differences, Parseval, the
 * identity <ct, J t> = <Jᵀ ct, t>, vmap, jit and second derivatives.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Array, grad, jit, jvp, makeJaxpr, np, tree, vjp, vmap } from '../lib/index.js';
import { bind } from '../lib/core/trace.js';
import { type TypedArray, typedArrayFor } from '../lib/core/dtype.js';
import { size } from '../lib/core/ir.js';
import { Programs } from '../lib/lowering/programs.js';
import type { Runtime } from '../lib/lowering/runner.js';
import { getRoutine, routineNames } from '../lib/backends/cpu/routines.js';
import { renderJs } from '../lib/backends/cpu/render-js.js';
import { Fft } from '../lib/primitives/fft.js';
import { Complex, complex, isComplex } from '../lib/numpy/complex.js';
import * as fft from '../lib/numpy/fft.js';
import { type BackendCase, describeEachBackend } from './backends.js';
import { rng } from './rng.js';

interface Data { shape: number[]; re: number[]; im?: number[] }
interface Case extends Data { fn: string; input: string; kw: { n?: number; axis?: number; norm?: fft.FftNorm; s?: number[]; axes?: number[] } }
interface Fixture {
  numpy: string;
  inputs: Record<string, Data>;
  cases: Case[];
  freqs: { fn: 'fftfreq' | 'rfftfreq'; n: number; d: number; out: number[] }[];
  shifts: { fn: 'fftshift' | 'ifftshift'; axes: number | number[] | null; shape: number[]; out: number[] }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures/fft/numpy-fft.json'), 'utf8')) as Fixture;

type Result = Complex | Array;
type Input = Complex | Array;
const ONE_D: Record<string, (a: Input, n?: number, axis?: number, norm?: fft.FftNorm) => Result> = {
  fft: (a, n, axis, norm) => fft.fft(a, n, axis, norm),
  ifft: (a, n, axis, norm) => fft.ifft(a, n, axis, norm),
  rfft: (a, n, axis, norm) => fft.rfft(a as Array, n, axis, norm),
  irfft: (a, n, axis, norm) => fft.irfft(a, n, axis, norm),
  hfft: (a, n, axis, norm) => fft.hfft(a, n, axis, norm),
  ihfft: (a, n, axis, norm) => fft.ihfft(a as Array, n, axis, norm),
};
const N_D: Record<string, (a: Input, s?: number[], axes?: number[], norm?: fft.FftNorm) => Result> = {
  fftn: (a, s, axes, norm) => fft.fftn(a, s, axes, norm),
  ifftn: (a, s, axes, norm) => fft.ifftn(a, s, axes, norm),
  rfftn: (a, s, axes, norm) => fft.rfftn(a as Array, s, axes, norm),
  irfftn: (a, s, axes, norm) => fft.irfftn(a, s, axes, norm),
  fft2: (a, s, axes, norm) => fft.fft2(a, s, axes, norm),
  ifft2: (a, s, axes, norm) => fft.ifft2(a, s, axes, norm),
  rfft2: (a, s, axes, norm) => fft.rfft2(a as Array, s, axes, norm),
  irfft2: (a, s, axes, norm) => fft.irfft2(a, s, axes, norm),
};

function run(c: Case, x: Input): Result {
  const { n, axis, norm, s, axes } = c.kw;
  if (c.fn in ONE_D) return ONE_D[c.fn](x, n, axis ?? -1, norm);
  return N_D[c.fn](x, s, axes, norm);
}

const label = (c: Case): string => `${c.fn}(${c.input}${Object.entries(c.kw).map(([k, v]) => `, ${k}=${JSON.stringify(v)}`).join('')})`;

const data = async (x: Array): Promise<number[]> => globalThis.Array.from((await x.data()) as ArrayLike<number>, Number);

/** |got − want| <= tol · max(1, max |want|) over both parts. */
function expectNear(got: number[], want: number[], tol: number, scale: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const bad = got.findIndex((g, i) => !(Math.abs(g - want[i]) <= tol * scale));
  if (bad >= 0) expect.fail(`${what}: element ${bad}: got ${got[bad]}, want ${want[bad]} (tol ${tol} × ${scale})`);
}

describeEachBackend('np.fft values vs numpy.fft', (b: BackendCase) => {
  // float64 to ~1e-12 (relative to the largest output); float32 to 1e-5 (the CPU's float32 is
  // computed in float64 and rounded once; WebGPU runs the O(n²) decomposition in float32).
  const tol = b.dtype === 'float64' ? 1e-12 : b.device === 'webgpu' ? 1e-5 * 4 : 1e-5;
  const input = (name: string): Input => {
    const d = fixture.inputs[name];
    const re = b.array(d.re, d.shape);
    return d.im ? new Complex(re, b.array(d.im, d.shape)) : re;
  };
  // WebGPU compiles shaders for each new program, which software adapters do slowly: it runs each
  // case as one jitted program, for an evenly spread twelfth of the cases and the first of every function.
  const gpu = b.device === 'webgpu';
  const first = (c: Case, i: number): boolean => fixture.cases.findIndex((d) => d.fn === c.fn) === i;
  const cases = gpu ? fixture.cases.filter((c, i) => i % 12 === 0 || first(c, i)) : fixture.cases;
  it(`every function, norm, length, padding and axes (${cases.length} cases, numpy ${fixture.numpy})`, async () => {
    expect(new Set(cases.map((c) => c.fn)).size).toBe(14);
    for (const c of cases) {
      const out = gpu ? jit((x: Input) => run(c, x))(input(c.input)) : run(c, input(c.input));
      expect(out.shape, label(c)).toEqual(c.shape);
      const want = [...c.re, ...(c.im ?? [])];
      const got = isComplex(out) ? [...await data(out.re), ...await data(out.im)] : await data(out);
      expect(isComplex(out), `${label(c)}: complex result`).toBe(c.im !== undefined);
      expectNear(got, want, tol, Math.max(1, ...want.map(Math.abs)), label(c));
    }
  }, 120_000);
  it('fftfreq and rfftfreq', async () => {
    for (const f of fixture.freqs) {
      const got = await data(fft[f.fn](f.n, f.d, { dtype: b.dtype }));
      expectNear(got, f.out, b.dtype === 'float64' ? 0 : 1e-6, Math.max(1, ...f.out.map(Math.abs)), `${f.fn}(${f.n}, ${f.d})`);
    }
  });
  it('fftshift and ifftshift, on real and complex values', async () => {
    const s2 = fixture.inputs.s2;
    for (const s of fixture.shifts) {
      const x = b.array(s2.re, s2.shape);
      const out = fft[s.fn](x, s.axes);
      expect(out.shape).toEqual(s.shape);
      expect(await data(out), `${s.fn}(axes=${JSON.stringify(s.axes)})`).toEqual(s.out);
      const z = fft[s.fn](new Complex(x, x.mul(-1)), s.axes);
      expect(await data(z.re)).toEqual(s.out);
      expect(await data(z.im)).toEqual(s.out.map((v) => -v));
    }
  });
  it('round trips: ifft(fft(x)) = x and irfft(rfft(x), n) = x for odd and even n', async () => {
    for (const n of [1, 6, 9, 31, 128]) {
      const r = rng(n);
      const x = b.array(globalThis.Array.from({ length: 2 * n }, () => r() - 0.5), [2, n]);
      const [back, real] = jit((v: Array) => [fft.ifft(fft.fft(v)), fft.irfft(fft.rfft(v), n)] as const)(x);
      expectNear(await data(back.re), await data(x), 10 * tol, 1, `ifft(fft(x)), n=${n}`);
      expectNear(await data(back.im), new globalThis.Array(2 * n).fill(0), 10 * tol, 1, `imag of ifft(fft(x)), n=${n}`);
      expectNear(await data(real), await data(x), 10 * tol, 1, `irfft(rfft(x)), n=${n}`);
    }
  });
});

/** Central differences of a scalar function of one flat vector, in float64. */
function fdGrad(f: (x: Array) => Array, x0: number[], shape: number[], h = 1e-6): number[] {
  return x0.map((_, i) => {
    const at = (d: number) => f(np.array(x0.map((v, j) => (j === i ? v + d : v)), { shape })).item();
    return (at(h) - at(-h)) / (2 * h);
  });
}

const randn = (seed: number, count: number): number[] => {
  const r = rng(seed);
  return globalThis.Array.from({ length: count }, () => 2 * r() - 1);
};

/** The numbers of an Array, read on the CPU. */
const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number>, Number);

function close(got: number[], want: number[], rtol: number, what: string): void {
  expectNear(got, want, rtol, Math.max(1, ...want.map(Math.abs)), what);
}

describe('np.fft derivatives (float64, cpu)', () => {
  it("Parseval: grad of Σ|fft(x)|² is 2n·x, for radix-2 and Bluestein lengths", () => {
    for (const n of [1, 5, 8, 12, 17]) {
      const x = np.array(randn(n, 2 * n), { shape: [2, n] });
      const g = grad((v: Array) => np.sum(np.square(fft.fft(v).abs())))(x);
      close(vals(g), vals(x).map((v) => 2 * n * v), 1e-12, `n=${n}`);
    }
  });

  const losses: [string, (x: Array) => Array, number[]][] = [
    ['fft', (x) => { const z = fft.fft(x, 7); return np.sum(np.sin(z.re).mul(z.im)); }, [2, 5]],
    ['ifft of a complex input (ortho)', (x) => { const z = fft.ifft(complex(x, np.cos(x)), undefined, 0, 'ortho'); return np.sum(np.tanh(z.re.add(z.im.mul(2)))); }, [6, 2]],
    ['rfft', (x) => np.sum(np.square(fft.rfft(x, 10).abs()).mul(np.arange(6))), [2, 9]],
    ['irfft', (x) => np.sum(np.sin(fft.irfft(complex(x, x.mul(x)), 8, -1, 'forward'))), [2, 5]],
    ['irfft odd n', (x) => np.sum(np.sin(fft.irfft(complex(x, x.mul(0.5)), 7))), [4]],
    ['fftn', (x) => { const z = fft.fftn(x, [4, 3]); return np.sum(np.cos(z.re).add(z.im.mul(z.re))); }, [3, 4]],
    ['irfftn', (x) => np.sum(np.square(fft.irfftn(complex(x, np.sin(x)), [5, 6]))), [3, 4]],
    ['hfft', (x) => np.sum(np.sin(fft.hfft(complex(x, x), 9))), [5]],
    ['fftshift of fft2', (x) => np.sum(fft.fftshift(fft.fft2(x)).angle().mul(np.arange(x.size).reshape(x.shape))), [3, 3]],
  ];
  it.each(losses)('grad through %s matches central differences', (_name, f, shape) => {
    const x0 = randn(shape.reduce((p, d) => p * d, 1), shape.reduce((p, d) => p * d, 1));
    const g = grad(f)(np.array(x0, { shape }));
    close(vals(g), fdGrad(f, x0, shape), 1e-7, 'grad vs finite differences');
  });

  it('grad with respect to a Complex argument returns a Complex (the real gradient of each part)', () => {
    const z = complex(np.array(randn(1, 6)), np.array(randn(2, 6)));
    const loss = (w: Complex) => np.sum(np.square(fft.fft(w).abs()));
    const g = grad(loss)(z);
    expect(g).toBeInstanceOf(Complex);
    close(vals(g.re), vals(z.re).map((v) => 12 * v), 1e-12, 'd/d re');
    close(vals(g.im), vals(z.im).map((v) => 12 * v), 1e-12, 'd/d im');
  });

  it('<ct, J t> = <Jᵀ ct, t> for the primitive, both signs, radix 2 and Bluestein', () => {
    for (const [n, sign] of [[8, -1], [5, -1], [6, 1], [17, 1]] as const) {
      const shape = [3, n];
      const count = 3 * n;
      const [re, im, tr, ti, cr, ci] = [1, 2, 3, 4, 5, 6].map((k) => np.array(randn(100 * n + k, count), { shape }));
      const f = (a: Array, c: Array) => bind(Fft, [a, c], { sign });
      const [, jt] = jvp(f, [re, im], [tr, ti]);
      const [, back] = vjp(f, [re, im]);
      const [gr, gi] = back([cr, ci]);
      const dot = (a: Array, c: Array) => vals(a).reduce((s, v, i) => s + v * vals(c)[i], 0);
      const lhs = dot(cr, jt[0]) + dot(ci, jt[1]);
      const rhs = dot(gr, tr) + dot(gi, ti);
      expect(Math.abs(lhs - rhs), `n=${n}, sign=${sign}: ${lhs} vs ${rhs}`).toBeLessThan(1e-10 * Math.max(1, Math.abs(lhs)));
    }
  });

  it('vmap(f)(xs)[i] equals f(xs[i]), batched along other axes and over Complex inputs', () => {
    const xs = np.array(randn(7, 4 * 3 * 6), { shape: [4, 3, 6] });
    const f = (x: Array) => { const z = fft.fft(x, undefined, 0); return z.re.add(z.im.mul(3)); };
    const batched = vmap(f)(xs);
    for (let i = 0; i < 4; i++) close(vals(batched.slice(i)), vals(f(xs.slice(i))), 1e-13, `row ${i}`);
    const cols = vmap(f, 2, 0)(xs);
    for (let j = 0; j < 6; j++) close(vals(cols.slice(j)), vals(f(xs.slice([], [], j))), 1e-13, `column ${j}`);
    const zs = complex(xs, np.cos(xs));
    const g = (z: Complex) => fft.ifft2(z, [3, 5]);
    const out = vmap(g)(zs);
    expect(out).toBeInstanceOf(Complex);
    for (let i = 0; i < 4; i++) {
      const want = g(zs.slice(i));
      close(vals(out.re.slice(i)), vals(want.re), 1e-13, `complex row ${i} (re)`);
      close(vals(out.im.slice(i)), vals(want.im), 1e-13, `complex row ${i} (im)`);
    }
  });

  it('jit equals eager', () => {
    const x = np.array(randn(9, 2 * 12), { shape: [2, 12] });
    const f = (v: Array) => { const z = fft.rfft(v, 20, -1, 'ortho'); return fft.irfft(z.mul(z.conj()), 15).add(fft.fftn(v).re.sum(0).sum()); };
    close(vals(jit(f)(x)), vals(f(x)), 1e-13, 'jit vs eager');
    const h = (z: Complex) => fft.ifftn(z, null, [1]);
    const z = complex(x, x.mul(2));
    const [a, e] = [jit(h)(z), h(z)];
    expect(a).toBeInstanceOf(Complex);
    close([...vals(a.re), ...vals(a.im)], [...vals(e.re), ...vals(e.im)], 1e-13, 'jit of a Complex function');
  });

  it('second derivatives: grad of grad matches central differences of the gradient', () => {
    const f = (x: Array) => np.sum(np.cos(fft.fft(x).re)).add(np.sum(np.square(fft.rfft(x).abs()).mul(np.sin(fft.rfft(x).im))));
    const x0 = randn(11, 7);
    const v = np.array(randn(12, 7));
    const hvp = grad((x: Array) => np.sum(grad(f)(x).mul(v)))(np.array(x0));
    const dir = vals(v);
    const g = (d: number) => vals(grad(f)(np.array(x0.map((t, i) => t + d * dir[i]))));
    const h = 1e-5;
    const [gp, gm] = [g(h), g(-h)];
    close(vals(hvp), gp.map((p, i) => (p - gm[i]) / (2 * h)), 1e-7, 'Hessian-vector product');
  });
});

/** A runtime over plain typed arrays, with the CPU's JS kernels and routines (as tests/render-wasm.test.ts). */
const plainRuntime: Runtime<TypedArray> = {
  name: 'fft-test',
  alloc: (a) => typedArrayFor(a.dtype, size(a.shape)),
  free: () => {},
  upload: (d) => d.slice(),
  kernel: renderJs,
  routine: (name) => getRoutine(name),
  readSync: (b) => b,
  readAsync: async (b) => b,
  slice: (b, o, a) => b.subarray(o, o + size(a.shape)),
  write: (dst, o, src) => dst.set(src, o),
};

describe('the decomposition (backends without the fft routine) agrees with the CPU routine', () => {
  it.each(['float64', 'float32'] as const)('eagerly, %s, both signs, lengths 1 to 17, 64 and 100', (dtype) => {
    const tol = dtype === 'float64' ? 1e-12 : 2e-5;
    for (const n of [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 64, 100]) {
      for (const sign of [-1, 1] as const) {
        const re = np.array(randn(n, 2 * n), { shape: [2, n], dtype });
        const im = np.array(randn(n + 1, 2 * n), { shape: [2, n], dtype });
        const routine = bind(Fft, [re, im], { sign });
        const decomposed = Fft.decompose!([re, im], { sign });
        expect(decomposed.map((d) => d.dtype)).toEqual([dtype, dtype]);
        close([...vals(decomposed[0]), ...vals(decomposed[1])], [...vals(routine[0]), ...vals(routine[1])], tol * Math.sqrt(n), `n=${n}, sign=${sign}`);
      }
    }
  });

  it('through the lowering with capabilities that lack the routine', () => {
    const re = np.array(randn(3, 3 * 10), { shape: [3, 10] });
    const im = np.array(randn(4, 3 * 10), { shape: [3, 10] });
    const f = (a: Array, c: Array) => { const z = fft.ifft(complex(a, c), 13, 0, 'ortho'); return [z.re, z.im]; };
    const { jaxpr, consts } = makeJaxpr(f)(re, im);
    const ins = [...consts, re, im].map((a) => a.dataSync());
    const without = new Programs({ routines: new Set(routineNames().filter((n) => n !== 'fft')) }, plainRuntime);
    const withFft = new Programs({ routines: new Set(routineNames()) }, plainRuntime);
    const want = f(re, im);
    const viaDecomposition = without.runner(jaxpr).run(ins).outs;
    const viaRoutine = withFft.runner(jaxpr).run(ins).outs;
    [0, 1].forEach((k) => {
      close(globalThis.Array.from(viaDecomposition[k]), vals(want[k]), 1e-12, `decomposition, output ${k}`);
      close(globalThis.Array.from(viaRoutine[k]), vals(want[k]), 1e-12, `routine, output ${k}`);
    });
  });
});

describe('np.fft input handling and errors', () => {
  it('takes JS arrays and integer arrays (converted to the default float, as JAX)', () => {
    const a = fft.fft([1, 2, 3, 4]);
    close((a.js() as number[][]).flat(), [10, 0, -2, 2, -2, 0, -2, -2], 1e-15, 'fft of a JS array');
    const b = fft.rfft(np.array([1, 2, 3, 4], { dtype: 'int32' }));
    expect(b.dtype).toBe('float64');
    close((b.js() as number[][]).flat(), [10, 0, -2, 2, -2, 0], 1e-15, 'rfft of an int32 array');
    close(vals(fft.irfft([10, 1])), [5.5, 4.5], 1e-15, 'irfft of a JS array');
  });

  it('float32 in, float32 out (complex64)', () => {
    const z = fft.fft(np.array([1, 2, 3], { dtype: 'float32' }));
    expect(z.dtype).toBe('float32');
    expect(z.complexDtype).toBe('complex64');
    expect(fft.irfft(z, 3).dtype).toBe('float32');
  });

  it('clear errors naming the function, the shapes and the fix', () => {
    const x = np.array([1, 2, 3]);
    expect(() => fft.fft(x, 0)).toThrow(/np\.fft\.fft: invalid number of data points n = 0; it must be a positive integer/);
    expect(() => fft.fft(x, 2.5)).toThrow(/np\.fft\.fft: invalid number of data points n = 2\.5/);
    expect(() => fft.fft(np.array([true, false]))).toThrow(/np\.fft\.fft: got a bool array of shape \[2\]; convert it first, e\.g\. x\.astype\('float64'\)/);
    expect(() => fft.rfft(complex(x, x) as unknown as Array)).toThrow(/np\.fft\.rfft: takes a real input, got a Complex of shape \[3\]; pass z\.real/);
    expect(() => fft.fft(x, undefined, 1)).toThrow(/np\.fft\.fft: axis 1 is out of bounds for an array of rank 1/);
    expect(() => fft.fft(np.array(2))).toThrow(/np\.fft\.fft: got a 0-d input/);
    expect(() => fft.fft(x, undefined, -1, 'both' as fft.FftNorm)).toThrow(/np\.fft\.fft: norm must be 'backward', 'ortho' or 'forward', got "both"/);
    expect(() => fft.irfft(np.array([1]))).toThrow(/np\.fft\.irfft: an input of 1 bin\(s\) gives the default output length 2\(m − 1\) = 0; pass n explicitly/);
    expect(() => fft.fftn(np.zeros([2, 3]), [4], [0, 1])).toThrow(/np\.fft\.fftn: s and axes must have the same length, got s = \[4\] and axes = \[0,1\]/);
    expect(() => fft.fftfreq(0)).toThrow(/np\.fft\.fftfreq: n must be a positive integer/);
    expect(() => fft.rfftfreq(4, 0)).toThrow(/np\.fft\.rfftfreq: d must be a finite nonzero sample spacing/);
    expect(() => fft.fft(np.zeros([0]))).toThrow(/np\.fft\.fft: invalid number of data points n = 0/);
    expect(() => bind(Fft, [np.zeros([3]), np.zeros([4])], { sign: -1 })).toThrow(/fft: the real and imaginary parts must have one shape and dtype, got f64\[3\], f64\[4\]/);
    expect(() => bind(Fft, [np.zeros([3], { dtype: 'int32' }), np.zeros([3], { dtype: 'int32' })], { sign: -1 })).toThrow(/fft: operand dtype int32 is not supported/);
  });
});

describe('Complex', () => {
  it('shape, dtype, parts, arithmetic and reductions', () => {
    const z = complex([1, 2], [3, -4]);
    expect([z.shape, z.ndim, z.size, z.dtype, z.complexDtype]).toEqual([[2], 1, 2, 'float64', 'complex128']);
    expect(z.real.js()).toEqual([1, 2]);
    expect(z.imag.js()).toEqual([3, -4]);
    expect(z.conj().js()).toEqual([[1, -3], [2, 4]]);
    expect(z.abs().js()).toEqual([Math.hypot(1, 3), Math.hypot(2, 4)]);
    expect(z.angle().js()).toEqual([Math.atan2(3, 1), Math.atan2(-4, 2)]);
    const w = complex([0.5, -1], [2, 1]);
    expect(z.add(w).js()).toEqual([[1.5, 5], [1, -3]]);
    expect(z.sub(1).js()).toEqual([[0, 3], [1, -4]]);
    expect(z.mul(w).js()).toEqual([[1 * 0.5 - 3 * 2, 1 * 2 + 3 * 0.5], [2 * -1 - -4 * 1, 2 * 1 + -4 * -1]]);
    const q = z.mul(w).div(w).js() as number[][];
    close(q.flat(), [1, 3, 2, -4], 1e-15, 'z·w/w');
    expect(z.div(2).js()).toEqual([[0.5, 1.5], [1, -2]]);
    expect(z.neg().js()).toEqual([[-1, -3], [-2, 4]]);
    expect(z.add(np.array([[1], [2]])).shape).toEqual([2, 2]);
    expect(z.sum().js()).toEqual([3, -1]);
    expect(complex(np.arange(6).reshape([2, 3]), 1).reshape([3, 2]).transpose().shape).toEqual([2, 3]);
    expect(isComplex(z)).toBe(true);
    expect(isComplex(z.re)).toBe(false);
  });

  it('prints as numpy, with JAX spelling', () => {
    expect(complex([1, 3], [2, -0.5]).repr()).toBe('Array([1.+2.j , 3.-0.5j], dtype=complex128)');
    expect(complex([1, 3], [2, -5]).repr()).toBe('Array([1.+2.j, 3.-5.j], dtype=complex128)');
    expect(String(complex([1, 3], [2, -5]))).toBe('[1.+2.j 3.-5.j]');
    expect(complex(np.array([[1, 2], [3, 4]], { dtype: 'float32' }), 0).repr()).toBe('Array([[1.+0.j, 2.+0.j],\n       [3.+0.j, 4.+0.j]], dtype=complex64)');
    expect(complex(1.5, -2).repr()).toBe('Array(1.5-2.j, dtype=complex128)');
    // parts that round to integers keep their point, as numpy prints fft([1, 2, 3, 4]): [10.+0.j -2.+2.j -2.+0.j -2.-2.j]
    expect(np.fft.fft(np.array([1, 2, 3, 4])).toString()).toBe('[10.+0.j -2.+2.j -2.+0.j -2.-2.j]');
    expect(complex([1.5, -0.125], [2.25, -3]).toString()).toBe('[ 1.5  +2.25j -0.125-3.j  ]');
  });

  it('is a pytree: tree.map and tree.leaves see its two parts', () => {
    const z = complex([1, 2], [3, 4]);
    const leaves = tree.leaves(z);
    expect(leaves.length).toBe(2);
    expect(leaves[0]).toBe(z.re);
    expect(leaves[1]).toBe(z.im);
    const d = tree.map((a) => (a as Array).mul(2), z);
    expect(d).toBeInstanceOf(Complex);
    expect(d.js()).toEqual([[2, 6], [4, 8]]);
  });
});

describe('numpy complex helpers on Complex values', () => {
  it('np.real, imag, conj, angle, isreal, iscomplexobj read the pair', () => {
    const z = np.complex([1, -2, 3], [0, 2, -1]);
    expect(np.real(z).js()).toEqual([1, -2, 3]);
    expect(np.imag(z).js()).toEqual([0, 2, -1]);
    expect(np.conj(z).im.js()).toEqual([-0, -2, 1]);
    expect(np.angle(z).js()).toEqual([0, Math.atan2(2, -2), Math.atan2(-1, 3)]);
    expect(np.isreal(z).js()).toEqual([true, false, false]);
    expect(np.iscomplex(z).js()).toEqual([false, true, true]);
    expect([np.iscomplexobj(z), np.isrealobj(z), np.iscomplexobj(z.re)]).toEqual([true, false, false]);
    expect(globalThis.Array.from(np.fft.ifft(np.fft.fft([1, 2, 3])).re.dataSync(), (v: number) => Math.round(v * 1e12) / 1e12)).toEqual([1, 2, 3]);
  });
});
