/** `einsumPath`: numpy's search for the order in which an einsum contracts its operands (greedy or optimal). */
import { Array } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { Complex } from './complex.js';
import { parseEinsum } from './linalg.js';
import { describe } from './promote.js';
import { type ArrayInput, dataArg } from './input.js';


/** numpy's path: the head 'einsum_path', then the operand positions contracted at each step. */
export type EinsumPath = ['einsum_path', ...number[][]];

/** How einsumPath searches: numpy's 'greedy' (also `true`) or 'optimal', `false` (one step), [name, memoryLimit], or a given path. */
export type EinsumOptimize = 'greedy' | 'optimal' | boolean | readonly ['greedy' | 'optimal', number] | EinsumPath;

type Sets = Set<string>[];

const sizeOf = (labels: Iterable<string>, dims: Map<string, number>): number => {
  let p = 1;
  for (const l of labels) p *= dims.get(l)!;
  return p;
};

function flopCount(contract: Set<string>, inner: boolean, terms: number, dims: Map<string, number>): number {
  return sizeOf(contract, dims) * (Math.max(1, terms - 1) + (inner ? 1 : 0));
}

/** numpy's _find_contraction: the result labels, the remaining terms (result last), removed and involved labels. */
function findContraction(positions: readonly number[], inputs: Sets, output: Set<string>): [Set<string>, Sets, Set<string>, Set<string>] {
  const contract = new Set<string>();
  const remain = new Set(output);
  const remaining: Sets = [];
  inputs.forEach((s, i) => {
    if (positions.includes(i)) for (const l of s) contract.add(l);
    else { remaining.push(s); for (const l of s) remain.add(l); }
  });
  const result = new Set([...contract].filter((l) => remain.has(l)));
  const removed = new Set([...contract].filter((l) => !result.has(l)));
  remaining.push(result);
  return [result, remaining, removed, contract];
}

function* pairs(n: number): Generator<[number, number]> {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) yield [i, j];
}

function optimalPath(inputs: Sets, output: Set<string>, dims: Map<string, number>, memoryLimit: number): number[][] {
  let full: [number, number[][], Sets][] = [[0, [], inputs]];
  for (let it = 0; it < inputs.length - 1; it++) {
    const next: [number, number[][], Sets][] = [];
    for (const [cost, positions, remaining] of full) {
      for (const con of pairs(inputs.length - it)) {
        const [result, rest, removed, contract] = findContraction(con, remaining, output);
        if (sizeOf(result, dims) > memoryLimit) continue;
        next.push([cost + flopCount(contract, removed.size > 0, 2, dims), [...positions, con], rest]);
      }
    }
    if (next.length) full = next;
    else {
      const best = full.reduce((a, b) => (b[0] < a[0] ? b : a));
      return [...best[1], globalThis.Array.from({ length: inputs.length - it }, (_, i) => i)];
    }
  }
  if (full.length === 0) return [globalThis.Array.from({ length: inputs.length }, (_, i) => i)];
  return full.reduce((a, b) => (b[0] < a[0] ? b : a))[1];
}

type Candidate = [[number, number], [number, number], Sets];

function greedyPath(inputs0: Sets, output: Set<string>, dims: Map<string, number>, memoryLimit: number): number[][] {
  let inputs = inputs0;
  if (inputs.length === 1) return [[0]];
  if (inputs.length === 2) return [[0, 1]];
  const [, , removedAll, contractAll] = findContraction(inputs.map((_, i) => i), inputs, output);
  const naiveCost = flopCount(contractAll, removedAll.size > 0, inputs.length, dims);
  const parse = (pos: [number, number], pathCost: number): Candidate | null => {
    const [result, rest, removed, contract] = findContraction(pos, inputs, output);
    const newSize = sizeOf(result, dims);
    if (newSize > memoryLimit) return null;
    const removedSize = sizeOf(inputs[pos[0]], dims) + sizeOf(inputs[pos[1]], dims) - newSize;
    const cost = flopCount(contract, removed.size > 0, 2, dims);
    if (pathCost + cost > naiveCost) return null;
    return [[-removedSize, cost], pos, rest];
  };
  const less = (a: Candidate, b: Candidate): boolean => a[0][0] < b[0][0] || (a[0][0] === b[0][0] && a[0][1] < b[0][1]);
  let known: Candidate[] = [];
  let combos: Iterable<[number, number]> = pairs(inputs.length);
  let pathCost = 0;
  const path: number[][] = [];
  for (let it = 0; it < inputs0.length - 1; it++) {
    for (const pos of combos) {
      if (![...inputs[pos[0]]].some((l) => inputs[pos[1]].has(l))) continue;
      const r = parse(pos, pathCost);
      if (r) known.push(r);
    }
    if (known.length === 0) {
      for (const pos of pairs(inputs.length)) {
        const r = parse(pos, pathCost);
        if (r) known.push(r);
      }
      if (known.length === 0) {
        path.push(inputs.map((_, i) => i));
        break;
      }
    }
    const best = known.reduce((a, b) => (less(b, a) ? b : a));
    // numpy's _update_other_results: drop candidates that used the contracted terms, reindex the rest.
    const [bx, by] = best[1];
    known = known.flatMap(([cost, [x, y], sets]): Candidate[] => {
      if (x === bx || x === by || y === bx || y === by) return [];
      const s = [...sets];
      s.splice(by - Number(by > x) - Number(by > y), 1);
      s.splice(bx - Number(bx > x) - Number(bx > y), 1);
      s.splice(s.length - 1, 0, best[2][best[2].length - 1]);
      return [[cost, [x - Number(x > bx) - Number(x > by), y - Number(y > bx) - Number(y > by)], s]];
    });
    inputs = best[2];
    const last = inputs.length - 1;
    combos = globalThis.Array.from({ length: last }, (_, i): [number, number] => [i, last]);
    path.push([...best[1]]);
    pathCost += best[0][1];
  }
  return path;
}

/** Python's `%.3e`: three decimals and an exponent of at least two digits. */
const sci = (v: number): string => v.toExponential(3).replace(/e([+-])(\d)$/, 'e$10$2');

/**
 * The contraction order numpy's einsum would use, and a report of its cost (`jnp.einsum_path`):
 * `[path, report]`, with `path` in numpy's form `['einsum_path', [0, 1], [0, 1], ...]` (each step
 * contracts the listed positions of the current operand list and appends the result) and `report`
 * numpy's printed table (FLOP counts, largest intermediate, each step's subscripts). `optimize` is
 * numpy's: 'greedy' (the default, or `true`), 'optimal' (exhaustive), `false` (one step), a
 * `[name, memoryLimit]` pair, or an explicit path to report on. Only the operands' shapes are read,
 * so Arrays, Complex values or JS data all serve. (JAX returns opt_einsum's path without the
 * 'einsum_path' head and a PathInfo object; the steps are the same algorithm's.)
 *
 * @example
 * ```ts
 * const [path] = np.einsumPath('ij,jk,kl->il', np.ones([2, 3]), np.ones([3, 4]), np.ones([4, 5]));
 * path; // ['einsum_path', [1, 2], [0, 1]]  (contract the 3x4 and 4x5 first)
 * ```
 */
export function einsumPath(subscripts: string, ...args: (ArrayInput | Complex | { optimize?: EinsumOptimize })[]): [EinsumPath, string] {
  const who = 'np.einsumPath';
  const last = args[args.length - 1];
  const isOpts = (x: unknown): x is { optimize?: EinsumOptimize } =>
    typeof x === 'object' && x !== null && !(x instanceof Array) && !(x instanceof Complex) && !globalThis.Array.isArray(x);
  const opts = isOpts(last) ? last : {};
  const operands = (isOpts(last) ? args.slice(0, -1) : args).map((o, k) => {
    if (isOpts(o)) throw new TypeError(`${who}: the options object must be the last argument (operand ${k} is an object)`);
    return o instanceof Complex ? o.shape : dataArg(o as ArrayInput).shape;
  });
  if (typeof subscripts !== 'string') throw new TypeError(`${who}: subscripts must be a string such as 'ij,jk->ik', got ${describe(subscripts)}`);
  const { ins, out } = parseEinsum(who, subscripts, operands.length);
  let optimize: unknown = opts.optimize ?? 'greedy';
  if (optimize === true) optimize = 'greedy';
  let memoryLimit: number | undefined;
  let explicit: number[][] | undefined;
  if (globalThis.Array.isArray(optimize) && optimize[0] === 'einsum_path') {
    explicit = (optimize.slice(1) as unknown[]).map((p) => {
      if (!globalThis.Array.isArray(p) || p.some((v) => !Number.isInteger(v))) throw new TypeError(`${who}: a path step must be a JS array of operand positions, got ${JSON.stringify(p)}`);
      return [...p] as number[];
    });
  } else if (globalThis.Array.isArray(optimize) && optimize.length === 2 && typeof optimize[1] === 'number') {
    memoryLimit = Math.trunc(optimize[1]);
    optimize = optimize[0];
  }
  if (!explicit && optimize !== false && optimize !== 'greedy' && optimize !== 'optimal') {
    throw new TypeError(`${who}: optimize must be 'greedy', 'optimal', true, false, [name, memoryLimit] or ['einsum_path', ...steps], got ${JSON.stringify(optimize)}`);
  }
  const dims = new Map<string, number>();
  ins.forEach((term, t) => {
    const sh = operands[t];
    if (sh.length !== term.length) throw new ShapeError(`${who}: operand ${t} has rank ${sh.length} ([${sh}]) but subscripts '${term}'`);
    [...term].forEach((l, c) => {
      const d = dims.get(l);
      if (d === undefined || d === 1) dims.set(l, sh[c]);
      else if (sh[c] !== 1 && sh[c] !== d) throw new ShapeError(`${who}: label '${l}' has size ${sh[c]} in operand ${t} but ${d} before (shapes ${operands.map((s) => `[${s}]`).join(', ')})`);
    });
  });
  for (const l of out) if (!dims.has(l)) throw new ShapeError(`${who}: output label '${l}' does not appear in the inputs`);
  let inputSets: Sets = ins.map((t) => new Set(t));
  const outSet = new Set(out);
  const indices = new Set(ins.join(''));
  const maxSize = Math.max(...[...ins, out].map((t) => sizeOf(t, dims)));
  const memArg = memoryLimit ?? maxSize;
  const all = ins.map((_, i) => i);
  let path: number[][];
  if (explicit) path = explicit;
  else if (optimize === false || ins.length <= 2 || [...indices].every((l) => outSet.has(l))) path = [all];
  else if (optimize === 'greedy') path = greedyPath(inputSets, outSet, dims, memArg);
  else path = optimalPath(inputSets, outSet, dims, memArg);

  const costs: number[] = [], scales: number[] = [], sizes: number[] = [];
  const steps: [string, string[]][] = [];
  const inputList = [...ins];
  path.forEach((step, c) => {
    const inds = [...step].sort((a, b) => b - a);
    if (inds.some((i) => i < 0 || i >= inputList.length) || new Set(inds).size !== inds.length) {
      throw new TypeError(`${who}: path step ${c} [${step}] must name distinct positions among the ${inputList.length} operands left`);
    }
    const [result, rest, removed, contract] = findContraction(inds, inputSets, outSet);
    inputSets = rest;
    costs.push(flopCount(contract, removed.size > 0, inds.length, dims));
    scales.push(contract.size);
    sizes.push(sizeOf(result, dims));
    const taken = inds.map((i) => inputList.splice(i, 1)[0]);
    // numpy names an intermediate's labels by (size, label); the last step writes the output.
    const res = c === path.length - 1 ? out : [...result].sort((a, b) => dims.get(a)! - dims.get(b)! || (a < b ? -1 : a > b ? 1 : 0)).join('');
    inputList.push(res);
    steps.push([`${taken.join(',')}->${res}`, [...inputList]]);
  });
  if (inputList.length !== 1) throw new TypeError(`${who}: invalid path: ${inputList.length - 1} more operand(s) would still have to be contracted`);

  const inner = ins.reduce((p, t) => p + new Set(t).size, 0) - indices.size > 0;
  const naive = flopCount(indices, inner, ins.length, dims);
  const opt = costs.reduce((a, b) => a + b, 0) + 1;
  const lines = [
    `  Complete contraction:  ${ins.join(',')}->${out}`,
    `         Naive scaling:  ${indices.size}`,
    `     Optimized scaling:  ${Math.max(...scales)}`,
    `      Naive FLOP count:  ${sci(naive)}`,
    `  Optimized FLOP count:  ${sci(opt)}`,
    `   Theoretical speedup:  ${(naive / opt).toFixed(3)}`,
    `  Largest intermediate:  ${sci(Math.max(...sizes))} elements`,
    '-'.repeat(74),
    `${'scaling'.padStart(6)} ${'current'.padStart(24)} ${'remaining'.padStart(40)}`,
    '-'.repeat(74),
    ...steps.map(([s, rem], n) => `${String(scales[n]).padStart(4)}    ${s.padStart(24)} ${`${rem.join(',')}->${out}`.padStart(40)}`),
  ];
  return [['einsum_path', ...path.map((p) => [...p])], lines.join('\n')];
}

