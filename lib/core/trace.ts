/**
 * Tracing: Tracers record equations into a Builder; `bind` is the single entry point of every
 * primitive application, routing it to the innermost active trace or running it eagerly.
 */
import { FloatingPointError, debugNansOn } from './config.js';
import { type Aval, type Atom, type Eqn, Jaxpr, type NoParams, type Params, type Var, avalStr, eqn, isVar, literal, newVar } from './ir.js';
import type { Primitive } from './primitive.js';
import { paramsKey } from './primitive.js';
import { ConcretizationError, UnexpectedTracerError, orThrow } from './errors.js';
import { Array, ConcreteArray } from './array.js';
import { type Backend, checkJaxprDtypes, defaultDevice, getBackend, hostBackend } from './backend.js';
import { checked } from './check.js';
import { LRU, onClearCaches } from './lru.js';
import { isFloat } from './dtype.js';

/** Active traces, innermost last; `null` marks a host frame (onHost), where nothing is staged. */
const stack: (Builder | null)[] = [];

/** Collects the equations of one trace. Nesting is a stack: inner traces capture outer Tracers. */
export class Builder {
  readonly level = stack.length;
  readonly eqns: Eqn[] = [];
  readonly inputs: Var[] = [];
  readonly constVars: Var[] = [];
  readonly constVals: Array[] = [];
  private readonly captured = new Map<Array, Var>();
  private readonly producer = new Map<number, number>();
  private readonly memo = new Map<number, ConcreteArray>();
  ended = false;
  /** Set when a concrete value was read: the Jaxpr is specific to these inputs and is not cached. */
  valueDependent = false;

  constructor(
    readonly device: string,
    /** Concrete values of the inputs (top-level transforms), for on-demand evaluation. */
    private readonly inputValues: readonly Array[] | undefined,
    /** Why no concrete value exists (e.g. "under jit"), when inputValues is absent. */
    readonly abstractReason: string,
  ) {}

  addInput(a: Aval): Tracer {
    const v = newVar(a);
    this.inputs.push(v);
    return new Tracer(this, v, false);
  }

  /** The atom for `x` in this trace: own tracers as is, anything else captured as a constant. */
  atomOf(x: Array): Atom {
    if (x instanceof Tracer && x.builder === this) return x.atom;
    if (x instanceof ConcreteArray && x.hostScalar !== undefined) return literal(x.hostScalar, x.dtype);
    let v = this.captured.get(x);
    if (!v) {
      v = newVar(x.aval);
      this.captured.set(x, v);
      this.constVars.push(v);
      this.constVals.push(x);
    }
    return v;
  }

  push(e: Eqn): void {
    for (const o of e.outputs) this.producer.set(o.id, this.eqns.length);
    this.eqns.push(e);
  }

  /** Evaluates `atom` on the concrete inputs, running only the equations it depends on. */
  concretize(atom: Atom): ConcreteArray {
    if (!isVar(atom)) return scalarArray(atom.value, atom.aval, hostBackend().name);
    const hit = this.memo.get(atom.id);
    if (hit) return hit;
    const abstract = (): ConcretizationError =>
      new ConcretizationError(
        `A concrete value was read from an abstract Tracer ${avalStr(atom.aval)} ${this.abstractReason}. ` +
          'Branching or looping on traced values must be staged: use lax.cond / lax.switch for branches, ' +
          'lax.whileLoop / lax.foriLoop for loops, and np.where for elementwise choices.',
      );
    const leaf = (v: Var): Array | undefined => {
      const i = this.inputs.indexOf(v);
      if (i >= 0) {
        // Values computed from constants alone stay readable under jit; inputs need concrete values.
        if (!this.inputValues) throw abstract();
        this.valueDependent = true;
        return this.inputValues[i];
      }
      const j = this.constVars.indexOf(v);
      return j >= 0 ? this.constVals[j] : undefined;
    };
    // Collect the needed equations iteratively (deep chains must not overflow the JS stack).
    const needed = new Set<number>();
    const todo: Var[] = [atom];
    while (todo.length) {
      const v = todo.pop()!;
      if (this.memo.has(v.id)) continue;
      const k = this.producer.get(v.id);
      if (k === undefined) {
        const src = leaf(v);
        if (!src) throw new UnexpectedTracerError(`concretize: variable ${v.id} does not belong to this trace`);
        this.memo.set(v.id, toHost(src instanceof Tracer ? src.concrete() : (src as ConcreteArray)));
        continue;
      }
      if (needed.has(k)) continue;
      needed.add(k);
      for (const a of this.eqns[k].inputs) if (isVar(a)) todo.push(a);
    }
    for (const k of [...needed].sort((a, b) => a - b)) {
      const e = this.eqns[k];
      const ins = e.inputs.map((a) => (isVar(a) ? this.memo.get(a.id)! : scalarArray(a.value, a.aval, hostBackend().name)));
      const outs = hostEval(e.primitive, ins, e.params);
      e.outputs.forEach((o, i) => this.memo.set(o.id, outs[i]));
    }
    return this.memo.get(atom.id)!;
  }
}

/** A traced value: an atom of a Builder's Jaxpr. Has the full Array API. */
export class Tracer extends Array {
  constructor(
    readonly builder: Builder,
    readonly atom: Atom,
    readonly weakType: boolean,
  ) {
    super();
  }
  get aval(): Aval { return this.atom.aval; }
  get device(): string { return this.builder.device; }
  override repr(): string { return `Traced<${avalStr(this.aval)}>`; }

  /** The concrete value, evaluated on demand (pathwise semantics); throws under jit/vmap. */
  concrete(): ConcreteArray {
    if (this.builder.ended) throw escapedTracer(this);
    return this.builder.concretize(this.atom);
  }
}

function escapedTracer(t: Tracer): UnexpectedTracerError {
  return new UnexpectedTracerError(
    `A Tracer ${avalStr(t.aval)} was used after the trace that created it ended (it leaked out of a ` +
      'transformed function, e.g. through a global or a closure saved for later). Return it as an ' +
      'output of the transformed function instead.',
  );
}

export const currentBuilder = (): Builder | undefined => stack[stack.length - 1] ?? undefined;

/**
 * Runs `fn` outside any trace, with the host (the CPU) as the default device: constants that
 * depend only on JS values — spec numbers, shapes — computed with the array API and read back at
 * once, even while a transform is tracing on another device.
 */
export function onHost<T>(fn: () => T): T {
  const prev = defaultDevice();
  stack.push(null);
  defaultDevice(hostBackend().name);
  try {
    return fn();
  } finally {
    defaultDevice(prev);
    stack.splice(stack.lastIndexOf(null), 1);
  }
}

/** Applies a primitive: staged into the innermost trace among the inputs, or run eagerly. */
export function bind<P extends Params>(prim: Primitive<P>, args: readonly Array[], params: P, weak?: boolean): Array[];
export function bind(prim: Primitive<NoParams>, args: readonly Array[]): Array[];
export function bind(prim: Primitive, args: readonly Array[], params: Params = {}, weak = false): Array[] {
  let top: Builder | undefined;
  for (const a of args) {
    if (a instanceof Tracer) {
      if (a.builder.ended) throw escapedTracer(a);
      if (!top || a.builder.level > top.level) top = a.builder;
    }
  }
  // Scalar literal arithmetic folds at trace time, so inlined transforms stay small.
  // It runs on the host; the result is a host scalar on the default device, as an eager op's is.
  // Only rank-0 results fold (a broadcast of a literal is staged), so the shapes are checked first.
  if (!top && args.length && args.every((a) => a instanceof ConcreteArray && a.hostScalar !== undefined) &&
    orThrow(prim.abstractEval(args.map((a) => a.aval), params)).every((o) => o.shape.length === 0)) {
    const outs = hostEval(prim, args as ConcreteArray[], params);
    return outs.map((o) => ConcreteArray.fromScalar(o.readSync()[0], o.dtype, getBackend(), weak));
  }
  // Omnistaging: inside a trace, other ops on constants are staged (no hidden constant folding).
  top ??= currentBuilder();
  if (!top) return bindEager(prim, args as ConcreteArray[], params, weak);
  const atoms = args.map((a) => top!.atomOf(a));
  const outAvals = orThrow(prim.abstractEval(atoms.map((a) => a.aval), params));
  const outs = outAvals.map(newVar);
  top.push(eqn(prim, atoms, outs, params));
  return outs.map((v) => new Tracer(top!, v, weak));
}

export function bind1<P extends Params>(prim: Primitive<P>, args: readonly Array[], params: P, weak?: boolean): Array;
export function bind1(prim: Primitive<NoParams>, args: readonly Array[]): Array;
export function bind1(prim: Primitive, args: readonly Array[], params: Params = {}, weak = false): Array {
  return bind(prim, args, params, weak)[0];
}

/**
 * Binds a primitive with no operands (iota): staged inside a trace, otherwise made on `device`,
 * which callers set to the device of the arrays the result will meet (the default device when
 * unset), so internal index arrays never land on another device than their data.
 */
export function bindSource<P extends Params>(prim: Primitive<P>, params: P, device?: string): Array {
  if (currentBuilder()) return bind(prim, [], params)[0];
  return bindEager(prim, [], params, false, device ?? getBackend().name)[0];
}

// ---- eager execution ---------------------------------------------------------

// Bounded: keys hold avals and params, so a program meeting ever-new shapes would grow it forever.
const eagerCache = new LRU<string, { jaxpr: Jaxpr; exe: ReturnType<Backend['compile']> }>(512);
onClearCaches(() => eagerCache.clear());

export function commonDevice(args: readonly Array[], who: string): string {
  let dev: string | undefined;
  for (const a of args) {
    if (a instanceof ConcreteArray && a.hostScalar !== undefined) continue;
    if (dev === undefined) dev = a.device;
    else if (a.device !== dev) {
      throw new Error(`${who}: arrays on different devices ('${dev}' and '${a.device}'); move one with devicePut(x, '${dev}')`);
    }
  }
  return dev ?? getBackend().name;
}

/** Runs a primitive now, on `device` (by default the one its array arguments share). */
export function bindEager(prim: Primitive, args: readonly ConcreteArray[], params: Params, weak: boolean, device = commonDevice(args, prim.name)): ConcreteArray[] {
  const backend = getBackend(device);
  const inAvals = args.map((a) => a.aval);
  const key = `${device}|${prim.name}|${inAvals.map(avalStr).join(',')}|${paramsKey(params)}`;
  let entry = eagerCache.get(key);
  if (!entry) {
    const ins = inAvals.map(newVar);
    const outAvals = orThrow(prim.abstractEval(inAvals, params));
    const outs = outAvals.map(newVar);
    const jaxpr = new Jaxpr([], ins, [eqn(prim, ins, outs, params)], outs);
    checkJaxprDtypes(backend, jaxpr, prim.name);
    entry = { jaxpr, exe: backend.compile(jaxpr) };
    eagerCache.set(key, entry);
  }
  const bufs = entry.exe.run(args.map((a) => a.onDevice(backend).buffer));
  const outs = bufs.map((b) => new ConcreteArray(b, backend, weak));
  if (debugNansOn()) checkNans(prim.name, args, outs);
  return outs;
}

/** Whether a float array holds a NaN (false where its device cannot read synchronously). */
export function hasNan(a: ConcreteArray): boolean {
  if (!isFloat(a.dtype) || (!a.backend.readSync && a.hostScalar === undefined)) return false;
  const d = a.readSync();
  for (let i = 0; i < d.length; i++) if (d[i] !== d[i]) return true;
  return false;
}

/** debugNans: raises when `name` produced a NaN, saying whether its inputs held one already. */
function checkNans(name: string, args: readonly ConcreteArray[], outs: readonly ConcreteArray[]): void {
  const bad = outs.findIndex(hasNan);
  if (bad < 0) return;
  const fed = args.some(hasNan);
  throw new FloatingPointError(
    `debugNans: invalid value (NaN) encountered in '${name}' (output ${bad}: ${avalStr(outs[bad].aval)}; inputs ${args.map((a) => avalStr(a.aval)).join(', ') || 'none'})` +
      (fed ? '; its inputs already held NaN, which came from outside the traced program (check the data)' : '') +
      "; turn the check off with config.update('debugNans', false)",
  );
}

/**
 * Runs a primitive on the host device (the CPU) whatever the default device is: constant folding
 * and value reads while tracing need the value in JS now, which an asynchronous device cannot give.
 */
export function hostEval(prim: Primitive, args: readonly ConcreteArray[], params: Params): ConcreteArray[] {
  // Named explicitly: host scalars alone would otherwise run on the default device.
  return bindEager(prim, args.map(toHost), params, false, hostBackend().name);
}

/** `x` on the host: itself, a host scalar re-made there, or a synchronous copy where the device allows. */
function toHost(x: ConcreteArray): ConcreteArray {
  const host = hostBackend();
  if (x.backend === host || x.hostScalar !== undefined) return x.onDevice(host);
  if (!x.backend.readSync) {
    throw new ConcretizationError(
      `A concrete value of ${avalStr(x.aval)} on device '${x.device}' was needed while tracing (e.g. x.item() or ` +
        `'if (x > 0)' inside a transform), but '${x.device}' cannot read synchronously. Stage the branch with ` +
        `lax.cond / np.where, read values outside transforms with 'await x.data()', or trace on the 'cpu' device: make the input there (np.array(await x.data(), { device: 'cpu' })).`,
    );
  }
  return x.onDevice(host);
}

/** A 0-d array holding a JS number; captured into traces as a Literal. */
export function scalarArray(value: number, a: Aval, device?: string, weak = false): ConcreteArray {
  return ConcreteArray.fromScalar(value, a.dtype, getBackend(device), weak);
}

// ---- tracing functions -----------------------------------------------------------

export interface Traced {
  jaxpr: Jaxpr;
  /** Values of `jaxpr.consts`: captured concrete arrays and Tracers of enclosing traces. */
  consts: Array[];
  outWeak: boolean[];
  valueDependent: boolean;
}

export interface TraceOptions {
  device?: string;
  /** Concrete input values for on-demand evaluation (top-level transforms on concrete arrays). */
  inputValues?: readonly Array[];
  /** Why inputs are abstract, for the ConcretizationError message (e.g. "under jit"). */
  abstractReason?: string;
  inWeak?: readonly boolean[];
}

let traces = 0;

/** How many times `traceFlat` has run: tests use it to check that a cached call traces nothing. */
export const traceCount = (): number => traces;

/** Traces a flat function into a Jaxpr. Outputs may be Tracers of this trace or anything capturable. */
export function traceFlat(fn: (...args: Array[]) => Array[], inAvals: readonly Aval[], opts: TraceOptions = {}): Traced {
  traces++;
  const inputValues = opts.inputValues?.every((v) => v instanceof ConcreteArray || v instanceof Tracer) ? opts.inputValues : undefined;
  const b = new Builder(opts.device ?? getBackend().name, inputValues, opts.abstractReason ?? 'during abstract tracing');
  stack.push(b);
  let outAtoms: Atom[];
  let outWeak: boolean[];
  try {
    const ins = inAvals.map((a, i) => {
      const t = b.addInput(a);
      return opts.inWeak?.[i] ? new Tracer(b, t.atom, true) : t;
    });
    const outs = fn(...ins);
    outAtoms = outs.map((o) => b.atomOf(o));
    outWeak = outs.map((o) => o.weakType);
  } finally {
    b.ended = true;
    stack.splice(stack.indexOf(b), 1);
  }
  return {
    jaxpr: checked(new Jaxpr(b.constVars, b.inputs, b.eqns, outAtoms)),
    consts: b.constVals,
    outWeak,
    valueDependent: b.valueDependent,
  };
}

/** Evaluates a Jaxpr by binding each equation: eagerly on concrete arrays, or inlined into a trace. */
export function evalJaxpr(jaxpr: Jaxpr, consts: readonly Array[], args: readonly Array[]): Array[] {
  const env = new Map<number, Array>();
  const device = commonDevice([...consts, ...args], 'evalJaxpr');
  jaxpr.consts.forEach((v, i) => env.set(v.id, consts[i]));
  jaxpr.inputs.forEach((v, i) => env.set(v.id, args[i]));
  const read = (a: Atom): Array => (isVar(a) ? env.get(a.id)! : scalarArray(a.value, a.aval, device));
  for (const e of jaxpr.eqns) {
    const outs = bind(e.primitive, e.inputs.map(read), e.params);
    e.outputs.forEach((v, i) => env.set(v.id, outs[i]));
  }
  return jaxpr.outputs.map(read);
}
