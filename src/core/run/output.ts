/**
 * The output contract of `scaleinv-lab run` (README "Output"), built the same way from every backend:
 * raw per-sample states go in, projections and log-norms are derived here once.
 */

import { type CauseEvents, type DivergenceCause, divergenceCause } from '../cause';
import type { ExperimentConfig, NumericsConfig, Precision } from '../config/types';
import { ddToNumber } from '../dd';
import { LEGACY_NUMERICS } from '../integrator';
import { noEvents, type TrajectoryEvents } from '../integratorState';
import type { FourierLoss } from '../loss';
import { type ExponentialSchedule, log2ProjectionFactor, scheduleKind } from '../schedule';
import { type SampleSummary, summarizeSamples } from './summary';

/**
 * Raw samples of one trajectory: interleaved (x, y) pairs, NaN where a run has overflowed. `ex` holds the
 * exponential run as stored (renormalised); its true value is 2^exScaleLog2[j]·ex (docs/numerics.md).
 */
/**
 * The events (CauseEvents, src/core/cause.ts): divergence, overflow, and optionally the crossing step, the
 * first step of each run's final absorbed streak and the first underflow to zero; absent or null: none.
 */
export interface TrajectoryRecord extends CauseEvents {
  init: [number, number];
  wd: Float64Array;
  ex: Float64Array;
  gap: Float64Array;
  /** Per sample: the renormalisation exponent K of `ex` (absent: all 0). */
  exScaleLog2?: Float64Array;
  /** Per sample: the weight-decay run's renormalisation exponent: the true w_t is 2^Kw·wd (absent: 0). */
  wdScaleLog2?: Float64Array;
  /** Per sample: start of the absorbed streak in progress at that step, −1 for none (what lab.stats counts). */
  wdAbsorbedAt?: Float64Array;
  expAbsorbedAt?: Float64Array;
}

/** A record for trajectory i of interleaved `points`, with room for `samples` samples. */
export function emptyRecord(points: Float64Array, i: number, samples: number): TrajectoryRecord {
  return {
    init: [points[2 * i], points[2 * i + 1]],
    ...noEvents(),
    wd: new Float64Array(2 * samples),
    ex: new Float64Array(2 * samples),
    gap: new Float64Array(samples),
    exScaleLog2: new Float64Array(samples),
    wdScaleLog2: new Float64Array(samples),
    wdAbsorbedAt: new Float64Array(samples).fill(-1),
    expAbsorbedAt: new Float64Array(samples).fill(-1),
  };
}

/** One trajectory of the output contract: its start, its event steps (src/core/integratorState.ts), cause and samples. */
export interface TrajectoryOutput extends TrajectoryEvents {
  init: [number, number];
  /** Why the two runs split (or the comparison ended): see src/core/cause.ts; null: no divergence. */
  divergenceCause: DivergenceCause | null;
  samples: {
    step: number[];
    wd: ([number, number] | [null, null])[];
    /** log2 |w_t| of the weight-decay run (its components may underflow float64 after a long shrink). */
    wdNormLog2: (number | null)[];
    expProjected: ([number, number] | [null, null])[];
    /** log2 |w̃_t| of the true (unrenormalised) exponential run. */
    expNormLog2: (number | null)[];
    angleGap: (number | null)[];
  };
}

export interface RunOutput {
  precision: Precision;
  backend: 'cpu' | 'gpu';
  adapter: string | null;
  alpha: number;
  schedule: { kind: string; alphas: number[]; phaseStarts: number[] };
  loss: FourierLoss;
  steps: number;
  sampleEvery: number;
  driftTolerance: number;
  /** The numerical choices the run was made with (docs/numerics.md). */
  numerics: NumericsConfig;
  /** Present for the GPU backend: the precision probe's verdict and measured bits. */
  probe?: unknown;
  /** Per sample step: counts and angle-gap quantiles over trajectories (what the playground's stats show). */
  summary: SampleSummary[];
  trajectories: TrajectoryOutput[];
}

/** Steps at which samples are taken: 0, k, 2k, … and the last step even when k does not divide it. */
export function sampleSteps(steps: number, every: number): number[] {
  const out: number[] = [];
  for (let t = 0; t <= steps; t += every) out.push(t);
  if (out[out.length - 1] !== steps) out.push(steps);
  return out;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function pair(x: number, y: number): [number, number] | [null, null] {
  return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : [null, null];
}

export function trajectoryOutput(rec: TrajectoryRecord, steps: number[], log2c: number[]): TrajectoryOutput {
  const n = steps.length;
  const s: TrajectoryOutput['samples'] = {
    step: steps,
    wd: [],
    wdNormLog2: [],
    expProjected: [],
    expNormLog2: [],
    angleGap: [],
  };
  for (let i = 0; i < n; i++) {
    const ex = rec.ex[2 * i];
    const ey = rec.ex[2 * i + 1];
    const wk = rec.wdScaleLog2?.[i] ?? 0;
    const wx = rec.wd[2 * i];
    const wy = rec.wd[2 * i + 1];
    s.wd.push(pair(scaleBy2(wx, wk), scaleBy2(wy, wk)));
    s.wdNormLog2.push(finiteOrNull(log2Norm(wx, wy) + wk));
    // α^t·w̃_t as direction × 2^(log2|w̃| + log2 c_t): neither factor may underflow or overflow alone,
    // and |w̃| is taken after scaling by max(|x|, |y|) so hypot cannot overflow for finite components.
    const m = Math.max(Math.abs(ex), Math.abs(ey));
    const h = Math.hypot(ex / m, ey / m);
    const lg = Math.log2(m) + Math.log2(h) + (rec.exScaleLog2?.[i] ?? 0);
    const mag = 2 ** (lg + log2c[i]);
    s.expProjected.push(pair((ex / m / h) * mag, (ey / m / h) * mag));
    s.expNormLog2.push(finiteOrNull(lg));
    s.angleGap.push(finiteOrNull(rec.gap[i]));
  }
  return { ...trajectoryEvents(rec), samples: s };
}

/** The per-trajectory events of the output contract (everything but the samples), and the cause. */
export function trajectoryEvents(rec: TrajectoryRecord): Omit<TrajectoryOutput, 'samples'> {
  return { init: rec.init, ...eventSteps(rec) };
}

/** A record's event steps (absent ones as null) and the cause they give: the plane's and the models'. */
export function eventSteps(rec: CauseEvents): Omit<TrajectoryOutput, 'samples' | 'init'> {
  return {
    divergenceStep: rec.divergenceStep,
    overflowStep: rec.overflowStep,
    crossingStep: rec.crossingStep ?? null,
    wdAbsorbedStep: rec.wdAbsorbedStep ?? null,
    expAbsorbedStep: rec.expAbsorbedStep ?? null,
    underflowStep: rec.underflowStep ?? null,
    divergenceCause: divergenceCause(rec),
  };
}

/** x·2^k in float64 (k may exceed float64's exponent range; the result then over- or underflows). */
function scaleBy2(x: number, k: number): number {
  if (k === 0) return x;
  let r = x;
  let e = k;
  while (e !== 0 && r !== 0 && Number.isFinite(r)) {
    const step = Math.max(-1000, Math.min(1000, e));
    r *= 2 ** step;
    e -= step;
  }
  return r;
}

/** log2 √(x² + y²) without overflow or underflow for finite components. */
function log2Norm(x: number, y: number): number {
  const m = Math.max(Math.abs(x), Math.abs(y));
  if (m === 0) return Number.NEGATIVE_INFINITY;
  return Math.log2(m) + Math.log2(Math.hypot(x / m, y / m));
}

/** What every run output starts with (the plane's and the models'): where it ran and its schedule. */
export function runHeader(
  config: Pick<ExperimentConfig, 'precision' | 'backend' | 'optimizer'>,
  schedule: ExponentialSchedule,
  adapter: string | null,
) {
  return {
    precision: config.precision,
    backend: config.backend,
    adapter,
    alpha: ddToNumber(schedule.phases[0].alpha),
    schedule: {
      kind: scheduleKind(config.optimizer),
      alphas: schedule.phases.map((p) => ddToNumber(p.alpha)),
      phaseStarts: schedule.phases.map((p) => p.start),
    },
  };
}

/** The event steps of a finished integrator state, copied into its record (plane and models alike). */
export function copyEvents(rec: CauseEvents, s: TrajectoryEvents): void {
  rec.divergenceStep = s.divergenceStep;
  rec.overflowStep = s.overflowStep;
  rec.crossingStep = s.crossingStep;
  rec.wdAbsorbedStep = s.wdAbsorbedStep;
  rec.expAbsorbedStep = s.expAbsorbedStep;
  rec.underflowStep = s.underflowStep;
}

export function buildOutput(
  config: ExperimentConfig,
  loss: FourierLoss,
  schedule: ExponentialSchedule,
  records: TrajectoryRecord[],
  meta: { adapter: string | null; probe?: unknown },
): RunOutput {
  const steps = sampleSteps(config.steps, config.sampleEvery);
  const log2c = steps.map((t) => log2ProjectionFactor(schedule, t));
  return {
    ...runHeader(config, schedule, meta.adapter),
    loss,
    steps: config.steps,
    sampleEvery: config.sampleEvery,
    driftTolerance: config.driftTolerance,
    numerics: { ...LEGACY_NUMERICS, ...config.numerics },
    ...(meta.probe === undefined ? {} : { probe: meta.probe }),
    summary: summarizeSamples(records, steps),
    trajectories: records.map((r) => trajectoryOutput(r, steps, log2c)),
  };
}

/** How a column of the per-sample table is stored: Arrow takes int as Int32, float as Float64, text as Utf8. */
export type RunColumnKind = 'int' | 'float' | 'text';

/**
 * One column of the per-sample table (one row per trajectory per sample), shared by the CSV and the Arrow
 * writer so that both have the same names in the same order. `value` is null where the value does not
 * exist (CSV: an empty cell; Arrow: null); `perTrajectory` columns repeat on every sample row of a trajectory.
 */
export interface RunColumn {
  name: string;
  kind: RunColumnKind;
  perTrajectory: boolean;
  value: (tr: TrajectoryOutput, i: number, j: number) => number | string | null;
}

const col = (
  name: string,
  kind: RunColumnKind,
  perTrajectory: boolean,
  value: RunColumn['value'],
): RunColumn => ({ name, kind, perTrajectory, value });

export const RUN_COLUMNS: readonly RunColumn[] = [
  col('trajectory', 'int', true, (_, i) => i),
  col('init_x', 'float', true, (tr) => tr.init[0]),
  col('init_y', 'float', true, (tr) => tr.init[1]),
  col('step', 'int', false, (tr, _, j) => tr.samples.step[j]),
  col('wd_x', 'float', false, (tr, _, j) => tr.samples.wd[j][0]),
  col('wd_y', 'float', false, (tr, _, j) => tr.samples.wd[j][1]),
  col('exp_projected_x', 'float', false, (tr, _, j) => tr.samples.expProjected[j][0]),
  col('exp_projected_y', 'float', false, (tr, _, j) => tr.samples.expProjected[j][1]),
  col('exp_norm_log2', 'float', false, (tr, _, j) => tr.samples.expNormLog2[j]),
  col('angle_gap', 'float', false, (tr, _, j) => tr.samples.angleGap[j]),
  col('divergence_step', 'int', true, (tr) => tr.divergenceStep),
  col('overflow_step', 'int', true, (tr) => tr.overflowStep),
  col('crossing_step', 'int', true, (tr) => tr.crossingStep),
  col('wd_absorbed_step', 'int', true, (tr) => tr.wdAbsorbedStep),
  col('exp_absorbed_step', 'int', true, (tr) => tr.expAbsorbedStep),
  col('underflow_step', 'int', true, (tr) => tr.underflowStep),
  col('divergence_cause', 'text', true, (tr) => tr.divergenceCause),
  col('wd_norm_log2', 'float', false, (tr, _, j) => tr.samples.wdNormLog2[j]),
];

/** One row per trajectory per sample; empty cells where a value does not exist. */
export function toCsv(out: RunOutput): string {
  const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const lines = [RUN_COLUMNS.map((c) => c.name).join(',')];
  out.trajectories.forEach((tr, i) => {
    for (let j = 0; j < tr.samples.step.length; j++) {
      lines.push(RUN_COLUMNS.map((c) => cell(c.value(tr, i, j))).join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}
