/** Aggregates of a precision study: medians against bits, the per-bit fit, the Lyapunov prediction. */
import type { Precision } from '../config/types';
import { censoredMedian, finiteMedian, fitLine } from './stats';
import type { PrecisionAggregate, PrecisionRun, StudyAggregate, StudyTrajectory } from './types';

function fraction(k: number, n: number): number {
  return n === 0 ? 0 : k / n;
}

/** Over the trajectories every run covered (the first min(trajectories) of them). */
export function aggregateStudy(runs: readonly PrecisionRun[], trajectories: readonly StudyTrajectory[]) {
  const common = Math.min(trajectories.length, ...runs.map((r) => r.trajectories));
  const set = trajectories.slice(0, common);
  const rows: PrecisionAggregate[] = [...runs]
    .sort((a, b) => a.bits - b.bits)
    .map((r) => aggregatePrecision(r.precision, r.bits, set));
  const withMedian = rows.filter((r) => r.medianDivergence !== null);
  const fit = fitLine(
    withMedian.map((r) => r.bits),
    withMedian.map((r) => r.medianDivergence as number),
  );
  const mus = set.map((t) => t.lyapunov);
  const lyapunovMedian = finiteMedian(mus);
  const out: StudyAggregate = {
    common,
    rows,
    fit,
    lyapunovMedian,
    lyapunovCount: mus.filter((m) => m !== null).length,
    predictedStepsPerBit: lyapunovMedian !== null && lyapunovMedian > 0 ? Math.LN2 / lyapunovMedian : null,
  };
  return out;
}

export function aggregatePrecision(
  precision: Precision,
  bits: number,
  set: readonly StudyTrajectory[],
): PrecisionAggregate {
  const div = set.map((t) => t.divergenceStep[precision] ?? null);
  const diverged = div.filter((d) => d !== null).length;
  const overflowed = set.filter(
    (t) => (t.divergenceStep[precision] ?? null) === null && (t.overflowStep[precision] ?? null) !== null,
  ).length;
  const crossings = set.map((t) => t.crossingStep[precision]).filter((c) => c !== undefined);
  return {
    precision,
    bits,
    n: set.length,
    medianDivergence: censoredMedian(div),
    divergedFraction: fraction(diverged, set.length),
    neverDivergedFraction: fraction(set.length - diverged, set.length),
    overflowFraction: fraction(overflowed, set.length),
    medianCrossing: crossings.length === 0 ? null : censoredMedian(crossings as (number | null)[]),
  };
}
