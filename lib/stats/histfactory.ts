/**
 * A HistFactory binned likelihood after pyhf's JSON specification (schema 1.0.0):
 *
 *   L(θ) = Π_bins Poisson(n_b | ν_b(θ)) · Π_constraints c(a | θ),
 *   ν_b = Σ_samples (nominal_sb + Σ_histosys δ_sb(α)) · Π_multiplicative factors.
 *
 * Modifiers (pyhf's defaults; a measurement's `parameters` config overrides them):
 *  - `normfactor`: a free factor, init 1, bounds [0, 10];
 *  - `normsys` (data { hi, lo }): the factor I(α) of the relative variations, interpolation code
 *    '4' by default ('0', '1', '2' too), constraint N(0 | α, 1), init 0, bounds [-5, 5];
 *  - `histosys` (data { hi_data, lo_data }): the additive shift of the yield per bin, code '4p'
 *    by default ('0', '2' too), same α conventions (a normsys of the same name shares its α);
 *  - `shapesys` (data δb per bin): factors γ_b with Poisson(τ_b | γ_b τ_b), τ_b = (b/δb)²; bins
 *    with b = 0 or δb = 0 get τ = 1 and a fixed γ (pyhf), init 1, bounds [1e-10, 10];
 *  - `staterror` (data δ per bin): one γ_b per bin shared by the samples of a channel carrying
 *    the same name, N(1 | γ_b, σ_b) with σ_b = √(Σ δ²)/Σ nominal over those samples; σ_b = 0 bins
 *    are fixed (σ set to 1, as pyhf);
 *  - `lumi`: one factor for every sample carrying it, N(aux | λ, σ) with aux and σ from the config;
 *  - `shapefactor`: free per-bin factors, init 1, bounds [0, 10].
 * Parameter order, auxiliary-data order and channel order are pyhf's: modifier types in the order
 * histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror; within a type, names in
 * the order first met walking channels by name, samples by name, modifiers by name (staterror:
 * by name); channels by name. The expected data are a few gathers over per-modifier vectors, so
 * the traced NLL has a size independent of the number of parameters and bins; the model's numbers
 * are an input of it (likelihood.ts), so models of one structure share their compiled programs.
 */
import { sequenceT } from 'fp-ts/lib/Apply.js';
import type { Array, ArrayOrScalar } from '../core/array.js';
import * as np from '../numpy/index.js';
import type { DType } from '../core/dtype.js';
import { HALF_LN_2PI } from './dists.js';
import { interpTerms } from './interpolation.js';
import { likelihoodOf, type ConstLayout, type Likelihood } from './likelihood.js';
import { SpecError, V, check, checkAll, each, fail, orThrow, parseSpec, pass, type Checked, type HistFactorySpec, type Modifier, type ModifierType, type ParameterConfig } from './spec.js';

export { code4Coefficients, interpCode1, interpCode4, interpFactor, interpolate } from './interpolation.js';
export type { InterpCode } from './interpolation.js';
export { SpecError, MODIFIER_TYPES } from './spec.js';
export type { HistFactorySpec, Modifier, ModifierType, Sample, Channel, ParameterConfig, ModifierSettings } from './spec.js';

/** An Array, a scalar or a JS list of numbers (a histogram, data, parameter values). */
export type ArrayOrNumbers = ArrayOrScalar | readonly number[];

/** One named parameter set (scalars have size 1; per-bin modifiers one entry per bin). */
export interface ParameterInfo {
  /** The set's name: the modifier name (e.g. 'mu', 'lumi', 'staterror_SR'). */
  name: string;
  /** The modifier type that defines it (for a normsys and histosys sharing a name: 'histosys'). */
  type: ModifierType;
  /** Index of its first parameter in the flat parameter vector (pyhf's `par_slice` start). */
  offset: number;
  /** How many parameters it has: 1, or one per bin for shapesys, staterror and shapefactor. */
  size: number;
  /** Whether it has a constraint term and auxiliary data (every type but normfactor and shapefactor). */
  constrained: boolean;
}

/** Nominal yields replacing the spec's: an Array [samples, main bins] in the model's sample order. */
export interface YieldOptions {
  /** The nominal yields, shape [samples, main bins] (`model.samples` order, channels concatenated as `model.channels`); default: the spec's. */
  nominal?: Array;
}

/**
 * A HistFactory model built by `histfactory` (pyhf's `Model`): its parameters in pyhf's order, the
 * expected data and the log-likelihood as differentiable, compiled functions of the parameters.
 */
export interface HistFactoryModel {
  /** The validated specification it was built from (interpolation codes normalised). */
  spec: HistFactorySpec;
  /** The flat parameter vector's layout and defaults (pyhf's `config`), all lists in parameter order. */
  parameters: {
    /** Flat parameter names (pyhf's par_names): 'mu', or 'name[i]' for per-bin parameters. */
    names: string[];
    /** Initial values (pyhf's `suggested_init`), after the measurement's `inits`. */
    init: number[];
    /** [lo, hi] per parameter (pyhf's `suggested_bounds`), after the measurement's `bounds`. */
    bounds: [number, number][];
    /** Whether fits hold each parameter at its init (pyhf's `suggested_fixed`: `fixed` configs, γ of bins without uncertainty). */
    fixed: boolean[];
    /** Whether each parameter has a constraint term (and an auxiliary datum). */
    constrained: boolean[];
    /**
     * The main bins whose expected yield depends on each parameter (ascending; empty for one that
     * only enters its constraint). Two parameters with no bin in common have a zero mixed second
     * derivative of the NLL: the fits use this sparsity for the Hessian and the Newton step.
     */
    bins: number[][];
    /** The parameter sets (one per modifier name) in pyhf's order, with their slices of the flat vector. */
    sets: ParameterInfo[];
    /** Index of the POI in the flat vector (pyhf's `poi_index`); -1 when the model has none. */
    poiIndex: number;
    /** Name of the parameter of interest (pyhf's `poi_name`); '' when the model has none. */
    poi: string;
  };
  /** Channel names in pyhf's order (by name): the order of the main bins. */
  channels: string[];
  /** Number of main bins (all channels). */
  nMain: number;
  /** Number of auxiliary data, one per constrained parameter. */
  nAux: number;
  /** Auxiliary data in pyhf's order (normsys/histosys: 0; shapesys: τ; staterror: 1; lumi: config). */
  auxdata: number[];
  /**
   * The constraint of each auxiliary datum, as toys sample it: a normal of width `sigma` around
   * the expected auxdata (normsys, histosys, staterror, lumi) or a Poisson of the expected
   * auxdata γτ (shapesys; `sigma` is NaN).
   */
  auxConstraints: {
    /** 'normal' (Gaussian) or 'poisson' (shapesys). */
    kind: 'normal' | 'poisson';
    /** The Gaussian's width (normsys, histosys: 1; staterror: √Σδ² / Σ nominal of its bin; lumi: the config's `sigmas`); NaN for Poisson. */
    sigma: number;
  }[];
  /** Sample names in pyhf's order (by name): the rows of `nominal`. */
  samples: string[];
  /** The nominal yields [samples][main bins] (zero where a sample is absent from a channel). */
  nominal: number[][];
  /**
   * Expected main-bin yields ν(θ), channels concatenated in pyhf's order (by name). `opts.nominal`
   * ([samples, bins], e.g. soft-cut yields of an optimised analysis) replaces the spec's nominal
   * yields, so ν is differentiable in them; histosys shifts stay the spec's absolute variations.
   */
  expectedData(pars: ArrayOrNumbers, opts?: YieldOptions): Array;
  /** Expected auxiliary data (Gaussian: the parameter; Poisson: γτ), in auxdata order. */
  expectedAuxdata(pars: ArrayOrNumbers): Array;
  /** Main bins followed by the expected auxiliary data (pyhf's expected_data). */
  expectedFull(pars: ArrayOrNumbers, opts?: YieldOptions): Array;
  /** log L(θ | data); `data` is the main bins, optionally followed by auxiliary data. */
  logpdf(pars: ArrayOrNumbers, data: ArrayOrNumbers, opts?: YieldOptions): Array;
  /** -logpdf. */
  nll(pars: ArrayOrNumbers, data: ArrayOrNumbers, opts?: YieldOptions): Array;
  /** Main bins followed by `auxdata`. */
  fullData(main: readonly number[]): number[];
}

/** pyhf's order of modifier types, which is the order of the parameter sets. */
const TYPE_ORDER: readonly ModifierType[] = ['histosys', 'lumi', 'normfactor', 'normsys', 'shapefactor', 'shapesys', 'staterror'];
type Constraint = 'none' | 'normal' | 'poisson';
const CONSTRAINT: Record<ModifierType, Constraint> = {
  histosys: 'normal', lumi: 'normal', normfactor: 'none', normsys: 'normal', shapefactor: 'none', shapesys: 'poisson', staterror: 'normal',
};
const PER_BIN = (t: ModifierType): boolean => t === 'shapesys' || t === 'staterror' || t === 'shapefactor';
/** Which config fields a type accepts besides inits, bounds, fixed. */
const CONFIG_FIELDS: Record<ModifierType, readonly string[]> = {
  histosys: ['auxdata'], normsys: ['auxdata'], lumi: ['auxdata', 'sigmas'], staterror: ['auxdata', 'sigmas'],
  shapesys: ['auxdata', 'factors'], normfactor: [], shapefactor: [],
};
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A modifier as met in the walk over sorted channels and samples. */
interface Use { m: Modifier; path: string; channel: string; sample: number; nominal: number[] }
interface SetBuild {
  name: string;
  type: ModifierType;
  types: Set<ModifierType>;
  uses: Use[];
  /** Per-bin sets: the global bins, ascending. */
  bins: number[];
  offset: number;
  size: number;
  init: number[];
  bounds: [number, number][];
  fixed: boolean[];
  aux: number[];
  /** Gaussian widths or Poisson factors per component. */
  scale: number[];
  constraint: Constraint;
}

/** The channels a set's modifiers are in, by name. */
const setChannels = (set: SetBuild): string[] => [...new Set(set.uses.map((u) => u.channel))].sort(cmp);
const quoted = (names: readonly string[]): string => names.map((c) => `'${c}'`).join(', ');
/** Modifiers of one name share its parameter: only a normsys and a histosys (one α) may differ in type. */
const shareable = (a: ModifierType, b: ModifierType): boolean => a === b || ((a === 'normsys' || a === 'histosys') && (b === 'normsys' || b === 'histosys'));

/** Each modifier's type agrees with those of the earlier modifiers of its name (`uses` in walk order). */
function nameTypeCheck(uses: readonly Use[]): Checked<void> {
  // Per name, the first use of each type met so far: a clash names the earliest one.
  const firsts = new Map<string, Use[]>();
  return checkAll(uses.map((u) => {
    const met = firsts.get(u.m.name) ?? [];
    firsts.set(u.m.name, met);
    const clash = met.find((e) => !shareable(e.m.type, u.m.type));
    if (!met.some((e) => e.m.type === u.m.type)) met.push(u);
    return clash ? fail(`${u.path}: '${u.m.name}' is a ${u.m.type} here but a ${clash.m.type} at ${clash.path}; use distinct names for different modifier types`) : pass;
  }));
}

/**
 * Per-bin sets that pyhf does not share: a shapesys used twice, a shapefactor over channels of
 * different bin counts (one shared across channels scales bin i of each), a staterror some
 * sample carries in fewer channels.
 */
function sharingCheck(set: SetBuild, sampleNames: readonly string[], nBins: ReadonlyMap<string, number>): Checked<void> {
  const [first] = set.uses, chans = setChannels(set);
  switch (set.type) {
    case 'shapesys':
      return check(set.uses.length === 1, () => `${set.uses[1].path}: shapesys '${set.name}' is already used at ${first.path}; a shapesys cannot be shared (pyhf), give each its own name`);
    case 'shapefactor': {
      const other = set.uses.find((u) => nBins.get(u.channel) !== nBins.get(first.channel));
      return other ? fail(`${other.path}: shapefactor '${set.name}' is shared by channels of different bin counts (${chans.map((c) => `'${c}': ${nBins.get(c)}`).join(', ')}); its factor i scales bin i of each channel, so they need the same number of bins (pyhf)`) : pass;
    }
    case 'staterror': {
      // pyhf requires every sample carrying it to carry it in the same bins.
      const bySample = new Map<number, Set<string>>();
      for (const u of set.uses) bySample.set(u.sample, (bySample.get(u.sample) ?? new Set<string>()).add(u.channel));
      return checkAll([...bySample].map(([k, cs]) => check(cs.size === chans.length, () =>
        `${set.uses.find((x) => x.sample === k)!.path}: staterror '${set.name}' spans channels ${quoted(chans)}, but sample '${sampleNames[k]}' carries it only in ${quoted([...cs])}; a staterror must cover the same bins in every sample (pyhf)`)));
    }
    default:
      return pass;
  }
}

interface ConfigEntry { cfg: ParameterConfig; path: string }

/** A set's config (lumi needs one) has only the fields its type uses, each with an entry per parameter of the set. */
function configCheck(set: SetBuild, entry: ConfigEntry | undefined): Checked<void> {
  const lumi = check(set.type !== 'lumi' || !!(entry?.cfg.auxdata && entry.cfg.sigmas), () =>
    `${entry?.path ?? 'parameters'}: the lumi parameter needs a config { name: 'lumi', auxdata: [value], sigmas: [σ] } (optionally inits, bounds) in the spec's parameters`);
  if (!entry) return lumi;
  const { cfg, path } = entry;
  return checkAll([
    lumi,
    ...(['auxdata', 'sigmas', 'factors'] as const).map((k) => check(cfg[k] === undefined || CONFIG_FIELDS[set.type].includes(k), () => `${path}.${k}: a ${set.type} parameter does not use ${k}`)),
    ...(['inits', 'bounds', 'auxdata', 'sigmas', 'factors'] as const).map((k) => {
      const n = cfg[k]?.length;
      return check(n === undefined || n === set.size, () => `${path}.${k}: has ${n} entries, expected ${set.size} (the size of ${set.type} '${set.name}')`);
    }),
  ]);
}

/**
 * Each model's likelihood (shared by the models of its structure) and its constant vector in a
 * dtype and device: what the fits compile, with the constants as an input.
 */
export interface ModelLikelihood { likelihood: Likelihood; consts(like: { dtype: DType; device: string }): Array }
export const modelLikelihood = new WeakMap<HistFactoryModel, ModelLikelihood>();

/**
 * Builds the HistFactory model of a spec (pyhf's `Workspace.model()` / `pyhf.Model(spec)`). Every
 * problem of the spec is reported at once, each with its JSON path, in one SpecError.
 */
export function histfactory(input: HistFactorySpec): HistFactoryModel {
  const { spec, settings } = orThrow(parseSpec(input), (problems) => new SpecError(problems));

  // ---- Layout: channels by name, samples by name (pyhf's mega-samples: every sample spans every bin).
  const channels = spec.channels.map((c, ci) => ({ c, ci })).sort((a, b) => cmp(a.c.name, b.c.name));
  const nBins = new Map<string, number>(), chOffset = new Map<string, number>();
  let nMain = 0;
  for (const { c } of channels) { chOffset.set(c.name, nMain); nBins.set(c.name, c.samples[0].data.length); nMain += c.samples[0].data.length; }
  const sampleNames = [...new Set(spec.channels.flatMap((c) => c.samples.map((s) => s.name)))].sort(cmp);
  const S = sampleNames.length, B = nMain;
  const nominal = new Float64Array(S * B);

  // ---- Walk as pyhf does, registering parameter sets in first-met order per type.
  const sets = new Map<string, SetBuild>();
  const metOrder = new Map<ModifierType, string[]>(TYPE_ORDER.map((t) => [t, []]));
  const uses: Use[] = [];
  for (const { c, ci } of channels) {
    const samples = c.samples.map((s, si) => ({ s, si })).sort((a, b) => cmp(a.s.name, b.s.name));
    for (const { s, si } of samples) {
      const k = sampleNames.indexOf(s.name);
      nominal.set(s.data, k * B + chOffset.get(c.name)!);
      const mods = s.modifiers.map((m, mi) => ({ m, mi })).sort((a, b) => cmp(a.m.name, b.m.name) || cmp(a.m.type, b.m.type));
      for (const { m, mi } of mods) {
        const use: Use = { m, path: `channels[${ci}].samples[${si}].modifiers[${mi}]`, channel: c.name, sample: k, nominal: s.data };
        uses.push(use);
        const met = metOrder.get(m.type)!;
        if (!met.includes(m.name)) met.push(m.name);
        let set = sets.get(m.name);
        if (!set) {
          set = { name: m.name, type: m.type, types: new Set(), uses: [], bins: [], offset: 0, size: 0, init: [], bounds: [], fixed: [], aux: [], scale: [], constraint: CONSTRAINT[m.type] };
          sets.set(m.name, set);
        }
        set.types.add(m.type);
        set.uses.push(use);
      }
    }
  }

  // ---- Parameter sets: sizes, defaults, per-bin layouts.
  for (const set of sets.values()) {
    const t = set.types.has('histosys') ? 'histosys' : set.uses[0].m.type;
    set.type = t;
    set.constraint = CONSTRAINT[t];
    if (!PER_BIN(t)) {
      set.size = 1;
      if (t === 'normfactor') Object.assign(set, { init: [1], bounds: [[0, 10]], fixed: [false] });
      else if (t === 'lumi') Object.assign(set, { init: [NaN], bounds: [[NaN, NaN]], fixed: [false], aux: [NaN], scale: [NaN] });
      else Object.assign(set, { init: [0], bounds: [[-5, 5]], fixed: [false], aux: [0], scale: [1] });
      continue;
    }
    // A shapesys lives in one channel, its first use's (sharingCheck reports one used in more); a
    // shapefactor has one factor per bin of its first channel, shared by the others' bin i.
    const chans = t === 'shapesys' || t === 'shapefactor' ? [set.uses[0].channel] : setChannels(set);
    for (const c of chans) for (let b = 0; b < nBins.get(c)!; b++) set.bins.push(chOffset.get(c)! + b);
    const n = set.size = set.bins.length;
    if (t === 'shapefactor') {
      Object.assign(set, { init: globalThis.Array(n).fill(1), bounds: globalThis.Array.from({ length: n }, () => [0, 10]), fixed: globalThis.Array(n).fill(false) });
    } else if (t === 'shapesys') {
      const nom = set.uses[0].nominal, unc = set.uses[0].m.data as number[];
      const valid = nom.map((v, i) => v > 0 && unc[i] > 0);
      const tau = nom.map((v, i) => (valid[i] ? (v * v) / (unc[i] * unc[i]) : 1));
      Object.assign(set, { init: globalThis.Array(n).fill(1), bounds: globalThis.Array.from({ length: n }, () => [1e-10, 10]), fixed: valid.map((v) => !v), aux: [...tau], scale: [...tau] });
    } else {
      const sigmas = set.bins.map((b) => {
        const carrying = set.uses.filter((u) => { const o = chOffset.get(u.channel)!; return b >= o && b < o + nBins.get(u.channel)!; });
        const tot = carrying.reduce((acc, u) => acc + u.nominal[b - chOffset.get(u.channel)!], 0);
        if (!(tot > 0)) return 0;
        return Math.sqrt(carrying.reduce((acc, u) => acc + ((u.m.data as number[])[b - chOffset.get(u.channel)!] / tot) ** 2, 0));
      });
      Object.assign(set, { init: globalThis.Array(n).fill(1), bounds: globalThis.Array.from({ length: n }, () => [1e-10, 10]), fixed: sigmas.map((s) => s === 0), aux: globalThis.Array(n).fill(1), scale: sigmas.map((s) => (s === 0 ? 1 : s)) });
    }
  }

  // ---- pyhf's order of the sets.
  const ordered: SetBuild[] = [];
  for (const t of TYPE_ORDER) {
    const names = t === 'staterror' ? [...metOrder.get(t)!].sort(cmp) : metOrder.get(t)!;
    for (const name of names) { const s = sets.get(name)!; if (!ordered.includes(s)) ordered.push(s); }
  }

  // ---- Measurement config.
  const configs = new Map<string, ConfigEntry>((spec.parameters ?? []).map((cfg, i) => [cfg.name, { cfg, path: `parameters[${i}]` }]));
  for (const set of ordered) {
    const cfg = configs.get(set.name)?.cfg;
    if (!cfg) continue;
    if (set.type === 'lumi') {
      const aux = cfg.auxdata?.[0] ?? NaN;
      set.aux = [aux]; set.scale = [cfg.sigmas?.[0] ?? NaN]; set.init = [aux]; set.bounds = [[0, 10 * aux]];
    }
    if (cfg.inits?.length === set.size) set.init = [...cfg.inits];
    if (cfg.bounds?.length === set.size) set.bounds = cfg.bounds.map(([a, b]) => [a, b] as [number, number]);
    if (cfg.fixed !== undefined) set.fixed = set.fixed.map(() => cfg.fixed!);
    if (cfg.auxdata?.length === set.size && set.constraint !== 'none') set.aux = [...cfg.auxdata];
    if (cfg.sigmas?.length === set.size && set.constraint === 'normal') set.scale = [...cfg.sigmas];
    if (cfg.factors?.length === set.size && set.constraint === 'poisson') set.scale = [...cfg.factors];
  }
  // pyhf's default poi_name is 'mu'; without a normfactor 'mu', the first normfactor by name.
  const normfactors = ordered.filter((s) => s.type === 'normfactor').map((s) => s.name).sort(cmp);
  const poi = spec.poi ?? (normfactors.includes('mu') ? 'mu' : normfactors[0] ?? '');
  // ---- Checks that need the parameter sets: types sharing a name, sharing, configs, the POI.
  orThrow(sequenceT(V)(
    nameTypeCheck(uses),
    each([...sets.values()], (set) => sharingCheck(set, sampleNames, nBins)),
    each(ordered, (set) => configCheck(set, configs.get(set.name))),
    check(spec.poi === undefined || sets.has(spec.poi), () => `poi: '${spec.poi}' is not a parameter of the model (parameters: ${ordered.map((s) => s.name).join(', ')})`),
  ), (problems) => new SpecError(problems));

  // ---- Flat parameter vectors and auxiliary data.
  const names: string[] = [], init: number[] = [], bounds: [number, number][] = [], fixed: boolean[] = [], constrained: boolean[] = [];
  const auxdata: number[] = [], auxPar: number[] = [], auxKind: Constraint[] = [], auxScale: number[] = [];
  let off = 0;
  for (const s of ordered) {
    s.offset = off;
    for (let i = 0; i < s.size; i++) {
      names.push(PER_BIN(s.type) ? `${s.name}[${i}]` : s.name);
      constrained.push(s.constraint !== 'none');
      if (s.constraint !== 'none') { auxdata.push(s.aux[i]); auxPar.push(off + i); auxKind.push(s.constraint); auxScale.push(s.scale[i]); }
    }
    init.push(...s.init); bounds.push(...s.bounds); fixed.push(...s.fixed);
    off += s.size;
  }
  const nPars = off;
  const nAux = auxdata.length;
  const poiIndex = sets.get(poi)?.offset ?? -1;

  // ---- Expected data as gathers (likelihood.ts): the index lists, and the constants they read.
  const nsAlpha: number[] = [], nsHi: number[] = [], nsLo: number[] = [];
  const hsAlpha: number[] = [], hsHi: number[] = [], hsLo: number[] = [], hsNom: number[] = [];
  const C = channels.length;
  const chIndex = new Map(channels.map(({ c }, i) => [c.name, i]));
  const blockSrc: number[][] = globalThis.Array.from({ length: S * C }, () => []);
  const factorSrc: number[][] = globalThis.Array.from({ length: S * B }, () => []);
  const shiftSrc: number[][] = globalThis.Array.from({ length: S * B }, () => []);
  const parBins: Set<number>[] = globalThis.Array.from({ length: nPars }, () => new Set<number>());
  for (const u of uses) {
    const set = sets.get(u.m.name)!;
    const o = chOffset.get(u.channel)!, nb = nBins.get(u.channel)!;
    const cell = (b: number) => u.sample * B + o + b;
    for (let b = 0; b < nb; b++) {
      const k = !PER_BIN(u.m.type) ? set.offset : u.m.type === 'shapefactor' ? set.offset + b : set.offset + set.bins.indexOf(o + b);
      if (k >= set.offset) parBins[k].add(o + b);
    }
    switch (u.m.type) {
      case 'normfactor': case 'lumi':
        blockSrc[u.sample * C + chIndex.get(u.channel)!].push(set.offset);
        break;
      case 'shapefactor':
        for (let b = 0; b < nb; b++) factorSrc[cell(b)].push(set.offset + b);
        break;
      case 'shapesys': case 'staterror':
        for (let b = 0; b < nb; b++) factorSrc[cell(b)].push(set.offset + set.bins.indexOf(o + b));
        break;
      case 'normsys': {
        const j = nsAlpha.length;
        nsAlpha.push(set.offset); nsHi.push(u.m.data.hi); nsLo.push(u.m.data.lo);
        blockSrc[u.sample * C + chIndex.get(u.channel)!].push(nPars + j);
        break;
      }
      case 'histosys':
        for (let b = 0; b < nb; b++) {
          shiftSrc[cell(b)].push(hsAlpha.length);
          hsAlpha.push(set.offset); hsHi.push(u.m.data.hi_data[b]); hsLo.push(u.m.data.lo_data[b]); hsNom.push(u.nominal[b]);
        }
        break;
    }
  }
  const ONE = nPars + nsAlpha.length, ZERO = hsAlpha.length;
  const rows = (src: number[][], pad: number): number[][] => {
    const k = Math.max(0, ...src.map((l) => l.length));
    return globalThis.Array.from({ length: k }, (_, r) => src.map((l) => l[r] ?? pad));
  };
  const cellBlock = globalThis.Array.from({ length: S * B }, (_, i) => {
    const k = Math.floor(i / B), b = i % B;
    return k * C + channels.findIndex(({ c }) => b < chOffset.get(c.name)! + nBins.get(c.name)!);
  });
  const nominalList = globalThis.Array.from(nominal);
  const normalIdx = auxKind.flatMap((k, i) => (k === 'normal' ? [i] : []));
  const poissonIdx = auxKind.flatMap((k, i) => (k === 'poisson' ? [i] : []));
  const sigmas = normalIdx.map((i) => auxScale[i]);
  const auxScaleList = auxKind.map((k, i) => (k === 'poisson' ? auxScale[i] : 1));
  const groups: Record<Exclude<keyof ConstLayout, 'end'>, number[]> = {
    nominal: nominalList,
    ns: interpTerms(settings.normsys, nsLo, nsAlpha.map(() => 1), nsHi).flat(),
    hs: interpTerms(settings.histosys, hsLo, hsNom, hsHi).flat(),
    invSigma: sigmas.map((v) => 1 / v),
    factors: poissonIdx.map((i) => auxScale[i]),
    auxdata,
    auxScale: auxScaleList,
    normalNorm: [sigmas.reduce((t, v) => t + Math.log(v) + HALF_LN_2PI, 0)],
  };
  let end = 0;
  const at = Object.fromEntries(Object.entries(groups).map(([g, v]) => [g, (end += v.length) - v.length])) as Record<keyof typeof groups, number>;
  const constVector = Object.values(groups).flat();
  const likelihood = likelihoodOf({
    S, B, C, nPars, nAux,
    nsAlpha, hsAlpha,
    shiftRows: rows(shiftSrc, ZERO), blockRows: rows(blockSrc, ONE), factorRows: rows(factorSrc, ONE), cellBlock,
    nsCode: settings.normsys, hsCode: settings.histosys,
    auxPar, normalIdx, poissonIdx,
    unitSigma: sigmas.every((v) => v === 1), auxScaled: auxScaleList.some((v) => v !== 1),
    bins: parBins.map((b) => [...b].sort((x, y) => x - y)),
    at: { ...at, end },
  });
  const { compiled } = likelihood;
  const constsIn = new Map<string, Array>();
  const consts = ({ dtype, device }: { dtype: DType; device: string }): Array => {
    const key = `${dtype}@${device}`;
    let k = constsIn.get(key);
    if (!k) constsIn.set(key, k = np.array(constVector, { dtype, device }));
    return k;
  };

  const asPars = (pars: ArrayOrNumbers): Array => {
    const p = np.asarray(pars as ArrayOrScalar);
    if (p.ndim !== 1 || p.shape[0] !== nPars) throw new Error(`histfactory: expected ${nPars} parameters (${names.join(', ')}), got shape [${p.shape.join(', ')}]`);
    return p.dtype === 'float64' || p.dtype === 'float32' ? p : p.astype('float64');
  };
  const asData = (p: Array, dataIn: ArrayOrNumbers): Array => {
    let d = np.asarray(dataIn as ArrayOrScalar);
    if (d.dtype !== p.dtype) d = d.astype(p.dtype);
    if (d.ndim !== 1 || (d.shape[0] !== nMain && d.shape[0] !== nMain + nAux)) {
      throw new Error(`histfactory: data must have ${nMain} (main) or ${nMain + nAux} (main + aux) entries, got shape [${d.shape.join(', ')}]`);
    }
    return d;
  };
  // On concrete arrays the model's functions run as compiled programs, traced once per structure
  // and signature: evaluated op by op they would dispatch every step of the expected data and the
  // constraints. Under a transform (grad, vmap, an outer jit) a jit inlines its Jaxpr, so
  // derivatives and the fits' compiled functions see the same operations.
  const yieldArg = (opts?: YieldOptions): { nominal?: Array } => {
    const nom = opts?.nominal;
    if (!nom) return {};
    if (nom.ndim !== 2 || nom.shape[0] !== S || nom.shape[1] !== B) {
      throw new Error(`histfactory: nominal yields must be [${S} samples (${sampleNames.join(', ')}), ${B} bins], got shape [${nom.shape.join(', ')}]`);
    }
    return { nominal: nom };
  };

  const model: HistFactoryModel = {
    spec,
    parameters: { names, init, bounds, fixed, constrained, bins: likelihood.structure.bins.map((b) => [...b]), sets: ordered.map(({ name, type, offset, size, constraint }) => ({ name, type, offset, size, constrained: constraint !== 'none' })), poiIndex, poi },
    channels: channels.map(({ c }) => c.name),
    nMain,
    nAux,
    auxdata,
    auxConstraints: auxKind.map((k, i) => ({ kind: k === 'poisson' ? 'poisson' : 'normal', sigma: k === 'poisson' ? NaN : auxScale[i] })),
    expectedData: (pars, opts) => { const p = asPars(pars); return compiled.expectedData(p, consts(p), yieldArg(opts)); },
    expectedAuxdata: (pars) => { const p = asPars(pars); return compiled.expectedAuxdata(p, consts(p)); },
    samples: [...sampleNames],
    nominal: sampleNames.map((_, k) => nominalList.slice(k * B, (k + 1) * B)),
    expectedFull: (pars, opts) => { const p = asPars(pars); return compiled.expectedFull(p, consts(p), yieldArg(opts)); },
    logpdf: (pars, data, opts) => { const p = asPars(pars); return compiled.logpdf(p, asData(p, data), consts(p), yieldArg(opts)); },
    nll: (pars, data, opts) => { const p = asPars(pars); return compiled.nll(p, asData(p, data), consts(p), yieldArg(opts)); },
    fullData: (main) => [...main, ...auxdata],
  };
  modelLikelihood.set(model, { likelihood, consts });
  return model;
}
