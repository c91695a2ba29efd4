/**
 * The finite-time Lyapunov exponent of a model's float64 weight-decay run (the plane's study/lyapunov.ts in
 * ℝ^P): a twin starts at w0 turned by 1e−12 rad towards a fixed direction perpendicular to w0, and the
 * growth rate of the angle between the twins is fitted over its last climb from 1e−10 to 1e−3. A positive
 * exponent is the sensitivity to initial conditions that makes rounding errors grow: chaos, measured
 * independently of the sharpness criterion that dates the instability crossing.
 */
import { F64 } from '../arith';
import { type OptimizerConfig, phaseLearningRates } from '../schedule';
import { fitGrowthRate, LYAPUNOV_DEFAULTS, type LyapunovEstimate } from '../study/lyapunov';
import { BnGradient } from './bnGradient';
import { paramCount, type ResolvedModel } from './types';
import { vectorAngle } from './vectorGap';

/**
 * w0 turned by `angle` radians towards e_j made perpendicular to w0, j the component where |w0| is
 * smallest (never parallel to w0 unless P = 1, where no other direction exists and the twin is w0).
 */
export function perpendicularTwin(w0: ArrayLike<number>, angle: number): Float64Array {
  const P = w0.length;
  const twin = Float64Array.from(w0);
  if (P < 2) return twin;
  let j = 0;
  for (let k = 1; k < P; k++) if (Math.abs(w0[k]) < Math.abs(w0[j])) j = k;
  let n2 = 0;
  for (let k = 0; k < P; k++) n2 += w0[k] * w0[k];
  // e = e_j − (w0_j/|w0|²)·w0, |e|² = 1 − w0_j²/|w0|².
  const e = Float64Array.from(w0, (c, k) => (k === j ? 1 : 0) - (w0[j] / n2) * c);
  const ne = Math.sqrt(1 - (w0[j] * w0[j]) / n2);
  const scale = (angle * Math.sqrt(n2)) / ne;
  for (let k = 0; k < P; k++) twin[k] += scale * e[k];
  return twin;
}

export function modelTwinSeparation(
  model: ResolvedModel,
  opt: OptimizerConfig,
  w0: ArrayLike<number>,
  steps: number,
): Float64Array {
  const { perturbation, hi } = LYAPUNOV_DEFAULTS;
  const grad = new BnGradient(F64, model);
  const P = paramCount(model);
  const phases = phaseLearningRates(opt);
  const runs = [Float64Array.from(w0), perpendicularTwin(w0, perturbation)].map((w) => ({
    w: Array.from(w),
    v: new Array<number>(P).fill(0),
  }));
  const g = new Array<number>(P).fill(0);
  const sep = new Float64Array(steps + 1).fill(Number.NaN);
  sep[0] = vectorAngle(runs[0].w, runs[1].w);
  let phase = 0;
  for (let t = 0; t < steps; t++) {
    if (phase + 1 < phases.length && phases[phase + 1].start === t) phase++;
    const lr = phases[phase].lr;
    for (const r of runs) {
      grad.gradient(r.w, g);
      for (let k = 0; k < P; k++) {
        r.v[k] = opt.momentum * r.v[k] + (g[k] + opt.weightDecay * r.w[k]);
        r.w[k] -= lr * r.v[k];
      }
    }
    sep[t + 1] = vectorAngle(runs[0].w, runs[1].w);
    if (sep[t + 1] > hi) break;
  }
  return sep;
}

export function modelLyapunov(
  model: ResolvedModel,
  opt: OptimizerConfig,
  w0: ArrayLike<number>,
  steps: number,
): LyapunovEstimate {
  return fitGrowthRate(modelTwinSeparation(model, opt, w0, steps));
}
