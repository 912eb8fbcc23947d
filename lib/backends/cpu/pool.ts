/**
 * Reuse of CPU buffers the library knows are dead: intermediates freed by a program's memory
 * plan, and arrays released by `dispose()` / `using` / `scope`. A fresh large typed array costs
 * its page faults on first touch (about 14 ms per 4 MB on a small VM, against 0.03 ms to touch
 * reused memory); a recycled one costs a zero fill. A small one costs its ArrayBuffer's backing
 * store too (1-5 µs from 72 bytes up, in Node 20, against ~0.1 µs for a pooled one), which is most
 * of a tiny program's call: small intermediates are pooled as well. Arrays the garbage collector reclaims never
 * come back here (that is what keeps a plain synchronous loop flat without any `dispose`), and the
 * pool itself is bounded.
 */
import { type DType, type TypedArray, dtypeOfTypedArray, typedArrayFor } from '../../core/dtype.js';
import { onClearCaches } from '../../core/lru.js';

/**
 * Arrays up to this size live on V8's heap, inside their JS object (typed_array_max_size_in_heap):
 * cheap to make, and their `.buffer` would have to be moved off the heap. Not pooled.
 */
const ON_HEAP_BYTES = 64;
/** The most the pool holds; a buffer that would overflow it is left to the garbage collector. */
const MAX_BYTES = 256 << 20;
/**
 * The most small arrays (under 64 KB) it holds: many of them cost more in their objects than in
 * their bytes, and they must not crowd out the large ones, whose reuse saves the most.
 */
const SMALL_BYTES = 1 << 16;
const MAX_SMALL = 4096;

/** Per dtype, by element count (no key string to build and hash per allocation). */
const free = new Map<DType, Map<number, TypedArray[]>>();
/** What the pool holds, so that a buffer released twice is never handed out twice. */
const pooled = new WeakSet<TypedArray>();
let held = 0;
let count = 0;
let small = 0;

/** A zeroed array of n elements of dtype: a recycled one where the pool has one. */
export function allocate(dtype: DType, n: number): TypedArray {
  // No element is wider than 8 bytes: this few were on the heap, never pooled.
  if (n * 8 <= ON_HEAP_BYTES || count === 0) return typedArrayFor(dtype, n);
  const a = free.get(dtype)?.get(n)?.pop();
  if (a === undefined) return typedArrayFor(dtype, n);
  pooled.delete(a);
  held -= a.byteLength;
  count--;
  if (a.byteLength < SMALL_BYTES) small--;
  return a.fill(0);
}

/** Hands a dead array to the pool (the caller guarantees nothing reads or writes it again). */
export function recycle(a: TypedArray): void {
  const dtype = dtypeOfTypedArray(a);
  // only whole buffers: a view's buffer may be live through another view
  if (!dtype || a.byteLength <= ON_HEAP_BYTES || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (held + a.byteLength > MAX_BYTES || (a.byteLength < SMALL_BYTES && small >= MAX_SMALL) || pooled.has(a)) return;
  pooled.add(a);
  let bySize = free.get(dtype);
  if (!bySize) free.set(dtype, (bySize = new Map()));
  let list = bySize.get(a.length);
  if (!list) bySize.set(a.length, (list = []));
  list.push(a);
  held += a.byteLength;
  count++;
  if (a.byteLength < SMALL_BYTES) small++;
}

/** Bytes the pool holds (dead memory kept for reuse). */
export const pooledBytes = (): number => held;

onClearCaches(() => { free.clear(); held = 0; count = 0; small = 0; });
