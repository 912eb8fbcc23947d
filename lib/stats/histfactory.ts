/**
 * A HistFactory-style binned likelihood (after pyhf's JSON specification):
 *
 *   L(θ) = Π_bins Poisson(n_b | ν_b(θ)) · Π_constraints c(a | θ)
 *
 * with ν_b = Σ_samples nominal_sb · Π_modifiers factor. Modifiers:
 *  - `normfactor` (name): a free multiplicative factor, init 1, bounds [0, 10], unconstrained;
 *  - `normsys` (name, data: { hi, lo }): factor I(α) interpolating the relative variations
 *    hi, lo (code 1 = exponential, code 4 = pyhf's polynomial for |α| < 1 with exponential
 *    extrapolation), constrained by N(a = 0 | α, 1); init 0, bounds [-5, 5];
 *  - `shapesys` (name, data: δb per bin, absolute): per-bin factors γ_b, constrained by
 *    Poisson(a_b = τ_b | γ_b τ_b) with τ_b = (b_b / δb_b)²; init 1, bounds [1e-10, 10].
 *    Bins with b = 0 or δb = 0 keep γ_b = 1, fixed and unconstrained.
 * As in pyhf, parameters are ordered by name, and the auxiliary data follow the main bins in
 * that order. Everything is built from np ops, so `logpdf` is differentiable in the parameters.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';

/** Arrays, numbers, or plain JS number lists. */
/** An Array, a scalar or a JS list of numbers (a histogram, data, parameter values). */
export type ArrayOrNumbers = ArrayOrScalar | readonly number[];
import * as np from '../numpy/index.js';
import { onHost } from '../core/trace.js';
import { normalLogPdf, poissonLogPmf } from './dists.js';

export type Modifier =
  | { type: 'normfactor'; name: string; data?: null }
  | { type: 'normsys'; name: string; data: { hi: number; lo: number } }
  | { type: 'shapesys'; name: string; data: number[] };
export interface Sample { name: string; data: number[]; modifiers: Modifier[] }
export interface Channel { name: string; samples: Sample[] }
export interface ParameterConfig { name: string; inits?: number[]; bounds?: [number, number][]; fixed?: boolean }
export interface HistFactorySpec {
  channels: Channel[];
  /** normsys interpolation: 'code4' (pyhf's default) or 'code1'. */
  interpolation?: 'code1' | 'code4';
  /** Name of the parameter of interest; default: the first normfactor by name. */
  poi?: string;
  /** Overrides of inits, bounds, fixed (as pyhf's measurement config). */
  parameters?: ParameterConfig[];
}

/** One named parameter set (scalars have size 1; shapesys has one entry per bin). */
export interface ParameterInfo {
  name: string;
  type: Modifier['type'];
  offset: number;
  size: number;
  constrained: boolean;
}

export interface HistFactoryModel {
  spec: HistFactorySpec;
  parameters: {
    /** Flat parameter names: 'mu', or 'name[i]' for the components of a vector parameter. */
    names: string[];
    init: number[];
    bounds: [number, number][];
    fixed: boolean[];
    constrained: boolean[];
    sets: ParameterInfo[];
    poiIndex: number;
    poi: string;
  };
  nMain: number;
  nAux: number;
  /** Auxiliary data (normsys: 0; shapesys: τ per unmasked bin), in parameter order. */
  auxdata: number[];
  /** Expected main-bin yields ν(θ) (channels concatenated in spec order). */
  expectedData(pars: ArrayOrNumbers): Array;
  /** Expected auxiliary data (normsys: α; shapesys: γτ). */
  expectedAuxdata(pars: ArrayOrNumbers): Array;
  /** Main bins followed by the expected auxiliary data (pyhf's expected_data). */
  expectedFull(pars: ArrayOrNumbers): Array;
  /** log L(θ | data); `data` is the main bins, optionally followed by auxiliary data. */
  logpdf(pars: ArrayOrNumbers, data: ArrayOrNumbers): Array;
  /** -logpdf. */
  nll(pars: ArrayOrNumbers, data: ArrayOrNumbers): Array;
  /** Main bins followed by `auxdata`. */
  fullData(main: readonly number[]): number[];
}

/**
 * Code-4 coefficients a_1..a_6 of 1 + Σ a_i α^i on |α| < α0: the polynomial matches the
 * exponential branches hi^α and lo^-α in value, slope and curvature at α = ±α0.
 */
export function code4Coefficients(hi: number, lo: number, alpha0 = 1): number[] {
  const lu = Math.log(hi), ld = Math.log(lo);
  const up = hi ** alpha0, dn = lo ** alpha0;
  const rows: number[][] = [];
  const rhs: number[] = [];
  for (const [s, v, d1, d2] of [[1, up - 1, lu * up, lu * lu * up], [-1, dn - 1, -ld * dn, ld * ld * dn]]) {
    const a = s * alpha0;
    rows.push([1, 2, 3, 4, 5, 6].map((i) => a ** i)); rhs.push(v);
    rows.push([1, 2, 3, 4, 5, 6].map((i) => i * a ** (i - 1))); rhs.push(d1);
    rows.push([1, 2, 3, 4, 5, 6].map((i) => i * (i - 1) * (i >= 2 ? a ** (i - 2) : 0))); rhs.push(d2);
  }
  // Constants of the model: solved on the host in float64, never staged into a trace.
  return onHost(() => np.linalg.solve(np.array(rows, { dtype: 'float64' }), np.array(rhs, { dtype: 'float64' })).js() as number[]);
}

/** Code 1: hi^α for α >= 0, lo^-α for α < 0 (hi, lo relative to nominal). */
export function interpCode1(alpha: ArrayOrNumbers, hi: number, lo: number): Array {
  const a = np.asarray(alpha);
  return np.where(np.greaterEqual(a, 0), np.exp(np.multiply(a, Math.log(hi))), np.exp(np.multiply(a, -Math.log(lo))));
}

/** Code 4: code 1 for |α| >= 1, and the matching sixth-order polynomial inside (pyhf's code4, α0 = 1). */
export function interpCode4(alpha: ArrayOrNumbers, hi: number, lo: number): Array {
  const a = np.asarray(alpha);
  const c = code4Coefficients(hi, lo, 1);
  let poly: Array = np.fullLike(a, c[5]);
  for (let i = 4; i >= 0; i--) poly = np.add(np.multiply(poly, a), c[i]);
  poly = np.add(np.multiply(poly, a), 1);
  const upper = np.exp(np.multiply(a, Math.log(hi)));
  const lower = np.exp(np.multiply(a, -Math.log(lo)));
  return np.where(np.greaterEqual(a, 1), upper, np.where(np.greater(a, -1), poly, lower));
}

interface SetBuild extends ParameterInfo { init: number[]; bounds: [number, number][]; fixed: boolean[]; aux: number[]; tau?: number[]; mask?: boolean[] }

export function histfactory(spec: HistFactorySpec): HistFactoryModel {
  const interp = spec.interpolation ?? 'code4';
  if (interp !== 'code1' && interp !== 'code4') throw new Error(`histfactory: unknown interpolation '${String(interp)}' (use 'code1' or 'code4')`);
  const sets = new Map<string, SetBuild>();
  const chanOffsets: number[] = [];
  let nMain = 0;
  for (const ch of spec.channels) {
    chanOffsets.push(nMain);
    const nb = ch.samples[0]?.data.length ?? 0;
    for (const s of ch.samples) {
      if (s.data.length !== nb) throw new Error(`histfactory: sample '${s.name}' in channel '${ch.name}' has ${s.data.length} bins, expected ${nb}`);
      for (const m of s.modifiers) {
        const prev = sets.get(m.name);
        if (prev && prev.type !== m.type) throw new Error(`histfactory: modifier '${m.name}' is used as both ${prev.type} and ${m.type}`);
        if (m.type === 'normfactor') {
          if (!prev) sets.set(m.name, { name: m.name, type: m.type, offset: 0, size: 1, constrained: false, init: [1], bounds: [[0, 10]], fixed: [false], aux: [] });
        } else if (m.type === 'normsys') {
          if (!(m.data?.hi > 0 && m.data?.lo > 0)) throw new Error(`histfactory: normsys '${m.name}' needs data { hi, lo } > 0`);
          if (!prev) sets.set(m.name, { name: m.name, type: m.type, offset: 0, size: 1, constrained: true, init: [0], bounds: [[-5, 5]], fixed: [false], aux: [0] });
        } else if (m.type === 'shapesys') {
          if (prev) throw new Error(`histfactory: shapesys '${m.name}' appears more than once`);
          if (m.data.length !== nb) throw new Error(`histfactory: shapesys '${m.name}' has ${m.data.length} entries, expected ${nb}`);
          const mask = m.data.map((d, i) => d > 0 && s.data[i] > 0);
          const tau = m.data.map((d, i) => (mask[i] ? (s.data[i] / d) ** 2 : 1));
          sets.set(m.name, {
            name: m.name, type: m.type, offset: 0, size: nb, constrained: true,
            init: tau.map(() => 1), bounds: tau.map(() => [1e-10, 10] as [number, number]),
            fixed: mask.map((k) => !k), aux: tau.filter((_, i) => mask[i]), tau, mask,
          });
        } else {
          throw new Error(`histfactory: unsupported modifier type '${(m as { type: string }).type}'`);
        }
      }
    }
    nMain += nb;
  }
  // pyhf's order: parameter sets sorted by name.
  const ordered = [...sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names: string[] = [], init: number[] = [], bounds: [number, number][] = [], fixed: boolean[] = [], constrained: boolean[] = [];
  const auxdata: number[] = [];
  let off = 0;
  for (const s of ordered) {
    s.offset = off;
    off += s.size;
    for (let i = 0; i < s.size; i++) {
      names.push(s.size === 1 && s.type !== 'shapesys' ? s.name : `${s.name}[${i}]`);
      constrained.push(s.constrained && !(s.mask && !s.mask[i]));
    }
    const cfg = spec.parameters?.find((p) => p.name === s.name);
    init.push(...(cfg?.inits ?? s.init));
    bounds.push(...(cfg?.bounds ?? s.bounds));
    fixed.push(...(cfg?.fixed !== undefined ? s.fixed.map(() => cfg.fixed!) : s.fixed));
    auxdata.push(...s.aux);
  }
  const poi = spec.poi ?? ordered.find((s) => s.type === 'normfactor')?.name ?? '';
  const poiSet = sets.get(poi);
  if (spec.poi !== undefined && !poiSet) throw new Error(`histfactory: poi '${spec.poi}' is not a parameter`);
  const poiIndex = poiSet ? poiSet.offset : -1;
  const nAux = auxdata.length;

  const asPars = (pars: ArrayOrNumbers): Array => {
    const p = np.asarray(pars);
    if (p.ndim !== 1 || p.shape[0] !== names.length) throw new Error(`histfactory: expected ${names.length} parameters (${names.join(', ')}), got shape [${p.shape.join(', ')}]`);
    return p.dtype === 'float64' || p.dtype === 'float32' ? p : p.astype('float64');
  };
  const scalar = (p: Array, i: number): Array => p.slice(i);

  function expectedData(parsIn: ArrayOrNumbers): Array {
    const p = asPars(parsIn);
    const perChannel = spec.channels.map((ch) => {
      let total: Array | null = null;
      for (const s of ch.samples) {
        let rate: Array = np.array(s.data, { dtype: p.dtype, device: p.device });
        for (const m of s.modifiers) {
          const set = sets.get(m.name)!;
          if (m.type === 'normfactor') rate = np.multiply(rate, scalar(p, set.offset));
          else if (m.type === 'normsys') {
            const f = interp === 'code1' ? interpCode1(scalar(p, set.offset), m.data.hi, m.data.lo) : interpCode4(scalar(p, set.offset), m.data.hi, m.data.lo);
            rate = np.multiply(rate, f);
          } else {
            rate = np.multiply(rate, p.slice([set.offset, set.offset + set.size]));
          }
        }
        total = total ? np.add(total, rate) : rate;
      }
      return total ?? np.zeros([0], { dtype: p.dtype, device: p.device });
    });
    return perChannel.length === 1 ? perChannel[0] : np.concatenate(perChannel);
  }

  /** Per constrained set: [expected aux, constraint log-density given observed aux]. */
  function constraintTerms(p: Array, aux: Array | null): { expected: Array[]; logp: Array } {
    const expected: Array[] = [];
    let logp: Array = np.zeros([], { dtype: p.dtype, device: p.device });
    let a = 0;
    for (const s of ordered) {
      if (!s.constrained) continue;
      if (s.type === 'normsys') {
        const alpha = p.slice([s.offset, s.offset + 1]);
        expected.push(alpha);
        if (aux) logp = np.add(logp, np.sum(normalLogPdf(aux.slice([a, a + 1]), alpha, 1)));
        a += 1;
      } else if (s.type === 'shapesys') {
        const idx = s.mask!.map((k, i) => (k ? i : -1)).filter((i) => i >= 0);
        if (!idx.length) continue;
        const gammas = np.stack(idx.map((i) => p.slice(s.offset + i)));
        const tau = np.array(idx.map((i) => s.tau![i]), { dtype: p.dtype, device: p.device });
        const rate = np.multiply(gammas, tau);
        expected.push(rate);
        if (aux) logp = np.add(logp, np.sum(poissonLogPmf(aux.slice([a, a + idx.length]), rate)));
        a += idx.length;
      }
    }
    return { expected, logp };
  }

  function expectedAuxdata(parsIn: ArrayOrNumbers): Array {
    const p = asPars(parsIn);
    const { expected } = constraintTerms(p, null);
    return expected.length ? np.concatenate(expected) : np.zeros([0], { dtype: p.dtype, device: p.device });
  }

  function logpdf(parsIn: ArrayOrNumbers, dataIn: ArrayOrNumbers): Array {
    const p = asPars(parsIn);
    let d = np.asarray(dataIn);
    if (d.dtype !== p.dtype) d = d.astype(p.dtype);
    if (d.ndim !== 1 || (d.shape[0] !== nMain && d.shape[0] !== nMain + nAux)) {
      throw new Error(`histfactory: data must have ${nMain} (main) or ${nMain + nAux} (main + aux) entries, got shape [${d.shape.join(', ')}]`);
    }
    const main = d.shape[0] === nMain + nAux ? d.slice([0, nMain]) : d;
    const aux = d.shape[0] === nMain + nAux ? d.slice([nMain, nMain + nAux]) : np.array(auxdata, { dtype: p.dtype, device: p.device });
    const mainTerm = np.sum(poissonLogPmf(main, expectedData(p)));
    return nAux ? np.add(mainTerm, constraintTerms(p, aux).logp) : mainTerm;
  }

  return {
    spec,
    parameters: { names, init, bounds, fixed, constrained, sets: ordered.map(({ name, type, offset, size, constrained: c }) => ({ name, type, offset, size, constrained: c })), poiIndex, poi },
    nMain,
    nAux,
    auxdata,
    expectedData,
    expectedAuxdata,
    expectedFull: (pars) => np.concatenate([expectedData(pars), expectedAuxdata(pars)]),
    logpdf,
    nll: (pars, data) => np.negative(logpdf(pars, data)),
    fullData: (main) => [...main, ...auxdata],
  };
}
