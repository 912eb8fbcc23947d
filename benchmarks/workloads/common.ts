/**
 * What every workload file shares: deterministic inputs (the same numbers for every library) and
 * "the result is computed" for each library. Results are made ready, not read back (JAX's
 * block_until_ready): copying out is a cost of the consumer, and it differs by memory layout
 * (a wasm heap is copied, a JS buffer is not), which would blur what is compared.
 */
import { blockUntilReady as jaxReady, tree as jaxTree } from '@jax-js/jax';
import { tree, type Array as CtArray } from '../../lib/index.js';

/** n values in [-scale, scale], smooth in i but not periodic over short ranges. */
export const det = (n: number, seed = 1, scale = 1): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => scale * Math.sin(seed * 12.9898 + i * 0.7853981 + Math.sin(i * 0.1 * seed)));

/**
 * Cotangent: every leaf computed, then released, as the jax-js entries free theirs and TF.js's
 * run in tidy(). Released buffers are reused by the next call (a loop that keeps its results
 * instead pays fresh memory for each: see the README's Performance section).
 */
export async function ctDone(out: unknown): Promise<void> {
  const leaves = tree.leaves(out) as CtArray[];
  for (const leaf of leaves) await leaf.blockUntilReady();
  for (const leaf of leaves) leaf.dispose();
}

/** jax-js: realises the lazily built result, then frees it (jax-js arrays are reference-counted). */
export async function jaxDone<T>(out: T): Promise<void> {
  await jaxReady(out as never);
  jaxTree.dispose(out as never);
}

export const CT32 = 'cotangent f32';
export const CT64 = 'cotangent f64';
export const JAX = 'jax-js wasm';
export const TFW = 'tfjs wasm';
export const TFC = 'tfjs cpu';
