/** Rule signatures shared by primitives and transforms (type-only to avoid import cycles). */
import type { Array } from './array.js';
import type { Aval, Eqn, Params } from './ir.js';

/** A symbolic zero tangent/cotangent: carries only its aval, never materialised. */
export class Zero {
  /** Makes Zero nominal: an Array (which also has an aval) is not a Zero, so `isZero` narrows. */
  private declare readonly zeroBrand: never;
  constructor(
    /** The shape and dtype of the zero it stands for. */
    readonly aval: Aval,
  ) {}
}

/** A tangent or cotangent in a rule: an Array, or a symbolic `Zero` that costs nothing. */
export type Tangent = Array | Zero;

/** primals + tangents -> [primal outs, tangent outs]; written with ordinary ops on Tracers. */
export type JvpRule<P extends Params> = (primals: Array[], tangents: Tangent[], params: P) => [Array[], Tangent[]];

/** Batching: inputs and their batch dims (null = unbatched) -> outputs and their batch dims. */
export type VmapRule<P extends Params> = (
  args: Array[],
  dims: (number | null)[],
  params: P,
  axisSize: number,
) => [Array[], (number | null)[]];

/** A primal input that is linear (unknown) in the transpose: only its aval is known. */
export class LinearIn {
  /** Nominal, like Zero: an Array is not a LinearIn, so `instanceof` narrows both ways. */
  private declare readonly linearBrand: never;
  constructor(
    /** The shape and dtype of the linear input. */
    readonly aval: Aval,
  ) {}
}

/** Output cotangents + inputs (LinearIn for linear ones) -> one cotangent per input (null = zero). */
export type TransposeRule<P extends Params> = (
  cts: Tangent[],
  inputs: (Array | LinearIn)[],
  params: P,
) => (Tangent | null)[];

/**
 * Partial evaluation of one equation whose inputs are partly unknown (higher-order primitives:
 * the default stages the whole equation when any input is unknown). `known` equations compute the
 * known outputs (and any residuals); `staged` ones compute the unknown outputs and may read known
 * variables, which become residuals.
 */
export type PartialEvalRule<P extends Params> = (e: Eqn<P>, unknownIns: readonly boolean[]) => { known: Eqn[]; staged: Eqn[]; outUnknown: boolean[] };
