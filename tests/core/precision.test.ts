/**
 * Precision of the reference integrators (docs/math.md §5).
 *
 * (1) A run that becomes unstable: weight decay shrinks |w| until the effective step η/|w|² destabilises the
 * minimum the run sits in; from then on every rounding difference grows geometrically. float64 visibly drifts
 * from the 60-digit oracle (> 1e-8); double-double must stay with it.
 *
 * What "stay with it" can mean. The instability amplifies every perturbation by the same factor G_t, whatever
 * its origin, so err_f64(t) ≈ G_t·2^-53 and err_dd(t) ≈ G_t·2^-106: once f64 has lost 8 digits (G ≳ 1e8) dd
 * has lost 8 too. dd therefore cannot keep 30 digits at the steps where f64 has drifted past 1e-8 (it
 * would need G ≤ 100). We assert what the theory predicts instead:
 *   - dd keeps ≥ 30 digits (≤ 1e-30) over the stable part of the run and until f64's error passes 1e-14;
 *   - at every step dd's error is ≤ 1e-14 × f64's error (dd carries ≥ 14 more correct digits; ideal 2^-53);
 * The oracle's own error (≈ G_t·1e-60) is negligible against both.
 *
 * (2) The float32 mirror departs from float64 at the ~1e-7 level after one step and over a short stable run.
 */
import { describe, expect, it } from 'vitest';
import { DDA, F32, F64 } from '../../src/core/arith';
import { DD } from '../../src/core/dd';
import { Integrator } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { oracleRun, relDist, toDecimal } from '../oracle/decimalOracle';

const LOSS: FourierLoss = { a: [0.3, -0.2, 0.1], b: [0.1, 0.4, -0.05] };
const INIT: [number, number] = [-0.7, 0.7];

describe('double-double vs the 60-digit oracle in an unstable run', () => {
  // |w| shrinks from 0.99 by ≈ (1 − ηλ) per step and the run settles in the minimum θ* ≈ 2.80, where
  // f''(θ*) ≈ 2.73. Near |w| ≈ 0.37 (step ≈ 200) η·f''(θ*)/|w|² passes 2 and the minimum turns unstable
  // (period doubling): a perturbation is then multiplied by |1 − η f''/|w|²| ≈ 1.5–2.5 at every step.
  const opt: OptimizerConfig = { lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 1 };
  const STEPS = 250;

  it('f64 drifts past 1e-8; dd keeps ≥ 28 digits until the instability and ≥ 14 digits more than f64 after', () => {
    const o = oracleRun(LOSS, opt, INIT, STEPS, { exponential: false });
    const sch = toExponential(opt);
    const i64 = new Integrator(F64, LOSS, sch, 1e-3);
    const idd = new Integrator(DDA, LOSS, sch, 1e-3);
    const s64 = i64.init(INIT[0], INIT[1]);
    const sdd = idd.init(INIT[0], INIT[1]);
    const e64: number[] = [0];
    const edd: number[] = [0];
    const eddEx: number[] = [0];
    for (let t = 1; t <= STEPS; t++) {
      i64.step(s64);
      idd.step(sdd);
      e64.push(relDist(s64.wd.x, s64.wd.y, o.wd.x[t], o.wd.y[t]));
      edd.push(relDist(sdd.wd.x, sdd.wd.y, o.wd.x[t], o.wd.y[t]));
      // The dd exponential run projected back with the oracle's exact c_t.
      const px = toDecimal(sdd.ex.x).times(o.c[t]);
      const py = toDecimal(sdd.ex.y).times(o.c[t]);
      eddEx.push(relDist(px, py, o.wd.x[t], o.wd.y[t]));
    }

    const drift = e64.findIndex((e) => e > 1e-8);
    const onset = e64.findIndex((e) => e > 1e-14);
    const last30 = edd.findIndex((e) => e > 1e-30) - 1;
    const digits = (e: number) => (-Math.log10(e)).toFixed(1);
    const maxRatio = Math.max(...edd.slice(onset).map((e, i) => e / e64[onset + i]));
    const stableMax = Math.max(...edd.slice(0, onset));
    console.log(
      [
        `unstable run (lr ${opt.lr}, λ ${opt.weightDecay}, ${STEPS} steps): f64 error passes 1e-14 at step ${onset}, 1e-8 at step ${drift}`,
        `  dd vs oracle: worst ${stableMax.toExponential(2)} (${digits(stableMax)} digits) over steps < ${onset}; ≤ 1e-30 through step ${last30 < 0 ? STEPS : last30}`,
        `  at step ${drift}: f64 ${e64[drift].toExponential(2)} (${digits(e64[drift])} digits), dd ${edd[drift].toExponential(2)} (${digits(edd[drift])} digits)`,
        `  at step ${STEPS}: f64 ${e64[STEPS].toExponential(2)} (${digits(e64[STEPS])} digits), dd ${edd[STEPS].toExponential(2)} (${digits(edd[STEPS])} digits), dd exponential run projected ${eddEx[STEPS].toExponential(2)}`,
        `  worst dd/f64 error ratio from step ${onset} on: ${maxRatio.toExponential(2)} (2^-53 = ${(2 ** -53).toExponential(2)})`,
      ].join('\n'),
    );

    // f64 has visibly drifted, and only after the instability set in (not from the start).
    expect(drift).toBeGreaterThan(200);
    expect(e64[STEPS]).toBeGreaterThan(1e-8);
    expect(Math.max(...e64.slice(0, 200))).toBeLessThan(1e-14);
    // dd: ≥ 28 digits while the dynamics is stable (and until f64 has lost 2 of its digits). Its stored
    // positions keep DD_STATE_BITS = 100 bits (30.1 digits; docs/numerics.md), so ~1.5 digits go to rounding.
    expect(stableMax).toBeLessThanOrEqual(1e-28);
    // dd: ≥ 14 more correct digits than f64 at every step, hence ≥ 22 digits at the end.
    for (let t = onset; t <= STEPS; t++) expect(edd[t]).toBeLessThanOrEqual(1e-14 * e64[t]);
    expect(edd[STEPS]).toBeLessThan(1e-20);
    // The exponential half in dd is as good (it is 2^k-exactly rescaled, with η̃ accurate to ~2^-106).
    for (let t = 1; t <= STEPS; t++) expect(eddEx[t]).toBeLessThanOrEqual(Math.max(1e-28, 1e-14 * e64[t]));
  });
});

describe('float32 mirror vs float64', () => {
  // f32-representable start, so that the difference comes from the arithmetic (and the f32 coefficients).
  const START: [number, number] = [-0.75, 0.625];
  const opt: OptimizerConfig = { lr: 0.1, weightDecay: 0.01, momentum: 0.9, milestones: [], lrDecay: 1 };

  function gap(steps: number) {
    const sch = toExponential(opt);
    const i32 = new Integrator(F32, LOSS, sch, 1e-3);
    const i64 = new Integrator(F64, LOSS, sch, 1e-3);
    const a = i32.init(START[0], START[1]);
    const b = i64.init(START[0], START[1]);
    let wd = 0;
    let ex = 0;
    for (let t = 1; t <= steps; t++) {
      i32.step(a);
      i64.step(b);
      wd = Math.max(wd, Math.hypot(a.wd.x - b.wd.x, a.wd.y - b.wd.y) / Math.hypot(b.wd.x, b.wd.y));
      ex = Math.max(ex, Math.hypot(a.ex.x - b.ex.x, a.ex.y - b.ex.y) / Math.hypot(b.ex.x, b.ex.y));
      // Every f32 value really is a float32.
      for (const v of [a.wd.x, a.wd.y, a.ex.x, a.ex.y, a.lr]) expect(Math.fround(v)).toBe(v);
    }
    return { wd, ex };
  }

  it('after one step and over 50 stable steps: relative gap between 1e-9 and 1e-5', () => {
    const one = gap(1);
    const fifty = gap(50);
    console.log(
      `f32 vs f64: after 1 step wd ${one.wd.toExponential(2)}, exp ${one.ex.toExponential(2)}; ` +
        `max over 50 steps wd ${fifty.wd.toExponential(2)}, exp ${fifty.ex.toExponential(2)}`,
    );
    for (const v of [one.wd, one.ex, fifty.wd, fifty.ex]) {
      expect(v).toBeGreaterThan(1e-9);
      expect(v).toBeLessThan(1e-5);
    }
  });
});

describe('F32.fromDD rounding', () => {
  // fround(hi + lo) = fround(hi) rounds twice: when hi is exactly halfway between two float32 values, lo must
  // decide. 1 + 2^-24 + 2^-60 lies above the midpoint 1 + 2^-24, so the correct float32 is 1 + 2^-23.
  it('rounds hi + lo correctly when hi is a float32 midpoint (1 + 2^-24 ± 2^-60)', () => {
    expect(F32.fromDD(new DD(1 + 2 ** -24, 2 ** -60))).toBe(1 + 2 ** -23);
    expect(F32.fromDD(new DD(1 + 2 ** -24, -(2 ** -60)))).toBe(1);
    expect(F32.fromDD(new DD(-(1 + 2 ** -24), -(2 ** -60)))).toBe(-(1 + 2 ** -23));
  });

  it('breaks exact ties to even', () => {
    expect(F32.fromDD(new DD(1 + 2 ** -24, 0))).toBe(1);
    expect(F32.fromDD(new DD(1 + 3 * 2 ** -24, 0))).toBe(1 + 2 ** -22);
  });

  it('rounds correctly away from midpoints', () => {
    expect(F32.fromDD(new DD(0.1, 0))).toBe(Math.fround(0.1));
    expect(F32.fromDD(new DD(1 + 2 ** -23, 2 ** -60))).toBe(1 + 2 ** -23);
  });
});
