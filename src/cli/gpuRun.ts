/**
 * The GPU backend of `scaleinv-lab run`: the same WGSL the browser runs, through Dawn, on a device of its
 * own. The run itself is the GPU layer's one path (src/gpu/configRun.ts); the output contract is the CPU
 * backend's.
 */
import type { ExperimentConfig } from '../core/config/types';
import { buildOutput, type RunOutput } from '../core/run/output';
import { gpuPrecisionOf, runConfigOnGpu } from '../gpu/configRun';
import { acquireGpu } from '../gpu/device';
import type { ProbeReport } from '../gpu/probe';
import { Df64RefusedError, df64Refusal, probeFor } from '../gpu/probeCache';

export async function runGpu(config: ExperimentConfig): Promise<RunOutput> {
  gpuPrecisionOf(config);
  const ctx = await acquireGpu();
  try {
    let probe: ProbeReport | undefined;
    if (config.precision === 'df64') {
      probe = await probeFor(ctx);
      const refusal = df64Refusal(ctx, probe);
      if (refusal) throw new Df64RefusedError(`${refusal} (run 'scaleinv-lab selftest')`);
    }
    const run = await runConfigOnGpu(ctx, config, { probe });
    return buildOutput(config, run.loss, run.schedule, run.records, run.meta);
  } finally {
    ctx.device.destroy();
  }
}
