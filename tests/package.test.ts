/**
 * The package as a user gets it: `npm pack` of a fresh clone (no dist/ yet, so prepack must build
 * it), installed from the tarball into a new ESM project and a new CommonJS project, each running
 * a gradient, and a typed consumer program checked by `tsc --strict` against the published
 * declarations. The consumers install fp-ts and immer from the npm cache or registry, and not
 * the optional `webgpu` peer, so they also show that the library works without it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const esbuild = join(root, 'node_modules/esbuild/bin/esbuild');
const SUBPATHS = ['numpy', 'lax', 'random', 'nn', 'stats', 'relax', 'optimize', 'scipy-special', 'webgpu'];

/**
 * npm exports its configuration to the scripts it runs (`npm test`): a nested npm would read the
 * outer project's local prefix and log level from them. The user's cache, registry and
 * certificates stay.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|userconfig|globalconfig|registry|cafile|ca|proxy|https_proxy|noproxy|strict_ssl|offline|prefer_offline)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!(/^npm_/i.test(k) && !keep.test(k)) && k !== 'INIT_CWD') env[k] = v;
  return env;
}

/** Runs a command to completion; its stdout and stderr, or an error that shows them. */
function run(cmd: string, args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`.slice(-8000));
  return { stdout: r.stdout, stderr: r.stderr };
}

/** What a clone holds: tracked and untracked-but-not-ignored files (the working tree's versions). */
function cloneInto(dir: string): void {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).stdout.split('\0')
    // a worktree's node_modules may be a symlink, which the directory pattern in .gitignore misses
    .filter((f) => f && !f.startsWith('node_modules') && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  // The build tools (tsup, typescript), as `npm ci` would install them.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** A fresh project in `dir` with the tarball installed. */
function consumer(dir: string, type: 'module' | 'commonjs', tarball: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, version: '1.0.0', private: true, type }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball], dir);
}

/**
 * A typed program under `tsc --init`'s strict options, with skipLibCheck off so the declarations
 * are checked too. Its `esnext` lib has the disposable types that Array's `[Symbol.dispose]` needs
 * (below esnext they come from @types/node). verbatimModuleSyntax is ESM-only: a CommonJS file
 * would have to write `import x = require(...)`.
 */
function typedConsumer(dir: string, type: 'module' | 'commonjs'): void {
  const compilerOptions = {
    strict: true, noEmit: true, skipLibCheck: false, module: 'nodenext', target: 'esnext', types: [],
    noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, isolatedModules: true, moduleDetection: 'force',
    ...(type === 'module' ? { verbatimModuleSyntax: true } : {}),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
  writeFileSync(join(dir, 'consumer.ts'), `
import { grad, jit, np, vmap, type DType } from 'cotangent';

const f = (x: np.Array): np.Array => x.mul(x).sum();
const g: np.Array = grad(f)(np.array([1, 2]));
const y: number = jit(f)(np.array([1, 2, 3])).item();
const rows: np.Array = vmap(grad(f))(np.ones([4, 2]));
const dtype: DType = g.dtype;
const shape: readonly number[] = rows.shape;
// @ts-expect-error grad's result is an Array, not a number
const wrong: number = grad(f)(np.array([1, 2]));
export { g, y, rows, dtype, shape, wrong };
`);
}

describe('the packed tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'cotangent-package-'));
  let packed: Packed;
  let tarball: string;

  beforeAll(() => {
    const clone = join(work, 'clone');
    mkdirSync(clone);
    cloneInto(clone);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    // prepack builds dist/; its build log goes to stdout before npm's JSON, which starts a line
    const { stdout, stderr } = run('npm', ['pack', '--json', '--pack-destination', work], clone);
    // esbuild drops a module imported only for its effects (import './reduce.js') when package.json's
    // sideEffects does not list it: the library would lose registrations, so it fails here
    expect(`${stdout}\n${stderr}`.split('\n').filter((l) => /ignored-bare-import/.test(l))).toEqual([]);
    const json = stdout.slice(stdout.search(/^\[/m));
    [packed] = JSON.parse(json) as Packed[];
    tarball = join(work, packed.filename);
    const kB = (n: number) => `${(n / 1024).toFixed(0)} kB`;
    console.log(`npm pack: ${packed.filename}, ${kB(packed.size)} packed, ${kB(packed.unpackedSize)} unpacked, ${packed.files.length} files`);
    // 25 s alone; 120 s beside the rest of the suite on a loaded two-core machine
  }, 600_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds both builds, every entry point, declarations, licence and readme, and the sources once', () => {
    const paths = packed.files.map((f) => f.path);
    const entries = ['index', ...SUBPATHS.map((n) => `entries/${n}`)];
    const want = ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'lib/index.ts',
      ...entries.flatMap((e) => [`dist/${e}.js`, `dist/${e}.d.ts`]),
      ...['index', ...SUBPATHS].map((n) => `dist/cjs/${n}.cjs`), ...entries.map((e) => `dist/cjs/${e}.d.ts`), 'dist/cjs/package.json'];
    for (const p of want) expect(paths).toContain(p);
    expect(paths.filter((p) => !/^(dist|lib)\//.test(p) && !['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md'].includes(p))).toEqual([]);
  });

  it('has source maps that point to the shipped sources instead of embedding copies', () => {
    const files = new Set(packed.files.map((f) => f.path));
    const maps = packed.files.map((f) => f.path).filter((p) => p.endsWith('.js.map') || p.endsWith('.cjs.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(work, 'clone', m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent ?? [], m).toEqual([]);
      for (const src of map.sources) expect(files.has(join(dirname(m), src)), `${m} -> ${src}`).toBe(true);
    }
  });

  it('tree-shakes: a bundle of np.add and grad is a fraction of the whole library', () => {
    const dir = join(work, 'bundle');
    mkdirSync(dir);
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(work, 'clone'), join(dir, 'node_modules', 'cotangent'), 'dir');
    writeFileSync(join(dir, 'small.js'), "import { grad, np } from 'cotangent';\nconsole.log(grad((x) => np.add(x, x).sum())(np.array([1, 2])).js());\n");
    writeFileSync(join(dir, 'whole.js'), "import * as all from 'cotangent';\nconsole.log(all);\n");
    const size = (entry: string): number => {
      const out = join(dir, `out-${entry}`);
      run(esbuild, [`${entry}.js`, '--bundle', '--minify', '--splitting', '--format=esm', '--platform=browser',
        '--external:webgpu', '--external:fs', '--external:os', '--external:worker_threads', '--external:node:*', `--outdir=${out}`, `--metafile=${out}.json`], dir);
      // what a page loads before it runs: the entry chunk and the chunks it imports statically
      const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { outputs: Record<string, { bytes: number; entryPoint?: string; imports: { path: string; kind: string }[] }> };
      const seen = new Set<string>();
      const walk = (k: string): number => {
        if (seen.has(k)) return 0;
        seen.add(k);
        const o = meta.outputs[k];
        return o.bytes + o.imports.filter((i) => i.kind === 'import-statement').reduce((a, i) => a + walk(i.path), 0);
      };
      return walk(Object.keys(meta.outputs).find((k) => meta.outputs[k].entryPoint)!);
    };
    const [small, whole] = [size('small'), size('whole')];
    console.log(`bundle (minified): np.add + grad ${(small / 1024).toFixed(0)} kB, the whole library ${(whole / 1024).toFixed(0)} kB (${(100 * small / whole).toFixed(0)}%)`);
    // Array's methods (x.add, x.sum, …) and the CPU backend's kernels and routines come with any
    // program; the rest of numpy, lax, stats, random and the WebGPU backend does not
    expect(small / whole).toBeLessThan(0.6);
  }, 120_000);

  it('runs in a fresh ESM project without the optional webgpu package', () => {
    const dir = join(work, 'esm');
    consumer(dir, 'module', tarball);
    expect(existsSync(join(dir, 'node_modules/webgpu'))).toBe(false);
    writeFileSync(join(dir, 'main.js'), `
import { grad, init, jit, np } from 'cotangent';
const f = (x) => x.mul(x).sum();
const g = [...grad(f)(np.array([1, 2])).dataSync()];
const y = jit(f)(np.array([1, 2, 3])).item();
const webgpu = await init('webgpu').then(() => 'started', (e) => e.message);
// every subpath is the same module graph as the root: one registry, one Array class
const sub = await import('cotangent/numpy');
const same = sub.add === np.add && sub.ones([1]) instanceof (await import('cotangent')).Array
  && (await import('cotangent/stats')).fit !== undefined && (await import('cotangent/lax')).scan !== undefined
  && typeof (await import('cotangent/webgpu')).provideVulkan === 'function';
console.log(JSON.stringify({ g, y, webgpu, same }));
`);
    const out = JSON.parse(run(process.execPath, ['main.js'], dir).stdout) as { g: number[]; y: number; webgpu: string; same: boolean };
    expect(out.g).toEqual([2, 4]);
    expect(out.y).toBe(14);
    expect(out.same).toBe(true);
    // without the peer, init('webgpu') rejects and says what to install
    expect(out.webgpu).toMatch(/optional 'webgpu' package/);

    typedConsumer(dir, 'module');
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
  }, 300_000);

  it('runs in a fresh CommonJS project', () => {
    const dir = join(work, 'cjs');
    consumer(dir, 'commonjs', tarball);
    writeFileSync(join(dir, 'main.js'), `
const { grad, init, np, Array: A } = require('cotangent');
const sub = require('cotangent/numpy');
const g = [...grad((x) => x.mul(x).sum())(np.array([1, 2])).dataSync()];
const same = sub.add === np.add && sub.ones([1]) instanceof A && typeof require('cotangent/random').normal === 'function';
init('webgpu').then(() => 'started', (e) => e.message).then((webgpu) => console.log(JSON.stringify({ g, webgpu, same })));
`);
    const out = JSON.parse(run(process.execPath, ['main.js'], dir).stdout) as { g: number[]; webgpu: string; same: boolean };
    expect(out.g).toEqual([2, 4]);
    expect(out.same).toBe(true);
    expect(out.webgpu).toMatch(/optional 'webgpu' package/);

    // under "type": "commonjs" the same import resolves to the require condition: dist/cjs's declarations
    typedConsumer(dir, 'commonjs');
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
  }, 300_000);
});
