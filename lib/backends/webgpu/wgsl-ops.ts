/**
 * The scalar-op table in WGSL: the shared table's primitives spelled for the GPU, with helper
 * functions (`h_*`) where a WGSL builtin is not IEEE-exact or differs from the CPU backend's
 * semantics (SwiftShader's log(0) is -88, tanh(inf) NaN, max(NaN, 1) 1, and x != x is false).
 *
 * Types: float32 values are `f32`, int32 `i32`, bool `bool` (stored as u32 in buffers; the
 * renderer converts at loads and stores). A Spell receives operand expressions of the WGSL type
 * of `inDtype` (bool operands of select/and/or/xor/not as `bool`) and returns an expression of
 * the WGSL type of `outDtype`.
 *
 * Transcendentals use their own range reduction and polynomials (fdlibm's and musl's float
 * schemes; the special functions port lib/backends/cpu/special.ts), never the builtins, whose
 * accuracy is unspecified. NaN is tested on bits: drivers may fold `x != x` to false. Subnormal
 * inputs and results may flush to zero (WGSL allows it; SwiftShader does), except where a
 * helper works on bits (abs, neg, rem, convert to bool, is_finite). sin/cos/tan reduce exactly
 * for |x| < 1e5 (k * pi/2 with k < 2^16); beyond that their error grows with |x|.
 * tests/webgpu-ops.test.ts measures every op against the CPU backend's float32 results.
 */
import type { Spell } from '../../lowering/scalar-ops.js';
import { type DType, isInt } from '../../core/dtype.js';

/** An f32 constant as a WGSL literal that is exactly that f32 (no rounding left to the compiler). */
const F = (x: number): string => {
  const s = String(Math.fround(x));
  return /[.e]/.test(s) ? s : `${s}.0`;
};
/** Horner form c[0] + v*(c[1] + v*(...)) with f32 coefficients. */
const poly = (c: readonly number[], v: string): string =>
  c.slice(0, -1).reduceRight((acc, k) => `(${F(k)} + ${v} * ${acc})`, F(c[c.length - 1]));

type Helper = { readonly deps: readonly string[]; readonly src: string };
const H: Record<string, Helper> = {};
/** Registers h_name; its deps are the helpers its source calls. */
const def = (name: string, src: string): void => {
  const deps = [...new Set([...src.matchAll(/\bh_(\w+)\(/g)].map((m) => m[1]))].filter((d) => d !== name);
  H[name] = { deps, src: src.trim() };
};

// ---- bits ---------------------------------------------------------------------------------
def('isnan', `fn h_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }`);
def('isinf', `fn h_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }`);
def('finite', `fn h_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }`);
// Zero or subnormal: what flushing drivers treat as zero.
def('tiny', `fn h_tiny(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) < 0x00800000u; }`);
// The zero of x's sign (drivers may fold x * 0.0 to +0).
def('zero', `fn h_zero(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0x80000000u); }`);
// Through a var: a constant bitcast to inf or NaN is a shader-creation error.
def('inf', `fn h_inf() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }`);
def('nan', `fn h_nan() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }`);
def('abs', `fn h_abs(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu); }`);
def('neg', `fn h_neg(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) ^ 0x80000000u); }`);
def('copysign', `
fn h_copysign(m: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(m) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u));
}`);
// 2^k for -126 <= k <= 127, built from bits.
def('pow2', `fn h_pow2(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }`);
// x * 2^k in two exact steps, for |k| <= 252 (underflow may flush).
def('ldexp', `
fn h_ldexp(x: f32, k: i32) -> f32 {
  let k1 = k / 2;
  return x * h_pow2(k1) * h_pow2(k - k1);
}`);
// Integer test for finite x (|x| >= 2^23 is always an integer).
def('isint', `fn h_isint(x: f32) -> bool { return floor(x) == x; }`);
// Odd integer test for finite x.
def('isodd', `
fn h_isodd(x: f32) -> bool {
  let a = abs(x);
  return a < 16777216.0 && floor(a) == a && (i32(a) & 1) == 1;
}`);

// ---- exp family ---------------------------------------------------------------------------
const LN2HI = 0.693145751953125; // 0x3f317200: k * LN2HI is exact for |k| < 512
const LN2LO = 1.4286068203094172e-6;
// exp(r) - 1 on |r| <= ln2/2 (Taylor to r^8; the next term is below 2^-30 relative).
const EXPM1_T = [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320];
def('expm1r', `fn h_expm1r(r: f32) -> f32 { return r + r * r * ${poly(EXPM1_T, 'r')}; }`);
// Cody-Waite reduction x = k ln2 + r: k * LN2HI is exact, so a fused multiply-add changes nothing.
def('redln2', `
fn h_redln2(x: f32) -> vec2<f32> {
  let k = round(x * ${F(Math.LOG2E)});
  return vec2<f32>((x - k * ${F(LN2HI)}) - k * ${F(LN2LO)}, k);
}`);
// exp(x) * 2^s for finite x with exp(x) * 2^s in range (the caller checks overflow).
def('expk', `
fn h_expk(x: f32, s: i32) -> f32 {
  let rk = h_redln2(x);
  return h_ldexp(1.0 + h_expm1r(rk.x), i32(rk.y) + s);
}`);
// exp(hi + lo) for an exact hi (|lo| small), in range: the reduction keeps lo's bits.
def('exp2p', `
fn h_exp2p(hi: f32, lo: f32) -> f32 {
  let k = round((hi + lo) * ${F(Math.LOG2E)});
  let r = ((hi - k * ${F(LN2HI)}) + lo) - k * ${F(LN2LO)};
  return h_ldexp(1.0 + h_expm1r(r), i32(k));
}`);
def('exp', `
fn h_exp(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (x > 88.72283172607422) { return h_inf(); }
  if (x < -104.0) { return 0.0; }
  return h_expk(x, 0);
}`);
def('exp2', `
fn h_exp2(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (x >= 128.0) { return h_inf(); }
  if (x < -151.0) { return 0.0; }
  let k = round(x);
  return h_ldexp(1.0 + h_expm1r((x - k) * ${F(Math.LN2)}), i32(k));
}`);
def('expm1', `
fn h_expm1(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (x > 88.72283172607422) { return h_inf(); }
  if (x < -17.5) { return -1.0; }
  if (abs(x) <= 0.3465) { return select(h_expm1r(x), x, h_tiny(x)); }
  let rk = h_redln2(x);
  let p = h_expm1r(rk.x);
  let k = i32(rk.y);
  if (k == 0) { return p; }
  if (k > 24) { return h_ldexp(1.0 + p, k) - 1.0; }
  // 2^k (1 + p) - 1 regrouped so that only one rounding sees the large part.
  if (k > 0) { return h_ldexp(p + (1.0 - h_pow2(-k)), k); }
  return (h_pow2(k) - 1.0) + h_pow2(k) * p;
}`);

// ---- log family (fdlibm e_logf.c) ---------------------------------------------------------
const LN2_HI = 6.9313812256e-01; // 0x3f317180
const LN2_LO = 9.0580006145e-06;
// log(1 + f) = k ln2 + f - hfsq + s (hfsq + R) + c for f in [sqrt(1/2) - 1, sqrt(2) - 1].
def('logcore', `
fn h_logcore(f: f32, k: f32, c: f32) -> f32 {
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let r = z * (${F(0xaaaaaa * 2 ** -24)} + w * ${F(0x91e9ee * 2 ** -25)}) + w * (${F(0xccce13 * 2 ** -25)} + w * ${F(0xf89e26 * 2 ** -26)});
  let hfsq = 0.5 * f * f;
  return k * ${F(LN2_HI)} - ((hfsq - (s * (hfsq + r) + (k * ${F(LN2_LO)} + c))) - f);
}`);
// A normal positive x as (m - 1, e) with x = m 2^e, m in [sqrt(1/2), sqrt(2)).
def('frexp', `
fn h_frexp(x: f32) -> vec2<f32> {
  let b = bitcast<u32>(x);
  var e = i32(b >> 23u) - 127;
  var mb = (b & 0x007fffffu) | 0x3f800000u;
  if (mb > 0x3fb504f3u) { mb = mb - 0x00800000u; e = e + 1; }
  return vec2<f32>(bitcast<f32>(mb) - 1.0, f32(e));
}`);
def('log', `
fn h_log(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7fffffffu) > 0x7f800000u) { return x; }
  if ((b & 0x7fffffffu) < 0x00800000u) { return -h_inf(); }
  if (b >= 0x80000000u) { return h_nan(); }
  if (b == 0x7f800000u) { return x; }
  let fe = h_frexp(x);
  return h_logcore(fe.x, fe.y, 0.0);
}`);
def('log1p', `
fn h_log1p(x: f32) -> f32 {
  if (h_isnan(x) || x == h_inf()) { return x; }
  if (x < -1.0) { return h_nan(); }
  if (x == -1.0) { return -h_inf(); }
  if (h_tiny(x)) { return x; }
  // Near zero f = x is exact; further out 1 + x rounds and c carries what it lost.
  if (x > -0.2928932 && x < 0.41421356) { return h_logcore(x, 0.0, 0.0); }
  let u = 1.0 + x;
  let fe = h_frexp(u);
  var c = 0.0;
  if (fe.y < 25.0) { c = select(x - (u - 1.0), 1.0 - (u - x), fe.y > 0.0) / u; }
  return h_logcore(fe.x, fe.y, c);
}`);

// ---- trig ---------------------------------------------------------------------------------
// pi/2 in five pieces: four of 8 bits (k * piece exact for k < 2^16) and a 24-bit tail.
const PIO2 = [1.5703125, 0.0004825592041015625, 0.0000012665987014770508, 9.89530235528946e-10, 2.5633440682570896e-12];
// x = k pi/2 + r + lo, |r| <= pi/4 (exact reduction for |x| < 1e5); returns (r, lo, k mod 4).
// The first three products are exact and cancel exactly; the last two are tiny, and what their
// subtraction rounds away is kept in lo.
def('rempio2', `
fn h_rempio2(x: f32) -> vec3<f32> {
  let k = round(x * ${F(2 / Math.PI)});
  let h = ((x - k * ${F(PIO2[0])}) - k * ${F(PIO2[1])}) - k * ${F(PIO2[2])};
  let d = k * ${F(PIO2[3])} + k * ${F(PIO2[4])};
  let r = h - d;
  return vec3<f32>(r, (h - r) - d, f32(i32(k - 4.0 * floor(k * 0.25))));
}`);
// FreeBSD k_sinf.c / k_cosf.c minimax polynomials on |r| <= pi/4.
const SIN_C = [-0.166666666416265235595, 0.0083333293858894631756, -0.000198393348360966317347, 0.0000027183114939898219064];
const COS_C = [0.0416666233237390631894, -0.00138867637746099294692, 0.0000243904487962774090654];
def('ksin', `fn h_ksin(r: f32) -> f32 { let z = r * r; return r + r * z * ${poly(SIN_C, 'z')}; }`);
def('kcos', `
fn h_kcos(r: f32) -> f32 {
  let z = r * r;
  let hz = 0.5 * z;
  let w = 1.0 - hz;
  return w + (((1.0 - w) - hz) + z * z * ${poly(COS_C, 'z')});
}`);
def('sin', `
fn h_sin(x: f32) -> f32 {
  if (!h_finite(x)) { return h_nan(); }
  if (h_tiny(x)) { return x; }
  let rq = h_rempio2(x);
  let q = i32(rq.z);
  // sin(r + lo) = sin r + lo cos r, cos(r + lo) = cos r - lo sin r
  var s = h_ksin(rq.x) + rq.y * (1.0 - 0.5 * rq.x * rq.x);
  if ((q & 1) == 1) { s = h_kcos(rq.x) - rq.y * rq.x; }
  if (q >= 2) { s = -s; }
  return s;
}`);
def('cos', `
fn h_cos(x: f32) -> f32 {
  if (!h_finite(x)) { return h_nan(); }
  let rq = h_rempio2(x);
  let q = i32(rq.z);
  var c = h_kcos(rq.x) - rq.y * rq.x;
  if ((q & 1) == 1) { c = h_ksin(rq.x) + rq.y * (1.0 - 0.5 * rq.x * rq.x); }
  if (q == 1 || q == 2) { c = -c; }
  return c;
}`);
// FreeBSD k_tanf.c: tan r = r + r^3 (T0 + ...) on |r| <= pi/4; odd quadrants return -1/tan r.
const TAN_T = [0.333331395030791399758, 0.133392002712976742718, 0.0533812378445670393523, 0.0245283181166547278873,
  0.00297435743359967304927, 0.00946564784943673166728];
def('tan', `
fn h_tan(x: f32) -> f32 {
  if (!h_finite(x)) { return h_nan(); }
  if (h_tiny(x)) { return x; }
  let rq = h_rempio2(x);
  let r = rq.x;
  let z = r * r;
  let w = z * z;
  let s = z * r;
  let c = s * (${F(TAN_T[0])} + z * ${F(TAN_T[1])}) + (s * w) * ((${F(TAN_T[2])} + z * ${F(TAN_T[3])}) + w * (${F(TAN_T[4])} + z * ${F(TAN_T[5])}));
  // tan r = t + tl as two floats (|c| < |r|); tan(r + lo) = tan r + lo (1 + tan^2 r).
  let t = r + c;
  let tl = (c - (t - r)) + rq.y * (1.0 + t * t);
  if ((i32(rq.z) & 1) == 1) {
    let q = -1.0 / t;
    return q + q * q * tl;
  }
  return t + tl;
}`);

// ---- inverse trig (FreeBSD e_asinf.c, e_acosf.c, s_atanf.c, e_atan2f.c) -------------------
const PIO2_HI = 1.5707962513e+00; // 0x3fc90fda
const PIO2_LO = 7.5497894159e-08;
const PIO4_HI = 0.785398125648;
const ASIN_P = [1.6666586697e-01, -4.2743422091e-02, -8.6563630030e-03];
const ASIN_Q1 = -7.0662963390e-01;
def('asinr', `fn h_asinr(t: f32) -> f32 { return t * ${poly(ASIN_P, 't')} / (1.0 + t * ${F(ASIN_Q1)}); }`);
// The high 12 bits of a float: its square is exact.
def('hi12', `fn h_hi12(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0xfffff000u); }`);
def('asin', `
fn h_asin(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  let a = abs(x);
  if (a > 1.0) { return h_nan(); }
  if (a < 0.5) {
    if (a < 0.000244140625) { return x; }
    return x + x * h_asinr(x * x);
  }
  let t = (1.0 - a) * 0.5;
  let s = sqrt(t);
  let r = h_asinr(t);
  var y: f32;
  if (a >= 0.975) {
    y = ${F(PIO2_HI)} - (2.0 * (s + s * r) - ${F(PIO2_LO)});
  } else {
    let df = h_hi12(s);
    let c = (t - df * df) / (s + df);
    let p = 2.0 * s * r - (${F(PIO2_LO)} - 2.0 * c);
    let q = ${F(PIO4_HI)} - 2.0 * df;
    y = ${F(PIO4_HI)} - (p - q);
  }
  return h_copysign(y, x);
}`);
def('acos', `
fn h_acos(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  let a = abs(x);
  if (a > 1.0) { return h_nan(); }
  if (x == 1.0) { return 0.0; }
  if (a < 0.5) {
    if (a < 1.5e-8) { return ${F(PIO2_HI)} + ${F(PIO2_LO)}; }
    return ${F(PIO2_HI)} - (x - (${F(PIO2_LO)} - x * h_asinr(x * x)));
  }
  if (x < 0.0) {
    let z = (1.0 + x) * 0.5;
    let s = sqrt(z);
    let w = h_asinr(z) * s - ${F(PIO2_LO)};
    return ${F(2 * PIO2_HI)} - 2.0 * (s + w);
  }
  let z = (1.0 - x) * 0.5;
  let s = sqrt(z);
  let df = h_hi12(s);
  let c = (z - df * df) / (s + df);
  let w = h_asinr(z) * s + c;
  return 2.0 * (df + w);
}`);
const ATAN_HI = [4.6364760399e-01, 7.8539812565e-01, 9.8279368877e-01, 1.5707962513e+00];
const ATAN_LO = [5.0121582440e-09, 3.7748947079e-08, 3.4473217170e-08, 7.5497894159e-08];
const ATAN_T = [3.3333328366e-01, -1.9999158382e-01, 1.4253635705e-01, -1.0648017377e-01, 6.1687607318e-02];
def('atan', `
fn h_atan(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  var a = abs(x);
  if (a >= 67108864.0) { return h_copysign(${F(ATAN_HI[3])} + ${F(ATAN_LO[3])}, x); }
  if (a < 0.000244140625) { return x; }
  var id = -1;
  if (a >= 0.4375) {
    if (a < 0.6875) { id = 0; a = (2.0 * a - 1.0) / (2.0 + a); }
    else if (a < 1.1875) { id = 1; a = (a - 1.0) / (a + 1.0); }
    else if (a < 2.4375) { id = 2; a = (a - 1.5) / (1.0 + 1.5 * a); }
    else { id = 3; a = -1.0 / a; }
  }
  let z = a * a;
  let w = z * z;
  let s1 = z * (${F(ATAN_T[0])} + w * (${F(ATAN_T[2])} + w * ${F(ATAN_T[4])}));
  let s2 = w * (${F(ATAN_T[1])} + w * ${F(ATAN_T[3])});
  if (id < 0) { return x - x * (s1 + s2); }
  var hi = ${F(ATAN_HI[0])}; var lo = ${F(ATAN_LO[0])};
  if (id == 1) { hi = ${F(ATAN_HI[1])}; lo = ${F(ATAN_LO[1])}; }
  if (id == 2) { hi = ${F(ATAN_HI[2])}; lo = ${F(ATAN_LO[2])}; }
  if (id == 3) { hi = ${F(ATAN_HI[3])}; lo = ${F(ATAN_LO[3])}; }
  return h_copysign(hi - ((a * (s1 + s2) - lo) - a), x);
}`);
const PI_F = 3.1415927410e+00;
const PI_LO = -8.7422776573e-08;
def('atan2', `
fn h_atan2(y: f32, x: f32) -> f32 {
  if (h_isnan(x) || h_isnan(y)) { return h_nan(); }
  let xneg = bitcast<u32>(x) >= 0x80000000u;
  if (h_tiny(y)) { return h_copysign(select(0.0, ${F(PI_F)}, xneg), y); }
  if (h_tiny(x)) { return h_copysign(${F(Math.PI / 2)}, y); }
  if (h_isinf(x)) {
    if (h_isinf(y)) { return h_copysign(select(${F(Math.PI / 4)}, ${F(3 * Math.PI / 4)}, xneg), y); }
    return h_copysign(select(0.0, ${F(PI_F)}, xneg), y);
  }
  if (h_isinf(y)) { return h_copysign(${F(Math.PI / 2)}, y); }
  let q = abs(y / x);
  var z: f32;
  if (q > 67108864.0) { z = ${F(Math.PI / 2)}; }
  else if (xneg && q < 1.4901161e-8) { z = 0.0; }
  else { z = h_atan(q); }
  if (!xneg) { return h_copysign(z, y); }
  return h_copysign(${F(PI_F)} - (z - ${F(PI_LO)}), y);
}`);

// ---- hyperbolic (fdlibm schemes) ----------------------------------------------------------
def('sinh', `
fn h_sinh(x: f32) -> f32 {
  if (h_isnan(x) || h_tiny(x)) { return x; }
  let a = abs(x);
  var y: f32;
  if (a > 89.41598629223294) { y = h_inf(); }
  else if (a > 9.0) { y = h_expk(a, -1); }
  else {
    let t = h_expm1(a);
    if (a < 1.0) { y = 0.5 * (2.0 * t - t * t / (t + 1.0)); }
    else { y = 0.5 * (t + t / (t + 1.0)); }
  }
  return h_copysign(y, x);
}`);
def('cosh', `
fn h_cosh(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  let a = abs(x);
  if (a > 89.41598629223294) { return h_inf(); }
  if (a > 9.0) { return h_expk(a, -1); }
  if (a < 0.3465) {
    let t = h_expm1(a);
    let w = 1.0 + t;
    return 1.0 + (t * t) / (w + w);
  }
  let t = h_exp(a);
  return 0.5 * t + 0.5 / t;
}`);
def('tanh', `
fn h_tanh(x: f32) -> f32 {
  if (h_isnan(x) || h_tiny(x)) { return x; }
  let a = abs(x);
  var y: f32;
  if (a >= 10.0) { y = 1.0; }
  else if (a >= 1.0) { y = 1.0 - 2.0 / (h_expm1(2.0 * a) + 2.0); }
  else { let t = h_expm1(-2.0 * a); y = -t / (t + 2.0); }
  return h_copysign(y, x);
}`);
def('asinh', `
fn h_asinh(x: f32) -> f32 {
  if (h_isnan(x) || h_isinf(x) || h_tiny(x)) { return x; }
  let a = abs(x);
  var y: f32;
  if (a < 0.000244140625) { return x; }
  if (a > 268435456.0) { y = h_log(a) + ${F(Math.LN2)}; }
  else if (a > 2.0) { y = h_log(2.0 * a + 1.0 / (sqrt(a * a + 1.0) + a)); }
  else { let t = a * a; y = h_log1p(a + t / (1.0 + sqrt(1.0 + t))); }
  return h_copysign(y, x);
}`);
def('acosh', `
fn h_acosh(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (x < 1.0) { return h_nan(); }
  if (x == h_inf()) { return x; }
  if (x > 268435456.0) { return h_log(x) + ${F(Math.LN2)}; }
  if (x > 2.0) { return h_log(2.0 * x - 1.0 / (x + sqrt(x * x - 1.0))); }
  let t = x - 1.0;
  return h_log1p(t + sqrt(2.0 * t + t * t));
}`);
def('atanh', `
fn h_atanh(x: f32) -> f32 {
  if (h_isnan(x) || h_tiny(x)) { return x; }
  let a = abs(x);
  if (a > 1.0) { return h_nan(); }
  if (a == 1.0) { return h_copysign(h_inf(), x); }
  if (a < 0.000244140625) { return x; }
  var y: f32;
  if (a < 0.5) { let t = a + a; y = 0.5 * h_log1p(t + t * a / (1.0 - a)); }
  else { y = 0.5 * h_log1p((a + a) / (1.0 - a)); }
  return h_copysign(y, x);
}`);

// ---- roots, logistic ----------------------------------------------------------------------
def('sqrt', `
fn h_sqrt(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (h_tiny(x)) { return h_zero(x); }
  if (x < 0.0) { return h_nan(); }
  return sqrt(x);
}`);
// Bit-trick seed (hx/3 + B1, FreeBSD s_cbrtf.c), then Newton steps written as corrections.
def('cbrt', `
fn h_cbrt(x: f32) -> f32 {
  if (!h_finite(x)) { return x; }
  if (h_tiny(x)) { return h_zero(x); }
  let a = abs(x);
  var t = bitcast<f32>(bitcast<u32>(a) / 3u + 709958130u);
  for (var i = 0; i < 4; i++) { t = t + (a / (t * t) - t) * ${F(1 / 3)}; }
  return h_copysign(t, x);
}`);
def('logistic', `
fn h_logistic(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + h_exp(-x)); }
  let e = h_exp(x);
  return e / (1.0 + e);
}`);

// ---- erf family (special.ts in f32: fdlibm's rational approximations) ---------------------
const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const ERF_P = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const ERF_Q = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const ERF_PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const ERF_QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const ERFC_RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const ERFC_SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
const ERFC_RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const ERFC_SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];
// erf(x) - x = x P(x^2)/Q(x^2) on |x| < 0.84375; erf(1 + s) - ERX on [0.84375, 1.25).
def('erfy', `fn h_erfy(z: f32) -> f32 { return ${poly(ERF_P, 'z')} / ${poly(ERF_Q, 'z')}; }`);
def('erfmid', `fn h_erfmid(s: f32) -> f32 { return ${poly(ERF_PA, 's')} / ${poly(ERF_QA, 's')}; }`);
// erfc(a) for 1.25 <= a: exp(-z^2 - 0.5625) with z^2 exact, times exp of the small rest.
def('erfctail', `
fn h_erfctail(a: f32) -> f32 {
  if (a >= 10.1) { return 0.0; }
  let s = 1.0 / (a * a);
  var rs: f32;
  if (a < ${F(1 / 0.35)}) { rs = ${poly(ERFC_RA, 's')} / ${poly(ERFC_SA, 's')}; }
  else { rs = ${poly(ERFC_RB, 's')} / ${poly(ERFC_SB, 's')}; }
  // 11 bits: z^2 + 0.5625 is still exact (fdlibm's mask)
  let z = bitcast<f32>(bitcast<u32>(a) & 0xffffe000u);
  return h_exp2p(-z * z - 0.5625, (z - a) * (z + a) + rs) / a;
}`);
def('erf', `
fn h_erf(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  let a = abs(x);
  if (a < 0.84375) {
    if (h_tiny(x)) { return x; }
    if (a < 0.000061035156) { return x * ${F(1 + EFX)}; }
    return x + x * h_erfy(x * x);
  }
  var r: f32;
  if (a < 1.25) { r = ${F(ERX)} + h_erfmid(a - 1.0); }
  else if (a >= 6.0) { r = 1.0; }
  else { r = 1.0 - h_erfctail(a); }
  return h_copysign(r, x);
}`);
def('erfc', `
fn h_erfc(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  let a = abs(x);
  if (a < 0.84375) {
    if (a < 1.4e-8) { return 1.0 - x; }
    let y = h_erfy(x * x);
    if (x < 0.25) { return 1.0 - (x + x * y); }
    return 0.5 - (x - 0.5 + x * y);
  }
  if (a < 1.25) {
    let r = h_erfmid(a - 1.0);
    if (x > 0.0) { return ${F(1 - ERX)} - r; }
    return 1.0 + (${F(ERX)} + r);
  }
  if (x <= -6.0) { return 2.0; }
  let r = h_erfctail(a);
  return select(2.0 - r, r, x > 0.0);
}`);
// Acklam's normal quantile seeds one Halley step against erf (centre) or erfc (tails).
const ACK_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const ACK_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1, 1];
const ACK_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const ACK_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416, 1];
const desc = (c: readonly number[], v: string): string => poly([...c].reverse(), v);
def('acklamc', `
fn h_acklamc(q: f32) -> f32 {
  let r = q * q;
  return ${desc(ACK_A, 'r')} * q / ${desc(ACK_B, 'r')};
}`);
def('acklam', `
fn h_acklam(p: f32) -> f32 {
  if (p >= 0.02425) { return h_acklamc(p - 0.5); }
  let q = sqrt(-2.0 * h_log(p));
  return ${desc(ACK_C, 'q')} / ${desc(ACK_D, 'q')};
}`);
def('erfinv', `
fn h_erfinv(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  let a = abs(x);
  if (a > 1.0) { return h_nan(); }
  if (a == 1.0) { return h_copysign(h_inf(), x); }
  if (h_tiny(x)) { return x; }
  if (a <= 0.5) {
    if (a < 0.000244140625) { return x * ${F(Math.sqrt(Math.PI) / 2)}; }
    let z = h_acklamc(0.5 * x) * ${F(Math.SQRT1_2)};
    let t = (h_erf(z) - x) * ${F(Math.sqrt(Math.PI) / 2)} * h_exp(z * z);
    return z - t / (1.0 + z * t);
  }
  let y = 1.0 - a;
  let z = -h_acklam(0.5 * y) * ${F(Math.SQRT1_2)};
  let t = -(h_erfc(z) - y) * ${F(Math.sqrt(Math.PI) / 2)} * h_exp(z * z);
  return h_copysign(z - t / (1.0 + z * t), x);
}`);

// ---- gamma family (special.ts in f32) -----------------------------------------------------
def('sinpi', `
fn h_sinpi(x: f32) -> f32 {
  var r = x - 2.0 * round(0.5 * x);
  if (r > 0.5) { r = 1.0 - r; } else if (r < -0.5) { r = -1.0 - r; }
  return h_sin(${F(Math.PI)} * r);
}`);
def('cotpi', `
fn h_cotpi(x: f32) -> f32 {
  let r = x - round(x);
  if (abs(r) <= 0.25) { return 1.0 / h_tan(${F(Math.PI)} * r); }
  if (r > 0.0) { return h_tan(${F(Math.PI)} * (0.5 - r)); }
  return -h_tan(${F(Math.PI)} * (0.5 + r));
}`);
// lgamma(2 + t) = t * sum LG2[k] t^k (Taylor about 2), |t| <= 1/2.
const LG2 = [0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673986,
  0.0028905103307415234, -0.001192753911703261, 0.0005096695247430425, -0.00022315475845357939, 9.945751278180853e-05,
  -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06, 4.374866789907488e-06, -2.039215753801366e-06,
  9.55141213040742e-07, -4.492469198764566e-07];
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188];
const HALF_LN_2PI = 0.9189385332046728;
def('lgnear2', `fn h_lgnear2(t: f32) -> f32 { return t * ${poly(LG2, 't')}; }`);
def('lgpos', `
fn h_lgpos(x: f32) -> f32 {
  if (x < 0.5) { return h_lgnear2(x) - h_log(x) - h_log1p(x); }
  if (x < 1.5) { return h_lgnear2(x - 1.0) - h_log1p(x - 1.0); }
  if (x <= 2.5) { return h_lgnear2(x - 2.0); }
  if (x < 10.0) {
    let n = floor(x - 1.5);
    let y = x - n;
    var prod = 1.0;
    for (var k = 0.0; k < n; k = k + 1.0) { prod = prod * (y + k); }
    return h_lgnear2(y - 2.0) + h_log(prod);
  }
  let w = 1.0 / x;
  return (x - 0.5) * (h_log(x) - 1.0) + ${F(HALF_LN_2PI - 0.5)} + w * ${poly(STIRLING, 'w * w')};
}`);
def('lgamma', `
fn h_lgamma(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (h_isinf(x) || h_tiny(x)) { return h_inf(); }
  if (x > 0.0) { return h_lgpos(x); }
  if (floor(x) == x) { return h_inf(); }
  if (x > -0.5) { return h_lgnear2(x) - h_log1p(x) - h_log(-x); }
  return ${F(Math.log(Math.PI))} - h_log(abs(x * h_sinpi(x))) - h_lgpos(-x);
}`);
// digamma(X0 + t) = t * sum PSI_ROOT[k] t^k about the positive zero X0, |t| <= 1/2.
const PSI_X0_HI = Math.fround(1.4616321449683622);
const PSI_X0_LO = Math.fround(1.4616321449683622 - PSI_X0_HI);
const PSI_ROOT = [0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652, 0.10782405069126237,
  -0.07219956125645471, 0.04880428816414311, -0.03316112647484736, 0.022597648232218104, -0.01542476590494896,
  0.010538791616612175, -0.007204534386356869, 0.004926781395729853, -0.003369801655439328, 0.002305126326734928,
  -0.0015769367714301972, 0.0010788252019162967, -0.0007380709389960052, 0.000504953265834602, -0.0003454680251063077,
  0.00023635601564027053, -0.00016170622091974803];
const PSI_ASYM = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12, -3617 / 8160];
// digamma for x > 0: shifted into [X0 - 1/2, X0 + 1/2) by a few exact steps, or asymptotic from 4.
def('psipos', `
fn h_psipos(x: f32) -> f32 {
  if (x >= 4.0) {
    let w = 1.0 / (x * x);
    return h_log(x) - 0.5 / x - w * ${poly(PSI_ASYM, 'w')};
  }
  var v = x;
  var acc = 0.0;
  if (v < ${F(PSI_X0_HI - 0.5)}) { acc = -1.0 / v; v = v + 1.0; }
  else {
    let n = floor(v - ${F(PSI_X0_HI - 0.5)});
    v = v - n;
    for (var k = 0.0; k < n; k = k + 1.0) { acc = acc + 1.0 / (v + k); }
  }
  let t = (v - ${F(PSI_X0_HI)}) - ${F(PSI_X0_LO)};
  return acc + t * ${poly(PSI_ROOT, 't')};
}`);
def('digamma', `
fn h_digamma(x: f32) -> f32 {
  if (h_isnan(x) || x == -h_inf()) { return h_nan(); }
  if (x == h_inf()) { return x; }
  if (h_tiny(x) || (x < 0.0 && floor(x) == x)) { return h_nan(); }
  if (x > 0.0) { return h_psipos(x); }
  return h_psipos(1.0 - x) - ${F(Math.PI)} * h_cotpi(x);
}`);
const BERNOULLI_2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510];
// psi^(n)(x), n >= 1: shift up until the asymptotic (Bernoulli) series converges, as special.ts.
// The loop runs ~|x| times for negative x (as on the CPU); -inf gives NaN (the CPU loops forever).
def('polygamma', `
fn h_polygamma(nf: f32, x: f32) -> f32 {
  if (h_isnan(x) || x == -h_inf()) { return h_nan(); }
  if (x == h_inf()) { return 0.0; }
  if (h_tiny(x) || (x < 0.0 && floor(x) == x)) { return h_nan(); }
  let n = i32(nf);
  var fact = 1.0;
  for (var i = 2; i <= n; i++) { fact = fact * f32(i); }
  let sg = select(1.0, -1.0, (n & 1) == 0);
  var shift = 0.0;
  var v = x;
  while (v < 20.0 + nf) {
    shift = shift + sg * fact * h_powi(1.0 / v, n + 1);
    v = v + 1.0;
  }
  let w = 1.0 / (v * v);
  // series * v^n = (n-1)! + n!/(2v) + sum B_2k (2k+n-1)!/(2k)! v^-2k
  var series = fact / nf + fact / (2.0 * v);
  var c = fact * (nf + 1.0) * w * 0.5;
  let bs = array<f32, 8>(${BERNOULLI_2K.map(F).join(', ')});
  for (var k = 1; k <= 8; k++) {
    let term = bs[k - 1] * c;
    series = series + term;
    if (abs(term) < 1e-9 * abs(series)) { break; }
    let kf = f32(k);
    c = c * (2.0 * kf + nf) * (2.0 * kf + nf + 1.0) / ((2.0 * kf + 1.0) * (2.0 * kf + 2.0)) * w;
  }
  // No shift keeps the sign of an underflowed result (the CPU rounds -1e-60 to -0).
  // For large v, v^-n would flush before series lifts it: scale by 2^(16n) and back.
  let sc = select(0, 16, v > 1e4);
  let r = h_ldexp(sg * series * h_powi(h_ldexp(1.0 / v, sc), n), -sc * n);
  return select(r + shift, r, shift == 0.0);
}`);
// x^n for n >= 0 by repeated squaring.
def('powi', `
fn h_powi(x: f32, n: i32) -> f32 {
  var acc = 1.0;
  var b = x;
  var m = n;
  while (m > 0) {
    if ((m & 1) == 1) { acc = acc * b; }
    b = b * b;
    m = m >> 1u;
  }
  return acc;
}`);

// ---- pow (FreeBSD e_powf.c: log2|x| and y*log2|x| carried in two floats, split by masks so
// that contraction into fma cannot break them) with JavaScript's special cases ---------------
const CP_H = 0.9619140625;
def('pow', `
fn h_pow(x: f32, y: f32) -> f32 {
  if (h_tiny(y)) { return 1.0; }
  if (h_isnan(x) || h_isnan(y)) { return h_nan(); }
  let ax = abs(x);
  let yodd = h_isodd(y);
  let xneg = bitcast<u32>(x) >= 0x80000000u;
  if (h_isinf(y)) {
    if (ax == 1.0) { return h_nan(); }
    if ((ax > 1.0) == (y > 0.0)) { return h_inf(); }
    return 0.0;
  }
  if (h_tiny(x) || h_isinf(x)) {
    // 0^y and inf^y: 0 or inf, negative only for odd y and negative x.
    let r = select(0.0, h_inf(), (y < 0.0) == h_tiny(x));
    return select(r, h_neg(r), xneg && yodd);
  }
  if (xneg && floor(y) != y) { return h_nan(); }
  if (ax == 1.0) { return select(1.0, -1.0, xneg && yodd); }
  let sn = select(1.0, -1.0, xneg && yodd);
  var t1: f32;
  var t2: f32;
  let iy = bitcast<u32>(y) & 0x7fffffffu;
  let ix = bitcast<u32>(ax);
  if (iy > 0x4d000000u) {
    // |y| > 2^27: over/underflow unless x is within 2^-20 of 1.
    if (ix < 0x3f7ffff8u) { return select(sn * h_inf(), h_zero(sn), y > 0.0); }
    if (ix > 0x3f800007u) { return select(h_zero(sn), sn * h_inf(), y > 0.0); }
    let t = ax - 1.0;
    let w = (t * t) * (0.5 - t * (${F(1 / 3)} - t * 0.25));
    let u = ${F(1.4426879883e+00)} * t;
    let v = t * ${F(7.0526075433e-06)} - w * ${F(1.4426950216e+00)};
    t1 = bitcast<f32>(bitcast<u32>(u + v) & 0xfffff000u);
    t2 = v - (t1 - u);
  } else {
    var n = i32(ix >> 23u) - 127;
    let j = ix & 0x007fffffu;
    var im = j | 0x3f800000u;
    var k = 0;
    if (j <= 0x1cc471u) { k = 0; }
    else if (j < 0x5db3d7u) { k = 1; }
    else { k = 0; n = n + 1; im = im - 0x00800000u; }
    let m = bitcast<f32>(im);
    let bp = select(1.0, 1.5, k == 1);
    let dph = select(0.0, ${F(5.84960938e-01)}, k == 1);
    let dpl = select(0.0, ${F(1.56322085e-06)}, k == 1);
    // s = s_h + s_l = (m - bp) / (m + bp)
    let u0 = m - bp;
    let v0 = 1.0 / (m + bp);
    let s = u0 * v0;
    let sh = bitcast<f32>(bitcast<u32>(s) & 0xfffff000u);
    var th = bitcast<f32>((((im >> 1u) & 0xfffff000u) | 0x20000000u) + 0x00400000u + (u32(k) << 21u));
    var tl = m - (th - bp);
    let sl = v0 * ((u0 - sh * th) - sh * tl);
    var s2 = s * s;
    var r = s2 * s2 * ${poly([6.0000002384e-01, 4.2857143283e-01, 3.3333334327e-01, 2.7272811532e-01, 2.3066075146e-01, 2.0697501302e-01], 's2')};
    r = r + sl * (sh + s);
    s2 = sh * sh;
    th = bitcast<f32>(bitcast<u32>(3.0 + s2 + r) & 0xfffff000u);
    tl = r - ((th - 3.0) - s2);
    let u1 = sh * th;
    let v1 = sl * th + tl * s;
    let ph = bitcast<f32>(bitcast<u32>(u1 + v1) & 0xfffff000u);
    let pl = v1 - (ph - u1);
    // cp = 2/(3 ln2) = CP_H + CP_L with a 12-bit CP_H (fdlibm's 13-bit head made cp_h * p_h inexact).
    let zh = ${F(CP_H)} * ph;
    let zl = ${F(2 / (3 * Math.LN2) - CP_H)} * ph + pl * ${F(2 / (3 * Math.LN2))} + dpl;
    let tn = f32(n);
    t1 = bitcast<f32>(bitcast<u32>(((zh + zl) + dph) + tn) & 0xfffff000u);
    t2 = zl - (((t1 - tn) - dph) - zh);
  }
  // y * log2|x| = p_h + p_l
  let y1 = bitcast<f32>(bitcast<u32>(y) & 0xfffff000u);
  let pl = (y - y1) * t1 + y * t2;
  var ph = y1 * t1;
  let z = pl + ph;
  let jz = bitcast<i32>(z);
  if (jz > 0x43000000) { return sn * h_inf(); }
  if (jz == 0x43000000 && pl + ${F(4.2995665694e-08)} > z - ph) { return sn * h_inf(); }
  if ((jz & 0x7fffffff) > 0x43160000) { return h_zero(sn); }
  if (bitcast<u32>(jz) == 0xc3160000u && pl <= z - ph) { return h_zero(sn); }
  // 2^(p_h + p_l) = 2^n 2^(rest), |rest| <= 1/2
  let nn = round(z);
  ph = ph - nn;
  let t = bitcast<f32>(bitcast<u32>(pl + ph) & 0xffff8000u);
  let u = t * ${F(6.93145752e-01)};
  let v = (pl - (t - ph)) * ${F(6.9314718246e-01)} + t * ${F(1.42860654e-06)};
  let zz = u + v;
  let w = v - (zz - u);
  let tt = zz * zz;
  let tq = zz - tt * ${poly([1.6666667163e-01, -2.7777778450e-03, 6.6137559770e-05, -1.6533901999e-06, 4.1381369442e-08], 'tt')};
  let rr = (zz * tq) / (tq - 2.0) - (w + zz * w);
  return h_copysign(h_ldexp(1.0 - (rr - zz), i32(nn)), sn);
}`);

// ---- exact remainders, integer division, conversions --------------------------------------
// C fmod on bits (musl fmodf): long division of the significands, exact, subnormals included.
def('fmod', `
fn h_fmod(x: f32, y: f32) -> f32 {
  var ux = bitcast<u32>(x);
  var uy = bitcast<u32>(y);
  var ex = i32((ux >> 23u) & 0xffu);
  var ey = i32((uy >> 23u) & 0xffu);
  let sx = ux & 0x80000000u;
  if ((uy << 1u) == 0u || h_isnan(y) || ex == 0xff) { return h_nan(); }
  if ((ux << 1u) <= (uy << 1u)) {
    if ((ux << 1u) == (uy << 1u)) { return bitcast<f32>(sx); }
    return x;
  }
  if (ex == 0) {
    var i = ux << 9u;
    while ((i >> 31u) == 0u) { ex = ex - 1; i = i << 1u; }
    ux = ux << u32(-ex + 1);
  } else { ux = (ux & 0x007fffffu) | 0x00800000u; }
  if (ey == 0) {
    var i = uy << 9u;
    while ((i >> 31u) == 0u) { ey = ey - 1; i = i << 1u; }
    uy = uy << u32(-ey + 1);
  } else { uy = (uy & 0x007fffffu) | 0x00800000u; }
  for (; ex > ey; ex = ex - 1) {
    if (ux >= uy) {
      if (ux == uy) { return bitcast<f32>(sx); }
      ux = ux - uy;
    }
    ux = ux << 1u;
  }
  if (ux >= uy) {
    if (ux == uy) { return bitcast<f32>(sx); }
    ux = ux - uy;
  }
  while ((ux >> 23u) == 0u) { ux = ux << 1u; ex = ex - 1; }
  if (ex > 0) { ux = (ux - 0x00800000u) | (u32(ex) << 23u); } else { ux = ux >> u32(-ex + 1); }
  return bitcast<f32>(ux | sx);
}`);
// Truncating division with JavaScript's int32 results: x/0 = 0 and INT_MIN/-1 wraps.
def('idiv', `
fn h_idiv(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  if (b == -1) { return 0 - a; }
  return a / b;
}`);
def('irem', `
fn h_irem(a: i32, b: i32) -> i32 {
  if (b == 0 || b == -1) { return 0; }
  return a % b;
}`);
// NaN -> 0, saturating at the int32 bounds (jsHelpers.toInt).
def('toi32', `
fn h_toi32(x: f32) -> i32 {
  if (h_isnan(x)) { return 0; }
  if (x >= 2147483647.0) { return 2147483647; }
  if (x <= -2147483648.0) { return bitcast<i32>(0x80000000u); }
  return i32(x);
}`);
// integer_pow by repeated squaring, as ipow; a negative exponent takes the reciprocal at the end.
def('ipowf', `
fn h_ipowf(x: f32, y: i32) -> f32 {
  var acc = 1.0;
  var b = x;
  var n = abs(y);
  while (n > 0) {
    if ((n & 1) == 1) { acc = acc * b; }
    b = b * b;
    n = n >> 1u;
  }
  return select(acc, 1.0 / acc, y < 0);
}`);
def('ipowi', `
fn h_ipowi(x: i32, y: i32) -> i32 {
  var acc = 1;
  var b = x;
  var n = y;
  while (n > 0) {
    if ((n & 1) == 1) { acc = acc * b; }
    b = b * b;
    n = n >> 1u;
  }
  return acc;
}`);
// Rounds to the nearest float16 (ties to even) on the f32 bits, as dtype.ts's f16round: WGSL's
// pack2x16float leaves the rounding to the implementation and overflow indeterminate.
def('f16', `
fn h_f16(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  let a = b & 0x7fffffffu;
  let s = b & 0x80000000u;
  if (a >= 0x7f800000u) { return x; }
  if (a >= 0x477ff000u) { return bitcast<f32>(s | 0x7f800000u); }
  if (a < 0x38800000u) {
    let r = round(bitcast<f32>(a) * 16777216.0) * 5.9604644775390625e-8;
    return bitcast<f32>(s | bitcast<u32>(r));
  }
  return bitcast<f32>(s | ((a + 0xfffu + ((a >> 13u) & 1u)) & 0xffffe000u));
}`);
// The unsigned forms: x/0 = 0, and float -> uint32 saturates at 0 and 2^32 - 1 (NaN -> 0).
def('udiv', `fn h_udiv(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a / b; }`);
def('urem', `fn h_urem(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a % b; }`);
def('tou32', `
fn h_tou32(x: f32) -> u32 {
  if (h_isnan(x) || x <= 0.0) { return 0u; }
  if (x >= 4294967295.0) { return 0xffffffffu; }
  return u32(x);
}`);
def('max', `fn h_max(a: f32, b: f32) -> f32 { return select(b, a, h_isnan(a) || (!h_isnan(b) && a > b)); }`);
def('min', `fn h_min(a: f32, b: f32) -> f32 { return select(b, a, h_isnan(a) || (!h_isnan(b) && a < b)); }`);
def('sign', `
fn h_sign(x: f32) -> f32 {
  if (h_isnan(x)) { return x; }
  if (h_tiny(x)) { return h_zero(x); }
  return select(-1.0, 1.0, x > 0.0);
}`);
// Comparisons false on NaN (ne true), whatever the driver does with unordered operands.
def('ordered', `fn h_ordered(a: f32, b: f32) -> bool { return !h_isnan(a) && !h_isnan(b); }`);

export const HELPERS: Readonly<Record<string, Helper>> = H;

// ---- the table ----------------------------------------------------------------------------
// int8 and uint8 compute in i32 and u32 (isInt covers them), narrowed by the renderer after every op.
const isU32 = (d: DType): boolean => d === 'uint32' || d === 'uint8';
const isF = (d: DType): boolean => d === 'float32' || d === 'float64' || d === 'float16';
const isBool = (d: DType): boolean => d === 'bool';
const call = (f: string): Spell => (a) => `h_${f}(${a.join(', ')})`;
/** Float ops through a helper; int32 (and bool) through `other`. */
const byType = (f: Spell, other: Spell): Spell => (a, i, o, p) => (isF(i) ? f(a, i, o, p) : other(a, i, o, p));
const infix = (op: string): Spell => ([a, b]) => `(${a} ${op} ${b})`;
// bool has no ordering in WGSL; int32 orders the same.
const cmp = (op: string): Spell => ([a, b], d) => {
  if (isBool(d)) return `(i32(${a}) ${op} i32(${b}))`;
  if (isInt(d)) return `(${a} ${op} ${b})`;
  return op === '!=' ? `(${a} != ${b} || !h_ordered(${a}, ${b}))` : `(h_ordered(${a}, ${b}) && ${a} ${op} ${b})`;
};
const unary = (f: string): Spell => ([a]) => `h_${f}(${a})`;

export const WGSL_OPS: Readonly<Record<string, Spell>> = {
  neg: byType(unary('neg'), ([a], d) => (isU32(d) ? `(0u - ${a})` : `(-(${a}))`)),
  exp: unary('exp'), exp2: unary('exp2'), log: unary('log'), log1p: unary('log1p'), expm1: unary('expm1'),
  sin: unary('sin'), cos: unary('cos'), tan: unary('tan'), asin: unary('asin'), acos: unary('acos'), atan: unary('atan'),
  sinh: unary('sinh'), cosh: unary('cosh'), tanh: unary('tanh'), asinh: unary('asinh'), acosh: unary('acosh'), atanh: unary('atanh'),
  sqrt: unary('sqrt'), rsqrt: ([a]) => `(1.0 / h_sqrt(${a}))`, cbrt: unary('cbrt'),
  abs: byType(unary('abs'), ([a]) => `abs(${a})`),
  floor: ([a]) => `floor(${a})`, ceil: ([a]) => `ceil(${a})`,
  // WGSL's round() rounds half to even, as the CPU's roundEven.
  round: ([a]) => `round(${a})`,
  sign: byType(unary('sign'), ([a], d) => (isU32(d) ? `select(0u, 1u, ${a} > 0u)` : `select(select(0, -1, ${a} < 0), 1, ${a} > 0)`)),
  logistic: unary('logistic'), erf: unary('erf'), erfc: unary('erfc'), erf_inv: unary('erfinv'),
  lgamma: unary('lgamma'), digamma: unary('digamma'),
  is_finite: unary('finite'),
  stop_gradient: ([a]) => a,
  not: ([a], d) => (isBool(d) ? `(!${a})` : `(~${a})`),
  polygamma: ([a], _i, _o, n) => `h_polygamma(${F(n)}, ${a})`,
  // The CPU multiplies in float64 and rounds once; float32 repeated squaring rounds at every step
  // (8 ulp at y = 13) and can flush an intermediate, so beyond the exact cases pow serves.
  // uint32 powers are the int32 powers' bits (multiplication modulo 2^32)
  integer_pow: ([a], d, _o, y) => (isU32(d) ? `bitcast<u32>(h_ipowi(bitcast<i32>(${a}), ${y}))` : isInt(d) ? `h_ipowi(${a}, ${y})` : y >= -1 && y <= 2 ? `h_ipowf(${a}, ${y})` : `h_pow(${a}, ${F(y)})`),

  add: infix('+'), sub: infix('-'), mul: infix('*'),
  div: byType(infix('/'), (a, i, o, p) => (isU32(i) ? call('udiv') : call('idiv'))(a, i, o, p)),
  rem: byType(call('fmod'), (a, i, o, p) => (isU32(i) ? call('urem') : call('irem'))(a, i, o, p)),
  pow: call('pow'), atan2: call('atan2'),
  max: byType(call('max'), ([a, b], d) => (isBool(d) ? `(${a} || ${b})` : `max(${a}, ${b})`)),
  min: byType(call('min'), ([a, b], d) => (isBool(d) ? `(${a} && ${b})` : `min(${a}, ${b})`)),
  and: infix('&'), or: infix('|'),
  xor: ([a, b], d) => (isBool(d) ? `(${a} != ${b})` : `(${a} ^ ${b})`),
  eq: cmp('=='), ne: cmp('!='), lt: cmp('<'), le: cmp('<='), gt: cmp('>'), ge: cmp('>='),
  select: ([p, t, f]) => `select(${f}, ${t}, ${p})`,

  convert_element_type: ([a], from, to) => {
    const fromF = isF(from);
    if (from === to || (fromF && isF(to))) return a; // float16 results are rounded by the renderer
    if (fromF && (to === 'int8' || to === 'uint8')) return to === 'int8' ? `clamp(h_toi32(${a}), -128, 127)` : `min(h_tou32(${a}), 255u)`;
    if (isBool(to)) return fromF ? `((bitcast<u32>(${a}) & 0x7fffffffu) != 0u)` : `(${a} != 0)`; // NaN -> true
    // between i32 and u32 WGSL's conversion keeps the bits, as the CPU's wrap
    if (isInt(to)) return fromF ? `h_to${isU32(to) ? 'u' : 'i'}32(${a})` : `${isU32(to) ? 'u' : 'i'}32(${a})`;
    return `f32(${a})`; // from an integer (rounded to nearest) or bool
  },
};
/** The WGSL source of every helper `code` calls (`h_name(`), dependencies first. */
export function helperSource(code: string): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    const h = HELPERS[n];
    if (!h) throw new Error(`webgpu: no WGSL helper h_${n}`);
    h.deps.forEach(visit);
    out.push(h.src);
  };
  for (const m of code.matchAll(/\bh_(\w+)\(/g)) visit(m[1]);
  return out.join('\n');
}
