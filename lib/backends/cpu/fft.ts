/**
 * The CPU fft routine (lib/primitives/fft.ts): every line along the last axis is transformed in
 * float64 and rounded once into the output's dtype. Powers of two use the iterative radix-2
 * Cooley-Tukey transform; every other length n uses Bluestein's chirp-z algorithm, which turns the
 * DFT into a circular convolution of power-of-two length m >= 2n - 1, so every length costs
 * O(n log n). Twiddles come from Math.cos/sin of exact angles: 2π·k/m with k < m for radix 2, and
 * π·(k² mod 2n)/n for the chirp, whose reduction keeps the angle's argument small and exact.
 */
import { size } from '../../core/ir.js';
import type { FftParams } from '../../primitives/fft.js';
import { allocate } from './pool.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

/** Twiddles and the bit-reversal permutation of a radix-2 transform of length m with one sign. */
interface Radix2Plan {
  readonly m: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly rev: Uint32Array;
}

/** Bluestein's chirp c_k = exp(sign·iπk²/n) and the transform of its conjugate, zero-padded to m. */
interface BluesteinPlan {
  readonly n: number;
  readonly fwd: Radix2Plan;
  readonly inv: Radix2Plan;
  readonly chirpRe: Float64Array;
  readonly chirpIm: Float64Array;
  readonly filterRe: Float64Array;
  readonly filterIm: Float64Array;
}

/** Plans are small next to the data and reused across calls (a training loop repeats its lengths). */
const MAX_PLANS = 64;
const radix2Plans = new Map<string, Radix2Plan>();
const bluesteinPlans = new Map<string, BluesteinPlan>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let p = cache.get(key);
  if (p) return p;
  if (cache.size >= MAX_PLANS) cache.delete(cache.keys().next().value as string);
  p = make();
  cache.set(key, p);
  return p;
}

const isPowerOfTwo = (n: number): boolean => (n & (n - 1)) === 0;

function radix2Plan(m: number, sign: number): Radix2Plan {
  return cached(radix2Plans, `${m}|${sign}`, () => {
    const half = m >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = (2 * Math.PI * k) / m;
      cos[k] = Math.cos(a);
      sin[k] = sign * Math.sin(a);
    }
    const rev = new Uint32Array(m);
    const bits = Math.round(Math.log2(m));
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      rev[i] = r;
    }
    return { m, cos, sin, rev };
  });
}

/** In place: (re, im) of length m becomes its unnormalised DFT with the plan's sign. */
function radix2(re: Float64Array, im: Float64Array, p: Radix2Plan): void {
  const { m, cos, sin, rev } = p;
  for (let i = 0; i < m; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let len = 2; len <= m; len <<= 1) {
    const half = len >> 1;
    const step = m / len;
    for (let start = 0; start < m; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step], wi = sin[k * step];
        const a = start + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

function bluesteinPlan(n: number, sign: number): BluesteinPlan {
  return cached(bluesteinPlans, `${n}|${sign}`, () => {
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    const chirpRe = new Float64Array(n);
    const chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n is exact in doubles for every n an array can hold along one axis (n < 2^26).
      const a = (Math.PI * ((k * k) % (2 * n))) / n;
      chirpRe[k] = Math.cos(a);
      chirpIm[k] = sign * Math.sin(a);
    }
    // The filter b_j = conj(c_|j|) for -n < j < n, wrapped circularly into length m.
    const filterRe = new Float64Array(m);
    const filterIm = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      filterRe[k] = chirpRe[k];
      filterIm[k] = -chirpIm[k];
      if (k > 0) {
        filterRe[m - k] = chirpRe[k];
        filterIm[m - k] = -chirpIm[k];
      }
    }
    const fwd = radix2Plan(m, -1);
    radix2(filterRe, filterIm, fwd);
    return { n, fwd, inv: radix2Plan(m, 1), chirpRe, chirpIm, filterRe, filterIm };
  });
}

/**
 * X_k = c_k · Σ_j (x_j c_j) · conj(c_{k-j}), from jk = (j² + k² − (k−j)²)/2: the sum is the
 * circular convolution of a = x·c with the filter, done by transforms of length m.
 */
function bluestein(re: Float64Array, im: Float64Array, p: BluesteinPlan, ar: Float64Array, ai: Float64Array): void {
  const { n, chirpRe, chirpIm, filterRe, filterIm } = p;
  const m = ar.length;
  ar.fill(0);
  ai.fill(0);
  for (let j = 0; j < n; j++) {
    ar[j] = re[j] * chirpRe[j] - im[j] * chirpIm[j];
    ai[j] = re[j] * chirpIm[j] + im[j] * chirpRe[j];
  }
  radix2(ar, ai, p.fwd);
  for (let k = 0; k < m; k++) {
    const xr = ar[k] * filterRe[k] - ai[k] * filterIm[k];
    ai[k] = ar[k] * filterIm[k] + ai[k] * filterRe[k];
    ar[k] = xr;
  }
  radix2(ar, ai, p.inv);
  for (let k = 0; k < n; k++) {
    const cr = ar[k] / m, ci = ai[k] / m;
    re[k] = cr * chirpRe[k] - ci * chirpIm[k];
    im[k] = cr * chirpIm[k] + ci * chirpRe[k];
  }
}

const fft: CpuRoutine = ([xr, xi], [xa], outAvals, { sign }: FftParams) => {
  const shape = xa.shape;
  const n = shape[shape.length - 1];
  const total = size(shape);
  const outRe = allocate(outAvals[0].dtype, total);
  const outIm = allocate(outAvals[1].dtype, total);
  if (n === 0 || total === 0) return [outRe, outIm];
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const pow2 = isPowerOfTwo(n);
  const r2 = pow2 ? radix2Plan(n, sign) : undefined;
  const bs = pow2 ? undefined : bluesteinPlan(n, sign);
  const scratchRe = new Float64Array(bs ? bs.fwd.m : 0);
  const scratchIm = new Float64Array(bs ? bs.fwd.m : 0);
  for (let s = 0; s < total; s += n) {
    for (let j = 0; j < n; j++) { re[j] = xr[s + j]; im[j] = xi[s + j]; }
    if (r2) radix2(re, im, r2);
    else bluestein(re, im, bs!, scratchRe, scratchIm);
    // A float32 output rounds each float64 result once.
    for (let k = 0; k < n; k++) { outRe[s + k] = re[k]; outIm[s + k] = im[k]; }
  }
  return [outRe, outIm];
};

registerRoutines({ fft });
