/** A seeded uniform [0, 1) generator (mulberry32), shared by the randomized tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const randInt = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** All multi-indices of `shape` in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = prod(shape);
  for (let f = 0; f < n; f++) {
    const idx = new Array<number>(shape.length);
    let rem = f;
    for (let k = shape.length - 1; k >= 0; k--) { idx[k] = rem % shape[k]; rem = Math.floor(rem / shape[k]); }
    yield idx;
  }
}

/** The row-major flat offset of a multi-index. */
export function flat(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let k = 0; k < shape.length; k++) f = f * shape[k] + idx[k];
  return f;
}
