/**
 * Window functions (hamming, hanning, blackman, bartlett, kaiser) and multi-dimensional
 * histograms (histogramBinEdges, histogram2d, histogramdd), composed from existing ops. Bin
 * edges come from np.histogram, so static bin counts or explicit edges behave as there.
 */
import type { Array, ArrayOrScalar } from '../core/array.js';
import { getDefaultFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { arange, zeros } from './creation.js';
import { at } from './indexing.js';
import { i0 } from './elementwise-more.js';
import {
  add, cos, divide, equal, greaterEqual, less, lessEqual, logicalAnd, logicalNot, logicalOr, multiply, sqrt, subtract, where,
} from './math.js';
import { histogram, type HistogramOpts } from './nan-stats.js';
import { asArray, sliceAxis, toFloat } from './promote.js';
import { all, sum } from './reductions.js';
import { expandDims, ravel, reshape, stack } from './shape.js';
import { checkOperand, describeValue } from './validate.js';

/** A window length: a non-negative integer (anything below 1 gives an empty window, as numpy). */
function windowLength(who: string, M: number): number {
  if (typeof M !== 'number' || !Number.isInteger(M)) throw new TypeError(`${who}: M must be an integer number of points, got ${describeValue(M)}`);
  return Math.max(M, 0);
}

/** numpy's symmetric sample grid n = 1-M, 3-M, ..., M-1 (default float), or null for M <= 1. */
function grid(M: number): Array | null {
  return M <= 1 ? null : arange(1 - M, M, 2, { dtype: getDefaultFloat() });
}

const trivial = (M: number): Array => (M === 1 ? arange(1, 2, 1, { dtype: getDefaultFloat() }) : zeros([0], { dtype: getDefaultFloat() }));

/** A cosine-sum window a0 + a1·cos(πn/(M-1)) + a2·cos(2πn/(M-1)) over numpy's grid. */
function cosineSum(who: string, M: number, a: readonly number[]): Array {
  const m = windowLength(who, M);
  const n = grid(m);
  if (n === null) return trivial(m);
  let w: Array = add(multiply(cos(multiply(n, Math.PI / (m - 1))), a[1]), a[0]);
  if (a.length > 2) w = add(w, multiply(cos(multiply(n, (2 * Math.PI) / (m - 1))), a[2]));
  return w;
}

/** The Hamming window of M points, 0.54 - 0.46·cos(2πk/(M-1)). */
export const hamming = (M: number): Array => cosineSum('np.hamming', M, [0.54, 0.46]);
/** The Hann window of M points, 0.5 - 0.5·cos(2πk/(M-1)). */
export const hanning = (M: number): Array => cosineSum('np.hanning', M, [0.5, 0.5]);
/** The Blackman window of M points, 0.42 - 0.5·cos(2πk/(M-1)) + 0.08·cos(4πk/(M-1)). */
export const blackman = (M: number): Array => cosineSum('np.blackman', M, [0.42, 0.5, 0.08]);

/** The Bartlett (triangular) window of M points, zero at both ends. */
export function bartlett(M: number): Array {
  const m = windowLength('np.bartlett', M);
  const n = grid(m);
  if (n === null) return trivial(m);
  const r = divide(n, m - 1);
  return where(lessEqual(n, 0), add(1, r), subtract(1, r));
}

/** The Kaiser window of M points with shape parameter beta: I0(β·sqrt(1 - (2k/(M-1) - 1)²)) / I0(β). */
export function kaiser(M: number, beta: ArrayOrScalar): Array {
  const who = 'np.kaiser';
  const m = windowLength(who, M);
  const b = toFloat(asArray(checkOperand(who, beta)));
  if (b.ndim !== 0) throw new ShapeError(`${who}: beta must be a scalar, got shape [${b.shape}]`);
  if (m <= 1) return trivial(m);
  const alpha = (m - 1) / 2;
  const t = divide(subtract(arange(0, m, 1, { dtype: b.dtype }), alpha), alpha);
  return divide(i0(multiply(b, sqrt(subtract(1, multiply(t, t))))), i0(b));
}

/** The bin edges np.histogram would use for `a` (bins: a count or edges; range; weights are ignored for edges). */
export function histogramBinEdges(a: ArrayOrScalar, bins: number | ArrayOrScalar = 10, opts: Pick<HistogramOpts, 'range' | 'weights'> = {}): Array {
  return histogram(a, { bins, range: opts.range })[1];
}

/** Bins per dimension of histogramdd/histogram2d: one count or edge array for all, or one per dimension. */
export type BinsDD = number | ArrayOrScalar | readonly (number | ArrayOrScalar)[];

/** Options of histogramdd/histogram2d: [min, max] per dimension (or null), weights per sample, density. */
export interface HistogramDDOpts {
  /** The `[min, max]` of each dimension's equal-width bins, or null for the data's range (default null for all). */
  range?: readonly (readonly [number, number] | null)[] | null;
  /** One weight per sample: each bin sums the weights instead of counting. */
  weights?: ArrayOrScalar | null;
  /** Normalise to a probability density: the counts divided by the total and by each bin's volume. */
  density?: boolean;
}

/**
 * The D-dimensional histogram of the N samples in `sample` ([N, D]; a 1-D sample is N points in
 * one dimension): `[counts, edges]` with counts of shape [nbins_0, ..., nbins_{D-1}] (floats) and
 * one edge array per dimension. Each bin is half-open but the last, which is closed, as numpy.
 */
export function histogramdd(sample: ArrayOrScalar, bins: BinsDD = 10, opts: HistogramDDOpts = {}): [Array, Array[]] {
  const who = 'np.histogramdd';
  let s = toFloat(asArray(checkOperand(who, sample)));
  if (s.ndim === 1) s = expandDims(s, 1);
  if (s.ndim !== 2) throw new ShapeError(`${who}: sample must be [N, D] (or 1-D), got shape [${s.shape}]`);
  const [N, D] = s.shape;
  const perDim = globalThis.Array.isArray(bins) ? [...(bins as readonly (number | ArrayOrScalar)[])] : globalThis.Array.from({ length: D }, () => bins as number | ArrayOrScalar);
  if (perDim.length !== D) throw new ShapeError(`${who}: bins has ${perDim.length} entries but the sample has ${D} dimensions; pass one per dimension`);
  const ranges = opts.range ?? null;
  if (ranges !== null && ranges.length !== D) throw new ShapeError(`${who}: range has ${ranges.length} entries but the sample has ${D} dimensions`);
  const cols = globalThis.Array.from({ length: D }, (_, d) => reshape(sliceAxis(s, 1, d, d + 1), [N]));
  const edges = cols.map((c, d) => histogram(c, { bins: perDim[d], range: ranges?.[d] ?? null })[1]);
  const nbins = edges.map((e) => e.shape[0] - 1);
  const total = nbins.reduce((p, n) => p * n, 1);
  // Each sample's bin per dimension (as histogram: e_k <= x < e_{k+1}, the last bin closed).
  let flat: Array = asArray(0, 'int32');
  let inside: Array = asArray(true);
  cols.forEach((c, d) => {
    const e = edges[d];
    const nb = nbins[d];
    const xe = expandDims(c, -1);
    const lower = sliceAxis(e, 0, 0, nb);
    const upper = sliceAxis(e, 0, 1, nb + 1);
    const isLast = equal(arange(0, nb, 1, { dtype: 'int32' }), nb - 1);
    const inBin = logicalAnd(greaterEqual(xe, lower), logicalOr(less(xe, upper), logicalAnd(isLast, lessEqual(xe, upper))));
    const idx = sum(where(inBin, arange(0, nb, 1, { dtype: 'int32' }), 0), -1);
    inside = logicalAnd(inside, logicalNot(all(logicalNot(inBin), -1)));
    const stride = nbins.slice(d + 1).reduce((p, n) => p * n, 1);
    flat = add(flat, multiply(idx, stride));
  });
  let w: Array = zeros([N], { dtype: s.dtype });
  w = add(w, 1);
  if (opts.weights !== undefined && opts.weights !== null) {
    const wa = ravel(toFloat(asArray(checkOperand(who, opts.weights))));
    if (wa.size !== N) throw new ShapeError(`${who}: weights of size ${wa.size} do not match the ${N} samples; pass one weight per sample`);
    w = wa;
  }
  // Samples outside every bin go to slot `total`, which the scatter drops.
  const slot = where(inside, flat, total);
  let hist = reshape(at(zeros([total], { dtype: w.dtype }), [slot]).add(w), nbins);
  if (opts.density) {
    const norm = sum(hist);
    edges.forEach((e, d) => {
      const widths = subtract(sliceAxis(e, 0, 1, nbins[d] + 1), sliceAxis(e, 0, 0, nbins[d]));
      hist = divide(hist, reshape(widths, nbins.map((n, i) => (i === d ? n : 1))));
    });
    hist = divide(hist, norm);
  }
  return [hist, edges];
}

/** The 2-D histogram of points (x, y): `[counts, xedges, yedges]`; bins as histogramdd (a count, edges, or one per axis). */
export function histogram2d(x: ArrayOrScalar, y: ArrayOrScalar, bins: BinsDD = 10, opts: HistogramDDOpts = {}): [Array, Array, Array] {
  const who = 'np.histogram2d';
  const xa = toFloat(asArray(checkOperand(who, x)));
  const ya = toFloat(asArray(checkOperand(who, y)));
  if (xa.ndim !== 1 || ya.ndim !== 1 || xa.shape[0] !== ya.shape[0]) {
    throw new ShapeError(`${who}: x and y must be 1-D of the same length, got shapes [${xa.shape}] and [${ya.shape}]`);
  }
  // numpy: a list of numbers that is not one count per axis is one edge array shared by both.
  const list = globalThis.Array.isArray(bins) ? (bins as readonly (number | ArrayOrScalar)[]) : null;
  const shared = list !== null && list.length !== 2 && list.every((b) => typeof b === 'number');
  const [h, [ex, ey]] = histogramdd(stack([xa, ya], 1), shared && list !== null ? toFloat(stack(list.map((b) => asArray(b)), 0)) : bins, opts);
  return [h, ex, ey];
}

