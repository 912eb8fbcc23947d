/** The library's error types: each message names the function, the shapes/dtypes and the fix. */
import * as E from 'fp-ts/lib/Either.js';

export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A concrete value was needed from an abstract Tracer (under jit, vmap, or shape-only tracing). */
export class ConcretizationError extends Error {
  override name = 'ConcretizationError';
}

/** A Tracer escaped the trace that created it (stored in a global, returned through a side channel). */
export class UnexpectedTracerError extends Error {
  override name = 'UnexpectedTracerError';
}

/** The one place where `Either` results of shape rules become exceptions at the public edge. */
export function orThrow<A>(e: E.Either<Error, A>): A {
  if (E.isLeft(e)) throw e.left;
  return e.right;
}

export const shapeStr = (shape: readonly number[]): string => `[${shape.join(',')}]`;
