/**
 * study.csv: one row per trajectory. Step cells: empty = did not happen within the horizon,
 * `NA` = the precision did not run this trajectory (skipped, or outside --subset).
 */
import type { Precision } from '../config/types';
import type { StudyResult } from './types';

type StepMap = Partial<Record<Precision, number | null>>;

function stepCell(map: StepMap, p: Precision, ran: boolean): string {
  if (!ran) return 'NA';
  const v = map[p];
  return v === undefined || v === null ? '' : String(v);
}

export function studyCsvHeader(precisions: readonly Precision[]): string[] {
  const cols = ['trajectory', 'init_x', 'init_y'];
  for (const p of precisions) cols.push(`divergence_${p}`, `overflow_${p}`, `crossing_${p}`);
  cols.push('lyapunov', 'lyapunov_window_start', 'lyapunov_window_end');
  return cols;
}

export function studyToCsv(study: StudyResult): string {
  const precisions = study.runs.map((r) => r.precision);
  const lines = [studyCsvHeader(precisions).join(',')];
  for (const t of study.trajectories) {
    const cells: (string | number)[] = [t.index, t.init[0], t.init[1]];
    for (const r of study.runs) {
      const ran = t.index < r.trajectories;
      const hasCrossing = ran && t.crossingStep[r.precision] !== undefined;
      cells.push(
        stepCell(t.divergenceStep, r.precision, ran),
        stepCell(t.overflowStep, r.precision, ran),
        // No crossing reported by this build of the integrator: NA, not "never crossed".
        hasCrossing ? stepCell(t.crossingStep, r.precision, true) : 'NA',
      );
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
