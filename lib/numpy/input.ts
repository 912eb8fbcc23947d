/** What the numpy functions that take data accept: an Array, a JS number or boolean, or nested JS arrays. */
import { Array, type ArrayOrScalar, type Nested } from '../core/array.js';
import { array } from './creation.js';
import { asArray } from './promote.js';

/** An input that np.array accepts: an Array, a JS number or boolean, or nested JS arrays of them. */
export type ArrayInput = ArrayOrScalar | Nested;

/** `x` as an Array (nested JS arrays through np.array, scalars weakly typed). */
export const dataArg = (x: ArrayInput): Array => (x instanceof Array ? x : globalThis.Array.isArray(x) ? array(x) : asArray(x));
