/**
 * Spec validation as applicative validation (lib/stats/spec.ts, workspace.ts): independent problems
 * across channels, samples, modifiers and parameter configs are reported together, each with its
 * JSON path, in document order; a problem that makes later checks meaningless (a list that is not a
 * list, an unknown modifier type, a sample that is not an object) reports only itself, while its
 * independent siblings are still checked. The public errors carry plain string lists.
 */
import { describe, expect, it } from 'vitest';
import { stats } from '../lib/index.js';

/** The problems of the SpecError (or WorkspaceError) that `f` throws. */
function problemsOf(f: () => unknown): readonly string[] {
  try { f(); } catch (e) {
    expect(e).toBeInstanceOf(stats.SpecError);
    const { problems } = e as InstanceType<typeof stats.SpecError>;
    expect(Array.isArray(problems)).toBe(true);
    return problems;
  }
  throw new Error('expected a SpecError');
}
const hf = (spec: unknown) => problemsOf(() => stats.histfactory(spec as stats.HistFactorySpec));

describe('histfactory spec validation', () => {
  it('reports every independent problem at once, in document order', () => {
    const problems = hf({
      channels: [
        { name: 'sr', samples: [
          { name: 'sig', data: [1, 2], modifiers: [{ type: 'normfactor', name: 'mu', data: [1] }] },
          { name: 'bkg', data: [1, 'x'], modifiers: [
            { type: 'normsys', name: 'ns', data: { hi: -1, lo: 0.9 } },
            { type: 'histosys', name: 'hs', data: { hi_data: [1], lo_data: [1, 2] } },
            { type: 'staterror', name: 'st', data: [1, -2] },
            { type: 'staterror', name: 'st', data: [1, 2] },
          ] },
          { name: 'bkg', data: [3, 4], modifiers: [], color: 'red' },
        ] },
        { name: 'cr', samples: [{ name: 'bkg', data: [5], modifiers: [{ type: 'lumi', name: 'lumi', data: null, extra: 1 }] }] },
        { name: 'sr', samples: [] },
      ],
      parameters: [{ name: 'mu', bounds: [[1, 0]] }, { name: 'ns', fixed: 'yes', inits: [] }, { name: 'mu' }],
      poi: 3,
    });
    expect(problems).toEqual([
      'poi: must be a parameter name, got 3',
      'channels[0].samples[0].modifiers[0].data: a normfactor takes no data (null), got [1]',
      'channels[0].samples[1].data[1]: must be a finite number, got "x"',
      'channels[0].samples[1].modifiers[0].data: normsys interpolation code 4 needs hi > 0 and lo > 0, got {"hi":-1,"lo":0.9}',
      'channels[0].samples[1].modifiers[1].data.hi_data: has 1 entries, expected 2 bins',
      'channels[0].samples[1].modifiers[2].data: uncertainties must be >= 0, got [1,-2]',
      "channels[0].samples[1].modifiers[3]: staterror 'st' appears twice in this sample",
      'channels[0].samples[2].color: unknown property (valid: name, data, modifiers)',
      "channels[0].samples[2].name: duplicate sample name 'bkg' in channel (also samples[1])",
      'channels[1].samples[0].modifiers[0].extra: unknown property (valid: type, name, data)',
      "channels[2].name: duplicate channel name 'sr' (also channels[0])",
      'channels[2].samples: must be a non-empty array of samples, got []',
      'parameters[0].bounds: must be a non-empty array of [lo, hi] pairs with lo <= hi, got [[1,0]]',
      'parameters[1].fixed: must be a boolean, got "yes"',
      'parameters[1].inits: must be a non-empty array of numbers, got []',
      "parameters[2].name: several configs for parameter 'mu' (also parameters[0])",
    ]);
    expect(() => stats.histfactory({ channels: [] })).toThrow(/^histfactory: invalid specification \(1 problem\):\n {2}- channels: must be a non-empty array/);
  });

  it('a problem that later checks depend on reports only itself', () => {
    // Channels that are not a list: nothing inside them can be checked.
    expect(hf({ channels: 'sr' })).toEqual(['channels: must be a non-empty array of channels, got "sr"']);
    // ...but independent parts of the spec still are.
    expect(hf({ channels: { name: 'sr' }, parameters: [{ name: 'mu', fixed: 1 }] })).toEqual([
      'channels: must be a non-empty array of channels, got {"name":"sr"}',
      'parameters[0].fixed: must be a boolean, got 1',
    ]);
    // An unknown modifier type leaves its data and properties unchecked; a sample that is not an
    // object hides nothing of its siblings.
    expect(hf({ channels: [{ name: 'c', samples: [
      { name: 's', data: [1], modifiers: [{ type: 'histosyst', name: 'x', data: 7, extra: 1 }, { type: 'normsys', name: 'x', data: null }] },
      'oops',
    ] }] })).toEqual([
      'channels[0].samples[0].modifiers[0].type: unknown modifier type "histosyst" (valid types: histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror)',
      'channels[0].samples[0].modifiers[1].data: a normsys needs data { hi, lo } (numbers), got null',
      'channels[0].samples[1]: a sample must be an object { name, data, modifiers }, got "oops"',
    ]);
    // Without a valid normsys code the hi/lo positivity its interpolation needs is left out.
    const normsys = { name: 'c', samples: [{ name: 's', data: [1], modifiers: [{ type: 'normsys', name: 'n', data: { hi: -1, lo: 0.5 } }] }] };
    expect(hf({ channels: [normsys], modifierSettings: { normsys: { interpcode: 'x' } } })).toEqual([
      "modifierSettings.normsys.interpcode: unknown interpolation code \"x\" for normsys (valid: '0', '1', '2', '4')",
    ]);
    expect(() => stats.histfactory({ channels: [normsys] as stats.Channel[], modifierSettings: { normsys: { interpcode: '0' } } })).not.toThrow();
  });

  it('model-level problems come once the spec itself is valid', () => {
    const spec = { channels: [{ name: 'c', samples: [
      { name: 's', data: [1], modifiers: [{ type: 'normfactor', name: 'k', data: null }, { type: 'shapesys', name: 'u', data: [1] }] },
      { name: 't', data: [2], modifiers: [{ type: 'normsys', name: 'k', data: { hi: 1.1, lo: 0.9 } }, { type: 'shapesys', name: 'u', data: [1] }] },
    ] }], parameters: [{ name: 'u', sigmas: [1] }], poi: 'nope' };
    expect(hf(spec)).toEqual([
      "channels[0].samples[1].modifiers[0]: 'k' is a normsys here but a normfactor at channels[0].samples[0].modifiers[0]; use distinct names for different modifier types",
      "channels[0].samples[1].modifiers[1]: shapesys 'u' is already used at channels[0].samples[0].modifiers[1]; a shapesys cannot be shared (pyhf), give each its own name",
      'parameters[0].sigmas: a shapesys parameter does not use sigmas',
      "poi: 'nope' is not a parameter of the model (parameters: k, u)",
    ]);
    // A structural problem stops before the model is laid out: only it is reported.
    expect(hf({ ...spec, parameters: 'u' })).toEqual(['parameters: must be an array of parameter configs, got "u"']);
  });
});

describe('workspace and patchset validation', () => {
  const channel = { name: 'sr', samples: [{ name: 'b', data: [1, 2], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] }] };

  it('reports the channels, observations and measurements problems together', () => {
    const problems = problemsOf(() => stats.workspace({
      channels: [channel, { name: 'cr', samples: [{ name: 'b', data: [1], modifiers: [{ name: 'x', type: 'shapesyst', data: [1] }] }] }],
      observations: [{ name: 'sr', data: [1] }, { name: 'vr', data: [1] }, { name: 'sr', data: [1, 2] }],
      measurements: [{ name: 'm', config: { poi: 1, parameters: [] } }, { name: 'm', config: { poi: 'mu' } }],
      version: '2.0.0',
    }));
    expect(problems).toEqual([
      "version: expected '1.0.0' (pyhf's workspace schema), got \"2.0.0\"",
      'channels[1].samples[0].modifiers[0].type: unknown modifier type "shapesyst" (valid types: histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror)',
      "observations[0].data: 1 bins, but channel 'sr' has 2",
      "observations[1].name: no channel is called 'vr' (channels: sr, cr)",
      "observations[2].name: 'sr' is observed twice",
      "observations: channel 'cr' has no observation",
      'measurements[0].config.poi: expected the name of the parameter of interest, got 1',
      'measurements[1].config.parameters: expected a list of parameter configs, got undefined',
      "measurements[1].name: 'm' is used twice",
    ]);
    expect(problemsOf(() => stats.workspace([channel]))).toEqual([
      `(root): a workspace is an object with channels, observations, measurements and version, got ${JSON.stringify([channel])}`,
    ]);
  });

  it('checks patchsets the same way', () => {
    const patch = (name: string, values: number[]) => ({ metadata: { name, values }, patch: [] });
    expect(problemsOf(() => stats.patchset({ metadata: { labels: ['m'] }, patches: [patch('a', [1]), patch('a', [1, 2]), 'p'], version: '1.0.0' }))).toEqual([
      "patches[1].metadata.name: 'a' is used twice",
      'patches[1].metadata.values: 2 values for 1 labels',
      'patches[2]: expected { metadata: { name, values }, patch: [...] }, got "p"',
    ]);
    // Without labels the values' count is not checked.
    expect(problemsOf(() => stats.patchset({ metadata: {}, patches: [patch('a', [1, 2])], version: '1.0.0' }))).toEqual([
      'metadata.labels: expected the names of the values that label each patch, got undefined',
    ]);
  });
});
