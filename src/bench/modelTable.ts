/**
 * The model section's rows and result table (issue 16): the row shape every implementation fills in, the
 * table with each row's ratio to the TS f64 row, and which checks decide the bench's exit status.
 */
import type { Agreement } from './modelPeers';
import { formatRate, formatTable } from './options';

export interface ModelRow {
  implementation: string;
  /** Seed-steps per second; null when the row was skipped. */
  rate: number | null;
  seeds: number;
  steps: number;
  seconds: number | null;
  /** Its weights at the check step against a reference (null: not compared). */
  check: Agreement | null;
  /** What the row was compared with ('TS f64', 'TS f32 mirror'). */
  checkedAgainst: string | null;
  /**
   * Whether the row must pass its check for the bench to pass (float64 peers, GPU rows; a binding row that
   * failed to run or could not be compared fails it too); float32 peers and the TS rows are informational.
   */
  binding: boolean;
  notes: string;
}

/** A row that did not run (no interpreter, no adapter, no kernel): shown, never binding. */
export function skippedRow(implementation: string, why: string): ModelRow {
  return {
    implementation,
    rate: null,
    seeds: 0,
    steps: 0,
    seconds: null,
    check: null,
    checkedAgainst: null,
    binding: false,
    notes: `skipped: ${why}`,
  };
}

function ratio(r: number | null, base: number | null): string {
  if (r === null || base === null || !(base > 0)) return '—';
  const x = r / base;
  return x >= 10 ? `${x.toFixed(0)}x` : x >= 0.1 ? `${x.toFixed(2)}x` : `${x.toExponential(1)}x`;
}

export const TS_F64 = 'TS f64 (ModelIntegrator, F64)';

/** The result table: rates, flop/s, the ratio to the TS f64 row of the same run, and each row's check. */
export function modelTable(rows: ModelRow[], flopsPerSeedStep: number): string {
  const base = rows.find((r) => r.implementation === TS_F64)?.rate ?? null;
  return formatTable(
    ['implementation', 'seed-steps/s', 'flop/s', 'vs TS f64', 'seeds x steps', 'agrees', 'notes'],
    rows.map((r) => [
      r.implementation,
      formatRate(r.rate),
      r.rate === null ? '—' : formatRate(r.rate * flopsPerSeedStep),
      ratio(r.rate, base),
      r.rate === null ? '—' : `${r.seeds} x ${r.steps}`,
      r.check === null ? '—' : `${r.check.ok ? 'yes' : 'NO'} (${r.checkedAgainst})`,
      r.notes,
    ]),
  );
}

/** Every binding check passed (float64 peers and GPU rows; float32 peers and TS rows are informational). */
export function bindingChecksPass(rows: ModelRow[]): boolean {
  return rows.every((r) => !r.binding || (r.check?.ok ?? false));
}
