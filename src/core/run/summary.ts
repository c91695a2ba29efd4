/**
 * The run's drift summary at each sample step: what `lab.stats()` reports in the playground at that step
 * (there computed by the GPU reduction, here on the CPU from the records): trajectories, how many have
 * diverged or overflowed by then, how many weight-decay and exponential runs are absorbed at an exact
 * floating-point stationary point by then, and the nearest-rank median, 95th percentile and max angle gap
 * over the trajectories whose runs are both still finite.
 */
import { summarizeGaps } from '../drift';
import type { TrajectoryRecord } from './output';

/**
 * Trajectories whose weight-decay run (wd) and whose exponential run (exp) are absorbed, counted apart (a
 * trajectory with both runs absorbed counts in both).
 */
export interface AbsorbedCounts {
  wd: number;
  exp: number;
}

export interface SampleSummary {
  step: number;
  trajectories: number;
  diverged: number;
  overflowed: number;
  /**
   * Runs whose final absorbed streak (TrajectoryRecord.wdAbsorbedStep / expAbsorbedStep) began by this
   * step. The GPU counts the streak current at the step; the two agree whenever a streak, once begun,
   * lasts to the end of the run (an exponential run at a stationary point never moves again).
   */
  absorbed: AbsorbedCounts;
  /** Radians; null when no trajectory has a finite gap. */
  angleGap: { median: number | null; p95: number | null; max: number | null };
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);
const byStep = (event: number | null | undefined, step: number) =>
  event !== null && event !== undefined && event <= step;

/** Runs absorbed by `step`: absorbed steps are null/undefined (records) or negative (GPU snapshots) for none. */
export function countAbsorbed(
  wdAbsorbedStep: ArrayLike<number | null | undefined>,
  expAbsorbedStep: ArrayLike<number | null | undefined>,
  step = Number.POSITIVE_INFINITY,
): AbsorbedCounts {
  const at = (e: number | null | undefined) => byStep(e, step) && (e as number) >= 0;
  let wd = 0;
  let exp = 0;
  for (let i = 0; i < wdAbsorbedStep.length; i++) {
    if (at(wdAbsorbedStep[i])) wd++;
    if (at(expAbsorbedStep[i])) exp++;
  }
  return { wd, exp };
}

/** One summary per sample step (`steps[j]` is the step of sample j in every record). */
export function summarizeSamples(records: TrajectoryRecord[], steps: number[]): SampleSummary[] {
  const n = records.length;
  const gaps = new Float64Array(n);
  const div = new Int32Array(n);
  const ovf = new Int32Array(n);
  const wdAbs = records.map((r) => r.wdAbsorbedStep);
  const expAbs = records.map((r) => r.expAbsorbedStep);
  return steps.map((step, j) => {
    for (let i = 0; i < n; i++) {
      const r = records[i];
      // A divergence or overflow recorded later than this sample had not happened yet at it.
      div[i] = r.divergenceStep !== null && r.divergenceStep <= step ? r.divergenceStep : -1;
      ovf[i] = r.overflowStep !== null && r.overflowStep <= step ? r.overflowStep : -1;
      gaps[i] = r.gap[j];
    }
    const s = summarizeGaps(gaps, div, ovf);
    return {
      step,
      trajectories: n,
      diverged: s.diverged,
      overflowed: s.overflowed,
      absorbed: absorbedAtSample(records, j) ?? countAbsorbed(wdAbs, expAbs, step),
      angleGap: {
        median: orNull(s.angleGap.median),
        p95: orNull(s.angleGap.p95),
        max: orNull(s.angleGap.max),
      },
    };
  });
}

/**
 * Runs in an absorbed streak at sample j, from the per-sample streak starts the runners record (what the
 * GPU reduction counts at that step); null when the records do not carry them.
 */
function absorbedAtSample(records: TrajectoryRecord[], j: number): AbsorbedCounts | null {
  let wd = 0;
  let exp = 0;
  for (const r of records) {
    if (!r.wdAbsorbedAt || !r.expAbsorbedAt) return null;
    if (r.wdAbsorbedAt[j] >= 0) wd++;
    if (r.expAbsorbedAt[j] >= 0) exp++;
  }
  return { wd, exp };
}
