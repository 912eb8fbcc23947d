import { type Options, defineConfig } from 'tsup';

/** `cotangent/<name>` entry points besides `cotangent` itself (lib/entries/<name>.ts). */
const SUBPATHS = ['numpy', 'lax', 'random', 'nn', 'stats', 'relax', 'optimize', 'scipy-special', 'webgpu'];

const shared: Options = {
  sourcemap: true,
  target: 'es2022',
  // Dawn for Node: an optional peer dependency, loaded by init('webgpu') only (never bundled).
  external: ['webgpu'],
  // The package ships the TypeScript sources once, in lib/; the maps point to them rather than
  // embedding a copy each.
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
};

export default defineConfig([
  // ESM: one file per module, as lib/ has them, so a consumer's bundler keeps only the modules a
  // program reaches (package.json's sideEffects names the ones that register something).
  { ...shared, entry: ['lib/**/*.ts'], format: ['esm'], bundle: false, outDir: 'dist' },
  // CommonJS: the entry points bundled, split into shared chunks so every entry sees the same
  // registries and Array class. (scripts/build.mjs cleans dist/ first and writes the declarations.)
  {
    ...shared,
    entry: { index: 'lib/index.ts', ...Object.fromEntries(SUBPATHS.map((n) => [n, `lib/entries/${n}.ts`])) },
    format: ['cjs'],
    splitting: true,
    outDir: 'dist/cjs',
  },
]);
