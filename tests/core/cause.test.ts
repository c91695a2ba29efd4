/**
 * Issue 12: absorbed runs and the cause of each divergence. The integrator's own detection is checked
 * against an independent one: the test steps the run, evaluates the gradient at every stored state with
 * loss.ts gradient() (not the integrator's inlined path) and finds the final streak of exact zeros itself.
 * A sabotaged detector that never reports absorption must fail the same check.
 */
import { describe, expect, it } from 'vitest';
import { type Arith, DDA, F32, F64 } from '../../src/core/arith';
import { type CauseEvents, divergenceCause } from '../../src/core/cause';
import { Integrator, type TrajectoryState } from '../../src/core/integrator';
import { gradient, lossCoefficients } from '../../src/core/loss';
import { findPreset } from '../../src/core/presets';
import { toExponential } from '../../src/core/schedule';

const RENORM = { renormalize: true, lrMode: 'recurrence' } as const;
const opt = (weightDecay: number, momentum = 0) => ({
  lr: 0.1,
  weightDecay,
  momentum,
  milestones: [],
  lrDecay: 1,
});

interface Observed {
  final: TrajectoryState<unknown>;
  /** Start of the final streak of exactly zero gradients, found by the test itself. */
  wdStreak: number | null;
  expStreak: number | null;
}

function observe<T>(
  A: Arith<T>,
  preset: string,
  lam: number,
  start: [number, number],
  steps: number,
): Observed {
  const loss = findPreset(preset)!.loss;
  const integ = new Integrator(A, loss, toExponential(opt(lam)), 1e-3, RENORM);
  const c = lossCoefficients(A, loss);
  const s = integ.init(start[0], start[1]);
  let wd: number | null = null;
  let ex: number | null = null;
  const zero = (v: T) => A.toNumber(v) === 0;
  for (let t = 0; t < steps; t++) {
    const [gx, gy] = gradient(A, c, s.wd.x, s.wd.y);
    const exFrozen = s.overflowStep === null;
    const [hx, hy] = gradient(A, c, s.ex.x, s.ex.y);
    integ.step(s);
    wd = zero(gx) && zero(gy) ? (wd ?? t) : null;
    // With γ = 0 the new buffer is the gradient itself: a zero gradient leaves w̃ where it was.
    if (exFrozen) ex = zero(hx) && zero(hy) ? (ex ?? t) : null;
  }
  return { final: s as TrajectoryState<unknown>, wdStreak: wd, expStreak: ex };
}

/** What a correct detector must report, from the test's own observation. */
function checkDetector(o: Observed, reported: CauseEvents & { wdAbsorbedStep: number | null }): void {
  expect(reported.wdAbsorbedStep).toBe(o.wdStreak);
  expect(reported.expAbsorbedStep).toBe(o.expStreak);
}

describe('absorption is detected at the step where it happens (independent check)', () => {
  const cases: [string, Arith<never>, string, number, [number, number], number][] = [
    ['f64 single-well on the minimum ray', F64 as Arith<never>, 'single-well', 0.05, [1, 1], 400],
    ['f64 single-well onto the diagonal', F64 as Arith<never>, 'single-well', 0.05, [0.9, 0.2], 2000],
    ['f32 double-well (y underflows)', F32 as Arith<never>, 'double-well', 0.08, [0.95, 0.3], 3000],
    ['dd seed-wells', DDA as Arith<never>, 'seed-wells', 0.08, [Math.cos(0.3), Math.sin(0.3)], 1200],
  ];
  for (const [name, A, preset, lam, start, steps] of cases) {
    it(name, () => {
      const o = observe(A, preset, lam, start, steps);
      checkDetector(o, o.final);
    });
  }

  it('the start on the ray is absorbed at step 0 in both runs; the diagonal one later, before it splits', () => {
    const ray = observe(F64, 'single-well', 0.05, [1, 1], 400);
    expect([ray.wdStreak, ray.expStreak]).toEqual([0, 0]);
    const diag = observe(F64, 'single-well', 0.05, [0.9, 0.2], 2000);
    expect(diag.wdStreak).toBeGreaterThan(50);
    expect(divergenceCause(diag.final)).toBe('absorbed');
  });

  it('a sabotaged detector that never reports absorption fails the check and the cause', () => {
    const o = observe(F64, 'single-well', 0.05, [0.9, 0.2], 2000);
    const sabotaged = { ...o.final, wdAbsorbedStep: null, expAbsorbedStep: null };
    expect(() => checkDetector(o, sabotaged)).toThrow();
    expect(divergenceCause(sabotaged)).not.toBe('absorbed');
  });
});

describe('divergenceCause precedence', () => {
  const none = { divergenceStep: null, overflowStep: null };
  it.each([
    [{ ...none }, null],
    [{ ...none, overflowStep: 10 }, 'range'],
    [{ divergenceStep: 20, overflowStep: 10 }, 'range'],
    [{ divergenceStep: 5, overflowStep: 10, crossingStep: 1 }, 'chaos'],
    [{ divergenceStep: 20, overflowStep: null, underflowStep: 20, wdAbsorbedStep: 3 }, 'range'],
    [{ divergenceStep: 20, overflowStep: null, underflowStep: 21, wdAbsorbedStep: 3 }, 'absorbed'],
    [{ divergenceStep: 20, overflowStep: null, expAbsorbedStep: 20, crossingStep: 1 }, 'absorbed'],
    [{ divergenceStep: 20, overflowStep: null, expAbsorbedStep: 21, crossingStep: 1 }, 'chaos'],
    [{ divergenceStep: 20, overflowStep: null, crossingStep: 21 }, 'precision'],
  ] as [CauseEvents, string | null][])('%j → %s', (events, cause) => {
    expect(divergenceCause(events)).toBe(cause);
  });
});
