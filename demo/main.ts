/** The page: sliders and buttons over demo/analysis.ts, plots from stats.plots (SVG). */
import { backendInfo, devices, init, np, stats } from '../lib/index.js';
import { optimiseCut, softExpectedCls, summary } from './analysis.js';

declare global {
  interface Window { __demo?: { cut: number; muHat: number; cls: number; observedLimit: number; ms: number; device: string } }
}

const $ = (id: string): HTMLElement => document.getElementById(id)!;
const slider = $('cut') as HTMLInputElement;
const f = (v: number, d = 3): string => v.toFixed(d);

function render(cut: number): void {
  const t0 = performance.now();
  const s = summary(cut);
  const soft = softExpectedCls(np.array(cut)).item();
  const ms = performance.now() - t0;
  $('cutval').textContent = f(cut, 3);
  const rows: [string, string][] = [
    ['observed count n', String(s.nObs)],
    ['expected signal s (μ = 1)', f(s.s, 2)],
    ['expected background b', f(s.b, 2)],
    ['best fit μ̂ ± σ', `${f(s.muHat, 4)} ± ${f(s.sigma, 4)}`],
    ['CLs of μ = 1 (observed)', f(s.cls, 4)],
    ['95% CL limit on μ (observed)', f(s.observedLimit, 3)],
    ['95% CL limit on μ (expected, ±1σ)', `${f(s.expectedLimit[2], 3)} (${f(s.expectedLimit[1], 3)}–${f(s.expectedLimit[3], 3)})`],
    ['expected CLs, soft cut (surrogate)', f(soft, 4)],
    ['time for this update', `${f(ms, 0)} ms`],
  ];
  $('summary').innerHTML = rows.map(([k, v]) => `<tr><td>${k}</td><td id="${k.split(' ')[0]}">${v}</td></tr>`).join('');
  $('profile').innerHTML = stats.plots.profile(s.profile, { poiIndex: 0 });
  $('brazil').innerHTML = stats.plots.brazil(s.limit);
  window.__demo = { cut, muHat: s.muHat, cls: s.cls, observedLimit: s.observedLimit, ms, device: 'cpu' };
}

slider.addEventListener('input', () => render(Number(slider.value)));

$('optimise').addEventListener('click', () => {
  let cut = Number(slider.value);
  let step = 0;
  const next = (): void => {
    cut = optimiseCut(cut, 1, 0.1, (c, cls) => { $('opt').textContent = `step ${step + 1}: cut ${f(c)}, expected CLs ${cls.toExponential(3)}`; });
    slider.value = String(cut);
    render(cut);
    if (++step < 15) setTimeout(next, 0);
  };
  next();
});

async function deviceLine(): Promise<string> {
  const cpu = backendInfo('cpu').description;
  let gpu = 'no WebGPU in this browser';
  if ((navigator as { gpu?: unknown }).gpu) {
    gpu = await init('webgpu').then(() => `WebGPU available (${backendInfo('webgpu').description})`, (e: Error) => `WebGPU did not start: ${e.message}`);
  }
  return `Fits run on the CPU device in float64 (WebGPU has no float64): ${cpu}. ${gpu}. Devices: ${devices().join(', ')}.`;
}

render(Number(slider.value));
void deviceLine().then((line) => { $('device').textContent = line; });
