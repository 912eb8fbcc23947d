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
  flatten: treeUtil.flatten,
  unflatten: treeUtil.unflatten,
  map: treeUtil.map,
  leaves: treeUtil.leaves,
  structure: treeUtil.structure,
  at: treeUtil.at,
  all: treePaths.all,
  reduce: treePaths.reduce,
  transpose: treePaths.transpose,
  flattenWithPath: treePaths.flattenWithPath,
  leavesWithPath: treePaths.leavesWithPath,
  mapWithPath: treePaths.mapWithPath,
  structureEqual: treePaths.structureEqual,
  keystr: treePaths.keystr,
  broadcast: treePaths.broadcast,
  reduceAssociative: treePaths.reduceAssociative,
  registerPytreeNode: treeUtil.registerPytreeNode,
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
