/**
 * numpy's `convolve` and `correlate` of 1-D sequences, as one `lax.convGeneralDilated` (which is a
 * cross-correlation): convolve flips the shorter sequence, correlate does not, as JAX's jnp.
 * Integer and bool inputs are promoted to the default float (as jnp; numpy keeps integers).
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { convGeneralDilated } from '../lax/conv.js';
import { promote } from './promote.js';
import { flip, reshape } from './shape.js';
import { checkOperand } from './validate.js';

/** Output size of numpy's convolve / correlate modes. */
export type ConvolveMode = 'full' | 'same' | 'valid';

function conv1d(who: string, a0: ArrayOrScalar, v0: ArrayOrScalar, mode: ConvolveMode, flipKernel: boolean): Array {
  const [[a1, v1]] = promote([checkOperand(who, a0), checkOperand(who, v0)], true);
  if (a1.ndim !== 1 || v1.ndim !== 1) throw new ShapeError(`${who}: a and v must be 1-D, got shapes [${a1.shape}] and [${v1.shape}]; flatten them with np.ravel`);
  if (a1.size === 0 || v1.size === 0) throw new ShapeError(`${who}: a and v cannot be empty, got shapes [${a1.shape}] and [${v1.shape}]`);
  let [x, y] = [a1, v1];
  let reverseOut = false;
  if (x.size < y.size) {
    [x, y] = [y, x];
    reverseOut = !flipKernel; // correlate(a, v) = reverse(correlate(v, a)); convolution commutes
  }
  if (flipKernel) y = flip(y);
  const m = y.size;
  let pads: [number, number];
  if (mode === 'valid') pads = [0, 0];
  else if (mode === 'same') pads = [Math.floor(m / 2), m - Math.floor(m / 2) - 1];
  else if (mode === 'full') pads = [m - 1, m - 1];
  else throw new TypeError(`${who}: mode must be 'full', 'same' or 'valid', got ${JSON.stringify(mode)}`);
  const out = convGeneralDilated(reshape(x, [1, 1, x.size]), reshape(y, [1, 1, m]), [1], [pads]);
  const flat = reshape(out, [out.size]);
  return reverseOut ? flip(flat) : flat;
}

/**
 * Discrete linear convolution of 1-D `a` and `v` (numpy's `convolve`; mode 'full' by default:
 * length n + m - 1; 'same': max(n, m); 'valid': max(n, m) - min(n, m) + 1).
 */
export function convolve(a: ArrayOrScalar, v: ArrayOrScalar, mode: ConvolveMode = 'full'): Array {
  return conv1d('np.convolve', a, v, mode, true);
}

/**
 * Cross-correlation of 1-D `a` and `v`: out[k] = sum_n a[n + k] * v[n] (numpy's `correlate`, for
 * real inputs; mode 'valid' by default, also 'same' and 'full').
 */
export function correlate(a: ArrayOrScalar, v: ArrayOrScalar, mode: ConvolveMode = 'valid'): Array {
  return conv1d('np.correlate', a, v, mode, false);
}
