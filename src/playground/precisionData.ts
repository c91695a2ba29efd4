/**
 * Pure parts of the Precision tab (no DOM, no GPU, no Worker), shared by the page, the study worker and the
 * tests: the drift sampling and the drift and divergence-vs-bits chart data. The slim run output the study
 * reads is src/core/run/slimOutput.ts (runCpu's `slim` option makes it on the CPU); the per-trajectory table
 * is src/playground/studyRows.ts.
 */
import type { Precision } from '../core/config/types';
import type { SampleSummary } from '../core/run/summary';
import type { StudyResult } from '../core/study/types';

/** Samples per run for the drift curves. */
export const DRIFT_SAMPLES = 200;

/** The sampling interval giving about DRIFT_SAMPLES samples over `steps`. */
export function driftSampleEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / DRIFT_SAMPLES));
}

/** Median angle gap against step, one series per precision, on the union of their steps (log-scale safe). */
export function driftChartData(drift: Partial<Record<Precision, readonly SampleSummary[]>>): {
  x: number[];
  series: { precision: Precision; median: (number | null)[] }[];
} {
  const entries = Object.entries(drift) as [Precision, readonly SampleSummary[]][];
  const x = [...new Set(entries.flatMap(([, s]) => s.map((v) => v.step)))].sort((a, b) => a - b);
  const series = entries.map(([precision, samples]) => {
    const at = new Map(samples.map((v) => [v.step, v.angleGap.median]));
    // A gap of 0 (both runs still equal) or none has no place on a log axis.
    const median = x.map((t) => {
      const m = at.get(t);
      return m !== undefined && m !== null && m > 0 && Number.isFinite(m) ? m : null;
    });
    return { precision, median };
  });
  return { x, series };
}

/**
 * Divergence-vs-bits chart: x = each precision's bits plus two margins, the median divergence step at its
 * bits, the least-squares line over all x, and the median instability-crossing step (of the most precise
 * run that reports one) as a constant.
 */
export function bitsChartData(study: StudyResult): {
  x: number[];
  median: (number | null)[];
  fit: (number | null)[];
  crossing: (number | null)[];
  crossingStep: number | null;
} {
  const rows = study.aggregate.rows;
  const bits = rows.map((r) => r.bits);
  const lo = Math.min(16, ...bits.map((b) => b - 4));
  const hi = Math.max(112, ...bits.map((b) => b + 4));
  const x = [...new Set([lo, ...bits, hi])].sort((a, b) => a - b);
  const fit = study.aggregate.fit;
  const withCrossing = rows.filter((r) => r.medianCrossing !== null);
  const crossingStep = withCrossing.length ? withCrossing[withCrossing.length - 1].medianCrossing : null;
  return {
    x,
    median: x.map((b) => rows.find((r) => r.bits === b)?.medianDivergence ?? null),
    fit: x.map((b) => (fit ? fit.slope * b + fit.intercept : null)),
    crossing: x.map(() => crossingStep),
    crossingStep,
  };
}
