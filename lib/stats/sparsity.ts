/**
 * The sparsity of a HistFactory NLL's Hessian, and the Newton step that uses it. The NLL is a sum
 * of per-bin Poisson terms and per-parameter constraints, so two parameters with no main bin in
 * common have a zero mixed derivative. Per-bin parameters (staterror, shapesys, shapefactor γ)
 * touch one bin each: the Hessian is a few dense rows and columns (the global parameters: POI,
 * lumi, normsys, histosys) bordering a block-diagonal rest. Two consequences:
 *
 *  - the Hessian is recovered from a few Hessian-vector products: one per global parameter (its
 *    column), and one per "colour" of local parameters, a sum of unit vectors of parameters that
 *    no parameter's bins overlap twice (so each entry of the product is one Hessian entry); the
 *    global rows of local columns follow by symmetry. The L benchmark model (306 parameters)
 *    needs 7 products instead of 306;
 *  - the Newton system is solved by eliminating the local blocks (a Schur complement onto the
 *    globals), O(n·g²) instead of O(n³).
 */
import { type Factor, factorLU, factorSPD } from './host-linalg.js';

/** Parameters touching at most this many bins are local (coloured); the others are global. */
const LOCAL_MAX_BINS = 4;
/** Local blocks above this size are solved as part of the global system. */
const BLOCK_MAX = 16;

export interface HessianPlan {
  n: number;
  /** Probe directions [K, n], row-major: the Hessian-vector products to compute. */
  probes: Float64Array;
  K: number;
  /** Whether the probes are the identity (no usable sparsity: the dense Hessian). */
  dense: boolean;
  /** The Hessian [n][n] from the products `HV` (K rows of n, row-major, from `offset`). */
  assemble(HV: ArrayLike<number>, offset?: number): Float64Array[];
  /** Per parameter: its local block's id, or -1 for a global parameter. */
  block: Int32Array;
}

/** The plan for parameters touching `bins[i]` main bins. */
export function hessianPlan(bins: readonly (readonly number[])[]): HessianPlan {
  const n = bins.length;
  const isLocal = bins.map((b) => b.length <= LOCAL_MAX_BINS);
  const globals = bins.map((_, i) => i).filter((i) => !isLocal[i]);
  // Locals by bin, for neighbourhoods (locals sharing a bin) and blocks (their connected components).
  const byBin = new Map<number, number[]>();
  bins.forEach((bs, i) => { if (isLocal[i]) for (const b of bs) { let l = byBin.get(b); if (!l) byBin.set(b, (l = [])); l.push(i); } });
  const hood = (i: number): number[] => [...new Set([i, ...bins[i].flatMap((b) => byBin.get(b)!)])];
  // Greedy distance-2 colouring: a colour may not hold two members of any local's neighbourhood.
  const covered: Set<number>[] = [];
  const colours: number[][] = [];
  const owner: Map<number, number>[] = []; // per colour: local k -> the member of its neighbourhood
  for (let j = 0; j < n; j++) {
    if (!isLocal[j]) continue;
    const h = hood(j);
    let c = covered.findIndex((cov) => h.every((k) => !cov.has(k)));
    if (c < 0) { c = colours.length; covered.push(new Set()); colours.push([]); owner.push(new Map()); }
    colours[c].push(j);
    for (const k of h) { covered[c].add(k); owner[c].set(k, j); }
  }
  const block = new Int32Array(n).fill(-1);
  const parent = bins.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) i = parent[i] = parent[parent[i]]; return i; };
  for (const l of byBin.values()) for (const k of l) parent[find(k)] = find(l[0]);
  bins.forEach((_, i) => { if (isLocal[i]) block[i] = find(i); });

  const K = globals.length + colours.length;
  if (K >= n) {
    const probes = new Float64Array(n * n);
    for (let i = 0; i < n; i++) probes[i * n + i] = 1;
    // Product j is column j (laid out as jacfwd(jacrev) lays out the dense Hessian).
    const assemble = (HV: ArrayLike<number>, offset = 0) => bins.map((_, i) => {
      const r = new Float64Array(n);
      for (let j = 0; j < n; j++) r[j] = HV[offset + j * n + i];
      return r;
    });
    return { n, probes, K: n, dense: true, assemble, block };
  }
  const probes = new Float64Array(K * n);
  globals.forEach((g, p) => { probes[p * n + g] = 1; });
  colours.forEach((members, c) => { for (const j of members) probes[(globals.length + c) * n + j] = 1; });
  const locals = bins.map((_, i) => i).filter((i) => isLocal[i]);
  const ownerOf = owner.map((m) => locals.map((k) => m.get(k) ?? -1));
  const assemble = (HV: ArrayLike<number>, offset = 0): Float64Array[] => {
    const H = bins.map(() => new Float64Array(n));
    globals.forEach((g, p) => {
      const o = offset + p * n;
      for (let r = 0; r < n; r++) H[r][g] = HV[o + r];
      for (const k of locals) H[g][k] = HV[o + k];
    });
    ownerOf.forEach((own, c) => {
      const o = offset + (globals.length + c) * n;
      locals.forEach((k, li) => { const j = own[li]; if (j >= 0) H[k][j] = HV[o + k]; });
    });
    return H;
  };
  return { n, probes, K, dense: false, assemble, block };
}

/**
 * A factorization of H restricted to the indices `act` (the free parameters), eliminating the
 * local blocks: `solve(b)` (b and x aligned with `act`) and `inverse()` (of H[act][act]). `spd`:
 * Cholesky factors (null unless positive definite), else LU with partial pivoting (null when
 * singular). Null too when a block or the Schur complement fails.
 */
export interface Structured { solve(b: readonly number[]): number[]; inverse(): number[][] }

export function factorStructured(H: readonly Float64Array[], act: readonly number[], block: Int32Array, spd: boolean): Structured | null {
  const factor = spd ? factorSPD : factorLU;
  const groups = new Map<number, number[]>(); // block id -> positions in act
  const gPos: number[] = [];
  act.forEach((i, k) => { const b = block[i]; if (b < 0) gPos.push(k); else { let l = groups.get(b); if (!l) groups.set(b, (l = [])); l.push(k); } });
  const blocks: number[][] = [];
  for (const l of groups.values()) (l.length > BLOCK_MAX ? gPos.push(...l) : blocks.push(l));
  gPos.sort((a, b) => a - b);
  const G = gPos.map((k) => act[k]);
  const ng = G.length;
  // Per block c: its factor (null for a 1×1 block, whose pivot is d) and W = D⁻¹ H[c][G].
  const facs: { pos: number[]; idx: number[]; f: Factor | null; d: number; W: Float64Array[] }[] = [];
  const S = G.map((gi) => Float64Array.from(G, (gj) => H[gi][gj]));
  for (const pos of blocks) {
    const idx = pos.map((k) => act[k]);
    let f: Factor | null = null, d = NaN;
    let W: Float64Array[];
    if (idx.length === 1) {
      d = H[idx[0]][idx[0]];
      if (spd ? !(d > 0) : !(d !== 0 && Number.isFinite(d))) return null;
      const h = H[idx[0]];
      W = [Float64Array.from(G, (g) => h[g] / d)];
    } else {
      f = factor(idx.map((i) => idx.map((j) => H[i][j])));
      if (!f) return null;
      W = idx.map(() => new Float64Array(ng));
      for (let g = 0; g < ng; g++) f.solve(idx.map((i) => H[i][G[g]])).forEach((v, r) => { W[r][g] = v; });
    }
    // S -= H[G][c] W
    for (let a = 0; a < ng; a++) {
      const Ha = H[G[a]], Sa = S[a];
      for (let r = 0; r < idx.length; r++) {
        const h = Ha[idx[r]];
        if (h !== 0) { const Wr = W[r]; for (let b = 0; b < ng; b++) Sa[b] -= h * Wr[b]; }
      }
    }
    facs.push({ pos, idx, f, d, W });
  }
  const fs = ng ? factor(S) : null;
  if (ng && !fs) return null;
  const blockSolve = (c: (typeof facs)[number], b: readonly number[]): number[] => (c.f ? c.f.solve(b) : [b[0] / c.d]);
  return {
    solve(rhs) {
      const y = gPos.map((k) => rhs[k]);
      const z = facs.map((c) => blockSolve(c, c.pos.map((k) => rhs[k])));
      facs.forEach(({ idx }, c) => {
        for (let a = 0; a < ng; a++) {
          const Ha = H[G[a]];
          for (let r = 0; r < idx.length; r++) y[a] -= Ha[idx[r]] * z[c][r];
        }
      });
      const xg = fs ? fs.solve(y) : [];
      const x = new globalThis.Array<number>(act.length).fill(0);
      gPos.forEach((k, a) => { x[k] = xg[a]; });
      facs.forEach(({ pos, W }, c) => pos.forEach((k, r) => {
        let v = z[c][r];
        const Wr = W[r];
        for (let a = 0; a < ng; a++) v -= Wr[a] * xg[a];
        x[k] = v;
      }));
      return x;
    },
    inverse() {
      const m = act.length;
      const inv = act.map(() => new globalThis.Array<number>(m).fill(0));
      const Sinv = fs ? fs.inverse() : [];
      gPos.forEach((k, a) => gPos.forEach((l, b) => { inv[k][l] = Sinv[a][b]; }));
      // V = W S⁻¹ per block: inv[c][G] = −V, inv[c][c'] = δ D⁻¹ + V W'ᵀ.
      const Vs = facs.map(({ W }) => W.map((Wr) => Sinv.map((_, b) => { let s = 0; for (let a = 0; a < ng; a++) s += Wr[a] * Sinv[a][b]; return s; })));
      facs.forEach((fc, c) => {
        const { pos } = fc;
        const V = Vs[c];
        pos.forEach((k, r) => gPos.forEach((l, b) => { inv[k][l] = -V[r][b]; inv[l][k] = -V[r][b]; }));
        const Dinv = fc.f ? fc.f.inverse() : [[1 / fc.d]];
        facs.forEach(({ pos: pos2, W: W2 }, c2) => pos.forEach((k, r) => pos2.forEach((l, r2) => {
          let s = c === c2 ? Dinv[r][r2] : 0;
          for (let a = 0; a < ng; a++) s += V[r][a] * W2[r2][a];
          inv[k][l] = s;
        })));
      });
      return inv;
    },
  };
}
