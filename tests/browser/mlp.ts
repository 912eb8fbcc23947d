/**
 * One training step of a small MLP (8-16-4, tanh, softmax cross-entropy) on a named device, read
 * back only with `await x.data()` so that it runs on devices without synchronous readback. The
 * page runs it on 'cpu' and 'webgpu'; Node runs it on 'test-f32' to show the comparison has teeth.
 * Data and weights come from formulas, not an RNG, so every device sees the same bits.
 */
import { type Array, type DType, defaultDevice, nn, np, tree, valueAndGrad } from '../../lib/index.js';

export const SIZES = { batch: 32, input: 8, hidden: 16, classes: 4 } as const;
const LEARNING_RATE = 0.5;

interface Params<T> { w1: T; b1: T; w2: T; b2: T }

/** What a device computed, as plain numbers (it crosses the page boundary as JSON). */
export interface StepResult {
  readonly device: string;
  readonly dtype: DType;
  readonly loss: number;
  /** Loss after one SGD step with these gradients: the step trains, not just evaluates. */
  readonly lossAfter: number;
  readonly grads: Params<number[]>;
  readonly ms: number;
}

// `Array` here is cotangent's; the built-in is globalThis.Array.
const grid = (rows: number, cols: number, f: (i: number, j: number) => number): number[][] =>
  globalThis.Array.from({ length: rows }, (_, i) => globalThis.Array.from({ length: cols }, (_, j) => f(i, j)));

/** Scaled by 1/sqrt(fan-in) so tanh stays out of saturation and gradients are not tiny. */
function initialParams(): Params<number[][]> {
  const { input, hidden, classes } = SIZES;
  return {
    w1: grid(input, hidden, (j, k) => Math.cos(1.3 * j + 0.7 * k + 0.1) / Math.sqrt(input)),
    b1: grid(1, hidden, (_, k) => 0.05 * Math.sin(k)),
    w2: grid(hidden, classes, (k, c) => Math.sin(0.9 * k - 1.1 * c + 0.3) / Math.sqrt(hidden)),
    b2: grid(1, classes, (_, c) => 0.1 * Math.cos(c)),
  };
}

function batch(): { x: number[][]; labels: number[][] } {
  const { batch: n, input, classes } = SIZES;
  return {
    x: grid(n, input, (i, j) => Math.sin(0.37 * i + 0.91 * j) + 0.1 * Math.cos(i * j)),
    labels: grid(n, classes, (i, c) => ((i * 7 + 3) % classes === c ? 1 : 0)),
  };
}

function loss(p: Params<Array>, x: Array, labels: Array): Array {
  const h = np.tanh(np.add(np.matmul(x, p.w1), p.b1));
  const logits = np.add(np.matmul(h, p.w2), p.b2);
  return np.negative(np.mean(np.sum(np.multiply(labels, nn.logSoftmax(logits)), -1)));
}

const read = async (a: Array): Promise<number[]> => globalThis.Array.from(await a.data(), Number);

/** Runs the step with `device` as the default device, and puts the old default back. */
export async function mlpStep(device: string, dtype: DType): Promise<StepResult> {
  const previous = defaultDevice();
  defaultDevice(device);
  try {
    const t0 = performance.now();
    const put = (v: number[][]): Array => np.array(v, { dtype, device });
    const init = initialParams();
    const params: Params<Array> = { w1: put(init.w1), b1: put(init.b1), w2: put(init.w2), b2: put(init.b2) };
    const data = batch();
    const x = put(data.x);
    const labels = put(data.labels);
    const [value, g] = valueAndGrad(loss)(params, x, labels) as [Array, Params<Array>];
    const stepped = tree.map((w: Array, dw: Array) => np.subtract(w, np.multiply(dw, LEARNING_RATE)), params, g) as Params<Array>;
    const after = loss(stepped, x, labels);
    const [l, la, w1, b1, w2, b2] = await Promise.all([value, after, g.w1, g.b1, g.w2, g.b2].map(read));
    return { device, dtype, loss: l[0], lossAfter: la[0], grads: { w1, b1, w2, b2 }, ms: performance.now() - t0 };
  } finally {
    defaultDevice(previous);
  }
}

/**
 * Where `got` (float32) strays from `ref` (float64) by more than `rtol` relative. Each element's
 * slack includes 1% of its leaf's largest magnitude: a gradient entry that is nearly zero by
 * cancellation carries float32 rounding of the leaf's scale, not of its own.
 */
export function mismatches(got: StepResult, ref: StepResult, rtol = 1e-4): string[] {
  const out: string[] = [];
  const check = (name: string, a: readonly number[], b: readonly number[]): void => {
    if (a.length !== b.length) { out.push(`${name}: length ${a.length}, expected ${b.length}`); return; }
    const scale = Math.max(...b.map(Math.abs));
    a.forEach((v, i) => {
      if (!(Math.abs(v - b[i]) <= rtol * (Math.abs(b[i]) + 0.01 * scale))) out.push(`${name}[${i}]: ${v}, expected ${b[i]}`);
    });
  };
  check('loss', [got.loss], [ref.loss]);
  check('lossAfter', [got.lossAfter], [ref.lossAfter]);
  for (const k of ['w1', 'b1', 'w2', 'b2'] as const) check(`grad ${k}`, got.grads[k], ref.grads[k]);
  return out;
}
