/**
 * `stats`: log-densities (differentiable) and a HistFactory-style binned likelihood in the spirit
 * of pyhf, with Newton fits, the profile-likelihood test statistic q̃_μ and asymptotic CLs.
 */
export { poissonLogPmf, normalLogPdf, normalCdf } from './dists.js';

export { histfactory, interpCode1, interpCode4, code4Coefficients } from './histfactory.js';
export type { HistFactorySpec, HistFactoryModel, Modifier, Sample, Channel, ParameterInfo } from './histfactory.js';
export { fit, qmu, clsAsymptotic } from './infer.js';
export type { FitOptions, FitResult, ClsResult } from './infer.js';

