/**
 * The JavaScript renderer: a lowered Kernel becomes one generated function of nested loops.
 * Scalar ops come from the shared table; float32 results are rounded and int32 results wrapped
 * after every op, exactly as storing them would, so fusion never changes a bit. Functions are
 * cached by the kernel's structural key.
 */
import { type DType, type TypedArray, intRange, isInt } from '../../core/dtype.js';
import type { Expr } from '../../lowering/expr.js';
import { litStr, topo } from '../../lowering/expr.js';
import type { Kernel } from '../../lowering/program.js';
import type { KernelFn } from '../../lowering/runner.js';
import { SCALAR_OPS, jsHelpers, referenceMath, storedAs } from '../../lowering/scalar-ops.js';
import type { View } from '../../lowering/view.js';
import { kernelViews, simplifyDomain } from '../../lowering/domain.js';
import { LRU, onClearCaches } from '../../core/lru.js';
import * as sp from './special.js';
import { wasmSimdAvailable } from './wasm/asm.js';
import { useScalarMath } from './wasm/scalar-math.js';

const makeHelpers = () => {
  const h = {
    ...jsHelpers, ...referenceMath, erf32: sp.erf, erf64: sp.erf,
    erfc: sp.erfc, erfInv: sp.erfInv, lgamma: sp.lgamma, digamma: sp.digamma, polygamma: sp.polygamma,
  };
  if (wasmSimdAvailable()) useScalarMath(h);
  return h;
};
type Helpers = ReturnType<typeof makeHelpers>;
/**
 * Where WebAssembly SIMD runs, the transcendentals are the WebAssembly renderer's own functions
 * (called one element at a time), so a kernel's bits never depend on which renderer ran it. Made
 * with the first kernel, and each function compiled on its first call (useScalarMath).
 */
let helpers: Helpers | undefined;

type Compiled = (h: Helpers, ins: readonly TypedArray[], outs: readonly TypedArray[]) => void;

// Keys are structural, so programs traced again hit; the bound covers programs that never repeat.
const cache = new LRU<string, Compiled>(2048);
onClearCaches(() => cache.clear());

export function renderJs(k: Kernel): KernelFn<TypedArray> {
  let fn = cache.get(k.key);
  if (!fn) {
    fn = new Function('h', 'ins', 'outs', kernelSource(k)) as Compiled;
    cache.set(k.key, fn);
  }
  const f = fn;
  const h = (helpers ??= makeHelpers());
  return (ins, outs) => f(h, ins, outs);
}

/** Number of compiled kernel functions held (for tests of cache behaviour). */
export const renderedKernels = (): number => cache.size;

const ROUNDED = new Set<DType>(['float32', 'float16']);
const INIT: Record<string, (d: DType) => string> = {
  sum: () => '0', prod: () => '1',
  max: (d) => (isInt(d) || d === 'bool' ? String(intRange(d)[0]) : '-Infinity'),
  min: (d) => (isInt(d) || d === 'bool' ? String(intRange(d)[1]) : 'Infinity'),
};

function accumulate(op: string, r: string, v: string, d: DType): string {
  const int = isInt(d);
  switch (op) {
    case 'sum': return int ? `${r} = ${storedAs(`${r} + ${v}`, d)};` : `${r} += ${v};`;
    case 'prod': return int ? `${r} = ${storedAs(`Math.imul(${r}, ${v})`, d)};` : `${r} *= ${v};`;
    // NaN sticks: once r is NaN no comparison replaces it.
    case 'max': return `if (${v} > ${r} || ${v} !== ${v}) ${r} = ${v};`;
    default: return `if (${v} < ${r} || ${v} !== ${v}) ${r} = ${v};`;
  }
}

function kernelSource(k: Kernel): string {
  const roots = [...k.reductions.map((r) => r.expr), ...k.outputs.map((o) => o.expr)];
  const nodes = topo(roots);
  const dom = simplifyDomain(k, kernelViews(k, nodes));
  const outerVars = dom.domain.slice(0, dom.nKept).map((_, i) => `a${i}`);
  const innerVars = dom.domain.slice(dom.nKept).map((_, i) => `c${i}`);

  const lines: string[] = [];
  k.inputs.forEach((_, i) => lines.push(`const x${i} = ins[${i}];`));
  k.outputs.forEach((_, i) => lines.push(`const o${i} = outs[${i}];`));

  // Base offsets of every view at the current outer point, named by view identity.
  const base = new Map<View, string>();
  const baseLines: string[] = [];
  const strideTerms = (st: readonly number[], vars: readonly string[], from: number): string[] =>
    vars.flatMap((v, i) => {
      const s = st[from + i];
      return s === 0 ? [] : [s === 1 ? v : s === -1 ? `-${v}` : `${s} * ${v}`];
    });
  const baseOf = (v: View): string => {
    let b = base.get(v);
    if (!b) {
      const st = dom.map(v);
      const terms = [...(v.offset ? [String(v.offset)] : []), ...strideTerms(st, outerVars, 0)];
      b = `b${base.size}`;
      base.set(v, b);
      baseLines.push(`const ${b} = ${terms.join(' + ') || '0'};`);
    }
    return b;
  };
  const offset = (v: View, inner: boolean): string => {
    const b = baseOf(v);
    const terms = inner ? strideTerms(dom.map(v), innerVars, dom.nKept) : [];
    return terms.length ? `${b} + ${terms.join(' + ')}` : b;
  };

  const leaf = (n: Expr, inner: boolean, name: ReadonlyMap<number, string>): string => {
    switch (n.kind) {
      case 'load': {
        const g = n.gather;
        if (!g) return `x${n.input}[${offset(n.view, inner)}]`;
        const at = `Math.min(Math.max(${name.get(g.index.id)}, 0), ${g.size - 1})`;
        return `x${n.input}[${offset(n.view, inner)} + ${g.stride === 1 ? at : `${g.stride} * ${at}`}]`;
      }
      case 'iota': return n.dtype === 'bool' ? `(${offset(n.view, inner)} !== 0 ? 1 : 0)` : `(${offset(n.view, inner)})`;
      case 'lit': return `(${Number.isNaN(n.value) ? 'NaN' : litStr(n.value)})`;
      case 'red': return `r${n.index}`;
      default: throw new Error('unreachable');
    }
  };
  /** Statements computing `want` (children first), each node once per block. */
  const block = (want: readonly Expr[], inner: boolean, pad: string): { code: string[]; name: Map<number, string> } => {
    const name = new Map<number, string>();
    const code: string[] = [];
    for (const n of topo(want)) {
      if (n.kind !== 'op' && !(n.kind === 'load' && n.gather)) { name.set(n.id, leaf(n, inner, name)); continue; }
      // A gathered load is read once into a temporary: its address costs more than a plain one's.
      if (n.kind === 'load') { code.push(`${pad}const t${n.id} = ${leaf(n, inner, name)};`); name.set(n.id, `t${n.id}`); continue; }
      let s = SCALAR_OPS[n.op](n.args.map((a) => name.get(a.id)!), n.inDtype, n.dtype, n.param);
      if (n.op !== 'stop_gradient') s = storedAs(s, n.dtype);
      code.push(`${pad}const t${n.id} = ${s};`);
      name.set(n.id, `t${n.id}`);
    }
    return { code, name };
  };
  const loops = (pad: string, body: (pad: string) => string[]): string[] => {
    // With no reduced axes the body runs once, in a block of its own (its names are per loop).
    const dims = dom.domain.slice(dom.nKept);
    const open = dims.length ? dims.map((n, i) => `${pad}${'  '.repeat(i)}for (let c${i} = 0; c${i} < ${n}; c${i}++) {`) : [`${pad}{`];
    const inner = pad + '  '.repeat(open.length);
    return [...open, ...body(inner), ...open.map((_, i) => `${pad}${'  '.repeat(open.length - 1 - i)}}`)];
  };

  const pad0 = '  '.repeat(outerVars.length);
  const perPoint: string[] = [];
  const nRed = k.reductions.length;
  for (let loop = 0; loop <= nRed; loop++) {
    const red = k.reductions[loop];
    const outs = k.outputs.map((o, i) => [o, i] as const).filter(([o]) => o.loop === loop);
    if (!red && !outs.length) continue;
    if (red) perPoint.push(`${pad0}let r${loop} = ${INIT[red.op](red.dtype)};`);
    perPoint.push(...loops(pad0, (pad) => {
      const b = block([...(red ? [red.expr] : []), ...outs.map(([o]) => o.expr)], true, pad);
      return [
        ...b.code,
        ...(red ? [`${pad}${accumulate(red.op, `r${loop}`, b.name.get(red.expr.id)!, red.dtype)}`] : []),
        ...outs.map(([o, i]) => `${pad}o${i}[${offset(o.view, true)}] = ${b.name.get(o.expr.id)};`),
      ];
    }));
    if (red && ROUNDED.has(red.dtype)) perPoint.push(`${pad0}r${loop} = ${storedAs(`r${loop}`, red.dtype)};`);
  }
  const outerOuts = k.outputs.map((o, i) => [o, i] as const).filter(([o]) => o.loop === -1);
  if (outerOuts.length) {
    const b = block(outerOuts.map(([o]) => o.expr), false, pad0);
    perPoint.push(...b.code, ...outerOuts.map(([o, i]) => `${pad0}o${i}[${offset(o.view, false)}] = ${b.name.get(o.expr.id)};`));
  }
  const opens = dom.domain.slice(0, dom.nKept).map((n, i) => `${'  '.repeat(i)}for (let a${i} = 0; a${i} < ${n}; a${i}++) {`);
  return [
    ...lines,
    ...opens,
    ...baseLines.map((l) => pad0 + l),
    ...perPoint,
    ...opens.map((_, i) => `${'  '.repeat(opens.length - 1 - i)}}`),
  ].join('\n');
}
