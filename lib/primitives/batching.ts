/** Batching helpers shared by the vmap rules of the primitive families. */
import type { Array } from '../core/array.js';
import { bind } from '../core/trace.js';
import type { Primitive } from '../core/primitive.js';
import type { Params } from '../core/ir.js';
import type { VmapRule } from '../core/rules.js';
import { broadcastInDim, transpose } from './ops.js';

/** Moves axis `from` of `x` to position `to`. */
export function moveAxis(x: Array, from: number, to: number): Array {
  if (from === to) return x;
  const perm = x.aval.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return transpose(x, perm);
}

/** `x` with its batch axis first; an unbatched `x` is broadcast to `size` along a new axis 0. */
export function batchFirst(x: Array, dim: number | null, size: number): Array {
  if (dim !== null) return moveAxis(x, dim, 0);
  const s = x.aval.shape;
  return broadcastInDim(x, [size, ...s], s.map((_, i) => i + 1));
}

/**
 * Elementwise primitives: batch axes go first; per-example shapes agree except rank-0 operands,
 * which stay scalar when unbatched and are broadcast when batched. Every output is batched at 0.
 */
export function elementwiseBatch(prim: Primitive): VmapRule<Params> {
  return (args, dims, params, size) => {
    let shape: readonly number[] = [];
    args.forEach((a, i) => {
      const s = dims[i] === null ? a.aval.shape : a.aval.shape.filter((_, j) => j !== dims[i]);
      if (s.length) shape = s;
    });
    const full = [size, ...shape];
    const xs = args.map((a, i) => {
      const d = dims[i];
      if (d === null) {
        if (a.aval.shape.length === 0) return a;
        return broadcastInDim(a, full, shape.map((_, j) => j + 1));
      }
      const b = moveAxis(a, d, 0);
      if (b.aval.shape.length === full.length) return b;
      return broadcastInDim(b, full, [0]);
    });
    const outs = bind(prim, xs, params);
    return [outs, outs.map(() => 0)];
  };
}
