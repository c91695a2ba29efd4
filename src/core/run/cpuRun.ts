/**
 * Runs an experiment on the CPU reference integrators (f64, f32 mirror, double-double, or the mp
 * arbitrary-precision reference). mp always runs without renormalisation and with the recurrence for η̃:
 * its exponent range makes renormalisation unnecessary, and a decimal power-of-two scaling is not exact.
 */
import { type Arith, arithFor, type CpuPrecision } from '../arith';
import { resolveLoss } from '../config/resolve';
import type { ExperimentConfig } from '../config/types';
import { initialPoints } from '../init';
import { Integrator, LEGACY_NUMERICS } from '../integrator';
import { MP_DEFAULT_BITS, mpArith, mpSamplePair } from '../mp';
import { mpConstants } from '../mpSchedule';
import { toExponential } from '../schedule';
import { buildOutput, emptyRecord, type RunOutput, sampleSteps, type TrajectoryRecord } from './output';

export interface CpuRunOptions {
  /** Called after each trajectory with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** mp's precision in bits (default MP_DEFAULT_BITS); ignored by the other precisions. */
  bits?: number;
}

/** A sample pair as float64 mantissas and a power-of-two exponent (formats wider in range than float64). */
type SamplePair<T> = (x: T, y: T) => [number, number, number];

/** What an mp run adds to the output contract: its precision and the numerics it was forced to. */
export interface MpRunInfo {
  bits: number;
  digits: number;
  note: string;
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
    const s = integrator.init(points[2 * i], points[2 * i + 1]);
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
    rec.divergenceStep = s.divergenceStep;
    rec.overflowStep = s.overflowStep;
    rec.crossingStep = s.crossingStep;
    rec.wdAbsorbedStep = s.wdAbsorbedStep;
    rec.expAbsorbedStep = s.expAbsorbedStep;
    rec.underflowStep = s.underflowStep;
    records.push(rec);
    options.onProgress?.(i + 1, n);
  }
  return records;
}

export const MP_NUMERICS_NOTE =
  'mp: numerics.renormalize forced false and lrMode recurrence (unlimited exponent range; decimal 2^k scaling is not exact)';

/** The mp run: mp constants at full precision, forced numerics, samples kept as mantissa and exponent. */
export function runMp(config: ExperimentConfig, options: CpuRunOptions = {}): RunOutput & { mp: MpRunInfo } {
  const { loss } = resolveLoss(config.loss);
  const schedule = toExponential(config.optimizer);
  const A = mpArith(options.bits ?? MP_DEFAULT_BITS);
  const forced = { ...config, numerics: { ...LEGACY_NUMERICS } };
  const integrator = new Integrator(
    A,
    loss,
    schedule,
    config.driftTolerance,
    forced.numerics,
    mpConstants(config.optimizer, A),
  );
  const records = simulateCpu(
    integrator,
    initialPoints(config.init),
    config.steps,
    config.sampleEvery,
    options,
    (x, y) => mpSamplePair(A, x, y),
  );
  const out = buildOutput(forced, loss, schedule, records, { adapter: null });
  return { ...out, mp: { bits: A.mantissaBits, digits: A.digits, note: MP_NUMERICS_NOTE } };
}

export function runCpu(config: ExperimentConfig, options: CpuRunOptions = {}): RunOutput {
  if (config.precision === 'df64') throw new RangeError('df64 runs on the gpu backend only');
  if (config.precision === 'mp') return runMp(config, options);
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
