/**
 * The immutable IR: typed variables, literals, equations and Jaxprs, printed in JAX's style.
 * Every object here is frozen on construction; transforms build new Jaxprs instead of editing.
 */
import { type DType, SHORT } from './dtype.js';
import type { Primitive } from './primitive.js';

export interface Aval {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface Var {
  readonly kind: 'var';
  readonly id: number;
  readonly aval: Aval;
}

export interface Literal {
  readonly kind: 'lit';
  readonly value: number;
  readonly aval: Aval;
}

export type Atom = Var | Literal;

/** The static parameters of an equation: plain frozen data (may hold sub-Jaxprs). */
export type Params = Readonly<Record<string, unknown>>;

/** The params of a primitive that takes none. */
export type NoParams = { readonly [k: string]: never };

export interface Eqn<P extends Params = Params> {
  readonly primitive: Primitive<P>;
  readonly inputs: readonly Atom[];
  readonly outputs: readonly Var[];
  readonly params: P;
}

let nextVarId = 0;
let nextJaxprId = 0;

export const aval = (shape: readonly number[], dtype: DType): Aval =>
  Object.freeze({ shape: Object.freeze([...shape]), dtype });

export const newVar = (a: Aval): Var => Object.freeze({ kind: 'var', id: nextVarId++, aval: a });

export const literal = (value: number, dtype: DType): Literal =>
  Object.freeze({ kind: 'lit', value, aval: aval([], dtype) });

export const isVar = (a: Atom): a is Var => a.kind === 'var';

export const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

export const avalEq = (a: Aval, b: Aval): boolean =>
  a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

export const avalStr = (a: Aval): string => `${SHORT[a.dtype]}[${a.shape.join(',')}]`;

export function eqn<P extends Params>(primitive: Primitive<P>, inputs: readonly Atom[], outputs: readonly Var[], params: P): Eqn<P> {
  return Object.freeze({ primitive, inputs: Object.freeze([...inputs]), outputs: Object.freeze([...outputs]), params });
}

/**
 * A Jaxpr: `consts` are inputs whose values are bound at closure time (captured arrays and
 * outer-trace values), `inputs` the function's arguments. Both are plain inputs to a transform.
 */
export class Jaxpr {
  readonly id = nextJaxprId++;
  readonly consts: readonly Var[];
  readonly inputs: readonly Var[];
  readonly eqns: readonly Eqn[];
  readonly outputs: readonly Atom[];

  constructor(consts: readonly Var[], inputs: readonly Var[], eqns: readonly Eqn[], outputs: readonly Atom[]) {
    this.consts = Object.freeze([...consts]);
    this.inputs = Object.freeze([...inputs]);
    this.eqns = Object.freeze([...eqns]);
    this.outputs = Object.freeze([...outputs]);
    Object.freeze(this);
  }

  get inAvals(): Aval[] { return this.inputs.map((v) => v.aval); }
  get outAvals(): Aval[] { return this.outputs.map((v) => v.aval); }

  toString(): string { return printJaxpr(this); }
}

// ---- printing ---------------------------------------------------------------

function nameOf(i: number): string {
  let s = '';
  do { s = String.fromCharCode(97 + (i % 26)) + s; i = Math.floor(i / 26) - 1; } while (i >= 0);
  return s;
}

function litStr(l: Literal): string {
  const v = l.value;
  if (l.aval.dtype === 'bool') return v ? 'True' : 'False';
  if (l.aval.dtype === 'int32') return String(v);
  const s = String(v);
  return /[.eEnI]/.test(s) ? s : `${s}.0`;
}

function paramStr(v: unknown, indent: string, names: Map<number, string>): string {
  if (v instanceof Jaxpr) return printJaxpr(v, indent + '  ', names);
  if (Array.isArray(v)) return `(${v.map((x) => paramStr(x, indent, names)).join(', ')})`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'object') return JSON.stringify(v);
  // A host function (a callback, a checkpoint policy) by name, not by its source.
  if (typeof v === 'function') return `<function ${v.name || 'anonymous'}>`;
  return String(v);
}

/** Prints like JAX: `{ lambda c:f32[3] ; a:f32[3] . let b:f32[3] = sin a  in ( b ) }`. */
export function printJaxpr(j: Jaxpr, indent = '', outer?: Map<number, string>): string {
  const names = outer ?? new Map<number, string>();
  const name = (v: Var): string => {
    let n = names.get(v.id);
    if (n === undefined) { n = nameOf(names.size); names.set(v.id, n); }
    return n;
  };
  const atom = (a: Atom): string => (isVar(a) ? name(a) : litStr(a));
  const binder = (v: Var): string => `${name(v)}:${avalStr(v.aval)}`;
  const head = j.consts.length
    ? `{ lambda ${j.consts.map(binder).join(' ')} ; ${j.inputs.map(binder).join(' ')} .`
    : `{ lambda ${j.inputs.map(binder).join(' ')} .`;
  const lines = j.eqns.map((e) => {
    const ps = Object.entries(e.params)
      .map(([k, v]) => `${k}=${paramStr(v, indent + '    ', names)}`)
      .join(' ');
    const lhs = e.outputs.length ? e.outputs.map(binder).join(' ') : '_';
    return `${indent}    ${lhs} = ${e.primitive.name}${ps ? `[${ps}]` : ''} ${e.inputs.map(atom).join(' ')}`;
  });
  const outs = `( ${j.outputs.map(atom).join(' ')} )`;
  if (!lines.length) return `${head} let  in ${outs} }`;
  return `${head} let\n${lines.join('\n')}\n${indent}  in ${outs} }`;
}

const effectsOf = new WeakMap<Jaxpr, boolean>();

/** Whether `e` has an effect (an effectful primitive, here or in a sub-Jaxpr of its params). */
export function hasEffects(e: Eqn): boolean {
  if (e.primitive.effectful) return true;
  const inParam = (v: unknown): boolean => {
    if (v instanceof Jaxpr) {
      let r = effectsOf.get(v);
      if (r === undefined) { r = v.eqns.some(hasEffects); effectsOf.set(v, r); }
      return r;
    }
    return Array.isArray(v) && v.some(inParam);
  };
  return Object.values(e.params).some(inParam);
}
