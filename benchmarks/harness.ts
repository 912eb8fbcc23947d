/**
 * The side-by-side harness: every library's version of a workload is set up, warmed up, then
 * timed in alternation (A B C D A B C D ...), so a slow drift of the machine (thermal, GC, a
 * neighbour) lands on every library alike instead of on whichever ran last. The median of the
 * repetitions is reported: one GC pause or scheduler hiccup moves a mean, not a median.
 */

/** One call of a workload; it must leave its result computed and on the host (read back). */
export type Runner = () => unknown;

export interface Entry {
  /** Column name, e.g. 'cotangent f32', 'jax-js wasm'. */
  lib: string;
  /** Builds inputs and compiled functions; called with the library's backend active. Absent: n/a. */
  make?: () => Runner | Promise<Runner>;
  /** Why the library cannot run this workload (shown instead of a time). */
  na?: string;
}

export interface Workload {
  name: string;
  /** Floating-point operations per call, for GFLOP/s; absent where the count means little. */
  flops?: number;
  /**
   * Each call is a first call (a fresh closure is traced and compiled inside the runner): no
   * warm-up beyond one call, and no inner loop that would turn later calls into cached ones.
   */
  firstCall?: boolean;
  entries: Entry[];
}

export interface Measured {
  lib: string;
  /** Median milliseconds per call; NaN where n/a or failed. */
  ms: number;
  gflops?: number;
  /** The first call after setup: tracing, compiling and running. */
  firstMs?: number;
  /** Calls per timed sample (small workloads are looped so a sample is well above timer jitter). */
  inner?: number;
  samples?: number;
  na?: string;
}

export interface HarnessOptions {
  /** Repetitions per library at most (alternated). */
  reps: number;
  /** Time for the timed repetitions of one workload, all libraries together (at least 3 are run). */
  budgetMs: number;
  /** Warm-up per library after its first call (at least 2 more calls). */
  warmupMs: number;
  /** A sample should last about this long (small calls are looped). */
  sampleMs: number;
  /** Switches the process to a library's backend before it is set up or timed (TF.js: wasm/cpu). */
  activate: (lib: string) => Promise<void>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs `fn` `inner` times and returns milliseconds per call; awaits only results that are promises. */
async function sample(fn: Runner, inner: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  return (performance.now() - t0) / inner;
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 80);

export async function measure(w: Workload, opts: HarnessOptions): Promise<Measured[]> {
  const live: { lib: string; run: Runner; inner: number; per: number; firstMs: number; times: number[] }[] = [];
  const out = new Map<string, Measured>();
  for (const e of w.entries) {
    if (!e.make) { out.set(e.lib, { lib: e.lib, ms: NaN, na: e.na ?? 'n/a' }); continue; }
    try {
      await opts.activate(e.lib);
      const run = await e.make();
      // Warm-up: compile, fill caches and pools; the steady time per call sizes the inner loop
      // and the number of repetitions.
      let inner = 1;
      const firstMs = await sample(run, 1);
      let per = firstMs;
      // A first call over the whole budget (a long compile) is warm-up enough: the median of the
      // minimum 3 repetitions absorbs what a second call would have warmed.
      if (!w.firstCall && firstMs < opts.budgetMs) {
        // Warm up by time, not by a count of calls: small JS kernels reach V8's optimising tier
        // only after many calls, and a short warm-up times the interpreter instead.
        let n = 0;
        const t0 = performance.now();
        do { await sample(run, 1); n++; } while (performance.now() - t0 < opts.warmupMs || n < 2);
        per = (performance.now() - t0) / n;
        inner = Math.max(1, Math.round(opts.sampleMs / Math.max(per, 1e-4)));
      }
      live.push({ lib: e.lib, run, inner, per, firstMs, times: [] });
    } catch (err) {
      out.set(e.lib, { lib: e.lib, ms: NaN, na: `failed: ${reason(err)}` });
    }
  }
  // Slow workloads get fewer repetitions (at least 3), so the whole run keeps to its budget.
  const round = live.reduce((t, l) => t + l.per * l.inner, 0);
  const reps = Math.max(3, Math.min(opts.reps, Math.floor(opts.budgetMs / Math.max(round, 1e-3))));
  for (let r = 0; r < reps; r++) {
    for (const l of live) {
      if (out.has(l.lib)) continue; // failed in an earlier repetition
      try {
        await opts.activate(l.lib);
        l.times.push(await sample(l.run, l.inner));
      } catch (err) {
        out.set(l.lib, { lib: l.lib, ms: NaN, na: `failed: ${reason(err)}` });
      }
    }
  }
  for (const l of live) {
    if (out.has(l.lib)) continue;
    const ms = median(l.times);
    out.set(l.lib, { lib: l.lib, ms, firstMs: l.firstMs, inner: l.inner, samples: l.times.length, ...(w.flops ? { gflops: w.flops / ms / 1e6 } : {}) });
  }
  return w.entries.map((e) => out.get(e.lib)!);
}
