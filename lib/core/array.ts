/**
 * The user-facing Array. Concrete arrays hold a device buffer; Tracers (trace.ts) hold an atom of
 * a trace. Both share this API, so user code is written once for eager, jit and transforms.
 */
import { type DType, type ArrayData, type TypedArray, castScalar, typedArrayFor } from './dtype.js';
import { type Aval, aval as mkAval, avalStr, size } from './ir.js';
import { type Backend, type Buffer, type BufferRef, checkDtype, getBackend } from './backend.js';
import { noteCreated } from './scope.js';
import { formatArray } from './format.js';

/** What array operations take: an Array, or a JS number or boolean (a weakly typed scalar). Exported as ArrayLike too. */
export type ArrayOrScalar = Array | number | boolean;
/** What `js()` returns: a number (a boolean for bool arrays) nested in JS arrays, one level per axis. */
export type Nested = number | boolean | Nested[];
/**
 * One index into one axis, as `x.slice(...)` and `x.at(...)` take it: a number picks an element
 * (negative counts from the end) and drops the axis; `null` inserts a new axis of size 1 (numpy's
 * `None`); `[]` keeps the whole axis (`:`); `[start]`, `[start, stop]` or `[start, stop, step]`
 * (entries `null` for the defaults) is a slice; an integer Array gathers along the axis.
 */
export type Index = number | null | readonly [] | readonly (number | null)[] | Array;

type Axes = number | number[] | null;
type Keep = { keepdims?: boolean };

/**
 * The array operations the Array methods call. Core sits below the library that implements them
 * (numpy), so numpy installs its functions here when it loads.
 * @internal
 */
export interface ArrayOps {
  add(x: Array, y: ArrayOrScalar): Array;
  subtract(x: Array, y: ArrayOrScalar): Array;
  multiply(x: Array, y: ArrayOrScalar): Array;
  divide(x: Array, y: ArrayOrScalar): Array;
  power(x: Array, y: ArrayOrScalar): Array;
  remainder(x: Array, y: ArrayOrScalar): Array;
  negative(x: Array): Array;
  abs(x: Array): Array;
  exp(x: Array): Array;
  log(x: Array): Array;
  sqrt(x: Array): Array;
  sin(x: Array): Array;
  cos(x: Array): Array;
  tanh(x: Array): Array;
  square(x: Array): Array;
  maximum(x: Array, y: ArrayOrScalar): Array;
  minimum(x: Array, y: ArrayOrScalar): Array;
  matmul(x: Array, y: Array): Array;
  dot(x: Array, y: Array): Array;
  equal(x: Array, y: ArrayOrScalar): Array;
  notEqual(x: Array, y: ArrayOrScalar): Array;
  less(x: Array, y: ArrayOrScalar): Array;
  lessEqual(x: Array, y: ArrayOrScalar): Array;
  greater(x: Array, y: ArrayOrScalar): Array;
  greaterEqual(x: Array, y: ArrayOrScalar): Array;
  sum(x: Array, axis?: Axes, opts?: Keep): Array;
  mean(x: Array, axis?: Axes, opts?: Keep): Array;
  prod(x: Array, axis?: Axes, opts?: Keep): Array;
  max(x: Array, axis?: Axes, opts?: Keep): Array;
  min(x: Array, axis?: Axes, opts?: Keep): Array;
  argmax(x: Array, axis?: number | null, opts?: Keep): Array;
  argmin(x: Array, axis?: number | null, opts?: Keep): Array;
  cumsum(x: Array, axis?: number | null): Array;
  var_(x: Array, axis?: Axes, opts?: Keep & { ddof?: number }): Array;
  std(x: Array, axis?: Axes, opts?: Keep & { ddof?: number }): Array;
  all(x: Array, axis?: Axes, opts?: Keep): Array;
  any(x: Array, axis?: Axes, opts?: Keep): Array;
  reshape(x: Array, shape: number[]): Array;
  transpose(x: Array, axes?: number[]): Array;
  squeeze(x: Array, axis?: number | number[]): Array;
  expandDims(x: Array, axis: number | number[]): Array;
  astype(x: Array, dtype: DType): Array;
  broadcastTo(x: Array, shape: number[]): Array;
  sliceIndex(x: Array, index: readonly Index[]): Array;
  at(x: Array, index: readonly Index[]): { set(v: ArrayOrScalar, opts?: { mode?: 'drop' | 'clip' | 'promise_in_bounds' }): Array; add(v: ArrayOrScalar, opts?: { mode?: 'drop' | 'clip' | 'promise_in_bounds' }): Array; get(): Array };
}

let np: ArrayOps | undefined;
const ops = (): ArrayOps => {
  if (!np) throw new Error('Array methods need the numpy module: import the library from its entry point');
  return np;
};

/** Numpy installs the functions behind the Array methods when it loads. @internal */
export function installArrayOps(m: ArrayOps): void { np = m; }

/**
 * An n-dimensional array, JAX's `jax.Array`: immutable, with a shape, a dtype and a device. Arrays
 * are made by the `np` functions (`np.array`, `np.zeros`, ...); inside `jit`, `grad` and `vmap` the
 * same methods run on tracers, so code is written once for eager and transformed use.
 *
 * Methods that mirror numpy call the corresponding `np` function with the Array as the first
 * operand: `x.sum(0)` is `np.sum(x, 0)`.
 */
export abstract class Array {
  /** The abstract value: shape and dtype, without the data. */
  abstract readonly aval: Aval;
  /** JAX's weak type: set on values derived only from JS scalars; they defer to the other operand's dtype. */
  abstract readonly weakType: boolean;
  /** The name of the device holding the data (`'cpu'`, `'webgpu'`, ...). */
  abstract readonly device: string;
  /** The concrete value: itself, or for a Tracer evaluated on demand (throws under jit). */
  abstract concrete(): ConcreteArray;

  /** The size of each axis, as a fresh JS array (`[]` for a scalar). */
  get shape(): number[] { return [...this.aval.shape]; }
  /** The element type, such as `'float32'`, `'int32'` or `'bool'`. */
  get dtype(): DType { return this.aval.dtype; }
  /** The number of axes (0 for a scalar). */
  get ndim(): number { return this.aval.shape.length; }
  /** The number of elements: the product of the shape (1 for a scalar). */
  get size(): number { return size(this.aval.shape); }

  // ---- readback ----
  /**
   * The elements, flattened in row-major order, as a typed array (Uint8Array for bool).
   * Synchronous: throws on a device that reads back asynchronously (WebGPU; use `data()`),
   * and under `jit`.
   */
  dataSync(): ArrayData { return this.concrete().readSync() as ArrayData; }
  /** `dataSync()` for every device: resolves once the data is read back. */
  async data(): Promise<ArrayData> { return (await this.concrete().read()) as ArrayData; }
  /**
   * Resolves (to this array) once the device has computed it, without reading it back — JAX's
   * `block_until_ready`, for timing work on an asynchronous device. Immediate on the CPU.
   */
  async blockUntilReady(): Promise<this> {
    const c = this.concrete();
    // A host scalar is ready by construction (its value is on the host).
    if (c.hostScalar === undefined) await c.backend.ready?.(c.buffer);
    return this;
  }
  /** Nested JS arrays (numbers, or booleans for bool). */
  js(): Nested { return toNested(this.dataSync(), this.aval) as Nested; }
  /**
   * The value of a size-1 array as a JS number; a bool array gives 1 or 0 (true in a JS condition
   * exactly when the array's value is; `itemBool()` gives the boolean).
   */
  item(): number {
    this.checkItem('item');
    return this.dataSync()[0];
  }
  /** The value of a size-1 array as a JS boolean (nonzero is true, as numpy's `bool(x)`). */
  itemBool(): boolean {
    this.checkItem('itemBool');
    return this.dataSync()[0] !== 0;
  }
  /** `js()` for every device: resolves once the data is back (a GPU reads back asynchronously). */
  async jsAsync(): Promise<Nested> { return toNested(await this.data(), this.aval) as Nested; }
  /** `item()` for every device: resolves once the value is back. */
  async itemAsync(): Promise<number> {
    this.checkItem('itemAsync');
    return (await this.data())[0];
  }
  private checkItem(who: string): void {
    if (this.size !== 1) throw new TypeError(`${who}: only size-1 arrays convert to a scalar, got shape [${this.shape}]`);
  }
  /** `item()`: lets a size-1 array act as a JS number (`+x`, `x < 1`). Throws for other sizes. */
  valueOf(): number {
    return this.item();
  }
  /** JS conversion: `toString()` where a string is wanted, else `valueOf()`. */
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'string' ? this.toString() : this.valueOf();
  }
  /**
   * numpy's `str` of the array: `[1. 2. 3.]`, summarized past 1000 elements. Reads the data
   * synchronously.
   */
  toString(): string { return formatArray(this.dataSync(), this.aval); }
  /**
   * numpy's repr, JAX's spelling: `Array([1., 2.], dtype=float64)` (summarized past 1000
   * elements); a traced value shows its type, `Traced<f64[2]>`. What console.log prints.
   */
  repr(): string { return `Array(${avalStr(this.aval)})`; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.repr(); }

  /** Releases this array's device memory now; a Tracer owns none, so for it this does nothing. */
  dispose(): void {}
  /** True once `dispose()` (or the end of a scope) released this array. */
  get isDisposed(): boolean { return false; }
  /** `using x = ...` disposes `x` at the end of the block. */
  [Symbol.dispose](): void { this.dispose(); }

  /** Iterates over the first axis, as numpy does: `const [key, subkey] = random.split(key)`. */
  *[Symbol.iterator](): Iterator<Array> {
    if (this.ndim === 0) throw new TypeError('iteration over a 0-d array; use x.item() for its value');
    for (let i = 0; i < this.aval.shape[0]; i++) yield ops().sliceIndex(this, [i]);
  }

  // ---- arithmetic ----
  /** Same as `np.add(this, y)`: elementwise sum, with broadcasting and dtype promotion. */
  add(y: ArrayOrScalar): Array { return ops().add(this, y); }
  /** Same as `np.subtract(this, y)`. */
  sub(y: ArrayOrScalar): Array { return ops().subtract(this, y); }
  /** Same as `np.multiply(this, y)`. */
  mul(y: ArrayOrScalar): Array { return ops().multiply(this, y); }
  /** Same as `np.divide(this, y)`: true division (integer operands give a float). */
  div(y: ArrayOrScalar): Array { return ops().divide(this, y); }
  /** Same as `np.power(this, y)`. */
  pow(y: ArrayOrScalar): Array { return ops().power(this, y); }
  /** Same as `np.remainder(this, y)`: the result has the sign of `y` (Python's `%`). */
  mod(y: ArrayOrScalar): Array { return ops().remainder(this, y); }
  /** Same as `np.negative(this)`. */
  neg(): Array { return ops().negative(this); }
  /** Same as `np.abs(this)`. */
  abs(): Array { return ops().abs(this); }
  /** Same as `np.exp(this)`. */
  exp(): Array { return ops().exp(this); }
  /** Same as `np.log(this)`: the natural logarithm. */
  log(): Array { return ops().log(this); }
  /** Same as `np.sqrt(this)`. */
  sqrt(): Array { return ops().sqrt(this); }
  /** Same as `np.sin(this)` (radians). */
  sin(): Array { return ops().sin(this); }
  /** Same as `np.cos(this)` (radians). */
  cos(): Array { return ops().cos(this); }
  /** Same as `np.tanh(this)`. */
  tanh(): Array { return ops().tanh(this); }
  /** Same as `np.square(this)`: `this * this`. */
  square(): Array { return ops().square(this); }
  /** Same as `np.maximum(this, y)`: the elementwise larger value (NaN if either is NaN). */
  maximum(y: ArrayOrScalar): Array { return ops().maximum(this, y); }
  /** Same as `np.minimum(this, y)`: the elementwise smaller value (NaN if either is NaN). */
  minimum(y: ArrayOrScalar): Array { return ops().minimum(this, y); }
  /** Same as `np.matmul(this, y)`: the matrix product, batched over leading axes (numpy's `@`). */
  matmul(y: Array): Array { return ops().matmul(this, y); }
  /** Same as `np.dot(this, y)`. */
  dot(y: Array): Array { return ops().dot(this, y); }

  // ---- comparisons ----
  /** Same as `np.equal(this, y)`: a bool array. */
  equal(y: ArrayOrScalar): Array { return ops().equal(this, y); }
  /** Same as `np.notEqual(this, y)`: a bool array. */
  notEqual(y: ArrayOrScalar): Array { return ops().notEqual(this, y); }
  /** Same as `np.less(this, y)`: a bool array, `this < y`. */
  less(y: ArrayOrScalar): Array { return ops().less(this, y); }
  /** Same as `np.lessEqual(this, y)`: a bool array, `this <= y`. */
  lessEqual(y: ArrayOrScalar): Array { return ops().lessEqual(this, y); }
  /** Same as `np.greater(this, y)`: a bool array, `this > y`. */
  greater(y: ArrayOrScalar): Array { return ops().greater(this, y); }
  /** Same as `np.greaterEqual(this, y)`: a bool array, `this >= y`. */
  greaterEqual(y: ArrayOrScalar): Array { return ops().greaterEqual(this, y); }

  // ---- reductions ----
  /** Same as `np.sum(this, axis, opts)`: all axes when `axis` is omitted or null; bool sums as an integer. */
  sum(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().sum(this, axis, opts); }
  /** Same as `np.mean(this, axis, opts)`; integer and bool arrays give the default float dtype. */
  mean(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().mean(this, axis, opts); }
  /** Same as `np.prod(this, axis, opts)`. */
  prod(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().prod(this, axis, opts); }
  /** Same as `np.max(this, axis, opts)`; throws on an empty reduction. */
  max(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().max(this, axis, opts); }
  /** Same as `np.min(this, axis, opts)`; throws on an empty reduction. */
  min(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().min(this, axis, opts); }
  /**
   * Same as `np.argmax(this, axis, opts)`: int32 indices of the first maximum; with no axis, an
   * index into the flattened array.
   */
  argmax(axis?: number | null, opts?: { keepdims?: boolean }): Array { return ops().argmax(this, axis, opts); }
  /**
   * Same as `np.argmin(this, axis, opts)`: int32 indices of the first minimum; with no axis, an
   * index into the flattened array.
   */
  argmin(axis?: number | null, opts?: { keepdims?: boolean }): Array { return ops().argmin(this, axis, opts); }
  /** Same as `np.cumsum(this, axis)`; with no axis the array is flattened first. */
  cumsum(axis?: number | null): Array { return ops().cumsum(this, axis); }
  /** Same as `np.var(this, axis, opts)`: the variance, divided by `n - ddof` (`ddof` 0 by default). */
  var(axis?: number | number[] | null, opts?: { keepdims?: boolean; ddof?: number }): Array { return ops().var_(this, axis, opts); }
  /** Same as `np.std(this, axis, opts)`: the square root of `var`. */
  std(axis?: number | number[] | null, opts?: { keepdims?: boolean; ddof?: number }): Array { return ops().std(this, axis, opts); }
  /** Same as `np.all(this, axis, opts)`: a bool array, true where every element is nonzero. */
  all(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().all(this, axis, opts); }
  /** Same as `np.any(this, axis, opts)`: a bool array, true where some element is nonzero. */
  any(axis?: number | number[] | null, opts?: { keepdims?: boolean }): Array { return ops().any(this, axis, opts); }

  // ---- shape ----
  /**
   * Same as `np.reshape(this, shape)`; the shape is given as separate numbers or one array, and one
   * entry may be -1 (inferred).
   */
  reshape(...shape: number[] | [number[]]): Array {
    return ops().reshape(this, (Array.isShapeList(shape) ? shape[0] : shape) as number[]);
  }
  /**
   * Same as `np.transpose(this, axes)`; the axes are given as separate numbers or one array, and
   * with none the axes are reversed.
   */
  transpose(...axes: number[] | [number[]]): Array {
    const a = Array.isShapeList(axes) ? axes[0] : (axes as number[]);
    return ops().transpose(this, a.length ? a : undefined);
  }
  /** The array with its axes reversed: `np.transpose(this)` (the matrix transpose for 2-d). */
  get T(): Array { return ops().transpose(this); }
  /** The elements as a 1-d array, row-major: `np.reshape(this, [-1])`. */
  flatten(): Array { return ops().reshape(this, [-1]); }
  /** Same as `flatten()` (`np.ravel(this)`). */
  ravel(): Array { return ops().reshape(this, [-1]); }
  /** Same as `np.squeeze(this, axis)`: removes the given size-1 axes, or all of them. */
  squeeze(axis?: number | number[]): Array { return ops().squeeze(this, axis); }
  /** Same as `np.expandDims(this, axis)`: inserts size-1 axes at the given positions. */
  expandDims(axis: number | number[]): Array { return ops().expandDims(this, axis); }
  /** Same as `np.astype(this, dtype)`: the values converted to `dtype` (float to integer truncates toward zero). */
  astype(dtype: DType): Array { return ops().astype(this, dtype); }
  /** Same as `np.broadcastTo(this, shape)`. */
  broadcastTo(shape: number[]): Array { return ops().broadcastTo(this, shape); }

  /** numpy-style basic indexing, one argument per axis (jax-js convention). */
  slice(...index: Index[]): Array { return ops().sliceIndex(this, index); }
  /**
   * Functional updates: `x.at(i).set(v)`, `.add(v)`, `.get()`. Out-of-range indices drop the
   * update, as JAX's default does; `{ mode: 'clip' }` clamps them instead.
   */
  at(...index: Index[]): {
    /** A copy of the array with the indexed elements replaced by `v` (broadcast, cast to this dtype). */
    set(v: ArrayOrScalar, opts?: { mode?: 'drop' | 'clip' | 'promise_in_bounds' }): Array;
    /** A copy of the array with `v` added to the indexed elements; repeated indices accumulate. */
    add(v: ArrayOrScalar, opts?: { mode?: 'drop' | 'clip' | 'promise_in_bounds' }): Array;
    /** The indexed elements: the same as `x.slice(...index)`. */
    get(): Array;
  } {
    return ops().at(this, index);
  }

  private static isShapeList(a: unknown[]): a is [number[]] {
    return a.length === 1 && globalThis.Array.isArray(a[0]);
  }
}

/**
 * An array with a buffer on a device. A finalizer (registered only where the device counts the
 * buffer) holds just the buffer's reference count, never the data, so on the CPU the data is
 * collectable as soon as the Array is, even inside a synchronous loop. Device memory the garbage
 * collector cannot see is released by `dispose()`, `using` or `scope`.
 */
export class ConcreteArray extends Array {
  private static readonly registry = new FinalizationRegistry<{ backend: Backend; ref: BufferRef }>(
    ({ backend, ref }) => backend.release(ref),
  );
  /** The abstract value: shape and dtype, without the data. */
  readonly aval: Aval;
  #buffer: Buffer | undefined;
  /** A host scalar's buffer is made on first use: most meet other operands on their device. */
  #pending: boolean;
  #disposed = false;
  /** Whether this Array releases its buffer (else the garbage collector owns it). */
  #tracked = false;

  constructor(
    buffer: Buffer | Aval,
    /** The device this array lives on. */
    readonly backend: Backend,
    readonly weakType = false,
    /** Set for 0-d arrays made from a JS number: traces embed it as a Literal. */
    readonly hostScalar?: number,
  ) {
    super();
    const pending = !('ref' in buffer);
    if (pending && hostScalar === undefined) throw new Error('ConcreteArray: only host scalars may defer their buffer');
    this.#pending = pending;
    this.aval = pending ? buffer : buffer.aval;
    if (!pending) this.adopt(buffer);
    noteCreated(this);
  }

  private adopt(b: Buffer): void {
    this.#buffer = b;
    this.#tracked = this.backend.trackHeld?.(b) ?? true;
    if (this.#tracked) ConcreteArray.registry.register(this, { backend: this.backend, ref: b.ref }, this);
  }

  /** The device buffer holding the data. Throws once the array is disposed. */
  get buffer(): Buffer {
    if (this.#disposed) {
      throw new ReferenceError(`Array ${avalStr(this.aval)} on '${this.device}' was disposed (by x.dispose(), 'using' or the end of a scope); return it from the scope, or stop using it after disposing`);
    }
    if (this.#pending) {
      this.#pending = false;
      checkDtype(this.backend, this.aval.dtype, 'put');
      const data = typedArrayFor(this.aval.dtype, 1);
      data[0] = this.hostScalar!;
      this.adopt(this.backend.put(data, this.aval));
    }
    return this.#buffer!;
  }

  override get isDisposed(): boolean { return this.#disposed; }

  override repr(): string {
    if (this.#disposed) return `Array(<disposed> ${avalStr(this.aval)})`;
    try {
      return formatArray(this.dataSync(), this.aval, true);
    } catch {
      return `Array(${avalStr(this.aval)} on '${this.device}'; read it with await x.jsAsync())`;
    }
  }

  /** Releases the buffer now (idempotent); later use of this Array throws. */
  override dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#pending = false;
    const b = this.#buffer;
    this.#buffer = undefined;
    if (!b) return;
    if (this.#tracked) ConcreteArray.registry.unregister(this);
    this.backend.release(b.ref, b);
  }

  /** The name of the device holding the data (`'cpu'`, `'webgpu'`, ...). */
  get device(): string { return this.backend.name; }
  concrete(): ConcreteArray { return this; }

  static fromData(data: TypedArray, shape: readonly number[], dtype: DType, backend?: Backend, weak = false): ConcreteArray {
    const b = backend ?? getBackend();
    checkDtype(b, dtype, 'put');
    const a = mkAval(shape, dtype);
    return new ConcreteArray(b.put(data, a), b, weak);
  }

  static fromScalar(value: number | boolean, dtype: DType, backend?: Backend, weak = false): ConcreteArray {
    // The buffer (and the device's dtype check) waits for a kernel on that device to read it: a
    // scalar usually meets its other operands on their device, or folds on the host.
    return new ConcreteArray(mkAval([], dtype), backend ?? getBackend(), weak, castScalar(value, dtype));
  }

  /** The data as a typed array, read synchronously; throws on a device that cannot (use `read()`). */
  readSync(): TypedArray {
    // A host scalar's value is known here, whatever device it sits on.
    if (this.hostScalar !== undefined && !this.#disposed) {
      const d = typedArrayFor(this.aval.dtype, 1);
      d[0] = this.hostScalar;
      return d;
    }
    if (!this.backend.readSync) {
      throw new Error(`dataSync: device '${this.device}' cannot read ${avalStr(this.aval)} synchronously; read it with 'await x.data()' (or x.jsAsync(), x.itemAsync()), or create the array on the 'cpu' device`);
    }
    return this.backend.readSync(this.buffer);
  }
  /** The data as a typed array, read back asynchronously. */
  read(): Promise<TypedArray> { return this.backend.read(this.buffer); }

  /** This array's data on `backend` (a copy when it lives elsewhere). */
  onDevice(backend: Backend): ConcreteArray {
    if (backend === this.backend) return this;
    if (this.hostScalar !== undefined) return ConcreteArray.fromScalar(this.hostScalar, this.dtype, backend, this.weakType);
    if (!this.backend.readSync) {
      throw new Error(`devicePut: device '${this.device}' cannot read ${avalStr(this.aval)} synchronously, so it cannot be copied to '${backend.name}' now; copy it through the host: np.array(await x.data(), { shape: x.shape, dtype: x.dtype, device: '${backend.name}' })`);
    }
    return ConcreteArray.fromData(this.readSync(), this.aval.shape, this.dtype, backend, this.weakType);
  }
}

function toNested(data: TypedArray, a: Aval): unknown {
  const conv = a.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  const rec = (dim: number, off: number): unknown => {
    if (dim === a.shape.length) return conv(data[off]);
    const stride = size(a.shape.slice(dim + 1));
    const out: unknown[] = [];
    for (let i = 0; i < a.shape[dim]; i++) out.push(rec(dim + 1, off + i * stride));
    return out;
  };
  return rec(0, 0);
}
