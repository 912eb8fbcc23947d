/**
 * `stats`: log-densities (differentiable) and a HistFactory-style binned likelihood in the spirit
 * of pyhf, with Newton fits, pyhf's test statistics, asymptotic hypothesis tests and upper limits.
 */
export { poissonLogPmf, normalLogPdf, normalCdf } from './dists.js';

export { histfactory, interpCode1, interpCode4, code4Coefficients } from './histfactory.js';
export type { HistFactorySpec, HistFactoryModel, Modifier, Sample, Channel, ParameterInfo } from './histfactory.js';
export { fit } from './infer.js';
export type { FitOptions, FitResult } from './infer.js';
export { clsAsymptotic, fixedPoiFit, hypotest, profileLikelihood, q0, qmu, qmuTilde, tmu, tmuTilde, upperLimit } from './hypotest.js';
export type { ClsResult, HypotestOptions, HypotestResult, ProfileScan, TestStat, UpperLimitOptions, UpperLimitResult } from './hypotest.js';

export * as plots from './plots.js';
export type { PlotOptions, Pull } from './plots.js';
