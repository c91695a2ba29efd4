/**
 * A RunOutput without per-sample trajectory data: what a precision study reads (per-trajectory steps, the
 * summary, the header), at a fraction of the memory and of the copy between threads.
 */
import type { ExperimentConfig } from '../config/types';
import type { FourierLoss } from '../loss';
import type { ExponentialSchedule } from '../schedule';
import { buildOutput, type RunOutput, sampleSteps, type TrajectoryRecord, trajectoryEvents } from './output';
import { summarizeSamples } from './summary';

/** The same fields buildOutput gives, with every trajectory's samples left empty. */
export function slimOutput(
  config: ExperimentConfig,
  loss: FourierLoss,
  schedule: ExponentialSchedule,
  records: readonly TrajectoryRecord[],
  meta: { adapter: string | null; probe?: unknown },
): RunOutput {
  const head = buildOutput(config, loss, schedule, [], meta);
  return {
    ...head,
    summary: summarizeSamples([...records], sampleSteps(config.steps, config.sampleEvery)),
    trajectories: records.map((r) => ({
      ...trajectoryEvents(r),
      samples: { step: [], wd: [], wdNormLog2: [], expProjected: [], expNormLog2: [], angleGap: [] },
    })),
  };
}
