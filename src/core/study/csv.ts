/**
 * study.csv: one row per trajectory. Step cells: empty = did not happen within the horizon,
 * `NA` = the precision did not run this trajectory (skipped, or outside --subset), or the value does not
 * apply (departures of mp itself, departures and reference horizon where mp did not run).
 * Per precision p: divergence_p, overflow_p, crossing_p, cause_p (chaos/absorbed/range/precision, empty:
 * no divergence), wd_absorbed_p, exp_absorbed_p, wd_departure_p, exp_departure_p (src/core/study/departure.ts).
 */
import type { Precision } from '../config/types';
import type { StudyResult, StudyTrajectory } from './types';

type StepMap = Partial<Record<Precision, number | string | null>> | undefined;

function stepCell(map: StepMap, p: Precision, ran: boolean): string {
  if (!ran || map === undefined) return 'NA';
  const v = map[p];
  return v === undefined || v === null ? '' : String(v);
}

export function studyCsvHeader(precisions: readonly Precision[]): string[] {
  const cols = ['trajectory', 'init_x', 'init_y'];
  for (const p of precisions) {
    cols.push(`divergence_${p}`, `overflow_${p}`, `crossing_${p}`, `cause_${p}`);
    cols.push(`wd_absorbed_${p}`, `exp_absorbed_${p}`, `wd_departure_${p}`, `exp_departure_${p}`);
  }
  if (precisions.includes('mp')) cols.push('reference_horizon');
  cols.push('lyapunov', 'lyapunov_window_start', 'lyapunov_window_end');
  return cols;
}

/** Departure cells: NA unless this precision was compared with mp on this trajectory. */
function departureCell(map: StepMap, p: Precision): string {
  return map?.[p] === undefined ? 'NA' : stepCell(map, p, true);
}

function precisionCells(t: StudyTrajectory, p: Precision, ran: boolean): string[] {
  const hasCrossing = ran && t.crossingStep[p] !== undefined;
  return [
    stepCell(t.divergenceStep, p, ran),
    stepCell(t.overflowStep, p, ran),
    // No crossing reported by this build of the integrator: NA, not "never crossed".
    hasCrossing ? stepCell(t.crossingStep, p, true) : 'NA',
    stepCell(t.cause, p, ran),
    stepCell(t.wdAbsorbedStep, p, ran),
    stepCell(t.expAbsorbedStep, p, ran),
    departureCell(t.wdDeparture, p),
    departureCell(t.expDeparture, p),
  ];
}

export function studyToCsv(study: StudyResult): string {
  const precisions = study.runs.map((r) => r.precision);
  const mp = study.runs.find((r) => r.precision === 'mp');
  const lines = [studyCsvHeader(precisions).join(',')];
  for (const t of study.trajectories) {
    const cells: (string | number)[] = [t.index, t.init[0], t.init[1]];
    for (const r of study.runs) cells.push(...precisionCells(t, r.precision, t.index < r.trajectories));
    if (mp) {
      const h = t.referenceHorizon;
      cells.push(h === undefined ? 'NA' : h === null ? '' : h);
    }
    cells.push(
      t.lyapunov === null ? '' : t.lyapunov,
      t.lyapunovWindow?.[0] ?? '',
      t.lyapunovWindow?.[1] ?? '',
    );
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
