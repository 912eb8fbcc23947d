/**
 * nn.initializers (lib/nn/initializers.ts) and nn.dotProductAttention (lib/nn/attention.ts), CPU,
 * float64. Initializers: the stream is the sampler JAX's initializer calls (checked by calling it),
 * sample variance against the varianceScaling formula, JAX's fan rule for conv kernels, truncation
 * bounds, orthogonality. Attention: against a direct numpy computation pasted below (inputs
 * sin(0.3 + s·i) in row-major order; numpy repeats key/value heads for the grouped-query case).
 */
import { describe, expect, it } from 'vitest';
import { type Array, jit, nn, np, random, vmap } from '../lib/index.js';
import { checkGrad, near } from './check-values.js';
import type { FanMode, Initializer, ScalingDistribution } from '../lib/nn/initializers.js';

const init = nn.initializers;
const vals = (x: Array): number[] => globalThis.Array.from(x.dataSync() as ArrayLike<number>, Number);
const variance = (x: Array): number => { const v = vals(x); const m = v.reduce((s, a) => s + a, 0) / v.length; return v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length; };
const arr = (shape: number[], s: number): Array =>
  np.array(globalThis.Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i * s + 0.3)), { dtype: 'float64' }).reshape(shape);

// numpy (float64) results of the attention cases below.
const WANT = {
  plain: [[[[0.26089062868623725, 0.3887934886990623], [0.2445642993287862, 0.4369961762724489], [0.3698682963348237, 0.37802945264442434], [0.5577422878531052, 0.6264106208317463]], [[0.139745360737386, 0.17312030978647308], [0.28467944730141015, 0.473239404082581], [0.11637874961022457, 0.0746893418533498], [0.5390450438921526, 0.5898726655586037]], [[-0.04952052154464906, -0.08263934383229923], [0.26398242880759626, 0.39599147188017403], [-0.09341190822963515, -0.15355651637342468], [0.3809390281997427, 0.3916452611423168]]], [[[0.24556226408388787, 0.3155474583196903], [0.058980696309133385, 0.025384138834011832], [0.2269401859840903, 0.2654370710161206], [0.005416671938675632, 0.0014262092372183087]], [[0.3065727092905485, 0.344872011228494], [0.13156808858184513, 0.18114550437713184], [0.2255077314671966, 0.20586648661074572], [0.13587741136590817, 0.18549204404396138]], [[0.3145536455630757, 0.28470576539895326], [0.24108873864642388, 0.3114994199574135], [0.15033871161780513, 0.03899669896017486], [0.22462348348823102, 0.2648713058284194]]]],
  biasmask: [[[[0.47978093887408896, 0.5704930249718109], [0.41290457802844954, 0.6269759091093835], [0.7401240478630806, 0.7538806883521234], [0.7879476850088165, 0.8711165079610506]], [[0.21875288326961642, 0.19095705981218108], [0.3913502078836475, 0.34480871524612533], [-0.11226318490309073, -0.354663337375014], [0.3364881477495577, 0.11619199937605804]], [[-0.3567065911159028, -0.2783593362143034], [-0.25991651795437704, -0.07454993565162829], [-0.600774560114728, -0.4685793329696826], [-0.31791997610967043, -0.18911577589044926]]], [[[0.3777867177483502, 0.4104888385934537], [0.21988517332101148, -0.009958591114237116], [0.16910489264446568, -0.016300636821084527], [0.21249340759683244, -0.025561440676643135]], [[0.3527269696016985, 0.21152926965770763], [-0.4459083470596267, -0.3940521717854828], [-0.4308661501742207, -0.255982026447013], [-0.5429829393980921, -0.40081434887317824]], [[0.4454916600939931, 0.5106905030391204], [0.2764001783162618, 0.5464923164111335], [0.5886558786038565, 0.6782378297397127], [0.35535542275903154, 0.5487932543113656]]]],
  causal: [[[[0.29552020666133955, 0.644217687237691], [0.29552020666133955, 0.644217687237691], [0.8912073600614354, 0.9974949866040544], [0.8912073600614354, 0.9974949866040544]], [[0.6490576193929495, 0.6993509789044652], [0.4603569774389884, 0.669923577006117], [0.6129315105945182, 0.4239889263872631], [0.7726360603742739, 0.7531282581630626]], [[0.1686430148407373, -0.026265432495104546], [0.4023963431524648, 0.4889112009171138], [-0.1523833921564336, -0.32680300119019023], [0.3867563263402194, 0.30202776715240365]]], [[[0.9021718337562933, 0.662969230082182], [0.9021718337562933, 0.662969230082182], [0.3190983623493504, -0.07515112046181108], [0.3190983623493504, -0.07515112046181108]], [[0.17062451954686697, -0.10674901948554588], [0.062058555281897354, -0.2209797771597406], [-0.4535965148906015, -0.6320204602136722], [-0.5883240860283864, -0.729116553116294]], [[-0.1830823162476686, -0.24244093881977158], [-0.5561700223479593, -0.47864216107172886], [-0.25838421426559127, -0.27457159361187294], [-0.36082863487114675, -0.12964802614333298]]]],
  lens: [[[[0.22914990892702458, 0.3137902242206755], [0.18265190716326937, 0.32421788522335027], [0.2190690590192826, 0.2132207603034016], [0.2923910089400733, 0.3664513717914315]], [[0.09565632728250581, 0.08067816816902013], [0.2497485138413026, 0.39890438106094145], [0.011917452193401526, -0.04282047881166944], [0.33671287146722945, 0.3824112529500893]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]], [[[0.10064345530406354, -0.18038158053194842], [0.12464092489373813, -0.155131962458262], [-0.5510857051036042, -0.7022794234680639], [-0.46350716793034114, -0.639162915764126]], [[0.1766076893817034, -0.10045365769187486], [0.08008397572066062, -0.202013819936808], [-0.43833407072061215, -0.6210210509276932], [-0.5603006688377505, -0.7089205064124742]], [[0.27420624353284717, 0.0022374284516706866], [0.09815450117549207, -0.18300040419227287], [-0.26309807925455553, -0.49473116116288474], [-0.5540947464633211, -0.7044479933973185]]]],
  nobatch: [[[0.26089062868623725, 0.3887934886990623], [0.2445642993287862, 0.4369961762724489], [0.3698682963348237, 0.37802945264442434], [0.5577422878531052, 0.6264106208317463]], [[0.139745360737386, 0.17312030978647308], [0.28467944730141015, 0.473239404082581], [0.11637874961022457, 0.0746893418533498], [0.5390450438921526, 0.5898726655586037]], [[-0.04952052154464906, -0.08263934383229923], [0.26398242880759626, 0.39599147188017403], [-0.09341190822963515, -0.15355651637342468], [0.3809390281997427, 0.3916452611423168]]],
};

describe('nn.initializers', () => {
  const k = random.key(0);
  it('zeros, ones, constant: shape and dtype', () => {
    expect(vals(init.zeros(k, [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(init.ones(k, [4], 'float32').dtype).toBe('float32');
    expect(vals(init.constant(2.5)(k, [2]))).toEqual([2.5, 2.5]);
  });
  it('uniform, normal, truncatedNormal: the JAX sampler times the scale (same stream)', () => {
    expect(vals(init.uniform(0.5)(k, [6]))).toEqual(vals(random.uniform(k, [6])).map((u) => u * 0.5));
    expect(vals(init.normal(2)(k, [6]))).toEqual(vals(random.normal(k, [6])).map((u) => u * 2));
    const t = init.truncatedNormal(3, undefined, -1, 1)(k, [4000]);
    expect(vals(t)).toEqual(vals(random.truncatedNormal(k, -1, 1, [4000])).map((u) => u * 3));
    expect(Math.max(...vals(t).map(Math.abs))).toBeLessThanOrEqual(3);
  });
  it('computeFans: dense and conv kernels (receptive field multiplies both fans), batch axes', () => {
    expect(init.computeFans([10, 20])).toEqual([10, 20]);
    expect(init.computeFans([3, 3, 16, 32])).toEqual([144, 288]);
    expect(init.computeFans([5, 3, 3, 16, 32], -2, -1, 0)).toEqual([144, 288]);
    expect(init.computeFans([4, 6, 8], [0, 1], 2)).toEqual([24, 8]);
    expect(() => init.computeFans([5])).toThrow(/rank >= 2 or pass inAxis/);
  });
  it('varianceScaling: sample variance = scale / fan for each mode and distribution', () => {
    const shape = [3, 3, 40, 60]; // fanIn 360, fanOut 540
    const cases: [number, FanMode, ScalingDistribution, number][] = [
      [1, 'fan_in', 'normal', 360], [2, 'fan_out', 'uniform', 540], [1, 'fan_avg', 'truncated_normal', 450],
      [1, 'fan_geo_avg', 'normal', Math.sqrt(360 * 540)],
    ];
    for (const [scale, mode, dist, fan] of cases) {
      const w = init.varianceScaling(scale, mode, dist)(random.key(3), shape);
      expect(w.shape).toEqual(shape);
      expect(Math.abs(variance(w) / (scale / fan) - 1), `${mode} ${dist}`).toBeLessThan(0.05);
    }
    const u = vals(init.varianceScaling(2, 'fan_in', 'uniform')(k, [100, 50]));
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(3 * 2 / 100));
    const tn = vals(init.varianceScaling(1, 'fan_in', 'truncated_normal')(k, [100, 50]));
    expect(Math.max(...tn.map(Math.abs))).toBeLessThanOrEqual(2 * Math.sqrt(1 / 100) / 0.87962566103423978);
  });
  it('named initializers are varianceScaling with JAX parameters (same values)', () => {
    const s = [30, 20];
    const same = (a: Initializer, b: Initializer): void => expect(vals(a(k, s))).toEqual(vals(b(k, s)));
    same(init.glorotUniform(), init.varianceScaling(1, 'fan_avg', 'uniform'));
    same(init.glorotNormal(), init.varianceScaling(1, 'fan_avg', 'truncated_normal'));
    same(init.xavierNormal(), init.glorotNormal());
    same(init.heNormal(), init.varianceScaling(2, 'fan_in', 'truncated_normal'));
    same(init.kaimingUniform(), init.varianceScaling(2, 'fan_in', 'uniform'));
    same(init.lecunNormal(), init.varianceScaling(1, 'fan_in', 'truncated_normal'));
    same(init.lecunUniform({ inAxis: 0, outAxis: 1 }), init.varianceScaling(1, 'fan_in', 'uniform'));
  });
  it('orthogonal: orthonormal columns (tall) or rows (wide), times scale; conv-shaped kernels', () => {
    const w = init.orthogonal(2)(k, [6, 4]);
    near(np.matmul(w.T, w), np.multiply(np.eye(4), 4).js() as number[][], { tol: 1e-12 });
    const wide = init.orthogonal()(k, [3, 5]);
    near(np.matmul(wide, wide.T), np.eye(3).js() as number[][], { tol: 1e-12 });
    const conv = init.orthogonal()(k, [2, 3, 4]);
    const m = conv.reshape([6, 4]);
    near(np.matmul(m.T, m), np.eye(4).js() as number[][], { tol: 1e-12 });
  });
  it('deltaOrthogonal: orthogonal matrix at the spatial centre, zeros elsewhere', () => {
    const w = init.deltaOrthogonal()(k, [3, 3, 4, 4]);
    const centre = w.slice(1, 1);
    near(np.matmul(centre.T, centre), np.eye(4).js() as number[][], { tol: 1e-12 });
    expect(np.sum(np.abs(w)).item()).toBeCloseTo(np.sum(np.abs(centre)).item(), 12);
    expect(() => init.deltaOrthogonal()(k, [3, 8, 4])).toThrow(/fan_in/);
  });
  it('bad input names the initializer and the fix', () => {
    expect(() => init.normal()(k, [2, -1])).toThrow(/nn\.initializers\.normal: shape must be/);
    expect(() => init.uniform()(k, [2], 'int32')).toThrow(/nn\.initializers\.uniform: dtype must be/);
    expect(() => init.varianceScaling(1, 'fan_x' as FanMode, 'normal')).toThrow(/mode must be one of/);
    expect(() => init.heNormal()(np.array([1, 2, 3]), [2, 2])).toThrow(/must be a key/);
  });
  it('jit and vmap over keys agree with eager', () => {
    const f = (kk: Array): Array => init.glorotNormal()(kk, [4, 3]);
    const ks = random.split(k, 3);
    expect(vals(jit(f)(ks.slice(0)))).toEqual(vals(f(ks.slice(0))));
    const b = vmap(f)(ks);
    [0, 1, 2].forEach((i) => expect(vals(b.slice(i))).toEqual(vals(f(ks.slice(i)))));
  });
});

describe('nn.dotProductAttention', () => {
  const q = arr([2, 3, 4, 2], 0.7);
  const key = arr([2, 5, 2, 2], 1.3);
  const v = arr([2, 5, 2, 2], 0.4);
  const bias = arr([1, 4, 3, 5], 0.9);
  const mask = np.greater(arr([2, 1, 3, 5], 2.1), -0.5);
  it('grouped-query heads (N = 4, K = 2) against numpy', () => near(nn.dotProductAttention(q, key, v), WANT.plain, { tol: 1e-12 }));
  it('bias and boolean mask (broadcast over heads / batch)', () => near(nn.dotProductAttention(q, key, v, { bias, mask }), WANT.biasmask, { tol: 1e-12 }));
  it('causal with an explicit scale', () => near(nn.dotProductAttention(q, key, v, { isCausal: true, scale: 0.8 }), WANT.causal, { tol: 1e-12 }));
  it('query and key/value sequence lengths (padded rows are zero)', () => {
    const out = nn.dotProductAttention(q, key, v, { querySeqLengths: np.array([2, 3], { dtype: 'int32' }), keyValueSeqLengths: np.array([4, 2], { dtype: 'int32' }) });
    near(out, WANT.lens, { tol: 1e-12 });
  });
  it('without a batch axis ([T, N, H])', () => near(nn.dotProductAttention(q.slice(0), key.slice(0), v.slice(0)), WANT.nobatch, { tol: 1e-12 }));
  it('gradients in query, key, value and bias against central differences', () => {
    const q0 = vals(q.slice(0));
    checkGrad((x) => nn.dotProductAttention(x, key.slice(0), v.slice(0), { isCausal: true }), q0, [3, 4, 2], 1e-6);
    checkGrad((x) => nn.dotProductAttention(q, x, v, { mask }), vals(key), [2, 5, 2, 2], 1e-6);
    checkGrad((x) => nn.dotProductAttention(q, key, x), vals(v), [2, 5, 2, 2], 1e-6);
    checkGrad((x) => nn.dotProductAttention(q, key, v, { bias: x }), vals(bias), [1, 4, 3, 5], 1e-6);
  });
  it('jit and vmap (over a leading batch of problems) agree with eager', () => {
    const f = (x: Array): Array => nn.dotProductAttention(x, key, v, { isCausal: true });
    near(jit(f)(q), f(q).js() as number[][][][], { tol: 1e-14 });
    const qs = np.stack([q, np.multiply(q, 0.5)]);
    const b = vmap(f)(qs);
    near(b.slice(1), f(np.multiply(q, 0.5)).js() as number[][][][], { tol: 1e-14 });
  });
  it('bad shapes and dtypes name the function and the expected layout', () => {
    expect(() => nn.dotProductAttention(q, arr([2, 5, 3, 2], 1), arr([2, 5, 3, 2], 1))).toThrow(/multiple of the key\/value heads/);
    expect(() => nn.dotProductAttention(q, key, v.slice([], [0, 4]))).toThrow(/nn\.dotProductAttention: key and value must be/);
    expect(() => nn.dotProductAttention(q, key, v, { mask: arr([3, 5], 1) })).toThrow(/mask must be bool/);
    expect(() => nn.dotProductAttention(q, key, v, { bias: arr([3, 4], 1) })).toThrow(/does not broadcast/);
  });
  it('identity and tanh', () => {
    expect(vals(nn.identity(np.array([1, -2])))).toEqual([1, -2]);
    near(nn.tanh(np.array([0.5, -1])), [Math.tanh(0.5), Math.tanh(-1)]);
  });
});
