/** CPU kernels for the PRNG bit primitives (lib/primitives/random.ts); uint32 words in int32 arrays. */
import { size } from '../../core/ir.js';
import { type TypedArray, ITEMSIZE, typedArrayFor } from '../../core/dtype.js';
import { type CpuRoutine, registerRoutines } from './routines.js';

const R0 = [13, 15, 26, 6];
const R1 = [17, 29, 16, 24];
const ks = new Int32Array(3); // key schedule scratch (no allocation per block)

/**
 * Threefry-2x32 with 20 rounds (Random123): five groups of four rounds, the rotations alternating
 * between R0 and R1, and a key injection (ks[s], ks[s+1] + s) after each group, where
 * ks = [k0, k1, k0 ^ k1 ^ 0x1BD11BDA]. All arithmetic is mod 2^32 (`| 0`, `>>>`).
 */
export function threefry2x32Block(k0: number, k1: number, x0: number, x1: number, out: Int32Array, i: number, n: number): void {
  ks[0] = k0;
  ks[1] = k1;
  ks[2] = k0 ^ k1 ^ 0x1bd11bda;
  let a = (x0 + ks[0]) | 0;
  let b = (x1 + ks[1]) | 0;
  for (let s = 1; s <= 5; s++) {
    const rot = s % 2 === 1 ? R0 : R1;
    for (let r = 0; r < 4; r++) {
      a = (a + b) | 0;
      b = (b << rot[r]) | (b >>> (32 - rot[r]));
      b ^= a;
    }
    a = (a + ks[s % 3]) | 0;
    b = (b + ks[(s + 1) % 3] + s) | 0;
  }
  out[i] = a;
  out[i + n] = b;
}

const at = (x: TypedArray, k: number, n: number): number => (x.length === 1 && n !== 1 ? x[0] : x[k]);

/** A shift on the dtype's bits: `f` sees x as its unsigned bit pattern; the store wraps the result. */
function shift(f: (x: number, s: number) => number): CpuRoutine {
  return ([x, y], _in, [o]) => {
    const n = size(o.shape);
    const out = typedArrayFor(o.dtype, n);
    const bits = ITEMSIZE[o.dtype] * 8;
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    for (let i = 0; i < n; i++) {
      const s = at(y, i, n);
      // XLA: a shift by an amount outside [0, bitwidth) gives 0 for logical shifts.
      out[i] = s < 0 || s >= bits ? 0 : f((at(x, i, n) & mask) >>> 0, s);
    }
    return [out];
  };
}

registerRoutines({
  threefry2x32: ([k0, k1, x0, x1], _in, [o]) => {
    const n = size(o.shape);
    const both = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) threefry2x32Block(at(k0, i, n), at(k1, i, n), at(x0, i, n), at(x1, i, n), both, i, n);
    return [both.slice(0, n), both.slice(n)];
  },
  shift_left: shift((x, s) => x << s),
  shift_right_logical: shift((x, s) => x >>> s),
  bitcast_convert_type: ([x], _in, [o]) => {
    const n = size(o.shape);
    // Reinterpret through the bytes; typed arrays are little-endian on every platform we run on.
    const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength).slice();
    const out = o.dtype === 'float64' ? new Float64Array(bytes.buffer) : o.dtype === 'float32' ? new Float32Array(bytes.buffer)
      : o.dtype === 'uint32' ? new Uint32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    if (out.length !== n) throw new Error(`bitcast_convert_type: ${out.length} elements for ${n} outputs`);
    return [out];
  },
});
