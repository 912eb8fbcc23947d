/**
 * The plots a physicist expects from a statistical analysis, as self-contained SVG strings (no
 * dependency, no DOM): the Brazil band of an upper limit, a profile-likelihood scan with its
 * confidence-level lines, and pulls of nuisance parameters. Write them to a file or set them as
 * innerHTML.
 */
import type { ProfileScan, UpperLimitResult } from './hypotest.js';

/** Size and title of a plot's SVG. */
export interface PlotOptions {
  /** Width in SVG pixels (default 600; pulls: 560). */
  width?: number;
  /** Height in SVG pixels (default 400; pulls: 94 plus 22 per parameter). */
  height?: number;
  /** The title above the plot (each plot has a default; '' for none). */
  title?: string;
}

interface Frame {
  readonly W: number;
  readonly H: number;
  sx(x: number): number;
  sy(y: number): number;
  readonly m: { l: number; r: number; t: number; b: number };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '0');

/** Round tick positions covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
function ticks(lo: number, hi: number, n = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
  return out;
}

const tickLabel = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));

function frame(xr: [number, number], yr: [number, number], o: PlotOptions, logY = false): Frame {
  const W = o.width ?? 600, H = o.height ?? 400;
  const m = { l: 64, r: 20, t: o.title ? 34 : 16, b: 50 };
  const ly = (y: number) => (logY ? Math.log10(y) : y);
  const [y0, y1] = [ly(yr[0]), ly(yr[1])];
  return {
    W, H, m,
    sx: (x) => m.l + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * (W - m.l - m.r),
    sy: (y) => H - m.b - ((ly(Math.max(y, logY ? yr[0] : -Infinity)) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b),
  };
}

/** The axes, ticks, labels and title around a plot body. */
function axes(f: Frame, xr: [number, number], yTicks: number[], xLabel: string, yLabel: string, o: PlotOptions): string {
  const { W, H, m } = f;
  const xt = ticks(xr[0], xr[1]);
  return [
    `<rect width="100%" height="100%" fill="white"/>`,
    o.title ? `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>` : '',
    ...xt.map((t) => `<line x1="${f1(f.sx(t))}" y1="${H - m.b}" x2="${f1(f.sx(t))}" y2="${H - m.b + 5}" stroke="black"/><text x="${f1(f.sx(t))}" y="${H - m.b + 18}" text-anchor="middle">${tickLabel(t)}</text>`),
    ...yTicks.map((t) => `<line x1="${m.l - 5}" y1="${f1(f.sy(t))}" x2="${m.l}" y2="${f1(f.sy(t))}" stroke="black"/><text x="${m.l - 8}" y="${f1(f.sy(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`),
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="16" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(m.t + H - m.b) / 2})">${esc(yLabel)}</text>`,
  ].filter(Boolean).join('\n');
}

const svg = (f: Frame, body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${f.W}" height="${f.H}" viewBox="0 0 ${f.W} ${f.H}" font-family="sans-serif" font-size="12">\n${body}\n</svg>\n`;

const polyline = (f: Frame, xs: readonly number[], ys: readonly number[]): string =>
  xs.map((x, i) => `${i ? 'L' : 'M'}${f1(f.sx(x))},${f1(f.sy(ys[i]))}`).join(' ');

/** A filled band between two curves over the same x values. */
const band = (f: Frame, xs: readonly number[], lo: readonly number[], hi: readonly number[], fill: string): string =>
  `<path d="${polyline(f, xs, hi)} ${[...xs].reverse().map((x, i) => `L${f1(f.sx(x))},${f1(f.sy(lo[xs.length - 1 - i]))}`).join(' ')} Z" fill="${fill}" stroke="none"/>`;

/** The Brazil plot's key: observed, expected median, ±1σ and ±2σ. */
function legend(x: number, y: number): string {
  const row = (k: number, mark: string, label: string) => `<g transform="translate(${x},${y + 15 * k})">${mark}<text x="26" y="9">${label}</text></g>`;
  return `<g font-size="11">${[
    row(0, '<line x1="0" y1="5" x2="20" y2="5" stroke="black" stroke-width="2"/>', 'observed'),
    row(1, '<line x1="0" y1="5" x2="20" y2="5" stroke="black" stroke-dasharray="6,4"/>', 'expected (median)'),
    row(2, '<rect x="0" y="1" width="20" height="8" fill="#66bb6a"/>', 'expected ±1σ'),
    row(3, '<rect x="0" y="1" width="20" height="8" fill="#fff176"/>', 'expected ±2σ'),
  ].join('')}</g>`;
}

/**
 * The Brazil plot of an upper limit: observed CLs against the POI (black), the expected median
 * (dashed) inside its ±1σ (green) and ±2σ (yellow) bands, the CLs level and the observed limit.
 * Best from a `scan` (a dense grid of POI values); `opts.level` defaults to 0.05.
 */
export function brazil(limit: UpperLimitResult, opts: PlotOptions & { level?: number; poiLabel?: string; logY?: boolean } = {}): string {
  const { poi, results } = limit.scan;
  if (poi.length < 2) throw new Error('stats.plots.brazil: the limit has fewer than two evaluated POI values; compute it with a scan');
  const level = opts.level ?? 0.05;
  const logY = opts.logY ?? false;
  const exp = (k: number) => results.map((r) => r.expectedSet[k]);
  const yr: [number, number] = logY ? [Math.max(1e-4, Math.min(...exp(0).filter((v) => v > 0))), 1] : [0, 1];
  const xr: [number, number] = [poi[0], poi[poi.length - 1]];
  const o = { title: 'Upper limit: CLs against the signal strength', ...opts };
  const f = frame(xr, yr, o, logY);
  const yt = logY ? ticks(Math.log10(yr[0]), 0, 4).map((e) => 10 ** Math.round(e)) : ticks(0, 1, 5);
  const body = [
    axes(f, xr, yt, opts.poiLabel ?? 'signal strength μ', 'CLs', o),
    band(f, poi, exp(4), exp(0), '#fff176'),
    band(f, poi, exp(3), exp(1), '#66bb6a'),
    `<path d="${polyline(f, poi, exp(2))}" fill="none" stroke="black" stroke-dasharray="6,4" stroke-width="1.5"/>`,
    `<path d="${polyline(f, poi, results.map((r) => r.cls))}" fill="none" stroke="black" stroke-width="2"/>`,
    ...poi.map((x, i) => `<circle cx="${f1(f.sx(x))}" cy="${f1(f.sy(results[i].cls))}" r="2.5" fill="black"/>`),
    `<line x1="${f.m.l}" y1="${f1(f.sy(level))}" x2="${f.W - f.m.r}" y2="${f1(f.sy(level))}" stroke="#d32f2f"/>`,
    `<text x="${f.W - f.m.r - 4}" y="${f1(f.sy(level) - 5)}" text-anchor="end" fill="#d32f2f">CLs = ${level} (${Math.round((1 - level) * 100)}% CL)</text>`,
    Number.isFinite(limit.observed) ? `<line x1="${f1(f.sx(limit.observed))}" y1="${f.m.t}" x2="${f1(f.sx(limit.observed))}" y2="${f.H - f.m.b}" stroke="#d32f2f" stroke-dasharray="2,3"/>` : '',
    `<text x="${f.W - f.m.r - 4}" y="${f.m.t + 14}" text-anchor="end">observed limit ${limit.observed.toPrecision(4)}, expected ${limit.expected[2].toPrecision(4)} (±1σ: ${limit.expected[1].toPrecision(3)}–${limit.expected[3].toPrecision(3)})</text>`,
    legend(f.W - f.m.r - 150, f.m.t + 28),
  ];
  return svg(f, body.filter(Boolean).join('\n'));
}

/**
 * The profile-likelihood curve tμ = −2 ln λ(μ) with the lines where one parameter's confidence
 * intervals end: tμ = 1 (68.3% CL, 1σ) and tμ = 3.84 (95% CL; tμ = 4 would be 2σ, 95.4%).
 */
export function profile(scan: ProfileScan, opts: PlotOptions & { poiLabel?: string; poiIndex?: number } = {}): string {
  const { poi, tmu } = scan;
  if (poi.length < 2) throw new Error('stats.plots.profile: the scan needs at least two POI values');
  const xr: [number, number] = [Math.min(...poi), Math.max(...poi)];
  const yMax = Math.max(4.5, ...tmu.filter(Number.isFinite));
  const o = { title: 'Profile likelihood scan', ...opts };
  const f = frame(xr, [0, yMax], o);
  const best = opts.poiIndex === undefined ? undefined : scan.bestfit.bestfit[opts.poiIndex];
  const line = (y: number, label: string, color: string) =>
    `<line x1="${f.m.l}" y1="${f1(f.sy(y))}" x2="${f.W - f.m.r}" y2="${f1(f.sy(y))}" stroke="${color}" stroke-dasharray="5,4"/><text x="${f.m.l + 6}" y="${f1(f.sy(y) - 5)}" fill="${color}">${label}</text>`;
  const body = [
    axes(f, xr, ticks(0, yMax, 5), opts.poiLabel ?? 'signal strength μ', 'tμ = −2 ln λ(μ)', o),
    line(1, 'tμ = 1: 68.3% CL (1σ)', '#666'),
    line(3.841458820694124, 'tμ = 3.84: 95% CL', '#999'),
    `<path d="${polyline(f, poi, tmu)}" fill="none" stroke="#c0392b" stroke-width="2"/>`,
    best === undefined ? '' : `<line x1="${f1(f.sx(best))}" y1="${f.m.t}" x2="${f1(f.sx(best))}" y2="${f.H - f.m.b}" stroke="#333" stroke-dasharray="2,3"/><text x="${f1(f.sx(best) + 4)}" y="${f.m.t + 14}">best fit ${best.toPrecision(4)}</text>`,
  ];
  return svg(f, body.filter(Boolean).join('\n'));
}

/** One nuisance parameter's pull: (θ̂ − θ₀)/σ₀ and its post-fit uncertainty σ̂/σ₀. */
export interface Pull {
  /** The parameter's flat name (e.g. 'alpha_jes', 'staterror_SR[2]'). */
  name: string;
  /** (θ̂ − θ₀)/σ₀: the best fit's shift from the constraint's centre, in units of its width. */
  pull: number;
  /** σ̂/σ₀: the post-fit uncertainty in units of the constraint's width (1: not constrained by the data beyond the prior). */
  error: number;
}

/** Pulls as points with error bars against the ±1σ (green) and ±2σ (yellow) bands, one row each. */
export function pulls(entries: readonly Pull[], opts: PlotOptions = {}): string {
  if (entries.length === 0) throw new Error('stats.plots.pulls: no pulls to draw');
  const rowH = 22;
  const o = { width: 560, height: 60 + 34 + rowH * entries.length, title: 'Pulls of the nuisance parameters', ...opts };
  const lim = Math.max(3, Math.ceil(Math.max(...entries.map((e) => Math.abs(e.pull) + e.error).filter(Number.isFinite))));
  const W = o.width, H = o.height;
  const m = { l: 170, r: 20, t: o.title ? 34 : 16, b: 50 };
  const sx = (x: number) => m.l + ((x + lim) / (2 * lim)) * (W - m.l - m.r);
  const rowY = (i: number) => m.t + rowH * (i + 0.5);
  const f: Frame = { W, H, m, sx, sy: (y) => y };
  const xt = ticks(-lim, lim);
  const body = [
    `<rect width="100%" height="100%" fill="white"/>`,
    o.title ? `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>` : '',
    `<rect x="${f1(sx(-2))}" y="${m.t}" width="${f1(sx(2) - sx(-2))}" height="${H - m.t - m.b}" fill="#fff176"/>`,
    `<rect x="${f1(sx(-1))}" y="${m.t}" width="${f1(sx(1) - sx(-1))}" height="${H - m.t - m.b}" fill="#66bb6a"/>`,
    `<line x1="${f1(sx(0))}" y1="${m.t}" x2="${f1(sx(0))}" y2="${H - m.b}" stroke="#333" stroke-dasharray="2,3"/>`,
    ...entries.map((e, i) => [
      `<text x="${m.l - 8}" y="${f1(rowY(i) + 4)}" text-anchor="end">${esc(e.name)}</text>`,
      `<line x1="${f1(sx(e.pull - e.error))}" y1="${f1(rowY(i))}" x2="${f1(sx(e.pull + e.error))}" y2="${f1(rowY(i))}" stroke="black" stroke-width="1.5"/>`,
      `<circle cx="${f1(sx(e.pull))}" cy="${f1(rowY(i))}" r="3.5" fill="black"/>`,
    ].join('')),
    ...xt.map((t) => `<line x1="${f1(sx(t))}" y1="${H - m.b}" x2="${f1(sx(t))}" y2="${H - m.b + 5}" stroke="black"/><text x="${f1(sx(t))}" y="${H - m.b + 18}" text-anchor="middle">${tickLabel(t)}</text>`),
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">(θ̂ − θ₀) / σ₀</text>`,
  ];
  return svg(f, body.filter(Boolean).join('\n'));
}
