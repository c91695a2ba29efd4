/** Assembles the WGSL modules: real-type prelude + generated structs + loss + kernel. */
import coeffTableWgsl from '../../shaders/coeff_table.wgsl?raw';
import fieldWgsl from '../../shaders/field.wgsl?raw';
import lossWgsl from '../../shaders/loss.wgsl?raw';
import realDf64Wgsl from '../../shaders/real_df64.wgsl?raw';
import realF32Wgsl from '../../shaders/real_f32.wgsl?raw';
import trajectoryWgsl from '../../shaders/trajectory.wgsl?raw';
import type { FourierLoss } from '../core/loss';
import { df64Source, type ProbeSabotage } from './df64Source';
import { type GpuPrecision, structsWgsl } from './layout';
import { fPrimeWgsl, fSecondWgsl } from './lossSource';

/** `sabotage` degrades df64 on purpose (tests only: they must see the precision checks fail). */
export function realPrelude(p: GpuPrecision, sabotage?: ProbeSabotage): string {
  return p === 'f32' ? realF32Wgsl : `${df64Source(sabotage)}\n${realDf64Wgsl}`;
}

/** The trajectory kernel for one loss (its coefficients are compiled in, see lossSource.ts). */
export function trajectoryShader(p: GpuPrecision, loss: FourierLoss, sabotage?: ProbeSabotage): string {
  return [
    realPrelude(p, sabotage),
    structsWgsl(p),
    fPrimeWgsl(loss, p),
    fSecondWgsl(loss, p),
    lossWgsl,
    trajectoryWgsl,
  ].join('\n');
}

export function fieldShader(): string {
  return [realPrelude('f32'), coeffTableWgsl, fieldWgsl].join('\n');
}
