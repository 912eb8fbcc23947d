import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['lib/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Dawn for Node: an optional dependency, loaded by init('webgpu') only (never bundled).
  external: ['webgpu'],
});
