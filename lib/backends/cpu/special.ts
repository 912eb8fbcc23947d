/**
 * Float64 special functions on plain numbers for the CPU backend: erf/erfc and their
 * inverses, the normal CDF family, lgamma, digamma and trigamma. Dependency-free.
 *
 * erf/erfc follow the scheme of Sun's fdlibm s_erf.c (rational approximations on four
 * intervals, with its published coefficients). Everything else is built on series whose
 * coefficients were generated with mpmath; see tests/cpu-special.test.ts for the accuracy
 * that is checked.
 */

const SQRT2 = Math.SQRT2;
const SQRT1_2 = Math.SQRT1_2;
const SQRT_PI_2 = 0.886226925452758; // sqrt(pi)/2
const LN_PI = 1.1447298858494002;
const HALF_LN_2PI = 0.9189385332046728;

/** Horner evaluation of c[0] + c[1] x + c[2] x^2 + ... */
function poly(c: readonly number[], x: number): number {
  let r = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) r = r * x + c[i];
  return r;
}

// ---------------------------------------------------------------------------------------
// erf / erfc (fdlibm coefficients)

const ERX = 8.45062911510467529297e-1; // erf(1) rounded to 24 bits
const EFX = 1.28379167095512586316e-1; // 2/sqrt(pi) - 1
// erf(x) = x + x * P(x^2)/Q(x^2) on |x| < 0.84375
const ERF_P = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2,
  -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const ERF_Q = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3,
  1.32494738004321644526e-4, -3.96022827877536812320e-6];
// erf(1 + s) - ERX = P(s)/Q(s) on 0.84375 <= |x| < 1.25
const ERF_PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
  3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2,
  -2.16637559486879084300e-3];
const ERF_QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2,
  1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// log(x erfc(x)) + x^2 + 0.5625 = R(1/x^2)/S(1/x^2) on [1.25, 1/0.35) and [1/0.35, 28)
const ERFC_RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
  -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2,
  -8.12874355063065934246e1, -9.81432934416914548592];
const ERFC_SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2,
  6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2,
  6.57024977031928170135, -6.04244152148580987438e-2];
const ERFC_RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
  -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3,
  -4.83519191608651397019e2];
const ERFC_SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3,
  3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2,
  -2.24409524465858183362e1];

/** R/S - 0.5625 for z >= 1.25, so that log(erfc(z)) = -z^2 + tailLogCorr(z) - log(z). */
function tailLogCorr(z: number): number {
  const s = 1 / (z * z);
  const rs = z < 1 / 0.35 ? poly(ERFC_RA, s) / poly(ERFC_SA, s) : poly(ERFC_RB, s) / poly(ERFC_SB, s);
  return rs - 0.5625;
}

/**
 * Splits v^2 = hi + lo with hi exact, so exp(-v^2) keeps full relative accuracy even when
 * v^2 is in the hundreds (a plain v*v would carry an absolute error of ~1e-13 there).
 */
function splitSquare(v: number): [number, number] {
  const s = Math.fround(v); // 24 significant bits: s*s is exact in a double
  return [s * s, (v - s) * (v + s)];
}

/** erfc(z) for 1.25 <= z < 28, given z^2 = hi + lo (hi exact); the caller may scale both. */
function erfcTail(z: number, hi: number, lo: number): number {
  return (Math.exp(-hi) * Math.exp(tailLogCorr(z) - lo)) / z;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 3.725290298461914e-9) {
      // The scaled form keeps subnormal inputs from losing bits to underflow.
      return ax < 2.2250738585072014e-308 ? 0.125 * (8 * x + 8 * EFX * x) : x + EFX * x;
    }
    const z = x * x;
    return x + x * (poly(ERF_P, z) / poly(ERF_Q, z));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const r = ERX + poly(ERF_PA, s) / poly(ERF_QA, s);
    return x < 0 ? -r : r;
  }
  if (ax >= 6) return x < 0 ? -1 : 1; // erfc(6) < 2^-54
  const [hi, lo] = splitSquare(ax);
  const r = 1 - erfcTail(ax, hi, lo);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 1.3877787807814457e-17) return 1 - x;
    const z = x * x;
    const y = poly(ERF_P, z) / poly(ERF_Q, z);
    // Above 0.25 the result drops below 3/4, so regroup to cancel exactly against 0.5.
    return x < 0.25 ? 1 - (x + x * y) : 0.5 - (x - 0.5 + x * y);
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const r = poly(ERF_PA, s) / poly(ERF_QA, s);
    return x > 0 ? 1 - ERX - r : 1 + (ERX + r);
  }
  if (x >= 28) return 0; // true value is below the smallest subnormal
  if (x <= -6) return 2;
  const [hi, lo] = splitSquare(ax);
  const r = erfcTail(ax, hi, lo);
  return x > 0 ? r : 2 - r;
}

// ---------------------------------------------------------------------------------------
// Normal CDF family

/** ndtr(x) for x <= -1.25*sqrt(2); exp(-x^2/2) is split on x itself, not on x/sqrt(2). */
function ndtrLowerTail(x: number): number {
  const ax = -x;
  const z = ax * SQRT1_2;
  if (z >= 28) return 0;
  const [hi, lo] = splitSquare(ax);
  return 0.5 * erfcTail(z, 0.5 * hi, 0.5 * lo);
}

export function ndtr(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = x * SQRT1_2;
  if (Math.abs(z) < 1.25) return 0.5 * erfc(-z);
  return x < 0 ? ndtrLowerTail(x) : 1 - ndtrLowerTail(-x);
}

export function logNdtr(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // log1p keeps the tiny upper-tail mass that log(1 - tail) would round away.
  if (x > 0) {
    const tail = ndtr(-x);
    return tail === 0 ? 0 : Math.log1p(-tail);
  }
  const z = -x * SQRT1_2;
  if (z < 1.25) return Math.log(ndtr(x));
  if (z < 28) {
    const [hi, lo] = splitSquare(-x);
    return -0.5 * hi - (0.5 * lo - tailLogCorr(z) + Math.log(z) + Math.LN2);
  }
  // Beyond the fdlibm range: log ndtr(x) = -x^2/2 - log(-x sqrt(2 pi)) + log(1 + sum_k
  // (-1)^k (2k-1)!!/x^(2k)). With x^2 > 1568 ten terms reach ~1e-23.
  const x2 = x * x;
  let term = 1;
  let sum = 0;
  for (let k = 1; k <= 10; k++) {
    term *= -(2 * k - 1) / x2;
    sum += term;
  }
  return -0.5 * x2 - Math.log(-x) - HALF_LN_2PI + Math.log1p(sum);
}

// Acklam's rational approximation to the normal quantile (relative error < 1.2e-9); it only
// seeds the refinement below, where a single Newton or Halley step squares or cubes that error
// (well past double precision), so one step suffices.
const ACK_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239];
const ACK_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1, 1];
const ACK_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783];
const ACK_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416, 1];

/** Horner with coefficients listed from the highest power down (as Acklam publishes them). */
function polyDesc(c: readonly number[], x: number): number {
  let r = c[0];
  for (let i = 1; i < c.length; i++) r = r * x + c[i];
  return r;
}

/** Acklam's central branch, taking q = p - 0.5 so callers can pass it without rounding. */
function acklamCentral(q: number): number {
  const r = q * q;
  return (polyDesc(ACK_A, r) * q) / polyDesc(ACK_B, r);
}

/** Acklam's estimate of ndtri(p) for 0 < p <= 0.5. */
function acklamLower(p: number): number {
  if (p >= 0.02425) return acklamCentral(p - 0.5);
  const q = Math.sqrt(-2 * Math.log(p));
  return polyDesc(ACK_C, q) / polyDesc(ACK_D, q);
}

/** erf^-1(y) for |y| <= 0.5, refined by one Halley step against erf. */
function erfInvCentral(y: number): number {
  if (Math.abs(y) < 3.725290298461914e-9) return y * SQRT_PI_2; // next term is O(y^3)
  const z = acklamCentral(0.5 * y) * SQRT1_2;
  // f = erf(z) - y, f'' / f' = -2z, so Halley's step is t / (1 + z t) with t = f / f'.
  const t = (erf(z) - y) * SQRT_PI_2 * Math.exp(z * z);
  return z - t / (1 + z * t);
}

/** erfc^-1(y) for 0 < y <= 0.5, refined against erfc. */
function erfcInvSmall(y: number): number {
  const z = -acklamLower(0.5 * y) * SQRT1_2;
  if (y < 0.05) {
    // Tail (z > 1.38): Newton on log erfc(z) = log y, which never underflows, so even
    // subnormal y refine to full accuracy. log erfc is nearly -z^2, so the step's quadratic
    // error term is ~err^2 / (2z).
    const [hi, lo] = splitSquare(z);
    const c = tailLogCorr(z);
    const f = (-hi - Math.log(y)) - (lo - c + Math.log(z)); // log erfc(z) - log y
    return z + (f * SQRT_PI_2 * Math.exp(c)) / z; // d/dz log erfc(z) = -(2/sqrt(pi)) z e^-c
  }
  // Halley against erfc as in erfInvCentral (f' changes sign, f''/f' is the same).
  const t = -(erfc(z) - y) * SQRT_PI_2 * Math.exp(z * z);
  return z - t / (1 + z * t);
}

export function erfInv(x: number): number {
  if (!(x >= -1 && x <= 1)) return NaN;
  if (x === 1) return Infinity;
  if (x === -1) return -Infinity;
  if (Math.abs(x) <= 0.5) return erfInvCentral(x);
  // 1 - |x| is exact here, and refining against erfc keeps the tail information.
  return x > 0 ? erfcInvSmall(1 - x) : -erfcInvSmall(1 + x);
}

export function ndtri(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // Each branch feeds an exactly computed argument (2p, 2(1-p), 2p-1) to the inverse.
  if (p < 0.25) return -SQRT2 * erfcInvSmall(2 * p);
  if (p > 0.75) return SQRT2 * erfcInvSmall(2 * (1 - p));
  return SQRT2 * erfInvCentral(2 * p - 1);
}

// ---------------------------------------------------------------------------------------
// Gamma family

/** sin(pi x) with exact argument reduction, so large |x| does not inherit pi's rounding. */
function sinpi(x: number): number {
  let r = x - 2 * Math.round(0.5 * x); // exact; r in [-1, 1]
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}

/** cot(pi x), reduced exactly to |r| <= 1/2 and evaluated via tan near the zero at 1/2. */
function cotpi(x: number): number {
  const r = x - Math.round(x);
  if (Math.abs(r) <= 0.25) return 1 / Math.tan(Math.PI * r);
  return r > 0 ? Math.tan(Math.PI * (0.5 - r)) : -Math.tan(Math.PI * (0.5 + r));
}

// lgamma(2 + t) = t * sum_k LG2[k] t^k: the Taylor series about 2, whose coefficients are
// 1 - gamma, then (-1)^k (zeta(k) - 1) / k. Used for |t| <= 1/2, where 28 terms reach 1e-18.
// Working around 2 (rather than a global fit) keeps relative accuracy at the zeros x = 1, 2.
const LG2 = [
  0.42278433509846713, 0.3224670334241132, -0.0673523010531981,
  0.020580808427784546, -0.007385551028673986, 0.0028905103307415234,
  -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939,
  9.945751278180853e-05, -4.492623673813314e-05, 2.050721277567069e-05,
  -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06,
  9.55141213040742e-07, -4.492469198764566e-07, 2.1207184805554665e-07,
  -1.0043224823968099e-07, 4.7698101693639804e-08, -2.2711094608943164e-08,
  1.0838659214896955e-08, -5.183475041970047e-09, 2.4836745438024785e-09,
  -1.1921401405860912e-09, 5.731367241678862e-10, -2.7595228851242334e-10,
  1.330476437424449e-10,
];
const lgammaNear2 = (t: number): number => t * poly(LG2, t);

// Stirling series coefficients B_2k / (2k (2k-1)), k = 1..8.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

function lgammaPositive(x: number): number {
  // Each branch shifts to 2 + t with t computed exactly from x, then undoes the shift with logs.
  if (x < 0.5) return lgammaNear2(x) - Math.log(x) - Math.log1p(x);
  if (x < 1.5) return lgammaNear2(x - 1) - Math.log1p(x - 1);
  if (x <= 2.5) return lgammaNear2(x - 2);
  if (x < 10) {
    const n = Math.floor(x - 1.5);
    const y = x - n; // exact, as are the y + k below (all fit in x's ulp grid)
    let prod = 1;
    for (let k = 0; k < n; k++) prod *= y + k;
    return lgammaNear2(y - 2) + Math.log(prod);
  }
  const w = 1 / x;
  // Written as (x - 1/2)(log x - 1) so it does not overflow before lgamma itself does.
  return (x - 0.5) * (Math.log(x) - 1) + (HALF_LN_2PI - 0.5) + w * poly(STIRLING, w * w);
}

/**
 * lgamma at the integers 1 … LGAMMA_TABLE, filled on first use by lgammaPositive itself (so the
 * same bits): a Poisson likelihood takes lgamma(n + 1) of every observed count on every call.
 */
const LGAMMA_TABLE = 1024;
let lgammaInts: Float64Array | undefined;
function lgammaInt(n: number): number {
  if (!lgammaInts) {
    lgammaInts = new Float64Array(LGAMMA_TABLE + 1);
    for (let k = 1; k <= LGAMMA_TABLE; k++) lgammaInts[k] = lgammaPositive(k);
  }
  return lgammaInts[n];
}

/** log|Gamma(x)|; +Infinity at the poles x = 0, -1, -2, ... */
export function lgamma(x: number): number {
  // Observed counts first: one comparison chain and a table read (NaN fails x > 0).
  if (x > 0 && x <= LGAMMA_TABLE && x === Math.floor(x)) return lgammaInt(x);
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x > 0) return lgammaPositive(x);
  if (x === Math.floor(x)) return Infinity;
  // lgamma(x) = lgamma(1 + x) - log(-x), and lgamma(1 + x) = lgammaNear2(x) - log1p(x) uses
  // x itself rather than the rounded 1 + x.
  if (x > -0.5) return lgammaNear2(x) - Math.log1p(x) - Math.log(-x);
  // Reflection Gamma(x) Gamma(-x) = -pi / (x sin(pi x)); -x avoids rounding 1 - x.
  return LN_PI - Math.log(Math.abs(x * sinpi(x))) - lgammaPositive(-x);
}

// psi(X0 + t) = t * sum_k PSI_ROOT[k] t^k with PSI_ROOT[k] = (-1)^k zeta(k + 2, X0): the Taylor
// series about the positive zero X0 of digamma, used for |t| <= 1/2 (37 terms reach 1e-18).
// Across [0.96, 1.96] the recurrence below would cancel away leading digits (~4e-15 near 1.2).
const PSI_X0_HI = 1.4616321449683622;
const PSI_X0_LO = 9.549995429965697e-17;
const PSI_ROOT = [
  0.9676722454476212, -0.4427631689835921, 0.258499760955651,
  -0.16394270544240652, 0.10782405069126237, -0.07219956125645471,
  0.04880428816414311, -0.03316112647484736, 0.022597648232218104,
  -0.01542476590494896, 0.010538791616612175, -0.007204534386356869,
  0.004926781395729853, -0.003369801655439328, 0.002305126326734928,
  -0.0015769367714301972, 0.0010788252019162967, -0.0007380709389960052,
  0.000504953265834602, -0.0003454680251063077, 0.00023635601564027053,
  -0.00016170622091974803, 0.0001106337276874741, -7.569179582195066e-05,
  5.178575795222081e-05, -3.5430070947659604e-05, 2.424006611860132e-05,
  -1.6584242271854135e-05, 1.134638458466385e-05, -7.762817668462094e-06,
  5.3110609208898636e-06, -3.6336507898010456e-06, 2.486022733129538e-06,
  -1.7008538854332607e-06, 1.1636675363548843e-06, -7.96142543124197e-07,
  5.446941930669446e-07,
];

// Asymptotic coefficients B_2k / (2k), k = 1..8, for psi(x) ~ log x - 1/(2x) - sum c_k x^-2k.
const PSI_ASYM = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160];

/** digamma psi(x) = Gamma'(x)/Gamma(x); NaN at the poles x = 0, -1, -2, ... */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (x === Math.floor(x)) return NaN;
    return digamma(1 - x) - Math.PI * cotpi(x); // reflection
  }
  const t = x - PSI_X0_HI - PSI_X0_LO; // x - PSI_X0_HI is exact near the zero
  if (Math.abs(t) <= 0.5) return t * poly(PSI_ROOT, t);
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  // At x >= 10 the first omitted term is ~3e-18 relative.
  const w = 1 / (x * x);
  return acc + Math.log(x) - 0.5 / x - w * poly(PSI_ASYM, w);
}

// Asymptotic coefficients B_2k, k = 1..9, for psi'(x) ~ 1/x + 1/(2x^2) + sum B_2k x^-(2k+1).
const TRIGAMMA_ASYM = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798];

/** trigamma psi'(x); +Infinity at the (double) poles x = 0, -1, -2, ... */
export function polygamma1(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return 0;
  if (x <= 0) {
    if (x === Math.floor(x)) return Infinity;
    const c = Math.PI / sinpi(x); // squared after dividing, to avoid underflow of sin^2
    return c * c - polygamma1(1 - x); // reflection
  }
  let acc = 0;
  while (x < 10) {
    acc += 1 / (x * x);
    x += 1;
  }
  const w = 1 / x;
  const w2 = w * w;
  return acc + w + 0.5 * w2 + w * w2 * poly(TRIGAMMA_ASYM, w2);
}

const BERNOULLI_2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510];

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * ψ⁽ⁿ⁾(x) for n >= 1: shift x up with ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) - (-1)ⁿ n!/x^(n+1) until the
 * asymptotic (Bernoulli) series converges to double precision, then sum it.
 */
export function polygamma(n: number, x: number): number {
  if (Number.isNaN(x) || (x <= 0 && Number.isInteger(x))) return NaN;
  const nf = factorial(n);
  const sgn = n % 2 === 0 ? -1 : 1; // (-1)^(n+1)
  let shift = 0;
  while (x < 20 + n) {
    shift -= (n % 2 === 0 ? 1 : -1) * nf / x ** (n + 1);
    x += 1;
  }
  let series = factorial(n - 1) / x ** n + nf / (2 * x ** (n + 1));
  let fact = factorial(n + 1); // (2k + n - 1)! for k = 1
  let twoK = 2; // (2k)!
  for (let k = 1; k <= BERNOULLI_2K.length; k++) {
    const term = (BERNOULLI_2K[k - 1] * fact) / (twoK * x ** (2 * k + n));
    series += term;
    if (Math.abs(term) < 1e-17 * Math.abs(series)) break;
    fact *= (2 * k + n) * (2 * k + n + 1);
    twoK *= (2 * k + 1) * (2 * k + 2);
  }
  return sgn * series + shift;
}
