/**
 * A small least-recently-used map, and the registry behind `clearCaches()`. Every cache whose key
 * can take ever-new values (shapes, traced programs, params) is bounded with it, so a long-running
 * program that keeps meeting new signatures holds at most `capacity` entries per cache.
 */

/** A Map that holds at most `capacity` entries and evicts the least recently used one. */
export class LRU<K, V> {
  // A hit only stamps its entry (a Map re-insertion per hit costs more than the lookup); eviction,
  // rare once a cache is warm, scans for the oldest stamp.
  private readonly map = new Map<K, { value: V; stamp: number }>();
  private clock = 0;

  /** `evicted` hears of every entry that leaves other than by delete(): evicted when full, or cleared. */
  constructor(readonly capacity: number, private readonly evicted?: (key: K, value: V) => void) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LRU: capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number { return this.map.size; }

  /** The value for `key`, marked as most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    e.stamp = ++this.clock;
    return e.value;
  }

  has(key: K): boolean { return this.map.has(key); }

  /** Stores `value` as most recently used, evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    const e = this.map.get(key);
    if (e) { e.value = value; e.stamp = ++this.clock; return this; }
    if (this.map.size >= this.capacity) {
      let oldest: K | undefined;
      let min = Infinity;
      for (const [k, x] of this.map) if (x.stamp < min) { min = x.stamp; oldest = k; }
      const gone = this.map.get(oldest as K)!;
      this.map.delete(oldest as K);
      this.evicted?.(oldest as K, gone.value);
    }
    this.map.set(key, { value, stamp: ++this.clock });
    return this;
  }

  delete(key: K): boolean { return this.map.delete(key); }

  clear(): void {
    if (this.evicted) for (const [k, e] of this.map) this.evicted(k, e.value);
    this.map.clear();
  }

  keys(): IterableIterator<K> { return this.map.keys(); }
}

// ---- clearCaches -------------------------------------------------------------------------

const clearers: (() => void)[] = [];
let generation = 0;

/** Registers a module-level cache with `clearCaches()`. */
export function onClearCaches(clear: () => void): void {
  clearers.push(clear);
}

/**
 * Bumped by every `clearCaches()`. Caches that cannot be reached from a registry (one per
 * transformed function, held in closures or WeakMaps) compare it with the generation they were
 * filled in and drop their entries when it moved.
 */
export const cacheGeneration = (): number => generation;

/**
 * Drops every compiled program and traced Jaxpr the library keeps: the eager op cache, the caches
 * of `jit`, `grad`, `vmap`, `jacfwd`, … (per function) and the structural program cache. Later
 * calls trace and compile again. Like `jax.clear_caches()`: useful to free memory after a phase
 * of work with many different shapes, or to measure compile time.
 */
export function clearCaches(): void {
  generation++;
  for (const clear of clearers) clear();
}
