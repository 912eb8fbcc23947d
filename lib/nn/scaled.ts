/**
 * Block-scaled matrix products (jax.nn.scaled_matmul, scaled_dot_general,
 * get_scaled_dot_general_config), composed of existing ops so jvp, grad, vmap and jit apply.
 *
 * This library has no float8/float4 dtypes: the "quantised" operands of scaledMatmul are ordinary
 * float arrays holding whatever values the caller stored, and scaledDotGeneral emulates the
 * quantisation by rounding to the values those formats can hold (e4m3fn: 3 mantissa bits, largest
 * 448; e2m1fn: 1 mantissa bit, largest 6; e8m0 scales: powers of two, rounded up), then computing
 * in the preferred float type.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { type DType, getDefaultFloat, isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import * as np from '../numpy/index.js';
import { type DotDimensionNumbers, dotGeneral } from '../lax/ops.js';

/** Options of {@link scaledMatmul}. */
export interface ScaledMatmulOpts {
  /**
   * The float dtype of the dequantised operands and of the result. Default: the operands' float
   * dtype (integers: the default float); JAX's default is float32, since its operands are float8.
   */
  preferredElementType?: DType;
}

const shp = (a: Array): string => `[${a.shape}]`;

function floatOf(who: string, dt: DType | undefined, ...xs: Array[]): DType {
  if (dt !== undefined) {
    if (!isFloat(dt)) throw new TypeError(`${who}: preferredElementType must be a float dtype, got '${dt}'; use 'float32' (JAX's default) or 'float64'`);
    return dt;
  }
  const floats = xs.map((x) => x.dtype).filter(isFloat);
  return floats.includes('float64') ? 'float64' : floats[0] ?? getDefaultFloat();
}

/**
 * The block-scaled batched product of jax.nn.scaled_matmul: with lhs [B, M, K], rhs [B, N, K] and
 * scales lhsScales [B, M, K/bs], rhsScales [B, N, K/bs] (one scale per block of bs = K / (K/bs)
 * consecutive entries along K), the result [B, M, N] is
 *
 *   out[b, m, n] = Σ_k (lhs[b, m, k]·lhsScales[b, m, k div bs]) · (rhs[b, n, k]·rhsScales[b, n, k div bs]),
 *
 * i.e. `einsum('bmk,bnk->bmn')` of the dequantised operands, computed in `preferredElementType`.
 * (Note rhs is [B, N, K]: both operands contract their last axis.) Differentiable in all four
 * arguments.
 *
 * @example
 * const out = nn.scaledMatmul(np.ones([1, 2, 4]), np.ones([1, 3, 4]), np.full([1, 2, 2], 0.5), np.ones([1, 3, 2]));
 * out.shape;  // [1, 2, 3], every entry 2 = 4·0.5
 */
export function scaledMatmul(lhs: ArrayOrScalar, rhs: ArrayOrScalar, lhsScales: ArrayOrScalar, rhsScales: ArrayOrScalar, opts: ScaledMatmulOpts = {}): Array {
  const who = 'nn.scaledMatmul';
  const [a, b, sa, sb] = [lhs, rhs, lhsScales, rhsScales].map((x) => np.asarray(x));
  const names = ['lhs [B, M, K]', 'rhs [B, N, K]', 'lhsScales [B, M, K/blockSize]', 'rhsScales [B, N, K/blockSize]'];
  [a, b, sa, sb].forEach((x, i) => {
    if (x.ndim !== 3) throw new ShapeError(`${who}: ${names[i]} must have rank 3, got shape ${shp(x)}; reshape (or add a batch axis of 1 with np.expandDims(x, 0))`);
    if (x.dtype === 'bool') throw new TypeError(`${who}: ${names[i].split(' ')[0]} is a bool array; convert it with astype first`);
  });
  const [B, M, K] = a.shape;
  const [, N] = b.shape;
  if (b.shape[0] !== B || b.shape[2] !== K) throw new ShapeError(`${who}: lhs is ${shp(a)} [B, M, K] but rhs is ${shp(b)}; rhs must be [${B}, N, ${K}] (the same batch and contracting size; transpose a [B, K, N] rhs with np.swapaxes(rhs, 1, 2))`);
  const kb = sa.shape[2];
  if (sa.shape[0] !== B || sa.shape[1] !== M || sb.shape[0] !== B || sb.shape[1] !== N || sb.shape[2] !== kb) {
    throw new ShapeError(`${who}: scales must be lhsScales [${B}, ${M}, K/blockSize] and rhsScales [${B}, ${N}, K/blockSize] with one K/blockSize, got ${shp(sa)} and ${shp(sb)}`);
  }
  if (kb === 0 ? K !== 0 : K % kb !== 0) throw new ShapeError(`${who}: the contracting size K = ${K} must be a multiple of the scales' last axis (${kb} blocks), got scales ${shp(sa)}; each block scales K / blocks consecutive entries`);
  const dt = floatOf(who, opts.preferredElementType, a, b, sa, sb);
  const bs = kb === 0 ? 1 : K / kb;
  const deq = (x: Array, s: Array): Array => np.multiply(x.astype(dt), np.repeat(s.astype(dt), bs, 2));
  return dotGeneral(deq(a, sa), deq(b, sb), [[[2], [2]], [[0], [0]]]);
}

/** jax.nn's BlockScaleConfig: how scaledDotGeneral quantises an operand (see {@link getScaledDotGeneralConfig}). */
export interface BlockScaleConfig {
  /** The block-scaling scheme: 'mxfp8' or 'nvfp4'; the lhs and rhs configs must share it. */
  readonly mode: 'mxfp8' | 'nvfp4';
  /** Entries per scale block along the contracting axis (32 for mxfp8, 16 for nvfp4). */
  readonly blockSize: number;
  /** The (emulated) element format: 'float8_e4m3fn' (mxfp8) or 'float4_e2m1fn' (nvfp4). */
  readonly dataType: 'float8_e4m3fn' | 'float4_e2m1fn';
  /** The (emulated) scale format: 'float8_e8m0fnu' (powers of two, mxfp8) or 'float8_e4m3fn' (nvfp4). */
  readonly scaleType: 'float8_e8m0fnu' | 'float8_e4m3fn';
  /** nvfp4's float32 [1] tensor scale (the operand is divided by it first); null for mxfp8. */
  readonly globalScale: Array | null;
  /** JAX's infer_only flag, false from getScaledDotGeneralConfig; unused here (gradients are always straight-through). */
  readonly inferOnly: boolean;
}

/**
 * A block-scaling configuration for {@link scaledDotGeneral} (jax.nn.get_scaled_dot_general_config):
 * 'mxfp8' (blocks of 32, e4m3fn elements, power-of-two e8m0 scales) or 'nvfp4' (blocks of 16,
 * e2m1fn elements, e4m3fn scales, and a global scale, default [1]).
 *
 * @example
 * const configs = Array(3).fill(nn.getScaledDotGeneralConfig('mxfp8'));
 */
export function getScaledDotGeneralConfig(mode: 'mxfp8' | 'nvfp4', globalScale?: ArrayOrScalar | null): BlockScaleConfig {
  if (mode === 'mxfp8') {
    if (globalScale !== undefined && globalScale !== null) throw new TypeError("nn.getScaledDotGeneralConfig: 'mxfp8' takes no global scale; pass it for 'nvfp4'");
    return { mode, blockSize: 32, dataType: 'float8_e4m3fn', scaleType: 'float8_e8m0fnu', globalScale: null, inferOnly: false };
  }
  if (mode === 'nvfp4') {
    const g = globalScale === undefined || globalScale === null ? np.ones([1], { dtype: 'float32' }) : np.asarray(globalScale);
    return { mode, blockSize: 16, dataType: 'float4_e2m1fn', scaleType: 'float8_e4m3fn', globalScale: g, inferOnly: false };
  }
  throw new TypeError(`nn.getScaledDotGeneralConfig: mode must be 'mxfp8' or 'nvfp4', got ${JSON.stringify(mode)}`);
}

/** Largest finite value, mantissa bits and smallest normal exponent of the emulated formats. */
const FORMATS = {
  float8_e4m3fn: { max: 448, mant: 3, minExp: -6 },
  float4_e2m1fn: { max: 6, mant: 1, minExp: 0 },
} as const;

/** x rounded to the nearest value of `fmt` (ties to even), saturating at ±max (as JAX's clip then cast). */
function roundTo(x: Array, fmt: keyof typeof FORMATS): Array {
  const { max, mant, minExp } = FORMATS[fmt];
  const a = np.minimum(np.abs(x), max);
  // |x| = m·2^e with m in [0.5, 1): the leading bit is 2^(e−1); subnormals share the step of minExp.
  const [, e] = np.frexp(a);
  const lead = np.maximum(np.subtract(e, 1), minExp);
  const ulp = np.ldexp(np.ones([], { dtype: x.dtype }), np.subtract(lead, mant));
  const q = np.minimum(np.multiply(np.round(np.divide(a, ulp)), ulp), max);
  return np.multiply(np.sign(x), q);
}

/** The smallest power of two >= s (s > 0), e8m0 rounding up; 2^-127 for s = 0 (JAX's stand-in). */
function e8m0Up(s: Array): Array {
  const [m, e] = np.frexp(s);
  const p = np.ldexp(np.ones([], { dtype: s.dtype }), np.where(np.equal(m, 0.5), np.subtract(e, 1), e));
  return np.where(np.equal(s, 0), 2 ** -127, p);
}

/** Quantises [B, M, K] along K in blocks: [x_q, scales [B, M, K/bs]], x ≈ x_q·scale (JAX's quantize). */
function quantize(x: Array, c: BlockScaleConfig): [Array, Array] {
  const [B, M, K] = x.shape;
  const bs = c.blockSize;
  if (K < bs || K % bs !== 0) throw new ShapeError(`nn.scaledDotGeneral: the contracting size ${K} must be a positive multiple of the ${c.mode} block size ${bs}; pad the contracting axes with zeros`);
  const max = FORMATS[c.dataType].max;
  let xb = np.reshape(x, [B, M, K / bs, bs]);
  if (c.globalScale) xb = np.divide(xb, np.reshape(c.globalScale.astype(x.dtype), []));
  const amax = np.divide(np.max(np.abs(xb), -1, { keepdims: true }), max);
  let scale: Array;
  if (c.mode === 'mxfp8') {
    scale = e8m0Up(amax);
  } else {
    scale = roundTo(np.minimum(amax, FORMATS.float8_e4m3fn.max), 'float8_e4m3fn');
    // A block of zeros has a zero scale: divide by 1 instead of 0/0 (its entries stay 0).
    scale = np.where(np.equal(scale, 0), 1, scale);
  }
  const q = roundTo(np.clip(np.divide(xb, scale), -max, max), c.dataType);
  return [np.reshape(q, [B, M, K]), np.reshape(scale, [B, M, K / bs])];
}

/** x as [B, rows, cols]: batch axes, then free ones, then contracting ones (JAX's shape_normalization). */
function to3d(x: Array, contract: readonly number[], batch: readonly number[]): Array {
  const all = x.shape.map((_, i) => i);
  const free = all.filter((d) => !contract.includes(d) && !batch.includes(d));
  const size = (ds: readonly number[]): number => ds.reduce((p, d) => p * x.shape[d], 1);
  return np.reshape(np.transpose(x, [...batch, ...free, ...contract]), [size(batch), size(free), size(contract)]);
}

/** Options of {@link scaledDotGeneral}. */
export interface ScaledDotGeneralOpts {
  /** The result's float dtype (default: the operands' float dtype; JAX's is float32). */
  preferredElementType?: DType;
  /** [lhs, rhs, gradient] configurations (getScaledDotGeneralConfig); null/undefined: plain lax.dotGeneral. */
  configs?: readonly BlockScaleConfig[] | null;
}

/**
 * jax.nn.scaled_dot_general: `lax.dotGeneral(lhs, rhs, dimensionNumbers)` with both operands
 * block-quantised first, as `quantize(lhs, configs[0])`, `quantize(rhs, configs[1])`, then
 * {@link scaledMatmul} (nvfp4 also multiplies by both global scales). Without `configs` it is
 * `lax.dotGeneral` itself. The output axes are dotGeneral's: batch, lhs free, rhs free.
 *
 * Quantisation is emulated in the preferred float type (no float8/float4 dtypes here): each block
 * of `blockSize` entries along the flattened contracting axes gets a scale (mxfp8: max|x|/448
 * rounded up to a power of two; nvfp4: max|x/g|/6 rounded to e4m3fn) and its entries are rounded to
 * the element format. The derivative is a straight-through estimator: gradients are those of the
 * unquantised dotGeneral (JAX's backward pass also quantises the cotangent with configs[2]; here
 * configs[2] is accepted and unused).
 *
 * @example
 * const cfg = nn.getScaledDotGeneralConfig('mxfp8');
 * const out = nn.scaledDotGeneral(lhs, rhs, [[[2], [2]], [[0], [0]]], { configs: [cfg, cfg, cfg] });
 */
export function scaledDotGeneral(lhs: ArrayOrScalar, rhs: ArrayOrScalar, dimensionNumbers: DotDimensionNumbers, opts: ScaledDotGeneralOpts = {}): Array {
  const who = 'nn.scaledDotGeneral';
  const a0 = np.asarray(lhs);
  const b0 = np.asarray(rhs);
  const dt = floatOf(who, opts.preferredElementType, a0, b0);
  const [a, b] = [a0.astype(dt), b0.astype(dt)];
  const configs = opts.configs;
  if (!configs) return dotGeneral(a, b, dimensionNumbers);
  if (configs.length < 2) throw new TypeError(`${who}: configs must list [lhs, rhs, gradient] configurations (getScaledDotGeneralConfig), got ${configs.length}`);
  if (configs[0].mode !== configs[1].mode) throw new TypeError(`${who}: lhs and rhs configs must share one mode, got '${configs[0].mode}' and '${configs[1].mode}'`);
  const [[lc, rc], [lb, rb]] = dimensionNumbers;
  const norm = (ds: readonly number[], n: number): number[] => ds.map((d) => (d < 0 ? d + n : d));
  const [lcn, rcn, lbn, rbn] = [norm(lc, a.ndim), norm(rc, b.ndim), norm(lb, a.ndim), norm(rb, b.ndim)];
  // The result's shape, checking the dimension numbers on the way.
  const outShape = dotGeneral(np.zeros(a.shape, { dtype: dt }), np.zeros(b.shape, { dtype: dt }), dimensionNumbers).shape;
  const forward = (x: Array, y: Array): Array => {
    const [xq, xs] = quantize(to3d(x, lcn, lbn), configs[0]);
    const [yq, ys] = quantize(to3d(y, rcn, rbn), configs[1]);
    let out = scaledMatmul(xq, yq, xs, ys, { preferredElementType: dt });
    for (const c of configs.slice(0, 2)) if (c.globalScale) out = np.multiply(out, np.reshape(c.globalScale.astype(dt), []));
    return np.reshape(out, outShape);
  };
  // Straight through: the value of the quantised product, the derivatives of the unquantised one.
  const exact = dotGeneral(a, b, dimensionNumbers);
  return np.add(exact, stopGradient(np.subtract(forward(a, b), exact)));
}
