/**
 * Named vmap axes in scope (JAX's axis environment): `vmap(f, inAxes, outAxes, { axisName })`
 * pushes a frame while it traces `f` (so `lax.psum(x, 'i')` can check the name and `axisSize`
 * read the size) and while it batches the traced program (so the collectives' batching rules know
 * which axis they are being batched over). Batching of control-flow bodies inherits the frame.
 */

export interface AxisFrame {
  /** The vmap's axis name, or null for an unnamed vmap. */
  readonly name: string | null;
  readonly size: number;
}

const frames: AxisFrame[] = [];

/** Runs `fn` with `frame` innermost. */
export function withAxis<R>(frame: AxisFrame, fn: () => R): R {
  frames.push(frame);
  try {
    return fn();
  } finally {
    frames.pop();
  }
}

/** The innermost frame: the vmap whose batching is running (or whose function is being traced). */
export const currentAxis = (): AxisFrame | undefined => frames[frames.length - 1];

/** The size of the innermost axis called `name`, or undefined when no enclosing vmap binds it. */
export function boundAxisSize(name: string): number | undefined {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i].name === name) return frames[i].size;
  return undefined;
}

/** The names in scope, innermost last (for error messages). */
export const boundAxisNames = (): string[] => frames.flatMap((f) => (f.name === null ? [] : [f.name]));
