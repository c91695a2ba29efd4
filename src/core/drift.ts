/** Drift metrics between the two equivalent runs (docs/math.md §4) and their summaries over trajectories. */

/** δ = |atan2(cross, dot)| between two directions; never a difference of two atan2 values. */
export function angleGap(wx: number, wy: number, px: number, py: number): number {
  return Math.abs(Math.atan2(wx * py - wy * px, wx * px + wy * py));
}

/** | |p| / |w| − 1 |, the norm consistency of the projected exponential run. */
export function normConsistency(wx: number, wy: number, px: number, py: number): number {
  return Math.abs(Math.hypot(px, py) / Math.hypot(wx, wy) - 1);
}

/** Nearest-rank quantile index: the element of rank ceil(q·n) − 1 (0-based) in sorted order. */
export function nearestRankIndex(q: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
}

export interface GapSummary {
  trajectories: number;
  diverged: number;
  overflowed: number;
  /** Over trajectories with a finite gap (overflowed ones are counted, not ranked); NaN when none. */
  angleGap: { median: number; p95: number; max: number };
}

/**
 * The summary the GPU reduction computes, on the CPU: nearest-rank median and 95th percentile and the max
 * of the finite gaps. Values are compared as float32, as the GPU stores them.
 */
export function summarizeGaps(
  gaps: ArrayLike<number>,
  divergenceStep: ArrayLike<number>,
  overflowStep: ArrayLike<number>,
): GapSummary {
  const finite: number[] = [];
  let diverged = 0;
  let overflowed = 0;
  for (let i = 0; i < gaps.length; i++) {
    if (divergenceStep[i] >= 0) diverged++;
    if (overflowStep[i] >= 0) overflowed++;
    else if (Number.isFinite(gaps[i]) && gaps[i] >= 0) finite.push(gaps[i]);
  }
  finite.sort((a, b) => a - b);
  const n = finite.length;
  const at = (q: number) => (n === 0 ? Number.NaN : finite[nearestRankIndex(q, n)]);
  return {
    trajectories: gaps.length,
    diverged,
    overflowed,
    angleGap: { median: at(0.5), p95: at(0.95), max: n === 0 ? Number.NaN : finite[n - 1] },
  };
}
