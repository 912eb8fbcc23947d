/**
 * Vectorised elementary functions emitted as WebAssembly functions, one per function and lane
 * precision: `(v128) -> v128` over f32x4 or f64x2 (pow takes two). Kernels call them (or the
 * engine inlines them); a MathLibrary emits each on first use into the caller's module.
 *
 * Accuracy targets: float32 within 2 ulp of the correctly rounded result, float64 within 1 ulp;
 * special values (±0, ±inf, NaN, subnormals, overflow edges) exactly as JS's Math.*. No FMA is
 * available (relaxed SIMD is not baseline), so where the last bits matter (logistic, tanh, pow)
 * intermediate values are carried as double-word pairs with Dekker's exact product.
 *
 * Range reductions are Cody–Waite with split constants. Polynomial coefficients: exp, log, expm1
 * and the sin/cos kernels use the long-published fdlibm minimax sets (and their float32
 * counterparts); tanh's and erf's were fitted for this file: the polynomial interpolating the
 * target at n + 1 Chebyshev nodes, in 80-digit decimal arithmetic, expanded in powers of
 * (x − center) and rounded to the lane precision, each set's measured approximation error noted
 * beside it; pow's log series is the exact atanh series.
 *
 * float32 sin, cos, erf and pow run in float64 lanes (two f64x2 halves), so they are within
 * 0.5 ulp plus a hair (sin and cos with a shorter reduction and kernels made for a float32
 * result); the rest run natively in f32x4.
 */
import type { FuncBuilder, ModuleBuilder } from './asm.js';
import { Lanes, type Precision, type Val } from './lanes.js';

export type { Precision } from './lanes.js';

export const MATH_FUNCTIONS = ['exp', 'log', 'log1p', 'expm1', 'tanh', 'logistic', 'sin', 'cos', 'erf', 'pow'] as const;
export type MathFunction = (typeof MATH_FUNCTIONS)[number];

/** The host functions a MathLibrary imports (sin/cos of arguments beyond Cody–Waite's range). */
export const MATH_IMPORTS = { math: { sin: Math.sin, cos: Math.cos } };

// ---- constants -----------------------------------------------------------------------------

interface Consts {
  readonly invLn2: number; readonly ln2Hi: number; readonly ln2Lo: number;
  /** exp: R(r²) of fdlibm's 2r/(e^r − 1) rational form. */
  readonly expP: readonly number[];
  readonly expMin: number; readonly expMax: number;
  /** log: ln2 split for k·ln2Hi exact with k up to the exponent range. */
  readonly logLn2Hi: number; readonly logLn2Lo: number;
  readonly lgOdd: readonly number[]; readonly lgEven: readonly number[];
  readonly minNormal: number; readonly subnormalScale: number; readonly subnormalShift: number;
  /** mantissa reduction into [√2/2, √2): bit offsets of 1.0 and √2/2. */
  readonly one: bigint; readonly sqrtHalf: bigint; readonly mantMask: bigint;
  readonly expm1Q: readonly number[]; readonly expm1Min: number; readonly expm1Mid: number;
  /** below this |x|, log1p(x) and expm1(x) round to x. */
  readonly tiny: number;
  readonly tanhP: readonly number[]; readonly tanhMax: number;
  /** logistic: below −this, σ(x) = e^x to the precision. */
  readonly sigmoidExpBelow: number;
}

const F64: Consts = {
  invLn2: 1.44269504088896338700e+00, ln2Hi: 6.93147180369123816490e-01, ln2Lo: 1.90821492927058770002e-10,
  expP: [1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05, -1.65339022054652515390e-06, 4.13813679705723846039e-08],
  expMin: -746, expMax: 710,
  logLn2Hi: 6.93147180369123816490e-01, logLn2Lo: 1.90821492927058770002e-10,
  lgOdd: [6.666666666666735130e-01, 2.857142874366239149e-01, 1.818357216161805012e-01, 1.479819860511658591e-01],
  lgEven: [3.999999999940941908e-01, 2.222219843214978396e-01, 1.531383769920937332e-01],
  minNormal: 2 ** -1022, subnormalScale: 2 ** 54, subnormalShift: 54,
  one: 0x3ff0000000000000n, sqrtHalf: 0x3fe6a09e00000000n, mantMask: 0x000fffffffffffffn,
  expm1Q: [-3.33333333333331316428e-02, 1.58730158725481460165e-03, -7.93650757867487942473e-05, 4.00821782732936239552e-06, -2.01099218183624371326e-07],
  expm1Min: -40, expm1Mid: 20, tiny: 2 ** -54,
  // (tanh(x) − x)/x³ as a polynomial in x² on [0, 0.55]: approximation error 0.09 ulp
  tanhP: [-0.3333333333333333, 0.13333333333332714, -0.053968253967434016, 0.021869488493666944, -0.008863234397814355, 0.003592110378689024, -0.001455661830100716, 0.0005889360520074057, -0.0002346347410887237, 0.00008511313685577671, -0.00002060276537636634],
  tanhMax: 22,
  sigmoidExpBelow: 700,
};

const F32: Consts = {
  invLn2: 1.4426950216e+00, ln2Hi: 6.9314575195e-01, ln2Lo: 1.4286067653e-06,
  expP: [1.6666625440e-1, -2.7667332906e-3],
  expMin: -104, expMax: 89,
  logLn2Hi: 6.9313812256e-01, logLn2Lo: 9.0580006145e-06,
  lgOdd: [0.66666662693, 0.28498786688], lgEven: [0.40000972152, 0.24279078841],
  minNormal: 2 ** -126, subnormalScale: 2 ** 25, subnormalShift: 25,
  one: 0x3f800000n, sqrtHalf: 0x3f3504f3n, mantMask: 0x007fffffn,
  expm1Q: [-3.3333212137e-2, 1.5807170421e-3], expm1Min: -18, expm1Mid: 23, tiny: 2 ** -25,
  // as F64.tanhP, degree 4: approximation error 0.09 ulp
  tanhP: [-0.3333333134651184, 0.13333113491535187, -0.05390942841768265, 0.021309388801455498, -0.00661022774875164],
  tanhMax: 10,
  sigmoidExpBelow: 80,
};

const consts = (p: Precision) => (p === 'f64' ? F64 : F32);

// ---- exp, log, log1p, expm1 ----------------------------------------------------------------

/** e^r − 1 − r as fdlibm's r·c/(2 − c), split so that e^x = 2^k·(1 + d) with d exact to ~ulp(d). */
function expReduced(L: Lanes, x: Val): { ki: number; d: number } {
  const K = consts(L.p);
  const [kf, ki] = L.roundInt(L.mul(x, L.c(K.invLn2)));
  const hi = L.sub(x, L.mul(kf, L.c(K.ln2Hi))); // exact: ln2Hi has trailing zero bits
  const lo = L.mul(kf, L.c(K.ln2Lo));
  const r = L.sub(hi, lo);
  const t = L.mul(r, r);
  const c = L.sub(r, L.mul(t, L.horner(t, K.expP)));
  // d = r + r·c/(2 − c), computed as hi − (lo − r·c/(2 − c)) to keep lo's bits
  const d = L.sub(hi, L.sub(lo, L.div(L.mul(r, c), L.sub(L.c(2), c))));
  return { ki, d };
}

function exp(L: Lanes, x: number): number {
  const K = consts(L.p);
  // min/max propagate NaN; the clamp keeps k within two normal scale factors
  const xc = L.min(L.max(x, L.c(K.expMin)), L.c(K.expMax));
  const { ki, d } = expReduced(L, xc);
  return L.scale(L.add(L.c(1), d), ki);
}

/** u = 2^k·m with m in [√2/2, √2): k as a float, f = m − 1 (exact). u must be positive normal. */
function logReduce(L: Lanes, u: Val): { kf: number; f: number } {
  const K = consts(L.p);
  const ix = L.iadd(u, L.ic(K.one - K.sqrtHalf));
  const e = L.shrU(ix, L.mant); // biased exponent of the shifted value
  // e − bias as a float: OR it into the significand of 2^mant, then subtract
  const kf = L.sub(L.or(e, L.ic(BigInt(L.mant + L.bias) << BigInt(L.mant))), L.c(2 ** L.mant + L.bias));
  const m = L.iadd(L.and(ix, L.ic(K.mantMask)), L.ic(K.sqrtHalf));
  return { kf, f: L.sub(m, L.c(1)) };
}

/** log(2^k·(1 + f)) + c, fdlibm's s = f/(2 + f) form; c is a small correction (log1p). */
function logPoly(L: Lanes, f: Val, kf: Val, c: Val): number {
  const K = consts(L.p);
  const s = L.div(f, L.add(L.c(2), f));
  const z = L.mul(s, s);
  const w = L.mul(z, z);
  const R = L.add(L.mul(z, L.horner(w, K.lgOdd)), L.mul(w, L.horner(w, K.lgEven)));
  const hfsq = L.mul(L.mul(L.c(0.5), f), f);
  let r = L.add(L.mul(s, L.add(hfsq, R)), L.add(L.mul(kf, L.c(K.logLn2Lo)), c));
  r = L.add(L.sub(r, hfsq), f);
  return L.add(r, L.mul(kf, L.c(K.logLn2Hi)));
}

/** Positive-normal u (subnormals pre-scaled): k and f as logReduce. */
function logReduceAny(L: Lanes, x: Val): { kf: number; f: number } {
  const K = consts(L.p);
  const sub = L.lt(x, L.c(K.minNormal));
  const u = L.sel(sub, L.mul(x, L.c(K.subnormalScale)), x);
  const { kf, f } = logReduce(L, u);
  return { kf: L.sub(kf, L.sel(sub, L.c(K.subnormalShift), L.c(0))), f };
}

function log(L: Lanes, x: number): number {
  const { kf, f } = logReduceAny(L, x);
  let r = logPoly(L, f, kf, L.c(0));
  r = L.sel(L.eq(x, L.c(Infinity)), L.c(Infinity), r);
  r = L.sel(L.eq(x, L.c(0)), L.c(-Infinity), r);
  return L.sel(L.not(L.ge(x, L.c(0))), L.c(NaN), r); // negatives and NaN
}

function log1p(L: Lanes, x: number): number {
  const K = consts(L.p);
  const u = L.add(L.c(1), x);
  const red = logReduce(L, u);
  const k0 = L.eq(red.kf, L.c(0));
  const f = L.sel(k0, x, red.f); // 1 + x itself is in range: x is the exact f
  // c ≈ log(1 + x) − log(u): the rounding error of u, relative to u
  const err = L.sel(L.ge(red.kf, L.c(2)), L.sub(L.c(1), L.sub(u, x)), L.sub(x, L.sub(u, L.c(1))));
  const c = L.sel(k0, L.c(0), L.div(err, u));
  let r = logPoly(L, f, red.kf, c);
  r = L.sel(L.lt(L.abs(x), L.c(K.tiny)), x, r); // keeps −0 and subnormals exact
  r = L.sel(L.eq(x, L.c(Infinity)), L.c(Infinity), r);
  r = L.sel(L.eq(x, L.c(-1)), L.c(-Infinity), r);
  return L.sel(L.not(L.ge(x, L.c(-1))), L.c(NaN), r);
}

function expm1(L: Lanes, x: number): number {
  const K = consts(L.p);
  const xc = L.min(L.max(x, L.c(K.expm1Min)), L.c(K.expMax));
  const [kf, ki] = L.roundInt(L.mul(xc, L.c(K.invLn2)));
  const hi = L.sub(xc, L.mul(kf, L.c(K.logLn2Hi)));
  const lo = L.mul(kf, L.c(K.logLn2Lo));
  const r = L.sub(hi, lo);
  const cc = L.sub(L.sub(hi, r), lo); // what r lost
  // fdlibm: e^r − 1 = r + r²/2 + r³/6·(correction via a rational in r²/2)
  const hfx = L.mul(L.c(0.5), r);
  const hxs = L.mul(r, hfx);
  const r1 = L.add(L.c(1), L.mul(hxs, L.horner(hxs, K.expm1Q)));
  const t = L.sub(L.c(3), L.mul(r1, hfx));
  const e = L.mul(hxs, L.div(L.sub(r1, t), L.sub(L.c(6), L.mul(r, t))));
  const one = L.c(1);
  const k0 = L.sub(r, L.sub(L.mul(r, e), hxs));
  const e2 = L.sub(L.sub(L.mul(r, L.sub(e, cc)), cc), hxs);
  const km1 = L.sub(L.mul(L.c(0.5), L.sub(r, e2)), L.c(0.5));
  const k1 = L.sel(L.lt(r, L.c(-0.25)), L.mul(L.c(-2), L.sub(e2, L.add(r, L.c(0.5)))), L.add(one, L.mul(L.c(2), L.sub(r, e2))));
  // far from 0 the −1 is a rounding detail: 2^k·(1 + r − e) − 1
  const big = L.sub(L.scale(L.add(L.sub(r, e2), one), ki), one);
  const twoK = L.pow2(ki);
  const twoMinusK = L.shl(L.isub(L.ic(L.bias), ki), L.mant);
  const midA = L.mul(L.add(L.sub(r, e2), L.sub(one, twoMinusK)), twoK);
  const midB = L.mul(L.add(L.sub(r, L.add(e2, twoMinusK)), one), twoK);
  const mid = L.sel(L.lt(kf, L.c(K.expm1Mid)), midA, midB);
  let res = L.sel(L.and(L.ge(kf, L.c(2)), L.le(kf, L.c(56))), mid, big);
  res = L.sel(L.eq(kf, L.c(1)), k1, res);
  res = L.sel(L.eq(kf, L.c(-1)), km1, res);
  res = L.sel(L.eq(kf, L.c(0)), k0, res);
  return L.sel(L.lt(L.abs(x), L.c(K.tiny)), x, res);
}

// ---- logistic and tanh ---------------------------------------------------------------------

/**
 * σ(−a) = E/(1 + E) (numeratorOne: σ(a) = 1/(1 + E)) for E = e^−a, 0 <= a <= sigmoidExpBelow,
 * with E, 1 + E and the quotient carried as double-word pairs: the result has one rounding.
 */
function sigmoidOfNeg(L: Lanes, a: Val, numeratorOne: Val | undefined): number {
  const { ki, d } = expReduced(L, L.neg(a));
  const eh = L.pow2(ki); // E = eh + el exactly to ~ulp(d)
  const el = L.mul(eh, d);
  const [s, e] = L.fastTwoSum(L.c(1), eh);
  const [dh, dl] = L.fastTwoSum(s, L.add(e, el));
  let [nh, nl] = L.fastTwoSum(eh, el);
  if (numeratorOne !== undefined) { nh = L.sel(numeratorOne, L.c(1), nh); nl = L.sel(numeratorOne, L.c(0), nl); }
  const q = L.div(nh, dh);
  const [p, pe] = L.twoProd(q, dh);
  const rem = L.add(L.sub(L.sub(nh, p), pe), L.sub(nl, L.mul(q, dl)));
  return L.add(q, L.div(rem, dh));
}

function logistic(L: Lanes, x: number): number {
  const K = consts(L.p);
  const a = L.min(L.abs(x), L.c(K.sigmoidExpBelow));
  const r = sigmoidOfNeg(L, a, L.gt(x, L.c(0)));
  // far left σ(x) = e^x·(1 − e^x) = e^x to the precision, and may be subnormal
  return L.sel(L.lt(x, L.c(-K.sigmoidExpBelow)), exp(L, x), r);
}

function tanh(L: Lanes, x: number): number {
  const K = consts(L.p);
  const a = L.abs(x);
  const z = L.mul(a, a);
  const small = L.add(a, L.mul(L.mul(a, z), L.horner(z, K.tanhP)));
  // tanh a = 1 − 2σ(−2a): 2σ(−2a) <= 0.5 carries one rounding, so the subtraction adds < 1/4 ulp
  const s = sigmoidOfNeg(L, L.mul(L.c(2), L.min(a, L.c(K.tanhMax))), undefined);
  const large = L.sub(L.c(1), L.mul(L.c(2), s));
  const r = L.sel(L.lt(a, L.c(0.55)), small, large);
  return L.or(r, L.and(x, L.signBit));
}

// ---- sin, cos (float64) ----------------------------------------------------------------------

const INV_PIO2 = 6.36619772367581382433e-01;
// π/2 in 33-bit pieces (fdlibm's pio2_1..3 and tails): n·piece is exact for |n| < 2^20
const PIO2_1 = 1.57079632673412561417e+00, PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624871116645580e-21, PIO2_3T = 8.47842766036889956997e-32;
/** Beyond this |x| the reduction needs Payne–Hanek: the host's sin/cos (fdlibm in V8) take those lanes. */
const TRIG_MAX = 2 ** 20 * (Math.PI / 2);
const SIN = [-1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04, 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10];
const COS = [4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05, -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11];

function trig(L: Lanes, x: number, which: 'sin' | 'cos', host: number): number {
  const [kf, ki] = L.roundInt(L.mul(x, L.c(INV_PIO2)));
  // three-piece Cody–Waite, the subtractions' errors kept by TwoSum: y0 + y1 = x − n·π/2 to
  // ~2^-100 relative for |n| < 2^20 (each n·piece is exact)
  const r1 = L.sub(x, L.mul(kf, L.c(PIO2_1)));
  const [r2, e2] = L.twoSum(r1, L.mul(kf, L.c(-PIO2_2)));
  const [r3, e3] = L.twoSum(r2, L.mul(kf, L.c(-PIO2_3)));
  const lo = L.sub(L.add(e2, e3), L.mul(kf, L.c(PIO2_3T)));
  const y0 = L.add(r3, lo);
  const y1 = L.add(L.sub(r3, y0), lo);
  const z = L.mul(y0, y0);
  const zz = L.mul(z, z);
  // sin kernel: y0 + y0³·S(z), with y1's first-order term
  const rs = L.add(L.add(L.c(SIN[1]), L.mul(z, L.add(L.c(SIN[2]), L.mul(z, L.c(SIN[3]))))), L.mul(L.mul(z, zz), L.add(L.c(SIN[4]), L.mul(z, L.c(SIN[5])))));
  const v = L.mul(z, y0);
  const sinK = L.sub(y0, L.sub(L.sub(L.mul(z, L.sub(L.mul(L.c(0.5), y1), L.mul(v, rs))), y1), L.mul(v, L.c(SIN[0]))));
  // cos kernel: 1 − z/2 + z²·C(z), with 1 − z/2 compensated
  const rc = L.add(L.mul(z, L.add(L.c(COS[0]), L.mul(z, L.add(L.c(COS[1]), L.mul(z, L.c(COS[2])))))), L.mul(L.mul(zz, zz), L.add(L.c(COS[3]), L.mul(z, L.add(L.c(COS[4]), L.mul(z, L.c(COS[5])))))));
  const hz = L.mul(L.c(0.5), z);
  const ww = L.sub(L.c(1), hz);
  const cosK = L.add(ww, L.add(L.sub(L.sub(L.c(1), ww), hz), L.sub(L.mul(z, rc), L.mul(y0, y1))));
  // quadrant n mod 4: odd swaps sin and cos; the sign is bit 1 of n (sin) or of n + 1 (cos)
  const q = which === 'sin' ? ki : L.iadd(ki, L.ic(1));
  const odd = L.shrS(L.shl(ki, L.bits - 1), L.bits - 1);
  const r0 = which === 'sin' ? L.sel(odd, cosK, sinK) : L.sel(odd, sinK, cosK);
  let res = L.xor(r0, L.and(L.shl(q, L.bits - 2), L.signBit));
  // sin x = x below 2^-26 (x³/6 is under half an ulp), which also keeps −0
  if (which === 'sin') res = L.sel(L.lt(L.abs(x), L.c(2 ** -26)), x, res);
  // rare huge arguments: every lane from the host
  const f = L.f;
  f.get(L.ge(L.abs(x), L.c(TRIG_MAX))).op('v128.any_true');
  f.if(() => {
    for (let i = 0; i < 2; i++) f.get(res).get(x).lane('f64x2.extract_lane', i).call(host).lane('f64x2.replace_lane', i).set(res);
  });
  return res;
}

/**
 * sin and cos of float32 arguments in float64 lanes, for float32 results: three-piece Cody–Waite
 * (x − n·π/2 to ~2^-100 absolute for |n| < 2^20, so even the float32 arguments nearest a multiple
 * of π/2 keep ~2^-40 relative) and the fdlibm kernels to degree 11/12 (error < 2^-36). About
 * half the work of the float64 functions; lanes beyond its range take those. Both results come
 * from one reduction, so a kernel needing sin(x) and cos(x) (a gradient) pays for it once; the
 * single functions are this one's projections, so their bits are the pair's.
 */
function sincos32(L: Lanes, x: number, fullSin: number, fullCos: number): [number, number] {
  const [kf, ki] = L.roundInt(L.mul(x, L.c(INV_PIO2)));
  const r1 = L.sub(x, L.mul(kf, L.c(PIO2_1)));
  const r2 = L.sub(r1, L.mul(kf, L.c(PIO2_2)));
  const y = L.sub(r2, L.mul(kf, L.c(PIO2_3)));
  const z = L.mul(y, y);
  const sinK = L.add(y, L.mul(L.mul(y, z), L.horner(z, SIN.slice(0, 5))));
  const cosK = L.add(L.sub(L.c(1), L.mul(L.c(0.5), z)), L.mul(L.mul(z, z), L.horner(z, COS.slice(0, 5))));
  // quadrant n mod 4: odd swaps sin and cos; the sign is bit 1 of n (sin) or of n + 1 (cos)
  const odd = L.shrS(L.shl(ki, L.bits - 1), L.bits - 1);
  let s = L.xor(L.sel(odd, cosK, sinK), L.and(L.shl(ki, L.bits - 2), L.signBit));
  s = L.sel(L.lt(L.abs(x), L.c(2 ** -26)), x, s); // keeps −0
  const c = L.xor(L.sel(odd, sinK, cosK), L.and(L.shl(L.iadd(ki, L.ic(1)), L.bits - 2), L.signBit));
  // huge arguments (and inf, NaN) in any lane: the float64 functions for the whole vector
  const f = L.f;
  f.get(L.not(L.lt(L.abs(x), L.c(TRIG_MAX)))).op('v128.any_true');
  f.if(() => { f.get(x).call(fullSin).set(s).get(x).call(fullCos).set(c); });
  return [s, c];
}

// ---- erf (float64) ------------------------------------------------------------------------------

// erf(x) = x + x·P(x²) on [0, 0.875]: approximation error 0.21 ulp (mostly 2/√π − 1 rounded)
const ERF_SMALL = [0.1283791670955126, -0.37612638903183754, 0.11283791670955111, -0.026866170645127092, 0.0052239776253799495, -0.0008548327017905889, 0.00012055332664402735, -0.000014925638169259221, 0.000001646179331465805, -1.636001974888772e-7, 1.4735405934568758e-8, -1.1712641683192752e-9, 6.627786135071423e-11];
// erfc(x) = e^(−x²)·F(x − center) on [start, next start), F of degree 16: approximation errors
// 0.07, 0.003, 0.008, 0.001 ulp of erf (absolute, in units of 2^-53)
const ERFC_PIECES: readonly (readonly [number, number, readonly number[]])[] = [
  [0.875, 1.0625, [0.4110920544448305, -0.2548085514002478, 0.1403579685820672, -0.07045213985453426, 0.03275128499331228, -0.014261559819655979, 0.0058661258949759265, -0.0022939431589284395, 0.0008572028221544624, -0.0003073700354935346, 0.0001061244318160405, -0.0000353841582973677, 0.000011421464219944833, -0.000003576501758070286, 0.0000010886712898971311, -3.2661767696876295e-7, 9.432957308246944e-8]],
  [1.25, 1.5, [0.3215854164543175, -0.16362291773256007, 0.0761510398554774, -0.03293090529956264, 0.013377340953066719, -0.005145957547984991, 0.0018861348770297182, -0.0006619300664149876, 0.00022330994435398128, -0.00007265892201289803, 0.000022864312164820496, -0.000006974997148128414, 0.000002066972219290785, -5.959871721581499e-7, 1.6752516101098196e-7, -4.683524163461677e-8, 1.254753489481037e-8]],
  [1.75, 2.375, [0.22050569220490668, -0.08097712912220591, 0.02818501053966761, -0.009358486060331612, 0.002979303073191973, -0.0009130565045503831, 0.00027026462491113167, -0.00007747943520001343, 0.000021562742231926367, -0.000005837309220839863, 0.0000015398217929587165, -3.9643918073058033e-7, 9.973362273003891e-8, -2.4457687715793552e-8, 5.898132711453004e-9, -1.5277074636466052e-9, 3.532676723257981e-10]],
  [3, 4.5, [0.12248480427384142, -0.026015928630929358, 0.005413125434610528, -0.001104576117012628, 0.00022126645456566882, -0.000043550827181389257, 0.00000842924177046818, -0.0000016055008624368414, 3.0112698169979205e-7, -5.5645122703365246e-8, 1.0138653813690072e-8, -1.8269774894630202e-9, 3.239742743405233e-10, -5.441045294151263e-11, 9.429249463071804e-12, -2.2012985340864493e-12, 3.6959843500691284e-13]],
];

function erf(L: Lanes, x: number): number {
  const a = L.abs(x);
  const small = L.add(a, L.mul(a, L.horner(L.mul(a, a), ERF_SMALL)));
  // beyond 0.875: 1 − e^(−a²)·F(a), F's piece chosen per lane by selecting coefficients
  const ac = L.min(a, L.c(6)); // erf(6) = 1 in float64
  const inPiece = ERFC_PIECES.slice(1).map(([start]) => L.ge(ac, L.c(start)));
  const pick = (get: (piece: readonly [number, number, readonly number[]]) => number): Val => {
    let v: Val = L.c(get(ERFC_PIECES[0]));
    ERFC_PIECES.slice(1).forEach((piece, i) => { v = L.sel(inPiece[i], L.c(get(piece)), v); });
    return v;
  };
  const t = L.sub(ac, pick(([, center]) => center));
  const deg = ERFC_PIECES[0][2].length - 1;
  let F: Val = pick(([, , c]) => c[deg]);
  for (let i = deg - 1; i >= 0; i--) F = L.add(L.mul(F, t), pick(([, , c]) => c[i]));
  // e^(−a²)·F = 2^k·(1 + d)·(1 − l)·F for a² = h + l, e^(−h) = 2^k·(1 + d): one rounding, in F + F·(d − l)
  const [h, l] = L.twoProd(ac, ac);
  const { ki, d } = expReduced(L, L.neg(h));
  const erfc = L.scale(L.add(F, L.mul(F, L.sub(d, L.mul(l, L.add(L.c(1), d))))), ki);
  const large = L.sub(L.c(1), erfc);
  const r = L.sel(L.lt(a, L.c(0.875)), small, large);
  return L.or(r, L.and(x, L.signBit));
}

// ---- pow (float64) ------------------------------------------------------------------------------

const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const TWO_THIRDS_HI = 2 / 3, TWO_THIRDS_LO = 3.700743415417188e-17; // 2/3 − TWO_THIRDS_HI
// log(1 + f) = 2·atanh(s), s = f/(2 + f): 2s + 2s³/3 + s⁵·Σ 2z^j/(2j + 5), z = s² <= 0.0295
const ATANH_TAIL = Array.from({ length: 12 }, (_, j) => 2 / (2 * j + 5));

/** ln|x| for positive x (zero, inf and NaN lanes are garbage) as a double-word pair, ~2^-100 relative. */
function logDD(L: Lanes, ax: Val): [number, number] {
  const { kf, f } = logReduceAny(L, ax);
  const dh = L.add(L.c(2), f);
  const dl = L.sub(f, L.sub(dh, L.c(2)));
  const sh = L.div(f, dh);
  const [p, pe] = L.twoProd(sh, dh);
  const sl = L.div(L.sub(L.sub(L.sub(f, p), pe), L.mul(sh, dl)), dh);
  const [zh, zl0] = L.twoProd(sh, sh);
  const zl = L.add(zl0, L.mul(L.mul(L.c(2), sh), sl));
  const [th, tl0] = L.twoProd(zh, sh); // s³
  const tl = L.add(tl0, L.add(L.mul(zh, sl), L.mul(zl, sh)));
  const [bh, bl0] = L.twoProd(L.c(TWO_THIRDS_HI), th); // 2s³/3
  const bl = L.add(bl0, L.add(L.mul(L.c(TWO_THIRDS_HI), tl), L.mul(L.c(TWO_THIRDS_LO), th)));
  const tail = L.mul(L.mul(th, zh), L.horner(zh, ATANH_TAIL));
  const [s1, e1] = L.fastTwoSum(L.mul(L.c(2), sh), bh);
  const e1b = L.add(e1, L.add(L.add(L.mul(L.c(2), sl), bl), tail));
  const [s2, e2] = L.twoSum(L.mul(kf, L.c(LN2_HI)), s1);
  return L.fastTwoSum(s2, L.add(e2, L.add(e1b, L.mul(kf, L.c(LN2_LO)))));
}

function pow(L: Lanes, x: number, y: number): number {
  const K = F64;
  const ax = L.abs(x);
  const yc = L.min(L.max(y, L.c(-1e290)), L.c(1e290)); // beyond, y·ln|x| saturates anyway; Dekker's split stays finite
  const [lh, ll] = logDD(L, ax);
  const [ph, pl0] = L.twoProd(yc, lh);
  const [Lh0, Ll0] = L.fastTwoSum(ph, L.add(pl0, L.mul(yc, ll)));
  const Lh = L.min(L.max(Lh0, L.c(K.expMin)), L.c(K.expMax));
  const Ll = L.sel(L.eq(Lh, Lh0), Ll0, L.c(0));
  // e^(Lh + Ll) = 2^k·(1 + r + r·c/(2 − c))·(1 + rl), one final rounding
  const [kf, ki] = L.roundInt(L.mul(Lh, L.c(K.invLn2)));
  const rh = L.sub(Lh, L.mul(kf, L.c(K.ln2Hi)));
  const [r, rl] = L.twoSum(rh, L.sub(Ll, L.mul(kf, L.c(K.ln2Lo))));
  const t = L.mul(r, r);
  const c = L.sub(r, L.mul(t, L.horner(t, K.expP)));
  const q = L.div(L.mul(r, c), L.sub(L.c(2), c));
  const S = L.add(r, L.add(q, L.mul(rl, L.add(L.c(1), r))));
  let m = L.scale(L.add(L.c(1), S), ki);
  // JS's Math.pow special cases (ECMAScript Number::exponentiate), on the magnitude, then the sign
  const yPos = L.gt(y, L.c(0));
  const inf = L.c(Infinity), zero = L.c(0);
  m = L.sel(L.eq(ax, zero), L.sel(yPos, zero, inf), m);
  m = L.sel(L.eq(ax, inf), L.sel(yPos, inf, zero), m);
  const yInf = L.eq(L.abs(y), inf);
  m = L.sel(yInf, L.sel(L.xor(L.gt(ax, L.c(1)), yPos), zero, inf), m);
  m = L.sel(L.and(yInf, L.eq(ax, L.c(1))), L.c(NaN), m);
  const yInt = L.eq(L.trunc(y), y);
  const half = L.mul(y, L.c(0.5));
  const yOdd = L.and(yInt, L.ne(L.trunc(half), half));
  m = L.or(m, L.and(L.and(L.ilt(x, L.ic(0)), yOdd), L.signBit)); // x's sign bit: −0 and −inf too
  m = L.sel(L.and(L.and(L.lt(x, zero), L.lt(ax, inf)), L.not(yInt)), L.c(NaN), m);
  m = L.sel(L.or(L.ne(x, x), L.ne(y, y)), L.c(NaN), m);
  return L.sel(L.eq(y, zero), L.c(1), m);
}

// ---- the library ------------------------------------------------------------------------------

type Unary = (L: Lanes, x: number) => number;
const NATIVE: Record<Exclude<MathFunction, 'pow'>, Unary | null> = {
  exp, log, log1p, expm1, tanh, logistic, erf: null, sin: null, cos: null,
};

/**
 * Emits math functions into a module on first use. Construct it before defining any function in
 * the module (it imports the host's sin/cos); instantiate with MATH_IMPORTS among the imports.
 */
export class MathLibrary {
  private readonly made = new Map<string, number>();
  private readonly host: { sin: number; cos: number };

  constructor(readonly module: ModuleBuilder) {
    const t = { params: ['f64'], results: ['f64'] } as const;
    this.host = { sin: module.importFunc('math', 'sin', t), cos: module.importFunc('math', 'cos', t) };
  }

  /** The function index of fn over p lanes: (v128) -> v128, or (v128, v128) -> v128 for pow. */
  get(fn: MathFunction, p: Precision): number {
    const key = `${fn}:${p}`;
    let index = this.made.get(key);
    if (index !== undefined) return index;
    const arity = fn === 'pow' ? 2 : 1;
    const type = { params: new Array<'v128'>(arity).fill('v128'), results: ['v128'] as const };
    const native = fn === 'pow' || fn === 'sin' || fn === 'cos' || fn === 'erf' ? p === 'f64' : NATIVE[fn] !== null;
    if (native) {
      index = this.module.func(type, (f) => { f.get(this.body(fn, new Lanes(f, p))); });
    } else {
      const inner = fn === 'sin' || fn === 'cos' ? this.trigForF32(fn) : this.get(fn, 'f64');
      index = this.module.func(type, (f) => { viaF64(f, inner, arity); });
    }
    this.made.set(key, index);
    return index;
  }

  /** The f64x2 function float32 sin, cos or both (two results) run through (sincos32). */
  private trigForF32(which: 'sin' | 'cos' | 'sincos'): number {
    const key = `${which}:f64-for-f32`;
    let index = this.made.get(key);
    if (index === undefined) {
      const [fullSin, fullCos] = [this.get('sin', 'f64'), this.get('cos', 'f64')];
      const results = which === 'sincos' ? ['v128', 'v128'] as const : ['v128'] as const;
      index = this.module.func({ params: ['v128'], results }, (f) => {
        const [s, c] = sincos32(new Lanes(f, 'f64'), 0, fullSin, fullCos);
        if (which !== 'cos') f.get(s);
        if (which !== 'sin') f.get(c);
      });
      this.made.set(key, index);
    }
    return index;
  }

  /** float32 sin and cos of the f32x4 local x, from one reduction: locals [sin, cos]. */
  sincosF32(f: FuncBuilder, x: number): [number, number] {
    let index = this.made.get('sincos:f32');
    if (index === undefined) {
      const inner = this.trigForF32('sincos');
      index = this.module.func({ params: ['v128'], results: ['v128', 'v128'] }, (g) => {
        const halves = [false, true].map((high) => {
          g.get(0);
          if (high) g.get(0).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
          g.op('f64x2.promote_low_f32x4').call(inner);
          const [s, c] = [g.local('v128'), g.local('v128')];
          g.set(c).set(s);
          return [s, c];
        });
        for (const k of [0, 1]) {
          g.get(halves[0][k]).op('f32x4.demote_f64x2_zero').get(halves[1][k]).op('f32x4.demote_f64x2_zero');
          g.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
        }
      });
      this.made.set('sincos:f32', index);
    }
    const [s, c] = [f.local('v128'), f.local('v128')];
    f.get(x).call(index).set(c).set(s);
    return [s, c];
  }

  /**
   * Emits fn of the v128 locals args into f's body, inline (float32 sin, cos, erf and pow call
   * their float64 function); the local holding the result. For kernels whose loop should not
   * pay a call per vector.
   */
  inline(f: FuncBuilder, fn: MathFunction, p: Precision, args: readonly number[]): number {
    const native = fn === 'pow' || fn === 'sin' || fn === 'cos' || fn === 'erf' ? p === 'f64' : NATIVE[fn] !== null;
    if (native) return this.body(fn, new Lanes(f, p), args);
    for (const a of args) f.get(a);
    f.call(this.get(fn, p));
    const r = f.local('v128');
    f.set(r);
    return r;
  }

  private body(fn: MathFunction, L: Lanes, args: readonly number[] = [0, 1]): number {
    const [x, y] = args;
    switch (fn) {
      case 'pow': return pow(L, x, y);
      case 'sin': return trig(L, x, 'sin', this.host.sin);
      case 'cos': return trig(L, x, 'cos', this.host.cos);
      case 'erf': return erf(L, x);
      default: {
        const emit = NATIVE[fn];
        if (emit === null) throw new Error(`${fn} has no native body`);
        return emit(L, x);
      }
    }
  }
}

/** f32x4 through an f64x2 function: both halves promoted, computed, demoted and rejoined. */
function viaF64(f: FuncBuilder, inner: number, arity: number): void {
  const halves: number[] = [];
  for (const high of [false, true]) {
    for (let a = 0; a < arity; a++) {
      f.get(a);
      if (high) f.get(a).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
      f.op('f64x2.promote_low_f32x4');
    }
    f.call(inner).op('f32x4.demote_f64x2_zero');
    const l = f.local('v128');
    f.set(l);
    halves.push(l);
  }
  f.get(halves[0]).get(halves[1]).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
}
