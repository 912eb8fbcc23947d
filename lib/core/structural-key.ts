/**
 * Structural keys: strings equal for two Jaxprs (or params) exactly when they describe the same
 * computation, whatever their variable ids. Caches and CSE key sub-Jaxprs by structure so a
 * computation traced again (an eager `lax.cond` builds fresh branch Jaxprs on every call) hits.
 */
import { type Atom, Jaxpr, type Literal, type Params, type Var, avalStr, isVar } from './ir.js';
import { isPlainObject } from './pytree.js';

const jaxprKeys = new WeakMap<Jaxpr, string>();
const paramsKeys = new WeakMap<Params, string>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** A number's spelling that tells -0, NaN and ±Infinity apart (String(-0) is "0"). */
export const numberKey = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** A literal's key: value and dtype (2 as f32 and as i32 are different computations). */
export const literalKey = (l: Literal): string => `${numberKey(l.value)}:${l.aval.dtype}`;

function identity(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) { id = nextObjectId++; objectIds.set(o, id); }
  return id;
}

/**
 * The structural key of `j`, computed once per Jaxpr object. It spells the avals of every
 * binder, each equation's primitive, params (sub-Jaxprs recursively) and wiring, and the outputs;
 * variables are numbered by first appearance, so new ids for the same computation give the same key.
 */
export function jaxprKey(j: Jaxpr): string {
  let key = jaxprKeys.get(j);
  if (key === undefined) {
    key = buildKey(j);
    jaxprKeys.set(j, key);
  }
  return key;
}

function buildKey(j: Jaxpr): string {
  const num = new Map<number, string>();
  const define = (v: Var): string => {
    num.set(v.id, `%${num.size}`);
    return avalStr(v.aval);
  };
  // A variable bound nowhere in `j` (not expected in a closed Jaxpr) still gets a stable name.
  const atom = (a: Atom): string => {
    if (!isVar(a)) return literalKey(a);
    let n = num.get(a.id);
    if (n === undefined) { n = `^${num.size}:${avalStr(a.aval)}`; num.set(a.id, n); }
    return n;
  };
  const consts = j.consts.map(define).join(',');
  const inputs = j.inputs.map(define).join(',');
  const eqns = j.eqns.map((e) => {
    const ins = e.inputs.map(atom).join(',');
    return `${e.outputs.map(define).join(',')}=${e.primitive.name}${paramsKey(e.params)}(${ins})`;
  });
  return `{${consts};${inputs}|${eqns.join(';')}|${j.outputs.map(atom).join(',')}}`;
}

/**
 * A stable string for params, used by caches and CSE: plain data by value, sub-Jaxprs by
 * structure, functions and other objects (a checkpoint policy) by identity.
 */
export function paramsKey(params: Params): string {
  // Most eager ops carry no params: skip the serializer on the hot path.
  for (const _ in params) {
    // Params are immutable and passed on as they are by transforms and passes: spelled once each.
    let key = paramsKeys.get(params);
    if (key === undefined) { key = serialize(params); paramsKeys.set(params, key); }
    return key;
  }
  return '{}';
}

function serialize(params: Params): string {
  return JSON.stringify(params, (_k, v: unknown) => {
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : `#${numberKey(v)}`;
    if (v instanceof Jaxpr) return `#jaxpr${jaxprKey(v)}`;
    if (typeof v === 'function') return `#fn${identity(v)}`;
    if (v && typeof v === 'object' && !globalThis.Array.isArray(v) && !isPlainObject(v)) {
      return ArrayBuffer.isView(v) ? `#${v.constructor.name}${globalThis.Array.from(v as unknown as ArrayLike<number>, numberKey).join(',')}` : `#obj${identity(v)}`;
    }
    return v;
  });
}
