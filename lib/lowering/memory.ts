/** The memory plan of a Program: when each buffer dies, and which later kernel takes it over. */
import type { Aval } from '../core/ir.js';
import { type Step, stepReads } from './program.js';

/**
 * The memory plan. Liveness: an intermediate slot dies after the last step that reads it. A
 * kernel output takes over the buffer of a dead slot of the same dtype and size when one is
 * waiting (routines and control steps allocate their own); a dead slot nobody takes is freed at
 * once.
 */
export function memoryPlan(steps: readonly Step[], avals: readonly Aval[], keep: readonly number[]): { free: number[][]; reuse: number[][] } {
  const n = avals.length;
  const last = new Int32Array(n).fill(-1);
  const made = new Int32Array(n).fill(-1);
  steps.forEach((st, i) => {
    for (const s of stepReads(st)) last[s] = i;
    for (const s of st.outs) made[s] = i;
  });
  const kept = new Set(keep);
  const dies: number[][] = steps.map(() => []);
  for (let s = 0; s < n; s++) if (!kept.has(s) && made[s] >= 0) dies[Math.max(last[s], made[s])].push(s);
  const key = (s: number) => `${avals[s].dtype}:${avals[s].shape.reduce((p, d) => p * d, 1)}`;
  const waiting = new Map<string, number[]>();
  const taken = new Set<number>();
  const reuse: number[][] = [];
  // A slot becomes available only after the step it dies at.
  steps.forEach((st, i) => {
    reuse[i] = st.outs.map((o) => {
      if (st.kind !== 'kernel') return -1;
      const d = waiting.get(key(o))?.pop();
      if (d === undefined) return -1;
      taken.add(d);
      return d;
    });
    for (const s of dies[i]) {
      const list = waiting.get(key(s));
      if (list) list.push(s); else waiting.set(key(s), [s]);
    }
  });
  return { free: dies.map((list) => list.filter((s) => !taken.has(s))), reuse };
}
