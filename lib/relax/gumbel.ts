/** Gumbel-softmax (concrete) relaxation of categorical sampling. */
import * as np from '../numpy/index.js';
import type { Array, ArrayOrScalar } from '../core/array.js';
import * as random from '../random/index.js';
import { asFloat, normAxes, softmax } from './util.js';
import { straightThrough } from './smooth.js';

/** Options of `relax.gumbelSoftmax`. */
export interface GumbelSoftmaxOptions {
  /** τ > 0; as τ → 0 samples approach one-hots. Default 1. */
  temperature?: number | Array;
  /** Return exact one-hots of the argmax with the soft sample's gradient (straight-through). Default false. */
  hard?: boolean;
  /** The category axis. Default -1. */
  axis?: number;
}

/**
 * Gumbel-softmax sample `softmax((logits + g)/τ)` along `axis`, with `g` standard Gumbel noise
 * from `random.gumbel(key, logits.shape)`: a reparameterised, differentiable relaxation of
 * `random.categorical` (whose argmax it shares: `argmax(sample) == categorical(key, logits)`
 * for the same key). Samples lie on the simplex (they sum to 1 along `axis`).
 *
 * With `hard: true` the value is exactly the one-hot of the argmax and the gradient is the soft
 * sample's ({@link straightThrough}).
 */
export function gumbelSoftmax(key: Array, logits: ArrayOrScalar, opts: GumbelSoftmaxOptions = {}): Array {
  const l = asFloat(logits);
  if (l.ndim === 0) throw new TypeError('relax.gumbelSoftmax: logits must have at least one axis');
  const tau = opts.temperature ?? 1;
  if (typeof tau === 'number' && !(tau > 0)) throw new RangeError(`relax.gumbelSoftmax: temperature must be > 0, got ${tau}`);
  const axis = normAxes(opts.axis ?? -1, l.ndim)[0];
  const g = random.gumbel(key, l.shape, { dtype: l.dtype });
  const soft = softmax(np.divide(l.add(g), tau), axis);
  if (!opts.hard) return soft;
  const idx = np.argmax(soft, axis, { keepdims: true });
  const iota = np.iota('int32', l.shape, axis);
  const oneHot = np.equal(iota, idx).astype(l.dtype);
  return straightThrough(oneHot, soft);
}
