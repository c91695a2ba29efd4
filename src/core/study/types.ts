/** The shape of a precision study (`scaleinv-lab study`): what study.json holds. */
import type { ExperimentConfig, Precision } from '../config/types';
import type { LineFit } from './stats';

/** Nominal significand bits; df64's are replaced by the probe's measurement when there is one. */
export const NOMINAL_BITS: Record<Precision, number> = { f32: 24, df64: 46, f64: 53, dd: 106 };

export const BACKEND_OF: Record<Precision, 'cpu' | 'gpu'> = {
  f32: 'gpu',
  df64: 'gpu',
  f64: 'cpu',
  dd: 'cpu',
};

export interface PrecisionRun {
  precision: Precision;
  backend: 'cpu' | 'gpu';
  bits: number;
  bitsSource: 'nominal' | 'probe';
  adapter: string | null;
  probe?: unknown;
  /** How many of the config's trajectories ran (the first `trajectories`; fewer than all with --subset). */
  trajectories: number;
  seconds: number;
}

export interface StudyTrajectory {
  index: number;
  init: [number, number];
  /** Per precision that ran this trajectory: first step with angle gap > tolerance, null if none. */
  divergenceStep: Partial<Record<Precision, number | null>>;
  overflowStep: Partial<Record<Precision, number | null>>;
  /** Instability-crossing step (η/|w_t|² > 2/f''(θ_t)), where the run output provides it. */
  crossingStep: Partial<Record<Precision, number | null>>;
  /** Finite-time Lyapunov exponent per step of the float64 weight-decay run (null: no clean window). */
  lyapunov: number | null;
  lyapunovWindow: [number, number] | null;
}

export interface PrecisionAggregate {
  precision: Precision;
  bits: number;
  /** Trajectories in the common set (those every precision ran). */
  n: number;
  /** Nearest-rank median divergence step; null when over half never diverge within the horizon. */
  medianDivergence: number | null;
  /** Diverged within the horizon. */
  divergedFraction: number;
  /** Never diverged within the horizon (overflowed ones included). */
  neverDivergedFraction: number;
  /** Overflowed before diverging: range, not precision, ended the comparison. */
  overflowFraction: number;
  medianCrossing: number | null;
}

export interface StudyAggregate {
  /** Size of the common set the aggregate is over. */
  common: number;
  rows: PrecisionAggregate[];
  /** Median divergence step against bits, over precisions with a median; null with fewer than two. */
  fit: LineFit | null;
  /** Median of the per-trajectory Lyapunov exponents (those with a window) over the common set. */
  lyapunovMedian: number | null;
  lyapunovCount: number;
  /** ln 2/μ: the steps one extra bit should buy if divergence ≈ ln(tol/ε)/μ (MATH.md §5). */
  predictedStepsPerBit: number | null;
}

export interface StudyResult {
  version: 1;
  config: ExperimentConfig;
  adapter: string | null;
  steps: number;
  driftTolerance: number;
  runs: PrecisionRun[];
  skipped: { precision: Precision; reason: string }[];
  lyapunovMethod: { perturbation: number; window: [number, number]; minPoints: number; precision: 'f64' };
  aggregate: StudyAggregate;
  trajectories: StudyTrajectory[];
}
