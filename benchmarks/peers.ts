/**
 * cotangent side by side with the libraries a user would pick instead, on the CPU, in one run:
 * jax-js (wasm backend), TensorFlow.js (wasm backend and cpu backend). Every row of issue 11's
 * table, plus the physics rows (cotangent only). Libraries alternate per repetition; each time
 * is the median after a warm-up. Ratios are cotangent / peer in time: below 1, cotangent is
 * faster. Writes benchmarks/results.json.   Run: npx tsx benchmarks/peers.ts
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, type } from 'node:os';
import { measure, type Measured, type Workload } from './harness.js';
import { activate, peerInfo, startPeers } from './libs.js';
import { mlpStep, mlpFirstCall, mlpPerExample, mlpAgreement } from './workloads/mlp.js';
import { matmulRows, chainRows, tanh4Row } from './workloads/kernels.js';
import { physicsRows } from './workloads/physics.js';
import { CT32, CT64, JAX, TFW, TFC } from './workloads/common.js';

export interface PeerRow { workload: string; flops?: number; results: Measured[] }
export interface PeerTable {
  /** load: the 1-minute load average when the run began (other processes share the cores). */
  machine: { os: string; cpu: string; cores: number; node: string; date: string; load: number };
  libraries: Record<string, string>;
  method: string;
  rows: PeerRow[];
  /** The MLP's loss and the sum of its w1 gradient per library: the same computation everywhere. */
  agreement: Record<string, [number, number]>;
  /** grad / forward time of the elementwise chain, per library (reverse mode's overhead). */
  gradOverForward: Record<string, number>;
}

const PEERS = [JAX, TFW, TFC];

export async function peerTable(opts = { reps: 15, sampleMs: 20, budgetMs: 3000, warmupMs: 300 }, onProgress?: (done: number, total: number) => void): Promise<PeerTable> {
  const load = +loadavg()[0].toFixed(2);
  await startPeers();
  const [fwd, bwd] = chainRows();
  const workloads: Workload[] = [mlpStep(), ...matmulRows(), fwd, bwd, ...mlpPerExample(), mlpFirstCall(), tanh4Row(), ...physicsRows()];
  const agreement = await mlpAgreement(activate);
  const rows: PeerRow[] = [];
  for (const w of workloads) {
    rows.push({ workload: w.name, ...(w.flops ? { flops: w.flops } : {}), results: await measure(w, { ...opts, activate }) });
    onProgress?.(rows.length, workloads.length);
  }
  const ms = (name: string, lib: string) => rows.find((r) => r.workload === name)!.results.find((m) => m.lib === lib)?.ms ?? NaN;
  const gradOverForward = Object.fromEntries([CT32, ...PEERS].map((lib) => [lib, ms(bwd.name, lib) / ms(fwd.name, lib)]));
  return {
    machine: {
      os: `${type()} ${release()}`, cpu: cpus()[0]?.model ?? '?', cores: availableParallelism(),
      node: process.version, date: new Date().toISOString(), load,
    },
    libraries: { cotangent: 'this checkout, CPU backend (float32 unless the row says f64)', ...(await peerInfo()) },
    method: `libraries alternate per repetition (A B C D ...); a warm-up of ${opts.warmupMs} ms or more, then the median of up to ${opts.reps} samples; ` +
      `calls under ${opts.sampleMs} ms are looped within a sample; results made ready (block_until_ready), not read back`,
    agreement,
    rows,
    gradOverForward,
  };
}

const fmtMs = (v: number): string => (Number.isNaN(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

export function printPeerTable(t: PeerTable): void {
  const w = [40, 10, 10, 10, 10];
  console.log(`${t.machine.cpu}, ${t.machine.cores} cores, ${t.machine.os}, node ${t.machine.node}, load ${t.machine.load} at start`);
  console.log('ms per call (median); ratio = cotangent / peer in time, < 1: cotangent faster; ct 1st call: trace + compile + run');
  console.log(['workload', 'cotangent', 'jax-js', 'tfjs-wasm', 'tfjs-cpu'].map((s, i) => (i ? s.padStart(w[i]) : s.padEnd(w[0]))).join(''),
    '  ct/jax  ct/tfw  ct/tfc  ct 1st call');
  const notes = new Map<string, string[]>(); // reason -> libraries
  for (const r of t.rows) {
    const ours = r.results.find((m) => m.lib === CT32 || m.lib === CT64)!;
    const cells = [ours, ...PEERS.map((p) => r.results.find((m) => m.lib === p))].map((m) => fmtMs(m?.ms ?? NaN));
    const ratios = PEERS.map((p) => {
      const v = ours.ms / (r.results.find((m) => m.lib === p)?.ms ?? NaN);
      return (Number.isNaN(v) ? 'n/a' : v.toFixed(2)).padStart(8);
    });
    console.log(r.workload.padEnd(w[0]) + cells.map((c, i) => c.padStart(w[i + 1])).join(''), ratios.join(''), fmtMs(ours.firstMs ?? NaN).padStart(11));
    if (r.flops) {
      const gf = r.results.map((m) => `${m.lib} ${m.gflops === undefined ? 'n/a' : m.gflops.toFixed(m.gflops < 1 ? 3 : 1)}`);
      console.log(`${''.padEnd(w[0])}GFLOP/s: ${gf.join(', ')}`);
    }
    for (const m of r.results) {
      if (!m.na) continue;
      const libs = notes.get(m.na) ?? [];
      if (!libs.includes(m.lib)) libs.push(m.lib);
      notes.set(m.na, libs);
    }
  }
  const gf = Object.entries(t.gradOverForward).map(([lib, v]) => `${lib} ${Number.isNaN(v) ? 'n/a' : v.toFixed(2)}`).join(', ');
  console.log(`grad/forward of the chain (time ratio, lower is better): ${gf}`);
  const spread = (k: 0 | 1) => {
    const v = Object.values(t.agreement).map((a) => a[k]);
    return (Math.max(...v) - Math.min(...v)) / Math.abs(v[0]);
  };
  console.log(`same computation: MLP loss and sum of its gradient agree across libraries to ${spread(0).toExponential(1)} and ${spread(1).toExponential(1)} (relative)`);
  console.log('TF.js has no jit: its "first call" row is an eager valueAndGrads call, and its compiled rows run eagerly.');
  for (const [why, libs] of notes) console.log(`n/a (${libs.join(', ')}): ${why}`);
}

export function writeResults(t: PeerTable, path = new URL('./results.json', import.meta.url)): void {
  const rows = t.rows.map((r) => ({
    workload: r.workload,
    ...(r.flops ? { flops: r.flops } : {}),
    results: Object.fromEntries(r.results.map((m) => [m.lib, m.na ? { na: m.na } : {
      medianMs: +m.ms.toPrecision(4), firstCallMs: +(m.firstMs ?? NaN).toPrecision(4), ...(m.gflops !== undefined ? { gflops: +m.gflops.toPrecision(4) } : {}), callsPerSample: m.inner, samples: m.samples,
    }])),
  }));
  const gradOverForward = Object.fromEntries(Object.entries(t.gradOverForward).map(([k, v]) => [k, Number.isNaN(v) ? null : +v.toFixed(3)]));
  writeFileSync(path, `${JSON.stringify({ ...t, rows, gradOverForward }, null, 2)}\n`);
}

if (process.argv[1]?.endsWith('peers.ts')) {
  const t = await peerTable();
  printPeerTable(t);
  writeResults(t);
}
