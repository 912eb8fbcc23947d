/**
 * eigh, qr and svd (the primitives, np.linalg and lax.linalg) and the functions built on them:
 * eigvalsh, svdvals, lstsq, pinv, matrixRank, cond, and norm's 2 / -2 / 'nuc' matrix norms.
 * Expected values are numpy 2.4's answers, pasted as literals. Eigenvectors and singular vectors
 * are unique only up to sign, so numpy's are pasted after scaling each to have its largest-
 * magnitude entry positive (our documented convention; for svd, the rows of Vh). Invariants
 * (reconstruction, orthonormality) are checked for random, batched, tall, wide, rank-deficient,
 * 1x1, 0x0 and float32 inputs; gradients against central differences; jit and vmap against eager.
 */
import { describe, expect, it } from 'vitest';
import { type Array, grad, hessian, jit, lax, np, vmap } from '../lib/index.js';
import { checkGrad, checkTransforms, f64, near } from './check-values.js';
import { rng } from './rng.js';

const S = f64([[4, 1, -2, 0.5], [1, 3, 0, 1], [-2, 0, 5, -1], [0.5, 1, -1, 2]]);
const A43 = f64([[1.5, -2, 0.5], [3, 1, -1], [0.25, 2, 4], [-1, 0.5, 2]]);
const A34 = f64([[2, -1, 0.5, 3], [0.5, 3, 1, -2], [-1.5, 1, 2, 0.25]]);
const A = f64([[1.5, -2, 0.5], [3, 1, -1], [0.25, 2, 4]]);
const R = f64([[1, 2, 3], [2, 4, 6], [1, 0, 1]]);
const N = f64([[4, 7, -2], [1, 3, 9], [-2, 0, 5]]);

const mT = (x: Array): Array => np.swapaxes(x, -1, -2);
const eyeLike = (n: number, batch: number[] = []): Array => np.broadcastTo(np.eye(n, n, { dtype: 'float64' }), [...batch, n, n]);
/** Max |x − y|. */
const maxErr = (x: Array, y: Array): number => (x.size === 0 ? 0 : np.max(np.abs(np.subtract(x, y))).item());
const random = (shape: number[], seed: number): Array => {
  const r = rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return np.array(globalThis.Array.from({ length: n }, () => 2 * r() - 1), { dtype: 'float64', shape });
};
const symmetric = (x: Array): Array => np.add(x, mT(x));

describe('eigh', () => {
  it('matches numpy (values, sign-normalised vectors) and is a tuple with names', () => {
    const res = np.linalg.eigh(S);
    const [w, v] = res;
    expect(res.eigenvalues).toBe(w);
    expect(res.eigenvectors).toBe(v);
    near(w, [1.047138640929087, 2.3609454269745447, 3.602574400339762, 6.989341531756605], { tol: 1e-13 });
    near(v, [[0.2695752192603055, 0.7174994986878304, 0.22717960250456745, -0.6007604337415514], [-0.5187947492237331, -0.23482246109287186, 0.7939353884583266, -0.21301882287181995], [0.3245014994934472, 0.32874040391810944, 0.5049175736331961, 0.7291685453272297], [0.7435589997876064, -0.5674351310773387, 0.2512255381042264, -0.24904440338690398]], { tol: 1e-12 });
    near(np.linalg.eigvalsh(S), w.js());
  });

  it('symmetrises by default as JAX; symmetrizeInput false reads one triangle as numpy', () => {
    near(np.linalg.eigvalsh(N), [-3.266988452035, 6.35163653949668, 8.915351912538316], { tol: 1e-13 });
    near(np.linalg.eigh(N, 'L', { symmetrizeInput: false }).eigenvalues, [1.8548973087995775, 3.476023602918134, 6.669079088282287], { tol: 1e-13 });
    near(np.linalg.eigh(N, 'U', { symmetrizeInput: false }).eigenvalues, [-8.593032598890627, 6.2888177738001465, 14.304214825090483], { tol: 1e-13 });
    const [v, w] = lax.linalg.eigh(N, { lower: false, symmetrizeInput: false });
    near(w, [-8.593032598890627, 6.2888177738001465, 14.304214825090483], { tol: 1e-13 });
    expect(v.shape).toEqual([3, 3]);
  });

  it('reconstructs a = v·diag(w)·vᵀ with orthonormal v: random, batched, 1x1, 0x0, float32', () => {
    for (const [shape, seed] of [[[6, 6], 1], [[3, 5, 5], 2], [[1, 1], 3], [[12, 12], 4]] as [number[], number][]) {
      const a = symmetric(random(shape, seed));
      const { eigenvalues: w, eigenvectors: v } = np.linalg.eigh(a);
      const n = shape[shape.length - 1];
      expect(maxErr(np.matmul(np.multiply(v, np.expandDims(w, -2)), mT(v)), a)).toBeLessThan(1e-13);
      expect(maxErr(np.matmul(mT(v), v), eyeLike(n, shape.slice(0, -2)))).toBeLessThan(1e-13);
      const wv = np.diff(w, 1, -1);
      if (wv.size) expect(np.min(wv).item()).toBeGreaterThanOrEqual(0);
    }
    const [w0, v0] = np.linalg.eigh(np.zeros([0, 0], { dtype: 'float64' }));
    expect(w0.shape).toEqual([0]);
    expect(v0.shape).toEqual([0, 0]);
    const [w32, v32] = np.linalg.eigh(S.astype('float32'));
    expect(w32.dtype).toBe('float32');
    expect(v32.dtype).toBe('float32');
    near(w32, [1.047138640929087, 2.3609454269745447, 3.602574400339762, 6.989341531756605], { tol: 1e-6 });
  });

  it('gives NaN for NaN input and handles repeated eigenvalues', () => {
    const [w, v] = np.linalg.eigh(f64([[1, NaN], [NaN, 1]]));
    expect(globalThis.Array.from(w.dataSync()).every(Number.isNaN)).toBe(true);
    expect(globalThis.Array.from(v.dataSync()).every(Number.isNaN)).toBe(true);
    const [wi, vi] = np.linalg.eigh(np.multiply(eyeLike(3), 2));
    near(wi, [2, 2, 2]);
    near(vi, np.eye(3).js());
  });

  it('differentiates eigenvalues and eigenvectors (well-separated spectrum)', () => {
    const d = f64([[2, 0, 0], [0, 6, 0], [0, 0, 10]]);
    const x0 = [0.3, -0.2, 0.5, 0.1, 0.4, -0.6, 0.7, 0.2, -0.1];
    checkGrad((x) => np.linalg.eigvalsh(np.add(x, d)), x0, [3, 3]);
    checkGrad((x) => np.linalg.eigh(np.add(x, d)).eigenvectors, x0, [3, 3]);
    checkGrad((x) => lax.linalg.eigh(np.add(x, d), { symmetrizeInput: false })[0], x0, [3, 3]);
    // The gradient of a symmetrised input is symmetric, as JAX's.
    const g = grad((x: Array) => np.sum(np.multiply(np.linalg.eigvalsh(np.add(x, d)), f64([1, -2, 3]))))(f64([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.7, 0.2, -0.1]]));
    near(g, mT(g).js(), { tol: 1e-14 });
  });

  it('differentiates twice (the jvp rule is written with primitives)', () => {
    const d = f64([[2, 0, 0], [0, 6, 0], [0, 0, 10]]);
    const f = (x: Array): Array => np.sum(np.power(np.linalg.eigvalsh(np.add(x, d)), 3));
    const x0 = f64([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.7, 0.2, -0.1]]);
    const e = f64([[0, 0, 0], [0, 1, 0], [0, 0, 0]]);
    const h = 1e-5;
    const fd = np.divide(np.subtract(grad(f)(np.add(x0, np.multiply(e, h))), grad(f)(np.subtract(x0, np.multiply(e, h)))), 2 * h);
    near(hessian(f)(x0).slice([], [], 1, 1), fd.js(), { tol: 1e-7 });
  });

  it('jit and vmap agree with eager', () => {
    const xs = symmetric(random([3, 4, 4], 7));
    checkTransforms((x) => np.linalg.eigvalsh(x), xs);
    checkTransforms((x) => np.linalg.eigh(x).eigenvectors, xs);
  });
});

describe('qr', () => {
  it('matches numpy, signs included (tall reduced / complete / r, wide)', () => {
    const [q, r] = np.linalg.qr(A43);
    near(q, [[-0.4274822999274577, 0.6575959492214292, -0.6201606504057022], [-0.8549645998549158, -0.3287979746107146, 0.24834675326993894], [-0.07124704998790964, -0.6575959492214293, -0.6569730334974], [0.28498819995163854, -0.16439898730535735, -0.3494439741730863]]);
    near(r, [[-3.5089172119045497, -6.661338147750939e-16, 0.9262116498428257], [0.0, -3.0413812651491092, -2.3015858222750025], [0.0, 0.0, -3.8852071608085623]]);
    const c = np.linalg.qr(A43, 'complete');
    near(c.Q, [[-0.4274822999274577, 0.6575959492214292, -0.6201606504057022, 0.015073768761494905], [-0.8549645998549158, -0.3287979746107146, 0.24834675326993894, 0.3150417671152443], [-0.07124704998790964, -0.6575959492214293, -0.6569730334974, -0.36177045027587856], [0.28498819995163854, -0.16439898730535735, -0.3494439741730863, 0.8772933419190057]]);
    near(c.R, [[-3.5089172119045497, -6.661338147750939e-16, 0.9262116498428257], [0.0, -3.0413812651491092, -2.3015858222750025], [0.0, 0.0, -3.8852071608085623], [0.0, 0.0, 0.0]]);
    near(np.linalg.qr(A43, 'r'), r.js());
    const [qw, rw] = np.linalg.qr(A34);
    near(qw, [[-0.7844645405527362, 0.11935247900657213, 0.6085806194501846], [-0.19611613513818404, -0.9786903278538913, -0.0608580619450184], [0.5883484054145521, -0.16709347060920096, 0.7911548052852398]]);
    near(rw, [[-2.5495097567963922, 0.7844645405527362, 0.5883484054145522, -1.8140742500282023], [0.0, -3.2225169331774484, -1.2532010295690068, 2.2736647250751987], [0.0, 0.0, 1.8257418583505538, 2.1452466835619006]]);
  });

  it('q·r = a, qᵀq = I, r upper triangular: random, batched, rank-deficient, 1x1, empty, float32', () => {
    const cases: Array[] = [random([7, 4], 11), random([4, 7], 12), random([2, 5, 5], 13), R, f64([[-2]]), np.zeros([0, 0], { dtype: 'float64' }), np.zeros([3, 0], { dtype: 'float64' })];
    for (const a of cases) {
      for (const mode of ['reduced', 'complete'] as const) {
        const { Q, R: r } = np.linalg.qr(a, mode);
        const [m, n] = a.shape.slice(-2);
        const k = mode === 'complete' ? m : Math.min(m, n);
        expect(Q.shape).toEqual([...a.shape.slice(0, -2), m, k]);
        expect(r.shape).toEqual([...a.shape.slice(0, -2), k, n]);
        expect(maxErr(np.matmul(Q, r), a)).toBeLessThan(1e-13);
        expect(maxErr(np.matmul(mT(Q), Q), eyeLike(k, a.shape.slice(0, -2)))).toBeLessThan(1e-13);
        expect(maxErr(np.tril(r, -1), np.zeros(r.shape, { dtype: 'float64' }))).toBe(0);
      }
    }
    const [q32, r32] = np.linalg.qr(A43.astype('float32'));
    expect(q32.dtype).toBe('float32');
    near(r32, [[-3.5089172119045497, 0, 0.9262116498428257], [0.0, -3.0413812651491092, -2.3015858222750025], [0.0, 0.0, -3.8852071608085623]], { tol: 1e-6 });
  });

  it('lax.linalg.qr defaults to full matrices, as JAX', () => {
    const [q, r] = lax.linalg.qr(A43);
    expect(q.shape).toEqual([4, 4]);
    expect(r.shape).toEqual([4, 3]);
    expect(lax.linalg.qr(A43, { fullMatrices: false })[0].shape).toEqual([4, 3]);
  });

  it('differentiates q and r (m >= n), and refuses the wide case as JAX', () => {
    const d = f64([[3, 0, 0], [0, 3, 0], [0, 0, 3], [0, 0, 0]]);
    const x0 = [0.3, -0.2, 0.5, 0.1, 0.4, -0.6, 0.7, 0.2, -0.1, 0.25, -0.5, 0.35];
    checkGrad((x) => np.linalg.qr(np.add(x, d)).Q, x0, [4, 3]);
    checkGrad((x) => np.linalg.qr(np.add(x, d), 'r'), x0, [4, 3]);
    checkGrad((x) => np.linalg.qr(np.add(x, np.eye(3, 3, { dtype: 'float64' })), 'complete').Q, x0.slice(0, 9), [3, 3]);
    expect(() => grad((x: Array) => np.sum(np.linalg.qr(x).Q))(A34)).toThrow(/qr: the derivative is implemented only for m >= n/);
    expect(() => grad((x: Array) => np.sum(np.linalg.qr(x, 'complete').Q))(A43)).toThrow(/fullMatrices=true/);
  });

  it('jit and vmap agree with eager', () => {
    const xs = random([3, 5, 3], 17);
    checkTransforms((x) => np.linalg.qr(x).Q, xs);
    checkTransforms((x) => np.linalg.qr(x, 'complete').R, xs);
  });
});

describe('svd', () => {
  it('matches numpy (values, sign-normalised vectors): tall, wide, rank-deficient', () => {
    const t = np.linalg.svd(A43, false);
    near(t.S, [5.015337870245307, 3.453963668500839, 2.3935373454282005], { tol: 1e-13 });
    near(t.U, [[-0.13510668438104106, 0.25954392780926006, -0.9561150113183183], [-0.2345216140097276, 0.8771822828295668, 0.27622371408893664], [0.8563969917430134, 0.36739351127135733, -0.02698780680988807], [0.43969306218241705, -0.1679589238562651, -0.09389463877281404]], { tol: 1e-12 });
    near(t.Vh, [[-0.22567147261646991, 0.3924625459447494, 0.8916532602293785], [0.9498276058302141, 0.2920997684563176, 0.11182685040100823], [-0.21656386044295972, 0.8721530114024321, -0.4386903452911983]], { tol: 1e-12 });
    const [uw, sw, vw] = np.linalg.svd(A34, false);
    near(sw, [4.786361919800797, 2.741568256852875, 2.321000445001577], { tol: 1e-13 });
    near(uw, [[0.6697684536915984, 0.686238963957781, 0.28370107998687144], [-0.6942316925808919, 0.44307745231961104, 0.5672078351558918], [-0.26353856540520987, 0.5768521956204332, -0.773168137569086]], { tol: 1e-12 });
    near(vw, [[0.28993396915089975, -0.6301241208615093, -0.18519798782420616, 0.6961203855273743], [0.2658107668204681, 0.4449444530780279, 0.7075881917914516, 0.4802999279145407], [0.866332571471761, 0.27779153998019995, -0.36074008593663864, -0.20534440903268214]], { tol: 1e-12 });
    near(np.linalg.svdvals(R), [8.435448515787048, 0.9182637624920781, 0], { tol: 1e-14 });
    near(np.linalg.svd(R, true, false), [8.435448515787048, 0.9182637624920781, 0], { tol: 1e-14 });
  });

  it('u·diag(s)·vt = a with orthonormal factors: random, batched, tall, wide, rank-deficient, 1x1, empty, float32', () => {
    const cases: Array[] = [random([7, 4], 21), random([4, 7], 22), random([2, 5, 5], 23), random([3, 2, 6], 24), R, mT(R), f64([[-3]]),
      np.zeros([0, 0], { dtype: 'float64' }), np.zeros([0, 3], { dtype: 'float64' }), np.zeros([2, 2], { dtype: 'float64' }), f64([[1, 1], [1, 1], [1, 1]])];
    for (const a of cases) {
      const [m, n] = a.shape.slice(-2);
      const k = Math.min(m, n);
      const batch = a.shape.slice(0, -2);
      for (const full of [false, true]) {
        const { U, S: s, Vh } = np.linalg.svd(a, full);
        expect(U.shape).toEqual([...batch, m, full ? m : k]);
        expect(Vh.shape).toEqual([...batch, full ? n : k, n]);
        expect(s.shape).toEqual([...batch, k]);
        expect(maxErr(np.matmul(mT(U), U), eyeLike(U.shape[U.ndim - 1], batch))).toBeLessThan(1e-13);
        expect(maxErr(np.matmul(Vh, mT(Vh)), eyeLike(Vh.shape[Vh.ndim - 2], batch))).toBeLessThan(1e-13);
        const us = np.multiply(U.slice(...batch.map((): [] => []), [], [0, k]), np.expandDims(s, -2));
        expect(maxErr(np.matmul(us, Vh.slice(...batch.map((): [] => []), [0, k], [])), a)).toBeLessThan(1e-13);
        if (k > 1) expect(np.min(np.negative(np.diff(s, 1, -1))).item()).toBeGreaterThanOrEqual(0);
        if (k > 0) expect(np.min(s).item()).toBeGreaterThanOrEqual(0);
      }
    }
    const [, s32] = np.linalg.svd(A43.astype('float32'));
    expect(s32.dtype).toBe('float32');
    near(s32, [5.015337870245307, 3.453963668500839, 2.3935373454282005], { tol: 1e-6 });
    const nan = np.linalg.svd(f64([[1, NaN], [0, 1]]));
    expect(globalThis.Array.from(nan.S.dataSync()).every(Number.isNaN)).toBe(true);
  });

  it('lax.linalg.svd returns [u, s, vt] (or s), full by default, as JAX', () => {
    const [u, s, vt] = lax.linalg.svd(A43);
    expect(u.shape).toEqual([4, 4]);
    expect(vt.shape).toEqual([3, 3]);
    near(s, [5.015337870245307, 3.453963668500839, 2.3935373454282005], { tol: 1e-13 });
    near(lax.linalg.svd(A43, { computeUv: false }), s.js());
  });

  it('differentiates s, u and vt, and refuses full matrices for non-square a as JAX', () => {
    const d43 = f64([[2, 0, 0], [0, 5, 0], [0, 0, 8], [0, 0, 0]]);
    const x0 = [0.3, -0.2, 0.5, 0.1, 0.4, -0.6, 0.7, 0.2, -0.1, 0.25, -0.5, 0.35];
    checkGrad((x) => np.linalg.svdvals(np.add(x, d43)), x0, [4, 3]);
    checkGrad((x) => np.linalg.svd(np.add(x, d43), false).U, x0, [4, 3]);
    checkGrad((x) => np.linalg.svd(np.add(x, d43), false).Vh, x0, [4, 3]);
    checkGrad((x) => np.linalg.svd(mT(np.add(x, d43)), false).U, x0, [4, 3]);
    checkGrad((x) => np.linalg.svd(mT(np.add(x, d43)), false).Vh, x0, [4, 3]);
    checkGrad((x) => np.linalg.svd(np.add(x, f64([[2, 0, 0], [0, 5, 0], [0, 0, 8]]))).U, x0.slice(0, 9), [3, 3]);
    expect(() => grad((x: Array) => np.sum(np.linalg.svd(x).U))(A43)).toThrow(/svd: the derivative with fullMatrices=true is not implemented for a non-square/);
    // Singular values alone are fine with full matrices requested.
    expect(grad((x: Array) => np.sum(np.linalg.svd(x, true, false)))(A43).shape).toEqual([4, 3]);
  });

  it('jit and vmap agree with eager', () => {
    const xs = random([3, 5, 3], 27);
    checkTransforms((x) => np.linalg.svdvals(x), xs);
    checkTransforms((x) => np.linalg.svd(x, false).U, xs);
    checkTransforms((x) => np.linalg.svd(mT(x)).Vh, xs);
  });
});

describe('functions built on the decompositions', () => {
  it('lstsq matches numpy: vector and matrix b; rank-deficient a', () => {
    const [x, res, rank, s] = np.linalg.lstsq(A43, f64([1, 2, 3, 4]));
    near(x, [0.5824337374035741, 0.1846650231194824, 0.8988355051635408], { tol: 1e-13 });
    near(res, [9.418879585553446], { tol: 1e-13 });
    near(rank, 3, { shape: [], dtype: 'int32' });
    near(s, [5.015337870245308, 3.4539636685008395, 2.3935373454282], { tol: 1e-13 });
    const [x2, res2] = np.linalg.lstsq(A43, f64([[1, 0], [2, 1], [3, -1], [4, 2]]));
    near(x2, [[0.5824337374035741, 0.046888810624737286], [0.1846650231194824, 0.040208586587291706], [0.8988355051635408, -0.05313277513320683]], { tol: 1e-13 });
    near(res2, [9.418879585553446, 5.911700616898241], { tol: 1e-13 });
    const [xr, , rr] = np.linalg.lstsq(R, f64([1, 2, 3]));
    near(xr, [2.3333333333333353, -1.6666666666666663, 0.6666666666666665], { tol: 1e-12 });
    near(rr, 2, { shape: [] });
    checkGrad((a) => np.linalg.lstsq(a, f64([1, 2, 3, 4]))[0], globalThis.Array.from(A43.dataSync()), [4, 3]);
  });

  it('pinv matches numpy (full rank, wide, rank-deficient) and differentiates', () => {
    near(np.linalg.pinv(A43), [[0.16396087297349504, 0.2267822451460448, 0.06493904863612099, -0.057477192942593236], [-0.3370104861339908, 0.1564808397995933, 0.08825166721577812, -0.014010292998261778], [0.15962099953420203, -0.06392110973517685, 0.16909601117915046, 0.08994217289056024]], { tol: 1e-13 });
    near(np.linalg.pinv(A34), [[0.21299981049838929, 0.2126208072768618, -0.2486261133219631], [0.057153685806329284, 0.23119196513170365, 0.03577790411218497], [0.10710631040363844, 0.05306045101383362, 0.27924957362137576], [0.1925336365359106, -0.07352662497631231, 0.1311351146484745]], { tol: 1e-13 });
    near(np.linalg.pinv(R), [[-0.03333333333333385, -0.06666666666666661, 0.8333333333333339], [0.0666666666666671, 0.13333333333333325, -0.666666666666667], [0.033333333333333236, 0.06666666666666664, 0.16666666666666682]], { tol: 1e-12 });
    const x0 = globalThis.Array.from(A43.dataSync());
    checkGrad((a) => np.linalg.pinv(a), x0, [4, 3]);
    checkGrad((a) => np.linalg.pinv(mT(a)), x0, [4, 3]);
    checkTransforms((a) => np.linalg.pinv(a), random([2, 4, 3], 31));
  });

  it('matrixRank matches numpy', () => {
    near(np.linalg.matrixRank(R), 2, { shape: [], dtype: 'int32' });
    near(np.linalg.matrixRank(A43), 3, { shape: [] });
    near(np.linalg.matrixRank(np.zeros([3, 3])), 0, { shape: [] });
    near(np.linalg.matrixRank(f64([0, 1])), 1, { shape: [] });
    near(np.linalg.matrixRank(np.stack([R, A])), [2, 3]);
  });

  it('cond matches numpy for every p; singular matrices give Infinity', () => {
    const want: [number | 'fro' | 'nuc' | null | undefined, number][] = [[undefined, 1.9032461229246456], [null, 1.9032461229246456], [2, 1.9032461229246456], [-2, 0.5254181201027949],
      ['fro', 3.429882192801487], ['nuc', 9.639351754126404], [1, 3.6288659793814433], [-1, 1.5670103092783507], [Infinity, 3.6297250859106533], [-Infinity, 1.8144329896907216]];
    for (const [p, v] of want) near(np.linalg.cond(A, p), v, { shape: [], tol: 1e-13 });
    near(np.linalg.cond(A43), 2.0953664582777045, { shape: [], tol: 1e-13 });
    near(np.linalg.cond(R, 1), Infinity, { shape: [] });
    near(np.linalg.cond(f64([[1, 0], [0, 0]])), Infinity, { shape: [] });
    checkGrad((a) => np.linalg.cond(a), globalThis.Array.from(A.dataSync()), [3, 3]);
  });

  it('norm: matrix ord 2, -2 and nuc, batched and with axes/keepdims', () => {
    near(np.linalg.norm(A, 2), 4.526585514365503, { shape: [], tol: 1e-13 });
    near(np.linalg.norm(A, -2), 2.378350051442465, { shape: [], tol: 1e-13 });
    near(np.linalg.norm(A, 'nuc'), 10.283688977044132, { shape: [], tol: 1e-13 });
    near(np.linalg.norm(np.stack([A, R]), 2, [1, 2]), [4.526585514365503, 8.435448515787048], { tol: 1e-13 });
    near(np.linalg.norm(np.stack([A, R]), 'nuc', [1, 2]), [10.283688977044132, 9.353712278279126], { tol: 1e-13 });
    near(np.linalg.norm(A43, 2, [1, 0], { keepdims: true }), [[5.015337870245307]], { tol: 1e-13 });
    near(np.linalg.norm(A43, -2, [1, 0], { keepdims: true }), [[2.393537345428201]], { tol: 1e-13 });
    checkGrad((a) => np.linalg.norm(a, 'nuc'), globalThis.Array.from(A.dataSync()), [3, 3]);
    checkGrad((a) => np.linalg.norm(a, 2), globalThis.Array.from(A.dataSync()), [3, 3]);
    expect(() => np.linalg.norm(f64([1, 2]), 'nuc')).toThrow(/needs a matrix/);
  });
});

describe('lax.linalg', () => {
  it('cholesky, lu and triangularSolve with JAX signatures', () => {
    const spd = f64([[4, 2, 0], [2, 5, 1], [0, 1, 3]]);
    const l = lax.linalg.cholesky(spd);
    expect(maxErr(np.matmul(l, mT(l)), spd)).toBeLessThan(1e-14);
    const [lu, piv, perm] = lax.linalg.lu(A);
    expect(lu.shape).toEqual([3, 3]);
    expect(piv.dtype).toBe('int32');
    expect(perm.dtype).toBe('int32');
    const b = f64([[1, 2], [3, 4], [5, 6]]);
    const x = lax.linalg.triangularSolve(l, b, { leftSide: true, lower: true });
    expect(maxErr(np.matmul(l, x), b)).toBeLessThan(1e-14);
    const y = lax.linalg.triangularSolve(l, mT(b), { lower: true, transposeA: true });
    expect(maxErr(np.matmul(y, mT(l)), mT(b))).toBeLessThan(1e-14);
  });
});

describe('bad input', () => {
  it('names the function, the shapes and the fix', () => {
    expect(() => np.linalg.eigh(A43)).toThrow(/np\.linalg\.eigh: expected a square matrix .*\[4,3\].*square symmetric/);
    expect(() => np.linalg.eigh(f64([1, 2, 3]))).toThrow(/np\.linalg\.eigh: .*shape \[3\].*reshape/);
    expect(() => np.linalg.svd(f64([1, 2, 3]))).toThrow(/np\.linalg\.svd: .*reshape/);
    expect(() => np.linalg.qr(f64(5))).toThrow(/np\.linalg\.qr: .*reshape/);
    expect(() => lax.linalg.eigh(np.array([[1, 2], [2, 1]], { dtype: 'int32' }))).toThrow(/eigh: operand dtype int32 is not supported.*astype/);
    expect(() => lax.linalg.svd(np.array([[1, 2], [2, 1]], { dtype: 'int32' }))).toThrow(/svd: operand dtype int32 .*astype/);
    expect(() => lax.linalg.qr(np.array([[1, 2], [2, 1]], { dtype: 'int32' }))).toThrow(/qr: operand dtype int32 .*astype/);
    expect(() => lax.linalg.eigh(A43)).toThrow(/eigh: expected a \(batch of\) square matrices .*4,3/);
    expect(() => lax.linalg.svd(f64([1, 2]))).toThrow(/svd: expected a \(batch of\) matrices .*reshape/);
    expect(() => np.linalg.lstsq(A43, f64([1, 2, 3]))).toThrow(/np\.linalg\.lstsq: .*b needs 4 rows/);
    // numpy converts integers to float; so does np.linalg here.
    near(np.linalg.eigvalsh(np.array([[2, 0], [0, 1]], { dtype: 'int32' })), [1, 2]);
  });

  it('works under jit with vmap over a batch of problems', () => {
    const f = jit((a: Array) => np.linalg.svdvals(np.matmul(a, mT(a))));
    const xs = random([4, 3, 3], 41);
    near(vmap(f)(xs), np.linalg.svdvals(np.matmul(xs, mT(xs))).js(), { tol: 1e-13 });
  });
});
