/**
 * The Precision tab's per-trajectory table (pure: no DOM): one row per start with, per precision, the
 * divergence step, its cause, the absorbed steps of both runs and their departures from the mp reference;
 * sort order, pages and cell text. Moved out of precisionData.ts (which re-exports it) to keep one concern.
 *
 * The cause, absorbed and departure fields of StudyTrajectory are optional (older study.json files, and
 * departures only exist when mp ran): a missing one reads NA, and `studyHas` tells the tab to say why.
 */

import type { DivergenceCause } from '../core/cause';
import { CAUSE_PRECEDENCE } from '../core/cause';
import type { Precision } from '../core/config/types';
import type { StudyResult } from '../core/study/types';

type PerPrecision<T> = Partial<Record<Precision, T>>;

/** StudyTrajectory's optional per-precision fields (absent in study.json files from before issue 12). */
type OptionalField = 'cause' | 'wdAbsorbedStep' | 'expAbsorbedStep' | 'wdDeparture' | 'expDeparture';

/** Whether any trajectory of the study carries `field` (departures need mp among the precisions). */
export function studyHas(study: StudyResult, field: OptionalField): boolean {
  return study.trajectories.some((t) => t[field] !== undefined);
}

/** One table row. Step values: a number, null (never within the horizon) or undefined (did not run: NA). */
export interface StudyRow {
  index: number;
  init: [number, number];
  divergence: PerPrecision<number | null>;
  /** Per precision: why the runs split (null: none); undefined: not run, or not in the study. */
  cause: PerPrecision<DivergenceCause | null>;
  wdAbsorbed: PerPrecision<number | null>;
  expAbsorbed: PerPrecision<number | null>;
  wdDeparture: PerPrecision<number | null>;
  expDeparture: PerPrecision<number | null>;
  /** Last step to which mp itself can be trusted here (mp at N and 2N bits agree); undefined: unknown. */
  referenceHorizon: number | null | undefined;
  /** Earliest overflow step over the precisions, and the precision it happened in. */
  overflow: number | null;
  overflowIn: Precision | null;
  /** Instability-crossing step of the most precise run that reports one. */
  crossing: number | null | undefined;
  lyapunov: number | null;
}

export function studyRows(study: StudyResult): StudyRow[] {
  const runs = [...study.runs].sort((a, b) => a.bits - b.bits);
  return study.trajectories.map((t) => {
    const row: StudyRow = {
      index: t.index,
      init: t.init,
      divergence: {},
      cause: {},
      wdAbsorbed: {},
      expAbsorbed: {},
      wdDeparture: {},
      expDeparture: {},
      referenceHorizon: t.referenceHorizon,
      overflow: null,
      overflowIn: null,
      crossing: undefined,
      lyapunov: t.lyapunov,
    };
    // undefined in the study (the field or the precision missing) stays undefined: the cell reads NA.
    const copy = <T>(to: PerPrecision<T>, from: PerPrecision<T> | undefined, p: Precision) => {
      const v = from?.[p];
      if (v !== undefined) to[p] = v;
    };
    for (const r of runs) {
      const p = r.precision;
      if (t.index >= r.trajectories) continue; // outside this precision's subset: stays undefined (NA)
      row.divergence[p] = t.divergenceStep[p] ?? null;
      copy(row.cause, t.cause, p);
      copy(row.wdAbsorbed, t.wdAbsorbedStep, p);
      copy(row.expAbsorbed, t.expAbsorbedStep, p);
      copy(row.wdDeparture, t.wdDeparture, p);
      copy(row.expDeparture, t.expDeparture, p);
      const o = t.overflowStep[p] ?? null;
      if (o !== null && (row.overflow === null || o < row.overflow)) [row.overflow, row.overflowIn] = [o, p];
      const c = t.crossingStep[p];
      if (c !== undefined) row.crossing = c;
    }
    return row;
  });
}

/** Per-precision columns: divergence, cause, absorbed (wd / exp) and departure from mp (wd / exp). */
type PerPrecisionKey = 'div' | 'cause' | 'abs' | 'dep';
export type SortKey =
  | 'index'
  | 'initX'
  | 'initY'
  | 'overflow'
  | 'crossing'
  | 'lyapunov'
  | `${PerPrecisionKey}:${Precision}`;

/** The earlier of two steps (null: never; undefined only when both are). */
function earlier(a: number | null | undefined, b: number | null | undefined): number | null | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  if (a === null || b === null) return a ?? b;
  return Math.min(a, b);
}

/** The number a column sorts by: a step, a cause's rank in the order of precedence, or a coordinate. */
export function cellValue(row: StudyRow, key: SortKey): number | null | undefined {
  switch (key) {
    case 'index':
      return row.index;
    case 'initX':
      return row.init[0];
    case 'initY':
      return row.init[1];
    case 'overflow':
      return row.overflow;
    case 'crossing':
      return row.crossing;
    case 'lyapunov':
      return row.lyapunov;
  }
  const [kind, p] = key.split(':') as [PerPrecisionKey, Precision];
  if (kind === 'div') return row.divergence[p];
  if (kind === 'abs') return earlier(row.wdAbsorbed[p], row.expAbsorbed[p]);
  if (kind === 'dep') return earlier(row.wdDeparture[p], row.expDeparture[p]);
  const c = row.cause[p];
  return c === undefined || c === null ? c : CAUSE_PRECEDENCE.indexOf(c);
}

/**
 * Rows ordered by `key` (dir 1 ascending, −1 descending). null (never happened) ranks as +∞; undefined
 * (did not run) always comes last; ties keep ascending index. Returns a new array.
 */
export function sortRows(rows: readonly StudyRow[], key: SortKey, dir: 1 | -1): StudyRow[] {
  const rank = (v: number | null | undefined) => (v === undefined ? Number.NaN : v === null ? Infinity : v);
  return [...rows].sort((a, b) => {
    const va = rank(cellValue(a, key));
    const vb = rank(cellValue(b, key));
    const na = Number.isNaN(va);
    const nb = Number.isNaN(vb);
    if (na || nb) return na && nb ? a.index - b.index : na ? 1 : -1;
    if (va !== vb) return va < vb ? -dir : dir;
    return a.index - b.index;
  });
}

/** Page `page` (0-based, clamped to the last) of `size` rows, and the page count (at least 1). */
export function pageOf<T>(
  rows: readonly T[],
  page: number,
  size: number,
): { rows: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(pages - 1, Math.max(0, Math.floor(page)));
  return { rows: rows.slice(p * size, (p + 1) * size), page: p, pages };
}

/** A numeric cell: NA (did not run), — (never), a step, or a short number. */
export function formatCell(v: number | null | undefined, key: SortKey): string {
  if (v === undefined) return 'NA';
  if (v === null) return '—';
  if (key === 'initX' || key === 'initY') return v.toFixed(4);
  if (key === 'lyapunov') return v.toPrecision(3);
  return String(v);
}

/** What a cell shows: causes by name ("none": no divergence), wd / exp pairs as "12 / —". */
export function cellText(row: StudyRow, key: SortKey): string {
  const [kind, p] = key.split(':') as [string, Precision | undefined];
  if (p === undefined || kind === 'div') return formatCell(cellValue(row, key), key);
  if (kind === 'cause') {
    const c = row.cause[p];
    return c === undefined ? 'NA' : (c ?? 'none');
  }
  const [wd, exp] =
    kind === 'abs' ? [row.wdAbsorbed[p], row.expAbsorbed[p]] : [row.wdDeparture[p], row.expDeparture[p]];
  if (wd === undefined && exp === undefined) return 'NA';
  // † a departure after the step where mp at N and 2N bits split: the reference itself is not trusted there.
  const h = kind === 'dep' ? row.referenceHorizon : undefined;
  const mark = (v: number | null | undefined) =>
    formatCell(v, key) + (typeof v === 'number' && typeof h === 'number' && v > h ? '†' : '');
  return `${mark(wd)} / ${mark(exp)}`;
}
