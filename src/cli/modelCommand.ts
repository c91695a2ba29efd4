/**
 * `scaleinv-lab run` on a model config (loss bnLogistic or bnMlp): the CPU precisions on this thread, f32
 * and df64 on the GPU (src/gpu/model/). The output is JSON (README "Models"); CSV and Arrow hold the
 * plane's (x, y) columns and are refused with a message.
 */
import { validateModelConfig } from '../core/model/modelConfig';
import type { ModelRunOutput } from '../core/model/modelOutput';
import { runModelCpu } from '../core/model/modelRun';
import { UsageError } from './usage';

export interface ModelRunArgs {
  out?: string;
  bits?: number;
}

export async function runModelCommand(merged: unknown, opts: ModelRunArgs): Promise<ModelRunOutput> {
  const config = validateModelConfig(merged);
  if (opts.bits !== undefined && config.precision !== 'mp') {
    throw new UsageError(`run: --bits sets the precision of mp; this run's precision is ${config.precision}`);
  }
  if (opts.out !== undefined && !/\.json$/i.test(opts.out)) {
    throw new UsageError(`run: a model run writes JSON (--out ${opts.out}: use a .json file)`);
  }
  if (config.backend === 'gpu') {
    const { runModelGpu } = await import('../gpu/model/modelGpuRun');
    return runModelGpu(config);
  }
  return runModelCpu(config, opts.bits === undefined ? {} : { bits: opts.bits });
}
