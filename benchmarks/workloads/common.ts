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

/** Cotangent: every leaf computed (immediate on today's CPU; a future threaded CPU may defer). */
export async function ctReady(out: unknown): Promise<void> {
  for (const leaf of tree.leaves(out) as CtArray[]) await leaf.blockUntilReady();
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
