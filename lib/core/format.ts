/** numpy-style printing of array data. */
import type { TypedArray } from './dtype.js';
import { type Aval, size } from './ir.js';

function fmtFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e16) return String(Number(v.toPrecision(8)));
  return v.toExponential(8).replace(/\.?0+e/, 'e');
}

export function formatArray(data: TypedArray, a: Aval): string {
  const fmt =
    a.dtype === 'bool' ? (v: number) => (v ? 'True' : 'False')
    : a.dtype === 'int32' ? (v: number) => String(v)
    : fmtFloat;
  let strs = globalThis.Array.from(data, fmt);
  if (a.dtype === 'float32' || a.dtype === 'float64') strs = alignDecimals(strs);
  const width = strs.reduce((w, s) => Math.max(w, s.length), 0);
  const pad = (s: string) => s.padStart(width);
  if (a.shape.length === 0) return strs[0];
  const rec = (dim: number, off: number, indent: string): string => {
    if (dim === a.shape.length - 1) {
      const row: string[] = [];
      for (let i = 0; i < a.shape[dim]; i++) row.push(pad(strs[off + i]));
      return `[${row.join(' ')}]`;
    }
    const stride = size(a.shape.slice(dim + 1));
    const parts: string[] = [];
    for (let i = 0; i < a.shape[dim]; i++) parts.push(rec(dim + 1, off + i * stride, indent + ' '));
    const sep = '\n'.repeat(a.shape.length - dim - 1) + indent + ' ';
    return `[${parts.join(sep)}]`;
  };
  return rec(0, 0, '');
}

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
