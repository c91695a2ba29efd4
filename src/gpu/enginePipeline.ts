/**
 * The trajectory kernel's compute pipeline for one engine setup: the generated WGSL (src/gpu/shaderSource.ts)
 * compiled with the override constants the host chooses (workgroup size, renormalisation band, ring on or
 * off, df64's TwoProd variant) and the bind group layout the engine binds its buffers with.
 */
import { DF64_STATE_BITS } from '../core/arith';
import { RENORM_EVERY, RENORM_MAX_SHIFT } from '../core/integrator';
import { renormBandOf } from '../core/renormalize';
import { explainKernelCompileError } from './compileMessage';
import type { GpuContext } from './device';
import type { EngineSetup } from './engineSetup';
import { compileShaderModule } from './errors';
import { singleWordArith } from './realValues';
import { STEPS_PER_GROUP, trajectoryShader } from './shaderSource';
import { slottedUniformLayoutEntry } from './uniformSlots';

export const DEFAULT_WORKGROUP_SIZE = 64;

/** The kernel's pipeline-overridable constants for `setup`. */
export function kernelConstants(setup: EngineSetup): Record<string, number> {
  // The band is the format's, as its CPU mirror keeps it (src/core/renormalize.ts).
  const band = renormBandOf(singleWordArith(setup.precision));
  const constants: Record<string, number> = {
    WORKGROUP_SIZE: setup.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
    RENORM_MIN_LOG2: band.minLog2,
    RENORM_MAX_LOG2: band.maxLog2,
    RENORM_MAX_SHIFT,
    RENORM_EVERY,
    // Without a ring the sampling code is compiled out (SwiftShader would run it every step, see the kernel).
    HISTORY: (setup.historyLength ?? 0) > 0 ? 1 : 0,
  };
  if (setup.precision === 'df64') {
    constants.DF64_TWO_PROD_FMA = setup.twoProdFma ? 1 : 0;
    constants.DF64_STATE_BITS = DF64_STATE_BITS;
  }
  return constants;
}

/** Compiles the kernel for `setup`; a compile error is explained in terms of the loss (compileMessage.ts). */
export function compileTrajectoryKernel(
  ctx: GpuContext,
  setup: EngineSetup,
  label: string,
): Promise<GPUShaderModule> {
  const p = setup.precision;
  // The kernel renormalises only at the start of a group of steps (shaders/trajectory.wgsl).
  if (RENORM_EVERY % STEPS_PER_GROUP[p] !== 0) throw new Error('STEPS_PER_GROUP must divide RENORM_EVERY');
  return compileShaderModule(
    ctx.device,
    `${label} shader`,
    trajectoryShader(p, setup.loss, setup.df64Sabotage, setup.numerics),
  ).catch((e: unknown) => {
    throw explainKernelCompileError(e, setup.loss, p);
  });
}

/** The kernel's pipeline: params (one uniform slot per dispatch), trajectories, metrics, ring. */
export function createTrajectoryPipeline(
  device: GPUDevice,
  module: GPUShaderModule,
  setup: EngineSetup,
  label: string,
): Promise<GPUComputePipeline> {
  const layout = device.createBindGroupLayout({
    label: `${label} bind group layout`,
    entries: [
      slottedUniformLayoutEntry(0),
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ],
  });
  return device.createComputePipelineAsync({
    label: `${label} pipeline`,
    layout: device.createPipelineLayout({ label: `${label} pipeline layout`, bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'step_trajectories', constants: kernelConstants(setup) },
  });
}
