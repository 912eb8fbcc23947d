/**
 * A HistFactory likelihood of the size a small analysis has: one channel of 100 bins, a signal
 * scaled by the parameter of interest and four backgrounds carrying 19 normalisation systematics
 * (20 parameters), float64 as in pyhf. Rows: the NLL's gradient, its Hessian, and a fit of many
 * toy datasets at once (`vmap` of `optimize.minimize`, a Newton solve in a while loop; see TOYS).
 * The peers have no HistFactory module and jax-js has no float64 on wasm: cotangent only.
 */
import { jit, grad, hessian, vmap, np, optimize, stats } from '../../lib/index.js';
import type { Entry, Workload } from '../harness.js';
import { ctDone, CT64, JAX, TFW, TFC } from './common.js';

const BINS = 100;
const NSYS = 19;
/**
 * Toys in the vmapped fit. 100 keep `npm run bench` short; the brief's 1000 is BENCH_TOYS=1000
 * (about 20 s per call on the 2-core development machine: the work is the dense forward-over-
 * reverse Hessian, toys × 20 directions × 100 bins per Newton step, and at that batch size
 * intermediates outgrow the WebAssembly arena, so some kernels run in JavaScript).
 */
const TOYS = Number(process.env.BENCH_TOYS ?? 100);

function spec(): stats.HistFactorySpec {
  const bin = (i: number, k: number) => 40 * Math.exp(-i / (30 + 10 * k)) + 5 + 2 * Math.sin(i * (k + 1) * 0.37);
  const signal = Array.from({ length: BINS }, (_, i) => 12 * Math.exp(-(((i - 50) / 8) ** 2)));
  const backgrounds = [0, 1, 2, 3].map((k) => ({
    name: `bkg${k}`,
    data: Array.from({ length: BINS }, (_, i) => bin(i, k)),
    modifiers: Array.from({ length: NSYS }, (_, s) => s).filter((s) => s % 4 === k).map((s) => ({
      type: 'normsys' as const, name: `sys${String(s).padStart(2, '0')}`, data: { hi: 1 + 0.02 * (1 + (s % 5)), lo: 1 - 0.015 * (1 + (s % 3)) },
    })),
  }));
  return {
    channels: [{ name: 'sr', samples: [{ name: 'signal', data: signal, modifiers: [{ type: 'normfactor', name: 'mu' }] }, ...backgrounds] }],
  };
}

const na = [
  { lib: JAX, na: 'no HistFactory module; no float64 on wasm' },
  { lib: TFW, na: 'no HistFactory module; no float64' },
  { lib: TFC, na: 'no HistFactory module; no float64' },
];

export function physicsRows(): Workload[] {
  const model = stats.histfactory(spec());
  const P = model.parameters;
  if (P.names.length !== 20) throw new Error(`physics benchmark: expected 20 parameters, got ${P.names.length}`);
  const nll = (p: np.Array, d: np.Array): np.Array => model.nll(p, d);
  const f64 = { dtype: 'float64' } as const;
  const pars = () => np.array(P.init.map((v, i) => v + 0.01 * (i % 3)), f64);
  const asimov = model.expectedFull(np.array(P.init, f64)).dataSync();
  const data = () => np.array(Array.from(asimov), f64);
  // Toys: main bins scattered by about their Poisson width, auxiliary data by their unit width.
  const toys = () => np.array(Array.from({ length: TOYS * asimov.length }, (_, k) => {
    const [t, j] = [Math.floor(k / asimov.length), k % asimov.length];
    const u = Math.sin(12.9898 * t + 78.233 * j) * 43758.5453;
    const z = 2 * (u - Math.floor(u)) - 1;
    return j < model.nMain ? Math.max(0, Math.round(asimov[j] + z * Math.sqrt(asimov[j]))) : asimov[j] + 0.5 * z;
  }), { ...f64, shape: [TOYS, asimov.length] });

  const gradRow: Entry = { lib: CT64, make: () => {
    const [p, d, g] = [pars(), data(), jit(grad(nll))];
    return () => ctDone(g(p, d));
  } };
  const hessRow: Entry = { lib: CT64, make: () => {
    const [p, d, h] = [pars(), data(), jit(hessian(nll))];
    return () => ctDone(h(p, d));
  } };
  const fitRow: Entry = { lib: CT64, make: () => {
    const bounds: [number[], number[]] = [P.bounds.map((b) => b[0]), P.bounds.map((b) => b[1])];
    const fitOne = (d: np.Array): np.Array => optimize.minimize(nll, np.array(P.init, f64), { args: [d], bounds, method: 'newton' }).x;
    const [ds, fits] = [toys(), jit(vmap(fitOne))];
    return () => ctDone(fits(ds));
  } };
  return [
    { name: `HistFactory ${BINS} bins ${P.names.length} pars: grad NLL`, entries: [gradRow, ...na] },
    { name: 'HistFactory: Hessian of the NLL', entries: [hessRow, ...na] },
    { name: `HistFactory: vmap fit of ${TOYS} toys`, entries: [fitRow, ...na] },
  ];
}
