/**
 * The WGSL renderer: a lowered Kernel becomes one compute shader. Values are f32, i32 or bool in
 * registers (bool is stored as u32). Scalar ops come from the WGSL op table; index arithmetic is
 * i32 over the simplified domain, every shape and stride baked in.
 *
 * Two shapes of shader. Without a large reduction, one invocation per outer point runs the
 * kernel's loops in turn, like the JS renderer. When the reduced extent is large, one workgroup
 * per outer point: its invocations stride over the reduced axes, combine partial results in
 * workgroup memory by a fixed tree (so results do not depend on timing), and share each
 * reduction with the later loops that read it.
 */
import { type DType, intRange, isInt } from '../../core/dtype.js';
import { size } from '../../core/ir.js';
import { type Expr, topo } from '../../lowering/expr.js';
import type { Kernel } from '../../lowering/program.js';
import { kernelViews, simplifyDomain } from '../../lowering/domain.js';
import type { View } from '../../lowering/view.js';
import { WGSL_OPS, helperSource } from './wgsl-ops.js';

/** Invocations per workgroup, in both shapes. */
export const WORKGROUP = 64;
/** Reduced extents from here on get a workgroup per outer point. */
const COOPERATIVE_FROM = 256;
const MAX_GROUPS_X = 65535;

export interface RenderedKernel {
  readonly source: string;
  /** Workgroups to dispatch (x, y); zero when the kernel has nothing to compute. */
  readonly groups: readonly [number, number];
}

/**
 * The WGSL type a dtype computes and is stored in: int8 and uint8 widen to i32 and u32, float16
 * to f32 (one 32-bit word per element, as bool), narrowed back after every op (`narrow`).
 */
export const wgslType = (d: DType): string => {
  switch (d) {
    case 'float32': case 'float16': return 'f32';
    case 'int32': case 'int8': return 'i32';
    case 'uint32': case 'uint8': return 'u32';
    case 'bool': return 'bool';
    default: return unsupported(d);
  }
};
export const storageType = (d: DType): string => (d === 'bool' ? 'u32' : wgslType(d));

function unsupported(d: DType): never {
  throw new TypeError(`webgpu: no ${d} in WGSL; convert with astype('float32') or use the 'cpu' device`);
}

/** A value as its narrow dtype holds it: int8/uint8 wrapped, float16 rounded (the CPU's storedAs). */
export function narrow(e: string, d: DType): string {
  switch (d) {
    case 'int8': return `((${e} << 24u) >> 24u)`;
    case 'uint8': return `(${e} & 255u)`;
    case 'float16': return `h_f16(${e})`;
    default: return e;
  }
}

/** An iota leaf (the flat position `at`) as dtype `d`. */
function iota(at: string, d: DType): string {
  if (d === 'bool') return `((${at}) != 0i)`;
  const t = wgslType(d);
  return narrow(t === 'i32' ? `(${at})` : `${t}(${at})`, d);
}

const f32Bits = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0];

/**
 * A literal as a WGSL expression. Infinities, NaN and -0 come from bits or-ed with a zero the
 * compiler cannot fold (`z_`): as constant expressions they would be shader-creation errors.
 */
export function literal(v: number, d: DType): string {
  if (d === 'bool') return v ? 'true' : 'false';
  if (d === 'int32' || d === 'int8') return v === -2147483648 ? 'bitcast<i32>(0x80000000u | z_)' : `${v | 0}i`;
  if (d === 'uint32' || d === 'uint8') return `${v >>> 0}u`;
  const f = Math.fround(v);
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 24 && !Object.is(f, -0)) return `${f}.0f`;
  if (Number.isFinite(f) && !Object.is(f, -0)) return `bitcast<f32>(0x${f32Bits(f).toString(16)}u)`;
  return `bitcast<f32>(0x${f32Bits(f).toString(16)}u | z_)`;
}

const isNan = (v: string): string => `((bitcast<u32>(${v}) & 0x7fffffffu) > 0x7f800000u)`;

function reduceInit(op: string, d: DType): string {
  if (op === 'sum') return literal(0, d);
  if (op === 'prod') return literal(1, d);
  const max = op === 'max';
  if (d === 'bool') return max ? 'false' : 'true';
  if (isInt(d)) return literal(intRange(d)[max ? 0 : 1], d);
  return literal(max ? -Infinity : Infinity, d);
}

/** `r` combined with `v` (NaN sticks in max/min, as on the CPU). */
function combine(op: string, r: string, v: string, d: DType): string {
  if (d === 'bool') return op === 'sum' || op === 'max' ? `(${r} || ${v})` : `(${r} && ${v})`;
  switch (op) {
    case 'sum': return `(${r} + ${v})`;
    case 'prod': return `(${r} * ${v})`;
    default: {
      const cmp = op === 'max' ? '>' : '<';
      return wgslType(d) === 'f32' ? `select(${r}, ${v}, ${v} ${cmp} ${r} || ${isNan(v)})` : `select(${r}, ${v}, ${v} ${cmp} ${r})`;
    }
  }
}

/** A gathered load's data-dependent offset term (expr.ts Gather), or ''. */
function gathered(n: Extract<Expr, { kind: 'load' }>, name: ReadonlyMap<number, string>): string {
  const g = n.gather;
  return g ? ` + ${g.stride}i * clamp(${name.get(g.index.id)}, 0i, ${g.size - 1}i)` : '';
}

const load = (x: string, d: DType, at: string): string => (d === 'bool' ? `(${x}[${at}] != 0u)` : `${x}[${at}]`);
const store = (v: string, d: DType): string => (d === 'bool' ? `select(0u, 1u, ${v})` : v);

function renderOp(n: Extract<Expr, { kind: 'op' }>, args: readonly string[]): string {
  const spell = WGSL_OPS[n.op];
  if (!spell) throw new Error(`webgpu: no WGSL spelling for the scalar op '${n.op}'`);
  return spell(args, n.inDtype, n.dtype, n.param);
}

/** Dispatch geometry for `n` workgroups: x at most 65535, y the rest. */
export function groupsFor(n: number): [number, number] {
  if (n === 0) return [0, 0];
  const x = Math.min(n, MAX_GROUPS_X);
  return [x, Math.ceil(n / x)];
}

/** The bindings: inputs read-only, then outputs. */
export function bindings(inputs: readonly DType[], outputs: readonly DType[]): string {
  return [
    ...inputs.map((d, i) => `@group(0) @binding(${i}) var<storage, read> x${i}: array<${storageType(d)}>;`),
    ...outputs.map((d, i) => `@group(0) @binding(${inputs.length + i}) var<storage, read_write> o${i}: array<${storageType(d)}>;`),
  ].join('\n');
}

export function renderWgsl(k: Kernel): RenderedKernel {
  const roots = [...k.reductions.map((r) => r.expr), ...k.outputs.map((o) => o.expr)];
  const nodes = topo(roots);
  const dom = simplifyDomain(k, kernelViews(k, nodes));
  const outer = dom.domain.slice(0, dom.nKept);
  const inner = dom.domain.slice(dom.nKept);
  const nOuter = size(outer);
  const nInner = size(inner);
  const coop = k.reductions.length > 0 && nInner >= COOPERATIVE_FROM;

  // Per outer point: each view's base offset, then per inner point its offset.
  const bases = new Map<View, string>();
  const baseLines: string[] = [];
  const terms = (st: readonly number[], vars: readonly string[], from: number): string[] =>
    vars.flatMap((v, i) => {
      const s = st[from + i];
      return s === 0 ? [] : [s === 1 ? v : `${s}i * ${v}`];
    });
  const outerVars = outer.map((_, i) => `a${i}`);
  // Inner loops run over a flat index `c` decomposed per axis (the cooperative shape strides it).
  const innerVars = inner.map((_, i) => `c${i}`);
  const baseOf = (v: View): string => {
    let b = bases.get(v);
    if (!b) {
      const st = dom.map(v);
      b = `b${bases.size}`;
      bases.set(v, b);
      baseLines.push(`let ${b} = ${[`${v.offset}i`, ...terms(st, outerVars, 0)].join(' + ')};`);
    }
    return b;
  };
  const offset = (v: View, inLoop: boolean): string => {
    const b = baseOf(v);
    const t = inLoop ? terms(dom.map(v), innerVars, dom.nKept) : [];
    return t.length ? `${b} + ${t.join(' + ')}` : b;
  };

  const lits = new Map<number, string>();
  const leaf = (n: Expr, inLoop: boolean, name: ReadonlyMap<number, string>): string => {
    switch (n.kind) {
      case 'load': return load(`x${n.input}`, n.dtype, `${offset(n.view, inLoop)}${gathered(n, name)}`);
      case 'iota': return iota(offset(n.view, inLoop), n.dtype);
      case 'lit': {
        let name = lits.get(n.id);
        if (!name) { name = `k${n.id}`; lits.set(n.id, name); }
        return name;
      }
      case 'red': return narrow(`r${n.index}`, n.dtype);
      default: throw new Error('unreachable');
    }
  };
  const block = (want: readonly Expr[], inLoop: boolean, pad: string): { code: string[]; name: Map<number, string> } => {
    const name = new Map<number, string>();
    const code: string[] = [];
    for (const n of topo(want)) {
      if (n.kind !== 'op') { name.set(n.id, leaf(n, inLoop, name)); continue; }
      code.push(`${pad}let t${n.id} = ${narrow(renderOp(n, n.args.map((a) => name.get(a.id)!)), n.dtype)};`);
      name.set(n.id, `t${n.id}`);
    }
    return { code, name };
  };
  /** Decomposes the flat inner index `c` into the per-axis `c{i}`. */
  const innerIndex = (pad: string): string[] => inner.map((_, i) => {
    const below = size(inner.slice(i + 1));
    const q = below === 1 ? 'c' : `(c / ${below}i)`;
    return `${pad}let c${i} = ${i === 0 ? q : `${q} % ${inner[i]}i`};`;
  });

  const body: string[] = [];
  const pad = '  ';
  const nRed = k.reductions.length;
  for (let loop = 0; loop <= nRed; loop++) {
    const red = k.reductions[loop];
    const outs = k.outputs.map((o, i) => [o, i] as const).filter(([o]) => o.loop === loop);
    if (!red && !outs.length) continue;
    if (red) body.push(`${pad}var r${loop}: ${wgslType(red.dtype)} = ${reduceInit(red.op, red.dtype)};`);
    const b = block([...(red ? [red.expr] : []), ...outs.map(([o]) => o.expr)], true, pad + '  ');
    const start = coop ? 'i32(li)' : '0i';
    const step = coop ? `${WORKGROUP}i` : '1i';
    body.push(`${pad}for (var c = ${start}; c < ${nInner}i; c += ${step}) {`, ...innerIndex(pad + '  '), ...b.code);
    if (red) body.push(`${pad}  r${loop} = ${combine(red.op, `r${loop}`, b.name.get(red.expr.id)!, red.dtype)};`);
    for (const [o, i] of outs) body.push(`${pad}  o${i}[${offset(o.view, true)}] = ${store(b.name.get(o.expr.id)!, o.dtype)};`);
    body.push(`${pad}}`);
    if (red && coop) body.push(...treeReduce(`r${loop}`, red.op, red.dtype, pad));
  }
  const outerOuts = k.outputs.map((o, i) => [o, i] as const).filter(([o]) => o.loop === -1);
  if (outerOuts.length) {
    const b = block(outerOuts.map(([o]) => o.expr), false, pad);
    // In the cooperative shape every invocation holds the results; one writes them.
    const guard = coop ? [`${pad}if (li == 0u) {`] : [];
    body.push(...b.code, ...guard, ...outerOuts.map(([o, i]) => `${pad}${coop ? '  ' : ''}o${i}[${offset(o.view, false)}] = ${store(b.name.get(o.expr.id)!, o.dtype)};`), ...(coop ? [`${pad}}`] : []));
  }

  const threads = coop ? nOuter * WORKGROUP : nOuter;
  const groups = groupsFor(Math.ceil(threads / WORKGROUP));
  const point = coop ? `i32(wg.y * ${groups[0]}u + wg.x)` : `i32((wg.y * ${groups[0]}u + wg.x) * ${WORKGROUP}u + li)`;
  const outerIndex = outer.map((n, i) => {
    const below = size(outer.slice(i + 1));
    const q = below === 1 ? 'p' : `(p / ${below}i)`;
    return `${pad}let a${i} = ${i === 0 ? q : `${q} % ${n}i`};`;
  });
  const litLines = [...lits].map(([id, name]) => {
    const n = nodes.find((x) => x.id === id) as Extract<Expr, { kind: 'lit' }>;
    return `${pad}let ${name} = ${literal(n.value, n.dtype)};`;
  });
  const shared = coop ? k.reductions.map((r, i) => `var<workgroup> s${i}: array<${wgslType(r.dtype)}, ${WORKGROUP}>;`) : [];
  const main = [
    `@compute @workgroup_size(${WORKGROUP})`,
    'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
    `${pad}let p = ${point};`,
    // A cooperative workgroup must reach its barriers whole: only single invocations bail out.
    ...(coop ? [] : [`${pad}if (p >= ${nOuter}i) { return; }`]),
    ...outerIndex,
    ...litLines,
    ...baseLines.map((l) => pad + l),
    ...body,
    '}',
  ].join('\n');
  const source = [
    bindings(k.inputs, k.outputs.map((o) => o.dtype)),
    'var<private> z_: u32;',
    ...shared,
    helperSource(main),
    main,
  ].join('\n');
  return { source, groups: nOuter === 0 ? [0, 0] : groups };
}

/**
 * WGSL statements computing an elementwise kernel (no reductions) at one point of its domain,
 * the flat index `flat`, and storing every output there: a routine's epilogue, run where the
 * routine holds its result in a register. Input `result` of the kernel is that register.
 */
export function pointwise(k: Kernel, result: { input: number; value: string }, flat: string, input: (i: number) => string, output: (j: number) => string, pad: string): string[] {
  if (k.reductions.length || k.nKept !== k.domain.length) throw new Error('webgpu: only an elementwise kernel runs as an epilogue');
  const nodes = topo(k.outputs.map((o) => o.expr));
  const st: number[] = [];
  for (let d = k.domain.length - 1, s = 1; d >= 0; d--) { st[d] = s; s *= k.domain[d]; }
  const lines = k.domain.map((n, d) => `${pad}let q${d} = (${flat} / ${st[d]}i) % ${Math.max(n, 1)}i;`);
  const at = (v: View): string => [`${v.offset}i`, ...v.strides.flatMap((s, d) => (s === 0 ? [] : [`${s}i * q${d}`]))].join(' + ');
  const name = new Map<number, string>();
  for (const n of nodes) {
    let e: string;
    switch (n.kind) {
      case 'load': e = n.input === result.input ? narrow(result.value, n.dtype) : load(input(n.input), n.dtype, `${at(n.view)}${gathered(n, name)}`); break;
      case 'iota': e = iota(at(n.view), n.dtype); break;
      case 'lit': e = literal(n.value, n.dtype); break;
      case 'op': e = narrow(renderOp(n, n.args.map((a) => name.get(a.id)!)), n.dtype); break;
      default: throw new Error('unreachable');
    }
    lines.push(`${pad}let e${n.id} = ${e};`);
    name.set(n.id, `e${n.id}`);
  }
  k.outputs.forEach((o, j) => lines.push(`${pad}${output(j)}[${at(o.view)}] = ${store(name.get(o.expr.id)!, o.dtype)};`));
  return lines;
}

/**
 * Combines the workgroup's partial results in a fixed tree, leaving the total in every
 * invocation's `r`. The tree's order is the same on every run, so results are deterministic.
 */
function treeReduce(r: string, op: string, d: DType, pad: string): string[] {
  const s = `s${r.slice(1)}`;
  const lines = [`${pad}${s}[li] = ${r};`, `${pad}workgroupBarrier();`];
  for (let w = WORKGROUP / 2; w >= 1; w /= 2) {
    lines.push(`${pad}if (li < ${w}u) { ${s}[li] = ${combine(op, `${s}[li]`, `${s}[li + ${w}u]`, d)}; }`, `${pad}workgroupBarrier();`);
  }
  lines.push(`${pad}${r} = ${s}[0];`, `${pad}workgroupBarrier();`);
  return lines;
}
