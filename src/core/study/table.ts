/** The console summary that closes `scaleinv-lab study`: plain text, fixed-width columns. */
import type { StudyResult } from './types';

function fmt(v: number | null, digits = 0): string {
  return v === null ? '—' : v.toFixed(digits);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

export function studySummaryTable(study: StudyResult): string {
  const a = study.aggregate;
  const head = ['precision', 'bits', 'n', 'median div', 'never div', 'overflow', 'median cross'];
  const rows = a.rows.map((r) => [
    r.precision,
    r.bits.toFixed(r.bits % 1 === 0 ? 0 : 1),
    String(r.n),
    r.medianDivergence === null ? `>${study.steps}` : String(r.medianDivergence),
    pct(r.neverDivergedFraction),
    pct(r.overflowFraction),
    fmt(r.medianCrossing),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const lines = [
    pad(head, widths),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map((r) => pad(r, widths)),
  ];
  const fit = a.fit;
  lines.push('');
  lines.push(
    fit
      ? `fit: median divergence step ≈ ${fit.slope.toFixed(3)}·bits + ${fit.intercept.toFixed(1)}` +
          `  (${fit.points} precisions, r² ${fit.r2.toFixed(3)})  →  ${fit.slope.toFixed(3)} steps per bit`
      : 'fit: fewer than two precisions with a median divergence step; no slope',
  );
  lines.push(
    a.lyapunovMedian === null
      ? `lyapunov: no twin run gave a clean window (0 of ${a.common})`
      : `lyapunov: median μ ${a.lyapunovMedian.toPrecision(3)} per step (${a.lyapunovCount} of ${a.common} ` +
          `trajectories)  →  predicted ln2/μ = ${fmt(a.predictedStepsPerBit, 3)} steps per bit`,
  );
  for (const s of study.skipped) lines.push(`skipped ${s.precision}: ${s.reason}`);
  return lines.join('\n');
}
