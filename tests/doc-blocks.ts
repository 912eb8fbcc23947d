/**
 * Runs the TypeScript blocks of the README and the guides as a user would paste them, and checks
 * the values they show. A block is one ES module (imports from 'cotangent' included); a line
 * ending in `// → text` is checked: an expression statement's value, or what a one-line
 * `console.log(...)` prints, must show the numbers (and true/false/NaN words) of `text`, to the
 * precision `text` writes them (a trailing `…` or `...` makes them prefixes). Text after two
 * spaces is a remark. `// throws → text` expects the statement to throw an error showing `text`.
 * Blocks fenced as ```ts no-run are only shown; ```ts webgpu blocks run where WebGPU does.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { Array as ArrayClass } from '../lib/core/array.js';

export interface DocBlock { file: string; line: number; code: string; webgpu: boolean }

/** The runnable ```ts blocks of a markdown file, dedented. */
export function docBlocks(file: string): DocBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts(?:\s+(.*))?$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const flags = (open[2] ?? '').split(/\s+/);
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) j++;
    if (!flags.includes('no-run')) blocks.push({ file, line: i + 1, code: lines.slice(i + 1, j).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n'), webgpu: flags.includes('webgpu') });
    i = j;
  }
  return blocks;
}

/** The block as a module: 'cotangent' resolved to `lib`, checked lines wrapped in the checks below. */
export function instrument(b: DocBlock, lib: string, self: string): string {
  const out = b.code.split('\n').map((l, k) => {
    const at = `${b.file.replace(/^.*\//, '')}:${b.line + 1 + k}`;
    const m = /^(\s*)(.*?);?\s*\/\/\s*(throws\s*)?→\s*(.*)$/.exec(l);
    if (!m) return l;
    const [, pad, stmt, throws, text] = m;
    const expected = JSON.stringify(text.split(/\s{2,}/)[0]);
    if (throws) return `${pad}__throws(${expected}, ${JSON.stringify(at)}, () => { ${stmt}; });`;
    const log = /^console\.log\((.*)\)$/.exec(stmt);
    if (log) return `${pad}__log(${expected}, ${JSON.stringify(at)}, ${log[1]});`;
    return `${pad}__check(${expected}, ${JSON.stringify(at)}, ${stmt});`;
  });
  return [`import { __check, __log, __throws } from ${JSON.stringify(self)};`, ...out].join('\n').replace(/from 'cotangent'/g, `from ${JSON.stringify(lib)}`);
}

const NUMBER = /(?<![A-Za-z_\d.])[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?(?:…|\.\.\.)?|\b(?:true|false|NaN|-?Infinity)\b/g;

/** A value as the checks read it: Arrays as nested numbers, pytrees of them likewise. */
function show(v: unknown): string {
  const plain = (x: unknown): unknown => {
    if (x instanceof ArrayClass) return x.js();
    // typed arrays (what data() resolves to) show their elements, not their length
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return globalThis.Array.from(x as unknown as ArrayLike<number>);
    if (globalThis.Array.isArray(x)) return x.map(plain);
    if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, plain(y)]));
    return x;
  };
  const p = plain(v);
  return typeof p === 'string' ? p : inspect(p, { depth: 10, maxArrayLength: 1000, breakLength: Infinity });
}

/** Whether the shown token `g` is the documented `w`, to the precision `w` writes it. */
function same(g: string, w: string): boolean {
  const prefix = /(…|\.\.\.)$/.test(w);
  const ws = w.replace(/(…|\.\.\.)$/, '');
  const [gv, wv] = [Number(g), Number(ws)];
  if (Number.isNaN(wv) || Number.isNaN(gv)) return g === ws;
  const exp = /e([-+]?\d+)$/.exec(ws);
  const decimals = (/\.(\d+)/.exec(ws.replace(/e.*$/, ''))?.[1].length ?? 0) - (exp ? Number(exp[1]) : 0);
  const tol = prefix ? 10 ** -decimals : decimals > 0 ? 0.5 * 10 ** -decimals + 1e-12 : 1e-9 * Math.max(1, Math.abs(wv));
  return Math.abs(gv - wv) <= tol;
}

/**
 * Whether `got` shows the values of `want` (numbers, true/false/NaN), in order: all of them, or
 * (`within`) as a subsequence of what `got` shows.
 */
export function matches(got: string, want: string, within = false): string | undefined {
  const g = got.match(NUMBER) ?? [];
  const w = want.match(NUMBER) ?? [];
  if (within) {
    let k = 0;
    for (const t of g) if (k < w.length && same(t, w[k])) k++;
    return k === w.length ? undefined : `shows no ${w[k]} after the values before it (${g.join(' ')})`;
  }
  if (g.length !== w.length) return `shows ${g.length} values (${g.join(' ')}), the docs ${w.length} (${w.join(' ')})`;
  const bad = w.findIndex((t, i) => !same(g[i], t));
  return bad < 0 ? undefined : `value ${bad}: ${g[bad]}, the docs ${w[bad]}`;
}

export function __check(want: string, at: string, value: unknown): void {
  const bad = matches(show(value), want);
  if (bad) throw new Error(`${at}: ${bad}\n  got:  ${show(value)}\n  docs: ${want}`);
}

export function __log(want: string, at: string, ...args: unknown[]): void {
  const line = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10, breakLength: Infinity }))).join(' ');
  console.log(...args);
  const bad = matches(line, want);
  if (bad) throw new Error(`${at}: ${bad}\n  printed: ${line}\n  docs:    ${want}`);
}

export function __throws(want: string, at: string, f: () => void): void {
  try { f(); } catch (e) {
    const text = `${(e as Error).name}: ${(e as Error).message}`;
    const head = want.split(':')[0].trim();
    const bad = text.startsWith(head) ? matches(text, want, true) : `the error does not start with '${head}'`;
    if (bad) throw new Error(`${at}: ${bad}\n  threw: ${text}\n  docs:  ${want}`);
    return;
  }
  throw new Error(`${at}: did not throw; the docs show ${want}`);
}
