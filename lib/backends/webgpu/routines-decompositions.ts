/**
 * WGSL eigh, qr and svd, batched, in float32: the algorithms of lib/backends/cpu/decompositions.ts
 * (cyclic Jacobi, Householder with LAPACK's signs, one-sided Jacobi) with the same orderings and
 * sign conventions, so results agree with the CPU's (computed in float64) to float32 accuracy.
 *
 * One invocation factors one matrix serially: these are small matrices in practice, and the
 * serial form needs no barriers. Each works in a float32 scratch buffer (freed after the dispatch
 * is encoded) and in its outputs. Non-finite input gives NaN outputs for eigh and svd; qr lets NaN
 * flow through its arithmetic as the CPU's does. Jacobi sweeps are capped, so nothing can hang.
 */
import type { Aval } from '../../core/ir.js';
import { size } from '../../core/ir.js';
import type { EighParams, QrParams, SvdParams } from '../../primitives/decompositions.js';
import { literal } from './render-wgsl.js';
import { type GpuRoutine, avalKey, declare, launch, perPoint } from './routines-common.js';

/** Jacobi sweeps before giving up (float32 converges in well under ten for small matrices). */
const MAX_SWEEPS = 40;
/** float32 machine epsilon (2⁻²³). */
const EPS = '1.1920929e-7f';

const NAN = literal(NaN, 'float32');
const INF = literal(Infinity, 'float32');

/** Module-scope helpers: non-finite tests by bits (a compiler may assume NaN-free comparisons). */
const HELPERS = [
  `fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }`,
  `fn isInf(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }`,
  `fn nonFinite(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) >= 0x7f800000u; }`,
  // Math.hypot's semantics: inf wins over NaN, and no overflow or underflow on the way.
  'fn hyp(a: f32, b: f32) -> f32 {',
  '  let x = abs(a);',
  '  let y = abs(b);',
  `  if (isInf(x) || isInf(y)) { return ${INF}; }`,
  `  if (isNan(x) || isNan(y)) { return ${NAN}; }`,
  '  let big = max(x, y);',
  '  if (big == 0.0f) { return 0.0f; }',
  '  let p = x / big;',
  '  let q = y / big;',
  '  return big * sqrt(p * p + q * q);',
  '}',
  // tan of the Jacobi rotation that annihilates the pair: the smaller root of t² + 2θt − 1 = 0.
  'fn jacobiTan(theta: f32) -> f32 {',
  '  if (abs(theta) > 1e18f) { return 0.5f / theta; }',
  '  return select(sign(theta), 1.0f, theta == 0.0f) / (abs(theta) + sqrt(theta * theta + 1.0f));',
  '}',
].join('\n');

/** A float32 scratch buffer of `n` elements (at least one, so the binding is valid). */
const scratch = (n: number): Aval => ({ shape: [Math.max(n, 1)], dtype: 'float32' });

const eigh: GpuRoutine = (dev, ins, [xa], outAvals, params) => {
  const { lower } = params as EighParams;
  const n = xa.shape[xa.shape.length - 1];
  const nn = n * n;
  const count = nn === 0 ? 0 : size(xa.shape.slice(0, -2));
  // Scratch: the symmetric working copy of each matrix; v accumulates in o0, w lands in o1.
  const decls = `${declare(['f32'], ['f32', 'f32', 'f32'])}\n${HELPERS}`;
  const A = (r: string, c: string): string => `o2[a + (${r}) * ${n}i + (${c})]`;
  const V = (r: string, c: string): string => `o0[a + (${r}) * ${n}i + (${c})]`;
  const s = perPoint(`eigh|${avalKey([xa])}|${lower}`, count, decls, () => [
    `  let a = i * ${nn}i;`,
    `  let w = i * ${n}i;`,
    '  var bad = false;',
    `  for (var r = 0i; r < ${n}i; r++) {`,
    '    for (var c = 0i; c <= r; c++) {',
    `      let val = x0[a + ${lower ? `r * ${n}i + c` : `c * ${n}i + r`}];`,
    '      if (nonFinite(val)) { bad = true; }',
    `      ${A('r', 'c')} = val;`,
    `      ${A('c', 'r')} = val;`,
    '    }',
    '  }',
    '  if (bad) {',
    `    for (var e = 0i; e < ${nn}i; e++) { o0[a + e] = ${NAN}; }`,
    `    for (var e = 0i; e < ${n}i; e++) { o1[w + e] = ${NAN}; }`,
    '    return;',
    '  }',
    `  for (var e = 0i; e < ${nn}i; e++) { o0[a + e] = select(0.0f, 1.0f, e / ${Math.max(n, 1)}i == e % ${Math.max(n, 1)}i); }`,
    `  for (var sweep = 0i; sweep < ${MAX_SWEEPS}i; sweep++) {`,
    '    var rotated = false;',
    `    for (var p = 0i; p < ${n - 1}i; p++) {`,
    `      for (var q = p + 1i; q < ${n}i; q++) {`,
    `        let apq = ${A('p', 'q')};`,
    '        if (apq == 0.0f) { continue; }',
    `        let app = ${A('p', 'p')};`,
    `        let aqq = ${A('q', 'q')};`,
    // Negligible next to both diagonal entries: set to zero (perturbs eigenvalues by < eps·|a|).
    `        if (abs(apq) <= ${EPS} * 0.5f * sqrt(abs(app)) * sqrt(abs(aqq)) || abs(apq) < 1e-37f) {`,
    `          ${A('p', 'q')} = 0.0f;`,
    `          ${A('q', 'p')} = 0.0f;`,
    '          continue;',
    '        }',
    '        rotated = true;',
    '        let t = jacobiTan((aqq - app) / (2.0f * apq));',
    '        let cs = 1.0f / sqrt(t * t + 1.0f);',
    '        let sn = t * cs;',
    `        ${A('p', 'p')} = app - t * apq;`,
    `        ${A('q', 'q')} = aqq + t * apq;`,
    `        ${A('p', 'q')} = 0.0f;`,
    `        ${A('q', 'p')} = 0.0f;`,
    `        for (var r = 0i; r < ${n}i; r++) {`,
    '          if (r == p || r == q) { continue; }',
    `          let arp = ${A('r', 'p')};`,
    `          let arq = ${A('r', 'q')};`,
    '          let np = cs * arp - sn * arq;',
    '          let nq = sn * arp + cs * arq;',
    `          ${A('r', 'p')} = np;`,
    `          ${A('p', 'r')} = np;`,
    `          ${A('r', 'q')} = nq;`,
    `          ${A('q', 'r')} = nq;`,
    '        }',
    `        for (var r = 0i; r < ${n}i; r++) {`,
    `          let vp = ${V('r', 'p')};`,
    `          let vq = ${V('r', 'q')};`,
    `          ${V('r', 'p')} = cs * vp - sn * vq;`,
    `          ${V('r', 'q')} = sn * vp + cs * vq;`,
    '        }',
    '      }',
    '    }',
    '    if (!rotated) { break; }',
    '  }',
    // Eigenvalues ascending by a stable insertion sort, moving the eigenvector columns along.
    `  for (var e = 0i; e < ${n}i; e++) { o1[w + e] = ${A('e', 'e')}; }`,
    `  for (var k = 1i; k < ${n}i; k++) {`,
    '    for (var j = k; j > 0i && o1[w + j - 1i] > o1[w + j]; j--) {',
    '      let tw = o1[w + j]; o1[w + j] = o1[w + j - 1i]; o1[w + j - 1i] = tw;',
    `      for (var r = 0i; r < ${n}i; r++) { let tv = ${V('r', 'j')}; ${V('r', 'j')} = ${V('r', 'j - 1i')}; ${V('r', 'j - 1i')} = tv; }`,
    '    }',
    '  }',
    // Sign: each eigenvector's entry of largest magnitude (the first on ties) is positive.
    `  for (var k = 0i; k < ${n}i; k++) {`,
    '    var best = -1.0f;',
    '    var val = 0.0f;',
    `    for (var r = 0i; r < ${n}i; r++) { let v = ${V('r', 'k')}; if (abs(v) > best) { best = abs(v); val = v; } }`,
    `    if (val < 0.0f) { for (var r = 0i; r < ${n}i; r++) { ${V('r', 'k')} = -${V('r', 'k')}; } }`,
    '  }',
  ]);
  const outs = launch(dev, s, ins, [...outAvals, scratch(count * nn)]);
  dev.free(outs[2]);
  return outs.slice(0, 2);
};

const qr: GpuRoutine = (dev, ins, [xa], outAvals, params) => {
  const { fullMatrices } = params as QrParams;
  const r0 = xa.shape.length;
  const m = xa.shape[r0 - 2];
  const n = xa.shape[r0 - 1];
  const k = Math.min(m, n);
  const qc = fullMatrices ? m : k;
  const rr = fullMatrices ? m : k;
  const count = size(xa.shape.slice(0, -2));
  // Scratch per matrix: the working copy (m x n, reflectors below the diagonal), then τ (k).
  const per = m * n + k;
  const decls = `${declare(['f32'], ['f32', 'f32', 'f32'])}\n${HELPERS}`;
  const A = (r: string, c: string): string => `o2[a + (${r}) * ${n}i + (${c})]`;
  const Q = (r: string, c: string): string => `o0[qo + (${r}) * ${qc}i + (${c})]`;
  const s = perPoint(`qr|${avalKey([xa])}|${fullMatrices}`, count, decls, () => [
    `  let a = i * ${per}i;`,
    `  let tau = a + ${m * n}i;`,
    `  let qo = i * ${m * qc}i;`,
    `  let ro = i * ${rr * n}i;`,
    `  for (var e = 0i; e < ${m * n}i; e++) { o2[a + e] = x0[i * ${m * n}i + e]; }`,
    // dgeqr2: column j's reflector H = I − τ·v·vᵀ, v = [1, a[j+1:, j]], maps a[j:, j] to β·e₀.
    `  for (var j = 0i; j < ${k}i; j++) {`,
    `    let alpha = ${A('j', 'j')};`,
    '    var xnorm = 0.0f;',
    `    for (var r = j + 1i; r < ${m}i; r++) { xnorm = hyp(xnorm, ${A('r', 'j')}); }`,
    '    if (xnorm == 0.0f && !isNan(alpha)) { o2[tau + j] = 0.0f; continue; }',
    '    let nrm = hyp(alpha, xnorm);',
    '    let beta = select(nrm, -nrm, alpha >= 0.0f || isNan(alpha));',
    '    let tj = (beta - alpha) / beta;',
    '    o2[tau + j] = tj;',
    '    let scale = 1.0f / (alpha - beta);',
    `    for (var r = j + 1i; r < ${m}i; r++) { ${A('r', 'j')} *= scale; }`,
    `    ${A('j', 'j')} = beta;`,
    `    for (var c = j + 1i; c < ${n}i; c++) {`,
    `      var dot = ${A('j', 'c')};`,
    `      for (var r = j + 1i; r < ${m}i; r++) { dot += ${A('r', 'j')} * ${A('r', 'c')}; }`,
    '      dot *= tj;',
    `      ${A('j', 'c')} -= dot;`,
    `      for (var r = j + 1i; r < ${m}i; r++) { ${A('r', 'c')} -= dot * ${A('r', 'j')}; }`,
    '    }',
    '  }',
    // r: the upper triangle of the first rr rows.
    `  for (var r = 0i; r < ${rr}i; r++) {`,
    `    for (var c = 0i; c < ${n}i; c++) { o1[ro + r * ${n}i + c] = select(0.0f, ${A('r', 'c')}, c >= r && r < ${m}i); }`,
    '  }',
    // dorg2r: Q = H₀·H₁·…·H_{k−1} applied to the first qc columns of I, accumulated backwards.
    `  for (var e = 0i; e < ${m * qc}i; e++) { o0[qo + e] = select(0.0f, 1.0f, e / ${Math.max(qc, 1)}i == e % ${Math.max(qc, 1)}i); }`,
    `  for (var j = ${k - 1}i; j >= 0i; j--) {`,
    '    let tj = o2[tau + j];',
    '    if (tj == 0.0f) { continue; }',
    `    for (var c = 0i; c < ${qc}i; c++) {`,
    `      var dot = ${Q('j', 'c')};`,
    `      for (var r = j + 1i; r < ${m}i; r++) { dot += ${A('r', 'j')} * ${Q('r', 'c')}; }`,
    '      dot *= tj;',
    `      ${Q('j', 'c')} -= dot;`,
    `      for (var r = j + 1i; r < ${m}i; r++) { ${Q('r', 'c')} -= dot * ${A('r', 'j')}; }`,
    '    }',
    '  }',
  ]);
  const outs = launch(dev, s, ins, [...outAvals, scratch(count * per)]);
  dev.free(outs[2]);
  return outs.slice(0, 2);
};

const svd: GpuRoutine = (dev, ins, [xa], outAvals, params) => {
  const { fullMatrices, computeUv } = params as SvdParams;
  const r0 = xa.shape.length;
  const m = xa.shape[r0 - 2];
  const n = xa.shape[r0 - 1];
  const k = Math.min(m, n);
  const count = size(xa.shape.slice(0, -2));
  const ucols = fullMatrices ? m : k;
  const vrows = fullMatrices ? n : k;
  // Work on the tall one of A (rows = max(m, n)) and swap the factors back for a wide A.
  const wide = m < n;
  const rows = wide ? n : m;
  const cols = k;
  const lc = fullMatrices ? rows : cols;
  // Scratch per matrix: g (rows x cols, column-major), v (cols x cols, column-major), the column
  // norms (cols), and for the basis completion the row sums of squares and a candidate (rows each).
  const [gOff, vOff, sOff, rsOff, cdOff] = [0, rows * cols, rows * cols + cols * cols, rows * cols + cols * cols + cols, rows * cols + cols * cols + cols + rows];
  const per = cdOff + rows;
  const nOut = computeUv ? 3 : 1;
  const w = `o${nOut}`;
  const decls = `${declare(['f32'], [...outAvals.map(() => 'f32'), 'f32'])}\n${HELPERS}`;
  const G = (r: string, c: string): string => `${w}[so + ${gOff}i + (${c}) * ${rows}i + (${r})]`;
  const Vm = (r: string, c: string): string => `${w}[so + ${vOff}i + (${c}) * ${cols}i + (${r})]`;
  const S = (j: string): string => `${w}[so + ${sOff}i + (${j})]`;
  const RS = (j: string): string => `${w}[so + ${rsOff}i + (${j})]`;
  const CD = (j: string): string => `${w}[so + ${cdOff}i + (${j})]`;
  // Left vectors of the tall problem (rows x lc) and right ones (cols x cols), in the outputs:
  // tall: u = left, vt = rightᵀ; wide: u = right, vt = leftᵀ.
  const L = (r: string, c: string): string => (wide ? `o2[vo + (${c}) * ${n}i + (${r})]` : `o1[uo + (${r}) * ${ucols}i + (${c})]`);
  const R = (r: string, c: string): string => (wide ? `o1[uo + (${r}) * ${ucols}i + (${c})]` : `o2[vo + (${c}) * ${n}i + (${r})]`);
  /** Negates column `c` of `X` (`len` rows) if its largest-|entry| is negative; sets `flipped`. */
  const fixSign = (X: (r: string, c: string) => string, len: number, c: string): string[] => [
    '    var best = -1.0f;',
    '    var val = 0.0f;',
    `    for (var r = 0i; r < ${len}i; r++) { let x = ${X('r', c)}; if (abs(x) > best) { best = abs(x); val = x; } }`,
    '    let flipped = val < 0.0f;',
    `    if (flipped) { for (var r = 0i; r < ${len}i; r++) { ${X('r', c)} = -${X('r', c)}; } }`,
  ];
  const uv = (): string[] => [
    // A column whose norm is at roundoff level of the largest carries no direction: its left
    // vector is completed to an orthonormal basis instead of normalised.
    `  let tiny = max(${cols > 0 ? S('0i') : '0.0f'} * ${EPS} * ${rows}.0f, 1e-37f);`,
    '  var rank = 0i;',
    `  for (var c = 0i; c < ${lc}i; c++) { for (var r = 0i; r < ${rows}i; r++) { ${L('r', 'c')} = 0.0f; } }`,
    `  for (var kk = 0i; kk < ${cols}i; kk++) {`,
    `    let sv = ${S('kk')};`,
    `    for (var r = 0i; r < ${cols}i; r++) { ${R('r', 'kk')} = ${Vm('r', 'kk')}; }`,
    '    if (sv > tiny) {',
    '      rank = kk + 1i;',
    `      for (var r = 0i; r < ${rows}i; r++) { ${L('r', 'kk')} = ${G('r', 'kk')} / sv; }`,
    '    }',
    '  }',
    // Completion: each new column is the standard basis vector e_i that keeps the most after
    // projecting out the columns so far (the smallest row norm), orthogonalised twice.
    `  for (var r = 0i; r < ${rows}i; r++) {`,
    '    var acc = 0.0f;',
    `    for (var c = 0i; c < rank; c++) { acc += ${L('r', 'c')} * ${L('r', 'c')}; }`,
    `    ${RS('r')} = acc;`,
    '  }',
    `  for (var j = rank; j < ${lc}i; j++) {`,
    '    var e = 0i;',
    `    for (var r = 1i; r < ${rows}i; r++) { if (${RS('r')} < ${RS('e')}) { e = r; } }`,
    `    for (var r = 0i; r < ${rows}i; r++) { ${CD('r')} = select(0.0f, 1.0f, r == e); }`,
    '    for (var twice = 0i; twice < 2i; twice++) {',
    '      for (var c = 0i; c < j; c++) {',
    '        var d = 0.0f;',
    `        for (var r = 0i; r < ${rows}i; r++) { d += ${L('r', 'c')} * ${CD('r')}; }`,
    `        for (var r = 0i; r < ${rows}i; r++) { ${CD('r')} -= d * ${L('r', 'c')}; }`,
    '      }',
    '    }',
    '    var nrm = 0.0f;',
    `    for (var r = 0i; r < ${rows}i; r++) { nrm += ${CD('r')} * ${CD('r')}; }`,
    '    let inv = 1.0f / sqrt(nrm);',
    `    for (var r = 0i; r < ${rows}i; r++) { let x = ${CD('r')} * inv; ${L('r', 'j')} = x; ${RS('r')} += x * x; }`,
    '  }',
    // Sign: the largest-|entry| of each right vector of A (a row of vt) is positive.
    `  for (var kk = 0i; kk < ${cols}i; kk++) {`,
    ...(wide ? fixSign(L, rows, 'kk') : fixSign(R, cols, 'kk')),
    `    if (flipped) { for (var r = 0i; r < ${wide ? cols : rows}i; r++) { ${(wide ? R : L)('r', 'kk')} = -${(wide ? R : L)('r', 'kk')}; } }`,
    '  }',
  ];
  const s = perPoint(`svd|${avalKey([xa])}|${fullMatrices}|${computeUv}`, count, decls, () => [
    `  let xo = i * ${m * n}i;`,
    `  let so = i * ${per}i;`,
    `  let sk = i * ${k}i;`,
    `  let uo = i * ${m * ucols}i;`,
    `  let vo = i * ${vrows * n}i;`,
    '  var bad = false;',
    `  for (var e = 0i; e < ${m * n}i; e++) { if (nonFinite(x0[xo + e])) { bad = true; } }`,
    '  if (bad) {',
    `    for (var e = 0i; e < ${k}i; e++) { o0[sk + e] = ${NAN}; }`,
    ...(computeUv ? [
      `    for (var e = 0i; e < ${m * ucols}i; e++) { o1[uo + e] = ${NAN}; }`,
      `    for (var e = 0i; e < ${vrows * n}i; e++) { o2[vo + e] = ${NAN}; }`,
    ] : []),
    '    return;',
    '  }',
    // Column-major copy of the tall matrix: A's columns (tall) or A's rows (wide, Aᵀ's columns).
    `  for (var r = 0i; r < ${m}i; r++) {`,
    `    for (var c = 0i; c < ${n}i; c++) { ${wide ? G('c', 'r') : G('r', 'c')} = x0[xo + r * ${n}i + c]; }`,
    '  }',
    `  for (var e = 0i; e < ${cols * cols}i; e++) { ${w}[so + ${vOff}i + e] = select(0.0f, 1.0f, e / ${Math.max(cols, 1)}i == e % ${Math.max(cols, 1)}i); }`,
    // Hestenes: rotate column pairs until every pair is orthogonal to working precision.
    `  for (var sweep = 0i; sweep < ${MAX_SWEEPS}i; sweep++) {`,
    '    var rotated = false;',
    `    for (var p = 0i; p < ${cols - 1}i; p++) {`,
    `      for (var q = p + 1i; q < ${cols}i; q++) {`,
    '        var al = 0.0f;',
    '        var be = 0.0f;',
    '        var ga = 0.0f;',
    `        for (var r = 0i; r < ${rows}i; r++) { let gp = ${G('r', 'p')}; let gq = ${G('r', 'q')}; al += gp * gp; be += gq * gq; ga += gp * gq; }`,
    `        if (ga == 0.0f || abs(ga) <= ${EPS} * sqrt(al) * sqrt(be)) { continue; }`,
    '        rotated = true;',
    '        let t = jacobiTan((be - al) / (2.0f * ga));',
    '        let cs = 1.0f / sqrt(1.0f + t * t);',
    '        let sn = cs * t;',
    `        for (var r = 0i; r < ${rows}i; r++) { let gp = ${G('r', 'p')}; let gq = ${G('r', 'q')}; ${G('r', 'p')} = cs * gp - sn * gq; ${G('r', 'q')} = sn * gp + cs * gq; }`,
    `        for (var r = 0i; r < ${cols}i; r++) { let vp = ${Vm('r', 'p')}; let vq = ${Vm('r', 'q')}; ${Vm('r', 'p')} = cs * vp - sn * vq; ${Vm('r', 'q')} = sn * vp + cs * vq; }`,
    '      }',
    '    }',
    '    if (!rotated) { break; }',
    '  }',
    // Column norms (scaled, so huge or tiny columns neither overflow nor underflow).
    `  for (var j = 0i; j < ${cols}i; j++) {`,
    '    var big = 0.0f;',
    `    for (var r = 0i; r < ${rows}i; r++) { big = max(big, abs(${G('r', 'j')})); }`,
    '    var ss = 0.0f;',
    `    if (big > 0.0f) { for (var r = 0i; r < ${rows}i; r++) { let x = ${G('r', 'j')} / big; ss += x * x; } }`,
    `    ${S('j')} = big * sqrt(ss);`,
    '  }',
    // Descending by a stable insertion sort, moving the columns of g and v along.
    `  for (var kk = 1i; kk < ${cols}i; kk++) {`,
    `    for (var j = kk; j > 0i && ${S('j - 1i')} < ${S('j')}; j--) {`,
    `      let ts = ${S('j')}; ${S('j')} = ${S('j - 1i')}; ${S('j - 1i')} = ts;`,
    `      for (var r = 0i; r < ${rows}i; r++) { let tg = ${G('r', 'j')}; ${G('r', 'j')} = ${G('r', 'j - 1i')}; ${G('r', 'j - 1i')} = tg; }`,
    `      for (var r = 0i; r < ${cols}i; r++) { let tv = ${Vm('r', 'j')}; ${Vm('r', 'j')} = ${Vm('r', 'j - 1i')}; ${Vm('r', 'j - 1i')} = tv; }`,
    '    }',
    '  }',
    `  for (var j = 0i; j < ${k}i; j++) { o0[sk + j] = ${S('j')}; }`,
    ...(computeUv ? uv() : []),
  ]);
  const outs = launch(dev, s, ins, [...outAvals, scratch(count * per)]);
  dev.free(outs[nOut]);
  return outs.slice(0, nOut);
};

export const DECOMPOSITION_ROUTINES: Readonly<Record<string, GpuRoutine>> = { eigh, qr, svd };
