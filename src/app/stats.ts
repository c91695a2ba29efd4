/**
 * Summary statistics of a run, computed on the CPU from one engine snapshot (a GPU reduction replaces
 * this later). Quantiles are nearest-rank over the trajectories whose angle gap is finite: the q-quantile
 * of n sorted values is the one at index ceil(q·n) − 1.
 */
import type { EngineSnapshot } from '../gpu/engine';

export interface GapSummary {
  median: number;
  p95: number;
  max: number;
}

export interface RunStats {
  step: number;
  precision: string;
  trajectories: number;
  /** Trajectories whose runs have drifted apart by more than the tolerance. */
  diverged: number;
  /** Trajectories whose exponential run overflowed its precision's range. */
  overflowed: number;
  /** Angle gap in radians over trajectories with a finite gap; NaN when there are none. */
  angleGap: GapSummary;
  /** How many trajectories the gap summary covers. */
  finiteGaps: number;
}

/** Nearest-rank q-quantile of ascending `sorted` (NaN when empty). */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return sorted[index];
}

export function summarize(snap: EngineSnapshot, precision: string): RunStats {
  const n = snap.gap.length;
  let diverged = 0;
  let overflowed = 0;
  const finite: number[] = [];
  for (let i = 0; i < n; i++) {
    if (snap.divergenceStep[i] >= 0) diverged++;
    if (snap.overflowStep[i] >= 0) overflowed++;
    const g = snap.gap[i];
    if (Number.isFinite(g)) finite.push(g);
  }
  const sorted = Float64Array.from(finite).sort();
  return {
    step: snap.step,
    precision,
    trajectories: n,
    diverged,
    overflowed,
    angleGap: {
      median: nearestRank(sorted, 0.5),
      p95: nearestRank(sorted, 0.95),
      max: sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN,
    },
    finiteGaps: sorted.length,
  };
}
