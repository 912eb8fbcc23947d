/**
 * The immutable IR: typed variables, literals, equations and Jaxprs, printed in JAX's style.
 * Every object here is frozen on construction; transforms build new Jaxprs instead of editing.
 */
import { type DType, SHORT, isInt } from './dtype.js';
import type { Primitive } from './primitive.js';

/** An abstract value: the shape and dtype of an array, without its data (JAX's `ShapedArray`). */
export interface Aval {
  /** The size of each axis (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** The element type. */
  readonly dtype: DType;
}

/** A variable of a Jaxpr: an input or an equation's output, typed by its aval. */
export interface Var {
  /** Tells a Var from a Literal. */
  readonly kind: 'var';
  /** Unique across the process; environments key on it. */
  readonly id: number;
  /** The variable's shape and dtype. */
  readonly aval: Aval;
}

/** A scalar constant written into a Jaxpr (JAX's `Literal`), as a JS number in a dtype. */
export interface Literal {
  /** Tells a Literal from a Var. */
  readonly kind: 'lit';
  /** The scalar value (0 or 1 for bool). */
  readonly value: number;
  /** A 0-d aval giving the dtype. */
  readonly aval: Aval;
}

/** An equation's input or a Jaxpr's output: a variable or a literal. */
export type Atom = Var | Literal;

/** The static parameters of an equation: plain frozen data (may hold sub-Jaxprs). */
export type Params = Readonly<Record<string, unknown>>;

/** The params of a primitive that takes none. */
export type NoParams = { readonly [k: string]: never };

/** One equation of a Jaxpr: a primitive applied to atoms with static params, binding new variables. */
export interface Eqn<P extends Params = Params> {
  /** The operation applied. */
  readonly primitive: Primitive<P>;
  /** The operands. */
  readonly inputs: readonly Atom[];
  /** The variables the results are bound to. */
  readonly outputs: readonly Var[];
  /** The primitive's static parameters (axes, shapes, sub-Jaxprs, ...). */
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
  /** A number unique to this Jaxpr within the process. */
  readonly id = nextJaxprId++;
  /** Inputs whose values are bound when the Jaxpr is closed over (captured arrays). */
  readonly consts: readonly Var[];
  /** The function's arguments, after `consts`. */
  readonly inputs: readonly Var[];
  /** The equations, in evaluation order. */
  readonly eqns: readonly Eqn[];
  /** The results. */
  readonly outputs: readonly Atom[];

  constructor(consts: readonly Var[], inputs: readonly Var[], eqns: readonly Eqn[], outputs: readonly Atom[]) {
    this.consts = Object.freeze([...consts]);
    this.inputs = Object.freeze([...inputs]);
    this.eqns = Object.freeze([...eqns]);
    this.outputs = Object.freeze([...outputs]);
    Object.freeze(this);
  }

  /** The avals of `inputs` (not of `consts`). */
  get inAvals(): Aval[] { return this.inputs.map((v) => v.aval); }
  /** The avals of `outputs`. */
  get outAvals(): Aval[] { return this.outputs.map((v) => v.aval); }

  /** The Jaxpr printed in JAX's style, one equation per line: `{ lambda a:f32[3] . let b:f32[3] = sin a in ( b ) }`. */
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
  if (isInt(l.aval.dtype)) return String(v);
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
