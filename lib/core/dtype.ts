/**
 * Element types and JAX's type-promotion rules over the dtypes we support. float16 is stored
 * (on the CPU) in a Float32Array whose values are rounded to half precision after every op, so
 * it computes in float32 precision between roundings and reads back as ordinary numbers.
 */

/** An element type: floats of 16, 32 and 64 bits, int8/int32, uint8/uint32 and bool (no 64-bit integers, as JAX without x64). */
export type DType = 'float16' | 'float32' | 'float64' | 'int8' | 'int32' | 'uint8' | 'uint32' | 'bool';

/** Every DType, from bool through the integers to the floats. */
export const DTYPES: readonly DType[] = ['bool', 'int8', 'uint8', 'int32', 'uint32', 'float16', 'float32', 'float64'];

/**
 * The typed arrays that hold elements on the host, one per dtype: bool is a Uint8Array, float16 a
 * Float32Array of half-precision values.
 */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array;

/**
 * The element-wise methods every typed array has, typed over numbers: TypeScript cannot call a
 * method on a union of typed arrays (their signatures differ in `this`), so readback types add these.
 */
export interface NumberMethods {
  /** Folds the elements from left to right, starting with the first as the accumulator. */
  reduce(cb: (acc: number, v: number, i: number) => number): number;
  /** Folds the elements from left to right into a value of any type, starting from `init`. */
  reduce<U>(cb: (acc: U, v: number, i: number) => U, init: U): U;
  /** A new typed array of the same kind holding cb of each element (stored in its element type). */
  map(cb: (v: number, i: number) => number): ArrayData;
  /** A new typed array of the same kind holding the elements for which cb is truthy. */
  filter(cb: (v: number, i: number) => unknown): ArrayData;
  /** Calls cb on each element, in order. */
  forEach(cb: (v: number, i: number) => void): void;
  /** Whether cb is truthy for at least one element. */
  some(cb: (v: number, i: number) => unknown): boolean;
  /** Whether cb is truthy for every element (true for an empty array). */
  every(cb: (v: number, i: number) => unknown): boolean;
  /** The index of the first element for which cb is truthy, or -1. */
  findIndex(cb: (v: number, i: number) => unknown): number;
}

/** What `dataSync()` / `data()` return: the array's own typed array, with NumberMethods callable. */
export type ArrayData = TypedArray & NumberMethods;

/** Whether d is float16, float32 or float64. */
export const isFloat = (d: DType): boolean => d === 'float16' || d === 'float32' || d === 'float64';
/** Whether d is an integer dtype, signed or unsigned (bool is not). */
export const isInt = (d: DType): boolean => d === 'int32' || d === 'uint32' || d === 'int8' || d === 'uint8';
/** Whether d is uint8 or uint32. */
export const isUnsigned = (d: DType): boolean => d === 'uint32' || d === 'uint8';

/** The smallest and largest value of an integer dtype (bool: 0 and 1). */
export function intRange(d: DType): readonly [number, number] {
  switch (d) {
    case 'int8': return [-128, 127];
    case 'uint8': return [0, 255];
    case 'uint32': return [0, 4294967295];
    case 'bool': return [0, 1];
    default: return [-2147483648, 2147483647];
  }
}

/**
 * The dtype sums and products accumulate in (JAX's `promote_integers`): bool and int8 as int32,
 * uint8 as uint32, every other dtype as itself.
 */
export const accumulationDtype = (d: DType): DType => (d === 'bool' || d === 'int8' ? 'int32' : d === 'uint8' ? 'uint32' : d);

/** An integer wrapped into an integer dtype's range (two's complement, as storing it would). */
export function wrapInt(v: number, d: DType): number {
  switch (d) {
    case 'int8': return (v << 24) >> 24;
    case 'uint8': return v & 255;
    case 'uint32': return v >>> 0;
    default: return v | 0;
  }
}

/**
 * x rounded to the nearest float16 (ties to even), as a JS number: what a float16 array holds.
 * Subnormals keep their 2^-24 spacing; from 65520 (halfway past the largest half, 65504) values
 * round to ±Infinity.
 */
export function f16round(x: number): number {
  const a = Math.abs(x);
  if (!(a > 0) || a === Infinity) return x; // 0, -0, NaN, ±Infinity
  if (a >= 65520) return x > 0 ? Infinity : -Infinity; // halfway to the next binade rounds up
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; else if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, -14) - 10);
  const q = a / ulp; // exact: a power-of-two scaling
  let r = Math.round(q);
  if (r - q === 0.5 && r % 2 !== 0) r--; // Math.round rounds halves up: make them even
  return x < 0 ? -r * ulp : r * ulp; // r may carry into the next binade, which is exact
}

/** Whether d is the name of a dtype this library has. */
export function isDType(d: unknown): d is DType {
  return typeof d === 'string' && (DTYPES as readonly string[]).includes(d);
}

/** The error for a dtype we do not have, naming the caller and the nearest dtype we do. */
export function unknownDtype(who: string, d: unknown): TypeError {
  const near = d === 'int64' || d === 'int16' ? "; use 'int32' (JAX without x64 has no int64 either)"
    : d === 'uint64' || d === 'uint16' ? "; use 'uint32'"
    : d === 'bfloat16' ? "; use 'float16' or 'float32'"
    : `; use one of ${DTYPES.map((t) => `'${t}'`).join(', ')}`;
  return new TypeError(`${who}: unknown dtype ${JSON.stringify(d)}${near}`);
}

/** Each dtype's short name in printed avals and jaxprs: f32[2,3], i32[], bool[4]. */
export const SHORT: Record<DType, string> = {
  float16: 'f16', float32: 'f32', float64: 'f64', int8: 'i8', int32: 'i32', uint8: 'u8', uint32: 'u32', bool: 'bool',
};

/** Bytes per element as JAX reports them (`nbytes`); float16's CPU storage is 4 bytes wide. */
export const ITEMSIZE: Record<DType, number> = { float16: 2, float32: 4, float64: 8, int8: 1, int32: 4, uint8: 1, uint32: 4, bool: 1 };

interface TypedArrayType { new (n: number): TypedArray; readonly BYTES_PER_ELEMENT: number }

/** The typed array each dtype is stored in on the host. */
export const ARRAY_TYPE: Record<DType, TypedArrayType> = {
  float16: Float32Array, float32: Float32Array, float64: Float64Array, int8: Int8Array,
  int32: Int32Array, uint8: Uint8Array, uint32: Uint32Array, bool: Uint8Array,
};

/** A zero-filled host typed array of n elements for dtype (see ARRAY_TYPE). */
export const typedArrayFor = (dtype: DType, n: number): TypedArray => new ARRAY_TYPE[dtype](n);

/** The dtype a typed array from user code keeps (a Uint8Array is uint8; bool is asked for by name). */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  return undefined;
}

/** Rounds a JS number to what the dtype can hold (used for literals and fills). */
export function castScalar(v: number | boolean, dtype: DType): number {
  const x = typeof v === 'boolean' ? Number(v) : v;
  switch (dtype) {
    case 'float64': return x;
    case 'float32': return Math.fround(x);
    case 'float16': return f16round(x);
    case 'bool': return x !== 0 ? 1 : 0;
    default: return Number.isFinite(x) ? wrapInt(Math.trunc(x), dtype) : 0;
  }
}

/** An element converted between dtypes as lax.convert_element_type does: float -> integer saturates (NaN -> 0), the rest as castScalar. */
export function convertScalar(v: number, from: DType, to: DType): number {
  if (!isInt(to) || !isFloat(from)) return castScalar(v, to);
  const [lo, hi] = intRange(to);
  return toIntSaturating(v, lo, hi);
}

/** A float truncated into [lo, hi] (NaN -> 0): XLA's float -> integer conversion. */
export const toIntSaturating = (v: number, lo: number, hi: number): number => (v !== v ? 0 : v >= hi ? hi : v <= lo ? lo : Math.trunc(v));

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
  if (d !== undefined && d !== 'float32' && d !== 'float64') throw new TypeError(`setDefaultFloat: expected 'float32' or 'float64', got ${String(d)}`);
  chosenFloat = d;
}

// ---- promotion -------------------------------------------------------------

/** A dtype plus JAX's weak-type bit: JS scalars are weak and defer to the other operand. */
export interface TypeInfo { readonly dtype: DType; readonly weak: boolean }

const RANK: Record<DType, number> = { bool: 0, int8: 1, uint8: 1, int32: 2, uint32: 2, float16: 3, float32: 4, float64: 5 };
const category = (d: DType): number => (d === 'bool' ? 0 : isInt(d) ? 1 : 2);

/** The join of two strong dtypes in JAX's lattice (int64 and int16 canonicalised to int32, as JAX without x64). */
function joinTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  // mixed signedness needs a wider signed type: i16 or i64, which is int32 here
  if (isInt(a) && isInt(b) && isUnsigned(a) !== isUnsigned(b)) return 'int32';
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * JAX's promotion lattice over our dtypes: bool < integers < floats; int8 < int32, uint8 < uint32,
 * a signed and an unsigned integer give int32; float16 < float32 < float64. A weak operand takes
 * the other's dtype when it is of the same or a higher category (int32 * 2 -> int32, uint8 + 1
 * -> uint8, float32 * 2.5 -> float32), otherwise the result is the weak default of its category.
 */
export function promoteTypes(a: TypeInfo, b: TypeInfo): TypeInfo {
  if (a.weak && b.weak) return RANK[a.dtype] >= RANK[b.dtype] ? a : b;
  if (a.weak || b.weak) {
    const [strong, weak] = a.weak ? [b, a] : [a, b];
    if (category(strong.dtype) >= category(weak.dtype)) return { dtype: strong.dtype, weak: false };
    return weak;
  }
  return { dtype: joinTypes(a.dtype, b.dtype), weak: false };
}

/** The dtype a JS scalar takes in an operation: integers are weak int32, others weak float. */
export function scalarTypeInfo(v: number | boolean): TypeInfo {
  if (typeof v === 'boolean') return { dtype: 'bool', weak: true };
  return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? { dtype: 'int32', weak: true } : { dtype: getDefaultFloat(), weak: true };
}
