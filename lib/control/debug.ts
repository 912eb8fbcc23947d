/**
 * jax.debug: `debug.print` and `debug.callback` see the values a program computes, under jit,
 * vmap, grad and inside lax loops, by staging a `debug_callback` equation that calls back into
 * JS when the program runs. Outside a trace the callback runs at once.
 */
import { Array as ArrayClass, ConcreteArray } from '../core/array.js';
import { flatten, unflatten } from '../core/pytree.js';
import { bind, currentBuilder } from '../core/trace.js';
import { DebugCallback, type HostValue } from '../primitives/debug.js';
import { hasTracer } from '../transforms/staging.js';

/**
 * Calls `fn(...args)` with concrete values when the program runs: Arrays in the argument pytrees
 * arrive as concrete Arrays (per example under vmap, primal values under grad); other leaves
 * (numbers, strings) are passed as they are. `fn`'s result is ignored.
 */
export function callback<A extends unknown[]>(fn: (...args: A) => void, ...args: A): void {
  if (typeof fn !== 'function') throw new TypeError(`debug.callback: the first argument must be a function, got ${typeof fn}`);
  const [leaves, def] = flatten(args);
  const arrays = leaves.map((l, i) => [l, i] as const).filter(([l]) => l instanceof ArrayClass);
  if (!currentBuilder() && !hasTracer(leaves)) { fn(...args); return; }
  const call = (values: readonly HostValue[]): void => {
    const out = [...leaves];
    arrays.forEach(([, i], k) => { out[i] = ConcreteArray.fromData(values[k].data, values[k].aval.shape, values[k].aval.dtype); });
    fn(...unflatten<A>(def, out));
  };
  Object.defineProperty(call, 'name', { value: fn.name || 'callback' });
  bind(DebugCallback, arrays.map(([a]) => a as ArrayClass), { callback: call, batchDims: 0 });
}

/** A value as debug.print shows it: numpy's str for Arrays, brackets and braces around pytrees. */
function show(v: unknown): string {
  if (v instanceof ArrayClass) return v.toString();
  if (globalThis.Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return `{${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ')}}`;
  }
  return String(v);
}

/** Python's str.format for positional fields: `{}` in turn, `{0}` by index, `{{`/`}}` for braces. */
export function formatFields(fmt: string, values: readonly unknown[]): string {
  let next = 0;
  return fmt.replace(/\{\{|\}\}|\{(\d*)\}/g, (m: string, idx: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const i = idx === '' ? next++ : Number(idx);
    if (i >= values.length) throw new RangeError(`debug.print: the format '${fmt}' asks for argument ${i}, but ${values.length} were given`);
    return show(values[i]);
  });
}

/**
 * Prints `fmt` with its `{}` fields filled by `args` when the program runs (jax.debug.print):
 * inside jit the values, not their tracers; under vmap one line per example; under grad the
 * primal values. `{}` takes the next argument, `{0}` the first; Arrays print as numpy's str.
 *
 * @example jit((x) => { debug.print('x = {}', x); return x.mul(2); })(np.array([1, 2]))  // x = [1. 2.]
 */
export function print(fmt: string, ...args: unknown[]): void {
  if (typeof fmt !== 'string') throw new TypeError(`debug.print: the first argument must be a format string such as 'x = {}', got ${typeof fmt}`);
  formatFields(fmt, args.map(() => ''));
  const printer = (...vals: unknown[]): void => { console.log(formatFields(fmt, vals)); };
  Object.defineProperty(printer, 'name', { value: `print ${JSON.stringify(fmt)}` });
  callback(printer, ...args);
}
