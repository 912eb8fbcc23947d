/** Element types and JAX's type-promotion rules, reduced to the four dtypes we support. */

export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * The element-wise methods every typed array has, typed over numbers: TypeScript cannot call a
 * method on a union of typed arrays (their signatures differ in `this`), so readback types add these.
 */
export interface NumberMethods {
  reduce(cb: (acc: number, v: number, i: number) => number): number;
  reduce<U>(cb: (acc: U, v: number, i: number) => U, init: U): U;
  map(cb: (v: number, i: number) => number): ArrayData;
  filter(cb: (v: number, i: number) => unknown): ArrayData;
  forEach(cb: (v: number, i: number) => void): void;
  some(cb: (v: number, i: number) => unknown): boolean;
  every(cb: (v: number, i: number) => unknown): boolean;
  findIndex(cb: (v: number, i: number) => unknown): number;
}

/** What `dataSync()` / `data()` return: the array's own typed array, with NumberMethods callable. */
export type ArrayData = TypedArray & NumberMethods;

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
export const isInt = (d: DType): boolean => d === 'int32';

export function isDType(d: unknown): d is DType {
  return typeof d === 'string' && (DTYPES as readonly string[]).includes(d);
}

export const SHORT: Record<DType, string> = { float32: 'f32', float64: 'f64', int32: 'i32', bool: 'bool' };

export const ITEMSIZE: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

export function typedArrayFor(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
  }
}

export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Rounds a JS number to what the dtype can hold (used for literals and fills). */
export function castScalar(v: number | boolean, dtype: DType): number {
  const x = typeof v === 'boolean' ? Number(v) : v;
  switch (dtype) {
    case 'float64': return x;
    case 'float32': return Math.fround(x);
    case 'int32': return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case 'bool': return x !== 0 ? 1 : 0;
  }
}

// ---- default float ---------------------------------------------------------

/** Set by setDefaultFloat; otherwise the default device's own (float64 on cpu, float32 on webgpu). */
let chosenFloat: DType | undefined;
let deviceFloat: (device?: string) => DType = () => 'float64';

/** @internal The device registry supplies each device's float dtype (the default device's without a name). */
export function setDeviceFloat(f: (device?: string) => DType): void { deviceFloat = f; }

/**
 * The dtype that JS numbers and `np.array([...])` get: float64 on CPU, float32 on WebGPU. With a
 * device name, that device's (`np.zeros(3, { device: 'webgpu' })` is float32 whatever the default).
 */
export const getDefaultFloat = (device?: string): DType => chosenFloat ?? deviceFloat(device);
/** Fixes the default float for every device; `setDefaultFloat()` returns to each device's own. */
export function setDefaultFloat(d?: DType): void {
  if (d !== undefined && !isFloat(d)) throw new TypeError(`setDefaultFloat: expected 'float32' or 'float64', got ${String(d)}`);
  chosenFloat = d;
}

// ---- promotion -------------------------------------------------------------

/** A dtype plus JAX's weak-type bit: JS scalars are weak and defer to the other operand. */
export interface TypeInfo { readonly dtype: DType; readonly weak: boolean }

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const category = (d: DType): number => (d === 'bool' ? 0 : d === 'int32' ? 1 : 2);

/**
 * JAX's promotion lattice over our dtypes: bool < int32 < float32 < float64; a weak operand
 * takes the other's dtype when it is of the same or a higher category (int32 * 2 -> int32,
 * float32 * 2.5 -> float32), otherwise the result is the weak default of its category.
 */
export function promoteTypes(a: TypeInfo, b: TypeInfo): TypeInfo {
  if (a.weak && b.weak) return RANK[a.dtype] >= RANK[b.dtype] ? a : b;
  if (a.weak || b.weak) {
    const [strong, weak] = a.weak ? [b, a] : [a, b];
    if (category(strong.dtype) >= category(weak.dtype)) return { dtype: strong.dtype, weak: false };
    return weak;
  }
  return { dtype: RANK[a.dtype] >= RANK[b.dtype] ? a.dtype : b.dtype, weak: false };
}

/** The dtype a JS scalar takes in an operation: integers are weak int32, others weak float. */
export function scalarTypeInfo(v: number | boolean): TypeInfo {
  if (typeof v === 'boolean') return { dtype: 'bool', weak: true };
  return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? { dtype: 'int32', weak: true } : { dtype: getDefaultFloat(), weak: true };
}
