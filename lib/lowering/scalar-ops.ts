/**
 * The scalar-op table: every elementwise primitive defined once, as a function from operand
 * expressions to an expression. This is the JavaScript spelling, the reference; other renderers
 * (WebAssembly, WGSL) spread this table and override what their target spells differently.
 * Results are exact in float64; a renderer rounds float32 and wraps int32 results after each op,
 * so fused and unfused evaluation agree bit for bit.
 */
import { type DType, f16round, intRange, isInt, toIntSaturating } from '../core/dtype.js';

/** Operand expressions, the operands' dtype, the result's dtype and the op's numeric param. */
export type Spell = (a: readonly string[], inDtype: DType, outDtype: DType, param: number) => string;

const call = (f: string): Spell => (a) => `${f}(${a.join(', ')})`;
const infix = (op: string): Spell => ([a, b]) => `(${a} ${op} ${b})`;
const cmp = (op: string): Spell => ([a, b]) => `(${a} ${op} ${b} ? 1 : 0)`;
const int = isInt;
/** A function with one implementation per float width: `h.exp32`, `h.exp64` (see referenceMath). */
const math = (f: string): Spell => (a, _i, o) => `h.${f}${o === 'float32' ? 32 : 64}(${a.join(', ')})`;

/** Elementwise primitives by name. Helpers (`h.*`) come with each renderer. */
export const SCALAR_OPS: Readonly<Record<string, Spell>> = {
  neg: ([a]) => `(-${a})`,
  exp: math('exp'), exp2: ([a]) => `(2 ** ${a})`, log: math('log'), log1p: math('log1p'),
  expm1: math('expm1'), sin: math('sin'), cos: math('cos'), tan: call('Math.tan'),
  asin: call('Math.asin'), acos: call('Math.acos'), atan: call('Math.atan'), sinh: call('Math.sinh'),
  cosh: call('Math.cosh'), tanh: math('tanh'), asinh: call('Math.asinh'), acosh: call('Math.acosh'),
  atanh: call('Math.atanh'), sqrt: call('Math.sqrt'), rsqrt: ([a]) => `(1 / Math.sqrt(${a}))`, cbrt: call('Math.cbrt'),
  abs: call('Math.abs'), floor: call('Math.floor'), ceil: call('Math.ceil'), sign: call('h.sign'),
  round: call('h.roundEven'), logistic: math('logistic'), erf: math('erf'), erfc: call('h.erfc'),
  erf_inv: call('h.erfInv'), lgamma: call('h.lgamma'), digamma: call('h.digamma'),
  is_finite: ([a]) => `(Number.isFinite(${a}) ? 1 : 0)`,
  stop_gradient: ([a]) => a,
  not: ([a], d) => (d === 'bool' ? `(1 - ${a})` : `(~${a})`),
  polygamma: ([a], _i, _o, n) => `h.polygamma(${n}, ${a})`,
  integer_pow: ([a], d, _o, y) => `h.ipow(${a}, ${y}, ${int(d) ? 'Math.imul' : 'h.fmul'})`,

  add: infix('+'), sub: infix('-'),
  mul: ([a, b], d) => (int(d) ? `Math.imul(${a}, ${b})` : `(${a} * ${b})`),
  div: ([a, b], d) => (int(d) ? `h.idiv(${a}, ${b})` : `(${a} / ${b})`),
  rem: ([a, b], d) => (int(d) ? `h.irem(${a}, ${b})` : `(${a} % ${b})`),
  pow: math('pow'), atan2: call('Math.atan2'),
  // NaN propagates from either side (XLA's max/min).
  max: call('h.max'), min: call('h.min'),
  and: infix('&'), or: infix('|'), xor: infix('^'),
  eq: cmp('==='), ne: cmp('!=='), lt: cmp('<'), le: cmp('<='), gt: cmp('>'), ge: cmp('>='),
  select: ([p, t, f]) => `(${p} ? ${t} : ${f})`,

  convert_element_type: ([a], from, to) => {
    if (to === 'bool') return `(${a} !== 0 ? 1 : 0)`; // NaN -> true, as numpy
    if (isInt(to) && !isInt(from) && from !== 'bool') {
      const [lo, hi] = intRange(to);
      return `h.toInt(${a}, ${lo}, ${hi})`; // saturating, NaN -> 0 (XLA's float -> int)
    }
    return a; // exact, or rounded / wrapped to the result's dtype by the renderer
  },
};

/**
 * An expression's value as its dtype stores it: floats rounded to their width, integers wrapped
 * (two's complement). Renderers that compute in JS numbers apply it after every op, so a fused
 * kernel's bits equal those of its ops run one at a time.
 */
export function storedAs(s: string, d: DType): string {
  switch (d) {
    case 'float32': return `Math.fround(${s})`;
    case 'float16': return `h.f16round(${s})`;
    case 'int32': return `(${s} | 0)`;
    case 'uint32': return `(${s} >>> 0)`;
    case 'int8': return `((${s} << 24) >> 24)`;
    case 'uint8': return `(${s} & 255)`;
    default: return s;
  }
}

/** Scalar ops whose operand dtype differs from the result's (the renderer needs the operand's). */
export const isScalarOp = (name: string): boolean => name in SCALAR_OPS;

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
export function ipow(x: number, y: number, mul: (a: number, b: number) => number): number {
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

/**
 * The functions spelled `h.<name>32` / `h.<name>64`. A renderer supplies them; these are the
 * references (JS's Math, rounded to float32 by the renderer), which the CPU replaces with its
 * WebAssembly math so that its two renderers compute them identically. erf is the backend's.
 */
export const referenceMath = {
  exp32: Math.exp, exp64: Math.exp, log32: Math.log, log64: Math.log, log1p32: Math.log1p, log1p64: Math.log1p,
  expm132: Math.expm1, expm164: Math.expm1, tanh32: Math.tanh, tanh64: Math.tanh, logistic32: logistic, logistic64: logistic,
  sin32: Math.sin, sin64: Math.sin, cos32: Math.cos, cos64: Math.cos, pow32: Math.pow, pow64: Math.pow,
};

/** The JavaScript helpers the table refers to as `h.*` (special functions are the backend's). */
export const jsHelpers = {
  sign: (x: number) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : x),
  max: (a: number, b: number) => (a > b || Number.isNaN(a) ? a : b),
  min: (a: number, b: number) => (a < b || Number.isNaN(a) ? a : b),
  fmul: (a: number, b: number) => a * b,
  idiv: (a: number, b: number) => (b === 0 ? 0 : Math.trunc(a / b) | 0),
  irem: (a: number, b: number) => (b === 0 ? 0 : a % b),
  toInt: toIntSaturating,
  roundEven, ipow, f16round,
};
