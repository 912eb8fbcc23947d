/**
 * The library in a real browser: tests/browser/page.ts, bundled from lib/ with esbuild, runs one
 * MLP training step on the CPU and on WebGPU in headless Debian Chromium (SwiftShader when there
 * is no GPU). Skips without /usr/bin/chromium unless REQUIRE_WEBGPU=1, as CI sets. The WebGPU half
 * skips while lib/index.ts exports no `init`, i.e. until the WebGPU backend lands.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundlePage, CHROMIUM, launchChromium, type Served, servePage } from './browser/harness.js';
import { mismatches, mlpStep, type StepResult } from './browser/mlp.js';
import type { Outcome, PageResult } from './browser/result.js';

const required = process.env.REQUIRE_WEBGPU === '1';
const hasChromium = existsSync(CHROMIUM);

/** SwiftShader compiles every pipeline on the CPU: generous, but inside the suite's 60 s. */
const PAGE_TIMEOUT_MS = 45_000;

function step(o: Outcome | 'missing', half: string): StepResult {
  if (o === 'missing') throw new Error(`${half}: lib/index.ts exports no init`);
  if ('error' in o) throw new Error(`${half} failed in the page:\n${o.error}`);
  return o;
}

test.runIf(required && !hasChromium)('REQUIRE_WEBGPU=1 needs Chromium', () => {
  throw new Error(`REQUIRE_WEBGPU=1, but ${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium libvulkan1), or unset REQUIRE_WEBGPU to skip the browser tests`);
});

describe.skipIf(!hasChromium)('headless Chromium', () => {
  let served: Served | undefined;
  let browser: Browser | undefined;
  let result: PageResult;
  const timings: Record<string, number> = {};
  const logs: string[] = [];

  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try { return await f(); } finally { timings[name] = Math.round(performance.now() - t0); }
  };

  beforeAll(async () => {
    const script = await timed('bundle', bundlePage);
    served = await servePage(script);
    browser = await timed('launch', launchChromium);
    const page = await browser.newPage();
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.stack ?? e.message}`));
    const url = served.url;
    result = await timed('page', async () => {
      await page.goto(url);
      try {
        await page.waitForFunction(() => window.__result !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS });
      } catch (e) {
        throw new Error(`the page posted no result within ${PAGE_TIMEOUT_MS} ms; its console:\n${logs.join('\n') || '(empty)'}`, { cause: e });
      }
      const r = await page.evaluate(() => window.__result);
      if (!r) throw new Error('window.__result vanished');
      return r;
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    const ms = (o: Outcome | 'missing' | undefined): string => (o && o !== 'missing' && !('error' in o) ? `${Math.round(o.ms)}` : String(o === 'missing' ? o : '-'));
    console.log(`browser test ms: ${JSON.stringify(timings)}; in page: cpu step ${ms(result?.cpu)}, webgpu step ${ms(result?.webgpu)}`);
  });

  test('the page runs in a secure context and gets a WebGPU adapter', () => {
    expect(result.secureContext).toBe(true);
    expect(result.gpu, 'navigator.gpu is missing: Chromium needs --enable-unsafe-webgpu').toBe(true);
    expect(result.adapter, 'navigator.gpu.requestAdapter() gave null: no Vulkan driver (SwiftShader ships in /usr/lib/chromium)').not.toBeNull();
  });

  test('the CPU step in the bundle matches the same step in Node', async () => {
    const inPage = step(result.cpu, 'cpu');
    const inNode = await mlpStep('cpu', 'float64');
    expect(mismatches(inPage, inNode, 1e-12)).toEqual([]);
    expect(inPage.lossAfter).toBeLessThan(inPage.loss);
  });

  // Without this, a comparison that passed vacuously (say, a tolerance in the wrong units) would
  // look the same as a WebGPU backend that works.
  test('the comparison tells float32 from float64: test-f32 is within 1e-4 of the CPU, not 1e-9', async () => {
    const cpu = await mlpStep('cpu', 'float64');
    const f32 = await mlpStep('test-f32', 'float32');
    expect(mismatches(f32, cpu)).toEqual([]);
    expect(mismatches(f32, cpu, 1e-9)).not.toEqual([]);
  });

  test('the WebGPU step matches the CPU within 1e-4', (ctx) => {
    // The backend is being written; until lib/index.ts exports init there is nothing to run.
    if (result.webgpu === 'missing') ctx.skip();
    const gpu = step(result.webgpu, 'webgpu');
    expect(gpu.dtype).toBe('float32');
    expect(mismatches(gpu, step(result.cpu, 'cpu'))).toEqual([]);
  });
});
