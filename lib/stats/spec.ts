/**
 * The HistFactory specification (pyhf's JSON schema 1.0.0: channels, samples, modifiers, the
 * measurement's parameter configs) and its parser. `parseSpec` checks a spec level by level, one
 * small check per JSON object, combined by fp-ts's applicative validation: independent checks
 * report all their problems, each naming its JSON path
 * (`channels[1].samples[0].modifiers[2].data.hi_data`); a check that later ones depend on (an
 * object's shape, a modifier's type) reports only itself. A valid spec comes back typed, with its
 * interpolation settings; `histfactory` throws the problems together in one SpecError.
 */
import { sequenceS, sequenceT } from 'fp-ts/lib/Apply.js';
import * as E from 'fp-ts/lib/Either.js';
import { constVoid, identity, pipe } from 'fp-ts/lib/function.js';
import * as RA from 'fp-ts/lib/ReadonlyArray.js';
import * as RNEA from 'fp-ts/lib/ReadonlyNonEmptyArray.js';
import { parseInterpCode, type InterpCode } from './interpolation.js';

/**
 * A modifier of a sample's yields, as pyhf's JSON `{ type, name, data }`, one member per type.
 * Modifiers that carry the same `name` share one parameter (set), across samples and channels.
 */
export type Modifier =
  | {
    /** A free normalisation factor on the sample (unconstrained; default init 1, bounds [0, 10]). */
    type: 'normfactor';
    /** The parameter's name (e.g. 'mu', the usual POI). */
    name: string;
    /** None: `null` or left out. */
    data?: null;
  }
  | {
    /** A normalisation uncertainty: factor I(α) with constraint N(0 | α, 1). */
    type: 'normsys';
    /** The nuisance parameter α's name (a histosys of the same name shares it). */
    name: string;
    /** The relative yield factors at α = ±1. */
    data: {
      /** The factor at α = +1 (e.g. 1.1 for +10%). */
      hi: number;
      /** The factor at α = −1 (e.g. 0.9 for −10%). */
      lo: number;
    };
  }
  | {
    /** A correlated shape uncertainty: an additive per-bin shift interpolated in α, constraint N(0 | α, 1). */
    type: 'histosys';
    /** The nuisance parameter α's name (a normsys of the same name shares it). */
    name: string;
    /** The sample's absolute yields at α = ±1, one number per bin. */
    data: {
      /** The yields per bin at α = +1. */
      hi_data: number[];
      /** The yields per bin at α = −1. */
      lo_data: number[];
    };
  }
  | {
    /** An uncorrelated shape uncertainty: per-bin factors γ_b with Poisson constraints (τ_b = (nominal_b/δ_b)²). */
    type: 'shapesys';
    /** The parameter set's name (one γ per bin; a shapesys cannot be shared). */
    name: string;
    /** The absolute uncertainty δ_b of the sample's yield, per bin (≥ 0; 0 fixes that bin's γ). */
    data: number[];
  }
  | {
    /** MC statistical uncertainties (Barlow–Beeston lite): per-bin γ_b shared by the channel's samples carrying it, Gaussian constraints. */
    type: 'staterror';
    /** The parameter set's name (one γ per bin, e.g. 'staterror_SR'). */
    name: string;
    /** The absolute statistical uncertainty δ of the sample's yield, per bin (≥ 0). */
    data: number[];
  }
  | {
    /** The luminosity factor λ, constraint N(auxdata | λ, σ) from the measurement's config of 'lumi'. */
    type: 'lumi';
    /** Must be 'lumi' (pyhf's schema). */
    name: string;
    /** None: `null` or left out (auxdata and sigmas come from the parameter config). */
    data?: null;
  }
  | {
    /** Free per-bin factors on the sample (unconstrained; default init 1, bounds [0, 10]). */
    type: 'shapefactor';
    /** The parameter set's name (one factor per bin; shared across channels of the same bin count). */
    name: string;
    /** None: `null` or left out. */
    data?: null;
  };
/** A modifier's `type`: 'normfactor', 'normsys', 'histosys', 'shapesys', 'staterror', 'lumi' or 'shapefactor'. */
export type ModifierType = Modifier['type'];
/** A sample of a channel (pyhf's `{ name, data, modifiers }`): nominal yields and what modifies them. */
export interface Sample {
  /** The sample's name (e.g. 'signal'); samples of one name in several channels are one row of the model's `nominal`. */
  name: string;
  /** The nominal yields per bin (every sample of a channel has the channel's bin count). */
  data: number[];
  /** The modifiers of its yields (may be empty); each (type, name) at most once. */
  modifiers: Modifier[];
}
/** A channel (pyhf's `{ name, samples }`): a histogram region, its expected yield the sum of its samples. */
export interface Channel {
  /** The channel's name (unique; channels are ordered by name in the model, as pyhf). */
  name: string;
  /** Its samples (at least one), all with the same number of bins. */
  samples: Sample[];
}
/** A measurement's parameter config (pyhf): a field left out keeps the modifier's default. */
export interface ParameterConfig {
  /** The modifier (parameter set) name it configures, e.g. 'mu' or 'lumi'. */
  name: string;
  /** Initial values (pyhf's `inits`), one per parameter of the set (per-bin sets: one per bin). */
  inits?: number[];
  /** [lo, hi] bounds (pyhf's `bounds`), one pair per parameter of the set. */
  bounds?: [number, number][];
  /** Holds every parameter of the set constant at its init in fits (pyhf's `fixed`). */
  fixed?: boolean;
  /** Constrained parameters: the auxiliary data (lumi: required). */
  auxdata?: number[];
  /** Gaussian constraints (lumi: required; staterror): the widths. */
  sigmas?: number[];
  /** Poisson constraints (shapesys): the rate factors τ. */
  factors?: number[];
}
/** Interpolation code per modifier type: '0' | '1' | '2' | '4' (normsys), '0' | '2' | '4p' (histosys); 'codeN' is accepted too. */
export interface ModifierSettings {
  /**
   * The normsys interpolation (pyhf's `modifier_settings.normsys`); default '4', and '1' when
   * `modifierSettings` is given without it (as pyhf, whose settings replace its defaults whole).
   */
  normsys?: {
    /** '0', '1', '2' or '4' (also 0, 'code4', ...). */
    interpcode: string | number;
  };
  /** The histosys interpolation (pyhf's `modifier_settings.histosys`); default '4p', and '0' when `modifierSettings` is given without it (as pyhf). */
  histosys?: {
    /** '0', '2' or '4p' (also 0, 'code4p', ...). */
    interpcode: string | number;
  };
}
/**
 * A HistFactory model's specification: pyhf's `{ channels }` plus what a workspace's measurement
 * and `modifier_settings` would say (POI, parameter configs, interpolation codes). `histfactory`
 * validates it and reports every problem at once (SpecError).
 */
export interface HistFactorySpec {
  /** The channels (pyhf's `channels`, at least one, distinct names). */
  channels: Channel[];
  /**
   * Per modifier type settings (pyhf's `modifier_settings`). Without them: normsys '4', histosys
   * '4p' (pyhf's defaults); with them, a type they leave out takes its modifier's own default, as
   * in pyhf: normsys '1', histosys '0'.
   */
  modifierSettings?: ModifierSettings;
  /** Alias of `modifierSettings.normsys.interpcode`: 'code1' or 'code4'. */
  interpolation?: 'code1' | 'code4';
  /** Name of the parameter of interest; default: 'mu' if there is such a normfactor (pyhf), else the first normfactor by name. */
  poi?: string;
  /** Parameter configs (as pyhf's measurement config `parameters`). */
  parameters?: ParameterConfig[];
}

/** Every modifier type, in pyhf's order (the order of the model's parameter sets). */
export const MODIFIER_TYPES: readonly ModifierType[] = ['histosys', 'lumi', 'normfactor', 'normsys', 'shapefactor', 'shapesys', 'staterror'];
export const NORMSYS_CODES: readonly InterpCode[] = ['0', '1', '2', '4'];
export const HISTOSYS_CODES: readonly InterpCode[] = ['0', '2', '4p'];

/** Every problem of a spec, one per line, each starting with its JSON path. */
export class SpecError extends Error {
  /** The problems, each a message starting with its JSON path (e.g. `channels[0].samples[1].data`). */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`histfactory: invalid specification (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SpecError';
    this.problems = problems;
  }
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isArr = (v: unknown): v is readonly unknown[] => Array.isArray(v);
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
const isModifierType = (v: unknown): v is ModifierType => (MODIFIER_TYPES as readonly unknown[]).includes(v);
/** A JSON value as error messages quote it. */
export const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v));

// ---- Checks: each returns its problems (Left) or the value it parsed (Right).

/** One or more problems, each starting with its JSON path. */
export type Problems = RNEA.ReadonlyNonEmptyArray<string>;
/** A check's outcome: its problems, or what it parsed. */
export type Checked<A> = E.Either<Problems, A>;
/** Applicative validation: checks combined by it (sequenceS, sequenceT, traverse) report all their problems, in order. */
export const V = E.getApplicativeValidation(RNEA.getSemigroup<string>());
export const fail = (problem: string): Checked<never> => E.left(RNEA.of(problem));
export const pass: Checked<void> = E.right(undefined);
/** Passes when `ok` holds, else reports `problem()`. */
export const check = (ok: boolean, problem: () => string): Checked<void> => (ok ? pass : fail(problem()));
/**
 * Checks each element of a list: the parsed list, or every element's problems, in order. This is
 * `RA.traverseWithIndex(V)`, in linear time: fp-ts's traverse copies the list it builds at every
 * element, quadratic in a workspace's thousands of modifiers.
 */
export function each<X, A>(xs: readonly X[], f: (x: X, i: number) => Checked<A>): Checked<A[]> {
  const { left, right } = RA.separate(xs.map(f));
  return RA.isNonEmpty(left) ? E.left(RNEA.flatten(left)) : E.right([...right]);
}
/** Independent checks, a list of them. */
export const checkAll = (checks: readonly Checked<void>[]): Checked<void> => pipe(each(checks, identity), E.map(constVoid));
/** The public edge: the parsed value, or the error made of its problems (no Either leaves the stats API). */
export const orThrow = <A>(checked: Checked<A>, error: (problems: readonly string[]) => Error): A =>
  pipe(checked, E.getOrElseW((problems) => { throw error(problems); }));

/** `path.key`, or `key` at the root. */
const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** An object has no properties besides `valid`. */
export const knownKeys = (o: Record<string, unknown>, path: string, valid: readonly string[]): Checked<void> =>
  checkAll(Object.keys(o).filter((k) => !valid.includes(k)).map((k) => fail(`${at(path, k)}: unknown property (valid: ${valid.join(', ')})`)));

/** For each key of a list, the index of an earlier element with the same key (a name met twice), else undefined. */
export function earlierTwins(keys: readonly (string | undefined)[]): (number | undefined)[] {
  const first = new Map<string, number>();
  return keys.map((k, i) => {
    if (k === undefined) return undefined;
    const j = first.get(k);
    if (j === undefined) first.set(k, i);
    return j;
  });
}

/** The `name` of an object in a list, as `earlierTwins` compares them. */
export const nameOf = (v: unknown): string | undefined => (isObj(v) && isStr(v.name) ? v.name : undefined);

/** `path.name` is a string that no earlier element of its list has (`twin`: the one that has). */
const uniqueName = (v: unknown, path: string, twin: number | undefined, duplicate: (name: string, j: number) => string): Checked<string> =>
  !isStr(v) ? fail(`${path}.name: must be a string, got ${show(v)}`) : twin !== undefined ? fail(`${path}.name: ${duplicate(v, twin)}`) : E.right(v);

/** A non-empty list of finite numbers; with n >= 0, of n entries (`what` they are). */
function numbers(v: unknown, path: string, n = -1, what = ''): Checked<number[]> {
  if (!isArr(v) || v.length === 0) return fail(`${path}: must be a non-empty array of numbers, got ${show(v)}`);
  const bad = v.findIndex((x) => !isNum(x));
  return pipe(
    sequenceT(V)(
      check(bad < 0, () => `${path}[${bad}]: must be a finite number, got ${show(v[bad])}`),
      check(n < 0 || v.length === n, () => `${path}: has ${v.length} entries, expected ${n} ${what}`),
    ),
    E.map(() => v.filter(isNum)),
  );
}

// ---- Settings: `interpolation` and `modifierSettings`.

export interface Settings { normsys: InterpCode; histosys: InterpCode }
type SettingType = keyof Settings;
const SETTING_CODES: Record<SettingType, readonly InterpCode[]> = { normsys: NORMSYS_CODES, histosys: HISTOSYS_CODES };
const isSettingType = (t: string): t is SettingType => t === 'normsys' || t === 'histosys';
type Interpolation = NonNullable<HistFactorySpec['interpolation']>;
const LEGACY_CODE: Record<Interpolation, InterpCode> = { code1: '1', code4: '4' };

/** `interpolation`: the legacy name of the normsys code. */
const interpolation = (v: unknown): Checked<Interpolation | undefined> =>
  v === undefined || v === 'code1' || v === 'code4' ? E.right(v) : fail(`interpolation: unknown interpolation ${show(v)} (use 'code1' or 'code4', or modifierSettings)`);

/** `modifierSettings.<type>`: a code its type accepts; for normsys, the one `legacy` (a valid `interpolation`) names. */
function modifierSetting(type: string, v: unknown, legacy: Interpolation | undefined): Checked<Partial<Settings>> {
  const path = `modifierSettings.${type}`;
  if (!isSettingType(type)) return fail(`${path}: only normsys and histosys have settings`);
  const allowed = SETTING_CODES[type];
  const code = isObj(v) ? parseInterpCode(v.interpcode) : undefined;
  if (!code || !allowed.includes(code)) return fail(`${path}.interpcode: unknown interpolation code ${show(isObj(v) ? v.interpcode : v)} for ${type} (valid: ${allowed.map((c) => `'${c}'`).join(', ')})`);
  if (type === 'normsys' && legacy !== undefined && LEGACY_CODE[legacy] !== code) return fail(`${path}.interpcode: '${code}' contradicts interpolation '${legacy}'`);
  return E.right(type === 'normsys' ? { normsys: code } : { histosys: code });
}

/** `modifierSettings`: an object of settings per modifier type. */
function modifierSettings(v: unknown, legacy: Interpolation | undefined): Checked<Partial<Settings> | undefined> {
  if (v === undefined) return E.right(undefined);
  if (!isObj(v)) return fail(`modifierSettings: must be an object, got ${show(v)}`);
  return pipe(each(Object.entries(v), ([type, s]) => modifierSetting(type, s, legacy)), E.map((parts) => parts.reduce<Partial<Settings>>((acc, part) => ({ ...acc, ...part }), {})));
}

/** The settings a spec chooses (pyhf's defaults for what it leaves out), and the spec's fields that choose them (codes normalised). */
interface ParsedSettings { settings: Settings; fields: Pick<HistFactorySpec, 'interpolation' | 'modifierSettings'> }

function settingsOf(s: Record<string, unknown>): Checked<ParsedSettings> {
  const legacy = interpolation(s.interpolation);
  return pipe(
    sequenceT(V)(legacy, modifierSettings(s.modifierSettings, pipe(legacy, E.getOrElseW(() => undefined)))),
    E.map(([legacy, codes]) => ({
      // Given settings replace pyhf's defaults as a whole: a type they leave out takes its modifier's
      // own default there (normsys code1, histosys code0), and so it does here.
      settings: codes
        ? { normsys: codes.normsys ?? (legacy ? LEGACY_CODE[legacy] : '1'), histosys: codes.histosys ?? '0' }
        : { normsys: legacy ? LEGACY_CODE[legacy] : '4', histosys: '4p' },
      fields: {
        ...(legacy && { interpolation: legacy }),
        ...(codes && { modifierSettings: {
          ...(codes.normsys && { normsys: { interpcode: codes.normsys } }),
          ...(codes.histosys && { histosys: { interpcode: codes.histosys } }),
        } }),
      },
    })),
  );
}

// ---- Channels, samples, modifiers.

/** What a channel's samples and modifiers are checked against. */
interface ChannelContext {
  /** Bins of the channel's first sample (-1: unknown, its data are not a list). */
  bins: number;
  /** The normsys interpolation code (undefined when the settings have problems: the checks that depend on it are left out). */
  normsys: InterpCode | undefined;
}

/** Bins of a channel's first sample, -1 when its data are not a list. */
export const binsOf = (samples: unknown): number => (isArr(samples) && isObj(samples[0]) && isArr(samples[0].data) ? samples[0].data.length : -1);

/** `channels`: a non-empty list of channels with distinct names. */
function channelsOf(v: unknown, normsys: InterpCode | undefined): Checked<Channel[]> {
  if (!isArr(v) || v.length === 0) return fail(`channels: must be a non-empty array of channels, got ${show(v)}`);
  const twins = earlierTwins(v.map(nameOf));
  return each(v, (ch, ci) => channel(ch, `channels[${ci}]`, twins[ci], normsys));
}

/** A channel { name, samples }. */
function channel(ch: unknown, cp: string, twin: number | undefined, normsys: InterpCode | undefined): Checked<Channel> {
  if (!isObj(ch)) return fail(`${cp}: a channel must be an object { name, samples }, got ${show(ch)}`);
  return pipe(
    sequenceT(V)(
      knownKeys(ch, cp, ['name', 'samples']),
      uniqueName(ch.name, cp, twin, (n, j) => `duplicate channel name '${n}' (also channels[${j}])`),
      samplesOf(ch.samples, cp, normsys),
    ),
    E.map(([, name, samples]) => ({ name, samples })),
  );
}

/** A channel's `samples`: a non-empty list, with distinct names and the bins of the first. */
function samplesOf(v: unknown, cp: string, normsys: InterpCode | undefined): Checked<Sample[]> {
  if (!isArr(v) || v.length === 0) return fail(`${cp}.samples: must be a non-empty array of samples, got ${show(v)}`);
  const ctx: ChannelContext = { bins: binsOf(v), normsys };
  const twins = earlierTwins(v.map(nameOf));
  return each(v, (sa, si) => sample(sa, `${cp}.samples[${si}]`, si, twins[si], ctx));
}

/** A sample { name, data, modifiers }. */
function sample(sa: unknown, sp: string, si: number, twin: number | undefined, ctx: ChannelContext): Checked<Sample> {
  if (!isObj(sa)) return fail(`${sp}: a sample must be an object { name, data, modifiers }, got ${show(sa)}`);
  return pipe(
    sequenceT(V)(
      knownKeys(sa, sp, ['name', 'data', 'modifiers']),
      uniqueName(sa.name, sp, twin, (n, j) => `duplicate sample name '${n}' in channel (also samples[${j}])`),
      numbers(sa.data, `${sp}.data`, ctx.bins, si === 0 ? 'bins' : 'bins (as samples[0] of this channel)'),
      modifiersOf(sa.modifiers, sp, ctx),
    ),
    E.map(([, name, data, modifiers]) => ({ name, data, modifiers })),
  );
}

/** A sample's `modifiers`: a list, each (type, name) at most once. */
function modifiersOf(v: unknown, sp: string, ctx: ChannelContext): Checked<Modifier[]> {
  if (!isArr(v)) return fail(`${sp}.modifiers: must be an array, got ${show(v)}`);
  const twins = earlierTwins(v.map((m) => (isObj(m) && isModifierType(m.type) ? `${m.type}/${String(m.name)}` : undefined)));
  return each(v, (m, mi) => modifier(m, `${sp}.modifiers[${mi}]`, twins[mi] !== undefined, ctx));
}

/** A modifier without its name (its type and data), member by member of the union. */
type WithoutName<M> = M extends Modifier ? Omit<M, 'name'> : never;
type ModifierBody = WithoutName<Modifier>;

/** A modifier { type, name, data }: its name, and a known type, which the rest of its checks depend on. */
function modifier(m: unknown, mp: string, repeated: boolean, ctx: ChannelContext): Checked<Modifier> {
  if (!isObj(m)) return fail(`${mp}: a modifier must be an object { type, name, data }, got ${show(m)}`);
  const name = isStr(m.name) && m.name !== '' ? E.right(m.name) : fail(`${mp}.name: must be a non-empty string, got ${show(m.name)}`);
  const body = pipe(
    isModifierType(m.type) ? E.right(m.type) : fail(`${mp}.type: unknown modifier type ${show(m.type)} (valid types: ${MODIFIER_TYPES.join(', ')})`),
    E.chain((type) => pipe(
      sequenceT(V)(
        check(!repeated, () => `${mp}: ${type} '${String(m.name)}' appears twice in this sample`),
        modifierData(type, m, mp, ctx),
        knownKeys(m, mp, ['type', 'name', 'data']),
      ),
      E.map(([, b]) => b),
    )),
  );
  return pipe(sequenceT(V)(name, body), E.map(([name, b]) => ({ ...b, name })));
}

/** A modifier's data, as its type takes them. */
function modifierData(type: ModifierType, m: Record<string, unknown>, mp: string, { bins, normsys }: ChannelContext): Checked<ModifierBody> {
  const d = m.data, dp = `${mp}.data`;
  switch (type) {
    case 'normfactor': case 'shapefactor': case 'lumi':
      return pipe(
        sequenceT(V)(
          check(d === null || d === undefined, () => `${dp}: a ${type} takes no data (null), got ${show(d)}`),
          check(type !== 'lumi' || m.name === 'lumi', () => `${mp}.name: a lumi modifier must be named 'lumi' (pyhf's schema), got ${show(m.name)}`),
        ),
        E.map(() => ({ type, data: null })),
      );
    case 'normsys': {
      const hi = isObj(d) ? d.hi : undefined, lo = isObj(d) ? d.lo : undefined;
      if (!isNum(hi) || !isNum(lo)) return fail(`${dp}: a normsys needs data { hi, lo } (numbers), got ${show(d)}`);
      // Codes 1 and 4 interpolate log(hi) and log(lo).
      const logs = normsys === '1' || normsys === '4';
      return pipe(
        check(!logs || (hi > 0 && lo > 0), () => `${dp}: normsys interpolation code ${normsys} needs hi > 0 and lo > 0, got ${show(d)}`),
        E.map(() => ({ type, data: { hi, lo } })),
      );
    }
    case 'histosys':
      if (!isObj(d)) return fail(`${dp}: a histosys needs data { hi_data, lo_data } (one number per bin), got ${show(d)}`);
      return pipe(
        sequenceT(V)(numbers(d.hi_data, `${dp}.hi_data`, bins, 'bins'), numbers(d.lo_data, `${dp}.lo_data`, bins, 'bins')),
        E.map(([hi_data, lo_data]) => ({ type, data: { hi_data, lo_data } })),
      );
    case 'shapesys': case 'staterror':
      return pipe(
        sequenceT(V)(
          numbers(d, dp, bins, 'bins (absolute uncertainties per bin)'),
          check(!(isArr(d) && d.some((x) => isNum(x) && x < 0)), () => `${dp}: uncertainties must be >= 0, got ${show(d)}`),
        ),
        E.map(([data]) => ({ type, data })),
      );
  }
}

// ---- Parameter configs.

/** `parameters`: parameter configs, one per parameter name. */
function parametersOf(v: unknown): Checked<ParameterConfig[] | undefined> {
  if (v === undefined) return E.right(undefined);
  if (!isArr(v)) return fail(`parameters: must be an array of parameter configs, got ${show(v)}`);
  const twins = earlierTwins(v.map(nameOf));
  return each(v, (p, pi) => parameterConfig(p, `parameters[${pi}]`, twins[pi]));
}

/** A parameter config { name, inits?, bounds?, fixed?, auxdata?, sigmas?, factors? }. */
function parameterConfig(p: unknown, pp: string, twin: number | undefined): Checked<ParameterConfig> {
  if (!isObj(p)) return fail(`${pp}: a parameter config must be an object { name, inits?, bounds?, fixed?, auxdata?, sigmas?, factors? }, got ${show(p)}`);
  return pipe(
    sequenceT(V)(
      uniqueName(p.name, pp, twin, (n, j) => `several configs for parameter '${n}' (also parameters[${j}])`),
      each(Object.entries(p).filter(([k]) => k !== 'name'), ([k, v]) => configField(k, v, `${pp}.${k}`)),
    ),
    E.map(([name, fields]) => fields.reduce<ParameterConfig>((cfg, f) => ({ ...cfg, ...f }), { name })),
  );
}

const isBoundPair = (b: unknown): b is readonly [number, number] => isArr(b) && b.length === 2 && isNum(b[0]) && isNum(b[1]) && b[0] <= b[1];

/** One field of a parameter config besides its name. */
function configField(k: string, v: unknown, path: string): Checked<Partial<ParameterConfig>> {
  switch (k) {
    case 'fixed':
      return typeof v === 'boolean' ? E.right({ fixed: v }) : fail(`${path}: must be a boolean, got ${show(v)}`);
    case 'bounds':
      return isArr(v) && v.length > 0 && v.every(isBoundPair)
        ? E.right({ bounds: v.map(([lo, hi]): [number, number] => [lo, hi]) })
        : fail(`${path}: must be a non-empty array of [lo, hi] pairs with lo <= hi, got ${show(v)}`);
    case 'inits': case 'auxdata': case 'sigmas': case 'factors':
      return pipe(numbers(v, path), E.map((xs) => ({ [k]: xs })));
    default:
      return fail(`${path}: unknown property (valid: name, inits, bounds, fixed, auxdata, sigmas, factors)`);
  }
}

// ---- The spec.

const SPEC_KEYS = ['channels', 'modifierSettings', 'interpolation', 'poi', 'parameters'];

/** A valid spec, typed, and the interpolation settings it chooses. */
export interface ParsedSpec { spec: HistFactorySpec; settings: Settings }

/**
 * Parses a spec: its problems, or the typed spec and its settings. Checks that need the built
 * parameter sets (configs' lengths, names shared across types) are the builder's.
 */
export function parseSpec(input: unknown): Checked<ParsedSpec> {
  if (!isObj(input)) return fail(`(root): a spec must be an object with 'channels', got ${show(input)}`);
  const settings = settingsOf(input);
  const poi = input.poi;
  return pipe(
    sequenceS(V)({
      known: knownKeys(input, '', SPEC_KEYS),
      settings,
      poi: poi === undefined || isStr(poi) ? E.right(poi) : fail(`poi: must be a parameter name, got ${show(poi)}`),
      channels: channelsOf(input.channels, pipe(settings, E.match(() => undefined, (s) => s.settings.normsys))),
      parameters: parametersOf(input.parameters),
    }),
    E.map(({ settings: { settings, fields }, poi, channels, parameters }) => ({
      spec: { channels, ...fields, ...(poi === undefined ? {} : { poi }), ...(parameters === undefined ? {} : { parameters }) },
      settings,
    })),
  );
}
