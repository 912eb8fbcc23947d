/**
 * The peers, started the way a user would start them in Node: jax-js on its WebAssembly backend,
 * TensorFlow.js on its wasm backend (the .wasm files ship in the npm package) and its cpu backend.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as jax from '@jax-js/jax';

export { tf, jax };

// TF.js's production mode, as it advises for speed. It is also what silences its "install
// tfjs-node" banner: the cpu backend prints that through TF.js's log.warn on its first tensor,
// and log.warn is silent when the PROD flag is set. Set at import, before any tensor can exist.
tf.enableProdMode();

/**
 * TF.js's Node bundle of tfjs-core registers no gradients (the `@tensorflow/tfjs` umbrella
 * package does that). Its ESM gradient files register into the same global registry and run
 * their ops on the same global engine, so loading them through require (tsx compiles them and
 * resolves their extensionless and directory imports) gives the Node bundle what `@tensorflow/tfjs` has.
 */
function registerTfGradients(): void {
  createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}

let started = false;
let tfWasmMissing: string | null = null;
export async function startPeers(): Promise<void> {
  if (started) return;
  started = true;
  (globalThis as { navigator?: object }).navigator ??= {}; // jax-js probes navigator.gpu
  await jax.init('wasm');
  jax.defaultDevice('wasm');
  registerTfGradients();
  // A missing optional peer costs its column, not the run (the harness reports why).
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  } catch (e) {
    tfWasmMissing = `tfjs-backend-wasm unavailable: ${(e as Error).message.split('\n')[0].slice(0, 60)}`;
  }
  await tf.setBackend('cpu');
}

/** What each peer ran on, for results.json. */
export async function peerInfo(): Promise<Record<string, string>> {
  if (tfWasmMissing) return { 'jax-js': `@jax-js/jax ${version('@jax-js/jax')}, device wasm`, 'tfjs wasm': tfWasmMissing, 'tfjs cpu': `@tensorflow/tfjs-backend-cpu ${version('@tensorflow/tfjs-backend-cpu')}` };
  await tf.setBackend('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  await tf.setBackend('cpu');
  const v = (p: string): string => version(p);
  return {
    'jax-js': `@jax-js/jax ${v('@jax-js/jax')}, device wasm`,
    'tfjs wasm': `@tensorflow/tfjs-backend-wasm ${v('@tensorflow/tfjs-backend-wasm')} (simd ${String(simd)}, threads ${String(threads)})`,
    'tfjs cpu': `@tensorflow/tfjs-backend-cpu ${v('@tensorflow/tfjs-backend-cpu')}`,
  };
}

/** A package's version, from the package.json above its resolved entry (exports maps may hide it). */
function version(pkg: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(pkg));
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (meta.name === pkg) return meta.version ?? '?';
    } catch { /* no package.json at this level */ }
  }
  return '?';
}

/** Makes the library's backend current; TF.js tensors stay with the backend they were made on. */
export async function activate(lib: string): Promise<void> {
  if (lib === 'tfjs wasm' && tfWasmMissing) throw new Error(tfWasmMissing);
  if (lib === 'tfjs wasm' && tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  if (lib === 'tfjs cpu' && tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
}
