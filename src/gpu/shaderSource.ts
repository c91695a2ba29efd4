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
import { fPrimeSecondWgsl, fPrimeWgsl } from './lossSource';

/** `sabotage` degrades df64 on purpose (tests only: they must see the precision checks fail). */
export function realPrelude(p: GpuPrecision, sabotage?: ProbeSabotage): string {
  return p === 'f32' ? realF32Wgsl : `${df64Source(sabotage)}\n${realDf64Wgsl}`;
}

/**
 * Steps per iteration of the trajectory kernel's main loop (shaders/trajectory.wgsl). On SwiftShader an f32
 * step is small enough that the loop's overhead mattered (~10%); a df64 step is ~10x larger, and every
 * copy of it adds seconds of shader compilation. Must divide RENORM_EVERY.
 */
export const STEPS_PER_GROUP: Record<GpuPrecision, number> = { f32: 4, df64: 1 };

/** `advance_group`: renormalisation when due, then STEPS_PER_GROUP steps from global step t. */
function advanceGroupWgsl(p: GpuPrecision): string {
  const n = STEPS_PER_GROUP[p];
  const steps = Array.from({ length: n }, (_, j) => `  advance_one(s, m, smp, i, t + ${j + 1}u, false);`);
  return [
    `const STEPS_PER_GROUP: u32 = ${n}u;`,
    'fn advance_group(s: ptr<function, Trajectory>, m: ptr<function, Metric>, smp: ptr<function, Sampler>, i: u32,',
    '                 t: u32) {',
    '  renormalize(s, m, t);',
    ...steps,
    '}',
    '',
  ].join('\n');
}

/** The trajectory kernel for one loss (its coefficients are compiled in, see lossSource.ts). */
export function trajectoryShader(p: GpuPrecision, loss: FourierLoss, sabotage?: ProbeSabotage): string {
  return [
    realPrelude(p, sabotage),
    structsWgsl(p),
    fPrimeWgsl(loss, p),
    lossWgsl,
    fPrimeSecondWgsl(loss, p),
    trajectoryWgsl,
    advanceGroupWgsl(p),
  ].join('\n');
}

export function fieldShader(): string {
  return [realPrelude('f32'), coeffTableWgsl, fieldWgsl].join('\n');
}
