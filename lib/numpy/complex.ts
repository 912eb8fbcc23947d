/**
 * Complex arrays without a complex dtype: a `Complex` is a pytree of two real float arrays of one
 * shape and dtype, so `grad`, `vmap`, `jit` and `tree.map` pass through it like every registered
 * class. np.fft returns them; their arithmetic is written with the real ops, so every derivative
 * is the real derivative with respect to the (re, im) pair (JAX's convention for complex inputs
 * differs: it returns the conjugate of the Wirtinger gradient; for a real loss that is re − i·im
 * of this one's (re, im)).
 */
import { Array, type ArrayOrScalar, type Nested } from '../core/array.js';
import type { DType } from '../core/dtype.js';
import { registerPytreeNode } from '../core/pytree.js';
import { add, arctan2, divide, hypot, multiply, negative, subtract } from './math.js';
import { array, zerosLike } from './creation.js';
import { broadcastShapesOf, broadcastTo, promote } from './promote.js';
import { reshape, transpose } from './shape.js';
import { sum } from './reductions.js';

/** numpy's name of the complex dtype whose parts have a real float dtype. */
export type ComplexDType = 'complex64' | 'complex128';

/** What complex arithmetic takes: a Complex, a real Array, or a JS number (weakly typed). */
export type ComplexOperand = Complex | Array | number;

/** A complex array: real and imaginary parts, two real float Arrays of one shape and dtype. */
export class Complex {
  /** Use `complex(re, im)`, which checks and promotes the parts; this stores them as given. */
  constructor(
    /** The real part: a float32 or float64 Array. */
    readonly re: Array,
    /** The imaginary part, of the real part's shape and dtype. */
    readonly im: Array,
  ) {}

  /** The shape of the parts. */
  get shape(): number[] { return this.re.shape; }
  /** The number of axes. */
  get ndim(): number { return this.re.ndim; }
  /** The number of complex elements. */
  get size(): number { return this.re.size; }
  /** The dtype of the parts (float32 or float64). */
  get dtype(): DType { return this.re.dtype; }
  /** numpy's complex dtype: complex64 for float32 parts, complex128 for float64 ones. */
  get complexDtype(): ComplexDType { return this.re.dtype === 'float32' ? 'complex64' : 'complex128'; }
  /** The real part (`jnp.real`): the same Array as `re`. */
  get real(): Array { return this.re; }
  /** The imaginary part (`jnp.imag`): the same Array as `im`. */
  get imag(): Array { return this.im; }

  /** The complex conjugate `re - i·im` (`jnp.conj`). */
  conj(): Complex { return new Complex(this.re, negative(this.im)); }
  /** |z| = hypot(re, im), without overflow for large parts. */
  abs(): Array { return hypot(this.re, this.im); }
  /** The argument arctan2(im, re) in (−π, π]; in degrees with `deg`. */
  angle(deg = false): Array {
    const a = arctan2(this.im, this.re);
    return deg ? multiply(a, 180 / Math.PI) : a;
  }
  /** `-z`. */
  neg(): Complex { return new Complex(negative(this.re), negative(this.im)); }

  /** `z + o`, elementwise with broadcasting; a real operand adds to the real part. */
  add(o: ComplexOperand): Complex {
    return o instanceof Complex ? new Complex(add(this.re, o.re), add(this.im, o.im)) : new Complex(add(this.re, o), widen(this.im, o));
  }
  /** `z - o`, elementwise with broadcasting; a real operand subtracts from the real part. */
  sub(o: ComplexOperand): Complex {
    return o instanceof Complex ? new Complex(subtract(this.re, o.re), subtract(this.im, o.im)) : new Complex(subtract(this.re, o), widen(this.im, o));
  }
  /** (a + bi)(c + di) = (ac − bd) + (ad + bc)i. */
  mul(o: ComplexOperand): Complex {
    if (!(o instanceof Complex)) return new Complex(multiply(this.re, o), multiply(this.im, o));
    const [a, b, c, d] = [this.re, this.im, o.re, o.im];
    return new Complex(subtract(multiply(a, c), multiply(b, d)), add(multiply(a, d), multiply(b, c)));
  }
  /** (a + bi)/(c + di) = ((ac + bd) + (bc − ad)i)/(c² + d²). */
  div(o: ComplexOperand): Complex {
    if (!(o instanceof Complex)) return new Complex(divide(this.re, o), divide(this.im, o));
    const [a, b, c, d] = [this.re, this.im, o.re, o.im];
    const den = add(multiply(c, c), multiply(d, d));
    return new Complex(divide(add(multiply(a, c), multiply(b, d)), den), divide(subtract(multiply(b, c), multiply(a, d)), den));
  }

  /** Both parts reshaped, as `np.reshape`. */
  reshape(shape: number | readonly number[]): Complex { return new Complex(reshape(this.re, shape), reshape(this.im, shape)); }
  /** Both parts transposed, as `np.transpose` (the default reverses the axes; no conjugation). */
  transpose(axes?: readonly number[]): Complex { return new Complex(transpose(this.re, axes), transpose(this.im, axes)); }
  /** The sum over `axis`, as `np.sum` on each part. */
  sum(axis?: number | readonly number[] | null, opts?: { keepdims?: boolean }): Complex {
    return new Complex(sum(this.re, axis, opts), sum(this.im, axis, opts));
  }
  /** Indexing as `Array.slice`, applied to both parts. */
  slice(...index: Parameters<Array['slice']>): Complex { return new Complex(this.re.slice(...index), this.im.slice(...index)); }

  /** Nested JS arrays whose elements are `[re, im]` pairs (a 0-d value is one pair). */
  js(): Nested {
    const re = this.re.dataSync();
    const im = this.im.dataSync();
    const shape = this.shape;
    const rec = (d: number, off: number): Nested => {
      if (d === shape.length) return [Number(re[off]), Number(im[off])];
      const stride = shape.slice(d + 1).reduce((p, n) => p * n, 1);
      return globalThis.Array.from({ length: shape[d] }, (_, i) => rec(d + 1, off + i * stride));
    };
    return rec(0, 0);
  }

  /** numpy's str: `[1.+2.j 3.-0.5j]`. */
  toString(): string { return formatComplex(this, false); }
  /** numpy's repr, JAX's spelling: `Array([1.+2.j, 3.-0.5j], dtype=complex128)`. */
  repr(): string {
    try {
      return formatComplex(this, true);
    } catch {
      return `Complex(${this.re.repr()}, ${this.im.repr()})`;
    }
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.repr(); }
}

registerPytreeNode(Complex, (z) => [[z.re, z.im], null] as const, (_aux, [re, im]) => new Complex(re as Array, im as Array));

/** `im` broadcast and promoted as adding the real operand `o` to the real part makes it. */
const widen = (im: Array, o: Array | number): Array => (o instanceof Array ? add(im, zerosLike(o)) : im);

/** Whether `x` is a Complex. */
export const isComplex = (x: unknown): x is Complex => x instanceof Complex;

/**
 * A complex array from its parts (`im` defaults to 0): JS values become arrays, integer and bool
 * parts the default float, and the parts are promoted to one float dtype and broadcast to one shape.
 */
export function complex(re: ArrayOrScalar | Nested, im: ArrayOrScalar | Nested = 0): Complex {
  const part = (x: ArrayOrScalar | Nested): ArrayOrScalar => (globalThis.Array.isArray(x) ? array(x) : (x as ArrayOrScalar));
  const [[r, i]] = promote([part(re), part(im)], true);
  const shape = broadcastShapesOf(r.shape, i.shape);
  // The parts are stored arrays, not operands of one primitive: a 0-d part is broadcast too.
  return new Complex(broadcastTo(r, shape, 'complex'), broadcastTo(i, shape, 'complex'));
}

// ---- printing (numpy's layout of complex arrays, with lib/core/format.ts's float spelling) ----

const THRESHOLD = 1000;
const EDGE = 3;

function fmtFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.`;
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e16) {
    // 8 significant digits, as numpy; a value that rounds to an integer keeps its point (-2.)
    const r = Number(v.toPrecision(8));
    return Number.isInteger(r) ? `${r}.` : String(r);
  }
  return v.toExponential(8).replace(/\.?0+e/, 'e');
}

/** numpy aligns each part on its decimal point: the real parts padded left, the imaginary right. */
function align(strs: string[], left: boolean): string[] {
  const split = strs.map((s) => {
    const i = s.indexOf('.');
    return i < 0 || s.includes('e') ? null : [s.slice(0, i), s.slice(i)];
  });
  const plain = split.filter((p): p is string[] => p !== null);
  const wi = Math.max(0, ...plain.map((p) => p[0].length));
  const wf = Math.max(0, ...plain.map((p) => p[1].length));
  const out = strs.map((s, k) => {
    const p = split[k];
    return p ? p[0].padStart(left ? wi : 0) + p[1].padEnd(wf) : s;
  });
  const w = Math.max(...out.map((s) => s.length));
  return out.map((s) => (left ? s.padStart(w) : s.padEnd(w)));
}

function formatComplex(z: Complex, repr: boolean): string {
  const re = z.re.dataSync();
  const im = z.im.dataSync();
  const shape = z.shape;
  const summarize = z.size > THRESHOLD;
  const shown = shape.map((n) => {
    const all = globalThis.Array.from({ length: n }, (_, i) => i);
    return summarize && n > 2 * EDGE ? [...all.slice(0, EDGE), -1, ...all.slice(n - EDGE)] : all;
  });
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));
  const offsets: number[] = [];
  const walk = (d: number, off: number): void => {
    if (d === shape.length) { offsets.push(off); return; }
    for (const i of shown[d]) if (i >= 0) walk(d + 1, off + i * strides[d]);
  };
  walk(0, 0);
  const reStr = align(offsets.map((o) => fmtFloat(Number(re[o]))), true);
  const imVals = offsets.map((o) => Number(im[o]));
  const imStr = align(imVals.map((v) => (Number.isNaN(v) ? 'nan' : fmtFloat(Math.abs(v)))), false);
  const byOffset = new Map(offsets.map((o, k) => {
    const neg = imVals[k] < 0 || Object.is(imVals[k], -0);
    const body = imStr[k].trimEnd();
    return [o, `${reStr[k]}${neg ? '-' : '+'}${body}j${' '.repeat(imStr[k].length - body.length)}`];
  }));
  const comma = repr ? ',' : '';
  const lead = repr ? ' '.repeat('Array('.length) : '';
  const rec = (dim: number, off: number, indent: string): string => {
    if (dim === shape.length) return byOffset.get(off)!;
    const parts = shown[dim].map((i) => (i < 0 ? '...' : rec(dim + 1, off + i * strides[dim], indent + ' ')));
    const sep = dim === shape.length - 1 ? `${comma} ` : `${comma}${'\n'.repeat(shape.length - dim - 1)}${lead}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = shape.length === 0 ? byOffset.get(0)!.trimEnd() : rec(0, 0, '');
  return repr ? `Array(${body}, dtype=${z.complexDtype})` : body;
}
