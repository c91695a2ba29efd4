// The raw exponential run is drawn from the ring's weight-decay / projected samples divided by c_t in log
// space (src/render/rawRun.ts mirrors the shader). Checked against the reference integrator's own w̃_t:
// since w_t = c_t·w̃_t, rawPoint(w_t, log2 c_t) must give w̃_t — with step decay too — and it must stay
// finite where w̃ itself is far beyond float32's range.
import { describe, expect, it } from 'vitest';
import { F64 } from '../../src/core/arith';
import { Integrator } from '../../src/core/integrator';
import { LOSS_PRESETS } from '../../src/core/presets';
import { log2ProjectionFactor, type OptimizerConfig, toExponential } from '../../src/core/schedule';
import { fillSampleLog2c, LOG2_CAP, rawPoint, zoomShift } from '../../src/render/rawRun';

// A single well keeps the two runs together (no chaotic drift), so any mismatch is the scaling's fault.
const loss = LOSS_PRESETS.find((p) => p.name === 'single-well')!.loss;

function check(opt: OptimizerConfig, steps: number) {
  const schedule = toExponential(opt);
  const integ = new Integrator(F64, loss, schedule, 1e-3);
  const s = integ.init(-0.7, 0.7);
  for (let t = 0; t <= steps; t++) {
    if (t % 100 === 0 && s.divergenceStep === null) {
      const [x, y] = rawPoint(s.wd.x, s.wd.y, log2ProjectionFactor(schedule, t));
      const r = Math.hypot(s.ex.x, s.ex.y);
      expect(Math.hypot(x - s.ex.x, y - s.ex.y) / r).toBeLessThan(1e-6);
    }
    integ.step(s);
  }
  // c_t really shrank: the check is not between nearly equal points.
  expect(log2ProjectionFactor(schedule, steps)).toBeLessThan(-10);
  expect(s.divergenceStep).toBeNull();
}

describe('raw exponential run from projected samples', () => {
  it('weight decay: rawPoint(w_t, log2 c_t) = w̃_t', () => {
    check({ lr: 0.1, weightDecay: 0.05, momentum: 0, milestones: [], lrDecay: 0.1 }, 3000);
  });

  it('momentum and step decay: the schedule phases are followed', () => {
    check({ lr: 0.05, weightDecay: 0.05, momentum: 0.5, milestones: [1000, 2000], lrDecay: 0.5 }, 3000);
  });

  it('stays finite and keeps the direction where w̃ is beyond float32', () => {
    const [x, y] = rawPoint(0.6, -0.8, -400);
    expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
    expect(Math.log2(Math.hypot(x, y))).toBeCloseTo(LOG2_CAP, 9);
    expect(x / y).toBeCloseTo(-0.75, 12);
    // With the zooming pane's shift the same point is moderate and exact: |w̃|/2^shift = 2^(0 + 400 − 399).
    const [u, v] = rawPoint(0.6, -0.8, -400, 399);
    expect(Math.hypot(u, v)).toBeCloseTo(2, 12);
  });

  it('fillSampleLog2c writes log2 c at each live sample into its ring slot', () => {
    const schedule = toExponential({
      lr: 0.1,
      weightDecay: 0.05,
      momentum: 0,
      milestones: [30],
      lrDecay: 0.1,
    });
    const out = new Float32Array(8);
    fillSampleLog2c(out, schedule, 5, 3, 20); // live samples 13…20 of a ring with 8 slots
    for (let k = 13; k <= 20; k++) {
      expect(out[k % 8]).toBeCloseTo(log2ProjectionFactor(schedule, 5 * k), 5);
    }
    expect(zoomShift(schedule, 20, 5)).toBeCloseTo(-log2ProjectionFactor(schedule, 100), 12);
    expect(zoomShift(schedule, 20, 5)).toBeGreaterThan(0);
  });
});
