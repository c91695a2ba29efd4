/**
 * `lab.stats()`: the run's drift summary at the current step, from the GPU reduction (src/gpu/reduce.ts;
 * only 40 bytes are read back). Same definitions as the CLI's `summary` (src/core/run/summary.ts):
 * nearest-rank median and 95th percentile and the max of the angle gap over trajectories whose runs are
 * both finite, counts of diverged and overflowed trajectories, and of absorbed runs (wd and exp apart).
 */
import type { GapSummary } from '../core/drift';
import type { AbsorbedCounts } from '../core/run/summary';

export interface RunStats {
  step: number;
  precision: string;
  trajectories: number;
  /** Trajectories whose runs have drifted apart by more than the tolerance. */
  diverged: number;
  /** Trajectories whose exponential run overflowed its precision's range. */
  overflowed: number;
  /**
   * Trajectories whose weight-decay run (wd) / exponential run (exp) sits at an exact floating-point
   * stationary point at this step (computed gradient exactly 0); one with both counts in both.
   */
  absorbed: AbsorbedCounts;
  /** Angle gap in radians; NaN when no trajectory has a finite gap. */
  angleGap: { median: number; p95: number; max: number };
}

export function runStats(
  step: number,
  precision: string,
  s: GapSummary & { absorbed: AbsorbedCounts },
): RunStats {
  return {
    step,
    precision,
    trajectories: s.trajectories,
    diverged: s.diverged,
    overflowed: s.overflowed,
    absorbed: { ...s.absorbed },
    angleGap: { ...s.angleGap },
  };
}
