import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['lib/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // The maps carry the TypeScript sources (esbuild's sourcesContent, on by default), so the
  // package ships dist/ without lib/ and a debugger still shows the sources.
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Dawn for Node: an optional peer dependency, loaded by init('webgpu') only (never bundled).
  external: ['webgpu'],
  // package.json's sideEffects lists lib/ folders as well as dist/ because esbuild reads it here,
  // while bundling lib/: a module outside the list that is imported only for its registrations
  // (import './reduce.js') would be dropped from the build.
});
