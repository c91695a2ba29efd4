/** Statistics the precision study needs: a median of right-censored steps and a least-squares line. */
import { nearestRankIndex } from '../drift';

/**
 * Nearest-rank median of steps where `null` means "not within the horizon" (right-censored, ranked as +∞).
 * Returns null when the median itself lies beyond the horizon, or when there are no values.
 */
export function censoredMedian(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.map((v) => (v === null ? Number.POSITIVE_INFINITY : v)).sort((a, b) => a - b);
  const m = sorted[nearestRankIndex(0.5, sorted.length)];
  return Number.isFinite(m) ? m : null;
}

/** Nearest-rank median of finite numbers (nulls and non-finite values dropped); null when none remain. */
export function finiteMedian(values: readonly (number | null)[]): number | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return finite.length === 0 ? null : finite[nearestRankIndex(0.5, finite.length)];
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 for two points. */
  r2: number;
  points: number;
}

/** Ordinary least squares y ≈ slope·x + intercept; null with fewer than two distinct x. */
export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit | null {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`fitLine: ${n} x values but ${ys.length} y values`);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  // Centred sums: no cancellation between large Σx² and n·x̄² (x may be step indices in the thousands).
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { slope, intercept: my - slope * mx, r2, points: n };
}
