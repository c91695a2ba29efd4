/**
 * Issue 12 on the GPU: runs absorbed at exact floating-point stationary points, underflow to zero, and range
 * that never fails with renormalisation on. The kernel must report the same absorbed, underflow, overflow,
 * divergence and crossing steps as the CPU float32 mirror (bit for bit on SwiftShader, where the states must
 * be identical too), and df64 must never overflow where f64 does not.
 */
import { describe, expect, it } from 'vitest';
import { F32 } from '../../src/core/arith';
import type { NumericsConfig } from '../../src/core/config/types';
import { Integrator, type TrajectoryState } from '../../src/core/integrator';
import type { FourierLoss } from '../../src/core/loss';
import { type OptimizerConfig, toExponential } from '../../src/core/schedule';
import type { EngineSnapshot } from '../../src/gpu/engine';
import { presetLoss } from './engineHelpers';
import { captureRun, gpuTestSetup, testOptimizer as opt } from './gpuTestUtils';

const { ctx, isSwiftShader, twoProdFma } = await gpuTestSetup({ probePairs: 4096 });

const TOL = 1e-3;
const RENORM: NumericsConfig = { renormalize: true, lrMode: 'recurrence' };

async function gpu(
  precision: 'f32' | 'df64',
  loss: FourierLoss,
  o: OptimizerConfig,
  points: number[],
  steps: number,
): Promise<EngineSnapshot> {
  const [snap] = await captureRun(
    ctx!,
    {
      precision,
      loss,
      schedule: toExponential(o),
      tolerance: TOL,
      points: new Float64Array(points),
      numerics: RENORM,
      twoProdFma,
    },
    [steps],
  );
  return snap;
}

function mirror(
  loss: FourierLoss,
  o: OptimizerConfig,
  points: number[],
  steps: number,
): TrajectoryState<number>[] {
  const it = new Integrator(F32, loss, toExponential(o), TOL, RENORM);
  const out: TrajectoryState<number>[] = [];
  for (let i = 0; i < points.length / 2; i++) {
    const s = it.init(points[2 * i], points[2 * i + 1]);
    while (s.t < steps) it.step(s);
    out.push(s);
  }
  return out;
}

const events = (s: TrajectoryState<number>) => [
  s.wdAbsorbedStep ?? -1,
  s.expAbsorbedStep ?? -1,
  s.underflowStep ?? -1,
  s.overflowStep ?? -1,
  s.divergenceStep ?? -1,
  s.crossingStep ?? -1,
];
const gpuEvents = (g: EngineSnapshot, i: number) => [
  g.wdAbsorbedStep[i],
  g.expAbsorbedStep[i],
  g.underflowStep[i],
  g.overflowStep[i],
  g.divergenceStep[i],
  g.crossingStep[i],
];

function expectSameAsMirror(g: EngineSnapshot, cpu: TrajectoryState<number>[]): void {
  cpu.forEach((s, i) => {
    expect(gpuEvents(g, i), `trajectory ${i}`).toEqual(events(s));
    expect([g.scaleExp[i], g.wdScaleExp[i]]).toEqual([s.scaleExp, s.wdScaleExp]);
    if (isSwiftShader) {
      expect([g.wd[2 * i], g.wd[2 * i + 1], g.ex[2 * i], g.ex[2 * i + 1]]).toEqual([
        s.wd.x,
        s.wd.y,
        s.ex.x,
        s.ex.y,
      ]);
    }
  });
}

describe.skipIf(!ctx)('absorbed runs and range on the GPU (f32 kernel vs the CPU float32 mirror)', () => {
  it('a start on single-well’s minimum ray is absorbed at step 0 in both runs, by the GPU and the CPU', async () => {
    const loss = presetLoss('single-well');
    const points = [1, 1, 0.25, 0.25, -0.7, 0.7, 0.9, 0.2];
    const o = opt({});
    const g = await gpu('f32', loss, o, points, 600);
    const cpu = mirror(loss, o, points, 600);
    expect(cpu[0].wdAbsorbedStep).toBe(0);
    expect(cpu[0].expAbsorbedStep).toBe(0);
    expect(cpu[1].wdAbsorbedStep).toBe(0);
    expectSameAsMirror(g, cpu);
  });

  it('double-well in f32: the y component underflows to exactly zero, reported as such by both', async () => {
    const loss = presetLoss('double-well');
    const points: number[] = [];
    for (let i = 0; i < 24; i++) points.push(Math.cos(0.3 + i * 0.26), Math.sin(0.3 + i * 0.26));
    const o = opt({ weightDecay: 0.08 });
    const g = await gpu('f32', loss, o, points, 3000);
    const cpu = mirror(loss, o, points, 3000);
    expect(cpu.filter((s) => s.underflowStep !== null).length).toBeGreaterThan(12);
    expectSameAsMirror(g, cpu);
    // Both runs on the axis: cross is ±0 and the gap is 0 (SwiftShader's atan2(−0, x > 0) gave π here).
    const integ = new Integrator(F32, loss, toExponential(o), TOL, RENORM);
    for (const [i, s] of cpu.entries()) {
      expect(Math.abs(g.gap[i] - integ.angleGap(s)), `gap ${i}`).toBeLessThan(1e-5);
    }
  });

  it('10^5 steps of absorbed runs (λ 0.1): no overflow, the weight-decay run renormalised, η̃’s exponent apart', async () => {
    const loss = presetLoss('single-well');
    const points = [1, 1, -0.7, 0.7, 0.9, 0.2, 3, -2];
    const o = opt({ weightDecay: 1 });
    const steps = 100_000;
    const g = await gpu('f32', loss, o, points, steps);
    const cpu = mirror(loss, o, points, steps);
    expect(cpu.every((s) => s.overflowStep === null)).toBe(true);
    expect(cpu[0].wdScaleExp).toBeLessThan(-1000); // |w| shrank by 0.9^10^5: far below float32's range
    expect(cpu[0].lrExp).toBeGreaterThan(1000); // η̃ grew past float32's range while w̃ stood still
    expectSameAsMirror(g, cpu);
    const d = await gpu('df64', loss, o, points, steps);
    expect(Array.from(d.overflowStep)).toEqual([-1, -1, -1, -1]);
    expect(d.wdAbsorbedStep[0]).toBe(0);
  }, 120_000);

  it('momentum with milestones: absorbed runs knocked off by the switch stay equal to the mirror', async () => {
    const loss = presetLoss('single-well');
    const points = [1, 1, 0.6, 0.8, -0.7, 0.7];
    const o = opt({
      lr: 0.2,
      weightDecay: 0.01,
      momentum: 0.5,
      milestones: [3000, 6000, 7500],
      lrDecay: 0.5,
    });
    // The switch at 7500 meets an absorbed run whose η̃ exponent was held apart (J > 0): κ/η̃ carries 2^−J.
    const integ = new Integrator(F32, loss, toExponential(o), TOL, RENORM);
    const s = integ.init(1, 1);
    while (s.t < 7499) integ.step(s);
    expect(s.expAbsorbedStep).not.toBeNull();
    expect(s.lrExp).toBeGreaterThan(30);
    const g = await gpu('f32', loss, o, points, 8000);
    const cpu = mirror(loss, o, points, 8000);
    expectSameAsMirror(g, cpu);
  }, 60_000);
});
