/**
 * The types transforms infer their results with: a function's parameter and return types mapped
 * through pytrees, so `grad(loss)(params)` has the type of `params` with Arrays at the leaves.
 * Types only (no runtime code).
 */
import type { Array } from './array.js';
import type { DType } from './dtype.js';

/** A function a transform takes, whatever its parameter types (every function type is assignable to it). */
export type Fn = (...args: never[]) => unknown;

/** Anything read as one Array leaf: an Array, a JS number or boolean, a typed array. */
export type LeafLike = Array | number | boolean | ArrayBufferView;

/**
 * An object type with methods is taken for an instance of a class registered with
 * tree.registerPytreeNode, which transforms rebuild as the same class (its Array fields stay
 * Arrays, its static fields stay as they are), so the type is kept whole.
 */
/** Whether a type has a method (an object with methods is a registered class, kept whole). */
export type HasMethod<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] extends never ? false : true;
/** The fields of a class instance that can hold leaves (not methods, not string metadata). */
/** The data (non-method, non-string) fields of a type. */
export type DataFields<T> = { [K in keyof T]-?: T[K] extends ((...args: never[]) => unknown) | string ? never : K }[keyof T];

/**
 * `T` with every leaf an Array: the type of a gradient, tangent, cotangent, batched output or aux
 * value of a `T`. JS numbers and booleans become Arrays (they are weakly typed scalars); `null`
 * and `undefined` (empty subtrees) stay; class instances (registered pytree nodes) keep their type.
 */
export type ArrayTree<T> =
  T extends LeafLike ? Array
    : T extends null | undefined ? T
      : T extends readonly unknown[] ? { -readonly [K in keyof T]: ArrayTree<T[K]> }
        : T extends object ? (HasMethod<T> extends true ? T : { -readonly [K in keyof T]: ArrayTree<T[K]> })
          : unknown;

/** `T` with every leaf `{ shape, dtype }`: what `evalShape` returns. */
export type ShapeTree<T> =
  T extends LeafLike ? {
    /** The leaf's shape. */
    shape: number[];
    /** The leaf's dtype. */
    dtype: DType;
  }
    : T extends null | undefined ? T
      : T extends readonly unknown[] ? { -readonly [K in keyof T]: ShapeTree<T[K]> }
        : T extends object ? { -readonly [K in keyof T]: ShapeTree<T[K]> }
          : unknown;

/** Where `f` takes an Array, the transformed function also takes a JS number (`grad(f)(3)`). */
export type Arg<T> = T extends Array ? Array | number : T;
/** A parameter list with Arg applied to each parameter. */
export type Args<A extends readonly unknown[]> = { [K in keyof A]: Arg<A[K]> };

/** The gradients for argnums `N` (a list): one ArrayTree per listed argument, in order. */
export type GradsAt<A extends readonly unknown[], N extends readonly number[]> = { -readonly [K in keyof N]: ArrayTree<A[N[K] & keyof A]> };

/**
 * The Jacobian of an output of type `R` with respect to an input of type `X`: the output's
 * structure outside, the input's inside (as JAX nests them), an Array at each pair of leaves.
 */
export type Jacobian<R, X> =
  R extends LeafLike ? ArrayTree<X>
    : R extends null | undefined ? R
      : R extends readonly unknown[] ? { -readonly [K in keyof R]: Jacobian<R[K], X> }
        : R extends object ? { -readonly [K in keyof R]: Jacobian<R[K], X> }
          : unknown;

/** What argnums selects: one argument's type (a number), or the tuple of the listed ones. */
export type Selected<A extends readonly unknown[], N> = N extends readonly number[] ? { -readonly [K in keyof N]: A[N[K] & keyof A] } : A[N & keyof A];

/** The leaf types of a pytree type (what tree.map's function receives). */
export type LeafOf<T> =
  T extends LeafLike ? T
    : T extends null | undefined ? never
      : T extends readonly (infer E)[] ? LeafOf<E>
        : T extends object ? (HasMethod<T> extends true ? LeafOf<T[DataFields<T>]> : LeafOf<T[keyof T]>)
          : T;

/** `T` with every leaf replaced by `U` (tree.map's result; a class instance stays its class when U is an Array). */
export type MapLeaves<T, U> =
  T extends LeafLike ? U
    : T extends null | undefined ? T
      : T extends readonly unknown[] ? { -readonly [K in keyof T]: MapLeaves<T[K], U> }
        : T extends object ? ([HasMethod<T>, U] extends [true, Array] ? T : { -readonly [K in keyof T]: MapLeaves<T[K], U> })
          : U;
