/**
 * Departure from the mp reference (issue 12): which run went wrong, not only that the two split.
 *
 * For a precision p and one trajectory, the weight-decay run's departure is the first step t with
 * |w_t − w_ref,t| / |w_ref,t| > tolerance, w_ref the mp weight-decay run; the exponential run's is the same
 * for the projections α^t·w̃_t (the run output's `expProjected`) against mp's projection. A non-finite
 * sample of p departs at once; where the reference itself cannot be compared (non-finite, or exactly zero
 * in its float64 sample) the comparison ends without a departure.
 *
 * The reference's own horizon: mp at N bits against mp at 2N bits, with the far smaller threshold
 * tolerance·HORIZON_FACTOR, in either run. Until then mp(N) is within ~tolerance·1e−6 of the exact
 * solution (the 2N run is ~2^−N closer), so a departure at tolerance measured before the horizon is
 * attributable to p; one after it is flagged as untrustworthy (conservative: mp's error still has to grow
 * by ~1e6 before it could fake a departure).
 */
import type { RunOutput } from '../run/output';

export const HORIZON_FACTOR = 1e-6;

/** Per-step samples of one trajectory: (x, y) interleaved for t = 0..steps, NaN where null. */
export interface StepSamples {
  wd: Float64Array;
  exp: Float64Array;
}

/**
 * The per-step samples of every trajectory of a run made with sampleEvery 1 (only these are kept: the
 * rest of the output, and its per-step objects, can be dropped right after).
 */
export function stepSamples(out: RunOutput): StepSamples[] {
  if (out.sampleEvery !== 1) throw new RangeError(`departures need sampleEvery 1 (got ${out.sampleEvery})`);
  return out.trajectories.map((tr) => {
    const n = tr.samples.step.length;
    const wd = new Float64Array(2 * n);
    const exp = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      const w = tr.samples.wd[j];
      const e = tr.samples.expProjected[j];
      wd[2 * j] = w[0] ?? Number.NaN;
      wd[2 * j + 1] = w[1] ?? Number.NaN;
      exp[2 * j] = e[0] ?? Number.NaN;
      exp[2 * j + 1] = e[1] ?? Number.NaN;
    }
    return { wd, exp };
  });
}

/** First step with |p − ref|/|ref| > tolerance (see the header), or null. */
export function departureStep(p: Float64Array, ref: Float64Array, tolerance: number): number | null {
  const n = Math.min(p.length, ref.length) / 2;
  for (let t = 0; t < n; t++) {
    const rx = ref[2 * t];
    const ry = ref[2 * t + 1];
    const rn = Math.hypot(rx, ry);
    if (!(rn > 0 && Number.isFinite(rn))) return null;
    const px = p[2 * t];
    const py = p[2 * t + 1];
    if (!Number.isFinite(px) || !Number.isFinite(py)) return t;
    if (Math.hypot(px - rx, py - ry) / rn > tolerance) return t;
  }
  return null;
}

export interface Departures {
  wd: number | null;
  exp: number | null;
}

export function departures(p: StepSamples, ref: StepSamples, tolerance: number): Departures {
  return { wd: departureStep(p.wd, ref.wd, tolerance), exp: departureStep(p.exp, ref.exp, tolerance) };
}

/** First step where mp at N and at 2N bits differ by more than tolerance·HORIZON_FACTOR in either run. */
export function referenceHorizon(n: StepSamples, n2: StepSamples, tolerance: number): number | null {
  const d = departures(n, n2, tolerance * HORIZON_FACTOR);
  if (d.wd === null) return d.exp;
  if (d.exp === null) return d.wd;
  return Math.min(d.wd, d.exp);
}
