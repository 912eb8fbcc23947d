/**
 * A small least-recently-used map, and the registry behind `clearCaches()`. Every cache whose key
 * can take ever-new values (shapes, traced programs, params) is bounded with it, so a long-running
 * program that keeps meeting new signatures holds at most `capacity` entries per cache.
 */

/** A Map that holds at most `capacity` entries and evicts the least recently used one. */
export class LRU<K, V> {
  // A Map iterates in insertion order; re-inserting on every hit keeps the oldest entry first.
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LRU: capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number { return this.map.size; }

  /** The value for `key`, marked as most recently used; undefined on a miss. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  has(key: K): boolean { return this.map.has(key); }

  /** Stores `value` as most recently used, evicting the least recently used entry when full. */
  set(key: K, value: V): this {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
    return this;
  }

  delete(key: K): boolean { return this.map.delete(key); }

  clear(): void { this.map.clear(); }

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
