/**
 * lib/nn/activations.ts: jax.nn's remaining activations. Expected values come from JAX's formulas
 * evaluated in float64 with numpy, pasted as literals; gradients are checked against central
 * differences away from kinks and against JAX's stated derivative at kinks; jit and vmap against
 * the eager call.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, nn, np, vmap } from '../lib/index.js';
import {
  celu, elu, glu, hardSigmoid, hardSilu, hardSwish, hardTanh, leakyRelu, log1mexp, logmeanexp, logSigmoid,
  mish, relu6, selu, softSign, sparsePlus, sparseSigmoid, squareplus, standardize,
} from '../lib/nn/activations.js';
import { checkGrad, checkTransforms, f64, near } from './check-values.js';


/** The elementwise derivative of `f` at each point: grad of sum(f(x)). */
const dElem = (f: (x: np.Array) => np.Array, xs: readonly number[]): np.Array => grad((x: np.Array) => np.sum(f(x)))(f64([...xs]));

/** Points covering the kinks (-3, -1, 0, 1, 3, 6) and large |x|. */
const XS = [-50, -6, -3, -1, -0.5, 0, 0.5, 1, 3, 6, 50];
/** Points away from every kink, for finite differences. */
const SMOOTH = [-7.3, -2.2, -0.7, -0.2, 0.3, 0.8, 2.1, 4.4, 7.5];
const BATCH = f64([[-4, -1, 0, 0.5, 2, 7], [-0.3, 1, 3, -3, 6, 0.1]]);

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

interface Row {
  name: string;
  f: (x: np.Array) => np.Array;
  values: number[];
  /** JAX's derivative at chosen points (kinks, large |x|). */
  kinks: [number[], number[]];
}

const rows: Row[] = [
  { name: 'elu', f: (x) => elu(x),
    values: [-1.0, -0.9975212478233336, -0.950212931632136, -0.6321205588285577, -0.3934693402873666, 0.0, 0.5, 1.0, 3.0, 6.0, 50.0],
    kinks: [[0, 1000, -1000], [1, 1, 0]] },
  { name: 'elu(alpha 2)', f: (x) => elu(x, 2),
    values: [-2.0, -1.9950424956466672, -1.900425863264272, -1.2642411176571153, -0.7869386805747332, 0.0, 0.5, 1.0, 3.0, 6.0, 50.0],
    kinks: [[0], [2]] },
  { name: 'celu', f: (x) => celu(x),
    values: [-1.0, -0.9975212478233336, -0.950212931632136, -0.6321205588285577, -0.3934693402873666, 0.0, 0.5, 1.0, 3.0, 6.0, 50.0],
    kinks: [[0, 1000], [1, 1]] },
  { name: 'celu(alpha 0.5)', f: (x) => celu(x, 0.5),
    values: [-0.5, -0.49999692789382333, -0.4987606239116668, -0.43233235838169365, -0.31606027941427883, 0.0, 0.5, 1.0, 3.0, 6.0, 50.0],
    kinks: [[0], [1]] },
  { name: 'selu', f: selu,
    values: [-1.7580993408473766, -1.7537414482794556, -1.6705687287671118, -1.1113307378125625, -0.6917581878028713, 0.0, 0.5253504936777402, 1.0507009873554805, 3.1521029620664414, 6.304205924132883, 52.53504936777402],
    kinks: [[0, 1000], [SELU_SCALE * SELU_ALPHA, SELU_SCALE]] },
  { name: 'leakyRelu', f: (x) => leakyRelu(x),
    values: [-0.5, -0.06, -0.03, -0.01, -0.005, 0.0, 0.5, 1.0, 3.0, 6.0, 50.0],
    kinks: [[0, -1e-300], [1, 0.01]] },
  { name: 'logSigmoid', f: logSigmoid,
    values: [-50.0, -6.00247568513773, -3.048587351573742, -1.3132616875182228, -0.9740769841801067, -0.6931471805599453, -0.4740769841801067, -0.31326168751822286, -0.04858735157374206, -0.0024756851377304495, -1.9287498479639178e-22],
    kinks: [[-1000, 0, 1000], [1, 0.5, 0]] },
  { name: 'softSign', f: softSign,
    values: [-0.9803921568627451, -0.8571428571428571, -0.75, -0.5, -0.3333333333333333, 0.0, 0.3333333333333333, 0.5, 0.75, 0.8571428571428571, 0.9803921568627451],
    kinks: [[0], [1]] },
  { name: 'hardTanh', f: hardTanh,
    values: [-1.0, -1.0, -1.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.0, 1.0, 1.0],
    kinks: [[-1, 1, -1.5, 1.5], [1, 1, 0, 0]] },
  { name: 'relu6', f: relu6,
    values: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 3.0, 6.0, 6.0],
    kinks: [[0, 6, 3, -1, 7], [0, 0, 1, 0, 0]] },
  { name: 'hardSigmoid', f: hardSigmoid,
    values: [0.0, 0.0, 0.0, 0.3333333333333333, 0.4166666666666667, 0.5, 0.5833333333333334, 0.6666666666666666, 1.0, 1.0, 1.0],
    kinks: [[-3, 3, 0], [0, 0, 1 / 6]] },
  { name: 'hardSilu', f: hardSilu,
    values: [-0.0, -0.0, -0.0, -0.3333333333333333, -0.20833333333333334, 0.0, 0.2916666666666667, 0.6666666666666666, 3.0, 6.0, 50.0],
    kinks: [[-3, 3, 0], [0, 1, 0.5]] },
  { name: 'mish', f: mish,
    values: [-9.643749239819589e-21, -0.014854080479424991, -0.1456474612756246, -0.30340146137410895, -0.22074377465173, 0.0, 0.3752452113048951, 0.8650983882673103, 2.986535004967957, 5.999926634065252, 50.0],
    kinks: [[0, 1000, -1000], [0.6, 1, 0]] },
  { name: 'squareplus', f: (x) => squareplus(x),
    values: [0.019992006393607653, 0.16227766016837952, 0.30277563773199456, 0.6180339887498949, 0.7807764064044151, 1.0, 1.2807764064044151, 1.618033988749895, 3.302775637731995, 6.16227766016838, 50.01999200639361],
    kinks: [[0], [0.5]] },
  { name: 'squareplus(b 1)', f: (x) => squareplus(x, 1),
    values: [0.0049995000999736305, 0.04138126514910967, 0.08113883008418976, 0.20710678118654757, 0.30901699437494745, 0.5, 0.8090169943749475, 1.2071067811865475, 3.08113883008419, 6.041381265149109, 50.00499950009997],
    kinks: [[0], [0.5]] },
  { name: 'sparsePlus', f: sparsePlus,
    values: [0.0, 0.0, 0.0, 0.0, 0.0625, 0.25, 0.5625, 1.0, 3.0, 6.0, 50.0],
    kinks: [[-1, 1, 0, -5, 5], [0, 1, 0.5, 0, 1]] },
  { name: 'sparseSigmoid', f: sparseSigmoid,
    values: [0.0, 0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0],
    // jnp.clip is maximum then minimum, whose ties split the tangent: 0.5 · 0.5 at ±1.
    kinks: [[-1, 1, 0, -2, 2], [0.25, 0.25, 0.5, 0, 0]] },
];

describe.each(rows)('$name', ({ f, values, kinks }) => {
  it('matches JAX\'s formula at the kinks and at large |x|', () => {
    near(f(f64(XS)), values, { dtype: 'float64' });
  });

  it('has JAX\'s derivative at the kinks and finite derivatives at large |x|', () => {
    near(dElem(f, kinks[0]), kinks[1], { tol: 1e-12 });
  });

  it('matches central differences away from the kinks', () => {
    checkGrad(f, SMOOTH);
  });

  it('is unchanged by jit and vmap', () => {
    checkTransforms(f, BATCH);
  });
});

describe('derivatives under jit and vmap', () => {
  const scalarGrad = (f: (x: np.Array) => np.Array) => grad((x: np.Array) => f(x));
  it('keep JAX\'s kink conventions for the custom rules (relu6, log1mexp) and the where-based ones', () => {
    const pts = f64([0, 6, 3, -1, 7]);
    near(vmap(scalarGrad(relu6))(pts), [0, 0, 1, 0, 0]);
    near(vmap(jit(scalarGrad(relu6)))(pts), [0, 0, 1, 0, 0]);
    near(jit(scalarGrad(hardSigmoid))(f64(3)), 0, { shape: [] });
    near(vmap(scalarGrad(hardTanh))(f64([-1, 1, 2])), [1, 1, 0]);
    near(vmap(scalarGrad(log1mexp))(f64([0, 1e-10, 800])), [Infinity, 9999999999.5, 0]);
  });

  it('second derivatives: selu\'\' = scale · alpha · e^x below 0, 0 above', () => {
    const d2 = grad(grad((x: np.Array) => selu(x)));
    near(d2(f64(-1)), SELU_SCALE * SELU_ALPHA * Math.exp(-1), { shape: [] });
    near(d2(f64(2)), 0, { shape: [] });
  });
});

describe('dtypes and aliases', () => {
  it('keeps float32, promotes ints to the default float, and accepts JS numbers', () => {
    expect(elu(np.array([1, -1], { dtype: 'float32' })).dtype).toBe('float32');
    expect(relu6(np.array([1, 7], { dtype: 'int32' })).dtype).toBe(np.asarray(0.5).dtype);
    near(hardTanh(np.array([-2, 0, 2], { dtype: 'int32' })), [-1, 0, 1]);
    expect(softSign(1).item()).toBe(0.5);
    expect(selu(f64(1)).item()).toBeCloseTo(SELU_SCALE, 15);
  });

  it('hardSwish is hardSilu', () => {
    expect(hardSwish).toBe(hardSilu);
  });

  it('propagates NaN', () => {
    for (const f of [elu, celu, selu, leakyRelu, logSigmoid, softSign, mish, squareplus, sparseSigmoid, relu6]) {
      expect(f(f64([NaN])).dataSync()[0]).toBeNaN();
    }
  });

  it('leakyRelu and elu take array parameters', () => {
    near(leakyRelu(f64([-2, -2, 3]), f64([0.1, 0.5, 0.5])), [-0.2, -1, 3]);
    near(elu(f64([-1, -1]), f64([1, 2])), [-0.6321205588285577, -1.2642411176571153]);
  });
});

describe('log1mexp', () => {
  const ys = [0, 1e-20, 1e-10, 0.1, Math.LN2, 1, 5, 40, 800];
  it('is accurate on both sides of the log 2 split and at 0', () => {
    near(log1mexp(f64(ys)), [-Infinity, -46.051701859880914, -23.025850929990458, -2.3521684610440907, -0.6931471805599453, -0.45867514538708193, -0.006760749449488557, -4.248354255291589e-18, -0], { tol: 1e-14 });
    expect(log1mexp(f64([-1])).dataSync()[0]).toBeNaN();
  });

  it('has JAX\'s derivative 1 / expm1(x): inf at 0, finite for tiny x, 0 for huge x', () => {
    near(dElem(log1mexp, ys), [Infinity, 1e20, 9999999999.5, 9.50833194477505, 1.0, 0.5819767068693263, 0.006783654906304231, 4.248354255291589e-18, 0], { tol: 1e-12 });
    checkGrad(log1mexp, [0.05, 0.3, 0.69, 0.7, 2, 9]);
  });

  it('is unchanged by jit and vmap', () => {
    checkTransforms(log1mexp, f64([[0.1, 0.5, 1], [2, 5, 30]]));
  });
});

describe('glu', () => {
  const x2 = f64([[1, 2, 3, 4], [-1, 0.5, 10, -3]]);
  it('gates the first half by the sigmoid of the second half along axis', () => {
    near(glu(x2), [[0.9525741268224334, 1.964027580075817], [-0.9999546021312976, 0.02371293658878339]]);
    near(glu(x2, 1), [[0.9525741268224334, 1.964027580075817], [-0.9999546021312976, 0.02371293658878339]]);
    near(glu(f64([[-1, -0.5, 0], [0.5, 1, 1.5]]), 0), [[-0.6224593312018546, -0.36552928931500245, 0.0]]);
  });

  it('is differentiable, and jit/vmap agree', () => {
    checkGrad((a) => glu(a), [1, 2, 3, 4, -1, 0.5, 10, -3], [2, 4]);
    checkGrad((a) => glu(a, 0), [1, 2, 3, 4, -1, 0.5, 10, -3], [2, 4]);
    checkTransforms((a) => glu(a), x2);
  });

  it('rejects an odd axis, a 0-d input and a bad axis, naming nn.glu', () => {
    expect(() => glu(f64([1, 2, 3]))).toThrow(/nn\.glu: axis -1 of x \(shape \[3\]\) has odd length 3/);
    expect(() => glu(f64(1))).toThrow(/nn\.glu: x must be at least one dimensional/);
    expect(() => glu(x2, 2)).toThrow(/nn\.glu/);
  });
});

describe('logmeanexp', () => {
  const x2 = f64([[1, 2, 3, 4], [-1, 0.5, 10, -3]]);
  it('is logsumexp minus log n over all axes, one axis, or with keepdims', () => {
    near(logmeanexp(x2), 7.924494024245426, { shape: [] });
    near(logmeanexp(x2, 1), [3.053895337441305, 8.61379944833995]);
    near(logmeanexp(x2, -1), [3.053895337441305, 8.61379944833995]);
    near(logmeanexp(x2, 0, { keepdims: true }), [[0.4337808304830273, 1.508266097422807, 9.307764285893828, 3.3077642858938288]]);
    near(logmeanexp(x2, [0, 1]), 7.924494024245426, { shape: [] });
  });

  it('does not overflow, and equals the input for constant rows', () => {
    near(logmeanexp(f64([1000, 1000, 999])), 999.7633825153902, { shape: [] });
    near(logmeanexp(f64([[-5, -5, -5]]), 1), [-5]);
  });

  it('is differentiable (its gradient is the softmax / ... mean weights), and jit/vmap agree', () => {
    checkGrad((a) => logmeanexp(a, 1), [1, 2, 3, 4, -1, 0.5, 10, -3], [2, 4]);
    near(dElem((a) => logmeanexp(a), [0, 0, 0, 0]), [0.25, 0.25, 0.25, 0.25]);
    checkTransforms((a) => logmeanexp(a), x2);
  });
});

describe('standardize', () => {
  const x2 = f64([[1, 2, 3, 4], [-1, 0.5, 10, -3]]);
  it('matches JAX\'s default (fast, clipped variance) along -1, 0 and all axes', () => {
    near(standardize(x2), [[-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269], [-0.5258221346338557, -0.22535234341450958, 1.6776230009746824, -0.9264485229263172]], { tol: 1e-10 });
    near(standardize(x2, 0), [[0.9999950000374997, 0.9999911112296279, -0.9999995918369846, 0.9999995918369846], [-0.9999950000374997, -0.9999911112296279, 0.9999995918369846, -0.9999995918369846]], { tol: 1e-10 });
    near(standardize(x2, null), [[-0.29159036904103847, -0.01715237464947285, 0.25728561974209274, 0.5317236141336583], [-0.8404663578241697, -0.42880936623682125, 2.178351580483052, -1.389342346607301]], { tol: 1e-10 });
    near(standardize(x2, -1, { algorithm: 'stable' }), standardize(x2).js(), { tol: 1e-10 });
  });

  it('uses a given mean and variance, and epsilon', () => {
    near(standardize(x2, -1, { mean: 1, variance: 4 }), [[0.0, 0.49999937500117186, 0.9999987500023437, 1.4999981250035155], [-0.9999987500023437, -0.24999968750058593, 4.499994375010546, -1.9999975000046875]]);
    near(standardize(f64([3, 3, 3])), [0, 0, 0]);
    near(standardize(f64([1, 3]), -1, { epsilon: 0 }), [-1, 1]);
  });

  it('is differentiable, and jit/vmap agree', () => {
    checkGrad((a) => standardize(a), [1, 2, 3, 4, -1, 0.5, 10, -3], [2, 4], 1e-5);
    checkGrad((a) => standardize(a, -1, { algorithm: 'stable' }), [1, 2, 3, 4, -1, 0.5, 10, -3], [2, 4], 1e-5);
    checkTransforms((a) => standardize(a), x2);
  });

  it('rejects an unknown algorithm', () => {
    expect(() => standardize(x2, -1, { algorithm: 'slow' as 'fast' })).toThrow(/nn\.standardize: unknown algorithm 'slow'/);
  });
});

describe('oneHot (existing nn.oneHot) edge cases', () => {
  it('encodes labels, with all-zero rows for out-of-range labels as in JAX', () => {
    near(nn.oneHot(np.array([0, 2, -1, 3], { dtype: 'int32' }), 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]);
  });

  it('takes dtype and axis, and 0-d and empty inputs', () => {
    const r = nn.oneHot(np.array([1, 0], { dtype: 'int32' }), 2, { dtype: 'int32', axis: 0 });
    expect(r.dtype).toBe('int32');
    near(r, [[0, 1], [1, 0]]);
    near(nn.oneHot(np.array(1, { dtype: 'int32' }), 3), [0, 1, 0]);
    near(nn.oneHot(np.zeros([0], { dtype: 'int32' }), 4), [], { shape: [0, 4] });
    near(nn.oneHot(np.array([[0, 1]], { dtype: 'int32' }), 2, { axis: 1 }), [[[1, 0], [0, 1]]]);
    near(nn.oneHot(np.array([0, 1], { dtype: 'int32' }), 0), [[], []], { shape: [2, 0] });
  });

  it('is unchanged by jit and vmap', () => {
    const labels = np.array([[0, 1, 2], [2, 5, -1]], { dtype: 'int32' });
    const f = (l: np.Array): np.Array => nn.oneHot(l, 3);
    const eager = f(labels).js();
    near(jit(f)(labels), eager);
    near(vmap(f)(labels), eager);
  });
});
