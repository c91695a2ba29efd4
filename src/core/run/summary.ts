/**
 * The run's drift summary at each sample step: what `lab.stats()` reports in the playground at that step
 * (there computed by the GPU reduction, here on the CPU from the records): trajectories, how many have
 * diverged or overflowed by then, and the nearest-rank median, 95th percentile and max angle gap over the
 * trajectories whose runs are both still finite.
 */
import { summarizeGaps } from '../drift';
import type { TrajectoryRecord } from './output';

export interface SampleSummary {
  step: number;
  trajectories: number;
  diverged: number;
  overflowed: number;
  /** Radians; null when no trajectory has a finite gap. */
  angleGap: { median: number | null; p95: number | null; max: number | null };
}

const orNull = (x: number) => (Number.isFinite(x) ? x : null);

/** One summary per sample step (`steps[j]` is the step of sample j in every record). */
export function summarizeSamples(records: TrajectoryRecord[], steps: number[]): SampleSummary[] {
  const n = records.length;
  const gaps = new Float64Array(n);
  const div = new Int32Array(n);
  const ovf = new Int32Array(n);
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
      angleGap: {
        median: orNull(s.angleGap.median),
        p95: orNull(s.angleGap.p95),
        max: orNull(s.angleGap.max),
      },
    };
  });
}
