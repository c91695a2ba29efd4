/**
 * The console summary that closes `scaleinv-lab study`: plain text, fixed-width columns. The cause columns
 * are shares of the divergences that have a cause (src/core/cause.ts); the departure columns (with mp)
 * are censored medians of the first step each run left mp's by more than the tolerance.
 */
import { HORIZON_FACTOR } from './departure';
import type { PrecisionAggregate, StudyResult } from './types';

function fmt(v: number | null, digits = 0): string {
  return v === null ? '—' : v.toFixed(digits);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

/** Shares of the divergences by cause; dashes when none has a cause. */
function causeCells(r: PrecisionAggregate): string[] {
  const total = r.causes.chaos + r.causes.absorbed + r.causes.range + r.causes.precision;
  const order = ['chaos', 'absorbed', 'range', 'precision'] as const;
  return order.map((c) => (total === 0 ? '—' : pct(r.causeShares[c])));
}

export function studySummaryTable(study: StudyResult): string {
  const a = study.aggregate;
  const withDeparture = a.rows.some((r) => r.departure !== undefined);
  const head = ['precision', 'bits', 'n', 'median div', 'never div', 'overflow', 'median cross'];
  head.push('chaos', 'absorbed', 'range', 'prec.');
  if (withDeparture) head.push('wd depart', 'exp depart', 'untrusted');
  const beyond = (v: number | null) => (v === null ? `>${study.steps}` : String(v));
  const rows = a.rows.map((r) => {
    const cells = [
      r.precision,
      r.bits.toFixed(r.bits % 1 === 0 ? 0 : 1),
      String(r.n),
      beyond(r.medianDivergence),
      pct(r.neverDivergedFraction),
      pct(r.overflowFraction),
      fmt(r.medianCrossing),
      ...causeCells(r),
    ];
    if (withDeparture) {
      const d = r.departure;
      cells.push(
        d ? beyond(d.medianWd) : '—',
        d ? beyond(d.medianExp) : '—',
        d ? `${d.untrusted}/${2 * d.n}` : '—',
      );
    }
    return cells;
  });
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
  const ref = a.reference;
  if (ref) {
    lines.push(
      `reference: mp ${ref.bits} bits (no renormalisation, recurrence); horizon where mp ${ref.bits} and ` +
        `${ref.horizonBits} bits differ by > ${study.driftTolerance * HORIZON_FACTOR}: median ` +
        `${beyond(ref.medianHorizon)} over ${ref.n} trajectories; departures after it count as untrusted`,
    );
  }
  for (const s of study.skipped) lines.push(`skipped ${s.precision}: ${s.reason}`);
  for (const note of study.notes ?? []) lines.push(`note: ${note}`);
  return lines.join('\n');
}
