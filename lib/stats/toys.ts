/**
 * Pseudo-experiments ("toys") for HistFactory models: datasets drawn from the model at a parameter
 * point (main bins Poisson, auxiliary data from each constraint), and maximum-likelihood fits of a
 * whole batch of them at once — the gradient and Hessian of every toy's NLL in one vmapped,
 * compiled call per Newton step, where pyhf runs one fit per toy.
 */
import type { Array } from '../core/array.js';
import * as np from '../numpy/index.js';
import { normal, split } from '../random/index.js';
import { poisson } from '../random/discrete.js';
import type { HistFactoryModel } from './histfactory.js';
import { type FitOptions, HOST, clip, fit, getCompiled, startingPoint } from './infer.js';
import { solveSPD } from './host-linalg.js';
import { factorStructured } from './sparsity.js';

/**
 * `nToys` datasets [nToys, nMain + nAux] drawn at `pars`: main bins ~ Poisson(ν(pars)); each
 * auxiliary datum ~ Normal(expected, σ) or Poisson(expected), as its constraint says (pyhf's
 * `model.make_pdf(pars).sample`). Poisson draws follow JAX's algorithms for `key`.
 */
export function sampleToys(model: HistFactoryModel, key: Array, pars: readonly number[], nToys: number): Array {
  if (!Number.isInteger(nToys) || nToys < 1) throw new Error(`stats.sampleToys: nToys must be a positive integer, got ${nToys}`);
  const p = np.array([...pars], HOST);
  const [kMain, kPois, kNorm] = split(key, 3);
  const main = poisson(kMain, model.expectedData(p), [nToys, model.nMain]).astype('float64');
  if (model.nAux === 0) return main;
  const expAux = model.expectedAuxdata(p);
  const kinds = model.auxConstraints;
  const isPois = np.array(kinds.map((c) => c.kind === 'poisson'), { dtype: 'bool', device: 'cpu' });
  const sigma = np.array(kinds.map((c) => (c.kind === 'poisson' ? 0 : c.sigma)), HOST);
  // Poisson draws need a positive rate; normal columns take theirs from the other branch.
  const rate = np.where(isPois, expAux, 1);
  const pois = poisson(kPois, rate, [nToys, model.nAux]).astype('float64');
  const gauss = np.add(expAux, np.multiply(sigma, normal(kNorm, [nToys, model.nAux], { dtype: 'float64' })));
  return np.concatenate([main, np.where(isPois, pois, gauss)], 1);
}

/** The smallest batch the fits shrink to (smaller ones run at about the same speed). */
const MIN_BATCH = 64;

/** Options of `fitBatch`: the fits' options (shared by every toy) and a progress callback. */
export interface BatchFitOptions extends FitOptions {
  /** Called after every batched Newton iteration with the number of toys converged so far and the batch size. */
  onProgress?: (converged: number, total: number) => void;
}

/** The fits of a batch of datasets (`fitBatch`): per toy, its best fit, NLL and convergence. */
export interface BatchFit {
  /** Best-fit parameters per toy. */
  bestfit: number[][];
  /** −log L at each toy's best fit (constraints included). */
  nll: number[];
  /** Whether each toy's fit reached an optimum (false: stopped by `maxIter` or a failed line search). */
  converged: boolean[];
  /** Batched Newton iterations run, until every toy stopped (at most `maxIter`). */
  iterations: number;
}

/**
 * Maximum-likelihood fits of every row of `data` ([n, nMain + nAux]) at once: projected Newton
 * steps as `stats.fit` takes them, each toy with its own active set, step and backtracking, the
 * NLL, gradient and Hessian of all toys evaluated together. A toy that does not end on a
 * positive-definite Newton step at rounding level (a kink, a bound, a saddle) is finished by
 * `stats.fit` alone, from where it stopped.
 */
export function fitBatch(model: HistFactoryModel, data: Array, opts: BatchFitOptions = {}): BatchFit {
  const P = model.parameters;
  const nPar = P.names.length;
  const n = data.shape[0];
  if (data.ndim !== 2 || data.shape[1] !== model.nMain + model.nAux) throw new Error(`stats.fitBatch: data must be [toys, ${model.nMain + model.nAux}] (main bins + auxdata), got [${data.shape}]`);
  const bounds = opts.bounds ?? P.bounds;
  const { isFixed, start } = startingPoint(model, opts);
  const X = globalThis.Array.from({ length: n }, () => [...start]);
  const fx = new globalThis.Array<number>(n).fill(Infinity);
  const done = new globalThis.Array<boolean>(n).fill(false);
  const stopped = new globalThis.Array<boolean>(n).fill(false);
  // Done on a positive-definite Newton step whose predicted decrease is at rounding level (or with
  // nothing free): a clean minimum. The others are fitted again alone, below.
  const clean = new globalThis.Array<boolean>(n).fill(false);
  const newton = new globalThis.Array<boolean>(n).fill(false);
  const b = getCompiled(model, true);
  const d = data.astype('float64');
  const maxIter = opts.maxIter ?? 100;
  // The toys still fitting, as rows of the batch the compiled functions see: when at most a
  // quarter of the rows are live, the batch shrinks to a power of two (padded with a live toy), so
  // a few slow toys do not cost a whole batch per step, and the few sizes compile once each. Rows
  // are independent (vmap), so a toy's numbers do not depend on its batch.
  let rows = X.map((_, t) => t);
  let dRows = d;
  let it = 0;
  for (; it < maxIter && done.some((v, t) => !v && !stopped[t]); it++) {
    // each live toy's row (its first, where padding repeats it)
    let row = new Map<number, number>();
    rows.forEach((t, r) => { if (!done[t] && !stopped[t] && !row.has(t)) row.set(t, r); });
    if (row.size * 4 <= rows.length && rows.length > MIN_BATCH) {
      const live = [...row.keys()];
      const size = Math.max(MIN_BATCH, 2 ** Math.ceil(Math.log2(live.length)));
      rows = [...live, ...new globalThis.Array<number>(size - live.length).fill(live[0])];
      dRows = np.take(d, np.array(rows, { dtype: 'int32', device: 'cpu' }), 0);
      row = new Map(live.map((t, r) => [t, r]));
    }
    const pa = np.array(rows.map((t) => X[t]), HOST);
    const out = b.all(pa, dRows, b.probes).dataSync() as Float64Array;
    const w = 1 + nPar + b.plan.K * nPar; // one row's [value, gradient, products]
    const val = rows.map((_, r) => out[r * w]);
    const G = rows.map((_, r) => out.subarray(r * w + 1, r * w + 1 + nPar));
    const steps: (number[] | null)[] = X.map((x, t) => {
      const r = row.get(t);
      if (r === undefined) return null;
      fx[t] = val[r];
      const g = G[r];
      const act = x.flatMap((xi, i) => (isFixed[i] || (xi <= bounds[i][0] && g[i] > 0) || (xi >= bounds[i][1] && g[i] < 0) ? [] : [i]));
      if (!act.length) { done[t] = clean[t] = true; return null; }
      const H = b.plan.assemble(out, r * w + 1 + nPar);
      const ga = act.map((i) => g[i]);
      const rhs = ga.map((q) => -q);
      // Elimination fails exactly when H is not positive definite, as Cholesky would.
      let s = b.plan.dense ? solveSPD(act.map((i) => act.map((j) => H[i][j])), rhs) : factorStructured(H, act, b.plan.block, true)?.solve(rhs) ?? null;
      newton[t] = !!s && s.every(Number.isFinite);
      if (!newton[t]) s = act.map((i, k) => -ga[k] / Math.max(Math.abs(H[i][i]), 1e-8));
      const full = new globalThis.Array<number>(nPar).fill(0);
      act.forEach((i, k) => { full[i] = s![k]; });
      return full;
    });
    // Backtracking for every toy at once: a toy keeps halving its step until the NLL does not rise.
    const dec = steps.map((s, t) => (s ? -s.reduce((acc, si, i) => acc + si * G[row.get(t)!][i], 0) : 0));
    const tiny = dec.map((q, t) => q < 1e-10 * (1 + Math.abs(fx[t])));
    const scale = steps.map(() => 1);
    const pending = steps.map((s) => s !== null);
    const next = X.map((x) => [...x]);
    for (let ls = 0; ls < 60 && pending.some(Boolean); ls++) {
      X.forEach((x, t) => { if (pending[t]) next[t] = x.map((xi, i) => (isFixed[i] ? xi : clip(xi + scale[t] * steps[t]![i], bounds[i]))); });
      const fn = b.value(np.array(rows.map((t) => next[t]), HOST), dRows).js() as number[];
      pending.forEach((p, t) => {
        if (!p) return;
        const f = fn[row.get(t)!];
        if (f <= fx[t] || (tiny[t] && scale[t] === 1)) {
          pending[t] = false;
          const moved = Math.max(...next[t].map((xi, i) => Math.abs(xi - X[t][i]) / (1 + Math.abs(X[t][i]))));
          X[t] = next[t];
          fx[t] = f;
          if (moved < 1e-13 || (tiny[t] && moved < 1e-10)) { done[t] = true; clean[t] = tiny[t] && newton[t]; }
        } else scale[t] /= 2;
      });
    }
    // A toy whose step never lowered the NLL is at its optimum to rounding, or stuck (not converged).
    pending.forEach((p, t) => { if (p) { if (tiny[t]) { done[t] = true; clean[t] = newton[t]; } else stopped[t] = true; } });
    opts.onProgress?.(done.filter(Boolean).length, n);
  }
  // A toy that stopped on something else — a kink of codes 0/1 at α = 0, a bound it crept
  // towards, a saddle point, a failed line search or maxIter — is fitted again alone by stats.fit,
  // from where it stopped: its steps handle those (a few toys of thousands, where they occur).
  const redo = X.flatMap((_, t) => (clean[t] ? [] : [t]));
  if (redo.length) {
    const rowsData = d.js() as number[][];
    for (const t of redo) {
      const r = fit(model, rowsData[t], { ...opts, init: X[t], bounds, onStep: undefined });
      X[t] = r.bestfit;
      done[t] = r.converged;
    }
  }
  const final = b.value(np.array(X, HOST), d).js() as number[];
  return { bestfit: X, nll: final, converged: done, iterations: it };
}
