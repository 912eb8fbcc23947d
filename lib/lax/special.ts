/**
 * lax's special functions, composed from existing ops (loops are lax.whileLoop, so jit and vmap
 * apply): the regularized incomplete gamma functions P and Q and ∂P/∂a, the gamma sampler's
 * implicit gradient, the regularized incomplete beta function, the Hurwitz zeta function and the
 * exponentially scaled modified Bessel functions I0e and I1e. Algorithms follow Cephes (series and
 * continued fractions stopped per element at machine epsilon); derivatives are attached with
 * customJvp where JAX defines them, and differentiating an argument JAX gives no derivative raises.
 */
import { Array } from '../core/array.js';
import { getDefaultFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { avalStr } from '../core/ir.js';
import { customJvp } from '../control/custom.js';
import * as np from '../numpy/index.js';
import { gammaSampleGrad } from '../random/gamma.js';
import { whileLoop } from './loops.js';
import { I0_LARGE, I0_SMALL, I1_LARGE, I1_SMALL, chebyshev } from '../numpy/bessel.js';

/** An Array or a JS number (a weak scalar). */
export type Num = Array | number;
const { abs, add, divide: div, equal: eq, exp, greater: gt, less: lt, lessEqual: le, log, log1p, logicalAnd: and,
  logicalNot: not, logicalOr: or, multiply: mul, subtract: sub, where } = np;
const someTrue = (m: Array): Array => not(np.all(not(m)));
const isnan = (x: Array): Array => np.isnan(x);
const epsOf = (x: Array): number => (x.dtype === 'float32' ? 2 ** -23 : 2 ** -52);
const MAX_ITER = 10000;
const i32 = (v: number): Array => np.array(v, { dtype: 'int32' });

/**
 * Floating operands of one dtype (JS numbers take it; all numbers give the default float), of one
 * shape or rank 0 (rank-0 Arrays broadcast, as in JAX's lax); refused otherwise, naming `lax.<who>`.
 */
function floatArgs(who: string, xs: readonly unknown[]): Array[] {
  xs.forEach((x) => {
    if (!(x instanceof Array) && typeof x !== 'number') {
      const fix = globalThis.Array.isArray(x) ? '; wrap JS data with np.array(...)' : '; pass an Array or a number';
      throw new TypeError(`lax.${who}: expected Arrays or JS numbers, got ${x === null ? 'null' : typeof x}${fix}`);
    }
  });
  const arrays = xs.filter((x): x is Array => x instanceof Array);
  const dtype = arrays.length ? arrays[0].dtype : getDefaultFloat();
  const desc = xs.map((x) => (x instanceof Array ? avalStr(x.aval) : `the JS number ${String(x)}`)).join(', ');
  const bad = arrays.find((a) => a.dtype !== dtype);
  if (bad) throw new TypeError(`lax.${who}: operands must have the same dtype, got ${desc}; lax does not promote: convert one with lax.convertElementType(x, '${dtype}')`);
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`lax.${who}: requires float32 or float64 operands, got ${desc}; convert first with lax.convertElementType(x, 'float32')`);
  const shaped = arrays.filter((a) => a.ndim > 0);
  const shape = shaped.length ? shaped[0].shape : [];
  if (shaped.some((a) => a.shape.join(',') !== shape.join(','))) {
    throw new ShapeError(`lax.${who}: operand shapes must be equal, got ${desc}; lax does no implicit broadcasting: use lax.broadcastInDim to line them up`);
  }
  return xs.map((x) => np.broadcastTo(x instanceof Array ? x : np.array(x as number, { dtype }), shape));
}

const full = (like: Array, v: number): Array => np.fullLike(like, v);

// ---- incomplete gamma ------------------------------------------------------------------------

/** Stirling's correction lgamma(a) - ((a - 1/2) log a - a + log √(2π)) for a >= 10 (8 terms: < 1e-17 there). */
function stirlingCorr(a: Array): Array {
  const c = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
  const r = div(1, a);
  const r2 = mul(r, r);
  let s: Num = 0;
  for (let k = c.length - 1; k >= 0; k--) s = add(mul(s, r2), c[k]);
  return mul(s, r);
}

/**
 * log(1 + t) - t without cancellation, given t and 1 + t (computed directly by the caller, so a 1 + t
 * near 0 keeps its relative accuracy): with u = t / (2 + t) it is -t·u + 2(u³/3 + u⁵/5 + ...) for |t| < 1/2.
 */
function log1pmx(t: Array, onePlusT: Array): Array {
  const small = lt(abs(t), 0.5);
  const ts = where(small, t, 0);
  const u = div(ts, add(ts, 2));
  const u2 = mul(u, u);
  let s: Num = 0;
  for (let k = 13; k >= 1; k--) s = add(mul(s, u2), 2 / (2 * k + 1));
  const series = add(mul(np.negative(ts), u), mul(mul(u, u2), s));
  return where(small, series, sub(log(onePlusT), t));
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * x^a e^-x / Γ(a), the prefactor of both the series and the continued fraction. For a >= 10 it is
 * √(a/2π) exp(a·log1pmx((x - a)/a) - corr(a)) (Temme's form), which avoids the cancellation of
 * a log x against lgamma(a); below, the plain logs are accurate.
 */
function gammaPrefactor(a: Array, x: Array): Array {
  const plain = exp(sub(sub(mul(a, log(x)), x), np.lgamma(a)));
  const big = np.greaterEqual(a, 10);
  const ab = where(big, a, 10);
  const t = div(sub(x, ab), ab);
  const temme = exp(sub(add(mul(ab, log1pmx(t, div(x, ab))), mul(log(ab), 0.5)), add(stirlingCorr(ab), HALF_LOG_2PI)));
  return where(big, temme, plain);
}

/** The gamma density x^(a-1) e^-x / Γ(a) = ∂P/∂x (0·log 0 taken as 0 at a = 1). */
function gammaDensity(a: Array, x: Array): Array {
  const pos = and(gt(x, 0), np.isfinite(x));
  const xs = where(pos, x, 1);
  const atZero = where(lt(a, 1), Infinity, where(eq(a, 1), 1, 0));
  return where(pos, div(gammaPrefactor(a, xs), xs), where(eq(x, 0), atZero, 0));
}

/** [P(a, x), Q(a, x)] by Cephes' igam/igamc: the series of P where x <= 1 or x <= a, else the continued fraction of Q. */
function igammaPQ(a: Array, x: Array): [Array, Array] {
  const eps = epsOf(a);
  const valid = and(and(gt(a, 0), gt(x, 0)), and(np.isfinite(a), np.isfinite(x)));
  const A = where(valid, a, 1);
  const X = where(valid, x, 1);
  const useSeries = or(le(X, 1), le(X, A));
  const pre = gammaPrefactor(A, X);
  // Series: P = pre/a · Σ_n x^n / ((a+1)···(a+n)); elements on the other branch start at x = 0.
  const xs = where(useSeries, X, 0);
  type Ser = [Array, Array, Array, Array];
  const [, , , sum] = whileLoop(([i, , t, s]: Ser) => and(lt(i, MAX_ITER), someTrue(gt(t, mul(s, eps)))), ([i, r, t, s]: Ser): Ser => {
    const r1 = add(r, 1);
    const t1 = div(mul(t, xs), r1);
    return [add(i, 1), r1, t1, add(s, t1)];
  }, [i32(0), A, full(A, 1), full(A, 1)] as Ser) as Ser;
  const pSer = div(mul(sum, pre), A);
  // Continued fraction of Q (Cephes igamc), convergents p_k / q_k rescaled when they grow.
  const xc = where(useSeries, add(A, 1), X);
  const big = a.dtype === 'float32' ? 2 ** 24 : 2 ** 52;
  type Cf = [Array, Array, Array, Array, Array, Array, Array, Array, Array, Array];
  const z0 = add(sub(xc, A), 2);
  const q1 = mul(z0, xc);
  const init: Cf = [i32(0), sub(1, A), z0, full(A, 0), full(A, 1), xc, add(xc, 1), q1, div(add(xc, 1), q1), useSeries];
  const out = whileLoop((st: Cf) => and(lt(st[0], MAX_ITER), someTrue(not(st[9]))), ([i, y, z, c, pkm2, qkm2, pkm1, qkm1, ans, done]: Cf): Cf => {
    const c1 = add(c, 1);
    const y1 = add(y, 1);
    const z1 = add(z, 2);
    const yc = mul(y1, c1);
    const pk = sub(mul(pkm1, z1), mul(pkm2, yc));
    const qk = sub(mul(qkm1, z1), mul(qkm2, yc));
    const ok = np.notEqual(qk, 0);
    const r = div(pk, where(ok, qk, 1));
    const conv = and(ok, le(abs(sub(ans, r)), mul(abs(r), eps)));
    const sc = where(gt(abs(pk), big), 1 / big, 1);
    const keep = (old: Array, nu: Array): Array => where(done, old, nu);
    return [add(i, 1), keep(y, y1), keep(z, z1), keep(c, c1), keep(pkm2, mul(pkm1, sc)), keep(qkm2, mul(qkm1, sc)),
      keep(pkm1, mul(pk, sc)), keep(qkm1, mul(qk, sc)), keep(ans, where(ok, r, ans)), or(done, conv)];
  }, init) as Cf;
  const qCf = mul(out[8], pre);
  let P = where(useSeries, pSer, sub(1, qCf));
  let Q = where(useSeries, sub(1, pSer), qCf);
  // Edges as scipy: P(a, 0) = 0, P(0, x) = P(a, inf) = 1, P(inf, x) = 0; NaN for a < 0, x < 0, (0, 0), (inf, inf).
  const nan = or(or(or(isnan(a), isnan(x)), or(lt(a, 0), lt(x, 0))), or(and(eq(a, 0), eq(x, 0)), and(np.isinf(a), np.isinf(x))));
  const one = or(eq(a, 0), np.isinf(x));
  const zero = or(eq(x, 0), np.isinf(a));
  P = where(nan, NaN, where(one, 1, where(zero, 0, P)));
  Q = where(nan, NaN, where(one, 0, where(zero, 1, Q)));
  return [P, Q];
}

/** ∂P/∂a = -(dx/da of a gamma sample) · ∂P/∂x, the implicit gradient from lib/random/gamma.ts times the density. */
function igammaGradAImpl(a: Array, x: Array): Array {
  const valid = and(and(gt(a, 0), gt(x, 0)), and(np.isfinite(a), np.isfinite(x)));
  const A = where(valid, a, 1);
  const X = where(valid, x, 1);
  const g = np.negative(mul(gammaSampleGrad(A, X), gammaDensity(A, X)));
  const nan = or(or(isnan(a), isnan(x)), or(le(a, 0), lt(x, 0)));
  return where(nan, NaN, where(valid, g, 0));
}

/** A function of arrays with no derivative: differentiating either argument raises (JAX defines none). */
const noDerivative = (f: (a: Array, b: Array) => Array): ((a: Array, b: Array) => Array) =>
  customJvp(f, { nondiffArgnums: [0, 1], jvp: (a: Array, b: Array) => { const o = f(a, b); return [o, np.zerosLike(o)]; } });

const igammaGradACJ = noDerivative(igammaGradAImpl);
const randomGammaGradCJ = noDerivative((a: Array, x: Array): Array => gammaSampleGrad(a, x));
// Inside igamma's rule ∂P/∂a is formed even when only x is differentiated (tangents are not symbolic
// zeros there), so that copy is differentiable in x: ∂²P/∂a∂x = density · (log x - ψ(a)); a still raises.
const igammaGradAInRule: (a: Array, x: Array) => Array = customJvp((a: Array, x: Array): Array => igammaGradAImpl(a, x), {
  nondiffArgnums: [0],
  jvp: (a: Array, [x]: Array[], [tx]: Array[]) => {
    const d = mul(gammaDensity(a, x), sub(log(where(gt(x, 0), x, 1)), np.digamma(a)));
    return [igammaGradAImpl(a, x), mul(tx, where(gt(x, 0), d, 0))];
  },
});

// d P = (∂P/∂a) da + density dx; Q = 1 - P has the negated tangent.
const igammaCJ: (a: Array, x: Array) => Array = customJvp((a: Array, x: Array): Array => igammaPQ(a, x)[0], {
  jvp: ([a, x]: Array[], [ta, tx]: Array[]) => [igammaPQ(a, x)[0], add(mul(ta, igammaGradAInRule(a, x)), mul(tx, gammaDensity(a, x)))],
});
const igammacCJ: (a: Array, x: Array) => Array = customJvp((a: Array, x: Array): Array => igammaPQ(a, x)[1], {
  jvp: ([a, x]: Array[], [ta, tx]: Array[]) => [igammaPQ(a, x)[1], np.negative(add(mul(ta, igammaGradAInRule(a, x)), mul(tx, gammaDensity(a, x))))],
});

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a) (scipy's gammainc), for
 * float operands of one dtype and shape. Differentiable in a (via igammaGradA) and x (the gamma density).
 */
export function igamma(a: Num, x: Num): Array {
  const [A, X] = floatArgs('igamma', [a, x]);
  return igammaCJ(A, X);
}

/** The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed directly (accurate in the upper tail); scipy's gammaincc. */
export function igammac(a: Num, x: Num): Array {
  const [A, X] = floatArgs('igammac', [a, x]);
  return igammacCJ(A, X);
}

/** ∂P(a, x)/∂a, the derivative of igamma in its first argument (not itself differentiable, as in JAX). */
export function igammaGradA(a: Num, x: Num): Array {
  const [A, X] = floatArgs('igammaGradA', [a, x]);
  return igammaGradACJ(A, X);
}

/**
 * dx/da for a gamma(a) sample x (JAX's random_gamma_grad): the implicit reparameterisation
 * gradient -(∂P/∂a)/(∂P/∂x) that `random.gamma` uses. Not itself differentiable, as in JAX.
 */
export function randomGammaGrad(a: Num, x: Num): Array {
  const [A, X] = floatArgs('randomGammaGrad', [a, x]);
  return randomGammaGradCJ(A, X);
}

// ---- incomplete beta -------------------------------------------------------------------------

const lbeta = (a: Array, b: Array): Array => sub(add(np.lgamma(a), np.lgamma(b)), np.lgamma(add(a, b)));

/** ∂I/∂x = x^(a-1) (1-x)^(b-1) / B(a, b). */
function betaDensity(a: Array, b: Array, x: Array): Array {
  const term = (p: Array, l: Array): Array => where(eq(p, 1), 0, mul(sub(p, 1), l));
  const inside = and(gt(x, 0), lt(x, 1));
  const xs = where(inside, x, 0.5);
  const d = exp(sub(add(term(a, log(xs)), term(b, log1p(np.negative(xs)))), lbeta(a, b)));
  const atEdge = (p: Array): Array => where(lt(p, 1), Infinity, where(eq(p, 1), exp(np.negative(lbeta(a, b))), 0));
  return where(inside, d, where(eq(x, 0), atEdge(a), where(eq(x, 1), atEdge(b), 0)));
}

/** I_x(a, b) by the continued fraction (modified Lentz), on the side of the mean where it converges fast. */
function betaincImpl(a: Array, b: Array, x: Array): Array {
  const eps = epsOf(a);
  const tiny = a.dtype === 'float32' ? 1e-30 : 1e-300;
  const valid = and(and(and(gt(a, 0), gt(b, 0)), and(np.isfinite(a), np.isfinite(b))), and(gt(x, 0), lt(x, 1)));
  const A0 = where(valid, a, 1);
  const B0 = where(valid, b, 1);
  const X0 = where(valid, x, 0.5);
  // I_x(a, b) = 1 - I_{1-x}(b, a): past the mean the continued fraction converges slowly.
  const swap = gt(X0, div(add(A0, 1), add(add(A0, B0), 2)));
  const A = where(swap, B0, A0);
  const B = where(swap, A0, B0);
  const X = where(swap, sub(1, X0), X0);
  // x^a (1-x)^b / B(a, b); for a, b >= 10 in the form √(ab/2π(a+b)) exp(a·log1pmx(d/a) + b·log1pmx(-d/b) - Δcorr)
  // with d = x(a+b) - a, where the large logs cancel analytically (the linear terms drop out).
  const plain = exp(sub(add(mul(A, log(X)), mul(B, log1p(np.negative(X)))), lbeta(A, B)));
  const big = and(np.greaterEqual(A, 10), np.greaterEqual(B, 10));
  const Ab = where(big, A, 10);
  const Bb = where(big, B, 10);
  const C = add(Ab, Bb);
  const dd = sub(mul(X, C), Ab);
  const corr = sub(add(stirlingCorr(Ab), stirlingCorr(Bb)), stirlingCorr(C));
  const expo = sub(add(mul(Ab, log1pmx(div(dd, Ab), div(mul(X, C), Ab))), mul(Bb, log1pmx(div(np.negative(dd), Bb), div(mul(sub(1, X), C), Bb)))), corr);
  const temme = mul(np.sqrt(div(mul(Ab, Bb), mul(C, 2 * Math.PI))), exp(expo));
  const front = div(where(big, temme, plain), A);
  const fix = (v: Array): Array => where(lt(abs(v), tiny), tiny, v);
  const qab = add(A, B);
  const qap = add(A, 1);
  const qam = sub(A, 1);
  const d0 = div(1, fix(sub(1, div(mul(qab, X), qap))));
  type St = [Array, Array, Array, Array, Array, Array];
  const [, , , , h] = whileLoop((st: St) => and(lt(st[0], MAX_ITER), someTrue(not(st[5]))), ([i, m, c, d, h, done]: St): St => {
    const m1 = add(m, 1);
    const m2 = mul(m1, 2);
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    let num = div(mul(mul(m1, sub(B, m1)), X), mul(add(qam, m2), add(A, m2)));
    let d1 = div(1, fix(add(1, mul(num, d))));
    let c1 = fix(add(1, div(num, c)));
    const h1 = mul(mul(h, d1), c1);
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    num = np.negative(div(mul(mul(add(A, m1), add(qab, m1)), X), mul(add(A, m2), add(qap, m2))));
    d1 = div(1, fix(add(1, mul(num, d1))));
    c1 = fix(add(1, div(num, c1)));
    const del = mul(d1, c1);
    const keep = (old: Array, nu: Array): Array => where(done, old, nu);
    return [add(i, 1), keep(m, m1), keep(c, c1), keep(d, d1), keep(h, mul(h1, del)), or(done, le(abs(sub(del, 1)), eps))];
  }, [i32(0), full(A, 0), full(A, 1), d0, d0, full(A, 0).astype('bool')] as St) as St;
  const res = mul(front, h);
  const I = where(swap, sub(1, res), res);
  // Edges as scipy: I_0 = 0, I_1 = 1, a = 0 gives 1, b = 0 gives 0, a = inf gives 0, b = inf gives 1.
  const nan = or(or(or(isnan(a), isnan(b)), isnan(x)), or(or(or(lt(a, 0), lt(b, 0)), or(lt(x, 0), gt(x, 1))), or(and(eq(a, 0), eq(b, 0)), and(np.isinf(a), np.isinf(b)))));
  return where(nan, NaN, where(eq(x, 0), 0, where(eq(x, 1), 1, where(eq(a, 0), 1, where(eq(b, 0), 0,
    where(np.isinf(a), 0, where(np.isinf(b), 1, I)))))));
}

// Differentiable in x only (as in JAX); a and b are non-differentiable arguments.
const betaincCJ: (a: Array, b: Array, x: Array) => Array = customJvp((a: Array, b: Array, x: Array): Array => betaincImpl(a, b, x), {
  nondiffArgnums: [0, 1],
  jvp: (a: Array, b: Array, [x]: Array[], [tx]: Array[]) => [betaincImpl(a, b, x), mul(tx, betaDensity(a, b, x))],
});

/**
 * The regularized incomplete beta function I_x(a, b) (scipy's betainc) for float operands of one
 * dtype and shape; differentiable in x only (as in JAX: differentiating a or b raises).
 */
export function betainc(a: Num, b: Num, x: Num): Array {
  const [A, B, X] = floatArgs('betainc', [a, b, x]);
  return betaincCJ(A, B, X);
}

// ---- Hurwitz zeta ----------------------------------------------------------------------------

// (2k)! / B_2k, the Euler–Maclaurin denominators (Cephes zeta.c).
const ZETA_A = [12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
  -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18];

/** ζ(x, q) = Σ_n (q + n)^-x by Cephes: terms summed directly until q + n > 9, then Euler–Maclaurin. */
function zetaImpl(x: Array, q: Array): Array {
  const eps = epsOf(x) / 2;
  const qInt = eq(q, np.floor(q));
  const pole = or(eq(x, 1), and(le(q, 0), qInt));
  const nan = or(or(isnan(x), isnan(q)), or(lt(x, 1), and(and(le(q, 0), not(qInt)), np.notEqual(x, np.floor(x)))));
  const ok = and(and(not(pole), not(nan)), np.isfinite(q));
  const X = where(ok, x, 2);
  const Q = where(ok, q, 1);
  // (base)^-x, for a negative base with an integral x (the only case that reaches it).
  const odd = np.notEqual(mul(np.floor(div(X, 2)), 2), X);
  const powm = (base: Array): Array => {
    const p = np.power(abs(base), np.negative(X));
    return where(and(lt(base, 0), odd), np.negative(p), p);
  };
  type St = [Array, Array, Array, Array, Array, Array, Array];
  const init: St = [i32(0), full(Q, 0), Q, full(Q, 0), powm(Q), full(Q, 0).astype('bool'), full(Q, 0).astype('bool')];
  // Carry: iteration, per-element count i, a = q + i, b = a^-x, the sum, converged, stopped.
  const [, , aEnd, bEnd, sEnd, done] = whileLoop((st: St) => and(lt(st[0], MAX_ITER), someTrue(not(st[6]))), ([it, i, a, b, s, dn, stop]: St): St => {
    const i1 = add(i, 1);
    const a1 = add(a, 1);
    const b1 = powm(a1);
    const s1 = add(s, b1);
    const conv = lt(abs(div(b1, s1)), eps);
    const keep = (old: Array, nu: Array): Array => where(stop, old, nu);
    return [add(it, 1), keep(i, i1), keep(a, a1), keep(b, b1), keep(s, s1), keep(dn, conv), or(stop, or(conv, and(np.greaterEqual(i1, 9), gt(a1, 9))))];
  }, init) as St;
  const w = aEnd;
  let s = where(done, sEnd, sub(add(sEnd, div(mul(bEnd, w), sub(X, 1))), mul(bEnd, 0.5)));
  let fin = done;
  let am: Array = full(Q, 1);
  let b = bEnd;
  let k = 0;
  for (const den of ZETA_A) {
    am = mul(am, add(X, k));
    b = div(b, w);
    const t = div(mul(am, b), den);
    s = where(fin, s, add(s, t));
    fin = or(fin, lt(abs(div(t, s)), eps));
    k += 1;
    am = mul(am, add(X, k));
    b = div(b, w);
    k += 1;
  }
  // Very large q: the leading terms of the asymptotic expansion (DLMF 25.11.43).
  const qBig = where(gt(Q, 1e8), Q, 1e8);
  const asym = mul(add(div(1, sub(X, 1)), div(0.5, qBig)), np.power(qBig, sub(1, X)));
  // x = inf: q^-inf is 1, inf or 0 (JS's pow(1, inf) is NaN, so it is written out).
  const xInf = where(eq(q, 1), 1, where(lt(q, 1), Infinity, 0));
  return where(nan, NaN, where(pole, Infinity, where(np.isinf(q), 0, where(np.isinf(x), xInf, where(gt(Q, 1e8), asym, s)))));
}

// ∂ζ(x, q)/∂q = -x ζ(x + 1, q); x is non-differentiable (as in JAX). Each level's rule uses the
// level below (the lowest differentiates its while loops in forward mode only), so reverse mode
// works to third order.
const zetaLevel = (below: (x: Array, q: Array) => Array): ((x: Array, q: Array) => Array) => customJvp((x: Array, q: Array): Array => zetaImpl(x, q), {
  nondiffArgnums: [0],
  jvp: (x: Array, [q]: Array[], [tq]: Array[]) => [zetaImpl(x, q), mul(tq, mul(np.negative(x), below(add(x, 1), q)))],
});
const zetaCJ = zetaLevel(zetaLevel(zetaLevel(zetaImpl)));

/**
 * The Hurwitz zeta function ζ(x, q) = Σ_{n>=0} (q + n)^-x (scipy's zeta(x, q)) for float operands
 * of one dtype and shape; inf at x = 1 and at the poles q = 0, -1, ...; NaN for x < 1.
 * Differentiable in q only (as in JAX: differentiating x raises).
 */
export function zeta(x: Num, q: Num): Array {
  const [X, Q] = floatArgs('zeta', [x, q]);
  return zetaCJ(X, Q);
}

// ---- exponentially scaled modified Bessel functions -------------------------------------------
// The Chebyshev expansions of np.i0 (lib/numpy/bessel.ts) are of the scaled functions already.

/** exp(-|x|) I_n(x) for n = 0 or 1. */
function besselIe(x: Array, order: 0 | 1): Array {
  const ax = abs(x);
  const small = le(ax, 8);
  const xs = where(small, ax, 8);
  const xl = where(small, 8, ax);
  const v = where(small, chebyshev(order === 0 ? I0_SMALL : I1_SMALL, sub(div(xs, 4), 1)),
    div(chebyshev(order === 0 ? I0_LARGE : I1_LARGE, sub(div(16, xl), 1)), np.sqrt(xl)));
  if (order === 0) return v;
  // Near 0 the expansion's absolute error would swamp I1(x) ~ x/2: use the series there.
  const x2 = mul(x, x);
  const series = mul(mul(exp(np.negative(ax)), mul(x, 0.5)), add(1, mul(x2, add(0.125, div(x2, 192)))));
  return where(lt(ax, 1e-3), series, mul(np.sign(x), v));
}

// i0e' = i1e - sign(x) i0e;  i1e' = i0e - i1e (sign(x) + 1/x), which tends to 1/2 at x = 0.
const i0eCJ: (x: Array) => Array = customJvp((x: Array): Array => besselIe(x, 0), {
  jvp: ([x]: Array[], [t]: Array[]) => [i0eCJ(x), mul(t, sub(i1eCJ(x), mul(np.sign(x), i0eCJ(x))))],
});
const i1eCJ: (x: Array) => Array = customJvp((x: Array): Array => besselIe(x, 1), {
  jvp: ([x]: Array[], [t]: Array[]) => {
    const xs = where(eq(x, 0), 1, x);
    const d = where(eq(x, 0), 0.5, sub(i0eCJ(x), mul(i1eCJ(x), add(np.sign(x), div(1, xs)))));
    return [i1eCJ(x), mul(t, d)];
  },
});

/** exp(-|x|) I0(x), the exponentially scaled modified Bessel function of order 0 (scipy's i0e); float operand. */
export function besselI0e(x: Num): Array {
  const [X] = floatArgs('besselI0e', [x]);
  return i0eCJ(X);
}

/** exp(-|x|) I1(x), the exponentially scaled modified Bessel function of order 1 (scipy's i1e); float operand. */
export function besselI1e(x: Num): Array {
  const [X] = floatArgs('besselI1e', [x]);
  return i1eCJ(X);
}
