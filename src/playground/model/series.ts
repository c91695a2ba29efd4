/**
 * The models page's charts: per sample step, the median and the 10–90% band over seeds of the loss and the
 * training accuracy of each run (weight decay, projected exponential) and of the angle between the runs.
 * Quantiles are nearest-rank (index ⌈q·n⌉ − 1 of the sorted finite values), as the CLI's summary's are
 * (src/core/run/summary.ts); values that are not finite (a run that overflowed) are left out and counted.
 */
import type { ModelRecord } from '../../core/model/modelOutput';
import type { FastModel } from './fastModel';

export const BAND_LOW = 0.1;
export const BAND_HIGH = 0.9;

/** The nearest-rank q-quantile of ascending `sorted` (NaN when empty). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
}

export interface Band {
  median: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
  /** Finite values per sample. */
  count: number[];
}

/**
 * Median and band over `seeds` rows of `values` (seed-major: values[s·J + j]) at each of J columns.
 * null where a column has no finite value.
 */
export function band(values: ArrayLike<number>, seeds: number, J: number): Band {
  const out: Band = { median: [], low: [], high: [], count: [] };
  const col = new Float64Array(seeds);
  for (let j = 0; j < J; j++) {
    let m = 0;
    for (let s = 0; s < seeds; s++) {
      const v = values[s * J + j];
      if (Number.isFinite(v)) col[m++] = v;
    }
    const sorted = col.subarray(0, m).sort();
    const q = (p: number) => (m === 0 ? null : quantile(sorted, p));
    out.median.push(q(0.5));
    out.low.push(q(BAND_LOW));
    out.high.push(q(BAND_HIGH));
    out.count.push(m);
  }
  return out;
}

/** Sample indices the charts use: every k-th of S samples, at most max + 1 of them, the last always in. */
export function chartColumns(S: number, max: number): number[] {
  const every = Math.max(1, Math.ceil((S - 1) / Math.max(1, max)));
  const out: number[] = [];
  for (let j = 0; j < S; j += every) out.push(j);
  if (out[out.length - 1] !== S - 1) out.push(S - 1);
  return out;
}

/** Per seed and chart column: loss and accuracy of both runs (NaN where the run is not finite). */
export interface SeedCurves {
  seeds: number;
  columns: number;
  wdLoss: Float64Array;
  wdAccuracy: Float64Array;
  expLoss: Float64Array;
  expAccuracy: Float64Array;
}

export function emptyCurves(seeds: number, columns: number): SeedCurves {
  const make = () => new Float64Array(seeds * columns).fill(Number.NaN);
  return { seeds, columns, wdLoss: make(), wdAccuracy: make(), expLoss: make(), expAccuracy: make() };
}

function finiteRow(w: Float64Array, offset: number, P: number): boolean {
  let any = false;
  for (let k = 0; k < P; k++) {
    const c = w[offset + k];
    if (!Number.isFinite(c)) return false;
    if (c !== 0) any = true;
  }
  return any;
}

/**
 * Fills row `row` of `curves` from one record's samples. Both losses are scale invariant, so the stored
 * (renormalised) vectors give them without their scale factors.
 */
export function fillCurves(
  fm: FastModel,
  rec: Pick<ModelRecord, 'wd' | 'ex'>,
  columns: readonly number[],
  curves: SeedCurves,
  row: number,
): void {
  const P = fm.P;
  columns.forEach((j, c) => {
    const at = row * curves.columns + c;
    if (finiteRow(rec.wd, j * P, P)) {
      const r = fm.lossAccuracy(rec.wd, j * P);
      curves.wdLoss[at] = r.loss;
      curves.wdAccuracy[at] = r.accuracy;
    }
    if (finiteRow(rec.ex, j * P, P)) {
      const r = fm.lossAccuracy(rec.ex, j * P);
      curves.expLoss[at] = r.loss;
      curves.expAccuracy[at] = r.accuracy;
    }
  });
}

/** Stacks curves of consecutive seed ranges (in order) into one. */
export function concatCurves(parts: readonly SeedCurves[], columns: number): SeedCurves {
  const seeds = parts.reduce((a, p) => a + p.seeds, 0);
  const out = emptyCurves(seeds, columns);
  let at = 0;
  for (const p of parts) {
    for (const k of ['wdLoss', 'wdAccuracy', 'expLoss', 'expAccuracy'] as const) out[k].set(p[k], at);
    at += p.seeds * columns;
  }
  return out;
}

export interface PrecisionSeries {
  /** Step of each chart column. */
  step: number[];
  /** Seeds the loss and accuracy bands are over. */
  seeds: number;
  wdLoss: Band;
  expLoss: Band;
  wdAccuracy: Band;
  expAccuracy: Band;
  /** The angle between the runs (radians), over every seed. */
  gap: Band;
}

/** The chart series of one precision from its seeds' curves and every record's angle gaps. */
export function precisionSeries(
  curves: SeedCurves,
  records: readonly Pick<ModelRecord, 'gap'>[],
  steps: readonly number[],
  columns: readonly number[],
): PrecisionSeries {
  const J = columns.length;
  const gaps = new Float64Array(records.length * J);
  records.forEach((r, s) => {
    columns.forEach((j, c) => {
      gaps[s * J + c] = r.gap[j];
    });
  });
  return {
    step: columns.map((j) => steps[j]),
    seeds: curves.seeds,
    wdLoss: band(curves.wdLoss, curves.seeds, J),
    expLoss: band(curves.expLoss, curves.seeds, J),
    wdAccuracy: band(curves.wdAccuracy, curves.seeds, J),
    expAccuracy: band(curves.expAccuracy, curves.seeds, J),
    gap: band(gaps, records.length, J),
  };
}
