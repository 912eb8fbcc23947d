/**
 * `np.iinfo` and `np.finfo`: the limits of the integer and float dtypes, as numpy reports them
 * (what a user reaches for to pick a sentinel, a clip bound or a tolerance for a dtype).
 */
import { type DType, intRange, isDType, isFloat, isInt, unknownDtype } from '../core/dtype.js';
import type { Array } from '../core/array.js';

/** The limits of an integer dtype (`np.iinfo`). */
export interface IInfo {
  /** The dtype described. */
  readonly dtype: DType;
  /** Bits per element. */
  readonly bits: number;
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
}

/** The limits of a float dtype (`np.finfo`), as numpy names them. */
export interface FInfo {
  /** The dtype described. */
  readonly dtype: DType;
  /** Bits per element. */
  readonly bits: number;
  /** The gap between 1 and the next float: 2^-(mantissa bits). */
  readonly eps: number;
  /** The largest finite value. */
  readonly max: number;
  /** The most negative finite value (−max). */
  readonly min: number;
  /** The smallest positive normal value (numpy's `tiny`, `smallest_normal`). */
  readonly tiny: number;
  /** The smallest positive subnormal value. */
  readonly smallestSubnormal: number;
  /** Mantissa bits (without the implicit one). */
  readonly nmant: number;
  /** Decimal digits of precision (numpy's `precision`). */
  readonly precision: number;
  /** 10^-precision (numpy's `resolution`). */
  readonly resolution: number;
}

const FLOAT_FORMAT: Partial<Record<DType, { bits: number; nmant: number; minExp: number; max: number; precision: number }>> = {
  float16: { bits: 16, nmant: 10, minExp: -14, max: 65504, precision: 3 },
  float32: { bits: 32, nmant: 23, minExp: -126, max: 3.4028234663852886e38, precision: 6 },
  float64: { bits: 64, nmant: 52, minExp: -1022, max: Number.MAX_VALUE, precision: 15 },
};

const dtypeOf = (who: string, d: DType | Array): DType => {
  const t = typeof d === 'string' ? d : (d as { dtype?: unknown } | undefined)?.dtype;
  if (!isDType(t)) throw unknownDtype(who, t);
  return t;
};

/** The limits of an integer dtype (or of an Array's): `np.iinfo('uint8')` is { min: 0, max: 255, bits: 8 }. */
export function iinfo(dtype: DType | Array): IInfo {
  const d = dtypeOf('np.iinfo', dtype);
  if (!isInt(d)) throw new TypeError(`np.iinfo: ${d} is not an integer dtype; use np.finfo for floats`);
  const [min, max] = intRange(d);
  return { dtype: d, bits: d === 'int8' || d === 'uint8' ? 8 : 32, min, max };
}

/** The limits of a float dtype (or of an Array's): `np.finfo('float32').eps` is 2^-23. */
export function finfo(dtype: DType | Array): FInfo {
  const d = dtypeOf('np.finfo', dtype);
  const f = FLOAT_FORMAT[d];
  if (!isFloat(d) || !f) throw new TypeError(`np.finfo: ${d} is not a float dtype; use np.iinfo for integers`);
  return {
    dtype: d, bits: f.bits, eps: 2 ** -f.nmant, max: f.max, min: -f.max, tiny: 2 ** f.minExp,
    smallestSubnormal: 2 ** (f.minExp - f.nmant), nmant: f.nmant, precision: f.precision, resolution: 10 ** -f.precision,
  };
}
