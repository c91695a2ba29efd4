/**
 * Where a run without renormalisation (numerics.renormalize false) first has a non-finite value, predicted
 * from the schedule and the start point alone, without running the low-precision integrator
 * (docs/numerics.md, "Overflow without renormalisation"). What the f16 mirror actually does, measured:
 *
 * - η̃ itself is the first non-finite value. The integrator updates w̃ with the finite η̃_t, then computes
 *   η̃_{t+1} = η̃_t·α⁻² and finds it infinite, so `overflowStep` = t + 1 with every position still finite.
 *   η̃ grows like α^−2t and |w̃| only like α^−t, so η̃·ṽ (≈ the update, ~|w̃|·ηλ) and w̃ never get there first.
 * - |w̃|² (r² in the exponential run's gradient) overflows first only where |w_t|² > η̃_0 roughly. It does not
 *   move `overflowStep`: 1/√∞ = 0 makes u and the gradient exactly 0, the run is absorbed (a momentum buffer
 *   decays to a few subnormals), w̃ stays finite, and the overflow still comes from η̃. Reported as `r2Step`.
 * - The weight-decay run can fail first: absorbed on a ray of exactly zero gradient (a start that lands on a
 *   minimum's ray, e.g. x = y on `single-well`, where f' cancels exactly), it shrinks by α per step until
 *   x² and y² both round to 0; then 1/√0 = ∞ and u = w·∞ makes the whole run NaN at the next step.
 *   Predicted from the float64 run, which shrinks with other roundings: within one step of the mirror.
 *   A run that lands on such a ray in f16 only (a precision event) fails earlier than predicted.
 *
 * The η̃ step must model the format's recurrence: α⁻² rounded to f16 is off by up to 2^−11, which changes
 * the growth rate ln α⁻² ≈ 2ηλ by percents, and each product is rounded again. The exact η̃ crosses the
 * threshold up to 7 steps away from the f16 recurrence on the presets' schedules (`exactLrStep`, measured).
 * The rounding is modelled exactly in float64: constants are rounded from double-double as the emulated
 * formats load them (to f32, then to the format), and a product of two ≤ 26-bit values is exact in float64
 * before it is rounded to the format's bits. The two runs' positions come from the exact (float64) run.
 * Round-to-nearest only (not numerics.rounding 'stochastic'). Tests: tests/core/rangePrediction.test.ts,
 * tests/gpu/f16Range.gpu.test.ts.
 */

import { F64 } from './arith';
import type { LrMode } from './config/types';
import { type DD, ddToF32, ddToNumber } from './dd';
import { Integrator } from './integrator';
import type { FourierLoss } from './loss';
import { LOW_FORMATS, type LowFormatSpec } from './lowFloat';
import { ClosedFormRate, type ExponentialSchedule, floorLog2 } from './schedule';

/** The range and precision of a binary floating-point format, as far as the prediction needs them. */
export interface RangeFormat {
  /** Largest finite value (f16 65504). A result rounding above it is ±∞. */
  maxFinite: number;
  /** Significant bits with the implicit one (f16 11). */
  mantissaBits: number;
  /** Smallest positive value (f16: the subnormal 2^−24; a flushing format: its smallest normal). */
  minPositive: number;
}

export function rangeFormatOf(spec: LowFormatSpec): RangeFormat {
  const minPositive = spec.subnormals ? spec.minNormal * 2 ** (1 - spec.mantissaBits) : spec.minNormal;
  return { maxFinite: spec.maxFinite, mantissaBits: spec.mantissaBits, minPositive };
}

export const F16_RANGE: RangeFormat = rangeFormatOf(LOW_FORMATS.f16);

export type OverflowQuantity =
  /** η̃ rounds above maxFinite. */
  | 'lr'
  /** The weight-decay run's x² and y² both round to 0: 1/√0 = ∞ and the run turns NaN. */
  | 'wd-r2-underflow';

export interface RangePrediction {
  /** First step t at which the run has a non-finite value (the integrator's `overflowStep`); null: none. */
  step: number | null;
  quantity: OverflowQuantity | null;
  /** First t with η̃_t in the format's own arithmetic above maxFinite (null: not within maxSteps). */
  lrStep: number | null;
  /** The same for the exact η̃_t (no rounding of the recurrence): the closed form's answer. */
  exactLrStep: number | null;
  /** First t + 1 with the weight-decay run's r² (from w_t) rounding to 0, from the exact run. */
  wdUnderflowStep: number | null;
  /** First t with the exact |w̃_t|² above the overflow threshold: absorbed from here, not non-finite. */
  r2Step: number | null;
}

/** x rounded to `bits` significant bits, ties to even, with an unbounded exponent (x finite). */
export function roundToBits(x: number, bits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const s = 2 ** (bits - 1 - floorLog2(Math.abs(x)));
  const v = x * s;
  let r = Math.round(v);
  if (r - v === 0.5 && r % 2 !== 0) r -= 1; // Math.round sends ties up: make them even
  return r / s;
}

/** Whether a value the format computed (rounded to its bits) is past its largest finite value. */
function overflows(F: RangeFormat, v: number): boolean {
  return Math.abs(roundToBits(v, F.mantissaBits)) > F.maxFinite;
}

/** A double-double constant as the format holds it: the emulated formats round it to f32 first. */
function constant(F: RangeFormat, x: DD): number {
  const v = F.mantissaBits <= 24 ? ddToF32(x) : ddToNumber(x);
  return roundToBits(v, F.mantissaBits);
}

/** η̃'s overflow step in the format: the recurrence η̃ ← η̃·α⁻² (·switch factor at a milestone), or the closed form. */
export function lrOverflowStep(
  schedule: ExponentialSchedule,
  F: RangeFormat,
  lrMode: LrMode = 'recurrence',
  maxSteps = 1_000_000,
): number | null {
  const ph = schedule.phases;
  if (lrMode === 'closedForm') {
    // The integrator rounds the mantissa m ∈ [1, 2) into the format and scales it exactly by 2^e.
    const closed = new ClosedFormRate(schedule);
    for (let t = 1; t <= maxSteps; t++) {
      const r = closed.at(t);
      if (constant(F, r.m) * 2 ** r.e > F.maxFinite) return t;
    }
    return null;
  }
  const growth = ph.map((p) => constant(F, p.growth));
  const switchFactor = ph.map((p) => constant(F, p.switchFactor));
  let lr = constant(F, schedule.expLr0);
  let phase = 0;
  for (let t = 0; t < maxSteps; t++) {
    const switching = phase + 1 < ph.length && ph[phase + 1].start === t + 1;
    lr = roundToBits(lr * (switching ? switchFactor[phase + 1] : growth[phase]), F.mantissaBits);
    if (switching) phase++;
    if (lr > F.maxFinite) return t + 1;
  }
  return null;
}

/** First t with the exact η̃_t above the format's overflow threshold. */
function exactLrOverflowStep(schedule: ExponentialSchedule, F: RangeFormat, maxSteps: number): number | null {
  const closed = new ClosedFormRate(schedule);
  for (let t = 1; t <= maxSteps; t++) {
    const r = closed.at(t);
    if (overflows(F, ddToNumber(r.m) * 2 ** r.e)) return t;
  }
  return null;
}

/**
 * The prediction for a run of `loss` from (x0, y0) without renormalisation in format F: the earlier of η̃'s
 * overflow and the weight-decay run's r² underflow, the latter and |w̃|² taken from the exact float64 run
 * (both runs, no renormalisation) up to η̃'s overflow.
 */
export function predictRangeFailure(
  loss: FourierLoss,
  schedule: ExponentialSchedule,
  x0: number,
  y0: number,
  F: RangeFormat = F16_RANGE,
  options: { lrMode?: LrMode; maxSteps?: number } = {},
): RangePrediction {
  const maxSteps = options.maxSteps ?? 1_000_000;
  const lrStep = lrOverflowStep(schedule, F, options.lrMode, maxSteps);
  const exactLrStep = exactLrOverflowStep(schedule, F, maxSteps);
  // Squares at or below half the smallest positive value round to 0 (the tie goes to the even 0).
  const zeroSquare = F.minPositive / 2;
  const exact = new Integrator(F64, loss, schedule, 1e-3, { renormalize: false, lrMode: 'recurrence' });
  const s = exact.init(x0, y0);
  const end = lrStep ?? maxSteps;
  let wdUnderflowStep: number | null = null;
  let r2Step: number | null = null;
  while (s.t < end && wdUnderflowStep === null) {
    const { wd, ex } = s;
    if (wd.x * wd.x <= zeroSquare && wd.y * wd.y <= zeroSquare) wdUnderflowStep = s.t + 1;
    if (r2Step === null && overflows(F, ex.x * ex.x + ex.y * ex.y)) r2Step = s.t;
    exact.step(s);
  }
  const step = wdUnderflowStep ?? lrStep;
  const quantity: OverflowQuantity | null =
    wdUnderflowStep !== null ? 'wd-r2-underflow' : lrStep !== null ? 'lr' : null;
  return { step, quantity, lrStep, exactLrStep, wdUnderflowStep, r2Step };
}
