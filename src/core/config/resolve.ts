/** Turns the loss part of a validated config into Fourier coefficients. */
import { projectExpression } from '../expression';
import type { FourierLoss } from '../loss';
import { findPreset } from '../presets';
import type { LossSpec } from './types';

export interface ResolvedLoss {
  loss: FourierLoss;
  /** Only for expressions: the projection's maximum error and dropped constant. */
  projection?: { maxError: number; relativeError: number; constant: number };
}

export function resolveLoss(spec: LossSpec): ResolvedLoss {
  if ('fourier' in spec) return { loss: { a: [...spec.fourier.a], b: [...spec.fourier.b] } };
  if ('preset' in spec) {
    const p = findPreset(spec.preset);
    if (!p) throw new RangeError(`unknown preset ${spec.preset}`);
    return { loss: { a: [...p.loss.a], b: [...p.loss.b] } };
  }
  const p = projectExpression(spec.expression, spec.harmonics);
  return {
    loss: { a: p.a, b: p.b },
    projection: { maxError: p.maxError, relativeError: p.relativeError, constant: p.constant },
  };
}
