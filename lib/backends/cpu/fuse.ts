/**
 * Loop fusion for the CPU backend: maximal runs of consecutive float elementwise equations with
 * one output shape become one generated JS loop, with a following full reduction as its epilogue. Values used only inside a run never touch
 * memory; float32 results are rounded after every operation, so fused and unfused execution agree
 * bit for bit.
 */
import type { TypedArray } from '../../core/dtype.js';
import { typedArrayFor } from '../../core/dtype.js';
import { type Atom, type Eqn, type Jaxpr, type Var, isVar, size } from '../../core/ir.js';
import { ipow, logistic, polygamma, roundEven } from './elementwise.js';
import * as sp from './special.js';

/** Expression builders over operand expressions; `h` is the helpers object in generated code. */
const UNARY: Record<string, (a: string) => string> = {
  neg: (a) => `(-${a})`, exp: (a) => `Math.exp(${a})`, exp2: (a) => `(2 ** ${a})`, log: (a) => `Math.log(${a})`,
  log1p: (a) => `Math.log1p(${a})`, expm1: (a) => `Math.expm1(${a})`, sin: (a) => `Math.sin(${a})`, cos: (a) => `Math.cos(${a})`,
  tan: (a) => `Math.tan(${a})`, asin: (a) => `Math.asin(${a})`, acos: (a) => `Math.acos(${a})`, atan: (a) => `Math.atan(${a})`,
  sinh: (a) => `Math.sinh(${a})`, cosh: (a) => `Math.cosh(${a})`, tanh: (a) => `Math.tanh(${a})`, asinh: (a) => `Math.asinh(${a})`,
  acosh: (a) => `Math.acosh(${a})`, atanh: (a) => `Math.atanh(${a})`, sqrt: (a) => `Math.sqrt(${a})`, rsqrt: (a) => `(1 / Math.sqrt(${a}))`,
  cbrt: (a) => `Math.cbrt(${a})`, abs: (a) => `Math.abs(${a})`, floor: (a) => `Math.floor(${a})`, ceil: (a) => `Math.ceil(${a})`,
  sign: (a) => `h.sign(${a})`, round: (a) => `h.roundEven(${a})`, logistic: (a) => `h.logistic(${a})`,
  erf: (a) => `h.erf(${a})`, erfc: (a) => `h.erfc(${a})`, erf_inv: (a) => `h.erfInv(${a})`, lgamma: (a) => `h.lgamma(${a})`,
  digamma: (a) => `h.digamma(${a})`, is_finite: (a) => `(Number.isFinite(${a}) ? 1 : 0)`, stop_gradient: (a) => a,
};

const BINARY: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`, sub: (a, b) => `(${a} - ${b})`, mul: (a, b) => `(${a} * ${b})`, div: (a, b) => `(${a} / ${b})`,
  rem: (a, b) => `(${a} % ${b})`, pow: (a, b) => `Math.pow(${a}, ${b})`, atan2: (a, b) => `Math.atan2(${a}, ${b})`,
  max: (a, b) => `h.max(${a}, ${b})`, min: (a, b) => `h.min(${a}, ${b})`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`, ne: (a, b) => `(${a} !== ${b} ? 1 : 0)`, lt: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  le: (a, b) => `(${a} <= ${b} ? 1 : 0)`, gt: (a, b) => `(${a} > ${b} ? 1 : 0)`, ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
};

const helpers = {
  sign: (x: number) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : x),
  max: (a: number, b: number) => (a > b || Number.isNaN(a) ? a : b),
  min: (a: number, b: number) => (a < b || Number.isNaN(a) ? a : b),
  roundEven, logistic, ipow, polygamma, mul: (a: number, b: number) => a * b,
  erf: sp.erf, erfc: sp.erfc, erfInv: sp.erfInv, lgamma: sp.lgamma, digamma: sp.digamma,
};

const isFloatish = (d: string) => d === 'float32' || d === 'float64' || d === 'bool';

/** The expression of a fusible equation over its operand expressions, or undefined. */
function expression(e: Eqn, args: string[]): string | undefined {
  const name = e.primitive.name;
  if (!e.inputs.every((a) => isFloatish(a.aval.dtype)) || !isFloatish(e.outputs[0].aval.dtype)) return undefined;
  if (UNARY[name] && e.inputs.length === 1) return e.inputs[0].aval.dtype === 'bool' ? undefined : UNARY[name](args[0]);
  if (BINARY[name] && e.inputs.length === 2) return e.inputs[0].aval.dtype === 'bool' ? undefined : BINARY[name](args[0], args[1]);
  if (name === 'select') return `(${args[0]} ? ${args[1]} : ${args[2]})`;
  if (name === 'integer_pow') return `h.ipow(${args[0]}, ${e.params.y as number}, h.mul)`;
  if (name === 'polygamma') return `h.polygamma(${e.params.n as number}, ${args[0]})`;
  if (name === 'convert_element_type') {
    const to = e.params.newDtype;
    if (to === 'bool') return `(${args[0]} !== 0 ? 1 : 0)`;
    return args[0]; // float <-> float and bool -> float keep the value (float32 rounds on store)
  }
  return undefined;
}

export interface FusedStep {
  /** First and one-past-last equation of the run. */
  start: number;
  end: number;
  /** External inputs (vars defined outside the run), in the kernel's input order. */
  inputs: Var[];
  /** Vars of the run that are materialised (read later or returned). */
  outputs: Var[];
  run: (ins: readonly TypedArray[]) => TypedArray[];
}

type LoopFn = (h: typeof helpers, ins: readonly TypedArray[], outs: TypedArray[], n: number) => void;
const compiled = new Map<string, LoopFn>();

/** Finds the fusible runs of `j` (two or more equations each). */
export function planFusion(j: Jaxpr): FusedStep[] {
  const lastUse = new Map<number, number>();
  j.eqns.forEach((e, k) => e.inputs.forEach((a) => isVar(a) && lastUse.set(a.id, k)));
  const returned = new Set(j.outputs.filter(isVar).map((v) => v.id));
  const steps: FusedStep[] = [];
  let k = 0;
  while (k < j.eqns.length) {
    const e0 = j.eqns[k];
    const shape = e0.outputs[0]?.aval.shape;
    const fits = (e: Eqn) => e.outputs.length === 1 && e.outputs[0].aval.shape.join() === shape.join() &&
      e.inputs.every((a) => a.aval.shape.length === 0 || a.aval.shape.join() === shape.join()) &&
      expression(e, e.inputs.map(() => 'x')) !== undefined;
    if (!shape || !fits(e0)) { k++; continue; }
    let end = k + 1;
    while (end < j.eqns.length && fits(j.eqns[end])) end++;
    // A full reduction of a value of the run (used nowhere else) becomes the run's epilogue.
    const r = j.eqns[end];
    const epilogue = r !== undefined && REDUCE.has(r.primitive.name) && isVar(r.inputs[0]) && size(shape) >= 2 &&
      (r.params.axes as number[]).length === shape.length && r.inputs[0].aval.dtype !== 'bool' &&
      j.eqns.slice(k, end).some((e) => e.outputs[0].id === (r.inputs[0] as Var).id) &&
      lastUse.get(r.inputs[0].id) === end && !returned.has(r.inputs[0].id);
    const stop = epilogue ? end + 1 : end;
    if (stop - k >= 2) steps.push(build(j, k, stop, lastUse, returned));
    k = stop;
  }
  return steps;
}

const REDUCE = new Set(['reduce_sum', 'reduce_max', 'reduce_min']);

/**
 * Accumulation code of a fused full reduction, matching the reduce kernel bit for bit: sums use
 * four lanes (element i in lane i % 4, the tail in lane 0) combined as (a0 + a1) + (a2 + a3);
 * max/min keep the first NaN.
 */
function epilogue(name: string, v: string, n: number): { init: string; step: string; result: string } {
  if (name === 'reduce_sum') {
    return { init: 'const acc = new Float64Array(4);', step: `acc[i < ${n - (n % 4)} ? i & 3 : 0] += ${v};`, result: '(acc[0] + acc[1]) + (acc[2] + acc[3])' };
  }
  const better = name === 'reduce_max' ? '>' : '<';
  return {
    init: `let red = ${name === 'reduce_max' ? '-Infinity' : 'Infinity'};`,
    step: `if (red === red) { const u = ${v}; if (u ${better} red || u !== u) red = u; }`,
    result: 'red',
  };
}

function build(j: Jaxpr, start: number, end: number, lastUse: Map<number, number>, returned: Set<number>): FusedStep {
  const local = new Map<number, string>();
  const inputs: Var[] = [];
  const inputIndex = new Map<number, number>();
  const lines: string[] = [];
  const outputs: Var[] = [];
  const n = size(j.eqns[start].outputs[0].aval.shape);
  const read = (a: Atom): string => {
    if (!isVar(a)) return Number.isNaN(a.value) ? 'NaN' : Object.is(a.value, -0) ? '-0' : String(a.value);
    const l = local.get(a.id);
    if (l) return l;
    let i = inputIndex.get(a.id);
    if (i === undefined) { i = inputs.length; inputIndex.set(a.id, i); inputs.push(a); }
    return a.aval.shape.length === 0 && n !== 1 ? `s${i}` : `x${i}[i]`;
  };
  let red: { init: string; step: string; result: string; out: Var } | undefined;
  for (let k = start; k < end; k++) {
    const e = j.eqns[k];
    const v = e.outputs[0];
    if (REDUCE.has(e.primitive.name)) {
      red = { ...epilogue(e.primitive.name, read(e.inputs[0]), n), out: v };
      lines.push(`    ${red.step}`);
      continue;
    }
    let expr = expression(e, e.inputs.map(read))!;
    if (v.aval.dtype === 'float32') expr = `Math.fround(${expr})`;
    const name = `t${v.id}`;
    lines.push(`    const ${name} = ${expr};`);
    local.set(v.id, name);
    if (returned.has(v.id) || (lastUse.get(v.id) ?? -1) >= end) {
      lines.push(`    o${outputs.length}[i] = ${name};`);
      outputs.push(v);
    }
  }
  const head = inputs.map((x, i) => (x.aval.shape.length === 0 && n !== 1 ? `  const s${i} = ins[${i}][0];` : `  const x${i} = ins[${i}];`));
  if (red) outputs.push(red.out);
  const body = [
    ...head, ...outputs.map((_, i) => `  const o${i} = outs[${i}];`), ...(red ? [`  ${red.init}`] : []),
    '  for (let i = 0; i < n; i++) {', ...lines, '  }', ...(red ? [`  o${outputs.length - 1}[0] = ${red.result};`] : []),
  ].join('\n');
  let kernel = compiled.get(body);
  if (!kernel) {
    kernel = new Function('h', 'ins', 'outs', 'n', body) as LoopFn;
    compiled.set(body, kernel);
  }
  const outAvals = outputs.map((v) => v.aval);
  return {
    start, end, inputs, outputs,
    run: (ins) => {
      const outs = outAvals.map((a) => typedArrayFor(a.dtype, size(a.shape)));
      kernel!(helpers, ins, outs, n);
      return outs;
    },
  };
}
