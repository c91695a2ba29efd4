/** A validated model loss spec with its data made: what the integrators and kernels take. */
import { makeDataset } from './dataset';
import type { ModelLossSpec, ResolvedModel } from './types';

/** bnMlp's default readout: alternating ±1/√m, so that no unit starts out dominant and both signs occur. */
export function defaultReadout(hidden: number): number[] {
  return Array.from({ length: hidden }, (_, j) => (j % 2 === 0 ? 1 : -1) / Math.sqrt(hidden));
}

export function resolveModel(spec: ModelLossSpec): ResolvedModel {
  if ('bnLogistic' in spec) {
    const data = makeDataset(spec.bnLogistic);
    return {
      kind: 'bnLogistic',
      ...data,
      hidden: 1,
      readout: Float64Array.of(1),
      eps: spec.bnLogistic.eps ?? 0,
    };
  }
  const m = spec.bnMlp;
  const data = makeDataset(m);
  return {
    kind: 'bnMlp',
    ...data,
    hidden: m.hidden,
    readout: Float64Array.from(m.readout ?? defaultReadout(m.hidden)),
    eps: m.eps ?? 0,
  };
}
