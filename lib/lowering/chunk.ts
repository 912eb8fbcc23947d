/**
 * Chunked reductions. A reduction over more than a few thousand elements per output point is
 * summed in fixed chunks: each chunk from the reduction's identity in order, then the chunk
 * partials in order. The chunks are a function of the reduced extents alone (not of the kept
 * axes, the strides or the renderer), so `vmap(f)(xs)[i]` equals `f(xs[i])` bit for bit, and any
 * thread count gives the same bits: the partials kernel keeps the chunk axes as outer kept axes,
 * which the renderers vectorise and split between threads like any other kernel's points.
 *
 * A kernel with reductions r_0 … r_{n-1} becomes, per reduction, a partials kernel (r_i's chunks,
 * and the outputs written in r_i's loop) and a fold kernel (the partials in order), each reading
 * the earlier reductions' results from the slots their folds wrote. Outputs written after every
 * reduction over the whole domain get one more elementwise kernel.
 */
import type { DType } from '../core/dtype.js';
import type { Aval } from '../core/ir.js';
import { type Expr, type Interner, mapLeaves } from './expr.js';
import type { Kernel, Step } from './program.js';
import { type View, contiguousStrides } from './view.js';

type KernelBody = Omit<Kernel, 'key'>;

/**
 * How a reduced domain splits into chunks: `j` is the reduced axis that is cut, into extent / d
 * chunk rows of d; axes after j are whole inside every chunk. Undefined: no chunking (at most
 * `chunk` elements, or no cut gives chunks of at least chunk / 8, as for a large prime extent).
 */
export function chunkSplit(reduced: readonly number[], chunk: number): { j: number; d: number; size: number } | undefined {
  const R = reduced.reduce((a, b) => a * b, 1);
  if (R <= chunk) return undefined;
  let j = reduced.length - 1;
  let inner = 1;
  while (j > 0 && inner * reduced[j] <= chunk) inner *= reduced[j--];
  let d = Math.min(reduced[j], Math.floor(chunk / inner));
  while (reduced[j] % d !== 0) d--;
  const size = d * inner;
  return size * 8 >= chunk ? { j, d, size } : undefined;
}

/** The steps computing `k` with chunked reductions; undefined when none of its reductions is large. */
export function chunkReductions(
  k: KernelBody, ins: readonly number[], outs: readonly number[], chunk: number,
  it: Interner, slot: (a: Aval) => number, finish: (k: KernelBody) => Kernel,
): Step[] | undefined {
  const K = k.nKept;
  const kept = k.domain.slice(0, K);
  const reduced = k.domain.slice(K);
  const cut = k.reductions.length ? chunkSplit(reduced, chunk) : undefined;
  if (!cut) return undefined;
  const { j, d } = cut;
  const chunks = [...reduced.slice(0, j), reduced[j] / d];
  const within = [d, ...reduced.slice(j + 1)];
  const C = chunks.length;
  const keptStrides = contiguousStrides(kept);
  const partialStrides = contiguousStrides([...chunks, ...kept]);
  /** A View over `shape` reading a [kept…] buffer at the kept axes, which start at axis `from`. */
  const keptView = (shape: readonly number[], from: number): View =>
    ({ shape, strides: shape.map((_, a) => (a >= from && a < from + K ? keptStrides[a - from] : 0)), offset: 0 });

  // partials kernels: [chunks…, kept…, within…], the chunk axes kept and outermost
  const pDomain = [...chunks, ...kept, ...within];
  const toP = (v: View): View => {
    const r = v.strides.slice(K);
    return { shape: pDomain, strides: [...r.slice(0, j), r[j] * d, ...v.strides.slice(0, K), r[j], ...r.slice(j + 1)], offset: v.offset };
  };
  // fold kernels: [kept…, chunks…], the chunk axes reduced
  const fDomain = [...kept, ...chunks];
  const toF = (v: View): View => ({ shape: fDomain, strides: [...v.strides.slice(0, K), ...chunks.map(() => 0)], offset: v.offset });

  /** Slots of the finished reductions' results. */
  const done: number[] = [];
  /** A kernel's inputs (program slots) and their dtypes, numbered by first use. */
  const bindings = () => {
    const slots: number[] = [];
    const dtypes: DType[] = [];
    const input = (s: number, dtype: DType): number => {
      let n = slots.indexOf(s);
      if (n < 0) { n = slots.length; slots.push(s); dtypes.push(dtype); }
      return n;
    };
    /** `e` over a new domain: views through `map`, reduction `current` as the kernel's own, earlier ones read through `redView`. */
    const rebase = (e: Expr, map: (v: View) => View, redView: View, current = -1): Expr => mapLeaves(e, it, (l) => {
      if (l.kind === 'lit') return l;
      if (l.kind === 'red') return l.index === current ? it.red(0, l.dtype) : it.load(input(done[l.index], l.dtype), redView, l.dtype);
      if (l.kind === 'iota') return it.iota(map(l.view), l.dtype);
      return it.load(input(ins[l.input], l.dtype), map(l.view), l.dtype);
    })!;
    return { slots, dtypes, input, rebase };
  };
  const withLoop = (loop: number) => k.outputs.map((o, n) => [o, n] as const).filter(([o]) => o.loop === loop);

  const steps: Step[] = [];
  const n = k.reductions.length;
  k.reductions.forEach((r, i) => {
    const p = bindings();
    const pRed = keptView(pDomain, C);
    const partials = slot({ shape: [...chunks, ...kept], dtype: r.dtype });
    const inLoop = withLoop(i);
    const partialsView: View = { shape: pDomain, strides: [...partialStrides, ...within.map(() => 0)], offset: 0 };
    const red = { op: r.op, dtype: r.dtype, expr: p.rebase(r.expr, toP, pRed, i) };
    const pOuts = [
      { expr: it.red(0, r.dtype) as Expr, view: partialsView, dtype: r.dtype, loop: -1 },
      ...inLoop.map(([o]) => ({ expr: p.rebase(o.expr, toP, pRed, i), view: toP(o.view), dtype: o.dtype, loop: 0 })),
    ];
    steps.push({
      kind: 'kernel', kernel: finish({ domain: pDomain, nKept: C + K, inputs: p.dtypes, reductions: [red], outputs: pOuts }),
      ins: p.slots, outs: [partials, ...inLoop.map(([, m]) => outs[m])],
    });

    const f = bindings();
    const last = i === n - 1;
    const after = last ? withLoop(-1) : [];
    const result = !last || withLoop(n).length ? slot({ shape: kept, dtype: r.dtype }) : -1;
    const read: View = { shape: fDomain, strides: [...partialStrides.slice(C), ...partialStrides.slice(0, C)], offset: 0 };
    const fold = { op: r.op, dtype: r.dtype, expr: it.load(f.input(partials, r.dtype), read, r.dtype) };
    const fOuts = [
      ...(result >= 0 ? [{ expr: it.red(0, r.dtype) as Expr, view: keptView(fDomain, 0), dtype: r.dtype, loop: -1 }] : []),
      ...after.map(([o]) => ({ expr: f.rebase(o.expr, toF, keptView(fDomain, 0), i), view: toF(o.view), dtype: o.dtype, loop: -1 })),
    ];
    steps.push({
      kind: 'kernel', kernel: finish({ domain: fDomain, nKept: K, inputs: f.dtypes, reductions: [fold], outputs: fOuts }),
      ins: f.slots, outs: [...(result >= 0 ? [result] : []), ...after.map(([, m]) => outs[m])],
    });
    done[i] = result;
  });

  const final = withLoop(n);
  if (final.length) {
    const e = bindings();
    const outputs = final.map(([o]) => ({ expr: e.rebase(o.expr, (v) => v, keptView(k.domain, 0)), view: o.view, dtype: o.dtype, loop: 0 }));
    steps.push({
      kind: 'kernel', kernel: finish({ domain: k.domain, nKept: k.domain.length, inputs: e.dtypes, reductions: [], outputs }),
      ins: e.slots, outs: final.map(([, m]) => outs[m]),
    });
  }
  return steps;
}
