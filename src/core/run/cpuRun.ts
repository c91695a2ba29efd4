/**
 * Runs an experiment on the CPU reference integrators (f64, f32 mirror, double-double, or the mp
 * arbitrary-precision reference). mp always runs without renormalisation and with the recurrence for η̃:
 * its exponent range makes renormalisation unnecessary, and a decimal power-of-two scaling is not exact.
 * A run is split in two so that worker threads can share it: cpuRecords integrates any contiguous range of
 * trajectories (they are independent), and cpuOutput assembles the records of all of them, in order.
 */
import type { Arith, CpuPrecision } from '../arith';
import { arithFor } from '../arithFor';
import { resolveLoss } from '../config/resolve';
import type { ExperimentConfig } from '../config/types';
import { initialPoints } from '../init';
import { Integrator, LEGACY_NUMERICS } from '../integrator';
import type { FourierLoss } from '../loss';
import { MP_DEFAULT_BITS, mpArith, mpSamplePair } from '../mp';
import { mpConstants } from '../mpSchedule';
import { type ExponentialSchedule, toExponential } from '../schedule';
import {
  buildOutput,
  copyEvents,
  emptyRecord,
  type RunOutput,
  sampleSteps,
  type TrajectoryRecord,
} from './output';
import { slimOutput } from './slimOutput';

export interface CpuRunOptions {
  /** Called after each trajectory with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** mp's precision in bits (default MP_DEFAULT_BITS); ignored by the other precisions. */
  bits?: number;
  /** Leave out the per-sample trajectory data (slimOutput): what the Precision tab's study reads. */
  slim?: boolean;
  /** Index of the first of the given points in the whole config (keys stochastic rounding; default 0). */
  firstIndex?: number;
}

/** A sample pair as float64 mantissas and a power-of-two exponent (formats wider in range than float64). */
type SamplePair<T> = (x: T, y: T) => [number, number, number];

/** What an mp run adds to the output contract: its precision and the numerics it was forced to. */
export interface MpRunInfo {
  bits: number;
  digits: number;
  note: string;
}

/** Trajectories [start, end) of a config's initial points. */
export interface TrajectoryRange {
  start: number;
  end: number;
}

export function simulateCpu<T>(
  integrator: Integrator<T>,
  points: Float64Array,
  steps: number,
  sampleEvery: number,
  options: CpuRunOptions = {},
  samplePair?: SamplePair<T>,
): TrajectoryRecord[] {
  const A: Arith<T> = integrator.A;
  // Formats within float64's range give their values as they are; mp gives a mantissa pair and an exponent.
  const sample: SamplePair<T> = samplePair ?? ((x, y) => [A.toNumber(x), A.toNumber(y), 0]);
  const at = sampleSteps(steps, sampleEvery);
  const n = points.length / 2;
  const records: TrajectoryRecord[] = [];
  for (let i = 0; i < n; i++) {
    // The trajectory's index in the whole config keys its stochastic rounding (the GPU uses the same).
    const s = integrator.init(points[2 * i], points[2 * i + 1], (options.firstIndex ?? 0) + i);
    const rec = emptyRecord(points, i, at.length);
    let next = 0;
    for (let t = 0; ; t++) {
      if (t === at[next]) {
        const frozen = s.overflowStep !== null;
        const [wx, wy, kw] = sample(s.wd.x, s.wd.y);
        const [ex, ey, ke] = frozen ? [Number.NaN, Number.NaN, 0] : sample(s.ex.x, s.ex.y);
        rec.wd[2 * next] = wx;
        rec.wd[2 * next + 1] = wy;
        rec.ex[2 * next] = ex;
        rec.ex[2 * next + 1] = ey;
        if (rec.exScaleLog2) rec.exScaleLog2[next] = s.scaleExp + ke;
        if (rec.wdScaleLog2) rec.wdScaleLog2[next] = s.wdScaleExp + kw;
        if (rec.wdAbsorbedAt) rec.wdAbsorbedAt[next] = s.wdAbsorbedStep ?? -1;
        if (rec.expAbsorbedAt) rec.expAbsorbedAt[next] = s.expAbsorbedStep ?? -1;
        rec.gap[next] = integrator.angleGap(s);
        next++;
      }
      if (t === steps) break;
      integrator.step(s);
    }
    copyEvents(rec, s);
    records.push(rec);
    options.onProgress?.(i + 1, n);
  }
  return records;
}

export const MP_NUMERICS_NOTE =
  'mp: numerics.renormalize forced false and lrMode recurrence (unlimited exponent range; decimal 2^k scaling is not exact)';

/** What every part of one CPU run shares: the config as run (mp's forced numerics), loss and schedule. */
interface CpuRunSetup {
  config: ExperimentConfig;
  loss: FourierLoss;
  schedule: ExponentialSchedule;
  mp?: MpRunInfo;
  /** Integrates the given interleaved points (built on demand: only the workers need an integrator). */
  simulate: (
    points: Float64Array,
    onProgress?: (done: number, total: number) => void,
    firstIndex?: number,
  ) => TrajectoryRecord[];
}

function cpuRunSetup(config: ExperimentConfig, bits?: number): CpuRunSetup {
  if (config.precision === 'df64') throw new RangeError('df64 runs on the gpu backend only');
  const { loss } = resolveLoss(config.loss);
  const schedule = toExponential(config.optimizer);
  if (config.precision === 'mp') {
    const A = mpArith(bits ?? MP_DEFAULT_BITS);
    const forced = { ...config, numerics: { ...LEGACY_NUMERICS } };
    return {
      config: forced,
      loss,
      schedule,
      mp: { bits: A.mantissaBits, digits: A.digits, note: MP_NUMERICS_NOTE },
      simulate: (points, onProgress) => {
        const constants = mpConstants(config.optimizer, A);
        const integrator = new Integrator(
          A,
          loss,
          schedule,
          config.driftTolerance,
          forced.numerics,
          constants,
        );
        const pair = (x: typeof A.zero, y: typeof A.zero) => mpSamplePair(A, x, y);
        return simulateCpu(integrator, points, config.steps, config.sampleEvery, { onProgress }, pair);
      },
    };
  }
  return {
    config,
    loss,
    schedule,
    simulate: (points, onProgress, firstIndex) => {
      const A = arithFor(config.precision as CpuPrecision, undefined, config.numerics.master);
      const integrator = new Integrator(A, loss, schedule, config.driftTolerance, config.numerics);
      return simulateCpu(integrator, points, config.steps, config.sampleEvery, { onProgress, firstIndex });
    },
  };
}

/** The records of trajectories [range.start, range.end) of `config`: the same as those of a whole run. */
export function cpuRecords(
  config: ExperimentConfig,
  range: TrajectoryRange | null,
  options: CpuRunOptions = {},
): TrajectoryRecord[] {
  const points = initialPoints(config.init);
  const part = range === null ? points : points.subarray(2 * range.start, 2 * range.end);
  return cpuRunSetup(config, options.bits).simulate(part, options.onProgress, range?.start ?? 0);
}

/** The output contract from the records of every trajectory of `config`, in trajectory order. */
export function cpuOutput(
  config: ExperimentConfig,
  records: TrajectoryRecord[],
  options: CpuRunOptions = {},
): RunOutput {
  const setup = cpuRunSetup(config, options.bits);
  const build = options.slim ? slimOutput : buildOutput;
  const out = build(setup.config, setup.loss, setup.schedule, records, { adapter: null });
  const withMp: RunOutput & { mp?: MpRunInfo } = setup.mp ? { ...out, mp: setup.mp } : out;
  return withMp;
}

/** The mp run: mp constants at full precision, forced numerics, samples kept as mantissa and exponent. */
export function runMp(config: ExperimentConfig, options: CpuRunOptions = {}): RunOutput & { mp: MpRunInfo } {
  if (config.precision !== 'mp') config = { ...config, precision: 'mp' };
  return runCpu(config, options) as RunOutput & { mp: MpRunInfo };
}

/** One CPU run on this thread (src/cli/cpuPool.ts runs the same on worker threads). */
export function runCpu(config: ExperimentConfig, options: CpuRunOptions = {}): RunOutput {
  return cpuOutput(config, cpuRecords(config, null, options), options);
}
