/**
 * Bundle the page from lib/ sources, serve it on 127.0.0.1, and open it in headless Chromium with
 * WebGPU on. Bundling lib/ directly (not dist/) means the test needs no prior build.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * `--enable-unsafe-webgpu` is the one flag needed: without it Debian's Chromium (150) gives a null
 * adapter in headless mode; with it, SwiftShader's Vulkan ICD (shipped in /usr/lib/chromium) backs
 * a fallback adapter on a machine with no GPU. Playwright already adds `--no-sandbox` (needed as
 * root) and `--headless`; `--enable-features=Vulkan`, `--use-vulkan=swiftshader`,
 * `--use-webgpu-adapter=swiftshader` and `--disable-vulkan-surface` change nothing here.
 */
export const CHROMIUM_ARGS: readonly string[] = ['--enable-unsafe-webgpu'];

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/**
 * The page's script as one ES module. `node:*` and the `webgpu` package are only imported on the
 * Node path of lib/backends/webgpu (behind a `navigator.gpu` check), so they stay out of the bundle.
 */
export async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [here('./page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['node:*', 'webgpu'],
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** http://127.0.0.1 is a secure context, so WebGPU is exposed there (file:// gets no navigator.gpu). */
export async function servePage(script: string): Promise<Served> {
  const html = await readFile(here('./index.html'), 'utf8');
  const routes: Record<string, [string, string]> = {
    '/': ['text/html', html],
    '/page.js': ['text/javascript', script],
  };
  const server: Server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    res.writeHead(route ? 200 : 404, { 'content-type': route ? route[0] : 'text/plain' });
    res.end(route ? route[1] : 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}
