/**
 * Why two "equivalent" runs split: one label per trajectory, from exact per-run events (docs/numerics.md,
 * "Which run is wrong, and why"). The order of the tests is the order of precedence:
 *
 * - `range`: a value could not be represented: a component of either run became non-finite (the
 *   comparison ends there, with or without a divergence), or a position component rounded to exactly zero
 *   (underflow) before the split;
 * - `absorbed`: one run sat at an exact floating-point stationary point (its computed gradient, and for the
 *   exponential run its buffer, exactly zero) from before the split on, so rounding could no longer move it;
 * - `chaos`: both runs were still moving and the split came at or after the weight-decay run's
 *   instability crossing, where rounding differences grow like e^{μt};
 * - `precision`: both runs moving, no crossing yet: rounding alone separated them (rare; measured in
 *   docs/numerics.md);
 * - null: no divergence within the horizon and nothing overflowed.
 */
export type DivergenceCause = 'chaos' | 'absorbed' | 'range' | 'precision';

export const DIVERGENCE_CAUSES: readonly DivergenceCause[] = ['chaos', 'absorbed', 'range', 'precision'];

/** The causes in divergenceCause()'s order of tests, for legends and tables that read as the rule. */
export const CAUSE_PRECEDENCE: readonly DivergenceCause[] = ['range', 'absorbed', 'chaos', 'precision'];

export interface CauseEvents {
  divergenceStep: number | null;
  overflowStep: number | null;
  crossingStep?: number | null;
  wdAbsorbedStep?: number | null;
  expAbsorbedStep?: number | null;
  underflowStep?: number | null;
}

const atOrBefore = (event: number | null | undefined, t: number) =>
  event !== null && event !== undefined && event <= t;

export function divergenceCause(e: CauseEvents): DivergenceCause | null {
  const d = e.divergenceStep;
  if (e.overflowStep !== null && (d === null || e.overflowStep <= d)) return 'range';
  if (d === null) return null;
  if (atOrBefore(e.underflowStep, d)) return 'range';
  if (atOrBefore(e.wdAbsorbedStep, d) || atOrBefore(e.expAbsorbedStep, d)) return 'absorbed';
  if (atOrBefore(e.crossingStep, d)) return 'chaos';
  return 'precision';
}
