import { defineConfig } from 'vite';

// The library's Node-only paths (the `webgpu` package, node:* built-ins) sit behind runtime checks
// and dynamic imports: a browser bundle leaves them out.
export default defineConfig({
  root: 'demo',
  build: { outDir: '../dist-demo', emptyOutDir: true, target: 'es2022', rollupOptions: { external: ['webgpu', /^node:/] } },
  server: { host: '127.0.0.1' },
});
