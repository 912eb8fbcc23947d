/**
 * The HistFactory model builder against pyhf. Reference numbers: tests/fixtures/pyhf/*.json,
 * written by tests/fixtures/pyhf/generate.py with pyhf at commit b3dc4bb20a5ee8495718bba1efaa86e9f9fce074
 * (scikit-hep/pyhf main, 2026-08-14; numpy backend, float64). The fixtures carry the spec, pyhf's
 * par_order, par_names, auxdata, suggested init/bounds/fixed, and expected_data, expected_auxdata
 * and logpdf at the init and three random points, plus pyhf.interpolators' codes 0, 1, 2, 4 and 4p
 * on a grid of α in [-2, 2].
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grad, hessian, jit, makeJaxpr, np, stats } from '../lib/index.js';

const { interpolate, MODIFIER_TYPES, SpecError } = stats;
type InterpCode = stats.InterpCode;

const here = dirname(fileURLToPath(import.meta.url));
const load = (f: string) => JSON.parse(readFileSync(join(here, 'fixtures', 'pyhf', f), 'utf8'));
interface Fixture {
  name: string; spec: stats.HistFactorySpec; modifierSettings: { normsys: { interpcode: string }; histosys: { interpcode: string } };
  data: number[]; par_order: string[]; par_names: string[]; auxdata: number[]; channels: string[];
  inits: number[]; bounds: [number, number][]; fixed: boolean[]; poi_index: number;
  points: number[][]; expected_data: number[][]; expected_aux: number[][]; logpdf: number[];
}
const models = load('models.json').models as Fixture[];
const interp = load('interpolation.json') as { alphas: number[]; histosets: number[][][][]; codes: Record<string, number[][]> };

const F64 = { dtype: 'float64' } as const;
const arr = (v: number[]) => np.array(v, F64);
const vec = (x: np.Array) => x.js() as number[];
const num = (x: np.Array) => x.item() as number;
const close = (got: number[], want: number[], tol: number, what: string) => {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `${what}[${i}]: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
};
const build = (f: Fixture) => stats.histfactory({ ...f.spec, modifierSettings: f.modifierSettings });

describe('histfactory vs pyhf (cpu, float64)', () => {
  it('the fixtures cover every modifier type and every interpolation code of the model', () => {
    const types = new Set(models.flatMap((f) => f.spec.channels.flatMap((c) => c.samples.flatMap((s) => s.modifiers.map((m) => m.type)))));
    expect([...types].sort()).toEqual([...MODIFIER_TYPES].sort());
    const codes = new Set(models.flatMap((f) => [`normsys ${f.modifierSettings.normsys.interpcode}`, `histosys ${f.modifierSettings.histosys.interpcode}`]));
    for (const c of ['normsys code1', 'normsys code4', 'histosys code0', 'histosys code2', 'histosys code4p']) expect(codes.has(c), c).toBe(true);
  });

  for (const f of models) {
    describe(f.name, () => {
      const m = build(f);
      const full = [...f.data, ...f.auxdata];
      it('parameter order, names, auxdata, inits, bounds, fixed, channels as pyhf', () => {
        const P = m.parameters;
        expect(P.sets.map((s) => s.name)).toEqual(f.par_order);
        expect(P.names).toEqual(f.par_names);
        expect(m.channels).toEqual(f.channels);
        close(m.auxdata, f.auxdata, 1e-14, 'auxdata');
        expect(m.nAux).toBe(f.auxdata.length);
        expect(m.nMain).toBe(f.data.length);
        close(P.init, f.inits, 0, 'inits');
        close(P.bounds.flat(), f.bounds.flat(), 0, 'bounds');
        expect(P.fixed).toEqual(f.fixed);
        expect(P.poiIndex).toBe(f.poi_index);
        expect(P.poi).toBe('mu');
      });
      it('expected data, expected auxdata and logpdf at the init and at random points', () => {
        f.points.forEach((p, k) => {
          close(vec(m.expectedData(arr(p))), f.expected_data[k], 1e-13, `expectedData point ${k}`);
          close(vec(m.expectedAuxdata(arr(p))), f.expected_aux[k], 1e-13, `expectedAuxdata point ${k}`);
          close([num(m.logpdf(arr(p), arr(full)))], [f.logpdf[k]], 1e-12, `logpdf point ${k}`);
          close(vec(m.expectedFull(arr(p))), [...f.expected_data[k], ...f.expected_aux[k]], 1e-13, `expectedFull point ${k}`);
        });
        // Main data only: the model's own auxdata are used.
        close([num(m.logpdf(arr(f.points[1]), arr(f.data)))], [f.logpdf[1]], 1e-12, 'logpdf with main data');
        close([num(jit((p: np.Array, d: np.Array) => m.logpdf(p, d))(arr(f.points[2]), arr(full)))], [f.logpdf[2]], 1e-12, 'jit logpdf');
      });
      it('gradient and Hessian of the NLL against central differences', () => {
        const p0 = f.points[1];
        const nll = (p: np.Array) => m.nll(p, arr(full));
        const g = vec(jit(grad(nll))(arr(p0)));
        const H = (jit(hessian(nll))(arr(p0)).js() as number[][]);
        const h = 1e-5;
        for (let i = 0; i < p0.length; i++) {
          const up = [...p0], dn = [...p0];
          up[i] += h; dn[i] -= h;
          const fd = (num(nll(arr(up))) - num(nll(arr(dn)))) / (2 * h);
          expect(Math.abs(g[i] - fd), `${f.par_names[i]}: ${g[i]} vs ${fd}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
          const gu = vec(grad(nll)(arr(up))), gd = vec(grad(nll)(arr(dn)));
          for (let j = 0; j < p0.length; j++) {
            const fdh = (gu[j] - gd[j]) / (2 * h);
            expect(Math.abs(H[i][j] - fdh), `H[${i}][${j}]: ${H[i][j]} vs ${fdh}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fdh)));
          }
        }
      });
    });
  }

  it('interpolation codes 0, 1, 2, 4, 4p match pyhf.interpolators on α in [-2, 2]', () => {
    const alphas = arr(interp.alphas);
    for (const [code, table] of Object.entries(interp.codes)) {
      interp.histosets[0].forEach(([[lo], [nom], [hi]], h) => {
        const n = interp.alphas.length;
        const got = vec(interpolate(code as InterpCode, alphas, Array(n).fill(lo), Array(n).fill(nom), Array(n).fill(hi)));
        close(got, table[h], 1e-13, `code ${code}, histoset ${h}`);
      });
    }
    // The normsys form (relative hi, lo; nominal 1) of codes 1 and 4.
    const [[lo], , [hi]] = interp.histosets[0][0];
    close(vec(stats.interpCode1(alphas, hi, lo)), interp.codes['1'][0], 1e-14, 'interpCode1');
    close(vec(stats.interpCode4(alphas, hi, lo)), interp.codes['4'][0], 1e-14, 'interpCode4');
  });

  it('normsys with every code: nominal × (factor of code 1, 4) or nominal × (1 + shift of code 0, 2), as pyhf.interpolators', () => {
    // interp.histosets[0][0] is [lo, nom, hi] = [0.8, 1, 1.15]: a relative variation, as a normsys carries.
    const [[lo], , [hi]] = interp.histosets[0][0];
    for (const code of ['0', '1', '2', '4'] as const) {
      const m = stats.histfactory({ modifierSettings: { normsys: { interpcode: code } }, channels: [{ name: 'c', samples: [
        { name: 's', data: [10], modifiers: [{ type: 'normsys', name: 'n', data: { hi, lo } }] }] }] });
      const got = interp.alphas.map((a) => num(m.expectedData(arr([a])).reshape([])));
      const want = interp.codes[code][0].map((v) => 10 * (code === '1' || code === '4' ? v : 1 + v));
      close(got, want, 1e-13, `normsys code ${code}`);
    }
  });
});

describe('histfactory structure', () => {
  const big = (nb: number) => stats.histfactory({
    channels: ['c', 'a', 'b'].map((name, ci) => ({
      name,
      samples: [
        { name: 'sig', data: globalThis.Array.from({ length: nb }, (_, i) => 1 + ((i * 7 + ci) % 5)), modifiers: [{ type: 'normfactor' as const, name: 'mu' }, { type: 'lumi' as const, name: 'lumi' }] },
        {
          name: 'bkg', data: globalThis.Array.from({ length: nb }, (_, i) => 50 + ((i * 3 + ci) % 11)), modifiers: [
            { type: 'shapesys' as const, name: `shape_${name}`, data: globalThis.Array.from({ length: nb }, (_, i) => 2 + (i % 3)) },
            { type: 'normsys' as const, name: 'bkg_norm', data: { hi: 1.05, lo: 0.94 } },
            { type: 'histosys' as const, name: 'jes', data: { hi_data: globalThis.Array.from({ length: nb }, (_, i) => 52 + ((i * 3 + ci) % 11)), lo_data: globalThis.Array.from({ length: nb }, (_, i) => 49 + ((i * 3 + ci) % 11)) } },
            { type: 'staterror' as const, name: `stat_${name}`, data: globalThis.Array.from({ length: nb }, () => 1) },
          ],
        },
      ],
    })),
    parameters: [{ name: 'lumi', auxdata: [1], sigmas: [0.02], bounds: [[0.5, 1.5]] }],
  });

  it('the traced NLL has the same number of steps for 10 and 100 bins per channel', () => {
    const steps = (nb: number) => {
      const m = big(nb);
      return makeJaxpr((p: np.Array, d: np.Array) => m.nll(p, d))(arr(m.parameters.init), arr(m.fullData(vec(m.expectedData(arr(m.parameters.init)))))).jaxpr.eqns.length;
    };
    // Large gathers are slices of runs, small ones one-hot products (a step or two apart): the
    // count depends on which, never on the number of bins.
    const [s10, s100, s400] = [steps(10), steps(100), steps(400)];
    expect(s400).toBe(s100);
    expect(Math.abs(s100 - s10)).toBeLessThanOrEqual(8);
    expect(s10).toBeLessThan(150);
  });

  it('per-channel per-bin sets follow pyhf (channels by name; staterror by name; shapesys in first-met order)', () => {
    const m = big(2);
    expect(m.channels).toEqual(['a', 'b', 'c']);
    expect(m.parameters.sets.map((s) => s.name)).toEqual(['jes', 'lumi', 'mu', 'bkg_norm', 'shape_a', 'shape_b', 'shape_c', 'stat_a', 'stat_b', 'stat_c']);
    expect(m.parameters.names.slice(0, 6)).toEqual(['jes', 'lumi', 'mu', 'bkg_norm', 'shape_a[0]', 'shape_a[1]']);
  });

  it('accepts the legacy interpolation option as the normsys code', () => {
    const spec = (o: object) => stats.histfactory({ ...o, channels: [{ name: 'c', samples: [{ name: 's', data: [10], modifiers: [{ type: 'normsys', name: 'n', data: { hi: 1.2, lo: 0.7 } }] }] }] });
    const at = (o: object) => num(spec(o).expectedData(arr([1.5])).reshape([]));
    expect(at({ interpolation: 'code1' })).toBeCloseTo(10 * 1.2 ** 1.5, 12);
    expect(at({ interpolation: 'code1' })).toBe(at({ modifierSettings: { normsys: { interpcode: 'code1' } } }));
    expect(at({})).toBe(at({ modifierSettings: { normsys: { interpcode: 4 } } }));
  });

  it('settings replace the default codes as a whole, as pyhf\'s modifier_settings: a type left out takes its modifier\'s own default (normsys 1, histosys 0)', () => {
    const spec = (o: object) => stats.histfactory({ ...o, channels: [{ name: 'c', samples: [{ name: 's', data: [50], modifiers: [
      { type: 'normsys', name: 'n', data: { hi: 1.2, lo: 0.7 } }, { type: 'histosys', name: 'h', data: { hi_data: [60], lo_data: [45] } }] }] }] });
    // parameters in pyhf's order: h (histosys), n (normsys)
    const at = (o: object, h: number, n: number) => num(spec(o).expectedData(arr([h, n])).reshape([]));
    const code = (normsys: string, histosys: string) => ({ modifierSettings: { normsys: { interpcode: normsys }, histosys: { interpcode: histosys } } });
    // histosys at α = -0.5 alone: code 0 is linear, 50 - 0.5 * 5 = 47.5 (pyhf gives 47.5 here)
    expect(at({ modifierSettings: { normsys: { interpcode: '4' } } }, -0.5, 0)).toBeCloseTo(47.5, 12);
    expect(at({ modifierSettings: { normsys: { interpcode: '4' } } }, -0.5, 0)).toBe(at(code('4', '0'), -0.5, 0));
    expect(at({}, -0.5, 0)).toBe(at(code('4', '4p'), -0.5, 0));
    expect(at({}, -0.5, 0)).not.toBeCloseTo(47.5, 3);
    // normsys at α = 1.5 alone: code 1 is 50 · 1.2^1.5
    expect(at({ modifierSettings: { histosys: { interpcode: '4p' } } }, 0, 1.5)).toBeCloseTo(50 * 1.2 ** 1.5, 11);
    expect(at({ modifierSettings: { histosys: { interpcode: '4p' } } }, 0, 1.5)).toBe(at(code('1', '4p'), 0, 1.5));
    expect(at({ interpolation: 'code4', modifierSettings: { histosys: { interpcode: '4p' } } }, 0, 1.5)).toBe(at(code('4', '4p'), 0, 1.5));
  });
});

describe('histfactory spec errors', () => {
  const ok = { name: 's', data: [1, 2], modifiers: [{ type: 'normfactor', name: 'mu', data: null }] };
  const fail = (spec: unknown): string => {
    try { stats.histfactory(spec as stats.HistFactorySpec); } catch (e) { expect(e).toBeInstanceOf(SpecError); return (e as Error).message; }
    throw new Error('expected a SpecError');
  };

  it('an unknown modifier type names its path and the valid types', () => {
    const msg = fail({ channels: [{ name: 'c', samples: [ok, { name: 'b', data: [1, 2], modifiers: [{ type: 'normfactor', name: 'k' }, { type: 'histosyst', name: 'x', data: null }] }] }] });
    expect(msg).toContain("channels[0].samples[1].modifiers[1].type: unknown modifier type \"histosyst\" (valid types: histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror)");
  });

  it('wrong bin counts name the JSON path', () => {
    const msg = fail({ channels: [{ name: 'c', samples: [ok, { name: 'b', data: [1, 2, 3], modifiers: [
      { type: 'histosys', name: 'h', data: { hi_data: [1, 2], lo_data: [1] } }, { type: 'staterror', name: 'st', data: [1, 2, 3] }] }] }] });
    expect(msg).toContain('channels[0].samples[1].data: has 3 entries, expected 2 bins (as samples[0] of this channel)');
    expect(msg).toContain('channels[0].samples[1].modifiers[0].data.lo_data: has 1 entries, expected 2 bins');
    expect(msg).toContain('channels[0].samples[1].modifiers[1].data: has 3 entries, expected 2 bins');
  });

  it('reports every problem of a spec at once', () => {
    const msg = fail({
      channels: [
        { name: 'sr', samples: [ok, { name: 'b', data: [5, 6], modifiers: [
          { type: 'normsys', name: 'n', data: { hi: 1.1 } },
          { type: 'shapesys', name: 'u', data: [1, -1] },
          { type: 'bogus', name: 'x', data: null }] }] },
        { name: 'sr', samples: [] },
        { name: 'cr', samples: [{ name: 'b', data: [5], modifiers: [{ type: 'lumi', name: 'luminosity', data: null }] }] },
      ],
      modifierSettings: { histosys: { interpcode: '1' } },
      parameters: [{ name: 'mu', bounds: [[2, 1]] }, { name: 'mu', inits: [1] }],
    });
    const lines = msg.split('\n').slice(1);
    expect(msg).toMatch(/^histfactory: invalid specification \(\d+ problems\):/);
    for (const want of [
      "modifierSettings.histosys.interpcode: unknown interpolation code \"1\" for histosys (valid: '0', '2', '4p')",
      'channels[0].samples[1].modifiers[0].data: a normsys needs data { hi, lo } (numbers), got {"hi":1.1}',
      'channels[0].samples[1].modifiers[1].data: uncertainties must be >= 0',
      'channels[0].samples[1].modifiers[2].type: unknown modifier type "bogus"',
      "channels[1].name: duplicate channel name 'sr' (also channels[0])",
      'channels[1].samples: must be a non-empty array of samples',
      "channels[2].samples[0].modifiers[0].name: a lumi modifier must be named 'lumi'",
      'parameters[0].bounds: must be a non-empty array of [lo, hi] pairs with lo <= hi',
      "parameters[1].name: several configs for parameter 'mu' (also parameters[0])",
    ]) expect(lines.some((l) => l.includes(want)), `missing: ${want}\n${msg}`).toBe(true);
    expect(lines.length).toBe(9);
  });

  it('model-level problems: name reuse, shared shapesys, lumi config, config lengths, poi', () => {
    const msg = fail({
      channels: [
        { name: 'a', samples: [
          { name: 's', data: [1, 2], modifiers: [{ type: 'normfactor', name: 'mu' }, { type: 'lumi', name: 'lumi' }, { type: 'shapesys', name: 'u', data: [1, 1] }] },
          { name: 't', data: [3, 4], modifiers: [{ type: 'normsys', name: 'mu', data: { hi: 1.1, lo: 0.9 } }, { type: 'shapesys', name: 'u', data: [1, 1] }] }] },
      ],
      parameters: [{ name: 'u', inits: [1], sigmas: [1, 1] }],
      poi: 'nope',
    });
    expect(msg).toContain("channels[0].samples[1].modifiers[0]: 'mu' is a normsys here but a normfactor at channels[0].samples[0].modifiers[0]");
    expect(msg).toContain("channels[0].samples[1].modifiers[1]: shapesys 'u' is already used at channels[0].samples[0].modifiers[2]");
    expect(msg).toContain("parameters: the lumi parameter needs a config { name: 'lumi', auxdata: [value], sigmas: [σ] }");
    expect(msg).toContain('parameters[0].sigmas: a shapesys parameter does not use sigmas');
    expect(msg).toContain("parameters[0].inits: has 1 entries, expected 2 (the size of shapesys 'u')");
    expect(msg).toContain("poi: 'nope' is not a parameter of the model");
  });

  it('a normsys and a histosys of the same name share one α (pyhf)', () => {
    const m = stats.histfactory({ channels: [{ name: 'c', samples: [
      { name: 's', data: [10, 20], modifiers: [{ type: 'normsys', name: 'jes', data: { hi: 1.1, lo: 0.9 } }, { type: 'histosys', name: 'jes', data: { hi_data: [11, 22], lo_data: [9, 19] } }] }] }] });
    expect(m.parameters.names).toEqual(['jes']);
    expect(m.auxdata).toEqual([0]);
  });
});

describe('a shapefactor shared across channels', () => {
  it('scales bin i of each channel by one factor (pyhf), and needs equal bin counts', () => {
    const bad = { channels: [
      { name: 'a', samples: [{ name: 's', data: [1, 2], modifiers: [{ name: 'sf', type: 'shapefactor', data: null }] }] },
      { name: 'b', samples: [{ name: 's', data: [1, 2, 3], modifiers: [{ name: 'sf', type: 'shapefactor', data: null }] }] },
    ] } as stats.HistFactorySpec;
    expect(() => stats.histfactory(bad)).toThrow(/channels\[1\]\.samples\[0\]\.modifiers\[0\]: shapefactor 'sf' is shared by channels of different bin counts \('a': 2, 'b': 3\)/);
  });
});
