import { describe, it, expect } from 'vitest';
import {
  erf, erfc, erfInv, ndtr, ndtri, logNdtr, lgamma, digamma, polygamma1,
} from '../lib/backends/cpu/special.js';

// Reference values: mpmath at 80 digits, rounded to the nearest double. Inputs are the exact
// doubles written here (e.g. 1 - 1e-15 is evaluated in double first, then given to mpmath).
const REF: Record<string, ReadonlyArray<readonly [number, number]>> = {
  erf: [
    [1e-300, 1.1283791670955126e-300], [1e-10, 1.1283791670955126e-10], [1e-05, 1.1283791670579e-05],
    [0.1, 0.1124629160182849], [0.25, 0.27632639016823696], [0.5, 0.5204998778130465],
    [0.84375, 0.7672256612323416], [1.0, 0.8427007929497149], [1.25, 0.9229001282564583],
    [1.5, 0.9661051464753108], [2.0, 0.9953222650189527], [2.5, 0.999593047982555],
    [3.0, 0.9999779095030014], [3.5, 0.9999992569016276], [4.0, 0.9999999845827421],
    [5.0, 0.9999999999984626], [-0.3, -0.3286267594591274], [-1.1, -0.8802050695740817],
    [-2.2, -0.9981371537020182],
  ],
  erfc: [
    [1e-20, 1.0], [0.1, 0.887537083981715], [0.25, 0.7236736098317631],
    [0.5, 0.4795001221869535], [0.84375, 0.23277433876765838], [1.0, 0.15729920705028513],
    [1.25, 0.07709987174354177], [2.0, 0.004677734981047266], [2.857, 5.3358260086846374e-05],
    [3.0, 2.209049699858544e-05], [4.0, 1.541725790028002e-08], [5.0, 1.537459794428035e-12],
    [6.0, 2.1519736712498913e-17], [8.0, 1.1224297172982926e-29], [10.0, 2.088487583762545e-45],
    [12.5, 6.231942781979911e-70], [15.0, 7.212994172451207e-100], [20.0, 5.395865611607901e-176],
    [25.0, 8.300172571196523e-274], [26.5, 2.2109076642637343e-307], [5.123456789, 4.303318230620967e-13],
    [9.87654321, 2.459723872920464e-44], [17.3, 3.409266382045084e-132], [23.456789, 2.6475260686073027e-241],
    [26.54321, 2.230808772275013e-308], [-0.3, 1.3286267594591274], [-1.1, 1.8802050695740817],
    [-2.2, 1.998137153702018], [-5.0, 1.9999999999984626],
  ],
  ndtr: [
    [0.0, 0.5], [0.5, 0.6914624612740131], [1.0, 0.8413447460685429],
    [-1.0, 0.15865525393145705], [1.7677, 0.9614444649993763], [-1.7677, 0.03855553500062365],
    [2.0, 0.9772498680518208], [-2.0, 0.02275013194817921], [3.0, 0.9986501019683699],
    [-3.0, 0.0013498980316300946], [5.0, 0.9999997133484281], [-5.0, 2.866515718791939e-07],
    [-8.0, 6.220960574271784e-16], [-10.0, 7.619853024160525e-24], [-20.0, 2.7536241186062337e-89],
    [-30.0, 4.906713927148187e-198], [-37.0, 5.725571222524577e-300], [7.0, 0.9999999999987201],
    [-15.43, 5.143510670423735e-54], [-33.3333, 6.35934146846808e-244], [-36.6, 1.4300370427625566e-293],
    [3.3, 0.9995165758576162],
  ],
  logNdtr: [
    [0.0, -0.6931471805599453], [1.0, -0.17275377902344988], [3.0, -0.0013508099647481938],
    [5.0, -2.866516129637636e-07], [10.0, -7.619853024160525e-24], [20.0, -2.7536241186062337e-89],
    [-0.5, -1.1759117615936185], [-1.0, -1.8410216450092636], [-2.0, -3.783184333682032],
    [-5.0, -15.064998393988725], [-10.0, -53.23128515051247], [-20.0, -203.91715537109727],
    [-30.0, -454.3212439563432], [-39.0, -765.0831565643775], [-40.0, -804.6084420137538],
    [-45.0, -1017.2260942419524], [-100.0, -5005.524208694205], [-1000.0, -500007.82669481216],
    [-3.3, -7.634616148071127], [-25.123, -319.7268649387799], [-39.5, -784.7208791043175],
    [-41.7, -874.0950139170593],
  ],
  erfInv: [
    [1e-10, 8.862269254527581e-11], [0.001, 0.0008862271574665521], [0.1, 0.08885599049425769],
    [0.3, 0.2724627147267543], [0.5, 0.4769362762044699], [-0.5, -0.4769362762044699],
    [0.7, 0.7328690779592167], [0.9, 1.1630871536766743], [-0.9, -1.1630871536766743],
    [0.99, 1.8213863677184494], [0.999999, 3.458910737275499], [0.9999999999, 4.572824958544925],
    [0.999999999999999, 5.675915739744713], [-0.999999999999999, -5.675915739744713],
    [0.9999999999999999, 5.8635847487551676],
  ],
  ndtri: [
    [1e-300, -37.0470962993612], [1e-200, -30.20559417957964], [1e-100, -21.273453560965326],
    [1e-50, -14.933337534788489], [1e-20, -9.262340089798407], [1e-10, -6.361340902404057],
    [1e-05, -4.264890793922825], [0.001, -3.0902323061678136], [0.01, -2.326347874040841],
    [0.02425, -1.972961051311885], [0.1, -1.2815515655446004], [0.25, -0.6744897501960817],
    [0.3, -0.5244005127080408], [0.5, 0.0], [0.6, 0.2533471031357997],
    [0.75, 0.6744897501960817], [0.9, 1.2815515655446006], [0.99, 2.3263478740408408],
    [0.999999, 4.753424308817087], [0.9999999999, 6.361340889697422], [0.9999999999999999, 8.209536151601387],
  ],
  lgamma: [
    [1e-300, 690.7755278982137], [1e-10, 23.025850929882736], [0.1, 2.252712651734206],
    [0.5, 0.5723649429247001], [0.9, 0.06637623973474295], [1.1, -0.049872441259839764],
    [1.4616321449683622, -0.12148629053584961], [1.5, -0.12078223763524522], [1.9, -0.03898427592308336],
    [2.1, 0.04543773854448518], [2.5, 0.2846828704729192], [3.0, 0.6931471805599453],
    [4.5, 2.4537365708424423], [7.25, 7.0521854507385395], [9.99, 12.779315214350193],
    [10.0, 12.801827480081469], [20.5, 40.8315009745308], [100.0, 359.1342053695754],
    [1000.0, 5905.220423209181], [10000000000.0, 220258509288.81058], [1e+100, 2.2925850929940456e+102],
    [-1e-200, 460.51701859880916], [-1e-10, 23.025850929998178], [-0.1, 2.3689613327287886],
    [-0.5, 1.2655121234846454], [-1.5, 0.860047015376481], [-2.5, -0.056243716497674054],
    [-3.7, -1.3797399049658245], [-10.5, -15.147270590717842], [-100.25, -363.4009232278215],
  ],
  digamma: [
    [1e-300, -9.999999999999999e+299], [1e-10, -10000000000.577215], [0.1, -10.423754940411076],
    [0.5, -1.9635100260214235], [0.9, -0.7549269499470513], [0.97, -0.6276756262377752],
    [1.0, -0.5772156649015329], [1.1998326905637904, -0.28925196144735005],
    [1.2108372731734904, -0.2753910961268821], [1.2, -0.2890398965921884], [1.7, 0.2085478748734939],
    [1.95, 0.39002196274204304], [2.0, 0.42278433509846713], [2.1, 0.48533596867983236],
    [3.0, 0.9227843350984671], [5.5, 1.6110931485817512], [9.99, 2.250700372831201],
    [10.0, 2.251752589066721], [25.0, 3.198742512851974], [100.0, 4.600161852738087],
    [10000000000.0, 23.025850929890456], [1e+200, 460.51701859880916], [-1e-10, 9999999999.422785],
    [-0.5, 0.03648997397857652], [-1.5, 0.7031566406452432], [-2.5, 1.103156640645243],
    [-3.7, -0.8450768588704194], [-10.25, 5.516858419886273],
  ],
  polygamma1: [
    [1e-150, 1e+300], [1e-10, 1e+20], [0.1, 101.43329915079275],
    [0.5, 4.934802200544679], [1.0, 1.6449340668482264], [1.5, 0.9348022005446793],
    [2.0, 0.6449340668482264], [3.3, 0.3535015418410618], [9.99, 0.10527695014824179],
    [10.0, 0.10516633568168575], [50.0, 0.020201333226697125], [100000.0, 1.0000050000166667e-05],
    [10000000000.0, 1.00000000005e-10], [-1e-10, 1e+20], [-0.5, 8.934802200544679],
    [-1.5, 9.379246644989124], [-2.5, 9.539246644989124], [-3.7, 14.84242186412428],
    [-10.25, 19.646252424622652],
  ],

};

const EULER = 0.5772156649015329;
const PI2 = Math.PI * Math.PI;

function relErr(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

function expectRel(actual: number, expected: number, tol: number, what: string): void {
  expect(relErr(actual, expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol);
}

/** |a - b| <= tol * scale, for identities whose two sides cancel. */
function expectAbs(a: number, b: number, tol: number, scale: number, what: string): void {
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(tol * scale);
}

function checkTable(name: string, f: (x: number) => number, tol: number, tolNegative = tol): void {
  for (const [x, want] of REF[name]) expectRel(f(x), want, x < 0 ? tolNegative : tol, `${name}(${x})`);
}

// sin(pi x) and cot(pi x) for the identities below, reduced so that the rounding of pi * x
// (|x| ulp, amplified near zeros of sin) does not swamp the function under test.
function sinpiRef(x: number): number {
  const r = x - Math.round(x);
  return Math.abs(Math.sin(Math.PI * r));
}
function cotpiRef(x: number): number {
  return x > 0.5 ? -1 / Math.tan(Math.PI * (1 - x)) : 1 / Math.tan(Math.PI * x);
}

/** Deterministic pseudo-random points in [lo, hi) so failures are reproducible. */
function samples(lo: number, hi: number, n: number, seed = 12345): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((hi - lo) * s) / 2 ** 32);
  }
  return out;
}

/** log(n!) from an exact BigInt factorial: 17 leading digits plus a power of ten. */
function logFactorial(n: number): number {
  let f = 1n;
  for (let k = 2n; k <= BigInt(n); k++) f *= k;
  const digits = f.toString();
  const lead = digits.slice(0, 17);
  return Math.log(Number(lead)) + (digits.length - lead.length) * Math.LN10;
}

describe('erf / erfc', () => {
  it('matches high-precision reference values', () => {
    checkTable('erf', erf, 5e-16);
    checkTable('erfc', erfc, 5e-16);
  });

  it('handles special values', () => {
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(0)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
    // Subnormal input: erf(x) = 2x/sqrt(pi) to within rounding.
    expectRel(erf(1e-310), 1.1283791670955126e-310, 1e-5, 'erf(1e-310)');
  });

  it('is odd, and erf + erfc = 1, erfc(-x) = 2 - erfc(x)', () => {
    for (const x of samples(-7, 7, 400)) {
      expect(erf(-x)).toBe(-erf(x));
      expectAbs(erf(x) + erfc(x), 1, 2.3e-16, 1, `erf+erfc at ${x}`);
      expectAbs(erfc(-x), 2 - erfc(x), 2.3e-16, 2, `erfc reflection at ${x}`);
    }
  });

  it('follows the asymptotic expansion deep in the tail', () => {
    // erfc(x) = exp(-x^2)/(x sqrt(pi)) * sum_k (-1)^k (2k-1)!!/(2x^2)^k; computed in log space,
    // with x^2 exact for these integer x, so the reference carries ~1e-16 error.
    for (const x of [12, 15, 18, 20, 22, 24, 26]) {
      let term = 1;
      let sum = 1;
      for (let k = 1; k < 30; k++) {
        term *= -(2 * k - 1) / (2 * x * x);
        sum += term;
      }
      const want = Math.exp(-x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log(sum));
      // exp() of an argument near -700 amplifies its rounding error to ~1e-13 relative.
      expectRel(erfc(x), want, 3e-13, `erfc(${x}) asymptotic`);
    }
  });

  it('is monotone across the internal interval boundaries', () => {
    for (const b of [0.25, 0.84375, 1.25, 1 / 0.35, 6]) {
      const xs = [b - 4e-16 * b, b - 2e-16 * b, b, b + 2e-16 * b, b + 4e-16 * b];
      for (let i = 1; i < xs.length; i++) {
        expect(erfc(xs[i])).toBeLessThanOrEqual(erfc(xs[i - 1]));
        expect(erf(xs[i])).toBeGreaterThanOrEqual(erf(xs[i - 1]));
      }
    }
  });
});

describe('erfInv', () => {
  it('matches high-precision reference values, including next to +-1', () => {
    checkTable('erfInv', erfInv, 5e-16);
  });

  it('handles the domain edges', () => {
    expect(erfInv(1)).toBe(Infinity);
    expect(erfInv(-1)).toBe(-Infinity);
    expect(erfInv(0)).toBe(0);
    expect(erfInv(1.0000001)).toBeNaN();
    expect(erfInv(-2)).toBeNaN();
    expect(erfInv(NaN)).toBeNaN();
  });

  it('inverts erf', () => {
    // erfInv(erf(x)) = x where erf does not round away information (|x| <= 1.5) ...
    for (const x of samples(-1.5, 1.5, 300)) expectRel(erfInv(erf(x)), x, 2e-15, `erfInv(erf(${x}))`);
    // ... and erf(erfInv(y)) = y over the whole open interval.
    for (const y of samples(-1, 1, 300, 7)) expectRel(erf(erfInv(y)), y, 5e-16, `erf(erfInv(${y}))`);
    // Near 1, 1 - y is exact, so erfc(erfInv(y)) must reproduce it; erfc's sensitivity 2z^2
    // to relative error in z sets the tolerance.
    for (const d of [1e-3, 1e-6, 1e-9, 1e-12, 1e-15, 2 ** -52]) {
      const z = erfInv(1 - d);
      expectRel(erfc(z), 1 - (1 - d), (1 + 2 * z * z) * 2.5e-16, `erfc(erfInv(1 - ${d}))`);
      expect(erfInv(-(1 - d))).toBe(-z);
    }
  });
});

describe('ndtr / ndtri / logNdtr', () => {
  it('matches high-precision reference values in both tails', () => {
    checkTable('ndtr', ndtr, 5e-16);
    checkTable('ndtri', ndtri, 5e-16);
    checkTable('logNdtr', logNdtr, 5e-16);
  });

  it('handles special values', () => {
    expect(ndtr(0)).toBe(0.5);
    expect(ndtr(-Infinity)).toBe(0);
    expect(ndtr(Infinity)).toBe(1);
    expect(ndtr(-40)).toBe(0);
    expect(ndtri(0)).toBe(-Infinity);
    expect(ndtri(1)).toBe(Infinity);
    expect(ndtri(0.5)).toBe(0);
    expect(ndtri(-0.1)).toBeNaN();
    expect(ndtri(1.5)).toBeNaN();
    expect(ndtri(NaN)).toBeNaN();
    expect(logNdtr(0)).toBe(Math.log(0.5));
    expect(logNdtr(Infinity)).toBe(0);
    expect(logNdtr(-Infinity)).toBe(-Infinity);
    expect(logNdtr(NaN)).toBeNaN();
    expect(ndtr(NaN)).toBeNaN();
  });

  it('agrees with erfc and is antisymmetric: ndtr(x) + ndtr(-x) = 1', () => {
    for (const x of samples(-8, 8, 300)) {
      expectAbs(ndtr(x) + ndtr(-x), 1, 2.3e-16, 1, `ndtr symmetry at ${x}`);
      // 0.5 erfc(-x/sqrt2) inherits ~x^2 ulp from rounding x/sqrt2; ndtr itself does not.
      expectRel(ndtr(x), 0.5 * erfc(-x * Math.SQRT1_2), (2 + x * x) * 2.3e-16, `ndtr vs erfc at ${x}`);
    }
  });

  it('ndtri inverts ndtr', () => {
    for (const x of [...samples(-37, 1, 400), -1e-8, 1e-12]) {
      // Rounding p = ndtr(x) moves the root by up to ulp(p) / phi(x), which dominates near 0.
      const p = ndtr(x);
      const phi = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
      expectAbs(ndtri(p), x, 1, 2e-15 * Math.abs(x) + (1.2e-16 * p) / phi, `ndtri(ndtr(${x}))`);
    }
    for (const e of [1, 5, 10, 30, 100, 200, 300, 307]) {
      const p = 10 ** -e;
      const x = ndtri(p);
      // ndtr's relative sensitivity to relative error in x is about x^2.
      expectRel(ndtr(x), p, (2 + x * x) * 3e-16, `ndtr(ndtri(1e-${e}))`);
    }
  });

  it('ndtri is antisymmetric where 1 - p is exact', () => {
    for (const p of [0.375, 0.25, 0.125, 2 ** -5, 2 ** -10, 2 ** -20, 2 ** -40, 2 ** -52]) {
      expect(ndtri(1 - p)).toBe(-ndtri(p));
    }
  });

  it('ndtri stays accurate for subnormal probabilities', () => {
    // Refinement happens on log(erfc), so a subnormal p still yields a full-precision root:
    // reference is mpmath's root of ncdf(x) = 1e-310 (the double nearest 1e-310).
    expectRel(ndtri(1e-310), -37.663060331949524, 1e-15, 'ndtri(1e-310)');
    expect(ndtri(5e-324)).toBeLessThan(-38);
    expect(Number.isFinite(ndtri(5e-324))).toBe(true);
  });

  it('logNdtr matches log(ndtr) where that is representable and follows the asymptotic series', () => {
    for (const x of samples(-37, 3, 300)) {
      // log() amplifies ndtr's half-ulp rounding by 1/ndtr(x) in absolute terms.
      const p = ndtr(x);
      const want = Math.log(p);
      expectAbs(logNdtr(x), want, 1, 1e-15 * Math.abs(want) + 1.2e-16 / p, `logNdtr(${x}) vs log(ndtr)`);
    }
    // log ndtr(x) = -x^2/2 - log(-x) - log(2 pi)/2 + log(1 - 1/x^2 + 3/x^4 - 15/x^6 + ...).
    for (const x of [-50, -100, -1e3, -1e5, -1e10, -1e100, -1e150]) {
      const x2 = x * x;
      const series = -1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2) + 105 / (x2 * x2 * x2 * x2);
      const want = -0.5 * x2 - Math.log(-x) - 0.5 * Math.log(2 * Math.PI) + Math.log1p(series);
      expectRel(logNdtr(x), want, 1e-15, `logNdtr(${x}) asymptotic`);
    }
    // For large positive x, log ndtr(x) = log1p(-ndtr(-x)) ~ -ndtr(-x).
    for (const x of [10, 20, 30]) expectRel(logNdtr(x), -ndtr(-x), 1e-15, `logNdtr(${x})`);
    // Continuous across the switch between the fdlibm form and the asymptotic series.
    const b = -28 * Math.SQRT2;
    expectRel(logNdtr(b * (1 - 1e-15)), logNdtr(b * (1 + 1e-15)), 5e-15, 'logNdtr continuity');
  });
});

describe('lgamma', () => {
  it('matches high-precision reference values', () => {
    // Negative x goes through reflection, which cancels (e.g. ~20x at -2.5).
    checkTable('lgamma', lgamma, 5e-16, 4e-15);
  });

  it('is exactly zero at 1 and 2 and infinite at the poles', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    for (const x of [0, -0, -1, -2, -17, -1e6, -(2 ** 60), Infinity, -Infinity]) expect(lgamma(x)).toBe(Infinity);
    expect(lgamma(NaN)).toBeNaN();
    // Just left of the pole at 0, lgamma(x) = -log(-x) - gamma x + O(x^2), down to subnormals.
    expectRel(lgamma(-1e-300), -Math.log(1e-300), 1e-16, 'lgamma(-1e-300)');
    expectRel(lgamma(-5e-324), -Math.log(5e-324), 1e-16, 'lgamma(-5e-324)');
  });

  it('equals log((n-1)!) at the integers (exact BigInt factorials)', () => {
    for (let n = 3; n <= 400; n++) expectRel(lgamma(n), logFactorial(n - 1), 1e-15, `lgamma(${n})`);
  });

  it('keeps relative accuracy next to its zeros at 1 and 2', () => {
    // lgamma(1 + e) = -gamma e + (pi^2/12) e^2 - zeta(3)/3 e^3 + ...
    // lgamma(2 + e) = (1 - gamma) e + ((pi^2/6 - 1)/2) e^2 - ((zeta(3) - 1)/3) e^3 + ...
    const zeta3 = 1.2020569031595942;
    const series1 = (e: number): number =>
      -EULER * e + (PI2 / 12) * e * e - (zeta3 / 3) * e ** 3 + (Math.PI ** 4 / 360) * e ** 4;
    const series2 = (e: number): number =>
      (1 - EULER) * e + ((PI2 / 6 - 1) / 2) * e * e - ((zeta3 - 1) / 3) * e ** 3 + ((Math.PI ** 4 / 90 - 1) / 4) * e ** 4;
    for (const e0 of [1e-3, -1e-3, 1e-6, -1e-6, 1e-9, -1e-12, 2 ** -40, -(2 ** -40)]) {
      // Use the offsets the doubles 1 + e0 and 2 + e0 really carry (both differences are exact).
      const e1 = 1 + e0 - 1;
      const e2 = 2 + e0 - 2;
      // Truncation after e^4 leaves a relative error below |e|^4.
      expectRel(lgamma(1 + e0), series1(e1), 2e-15 + e1 ** 4, `lgamma(1 + ${e1})`);
      expectRel(lgamma(2 + e0), series2(e2), 2e-15 + e2 ** 4, `lgamma(2 + ${e2})`);
    }
  });

  it('satisfies the recurrence lgamma(x + 1) = lgamma(x) + log(x)', () => {
    for (const x of samples(0.01, 60, 400)) {
      const a = lgamma(x + 1);
      const b = lgamma(x) + Math.log(x);
      // x + 1 is rounded; its effect is digamma(x + 1) * ulp, well below this bound.
      expectAbs(a, b, 6e-16, Math.abs(lgamma(x)) + Math.abs(Math.log(x)) + 1, `recurrence at ${x}`);
    }
  });

  it('satisfies the reflection formula for negative arguments', () => {
    // lgamma(x) + lgamma(1 - x) = log(pi / |sin(pi x)|)
    for (const x of samples(-30, 0, 300)) {
      if (x === Math.floor(x)) continue;
      const lhs = lgamma(x) + lgamma(1 - x);
      const rhs = Math.log(Math.PI / sinpiRef(x));
      expectAbs(lhs, rhs, 1e-15, Math.abs(lgamma(x)) + Math.abs(lgamma(1 - x)) + 1, `reflection at ${x}`);
    }
  });

  it('follows Stirling for huge arguments', () => {
    for (const x of [1e20, 1e100, 1e300]) {
      const want = x * (Math.log(x) - 1) - 0.5 * Math.log(x) + 0.5 * Math.log(2 * Math.PI);
      expectRel(lgamma(x), want, 1e-15, `lgamma(${x})`);
    }
    expect(lgamma(1e306)).toBe(Infinity);
  });
});

describe('digamma', () => {
  it('matches high-precision reference values', () => {
    checkTable('digamma', digamma, 1e-15);
  });

  it('is NaN at the poles and handles infinities', () => {
    for (const x of [0, -0, -1, -2, -50, -Infinity, NaN]) expect(digamma(x)).toBeNaN();
    expect(digamma(Infinity)).toBe(Infinity);
  });

  it('equals -gamma + H(n-1) at the positive integers', () => {
    let h = 0;
    for (let n = 1; n <= 200; n++) {
      expectRel(digamma(n), -EULER + h, 1e-15, `digamma(${n})`);
      h += 1 / n;
    }
  });

  it('satisfies psi(x + 1) = psi(x) + 1/x', () => {
    for (const x of samples(0.05, 40, 400)) {
      const a = digamma(x + 1);
      const b = digamma(x) + 1 / x;
      expectAbs(a, b, 1e-15, Math.abs(digamma(x)) + 1 / x + 1, `recurrence at ${x}`);
    }
  });

  it('satisfies the reflection psi(1 - x) - psi(x) = pi cot(pi x)', () => {
    for (const x of samples(0.01, 0.99, 300)) {
      const lhs = digamma(1 - x) - digamma(x);
      const rhs = Math.PI * cotpiRef(x);
      expectAbs(lhs, rhs, 2e-15, Math.abs(digamma(x)) + Math.abs(digamma(1 - x)) + 1, `reflection at ${x}`);
    }
  });

  it('resolves its positive zero to full relative precision', () => {
    // The double nearest x0 = 1.46163214496836234126... lies d = -9.55e-17 below it, so
    // psi(X) = psi'(x0) d to first order, with psi'(x0) = zeta(2, x0) = 0.96767224544762...
    const X = 1.4616321449683622;
    const want = 0.9676722454476212 * -9.549995429965697e-17;
    expectRel(digamma(X), want, 1e-12, 'digamma at the zero');
    // psi(1) = -gamma sits inside the series window, so it comes out correctly rounded.
    expect(digamma(1)).toBe(-EULER);
    expect(digamma(1.46)).toBeLessThan(0);
    expect(digamma(1.47)).toBeGreaterThan(0);
  });

  it('follows the asymptotic expansion for large x', () => {
    for (const x of [1e3, 1e8, 1e15, 1e300]) {
      const want = Math.log(x) - 0.5 / x - 1 / (12 * x * x) + 1 / (120 * x ** 4);
      expectRel(digamma(x), want, 5e-16, `digamma(${x})`);
    }
  });
});

describe('polygamma1 (trigamma)', () => {
  it('matches high-precision reference values', () => {
    checkTable('polygamma1', polygamma1, 5e-16);
  });

  it('hits the classical values', () => {
    expectRel(polygamma1(1), PI2 / 6, 3e-16, 'trigamma(1)');
    expectRel(polygamma1(0.5), PI2 / 2, 3e-16, 'trigamma(1/2)');
    expectRel(polygamma1(0.25), PI2 + 8 * 0.915965594177219, 5e-16, 'trigamma(1/4) = pi^2 + 8G');
    let s = PI2 / 6;
    for (let n = 1; n <= 100; n++) {
      expectRel(polygamma1(n), s, 1e-15, `trigamma(${n})`);
      s -= 1 / (n * n);
    }
  });

  it('is +Infinity at the poles and handles infinities', () => {
    for (const x of [0, -1, -2, -30]) expect(polygamma1(x)).toBe(Infinity);
    expect(polygamma1(Infinity)).toBe(0);
    expect(polygamma1(-Infinity)).toBeNaN();
    expect(polygamma1(NaN)).toBeNaN();
  });

  it('satisfies recurrence and reflection', () => {
    for (const x of samples(0.05, 40, 300)) {
      expectAbs(polygamma1(x + 1), polygamma1(x) - 1 / (x * x), 1e-15, polygamma1(x) + 1 / (x * x), `recurrence at ${x}`);
    }
    for (const x of samples(0.01, 0.99, 300, 99)) {
      const s = sinpiRef(x);
      expectRel(polygamma1(x) + polygamma1(1 - x), PI2 / (s * s), 1.5e-15, `reflection at ${x}`);
    }
  });

  it('is the derivative of digamma', () => {
    for (const x of [-2.5, -0.3, 0.2, 1, 3.7, 25]) {
      const h = 1e-5 * Math.max(1, Math.abs(x));
      // Five-point central difference: truncation O(h^4), rounding ~1e-16/h.
      const d = (-digamma(x + 2 * h) + 8 * digamma(x + h) - 8 * digamma(x - h) + digamma(x - 2 * h)) / (12 * h);
      expectRel(d, polygamma1(x), 1e-9, `d/dx digamma at ${x}`);
    }
  });

  it('follows the asymptotic expansion for large x', () => {
    for (const x of [1e3, 1e8, 1e15]) {
      const want = 1 / x + 0.5 / (x * x) + 1 / (6 * x ** 3) - 1 / (30 * x ** 5);
      expectRel(polygamma1(x), want, 5e-16, `trigamma(${x})`);
    }
  });
});
