/** numpy-style printing of array data. */
import { type DType, type TypedArray, f16round, isInt } from './dtype.js';
import { type Aval, size } from './ir.js';

/** How a float dtype rounds a JS number (float64: not at all). */
const ROUND: Partial<Record<DType, (x: number) => number>> = { float32: Math.fround, float16: f16round };

/** An array element: at most 8 significant digits, fewer where fewer read back as the same float16. */
function fmtFloat(v: number, round?: (x: number) => number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const a = Math.abs(v);
  let p = 8;
  if (round === f16round) while (p > 1 && round(Number(v.toPrecision(p - 1))) === v) p--;
  if (a >= 1e-4 && a < 1e16) return String(Number(v.toPrecision(p)));
  return v.toExponential(p).replace(/\.?0+e/, 'e');
}

/** The shortest digits that read back as `v` (through `round`, a narrower float's rounding), as 'd.ddde±x'. */
function shortestExp(v: number, round?: (x: number) => number): string {
  if (!round) return v.toExponential();
  for (let p = 0; p < 9; p++) {
    const s = v.toExponential(p);
    if (round(Number(s)) === v) return s;
  }
  return v.toExponential(8);
}

/**
 * A float as numpy's str of a scalar (and of a 0-d array): the shortest round-trip digits,
 * positional from 1e-4 up to 1e16 with at least one fractional digit ('2.0'), else scientific
 * with a two-digit exponent ('1e-05', '1.5e+20').
 */
function scalarFloat(v: number, round?: (x: number) => number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, e] = shortestExp(v, round).split('e');
  const exp = Number(e);
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const sign = v < 0 ? '-' : '';
  const digits = mant.replace(/^-/, '').replace('.', '');
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
}

/** Beyond this many elements numpy prints the first and last EDGE of each axis around '...'. */
const THRESHOLD = 1000;
const EDGE = 3;

/**
 * numpy's `str` of an array (`repr`: numpy's repr, with commas, as `Array(..., dtype=...)`).
 * Arrays over THRESHOLD elements are summarized as numpy does: EDGE items from each end of each
 * axis around '...'.
 */
export function formatArray(data: TypedArray, a: Aval, repr = false): string {
  // numpy's str of a 0-d array is its scalar's: '2.0', where the repr says array(2.).
  const float = !isInt(a.dtype) && a.dtype !== 'bool';
  const round = ROUND[a.dtype];
  if (!repr && a.shape.length === 0 && float) return scalarFloat(data[0], round);
  const fmt =
    a.dtype === 'bool' ? (v: number) => (v ? 'True' : 'False')
    : float ? (v: number) => fmtFloat(v, round)
    : (v: number) => String(v);
  const summarize = size(a.shape) > THRESHOLD;
  const shown = a.shape.map((n) => (summarize && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n)));
  const strides = a.shape.map((_, d) => size(a.shape.slice(d + 1)));
  // the shown elements only (a summarized array is never formatted whole)
  const offsets: number[] = [];
  const walk = (d: number, off: number): void => {
    if (d === a.shape.length) { offsets.push(off); return; }
    for (const i of shown[d]) if (i >= 0) walk(d + 1, off + i * strides[d]);
  };
  walk(0, 0);
  let strs = offsets.map((o) => fmt(data[o]));
  if (float) strs = alignDecimals(strs);
  const width = strs.reduce((w, t) => Math.max(w, t.length), 0);
  const byOffset = new Map(offsets.map((o, k) => [o, strs[k].padStart(width)]));
  const comma = repr ? ',' : '';
  const lead = repr ? ' '.repeat('Array('.length) : '';
  const rec = (dim: number, off: number, indent: string): string => {
    if (dim === a.shape.length) return byOffset.get(off)!;
    const parts = shown[dim].map((i) => (i < 0 ? '...' : rec(dim + 1, off + i * strides[dim], indent + ' ')));
    const sep = dim === a.shape.length - 1 ? `${comma} ` : `${comma}${'\n'.repeat(a.shape.length - dim - 1)}${lead}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = a.shape.length === 0 ? strs[0] : rec(0, 0, '');
  return repr ? `Array(${body}, dtype=${a.dtype})` : body;
}

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo }, (_, i) => lo + i);

/** numpy lines floats up on the decimal point: integer parts left-padded, fractions right-padded. */
function alignDecimals(strs: string[]): string[] {
  const parts = strs.map((s) => {
    const i = s.indexOf('.');
    return i < 0 || s.includes('e') ? null : [s.slice(0, i), s.slice(i)];
  });
  const plain = parts.filter((p): p is string[] => p !== null);
  if (!plain.length) return strs;
  const wi = Math.max(...plain.map((p) => p[0].length));
  const wf = Math.max(...plain.map((p) => p[1].length));
  return strs.map((s, k) => {
    const p = parts[k];
    return p ? p[0].padStart(wi) + p[1].padEnd(wf) : s.padStart(wi + wf);
  });
}
