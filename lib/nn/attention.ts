/**
 * jax.nn.dot_product_attention (its XLA path) and the trivial activations `identity` / `tanh`.
 * Layout [B, T, N, H] (batch, sequence, heads, head dim), keys and values [B, S, K, H] with
 * grouped-query heads when K divides N (query head n uses key/value head floor(n / (N / K))).
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import * as np from '../numpy/index.js';
import { toFloat } from '../numpy/promote.js';
import { stopGradient } from '../transforms/stop-gradient.js';

/** The identity activation (jax.nn.identity). */
export const identity = (x: ArrayOrScalar): Array => np.asarray(x);

/** Hyperbolic tangent (jax.nn.tanh); integers become the default float. */
export const tanh = (x: ArrayOrScalar): Array => np.tanh(toFloat(np.asarray(x)));

/** Options of dotProductAttention (JAX's keyword arguments in camelCase). */
export interface AttentionOpts {
  /** Added to the logits; broadcasts to [B, N, T, S] (leading axes may be left out). */
  bias?: Array;
  /** Boolean; false entries are masked out. Broadcasts to [B, N, T, S] (leading axes may be left out). */
  mask?: Array;
  /** Logit scale; default 1/√H. */
  scale?: number;
  /** Causal mask: query t attends to keys s <= t. */
  isCausal?: boolean;
  /** int32 [B]: query rows at or beyond the length are masked and output as zeros. */
  querySeqLengths?: Array;
  /** int32 [B]: keys at or beyond the length are masked. */
  keyValueSeqLengths?: Array;
}

const fmt = (a: Array): string => `[${a.shape}] ${a.dtype}`;
const to4d = (a: Array): Array => (a.ndim < 4 ? np.reshape(a, [...new globalThis.Array<number>(4 - a.ndim).fill(1), ...a.shape]) : a);

/**
 * softmax(scale · q kᵀ + bias, masked) v over the key axis, for query [B, T, N, H] (or [T, N, H])
 * and key/value [B, S, K, H] with N a multiple of K (grouped-query attention). Masked logits are
 * set to -0.7·float32max (JAX's large negative), so fully masked rows average the values uniformly
 * as in JAX. Differences from JAX: the softmax runs in the logits' dtype (JAX always uses float32),
 * and there is no local window or cuDNN path.
 */
export function dotProductAttention(query: Array, key: Array, value: Array, opts: AttentionOpts = {}): Array {
  const who = 'nn.dotProductAttention';
  const outShape = query.shape;
  if (query.ndim < 3 || query.ndim > 4 || key.ndim !== query.ndim || value.ndim !== query.ndim) {
    throw new ShapeError(`${who}: query, key and value must all be [B, T, N, H] (or [T, N, H]), got query ${fmt(query)}, key ${fmt(key)}, value ${fmt(value)}`);
  }
  if (!isFloat(query.dtype) || key.dtype !== query.dtype || value.dtype !== query.dtype) {
    throw new TypeError(`${who}: query, key and value must share one float dtype, got ${query.dtype}, ${key.dtype}, ${value.dtype}; cast them with astype`);
  }
  const [q, k, v] = [to4d(query), to4d(key), to4d(value)];
  const [B, T, N, H] = q.shape;
  const [kB, S, K, kH] = k.shape;
  if (kB !== B || kH !== H || v.shape.some((d, i) => d !== k.shape[i])) {
    throw new ShapeError(`${who}: key and value must be [B, S, K, H] = [${B}, S, K, ${H}] matching query [${q.shape}], got key [${k.shape}], value [${v.shape}]`);
  }
  if (K === 0 || N % K !== 0) throw new ShapeError(`${who}: the number of query heads (${N}) must be a multiple of the key/value heads (${K})`);
  const G = N / K;
  const dtype = q.dtype;
  // Grouped layout: query [B, K, G, T, H], keys [B, K, 1, H, S], values [B, K, 1, S, H].
  const qg = np.transpose(np.reshape(q, [B, T, K, G, H]), [0, 2, 3, 1, 4]);
  const kg = np.expandDims(np.transpose(k, [0, 2, 3, 1]), 2);
  const vg = np.expandDims(np.transpose(v, [0, 2, 1, 3]), 2);
  let logits = np.multiply(np.matmul(qg, kg), np.array(opts.scale ?? 1 / Math.sqrt(H), { dtype }));
  // [b, n, T, S] -> [b, K, G, T, S] (n = N) or [b, 1, 1, T, S] (n = 1).
  const grouped = (t: Array, name: string): Array => {
    const t4 = to4d(t);
    if (t4.ndim !== 4) throw new ShapeError(`${who}: ${name} must have rank <= 4 (broadcasting to [B, N, T, S]), got [${t.shape}]`);
    const [tb, tn, tt, ts] = t4.shape;
    if ((tb !== 1 && tb !== B) || (tn !== 1 && tn !== N) || (tt !== 1 && tt !== T) || (ts !== 1 && ts !== S)) {
      throw new ShapeError(`${who}: ${name} [${t.shape}] does not broadcast to [B, N, T, S] = [${B}, ${N}, ${T}, ${S}]`);
    }
    return tn === 1 ? np.expandDims(t4, 2) : np.reshape(t4, [tb, K, G, tt, ts]);
  };
  if (opts.bias !== undefined) logits = np.add(logits, grouped(opts.bias.astype(dtype), 'bias'));
  let keep: Array | null = null;
  const and = (m: Array): void => { keep = keep === null ? m : np.logicalAnd(keep, m); };
  if (opts.mask !== undefined) {
    if (opts.mask.dtype !== 'bool') throw new TypeError(`${who}: mask must be bool, got ${opts.mask.dtype}; compare explicitly, e.g. np.notEqual(m, 0)`);
    and(grouped(opts.mask, 'mask'));
  }
  if (opts.isCausal) and(np.lessEqual(np.expandDims(np.arange(S), 0), np.expandDims(np.arange(T), 1)));
  const lengths = (l: Array | undefined, name: string): Array | null => {
    if (l === undefined) return null;
    if (l.ndim !== 1 || l.shape[0] !== B || l.dtype !== 'int32') throw new TypeError(`${who}: ${name} must be int32 of shape [${B}] (one length per batch row), got ${fmt(l)}`);
    return l;
  };
  const qLen = lengths(opts.querySeqLengths, 'querySeqLengths');
  const kvLen = lengths(opts.keyValueSeqLengths, 'keyValueSeqLengths');
  const bcast5 = (l: Array): Array => np.reshape(l, [B, 1, 1, 1, 1]);
  if (qLen) and(np.less(np.reshape(np.arange(T), [1, 1, 1, T, 1]), bcast5(qLen)));
  if (kvLen) and(np.less(np.reshape(np.arange(S), [1, 1, 1, 1, S]), bcast5(kvLen)));
  if (keep !== null) logits = np.where(keep, logits, np.array(-0.7 * 3.4028234663852886e38, { dtype }));
  const m = stopGradient(np.max(logits, -1, { keepdims: true }));
  const u = np.exp(np.subtract(logits, m));
  const probs = np.divide(u, np.sum(u, -1, { keepdims: true }));
  let out = np.reshape(np.transpose(np.matmul(probs, vg), [0, 3, 1, 2, 4]), [B, T, N, H]);
  if (qLen) out = np.multiply(out, np.less(np.reshape(np.arange(T), [1, T, 1, 1]), np.reshape(qLen, [B, 1, 1, 1])).astype(dtype));
  return np.reshape(out, outShape);
}
