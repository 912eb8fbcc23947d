/**
 * `nn.initializers`: jax.nn.initializers in camelCase. Each factory returns an initializer
 * `(key, shape, dtype?) => Array` that draws from the same random stream as JAX's (it calls the
 * same `random` sampler with the same arguments: uniform, normal, truncatedNormal, orthogonal).
 */
import { Array as ArrayClass, type Array } from '../core/array.js';
import { type DType, getDefaultFloat, isFloat } from '../core/dtype.js';
import * as np from '../numpy/index.js';
import { describeValue } from '../numpy/validate.js';
import { normal as randomNormal, truncatedNormal as randomTruncatedNormal, uniform as randomUniform } from '../random/index.js';
import { orthogonal as randomOrthogonal } from '../random/continuous.js';

/** An initializer: `(key, shape, dtype?) => Array` of that shape and dtype (default: the default float). */
export type Initializer = (key: Array, shape: number | readonly number[], dtype?: DType) => Array;

/** Axis arguments of the fan computation: one axis or several. */
export type Axes = number | readonly number[];

function shapeOf(who: string, shape: number | readonly number[]): number[] {
  const s = typeof shape === 'number' ? [shape] : globalThis.Array.isArray(shape) ? [...shape] : null;
  if (s === null || !s.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`nn.initializers.${who}: shape must be a non-negative integer or a list of them, got ${describeValue(shape)}; e.g. [784, 128]`);
  }
  return s;
}

function floatOf(who: string, dtype: DType | undefined): DType {
  const d = dtype ?? getDefaultFloat();
  if (!isFloat(d)) throw new TypeError(`nn.initializers.${who}: dtype must be 'float32' or 'float64', got ${JSON.stringify(d)}`);
  return d;
}

function keyOf(who: string, key: unknown): Array {
  if (!(key instanceof ArrayClass) || (key.dtype !== 'uint32' && key.dtype !== 'int32') || key.ndim !== 1 || key.shape[0] !== 2) {
    throw new TypeError(`nn.initializers.${who}: the first argument must be a key (uint32 array of shape [2]), got ${describeValue(key)}; make one with random.key(seed)`);
  }
  return key;
}

/** Zeros of the shape (the key is unused). */
export const zeros: Initializer = (key, shape, dtype) => np.zeros(shapeOf('zeros', shape), { dtype: floatOf('zeros', dtype) });

/** Ones of the shape (the key is unused). */
export const ones: Initializer = (key, shape, dtype) => np.ones(shapeOf('ones', shape), { dtype: floatOf('ones', dtype) });

/** An initializer filling the shape with `value`. */
export function constant(value: number, dtype?: DType): Initializer {
  return (key, shape, dt = dtype) => np.full(shapeOf('constant', shape), value, { dtype: floatOf('constant', dt) });
}

/** uniform(key, shape) · scale: values in [0, scale) (JAX's default scale 1e-2). */
export function uniform(scale = 1e-2, dtype?: DType): Initializer {
  return (key, shape, dt = dtype) => {
    const d = floatOf('uniform', dt);
    return np.multiply(randomUniform(keyOf('uniform', key), shapeOf('uniform', shape), { dtype: d }), np.array(scale, { dtype: d }));
  };
}

/** normal(key, shape) · stddev (JAX's default stddev 1e-2). */
export function normal(stddev = 1e-2, dtype?: DType): Initializer {
  return (key, shape, dt = dtype) => {
    const d = floatOf('normal', dt);
    return np.multiply(randomNormal(keyOf('normal', key), shapeOf('normal', shape), { dtype: d }), np.array(stddev, { dtype: d }));
  };
}

/**
 * truncatedNormal(key, lower, upper, shape) · stddev: a standard normal truncated to
 * [lower, upper] (default [-2, 2]), then scaled, so the values lie in [stddev·lower, stddev·upper].
 */
export function truncatedNormal(stddev = 1e-2, dtype?: DType, lower = -2, upper = 2): Initializer {
  return (key, shape, dt = dtype) => {
    const d = floatOf('truncatedNormal', dt);
    return np.multiply(randomTruncatedNormal(keyOf('truncatedNormal', key), lower, upper, shapeOf('truncatedNormal', shape), { dtype: d }), np.array(stddev, { dtype: d }));
  };
}

const axisList = (a: Axes): number[] => (typeof a === 'number' ? [a] : [...a]);

/**
 * Effective input and output sizes of a kernel (JAX's `_compute_fans`): axes not named in
 * `inAxis`, `outAxis` or `batchAxis` form the receptive field, whose size multiplies both fans
 * (a conv kernel [3, 3, 16, 32] has fanIn 3·3·16 and fanOut 3·3·32).
 */
export function computeFans(shape: readonly number[], inAxis: Axes = -2, outAxis: Axes = -1, batchAxis: Axes = []): [number, number] {
  if (inAxis === -2 && shape.length <= 1) {
    throw new TypeError(`nn.initializers: can't compute input and output sizes of a ${shape.length}-dimensional kernel [${shape}] with the default inAxis; use a shape of rank >= 2 or pass inAxis explicitly`);
  }
  const size = (axes: Axes, what: string): number => axisList(axes).reduce((p, ax) => {
    if (!Number.isInteger(ax) || ax < -shape.length || ax >= shape.length) {
      throw new RangeError(`nn.initializers: ${what} ${ax} is out of range for a kernel of shape [${shape}]; pass axes in [-${shape.length}, ${shape.length})`);
    }
    return p * shape[ax < 0 ? ax + shape.length : ax];
  }, 1);
  const inSize = size(inAxis, 'inAxis');
  const outSize = size(outAxis, 'outAxis');
  const batchSize = size(batchAxis, 'batchAxis');
  const receptive = shape.reduce((p, d) => p * d, 1) / inSize / outSize / batchSize;
  return [inSize * receptive, outSize * receptive];
}

/** Options of varianceScaling and the named initializers built on it. */
export interface VarianceScalingOpts {
  /** The kernel axes whose sizes multiply into the fan-in (default -2). */
  inAxis?: Axes;
  /** The kernel axes whose sizes multiply into the fan-out (default -1). */
  outAxis?: Axes;
  /** Axes that count in neither fan nor the receptive field (default none). */
  batchAxis?: Axes;
  /** The float dtype of the samples when the initializer is called without one. */
  dtype?: DType;
}
/** The `n` the variance is divided by: the fan-in, the fan-out, their mean, or their geometric mean. */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg' | 'fan_geo_avg';
/** What `varianceScaling` samples from: a [-2, 2]-truncated normal, a normal, or a uniform, each of the target variance. */
export type ScalingDistribution = 'truncated_normal' | 'normal' | 'uniform';

/**
 * Samples with variance scale / n, n = fanIn, fanOut, their mean or geometric mean (`mode`), from
 * a normal, a [-2, 2]-truncated normal (stddev divided by .87962566103423978 so the variance is
 * exact) or a uniform on [-√(3·variance), √(3·variance)) (`distribution`), as JAX's
 * `variance_scaling`.
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: ScalingDistribution, opts: VarianceScalingOpts = {}): Initializer {
  const modes: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg'];
  const dists: readonly ScalingDistribution[] = ['truncated_normal', 'normal', 'uniform'];
  if (!modes.includes(mode)) throw new TypeError(`nn.initializers.varianceScaling: mode must be one of ${modes.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  if (!dists.includes(distribution)) throw new TypeError(`nn.initializers.varianceScaling: distribution must be one of ${dists.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(distribution)}`);
  return (key, shape, dt = opts.dtype) => {
    const s = shapeOf('varianceScaling', shape);
    const d = floatOf('varianceScaling', dt);
    const k = keyOf('varianceScaling', key);
    const [fanIn, fanOut] = computeFans(s, opts.inAxis ?? -2, opts.outAxis ?? -1, opts.batchAxis ?? []);
    const denom = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : mode === 'fan_avg' ? (fanIn + fanOut) / 2 : Math.sqrt(fanIn * fanOut);
    const variance = np.array(scale / denom, { dtype: d });
    if (distribution === 'truncated_normal') {
      const stddev = np.divide(np.sqrt(variance), np.array(0.87962566103423978, { dtype: d }));
      return np.multiply(randomTruncatedNormal(k, -2, 2, s, { dtype: d }), stddev);
    }
    if (distribution === 'normal') return np.multiply(randomNormal(k, s, { dtype: d }), np.sqrt(variance));
    return np.multiply(randomUniform(k, s, { dtype: d, minval: -1 }), np.sqrt(np.multiply(variance, 3)));
  };
}

/** An initializer family of JAX's: its options in, an initializer out. */
export type Named = (opts?: VarianceScalingOpts) => Initializer;
/** Glorot (Xavier) uniform: varianceScaling(1, 'fan_avg', 'uniform'). */
export const glorotUniform: Named = (opts = {}) => varianceScaling(1, 'fan_avg', 'uniform', opts);
/** Glorot (Xavier) normal: varianceScaling(1, 'fan_avg', 'truncated_normal'). */
export const glorotNormal: Named = (opts = {}) => varianceScaling(1, 'fan_avg', 'truncated_normal', opts);
/** LeCun uniform: varianceScaling(1, 'fan_in', 'uniform'). */
export const lecunUniform: Named = (opts = {}) => varianceScaling(1, 'fan_in', 'uniform', opts);
/** LeCun normal: varianceScaling(1, 'fan_in', 'truncated_normal'). */
export const lecunNormal: Named = (opts = {}) => varianceScaling(1, 'fan_in', 'truncated_normal', opts);
/** He (Kaiming) uniform: varianceScaling(2, 'fan_in', 'uniform'). */
export const heUniform: Named = (opts = {}) => varianceScaling(2, 'fan_in', 'uniform', opts);
/** He (Kaiming) normal: varianceScaling(2, 'fan_in', 'truncated_normal'). */
export const heNormal: Named = (opts = {}) => varianceScaling(2, 'fan_in', 'truncated_normal', opts);
/** Alias of glorotUniform. */
export const xavierUniform = glorotUniform;
/** Alias of glorotNormal. */
export const xavierNormal = glorotNormal;
/** Alias of heUniform. */
export const kaimingUniform = heUniform;
/** Alias of heNormal. */
export const kaimingNormal = heNormal;

/**
 * A (semi-)orthogonal initializer: the kernel, flattened to a [size / shape[columnAxis],
 * shape[columnAxis]] matrix, has orthonormal rows or columns, times `scale` (JAX's `orthogonal`).
 */
export function orthogonal(scale = 1, columnAxis = -1, dtype?: DType): Initializer {
  return (key, shape, dt = dtype) => {
    const s = shapeOf('orthogonal', shape);
    const d = floatOf('orthogonal', dt);
    if (s.length < 2) throw new TypeError(`nn.initializers.orthogonal: needs a shape of rank >= 2, got [${s}]`);
    if (!Number.isInteger(columnAxis) || columnAxis < -s.length || columnAxis >= s.length) throw new RangeError(`nn.initializers.orthogonal: columnAxis ${columnAxis} is out of range for shape [${s}]`);
    if (s.some((x) => x === 0)) return np.zeros(s, { dtype: d });
    const ca = columnAxis < 0 ? columnAxis + s.length : columnAxis;
    const nCols = s[ca];
    const nRows = s.reduce((p, x) => p * x, 1) / nCols;
    const q = randomOrthogonal(keyOf('orthogonal', key), nRows, [], { dtype: d, m: nCols });
    const rest = s.filter((_, i) => i !== ca);
    return np.multiply(np.array(scale, { dtype: d }), np.moveaxis(np.reshape(q, [...rest, nCols]), -1, ca));
  };
}

/**
 * Delta-orthogonal initializer for 3-D, 4-D or 5-D conv kernels: zeros except an orthogonal
 * matrix (orthogonal(scale, columnAxis) of shape[-2:]) at the spatial centre (JAX's `delta_orthogonal`).
 */
export function deltaOrthogonal(scale = 1, columnAxis = -1, dtype?: DType): Initializer {
  return (key, shape, dt = dtype) => {
    const s = shapeOf('deltaOrthogonal', shape);
    const d = floatOf('deltaOrthogonal', dt);
    if (s.length < 3 || s.length > 5) throw new TypeError(`nn.initializers.deltaOrthogonal: needs a 3-D, 4-D or 5-D kernel shape, got [${s}]`);
    const [fin, fout] = s.slice(-2);
    if (fout < fin) throw new TypeError(`nn.initializers.deltaOrthogonal: fan_in (shape[-2] = ${fin}) must be <= fan_out (shape[-1] = ${fout})`);
    const ortho = orthogonal(scale, columnAxis, d)(key, [fin, fout]);
    const spatial = s.slice(0, -2);
    const centre = spatial.map((kk) => Math.floor((kk - 1) / 2));
    // One-hot over the spatial grid at the centre, times the matrix.
    let hot: Array = np.ones([], { dtype: d });
    spatial.forEach((kk, i) => {
      const e = np.equal(np.arange(kk), centre[i]).astype(d);
      hot = np.multiply(np.expandDims(hot, -1), e);
    });
    return np.multiply(np.expandDims(np.expandDims(hot, -1), -1), ortho);
  };
}
