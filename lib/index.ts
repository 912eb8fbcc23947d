/**
 * cotangent: JAX-style differentiable programming for TypeScript.
 * Public exports only.
 */
import './register.js';
import * as numpy from './numpy/index.js';
import * as treeUtil from './core/pytree.js';
import * as treePaths from './core/tree-util.js';

export { numpy, numpy as np };
export { Array } from './core/array.js';
export type { ArrayOrScalar, ArrayOrScalar as ArrayLike, Index, Nested } from './core/array.js';
export type { ArrayData, DType, TypedArray, NumberMethods } from './core/dtype.js';
export type { ConcreteArray } from './core/array.js';
export type { Primitive } from './core/primitive.js';
export type { Params } from './core/ir.js';
export type { NodeType, Constructor } from './core/pytree.js';
export type { Fn, Arg, Args, ArrayTree, ShapeTree, GradsAt, Jacobian, Selected, MapLeaves, LeafOf, LeafLike, HasMethod, DataFields } from './core/tree-types.js';
export type { Tangent, LinearIn, Zero } from './core/rules.js';
export type { GradOpts, Primals } from './transforms/grad.js';
export type { AuxOpt } from './transforms/jvp.js';
export type { SavePolicy } from './control/checkpoint.js';
export { setDefaultFloat, getDefaultFloat } from './core/dtype.js';
export { jit, makeJaxpr, evalShape } from './transforms/jit.js';
export type { JitOptions, MakeJaxprOptions, ClosedJaxpr, Jitted } from './transforms/jit.js';
export { typecheck, typecheckJaxpr } from './core/check.js';
export { Jaxpr } from './core/ir.js';
export type { Aval, Var, Literal, Atom, Eqn } from './core/ir.js';
export { ShapeError, ConcretizationError, UnexpectedTracerError } from './core/errors.js';
export { devices, defaultDevice, memoryStats, resetPeakMemory, registerBackend, getBackend, init, backendInfo } from './core/backend.js';
export type { Backend, BackendInfo, Buffer, BufferRef, Executable, ExecutableStats, MemoryStats } from './core/backend.js';
export { devicePut } from './core/device.js';
export { scope, disposeTree } from './core/scope.js';
export { primitives } from './core/primitive.js';
export { clearCaches } from './core/lru.js';
export { config, disableJit, FloatingPointError } from './core/config.js';
export * as debug from './control/debug.js';
export type { Flags, FlagName } from './core/config.js';

/**
 * Pytree utilities: `flatten(t)` -> `[leaves, treedef]`, `unflatten(treedef, leaves)`, `map`, `leaves`,
 * `structure`, `at`, and JAX's `all`, `reduce`, `transpose`, `flattenWithPath`, `leavesWithPath`,
 * `mapWithPath`, `structureEqual`, `keystr` (paths are arrays of keys: strings and list indices).
 */
export const tree = {
  /**
   * `flatten(tree, isLeaf?)` -> `[leaves, treedef]` (`jax.tree.flatten`); object keys in sorted
   * order, `null`/`undefined` are empty subtrees.
   */
  flatten: treeUtil.flatten,
  /**
   * `unflatten(treedef, leaves)`: rebuilds a tree of that structure from the leaves in flatten
   * order (`jax.tree.unflatten`).
   */
  unflatten: treeUtil.unflatten,
  /**
   * `map(fn, tree, ...rest)`: `fn` applied to each leaf (and the matching leaves of `rest`, which
   * share the structure); `jax.tree.map`.
   */
  map: treeUtil.map,
  /** `leaves(tree, isLeaf?)`: the leaves in flatten order (`jax.tree.leaves`). */
  leaves: treeUtil.leaves,
  /** `structure(tree, isLeaf?)`: the treedef, without the leaves (`jax.tree.structure`). */
  structure: treeUtil.structure,
  /**
   * `at(tree, where, value)`: a copy of `tree` with the subtree `where(tree)` picks replaced by
   * `value` (Equinox's `tree_at`).
   */
  at: treeUtil.at,
  /** `all(tree)`: whether every leaf is truthy; true for no leaves (`jax.tree.all`). */
  all: treePaths.all,
  /** `allLeaves(xs, isLeaf?)`: whether every element of `xs` is a leaf (`jax.tree_util.all_leaves`). */
  allLeaves: treePaths.allLeaves,
  /** `reduce(fn, tree, initializer?)`: folds `fn` over the leaves in flatten order (`jax.tree.reduce`). */
  reduce: treePaths.reduce,
  /**
   * `transpose(outer, inner, tree)`: turns an outer tree of inner trees into an inner tree of outer
   * trees (`jax.tree.transpose`).
   */
  transpose: treePaths.transpose,
  /**
   * `flattenWithPath(tree, isLeaf?)` -> `[[path, leaf], ...], treedef`: `flatten` with each leaf's
   * key path (`jax.tree.flatten_with_path`).
   */
  flattenWithPath: treePaths.flattenWithPath,
  /** `leavesWithPath(tree, isLeaf?)`: `[path, leaf]` pairs in flatten order (`jax.tree.leaves_with_path`). */
  leavesWithPath: treePaths.leavesWithPath,
  /**
   * `mapWithPath(fn, tree, ...rest)`: `map` whose `fn` also gets the leaf's key path first
   * (`jax.tree.map_with_path`).
   */
  mapWithPath: treePaths.mapWithPath,
  /** `structureEqual(a, b)`: whether two trees have the same structure (nesting, list lengths, keys). */
  structureEqual: treePaths.structureEqual,
  /** `keystr(path)`: a key path as JAX writes it, `['a'][0]` (`jax.tree_util.keystr`). */
  keystr: treePaths.keystr,
  /**
   * `broadcast(prefix, full)`: each leaf of `prefix` repeated over the matching subtree of `full`
   * (`jax.tree.broadcast`).
   */
  broadcast: treePaths.broadcast,
  /**
   * `reduceAssociative(fn, tree, opts?)`: folds the leaves with an associative `fn` as a balanced
   * tree, in log depth (`jax.tree.reduce_associative`).
   */
  reduceAssociative: treePaths.reduceAssociative,
  /**
   * `registerPytreeNode(cls, flatten, unflatten)`: makes instances of `cls` pytrees that transforms
   * see through (`jax.tree_util.register_pytree_node`).
   */
  registerPytreeNode: treeUtil.registerPytreeNode,
  /**
   * `registerDataclass(cls, dataFields, metaFields?)`: makes `cls` a pytree whose `dataFields` are
   * children and `metaFields` static (`jax.tree_util.register_dataclass`).
   */
  registerDataclass: treeUtil.registerDataclass,
};
export type { KeyPath, PathKey } from './core/tree-util.js';
export type { TreeDef } from './core/pytree.js';
export { jvp } from './transforms/jvp.js';
export { vjp, grad, valueAndGrad, linearize, linearTranspose } from './transforms/grad.js';
export type { GradOptions } from './transforms/grad.js';
export { vmap } from './transforms/vmap.js';
export type { VmapOptions } from './transforms/vmap.js';
export { jacfwd, jacrev, hessian } from './transforms/jac.js';
export type { JacOptions } from './transforms/jac.js';
export { stopGradient } from './transforms/stop-gradient.js';
export * as lax from './lax/index.js';
export { customJvp, customVjp } from './control/custom.js';
export type { CustomJvpOptions, CustomVjpOptions } from './control/custom.js';
export { checkpoint, remat, checkpointPolicies } from './control/checkpoint.js';
export type { CheckpointOptions } from './control/checkpoint.js';
export * as random from './random/index.js';
export * as relax from './relax/index.js';
export * as scipySpecial from './scipy-special/index.js';
export * as nn from './nn/index.js';
export * as stats from './stats/index.js';
export * as optimize from './optimize/index.js';
export { checkGrads, GradCheckError } from './transforms/check-grads.js';
export type { CheckGradsOptions, GradMode } from './transforms/check-grads.js';
