/**
 * The browser demo (demo/, built with Vite) in headless Chromium, served from 127.0.0.1: it shows
 * the fit, follows the cut slider and runs the gradient-driven cut optimisation, with the same
 * numbers as the same analysis in Node. A screenshot goes to tests/output/demo.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './browser/harness.js';
import { optimiseCut, simulate, softCls, summary } from '../demo/analysis.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const required = process.env.REQUIRE_WEBGPU === '1';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

describe.runIf(existsSync(CHROMIUM) || required)('the browser demo', () => {
  const out = mkdtempSync(join(tmpdir(), 'cotangent-demo-'));
  let server: Server;
  let browser: Browser;
  let page: Page;
  const logs: string[] = [];

  beforeAll(async () => {
    await build({ configFile: join(root, 'demo/vite.config.ts'), root: join(root, 'demo'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    server = createServer((req, res) => {
      const path = normalize(join(out, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '/').split('?')[0]));
      if (!path.startsWith(out) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.stack ?? e.message}`));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => window.__demo !== undefined, undefined, { timeout: 30_000 }).catch((e: Error) => {
      throw new Error(`the demo showed no fit within 30 s; its console:\n${logs.join('\n') || '(empty)'}`, { cause: e });
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => { server?.closeAllConnections(); server ? server.close(() => resolve()) : resolve(); });
    rmSync(out, { recursive: true, force: true });
  });

  it('shows the fit of the default cut, as the same analysis gives in Node', async () => {
    const want = summary(1);
    const shown = await page.evaluate(() => window.__demo!);
    expect(shown.cut).toBe(1);
    expect(shown.muHat).toBeCloseTo(want.muHat, 10);
    expect(shown.observedLimit).toBeCloseTo(want.observedLimit, 10);
    // the table's μ̂ ± σ, as a user reads it
    const text = await page.textContent('#summary');
    expect(text).toContain(`${want.muHat.toFixed(4)} ± ${want.sigma.toFixed(4)}`);
  });

  it('keeps the events on WebGPU where the browser has it, with the CPU\'s soft-cut CLs to float32 accuracy', async () => {
    const shown = await page.evaluate(() => window.__demo!);
    if (required) expect(shown.device).toBe('webgpu');
    expect(await page.textContent('#device')).toContain(shown.device === 'webgpu' ? 'on WebGPU' : 'the CPU');
    const want = await softCls(simulate('cpu'), 1);
    expect(Math.abs(shown.soft - want) / want).toBeLessThan(1e-4);
  });

  it('follows the cut slider', async () => {
    await page.$eval('#cut', (el) => { (el as HTMLInputElement).value = '1.5'; el.dispatchEvent(new Event('input')); });
    await page.waitForFunction(() => window.__demo?.cut === 1.5, undefined, { timeout: 20_000 });
    expect((await page.evaluate(() => window.__demo!)).muHat).toBeCloseTo(summary(1.5).muHat, 10);
  });

  it('optimises the cut by gradient descent through the soft cut, as in Node', async () => {
    const want = await optimiseCut(1.5, 15, 'cpu');
    await page.click('#optimise');
    await page.waitForFunction(() => window.__demo?.steps === 15, undefined, { timeout: 60_000 });
    const shown = await page.evaluate(() => window.__demo!);
    // The same events and steps; on WebGPU the float32 sums round differently, so to 1e-4.
    expect(Math.abs(shown.cut - want)).toBeLessThan(shown.device === 'cpu' ? 1e-9 : 1e-4);
    // the optimum sits between the signal peak's lower side and the peak (x = 2.2)
    expect(want).toBeGreaterThan(1.5);
    expect(want).toBeLessThan(2.2);
    mkdirSync(join(root, 'tests/output'), { recursive: true });
    await page.screenshot({ path: join(root, 'tests/output/demo.png'), fullPage: true });
  }, 90_000);
});
