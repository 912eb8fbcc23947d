/**
 * Executables shared across traces: a retraced function (a fresh closure per call, or a
 * value-dependent trace) yields a new Jaxpr object for the same computation. Keyed by structure,
 * it reuses the executable compiled for the first one instead of compiling (and caching kernels
 * for) every copy. Bounded per device, so programs meeting ever-new computations stay flat.
 */
import { type Backend, type Executable, checkJaxprDtypes } from './backend.js';
import type { Jaxpr } from './ir.js';
import { LRU, onClearCaches } from './lru.js';
import { jaxprKey } from './structural-key.js';

const CAPACITY = 256;
let perBackend = new WeakMap<Backend, LRU<string, Executable>>();
onClearCaches(() => { perBackend = new WeakMap(); });

/**
 * `backend.compile(jaxpr)`, or the executable already compiled for a structurally equal Jaxpr.
 * Sound because an executable depends only on its Jaxpr's structure: it takes buffers for
 * `[...consts, ...inputs]` by position and returns the outputs by position.
 */
export function compileShared(backend: Backend, jaxpr: Jaxpr): Executable {
  let cache = perBackend.get(backend);
  if (!cache) { cache = new LRU(CAPACITY); perBackend.set(backend, cache); }
  const key = jaxprKey(jaxpr);
  let exe = cache.get(key);
  if (!exe) {
    checkJaxprDtypes(backend, jaxpr, 'compile');
    exe = backend.compile(jaxpr);
    cache.set(key, exe);
  }
  return exe;
}
