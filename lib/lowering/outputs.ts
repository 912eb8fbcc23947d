/** Run results as device Buffers: the part of an Executable every backend shares. */
import type { Buffer } from '../core/backend.js';
import type { RunResult } from './runner.js';

/**
 * One new reference per output. An output that is one of the inputs (or repeats an earlier
 * output) shares that Buffer and is retained; an owned result is wrapped as it is (its memory is
 * already counted); a constant of the program is copied out by `copy`.
 */
export function outputBuffers<B, W extends Buffer>(
  inputs: readonly W[], data: readonly B[], r: RunResult<B>,
  dev: { wrap(d: B, i: number): W; copy(d: B, i: number): W; retain(w: W): void },
): W[] {
  const made = new Map<B, W>();
  return r.outs.map((d, i) => {
    const j = data.indexOf(d);
    const given = made.get(d) ?? (j >= 0 ? inputs[j] : undefined);
    if (given) { dev.retain(given); return given; }
    const w = r.owned[i] ? dev.wrap(d, i) : dev.copy(d, i);
    made.set(d, w);
    return w;
  });
}
