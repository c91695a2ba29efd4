/**
 * The models' WebGPU driver (src/gpu/model/modelGpuRun.ts) as the page uses it: a runner on the page's
 * device that returns a config's per-trajectory records with a sample at every sample step (the page draws
 * paths and charts from them) and reports progress every 16 steps (a progress callback that throws stops
 * the run there: the page cancels a run that way). df64 is probed once per device first; where the probe
 * refuses it, the runner throws Df64RefusedError and the page skips df64 with the reason.
 */
import type { ModelRecord } from '../../core/model/modelOutput';
import type { ModelConfig } from '../../core/model/types';
import type { GpuContext } from '../../gpu/device';
import { modelDf64Probe, runModelOnDevice } from '../../gpu/model/modelGpuRun';
import type { ProbeReport } from '../../gpu/probe';

export interface GpuModelRun {
  records: ModelRecord[];
  /** The driver's own time (stepping and read-backs; compilation and uploads excluded). */
  seconds: number;
  adapter: string;
}

/** A GPU run as the page uses it: the config's records, in seed order; progress in steps. */
export type GpuModelRunner = (
  config: ModelConfig,
  onProgress?: (step: number, steps: number) => void,
) => Promise<GpuModelRun>;

export function gpuRunner(ctx: GpuContext): GpuModelRunner {
  let probe: Promise<ProbeReport> | null = null;
  return async (config, onProgress) => {
    const options: Parameters<typeof runModelOnDevice>[2] = { samples: true, onProgress, chunkSteps: 16 };
    if (config.precision === 'df64') {
      probe ??= modelDf64Probe(ctx);
      options.probe = await probe;
    }
    const run = await runModelOnDevice(ctx, config, options);
    return { records: run.records, seconds: run.seconds, adapter: run.adapter };
  };
}

/** Whether an error is the driver's refusal of df64 on this GPU (not a failure of the device). */
export function isDf64Refusal(e: unknown): boolean {
  return e instanceof Error && e.name === 'Df64RefusedError';
}
