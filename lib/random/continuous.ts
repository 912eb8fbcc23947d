/**
 * Continuous `jax.random` samplers built on gamma, normal, uniform and exponential, each JAX's own
 * transform (see jax/_src/random, `_beta`, `_dirichlet`, `_t`, ...), so streams follow JAX's for
 * the same key. All are differentiable in their float parameters (through gamma's implicit
 * gradient where a gamma draw is involved) and work under jit and vmap.
 */
import type { Array } from '../core/array.js';
import * as np from '../numpy/index.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { normal, split, uniform } from './index.js';
import { exponential, rademacher } from './distributions.js';
import { gamma, loggamma, type GammaOpts } from './gamma.js';
import { type Param, type Shape, checkKey, floatDtype, param, sampleShape, scalar, shapeArg } from './common.js';

/** jax.nn.softmax over the last axis (local: nn imports random for its initializers). */
function softmax(x: Array): Array {
  const u = np.exp(np.subtract(x, stopGradient(np.max(x, -1, { keepdims: true }))));
  return np.divide(u, np.sum(u, -1, { keepdims: true }));
}

const bcast = (x: Array, s: readonly number[]): Array => (x.shape.length === s.length && x.shape.every((d, i) => d === s[i]) ? x : np.broadcastTo(x, s));

/** Beta(a, b) samples, gamma_a / (gamma_a + gamma_b) computed from two loggamma draws (JAX's `_beta`). */
export function beta(k: Array, a: Param, b: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('beta', k);
  const dtype = floatDtype('beta', opts.dtype);
  const aa = param('beta', 'a', a, dtype);
  const bb = param('beta', 'b', b, dtype);
  const s = sampleShape('beta', shape, [['a', aa], ['b', bb]]);
  const ks = split(k);
  const la = loggamma(ks.slice(0), bcast(aa, s), s, { dtype });
  const lb = loggamma(ks.slice(1), bcast(bb, s), s, { dtype });
  const m = np.maximum(la, lb);
  const ga = np.exp(np.subtract(la, m));
  const gb = np.exp(np.subtract(lb, m));
  return np.divide(ga, np.add(ga, gb));
}

/**
 * Dirichlet(alpha) samples: softmax of loggamma draws over the last axis (JAX's `_dirichlet`).
 * alpha has shape [..., K]; `shape` (default alpha's batch shape) is the batch shape, so the
 * result is [...shape, K].
 */
export function dirichlet(k: Array, alpha: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('dirichlet', k);
  const dtype = floatDtype('dirichlet', opts.dtype);
  const al = param('dirichlet', 'alpha', alpha, dtype);
  if (al.ndim < 1) throw new TypeError(`random.dirichlet: alpha must have at least one axis (the categories), got shape [${al.shape}]; e.g. alpha = [1, 2, 3]`);
  const K = al.shape[al.ndim - 1];
  const batch = shape === undefined ? al.shape.slice(0, -1) : shapeArg('dirichlet', shape);
  sampleShape('dirichlet', batch, [['alpha batch', np.zeros(al.shape.slice(0, -1))]]);
  const full = [...batch, K];
  return softmax(loggamma(k, bcast(al, full), full, { dtype }));
}

/** Chi-square(df) samples: 2·exp(loggamma(key, df/2)) (JAX's `_chisquare`). */
export function chisquare(k: Array, df: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('chisquare', k);
  const dtype = floatDtype('chisquare', opts.dtype);
  const d = param('chisquare', 'df', df, dtype);
  const s = sampleShape('chisquare', shape, [['df', d]]);
  return np.multiply(np.exp(loggamma(k, bcast(np.divide(d, scalar(2, dtype)), s), s, { dtype })), scalar(2, dtype));
}

/** F(dfnum, dfden) samples: (chi2(dfnum)/dfnum) / (chi2(dfden)/dfden), keys [den, num] = split(key) (JAX's `_f`). */
export function f(k: Array, dfnum: Param, dfden: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('f', k);
  const dtype = floatDtype('f', opts.dtype);
  const n = param('f', 'dfnum', dfnum, dtype);
  const d = param('f', 'dfden', dfden, dtype);
  const s = sampleShape('f', shape, [['dfnum', n], ['dfden', d]]);
  const ks = split(k);
  const cn = chisquare(ks.slice(1), n, s, { dtype });
  const cd = chisquare(ks.slice(0), d, s, { dtype });
  return np.divide(np.divide(cn, n), np.divide(cd, d));
}

/** Student's t(df) samples: n·sqrt((df/2) / g), n normal, g ~ gamma(df/2), keys [n, g] = split(key) (JAX's `_t`). */
export function t(k: Array, df: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('t', k);
  const dtype = floatDtype('t', opts.dtype);
  const d = param('t', 'df', df, dtype);
  const s = sampleShape('t', shape, [['df', d]]);
  const ks = split(k);
  const n = normal(ks.slice(0), s, { dtype });
  const half = np.divide(d, scalar(2, dtype));
  const g = gamma(ks.slice(1), bcast(half, s), s, { dtype });
  return np.multiply(n, np.sqrt(np.divide(half, g)));
}

/**
 * Generalized normal samples (density ∝ exp(-|x|^p)): r·g^(1/p) with g ~ gamma(1/p) and r a
 * Rademacher sign, keys [g, r] = split(key) (JAX's `_generalized_normal`). p = 2 gives N(0, 1/2).
 */
export function generalizedNormal(k: Array, p: number, shape: Shape = [], opts: GammaOpts = {}): Array {
  checkKey('generalizedNormal', k);
  if (typeof p !== 'number' || !(p > 0)) throw new TypeError(`random.generalizedNormal: p must be a positive number, got ${String(p)}; e.g. p = 2`);
  const dtype = floatDtype('generalizedNormal', opts.dtype);
  const s = shapeArg('generalizedNormal', shape);
  const ks = split(k);
  const g = gamma(ks.slice(0), np.full(s, 1 / p, { dtype }), s, { dtype });
  const r = rademacher(ks.slice(1), s, { dtype });
  return np.multiply(r, np.power(g, scalar(1 / p, dtype)));
}

/**
 * Points uniform in the d-dimensional unit p-ball, shape [...shape, d]: g / (Σ|g|^p + e)^(1/p) with
 * g generalized-normal and e exponential, keys [g, e] = split(key) (JAX's `_ball`).
 */
export function ball(k: Array, d: number, p = 2, shape: Shape = [], opts: GammaOpts = {}): Array {
  checkKey('ball', k);
  if (!Number.isInteger(d) || d < 0) throw new TypeError(`random.ball: d (the dimension) must be a non-negative integer, got ${String(d)}`);
  if (typeof p !== 'number' || !(p > 0)) throw new TypeError(`random.ball: p must be a positive number, got ${String(p)}; e.g. p = 2`);
  const dtype = floatDtype('ball', opts.dtype);
  const s = shapeArg('ball', shape);
  const ks = split(k);
  const g = generalizedNormal(ks.slice(0), p, [...s, d], { dtype });
  const e = exponential(ks.slice(1), s, { dtype });
  const r = np.power(np.add(np.sum(np.power(np.abs(g), scalar(p, dtype)), -1), e), scalar(1 / p, dtype));
  return np.divide(g, np.expandDims(r, -1));
}

/** Pareto(b) samples: exp(e / b), e exponential (JAX's `_pareto`). */
export function pareto(k: Array, b: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('pareto', k);
  const dtype = floatDtype('pareto', opts.dtype);
  const bb = param('pareto', 'b', b, dtype);
  const s = sampleShape('pareto', shape, [['b', bb]]);
  return np.exp(np.divide(exponential(k, s, { dtype }), bb));
}

/** Log-normal samples exp(sigma·n), n standard normal (JAX's `_lognormal`); sigma defaults to 1. */
export function lognormal(k: Array, sigma: Param = 1, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('lognormal', k);
  const dtype = floatDtype('lognormal', opts.dtype);
  const sg = param('lognormal', 'sigma', sigma, dtype);
  const s = sampleShape('lognormal', shape, [['sigma', sg]]);
  return np.exp(np.multiply(normal(k, s, { dtype }), sg));
}

/** Maxwell samples: the norm of 3 standard normals, normal(key, [...shape, 3]) (JAX's `_maxwell`). */
export function maxwell(k: Array, shape: Shape = [], opts: GammaOpts = {}): Array {
  checkKey('maxwell', k);
  const dtype = floatDtype('maxwell', opts.dtype);
  const s = shapeArg('maxwell', shape);
  const n = normal(k, [...s, 3], { dtype });
  return np.sqrt(np.sum(np.multiply(n, n), -1));
}

/**
 * Double-sided Maxwell samples sign·maxwell·scale + loc with keys [maxwell, sign] = split(key);
 * as JAX, the sample shape is shape + broadcast(loc, scale) shape (JAX's `_double_sided_maxwell`).
 */
export function doubleSidedMaxwell(k: Array, loc: Param, scale: Param, shape: Shape = [], opts: GammaOpts = {}): Array {
  checkKey('doubleSidedMaxwell', k);
  const dtype = floatDtype('doubleSidedMaxwell', opts.dtype);
  const lo = param('doubleSidedMaxwell', 'loc', loc, dtype);
  const sc = param('doubleSidedMaxwell', 'scale', scale, dtype);
  const ps = sampleShape('doubleSidedMaxwell', undefined, [['loc', lo], ['scale', sc]]);
  const given = shapeArg('doubleSidedMaxwell', shape);
  const s = [...(given.length === 0 ? ps : given), ...ps];
  const ks = split(k);
  const m = maxwell(ks.slice(0), s, { dtype });
  const r = rademacher(ks.slice(1), s, { dtype });
  return np.add(np.multiply(np.multiply(r, m), sc), lo);
}

/** Weibull samples scale·(-log1p(-u))^(1/concentration) (JAX's `_weibull_min`); shape defaults to []. */
export function weibullMin(k: Array, scale: Param, concentration: Param, shape: Shape = [], opts: GammaOpts = {}): Array {
  checkKey('weibullMin', k);
  const dtype = floatDtype('weibullMin', opts.dtype);
  const sc = param('weibullMin', 'scale', scale, dtype);
  const cc = param('weibullMin', 'concentration', concentration, dtype);
  const s = shapeArg('weibullMin', shape);
  const u = uniform(k, s, { dtype });
  return np.multiply(np.power(np.negative(np.log1p(np.negative(u))), np.divide(scalar(1, dtype), cc)), sc);
}

/** Rayleigh(scale) samples scale·sqrt(-2 log u) (JAX's `_rayleigh`). */
export function rayleigh(k: Array, scale: Param = 1, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('rayleigh', k);
  const dtype = floatDtype('rayleigh', opts.dtype);
  const sc = param('rayleigh', 'scale', scale, dtype);
  const s = sampleShape('rayleigh', shape, [['scale', sc]]);
  const u = uniform(k, s, { dtype });
  return np.multiply(bcast(sc, s), np.sqrt(np.multiply(np.log(u), scalar(-2, dtype))));
}

/** Wald (inverse Gaussian, scale 1) samples by Michael–Schucany–Haas, keys [normal, uniform] = split(key) (JAX's `_wald`). */
export function wald(k: Array, mean: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('wald', k);
  const dtype = floatDtype('wald', opts.dtype);
  const mu = param('wald', 'mean', mean, dtype);
  const s = sampleShape('wald', shape, [['mean', mu]]);
  const m = bcast(mu, s);
  const ks = split(k);
  const v = normal(ks.slice(0), s, { dtype });
  const z = uniform(ks.slice(1), s, { dtype });
  const y = np.multiply(v, v);
  const m2 = np.multiply(m, m);
  const root = np.sqrt(np.add(np.multiply(np.multiply(m, y), scalar(4, dtype)), np.multiply(m2, np.multiply(y, y))));
  const x = np.subtract(np.add(m, np.divide(np.multiply(m2, y), scalar(2, dtype))), np.multiply(np.divide(m, scalar(2, dtype)), root));
  return np.where(np.lessEqual(z, np.divide(m, np.add(m, x))), x, np.divide(m2, x));
}

/** Triangular(left, mode, right) samples by inverting the CDF of one uniform (JAX's `_triangular`). */
export function triangular(k: Array, left: Param, mode: Param, right: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  checkKey('triangular', k);
  const dtype = floatDtype('triangular', opts.dtype);
  const l0 = param('triangular', 'left', left, dtype);
  const m0 = param('triangular', 'mode', mode, dtype);
  const r0 = param('triangular', 'right', right, dtype);
  const s = sampleShape('triangular', shape, [['left', l0], ['mode', m0], ['right', r0]]);
  const [l, m, r] = [bcast(l0, s), bcast(m0, s), bcast(r0, s)];
  const fc = np.divide(np.subtract(m, l), np.subtract(r, l));
  const u = uniform(k, s, { dtype });
  const out1 = np.add(l, np.sqrt(np.multiply(np.multiply(u, np.subtract(r, l)), np.subtract(m, l))));
  const out2 = np.subtract(r, np.sqrt(np.multiply(np.multiply(np.subtract(scalar(1, dtype), u), np.subtract(r, l)), np.subtract(r, m))));
  return np.where(np.less(u, fc), out1, out2);
}

/**
 * A Haar-random orthogonal n×n matrix (or n×m with orthonormal columns/rows), batched over
 * `shape` (JAX's `random.orthogonal`): the Q of the QR of a normal matrix, its columns signed by
 * sign(diag R).
 */
export function orthogonal(k: Array, n: number, shape: Shape = [], opts: { dtype?: GammaOpts['dtype']; m?: number } = {}): Array {
  checkKey('orthogonal', k);
  const m = opts.m ?? n;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(m) || m < 0) throw new TypeError(`random.orthogonal: n and m must be non-negative integers, got n=${n}, m=${m}`);
  const dtype = floatDtype('orthogonal', opts.dtype);
  const batch = shapeArg('orthogonal', shape);
  const z = normal(k, [...batch, Math.max(n, m), Math.min(n, m)], { dtype });
  const [q, r] = np.linalg.qr(z);
  const x = np.multiply(q, np.expandDims(np.sign(np.diagonal(r, 0, -2, -1)), -2));
  return n < m ? np.swapaxes(x, -1, -2) : x;
}
