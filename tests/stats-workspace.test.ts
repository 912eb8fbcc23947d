/**
 * pyhf workspaces and HEPData patchsets (lib/stats/workspace.ts, lib/stats/json-patch.ts): models
 * and data from a workspace in pyhf's channel order, patches applied immutably, prune / rename /
 * combine, JSON Patch as RFC 6902 specifies it, and validation that reports every problem with its
 * JSON path.
 */
import { describe, expect, it } from 'vitest';
import { stats } from '../lib/index.js';

/** pyhf's docs/examples/json/2-bin_1-channel.json (the shapesys example of its documentation). */
const twoBin = {
  channels: [{ name: 'singlechannel', samples: [
    { name: 'signal', data: [5.0, 10.0], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
    { name: 'background', data: [50.0, 60.0], modifiers: [{ name: 'uncorr_bkguncrt', type: 'shapesys', data: [5.0, 12.0] }] },
  ] }],
  observations: [{ name: 'singlechannel', data: [50.0, 60.0] }],
  measurements: [{ name: 'Measurement', config: { poi: 'mu', parameters: [] } }],
  version: '1.0.0',
};

/** A background-only workspace with two channels (listed out of name order), lumi, staterror and normsys. */
const bkgOnly = {
  channels: [
    { name: 'SR_high', samples: [
      { name: 'bkg', data: [20, 8], modifiers: [
        { name: 'lumi', type: 'lumi', data: null },
        { name: 'stat_SR_high', type: 'staterror', data: [2, 1.5] },
        { name: 'bkg_norm', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
      ] },
    ] },
    { name: 'SR_low', samples: [
      { name: 'bkg', data: [100, 60], modifiers: [
        { name: 'lumi', type: 'lumi', data: null },
        { name: 'bkg_norm', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
      ] },
    ] },
  ],
  observations: [{ name: 'SR_low', data: [104, 58] }, { name: 'SR_high', data: [23, 9] }],
  measurements: [{ name: 'meas', config: { poi: 'mu', parameters: [{ name: 'lumi', auxdata: [1], sigmas: [0.02], bounds: [[0.9, 1.1]], inits: [1] }] } }],
  version: '1.0.0',
};

/** Two signal hypotheses, as HEPData publishes them: each adds a signal sample with a normfactor to both channels. */
const signals = {
  metadata: { name: 'signals', description: 'two mass points', labels: ['m_X'], digests: { sha256: '0'.repeat(64) } },
  patches: [500, 800].map((m, k) => ({
    metadata: { name: `X_${m}`, values: [m] },
    patch: [0, 1].map((c) => ({ op: 'add', path: `/channels/${c}/samples/-`, value: { name: 'signal', data: c === 0 ? [3 + k, 6 - k] : [1, 0.5], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] } })),
  })),
  version: '1.0.0',
};

describe('stats.workspace', () => {
  it('builds the model and data of a measurement (pyhf 2-bin example)', () => {
    const ws = stats.workspace(twoBin);
    expect(ws.measurementNames).toEqual(['Measurement']);
    const model = ws.model();
    expect(model.parameters.names).toEqual(['mu', 'uncorr_bkguncrt[0]', 'uncorr_bkguncrt[1]']);
    // Observed main bins, then the shapesys auxdata τ = (b/δb)²: 100 and 25.
    expect(ws.data(model)).toEqual([50, 60, 100, 25]);
    expect(ws.data(model, { includeAuxdata: false })).toEqual([50, 60]);
    expect(stats.workspace(JSON.stringify(twoBin)).data(model)).toEqual([50, 60, 100, 25]);
    const r = stats.hypotest(1, ws.data(model), model);
    expect(r.cls).toBeGreaterThan(0);
    expect(r.cls).toBeLessThan(1);
  });

  it('orders data by the model channels (by name, as pyhf), with lumi and staterror auxdata', () => {
    const ws = stats.workspace(bkgOnly);
    const patched = stats.patchset(signals).apply(ws, 'X_500');
    const model = patched.model();
    expect(model.channels).toEqual(['SR_high', 'SR_low']);
    const data = patched.data(model);
    expect(data.slice(0, 4)).toEqual([23, 9, 104, 58]);
    expect(data.slice(4)).toEqual(model.auxdata);
    const fit = stats.fit(model, data);
    expect(fit.converged).toBe(true);
  });

  it('patchsets: by name or values; the workspace itself is unchanged and frozen', () => {
    const ws = stats.workspace(bkgOnly);
    const ps = stats.patchset(signals);
    expect(ps.names).toEqual(['X_500', 'X_800']);
    expect(ps.labels).toEqual(['m_X']);
    expect(ps.values).toEqual([[500], [800]]);
    const a = ps.apply(ws, [800]);
    expect(a.spec.channels[0].samples.map((s) => s.name)).toEqual(['bkg', 'signal']);
    expect(a.spec.channels[0].samples[1].data).toEqual([4, 5]);
    expect(ws.spec.channels[0].samples.length).toBe(1);
    expect(a.spec.channels[1].samples[0]).toBe(ws.spec.channels[1].samples[0]); // untouched parts are shared
    expect(Object.isFrozen(a.spec.channels[0])).toBe(true);
    expect(() => ps.patch('X_999')).toThrow(/stats.patchset: no patch named 'X_999' \(patches: X_500, X_800\)/);
    expect(() => stats.patchset({ ...signals, patches: [signals.patches[0], signals.patches[0]] })).toThrow(/patches\[1\].metadata.name: 'X_500' is used twice/);
  });

  it('prune, rename and combine', () => {
    const ws = stats.workspace(bkgOnly);
    const pruned = ws.prune({ modifierTypes: ['staterror'], modifiers: ['lumi'] });
    expect(pruned.modifierNames).toEqual(['bkg_norm']);
    expect(pruned.spec.measurements[0].config.parameters).toEqual([]);
    expect(ws.prune({ channels: ['SR_high'] }).channelNames).toEqual(['SR_low']);
    const renamed = ws.rename({ channels: { SR_low: 'SR_a' }, modifiers: { bkg_norm: 'alpha_bkg' } });
    expect(renamed.channelNames).toEqual(['SR_a', 'SR_high']);
    expect(renamed.spec.observations.map((o) => o.name)).toEqual(['SR_a', 'SR_high']);
    expect(renamed.modifierNames).toContain('alpha_bkg');
    const both = stats.Workspace.combine(stats.workspace(twoBin), ws);
    expect(both.channelNames).toEqual(['SR_high', 'SR_low', 'singlechannel']);
    expect(both.measurementNames).toEqual(['Measurement', 'meas']);
    expect(() => stats.Workspace.combine(ws, ws)).toThrow(/both workspaces have channel\(s\) SR_high, SR_low; rename them first/);
  });

  it('reports every problem of a workspace at once, with JSON paths', () => {
    const bad = {
      ...bkgOnly,
      version: '0.9',
      observations: [{ name: 'SR_low', data: [1, 2, 3] }, { name: 'SR_mid', data: [1] }],
      channels: [bkgOnly.channels[0], { ...bkgOnly.channels[1], samples: [{ name: 'bkg', data: [1, 2], modifiers: [{ name: 'x', type: 'shapesyst', data: [1, 1] }] }] }],
    };
    let msg = '';
    try { stats.workspace(bad); } catch (e) { msg = (e as Error).message; }
    expect(msg).toMatch(/^stats.workspace: invalid workspace \(\d+ problems\)/);
    expect(msg).toContain("version: expected '1.0.0'");
    expect(msg).toContain('observations[0].data: 3 bins, but channel \'SR_low\' has 2');
    expect(msg).toContain("observations[1].name: no channel is called 'SR_mid'");
    expect(msg).toContain("observations: channel 'SR_high' has no observation");
    expect(msg).toMatch(/channels\[1\]\.samples\[0\]\.modifiers\[0\]\.type: .*shapesyst.*histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror/);
    expect(() => stats.workspace(bkgOnly).model({ measurementName: 'nope' })).toThrow(/no measurement 'nope' \(measurements: meas\)/);
  });
});

describe('stats.applyJsonPatch (RFC 6902)', () => {
  const doc = { foo: 'bar', baz: ['a', 'c'], 'a/b': { '~x': 1 } };
  it('add, remove, replace, move, copy, test; escaped pointers and "-"', () => {
    expect(stats.applyJsonPatch(doc, [{ op: 'add', path: '/baz/1', value: 'b' }]).baz).toEqual(['a', 'b', 'c']);
    expect(stats.applyJsonPatch(doc, [{ op: 'add', path: '/baz/-', value: 'd' }]).baz).toEqual(['a', 'c', 'd']);
    expect(stats.applyJsonPatch(doc, [{ op: 'add', path: '/qux', value: { x: 1 } }])).toMatchObject({ qux: { x: 1 } });
    expect(stats.applyJsonPatch(doc, [{ op: 'remove', path: '/baz/0' }]).baz).toEqual(['c']);
    expect(stats.applyJsonPatch(doc, [{ op: 'replace', path: '/a~1b/~0x', value: 2 }])['a/b']).toEqual({ '~x': 2 });
    expect(stats.applyJsonPatch(doc, [{ op: 'move', from: '/foo', path: '/moved' }])).toEqual({ baz: ['a', 'c'], 'a/b': { '~x': 1 }, moved: 'bar' });
    expect(stats.applyJsonPatch(doc, [{ op: 'copy', from: '/baz', path: '/baz2' }])).toMatchObject({ baz2: ['a', 'c'] });
    expect(stats.applyJsonPatch(doc, [{ op: 'test', path: '/baz', value: ['a', 'c'] }])).toEqual(doc);
    expect(stats.applyJsonPatch(doc, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
    expect(doc).toEqual({ foo: 'bar', baz: ['a', 'c'], 'a/b': { '~x': 1 } });
  });
  it('errors name the op; a failing patch changes nothing', () => {
    expect(() => stats.applyJsonPatch(doc, [{ op: 'add', path: '/baz/1', value: 'b' }, { op: 'test', path: '/foo', value: 'qux' }])).toThrow(/op 1 \(test '\/foo'\): test failed, the value is "bar", expected "qux"/);
    expect(() => stats.applyJsonPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(/op 0 \(remove '\/nope'\): 'nope' does not exist/);
    expect(() => stats.applyJsonPatch(doc, [{ op: 'add', path: '/baz/5', value: 1 }])).toThrow(/index 5 is out of range for an array of length 2/);
    expect(() => stats.applyJsonPatch(doc, [{ op: 'replace', path: 'foo', value: 1 }])).toThrow(/a JSON pointer is '' or starts with '\/'/);
    expect(() => stats.applyJsonPatch(doc, [{ op: 'move', from: '/baz', path: '/baz/0' }])).toThrow(/cannot move '\/baz' into itself/);
  });
});
