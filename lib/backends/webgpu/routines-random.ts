/**
 * WGSL bit routines for the PRNG (lib/backends/cpu/random.ts): threefry2x32, logical shifts and
 * bit reinterpretation. The int32 buffers hold uint32 words, so shaders bind them as u32 and do
 * the arithmetic mod 2^32 there. Rank-0 operands broadcast (the primitives allow only that).
 */
import { size } from '../../core/ir.js';
import { type GpuRoutine, avalKey, declare, launch, perPoint } from './routines-common.js';

const U = 'u32';

/** The element of operand `k` that output element `i` reads: a single-element operand broadcasts. */
const at = (k: number, n: number): string => (n === 1 ? `x${k}[0]` : `x${k}[i]`);

/**
 * Threefry-2x32, 20 rounds (Random123): five groups of four rounds with rotations from R0 then
 * R1 alternately, each group followed by a key injection (ks[s], ks[s+1] + s), where
 * ks = [k0, k1, k0 ^ k1 ^ 0x1BD11BDA].
 */
const R0 = [13, 15, 26, 6];
const R1 = [17, 29, 16, 24];

const threefry: GpuRoutine = (dev, ins, inAvals, outAvals) => {
  const ns = inAvals.map((a) => size(a.shape));
  const n = size(outAvals[0].shape);
  const key = `threefry|${n}|${ns.map((m) => (m === 1 && n !== 1 ? 1 : 0)).join('')}`;
  const s = perPoint(key, n, declare([U, U, U, U], [U, U]), () => {
    const lines = [
      ...[0, 1, 2, 3].map((k) => `  let v${k} = ${ns[k] === 1 ? at(k, 1) : at(k, n)};`),
      '  let ks = array<u32, 3>(v0, v1, v0 ^ v1 ^ 0x1bd11bdau);',
      '  var a = v2 + ks[0];',
      '  var b = v3 + ks[1];',
    ];
    for (let g = 1; g <= 5; g++) {
      for (const r of g % 2 === 1 ? R0 : R1) lines.push(`  a = a + b; b = (b << ${r}u) | (b >> ${32 - r}u); b = b ^ a;`);
      lines.push(`  a = a + ks[${g % 3}]; b = b + ks[${(g + 1) % 3}] + ${g}u;`);
    }
    lines.push('  o0[i] = a;', '  o1[i] = b;');
    return lines;
  });
  return launch(dev, s, ins, outAvals);
};

/**
 * A logical shift on the dtype's bits (int8/uint8: the low 8 of the word); amounts outside
 * [0, width) give 0 (XLA), where WGSL would shift mod 32. The routine's caller narrows the result.
 */
function shift(op: '<<' | '>>'): GpuRoutine {
  return (dev, ins, inAvals, [o]) => {
    const n = size(o.shape);
    const [nx, ny] = inAvals.map((a) => size(a.shape));
    const width = o.dtype === 'int8' || o.dtype === 'uint8' ? 8 : 32;
    const key = `shift|${op}|${n}|${nx === 1}|${ny === 1}|${width}`;
    const x = nx === 1 ? at(0, 1) : at(0, n);
    const s = perPoint(key, n, declare([U, 'i32'], [U]), () => [
      `  let s = ${ny === 1 ? at(1, 1) : at(1, n)};`,
      `  o0[i] = select(0u, ${width === 8 ? `(${x} & 255u)` : x} ${op} u32(s), s >= 0i && s < ${width}i);`,
    ]);
    return launch(dev, s, ins, [o]);
  };
}

/** Between the 32-bit dtypes the device holds, the words are the bits: a buffer copy keeps them. */
const bitcast: GpuRoutine = (dev, [x], [xa], [o]) => {
  if (size(xa.shape) !== size(o.shape)) throw new Error(`webgpu: bitcast_convert_type ${avalKey([xa])} -> ${avalKey([o])} needs a 64-bit dtype, which the device lacks`);
  const out = dev.alloc(o);
  dev.queue.copy(x.buffer, 0, out.buffer, 0, out.n * 4);
  return [out];
};

export const RANDOM_ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  threefry2x32: threefry,
  shift_left: shift('<<'),
  shift_right_logical: shift('>>'),
  bitcast_convert_type: bitcast,
};
