/**
 * `stats`: log-densities (differentiable), pyhf's HistFactory likelihoods (every modifier, its
 * interpolation codes, workspaces and patchsets), Newton fits, pyhf's test statistics, asymptotic
 * hypothesis tests, upper limits and their plots.
 */
export { poissonLogPmf, normalLogPdf, normalCdf } from './dists.js';

export { histfactory, interpCode1, interpCode4, code4Coefficients, interpolate, interpFactor, SpecError, MODIFIER_TYPES } from './histfactory.js';
export type { ArrayOrNumbers } from './histfactory.js';
export type { Consts } from './interpolation.js';
export type { HistFactorySpec, HistFactoryModel, YieldOptions, Modifier, ModifierType, ModifierSettings, ParameterConfig, Sample, Channel, ParameterInfo, InterpCode } from './histfactory.js';
export { fit, pulls } from './infer.js';
export type { FitOptions, FitResult, FitStep } from './infer.js';
export { clsAsymptotic, fixedPoiFit, hypotest, profileLikelihood, q0, qmu, qmuTilde, tmu, tmuTilde, upperLimit } from './hypotest.js';
export type { ClsResult, HypotestOptions, HypotestResult, ProfileOptions, ProfileScan, TestStat, UpperLimitOptions, UpperLimitResult } from './hypotest.js';

export * as plots from './plots.js';
export type { PlotOptions, Pull } from './plots.js';
export { workspace, patchset, Workspace, Patchset, WorkspaceError } from './workspace.js';
export type { WorkspaceSpec, WorkspaceModelOptions, Observation, Measurement, PatchsetSpec } from './workspace.js';
export { applyJsonPatch } from './json-patch.js';
export type { JsonPatchOp } from './json-patch.js';
export { sampleToys, fitBatch } from './toys.js';
export type { BatchFit, BatchFitOptions } from './toys.js';
export { mle, expectedCls, expectedUpperLimit, observedCls, observedUpperLimit } from './differentiable.js';
export type { MleOptions, ExpectedLimitOptions, ObservedClsOptions, ObservedLimitOptions, ObservedTestStat } from './differentiable.js';
