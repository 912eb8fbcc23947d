/**
 * The layers of lib/ point down only: core <- primitives <- transforms <- control <- numpy, lax
 * and the modules above them; lowering and backends use core and primitives. Checked on the
 * run-time imports (and re-exports) of every file; `import type` and imports whose every binding
 * is type-only are erased by the compiler and may point anywhere, except out of core.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LIB = resolve(dirname(fileURLToPath(import.meta.url)), '../lib');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Files under lib/ (relative, with .ts) that `file` imports at run time (or at all, with types). */
function imports(file: string, withTypes = false): string[] {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  for (const st of src.statements) {
    let spec: ts.Expression | undefined;
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) &&
        c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly || withTypes) spec = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      const typeOnly = st.isTypeOnly || (!!st.exportClause && ts.isNamedExports(st.exportClause) &&
        st.exportClause.elements.length > 0 && st.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly || withTypes) spec = st.moduleSpecifier;
    }
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.text.replace(/\.js$/, '.ts'));
    out.push(relative(LIB, target));
  }
  return out;
}

const files = tsFiles(LIB);
const graph = new Map(files.map((f) => [relative(LIB, f), imports(f)]));
const typeGraph = new Map(files.map((f) => [relative(LIB, f), imports(f, true)]));
const layer = (f: string): string => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f);

/** Imports of files in `from` that leave the `allowed` layers. */
function violations(from: string, allowed: readonly string[], g = graph): string[] {
  return [...g].filter(([f]) => layer(f) === from)
    .flatMap(([f, deps]) => deps.filter((d) => !allowed.includes(layer(d))).map((d) => `${f} -> ${d}`));
}

describe('layering of lib/', () => {
  it('finds the files and their imports', () => {
    expect(graph.get('core/trace.ts')).toContain('core/ir.ts');
    expect(graph.get('index.ts')?.length).toBeGreaterThan(5);
  });

  it('core imports nothing outside core, not even types', () => {
    expect(violations('core', ['core'], typeGraph)).toEqual([]);
  });

  it('primitives import only core and primitives', () => {
    expect(violations('primitives', ['core', 'primitives'])).toEqual([]);
  });

  it('transforms import only core, primitives and transforms', () => {
    expect(violations('transforms', ['core', 'primitives', 'transforms'])).toEqual([]);
  });

  it('control (higher-order primitives) sits on transforms and imports nothing above it', () => {
    expect(violations('control', ['core', 'primitives', 'transforms', 'control'])).toEqual([]);
  });

  it('lowering and backends use core and primitives, never transforms', () => {
    const below = ['core', 'primitives', 'lowering', 'backends'];
    expect([...violations('lowering', below), ...violations('backends', below)]).toEqual([]);
  });

  it('the first-order primitive files have no import cycle', () => {
    const prim = [...graph.keys()].filter((f) => layer(f) === 'primitives');
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') { cycles.push([...path.slice(path.indexOf(f)), f].join(' -> ')); return; }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) if (layer(d) === 'primitives') visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of prim) visit(f, []);
    expect(cycles).toEqual([]);
  });
});

describe('the op layer of lib/primitives', () => {
  it('binds the primitive each family exports under that name', async () => {
    await import('../lib/index.js');
    const { opPrimitives } = await import('../lib/primitives/ops.js');
    const B = await import('../lib/primitives/binary.js');
    const U = await import('../lib/primitives/elementwise.js');
    const S = await import('../lib/primitives/shape.js');
    const R = await import('../lib/primitives/reduce.js');
    const want: Record<keyof typeof opPrimitives, unknown> = {
      add: B.Add, sub: B.Sub, mul: B.Mul, div: B.Div, max: B.Max, min: B.Min,
      eq: B.Eq, ge: B.Ge, gt: B.Gt, lt: B.Lt, select: B.Select,
      neg: U.Neg, log: U.Log, abs: U.Abs, sign: U.Sign, floor: U.Floor,
      broadcast_in_dim: S.BroadcastInDim, reshape: S.Reshape, transpose: S.Transpose, reduce_sum: R.ReduceSum,
    };
    for (const [name, get] of Object.entries(opPrimitives)) expect(get(), name).toBe(want[name as keyof typeof opPrimitives]);
  });
});
