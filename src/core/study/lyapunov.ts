/**
 * Finite-time Lyapunov exponent of the weight-decay run from a perturbed twin (docs/math.md §5).
 *
 * Two float64 weight-decay runs start at w0 and at w0 + 1e−12·|w0|·u⊥ (u⊥ the unit vector perpendicular
 * to w0). Perpendicular, because the loss is scale invariant and the drift the study measures is an angle:
 * the twin starts exactly 1e−12 rad away in angle and with the same norm to first order. 1e−12, because
 * it is ~10⁴ float64 ulps (rounding cannot masquerade as the perturbation) and still leaves ~20 e-folds
 * of linear growth below 1e−3. The exponent μ is the least-squares slope of ln(angle between the twins)
 * against t over the last stretch where that angle climbs from `lo` (1e−10) to `hi` (1e−3): below lo the
 * separation may still be decaying in a stable well, above hi it is no longer small.
 */
import { F64 } from '../arith';
import type { FourierLoss } from '../loss';
import { gradient, lossCoefficients } from '../loss';
import { type OptimizerConfig, phaseLearningRates } from '../schedule';
import { fitLine } from './stats';

export const TWIN_PERTURBATION = 1e-12;

export interface LyapunovOptions {
  perturbation?: number;
  lo?: number;
  hi?: number;
  /** Fewest steps in the fit window; shorter windows give null. */
  minPoints?: number;
}

export const LYAPUNOV_DEFAULTS: Required<LyapunovOptions> = {
  perturbation: TWIN_PERTURBATION,
  lo: 1e-10,
  hi: 1e-3,
  minPoints: 8,
};

export interface LyapunovEstimate {
  /** Per-step exponent μ (natural log), or null when the window is too short or never completed. */
  mu: number | null;
  /** Fit window [first, last] step, or null. */
  window: [number, number] | null;
}

/** Angle between the weight-decay runs from w0 and its perpendicular twin, at steps 0..steps (early stop past hi). */
export function twinSeparation(
  loss: FourierLoss,
  opt: OptimizerConfig,
  x0: number,
  y0: number,
  steps: number,
  options: LyapunovOptions = {},
): Float64Array {
  const { perturbation, hi } = { ...LYAPUNOV_DEFAULTS, ...options };
  const c = lossCoefficients(F64, loss);
  const phases = phaseLearningRates(opt);
  const lam = opt.weightDecay;
  const gam = opt.momentum;
  // u⊥ = (−y0, x0)/|w0|, scaled by |w0|·perturbation: the twin is w0 rotated by ~perturbation radians.
  const runs = [
    { x: x0, y: y0, vx: 0, vy: 0 },
    { x: x0 - perturbation * y0, y: y0 + perturbation * x0, vx: 0, vy: 0 },
  ];
  const sep = new Float64Array(steps + 1);
  const angle = () => {
    const [a, b] = runs;
    return Math.abs(Math.atan2(a.x * b.y - a.y * b.x, a.x * b.x + a.y * b.y));
  };
  sep[0] = angle();
  let phase = 0;
  for (let t = 0; t < steps; t++) {
    if (phase + 1 < phases.length && phases[phase + 1].start === t) phase++;
    const lr = phases[phase].lr;
    for (const w of runs) {
      const [gx, gy] = gradient(F64, c, w.x, w.y);
      w.vx = gam * w.vx + (gx + lam * w.x);
      w.vy = gam * w.vy + (gy + lam * w.y);
      w.x -= lr * w.vx;
      w.y -= lr * w.vy;
    }
    sep[t + 1] = angle();
    if (sep[t + 1] > hi) {
      sep.fill(Number.NaN, t + 2); // nothing past the window matters
      break;
    }
  }
  return sep;
}

/** Growth rate of `sep` over the last climb from below lo to above hi (least squares on ln sep). */
export function fitGrowthRate(sep: ArrayLike<number>, options: LyapunovOptions = {}): LyapunovEstimate {
  const { lo, hi, minPoints } = { ...LYAPUNOV_DEFAULTS, ...options };
  let end = -1;
  for (let t = 0; t < sep.length; t++) {
    if (sep[t] > hi) {
      end = t;
      break;
    }
  }
  if (end < 0) return { mu: null, window: null };
  let start = end;
  while (start > 0 && sep[start - 1] >= lo) start--;
  // Window: sep within [lo, hi], the points of the final climb only.
  const ts: number[] = [];
  const ys: number[] = [];
  for (let t = start; t < end; t++) {
    ts.push(t);
    ys.push(Math.log(sep[t]));
  }
  if (ts.length < minPoints) return { mu: null, window: null };
  const fit = fitLine(ts, ys);
  return fit ? { mu: fit.slope, window: [start, end - 1] } : { mu: null, window: null };
}

/** The per-step exponent of the twin separation from w0 = (x0, y0): twinSeparation() then fitGrowthRate(). */
export function lyapunovExponent(...args: Parameters<typeof twinSeparation>): LyapunovEstimate {
  return fitGrowthRate(twinSeparation(...args), args[5]);
}
