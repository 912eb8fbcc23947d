/**
 * Scopes: explicit lifetimes for device memory the garbage collector cannot see. Every concrete
 * Array created while a scope runs is disposed when it ends, except those it returns.
 */
import type { ConcreteArray } from './array.js';
import { leaves } from './pytree.js';

const frames: Set<ConcreteArray>[] = [];

/** @internal Called by every new ConcreteArray. */
export function noteCreated(x: ConcreteArray): void {
  frames[frames.length - 1]?.add(x);
}

/**
 * Runs `fn` and disposes every Array it created, except those in the returned value (a pytree),
 * which pass to the enclosing scope. On the CPU this is never needed (memory is garbage
 * collected); on devices it keeps a loop's memory flat without waiting for finalizers:
 *
 * ```ts
 * for (let i = 0; i < steps; i++) {
 *   const next = scope(() => update(params, grad(loss)(params, batch)));
 *   disposeTree(params);
 *   params = next;
 * }
 * ```
 */
export function scope<T>(fn: () => T): T {
  const frame = new Set<ConcreteArray>();
  frames.push(frame);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    frames.pop();
    for (const x of frame) x.dispose();
    throw e;
  }
  frames.pop();
  if (result instanceof Promise) {
    for (const x of frame) x.dispose();
    throw new TypeError('scope: the function returned a Promise; a scope must be synchronous (await inside it would dispose arrays still in use). Await first, then call scope on the synchronous part');
  }
  const kept = new Set<unknown>(leaves(result));
  const outer = frames[frames.length - 1];
  for (const x of frame) {
    if (!kept.has(x)) x.dispose();
    else outer?.add(x);
  }
  return result;
}

/** Disposes every Array in a pytree (a no-op for other leaves). */
export function disposeTree(tree: unknown): void {
  for (const l of leaves(tree)) {
    if (l && typeof l === 'object' && 'dispose' in l && typeof l.dispose === 'function') (l as { dispose(): void }).dispose();
  }
}
