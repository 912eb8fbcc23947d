/**
 * The CPU kernel of `eig` (lib/primitives/eig.ts): eigenvalues and right eigenvectors of a general
 * real square matrix, each matrix of a batch in float64 and rounded once into the outputs. The
 * method is EISPACK's (balanc, orthes + ortran, hqr2), which LAPACK's dgeev refines:
 *
 * 1. balance: a diagonal similarity D⁻¹·A·D by powers of two that makes each row's and column's
 *    off-diagonal 1-norms comparable (exact in floating point; it sharpens badly scaled inputs such
 *    as companion matrices);
 * 2. reduce to upper Hessenberg form H = Qᵀ·A·Q by Householder reflections, accumulating Q;
 * 3. the implicitly shifted (Francis double-shift) QR algorithm on H down to real Schur form
 *    T = Zᵀ·H·Z, quasi-triangular with 1×1 blocks (real eigenvalues) and 2×2 blocks (complex
 *    pairs a ± ib, the + first as in LAPACK), accumulating Z into Q; exceptional shifts after 10 and
 *    30 fruitless iterations (and every 20 after) break the cycles of the plain shift;
 * 4. eigenvectors of T by back substitution, mapped back by Q·Z and by D.
 *
 * Eigenvalues come in the order the QR iteration leaves them on the diagonal of T (as LAPACK's,
 * though not always identical to it: LAPACK also permutes while balancing). Each eigenvector is
 * normalised to unit 2-norm and then rotated by a unit complex factor so that its entry of largest
 * modulus (the first within a relative 1e-6 of the largest) is real and positive; this is
 * continuous wherever that entry is unique, and the eig jvp rule assumes it. LAPACK makes that
 * entry real too, with either sign, so a real eigenvector may differ from numpy's by a sign.
 *
 * A matrix holding NaN or ±Inf gives NaN outputs; a finite matrix whose QR iteration does not
 * converge within 30·max(10, n) iterations for one eigenvalue throws an error (it does not hang).
 */
import { size } from '../../core/ir.js';
import { EIG_PIVOT_SLACK, type EigParams } from '../../primitives/eig.js';
import { allocate } from './pool.js';
import { type CpuRoutine, registerRoutines } from './routines.js';
import { balance, hessenberg } from './hessenberg.js';

const EPS = 2.220446049250313e-16;

/** (xr + i·xi) / (yr + i·yi), scaled against overflow (Smith's algorithm). */
function cdiv(xr: number, xi: number, yr: number, yi: number): [number, number] {
  if (Math.abs(yr) > Math.abs(yi)) {
    const r = yi / yr;
    const d = yr + r * yi;
    return [(xr + r * xi) / d, (xi - r * xr) / d];
  }
  const r = yr / yi;
  const d = yi + r * yr;
  return [(r * xr + xi) / d, (r * xi - xr) / d];
}

/**
 * EISPACK's hqr2 on the upper Hessenberg row-major n×n `h`, with `v` holding the transformation
 * so far: leaves eigenvalues in (wr, wi) and the real-form eigenvectors in `v` (a complex pair's
 * vector x + i·y, for the eigenvalue with wi > 0, in columns j (x) and j + 1 (y)). Returns false
 * when an eigenvalue takes more than the iteration cap.
 */
function hqr2(h: Float64Array, v: Float64Array, nn: number, wr: Float64Array, wi: Float64Array): boolean {
  const H = (i: number, j: number): number => h[i * nn + j];
  const set = (i: number, j: number, x: number): void => { h[i * nn + j] = x; };
  const low = 0;
  const high = nn - 1;
  const maxIter = 30 * Math.max(10, nn);
  let n = nn - 1;
  let exshift = 0;
  let p = 0, q = 0, r = 0, s = 0, z = 0, t: number, w: number, x: number, y: number;

  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(H(i, j));

  let iter = 0;
  while (n >= low) {
    // The last negligible subdiagonal entry splits off the active block l..n.
    let l = n;
    while (l > low) {
      s = Math.abs(H(l - 1, l - 1)) + Math.abs(H(l, l));
      if (s === 0) s = norm;
      // (An exact zero always splits: for the zero matrix, s = norm = 0.)
      if (H(l, l - 1) === 0 || Math.abs(H(l, l - 1)) < EPS * s) break;
      l--;
    }
    if (l === n) {
      // One root.
      set(n, n, H(n, n) + exshift);
      wr[n] = H(n, n);
      wi[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // Two roots: the 2×2 block's eigenvalues.
      w = H(n, n - 1) * H(n - 1, n);
      p = (H(n - 1, n - 1) - H(n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      set(n, n, H(n, n) + exshift);
      set(n - 1, n - 1, H(n - 1, n - 1) + exshift);
      x = H(n, n);
      if (q >= 0) {
        // A real pair: rotate the block to upper triangular form.
        z = p >= 0 ? p + z : p - z;
        wr[n - 1] = x + z;
        wr[n] = z !== 0 ? x - w / z : wr[n - 1];
        wi[n - 1] = 0;
        wi[n] = 0;
        x = H(n, n - 1);
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p /= r;
        q /= r;
        for (let j = n - 1; j < nn; j++) {
          z = H(n - 1, j);
          set(n - 1, j, q * z + p * H(n, j));
          set(n, j, q * H(n, j) - p * z);
        }
        for (let i = 0; i <= n; i++) {
          z = H(i, n - 1);
          set(i, n - 1, q * z + p * H(i, n));
          set(i, n, q * H(i, n) - p * z);
        }
        for (let i = low; i <= high; i++) {
          z = v[i * nn + n - 1];
          v[i * nn + n - 1] = q * z + p * v[i * nn + n];
          v[i * nn + n] = q * v[i * nn + n] - p * z;
        }
      } else {
        // A complex pair, the one with positive imaginary part first.
        wr[n - 1] = x + p;
        wr[n] = x + p;
        wi[n - 1] = z;
        wi[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      // The shifts: the eigenvalues of the trailing 2×2 block, or an exceptional shift.
      x = H(n, n);
      y = 0;
      w = 0;
      if (l < n) {
        y = H(n - 1, n - 1);
        w = H(n, n - 1) * H(n - 1, n);
      }
      if (iter === 10 || (iter > 30 && iter % 20 === 10)) {
        // Wilkinson's ad hoc shift.
        exshift += x;
        for (let i = low; i <= n; i++) set(i, i, H(i, i) - x);
        s = Math.abs(H(n, n - 1)) + Math.abs(H(n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30 || (iter > 30 && iter % 20 === 0)) {
        // MATLAB's ad hoc shift.
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) set(i, i, H(i, i) - s);
          exshift += s;
          x = y = w = 0.964;
        }
      }
      if (++iter > maxIter) return false;
      // Look for two consecutive small subdiagonal entries: the double step starts at row m.
      let m = n - 2;
      while (m >= l) {
        z = H(m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / H(m + 1, m) + H(m, m + 1);
        q = H(m + 1, m + 1) - z - r - s;
        r = H(m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (Math.abs(H(m, m - 1)) * (Math.abs(q) + Math.abs(r)) < EPS * (Math.abs(p) * (Math.abs(H(m - 1, m - 1)) + Math.abs(z) + Math.abs(H(m + 1, m + 1))))) break;
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        set(i, i - 2, 0);
        if (i > m + 2) set(i, i - 3, 0);
      }
      // The double QR step on rows l..n and columns m..n: a chain of 3×3 reflectors.
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = H(k, k - 1);
          q = H(k + 1, k - 1);
          r = notlast ? H(k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== m) set(k, k - 1, -s * x);
        else if (l !== m) set(k, k - 1, -H(k, k - 1));
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < nn; j++) {
          p = H(k, j) + q * H(k + 1, j);
          if (notlast) {
            p += r * H(k + 2, j);
            set(k + 2, j, H(k + 2, j) - p * z);
          }
          set(k, j, H(k, j) - p * x);
          set(k + 1, j, H(k + 1, j) - p * y);
        }
        for (let i = 0; i <= Math.min(n, k + 3); i++) {
          p = x * H(i, k) + y * H(i, k + 1);
          if (notlast) {
            p += z * H(i, k + 2);
            set(i, k + 2, H(i, k + 2) - p * r);
          }
          set(i, k, H(i, k) - p);
          set(i, k + 1, H(i, k + 1) - p * q);
        }
        for (let i = low; i <= high; i++) {
          const o = i * nn;
          p = x * v[o + k] + y * v[o + k + 1];
          if (notlast) {
            p += z * v[o + k + 2];
            v[o + k + 2] -= p * r;
          }
          v[o + k] -= p;
          v[o + k + 1] -= p * q;
        }
      }
    }
  }

  if (norm === 0) return true;
  // Back substitution: the eigenvectors of the quasi-triangular T, into T's columns.
  for (n = nn - 1; n >= 0; n--) {
    p = wr[n];
    q = wi[n];
    if (q === 0) {
      // A real vector: x[n] = 1, solved upwards.
      let l = n;
      set(n, n, 1);
      for (let i = n - 1; i >= 0; i--) {
        w = H(i, i) - p;
        r = 0;
        for (let j = l; j <= n; j++) r += H(i, j) * H(j, n);
        if (wi[i] < 0) {
          z = w;
          s = r;
        } else {
          l = i;
          if (wi[i] === 0) {
            set(i, n, w !== 0 ? -r / w : -r / (EPS * norm));
          } else {
            // A 2×2 block: two real equations.
            x = H(i, i + 1);
            y = H(i + 1, i);
            q = (wr[i] - p) * (wr[i] - p) + wi[i] * wi[i];
            t = (x * s - z * r) / q;
            set(i, n, t);
            set(i + 1, n, Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z);
          }
          // Rescale against overflow.
          t = Math.abs(H(i, n));
          if (EPS * t * t > 1) for (let j = i; j <= n; j++) set(j, n, H(j, n) / t);
        }
      }
    } else if (q < 0) {
      // A complex vector (for wr[n-1] + i·wi[n-1]) in columns n−1 (real) and n (imaginary).
      let l = n - 1;
      if (Math.abs(H(n, n - 1)) > Math.abs(H(n - 1, n))) {
        set(n - 1, n - 1, q / H(n, n - 1));
        set(n - 1, n, -(H(n, n) - p) / H(n, n - 1));
      } else {
        const [cr, ci] = cdiv(0, -H(n - 1, n), H(n - 1, n - 1) - p, q);
        set(n - 1, n - 1, cr);
        set(n - 1, n, ci);
      }
      set(n, n - 1, 0);
      set(n, n, 1);
      for (let i = n - 2; i >= 0; i--) {
        let ra = 0;
        let sa = 0;
        for (let j = l; j <= n; j++) {
          ra += H(i, j) * H(j, n - 1);
          sa += H(i, j) * H(j, n);
        }
        w = H(i, i) - p;
        if (wi[i] < 0) {
          z = w;
          r = ra;
          s = sa;
        } else {
          l = i;
          if (wi[i] === 0) {
            const [cr, ci] = cdiv(-ra, -sa, w, q);
            set(i, n - 1, cr);
            set(i, n, ci);
          } else {
            // A 2×2 block: two complex equations.
            x = H(i, i + 1);
            y = H(i + 1, i);
            let vr = (wr[i] - p) * (wr[i] - p) + wi[i] * wi[i] - q * q;
            const vi = (wr[i] - p) * 2 * q;
            if (vr === 0 && vi === 0) vr = EPS * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
            const [cr, ci] = cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
            set(i, n - 1, cr);
            set(i, n, ci);
            if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
              set(i + 1, n - 1, (-ra - w * H(i, n - 1) + q * H(i, n)) / x);
              set(i + 1, n, (-sa - w * H(i, n) - q * H(i, n - 1)) / x);
            } else {
              const [er, ei] = cdiv(-r - y * H(i, n - 1), -s - y * H(i, n), z, q);
              set(i + 1, n - 1, er);
              set(i + 1, n, ei);
            }
          }
          t = Math.max(Math.abs(H(i, n - 1)), Math.abs(H(i, n)));
          if (EPS * t * t > 1) {
            for (let j = i; j <= n; j++) {
              set(j, n - 1, H(j, n - 1) / t);
              set(j, n, H(j, n) / t);
            }
          }
        }
      }
    }
  }
  // Back transformation: v ← v·T's eigenvectors (upper triangular, so column j uses rows ≤ j).
  const col = new Float64Array(nn);
  for (let j = nn - 1; j >= low; j--) {
    for (let i = low; i <= high; i++) {
      let acc = 0;
      for (let k = low; k <= Math.min(j, high); k++) acc += v[i * nn + k] * H(k, j);
      col[i] = acc;
    }
    for (let i = low; i <= high; i++) v[i * nn + j] = col[i];
  }
  return true;
}

/**
 * Column j of the complex eigenvector matrix (re, im), n×n row-major: scaled to unit 2-norm, then
 * by the unit factor that makes its largest-modulus entry real and positive.
 */
function normalise(re: Float64Array, im: Float64Array, n: number, j: number): void {
  let big = 0;
  for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(re[i * n + j]), Math.abs(im[i * n + j]));
  if (big === 0) return;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const a = re[i * n + j] / big;
    const b = im[i * n + j] / big;
    ss += a * a + b * b;
  }
  const scale = 1 / (big * Math.sqrt(ss));
  let best = 0;
  for (let i = 0; i < n; i++) {
    re[i * n + j] *= scale;
    im[i * n + j] *= scale;
    best = Math.max(best, re[i * n + j] ** 2 + im[i * n + j] ** 2);
  }
  let k = 0;
  while (re[k * n + j] ** 2 + im[k * n + j] ** 2 < best * (1 - EIG_PIVOT_SLACK)) k++;
  const mod = Math.hypot(re[k * n + j], im[k * n + j]);
  // Multiply by conj(v_k)/|v_k|.
  const cr = re[k * n + j] / mod;
  const ci = -im[k * n + j] / mod;
  for (let i = 0; i < n; i++) {
    const a = re[i * n + j];
    const b = im[i * n + j];
    re[i * n + j] = a * cr - b * ci;
    im[i * n + j] = a * ci + b * cr;
  }
  re[k * n + j] = mod;
  im[k * n + j] = 0;
}

/**
 * Eigen-decomposes the row-major n×n float64 matrix `a` (overwritten): eigenvalues into (wr, wi),
 * normalised eigenvectors as the columns of (vr, vi) when `vectors`. Throws if the QR iteration
 * does not converge.
 */
export function eigDense(a: Float64Array, n: number, wr: Float64Array, wi: Float64Array, vr: Float64Array, vi: Float64Array, vectors: boolean): void {
  const d = new Float64Array(n);
  const ort = new Float64Array(n);
  balance(a, n, d);
  hessenberg(a, vr, n, ort);
  if (!hqr2(a, vr, n, wr, wi)) {
    throw new Error(`np.linalg.eig: the QR iteration did not converge for a ${n}x${n} matrix (more than ${30 * Math.max(10, n)} iterations for one eigenvalue); the matrix is likely extremely ill-conditioned: rescale it, or check it for huge or tiny entries`);
  }
  if (!vectors) return;
  // Undo the balancing (v ← D·v), then split the real form into complex columns.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vr[i * n + j] *= d[i];
  vi.fill(0);
  for (let j = 0; j < n; j++) {
    if (wi[j] > 0 && j + 1 < n) {
      for (let i = 0; i < n; i++) {
        const x = vr[i * n + j];
        const y = vr[i * n + j + 1];
        vr[i * n + j + 1] = x;
        vi[i * n + j] = y;
        vi[i * n + j + 1] = -y;
      }
      normalise(vr, vi, n, j);
      // The conjugate pair's vector is the conjugate of the normalised one.
      for (let i = 0; i < n; i++) {
        vr[i * n + j + 1] = vr[i * n + j];
        vi[i * n + j + 1] = -vi[i * n + j];
      }
      j++;
    } else {
      normalise(vr, vi, n, j);
    }
  }
}

const eig: CpuRoutine = ([x], [xa], outAvals, { vectors }: EigParams) => {
  const n = xa.shape[xa.shape.length - 1];
  const nn = n * n;
  const outs = outAvals.map((o) => allocate(o.dtype, size(o.shape)));
  if (nn === 0) return outs;
  const [wrOut, wiOut, vrOut, viOut] = outs;
  const count = x.length / nn;
  const a = new Float64Array(nn);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  const vr = new Float64Array(nn);
  const vi = new Float64Array(nn);
  for (let t = 0; t < count; t++) {
    const off = t * nn;
    let bad = false;
    for (let i = 0; i < nn; i++) {
      a[i] = x[off + i];
      if (!Number.isFinite(a[i])) bad = true;
    }
    if (bad) {
      wrOut.fill(NaN, t * n, (t + 1) * n);
      wiOut.fill(NaN, t * n, (t + 1) * n);
      if (vectors) {
        vrOut.fill(NaN, off, off + nn);
        viOut.fill(NaN, off, off + nn);
      }
      continue;
    }
    eigDense(a, n, wr, wi, vr, vi, vectors);
    wrOut.set(wr, t * n);
    wiOut.set(wi, t * n);
    if (vectors) {
      vrOut.set(vr, off);
      viOut.set(vi, off);
    }
  }
  return outs;
};

registerRoutines({ eig });
