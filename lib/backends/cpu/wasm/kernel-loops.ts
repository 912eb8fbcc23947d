/**
 * Any fused kernel as one WebAssembly function over strided buffers in a linear memory: the
 * domain's kept axes are loops, the innermost kept axis steps W points at a time (one per lane),
 * and the reduced axes are scalar loops inside, so every lane accumulates its own output point in
 * the JS renderer's order (results agree bit for bit). Loads along the vector axis are whole
 * vectors where the view is contiguous there, splats where it is broadcast, lane gathers
 * otherwise; the last vector of a row clamps its lanes into the row and stores only its points.
 *
 * run(inPtr..., outPtr..., lo, hi) reads and writes byte addresses of the memory `env.mem`; each
 * buffer must be followed by 16 spare bytes (a contiguous load of the last vector may read past
 * it). [lo, hi) is the range of the outermost loop (`range` gives the whole one): threads split
 * it, and each point's instructions do not depend on the split, as long as a split of the vector
 * axis falls on a multiple of the lane count.
 */
import { type DType, ITEMSIZE } from '../../../core/dtype.js';
import { type Expr, topo } from '../../../lowering/expr.js';
import type { Kernel } from '../../../lowering/program.js';
import type { View } from '../../../lowering/view.js';
import { kernelViews, simplifyDomain } from '../../../lowering/domain.js';
import { type FuncBuilder, ModuleBuilder, i32x4Bytes } from './asm.js';
import { Lanes, type Val } from './lanes.js';
import { MATH_IMPORTS, MathLibrary } from './math.js';
import { KernelOps, floatOf, isMathOp, joinHalves, promoteHalves, sincosArgs, supported } from './kernel-ops.js';

const INIT = { sum: 0, prod: 1, max: -Infinity, min: Infinity } as const;
const INT_INIT = { sum: 0, prod: 1, max: -2147483648, min: 2147483647 } as const;

/** Whether this module can compile the kernel (every node, view and reduction has lanes here). */
export interface StridedPlan { readonly float: 'float32' | 'float64' | undefined; readonly math: boolean }

export function stridedPlan(k: Kernel): StridedPlan | undefined {
  const roots = [...k.reductions.map((r) => r.expr), ...k.outputs.map((o) => o.expr)];
  const nodes = topo(roots);
  const float = floatOf([...nodes.map((n) => n.dtype), ...k.inputs, ...k.outputs.map((o) => o.dtype)]);
  if (float === false || k.domain.some((n) => n === 0)) return undefined;
  if (k.reductions.some((r) => r.dtype === 'bool')) return undefined;
  let math = false;
  for (const n of nodes) {
    if (n.kind !== 'op') continue;
    if (!supported(n)) return undefined;
    if (isMathOp(n.op)) math = true;
  }
  return { float, math };
}

/** A compiled strided kernel: run over the whole `range` (or threads over parts of it), and its module. */
export interface Strided {
  readonly run: (...ptrsAndRange: number[]) => void;
  readonly module: WebAssembly.Module;
  /** The outermost loop's extent, and the step its split points must be multiples of. */
  readonly range: number;
  readonly step: number;
}

/** Kernel k's compiled function, given its stridedPlan, over the memory `mem`. */
export function compileStrided(k: Kernel, plan: StridedPlan, mem: WebAssembly.Memory): Strided {
  const roots = [...k.reductions.map((r) => r.expr), ...k.outputs.map((o) => o.expr)];
  const nodes = topo(roots);
  const dom = simplifyDomain(k, kernelViews(k, nodes));
  // no kept axis: one of size 1, so the vector axis always exists
  const lead = dom.nKept === 0;
  const D = lead ? [1, ...dom.domain] : dom.domain;
  const K = lead ? 1 : dom.nKept;
  const strides = (v: View): number[] => (lead ? [0, ...dom.map(v)] : dom.map(v));
  const Dv = D[K - 1];

  const m = new ModuleBuilder();
  // a shared memory matches an import of the largest maximum (wasm32's 4 GiB)
  m.importMemory('env', 'mem', mem.buffer instanceof ArrayBuffer ? { initial: 1 } : { initial: 1, maximum: 65536, shared: true });
  const lib = plan.math ? new MathLibrary(m) : undefined;
  const nPtr = k.inputs.length + k.outputs.length;
  let W = 0;
  m.func({ params: new Array<'i32'>(nPtr + 2).fill('i32'), results: [] }, (f) => {
    const E = new KernelOps(f, plan.float, lib, sincosArgs(nodes));
    W = E.W;
    const outer = D.slice(0, K - 1).map(() => f.local('i32'));
    const a = f.local('i32');
    const idx = [a, ...Array.from({ length: W - 1 }, () => f.local('i32'))];
    const full = f.local('i32');
    const inner = D.slice(K).map(() => f.local('i32'));
    const t = f.local('i32');
    const hasIota = nodes.some((n) => n.kind === 'iota');
    const laneIdx = hasIota ? f.local('v128') : -1;

    /** Pushes ptr + bytes·(the view's element offset at the current point, lane 0 of the vector axis excluded). */
    const rowBase = (ptr: number, bytes: number, v: View, withInner: boolean): void => {
      const st = strides(v);
      f.i32Const(v.offset);
      outer.forEach((l, d) => { if (st[d]) f.get(l).i32Const(st[d]).op('i32.mul').op('i32.add'); });
      if (withInner) inner.forEach((l, j) => { if (st[K + j]) f.get(l).i32Const(st[K + j]).op('i32.mul').op('i32.add'); });
      f.i32Const(bytes).op('i32.mul');
      if (ptr >= 0) f.get(ptr).op('i32.add');
    };
    /** Pushes the address of lane l's point (t holds the row base). */
    const laneAddr = (sv: number, bytes: number, l: number): void => {
      f.get(t);
      if (sv) f.get(idx[l]).i32Const(sv * bytes).op('i32.mul').op('i32.add');
    };

    const moves = f.local('v128');
    /**
     * A gathered load's moves (expr.ts Gather): `moves` gets each lane's clamp(index, 0, size - 1)
     * · stride in bytes, for all lanes at once (JAX clamps gather indices: the reads stay in the
     * buffer).
     */
    const laneMoves = (g: NonNullable<Extract<Expr, { kind: 'load' }>['gather']>, index: Val, bytes: number): void => {
      E.push(index);
      f.v128Const(i32x4Bytes(0)).op('i32x4.max_s').v128Const(i32x4Bytes(g.size - 1)).op('i32x4.min_s');
      f.v128Const(i32x4Bytes(g.stride * bytes)).op('i32x4.mul').set(moves);
    };

    /** Whether `e` has one value across the lanes of a vector (it does not vary along the vector axis). */
    const uniformMemo = new Map<number, boolean>();
    const uniform = (e: Expr): boolean => {
      let u = uniformMemo.get(e.id);
      if (u !== undefined) return u;
      switch (e.kind) {
        case 'lit': u = true; break;
        case 'red': u = false; break;
        case 'iota': u = strides(e.view)[K - 1] === 0; break;
        case 'load': u = strides(e.view)[K - 1] === 0 && (!e.gather || uniform(e.gather.index)); break;
        default: u = e.args.every(uniform);
      }
      uniformMemo.set(e.id, u);
      return u;
    };

    const load = (n: Extract<Expr, { kind: 'load' }>, withInner: boolean, index?: Val): Val => {
      const bytes = ITEMSIZE[n.dtype];
      const sv = strides(n.view)[K - 1];
      const g = n.gather;
      const perLane = !!g && !uniform(g.index);
      rowBase(n.input, bytes, n.view, withInner);
      if (g) laneMoves(g, index!, bytes);
      // One index for the whole vector (a gather along another axis than the vector's): the row
      // moves once, and the read is the plain one below (a whole vector where contiguous).
      if (g && !perLane) f.get(moves).lane('i32x4.extract_lane', 0).op('i32.add');
      f.set(t);
      /** Pushes lane l's address. */
      const at = (l: number): void => {
        laneAddr(sv, bytes, l);
        if (perLane) f.get(moves).lane('i32x4.extract_lane', l).op('i32.add');
      };
      if (n.dtype === 'bool') {
        f.v128Const(i32x4Bytes(0));
        for (let l = 0; l < W; l++) { const r = E.take(); at(l); f.mem('i32.load8_u'); const s = f.local('i32'); f.set(s).get(r).get(s).lane('i32x4.replace_lane', l); }
        const ints = E.take();
        return E.convert(ints, 'int32', 'bool');
      }
      const wide = n.dtype === 'float64';
      if (sv === 0 && !perLane) {
        f.get(t).mem(wide ? 'v128.load64_splat' : 'v128.load32_splat');
      } else if (sv === 1 && !perLane) {
        f.get(t).get(a).i32Const(bytes).op('i32.mul').op('i32.add');
        f.mem(n.dtype === 'int32' && W === 2 ? 'v128.load64_zero' : 'v128.load', 0, 0);
      } else {
        f.v128Const(i32x4Bytes(0));
        for (let l = 0; l < W; l++) {
          const r = E.take();
          at(l);
          f.get(r).memLane(wide ? 'v128.load64_lane' : 'v128.load32_lane', 0, l);
        }
      }
      return E.take();
    };

    const store = (o: Kernel['outputs'][number], v: Val, withInner: boolean): void => {
      const bytes = ITEMSIZE[o.dtype];
      const sv = strides(o.view)[K - 1];
      rowBase(k.inputs.length + k.outputs.indexOf(o), bytes, o.view, withInner);
      f.set(t);
      const val = typeof v === 'number' ? v : (E.push(v), E.take());
      const lanes = (): void => {
        for (let l = 0; l < W; l++) {
          const one = (): void => {
            laneAddr(sv, bytes, l);
            if (o.dtype === 'bool') {
              f.get(val);
              if (W === 2) f.lane('i64x2.extract_lane', l).op('i32.wrap_i64'); else f.lane('i32x4.extract_lane', l);
              f.i32Const(1).op('i32.and').mem('i32.store8');
            } else {
              f.get(val).memLane(o.dtype === 'float64' ? 'v128.store64_lane' : 'v128.store32_lane', 0, l);
            }
          };
          if (l === 0) one();
          else { f.get(a).i32Const(l).op('i32.add').i32Const(Dv).op('i32.lt_s'); f.if(one); }
        }
      };
      if (sv === 1 && o.dtype !== 'bool') {
        f.get(full);
        f.if(() => {
          f.get(t).get(a).i32Const(bytes).op('i32.mul').op('i32.add').get(val);
          if (o.dtype === 'int32' && W === 2) f.memLane('v128.store64_lane', 0, 0); else f.mem('v128.store', 0, 0);
        }, lanes);
      } else {
        lanes();
      }
    };

    /** Values of `want` at the current point (withInner: inside the reduced loops). */
    const block = (want: readonly Expr[], withInner: boolean, reds: readonly Val[]): Map<number, Val> => {
      const val = new Map<number, Val>();
      E.block();
      for (const n of topo(want)) {
        if (n.kind === 'load') val.set(n.id, load(n, withInner, n.gather && val.get(n.gather.index.id)));
        else if (n.kind === 'lit') val.set(n.id, E.lit(n.value, n.dtype));
        else if (n.kind === 'red') val.set(n.id, reds[n.index]);
        else if (n.kind === 'iota') {
          const sv = strides(n.view)[K - 1];
          rowBase(-1, 1, n.view, withInner);
          f.op('i32x4.splat').get(laneIdx).i32Const(sv).op('i32x4.splat').op('i32x4.mul').op('i32x4.add');
          const ints = E.take();
          val.set(n.id, n.dtype === 'int32' ? ints : E.convert(ints, 'int32', n.dtype));
        } else val.set(n.id, E.op(n, n.args.map((x) => val.get(x.id)!)));
      }
      return val;
    };

    /** for (v = from; v < to; v += step) body, from and to constants or (negated) params; from < to. */
    const forLoop = (v: number, from: number, to: number, step: number, body: () => void): void => {
      const push = (x: number): void => { if (x < 0) f.get(~x); else f.i32Const(x); };
      push(from);
      f.set(v);
      f.loop(() => {
        body();
        f.get(v).i32Const(step).op('i32.add').tee(v);
        push(to);
        f.op('i32.lt_s').brIf(0);
      });
    };
    const innerLoops = (body: () => void, j = 0): void => {
      if (j === inner.length) body();
      else forLoop(inner[j], 0, D[K + j], 1, () => innerLoops(body, j + 1));
    };

    const perVector = (): void => {
      f.get(a).i32Const(W).op('i32.add').i32Const(Dv).op('i32.le_s').set(full);
      for (let l = 1; l < W; l++) {
        f.get(a).i32Const(l).op('i32.add').i32Const(Dv - 1).get(a).i32Const(l).op('i32.add').i32Const(Dv).op('i32.lt_s').select().set(idx[l]);
      }
      if (hasIota) { f.get(a).op('i32x4.splat').v128Const(i32x4Bytes(0, 1, 2, 3)).op('i32x4.add').set(laneIdx); }
      const reds: Val[] = [];
      for (let loop = 0; loop <= k.reductions.length; loop++) {
        const red = k.reductions[loop];
        const outs = k.outputs.filter((o) => o.loop === loop);
        if (!red && !outs.length) continue;
        const acc = red ? accumulator(f, E, red.op, red.dtype) : undefined;
        innerLoops(() => {
          const vals = block([...(red ? [red.expr] : []), ...outs.map((o) => o.expr)], true, reds);
          if (red) acc!.add(vals.get(red.expr.id)!);
          for (const o of outs) store(o, vals.get(o.expr.id)!, true);
        });
        if (acc) reds[loop] = acc.result();
      }
      const last = k.outputs.filter((o) => o.loop === -1);
      if (last.length) {
        const vals = block(last.map((o) => o.expr), false, reds);
        for (const o of last) store(o, vals.get(o.expr.id)!, false);
      }
    };
    // the outermost loop runs over the params [lo, hi)
    const [lo, hi] = [~nPtr, ~(nPtr + 1)];
    const outerLoops = (d: number): void => {
      const [from, to] = d === 0 ? [lo, hi] : [0, D[d]];
      if (d === K - 1) forLoop(a, from, to, W, perVector);
      else forLoop(outer[d], from, to, 1, () => outerLoops(d + 1));
    };
    outerLoops(0);
  }, 'run');
  const module = new WebAssembly.Module(m.bytes());
  const inst = new WebAssembly.Instance(module, { env: { mem }, ...(plan.math ? MATH_IMPORTS : {}) });
  return { run: inst.exports.run as (...ptrs: number[]) => void, module, range: D[0], step: K === 1 ? W : 1 };
}

/** A reduction's per-lane accumulator, in the JS renderer's arithmetic (float32 sums in float64). */
function accumulator(f: FuncBuilder, E: KernelOps, op: keyof typeof INIT, dtype: DType): { add(v: Val): void; result(): Val } {
  const L = E.L;
  if (dtype === 'int32') {
    const r = f.local('v128');
    f.v128Const(i32x4Bytes(INT_INIT[op])).set(r);
    const simd = { sum: 'i32x4.add', prod: 'i32x4.mul', max: 'i32x4.max_s', min: 'i32x4.min_s' } as const;
    return { add: (v) => { f.get(r); E.push(v); f.op(simd[op]).set(r); }, result: () => r };
  }
  const f32 = dtype === 'float32';
  const D = f32 ? new Lanes(f, 'f64') : L;
  const accs = (f32 ? [0, 1] : [0]).map(() => { const r = f.local('v128'); D.push(D.c(INIT[op])); f.set(r); return r; });
  const step = (r: number, v: Val): void => {
    let next: number;
    switch (op) {
      case 'sum': next = D.add(r, v); break;
      case 'prod': next = D.mul(r, v); break;
      // NaN sticks: once r is NaN no comparison replaces it
      case 'max': next = D.sel(D.or(D.gt(v, r), D.ne(v, v)), v, r); break;
      default: next = D.sel(D.or(D.lt(v, r), D.ne(v, v)), v, r);
    }
    f.get(next).set(r);
  };
  return {
    add: (v) => {
      if (!f32) { step(accs[0], v); return; }
      const [lo, hi] = promoteHalves(L, v);
      step(accs[0], lo);
      step(accs[1], hi);
    },
    result: () => (f32 ? joinHalves(L, accs[0], accs[1]) : accs[0]),
  };
}
