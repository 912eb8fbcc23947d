/**
 * One row per primitive (and per interesting params) for tests/grad-check.test.ts.
 * Each row applies its primitive directly with `bind1`; integer operands (indices, starts,
 * predicates) are int32/bool constants closed over by `f` and are never differentiated.
 */
import { type Array, checkpoint, customJvp, customVjp, getDefaultFloat, lax, np, primitives } from '../lib/index.js';
import type { Primitive } from '../lib/core/primitive.js';
import type { Params } from '../lib/core/ir.js';
import { bind, bind1 } from '../lib/core/trace.js';
import { decompositionRows } from './prim-rows-decompositions.js';
import { sortRows } from './prim-rows-sort.js';
import { fftRows } from './prim-rows-fft.js';
import { eigRows } from './prim-rows-eig.js';
import { debugRows } from './prim-rows-debug.js';
import { collectiveRows } from './prim-rows-collectives.js';

/** One argument of `f`: its shape, dtype and sampling domain. */
export interface InputSpec {
  readonly shape: readonly number[];
  /** The test's float (float64 on cpu, float32 on test-f32) unless said; int32/bool inputs appear only in nondiff rows. */
  readonly dtype?: 'float64' | 'int32' | 'bool';
  /** Uniform samples in [lo, hi] (default [-1, 1]). */
  readonly lo?: number;
  readonly hi?: number;
  /** Samples ±[absMin, hi]: keeps away from a singularity/kink at 0 (e.g. div's |y| > 0.5). */
  readonly absMin?: number;
}


export interface Row {
  /** Unique label: primitive name plus what is special about the params. */
  readonly name: string;
  /** The primitive this row covers (must be a registered name). */
  readonly prim: string;
  readonly params: Params;
  readonly inputs: readonly InputSpec[];
  /** The function under test, over the inputs; applies `prim` (possibly with set-up ops around it). */
  readonly f: (...xs: Array[]) => Array;
  /** Relative tolerance of the finite-difference check (default 1e-6). */
  readonly tol?: number;
  /** Relative tolerance of the <ct, J t> = <Jᵀ ct, t> identity (default 1e-10). */
  readonly vjpTol?: number;
  /** Finite-difference step (default 1e-6). */
  readonly h?: number;
  /** Finite-difference step in float32, where the default (3e-3) would cross a kink or branch. */
  readonly h32?: number;
  /** Output is integer/bool or the primitive blocks derivatives: the tangent must be exactly zero. */
  readonly nondiff?: true;
  /** Forward mode only by design: reverse mode must raise an error matching this. */
  readonly forwardOnly?: RegExp;
  /** Why the row runs on float64 devices only (skipped on float32 ones such as test-f32). */
  readonly f64Only?: string;
}

/** The registered primitive called `name` (throws for an unknown name so typos fail loudly). */
export function P(name: string): Primitive {
  const p = primitives().get(name);
  if (!p) throw new Error(`prim-table: no primitive named '${name}'`);
  return p;
}

const i32 = (data: number[] | number, shape?: number[]): Array => np.array(data, { dtype: 'int32', ...(shape ? { shape } : {}) });
const boolArr = (data: boolean[], shape: number[]): Array => np.array(data, { dtype: 'bool', shape });
/** Float constants in the test's float dtype, made at call time on the default device. */
const f64 = (data: number[], shape: number[]): Array => np.array(data, { dtype: getDefaultFloat(), shape });
const fl = (v: number): Array => np.array(v, { dtype: getDefaultFloat() });
const eye = (n: number): Array => f64(globalThis.Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)), [n, n]);

const F = (shape: number[], dom: Omit<InputSpec, 'shape'> = {}): InputSpec => ({ shape, ...dom });

/** A row applying `prim` directly to all of `f`'s arguments. */
function direct(prim: string, params: Params, inputs: InputSpec[], extra: Partial<Row> = {}): Row {
  return { name: extra.name ?? prim, prim, params, inputs, f: (...xs) => bind1(P(prim), xs, params), ...extra };
}

/** A row whose function builds extra operands (constants, SPD matrices, ...) around `prim`. */
function built(name: string, prim: string, params: Params, inputs: InputSpec[], f: (...xs: Array[]) => Array, extra: Partial<Row> = {}): Row {
  return { name, prim, params, inputs, f, ...extra };
}

const S = [3, 4];
const toI32 = (x: Array): Array => bind1(P('convert_element_type'), [x], { newDtype: 'int32' });

// ---- elementwise unary ----------------------------------------------------------------------
const unaryDomains: [string, Omit<InputSpec, 'shape'>][] = [
  ['neg', {}], ['exp', {}], ['exp2', {}], ['log', { lo: 0.1, hi: 3 }], ['log1p', { lo: -0.5, hi: 2 }],
  ['expm1', {}], ['sin', {}], ['cos', {}], ['tan', {}], ['asin', { lo: -0.9, hi: 0.9 }],
  ['acos', { lo: -0.9, hi: 0.9 }], ['atan', { lo: -2, hi: 2 }], ['sinh', {}], ['cosh', {}], ['tanh', {}],
  ['asinh', { lo: -2, hi: 2 }], ['acosh', { lo: 1.1, hi: 3 }], ['atanh', { lo: -0.9, hi: 0.9 }],
  ['sqrt', { lo: 0.1, hi: 3 }], ['rsqrt', { lo: 0.1, hi: 3 }], ['cbrt', { absMin: 0.1, hi: 3 }],
  ['abs', { absMin: 0.1, hi: 2 }], ['logistic', { lo: -3, hi: 3 }], ['erf', { lo: -2, hi: 2 }],
  ['erfc', { lo: -2, hi: 2 }], ['erf_inv', { lo: -0.9, hi: 0.9 }], ['lgamma', { lo: 0.5, hi: 4 }],
  ['digamma', { lo: 0.5, hi: 4 }],
  // Piecewise constant: jvp is 0 and so is the finite difference away from the jumps.
  ['sign', { absMin: 0.1, hi: 2 }], ['floor', { lo: -3, hi: 3 }], ['ceil', { lo: -3, hi: 3 }], ['round', { lo: -3, hi: 3 }],
];

const elementwise: Row[] = [
  ...unaryDomains.map(([p, d]) => direct(p, {}, [F(S, d)])),
  direct('exp', {}, [F([])], { name: 'exp rank-0' }),
  direct('polygamma', { n: 1 }, [F(S, { lo: 0.5, hi: 4 })], { name: 'polygamma n=1' }),
  direct('polygamma', { n: 2 }, [F(S, { lo: 0.5, hi: 4 })], { name: 'polygamma n=2', tol: 1e-5 }),
  ...[0, 1, 2, 3].map((y) => direct('integer_pow', { y }, [F(S, { lo: -2, hi: 2 })], { name: `integer_pow y=${y}` })),
  direct('integer_pow', { y: -2 }, [F(S, { absMin: 0.5, hi: 2 })], { name: 'integer_pow y=-2' }),
  direct('is_finite', {}, [F(S)], { nondiff: true }),
  direct('not', {}, [F(S, { dtype: 'bool' })], { name: 'not bool', nondiff: true }),
  direct('not', {}, [F(S, { dtype: 'int32' })], { name: 'not int32', nondiff: true }),
];

// ---- binary ---------------------------------------------------------------------------------
// Made at call time, on the device the test runs on.
const pred = (): Array => boolArr([true, false, false, true, true, true, false, false, true, false, true, false], S);

/** Gather/scatter indices into axis 0 of a [4, 3] operand, with a duplicate. */
// Made at call time, on the device the test runs on.
const gIdx = (): Array => i32([1, 3, 1], [3, 1]);

const binaryRows: Row[] = [
  direct('add', {}, [F(S), F(S)]),
  direct('add', {}, [F(S), F([])], { name: 'add scalar rhs' }),
  direct('sub', {}, [F(S), F(S)]),
  direct('sub', {}, [F([]), F(S)], { name: 'sub scalar lhs' }),
  direct('mul', {}, [F(S), F(S)]),
  direct('mul', {}, [F(S), F([])], { name: 'mul scalar rhs' }),
  direct('div', {}, [F(S), F(S, { absMin: 0.5, hi: 2 })]),
  direct('div', {}, [F([]), F(S, { absMin: 0.5, hi: 2 })], { name: 'div scalar lhs' }),
  direct('rem', {}, [F(S, { lo: -3, hi: 3 }), F(S, { absMin: 0.5, hi: 2 })]),
  direct('pow', {}, [F(S, { lo: 0.1, hi: 2 }), F(S, { lo: -2, hi: 2 })]),
  direct('pow', {}, [F(S, { lo: 0.1, hi: 2 }), F([], { lo: -2, hi: 2 })], { name: 'pow scalar exponent' }),
  direct('max', {}, [F(S), F(S)]),
  direct('min', {}, [F(S), F(S)]),
  direct('max', {}, [F(S), F([])], { name: 'max scalar rhs' }),
  direct('max', {}, [F(S, { dtype: 'bool' }), F(S, { dtype: 'bool' })], { name: 'max bool', nondiff: true }),
  direct('min', {}, [F(S, { dtype: 'int32' }), F(S, { dtype: 'int32' })], { name: 'min int32', nondiff: true }),
  built('select bool branches', 'select', {}, [F(S, { dtype: 'bool' }), F(S, { dtype: 'bool' })], (t, f) => bind1(P('select'), [pred(), t, f]), { nondiff: true }),
  direct('neg', {}, [F(S, { dtype: 'int32' })], { name: 'neg int32', nondiff: true }),
  direct('abs', {}, [F(S, { dtype: 'int32' })], { name: 'abs int32', nondiff: true }),
  direct('sign', {}, [F(S, { dtype: 'int32' })], { name: 'sign int32', nondiff: true }),
  direct('integer_pow', { y: 3 }, [F(S, { dtype: 'int32' })], { name: 'integer_pow int32', nondiff: true }),
  direct('mul', {}, [F(S, { dtype: 'int32' }), F(S, { dtype: 'int32' })], { name: 'mul int32', nondiff: true }),
  direct('rem', {}, [F(S, { dtype: 'int32' }), F(S, { dtype: 'int32', absMin: 1, hi: 4 })], { name: 'rem int32', nondiff: true }),
  direct('reduce_prod', { axes: [0] }, [F(S, { dtype: 'int32' })], { name: 'reduce_prod int32', nondiff: true }),
  direct('div', {}, [F(S, { dtype: 'int32' }), F(S, { dtype: 'int32', absMin: 1, hi: 4 })], { name: 'div int32', nondiff: true }),
  direct('add', {}, [F(S, { dtype: 'int32' }), F([], { dtype: 'int32' })], { name: 'add int32', nondiff: true }),
  direct('convert_element_type', { newDtype: 'float64' }, [F(S, { dtype: 'int32' })], { name: 'convert_element_type int32->f64', nondiff: true, f64Only: 'converts to float64, which a float32 device lacks' }),
  direct('convert_element_type', { newDtype: 'float64' }, [F(S, { dtype: 'bool' })], { name: 'convert_element_type bool->f64', nondiff: true, f64Only: 'converts to float64, which a float32 device lacks' }),
  direct('concatenate', { dimension: 0 }, [F(S, { dtype: 'int32' }), F([1, 4], { dtype: 'int32' })], { name: 'concatenate int32', nondiff: true }),
  built('gather int32 operand', 'gather', { axes: [0] }, [F([4, 3], { dtype: 'int32' })], (x) => bind1(P('gather'), [x, gIdx()], { axes: [0] }), { nondiff: true }),
  built('scatter int32 operand', 'scatter', { axes: [0] }, [F([4, 3], { dtype: 'int32' }), F([3, 3], { dtype: 'int32' })], (x, u) => bind1(P('scatter'), [x, gIdx(), u], { axes: [0] }), { nondiff: true }),
  direct('pad', { config: [[1, -1, 1], [0, 1, 0]] }, [F(S, { dtype: 'int32' }), F([], { dtype: 'int32' })], { name: 'pad int32', nondiff: true }),
  built('dot_general int32', 'dot_general', { contracting: [[1], [0]], batch: [[], []] }, [F(S, { dtype: 'int32' }), F([4, 2], { dtype: 'int32' })],
    (a, b) => bind1(P('dot_general'), [a, b], { contracting: [[1], [0]], batch: [[], []] }), { nondiff: true }),
  direct('min', {}, [F([]), F(S)], { name: 'min scalar lhs' }),
  direct('rem', {}, [F([], { lo: -3, hi: 3 }), F(S, { absMin: 0.5, hi: 2 })], { name: 'rem scalar lhs' }),
  direct('atan2', {}, [F(S), F(S, { absMin: 0.2, hi: 1 })]),
  direct('atan2', {}, [F([]), F(S, { absMin: 0.2, hi: 1 })], { name: 'atan2 scalar lhs' }),
  ...['eq', 'ne', 'lt', 'le', 'gt', 'ge'].map((p) => direct(p, {}, [F(S), F(S)], { nondiff: true })),
  built('eq ties', 'eq', {}, [F(S)], (x) => bind1(P('eq'), [x, x]), { nondiff: true }),
  ...['and', 'or', 'xor'].flatMap((p) => [
    direct(p, {}, [F(S, { dtype: 'bool' }), F(S, { dtype: 'bool' })], { name: `${p} bool`, nondiff: true }),
    direct(p, {}, [F(S, { dtype: 'int32' }), F(S, { dtype: 'int32' })], { name: `${p} int32`, nondiff: true }),
  ]),
  built('select fixed pred', 'select', {}, [F(S), F(S)], (t, f) => bind1(P('select'), [pred(), t, f])),
  built('select traced pred', 'select', {}, [F(S), F(S)], (t, f) => bind1(P('select'), [bind1(P('gt'), [t, f]), t, f])),
  built('select traced scalar pred', 'select', {}, [F([]), F(S), F(S)], (c, t, f) => bind1(P('select'), [bind1(P('gt'), [c, fl(0)]), t, f])),
  built('select scalar branch', 'select', {}, [F([]), F(S)], (t, f) => bind1(P('select'), [pred(), t, f])),
];

// ---- reductions -----------------------------------------------------------------------------
const S3 = [2, 3, 4];
const reduceRows: Row[] = [
  direct('reduce_sum', { axes: [0, 2] }, [F(S3)], { name: 'reduce_sum axes [0,2]' }),
  direct('reduce_sum', { axes: [] }, [F(S3)], { name: 'reduce_sum axes []' }),
  direct('reduce_prod', { axes: [1] }, [F(S3, { absMin: 0.3, hi: 1.5 })], { name: 'reduce_prod axes [1]' }),
  direct('reduce_prod', { axes: [0, 1, 2] }, [F(S3, { absMin: 0.5, hi: 1.5 })], { name: 'reduce_prod all' }),
  direct('reduce_max', { axes: [1] }, [F(S3)], { name: 'reduce_max axes [1]' }),
  direct('reduce_min', { axes: [0, 2] }, [F(S3)], { name: 'reduce_min axes [0,2]' }),
  direct('reduce_max', { axes: [0] }, [F(S3, { dtype: 'bool' })], { name: 'reduce_max bool (any)', nondiff: true }),
  direct('reduce_min', { axes: [1, 2] }, [F(S3, { dtype: 'int32' })], { name: 'reduce_min int32', nondiff: true }),
  direct('reduce_sum', { axes: [1] }, [F(S3, { dtype: 'int32' })], { name: 'reduce_sum int32', nondiff: true }),
  direct('cumsum', { axis: 0, reverse: false }, [F(S3, { dtype: 'int32' })], { name: 'cumsum int32', nondiff: true }),
  direct('argmax', { axis: 1 }, [F(S3)], { nondiff: true }),
  direct('argmin', { axis: 2 }, [F(S3)], { nondiff: true }),
  direct('cumsum', { axis: 1, reverse: false }, [F(S3)], { name: 'cumsum axis 1' }),
  direct('cumsum', { axis: 2, reverse: true }, [F(S3)], { name: 'cumsum axis 2 reverse' }),
];

// ---- shape ----------------------------------------------------------------------------------
// Made at call time, on the device the test runs on.
const gIdx2 = (): Array => i32([0, 2, 3, 1, 0, 2], [3, 2]);
// Made at call time, on the device the test runs on.
const sIdxUnique = (): Array => i32([2, 0, 3], [3, 1]);
const shapeRows: Row[] = [
  direct('broadcast_in_dim', { shape: [2, 3, 4], broadcastDimensions: [1, 2] }, [F([3, 1])]),
  direct('broadcast_in_dim', { shape: [2, 3], broadcastDimensions: [] }, [F([])], { name: 'broadcast_in_dim rank-0' }),
  direct('reshape', { newSizes: [6, 4] }, [F(S3)]),
  direct('transpose', { permutation: [2, 0, 1] }, [F(S3)]),
  direct('squeeze', { dimensions: [1] }, [F([3, 1, 4])]),
  direct('expand_dims', { dimensions: [0, 2] }, [F(S)]),
  direct('rev', { dimensions: [0, 1] }, [F(S)]),
  direct('slice', { startIndices: [1, 0], limitIndices: [3, 4], strides: null }, [F(S)]),
  direct('slice', { startIndices: [0, 1], limitIndices: [3, 4], strides: [2, 2] }, [F(S)], { name: 'slice strided' }),
  built('dynamic_slice', 'dynamic_slice', { sliceSizes: [2, 2] }, [F([5, 4])], (x) => bind1(P('dynamic_slice'), [x, i32(1), i32(2)], { sliceSizes: [2, 2] })),
  built('dynamic_slice clamped start', 'dynamic_slice', { sliceSizes: [2, 3] }, [F([5, 4])], (x) => bind1(P('dynamic_slice'), [x, i32(4), i32(-1)], { sliceSizes: [2, 3] })),
  built('dynamic_update_slice', 'dynamic_update_slice', {}, [F([5, 4]), F([2, 3])], (x, u) => bind1(P('dynamic_update_slice'), [x, u, i32(2), i32(1)])),
  direct('pad', { config: [[1, -1, 1], [-1, 2, 0]] }, [F(S), F([])], { name: 'pad negative+interior' }),
  direct('pad', { config: [[0, 0, 2], [-2, -1, 1]] }, [F(S), F([])], { name: 'pad crop+interior' }),
  direct('concatenate', { dimension: 1 }, [F([3, 2]), F([3, 1]), F([3, 3])]),
  built('gather axes [0]', 'gather', { axes: [0] }, [F([4, 3])], (x) => bind1(P('gather'), [x, gIdx()], { axes: [0] })),
  built('gather axes [0,1]', 'gather', { axes: [0, 1] }, [F([4, 3])], (x) => bind1(P('gather'), [x, gIdx2()], { axes: [0, 1] })),
  built('scatter_add duplicates', 'scatter_add', { axes: [0] }, [F([4, 3]), F([3, 3])], (x, u) => bind1(P('scatter_add'), [x, gIdx(), u], { axes: [0] })),
  built('scatter unique', 'scatter', { axes: [0] }, [F([4, 3]), F([3, 3])], (x, u) => bind1(P('scatter'), [x, sIdxUnique(), u], { axes: [0] })),
  built('scatter duplicates', 'scatter', { axes: [0] }, [F([4, 3]), F([3, 3])], (x, u) => bind1(P('scatter'), [x, gIdx(), u], { axes: [0] })),
  // Indices/starts computed from a float input: batched under vmap (the gather/scatter batching
  // paths), zero tangent through the float->int32 cast (finite differences are 0 away from integers).
  built('gather traced indices', 'gather', { axes: [0] }, [F([4, 3]), F([3, 1], { lo: 0.1, hi: 3.9 })],
    (x, i) => bind1(P('gather'), [x, toI32(i)], { axes: [0] })),
  built('scatter_add traced indices', 'scatter_add', { axes: [0] }, [F([4, 3]), F([3, 1], { lo: 0.1, hi: 3.9 }), F([3, 3])],
    (x, i, u) => bind1(P('scatter_add'), [x, toI32(i), u], { axes: [0] })),
  built('scatter traced indices', 'scatter', { axes: [0] }, [F([4, 3]), F([3, 1], { lo: 0.1, hi: 3.9 }), F([3, 3])],
    (x, i, u) => bind1(P('scatter'), [x, toI32(i), u], { axes: [0] })),
  built('dynamic_slice traced starts', 'dynamic_slice', { sliceSizes: [2, 3] }, [F([5, 4]), F([], { lo: -0.9, hi: 4.9 }), F([], { lo: 0.1, hi: 2.9 })],
    (x, a, b) => bind1(P('dynamic_slice'), [x, toI32(a), toI32(b)], { sliceSizes: [2, 3] })),
  built('dynamic_update_slice traced starts', 'dynamic_update_slice', {}, [F([5, 4]), F([2, 3]), F([], { lo: 0.1, hi: 4.9 }), F([], { lo: -0.9, hi: 2.9 })],
    (x, u, a, b) => bind1(P('dynamic_update_slice'), [x, u, toI32(a), toI32(b)])),
  built('iota', 'iota', { dtype: 'float64', shape: S, dimension: 1 }, [F(S)], (x) => bind1(P('mul'), [x, bind1(P('iota'), [], { dtype: 'float64', shape: S, dimension: 1 })]), { f64Only: 'a float64 iota' }),
  built('iota int32', 'iota', { dtype: 'int32', shape: S, dimension: 0 }, [F(S)], () => bind1(P('iota'), [], { dtype: 'int32', shape: S, dimension: 0 }), { nondiff: true }),
  built('convert_element_type f64->f32->f64', 'convert_element_type', { newDtype: 'float32' }, [F(S)],
    (x) => bind1(P('convert_element_type'), [bind1(P('convert_element_type'), [x], { newDtype: 'float32' })], { newDtype: 'float64' }),
    // Tangents and cotangents pass through float32, so both identities hold to float32 precision.
    { h: 1e-2, tol: 1e-5, vjpTol: 1e-6, f64Only: 'round-trips through float64' }),
  direct('convert_element_type', { newDtype: 'int32' }, [F(S, { lo: -3, hi: 3 })], { name: 'convert_element_type f64->int32', nondiff: true }),
];

// ---- linalg ---------------------------------------------------------------------------------
const mm = (a: Array, b: Array): Array => bind1(P('dot_general'), [a, b], { contracting: [[1], [0]], batch: [[], []] });
const mT = (a: Array): Array => bind1(P('transpose'), [a], { permutation: [1, 0] });
/** A·Aᵀ + n·I: symmetric positive definite. */
const spd = (a: Array): Array => bind1(P('add'), [mm(a, mT(a)), bind1(P('mul'), [eye(a.shape[0]), fl(a.shape[0])])]);
/** Batched A·Aᵀ + n·I for a [b, n, n] input. */
const spdB = (a: Array): Array => {
  const n = a.shape[1];
  const aat = bind1(P('dot_general'), [a, a], { contracting: [[2], [2]], batch: [[0], [0]] });
  const nI = bind1(P('broadcast_in_dim'), [bind1(P('mul'), [eye(n), fl(n)])], { shape: [...a.shape], broadcastDimensions: [1, 2] });
  return bind1(P('add'), [aat, nI]);
};
/** A fixed permutation matrix, so LU's pivoting is not the identity. */
const perm3 = (): Array => f64([0, 0, 1, 1, 0, 0, 0, 1, 0], [3, 3]);
const wellCond = (a: Array, base: Array): Array => bind1(P('add'), [a, bind1(P('mul'), [base, fl(3)])]);

const triRows: Row[] = [];
for (const leftSide of [true, false]) {
  for (const lower of [true, false]) {
    for (const transposeA of [false, true]) {
      for (const unitDiagonal of [false, true]) {
        const p = { leftSide, lower, transposeA, unitDiagonal };
        triRows.push(built(`triangular_solve left=${leftSide} lower=${lower} T=${transposeA} unit=${unitDiagonal}`, 'triangular_solve', p,
          [F([3, 3]), F(leftSide ? [3, 2] : [2, 3])],
          (a, b) => bind1(P('triangular_solve'), [wellCond(a, eye(3)), b], p)));
      }
    }
  }
}

const linalgRows: Row[] = [
  direct('dot_general', { contracting: [[1], [0]], batch: [[], []] }, [F([2, 3]), F([3, 4])], { name: 'dot_general matmul' }),
  direct('dot_general', { contracting: [[2], [1]], batch: [[0], [0]] }, [F([2, 3, 4]), F([2, 4, 5])], { name: 'dot_general batch+contract' }),
  direct('dot_general', { contracting: [[2, 0], [0, 3]], batch: [[1], [2]] }, [F([3, 2, 4]), F([4, 5, 2, 3])], { name: 'dot_general non-leading batch, 2 contracting' }),
  direct('dot_general', { contracting: [[], []], batch: [[], []] }, [F([2]), F([3])], { name: 'dot_general outer' }),
  built('cholesky of A·Aᵀ + nI', 'cholesky', {}, [F([3, 3])], (a) => bind1(P('cholesky'), [spd(a)])),
  built('lu (lu output)', 'lu', {}, [F([3, 3])], (a) => bind(P('lu'), [wellCond(a, perm3())])[0]),
  built('lu pivots', 'lu', {}, [F([3, 3])], (a) => bind(P('lu'), [wellCond(a, perm3())])[1], { nondiff: true }),
  built('lu permutation', 'lu', {}, [F([3, 3])], (a) => bind(P('lu'), [wellCond(a, perm3())])[2], { nondiff: true }),
  built('cholesky batched [2,3,3]', 'cholesky', {}, [F([2, 3, 3])], (a) => bind1(P('cholesky'), [spdB(a)])),
  built('triangular_solve batched [2,3,3]', 'triangular_solve', { leftSide: true, lower: true, transposeA: true, unitDiagonal: false },
    [F([2, 3, 3]), F([2, 3, 2])],
    (a, b) => bind1(P('triangular_solve'), [bind1(P('add'), [a, bind1(P('broadcast_in_dim'), [bind1(P('mul'), [eye(3), fl(3)])], { shape: [2, 3, 3], broadcastDimensions: [1, 2] })]), b],
      { leftSide: true, lower: true, transposeA: true, unitDiagonal: false })),
  ...triRows,
];

// ---- custom ---------------------------------------------------------------------------------
// A customJvp softplus (rule = the true derivative) and a customVjp x·sin(y) with residuals, so
// the checks against finite differences hold exactly.
const softplus = customJvp((x: Array) => np.log1p(np.exp(x)), { jvp: ([x]: Array[], [t]: Array[]) => [np.log1p(np.exp(x)), t.mul(np.logistic(x))] });
const xsin = customVjp((x: Array, y: Array) => x.mul(np.sin(y)), {
  fwd: (x: Array, y: Array) => [x.mul(np.sin(y)), [x, np.sin(y), np.cos(y)]],
  bwd: ([x, s, c]: Array[], ct: Array) => [ct.mul(s), ct.mul(x).mul(c)],
});
const customRows: Row[] = [
  direct('stop_gradient', {}, [F(S)], { nondiff: true }),
  { name: 'custom_jvp_call (softplus)', prim: 'custom_jvp_call', params: {}, inputs: [F([3])], f: (x) => softplus(x) },
  { name: 'custom_vjp_call (x·sin y)', prim: 'custom_vjp_call', params: {}, inputs: [F([3]), F([3])], f: (x, y) => xsin(x, y) },
  { name: 'checkpoint (nothing saveable)', prim: 'checkpoint', params: {}, inputs: [F([3]), F([3])],
    f: checkpoint((x: Array, y: Array) => np.sin(x.mul(y)).mul(np.exp(y))) },
  { name: 'custom_root (x³ = a per element, dense tangent solve)', prim: 'custom_root', params: {}, inputs: [F([2], { lo: 1, hi: 3 })],
    f: (a) => lax.customRoot((x: Array) => x.mul(x).mul(x).sub(a), np.array([1, 1]),
      (f: (x: Array) => Array, x0: Array) => lax.foriLoop(0, 60, (_i: Array, x: Array) => x.sub(f(x).div(x.mul(x).mul(3))), x0), lax.denseSolve) },
  { name: 'linear_solve (dense solve, operator and rhs)', prim: 'linear_solve', params: {}, inputs: [F([2, 2], { lo: 0.1, hi: 0.5 }), F([2])],
    f: (m, v) => {
      const M = m.add(np.eye(2).mul(2));
      const solve = (mv: (x: Array) => Array, y: Array) => lax.denseSolve(mv, y);
      return lax.customLinearSolve((x: Array) => np.matmul(M, x), v, solve, solve);
    } },
  { name: 'custom_lin (jvp of a customVjp function)', prim: 'custom_lin', params: {}, inputs: [F([2]), F([2])], f: (x, y) => xsin(x, y).mul(x) },
];

// cond: a fixed index, and indices computed from the inputs (batched under vmap -> select path).
const twoBranches = (_x: Array, _y: Array) => [(a: Array, b: Array) => np.sin(a).mul(b), (a: Array, b: Array) => a.mul(a).sub(b.mul(3))] as const;
const controlRows: Row[] = [
  { name: 'cond (fixed predicate)', prim: 'cond', params: {}, inputs: [F([3]), F([3])],
    f: (x, y) => lax.cond(true, ...twoBranches(x, y), x, y) },
  { name: 'cond (traced predicate, closure)', prim: 'cond', params: {}, inputs: [F([3], { lo: 0.2, hi: 1 }), F([3])],
    f: (x, y) => lax.cond(x.sum().greater(1.5), (a: Array) => np.exp(a).mul(y), (a: Array) => a.mul(y).mul(y), x) },
  { name: 'switch (3 branches, traced index)', prim: 'cond', params: {}, inputs: [F([2], { lo: 0.2, hi: 1 }), F([2])],
    f: (x, y) => lax.switch(x.slice(0).mul(3).astype('int32'), [(a: Array) => a.mul(y), (a: Array) => np.tanh(a).add(y), (a: Array) => a.mul(a).mul(y)], x),
    // The branch index floor(3·x0) jumps at 1/3 and 2/3: float32's default step would cross it.
    h32: 1e-4 },
  { name: 'scan (carry, xs, closed-over const)', prim: 'scan', params: {}, inputs: [F([2]), F([4, 2]), F([2])],
    f: (c0, xs, w) => {
      const [c, ys] = lax.scan((c: Array, x: Array) => { const n = np.sin(c).mul(x).add(w); return [n, n.mul(c)]; }, c0, xs);
      return np.concatenate([c, ys.ravel()]);
    } },
  { name: 'scan (reverse, two carries, no xs)', prim: 'scan', params: {}, inputs: [F([3]), F([])],
    f: (a, b) => {
      const [[p, q]] = lax.scan(([p, q]: Array[], _x: unknown) => [[p.mul(q).add(1), np.tanh(q).add(p.sum())], null], [a, b], null, { length: 3, reverse: true });
      return np.concatenate([p, q.reshape(1)]);
    } },
  { name: 'while (Newton iteration, fixed trip count per input)', prim: 'while', params: {}, inputs: [F([2], { lo: 1, hi: 4 })],
    f: (a) => lax.whileLoop(([i]: Array[]) => i.less(4), ([i, x]: Array[]) => [i.add(1), x.add(a.div(x)).mul(0.5)], [np.array(0, { dtype: 'int32' }), a])[1],
    forwardOnly: /whileLoop.*lax\.scan/ },
];

// Random bits: integer-valued and not differentiable; exercised for values, vmap and typecheck.
const i32S = F(S, { dtype: 'int32' });
const randomRows: Row[] = [
  built('threefry2x32', 'threefry2x32', {}, [i32S, i32S], (x0, x1) => {
    const [y0, y1] = bind(P('threefry2x32'), [i32(0x13198a2e), i32(0x03707344), x0, x1]);
    return bind1(P('xor'), [y0, y1]);
  }, { nondiff: true }),
  built('threefry2x32 batched key', 'threefry2x32', {}, [i32S, i32S], (k0, x1) => bind(P('threefry2x32'), [k0, i32(7), i32(0), x1])[1], { nondiff: true }),
  built('shift_left', 'shift_left', {}, [i32S], (x) => bind1(P('shift_left'), [x, i32(3)]), { nondiff: true }),
  direct('shift_left', {}, [i32S, i32S], { name: 'shift_left amounts', nondiff: true }),
  built('shift_right_logical', 'shift_right_logical', {}, [i32S], (x) => bind1(P('shift_right_logical'), [x, i32(3)]), { nondiff: true }),
  direct('shift_right_logical', {}, [i32S, i32S], { name: 'shift_right_logical amounts', nondiff: true }),
  // Masking keeps the exponent below all-ones, so no NaN bit patterns reach the float comparisons.
  built('bitcast_convert_type int32->float32', 'bitcast_convert_type', { newDtype: 'float32' }, [i32S],
    (x) => bind1(P('bitcast_convert_type'), [bind1(P('and'), [x, i32(0x3fffffff)])], { newDtype: 'float32' }), { nondiff: true }),
  built('bitcast_convert_type int32[..,2]->float64', 'bitcast_convert_type', { newDtype: 'float64' }, [F([3, 2], { dtype: 'int32' })],
    (x) => bind1(P('bitcast_convert_type'), [bind1(P('and'), [x, i32(0x3fffffff)])], { newDtype: 'float64' }), { nondiff: true, f64Only: 'reinterprets int32 pairs as float64 bits' }),
  built('bitcast_convert_type float->int32 (the default float)', 'bitcast_convert_type', { newDtype: 'int32' }, [F(S)], (x) => bind1(P('bitcast_convert_type'), [x], { newDtype: 'int32' }), { nondiff: true }),
];

export const rows: Row[] = [...elementwise, ...binaryRows, ...reduceRows, ...shapeRows, ...linalgRows, ...customRows, ...controlRows, ...randomRows, ...decompositionRows, ...sortRows, ...fftRows, ...eigRows, ...debugRows, ...collectiveRows];
