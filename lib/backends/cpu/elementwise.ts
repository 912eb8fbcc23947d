/** CPU kernels for elementwise unary/binary primitives and select (rank-0 operands broadcast). */
import { type TypedArray, typedArrayFor } from '../../core/dtype.js';
import { type Aval, size } from '../../core/ir.js';
import { type CpuKernel, registerKernels } from './kernels.js';
import * as sp from './special.js';

type F1 = (x: number) => number;
type F2 = (x: number, y: number) => number;

function mapUnary(x: TypedArray, o: Aval, f: F1): TypedArray[] {
  const out = typedArrayFor(o.dtype, x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return [out];
}

const unary = (f: F1): CpuKernel => ([x], _in, [o]) => mapUnary(x, o, f);

function binary(f: F2, fInt?: F2): CpuKernel {
  return ([a, b], [aa, ab], [o]) => {
    const g = fInt && aa.dtype === 'int32' ? fInt : f;
    const n = size(o.shape);
    const out = typedArrayFor(o.dtype, n);
    const sa = aa.shape.length === 0 && n !== 1;
    const sb = ab.shape.length === 0 && n !== 1;
    if (sa && sb) { const v = g(a[0], b[0]); out.fill(v); }
    else if (sa) { const x = a[0]; for (let i = 0; i < n; i++) out[i] = g(x, b[i]); }
    else if (sb) { const y = b[0]; for (let i = 0; i < n; i++) out[i] = g(a[i], y); }
    else for (let i = 0; i < n; i++) out[i] = g(a[i], b[i]);
    return [out];
  };
}

/** Round half to even (numpy's and XLA's default rounding). */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Exact integer powers by repeated squaring (what lax.integer_pow computes). */
export function ipow(x: number, y: number, mul: F2): number {
  let acc = 1;
  let base = x;
  let n = Math.abs(y);
  while (n > 0) {
    if (n & 1) acc = mul(acc, base);
    base = mul(base, base);
    n >>>= 1;
  }
  return y < 0 ? 1 / acc : acc;
}

const fmul: F2 = (a, b) => a * b;

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

const intDiv: F2 = (a, b) => (b === 0 ? 0 : Math.trunc(a / b) | 0);

registerKernels({
  neg: unary((x) => -x),
  stop_gradient: ([x]) => [x.slice()],
  exp: unary(Math.exp),
  exp2: unary((x) => 2 ** x),
  log: unary(Math.log),
  log1p: unary(Math.log1p),
  expm1: unary(Math.expm1),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  tanh: unary(Math.tanh),
  asinh: unary(Math.asinh),
  acosh: unary(Math.acosh),
  atanh: unary(Math.atanh),
  sqrt: unary(Math.sqrt),
  rsqrt: unary((x) => 1 / Math.sqrt(x)),
  cbrt: unary(Math.cbrt),
  abs: unary(Math.abs),
  sign: unary((x) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : x)),
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  round: unary(roundEven),
  logistic: unary(logistic),
  erf: unary(sp.erf),
  erfc: unary(sp.erfc),
  erf_inv: unary(sp.erfInv),
  lgamma: unary(sp.lgamma),
  digamma: unary(sp.digamma),
  polygamma: ([x], _in, [o], { n }: { n: number }) => mapUnary(x, o, (v) => polygamma(n, v)),
  is_finite: unary((x) => (Number.isFinite(x) ? 1 : 0)),
  not: ([x], [a], [o]) => mapUnary(x, o, a.dtype === 'bool' ? (v) => 1 - v : (v) => ~v),
  integer_pow: ([x], [a], [o], { y }: { y: number }) => mapUnary(x, o, (v) => ipow(v, y, a.dtype === 'int32' ? Math.imul : fmul)),

  add: binary((a, b) => a + b, (a, b) => (a + b) | 0),
  sub: binary((a, b) => a - b, (a, b) => (a - b) | 0),
  mul: binary(fmul, Math.imul),
  div: binary((a, b) => a / b, intDiv),
  rem: binary((a, b) => a % b, (a, b) => (b === 0 ? 0 : a % b)),
  pow: binary(Math.pow),
  max: binary((a, b) => (a > b || Number.isNaN(a) ? a : b)),
  min: binary((a, b) => (a < b || Number.isNaN(a) ? a : b)),
  atan2: binary(Math.atan2),
  and: binary((a, b) => a & b),
  or: binary((a, b) => a | b),
  xor: binary((a, b) => a ^ b),
  eq: binary((a, b) => +(a === b)),
  ne: binary((a, b) => +(a !== b)),
  lt: binary((a, b) => +(a < b)),
  le: binary((a, b) => +(a <= b)),
  gt: binary((a, b) => +(a > b)),
  ge: binary((a, b) => +(a >= b)),

  select: ([p, t, f], _in, [o]) => {
    const n = size(o.shape);
    const out: TypedArray = typedArrayFor(o.dtype, n);
    const at = (x: TypedArray, k: number) => (x.length === 1 && n !== 1 ? 0 : k);
    for (let i = 0; i < n; i++) out[i] = p[at(p, i)] ? t[at(t, i)] : f[at(f, i)];
    return [out];
  },
});
