/**
 * The HistFactory specification (pyhf's JSON schema 1.0.0: channels, samples, modifiers, the
 * measurement's parameter configs) and its validation. `validateSpec` collects every problem of a
 * spec, each naming its JSON path (`channels[1].samples[0].modifiers[2].data.hi_data`), and
 * `histfactory` throws them together in one SpecError.
 */
import { parseInterpCode, type InterpCode } from './interpolation.js';

export type Modifier =
  | { type: 'normfactor'; name: string; data?: null }
  | { type: 'normsys'; name: string; data: { hi: number; lo: number } }
  | { type: 'histosys'; name: string; data: { hi_data: number[]; lo_data: number[] } }
  | { type: 'shapesys'; name: string; data: number[] }
  | { type: 'staterror'; name: string; data: number[] }
  | { type: 'lumi'; name: string; data?: null }
  | { type: 'shapefactor'; name: string; data?: null };
export type ModifierType = Modifier['type'];
export interface Sample { name: string; data: number[]; modifiers: Modifier[] }
export interface Channel { name: string; samples: Sample[] }
/** A measurement's parameter config (pyhf): a field left out keeps the modifier's default. */
export interface ParameterConfig {
  name: string;
  inits?: number[];
  bounds?: [number, number][];
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
  normsys?: { interpcode: string | number };
  histosys?: { interpcode: string | number };
}
export interface HistFactorySpec {
  channels: Channel[];
  /** Per modifier type settings (pyhf's `modifier_settings`); defaults normsys '4', histosys '4p'. */
  modifierSettings?: ModifierSettings;
  /** Alias of `modifierSettings.normsys.interpcode`: 'code1' or 'code4'. */
  interpolation?: 'code1' | 'code4';
  /** Name of the parameter of interest; default: 'mu' if there is such a normfactor (pyhf), else the first normfactor by name. */
  poi?: string;
  /** Parameter configs (as pyhf's measurement config `parameters`). */
  parameters?: ParameterConfig[];
}

export const MODIFIER_TYPES: readonly ModifierType[] = ['histosys', 'lumi', 'normfactor', 'normsys', 'shapefactor', 'shapesys', 'staterror'];
export const NORMSYS_CODES: readonly InterpCode[] = ['0', '1', '2', '4'];
export const HISTOSYS_CODES: readonly InterpCode[] = ['0', '2', '4p'];

/** Every problem of a spec, one per line, each starting with its JSON path. */
export class SpecError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`histfactory: invalid specification (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SpecError';
    this.problems = problems;
  }
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A JSON value as error messages quote it. */
export const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v));

export interface Settings { normsys: InterpCode; histosys: InterpCode }

/**
 * Checks the structure of a spec and returns its problems (empty when it is valid) and the
 * interpolation settings. Checks needing the built parameter sets (configs' lengths) are made by
 * the builder, into the same list.
 */
export function validateSpec(spec: unknown, problems: string[]): Settings {
  const settings: Settings = { normsys: '4', histosys: '4p' };
  if (!isObj(spec)) { problems.push(`(root): a spec must be an object with 'channels', got ${show(spec)}`); return settings; }
  const s = spec as Partial<HistFactorySpec> & Record<string, unknown>;
  for (const k of Object.keys(s)) {
    if (!['channels', 'modifierSettings', 'interpolation', 'poi', 'parameters'].includes(k)) problems.push(`${k}: unknown property (valid: channels, modifierSettings, interpolation, poi, parameters)`);
  }
  // Settings.
  if (s.interpolation !== undefined) {
    if (s.interpolation !== 'code1' && s.interpolation !== 'code4') problems.push(`interpolation: unknown interpolation ${show(s.interpolation)} (use 'code1' or 'code4', or modifierSettings)`);
    else settings.normsys = s.interpolation === 'code1' ? '1' : '4';
  }
  if (s.modifierSettings !== undefined) {
    if (!isObj(s.modifierSettings)) problems.push(`modifierSettings: must be an object, got ${show(s.modifierSettings)}`);
    else {
      for (const [type, v] of Object.entries(s.modifierSettings)) {
        const path = `modifierSettings.${type}`;
        const allowed = type === 'normsys' ? NORMSYS_CODES : type === 'histosys' ? HISTOSYS_CODES : null;
        if (!allowed) { problems.push(`${path}: only normsys and histosys have settings`); continue; }
        const code = isObj(v) ? parseInterpCode(v.interpcode) : undefined;
        if (!code || !allowed.includes(code)) {
          problems.push(`${path}.interpcode: unknown interpolation code ${show(isObj(v) ? v.interpcode : v)} for ${type} (valid: ${allowed.map((c) => `'${c}'`).join(', ')})`);
        } else if (type === 'normsys' && s.interpolation !== undefined && settings.normsys !== code) {
          problems.push(`${path}.interpcode: '${code}' contradicts interpolation '${s.interpolation}'`);
        } else settings[type as 'normsys' | 'histosys'] = code;
      }
    }
  }
  if (s.poi !== undefined && typeof s.poi !== 'string') problems.push(`poi: must be a parameter name, got ${show(s.poi)}`);
  // Channels, samples, modifiers.
  if (!Array.isArray(s.channels) || s.channels.length === 0) {
    problems.push(`channels: must be a non-empty array of channels, got ${show(s.channels)}`);
  } else {
    const chNames = new Map<string, number>();
    s.channels.forEach((ch: unknown, ci) => {
      const cp = `channels[${ci}]`;
      if (!isObj(ch)) { problems.push(`${cp}: a channel must be an object { name, samples }, got ${show(ch)}`); return; }
      for (const k of Object.keys(ch)) if (k !== 'name' && k !== 'samples') problems.push(`${cp}.${k}: unknown property (valid: name, samples)`);
      if (typeof ch.name !== 'string') problems.push(`${cp}.name: must be a string, got ${show(ch.name)}`);
      else if (chNames.has(ch.name)) problems.push(`${cp}.name: duplicate channel name '${ch.name}' (also channels[${chNames.get(ch.name)}])`);
      else chNames.set(ch.name, ci);
      if (!Array.isArray(ch.samples) || ch.samples.length === 0) { problems.push(`${cp}.samples: must be a non-empty array of samples, got ${show(ch.samples)}`); return; }
      const first = ch.samples[0] as Record<string, unknown> | undefined;
      const nb = isObj(first) && Array.isArray(first.data) ? first.data.length : -1;
      const sNames = new Map<string, number>();
      ch.samples.forEach((sa: unknown, si) => {
        const sp = `${cp}.samples[${si}]`;
        if (!isObj(sa)) { problems.push(`${sp}: a sample must be an object { name, data, modifiers }, got ${show(sa)}`); return; }
        for (const k of Object.keys(sa)) if (k !== 'name' && k !== 'data' && k !== 'modifiers') problems.push(`${sp}.${k}: unknown property (valid: name, data, modifiers)`);
        if (typeof sa.name !== 'string') problems.push(`${sp}.name: must be a string, got ${show(sa.name)}`);
        else if (sNames.has(sa.name)) problems.push(`${sp}.name: duplicate sample name '${sa.name}' in channel (also samples[${sNames.get(sa.name)}])`);
        else sNames.set(sa.name, si);
        checkNumbers(sa.data, `${sp}.data`, nb, si === 0 ? 'bins' : `bins (as samples[0] of this channel)`, problems);
        if (!Array.isArray(sa.modifiers)) { problems.push(`${sp}.modifiers: must be an array, got ${show(sa.modifiers)}`); return; }
        const seen = new Set<string>();
        sa.modifiers.forEach((m: unknown, mi) => {
          const mp = `${sp}.modifiers[${mi}]`;
          if (!isObj(m)) { problems.push(`${mp}: a modifier must be an object { type, name, data }, got ${show(m)}`); return; }
          if (typeof m.name !== 'string' || m.name === '') problems.push(`${mp}.name: must be a non-empty string, got ${show(m.name)}`);
          if (!(MODIFIER_TYPES as readonly unknown[]).includes(m.type)) {
            problems.push(`${mp}.type: unknown modifier type ${show(m.type)} (valid types: ${MODIFIER_TYPES.join(', ')})`);
            return;
          }
          const key = `${String(m.type)}/${String(m.name)}`;
          if (seen.has(key)) problems.push(`${mp}: ${m.type} '${String(m.name)}' appears twice in this sample`);
          seen.add(key);
          checkModifierData(m as Record<string, unknown> & { type: ModifierType }, mp, nb, settings, problems);
        });
      });
    });
  }
  if (s.parameters !== undefined) {
    if (!Array.isArray(s.parameters)) problems.push(`parameters: must be an array of parameter configs, got ${show(s.parameters)}`);
    else {
      const names = new Map<string, number>();
      s.parameters.forEach((p: unknown, pi) => {
        const pp = `parameters[${pi}]`;
        if (!isObj(p)) { problems.push(`${pp}: a parameter config must be an object { name, inits?, bounds?, fixed?, auxdata?, sigmas?, factors? }, got ${show(p)}`); return; }
        if (typeof p.name !== 'string') problems.push(`${pp}.name: must be a string, got ${show(p.name)}`);
        else if (names.has(p.name)) problems.push(`${pp}.name: several configs for parameter '${p.name}' (also parameters[${names.get(p.name)}])`);
        else names.set(p.name, pi);
        for (const [k, v] of Object.entries(p)) {
          if (k === 'name') continue;
          if (k === 'fixed') { if (typeof v !== 'boolean') problems.push(`${pp}.fixed: must be a boolean, got ${show(v)}`); continue; }
          if (k === 'bounds') {
            if (!Array.isArray(v) || v.length === 0 || !v.every((b) => Array.isArray(b) && b.length === 2 && isNum(b[0]) && isNum(b[1]) && b[0] <= b[1])) {
              problems.push(`${pp}.bounds: must be a non-empty array of [lo, hi] pairs with lo <= hi, got ${show(v)}`);
            }
            continue;
          }
          if (['inits', 'auxdata', 'sigmas', 'factors'].includes(k)) { checkNumbers(v, `${pp}.${k}`, -1, '', problems); continue; }
          problems.push(`${pp}.${k}: unknown property (valid: name, inits, bounds, fixed, auxdata, sigmas, factors)`);
        }
      });
    }
  }
  return settings;
}

function checkNumbers(v: unknown, path: string, n: number, what: string, problems: string[]): void {
  if (!Array.isArray(v) || v.length === 0) { problems.push(`${path}: must be a non-empty array of numbers, got ${show(v)}`); return; }
  const bad = v.findIndex((x) => !isNum(x));
  if (bad >= 0) problems.push(`${path}[${bad}]: must be a finite number, got ${show(v[bad])}`);
  if (n >= 0 && v.length !== n) problems.push(`${path}: has ${v.length} entries, expected ${n} ${what}`);
}

function checkModifierData(m: Record<string, unknown> & { type: ModifierType }, mp: string, nb: number, settings: Settings, problems: string[]): void {
  const d = m.data;
  switch (m.type) {
    case 'normfactor': case 'shapefactor': case 'lumi':
      if (d !== null && d !== undefined) problems.push(`${mp}.data: a ${m.type} takes no data (null), got ${show(d)}`);
      if (m.type === 'lumi' && m.name !== 'lumi') problems.push(`${mp}.name: a lumi modifier must be named 'lumi' (pyhf's schema), got ${show(m.name)}`);
      break;
    case 'normsys':
      if (!isObj(d) || !isNum(d.hi) || !isNum(d.lo)) problems.push(`${mp}.data: a normsys needs data { hi, lo } (numbers), got ${show(d)}`);
      else if ((settings.normsys === '1' || settings.normsys === '4') && !(d.hi > 0 && d.lo > 0)) {
        problems.push(`${mp}.data: normsys interpolation code ${settings.normsys} needs hi > 0 and lo > 0, got ${show(d)}`);
      }
      break;
    case 'histosys':
      if (!isObj(d)) problems.push(`${mp}.data: a histosys needs data { hi_data, lo_data } (one number per bin), got ${show(d)}`);
      else { checkNumbers(d.hi_data, `${mp}.data.hi_data`, nb, 'bins', problems); checkNumbers(d.lo_data, `${mp}.data.lo_data`, nb, 'bins', problems); }
      break;
    case 'shapesys': case 'staterror':
      checkNumbers(d, `${mp}.data`, nb, 'bins (absolute uncertainties per bin)', problems);
      if (Array.isArray(d) && d.some((x) => isNum(x) && x < 0)) problems.push(`${mp}.data: uncertainties must be >= 0, got ${show(d)}`);
      break;
  }
  for (const k of Object.keys(m)) if (k !== 'type' && k !== 'name' && k !== 'data') problems.push(`${mp}.${k}: unknown property (valid: type, name, data)`);
}

