/** Runs an experiment on the CPU reference integrators (f64, f32 mirror or double-double). */
import { type Arith, arithFor, type CpuPrecision } from '../arith';
import { resolveLoss } from '../config/resolve';
import type { ExperimentConfig } from '../config/types';
import { initialPoints } from '../init';
import { Integrator } from '../integrator';
import { toExponential } from '../schedule';
import { buildOutput, emptyRecord, type RunOutput, sampleSteps, type TrajectoryRecord } from './output';

export interface CpuRunOptions {
  /** Called after each trajectory with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export function simulateCpu<T>(
  integrator: Integrator<T>,
  points: Float64Array,
  steps: number,
  sampleEvery: number,
  options: CpuRunOptions = {},
): TrajectoryRecord[] {
  const A: Arith<T> = integrator.A;
  const at = sampleSteps(steps, sampleEvery);
  const n = points.length / 2;
  const records: TrajectoryRecord[] = [];
  for (let i = 0; i < n; i++) {
    const s = integrator.init(points[2 * i], points[2 * i + 1]);
    const rec = emptyRecord(points, i, at.length);
    let next = 0;
    for (let t = 0; ; t++) {
      if (t === at[next]) {
        rec.wd[2 * next] = A.toNumber(s.wd.x);
        rec.wd[2 * next + 1] = A.toNumber(s.wd.y);
        const frozen = s.overflowStep !== null;
        rec.ex[2 * next] = frozen ? Number.NaN : A.toNumber(s.ex.x);
        rec.ex[2 * next + 1] = frozen ? Number.NaN : A.toNumber(s.ex.y);
        if (rec.exScaleLog2) rec.exScaleLog2[next] = s.scaleExp;
        rec.gap[next] = integrator.angleGap(s);
        next++;
      }
      if (t === steps) break;
      integrator.step(s);
    }
    rec.divergenceStep = s.divergenceStep;
    rec.overflowStep = s.overflowStep;
    rec.crossingStep = s.crossingStep;
    records.push(rec);
    options.onProgress?.(i + 1, n);
  }
  return records;
}

export function runCpu(config: ExperimentConfig, options: CpuRunOptions = {}): RunOutput {
  if (config.precision === 'df64') throw new RangeError('df64 runs on the gpu backend only');
  const { loss } = resolveLoss(config.loss);
  const schedule = toExponential(config.optimizer);
  const integrator = new Integrator(
    arithFor(config.precision as CpuPrecision),
    loss,
    schedule,
    config.driftTolerance,
    config.numerics,
  );
  const records = simulateCpu(
    integrator,
    initialPoints(config.init),
    config.steps,
    config.sampleEvery,
    options,
  );
  return buildOutput(config, loss, schedule, records, { adapter: null });
}
