/**
 * `random.gamma` / `random.loggamma`: JAX's Marsaglia–Tsang rejection sampler, one key per
 * element (`split(key, a.size)`), with JAX's boost for a < 1, and JAX's implicit
 * reparameterisation gradient dx/da = -(∂P/∂a)/(∂P/∂x) through the regularized incomplete gamma
 * function P(a, x) (XLA's `RandomGammaGrad`), attached with customJvp.
 */
import type { Array } from '../core/array.js';
import type { DType } from '../core/dtype.js';
import { customJvp } from '../control/custom.js';
import { whileLoop } from '../lax/loops.js';
import * as np from '../numpy/index.js';
import { stopGradient } from '../transforms/stop-gradient.js';
import { vmap } from '../transforms/vmap.js';
import { normal, split, uniform } from './index.js';
import { exponential } from './distributions.js';
import { type Param, type Shape, checkKey, finfo, floatDtype, param, prod, sampleShape, scalar, someTrue } from './common.js';

/** One gamma(alpha) draw from one key (JAX's `_gamma_one`); alpha is a scalar. */
function gammaOne(k: Array, alpha: Array, logSpace: boolean): Array {
  const dtype = alpha.dtype;
  const c0 = (v: number): Array => scalar(v, dtype);
  const boost = np.greaterEqual(alpha, 1);
  const al = np.where(boost, alpha, np.add(alpha, c0(1)));
  const d = np.subtract(al, c0(1 / 3));
  const c = np.divide(c0(1 / 3), np.sqrt(d));
  type St = [Array, Array, Array, Array];
  // Reject while U >= 1 - 0.0331 X² and log U >= X/2 + d (1 - V + log V), X = x², V = v³.
  const cond = ([, X, V, U]: St): Array => np.logicalAnd(
    np.greaterEqual(U, np.subtract(c0(1), np.multiply(c0(0.0331), np.multiply(X, X)))),
    np.greaterEqual(np.log(U), np.add(np.multiply(X, c0(0.5)), np.multiply(d, np.add(np.subtract(c0(1), V), np.log(V))))));
  const body = ([key]: St): St => {
    const ks = split(key, 3);
    // Redraw x until v = 1 + c x > 0, each try from a fresh split of x_key.
    const [, x, v] = whileLoop(([, , vv]: [Array, Array, Array]) => np.lessEqual(vv, 0), ([kk]: [Array, Array, Array]) => {
      const s = split(kk);
      const xx = normal(s.slice(1), [], { dtype });
      return [s.slice(0), xx, np.add(c0(1), np.multiply(xx, c))];
    }, [ks.slice(1), c0(0), c0(-1)]) as [Array, Array, Array];
    return [ks.slice(0), np.multiply(x, x), np.multiply(np.multiply(v, v), v), uniform(ks.slice(2), [], { dtype })];
  };
  const s = split(k);
  const [, , V] = whileLoop(cond, body, [s.slice(0), c0(0), c0(1), c0(2)] as St) as St;
  if (logSpace) {
    const logU = np.negative(exponential(s.slice(1), [], { dtype }));
    const logBoost = np.where(np.logicalOr(boost, np.equal(logU, 0)), c0(0), np.multiply(logU, np.divide(c0(1), alpha)));
    return np.add(np.add(np.log(d), np.log(V)), logBoost);
  }
  const u = np.subtract(c0(1), uniform(s.slice(1), [], { dtype }));
  const b = np.where(boost, c0(1), np.power(u, np.divide(c0(1), alpha)));
  return np.multiply(np.multiply(d, V), b);
}

/** JAX's `_gamma_impl`: split(key, a.size), one `_gamma_one` per element (vmapped). */
function gammaImpl(k: Array, a: Array, logSpace: boolean): Array {
  const n = a.size;
  if (n === 0) return np.zeros(a.shape, { dtype: a.dtype });
  const keys = split(k, n);
  const out = vmap((kk: Array, al: Array) => gammaOne(kk, al, logSpace))(keys, a.reshape([n]));
  return out.reshape(a.shape);
}

type Loop = [Array, Array, Array, Array, Array, Array];

/**
 * dx/da for x ~ Gamma(a) (XLA's `RandomGammaGrad`): by the implicit function theorem on
 * P(a, x) = u, dx/da = -(∂P/∂a)/(∂P/∂x), with ∂P/∂x = x^(a-1) e^-x / Γ(a). The series of P (x ≤ 1
 * or x ≤ a) and the continued fraction of Q = 1 - P (Cephes' igamc) are differentiated in `a`
 * term by term; the loops stop when every element has converged.
 */
export function gammaSampleGrad(a: Array, x: Array): Array {
  const dtype = a.dtype;
  const c0 = (v: number): Array => scalar(v, dtype);
  const eps = c0(finfo(dtype).eps);
  const useCf = np.logicalAnd(np.greater(x, 1), np.greater(x, a));
  const maxIter = 2000;
  // Series, S = Σ t_n, t_0 = 1, t_n = t_{n-1} x / (a + n); each branch sees safe inputs.
  const xs = np.where(useCf, c0(0.5), np.maximum(x, c0(finfo(dtype).tiny)));
  const [, , , , S, dS] = whileLoop(([i, , t, dt, s, ds]: Loop) => np.logicalAnd(np.less(i, maxIter),
    someTrue(np.logicalOr(np.greater(np.abs(t), np.multiply(eps, np.abs(s))), np.greater(np.abs(dt), np.multiply(eps, np.abs(ds)))))),
  ([i, r, t, dt, s, ds]: Loop): Loop => {
    const r1 = np.add(r, c0(1));
    const q = np.divide(xs, r1);
    const dt1 = np.subtract(np.multiply(dt, q), np.divide(np.multiply(t, q), r1));
    const t1 = np.multiply(t, q);
    return [np.add(i, 1), r1, t1, dt1, np.add(s, t1), np.add(ds, dt1)];
  }, [np.array(0, { dtype: 'int32' }), a, np.onesLike(a), np.zerosLike(a), np.onesLike(a), np.zerosLike(a)] as Loop) as Loop;
  const logXs = np.log(xs);
  const serGrad = np.divide(np.multiply(np.negative(np.add(dS, np.multiply(S, np.subtract(logXs, np.digamma(np.add(a, c0(1))))))), xs), a);
  // Continued fraction of Q (Cephes): convergents p_k / q_k with y = 1 - a + k, z = x + 2 - a + 2k.
  const xc = np.where(useCf, x, np.add(np.maximum(a, c0(1)), c0(2)));
  const big = 2 ** 52;
  // Carry: i, k, p_{k-2}, q_{k-2}, p_{k-1}, q_{k-1}, their a-derivatives, ans, dans, done.
  type Cf = [Array, Array, Array, Array, Array, Array, Array, Array, Array, Array, Array, Array, Array];
  const z0 = np.add(xc, np.subtract(c0(2), a));
  const q1 = np.multiply(z0, xc);
  const ans0 = np.divide(np.add(xc, c0(1)), q1);
  const init: Cf = [np.array(0, { dtype: 'int32' }), np.zerosLike(a), np.onesLike(a), xc, np.add(xc, c0(1)), q1,
    np.zerosLike(a), np.zerosLike(a), np.zerosLike(a), np.negative(xc), ans0, np.divide(np.multiply(ans0, xc), q1), np.logicalNot(useCf)];
  const cfOut = whileLoop((st: Cf) => np.logicalAnd(np.less(st[0], maxIter), np.logicalNot(np.all(st[12]))), (st: Cf): Cf => {
    const [i, c, pkm2, qkm2, pkm1, qkm1, dpkm2, dqkm2, dpkm1, dqkm1, ans, dans, done] = st;
    const k = np.add(c, c0(1));
    const y = np.add(np.subtract(c0(1), a), k);
    const z = np.add(z0, np.multiply(k, c0(2)));
    const yc = np.multiply(y, k);
    // d y/da = d z/da = -1, so d(yc)/da = -k.
    const pk = np.subtract(np.multiply(pkm1, z), np.multiply(pkm2, yc));
    const qk = np.subtract(np.multiply(qkm1, z), np.multiply(qkm2, yc));
    const dpk = np.add(np.subtract(np.subtract(np.multiply(dpkm1, z), pkm1), np.multiply(dpkm2, yc)), np.multiply(pkm2, k));
    const dqk = np.add(np.subtract(np.subtract(np.multiply(dqkm1, z), qkm1), np.multiply(dqkm2, yc)), np.multiply(qkm2, k));
    const ok = np.notEqual(qk, 0);
    const qs = np.where(ok, qk, c0(1));
    const r = np.where(ok, np.divide(pk, qs), ans);
    const dr = np.where(ok, np.divide(np.subtract(dpk, np.multiply(r, dqk)), qs), dans);
    const conv = np.logicalAnd(ok, np.logicalAnd(np.lessEqual(np.abs(np.subtract(ans, r)), np.multiply(eps, np.abs(r))),
      np.lessEqual(np.abs(np.subtract(dans, dr)), np.multiply(eps, np.abs(dr)))));
    // Rescale the convergents (and derivatives) together when they grow large.
    const sc = np.where(np.greater(np.abs(pk), big), c0(1 / big), c0(1));
    const keep = (old: Array, nu: Array): Array => np.where(done, old, nu);
    return [np.add(i, 1), keep(c, k), keep(pkm2, np.multiply(pkm1, sc)), keep(qkm2, np.multiply(qkm1, sc)), keep(pkm1, np.multiply(pk, sc)), keep(qkm1, np.multiply(qk, sc)),
      keep(dpkm2, np.multiply(dpkm1, sc)), keep(dqkm2, np.multiply(dqkm1, sc)), keep(dpkm1, np.multiply(dpk, sc)), keep(dqkm1, np.multiply(dqk, sc)),
      keep(ans, r), keep(dans, dr), np.logicalOr(done, conv)];
  }, init) as Cf;
  const CF = cfOut[10];
  const dCF = cfOut[11];
  const cfGrad = np.multiply(xc, np.add(dCF, np.multiply(CF, np.subtract(np.log(xc), np.digamma(a)))));
  const g = np.where(useCf, cfGrad, serGrad);
  return np.where(np.equal(x, 0), c0(0), g);
}

/** JAX's `_gamma_grad`: dx/da, or d(log x)/da = (dx/da)/x in log space. */
function sampleGrad(sample: Array, a: Array, logSpace: boolean): Array {
  if (!logSpace) return gammaSampleGrad(a, sample);
  const x = np.exp(sample);
  const xs = np.where(np.equal(x, 0), scalar(finfo(x.dtype).tiny, x.dtype), x);
  return np.divide(gammaSampleGrad(a, xs), xs);
}

// random_gamma_p: the key has no tangent; the tangent in a is scaled by the implicit gradient.
const makeGammaP = (logSpace: boolean): ((k: Array, a: Array) => Array) => customJvp((k: Array, a: Array) => gammaImpl(k, a, logSpace), {
  jvp: ([k, a]: Array[], [, ta]: Array[]) => {
    const out = gammaImpl(k, a, logSpace);
    return [out, np.multiply(ta, sampleGrad(stopGradient(out), stopGradient(a), logSpace))];
  },
});
const gammaP = makeGammaP(false);
const loggammaP = makeGammaP(true);

/** Options of the gamma-family samplers. */
export interface GammaOpts {
  /** The float dtype of the samples (default: the default float). */
  dtype?: DType;
}

function gammaCommon(who: string, k: Array, a: Param, shape: Shape | undefined, opts: GammaOpts, logSpace: boolean): Array {
  checkKey(who, k);
  const dtype = floatDtype(who, opts.dtype);
  const aa = param(who, 'a', a, dtype);
  const s = sampleShape(who, shape, [['a', aa]]);
  const ab = prod(aa.shape) === prod(s) && aa.ndim === s.length ? aa : np.broadcastTo(aa, s);
  return (logSpace ? loggammaP : gammaP)(k, ab);
}

/**
 * Gamma(a, 1) samples (density x^(a-1) e^-x / Γ(a)) by JAX's algorithm: split(key, size) gives
 * one key per element, each drawn by Marsaglia–Tsang with Gamma(a) = Gamma(a+1)·U^(1/a) for a < 1.
 * `shape` defaults to a's shape (a must broadcast to it). Differentiable in `a` (implicit
 * reparameterisation, JAX's `random_gamma_grad`); works under jit and vmap.
 *
 * @example random.gamma(random.key(0), 2.5, [1000])
 */
export function gamma(k: Array, a: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  return gammaCommon('gamma', k, a, shape, opts, false);
}

/**
 * log of Gamma(a, 1) samples, computed in log space (JAX's `loggamma`): exp(loggamma(key, a))
 * equals gamma(key, a) up to rounding, but stays finite where gamma underflows to 0 (a ≪ 1).
 * Differentiable in `a`.
 */
export function loggamma(k: Array, a: Param, shape?: Shape, opts: GammaOpts = {}): Array {
  return gammaCommon('loggamma', k, a, shape, opts, true);
}
