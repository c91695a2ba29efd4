/**
 * Pure parts of the Precision tab (no DOM, no GPU, no Worker), shared by the page, the study worker and the
 * tests: the slim run output the study reads (and the CPU run that makes it), the drift and divergence-vs-bits chart data, and the
 * per-trajectory table's rows, sort order and pages.
 */
import { arithFor, type CpuPrecision } from '../core/arith';
import { resolveLoss } from '../core/config/resolve';
import type { ExperimentConfig, Precision } from '../core/config/types';
import { initialPoints } from '../core/init';
import { Integrator } from '../core/integrator';
import type { FourierLoss } from '../core/loss';
import { simulateCpu } from '../core/run/cpuRun';
import {
  buildOutput,
  type RunOutput,
  sampleSteps,
  type TrajectoryRecord,
  trajectoryEvents,
} from '../core/run/output';
import { type SampleSummary, summarizeSamples } from '../core/run/summary';
import { type ExponentialSchedule, toExponential } from '../core/schedule';
import type { StudyResult } from '../core/study/types';

/** Samples per run for the drift curves. */
export const DRIFT_SAMPLES = 200;

/** The sampling interval giving about DRIFT_SAMPLES samples over `steps`. */
export function driftSampleEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / DRIFT_SAMPLES));
}

/**
 * A RunOutput without per-sample trajectory data (what the study reads: per-trajectory steps, the summary,
 * the header): the same fields buildOutput gives, at a fraction of the memory and of the copy between threads.
 */
export function slimOutput(
  config: ExperimentConfig,
  loss: FourierLoss,
  schedule: ExponentialSchedule,
  records: readonly TrajectoryRecord[],
  meta: { adapter: string | null; probe?: unknown },
): RunOutput {
  const head = buildOutput(config, loss, schedule, [], meta);
  return {
    ...head,
    summary: summarizeSamples([...records], sampleSteps(config.steps, config.sampleEvery)),
    trajectories: records.map((r) => ({
      ...trajectoryEvents(r),
      samples: { step: [], wd: [], wdNormLog2: [], expProjected: [], expNormLog2: [], angleGap: [] },
    })),
  };
}

/** The CLI's runCpu (same integrator, same divergence steps), without the per-sample trajectory data. */
export function runCpuSlim(
  config: ExperimentConfig,
  onProgress?: (done: number, total: number) => void,
): RunOutput {
  if (config.precision === 'df64') throw new RangeError('df64 runs on the gpu backend only');
  const { loss } = resolveLoss(config.loss);
  const schedule = toExponential(config.optimizer);
  const integrator = new Integrator(
    arithFor(config.precision as CpuPrecision),
    loss,
    schedule,
    config.driftTolerance,
    config.numerics,
  );
  const records = simulateCpu(integrator, initialPoints(config.init), config.steps, config.sampleEvery, {
    onProgress,
  });
  return slimOutput(config, loss, schedule, records, { adapter: null });
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

/** One table row. Step values: a number, null (never within the horizon) or undefined (did not run: NA). */
export interface StudyRow {
  index: number;
  init: [number, number];
  divergence: Partial<Record<Precision, number | null>>;
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
    const divergence: StudyRow['divergence'] = {};
    let overflow: number | null = null;
    let overflowIn: Precision | null = null;
    let crossing: number | null | undefined;
    for (const r of runs) {
      if (t.index >= r.trajectories) continue; // outside this precision's subset: stays undefined (NA)
      divergence[r.precision] = t.divergenceStep[r.precision] ?? null;
      const o = t.overflowStep[r.precision] ?? null;
      if (o !== null && (overflow === null || o < overflow)) [overflow, overflowIn] = [o, r.precision];
      const c = t.crossingStep[r.precision];
      if (c !== undefined) crossing = c;
    }
    return { index: t.index, init: t.init, divergence, overflow, overflowIn, crossing, lyapunov: t.lyapunov };
  });
}

export type SortKey = 'index' | 'initX' | 'initY' | 'overflow' | 'crossing' | 'lyapunov' | `div:${Precision}`;

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
    default:
      return row.divergence[key.slice(4) as Precision];
  }
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

/** A table cell: NA (did not run), — (never), a step, or a short number. */
export function formatCell(v: number | null | undefined, key: SortKey): string {
  if (v === undefined) return 'NA';
  if (v === null) return '—';
  if (key === 'initX' || key === 'initY') return v.toFixed(4);
  if (key === 'lyapunov') return v.toPrecision(3);
  return String(v);
}
