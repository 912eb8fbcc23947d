/**
 * WGSL factorizations and triangular solves, batched, in float32 (lib/backends/cpu/linalg.ts
 * computes in float64 and rounds once, so results agree to float32 accuracy, not bitwise).
 *
 * cholesky and lu factor each matrix in place in the output with one workgroup: one invocation
 * does each step's serial part (the pivot, the diagonal), then the workgroup updates rows in
 * parallel; storage barriers order the steps. Every loop holding a barrier has a constant trip
 * count and every early return depends on the workgroup id only, as WGSL's uniformity rules ask.
 * A triangular solve is independent per right-hand side, so it runs one invocation per column
 * (left side) or row (right side) with no barriers at all.
 */
import { size } from '../../core/ir.js';
import type { TriSolveParams } from '../../primitives/linalg.js';
import { WORKGROUP, literal } from './render-wgsl.js';
import { type GpuRoutine, type Shader, avalKey, declare, grid, launch, perPoint } from './routines-common.js';

/** A shader with one workgroup per matrix: `body` runs with matrix index `t` and `lane` (i32s). */
const perMatrix = (key: string, count: number, decls: string, body: () => string[]): Shader =>
  grid(key, count, 'workgroup', 't', decls, () => ['  let lane = i32(li);', ...body()]);

/** Matrices of n x n in a batch of `elements` numbers. */
const batchOf = (elements: number, n: number): number => (n === 0 ? 0 : elements / (n * n));

const isNan = (v: string): string => `((bitcast<u32>(${v}) & 0x7fffffffu) > 0x7f800000u)`;

/** Lower Cholesky factor with the upper triangle zeroed; a matrix that is not PD becomes all NaN. */
const cholesky: GpuRoutine = (dev, ins, [xa], [o]) => {
  const n = xa.shape[xa.shape.length - 1];
  const nn = n * n;
  const count = batchOf(size(xa.shape), n);
  const s = perMatrix(`cholesky|${avalKey([xa])}`, count, declare(['f32'], ['f32']) + '\nvar<workgroup> bad: u32;', () => [
    `  let m = t * ${nn}i;`,
    `  for (var e = lane; e < ${nn}i; e += ${WORKGROUP}i) { o0[m + e] = x0[m + e]; }`,
    '  if (lane == 0) { bad = 0u; }',
    '  storageBarrier();',
    '  workgroupBarrier();',
    `  for (var j = 0i; j < ${n}i; j++) {`,
    `    let rj = m + j * ${n}i;`,
    '    if (lane == 0) {',
    '      var d = o0[rj + j];',
    '      for (var k = 0i; k < j; k++) { d -= o0[rj + k] * o0[rj + k]; }',
    // Rejects NaN too (tested by bits: a compiler may assume NaN-free comparisons).
    `      if (!(d > 0.0f) || ${isNan('d')}) { bad = 1u; }`,
    '      o0[rj + j] = sqrt(d);',
    '    }',
    '    storageBarrier();',
    '    let ljj = o0[rj + j];',
    `    for (var r = j + 1i + lane; r < ${n}i; r += ${WORKGROUP}i) {`,
    `      let ri = m + r * ${n}i;`,
    '      var s = o0[ri + j];',
    '      for (var k = 0i; k < j; k++) { s -= o0[ri + k] * o0[rj + k]; }',
    '      o0[ri + j] = s / ljj;',
    '    }',
    '    storageBarrier();',
    '  }',
    '  workgroupBarrier();',
    '  let failed = bad != 0u;',
    `  for (var e = lane; e < ${nn}i; e += ${WORKGROUP}i) {`,
    `    if (failed) { o0[m + e] = ${literal(NaN, 'float32')}; } else if (e % ${n}i > e / ${n}i) { o0[m + e] = 0.0f; }`,
    '  }',
  ]);
  return launch(dev, s, ins, [o]);
};

/**
 * Unblocked right-looking LU with partial pivoting (getrf), whole rows swapped: outputs the
 * packed factors, the pivot row of each step, and the permutation (P·A = L·U), as the CPU does.
 */
const lu: GpuRoutine = (dev, ins, [xa], outAvals) => {
  const n = xa.shape[xa.shape.length - 1];
  const nn = n * n;
  const count = batchOf(size(xa.shape), n);
  const decls = declare(['f32'], ['f32', 'i32', 'i32']) + '\nvar<workgroup> pivot: i32;';
  const s = perMatrix(`lu|${avalKey([xa])}`, count, decls, () => [
    `  let m = t * ${nn}i;`,
    `  let v = t * ${n}i;`,
    `  for (var e = lane; e < ${nn}i; e += ${WORKGROUP}i) { o0[m + e] = x0[m + e]; }`,
    `  for (var e = lane; e < ${n}i; e += ${WORKGROUP}i) { o2[v + e] = e; }`,
    '  storageBarrier();',
    `  for (var k = 0i; k < ${n}i; k++) {`,
    `    let rk = m + k * ${n}i;`,
    '    if (lane == 0) {',
    '      var p = k;',
    '      var best = abs(o0[rk + k]);',
    `      for (var r = k + 1i; r < ${n}i; r++) {`,
    `        let a = abs(o0[m + r * ${n}i + k]);`,
    '        if (a > best) { best = a; p = r; }',
    '      }',
    '      pivot = p;',
    '      o1[v + k] = p;',
    '      if (p != k) { let q = o2[v + k]; o2[v + k] = o2[v + p]; o2[v + p] = q; }',
    '    }',
    '    workgroupBarrier();',
    '    let p = pivot;',
    `    let rp = m + p * ${n}i;`,
    '    if (p != k) {',
    `      for (var c = lane; c < ${n}i; c += ${WORKGROUP}i) { let q = o0[rk + c]; o0[rk + c] = o0[rp + c]; o0[rp + c] = q; }`,
    '    }',
    '    storageBarrier();',
    '    let d = o0[rk + k];',
    // LAPACK leaves a zero pivot's column unscaled (the matrix is singular; U shows it).
    '    if (d != 0.0f) {',
    `      for (var r = k + 1i + lane; r < ${n}i; r += ${WORKGROUP}i) {`,
    `        let ri = m + r * ${n}i;`,
    '        let l = o0[ri + k] / d;',
    '        o0[ri + k] = l;',
    '        if (l != 0.0f) {',
    `          for (var c = k + 1i; c < ${n}i; c++) { o0[ri + c] -= l * o0[rk + c]; }`,
    '        }',
    '      }',
    '    }',
    '    storageBarrier();',
    '  }',
  ]);
  return launch(dev, s, ins, outAvals);
};

/**
 * Solves op(A)·X = B (leftSide) or X·op(A) = B. As on the CPU, both become S·y = r with
 * S = op(A) or op(A)ᵀ, triangular (lowerS) and read in place: S[i][j] is A[j][i] when flipped.
 * Left side: each column of B is a right-hand side; right side: each row of B is one.
 */
const triangularSolve: GpuRoutine = (dev, ins, [aa, ba], [o], params) => {
  const { leftSide, lower, transposeA, unitDiagonal } = params as TriSolveParams;
  const r = aa.shape.length;
  const m = aa.shape[r - 1];
  const rows = ba.shape[r - 2];
  const cols = ba.shape[r - 1];
  const bsz = rows * cols;
  const count = bsz === 0 ? 0 : size(ba.shape) / bsz;
  const flip = transposeA !== !leftSide;
  const lowerS = (lower !== transposeA) === leftSide;
  const per = leftSide ? cols : rows;
  const key = `triangular_solve|${avalKey([aa, ba])}|${leftSide}${lower}${transposeA}${unitDiagonal}`;
  const s = perPoint(key, count * per, declare(['f32', 'f32'], ['f32']), () => {
    const S = (i: string, j: string): string => `x0[a + ${flip ? `${j} * ${m}i + ${i}` : `${i} * ${m}i + ${j}`}]`;
    // Element e of this right-hand side, in B's layout: a column (stride cols) or a row.
    const at = (e: string): string => (leftSide ? `b + ${e} * ${cols}i` : `b + ${e}`);
    const X = (e: string): string => `o0[${at(e)}]`;
    const diag = unitDiagonal ? '1.0f' : S('ii', 'ii');
    return [
      `  let t = i / ${per}i;`,
      `  let a = t * ${m * m}i;`,
      `  let b = t * ${bsz}i + ${leftSide ? `i % ${per}i` : `(i % ${per}i) * ${cols}i`};`,
      `  for (var e = 0i; e < ${m}i; e++) { ${X('e')} = x1[${at('e')}]; }`,
      `  for (var step = 0i; step < ${m}i; step++) {`,
      `    let ii = ${lowerS ? 'step' : `${m - 1}i - step`};`,
      '    var acc = ' + X('ii') + ';',
      `    for (var j = ${lowerS ? '0i' : 'ii + 1i'}; j < ${lowerS ? 'ii' : `${m}i`}; j++) {`,
      `      let f = ${S('ii', 'j')};`,
      // The CPU's row form skips zero factors (0·inf would be NaN); its dot form does not.
      leftSide ? `      if (f != 0.0f) { acc -= f * ${X('j')}; }` : `      acc -= f * ${X('j')};`,
      '    }',
      `    ${X('ii')} = acc / ${diag};`,
      '  }',
    ];
  });
  return launch(dev, s, ins, [o]);
};

export const LINALG_ROUTINES: Readonly<Record<string, GpuRoutine>> = {
  cholesky,
  lu,
  triangular_solve: triangularSolve,
};
