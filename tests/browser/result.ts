/** What the page reports on `window.__result`, shared by tests/browser/page.ts and the test. */
import type { StepResult } from './mlp.js';

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
}

export type Outcome = StepResult | { readonly error: string };

export interface PageResult {
  readonly secureContext: boolean;
  /** `navigator.gpu` exists: the browser exposes WebGPU at all. */
  readonly gpu: boolean;
  /** `navigator.gpu.requestAdapter()`, null when it resolved to null. */
  readonly adapter: AdapterSummary | null;
  readonly cpu: Outcome;
  /** 'missing' while lib/index.ts exports no `init` (the WebGPU backend has not landed). */
  readonly webgpu: Outcome | 'missing';
}

declare global {
  interface Window { __result?: PageResult }
}
