/**
 * Bit-level primitives for the counter-based PRNG (lib/random): the threefry2x32 block cipher,
 * logical shifts and bit reinterpretation. uint32 words live in int32 arrays (same bits); every
 * output is integer bits or a bit pattern, so none of these is differentiable: their jvp rules
 * give symbolic zero tangents, as JAX's do.
 */
import { ShapeError } from '../core/errors.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import type { Aval, Params, NoParams } from '../core/ir.js';
import { type DType, isInt } from '../core/dtype.js';
import type { JvpRule } from '../core/rules.js';
import { bind, bind1 } from '../core/trace.js';
import { zero } from './ad-util.js';
import { elementwiseBatch, moveAxis } from './batching.js';
import { type ShapeResult, broadcastScalars, checkArity, fail, fmt, ok, withShape } from './util.js';

/**
 * Integer-only elementwise operands: all int32 (threefry's uint32 bits), or for the shifts all of
 * one integer dtype; equal shapes up to rank-0 broadcasting.
 */
function intElementwise(name: string, arity: number, nOut: number, anyInt = false): (avals: readonly Aval[]) => ShapeResult {
  return (avals) => {
    const e = checkArity(name, avals, arity);
    if (e) return fail(e.message);
    if (anyInt ? !isInt(avals[0].dtype) || avals.some((a) => a.dtype !== avals[0].dtype) : avals.some((a) => a.dtype !== 'int32')) {
      const want = anyInt ? 'integers of one dtype' : 'int32 (uint32 bits)';
      return fail(`${name}: operands must be ${want}, got ${fmt(avals)}; convert with astype('int32')`);
    }
    const shape = broadcastScalars(name, avals);
    return shape instanceof ShapeError ? shape : globalThis.Array.from({ length: nOut }, () => withShape(avals[0], shape));
  };
}

/** Random bits have no derivative: outputs are recomputed, tangents are symbolic zeros. */
function zeroJvp<P extends Params>(self: () => Primitive<P>): JvpRule<P> {
  return (primals, _tangents, params) => {
    const outs = bind(self(), primals, params);
    return [outs, outs.map((o) => zero(o.aval))];
  };
}


/**
 * threefry2x32(key0, key1, x0, x1) -> (y0, y1): the 20-round Threefry-2x32 block cipher of
 * Salmon et al. (Random123) applied elementwise to counter pairs (x0, x1) under key (key0, key1).
 * All operands are int32 holding uint32 bits; rank-0 operands broadcast.
 */
export const Threefry2x32: Primitive<NoParams> = definePrimitive({
  name: 'threefry2x32',
  abstractEval: intElementwise('threefry2x32', 4, 2),
  jvp: zeroJvp(() => Threefry2x32),
  vmap: (a, d, p, n) => elementwiseBatch(Threefry2x32)(a, d, p, n),
});

/** x << y on an integer dtype's bits; shift amounts outside [0, bit width) give 0 (XLA semantics). */
export const ShiftLeft: Primitive<NoParams> = definePrimitive({
  name: 'shift_left',
  abstractEval: intElementwise('shift_left', 2, 1, true),
  jvp: zeroJvp(() => ShiftLeft),
  vmap: (a, d, p, n) => elementwiseBatch(ShiftLeft)(a, d, p, n),
});

/** x >>> y on an integer dtype's bits (zero fill); shift amounts outside [0, bit width) give 0 (XLA semantics). */
export const ShiftRightLogical: Primitive<NoParams> = definePrimitive({
  name: 'shift_right_logical',
  abstractEval: intElementwise('shift_right_logical', 2, 1, true),
  jvp: zeroJvp(() => ShiftRightLogical),
  vmap: (a, d, p, n) => elementwiseBatch(ShiftRightLogical)(a, d, p, n),
});

export interface BitcastParams { readonly [k: string]: unknown; readonly newDtype: DType }

const BITS: Partial<Record<DType, number>> = { int32: 32, uint32: 32, float32: 32, float64: 64 };

/**
 * bitcast_convert_type[newDtype]: reinterprets bits (lax.bitcast_convert_type). Equal widths keep
 * the shape (int32 <-> float32). Widening consumes a trailing axis of 2 words, narrowing adds one
 * (int32[..., 2] <-> float64[...]); words are little-endian: [..., 0] holds the low 32 bits.
 */
export const BitcastConvertType: Primitive<BitcastParams> = definePrimitive<BitcastParams>({
  name: 'bitcast_convert_type',
  abstractEval: (avals, { newDtype }): ShapeResult => {
    const e = checkArity('bitcast_convert_type', avals, 1);
    if (e) return fail(e.message);
    const [a] = avals;
    const from = BITS[a.dtype];
    const to = BITS[newDtype];
    if (from === undefined || to === undefined) {
      return fail(`bitcast_convert_type: cannot reinterpret ${a.dtype} as ${newDtype} (supported: int32, float32, float64)`);
    }
    if (from === to) return ok(withShape(a, a.shape, newDtype));
    if (from < to) {
      if (a.shape[a.shape.length - 1] !== 2) {
        return fail(`bitcast_convert_type: ${a.dtype} -> ${newDtype} needs a trailing axis of 2 words, got ${fmt(avals)}`);
      }
      return ok(withShape(a, a.shape.slice(0, -1), newDtype));
    }
    return ok(withShape(a, [...a.shape, 2], newDtype));
  },
  jvp: zeroJvp(() => BitcastConvertType),
  // Only trailing axes change, so the batch axis goes first and stays there.
  vmap: ([x], [d], params) => [[bind1(BitcastConvertType, [moveAxis(x, d ?? 0, 0)], params)], [0]],
});
