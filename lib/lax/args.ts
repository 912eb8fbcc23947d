/** Argument checks shared by the lax functions composed from other ops. */
import { Array } from '../core/array.js';
import { avalStr } from '../core/ir.js';
import { Complex } from '../numpy/complex.js';
import { asArray } from '../numpy/promote.js';

/** How an argument reads in an error message. */
export const desc = (x: unknown): string => (x instanceof Array ? avalStr(x.aval) : x instanceof Complex ? `a Complex of shape [${x.shape}]` : x === null ? 'null' : globalThis.Array.isArray(x) ? 'a JS array' : `the JS ${typeof x} ${String(x)}`);

/** An Array argument (a JS scalar becomes a weak 0-d Array), named by `lax.${who}` when it is neither. */
export function arrayArg(who: string, x: unknown): Array {
  if (x instanceof Array) return x;
  if (typeof x === 'number' || typeof x === 'boolean') return asArray(x);
  throw new TypeError(`lax.${who}: expected an Array, got ${desc(x)}${globalThis.Array.isArray(x) ? '; wrap JS data with np.array(...)' : ''}`);
}
