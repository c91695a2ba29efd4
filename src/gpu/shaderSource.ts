/** Assembles the WGSL modules: real-type prelude + generated structs + loss + kernel. */
import coeffTableWgsl from '../../shaders/coeff_table.wgsl?raw';
import fieldWgsl from '../../shaders/field.wgsl?raw';
import lossWgsl from '../../shaders/loss.wgsl?raw';
import realDf64Wgsl from '../../shaders/real_df64.wgsl?raw';
import realF32Wgsl from '../../shaders/real_f32.wgsl?raw';
import realLowWgsl from '../../shaders/real_low.wgsl?raw';
import roundLowWgsl from '../../shaders/round_low.wgsl?raw';
import trajectoryWgsl from '../../shaders/trajectory.wgsl?raw';
import type { NumericsConfig } from '../core/config/types';
import type { FourierLoss } from '../core/loss';
import { isLowFormat, lowArith } from '../core/lowArith';
import { df64Source, type ProbeSabotage } from './df64Source';
import { type GpuPrecision, stateFormat, structsWgsl } from './layout';
import { fPrimeSecondWgsl, fPrimeWgsl } from './lossSource';

/** `sabotage` degrades df64 on purpose (tests only: they must see the precision checks fail). */
export function realPrelude(p: GpuPrecision, sabotage?: ProbeSabotage, master?: 'f32'): string {
  if (p === 'f32') return `${realF32Wgsl}\n${gradientOpsWgsl(false)}`;
  if (p === 'df64') return `${df64Source(sabotage)}\n${realDf64Wgsl}\n${gradientOpsWgsl(false)}`;
  const q = `fn r_q(a: f32) -> f32 { return round_${p}(a); }`;
  // f32 master weights: the state's operations are plain f32, the gradient's are the format's.
  if (master === 'f32') return [roundLowWgsl, q, realF32Wgsl, gradientOpsWgsl(true)].join('\n');
  return [roundLowWgsl, q, realLowWgsl, gradientOpsWgsl(false)].join('\n');
}

/**
 * The gradient's operations g_* (shaders/loss.wgsl, the generated f'(θ), the weight-decay run's gradient):
 * the real type's own (aliases of r_*), or with `rounded` f32 operations rounded to the format by r_q, on
 * the state rounded into it by g_in (mixed precision; src/core/integrator.ts computes it the same way).
 */
function gradientOpsWgsl(rounded: boolean): string {
  const ops = [
    ['g_in', 'a: R', 'a', 'r_q(a)'],
    ['g_from', 'a: f32', 'r_from(a)', 'r_q(a)'],
    ['g_add', 'a: R, b: R', 'r_add(a, b)', 'r_q(a + b)'],
    ['g_mul', 'a: R, b: R', 'r_mul(a, b)', 'r_q(a * b)'],
    ['g_neg', 'a: R', 'r_neg(a)', '-a'],
    ['g_inv_sqrt', 'a: R', 'r_inv_sqrt(a)', 'r_q(inverseSqrt(a))'],
    ['g_dot2', 'a: R, b: R, c: R, d: R', 'r_dot2(a, b, c, d)', 'r_q(r_q(a * b) + r_q(c * d))'],
    [
      'g_add_dot2',
      'acc: R, a: R, b: R, c: R, d: R',
      'r_add_dot2(acc, a, b, c, d)',
      'r_q(acc + g_dot2(a, b, c, d))',
    ],
    ['g_scale_by', 'a: R, f: vec3<f32>', 'r_scale_by(a, f)', 'r_q(r_q(r_q(a * f.x) * f.y) * f.z)'],
  ];
  return ops
    .map(([n, args, alias, round]) => `fn ${n}(${args}) -> R { return ${rounded ? round : alias}; }`)
    .join('\n');
}

/**
 * Whether the format keeps subnormal results (f16 does; f32 on GPUs, bf16 and df64 flush them). Then η̃'s
 * own exponent J moves whenever lr leaves the band and every update is scaled by 2^J, as the CPU mirror
 * does (src/core/renormalize.ts); with flushing, J only moves while the run is absorbed.
 */
export function keepsSubnormals(p: GpuPrecision): boolean {
  return isLowFormat(p) && lowArith(p).flushesSubnormals !== true;
}

/**
 * The state updates upd_add/upd_sub/upd_mul(a, b, trajectory, step, op): the format's own rounding, or for
 * bf16/f16 with stochastic rounding the f32 result rounded up or down by sr_bits(seed, …) (as
 * src/core/integrator.ts update() does).
 */
function updateWgsl(p: GpuPrecision, numerics: Partial<NumericsConfig>): string {
  const sig = (name: string) => `fn upd_${name}(a: R, b: R, i: u32, t: u32, op: u32) -> R`;
  const ops: [string, string][] = [
    ['add', '+'],
    ['sub', '-'],
    ['mul', '*'],
  ];
  if (numerics.rounding !== 'stochastic' || !isLowFormat(p))
    return ops.map(([n]) => `${sig(n)} { return r_${n}(a, b); }`).join('\n');
  const seed = numerics.seed ?? 0;
  return ops
    .map(([n, o]) => `${sig(n)} { return sr_${p}(a ${o} b, sr_bits(${seed}u, i, t, op)); }`)
    .join('\n');
}

/** `lr_band_always()` and `lr_times(lr, v, j)` = η̃·ṽ with η̃ = lr·2^J, for the format's underflow. */
function lrWgsl(p: GpuPrecision): string {
  const gradual = keepsSubnormals(p);
  return [
    `fn lr_band_always() -> bool { return ${gradual}; }`,
    gradual
      ? 'fn lr_times(lr: R, v: R, j: i32) -> R { let p = r_mul(lr, v); return select(p, r_pow2_scale3(p, j), j != 0); }'
      : 'fn lr_times(lr: R, v: R, j: i32) -> R { return r_mul(lr, v); }',
    '',
  ].join('\n');
}

/**
 * Steps per iteration of the trajectory kernel's main loop (shaders/trajectory.wgsl). On SwiftShader an f32
 * step is small enough that the loop's overhead mattered (~10%); a df64 step is ~10x larger, and every
 * copy of it adds seconds of shader compilation. Must divide RENORM_EVERY.
 */
export const STEPS_PER_GROUP: Record<GpuPrecision, number> = { f32: 4, df64: 1, bf16: 1, f16: 1 };

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
export function trajectoryShader(
  p: GpuPrecision,
  loss: FourierLoss,
  sabotage?: ProbeSabotage,
  numerics: Partial<NumericsConfig> = {},
): string {
  const master = isLowFormat(p) ? numerics.master : undefined;
  return [
    realPrelude(p, sabotage, master),
    structsWgsl(p),
    fPrimeWgsl(loss, p),
    lossWgsl,
    fPrimeSecondWgsl(loss, p),
    trajectoryWgsl,
    lrWgsl(stateFormat(p, numerics)),
    updateWgsl(p, numerics),
    advanceGroupWgsl(p),
  ].join('\n');
}

export function fieldShader(): string {
  return [realPrelude('f32'), coeffTableWgsl, fieldWgsl].join('\n');
}
