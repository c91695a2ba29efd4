/** Assembles the WGSL modules: real-type prelude + generated structs + loss + kernel. */
import fieldWgsl from '../../shaders/field.wgsl?raw';
import lossWgsl from '../../shaders/loss.wgsl?raw';
import realDf64Wgsl from '../../shaders/real_df64.wgsl?raw';
import realF32Wgsl from '../../shaders/real_f32.wgsl?raw';
import trajectoryWgsl from '../../shaders/trajectory.wgsl?raw';
import { df64Source, type ProbeSabotage } from './df64Source';
import { type GpuPrecision, structsWgsl } from './layout';

/** `sabotage` degrades df64 on purpose (tests only: they must see the precision checks fail). */
export function realPrelude(p: GpuPrecision, sabotage?: ProbeSabotage): string {
  return p === 'f32' ? realF32Wgsl : `${df64Source(sabotage)}\n${realDf64Wgsl}`;
}

export function trajectoryShader(p: GpuPrecision, sabotage?: ProbeSabotage): string {
  return [realPrelude(p, sabotage), structsWgsl(p), lossWgsl, trajectoryWgsl].join('\n');
}

export function fieldShader(): string {
  return [realPrelude('f32'), lossWgsl, fieldWgsl].join('\n');
}
