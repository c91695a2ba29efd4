/**
 * The GPU backend of `scaleinv-lab run`: the same WGSL the browser runs, through Dawn. Snapshots of the
 * state at every sample step are batched into few read-backs; the output contract is the CPU backend's.
 */
import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig } from '../core/config/types';
import { initialPoints } from '../core/init';
import { buildOutput, emptyRecord, type RunOutput, sampleSteps } from '../core/run/output';
import { toExponential } from '../core/schedule';
import { acquireGpu } from '../gpu/device';
import { TrajectoryEngine } from '../gpu/engine';
import { type ProbeReport, runPrecisionProbe } from '../gpu/probe';
import { applySnapshotSample } from '../gpu/snapshotRecords';

export class Df64RefusedError extends Error {
  override name = 'Df64RefusedError';
}

export async function runGpu(config: ExperimentConfig): Promise<RunOutput> {
  if (config.precision !== 'f32' && config.precision !== 'df64') {
    throw new RangeError(`precision ${config.precision} does not run on the gpu backend (use f32 or df64)`);
  }
  const ctx = await acquireGpu();
  try {
    let probe: ProbeReport | undefined;
    if (config.precision === 'df64') {
      probe = await runPrecisionProbe(ctx, { pairs: 20_000 });
      if (!probe.df64Usable) {
        throw new Df64RefusedError(
          `df64 refused on ${ctx.description}: ${probe.reason} (run 'scaleinv-lab selftest')`,
        );
      }
    }
    const { loss } = resolveLoss(config.loss);
    const schedule = toExponential(config.optimizer);
    const points = initialPoints(config.init);
    const engine = await TrajectoryEngine.create(ctx, {
      precision: config.precision,
      loss,
      schedule,
      tolerance: config.driftTolerance,
      points,
      twoProdFma: probe?.chosenTwoProd === 'fma',
      numerics: config.numerics,
    });
    const at = sampleSteps(config.steps, config.sampleEvery);
    const n = engine.count;
    const records = Array.from({ length: n }, (_, i) => emptyRecord(points, i, at.length));
    let j = 0;
    await engine.capture(at, (snap) => {
      applySnapshotSample(records, snap, j);
      j++;
    });
    engine.destroy();
    return buildOutput(config, loss, schedule, records, {
      adapter: ctx.description,
      ...(probe ? { probe: { chosenTwoProd: probe.chosenTwoProd, bits: probe.bits, df64Usable: true } } : {}),
    });
  } finally {
    ctx.device.destroy();
  }
}
