/**
 * WGSL shape routines: dynamic slices, pad, concatenate, gather and scatter, with the CPU's
 * semantics (lib/backends/cpu/shape.ts): start indices clamped so the slice fits, gather indices
 * clamped, scatter indices out of range dropped. Pure data movement binds buffers as u32 words,
 * so bits travel unchanged whatever the dtype. Scatters run one invocation per output element
 * that walks the updates in order: deterministic without atomics, and exactly the CPU's order
 * (the last update wins; sums accumulate in update order).
 */
import { type Aval, size } from '../../core/ir.js';
import type { ConcatParams, DynSliceParams, GatherParams, PadParams } from '../../primitives/shape.js';
import { storageType } from './render-wgsl.js';
import { type GpuData, type GpuDevice, type GpuRoutine, avalKey, coords, declare, int, launch, maxBuffers, perPoint, scalars, strides } from './routines-common.js';

const U = 'u32';

/** `o0 = 0` everywhere: outputs that the CPU leaves zero (a gather from an empty operand). */
function zeros(dev: GpuDevice, o: Aval): GpuData[] {
  const n = size(o.shape);
  const s = perPoint(`zeros|${n}`, n, declare([], [U]), () => ['  o0[i] = 0u;']);
  return launch(dev, s, [], [o]);
}

/** Offset in `shape` of the point whose coordinates are the WGSL expressions `at`. */
const offsetOf = (shape: readonly number[], at: readonly string[]): string => {
  const st = strides(shape);
  const terms = at.flatMap((e, d) => (shape[d] === 1 ? [] : [st[d] === 1 ? e : `${e} * ${st[d]}i`]));
  return terms.length ? terms.join(' + ') : '0i';
};

const dynamicSlice: GpuRoutine = (dev, [x, ...idx], [xa], [o], params) => {
  const { sliceSizes } = params as DynSliceParams;
  const sc = scalars(dev, idx, 1, 2);
  const key = `dynamic_slice|${avalKey([xa, o])}|${sc.packed}`;
  const s = perPoint(key, size(o.shape), declare([U, ...sc.types], [U]), () => [
    ...coords(o.shape, 'i', 'c'),
    // JAX clamps the start so that the whole slice lies inside the operand.
    ...xa.shape.map((n, d) => `  let s${d} = clamp(${sc.at(d)}, 0i, ${n - sliceSizes[d]}i);`),
    `  o0[i] = x0[${offsetOf(xa.shape, xa.shape.map((_, d) => `(s${d} + c${d})`))}];`,
  ]);
  const outs = launch(dev, s, [x, ...sc.bufs], [o]);
  sc.done();
  return outs;
};

const dynamicUpdateSlice: GpuRoutine = (dev, [x, upd, ...idx], [xa, ua], [o]) => {
  const sc = scalars(dev, idx, 2, 3);
  const key = `dynamic_update_slice|${avalKey([xa, ua])}|${sc.packed}`;
  const r = xa.shape.length;
  const s = perPoint(key, size(o.shape), declare([U, U, ...sc.types], [U]), () => [
    ...coords(xa.shape, 'i', 'c'),
    ...xa.shape.map((n, d) => `  let u${d} = c${d} - clamp(${sc.at(d)}, 0i, ${n - ua.shape[d]}i);`),
    `  let inside = ${r === 0 ? 'true' : ua.shape.map((n, d) => `u${d} >= 0i && u${d} < ${n}i`).join(' && ')};`,
    '  if (inside) {',
    `    o0[i] = x1[${offsetOf(ua.shape, ua.shape.map((_, d) => `u${d}`))}];`,
    '  } else {',
    '    o0[i] = x0[i];',
    '  }',
  ]);
  const outs = launch(dev, s, [x, upd, ...sc.bufs], [o]);
  sc.done();
  return outs;
};

/**
 * Output element c along an axis holds operand element j where c = lo + j*(interior+1), when
 * that j is in range; every other element is the padding value (negative lo/hi crop).
 */
const pad: GpuRoutine = (dev, ins, [xa], [o], params) => {
  const { config } = params as PadParams;
  const key = `pad|${avalKey([xa, o])}|${JSON.stringify(config)}`;
  const s = perPoint(key, size(o.shape), declare([U, U], [U]), () => {
    const lines = [...coords(o.shape, 'i', 'c'), '  var hit = true;'];
    xa.shape.forEach((n, d) => {
      const [lo, , interior] = config[d];
      const step = interior + 1;
      lines.push(`  let t${d} = c${d} - ${int(lo)};`);
      const rem = step === 1 ? '' : ` || t${d} % ${step}i != 0i`;
      lines.push(`  if (t${d} < 0i${rem} || t${d} / ${step}i >= ${n}i) { hit = false; }`);
    });
    const at = offsetOf(xa.shape, xa.shape.map((_, d) => (config[d][2] === 0 ? `t${d}` : `(t${d} / ${config[d][2] + 1}i)`)));
    lines.push(`  if (hit) { o0[i] = x0[${at}]; } else { o0[i] = x1[0]; }`);
    return lines;
  });
  return launch(dev, s, ins, [o]);
};

/**
 * Inputs in groups that fit the device's binding limit (8 storage buffers on SwiftShader): each
 * group's dispatch writes the output's slab along `dimension` that its inputs fill.
 */
const concatenate: GpuRoutine = (dev, ins, avals, [o], params) => {
  const { dimension: dim } = params as ConcatParams;
  const out = dev.alloc(o);
  if (out.n === 0) return [out];
  const pre = size(o.shape.slice(0, dim));
  const post = size(o.shape.slice(dim + 1));
  const D = o.shape[dim];
  const room = maxBuffers(dev) - 1;
  const parts = ins.map((b, k) => ({ b, len: avals[k].shape[dim], at: 0 }));
  let at = 0;
  for (const p of parts) { p.at = at; at += p.len; }
  const live = parts.filter((p) => p.len > 0);
  for (let g = 0; g < live.length; g += room) {
    const group = live.slice(g, g + room);
    const start = group[0].at;
    const m = group.reduce((t, p) => t + p.len, 0);
    const lens = group.map((p) => p.len);
    const key = `concatenate|${pre},${D},${post}|${start}|${lens.join(',')}`;
    const s = perPoint(key, pre * m * post, declare(group.map(() => U), [U]), () => {
      const lines = [
        `  let p = i / ${m * post}i;`,
        `  let a = (i / ${post}i) % ${m}i;`,
        `  let q = i % ${post}i;`,
        `  let dst = (p * ${D}i + ${start}i + a) * ${post}i + q;`,
      ];
      let from = 0;
      lens.forEach((len, k) => {
        const cond = k === lens.length - 1 ? '' : `if (a < ${from + len}i) `;
        const src = `x${k}[(p * ${len}i + a - ${from}i) * ${post}i + q]`;
        lines.push(`  ${k === 0 ? '' : 'else '}${cond}{ o0[dst] = ${src}; }`);
        from += len;
      });
      return lines;
    });
    dev.queue.dispatch(s.source, [...group.map((p) => p.b.buffer), out.buffer], s.groups);
  }
  return [out];
};

/** Gather/scatter geometry: indices [...batch, k] over `axes`; the other axes form a block of R. */
function indexing(xa: Aval, ia: Aval, axes: readonly number[]) {
  const k = axes.length;
  const nb = size(ia.shape.slice(0, -1));
  const restAxes = xa.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const restShape = restAxes.map((d) => xa.shape[d]);
  return { k, nb, restAxes, restShape, R: size(restShape) };
}

const gather: GpuRoutine = (dev, ins, [xa, ia], [o], params) => {
  const { axes } = params as GatherParams;
  const { k, R, restAxes, restShape } = indexing(xa, ia, axes);
  // An empty indexed axis has nothing to clamp to; the CPU leaves the output zero.
  if (size(xa.shape) === 0) return zeros(dev, o);
  const key = `gather|${avalKey([xa, ia, o])}|${axes.join(',')}`;
  const s = perPoint(key, size(o.shape), declare([U, 'i32'], [U]), () => {
    const at = new Array<string>(xa.shape.length);
    restAxes.forEach((d, j) => { at[d] = `r${j}`; });
    axes.forEach((d, j) => { at[d] = `clamp(x1[b * ${k}i + ${j}i], 0i, ${xa.shape[d] - 1}i)`; });
    return [
      `  let b = i / ${Math.max(R, 1)}i;`,
      `  let r = i % ${Math.max(R, 1)}i;`,
      ...coords(restShape, 'r', 'r'),
      `  o0[i] = x0[${offsetOf(xa.shape, at)}];`,
    ];
  });
  return launch(dev, s, ins, [o]);
};

/**
 * scatter / scatter_add: each output element checks every batch point in order; a point whose
 * indices equal the element's indexed coordinates contributes its update (indices out of range
 * never match, so they are dropped). Booleans add with OR, as XLA does.
 */
function scatterRoutine(add: boolean): GpuRoutine {
  return (dev, ins, [xa, ia], [o], params) => {
    const { axes } = params as GatherParams;
    const { k, nb, R, restAxes, restShape } = indexing(xa, ia, axes);
    const t = add ? storageType(xa.dtype) : U;
    const key = `scatter|${add}|${avalKey([xa, ia])}|${axes.join(',')}`;
    const s = perPoint(key, size(o.shape), declare([t, 'i32', t], [t]), () => {
      const match = axes.map((d, j) => `x1[b * ${k}i + ${j}i] == c${d}`).join(' && ') || 'true';
      const combine = !add ? 'u' : xa.dtype === 'bool' ? 'v | u' : 'v + u';
      return [
        ...coords(xa.shape, 'i', 'c'),
        `  let r = ${offsetOf(restShape, restAxes.map((d) => `c${d}`))};`,
        '  var v = x0[i];',
        `  for (var b = 0i; b < ${nb}i; b++) {`,
        `    if (${match}) { let u = x2[b * ${R}i + r]; v = ${combine}; }`,
        '  }',
        '  o0[i] = v;',
      ];
    });
    return launch(dev, s, ins, [o]);
  };
}

export const SHAPE_ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  dynamic_slice: dynamicSlice,
  dynamic_update_slice: dynamicUpdateSlice,
  pad,
  concatenate,
  gather,
  scatter: scatterRoutine(false),
  scatter_add: scatterRoutine(true),
};
