/**
 * The test page: one MLP training step on the CPU (float64) and on WebGPU (float32), results on
 * `window.__result` for tests/browser.test.ts to compare. Bundled by tests/browser/harness.ts.
 */
import * as ct from '../../lib/index.js';
import { mlpStep } from './mlp.js';
import type { AdapterSummary, Outcome, PageResult } from './result.js';

// lib/index.ts exports no `init` until the WebGPU backend lands. Method syntax keeps this
// assignment compiling once it does, whatever the exact parameter type of `init` turns out to be;
// the picked `devices` only keeps TypeScript from rejecting a type with optional members alone.
const lib: Pick<typeof ct, 'devices'> & { init?(device: string): Promise<unknown> } = ct;

const message = (e: unknown): string => (e instanceof Error ? e.stack ?? e.message : String(e));

async function outcome(run: () => Promise<Outcome>): Promise<Outcome> {
  try { return await run(); } catch (e) { return { error: message(e) }; }
}

async function adapter(): Promise<AdapterSummary | null> {
  const a = await navigator.gpu.requestAdapter();
  if (!a) return null;
  const { vendor, architecture, description } = a.info;
  // isFallbackAdapter moved from the adapter to its info; read whichever this Chromium has.
  const fallback = (a.info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (a as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  return { vendor, architecture, description, isFallbackAdapter: fallback };
}

async function main(): Promise<PageResult> {
  const gpu = 'gpu' in navigator && navigator.gpu !== undefined;
  const cpu = await outcome(() => mlpStep('cpu', 'float64'));
  const init = lib.init;
  const webgpu = typeof init === 'function'
    ? await outcome(async () => { await init('webgpu'); return mlpStep('webgpu', 'float32'); })
    : 'missing';
  return { secureContext: window.isSecureContext, gpu, adapter: gpu ? await adapter() : null, cpu, webgpu };
}

main()
  .catch((e: unknown): PageResult => ({ secureContext: window.isSecureContext, gpu: false, adapter: null, cpu: { error: message(e) }, webgpu: { error: message(e) } }))
  .then((r) => {
    window.__result = r;
    const out = document.getElementById('out');
    if (out) out.textContent = JSON.stringify(r, null, 2);
  });
