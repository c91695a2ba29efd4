import { DD_STATE_BITS, DF64_STATE_BITS } from '../arith';
/** The shape of a precision study (`scaleinv-lab study`): what study.json holds. */
import type { DivergenceCause } from '../cause';
import type { ExperimentConfig, Precision } from '../config/types';
import type { LineFit } from './stats';

/** Nominal significand bits; df64's are replaced by the probe's measurement when there is one. */
/** dd and df64: the bits their stored positions keep (DD_STATE_BITS, DF64_STATE_BITS), see docs/numerics.md. */
export const NOMINAL_BITS: Record<Precision, number> = {
  bf16: 8,
  f16: 11,
  f32: 24,
  df64: DF64_STATE_BITS,
  f64: 53,
  dd: DD_STATE_BITS,
  mp: 256,
};

export const BACKEND_OF: Record<Precision, 'cpu' | 'gpu'> = {
  bf16: 'gpu',
  f16: 'gpu',
  f32: 'gpu',
  df64: 'gpu',
  f64: 'cpu',
  dd: 'cpu',
  mp: 'cpu',
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
  /** Per precision: the run output's divergenceCause (src/core/cause.ts) and absorbed steps, passed through. */
  cause?: Partial<Record<Precision, DivergenceCause | null>>;
  wdAbsorbedStep?: Partial<Record<Precision, number | null>>;
  expAbsorbedStep?: Partial<Record<Precision, number | null>>;
  /**
   * Per precision other than mp, where mp ran this trajectory: first step at which the weight-decay run,
   * and the projected exponential run, left mp's by more than the drift tolerance (null: never); see
   * departure.ts.
   */
  wdDeparture?: Partial<Record<Precision, number | null>>;
  expDeparture?: Partial<Record<Precision, number | null>>;
  /** Where mp ran this trajectory: first step where mp at N and 2N bits differ (null: never); see departure.ts. */
  referenceHorizon?: number | null;
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
  /** Divergences by cause over the common set (count), and their shares of all divergences with a cause. */
  causes: Record<DivergenceCause, number>;
  causeShares: Record<DivergenceCause, number>;
  /**
   * Against mp, over the trajectories both ran (absent for mp itself and without mp): censored medians of
   * the departure steps (null: the median lies beyond the horizon), how many trajectories they cover, and
   * how many departures came after that trajectory's reference horizon (not trustworthy).
   */
  departure?: {
    n: number;
    medianWd: number | null;
    medianExp: number | null;
    untrusted: number;
  };
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
  /** ln 2/μ: the steps one extra bit should buy if divergence ≈ ln(tol/ε)/μ (docs/math.md §5). */
  predictedStepsPerBit: number | null;
  /** With mp: its bits, the censored median of the per-trajectory reference horizons, over how many. */
  reference?: { bits: number; horizonBits: number; medianHorizon: number | null; n: number };
}

export interface StudyResult {
  version: 1;
  config: ExperimentConfig;
  adapter: string | null;
  steps: number;
  driftTolerance: number;
  runs: PrecisionRun[];
  skipped: { precision: Precision; reason: string }[];
  /** What the study could not measure although the precision ran (e.g. departures without per-step samples). */
  notes?: string[];
  lyapunovMethod: { perturbation: number; window: [number, number]; minPoints: number; precision: 'f64' };
  aggregate: StudyAggregate;
  trajectories: StudyTrajectory[];
}
