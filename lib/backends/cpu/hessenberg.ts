/**
 * The first steps of the CPU's eig (eig.ts): balancing and the reduction to upper Hessenberg
 * form, EISPACK's balanc and orthes + ortran, in float64 on row-major n×n matrices.
 */
/**
 * Balances the row-major n×n matrix `a` in place (EISPACK's balanc without its permutations):
 * a ← D⁻¹·a·D with D = diag(d) a diagonal of powers of two, returned in `d`.
 */
export function balance(a: Float64Array, n: number, d: Float64Array): void {
  d.fill(1);
  const radix = 2;
  const radix2 = radix * radix;
  for (let sweep = 0, changed = true; changed && sweep < 100; sweep++) {
    changed = false;
    for (let i = 0; i < n; i++) {
      let c = 0;
      let r = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j * n + i]);
        r += Math.abs(a[i * n + j]);
      }
      if (c === 0 || r === 0) continue;
      const s = c + r;
      let f = 1;
      // Find f = 2^k with c·f² ≈ r (c tracks c·f²).
      let g = r / radix;
      while (c < g) { f *= radix; c *= radix2; }
      g = r * radix;
      while (c >= g) { f /= radix; c /= radix2; }
      if ((c + r) / f < 0.95 * s) {
        changed = true;
        d[i] *= f;
        const inv = 1 / f;
        for (let j = 0; j < n; j++) a[i * n + j] *= inv;
        for (let j = 0; j < n; j++) a[j * n + i] *= f;
      }
    }
  }
}

/**
 * Householder reduction of the row-major n×n `h` to upper Hessenberg form in place (EISPACK's
 * orthes), with the orthogonal transformation accumulated into `v` (ortran): a = v·h·vᵀ.
 */
export function hessenberg(h: Float64Array, v: Float64Array, n: number, ort: Float64Array): void {
  ort.fill(0);
  for (let m = 1; m < n - 1; m++) {
    let scale = 0;
    for (let i = m; i < n; i++) scale += Math.abs(h[i * n + m - 1]);
    if (scale === 0) continue;
    // The reflector I − u·uᵀ/hh that zeroes column m−1 below the subdiagonal.
    let hh = 0;
    for (let i = n - 1; i >= m; i--) {
      ort[i] = h[i * n + m - 1] / scale;
      hh += ort[i] * ort[i];
    }
    const g = ort[m] > 0 ? -Math.sqrt(hh) : Math.sqrt(hh);
    hh -= ort[m] * g;
    ort[m] -= g;
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = n - 1; i >= m; i--) f += ort[i] * h[i * n + j];
      f /= hh;
      for (let i = m; i < n; i++) h[i * n + j] -= f * ort[i];
    }
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = n - 1; j >= m; j--) f += ort[j] * h[i * n + j];
      f /= hh;
      for (let j = m; j < n; j++) h[i * n + j] -= f * ort[j];
    }
    ort[m] *= scale;
    h[m * n + m - 1] = scale * g;
  }
  v.fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let m = n - 2; m >= 1; m--) {
    const hm = h[m * n + m - 1];
    if (hm === 0) continue;
    for (let i = m + 1; i < n; i++) ort[i] = h[i * n + m - 1];
    for (let j = m; j < n; j++) {
      let g = 0;
      for (let i = m; i < n; i++) g += ort[i] * v[i * n + j];
      // Two divisions, as ortran: ort[m]·hm could underflow.
      g = g / ort[m] / hm;
      for (let i = m; i < n; i++) v[i * n + j] += g * ort[i];
    }
  }
  // The reflectors were stored below the subdiagonal: clear them.
  for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) h[i * n + j] = 0;
}
