/**
 * The page: sliders and buttons over demo/analysis.ts, plots from stats.plots (SVG). The events
 * live on WebGPU where the browser has it (float32), the fits on the CPU (float64).
 */
import { backendInfo, init, stats } from '../lib/index.js';
import { type Events, cutStep, EVENTS, simulate, softCls, summary } from './analysis.js';

declare global {
  interface Window { __demo?: { cut: number; muHat: number; cls: number; observedLimit: number; soft: number; ms: number; device: string; steps?: number } }
}

const $ = (id: string): HTMLElement => document.getElementById(id)!;
const slider = $('cut') as HTMLInputElement;
const f = (v: number, d = 3): string => v.toFixed(d);

/** The device the events live on: WebGPU when it starts, else the CPU. */
async function eventDevice(): Promise<{ device: string; line: string }> {
  const cpu = `the CPU (${backendInfo('cpu').description})`;
  if (!(navigator as { gpu?: unknown }).gpu) return { device: 'cpu', line: `no WebGPU in this browser, so on ${cpu}` };
  try {
    await init('webgpu');
    return { device: 'webgpu', line: `on WebGPU (${backendInfo('webgpu').description})` };
  } catch (e) {
    return { device: 'cpu', line: `on ${cpu}: WebGPU did not start (${(e as Error).message})` };
  }
}

async function render(ev: Events, device: string, cut: number, steps?: number): Promise<void> {
  const t0 = performance.now();
  const s = summary(cut);
  const t1 = performance.now();
  const soft = await softCls(ev, cut);
  const t2 = performance.now();
  $('cutval').textContent = f(cut, 3);
  const rows: [string, string][] = [
    ['observed count n', String(s.nObs)],
    ['expected signal s (μ = 1)', f(s.s, 2)],
    ['expected background b', f(s.b, 2)],
    ['best fit μ̂ ± σ', `${f(s.muHat, 4)} ± ${f(s.sigma, 4)}`],
    ['CLs of μ = 1 (observed)', f(s.cls, 4)],
    ['95% CL limit on μ (observed)', f(s.observedLimit, 3)],
    ['95% CL limit on μ (expected, ±1σ)', `${f(s.expectedLimit[2], 3)} (${f(s.expectedLimit[1], 3)}–${f(s.expectedLimit[3], 3)})`],
    ['expected CLs, soft cut on the events (surrogate)', f(soft, 4)],
    ['time: fit, CLs and limits (cpu, float64)', `${f(t1 - t0, 0)} ms`],
    [`time: soft-cut yields of the events (${device}, float32)`, `${f(t2 - t1, 0)} ms`],
  ];
  $('summary').innerHTML = rows.map(([k, v]) => `<tr><td>${k}</td><td id="${k.split(' ')[0]}">${v}</td></tr>`).join('');
  $('profile').innerHTML = stats.plots.profile(s.profile, { poiIndex: 0 });
  $('brazil').innerHTML = stats.plots.brazil(s.limit);
  window.__demo = { cut, muHat: s.muHat, cls: s.cls, observedLimit: s.observedLimit, soft, ms: t2 - t0, device, ...(steps === undefined ? {} : { steps }) };
}

async function main(): Promise<void> {
  const { device, line } = await eventDevice();
  const t0 = performance.now();
  const ev = simulate(device);
  $('device').textContent = `Events: 2 × ${EVENTS.toLocaleString('en')} simulated, float32, ${line}; simulated in ${f(performance.now() - t0, 0)} ms. Fits: the CPU in float64 (WebGPU has no float64).`;
  // One update at a time: a slider move during an update waits for it.
  let busy: Promise<void> = render(ev, device, Number(slider.value));
  const update = (cut: number, steps?: number): Promise<void> => (busy = busy.then(() => render(ev, device, cut, steps)));
  slider.addEventListener('input', () => void update(Number(slider.value)));
  $('optimise').addEventListener('click', () => {
    busy = busy.then(async () => {
      let cut = Number(slider.value);
      for (let step = 1; step <= 15; step++) {
        const s = await cutStep(ev, cut);
        cut = s.cut;
        $('opt').textContent = `step ${step}: cut ${f(cut)}, expected CLs ${s.cls.toExponential(3)}`;
        slider.value = String(cut);
        await render(ev, device, cut, step);
      }
    });
  });
}

void main();
