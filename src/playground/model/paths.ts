/**
 * The runs' paths on the slice: each seed's weight-decay run w_t and its exponential run projected back,
 * c_t·w̃_t (α^t·w̃_t without milestones), mapped to (w·e1, w·e2) at every sample, with the sample where the
 * two runs split and the seed's divergence cause (the path's colour after the split); and the picture's
 * frame (the origin, where the slice's rays meet, and the paths).
 */
import type { DivergenceCause } from '../../core/cause';
import { divergenceCause } from '../../core/cause';
import type { ModelRecord } from '../../core/model/modelOutput';
import { type ExponentialSchedule, log2ProjectionFactor } from '../../core/schedule';
import { quantile } from './series';
import { project, type SliceBasis } from './slice';

export interface ProjectedPaths {
  /** Per path, x, y per sample (NaN where the run is not finite). */
  wd: Float32Array[];
  exp: Float32Array[];
  causes: (DivergenceCause | null)[];
  /** Per path, the first sample at or after its divergence step (the sample count when it never split). */
  splitAt: number[];
  /** Seeds drawn / seeds run. */
  drawn: number;
  total: number;
}

export const MAX_DRAWN_PATHS = 256;

/** The first `max` seeds' paths on the slice. */
export function projectPaths(
  records: readonly ModelRecord[],
  steps: readonly number[],
  schedule: ExponentialSchedule,
  basis: SliceBasis,
  max = MAX_DRAWN_PATHS,
): ProjectedPaths {
  const P = basis.e1.length;
  const S = steps.length;
  const log2c = steps.map((t) => log2ProjectionFactor(schedule, t));
  const drawn = Math.min(max, records.length);
  const out: ProjectedPaths = { wd: [], exp: [], causes: [], splitAt: [], drawn, total: records.length };
  for (let i = 0; i < drawn; i++) {
    const r = records[i];
    const wd = new Float32Array(2 * S).fill(Number.NaN);
    const ex = new Float32Array(2 * S).fill(Number.NaN);
    if (r.wd.length >= S * P) {
      for (let j = 0; j < S; j++) {
        const [x, y] = project(r.wd, basis, j * P, r.wdScaleLog2[j] ?? 0);
        wd[2 * j] = x;
        wd[2 * j + 1] = y;
        const [u, v] = project(r.ex, basis, j * P, (r.exScaleLog2[j] ?? 0) + log2c[j]);
        ex[2 * j] = u;
        ex[2 * j + 1] = v;
      }
    }
    out.wd.push(wd);
    out.exp.push(ex);
    out.causes.push(divergenceCause(r));
    const d = r.divergenceStep;
    const at = d === null ? -1 : steps.findIndex((t) => t >= d);
    out.splitAt.push(at < 0 ? S : at);
  }
  return out;
}

export interface Frame {
  cx: number;
  cy: number;
  /** Half the height of the world rectangle shown (the width follows the aspect ratio). */
  halfHeight: number;
}

/**
 * A frame holding the origin and the paths' points up to the 98th percentile of |x| and |y| (a few runaway
 * exponential runs do not shrink the picture), with a 12% margin, for a canvas of `aspect` = width/height.
 */
export function frameOf(paths: ProjectedPaths, aspect: number): Frame {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const list of [paths.wd, paths.exp])
    for (const p of list)
      for (let k = 0; k + 1 < p.length; k += 2)
        if (Number.isFinite(p[k]) && Number.isFinite(p[k + 1])) {
          xs.push(p[k]);
          ys.push(p[k + 1]);
        }
  if (xs.length === 0) return { cx: 0, cy: 0, halfHeight: 1.2 };
  const lo = (a: number[]) => Math.min(0, quantile(a, 0.02));
  const hi = (a: number[]) => Math.max(0, quantile(a, 0.98));
  xs.sort((a, b) => a - b);
  ys.sort((a, b) => a - b);
  const [x0, x1, y0, y1] = [lo(xs), hi(xs), lo(ys), hi(ys)];
  const half = Math.max((y1 - y0) / 2, (x1 - x0) / 2 / aspect, 1e-9) * 1.12;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, halfHeight: half };
}
