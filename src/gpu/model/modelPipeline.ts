/**
 * What a model engine is built from (ModelEngineSetup) and its compute pipeline: the generated WGSL
 * (modelShader.ts) compiled once per device and kernel variant, with the override constants the host
 * chooses (workgroup size, bnMlp or bnLogistic, the renormalisation band, df64's TwoProd variant).
 */
import { DF64_STATE_BITS } from '../../core/arith';
import type { NumericsConfig } from '../../core/config/types';
import { RENORM_BAND, RENORM_EVERY, RENORM_MAX_SHIFT } from '../../core/integratorState';
import type { ResolvedModel } from '../../core/model/types';
import type { ExponentialSchedule } from '../../core/schedule';
import type { GpuContext } from '../device';
import { compileShaderModule, withErrorScopes } from '../errors';
import { slottedUniformLayoutEntry } from '../uniformSlots';
import type { ModelGpuPrecision, ModelLayout } from './modelLayout';
import { type ModelSabotage, modelShader } from './modelShader';

export interface ModelEngineSetup {
  precision: ModelGpuPrecision;
  layout: ModelLayout;
  model: ResolvedModel;
  schedule: ExponentialSchedule;
  tolerance: number;
  /** Initial weights, trajectory after trajectory (P numbers each), float64. */
  points: Float64Array;
  /**
   * Renormalisation and η̃ mode; missing fields: LEGACY_NUMERICS. Stochastic rounding and master weights
   * do not apply (f32 and df64 round to nearest and keep their own state).
   */
  numerics?: Partial<NumericsConfig>;
  /** The last step the engine will be asked for (sizes the closed-form rate table). */
  steps: number;
  /** df64's TwoProd variant, as the precision probe chose it. */
  twoProdFma?: boolean;
  /** Invocations per workgroup (default: modelWorkgroupSize). */
  workgroupSize?: number;
  /** Most steps per dispatch (default: by a work estimate, at most 1024). */
  maxStepsPerDispatch?: number;
  /** Most bytes of scratch (default 64 MiB, and the device's storage binding limit). */
  scratchBytes?: number;
  /** Tests only: a deliberately changed kernel. */
  sabotage?: ModelSabotage;
}

export const DEFAULT_MODEL_WORKGROUP_SIZE = 64;
/**
 * The workgroup layout's default on a software adapter: its sequential sums leave most invocations of a
 * workgroup waiting at barriers, which SwiftShader pays for (measured, 4096 seeds of bnLogistic d 8, n 256:
 * 16 invocations ran 2–4× faster than 64 in f32 and df64).
 */
export const SOFTWARE_WORKGROUP_LAYOUT_SIZE = 16;

/** The workgroup size a setup runs with on `ctx`: its own, or the default of its layout there. */
export function modelWorkgroupSize(
  ctx: GpuContext,
  setup: Pick<ModelEngineSetup, 'layout' | 'workgroupSize'>,
) {
  if (setup.workgroupSize !== undefined) return setup.workgroupSize;
  return setup.layout === 'workgroup' && ctx.isSoftware
    ? SOFTWARE_WORKGROUP_LAYOUT_SIZE
    : DEFAULT_MODEL_WORKGROUP_SIZE;
}

const pipelines = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

function pipelineKey(s: ModelEngineSetup): string {
  return JSON.stringify([
    s.precision,
    s.layout,
    s.model.kind,
    s.workgroupSize ?? DEFAULT_MODEL_WORKGROUP_SIZE,
    s.precision === 'df64' && s.twoProdFma === true,
    s.sabotage ?? null,
  ]);
}

function bindGroupLayout(device: GPUDevice, label: string): GPUBindGroupLayout {
  const storage = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
    binding,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type },
  });
  return device.createBindGroupLayout({
    label: `${label} bind group layout`,
    entries: [
      slottedUniformLayoutEntry(0),
      storage(1, 'read-only-storage'),
      storage(2, 'storage'),
      storage(3, 'storage'),
      storage(4, 'storage'),
      storage(5, 'read-only-storage'),
    ],
  });
}

/** The kernel's pipeline for `setup`, compiled once per device and kernel variant (shared by engines). */
export function modelPipeline(ctx: GpuContext, setup: ModelEngineSetup): Promise<GPUComputePipeline> {
  const { device } = ctx;
  let perDevice = pipelines.get(device);
  if (!perDevice) {
    perDevice = new Map();
    pipelines.set(device, perDevice);
  }
  const key = pipelineKey(setup);
  const found = perDevice.get(key);
  if (found) return found;
  const label = `model-${setup.model.kind}-${setup.precision}-${setup.layout}`;
  const made = (async () => {
    const code = modelShader({ precision: setup.precision, layout: setup.layout, sabotage: setup.sabotage });
    const module = await compileShaderModule(device, `${label} shader`, code);
    const constants: Record<string, number> = {
      WORKGROUP_SIZE: setup.workgroupSize ?? DEFAULT_MODEL_WORKGROUP_SIZE,
      MLP: setup.model.kind === 'bnMlp' ? 1 : 0,
      // The float32 mirror's band (src/core/renormalize.ts renormBandOf: F32 has no band of its own).
      RENORM_MIN_LOG2: RENORM_BAND.minLog2,
      RENORM_MAX_LOG2: RENORM_BAND.maxLog2,
      RENORM_MAX_SHIFT,
      RENORM_EVERY,
      DF64_TWO_PROD_FMA: setup.precision === 'df64' && setup.twoProdFma ? 1 : 0,
    };
    if (setup.precision === 'df64') constants.DF64_STATE_BITS = DF64_STATE_BITS;
    return withErrorScopes(device, `${label} pipeline`, () =>
      device.createComputePipelineAsync({
        label: `${label} pipeline`,
        layout: device.createPipelineLayout({
          label: `${label} pipeline layout`,
          bindGroupLayouts: [bindGroupLayout(device, label)],
        }),
        compute: { module, entryPoint: 'model_step', constants },
      }),
    );
  })();
  made.catch(() => {
    if (perDevice.get(key) === made) perDevice.delete(key);
  });
  perDevice.set(key, made);
  return made;
}
