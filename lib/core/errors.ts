/** The library's error types: each message names the function, the shapes/dtypes and the fix. */
export class ShapeError extends Error {
  /** Always `'ShapeError'`. */
  override name = 'ShapeError';
}

/** A concrete value was needed from an abstract Tracer (under jit, vmap, or shape-only tracing). */
export class ConcretizationError extends Error {
  /** Always `'ConcretizationError'`. */
  override name = 'ConcretizationError';
}

/** A Tracer escaped the trace that created it (stored in a global, returned through a side channel). */
export class UnexpectedTracerError extends Error {
  /** Always `'UnexpectedTracerError'`. */
  override name = 'UnexpectedTracerError';
}

/** The one place where the errors shape rules return become exceptions at the public edge. */
export function orThrow<A>(r: A | ShapeError): A {
  if (r instanceof ShapeError) throw r;
  return r;
}

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(',')}]`;
