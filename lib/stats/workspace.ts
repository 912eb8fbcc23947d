/**
 * pyhf workspaces (schema 1.0.0): channels, observations and measurements in one JSON document, as
 * analyses publish their likelihoods on HEPData, and patchsets, the JSON patches that turn the
 * background-only workspace into each signal hypothesis. A Workspace is immutable: patch, prune,
 * rename and combine return new ones (immer shares what they leave untouched).
 */
import { sequenceT } from 'fp-ts/lib/Apply.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { produce } from 'immer';
import { type HistFactoryModel, histfactory } from './histfactory.js';
import { type JsonPatchOp, applyJsonPatch } from './json-patch.js';
import {
  type Channel, type Checked, type ModifierSettings, type ModifierType, type ParameterConfig, SpecError, V,
  binsOf, check, checkAll, earlierTwins, fail, isArr, isNum, isObj, isStr, knownKeys, nameOf, orThrow, parseSpec, show,
} from './spec.js';

/** A channel's observed data (pyhf's `observations` entry `{ name, data }`). */
export interface Observation {
  /** The channel's name. */
  name: string;
  /** The observed event counts, one per bin of the channel. */
  data: number[];
}
/** A measurement (pyhf's `measurements` entry): a named choice of POI and parameter configs. */
export interface Measurement {
  /** The measurement's name (unique in the workspace). */
  name: string;
  /** pyhf's measurement `config`. */
  config: {
    /** The parameter of interest's name (pyhf's `poi`, e.g. 'mu'). */
    poi: string;
    /** Parameter configs (pyhf's `parameters`: inits, bounds, fixed, auxdata, sigmas, factors); a lumi modifier needs one. */
    parameters: ParameterConfig[];
  };
}
/** pyhf's workspace JSON. */
export interface WorkspaceSpec {
  /** The channels, as a HistFactory spec's (pyhf's `channels`). */
  channels: Channel[];
  /** The observed data, one per channel (pyhf's `observations`). */
  observations: Observation[];
  /** The measurements, at least one (pyhf's `measurements`). */
  measurements: Measurement[];
  /** The schema version: '1.0.0'. */
  version: string;
}

/** Options of `Workspace.model` (pyhf's `Workspace.model(measurement_name, modifier_settings, poi_name)`). */
export interface WorkspaceModelOptions {
  /** The measurement whose POI and parameter configs the model takes (default: the first). */
  measurementName?: string;
  /** Interpolation codes per modifier type (pyhf's modifier_settings). */
  modifierSettings?: ModifierSettings;
  /** Overrides the measurement's POI. */
  poiName?: string;
}

/** A workspace's or patchset's problems, all at once, each with its JSON path (a SpecError, as a model's). */
export class WorkspaceError extends SpecError {
  constructor(problems: readonly string[], heading: string) {
    super(problems);
    this.name = 'WorkspaceError';
    this.message = `${heading} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((q) => `  - ${q}`).join('\n')}`;
  }
}


// ---- Checks: spec.ts's small checks per JSON level, combined by applicative validation.

const WORKSPACE_KEYS = ['channels', 'observations', 'measurements', 'version'];

/**
 * A workspace document: its problems, or the document typed. Channels are parsed as a HistFactory
 * spec's; measurements' parameter configs are a spec's `parameters`, checked when a model is built.
 * The document itself is kept, not a parsed copy, so that a patched workspace shares every subtree
 * the patch leaves untouched with the one it came from (immer).
 */
function parseWorkspace(ws: unknown): Checked<WorkspaceSpec> {
  if (!isObj(ws)) return fail(`(root): a workspace is an object with channels, observations, measurements and version, got ${show(ws)}`);
  return pipe(
    sequenceT(V)(
      knownKeys(ws, '', WORKSPACE_KEYS),
      check(ws.version === '1.0.0', () => `version: expected '1.0.0' (pyhf's workspace schema), got ${show(ws.version)}`),
      parseSpec({ channels: ws.channels }),
      observationsCheck(ws.observations, channelBins(ws.channels)),
      measurementsCheck(ws.measurements),
    ),
    E.map(() => ws as unknown as WorkspaceSpec),
  );
}

/** Bins per channel name, as far as the channels tell (-1: unknown), so that observations are checked even when channels have problems. */
const channelBins = (channels: unknown): ReadonlyMap<string, number> =>
  new Map((isArr(channels) ? channels.filter(isObj) : []).map((c) => [String(c.name), binsOf(c.samples)]));

const isObservation = (o: unknown): o is Observation => isObj(o) && isStr(o.name) && isArr(o.data) && o.data.every(isNum);

/** `observations`: one per channel. */
function observationsCheck(v: unknown, bins: ReadonlyMap<string, number>): Checked<void> {
  if (!isArr(v)) return fail(`observations: expected a list of { name, data }, got ${show(v)}`);
  const names = v.map((o) => (isObservation(o) ? o.name : undefined));
  const twins = earlierTwins(names);
  return checkAll([
    ...v.map((o, i) => observationCheck(o, `observations[${i}]`, twins[i] !== undefined, bins)),
    ...[...bins.keys()].map((c) => check(names.includes(c), () => `observations: channel '${c}' has no observation`)),
  ]);
}

/** An observation { name, data } of a channel, with its bins (`repeated`: an earlier one has its name). */
function observationCheck(o: unknown, op: string, repeated: boolean, bins: ReadonlyMap<string, number>): Checked<void> {
  if (!isObservation(o)) return fail(`${op}: expected { name: string, data: number[] }, got ${show(o)}`);
  const n = bins.get(o.name);
  return checkAll([
    check(!repeated, () => `${op}.name: '${o.name}' is observed twice`),
    n === undefined
      ? fail(`${op}.name: no channel is called '${o.name}' (channels: ${[...bins.keys()].join(', ')})`)
      : check(n < 0 || o.data.length === n, () => `${op}.data: ${o.data.length} bins, but channel '${o.name}' has ${n}`),
  ]);
}

/** `measurements`: a non-empty list with distinct names. */
function measurementsCheck(v: unknown): Checked<void> {
  if (!isArr(v) || v.length === 0) return fail(`measurements: expected a non-empty list of { name, config: { poi, parameters } }, got ${show(v)}`);
  const twins = earlierTwins(v.map(nameOf));
  return checkAll(v.map((m, i) => measurementCheck(m, `measurements[${i}]`, twins[i] !== undefined)));
}

/** A measurement { name, config: { poi, parameters } } (`repeated`: an earlier one has its name). */
function measurementCheck(m: unknown, mp: string, repeated: boolean): Checked<void> {
  if (!isObj(m) || !isStr(m.name)) return fail(`${mp}: expected { name, config }, got ${show(m)}`);
  const c = m.config;
  return checkAll([
    !isObj(c) || !isStr(c.poi) ? fail(`${mp}.config.poi: expected the name of the parameter of interest, got ${show(isObj(c) ? c.poi : c)}`)
      : check(isArr(c.parameters), () => `${mp}.config.parameters: expected a list of parameter configs, got ${show(c.parameters)}`),
    check(!repeated, () => `${mp}.name: '${m.name}' is used twice`),
  ]);
}

/** An immutable pyhf workspace: build models and data from it, patch, prune, rename, combine. */
export class Workspace {
  /** The workspace's JSON, validated and frozen. */
  readonly spec: WorkspaceSpec;

  constructor(spec: unknown) {
    const parsed = orThrow(parseWorkspace(spec), (problems) => new WorkspaceError(problems, 'stats.workspace: invalid workspace'));
    // Frozen (immer freezes what produce returns): edits go through the methods below.
    this.spec = produce(parsed, () => {});
  }

  /** The channels' names, sorted (pyhf's `channels`). */
  get channelNames(): string[] { return this.spec.channels.map((c) => c.name).sort(); }
  /** The measurements' names, in the document's order. */
  get measurementNames(): string[] { return this.spec.measurements.map((m) => m.name); }
  /** Every sample's name, once, sorted (pyhf's `samples`). */
  get sampleNames(): string[] { return [...new Set(this.spec.channels.flatMap((c) => c.samples.map((s) => s.name)))].sort(); }
  /** Every modifier's name, once, sorted (pyhf's `modifiers`, without the types). */
  get modifierNames(): string[] { return [...new Set(this.spec.channels.flatMap((c) => c.samples.flatMap((s) => s.modifiers.map((m) => m.name))))].sort(); }

  /** The measurement named `name` (default: the first); throws if there is none of that name. */
  measurement(name?: string): Measurement {
    const ms = this.spec.measurements;
    const m = name === undefined ? ms[0] : ms.find((x) => x.name === name);
    if (!m) throw new Error(`stats.workspace: no measurement '${name}' (measurements: ${this.measurementNames.join(', ')})`);
    return m;
  }

  /** The HistFactory model of a measurement (its POI and parameter configs). */
  model(opts: WorkspaceModelOptions = {}): HistFactoryModel {
    const m = this.measurement(opts.measurementName);
    return histfactory({
      channels: this.spec.channels,
      poi: opts.poiName ?? m.config.poi,
      parameters: m.config.parameters,
      ...(opts.modifierSettings ? { modifierSettings: opts.modifierSettings } : {}),
    });
  }

  /** The observed main bins in the model's channel order, followed by its auxiliary data unless `includeAuxdata` is false. */
  data(model: HistFactoryModel, opts: { includeAuxdata?: boolean } = {}): number[] {
    const byName = new Map(this.spec.observations.map((o) => [o.name, o.data]));
    const main = model.channels.flatMap((c) => {
      const d = byName.get(c);
      if (!d) throw new Error(`stats.workspace.data: the model has channel '${c}', which this workspace does not observe`);
      return d;
    });
    return opts.includeAuxdata === false ? main : [...main, ...model.auxdata];
  }

  /** A new workspace with a JSON patch (RFC 6902) applied, e.g. one signal hypothesis of a patchset. */
  patch(ops: readonly JsonPatchOp[]): Workspace {
    return new Workspace(applyJsonPatch(this.spec, ops, 'stats.workspace.patch'));
  }

  /** A new workspace without the named modifiers, modifier types, samples, channels or measurements (pyhf's prune). */
  prune(what: { modifiers?: readonly string[]; modifierTypes?: readonly ModifierType[]; samples?: readonly string[]; channels?: readonly string[]; measurements?: readonly string[] }): Workspace {
    const has = (list: readonly string[] | undefined, v: string) => !!list?.includes(v);
    return new Workspace(produce(this.spec, (ws) => {
      ws.channels = ws.channels.filter((c) => !has(what.channels, c.name));
      ws.observations = ws.observations.filter((o) => !has(what.channels, o.name));
      ws.measurements = ws.measurements.filter((m) => !has(what.measurements, m.name));
      for (const c of ws.channels) {
        c.samples = c.samples.filter((s) => !has(what.samples, s.name));
        for (const s of c.samples) s.modifiers = s.modifiers.filter((m) => !has(what.modifiers, m.name) && !what.modifierTypes?.includes(m.type));
      }
      const gone = new Set([...(what.modifiers ?? [])]);
      for (const m of ws.measurements) m.config.parameters = m.config.parameters.filter((p) => !gone.has(p.name));
    }));
  }

  /** A new workspace with modifiers, samples, channels or measurements renamed (pyhf's rename). */
  rename(maps: { modifiers?: Record<string, string>; samples?: Record<string, string>; channels?: Record<string, string>; measurements?: Record<string, string> }): Workspace {
    const to = (m: Record<string, string> | undefined, v: string) => m?.[v] ?? v;
    return new Workspace(produce(this.spec, (ws) => {
      for (const c of ws.channels) {
        c.name = to(maps.channels, c.name);
        for (const s of c.samples) {
          s.name = to(maps.samples, s.name);
          for (const m of s.modifiers) m.name = to(maps.modifiers, m.name);
        }
      }
      for (const o of ws.observations) o.name = to(maps.channels, o.name);
      for (const m of ws.measurements) {
        m.name = to(maps.measurements, m.name);
        m.config.poi = to(maps.modifiers, m.config.poi);
        for (const p of m.config.parameters) p.name = to(maps.modifiers, p.name);
      }
    }));
  }

  /**
   * Two workspaces as one (pyhf's combine with join 'none'): their channels must differ; a
   * measurement present in both must agree in POI, and the parameter configs are merged.
   */
  static combine(a: Workspace, b: Workspace): Workspace {
    const clash = a.channelNames.filter((c) => b.channelNames.includes(c));
    if (clash.length) throw new Error(`stats.Workspace.combine: both workspaces have channel(s) ${clash.join(', ')}; rename them first (ws.rename({ channels: { ... } }))`);
    const measurements: Measurement[] = a.spec.measurements.map((m) => {
      const o = b.spec.measurements.find((x) => x.name === m.name);
      if (!o) return m;
      if (o.config.poi !== m.config.poi) throw new Error(`stats.Workspace.combine: measurement '${m.name}' has POI '${m.config.poi}' in one workspace and '${o.config.poi}' in the other`);
      const names = new Set(m.config.parameters.map((p) => p.name));
      return { name: m.name, config: { poi: m.config.poi, parameters: [...m.config.parameters, ...o.config.parameters.filter((p) => !names.has(p.name))] } };
    });
    for (const o of b.spec.measurements) if (!measurements.some((m) => m.name === o.name)) measurements.push(o);
    return new Workspace({
      version: a.spec.version,
      channels: [...a.spec.channels, ...b.spec.channels],
      observations: [...a.spec.observations, ...b.spec.observations],
      measurements,
    });
  }
}

/** A pyhf workspace from its JSON (an object or a string), validated: every problem is reported at once, with its JSON path. */
export function workspace(json: unknown): Workspace {
  return new Workspace(typeof json === 'string' ? JSON.parse(json) : json);
}

/** pyhf's patchset JSON, as HEPData publishes signal hypotheses. */
export interface PatchsetSpec {
  /** The patchset's metadata. */
  metadata: {
    /** The analysis' name. */
    name?: string;
    /** A description of the patchset. */
    description?: string;
    /** The names of the values that label each patch (e.g. ['m_stop', 'm_lsp']). */
    labels: string[];
    /** Digests of the background-only workspace the patches apply to (e.g. { sha256: ... }). */
    digests?: Record<string, string>;
    /** References, e.g. { hepdata: 'ins1234567' }. */
    references?: Record<string, string>;
  };
  /** One patch per signal hypothesis. */
  patches: {
    /** The patch's name and label values. */
    metadata: {
      /** The patch's name (unique), e.g. 'C1N2_Wh_hbb_300_0'. */
      name: string;
      /** Its values of the labels, in `labels` order (e.g. masses in GeV). */
      values: number[];
    };
    /** The JSON patch (RFC 6902) that turns the background-only workspace into this hypothesis. */
    patch: JsonPatchOp[];
  }[];
  /** The schema version. */
  version: string;
}

/** A patch's shape: { metadata: { name, values }, patch: [...] }. */
const isPatch = (p: unknown): p is { metadata: { name: string; values: readonly unknown[] }; patch: readonly unknown[] } =>
  isObj(p) && isObj(p.metadata) && isStr(p.metadata.name) && isArr(p.metadata.values) && isArr(p.patch);

/** A patchset document: its problems, or the document typed (its patches' ops are checked when applied). */
function parsePatchset(ps: unknown): Checked<PatchsetSpec> {
  if (!isObj(ps)) return fail(`(root): a patchset is an object with metadata, patches and version, got ${show(ps)}`);
  const labels = isObj(ps.metadata) && isArr(ps.metadata.labels) ? E.right(ps.metadata.labels.length)
    : fail(`metadata.labels: expected the names of the values that label each patch, got ${show(isObj(ps.metadata) ? ps.metadata.labels : ps.metadata)}`);
  return pipe(
    sequenceT(V)(labels, patchesCheck(ps.patches, pipe(labels, E.getOrElse(() => -1)))),
    E.map(() => ps as unknown as PatchsetSpec),
  );
}

/** `patches`: distinctly named, each with one value per label (`labels`: how many, -1 when unknown). */
function patchesCheck(v: unknown, labels: number): Checked<void> {
  if (!isArr(v)) return fail(`patches: expected a list of { metadata: { name, values }, patch }, got ${show(v)}`);
  const twins = earlierTwins(v.map((p) => (isPatch(p) ? p.metadata.name : undefined)));
  return checkAll(v.map((p, i) => patchCheck(p, `patches[${i}]`, twins[i] !== undefined, labels)));
}

/** A patch { metadata: { name, values }, patch } (`repeated`: an earlier one has its name). */
function patchCheck(p: unknown, pp: string, repeated: boolean, labels: number): Checked<void> {
  if (!isPatch(p)) return fail(`${pp}: expected { metadata: { name, values }, patch: [...] }, got ${show(p)}`);
  const { name, values } = p.metadata;
  return checkAll([
    check(!repeated, () => `${pp}.metadata.name: '${name}' is used twice`),
    check(labels < 0 || values.length === labels, () => `${pp}.metadata.values: ${values.length} values for ${labels} labels`),
  ]);
}

/** A HEPData patchset: one named patch per signal hypothesis, each labelled by its parameter values. */
export class Patchset {
  /** The patchset's JSON, validated and frozen. */
  readonly spec: PatchsetSpec;
  constructor(spec: unknown) {
    const parsed = orThrow(parsePatchset(spec), (problems) => new WorkspaceError(problems, 'stats.patchset: invalid patchset'));
    this.spec = produce(parsed, () => {});
  }

  /** The patches' names, in the document's order. */
  get names(): string[] { return this.spec.patches.map((p) => p.metadata.name); }
  /** The names of the values that label the patches (`metadata.labels`, e.g. ['m_stop', 'm_lsp']). */
  get labels(): string[] { return this.spec.metadata.labels; }
  /** Each patch's label values, in `names` order. */
  get values(): number[][] { return this.spec.patches.map((p) => p.metadata.values); }

  /** The patch named `key`, or labelled by the values `key`. */
  patch(key: string | readonly number[]): readonly JsonPatchOp[] {
    const p = typeof key === 'string' ? this.spec.patches.find((x) => x.metadata.name === key)
      : this.spec.patches.find((x) => x.metadata.values.length === key.length && x.metadata.values.every((v, i) => v === key[i]));
    if (!p) throw new Error(`stats.patchset: no patch ${typeof key === 'string' ? `named '${key}'` : `with values [${key.join(', ')}]`} (patches: ${this.names.slice(0, 10).join(', ')}${this.names.length > 10 ? ', ...' : ''})`);
    return p.patch;
  }

  /** The workspace of one signal hypothesis. */
  apply(ws: Workspace, key: string | readonly number[]): Workspace {
    return ws.patch(this.patch(key));
  }
}

/** A HEPData patchset from its JSON (an object or a string), validated. */
export function patchset(json: unknown): Patchset {
  return new Patchset(typeof json === 'string' ? JSON.parse(json) : json);
}
