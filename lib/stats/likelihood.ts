/**
 * The traced HistFactory likelihood of one model structure. A model is its structure (shapes,
 * index lists, interpolation codes: what the traced operations depend on) and one constant vector
 * of numbers (nominal yields, interpolation terms, constraint widths, auxiliary data) that the
 * functions take as an input. Models of equal structure (the signal hypotheses of a patchset, a
 * workspace refitted with new yields, the fresh models of a loop) share one `Likelihood` and so one
 * trace and one compiled program per function.
 */
import type { Array } from '../core/array.js';
import { LRU, onClearCaches } from '../core/lru.js';
import * as np from '../numpy/index.js';
import { jit } from '../transforms/jit.js';
import { poissonLogPmf } from './dists.js';
import { interpolateTerms, interpTermCount, isMultiplicative, type InterpCode } from './interpolation.js';

/** Where each group of numbers starts in the constant vector (its size is `end`). */
export interface ConstLayout { nominal: number; ns: number; hs: number; invSigma: number; factors: number; auxdata: number; auxScale: number; normalNorm: number; end: number }

/**
 * Everything the traced functions read besides their inputs. Expected data: multiplicative
 * sources live in [pars, normsys factors, 1]; factors constant over a (sample, channel) block
 * (normfactor, lumi, normsys) multiply per block (`blockRows`) and are spread over its bins
 * (`cellBlock`); per-bin factors (shapesys, staterror, shapefactor) multiply per cell (sample, bin)
 * (`factorRows`). Histosys shifts live in [shifts, 0], summed per cell (`shiftRows`).
 */
export interface Structure {
  S: number; B: number; C: number; nPars: number; nAux: number;
  /** The α (parameter index) of each normsys use, and of each histosys (use, bin). */
  nsAlpha: number[]; hsAlpha: number[];
  shiftRows: number[][]; blockRows: number[][]; factorRows: number[][]; cellBlock: number[];
  nsCode: InterpCode; hsCode: InterpCode;
  /** The parameter of each auxiliary datum; the data with Gaussian, with Poisson constraints. */
  auxPar: number[]; normalIdx: number[]; poissonIdx: number[];
  /** Whether every Gaussian width is 1; whether any expected auxiliary datum is scaled (Poisson τ). */
  unitSigma: boolean; auxScaled: boolean;
  /** The main bins each parameter enters (the Hessian's sparsity, which the fits compile for). */
  bins: number[][];
  at: ConstLayout;
}

/** The traced functions of one structure, each taking the model's constant vector `k`. */
export interface Likelihood {
  structure: Structure;
  expectedData(p: Array, k: Array, nominal?: Array): Array;
  expectedAuxdata(p: Array, k: Array): Array;
  logpdf(p: Array, d: Array, k: Array, nominal?: Array): Array;
  nll(p: Array, d: Array, k: Array): Array;
  /** Jits of the above for concrete arrays (a jit under a transform inlines its Jaxpr). */
  compiled: {
    expectedData: (p: Array, k: Array, o: { nominal?: Array }) => Array;
    expectedAuxdata: (p: Array, k: Array) => Array;
    expectedFull: (p: Array, k: Array, o: { nominal?: Array }) => Array;
    logpdf: (p: Array, d: Array, k: Array, o: { nominal?: Array }) => Array;
    nll: (p: Array, d: Array, k: Array, o: { nominal?: Array }) => Array;
  };
}

/** `idx` as maximal runs of consecutive (step 1) or repeated (step 0) indices. */
function indexRuns(idx: readonly number[]): { start: number; step: 0 | 1; length: number }[] {
  const runs: { start: number; step: 0 | 1; length: number }[] = [];
  for (let i = 0; i < idx.length;) {
    const step: 0 | 1 = i + 1 < idx.length && idx[i + 1] === idx[i] ? 0 : 1;
    let j = i + 1;
    while (j < idx.length && idx[j] === idx[j - 1] + step) j++;
    runs.push({ start: idx[i], step, length: j - i });
    i = j;
  }
  return runs;
}

/**
 * x[idx] for a constant index list: one run (a set's consecutive per-bin parameters, or one
 * factor repeated over a block's bins) is a slice or a broadcast, a view; any other list is a
 * gather, which the kernels that read it perform in place (the lowering fuses one-axis gathers),
 * and whose derivative is one scatter-add.
 */
function gather(x: Array, idx: readonly number[]): Array {
  const runs = indexRuns(idx);
  if (runs.length === 1) {
    const { start, step, length } = runs[0];
    if (step === 1) return length === x.shape[0] ? x : x.slice([start, start + length]);
    return np.broadcastTo(x.slice([start, start + 1]), [length]);
  }
  return np.take(x, np.array(Int32Array.from(idx), { device: x.device }), 0, { mode: 'promise_in_bounds' });
}

/**
 * Per cell, entry `entries[i]` of the sources laid end to end (`fill` past their end): one gather
 * per source that any entry reads, joined by constant masks. Nothing is concatenated, so each cell
 * costs one read per source, and the gathers fuse with the arithmetic around them.
 */
function pick(sources: readonly Array[], entries: readonly number[], fill: number): Array {
  let out: Array | null = null;
  let from = 0;
  for (const src of sources) {
    const n = src.shape[0];
    const mine = entries.map((e) => e >= from && e < from + n);
    if (mine.some(Boolean)) {
      const g = gather(src, entries.map((e, i) => (mine[i] ? e - from : 0)));
      out = mine.every(Boolean) ? g : np.where(np.array(mine, { device: src.device }), g, out ?? fill);
    }
    from += n;
  }
  return out ?? np.full([entries.length], fill, { dtype: sources[0].dtype, device: sources[0].device });
}

function build(s: Structure): Likelihood {
  const { S, B, C, at } = s;
  const part = (k: Array, start: number, n: number): Array => k.slice([start, start + n]);
  /** The interpolation terms of `n` uses, laid out term after term from `start`. */
  const terms = (k: Array, code: InterpCode, start: number, n: number): Array[] =>
    globalThis.Array.from({ length: interpTermCount(code) }, (_, t) => part(k, start + t * n, n));

  function expectedData(p: Array, k: Array, nominal?: Array): Array {
    let base: Array = nominal ? np.reshape(nominal.dtype === p.dtype ? nominal : nominal.astype(p.dtype), [S * B]) : part(k, at.nominal, S * B);
    if (s.shiftRows.length) {
      const d = interpolateTerms(s.hsCode, gather(p, s.hsAlpha), terms(k, s.hsCode, at.hs, s.hsAlpha.length));
      for (const r of s.shiftRows) base = np.add(base, pick([d], r, 0));
    }
    if (s.blockRows.length || s.factorRows.length) {
      const sources: Array[] = [p];
      if (s.nsAlpha.length) {
        const r = interpolateTerms(s.nsCode, gather(p, s.nsAlpha), terms(k, s.nsCode, at.ns, s.nsAlpha.length));
        sources.push(isMultiplicative(s.nsCode) ? r : np.add(r, 1));
      }
      if (s.blockRows.length) {
        // The factors constant over a (sample, channel) block multiply per block, then spread
        // over the block's bins: by broadcasting for one channel, by one gather for several.
        let f = pick(sources, s.blockRows[0], 1);
        for (const r of s.blockRows.slice(1)) f = np.multiply(f, pick(sources, r, 1));
        base = np.multiply(base, C === 1 ? np.ravel(np.broadcastTo(np.reshape(f, [S, 1]), [S, B])) : gather(f, s.cellBlock));
      }
      for (const r of s.factorRows) base = np.multiply(base, pick(sources, r, 1));
    }
    return S === 1 ? base : np.sum(np.reshape(base, [S, B]), 0);
  }

  function constraintLogp(p: Array, aux: Array, k: Array): Array {
    let logp: Array | null = null;
    const { normalIdx, poissonIdx, auxPar } = s;
    if (normalIdx.length) {
      // Σ log N(a | θ, σ) = -½ Σ ((a - θ)/σ)² - Σ (log σ + ½ log 2π): the σ are constants, so their
      // logs are summed on the host rather than in every call.
      const r = np.subtract(gather(aux, normalIdx), gather(p, normalIdx.map((i) => auxPar[i])));
      const z = s.unitSigma ? r : np.multiply(r, part(k, at.invSigma, normalIdx.length));
      logp = np.subtract(np.multiply(np.sum(np.multiply(z, z)), -0.5), np.reshape(part(k, at.normalNorm, 1), []));
    }
    if (poissonIdx.length) {
      const rate = np.multiply(gather(p, poissonIdx.map((i) => auxPar[i])), part(k, at.factors, poissonIdx.length));
      const t = np.sum(poissonLogPmf(gather(aux, poissonIdx), rate));
      logp = logp ? np.add(logp, t) : t;
    }
    return logp ?? np.zeros([], { dtype: p.dtype, device: p.device });
  }

  function expectedAuxdata(p: Array, k: Array): Array {
    if (!s.nAux) return np.zeros([0], { dtype: p.dtype, device: p.device });
    const g = gather(p, s.auxPar);
    return s.auxScaled ? np.multiply(g, part(k, at.auxScale, s.nAux)) : g;
  }

  function logpdf(p: Array, d: Array, k: Array, nominal?: Array): Array {
    const full = d.shape[0] === B + s.nAux;
    const main = full && s.nAux ? d.slice([0, B]) : d;
    const mainTerm = np.sum(poissonLogPmf(main, expectedData(p, k, nominal)));
    if (!s.nAux) return mainTerm;
    const aux = full ? d.slice([B, B + s.nAux]) : part(k, at.auxdata, s.nAux);
    return np.add(mainTerm, constraintLogp(p, aux, k));
  }

  return {
    structure: s,
    expectedData,
    expectedAuxdata,
    logpdf,
    nll: (p, d, k) => np.negative(logpdf(p, d, k)),
    compiled: {
      expectedData: jit((p: Array, k: Array, o: { nominal?: Array }) => expectedData(p, k, o.nominal)),
      expectedAuxdata: jit((p: Array, k: Array) => expectedAuxdata(p, k)),
      expectedFull: jit((p: Array, k: Array, o: { nominal?: Array }) => np.concatenate([expectedData(p, k, o.nominal), expectedAuxdata(p, k)])),
      logpdf: jit((p: Array, d: Array, k: Array, o: { nominal?: Array }) => logpdf(p, d, k, o.nominal)),
      nll: jit((p: Array, d: Array, k: Array, o: { nominal?: Array }) => np.negative(logpdf(p, d, k, o.nominal))),
    },
  };
}

/** The structures met most recently, by key: a program per structure, not per model. */
const recent = new LRU<string, Likelihood>(32);
onClearCaches(() => recent.clear());

/** The (shared) likelihood of a structure. */
export function likelihoodOf(s: Structure): Likelihood {
  const key = JSON.stringify(s);
  let l = recent.get(key);
  if (!l) recent.set(key, l = build(s));
  return l;
}
