/**
 * What the reference integrator (src/core/integrator.ts) carries from step to step, its numerics constants,
 * and the schedule's constants rounded into its number format. Numerical choices: docs/numerics.md.
 */
import type { Arith } from './arith';
import type { NumericsConfig } from './config/types';
import type { ExponentialSchedule } from './schedule';

export interface RunState<T> {
  x: T;
  y: T;
  vx: T;
  vy: T;
}

/** The steps at which a trajectory's events first happened (null: not within the run). */
export interface TrajectoryEvents {
  /** First step with angle gap above the tolerance, or null. */
  divergenceStep: number | null;
  /** First step with a non-finite component in either run (w̃, ṽ, η̃, or w, v), or null. */
  overflowStep: number | null;
  /**
   * First step t whose update is taken with the weight-decay run's effective step η_t/|w_t|² above the
   * stability threshold 2/f''(θ_t) (docs/math.md §5, docs/numerics.md), or null.
   */
  crossingStep: number | null;
  /**
   * Start of the current streak of steps whose computed gradient is exactly zero (weight-decay run): at a
   * run's end, the step from which it sits at an exact floating-point stationary point (docs/numerics.md).
   */
  wdAbsorbedStep: number | null;
  /** The same for the exponential run, whose buffer must be exactly zero too (then w̃ is a fixed point). */
  expAbsorbedStep: number | null;
  /** First step at which a position component of either run rounded to exactly zero from non-zero. */
  underflowStep: number | null;
}

/** A trajectory before any event: every event step null. */
export function noEvents(): TrajectoryEvents {
  return {
    divergenceStep: null,
    overflowStep: null,
    crossingStep: null,
    wdAbsorbedStep: null,
    expAbsorbedStep: null,
    underflowStep: null,
  };
}

export interface TrajectoryState<T> extends TrajectoryEvents {
  /** Weight-decay run, stored rescaled: w_t = 2^wdScaleExp·(x, y), v_t = 2^wdScaleExp·(vx, vy). */
  wd: RunState<T>;
  /** Kw, the weight-decay run's renormalisation exponent (0 without renormalisation). */
  wdScaleExp: number;
  /** Exponential run, stored rescaled: w̃_t = 2^scaleExp·(x, y), ṽ_t = 2^−scaleExp·(vx, vy). */
  ex: RunState<T>;
  /** η̃_t·2^(−2·scaleExp − lrExp), the stored exponential run's learning rate for the next step. */
  lr: T;
  /** J: η̃'s own exponent, held apart from `lr` so that η̃ never overflows (docs/numerics.md). */
  lrExp: number;
  /** K, the accumulated renormalisation exponent (0 without renormalisation). */
  scaleExp: number;
  t: number;
  phase: number;
  /** The trajectory's index in its run (keys stochastic rounding's random bits). */
  index: number;
}

/** Renormalise when the larger |component| of w̃ has its binary exponent outside [MIN, MAX] (docs/numerics.md). */
export const RENORM_BAND = { minLog2: -16, maxLog2: 15 } as const;
/** The band is checked before each step t with t % RENORM_EVERY = 0 (the kernel does the same, between chunks). */
export const RENORM_EVERY = 16;
/** Largest shift applied at once, so that 2^(±2k) stays a normal float32 (a tiny start takes a few steps). */
export const RENORM_MAX_SHIFT = 60;
/** Without `numerics`, the integrator behaves as before issue 5: no renormalisation, recurrence. */
export const LEGACY_NUMERICS: NumericsConfig = { renormalize: false, lrMode: 'recurrence' };

export interface PhaseConstants<T> {
  start: number;
  lr: T;
  growth: T;
  switchFactor: T;
  kappa: T;
}

/**
 * The schedule's constants in the integrator's own format. By default they are rounded from the
 * double-double schedule; a format wider than double-double (mp) computes its own at full precision.
 */
export interface StepConstants<T> {
  phases: PhaseConstants<T>[];
  weightDecay: T;
  momentum: T;
  /** η̃_0 and the exponential run's initial buffer coupling ṽ_0 = bufferInit·w_0. */
  expLr0: T;
  bufferInit: T;
}

/** The default constants: the double-double schedule rounded into A's format. */
export function roundedConstants<T>(A: Arith<T>, schedule: ExponentialSchedule): StepConstants<T> {
  return {
    phases: schedule.phases.map((p) => ({
      start: p.start,
      lr: A.fromDD(p.lr),
      growth: A.fromDD(p.growth),
      switchFactor: A.fromDD(p.switchFactor),
      kappa: A.fromDD(p.bufferKappa),
    })),
    weightDecay: A.fromDD(schedule.weightDecay),
    momentum: A.fromDD(schedule.momentum),
    expLr0: A.fromDD(schedule.expLr0),
    bufferInit: A.fromDD(schedule.bufferInit),
  };
}

/** A run's starting state: both runs at w_0, the exponential run's buffer coupled to it. */
export function initialState<T>(
  A: Arith<T>,
  constants: StepConstants<T>,
  x0: number,
  y0: number,
  index = 0,
): TrajectoryState<T> {
  const x = A.from(x0);
  const y = A.from(y0);
  return {
    wd: { x, y, vx: A.zero, vy: A.zero },
    wdScaleExp: 0,
    ex: { x, y, vx: A.mul(constants.bufferInit, x), vy: A.mul(constants.bufferInit, y) },
    lr: constants.expLr0,
    lrExp: 0,
    scaleExp: 0,
    t: 0,
    phase: 0,
    index,
    ...noEvents(),
  };
}
