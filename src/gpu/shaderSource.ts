/** Assembles the WGSL modules: real-type prelude + generated structs + loss + kernel. */
import df64Wgsl from '../../shaders/df64.wgsl?raw';
import fieldWgsl from '../../shaders/field.wgsl?raw';
import lossWgsl from '../../shaders/loss.wgsl?raw';
import realDf64Wgsl from '../../shaders/real_df64.wgsl?raw';
import realF32Wgsl from '../../shaders/real_f32.wgsl?raw';
import trajectoryWgsl from '../../shaders/trajectory.wgsl?raw';
import { type GpuPrecision, structsWgsl } from './layout';

export function realPrelude(p: GpuPrecision): string {
  return p === 'f32' ? realF32Wgsl : `${df64Wgsl}\n${realDf64Wgsl}`;
}

export function trajectoryShader(p: GpuPrecision): string {
  return [realPrelude(p), structsWgsl(p), lossWgsl, trajectoryWgsl].join('\n');
}

export function fieldShader(): string {
  return [realPrelude('f32'), lossWgsl, fieldWgsl].join('\n');
}
