/**
 * HistFactory interpolation codes (after pyhf.interpolators and CERN-OPEN-2012-016), vectorized
 * over entries: `alpha`, `lo`, `nom`, `hi` are one value per entry (a modifier applied to one bin).
 *
 *  - code 0 (additive, piecewise linear):  α (hi − nom) for α > 0, α (nom − lo) otherwise;
 *  - code 1 (multiplicative, exponential): (hi/nom)^α for α > 0, (lo/nom)^−α otherwise;
 *  - code 2 (additive, quadratic inside, linear outside), with a = (hi + lo)/2 − nom, b = (hi − lo)/2:
 *      a α² + b α on |α| ≤ 1, (b + 2a)(α − 1) for α > 1, (b − 2a)(α + 1) for α < −1
 *    (pyhf's formula as written, which is not continuous at |α| = 1);
 *  - code 4 (multiplicative): code 1 for |α| ≥ 1, inside a sixth-order polynomial 1 + Σ a_i α^i
 *    matching code 1's value, slope and curvature at α = ±1;
 *  - code 4p (additive): code 0 for |α| > 1, inside α (S + α A (15 + α² (−10 + 3α²))) with
 *    S = (δ⁺ + δ⁻)/2, A = (δ⁺ − δ⁻)/16, δ⁺ = hi − nom, δ⁻ = nom − lo.
 * Additive codes return the shift of the yield, multiplicative codes the factor on it. All
 * constants are computed on the host in float64 when the model is built; only α is traced.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import * as np from '../numpy/index.js';
import { solve } from './host-linalg.js';

/** A HistFactory interpolation code (pyhf's interpcode): '0', '1', '2', '4' (normsys) or '0', '2', '4p' (histosys). */
export type InterpCode = '0' | '1' | '2' | '4' | '4p';
export const INTERP_CODES: readonly InterpCode[] = ['0', '1', '2', '4', '4p'];
/** Whether a code returns a factor (1, 4) rather than an additive shift (0, 2, 4p). */
export const isMultiplicative = (code: InterpCode): boolean => code === '1' || code === '4';

/** '4', 'code4', 4 → '4'; undefined for anything else. */
export function parseInterpCode(v: unknown): InterpCode | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.replace(/^code/, '') : '';
  return (INTERP_CODES as readonly string[]).includes(s) ? (s as InterpCode) : undefined;
}

// Inverse of the 6×6 code-4 system for α0 = 1 (pyhf's code4.py), rows a_1..a_6, columns
// [hi − 1, lo − 1, ln(hi) hi, −ln(lo) lo, ln(hi)² hi, ln(lo)² lo].
const A_INV = [
  [15 / 16, -15 / 16, -7 / 16, -7 / 16, 1 / 16, -1 / 16],
  [3 / 2, 3 / 2, -9 / 16, 9 / 16, 1 / 16, 1 / 16],
  [-5 / 8, 5 / 8, 5 / 8, 5 / 8, -1 / 8, 1 / 8],
  [-3 / 2, -3 / 2, 7 / 8, -7 / 8, -1 / 8, -1 / 8],
  [3 / 16, -3 / 16, -3 / 16, -3 / 16, 1 / 16, -1 / 16],
  [1 / 2, 1 / 2, -5 / 16, 5 / 16, 1 / 16, 1 / 16],
];

/**
 * Code-4 coefficients a_1..a_6 of 1 + Σ a_i α^i on |α| < α0 for relative variations hi, lo: the
 * polynomial matches hi^α and lo^−α in value, slope and curvature at α = ±α0. Plain float64 JS.
 */
export function code4Coefficients(hi: number, lo: number, alpha0 = 1): number[] {
  const lu = Math.log(hi), ld = Math.log(lo);
  const up = hi ** alpha0, dn = lo ** alpha0;
  const b = [up - 1, dn - 1, lu * up, -ld * dn, lu * lu * up, ld * ld * dn];
  if (alpha0 === 1) return A_INV.map((row) => row.reduce((s, v, k) => s + v * b[k], 0));
  // General α0: solve the system by Gaussian elimination with partial pivoting.
  const rows: number[][] = [];
  for (const s of [1, -1]) rows.push([1, 2, 3, 4, 5, 6].map((i) => (s * alpha0) ** i));
  for (const s of [1, -1]) rows.push([1, 2, 3, 4, 5, 6].map((i) => i * (s * alpha0) ** (i - 1)));
  for (const s of [1, -1]) rows.push([1, 2, 3, 4, 5, 6].map((i) => (i >= 2 ? i * (i - 1) * (s * alpha0) ** (i - 2) : 0)));
  return solve(rows, b)!;
}

/** Per-modifier constants of the interpolation (one number per modifier). */
export type Consts = readonly number[];

/**
 * The constant vectors `code` needs for the templates lo, nom, hi (one entry per modifier),
 * computed on the host in float64: what `interpolateTerms` reads, so a model passes them in as
 * data and its compiled program serves every model of the same structure.
 */
export function interpTerms(code: InterpCode, lo: Consts, nom: Consts, hi: Consts): number[][] {
  switch (code) {
    case '0':
      return [hi.map((h, i) => h - nom[i]), nom.map((m, i) => m - lo[i])];
    case '1':
      return [hi.map((h, i) => Math.log(h / nom[i])), lo.map((l, i) => -Math.log(l / nom[i]))];
    case '2': {
      const A = lo.map((l, i) => 0.5 * (hi[i] + l) - nom[i]), B = lo.map((l, i) => 0.5 * (hi[i] - l));
      return [A, B, B.map((b, i) => b + 2 * A[i]), B.map((b, i) => b - 2 * A[i])];
    }
    case '4': {
      const rh = hi.map((h, i) => h / nom[i]), rl = lo.map((l, i) => l / nom[i]);
      const c = rh.map((h, i) => code4Coefficients(h, rl[i], 1));
      return [...[0, 1, 2, 3, 4, 5].map((k) => c.map((ci) => ci[k])), rh.map((h) => Math.log(h)), rl.map((l) => -Math.log(l))];
    }
    case '4p': {
      const du = hi.map((h, i) => h - nom[i]), dd = nom.map((m, i) => m - lo[i]);
      return [du.map((u, i) => 0.5 * (u + dd[i])), du.map((u, i) => 0.0625 * (u - dd[i])), du, dd];
    }
  }
}

/** How many constant vectors `interpTerms` gives for `code`. */
export const interpTermCount = (code: InterpCode): number => interpTerms(code, [], [], []).length;

/**
 * Interpolated values of `code` for one α per entry, from the constant vectors of `interpTerms`
 * (as Arrays of α's dtype and length): the additive shift (codes 0, 2, 4p) or the multiplicative
 * factor (codes 1, 4).
 */
export function interpolateTerms(code: InterpCode, alpha: Array, t: readonly Array[]): Array {
  const a = alpha;
  switch (code) {
    case '0':
      return np.multiply(a, np.where(np.greater(a, 0), t[0], t[1]));
    case '1':
      return np.exp(np.multiply(a, np.where(np.greater(a, 0), t[0], t[1])));
    case '2': {
      const [A, B, above1, below1] = t;
      const inner = np.multiply(a, np.add(np.multiply(a, A), B));
      const above = np.multiply(np.subtract(a, 1), above1);
      const below = np.multiply(np.add(a, 1), below1);
      return np.where(np.greater(a, 1), above, np.where(np.less(a, -1), below, inner));
    }
    case '4': {
      let poly: Array = t[5];
      for (let k = 4; k >= 0; k--) poly = np.add(np.multiply(poly, a), t[k]);
      poly = np.add(np.multiply(poly, a), 1);
      const upper = np.exp(np.multiply(a, t[6])), lower = np.exp(np.multiply(a, t[7]));
      return np.where(np.greaterEqual(a, 1), upper, np.where(np.greater(a, -1), poly, lower));
    }
    case '4p': {
      const [S, A, du, dd] = t;
      const a2 = np.multiply(a, a);
      const poly = np.add(np.multiply(a2, np.add(np.multiply(a2, 3), -10)), 15);
      const inner = np.multiply(a, np.add(S, np.multiply(np.multiply(a, A), poly)));
      const outer = np.multiply(a, np.where(np.greater(a, 1), du, dd));
      return np.where(np.logicalOr(np.greater(a, 1), np.less(a, -1)), outer, inner);
    }
  }
}

/**
 * Interpolated values of `code` for one α per entry and the constant templates lo, nom, hi per
 * entry: the additive shift (codes 0, 2, 4p) or the multiplicative factor (codes 1, 4).
 */
export function interpolate(code: InterpCode, alpha: Array, lo: Consts, nom: Consts, hi: Consts): Array {
  const vec = (v: number[]): Array => np.array(v, { dtype: alpha.dtype, device: alpha.device });
  return interpolateTerms(code, alpha, interpTerms(code, lo, nom, hi).map(vec));
}

const asAlpha = (alpha: ArrayOrScalar | readonly number[]): Array => {
  const a = np.asarray(alpha as ArrayOrScalar);
  return a.dtype === 'float64' || a.dtype === 'float32' ? a : a.astype('float64');
};

/** One relative variation (hi, lo) applied to every α: the normsys factor of `code` (nominal 1). */
export function interpFactor(code: InterpCode, alpha: ArrayOrScalar | readonly number[], hi: number, lo: number): Array {
  const a = asAlpha(alpha);
  const flat = np.ravel(a);
  const n = flat.shape[0];
  const r = interpolate(code, flat, new globalThis.Array(n).fill(lo), new globalThis.Array(n).fill(1), new globalThis.Array(n).fill(hi));
  const f = isMultiplicative(code) ? r : np.add(r, 1);
  return np.reshape(f, a.shape);
}

/** Code 1: hi^α for α >= 0, lo^-α for α < 0 (hi, lo relative to nominal). */
export function interpCode1(alpha: ArrayOrScalar | readonly number[], hi: number, lo: number): Array {
  return interpFactor('1', alpha, hi, lo);
}

/** Code 4: code 1 for |α| >= 1, and the matching sixth-order polynomial inside (pyhf's code4, α0 = 1). */
export function interpCode4(alpha: ArrayOrScalar | readonly number[], hi: number, lo: number): Array {
  return interpFactor('4', alpha, hi, lo);
}
