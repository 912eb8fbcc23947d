/** Domain simplification shared by the renderers. */
import type { Kernel } from './program.js';
import type { View } from './view.js';

/**
 * Merges adjacent domain axes (within the kept and within the reduced ones) along which every
 * view is evenly strided, and drops size-1 axes: most kernels become one flat loop. `map` gives
 * a view's strides over the simplified domain.
 */
export function simplifyDomain(k: Kernel, views: readonly View[]): { domain: number[]; nKept: number; map: (v: View) => number[] } {
  const groups: number[][] = [];
  let nKept = 0;
  for (let d = 0; d < k.domain.length; d++) {
    if (k.domain[d] === 1) continue;
    const last = groups[groups.length - 1];
    const sameRegion = last && (last[0] < k.nKept) === (d < k.nKept);
    const inner = last?.[last.length - 1];
    if (sameRegion && views.every((v) => v.strides[inner!] === v.strides[d] * k.domain[d])) last.push(d);
    else { groups.push([d]); if (d < k.nKept) nKept++; }
  }
  return {
    domain: groups.map((g) => g.reduce((p, d) => p * k.domain[d], 1)),
    nKept,
    map: (v) => groups.map((g) => v.strides[g[g.length - 1]]),
  };
}

/** Every view a kernel reads or writes through: its outputs', then its loads' and iotas'. */
export function kernelViews(k: Kernel, nodes: readonly { kind: string; view?: View }[]): View[] {
  const views: View[] = k.outputs.map((o) => o.view);
  for (const n of nodes) if ((n.kind === 'load' || n.kind === 'iota') && n.view) views.push(n.view);
  return views;
}
