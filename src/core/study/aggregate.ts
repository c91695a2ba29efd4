/**
 * Aggregates of a precision study: medians against bits, the per-bit fit, the Lyapunov prediction, the
 * divergences by cause and the median departures from the mp reference.
 */
import { DIVERGENCE_CAUSES, type DivergenceCause } from '../cause';
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
    .map((r) => ({
      ...aggregatePrecision(r.precision, r.bits, set),
      ...departureAggregate(r.precision, trajectories),
    }));
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
  const causes = Object.fromEntries(DIVERGENCE_CAUSES.map((c) => [c, 0])) as Record<DivergenceCause, number>;
  for (const t of set) {
    const c = t.cause?.[precision];
    if (c) causes[c]++;
  }
  const withCause = DIVERGENCE_CAUSES.reduce((sum, c) => sum + causes[c], 0);
  const causeShares = Object.fromEntries(
    DIVERGENCE_CAUSES.map((c) => [c, fraction(causes[c], withCause)]),
  ) as Record<DivergenceCause, number>;
  return {
    precision,
    bits,
    n: set.length,
    medianDivergence: censoredMedian(div),
    divergedFraction: fraction(diverged, set.length),
    neverDivergedFraction: fraction(set.length - diverged, set.length),
    overflowFraction: fraction(overflowed, set.length),
    medianCrossing: crossings.length === 0 ? null : censoredMedian(crossings as (number | null)[]),
    causes,
    causeShares,
  };
}

/**
 * Departures from mp over every trajectory both ran (mp's subset, not only the common set); a departure
 * after that trajectory's reference horizon counts as untrusted. Nothing for mp itself or without mp.
 */
export function departureAggregate(
  precision: Precision,
  trajectories: readonly StudyTrajectory[],
): Pick<PrecisionAggregate, 'departure'> {
  const set = trajectories.filter((t) => t.wdDeparture?.[precision] !== undefined);
  if (set.length === 0) return {};
  const wd = set.map((t) => t.wdDeparture?.[precision] ?? null);
  const exp = set.map((t) => t.expDeparture?.[precision] ?? null);
  const late = (d: number | null, h: number | null | undefined) =>
    d !== null && h !== null && h !== undefined && d > h ? 1 : 0;
  let untrusted = 0;
  set.forEach((t, i) => {
    untrusted += late(wd[i], t.referenceHorizon) + late(exp[i], t.referenceHorizon);
  });
  return {
    departure: { n: set.length, medianWd: censoredMedian(wd), medianExp: censoredMedian(exp), untrusted },
  };
}
